//! [`Error`]: everything that can go wrong when loading, linking or running wasm.

use std::fmt;

use zwasm_decode::{DecodeError, ExternKind};
use zwasm_validate::ValidateError;

use crate::trap::{Trap, TrapCode};

/// Any failure of the runtime: a module that does not load, an import that
/// does not link, a trap, or an error returned by a host function.
#[derive(Debug)]
pub enum Error {
    /// The binary is malformed.
    Decode(DecodeError),
    /// The module is invalid or uses an unsupported proposal.
    Validate(ValidateError),
    /// The text format could not be parsed.
    Wat(String),
    /// Instantiation could not satisfy the module's imports.
    Link(LinkError),
    /// Wasm execution trapped.
    Trap(Trap),
    /// A host function failed; the error is handed back unchanged.
    Host(Box<dyn std::error::Error + Send + Sync>),
    /// A value, signature or handle had the wrong type (or came from another store).
    Type(String),
    /// A resource limit was exceeded (memory or table size, feature set, …).
    Limit(String),
    /// The configuration asks for something this build or host cannot do
    /// (e.g. a JIT on a host without a backend).
    Unsupported(String),
}

impl Error {
    /// Wraps an arbitrary error raised by a host function.
    pub fn host(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Error::Host(Box::new(error))
    }

    /// The host error of type `E` this error carries, if any.
    pub fn downcast_ref<E: std::error::Error + 'static>(&self) -> Option<&E> {
        match self {
            Error::Host(error) => error.downcast_ref::<E>(),
            Error::Decode(error) => (error as &dyn std::error::Error).downcast_ref::<E>(),
            Error::Validate(error) => (error as &dyn std::error::Error).downcast_ref::<E>(),
            Error::Link(error) => (error as &dyn std::error::Error).downcast_ref::<E>(),
            Error::Trap(trap) => (trap as &dyn std::error::Error).downcast_ref::<E>(),
            Error::Wat(_) | Error::Type(_) | Error::Limit(_) | Error::Unsupported(_) => None,
        }
    }

    /// The trap, if this error is one.
    pub fn as_trap(&self) -> Option<&Trap> {
        match self {
            Error::Trap(trap) => Some(trap),
            _ => None,
        }
    }

    /// The trap code, if this error is a trap.
    pub fn trap_code(&self) -> Option<TrapCode> {
        self.as_trap().map(Trap::code)
    }

    pub(crate) fn wrong_store() -> Self {
        Error::Type("object used with the wrong store".to_string())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Decode(error) => write!(f, "malformed module: {error}"),
            Error::Validate(error) => error.fmt(f),
            Error::Wat(message) => write!(f, "failed to parse text format: {message}"),
            Error::Link(error) => error.fmt(f),
            Error::Trap(trap) => trap.fmt(f),
            Error::Host(error) => error.fmt(f),
            Error::Type(message) => write!(f, "type mismatch: {message}"),
            Error::Limit(message) => write!(f, "limit exceeded: {message}"),
            Error::Unsupported(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Decode(error) => Some(error),
            Error::Validate(error) => Some(error),
            Error::Link(error) => Some(error),
            Error::Trap(trap) => Some(trap),
            Error::Host(error) => Some(error.as_ref()),
            Error::Wat(_) | Error::Type(_) | Error::Limit(_) | Error::Unsupported(_) => None,
        }
    }
}

impl From<DecodeError> for Error {
    fn from(error: DecodeError) -> Self {
        Error::Decode(error)
    }
}

impl From<ValidateError> for Error {
    fn from(error: ValidateError) -> Self {
        Error::Validate(error)
    }
}

impl From<LinkError> for Error {
    fn from(error: LinkError) -> Self {
        Error::Link(error)
    }
}

impl From<Trap> for Error {
    fn from(trap: Trap) -> Self {
        Error::Trap(trap)
    }
}

impl From<TrapCode> for Error {
    fn from(code: TrapCode) -> Self {
        Error::Trap(Trap::new(code))
    }
}

/// Why a module's imports could not be satisfied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// No definition exists for an import.
    UnknownImport {
        /// Import module name.
        module: String,
        /// Import field name.
        name: String,
        /// What kind of item the module imports.
        kind: ExternKind,
    },
    /// The definition provided for an import has an incompatible type.
    IncompatibleImportType {
        /// Import module name.
        module: String,
        /// Import field name.
        name: String,
        /// What the module expects and what was provided.
        reason: String,
    },
    /// `Instance::new` got a different number of imports than the module declares.
    ImportCount {
        /// Imports the module declares.
        expected: usize,
        /// Imports provided.
        provided: usize,
    },
    /// A linker definition already exists and shadowing is off.
    Duplicate {
        /// Module name of the definition.
        module: String,
        /// Field name of the definition.
        name: String,
    },
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::UnknownImport { module, name, kind } => {
                write!(
                    f,
                    "unknown import: `{module}::{name}` ({kind}) has not been defined"
                )
            }
            LinkError::IncompatibleImportType {
                module,
                name,
                reason,
            } => write!(
                f,
                "incompatible import type for `{module}::{name}`: {reason}"
            ),
            LinkError::ImportCount { expected, provided } => write!(
                f,
                "wrong number of imports: the module declares {expected}, {provided} were provided"
            ),
            LinkError::Duplicate { module, name } => {
                write!(
                    f,
                    "duplicate definition of `{module}::{name}` in the linker"
                )
            }
        }
    }
}

impl std::error::Error for LinkError {}
