//! The 8-bit floating-point immediate of `fmov`: `±(16 + m) / 16 × 2^e`
//! with `m` in 0..=15 and `e` in -3..=4.

/// A floating-point value encodable as an `fmov` immediate (same set of
/// values for single and double precision).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FpImm8(u8);

impl FpImm8 {
    /// Encodes `value`, or `None` if it is not exactly representable
    /// (zero, infinities and NaNs never are).
    pub fn new(value: f64) -> Option<FpImm8> {
        let bits = value.to_bits();
        let sign = (bits >> 63) as u8;
        let exponent = (bits >> 52) & 0x7ff;
        let fraction = bits & ((1 << 52) - 1);
        if fraction & ((1 << 48) - 1) != 0 {
            return None;
        }
        // The exponent must be NOT(b):b×8:c:d for some bits b, c, d.
        let b = (exponent >> 9) & 1;
        let replicated_b = if b == 1 { 0xff } else { 0 };
        if (exponent >> 10) == b || (exponent >> 2) & 0xff != replicated_b {
            return None;
        }
        let cd = (exponent & 3) as u8;
        Some(FpImm8(
            (sign << 7) | ((b as u8) << 6) | (cd << 4) | (fraction >> 48) as u8,
        ))
    }

    /// Encodes a single-precision value (every `f32` converts to `f64` exactly).
    pub fn from_f32(value: f32) -> Option<FpImm8> {
        FpImm8::new(f64::from(value))
    }

    /// The `imm8` field.
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// The `fmov` immediate with field value `imm8` (every value is valid).
    pub const fn from_bits(imm8: u8) -> FpImm8 {
        FpImm8(imm8)
    }

    /// The value.
    pub fn value(self) -> f64 {
        let sign = u64::from(self.0 >> 7);
        let b = u64::from((self.0 >> 6) & 1);
        let cd = u64::from((self.0 >> 4) & 3);
        let fraction = u64::from(self.0 & 0xf);
        let exponent = ((b ^ 1) << 10) | (if b == 1 { 0xff << 2 } else { 0 }) | cd;
        f64::from_bits((sign << 63) | (exponent << 52) | (fraction << 48))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_encoding_round_trips() {
        for imm8 in 0..=255u8 {
            let value = FpImm8::from_bits(imm8).value();
            assert_eq!(FpImm8::new(value), Some(FpImm8::from_bits(imm8)), "{value}");
            assert_eq!(
                FpImm8::from_f32(value as f32),
                Some(FpImm8::from_bits(imm8))
            );
        }
    }

    #[test]
    fn known_values() {
        assert_eq!(FpImm8::new(1.0).map(FpImm8::bits), Some(0x70));
        assert_eq!(FpImm8::new(2.0).map(FpImm8::bits), Some(0x00));
        assert_eq!(FpImm8::new(-0.125).map(FpImm8::bits), Some(0xc0));
        assert_eq!(FpImm8::new(31.0).map(FpImm8::bits), Some(0x3f));
        for rejected in [
            0.0,
            -0.0,
            32.0,
            0.1,
            1.0 / 16.0,
            f64::INFINITY,
            f64::NAN,
            1.03125,
        ] {
            assert_eq!(FpImm8::new(rejected), None, "{rejected}");
        }
    }
}
