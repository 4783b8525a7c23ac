//! The stack compiled code runs on: a mapping of its own per session, so
//! that the depth of wasm recursion the configured limits allow does not
//! depend on the size of the thread that calls into wasm (Rust test and
//! spawned threads get 2 MiB; 100,000 compiled frames need about 6 MiB).
//!
//! The outermost entry into compiled code switches to it (the entry shim
//! `trampoline::stack_switch`); nested entries (host function → wasm)
//! continue on it. Helpers, host functions and interpreter activations that
//! compiled code calls run on it too, in the margin below the limit the
//! prologues check. An inaccessible guard below the margin turns an overrun
//! of host code into a fault rather than a write into other memory.

#![allow(unsafe_code)]
#![cfg_attr(not(target_arch = "aarch64"), allow(dead_code))]

use super::code_memory::page_size;
use crate::config::Limits;

/// Stack compiled code is granted per frame of `Config::max_call_depth`:
/// the prologue's stack-limit check then bounds the depth of wasm
/// recursion by the configured limit (approximately: frames differ in
/// size; a frame takes 32 bytes at least, small functions' frames 48–96).
const STACK_PER_FRAME: u64 = 64;

/// Stack granted per slot of `Config::max_value_stack`: compiled frames
/// keep their values in registers and spill slots of 8 bytes.
const STACK_PER_SLOT: u64 = 8;

/// Stack an outermost entry gets beyond its frames: the entry trampoline's
/// frame (callee-saved registers, stack arguments and results).
const ENTRY_ALLOWANCE: u64 = 1 << 10;

/// Bytes of stack compiled code may use when it is entered with `frames`
/// interpreter frames and `slots` interpreter value slots in use: what is
/// left of both limits, as stack.
pub(crate) fn stack_budget(limits: &Limits, frames: usize, slots: usize) -> u64 {
    let depth =
        (limits.max_call_depth.saturating_sub(frames) as u64).saturating_mul(STACK_PER_FRAME);
    let values =
        (limits.max_value_stack.saturating_sub(slots) as u64).saturating_mul(STACK_PER_SLOT);
    depth.min(values).saturating_add(ENTRY_ALLOWANCE)
}

/// Bytes to map for a session's stack under `limits`: the largest budget
/// and the margin below it.
pub(crate) fn stack_size(limits: &Limits) -> usize {
    usize::try_from(stack_budget(limits, 0, 0))
        .unwrap_or(usize::MAX)
        .saturating_add(HOST_STACK_MARGIN)
}

/// Stack compiled code may use below the first entry when it runs on the
/// calling thread's stack (no [`JitStack`] could be mapped) and that
/// thread's bounds are unknown.
const THREAD_STACK_BUDGET: u64 = 1 << 20;

/// The lowest address compiled code may use when it runs on the calling
/// thread's stack from stack address `here`: the thread's stack bottom plus
/// [`HOST_STACK_MARGIN`] where the bounds are known, else
/// `here - THREAD_STACK_BUDGET`.
pub(crate) fn thread_stack_limit(here: u64) -> u64 {
    let fallback = here.saturating_sub(THREAD_STACK_BUDGET);
    #[cfg(target_os = "linux")]
    {
        let mut addr: *mut libc::c_void = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        // SAFETY: `attr` is initialised by `pthread_getattr_np` for the
        // calling thread before it is read, and destroyed once.
        let ok = unsafe {
            let mut attr: libc::pthread_attr_t = std::mem::zeroed();
            if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
                return fallback;
            }
            let ok = libc::pthread_attr_getstack(&attr, &mut addr, &mut size) == 0;
            libc::pthread_attr_destroy(&mut attr);
            ok
        };
        let low = addr as u64;
        let limit = low.saturating_add(HOST_STACK_MARGIN as u64);
        // Only trust bounds that contain `here` with room to spare.
        if ok && limit < fallback && here < low.saturating_add(size as u64) {
            return limit;
        }
    }
    fallback
}

/// Bytes below the compiled code's stack limit for helpers, host functions
/// and the interpreter they may run (like the margin a thread keeps below
/// its wasm stack in other runtimes).
pub(crate) const HOST_STACK_MARGIN: usize = 512 << 10;

/// Inaccessible bytes below the margin.
const GUARD: usize = 64 << 10;

/// Largest stack mapped for compiled code (limits beyond it are capped).
const MAX_USABLE: usize = 1 << 30;

/// A read-write stack mapping with an inaccessible guard below it.
pub(crate) struct JitStack {
    base: *mut u8,
    /// Whole mapping: guard + usable bytes.
    len: usize,
}

// SAFETY: the mapping is owned exclusively by this value and only used by
// the thread running a call of the store that owns it.
unsafe impl Send for JitStack {}
// SAFETY: a shared `JitStack` only reports addresses.
unsafe impl Sync for JitStack {}

impl std::fmt::Debug for JitStack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JitStack")
            .field("low", &self.low())
            .field("top", &self.top())
            .finish()
    }
}

impl JitStack {
    /// A stack with at least `usable` bytes above its guard (rounded up to
    /// whole pages, at most [`MAX_USABLE`]); `None` if it cannot be mapped.
    pub fn new(usable: usize) -> Option<JitStack> {
        let page = page_size();
        let usable = usable.clamp(page, MAX_USABLE).next_multiple_of(page);
        let len = usable + GUARD.next_multiple_of(page);
        // SAFETY: a fresh anonymous private mapping; nothing else refers to
        // the addresses it returns. Pages are committed when first touched
        // (MAP_NORESERVE), so only the depth actually used costs memory.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return None;
        }
        let base = base.cast::<u8>();
        let guard = len - usable;
        // SAFETY: the range lies inside the mapping just made.
        let opened = unsafe {
            libc::mprotect(
                base.add(guard).cast(),
                usable,
                libc::PROT_READ | libc::PROT_WRITE,
            )
        };
        let stack = JitStack { base, len };
        (opened == 0).then_some(stack)
    }

    /// Bytes usable above the guard.
    pub fn usable(&self) -> usize {
        self.len - GUARD.next_multiple_of(page_size())
    }

    /// The lowest usable address.
    pub fn low(&self) -> u64 {
        self.top() - self.usable() as u64
    }

    /// The initial stack pointer (16-byte aligned, one past the top).
    pub fn top(&self) -> u64 {
        self.base as u64 + self.len as u64
    }
}

impl Drop for JitStack {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly the mapping `new` made; nothing runs on it
        // (the session drops its stack only between calls).
        unsafe {
            libc::munmap(self.base.cast(), self.len);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stack_is_writable_from_low_to_top() {
        let stack = JitStack::new(100_000).expect("mapped");
        assert!(stack.usable() >= 100_000);
        assert_eq!(stack.top() % 16, 0);
        assert_eq!(stack.top() - stack.low(), stack.usable() as u64);
        // SAFETY: both addresses are inside the usable, read-write part.
        unsafe {
            std::ptr::write_volatile(stack.low() as *mut u64, 7);
            std::ptr::write_volatile((stack.top() - 8) as *mut u64, 9);
            assert_eq!(std::ptr::read_volatile(stack.low() as *const u64), 7);
        }
    }

    #[test]
    fn budgets_follow_what_is_left_of_both_limits() {
        let mut limits = Limits {
            max_call_depth: 100,
            max_value_stack: 1_000_000,
            ..Limits::default()
        };
        assert_eq!(stack_budget(&limits, 0, 0), 100 * 64 + ENTRY_ALLOWANCE);
        assert_eq!(stack_budget(&limits, 40, 0), 60 * 64 + ENTRY_ALLOWANCE);
        assert_eq!(stack_budget(&limits, 400, 0), ENTRY_ALLOWANCE);
        limits.max_value_stack = 500;
        assert_eq!(stack_budget(&limits, 0, 100), 400 * 8 + ENTRY_ALLOWANCE);
        let size = stack_size(&limits);
        assert_eq!(
            size,
            (500 * 8 + ENTRY_ALLOWANCE) as usize + HOST_STACK_MARGIN
        );
    }

    #[test]
    fn sizes_are_capped() {
        let stack = JitStack::new(usize::MAX).expect("mapped");
        assert_eq!(stack.usable(), MAX_USABLE);
    }
}
