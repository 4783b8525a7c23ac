//! Clocks, randomness and scheduling: `clock_res_get`, `clock_time_get`,
//! `random_get`, `sched_yield`, `proc_raise`.
//!
//! Unlike wasmtime 48 (which answers `EBADF` for them), the process and
//! thread CPU-time clocks are supported, through the host's
//! `CLOCK_PROCESS_CPUTIME_ID` and `CLOCK_THREAD_CPUTIME_ID`. A clock id
//! outside the four is a [`crate::GuestError`], as in wasmtime; in a
//! `poll_oneoff` subscription it is `EINVAL`, as in wasmtime.

use crate::abi::clockid;
use crate::ctx::WasiCtx;
use crate::errno::{Errno, WasiResult};
use crate::guest::{CallResult, enum_arg, writing};
use crate::memory::GuestMemory;
use crate::sys;

/// The host clock for a WASI clock id; an unknown id is `EINVAL`.
pub(crate) fn host_clock(id: u32) -> WasiResult<libc::clockid_t> {
    match id {
        clockid::REALTIME => Ok(libc::CLOCK_REALTIME),
        clockid::MONOTONIC => Ok(libc::CLOCK_MONOTONIC),
        clockid::PROCESS_CPUTIME => Ok(libc::CLOCK_PROCESS_CPUTIME_ID),
        clockid::THREAD_CPUTIME => Ok(libc::CLOCK_THREAD_CPUTIME_ID),
        _ => Err(Errno::Inval),
    }
}

/// A `clockid` argument: one of the four clocks.
fn clock_arg(id: u32) -> CallResult<libc::clockid_t> {
    let id = enum_arg(id, u32::MAX.into(), 4, "Clockid")?;
    Ok(host_clock(id)?)
}

/// Number of `signal` values (`NONE` and 30 signals).
const SIGNALS: u32 = 31;

/// Current time of a WASI clock in nanoseconds.
pub(crate) fn now(id: u32) -> WasiResult<u64> {
    Ok(sys::clock_time(host_clock(id)?)?)
}

impl WasiCtx {
    /// `clock_res_get(id) -> timestamp`.
    pub fn clock_res_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        id: u32,
        result: u32,
    ) -> CallResult<()> {
        let resolution = sys::clock_resolution(clock_arg(id)?)?;
        Ok(mem
            .write_u64(result, resolution.max(1))
            .map_err(writing("timestamp"))?)
    }

    /// `clock_time_get(id, precision) -> timestamp`; the precision hint is
    /// ignored.
    pub fn clock_time_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        id: u32,
        _precision: u64,
        result: u32,
    ) -> CallResult<()> {
        let time = sys::clock_time(clock_arg(id)?)?;
        Ok(mem.write_u64(result, time).map_err(writing("timestamp"))?)
    }

    /// `random_get(buf, len)`: cryptographically secure bytes.
    pub fn random_get(&mut self, mem: &mut GuestMemory<'_>, buf: u32, len: u32) -> CallResult<()> {
        let out = mem.slice_mut(buf, len)?;
        sys::fill_random(out)?;
        Ok(())
    }

    /// `sched_yield()`.
    pub fn sched_yield(&mut self, _mem: &mut GuestMemory<'_>) -> CallResult<()> {
        std::thread::yield_now();
        Ok(())
    }

    /// `proc_raise(sig)`: not supported, `ENOTSUP` (as wasmtime) for every
    /// signal WASI defines.
    pub fn proc_raise(&mut self, _mem: &mut GuestMemory<'_>, signal: u32) -> CallResult<()> {
        enum_arg(signal, u8::MAX.into(), SIGNALS, "Signal")?;
        Err(Errno::Notsup.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guest::{CallError, GuestErrorKind};

    fn guest(result: CallResult<()>) -> GuestErrorKind {
        match result {
            Err(CallError::Guest(error)) => error.kind(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_clock_reads_and_unknown_ids_end_the_call() {
        let mut ctx = crate::WasiCtxBuilder::new().build().unwrap();
        let mut bytes = vec![0u8; 16];
        let mut mem = GuestMemory::new(&mut bytes);
        for id in 0..4 {
            ctx.clock_time_get(&mut mem, id, 0, 8).unwrap();
            ctx.clock_res_get(&mut mem, id, 0).unwrap();
            assert!(mem.read_u64(0).unwrap() >= 1);
        }
        assert_eq!(
            guest(ctx.clock_time_get(&mut mem, 4, 0, 8)),
            GuestErrorKind::InvalidEnumValue("Clockid")
        );
        assert_eq!(
            guest(ctx.clock_res_get(&mut mem, u32::MAX, 0)),
            GuestErrorKind::IntConversion { negative: true }
        );
        assert_eq!(
            guest(ctx.clock_res_get(&mut mem, 0, 4)),
            GuestErrorKind::PtrNotAligned {
                start: 4,
                len: 8,
                align: 8
            }
        );
        ctx.random_get(&mut mem, 0, 16).unwrap();
        assert_eq!(
            guest(ctx.random_get(&mut mem, 8, 16)),
            GuestErrorKind::PtrOutOfBounds { start: 8, len: 16 }
        );
        assert_eq!(ctx.proc_raise(&mut mem, 30), Err(Errno::Notsup.into()));
        assert_eq!(
            guest(ctx.proc_raise(&mut mem, 31)),
            GuestErrorKind::InvalidEnumValue("Signal")
        );
    }
}
