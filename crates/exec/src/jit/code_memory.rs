//! Executable memory for compiled code, W^X: mapped read-write, written,
//! then flipped to read-execute, and the instruction cache flushed for the
//! range. On macOS the mapping is `MAP_JIT` and writing is enabled per
//! thread with `pthread_jit_write_protect_np` instead of `mprotect`.

#![allow(unsafe_code)]

use crate::Error;

/// An immutable mapping of machine code.
pub(crate) struct CodeMemory {
    ptr: *mut u8,
    mapped: usize,
    len: usize,
}

// SAFETY: the mapping is never written after `new` returns, so sharing the
// read-only code between threads is sound.
unsafe impl Send for CodeMemory {}
// SAFETY: as above, shared references only read (execute) the code.
unsafe impl Sync for CodeMemory {}

impl std::fmt::Debug for CodeMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeMemory")
            .field("base", &self.ptr)
            .field("len", &self.len)
            .finish()
    }
}

fn os_error(what: &str) -> Error {
    Error::Limit(format!(
        "{what} failed for JIT code: {}",
        std::io::Error::last_os_error()
    ))
}

/// The OS page size (4 KiB if it cannot be asked).
pub(crate) fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(size)
        .ok()
        .filter(|&s| s > 0)
        .unwrap_or(4096)
}

impl CodeMemory {
    /// Maps `code` as executable.
    pub fn new(code: &[u8]) -> Result<CodeMemory, Error> {
        let page = page_size();
        let mapped = code.len().max(1).next_multiple_of(page);
        let ptr = map_writable(mapped)?;
        let memory = CodeMemory {
            ptr,
            mapped,
            len: code.len(),
        };
        write_protected(|| {
            // SAFETY: the mapping is `mapped >= code.len()` bytes, writable
            // (see `map_writable` / `write_protected`), and nothing else
            // refers to it yet.
            unsafe { std::ptr::copy_nonoverlapping(code.as_ptr(), ptr, code.len()) };
        });
        memory.make_executable()?;
        flush_icache(ptr, code.len());
        Ok(memory)
    }

    /// Address of the first byte.
    pub fn base(&self) -> usize {
        self.ptr as usize
    }

    /// Whether `addr` is inside the code.
    pub fn contains(&self, addr: usize) -> bool {
        addr >= self.base() && addr < self.base() + self.len
    }

    /// The code, for inspection.
    #[cfg(test)]
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: the mapping is readable and `len` bytes long, and never
        // written again.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }

    #[cfg(not(target_os = "macos"))]
    fn make_executable(&self) -> Result<(), Error> {
        // SAFETY: `ptr`/`mapped` describe a mapping this object owns.
        let result = unsafe {
            libc::mprotect(
                self.ptr.cast(),
                self.mapped,
                libc::PROT_READ | libc::PROT_EXEC,
            )
        };
        if result == 0 {
            Ok(())
        } else {
            Err(os_error("mprotect"))
        }
    }

    #[cfg(target_os = "macos")]
    fn make_executable(&self) -> Result<(), Error> {
        // MAP_JIT pages are already RX for threads with write protection on.
        Ok(())
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        // SAFETY: the mapping was created by `map_writable` with this size
        // and is not referenced once the owner drops it.
        unsafe {
            libc::munmap(self.ptr.cast(), self.mapped);
        }
    }
}

#[cfg(not(target_os = "macos"))]
fn map_writable(len: usize) -> Result<*mut u8, Error> {
    // SAFETY: an anonymous private mapping at an address of the kernel's
    // choice touches no existing memory.
    let ptr = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if ptr == libc::MAP_FAILED {
        Err(os_error("mmap"))
    } else {
        Ok(ptr.cast())
    }
}

#[cfg(target_os = "macos")]
fn map_writable(len: usize) -> Result<*mut u8, Error> {
    // SAFETY: as above; MAP_JIT makes the pages RWX with per-thread
    // write protection (Apple silicon's W^X).
    let ptr = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE | libc::PROT_EXEC,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_JIT,
            -1,
            0,
        )
    };
    if ptr == libc::MAP_FAILED {
        Err(os_error("mmap"))
    } else {
        Ok(ptr.cast())
    }
}

/// Runs `write` with this thread allowed to write MAP_JIT pages.
#[cfg(target_os = "macos")]
fn write_protected(write: impl FnOnce()) {
    // SAFETY: toggles this thread's JIT write protection only.
    unsafe { libc::pthread_jit_write_protect_np(0) };
    write();
    // SAFETY: as above.
    unsafe { libc::pthread_jit_write_protect_np(1) };
}

#[cfg(not(target_os = "macos"))]
fn write_protected(write: impl FnOnce()) {
    write();
}

#[cfg(all(target_arch = "aarch64", target_os = "macos"))]
fn flush_icache(ptr: *mut u8, len: usize) {
    unsafe extern "C" {
        fn sys_icache_invalidate(start: *mut libc::c_void, len: libc::size_t);
    }
    // SAFETY: the range is the code just written, inside our mapping.
    unsafe { sys_icache_invalidate(ptr.cast(), len) };
}

#[cfg(all(target_arch = "aarch64", not(target_os = "macos")))]
fn flush_icache(ptr: *mut u8, len: usize) {
    unsafe extern "C" {
        // libgcc / compiler-rt: cleans the data cache and invalidates the
        // instruction cache to the point of unification for the range.
        fn __clear_cache(start: *mut libc::c_char, end: *mut libc::c_char);
    }
    // SAFETY: the range is the code just written, inside our mapping.
    unsafe { __clear_cache(ptr.cast(), ptr.add(len).cast()) };
}

/// Other hosts have coherent instruction caches (and cannot run the code).
#[cfg(not(target_arch = "aarch64"))]
fn flush_icache(_ptr: *mut u8, _len: usize) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_is_copied_and_mapped_read_only() {
        let code: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
        let memory = CodeMemory::new(&code).expect("map");
        assert_eq!(memory.bytes(), &code[..]);
        assert!(memory.contains(memory.base()));
        assert!(!memory.contains(memory.base() + code.len()));
        assert_eq!(memory.base() % page_size(), 0);
    }
}
