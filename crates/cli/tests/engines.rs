//! `--engine` on `run` and `wast`, the tiering thresholds and
//! `run --profile`, through the built binary.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn root(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
        .display()
        .to_string()
}

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
        .stdin(Stdio::null())
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

/// `zwasm run --engine ENGINE` followed by `rest`.
fn run_on(engine: &str, rest: &[&str]) -> Output {
    let mut args = vec!["run", "--engine", engine];
    args.extend_from_slice(rest);
    zwasm(&args)
}

#[test]
fn every_interpreter_gives_the_same_fib() {
    let example = root("examples/fib.wat");
    for engine in ["interp", "reference", "auto"] {
        let output = run_on(engine, &["--invoke", "fib", &example, "30"]);
        assert_eq!(code(&output), 0, "{engine}: {}", stderr(&output));
        assert_eq!(stdout(&output), "832040\n", "{engine}");
    }
    let corpus = root("tests/wat/fib.wat");
    let interp = run_on("interp", &["--invoke", "fib_rec", &corpus, "15"]);
    let reference = run_on("reference", &["--invoke", "fib_rec", &corpus, "15"]);
    assert_eq!(stdout(&interp), "610\n", "{}", stderr(&interp));
    assert_eq!(stdout(&interp), stdout(&reference));
}

#[test]
fn every_interpreter_runs_wasi_programs_alike() {
    let args_env = root("tests/wasi/args_env.wasm");
    let exit = root("tests/wasi/exit.wasm");
    let cases: [Vec<&str>; 2] = [
        vec!["--env", "FOO=bar", &args_env, "one", "two"],
        vec![&exit, "3"],
    ];
    for case in &cases {
        let interp = run_on("interp", case);
        let reference = run_on("reference", case);
        assert!(!stdout(&interp).is_empty(), "{case:?}: {}", stderr(&interp));
        assert_eq!(stdout(&interp), stdout(&reference), "{case:?}");
        assert_eq!(code(&interp), code(&reference), "{case:?}");
    }
    assert_eq!(code(&run_on("interp", &cases[1])), 3);
}

#[test]
fn unknown_engine_is_a_usage_error_listing_the_engines() {
    let example = root("examples/fib.wat");
    let pass = data("pass.wast");
    for args in [
        vec!["run", "--engine", "turbo", &example],
        vec!["wast", "--engine", "turbo", &pass],
    ] {
        let output = zwasm(&args);
        assert_eq!(code(&output), 2, "{args:?}");
        let err = stderr(&output);
        assert!(err.contains("unknown engine `turbo`"), "{err}");
        assert!(err.contains("reference, interp, jit, auto"), "{err}");
    }
}

#[cfg(not(target_arch = "aarch64"))]
#[test]
fn jit_engine_fails_clearly_without_a_backend() {
    let example = root("examples/fib.wat");
    let pass = data("pass.wast");
    for args in [
        vec!["run", "--engine", "jit", "--invoke", "fib", &example, "10"],
        vec!["wast", "--engine", "jit", &pass],
    ] {
        let output = zwasm(&args);
        assert_eq!(code(&output), 1, "{args:?}");
        assert_eq!(stdout(&output), "", "{args:?}");
        let err = stderr(&output);
        assert!(err.contains("--engine jit"), "{err}");
        assert!(err.contains("no JIT backend for this host"), "{err}");
    }
}

#[cfg(target_arch = "aarch64")]
#[test]
fn jit_engine_gives_the_interpreters_results() {
    let example = root("examples/fib.wat");
    let corpus = root("tests/wat/fib.wat");
    let args_env = root("tests/wasi/args_env.wasm");
    let cases: [Vec<&str>; 3] = [
        vec!["--invoke", "fib", &example, "30"],
        vec!["--invoke", "fib_rec", &corpus, "15"],
        vec!["--env", "FOO=bar", &args_env, "one", "two"],
    ];
    for case in &cases {
        let interp = run_on("interp", case);
        for engine in ["jit", "auto"] {
            let output = run_on(engine, case);
            assert_eq!(code(&output), code(&interp), "{engine} {case:?}");
            assert_eq!(stdout(&output), stdout(&interp), "{engine} {case:?}");
        }
    }
}

#[cfg(target_arch = "aarch64")]
#[test]
fn profile_says_native_code_is_not_counted() {
    let example = root("examples/fib.wat");
    let output = run_on("jit", &["--profile", "--invoke", "fib", &example, "30"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output), "832040\n");
    assert!(
        stderr(&output).contains("profile: not available"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn jit_thresholds_are_accepted_and_checked() {
    let example = root("examples/fib.wat");
    let output = run_on(
        "auto",
        &[
            "--jit-threshold",
            "1",
            "--jit-loop-threshold",
            "2",
            "--invoke",
            "fib",
            &example,
            "30",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output), "832040\n");

    for bad in ["-1", "many", "4294967296"] {
        let output = run_on("auto", &["--jit-threshold", bad, &example]);
        assert_eq!(code(&output), 2, "--jit-threshold {bad}");
        let output = run_on("auto", &["--jit-loop-threshold", bad, &example]);
        assert_eq!(code(&output), 2, "--jit-loop-threshold {bad}");
    }
}

#[test]
fn wast_runs_on_each_interpreter() {
    let pass = data("pass.wast");
    let fail = data("fail.wast");
    for engine in ["interp", "reference", "auto"] {
        let output = zwasm(&["wast", "--engine", engine, &pass]);
        assert_eq!(code(&output), 0, "{engine}: {}", stdout(&output));
        assert!(stdout(&output).contains("0 failed"), "{}", stdout(&output));
        let output = zwasm(&["wast", "--engine", engine, &fail]);
        assert_eq!(code(&output), 1, "{engine}: {}", stdout(&output));
    }
}

/// The rows of the profile table that follows the header line starting with
/// `header` (up to the next blank line), split into columns.
fn table(profile: &str, header: &str) -> Vec<Vec<String>> {
    profile
        .lines()
        .skip_while(|line| !line.trim_start().starts_with(header))
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .map(|line| line.split_whitespace().map(str::to_owned).collect())
        .collect()
}

fn op_rows(profile: &str) -> Vec<Vec<String>> {
    table(profile, "count")
}

/// `(calls, index, name)` of each function row; the time columns vary.
fn func_rows(profile: &str) -> Vec<(u64, u32, String)> {
    table(profile, "calls")
        .into_iter()
        .map(|row| {
            let n = row.len();
            assert!(n >= 6, "short function row {row:?}");
            (
                row[0].parse().expect("calls"),
                row[n - 2].parse().expect("index"),
                row[n - 1].clone(),
            )
        })
        .collect()
}

#[test]
fn profile_counts_operations_and_calls() {
    let corpus = root("tests/wat/fib.wat");
    let output = zwasm(&["run", "--profile", "--invoke", "fib_rec", &corpus, "10"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output), "55\n", "the results alone go to stdout");
    let profile = stderr(&output);
    assert!(
        profile.contains("profile (fast interpreter): "),
        "{profile}"
    );
    assert!(profile.contains(" 177 calls"), "{profile}");

    let ops = op_rows(&profile);
    assert!(!ops.is_empty(), "{profile}");
    let counts: Vec<u64> = ops
        .iter()
        .map(|row| row[0].parse().expect("count"))
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "sorted: {profile}");
    assert!(counts.iter().all(|&count| count > 0), "{profile}");
    // fib_rec(10) makes 176 calls from wasm code.
    assert!(
        ops.iter()
            .any(|row| row[3].starts_with("Call") && row[0] == "176"),
        "{profile}"
    );
    let total: f64 = ops
        .iter()
        .map(|row| row[1].parse::<f64>().expect("%"))
        .sum();
    assert!((total - 100.0).abs() < 0.1, "shares add up: {profile}");
    assert_eq!(ops.last().expect("a row")[2], "100.00", "{profile}");

    assert_eq!(
        func_rows(&profile),
        vec![(177, 0, "fib_rec".to_owned())],
        "{profile}"
    );
}

#[test]
fn profile_order_is_deterministic() {
    let args_env = root("tests/wasi/args_env.wasm");
    let args = ["run", "--profile", "--env", "A=1", &args_env, "x"];
    let first = stderr(&zwasm(&args));
    let second = stderr(&zwasm(&args));
    assert!(!op_rows(&first).is_empty(), "{first}");
    assert_eq!(op_rows(&first), op_rows(&second));
    assert_eq!(func_rows(&first), func_rows(&second));
    let functions = func_rows(&first);
    assert!(functions.len() > 1, "{first}");
    assert!(
        functions
            .windows(2)
            .all(|w| (w[1].0, w[0].1) <= (w[0].0, w[1].1)),
        "by calls, then index: {first}"
    );
}

#[test]
fn profile_leaves_the_guest_output_alone() {
    let args_env = root("tests/wasi/args_env.wasm");
    let exit = root("tests/wasi/exit.wasm");
    for case in [vec!["--env", "FOO=bar", &args_env, "one"], vec![&exit, "7"]] {
        let mut plain_args = vec!["run"];
        plain_args.extend_from_slice(&case);
        let mut profiled_args = vec!["run", "--profile"];
        profiled_args.extend_from_slice(&case);
        let plain = zwasm(&plain_args);
        let profiled = zwasm(&profiled_args);
        assert_eq!(stdout(&plain), stdout(&profiled), "{case:?}");
        assert_eq!(code(&plain), code(&profiled), "{case:?}");
        assert!(
            stderr(&profiled).contains("profile (fast interpreter)"),
            "the profile follows proc_exit too: {}",
            stderr(&profiled)
        );
    }
}

#[test]
fn profile_is_printed_after_a_trap() {
    let output = zwasm(&["run", "--profile", "--invoke", "outer", &data("trap.wat")]);
    assert_eq!(code(&output), 134);
    let err = stderr(&output);
    assert!(err.contains("integer divide by zero"), "{err}");
    let functions = func_rows(&err);
    let names: Vec<&str> = functions.iter().map(|row| row.2.as_str()).collect();
    assert_eq!(names, ["divide", "outer"], "{err}");
}

#[test]
fn profile_needs_the_fast_interpreter() {
    let example = root("examples/fib.wat");
    let output = zwasm(&[
        "run",
        "--profile",
        "--engine",
        "reference",
        "--invoke",
        "fib",
        &example,
        "3",
    ]);
    assert_eq!(code(&output), 2);
    assert_eq!(stdout(&output), "", "nothing runs");
    let err = stderr(&output);
    assert!(err.contains("--engine reference"), "{err}");
    assert!(err.contains("--engine interp"), "{err}");
}
