//! The fault handler behind guard-page bounds checks
//! (`docs/decisions/0009-guard-pages.md`).
//!
//! Compiled code for guarded memories loads and stores without a check; an
//! out-of-bounds access faults (SIGSEGV, or SIGBUS on some kernels) inside
//! the memory's reservation. The handler checks that the faulting thread is
//! running compiled code of a session ([`Activation`]), that the PC is in
//! that session's code and that the address is in a guard region of that
//! store's memories; then it resumes the thread at a copy of the trap path
//! with the out-of-bounds trap code in w17 and the faulting instruction as
//! the trap site in x30 — exactly the state a trap stub's `bl` creates, so
//! the trap unwinds and reports its backtrace like an explicit check's.
//! Every other fault goes to the handler installed before ours (Rust's
//! stack-overflow reporter, a debugger's, …) or to the default action.

#![allow(unsafe_code)]

use std::cell::Cell;

use super::helpers::Context;

thread_local! {
    /// The innermost call into compiled code on this thread, if any.
    static ACTIVE: Cell<*const Context> = const { Cell::new(std::ptr::null()) };
}

/// Marks this thread as running compiled code with `context` until
/// dropped (nested activations restore the outer one).
#[cfg_attr(not(target_arch = "aarch64"), allow(dead_code))]
pub(crate) struct Activation {
    outer: *const Context,
}

#[cfg_attr(not(target_arch = "aarch64"), allow(dead_code))]
impl Activation {
    /// Installs the fault handler if guard pages are in use, makes sure
    /// this thread has a signal stack, and records `context` as this
    /// thread's innermost activation.
    pub fn enter(context: *const Context, guarded: bool) -> Activation {
        if guarded {
            platform::prepare_thread();
        }
        let outer = ACTIVE.with(|active| active.replace(context));
        Activation { outer }
    }
}

impl Drop for Activation {
    fn drop(&mut self) {
        ACTIVE.with(|active| active.set(self.outer));
    }
}

/// Whether guard-page bounds checks work on this host: the fault handler
/// is implemented here and installed, and memories can be reserved.
pub(crate) fn guard_pages_supported() -> bool {
    platform::install() && super::guard_memory::reservations_work()
}

#[cfg(all(target_arch = "aarch64", target_os = "linux"))]
mod platform {
    use std::cell::Cell;
    use std::sync::OnceLock;

    use zwasm_codegen_aarch64::lower::{abi, trampoline};

    use super::ACTIVE;
    use crate::jit::code_memory::CodeMemory;

    /// Signals an out-of-bounds access may raise.
    const SIGNALS: [libc::c_int; 2] = [libc::SIGSEGV, libc::SIGBUS];

    /// Signal stack per thread that runs guarded code (when the thread has
    /// none yet).
    const ALT_STACK_BYTES: usize = 64 << 10;

    struct Installed {
        /// The handlers replaced, per [`SIGNALS`] entry.
        previous: [libc::sigaction; 2],
        /// Where a guard-page fault resumes.
        trap_path: CodeMemory,
    }

    // SAFETY: written once before the handlers are installed, then only
    // read (also from signal handlers).
    unsafe impl Sync for Installed {}
    // SAFETY: as above.
    unsafe impl Send for Installed {}

    static INSTALLED: OnceLock<Option<Installed>> = OnceLock::new();

    /// Installs the handlers once per process; whether they are installed.
    pub(super) fn install() -> bool {
        INSTALLED.get_or_init(install_handlers).is_some()
    }

    fn install_handlers() -> Option<Installed> {
        let code = trampoline::fault_trap_path().ok()?;
        let trap_path = CodeMemory::new(&code).ok()?;
        // SAFETY: zeroed sigaction structures are valid ("default action,
        // no flags") and are filled in by `sigaction` before being read.
        let mut previous: [libc::sigaction; 2] = unsafe { std::mem::zeroed() };
        // SAFETY: as above; the handler is an `extern "C"` function of the
        // SA_SIGINFO signature.
        let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
        action.sa_sigaction = on_fault as *const () as usize;
        action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
        // SAFETY: `sa_mask` is a valid sigset to initialise.
        unsafe { libc::sigemptyset(&mut action.sa_mask) };
        // Query first: the handlers must be able to chain before they can
        // run.
        for (signal, previous) in SIGNALS.iter().zip(previous.iter_mut()) {
            // SAFETY: only reads the current action into `previous`.
            if unsafe { libc::sigaction(*signal, std::ptr::null(), previous) } != 0 {
                return None;
            }
        }
        let installed = Installed {
            previous,
            trap_path,
        };
        // Until `INSTALLED` is set (when this returns), a fault reaching
        // `on_fault` takes the default action.
        for signal in SIGNALS {
            // SAFETY: installs a handler that only inspects the context and
            // either redirects compiled code or chains (see `on_fault`).
            if unsafe { libc::sigaction(signal, &action, std::ptr::null_mut()) } != 0 {
                return None;
            }
        }
        Some(installed)
    }

    thread_local! {
        /// Signal stack this module gave the thread (freed at thread exit).
        static ALT_STACK: AltStack = const {
            AltStack { stack: Cell::new(std::ptr::null_mut()), checked: Cell::new(false) }
        };
    }

    struct AltStack {
        stack: Cell<*mut libc::c_void>,
        /// The thread's signal stack was looked at (every entry into
        /// compiled code asks; one `sigaltstack` call per thread is enough,
        /// since nothing removes a signal stack while its thread runs).
        checked: Cell<bool>,
    }

    impl Drop for AltStack {
        fn drop(&mut self) {
            let stack = self.stack.get();
            if stack.is_null() {
                return;
            }
            // SAFETY: disables the signal stack this module installed for
            // this (exiting) thread before unmapping it.
            unsafe {
                let mut disable: libc::stack_t = std::mem::zeroed();
                disable.ss_flags = libc::SS_DISABLE;
                libc::sigaltstack(&disable, std::ptr::null_mut());
                libc::munmap(stack, ALT_STACK_BYTES);
            }
        }
    }

    /// Gives this thread a signal stack if it has none, so that the handler
    /// (and the handler it chains to) can run even when the fault is a
    /// stack overflow.
    pub(super) fn prepare_thread() {
        let _ = ALT_STACK.try_with(|alt| {
            if alt.checked.replace(true) {
                return;
            }
            // SAFETY: queries this thread's signal stack.
            let mut current: libc::stack_t = unsafe { std::mem::zeroed() };
            // SAFETY: as above.
            if unsafe { libc::sigaltstack(std::ptr::null(), &mut current) } != 0 {
                return;
            }
            if current.ss_flags & libc::SS_DISABLE == 0 {
                return;
            }
            // SAFETY: a fresh anonymous mapping touches no existing memory.
            let stack = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    ALT_STACK_BYTES,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                    -1,
                    0,
                )
            };
            if stack == libc::MAP_FAILED {
                return;
            }
            let new = libc::stack_t {
                ss_sp: stack,
                ss_flags: 0,
                ss_size: ALT_STACK_BYTES,
            };
            // SAFETY: the stack is a mapping owned by this thread-local
            // until the thread exits.
            if unsafe { libc::sigaltstack(&new, std::ptr::null_mut()) } == 0 {
                alt.stack.set(stack);
            } else {
                // SAFETY: the mapping was never handed out.
                unsafe { libc::munmap(stack, ALT_STACK_BYTES) };
            }
        });
    }

    extern "C" fn on_fault(
        signal: libc::c_int,
        info: *mut libc::siginfo_t,
        ucontext: *mut libc::c_void,
    ) {
        let Some(installed) = INSTALLED.get().and_then(Option::as_ref) else {
            restore_default(signal);
            return;
        };
        // SAFETY: the kernel passes a valid siginfo and ucontext for a
        // SA_SIGINFO handler.
        if unsafe { redirect(installed, info, ucontext.cast()) } {
            return;
        }
        // SAFETY: as above; chains with the arguments received.
        unsafe { chain(installed, signal, info, ucontext) }
    }

    /// Resumes compiled code that faulted on a guard page at the trap path;
    /// whether the fault was one.
    ///
    /// # Safety
    /// `info` and `ucontext` must be the handler's arguments.
    unsafe fn redirect(
        installed: &Installed,
        info: *mut libc::siginfo_t,
        ucontext: *mut libc::ucontext_t,
    ) -> bool {
        let context = ACTIVE.try_with(Cell::get).unwrap_or(std::ptr::null());
        if context.is_null() {
            return false;
        }
        // SAFETY: per the contract; the activation's context, session and
        // store stay alive while compiled code runs on this thread, and the
        // thread is interrupted in compiled code (checked below before any
        // store state is trusted), where no Rust code holds a borrow of
        // them.
        unsafe {
            let mcontext = &mut (*ucontext).uc_mcontext;
            let pc = mcontext.pc as usize;
            let address = (*info).si_addr() as usize;
            let context = &*context;
            if !(*context.session).is_compiled_code(pc) {
                return false;
            }
            if !(*context.core)
                .memories
                .iter()
                .any(|memory| memory.data.guards(address))
            {
                return false;
            }
            mcontext.regs[17] = u64::from(abi::TrapCode::MemoryOutOfBounds.bits());
            mcontext.regs[30] = pc as u64;
            mcontext.pc = installed.trap_path.base() as u64;
        }
        true
    }

    /// Hands a fault that is not ours to the previous handler.
    ///
    /// # Safety
    /// The arguments must be the handler's.
    unsafe fn chain(
        installed: &Installed,
        signal: libc::c_int,
        info: *mut libc::siginfo_t,
        ucontext: *mut libc::c_void,
    ) {
        let Some(at) = SIGNALS.iter().position(|&s| s == signal) else {
            return;
        };
        let previous = &installed.previous[at];
        let handler = previous.sa_sigaction;
        if handler == libc::SIG_DFL || handler == libc::SIG_IGN {
            // Returning re-executes the faulting instruction, which now
            // takes the default action (a hardware fault cannot be
            // ignored).
            restore_default(signal);
            return;
        }
        // SAFETY: the previous handler was installed with these flags and
        // signature; it gets the arguments it expects.
        unsafe {
            if previous.sa_flags & libc::SA_SIGINFO != 0 {
                let handler: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                    std::mem::transmute(handler);
                handler(signal, info, ucontext);
            } else {
                let handler: extern "C" fn(libc::c_int) = std::mem::transmute(handler);
                handler(signal);
            }
        }
    }

    fn restore_default(signal: libc::c_int) {
        // SAFETY: a zeroed sigaction is "default action, no flags".
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = libc::SIG_DFL;
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

#[cfg(not(all(target_arch = "aarch64", target_os = "linux")))]
mod platform {
    /// No fault handling here: compiled code checks every access.
    pub(super) fn install() -> bool {
        false
    }

    #[cfg_attr(not(target_arch = "aarch64"), allow(dead_code))]
    pub(super) fn prepare_thread() {}
}
