//! The numeric instructions at run time, with their traps.

use zwasm_ir_reg::Opcode;

use super::{Stop, Val};

const CANONICAL_F32: u32 = 0x7fc0_0000;
const CANONICAL_F64: u64 = 0x7ff8_0000_0000_0000;

fn f32_val(x: f32) -> Val {
    Val::F32(if x.is_nan() {
        CANONICAL_F32
    } else {
        x.to_bits()
    })
}

fn f64_val(x: f64) -> Val {
    Val::F64(if x.is_nan() {
        CANONICAL_F64
    } else {
        x.to_bits()
    })
}

fn flag(b: bool) -> Val {
    Val::I32(i32::from(b))
}

fn fmin(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == b {
        if a.is_sign_negative() { a } else { b }
    } else {
        a.min(b)
    }
}

fn fmax(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == b {
        if a.is_sign_positive() { a } else { b }
    } else {
        a.max(b)
    }
}

/// Truncation toward zero into `[lo, hi)`, trapping outside.
fn trunc(x: f64, lo: f64, hi: f64) -> Result<f64, Stop> {
    if x.is_nan() {
        return Err(Stop::Trap("invalid conversion to integer"));
    }
    let t = x.trunc();
    if t >= lo && t < hi {
        Ok(t)
    } else {
        Err(Stop::Trap("integer overflow"))
    }
}

const DIV_ZERO: Stop = Stop::Trap("integer divide by zero");
const OVERFLOW: Stop = Stop::Trap("integer overflow");

/// Runs a numeric opcode.
pub fn numeric(op: Opcode, args: &[Val]) -> Result<Val, Stop> {
    use Opcode as O;
    use Val::{F32, F64, I32, I64};
    let f32a = |i: usize| match args[i] {
        F32(bits) => f32::from_bits(bits),
        other => panic!("expected f32, got {other:?}"),
    };
    let f64a = |i: usize| match args[i] {
        F64(bits) => f64::from_bits(bits),
        other => panic!("expected f64, got {other:?}"),
    };
    let f32bits = |i: usize| match args[i] {
        F32(bits) => bits,
        other => panic!("expected f32, got {other:?}"),
    };
    let f64bits = |i: usize| match args[i] {
        F64(bits) => bits,
        other => panic!("expected f64, got {other:?}"),
    };
    let a32 = || args[0].i32();
    let b32 = || args[1].i32();
    let a64 = || args[0].i64();
    let b64 = || args[1].i64();
    Ok(match op {
        O::I32Eqz => flag(a32() == 0),
        O::I32Eq => flag(a32() == b32()),
        O::I32Ne => flag(a32() != b32()),
        O::I32LtS => flag(a32() < b32()),
        O::I32LtU => flag((a32() as u32) < (b32() as u32)),
        O::I32GtS => flag(a32() > b32()),
        O::I32GtU => flag((a32() as u32) > (b32() as u32)),
        O::I32LeS => flag(a32() <= b32()),
        O::I32LeU => flag((a32() as u32) <= (b32() as u32)),
        O::I32GeS => flag(a32() >= b32()),
        O::I32GeU => flag((a32() as u32) >= (b32() as u32)),
        O::I32Clz => I32(a32().leading_zeros() as i32),
        O::I32Ctz => I32(a32().trailing_zeros() as i32),
        O::I32Popcnt => I32(a32().count_ones() as i32),
        O::I32Add => I32(a32().wrapping_add(b32())),
        O::I32Sub => I32(a32().wrapping_sub(b32())),
        O::I32Mul => I32(a32().wrapping_mul(b32())),
        O::I32DivS => {
            if b32() == 0 {
                return Err(DIV_ZERO);
            }
            I32(a32().checked_div(b32()).ok_or(OVERFLOW)?)
        }
        O::I32DivU => I32(((a32() as u32).checked_div(b32() as u32).ok_or(DIV_ZERO)?) as i32),
        O::I32RemS => {
            if b32() == 0 {
                return Err(DIV_ZERO);
            }
            I32(a32().wrapping_rem(b32()))
        }
        O::I32RemU => I32(((a32() as u32).checked_rem(b32() as u32).ok_or(DIV_ZERO)?) as i32),
        O::I32And => I32(a32() & b32()),
        O::I32Or => I32(a32() | b32()),
        O::I32Xor => I32(a32() ^ b32()),
        O::I32Shl => I32(a32() << (b32() & 31)),
        O::I32ShrS => I32(a32() >> (b32() & 31)),
        O::I32ShrU => I32(((a32() as u32) >> (b32() & 31)) as i32),
        O::I32Rotl => I32(a32().rotate_left((b32() & 31) as u32)),
        O::I32Rotr => I32(a32().rotate_right((b32() & 31) as u32)),
        O::I32Extend8S => I32(a32() as i8 as i32),
        O::I32Extend16S => I32(a32() as i16 as i32),
        O::I64Eqz => flag(a64() == 0),
        O::I64Eq => flag(a64() == b64()),
        O::I64Ne => flag(a64() != b64()),
        O::I64LtS => flag(a64() < b64()),
        O::I64LtU => flag((a64() as u64) < (b64() as u64)),
        O::I64GtS => flag(a64() > b64()),
        O::I64GtU => flag((a64() as u64) > (b64() as u64)),
        O::I64LeS => flag(a64() <= b64()),
        O::I64LeU => flag((a64() as u64) <= (b64() as u64)),
        O::I64GeS => flag(a64() >= b64()),
        O::I64GeU => flag((a64() as u64) >= (b64() as u64)),
        O::I64Clz => I64(i64::from(a64().leading_zeros())),
        O::I64Ctz => I64(i64::from(a64().trailing_zeros())),
        O::I64Popcnt => I64(i64::from(a64().count_ones())),
        O::I64Add => I64(a64().wrapping_add(b64())),
        O::I64Sub => I64(a64().wrapping_sub(b64())),
        O::I64Mul => I64(a64().wrapping_mul(b64())),
        O::I64DivS => {
            if b64() == 0 {
                return Err(DIV_ZERO);
            }
            I64(a64().checked_div(b64()).ok_or(OVERFLOW)?)
        }
        O::I64DivU => I64(((a64() as u64).checked_div(b64() as u64).ok_or(DIV_ZERO)?) as i64),
        O::I64RemS => {
            if b64() == 0 {
                return Err(DIV_ZERO);
            }
            I64(a64().wrapping_rem(b64()))
        }
        O::I64RemU => I64(((a64() as u64).checked_rem(b64() as u64).ok_or(DIV_ZERO)?) as i64),
        O::I64And => I64(a64() & b64()),
        O::I64Or => I64(a64() | b64()),
        O::I64Xor => I64(a64() ^ b64()),
        O::I64Shl => I64(a64() << (b64() & 63)),
        O::I64ShrS => I64(a64() >> (b64() & 63)),
        O::I64ShrU => I64(((a64() as u64) >> (b64() & 63)) as i64),
        O::I64Rotl => I64(a64().rotate_left((b64() & 63) as u32)),
        O::I64Rotr => I64(a64().rotate_right((b64() & 63) as u32)),
        O::I64Extend8S => I64(a64() as i8 as i64),
        O::I64Extend16S => I64(a64() as i16 as i64),
        O::I64Extend32S => I64(a64() as i32 as i64),
        O::F32Eq => flag(f32a(0) == f32a(1)),
        O::F32Ne => flag(f32a(0) != f32a(1)),
        O::F32Lt => flag(f32a(0) < f32a(1)),
        O::F32Gt => flag(f32a(0) > f32a(1)),
        O::F32Le => flag(f32a(0) <= f32a(1)),
        O::F32Ge => flag(f32a(0) >= f32a(1)),
        O::F32Abs => F32(f32bits(0) & 0x7fff_ffff),
        O::F32Neg => F32(f32bits(0) ^ 0x8000_0000),
        O::F32Copysign => F32((f32bits(0) & 0x7fff_ffff) | (f32bits(1) & 0x8000_0000)),
        O::F32Ceil => f32_val(f32a(0).ceil()),
        O::F32Floor => f32_val(f32a(0).floor()),
        O::F32Trunc => f32_val(f32a(0).trunc()),
        O::F32Nearest => f32_val(f32a(0).round_ties_even()),
        O::F32Sqrt => f32_val(f32a(0).sqrt()),
        O::F32Add => f32_val(f32a(0) + f32a(1)),
        O::F32Sub => f32_val(f32a(0) - f32a(1)),
        O::F32Mul => f32_val(f32a(0) * f32a(1)),
        O::F32Div => f32_val(f32a(0) / f32a(1)),
        O::F32Min => f32_val(fmin(f32a(0).into(), f32a(1).into()) as f32),
        O::F32Max => f32_val(fmax(f32a(0).into(), f32a(1).into()) as f32),
        O::F64Eq => flag(f64a(0) == f64a(1)),
        O::F64Ne => flag(f64a(0) != f64a(1)),
        O::F64Lt => flag(f64a(0) < f64a(1)),
        O::F64Gt => flag(f64a(0) > f64a(1)),
        O::F64Le => flag(f64a(0) <= f64a(1)),
        O::F64Ge => flag(f64a(0) >= f64a(1)),
        O::F64Abs => F64(f64bits(0) & 0x7fff_ffff_ffff_ffff),
        O::F64Neg => F64(f64bits(0) ^ 0x8000_0000_0000_0000),
        O::F64Copysign => {
            F64((f64bits(0) & 0x7fff_ffff_ffff_ffff) | (f64bits(1) & 0x8000_0000_0000_0000))
        }
        O::F64Ceil => f64_val(f64a(0).ceil()),
        O::F64Floor => f64_val(f64a(0).floor()),
        O::F64Trunc => f64_val(f64a(0).trunc()),
        O::F64Nearest => f64_val(f64a(0).round_ties_even()),
        O::F64Sqrt => f64_val(f64a(0).sqrt()),
        O::F64Add => f64_val(f64a(0) + f64a(1)),
        O::F64Sub => f64_val(f64a(0) - f64a(1)),
        O::F64Mul => f64_val(f64a(0) * f64a(1)),
        O::F64Div => f64_val(f64a(0) / f64a(1)),
        O::F64Min => f64_val(fmin(f64a(0), f64a(1))),
        O::F64Max => f64_val(fmax(f64a(0), f64a(1))),
        O::I32WrapI64 => I32(a64() as i32),
        O::I32TruncF32S => I32(trunc(f32a(0).into(), -2147483648.0, 2147483648.0)? as i32),
        O::I32TruncF32U => I32(trunc(f32a(0).into(), 0.0, 4294967296.0)? as u32 as i32),
        O::I32TruncF64S => I32(trunc(f64a(0), -2147483648.0, 2147483648.0)? as i32),
        O::I32TruncF64U => I32(trunc(f64a(0), 0.0, 4294967296.0)? as u32 as i32),
        O::I64ExtendI32S => I64(i64::from(a32())),
        O::I64ExtendI32U => I64(i64::from(a32() as u32)),
        O::I64TruncF32S => {
            I64(trunc(f32a(0).into(), -9.223372036854776e18, 9.223372036854776e18)? as i64)
        }
        O::I64TruncF32U => I64(trunc(f32a(0).into(), 0.0, 1.8446744073709552e19)? as u64 as i64),
        O::I64TruncF64S => I64(trunc(f64a(0), -9.223372036854776e18, 9.223372036854776e18)? as i64),
        O::I64TruncF64U => I64(trunc(f64a(0), 0.0, 1.8446744073709552e19)? as u64 as i64),
        O::F32ConvertI32S => F32((a32() as f32).to_bits()),
        O::F32ConvertI32U => F32((a32() as u32 as f32).to_bits()),
        O::F32ConvertI64S => F32((a64() as f32).to_bits()),
        O::F32ConvertI64U => F32((a64() as u64 as f32).to_bits()),
        O::F32DemoteF64 => f32_val(f64a(0) as f32),
        O::F64ConvertI32S => F64(f64::from(a32()).to_bits()),
        O::F64ConvertI32U => F64(f64::from(a32() as u32).to_bits()),
        O::F64ConvertI64S => F64((a64() as f64).to_bits()),
        O::F64ConvertI64U => F64((a64() as u64 as f64).to_bits()),
        O::F64PromoteF32 => f64_val(f32a(0).into()),
        O::I32ReinterpretF32 => I32(f32bits(0) as i32),
        O::I64ReinterpretF64 => I64(f64bits(0) as i64),
        O::F32ReinterpretI32 => F32(a32() as u32),
        O::F64ReinterpretI64 => F64(a64() as u64),
        O::I32TruncSatF32S => I32(f32a(0) as i32),
        O::I32TruncSatF32U => I32(f32a(0) as u32 as i32),
        O::I32TruncSatF64S => I32(f64a(0) as i32),
        O::I32TruncSatF64U => I32(f64a(0) as u32 as i32),
        O::I64TruncSatF32S => I64(f32a(0) as i64),
        O::I64TruncSatF32U => I64(f32a(0) as u64 as i64),
        O::I64TruncSatF64S => I64(f64a(0) as i64),
        O::I64TruncSatF64U => I64(f64a(0) as u64 as i64),
        other => return Err(Stop::Unsupported(format!("{other} in the interpreter"))),
    })
}
