//! Bitmask immediates of the logical instructions (`and`, `orr`, `eor`,
//! `ands` with an immediate), encoded as `N:immr:imms`.
//!
//! A bitmask immediate is a 2, 4, 8, 16, 32 or 64-bit element, replicated
//! to the register width, whose value is a contiguous run of 1 to
//! `element - 1` ones rotated right by `immr`.

use crate::regs::OperandSize;

/// A value encodable as a logical (bitmask) immediate for one operand size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LogicalImm {
    value: u64,
    size: OperandSize,
    n: bool,
    immr: u8,
    imms: u8,
}

impl LogicalImm {
    /// Encodes `value` for `size`, or `None` if it is not a bitmask
    /// immediate (0, all ones, not a repeated rotated run of ones, or wider
    /// than a 32-bit operand).
    pub fn new(value: u64, size: OperandSize) -> Option<LogicalImm> {
        let replicated = match size {
            OperandSize::Size64 => value,
            OperandSize::Size32 => {
                if value >> 32 != 0 {
                    return None;
                }
                value | (value << 32)
            }
        };
        if replicated == 0 || replicated == u64::MAX {
            return None;
        }
        let element_bits = smallest_period(replicated);
        let element = replicated & ones(element_bits);
        let run = element.count_ones();
        let run_at_bottom = ones(run);
        let rotation =
            (0..element_bits).find(|&r| rotate_right(run_at_bottom, r, element_bits) == element)?;
        let size_marker = (!(element_bits - 1) << 1) & 0x3f;
        Some(LogicalImm {
            value: value & size.mask(),
            size,
            n: element_bits == 64,
            immr: rotation as u8,
            imms: (size_marker | (run - 1)) as u8,
        })
    }

    /// Decodes an `N:immr:imms` field triple the way the CPU does, or `None`
    /// for a reserved encoding. Accepts non-canonical `immr` values (bits
    /// above the element size are ignored), as the hardware does.
    pub fn decode(n: bool, immr: u8, imms: u8, size: OperandSize) -> Option<u64> {
        if immr > 63 || imms > 63 || (n && size == OperandSize::Size32) {
            return None;
        }
        let combined = (u32::from(n) << 6) | (u32::from(!imms) & 0x3f);
        if combined == 0 {
            return None;
        }
        let len = 31 - combined.leading_zeros();
        if len < 1 {
            return None;
        }
        let element_bits = 1u32 << len;
        let levels = element_bits - 1;
        let run_minus_one = u32::from(imms) & levels;
        if run_minus_one == levels {
            return None;
        }
        let rotation = u32::from(immr) & levels;
        let element = rotate_right(ones(run_minus_one + 1), rotation, element_bits);
        let mut value = 0u64;
        let mut position = 0;
        while position < 64 {
            value |= element << position;
            position += element_bits;
        }
        Some(value & size.mask())
    }

    /// The value, within the operand size (upper bits clear for 32-bit).
    pub fn value(self) -> u64 {
        self.value
    }

    /// The operand size this immediate was encoded for.
    pub fn size(self) -> OperandSize {
        self.size
    }

    /// The `N` field.
    pub fn n(self) -> bool {
        self.n
    }

    /// The `immr` field (rotation), always less than the element size.
    pub fn immr(self) -> u8 {
        self.immr
    }

    /// The `imms` field (element size marker and run length - 1).
    pub fn imms(self) -> u8 {
        self.imms
    }
}

/// The smallest power-of-two period (2..=64 bits) of `value`.
fn smallest_period(value: u64) -> u32 {
    let mut period = 64;
    while period > 2 {
        let half = period / 2;
        if value & ones(half) != (value >> half) & ones(half) {
            break;
        }
        period = half;
    }
    period
}

/// A value with the low `count` bits set (`count` up to 64).
fn ones(count: u32) -> u64 {
    if count >= 64 {
        u64::MAX
    } else {
        (1u64 << count) - 1
    }
}

/// Rotates the low `width` bits of `value` right by `amount` (< `width`).
fn rotate_right(value: u64, amount: u32, width: u32) -> u64 {
    if amount == 0 {
        return value;
    }
    ((value >> amount) | (value << (width - amount))) & ones(width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_encodings() {
        let imm = LogicalImm::new(0xff, OperandSize::Size64).unwrap();
        assert_eq!((imm.n(), imm.immr(), imm.imms()), (true, 0, 7));
        let imm = LogicalImm::new(0xff00ff00, OperandSize::Size32).unwrap();
        assert_eq!((imm.n(), imm.immr(), imm.imms()), (false, 8, 0b100111));
        let imm = LogicalImm::new(0x5555_5555_5555_5555, OperandSize::Size64).unwrap();
        assert_eq!((imm.n(), imm.immr(), imm.imms()), (false, 0, 0b111100));
        let imm = LogicalImm::new(0x8000_0000_0000_0000, OperandSize::Size64).unwrap();
        assert_eq!((imm.n(), imm.immr(), imm.imms()), (true, 1, 0));
    }

    #[test]
    fn rejects_values_wider_than_32_bits_for_w_operands() {
        assert!(LogicalImm::new(0x1_0000_0000, OperandSize::Size32).is_none());
        assert!(LogicalImm::new(0xffff_ffff, OperandSize::Size32).is_none());
        assert!(LogicalImm::new(0xffff_ffff, OperandSize::Size64).is_some());
    }
}
