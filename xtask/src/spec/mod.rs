//! `cargo xtask spec`: the official spec suite, per feature group.

mod baseline;
mod conformance;
mod execute;
mod groups;
mod stale;
mod tally;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Args;
use zwasm_wast::{EngineKind, RunOptions, WastRunner};

use self::baseline::{Baseline, Verdict};
use self::execute::{ScriptResult, run_scripts};
use self::groups::{GROUPS, Group};
use self::tally::{GroupResult, failure_causes, real_failures};

#[derive(Debug, Args)]
pub(crate) struct SpecArgs {
    /// Run only this group (repeatable). docs/conformance.md is only written
    /// by a full run.
    #[arg(long = "group", value_name = "NAME")]
    groups: Vec<String>,
    /// List every failure (and unsupported reason) with its line.
    #[arg(long, short)]
    verbose: bool,
    /// Rewrite xtask/spec-baseline.json with this run's numbers.
    #[arg(long)]
    bless: bool,
    /// Execution tier to test: `interp` (default here: the native lane's
    /// tier; `auto`, the library's default, is `interp` on x86-64),
    /// `reference`, `jit` or `auto`. Every engine is held to the same
    /// baseline.
    #[arg(long, default_value = "interp", value_name = "NAME")]
    engine: String,
    /// Tiered engine (`--engine auto`): compile a function after this many
    /// calls (and loop back-edges) instead of the defaults; a low value
    /// (e.g. 2) makes every script cross between the interpreter and the
    /// JIT.
    #[arg(long, value_name = "N")]
    jit_threshold: Option<u32>,
    /// Tiered engine: loop iterations in one running call after which it
    /// continues as machine code at the loop header (on-stack entry);
    /// defaults to `--jit-threshold` if that is given, else the engine's
    /// default.
    #[arg(long, value_name = "N")]
    jit_loop_threshold: Option<u32>,
    /// Worker threads (default: available cores).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
}

fn workspace_root() -> PathBuf {
    // xtask lives one level below the workspace root.
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

pub(crate) fn run(args: &SpecArgs) -> anyhow::Result<ExitCode> {
    let engine: EngineKind = args.engine.parse().map_err(anyhow::Error::msg)?;
    let selected = select_groups(&args.groups)?;
    let full_run = args.groups.is_empty();
    let jobs = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
    });

    let started = Instant::now();
    let mut results = Vec::new();
    for group in selected {
        let mut runner = WastRunner::new(RunOptions {
            engine,
            features: group.features.features(),
        });
        if args.jit_threshold.is_some() || args.jit_loop_threshold.is_some() {
            let defaults = (1_000, 10_000);
            let calls = args.jit_threshold.unwrap_or(defaults.0);
            let loops = args
                .jit_loop_threshold
                .or(args.jit_threshold)
                .unwrap_or(defaults.1);
            runner = runner.jit_thresholds(calls, loops);
        }
        let result = run_group(&runner, group, jobs, args.verbose);
        print_group(&result, args.verbose);
        results.push(result);
    }
    println!();
    print!("{}", conformance::summary_table(&results));
    println!("total time: {:.1}s", started.elapsed().as_secs_f64());

    let root = workspace_root();
    if full_run {
        let path = root.join("docs/conformance.md");
        std::fs::write(&path, conformance::render(&results, engine.name()))
            .with_context(|| format!("failed to write {}", path.display()))?;
        println!("wrote {}", path.display());
    }

    let baseline_path = root.join("xtask/spec-baseline.json");
    let mut baseline = Baseline::load(&baseline_path)?;
    if args.bless {
        for result in &results {
            baseline.record(result.group.name, &result.totals());
        }
        baseline.save(&baseline_path)?;
        println!("blessed {}", baseline_path.display());
        return Ok(ExitCode::SUCCESS);
    }
    Ok(check_baseline(&baseline, &results))
}

fn select_groups(names: &[String]) -> anyhow::Result<Vec<&'static Group>> {
    if names.is_empty() {
        return Ok(GROUPS.iter().collect());
    }
    let mut selected = Vec::new();
    for name in names {
        match groups::find(name) {
            Some(group) => selected.push(group),
            None => {
                let known: Vec<&str> = GROUPS.iter().map(|group| group.name).collect();
                bail!("unknown group `{name}` (known: {})", known.join(", "));
            }
        }
    }
    Ok(selected)
}

fn run_group(
    runner: &WastRunner,
    group: &'static Group,
    jobs: usize,
    verbose: bool,
) -> GroupResult {
    let scripts = group.scripts();
    let started = Instant::now();
    let progress = |result: &ScriptResult| {
        if verbose {
            let status = match &result.report {
                Ok(report) => report.summary_counts(),
                Err(message) => format!("error: {message}"),
            };
            eprintln!(
                "  [{}] {}: {status} ({:.2}s)",
                group.name,
                result.path,
                result.elapsed.as_secs_f64()
            );
        }
    };
    let scripts = run_scripts(runner, &scripts, jobs, &progress);
    GroupResult {
        group,
        scripts,
        elapsed: started.elapsed(),
    }
}

fn print_group(result: &GroupResult, verbose: bool) {
    let totals = result.totals();
    let mut line = format!(
        "{} ({}, features {}): {} files, {} passed, {} failed, {} unsupported",
        result.group.name,
        result.group.scope.label(),
        result.group.features.label(),
        totals.files,
        totals.passed,
        totals.failed,
        totals.unsupported,
    );
    if totals.stale > 0 {
        line.push_str(&format!(", {} stale", totals.stale));
    }
    println!("{line} ({:.1}s)", result.elapsed.as_secs_f64());
    if totals.panicked > 0 {
        println!(
            "  !! {} directives PANICKED inside zwasm (bugs; see `panic:` failures)",
            totals.panicked
        );
    }
    for script in result.failing() {
        match &script.report {
            Ok(report) => {
                let failures: Vec<_> = real_failures(&script.path, report).collect();
                println!("  FAIL {}: {} failed", script.path, failures.len());
                if verbose {
                    for failure in failures {
                        println!(
                            "    {}:{}: {} failed: {}",
                            script.path, failure.line, failure.directive, failure.message
                        );
                    }
                } else if let Some(cause) = failure_causes(script).first() {
                    println!("    e.g. line {}: {}", cause.first_line, cause.example);
                }
            }
            Err(message) => println!("  FAIL {}: could not run: {message}", script.path),
        }
    }
    if verbose {
        for (path, failure, _) in result.stale() {
            println!(
                "    {path}:{}: {} stale: {}",
                failure.line, failure.directive, failure.message
            );
        }
        for script in &result.scripts {
            let Ok(report) = &script.report else { continue };
            for note in &report.unsupported_reasons {
                println!(
                    "    {}:{}: {} unsupported: {}",
                    script.path, note.line, note.directive, note.reason
                );
            }
        }
    }
}

fn check_baseline(baseline: &Baseline, results: &[GroupResult]) -> ExitCode {
    let mut regressed = false;
    let mut improvable = false;
    for result in results {
        match baseline.compare(result.group.name, &result.totals()) {
            Verdict::Ok { improved } => improvable |= improved,
            Verdict::Regressed(why) => {
                regressed = true;
                println!("REGRESSION in {}: {why}", result.group.name);
            }
            Verdict::New => {
                improvable = true;
                println!(
                    "note: group {} has no baseline yet (run `cargo xtask spec --bless`)",
                    result.group.name
                );
            }
        }
    }
    if regressed {
        println!("spec suite regressed against xtask/spec-baseline.json");
        return ExitCode::from(1);
    }
    if improvable {
        println!("better than the baseline: run `cargo xtask spec --bless` to record it");
    } else {
        println!("spec suite matches the baseline");
    }
    ExitCode::SUCCESS
}
