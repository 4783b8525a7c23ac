//! The moves, spills and reloads the register allocator inserted. Spill
//! slots are 8 bytes and hold a whole `x` or `d` register, whatever the
//! value's width.

use zwasm_regalloc::{Location, Move, RegClass};

use crate::inst::*;
use crate::lower::ctx::{Lowerer, X16};
use crate::lower::error::LowerError;
use crate::regs::{FpSize, GprOrSp, OperandSize};

impl Lowerer<'_> {
    pub fn emit_move(&mut self, mv: Move) -> Result<(), LowerError> {
        let int = mv.class == RegClass::Int;
        match (mv.from, mv.to) {
            (Location::Reg(from), Location::Reg(to)) if int => {
                let (from, to) = (self.gpr_of(from)?, self.gpr_of(to)?);
                self.emit(Inst::mov(OperandSize::Size64, to.into(), from.into()))
            }
            (Location::Reg(from), Location::Reg(to)) => {
                let (from, to) = (self.fpr_of(from)?, self.fpr_of(to)?);
                self.emit(Inst::FpuRR {
                    op: FpuOp1::Mov,
                    size: FpSize::Double,
                    rd: to,
                    rn: from,
                })
            }
            (Location::Reg(from), Location::Stack(slot)) => {
                let offset = self.frame.spill_offset(slot);
                if int {
                    let rt = self.gpr_of(from)?;
                    self.store(StoreOp::StrX, rt.into(), GprOrSp::Sp, offset, X16)
                } else {
                    let rt = self.fpr_of(from)?;
                    self.fp_store(FpSize::Double, rt, GprOrSp::Sp, offset, X16)
                }
            }
            (Location::Stack(slot), Location::Reg(to)) => {
                let offset = self.frame.spill_offset(slot);
                if int {
                    let rt = self.gpr_of(to)?;
                    self.load(LoadOp::LdrX, rt, GprOrSp::Sp, offset)
                } else {
                    let rt = self.fpr_of(to)?;
                    self.fp_load(FpSize::Double, rt, GprOrSp::Sp, offset, X16)
                }
            }
            (Location::Stack(_), Location::Stack(_)) => {
                Err(self.alloc_error("a move from stack slot to stack slot"))
            }
        }
    }
}
