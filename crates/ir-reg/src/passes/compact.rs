//! Compaction: rebuilds a function without holes. Unreachable blocks, removed
//! instructions and removed values disappear, blocks are numbered in layout
//! order, instructions follow their blocks, values are numbered in order of
//! definition, and the value and edge pools hold no garbage.

use crate::entities::{Block, BlockCall, BlockCallList, Inst, Value, ValueList};
use crate::function::{BlockData, InstData, RegFunction, ValueDef};

/// Renumbers `func` in its current layout order, dropping unreachable blocks
/// and everything else that is no longer defined.
pub fn compact(func: &mut RegFunction) {
    let order: Vec<Block> = func.blocks().collect();
    *func = rebuild(func, &order, &[]);
}

/// A compacted copy of `old` whose blocks are the reachable ones, laid out in
/// the order of `order` (reachable blocks missing from it follow in index
/// order; the entry always comes first). `dead_insts[i]` (where present)
/// removes instruction `i`, which must not be a terminator.
pub(crate) fn rebuild(old: &RegFunction, order: &[Block], dead_insts: &[bool]) -> RegFunction {
    let layout = reachable_layout(old, order);
    let mut block_map = vec![None; old.num_blocks()];
    for (i, &block) in layout.iter().enumerate() {
        block_map[block.index()] = Some(Block::from_index(i));
    }
    let is_dead = |inst: Inst| dead_insts.get(inst.index()).copied().unwrap_or(false);

    // The copy is at most as big as the original (removed values used
    // somewhere come back as placeholders, rarely).
    let mut new = RegFunction {
        func_index: old.func_index,
        type_index: old.type_index,
        values: Vec::with_capacity(old.values.len()),
        blocks: Vec::with_capacity(layout.len()),
        insts: Vec::with_capacity(old.insts.len()),
        pool: Vec::with_capacity(old.pool.len()),
        edges: Vec::with_capacity(old.edges.len()),
    };
    // Number every definition first, so that uses may come before their
    // definitions in layout order (loop back edges). `UNMAPPED` marks
    // values not (or no longer) defined.
    const UNMAPPED: u32 = u32::MAX;
    let mut value_map: Vec<u32> = vec![UNMAPPED; old.num_values()];
    let mut inst_count = 0usize;
    for (new_index, &block) in layout.iter().enumerate() {
        let new_block = Block::from_index(new_index);
        for &param in old.block_params(block) {
            let value = new.new_value(old.value_type(param), ValueDef::Param(new_block));
            value_map[param.index()] = value.0;
        }
        for inst in old.block_insts(block) {
            if is_dead(inst) {
                continue;
            }
            let new_inst = Inst::from_index(inst_count);
            inst_count += 1;
            for &result in old.inst_results(inst) {
                let value = new.new_value(old.value_type(result), ValueDef::Result(new_inst));
                value_map[result.index()] = value.0;
            }
        }
    }

    let mut map_value = |new: &mut RegFunction, value: Value| -> Value {
        match value_map.get(value.index()) {
            Some(&mapped) if mapped != UNMAPPED => Value(mapped),
            // A use of something no longer defined: keep it visible to the
            // verifier as a use of a removed value.
            _ => {
                let ty = old
                    .values
                    .get(value.index())
                    .map_or(zwasm_decode::ValType::I32, |data| data.ty);
                let fresh = new.new_value(ty, ValueDef::Removed);
                if let Some(slot) = value_map.get_mut(value.index()) {
                    *slot = fresh.0;
                }
                fresh
            }
        }
    };
    let mut calls: Vec<BlockCall> = Vec::new();
    // Maps straight into the pool (fresh placeholders go to the values, not
    // the pool, so the list stays contiguous).
    let mut map_list = |new: &mut RegFunction, old_list: &[Value]| -> ValueList {
        let start = new.pool.len() as u32;
        new.pool.reserve(old_list.len());
        for &value in old_list {
            let mapped = map_value(new, value);
            new.pool.push(mapped);
        }
        ValueList {
            start,
            len: old_list.len() as u32,
        }
    };

    for &block in &layout {
        let params = map_list(&mut new, old.block_params(block));
        let first_inst = new.insts.len() as u32;
        for inst in old.block_insts(block) {
            if is_dead(inst) {
                continue;
            }
            let data = old.inst(inst);
            let args = map_list(&mut new, old.inst_args(inst));
            let results = map_list(&mut new, old.inst_results(inst));
            if data.targets.is_empty() {
                new.insts.push(InstData {
                    targets: BlockCallList {
                        start: new.edges.len() as u32,
                        len: 0,
                    },
                    args,
                    results,
                    ..*data
                });
                continue;
            }
            calls.clear();
            for call in old.inst_targets(inst) {
                let target = block_map
                    .get(call.block.index())
                    .copied()
                    .flatten()
                    .unwrap_or(Block(u32::MAX));
                let args = map_list(&mut new, old.edge_args(call));
                calls.push(BlockCall {
                    block: target,
                    args,
                });
            }
            let targets = new.alloc_targets(&calls);
            new.insts.push(InstData {
                opcode: data.opcode,
                args,
                results,
                targets,
                offset: data.offset,
            });
        }
        new.blocks.push(BlockData {
            params,
            first_inst,
            end_inst: new.insts.len() as u32,
        });
    }
    new
}

/// The reachable blocks of `func`: the entry, then those of `order`, then
/// any others in index order.
fn reachable_layout(func: &RegFunction, order: &[Block]) -> Vec<Block> {
    let count = func.num_blocks();
    let mut reachable = vec![false; count];
    let mut stack = Vec::new();
    if count > 0 {
        reachable[0] = true;
        stack.push(func.entry_block());
    }
    while let Some(block) = stack.pop() {
        for succ in func.successors(block) {
            if let Some(seen) = reachable.get_mut(succ.index())
                && !*seen
            {
                *seen = true;
                stack.push(succ);
            }
        }
    }
    let mut placed = vec![false; count];
    let mut layout = Vec::with_capacity(count);
    let candidates = std::iter::once(func.entry_block())
        .chain(order.iter().copied())
        .chain(func.blocks());
    for block in candidates {
        let index = block.index();
        if index < count && reachable[index] && !placed[index] {
            placed[index] = true;
            layout.push(block);
        }
    }
    layout
}
