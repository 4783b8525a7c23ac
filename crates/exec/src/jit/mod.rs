//! The AArch64 JIT tier: compiled code for a store's instances and the
//! runtime around it.
//!
//! - [`compile`]: ir-reg → regalloc → `zwasm_codegen_aarch64::lower`, one
//!   executable mapping per module ([`code_memory`], W^X with an
//!   instruction-cache flush), plus entry trampolines;
//! - [`vm`]: the `#[repr(C)]` structures compiled code reads (`VMContext`,
//!   `VmRuntime`, `VmMemory`, `VmTable`, `VmFuncRef`), laid out as
//!   `zwasm_codegen_aarch64::lower::abi` says;
//! - [`helpers`]: the `extern "C"` functions compiled code calls (grow,
//!   bulk and segment operations, host calls, the trap recorder);
//! - [`session`]: [`JitSession`], which keeps all of it in step with a
//!   store and calls into compiled code (on aarch64 hosts only);
//! - [`backtrace`]: wasm backtraces from the frame-pointer chain;
//! - [`guard_memory`]: linear memories reserved with guard pages, and
//!   [`signals`]: the fault handler that turns an unchecked out-of-bounds
//!   access hitting them into a trap (`docs/decisions/0009-guard-pages.md`);
//! - [`stack`]: the stack compiled code runs on, and the budget the
//!   configured call-depth and value-stack limits give it;
//! - [`tier`]: the JIT as an engine kind (`EngineKind::Jit` / `Auto`): the
//!   store's session slot, the tiered engine's call counters, the call path.
//!
//! Design: `docs/decisions/0007-aarch64-jit.md`.

mod backtrace;
mod code_memory;
mod compile;
mod guard_memory;
mod helpers;
mod session;
mod signals;
mod stack;
mod tier;
mod vm;

pub(crate) use guard_memory::{GUARD_BYTES, GuardedMemory};
pub use session::JitSession;
pub(crate) use signals::guard_pages_supported;
pub use tier::JitStats;
pub(crate) use tier::{JitSlot, TierCounters, call_from_interpreter, enter_hot_loop, run_wasm};
pub use zwasm_codegen_aarch64::lower::{BoundsChecks, LowerOptions};
