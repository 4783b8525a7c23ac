//! Where the guest's stdin, stdout and stderr go: the host's own streams,
//! in-memory pipes (for tests and embedders), or nowhere.

use std::fmt;
use std::io::{self, IoSlice, Read, Write};
use std::os::fd::RawFd;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::sys;

/// Readable bytes for the guest's stdin, shared between clones.
#[derive(Clone)]
pub struct ReadPipe {
    reader: Arc<Mutex<Box<dyn Read + Send>>>,
}

impl ReadPipe {
    /// A pipe that yields `bytes` and then end-of-file.
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> ReadPipe {
        ReadPipe::from_reader(io::Cursor::new(bytes.into()))
    }

    /// A pipe that reads from any reader.
    pub fn from_reader(reader: impl Read + Send + 'static) -> ReadPipe {
        ReadPipe {
            reader: Arc::new(Mutex::new(Box::new(reader))),
        }
    }

    fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        lock(&self.reader).read(buf)
    }
}

impl fmt::Debug for ReadPipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadPipe").finish_non_exhaustive()
    }
}

/// A sink for the guest's stdout or stderr; clones share the same sink, so
/// the embedder keeps one clone to read what the guest wrote.
#[derive(Clone)]
pub struct WritePipe {
    sink: Sink,
}

#[derive(Clone)]
enum Sink {
    Memory(Arc<Mutex<Vec<u8>>>),
    Writer(Arc<Mutex<Box<dyn Write + Send>>>),
}

impl WritePipe {
    /// A pipe that collects everything written into memory.
    pub fn new_in_memory() -> WritePipe {
        WritePipe {
            sink: Sink::Memory(Arc::default()),
        }
    }

    /// A pipe that forwards to any writer.
    pub fn from_writer(writer: impl Write + Send + 'static) -> WritePipe {
        WritePipe {
            sink: Sink::Writer(Arc::new(Mutex::new(Box::new(writer)))),
        }
    }

    /// Everything written so far (empty for a pipe made by
    /// [`WritePipe::from_writer`]).
    pub fn contents(&self) -> Vec<u8> {
        match &self.sink {
            Sink::Memory(buf) => lock(buf).clone(),
            Sink::Writer(_) => Vec::new(),
        }
    }

    /// Everything written so far, as (lossy) UTF-8.
    pub fn contents_string(&self) -> String {
        String::from_utf8_lossy(&self.contents()).into_owned()
    }

    fn write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        match &self.sink {
            Sink::Memory(buf) => {
                let mut buf = lock(buf);
                let mut n = 0;
                for slice in bufs {
                    buf.extend_from_slice(slice);
                    n += slice.len();
                }
                Ok(n)
            }
            Sink::Writer(writer) => {
                let mut writer = lock(writer);
                let mut n = 0;
                for slice in bufs {
                    writer.write_all(slice)?;
                    n += slice.len();
                }
                writer.flush()?;
                Ok(n)
            }
        }
    }
}

impl fmt::Debug for WritePipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WritePipe").finish_non_exhaustive()
    }
}

fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere while holding the lock leaves plain bytes behind;
    // they are still usable.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The guest's stdin.
#[derive(Clone, Debug, Default)]
pub enum InputStream {
    /// Always at end-of-file.
    #[default]
    Null,
    /// The host process's stdin (fd 0).
    Inherit,
    /// An in-memory or custom reader.
    Pipe(ReadPipe),
}

/// The guest's stdout or stderr.
#[derive(Clone, Debug, Default)]
pub enum OutputStream {
    /// Discards everything.
    #[default]
    Null,
    /// A host file descriptor the process already has open (1 or 2),
    /// written with `writev(2)` directly: no buffering, no extra copy.
    Inherit(RawFd),
    /// An in-memory or custom writer.
    Pipe(WritePipe),
}

impl InputStream {
    pub(crate) fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            InputStream::Null => Ok(0),
            InputStream::Inherit => {
                let fd = sys::std_stream(libc::STDIN_FILENO);
                sys::readv(fd, &mut [io::IoSliceMut::new(buf)])
            }
            InputStream::Pipe(pipe) => pipe.read(buf),
        }
    }

    pub(crate) fn is_terminal(&self) -> bool {
        matches!(self, InputStream::Inherit) && sys::is_terminal(libc::STDIN_FILENO)
    }

    /// The host fd to `poll`, when readiness is not immediate.
    pub(crate) fn host_fd(&self) -> Option<RawFd> {
        matches!(self, InputStream::Inherit).then_some(libc::STDIN_FILENO)
    }
}

impl OutputStream {
    pub(crate) fn write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        match self {
            OutputStream::Null => Ok(bufs.iter().map(|b| b.len()).sum()),
            OutputStream::Inherit(fd) => {
                let fd = sys::std_stream(*fd);
                // Write everything, as wasmtime's blocking write-and-flush
                // does, so a guest never sees a short write on a pipe.
                let total: usize = bufs.iter().map(|b| b.len()).sum();
                let mut written = blocking(fd, || sys::writev(fd, bufs))?;
                if written < total {
                    let rest = flatten_from(bufs, written);
                    let mut rest = &rest[..];
                    while !rest.is_empty() {
                        let n = blocking(fd, || sys::writev(fd, &[IoSlice::new(rest)]))?;
                        if n == 0 {
                            return Err(io::ErrorKind::WriteZero.into());
                        }
                        rest = &rest[n..];
                        written += n;
                    }
                }
                Ok(written)
            }
            OutputStream::Pipe(pipe) => pipe.write_vectored(bufs),
        }
    }

    pub(crate) fn is_terminal(&self) -> bool {
        matches!(self, OutputStream::Inherit(fd) if sys::is_terminal(*fd))
    }
}

/// Runs a write, waiting for the fd to become writable if the host left it
/// non-blocking (a shared terminal or pipe), so the guest sees no `EAGAIN`.
fn blocking(
    fd: std::os::fd::BorrowedFd<'_>,
    mut write: impl FnMut() -> io::Result<usize>,
) -> io::Result<usize> {
    use std::os::fd::AsRawFd;
    loop {
        match write() {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                let mut pollfd = [libc::pollfd {
                    fd: fd.as_raw_fd(),
                    events: libc::POLLOUT,
                    revents: 0,
                }];
                sys::poll(&mut pollfd, -1)?;
            }
            other => return other,
        }
    }
}

/// The bytes of `bufs` after the first `skip` bytes, in one buffer.
fn flatten_from(bufs: &[IoSlice<'_>], mut skip: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for buf in bufs {
        if skip >= buf.len() {
            skip -= buf.len();
            continue;
        }
        out.extend_from_slice(&buf[skip..]);
        skip = 0;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipes_share_their_buffers() {
        let out = WritePipe::new_in_memory();
        let stream = OutputStream::Pipe(out.clone());
        let n = stream
            .write_vectored(&[IoSlice::new(b"ab"), IoSlice::new(b"c")])
            .unwrap();
        assert_eq!(n, 3);
        assert_eq!(out.contents_string(), "abc");

        let input = InputStream::Pipe(ReadPipe::from_bytes("xyz"));
        let mut buf = [0u8; 2];
        assert_eq!(input.read(&mut buf).unwrap(), 2);
        assert_eq!(input.read(&mut buf).unwrap(), 1);
        assert_eq!(input.read(&mut buf).unwrap(), 0);
        assert_eq!(InputStream::Null.read(&mut buf).unwrap(), 0);
    }

    #[test]
    fn flattening_skips_written_bytes() {
        let bufs = [IoSlice::new(b"abc"), IoSlice::new(b"de")];
        assert_eq!(flatten_from(&bufs, 4), b"e");
        assert_eq!(flatten_from(&bufs, 1), b"bcde");
    }
}
