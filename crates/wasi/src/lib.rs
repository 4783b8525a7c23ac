//! WASI preview 1 (`wasi_snapshot_preview1`) for zwasm.
//!
//! Build a [`WasiCtx`] with [`WasiCtxBuilder`], keep it in the store's data,
//! and register every WASI function with one call to [`add_to_linker`]:
//!
//! ```no_run
//! use zwasm::{Engine, Linker, Module, Store};
//! use zwasm_wasi::{I32Exit, WasiCtx, WasiCtxBuilder, WritePipe};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let engine = Engine::default();
//! let module = Module::from_file(&engine, "app.wasm")?;
//! let mut linker: Linker<WasiCtx> = Linker::new(&engine);
//! zwasm_wasi::add_to_linker(&mut linker, |ctx| ctx)?;
//!
//! let stdout = WritePipe::new_in_memory();
//! let wasi = WasiCtxBuilder::new()
//!     .args(["app.wasm", "--flag"])
//!     .env("HOME", "/")
//!     .stdout(stdout.clone())
//!     .preopened_dir("/tmp/sandbox", "/")
//!     .build()?;
//! let mut store = Store::new(&engine, wasi);
//! let instance = linker.instantiate(&mut store, &module)?;
//! let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
//! let code = match start.call(&mut store, ()) {
//!     Ok(()) => 0,
//!     Err(e) => match e.downcast_ref::<I32Exit>() {
//!         Some(exit) => exit.0,
//!         None => return Err(e.into()),
//!     },
//! };
//! println!("exit {code}: {}", stdout.contents_string());
//! # Ok(())
//! # }
//! ```
//!
//! # What the guest can reach
//!
//! Only what it is given: the arguments and environment variables set on
//! the builder (the host environment only with
//! [`WasiCtxBuilder::inherit_env`]), the three standard streams, listening
//! sockets handed in with [`WasiCtxBuilder::tcp_listener`], and the
//! preopened directories. Every path is resolved by this crate beneath the
//! directory descriptor it is relative to (see [`sandbox`]):
//!
//! | attempt | errno |
//! | --- | --- |
//! | absolute path (`/etc/passwd`) | `EPERM` |
//! | `..` above the directory (`../x`, `a/../../x`) | `EPERM` |
//! | symlink with an absolute target, when followed | `EPERM` |
//! | symlink whose target climbs above the directory, when followed | `EPERM` |
//! | creating a symlink with an absolute target | `EPERM` |
//! | more than 40 symlink expansions (loops, long chains) | `ELOOP` |
//! | opening a symlink without `SYMLINK_FOLLOW` | `ELOOP` |
//!
//! `EPERM` is what wasmtime (through cap-std) reports for escapes.
//!
//! # Errno semantics
//!
//! They follow wasmtime 48's preview-1 implementation; the module docs of
//! [`preview1`]'s parts list the choices. Deliberate differences, where
//! Linux can do what the specification asks:
//! - the process and thread CPU-time clocks work (wasmtime: `EBADF`);
//! - `fd_allocate` allocates (wasmtime: `ENOTSUP`);
//! - reads and writes use all iovecs, not only the first non-empty one;
//! - `sock_*` work on sockets handed in by the host;
//! - a bad guest pointer or length is `EFAULT` (wasmtime traps);
//! - `fd_readdir` lists entries sorted by name.
//!
//! Unsupported everywhere: `proc_raise` (`ENOTSUP`, as wasmtime), the
//! sync fdflags in `path_open` (`ENOTSUP`) and `fd_fdstat_set_flags`
//! (`EINVAL`), both as wasmtime.
//!
//! This crate targets Linux (it uses `O_PATH`, `getrandom` and `*at` calls).

pub mod abi;
mod ctx;
mod errno;
mod fdtable;
mod linker;
mod memory;
pub mod preview1;
pub mod sandbox;
mod stdio;
mod sys;

pub use ctx::{WasiCtx, WasiCtxBuilder, WasiError};
pub use errno::{Errno, WasiResult};
pub use linker::{I32Exit, InvalidExitStatus, MODULE, MissingMemoryExport, add_to_linker};
pub use memory::{GuestBuf, GuestMemory};
pub use stdio::{InputStream, OutputStream, ReadPipe, WritePipe};
