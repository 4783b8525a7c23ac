//! Clocks, randomness and scheduling: `clock_res_get`, `clock_time_get`,
//! `random_get`, `sched_yield`, `proc_raise`.
//!
//! Unlike wasmtime 48 (which answers `EBADF` for them), the process and
//! thread CPU-time clocks are supported, through the host's
//! `CLOCK_PROCESS_CPUTIME_ID` and `CLOCK_THREAD_CPUTIME_ID`.

use crate::abi::clockid;
use crate::ctx::WasiCtx;
use crate::errno::{Errno, WasiResult};
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
    ) -> WasiResult<()> {
        let resolution = sys::clock_resolution(host_clock(id)?)?;
        mem.write_u64(result, resolution.max(1))
    }

    /// `clock_time_get(id, precision) -> timestamp`; the precision hint is
    /// ignored.
    pub fn clock_time_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        id: u32,
        _precision: u64,
        result: u32,
    ) -> WasiResult<()> {
        let time = now(id)?;
        mem.write_u64(result, time)
    }

    /// `random_get(buf, len)`: cryptographically secure bytes.
    pub fn random_get(&mut self, mem: &mut GuestMemory<'_>, buf: u32, len: u32) -> WasiResult<()> {
        let out = mem.slice_mut(buf, len)?;
        sys::fill_random(out)?;
        Ok(())
    }

    /// `sched_yield()`.
    pub fn sched_yield(&mut self, _mem: &mut GuestMemory<'_>) -> WasiResult<()> {
        std::thread::yield_now();
        Ok(())
    }

    /// `proc_raise(sig)`: not supported, `ENOTSUP` (as wasmtime).
    pub fn proc_raise(&mut self, _mem: &mut GuestMemory<'_>, _signal: u32) -> WasiResult<()> {
        Err(Errno::Notsup)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_clock_reads_and_unknown_ids_are_einval() {
        let mut ctx = crate::WasiCtxBuilder::new().build().unwrap();
        let mut bytes = vec![0u8; 16];
        let mut mem = GuestMemory::new(&mut bytes);
        for id in 0..4 {
            ctx.clock_time_get(&mut mem, id, 0, 8).unwrap();
            ctx.clock_res_get(&mut mem, id, 0).unwrap();
            assert!(mem.read_u64(0).unwrap() >= 1);
        }
        assert_eq!(ctx.clock_time_get(&mut mem, 4, 0, 8), Err(Errno::Inval));
        assert_eq!(ctx.clock_res_get(&mut mem, 0, 4), Err(Errno::Fault));
        ctx.random_get(&mut mem, 0, 16).unwrap();
        assert_eq!(ctx.random_get(&mut mem, 8, 16), Err(Errno::Fault));
    }
}
