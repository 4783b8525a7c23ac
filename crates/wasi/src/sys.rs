//! Thin safe wrappers over the POSIX calls the WASI implementation needs and
//! std does not offer (the `*at` family, vectored positional I/O, `poll`,
//! clocks). This is the only module with `unsafe`; every wrapper checks the
//! return value and turns failures into `io::Error`.
#![allow(unsafe_code)]

use std::ffi::{CStr, CString};
use std::io::{self, IoSlice, IoSliceMut};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

/// Largest number of buffers one vectored call passes to the kernel; more
/// are left for the guest to retry (a short read/write is allowed).
const MAX_IOVECS: usize = 1024;

fn check(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

fn check_size(ret: libc::ssize_t) -> io::Result<usize> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret as usize)
    }
}

/// Retries a call interrupted by a signal, as std does for its own I/O.
fn retry<T>(mut call: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    loop {
        match call() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// `openat(2)`; `O_CLOEXEC` is always added.
pub fn open_at(dir: BorrowedFd<'_>, name: &CStr, flags: i32, mode: u32) -> io::Result<OwnedFd> {
    let fd = retry(|| {
        // SAFETY: `name` is a valid NUL-terminated string and `dir` a live fd.
        check(unsafe {
            libc::openat(
                dir.as_raw_fd(),
                name.as_ptr(),
                flags | libc::O_CLOEXEC,
                mode as libc::c_uint,
            )
        })
    })?;
    // SAFETY: `fd` was just returned by openat and is owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `readlinkat(2)`: the target of the symlink `name` in `dir`.
pub fn readlink_at(dir: BorrowedFd<'_>, name: &CStr) -> io::Result<Vec<u8>> {
    let mut buf = vec![0u8; 256];
    loop {
        // SAFETY: `buf` is valid for `buf.len()` writable bytes.
        let n = check_size(unsafe {
            libc::readlinkat(
                dir.as_raw_fd(),
                name.as_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
            )
        })?;
        if n < buf.len() {
            buf.truncate(n);
            return Ok(buf);
        }
        if buf.len() >= 1 << 20 {
            return Err(io::Error::from_raw_os_error(libc::ENAMETOOLONG));
        }
        buf.resize(buf.len() * 2, 0);
    }
}

/// `mkdirat(2)`.
pub fn mkdir_at(dir: BorrowedFd<'_>, name: &CStr, mode: u32) -> io::Result<()> {
    // SAFETY: valid fd and NUL-terminated name.
    check(unsafe { libc::mkdirat(dir.as_raw_fd(), name.as_ptr(), mode as libc::mode_t) })?;
    Ok(())
}

/// `unlinkat(2)`; `remove_dir` selects `AT_REMOVEDIR`.
pub fn unlink_at(dir: BorrowedFd<'_>, name: &CStr, remove_dir: bool) -> io::Result<()> {
    let flags = if remove_dir { libc::AT_REMOVEDIR } else { 0 };
    // SAFETY: valid fd and NUL-terminated name.
    check(unsafe { libc::unlinkat(dir.as_raw_fd(), name.as_ptr(), flags) })?;
    Ok(())
}

/// `renameat(2)`.
pub fn rename_at(
    old_dir: BorrowedFd<'_>,
    old: &CStr,
    new_dir: BorrowedFd<'_>,
    new: &CStr,
) -> io::Result<()> {
    // SAFETY: valid fds and NUL-terminated names.
    check(unsafe {
        libc::renameat(
            old_dir.as_raw_fd(),
            old.as_ptr(),
            new_dir.as_raw_fd(),
            new.as_ptr(),
        )
    })?;
    Ok(())
}

/// `linkat(2)` without following a symlink named by `old`.
pub fn link_at(
    old_dir: BorrowedFd<'_>,
    old: &CStr,
    new_dir: BorrowedFd<'_>,
    new: &CStr,
) -> io::Result<()> {
    // SAFETY: valid fds and NUL-terminated names.
    check(unsafe {
        libc::linkat(
            old_dir.as_raw_fd(),
            old.as_ptr(),
            new_dir.as_raw_fd(),
            new.as_ptr(),
            0,
        )
    })?;
    Ok(())
}

/// `symlinkat(2)`: creates `name` in `dir` pointing at `target`.
pub fn symlink_at(target: &CStr, dir: BorrowedFd<'_>, name: &CStr) -> io::Result<()> {
    // SAFETY: valid fd and NUL-terminated strings.
    check(unsafe { libc::symlinkat(target.as_ptr(), dir.as_raw_fd(), name.as_ptr()) })?;
    Ok(())
}

/// File metadata, as much of `struct stat` as WASI reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stat {
    /// Device id.
    pub dev: u64,
    /// Inode number.
    pub ino: u64,
    /// `st_mode` (type and permission bits).
    pub mode: u32,
    /// Number of hard links.
    pub nlink: u64,
    /// Size in bytes.
    pub size: u64,
    /// Access time, ns since the epoch.
    pub atim: u64,
    /// Modification time, ns since the epoch.
    pub mtim: u64,
    /// Status change time, ns since the epoch.
    pub ctim: u64,
}

impl Stat {
    /// True for a directory.
    pub fn is_dir(&self) -> bool {
        self.mode & libc::S_IFMT == libc::S_IFDIR
    }
}

fn timestamp(sec: i64, nsec: i64) -> u64 {
    (sec.max(0) as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(nsec.max(0) as u64)
}

fn stat_from(st: &libc::stat) -> Stat {
    Stat {
        dev: st.st_dev,
        ino: st.st_ino,
        mode: st.st_mode,
        // `nlink_t` is u64 on x86-64 but u32 on AArch64.
        #[allow(clippy::unnecessary_cast)]
        nlink: st.st_nlink as u64,
        size: st.st_size.max(0) as u64,
        atim: timestamp(st.st_atime, st.st_atime_nsec),
        mtim: timestamp(st.st_mtime, st.st_mtime_nsec),
        ctim: timestamp(st.st_ctime, st.st_ctime_nsec),
    }
}

/// `fstatat(2)` without following a final symlink.
pub fn lstat_at(dir: BorrowedFd<'_>, name: &CStr) -> io::Result<Stat> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `st` is a valid out-pointer for a `struct stat`.
    check(unsafe {
        libc::fstatat(
            dir.as_raw_fd(),
            name.as_ptr(),
            st.as_mut_ptr(),
            libc::AT_SYMLINK_NOFOLLOW,
        )
    })?;
    // SAFETY: fstatat succeeded, so it initialised `st`.
    let st = unsafe { st.assume_init() };
    Ok(stat_from(&st))
}

/// `fstat(2)`.
pub fn fstat(fd: BorrowedFd<'_>) -> io::Result<Stat> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `st` is a valid out-pointer for a `struct stat`.
    check(unsafe { libc::fstat(fd.as_raw_fd(), st.as_mut_ptr()) })?;
    // SAFETY: fstat succeeded, so it initialised `st`.
    let st = unsafe { st.assume_init() };
    Ok(stat_from(&st))
}

/// A new timestamp for `utimensat`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewTime {
    /// Leave unchanged.
    Omit,
    /// The current time.
    Now,
    /// Nanoseconds since the epoch.
    At(u64),
}

fn timespec(time: NewTime) -> libc::timespec {
    let (tv_sec, tv_nsec) = match time {
        NewTime::Omit => (0, libc::UTIME_OMIT),
        NewTime::Now => (0, libc::UTIME_NOW),
        NewTime::At(ns) => ((ns / 1_000_000_000) as i64, (ns % 1_000_000_000) as i64),
    };
    libc::timespec { tv_sec, tv_nsec }
}

/// `utimensat(2)` on `name` in `dir`, not following a final symlink.
pub fn set_times_at(
    dir: BorrowedFd<'_>,
    name: &CStr,
    atim: NewTime,
    mtim: NewTime,
) -> io::Result<()> {
    let times = [timespec(atim), timespec(mtim)];
    // SAFETY: `times` is an array of two timespecs, as utimensat requires.
    check(unsafe {
        libc::utimensat(
            dir.as_raw_fd(),
            name.as_ptr(),
            times.as_ptr(),
            libc::AT_SYMLINK_NOFOLLOW,
        )
    })?;
    Ok(())
}

/// `futimens(3)`.
pub fn set_times(fd: BorrowedFd<'_>, atim: NewTime, mtim: NewTime) -> io::Result<()> {
    let times = [timespec(atim), timespec(mtim)];
    // SAFETY: `times` is an array of two timespecs.
    check(unsafe { libc::futimens(fd.as_raw_fd(), times.as_ptr()) })?;
    Ok(())
}

fn iov_count(n: usize) -> libc::c_int {
    n.min(MAX_IOVECS) as libc::c_int
}

/// `writev(2)`.
pub fn writev(fd: BorrowedFd<'_>, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
    retry(|| {
        // SAFETY: IoSlice is ABI-compatible with `struct iovec` on unix and
        // every slice stays borrowed for the duration of the call.
        check_size(unsafe {
            libc::writev(fd.as_raw_fd(), bufs.as_ptr().cast(), iov_count(bufs.len()))
        })
    })
}

/// `pwritev(2)` at `offset`.
pub fn pwritev(fd: BorrowedFd<'_>, bufs: &[IoSlice<'_>], offset: u64) -> io::Result<usize> {
    let offset = i64::try_from(offset).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    retry(|| {
        // SAFETY: as for `writev`.
        check_size(unsafe {
            libc::pwritev(
                fd.as_raw_fd(),
                bufs.as_ptr().cast(),
                iov_count(bufs.len()),
                offset,
            )
        })
    })
}

/// `readv(2)`.
pub fn readv(fd: BorrowedFd<'_>, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
    retry(|| {
        // SAFETY: IoSliceMut is ABI-compatible with `struct iovec`; the
        // slices are exclusively borrowed for the call.
        check_size(unsafe {
            libc::readv(
                fd.as_raw_fd(),
                bufs.as_mut_ptr().cast(),
                iov_count(bufs.len()),
            )
        })
    })
}

/// `preadv(2)` at `offset`.
pub fn preadv(fd: BorrowedFd<'_>, bufs: &mut [IoSliceMut<'_>], offset: u64) -> io::Result<usize> {
    let offset = i64::try_from(offset).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    retry(|| {
        // SAFETY: as for `readv`.
        check_size(unsafe {
            libc::preadv(
                fd.as_raw_fd(),
                bufs.as_mut_ptr().cast(),
                iov_count(bufs.len()),
                offset,
            )
        })
    })
}

/// `fsync(2)`.
pub fn fsync(fd: BorrowedFd<'_>) -> io::Result<()> {
    // SAFETY: plain syscall on a live fd.
    check(unsafe { libc::fsync(fd.as_raw_fd()) })?;
    Ok(())
}

/// `fdatasync(2)`.
pub fn fdatasync(fd: BorrowedFd<'_>) -> io::Result<()> {
    // SAFETY: plain syscall on a live fd.
    check(unsafe { libc::fdatasync(fd.as_raw_fd()) })?;
    Ok(())
}

/// `posix_fadvise(2)`; `advice` is a `POSIX_FADV_*` value.
pub fn fadvise(fd: BorrowedFd<'_>, offset: u64, len: u64, advice: i32) -> io::Result<()> {
    let offset = i64::try_from(offset).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    let len = i64::try_from(len).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: plain syscall on a live fd; it returns the error number.
    let ret = unsafe { libc::posix_fadvise(fd.as_raw_fd(), offset, len, advice) };
    if ret != 0 {
        return Err(io::Error::from_raw_os_error(ret));
    }
    Ok(())
}

/// `posix_fallocate(3)`.
pub fn fallocate(fd: BorrowedFd<'_>, offset: u64, len: u64) -> io::Result<()> {
    let offset = i64::try_from(offset).map_err(|_| io::Error::from_raw_os_error(libc::EFBIG))?;
    let len = i64::try_from(len).map_err(|_| io::Error::from_raw_os_error(libc::EFBIG))?;
    // SAFETY: plain call on a live fd; it returns the error number.
    let ret = unsafe { libc::posix_fallocate(fd.as_raw_fd(), offset, len) };
    if ret != 0 {
        return Err(io::Error::from_raw_os_error(ret));
    }
    Ok(())
}

/// `ftruncate(2)`.
pub fn ftruncate(fd: BorrowedFd<'_>, size: u64) -> io::Result<()> {
    // Beyond `i64::MAX` the size is negative to the kernel, which refuses
    // that with `EINVAL` (as wasmtime reports it).
    let size = i64::try_from(size).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: plain syscall on a live fd.
    check(unsafe { libc::ftruncate(fd.as_raw_fd(), size) })?;
    Ok(())
}

/// `fcntl(F_GETFL)`.
pub fn get_status_flags(fd: BorrowedFd<'_>) -> io::Result<i32> {
    // SAFETY: F_GETFL takes no argument.
    check(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) })
}

/// `fcntl(F_SETFL)`.
pub fn set_status_flags(fd: BorrowedFd<'_>, flags: i32) -> io::Result<()> {
    // SAFETY: F_SETFL takes an int argument.
    check(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, flags) })?;
    Ok(())
}

/// Borrows one of the process's standard streams (0, 1 or 2).
pub fn std_stream(fd: RawFd) -> BorrowedFd<'static> {
    // SAFETY: the standard streams stay open for the life of the process
    // and this crate never closes them; should the host have closed one,
    // the next syscall merely fails with EBADF.
    unsafe { BorrowedFd::borrow_raw(fd) }
}

/// `isatty(3)`.
pub fn is_terminal(fd: RawFd) -> bool {
    // SAFETY: isatty only inspects the fd; an invalid fd yields 0.
    unsafe { libc::isatty(fd) == 1 }
}

/// Bytes ready to be read without blocking (`FIONREAD`), if known.
pub fn readable_bytes(fd: RawFd) -> Option<u64> {
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int through the pointer.
    let ret = unsafe { libc::ioctl(fd, libc::FIONREAD, &mut n) };
    (ret == 0).then_some(n.max(0) as u64)
}

/// One directory entry as read from the host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostDirEntry {
    /// The entry's name (never `.` or `..`).
    pub name: Vec<u8>,
    /// Inode number.
    pub ino: u64,
    /// `DT_*` type, `DT_UNKNOWN` if the file system did not say.
    pub d_type: u8,
}

/// Lists `dir` (excluding `.` and `..`) through a fresh descriptor, so the
/// caller's descriptor and its position are untouched.
pub fn read_dir(dir: BorrowedFd<'_>) -> io::Result<Vec<HostDirEntry>> {
    let dot = CString::new(".").expect("no NUL");
    let fd = open_at(dir, &dot, libc::O_RDONLY | libc::O_DIRECTORY, 0)?;
    let raw = std::os::fd::IntoRawFd::into_raw_fd(fd);
    // SAFETY: `raw` is an open directory fd whose ownership passes to the DIR.
    let stream = unsafe { libc::fdopendir(raw) };
    if stream.is_null() {
        let err = io::Error::last_os_error();
        // SAFETY: fdopendir failed, so `raw` is still ours to close.
        unsafe { libc::close(raw) };
        return Err(err);
    }
    let mut entries = Vec::new();
    let result = loop {
        // SAFETY: clearing errno distinguishes end-of-stream from failure.
        unsafe { *libc::__errno_location() = 0 };
        // SAFETY: `stream` is a live DIR*.
        let entry = unsafe { libc::readdir64(stream) };
        if entry.is_null() {
            let err = io::Error::last_os_error();
            break if err.raw_os_error() == Some(0) {
                Ok(())
            } else {
                Err(err)
            };
        }
        // SAFETY: readdir returned a valid entry whose d_name is
        // NUL-terminated; it stays valid until the next readdir call.
        let (name, ino, d_type) = unsafe {
            let entry = &*entry;
            let name = CStr::from_ptr(entry.d_name.as_ptr()).to_bytes().to_vec();
            (name, entry.d_ino, entry.d_type)
        };
        if name == b"." || name == b".." {
            continue;
        }
        entries.push(HostDirEntry { name, ino, d_type });
    };
    // SAFETY: `stream` is live and closed exactly once (closing its fd).
    unsafe { libc::closedir(stream) };
    result.map(|()| entries)
}

/// `clock_gettime(2)` in nanoseconds.
pub fn clock_time(clock: libc::clockid_t) -> io::Result<u64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid out-pointer.
    check(unsafe { libc::clock_gettime(clock, &mut ts) })?;
    Ok(timestamp(ts.tv_sec, ts.tv_nsec))
}

/// `clock_getres(2)` in nanoseconds.
pub fn clock_resolution(clock: libc::clockid_t) -> io::Result<u64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid out-pointer.
    check(unsafe { libc::clock_getres(clock, &mut ts) })?;
    Ok(timestamp(ts.tv_sec, ts.tv_nsec))
}

/// Fills `buf` from the kernel's CSPRNG (`getrandom(2)`).
pub fn fill_random(mut buf: &mut [u8]) -> io::Result<()> {
    while !buf.is_empty() {
        let n = retry(|| {
            // SAFETY: `buf` is valid for `buf.len()` writable bytes.
            check_size(unsafe { libc::getrandom(buf.as_mut_ptr().cast(), buf.len(), 0) })
        })?;
        buf = &mut buf[n..];
    }
    Ok(())
}

/// `poll(2)` with a timeout in milliseconds (`-1` waits forever).
pub fn poll(fds: &mut [libc::pollfd], timeout_ms: i32) -> io::Result<usize> {
    // SAFETY: `fds` is a valid array of `fds.len()` pollfd structs.
    let n = check(unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout_ms) })?;
    Ok(n as usize)
}

/// `recvmsg(2)` into the given buffers with `MSG_*` flags.
pub fn recv_vectored(
    fd: BorrowedFd<'_>,
    bufs: &mut [IoSliceMut<'_>],
    flags: i32,
) -> io::Result<usize> {
    retry(|| {
        // SAFETY: a zeroed msghdr is valid; it points at the iovec array,
        // which outlives the call.
        unsafe {
            let mut msg: libc::msghdr = std::mem::zeroed();
            msg.msg_iov = bufs.as_mut_ptr().cast();
            msg.msg_iovlen = bufs.len().min(MAX_IOVECS);
            check_size(libc::recvmsg(fd.as_raw_fd(), &mut msg, flags))
        }
    })
}

/// `sendmsg(2)` of the given buffers, without raising `SIGPIPE`.
pub fn send_vectored(fd: BorrowedFd<'_>, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
    retry(|| {
        // SAFETY: as for `recv_vectored`; sendmsg only reads the buffers.
        unsafe {
            let mut msg: libc::msghdr = std::mem::zeroed();
            msg.msg_iov = bufs.as_ptr().cast_mut().cast();
            msg.msg_iovlen = bufs.len().min(MAX_IOVECS);
            check_size(libc::sendmsg(fd.as_raw_fd(), &msg, libc::MSG_NOSIGNAL))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsFd;

    #[test]
    fn clocks_tick_and_randomness_fills() {
        let a = clock_time(libc::CLOCK_MONOTONIC).unwrap();
        let b = clock_time(libc::CLOCK_MONOTONIC).unwrap();
        assert!(b >= a);
        assert!(clock_resolution(libc::CLOCK_REALTIME).unwrap() > 0);
        let mut buf = [0u8; 64];
        fill_random(&mut buf).unwrap();
        assert!(buf.iter().any(|&b| b != 0));
    }

    #[test]
    fn vectored_positional_io_round_trips() {
        let path = std::env::temp_dir().join(format!("zwasm-wasi-sys-{}", std::process::id()));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(true)
            .read(true)
            .write(true)
            .open(&path)
            .unwrap();
        let n = pwritev(
            file.as_fd(),
            &[IoSlice::new(b"abc"), IoSlice::new(b"def")],
            2,
        )
        .unwrap();
        assert_eq!(n, 6);
        let (mut a, mut b) = ([0u8; 4], [0u8; 8]);
        let n = preadv(
            file.as_fd(),
            &mut [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)],
            0,
        )
        .unwrap();
        assert_eq!(n, 8);
        assert_eq!(&a, b"\0\0ab");
        assert_eq!(&b[..4], b"cdef");
        std::fs::remove_file(&path).unwrap();
    }
}
