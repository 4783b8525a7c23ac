//! The alias constructors build exactly the instructions of the
//! binutils-checked table rows for the same assembly.

mod common;

use std::collections::HashMap;

use common::*;
use zwasm_codegen_aarch64::*;

#[test]
fn alias_constructors_match_table_rows() {
    let rows: HashMap<&str, Inst> = common::rows::rows().into_iter().collect();
    let row = |source: &str| {
        *rows
            .get(source)
            .unwrap_or_else(|| panic!("no row {source:?}"))
    };
    let cases: Vec<(&str, Option<Inst>)> = vec![
        ("mov x0, x1", Some(Inst::mov(X, r(0), r(1)))),
        ("mov w2, w3", Some(Inst::mov(W, r(2), r(3)))),
        ("add x0, sp, #0", Some(Inst::mov_sp(rs(0), rs(SP)))),
        ("add sp, x1, #0", Some(Inst::mov_sp(rs(SP), rs(1)))),
        (
            "add x0, x1, x2",
            Some(Inst::add_sub(AddSubOp::Add, false, X, r(0), r(1), r(2))),
        ),
        ("cmp x1, x2", Some(Inst::cmp(X, r(1), r(2)))),
        (
            "cmp x6, #42",
            Some(Inst::cmp_imm(X, rs(6), Imm12::new(42).unwrap())),
        ),
        (
            "cmp sp, #16",
            Some(Inst::cmp_imm(X, rs(SP), Imm12::new(16).unwrap())),
        ),
        (
            "cmn w9, #1, lsl #12",
            Some(Inst::cmn_imm(W, rs(9), Imm12::new(4096).unwrap())),
        ),
        ("tst x11, x12", Some(Inst::tst(X, r(11), r(12)))),
        (
            "tst x4, #0x1",
            Some(Inst::tst_imm(r(4), LogicalImm::new(1, X).unwrap())),
        ),
        ("neg x9, x10", Some(Inst::neg(X, r(9), r(10)))),
        ("mvn x7, x8", Some(Inst::mvn(X, r(7), r(8)))),
        ("mul x16, x17, x18", Some(Inst::mul(X, r(16), r(17), r(18)))),
        ("lsl x0, x1, #3", Inst::lsl_imm(X, r(0), r(1), 3)),
        ("lsl w2, w3, #31", Inst::lsl_imm(W, r(2), r(3), 31)),
        ("lsl x4, x5, #63", Inst::lsl_imm(X, r(4), r(5), 63)),
        ("lsr x8, x9, #1", Inst::lsr_imm(X, r(8), r(9), 1)),
        ("lsr x12, x13, #0", Inst::lsr_imm(X, r(12), r(13), 0)),
        ("asr w16, w17, #7", Inst::asr_imm(W, r(16), r(17), 7)),
        ("ror x0, x1, #1", Inst::ror_imm(X, r(0), r(1), 1)),
        (
            "ubfx w3, w4, #5, #10",
            Inst::bitfield_extract(false, W, r(3), r(4), 5, 10),
        ),
        (
            "sbfx x5, x6, #8, #16",
            Inst::bitfield_extract(true, X, r(5), r(6), 8, 16),
        ),
        (
            "bfi x11, x12, #8, #8",
            Inst::bitfield_insert(X, r(11), r(12), 8, 8),
        ),
        (
            "bfi w11, w12, #31, #1",
            Inst::bitfield_insert(W, r(11), r(12), 31, 1),
        ),
        ("sxtb x18, w19", Inst::sign_extend(X, r(18), r(19), 8)),
        ("sxth w24, w25", Inst::sign_extend(W, r(24), r(25), 16)),
        ("sxtw x26, w27", Inst::sign_extend(X, r(26), r(27), 32)),
        ("uxtb w28, w29", Inst::zero_extend(r(28), r(29), 8)),
        ("uxth w30, w0", Inst::zero_extend(r(30), r(0), 16)),
        ("cset x0, eq", Inst::cset(X, r(0), Cond::Eq)),
        ("cset w2, cs", Inst::cset(W, r(2), Cond::HS)),
        ("csetm x14, eq", Inst::csetm(X, r(14), Cond::Eq)),
        ("ret", Some(Inst::ret())),
    ];
    for (source, built) in cases {
        assert_eq!(built, Some(row(source)), "{source}");
    }
}

#[test]
fn alias_constructors_refuse_what_does_not_encode() {
    assert_eq!(Inst::lsl_imm(W, r(0), r(1), 32), None);
    assert_eq!(Inst::lsr_imm(X, r(0), r(1), 64), None);
    assert_eq!(Inst::asr_imm(W, r(0), r(1), 40), None);
    assert_eq!(Inst::ror_imm(W, r(0), r(1), 32), None);
    assert_eq!(Inst::bitfield_extract(false, W, r(0), r(1), 30, 3), None);
    assert_eq!(Inst::bitfield_extract(false, X, r(0), r(1), 0, 0), None);
    assert_eq!(Inst::bitfield_insert(X, r(0), r(1), 60, 5), None);
    assert_eq!(Inst::bitfield_insert(X, r(0), r(1), 0, 0), None);
    assert_eq!(Inst::sign_extend(W, r(0), r(1), 32), None);
    assert_eq!(Inst::sign_extend(X, r(0), r(1), 12), None);
    assert_eq!(Inst::zero_extend(r(0), r(1), 32), None);
    assert_eq!(Inst::cset(X, r(0), Cond::Al), None);
    assert_eq!(Inst::csetm(X, r(0), Cond::Nv), None);
}
