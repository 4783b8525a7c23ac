//! Golden `asm` dumps (Ion allocation, explicit bounds checks) of the shared
//! corpus in `tests/wat/` at the workspace root: one snapshot per file,
//! disassembled by yaxpeax-arm and annotated with the ir-reg instruction
//! each range of code came from.

mod lower_support;

use zwasm_codegen_aarch64::lower::{LowerOptions, disasm};
use zwasm_regalloc::{Algorithm, Allocator};

#[test]
fn corpus_asm_dumps_match_snapshots() {
    let files = lower_support::corpus_files();
    assert!(!files.is_empty(), "the golden corpus is empty");
    let mut allocator = Allocator::new();
    allocator.set_checking(true);
    let options = LowerOptions::default();
    for path in files {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf-8 file name");
        let bytes = wat::parse_file(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (module, functions) =
            lower_support::compile_optimized(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let compiled = lower_support::lower_all(
            &module,
            &functions,
            &mut allocator,
            Algorithm::Ion,
            &options,
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut dump = String::new();
        for (i, (func, code)) in functions.iter().zip(&compiled).enumerate() {
            lower_support::check_code(code).unwrap_or_else(|e| panic!("{name} func {i}: {e}"));
            if i > 0 {
                dump.push('\n');
            }
            dump.push_str(&disasm::display(code, func, &module).to_string());
        }
        insta::with_settings!({
            prepend_module_to_snapshot => false,
            omit_expression => true,
            description => format!("tests/wat/{name}.wat"),
        }, {
            insta::assert_snapshot!(name, dump);
        });
    }
}

#[test]
fn module_dump_is_the_functions_dumps_joined() {
    let path = lower_support::corpus_files()
        .into_iter()
        .find(|path| path.ends_with("fac.wat"))
        .expect("fac.wat");
    let bytes = wat::parse_file(&path).expect("parse");
    let (module, functions) = lower_support::compile_optimized(&bytes).expect("compile");
    let dump = disasm::display_module(
        &module,
        &functions,
        Algorithm::Ion,
        &LowerOptions::default(),
    )
    .expect("dump");
    assert!(dump.starts_with("func[0] $fac_rec"));
    assert!(dump.contains("\n\nfunc[1] $fac_iter"));
}
