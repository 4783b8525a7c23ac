//! Threaded dispatch, the default inner dispatcher: every straight-line op
//! and branch (the `for_each_op!` shapes, plus copies, constants, `select`,
//! `br` and paired increments) is a handler that ends by calling the
//! handler of the next op in tail position, with its own signature (direct
//! threading: each handler's address is stored in front of its op,
//! `code::Inst`). Each handler thus has its own
//! indirect jump, which the branch predictor learns per op, instead of the
//! one jump of `loop { match }`, and the hot state (cursor, frame, memory 0)
//! lives in argument registers.
//!
//! On stable Rust the tail call is LLVM's sibling-call optimisation, which
//! optimised builds apply to these handlers (all arguments in registers,
//! same signature) but which the language does not guarantee: a test
//! (`straight_line_and_branch_handlers_leave_no_frame`) checks it for every
//! handler that runs without an instance, and a fuel counter returns to the
//! loop after [`FUEL`] calls and returns, bounding the host stack the chain
//! could take should a call or return handler keep a frame (debug builds,
//! whose handlers all keep one, charge every handler). With the nightly
//! feature `tail-dispatch` the call is a guaranteed tail call (`become`).
//! The feature `match-dispatch` selects the `loop { match }` inner
//! dispatcher (`straight`) instead.
//!
//! Calls of functions of the running instance (`call_internal`, and
//! `call_indirect` that reaches one), returns to callers of the same
//! instance and `global.get`/`global.set` run here too, through the state
//! the loop shares (`chain`); every other call or return, and tables and
//! bulk operations stay in the match loop: their
//! handler returns to it with the cursor at the op, and so does a trap. Only memory 0 is reachable from here; the loop hands
//! it in (and refetches it after every op it runs itself, so `memory.grow`
//! and host calls are seen).

use super::chain::{self, Chain, Suspended};
use super::code::{Copy2Br, Inst, Op, OpKind, Slot, for_each_op};
use super::exec::{
    Imm, SwitchFailed, add_imm, index_addr, jump_to_case, load, load_op_store, store,
    switch_on_byte,
};
use super::regs::{Cursor, Regs, pc_of};
use crate::func::FuncKind;
use crate::interp::numeric::{self, Slot as SlotValue};
use crate::trap::TrapCode;

/// Where the threaded code stopped: the address of the op for the match
/// loop, or of the op after one that trapped, with the trap. One word (the
/// address in the low 56 bits, the trap code plus one above them; user-space
/// addresses are below 2^56 on x86-64 and AArch64), so that every exit of
/// a handler returns a scalar: the optimiser merges a handler's exits into
/// one return, and only for a scalar does it duplicate that return back
/// into each exit again, which a tail call to the next handler needs. An
/// address rather than an index: the cursor is one word, without the code
/// start, and the loop knows the code ([`Stop::pc_in`]).
#[derive(Clone, Copy, Debug)]
pub(super) struct Stop(u64);

/// Where `Stop` keeps the trap code.
const TRAP_SHIFT: u32 = 56;

impl Stop {
    /// The match loop is to run the op at `cursor`.
    #[inline(always)]
    pub(super) fn at(cursor: &Cursor<'_>) -> Stop {
        Stop::at_address(cursor.address())
    }

    #[inline(always)]
    fn at_address(address: usize) -> Stop {
        debug_assert!((address as u64) >> TRAP_SHIFT == 0, "op address too high");
        Stop(address as u64)
    }

    /// The op at address `at` trapped with `code`. Out of line: traps are
    /// rare. (Given the address, not the cursor: a reference to the cursor
    /// made every handler that can trap keep it in memory.)
    #[cold]
    #[inline(never)]
    pub(super) fn trapped(at: usize, code: TrapCode) -> Stop {
        let index = TrapCode::ALL.iter().position(|&c| c == code).unwrap_or(0);
        let after = at.wrapping_add(std::mem::size_of::<Inst>());
        Stop(Stop::at_address(after).0 | ((index as u64 + 1) << TRAP_SHIFT))
    }

    /// The index in `code`, the code of the frame the chain stopped in.
    #[inline(always)]
    pub(super) fn pc_in(self, code: &[Inst]) -> usize {
        pc_of((self.0 & ((1 << TRAP_SHIFT) - 1)) as usize, code)
    }

    #[inline(always)]
    pub(super) fn trap(self) -> Option<TrapCode> {
        let index = (self.0 >> TRAP_SHIFT) as usize;
        index
            .checked_sub(1)
            .and_then(|i| TrapCode::ALL.get(i).copied())
    }
}

/// A handler: the cursor (at its op), the frame, memory 0 and the fuel
/// left. Five words in all, so that every argument travels in a register
/// (x86-64 and AArch64) and the call to the next handler can be a jump.
pub(super) type Handler = for<'a, 'm> fn(Cursor<'a>, Regs, &'m mut [u8], Fuel) -> Stop;

/// The fuel left ([`FUEL`]). 64 bits: see [`go_charged!`].
type Fuel = u64;

/// How many calls and returns (every handler in a debug build) may run
/// before the chain returns to the loop. With guaranteed tail calls
/// (`become`) this is never reached in practice; with LLVM's sibling-call
/// optimisation (stable) it bounds the host stack the chain can take should
/// the optimiser keep a frame in a call or return handler (a debug build
/// keeps one in every handler), so that correctness never depends on it.
/// The other handlers do not charge it in optimised builds (see [`go!`]):
/// its test and decrement in every handler took 2.5 % of the time
/// (0006-fast-interpreter.md).
const FUEL: Fuel = if cfg!(debug_assertions) { 64 } else { 1 << 12 };

/// The handler of ops of kind `kind` ([`Inst`](super::code::Inst) keeps it).
#[inline(always)]
pub(super) fn handler(kind: OpKind) -> Handler {
    HANDLERS[kind as usize]
}

/// Runs threaded handlers from the op at `cursor` (of the running frame of
/// `chain`, whose slots are `regs`) on. When it stops, `chain` holds the
/// frame it stopped in, and `Stop::pc` is an index into that frame's code.
#[inline(always)]
pub(super) fn run(
    cursor: &Cursor<'_>,
    regs: Regs,
    memory: &mut [u8],
    chain: &mut Chain<'_>,
) -> Stop {
    let _installed = chain.install();
    cursor.handler()(*cursor, regs, memory, FUEL)
}

/// Continues with the op after the one at `$cursor` (a handler's own op:
/// `take!` leaves the cursor on it, so that the handler reads its operands
/// through the one pointer and advances it only here).
macro_rules! next {
    ($cursor:ident, $regs:expr, $memory:expr, $fuel:expr) => {{
        $cursor.next();
        go!($cursor, $regs, $memory, $fuel)
    }};
}

/// Continues with the handler of the op at `$cursor` (the next op, a branch
/// target): a guaranteed tail call on nightly.
#[cfg(feature = "tail-dispatch")]
macro_rules! go {
    ($cursor:expr, $regs:expr, $memory:expr, $fuel:expr) => {
        become $cursor.handler()($cursor, $regs, $memory, $fuel)
    };
}

/// Continues with the handler of the op at `$cursor`: a call in tail
/// position with the caller's own signature, which optimised builds turn
/// into a jump (LLVM's sibling-call optimisation). Without fuel: the test
/// `straight_line_and_branch_handlers_leave_no_frame` runs every such
/// handler a hundred thousand times in one run of the chain on a small
/// stack, so a handler that kept a frame fails it; calls and returns
/// charge the fuel ([`go_charged!`]). Debug builds keep a frame in every
/// handler: there every dispatch charges it.
#[cfg(all(not(debug_assertions), not(feature = "tail-dispatch")))]
macro_rules! go {
    ($cursor:expr, $regs:expr, $memory:expr, $fuel:expr) => {
        return $cursor.handler()($cursor, $regs, $memory, $fuel)
    };
}

#[cfg(all(debug_assertions, not(feature = "tail-dispatch")))]
macro_rules! go {
    ($cursor:expr, $regs:expr, $memory:expr, $fuel:expr) => {
        go_charged!($cursor, $regs, $memory, $fuel)
    };
}

/// Continues with the handler of the op at `$cursor` (a callee's first op,
/// a caller's resume point) and charges the fuel: should the optimiser keep
/// a frame in a call or return handler, the fuel bounds the host stack the
/// chain takes, whatever the program (calls and returns are not covered by
/// the frame test: they need a running instance).
#[cfg(feature = "tail-dispatch")]
macro_rules! go_charged {
    ($cursor:expr, $regs:expr, $memory:expr, $fuel:expr) => {
        go!($cursor, $regs, $memory, $fuel)
    };
}

/// Without `become`: fuel in `1..=FUEL` is left to spend; anything else (0, or a count that
/// wrapped: taken conditional branches decrement it unchecked, see
/// `branch!`) is spent. A 64-bit count cannot wrap back into the range.
#[cfg(not(feature = "tail-dispatch"))]
macro_rules! go_charged {
    ($cursor:expr, $regs:expr, $memory:expr, $fuel:expr) => {{
        let fuel: Fuel = ($fuel).wrapping_sub(1);
        if fuel >= FUEL {
            return Stop::at(&$cursor);
        }
        return $cursor.handler()($cursor, $regs, $memory, fuel);
    }};
}

/// Ends a conditional branch handler: two dispatch sites, one per outcome,
/// each with its own indirect jump, so that the predictor learns the
/// target of the taken and of the fall-through path separately (one jump
/// after a select of the two cursors mixes them). The taken path passes the
/// fuel on decremented, unchecked: with only the cursor differing, LLVM
/// merges the two dispatches into one jump after a `cmov` (measured 5 %
/// slower on the corpus, 30 % on `loops`); one decrement keeps them apart.
macro_rules! branch {
    ($taken:expr, $target:expr, $cursor:ident, $regs:expr, $memory:expr, $fuel:expr) => {{
        if $taken {
            $cursor.jump($target);
            go!($cursor, $regs, $memory, ($fuel).wrapping_sub(1))
        } else {
            next!($cursor, $regs, $memory, $fuel)
        }
    }};
}

/// Takes the op at `$cursor` apart as variant `$variant`, leaving the
/// cursor on it (`next!` moves on). Any other op is
/// impossible (each op carries its own kind's handler, `Inst`): optimised builds
/// rely on that (unchecked), debug builds check it and go back to the
/// loop, which handles every op.
macro_rules! take {
    ($cursor:ident, $variant:ident) => {{
        #[cfg(debug_assertions)]
        let Op::$variant(x) = *$cursor.peek() else {
            return Stop::at(&$cursor);
        };
        #[cfg(not(debug_assertions))]
        #[allow(unsafe_code)]
        let Op::$variant(x) = *$cursor.peek() else {
            // SAFETY: the handler table is generated from the op table in
            // `OpKind` order, so the handler at index `op.kind()` is the
            // one of `op`'s variant, and every `Inst` holds the handler of
            // its op's kind (`Inst::new`; its fields are private): this
            // handler only runs on its own variant. (Written as `let …
            // else` so that LLVM drops the check; through an `Option` it
            // kept it.)
            unsafe { std::hint::unreachable_unchecked() }
        };
        x
    }};
}

macro_rules! handlers {
    (
        un { $($un:ident: $unt:ty => |$una:ident| $une:expr;)* }
        un_trap { $($ut:ident: $utt:ty => |$uta:ident| $ute:expr;)* }
        bin { $($bin:ident: $bint:ty => |$bina:ident, $binb:ident| $bine:expr;)* }
        bin_trap { $($bt:ident: $btt:ty => |$bta:ident, $btb:ident| $bte:expr;)* }
        bin_imm { $($bi:ident: $bit:ty => |$bia:ident, $bib:ident| $bie:expr;)* }
        br_test { $($bz:ident: $bzt:ty => |$bza:ident| $bze:expr;)* }
        br_cmp { $($bc:ident: $bct:ty => |$bca:ident, $bcb:ident| $bce:expr;)* }
        br_cmp_imm { $($bci:ident: $bcit:ty => |$bcia:ident, $bcib:ident| $bcie:expr;)* }
        load { $($ld:ident: $ldn:literal => |$ldb:ident| $lde:expr;)* }
        store { $($st:ident: $stn:literal => |$stv:ident| $ste:expr;)* }
        load_idx { $($ldx:ident: $ldxn:literal => |$ldxb:ident| $ldxe:expr;)* }
        store_idx { $($stx:ident: $stxn:literal => |$stxv:ident| $stxe:expr;)* }
        add_br_cmp { $($abc:ident: $abct:ty => |$abca:ident, $abcb:ident| $abce:expr;)* }
        add_br_cmp_imm { $($abi:ident: $abit:ty => |$abia:ident, $abib:ident| $abie:expr;)* }
        add_slot_br_cmp { $($asc:ident: $asct:ty => |$asca:ident, $ascb:ident| $asce:expr;)* }
        and_br { $($anb:ident: |$anbv:ident| $anbe:expr;)* }
        bin2 { $($b2:ident: $b2t:ty => |$b2a:ident, $b2b:ident| $b2f:expr, |$b2x:ident, $b2c:ident| $b2g:expr;)* }
        imm_bin { $($ib:ident: $ibt:ty => |$iba:ident, $ibb:ident| $ibf:expr, |$ibx:ident, $ibc:ident| $ibg:expr;)* }
        load_bin { $($lb:ident: $lbt:ty => |$lbv:ident, $lbb:ident| $lbe:expr;)* }
        load_bin_store { $($lbs:ident: $lbst:ty => |$lbsv:ident, $lbsb:ident| $lbse:expr;)* }
        bin_store { $($bs:ident: $bst:ty => |$bsa:ident, $bsb:ident| $bse:expr;)* }
        other { $($other:ident($ty:ty),)* }
    ) => {
        /// One handler per op kind, in `OpKind` order.
        static HANDLERS: [Handler; OpKind::NAMES.len()] = [
            $(handlers::$un::run,)* $(handlers::$ut::run,)* $(handlers::$bin::run,)*
            $(handlers::$bt::run,)* $(handlers::$bi::run,)* $(handlers::$bz::run,)*
            $(handlers::$bc::run,)* $(handlers::$bci::run,)* $(handlers::$ld::run,)*
            $(handlers::$st::run,)* $(handlers::$ldx::run,)* $(handlers::$stx::run,)*
            $(handlers::$abc::run,)* $(handlers::$abi::run,)* $(handlers::$asc::run,)*
            $(handlers::$anb::run,)*
            $(handlers::$b2::run,)* $(handlers::$ib::run,)* $(handlers::$lb::run,)*
            $(handlers::$lbs::run,)* $(handlers::$bs::run,)*
            $(other_handler!($other),)*
        ];

        #[allow(non_snake_case)]
        mod handlers {
            use super::*;
            $(pub(super) mod $un {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
                    let x = take!(cursor, $un);
                    let $una = <$unt as SlotValue>::from_slot(regs.get(x.src));
                    regs.set(x.dst, SlotValue::into_slot($une));
                    next!(cursor, regs, memory, fuel)
                }
            })*
            $(pub(super) mod $ut {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
                    let x = take!(cursor, $ut);
                    let $uta = <$utt as SlotValue>::from_slot(regs.get(x.src));
                    match $ute {
                        Ok(value) => regs.set(x.dst, SlotValue::into_slot(value)),
                        Err(code) => return Stop::trapped(cursor.address(), code),
                    }
                    next!(cursor, regs, memory, fuel)
                }
            })*
            $(pub(super) mod $bin {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
                    let x = take!(cursor, $bin);
                    let $bina = <$bint as SlotValue>::from_slot(regs.get(x.a));
                    let $binb = <$bint as SlotValue>::from_slot(regs.get(x.b));
                    regs.set(x.dst, SlotValue::into_slot($bine));
                    next!(cursor, regs, memory, fuel)
                }
            })*
            $(pub(super) mod $bt {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
                    let x = take!(cursor, $bt);
                    let $bta = <$btt as SlotValue>::from_slot(regs.get(x.a));
                    let $btb = <$btt as SlotValue>::from_slot(regs.get(x.b));
                    match $bte {
                        Ok(value) => regs.set(x.dst, SlotValue::into_slot(value)),
                        Err(code) => return Stop::trapped(cursor.address(), code),
                    }
                    next!(cursor, regs, memory, fuel)
                }
            })*
            $(pub(super) mod $bi {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
                    let x = take!(cursor, $bi);
                    let $bia = <$bit as SlotValue>::from_slot(regs.get(x.a));
                    let $bib = <$bit as Imm>::from_imm(x.imm);
                    regs.set(x.dst, SlotValue::into_slot($bie));
                    next!(cursor, regs, memory, fuel)
                }
            })*
            $(pub(super) mod $bz {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
                    let x = take!(cursor, $bz);
                    let $bza = <$bzt as SlotValue>::from_slot(regs.get(x.cond));
                    branch!($bze, x.target, cursor, regs, memory, fuel)
                }
            })*
            $(pub(super) mod $bc {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
                    let x = take!(cursor, $bc);
                    let $bca = <$bct as SlotValue>::from_slot(regs.get(x.a));
                    let $bcb = <$bct as SlotValue>::from_slot(regs.get(x.b));
                    branch!($bce, x.target, cursor, regs, memory, fuel)
                }
            })*
            $(pub(super) mod $bci {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
                    let x = take!(cursor, $bci);
                    let $bcia = <$bcit as SlotValue>::from_slot(regs.get(x.a));
                    let $bcib = <$bcit as Imm>::from_imm(x.imm);
                    branch!($bcie, x.target, cursor, regs, memory, fuel)
                }
            })*
            $(pub(super) mod $ld {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
                    let x = take!(cursor, $ld);
                    match load::<$ldn>(memory, regs.get(x.addr), u64::from(x.offset)) {
                        Some($ldb) => regs.set(x.dst, $lde),
                        None => return Stop::trapped(cursor.address(), TrapCode::MemoryOutOfBounds),
                    }
                    next!(cursor, regs, memory, fuel)
                }
            })*
            $(pub(super) mod $st {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
                    let x = take!(cursor, $st);
                    let $stv = regs.get(x.value);
                    if !store::<$stn>(memory, regs.get(x.addr), u64::from(x.offset), $ste) {
                        return Stop::trapped(cursor.address(), TrapCode::MemoryOutOfBounds);
                    }
                    next!(cursor, regs, memory, fuel)
                }
            })*
            $(pub(super) mod $ldx {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
                    let x = take!(cursor, $ldx);
                    let addr = index_addr(regs.get(x.a), regs.get(x.b));
                    match load::<$ldxn>(memory, addr, u64::from(x.offset)) {
                        Some($ldxb) => regs.set(x.dst, $ldxe),
                        None => return Stop::trapped(cursor.address(), TrapCode::MemoryOutOfBounds),
                    }
                    next!(cursor, regs, memory, fuel)
                }
            })*
            $(pub(super) mod $stx {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
                    let x = take!(cursor, $stx);
                    let $stxv = regs.get(x.value);
                    let addr = index_addr(regs.get(x.a), regs.get(x.b));
                    if !store::<$stxn>(memory, addr, u64::from(x.offset), $stxe) {
                        return Stop::trapped(cursor.address(), TrapCode::MemoryOutOfBounds);
                    }
                    next!(cursor, regs, memory, fuel)
                }
            })*
            $(pub(super) mod $abc {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
                    let x = take!(cursor, $abc);
                    let sum = add_imm(regs.get(x.a), x.imm);
                    regs.set(x.dst, sum);
                    let $abca = <$abct as SlotValue>::from_slot(sum);
                    let $abcb = <$abct as SlotValue>::from_slot(regs.get(x.b));
                    branch!($abce, x.target, cursor, regs, memory, fuel)
                }
            })*
            $(pub(super) mod $abi {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
                    let x = take!(cursor, $abi);
                    let sum = add_imm(regs.get(x.a), x.imm);
                    regs.set(x.dst, sum);
                    let $abia = <$abit as SlotValue>::from_slot(sum);
                    let $abib = <$abit as Imm>::from_imm(i32::from(x.limit));
                    branch!($abie, x.target, cursor, regs, memory, fuel)
                }
            })*
            $(pub(super) mod $asc {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
                    let x = take!(cursor, $asc);
                    let sum = u64::from((regs.get(x.a) as u32).wrapping_add(regs.get(x.addend) as u32));
                    regs.set(x.dst, sum);
                    let $asca = <$asct as SlotValue>::from_slot(sum);
                    let $ascb = <$asct as SlotValue>::from_slot(regs.get(x.b));
                    branch!($asce, x.target, cursor, regs, memory, fuel)
                }
            })*
            $(pub(super) mod $anb {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
                    let x = take!(cursor, $anb);
                    let $anbv = (regs.get(x.a) as u32) & (x.imm as u32);
                    regs.set(x.dst, u64::from($anbv));
                    branch!($anbe, x.target, cursor, regs, memory, fuel)
                }
            })*
            $(pub(super) mod $ib {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
                    let x = take!(cursor, $ib);
                    let $iba = <$ibt as SlotValue>::from_slot(regs.get(x.a));
                    let $ibb = <$ibt as Imm>::from_imm(x.imm);
                    let $ibx = $ibf;
                    regs.set(x.t, SlotValue::into_slot($ibx));
                    let $ibc = <$ibt as SlotValue>::from_slot(regs.get(x.c));
                    regs.set(x.dst, SlotValue::into_slot($ibg));
                    next!(cursor, regs, memory, fuel)
                }
            })*
            $(pub(super) mod $lb {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
                    let x = take!(cursor, $lb);
                    match load::<8>(memory, regs.get(x.addr), u64::from(x.offset)) {
                        Some(bytes) => {
                            let loaded = u64::from_le_bytes(bytes);
                            regs.set(x.ld, loaded);
                            let $lbv = <$lbt as SlotValue>::from_slot(loaded);
                            let $lbb = <$lbt as SlotValue>::from_slot(regs.get(x.b));
                            regs.set(x.dst, SlotValue::into_slot($lbe));
                        }
                        None => return Stop::trapped(cursor.address(), TrapCode::MemoryOutOfBounds),
                    }
                    next!(cursor, regs, memory, fuel)
                }
            })*
            $(pub(super) mod $lbs {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
                    let x = take!(cursor, $lbs);
                    if !load_op_store(memory, regs, x, |v, b| {
                        let $lbsv = <$lbst as SlotValue>::from_slot(v);
                        let $lbsb = <$lbst as SlotValue>::from_slot(b);
                        SlotValue::into_slot($lbse)
                    }) {
                        return Stop::trapped(cursor.address(), TrapCode::MemoryOutOfBounds);
                    }
                    next!(cursor, regs, memory, fuel)
                }
            })*
            $(pub(super) mod $bs {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
                    let x = take!(cursor, $bs);
                    let $bsa = <$bst as SlotValue>::from_slot(regs.get(x.a));
                    let $bsb = <$bst as SlotValue>::from_slot(regs.get(x.b));
                    let value = SlotValue::into_slot($bse);
                    regs.set(x.dst, value);
                    if !store::<8>(memory, regs.get(x.addr), u64::from(x.offset), value.to_le_bytes()) {
                        return Stop::trapped(cursor.address(), TrapCode::MemoryOutOfBounds);
                    }
                    next!(cursor, regs, memory, fuel)
                }
            })*
            $(pub(super) mod $b2 {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
                    let x = take!(cursor, $b2);
                    let $b2a = <$b2t as SlotValue>::from_slot(regs.get(x.a));
                    let $b2b = <$b2t as SlotValue>::from_slot(regs.get(x.b));
                    let $b2x = $b2f;
                    regs.set(x.t, SlotValue::into_slot($b2x));
                    let $b2c = <$b2t as SlotValue>::from_slot(regs.get(x.c));
                    regs.set(x.dst, SlotValue::into_slot($b2g));
                    next!(cursor, regs, memory, fuel)
                }
            })*
        }
    };
}

/// The handler of an `other` op: its own for the cheap ones, a return to
/// the match loop for the rest.
macro_rules! other_handler {
    (Br) => {
        br
    };
    (BrTable) => {
        br_table
    };
    (Copy) => {
        copy
    };
    (Copy2) => {
        copy2
    };
    (CopyBr) => {
        copy_br
    };
    (Copy2Br) => {
        copy2_br
    };
    (I32AddImmBr) => {
        add_imm_br
    };
    (I32AddImm2) => {
        add_imm2
    };
    (Const32) => {
        const32
    };
    (Const64) => {
        const64
    };
    (Select) => {
        select
    };
    (CallInternal) => {
        call_internal
    };
    (CallIndirect) => {
        call_indirect
    };
    (GlobalGet) => {
        global_get
    };
    (GlobalSet) => {
        global_set
    };
    (BrTableI32Load8U) => {
        br_table_load8u
    };
    (BrTableI32Load8UIdx) => {
        br_table_load8u_idx
    };
    (Return0) => {
        return0
    };
    (Return1) => {
        return1
    };
    (Return) => {
        return_list
    };
    ($other:ident) => {
        to_loop
    };
}

for_each_op!(handlers!);

fn to_loop<'a>(cursor: Cursor<'a>, _regs: Regs, _memory: &mut [u8], _fuel: Fuel) -> Stop {
    Stop::at(&cursor)
}

fn br<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
    let target = take!(cursor, Br);
    cursor.jump(target);
    go!(cursor, regs, memory, fuel)
}

/// `br_table`: the cases follow the op as one `Br` each, the last the
/// default (emission lays them out so and the verifier checks it).
fn br_table<'a>(cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
    let x = take!(cursor, BrTable);
    let mut cases = after(cursor);
    if !jump_to_case(&mut cases, x.len, regs.get(x.index) as u32) {
        // Impossible (verified); the loop runs the `br_table` itself.
        return back_to_loop(cursor.address());
    }
    go!(cases, regs, memory, fuel)
}

/// `br_table` on a byte it loads first (the `BrTable` after it has the
/// cases). The case is found before the byte is written: if the loop must
/// run the op instead, it runs it from the start.
fn br_table_load8u<'a>(cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
    let x = take!(cursor, BrTableI32Load8U);
    let load = (x.dst, regs.get(x.addr), x.offset);
    switch_on_loaded(cursor, regs, memory, fuel, load)
}

fn br_table_load8u_idx<'a>(cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
    let x = take!(cursor, BrTableI32Load8UIdx);
    let load = (x.dst, index_addr(regs.get(x.a), regs.get(x.b)), x.offset);
    switch_on_loaded(cursor, regs, memory, fuel, load)
}

#[inline(always)]
fn switch_on_loaded<'a>(
    cursor: Cursor<'a>,
    regs: Regs,
    memory: &mut [u8],
    fuel: Fuel,
    load: (Slot, u64, u32),
) -> Stop {
    let mut case = after(cursor);
    match switch_on_byte(&mut case, regs, memory, load) {
        Ok(()) => go!(case, regs, memory, fuel),
        Err(SwitchFailed::OutOfBounds) => {
            Stop::trapped(cursor.address(), TrapCode::MemoryOutOfBounds)
        }
        Err(SwitchFailed::Unverified) => back_to_loop(cursor.address()),
    }
}

fn copy<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
    let x = take!(cursor, Copy);
    regs.set(x.dst, regs.get(x.src));
    next!(cursor, regs, memory, fuel)
}

fn copy2<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
    let x = take!(cursor, Copy2);
    regs.set(x.dst0, regs.get(x.src0));
    regs.set(x.dst1, regs.get(x.src1));
    next!(cursor, regs, memory, fuel)
}

fn copy_br<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
    let x = take!(cursor, CopyBr);
    regs.set(x.dst, regs.get(x.src));
    cursor.jump(x.target);
    go!(cursor, regs, memory, fuel)
}

fn copy2_br<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
    let Copy2Br { copies: x, target } = take!(cursor, Copy2Br);
    regs.set(x.dst0, regs.get(x.src0));
    regs.set(x.dst1, regs.get(x.src1));
    cursor.jump(target);
    go!(cursor, regs, memory, fuel)
}

fn add_imm_br<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
    let x = take!(cursor, I32AddImmBr);
    regs.set(
        x.dst,
        u64::from((regs.get(x.a) as u32).wrapping_add(x.imm as u32)),
    );
    cursor.jump(x.target);
    go!(cursor, regs, memory, fuel)
}

fn add_imm2<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
    let x = take!(cursor, I32AddImm2);
    regs.set(x.dst0, add_imm(regs.get(x.a0), x.imm0));
    regs.set(x.dst1, add_imm(regs.get(x.a1), x.imm1));
    next!(cursor, regs, memory, fuel)
}

fn const32<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
    let x = take!(cursor, Const32);
    regs.set(x.dst, u64::from(x.value));
    next!(cursor, regs, memory, fuel)
}

fn const64<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
    let x = take!(cursor, Const64);
    regs.set(x.dst, x.value());
    next!(cursor, regs, memory, fuel)
}

fn select<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
    let x = take!(cursor, Select);
    let value = if regs.get(x.cond) as u32 != 0 {
        regs.get(x.a)
    } else {
        regs.get(x.b)
    };
    regs.set(x.dst, value);
    next!(cursor, regs, memory, fuel)
}

/// The cursor after the op at `cursor`.
#[inline(always)]
fn after(mut cursor: Cursor<'_>) -> Cursor<'_> {
    cursor.next();
    cursor
}

/// Leaves the chain for the loop, which runs the op at `at` itself. Out
/// of line: returned from several places of a handler, an inlined `Stop`
/// merges with the next handler's result into one return, which is then
/// no longer a tail call.
#[cold]
#[inline(never)]
fn back_to_loop(at: usize) -> Stop {
    Stop::at_address(at)
}

/// `call_internal`: the callee's frame goes right after the caller's, as
/// the loop's `enter!` lays it out; the loop makes the call instead when
/// the callee is not translated yet, the depth limit or the stack's end is
/// near, or calls are counted for tiering.
#[allow(unsafe_code)]
fn call_internal<'a>(cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
    let at = cursor.address();
    let call = take!(cursor, CallInternal);
    // One exit for every refusal: with several, the optimiser merges them
    // with the next handler's result into one return that is then no
    // longer a tail call.
    // SAFETY: a handler of the run that installed the chain.
    let entered = unsafe { chain::current() }
        .and_then(|chain| enter(chain, after(cursor), call.func, call.list, regs));
    match entered {
        Some((callee_cursor, callee_regs)) => go_charged!(callee_cursor, callee_regs, memory, fuel),
        None => back_to_loop(at),
    }
}

/// `call_indirect` of a function of the running instance; the loop makes
/// the call when it traps or reaches another instance or the host, and in
/// the cases of `call_internal`.
#[allow(unsafe_code)]
fn call_indirect<'a>(cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
    let at = cursor.address();
    let call = take!(cursor, CallIndirect);
    // SAFETY: a handler of the run that installed the chain.
    let entered = unsafe { chain::current() }.and_then(|chain| {
        // `bulk::indirect_target`'s checks; the loop makes the call and
        // traps when one fails.
        let elements = chain.elements(call.table)?;
        let handle = *elements.get(usize::try_from(regs.get(call.index)).ok()?)?;
        let target = chain
            .funcs
            .get(usize::try_from(handle.checked_sub(1)?).ok()?)?;
        if target.type_id != *chain.type_ids.get(call.type_index as usize)? {
            return None;
        }
        match target.kind {
            FuncKind::Wasm { instance, defined } if instance == chain.instance => {
                enter(chain, after(cursor), defined, call.list, regs)
            }
            _ => None,
        }
    });
    match entered {
        Some((callee_cursor, callee_regs)) => go_charged!(callee_cursor, callee_regs, memory, fuel),
        None => back_to_loop(at),
    }
}

/// Pushes the running frame as the caller of a call op (whose slot list is
/// `list`; the caller resumes at `resume`, the op after it) and returns the cursor and frame of defined
/// function `callee` of the running instance, its arguments in place;
/// `None` (nothing changed) when the loop must make the call.
#[inline(always)]
#[allow(unsafe_code)]
fn enter<'c>(
    chain: &mut Chain<'c>,
    resume: Cursor<'_>,
    callee_index: u32,
    list: u32,
    regs: Regs,
) -> Option<(Cursor<'c>, Regs)> {
    let len = chain.callers.len();
    if len >= chain.callers_limit {
        return None;
    }
    let callee = chain.code.get(callee_index)?;
    let caller = chain.func;
    // SAFETY: the chain runs the code of its running function, `caller`:
    // the handler's cursor is in it.
    let resume = unsafe { resume.within(&caller.code) };
    let frame_size = caller.frame_size as usize;
    let callee_base = chain.base + frame_size;
    let callee_extent = callee.extent as usize;
    if callee_base + callee_extent > chain.stack_len {
        return None;
    }
    let callee_cursor = Cursor::new(&callee.code, 0)?;
    let (args, results) = call_lists(&caller.lists, list);
    let callee_regs = regs.above(frame_size, callee_extent);
    pass_args(args, regs, callee_regs);
    let suspended = Suspended {
        func: caller,
        inst: chain.inst,
        results,
        base: chain.base,
        instance: chain.instance,
        defined: chain.defined,
        resume,
    };
    // SAFETY: `len < callers_limit <= capacity` (the loop bounds the limit
    // by the capacity, which the chain never changes), so the element at
    // `len` is spare room; it is initialised before the length covers it.
    // (`push` would bring in the allocator's call, and with it register
    // saves on every call.)
    unsafe {
        chain.callers.as_mut_ptr().add(len).write(suspended);
        chain.callers.set_len(len + 1);
    }
    chain.func = callee;
    chain.base = callee_base;
    chain.defined = callee_index;
    callee_regs.start(callee);
    Some((callee_cursor, callee_regs))
}

/// The argument and result slots of a call's slot list (`FastFunc::lists`:
/// the two counts, then the slots) of a call op of the running function.
/// Unchecked: the checks and their exits took registers that the call
/// handlers then saved and restored on every call.
#[inline(always)]
#[allow(unsafe_code)]
fn call_lists(lists: &[Slot], list: u32) -> (&[Slot], &[Slot]) {
    let at = list as usize;
    debug_assert!(at + 1 < lists.len(), "call list out of range");
    // SAFETY: `compile::verify::check` proved for every call op of the
    // function (`check_call_list`) that both counts lie in `lists` and
    // that the slots they count follow them within it; `at + 2` is then at
    // most `lists.len()`, so even empty slices start in or just past it.
    unsafe {
        let counts = lists.as_ptr().add(at);
        let args = usize::from(*counts);
        let results = usize::from(*counts.add(1));
        let args_at = counts.add(2);
        (
            std::slice::from_raw_parts(args_at, args),
            std::slice::from_raw_parts(args_at.add(args), results),
        )
    }
}

/// Copies a call's arguments into the callee's first slots. Calls mostly
/// pass few arguments: those counts take straight-line code (a general
/// loop is unrolled and checked for overlap, some 30 instructions for one
/// argument).
#[inline(always)]
fn pass_args(args: &[Slot], caller: Regs, callee: Regs) {
    match *args {
        [] => {}
        [a] => callee.write(0, caller.get(a)),
        [a, b] => {
            callee.write(0, caller.get(a));
            callee.write(1, caller.get(b));
        }
        [a, b, c] => {
            callee.write(0, caller.get(a));
            callee.write(1, caller.get(b));
            callee.write(2, caller.get(c));
        }
        _ => pass_many_args(args, caller, callee),
    }
}

/// `pass_args` for four arguments or more. Out of line: the loop's
/// registers and its unrolled copies made every call save and restore
/// more registers.
#[inline(never)]
fn pass_many_args(args: &[Slot], caller: Regs, callee: Regs) {
    for (i, &arg) in args.iter().enumerate() {
        callee.write(i, caller.get(arg));
    }
}

/// Returns to the innermost caller this run of the loop suspended, when it
/// belongs to the same instance (same memory 0), writing the results with
/// `write(caller_regs, caller's result slots)`; the loop returns otherwise.
#[inline(always)]
#[allow(unsafe_code)]
fn return_with(
    at: usize,
    regs: Regs,
    memory: &mut [u8],
    fuel: Fuel,
    write: impl FnOnce(Regs, &[super::code::Slot]),
) -> Stop {
    // SAFETY: a handler of the run that installed the chain.
    let Some(chain) = (unsafe { chain::current() }) else {
        return back_to_loop(at);
    };
    let Some(top) = chain.callers.len().checked_sub(1) else {
        return back_to_loop(at);
    };
    // The record is read through a pointer, each field where it is needed:
    // copied out whole, its seven words stayed in registers across the
    // result write, and the handler saved four more registers.
    let caller = &chain.callers[top];
    if !std::ptr::eq(caller.inst, chain.inst) {
        return back_to_loop(at);
    }
    let Some(by) = chain.base.checked_sub(caller.base) else {
        return back_to_loop(at);
    };
    let caller_regs = regs.below(by, caller.func.extent as usize);
    let caller: *const Suspended<'_> = caller;
    // SAFETY: `caller` points at the top record of `chain.callers`, which
    // nothing changes until `set_len` below (`write` writes frame slots).
    write(caller_regs, unsafe { (*caller).results });
    // SAFETY: as above.
    let Suspended {
        func,
        base,
        defined,
        resume,
        ..
    } = unsafe { *caller };
    chain.func = func;
    chain.base = base;
    chain.defined = defined;
    // SAFETY: `top < len`: the element stays initialised, and `Suspended`
    // needs no drop (references and integers), so shortening forgets it.
    // (`truncate` re-checks the length against `top`: five more
    // instructions per return.)
    unsafe { chain.callers.set_len(top) };
    go_charged!(resume, caller_regs, memory, fuel)
}

fn return0<'a>(cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
    let at = cursor.address();
    take!(cursor, Return0);
    return_with(at, regs, memory, fuel, |_, _| {})
}

fn return1<'a>(cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
    let at = cursor.address();
    let src = take!(cursor, Return1);
    let value = regs.get(src);
    return_with(at, regs, memory, fuel, |caller_regs, results| {
        if let Some(&slot) = results.first() {
            caller_regs.set(slot, value);
        }
    })
}

/// A multi-value `return`: the caller's result slots lie below the
/// callee's frame, so writing them reads nothing already overwritten.
#[allow(unsafe_code)]
fn return_list<'a>(cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
    let at = cursor.address();
    let list = take!(cursor, Return);
    // SAFETY: a handler of the run that installed the chain; the
    // reference ends here, before `return_with` takes its own.
    let Some(func) = (unsafe { chain::current() }).map(|chain| chain.func) else {
        return back_to_loop(at);
    };
    let slots = func.return_slots(list);
    return_with(at, regs, memory, fuel, |caller_regs, results| {
        for (&result, &slot) in results.iter().zip(slots) {
            caller_regs.set(result, regs.get(slot));
        }
    })
}

#[allow(unsafe_code)]
fn global_get<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
    let at = cursor.address();
    let x = take!(cursor, GlobalGet);
    // SAFETY: a handler of the run that installed the chain.
    let value = unsafe { chain::current() }.and_then(|chain| Some(chain.global(x.index)?.value));
    match value {
        Some(value) => {
            regs.set(x.slot, value);
            next!(cursor, regs, memory, fuel)
        }
        None => back_to_loop(at),
    }
}

#[allow(unsafe_code)]
fn global_set<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8], fuel: Fuel) -> Stop {
    let at = cursor.address();
    let x = take!(cursor, GlobalSet);
    // SAFETY: a handler of the run that installed the chain.
    let global = unsafe { chain::current() }.and_then(|chain| chain.global(x.index));
    match global {
        Some(global) => {
            global.value = regs.get(x.slot);
            next!(cursor, regs, memory, fuel)
        }
        None => back_to_loop(at),
    }
}

#[cfg(test)]
mod tests {
    use super::{Cursor, FUEL, Inst, Op, Stop};
    use crate::fast::code::OpKind;
    use crate::fast::regs::Regs;
    use crate::trap::TrapCode;

    /// The guarantee that lets optimised builds run the handlers without
    /// fuel (`go!`): every handler that continues with the next op or a
    /// branch target without a running instance runs a hundred thousand
    /// times in one run of the chain, on a thread with a 256 KiB stack, so
    /// that a handler the optimiser left with a frame (16 bytes at least)
    /// overflows it and fails the test. Debug builds keep a frame in every
    /// handler and charge the fuel everywhere: there the test only runs
    /// each op, in runs of at most `FUEL` handlers.
    #[test]
    fn straight_line_and_branch_handlers_leave_no_frame() {
        const RUN: usize = if cfg!(debug_assertions) {
            1_000
        } else {
            100_000
        };
        let tested = std::thread::Builder::new()
            .stack_size(256 << 10)
            .spawn(|| {
                let mut tested = Vec::new();
                let mut memory = vec![0u8; 1 << 16];
                let mut stack = vec![1u64; 64];
                let mut code = vec![Inst::new(Op::Trap(())); RUN + 1];
                for &kind in OpKind::ALL {
                    // Cases laid out after the table: not a single op.
                    if matches!(
                        kind,
                        OpKind::BrTable | OpKind::BrTableI32Load8U | OpKind::BrTableI32Load8UIdx
                    ) {
                        continue;
                    }
                    // Distinct operand slots, each holding 1 (no division by
                    // zero, addresses in memory); branches go to the next op
                    // either way (targets are relative to their branch).
                    let mut op = Op::zeroed(kind);
                    let mut next_slot = 0;
                    op.for_each_slot_mut(|slot| {
                        *slot = next_slot;
                        next_slot += 1;
                    });
                    if let Some(target) = op.target_mut() {
                        *target = crate::fast::compile::relative_target(0, 1);
                    }
                    code[..RUN].fill(Inst::new(op));
                    stack.fill(1);
                    let regs = Regs::new(&mut stack, 0, 64).unwrap();
                    let mut pc = 0;
                    let mut runs = 0;
                    while pc < RUN {
                        let cursor = Cursor::new(&code, pc).unwrap();
                        let stop = cursor.handler()(cursor, regs, &mut memory, FUEL);
                        assert_eq!(stop.trap(), None, "{kind:?} trapped");
                        if stop.pc_in(&code) == pc {
                            break; // the op is the match loop's or needs an instance
                        }
                        pc = stop.pc_in(&code);
                        runs += 1;
                    }
                    if pc == 0 {
                        continue;
                    }
                    assert_eq!(pc, RUN, "{kind:?} stopped early");
                    if !cfg!(debug_assertions) {
                        assert_eq!(runs, 1, "{kind:?} left the chain on the way");
                    }
                    tested.push(kind);
                }
                tested
            })
            .unwrap()
            .join()
            .expect("a handler kept a frame and overflowed the stack, or failed");
        // Every plain and fused straight-line op and every branch: the
        // shapes of the op table and the cheap `other` ops.
        for kind in [
            OpKind::I32Add,
            OpKind::F64Div,
            OpKind::I64Load,
            OpKind::I32Store8Idx,
            OpKind::AddSlotBrI32LtS,
            OpKind::BrNez32,
            OpKind::Br,
            OpKind::Copy2Br,
            OpKind::Select,
            OpKind::Const64,
        ] {
            assert!(tested.contains(&kind), "{kind:?} not tested");
        }
        assert!(tested.len() > 200, "only {} kinds tested", tested.len());
    }

    #[test]
    fn stops_keep_their_pc_and_trap() {
        let code = [Inst::new(Op::Trap(())); 4];
        for pc in 0..code.len() {
            let cursor = Cursor::new(&code, pc).unwrap();
            assert_eq!(Stop::at(&cursor).pc_in(&code), pc);
            assert_eq!(Stop::at(&cursor).trap(), None);
            for code_of_trap in TrapCode::ALL {
                let stop = Stop::trapped(cursor.address(), code_of_trap);
                assert_eq!(
                    (stop.pc_in(&code), stop.trap()),
                    (pc + 1, Some(code_of_trap))
                );
            }
        }
    }
}
