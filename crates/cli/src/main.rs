//! `zwasm`: run, validate, inspect and debug WebAssembly modules.
//!
//! Exit codes: 0 success, 1 error (bad file, invalid module, link error,
//! failing spec script), 2 usage error, 134 wasm trap; a WASI program's
//! `proc_exit` status is passed through.

mod dump;
mod failure;
mod features;
mod input;
mod inspect;
mod profile;
mod run;
mod validate;
mod values;
mod wast;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::failure::CliFailure;
use crate::features::FeatureArgs;

#[derive(Debug, Parser)]
#[command(name = "zwasm", version, about = "A WebAssembly runtime")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Instantiate a module with WASI and run `_start`, or call one export
    /// with --invoke.
    #[command(override_usage = "zwasm run [OPTIONS] <FILE> [ARGS]...")]
    Run(RunArgs),
    /// Check that a module is valid; report the first error.
    Validate(ValidateArgs),
    /// Describe a module's sections, types, imports and exports.
    Inspect(InspectArgs),
    /// Run WebAssembly spec test scripts (.wast).
    Wast(WastArgs),
    /// Print a compiler stage's intermediate code.
    Dump(DumpArgs),
}

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// Call this exported function instead of `_start`; ARGS are its
    /// arguments (i32/i64: decimal or 0x hex; f32/f64: decimal, nan, inf,
    /// -inf) and its results are printed one per line.
    #[arg(long, value_name = "NAME")]
    invoke: Option<String>,
    /// Grant the guest a host directory, under the name GUEST (default: the
    /// host path as written). May be repeated.
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    dirs: Vec<String>,
    /// Set a guest environment variable; a bare NAME copies the host's
    /// value. May be repeated.
    #[arg(long = "env", value_name = "NAME[=VALUE]")]
    envs: Vec<String>,
    /// Pass the host's whole environment to the guest (under any --env).
    #[arg(long)]
    inherit_env: bool,
    /// Listen on a TCP address and hand the socket to the guest (fd 3 on,
    /// before the --dir directories). May be repeated.
    #[arg(long = "tcplisten", value_name = "ADDR:PORT")]
    tcplisten: Vec<String>,
    /// Execution tier: `auto` (default; AArch64: interpreter, then JIT for
    /// hot code; elsewhere the fast interpreter), `interp` (the fast
    /// interpreter), `reference` (the stack-IR interpreter) or `jit`
    /// (AArch64 hosts: compile every function before it runs; an error
    /// elsewhere).
    #[arg(long, value_name = "ENGINE", default_value = "auto")]
    engine: zwasm::EngineKind,
    /// How compiled code (`--engine jit|auto`) checks 32-bit memory
    /// accesses: `guard` (default where supported: guard pages and a fault
    /// handler) or `explicit` (compare every access with the length).
    #[arg(long, value_name = "MODE")]
    bounds_checks: Option<zwasm::BoundsChecks>,
    /// `--engine auto`: compile a function to native code after this many
    /// calls (default 1000).
    #[arg(long, value_name = "N")]
    jit_threshold: Option<u32>,
    /// `--engine auto`: after this many loop iterations in one running call
    /// of a function, compile it and continue that call as native code at
    /// the loop header (on-stack entry; default 10000).
    #[arg(long, value_name = "N")]
    jit_loop_threshold: Option<u32>,
    /// After the run (also after a trap or exit), print to stderr how often
    /// each of the fast interpreter's operations ran and each function was
    /// called, with its time. Counts the fast interpreter: with `--engine
    /// auto` (the default) everything then runs there; `jit` runs nothing
    /// there and `reference` is refused.
    #[arg(long)]
    profile: bool,
    #[command(flatten)]
    features: FeatureArgs,
    /// The module (a .wasm binary or .wat text), then the guest's arguments.
    /// Options go before FILE: everything after it is passed to the guest.
    #[arg(value_name = "FILE", required = true, trailing_var_arg = true)]
    module_and_args: Vec<OsString>,
}

#[derive(Debug, Args)]
struct ValidateArgs {
    /// The module: a .wasm binary or .wat text.
    file: PathBuf,
    /// Print `ok` when the module is valid.
    #[arg(long, short)]
    verbose: bool,
    #[command(flatten)]
    features: FeatureArgs,
}

#[derive(Debug, Args)]
struct InspectArgs {
    /// The module: a .wasm binary or .wat text.
    file: PathBuf,
    /// Print JSON (schema in docs/inspect-json.md) instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct WastArgs {
    /// The scripts to run.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// List every failure and unsupported directive with its line.
    #[arg(long, short)]
    verbose: bool,
    /// Execution tier the scripts run on: `auto` (default), `interp`,
    /// `reference` or `jit`, as for `zwasm run`.
    #[arg(long, value_name = "ENGINE", default_value = "auto")]
    engine: zwasm::EngineKind,
    #[command(flatten)]
    features: FeatureArgs,
}

#[derive(Debug, Args)]
struct DumpArgs {
    /// Which intermediate code to print.
    #[arg(long, value_enum)]
    stage: Stage,
    /// The module: a .wasm binary or .wat text.
    file: PathBuf,
    /// Only this function: its index, or its name (name section or export).
    #[arg(long, value_name = "INDEX|NAME")]
    func: Option<String>,
    /// `reg`, `alloc`, `asm`: use the register IR as built, before the
    /// default passes.
    #[arg(long)]
    no_opt: bool,
    /// `alloc`, `asm`: regalloc2's algorithm, `ion` or `fastalloc`.
    #[arg(long, default_value = "ion", value_name = "ALGORITHM")]
    regalloc: String,
    /// `alloc`: also print regalloc2's time per function (on stderr).
    #[arg(long)]
    timings: bool,
    /// `asm`: how memory accesses are bounds-checked: `explicit` (compare
    /// with the memory's length) or `guard` (rely on guard pages for 32-bit
    /// memories).
    #[arg(long, value_enum, default_value = "explicit", value_name = "MODE")]
    bounds_checks: dump::BoundsCheckMode,
    /// `asm`: canonicalize the NaNs float arithmetic produces.
    #[arg(long)]
    canonicalize_nans: bool,
    /// `fast`: whose bytecode: `interp` (the fast interpreter alone) or
    /// `auto` (the tiered engine's, with loop-header ops on AArch64; the
    /// same as `interp` elsewhere).
    #[arg(long, value_enum, default_value = "interp", value_name = "ENGINE")]
    engine: dump::FastEngine,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Stage {
    /// The validated stack IR the reference interpreter runs.
    Stack,
    /// The SSA register IR (after the default passes unless --no-opt).
    Reg,
    /// The register IR with regalloc2's AArch64 allocation.
    Alloc,
    /// AArch64 machine code, disassembled, under the register-IR
    /// instruction each range came from (works on any host).
    Asm,
    /// The fast interpreter's bytecode.
    Fast,
}

/// Deep wasm recursion (and deeply nested modules) must hit zwasm's own
/// limits, not the main thread's small native stack.
const WORKER_STACK_BYTES: usize = 256 << 20;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let worker = std::thread::Builder::new()
        .name("zwasm".into())
        .stack_size(WORKER_STACK_BYTES)
        .spawn(move || execute(cli));
    let result = match worker {
        Ok(handle) => match handle.join() {
            Ok(result) => result,
            Err(_) => Err(CliFailure::Error(anyhow::anyhow!(
                "internal error: zwasm panicked (this is a bug)"
            ))),
        },
        Err(err) => Err(CliFailure::Error(anyhow::anyhow!(
            "cannot start the worker thread: {err}"
        ))),
    };
    match result {
        Ok(code) => code,
        Err(failure) => failure.report(),
    }
}

fn execute(cli: Cli) -> Result<ExitCode, CliFailure> {
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Validate(args) => {
            validate::validate(&args.file, args.verbose, &args.features.features())
        }
        Command::Inspect(args) => inspect::inspect(&args.file, args.json),
        Command::Wast(args) => wast::run_scripts(
            &args.files,
            args.verbose,
            args.engine,
            args.features.features(),
        ),
        Command::Dump(args) => match args.stage {
            Stage::Stack => dump::dump_stack(&args.file, args.func.as_deref()),
            Stage::Reg => dump::dump_reg(&args.file, args.func.as_deref(), args.no_opt),
            Stage::Alloc => dump::dump_alloc(
                &args.file,
                args.func.as_deref(),
                &args.regalloc,
                args.timings,
            ),
            Stage::Asm => dump::dump_asm(
                &args.file,
                args.func.as_deref(),
                args.no_opt,
                &args.regalloc,
                dump::AsmOptions {
                    bounds_checks: args.bounds_checks,
                    canonicalize_nans: args.canonicalize_nans,
                },
            ),
            Stage::Fast => dump::dump_fast(&args.file, args.func.as_deref(), args.engine),
        },
    }
}
