//! The engines a benchmark runs on: zwasm's tiers through the `zwasm` CLI
//! and whichever peers are installed. Every engine is run the same way:
//! `PROGRAM PREFIX… [--invoke run] FILE ARGS…`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};

use super::child::{self, CommandLine};
use super::corpus::{KERNEL_EXPORT, Prepared};

/// zwasm's execution tiers, in the CLI's `--engine` spelling. `auto` is left
/// out: it is one of these, chosen by the CLI.
const ZWASM_TIERS: &[&str] = &["reference", "interp", "jit"];

const PROBE_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone)]
pub(crate) struct Engine {
    /// `zwasm-<tier>` or the peer's name.
    pub(crate) name: String,
    pub(crate) peer: bool,
    pub(crate) version: String,
    /// How it is run, for the report.
    pub(crate) how: String,
    /// False when it cannot run WASI programs (e.g. a zwasm CLI built before
    /// WASI was wired in); such an engine skips the C programs.
    pub(crate) wasi: bool,
    program: PathBuf,
    prefix: Vec<OsString>,
}

impl Engine {
    pub(crate) fn command(&self, bench: &Prepared) -> CommandLine {
        self.command_for(&bench.wasm, !bench.needs_wasi(), &bench.size)
    }

    fn command_for(&self, wasm: &Path, invoke: bool, size: &str) -> CommandLine {
        let mut args = self.prefix.clone();
        if invoke {
            args.push("--invoke".into());
            args.push(KERNEL_EXPORT.into());
        }
        args.push(wasm.into());
        args.extend(size.split_whitespace().map(OsString::from));
        CommandLine {
            program: self.program.clone(),
            args,
        }
    }
}

/// Small modules that show whether an engine runs at all, and runs WASI.
#[derive(Debug)]
pub(crate) struct Probes {
    /// `run(n)` returns n.
    pub(crate) kernel: PathBuf,
    /// A WASI command printing "wasi ok".
    pub(crate) wasi: PathBuf,
}

const WASI_PROBE: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "wasi ok\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 8))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#;

const KERNEL_PROBE: &str = r#"(module
  (func (export "run") (param i32) (result i64) (i64.extend_i32_u (local.get 0))))"#;

impl Probes {
    pub(crate) fn write(scratch: &Path) -> anyhow::Result<Probes> {
        let write = |name: &str, text: &str| -> anyhow::Result<PathBuf> {
            let path = scratch.join(name);
            let bytes = wat::parse_str(text).context("probe module")?;
            std::fs::write(&path, bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(path)
        };
        Ok(Probes {
            kernel: write("probe_kernel.wasm", KERNEL_PROBE)?,
            wasi: write("probe_wasi.wasm", WASI_PROBE)?,
        })
    }
}

/// Where the tools live.
#[derive(Debug)]
pub(crate) struct Discovery<'a> {
    pub(crate) root: &'a Path,
    pub(crate) zwasm: &'a Path,
    pub(crate) probes: &'a Probes,
}

/// Every engine that is installed and passes its probes, zwasm's first.
/// Engines that are missing or fail a probe are named in `notes`.
pub(crate) fn discover(at: &Discovery<'_>, notes: &mut Vec<String>) -> Vec<Engine> {
    let mut engines = zwasm_engines(at, notes);
    for candidate in peer_candidates(at.root) {
        match candidate {
            Ok(engine) => match probe(&engine, at.probes) {
                Ok(engine) => engines.push(engine),
                Err(err) => notes.push(format!("{}: not used: {err:#}", engine.name)),
            },
            Err(note) => notes.push(note),
        }
    }
    engines
}

fn zwasm_engines(at: &Discovery<'_>, notes: &mut Vec<String>) -> Vec<Engine> {
    let version = match capture(at.zwasm, &["--version"]) {
        Ok(text) => text,
        Err(err) => {
            notes.push(format!("zwasm: cannot run {}: {err:#}", at.zwasm.display()));
            return Vec::new();
        }
    };
    let has_engine_flag = capture(at.zwasm, &["run", "--help"])
        .map(|help| help.contains("--engine"))
        .unwrap_or(false);
    let mut engines = Vec::new();
    for &tier in ZWASM_TIERS {
        let mut prefix: Vec<OsString> = vec!["run".into()];
        if has_engine_flag {
            prefix.push("--engine".into());
            prefix.push(tier.into());
        } else if tier != "reference" {
            // A CLI without --engine runs only the reference interpreter.
            continue;
        }
        let engine = Engine {
            name: format!("zwasm-{tier}"),
            peer: false,
            version: version.clone(),
            how: format!("`zwasm {}`", lossy(&prefix)),
            wasi: true,
            program: at.zwasm.to_path_buf(),
            prefix,
        };
        match probe(&engine, at.probes) {
            Ok(engine) => engines.push(engine),
            Err(err) => notes.push(format!("{}: not available: {err:#}", engine.name)),
        }
    }
    engines
}

/// The peers that are installed, as engines still to be probed (Err: a
/// note on why a peer is missing).
fn peer_candidates(root: &Path) -> Vec<Result<Engine, String>> {
    let peers = root.join("benches/peers");
    let python = which("python3");
    let via_python = |name: &str, script: &str| -> Result<Engine, String> {
        let python = python
            .clone()
            .ok_or_else(|| format!("{name}: not found (no python3)"))?;
        let script = peers.join(script);
        let version =
            capture_os(&python, &[script.as_os_str(), "--version".as_ref()]).map_err(|err| {
                format!(
                    "{name}: not installed (see benches/peers/install.sh): \
                     `{} --version` failed: {err:#}",
                    script.display()
                )
            })?;
        Ok(Engine {
            name: name.to_owned(),
            peer: true,
            version,
            how: format!(
                "`python3 benches/peers/{script}`",
                script = file_name(&script)
            ),
            wasi: true,
            program: python,
            prefix: vec![script.into_os_string()],
        })
    };

    let wasmi = match which("wasmi").or_else(|| which("wasmi_cli")) {
        Some(program) => native("wasmi", &program, &[]),
        None => Err("wasmi: not installed (`cargo install wasmi_cli`)".to_owned()),
    };
    // The native CLI, where someone built it, beats the Python wheel (no
    // interpreter start-up in the timings).
    let wasmtime = match which("wasmtime") {
        Some(program) => native("wasmtime", &program, &["run"]),
        None => via_python("wasmtime", "wasmtime_run.py"),
    };
    let wasm3 = via_python("wasm3", "wasm3_run.py");
    vec![wasmi, wasmtime, wasm3]
}

fn native(name: &str, program: &Path, prefix: &[&str]) -> Result<Engine, String> {
    let version = capture(program, &["--version"])
        .map_err(|err| format!("{name}: `{} --version` failed: {err:#}", program.display()))?;
    Ok(Engine {
        name: name.to_owned(),
        peer: true,
        version,
        how: format!(
            "`{}`",
            [file_name(program).as_str()]
                .iter()
                .chain(prefix)
                .copied()
                .collect::<Vec<_>>()
                .join(" ")
        ),
        wasi: true,
        program: program.to_path_buf(),
        prefix: prefix.iter().map(OsString::from).collect(),
    })
}

/// Checks that the engine runs a kernel, and whether it runs WASI.
fn probe(engine: &Engine, probes: &Probes) -> anyhow::Result<Engine> {
    let line = engine.command_for(&probes.kernel, true, "7");
    let outcome = child::run(&line, PROBE_TIMEOUT)?;
    if outcome.exit_code != Some(0) || String::from_utf8_lossy(&outcome.stdout).trim() != "7" {
        bail!(
            "`{}` did not print 7: {}",
            line.display(),
            String::from_utf8_lossy(&outcome.stderr).trim()
        );
    }
    let line = engine.command_for(&probes.wasi, false, "");
    let outcome = child::run(&line, PROBE_TIMEOUT)?;
    let wasi = outcome.exit_code == Some(0)
        && String::from_utf8_lossy(&outcome.stdout).trim() == "wasi ok";
    Ok(Engine {
        wasi,
        ..engine.clone()
    })
}

fn capture(program: &Path, args: &[&str]) -> anyhow::Result<String> {
    let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
    capture_os(program, &args)
}

fn capture_os(program: &Path, args: &[&std::ffi::OsStr]) -> anyhow::Result<String> {
    let line = CommandLine {
        program: program.to_path_buf(),
        args: args.iter().map(OsString::from).collect(),
    };
    let outcome = child::run(&line, PROBE_TIMEOUT)?;
    if outcome.exit_code != Some(0) {
        bail!(
            "exit {:?}: {}",
            outcome.exit_code,
            String::from_utf8_lossy(&outcome.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&outcome.stdout).trim().to_owned())
}

/// Finds a program on PATH, or in cargo's bin directory (where
/// `cargo install` puts peers, and which is not always on PATH).
pub(crate) fn which(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect())
        .unwrap_or_default();
    if let Some(cargo_home) = std::env::var_os("CARGO_HOME") {
        dirs.push(PathBuf::from(cargo_home).join("bin"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    dirs.into_iter()
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn lossy(args: &[OsString]) -> String {
    args.iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Picks the engines named in `wanted` (all when empty).
pub(crate) fn select(available: Vec<Engine>, wanted: &[String]) -> anyhow::Result<Vec<Engine>> {
    if wanted.is_empty() {
        return Ok(available);
    }
    let mut selected = Vec::new();
    for name in wanted {
        match available.iter().find(|e| &e.name == name) {
            Some(engine) => selected.push(engine.clone()),
            None => {
                let names: Vec<&str> = available.iter().map(|e| e.name.as_str()).collect();
                bail!(
                    "engine `{name}` is not available (available: {})",
                    names.join(", ")
                );
            }
        }
    }
    Ok(selected)
}

#[cfg(test)]
impl Engine {
    pub(crate) fn for_tests(name: &str) -> Engine {
        Engine {
            name: name.to_owned(),
            peer: name != "zwasm-reference",
            version: "test".to_owned(),
            how: String::new(),
            wasi: true,
            program: PathBuf::from("true"),
            prefix: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_lines_share_one_shape() {
        let mut engine = Engine::for_tests("zwasm-reference");
        engine.prefix = vec!["run".into(), "--engine".into(), "reference".into()];
        let line = engine.command_for(Path::new("k.wasm"), true, "30");
        assert_eq!(
            line.display(),
            "true run --engine reference --invoke run k.wasm 30"
        );
        let line = engine.command_for(Path::new("p.wasm"), false, "10 2");
        assert_eq!(line.display(), "true run --engine reference p.wasm 10 2");
    }

    #[test]
    fn selecting_a_missing_engine_fails() {
        let available = vec![Engine::for_tests("wasmi")];
        assert!(select(available.clone(), &["wasm3".to_owned()]).is_err());
        assert_eq!(select(available, &[]).map(|e| e.len()).ok(), Some(1));
    }
}
