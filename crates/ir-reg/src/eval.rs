//! Compile-time evaluation of operations on constants, with wasm's exact
//! semantics. An operation is only evaluated when the result is fully
//! determined: never when it would trap (the trap must happen at run time),
//! and never when a float result would be a NaN (whose bits wasm leaves to
//! the implementation, so folding could disagree with the interpreter).

use crate::ops::{FloatCC, IntCC, Opcode};

/// A compile-time constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Const {
    I32(i32),
    I64(i64),
    /// IEEE-754 bits.
    F32(u32),
    /// IEEE-754 bits.
    F64(u64),
    /// `ref.null` of either type.
    NullRef,
    /// A reference known not to be null (`ref.func`).
    NonNullRef,
}

impl Const {
    /// The constant an instruction defines by itself, if it is one.
    pub fn of(opcode: &Opcode) -> Option<Const> {
        Some(match *opcode {
            Opcode::I32Const { value } => Const::I32(value),
            Opcode::I64Const { value } => Const::I64(value),
            Opcode::F32Const { bits } => Const::F32(bits),
            Opcode::F64Const { bits } => Const::F64(bits),
            Opcode::RefNull { .. } => Const::NullRef,
            Opcode::RefFunc { .. } => Const::NonNullRef,
            _ => return None,
        })
    }

    /// The instruction that defines this constant (references have none:
    /// they are never a folding result).
    pub fn opcode(self) -> Option<Opcode> {
        Some(match self {
            Const::I32(value) => Opcode::I32Const { value },
            Const::I64(value) => Opcode::I64Const { value },
            Const::F32(bits) => Opcode::F32Const { bits },
            Const::F64(bits) => Opcode::F64Const { bits },
            Const::NullRef | Const::NonNullRef => return None,
        })
    }

    /// Whether this is the integer `n` (of either width).
    pub fn is_int(self, n: i64) -> bool {
        match self {
            Const::I32(value) => i64::from(value) == n,
            Const::I64(value) => value == n,
            _ => false,
        }
    }

    /// The integer value, sign-extended.
    pub fn as_int(self) -> Option<i64> {
        match self {
            Const::I32(value) => Some(i64::from(value)),
            Const::I64(value) => Some(value),
            _ => None,
        }
    }
}

fn flag(condition: bool) -> Const {
    Const::I32(i32::from(condition))
}

fn f32_result(value: f32) -> Option<Const> {
    (!value.is_nan()).then(|| Const::F32(value.to_bits()))
}

fn f64_result(value: f64) -> Option<Const> {
    (!value.is_nan()).then(|| Const::F64(value.to_bits()))
}

macro_rules! float_min_max {
    ($min:ident, $max:ident, $ty:ty) => {
        /// wasm `min`: NaN is not folded; `-0` is below `+0`.
        fn $min(a: $ty, b: $ty) -> Option<$ty> {
            if a.is_nan() || b.is_nan() {
                None
            } else if a == b {
                Some(if a.is_sign_negative() { a } else { b })
            } else {
                Some(a.min(b))
            }
        }

        /// wasm `max`: NaN is not folded; `+0` is above `-0`.
        fn $max(a: $ty, b: $ty) -> Option<$ty> {
            if a.is_nan() || b.is_nan() {
                None
            } else if a == b {
                Some(if a.is_sign_positive() { a } else { b })
            } else {
                Some(a.max(b))
            }
        }
    };
}

float_min_max!(min_f32, max_f32, f32);
float_min_max!(min_f64, max_f64, f64);

/// Truncates toward zero if the result fits `[min, max_exclusive)`; `None`
/// (a run-time trap) for NaN and out-of-range values. Every input here is an
/// f32 or f64 widened exactly to f64, and the bounds are exact powers of two.
fn trunc_in_range(value: f64, min: f64, max_exclusive: f64) -> Option<f64> {
    let truncated = value.trunc();
    (truncated >= min && truncated < max_exclusive).then_some(truncated)
}

const TWO_31: f64 = 2_147_483_648.0;
const TWO_32: f64 = 4_294_967_296.0;
const TWO_63: f64 = 9_223_372_036_854_775_808.0;
const TWO_64: f64 = 18_446_744_073_709_551_616.0;

/// Evaluates `opcode` on constant operands; `None` when it cannot or must
/// not be folded.
pub(crate) fn eval(opcode: &Opcode, args: &[Const]) -> Option<Const> {
    use Const::{F32, F64, I32, I64};
    let f32_of = |bits: u32| f32::from_bits(bits);
    let f64_of = |bits: u64| f64::from_bits(bits);
    Some(match (*opcode, args) {
        // --- i32 ---
        (Opcode::I32Eqz, &[I32(a)]) => flag(a == 0),
        (Opcode::I32Clz, &[I32(a)]) => I32(a.leading_zeros() as i32),
        (Opcode::I32Ctz, &[I32(a)]) => I32(a.trailing_zeros() as i32),
        (Opcode::I32Popcnt, &[I32(a)]) => I32(a.count_ones() as i32),
        (Opcode::I32Extend8S, &[I32(a)]) => I32(i32::from(a as i8)),
        (Opcode::I32Extend16S, &[I32(a)]) => I32(i32::from(a as i16)),
        (Opcode::I32Add, &[I32(a), I32(b)]) => I32(a.wrapping_add(b)),
        (Opcode::I32Sub, &[I32(a), I32(b)]) => I32(a.wrapping_sub(b)),
        (Opcode::I32Mul, &[I32(a), I32(b)]) => I32(a.wrapping_mul(b)),
        (Opcode::I32DivS, &[I32(a), I32(b)]) => I32(a.checked_div(b)?),
        (Opcode::I32DivU, &[I32(a), I32(b)]) => I32((a as u32).checked_div(b as u32)? as i32),
        (Opcode::I32RemS, &[I32(a), I32(b)]) => {
            // i32::MIN % -1 is 0 in wasm (no trap); only a zero divisor traps.
            if b == 0 {
                return None;
            }
            I32(a.wrapping_rem(b))
        }
        (Opcode::I32RemU, &[I32(a), I32(b)]) => I32((a as u32).checked_rem(b as u32)? as i32),
        (Opcode::I32And, &[I32(a), I32(b)]) => I32(a & b),
        (Opcode::I32Or, &[I32(a), I32(b)]) => I32(a | b),
        (Opcode::I32Xor, &[I32(a), I32(b)]) => I32(a ^ b),
        (Opcode::I32Shl, &[I32(a), I32(b)]) => I32(a.wrapping_shl(b as u32)),
        (Opcode::I32ShrS, &[I32(a), I32(b)]) => I32(a.wrapping_shr(b as u32)),
        (Opcode::I32ShrU, &[I32(a), I32(b)]) => I32((a as u32).wrapping_shr(b as u32) as i32),
        (Opcode::I32Rotl, &[I32(a), I32(b)]) => I32(a.rotate_left(b as u32 % 32)),
        (Opcode::I32Rotr, &[I32(a), I32(b)]) => I32(a.rotate_right(b as u32 % 32)),
        // --- i64 ---
        (Opcode::I64Eqz, &[I64(a)]) => flag(a == 0),
        (Opcode::I64Clz, &[I64(a)]) => I64(i64::from(a.leading_zeros())),
        (Opcode::I64Ctz, &[I64(a)]) => I64(i64::from(a.trailing_zeros())),
        (Opcode::I64Popcnt, &[I64(a)]) => I64(i64::from(a.count_ones())),
        (Opcode::I64Extend8S, &[I64(a)]) => I64(i64::from(a as i8)),
        (Opcode::I64Extend16S, &[I64(a)]) => I64(i64::from(a as i16)),
        (Opcode::I64Extend32S, &[I64(a)]) => I64(i64::from(a as i32)),
        (Opcode::I64Add, &[I64(a), I64(b)]) => I64(a.wrapping_add(b)),
        (Opcode::I64Sub, &[I64(a), I64(b)]) => I64(a.wrapping_sub(b)),
        (Opcode::I64Mul, &[I64(a), I64(b)]) => I64(a.wrapping_mul(b)),
        (Opcode::I64DivS, &[I64(a), I64(b)]) => I64(a.checked_div(b)?),
        (Opcode::I64DivU, &[I64(a), I64(b)]) => I64((a as u64).checked_div(b as u64)? as i64),
        (Opcode::I64RemS, &[I64(a), I64(b)]) => {
            if b == 0 {
                return None;
            }
            I64(a.wrapping_rem(b))
        }
        (Opcode::I64RemU, &[I64(a), I64(b)]) => I64((a as u64).checked_rem(b as u64)? as i64),
        (Opcode::I64And, &[I64(a), I64(b)]) => I64(a & b),
        (Opcode::I64Or, &[I64(a), I64(b)]) => I64(a | b),
        (Opcode::I64Xor, &[I64(a), I64(b)]) => I64(a ^ b),
        (Opcode::I64Shl, &[I64(a), I64(b)]) => I64(a.wrapping_shl(b as u32)),
        (Opcode::I64ShrS, &[I64(a), I64(b)]) => I64(a.wrapping_shr(b as u32)),
        (Opcode::I64ShrU, &[I64(a), I64(b)]) => I64((a as u64).wrapping_shr(b as u32) as i64),
        (Opcode::I64Rotl, &[I64(a), I64(b)]) => I64(a.rotate_left((b as u64 % 64) as u32)),
        (Opcode::I64Rotr, &[I64(a), I64(b)]) => I64(a.rotate_right((b as u64 % 64) as u32)),
        // --- integer compares ---
        (opcode, &[I32(a), I32(b)]) if opcode.int_compare().is_some() => flag(int_compare(
            opcode.int_compare()?,
            i64::from(a),
            i64::from(b),
            32,
        )),
        (opcode, &[I64(a), I64(b)]) if opcode.int_compare().is_some() => {
            flag(int_compare(opcode.int_compare()?, a, b, 64))
        }
        // --- floats: sign operations are bit operations, exact even on NaN ---
        (Opcode::F32Abs, &[F32(a)]) => F32(a & 0x7fff_ffff),
        (Opcode::F32Neg, &[F32(a)]) => F32(a ^ 0x8000_0000),
        (Opcode::F32Copysign, &[F32(a), F32(b)]) => F32((a & 0x7fff_ffff) | (b & 0x8000_0000)),
        (Opcode::F64Abs, &[F64(a)]) => F64(a & 0x7fff_ffff_ffff_ffff),
        (Opcode::F64Neg, &[F64(a)]) => F64(a ^ 0x8000_0000_0000_0000),
        (Opcode::F64Copysign, &[F64(a), F64(b)]) => {
            F64((a & 0x7fff_ffff_ffff_ffff) | (b & 0x8000_0000_0000_0000))
        }
        (Opcode::F32Ceil, &[F32(a)]) => f32_result(f32_of(a).ceil())?,
        (Opcode::F32Floor, &[F32(a)]) => f32_result(f32_of(a).floor())?,
        (Opcode::F32Trunc, &[F32(a)]) => f32_result(f32_of(a).trunc())?,
        (Opcode::F32Nearest, &[F32(a)]) => f32_result(f32_of(a).round_ties_even())?,
        (Opcode::F32Sqrt, &[F32(a)]) => f32_result(f32_of(a).sqrt())?,
        (Opcode::F32Add, &[F32(a), F32(b)]) => f32_result(f32_of(a) + f32_of(b))?,
        (Opcode::F32Sub, &[F32(a), F32(b)]) => f32_result(f32_of(a) - f32_of(b))?,
        (Opcode::F32Mul, &[F32(a), F32(b)]) => f32_result(f32_of(a) * f32_of(b))?,
        (Opcode::F32Div, &[F32(a), F32(b)]) => f32_result(f32_of(a) / f32_of(b))?,
        (Opcode::F32Min, &[F32(a), F32(b)]) => F32(min_f32(f32_of(a), f32_of(b))?.to_bits()),
        (Opcode::F32Max, &[F32(a), F32(b)]) => F32(max_f32(f32_of(a), f32_of(b))?.to_bits()),
        (Opcode::F64Ceil, &[F64(a)]) => f64_result(f64_of(a).ceil())?,
        (Opcode::F64Floor, &[F64(a)]) => f64_result(f64_of(a).floor())?,
        (Opcode::F64Trunc, &[F64(a)]) => f64_result(f64_of(a).trunc())?,
        (Opcode::F64Nearest, &[F64(a)]) => f64_result(f64_of(a).round_ties_even())?,
        (Opcode::F64Sqrt, &[F64(a)]) => f64_result(f64_of(a).sqrt())?,
        (Opcode::F64Add, &[F64(a), F64(b)]) => f64_result(f64_of(a) + f64_of(b))?,
        (Opcode::F64Sub, &[F64(a), F64(b)]) => f64_result(f64_of(a) - f64_of(b))?,
        (Opcode::F64Mul, &[F64(a), F64(b)]) => f64_result(f64_of(a) * f64_of(b))?,
        (Opcode::F64Div, &[F64(a), F64(b)]) => f64_result(f64_of(a) / f64_of(b))?,
        (Opcode::F64Min, &[F64(a), F64(b)]) => F64(min_f64(f64_of(a), f64_of(b))?.to_bits()),
        (Opcode::F64Max, &[F64(a), F64(b)]) => F64(max_f64(f64_of(a), f64_of(b))?.to_bits()),
        // --- float compares: IEEE results are exact, NaN included ---
        (opcode, &[F32(a), F32(b)]) if opcode.float_compare().is_some() => flag(float_compare(
            opcode.float_compare()?,
            f64::from(f32_of(a)),
            f64::from(f32_of(b)),
        )),
        (opcode, &[F64(a), F64(b)]) if opcode.float_compare().is_some() => {
            flag(float_compare(opcode.float_compare()?, f64_of(a), f64_of(b)))
        }
        // --- conversions ---
        (Opcode::I32WrapI64, &[I64(a)]) => I32(a as i32),
        (Opcode::I64ExtendI32S, &[I32(a)]) => I64(i64::from(a)),
        (Opcode::I64ExtendI32U, &[I32(a)]) => I64(i64::from(a as u32)),
        (Opcode::I32TruncF32S, &[F32(a)]) => {
            I32(trunc_in_range(f32_of(a).into(), -TWO_31, TWO_31)? as i32)
        }
        (Opcode::I32TruncF64S, &[F64(a)]) => {
            I32(trunc_in_range(f64_of(a), -TWO_31, TWO_31)? as i32)
        }
        (Opcode::I32TruncF32U, &[F32(a)]) => {
            I32(trunc_in_range(f32_of(a).into(), 0.0, TWO_32)? as u32 as i32)
        }
        (Opcode::I32TruncF64U, &[F64(a)]) => {
            I32(trunc_in_range(f64_of(a), 0.0, TWO_32)? as u32 as i32)
        }
        (Opcode::I64TruncF32S, &[F32(a)]) => {
            I64(trunc_in_range(f32_of(a).into(), -TWO_63, TWO_63)? as i64)
        }
        (Opcode::I64TruncF64S, &[F64(a)]) => {
            I64(trunc_in_range(f64_of(a), -TWO_63, TWO_63)? as i64)
        }
        (Opcode::I64TruncF32U, &[F32(a)]) => {
            I64(trunc_in_range(f32_of(a).into(), 0.0, TWO_64)? as u64 as i64)
        }
        (Opcode::I64TruncF64U, &[F64(a)]) => {
            I64(trunc_in_range(f64_of(a), 0.0, TWO_64)? as u64 as i64)
        }
        // Rust's float-to-int `as` saturates and maps NaN to 0: exactly
        // wasm's trunc_sat.
        (Opcode::I32TruncSatF32S, &[F32(a)]) => I32(f32_of(a) as i32),
        (Opcode::I32TruncSatF32U, &[F32(a)]) => I32(f32_of(a) as u32 as i32),
        (Opcode::I32TruncSatF64S, &[F64(a)]) => I32(f64_of(a) as i32),
        (Opcode::I32TruncSatF64U, &[F64(a)]) => I32(f64_of(a) as u32 as i32),
        (Opcode::I64TruncSatF32S, &[F32(a)]) => I64(f32_of(a) as i64),
        (Opcode::I64TruncSatF32U, &[F32(a)]) => I64(f32_of(a) as u64 as i64),
        (Opcode::I64TruncSatF64S, &[F64(a)]) => I64(f64_of(a) as i64),
        (Opcode::I64TruncSatF64U, &[F64(a)]) => I64(f64_of(a) as u64 as i64),
        // Rust's int-to-float `as` rounds to nearest, ties to even, like wasm.
        (Opcode::F32ConvertI32S, &[I32(a)]) => F32((a as f32).to_bits()),
        (Opcode::F32ConvertI32U, &[I32(a)]) => F32((a as u32 as f32).to_bits()),
        (Opcode::F32ConvertI64S, &[I64(a)]) => F32((a as f32).to_bits()),
        (Opcode::F32ConvertI64U, &[I64(a)]) => F32((a as u64 as f32).to_bits()),
        (Opcode::F64ConvertI32S, &[I32(a)]) => F64(f64::from(a).to_bits()),
        (Opcode::F64ConvertI32U, &[I32(a)]) => F64(f64::from(a as u32).to_bits()),
        (Opcode::F64ConvertI64S, &[I64(a)]) => F64((a as f64).to_bits()),
        (Opcode::F64ConvertI64U, &[I64(a)]) => F64((a as u64 as f64).to_bits()),
        (Opcode::F32DemoteF64, &[F64(a)]) => f32_result(f64_of(a) as f32)?,
        (Opcode::F64PromoteF32, &[F32(a)]) => f64_result(f64::from(f32_of(a)))?,
        (Opcode::I32ReinterpretF32, &[F32(a)]) => I32(a as i32),
        (Opcode::I64ReinterpretF64, &[F64(a)]) => I64(a as i64),
        (Opcode::F32ReinterpretI32, &[I32(a)]) => F32(a as u32),
        (Opcode::F64ReinterpretI64, &[I64(a)]) => F64(a as u64),
        // --- references ---
        (Opcode::RefIsNull, &[Const::NullRef]) => flag(true),
        (Opcode::RefIsNull, &[Const::NonNullRef]) => flag(false),
        _ => return None,
    })
}

/// An integer compare of two values of `bits` width, given sign-extended.
pub(crate) fn int_compare(cond: IntCC, a: i64, b: i64, bits: u32) -> bool {
    let mask = if bits == 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    let (ua, ub) = (a as u64 & mask, b as u64 & mask);
    match cond {
        IntCC::Eq => a == b,
        IntCC::Ne => a != b,
        IntCC::LtS => a < b,
        IntCC::LtU => ua < ub,
        IntCC::GtS => a > b,
        IntCC::GtU => ua > ub,
        IntCC::LeS => a <= b,
        IntCC::LeU => ua <= ub,
        IntCC::GeS => a >= b,
        IntCC::GeU => ua >= ub,
    }
}

/// An IEEE compare (false on NaN except `ne`). f32 operands are widened
/// exactly, which preserves every comparison.
pub(crate) fn float_compare(cond: FloatCC, a: f64, b: f64) -> bool {
    match cond {
        FloatCC::Eq => a == b,
        FloatCC::Ne => a != b,
        FloatCC::Lt => a < b,
        FloatCC::Gt => a > b,
        FloatCC::Le => a <= b,
        FloatCC::Ge => a >= b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Const::{F32, F64, I32, I64};

    #[test]
    fn trapping_integer_operations_are_not_folded() {
        assert_eq!(eval(&Opcode::I32DivS, &[I32(1), I32(0)]), None);
        assert_eq!(eval(&Opcode::I32DivS, &[I32(i32::MIN), I32(-1)]), None);
        assert_eq!(eval(&Opcode::I64DivU, &[I64(1), I64(0)]), None);
        assert_eq!(eval(&Opcode::I32RemU, &[I32(1), I32(0)]), None);
        assert_eq!(eval(&Opcode::I64RemS, &[I64(5), I64(0)]), None);
        // Not a trap: the remainder of MIN / -1 is 0.
        assert_eq!(
            eval(&Opcode::I32RemS, &[I32(i32::MIN), I32(-1)]),
            Some(I32(0))
        );
        assert_eq!(eval(&Opcode::I32DivS, &[I32(-7), I32(2)]), Some(I32(-3)));
        assert_eq!(
            eval(&Opcode::I32DivU, &[I32(-1), I32(2)]),
            Some(I32(i32::MAX))
        );
    }

    #[test]
    fn shifts_and_rotates_take_the_count_modulo_the_width() {
        assert_eq!(eval(&Opcode::I32Shl, &[I32(1), I32(33)]), Some(I32(2)));
        assert_eq!(eval(&Opcode::I32ShrU, &[I32(-1), I32(-4)]), Some(I32(0xf)));
        assert_eq!(eval(&Opcode::I64ShrS, &[I64(-8), I64(65)]), Some(I64(-4)));
        assert_eq!(
            eval(&Opcode::I32Rotl, &[I32(0x8000_0001u32 as i32), I32(1)]),
            Some(I32(3))
        );
        assert_eq!(
            eval(&Opcode::I64Rotr, &[I64(1), I64(-63)]),
            Some(I64(i64::MIN))
        );
    }

    #[test]
    fn trapping_conversions_fold_only_in_range() {
        let f32c = |x: f32| F32(x.to_bits());
        let f64c = |x: f64| F64(x.to_bits());
        assert_eq!(eval(&Opcode::I32TruncF32S, &[f32c(f32::NAN)]), None);
        assert_eq!(eval(&Opcode::I32TruncF32S, &[f32c(2147483648.0)]), None);
        assert_eq!(
            eval(&Opcode::I32TruncF32S, &[f32c(-2147483648.0)]),
            Some(I32(i32::MIN))
        );
        assert_eq!(
            eval(&Opcode::I32TruncF64S, &[f64c(2147483647.9)]),
            Some(I32(i32::MAX))
        );
        assert_eq!(eval(&Opcode::I32TruncF64U, &[f64c(-0.9)]), Some(I32(0)));
        assert_eq!(eval(&Opcode::I32TruncF64U, &[f64c(-1.0)]), None);
        assert_eq!(
            eval(&Opcode::I64TruncF64U, &[f64c(18446744073709551616.0)]),
            None
        );
        assert_eq!(eval(&Opcode::I64TruncF32S, &[f32c(f32::INFINITY)]), None);
        assert_eq!(
            eval(&Opcode::I32TruncSatF32S, &[f32c(f32::NAN)]),
            Some(I32(0))
        );
        assert_eq!(eval(&Opcode::I64TruncSatF64U, &[f64c(-5.0)]), Some(I64(0)));
        assert_eq!(
            eval(&Opcode::I32TruncSatF64S, &[f64c(1e10)]),
            Some(I32(i32::MAX))
        );
    }

    #[test]
    fn float_folds_are_bit_exact_and_skip_nan_results() {
        let f32c = |x: f32| F32(x.to_bits());
        let f64c = |x: f64| F64(x.to_bits());
        assert_eq!(
            eval(&Opcode::F32Add, &[f32c(1.5), f32c(2.25)]),
            Some(f32c(3.75))
        );
        assert_eq!(
            eval(&Opcode::F64Sub, &[f64c(f64::INFINITY), f64c(f64::INFINITY)]),
            None
        );
        assert_eq!(eval(&Opcode::F32Div, &[f32c(0.0), f32c(0.0)]), None);
        assert_eq!(eval(&Opcode::F64Sqrt, &[f64c(-1.0)]), None);
        assert_eq!(
            eval(&Opcode::F32Min, &[f32c(0.0), f32c(-0.0)]),
            Some(f32c(-0.0))
        );
        assert_eq!(
            eval(&Opcode::F64Max, &[f64c(-0.0), f64c(0.0)]),
            Some(f64c(0.0))
        );
        assert_eq!(eval(&Opcode::F64Min, &[f64c(f64::NAN), f64c(1.0)]), None);
        assert_eq!(eval(&Opcode::F64Nearest, &[f64c(2.5)]), Some(f64c(2.0)));
        assert_eq!(eval(&Opcode::F32Nearest, &[f32c(-0.4)]), Some(f32c(-0.0)));
        // Sign operations keep NaN payloads: they are bit operations.
        assert_eq!(
            eval(&Opcode::F32Neg, &[F32(0x7fc0_0001)]),
            Some(F32(0xffc0_0001))
        );
        assert_eq!(
            eval(&Opcode::F64Abs, &[F64(0xfff8_0000_0000_0001)]),
            Some(F64(0x7ff8_0000_0000_0001))
        );
        // NaN compares are exact.
        assert_eq!(
            eval(&Opcode::F32Ne, &[f32c(f32::NAN), f32c(f32::NAN)]),
            Some(I32(1))
        );
        assert_eq!(
            eval(&Opcode::F64Lt, &[f64c(f64::NAN), f64c(1.0)]),
            Some(I32(0))
        );
    }

    #[test]
    fn conversions_round_like_wasm() {
        assert_eq!(
            eval(&Opcode::F32ConvertI32S, &[I32(16_777_217)]),
            Some(F32(16_777_216f32.to_bits()))
        );
        assert_eq!(
            eval(&Opcode::F32ConvertI64U, &[I64(-1)]),
            Some(F32(18446744073709551616f32.to_bits()))
        );
        assert_eq!(
            eval(&Opcode::F64ConvertI32U, &[I32(-1)]),
            Some(F64(4294967295f64.to_bits()))
        );
        assert_eq!(
            eval(&Opcode::F32DemoteF64, &[F64(f64::NAN.to_bits())]),
            None
        );
        assert_eq!(
            eval(&Opcode::I64ExtendI32U, &[I32(-1)]),
            Some(I64(0xffff_ffff))
        );
        assert_eq!(
            eval(&Opcode::I32WrapI64, &[I64(0x1_0000_0005)]),
            Some(I32(5))
        );
    }

    #[test]
    fn unsigned_compares_use_the_operand_width() {
        assert_eq!(eval(&Opcode::I32LtU, &[I32(1), I32(-1)]), Some(I32(1)));
        assert_eq!(eval(&Opcode::I32LtS, &[I32(1), I32(-1)]), Some(I32(0)));
        assert_eq!(eval(&Opcode::I64GeU, &[I64(-1), I64(0)]), Some(I32(1)));
        assert_eq!(eval(&Opcode::RefIsNull, &[Const::NullRef]), Some(I32(1)));
    }
}
