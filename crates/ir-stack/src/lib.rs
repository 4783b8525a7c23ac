//! ir-stack: a compact, validated stack IR for WebAssembly function bodies.
//!
//! [`Translator`] validates a function body and translates it in the same pass
//! into a flat [`Op`] sequence with resolved branches (see [`ops`](Op) for the
//! slot conventions); [`compile`] does it for a whole module. [`verify`]
//! re-checks translated code independently and [`Function::display`] dumps it
//! as text.

mod display;
mod function;
mod ops;
mod stack_effect;
mod translate;
mod verify;

pub use display::display_module;
pub use function::Function;
pub use ops::{BrTableRef, BranchTarget, MemArg, Op};
pub use translate::{Translator, compile};
pub use verify::{VerifyError, verify};
