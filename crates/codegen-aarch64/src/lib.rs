//! The AArch64 instruction layer of zwasm's JIT tier.
//!
//! [`Inst`] is one machine instruction in the architecture's canonical
//! form, with checked operands: registers say whether number 31 is the zero
//! register ([`GprOrZr`]) or the stack pointer ([`GprOrSp`]), and immediates
//! ([`Imm12`], [`LogicalImm`], [`MoveWideImm`], [`FpImm8`], offsets, ...)
//! can only hold encodable values. [`Inst::encode`] produces the 32-bit word
//! through pure per-class encoders (the `enc_*` functions in [`encode`]),
//! `Display` prints GNU syntax as objdump does, and [`CodeBuffer`] assembles
//! a function with labels, fixups, jump tables and a literal pool.
//! [`lower`] turns register-allocated ir-reg functions into machine code.

mod aliases;
mod buffer;
mod check;
mod cond;
pub mod encode;
mod encode_inst;
mod fp_imm;
mod imms;
mod inst;
mod load_constant;
mod logical_imm;
pub mod lower;
mod offsets;
mod print;
mod regs;
#[cfg(feature = "trace")]
#[doc(hidden)]
pub mod trace;

pub use buffer::{BufferError, CodeBuffer, Label};
pub use check::InvalidInst;
pub use cond::Cond;
pub use fp_imm::FpImm8;
pub use imms::{
    BitIndex, BitfieldImm, Imm12, MoveWideImm, Nzcv, PairIndex, SImm9, ScaledIndex, UImm5,
};
pub use inst::*;
pub use load_constant::load_constant;
pub use logical_imm::LogicalImm;
pub use offsets::{AdrOffset, AdrpOffset, BranchOffset14, BranchOffset19, BranchOffset26};
pub use print::InstAt;
pub use regs::{FpSize, Gpr, GprOrSp, GprOrZr, OperandSize, VReg};
