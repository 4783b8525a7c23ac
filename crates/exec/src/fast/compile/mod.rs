//! Translation of one function into the fast tier: ir-reg (built from the
//! body, then optimised by `passes::run_default`), slot allocation over its
//! live ranges, emission, and a final check of what the dispatcher assumes.

mod alloc;
mod analyze;
mod decode;
mod direct;
mod emit;
mod finish;
mod forms;
mod liveness;
mod moves;
mod osr;
mod peephole;
mod verify;

use std::fmt;

use zwasm_decode::Module;
use zwasm_ir_reg::{Block, Cfg, RegFunction, Value};
use zwasm_validate::ValidateError;

use crate::fast::code::{FastFunc, Inst, Slot};
use alloc::{Allocation, Hints, allocate};
use analyze::Analysis;
use emit::{Emitted, Emitter};
use liveness::Liveness;

/// Why a function could not be translated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum CompileError {
    /// Re-validating the body failed (only an implementation limit of the
    /// register IR can do this after `Module::new` validated it).
    Validate(ValidateError),
    /// More simultaneously live values than frame slots can address.
    FrameTooLarge { func: u32, slots: usize },
    /// A bug in the translator, caught before the code could run.
    Internal { func: u32, message: String },
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompileError::Validate(error) => error.fmt(f),
            CompileError::FrameTooLarge { func, slots } => write!(
                f,
                "function {func} needs {slots} frame slots; the fast interpreter supports {}",
                Slot::MAX
            ),
            CompileError::Internal { func, message } => {
                write!(
                    f,
                    "fast interpreter: cannot translate function {func}: {message}"
                )
            }
        }
    }
}

impl From<&CompileError> for crate::Error {
    fn from(error: &CompileError) -> Self {
        match error {
            CompileError::Validate(error) => crate::Error::Validate(error.clone()),
            other => crate::Error::Limit(other.to_string()),
        }
    }
}

/// The frame-slot allocation of a function and the analyses it was made
/// from: one computation for [`lower`] and for on-stack entry
/// ([`slots_at_block`]), which must find the slots the running code uses.
struct Frame {
    analysis: Analysis,
    cfg: Cfg,
    live: Liveness,
    allocation: Allocation,
}

impl Frame {
    fn allocate(func: &RegFunction) -> Frame {
        let analysis = Analysis::run(func);
        let cfg = Cfg::new(func);
        let live = Liveness::compute(func, &cfg, &analysis);
        let hints = Hints::compute(func, &analysis);
        let allocation = allocate(func, &analysis, &live, &hints);
        Frame {
            analysis,
            cfg,
            live,
            allocation,
        }
    }
}

/// Translates `func` (optimised ir-reg of a function of `module`);
/// `count_loops` (the tiered engine) starts every loop header with a
/// `LoopHeader` op.
pub(crate) fn lower(
    func: &RegFunction,
    module: &Module,
    count_loops: bool,
) -> Result<FastFunc, CompileError> {
    let func_index = func.func_index();
    let ty = module
        .types
        .get(func.type_index() as usize)
        .ok_or_else(|| CompileError::Internal {
            func: func_index,
            message: "function type out of range".into(),
        })?;
    let Frame {
        analysis,
        cfg,
        allocation,
        ..
    } = Frame::allocate(func);
    // One more slot for breaking cycles of edge moves.
    let scratch = allocation.frame_size as usize;
    if scratch >= Slot::MAX as usize {
        return Err(CompileError::FrameTooLarge {
            func: func_index,
            slots: scratch + 1,
        });
    }
    let mut emitter = Emitter::new(func, module, &analysis, &allocation.slots, scratch as Slot);
    if count_loops {
        emitter.loop_headers = osr::loop_headers(func, &cfg); // TIERING
    }
    let emitted = emitter.run()?;
    let frame_size = allocation.frame_size + u32::from(emitted.used_scratch);
    assemble(
        func_index,
        emitted,
        frame_size,
        ty.params.len(),
        ty.results.len(),
        |_| {},
    )
}

/// The checked `FastFunc` of emitted code whose frame takes `frame_size`
/// slots (either translator's output); `finish_slot` gives each slot operand
/// of the code its final number on the way ([`verify::check`]).
fn assemble(
    func_index: u32,
    emitted: Emitted,
    frame_size: u32,
    params: usize,
    results: usize,
    finish_slot: impl FnMut(&mut Slot),
) -> Result<FastFunc, CompileError> {
    let params = params as u32;
    let results = results as u32;
    let mut extent = (frame_size + emitted.max_out).max(params).max(results);
    if !emitted.loops.is_empty() {
        // TIERING: an on-stack entry hands the results back in the
        // outgoing slots, as a host tail call does.
        extent = extent.max(frame_size + results);
    }
    let mut code = emitted.code;
    peephole::fuse_switch_loads(&mut code);
    let mut fast = FastFunc {
        code: Box::new([]),
        offsets: emitted.offsets.into_boxed_slice(),
        lists: emitted.lists.into_boxed_slice(),
        targets: emitted.targets.into_boxed_slice(),
        imms: emitted.imms.into_boxed_slice(),
        frame_size,
        extent,
        params,
        results,
        loops: emitted.loops.into_boxed_slice(),
        consts: emitted.consts.into_boxed_slice(),
    };
    verify::check(&mut code, &fast, finish_slot).map_err(|message| CompileError::Internal {
        func: func_index,
        message,
    })?;
    fast.code = code.into_iter().map(Inst::new).collect();
    Ok(fast)
}

/// Reused allocations of direct translation ([`translate_direct`]).
pub(crate) use direct::Scratch as DirectScratch;
#[cfg(test)]
pub(crate) use verify::relative_target;
pub(crate) use verify::with_absolute_target;

/// Translates the body of function `func_index` of `module` (decoded from
/// `bytes`, with `features`) straight from wasm into fast-tier code (the
/// interpreter's path). The body is read, not validated again: `Module::new`
/// validated it, and the translator needs no types beyond the module's
/// signatures (what it finds inconsistent is an internal error, never a
/// panic). `Ok(None)`: the function uses something the direct translator
/// leaves to the ir-reg path ([`lower`]).
pub(crate) fn translate_direct(
    scratch: &mut DirectScratch,
    bytes: &[u8],
    module: &Module,
    func_index: u32,
    features: wasmparser::WasmFeatures,
) -> Result<Option<FastFunc>, CompileError> {
    let internal = |message: String| CompileError::Internal {
        func: func_index,
        message,
    };
    let ty = module
        .func_type(func_index)
        .ok_or_else(|| internal("function type out of range".into()))?;
    let (params, results) = (ty.params.len(), ty.results.len());
    let range = module
        .body(func_index)
        .ok_or_else(|| internal("function without a body".into()))?
        .range
        .clone();
    let code = bytes
        .get(range.clone())
        .ok_or_else(|| internal("body out of bounds".into()))?;
    let mut translator =
        direct::DirectTranslator::new(module, scratch, params, results, code.len());
    let read = |error: wasmparser::BinaryReaderError| internal(error.to_string());
    let body = wasmparser::FunctionBody::new(wasmparser::BinaryReader::new_features(
        code,
        range.start as u64,
        features,
    ));
    // `Unsupported` leaves the function to the ir-reg path.
    let stopped = |stop: direct::Stop| match stop {
        direct::Stop::Unsupported => Ok(None),
        direct::Stop::Internal(message) => Err(internal(message.to_string())),
    };
    let mut locals = body.get_locals_reader().map_err(read)?;
    for _ in 0..locals.get_count() {
        let (count, _) = locals.read().map_err(read)?;
        if let Err(stop) = translator.locals(count) {
            return stopped(stop);
        }
    }
    let mut operators = locals.get_binary_reader();
    let memory64 = features.memory64();
    while !operators.eof() {
        let offset = operators.original_position();
        translator.at_offset(offset as usize);
        // The common operators are decoded here, the others by the reader.
        let visited = match decode::visit_common(&mut operators, code, memory64, &mut translator) {
            Ok(Some(step)) => Ok(step),
            Ok(None) => operators.visit_operator(&mut translator),
            Err(error) => Err(error),
        };
        match visited {
            Ok(Ok(())) => {}
            Ok(Err(stop)) => return stopped(stop),
            // The reader visits no SIMD operator (0xfd prefix): those are
            // left to the ir-reg path, as any unsupported operator.
            Err(_) if bytes.get(offset as usize) == Some(&0xfd) => return Ok(None),
            Err(error) => return Err(read(error)),
        }
    }
    let (emitted, frame_size, names) = match translator.finish() {
        Ok(finished) => finished,
        Err(stop) => return stopped(stop),
    };
    assemble(func_index, emitted, frame_size, params, results, |slot| {
        names.rename(slot);
    })
    .map(Some)
}

/// TIERING (issue 5): the frame slots that hold `values` at the start of
/// `header` in the translation of `func` (which must be the one the running
/// code came from). `Some(None)` for a value nothing reads (any bits do);
/// `None` if a value that is read is not kept in a slot there, or if the
/// allocation does not match the running code's `frame_size`.
pub(crate) fn slots_at_block(
    func: &RegFunction,
    header: Block,
    values: &[Value],
    frame_size: u32,
) -> Option<Vec<Option<Slot>>> {
    let Frame {
        analysis,
        live,
        allocation,
        ..
    } = Frame::allocate(func);
    // `lower` may add one scratch slot.
    if frame_size != allocation.frame_size && frame_size != allocation.frame_size + 1 {
        return None;
    }
    let position = 2 * func.block_inst_range(header).start;
    values
        .iter()
        .map(|&value| {
            if !analysis.needs_slot(func, value) {
                return Some(None);
            }
            let slot = *allocation.slots.get(value.index())?;
            let live_here = live
                .ranges(value)
                .iter()
                .any(|&(from, to)| from <= position && position < to);
            if slot == alloc::NO_SLOT || !live_here {
                return None;
            }
            Some(Some(Slot::try_from(slot).ok()?))
        })
        .collect()
}
