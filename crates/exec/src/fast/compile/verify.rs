//! The invariants the dispatcher relies on instead of checking them at run
//! time, checked once per translated function: every slot operand lies in
//! the frame, every branch target and side-table index in bounds, and the
//! code cannot run off its end.

use crate::fast::code::{FastFunc, Load, LoadIdx, MemKind, Op, Slot};

/// Why a translated function was rejected (a translator bug).
/// `finish_slot` gives each slot operand of the code its final number
/// first (the direct translator's constant slots are named after the
/// frame, which is known only at the end): one pass over the code for
/// both, and what is checked is what runs.
///
/// `code` is the function's code, checked and rewritten as plain ops
/// before it goes into `func` as `Inst`s, so that each op's handler is
/// derived once, from its final form.
pub(super) fn check(
    code: &mut [Op],
    func: &FastFunc,
    mut finish_slot: impl FnMut(&mut Slot),
) -> Result<(), String> {
    let frame = func.frame_size as usize;
    if func.extent < func.frame_size || func.extent < func.params || func.extent < func.results {
        return Err("extent smaller than the frame".into());
    }
    if func.consts.len() > frame || func.const_base() < func.params as usize {
        return Err("constant slots outside the frame or over the parameters".into());
    }
    if code.len() != func.offsets.len() {
        return Err("one offset per op expected".into());
    }
    let len = code.len();
    if len as i64 > i64::from(i32::MAX) / INST_BYTES {
        return Err("code too long for 32-bit branch offsets".into());
    }
    match code.last() {
        Some(op) if op.is_terminator() => {}
        _ => return Err("code does not end in a terminator".into()),
    }
    let in_frame = |slot: u16| (slot as usize) < frame;
    let in_frame_all = |slots: &[u16]| slots.iter().all(|&s| in_frame(s));
    for pc in 0..len {
        let mut slots_ok = true;
        code[pc].for_each_slot_mut(|slot| {
            finish_slot(slot);
            slots_ok &= in_frame(*slot);
        });
        if !slots_ok {
            let op = code[pc];
            return Err(format!("op {pc} ({op:?}) names a slot outside the frame"));
        }
        if let Some(target) = code[pc].target_mut() {
            if *target as usize >= len {
                return Err(format!("op {pc} branches out of the code"));
            }
            *target = relative_target(pc, *target);
        }
        let op = code[pc];
        match op {
            Op::BrTable(table) => {
                let loaded = match pc.checked_sub(1).map(|at| code[at]) {
                    Some(Op::BrTableI32Load8U(Load { dst, .. }))
                    | Some(Op::BrTableI32Load8UIdx(LoadIdx { dst, .. })) => Some(dst),
                    _ => None,
                };
                if loaded.is_some_and(|dst| dst != table.index) {
                    return Err(format!(
                        "br_table at {pc} switches on another slot than the load before it"
                    ));
                }
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
                        let inline = code.get(pc + 1..pc + 1 + targets.len());
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
            // Dispatches like the `br_table` after it (which checks that the
            // loaded slot is its index), on the byte it loads.
            Op::BrTableI32Load8U(_) | Op::BrTableI32Load8UIdx(_)
                if !matches!(code.get(pc + 1), Some(Op::BrTable(_))) =>
            {
                return Err(format!("op {pc} without the br_table it loads for"));
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

/// Branch target `target` (an op index) of the branch at `pc`, as the
/// dispatchers take it: counted in bytes from the branch, so that the
/// cursor jumps without the code start and without scaling
/// (`Cursor::jump`). An `i32` in the op's `u32`.
pub(crate) fn relative_target(pc: usize, target: u32) -> u32 {
    ((i64::from(target) - pc as i64) * INST_BYTES) as i32 as u32
}

/// The size of an [`Inst`](crate::fast::code::Inst): relative targets count
/// bytes, so that a jump is one addition (no scaling by 24).
const INST_BYTES: i64 = std::mem::size_of::<crate::fast::code::Inst>() as i64;

/// Op `op`, at `pc` of checked code, with its branch target (if it has
/// one) as the op index it names (the inverse of [`relative_target`]), for
/// the dumps.
pub(crate) fn with_absolute_target(mut op: Op, pc: usize) -> Op {
    if let Some(target) = op.target_mut() {
        *target = (pc as i64 + i64::from(*target as i32) / INST_BYTES) as u32;
    }
    op
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
    use crate::fast::code::{Bin, BrCmp, CopyBr, Select};

    /// The code `ops` then a return, and its function (in a frame of 4
    /// slots).
    fn func(ops: &[Op]) -> (Vec<Op>, FastFunc) {
        let mut code = ops.to_vec();
        code.push(Op::Return0(()));
        let func = FastFunc {
            offsets: vec![0; code.len()].into_boxed_slice(),
            code: Box::new([]),
            lists: Box::new([]),
            targets: Box::new([]),
            imms: Box::new([]),
            frame_size: 4,
            extent: 4,
            params: 0,
            results: 0,
            loops: Box::new([]),
            consts: Box::new([]),
        };
        (code, func)
    }

    fn checked(ops: &[Op]) -> Result<(), String> {
        let (mut code, func) = func(ops);
        check(&mut code, &func, |_| {})
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
        let (mut code, f) = func(&[Op::I32Add(Bin {
            dst: 0,
            a: 1,
            b: Slot::MAX,
        })]);
        let rename = |slot: &mut Slot| {
            if *slot == Slot::MAX {
                *slot = 3;
            }
        };
        assert!(check(&mut code, &f, rename).is_ok());
        assert_eq!(code[0], Op::I32Add(Bin { dst: 0, a: 1, b: 3 }));
        let (mut code, f) = func(&[Op::I32Add(Bin {
            dst: 0,
            a: 1,
            b: Slot::MAX,
        })]);
        assert!(check(&mut code, &f, |_| {}).is_err());
    }
}
