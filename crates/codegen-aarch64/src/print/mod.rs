//! The printer: GNU assembler syntax exactly as `aarch64-linux-gnu-objdump -d`
//! prints the same instruction word (aliases included), except that the
//! mnemonic is followed by one space instead of a tab and objdump's trailing
//! `// comments` and `<symbol>` annotations are left out.
//!
//! PC-relative targets print as `.+8` / `.-4` (accepted by GNU as) with
//! `Display`, and as objdump's absolute hex address with [`Inst::display_at`].

mod alias_choice;
mod operands;

use std::fmt::{self, Write as _};

use crate::inst::*;
use crate::regs::{FpSize, Gpr, GprOrSp, GprOrZr, OperandSize};

use alias_choice::{bitfield_text, cond_select_text, move_wide_preferred};
use operands::*;

/// How PC-relative targets are shown.
#[derive(Clone, Copy, Debug)]
enum Target {
    /// `.+offset`, relative to the instruction.
    Relative,
    /// The absolute address, for an instruction at this address.
    At(u64),
}

/// An instruction displayed at a known address: see [`Inst::display_at`].
#[derive(Clone, Copy, Debug)]
pub struct InstAt<'a> {
    inst: &'a Inst,
    pc: u64,
}

impl Inst {
    /// Displays the instruction as if placed at address `pc`, so branch and
    /// literal targets print as absolute hex addresses like objdump's.
    pub fn display_at(&self, pc: u64) -> InstAt<'_> {
        InstAt { inst: self, pc }
    }
}

impl fmt::Display for Inst {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render(self, Target::Relative))
    }
}

impl fmt::Display for InstAt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render(self.inst, Target::At(self.pc)))
    }
}

fn render(inst: &Inst, style: Target) -> String {
    match *inst {
        Inst::AddSubShifted {
            op,
            set_flags,
            size,
            rd,
            rn,
            rm,
            shift,
            amount,
        } => {
            let suffix = shift_suffix(arith_shift_name(shift), amount);
            let rm = zr(rm, size);
            if set_flags && rd == GprOrZr::Zr {
                format!("{} {}, {rm}{suffix}", compare_name(op), zr(rn, size))
            } else if op == AddSubOp::Sub && rn == GprOrZr::Zr {
                let name = if set_flags { "negs" } else { "neg" };
                format!("{name} {}, {rm}{suffix}", zr(rd, size))
            } else {
                format!(
                    "{} {}, {}, {rm}{suffix}",
                    add_sub_name(op, set_flags),
                    zr(rd, size),
                    zr(rn, size)
                )
            }
        }
        Inst::AddSubImm {
            op,
            size,
            rd,
            rn,
            imm,
        } => {
            if op == AddSubOp::Add && imm.value() == 0 && (rd == GprOrSp::Sp || rn == GprOrSp::Sp) {
                format!("mov {}, {}", sp(rd, size), sp(rn, size))
            } else {
                format!(
                    "{} {}, {}, {}",
                    add_sub_name(op, false),
                    sp(rd, size),
                    sp(rn, size),
                    imm12_text(imm)
                )
            }
        }
        Inst::AddSubImmSetFlags {
            op,
            size,
            rd,
            rn,
            imm,
        } => {
            if rd == GprOrZr::Zr {
                format!("{} {}, {}", compare_name(op), sp(rn, size), imm12_text(imm))
            } else {
                format!(
                    "{} {}, {}, {}",
                    add_sub_name(op, true),
                    zr(rd, size),
                    sp(rn, size),
                    imm12_text(imm)
                )
            }
        }
        Inst::AddSubExtended {
            op,
            size,
            rd,
            rn,
            rm,
            extend,
            amount,
        } => {
            let next_to_sp = rd == GprOrSp::Sp || rn == GprOrSp::Sp;
            let operand = extended_operand(size, rm, extend, amount, next_to_sp);
            format!(
                "{} {}, {}, {operand}",
                add_sub_name(op, false),
                sp(rd, size),
                sp(rn, size)
            )
        }
        Inst::AddSubExtendedSetFlags {
            op,
            size,
            rd,
            rn,
            rm,
            extend,
            amount,
        } => {
            let operand = extended_operand(size, rm, extend, amount, rn == GprOrSp::Sp);
            if rd == GprOrZr::Zr {
                format!("{} {}, {operand}", compare_name(op), sp(rn, size))
            } else {
                format!(
                    "{} {}, {}, {operand}",
                    add_sub_name(op, true),
                    zr(rd, size),
                    sp(rn, size)
                )
            }
        }
        Inst::LogicShifted {
            op,
            size,
            rd,
            rn,
            rm,
            shift,
            amount,
        } => {
            let suffix = shift_suffix(shift_name(shift), amount);
            let rd_is_zr = rd == GprOrZr::Zr;
            let (rd, rn_text, rm) = (zr(rd, size), zr(rn, size), zr(rm, size));
            let name = match op {
                LogicOp::And => "and",
                LogicOp::Bic => "bic",
                LogicOp::Orr => "orr",
                LogicOp::Orn => "orn",
                LogicOp::Eor => "eor",
                LogicOp::Eon => "eon",
                LogicOp::Ands => "ands",
                LogicOp::Bics => "bics",
            };
            match op {
                LogicOp::Orr if rn == GprOrZr::Zr && suffix.is_empty() => format!("mov {rd}, {rm}"),
                LogicOp::Orn if rn == GprOrZr::Zr => format!("mvn {rd}, {rm}{suffix}"),
                LogicOp::Ands if rd_is_zr => format!("tst {rn_text}, {rm}{suffix}"),
                _ => format!("{name} {rd}, {rn_text}, {rm}{suffix}"),
            }
        }
        Inst::LogicImm { op, rd, rn, imm } => {
            let size = imm.size();
            if op == LogicImmOp::Orr && rn == GprOrZr::Zr && !move_wide_preferred(imm) {
                return format!("mov {}, #0x{:x}", sp(rd, size), imm.value());
            }
            let name = match op {
                LogicImmOp::And => "and",
                LogicImmOp::Orr => "orr",
                LogicImmOp::Eor => "eor",
            };
            format!(
                "{name} {}, {}, #0x{:x}",
                sp(rd, size),
                zr(rn, size),
                imm.value()
            )
        }
        Inst::AndsImm { rd, rn, imm } => {
            let size = imm.size();
            if rd == GprOrZr::Zr {
                format!("tst {}, #0x{:x}", zr(rn, size), imm.value())
            } else {
                format!(
                    "ands {}, {}, #0x{:x}",
                    zr(rd, size),
                    zr(rn, size),
                    imm.value()
                )
            }
        }
        Inst::MoveWide { op, size, rd, imm } => {
            let rd = zr(rd, size);
            let shifted_zero = imm.bits() == 0 && imm.hw() != 0;
            // A 32-bit `movn #0xffff` would show as `mov wd, #0`, which is movz's.
            let movn_alias =
                !(shifted_zero || (size == OperandSize::Size32 && imm.bits() == 0xffff));
            let shift = if imm.shift() == 0 {
                String::new()
            } else {
                format!(", lsl #{}", imm.shift())
            };
            match op {
                MoveWideOp::Movz if !shifted_zero => format!("mov {rd}, #0x{:x}", imm.value()),
                MoveWideOp::Movn if movn_alias => {
                    format!("mov {rd}, #0x{:x}", !imm.value() & size.mask())
                }
                MoveWideOp::Movz => format!("movz {rd}, #0x{:x}{shift}", imm.bits()),
                MoveWideOp::Movn => format!("movn {rd}, #0x{:x}{shift}", imm.bits()),
                MoveWideOp::Movk => format!("movk {rd}, #0x{:x}{shift}", imm.bits()),
            }
        }
        Inst::Bitfield { op, rd, rn, imm } => bitfield_text(op, rd, rn, imm),
        Inst::Extr {
            size,
            rd,
            rn,
            rm,
            lsb,
        } => {
            if rn == rm {
                format!("ror {}, {}, #{lsb}", zr(rd, size), zr(rn, size))
            } else {
                format!(
                    "extr {}, {}, {}, #{lsb}",
                    zr(rd, size),
                    zr(rn, size),
                    zr(rm, size)
                )
            }
        }
        Inst::DataProc2 {
            op,
            size,
            rd,
            rn,
            rm,
        } => {
            let name = match op {
                DataProc2Op::Udiv => "udiv",
                DataProc2Op::Sdiv => "sdiv",
                DataProc2Op::Lslv => "lsl",
                DataProc2Op::Lsrv => "lsr",
                DataProc2Op::Asrv => "asr",
                DataProc2Op::Rorv => "ror",
            };
            format!(
                "{name} {}, {}, {}",
                zr(rd, size),
                zr(rn, size),
                zr(rm, size)
            )
        }
        Inst::DataProc1 { op, size, rd, rn } => {
            let name = match op {
                DataProc1Op::Rbit => "rbit",
                DataProc1Op::Rev16 => "rev16",
                DataProc1Op::Rev32 => "rev32",
                DataProc1Op::Rev => "rev",
                DataProc1Op::Clz => "clz",
                DataProc1Op::Cls => "cls",
            };
            format!("{name} {}, {}", zr(rd, size), zr(rn, size))
        }
        Inst::MulAdd {
            op,
            size,
            rd,
            rn,
            rm,
            ra,
        } => {
            let regs = format!("{}, {}, {}", zr(rd, size), zr(rn, size), zr(rm, size));
            match (op, ra) {
                (MulAddOp::Madd, GprOrZr::Zr) => format!("mul {regs}"),
                (MulAddOp::Msub, GprOrZr::Zr) => format!("mneg {regs}"),
                (MulAddOp::Madd, _) => format!("madd {regs}, {}", zr(ra, size)),
                (MulAddOp::Msub, _) => format!("msub {regs}, {}", zr(ra, size)),
            }
        }
        Inst::MulHigh { signed, rd, rn, rm } => {
            let name = if signed { "smulh" } else { "umulh" };
            format!("{name} {}, {}, {}", x(rd), x(rn), x(rm))
        }
        Inst::MulLong { op, rd, rn, rm, ra } => {
            let (name, alias) = match op {
                MulLongOp::Smaddl => ("smaddl", "smull"),
                MulLongOp::Smsubl => ("smsubl", "smnegl"),
                MulLongOp::Umaddl => ("umaddl", "umull"),
                MulLongOp::Umsubl => ("umsubl", "umnegl"),
            };
            let regs = format!("{}, {}, {}", x(rd), w(rn), w(rm));
            if ra == GprOrZr::Zr {
                format!("{alias} {regs}")
            } else {
                format!("{name} {regs}, {}", x(ra))
            }
        }
        Inst::CondSelect {
            op,
            size,
            rd,
            rn,
            rm,
            cond,
        } => cond_select_text(op, size, rd, rn, rm, cond),
        Inst::CondCompare {
            negate,
            size,
            rn,
            rhs,
            nzcv,
            cond,
        } => {
            let name = if negate { "ccmn" } else { "ccmp" };
            let rhs = match rhs {
                CondCompareRhs::Reg(rm) => zr(rm, size),
                CondCompareRhs::Imm(imm) => format!("#0x{:x}", imm.get()),
            };
            format!(
                "{name} {}, {rhs}, #0x{:x}, {}",
                zr(rn, size),
                nzcv.get(),
                cond.name()
            )
        }
        Inst::Adr { rd, offset } => format!("adr {}, {}", x(rd), target(style, offset.bytes())),
        Inst::Adrp { rd, offset } => {
            format!("adrp {}, {}", x(rd), page_target(style, offset.bytes()))
        }
        Inst::B { offset } => format!("b {}", target(style, offset.bytes())),
        Inst::Bl { offset } => format!("bl {}", target(style, offset.bytes())),
        Inst::BCond { cond, offset } => {
            format!("b.{} {}", cond.name(), target(style, offset.bytes()))
        }
        Inst::CompareBranch {
            nonzero,
            size,
            rt,
            offset,
        } => {
            let name = if nonzero { "cbnz" } else { "cbz" };
            format!("{name} {}, {}", zr(rt, size), target(style, offset.bytes()))
        }
        Inst::TestBranch {
            nonzero,
            rt,
            bit,
            offset,
        } => {
            let name = if nonzero { "tbnz" } else { "tbz" };
            let rt = if bit.get() < 32 { w(rt) } else { x(rt) };
            format!(
                "{name} {rt}, #{}, {}",
                bit.get(),
                target(style, offset.bytes())
            )
        }
        Inst::Br { rn } => format!("br {}", xgpr(rn)),
        Inst::Blr { rn } => format!("blr {}", xgpr(rn)),
        Inst::Ret { rn } if rn == Gpr::LR => "ret".to_string(),
        Inst::Ret { rn } => format!("ret {}", xgpr(rn)),
        Inst::Brk { imm } => format!("brk #0x{imm:x}"),
        Inst::Udf { imm } => format!("udf #{imm}"),
        Inst::Load { op, rt, addr } => {
            let access = op.access_bytes();
            format!(
                "{} {}, {}",
                load_name(op, is_unscaled(addr)),
                zr(rt, op.register_size()),
                addr_text(addr, access)
            )
        }
        Inst::Store { op, rt, addr } => {
            let access = op.access_bytes();
            format!(
                "{} {}, {}",
                store_name(op, is_unscaled(addr)),
                zr(rt, op.register_size()),
                addr_text(addr, access)
            )
        }
        Inst::FpLoad { size, rt, addr } => {
            let name = if is_unscaled(addr) { "ldur" } else { "ldr" };
            format!("{name} {}, {}", fp(rt, size), addr_text(addr, size.bytes()))
        }
        Inst::FpStore { size, rt, addr } => {
            let name = if is_unscaled(addr) { "stur" } else { "str" };
            format!("{name} {}, {}", fp(rt, size), addr_text(addr, size.bytes()))
        }
        Inst::LoadLiteral { op, rt, offset } => {
            let (name, rt) = match op {
                LiteralLoadOp::LdrW => ("ldr", w(rt)),
                LiteralLoadOp::LdrX => ("ldr", x(rt)),
                LiteralLoadOp::Ldrsw => ("ldrsw", x(rt)),
            };
            format!("{name} {rt}, {}", target(style, offset.bytes()))
        }
        Inst::FpLoadLiteral { size, rt, offset } => {
            format!("ldr {}, {}", fp(rt, size), target(style, offset.bytes()))
        }
        Inst::LoadPair {
            size,
            rt,
            rt2,
            addr,
        } => {
            format!(
                "ldp {}, {}, {}",
                zr(rt, size),
                zr(rt2, size),
                pair_addr_text(addr, size.bits() / 8)
            )
        }
        Inst::StorePair {
            size,
            rt,
            rt2,
            addr,
        } => {
            format!(
                "stp {}, {}, {}",
                zr(rt, size),
                zr(rt2, size),
                pair_addr_text(addr, size.bits() / 8)
            )
        }
        Inst::FpLoadPair {
            size,
            rt,
            rt2,
            addr,
        } => {
            format!(
                "ldp {}, {}, {}",
                fp(rt, size),
                fp(rt2, size),
                pair_addr_text(addr, size.bytes())
            )
        }
        Inst::FpStorePair {
            size,
            rt,
            rt2,
            addr,
        } => {
            format!(
                "stp {}, {}, {}",
                fp(rt, size),
                fp(rt2, size),
                pair_addr_text(addr, size.bytes())
            )
        }
        Inst::FpuRRR {
            op,
            size,
            rd,
            rn,
            rm,
        } => {
            let name = match op {
                FpuOp2::Mul => "fmul",
                FpuOp2::Div => "fdiv",
                FpuOp2::Add => "fadd",
                FpuOp2::Sub => "fsub",
                FpuOp2::Max => "fmax",
                FpuOp2::Min => "fmin",
                FpuOp2::MaxNm => "fmaxnm",
                FpuOp2::MinNm => "fminnm",
            };
            format!(
                "{name} {}, {}, {}",
                fp(rd, size),
                fp(rn, size),
                fp(rm, size)
            )
        }
        Inst::FpuRR { op, size, rd, rn } => {
            let name = match op {
                FpuOp1::Mov => "fmov",
                FpuOp1::Abs => "fabs",
                FpuOp1::Neg => "fneg",
                FpuOp1::Sqrt => "fsqrt",
                FpuOp1::RintN => "frintn",
                FpuOp1::RintP => "frintp",
                FpuOp1::RintM => "frintm",
                FpuOp1::RintZ => "frintz",
            };
            format!("{name} {}, {}", fp(rd, size), fp(rn, size))
        }
        Inst::FpuCvtPrecision { from, rd, rn } => {
            let to = match from {
                FpSize::Single => FpSize::Double,
                FpSize::Double => FpSize::Single,
            };
            format!("fcvt {}, {}", fp(rd, to), fp(rn, from))
        }
        Inst::Fcmp { size, rn, rhs } => match rhs {
            FcmpRhs::Reg(rm) => format!("fcmp {}, {}", fp(rn, size), fp(rm, size)),
            FcmpRhs::Zero => format!("fcmp {}, #0.0", fp(rn, size)),
        },
        Inst::Fcsel {
            size,
            rd,
            rn,
            rm,
            cond,
        } => {
            format!(
                "fcsel {}, {}, {}, {}",
                fp(rd, size),
                fp(rn, size),
                fp(rm, size),
                cond.name()
            )
        }
        Inst::FmovImm { size, rd, imm } => {
            format!("fmov {}, #{}", fp(rd, size), c_exponent_format(imm.value()))
        }
        Inst::FmovToGpr { size, rd, rn } => {
            format!("fmov {}, {}", zr(rd, size.int_size()), fp(rn, size))
        }
        Inst::FmovFromGpr { size, rd, rn } => {
            format!("fmov {}, {}", fp(rd, size), zr(rn, size.int_size()))
        }
        Inst::IntToFp {
            signed,
            int_size,
            fp_size,
            rd,
            rn,
        } => {
            let name = if signed { "scvtf" } else { "ucvtf" };
            format!("{name} {}, {}", fp(rd, fp_size), zr(rn, int_size))
        }
        Inst::FpToInt {
            signed,
            fp_size,
            int_size,
            rd,
            rn,
        } => {
            let name = if signed { "fcvtzs" } else { "fcvtzu" };
            format!("{name} {}, {}", zr(rd, int_size), fp(rn, fp_size))
        }
        Inst::VecShiftImm {
            op,
            lanes,
            rd,
            rn,
            amount,
        } => {
            let name = match op {
                VecShiftOp::Ushr => "ushr",
                VecShiftOp::Sli => "sli",
            };
            match lanes {
                ShiftLanes::ScalarD => {
                    format!("{name} d{}, d{}, #{amount}", rd.number(), rn.number())
                }
                ShiftLanes::TwoS => {
                    format!("{name} v{}.2s, v{}.2s, #{amount}", rd.number(), rn.number())
                }
            }
        }
        Inst::BitSelect { op, rd, rn, rm } => {
            let name = match op {
                BitSelectOp::Bsl => "bsl",
                BitSelectOp::Bit => "bit",
                BitSelectOp::Bif => "bif",
            };
            let mut text = format!("{name} ");
            let regs = [rd, rn, rm].map(|r| format!("v{}.8b", r.number()));
            let _ = write!(text, "{}", regs.join(", "));
            text
        }
        Inst::Cnt8b { rd, rn } => format!("cnt v{}.8b, v{}.8b", rd.number(), rn.number()),
        Inst::Addv8b { rd, rn } => format!("addv b{}, v{}.8b", rd.number(), rn.number()),
        Inst::Nop => "nop".to_string(),
        Inst::Isb => "isb".to_string(),
        Inst::DmbIsh => "dmb ish".to_string(),
        Inst::Csdb => "csdb".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::c_exponent_format;

    #[test]
    fn fp_immediates_print_like_c() {
        assert_eq!(c_exponent_format(1.0), "1.000000000000000000e+00");
        assert_eq!(c_exponent_format(-0.125), "-1.250000000000000000e-01");
        assert_eq!(c_exponent_format(31.0), "3.100000000000000000e+01");
    }
}
