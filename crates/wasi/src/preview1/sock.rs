//! `sock_*` on sockets the host hands in ([`crate::WasiCtxBuilder::tcp_listener`],
//! like `wasmtime run --tcplisten`) and the connections accepted from them.
//!
//! On a descriptor that is open but not a socket these return `ENOTSOCK`
//! and on a closed one `EBADF`, as wasmtime does.

use std::net::Shutdown;
use std::os::fd::AsFd;

use super::read_to_guest;
use crate::abi::{fdflags, sock};
use crate::ctx::WasiCtx;
use crate::errno::{Errno, WasiResult};
use crate::fdtable::Descriptor;
use crate::memory::GuestMemory;
use crate::sys;

impl WasiCtx {
    /// `sock_accept(fd, flags) -> fd`: accepts a connection on a listening
    /// socket; `flags` may only contain `NONBLOCK`.
    pub fn sock_accept(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        flags: u32,
        result: u32,
    ) -> WasiResult<()> {
        let listener = match self.table.get(fd)? {
            Descriptor::Listener(listener) => listener,
            Descriptor::Stream(_) => return Err(Errno::Inval),
            _ => return Err(Errno::Notsock),
        };
        if flags & !u32::from(fdflags::NONBLOCK) != 0 {
            return Err(Errno::Inval);
        }
        mem.check_struct(result, 4, 4)?;
        let (stream, _) = listener.accept()?;
        stream.set_nonblocking(flags & u32::from(fdflags::NONBLOCK) != 0)?;
        let new_fd = self.table.push(Descriptor::Stream(stream))?;
        mem.write_u32(result, new_fd)
    }

    /// `sock_recv(fd, ri_data, ri_flags) -> (ro_datalen, ro_flags)`;
    /// `RECV_PEEK` and `RECV_WAITALL` map to `MSG_PEEK`/`MSG_WAITALL`.
    pub fn sock_recv(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        ri_flags: u32,
        result_len: u32,
        result_flags: u32,
    ) -> WasiResult<()> {
        let stream = match self.table.get(fd)? {
            Descriptor::Stream(stream) => stream,
            Descriptor::Listener(_) => return Err(Errno::Notconn),
            _ => return Err(Errno::Notsock),
        };
        if ri_flags & !u32::from(sock::RECV_PEEK | sock::RECV_WAITALL) != 0 {
            return Err(Errno::Inval);
        }
        let mut host_flags = 0;
        if ri_flags & u32::from(sock::RECV_PEEK) != 0 {
            host_flags |= libc::MSG_PEEK;
        }
        if ri_flags & u32::from(sock::RECV_WAITALL) != 0 {
            host_flags |= libc::MSG_WAITALL;
        }
        let bufs = mem.read_iovecs(iovs, iovs_len)?;
        mem.check_struct(result_len, 4, 4)?;
        mem.check_struct(result_flags, 2, 2)?;
        let n = read_to_guest(mem, &bufs, |slices| {
            sys::recv_vectored(stream.as_fd(), slices, host_flags)
        })?;
        mem.write_u32(result_len, u32::try_from(n)?)?;
        mem.write_u16(result_flags, 0)
    }

    /// `sock_send(fd, si_data, si_flags) -> so_datalen`.
    pub fn sock_send(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        _si_flags: u32,
        result: u32,
    ) -> WasiResult<()> {
        let stream = match self.table.get(fd)? {
            Descriptor::Stream(stream) => stream,
            Descriptor::Listener(_) => return Err(Errno::Notconn),
            _ => return Err(Errno::Notsock),
        };
        let bufs = mem.read_iovecs(iovs, iovs_len)?;
        mem.check_struct(result, 4, 4)?;
        let n = {
            let slices = mem.io_slices(&bufs)?;
            sys::send_vectored(stream.as_fd(), &slices)?
        };
        mem.write_u32(result, u32::try_from(n)?)
    }

    /// `sock_shutdown(fd, how)`: `how` is `RD`, `WR` or both.
    pub fn sock_shutdown(
        &mut self,
        _mem: &mut GuestMemory<'_>,
        fd: u32,
        how: u32,
    ) -> WasiResult<()> {
        let stream = match self.table.get(fd)? {
            Descriptor::Stream(stream) => stream,
            Descriptor::Listener(_) => return Err(Errno::Notconn),
            _ => return Err(Errno::Notsock),
        };
        let rd = u32::from(sock::SHUT_RD);
        let wr = u32::from(sock::SHUT_WR);
        let how = match how {
            h if h == rd => Shutdown::Read,
            h if h == wr => Shutdown::Write,
            h if h == rd | wr => Shutdown::Both,
            _ => return Err(Errno::Inval),
        };
        Ok(stream.shutdown(how)?)
    }
}
