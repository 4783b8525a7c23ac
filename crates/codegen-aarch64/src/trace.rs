//! A record of every instruction [`crate::CodeBuffer`] emits on the current
//! thread, for tests that must see the `Inst` values behind the bytes (the
//! coverage of the binutils table by what the backend emits:
//! `tests/emitted_coverage.rs`). Compiled only with the `trace` feature,
//! which this crate's own tests enable, so the JIT pays nothing for it.

use std::cell::RefCell;

use crate::inst::Inst;

thread_local! {
    static RECORDING: RefCell<Option<Vec<Inst>>> = const { RefCell::new(None) };
}

/// Runs `f` and returns its result with every instruction emitted through a
/// `CodeBuffer` on this thread meanwhile, in order (branches to labels with
/// their placeholder offset). Recordings nest: an inner one returns the
/// instructions of its own extent, which the outer one gets as well.
pub fn record<R>(f: impl FnOnce() -> R) -> (R, Vec<Inst>) {
    let outer = RECORDING.with(|cell| cell.borrow_mut().replace(Vec::new()));
    let result = f();
    let insts = RECORDING.with(|cell| {
        let mut slot = cell.borrow_mut();
        let insts = slot.take().unwrap_or_default();
        if let Some(mut outer) = outer {
            outer.extend_from_slice(&insts);
            *slot = Some(outer);
        }
        insts
    });
    (result, insts)
}

pub(crate) fn emitted(inst: &Inst) {
    RECORDING.with(|cell| {
        if let Some(insts) = cell.borrow_mut().as_mut() {
            insts.push(*inst);
        }
    });
}
