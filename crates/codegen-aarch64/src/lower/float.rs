//! Float arithmetic, compares and constants.
//!
//! AArch64 already has wasm's semantics where it matters: `fmin`/`fmax`
//! return NaN if either operand is NaN and order -0 below +0; `fabs`/`fneg`
//! only touch the sign bit (NaN payloads survive, as wasm requires);
//! arithmetic NaN results are quiet. With
//! [`crate::lower::LowerOptions::canonicalize_nans`] every NaN an arithmetic
//! operation produces is replaced by the canonical positive quiet NaN, for
//! deterministic results.

use zwasm_ir_reg::FloatCC;

use crate::cond::Cond;
use crate::fp_imm::FpImm8;
use crate::inst::*;
use crate::lower::ctx::{Lowerer, X16};
use crate::lower::error::LowerError;
use crate::regs::{FpSize, GprOrZr, VReg};

/// A two-operand float operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FloatBinary {
    Add,
    Sub,
    Mul,
    Div,
    Min,
    Max,
    Copysign,
}

/// A one-operand float operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FloatUnary {
    Abs,
    Neg,
    Sqrt,
    Ceil,
    Floor,
    Trunc,
    Nearest,
}

/// The flags condition for an ordered float compare (`ne` is the only one
/// true on unordered operands, as in wasm).
pub(crate) fn float_cond(cc: FloatCC) -> Cond {
    match cc {
        FloatCC::Eq => Cond::Eq,
        FloatCC::Ne => Cond::Ne,
        FloatCC::Lt => Cond::Mi,
        FloatCC::Gt => Cond::Gt,
        FloatCC::Le => Cond::Ls,
        FloatCC::Ge => Cond::Ge,
    }
}

impl Lowerer<'_> {
    pub fn lower_float_binary(&mut self, op: FloatBinary, size: FpSize) -> Result<(), LowerError> {
        let (rn, rm, rd) = (self.arg_fpr(0)?, self.arg_fpr(1)?, self.result_fpr(0)?);
        let fpu = match op {
            FloatBinary::Add => FpuOp2::Add,
            FloatBinary::Sub => FpuOp2::Sub,
            FloatBinary::Mul => FpuOp2::Mul,
            FloatBinary::Div => FpuOp2::Div,
            FloatBinary::Min => FpuOp2::Min,
            FloatBinary::Max => FpuOp2::Max,
            FloatBinary::Copysign => return self.lower_copysign(size, rd, rn, rm),
        };
        self.emit(Inst::FpuRRR {
            op: fpu,
            size,
            rd,
            rn,
            rm,
        })?;
        self.canonicalize_nan(size, rd)
    }

    /// `rd = |rn|` with the sign of `rm`: the sign bit of `rm` shifted down
    /// into the temporary, then shifted back in over `rn`'s with `sli`.
    fn lower_copysign(
        &mut self,
        size: FpSize,
        rd: VReg,
        rn: VReg,
        rm: VReg,
    ) -> Result<(), LowerError> {
        let temp = self.temp_fpr(0)?;
        let (lanes, bits) = match size {
            FpSize::Single => (ShiftLanes::TwoS, 32),
            FpSize::Double => (ShiftLanes::ScalarD, 64),
        };
        self.emit(Inst::VecShiftImm {
            op: VecShiftOp::Ushr,
            lanes,
            rd: temp,
            rn: rm,
            amount: bits - 1,
        })?;
        if rd != rn {
            self.emit(Inst::FpuRR {
                op: FpuOp1::Mov,
                size,
                rd,
                rn,
            })?;
        }
        self.emit(Inst::VecShiftImm {
            op: VecShiftOp::Sli,
            lanes,
            rd,
            rn: temp,
            amount: bits - 1,
        })
    }

    pub fn lower_float_unary(&mut self, op: FloatUnary, size: FpSize) -> Result<(), LowerError> {
        let (rn, rd) = (self.arg_fpr(0)?, self.result_fpr(0)?);
        let (fpu, arithmetic) = match op {
            FloatUnary::Abs => (FpuOp1::Abs, false),
            FloatUnary::Neg => (FpuOp1::Neg, false),
            FloatUnary::Sqrt => (FpuOp1::Sqrt, true),
            FloatUnary::Ceil => (FpuOp1::RintP, true),
            FloatUnary::Floor => (FpuOp1::RintM, true),
            FloatUnary::Trunc => (FpuOp1::RintZ, true),
            FloatUnary::Nearest => (FpuOp1::RintN, true),
        };
        self.emit(Inst::FpuRR {
            op: fpu,
            size,
            rd,
            rn,
        })?;
        if arithmetic {
            self.canonicalize_nan(size, rd)?;
        }
        Ok(())
    }

    /// `fcmp` then `cset`.
    pub fn lower_float_compare(&mut self, cc: FloatCC, size: FpSize) -> Result<(), LowerError> {
        let (rn, rm, rd) = (self.arg_fpr(0)?, self.arg_fpr(1)?, self.result_gpr(0)?);
        self.emit(Inst::Fcmp {
            size,
            rn,
            rhs: FcmpRhs::Reg(rm),
        })?;
        self.cset(rd, float_cond(cc))
    }

    /// `fmov` of zero or an 8-bit immediate when the bits allow, else the
    /// bits through x16.
    pub fn lower_float_const(&mut self, bits: u64, size: FpSize) -> Result<(), LowerError> {
        let rd = self.result_fpr(0)?;
        self.float_const_into(rd, bits, size)
    }

    pub fn float_const_into(
        &mut self,
        rd: VReg,
        bits: u64,
        size: FpSize,
    ) -> Result<(), LowerError> {
        if bits == 0 {
            return self.emit(Inst::FmovFromGpr {
                size,
                rd,
                rn: GprOrZr::Zr,
            });
        }
        let imm = match size {
            FpSize::Single => FpImm8::from_f32(f32::from_bits(bits as u32)),
            FpSize::Double => FpImm8::new(f64::from_bits(bits)),
        };
        if let Some(imm) = imm {
            return self.emit(Inst::FmovImm { size, rd, imm });
        }
        self.load_const(X16, bits, size.int_size())?;
        self.emit(Inst::FmovFromGpr {
            size,
            rd,
            rn: X16.into(),
        })
    }

    /// Replaces a NaN in `rd` by the canonical NaN, if the options ask for it.
    pub fn canonicalize_nan(&mut self, size: FpSize, rd: VReg) -> Result<(), LowerError> {
        if !self.options.canonicalize_nans {
            return Ok(());
        }
        let done = self.new_label();
        self.emit(Inst::Fcmp {
            size,
            rn: rd,
            rhs: FcmpRhs::Reg(rd),
        })?;
        self.branch_if(Cond::Vc, done)?;
        let canonical = match size {
            FpSize::Single => 0x7fc0_0000,
            FpSize::Double => 0x7ff8_0000_0000_0000,
        };
        self.float_const_into(rd, canonical, size)?;
        self.bind(done)
    }
}
