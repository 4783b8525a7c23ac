//! The state that the threaded handlers share with the dispatch loop, so
//! that wasm→wasm calls within one instance, their returns and global
//! accesses run inside the threaded chain instead of leaving it for the
//! loop.
//!
//! The handlers' six argument registers are all taken (cursor, frame,
//! memory 0, fuel), so the chain reaches this state through a thread-local
//! pointer that [`Chain::install`] sets for the duration of one run of the
//! chain. Only the call, return and global handlers read it; the loop
//! (`exec::execute`) writes the running frame, the limits and the store's
//! tables and globals into it before each run and reads back which frame
//! the chain stopped in.

#![allow(unsafe_code)]
// The `loop { match }` dispatcher (`match-dispatch`) makes every call in
// the loop and only keeps the caller list here.
#![cfg_attr(
    all(feature = "match-dispatch", not(feature = "tail-dispatch")),
    allow(dead_code)
)]

use std::cell::Cell;

use super::code::{FastFunc, Slot};
use super::lazy::LazyCode;
use super::regs::Cursor;
use crate::func::FuncEntity;
use crate::global::GlobalEntity;
use crate::instance::InstanceEntity;
use crate::table::TableEntity;

/// A caller suspended by a wasm→wasm call.
#[derive(Clone, Copy)]
#[allow(missing_debug_implementations)]
pub(super) struct Suspended<'a> {
    pub func: &'a FastFunc,
    pub inst: &'a InstanceEntity,
    /// Where the callee's results go.
    pub results: &'a [Slot],
    pub base: usize,
    pub instance: u32,
    pub defined: u32,
    /// The op after the call, where the caller resumes.
    pub resume: Cursor<'a>,
}

/// The running frame and its callers, as the chain sees and changes them.
#[allow(missing_debug_implementations)]
pub(super) struct Chain<'a> {
    /// The callers of the running frame suspended by this run of the loop
    /// (innermost last).
    pub callers: Vec<Suspended<'a>>,
    pub func: &'a FastFunc,
    pub inst: &'a InstanceEntity,
    /// The translations of the running instance's module.
    pub code: &'a LazyCode,
    pub base: usize,
    pub instance: u32,
    pub defined: u32,
    /// The chain may push a caller while `callers` is shorter: within the
    /// call-depth limit and the list's capacity (the loop grows it), 0 when
    /// calls are counted for tiering (the loop makes them all).
    pub callers_limit: usize,
    /// Length of the value stack: a callee's frame must end within it.
    pub stack_len: usize,
    /// The store's functions, for `call_indirect`.
    pub funcs: &'a [FuncEntity],
    /// The store's tables, for `call_indirect`: a pointer the loop takes
    /// afresh before every run (it changes tables itself in between).
    pub tables: *const TableEntity,
    pub tables_len: usize,
    /// The engine-wide ids of the running instance's types, which
    /// `call_indirect` compares.
    pub type_ids: &'a [u32],
    /// The elements of the running instance's table 0 (most `call_indirect`s
    /// use it), taken like `tables`; dangling and empty without a table.
    pub table0: *const u64,
    pub table0_len: usize,
    /// The store's globals, taken like `tables`; `global.set` writes them.
    pub globals: *mut GlobalEntity,
    pub globals_len: usize,
}

impl Chain<'_> {
    /// Table `index` of the store.
    #[inline(always)]
    pub(super) fn table(&self, index: usize) -> Option<&TableEntity> {
        if index >= self.tables_len {
            return None;
        }
        // SAFETY: `tables..tables + tables_len` is the store's table list,
        // taken by the loop before this run of the chain, during which
        // nothing changes the list or a table (the handlers only read).
        Some(unsafe { &*self.tables.add(index) })
    }

    /// The elements of table `index` of the running instance.
    #[inline(always)]
    pub(super) fn elements(&self, index: u16) -> Option<&[u64]> {
        if index == 0 {
            // SAFETY: taken by the loop from table 0's element vector (or
            // dangling with length 0) before this run of the chain, during
            // which nothing changes a table.
            return Some(unsafe { std::slice::from_raw_parts(self.table0, self.table0_len) });
        }
        let at = *self.inst.tables.get(usize::from(index))? as usize;
        Some(&self.table(at)?.elements)
    }

    /// The store's global that is global `index` of the running instance.
    #[inline(always)]
    pub(super) fn global(&mut self, index: u32) -> Option<&mut GlobalEntity> {
        let at = *self.inst.globals.get(index as usize)? as usize;
        if at >= self.globals_len {
            return None;
        }
        // SAFETY: as for `table`; the chain is the only user of the
        // globals during its run and holds no other reference to one.
        Some(unsafe { &mut *self.globals.add(at) })
    }
}

thread_local! {
    /// The chain being run on this thread, while [`Chain::install`]'s
    /// guard lives; null otherwise.
    static CURRENT: Cell<*mut ()> = const { Cell::new(std::ptr::null_mut()) };
}

/// Clears the thread's chain pointer when a run of the chain ends.
pub(super) struct Installed<'c, 'a> {
    chain: std::marker::PhantomData<&'c mut Chain<'a>>,
}

impl Drop for Installed<'_, '_> {
    #[inline(always)]
    fn drop(&mut self) {
        CURRENT.with(|current| current.set(std::ptr::null_mut()));
    }
}

impl<'a> Chain<'a> {
    /// Makes `self` the chain the handlers of this thread see until the
    /// guard drops. The guard holds the exclusive borrow, so nothing else
    /// touches the chain meanwhile.
    #[inline(always)]
    pub(super) fn install<'c>(&'c mut self) -> Installed<'c, 'a> {
        let pointer: *mut Chain<'a> = self;
        CURRENT.with(|current| current.set(pointer.cast()));
        Installed {
            chain: std::marker::PhantomData,
        }
    }
}

/// The chain installed on this thread, for a call or return handler.
///
/// # Safety
/// Only from a handler run by `threaded::run`, which runs while the guard
/// of [`Chain::install`] lives (so the pointer is set and the chain
/// exclusively borrowed for it), and not kept beyond the handler's use:
/// no two such references are live at once.
#[inline(always)]
pub(super) unsafe fn current<'c, 'a>() -> Option<&'c mut Chain<'a>> {
    let pointer = CURRENT.with(Cell::get).cast::<Chain<'a>>();
    // SAFETY: non-null only while `install`'s guard lives, which borrows
    // the chain exclusively for the run; the caller (a handler) uses the
    // reference only within that run (function contract).
    unsafe { pointer.as_mut() }
}
