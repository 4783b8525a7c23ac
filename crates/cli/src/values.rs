//! Command-line text <-> wasm values for `run --invoke`.

use zwasm::{Val, ValType};

/// Parses one command-line argument as a value of type `ty`.
///
/// Integers: decimal or `0x` hex, optionally negative; values up to the
/// unsigned maximum wrap (`4294967295` is `-1` as i32). Floats: anything
/// Rust's float parser accepts, including `nan`, `inf` and `-inf`.
pub(crate) fn parse_arg(text: &str, ty: ValType) -> Option<Val> {
    match ty {
        ValType::I32 => parse_int(text, 32).map(|v| Val::I32(v as u32 as i32)),
        ValType::I64 => parse_int(text, 64).map(|v| Val::I64(v as u64 as i64)),
        ValType::F32 => text.parse::<f32>().ok().map(|v| Val::F32(v.to_bits())),
        ValType::F64 => text.parse::<f64>().ok().map(|v| Val::F64(v.to_bits())),
        ValType::V128 | ValType::FuncRef | ValType::ExternRef => None,
    }
}

/// Parses an integer that fits in `bits` bits as a signed or an unsigned
/// number; the caller truncates it to the width.
fn parse_int(text: &str, bits: u32) -> Option<i128> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let digits = digits.replace('_', "");
    let magnitude = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) => u128::from_str_radix(hex, 16).ok()?,
        None => digits.parse::<u128>().ok()?,
    };
    let unsigned_max = (1u128 << bits) - 1;
    let signed_min_magnitude = 1u128 << (bits - 1);
    if negative {
        (magnitude <= signed_min_magnitude).then(|| -(magnitude as i128))
    } else {
        (magnitude <= unsigned_max).then_some(magnitude as i128)
    }
}

/// A value the way `zwasm run --invoke` prints results: integers as signed
/// decimal, floats as Rust (and wasmtime) print them, references by kind.
pub(crate) fn format_val(val: &Val) -> String {
    match val {
        Val::I32(v) => v.to_string(),
        Val::I64(v) => v.to_string(),
        Val::F32(bits) => f32::from_bits(*bits).to_string(),
        Val::F64(bits) => f64::from_bits(*bits).to_string(),
        Val::FuncRef(None) | Val::ExternRef(None) => "ref.null".to_owned(),
        Val::FuncRef(Some(_)) => "ref.func".to_owned(),
        Val::ExternRef(Some(_)) => "ref.extern".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn i32_of(text: &str) -> Option<i32> {
        match parse_arg(text, ValType::I32)? {
            Val::I32(v) => Some(v),
            _ => None,
        }
    }

    fn i64_of(text: &str) -> Option<i64> {
        match parse_arg(text, ValType::I64)? {
            Val::I64(v) => Some(v),
            _ => None,
        }
    }

    #[test]
    fn integers() {
        assert_eq!(i32_of("42"), Some(42));
        assert_eq!(i32_of("-7"), Some(-7));
        assert_eq!(i32_of("0x10"), Some(16));
        assert_eq!(i32_of("-0x10"), Some(-16));
        assert_eq!(i32_of("4294967295"), Some(-1));
        assert_eq!(i32_of("-2147483648"), Some(i32::MIN));
        assert_eq!(i32_of("4294967296"), None);
        assert_eq!(i32_of("-2147483649"), None);
        assert_eq!(i32_of("abc"), None);
        assert_eq!(i32_of(""), None);
        assert_eq!(i32_of("0x"), None);
        assert_eq!(i64_of("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(i64_of("0xffffffffffffffff"), Some(-1));
    }

    #[test]
    fn floats() {
        let bits = |text| match parse_arg(text, ValType::F64) {
            Some(Val::F64(bits)) => Some(f64::from_bits(bits)),
            _ => None,
        };
        assert_eq!(bits("1.5"), Some(1.5));
        assert_eq!(bits("-inf"), Some(f64::NEG_INFINITY));
        assert!(bits("nan").is_some_and(f64::is_nan));
        assert_eq!(bits("x"), None);
        assert_eq!(format_val(&Val::F32(1.5f32.to_bits())), "1.5");
        assert_eq!(format_val(&Val::F64(f64::INFINITY.to_bits())), "inf");
        assert_eq!(format_val(&Val::I32(-1)), "-1");
    }
}
