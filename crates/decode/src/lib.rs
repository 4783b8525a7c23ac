//! Decodes WebAssembly binaries into a [`Module`] description.
//!
//! [`decode`] parses a whole module without validating it. Validation lives in
//! `zwasm-validate`, which drives a [`ModuleBuilder`] itself so that parsing,
//! validation and decoding happen in a single pass over the bytes.

mod builder;
mod const_expr;
mod convert;
mod error;
mod names;
mod types;

pub use builder::ModuleBuilder;
pub use error::DecodeError;
pub use names::Identifier;
pub use types::*;

/// Decodes `bytes` into a [`Module`] without validating it.
///
/// Function bodies are kept as byte ranges; constant expressions are decoded
/// and must only use constant instructions.
pub fn decode(bytes: &[u8]) -> Result<Module, DecodeError> {
    let mut builder = ModuleBuilder::new(bytes);
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        builder.payload(&payload?)?;
    }
    Ok(builder.finish())
}
