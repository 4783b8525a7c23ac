//! The `wasi_snapshot_preview1` functions, as methods on [`WasiCtx`] that
//! take the guest memory and the raw ABI arguments (pointers as `u32`, and
//! every `i32`/`i64` as its unsigned bits) and return the errno, or a
//! [`crate::GuestError`] that ends the call. [`crate::add_to_linker`] binds
//! them to a `Linker`.
//!
//! The order of the checks is wasmtime 48's: enum and flags arguments are
//! checked before anything else (an undefined value is a `GuestError`),
//! and results are written through their guest pointers only once the call
//! has succeeded, so an errno never depends on a result pointer. Bad
//! pointers are `GuestError`s, found by [`GuestMemory`] one access at a
//! time.

// Each method mirrors one WASI signature argument for argument, so long
// parameter lists are the point rather than a smell.
#![allow(clippy::too_many_arguments)]

mod args_env;
mod clock;
mod fd;
mod path;
mod poll;
mod readdir;
mod sock;

use std::io::IoSliceMut;

use crate::abi::{filestat_layout as fs, filetype};
use crate::ctx::WasiCtx;
use crate::errno::{Errno, WasiResult};
use crate::fdtable::{Descriptor, OpenDir, OpenFile};
use crate::guest::{CallResult, writing};
use crate::memory::{GuestBuf, GuestMemory, GuestResult, total_len};
use crate::sys::Stat;

/// Largest temporary buffer used to scatter one read into several iovecs;
/// a larger request is simply a short read.
const MAX_SCATTER_BUFFER: usize = 16 << 20;

impl WasiCtx {
    /// The directory behind `fd`, for `path_*` calls: anything else is
    /// `EBADF`, as in wasmtime.
    pub(crate) fn dir(&self, fd: u32) -> WasiResult<&OpenDir> {
        match self.table.get(fd)? {
            Descriptor::Dir(dir) => Ok(dir),
            _ => Err(Errno::Badf),
        }
    }

    /// The regular file behind `fd`; anything else is `EBADF`.
    pub(crate) fn file(&self, fd: u32) -> WasiResult<&OpenFile> {
        match self.table.get(fd)? {
            Descriptor::File(file) => Ok(file),
            _ => Err(Errno::Badf),
        }
    }
}

/// The WASI file type for a host `st_mode`.
pub(crate) fn filetype_of(mode: u32) -> u8 {
    match mode & libc::S_IFMT {
        libc::S_IFREG => filetype::REGULAR_FILE,
        libc::S_IFDIR => filetype::DIRECTORY,
        libc::S_IFCHR => filetype::CHARACTER_DEVICE,
        libc::S_IFBLK => filetype::BLOCK_DEVICE,
        libc::S_IFLNK => filetype::SYMBOLIC_LINK,
        libc::S_IFSOCK => filetype::SOCKET_STREAM,
        _ => filetype::UNKNOWN,
    }
}

/// Writes a `filestat` result at `ptr`.
pub(crate) fn write_filestat(mem: &mut GuestMemory<'_>, ptr: u32, stat: &Stat) -> CallResult<()> {
    write_filestat_fields(mem, ptr, stat, filetype_of(stat.mode))
}

/// Writes a `filestat` result field by field, as wasmtime does (padding is
/// left alone; a bad pointer names the first field that does not fit).
pub(crate) fn write_filestat_fields(
    mem: &mut GuestMemory<'_>,
    ptr: u32,
    stat: &Stat,
    filetype: u8,
) -> CallResult<()> {
    Ok(filestat_fields(mem, ptr, stat, filetype).map_err(writing("filestat"))?)
}

fn filestat_fields(
    mem: &mut GuestMemory<'_>,
    ptr: u32,
    stat: &Stat,
    filetype: u8,
) -> GuestResult<()> {
    let at = |offset: u32| field(ptr, offset);
    mem.write_u64(ptr, stat.dev)?;
    mem.write_u64(at(fs::INO)?, stat.ino)?;
    mem.write_u8(at(fs::FILETYPE)?, filetype)?;
    mem.write_u64(at(fs::NLINK)?, stat.nlink)?;
    mem.write_u64(at(fs::SIZE_FIELD)?, stat.size)?;
    mem.write_u64(at(fs::ATIM)?, stat.atim)?;
    mem.write_u64(at(fs::MTIM)?, stat.mtim)?;
    mem.write_u64(at(fs::CTIM)?, stat.ctim)
}

/// The address of a field of a guest struct at `ptr`.
pub(crate) fn field(ptr: u32, offset: u32) -> GuestResult<u32> {
    Ok(ptr
        .checked_add(offset)
        .ok_or(crate::GuestErrorKind::PtrOverflow)?)
}

/// Reads from the host into the guest buffers `bufs`. One non-empty buffer
/// is read into directly; several go through a bounded temporary buffer
/// (guest iovecs may overlap, so they cannot all be borrowed at once).
pub(crate) fn read_to_guest(
    mem: &mut GuestMemory<'_>,
    bufs: &[GuestBuf],
    mut read: impl FnMut(&mut [IoSliceMut<'_>]) -> std::io::Result<usize>,
) -> CallResult<usize> {
    let non_empty: Vec<GuestBuf> = bufs.iter().copied().filter(|b| b.len > 0).collect();
    match non_empty.as_slice() {
        [] => Ok(read(&mut [IoSliceMut::new(&mut [])])?),
        [only] => {
            let slice = mem.slice_mut(only.ptr, only.len)?;
            Ok(read(&mut [IoSliceMut::new(slice)])?)
        }
        many => {
            let mut tmp = vec![0u8; total_len(many).min(MAX_SCATTER_BUFFER)];
            let n = read(&mut [IoSliceMut::new(&mut tmp)])?;
            Ok(mem.scatter(many, &tmp[..n])?)
        }
    }
}

/// Reads a guest string argument (`ptr`, `len`).
pub(crate) fn guest_path(mem: &GuestMemory<'_>, ptr: u32, len: u32) -> CallResult<String> {
    mem.read_str(ptr, len).map(str::to_owned)
}
