//! Golden allocation dumps (Ion, AArch64) of the shared corpus in
//! `tests/wat/` at the workspace root: one snapshot per file, named after
//! it. Every allocation is also checked by regalloc2's checker.

mod support;

use zwasm_regalloc::{Algorithm, Allocator, TargetDesc, display_module};

#[test]
fn corpus_allocation_dumps_match_snapshots() {
    let files = support::corpus_files();
    assert!(!files.is_empty(), "the golden corpus is empty");
    let target = TargetDesc::aarch64();
    let mut allocator = Allocator::new();
    allocator.set_checking(true);
    for path in files {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf-8 file name");
        let bytes = wat::parse_file(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (module, functions) =
            support::compile_optimized(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let allocations = allocator
            .allocate_all(&functions, &module, &target, Algorithm::Ion)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let dump = display_module(&module, &functions, &allocations).to_string();
        insta::with_settings!({
            prepend_module_to_snapshot => false,
            omit_expression => true,
            description => format!("tests/wat/{name}.wat"),
        }, {
            insta::assert_snapshot!(name, dump);
        });
    }
}
