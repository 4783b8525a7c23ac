//! `zwasm`: run, validate, inspect and debug WebAssembly modules.
//!
//! Exit codes: 0 success, 1 error (bad file, invalid module, link error,
//! failing spec script), 2 usage error, 134 wasm trap.

mod dump;
mod failure;
mod input;
mod inspect;
mod run;
mod validate;
mod values;
mod wast;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::failure::CliFailure;

#[derive(Debug, Parser)]
#[command(name = "zwasm", version, about = "A WebAssembly runtime")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Instantiate a module and run `_start`, or call one export with --invoke.
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
struct RunArgs {
    /// Call this exported function instead of `_start`; results are printed
    /// one per line.
    #[arg(long, value_name = "NAME")]
    invoke: Option<String>,
    /// The module: a .wasm binary or .wat text.
    file: PathBuf,
    /// Arguments for the invoked function (i32/i64: decimal or 0x hex;
    /// f32/f64: decimal, nan, inf, -inf).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

#[derive(Debug, Args)]
struct ValidateArgs {
    /// The module: a .wasm binary or .wat text.
    file: PathBuf,
    /// Print `ok` when the module is valid.
    #[arg(long, short)]
    verbose: bool,
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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Stage {
    /// The validated stack IR the interpreter runs.
    Stack,
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
        Command::Run(args) => run::run(&args.file, args.invoke.as_deref(), &args.args),
        Command::Validate(args) => validate::validate(&args.file, args.verbose),
        Command::Inspect(args) => inspect::inspect(&args.file, args.json),
        Command::Wast(args) => wast::run_scripts(&args.files, args.verbose),
        Command::Dump(args) => match args.stage {
            Stage::Stack => dump::dump_stack(&args.file, args.func.as_deref()),
        },
    }
}
