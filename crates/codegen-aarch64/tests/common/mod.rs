//! Short constructors so that a test row fits on one line. Register
//! numbers are raw field values: 31 is zr or sp depending on the operand.
#![allow(dead_code, clippy::too_many_arguments)]

pub mod rows;

use zwasm_codegen_aarch64::*;

pub const X: OperandSize = OperandSize::Size64;
pub const W: OperandSize = OperandSize::Size32;
pub const S: FpSize = FpSize::Single;
pub const D: FpSize = FpSize::Double;
/// Register field 31 (zr or sp, by operand).
pub const ZR: u8 = 31;
/// Register field 31 (zr or sp, by operand).
pub const SP: u8 = 31;

pub fn r(n: u8) -> GprOrZr {
    GprOrZr::from_bits(n).unwrap()
}

pub fn rs(n: u8) -> GprOrSp {
    GprOrSp::from_bits(n).unwrap()
}

pub fn g(n: u8) -> Gpr {
    Gpr::new(n).unwrap()
}

pub fn v(n: u8) -> VReg {
    VReg::new(n).unwrap()
}

pub fn add_sub(
    op: AddSubOp,
    set_flags: bool,
    size: OperandSize,
    d: u8,
    n: u8,
    m: u8,
    shift: ArithShift,
    amount: u8,
) -> Inst {
    Inst::AddSubShifted {
        op,
        set_flags,
        size,
        rd: r(d),
        rn: r(n),
        rm: r(m),
        shift,
        amount,
    }
}

pub fn add_imm(op: AddSubOp, size: OperandSize, d: u8, n: u8, value: u64) -> Inst {
    Inst::AddSubImm {
        op,
        size,
        rd: rs(d),
        rn: rs(n),
        imm: Imm12::new(value).unwrap(),
    }
}

pub fn adds_imm(op: AddSubOp, size: OperandSize, d: u8, n: u8, value: u64) -> Inst {
    Inst::AddSubImmSetFlags {
        op,
        size,
        rd: r(d),
        rn: rs(n),
        imm: Imm12::new(value).unwrap(),
    }
}

pub fn add_ext(
    op: AddSubOp,
    size: OperandSize,
    d: u8,
    n: u8,
    m: u8,
    extend: ExtendOp,
    amount: u8,
) -> Inst {
    Inst::AddSubExtended {
        op,
        size,
        rd: rs(d),
        rn: rs(n),
        rm: r(m),
        extend,
        amount,
    }
}

pub fn adds_ext(
    op: AddSubOp,
    size: OperandSize,
    d: u8,
    n: u8,
    m: u8,
    extend: ExtendOp,
    amount: u8,
) -> Inst {
    Inst::AddSubExtendedSetFlags {
        op,
        size,
        rd: r(d),
        rn: rs(n),
        rm: r(m),
        extend,
        amount,
    }
}

pub fn logic(
    op: LogicOp,
    size: OperandSize,
    d: u8,
    n: u8,
    m: u8,
    shift: ShiftOp,
    amount: u8,
) -> Inst {
    Inst::LogicShifted {
        op,
        size,
        rd: r(d),
        rn: r(n),
        rm: r(m),
        shift,
        amount,
    }
}

pub fn logic_imm(op: LogicImmOp, size: OperandSize, d: u8, n: u8, value: u64) -> Inst {
    Inst::LogicImm {
        op,
        rd: rs(d),
        rn: r(n),
        imm: LogicalImm::new(value, size).unwrap(),
    }
}

pub fn ands_imm(size: OperandSize, d: u8, n: u8, value: u64) -> Inst {
    Inst::AndsImm {
        rd: r(d),
        rn: r(n),
        imm: LogicalImm::new(value, size).unwrap(),
    }
}

pub fn move_wide(op: MoveWideOp, size: OperandSize, d: u8, bits: u16, shift: u8) -> Inst {
    Inst::MoveWide {
        op,
        size,
        rd: r(d),
        imm: MoveWideImm::new(bits, shift).unwrap(),
    }
}

pub fn bitfield(op: BitfieldOp, size: OperandSize, d: u8, n: u8, immr: u8, imms: u8) -> Inst {
    Inst::Bitfield {
        op,
        rd: r(d),
        rn: r(n),
        imm: BitfieldImm::new(size, immr, imms).unwrap(),
    }
}

pub fn extr(size: OperandSize, d: u8, n: u8, m: u8, lsb: u8) -> Inst {
    Inst::Extr {
        size,
        rd: r(d),
        rn: r(n),
        rm: r(m),
        lsb,
    }
}

pub fn dp2(op: DataProc2Op, size: OperandSize, d: u8, n: u8, m: u8) -> Inst {
    Inst::DataProc2 {
        op,
        size,
        rd: r(d),
        rn: r(n),
        rm: r(m),
    }
}

pub fn dp1(op: DataProc1Op, size: OperandSize, d: u8, n: u8) -> Inst {
    Inst::DataProc1 {
        op,
        size,
        rd: r(d),
        rn: r(n),
    }
}

pub fn mul_add(op: MulAddOp, size: OperandSize, d: u8, n: u8, m: u8, a: u8) -> Inst {
    Inst::MulAdd {
        op,
        size,
        rd: r(d),
        rn: r(n),
        rm: r(m),
        ra: r(a),
    }
}

pub fn mul_high(signed: bool, d: u8, n: u8, m: u8) -> Inst {
    Inst::MulHigh {
        signed,
        rd: r(d),
        rn: r(n),
        rm: r(m),
    }
}

pub fn mul_long(op: MulLongOp, d: u8, n: u8, m: u8, a: u8) -> Inst {
    Inst::MulLong {
        op,
        rd: r(d),
        rn: r(n),
        rm: r(m),
        ra: r(a),
    }
}

pub fn csel(op: CondSelectOp, size: OperandSize, d: u8, n: u8, m: u8, cond: Cond) -> Inst {
    Inst::CondSelect {
        op,
        size,
        rd: r(d),
        rn: r(n),
        rm: r(m),
        cond,
    }
}

pub fn ccmp_reg(negate: bool, size: OperandSize, n: u8, m: u8, nzcv: u8, cond: Cond) -> Inst {
    let rhs = CondCompareRhs::Reg(r(m));
    Inst::CondCompare {
        negate,
        size,
        rn: r(n),
        rhs,
        nzcv: Nzcv::new(nzcv).unwrap(),
        cond,
    }
}

pub fn ccmp_imm(negate: bool, size: OperandSize, n: u8, imm: u8, nzcv: u8, cond: Cond) -> Inst {
    let rhs = CondCompareRhs::Imm(UImm5::new(imm).unwrap());
    Inst::CondCompare {
        negate,
        size,
        rn: r(n),
        rhs,
        nzcv: Nzcv::new(nzcv).unwrap(),
        cond,
    }
}

pub fn adr(d: u8, bytes: i64) -> Inst {
    Inst::Adr {
        rd: r(d),
        offset: AdrOffset::from_bytes(bytes).unwrap(),
    }
}

pub fn adrp(d: u8, bytes: i64) -> Inst {
    Inst::Adrp {
        rd: r(d),
        offset: AdrpOffset::from_bytes(bytes).unwrap(),
    }
}

pub fn b(bytes: i64) -> Inst {
    Inst::B {
        offset: BranchOffset26::from_bytes(bytes).unwrap(),
    }
}

pub fn bl(bytes: i64) -> Inst {
    Inst::Bl {
        offset: BranchOffset26::from_bytes(bytes).unwrap(),
    }
}

pub fn b_cond(cond: Cond, bytes: i64) -> Inst {
    Inst::BCond {
        cond,
        offset: BranchOffset19::from_bytes(bytes).unwrap(),
    }
}

pub fn cb(nonzero: bool, size: OperandSize, t: u8, bytes: i64) -> Inst {
    Inst::CompareBranch {
        nonzero,
        size,
        rt: r(t),
        offset: BranchOffset19::from_bytes(bytes).unwrap(),
    }
}

pub fn tb(nonzero: bool, t: u8, bit: u8, bytes: i64) -> Inst {
    let offset = BranchOffset14::from_bytes(bytes).unwrap();
    Inst::TestBranch {
        nonzero,
        rt: r(t),
        bit: BitIndex::new(bit).unwrap(),
        offset,
    }
}

/// An address written the way assembly spells it (byte offsets), turned
/// into an [`AddrMode`] for a given access size by [`A::mode`].
#[derive(Clone, Copy, Debug)]
pub enum A {
    /// `[rn, #bytes]`, scaled unsigned offset.
    Imm(u8, i64),
    /// `[rn, #bytes]`, unscaled (`ldur`).
    Unscaled(u8, i64),
    /// `[rn, #bytes]!`.
    Pre(u8, i64),
    /// `[rn], #bytes`.
    Post(u8, i64),
    /// `[rn, rm, extend {#shift}]`.
    Reg(u8, u8, IndexExtend, bool),
}

impl A {
    pub fn mode(self, access_bytes: u32) -> AddrMode {
        match self {
            A::Imm(n, bytes) => AddrMode::Scaled {
                rn: rs(n),
                index: ScaledIndex::from_byte_offset(bytes, access_bytes).unwrap(),
            },
            A::Unscaled(n, bytes) => AddrMode::Unscaled {
                rn: rs(n),
                offset: SImm9::new(bytes).unwrap(),
            },
            A::Pre(n, bytes) => AddrMode::PreIndex {
                rn: rs(n),
                offset: SImm9::new(bytes).unwrap(),
            },
            A::Post(n, bytes) => AddrMode::PostIndex {
                rn: rs(n),
                offset: SImm9::new(bytes).unwrap(),
            },
            A::Reg(n, m, extend, scaled) => AddrMode::RegOffset {
                rn: rs(n),
                rm: r(m),
                extend,
                scaled,
            },
        }
    }
}

pub fn load(op: LoadOp, t: u8, addr: A) -> Inst {
    Inst::Load {
        op,
        rt: r(t),
        addr: addr.mode(op.access_bytes()),
    }
}

pub fn store(op: StoreOp, t: u8, addr: A) -> Inst {
    Inst::Store {
        op,
        rt: r(t),
        addr: addr.mode(op.access_bytes()),
    }
}

pub fn fp_load(size: FpSize, t: u8, addr: A) -> Inst {
    Inst::FpLoad {
        size,
        rt: v(t),
        addr: addr.mode(size.bytes()),
    }
}

pub fn fp_store(size: FpSize, t: u8, addr: A) -> Inst {
    Inst::FpStore {
        size,
        rt: v(t),
        addr: addr.mode(size.bytes()),
    }
}

pub fn load_literal(op: LiteralLoadOp, t: u8, bytes: i64) -> Inst {
    Inst::LoadLiteral {
        op,
        rt: r(t),
        offset: BranchOffset19::from_bytes(bytes).unwrap(),
    }
}

pub fn fp_load_literal(size: FpSize, t: u8, bytes: i64) -> Inst {
    Inst::FpLoadLiteral {
        size,
        rt: v(t),
        offset: BranchOffset19::from_bytes(bytes).unwrap(),
    }
}

/// A pair address in bytes, as assembly spells it.
#[derive(Clone, Copy, Debug)]
pub enum P {
    /// `[rn, #bytes]`.
    Off(u8, i64),
    /// `[rn, #bytes]!`.
    Pre(u8, i64),
    /// `[rn], #bytes`.
    Post(u8, i64),
}

impl P {
    pub fn mode(self, register_bytes: u32) -> PairAddr {
        let index = |bytes| PairIndex::from_byte_offset(bytes, register_bytes).unwrap();
        match self {
            P::Off(n, bytes) => PairAddr::Offset {
                rn: rs(n),
                index: index(bytes),
            },
            P::Pre(n, bytes) => PairAddr::PreIndex {
                rn: rs(n),
                index: index(bytes),
            },
            P::Post(n, bytes) => PairAddr::PostIndex {
                rn: rs(n),
                index: index(bytes),
            },
        }
    }
}

pub fn ldp(size: OperandSize, t: u8, t2: u8, addr: P) -> Inst {
    Inst::LoadPair {
        size,
        rt: r(t),
        rt2: r(t2),
        addr: addr.mode(size.bits() / 8),
    }
}

pub fn stp(size: OperandSize, t: u8, t2: u8, addr: P) -> Inst {
    Inst::StorePair {
        size,
        rt: r(t),
        rt2: r(t2),
        addr: addr.mode(size.bits() / 8),
    }
}

pub fn fp_ldp(size: FpSize, t: u8, t2: u8, addr: P) -> Inst {
    Inst::FpLoadPair {
        size,
        rt: v(t),
        rt2: v(t2),
        addr: addr.mode(size.bytes()),
    }
}

pub fn fp_stp(size: FpSize, t: u8, t2: u8, addr: P) -> Inst {
    Inst::FpStorePair {
        size,
        rt: v(t),
        rt2: v(t2),
        addr: addr.mode(size.bytes()),
    }
}

pub fn fpu3(op: FpuOp2, size: FpSize, d: u8, n: u8, m: u8) -> Inst {
    Inst::FpuRRR {
        op,
        size,
        rd: v(d),
        rn: v(n),
        rm: v(m),
    }
}

pub fn fpu1(op: FpuOp1, size: FpSize, d: u8, n: u8) -> Inst {
    Inst::FpuRR {
        op,
        size,
        rd: v(d),
        rn: v(n),
    }
}

pub fn fcvt(from: FpSize, d: u8, n: u8) -> Inst {
    Inst::FpuCvtPrecision {
        from,
        rd: v(d),
        rn: v(n),
    }
}

pub fn fcmp(size: FpSize, n: u8, m: Option<u8>) -> Inst {
    let rhs = m.map_or(FcmpRhs::Zero, |m| FcmpRhs::Reg(v(m)));
    Inst::Fcmp {
        size,
        rn: v(n),
        rhs,
    }
}

pub fn fcsel(size: FpSize, d: u8, n: u8, m: u8, cond: Cond) -> Inst {
    Inst::Fcsel {
        size,
        rd: v(d),
        rn: v(n),
        rm: v(m),
        cond,
    }
}

pub fn fmov_imm(size: FpSize, d: u8, value: f64) -> Inst {
    Inst::FmovImm {
        size,
        rd: v(d),
        imm: FpImm8::new(value).unwrap(),
    }
}

pub fn fmov_to_gpr(size: FpSize, d: u8, n: u8) -> Inst {
    Inst::FmovToGpr {
        size,
        rd: r(d),
        rn: v(n),
    }
}

pub fn fmov_from_gpr(size: FpSize, d: u8, n: u8) -> Inst {
    Inst::FmovFromGpr {
        size,
        rd: v(d),
        rn: r(n),
    }
}

pub fn int_to_fp(signed: bool, int_size: OperandSize, fp_size: FpSize, d: u8, n: u8) -> Inst {
    Inst::IntToFp {
        signed,
        int_size,
        fp_size,
        rd: v(d),
        rn: r(n),
    }
}

pub fn fp_to_int(signed: bool, fp_size: FpSize, int_size: OperandSize, d: u8, n: u8) -> Inst {
    Inst::FpToInt {
        signed,
        fp_size,
        int_size,
        rd: r(d),
        rn: v(n),
    }
}

pub fn vec_shift(op: VecShiftOp, lanes: ShiftLanes, d: u8, n: u8, amount: u8) -> Inst {
    Inst::VecShiftImm {
        op,
        lanes,
        rd: v(d),
        rn: v(n),
        amount,
    }
}

pub fn bit_select(op: BitSelectOp, d: u8, n: u8, m: u8) -> Inst {
    Inst::BitSelect {
        op,
        rd: v(d),
        rn: v(n),
        rm: v(m),
    }
}

/// Reads the committed binutils table: `(source, address, word, objdump text)`.
pub fn binutils_table() -> Vec<(String, u64, u32, String)> {
    let text = include_str!("../data/binutils.tsv");
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 4, "bad table line {line:?}");
            let address = u64::from_str_radix(fields[1], 16).unwrap();
            let bytes: Vec<u8> = (0..4)
                .map(|i| u8::from_str_radix(&fields[2][2 * i..2 * i + 2], 16).unwrap())
                .collect();
            let word = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
            (fields[0].to_string(), address, word, fields[3].to_string())
        })
        .collect()
}
