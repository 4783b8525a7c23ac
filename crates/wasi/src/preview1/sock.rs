//! `sock_*` on sockets the host hands in ([`crate::WasiCtxBuilder::tcp_listener`],
//! like `wasmtime run --tcplisten`) and the connections accepted from them.
//!
//! On a descriptor that is open but not a socket these return `ENOTSOCK`
//! and on a closed one `EBADF`, as wasmtime does; as there, undefined flag
//! bits are a [`crate::GuestError`], checked first.

use std::net::Shutdown;
use std::os::fd::AsFd;

use super::read_to_guest;
use crate::abi::{fdflags, sock};
use crate::ctx::WasiCtx;
use crate::errno::Errno;
use crate::fdtable::Descriptor;
use crate::guest::{CallResult, flags_arg, int_arg, writing};
use crate::memory::GuestMemory;
use crate::preview1::fd::fdflags_arg;
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
    ) -> CallResult<()> {
        let flags = fdflags_arg(flags)?;
        let listener = match self.table.get(fd)? {
            Descriptor::Listener(listener) => listener,
            Descriptor::Stream(_) => return Err(Errno::Inval.into()),
            _ => return Err(Errno::Notsock.into()),
        };
        if flags & !fdflags::NONBLOCK != 0 {
            return Err(Errno::Inval.into());
        }
        let (stream, _) = listener.accept()?;
        stream.set_nonblocking(flags & fdflags::NONBLOCK != 0)?;
        let new_fd = self.table.push(Descriptor::Stream(stream))?;
        Ok(mem.write_u32(result, new_fd).map_err(writing("fd"))?)
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
    ) -> CallResult<()> {
        let ri_flags = flags_arg(
            ri_flags,
            u16::MAX.into(),
            (sock::RECV_PEEK | sock::RECV_WAITALL).into(),
            "Riflags",
        )?;
        let stream = match self.table.get(fd)? {
            Descriptor::Stream(stream) => stream,
            Descriptor::Listener(_) => return Err(Errno::Notconn.into()),
            _ => return Err(Errno::Notsock.into()),
        };
        let mut host_flags = 0;
        if ri_flags & u32::from(sock::RECV_PEEK) != 0 {
            host_flags |= libc::MSG_PEEK;
        }
        if ri_flags & u32::from(sock::RECV_WAITALL) != 0 {
            host_flags |= libc::MSG_WAITALL;
        }
        let bufs = mem.read_iovecs(iovs, iovs_len)?;
        let n = read_to_guest(mem, &bufs, |slices| {
            sys::recv_vectored(stream.as_fd(), slices, host_flags)
        })?;
        let n = u32::try_from(n)?;
        mem.write_u32(result_len, n).map_err(writing("size"))?;
        Ok(mem.write_u16(result_flags, 0).map_err(writing("roflags"))?)
    }

    /// `sock_send(fd, si_data, si_flags) -> so_datalen`.
    pub fn sock_send(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        si_flags: u32,
        result: u32,
    ) -> CallResult<()> {
        // `siflags` is a plain `u16` (no flags are defined).
        int_arg(si_flags, u16::MAX.into(), "u16")?;
        let stream = match self.table.get(fd)? {
            Descriptor::Stream(stream) => stream,
            Descriptor::Listener(_) => return Err(Errno::Notconn.into()),
            _ => return Err(Errno::Notsock.into()),
        };
        let bufs = mem.read_iovecs(iovs, iovs_len)?;
        let n = {
            let slices = mem.io_slices(&bufs)?;
            sys::send_vectored(stream.as_fd(), &slices)?
        };
        let n = u32::try_from(n)?;
        Ok(mem.write_u32(result, n).map_err(writing("size"))?)
    }

    /// `sock_shutdown(fd, how)`: `how` is `RD`, `WR` or both (neither is
    /// `EINVAL`).
    pub fn sock_shutdown(
        &mut self,
        _mem: &mut GuestMemory<'_>,
        fd: u32,
        how: u32,
    ) -> CallResult<()> {
        let rd = u32::from(sock::SHUT_RD);
        let wr = u32::from(sock::SHUT_WR);
        let how = flags_arg(how, u8::MAX.into(), (rd | wr).into(), "Sdflags")?;
        let stream = match self.table.get(fd)? {
            Descriptor::Stream(stream) => stream,
            Descriptor::Listener(_) => return Err(Errno::Notconn.into()),
            _ => return Err(Errno::Notsock.into()),
        };
        let how = match how {
            h if h == rd => Shutdown::Read,
            h if h == wr => Shutdown::Write,
            h if h == rd | wr => Shutdown::Both,
            _ => return Err(Errno::Inval.into()),
        };
        Ok(stream.shutdown(how)?)
    }
}
