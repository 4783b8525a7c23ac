//! zwasm-regalloc: register allocation of ir-reg functions with
//! [regalloc2](https://docs.rs/regalloc2), for a [`TargetDesc`] (AArch64
//! first).
//!
//! [`Allocator::allocate`] presents a `zwasm_ir_reg::RegFunction` to
//! regalloc2 (Ion or Fastalloc), with operand constraints from the target's
//! calling convention, and returns an [`Allocated`]: a [`Location`] per
//! operand, the inserted moves, the spill-slot count, the callee-saved
//! registers the prologue must save, and timing. [`Allocated::display`]
//! prints the ir-reg dump annotated with all of it. Design notes and the
//! calling convention: `docs/decisions/0005-regalloc-and-calling-convention.md`.
//!
//! ```
//! use zwasm_regalloc::{Algorithm, Allocator, TargetDesc};
//!
//! let wasm = wat::parse_str(
//!     "(module (func (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))",
//! )
//! .unwrap();
//! let (module, mut functions) =
//!     zwasm_ir_reg::compile_module(&wasm, &zwasm_validate::Features::default()).unwrap();
//! let target = TargetDesc::aarch64();
//! let mut allocator = Allocator::new();
//! for func in &mut functions {
//!     zwasm_ir_reg::passes::run_default(func);
//!     let allocated = allocator
//!         .allocate(func, &module, &target, Algorithm::Ion)
//!         .unwrap();
//!     println!("{}", allocated.display(func, &module));
//! }
//! ```

mod adapter;
mod allocate;
mod display;
mod error;
mod operands;
mod output;
mod target;

pub use allocate::{Allocator, allocate};
pub use display::{display_module, display_stats};
pub use error::RegallocError;
pub use operands::OperandRole;
pub use output::{
    Algorithm, AllocStats, Allocated, AllocatedOperand, BlockItems, EditPoint,
    ION_MAX_BLOCK_PARAMS, ION_MAX_VALUES, LayoutItem, Location, Move, MoveKind, Position,
};
/// regalloc2's register types, which [`Location`]s and [`TargetDesc`]s use.
pub use regalloc2::{PReg, PRegSet, RegClass};
pub use target::{
    ArgLocation, CallConv, RegNames, RuntimeCallFn, SPILL_SLOT_BYTES, TargetDesc, TempsFn,
    ValueSide, class_of, stack_slots,
};
