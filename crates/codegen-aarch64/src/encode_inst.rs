//! `Inst::encode`: from instruction fields to the raw fields of its
//! encoding class.

use crate::encode::*;
use crate::inst::*;
use crate::regs::{FpSize, GprOrZr, OperandSize};

impl AddSubOp {
    const fn bit(self) -> u32 {
        match self {
            AddSubOp::Add => 0,
            AddSubOp::Sub => 1,
        }
    }
}

impl ArithShift {
    const fn bits(self) -> u32 {
        match self {
            ArithShift::Lsl => 0,
            ArithShift::Lsr => 1,
            ArithShift::Asr => 2,
        }
    }
}

impl ShiftOp {
    const fn bits(self) -> u32 {
        match self {
            ShiftOp::Lsl => 0,
            ShiftOp::Lsr => 1,
            ShiftOp::Asr => 2,
            ShiftOp::Ror => 3,
        }
    }
}

impl ExtendOp {
    pub(crate) const fn bits(self) -> u32 {
        self as u32
    }
}

impl LogicOp {
    /// `(opc, N)`.
    const fn fields(self) -> (u32, u32) {
        match self {
            LogicOp::And => (0, 0),
            LogicOp::Bic => (0, 1),
            LogicOp::Orr => (1, 0),
            LogicOp::Orn => (1, 1),
            LogicOp::Eor => (2, 0),
            LogicOp::Eon => (2, 1),
            LogicOp::Ands => (3, 0),
            LogicOp::Bics => (3, 1),
        }
    }
}

impl IndexExtend {
    const fn option(self) -> u32 {
        match self {
            IndexExtend::Uxtw => 0b010,
            IndexExtend::Lsl => 0b011,
            IndexExtend::Sxtw => 0b110,
            IndexExtend::Sxtx => 0b111,
        }
    }
}

impl LoadOp {
    /// `(size, opc)` of the load/store encodings.
    const fn fields(self) -> (u32, u32) {
        match self {
            LoadOp::Ldrb => (0, 1),
            LoadOp::LdrsbX => (0, 2),
            LoadOp::LdrsbW => (0, 3),
            LoadOp::Ldrh => (1, 1),
            LoadOp::LdrshX => (1, 2),
            LoadOp::LdrshW => (1, 3),
            LoadOp::LdrW => (2, 1),
            LoadOp::Ldrsw => (2, 2),
            LoadOp::LdrX => (3, 1),
        }
    }
}

impl StoreOp {
    const fn size_field(self) -> u32 {
        match self {
            StoreOp::Strb => 0,
            StoreOp::Strh => 1,
            StoreOp::StrW => 2,
            StoreOp::StrX => 3,
        }
    }
}

const fn fp_size_field(size: FpSize) -> u32 {
    match size {
        FpSize::Single => 2,
        FpSize::Double => 3,
    }
}

/// Encodes a single-register load or store: `v`, `size`, `opc` select the
/// access; the address mode selects the encoding class.
const fn enc_ldst(v: u32, size: u32, opc: u32, rt: u32, addr: AddrMode) -> u32 {
    match addr {
        AddrMode::Scaled { rn, index } => {
            enc_ldst_uimm12(size, v, opc, index.get() as u32, rn.bits(), rt)
        }
        AddrMode::Unscaled { rn, offset } => {
            enc_ldst_simm9(size, v, opc, offset.get() as u32, 0b00, rn.bits(), rt)
        }
        AddrMode::PostIndex { rn, offset } => {
            enc_ldst_simm9(size, v, opc, offset.get() as u32, 0b01, rn.bits(), rt)
        }
        AddrMode::PreIndex { rn, offset } => {
            enc_ldst_simm9(size, v, opc, offset.get() as u32, 0b11, rn.bits(), rt)
        }
        AddrMode::RegOffset {
            rn,
            rm,
            extend,
            scaled,
        } => enc_ldst_reg(
            size,
            v,
            opc,
            rm.bits(),
            extend.option(),
            scaled as u32,
            rn.bits(),
            rt,
        ),
    }
}

const fn enc_pair(opc: u32, v: u32, load: u32, rt: u32, rt2: u32, addr: PairAddr) -> u32 {
    let (mode, rn, index) = match addr {
        PairAddr::PostIndex { rn, index } => (0b001, rn, index),
        PairAddr::Offset { rn, index } => (0b010, rn, index),
        PairAddr::PreIndex { rn, index } => (0b011, rn, index),
    };
    enc_ldst_pair(opc, v, mode, load, index.get() as u32, rt2, rn.bits(), rt)
}

const fn zr(reg: GprOrZr) -> u32 {
    reg.bits()
}

impl Inst {
    /// The 32-bit instruction word.
    pub fn encode(&self) -> u32 {
        match *self {
            Inst::AddSubShifted {
                op,
                set_flags,
                size,
                rd,
                rn,
                rm,
                shift,
                amount,
            } => enc_add_sub_shifted(
                size.sf(),
                op.bit(),
                set_flags as u32,
                shift.bits(),
                zr(rm),
                amount.into(),
                zr(rn),
                zr(rd),
            ),
            Inst::AddSubImm {
                op,
                size,
                rd,
                rn,
                imm,
            } => enc_add_sub_imm(
                size.sf(),
                op.bit(),
                0,
                imm.shift12().into(),
                imm.bits().into(),
                rn.bits(),
                rd.bits(),
            ),
            Inst::AddSubImmSetFlags {
                op,
                size,
                rd,
                rn,
                imm,
            } => enc_add_sub_imm(
                size.sf(),
                op.bit(),
                1,
                imm.shift12().into(),
                imm.bits().into(),
                rn.bits(),
                rd.bits(),
            ),
            Inst::AddSubExtended {
                op,
                size,
                rd,
                rn,
                rm,
                extend,
                amount,
            } => enc_add_sub_extended(
                size.sf(),
                op.bit(),
                0,
                zr(rm),
                extend.bits(),
                amount.into(),
                rn.bits(),
                rd.bits(),
            ),
            Inst::AddSubExtendedSetFlags {
                op,
                size,
                rd,
                rn,
                rm,
                extend,
                amount,
            } => enc_add_sub_extended(
                size.sf(),
                op.bit(),
                1,
                zr(rm),
                extend.bits(),
                amount.into(),
                rn.bits(),
                zr(rd),
            ),
            Inst::LogicShifted {
                op,
                size,
                rd,
                rn,
                rm,
                shift,
                amount,
            } => {
                let (opc, n) = op.fields();
                enc_logic_shifted(
                    size.sf(),
                    opc,
                    shift.bits(),
                    n,
                    zr(rm),
                    amount.into(),
                    zr(rn),
                    zr(rd),
                )
            }
            Inst::LogicImm { op, rd, rn, imm } => {
                let opc = match op {
                    LogicImmOp::And => 0,
                    LogicImmOp::Orr => 1,
                    LogicImmOp::Eor => 2,
                };
                enc_logical_imm_fields(opc, imm, zr(rn), rd.bits())
            }
            Inst::AndsImm { rd, rn, imm } => enc_logical_imm_fields(3, imm, zr(rn), zr(rd)),
            Inst::MoveWide { op, size, rd, imm } => {
                let opc = match op {
                    MoveWideOp::Movn => 0,
                    MoveWideOp::Movz => 2,
                    MoveWideOp::Movk => 3,
                };
                enc_move_wide(size.sf(), opc, imm.hw().into(), imm.bits().into(), zr(rd))
            }
            Inst::Bitfield { op, rd, rn, imm } => {
                let opc = match op {
                    BitfieldOp::Sbfm => 0,
                    BitfieldOp::Bfm => 1,
                    BitfieldOp::Ubfm => 2,
                };
                let sf = imm.size().sf();
                enc_bitfield(
                    sf,
                    opc,
                    sf,
                    imm.immr().into(),
                    imm.imms().into(),
                    zr(rn),
                    zr(rd),
                )
            }
            Inst::Extr {
                size,
                rd,
                rn,
                rm,
                lsb,
            } => enc_extr(size.sf(), zr(rm), lsb.into(), zr(rn), zr(rd)),
            Inst::DataProc2 {
                op,
                size,
                rd,
                rn,
                rm,
            } => {
                let opcode = match op {
                    DataProc2Op::Udiv => 0b000010,
                    DataProc2Op::Sdiv => 0b000011,
                    DataProc2Op::Lslv => 0b001000,
                    DataProc2Op::Lsrv => 0b001001,
                    DataProc2Op::Asrv => 0b001010,
                    DataProc2Op::Rorv => 0b001011,
                };
                enc_data_proc2(size.sf(), opcode, zr(rm), zr(rn), zr(rd))
            }
            Inst::DataProc1 { op, size, rd, rn } => {
                let opcode = match (op, size) {
                    (DataProc1Op::Rbit, _) => 0b000000,
                    (DataProc1Op::Rev16, _) => 0b000001,
                    (DataProc1Op::Rev32, _) | (DataProc1Op::Rev, OperandSize::Size32) => 0b000010,
                    (DataProc1Op::Rev, OperandSize::Size64) => 0b000011,
                    (DataProc1Op::Clz, _) => 0b000100,
                    (DataProc1Op::Cls, _) => 0b000101,
                };
                enc_data_proc1(size.sf(), opcode, zr(rn), zr(rd))
            }
            Inst::MulAdd {
                op,
                size,
                rd,
                rn,
                rm,
                ra,
            } => {
                let o0 = matches!(op, MulAddOp::Msub) as u32;
                enc_data_proc3(size.sf(), 0b000, o0, zr(rm), zr(ra), zr(rn), zr(rd))
            }
            Inst::MulHigh { signed, rd, rn, rm } => {
                let op31 = if signed { 0b010 } else { 0b110 };
                enc_data_proc3(1, op31, 0, zr(rm), 31, zr(rn), zr(rd))
            }
            Inst::MulLong { op, rd, rn, rm, ra } => {
                let (op31, o0) = match op {
                    MulLongOp::Smaddl => (0b001, 0),
                    MulLongOp::Smsubl => (0b001, 1),
                    MulLongOp::Umaddl => (0b101, 0),
                    MulLongOp::Umsubl => (0b101, 1),
                };
                enc_data_proc3(1, op31, o0, zr(rm), zr(ra), zr(rn), zr(rd))
            }
            Inst::CondSelect {
                op,
                size,
                rd,
                rn,
                rm,
                cond,
            } => {
                let (op, op2) = match op {
                    CondSelectOp::Csel => (0, 0),
                    CondSelectOp::Csinc => (0, 1),
                    CondSelectOp::Csinv => (1, 0),
                    CondSelectOp::Csneg => (1, 1),
                };
                enc_cond_select(size.sf(), op, op2, zr(rm), cond.bits(), zr(rn), zr(rd))
            }
            Inst::CondCompare {
                negate,
                size,
                rn,
                rhs,
                nzcv,
                cond,
            } => {
                let (is_imm, value) = match rhs {
                    CondCompareRhs::Reg(rm) => (0, zr(rm)),
                    CondCompareRhs::Imm(imm) => (1, imm.get() as u32),
                };
                let op = (!negate) as u32;
                enc_cond_compare(
                    size.sf(),
                    op,
                    is_imm,
                    value,
                    cond.bits(),
                    zr(rn),
                    nzcv.get().into(),
                )
            }
            Inst::Adr { rd, offset } => enc_adr(0, offset.field(), zr(rd)),
            Inst::Adrp { rd, offset } => enc_adr(1, offset.field(), zr(rd)),
            Inst::B { offset } => enc_branch26(0, offset.field()),
            Inst::Bl { offset } => enc_branch26(1, offset.field()),
            Inst::BCond { cond, offset } => enc_bcond(offset.field(), cond.bits()),
            Inst::CompareBranch {
                nonzero,
                size,
                rt,
                offset,
            } => enc_compare_branch(size.sf(), nonzero as u32, offset.field(), zr(rt)),
            Inst::TestBranch {
                nonzero,
                rt,
                bit,
                offset,
            } => enc_test_branch(nonzero as u32, bit.get().into(), offset.field(), zr(rt)),
            Inst::Br { rn } => enc_branch_reg(0b0000, rn.number().into()),
            Inst::Blr { rn } => enc_branch_reg(0b0001, rn.number().into()),
            Inst::Ret { rn } => enc_branch_reg(0b0010, rn.number().into()),
            Inst::Brk { imm } => enc_brk(imm.into()),
            Inst::Udf { imm } => enc_udf(imm.into()),
            Inst::Load { op, rt, addr } => {
                let (size, opc) = op.fields();
                enc_ldst(0, size, opc, zr(rt), addr)
            }
            Inst::Store { op, rt, addr } => enc_ldst(0, op.size_field(), 0, zr(rt), addr),
            Inst::FpLoad { size, rt, addr } => enc_ldst(1, fp_size_field(size), 1, rt.bits(), addr),
            Inst::FpStore { size, rt, addr } => {
                enc_ldst(1, fp_size_field(size), 0, rt.bits(), addr)
            }
            Inst::LoadLiteral { op, rt, offset } => {
                let opc = match op {
                    LiteralLoadOp::LdrW => 0,
                    LiteralLoadOp::LdrX => 1,
                    LiteralLoadOp::Ldrsw => 2,
                };
                enc_ldr_literal(opc, 0, offset.field(), zr(rt))
            }
            Inst::FpLoadLiteral { size, rt, offset } => {
                enc_ldr_literal(size.ftype(), 1, offset.field(), rt.bits())
            }
            Inst::LoadPair {
                size,
                rt,
                rt2,
                addr,
            } => enc_pair(size.sf() << 1, 0, 1, zr(rt), zr(rt2), addr),
            Inst::StorePair {
                size,
                rt,
                rt2,
                addr,
            } => enc_pair(size.sf() << 1, 0, 0, zr(rt), zr(rt2), addr),
            Inst::FpLoadPair {
                size,
                rt,
                rt2,
                addr,
            } => enc_pair(size.ftype(), 1, 1, rt.bits(), rt2.bits(), addr),
            Inst::FpStorePair {
                size,
                rt,
                rt2,
                addr,
            } => enc_pair(size.ftype(), 1, 0, rt.bits(), rt2.bits(), addr),
            Inst::FpuRRR {
                op,
                size,
                rd,
                rn,
                rm,
            } => {
                let opcode = match op {
                    FpuOp2::Mul => 0b0000,
                    FpuOp2::Div => 0b0001,
                    FpuOp2::Add => 0b0010,
                    FpuOp2::Sub => 0b0011,
                    FpuOp2::Max => 0b0100,
                    FpuOp2::Min => 0b0101,
                    FpuOp2::MaxNm => 0b0110,
                    FpuOp2::MinNm => 0b0111,
                };
                enc_fpu_rrr(size.ftype(), opcode, rm.bits(), rn.bits(), rd.bits())
            }
            Inst::FpuRR { op, size, rd, rn } => {
                let opcode = match op {
                    FpuOp1::Mov => 0b000000,
                    FpuOp1::Abs => 0b000001,
                    FpuOp1::Neg => 0b000010,
                    FpuOp1::Sqrt => 0b000011,
                    FpuOp1::RintN => 0b001000,
                    FpuOp1::RintP => 0b001001,
                    FpuOp1::RintM => 0b001010,
                    FpuOp1::RintZ => 0b001011,
                };
                enc_fpu_rr(size.ftype(), opcode, rn.bits(), rd.bits())
            }
            Inst::FpuCvtPrecision { from, rd, rn } => {
                let opcode = match from {
                    FpSize::Single => 0b000101,
                    FpSize::Double => 0b000100,
                };
                enc_fpu_rr(from.ftype(), opcode, rn.bits(), rd.bits())
            }
            Inst::Fcmp { size, rn, rhs } => match rhs {
                FcmpRhs::Reg(rm) => enc_fcmp(size.ftype(), rm.bits(), rn.bits(), 0),
                FcmpRhs::Zero => enc_fcmp(size.ftype(), 0, rn.bits(), 1),
            },
            Inst::Fcsel {
                size,
                rd,
                rn,
                rm,
                cond,
            } => enc_fcsel(size.ftype(), rm.bits(), cond.bits(), rn.bits(), rd.bits()),
            Inst::FmovImm { size, rd, imm } => {
                enc_fmov_imm(size.ftype(), imm.bits().into(), rd.bits())
            }
            Inst::FmovToGpr { size, rd, rn } => enc_fp_int_conv(
                size.int_size().sf(),
                size.ftype(),
                0b00,
                0b110,
                rn.bits(),
                zr(rd),
            ),
            Inst::FmovFromGpr { size, rd, rn } => enc_fp_int_conv(
                size.int_size().sf(),
                size.ftype(),
                0b00,
                0b111,
                zr(rn),
                rd.bits(),
            ),
            Inst::IntToFp {
                signed,
                int_size,
                fp_size,
                rd,
                rn,
            } => {
                let opcode = if signed { 0b010 } else { 0b011 };
                enc_fp_int_conv(
                    int_size.sf(),
                    fp_size.ftype(),
                    0b00,
                    opcode,
                    zr(rn),
                    rd.bits(),
                )
            }
            Inst::FpToInt {
                signed,
                fp_size,
                int_size,
                rd,
                rn,
            } => {
                let opcode = if signed { 0b000 } else { 0b001 };
                enc_fp_int_conv(
                    int_size.sf(),
                    fp_size.ftype(),
                    0b11,
                    opcode,
                    rn.bits(),
                    zr(rd),
                )
            }
            Inst::VecShiftImm {
                op,
                lanes,
                rd,
                rn,
                amount,
            } => {
                let lane_bits = lanes.lane_bits();
                let amount = u32::from(amount);
                let (opcode, immhb) = match op {
                    // Right shifts count down from twice the lane width.
                    VecShiftOp::Ushr => (0b00000, (2 * lane_bits).wrapping_sub(amount)),
                    VecShiftOp::Sli => (0b01010, lane_bits + amount),
                };
                let scalar = matches!(lanes, ShiftLanes::ScalarD) as u32;
                enc_simd_shift_imm(scalar, 0, 1, immhb, opcode, rn.bits(), rd.bits())
            }
            Inst::BitSelect { op, rd, rn, rm } => {
                let opc2 = match op {
                    BitSelectOp::Bsl => 0b01,
                    BitSelectOp::Bit => 0b10,
                    BitSelectOp::Bif => 0b11,
                };
                enc_simd_bitwise(0, opc2, rm.bits(), rn.bits(), rd.bits())
            }
            Inst::Cnt8b { rd, rn } => enc_simd_misc(0, 0, 0b00, 0b00101, rn.bits(), rd.bits()),
            Inst::Addv8b { rd, rn } => {
                enc_simd_across_lanes(0, 0, 0b00, 0b11011, rn.bits(), rd.bits())
            }
            Inst::Nop => NOP,
            Inst::Isb => ISB,
            Inst::DmbIsh => DMB_ISH,
            Inst::Csdb => CSDB,
        }
    }
}

fn enc_logical_imm_fields(opc: u32, imm: crate::LogicalImm, rn: u32, rd: u32) -> u32 {
    enc_logic_imm(
        imm.size().sf(),
        opc,
        imm.n().into(),
        imm.immr().into(),
        imm.imms().into(),
        rn,
        rd,
    )
}
