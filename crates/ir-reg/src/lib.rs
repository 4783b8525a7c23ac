//! ir-reg: an SSA register IR for WebAssembly function bodies.
//!
//! A [`RegFunction`] is a CFG of basic blocks with block parameters; values
//! are typed virtual registers; instructions are three-address
//! (`v7 = i32.add v3, v5`) and every block ends in exactly one terminator
//! (`jump`, `br_if`, `br_table`, `return`, `trap`, a tail call, or a fused
//! compare-and-branch). [`RegBuilder`] builds it in the same pass as
//! validation, by abstract interpretation of the operand stack and SSA
//! construction for locals; [`passes`] optimise it; [`verify()`] checks it; and
//! [`RegFunction::display`] dumps it as text. Design notes:
//! `docs/decisions/0003-ir-reg.md`.

mod build;
mod cfg;
mod display;
mod entities;
mod eval;
mod function;
mod ops;
mod osr;
pub mod passes;
mod signature;
pub mod verify;

pub use build::{NotLowered, RegBuilder, build, compile_module, straight_line_opcode};
pub use cfg::{Cfg, DomTree, PredEdge};
pub use display::display_module;
pub use entities::{Block, BlockCall, BlockCallList, Inst, Value, ValueList};
pub use function::{BlockData, InstData, RegFunction, ValueData, ValueDef};
pub use ops::{
    Effects, FixedSignature, FloatCC, IntCC, MemArg, Opcode, OperandType, TargetCount, TrapCode,
};
pub use osr::{OsrError, OsrVariant, osr_variant};
pub use verify::{VerifyError, verify};
/// The decoder's types that ir-reg values and immediates use.
pub use zwasm_decode::{RefType, ValType};
