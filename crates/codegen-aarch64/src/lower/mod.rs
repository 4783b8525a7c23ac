//! Lowering of register-allocated ir-reg to AArch64 machine code.
//!
//! [`lower_function`] walks the blocks in layout order and, per block, the
//! items of `Allocated::block_items` (entry, instructions, the allocator's
//! moves), emitting each through the instruction layer. The result is a
//! [`CompiledCode`]: bytes, relocations for direct calls, a trap table, call
//! sites, the frame layout and a source map back to ir-reg.
//!
//! The binary contract with the runtime (`VMContext`, `VmRuntime`, helper
//! table, trap codes, frame layout) is in [`abi`]; the design, including the
//! calling convention and the bounds-check modes, in
//! `docs/decisions/0007-aarch64-jit.md`. [`disasm`] prints compiled code
//! with the ir-reg instruction each range came from (`zwasm dump --stage
//! asm`); [`trampoline`] builds the host-to-JIT entry trampoline.

pub mod abi;
mod call;
mod control;
mod convert;
mod ctx;
pub mod disasm;
mod error;
mod float;
mod frame;
mod int;
mod memory;
mod moves;
mod output;
mod state;
pub mod trampoline;
mod trap_path;

use zwasm_decode::Module;
use zwasm_ir_reg::{Block, Inst as IrInst, Opcode, RegFunction};
use zwasm_regalloc::{Allocated, LayoutItem, TargetDesc};

pub use error::LowerError;
pub use output::{
    CallSite, CompiledCode, FrameInfo, Origin, RelocKind, Relocation, SourceRange, TrapSite,
    TrapSiteKind,
};

use crate::inst::{LoadOp, StoreOp};
use crate::regs::{FpSize, OperandSize};
use abi::RuntimeHelper;
use convert::Truncation;
use ctx::Lowerer;
use float::{FloatBinary, FloatUnary};
use frame::FrameLayout;
use int::{IntBinary, IntUnary};
use memory::Access;

/// How memory accesses are kept inside their memory.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum BoundsChecks {
    /// Compare every access with the memory's length.
    #[default]
    Explicit,
    /// For 32-bit memories, rely on a reservation of 4 GiB plus
    /// `guard_bytes` of inaccessible address space after the base: accesses
    /// whose offset + size fit the guard are not checked, and a fault at a
    /// recorded trap site becomes an out-of-bounds trap. 64-bit memories and
    /// larger offsets are checked explicitly.
    GuardPages {
        /// Bytes of guard region after the 4 GiB.
        guard_bytes: u64,
    },
}

/// Code generation choices.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct LowerOptions {
    /// The bounds-check mode.
    pub bounds_checks: BoundsChecks,
    /// Replace every NaN produced by float arithmetic with the canonical
    /// NaN (deterministic results, at a cost of three instructions).
    pub canonicalize_nans: bool,
}

/// Lowers one allocated function of `module`.
pub fn lower_function(
    func: &RegFunction,
    module: &Module,
    alloc: &Allocated,
    options: &LowerOptions,
) -> Result<CompiledCode, LowerError> {
    let target = TargetDesc::aarch64();
    let cc = target.call_conv();
    let frame =
        FrameLayout::new(func, module, alloc, cc).map_err(|message| LowerError::Malformed {
            func: func.func_index(),
            message,
        })?;
    let mut lo = Lowerer::new(func, module, alloc, options, cc, frame);
    lo.mark(Origin::Prologue);
    lo.emit_prologue()?;
    let blocks = func.num_blocks();
    let mut block_offsets = Vec::with_capacity(blocks);
    for block in func.blocks() {
        let label = lo.block_label(block)?;
        lo.bind(label)?;
        block_offsets.push(lo.offset());
        let next = (block.index() + 1 < blocks).then(|| Block(block.0 + 1));
        for item in alloc.block_items(func, block) {
            match item {
                LayoutItem::Entry => {
                    lo.mark(Origin::Entry);
                    lo.emit_entry()?;
                }
                LayoutItem::Move(mv) => {
                    lo.mark(Origin::Move);
                    lo.emit_move(mv)?;
                }
                LayoutItem::Inst(inst) => {
                    lo.mark(Origin::Inst(inst));
                    lo.inst = Some(inst);
                    lo.lower_inst(inst, next)?;
                    lo.inst = None;
                }
            }
        }
    }
    lo.emit_stubs()?;
    lo.emit_trap_path()?;
    lo.mark(Origin::Data);
    lo.emit_literal_pool()?;
    lo.mark(Origin::Data);
    let buf = std::mem::take(&mut lo.buf);
    let bytes = buf.finish().map_err(|error| LowerError::Buffer {
        func: func.func_index(),
        error,
    })?;
    let mut traps = lo.traps;
    traps.sort_by_key(|site| site.offset);
    Ok(CompiledCode {
        func_index: func.func_index(),
        bytes,
        relocations: lo.relocations,
        traps,
        call_sites: lo.call_sites,
        frame: FrameInfo {
            body_bytes: lo.frame.body_bytes,
            spill_slots: lo.frame.spill_slots,
            outgoing_bytes: lo.frame.outgoing_bytes,
            callee_saved: lo.frame.callee_saved.clone(),
        },
        block_offsets,
        source_map: lo.source_map,
    })
}

impl Lowerer<'_> {
    fn lower_inst(&mut self, inst: IrInst, next: Option<Block>) -> Result<(), LowerError> {
        use Opcode as O;
        use OperandSize::{Size32 as W, Size64 as X};
        let (s, d) = (FpSize::Single, FpSize::Double);
        let trunc = |from, signed, to| Truncation { from, signed, to };
        match self.func.opcode(inst) {
            // --- terminators ---
            O::Jump => self.lower_jump(next),
            O::BrIf => self.lower_branch_zero(false, next),
            O::BrEqz => self.lower_branch_zero(true, next),
            O::BrTable => self.lower_br_table(),
            O::BrIcmp { cond } => self.lower_branch_icmp(cond, next),
            O::BrFcmp { cond } => self.lower_branch_fcmp(cond, next),
            O::Return => self.lower_return(),
            O::Trap { code } => self.lower_trap(code),
            opcode @ (O::ReturnCall { .. } | O::ReturnCallIndirect { .. }) => {
                self.lower_tail_call(opcode)
            }
            // --- calls ---
            opcode @ (O::Call { .. } | O::CallIndirect { .. }) => self.lower_call(opcode),
            // --- parametric ---
            O::Copy => self.lower_copy(),
            O::Select => self.lower_select(),
            // --- globals ---
            O::GlobalGet { global } => self.lower_global_get(global),
            O::GlobalSet { global } => self.lower_global_set(global),
            // --- tables ---
            O::TableGet { table } => self.lower_table_get(table),
            O::TableSet { table } => self.lower_table_set(table),
            O::TableSize { table } => self.lower_table_size(table),
            O::TableGrow { table } => self.lower_runtime_call(RuntimeHelper::TableGrow, &[table]),
            O::TableFill { table } => self.lower_runtime_call(RuntimeHelper::TableFill, &[table]),
            O::TableCopy { dst, src } => {
                self.lower_runtime_call(RuntimeHelper::TableCopy, &[dst, src])
            }
            O::TableInit { elem, table } => {
                self.lower_runtime_call(RuntimeHelper::TableInit, &[elem, table])
            }
            O::ElemDrop { elem } => self.lower_runtime_call(RuntimeHelper::ElemDrop, &[elem]),
            // --- memories ---
            O::MemorySize { memory } => self.lower_memory_size(memory),
            O::MemoryGrow { memory } => {
                self.lower_runtime_call(RuntimeHelper::MemoryGrow, &[memory])
            }
            O::MemoryFill { memory } => {
                self.lower_runtime_call(RuntimeHelper::MemoryFill, &[memory])
            }
            O::MemoryCopy { dst, src } => {
                self.lower_runtime_call(RuntimeHelper::MemoryCopy, &[dst, src])
            }
            O::MemoryInit { data, memory } => {
                self.lower_runtime_call(RuntimeHelper::MemoryInit, &[data, memory])
            }
            O::DataDrop { data } => self.lower_runtime_call(RuntimeHelper::DataDrop, &[data]),
            // --- constants ---
            O::I32Const { value } => self.lower_int_const(u64::from(value as u32), W),
            O::I64Const { value } => self.lower_int_const(value as u64, X),
            O::F32Const { bits } => self.lower_float_const(u64::from(bits), s),
            O::F64Const { bits } => self.lower_float_const(bits, d),
            // --- references ---
            O::RefNull { .. } => self.lower_ref_null(),
            O::RefIsNull => self.lower_eqz(X),
            O::RefFunc { func } => self.lower_ref_func(func),
            // --- i32 ---
            O::I32Eqz => self.lower_eqz(W),
            opcode @ (O::I32Eq
            | O::I32Ne
            | O::I32LtS
            | O::I32LtU
            | O::I32GtS
            | O::I32GtU
            | O::I32LeS
            | O::I32LeU
            | O::I32GeS
            | O::I32GeU) => self.lower_int_compare(self.int_cc(opcode)?, W),
            O::I32Clz => self.lower_int_unary(IntUnary::Clz, W),
            O::I32Ctz => self.lower_int_unary(IntUnary::Ctz, W),
            O::I32Popcnt => self.lower_int_unary(IntUnary::Popcnt, W),
            O::I32Add => self.lower_int_binary(IntBinary::Add, W),
            O::I32Sub => self.lower_int_binary(IntBinary::Sub, W),
            O::I32Mul => self.lower_int_binary(IntBinary::Mul, W),
            O::I32DivS => self.lower_int_div(true, false, W),
            O::I32DivU => self.lower_int_div(false, false, W),
            O::I32RemS => self.lower_int_div(true, true, W),
            O::I32RemU => self.lower_int_div(false, true, W),
            O::I32And => self.lower_int_binary(IntBinary::And, W),
            O::I32Or => self.lower_int_binary(IntBinary::Or, W),
            O::I32Xor => self.lower_int_binary(IntBinary::Xor, W),
            O::I32Shl => self.lower_int_binary(IntBinary::Shl, W),
            O::I32ShrS => self.lower_int_binary(IntBinary::ShrS, W),
            O::I32ShrU => self.lower_int_binary(IntBinary::ShrU, W),
            O::I32Rotl => self.lower_int_binary(IntBinary::Rotl, W),
            O::I32Rotr => self.lower_int_binary(IntBinary::Rotr, W),
            O::I32Extend8S => self.lower_int_unary(IntUnary::SignExtend(8), W),
            O::I32Extend16S => self.lower_int_unary(IntUnary::SignExtend(16), W),
            // --- i64 ---
            O::I64Eqz => self.lower_eqz(X),
            opcode @ (O::I64Eq
            | O::I64Ne
            | O::I64LtS
            | O::I64LtU
            | O::I64GtS
            | O::I64GtU
            | O::I64LeS
            | O::I64LeU
            | O::I64GeS
            | O::I64GeU) => self.lower_int_compare(self.int_cc(opcode)?, X),
            O::I64Clz => self.lower_int_unary(IntUnary::Clz, X),
            O::I64Ctz => self.lower_int_unary(IntUnary::Ctz, X),
            O::I64Popcnt => self.lower_int_unary(IntUnary::Popcnt, X),
            O::I64Add => self.lower_int_binary(IntBinary::Add, X),
            O::I64Sub => self.lower_int_binary(IntBinary::Sub, X),
            O::I64Mul => self.lower_int_binary(IntBinary::Mul, X),
            O::I64DivS => self.lower_int_div(true, false, X),
            O::I64DivU => self.lower_int_div(false, false, X),
            O::I64RemS => self.lower_int_div(true, true, X),
            O::I64RemU => self.lower_int_div(false, true, X),
            O::I64And => self.lower_int_binary(IntBinary::And, X),
            O::I64Or => self.lower_int_binary(IntBinary::Or, X),
            O::I64Xor => self.lower_int_binary(IntBinary::Xor, X),
            O::I64Shl => self.lower_int_binary(IntBinary::Shl, X),
            O::I64ShrS => self.lower_int_binary(IntBinary::ShrS, X),
            O::I64ShrU => self.lower_int_binary(IntBinary::ShrU, X),
            O::I64Rotl => self.lower_int_binary(IntBinary::Rotl, X),
            O::I64Rotr => self.lower_int_binary(IntBinary::Rotr, X),
            O::I64Extend8S => self.lower_int_unary(IntUnary::SignExtend(8), X),
            O::I64Extend16S => self.lower_int_unary(IntUnary::SignExtend(16), X),
            O::I64Extend32S => self.lower_int_unary(IntUnary::SignExtend(32), X),
            // --- f32 / f64 ---
            opcode @ (O::F32Eq | O::F32Ne | O::F32Lt | O::F32Gt | O::F32Le | O::F32Ge) => {
                self.lower_float_compare(self.float_cc(opcode)?, s)
            }
            opcode @ (O::F64Eq | O::F64Ne | O::F64Lt | O::F64Gt | O::F64Le | O::F64Ge) => {
                self.lower_float_compare(self.float_cc(opcode)?, d)
            }
            O::F32Abs => self.lower_float_unary(FloatUnary::Abs, s),
            O::F32Neg => self.lower_float_unary(FloatUnary::Neg, s),
            O::F32Ceil => self.lower_float_unary(FloatUnary::Ceil, s),
            O::F32Floor => self.lower_float_unary(FloatUnary::Floor, s),
            O::F32Trunc => self.lower_float_unary(FloatUnary::Trunc, s),
            O::F32Nearest => self.lower_float_unary(FloatUnary::Nearest, s),
            O::F32Sqrt => self.lower_float_unary(FloatUnary::Sqrt, s),
            O::F32Add => self.lower_float_binary(FloatBinary::Add, s),
            O::F32Sub => self.lower_float_binary(FloatBinary::Sub, s),
            O::F32Mul => self.lower_float_binary(FloatBinary::Mul, s),
            O::F32Div => self.lower_float_binary(FloatBinary::Div, s),
            O::F32Min => self.lower_float_binary(FloatBinary::Min, s),
            O::F32Max => self.lower_float_binary(FloatBinary::Max, s),
            O::F32Copysign => self.lower_float_binary(FloatBinary::Copysign, s),
            O::F64Abs => self.lower_float_unary(FloatUnary::Abs, d),
            O::F64Neg => self.lower_float_unary(FloatUnary::Neg, d),
            O::F64Ceil => self.lower_float_unary(FloatUnary::Ceil, d),
            O::F64Floor => self.lower_float_unary(FloatUnary::Floor, d),
            O::F64Trunc => self.lower_float_unary(FloatUnary::Trunc, d),
            O::F64Nearest => self.lower_float_unary(FloatUnary::Nearest, d),
            O::F64Sqrt => self.lower_float_unary(FloatUnary::Sqrt, d),
            O::F64Add => self.lower_float_binary(FloatBinary::Add, d),
            O::F64Sub => self.lower_float_binary(FloatBinary::Sub, d),
            O::F64Mul => self.lower_float_binary(FloatBinary::Mul, d),
            O::F64Div => self.lower_float_binary(FloatBinary::Div, d),
            O::F64Min => self.lower_float_binary(FloatBinary::Min, d),
            O::F64Max => self.lower_float_binary(FloatBinary::Max, d),
            O::F64Copysign => self.lower_float_binary(FloatBinary::Copysign, d),
            // --- conversions ---
            O::I32WrapI64 | O::I64ExtendI32U => self.lower_int_unary(IntUnary::ZeroExtend32, X),
            O::I64ExtendI32S => self.lower_int_unary(IntUnary::SignExtend(32), X),
            O::I32TruncF32S => self.lower_trunc(trunc(s, true, W), false),
            O::I32TruncF32U => self.lower_trunc(trunc(s, false, W), false),
            O::I32TruncF64S => self.lower_trunc(trunc(d, true, W), false),
            O::I32TruncF64U => self.lower_trunc(trunc(d, false, W), false),
            O::I64TruncF32S => self.lower_trunc(trunc(s, true, X), false),
            O::I64TruncF32U => self.lower_trunc(trunc(s, false, X), false),
            O::I64TruncF64S => self.lower_trunc(trunc(d, true, X), false),
            O::I64TruncF64U => self.lower_trunc(trunc(d, false, X), false),
            O::I32TruncSatF32S => self.lower_trunc(trunc(s, true, W), true),
            O::I32TruncSatF32U => self.lower_trunc(trunc(s, false, W), true),
            O::I32TruncSatF64S => self.lower_trunc(trunc(d, true, W), true),
            O::I32TruncSatF64U => self.lower_trunc(trunc(d, false, W), true),
            O::I64TruncSatF32S => self.lower_trunc(trunc(s, true, X), true),
            O::I64TruncSatF32U => self.lower_trunc(trunc(s, false, X), true),
            O::I64TruncSatF64S => self.lower_trunc(trunc(d, true, X), true),
            O::I64TruncSatF64U => self.lower_trunc(trunc(d, false, X), true),
            O::F32ConvertI32S => self.lower_int_to_float(true, W, s),
            O::F32ConvertI32U => self.lower_int_to_float(false, W, s),
            O::F32ConvertI64S => self.lower_int_to_float(true, X, s),
            O::F32ConvertI64U => self.lower_int_to_float(false, X, s),
            O::F64ConvertI32S => self.lower_int_to_float(true, W, d),
            O::F64ConvertI32U => self.lower_int_to_float(false, W, d),
            O::F64ConvertI64S => self.lower_int_to_float(true, X, d),
            O::F64ConvertI64U => self.lower_int_to_float(false, X, d),
            O::F32DemoteF64 => self.lower_precision(d),
            O::F64PromoteF32 => self.lower_precision(s),
            O::I32ReinterpretF32 => self.lower_float_to_bits(s),
            O::I64ReinterpretF64 => self.lower_float_to_bits(d),
            O::F32ReinterpretI32 => self.lower_bits_to_float(s),
            O::F64ReinterpretI64 => self.lower_bits_to_float(d),
            // --- loads ---
            O::I32Load { mem } => self.lower_memory_access(mem, Access::Load(LoadOp::LdrW)),
            O::I64Load { mem } => self.lower_memory_access(mem, Access::Load(LoadOp::LdrX)),
            O::F32Load { mem } => self.lower_memory_access(mem, Access::FpLoad(s)),
            O::F64Load { mem } => self.lower_memory_access(mem, Access::FpLoad(d)),
            O::I32Load8S { mem } => self.lower_memory_access(mem, Access::Load(LoadOp::LdrsbW)),
            O::I32Load8U { mem } => self.lower_memory_access(mem, Access::Load(LoadOp::Ldrb)),
            O::I32Load16S { mem } => self.lower_memory_access(mem, Access::Load(LoadOp::LdrshW)),
            O::I32Load16U { mem } => self.lower_memory_access(mem, Access::Load(LoadOp::Ldrh)),
            O::I64Load8S { mem } => self.lower_memory_access(mem, Access::Load(LoadOp::LdrsbX)),
            O::I64Load8U { mem } => self.lower_memory_access(mem, Access::Load(LoadOp::Ldrb)),
            O::I64Load16S { mem } => self.lower_memory_access(mem, Access::Load(LoadOp::LdrshX)),
            O::I64Load16U { mem } => self.lower_memory_access(mem, Access::Load(LoadOp::Ldrh)),
            O::I64Load32S { mem } => self.lower_memory_access(mem, Access::Load(LoadOp::Ldrsw)),
            O::I64Load32U { mem } => self.lower_memory_access(mem, Access::Load(LoadOp::LdrW)),
            // --- stores ---
            O::I32Store { mem } => self.lower_memory_access(mem, Access::Store(StoreOp::StrW)),
            O::I64Store { mem } => self.lower_memory_access(mem, Access::Store(StoreOp::StrX)),
            O::F32Store { mem } => self.lower_memory_access(mem, Access::FpStore(s)),
            O::F64Store { mem } => self.lower_memory_access(mem, Access::FpStore(d)),
            O::I32Store8 { mem } => self.lower_memory_access(mem, Access::Store(StoreOp::Strb)),
            O::I32Store16 { mem } => self.lower_memory_access(mem, Access::Store(StoreOp::Strh)),
            O::I64Store8 { mem } => self.lower_memory_access(mem, Access::Store(StoreOp::Strb)),
            O::I64Store16 { mem } => self.lower_memory_access(mem, Access::Store(StoreOp::Strh)),
            O::I64Store32 { mem } => self.lower_memory_access(mem, Access::Store(StoreOp::StrW)),
        }
    }

    fn int_cc(&self, opcode: Opcode) -> Result<zwasm_ir_reg::IntCC, LowerError> {
        opcode
            .int_compare()
            .ok_or_else(|| self.malformed(format!("{opcode} is not a compare")))
    }

    fn float_cc(&self, opcode: Opcode) -> Result<zwasm_ir_reg::FloatCC, LowerError> {
        opcode
            .float_compare()
            .ok_or_else(|| self.malformed(format!("{opcode} is not a compare")))
    }
}
