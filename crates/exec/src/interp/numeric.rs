//! Numeric semantics that Rust's operators do not give directly: slot
//! encoding, float min/max, and trapping float-to-int conversion.

use crate::trap::TrapCode;

/// A Rust value stored in one 64-bit interpreter slot (ir-stack conventions:
/// 32-bit values zero-extended, floats as bits, booleans as 0/1).
pub(crate) trait Slot: Sized {
    fn from_slot(slot: u64) -> Self;
    fn into_slot(self) -> u64;
}

impl Slot for i32 {
    #[inline(always)]
    fn from_slot(slot: u64) -> Self {
        slot as u32 as i32
    }
    #[inline(always)]
    fn into_slot(self) -> u64 {
        u64::from(self as u32)
    }
}

impl Slot for u32 {
    #[inline(always)]
    fn from_slot(slot: u64) -> Self {
        slot as u32
    }
    #[inline(always)]
    fn into_slot(self) -> u64 {
        u64::from(self)
    }
}

impl Slot for i64 {
    #[inline(always)]
    fn from_slot(slot: u64) -> Self {
        slot as i64
    }
    #[inline(always)]
    fn into_slot(self) -> u64 {
        self as u64
    }
}

impl Slot for u64 {
    #[inline(always)]
    fn from_slot(slot: u64) -> Self {
        slot
    }
    #[inline(always)]
    fn into_slot(self) -> u64 {
        self
    }
}

impl Slot for f32 {
    #[inline(always)]
    fn from_slot(slot: u64) -> Self {
        f32::from_bits(slot as u32)
    }
    #[inline(always)]
    fn into_slot(self) -> u64 {
        u64::from(self.to_bits())
    }
}

impl Slot for f64 {
    #[inline(always)]
    fn from_slot(slot: u64) -> Self {
        f64::from_bits(slot)
    }
    #[inline(always)]
    fn into_slot(self) -> u64 {
        self.to_bits()
    }
}

impl Slot for bool {
    #[inline(always)]
    fn from_slot(slot: u64) -> Self {
        slot != 0
    }
    #[inline(always)]
    fn into_slot(self) -> u64 {
        u64::from(self)
    }
}

macro_rules! float_helpers {
    ($min:ident, $max:ident, $round:ident, $f:ty, $quiet_bit:expr) => {
        /// Applies a rounding function; a NaN operand comes back quieted, as
        /// wasm requires (libm's `floor` & co. return signalling NaNs as is).
        #[inline(always)]
        pub(crate) fn $round(x: $f, round: fn($f) -> $f) -> $f {
            if x.is_nan() {
                <$f>::from_bits(x.to_bits() | $quiet_bit)
            } else {
                round(x)
            }
        }

        /// Wasm `min`: NaN if either operand is NaN, and -0 below +0.
        pub(crate) fn $min(a: $f, b: $f) -> $f {
            if a.is_nan() {
                <$f>::from_bits(a.to_bits() | $quiet_bit)
            } else if b.is_nan() {
                <$f>::from_bits(b.to_bits() | $quiet_bit)
            } else if a == b {
                <$f>::from_bits(a.to_bits() | b.to_bits())
            } else if a < b {
                a
            } else {
                b
            }
        }

        /// Wasm `max`: NaN if either operand is NaN, and +0 above -0.
        pub(crate) fn $max(a: $f, b: $f) -> $f {
            if a.is_nan() {
                <$f>::from_bits(a.to_bits() | $quiet_bit)
            } else if b.is_nan() {
                <$f>::from_bits(b.to_bits() | $quiet_bit)
            } else if a == b {
                <$f>::from_bits(a.to_bits() & b.to_bits())
            } else if a > b {
                a
            } else {
                b
            }
        }
    };
}

float_helpers!(f32_min, f32_max, f32_round, f32, 0x0040_0000);
float_helpers!(f64_min, f64_max, f64_round, f64, 0x0008_0000_0000_0000);

macro_rules! trapping_trunc {
    ($name:ident, $f:ty => $i:ty, $lower_exclusive:expr, $upper_exclusive:expr) => {
        /// Wasm's trapping float-to-int truncation.
        #[inline]
        pub(crate) fn $name(x: $f) -> Result<$i, TrapCode> {
            if x.is_nan() {
                return Err(TrapCode::BadConversionToInteger);
            }
            let t = x.trunc();
            // Both bounds are powers of two (or their negation minus one for
            // the signed lower bound), exactly representable in the float type.
            if t > $lower_exclusive && t < $upper_exclusive {
                Ok(t as $i)
            } else {
                Err(TrapCode::IntegerOverflow)
            }
        }
    };
}

trapping_trunc!(i32_trunc_f32, f32 => i32, -2147483904.0f32, 2147483648.0f32);
trapping_trunc!(u32_trunc_f32, f32 => u32, -1.0f32, 4294967296.0f32);
trapping_trunc!(i32_trunc_f64, f64 => i32, -2147483649.0f64, 2147483648.0f64);
trapping_trunc!(u32_trunc_f64, f64 => u32, -1.0f64, 4294967296.0f64);
trapping_trunc!(i64_trunc_f32, f32 => i64, -9223373136366403584.0f32, 9223372036854775808.0f32);
trapping_trunc!(u64_trunc_f32, f32 => u64, -1.0f32, 18446744073709551616.0f32);
trapping_trunc!(i64_trunc_f64, f64 => i64, -9223372036854777856.0f64, 9223372036854775808.0f64);
trapping_trunc!(u64_trunc_f64, f64 => u64, -1.0f64, 18446744073709551616.0f64);

macro_rules! division {
    ($div_s:ident, $rem_s:ident, $div_u:ident, $rem_u:ident, $s:ty, $u:ty) => {
        /// Signed division: traps on zero and on `MIN / -1`.
        #[inline(always)]
        pub(crate) fn $div_s(a: $s, b: $s) -> Result<$s, TrapCode> {
            if b == 0 {
                Err(TrapCode::IntegerDivisionByZero)
            } else if a == <$s>::MIN && b == -1 {
                Err(TrapCode::IntegerOverflow)
            } else {
                Ok(a / b)
            }
        }

        /// Signed remainder: traps on zero; `MIN % -1` is 0.
        #[inline(always)]
        pub(crate) fn $rem_s(a: $s, b: $s) -> Result<$s, TrapCode> {
            if b == 0 {
                Err(TrapCode::IntegerDivisionByZero)
            } else {
                Ok(a.wrapping_rem(b))
            }
        }

        /// Unsigned division: traps on zero.
        #[inline(always)]
        pub(crate) fn $div_u(a: $u, b: $u) -> Result<$u, TrapCode> {
            a.checked_div(b).ok_or(TrapCode::IntegerDivisionByZero)
        }

        /// Unsigned remainder: traps on zero.
        #[inline(always)]
        pub(crate) fn $rem_u(a: $u, b: $u) -> Result<$u, TrapCode> {
            a.checked_rem(b).ok_or(TrapCode::IntegerDivisionByZero)
        }
    };
}

division!(i32_div_s, i32_rem_s, u32_div, u32_rem, i32, u32);
division!(i64_div_s, i64_rem_s, u64_div, u64_rem, i64, u64);

/// The start of an access of `len` bytes at `address + offset`, if it lies
/// within `memory_len` bytes. Computed without wrapping.
#[inline(always)]
pub(crate) fn effective_address(
    address: u64,
    offset: u64,
    len: u64,
    memory_len: usize,
) -> Option<usize> {
    let start = address.checked_add(offset)?;
    let end = start.checked_add(len)?;
    if end <= memory_len as u64 {
        Some(start as usize)
    } else {
        None
    }
}

/// The range `start..start + len` if it lies within `bound`.
#[inline(always)]
pub(crate) fn checked_range(start: u64, len: u64, bound: usize) -> Option<std::ops::Range<usize>> {
    let end = start.checked_add(len)?;
    if end <= bound as u64 {
        Some(start as usize..end as usize)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_max_zero_signs_and_nan() {
        assert_eq!(f32_min(0.0, -0.0).to_bits(), (-0.0f32).to_bits());
        assert_eq!(f32_max(-0.0, 0.0).to_bits(), 0.0f32.to_bits());
        assert!(f64_min(f64::NAN, 1.0).is_nan());
        assert!(f64_max(1.0, f64::NAN).is_nan());
        assert_eq!(f64_min(1.0, 2.0), 1.0);
        assert_eq!(f64_max(1.0, 2.0), 2.0);
        let signalling = f32::from_bits(0x7fa0_0000);
        assert_eq!(f32_min(signalling, 1.0).to_bits(), 0x7fe0_0000);
        assert_eq!(f32_round(signalling, f32::floor).to_bits(), 0x7fe0_0000);
        assert_eq!(f64_round(2.5, f64::round_ties_even), 2.0);
    }

    #[test]
    fn trapping_truncation_bounds() {
        assert_eq!(i32_trunc_f32(-2147483648.0), Ok(i32::MIN));
        assert_eq!(i32_trunc_f32(2147483648.0), Err(TrapCode::IntegerOverflow));
        assert_eq!(i32_trunc_f64(-2147483648.9), Ok(i32::MIN));
        assert_eq!(i32_trunc_f64(-2147483649.0), Err(TrapCode::IntegerOverflow));
        assert_eq!(u32_trunc_f64(-0.9), Ok(0));
        assert_eq!(u32_trunc_f32(-1.0), Err(TrapCode::IntegerOverflow));
        assert_eq!(u32_trunc_f64(4294967295.9), Ok(u32::MAX));
        assert_eq!(i64_trunc_f64(-9223372036854775808.0), Ok(i64::MIN));
        assert_eq!(
            i64_trunc_f64(9223372036854775808.0),
            Err(TrapCode::IntegerOverflow)
        );
        assert_eq!(
            u64_trunc_f32(18446744073709551616.0),
            Err(TrapCode::IntegerOverflow)
        );
        assert_eq!(
            i32_trunc_f32(f32::NAN),
            Err(TrapCode::BadConversionToInteger)
        );
    }

    #[test]
    fn addresses_do_not_wrap() {
        assert_eq!(effective_address(u64::MAX, 1, 4, 100), None);
        assert_eq!(effective_address(96, 0, 4, 100), Some(96));
        assert_eq!(effective_address(97, 0, 4, 100), None);
        assert_eq!(checked_range(100, 0, 100), Some(100..100));
        assert_eq!(checked_range(101, 0, 100), None);
    }
}
