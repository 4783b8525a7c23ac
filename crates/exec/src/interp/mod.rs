//! The reference interpreter: runs ir-stack code on a store.
//!
//! [`run::execute`] is the non-generic loop; this module is the generic
//! driver around it that enters wasm from the host, performs host calls the
//! loop asks for, and turns trap codes into [`Trap`]s with backtraces.

pub(crate) mod bulk;
pub(crate) mod numeric;
mod run;

use zwasm_decode::FuncType;

use crate::config::EngineKind;
use crate::func::FuncKind;
use crate::store::{StoreCore, StoreInner};
use crate::trap::{FrameInfo, Trap, TrapCode, WasmBacktrace};
use crate::values::{from_slot, to_slot, typed_slot};
use crate::{Caller, Error, Val};
pub(crate) use run::grow_stack;
use run::{Exit, Resume, execute, prepare_frame};

/// One wasm activation record, of either interpreter (a store runs one
/// engine). The innermost frame's `pc` is only up to date while the loop is
/// not running.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Frame {
    /// Arena index of the instance whose function this is.
    pub instance: u32,
    /// Defined-function index within the instance's module.
    pub func: u32,
    /// Next op to execute (for callers: the op after the call).
    pub pc: u32,
    /// Value-stack index of local 0.
    pub base: usize,
}

/// Calls function `func` (arena index) with `params`, writing `results`.
pub(crate) fn call<T>(
    store: &mut StoreInner<T>,
    func: u32,
    params: &[Val],
    results: &mut [Val],
) -> Result<(), Error> {
    let core = &mut store.core;
    let entity = core
        .funcs
        .get(func as usize)
        .ok_or_else(Error::wrong_store)?;
    let ty = entity.ty.clone();
    let kind = entity.kind;
    if params.len() != ty.params.len() || results.len() != ty.results.len() {
        return Err(Error::Type(format!(
            "function of type {ty} called with {} arguments and {} result slots",
            params.len(),
            results.len()
        )));
    }
    let slots = params
        .iter()
        .zip(ty.params.iter())
        .map(|(param, ty)| typed_slot(core, param, *ty))
        .collect::<Result<Vec<u64>, Error>>()?;
    if core.call_nesting >= core.limits.max_host_reentry {
        return Err(Trap::new(TrapCode::StackOverflow).into());
    }
    core.call_nesting += 1;
    let outcome = match kind {
        FuncKind::Host { host } => call_host(store, host, None, &ty, params, results),
        FuncKind::Wasm { instance, defined } => match store.core.engine.kind() {
            EngineKind::Reference => run_wasm(store, instance, defined, &ty, &slots, results),
            EngineKind::Jit | EngineKind::Auto => {
                crate::jit::run_wasm(store, instance, defined, &ty, &slots, results)
            }
            EngineKind::Interp => {
                crate::fast::run_wasm(store, instance, defined, &ty, &slots, results)
            }
        },
    };
    store.core.call_nesting -= 1;
    outcome
}

/// Runs wasm function `defined` of instance `instance` to completion.
fn run_wasm<T>(
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
    let function = module
        .inner
        .compiled()
        .get(defined as usize)
        .ok_or_else(Error::wrong_store)?;
    if core.stack.len() < base + params.len() {
        core.stack.resize(base + params.len(), 0);
    }
    core.stack[base..base + params.len()].copy_from_slice(params);
    if !prepare_frame(&mut core.stack, base, function, core.limits.max_value_stack) {
        return Err(trap(core, TrapCode::StackOverflow).into());
    }
    core.frames.push(Frame {
        instance,
        func: defined,
        pc: 0,
        base,
    });
    core.stack_top = base + function.local_count as usize;

    let mut resume = Resume::Continue;
    loop {
        match execute(&mut store.core, entry_depth, resume) {
            Ok(Exit::Returned) => break,
            Ok(Exit::HostCall { func, tail }) => {
                if let Err(error) = call_host_from_wasm(store, func) {
                    unwind(&mut store.core, entry_depth, base);
                    return Err(error);
                }
                resume = if tail {
                    Resume::Return
                } else {
                    Resume::Continue
                };
            }
            Err(code) => {
                let trap = trap(&store.core, code);
                unwind(&mut store.core, entry_depth, base);
                return Err(trap.into());
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

/// Performs the host call the loop stopped for: arguments are on top of the
/// stack, and the results replace them. The tiered engine's interpreter
/// also stops this way for wasm functions that run as machine code.
pub(crate) fn call_host_from_wasm<T>(store: &mut StoreInner<T>, func: u32) -> Result<(), Error> {
    let core = &mut store.core;
    let entity = &core.funcs[func as usize];
    let host = match entity.kind {
        FuncKind::Host { host } => host,
        // Only the tiered engine leaves its loop for a wasm callee: one
        // that is hot, to run as machine code.
        FuncKind::Wasm { instance, defined } if core.tier.is_some() => {
            return crate::jit::call_from_interpreter(store, func, instance, defined);
        }
        FuncKind::Wasm { .. } => {
            return Err(Error::Type("host call to a wasm function".to_string()));
        }
    };
    let ty = entity.ty.clone();
    let caller_instance = core.frames.last().map(|frame| frame.instance);
    let (args_at, params, mut results) = outgoing_values(core, &ty);
    if core.call_nesting >= core.limits.max_host_reentry {
        return Err(trap(core, TrapCode::StackOverflow).into());
    }
    core.call_nesting += 1;
    let outcome = call_host(store, host, caller_instance, &ty, &params, &mut results);
    store.core.call_nesting -= 1;
    outcome?;
    write_results(&mut store.core, args_at, &results)
}

/// A wasm function called by the tiered engine's interpreter through the
/// host-call exit, run through the embedder's call path (`call`, which
/// picks the tier); its arguments and results are the slots at the top of
/// the stack, as for a host function.
pub(crate) fn call_wasm_from_interpreter<T>(
    store: &mut StoreInner<T>,
    func: u32,
) -> Result<(), Error> {
    let core = &mut store.core;
    let ty = core.funcs[func as usize].ty.clone();
    let (args_at, params, mut results) = outgoing_values(core, &ty);
    call(store, func, &params, &mut results)
        .and_then(|()| write_results(&mut store.core, args_at, &results))
}

/// The arguments of a call through the host-call exit (the slots at the
/// top of the stack, where they start, as values of `ty`) and room for its
/// results.
fn outgoing_values(core: &StoreCore, ty: &FuncType) -> (usize, Vec<Val>, Vec<Val>) {
    let args_at = core.stack_top - ty.params.len();
    let params = (ty.params.iter().enumerate())
        .map(|(at, ty)| from_slot(core.id, core.stack[args_at + at], *ty))
        .collect();
    let results = (ty.results.iter())
        .map(|ty| Val::default_for(*ty).unwrap_or(Val::I32(0)))
        .collect();
    (args_at, params, results)
}

/// Writes a callee's `results` over its arguments at `args_at`, the top of
/// the stack.
fn write_results(core: &mut StoreCore, args_at: usize, results: &[Val]) -> Result<(), Error> {
    let results_end = args_at + results.len();
    if core.stack.len() < results_end {
        core.stack.resize(results_end, 0);
    }
    for (at, result) in results.iter().enumerate() {
        core.stack[args_at + at] = to_slot(core, result)?;
    }
    core.stack_top = results_end;
    Ok(())
}

/// Calls host function `host` and checks that its results match `ty`.
fn call_host<T>(
    store: &mut StoreInner<T>,
    host: u32,
    instance: Option<u32>,
    ty: &FuncType,
    params: &[Val],
    results: &mut [Val],
) -> Result<(), Error> {
    let function = store.host_funcs[host as usize].clone();
    function(Caller { store, instance }, params, results)?;
    for (result, ty) in results.iter().zip(ty.results.iter()) {
        if result.ty() != *ty {
            return Err(Error::Type(format!(
                "host function returned a {} value where its type declares {ty}",
                result.ty()
            )));
        }
        to_slot(&store.core, result)?;
    }
    Ok(())
}

/// Discards the frames and stack slots of an activation that did not return.
pub(crate) fn unwind(core: &mut StoreCore, entry_depth: usize, base: usize) {
    core.frames.truncate(entry_depth);
    core.stack_top = base;
}

/// A trap with the backtrace of all wasm frames currently on the stack.
fn trap(core: &StoreCore, code: TrapCode) -> Trap {
    let frames = core
        .frames
        .iter()
        .rev()
        .filter_map(|frame| {
            let module = &core.instances.get(frame.instance as usize)?.module;
            let function = module.inner.compiled().get(frame.func as usize)?;
            let func_index = module.inner.func_imports() + frame.func;
            // Saved pcs point after the executing op.
            let op = (frame.pc as usize).checked_sub(1);
            Some(FrameInfo {
                func_index,
                func_name: module
                    .description()
                    .func_name(func_index)
                    .map(str::to_string),
                module_name: module.name().map(str::to_string),
                module_offset: op
                    .and_then(|op| function.offsets.get(op))
                    .map(|offset| *offset as usize),
            })
        })
        .collect();
    Trap {
        code,
        backtrace: WasmBacktrace { frames },
    }
}

#[cfg(test)]
mod tests {
    use crate::{Caller, Engine, Error, Extern, Linker, Module, Store, TrapCode};

    fn assert_unwound<T>(store: &Store<T>) {
        let core = &store.inner.core;
        assert!(core.frames.is_empty());
        assert_eq!(core.stack_top, 0);
        assert_eq!(core.call_nesting, 0);
    }

    #[test]
    fn every_exit_path_leaves_an_empty_stack() {
        let engine = Engine::default();
        let mut linker = Linker::new(&engine);
        linker
            .func_wrap(
                "env",
                "host",
                |mut caller: Caller<'_, ()>, mode: i32| -> Result<i32, Error> {
                    match mode {
                        0 => Ok(7),
                        1 => Err(Error::Type("host failure".into())),
                        _ => {
                            let inner = caller
                                .get_export("inner")
                                .and_then(Extern::into_func)
                                .expect("inner");
                            inner.typed::<i32, i32>(&caller)?.call(&mut caller, mode)
                        }
                    }
                },
            )
            .expect("define");
        let module = Module::new(
            &engine,
            r#"(module
              (import "env" "host" (func $host (param i32) (result i32)))
              (func (export "inner") (param i32) (result i32)
                (if (result i32) (i32.eq (local.get 0) (i32.const 3)) (then unreachable) (else (i32.const 9))))
              (func (export "outer") (param i32) (result i32) (i32.add (i32.const 1) (call $host (local.get 0))))
              (func (export "tail") (param i32) (result i32) (return_call $host (local.get 0))))"#,
        )
        .expect("module");
        let mut store = Store::new(&engine, ());
        let instance = linker.instantiate(&mut store, &module).expect("instance");
        let outer = instance
            .get_typed_func::<i32, i32>(&mut store, "outer")
            .expect("outer");
        let tail = instance
            .get_typed_func::<i32, i32>(&mut store, "tail")
            .expect("tail");
        assert_eq!(outer.call(&mut store, 0).ok(), Some(8));
        assert_unwound(&store);
        assert_eq!(tail.call(&mut store, 0).ok(), Some(7));
        assert_unwound(&store);
        assert!(matches!(outer.call(&mut store, 1), Err(Error::Type(_))));
        assert_unwound(&store);
        assert_eq!(outer.call(&mut store, 2).ok(), Some(10));
        assert_unwound(&store);
        let error = outer.call(&mut store, 3).unwrap_err();
        assert_eq!(error.trap_code(), Some(TrapCode::Unreachable));
        // The backtrace spans the wasm frames on both sides of the host call.
        let trap = error.as_trap().expect("trap");
        let names: Vec<u32> = trap
            .backtrace()
            .frames()
            .iter()
            .map(|frame| frame.func_index())
            .collect();
        assert_eq!(names, [1, 2]);
        assert_unwound(&store);
    }

    #[test]
    fn runtime_types_are_thread_safe() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Engine>();
        send_sync::<Module>();
        send_sync::<Store<()>>();
        send_sync::<Linker<()>>();
        send_sync::<Error>();
    }
}
