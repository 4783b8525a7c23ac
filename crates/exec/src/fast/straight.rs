//! The hot inner loop of the stable dispatcher: `loop { match }` over the
//! straight-line ops and branches only (the `for_each_op!` shapes, plus
//! copies, constants, `select`, `br`, `br_table` and paired increments), in a small function of
//! its own whose only state is the cursor, the frame and memory 0.
//!
//! Why a separate function: the full dispatcher in `exec` keeps a dozen
//! values live (the store's arenas, the caller stack, the profile), so in
//! one big loop LLVM spills the frame pointer and reloads memory 0's
//! base and length through two indirections on every access. Here all of
//! them stay in registers. Every other op (calls, returns, globals, tables,
//! bulk memory, other memories) returns to the full dispatcher with the
//! cursor at that op, which runs it and comes back; so does a trap.
//!
//! The same contract as the tail-call threaded handlers of `threaded`
//! (nightly), which this loop stands in for on stable Rust.

use super::code::{Copy2Br, FastFunc, Op, for_each_op};
use super::exec::{
    Imm, SwitchFailed, add_imm, index_addr, jump_to_case, load, load_op_store, store, switch_load,
    switch_on_byte,
};
use super::regs::{Cursor, Regs};
use crate::interp::numeric::{self, Slot as SlotValue};
use crate::trap::TrapCode;

/// Where the loop stopped: the index of the op for the full dispatcher
/// (`trap` is `None`), or of the op after one that trapped. Plain values,
/// returned in registers: returning the cursor itself made LLVM keep it
/// in the caller's memory for the whole loop.
#[derive(Debug)]
pub(super) struct Stop {
    pub pc: usize,
    pub trap: Option<TrapCode>,
}

impl Stop {
    /// The index of the op in `code`, the running function's (the same
    /// signature as the threaded dispatcher's `Stop`, which keeps an address).
    pub(super) fn pc_in(&self, _code: &[super::code::Inst]) -> usize {
        self.pc
    }

    pub(super) fn trap(&self) -> Option<TrapCode> {
        self.trap
    }
}

macro_rules! straight {
    (
        $cursor:ident, $regs:ident, $memory:ident, $func:ident;
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
        loop {
            #[allow(unreachable_patterns)]
            match *$cursor.next() {
                $(Op::$un(x) => {
                    let $una = <$unt as SlotValue>::from_slot($regs.get(x.src));
                    $regs.set(x.dst, SlotValue::into_slot($une));
                })*
                $(Op::$ut(x) => {
                    let $uta = <$utt as SlotValue>::from_slot($regs.get(x.src));
                    match $ute {
                        Ok(value) => $regs.set(x.dst, SlotValue::into_slot(value)),
                        Err(code) => return Stop { pc: $cursor.pc_in(&$func.code), trap: Some(code) },
                    }
                })*
                $(Op::$bin(x) => {
                    let $bina = <$bint as SlotValue>::from_slot($regs.get(x.a));
                    let $binb = <$bint as SlotValue>::from_slot($regs.get(x.b));
                    $regs.set(x.dst, SlotValue::into_slot($bine));
                })*
                $(Op::$bt(x) => {
                    let $bta = <$btt as SlotValue>::from_slot($regs.get(x.a));
                    let $btb = <$btt as SlotValue>::from_slot($regs.get(x.b));
                    match $bte {
                        Ok(value) => $regs.set(x.dst, SlotValue::into_slot(value)),
                        Err(code) => return Stop { pc: $cursor.pc_in(&$func.code), trap: Some(code) },
                    }
                })*
                $(Op::$bi(x) => {
                    let $bia = <$bit as SlotValue>::from_slot($regs.get(x.a));
                    let $bib = <$bit as Imm>::from_imm(x.imm);
                    $regs.set(x.dst, SlotValue::into_slot($bie));
                })*
                $(Op::$bz(x) => {
                    let $bza = <$bzt as SlotValue>::from_slot($regs.get(x.cond));
                    if $bze {
                        $cursor.jump_after(x.target);
                    }
                })*
                $(Op::$bc(x) => {
                    let $bca = <$bct as SlotValue>::from_slot($regs.get(x.a));
                    let $bcb = <$bct as SlotValue>::from_slot($regs.get(x.b));
                    if $bce {
                        $cursor.jump_after(x.target);
                    }
                })*
                $(Op::$bci(x) => {
                    let $bcia = <$bcit as SlotValue>::from_slot($regs.get(x.a));
                    let $bcib = <$bcit as Imm>::from_imm(x.imm);
                    if $bcie {
                        $cursor.jump_after(x.target);
                    }
                })*
                $(Op::$ld(x) => {
                    match load::<$ldn>($memory, $regs.get(x.addr), u64::from(x.offset)) {
                        Some($ldb) => $regs.set(x.dst, $lde),
                        None => return Stop { pc: $cursor.pc_in(&$func.code), trap: Some(TrapCode::MemoryOutOfBounds) },
                    }
                })*
                $(Op::$st(x) => {
                    let $stv = $regs.get(x.value);
                    if !store::<$stn>($memory, $regs.get(x.addr), u64::from(x.offset), $ste) {
                        return Stop { pc: $cursor.pc_in(&$func.code), trap: Some(TrapCode::MemoryOutOfBounds) };
                    }
                })*
                $(Op::$ldx(x) => {
                    let addr = index_addr($regs.get(x.a), $regs.get(x.b));
                    match load::<$ldxn>($memory, addr, u64::from(x.offset)) {
                        Some($ldxb) => $regs.set(x.dst, $ldxe),
                        None => return Stop { pc: $cursor.pc_in(&$func.code), trap: Some(TrapCode::MemoryOutOfBounds) },
                    }
                })*
                $(Op::$stx(x) => {
                    let $stxv = $regs.get(x.value);
                    let addr = index_addr($regs.get(x.a), $regs.get(x.b));
                    if !store::<$stxn>($memory, addr, u64::from(x.offset), $stxe) {
                        return Stop { pc: $cursor.pc_in(&$func.code), trap: Some(TrapCode::MemoryOutOfBounds) };
                    }
                })*
                $(Op::$abc(x) => {
                    let sum = add_imm($regs.get(x.a), x.imm);
                    $regs.set(x.dst, sum);
                    let $abca = <$abct as SlotValue>::from_slot(sum);
                    let $abcb = <$abct as SlotValue>::from_slot($regs.get(x.b));
                    if $abce {
                        $cursor.jump_after(x.target);
                    }
                })*
                $(Op::$abi(x) => {
                    let sum = add_imm($regs.get(x.a), x.imm);
                    $regs.set(x.dst, sum);
                    let $abia = <$abit as SlotValue>::from_slot(sum);
                    let $abib = <$abit as Imm>::from_imm(i32::from(x.limit));
                    if $abie {
                        $cursor.jump_after(x.target);
                    }
                })*
                $(Op::$asc(x) => {
                    let sum = u64::from(($regs.get(x.a) as u32).wrapping_add($regs.get(x.addend) as u32));
                    $regs.set(x.dst, sum);
                    let $asca = <$asct as SlotValue>::from_slot(sum);
                    let $ascb = <$asct as SlotValue>::from_slot($regs.get(x.b));
                    if $asce {
                        $cursor.jump_after(x.target);
                    }
                })*
                $(Op::$anb(x) => {
                    let $anbv = ($regs.get(x.a) as u32) & (x.imm as u32);
                    $regs.set(x.dst, u64::from($anbv));
                    if $anbe {
                        $cursor.jump_after(x.target);
                    }
                })*
                $(Op::$ib(x) => {
                    let $iba = <$ibt as SlotValue>::from_slot($regs.get(x.a));
                    let $ibb = <$ibt as Imm>::from_imm(x.imm);
                    let $ibx = $ibf;
                    $regs.set(x.t, SlotValue::into_slot($ibx));
                    let $ibc = <$ibt as SlotValue>::from_slot($regs.get(x.c));
                    $regs.set(x.dst, SlotValue::into_slot($ibg));
                })*
                $(Op::$lb(x) => {
                    match load::<8>($memory, $regs.get(x.addr), u64::from(x.offset)) {
                        Some(bytes) => {
                            let loaded = u64::from_le_bytes(bytes);
                            $regs.set(x.ld, loaded);
                            let $lbv = <$lbt as SlotValue>::from_slot(loaded);
                            let $lbb = <$lbt as SlotValue>::from_slot($regs.get(x.b));
                            $regs.set(x.dst, SlotValue::into_slot($lbe));
                        }
                        None => return Stop { pc: $cursor.pc_in(&$func.code), trap: Some(TrapCode::MemoryOutOfBounds) },
                    }
                })*
                $(Op::$lbs(x) => {
                    if !load_op_store($memory, $regs, x, |v, b| {
                        let $lbsv = <$lbst as SlotValue>::from_slot(v);
                        let $lbsb = <$lbst as SlotValue>::from_slot(b);
                        SlotValue::into_slot($lbse)
                    }) {
                        return Stop { pc: $cursor.pc_in(&$func.code), trap: Some(TrapCode::MemoryOutOfBounds) };
                    }
                })*
                $(Op::$bs(x) => {
                    let $bsa = <$bst as SlotValue>::from_slot($regs.get(x.a));
                    let $bsb = <$bst as SlotValue>::from_slot($regs.get(x.b));
                    let value = SlotValue::into_slot($bse);
                    $regs.set(x.dst, value);
                    if !store::<8>($memory, $regs.get(x.addr), u64::from(x.offset), value.to_le_bytes()) {
                        return Stop { pc: $cursor.pc_in(&$func.code), trap: Some(TrapCode::MemoryOutOfBounds) };
                    }
                })*
                $(Op::$b2(x) => {
                    let $b2a = <$b2t as SlotValue>::from_slot($regs.get(x.a));
                    let $b2b = <$b2t as SlotValue>::from_slot($regs.get(x.b));
                    let $b2x = $b2f;
                    $regs.set(x.t, SlotValue::into_slot($b2x));
                    let $b2c = <$b2t as SlotValue>::from_slot($regs.get(x.c));
                    $regs.set(x.dst, SlotValue::into_slot($b2g));
                })*
                Op::Br(target) => $cursor.jump_after(target),
                Op::BrTable(table) => {
                    if !jump_to_case(&mut $cursor, table.len, $regs.get(table.index) as u32) {
                        // Impossible (verified); the full dispatcher reports it.
                        return Stop { pc: $cursor.pc_in(&$func.code) - 1, trap: None };
                    }
                }
                op @ (Op::BrTableI32Load8U(_) | Op::BrTableI32Load8UIdx(_)) => {
                    let switched = match switch_load(op, $regs) {
                        Some(load) => switch_on_byte(&mut $cursor, $regs, $memory, load),
                        None => Err(SwitchFailed::Unverified),
                    };
                    match switched {
                        Ok(()) => {}
                        Err(SwitchFailed::OutOfBounds) => {
                            return Stop { pc: $cursor.pc_in(&$func.code), trap: Some(TrapCode::MemoryOutOfBounds) };
                        }
                        // Impossible (verified); the full dispatcher reports it.
                        Err(SwitchFailed::Unverified) => {
                            return Stop { pc: $cursor.pc_in(&$func.code) - 1, trap: None };
                        }
                    }
                }
                Op::Copy(x) => $regs.set(x.dst, $regs.get(x.src)),
                Op::Copy2(x) => {
                    $regs.set(x.dst0, $regs.get(x.src0));
                    $regs.set(x.dst1, $regs.get(x.src1));
                }
                Op::CopyBr(x) => {
                    $regs.set(x.dst, $regs.get(x.src));
                    $cursor.jump_after(x.target);
                }
                Op::Copy2Br(Copy2Br { copies: x, target }) => {
                    $regs.set(x.dst0, $regs.get(x.src0));
                    $regs.set(x.dst1, $regs.get(x.src1));
                    $cursor.jump_after(target);
                }
                Op::I32AddImmBr(x) => {
                    $regs.set(x.dst, u64::from(($regs.get(x.a) as u32).wrapping_add(x.imm as u32)));
                    $cursor.jump_after(x.target);
                }
                Op::I32AddImm2(x) => {
                    $regs.set(x.dst0, add_imm($regs.get(x.a0), x.imm0));
                    $regs.set(x.dst1, add_imm($regs.get(x.a1), x.imm1));
                }
                Op::Const32(x) => $regs.set(x.dst, u64::from(x.value)),
                Op::Const64(x) => $regs.set(x.dst, x.value()),
                Op::Select(x) => {
                    let value = if $regs.get(x.cond) as u32 != 0 {
                        $regs.get(x.a)
                    } else {
                        $regs.get(x.b)
                    };
                    $regs.set(x.dst, value);
                }
                // Listed rather than `_`, so that the match is exhaustive
                // over a dense jump table without a range check.
                $(Op::$other(_))|* => return Stop { pc: $cursor.pc_in(&$func.code) - 1, trap: None },
            }
        }
    };
}

/// Runs ops from `cursor` on until one that needs the full dispatcher, or a
/// trap. `regs` is the frame of `func`, whose code `cursor` is in; `memory`
/// is memory 0 of its instance (empty without one: validation guarantees
/// no memory-0 op runs then).
#[inline(never)]
pub(super) fn run(cursor: &Cursor<'_>, regs: Regs, memory: &mut [u8], func: &FastFunc) -> Stop {
    let mut cursor = *cursor;
    for_each_op!(straight! cursor, regs, memory, func;)
}
