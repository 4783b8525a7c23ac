//! `load_constant` sequences compute the constant, within the best known
//! instruction count, on random and hand-picked values.

mod common;

use proptest::prelude::*;
use zwasm_codegen_aarch64::*;

/// Runs a constant-building sequence on a model register.
fn evaluate(sequence: &[Inst], rd: Gpr) -> u64 {
    let mut register = 0xdead_beef_dead_beefu64;
    for inst in sequence {
        register = match *inst {
            Inst::MoveWide {
                op,
                size,
                rd: target,
                imm,
            } => {
                assert_eq!(target, GprOrZr::Gpr(rd));
                let shifted = u64::from(imm.bits()) << imm.shift();
                match op {
                    MoveWideOp::Movz => shifted & size.mask(),
                    MoveWideOp::Movn => !shifted & size.mask(),
                    MoveWideOp::Movk => {
                        ((register & !(0xffff << imm.shift())) | shifted) & size.mask()
                    }
                }
            }
            Inst::LogicImm {
                op: LogicImmOp::Orr,
                rd: target,
                rn: GprOrZr::Zr,
                imm,
            } => {
                assert_eq!(target, GprOrSp::Gpr(rd));
                LogicalImm::decode(imm.n(), imm.immr(), imm.imms(), imm.size()).unwrap()
            }
            other => panic!("unexpected {other}"),
        };
        inst.check().unwrap();
    }
    register
}

/// Instructions a plain movz/movn + movk sequence needs.
fn move_wide_count(value: u64, size: OperandSize) -> usize {
    let halves: Vec<u16> = (0..size.bits() / 16)
        .map(|i| (value >> (16 * i)) as u16)
        .collect();
    let zeros = halves.iter().filter(|&&h| h == 0).count();
    let ones = halves.iter().filter(|&&h| h == 0xffff).count();
    (halves.len() - zeros.max(ones)).max(1)
}

/// Values built from interesting half-words, so that the short paths are hit.
fn structured_value() -> impl Strategy<Value = u64> {
    let half = prop_oneof![
        Just(0u16),
        Just(0xffff),
        Just(0x5555),
        Just(0x00ff),
        any::<u16>()
    ];
    [half.clone(), half.clone(), half.clone(), half].prop_map(|h| {
        h.iter().enumerate().fold(0u64, |value, (i, &half)| {
            value | (u64::from(half) << (16 * i))
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn sequences_compute_the_value(value in prop_oneof![any::<u64>(), structured_value()], wide in any::<bool>(), rd in 0u8..31) {
        let size = if wide { OperandSize::Size64 } else { OperandSize::Size32 };
        let rd = Gpr::new(rd).unwrap();
        let sequence = load_constant(rd, value, size);
        prop_assert_eq!(evaluate(&sequence, rd), value & size.mask());
        prop_assert!(!sequence.is_empty());
        prop_assert!(sequence.len() <= move_wide_count(value & size.mask(), size));
        if LogicalImm::new(value & size.mask(), size).is_some() {
            prop_assert_eq!(sequence.len(), 1);
        }
    }
}

fn text(value: u64, size: OperandSize) -> Vec<String> {
    load_constant(Gpr::X0, value, size)
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn chosen_sequences() {
    assert_eq!(text(0, OperandSize::Size64), ["mov x0, #0x0"]);
    assert_eq!(
        text(0xffff_0000, OperandSize::Size64),
        ["mov x0, #0xffff0000"]
    );
    assert_eq!(
        text(u64::MAX, OperandSize::Size64),
        ["mov x0, #0xffffffffffffffff"]
    );
    assert_eq!(
        text(0xffff_ffff_ffff_1234, OperandSize::Size64),
        ["mov x0, #0xffffffffffff1234"]
    );
    // Upper half clear: a 32-bit movn does it in one.
    assert_eq!(
        text(0xffff_1234, OperandSize::Size64),
        ["mov w0, #0xffff1234"]
    );
    assert_eq!(
        text(0x5555_5555_5555_5555, OperandSize::Size64),
        ["mov x0, #0x5555555555555555"]
    );
    assert_eq!(
        text(0x1234_5678_9abc_def0, OperandSize::Size64),
        [
            "mov x0, #0xdef0",
            "movk x0, #0x9abc, lsl #16",
            "movk x0, #0x5678, lsl #32",
            "movk x0, #0x1234, lsl #48"
        ]
    );
    assert_eq!(
        text(0xffff_1234_ffff_5678, OperandSize::Size64),
        ["mov x0, #0xffffffffffff5678", "movk x0, #0x1234, lsl #32"]
    );
    assert_eq!(
        text(0x1234_5555_5555_5555, OperandSize::Size64),
        ["mov x0, #0x5555555555555555", "movk x0, #0x1234, lsl #48"]
    );
    assert_eq!(text(0x1_0000_0001, OperandSize::Size32), ["mov w0, #0x1"]);
    assert_eq!(
        text(0x8000_0001, OperandSize::Size32),
        ["mov w0, #0x80000001"]
    );
    assert_eq!(
        text(0x1234_5678, OperandSize::Size32),
        ["mov w0, #0x5678", "movk w0, #0x1234, lsl #16"]
    );
}
