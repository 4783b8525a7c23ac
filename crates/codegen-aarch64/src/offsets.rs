//! Checked PC-relative offsets of branches, literal loads and `adr`/`adrp`.

macro_rules! pc_offset {
    ($(#[$doc:meta])* $name:ident, bits = $bits:expr, scale = $scale:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $name(i32);

        impl $name {
            /// Zero (the instruction itself).
            pub const ZERO: $name = $name(0);

            #[doc = concat!("Width of the signed field in bits: ", stringify!($bits), ".")]
            pub const FIELD_BITS: u32 = $bits;

            /// The offset for `bytes`, or `None` if it is misaligned or out of range.
            #[allow(clippy::modulo_one)]
            pub const fn from_bytes(bytes: i64) -> Option<$name> {
                if bytes % $scale != 0 {
                    return None;
                }
                let units = bytes / $scale;
                let limit = 1i64 << ($bits - 1);
                if units >= -limit && units < limit {
                    Some($name(units as i32))
                } else {
                    None
                }
            }

            /// The offset in bytes.
            pub const fn bytes(self) -> i64 {
                self.0 as i64 * $scale
            }

            /// The field value: the offset in units, truncated to the field width.
            pub const fn field(self) -> u32 {
                (self.0 as u32) & ((1u32 << $bits) - 1)
            }
        }
    };
}

pc_offset!(
    /// The ±128 MiB word offset of `b` and `bl`.
    BranchOffset26, bits = 26, scale = 4
);
pc_offset!(
    /// The ±1 MiB word offset of `b.cond`, `cbz`/`cbnz` and literal loads.
    BranchOffset19, bits = 19, scale = 4
);
pc_offset!(
    /// The ±32 KiB word offset of `tbz`/`tbnz`.
    BranchOffset14, bits = 14, scale = 4
);
pc_offset!(
    /// The ±1 MiB byte offset of `adr`.
    AdrOffset, bits = 21, scale = 1
);
pc_offset!(
    /// The ±4 GiB offset of `adrp`, from the instruction's 4 KiB page to
    /// the target's page (a multiple of 4096 bytes).
    AdrpOffset, bits = 21, scale = 4096
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_alignment() {
        assert_eq!(
            BranchOffset26::from_bytes((1 << 27) - 4).map(BranchOffset26::bytes),
            Some((1 << 27) - 4)
        );
        assert_eq!(BranchOffset26::from_bytes(1 << 27), None);
        assert_eq!(
            BranchOffset26::from_bytes(-(1 << 27)).map(BranchOffset26::bytes),
            Some(-(1 << 27))
        );
        assert_eq!(BranchOffset26::from_bytes(2), None);
        assert_eq!(
            BranchOffset19::from_bytes(-4).map(BranchOffset19::field),
            Some(0x7ffff)
        );
        assert_eq!(BranchOffset14::from_bytes(1 << 15), None);
        assert_eq!(
            BranchOffset14::from_bytes(-(1 << 15)).map(BranchOffset14::field),
            Some(0x2000)
        );
        assert_eq!(
            AdrOffset::from_bytes(-1).map(AdrOffset::field),
            Some(0x1f_ffff)
        );
        assert_eq!(AdrOffset::from_bytes(1 << 20), None);
        assert_eq!(AdrpOffset::from_bytes(4096).map(AdrpOffset::field), Some(1));
        assert_eq!(AdrpOffset::from_bytes(100), None);
    }
}
