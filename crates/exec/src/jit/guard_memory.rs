//! Linear memories for guard-page bounds checks
//! (`docs/decisions/0009-guard-pages.md`).
//!
//! A [`GuardedMemory`] reserves [`RESERVATION`] bytes of address space —
//! the whole 4 GiB a 32-bit index can reach plus [`GUARD_BYTES`] for the
//! largest static offset compiled code leaves unchecked — as `PROT_NONE`,
//! and makes only the memory's current size readable and writable. Growing
//! is an `mprotect` of the next pages: the base never moves, and every
//! access compiled code makes without a check either hits the accessible
//! part or faults inside the reservation, where the fault handler
//! (`super::signals`) turns it into an out-of-bounds trap.

#![allow(unsafe_code)]

use std::sync::{Mutex, OnceLock, PoisonError};

use super::code_memory::page_size;

/// Inaccessible bytes after the 4 GiB a 32-bit index reaches: accesses
/// whose static offset plus size fit are left unchecked by compiled code.
pub(crate) const GUARD_BYTES: u64 = 2 << 30;

/// Address space reserved per guarded memory.
pub(crate) const RESERVATION: u64 = (1 << 32) + GUARD_BYTES;

/// A 32-bit linear memory inside its own [`RESERVATION`].
pub(crate) struct GuardedMemory {
    base: *mut u8,
    /// Bytes wasm may access (the memory's size).
    len: usize,
    /// Bytes mapped read-write: `len` rounded up to the OS page.
    accessible: usize,
}

// SAFETY: the reservation is owned exclusively by this value (like a
// `Vec<u8>`'s buffer); shared references only hand out `&[u8]`.
unsafe impl Send for GuardedMemory {}
// SAFETY: as above: `&GuardedMemory` only reads.
unsafe impl Sync for GuardedMemory {}

impl std::fmt::Debug for GuardedMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuardedMemory")
            .field("base", &self.base)
            .field("len", &self.len)
            .finish()
    }
}

/// Reservations kept for reuse once their memory is dropped.
const POOL_LIMIT: usize = 32;

/// Released reservations (addresses), inaccessible and zero again. Reusing
/// them saves the kernel (and qemu-user, whose page tracking otherwise
/// grows by every fresh 6 GiB region) the cost of new mappings.
static POOL: Mutex<Vec<usize>> = Mutex::new(Vec::new());

/// A reservation of [`RESERVATION`] inaccessible bytes: from the pool, or
/// fresh.
fn take_reservation() -> Option<*mut u8> {
    let pooled = POOL.lock().unwrap_or_else(PoisonError::into_inner).pop();
    match pooled {
        Some(addr) => Some(addr as *mut u8),
        None => reserve(usize::try_from(RESERVATION).ok()?),
    }
}

/// Makes the first `accessible` bytes of reservation `base` inaccessible
/// and zero again, and keeps it for reuse (or unmaps it).
fn release_reservation(base: *mut u8, accessible: usize) {
    if accessible > 0 {
        // SAFETY: replaces pages of the reservation this module owns with
        // fresh zero, inaccessible ones (MAP_FIXED inside our own mapping).
        // `madvise` would not do: qemu-user ignores it.
        let ptr = unsafe {
            libc::mmap(
                base.cast(),
                accessible,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE | libc::MAP_FIXED,
                -1,
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            unmap(base);
            return;
        }
    }
    let mut pool = POOL.lock().unwrap_or_else(PoisonError::into_inner);
    if pool.len() < POOL_LIMIT {
        pool.push(base as usize);
    } else {
        drop(pool);
        unmap(base);
    }
}

fn unmap(base: *mut u8) {
    // SAFETY: `base` is a reservation of RESERVATION bytes this module
    // mapped and nothing refers to any more.
    unsafe {
        libc::munmap(base.cast(), RESERVATION as usize);
    }
}

/// Reserves `len` bytes of inaccessible address space.
fn reserve(len: usize) -> Option<*mut u8> {
    // SAFETY: an anonymous private mapping at an address of the kernel's
    // choice touches no existing memory. MAP_NORESERVE: the reservation
    // costs no commit charge until pages are made accessible and touched.
    let ptr = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    (ptr != libc::MAP_FAILED).then_some(ptr.cast())
}

/// Whether this process can reserve guarded memories at all (an address
/// space limit such as `ulimit -v` may forbid 6 GiB reservations); probed
/// once.
pub(crate) fn reservations_work() -> bool {
    static WORKS: OnceLock<bool> = OnceLock::new();
    *WORKS.get_or_init(|| match GuardedMemory::new(0) {
        Some(memory) => {
            drop(memory);
            true
        }
        None => false,
    })
}

impl GuardedMemory {
    /// A zero-filled memory of `len` bytes (at most 4 GiB), or `None` if
    /// the address space cannot be reserved or committed.
    pub fn new(len: usize) -> Option<GuardedMemory> {
        if len as u64 > 1 << 32 {
            return None;
        }
        let base = take_reservation()?;
        let mut memory = GuardedMemory {
            base,
            len: 0,
            accessible: 0,
        };
        memory.resize(len)?;
        Some(memory)
    }

    /// Grows to `len` bytes (at most 4 GiB); the new bytes are zero (they
    /// were never accessible before). Never shrinks.
    pub fn resize(&mut self, len: usize) -> Option<()> {
        if len as u64 > 1 << 32 || len < self.len {
            return None;
        }
        let accessible = len.next_multiple_of(page_size());
        if accessible > self.accessible {
            // SAFETY: the range is inside the reservation this value owns
            // (`accessible <= 4 GiB < RESERVATION`), page aligned.
            let result = unsafe {
                libc::mprotect(
                    self.base.add(self.accessible).cast(),
                    accessible - self.accessible,
                    libc::PROT_READ | libc::PROT_WRITE,
                )
            };
            if result != 0 {
                return None;
            }
            self.accessible = accessible;
        }
        self.len = len;
        Some(())
    }

    /// Whether `addr` is in this memory's reservation but outside its
    /// accessible bytes: where an unchecked out-of-bounds access faults.
    #[cfg_attr(
        not(all(target_arch = "aarch64", target_os = "linux")),
        allow(dead_code)
    )]
    pub fn guards(&self, addr: usize) -> bool {
        let base = self.base as usize;
        addr >= base + self.accessible && ((addr - base) as u64) < RESERVATION
    }

    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: the first `len <= accessible` bytes are mapped read-write
        // and owned by this value.
        unsafe { std::slice::from_raw_parts(self.base, self.len) }
    }

    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        // SAFETY: as in `as_slice`, and `&mut self` makes it exclusive.
        unsafe { std::slice::from_raw_parts_mut(self.base, self.len) }
    }
}

impl Drop for GuardedMemory {
    fn drop(&mut self) {
        release_reservation(self.base, self.accessible);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_is_zeroed_writable_and_grows_in_place() {
        let Some(mut memory) = GuardedMemory::new(65536) else {
            eprintln!("cannot reserve guarded memory here; skipped");
            return;
        };
        assert_eq!(memory.as_slice().len(), 65536);
        assert!(memory.as_slice().iter().all(|&b| b == 0));
        memory.as_mut_slice()[65535] = 7;
        let base = memory.as_slice().as_ptr();
        memory.resize(3 * 65536).expect("grow");
        assert_eq!(memory.as_slice().as_ptr(), base);
        assert_eq!(memory.as_slice()[65535], 7);
        assert!(memory.as_slice()[65536..].iter().all(|&b| b == 0));
        memory.as_mut_slice()[3 * 65536 - 1] = 1;
        assert!(memory.resize(65536).is_none(), "never shrinks");
        drop(memory);
        // A reused reservation is zero and inaccessible again.
        let memory = GuardedMemory::new(3 * 65536).expect("again");
        assert!(memory.as_slice().iter().all(|&b| b == 0));
    }

    #[test]
    fn guard_region_is_everything_after_the_accessible_pages() {
        let Some(memory) = GuardedMemory::new(65536) else {
            return;
        };
        let base = memory.as_slice().as_ptr() as usize;
        assert!(!memory.guards(base));
        assert!(!memory.guards(base + 65535));
        assert!(memory.guards(base + 65536));
        assert!(memory.guards(base + (1 << 32) + 16));
        assert!(memory.guards(base + RESERVATION as usize - 1));
        assert!(!memory.guards(base + RESERVATION as usize));
        assert!(!memory.guards(base - 1));
    }

    #[test]
    fn sizes_beyond_4_gib_are_refused() {
        assert!(GuardedMemory::new((1 << 32) + 1).is_none());
    }
}
