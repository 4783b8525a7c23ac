//! Pure encoders, one per encoding class of the ARM ARM (section C4.1).
//!
//! Each takes raw field values and masks every field to its width, so a
//! wrong value can never spill into a neighbouring field or panic.
//! [`crate::Inst::encode`] maps instructions to these.

const fn field(value: u32, bits: u32, at: u32) -> u32 {
    (value & ((1 << bits) - 1)) << at
}

/// Add/subtract (shifted register): `sf op S 01011 shift 0 Rm imm6 Rn Rd`.
#[allow(clippy::too_many_arguments)]
pub const fn enc_add_sub_shifted(
    sf: u32,
    op: u32,
    s: u32,
    shift: u32,
    rm: u32,
    imm6: u32,
    rn: u32,
    rd: u32,
) -> u32 {
    0x0b00_0000
        | field(sf, 1, 31)
        | field(op, 1, 30)
        | field(s, 1, 29)
        | field(shift, 2, 22)
        | field(rm, 5, 16)
        | field(imm6, 6, 10)
        | field(rn, 5, 5)
        | field(rd, 5, 0)
}

/// Add/subtract (extended register): `sf op S 01011 00 1 Rm option imm3 Rn Rd`.
#[allow(clippy::too_many_arguments)]
pub const fn enc_add_sub_extended(
    sf: u32,
    op: u32,
    s: u32,
    rm: u32,
    option: u32,
    imm3: u32,
    rn: u32,
    rd: u32,
) -> u32 {
    0x0b20_0000
        | field(sf, 1, 31)
        | field(op, 1, 30)
        | field(s, 1, 29)
        | field(rm, 5, 16)
        | field(option, 3, 13)
        | field(imm3, 3, 10)
        | field(rn, 5, 5)
        | field(rd, 5, 0)
}

/// Add/subtract (immediate): `sf op S 100010 sh imm12 Rn Rd`.
pub const fn enc_add_sub_imm(
    sf: u32,
    op: u32,
    s: u32,
    sh: u32,
    imm12: u32,
    rn: u32,
    rd: u32,
) -> u32 {
    0x1100_0000
        | field(sf, 1, 31)
        | field(op, 1, 30)
        | field(s, 1, 29)
        | field(sh, 1, 22)
        | field(imm12, 12, 10)
        | field(rn, 5, 5)
        | field(rd, 5, 0)
}

/// Logical (shifted register): `sf opc 01010 shift N Rm imm6 Rn Rd`.
#[allow(clippy::too_many_arguments)]
pub const fn enc_logic_shifted(
    sf: u32,
    opc: u32,
    shift: u32,
    n: u32,
    rm: u32,
    imm6: u32,
    rn: u32,
    rd: u32,
) -> u32 {
    0x0a00_0000
        | field(sf, 1, 31)
        | field(opc, 2, 29)
        | field(shift, 2, 22)
        | field(n, 1, 21)
        | field(rm, 5, 16)
        | field(imm6, 6, 10)
        | field(rn, 5, 5)
        | field(rd, 5, 0)
}

/// Logical (immediate): `sf opc 100100 N immr imms Rn Rd`.
pub const fn enc_logic_imm(
    sf: u32,
    opc: u32,
    n: u32,
    immr: u32,
    imms: u32,
    rn: u32,
    rd: u32,
) -> u32 {
    0x1200_0000
        | field(sf, 1, 31)
        | field(opc, 2, 29)
        | field(n, 1, 22)
        | field(immr, 6, 16)
        | field(imms, 6, 10)
        | field(rn, 5, 5)
        | field(rd, 5, 0)
}

/// Move wide (immediate): `sf opc 100101 hw imm16 Rd`.
pub const fn enc_move_wide(sf: u32, opc: u32, hw: u32, imm16: u32, rd: u32) -> u32 {
    0x1280_0000
        | field(sf, 1, 31)
        | field(opc, 2, 29)
        | field(hw, 2, 21)
        | field(imm16, 16, 5)
        | field(rd, 5, 0)
}

/// Bitfield: `sf opc 100110 N immr imms Rn Rd`.
pub const fn enc_bitfield(
    sf: u32,
    opc: u32,
    n: u32,
    immr: u32,
    imms: u32,
    rn: u32,
    rd: u32,
) -> u32 {
    0x1300_0000
        | field(sf, 1, 31)
        | field(opc, 2, 29)
        | field(n, 1, 22)
        | field(immr, 6, 16)
        | field(imms, 6, 10)
        | field(rn, 5, 5)
        | field(rd, 5, 0)
}

/// Extract: `sf 00 100111 N 0 Rm imms Rn Rd`.
pub const fn enc_extr(sf: u32, rm: u32, imms: u32, rn: u32, rd: u32) -> u32 {
    0x1380_0000
        | field(sf, 1, 31)
        | field(sf, 1, 22)
        | field(rm, 5, 16)
        | field(imms, 6, 10)
        | field(rn, 5, 5)
        | field(rd, 5, 0)
}

/// Data-processing (2 source): `sf 0 0 11010110 Rm opcode Rn Rd`.
pub const fn enc_data_proc2(sf: u32, opcode: u32, rm: u32, rn: u32, rd: u32) -> u32 {
    0x1ac0_0000
        | field(sf, 1, 31)
        | field(rm, 5, 16)
        | field(opcode, 6, 10)
        | field(rn, 5, 5)
        | field(rd, 5, 0)
}

/// Data-processing (1 source): `sf 1 0 11010110 00000 opcode Rn Rd`.
pub const fn enc_data_proc1(sf: u32, opcode: u32, rn: u32, rd: u32) -> u32 {
    0x5ac0_0000 | field(sf, 1, 31) | field(opcode, 6, 10) | field(rn, 5, 5) | field(rd, 5, 0)
}

/// Data-processing (3 source): `sf 00 11011 op31 Rm o0 Ra Rn Rd`.
#[allow(clippy::too_many_arguments)]
pub const fn enc_data_proc3(
    sf: u32,
    op31: u32,
    o0: u32,
    rm: u32,
    ra: u32,
    rn: u32,
    rd: u32,
) -> u32 {
    0x1b00_0000
        | field(sf, 1, 31)
        | field(op31, 3, 21)
        | field(rm, 5, 16)
        | field(o0, 1, 15)
        | field(ra, 5, 10)
        | field(rn, 5, 5)
        | field(rd, 5, 0)
}

/// Conditional select: `sf op 0 11010100 Rm cond op2 Rn Rd`.
pub const fn enc_cond_select(
    sf: u32,
    op: u32,
    op2: u32,
    rm: u32,
    cond: u32,
    rn: u32,
    rd: u32,
) -> u32 {
    0x1a80_0000
        | field(sf, 1, 31)
        | field(op, 1, 30)
        | field(rm, 5, 16)
        | field(cond, 4, 12)
        | field(op2, 2, 10)
        | field(rn, 5, 5)
        | field(rd, 5, 0)
}

/// Conditional compare: `sf op 1 11010010 Rm/imm5 cond imm 0 Rn 0 nzcv`.
pub const fn enc_cond_compare(
    sf: u32,
    op: u32,
    is_imm: u32,
    rm_or_imm5: u32,
    cond: u32,
    rn: u32,
    nzcv: u32,
) -> u32 {
    0x3a40_0000
        | field(sf, 1, 31)
        | field(op, 1, 30)
        | field(rm_or_imm5, 5, 16)
        | field(cond, 4, 12)
        | field(is_imm, 1, 11)
        | field(rn, 5, 5)
        | field(nzcv, 4, 0)
}

/// PC-relative addressing: `op immlo 10000 immhi Rd` (`op` 1 is `adrp`).
pub const fn enc_adr(op: u32, imm21: u32, rd: u32) -> u32 {
    0x1000_0000
        | field(op, 1, 31)
        | field(imm21, 2, 29)
        | field(imm21 >> 2, 19, 5)
        | field(rd, 5, 0)
}

/// Unconditional branch (immediate): `op 00101 imm26` (`op` 1 is `bl`).
pub const fn enc_branch26(op: u32, imm26: u32) -> u32 {
    0x1400_0000 | field(op, 1, 31) | field(imm26, 26, 0)
}

/// Conditional branch: `0101010 0 imm19 0 cond`.
pub const fn enc_bcond(imm19: u32, cond: u32) -> u32 {
    0x5400_0000 | field(imm19, 19, 5) | field(cond, 4, 0)
}

/// Compare and branch: `sf 011010 op imm19 Rt`.
pub const fn enc_compare_branch(sf: u32, op: u32, imm19: u32, rt: u32) -> u32 {
    0x3400_0000 | field(sf, 1, 31) | field(op, 1, 24) | field(imm19, 19, 5) | field(rt, 5, 0)
}

/// Test and branch: `b5 011011 op b40 imm14 Rt`.
pub const fn enc_test_branch(op: u32, bit: u32, imm14: u32, rt: u32) -> u32 {
    0x3600_0000
        | field(bit >> 5, 1, 31)
        | field(op, 1, 24)
        | field(bit, 5, 19)
        | field(imm14, 14, 5)
        | field(rt, 5, 0)
}

/// Unconditional branch (register): `1101011 opc 11111 000000 Rn 00000`.
pub const fn enc_branch_reg(opc: u32, rn: u32) -> u32 {
    0xd61f_0000 | field(opc, 4, 21) | field(rn, 5, 5)
}

/// Exception generation (`brk`): `11010100 001 imm16 000 00`.
pub const fn enc_brk(imm16: u32) -> u32 {
    0xd420_0000 | field(imm16, 16, 5)
}

/// Permanently undefined (`udf`): `0000000000000000 imm16`.
pub const fn enc_udf(imm16: u32) -> u32 {
    field(imm16, 16, 0)
}

/// Load/store register (unsigned immediate): `size 111 V 01 opc imm12 Rn Rt`.
pub const fn enc_ldst_uimm12(size: u32, v: u32, opc: u32, imm12: u32, rn: u32, rt: u32) -> u32 {
    0x3900_0000
        | field(size, 2, 30)
        | field(v, 1, 26)
        | field(opc, 2, 22)
        | field(imm12, 12, 10)
        | field(rn, 5, 5)
        | field(rt, 5, 0)
}

/// Load/store register with a 9-bit signed offset: `size 111 V 00 opc 0 imm9 mode Rn Rt`,
/// where `mode` is 00 unscaled (`ldur`), 01 post-index, 11 pre-index.
#[allow(clippy::too_many_arguments)]
pub const fn enc_ldst_simm9(
    size: u32,
    v: u32,
    opc: u32,
    imm9: u32,
    mode: u32,
    rn: u32,
    rt: u32,
) -> u32 {
    0x3800_0000
        | field(size, 2, 30)
        | field(v, 1, 26)
        | field(opc, 2, 22)
        | field(imm9, 9, 12)
        | field(mode, 2, 10)
        | field(rn, 5, 5)
        | field(rt, 5, 0)
}

/// Load/store register (register offset): `size 111 V 00 opc 1 Rm option S 10 Rn Rt`.
#[allow(clippy::too_many_arguments)]
pub const fn enc_ldst_reg(
    size: u32,
    v: u32,
    opc: u32,
    rm: u32,
    option: u32,
    s: u32,
    rn: u32,
    rt: u32,
) -> u32 {
    0x3820_0800
        | field(size, 2, 30)
        | field(v, 1, 26)
        | field(opc, 2, 22)
        | field(rm, 5, 16)
        | field(option, 3, 13)
        | field(s, 1, 12)
        | field(rn, 5, 5)
        | field(rt, 5, 0)
}

/// Load register (literal): `opc 011 V 00 imm19 Rt`.
pub const fn enc_ldr_literal(opc: u32, v: u32, imm19: u32, rt: u32) -> u32 {
    0x1800_0000 | field(opc, 2, 30) | field(v, 1, 26) | field(imm19, 19, 5) | field(rt, 5, 0)
}

/// Load/store pair: `opc 101 V mode L imm7 Rt2 Rn Rt`, where `mode` is
/// 001 post-index, 010 signed offset, 011 pre-index.
#[allow(clippy::too_many_arguments)]
pub const fn enc_ldst_pair(
    opc: u32,
    v: u32,
    mode: u32,
    load: u32,
    imm7: u32,
    rt2: u32,
    rn: u32,
    rt: u32,
) -> u32 {
    0x2800_0000
        | field(opc, 2, 30)
        | field(v, 1, 26)
        | field(mode, 3, 23)
        | field(load, 1, 22)
        | field(imm7, 7, 15)
        | field(rt2, 5, 10)
        | field(rn, 5, 5)
        | field(rt, 5, 0)
}

/// Floating-point data-processing (2 source): `000 11110 ftype 1 Rm opcode 10 Rn Rd`.
pub const fn enc_fpu_rrr(ftype: u32, opcode: u32, rm: u32, rn: u32, rd: u32) -> u32 {
    0x1e20_0800
        | field(ftype, 2, 22)
        | field(rm, 5, 16)
        | field(opcode, 4, 12)
        | field(rn, 5, 5)
        | field(rd, 5, 0)
}

/// Floating-point data-processing (1 source): `000 11110 ftype 1 opcode 10000 Rn Rd`.
pub const fn enc_fpu_rr(ftype: u32, opcode: u32, rn: u32, rd: u32) -> u32 {
    0x1e20_4000 | field(ftype, 2, 22) | field(opcode, 6, 15) | field(rn, 5, 5) | field(rd, 5, 0)
}

/// Floating-point compare: `000 11110 ftype 1 Rm 001000 Rn 0 zero 000`.
pub const fn enc_fcmp(ftype: u32, rm: u32, rn: u32, zero: u32) -> u32 {
    0x1e20_2000 | field(ftype, 2, 22) | field(rm, 5, 16) | field(rn, 5, 5) | field(zero, 1, 3)
}

/// Floating-point conditional select: `000 11110 ftype 1 Rm cond 11 Rn Rd`.
pub const fn enc_fcsel(ftype: u32, rm: u32, cond: u32, rn: u32, rd: u32) -> u32 {
    0x1e20_0c00
        | field(ftype, 2, 22)
        | field(rm, 5, 16)
        | field(cond, 4, 12)
        | field(rn, 5, 5)
        | field(rd, 5, 0)
}

/// Floating-point immediate: `000 11110 ftype 1 imm8 100 00000 Rd`.
pub const fn enc_fmov_imm(ftype: u32, imm8: u32, rd: u32) -> u32 {
    0x1e20_1000 | field(ftype, 2, 22) | field(imm8, 8, 13) | field(rd, 5, 0)
}

/// Conversion between floating-point and integer: `sf 00 11110 ftype 1 rmode opcode 000000 Rn Rd`.
pub const fn enc_fp_int_conv(
    sf: u32,
    ftype: u32,
    rmode: u32,
    opcode: u32,
    rn: u32,
    rd: u32,
) -> u32 {
    0x1e20_0000
        | field(sf, 1, 31)
        | field(ftype, 2, 22)
        | field(rmode, 2, 19)
        | field(opcode, 3, 16)
        | field(rn, 5, 5)
        | field(rd, 5, 0)
}

/// Advanced SIMD shift by immediate: `0 Q U 011110 immh:immb opcode 1 Rn Rd`,
/// or its scalar form (`scalar` sets bit 28 and bit 30).
pub const fn enc_simd_shift_imm(
    scalar: u32,
    q: u32,
    u: u32,
    immhb: u32,
    opcode: u32,
    rn: u32,
    rd: u32,
) -> u32 {
    0x0f00_0400
        | field(q | scalar, 1, 30)
        | field(u, 1, 29)
        | field(scalar, 1, 28)
        | field(immhb, 7, 16)
        | field(opcode, 5, 11)
        | field(rn, 5, 5)
        | field(rd, 5, 0)
}

/// Advanced SIMD three same, bitwise group: `0 Q 1 01110 opc2 1 Rm 00011 1 Rn Rd`.
pub const fn enc_simd_bitwise(q: u32, opc2: u32, rm: u32, rn: u32, rd: u32) -> u32 {
    0x2e20_1c00
        | field(q, 1, 30)
        | field(opc2, 2, 22)
        | field(rm, 5, 16)
        | field(rn, 5, 5)
        | field(rd, 5, 0)
}

/// Advanced SIMD two-register miscellaneous: `0 Q U 01110 size 10000 opcode 10 Rn Rd`.
pub const fn enc_simd_misc(q: u32, u: u32, size: u32, opcode: u32, rn: u32, rd: u32) -> u32 {
    0x0e20_0800
        | field(q, 1, 30)
        | field(u, 1, 29)
        | field(size, 2, 22)
        | field(opcode, 5, 12)
        | field(rn, 5, 5)
        | field(rd, 5, 0)
}

/// Advanced SIMD across lanes: `0 Q U 01110 size 11000 opcode 10 Rn Rd`.
pub const fn enc_simd_across_lanes(
    q: u32,
    u: u32,
    size: u32,
    opcode: u32,
    rn: u32,
    rd: u32,
) -> u32 {
    0x0e30_0800
        | field(q, 1, 30)
        | field(u, 1, 29)
        | field(size, 2, 22)
        | field(opcode, 5, 12)
        | field(rn, 5, 5)
        | field(rd, 5, 0)
}

/// `nop`.
pub const NOP: u32 = 0xd503_201f;
/// `isb`.
pub const ISB: u32 = 0xd503_3fdf;
/// `dmb ish`.
pub const DMB_ISH: u32 = 0xd503_3bbf;
/// `csdb`.
pub const CSDB: u32 = 0xd503_229f;
