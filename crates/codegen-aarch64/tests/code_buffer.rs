//! Labels, fixups, jump tables and the literal pool of `CodeBuffer`.

mod common;

use common::*;
use zwasm_codegen_aarch64::*;

fn words(bytes: &[u8]) -> Vec<u32> {
    bytes
        .chunks(4)
        .map(|chunk| u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]))
        .collect()
}

fn text_at(bytes: &[u8], index: usize, expected: Inst) -> String {
    assert_eq!(words(bytes)[index], expected.encode(), "word {index}");
    expected.to_string()
}

#[test]
fn forward_and_backward_branches() {
    let mut buf = CodeBuffer::new();
    let top = buf.new_label();
    let exit = buf.new_label();
    buf.bind(top).unwrap();
    buf.emit_to_label(&cb(false, X, 0, 0), exit).unwrap();
    buf.emit(&Inst::Nop).unwrap();
    buf.emit_to_label(&b_cond(Cond::Ne, 0), top).unwrap();
    buf.emit_to_label(&tb(true, 3, 40, 0), exit).unwrap();
    buf.emit_to_label(&b(0), top).unwrap();
    buf.bind(exit).unwrap();
    buf.emit(&Inst::ret()).unwrap();
    let code = buf.finish().unwrap();
    assert_eq!(text_at(&code, 0, cb(false, X, 0, 20)), "cbz x0, .+20");
    assert_eq!(text_at(&code, 2, b_cond(Cond::Ne, -8)), "b.ne .-8");
    assert_eq!(text_at(&code, 3, tb(true, 3, 40, 8)), "tbnz x3, #40, .+8");
    assert_eq!(text_at(&code, 4, b(-16)), "b .-16");
}

#[test]
fn calls_and_adr_take_labels() {
    let mut buf = CodeBuffer::new();
    let callee = buf.new_label();
    buf.emit_to_label(&bl(0), callee).unwrap();
    buf.emit_to_label(&adr(1, 0), callee).unwrap();
    buf.bind(callee).unwrap();
    buf.emit(&Inst::ret()).unwrap();
    let code = buf.finish().unwrap();
    assert_eq!(words(&code)[0], bl(8).encode());
    assert_eq!(words(&code)[1], adr(1, 4).encode());
}

#[test]
fn out_of_range_branches_are_errors() {
    let mut buf = CodeBuffer::new();
    let far = buf.new_label();
    buf.emit_to_label(&tb(false, 0, 0, 0), far).unwrap();
    for _ in 0..8192 {
        buf.emit(&Inst::Nop).unwrap();
    }
    // 8193 words = 32772 bytes, past tbz's 32 KiB reach.
    assert_eq!(
        buf.bind(far),
        Err(BufferError::OutOfRange { at: 0, label: far })
    );
}

#[test]
fn backward_reach_is_checked_at_emission() {
    let mut buf = CodeBuffer::new();
    let back = buf.new_label();
    buf.bind(back).unwrap();
    for _ in 0..8192 {
        buf.emit(&Inst::Nop).unwrap();
    }
    // -32768 is the most negative offset tbz reaches; one word further is not.
    assert!(buf.emit_to_label(&tb(false, 0, 0, 0), back).is_ok());
    assert_eq!(
        buf.emit_to_label(&tb(false, 0, 0, 0), back),
        Err(BufferError::OutOfRange {
            at: 32772,
            label: back
        })
    );
}

#[test]
fn label_misuse_is_reported() {
    let mut buf = CodeBuffer::new();
    let label = buf.new_label();
    buf.bind(label).unwrap();
    assert_eq!(buf.bind(label), Err(BufferError::AlreadyBound(label)));
    let add = add_sub(AddSubOp::Add, false, X, 0, 1, 2, ArithShift::Lsl, 0);
    assert_eq!(
        buf.emit_to_label(&add, label),
        Err(BufferError::NotLabelTarget(add))
    );
    let unbound = buf.new_label();
    buf.emit_to_label(&b(0), unbound).unwrap();
    assert_eq!(buf.finish(), Err(BufferError::Unbound(unbound)));
}

#[test]
fn invalid_instructions_are_refused() {
    let mut buf = CodeBuffer::new();
    let wide_shift = add_sub(AddSubOp::Add, false, W, 0, 1, 2, ArithShift::Lsl, 32);
    assert_eq!(
        buf.emit(&wide_shift),
        Err(BufferError::Invalid(InvalidInst::ShiftAmount {
            amount: 32,
            width: 32
        }))
    );
    let movk = Inst::MoveWide {
        op: MoveWideOp::Movk,
        size: W,
        rd: r(0),
        imm: MoveWideImm::new(1, 32).unwrap(),
    };
    assert_eq!(
        buf.emit(&movk),
        Err(BufferError::Invalid(InvalidInst::MoveWideShift(32)))
    );
    let rev32 = dp1(DataProc1Op::Rev32, W, 0, 1);
    assert_eq!(rev32.check(), Err(InvalidInst::Rev32Of32Bits));
    assert_eq!(
        add_ext(AddSubOp::Add, X, 0, 1, 2, ExtendOp::Uxtw, 5).check(),
        Err(InvalidInst::ExtendAmount(5))
    );
    assert_eq!(
        extr(W, 0, 1, 2, 32).check(),
        Err(InvalidInst::ShiftAmount {
            amount: 32,
            width: 32
        })
    );
    let ushr = vec_shift(VecShiftOp::Ushr, ShiftLanes::TwoS, 0, 1, 0);
    assert_eq!(ushr.check(), Err(InvalidInst::VectorShiftAmount(0)));
    assert_eq!(
        vec_shift(VecShiftOp::Sli, ShiftLanes::ScalarD, 0, 1, 64).check(),
        Err(InvalidInst::VectorShiftAmount(64))
    );
    assert!(buf.bytes().is_empty());
}

#[test]
fn literal_pool_is_aligned_and_shared() {
    let mut buf = CodeBuffer::new();
    let big = buf.literal_u64(0x1122_3344_5566_7788);
    let small = buf.literal_u32(0xcafe_f00d);
    assert_eq!(buf.literal_u64(0x1122_3344_5566_7788), big);
    buf.emit_to_label(&load_literal(LiteralLoadOp::LdrX, 0, 0), big)
        .unwrap();
    buf.emit_to_label(&load_literal(LiteralLoadOp::LdrW, 1, 0), small)
        .unwrap();
    buf.emit_to_label(&fp_load_literal(D, 2, 0), big).unwrap();
    buf.emit(&Inst::ret()).unwrap();
    let code = buf.finish().unwrap();
    let w = words(&code);
    // 4 instructions, no padding needed; u64 at 16, u32 at 24.
    assert_eq!(w.len(), 7);
    assert_eq!(w[0], load_literal(LiteralLoadOp::LdrX, 0, 16).encode());
    assert_eq!(w[1], load_literal(LiteralLoadOp::LdrW, 1, 20).encode());
    assert_eq!(w[2], fp_load_literal(D, 2, 8).encode());
    assert_eq!((w[4], w[5], w[6]), (0x5566_7788, 0x1122_3344, 0xcafe_f00d));
}

#[test]
fn literal_pool_pads_to_eight_bytes() {
    let mut buf = CodeBuffer::new();
    let value = buf.literal_u64(7);
    buf.emit_to_label(&load_literal(LiteralLoadOp::LdrX, 0, 0), value)
        .unwrap();
    buf.emit_literal_pool().unwrap();
    assert_eq!(buf.label_offset(value), Some(8));
    let code = buf.finish().unwrap();
    assert_eq!(
        words(&code),
        [load_literal(LiteralLoadOp::LdrX, 0, 8).encode(), 0, 7, 0]
    );
}

#[test]
fn jump_table_entries_are_relative_to_the_table() {
    let mut buf = CodeBuffer::new();
    let cases: Vec<Label> = (0..3).map(|_| buf.new_label()).collect();
    buf.bind(cases[0]).unwrap();
    buf.emit(&Inst::Nop).unwrap();
    let table = buf.offset();
    buf.emit_jump_table(&[cases[1], cases[0], cases[2], cases[1]])
        .unwrap();
    buf.bind(cases[1]).unwrap();
    buf.emit(&Inst::Nop).unwrap();
    buf.bind(cases[2]).unwrap();
    buf.emit(&Inst::ret()).unwrap();
    let code = buf.finish().unwrap();
    assert_eq!(table, 4);
    let entries: Vec<i32> = words(&code)[1..5].iter().map(|&w| w as i32).collect();
    assert_eq!(entries, [16, -4, 20, 16]);
}
