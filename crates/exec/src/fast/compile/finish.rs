//! The passes that finish a direct translation, over the branch ops the
//! translator recorded rather than over every op: jump threading, the
//! removal of clearing ops no path needs (constant slots get their final
//! numbers in the verifier's pass over every op).

#[cfg(debug_assertions)]
use crate::fast::code::Slot;
use crate::fast::code::{CopyBr, Op};

/// Where a branch to `target` really goes (a few jumps followed).
fn destination(code: &[Op], mut target: u32) -> u32 {
    for _ in 0..4 {
        match code.get(target as usize) {
            Some(&Op::Br(next)) if next != target => target = next,
            _ => break,
        }
    }
    target
}

/// Single-pass translation branches to a label before it knows what is
/// there: a branch to an unconditional jump goes straight to that jump's
/// target, and a jump to a return (the end of an `if` arm at the end of a
/// function) returns right there. `branches`: the index of every op that
/// holds a branch target, ascending, except `br_table` cases, which stay as
/// they are (the verifier checks them against the side table).
pub(super) fn thread_jumps(code: &mut [Op], branches: &[u32]) {
    for &pc in branches {
        let pc = pc as usize;
        let Some(&op) = code.get(pc) else {
            continue;
        };
        code[pc] = match op {
            Op::Br(target) => {
                let target = destination(code, target);
                match code.get(target as usize) {
                    Some(&ret @ (Op::Return0(()) | Op::Return1(_))) => ret,
                    _ => Op::Br(target),
                }
            }
            Op::CopyBr(x) => {
                let target = destination(code, x.target);
                match code.get(target as usize) {
                    Some(&Op::Return1(slot)) if slot == x.dst => Op::Return1(x.src),
                    _ => Op::CopyBr(CopyBr { target, ..x }),
                }
            }
            mut other => {
                if let Some(target) = other.target_mut() {
                    *target = destination(code, *target);
                }
                other
            }
        };
    }
}

/// The ops that are about to lose the first `removed` of their clearing
/// ops, and where their branches are.
pub(super) struct Cleared<'a> {
    pub code: &'a mut [Op],
    /// The `br_table` side table.
    pub targets: &'a mut [u32],
    /// Ops holding a branch target (as for [`thread_jumps`]).
    pub branches: &'a [u32],
    /// `br_table` ops (their inline cases follow them).
    pub tables: &'a [u32],
    pub removed: usize,
}

/// Moves every branch target down by the number of clearing ops that
/// [`kept`] leaves out (nothing branches into the clearing ops).
pub(super) fn retarget(cleared: Cleared<'_>) {
    let Cleared {
        code,
        targets,
        branches,
        tables,
        removed,
    } = cleared;
    let moved = removed as u32;
    for &at in branches {
        if let Some(target) = code.get_mut(at as usize).and_then(Op::target_mut) {
            *target -= moved;
        }
    }
    for &at in tables {
        let at = at as usize;
        let Some(&Op::BrTable(table)) = code.get(at) else {
            continue;
        };
        let cases = at + 1..(at + 1 + table.len as usize).min(code.len());
        for case in &mut code[cases] {
            if let Op::Br(target) = case {
                *target -= moved;
            }
        }
    }
    for target in targets.iter_mut() {
        *target -= moved;
    }
}

/// An exactly sized copy of `items`, keeping item `i < zeroed` only when
/// bit `i` of `keep` is set.
pub(super) fn kept<T: Copy>(items: &[T], keep: u64, zeroed: usize) -> Vec<T> {
    let zeroed = zeroed.min(items.len()).min(64);
    let clearing = u64::MAX.checked_shr(64 - zeroed as u32).unwrap_or(0);
    let removed = zeroed - (keep & clearing).count_ones() as usize;
    let mut out = Vec::with_capacity(items.len() - removed);
    for (at, &item) in items[..zeroed].iter().enumerate() {
        if keep & (1 << at) != 0 {
            out.push(item);
        }
    }
    out.extend_from_slice(&items[zeroed..]);
    out
}

/// Cross-check of the translator's record of its branches (debug builds):
/// `branches` and the cases after the `tables` are exactly the ops that
/// hold a branch target.
#[cfg(debug_assertions)]
pub(super) fn branches_recorded(code: &[Op], branches: &[u32], tables: &[u32]) -> bool {
    let mut expected = Vec::new();
    let mut pc = 0;
    while pc < code.len() {
        let mut op = code[pc];
        if let Op::BrTable(table) = op {
            if !tables.contains(&(pc as u32)) {
                return false;
            }
            pc += 1 + table.len as usize;
            continue;
        }
        if op.target_mut().is_some() {
            expected.push(pc as u32);
        }
        pc += 1;
    }
    expected == branches
}

/// Cross-check of the translator's structured clearing analysis (debug
/// builds): the declared locals (bit `i`: local `params + i`) that some
/// path from the code after the clearing ops (`code[zeroed..]`, threaded)
/// reads before writing, by a "definitely written" dataflow over the code.
#[cfg(debug_assertions)]
pub(super) fn read_before_written(
    code: &[Op],
    lists: &[Slot],
    params: usize,
    zeroed: usize,
) -> u64 {
    use crate::fast::code::Role;
    let bit = |slot: Slot| -> u64 {
        match (slot as usize).checked_sub(params) {
            Some(i) if i < zeroed && i < 64 => 1 << i,
            _ => 0,
        }
    };
    let list = |at: u32, skip: usize| -> u64 {
        let start = at as usize;
        let len = lists.get(start).map_or(0, |&n| n as usize);
        lists
            .get(start + skip..start + skip + len)
            .map_or(u64::MAX, |slots| slots.iter().fold(0, |m, &s| m | bit(s)))
    };
    let len = code.len();
    let mut state = vec![u64::MAX; len + 1];
    if zeroed >= len {
        return 0;
    }
    state[zeroed] = 0;
    let mut read_first = 0u64;
    let mut changed = true;
    while changed {
        changed = false;
        for pc in zeroed..len {
            let mut op = code[pc];
            let (mut reads, mut writes) = (0, 0);
            op.for_each_operand_mut(|slot, role| match role {
                Role::Read => reads |= bit(*slot),
                Role::Write => writes |= bit(*slot),
            });
            // A fused op reads its second half's operand after its first
            // half wrote it.
            if let Some((first, written, then)) = staged_reads(&op) {
                reads = first.iter().fold(0, |m, &s| m | bit(s)) | (bit(then) & !bit(written));
            }
            // A call writes its results (a `local.set` of the result
            // retargets the call's result slot to the local).
            let results = |at: u32| -> u64 {
                let start = at as usize;
                let (Some(&args), Some(&count)) = (lists.get(start), lists.get(start + 1)) else {
                    return 0;
                };
                let from = start + 2 + usize::from(args);
                lists
                    .get(from..from + usize::from(count))
                    .map_or(0, |slots| slots.iter().fold(0, |m, &s| m | bit(s)))
            };
            match op {
                Op::CallInternal(call) | Op::Call(call) => {
                    reads |= list(call.list, 2);
                    writes |= results(call.list);
                }
                Op::CallIndirect(call) => {
                    reads |= list(call.list, 2);
                    writes |= results(call.list);
                }
                Op::ReturnCallInternal(call) | Op::ReturnCall(call) => reads |= list(call.list, 2),
                Op::ReturnCallIndirect(call) => reads |= list(call.list, 2),
                Op::Return(at) => reads |= list(at, 1),
                _ => {}
            }
            let before = state[pc];
            read_first |= reads & !before;
            let after = before | writes;
            let mut meet = |to: usize| {
                if let Some(slot) = state.get_mut(to) {
                    let met = *slot & after;
                    if met != *slot {
                        *slot = met;
                        changed |= to <= pc;
                    }
                }
            };
            if let Some(&mut target) = op.target_mut() {
                meet(target as usize);
            }
            match op {
                Op::BrTable(table) => {
                    for case in 0..table.len as usize {
                        meet(pc + 1 + case);
                    }
                }
                _ if op.is_terminator() => {}
                _ => meet(pc + 1),
            }
        }
    }
    read_first
}

/// The ops made of two in sequence whose second half reads a slot after
/// the first half wrote one: the first half's reads, its written slot and
/// the second half's read.
#[cfg(debug_assertions)]
macro_rules! staged_reads {
    (
        un $un:tt un_trap $ut:tt bin $bin:tt bin_trap $bt:tt bin_imm $bi:tt br_test $bz:tt
        br_cmp $bc:tt br_cmp_imm $bci:tt load $ld:tt store $st:tt load_idx $ldx:tt
        store_idx $stx:tt add_br_cmp $abc:tt add_br_cmp_imm $abi:tt add_slot_br_cmp $asc:tt and_br $anb:tt
        bin2 { $($b2:ident: $b2t:ty => |$b2a:ident, $b2b:ident| $b2f:expr, |$b2x:ident, $b2c:ident| $b2g:expr;)* }
        imm_bin { $($ib:ident: $ibt:ty => |$iba:ident, $ibb:ident| $ibf:expr, |$ibx:ident, $ibc:ident| $ibg:expr;)* }
        load_bin { $($lb:ident: $lbt:ty => |$lbv:ident, $lbb:ident| $lbe:expr;)* }
        load_bin_store { $($lbs:ident: $lbst:ty => |$lbsv:ident, $lbsb:ident| $lbse:expr;)* }
        bin_store { $($bs:ident: $bst:ty => |$bsa:ident, $bsb:ident| $bse:expr;)* }
        other $other:tt
    ) => {
        fn staged_reads(op: &Op) -> Option<(Vec<Slot>, Slot, Slot)> {
            Some(match *op {
                $(Op::$b2(x) => (vec![x.a, x.b], x.t, x.c),)*
                $(Op::$ib(x) => (vec![x.a], x.t, x.c),)*
                $(Op::$lb(x) => (vec![x.addr], x.ld, x.b),)*
                $(Op::$lbs(x) => (vec![x.addr], x.ld, x.b),)*
                $(Op::$bs(x) => (vec![x.a, x.b], x.dst, x.addr),)*
                Op::I32AddImm2(x) => (vec![x.a0], x.dst0, x.a1),
                _ => return None,
            })
        }
    };
}

#[cfg(debug_assertions)]
crate::fast::code::for_each_op!(staged_reads!);
