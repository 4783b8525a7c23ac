//! `path_*` calls. Every path goes through [`crate::sandbox::resolve`] and
//! the final step is one `*at` call on the resolved parent directory.
//!
//! A path ending in `/` must name a directory: on anything else the call
//! fails with `ENOTDIR` (or `EISDIR`/`ENOENT` where the kernel would say
//! so for the slash-terminated name).

use std::os::fd::{AsFd, OwnedFd};

use super::{filetype_of, guest_path, write_filestat};
use crate::abi::{fdflags, lookupflags, oflags, rights};
use crate::ctx::WasiCtx;
use crate::errno::{Errno, WasiResult};
use crate::fdtable::{Descriptor, OpenDir, OpenFile};
use crate::guest::{CallResult, GuestError, flags_arg, rights_arg, writing};
use crate::memory::GuestMemory;
use crate::preview1::fd::{fdflags_arg, fstflags_arg, new_times};
use crate::sandbox::{self, FollowFinal, Resolved};
use crate::sys;

/// A `lookupflags` argument.
fn lookup_arg(flags: u32) -> Result<u32, GuestError> {
    flags_arg(
        flags,
        u32::MAX.into(),
        lookupflags::SYMLINK_FOLLOW.into(),
        "Lookupflags",
    )
}

fn follow(flags: u32) -> FollowFinal {
    if flags & lookupflags::SYMLINK_FOLLOW != 0 {
        FollowFinal::Yes
    } else {
        FollowFinal::No
    }
}

/// `ENOTDIR` unless a slash-terminated path names a directory.
fn check_trailing_slash(resolved: &Resolved<'_>) -> WasiResult<()> {
    if resolved.must_be_dir() && !sys::lstat_at(resolved.dir(), resolved.name())?.is_dir() {
        return Err(Errno::Notdir);
    }
    Ok(())
}

/// A new name ending in `/` can only be a directory, which `path_link` and
/// `path_symlink` never create: `EEXIST` if a directory is there, `ENOTDIR`
/// if something else is, `ENOENT` if nothing is (as Linux and wasmtime).
fn check_new_name(resolved: &Resolved<'_>) -> WasiResult<()> {
    if !resolved.must_be_dir() {
        return Ok(());
    }
    Err(match sys::lstat_at(resolved.dir(), resolved.name()) {
        Ok(stat) if stat.is_dir() => Errno::Exist,
        Ok(_) => Errno::Notdir,
        Err(_) => Errno::Noent,
    })
}

impl WasiCtx {
    /// `path_open(dirfd, dirflags, path, oflags, rights_base,
    /// rights_inheriting, fdflags) -> fd`.
    ///
    /// Read access follows `FD_READ`, write access `FD_WRITE` (and is
    /// implied by `CREAT`/`TRUNC`), like wasmtime. The sync fdflags are
    /// `ENOTSUP` and `DIRECTORY` with `CREAT`/`EXCL`/`TRUNC` is `EINVAL`, as
    /// in wasmtime. Opening a symlink without `SYMLINK_FOLLOW` is `ELOOP`.
    /// As in wasmtime, the path is read before `dirfd` is looked up.
    pub fn path_open(
        &mut self,
        mem: &mut GuestMemory<'_>,
        dirfd: u32,
        dirflags: u32,
        path: u32,
        path_len: u32,
        open_flags: u32,
        rights_base: u64,
        rights_inheriting: u64,
        fd_flags: u32,
        result: u32,
    ) -> CallResult<()> {
        let follow = follow(lookup_arg(dirflags)?);
        let open_flags =
            flags_arg(open_flags, u16::MAX.into(), oflags::ALL.into(), "Oflags")? as u16;
        let rights_base = rights_arg(rights_base)?;
        rights_arg(rights_inheriting)?;
        let fd_flags = fdflags_arg(fd_flags)?;
        let path = guest_path(mem, path, path_len)?;
        let dir = match self.table.get(dirfd)? {
            Descriptor::Dir(dir) => dir.fd.as_fd(),
            Descriptor::File(_) => return Err(Errno::Notdir.into()),
            _ => return Err(Errno::Badf.into()),
        };
        if fd_flags & (fdflags::SYNC | fdflags::DSYNC | fdflags::RSYNC) != 0 {
            return Err(Errno::Notsup.into());
        }
        let create = open_flags & oflags::CREAT != 0;
        let truncate = open_flags & oflags::TRUNC != 0;
        let directory = open_flags & oflags::DIRECTORY != 0;
        if directory && open_flags & (oflags::CREAT | oflags::EXCL | oflags::TRUNC) != 0 {
            return Err(Errno::Inval.into());
        }

        let resolved = sandbox::resolve(dir, &path, follow)?;
        if resolved.must_be_dir() && create {
            return Err(Errno::Isdir.into());
        }
        let readable = rights_base & rights::FD_READ != 0;
        let writable = rights_base & rights::FD_WRITE != 0;
        let host_read = readable || !writable;
        let host_write = writable || create || truncate;
        let mut host_flags = libc::O_NOFOLLOW | libc::O_NOCTTY;
        host_flags |= match (host_read, host_write) {
            (true, true) => libc::O_RDWR,
            (false, true) => libc::O_WRONLY,
            _ => libc::O_RDONLY,
        };
        if create {
            host_flags |= libc::O_CREAT;
        }
        if open_flags & oflags::EXCL != 0 {
            host_flags |= libc::O_EXCL;
        }
        if truncate {
            host_flags |= libc::O_TRUNC;
        }
        if directory || resolved.must_be_dir() {
            host_flags |= libc::O_DIRECTORY;
        }
        let append = fd_flags & fdflags::APPEND != 0;
        if append {
            host_flags |= libc::O_APPEND;
        }
        let opened: OwnedFd = sys::open_at(resolved.dir(), resolved.name(), host_flags, 0o666)?;
        let stat = sys::fstat(opened.as_fd())?;
        let descriptor = if stat.is_dir() {
            Descriptor::Dir(OpenDir {
                fd: opened,
                preopen: None,
            })
        } else {
            Descriptor::File(OpenFile {
                fd: opened,
                position: 0,
                append,
                nonblock: fd_flags & fdflags::NONBLOCK != 0,
                readable,
                writable,
                filetype: filetype_of(stat.mode),
            })
        };
        let fd = self.table.push(descriptor)?;
        Ok(mem.write_u32(result, fd).map_err(writing("fd"))?)
    }

    /// `path_create_directory(fd, path)`.
    pub fn path_create_directory(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        path: u32,
        len: u32,
    ) -> CallResult<()> {
        let dir = self.dir(fd)?.fd.as_fd();
        let path = guest_path(mem, path, len)?;
        let resolved = sandbox::resolve(dir, &path, FollowFinal::No)?;
        Ok(sys::mkdir_at(resolved.dir(), resolved.name(), 0o777)?)
    }

    /// `path_filestat_get(fd, flags, path) -> filestat`.
    pub fn path_filestat_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        flags: u32,
        path: u32,
        len: u32,
        result: u32,
    ) -> CallResult<()> {
        let follow = follow(lookup_arg(flags)?);
        let dir = self.dir(fd)?.fd.as_fd();
        let path = guest_path(mem, path, len)?;
        let resolved = sandbox::resolve(dir, &path, follow)?;
        let stat = sys::lstat_at(resolved.dir(), resolved.name())?;
        if resolved.must_be_dir() && !stat.is_dir() {
            return Err(Errno::Notdir.into());
        }
        write_filestat(mem, result, &stat)
    }

    /// `path_filestat_set_times(fd, flags, path, atim, mtim, fst_flags)`.
    pub fn path_filestat_set_times(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        flags: u32,
        path: u32,
        len: u32,
        atim: u64,
        mtim: u64,
        fst_flags: u32,
    ) -> CallResult<()> {
        let follow = follow(lookup_arg(flags)?);
        let (atim, mtim) = new_times(atim, mtim, fstflags_arg(fst_flags)?)?;
        let dir = self.dir(fd)?.fd.as_fd();
        let path = guest_path(mem, path, len)?;
        let resolved = sandbox::resolve(dir, &path, follow)?;
        check_trailing_slash(&resolved)?;
        Ok(sys::set_times_at(
            resolved.dir(),
            resolved.name(),
            atim,
            mtim,
        )?)
    }

    /// `path_link(old_fd, old_flags, old_path, new_fd, new_path)`: a hard
    /// link to `old_path` itself (a symlink is linked, not followed).
    /// `SYMLINK_FOLLOW` is `EINVAL`, as in wasmtime.
    pub fn path_link(
        &mut self,
        mem: &mut GuestMemory<'_>,
        old_fd: u32,
        old_flags: u32,
        old_path: u32,
        old_len: u32,
        new_fd: u32,
        new_path: u32,
        new_len: u32,
    ) -> CallResult<()> {
        let old_flags = lookup_arg(old_flags)?;
        let old_dir = self.dir(old_fd)?.fd.as_fd();
        let new_dir = self.dir(new_fd)?.fd.as_fd();
        let old_path = guest_path(mem, old_path, old_len)?;
        let new_path = guest_path(mem, new_path, new_len)?;
        if old_flags != 0 {
            return Err(Errno::Inval.into());
        }
        let old = sandbox::resolve(old_dir, &old_path, FollowFinal::No)?;
        let new = sandbox::resolve(new_dir, &new_path, FollowFinal::No)?;
        check_trailing_slash(&old)?;
        check_new_name(&new)?;
        Ok(sys::link_at(old.dir(), old.name(), new.dir(), new.name())?)
    }

    /// `path_readlink(fd, path, buf, buf_len) -> bufused`: the target,
    /// truncated to the buffer (no NUL). Only the bytes written must lie in
    /// memory, as in wasmtime.
    pub fn path_readlink(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        path: u32,
        len: u32,
        buf: u32,
        buf_len: u32,
        result: u32,
    ) -> CallResult<()> {
        let dir = self.dir(fd)?.fd.as_fd();
        let path = guest_path(mem, path, len)?;
        let resolved = sandbox::resolve(dir, &path, FollowFinal::No)?;
        let mut target = sys::readlink_at(resolved.dir(), resolved.name())?;
        target.truncate(buf_len as usize);
        let used = u32::try_from(target.len())?;
        mem.write_bytes(buf, &target)?;
        Ok(mem.write_u32(result, used).map_err(writing("size"))?)
    }

    /// `path_remove_directory(fd, path)`: the directory must be empty.
    pub fn path_remove_directory(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        path: u32,
        len: u32,
    ) -> CallResult<()> {
        let dir = self.dir(fd)?.fd.as_fd();
        let path = guest_path(mem, path, len)?;
        let resolved = sandbox::resolve(dir, &path, FollowFinal::No)?;
        Ok(sys::unlink_at(resolved.dir(), resolved.name(), true)?)
    }

    /// `path_rename(fd, old_path, new_fd, new_path)`.
    pub fn path_rename(
        &mut self,
        mem: &mut GuestMemory<'_>,
        old_fd: u32,
        old_path: u32,
        old_len: u32,
        new_fd: u32,
        new_path: u32,
        new_len: u32,
    ) -> CallResult<()> {
        let old_dir = self.dir(old_fd)?.fd.as_fd();
        let new_dir = self.dir(new_fd)?.fd.as_fd();
        let old_path = guest_path(mem, old_path, old_len)?;
        let new_path = guest_path(mem, new_path, new_len)?;
        let old = sandbox::resolve(old_dir, &old_path, FollowFinal::No)?;
        let new = sandbox::resolve(new_dir, &new_path, FollowFinal::No)?;
        if (old.must_be_dir() || new.must_be_dir())
            && !sys::lstat_at(old.dir(), old.name())?.is_dir()
        {
            return Err(Errno::Notdir.into());
        }
        Ok(sys::rename_at(
            old.dir(),
            old.name(),
            new.dir(),
            new.name(),
        )?)
    }

    /// `path_symlink(old_path, fd, new_path)`: creates `new_path` pointing
    /// at `old_path`. Absolute targets are refused with `EPERM` (wasmtime
    /// refuses them too); relative ones may point anywhere, since following
    /// them is confined.
    pub fn path_symlink(
        &mut self,
        mem: &mut GuestMemory<'_>,
        old_path: u32,
        old_len: u32,
        fd: u32,
        new_path: u32,
        new_len: u32,
    ) -> CallResult<()> {
        let dir = self.dir(fd)?.fd.as_fd();
        let target = guest_path(mem, old_path, old_len)?;
        let new_path = guest_path(mem, new_path, new_len)?;
        let target = sandbox::check_symlink_target(&target)?;
        let resolved = sandbox::resolve(dir, &new_path, FollowFinal::No)?;
        check_new_name(&resolved)?;
        Ok(sys::symlink_at(&target, resolved.dir(), resolved.name())?)
    }

    /// `path_unlink_file(fd, path)`: a directory is `EISDIR`.
    pub fn path_unlink_file(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        path: u32,
        len: u32,
    ) -> CallResult<()> {
        let dir = self.dir(fd)?.fd.as_fd();
        let path = guest_path(mem, path, len)?;
        let resolved = sandbox::resolve(dir, &path, FollowFinal::No)?;
        if resolved.must_be_dir() {
            let stat = sys::lstat_at(resolved.dir(), resolved.name())?;
            return Err(if stat.is_dir() {
                Errno::Isdir
            } else {
                Errno::Notdir
            }
            .into());
        }
        Ok(sys::unlink_at(resolved.dir(), resolved.name(), false)?)
    }
}
