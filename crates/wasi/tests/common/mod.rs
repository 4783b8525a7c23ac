//! Runs the WASI test programs of `tests/wasi/` through the library API:
//! Engine, Module, Linker with `zwasm_wasi::add_to_linker`, and a `WasiCtx`
//! with in-memory stdio.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use zwasm::{Engine, Linker, Module, Store};
use zwasm_wasi::{GuestError, I32Exit, InvalidExitStatus, WasiCtx, WasiCtxBuilder, WritePipe};

/// How a program ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// `_start` returned or `proc_exit` was called with this status.
    Exit(i32),
    /// `proc_exit` with a status WASI reserves (126 and above).
    InvalidExit(u32),
    /// A call no errno answers (bad pointer, undefined enum value), with
    /// its message.
    GuestError(String),
    /// A trap or other runtime error, with its message.
    Error(String),
}

/// Output and outcome of one run.
#[derive(Debug)]
pub struct Run {
    pub outcome: Outcome,
    pub stdout: String,
    pub stderr: String,
}

/// Path of a committed test program.
pub fn program(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/wasi")
        .join(format!("{name}.wasm"))
}

/// Runs `name.wasm` with `argv = [name.wasm, args...]`; `configure` adds
/// whatever else the test grants (preopens, env, sockets, stdin).
pub fn run(
    name: &str,
    args: &[&str],
    configure: impl FnOnce(WasiCtxBuilder) -> WasiCtxBuilder,
) -> Run {
    let engine = Engine::default();
    let module = Module::from_file(&engine, program(name)).expect("test program loads");
    let mut linker: Linker<WasiCtx> = Linker::new(&engine);
    zwasm_wasi::add_to_linker(&mut linker, |ctx| ctx).expect("WASI links");

    let stdout = WritePipe::new_in_memory();
    let stderr = WritePipe::new_in_memory();
    let builder = WasiCtxBuilder::new()
        .arg(format!("{name}.wasm"))
        .args(args.iter().copied())
        .stdout(stdout.clone())
        .stderr(stderr.clone());
    let ctx = configure(builder).build().expect("WASI context builds");
    let mut store = Store::new(&engine, ctx);
    let instance = linker
        .instantiate(&mut store, &module)
        .expect("instantiates");
    let start = instance
        .get_typed_func::<(), ()>(&mut store, "_start")
        .expect("has _start");
    let outcome = match start.call(&mut store, ()) {
        Ok(()) => Outcome::Exit(0),
        Err(error) => {
            if let Some(exit) = error.downcast_ref::<I32Exit>() {
                Outcome::Exit(exit.0)
            } else if let Some(invalid) = error.downcast_ref::<InvalidExitStatus>() {
                Outcome::InvalidExit(invalid.0)
            } else if let Some(guest) = error.downcast_ref::<GuestError>() {
                Outcome::GuestError(guest.to_string())
            } else {
                Outcome::Error(error.to_string())
            }
        }
    };
    Run {
        outcome,
        stdout: stdout.contents_string(),
        stderr: stderr.contents_string(),
    }
}

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("zwasm-wasi-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Compares line by line, so a failure names the first differing line.
pub fn assert_lines(actual: &str, expected: &str) {
    let actual_lines: Vec<&str> = actual.lines().collect();
    let expected_lines: Vec<&str> = expected.lines().collect();
    for (i, (a, e)) in actual_lines.iter().zip(&expected_lines).enumerate() {
        assert_eq!(
            a,
            e,
            "line {} differs\n--- actual output ---\n{actual}",
            i + 1
        );
    }
    assert_eq!(
        actual_lines.len(),
        expected_lines.len(),
        "line count differs\n--- actual output ---\n{actual}"
    );
}
