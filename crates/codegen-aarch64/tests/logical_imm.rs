//! Exhaustive round trip of the bitmask-immediate encoder over every valid
//! `(N, immr, imms)` field triple, and rejection of everything else.

use std::collections::HashSet;

use zwasm_codegen_aarch64::{LogicalImm, OperandSize};

/// Every canonical encoding for `size`: `immr` below the element size (GNU as
/// never emits the other, equivalent ones).
fn canonical_fields(size: OperandSize) -> Vec<(bool, u8, u8, u64)> {
    let mut fields = Vec::new();
    for n in [false, true] {
        for imms in 0..64u8 {
            for immr in 0..64u8 {
                let Some(value) = LogicalImm::decode(n, immr, imms, size) else {
                    continue;
                };
                let element_bits = if n {
                    64
                } else {
                    32 >> (imms << 2).leading_ones()
                };
                if u32::from(immr) < element_bits {
                    fields.push((n, immr, imms, value));
                }
            }
        }
    }
    fields
}

#[test]
fn every_encoding_round_trips() {
    for (size, expected_count) in [(OperandSize::Size64, 5334), (OperandSize::Size32, 1302)] {
        let fields = canonical_fields(size);
        assert_eq!(fields.len(), expected_count, "{size:?}");
        let mut values = HashSet::new();
        for (n, immr, imms, value) in fields {
            let imm = LogicalImm::new(value, size).unwrap_or_else(|| panic!("{value:#x} rejected"));
            assert_eq!(
                (imm.n(), imm.immr(), imm.imms()),
                (n, immr, imms),
                "{value:#x}"
            );
            assert_eq!(imm.value(), value);
            assert!(
                values.insert(value),
                "{value:#x} has two canonical encodings"
            );
        }
    }
}

#[test]
fn non_canonical_rotations_decode_like_the_hardware() {
    // A 2-bit element ignores all but the lowest immr bit.
    let canonical = LogicalImm::decode(false, 1, 0b111100, OperandSize::Size64);
    assert_eq!(canonical, Some(0xaaaa_aaaa_aaaa_aaaa));
    assert_eq!(
        LogicalImm::decode(false, 0b110011, 0b111100, OperandSize::Size64),
        canonical
    );
}

#[test]
fn reserved_encodings_are_rejected() {
    // An all-ones element, a one-bit element and N=1 for 32-bit operands.
    assert_eq!(
        LogicalImm::decode(true, 0, 0b111111, OperandSize::Size64),
        None
    );
    assert_eq!(
        LogicalImm::decode(false, 0, 0b111101, OperandSize::Size64),
        None
    );
    assert_eq!(
        LogicalImm::decode(false, 0, 0b111110, OperandSize::Size64),
        None
    );
    assert_eq!(LogicalImm::decode(true, 0, 0, OperandSize::Size32), None);
}

#[test]
fn rejects_zero_all_ones_and_non_patterns() {
    for size in [OperandSize::Size32, OperandSize::Size64] {
        assert!(LogicalImm::new(0, size).is_none());
        assert!(LogicalImm::new(size.mask(), size).is_none());
        for value in [
            0b101,
            0x1234,
            0x00ff_00f0,
            0x0f0f_0f0f_0f0f_0f0e & size.mask(),
        ] {
            assert!(
                LogicalImm::new(value, size).is_none(),
                "{value:#x} {size:?}"
            );
        }
    }
    assert!(LogicalImm::new(0x1_0000_0000, OperandSize::Size32).is_none());
    assert!(LogicalImm::new(0xffff_ffff, OperandSize::Size64).is_some());
    assert!(LogicalImm::new(0xffff_ffff, OperandSize::Size32).is_none());
}

#[test]
fn encodable_values_are_exactly_the_decodable_ones_on_a_sample() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let encodable: HashSet<u64> = canonical_fields(OperandSize::Size64)
        .into_iter()
        .map(|(_, _, _, value)| value)
        .collect();
    for _ in 0..40_000 {
        // xorshift: a cheap deterministic stream of 64-bit values
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let candidates = [
            state,
            state & 0xffff,
            !state & 0xff00,
            state.rotate_left(7) | 0xf,
        ];
        for value in candidates {
            assert_eq!(
                LogicalImm::new(value, OperandSize::Size64).is_some(),
                encodable.contains(&value),
                "{value:#x}"
            );
        }
    }
}
