//! The fast interpreter: the default execution tier.
//!
//! Functions run as a compact register-machine bytecode ([`code`]) whose
//! operands are slots of a frame, translated on first call from the
//! optimised register IR (ir-reg) by [`compile`], stored per module in
//! [`lazy`] and run by the dispatcher in [`exec`]. This module is the
//! generic driver around the dispatcher, like the reference interpreter's:
//! it enters wasm from the host, performs the host calls the loop asks for
//! (through the reference interpreter's host-call path, which sees the same
//! stack layout) and turns traps into errors with backtraces. Design notes:
//! `docs/decisions/0006-fast-interpreter.md`.

mod chain;
mod code;
mod compile;
mod display;
mod exec;
mod lazy;
mod profile;
mod regs;
#[cfg(all(feature = "match-dispatch", not(feature = "tail-dispatch")))]
mod straight;
#[cfg(test)]
mod tests;
#[cfg(any(feature = "tail-dispatch", not(feature = "match-dispatch")))]
mod threaded;

use zwasm_decode::FuncType;

pub(crate) use display::FastFuncText;
pub(crate) use lazy::{LazyCode, Revalidation};
pub(crate) use profile::Profile;
pub use profile::{FuncProfile, OpProfile, ProfileReport};

use crate::interp::{Frame, call_host_from_wasm, grow_stack, unwind};
use crate::store::{StoreCore, StoreInner};
use crate::trap::{FrameInfo, Trap, TrapCode, WasmBacktrace};
use crate::values::from_slot;
use crate::{Error, Val};
use exec::{Exit, Fault, Resume, execute};

/// Runs wasm function `defined` of instance `instance` to completion on the
/// fast tier, translating it first if this is its first call.
pub(crate) fn run_wasm<T>(
    store: &mut StoreInner<T>,
    instance: u32,
    defined: u32,
    ty: &FuncType,
    params: &[u64],
    results: &mut [Val],
) -> Result<(), Error> {
    let core = &mut store.core;
    let base = core.stack_top;
    let entry_depth = core.frames.len();
    if entry_depth >= core.limits.max_call_depth {
        return Err(trap(core, TrapCode::StackOverflow).into());
    }
    let module = core.instances[instance as usize].module.clone();
    let inner = &module.inner;
    let func = inner
        .fast
        .get_or_compile(&inner.bytes, &inner.description, defined)
        .map_err(Error::from)?;
    let needed = base + (func.extent as usize).max(params.len());
    if needed > core.stack.len()
        && !grow_stack(&mut core.stack, needed, core.limits.max_value_stack)
    {
        return Err(trap(core, TrapCode::StackOverflow).into());
    }
    core.stack[base..base + params.len()].copy_from_slice(params);
    let consts = base + func.const_base();
    core.stack[consts..consts + func.consts.len()].copy_from_slice(&func.consts);
    core.frames.push(Frame {
        instance,
        func: defined,
        pc: 0,
        base,
    });
    core.stack_top = needed;

    let mut resume = Resume::Start;
    loop {
        let outcome = if store.core.profile.is_some() {
            execute::<true>(&mut store.core, entry_depth, resume)
        } else {
            execute::<false>(&mut store.core, entry_depth, resume)
        };
        match outcome {
            Ok(Exit::Returned) => break,
            Ok(Exit::HostCall { func, tail }) => {
                if let Err(error) = call_host_from_wasm(store, func) {
                    unwind(&mut store.core, entry_depth, base);
                    return Err(error);
                }
                resume = if tail {
                    Resume::ReturnAfterHostCall
                } else {
                    Resume::AfterHostCall
                };
            }
            Ok(Exit::HotLoop) => {
                // TIERING (issue 5): on-stack entry into machine code.
                match crate::jit::enter_hot_loop(store) {
                    Ok(true) => resume = Resume::ReturnAfterHostCall,
                    Ok(false) => resume = Resume::AfterHostCall,
                    Err(error) => {
                        unwind(&mut store.core, entry_depth, base);
                        return Err(error);
                    }
                }
            }
            Err(Fault::Trap(code)) => {
                let trap = trap(&store.core, code);
                unwind(&mut store.core, entry_depth, base);
                return Err(trap.into());
            }
            Err(Fault::Compile(error)) => {
                unwind(&mut store.core, entry_depth, base);
                return Err(error);
            }
        }
    }
    let core = &mut store.core;
    for (at, (result, ty)) in results.iter_mut().zip(ty.results.iter()).enumerate() {
        *result = from_slot(core.id, core.stack[base + at], *ty);
    }
    core.stack_top = base;
    Ok(())
}

/// TIERING (issue 5): the innermost frame, stopped at a `LoopHeader` op
/// (`Exit::HotLoop`), as an on-stack entry needs it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct HotLoop {
    pub frame: Frame,
    /// The ir-reg block the loop header starts.
    pub block: u32,
    /// Where the results go for `Resume::ReturnAfterHostCall`.
    pub frame_size: u32,
    /// Slots the frame may touch.
    pub extent: u32,
}

/// TIERING (issue 5): the hot loop the innermost frame stopped at.
pub(crate) fn hot_loop(core: &StoreCore) -> Option<HotLoop> {
    let frame = *core.frames.last()?;
    let module = &core.instances.get(frame.instance as usize)?.module;
    let func = module.inner.fast.get(frame.func)?;
    let code::Op::LoopHeader(at) = *func.op(frame.pc as usize)? else {
        return None;
    };
    Some(HotLoop {
        frame,
        block: *func.loops.get(at as usize)?,
        frame_size: func.frame_size,
        extent: func.extent,
    })
}

pub(crate) use compile::slots_at_block;

/// A trap with the backtrace of all wasm frames currently on the stack; a
/// frame's saved pc is the op it was executing (a call, for callers).
fn trap(core: &StoreCore, code: TrapCode) -> Trap {
    let frames = frames_backtrace(core, core.frames.len());
    Trap {
        code,
        backtrace: WasmBacktrace { frames },
    }
}

/// The wasm frames of the first `depth` frames on the store's call stack
/// (all of them for a trap in the interpreter; those below a call into
/// compiled code for the JIT), innermost first.
pub(crate) fn frames_backtrace(core: &StoreCore, depth: usize) -> Vec<FrameInfo> {
    core.frames
        .iter()
        .take(depth)
        .rev()
        .filter_map(|frame| {
            let module = &core.instances.get(frame.instance as usize)?.module;
            let func_index = module.inner.func_imports() + frame.func;
            let offset = module
                .inner
                .fast
                .get(frame.func)
                .and_then(|func| func.offset(frame.pc as usize));
            Some(FrameInfo {
                func_index,
                func_name: module
                    .description()
                    .func_name(func_index)
                    .map(str::to_string),
                module_name: module.name().map(str::to_string),
                module_offset: offset,
            })
        })
        .collect()
}
