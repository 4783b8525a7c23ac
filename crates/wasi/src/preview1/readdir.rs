//! `fd_readdir`: directory entries serialised as `dirent` headers followed
//! by names.
//!
//! The listing is `.`, `..`, then the host entries sorted by name (so that
//! cookies are stable across calls and output is deterministic). An entry's
//! cookie (`d_next`) is the index of the entry after it. When the buffer
//! fills up mid-entry the entry is truncated and the whole buffer size is
//! returned; the guest then calls again with the last complete entry's
//! cookie (and a bigger buffer if a single entry did not fit), exactly as
//! the specification and wasi-libc expect. Only the bytes written must lie
//! in guest memory, as in wasmtime.

use std::ffi::CString;
use std::os::fd::AsFd;

use super::filetype_of;
use crate::abi::{dirent_layout, filetype};
use crate::ctx::WasiCtx;
use crate::errno::{Errno, WasiResult};
use crate::guest::{CallResult, writing};
use crate::memory::GuestMemory;
use crate::sys;

/// The `dirent` header of an entry (its name follows it).
fn header(next: u64, ino: u64, d_type: u8, name: &[u8]) -> WasiResult<[u8; 24]> {
    let mut out = [0; dirent_layout::SIZE as usize];
    out[0..8].copy_from_slice(&next.to_le_bytes());
    out[8..16].copy_from_slice(&ino.to_le_bytes());
    out[16..20].copy_from_slice(&u32::try_from(name.len())?.to_le_bytes());
    out[20] = d_type;
    Ok(out)
}

fn dtype_to_filetype(d_type: u8) -> Option<u8> {
    Some(match d_type {
        libc::DT_REG => filetype::REGULAR_FILE,
        libc::DT_DIR => filetype::DIRECTORY,
        libc::DT_LNK => filetype::SYMBOLIC_LINK,
        libc::DT_CHR => filetype::CHARACTER_DEVICE,
        libc::DT_BLK => filetype::BLOCK_DEVICE,
        libc::DT_SOCK => filetype::SOCKET_STREAM,
        libc::DT_FIFO => filetype::UNKNOWN,
        _ => return None,
    })
}

impl WasiCtx {
    /// `fd_readdir(fd, buf, buf_len, cookie) -> bufused`.
    pub fn fd_readdir(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        buf: u32,
        buf_len: u32,
        cookie: u64,
        result: u32,
    ) -> CallResult<()> {
        let dir = self.dir(fd)?.fd.as_fd();
        let own_ino = sys::fstat(dir)?.ino;
        let mut host = sys::read_dir(dir)?;
        host.sort_by(|a, b| a.name.cmp(&b.name));

        let mut listing: Vec<(u64, u8, Vec<u8>)> = vec![
            (own_ino, filetype::DIRECTORY, b".".to_vec()),
            (own_ino, filetype::DIRECTORY, b"..".to_vec()),
        ];
        for entry in host {
            let d_type = match dtype_to_filetype(entry.d_type) {
                Some(t) => t,
                None => {
                    let name = CString::new(entry.name.clone()).map_err(|_| Errno::Ilseq)?;
                    match sys::lstat_at(dir, &name) {
                        Ok(stat) => filetype_of(stat.mode),
                        // Removed meanwhile: skip it.
                        Err(_) => continue,
                    }
                }
            };
            listing.push((entry.ino, d_type, entry.name));
        }

        let start = usize::try_from(cookie).unwrap_or(usize::MAX);
        let mut used = 0u32;
        // Header and name are written separately, each cut to the room
        // left, so a bad buffer fails where wasmtime's does.
        'entries: for (index, (ino, d_type, name)) in listing.iter().enumerate().skip(start) {
            let header = header(index as u64 + 1, *ino, *d_type, name)?;
            for part in [&header[..], name] {
                let n = part.len().min((buf_len - used) as usize);
                let at = buf
                    .checked_add(used)
                    .ok_or(crate::GuestErrorKind::PtrOverflow);
                mem.write_bytes(at.map_err(crate::GuestError::from)?, &part[..n])?;
                used += n as u32;
                if used == buf_len {
                    break 'entries;
                }
            }
        }
        Ok(mem.write_u32(result, used).map_err(writing("size"))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_give_next_inode_name_length_and_type() {
        let bytes = header(3, 7, filetype::REGULAR_FILE, b"ab").unwrap();
        assert_eq!(&bytes[0..8], &3u64.to_le_bytes());
        assert_eq!(&bytes[8..16], &7u64.to_le_bytes());
        assert_eq!(&bytes[16..20], &2u32.to_le_bytes());
        assert_eq!(bytes[20], filetype::REGULAR_FILE);
        assert_eq!(&bytes[21..], &[0, 0, 0]);
    }
}
