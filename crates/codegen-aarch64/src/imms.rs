//! Checked immediates. Each type can only hold values its instruction field
//! can encode; constructors return `None` for anything else.

use crate::regs::OperandSize;

/// The 12-bit unsigned immediate of `add`/`sub`, optionally shifted left by 12.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Imm12 {
    bits: u16,
    shift12: bool,
}

impl Imm12 {
    /// Zero, unshifted.
    pub const ZERO: Imm12 = Imm12 {
        bits: 0,
        shift12: false,
    };

    /// Encodes `value` as `#imm` (below 4096) or `#imm, lsl #12`.
    pub const fn new(value: u64) -> Option<Imm12> {
        if value < 0x1000 {
            Some(Imm12 {
                bits: value as u16,
                shift12: false,
            })
        } else if value & 0xfff == 0 && value < 0x100_0000 {
            Some(Imm12 {
                bits: (value >> 12) as u16,
                shift12: true,
            })
        } else {
            None
        }
    }

    /// `#bits` or `#bits, lsl #12`, with `bits` below 4096.
    pub const fn from_fields(bits: u16, shift12: bool) -> Option<Imm12> {
        if bits < 0x1000 {
            Some(Imm12 { bits, shift12 })
        } else {
            None
        }
    }

    /// The 12-bit field.
    pub const fn bits(self) -> u16 {
        self.bits
    }

    /// Whether the field is shifted left by 12.
    pub const fn shift12(self) -> bool {
        self.shift12
    }

    /// The value added or subtracted.
    pub const fn value(self) -> u64 {
        (self.bits as u64) << if self.shift12 { 12 } else { 0 }
    }
}

/// The 16-bit immediate and left shift (0, 16, 32 or 48) of `movz`/`movn`/`movk`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MoveWideImm {
    bits: u16,
    hw: u8,
}

impl MoveWideImm {
    /// `#bits, lsl #shift`; `None` unless `shift` is 0, 16, 32 or 48.
    pub const fn new(bits: u16, shift: u8) -> Option<MoveWideImm> {
        match shift {
            0 | 16 | 32 | 48 => Some(MoveWideImm {
                bits,
                hw: shift / 16,
            }),
            _ => None,
        }
    }

    /// The immediate whose shifted value is `value`, if only one 16-bit
    /// half-word of `value` is non-zero (zero itself is `#0`).
    pub const fn from_value(value: u64) -> Option<MoveWideImm> {
        let mut hw = 0;
        while hw < 4 {
            if value & !(0xffff << (hw * 16)) == 0 {
                return Some(MoveWideImm {
                    bits: (value >> (hw * 16)) as u16,
                    hw: hw as u8,
                });
            }
            hw += 1;
        }
        None
    }

    /// The 16-bit immediate.
    pub const fn bits(self) -> u16 {
        self.bits
    }

    /// The left shift: 0, 16, 32 or 48.
    pub const fn shift(self) -> u8 {
        self.hw * 16
    }

    /// The `hw` field (shift / 16).
    pub const fn hw(self) -> u8 {
        self.hw
    }

    /// The immediate shifted into place.
    pub const fn value(self) -> u64 {
        (self.bits as u64) << self.shift()
    }
}

/// The `immr`/`imms` pair of a bitfield move (`sbfm`/`bfm`/`ubfm`), checked
/// against the operand size it belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BitfieldImm {
    size: OperandSize,
    immr: u8,
    imms: u8,
}

impl BitfieldImm {
    /// `None` unless both fields are below the operand width.
    pub const fn new(size: OperandSize, immr: u8, imms: u8) -> Option<BitfieldImm> {
        if (immr as u32) < size.bits() && (imms as u32) < size.bits() {
            Some(BitfieldImm { size, immr, imms })
        } else {
            None
        }
    }

    /// The operand size.
    pub const fn size(self) -> OperandSize {
        self.size
    }

    /// The `immr` field.
    pub const fn immr(self) -> u8 {
        self.immr
    }

    /// The `imms` field.
    pub const fn imms(self) -> u8 {
        self.imms
    }
}

macro_rules! bounded_unsigned {
    ($(#[$doc:meta])* $name:ident, $repr:ty, $max:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name($repr);

        impl $name {
            #[doc = concat!("The largest encodable value, ", stringify!($max), ".")]
            pub const MAX: $repr = $max;

            /// `None` if `value` is larger than [`Self::MAX`].
            pub const fn new(value: $repr) -> Option<$name> {
                if value <= $max { Some($name(value)) } else { None }
            }

            /// The value.
            pub const fn get(self) -> $repr {
                self.0
            }
        }
    };
}

bounded_unsigned!(
    /// A bit number 0–63 for `tbz`/`tbnz` (bits 32–63 test an `x` register).
    BitIndex, u8, 63
);
bounded_unsigned!(
    /// The 5-bit unsigned immediate compared by `ccmp`/`ccmn`.
    UImm5, u8, 31
);
bounded_unsigned!(
    /// The flags (`n`, `z`, `c`, `v` from bit 3 down) that `ccmp`/`ccmn`
    /// set when their condition is false.
    Nzcv, u8, 15
);
bounded_unsigned!(
    /// The unsigned 12-bit offset of a load or store, in units of the access
    /// size (`[x1, #16]` of an 8-byte load is index 2).
    ScaledIndex, u16, 4095
);

impl ScaledIndex {
    /// The index for a byte offset of an access of `access_bytes`, if the
    /// offset is a non-negative multiple of the access size that fits.
    pub fn from_byte_offset(offset: i64, access_bytes: u32) -> Option<ScaledIndex> {
        if offset < 0 || access_bytes == 0 || offset % i64::from(access_bytes) != 0 {
            return None;
        }
        u16::try_from(offset / i64::from(access_bytes))
            .ok()
            .and_then(ScaledIndex::new)
    }
}

impl Nzcv {
    /// Flags from their four bits.
    pub const fn from_flags(n: bool, z: bool, c: bool, v: bool) -> Nzcv {
        Nzcv(((n as u8) << 3) | ((z as u8) << 2) | ((c as u8) << 1) | (v as u8))
    }
}

/// The signed 9-bit byte offset of unscaled (`ldur`) and pre/post-indexed
/// loads and stores, -256 to 255.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SImm9(i16);

impl SImm9 {
    /// `None` unless `value` is in -256..=255.
    pub const fn new(value: i64) -> Option<SImm9> {
        if value >= -256 && value <= 255 {
            Some(SImm9(value as i16))
        } else {
            None
        }
    }

    /// The offset in bytes.
    pub const fn get(self) -> i16 {
        self.0
    }
}

/// The signed 7-bit offset of `ldp`/`stp`, in units of one register's size
/// (-64 to 63).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PairIndex(i8);

impl PairIndex {
    /// `None` unless `units` is in -64..=63.
    pub const fn new(units: i64) -> Option<PairIndex> {
        if units >= -64 && units <= 63 {
            Some(PairIndex(units as i8))
        } else {
            None
        }
    }

    /// The index for a byte offset with registers of `register_bytes`, if
    /// the offset is a multiple of the register size that fits.
    pub fn from_byte_offset(offset: i64, register_bytes: u32) -> Option<PairIndex> {
        if register_bytes == 0 || offset % i64::from(register_bytes) != 0 {
            return None;
        }
        PairIndex::new(offset / i64::from(register_bytes))
    }

    /// The offset in register-size units.
    pub const fn get(self) -> i8 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imm12_picks_the_shifted_form_only_when_needed() {
        assert_eq!(Imm12::new(4095), Imm12::from_fields(4095, false));
        assert_eq!(Imm12::new(4096), Imm12::from_fields(1, true));
        assert_eq!(Imm12::new(4097), None);
        assert_eq!(Imm12::new(0xfff000).map(Imm12::value), Some(0xfff000));
        assert_eq!(Imm12::new(0x1000000), None);
    }

    #[test]
    fn move_wide_from_value() {
        assert_eq!(MoveWideImm::from_value(0), MoveWideImm::new(0, 0));
        assert_eq!(
            MoveWideImm::from_value(0xabcd_0000_0000),
            MoveWideImm::new(0xabcd, 32)
        );
        assert_eq!(MoveWideImm::from_value(0x1_0001), None);
        assert_eq!(MoveWideImm::new(1, 8), None);
    }

    #[test]
    fn memory_offsets() {
        assert_eq!(
            ScaledIndex::from_byte_offset(16, 8).map(ScaledIndex::get),
            Some(2)
        );
        assert_eq!(ScaledIndex::from_byte_offset(12, 8), None);
        assert_eq!(ScaledIndex::from_byte_offset(-8, 8), None);
        assert_eq!(
            ScaledIndex::from_byte_offset(4095 * 8, 8).map(ScaledIndex::get),
            Some(4095)
        );
        assert_eq!(ScaledIndex::from_byte_offset(4096 * 8, 8), None);
        assert_eq!(SImm9::new(-256).map(SImm9::get), Some(-256));
        assert_eq!(SImm9::new(256), None);
        assert_eq!(
            PairIndex::from_byte_offset(-512, 8).map(PairIndex::get),
            Some(-64)
        );
        assert_eq!(
            PairIndex::from_byte_offset(504, 8).map(PairIndex::get),
            Some(63)
        );
        assert_eq!(PairIndex::from_byte_offset(512, 8), None);
    }

    #[test]
    fn bitfield_fields_must_fit_the_width() {
        assert!(BitfieldImm::new(OperandSize::Size32, 31, 31).is_some());
        assert!(BitfieldImm::new(OperandSize::Size32, 32, 0).is_none());
        assert!(BitfieldImm::new(OperandSize::Size64, 63, 63).is_some());
    }
}
