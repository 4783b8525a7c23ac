//! Register operands.
//!
//! Register number 31 means the zero register in some operand positions and
//! the stack pointer in others. [`Gpr`] only holds x0–x30, and every operand
//! says which meaning of 31 it allows: [`GprOrZr`] or [`GprOrSp`]. The width
//! (`x` or `w` view) is the instruction's [`OperandSize`].

/// A general-purpose register x0–x30.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Gpr(u8);

macro_rules! gpr_constants {
    ($($name:ident = $number:literal),* $(,)?) => {
        impl Gpr {
            $(
                #[doc = concat!("Register x", stringify!($number), ".")]
                pub const $name: Gpr = Gpr($number);
            )*
        }
    };
}

gpr_constants! {
    X0 = 0, X1 = 1, X2 = 2, X3 = 3, X4 = 4, X5 = 5, X6 = 6, X7 = 7,
    X8 = 8, X9 = 9, X10 = 10, X11 = 11, X12 = 12, X13 = 13, X14 = 14, X15 = 15,
    X16 = 16, X17 = 17, X18 = 18, X19 = 19, X20 = 20, X21 = 21, X22 = 22, X23 = 23,
    X24 = 24, X25 = 25, X26 = 26, X27 = 27, X28 = 28, X29 = 29, X30 = 30,
}

impl Gpr {
    /// The frame pointer by the AAPCS64 convention (x29).
    pub const FP: Gpr = Gpr(29);
    /// The link register (x30).
    pub const LR: Gpr = Gpr(30);

    /// Register `x<number>`, or `None` unless `number` is 0–30.
    pub const fn new(number: u8) -> Option<Gpr> {
        if number <= 30 {
            Some(Gpr(number))
        } else {
            None
        }
    }

    /// The register number, 0–30.
    pub const fn number(self) -> u8 {
        self.0
    }
}

/// A general-purpose register operand in which number 31 is the zero register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GprOrZr {
    /// One of x0–x30.
    Gpr(Gpr),
    /// xzr / wzr: reads as zero, writes are discarded.
    Zr,
}

impl GprOrZr {
    /// The 5-bit register field value.
    pub const fn bits(self) -> u32 {
        match self {
            GprOrZr::Gpr(r) => r.0 as u32,
            GprOrZr::Zr => 31,
        }
    }

    /// The operand for a register field value (31 is the zero register).
    pub const fn from_bits(bits: u8) -> Option<GprOrZr> {
        match bits {
            0..=30 => Some(GprOrZr::Gpr(Gpr(bits))),
            31 => Some(GprOrZr::Zr),
            _ => None,
        }
    }
}

/// A general-purpose register operand in which number 31 is the stack pointer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GprOrSp {
    /// One of x0–x30.
    Gpr(Gpr),
    /// sp / wsp.
    Sp,
}

impl GprOrSp {
    /// The 5-bit register field value.
    pub const fn bits(self) -> u32 {
        match self {
            GprOrSp::Gpr(r) => r.0 as u32,
            GprOrSp::Sp => 31,
        }
    }

    /// The operand for a register field value (31 is the stack pointer).
    pub const fn from_bits(bits: u8) -> Option<GprOrSp> {
        match bits {
            0..=30 => Some(GprOrSp::Gpr(Gpr(bits))),
            31 => Some(GprOrSp::Sp),
            _ => None,
        }
    }
}

impl From<Gpr> for GprOrZr {
    fn from(reg: Gpr) -> Self {
        GprOrZr::Gpr(reg)
    }
}

impl From<Gpr> for GprOrSp {
    fn from(reg: Gpr) -> Self {
        GprOrSp::Gpr(reg)
    }
}

/// The width of an integer operation: the `w` (32-bit) or `x` (64-bit) view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OperandSize {
    /// 32-bit, `w` registers; results are zero-extended into the `x` register.
    Size32,
    /// 64-bit, `x` registers.
    Size64,
}

impl OperandSize {
    /// Number of bits: 32 or 64.
    pub const fn bits(self) -> u32 {
        match self {
            OperandSize::Size32 => 32,
            OperandSize::Size64 => 64,
        }
    }

    /// The `sf` field value: 1 for 64-bit.
    pub const fn sf(self) -> u32 {
        match self {
            OperandSize::Size32 => 0,
            OperandSize::Size64 => 1,
        }
    }

    /// All-ones mask of this width.
    pub const fn mask(self) -> u64 {
        match self {
            OperandSize::Size32 => u32::MAX as u64,
            OperandSize::Size64 => u64::MAX,
        }
    }
}

/// A SIMD & floating-point register v0–v31, used through its `s` (single)
/// or `d` (double) scalar view, or as a 64-bit vector for bitwise tricks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VReg(u8);

macro_rules! vreg_constants {
    ($($name:ident = $number:literal),* $(,)?) => {
        impl VReg {
            $(
                #[doc = concat!("Register v", stringify!($number), ".")]
                pub const $name: VReg = VReg($number);
            )*
        }
    };
}

vreg_constants! {
    V0 = 0, V1 = 1, V2 = 2, V3 = 3, V4 = 4, V5 = 5, V6 = 6, V7 = 7,
    V8 = 8, V9 = 9, V10 = 10, V11 = 11, V12 = 12, V13 = 13, V14 = 14, V15 = 15,
    V16 = 16, V17 = 17, V18 = 18, V19 = 19, V20 = 20, V21 = 21, V22 = 22, V23 = 23,
    V24 = 24, V25 = 25, V26 = 26, V27 = 27, V28 = 28, V29 = 29, V30 = 30, V31 = 31,
}

impl VReg {
    /// Register `v<number>`, or `None` unless `number` is 0–31.
    pub const fn new(number: u8) -> Option<VReg> {
        if number <= 31 {
            Some(VReg(number))
        } else {
            None
        }
    }

    /// The register number, 0–31 (also the 5-bit field value).
    pub const fn number(self) -> u8 {
        self.0
    }

    pub(crate) const fn bits(self) -> u32 {
        self.0 as u32
    }
}

/// The precision of a scalar floating-point operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FpSize {
    /// f32, `s` registers.
    Single,
    /// f64, `d` registers.
    Double,
}

impl FpSize {
    /// The `ftype` field value of the scalar FP encodings.
    pub const fn ftype(self) -> u32 {
        match self {
            FpSize::Single => 0b00,
            FpSize::Double => 0b01,
        }
    }

    /// The integer size with the same width (`w` for single, `x` for double).
    pub const fn int_size(self) -> OperandSize {
        match self {
            FpSize::Single => OperandSize::Size32,
            FpSize::Double => OperandSize::Size64,
        }
    }

    /// Width in bytes: 4 or 8.
    pub const fn bytes(self) -> u32 {
        match self {
            FpSize::Single => 4,
            FpSize::Double => 8,
        }
    }
}
