//! zwasm: an embeddable WebAssembly runtime with a wasmtime-shaped API.
//!
//! An [`Engine`] holds configuration; a [`Module`] is a validated module
//! translated to ir-stack code; a [`Store`] owns all runtime state
//! (instances, functions, memories, tables, globals) plus embedder data;
//! [`Instance::new`] or a [`Linker`] instantiates modules; [`Func::call`]
//! and [`TypedFunc::call`] run code on the reference interpreter.
//!
//! ```
//! # fn main() -> Result<(), zwasm::Error> {
//! use zwasm::{Engine, Instance, Module, Store};
//! let engine = Engine::default();
//! let module = Module::new(&engine, r#"(module
//!     (func $fac (export "fac") (param i64) (result i64)
//!       (if (result i64) (i64.eqz (local.get 0))
//!         (then (i64.const 1))
//!         (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1))))))))"#)?;
//! let mut store = Store::new(&engine, ());
//! let instance = Instance::new(&mut store, &module, &[])?;
//! let fac = instance.get_typed_func::<i64, i64>(&mut store, "fac")?;
//! assert_eq!(fac.call(&mut store, 20)?, 2_432_902_008_176_640_000);
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]
// The fast interpreter's threaded dispatch needs guaranteed tail calls.
#![cfg_attr(feature = "tail-dispatch", feature(explicit_tail_calls))]
#![cfg_attr(feature = "tail-dispatch", allow(incomplete_features))]

mod caller;
mod config;
mod engine;
mod error;
mod externals;
mod fast;
mod func;
mod global;
mod instance;
mod interp;
#[doc(hidden)]
pub mod jit;
mod linker;
mod memory;
mod module;
mod stats;
mod store;
mod table;
mod trap;
mod values;

pub use caller::Caller;
pub use config::{
    BOUNDS_CHECKS_ENV, BoundsChecks, Config, EngineKind, InterpTranslation, UnknownBoundsChecks,
    UnknownEngine,
};
pub use engine::Engine;
pub use error::{Error, LinkError};
pub use externals::Extern;
pub use fast::{FuncProfile, OpProfile, ProfileReport};
pub use func::{Func, IntoFunc, TypedFunc, WasmParams, WasmResults, WasmRet, WasmTy};
pub use global::Global;
pub use instance::Instance;
pub use linker::Linker;
pub use memory::{Memory, MemoryAccessError};
pub use module::{ExportInfo, ExternType, ImportInfo, Module};
pub use store::{AsContext, AsContextMut, Store, StoreContext, StoreContextMut};
pub use table::Table;
pub use trap::{FrameInfo, Trap, TrapCode, WasmBacktrace};
pub use values::{ExternRef, Val};

pub use zwasm_decode::{
    ExternKind, FuncType, GlobalType, Limits, MemoryType, RefType, TableType, ValType,
};
pub use zwasm_validate::Features;

/// `Result` with [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
