//! Integer arithmetic, logic, shifts, bit counts, compares and extensions.
//! i32 operations use `w` registers (which zero the upper half), i64 and
//! references `x` registers.

use zwasm_ir_reg::IntCC;

use crate::cond::Cond;
use crate::imms::{Imm12, Nzcv, UImm5};
use crate::inst::*;
use crate::lower::abi::TrapCode;
use crate::lower::ctx::{Lowerer, X16};
use crate::lower::error::LowerError;
use crate::regs::{FpSize, OperandSize};

/// A two-operand integer operation that maps onto one instruction (or, for
/// `rotl`, a negation and a rotate).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IntBinary {
    Add,
    Sub,
    Mul,
    And,
    Or,
    Xor,
    Shl,
    ShrS,
    ShrU,
    Rotl,
    Rotr,
}

/// A one-operand integer operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IntUnary {
    Clz,
    Ctz,
    Popcnt,
    /// Sign-extend the low 8, 16 or 32 bits.
    SignExtend(u8),
    /// Keep the low 32 bits (`wrap`, `extend_i32_u`).
    ZeroExtend32,
}

/// The flags condition for an integer compare.
pub(crate) fn int_cond(cc: IntCC) -> Cond {
    match cc {
        IntCC::Eq => Cond::Eq,
        IntCC::Ne => Cond::Ne,
        IntCC::LtS => Cond::Lt,
        IntCC::LtU => Cond::LO,
        IntCC::GtS => Cond::Gt,
        IntCC::GtU => Cond::Hi,
        IntCC::LeS => Cond::Le,
        IntCC::LeU => Cond::Ls,
        IntCC::GeS => Cond::Ge,
        IntCC::GeU => Cond::HS,
    }
}

impl Lowerer<'_> {
    pub fn lower_int_binary(&mut self, op: IntBinary, size: OperandSize) -> Result<(), LowerError> {
        let (rn, rm, rd) = (self.arg_gpr(0)?, self.arg_gpr(1)?, self.result_gpr(0)?);
        let (rn, rm, rd) = (rn.into(), rm.into(), rd.into());
        let logic = |op: LogicOp| Inst::LogicShifted {
            op,
            size,
            rd,
            rn,
            rm,
            shift: ShiftOp::Lsl,
            amount: 0,
        };
        let shift = |op: DataProc2Op| Inst::DataProc2 {
            op,
            size,
            rd,
            rn,
            rm,
        };
        let inst = match op {
            IntBinary::Add => Inst::add_sub(AddSubOp::Add, false, size, rd, rn, rm),
            IntBinary::Sub => Inst::add_sub(AddSubOp::Sub, false, size, rd, rn, rm),
            IntBinary::Mul => Inst::mul(size, rd, rn, rm),
            IntBinary::And => logic(LogicOp::And),
            IntBinary::Or => logic(LogicOp::Orr),
            IntBinary::Xor => logic(LogicOp::Eor),
            IntBinary::Shl => shift(DataProc2Op::Lslv),
            IntBinary::ShrS => shift(DataProc2Op::Asrv),
            IntBinary::ShrU => shift(DataProc2Op::Lsrv),
            IntBinary::Rotr => shift(DataProc2Op::Rorv),
            IntBinary::Rotl => {
                // Rotating left by n is rotating right by -n (mod width).
                self.emit(Inst::neg(size, X16.into(), rm))?;
                Inst::DataProc2 {
                    op: DataProc2Op::Rorv,
                    size,
                    rd,
                    rn,
                    rm: X16.into(),
                }
            }
        };
        self.emit(inst)
    }

    pub fn lower_int_unary(&mut self, op: IntUnary, size: OperandSize) -> Result<(), LowerError> {
        let (rn, rd) = (self.arg_gpr(0)?, self.result_gpr(0)?);
        let invalid = || self.malformed(format!("no {op:?} of {} bits", size.bits()));
        let inst = match op {
            IntUnary::Clz => Inst::DataProc1 {
                op: DataProc1Op::Clz,
                size,
                rd: rd.into(),
                rn: rn.into(),
            },
            IntUnary::Ctz => {
                self.emit(Inst::DataProc1 {
                    op: DataProc1Op::Rbit,
                    size,
                    rd: X16.into(),
                    rn: rn.into(),
                })?;
                Inst::DataProc1 {
                    op: DataProc1Op::Clz,
                    size,
                    rd: rd.into(),
                    rn: X16.into(),
                }
            }
            IntUnary::Popcnt => {
                // `cnt` counts per byte on a vector register, `addv` sums.
                let temp = self.temp_fpr(0)?;
                let fp = match size {
                    OperandSize::Size32 => FpSize::Single,
                    OperandSize::Size64 => FpSize::Double,
                };
                self.emit(Inst::FmovFromGpr {
                    size: fp,
                    rd: temp,
                    rn: rn.into(),
                })?;
                self.emit(Inst::Cnt8b { rd: temp, rn: temp })?;
                self.emit(Inst::Addv8b { rd: temp, rn: temp })?;
                Inst::FmovToGpr {
                    size: FpSize::Single,
                    rd: rd.into(),
                    rn: temp,
                }
            }
            IntUnary::SignExtend(bits) => {
                Inst::sign_extend(size, rd.into(), rn.into(), bits).ok_or_else(invalid)?
            }
            IntUnary::ZeroExtend32 => Inst::mov(OperandSize::Size32, rd.into(), rn.into()),
        };
        self.emit(inst)
    }

    /// `cmp` then `cset`.
    pub fn lower_int_compare(&mut self, cc: IntCC, size: OperandSize) -> Result<(), LowerError> {
        let (rn, rm, rd) = (self.arg_gpr(0)?, self.arg_gpr(1)?, self.result_gpr(0)?);
        self.emit(Inst::cmp(size, rn.into(), rm.into()))?;
        self.cset(rd, int_cond(cc))
    }

    /// `eqz` (and `ref.is_null`): compare with zero.
    pub fn lower_eqz(&mut self, size: OperandSize) -> Result<(), LowerError> {
        let (rn, rd) = (self.arg_gpr(0)?, self.result_gpr(0)?);
        self.emit(Inst::cmp_imm(size, rn.into(), Imm12::ZERO))?;
        self.cset(rd, Cond::Eq)
    }

    pub fn cset(&mut self, rd: crate::regs::Gpr, cond: Cond) -> Result<(), LowerError> {
        let inst = Inst::cset(OperandSize::Size32, rd.into(), cond)
            .ok_or_else(|| self.malformed("cset of an always condition"))?;
        self.emit(inst)
    }

    /// Division and remainder with wasm's traps: by zero always, and
    /// `MIN / -1` for signed division (signed remainder gives 0 there,
    /// which `sdiv` + `msub` computes naturally).
    pub fn lower_int_div(
        &mut self,
        signed: bool,
        remainder: bool,
        size: OperandSize,
    ) -> Result<(), LowerError> {
        let (rn, rm, rd) = (self.arg_gpr(0)?, self.arg_gpr(1)?, self.result_gpr(0)?);
        let by_zero = self.trap_label(crate::lower::ctx::StubCode::Static(
            TrapCode::IntegerDivisionByZero,
        ));
        self.branch_zero(false, size, rm, by_zero)?;
        let op = if signed {
            DataProc2Op::Sdiv
        } else {
            DataProc2Op::Udiv
        };
        if signed && !remainder {
            // Z iff rm == -1; then V iff rn - 1 overflows, i.e. rn == MIN.
            let one = Imm12::new(1).ok_or_else(|| self.malformed("imm"))?;
            self.emit(Inst::cmn_imm(size, rm.into(), one))?;
            let one5 = UImm5::new(1).ok_or_else(|| self.malformed("imm"))?;
            self.emit(Inst::CondCompare {
                negate: false,
                size,
                rn: rn.into(),
                rhs: CondCompareRhs::Imm(one5),
                nzcv: Nzcv::from_flags(false, false, false, false),
                cond: Cond::Eq,
            })?;
            self.trap_if(Cond::Vs, TrapCode::IntegerOverflow)?;
        }
        if !remainder {
            return self.emit(Inst::DataProc2 {
                op,
                size,
                rd: rd.into(),
                rn: rn.into(),
                rm: rm.into(),
            });
        }
        self.emit(Inst::DataProc2 {
            op,
            size,
            rd: X16.into(),
            rn: rn.into(),
            rm: rm.into(),
        })?;
        self.emit(Inst::MulAdd {
            op: MulAddOp::Msub,
            size,
            rd: rd.into(),
            rn: X16.into(),
            rm: rm.into(),
            ra: rn.into(),
        })
    }

    pub fn lower_int_const(&mut self, value: u64, size: OperandSize) -> Result<(), LowerError> {
        let rd = self.result_gpr(0)?;
        self.load_const(rd, value, size)
    }
}
