//! Which alias objdump shows for the instructions whose spelling depends
//! on their operands (bitfield moves, conditional selects, `orr` moves).

use super::operands::{w, zr};
use crate::cond::Cond;
use crate::imms::MoveWideImm;
use crate::inst::*;
use crate::logical_imm::LogicalImm;
use crate::regs::{GprOrZr, OperandSize};

pub(super) fn move_wide_preferred(imm: LogicalImm) -> bool {
    let mask = imm.size().mask();
    MoveWideImm::from_value(imm.value()).is_some()
        || MoveWideImm::from_value(!imm.value() & mask).is_some()
}

pub(super) fn bitfield_text(
    op: BitfieldOp,
    rd: GprOrZr,
    rn: GprOrZr,
    imm: crate::BitfieldImm,
) -> String {
    let size = imm.size();
    let width = size.bits() as u8;
    let (r, s) = (imm.immr(), imm.imms());
    let (rd_text, rn_text) = (zr(rd, size), zr(rn, size));
    let lsb_width = |mnemonic: &str, lsb: u8, bits: u8| {
        format!("{mnemonic} {rd_text}, {rn_text}, #{lsb}, #{bits}")
    };
    match op {
        BitfieldOp::Sbfm => {
            if s == width - 1 {
                format!("asr {rd_text}, {rn_text}, #{r}")
            } else if let Some(name) = match (r, s) {
                (0, 7) => Some("sxtb"),
                (0, 15) => Some("sxth"),
                (0, 31) => Some("sxtw"),
                _ => None,
            } {
                format!("{name} {rd_text}, {}", w(rn))
            } else if s < r {
                lsb_width("sbfiz", width - r, s + 1)
            } else {
                lsb_width("sbfx", r, s - r + 1)
            }
        }
        BitfieldOp::Ubfm => {
            if s != width - 1 && s + 1 == r {
                format!("lsl {rd_text}, {rn_text}, #{}", width - 1 - s)
            } else if s == width - 1 {
                format!("lsr {rd_text}, {rn_text}, #{r}")
            } else if size == OperandSize::Size32 && r == 0 && (s == 7 || s == 15) {
                let name = if s == 7 { "uxtb" } else { "uxth" };
                format!("{name} {rd_text}, {rn_text}")
            } else if s < r {
                lsb_width("ubfiz", width - r, s + 1)
            } else {
                lsb_width("ubfx", r, s - r + 1)
            }
        }
        BitfieldOp::Bfm => {
            if s < r && rn == GprOrZr::Zr {
                format!("bfc {rd_text}, #{}, #{}", width - r, s + 1)
            } else if s < r {
                lsb_width("bfi", width - r, s + 1)
            } else {
                lsb_width("bfxil", r, s - r + 1)
            }
        }
    }
}

pub(super) fn cond_select_text(
    op: CondSelectOp,
    size: OperandSize,
    rd: GprOrZr,
    rn: GprOrZr,
    rm: GprOrZr,
    cond: Cond,
) -> String {
    let (rd_t, rn_t, rm_t) = (zr(rd, size), zr(rn, size), zr(rm, size));
    let inverted = cond.invert().name();
    let (name, set_alias, same_alias) = match op {
        CondSelectOp::Csel => ("csel", None, None),
        CondSelectOp::Csinc => ("csinc", Some("cset"), Some("cinc")),
        CondSelectOp::Csinv => ("csinv", Some("csetm"), Some("cinv")),
        CondSelectOp::Csneg => ("csneg", None, Some("cneg")),
    };
    if !cond.is_always() {
        if let (Some(alias), GprOrZr::Zr, GprOrZr::Zr) = (set_alias, rn, rm) {
            return format!("{alias} {rd_t}, {inverted}");
        }
        if let Some(alias) = same_alias.filter(|_| rn == rm) {
            return format!("{alias} {rd_t}, {rn_t}, {inverted}");
        }
    }
    format!("{name} {rd_t}, {rn_t}, {rm_t}, {}", cond.name())
}
