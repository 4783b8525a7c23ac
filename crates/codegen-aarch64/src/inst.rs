//! The instruction type: one variant per encoding class, in the
//! architecture's canonical form. Aliases (`mov`, `cmp`, `lsl`, `cset`, ...)
//! are not variants of their own; [`crate::aliases`] builds them and the
//! printer shows them the way objdump does.

use crate::cond::Cond;
use crate::fp_imm::FpImm8;
use crate::imms::{
    BitIndex, BitfieldImm, Imm12, MoveWideImm, Nzcv, PairIndex, SImm9, ScaledIndex, UImm5,
};
use crate::logical_imm::LogicalImm;
use crate::offsets::{AdrOffset, AdrpOffset, BranchOffset14, BranchOffset19, BranchOffset26};
use crate::regs::{FpSize, Gpr, GprOrSp, GprOrZr, OperandSize, VReg};

/// One AArch64 instruction.
///
/// Fields that an immediate type cannot fully check on its own (a shift
/// amount that must be below the operand width, say) are checked by
/// [`Inst::check`]; [`crate::CodeBuffer`] refuses instructions that fail it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Inst {
    // ----- integer arithmetic and logic -----
    /// `add`/`adds`/`sub`/`subs rd, rn, rm{, shift #amount}`; register 31 is zr everywhere.
    AddSubShifted {
        op: AddSubOp,
        set_flags: bool,
        size: OperandSize,
        rd: GprOrZr,
        rn: GprOrZr,
        rm: GprOrZr,
        shift: ArithShift,
        /// Below the operand width.
        amount: u8,
    },
    /// `add`/`sub rd, rn, #imm` (no flags): both registers may be sp.
    AddSubImm {
        op: AddSubOp,
        size: OperandSize,
        rd: GprOrSp,
        rn: GprOrSp,
        imm: Imm12,
    },
    /// `adds`/`subs rd, rn, #imm`: `rd` may be zr (`cmp`/`cmn`), `rn` may be sp.
    AddSubImmSetFlags {
        op: AddSubOp,
        size: OperandSize,
        rd: GprOrZr,
        rn: GprOrSp,
        imm: Imm12,
    },
    /// `add`/`sub rd, rn, rm, extend #amount` (no flags): `rd` and `rn` may be sp.
    AddSubExtended {
        op: AddSubOp,
        size: OperandSize,
        rd: GprOrSp,
        rn: GprOrSp,
        rm: GprOrZr,
        extend: ExtendOp,
        /// Left shift after extension, 0–4.
        amount: u8,
    },
    /// `adds`/`subs rd, rn, rm, extend #amount`: `rd` may be zr, `rn` may be sp.
    AddSubExtendedSetFlags {
        op: AddSubOp,
        size: OperandSize,
        rd: GprOrZr,
        rn: GprOrSp,
        rm: GprOrZr,
        extend: ExtendOp,
        /// Left shift after extension, 0–4.
        amount: u8,
    },
    /// `and`/`bic`/`orr`/`orn`/`eor`/`eon`/`ands`/`bics rd, rn, rm{, shift #amount}`.
    LogicShifted {
        op: LogicOp,
        size: OperandSize,
        rd: GprOrZr,
        rn: GprOrZr,
        rm: GprOrZr,
        shift: ShiftOp,
        /// Below the operand width.
        amount: u8,
    },
    /// `and`/`orr`/`eor rd, rn, #bitmask` (the size is the immediate's): `rd` may be sp.
    LogicImm {
        op: LogicImmOp,
        rd: GprOrSp,
        rn: GprOrZr,
        imm: LogicalImm,
    },
    /// `ands rd, rn, #bitmask` (`tst` when `rd` is zr).
    AndsImm {
        rd: GprOrZr,
        rn: GprOrZr,
        imm: LogicalImm,
    },
    /// `movz`/`movn`/`movk rd, #imm16, lsl #shift`.
    MoveWide {
        op: MoveWideOp,
        size: OperandSize,
        rd: GprOrZr,
        imm: MoveWideImm,
    },
    /// `sbfm`/`bfm`/`ubfm` (and their aliases `lsl`, `asr`, `sxtb`, `ubfx`, ...).
    Bitfield {
        op: BitfieldOp,
        rd: GprOrZr,
        rn: GprOrZr,
        imm: BitfieldImm,
    },
    /// `extr rd, rn, rm, #lsb` (`ror` when `rn == rm`).
    Extr {
        size: OperandSize,
        rd: GprOrZr,
        rn: GprOrZr,
        rm: GprOrZr,
        /// Below the operand width.
        lsb: u8,
    },
    /// Two-source data processing: division and variable shifts.
    DataProc2 {
        op: DataProc2Op,
        size: OperandSize,
        rd: GprOrZr,
        rn: GprOrZr,
        rm: GprOrZr,
    },
    /// One-source data processing: bit and byte reversal, leading bit counts.
    DataProc1 {
        op: DataProc1Op,
        size: OperandSize,
        rd: GprOrZr,
        rn: GprOrZr,
    },
    /// `madd`/`msub rd, rn, rm, ra` (`mul`/`mneg` when `ra` is zr).
    MulAdd {
        op: MulAddOp,
        size: OperandSize,
        rd: GprOrZr,
        rn: GprOrZr,
        rm: GprOrZr,
        ra: GprOrZr,
    },
    /// `smulh`/`umulh xd, xn, xm`: the high 64 bits of the 128-bit product.
    MulHigh {
        signed: bool,
        rd: GprOrZr,
        rn: GprOrZr,
        rm: GprOrZr,
    },
    /// `smaddl`/`umaddl`/`smsubl`/`umsubl xd, wn, wm, xa` (`smull`, ... when `ra` is zr).
    MulLong {
        op: MulLongOp,
        rd: GprOrZr,
        rn: GprOrZr,
        rm: GprOrZr,
        ra: GprOrZr,
    },
    /// `csel`/`csinc`/`csinv`/`csneg rd, rn, rm, cond` (and `cset`, `cinc`, ...).
    CondSelect {
        op: CondSelectOp,
        size: OperandSize,
        rd: GprOrZr,
        rn: GprOrZr,
        rm: GprOrZr,
        cond: Cond,
    },
    /// `ccmp`/`ccmn rn, rm_or_imm5, #nzcv, cond`.
    CondCompare {
        negate: bool,
        size: OperandSize,
        rn: GprOrZr,
        rhs: CondCompareRhs,
        nzcv: Nzcv,
        cond: Cond,
    },
    /// `adr rd, pc + offset`.
    Adr { rd: GprOrZr, offset: AdrOffset },
    /// `adrp rd, page(pc) + offset`.
    Adrp { rd: GprOrZr, offset: AdrpOffset },

    // ----- branches and traps -----
    /// `b pc + offset`.
    B { offset: BranchOffset26 },
    /// `bl pc + offset`.
    Bl { offset: BranchOffset26 },
    /// `b.cond pc + offset`.
    BCond { cond: Cond, offset: BranchOffset19 },
    /// `cbz`/`cbnz rt, pc + offset`.
    CompareBranch {
        nonzero: bool,
        size: OperandSize,
        rt: GprOrZr,
        offset: BranchOffset19,
    },
    /// `tbz`/`tbnz rt, #bit, pc + offset` (`rt` shown as `x` when the bit is 32 or more).
    TestBranch {
        nonzero: bool,
        rt: GprOrZr,
        bit: BitIndex,
        offset: BranchOffset14,
    },
    /// `br xn`.
    Br { rn: Gpr },
    /// `blr xn`.
    Blr { rn: Gpr },
    /// `ret xn` (`ret` for x30).
    Ret { rn: Gpr },
    /// `brk #imm`: breakpoint exception.
    Brk { imm: u16 },
    /// `udf #imm`: permanently undefined, raises an illegal-instruction exception.
    Udf { imm: u16 },

    // ----- memory -----
    /// A general-purpose load of any width and sign.
    Load {
        op: LoadOp,
        rt: GprOrZr,
        addr: AddrMode,
    },
    /// A general-purpose store of any width.
    Store {
        op: StoreOp,
        rt: GprOrZr,
        addr: AddrMode,
    },
    /// `ldr st/dt, addr`.
    FpLoad {
        size: FpSize,
        rt: VReg,
        addr: AddrMode,
    },
    /// `str st/dt, addr`.
    FpStore {
        size: FpSize,
        rt: VReg,
        addr: AddrMode,
    },
    /// `ldr wt/xt, pc + offset` or `ldrsw xt, pc + offset`.
    LoadLiteral {
        op: LiteralLoadOp,
        rt: GprOrZr,
        offset: BranchOffset19,
    },
    /// `ldr st/dt, pc + offset`.
    FpLoadLiteral {
        size: FpSize,
        rt: VReg,
        offset: BranchOffset19,
    },
    /// `ldp rt, rt2, addr` of `w` or `x` registers.
    LoadPair {
        size: OperandSize,
        rt: GprOrZr,
        rt2: GprOrZr,
        addr: PairAddr,
    },
    /// `stp rt, rt2, addr` of `w` or `x` registers.
    StorePair {
        size: OperandSize,
        rt: GprOrZr,
        rt2: GprOrZr,
        addr: PairAddr,
    },
    /// `ldp st/dt, st2/dt2, addr`.
    FpLoadPair {
        size: FpSize,
        rt: VReg,
        rt2: VReg,
        addr: PairAddr,
    },
    /// `stp st/dt, st2/dt2, addr`.
    FpStorePair {
        size: FpSize,
        rt: VReg,
        rt2: VReg,
        addr: PairAddr,
    },

    // ----- floating point -----
    /// Two-operand FP arithmetic: `fadd`, `fmin`, ...
    FpuRRR {
        op: FpuOp2,
        size: FpSize,
        rd: VReg,
        rn: VReg,
        rm: VReg,
    },
    /// One-operand FP operations: `fmov`, `fabs`, `fneg`, `fsqrt`, `frint*`.
    FpuRR {
        op: FpuOp1,
        size: FpSize,
        rd: VReg,
        rn: VReg,
    },
    /// `fcvt`: convert from `from` to the other precision.
    FpuCvtPrecision { from: FpSize, rd: VReg, rn: VReg },
    /// `fcmp rn, rm` or `fcmp rn, #0.0`.
    Fcmp {
        size: FpSize,
        rn: VReg,
        rhs: FcmpRhs,
    },
    /// `fcsel rd, rn, rm, cond`.
    Fcsel {
        size: FpSize,
        rd: VReg,
        rn: VReg,
        rm: VReg,
        cond: Cond,
    },
    /// `fmov rd, #imm`.
    FmovImm { size: FpSize, rd: VReg, imm: FpImm8 },
    /// `fmov wd, sn` / `fmov xd, dn`: raw bits to a general-purpose register.
    FmovToGpr { size: FpSize, rd: GprOrZr, rn: VReg },
    /// `fmov sd, wn` / `fmov dd, xn`: raw bits from a general-purpose register.
    FmovFromGpr { size: FpSize, rd: VReg, rn: GprOrZr },
    /// `scvtf`/`ucvtf`: integer of `int_size` to float of `fp_size`.
    IntToFp {
        signed: bool,
        int_size: OperandSize,
        fp_size: FpSize,
        rd: VReg,
        rn: GprOrZr,
    },
    /// `fcvtzs`/`fcvtzu`: float to integer, rounding toward zero and
    /// saturating (NaN gives 0).
    FpToInt {
        signed: bool,
        fp_size: FpSize,
        int_size: OperandSize,
        rd: GprOrZr,
        rn: VReg,
    },
    /// `ushr`/`sli` by an immediate on `d` scalars or `2s` vectors: with
    /// `ushr` then `sli` a sign bit moves between registers (copysign).
    VecShiftImm {
        op: VecShiftOp,
        lanes: ShiftLanes,
        rd: VReg,
        rn: VReg,
        /// `ushr`: 1 to the lane width; `sli`: 0 to the lane width - 1.
        amount: u8,
    },
    /// `bsl`/`bit`/`bif vd.8b, vn.8b, vm.8b`: bitwise select, another copysign route.
    BitSelect {
        op: BitSelectOp,
        rd: VReg,
        rn: VReg,
        rm: VReg,
    },
    /// `cnt vd.8b, vn.8b`: set bits per byte (population count, with [`Inst::Addv8b`]).
    Cnt8b { rd: VReg, rn: VReg },
    /// `addv bd, vn.8b`: sum of the eight bytes, zero-extended into the register.
    Addv8b { rd: VReg, rn: VReg },

    // ----- system -----
    /// `nop`.
    Nop,
    /// `isb`.
    Isb,
    /// `dmb ish`.
    DmbIsh,
    /// `csdb`: speculation barrier for conditional selects (Spectre mitigations).
    Csdb,
}

/// Addition or subtraction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AddSubOp {
    /// `add`.
    Add,
    /// `sub`.
    Sub,
}

/// The shift of an add/sub shifted-register operand (no `ror`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArithShift {
    /// Logical shift left.
    Lsl,
    /// Logical shift right.
    Lsr,
    /// Arithmetic shift right.
    Asr,
}

/// The shift of a logical shifted-register operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShiftOp {
    /// Logical shift left.
    Lsl,
    /// Logical shift right.
    Lsr,
    /// Arithmetic shift right.
    Asr,
    /// Rotate right.
    Ror,
}

/// The extension applied to the last register of an extended-register add/sub.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExtendOp {
    /// Zero-extend the low byte.
    Uxtb,
    /// Zero-extend the low half-word.
    Uxth,
    /// Zero-extend the low word.
    Uxtw,
    /// The whole `x` register.
    Uxtx,
    /// Sign-extend the low byte.
    Sxtb,
    /// Sign-extend the low half-word.
    Sxth,
    /// Sign-extend the low word.
    Sxtw,
    /// The whole `x` register (signed view).
    Sxtx,
}

/// A bitwise operation with a register operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LogicOp {
    /// `and`.
    And,
    /// `bic`: and-not.
    Bic,
    /// `orr`.
    Orr,
    /// `orn`: or-not.
    Orn,
    /// `eor`.
    Eor,
    /// `eon`: exclusive-or-not.
    Eon,
    /// `ands`: and, setting flags.
    Ands,
    /// `bics`: and-not, setting flags.
    Bics,
}

/// A bitwise operation with a bitmask immediate, not setting flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LogicImmOp {
    /// `and`.
    And,
    /// `orr`.
    Orr,
    /// `eor`.
    Eor,
}

/// A move-wide operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MoveWideOp {
    /// `movz`: the immediate, other bits zero.
    Movz,
    /// `movn`: the inverted immediate.
    Movn,
    /// `movk`: replace one half-word, keep the others.
    Movk,
}

/// A bitfield move.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BitfieldOp {
    /// Signed bitfield move (sign-extends).
    Sbfm,
    /// Bitfield move (keeps the other bits of the destination).
    Bfm,
    /// Unsigned bitfield move (zero-extends).
    Ubfm,
}

/// A two-source data-processing operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DataProc2Op {
    /// Unsigned division (division by zero gives 0).
    Udiv,
    /// Signed division (division by zero gives 0; MIN / -1 gives MIN).
    Sdiv,
    /// Shift left by a register (`lsl`), amount taken modulo the width.
    Lslv,
    /// Logical shift right by a register (`lsr`).
    Lsrv,
    /// Arithmetic shift right by a register (`asr`).
    Asrv,
    /// Rotate right by a register (`ror`).
    Rorv,
}

/// A one-source data-processing operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DataProc1Op {
    /// Reverse the bits.
    Rbit,
    /// Reverse the bytes of each half-word.
    Rev16,
    /// Reverse the bytes of each word (64-bit only).
    Rev32,
    /// Reverse all bytes.
    Rev,
    /// Count leading zeros.
    Clz,
    /// Count leading sign bits.
    Cls,
}

/// Multiply-add or multiply-subtract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MulAddOp {
    /// `ra + rn * rm`.
    Madd,
    /// `ra - rn * rm`.
    Msub,
}

/// A widening 32×32→64 multiply-accumulate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MulLongOp {
    /// Signed multiply-add long.
    Smaddl,
    /// Signed multiply-subtract long.
    Smsubl,
    /// Unsigned multiply-add long.
    Umaddl,
    /// Unsigned multiply-subtract long.
    Umsubl,
}

/// A conditional select.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CondSelectOp {
    /// `cond ? rn : rm`.
    Csel,
    /// `cond ? rn : rm + 1`.
    Csinc,
    /// `cond ? rn : !rm`.
    Csinv,
    /// `cond ? rn : -rm`.
    Csneg,
}

/// The second operand of `ccmp`/`ccmn`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CondCompareRhs {
    /// A register.
    Reg(GprOrZr),
    /// A 5-bit unsigned immediate.
    Imm(UImm5),
}

/// A general-purpose load: width, and how the value is extended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LoadOp {
    /// `ldrb wt`: byte, zero-extended.
    Ldrb,
    /// `ldrh wt`: half-word, zero-extended.
    Ldrh,
    /// `ldr wt`: word (zero-extended into `xt`).
    LdrW,
    /// `ldr xt`: double-word.
    LdrX,
    /// `ldrsb wt`: byte sign-extended to 32 bits.
    LdrsbW,
    /// `ldrsb xt`: byte sign-extended to 64 bits.
    LdrsbX,
    /// `ldrsh wt`: half-word sign-extended to 32 bits.
    LdrshW,
    /// `ldrsh xt`: half-word sign-extended to 64 bits.
    LdrshX,
    /// `ldrsw xt`: word sign-extended to 64 bits.
    Ldrsw,
}

/// A general-purpose store width.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StoreOp {
    /// `strb wt`.
    Strb,
    /// `strh wt`.
    Strh,
    /// `str wt`.
    StrW,
    /// `str xt`.
    StrX,
}

/// A PC-relative literal load.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LiteralLoadOp {
    /// `ldr wt, label`.
    LdrW,
    /// `ldr xt, label`.
    LdrX,
    /// `ldrsw xt, label`.
    Ldrsw,
}

/// The address of a single-register load or store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AddrMode {
    /// `[rn, #index * access_size]`: unsigned scaled 12-bit offset.
    Scaled { rn: GprOrSp, index: ScaledIndex },
    /// `[rn, #offset]` with a signed 9-bit byte offset (`ldur`/`stur`).
    Unscaled { rn: GprOrSp, offset: SImm9 },
    /// `[rn, #offset]!`: add the offset to `rn` first, then access.
    PreIndex { rn: GprOrSp, offset: SImm9 },
    /// `[rn], #offset`: access at `rn`, then add the offset to `rn`.
    PostIndex { rn: GprOrSp, offset: SImm9 },
    /// `[rn, rm{, extend {#amount}}]`; when `scaled`, the index is shifted
    /// left by log2 of the access size.
    RegOffset {
        rn: GprOrSp,
        rm: GprOrZr,
        extend: IndexExtend,
        scaled: bool,
    },
}

/// How a register index is extended in a register-offset address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IndexExtend {
    /// `wm` zero-extended.
    Uxtw,
    /// `xm` as is (printed `lsl` when scaled).
    Lsl,
    /// `wm` sign-extended.
    Sxtw,
    /// `xm` as is, signed view.
    Sxtx,
}

/// The address of a load or store pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PairAddr {
    /// `[rn, #index * size]`.
    Offset { rn: GprOrSp, index: PairIndex },
    /// `[rn, #index * size]!`.
    PreIndex { rn: GprOrSp, index: PairIndex },
    /// `[rn], #index * size`.
    PostIndex { rn: GprOrSp, index: PairIndex },
}

/// A two-operand floating-point operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FpuOp2 {
    /// `fmul`.
    Mul,
    /// `fdiv`.
    Div,
    /// `fadd`.
    Add,
    /// `fsub`.
    Sub,
    /// `fmax`: NaN if either operand is NaN (Wasm `max`).
    Max,
    /// `fmin`: NaN if either operand is NaN (Wasm `min`).
    Min,
    /// `fmaxnm`: a quiet NaN operand is ignored.
    MaxNm,
    /// `fminnm`: a quiet NaN operand is ignored.
    MinNm,
}

/// A one-operand floating-point operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FpuOp1 {
    /// `fmov`: register copy.
    Mov,
    /// `fabs`.
    Abs,
    /// `fneg`.
    Neg,
    /// `fsqrt`.
    Sqrt,
    /// `frintn`: round to nearest, ties to even (Wasm `nearest`).
    RintN,
    /// `frintp`: round toward +infinity (Wasm `ceil`).
    RintP,
    /// `frintm`: round toward -infinity (Wasm `floor`).
    RintM,
    /// `frintz`: round toward zero (Wasm `trunc`).
    RintZ,
}

/// The second operand of `fcmp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FcmpRhs {
    /// A register.
    Reg(VReg),
    /// `#0.0`.
    Zero,
}

/// A vector shift by an immediate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VecShiftOp {
    /// Unsigned shift right.
    Ushr,
    /// Shift left and insert (keeps the destination's low `amount` bits).
    Sli,
}

/// The lanes a [`Inst::VecShiftImm`] works on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShiftLanes {
    /// One 64-bit scalar (`d` register).
    ScalarD,
    /// Two 32-bit lanes (`.2s`); lane 0 is the `s` register.
    TwoS,
}

impl ShiftLanes {
    /// Width of one lane in bits.
    pub const fn lane_bits(self) -> u32 {
        match self {
            ShiftLanes::ScalarD => 64,
            ShiftLanes::TwoS => 32,
        }
    }
}

/// A bitwise select on 64-bit vectors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BitSelectOp {
    /// `rd = (rd & rn) | (!rd & rm)`: `rd` is the mask.
    Bsl,
    /// `rd = (rn & rm) | (rd & !rm)`: insert `rn` bits where `rm` is set.
    Bit,
    /// `rd = (rd & rm) | (rn & !rm)`: insert `rn` bits where `rm` is clear.
    Bif,
}

impl LoadOp {
    /// Bytes read from memory.
    pub const fn access_bytes(self) -> u32 {
        match self {
            LoadOp::Ldrb | LoadOp::LdrsbW | LoadOp::LdrsbX => 1,
            LoadOp::Ldrh | LoadOp::LdrshW | LoadOp::LdrshX => 2,
            LoadOp::LdrW | LoadOp::Ldrsw => 4,
            LoadOp::LdrX => 8,
        }
    }

    /// The register view written: `w` or `x`.
    pub const fn register_size(self) -> OperandSize {
        match self {
            LoadOp::Ldrb | LoadOp::Ldrh | LoadOp::LdrW | LoadOp::LdrsbW | LoadOp::LdrshW => {
                OperandSize::Size32
            }
            LoadOp::LdrX | LoadOp::LdrsbX | LoadOp::LdrshX | LoadOp::Ldrsw => OperandSize::Size64,
        }
    }
}

impl StoreOp {
    /// Bytes written to memory.
    pub const fn access_bytes(self) -> u32 {
        match self {
            StoreOp::Strb => 1,
            StoreOp::Strh => 2,
            StoreOp::StrW => 4,
            StoreOp::StrX => 8,
        }
    }

    /// The register view read: `w` or `x`.
    pub const fn register_size(self) -> OperandSize {
        match self {
            StoreOp::StrX => OperandSize::Size64,
            _ => OperandSize::Size32,
        }
    }
}
