//! Live ranges of the values that need slots, over the linear order of the
//! block layout.
//!
//! Instruction `n` (its index in the function, blocks being contiguous in
//! layout order) reads its operands at position `2n + 1` and writes its
//! results at `2n + 2`, so a result may share a slot with an operand that
//! dies at the same instruction (every operation reads all its operands
//! before it writes). Block parameters are written at `2 * first` of their
//! block; edge arguments are read by the terminator of the edge's source.
//!
//! Ranges are computed per value by walking backwards from each use to the
//! definition (SSA liveness by path exploration), so a value is live exactly
//! where it is: loop-carried values get holes instead of spanning every
//! block laid out between their definition and their last use, which is
//! what lets the allocator give a loop variable and its next value one slot.

use zwasm_ir_reg::{Block, Cfg, RegFunction, Value, ValueDef};

use super::analyze::Analysis;

/// `[from, to)` in instruction positions.
pub(super) type Range = (u32, u32);

#[derive(Debug, Default)]
pub(super) struct Liveness {
    /// Merged, sorted ranges of every value, indexed through `offsets`.
    ranges: Vec<Range>,
    offsets: Vec<u32>,
}

impl Liveness {
    pub fn ranges(&self, value: Value) -> &[Range] {
        let start = self.offsets[value.index()] as usize;
        let end = self.offsets[value.index() + 1] as usize;
        &self.ranges[start..end]
    }

    pub fn compute(func: &RegFunction, cfg: &Cfg, analysis: &Analysis) -> Liveness {
        let blocks = func.num_blocks();
        let mut block_start = vec![0u32; blocks];
        let mut block_end = vec![0u32; blocks];
        for block in func.blocks() {
            let range = func.block_inst_range(block);
            block_start[block.index()] = 2 * range.start;
            block_end[block.index()] = 2 * range.end;
        }
        // Where each value is defined: its block and position.
        let values = func.num_values();
        let mut def_block = vec![u32::MAX; values];
        let mut def_pos = vec![0u32; values];
        for block in func.blocks() {
            for &param in func.block_params(block) {
                def_block[param.index()] = block.0;
                def_pos[param.index()] = block_start[block.index()];
            }
            for inst in func.block_insts(block) {
                for &result in func.inst_results(inst) {
                    if analysis.hoisted[result.index()] {
                        // Materialised at the start of the entry block.
                        def_block[result.index()] = func.entry_block().0;
                        def_pos[result.index()] = 0;
                    } else {
                        def_block[result.index()] = block.0;
                        def_pos[result.index()] = 2 * inst.0 + 2;
                    }
                }
            }
        }
        // Every read from a slot, as (value, block, position), grouped by
        // value so that each value's walk marks blocks once.
        let mut uses: Vec<(u32, u32, u32)> = Vec::new();
        for block in func.blocks() {
            if !analysis.is_reachable(block) {
                continue;
            }
            for inst in func.block_insts(block) {
                let pos = 2 * inst.0 + 1;
                let fold = analysis.fold[inst.index()];
                for (operand, &arg) in func.inst_args(inst).iter().enumerate() {
                    if fold.map(|fold| fold.operand) != Some(operand) {
                        uses.push((arg.0, block.0, pos));
                    }
                }
                for call in func.inst_targets(inst) {
                    for &arg in func.edge_args(call) {
                        if analysis.konst[arg.index()].is_none() {
                            uses.push((arg.0, block.0, pos));
                        }
                    }
                }
            }
        }
        uses.sort_unstable();

        let mut live = Liveness {
            ranges: Vec::with_capacity(uses.len() * 2),
            offsets: Vec::with_capacity(values + 1),
        };
        let mut visited = vec![u32::MAX; blocks];
        let mut work: Vec<Block> = Vec::new();
        let mut next_use = 0;
        for value in 0..values {
            live.offsets.push(live.ranges.len() as u32);
            let first = live.ranges.len();
            let value_id = Value(value as u32);
            let defined = def_block[value] != u32::MAX
                && func.value_def(value_id) != ValueDef::Removed
                && analysis.needs_slot(func, value_id);
            while next_use < uses.len() && uses[next_use].0 as usize == value {
                let (_, block, pos) = uses[next_use];
                next_use += 1;
                if !defined {
                    continue;
                }
                if block == def_block[value] {
                    live.ranges.push((def_pos[value], pos + 1));
                    continue;
                }
                live.ranges.push((block_start[block as usize], pos + 1));
                work.extend_from_slice(cfg.preds(Block(block)));
                while let Some(pred) = work.pop() {
                    let p = pred.index();
                    if visited[p] == value as u32 {
                        continue;
                    }
                    visited[p] = value as u32;
                    if pred.0 == def_block[value] {
                        live.ranges.push((def_pos[value], block_end[p]));
                    } else {
                        live.ranges.push((block_start[p], block_end[p]));
                        work.extend_from_slice(cfg.preds(pred));
                    }
                }
            }
            if !defined {
                continue;
            }
            if live.ranges.len() == first {
                // Written but never read: the slot is still written.
                live.ranges.push((def_pos[value], def_pos[value] + 1));
            }
            merge(&mut live.ranges, first);
        }
        live.offsets.push(live.ranges.len() as u32);
        live
    }
}

/// Sorts and coalesces the ranges from `first` on.
fn merge(ranges: &mut Vec<Range>, first: usize) {
    let tail = &mut ranges[first..];
    if tail.len() < 2 {
        return;
    }
    tail.sort_unstable();
    let mut write = first;
    for read in first + 1..ranges.len() {
        let (from, to) = ranges[read];
        if from <= ranges[write].1 {
            ranges[write].1 = ranges[write].1.max(to);
        } else {
            write += 1;
            ranges[write] = (from, to);
        }
    }
    ranges.truncate(write + 1);
}

#[cfg(test)]
mod tests {
    use super::merge;

    #[test]
    fn ranges_merge_when_they_touch_or_overlap() {
        let mut ranges = vec![(9, 9), (10, 12), (0, 4), (4, 6), (5, 8), (20, 21)];
        merge(&mut ranges, 1);
        assert_eq!(ranges, vec![(9, 9), (0, 8), (10, 12), (20, 21)]);
    }
}
