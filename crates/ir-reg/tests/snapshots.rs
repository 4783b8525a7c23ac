//! Golden dumps of the shared corpus in `tests/wat/` at the workspace root:
//! per file, one snapshot of the functions as built (`<name>.built`) and one
//! after the default passes (`<name>`).

use std::path::{Path, PathBuf};

use zwasm_ir_reg::{compile_module, display_module, passes, verify};
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
        let (module, mut functions) =
            compile_module(&bytes, &Features::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let built = display_module(&module, &functions).to_string();
        for func in &mut functions {
            passes::run_default(func);
            verify(func, &module)
                .unwrap_or_else(|e| panic!("{name}: func {}: {e}", func.func_index()));
        }
        let optimised = display_module(&module, &functions).to_string();
        for func in &mut functions {
            passes::run_default(func);
        }
        let again = display_module(&module, &functions).to_string();
        assert_eq!(
            optimised, again,
            "{name}: a second run of the passes changed something"
        );
        insta::with_settings!({
            prepend_module_to_snapshot => false,
            omit_expression => true,
            description => format!("tests/wat/{name}.wat, as built"),
        }, {
            insta::assert_snapshot!(format!("{name}.built"), built);
        });
        insta::with_settings!({
            prepend_module_to_snapshot => false,
            omit_expression => true,
            description => format!("tests/wat/{name}.wat, after passes::run_default"),
        }, {
            insta::assert_snapshot!(name, optimised);
        });
    }
}
