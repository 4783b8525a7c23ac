//! The runtime entry points compiled code calls: the helpers of
//! `abi::RuntimeHelper` (grow, bulk and segment operations), the host-call
//! dispatcher behind every host function's adapter, and the trap recorder
//! the trap path calls before unwinding.
//!
//! They reach the store through `VmRuntime::data`, a [`Context`] that the
//! session's call path sets up for the duration of a call into compiled
//! code and does not touch until the call returns.

#![allow(unsafe_code)]

use std::any::Any;
use std::panic::AssertUnwindSafe;

use zwasm_codegen_aarch64::lower::abi::{self, RuntimeHelper};

use super::session::JitSession;
use super::vm::{HostCtx, VMContext, VmRuntime};
use crate::func::FuncKind;
use crate::interp::bulk;
use crate::store::{StoreCore, StoreInner};
use crate::trap::Trap;
use crate::trap::TrapCode;
use crate::values::{from_slot, to_slot};
use crate::{Caller, Error, Val};
use zwasm_decode::FuncType;

/// What helpers reach through `VmRuntime::data` during a call.
pub(crate) struct Context {
    pub session: *mut JitSession,
    pub core: *mut StoreCore,
    /// The `StoreInner<T>` the call runs in, for host calls.
    pub store: *mut u8,
    /// A panic caught in a host function, resumed once back in Rust.
    pub panic: Option<Box<dyn Any + Send>>,
}

/// The helper table, in `RuntimeHelper` order.
pub(crate) fn helper_table() -> [usize; RuntimeHelper::ALL.len()] {
    let mut table = [0usize; RuntimeHelper::ALL.len()];
    for helper in RuntimeHelper::ALL {
        table[helper.index()] = match helper {
            RuntimeHelper::MemoryGrow => memory_grow as *const () as usize,
            RuntimeHelper::MemoryFill => memory_fill as *const () as usize,
            RuntimeHelper::MemoryCopy => memory_copy as *const () as usize,
            RuntimeHelper::MemoryInit => memory_init as *const () as usize,
            RuntimeHelper::DataDrop => data_drop as *const () as usize,
            RuntimeHelper::TableGrow => table_grow as *const () as usize,
            RuntimeHelper::TableFill => table_fill as *const () as usize,
            RuntimeHelper::TableCopy => table_copy as *const () as usize,
            RuntimeHelper::TableInit => table_init as *const () as usize,
            RuntimeHelper::ElemDrop => elem_drop as *const () as usize,
        };
    }
    table
}

/// The JIT's code for a trap.
pub(crate) fn trap_bits(code: TrapCode) -> u32 {
    let code = match code {
        TrapCode::Unreachable => abi::TrapCode::Unreachable,
        TrapCode::MemoryOutOfBounds => abi::TrapCode::MemoryOutOfBounds,
        TrapCode::TableOutOfBounds => abi::TrapCode::TableOutOfBounds,
        TrapCode::UndefinedElement => abi::TrapCode::UndefinedElement,
        TrapCode::IndirectCallToNull => abi::TrapCode::IndirectCallToNull,
        TrapCode::BadSignature => abi::TrapCode::BadSignature,
        TrapCode::IntegerOverflow => abi::TrapCode::IntegerOverflow,
        TrapCode::IntegerDivisionByZero => abi::TrapCode::IntegerDivisionByZero,
        TrapCode::BadConversionToInteger => abi::TrapCode::BadConversionToInteger,
        TrapCode::NullReference => abi::TrapCode::NullReference,
        TrapCode::StackOverflow => abi::TrapCode::StackOverflow,
    };
    code.bits()
}

/// The runtime's trap for a JIT trap code; `None` for host errors.
pub(crate) fn trap_code(code: abi::TrapCode) -> Option<TrapCode> {
    Some(match code {
        abi::TrapCode::Unreachable => TrapCode::Unreachable,
        abi::TrapCode::MemoryOutOfBounds => TrapCode::MemoryOutOfBounds,
        abi::TrapCode::TableOutOfBounds => TrapCode::TableOutOfBounds,
        abi::TrapCode::UndefinedElement => TrapCode::UndefinedElement,
        abi::TrapCode::IndirectCallToNull => TrapCode::IndirectCallToNull,
        abi::TrapCode::BadSignature => TrapCode::BadSignature,
        abi::TrapCode::IntegerOverflow => TrapCode::IntegerOverflow,
        abi::TrapCode::IntegerDivisionByZero => TrapCode::IntegerDivisionByZero,
        abi::TrapCode::BadConversionToInteger => TrapCode::BadConversionToInteger,
        abi::TrapCode::NullReference => TrapCode::NullReference,
        abi::TrapCode::StackOverflow => TrapCode::StackOverflow,
        abi::TrapCode::HostError => return None,
    })
}

/// The context of the call in progress, the store core, and the store
/// index of `vmctx`'s instance.
///
/// # Safety
/// `vmctx` must be a context of a session whose runtime has a live
/// [`Context`] installed (true for every call from compiled code).
unsafe fn context<'a>(vmctx: *mut VMContext) -> (&'a mut Context, &'a mut StoreCore, u32) {
    // SAFETY: per the function contract, the pointers were set up by the
    // session's call path, which does not use them until the call returns.
    unsafe {
        let vmctx = &*vmctx;
        let runtime = &*vmctx.runtime;
        let context = &mut *(runtime.data as *mut Context);
        let core = &mut *context.core;
        (context, core, vmctx.instance)
    }
}

fn result(outcome: Result<(), TrapCode>) -> u32 {
    match outcome {
        Ok(()) => 0,
        Err(code) => trap_bits(code),
    }
}

/// Store index of the instance's `index`-th entity of a kind.
fn entity(indices: &[u32], index: u32) -> usize {
    indices.get(index as usize).copied().unwrap_or(u32::MAX) as usize
}

/// Operands of 32-bit index types arrive zero-extended; masking keeps a
/// stray upper half from turning into a huge index.
fn index_value(value: u64, is64: bool) -> u64 {
    if is64 {
        value
    } else {
        value & u64::from(u32::MAX)
    }
}

extern "C" fn memory_grow(vmctx: *mut VMContext, delta: u64, memory: u32) -> u64 {
    // SAFETY: called by compiled code of a running session.
    let (context, core, instance) = unsafe { context(vmctx) };
    let index = entity(&core.instances[instance as usize].memories, memory);
    let Some(entity) = core.memories.get_mut(index) else {
        return u64::MAX;
    };
    let delta = index_value(delta, entity.ty.memory64);
    let old = bulk::memory_grow(entity, delta);
    // SAFETY: the session outlives the call; only this helper runs now.
    unsafe { (*context.session).refresh_memory(core, index) };
    old
}

extern "C" fn memory_fill(
    vmctx: *mut VMContext,
    dst: u64,
    value: u64,
    len: u64,
    memory: u32,
) -> u32 {
    // SAFETY: called by compiled code of a running session.
    let (_, core, instance) = unsafe { context(vmctx) };
    let index = entity(&core.instances[instance as usize].memories, memory);
    let Some(entity) = core.memories.get_mut(index) else {
        return trap_bits(TrapCode::MemoryOutOfBounds);
    };
    let is64 = entity.ty.memory64;
    result(bulk::memory_fill(
        &mut entity.data,
        index_value(dst, is64),
        value as u8,
        index_value(len, is64),
    ))
}

extern "C" fn memory_copy(
    vmctx: *mut VMContext,
    dst: u64,
    src: u64,
    len: u64,
    dst_memory: u32,
    src_memory: u32,
) -> u32 {
    // SAFETY: called by compiled code of a running session.
    let (_, core, instance) = unsafe { context(vmctx) };
    let memories = &core.instances[instance as usize].memories;
    let (to, from) = (entity(memories, dst_memory), entity(memories, src_memory));
    let (Some(to_ty), Some(from_ty)) = (core.memories.get(to), core.memories.get(from)) else {
        return trap_bits(TrapCode::MemoryOutOfBounds);
    };
    let (dst64, src64) = (to_ty.ty.memory64, from_ty.ty.memory64);
    result(bulk::memory_copy(
        &mut core.memories,
        to,
        from,
        index_value(dst, dst64),
        index_value(src, src64),
        index_value(len, dst64 && src64),
    ))
}

extern "C" fn memory_init(
    vmctx: *mut VMContext,
    dst: u64,
    src: u64,
    len: u64,
    data: u32,
    memory: u32,
) -> u32 {
    // SAFETY: called by compiled code of a running session.
    let (_, core, instance) = unsafe { context(vmctx) };
    let inst = &core.instances[instance as usize];
    let (memory, data) = (entity(&inst.memories, memory), entity(&inst.datas, data));
    let (Some(entity), Some(segment)) = (core.memories.get_mut(memory), core.datas.get(data))
    else {
        return trap_bits(TrapCode::MemoryOutOfBounds);
    };
    let is64 = entity.ty.memory64;
    result(bulk::memory_init(
        &mut entity.data,
        segment.bytes(),
        index_value(dst, is64),
        index_value(src, false),
        index_value(len, false),
    ))
}

extern "C" fn data_drop(vmctx: *mut VMContext, data: u32) -> u64 {
    // SAFETY: called by compiled code of a running session.
    let (_, core, instance) = unsafe { context(vmctx) };
    let index = entity(&core.instances[instance as usize].datas, data);
    if let Some(segment) = core.datas.get_mut(index) {
        segment.range = 0..0;
    }
    0
}

extern "C" fn table_grow(vmctx: *mut VMContext, init: u64, delta: u64, table: u32) -> u64 {
    // SAFETY: called by compiled code of a running session.
    let (context, core, instance) = unsafe { context(vmctx) };
    let index = entity(&core.instances[instance as usize].tables, table);
    let Some(entity) = core.tables.get_mut(index) else {
        return u64::MAX;
    };
    let delta = index_value(delta, entity.ty.table64);
    let old = bulk::table_grow(entity, delta, init);
    // SAFETY: the session outlives the call; only this helper runs now.
    unsafe { (*context.session).refresh_table(core, index) };
    old
}

extern "C" fn table_fill(vmctx: *mut VMContext, dst: u64, value: u64, len: u64, table: u32) -> u32 {
    // SAFETY: called by compiled code of a running session.
    let (_, core, instance) = unsafe { context(vmctx) };
    let index = entity(&core.instances[instance as usize].tables, table);
    let Some(entity) = core.tables.get_mut(index) else {
        return trap_bits(TrapCode::TableOutOfBounds);
    };
    let is64 = entity.ty.table64;
    result(bulk::table_fill(
        entity,
        index_value(dst, is64),
        value,
        index_value(len, is64),
    ))
}

extern "C" fn table_copy(
    vmctx: *mut VMContext,
    dst: u64,
    src: u64,
    len: u64,
    dst_table: u32,
    src_table: u32,
) -> u32 {
    // SAFETY: called by compiled code of a running session.
    let (_, core, instance) = unsafe { context(vmctx) };
    let tables = &core.instances[instance as usize].tables;
    let (to, from) = (entity(tables, dst_table), entity(tables, src_table));
    let (Some(to_ty), Some(from_ty)) = (core.tables.get(to), core.tables.get(from)) else {
        return trap_bits(TrapCode::TableOutOfBounds);
    };
    let (dst64, src64) = (to_ty.ty.table64, from_ty.ty.table64);
    result(bulk::table_copy(
        &mut core.tables,
        to,
        from,
        index_value(dst, dst64),
        index_value(src, src64),
        index_value(len, dst64 && src64),
    ))
}

extern "C" fn table_init(
    vmctx: *mut VMContext,
    dst: u64,
    src: u64,
    len: u64,
    elem: u32,
    table: u32,
) -> u32 {
    // SAFETY: called by compiled code of a running session.
    let (_, core, instance) = unsafe { context(vmctx) };
    let inst = &core.instances[instance as usize];
    let (table, elem) = (entity(&inst.tables, table), entity(&inst.elems, elem));
    let (Some(entity), Some(segment)) = (core.tables.get_mut(table), core.elems.get(elem)) else {
        return trap_bits(TrapCode::TableOutOfBounds);
    };
    let is64 = entity.ty.table64;
    result(bulk::table_init(
        entity,
        &segment.items,
        index_value(dst, is64),
        index_value(src, false),
        index_value(len, false),
    ))
}

extern "C" fn elem_drop(vmctx: *mut VMContext, elem: u32) -> u64 {
    // SAFETY: called by compiled code of a running session.
    let (_, core, instance) = unsafe { context(vmctx) };
    let index = entity(&core.instances[instance as usize].elems, elem);
    if let Some(segment) = core.elems.get_mut(index) {
        segment.items = Vec::new();
    }
    0
}

/// The trap path's callback: captures the return addresses of the wasm
/// frames while they are still on the stack.
pub(crate) extern "C" fn record_trap(runtime: *mut VmRuntime) {
    // SAFETY: called by the trap path with the session's runtime, while a
    // call set up by the session is in progress.
    let runtime = unsafe { &*runtime };
    // SAFETY: as above.
    let context = unsafe { &mut *(runtime.data as *mut Context) };
    // SAFETY: the frames between `trap_fp` and `entry_fp` are live frame
    // records of compiled code on this thread's stack, above the current sp.
    let pcs = unsafe { super::backtrace::walk(runtime.trap_pc, runtime.trap_fp, runtime.entry_fp) };
    // SAFETY: the session outlives the call.
    unsafe { (*context.session).trap_pcs = pcs };
}

/// The dispatcher behind every adapter (host functions, and wasm functions
/// the JIT did not compile) for stores with data `T`: runs the function
/// with the parameters in `values` and writes its results back; returns 0,
/// or `HostError` after storing the error (or panic) for the session's
/// call path. Host functions see the calling instance (from
/// `caller_vmctx`); wasm functions go through the interpreter's call path.
pub(crate) extern "C" fn host_dispatch<T>(
    ctx: *mut HostCtx,
    values: *mut u64,
    caller_vmctx: *mut VMContext,
) -> u32 {
    // SAFETY: `ctx` is a host context of the session (boxed, alive), and
    // its runtime has the call's `Context` installed; `caller_vmctx` is the
    // context of the compiled function that called the adapter.
    let (context, func, caller) = unsafe {
        let ctx = &*ctx;
        (
            &mut *((*ctx.runtime).data as *mut Context),
            ctx.func,
            (*caller_vmctx).instance,
        )
    };
    // SAFETY: `store` is the `StoreInner<T>` the session's call path was
    // given, unused by it until the call returns.
    let store = unsafe { &mut *(context.store as *mut StoreInner<T>) };
    let Some(entity) = store.core.funcs.get(func as usize) else {
        return abi::TrapCode::HostError.bits();
    };
    let ty = entity.ty.clone();
    let kind = entity.kind;
    let count = ty.params.len().max(ty.results.len());
    // SAFETY: the adapter passes a buffer of one 8-byte slot per parameter
    // or result, whichever is more.
    let slots = unsafe { std::slice::from_raw_parts_mut(values, count) };
    let id = store.core.id;
    let params: Vec<Val> = ty
        .params
        .iter()
        .zip(slots.iter())
        .map(|(&ty, &slot)| from_slot(id, slot, ty))
        .collect();
    let mut results: Vec<Val> = ty
        .results
        .iter()
        .map(|&ty| Val::default_for(ty).unwrap_or(Val::I32(0)))
        .collect();
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| match kind {
        FuncKind::Host { host } => call_host(store, host, caller, &ty, &params, &mut results),
        FuncKind::Wasm { .. } => crate::interp::call(&mut *store, func, &params, &mut results),
    }));
    // SAFETY: the session outlives the call; the callee is done.
    let session = unsafe { &mut *context.session };
    // The callee may have grown memories or tables, or created entities.
    session.sync(&mut store.core);
    let written = match outcome {
        Ok(outcome) => outcome.and_then(|()| {
            for (result, slot) in results.iter().zip(slots.iter_mut()) {
                *slot = to_slot(&store.core, result)?;
            }
            Ok(())
        }),
        Err(panic) => {
            context.panic = Some(panic);
            return abi::TrapCode::HostError.bits();
        }
    };
    match written {
        Ok(()) => 0,
        Err(error) => {
            session.pending_error = Some(error);
            abi::TrapCode::HostError.bits()
        }
    }
}

/// Calls host function `host` for compiled code of instance `caller` and
/// checks its results against `ty`.
fn call_host<T>(
    store: &mut StoreInner<T>,
    host: u32,
    caller: u32,
    ty: &FuncType,
    params: &[Val],
    results: &mut [Val],
) -> Result<(), Error> {
    let core = &mut store.core;
    if core.call_nesting >= core.limits.max_host_reentry {
        return Err(Trap::new(TrapCode::StackOverflow).into());
    }
    let Some(function) = store.host_funcs.get(host as usize).cloned() else {
        return Err(Error::wrong_store());
    };
    store.core.call_nesting += 1;
    let outcome = function(
        Caller {
            store: &mut *store,
            instance: Some(caller),
        },
        params,
        results,
    );
    store.core.call_nesting -= 1;
    outcome?;
    for (result, ty) in results.iter().zip(ty.results.iter()) {
        if result.ty() != *ty {
            return Err(Error::Type(format!(
                "host function returned a {} value where its type declares {ty}",
                result.ty()
            )));
        }
    }
    Ok(())
}
