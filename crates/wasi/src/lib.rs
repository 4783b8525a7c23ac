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
//! - reads and writes use all iovecs, not only the first non-empty one (so
//!   every iovec must lie in memory, where wasmtime looks no further);
//! - `sock_*` work on sockets handed in by the host;
//! - `fd_readdir` lists entries sorted by name;
//! - a `poll_oneoff` read event on a regular file reports the bytes left
//!   to read (wasmtime computes them, then reports 1).
//!
//! wasmtime's own size limits are not copied: where it answers `ENOMEM` for
//! a length or count of gigabytes, or refuses `random_get` of more than
//! 64 MiB, this crate serves what fits in memory and raises a
//! [`GuestError`] for the rest.
//!
//! Unsupported everywhere: `proc_raise` (`ENOTSUP`, as wasmtime), the
//! sync fdflags in `path_open` (`ENOTSUP`) and `fd_fdstat_set_flags`
//! (`EINVAL`), and `fd_fdstat_set_rights` (`ENOTSUP`; `EBADF` on stdio),
//! all as wasmtime.
//!
//! # Calls that do not return
//!
//! As in wasmtime, some calls get no errno: a guest pointer outside the
//! memory or misaligned for its type, and an enum or flags argument with a
//! value its type does not define (a clock id of 4, a `whence` of 7, an
//! undefined `fdflags` bit, ...). The wasm call then ends with
//! `Err(zwasm::Error::host(GuestError))`, whose message is wasmtime's
//! (`In func wasi_snapshot_preview1::fd_seek at convert Whence: Invalid
//! enum value Whence`, `Pointer out of bounds: Region { start: 4294967280,
//! len: 4 }`). It is a host error, not a [`zwasm::Trap`], as wasmtime's is
//! not a `wasmtime::Trap`: `zwasm run` exits with status 1 for it, as
//! `wasmtime run` does. Enum and flags arguments are checked before
//! anything else, and results are written only after a call has
//! succeeded, so a call that fails with an errno never looks at its result
//! pointers.
//!
//! This crate targets Linux (it uses `O_PATH`, `getrandom` and `*at` calls).

pub mod abi;
mod ctx;
mod errno;
mod fdtable;
mod guest;
mod linker;
mod memory;
pub mod preview1;
pub mod sandbox;
mod stdio;
mod sys;

pub use ctx::{WasiCtx, WasiCtxBuilder, WasiError};
pub use errno::{Errno, WasiResult};
pub use guest::{CallError, CallResult, GuestError, GuestErrorKind};
pub use linker::{I32Exit, InvalidExitStatus, MODULE, MissingMemoryExport, add_to_linker};
pub use memory::{GuestBuf, GuestMemory, GuestResult};
pub use stdio::{InputStream, OutputStream, ReadPipe, WritePipe};
