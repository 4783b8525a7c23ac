//! Golden dumps of the fast interpreter's code (`Module::fast_code_text`,
//! what `zwasm dump --stage fast` prints) for the shared corpus in
//! `tests/wat/` at the workspace root: one snapshot per file, every defined
//! function. The engine is `EngineKind::Interp` explicitly: the default
//! engine differs per host (the tiered one adds loop-header ops).

use zwasm::{Config, Engine, EngineKind, Module};
use zwasm_testkit::corpus;

fn interp_engine() -> Engine {
    let mut config = Config::new();
    config.engine(EngineKind::Interp);
    Engine::new(&config).expect("the fast interpreter runs everywhere")
}

/// Every defined function's code, in index order, separated by blank lines.
fn dump_module(module: &Module) -> String {
    let description = module.description();
    let first = description.func_imports;
    let defined = description.bodies.len() as u32;
    let dumps: Vec<String> = (first..first + defined)
        .map(|index| {
            module
                .fast_code_text(index)
                .unwrap_or_else(|e| panic!("function {index}: {e}"))
        })
        .collect();
    dumps.join("\n")
}

#[test]
fn corpus_fast_dumps_match_snapshots() {
    let modules = corpus::wat_modules();
    assert!(modules.len() >= 10, "the golden corpus is missing");
    let engine = interp_engine();
    for (path, bytes) in modules {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf-8 file name");
        let module = Module::new(&engine, &bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let dump = dump_module(&module);
        // Deterministic: a fresh translation prints the same text.
        let again = Module::new(&engine, &bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            dump,
            dump_module(&again),
            "{name}: a second translation differs"
        );
        // Every op is written out, none printed by its fields (the fallback
        // for ops the printer does not know).
        assert!(
            !dump.contains('{'),
            "{name}: an op printed by its fields:\n{dump}"
        );
        insta::with_settings!({
            prepend_module_to_snapshot => false,
            omit_expression => true,
            description => format!("tests/wat/{name}.wat, EngineKind::Interp"),
        }, {
            insta::assert_snapshot!(name, dump);
        });
    }
}

#[test]
fn imported_and_missing_functions_are_errors() {
    let module = Module::new(
        &interp_engine(),
        r#"(module (import "env" "f" (func $f (param i32)))
             (func $g (export "g") (param i32) (call $f (local.get 0))))"#,
    )
    .expect("valid module");
    let imported = module.fast_code_text(0).expect_err("imported");
    assert!(imported.to_string().contains("imported"), "{imported}");
    let missing = module.fast_code_text(2).expect_err("missing");
    assert!(missing.to_string().contains("no function 2"), "{missing}");
    let text = module.fast_code_text(1).expect("defined");
    assert!(text.starts_with("func[1] $g (param i32)\n"), "{text}");
    // The call names its callee in the module's function index space.
    assert!(text.contains("call func0 $f (s0)"), "{text}");
}
