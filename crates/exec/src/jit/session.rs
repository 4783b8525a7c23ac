//! [`JitSession`]: the compiled code and `VMContext`s of one store's
//! instances, kept in step with the store, and the call path into compiled
//! code.
//!
//! The store stays the owner of all state (memories, tables, globals);
//! the session mirrors where that state currently is into the structures
//! compiled code reads (`VmMemory`, `VmTable`, global cell pointers,
//! `VmFuncRef`s) on every transition: before entering compiled code and
//! after every helper or host call that may have moved it.

#![allow(unsafe_code)]

use std::sync::Arc;

use zwasm_codegen_aarch64::lower::{LowerOptions, abi, trampoline};
use zwasm_decode::FuncType;

use super::code_memory::CodeMemory;
use super::compile::{CompiledModule, compile_module};
use super::helpers;
#[cfg(target_arch = "aarch64")]
use super::helpers::Context;
use super::stack::JitStack;
#[cfg(target_arch = "aarch64")]
use super::stack::{HOST_STACK_MARGIN, stack_budget, stack_size, thread_stack_limit};
use super::vm::{HostCtx, VMContext, VmFuncRef, VmMemory, VmRuntime, VmTable};
use crate::func::FuncKind;
use crate::store::{StoreCore, StoreId, StoreInner};
use crate::trap::{Trap, WasmBacktrace};
use crate::values::{from_slot, typed_slot};
use crate::{AsContextMut, Error, Func, Val};

/// One instance as compiled code sees it.
struct InstanceState {
    vmctx: Box<VMContext>,
    /// Index into `JitSession::modules`, if its module compiled.
    module: Option<usize>,
    /// Kept alive for `vmctx.memories` / `vmctx.tables`.
    _memories: Box<[*mut VmMemory]>,
    _tables: Box<[*mut VmTable]>,
    globals: Box<[*mut u64]>,
    funcs: Box<[VmFuncRef]>,
    /// Kept alive for `vmctx.type_ids`.
    _type_ids: Box<[u32]>,
}

/// The compiled code and JIT state of the instances of one store.
///
/// Experimental entry point for running code on the AArch64 JIT until it is
/// wired in as an engine kind: create one per store and call functions
/// through it. On other hosts [`JitSession::call`] compiles but returns
/// [`Error::Unsupported`].
#[doc(hidden)]
pub struct JitSession {
    options: LowerOptions,
    store: Option<StoreId>,
    runtime: Box<VmRuntime>,
    helpers: Box<[usize]>,
    /// `host_dispatch::<T>` of the store's data type.
    dispatch: usize,
    // Boxed: compiled code holds pointers to them across `Vec` growth.
    #[allow(clippy::vec_box)]
    memories: Vec<Box<VmMemory>>,
    #[allow(clippy::vec_box)]
    tables: Vec<Box<VmTable>>,
    func_refs: Vec<VmFuncRef>,
    host_ctxs: Vec<Option<Box<HostCtx>>>,
    adapters: Vec<(FuncType, CodeMemory)>,
    modules: Vec<CompiledModule>,
    failed_modules: Vec<crate::Module>,
    instances: Vec<InstanceState>,
    /// Return addresses captured by the trap recorder.
    pub(crate) trap_pcs: Vec<usize>,
    /// The error of a failed host call, for the call path.
    pub(crate) pending_error: Option<Error>,
    /// Why the last module that failed to compile did.
    last_compile_error: Option<String>,
    /// Compile a module only when [`JitSession::tier_up`] asks (the tiered
    /// engine), not when its first instance is seen.
    lazy: bool,
    /// Calls that entered compiled code through [`JitSession::run_wasm`].
    jit_calls: u64,
    /// Entity counts of the store (funcs, instances, globals, memories,
    /// tables) at the last full [`JitSession::sync`]; `None` forces one.
    synced_shape: Option<[usize; 5]>,
    /// On-stack entry variants made so far, per (module, defined function,
    /// loop header block); `None` if the variant could not be compiled.
    osr_variants: Vec<(OsrKey, Option<OsrEntry>)>,
    /// Running calls that continued in machine code at a loop header.
    osr_entries: u64,
    /// The stack compiled code runs on (mapped at the first entry).
    #[cfg_attr(not(target_arch = "aarch64"), allow(dead_code))]
    stack: Option<JitStack>,
    /// The shim that switches to `stack` for the outermost entry.
    #[cfg_attr(not(target_arch = "aarch64"), allow(dead_code))]
    stack_switch: Option<CodeMemory>,
}

/// Identifies an on-stack entry variant: the module (by its shared inner
/// allocation), the defined function and the loop header block.
type OsrKey = (usize, u32, u32);

/// A compiled on-stack entry variant.
#[derive(Clone, Debug)]
struct OsrEntry {
    /// Index into `JitSession::modules`.
    module: usize,
    /// Per argument of the variant: the interpreter frame slot holding it
    /// (`None`: a value nothing reads).
    slots: Vec<Option<u16>>,
    /// Result count of the function.
    results: usize,
}

impl std::fmt::Debug for JitSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JitSession")
            .field("modules", &self.modules.len())
            .field("instances", &self.instances.len())
            .finish_non_exhaustive()
    }
}

impl Default for JitSession {
    fn default() -> Self {
        JitSession::new(LowerOptions::default())
    }
}

impl JitSession {
    /// An empty session compiling with `options`.
    pub fn new(options: LowerOptions) -> Self {
        let helpers: Box<[usize]> = Box::new(helpers::helper_table());
        JitSession {
            options,
            store: None,
            runtime: Box::new(VmRuntime {
                stack_limit: 0,
                entry_sp: 0,
                trap_handler: 0,
                trap_code: 0,
                _pad: 0,
                trap_pc: 0,
                trap_fp: 0,
                func_refs: std::ptr::null(),
                entry_fp: 0,
                data: std::ptr::null_mut(),
                trap_recorder: helpers::record_trap as *const () as usize,
            }),
            helpers,
            dispatch: 0,
            memories: Vec::new(),
            tables: Vec::new(),
            func_refs: Vec::new(),
            host_ctxs: Vec::new(),
            adapters: Vec::new(),
            modules: Vec::new(),
            failed_modules: Vec::new(),
            instances: Vec::new(),
            trap_pcs: Vec::new(),
            pending_error: None,
            last_compile_error: None,
            lazy: false,
            jit_calls: 0,
            synced_shape: None,
            osr_variants: Vec::new(),
            osr_entries: 0,
            stack: None,
            stack_switch: None,
        }
    }

    /// Compile modules on demand ([`JitSession::tier_up`]) rather than at
    /// the first sight of an instance.
    pub(crate) fn set_lazy(&mut self, lazy: bool) {
        self.lazy = lazy;
    }

    /// The session's counters.
    pub(crate) fn stats(&self) -> super::tier::JitStats {
        super::tier::JitStats {
            compiled_modules: self.modules.iter().filter(|m| !m.osr).count(),
            compiled_functions: self
                .modules
                .iter()
                .filter(|m| !m.osr)
                .flat_map(|m| &m.functions)
                .filter(|f| f.compiled)
                .count(),
            fallback_functions: self
                .modules
                .iter()
                .filter(|m| !m.osr)
                .flat_map(|m| &m.functions)
                .filter(|f| !f.compiled)
                .count(),
            failed_modules: self.failed_modules.len(),
            jit_calls: self.jit_calls,
            fastalloc_functions: self.modules.iter().map(|m| m.fastalloc).sum(),
            osr_entries: self.osr_entries,
        }
    }

    /// Runs wasm function `defined` of `instance` with `params` (slots)
    /// as machine code if its module compiled, compiling it first in lazy
    /// mode; otherwise on the fast interpreter.
    pub(crate) fn run_wasm<T>(
        &mut self,
        store: &mut StoreInner<T>,
        instance: u32,
        defined: u32,
        ty: &FuncType,
        params: &[u64],
        results: &mut [Val],
    ) -> Result<(), Error> {
        let mut values = vec![0u64; params.len().max(results.len())];
        values[..params.len()].copy_from_slice(params);
        if !self.run_slots(store, instance, defined, &mut values)? {
            return crate::fast::run_wasm(store, instance, defined, ty, params, results);
        }
        for ((result, slot), ty) in results.iter_mut().zip(&values).zip(ty.results.iter()) {
            *result = from_slot(store.core.id, *slot, *ty);
        }
        Ok(())
    }

    /// Runs wasm function `defined` of `instance` as machine code, its
    /// parameters (slots) taken from `values` and its results written
    /// there; in lazy mode compiles its module first. `Ok(false)`: the
    /// function has no machine code (nothing ran).
    pub(crate) fn run_slots<T>(
        &mut self,
        store: &mut StoreInner<T>,
        instance: u32,
        defined: u32,
        values: &mut [u64],
    ) -> Result<bool, Error> {
        self.attach::<T>(&store.core)?;
        self.sync(&mut store.core);
        if self.lazy {
            self.tier_up(&mut store.core, instance);
        }
        let Some((trampoline, code, vmctx)) = self.entry(instance, defined) else {
            return Ok(false);
        };
        self.jit_calls += 1;
        match self.enter(store, trampoline, code, vmctx, values)? {
            Some(error) => Err(error),
            None => Ok(true),
        }
    }

    /// Compiles the module of `instance` if that was not tried yet, and
    /// points every instance of that module (and every function reference
    /// to their functions) at the machine code. Records the outcome in the
    /// store's tier counters.
    pub(crate) fn tier_up(&mut self, core: &mut StoreCore, instance: u32) {
        let Some(state) = self.instances.get(instance as usize) else {
            return;
        };
        if state.module.is_some() {
            return;
        }
        let Some(module) = core
            .instances
            .get(instance as usize)
            .map(|entity| entity.module.clone())
        else {
            return;
        };
        let compiled = self.compiled_module(&module);
        // Functions the JIT could not compile stay on the interpreter: the
        // interpreter calls them directly rather than through the session.
        let fallbacks: Vec<u32> = compiled
            .map(|at| {
                (self.modules[at].functions.iter().enumerate())
                    .filter(|(_, func)| !func.compiled)
                    .map(|(defined, _)| defined as u32)
                    .collect()
            })
            .unwrap_or_default();
        for (index, state) in self.instances.iter_mut().enumerate() {
            if Arc::ptr_eq(&core.instances[index].module.inner, &module.inner) {
                state.module = compiled;
                if let Some(tier) = core.tier.as_deref_mut() {
                    tier.settle(index as u32, compiled.is_some());
                    for &defined in &fallbacks {
                        tier.stay_interpreted(index as u32, defined);
                    }
                }
            }
        }
        if compiled.is_some() {
            self.synced_shape = None;
            self.sync(core);
        }
    }

    /// Whether `pc` is in the code of a module compiled by this session
    /// (for the fault handler: reads only, allocates nothing).
    #[cfg_attr(not(target_arch = "aarch64"), allow(dead_code))]
    pub(crate) fn is_compiled_code(&self, pc: usize) -> bool {
        self.modules.iter().any(|module| module.code.contains(pc))
    }

    /// On-stack entry (`docs/decisions/0008-tiering.md`): the interpreter
    /// frame on top of the store's call stack is at the hot loop `hot`;
    /// compiles its module for later calls, then runs the rest of the call
    /// as the machine code of the function's variant entered at that loop,
    /// from the frame's slots. `Ok(true)`: the call finished, its results
    /// are in the frame's outgoing slots; `Ok(false)`: no variant, the
    /// interpreter goes on; `Err`: the call trapped.
    pub(crate) fn enter_loop<T>(
        &mut self,
        store: &mut StoreInner<T>,
        hot: crate::fast::HotLoop,
    ) -> Result<bool, Error> {
        self.attach::<T>(&store.core)?;
        self.sync(&mut store.core);
        let instance = hot.frame.instance;
        let defined = hot.frame.func;
        // Later calls of the function run as machine code.
        self.tier_up(&mut store.core, instance);
        let Some(module) = store
            .core
            .instances
            .get(instance as usize)
            .map(|entity| entity.module.clone())
        else {
            return Ok(false);
        };
        let key = (Arc::as_ptr(&module.inner) as usize, defined, hot.block);
        let osr = match self.osr_variants.iter().find(|(known, _)| *known == key) {
            Some((_, osr)) => osr.clone(),
            None => {
                let osr = match self.compile_osr(&module, defined, hot.block, hot.frame_size) {
                    Ok(osr) => Some(osr),
                    Err(error) => {
                        self.last_compile_error = Some(error.to_string());
                        None
                    }
                };
                self.osr_variants.push((key, osr.clone()));
                osr
            }
        };
        let Some(osr) = osr else {
            return Ok(false);
        };
        let compiled = &self.modules[osr.module];
        let (Some(trampoline), Some(code), Some(state)) = (
            compiled.trampolines.first().copied().flatten(),
            compiled.function_address(0),
            self.instances.get_mut(instance as usize),
        ) else {
            return Ok(false);
        };
        let trampoline = compiled.code.base() + trampoline;
        let vmctx: *mut VMContext = &mut *state.vmctx;
        let core = &mut store.core;
        let base = hot.frame.base;
        let mut values = vec![0u64; osr.slots.len().max(osr.results)];
        for (value, slot) in values.iter_mut().zip(&osr.slots) {
            if let Some(slot) = slot {
                *value = core.stack.get(base + *slot as usize).copied().unwrap_or(0);
            }
        }
        // The frame continues as compiled code: a trap's backtrace has the
        // compiled frame instead of it. Interpreter calls made by the
        // compiled code start above it.
        let frame = core.frames.pop();
        let saved_top = core.stack_top;
        core.stack_top = saved_top.max(base + hot.extent as usize);
        self.osr_entries += 1;
        let outcome = self.enter(store, trampoline, code, vmctx, &mut values);
        let core = &mut store.core;
        core.stack_top = saved_top;
        core.frames.extend(frame);
        if let Some(error) = outcome? {
            return Err(error);
        }
        let out = base + hot.frame_size as usize;
        let Some(slots) = core.stack.get_mut(out..out + osr.results) else {
            return Err(Error::Limit(
                "on-stack entry: frame outside the stack".into(),
            ));
        };
        slots.copy_from_slice(&values[..osr.results]);
        Ok(true)
    }

    /// Builds and compiles the on-stack entry variant of function `defined`
    /// of `module` at ir-reg block `block`, from the same optimised ir-reg
    /// the fast interpreter's code was translated from.
    fn compile_osr(
        &mut self,
        module: &crate::Module,
        defined: u32,
        block: u32,
        frame_size: u32,
    ) -> Result<OsrEntry, Error> {
        let inner = &module.inner;
        let reg = inner
            .fast
            .optimised_reg(&inner.bytes, &inner.description, defined)
            .map_err(|error| Error::from(&error))?;
        let header = zwasm_ir_reg::Block(block);
        let mut description = inner.description.clone();
        let func_index = description.functions.len() as u32;
        let type_index = description.types.len() as u32;
        let variant = zwasm_ir_reg::osr_variant(&reg, header, func_index, type_index)
            .map_err(|error| Error::Unsupported(format!("JIT: {error}")))?;
        let slots = crate::fast::slots_at_block(&reg, header, &variant.inputs, frame_size)
            .ok_or_else(|| {
                Error::Unsupported("JIT: a loop input is not in an interpreter slot".into())
            })?;
        let original = description
            .types
            .get(reg.type_index() as usize)
            .cloned()
            .ok_or_else(|| Error::Unsupported("JIT: function type".into()))?;
        let params: Vec<zwasm_decode::ValType> = variant
            .inputs
            .iter()
            .map(|&value| reg.value_type(value))
            .collect();
        description.types.push(FuncType {
            params: params.into(),
            results: original.results.clone(),
        });
        description.functions.push(type_index);
        zwasm_ir_reg::verify(&variant.func, &description)
            .map_err(|error| Error::Unsupported(format!("JIT: OSR variant: {error}")))?;
        let compiled = super::compile::compile_osr(
            module,
            &description,
            &variant.func,
            reg.func_index(),
            &self.options,
        )?;
        self.modules.push(compiled);
        Ok(OsrEntry {
            module: self.modules.len() - 1,
            slots,
            results: original.results.len(),
        })
    }

    /// Whether every instance's module compiled; otherwise why the last
    /// failure happened (its functions then run on the interpreter).
    pub fn compile_error(&self) -> Option<&str> {
        self.last_compile_error.as_deref()
    }

    /// Calls `func` with `params`, writing `results`: through compiled code
    /// for wasm functions whose module compiled.
    pub fn call<C: AsContextMut>(
        &mut self,
        mut store: C,
        func: Func,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<(), Error> {
        let store = store.as_context_mut().0;
        store.core.check(func.store)?;
        self.attach::<C::Data>(&store.core)?;
        self.sync(&mut store.core);
        let entity = store
            .core
            .funcs
            .get(func.index as usize)
            .ok_or_else(Error::wrong_store)?;
        let ty = entity.ty.clone();
        if params.len() != ty.params.len() || results.len() != ty.results.len() {
            return Err(Error::Type(format!(
                "function of type {ty} called with {} arguments and {} result slots",
                params.len(),
                results.len()
            )));
        }
        let target = match entity.kind {
            FuncKind::Wasm { instance, defined } => self.entry(instance, defined),
            FuncKind::Host { .. } => None,
        };
        let Some((trampoline, code, vmctx)) = target else {
            return crate::interp::call(store, func.index, params, results);
        };
        let mut values = vec![0u64; ty.params.len().max(ty.results.len())];
        for ((slot, param), ty) in values.iter_mut().zip(params).zip(ty.params.iter()) {
            *slot = typed_slot(&store.core, param, *ty)?;
        }
        let trapped = self.enter(store, trampoline, code, vmctx, &mut values)?;
        if let Some(error) = trapped {
            return Err(error);
        }
        for ((result, slot), ty) in results.iter_mut().zip(&values).zip(ty.results.iter()) {
            *result = from_slot(store.core.id, *slot, *ty);
        }
        Ok(())
    }

    fn attach<T>(&mut self, core: &StoreCore) -> Result<(), Error> {
        match self.store {
            Some(id) if id != core.id => Err(Error::wrong_store()),
            _ => {
                self.store = Some(core.id);
                self.dispatch = helpers::host_dispatch::<T> as *const () as usize;
                Ok(())
            }
        }
    }

    /// Trampoline, code and `vmctx` of a compiled function.
    fn entry(&mut self, instance: u32, defined: u32) -> Option<(usize, usize, *mut VMContext)> {
        let state = self.instances.get_mut(instance as usize)?;
        let compiled = &self.modules[state.module?];
        let description = compiled.module.description();
        let type_index = *description
            .functions
            .get((description.func_imports + defined) as usize)?;
        let trampoline = compiled.trampoline_address(type_index)?;
        let code = compiled.function_address(defined)?;
        Some((trampoline, code, &mut *state.vmctx as *mut VMContext))
    }

    /// Runs the entry trampoline; `Some(error)` if the callee trapped.
    #[cfg(target_arch = "aarch64")]
    fn enter<T>(
        &mut self,
        store: &mut StoreInner<T>,
        trampoline: usize,
        code: usize,
        vmctx: *mut VMContext,
        values: &mut [u64],
    ) -> Result<Option<Error>, Error> {
        // Interpreter frames below this entry (the tiered engine enters
        // compiled code from the fast interpreter); a trap's backtrace
        // continues with them after the compiled frames.
        let outer_frames = store.core.frames.len();
        // The outermost entry runs on the session's own stack (see
        // `super::stack`) with what is left of the configured limits as its
        // budget; nested entries (host → wasm) continue where they are.
        let switch = if self.runtime.data.is_null() {
            let core = &store.core;
            let budget = stack_budget(&core.limits, core.frames.len(), core.stack_top);
            match self.own_stack(&core.limits) {
                Some((top, low, switch)) => {
                    self.runtime.stack_limit = top.saturating_sub(budget).max(low);
                    Some((top, switch))
                }
                None => {
                    let here = &outer_frames as *const usize as u64;
                    self.runtime.stack_limit =
                        thread_stack_limit(here).max(here.saturating_sub(budget));
                    None
                }
            }
        } else {
            None
        };
        let this: *mut JitSession = self;
        let store: *mut StoreInner<T> = store;
        let mut context = Context {
            session: this,
            // SAFETY: `store` comes from a live `&mut`.
            core: unsafe { &raw mut (*store).core },
            store: store.cast(),
            panic: None,
        };
        let guarded = matches!(
            self.options.bounds_checks,
            zwasm_codegen_aarch64::lower::BoundsChecks::GuardPages { .. }
        );
        let context_ptr: *mut Context = &mut context;
        let activation = super::signals::Activation::enter(context_ptr, guarded);
        // SAFETY: from here until the trampoline returns, the session, the
        // store and the context are only used through these raw pointers
        // (by compiled code, helpers, host calls and the fault handler).
        // The trampoline and the stack switch have the signatures they are
        // transmuted to (`trampoline` module of the backend).
        let trapped = unsafe {
            let runtime = &mut *(*this).runtime as *mut VmRuntime;
            let outer_data = (*runtime).data;
            (*runtime).data = context_ptr.cast();
            let trapped = match switch {
                Some((top, switch)) => {
                    let switch: extern "C" fn(*mut VMContext, usize, *mut u64, u64, usize) -> u32 =
                        std::mem::transmute(switch);
                    switch(vmctx, code, values.as_mut_ptr(), top, trampoline)
                }
                None => {
                    let entry: extern "C" fn(*mut VMContext, usize, *mut u64) -> u32 =
                        std::mem::transmute(trampoline);
                    entry(vmctx, code, values.as_mut_ptr())
                }
            };
            (*runtime).data = outer_data;
            trapped
        };
        drop(activation);
        if let Some(panic) = context.panic.take() {
            std::panic::resume_unwind(panic);
        }
        if trapped == 0 {
            return Ok(None);
        }
        // SAFETY: the call is over; the store is ours again.
        let core = unsafe { &(*store).core };
        Ok(Some(self.trap_error(core, outer_frames)))
    }

    /// The session's stack for compiled code (mapped, or remapped larger,
    /// for `limits`) and the stack-switch shim: `(top, low, shim)`; `None`
    /// if either cannot be made (compiled code then runs on the caller's
    /// stack). Only called by the outermost entry: nothing runs on the
    /// stack.
    #[cfg(target_arch = "aarch64")]
    fn own_stack(&mut self, limits: &crate::config::Limits) -> Option<(u64, u64, usize)> {
        let size = stack_size(limits);
        if self
            .stack
            .as_ref()
            .is_none_or(|stack| stack.usable() < size)
        {
            self.stack = None;
            self.stack = Some(JitStack::new(size)?);
        }
        if self.stack_switch.is_none() {
            let bytes = trampoline::stack_switch().ok()?;
            self.stack_switch = Some(CodeMemory::new(&bytes).ok()?);
        }
        let stack = self.stack.as_ref()?;
        let switch = self.stack_switch.as_ref()?.base();
        Some((stack.top(), stack.low() + HOST_STACK_MARGIN as u64, switch))
    }

    #[cfg(not(target_arch = "aarch64"))]
    fn enter<T>(
        &mut self,
        _store: &mut StoreInner<T>,
        _trampoline: usize,
        _code: usize,
        _vmctx: *mut VMContext,
        _values: &mut [u64],
    ) -> Result<Option<Error>, Error> {
        Err(Error::Unsupported(
            "the JIT only runs code on aarch64 hosts".to_string(),
        ))
    }

    /// The error for the trap the runtime recorded.
    #[cfg_attr(not(target_arch = "aarch64"), allow(dead_code))]
    fn trap_error(&mut self, core: &StoreCore, outer_frames: usize) -> Error {
        let bits = self.runtime.trap_code;
        let pcs = std::mem::take(&mut self.trap_pcs);
        let mut frames = super::backtrace::frames(&self.modules, &pcs);
        let outer = crate::fast::frames_backtrace(core, outer_frames);
        let code = abi::TrapCode::from_bits(bits).and_then(helpers::trap_code);
        match (code, self.pending_error.take()) {
            (Some(code), _) => {
                frames.extend(outer);
                Error::Trap(Trap {
                    code,
                    backtrace: WasmBacktrace { frames },
                })
            }
            (None, Some(Error::Trap(mut trap))) => {
                // A trap in a callee run by the interpreter: its backtrace
                // is its own frames, then those of every interpreter
                // activation below (which include the ones below this
                // entry); the compiled frames go in between.
                let inner = trap.backtrace.frames.len().saturating_sub(outer.len());
                let below = trap.backtrace.frames.split_off(inner);
                // (The adapter's own address is not in module code, so
                // `frames` starts at the compiled caller of the adapter.)
                trap.backtrace.frames.extend(frames);
                trap.backtrace.frames.extend(below);
                Error::Trap(trap)
            }
            (None, Some(error)) => error,
            (None, None) => Error::Unsupported(format!("JIT trap with unknown code {bits}")),
        }
    }

    /// Brings the session in step with the store: compiles the modules of
    /// new instances, builds their contexts, and refreshes every pointer and
    /// length compiled code reads.
    pub(crate) fn sync(&mut self, core: &mut StoreCore) {
        let shape = [
            core.funcs.len(),
            core.instances.len(),
            core.globals.len(),
            core.memories.len(),
            core.tables.len(),
        ];
        if self.synced_shape == Some(shape) {
            // Nothing was added since the last full sync, so function
            // references and global cells are where they were; memories
            // and tables may have grown (moved) under the interpreter.
            for index in 0..core.memories.len() {
                self.refresh_memory(core, index);
            }
            for index in 0..core.tables.len() {
                self.refresh_table(core, index);
            }
            return;
        }
        self.synced_shape = Some(shape);
        let runtime: *mut VmRuntime = &mut *self.runtime;
        while self.memories.len() < core.memories.len() {
            self.memories.push(Box::new(VmMemory {
                base: std::ptr::null_mut(),
                length: 0,
            }));
        }
        for index in 0..core.memories.len() {
            self.refresh_memory(core, index);
        }
        while self.tables.len() < core.tables.len() {
            self.tables.push(Box::new(VmTable {
                base: std::ptr::null_mut(),
                length: 0,
            }));
        }
        for index in 0..core.tables.len() {
            self.refresh_table(core, index);
        }
        while self.instances.len() < core.instances.len() {
            let state = self.new_instance(core, self.instances.len() as u32, runtime);
            self.instances.push(state);
        }
        self.refresh_func_refs(core, runtime);
        for (index, state) in self.instances.iter_mut().enumerate() {
            let entity = &core.instances[index];
            for (cell, &global) in state.globals.iter_mut().zip(entity.globals.iter()) {
                *cell = core
                    .globals
                    .get_mut(global as usize)
                    .map_or(std::ptr::null_mut(), |g| &mut g.value as *mut u64);
            }
            for (entry, &func) in state.funcs.iter_mut().zip(entity.funcs.iter()) {
                *entry = self
                    .func_refs
                    .get(func as usize)
                    .copied()
                    .unwrap_or(VmFuncRef::NULL);
            }
        }
        self.runtime.func_refs = self.func_refs.as_ptr();
    }

    /// Updates the `VmMemory` of store memory `index`.
    pub(crate) fn refresh_memory(&mut self, core: &mut StoreCore, index: usize) {
        if let (Some(vm), Some(memory)) =
            (self.memories.get_mut(index), core.memories.get_mut(index))
        {
            vm.base = memory.data.as_mut_ptr();
            vm.length = memory.data.len() as u64;
        }
    }

    /// Updates the `VmTable` of store table `index`.
    pub(crate) fn refresh_table(&mut self, core: &mut StoreCore, index: usize) {
        if let (Some(vm), Some(table)) = (self.tables.get_mut(index), core.tables.get_mut(index)) {
            vm.base = table.elements.as_mut_ptr();
            vm.length = table.elements.len() as u64;
        }
    }

    fn new_instance(
        &mut self,
        core: &StoreCore,
        index: u32,
        runtime: *mut VmRuntime,
    ) -> InstanceState {
        let entity = &core.instances[index as usize];
        let module = if self.lazy {
            None
        } else {
            self.compiled_module(&entity.module)
        };
        let memories: Box<[*mut VmMemory]> = entity
            .memories
            .iter()
            .map(|&m| {
                self.memories
                    .get_mut(m as usize)
                    .map_or(std::ptr::null_mut(), |vm| &mut **vm as *mut VmMemory)
            })
            .collect();
        let tables: Box<[*mut VmTable]> = entity
            .tables
            .iter()
            .map(|&t| {
                self.tables
                    .get_mut(t as usize)
                    .map_or(std::ptr::null_mut(), |vm| &mut **vm as *mut VmTable)
            })
            .collect();
        let globals: Box<[*mut u64]> = vec![std::ptr::null_mut(); entity.globals.len()].into();
        let funcs: Box<[VmFuncRef]> = vec![VmFuncRef::NULL; entity.funcs.len()].into();
        let type_ids: Box<[u32]> = entity.module.inner.type_ids.clone().into();
        let vmctx = Box::new(VMContext {
            runtime,
            memories: memories.as_ptr(),
            tables: tables.as_ptr(),
            globals: globals.as_ptr(),
            funcs: funcs.as_ptr(),
            type_ids: type_ids.as_ptr(),
            helpers: self.helpers.as_ptr(),
            memory0: memories.first().copied().unwrap_or(std::ptr::null_mut()),
            instance: index,
        });
        InstanceState {
            vmctx,
            module,
            _memories: memories,
            _tables: tables,
            globals,
            funcs,
            _type_ids: type_ids,
        }
    }

    /// The session's compiled code for `module`, compiling it first.
    fn compiled_module(&mut self, module: &crate::Module) -> Option<usize> {
        if let Some(at) = self.modules.iter().position(|compiled| {
            !compiled.osr && Arc::ptr_eq(&compiled.module.inner, &module.inner)
        }) {
            return Some(at);
        }
        if self
            .failed_modules
            .iter()
            .any(|failed| Arc::ptr_eq(&failed.inner, &module.inner))
        {
            return None;
        }
        match compile_module(module, &self.options) {
            Ok(compiled) => {
                self.modules.push(compiled);
                Some(self.modules.len() - 1)
            }
            Err(error) => {
                self.last_compile_error = Some(error.to_string());
                self.failed_modules.push(module.clone());
                None
            }
        }
    }

    /// Fills the `VmFuncRef` of every store function: compiled code, or an
    /// adapter into the interpreter's call path.
    fn refresh_func_refs(&mut self, core: &StoreCore, runtime: *mut VmRuntime) {
        self.func_refs.resize(core.funcs.len(), VmFuncRef::NULL);
        self.host_ctxs.resize_with(core.funcs.len(), || None);
        for (index, entity) in core.funcs.iter().enumerate() {
            let slot = index as u64 + 1;
            let compiled = match entity.kind {
                FuncKind::Wasm { instance, defined } => {
                    self.instances.get_mut(instance as usize).and_then(|state| {
                        let code = self.modules.get(state.module?)?.function_address(defined)?;
                        Some((code, (&mut *state.vmctx as *mut VMContext).cast::<u8>()))
                    })
                }
                FuncKind::Host { .. } => None,
            };
            let (code, vmctx) = match compiled {
                Some(found) => found,
                None => {
                    let Some(adapter) = self.adapter(&entity.ty) else {
                        continue;
                    };
                    let dispatch = self.dispatch;
                    let ctx = self.host_ctxs[index].get_or_insert_with(|| {
                        Box::new(HostCtx {
                            runtime,
                            dispatch,
                            func: index as u32,
                        })
                    });
                    (adapter, (&mut **ctx as *mut HostCtx).cast::<u8>())
                }
            };
            self.func_refs[index] = VmFuncRef {
                code,
                vmctx,
                type_id: entity.type_id,
                _pad: 0,
                slot,
            };
        }
    }

    /// The host-call adapter for functions of type `ty`.
    fn adapter(&mut self, ty: &FuncType) -> Option<usize> {
        if let Some((_, code)) = self.adapters.iter().find(|(known, _)| known == ty) {
            return Some(code.base());
        }
        let bytes = trampoline::host_call_adapter(&ty.params, &ty.results).ok()?;
        let code = CodeMemory::new(&bytes).ok()?;
        let base = code.base();
        self.adapters.push((ty.clone(), code));
        Some(base)
    }
}
