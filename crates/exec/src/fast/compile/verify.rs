//! The invariants the dispatcher relies on instead of checking them at run
//! time, checked once per translated function: every slot operand lies in
//! the frame, every branch target and side-table index in bounds, and the
//! code cannot run off its end.

use crate::fast::code::{
    AddBrCmp, AddBrCmpImm, AddImm2, AndBr, Bin, Bin2, BinImm, BinStore, BrCmp, BrCmpImm, BrTest,
    Const32, Const64, CopyBr, FastFunc, ImmBin, Load, LoadBin, LoadIdx, MemKind, Op, Slot,
    SlotIndex, Store, StoreIdx, Un,
};

/// The common ops, checked in one match: each gets every slot operand
/// through `slot` (which gives it its final number and checks it) and
/// yields its branch target, if any; `None` for the other ops (checked
/// through the op table's operand visitor). Each operand struct is named
/// whole, so that a new field cannot go unchecked.
macro_rules! common_operands {
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
        and_br { $($anb:ident: |$anbv:ident| $anbe:expr;)* }
        bin2 { $($b2:ident: $b2t:ty => |$b2a:ident, $b2b:ident| $b2f:expr, |$b2x:ident, $b2c:ident| $b2g:expr;)* }
        imm_bin { $($ib:ident: $ibt:ty => |$iba:ident, $ibb:ident| $ibf:expr, |$ibx:ident, $ibc:ident| $ibg:expr;)* }
        load_bin { $($lb:ident: $lbt:ty => |$lbv:ident, $lbb:ident| $lbe:expr;)* }
        bin_store { $($bs:ident: $bst:ty => |$bsa:ident, $bsb:ident| $bse:expr;)* }
        other $other:tt
    ) => {
        #[inline(always)]
        fn common_operands(op: &mut Op, mut slot: impl FnMut(&mut Slot)) -> Option<Option<u32>> {
            Some(match op {
                $(Op::$un(Un { dst, src }))|* | $(Op::$ut(Un { dst, src }))|*
                | Op::Copy(Un { dst, src }) => {
                    slot(dst);
                    slot(src);
                    None
                }
                $(Op::$bin(Bin { dst, a, b }))|* | $(Op::$bt(Bin { dst, a, b }))|* => {
                    slot(dst);
                    slot(a);
                    slot(b);
                    None
                }
                $(Op::$bi(BinImm { dst, a, imm: _ }))|* => {
                    slot(dst);
                    slot(a);
                    None
                }
                $(Op::$bz(BrTest { cond, target }))|* => {
                    slot(cond);
                    Some(*target)
                }
                $(Op::$bc(BrCmp { a, b, target }))|* => {
                    slot(a);
                    slot(b);
                    Some(*target)
                }
                $(Op::$bci(BrCmpImm { a, imm: _, target }))|* => {
                    slot(a);
                    Some(*target)
                }
                $(Op::$ld(Load { dst, addr, offset: _ }))|* => {
                    slot(dst);
                    slot(addr);
                    None
                }
                $(Op::$st(Store { addr, value, offset: _ }))|* => {
                    slot(addr);
                    slot(value);
                    None
                }
                $(Op::$ldx(LoadIdx { dst, a, b, offset: _ }))|* => {
                    slot(dst);
                    slot(a);
                    slot(b);
                    None
                }
                $(Op::$stx(StoreIdx { a, b, value, offset: _ }))|* => {
                    slot(a);
                    slot(b);
                    slot(value);
                    None
                }
                $(Op::$abc(AddBrCmp { dst, a, b, imm: _, target }))|* => {
                    slot(dst);
                    slot(a);
                    slot(b);
                    Some(*target)
                }
                $(Op::$abi(AddBrCmpImm { dst, a, imm: _, limit: _, target }))|* => {
                    slot(dst);
                    slot(a);
                    Some(*target)
                }
                $(Op::$anb(AndBr { dst, a, imm: _, target }))|* => {
                    slot(dst);
                    slot(a);
                    Some(*target)
                }
                $(Op::$b2(Bin2 { t, a, b, dst, c }))|* => {
                    slot(t);
                    slot(a);
                    slot(b);
                    slot(dst);
                    slot(c);
                    None
                }
                $(Op::$ib(ImmBin { t, a, dst, c, imm: _ }))|* => {
                    slot(t);
                    slot(a);
                    slot(dst);
                    slot(c);
                    None
                }
                $(Op::$lb(LoadBin { ld, addr, dst, b, offset: _ }))|* => {
                    slot(ld);
                    slot(addr);
                    slot(dst);
                    slot(b);
                    None
                }
                $(Op::$bs(BinStore { dst, a, b, addr, offset: _ }))|* => {
                    slot(dst);
                    slot(a);
                    slot(b);
                    slot(addr);
                    None
                }
                Op::Br(target) => Some(*target),
                Op::CopyBr(CopyBr { dst, src, target }) => {
                    slot(dst);
                    slot(src);
                    Some(*target)
                }
                Op::I32AddImm2(AddImm2 { dst0, a0, dst1, a1, imm0: _, imm1: _ }) => {
                    slot(dst0);
                    slot(a0);
                    slot(dst1);
                    slot(a1);
                    None
                }
                Op::Const32(Const32 { dst, value: _ }) | Op::Const64(Const64 { dst, low: _, high: _ }) => {
                    slot(dst);
                    None
                }
                Op::Return1(src) => {
                    slot(src);
                    None
                }
                Op::GlobalGet(SlotIndex { slot: global, index: _ })
                | Op::GlobalSet(SlotIndex { slot: global, index: _ }) => {
                    slot(global);
                    None
                }
                Op::Trap(()) | Op::Return0(()) => None,
                _ => return None,
            })
        }
    };
}

crate::fast::code::for_each_op!(common_operands!);

/// Why a translated function was rejected (a translator bug).
/// `finish_slot` gives each slot operand of the code its final number
/// first (the direct translator's constant slots are named after the
/// frame, which is known only at the end): one pass over the code for
/// both, and what is checked is what runs.
pub(super) fn check(
    func: &mut FastFunc,
    mut finish_slot: impl FnMut(&mut Slot),
) -> Result<(), String> {
    let frame = func.frame_size as usize;
    if func.extent < func.frame_size || func.extent < func.params || func.extent < func.results {
        return Err("extent smaller than the frame".into());
    }
    if func.consts.len() > frame || func.const_base() < func.params as usize {
        return Err("constant slots outside the frame or over the parameters".into());
    }
    if func.code.len() != func.offsets.len() {
        return Err("one offset per op expected".into());
    }
    let len = func.code.len();
    match func.code.last() {
        Some(op) if op.is_terminator() => {}
        _ => return Err("code does not end in a terminator".into()),
    }
    let in_frame = |slot: u16| (slot as usize) < frame;
    let in_frame_all = |slots: &[u16]| slots.iter().all(|&s| in_frame(s));
    for pc in 0..len {
        let mut slots_ok = true;
        let mut check_slot = |slot: &mut Slot| {
            finish_slot(slot);
            slots_ok &= in_frame(*slot);
        };
        // The common ops have nothing more to check.
        let common = common_operands(&mut func.code[pc], &mut check_slot);
        if let Some(target) = common {
            if !slots_ok {
                let op = &func.code[pc];
                return Err(format!("op {pc} ({op:?}) names a slot outside the frame"));
            }
            if target.is_some_and(|target| target as usize >= len) {
                return Err(format!("op {pc} branches out of the code"));
            }
            continue;
        }
        func.code[pc].for_each_slot_mut(&mut check_slot);
        let op = &func.code[pc];
        if !slots_ok {
            return Err(format!("op {pc} ({op:?}) names a slot outside the frame"));
        }
        let mut copy = *op;
        if let Some(&mut target) = copy.target_mut()
            && target as usize >= len
        {
            return Err(format!("op {pc} branches out of the code"));
        }
        match *op {
            Op::BrTable(table) => {
                let start = table.targets as usize;
                let targets = start
                    .checked_add(table.len as usize)
                    .and_then(|end| func.targets.get(start..end));
                match targets {
                    Some(targets) if !targets.is_empty() => {
                        if targets.iter().any(|&t| t as usize >= len) {
                            return Err(format!("br_table at {pc} branches out of the code"));
                        }
                        // The threaded handler reads case `i` from the
                        // `Br` at `pc + 1 + i`.
                        let inline = func.code.get(pc + 1..pc + 1 + targets.len());
                        let agree = inline.is_some_and(|ops| {
                            ops.iter().zip(targets).all(|(op, &t)| *op == Op::Br(t))
                        });
                        if !agree {
                            return Err(format!("br_table at {pc} without its inline cases"));
                        }
                    }
                    _ => return Err(format!("br_table at {pc} has no targets")),
                }
            }
            Op::CallInternal(call)
            | Op::Call(call)
            | Op::ReturnCallInternal(call)
            | Op::ReturnCall(call) => check_call_list(func, call.list, pc)?,
            Op::CallIndirect(call) | Op::ReturnCallIndirect(call) => {
                check_call_list(func, call.list, pc)?;
            }
            Op::Return(list) => {
                let len = func.lists.get(list as usize).copied().unwrap_or(0) as usize;
                let slots = func.return_slots(list);
                if slots.len() != len || !in_frame_all(slots) {
                    return Err(format!("return at {pc} has a bad slot list"));
                }
            }
            Op::LoadExt(access) | Op::StoreExt(access)
                if func.imms.get(access.memarg as usize).is_none()
                    || MemKind::from_u8(access.kind).is_none() =>
            {
                return Err(format!("memory access at {pc} has a bad immediate"));
            }
            Op::MemoryFill(bulk)
            | Op::MemoryCopy(bulk)
            | Op::MemoryInit(bulk)
            | Op::TableFill(bulk)
            | Op::TableCopy(bulk)
            | Op::TableInit(bulk)
                if func.imms.get(bulk.imm as usize).is_none() =>
            {
                return Err(format!("bulk op at {pc} has a bad immediate"));
            }
            _ => {}
        }
    }
    Ok(())
}

fn check_call_list(func: &FastFunc, list: u32, pc: usize) -> Result<(), String> {
    let at = list as usize;
    let counts = (func.lists.get(at), func.lists.get(at + 1));
    let (Some(&args), Some(&results)) = counts else {
        return Err(format!("call at {pc} has no slot list"));
    };
    let (arg_slots, result_slots) = func.call_slots(list);
    let frame = func.frame_size as usize;
    let out = func.extent as usize - frame;
    if arg_slots.len() != args as usize
        || result_slots.len() != results as usize
        || arg_slots
            .iter()
            .chain(result_slots)
            .any(|&s| s as usize >= frame)
        || arg_slots.len() > out
        || result_slots.len() > out
    {
        return Err(format!("call at {pc} has a bad slot list"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fast::code::Select;

    /// A function of `ops` then a return, in a frame of 4 slots.
    fn func(ops: &[Op]) -> FastFunc {
        let mut code = ops.to_vec();
        code.push(Op::Return0(()));
        FastFunc {
            offsets: vec![0; code.len()].into_boxed_slice(),
            code: code.into_boxed_slice(),
            lists: Box::new([]),
            targets: Box::new([]),
            imms: Box::new([]),
            frame_size: 4,
            extent: 4,
            params: 0,
            results: 0,
            loops: Box::new([]),
            consts: Box::new([]),
        }
    }

    fn checked(ops: &[Op]) -> Result<(), String> {
        check(&mut func(ops), |_| {})
    }

    #[test]
    fn slots_outside_the_frame_are_rejected_in_every_kind_of_op() {
        let add = |b| Op::I32Add(Bin { dst: 0, a: 1, b });
        assert!(checked(&[add(3)]).is_ok());
        assert!(checked(&[add(4)]).is_err());
        let select = |cond| {
            Op::Select(Select {
                dst: 0,
                cond,
                a: 1,
                b: 2,
            })
        };
        assert!(checked(&[select(3)]).is_ok());
        assert!(checked(&[select(4)]).is_err());
        let copy = |src| {
            Op::CopyBr(CopyBr {
                dst: 0,
                src,
                target: 1,
            })
        };
        assert!(checked(&[copy(3)]).is_ok());
        assert!(checked(&[copy(9)]).is_err());
    }

    #[test]
    fn branches_out_of_the_code_are_rejected() {
        let branch = |target| Op::BrI32LtS(BrCmp { a: 0, b: 1, target });
        assert!(checked(&[branch(1)]).is_ok());
        assert!(checked(&[branch(2)]).is_err());
        assert!(checked(&[Op::Br(1)]).is_ok());
        assert!(checked(&[Op::Br(2)]).is_err());
    }

    /// The slot operands are checked as `finish_slot` leaves them, and
    /// kept so.
    #[test]
    fn slots_are_finished_before_they_are_checked() {
        let mut f = func(&[Op::I32Add(Bin {
            dst: 0,
            a: 1,
            b: Slot::MAX,
        })]);
        let rename = |slot: &mut Slot| {
            if *slot == Slot::MAX {
                *slot = 3;
            }
        };
        assert!(check(&mut f, rename).is_ok());
        assert_eq!(f.code[0], Op::I32Add(Bin { dst: 0, a: 1, b: 3 }));
        let mut f = func(&[Op::I32Add(Bin {
            dst: 0,
            a: 1,
            b: Slot::MAX,
        })]);
        assert!(check(&mut f, |_| {}).is_err());
    }
}
