//! Golden dumps of the shared corpus in `tests/wat/` at the workspace root:
//! one snapshot per file, named after it.

use std::path::{Path, PathBuf};

use zwasm_ir_stack::{compile, display_module, verify};
use zwasm_validate::Features;

fn corpus_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/wat");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "wat"))
        .collect();
    files.sort();
    files
}

#[test]
fn corpus_dumps_match_snapshots() {
    let files = corpus_files();
    assert!(!files.is_empty(), "the golden corpus is empty");
    for path in files {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf-8 file name");
        let bytes = wat::parse_file(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (module, functions) =
            compile(&bytes, &Features::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        for function in &functions {
            verify(function, &module)
                .unwrap_or_else(|e| panic!("{name}: func {}: {e}", function.func_index));
        }
        let dump = display_module(&module, &functions).to_string();
        insta::with_settings!({
            prepend_module_to_snapshot => false,
            omit_expression => true,
            description => format!("tests/wat/{name}.wat"),
        }, {
            insta::assert_snapshot!(name, dump);
        });
    }
}
