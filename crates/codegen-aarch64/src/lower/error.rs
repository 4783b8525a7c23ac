//! Why a function could not be lowered.

use std::fmt;

use crate::buffer::BufferError;

/// A lowering failure. Functions that ir-reg verifies and regalloc
/// allocates only fail for unsupported features or code too large for a
/// branch's range; the other variants report bugs upstream instead of
/// panicking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LowerError {
    /// The function uses something the backend does not support yet.
    Unsupported {
        /// Index of the function in the module.
        func: u32,
        /// What.
        what: String,
    },
    /// The allocation does not fit the instruction (a missing operand, a
    /// register of the wrong class, a stack slot where a register must be).
    Allocation {
        /// Index of the function in the module.
        func: u32,
        /// Index of the ir-reg instruction, if the problem is in one.
        inst: Option<u32>,
        /// What is wrong.
        message: String,
    },
    /// The function refers to something its module does not have.
    Malformed {
        /// Index of the function in the module.
        func: u32,
        /// What is wrong.
        message: String,
    },
    /// The code buffer refused an instruction or a branch is out of range.
    Buffer {
        /// Index of the function in the module.
        func: u32,
        /// The buffer's error.
        error: BufferError,
    },
}

impl LowerError {
    /// Index of the function the error is about.
    pub fn func(&self) -> u32 {
        match self {
            LowerError::Unsupported { func, .. }
            | LowerError::Allocation { func, .. }
            | LowerError::Malformed { func, .. }
            | LowerError::Buffer { func, .. } => *func,
        }
    }
}

impl fmt::Display for LowerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LowerError::Unsupported { func, what } => {
                write!(
                    f,
                    "func {func}: not supported by the aarch64 backend: {what}"
                )
            }
            LowerError::Allocation {
                func,
                inst: Some(inst),
                message,
            } => write!(
                f,
                "func {func}: inst{inst}: unexpected allocation: {message}"
            ),
            LowerError::Allocation {
                func,
                inst: None,
                message,
            } => write!(f, "func {func}: unexpected allocation: {message}"),
            LowerError::Malformed { func, message } => write!(f, "func {func}: {message}"),
            LowerError::Buffer { func, error } => write!(f, "func {func}: {error}"),
        }
    }
}

impl std::error::Error for LowerError {}
