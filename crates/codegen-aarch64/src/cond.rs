//! Condition codes.

/// A condition on the NZCV flags, as used by `b.cond`, `csel` and friends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cond {
    /// Equal (Z).
    Eq,
    /// Not equal (!Z).
    Ne,
    /// Carry set / unsigned higher or same (C).
    Cs,
    /// Carry clear / unsigned lower (!C).
    Cc,
    /// Minus / negative (N).
    Mi,
    /// Plus / positive or zero (!N).
    Pl,
    /// Overflow (V).
    Vs,
    /// No overflow (!V).
    Vc,
    /// Unsigned higher (C && !Z).
    Hi,
    /// Unsigned lower or same (!C || Z).
    Ls,
    /// Signed greater or equal (N == V).
    Ge,
    /// Signed less than (N != V).
    Lt,
    /// Signed greater than (!Z && N == V).
    Gt,
    /// Signed less or equal (Z || N != V).
    Le,
    /// Always.
    Al,
    /// Always (the `nv` encoding behaves like `al`).
    Nv,
}

impl Cond {
    /// Unsigned higher or same: the same condition as [`Cond::Cs`].
    pub const HS: Cond = Cond::Cs;
    /// Unsigned lower: the same condition as [`Cond::Cc`].
    pub const LO: Cond = Cond::Cc;

    const ALL: [Cond; 16] = [
        Cond::Eq,
        Cond::Ne,
        Cond::Cs,
        Cond::Cc,
        Cond::Mi,
        Cond::Pl,
        Cond::Vs,
        Cond::Vc,
        Cond::Hi,
        Cond::Ls,
        Cond::Ge,
        Cond::Lt,
        Cond::Gt,
        Cond::Le,
        Cond::Al,
        Cond::Nv,
    ];

    /// The 4-bit field value.
    pub const fn bits(self) -> u32 {
        self as u32
    }

    /// The condition with field value `bits` (only the low 4 bits are used).
    pub const fn from_bits(bits: u32) -> Cond {
        Cond::ALL[(bits & 0xf) as usize]
    }

    /// The opposite condition (flips the low bit; `al` and `nv` swap).
    pub const fn invert(self) -> Cond {
        Cond::from_bits(self.bits() ^ 1)
    }

    /// The assembler name, as objdump prints it.
    pub const fn name(self) -> &'static str {
        match self {
            Cond::Eq => "eq",
            Cond::Ne => "ne",
            Cond::Cs => "cs",
            Cond::Cc => "cc",
            Cond::Mi => "mi",
            Cond::Pl => "pl",
            Cond::Vs => "vs",
            Cond::Vc => "vc",
            Cond::Hi => "hi",
            Cond::Ls => "ls",
            Cond::Ge => "ge",
            Cond::Lt => "lt",
            Cond::Gt => "gt",
            Cond::Le => "le",
            Cond::Al => "al",
            Cond::Nv => "nv",
        }
    }

    /// Whether this is `al` or `nv`, for which the `cset`-style aliases do not exist.
    pub const fn is_always(self) -> bool {
        matches!(self, Cond::Al | Cond::Nv)
    }
}
