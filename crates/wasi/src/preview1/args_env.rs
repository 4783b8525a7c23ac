//! `args_*` and `environ_*`: NUL-terminated strings laid out in one buffer
//! plus an array of pointers into it.

use crate::ctx::WasiCtx;
use crate::errno::{Errno, WasiResult};
use crate::guest::{CallResult, GuestErrorKind, writing};
use crate::memory::{GuestMemory, GuestResult};

/// Writes `strings` as consecutive NUL-terminated strings at `buf`, and a
/// pointer to each at `ptrs`: pointer, string, NUL, one string after the
/// other, as wasmtime does (so a bad pointer fails at the same place).
fn write_strings(
    mem: &mut GuestMemory<'_>,
    strings: &[Vec<u8>],
    ptrs: u32,
    buf: u32,
) -> GuestResult<()> {
    let advance = |at: u32, by: usize| {
        u32::try_from(by)
            .ok()
            .and_then(|by| at.checked_add(by))
            .ok_or(GuestErrorKind::PtrOverflow)
    };
    let (mut ptr, mut next) = (ptrs, buf);
    for s in strings {
        mem.write_u32(ptr, next)?;
        ptr = advance(ptr, 4)?;
        mem.write_bytes(next, s)?;
        next = advance(next, s.len())?;
        mem.write_u8(next, 0)?;
        next = advance(next, 1)?;
    }
    Ok(())
}

/// Number of strings and bytes needed including terminators.
fn sizes(strings: &[Vec<u8>]) -> WasiResult<(u32, u32)> {
    let count = u32::try_from(strings.len())?;
    let size = strings
        .iter()
        .try_fold(0u32, |sum, s| {
            u32::try_from(s.len() + 1)
                .ok()
                .and_then(|len| sum.checked_add(len))
        })
        .ok_or(Errno::Overflow)?;
    Ok((count, size))
}

fn write_sizes(
    mem: &mut GuestMemory<'_>,
    strings: &[Vec<u8>],
    count_ptr: u32,
    size_ptr: u32,
) -> CallResult<()> {
    let (count, size) = sizes(strings)?;
    mem.write_u32(count_ptr, count).map_err(writing("size"))?;
    mem.write_u32(size_ptr, size).map_err(writing("size"))?;
    Ok(())
}

impl WasiCtx {
    /// `args_get(argv, argv_buf)`.
    pub fn args_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        argv: u32,
        argv_buf: u32,
    ) -> CallResult<()> {
        Ok(write_strings(mem, &self.args, argv, argv_buf)?)
    }

    /// `args_sizes_get() -> (argc, argv_buf_size)`.
    pub fn args_sizes_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        argc: u32,
        size: u32,
    ) -> CallResult<()> {
        write_sizes(mem, &self.args, argc, size)
    }

    /// `environ_get(environ, environ_buf)`; entries are `KEY=VALUE`.
    pub fn environ_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        environ: u32,
        buf: u32,
    ) -> CallResult<()> {
        Ok(write_strings(mem, &self.env, environ, buf)?)
    }

    /// `environ_sizes_get() -> (count, buf_size)`.
    pub fn environ_sizes_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        count: u32,
        size: u32,
    ) -> CallResult<()> {
        write_sizes(mem, &self.env, count, size)
    }
}

#[cfg(test)]
mod tests {
    use crate::WasiCtxBuilder;
    use crate::guest::{CallError, CallResult, GuestErrorKind};
    use crate::memory::GuestMemory;

    #[test]
    fn arguments_are_laid_out_nul_terminated() {
        let mut ctx = WasiCtxBuilder::new().args(["prog", "x y"]).build().unwrap();
        let mut bytes = vec![0u8; 64];
        let mut mem = GuestMemory::new(&mut bytes);
        ctx.args_sizes_get(&mut mem, 0, 4).unwrap();
        assert_eq!(mem.read_u32(0).unwrap(), 2);
        assert_eq!(mem.read_u32(4).unwrap(), 9);
        ctx.args_get(&mut mem, 8, 16).unwrap();
        assert_eq!(mem.read_u32(8).unwrap(), 16);
        assert_eq!(mem.read_u32(12).unwrap(), 21);
        assert_eq!(mem.slice(16, 9).unwrap(), b"prog\0x y\0");
        // Bad pointers end the call, naming the access that failed.
        let guest = |result: CallResult<()>| match result {
            Err(CallError::Guest(error)) => error.kind(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            guest(ctx.args_get(&mut mem, 8, 60)),
            GuestErrorKind::PtrOutOfBounds { start: 64, len: 1 }
        );
        assert_eq!(
            guest(ctx.args_get(&mut mem, 9, 16)),
            GuestErrorKind::PtrNotAligned {
                start: 9,
                len: 4,
                align: 4
            }
        );
    }

    #[test]
    fn environment_is_key_equals_value() {
        let mut ctx = WasiCtxBuilder::new().env("A", "1").build().unwrap();
        let mut bytes = vec![0u8; 32];
        let mut mem = GuestMemory::new(&mut bytes);
        ctx.environ_sizes_get(&mut mem, 0, 4).unwrap();
        assert_eq!((mem.read_u32(0).unwrap(), mem.read_u32(4).unwrap()), (1, 4));
        ctx.environ_get(&mut mem, 8, 12).unwrap();
        assert_eq!(mem.slice(12, 4).unwrap(), b"A=1\0");
    }
}
