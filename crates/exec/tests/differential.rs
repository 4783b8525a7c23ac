//! Differential test of the two interpreters: the fast tier (`interp`) must
//! behave exactly like the reference interpreter on the test corpus
//! (`tests/wat`) and on wasm-smith modules — the same results (NaN payloads
//! aside), the same traps, and the same final contents of every exported
//! memory, global and table (harness: `zwasm_testkit::differential`).
//!
//! `ZWASM_DIFF_MODULES=n` changes how many generated modules run (default
//! 1500) and `ZWASM_DIFF_SEED=s` their seed.

use zwasm::EngineKind;
use zwasm_testkit::differential::{Tally, compare};
use zwasm_testkit::{corpus, smith};

const ENGINES: (EngineKind, EngineKind) = (EngineKind::Reference, EngineKind::Interp);

#[test]
fn corpus_behaves_the_same_on_both_interpreters() {
    let modules = corpus::wat_modules();
    assert!(modules.len() >= 10, "the corpus is missing");
    for (path, bytes) in modules {
        let name = path.display().to_string();
        let tally =
            compare(&name, &bytes, 6, true, ENGINES).unwrap_or_else(|report| panic!("{report}"));
        assert!(tally.returned > 0, "{name}: nothing ran");
    }
}

#[test]
fn generated_modules_behave_the_same_on_both_interpreters() {
    let modules = smith::env_count("ZWASM_DIFF_MODULES", 1500);
    let seed = smith::env_count("ZWASM_DIFF_SEED", 0x9e37_79b9) as u64;
    let mut ran = 0;
    let mut total = Tally::default();
    for index in 0..modules {
        let Some(bytes) = smith::module(seed, index, 5_000) else {
            continue;
        };
        let tally = compare(&format!("smith-{index}"), &bytes, 3, false, ENGINES)
            .unwrap_or_else(|report| panic!("{report}"));
        total.returned += tally.returned;
        total.trapped += tally.trapped;
        ran += 1;
    }
    eprintln!(
        "{ran} modules: {} calls returned, {} trapped",
        total.returned, total.trapped
    );
    assert!(
        ran * 2 >= modules,
        "only {ran} of {modules} modules were generated"
    );
    // Not vacuous: many calls must run to completion (fuel, shared by all
    // calls of a module, runs out in the others: wasm-smith does not export
    // it to be refilled).
    assert!(
        total.returned * 4 >= total.returned + total.trapped,
        "{} calls returned, {} trapped",
        total.returned,
        total.trapped
    );
}
