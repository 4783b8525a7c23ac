//! Test support shared by zwasm's test suites and fuzz targets.
//!
//! - [`differential`]: run one module on two engines and compare every call,
//!   trap and the final exported state;
//! - [`smith`]: wasm-smith settings for zwasm's feature set and a
//!   deterministic stream of generated modules;
//! - [`corpus`]: the shared `tests/wat` corpus.

pub mod corpus;
pub mod differential;
pub mod smith;
