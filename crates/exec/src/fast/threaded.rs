//! Tail-call threaded dispatch (cargo feature `tail-dispatch`, nightly):
//! every straight-line op and branch (the `for_each_op!` shapes, plus
//! copies, constants, `select` and `br`) is a handler that ends by jumping,
//! with a guaranteed tail call (`become`), to the handler of the next op.
//! Each handler thus has its own indirect jump, which the branch predictor
//! learns per op, instead of the one jump of `loop { match }`.
//!
//! Calls, returns, tables, globals and bulk operations stay in the match
//! loop: their handler returns to it with the cursor at the op, and so does
//! a trap. Only memory 0 is reachable from here; the loop hands it in.

use super::code::{Op, OpKind, for_each_op};
use super::exec::{Imm, load, store};
use super::regs::{Cursor, Regs};
use crate::interp::numeric::{self, Slot as SlotValue};
use crate::trap::TrapCode;

/// Where the threaded code stopped: at an op for the match loop (`trap` is
/// `None`), or after an op that trapped.
#[derive(Debug)]
pub(super) struct Stop<'a> {
    pub cursor: Cursor<'a>,
    pub trap: Option<TrapCode>,
}

type Handler = for<'a, 'm> fn(Cursor<'a>, Regs, &'m mut [u8]) -> Stop<'a>;

/// Runs threaded handlers from the op at `cursor` on.
#[inline(always)]
pub(super) fn run<'a>(cursor: Cursor<'a>, regs: Regs, memory: &mut [u8]) -> Stop<'a> {
    HANDLERS[cursor.peek().kind() as usize](cursor, regs, memory)
}

/// Continues with the handler of the op at `$cursor`.
macro_rules! next {
    ($cursor:expr, $regs:expr, $memory:expr) => {
        become HANDLERS[$cursor.peek().kind() as usize]($cursor, $regs, $memory)
    };
}

/// Takes the op at `$cursor` apart as variant `$variant`; any other op
/// (impossible: the table sends each op to its handler) goes back to the
/// loop, which handles every op.
macro_rules! take {
    ($cursor:ident, $variant:ident) => {{
        let Op::$variant(x) = *$cursor.peek() else {
            return Stop {
                cursor: $cursor,
                trap: None,
            };
        };
        $cursor.next();
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
        other { $($other:ident($ty:ty),)* }
    ) => {
        /// One handler per op kind, in `OpKind` order.
        static HANDLERS: [Handler; OpKind::NAMES.len()] = [
            $(handlers::$un::run,)* $(handlers::$ut::run,)* $(handlers::$bin::run,)*
            $(handlers::$bt::run,)* $(handlers::$bi::run,)* $(handlers::$bz::run,)*
            $(handlers::$bc::run,)* $(handlers::$bci::run,)* $(handlers::$ld::run,)*
            $(handlers::$st::run,)* $(other_handler!($other),)*
        ];

        #[allow(non_snake_case)]
        mod handlers {
            use super::*;
            $(pub(super) mod $un {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8]) -> Stop<'a> {
                    let x = take!(cursor, $un);
                    let $una = <$unt as SlotValue>::from_slot(regs.get(x.src));
                    regs.set(x.dst, SlotValue::into_slot($une));
                    next!(cursor, regs, memory)
                }
            })*
            $(pub(super) mod $ut {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8]) -> Stop<'a> {
                    let x = take!(cursor, $ut);
                    let $uta = <$utt as SlotValue>::from_slot(regs.get(x.src));
                    match $ute {
                        Ok(value) => regs.set(x.dst, SlotValue::into_slot(value)),
                        Err(code) => return Stop { cursor, trap: Some(code) },
                    }
                    next!(cursor, regs, memory)
                }
            })*
            $(pub(super) mod $bin {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8]) -> Stop<'a> {
                    let x = take!(cursor, $bin);
                    let $bina = <$bint as SlotValue>::from_slot(regs.get(x.a));
                    let $binb = <$bint as SlotValue>::from_slot(regs.get(x.b));
                    regs.set(x.dst, SlotValue::into_slot($bine));
                    next!(cursor, regs, memory)
                }
            })*
            $(pub(super) mod $bt {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8]) -> Stop<'a> {
                    let x = take!(cursor, $bt);
                    let $bta = <$btt as SlotValue>::from_slot(regs.get(x.a));
                    let $btb = <$btt as SlotValue>::from_slot(regs.get(x.b));
                    match $bte {
                        Ok(value) => regs.set(x.dst, SlotValue::into_slot(value)),
                        Err(code) => return Stop { cursor, trap: Some(code) },
                    }
                    next!(cursor, regs, memory)
                }
            })*
            $(pub(super) mod $bi {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8]) -> Stop<'a> {
                    let x = take!(cursor, $bi);
                    let $bia = <$bit as SlotValue>::from_slot(regs.get(x.a));
                    let $bib = <$bit as Imm>::from_imm(x.imm);
                    regs.set(x.dst, SlotValue::into_slot($bie));
                    next!(cursor, regs, memory)
                }
            })*
            $(pub(super) mod $bz {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8]) -> Stop<'a> {
                    let x = take!(cursor, $bz);
                    let $bza = <$bzt as SlotValue>::from_slot(regs.get(x.cond));
                    if $bze {
                        cursor.jump(x.target);
                    }
                    next!(cursor, regs, memory)
                }
            })*
            $(pub(super) mod $bc {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8]) -> Stop<'a> {
                    let x = take!(cursor, $bc);
                    let $bca = <$bct as SlotValue>::from_slot(regs.get(x.a));
                    let $bcb = <$bct as SlotValue>::from_slot(regs.get(x.b));
                    if $bce {
                        cursor.jump(x.target);
                    }
                    next!(cursor, regs, memory)
                }
            })*
            $(pub(super) mod $bci {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8]) -> Stop<'a> {
                    let x = take!(cursor, $bci);
                    let $bcia = <$bcit as SlotValue>::from_slot(regs.get(x.a));
                    let $bcib = <$bcit as Imm>::from_imm(x.imm);
                    if $bcie {
                        cursor.jump(x.target);
                    }
                    next!(cursor, regs, memory)
                }
            })*
            $(pub(super) mod $ld {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8]) -> Stop<'a> {
                    let x = take!(cursor, $ld);
                    match load::<$ldn>(memory, regs.get(x.addr), u64::from(x.offset)) {
                        Some($ldb) => regs.set(x.dst, $lde),
                        None => return Stop { cursor, trap: Some(TrapCode::MemoryOutOfBounds) },
                    }
                    next!(cursor, regs, memory)
                }
            })*
            $(pub(super) mod $st {
                use super::*;
                pub(in super::super) fn run<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8]) -> Stop<'a> {
                    let x = take!(cursor, $st);
                    let $stv = regs.get(x.value);
                    if !store::<$stn>(memory, regs.get(x.addr), u64::from(x.offset), $ste) {
                        return Stop { cursor, trap: Some(TrapCode::MemoryOutOfBounds) };
                    }
                    next!(cursor, regs, memory)
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
    (Copy) => {
        copy
    };
    (Copy2) => {
        copy2
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
    ($other:ident) => {
        to_loop
    };
}

for_each_op!(handlers!);

fn to_loop<'a>(cursor: Cursor<'a>, _regs: Regs, _memory: &mut [u8]) -> Stop<'a> {
    Stop { cursor, trap: None }
}

fn br<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8]) -> Stop<'a> {
    let target = take!(cursor, Br);
    cursor.jump(target);
    next!(cursor, regs, memory)
}

fn copy<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8]) -> Stop<'a> {
    let x = take!(cursor, Copy);
    regs.set(x.dst, regs.get(x.src));
    next!(cursor, regs, memory)
}

fn copy2<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8]) -> Stop<'a> {
    let x = take!(cursor, Copy2);
    regs.set(x.dst0, regs.get(x.src0));
    regs.set(x.dst1, regs.get(x.src1));
    next!(cursor, regs, memory)
}

fn const32<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8]) -> Stop<'a> {
    let x = take!(cursor, Const32);
    regs.set(x.dst, u64::from(x.value));
    next!(cursor, regs, memory)
}

fn const64<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8]) -> Stop<'a> {
    let x = take!(cursor, Const64);
    regs.set(x.dst, x.value());
    next!(cursor, regs, memory)
}

fn select<'a>(mut cursor: Cursor<'a>, regs: Regs, memory: &mut [u8]) -> Stop<'a> {
    let x = take!(cursor, Select);
    let value = if regs.get(x.cond) as u32 != 0 {
        regs.get(x.a)
    } else {
        regs.get(x.b)
    };
    regs.set(x.dst, value);
    next!(cursor, regs, memory)
}
