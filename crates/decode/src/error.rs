//! The error type of the decoder.

/// A module could not be decoded: the bytes are malformed, or use a construct
/// the decoder cannot represent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// Byte offset in the module where the problem was found.
    pub offset: usize,
    /// What went wrong, without the offset.
    pub message: String,
}

impl DecodeError {
    /// An error with `message` at byte `offset`.
    pub fn new(offset: usize, message: impl Into<String>) -> Self {
        DecodeError {
            offset,
            message: message.into(),
        }
    }

    /// An error for a construct of a proposal that zwasm does not implement.
    pub fn unsupported(offset: usize, feature: &str) -> Self {
        DecodeError::new(offset, format!("feature not supported yet: {feature}"))
    }
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (at offset 0x{:x})", self.message, self.offset)
    }
}

impl std::error::Error for DecodeError {}

impl From<wasmparser::BinaryReaderError> for DecodeError {
    fn from(error: wasmparser::BinaryReaderError) -> Self {
        DecodeError::new(to_offset(error.offset()), error.message())
    }
}

/// Converts a wasmparser offset (always within an in-memory buffer) to `usize`.
pub(crate) fn to_offset(offset: u64) -> usize {
    usize::try_from(offset).unwrap_or(usize::MAX)
}
