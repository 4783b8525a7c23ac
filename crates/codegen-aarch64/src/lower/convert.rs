//! Conversions between integers and floats, precision changes and
//! reinterpretations.
//!
//! `fcvtzs`/`fcvtzu` saturate and turn NaN into 0, which is exactly the
//! `trunc_sat` family. The trapping truncations first trap on NaN, then
//! compare against the exclusive range bounds, loaded into the float
//! temporary the allocator reserves for them.

use crate::cond::Cond;
use crate::inst::*;
use crate::lower::abi::TrapCode;
use crate::lower::ctx::Lowerer;
use crate::lower::error::LowerError;
use crate::regs::{FpSize, OperandSize};

/// A float-to-integer truncation: source precision, signedness, target width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Truncation {
    pub from: FpSize,
    pub signed: bool,
    pub to: OperandSize,
}

impl Truncation {
    /// The valid inputs are those strictly between the returned bounds
    /// (as float bits of the source precision): truncation toward zero of
    /// anything in between fits the target type.
    fn exclusive_bounds(self) -> (u64, u64) {
        let bits = self.to.bits();
        let (low, high) = if self.signed {
            // -2^(n-1) - 1 and 2^(n-1).
            (
                -(2f64.powi(bits as i32 - 1)) - 1.0,
                2f64.powi(bits as i32 - 1),
            )
        } else {
            (-1.0, 2f64.powi(bits as i32))
        };
        match self.from {
            FpSize::Single => {
                // -2^(n-1) - 1 rounds to -2^(n-1) in f32, which is valid: use
                // the next f32 below it instead.
                let low = if self.signed {
                    next_below_f32(-(2f32.powi(bits as i32 - 1)))
                } else {
                    low as f32
                };
                (u64::from(low.to_bits()), u64::from((high as f32).to_bits()))
            }
            FpSize::Double => {
                let low = if self.signed && bits == 64 {
                    // -2^63 - 1 rounds to -2^63 in f64 too.
                    next_below_f64(-(2f64.powi(63)))
                } else {
                    low
                };
                (low.to_bits(), high.to_bits())
            }
        }
    }
}

/// The largest f32 below the negative `value`.
fn next_below_f32(value: f32) -> f32 {
    f32::from_bits(value.to_bits() + 1)
}

/// The largest f64 below the negative `value`.
fn next_below_f64(value: f64) -> f64 {
    f64::from_bits(value.to_bits() + 1)
}

impl Lowerer<'_> {
    pub fn lower_trunc(&mut self, trunc: Truncation, saturating: bool) -> Result<(), LowerError> {
        let (rn, rd) = (self.arg_fpr(0)?, self.result_gpr(0)?);
        if !saturating {
            let temp = self.temp_fpr(0)?;
            let size = trunc.from;
            let fcmp = |rm| Inst::Fcmp {
                size,
                rn,
                rhs: FcmpRhs::Reg(rm),
            };
            self.emit(fcmp(rn))?;
            self.trap_if(Cond::Vs, TrapCode::BadConversionToInteger)?;
            let (low, high) = trunc.exclusive_bounds();
            self.float_const_into(temp, low, size)?;
            self.emit(fcmp(temp))?;
            self.trap_if(Cond::Ls, TrapCode::IntegerOverflow)?;
            self.float_const_into(temp, high, size)?;
            self.emit(fcmp(temp))?;
            self.trap_if(Cond::Ge, TrapCode::IntegerOverflow)?;
        }
        self.emit(Inst::FpToInt {
            signed: trunc.signed,
            fp_size: trunc.from,
            int_size: trunc.to,
            rd: rd.into(),
            rn,
        })
    }

    /// `scvtf`/`ucvtf`.
    pub fn lower_int_to_float(
        &mut self,
        signed: bool,
        from: OperandSize,
        to: FpSize,
    ) -> Result<(), LowerError> {
        let (rn, rd) = (self.arg_gpr(0)?, self.result_fpr(0)?);
        self.emit(Inst::IntToFp {
            signed,
            int_size: from,
            fp_size: to,
            rd,
            rn: rn.into(),
        })
    }

    /// `fcvt` from `from` to the other precision.
    pub fn lower_precision(&mut self, from: FpSize) -> Result<(), LowerError> {
        let (rn, rd) = (self.arg_fpr(0)?, self.result_fpr(0)?);
        self.emit(Inst::FpuCvtPrecision { from, rd, rn })?;
        let to = match from {
            FpSize::Single => FpSize::Double,
            FpSize::Double => FpSize::Single,
        };
        self.canonicalize_nan(to, rd)
    }

    /// Float bits to an integer register.
    pub fn lower_float_to_bits(&mut self, size: FpSize) -> Result<(), LowerError> {
        let (rn, rd) = (self.arg_fpr(0)?, self.result_gpr(0)?);
        self.emit(Inst::FmovToGpr {
            size,
            rd: rd.into(),
            rn,
        })
    }

    /// Integer bits to a float register.
    pub fn lower_bits_to_float(&mut self, size: FpSize) -> Result<(), LowerError> {
        let (rn, rd) = (self.arg_gpr(0)?, self.result_fpr(0)?);
        self.emit(Inst::FmovFromGpr {
            size,
            rd,
            rn: rn.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounds(from: FpSize, signed: bool, to: OperandSize) -> (f64, f64) {
        let (low, high) = Truncation { from, signed, to }.exclusive_bounds();
        match from {
            FpSize::Single => (
                f64::from(f32::from_bits(low as u32)),
                f64::from(f32::from_bits(high as u32)),
            ),
            FpSize::Double => (f64::from_bits(low), f64::from_bits(high)),
        }
    }

    #[test]
    fn bounds_exclude_exactly_the_overflowing_inputs() {
        let i32_min = f64::from(i32::MIN);
        assert_eq!(
            bounds(FpSize::Double, true, OperandSize::Size32),
            (i32_min - 1.0, 2147483648.0)
        );
        assert_eq!(
            bounds(FpSize::Single, true, OperandSize::Size32),
            (f64::from(-2147483904.0f32), 2147483648.0)
        );
        assert_eq!(
            bounds(FpSize::Double, false, OperandSize::Size32),
            (-1.0, 4294967296.0)
        );
        assert_eq!(
            bounds(FpSize::Double, true, OperandSize::Size64),
            (-9223372036854777856.0, 9223372036854775808.0)
        );
        assert_eq!(
            bounds(FpSize::Single, false, OperandSize::Size64),
            (-1.0, 18446744073709551616.0)
        );
    }
}
