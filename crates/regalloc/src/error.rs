//! Why a function could not be allocated.

use std::fmt;

/// An allocation failure. None of these happen for functions that
/// `zwasm_ir_reg::verify` accepts and whose critical edges are split
/// (`zwasm_ir_reg::passes::run_default` does both); they report bugs
/// upstream or in the allocator instead of panicking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegallocError {
    /// The function is not in the form the allocator needs (layout, edges,
    /// value numbering, or entry parameters that disagree with its type).
    Malformed {
        /// Index of the function in the module.
        func: u32,
        /// What is wrong.
        message: String,
    },
    /// regalloc2 rejected the function (a critical edge, an SSA violation…).
    Regalloc2 {
        /// Index of the function in the module.
        func: u32,
        /// regalloc2's error.
        message: String,
    },
    /// regalloc2's checker found an allocation that does not preserve the
    /// function's data flow.
    Checker {
        /// Index of the function in the module.
        func: u32,
        /// The checker's findings.
        message: String,
    },
    /// regalloc2's output breaks one of its documented guarantees.
    Output {
        /// Index of the function in the module.
        func: u32,
        /// What is wrong.
        message: String,
    },
}

impl RegallocError {
    /// Index of the function the error is about.
    pub fn func(&self) -> u32 {
        match self {
            RegallocError::Malformed { func, .. }
            | RegallocError::Regalloc2 { func, .. }
            | RegallocError::Checker { func, .. }
            | RegallocError::Output { func, .. } => *func,
        }
    }
}

impl fmt::Display for RegallocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegallocError::Malformed { func, message } => {
                write!(f, "func {func}: cannot allocate registers: {message}")
            }
            RegallocError::Regalloc2 { func, message } => {
                write!(f, "func {func}: regalloc2 rejected the function: {message}")
            }
            RegallocError::Checker { func, message } => {
                write!(
                    f,
                    "func {func}: register allocation checker failed: {message}"
                )
            }
            RegallocError::Output { func, message } => {
                write!(f, "func {func}: unexpected register allocation: {message}")
            }
        }
    }
}

impl std::error::Error for RegallocError {}
