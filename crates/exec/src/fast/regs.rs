//! Unchecked access to the slots of a frame and to the code of a function,
//! so that reading an operand or fetching an op is a single load, and
//! memory accesses with a single bounds check (`load_bytes`,
//! `store_bytes`, which check it themselves): with the
//! threaded handlers' decoding of their own op (`threaded::take!`), the
//! only places the fast tier uses `unsafe`.
//!
//! Soundness rests on two invariants:
//! * Bounds: a [`Regs`] is only made by [`Regs::new`], which checks that
//!   `base + extent` slots exist, for the `extent` of the function whose
//!   frame it is, or by [`Regs::above`] / [`Regs::below`] from such a frame,
//!   for a callee or caller frame whose end the threaded call and return
//!   handlers checked against the stack's length (`chain::Chain::stack_len`,
//!   which the loop records before every run of the chain; the stack only
//!   grows in the loop). Translation (`compile::verify::check`) proves that every
//!   slot operand of that function's code is below its `frame_size`, every
//!   call's argument and result count below `extent - frame_size`, and the
//!   function's own parameter and result counts at most `extent`; the
//!   dispatcher only indexes frames with those operands, with
//!   `frame_size + i` for such an `i`, or with `i` below those counts.
//! * Provenance: the pointer comes from `Vec::as_mut_ptr`, which covers the
//!   whole buffer and stays valid until the vector reallocates. The value
//!   stack only reallocates in `exec::grow`, which every caller follows by
//!   deriving fresh `Regs` for every frame it still touches; no `Regs`
//!   outlives the borrow of the store it was made from (the dispatcher's
//!   locals).

#![allow(unsafe_code)]

use super::code::{Dispatch, FastFunc, Inst, Op, Slot};

/// The slots of one frame.
#[derive(Clone, Copy, Debug)]
pub(super) struct Regs {
    base: *mut u64,
    #[cfg(debug_assertions)]
    len: usize,
}

impl Regs {
    /// The frame of `extent` slots at `base`, if the stack holds it.
    #[inline(always)]
    pub(super) fn new(stack: &mut Vec<u64>, base: usize, extent: usize) -> Option<Regs> {
        let end = base.checked_add(extent)?;
        if end > stack.len() {
            return None;
        }
        Some(Regs {
            // In bounds (checked above), so `wrapping_add` does not wrap.
            base: stack.as_mut_ptr().wrapping_add(base),
            #[cfg(debug_assertions)]
            len: extent,
        })
    }

    /// The frame of `extent` slots `by` slots above this one (a callee's).
    #[cfg_attr(
        all(feature = "match-dispatch", not(feature = "tail-dispatch")),
        allow(dead_code)
    )]
    /// The caller checked that it ends within the stack (module docs).
    #[inline(always)]
    pub(super) fn above(self, by: usize, extent: usize) -> Regs {
        #[cfg(not(debug_assertions))]
        let _ = extent;
        Regs {
            base: self.base.wrapping_add(by),
            #[cfg(debug_assertions)]
            len: extent,
        }
    }

    /// The frame of `extent` slots `by` slots below this one (the caller's
    /// of a frame made by [`Regs::above`]).
    #[cfg_attr(
        all(feature = "match-dispatch", not(feature = "tail-dispatch")),
        allow(dead_code)
    )]
    #[inline(always)]
    pub(super) fn below(self, by: usize, extent: usize) -> Regs {
        #[cfg(not(debug_assertions))]
        let _ = extent;
        Regs {
            base: self.base.wrapping_sub(by),
            #[cfg(debug_assertions)]
            len: extent,
        }
    }

    /// Slot `index` of the frame.
    #[inline(always)]
    pub(super) fn read(self, index: usize) -> u64 {
        #[cfg(debug_assertions)]
        assert!(
            index < self.len,
            "slot {index} outside a frame of {}",
            self.len
        );
        // SAFETY: `index < extent` by the bounds invariant (module docs), and
        // `base..base + extent` is inside the live stack buffer.
        unsafe { *self.base.add(index) }
    }

    /// Sets slot `index` of the frame.
    #[inline(always)]
    pub(super) fn write(self, index: usize, value: u64) {
        #[cfg(debug_assertions)]
        assert!(
            index < self.len,
            "slot {index} outside a frame of {}",
            self.len
        );
        // SAFETY: as in `read`; nothing else holds a reference into the
        // buffer while the dispatcher runs (it owns the `&mut` borrow).
        unsafe { *self.base.add(index) = value }
    }

    /// Starts this frame of `func`: writes its constant slots.
    #[inline(always)]
    pub(super) fn start(self, func: &FastFunc) {
        // In the frame: `compile::verify::check` proved that the constants
        // fit in it. Most functions have none or few: those counts take
        // straight-line code (the general loop is unrolled and checked for
        // overlap, some 30 instructions for one constant).
        let base = func.const_base();
        match *func.consts {
            [] => {}
            [a] => self.write(base, a),
            [a, b] => {
                self.write(base, a);
                self.write(base + 1, b);
            }
            ref consts => self.write_consts(base, consts),
        }
    }

    /// `start` for three constants or more. Out of line: inlined, its
    /// vectorised copy loop took registers that every call then saved.
    #[inline(never)]
    fn write_consts(self, base: usize, consts: &[u64]) {
        for (i, &value) in consts.iter().enumerate() {
            self.write(base + i, value);
        }
    }

    #[inline(always)]
    pub(super) fn get(self, slot: Slot) -> u64 {
        self.read(usize::from(slot))
    }

    #[inline(always)]
    pub(super) fn set(self, slot: Slot, value: u64) {
        self.write(usize::from(slot), value);
    }
}

/// The position in the code of the running function: a pointer to the next
/// op, so that fetching is one load and advancing one add. One word: branch
/// targets are relative to the branch op (`compile::verify::check` makes
/// them so), so a jump needs no code start, and the threaded handlers keep
/// one more scratch register than with a (pointer, start) pair; whoever
/// needs the op's index asks with the code ([`Cursor::pc_in`]).
///
/// In bounds by construction: [`Cursor::new`] checks its index, the jumps
/// go to branch targets, which the verifier proved to lie in the code
/// (debug builds check every move against the code's bounds), and
/// [`Cursor::next`] advances past an op only when that op is not the last
/// one — the verifier proved the last op is a terminator, and the
/// dispatcher always jumps, returns or leaves after a terminator instead
/// of fetching the next op.
#[derive(Clone, Copy, Debug)]
pub(super) struct Cursor<'a> {
    ip: *const Inst,
    /// Only for the debug-build checks.
    #[cfg(debug_assertions)]
    start: *const Inst,
    #[cfg(debug_assertions)]
    len: usize,
    code: std::marker::PhantomData<&'a [Inst]>,
}

impl<'a> Cursor<'a> {
    /// A cursor at op `pc` of `code`, if there is one.
    #[inline(always)]
    pub(super) fn new(code: &'a [Inst], pc: usize) -> Option<Cursor<'a>> {
        (pc < code.len()).then(|| Cursor {
            ip: code.as_ptr().wrapping_add(pc),
            #[cfg(debug_assertions)]
            start: code.as_ptr(),
            #[cfg(debug_assertions)]
            len: code.len(),
            code: std::marker::PhantomData,
        })
    }

    /// This cursor with the lifetime of `code`, the code it moves in.
    /// For the threaded call handlers, whose cursor lives as long as the
    /// handler but which keep it in the caller list.
    ///
    /// # Safety
    /// The cursor points into `code` (the chain runs the code of its
    /// running function, so a handler's cursor is in `chain.func.code`).
    #[cfg_attr(
        all(feature = "match-dispatch", not(feature = "tail-dispatch")),
        allow(dead_code)
    )]
    #[inline(always)]
    pub(super) unsafe fn within<'b>(self, code: &'b [Inst]) -> Cursor<'b> {
        #[cfg(debug_assertions)]
        assert!(
            std::ptr::eq(self.start, code.as_ptr()) && self.in_bounds(),
            "cursor outside its code"
        );
        let _ = code; // only checked (debug builds)
        Cursor {
            ip: self.ip,
            #[cfg(debug_assertions)]
            start: code.as_ptr(),
            #[cfg(debug_assertions)]
            len: code.len(),
            code: std::marker::PhantomData,
        }
    }

    #[cfg(debug_assertions)]
    fn in_bounds(&self) -> bool {
        (self.ip as usize)
            .checked_sub(self.start as usize)
            .is_some_and(|bytes| {
                bytes % std::mem::size_of::<Inst>() == 0
                    && bytes / std::mem::size_of::<Inst>() < self.len
            })
    }

    /// The op at the cursor; the cursor moves to the next one.
    #[inline(always)]
    pub(super) fn next(&mut self) -> &'a Op {
        #[cfg(debug_assertions)]
        assert!(self.in_bounds(), "fetch past the end of the code");
        // SAFETY: `ip` points at an op of the code (struct docs): the slice
        // outlives `'a`, and the op is initialised and never mutated.
        let inst = unsafe { &*self.ip };
        self.ip = self.ip.wrapping_add(1);
        inst.op()
    }

    /// The op at the cursor, without moving (the threaded dispatcher's
    /// fetch, and a `br_table`'s case).
    #[inline(always)]
    pub(super) fn peek(&self) -> &'a Op {
        #[cfg(debug_assertions)]
        assert!(self.in_bounds(), "fetch past the end of the code");
        // SAFETY: as in `next`.
        unsafe { &*self.ip }.op()
    }

    /// The handler of the op at the cursor (the threaded dispatch).
    #[cfg_attr(
        all(feature = "match-dispatch", not(feature = "tail-dispatch")),
        allow(dead_code)
    )]
    #[inline(always)]
    pub(super) fn handler(&self) -> Dispatch {
        #[cfg(debug_assertions)]
        assert!(self.in_bounds(), "fetch past the end of the code");
        // SAFETY: as in `next`.
        unsafe { &*self.ip }.handler()
    }

    /// Continues at the verified branch target `target` of the op at the
    /// cursor (targets count bytes from their branch: `target` is an `i32`,
    /// a multiple of the size of an `Inst`).
    #[inline(always)]
    pub(super) fn jump(&mut self, target: u32) {
        self.ip = self
            .ip
            .cast::<u8>()
            .wrapping_offset(target as i32 as isize)
            .cast();
        #[cfg(debug_assertions)]
        assert!(self.in_bounds(), "branch out of the code");
    }

    /// Continues at the verified branch target `target` of the op just
    /// before the cursor (the op `next` returned last).
    #[inline(always)]
    pub(super) fn jump_after(&mut self, target: u32) {
        self.ip = self
            .ip
            .wrapping_sub(1)
            .cast::<u8>()
            .wrapping_offset(target as i32 as isize)
            .cast();
        #[cfg(debug_assertions)]
        assert!(self.in_bounds(), "branch out of the code");
    }

    /// Moves forward by `ops` ops, to a verified op (a `br_table` case:
    /// `compile::verify::check` proved the cases follow the table).
    #[inline(always)]
    pub(super) fn skip(&mut self, ops: u32) {
        self.ip = self.ip.wrapping_add(ops as usize);
        #[cfg(debug_assertions)]
        assert!(self.in_bounds(), "skip past the end of the code");
    }

    /// The op's address (the threaded dispatcher's `Stop` keeps it).
    #[inline(always)]
    pub(super) fn address(&self) -> usize {
        self.ip as usize
    }

    /// Index in `code` (the code the cursor moves in) of the next op.
    #[inline(always)]
    pub(super) fn pc_in(&self, code: &[Inst]) -> usize {
        pc_of(self.address(), code)
    }
}

/// Index in `code` of the op at address `address` (of an op of `code`, or
/// just past its end).
#[inline(always)]
pub(super) fn pc_of(address: usize, code: &[Inst]) -> usize {
    address.wrapping_sub(code.as_ptr() as usize) / std::mem::size_of::<Inst>()
}

/// The end of an `N`-byte access at `addr + offset`, if it has one: so
/// that an access is checked with one addition and one comparison (checking
/// the start, then the room after it, took twice the instructions and two
/// more registers in every load and store handler). Not saturating instead
/// of checked: that saves a branch condition but LLVM makes it a `cmov`,
/// and with it `br_table` (a loaded index deciding an often mispredicted
/// jump) ran 1.6× slower.
#[inline(always)]
fn access_end<const N: usize>(addr: u64, offset: u64) -> Option<usize> {
    usize::try_from(addr.checked_add(offset.checked_add(N as u64)?)?).ok()
}

/// The `N` bytes of `memory` at `addr + offset`, if they are in it.
#[inline(always)]
pub(super) fn load_bytes<const N: usize>(memory: &[u8], addr: u64, offset: u64) -> Option<[u8; N]> {
    let end = access_end::<N>(addr, offset)?;
    if end > memory.len() {
        return None;
    }
    // SAFETY: `end` is `addr + offset + N` without overflow, so
    // `N <= end <= memory.len()`: the `N` bytes before it are in `memory`.
    Some(unsafe {
        memory
            .as_ptr()
            .add(end - N)
            .cast::<[u8; N]>()
            .read_unaligned()
    })
}

/// Writes `bytes` to `memory` at `addr + offset`; `false` if they do not
/// fit in it.
#[inline(always)]
pub(super) fn store_bytes<const N: usize>(
    memory: &mut [u8],
    addr: u64,
    offset: u64,
    bytes: [u8; N],
) -> bool {
    let Some(end) = access_end::<N>(addr, offset) else {
        return false;
    };
    if end > memory.len() {
        return false;
    }
    // SAFETY: as in `load_bytes`; `memory` is borrowed exclusively.
    unsafe {
        memory
            .as_mut_ptr()
            .add(end - N)
            .cast::<[u8; N]>()
            .write_unaligned(bytes);
    }
    true
}
