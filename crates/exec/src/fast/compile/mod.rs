//! Translation of one function into the fast tier: ir-reg (built from the
//! body, then optimised by `passes::run_default`), slot allocation over its
//! live ranges, emission, and a final check of what the dispatcher assumes.

mod alloc;
mod analyze;
mod emit;
mod forms;
mod liveness;
mod moves;
mod verify;

use std::fmt;

use zwasm_decode::Module;
use zwasm_ir_reg::{Cfg, RegFunction};
use zwasm_validate::ValidateError;

use crate::fast::code::{FastFunc, Slot};
use alloc::{Hints, allocate};
use analyze::Analysis;
use emit::Emitter;
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

/// Translates `func` (optimised ir-reg of a function of `module`).
pub(crate) fn lower(func: &RegFunction, module: &Module) -> Result<FastFunc, CompileError> {
    let func_index = func.func_index();
    let ty = module
        .types
        .get(func.type_index() as usize)
        .ok_or_else(|| CompileError::Internal {
            func: func_index,
            message: "function type out of range".into(),
        })?;
    let analysis = Analysis::run(func);
    let cfg = Cfg::new(func);
    let live = Liveness::compute(func, &cfg, &analysis);
    let hints = Hints::compute(func, &analysis);
    let allocation = allocate(func, &analysis, &live, &hints);
    // One more slot for breaking cycles of edge moves.
    let scratch = allocation.frame_size as usize;
    if scratch >= Slot::MAX as usize {
        return Err(CompileError::FrameTooLarge {
            func: func_index,
            slots: scratch + 1,
        });
    }
    let emitted =
        Emitter::new(func, module, &analysis, &allocation.slots, scratch as Slot).run()?;
    let frame_size = allocation.frame_size + u32::from(emitted.used_scratch);
    let params = ty.params.len() as u32;
    let results = ty.results.len() as u32;
    let extent = (frame_size + emitted.max_out).max(params).max(results);
    let fast = FastFunc {
        code: emitted.code.into_boxed_slice(),
        offsets: emitted.offsets.into_boxed_slice(),
        lists: emitted.lists.into_boxed_slice(),
        targets: emitted.targets.into_boxed_slice(),
        imms: emitted.imms.into_boxed_slice(),
        frame_size,
        extent,
        params,
        results,
    };
    verify::check(&fast).map_err(|message| CompileError::Internal {
        func: func_index,
        message,
    })?;
    Ok(fast)
}
