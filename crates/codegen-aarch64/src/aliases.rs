//! Constructors for the assembler aliases the lowering uses (`mov`, `cmp`,
//! `lsl #n`, `sxtb`, `cset`, ...), each building the canonical instruction
//! the alias stands for.

use crate::cond::Cond;
use crate::imms::{BitfieldImm, Imm12, PairIndex};
use crate::inst::*;
use crate::logical_imm::LogicalImm;
use crate::regs::{Gpr, GprOrSp, GprOrZr, OperandSize};

impl Inst {
    /// `mov rd, rm` between general-purpose registers (`orr rd, zr, rm`).
    /// A 32-bit move zero-extends into the `x` register.
    pub fn mov(size: OperandSize, rd: GprOrZr, rm: GprOrZr) -> Inst {
        Inst::LogicShifted {
            op: LogicOp::Orr,
            size,
            rd,
            rn: GprOrZr::Zr,
            rm,
            shift: ShiftOp::Lsl,
            amount: 0,
        }
    }

    /// `mov rd, rn` where either may be sp (`add rd, rn, #0`).
    pub fn mov_sp(rd: GprOrSp, rn: GprOrSp) -> Inst {
        Inst::AddSubImm {
            op: AddSubOp::Add,
            size: OperandSize::Size64,
            rd,
            rn,
            imm: Imm12::ZERO,
        }
    }

    /// `add`/`sub`/`adds`/`subs rd, rn, rm` (registers only).
    pub fn add_sub(
        op: AddSubOp,
        set_flags: bool,
        size: OperandSize,
        rd: GprOrZr,
        rn: GprOrZr,
        rm: GprOrZr,
    ) -> Inst {
        Inst::AddSubShifted {
            op,
            set_flags,
            size,
            rd,
            rn,
            rm,
            shift: ArithShift::Lsl,
            amount: 0,
        }
    }

    /// `cmp rn, rm` (`subs zr, rn, rm`).
    pub fn cmp(size: OperandSize, rn: GprOrZr, rm: GprOrZr) -> Inst {
        Inst::add_sub(AddSubOp::Sub, true, size, GprOrZr::Zr, rn, rm)
    }

    /// `cmp rn, #imm` (`subs zr, rn, #imm`).
    pub fn cmp_imm(size: OperandSize, rn: GprOrSp, imm: Imm12) -> Inst {
        Inst::AddSubImmSetFlags {
            op: AddSubOp::Sub,
            size,
            rd: GprOrZr::Zr,
            rn,
            imm,
        }
    }

    /// `cmn rn, #imm` (`adds zr, rn, #imm`).
    pub fn cmn_imm(size: OperandSize, rn: GprOrSp, imm: Imm12) -> Inst {
        Inst::AddSubImmSetFlags {
            op: AddSubOp::Add,
            size,
            rd: GprOrZr::Zr,
            rn,
            imm,
        }
    }

    /// `tst rn, rm` (`ands zr, rn, rm`).
    pub fn tst(size: OperandSize, rn: GprOrZr, rm: GprOrZr) -> Inst {
        Inst::LogicShifted {
            op: LogicOp::Ands,
            size,
            rd: GprOrZr::Zr,
            rn,
            rm,
            shift: ShiftOp::Lsl,
            amount: 0,
        }
    }

    /// `tst rn, #imm` (`ands zr, rn, #imm`).
    pub fn tst_imm(rn: GprOrZr, imm: LogicalImm) -> Inst {
        Inst::AndsImm {
            rd: GprOrZr::Zr,
            rn,
            imm,
        }
    }

    /// `neg rd, rm` (`sub rd, zr, rm`).
    pub fn neg(size: OperandSize, rd: GprOrZr, rm: GprOrZr) -> Inst {
        Inst::add_sub(AddSubOp::Sub, false, size, rd, GprOrZr::Zr, rm)
    }

    /// `mvn rd, rm` (`orn rd, zr, rm`).
    pub fn mvn(size: OperandSize, rd: GprOrZr, rm: GprOrZr) -> Inst {
        Inst::LogicShifted {
            op: LogicOp::Orn,
            size,
            rd,
            rn: GprOrZr::Zr,
            rm,
            shift: ShiftOp::Lsl,
            amount: 0,
        }
    }

    /// `mul rd, rn, rm` (`madd rd, rn, rm, zr`).
    pub fn mul(size: OperandSize, rd: GprOrZr, rn: GprOrZr, rm: GprOrZr) -> Inst {
        Inst::MulAdd {
            op: MulAddOp::Madd,
            size,
            rd,
            rn,
            rm,
            ra: GprOrZr::Zr,
        }
    }

    /// `lsl rd, rn, #amount` (`ubfm`), or `None` unless the amount is below the width.
    pub fn lsl_imm(size: OperandSize, rd: GprOrZr, rn: GprOrZr, amount: u8) -> Option<Inst> {
        let width = size.bits() as u8;
        if amount >= width {
            return None;
        }
        let imm = BitfieldImm::new(size, (width - amount) % width, width - 1 - amount)?;
        Some(Inst::Bitfield {
            op: BitfieldOp::Ubfm,
            rd,
            rn,
            imm,
        })
    }

    /// `lsr rd, rn, #amount` (`ubfm`), or `None` unless the amount is below the width.
    pub fn lsr_imm(size: OperandSize, rd: GprOrZr, rn: GprOrZr, amount: u8) -> Option<Inst> {
        let imm = BitfieldImm::new(size, amount, size.bits() as u8 - 1)?;
        Some(Inst::Bitfield {
            op: BitfieldOp::Ubfm,
            rd,
            rn,
            imm,
        })
    }

    /// `asr rd, rn, #amount` (`sbfm`), or `None` unless the amount is below the width.
    pub fn asr_imm(size: OperandSize, rd: GprOrZr, rn: GprOrZr, amount: u8) -> Option<Inst> {
        let imm = BitfieldImm::new(size, amount, size.bits() as u8 - 1)?;
        Some(Inst::Bitfield {
            op: BitfieldOp::Sbfm,
            rd,
            rn,
            imm,
        })
    }

    /// `ror rd, rn, #amount` (`extr rd, rn, rn, #amount`), or `None` unless
    /// the amount is below the width.
    pub fn ror_imm(size: OperandSize, rd: GprOrZr, rn: GprOrZr, amount: u8) -> Option<Inst> {
        if u32::from(amount) >= size.bits() {
            return None;
        }
        Some(Inst::Extr {
            size,
            rd,
            rn,
            rm: rn,
            lsb: amount,
        })
    }

    /// `ubfx`/`sbfx rd, rn, #lsb, #width`: extract `width` bits from bit
    /// `lsb`, zero- or sign-extended. `None` if the field does not fit.
    pub fn bitfield_extract(
        signed: bool,
        size: OperandSize,
        rd: GprOrZr,
        rn: GprOrZr,
        lsb: u8,
        width: u8,
    ) -> Option<Inst> {
        let last = lsb.checked_add(width)?.checked_sub(1)?;
        let imm = BitfieldImm::new(size, lsb, last)?;
        let op = if signed {
            BitfieldOp::Sbfm
        } else {
            BitfieldOp::Ubfm
        };
        Some(Inst::Bitfield { op, rd, rn, imm })
    }

    /// `bfi rd, rn, #lsb, #width`: insert the low `width` bits of `rn` at
    /// bit `lsb` of `rd`. `None` if the field does not fit.
    pub fn bitfield_insert(
        size: OperandSize,
        rd: GprOrZr,
        rn: GprOrZr,
        lsb: u8,
        width: u8,
    ) -> Option<Inst> {
        let register_bits = size.bits() as u8;
        if width == 0 || u32::from(lsb) + u32::from(width) > size.bits() {
            return None;
        }
        let imm = BitfieldImm::new(size, (register_bits - lsb) % register_bits, width - 1)?;
        Some(Inst::Bitfield {
            op: BitfieldOp::Bfm,
            rd,
            rn,
            imm,
        })
    }

    /// Sign extension of the low `from_bits` (8, 16 or 32) bits: `sxtb`,
    /// `sxth`, `sxtw`. `None` for other widths or `sxtw` into a `w` register.
    pub fn sign_extend(size: OperandSize, rd: GprOrZr, rn: GprOrZr, from_bits: u8) -> Option<Inst> {
        if !matches!(from_bits, 8 | 16 | 32) || u32::from(from_bits) >= size.bits() {
            return None;
        }
        let imm = BitfieldImm::new(size, 0, from_bits - 1)?;
        Some(Inst::Bitfield {
            op: BitfieldOp::Sbfm,
            rd,
            rn,
            imm,
        })
    }

    /// Zero extension of the low 8 or 16 bits into a `w` register (`uxtb`,
    /// `uxth`; the upper half of `x` is cleared too). For 32 bits use a
    /// 32-bit [`Inst::mov`].
    pub fn zero_extend(rd: GprOrZr, rn: GprOrZr, from_bits: u8) -> Option<Inst> {
        if !matches!(from_bits, 8 | 16) {
            return None;
        }
        let imm = BitfieldImm::new(OperandSize::Size32, 0, from_bits - 1)?;
        Some(Inst::Bitfield {
            op: BitfieldOp::Ubfm,
            rd,
            rn,
            imm,
        })
    }

    /// `cset rd, cond`: 1 if `cond` holds, else 0. `None` for `al`/`nv`,
    /// which have no such alias.
    pub fn cset(size: OperandSize, rd: GprOrZr, cond: Cond) -> Option<Inst> {
        if cond.is_always() {
            return None;
        }
        let (rn, rm) = (GprOrZr::Zr, GprOrZr::Zr);
        Some(Inst::CondSelect {
            op: CondSelectOp::Csinc,
            size,
            rd,
            rn,
            rm,
            cond: cond.invert(),
        })
    }

    /// `csetm rd, cond`: all ones if `cond` holds, else 0. `None` for `al`/`nv`.
    pub fn csetm(size: OperandSize, rd: GprOrZr, cond: Cond) -> Option<Inst> {
        if cond.is_always() {
            return None;
        }
        let (rn, rm) = (GprOrZr::Zr, GprOrZr::Zr);
        Some(Inst::CondSelect {
            op: CondSelectOp::Csinv,
            size,
            rd,
            rn,
            rm,
            cond: cond.invert(),
        })
    }

    /// `stp x29, x30, [sp, #-bytes]!`: allocates `bytes` of stack with the
    /// frame record at their bottom (`None` if `bytes` is no valid pair
    /// offset).
    pub fn push_frame_record(bytes: i64) -> Option<Inst> {
        Some(Inst::StorePair {
            size: OperandSize::Size64,
            rt: Gpr::FP.into(),
            rt2: Gpr::LR.into(),
            addr: PairAddr::PreIndex {
                rn: GprOrSp::Sp,
                index: PairIndex::from_byte_offset(-bytes, 8)?,
            },
        })
    }

    /// `ldp x29, x30, [sp], #bytes`: the frame record back, `bytes` freed.
    pub fn pop_frame_record(bytes: i64) -> Option<Inst> {
        Some(Inst::LoadPair {
            size: OperandSize::Size64,
            rt: Gpr::FP.into(),
            rt2: Gpr::LR.into(),
            addr: PairAddr::PostIndex {
                rn: GprOrSp::Sp,
                index: PairIndex::from_byte_offset(bytes, 8)?,
            },
        })
    }

    /// `ret` (through x30).
    pub fn ret() -> Inst {
        Inst::Ret { rn: Gpr::LR }
    }
}
