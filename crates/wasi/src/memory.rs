//! Bounds- and alignment-checked access to a guest's linear memory.
//!
//! Every pointer handed in by the guest goes through here; anything out of
//! range or misaligned for its type becomes a [`GuestError`] (which ends the
//! call, as in wasmtime) instead of a host panic. Each access is checked on
//! its own, so an error names the value that did not fit, as wasmtime's do.

use crate::errno::Errno;
use crate::guest::{CallResult, GuestError, GuestErrorKind};

/// Result of one guest memory access.
pub type GuestResult<T> = Result<T, GuestError>;

/// A guest linear memory, borrowed for the duration of one WASI call.
#[derive(Debug)]
pub struct GuestMemory<'a> {
    bytes: &'a mut [u8],
}

/// One `iovec`/`ciovec` entry: a guest buffer given by offset and length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GuestBuf {
    /// Offset of the buffer in guest memory.
    pub ptr: u32,
    /// Length of the buffer in bytes.
    pub len: u32,
}

/// Size of one `iovec` in guest memory (a pointer and a length).
const IOVEC_SIZE: u32 = 8;

impl<'a> GuestMemory<'a> {
    /// Wraps the bytes of a linear memory.
    pub fn new(bytes: &'a mut [u8]) -> GuestMemory<'a> {
        GuestMemory { bytes }
    }

    /// Size of the memory in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// True if the memory has no bytes.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn range(&self, ptr: u32, len: u32, align: u32) -> GuestResult<std::ops::Range<usize>> {
        // Nothing is accessed, so any address will do (as in wasmtime).
        if len == 0 {
            return Ok(0..0);
        }
        let start = ptr as usize;
        let end = start
            .checked_add(len as usize)
            .filter(|&end| end <= self.bytes.len())
            .ok_or(GuestErrorKind::PtrOutOfBounds { start: ptr, len })?;
        if !ptr.is_multiple_of(align) {
            return Err(GuestErrorKind::PtrNotAligned {
                start: ptr,
                len,
                align,
            }
            .into());
        }
        Ok(start..end)
    }

    /// The `len` bytes at `ptr`.
    pub fn slice(&self, ptr: u32, len: u32) -> GuestResult<&[u8]> {
        let range = self.range(ptr, len, 1)?;
        Ok(&self.bytes[range])
    }

    /// The `len` bytes at `ptr`, writable.
    pub fn slice_mut(&mut self, ptr: u32, len: u32) -> GuestResult<&mut [u8]> {
        let range = self.range(ptr, len, 1)?;
        Ok(&mut self.bytes[range])
    }

    /// Copies `data` to `ptr`.
    pub fn write_bytes(&mut self, ptr: u32, data: &[u8]) -> GuestResult<()> {
        let len = u32::try_from(data.len()).map_err(|_| GuestErrorKind::PtrOverflow)?;
        self.slice_mut(ptr, len)?.copy_from_slice(data);
        Ok(())
    }

    fn array<const N: usize>(&self, ptr: u32) -> GuestResult<[u8; N]> {
        let range = self.range(ptr, N as u32, N as u32)?;
        let mut out = [0; N];
        out.copy_from_slice(&self.bytes[range]);
        Ok(out)
    }

    fn store<const N: usize>(&mut self, ptr: u32, value: [u8; N]) -> GuestResult<()> {
        let range = self.range(ptr, N as u32, N as u32)?;
        self.bytes[range].copy_from_slice(&value);
        Ok(())
    }

    /// Reads a byte.
    pub fn read_u8(&self, ptr: u32) -> GuestResult<u8> {
        Ok(self.array::<1>(ptr)?[0])
    }

    /// Reads a little-endian `u16` (2-aligned).
    pub fn read_u16(&self, ptr: u32) -> GuestResult<u16> {
        Ok(u16::from_le_bytes(self.array(ptr)?))
    }

    /// Reads a little-endian `u32` (4-aligned).
    pub fn read_u32(&self, ptr: u32) -> GuestResult<u32> {
        Ok(u32::from_le_bytes(self.array(ptr)?))
    }

    /// Reads a little-endian `u64` (8-aligned).
    pub fn read_u64(&self, ptr: u32) -> GuestResult<u64> {
        Ok(u64::from_le_bytes(self.array(ptr)?))
    }

    /// Writes a byte.
    pub fn write_u8(&mut self, ptr: u32, value: u8) -> GuestResult<()> {
        self.store(ptr, [value])
    }

    /// Writes a little-endian `u16` (2-aligned).
    pub fn write_u16(&mut self, ptr: u32, value: u16) -> GuestResult<()> {
        self.store(ptr, value.to_le_bytes())
    }

    /// Writes a little-endian `u32` (4-aligned).
    pub fn write_u32(&mut self, ptr: u32, value: u32) -> GuestResult<()> {
        self.store(ptr, value.to_le_bytes())
    }

    /// Writes a little-endian `u64` (8-aligned).
    pub fn write_u64(&mut self, ptr: u32, value: u64) -> GuestResult<()> {
        self.store(ptr, value.to_le_bytes())
    }

    /// Reads a UTF-8 string of `len` bytes at `ptr`; invalid UTF-8 is
    /// `EILSEQ`, as in wasmtime.
    pub fn read_str(&self, ptr: u32, len: u32) -> CallResult<&str> {
        Ok(std::str::from_utf8(self.slice(ptr, len)?).map_err(|_| Errno::Ilseq)?)
    }

    /// Reads an array of `count` iovecs (8 bytes each, 4-aligned) at `ptr`
    /// and checks that every buffer lies within memory, entry by entry.
    pub fn read_iovecs(&self, ptr: u32, count: u32) -> GuestResult<Vec<GuestBuf>> {
        // A count beyond what memory can hold fails on the first entry
        // outside it; it must not size the allocation.
        let room = self.bytes.len() / IOVEC_SIZE as usize;
        let mut bufs = Vec::with_capacity((count as usize).min(room));
        for i in 0..count {
            let entry = i
                .checked_mul(IOVEC_SIZE)
                .and_then(|offset| ptr.checked_add(offset))
                .ok_or(GuestErrorKind::PtrOverflow)?;
            let buf = GuestBuf {
                ptr: self.read_u32(entry)?,
                len: self.read_u32(entry.checked_add(4).ok_or(GuestErrorKind::PtrOverflow)?)?,
            };
            self.range(buf.ptr, buf.len, 1)?;
            bufs.push(buf);
        }
        Ok(bufs)
    }

    /// The guest buffers as host slices, for vectored writes.
    pub fn io_slices(&self, bufs: &[GuestBuf]) -> GuestResult<Vec<std::io::IoSlice<'_>>> {
        bufs.iter()
            .map(|buf| Ok(std::io::IoSlice::new(self.slice(buf.ptr, buf.len)?)))
            .collect()
    }

    /// Copies `data` into consecutive guest buffers (scatter), returning how
    /// many bytes were placed.
    pub fn scatter(&mut self, bufs: &[GuestBuf], mut data: &[u8]) -> GuestResult<usize> {
        let mut copied = 0;
        for buf in bufs {
            if data.is_empty() {
                break;
            }
            let n = data.len().min(buf.len as usize);
            self.write_bytes(buf.ptr, &data[..n])?;
            data = &data[n..];
            copied += n;
        }
        Ok(copied)
    }
}

/// Total length of a list of guest buffers (saturating at `usize::MAX`).
pub fn total_len(bufs: &[GuestBuf]) -> usize {
    bufs.iter()
        .fold(0usize, |sum, buf| sum.saturating_add(buf.len as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind<T: std::fmt::Debug>(result: GuestResult<T>) -> GuestErrorKind {
        result.unwrap_err().kind()
    }

    #[test]
    fn reads_and_writes_little_endian_values() {
        let mut bytes = vec![0u8; 32];
        let mut mem = GuestMemory::new(&mut bytes);
        mem.write_u32(4, 0x1122_3344).unwrap();
        mem.write_u64(8, 0x0102_0304_0506_0708).unwrap();
        mem.write_u16(2, 0xbeef).unwrap();
        assert_eq!(mem.read_u32(4).unwrap(), 0x1122_3344);
        assert_eq!(mem.read_u64(8).unwrap(), 0x0102_0304_0506_0708);
        assert_eq!(mem.read_u16(2).unwrap(), 0xbeef);
        assert_eq!(mem.slice(4, 4).unwrap(), &[0x44, 0x33, 0x22, 0x11]);
    }

    #[test]
    fn out_of_bounds_and_misaligned_accesses_are_guest_errors() {
        let mut bytes = vec![0u8; 16];
        let mut mem = GuestMemory::new(&mut bytes);
        let oob = |start, len| GuestErrorKind::PtrOutOfBounds { start, len };
        assert_eq!(kind(mem.read_u32(14)), oob(14, 4));
        assert_eq!(
            kind(mem.read_u32(2)),
            GuestErrorKind::PtrNotAligned {
                start: 2,
                len: 4,
                align: 4
            }
        );
        assert_eq!(
            kind(mem.write_u64(4, 1)).to_string(),
            "Pointer not aligned to 8: Region { start: 4, len: 8 }"
        );
        assert_eq!(kind(mem.slice(10, 7)), oob(10, 7));
        assert_eq!(kind(mem.slice(u32::MAX, u32::MAX)), oob(u32::MAX, u32::MAX));
        assert_eq!(mem.slice(16, 0).unwrap(), &[] as &[u8]);
        // Zero bytes touch nothing, wherever they are.
        assert_eq!(mem.slice(u32::MAX, 0).unwrap(), &[] as &[u8]);
        assert_eq!(mem.read_iovecs(u32::MAX, 0).unwrap(), []);
        // Only the first entry outside memory is reported.
        assert_eq!(kind(mem.read_iovecs(0, u32::MAX)), oob(16, 4));
    }

    #[test]
    fn iovecs_are_validated_and_scattered() {
        let mut bytes = vec![0u8; 64];
        let mut mem = GuestMemory::new(&mut bytes);
        mem.write_u32(0, 32).unwrap();
        mem.write_u32(4, 3).unwrap();
        mem.write_u32(8, 40).unwrap();
        mem.write_u32(12, 10).unwrap();
        let bufs = mem.read_iovecs(0, 2).unwrap();
        assert_eq!(total_len(&bufs), 13);
        assert_eq!(mem.scatter(&bufs, b"hello").unwrap(), 5);
        assert_eq!(mem.slice(32, 3).unwrap(), b"hel");
        assert_eq!(mem.slice(40, 2).unwrap(), b"lo");
        mem.write_u32(12, 100).unwrap();
        assert_eq!(
            kind(mem.read_iovecs(0, 2)),
            GuestErrorKind::PtrOutOfBounds {
                start: 40,
                len: 100
            }
        );
    }

    #[test]
    fn strings_must_be_utf8() {
        let mut bytes = b"ok\xff".to_vec();
        let mem = GuestMemory::new(&mut bytes);
        assert_eq!(mem.read_str(0, 2).unwrap(), "ok");
        assert_eq!(mem.read_str(0, 3).err(), Some(Errno::Ilseq.into()));
    }
}
