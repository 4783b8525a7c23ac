//! tests/wasi/compare.py: the WASI test programs under `zwasm run` and under
//! wasmtime (the `wasmtime` PyPI package) must behave the same, apart from
//! the known differences the script lists.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn wasi_programs_behave_as_under_wasmtime() {
    let probe = Command::new("python3")
        .args(["-c", "import wasmtime"])
        .output();
    if !matches!(probe, Ok(ref output) if output.status.success()) {
        // Visible in the test output (`--nocapture`) and never silent: the
        // comparison did not run.
        eprintln!("skipped: wasmtime python package not installed (pip install wasmtime)");
        return;
    }
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/wasi/compare.py");
    let output = Command::new("python3")
        .arg(&script)
        .args(["--verbose", "--zwasm", env!("CARGO_BIN_EXE_zwasm")])
        .output()
        .expect("python3 runs");
    let text = String::from_utf8_lossy(&output.stdout);
    let errors = String::from_utf8_lossy(&output.stderr);
    println!("{text}");
    assert!(
        output.status.success(),
        "compare.py found unexpected differences:\n{text}\n{errors}"
    );
}
