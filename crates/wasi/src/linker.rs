//! Binds every `wasi_snapshot_preview1` function to a [`zwasm::Linker`].

use std::fmt;

use zwasm::{Caller, Error, Extern, Linker};

use crate::ctx::WasiCtx;
use crate::guest::{CallError, CallResult};
use crate::memory::GuestMemory;

/// The import module name of WASI preview 1.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// Returned (as a host error) by `proc_exit`: the guest asked to exit with
/// this status. Embedders downcast for it (`error.downcast_ref::<I32Exit>()`)
/// to turn it into the process exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct I32Exit(pub i32);

impl fmt::Display for I32Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exit with code {}", self.0)
    }
}

impl std::error::Error for I32Exit {}

/// Returned by `proc_exit` for a status of 126 or more, which WASI
/// reserves; like wasmtime, this ends the program with an error rather
/// than with that status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidExitStatus(pub u32);

impl fmt::Display for InvalidExitStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "exit with invalid exit status {} outside of [0..126)",
            self.0
        )
    }
}

impl std::error::Error for InvalidExitStatus {}

/// The calling module exports no memory named `memory`, so pointer
/// arguments mean nothing (wasmtime fails the same way).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MissingMemoryExport;

impl fmt::Display for MissingMemoryExport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("missing required memory export `memory`")
    }
}

impl std::error::Error for MissingMemoryExport {}

/// Runs one WASI call with the context and the caller's memory, and
/// converts the outcome to the errno the guest receives, or ends the wasm
/// call with a [`crate::GuestError`] that names the function.
///
/// The linker API hands out the store data and the memory bytes through the
/// same `Caller`, so the context is moved out for the duration of the call
/// (a few words; [`WasiCtx::empty`] allocates nothing) and put back after.
fn call<T>(
    caller: &mut Caller<'_, T>,
    get_ctx: impl Fn(&mut T) -> &mut WasiCtx,
    name: &'static str,
    op: impl FnOnce(&mut WasiCtx, &mut GuestMemory<'_>) -> CallResult<()>,
) -> Result<i32, Error> {
    let memory = caller
        .get_export("memory")
        .and_then(Extern::into_memory)
        .ok_or_else(|| Error::host(MissingMemoryExport))?;
    let mut ctx = std::mem::replace(get_ctx(caller.data_mut()), WasiCtx::empty());
    let outcome = {
        let bytes = memory.data_mut(&mut *caller);
        op(&mut ctx, &mut GuestMemory::new(bytes))
    };
    *get_ctx(caller.data_mut()) = ctx;
    match outcome {
        Ok(()) => Ok(0),
        Err(CallError::Errno(errno)) => Ok(i32::from(errno.raw())),
        Err(CallError::Guest(error)) => Err(Error::host(error.in_func(name))),
    }
}

/// Defines one WASI function whose body calls the `WasiCtx` method of the
/// same name with the listed arguments.
macro_rules! wasi_fns {
    ($linker:ident, $get:ident; $($name:ident($($arg:ident: $ty:ty),*);)*) => {$(
        $linker.func_wrap(
            MODULE,
            stringify!($name),
            move |mut caller: Caller<'_, T>, $($arg: $ty),*| -> Result<i32, Error> {
                call(&mut caller, $get, stringify!($name), |ctx, mem| {
                    ctx.$name(mem, $($arg),*)
                })
            },
        )?;
    )*};
}

/// Adds all `wasi_snapshot_preview1` functions to `linker`. `get_ctx`
/// projects the store's data to its [`WasiCtx`] (e.g. `|state| &mut
/// state.wasi`, or `|ctx| ctx` when the data is the context itself).
///
/// `proc_exit(code)` ends the running wasm call with
/// `Err(Error::host(I32Exit(code)))`; a call with a bad pointer or an
/// undefined enum or flags value ends it with
/// `Err(Error::host(GuestError))` (see [`crate::GuestError`]).
pub fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    get_ctx: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> Result<(), Error> {
    wasi_fns! { linker, get_ctx;
        args_get(argv: u32, buf: u32);
        args_sizes_get(argc: u32, size: u32);
        environ_get(environ: u32, buf: u32);
        environ_sizes_get(count: u32, size: u32);
        clock_res_get(id: u32, result: u32);
        clock_time_get(id: u32, precision: u64, result: u32);
        fd_advise(fd: u32, offset: u64, len: u64, advice: u32);
        fd_allocate(fd: u32, offset: u64, len: u64);
        fd_close(fd: u32);
        fd_datasync(fd: u32);
        fd_fdstat_get(fd: u32, result: u32);
        fd_fdstat_set_flags(fd: u32, flags: u32);
        fd_fdstat_set_rights(fd: u32, base: u64, inheriting: u64);
        fd_filestat_get(fd: u32, result: u32);
        fd_filestat_set_size(fd: u32, size: u64);
        fd_filestat_set_times(fd: u32, atim: u64, mtim: u64, flags: u32);
        fd_pread(fd: u32, iovs: u32, iovs_len: u32, offset: u64, result: u32);
        fd_prestat_get(fd: u32, result: u32);
        fd_prestat_dir_name(fd: u32, buf: u32, len: u32);
        fd_pwrite(fd: u32, iovs: u32, iovs_len: u32, offset: u64, result: u32);
        fd_read(fd: u32, iovs: u32, iovs_len: u32, result: u32);
        fd_readdir(fd: u32, buf: u32, buf_len: u32, cookie: u64, result: u32);
        fd_renumber(from: u32, to: u32);
        fd_seek(fd: u32, delta: i64, whence: u32, result: u32);
        fd_sync(fd: u32);
        fd_tell(fd: u32, result: u32);
        fd_write(fd: u32, iovs: u32, iovs_len: u32, result: u32);
        path_create_directory(fd: u32, path: u32, len: u32);
        path_filestat_get(fd: u32, flags: u32, path: u32, len: u32, result: u32);
        path_filestat_set_times(fd: u32, flags: u32, path: u32, len: u32, atim: u64, mtim: u64, fst: u32);
        path_link(old_fd: u32, old_flags: u32, old: u32, old_len: u32, new_fd: u32, new: u32, new_len: u32);
        path_open(fd: u32, dirflags: u32, path: u32, len: u32, oflags: u32, base: u64, inheriting: u64, fdflags: u32, result: u32);
        path_readlink(fd: u32, path: u32, len: u32, buf: u32, buf_len: u32, result: u32);
        path_remove_directory(fd: u32, path: u32, len: u32);
        path_rename(old_fd: u32, old: u32, old_len: u32, new_fd: u32, new: u32, new_len: u32);
        path_symlink(old: u32, old_len: u32, fd: u32, new: u32, new_len: u32);
        path_unlink_file(fd: u32, path: u32, len: u32);
        poll_oneoff(subs: u32, events: u32, count: u32, result: u32);
        proc_raise(signal: u32);
        random_get(buf: u32, len: u32);
        sched_yield();
        sock_accept(fd: u32, flags: u32, result: u32);
        sock_recv(fd: u32, iovs: u32, iovs_len: u32, flags: u32, result_len: u32, result_flags: u32);
        sock_send(fd: u32, iovs: u32, iovs_len: u32, flags: u32, result: u32);
        sock_shutdown(fd: u32, how: u32);
    }
    linker.func_wrap(
        MODULE,
        "proc_exit",
        |_caller: Caller<'_, T>, status: u32| -> Result<(), Error> {
            if status >= 126 {
                return Err(Error::host(InvalidExitStatus(status)));
            }
            Err(Error::host(I32Exit(status as i32)))
        },
    )?;
    Ok(())
}
