//! Validation of WebAssembly modules and function bodies against a
//! [`Features`] set, built on wasmparser's validator.
//!
//! [`validate_module`] validates and decodes a module in one pass without
//! looking into function bodies; [`FunctionValidator`] then validates each
//! body, handing every validated operator to an [`OperatorSink`] so that a
//! translator can consume the body in the same pass. [`validate_all`] does
//! both for plain validation.

mod error;
mod features;
mod function;
mod module;
mod operators;

pub use error::ValidateError;
pub use features::Features;
pub use function::{FunctionValidator, OperatorSink};
pub use module::{ValidatedModule, validate_all, validate_module};
pub use operators::linear_memory_access;
/// The wasmparser version zwasm is built on, so that downstream crates name
/// the same `Operator`, `FuncValidator`, … types.
pub use wasmparser;
