//! [`ValidateError`]: why a module was rejected.

use crate::features::{feature_from_message, feature_name};
use zwasm_decode::DecodeError;

/// A module was rejected: malformed, invalid, or using a proposal zwasm does
/// not implement yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValidateError {
    /// The decoder could not represent a module that passed validation.
    Decode(DecodeError),
    /// The module is malformed or invalid, or exceeds an implementation limit.
    Invalid {
        /// Index (in the function index space) of the function whose body is
        /// invalid, if the problem is inside a body.
        func: Option<u32>,
        /// Byte offset in the module.
        offset: usize,
        /// The reason, without location.
        message: String,
    },
    /// The module uses a proposal zwasm does not implement yet.
    Unsupported {
        /// Stable proposal name: `simd`, `relaxed-simd`, `threads`,
        /// `exceptions`, `function-references`, `gc`, `custom-page-sizes`,
        /// `wide-arithmetic`, …
        feature: &'static str,
        /// Function whose body uses the proposal, if any.
        func: Option<u32>,
        /// Byte offset in the module.
        offset: usize,
    },
}

impl ValidateError {
    /// Byte offset in the module where the problem was found.
    pub fn offset(&self) -> usize {
        match self {
            ValidateError::Decode(error) => error.offset,
            ValidateError::Invalid { offset, .. } | ValidateError::Unsupported { offset, .. } => {
                *offset
            }
        }
    }

    /// Index of the function whose body was rejected, if any.
    pub fn func(&self) -> Option<u32> {
        match self {
            ValidateError::Decode(_) => None,
            ValidateError::Invalid { func, .. } | ValidateError::Unsupported { func, .. } => *func,
        }
    }

    /// Whether the module was rejected only because it uses a proposal zwasm
    /// does not implement yet.
    pub fn is_unsupported(&self) -> bool {
        matches!(self, ValidateError::Unsupported { .. })
    }

    /// Classifies a wasmparser error: disabled-feature errors of proposals zwasm
    /// does not implement become [`ValidateError::Unsupported`]; everything
    /// else (including proposals zwasm implements but the caller switched off)
    /// is [`ValidateError::Invalid`].
    pub(crate) fn from_wasmparser(
        error: &wasmparser::BinaryReaderError,
        func: Option<u32>,
    ) -> Self {
        let offset = usize::try_from(error.offset()).unwrap_or(usize::MAX);
        let message = error.message();
        if let Some(malformed) = reused_flag_bits(error.missing_wasm_feature(), message) {
            return ValidateError::Invalid {
                func,
                offset,
                message: format!("{malformed} ({message})"),
            };
        }
        let unsupported = match error.missing_wasm_feature() {
            Some(missing) => match feature_name(missing) {
                (name, false) => Some(name),
                (name, true) => {
                    return ValidateError::Invalid {
                        func,
                        offset,
                        message: format!("{message} (proposal `{name}` is disabled)"),
                    };
                }
            },
            None => feature_from_message(message),
        };
        match unsupported {
            Some(feature) => ValidateError::Unsupported {
                feature,
                func,
                offset,
            },
            None => ValidateError::Invalid {
                func,
                offset,
                message: message.to_string(),
            },
        }
    }
}

/// wasmparser reads a global's mutability byte 0x02 and a table's limits flag
/// 0x02 as "shared" (the shared-everything-threads proposal) and reports a
/// missing feature. Every Wasm version zwasm targets defines those bytes as
/// malformed, so the module is malformed rather than using a proposal zwasm
/// lacks; the spec's binary tests expect exactly that.
fn reused_flag_bits(
    missing: Option<wasmparser::WasmFeatures>,
    message: &str,
) -> Option<&'static str> {
    if missing != Some(wasmparser::WasmFeatures::SHARED_EVERYTHING_THREADS) {
        return None;
    }
    if message.starts_with("shared globals") {
        Some("malformed mutability")
    } else if message.starts_with("shared tables") {
        Some("malformed limits flags")
    } else {
        None
    }
}

impl From<DecodeError> for ValidateError {
    fn from(error: DecodeError) -> Self {
        ValidateError::Decode(error)
    }
}

impl std::fmt::Display for ValidateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ValidateError::Decode(error) => error.fmt(f),
            ValidateError::Invalid {
                func: Some(func),
                offset,
                message,
            } => write!(f, "func {func} at offset 0x{offset:x}: {message}"),
            ValidateError::Invalid {
                func: None,
                offset,
                message,
            } => write!(f, "at offset 0x{offset:x}: {message}"),
            ValidateError::Unsupported {
                feature,
                func: Some(func),
                offset,
            } => write!(
                f,
                "feature not supported yet: {feature} (func {func} at offset 0x{offset:x})"
            ),
            ValidateError::Unsupported {
                feature,
                func: None,
                offset,
            } => write!(
                f,
                "feature not supported yet: {feature} (at offset 0x{offset:x})"
            ),
        }
    }
}

impl std::error::Error for ValidateError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ValidateError::Decode(error) => Some(error),
            _ => None,
        }
    }
}
