//! `cargo xtask bench`: runs the corpus in benches/ on zwasm's engines and
//! every installed peer, compares outputs, and reports times, ratios, peak
//! memory and translation throughput (docs/bench.md).
//!
//! Numbers are reported, never asserted: the exit code only says whether
//! every engine ran every benchmark and printed the same output.

mod child;
mod corpus;
mod engines;
mod machine;
mod report;
mod stats;
mod timing;
mod translate;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Args;

use self::engines::{Discovery, Probes};
use self::report::Report;

#[derive(Debug, Args)]
pub(crate) struct BenchArgs {
    /// Small sizes (each run well under a second on an interpreter): for
    /// smoke tests and interpreter-against-interpreter comparisons.
    /// docs/bench.md is not written unless --output is given.
    #[arg(long)]
    quick: bool,
    /// Timed runs per engine and benchmark [default: 5, or 3 with --quick].
    #[arg(long, value_name = "N")]
    runs: Option<usize>,
    /// Engines to run, comma-separated (e.g. zwasm-reference,wasmi)
    /// [default: every one that is available].
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    engines: Vec<String>,
    /// Run benchmark NAME at size N (its argument; repeatable), instead of
    /// its quick or full size.
    #[arg(long = "size", value_name = "NAME=N")]
    sizes: Vec<String>,
    /// Run only this benchmark (repeatable).
    #[arg(long = "only", value_name = "NAME")]
    only: Vec<String>,
    /// The zwasm CLI to run, instead of building target/release/zwasm.
    #[arg(long, value_name = "PATH")]
    zwasm: Option<PathBuf>,
    /// Write the report here (a full run over the whole corpus writes
    /// docs/bench.md by default).
    #[arg(long, value_name = "PATH")]
    output: Option<PathBuf>,
    /// Do not write any report file.
    #[arg(long, conflicts_with = "output")]
    no_write: bool,
    /// Seconds before a run is killed and counted as a failure
    /// [default: 900, or 120 with --quick].
    #[arg(long, value_name = "SECS")]
    timeout: Option<u64>,
    /// List the available engines and exit.
    #[arg(long)]
    list: bool,
}

pub(crate) fn workspace_root() -> PathBuf {
    // xtask lives one level below the workspace root.
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map_or_else(|| root.join("target"), |dir| root.join(dir))
}

pub(crate) fn run(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    let root = workspace_root();
    let runs = args.runs.unwrap_or(if args.quick { 3 } else { 5 });
    if runs == 0 {
        bail!("--runs must be at least 1");
    }
    let timeout = Duration::from_secs(args.timeout.unwrap_or(if args.quick { 120 } else { 900 }));
    let scratch = target_dir(&root).join("bench");
    let zwasm = match &args.zwasm {
        Some(path) => path.clone(),
        None => build_zwasm(&root)?,
    };

    let benches = corpus::select(&args.only)?;
    let sizes = corpus::parse_sizes(&args.sizes)?;
    let prepared = corpus::prepare(&benches, &root, &scratch, args.quick, &sizes)?;
    std::fs::create_dir_all(&scratch)?;
    let probes = Probes::write(&scratch)?;
    let mut notes = Vec::new();
    let available = engines::discover(
        &Discovery {
            root: &root,
            zwasm: &zwasm,
            probes: &probes,
        },
        &mut notes,
    );
    for note in &notes {
        eprintln!("note: {note}");
    }
    let engines = engines::select(available, &args.engines)?;
    for engine in &engines {
        eprintln!(
            "engine {}: {} via {}{}",
            engine.name,
            engine.version,
            engine.how,
            if engine.wasi {
                ""
            } else {
                " (no WASI: C programs skipped)"
            }
        );
    }
    if args.list {
        return Ok(ExitCode::SUCCESS);
    }
    if engines.is_empty() {
        bail!("no engine is available");
    }

    let machine = machine::describe(&root);
    let started = Instant::now();
    let budget = Duration::from_millis(if args.quick { 20 } else { 300 });
    let throughput = translate::measure(&prepared, budget);

    let mut results = Vec::new();
    for bench in &prepared {
        let result = timing::run_bench(bench, &engines, runs, timeout);
        print_progress(&result, &engines);
        results.push(result);
    }
    eprintln!("total time: {:.1}s", started.elapsed().as_secs_f64());

    let text = Report {
        machine: &machine,
        engines: &engines,
        results: &results,
        throughput: &throughput,
        notes: &notes,
        quick: args.quick,
        sizes: &sizes,
        runs,
        load_at_end: Some(machine::load_average()),
    }
    .render();
    println!();
    print!("{text}");

    let destination = match (&args.output, args.no_write) {
        (_, true) => None,
        (Some(path), false) => Some(path.clone()),
        (None, false) if !args.quick && args.only.is_empty() && sizes.is_empty() => {
            Some(root.join("docs/bench.md"))
        }
        (None, false) => None,
    };
    if let Some(path) = destination {
        std::fs::write(&path, &text).with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }

    let failures: Vec<String> = results
        .iter()
        .flat_map(|r| {
            r.failures()
                .map(|(i, why)| format!("{} on {}: {why}", r.bench.name, engines[i].name))
        })
        .chain(throughput.iter().flat_map(|t| {
            t.rows.iter().filter_map(|row| {
                row.time
                    .as_ref()
                    .err()
                    .map(|why| format!("translating {} to {}: {why}", row.bench, t.ir))
            })
        }))
        .collect();
    if failures.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!();
    eprintln!(
        "!!! {} CORRECTNESS FAILURE(S) — these are not timings:",
        failures.len()
    );
    for failure in &failures {
        eprintln!("!!!   {failure}");
    }
    Ok(ExitCode::from(1))
}

/// Builds the CLI in release mode, as users run it.
fn build_zwasm(root: &Path) -> anyhow::Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!("building zwasm (cargo build --release -p zwasm-cli)…");
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--release", "-p", "zwasm-cli"])
        .current_dir(root)
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!("building zwasm-cli failed (or pass --zwasm PATH)");
    }
    Ok(target_dir(root).join("release/zwasm"))
}

fn print_progress(result: &timing::BenchResult, engines: &[engines::Engine]) {
    let mut line = format!("{:<14} {:>10}", result.bench.name, result.size);
    for (cell, engine) in result.cells.iter().zip(engines) {
        let text = match (&cell.status, cell.median()) {
            (timing::Status::Ok, Some(median)) => format!("{:.3}s", median.as_secs_f64()),
            (timing::Status::Skipped(_), _) => "skipped".to_owned(),
            (timing::Status::Failed(_), _) => "FAIL".to_owned(),
            _ => "—".to_owned(),
        };
        line.push_str(&format!("  {} {text}", engine.name));
    }
    eprintln!("{line}");
    for (i, why) in result.failures() {
        eprintln!(
            "  !!! FAIL {} on {}: {why}",
            result.bench.name, engines[i].name
        );
    }
}
