//! Operand text: registers, immediates, addresses and targets.

use super::Target;
use crate::inst::*;
use crate::regs::{FpSize, Gpr, GprOrSp, GprOrZr, OperandSize, VReg};

pub(super) fn x_or_w(size: OperandSize, number: u32) -> String {
    match size {
        OperandSize::Size32 => format!("w{number}"),
        OperandSize::Size64 => format!("x{number}"),
    }
}

pub(super) fn zr(reg: GprOrZr, size: OperandSize) -> String {
    match (reg, size) {
        (GprOrZr::Gpr(r), _) => x_or_w(size, r.number().into()),
        (GprOrZr::Zr, OperandSize::Size32) => "wzr".to_string(),
        (GprOrZr::Zr, OperandSize::Size64) => "xzr".to_string(),
    }
}

pub(super) fn sp(reg: GprOrSp, size: OperandSize) -> String {
    match (reg, size) {
        (GprOrSp::Gpr(r), _) => x_or_w(size, r.number().into()),
        (GprOrSp::Sp, OperandSize::Size32) => "wsp".to_string(),
        (GprOrSp::Sp, OperandSize::Size64) => "sp".to_string(),
    }
}

pub(super) fn x(reg: GprOrZr) -> String {
    zr(reg, OperandSize::Size64)
}

pub(super) fn w(reg: GprOrZr) -> String {
    zr(reg, OperandSize::Size32)
}

pub(super) fn xgpr(reg: Gpr) -> String {
    format!("x{}", reg.number())
}

pub(super) fn fp(reg: VReg, size: FpSize) -> String {
    match size {
        FpSize::Single => format!("s{}", reg.number()),
        FpSize::Double => format!("d{}", reg.number()),
    }
}

pub(super) fn base(reg: GprOrSp) -> String {
    sp(reg, OperandSize::Size64)
}

pub(super) fn target(style: Target, offset: i64) -> String {
    match style {
        Target::Relative if offset < 0 => format!(".-{}", offset.unsigned_abs()),
        Target::Relative => format!(".+{offset}"),
        Target::At(pc) => format!("{:x}", pc.wrapping_add_signed(offset)),
    }
}

pub(super) fn page_target(style: Target, offset: i64) -> String {
    match style {
        Target::Relative => target(style, offset),
        Target::At(pc) => format!("{:x}", (pc & !0xfff).wrapping_add_signed(offset)),
    }
}

pub(super) fn arith_shift_name(shift: ArithShift) -> &'static str {
    match shift {
        ArithShift::Lsl => "lsl",
        ArithShift::Lsr => "lsr",
        ArithShift::Asr => "asr",
    }
}

pub(super) fn shift_name(shift: ShiftOp) -> &'static str {
    match shift {
        ShiftOp::Lsl => "lsl",
        ShiftOp::Lsr => "lsr",
        ShiftOp::Asr => "asr",
        ShiftOp::Ror => "ror",
    }
}

pub(super) fn extend_name(extend: ExtendOp) -> &'static str {
    match extend {
        ExtendOp::Uxtb => "uxtb",
        ExtendOp::Uxth => "uxth",
        ExtendOp::Uxtw => "uxtw",
        ExtendOp::Uxtx => "uxtx",
        ExtendOp::Sxtb => "sxtb",
        ExtendOp::Sxth => "sxth",
        ExtendOp::Sxtw => "sxtw",
        ExtendOp::Sxtx => "sxtx",
    }
}

/// `, lsr #3`, or nothing for `lsl #0`.
pub(super) fn shift_suffix(name: &str, amount: u8) -> String {
    if name == "lsl" && amount == 0 {
        String::new()
    } else {
        format!(", {name} #{amount}")
    }
}

pub(super) fn add_sub_name(op: AddSubOp, set_flags: bool) -> &'static str {
    match (op, set_flags) {
        (AddSubOp::Add, false) => "add",
        (AddSubOp::Add, true) => "adds",
        (AddSubOp::Sub, false) => "sub",
        (AddSubOp::Sub, true) => "subs",
    }
}

pub(super) fn compare_name(op: AddSubOp) -> &'static str {
    match op {
        AddSubOp::Add => "cmn",
        AddSubOp::Sub => "cmp",
    }
}

pub(super) fn imm12_text(imm: crate::Imm12) -> String {
    if imm.shift12() {
        format!("#0x{:x}, lsl #12", imm.bits())
    } else {
        format!("#0x{:x}", imm.bits())
    }
}

/// The extended register operand, `rm, extend #amount`, shown as `lsl`
/// (or bare) where the ARM ARM prefers it: next to sp, extending by the
/// operand width.
pub(super) fn extended_operand(
    size: OperandSize,
    rm: GprOrZr,
    extend: ExtendOp,
    amount: u8,
    next_to_sp: bool,
) -> String {
    let rm_size = match (size, extend) {
        (OperandSize::Size64, ExtendOp::Uxtx | ExtendOp::Sxtx) => OperandSize::Size64,
        _ => OperandSize::Size32,
    };
    let width_extend = match size {
        OperandSize::Size32 => ExtendOp::Uxtw,
        OperandSize::Size64 => ExtendOp::Uxtx,
    };
    let rm = zr(rm, rm_size);
    if next_to_sp && extend == width_extend {
        if amount == 0 {
            rm
        } else {
            format!("{rm}, lsl #{amount}")
        }
    } else if amount == 0 {
        format!("{rm}, {}", extend_name(extend))
    } else {
        format!("{rm}, {} #{amount}", extend_name(extend))
    }
}

/// Whether the value of `orr rd, zr, #imm` is also a single `movz` or
/// `movn`: then `mov rd, #imm` would stand for the move-wide instruction,
/// and objdump keeps the `orr` spelling.
pub(super) fn load_name(op: LoadOp, unscaled: bool) -> &'static str {
    match (op, unscaled) {
        (LoadOp::Ldrb, false) => "ldrb",
        (LoadOp::Ldrh, false) => "ldrh",
        (LoadOp::LdrW | LoadOp::LdrX, false) => "ldr",
        (LoadOp::LdrsbW | LoadOp::LdrsbX, false) => "ldrsb",
        (LoadOp::LdrshW | LoadOp::LdrshX, false) => "ldrsh",
        (LoadOp::Ldrsw, false) => "ldrsw",
        (LoadOp::Ldrb, true) => "ldurb",
        (LoadOp::Ldrh, true) => "ldurh",
        (LoadOp::LdrW | LoadOp::LdrX, true) => "ldur",
        (LoadOp::LdrsbW | LoadOp::LdrsbX, true) => "ldursb",
        (LoadOp::LdrshW | LoadOp::LdrshX, true) => "ldursh",
        (LoadOp::Ldrsw, true) => "ldursw",
    }
}

pub(super) fn store_name(op: StoreOp, unscaled: bool) -> &'static str {
    match (op, unscaled) {
        (StoreOp::Strb, false) => "strb",
        (StoreOp::Strh, false) => "strh",
        (StoreOp::StrW | StoreOp::StrX, false) => "str",
        (StoreOp::Strb, true) => "sturb",
        (StoreOp::Strh, true) => "sturh",
        (StoreOp::StrW | StoreOp::StrX, true) => "stur",
    }
}

pub(super) fn is_unscaled(addr: AddrMode) -> bool {
    matches!(addr, AddrMode::Unscaled { .. })
}

pub(super) fn addr_text(addr: AddrMode, access_bytes: u32) -> String {
    let offset_text = |rn: GprOrSp, offset: i64| {
        if offset == 0 {
            format!("[{}]", base(rn))
        } else {
            format!("[{}, #{offset}]", base(rn))
        }
    };
    match addr {
        AddrMode::Scaled { rn, index } => {
            offset_text(rn, i64::from(index.get()) * i64::from(access_bytes))
        }
        AddrMode::Unscaled { rn, offset } => offset_text(rn, offset.get().into()),
        AddrMode::PreIndex { rn, offset } => format!("[{}, #{}]!", base(rn), offset.get()),
        AddrMode::PostIndex { rn, offset } => format!("[{}], #{}", base(rn), offset.get()),
        AddrMode::RegOffset {
            rn,
            rm,
            extend,
            scaled,
        } => {
            let amount = access_bytes.trailing_zeros();
            let (rm_text, extend_text) = match extend {
                IndexExtend::Uxtw => (w(rm), "uxtw"),
                IndexExtend::Sxtw => (w(rm), "sxtw"),
                IndexExtend::Lsl => (x(rm), "lsl"),
                IndexExtend::Sxtx => (x(rm), "sxtx"),
            };
            match (extend, scaled) {
                (IndexExtend::Lsl, false) => format!("[{}, {rm_text}]", base(rn)),
                (_, false) => format!("[{}, {rm_text}, {extend_text}]", base(rn)),
                (_, true) => format!("[{}, {rm_text}, {extend_text} #{amount}]", base(rn)),
            }
        }
    }
}

pub(super) fn pair_addr_text(addr: PairAddr, register_bytes: u32) -> String {
    let bytes = |index: crate::PairIndex| i64::from(index.get()) * i64::from(register_bytes);
    match addr {
        PairAddr::Offset { rn, index } if index.get() == 0 => format!("[{}]", base(rn)),
        PairAddr::Offset { rn, index } => format!("[{}, #{}]", base(rn), bytes(index)),
        PairAddr::PreIndex { rn, index } => format!("[{}, #{}]!", base(rn), bytes(index)),
        PairAddr::PostIndex { rn, index } => format!("[{}], #{}", base(rn), bytes(index)),
    }
}

/// Formats like C's `%.18e`, which objdump uses for FP immediates.
pub(super) fn c_exponent_format(value: f64) -> String {
    let text = format!("{value:.18e}");
    match text.split_once('e') {
        Some((mantissa, exponent)) => {
            let exponent: i32 = exponent.parse().unwrap_or(0);
            let sign = if exponent < 0 { '-' } else { '+' };
            format!("{mantissa}e{sign}{:02}", exponent.unsigned_abs())
        }
        None => text,
    }
}
