//! The guest's file descriptor table: WASI fd numbers → host resources.

use std::collections::BTreeMap;
use std::net::{TcpListener, TcpStream};
use std::os::fd::OwnedFd;

use crate::errno::{Errno, WasiResult};
use crate::stdio::{InputStream, OutputStream};

/// A regular file (or other non-directory) opened by the guest. The offset
/// is kept here, not in the host fd, and I/O is positional, as in wasmtime.
#[derive(Debug)]
pub(crate) struct OpenFile {
    pub fd: OwnedFd,
    pub position: u64,
    pub append: bool,
    pub nonblock: bool,
    pub readable: bool,
    pub writable: bool,
    pub filetype: u8,
}

/// A directory: preopened (with its guest name) or opened by the guest.
#[derive(Debug)]
pub(crate) struct OpenDir {
    pub fd: OwnedFd,
    pub preopen: Option<String>,
}

/// What a WASI fd refers to.
#[derive(Debug)]
pub(crate) enum Descriptor {
    Stdin(InputStream),
    Stdout(OutputStream),
    Stderr(OutputStream),
    File(OpenFile),
    Dir(OpenDir),
    Listener(TcpListener),
    Stream(TcpStream),
}

impl Descriptor {
    pub fn is_stdio(&self) -> bool {
        matches!(
            self,
            Descriptor::Stdin(_) | Descriptor::Stdout(_) | Descriptor::Stderr(_)
        )
    }
}

/// Allocates the lowest free number, as POSIX does.
#[derive(Debug, Default)]
pub(crate) struct FdTable {
    used: BTreeMap<u32, Descriptor>,
}

impl FdTable {
    pub fn push(&mut self, descriptor: Descriptor) -> WasiResult<u32> {
        let mut fd = 0u32;
        for &used in self.used.keys() {
            if used != fd {
                break;
            }
            fd = fd.checked_add(1).ok_or(Errno::Mfile)?;
        }
        self.used.insert(fd, descriptor);
        Ok(fd)
    }

    pub fn get(&self, fd: u32) -> WasiResult<&Descriptor> {
        self.used.get(&fd).ok_or(Errno::Badf)
    }

    pub fn get_mut(&mut self, fd: u32) -> WasiResult<&mut Descriptor> {
        self.used.get_mut(&fd).ok_or(Errno::Badf)
    }

    pub fn remove(&mut self, fd: u32) -> WasiResult<Descriptor> {
        self.used.remove(&fd).ok_or(Errno::Badf)
    }

    /// Moves `from` to `to`, closing whatever `to` was (wasmtime semantics:
    /// `from` must be open, `to` need not be).
    pub fn renumber(&mut self, from: u32, to: u32) -> WasiResult<()> {
        if !self.used.contains_key(&from) {
            return Err(Errno::Badf);
        }
        if from != to {
            let descriptor = self.used.remove(&from).ok_or(Errno::Badf)?;
            self.used.insert(to, descriptor);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn null() -> Descriptor {
        Descriptor::Stdin(InputStream::Null)
    }

    #[test]
    fn allocates_lowest_free_number() {
        let mut table = FdTable::default();
        for expected in 0..5 {
            assert_eq!(table.push(null()).unwrap(), expected);
        }
        table.remove(3).unwrap();
        table.remove(1).unwrap();
        assert_eq!(table.push(null()).unwrap(), 1);
        assert_eq!(table.push(null()).unwrap(), 3);
        assert_eq!(table.push(null()).unwrap(), 5);
        assert_eq!(table.remove(9).err(), Some(Errno::Badf));
        table.remove(5).unwrap();
        table.remove(4).unwrap();
        assert_eq!(table.push(null()).unwrap(), 4);
    }

    #[test]
    fn renumber_replaces_the_target() {
        let mut table = FdTable::default();
        for _ in 0..4 {
            table.push(null()).unwrap();
        }
        table.renumber(3, 1).unwrap();
        assert!(table.get(3).is_err());
        assert!(table.get(1).is_ok());
        assert_eq!(table.renumber(3, 1).err(), Some(Errno::Badf));
        table.renumber(1, 7).unwrap();
        assert!(table.get(7).is_ok());
        assert_eq!(table.push(null()).unwrap(), 1);
        assert_eq!(table.push(null()).unwrap(), 3);
        assert_eq!(table.push(null()).unwrap(), 4);
    }
}
