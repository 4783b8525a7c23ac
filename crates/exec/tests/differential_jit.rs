//! Differential test of the interpreter against the AArch64 JIT: with
//! `EngineKind::Jit` (every function compiled before it runs) zwasm must
//! behave exactly like with `EngineKind::Interp` on the test corpus
//! (`tests/wat`) and on wasm-smith modules — the same results (NaN payloads
//! aside), the same traps, and the same final contents of every exported
//! memory, global and table (harness: `zwasm_testkit::differential`, as in
//! `differential.rs`). Runs on aarch64 hosts only (the cross lane runs it
//! under qemu, `.ci/aarch64-test.sh`).
//!
//! Stack depth is the one limit the tiers measure differently (frames vs
//! bytes of native stack): when exactly one side runs out of stack, the
//! calls before it must still agree, the rest of that module is not
//! compared, and such modules are counted and printed.
//!
//! `ZWASM_DIFF_CASES=n` sets how many generated modules run (default 100;
//! the cross lane sets it) and `ZWASM_DIFF_SEED=s` their seed.

#![cfg(target_arch = "aarch64")]

use zwasm::{Config, Engine, EngineKind, TrapCode};
use zwasm_testkit::differential::{Outcome, Run, Value, compare, run};
use zwasm_testkit::{corpus, smith};

const ENGINES: (EngineKind, EngineKind) = (EngineKind::Interp, EngineKind::Jit);

/// wasm-smith's termination fuel per module (see the generated-module test).
const FUEL: u32 = 1_500;

/// Fails clearly, up front, when this host has no JIT tier.
fn assert_jit_available() {
    let mut config = Config::new();
    config.engine(EngineKind::Jit);
    let engine = Engine::new(&config).unwrap_or_else(|error| panic!("EngineKind::Jit: {error}"));
    assert_eq!(
        engine.kind(),
        EngineKind::Jit,
        "EngineKind::Jit resolved to another tier"
    );
}

#[derive(Default)]
struct Totals {
    returned: usize,
    trapped: usize,
    /// Modules whose comparison stopped at a stack overflow on one side.
    stack_limited: usize,
}

fn count(calls: &[(String, Vec<Value>, Outcome)], totals: &mut Totals) {
    let returned = calls
        .iter()
        .filter(|call| matches!(call.2, Outcome::Values(_)))
        .count();
    totals.returned += returned;
    totals.trapped += calls.len() - returned;
}

/// Compares one module on the interpreter and the JIT; panics with the
/// harness's report on any difference other than a one-sided stack overflow.
fn check(name: &str, bytes: &[u8], rounds: usize, small: bool, totals: &mut Totals) {
    let interp = run(ENGINES.0, bytes, rounds, small);
    let jit = run(ENGINES.1, bytes, rounds, small);
    if interp == jit {
        count(&interp.calls, totals);
        return;
    }
    if let Some(at) = one_sided_overflow(&interp, &jit) {
        count(&interp.calls[..at], totals);
        totals.stack_limited += 1;
        let side = |run: &Run| {
            run.calls
                .get(at)
                .map_or(&run.instantiation, |call| &call.2)
                .clone()
        };
        eprintln!(
            "{name}: call {at} of {}: interp {:?}, jit {:?}; not compared further",
            interp.calls.len(),
            side(&interp),
            side(&jit)
        );
        return;
    }
    match compare(name, bytes, rounds, small, ENGINES) {
        Err(report) => panic!("{report}"),
        Ok(_) => panic!("{name}: interp and jit disagreed once, then agreed on a rerun"),
    }
}

/// Where exactly one engine overflowed its stack, if everything before that
/// point agrees (the number of calls compared).
fn one_sided_overflow(a: &Run, b: &Run) -> Option<usize> {
    let overflow = Outcome::Trap(TrapCode::StackOverflow.to_string());
    let one_sided = |x: &Outcome, y: &Outcome| (*x == overflow) != (*y == overflow);
    if one_sided(&a.instantiation, &b.instantiation) {
        return Some(0);
    }
    if a.instantiation != b.instantiation {
        return None;
    }
    let at = a.calls.iter().zip(&b.calls).position(|(x, y)| x != y)?;
    let (x, y) = (&a.calls[at], &b.calls[at]);
    (x.0 == y.0 && x.1 == y.1 && one_sided(&x.2, &y.2)).then_some(at)
}

#[test]
fn corpus_behaves_the_same_on_interp_and_jit() {
    assert_jit_available();
    let modules = corpus::wat_modules();
    assert!(modules.len() >= 10, "the corpus is missing");
    let mut totals = Totals::default();
    for (path, bytes) in &modules {
        let name = path.display().to_string();
        let before = totals.returned;
        check(&name, bytes, 6, true, &mut totals);
        assert!(
            totals.returned > before || totals.stack_limited > 0,
            "{name}: nothing ran"
        );
    }
    eprintln!(
        "{} corpus modules: {} calls returned, {} trapped; {} stopped at a one-sided stack overflow",
        modules.len(),
        totals.returned,
        totals.trapped,
        totals.stack_limited
    );
    assert_eq!(totals.stack_limited, 0, "the corpus recurses shallowly");
}

#[test]
fn generated_modules_behave_the_same_on_interp_and_jit() {
    assert_jit_available();
    let modules = smith::env_count("ZWASM_DIFF_CASES", 100);
    let seed = smith::env_count("ZWASM_DIFF_SEED", 0x9e37_79b9) as u64;
    let mut ran = 0;
    let mut totals = Totals::default();
    for index in 0..modules {
        // Fuel below the harness's call-depth limit (2000 frames): recursion
        // runs out of fuel (`unreachable`) before the interpreter's frame
        // count or the JIT's native stack runs out, on both tiers alike.
        let Some(bytes) = smith::module(seed, index, FUEL) else {
            continue;
        };
        check(&format!("smith-{index}"), &bytes, 3, false, &mut totals);
        ran += 1;
    }
    eprintln!(
        "{ran} modules: {} calls returned, {} trapped; {} stopped at a one-sided stack overflow",
        totals.returned, totals.trapped, totals.stack_limited
    );
    assert!(
        ran * 2 >= modules,
        "only {ran} of {modules} modules were generated"
    );
    // Not vacuous: many calls must run to completion, and stack limits must
    // not cut most comparisons short.
    assert!(
        totals.returned * 4 >= totals.returned + totals.trapped,
        "{} calls returned, {} trapped",
        totals.returned,
        totals.trapped
    );
    assert!(
        totals.stack_limited * 10 <= ran.max(1),
        "{} of {ran} modules stopped at a one-sided stack overflow",
        totals.stack_limited
    );
}
