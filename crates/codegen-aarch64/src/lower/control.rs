//! Block terminators: jumps, conditional branches (plain and fused with a
//! compare), `br_table` as a jump table, `return` and `trap`. Edge
//! arguments need no code here: the allocator's moves for them are edits
//! placed before the branch or at the start of the target.

use zwasm_decode::ValType;
use zwasm_ir_reg::{Block, FloatCC, IntCC, TrapCode as IrTrapCode};
use zwasm_regalloc::{ArgLocation, ValueSide};

use crate::buffer::Label;
use crate::cond::Cond;
use crate::imms::Imm12;
use crate::inst::*;
use crate::lower::abi::TrapCode;
use crate::lower::ctx::{Lowerer, StubCode, X16, X17, fp_size, int_size};
use crate::lower::error::LowerError;
use crate::lower::float::float_cond;
use crate::lower::int::int_cond;
use crate::lower::output::Origin;
use crate::regs::{Gpr, GprOrSp, OperandSize};

impl Lowerer<'_> {
    fn target(&self, i: usize) -> Result<(Block, Label), LowerError> {
        let inst = self
            .inst
            .ok_or_else(|| self.alloc_error("no instruction"))?;
        let call = self
            .func
            .inst_targets(inst)
            .get(i)
            .ok_or_else(|| self.malformed(format!("inst{} has no target {i}", inst.0)))?;
        Ok((call.block, self.block_label(call.block)?))
    }

    /// `b` to the target unless it is the next block in layout.
    fn jump_unless_next(
        &mut self,
        block: Block,
        label: Label,
        next: Option<Block>,
    ) -> Result<(), LowerError> {
        if Some(block) == next {
            Ok(())
        } else {
            self.jump(label)
        }
    }

    pub fn lower_jump(&mut self, next: Option<Block>) -> Result<(), LowerError> {
        let (block, label) = self.target(0)?;
        self.jump_unless_next(block, label, next)
    }

    /// A two-way branch on `cond` (set by the caller's compare): target 0
    /// when it holds, target 1 otherwise.
    fn two_way(&mut self, cond: Cond, next: Option<Block>) -> Result<(), LowerError> {
        let (then_block, then_label) = self.target(0)?;
        let (else_block, else_label) = self.target(1)?;
        if Some(then_block) == next {
            self.branch_if(cond.invert(), else_label)
        } else {
            self.branch_if(cond, then_label)?;
            self.jump_unless_next(else_block, else_label, next)
        }
    }

    /// `br_if` (target 0 when nonzero) and `br_eqz` (target 0 when zero):
    /// `cbnz`/`cbz`.
    pub fn lower_branch_zero(
        &mut self,
        taken_if_zero: bool,
        next: Option<Block>,
    ) -> Result<(), LowerError> {
        let value = self.arg_gpr(0)?;
        let size = match self.arg_type(0)? {
            ValType::I32 => OperandSize::Size32,
            _ => OperandSize::Size64,
        };
        let (then_block, then_label) = self.target(0)?;
        let (else_block, else_label) = self.target(1)?;
        if Some(then_block) == next {
            self.branch_zero(taken_if_zero, size, value, else_label)
        } else {
            self.branch_zero(!taken_if_zero, size, value, then_label)?;
            self.jump_unless_next(else_block, else_label, next)
        }
    }

    pub fn lower_branch_icmp(&mut self, cc: IntCC, next: Option<Block>) -> Result<(), LowerError> {
        let (rn, rm) = (self.arg_gpr(0)?, self.arg_gpr(1)?);
        let size = int_size(self.arg_type(0)?);
        self.emit(Inst::cmp(size, rn.into(), rm.into()))?;
        self.two_way(int_cond(cc), next)
    }

    pub fn lower_branch_fcmp(
        &mut self,
        cc: FloatCC,
        next: Option<Block>,
    ) -> Result<(), LowerError> {
        let (rn, rm) = (self.arg_fpr(0)?, self.arg_fpr(1)?);
        let size = fp_size(self.arg_type(0)?);
        self.emit(Inst::Fcmp {
            size,
            rn,
            rhs: FcmpRhs::Reg(rm),
        })?;
        // Inverting the condition code is inverting the compare, NaNs
        // included: the else edge is taken exactly when the compare is false.
        self.two_way(float_cond(cc), next)
    }

    /// `br_table`: a bounds check to the default, then a jump table of
    /// 32-bit offsets from its start.
    pub fn lower_br_table(&mut self) -> Result<(), LowerError> {
        let inst = self
            .inst
            .ok_or_else(|| self.alloc_error("no instruction"))?;
        let index = self.arg_gpr(0)?;
        let count = self.func.inst_targets(inst).len();
        let (_, default) = self.target(count.saturating_sub(1))?;
        let cases = count.saturating_sub(1);
        if cases == 0 {
            return self.jump(default);
        }
        match Imm12::new(cases as u64) {
            Some(imm) => self.emit(Inst::cmp_imm(OperandSize::Size32, index.into(), imm))?,
            None => {
                self.load_const(X16, cases as u64, OperandSize::Size32)?;
                self.emit(Inst::cmp(OperandSize::Size32, index.into(), X16.into()))?;
            }
        }
        self.branch_if(Cond::HS, default)?;
        let table = self.new_label();
        self.emit_to(
            Inst::Adr {
                rd: X16.into(),
                offset: crate::offsets::AdrOffset::ZERO,
            },
            table,
        )?;
        self.emit(Inst::Load {
            op: LoadOp::Ldrsw,
            rt: X17.into(),
            addr: AddrMode::RegOffset {
                rn: X16.into(),
                rm: index.into(),
                extend: IndexExtend::Uxtw,
                scaled: true,
            },
        })?;
        self.emit(Inst::add_sub(
            AddSubOp::Add,
            false,
            OperandSize::Size64,
            X16.into(),
            X16.into(),
            X17.into(),
        ))?;
        self.emit(Inst::Br { rn: X16 })?;
        let labels = (0..cases)
            .map(|i| self.target(i).map(|(_, label)| label))
            .collect::<Result<Vec<Label>, LowerError>>()?;
        self.mark(Origin::Data);
        self.bind(table)?;
        self.emit_jump_table(&labels)
    }

    /// `return`: stack results into the caller's area, then the epilogue.
    pub fn lower_return(&mut self) -> Result<(), LowerError> {
        let inst = self
            .inst
            .ok_or_else(|| self.alloc_error("no instruction"))?;
        let types: Vec<ValType> = self
            .func
            .inst_args(inst)
            .iter()
            .map(|&value| self.func.value_type(value))
            .collect();
        let locations: Vec<ArgLocation> = self
            .cc
            .assign(ValueSide::Results, types.iter().copied())
            .collect();
        for (i, location) in locations.into_iter().enumerate() {
            if let ArgLocation::Stack(k) = location {
                let from = self.arg_location(i)?;
                let to = self.frame.incoming_offset(k);
                self.copy_to_frame_slot(from, GprOrSp::Gpr(Gpr::FP), to)?;
            }
        }
        self.emit_epilogue()?;
        self.emit(Inst::ret())
    }

    pub fn lower_trap(&mut self, code: IrTrapCode) -> Result<(), LowerError> {
        let code = match code {
            IrTrapCode::Unreachable => TrapCode::Unreachable,
        };
        self.emit_trap_call(StubCode::Static(code))
    }
}
