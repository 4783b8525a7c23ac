//! The invariants the dispatcher relies on instead of checking them at run
//! time, checked once per translated function: every slot operand lies in
//! the frame, every branch target and side-table index in bounds, and the
//! code cannot run off its end.

use crate::fast::code::{FastFunc, MemKind, Op};

/// Why a translated function was rejected (a translator bug).
pub(super) fn check(func: &FastFunc) -> Result<(), String> {
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
    for (pc, op) in func.code.iter().enumerate() {
        let mut slots_ok = true;
        op.for_each_slot(|slot| slots_ok &= in_frame(slot));
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
