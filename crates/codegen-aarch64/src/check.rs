//! Constraints between fields that the operand types alone cannot express
//! (they depend on the operand size or on the operation).

use std::fmt;

use crate::inst::{DataProc1Op, Inst, VecShiftOp};
use crate::regs::OperandSize;

/// Why an [`Inst`] has no valid encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvalidInst {
    /// A register shift or `extr` position is not below the operand width.
    ShiftAmount {
        /// The amount given.
        amount: u8,
        /// The operand width in bits.
        width: u32,
    },
    /// An extended-register shift is above 4.
    ExtendAmount(u8),
    /// A 32-bit `movz`/`movn`/`movk` can only shift by 0 or 16.
    MoveWideShift(u8),
    /// `rev32` exists only for 64-bit operands.
    Rev32Of32Bits,
    /// A vector shift amount is outside the range of its operation and lanes.
    VectorShiftAmount(u8),
}

impl fmt::Display for InvalidInst {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidInst::ShiftAmount { amount, width } => {
                write!(
                    f,
                    "shift amount {amount} is not below the operand width {width}"
                )
            }
            InvalidInst::ExtendAmount(amount) => {
                write!(f, "extended-register shift {amount} is above 4")
            }
            InvalidInst::MoveWideShift(shift) => {
                write!(f, "32-bit move-wide cannot shift by {shift}")
            }
            InvalidInst::Rev32Of32Bits => f.write_str("rev32 needs 64-bit operands"),
            InvalidInst::VectorShiftAmount(amount) => {
                write!(f, "vector shift amount {amount} is out of range")
            }
        }
    }
}

impl std::error::Error for InvalidInst {}

fn below_width(amount: u8, size: OperandSize) -> Result<(), InvalidInst> {
    if u32::from(amount) < size.bits() {
        Ok(())
    } else {
        Err(InvalidInst::ShiftAmount {
            amount,
            width: size.bits(),
        })
    }
}

fn extend_amount(amount: u8) -> Result<(), InvalidInst> {
    if amount <= 4 {
        Ok(())
    } else {
        Err(InvalidInst::ExtendAmount(amount))
    }
}

impl Inst {
    /// Checks the constraints between fields; `Ok` means [`Inst::encode`]
    /// gives the instruction the fields describe.
    pub fn check(&self) -> Result<(), InvalidInst> {
        match *self {
            Inst::AddSubShifted { size, amount, .. } | Inst::LogicShifted { size, amount, .. } => {
                below_width(amount, size)
            }
            Inst::Extr { size, lsb, .. } => below_width(lsb, size),
            Inst::AddSubExtended { amount, .. } | Inst::AddSubExtendedSetFlags { amount, .. } => {
                extend_amount(amount)
            }
            Inst::MoveWide {
                size: OperandSize::Size32,
                imm,
                ..
            } if imm.shift() >= 32 => Err(InvalidInst::MoveWideShift(imm.shift())),
            Inst::DataProc1 {
                op: DataProc1Op::Rev32,
                size: OperandSize::Size32,
                ..
            } => Err(InvalidInst::Rev32Of32Bits),
            Inst::VecShiftImm {
                op, lanes, amount, ..
            } => {
                let lane_bits = lanes.lane_bits();
                let amount_bits = u32::from(amount);
                let in_range = match op {
                    VecShiftOp::Ushr => (1..=lane_bits).contains(&amount_bits),
                    VecShiftOp::Sli => amount_bits < lane_bits,
                };
                if in_range {
                    Ok(())
                } else {
                    Err(InvalidInst::VectorShiftAmount(amount))
                }
            }
            _ => Ok(()),
        }
    }
}
