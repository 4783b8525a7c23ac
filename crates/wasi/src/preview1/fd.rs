//! Descriptor calls: reading, writing, seeking, syncing, metadata,
//! closing and renumbering, and the preopen queries.
//!
//! Errno choices follow wasmtime 48's preview1 implementation: positional
//! calls on stdio are `ESPIPE`, calls meant for files on anything else are
//! `EBADF`. Reads and writes use every iovec (wasmtime uses only the first
//! non-empty one; both are allowed by the specification), so every iovec
//! must lie in memory; the iovecs are read before the descriptor is looked
//! at, as in wasmtime.

use std::os::fd::AsFd;

use super::{field, read_to_guest, write_filestat, write_filestat_fields};
use crate::abi::filetype;
use crate::abi::{advice, fdflags, fdstat_layout, fstflags, rights, whence};
use crate::ctx::WasiCtx;
use crate::errno::{Errno, WasiResult};
use crate::fdtable::{Descriptor, OpenDir};
use crate::guest::{CallResult, GuestError, enum_arg, flags_arg, rights_arg, writing};
use crate::memory::{GuestMemory, GuestResult};
use crate::sys::{self, NewTime, Stat};

/// A `fstflags` argument.
pub(crate) fn fstflags_arg(flags: u32) -> Result<u16, GuestError> {
    Ok(flags_arg(flags, u16::MAX.into(), fstflags::ALL.into(), "Fstflags")? as u16)
}

/// Converts `*_set_times` arguments (`flags` from [`fstflags_arg`]) to host
/// timestamps; asking for both a value and "now" is `EINVAL`.
pub(crate) fn new_times(atim: u64, mtim: u64, flags: u16) -> WasiResult<(NewTime, NewTime)> {
    let pick = |value: u64, set: u16, now: u16| match (flags & set != 0, flags & now != 0) {
        (true, true) => Err(Errno::Inval),
        (true, false) => Ok(NewTime::At(value)),
        (false, true) => Ok(NewTime::Now),
        (false, false) => Ok(NewTime::Omit),
    };
    Ok((
        pick(atim, fstflags::ATIM, fstflags::ATIM_NOW)?,
        pick(mtim, fstflags::MTIM, fstflags::MTIM_NOW)?,
    ))
}

impl WasiCtx {
    /// `fd_read(fd, iovs) -> nread`.
    pub fn fd_read(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        result: u32,
    ) -> CallResult<()> {
        let bufs = mem.read_iovecs(iovs, iovs_len)?;
        let n = match self.table.get_mut(fd)? {
            Descriptor::Stdin(input) => {
                read_to_guest(mem, &bufs, |slices| input.read(&mut slices[0]))?
            }
            Descriptor::File(file) => {
                if !file.readable {
                    return Err(Errno::Badf.into());
                }
                let pos = file.position;
                let n = read_to_guest(mem, &bufs, |slices| {
                    sys::preadv(file.fd.as_fd(), slices, pos)
                })?;
                file.position = pos.checked_add(n as u64).ok_or(Errno::Overflow)?;
                n
            }
            Descriptor::Stream(stream) => {
                read_to_guest(mem, &bufs, |slices| sys::readv(stream.as_fd(), slices))?
            }
            Descriptor::Listener(_) => return Err(Errno::Notconn.into()),
            _ => return Err(Errno::Badf.into()),
        };
        write_size(mem, result, n)
    }

    /// `fd_pread(fd, iovs, offset) -> nread`; the offset is not changed.
    pub fn fd_pread(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        offset: u64,
        result: u32,
    ) -> CallResult<()> {
        let bufs = mem.read_iovecs(iovs, iovs_len)?;
        let n = match self.table.get(fd)? {
            Descriptor::File(file) => {
                if !file.readable {
                    return Err(Errno::Badf.into());
                }
                read_to_guest(mem, &bufs, |slices| {
                    sys::preadv(file.fd.as_fd(), slices, offset)
                })?
            }
            Descriptor::Stdin(_) | Descriptor::Stream(_) | Descriptor::Listener(_) => {
                return Err(Errno::Spipe.into());
            }
            _ => return Err(Errno::Badf.into()),
        };
        write_size(mem, result, n)
    }

    /// `fd_write(fd, iovs) -> nwritten`. Host stdout/stderr get one
    /// `writev(2)` of the guest's buffers, straight from guest memory.
    pub fn fd_write(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        result: u32,
    ) -> CallResult<()> {
        let bufs = mem.read_iovecs(iovs, iovs_len)?;
        let n = {
            let slices = mem.io_slices(&bufs)?;
            match self.table.get_mut(fd)? {
                Descriptor::Stdout(out) | Descriptor::Stderr(out) => out.write_vectored(&slices)?,
                Descriptor::File(file) => {
                    if !file.writable {
                        return Err(Errno::Badf.into());
                    }
                    if file.append {
                        // The host fd has O_APPEND; the offset follows the end.
                        let n = sys::writev(file.fd.as_fd(), &slices)?;
                        file.position = sys::fstat(file.fd.as_fd())?.size;
                        n
                    } else {
                        let n = sys::pwritev(file.fd.as_fd(), &slices, file.position)?;
                        file.position =
                            file.position.checked_add(n as u64).ok_or(Errno::Overflow)?;
                        n
                    }
                }
                Descriptor::Stream(stream) => sys::send_vectored(stream.as_fd(), &slices)?,
                Descriptor::Listener(_) => return Err(Errno::Notconn.into()),
                _ => return Err(Errno::Badf.into()),
            }
        };
        write_size(mem, result, n)
    }

    /// `fd_pwrite(fd, iovs, offset) -> nwritten`; the offset is not changed
    /// (in append mode Linux appends regardless, as wasmtime notes).
    pub fn fd_pwrite(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        offset: u64,
        result: u32,
    ) -> CallResult<()> {
        let bufs = mem.read_iovecs(iovs, iovs_len)?;
        let n = {
            let slices = mem.io_slices(&bufs)?;
            match self.table.get(fd)? {
                Descriptor::File(file) => {
                    if !file.writable {
                        return Err(Errno::Badf.into());
                    }
                    sys::pwritev(file.fd.as_fd(), &slices, offset)?
                }
                Descriptor::Stdout(_) | Descriptor::Stderr(_) | Descriptor::Stream(_) => {
                    return Err(Errno::Spipe.into());
                }
                _ => return Err(Errno::Badf.into()),
            }
        };
        write_size(mem, result, n)
    }

    /// `fd_seek(fd, delta, whence) -> new offset`. A resulting negative
    /// offset is `EINVAL`; seeking past the end is allowed.
    pub fn fd_seek(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        delta: i64,
        whence: u32,
        result: u32,
    ) -> CallResult<()> {
        let whence = enum_arg(whence, u8::MAX.into(), 3, "Whence")? as u8;
        let file = match self.table.get_mut(fd)? {
            Descriptor::File(file) => file,
            Descriptor::Stdin(_)
            | Descriptor::Stdout(_)
            | Descriptor::Stderr(_)
            | Descriptor::Stream(_)
            | Descriptor::Listener(_) => return Err(Errno::Spipe.into()),
            Descriptor::Dir(_) => return Err(Errno::Badf.into()),
        };
        let base = match whence {
            whence::SET => 0,
            whence::CUR => file.position,
            _ => sys::fstat(file.fd.as_fd())?.size,
        };
        let pos = base.checked_add_signed(delta).ok_or(Errno::Inval)?;
        if pos > i64::MAX as u64 {
            return Err(Errno::Inval.into());
        }
        file.position = pos;
        Ok(mem.write_u64(result, pos).map_err(writing("filesize"))?)
    }

    /// `fd_tell(fd) -> offset`.
    pub fn fd_tell(&mut self, mem: &mut GuestMemory<'_>, fd: u32, result: u32) -> CallResult<()> {
        let pos = match self.table.get(fd)? {
            Descriptor::File(file) => file.position,
            Descriptor::Dir(_) => return Err(Errno::Badf.into()),
            _ => return Err(Errno::Spipe.into()),
        };
        Ok(mem.write_u64(result, pos).map_err(writing("filesize"))?)
    }

    /// `fd_close(fd)`; preopened directories may be closed too.
    pub fn fd_close(&mut self, _mem: &mut GuestMemory<'_>, fd: u32) -> CallResult<()> {
        self.table.remove(fd)?;
        Ok(())
    }

    /// `fd_renumber(from, to)`: `to` is closed if open, then `from` takes
    /// its number. Only `from` has to be open, as in wasmtime.
    pub fn fd_renumber(
        &mut self,
        _mem: &mut GuestMemory<'_>,
        from: u32,
        to: u32,
    ) -> CallResult<()> {
        Ok(self.table.renumber(from, to)?)
    }

    /// `fd_advise(fd, offset, len, advice)`.
    pub fn fd_advise(
        &mut self,
        _mem: &mut GuestMemory<'_>,
        fd: u32,
        offset: u64,
        len: u64,
        advice: u32,
    ) -> CallResult<()> {
        let host = match enum_arg(advice, u8::MAX.into(), 6, "Advice")? as u8 {
            advice::NORMAL => libc::POSIX_FADV_NORMAL,
            advice::SEQUENTIAL => libc::POSIX_FADV_SEQUENTIAL,
            advice::RANDOM => libc::POSIX_FADV_RANDOM,
            advice::WILLNEED => libc::POSIX_FADV_WILLNEED,
            advice::DONTNEED => libc::POSIX_FADV_DONTNEED,
            _ => libc::POSIX_FADV_NOREUSE,
        };
        let file = self.file(fd)?;
        match sys::fadvise(file.fd.as_fd(), offset, len, host) {
            // Pipes and devices have nothing to advise: not an error.
            Err(e) if e.raw_os_error() == Some(libc::ESPIPE) => Ok(()),
            other => Ok(other?),
        }
    }

    /// `fd_allocate(fd, offset, len)`: makes sure the range is backed by
    /// storage, growing the file if needed (`posix_fallocate`). wasmtime 48
    /// answers `ENOTSUP` here; this implementation does the work.
    pub fn fd_allocate(
        &mut self,
        _mem: &mut GuestMemory<'_>,
        fd: u32,
        offset: u64,
        len: u64,
    ) -> CallResult<()> {
        let file = self.file(fd)?;
        if len == 0 {
            return Err(Errno::Inval.into());
        }
        if !file.writable {
            return Err(Errno::Badf.into());
        }
        offset.checked_add(len).ok_or(Errno::Fbig)?;
        match sys::fallocate(file.fd.as_fd(), offset, len) {
            // File systems without fallocate: extend the size at least.
            Err(e) if e.raw_os_error() == Some(libc::EOPNOTSUPP) => {
                let end = offset + len;
                if sys::fstat(file.fd.as_fd())?.size < end {
                    sys::ftruncate(file.fd.as_fd(), end)?;
                }
                Ok(())
            }
            other => Ok(other?),
        }
    }

    /// `fd_sync(fd)`: data and metadata of a file to storage.
    pub fn fd_sync(&mut self, _mem: &mut GuestMemory<'_>, fd: u32) -> CallResult<()> {
        Ok(sys::fsync(self.file(fd)?.fd.as_fd())?)
    }

    /// `fd_datasync(fd)`: data of a file to storage.
    pub fn fd_datasync(&mut self, _mem: &mut GuestMemory<'_>, fd: u32) -> CallResult<()> {
        Ok(sys::fdatasync(self.file(fd)?.fd.as_fd())?)
    }

    /// `fd_fdstat_get(fd) -> fdstat`, with the rights wasmtime reports.
    pub fn fd_fdstat_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        result: u32,
    ) -> CallResult<()> {
        let (filetype, flags, base, inheriting) = match self.table.get(fd)? {
            Descriptor::Stdin(input) => (
                tty_type(input.is_terminal()),
                0,
                rights::FD_READ,
                rights::FD_READ,
            ),
            Descriptor::Stdout(out) | Descriptor::Stderr(out) => (
                tty_type(out.is_terminal()),
                0,
                rights::FD_WRITE,
                rights::FD_WRITE,
            ),
            Descriptor::Dir(dir) if dir.preopen.is_some() => (
                filetype::DIRECTORY,
                0,
                rights::PREOPEN_DIR_BASE,
                rights::PREOPEN_DIR_INHERITING,
            ),
            Descriptor::Dir(_) => {
                let base = rights::ALL
                    & !(rights::FD_SEEK | rights::FD_FILESTAT_SET_SIZE | rights::FD_WRITE);
                (filetype::DIRECTORY, 0, base, base)
            }
            Descriptor::File(file) => {
                let mut base = rights::ALL;
                if !file.readable {
                    base &= !(rights::FD_READ | rights::FD_READDIR);
                }
                if !file.writable {
                    base &= !rights::FD_WRITE;
                }
                let mut flags = 0;
                if file.append {
                    flags |= fdflags::APPEND;
                }
                if file.nonblock {
                    flags |= fdflags::NONBLOCK;
                }
                (file.filetype, flags, base, base)
            }
            Descriptor::Listener(listener) => {
                let base =
                    rights::SOCK_ACCEPT | rights::POLL_FD_READWRITE | rights::FD_FDSTAT_SET_FLAGS;
                (
                    filetype::SOCKET_STREAM,
                    nonblock_flag(listener.as_fd())?,
                    base,
                    base,
                )
            }
            Descriptor::Stream(stream) => {
                let base = rights::FD_READ
                    | rights::FD_WRITE
                    | rights::SOCK_SHUTDOWN
                    | rights::POLL_FD_READWRITE
                    | rights::FD_FDSTAT_SET_FLAGS
                    | rights::FD_FILESTAT_GET;
                (
                    filetype::SOCKET_STREAM,
                    nonblock_flag(stream.as_fd())?,
                    base,
                    base,
                )
            }
        };
        // Field by field, as wasmtime writes it (padding left alone).
        let write = |mem: &mut GuestMemory<'_>| -> GuestResult<()> {
            mem.write_u8(field(result, fdstat_layout::FILETYPE)?, filetype)?;
            mem.write_u16(field(result, fdstat_layout::FLAGS)?, flags)?;
            mem.write_u64(field(result, fdstat_layout::RIGHTS_BASE)?, base)?;
            mem.write_u64(field(result, fdstat_layout::RIGHTS_INHERITING)?, inheriting)
        };
        Ok(write(mem).map_err(writing("fdstat"))?)
    }

    /// `fd_fdstat_set_flags(fd, flags)`: `APPEND` and `NONBLOCK` can be
    /// changed on files (and `NONBLOCK` on sockets); the sync flags are
    /// `EINVAL`, as in wasmtime.
    pub fn fd_fdstat_set_flags(
        &mut self,
        _mem: &mut GuestMemory<'_>,
        fd: u32,
        flags: u32,
    ) -> CallResult<()> {
        let flags = fdflags_arg(flags)?;
        match self.table.get_mut(fd)? {
            Descriptor::File(file) => {
                if flags & (fdflags::DSYNC | fdflags::SYNC | fdflags::RSYNC) != 0 {
                    return Err(Errno::Inval.into());
                }
                let append = flags & fdflags::APPEND != 0;
                let host = sys::get_status_flags(file.fd.as_fd())?;
                let host = if append {
                    host | libc::O_APPEND
                } else {
                    host & !libc::O_APPEND
                };
                sys::set_status_flags(file.fd.as_fd(), host)?;
                file.append = append;
                file.nonblock = flags & fdflags::NONBLOCK != 0;
                Ok(())
            }
            Descriptor::Listener(listener) => Ok(set_socket_flags(listener.as_fd(), flags)?),
            Descriptor::Stream(stream) => Ok(set_socket_flags(stream.as_fd(), flags)?),
            _ => Err(Errno::Badf.into()),
        }
    }

    /// `fd_fdstat_set_rights(fd, base, inheriting)`: rights are fixed, so
    /// this is `ENOTSUP` on any open descriptor but stdio, and `EBADF` on
    /// stdio, as in wasmtime 48.
    pub fn fd_fdstat_set_rights(
        &mut self,
        _mem: &mut GuestMemory<'_>,
        fd: u32,
        base: u64,
        inheriting: u64,
    ) -> CallResult<()> {
        rights_arg(base)?;
        rights_arg(inheriting)?;
        if self.table.get(fd)?.is_stdio() {
            return Err(Errno::Badf.into());
        }
        Err(Errno::Notsup.into())
    }

    /// `fd_filestat_get(fd) -> filestat`; stdio reports zeros and its type.
    pub fn fd_filestat_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        result: u32,
    ) -> CallResult<()> {
        let zero = Stat {
            dev: 0,
            ino: 0,
            mode: 0,
            nlink: 0,
            size: 0,
            atim: 0,
            mtim: 0,
            ctim: 0,
        };
        match self.table.get(fd)? {
            Descriptor::Stdin(input) => {
                write_filestat_fields(mem, result, &zero, tty_type(input.is_terminal()))
            }
            Descriptor::Stdout(out) | Descriptor::Stderr(out) => {
                write_filestat_fields(mem, result, &zero, tty_type(out.is_terminal()))
            }
            Descriptor::File(file) => write_filestat(mem, result, &sys::fstat(file.fd.as_fd())?),
            Descriptor::Dir(dir) => write_filestat(mem, result, &sys::fstat(dir.fd.as_fd())?),
            Descriptor::Listener(listener) => {
                write_filestat(mem, result, &sys::fstat(listener.as_fd())?)
            }
            Descriptor::Stream(stream) => write_filestat(mem, result, &sys::fstat(stream.as_fd())?),
        }
    }

    /// `fd_filestat_set_size(fd, size)` (`ftruncate`).
    pub fn fd_filestat_set_size(
        &mut self,
        _mem: &mut GuestMemory<'_>,
        fd: u32,
        size: u64,
    ) -> CallResult<()> {
        let file = self.file(fd)?;
        if !file.writable {
            return Err(Errno::Badf.into());
        }
        Ok(sys::ftruncate(file.fd.as_fd(), size)?)
    }

    /// `fd_filestat_set_times(fd, atim, mtim, fst_flags)` (`futimens`).
    pub fn fd_filestat_set_times(
        &mut self,
        _mem: &mut GuestMemory<'_>,
        fd: u32,
        atim: u64,
        mtim: u64,
        flags: u32,
    ) -> CallResult<()> {
        let (atim, mtim) = new_times(atim, mtim, fstflags_arg(flags)?)?;
        let host = match self.table.get(fd)? {
            Descriptor::File(file) => file.fd.as_fd(),
            Descriptor::Dir(dir) => dir.fd.as_fd(),
            _ => return Err(Errno::Badf.into()),
        };
        Ok(sys::set_times(host, atim, mtim)?)
    }

    /// `fd_prestat_get(fd) -> prestat`: only preopened directories have one
    /// (`EBADF` otherwise, which is how guests find the end of the list).
    pub fn fd_prestat_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        result: u32,
    ) -> CallResult<()> {
        let name = match self.table.get(fd)? {
            Descriptor::Dir(dir) => dir.preopen.as_ref().ok_or(Errno::Badf)?,
            _ => return Err(Errno::Badf.into()),
        };
        let len = u32::try_from(name.len())?;
        // The tag (`dir`, a byte), then the name length (at 4).
        let write = |mem: &mut GuestMemory<'_>| -> GuestResult<()> {
            mem.write_u8(result, 0)?;
            mem.write_u32(field(result, 4)?, len)
        };
        Ok(write(mem).map_err(writing("prestat"))?)
    }

    /// `fd_prestat_dir_name(fd, buf, len)`: the guest name, without NUL;
    /// `ENAMETOOLONG` if it does not fit, `ENOTDIR` for a non-preopen.
    pub fn fd_prestat_dir_name(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        buf: u32,
        len: u32,
    ) -> CallResult<()> {
        let name = match self.table.get(fd)? {
            Descriptor::Dir(OpenDir {
                preopen: Some(name),
                ..
            }) => name.clone(),
            _ => return Err(Errno::Notdir.into()),
        };
        if name.len() > len as usize {
            return Err(Errno::Nametoolong.into());
        }
        Ok(mem.write_bytes(buf, name.as_bytes())?)
    }
}

/// Writes a `size` result (a byte count).
fn write_size(mem: &mut GuestMemory<'_>, result: u32, n: usize) -> CallResult<()> {
    let n = u32::try_from(n)?;
    Ok(mem.write_u32(result, n).map_err(writing("size"))?)
}

/// An `fdflags` argument.
pub(crate) fn fdflags_arg(flags: u32) -> Result<u16, GuestError> {
    Ok(flags_arg(flags, u16::MAX.into(), fdflags::ALL.into(), "Fdflags")? as u16)
}

/// The type stdio reports: a character device for a terminal, otherwise
/// unknown (as wasmtime).
fn tty_type(is_terminal: bool) -> u8 {
    if is_terminal {
        filetype::CHARACTER_DEVICE
    } else {
        filetype::UNKNOWN
    }
}

fn nonblock_flag(fd: std::os::fd::BorrowedFd<'_>) -> WasiResult<u16> {
    let host = sys::get_status_flags(fd)?;
    Ok(if host & libc::O_NONBLOCK != 0 {
        fdflags::NONBLOCK
    } else {
        0
    })
}

fn set_socket_flags(fd: std::os::fd::BorrowedFd<'_>, flags: u16) -> WasiResult<()> {
    if flags & !fdflags::NONBLOCK != 0 {
        return Err(Errno::Inval);
    }
    let host = sys::get_status_flags(fd)?;
    let host = if flags & fdflags::NONBLOCK != 0 {
        host | libc::O_NONBLOCK
    } else {
        host & !libc::O_NONBLOCK
    };
    Ok(sys::set_status_flags(fd, host)?)
}
