//! `zwasm wast`: run spec test scripts and summarise each.

use std::path::PathBuf;
use std::process::ExitCode;

use zwasm_wast::{FileReport, RunOptions, WastRunner};

use crate::failure::CliFailure;

pub(crate) fn run_scripts(
    files: &[PathBuf],
    verbose: bool,
    engine: zwasm::EngineKind,
    features: zwasm::Features,
) -> Result<ExitCode, CliFailure> {
    // An engine this host cannot run (`jit` without a backend) fails once,
    // up front, rather than once per script.
    crate::run::check_engine(engine)?;
    let runner = WastRunner::new(RunOptions { engine, features });
    let mut all_passed = true;
    for file in files {
        match runner.run_file(file) {
            Ok(report) => {
                println!("{}: {}", file.display(), report.summary_counts());
                if report.panicked > 0 {
                    eprintln!(
                        "{}: {} directives panicked inside zwasm (a bug; see --verbose)",
                        file.display(),
                        report.panicked
                    );
                }
                if verbose {
                    print_details(&report);
                }
                all_passed &= report.is_success();
            }
            Err(err) => {
                println!("{}: error: {err}", file.display());
                all_passed = false;
            }
        }
    }
    Ok(if all_passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_details(report: &FileReport) {
    for failure in &report.failures {
        println!(
            "  line {}: {} failed: {}",
            failure.line, failure.directive, failure.message
        );
    }
    for note in &report.unsupported_reasons {
        println!(
            "  line {}: {} unsupported: {}",
            note.line, note.directive, note.reason
        );
    }
}
