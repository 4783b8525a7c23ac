//! The JIT as an engine kind: the store's [`JitSlot`] (its session), the
//! call-count [`TierCounters`] of the tiered engine, and the call path the
//! embedder's calls take for `EngineKind::Jit` / `EngineKind::Auto`
//! ([`run_wasm`]). Design: `docs/decisions/0008-tiering.md`.

#![allow(unsafe_code)]

use std::ptr::NonNull;

use zwasm_decode::FuncType;

use super::LowerOptions;
use super::session::JitSession;
use crate::config::Tiering;
use crate::store::StoreInner;
use crate::{Error, Val};

/// The store's JIT session, created on the first call that needs it.
///
/// Held as a raw owning pointer rather than a `Box` because compiled code,
/// helpers and host calls reach the session through raw pointers while the
/// store itself is borrowed mutably (a `Box` field would assert uniqueness
/// of the session every time the store is).
pub(crate) struct JitSlot(Option<NonNull<JitSession>>);

// SAFETY: the session is only used through `&mut` of the store that owns
// the slot (or raw pointers derived from it during a call on the thread
// that holds that borrow); its raw pointers point into the session and the
// store, which move between threads together.
unsafe impl Send for JitSlot {}
// SAFETY: a shared store gives no access to the session.
unsafe impl Sync for JitSlot {}

impl JitSlot {
    pub const fn empty() -> Self {
        JitSlot(None)
    }

    /// The session, created with `options` if there is none yet.
    pub fn session(&mut self, options: LowerOptions, lazy: bool) -> *mut JitSession {
        match self.0 {
            Some(session) => session.as_ptr(),
            None => {
                let mut session = Box::new(JitSession::new(options));
                session.set_lazy(lazy);
                let session = NonNull::from(Box::leak(session));
                self.0 = Some(session);
                session.as_ptr()
            }
        }
    }

    /// The session, if one was created.
    pub fn get(&self) -> Option<&JitSession> {
        // SAFETY: `&self` of the owning store: no call is in progress that
        // could hold the session mutably.
        self.0.map(|session| unsafe { &*session.as_ptr() })
    }
}

impl Drop for JitSlot {
    fn drop(&mut self) {
        if let Some(session) = self.0.take() {
            // SAFETY: the pointer came from `Box::leak` and is dropped once.
            drop(unsafe { Box::from_raw(session.as_ptr()) });
        }
    }
}

/// Per-function counters of the tiered engine: how many more calls a
/// function runs on the interpreter before its module is compiled, and how
/// many more loop iterations a running call of it makes on the interpreter
/// before it enters machine code at a loop header (on-stack entry).
///
/// A call counter at 0 means "run it as machine code" (the module
/// compiled); a module the JIT cannot compile gets `u32::MAX` so that it is
/// not tried again (for another four billion calls). A loop counter is
/// reset after each on-stack entry and set to `u32::MAX` when one failed.
pub(crate) struct TierCounters {
    threshold: u32,
    loop_threshold: u32,
    /// Per store instance, per defined function.
    counters: Vec<Box<[u32]>>,
    /// Per store instance, per defined function: loop iterations left.
    loops: Vec<Box<[u32]>>,
}

impl TierCounters {
    pub fn new(tiering: Tiering) -> Self {
        TierCounters {
            threshold: tiering.call_threshold,
            loop_threshold: tiering.loop_threshold,
            counters: Vec::new(),
            loops: Vec::new(),
        }
    }

    /// Counts one call of function `defined` of `instance`; `true` when it
    /// should run as machine code. Kept small: the fast interpreter calls
    /// it on every wasm→wasm call.
    #[inline]
    pub fn count_call(&mut self, instance: u32, defined: u32) -> bool {
        count_down(&mut self.counters, instance, defined)
    }

    /// Counts one loop iteration in a running call of function `defined`
    /// of `instance`; `true` when the call should continue as machine code
    /// from this loop header. Kept small: the fast interpreter calls it at
    /// every loop header it passes (under the tiered engine only).
    #[inline]
    pub fn count_loop(&mut self, instance: u32, defined: u32) -> bool {
        count_down(&mut self.loops, instance, defined)
    }

    /// After an on-stack entry into function `defined` of `instance`:
    /// count again from the threshold if it worked (another running call
    /// of it may get hot too), never again if it failed.
    pub fn loop_entered(&mut self, instance: u32, defined: u32, worked: bool) {
        if let Some(left) = counter(&mut self.loops, instance, defined) {
            *left = if worked {
                self.loop_threshold
            } else {
                u32::MAX
            };
        }
    }

    /// Makes room for the counters of the store's first `instances`
    /// instances; instance `i`'s module has `defined(i)` functions.
    pub fn ensure(&mut self, instances: usize, defined: impl Fn(u32) -> usize) {
        while self.counters.len() < instances {
            let count = defined(self.counters.len() as u32);
            self.counters
                .push(vec![self.threshold; count].into_boxed_slice());
            self.loops
                .push(vec![self.loop_threshold; count].into_boxed_slice());
        }
    }

    /// Function `defined` of `instance` has no machine code (the JIT could
    /// not compile it although its module compiled): never count it again.
    pub fn stay_interpreted(&mut self, instance: u32, defined: u32) {
        if let Some(left) = counter(&mut self.counters, instance, defined) {
            *left = u32::MAX;
        }
    }

    /// Marks every function of `instance` as compiled (`true`) or as never
    /// to be compiled. A module that failed to compile stops counting loops
    /// too.
    pub fn settle(&mut self, instance: u32, compiled: bool) {
        if let Some(funcs) = self.counters.get_mut(instance as usize) {
            funcs.fill(if compiled { 0 } else { u32::MAX });
        }
        if !compiled && let Some(funcs) = self.loops.get_mut(instance as usize) {
            funcs.fill(u32::MAX);
        }
    }
}

/// The counter of function `defined` of `instance`, if it has one.
#[inline]
fn counter(counters: &mut [Box<[u32]>], instance: u32, defined: u32) -> Option<&mut u32> {
    counters
        .get_mut(instance as usize)
        .and_then(|funcs| funcs.get_mut(defined as usize))
}

/// Counts one event of function `defined` of `instance` in `counters`:
/// `true` when its counter has reached 0 (no counter: `false`).
#[inline]
fn count_down(counters: &mut [Box<[u32]>], instance: u32, defined: u32) -> bool {
    match counter(counters, instance, defined) {
        Some(0) => true,
        Some(left) => {
            *left -= 1;
            false
        }
        None => false,
    }
}

/// Counters of the JIT, for tests and diagnostics (not a stable API).
#[doc(hidden)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JitStats {
    /// Modules compiled by the store's session.
    pub compiled_modules: usize,
    /// Functions compiled to machine code.
    pub compiled_functions: usize,
    /// Functions of compiled modules that the JIT could not compile: they
    /// run on the interpreter, called through a stub.
    pub fallback_functions: usize,
    /// Modules the JIT could not compile (their functions run on the
    /// interpreter).
    pub failed_modules: usize,
    /// Calls the tiered engine sent from the interpreter to machine code.
    pub jit_calls: u64,
    /// Functions compiled with Fastalloc because they were too large for
    /// Ion.
    pub fastalloc_functions: usize,
    /// Loop entries into machine code from a running interpreter frame
    /// (on-stack replacement).
    pub osr_entries: u64,
}

/// Runs wasm function `defined` of instance `instance` for the `Jit` and
/// `Auto` engines: as machine code when its module compiled (for `Auto`,
/// once it is hot), otherwise on the fast interpreter.
pub(crate) fn run_wasm<T>(
    store: &mut StoreInner<T>,
    instance: u32,
    defined: u32,
    ty: &FuncType,
    params: &[u64],
    results: &mut [Val],
) -> Result<(), Error> {
    let core = &mut store.core;
    let tiered = core.tier.is_some();
    if let Some(tier) = core.tier.as_deref_mut() {
        let modules = &core.instances;
        tier.ensure(modules.len(), |at| {
            modules
                .get(at as usize)
                .map_or(0, |entity| entity.module.description().bodies.len())
        });
        if !tier.count_call(instance, defined) {
            return crate::fast::run_wasm(store, instance, defined, ty, params, results);
        }
    }
    let options = core.engine.config().jit_options();
    let session = core.jit.session(options, tiered);
    // SAFETY: the session is a separate allocation owned by the store's
    // slot; nothing else uses it until this call returns (nested calls
    // from host functions go through this function again, as the session's
    // call path supports).
    let session = unsafe { &mut *session };
    session.run_wasm(store, instance, defined, ty, params, results)
}

/// TIERING (issue 5): the fast interpreter calls wasm function `func`
/// (defined function `defined` of `instance`), which is hot: its arguments
/// are the slots at the top of the store's value stack, and its results
/// replace them there, as for a host call. Runs it as machine code,
/// without the conversions of an embedder's call (slots stay slots).
pub(crate) fn call_from_interpreter<T>(
    store: &mut StoreInner<T>,
    func: u32,
    instance: u32,
    defined: u32,
) -> Result<(), Error> {
    let core = &mut store.core;
    let (params, results) = match core.funcs.get(func as usize) {
        Some(entity) => (entity.ty.params.len(), entity.ty.results.len()),
        None => return Err(Error::wrong_store()),
    };
    let args_at = core.stack_top - params;
    let mut inline = [0u64; 16];
    let mut heap = Vec::new();
    let values: &mut [u64] = match params.max(results) {
        count if count <= inline.len() => &mut inline[..count],
        count => {
            heap.resize(count, 0);
            &mut heap
        }
    };
    values[..params].copy_from_slice(&core.stack[args_at..core.stack_top]);
    if core.call_nesting >= core.limits.max_host_reentry {
        return Err(crate::Trap::new(crate::TrapCode::StackOverflow).into());
    }
    core.call_nesting += 1;
    let options = core.engine.config().jit_options();
    let session = core.jit.session(options, true);
    // SAFETY: as in `run_wasm`: the session is a separate allocation owned
    // by the store's slot, used by nothing else until this call returns.
    let session = unsafe { &mut *session };
    let ran = session.run_slots(store, instance, defined, values);
    store.core.call_nesting -= 1;
    if !ran? {
        // No machine code: the module just failed to compile (its counters
        // now say "never"), so the general call path runs it on the
        // interpreter.
        return crate::interp::call_wasm_from_interpreter(store, func);
    }
    let core = &mut store.core;
    let end = args_at + results;
    if core.stack.len() < end {
        core.stack.resize(end, 0);
    }
    core.stack[args_at..end].copy_from_slice(&values[..results]);
    core.stack_top = end;
    Ok(())
}

/// TIERING (issue 5): the fast interpreter's innermost frame is at a hot
/// loop (`Exit::HotLoop`): continue it as machine code from that loop
/// header if the JIT can ([`JitSession::enter_loop`]). `Ok(true)`: the
/// call finished (results in the frame's outgoing slots); `Ok(false)`: the
/// interpreter goes on.
pub(crate) fn enter_hot_loop<T>(store: &mut StoreInner<T>) -> Result<bool, Error> {
    let core = &mut store.core;
    let Some(hot) = crate::fast::hot_loop(core) else {
        return Ok(false);
    };
    let options = core.engine.config().jit_options();
    let session = core.jit.session(options, true);
    // SAFETY: as in `run_wasm`: the session is a separate allocation owned
    // by the store's slot, used by nothing else until this call returns.
    let session = unsafe { &mut *session };
    let entered = session.enter_loop(store, hot);
    let worked = !matches!(entered, Ok(false));
    if let Some(tier) = store.core.tier.as_deref_mut() {
        tier.loop_entered(hot.frame.instance, hot.frame.func, worked);
    }
    entered
}

impl<T> crate::Store<T> {
    /// The JIT's counters for this store (all zero when no JIT runs).
    #[doc(hidden)]
    pub fn jit_stats(&self) -> JitStats {
        self.inner
            .core
            .jit
            .get()
            .map(JitSession::stats)
            .unwrap_or_default()
    }
}
