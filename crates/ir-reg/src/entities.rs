//! The index types of the IR: values, blocks and instructions are `u32`
//! indices into the arenas of a [`crate::RegFunction`], and operand lists are
//! ranges of its shared value pool.

use std::fmt;

macro_rules! entity {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);

        impl $name {
            /// The arena index.
            pub fn index(self) -> usize {
                self.0 as usize
            }

            pub(crate) fn from_index(index: usize) -> Self {
                $name(u32::try_from(index).unwrap_or(u32::MAX))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

entity!(
    /// A typed virtual register, defined exactly once (SSA): by an
    /// instruction result or as a block parameter. Written `v7`.
    Value,
    "v"
);
entity!(
    /// A basic block. Written `block3`.
    Block,
    "block"
);
entity!(
    /// An instruction (the last one of each block is its terminator).
    /// Written `inst12` in error messages; dumps show instructions in place.
    Inst,
    "inst"
);

/// A list of values stored in the function's value pool: the operands or
/// results of an instruction, the parameters of a block, or the arguments of
/// one branch edge.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ValueList {
    pub(crate) start: u32,
    pub(crate) len: u32,
}

impl ValueList {
    /// Number of values in the list.
    pub fn len(self) -> usize {
        self.len as usize
    }

    /// Whether the list is empty.
    pub fn is_empty(self) -> bool {
        self.len == 0
    }
}

/// One outgoing edge of a terminator: the target block and the values passed
/// to its parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BlockCall {
    /// The successor block.
    pub block: Block,
    /// One argument per parameter of `block`.
    pub args: ValueList,
}

/// A list of [`BlockCall`]s stored in the function's edge pool: the targets of
/// a terminator, in successor order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct BlockCallList {
    pub(crate) start: u32,
    pub(crate) len: u32,
}

impl BlockCallList {
    /// Number of targets.
    pub fn len(self) -> usize {
        self.len as usize
    }

    /// Whether there are no targets (returns, traps, non-terminators).
    pub fn is_empty(self) -> bool {
        self.len == 0
    }

    /// Index of the `i`-th target in the edge pool (see
    /// [`crate::RegFunction::block_call`]).
    pub(crate) fn edge(self, i: usize) -> usize {
        self.start as usize + i
    }
}
