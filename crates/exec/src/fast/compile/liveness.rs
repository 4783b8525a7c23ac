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
        // Every read from a slot, as (block, position), grouped by value
        // (a counting sort, stable, so each value's uses stay in layout
        // order) so that each value's walk marks blocks once.
        let mut found: Vec<(u32, u32, u32)> = Vec::new();
        let mut use_offsets = vec![0u32; values + 1];
        for block in func.blocks() {
            if !analysis.is_reachable(block) {
                continue;
            }
            for inst in func.block_insts(block) {
                let pos = 2 * inst.0 + 1;
                let fold = analysis.fold[inst.index()];
                for (operand, &arg) in func.inst_args(inst).iter().enumerate() {
                    if fold.map(|fold| fold.operand) != Some(operand) {
                        found.push((arg.0, block.0, pos));
                    }
                }
                for call in func.inst_targets(inst) {
                    for &arg in func.edge_args(call) {
                        if analysis.konst[arg.index()].is_none() {
                            found.push((arg.0, block.0, pos));
                        }
                    }
                }
            }
        }
        for &(value, _, _) in &found {
            if let Some(count) = use_offsets.get_mut(value as usize + 1) {
                *count += 1;
            }
        }
        for i in 1..use_offsets.len() {
            use_offsets[i] += use_offsets[i - 1];
        }
        let mut fill = use_offsets.clone();
        let mut uses = vec![(0u32, 0u32); found.len()];
        for &(value, block, pos) in &found {
            if let Some(next) = fill.get_mut(value as usize) {
                uses[*next as usize] = (block, pos);
                *next += 1;
            }
        }

        let mut live = Liveness {
            ranges: Vec::with_capacity(uses.len() * 2),
            offsets: Vec::with_capacity(values + 1),
        };
        let mut visited = vec![u32::MAX; blocks];
        let mut work: Vec<Block> = Vec::new();
        let mut cover = Cover::new(blocks);
        for value in 0..values {
            live.offsets.push(live.ranges.len() as u32);
            let value_id = Value(value as u32);
            let defined = def_block[value] != u32::MAX
                && func.value_def(value_id) != ValueDef::Removed
                && analysis.needs_slot(func, value_id);
            if !defined {
                continue;
            }
            let stamp = value as u32;
            let (home, def) = (def_block[value], def_pos[value]);
            cover.start(stamp);
            let value_uses = use_offsets[value] as usize..use_offsets[value + 1] as usize;
            for &(block, pos) in &uses[value_uses] {
                if block == home {
                    cover.add(block, def, pos + 1);
                    continue;
                }
                cover.add(block, block_start[block as usize], pos + 1);
                // Blocks are marked when pushed, so each is pushed once.
                push_unvisited(cfg.preds(Block(block)), &mut visited, stamp, &mut work);
                while let Some(pred) = work.pop() {
                    let p = pred.index();
                    if pred.0 == home {
                        cover.add(pred.0, def, block_end[p]);
                    } else {
                        cover.add(pred.0, block_start[p], block_end[p]);
                        push_unvisited(cfg.preds(pred), &mut visited, stamp, &mut work);
                    }
                }
            }
            if cover.is_empty() {
                // Written but never read: the slot is still written.
                live.ranges.push((def, def + 1));
            } else {
                cover.finish(&mut live.ranges);
            }
        }
        live.offsets.push(live.ranges.len() as u32);
        live
    }
}

/// Pushes the blocks of `preds` not visited yet for value `stamp` on
/// `work`, marking them visited.
fn push_unvisited(preds: &[Block], visited: &mut [u32], stamp: u32, work: &mut Vec<Block>) {
    for &pred in preds {
        let mark = &mut visited[pred.index()];
        if *mark != stamp {
            *mark = stamp;
            work.push(pred);
        }
    }
}

/// The part of each block where the current value is live. Every range
/// the walk finds lies inside one block (a use's block from its start or
/// the definition, a block the value lives through, the definition's block
/// from the definition), and the ranges found in one block overlap, so one
/// range per block holds their union; the blocks' ranges, in layout order,
/// are sorted and only need coalescing.
struct Cover {
    /// Which value each block's range belongs to (`u32::MAX`: none yet).
    owner: Vec<u32>,
    ranges: Vec<Range>,
    /// The blocks with a range for the current value.
    touched: Vec<u32>,
    current: u32,
}

impl Cover {
    fn new(blocks: usize) -> Cover {
        Cover {
            owner: vec![u32::MAX; blocks],
            ranges: vec![(0, 0); blocks],
            touched: Vec::new(),
            current: u32::MAX,
        }
    }

    /// Starts collecting the ranges of value `stamp`.
    fn start(&mut self, stamp: u32) {
        self.current = stamp;
        self.touched.clear();
    }

    fn is_empty(&self) -> bool {
        self.touched.is_empty()
    }

    /// Adds `[from, to)`, inside `block`.
    fn add(&mut self, block: u32, from: u32, to: u32) {
        let b = block as usize;
        if self.owner[b] == self.current {
            let range = &mut self.ranges[b];
            range.0 = range.0.min(from);
            range.1 = range.1.max(to);
        } else {
            self.owner[b] = self.current;
            self.ranges[b] = (from, to);
            self.touched.push(block);
        }
    }

    /// Appends the collected ranges to `out` in order, coalescing those
    /// that touch.
    fn finish(&mut self, out: &mut Vec<Range>) {
        let (mut low, mut high) = (u32::MAX, 0);
        for &block in &self.touched {
            low = low.min(block);
            high = high.max(block);
        }
        let span = (high - low) as usize + 1;
        let count = self.touched.len();
        // Scanning the blocks in between costs their number; sorting the
        // touched ones about count * log2(count).
        let log = (usize::BITS - count.leading_zeros()) as usize;
        let scan = span <= count.saturating_mul(log);
        if !scan {
            self.touched.sort_unstable();
        }
        let mut current: Option<Range> = None;
        let mut emit = |(from, to): Range| {
            current = match current {
                Some((start, end)) if from <= end => Some((start, end.max(to))),
                Some(done) => {
                    out.push(done);
                    Some((from, to))
                }
                None => Some((from, to)),
            };
        };
        if scan {
            for block in low as usize..=high as usize {
                if self.owner[block] == self.current {
                    emit(self.ranges[block]);
                }
            }
        } else {
            for &block in &self.touched {
                emit(self.ranges[block as usize]);
            }
        }
        out.extend(current);
    }
}

#[cfg(test)]
mod tests {
    use super::Cover;

    #[test]
    fn ranges_merge_per_block_and_coalesce_when_they_touch() {
        // Blocks of 4 positions each: block b is [4b, 4b + 4).
        for touched_order in [[3u32, 0, 1, 5], [5, 1, 0, 3]] {
            let mut cover = Cover::new(8);
            cover.start(7);
            for block in touched_order {
                let from = 4 * block;
                cover.add(block, from + 1, from + 2);
                cover.add(block, from, from + 4);
            }
            let mut out = vec![(99, 99)];
            cover.finish(&mut out);
            assert_eq!(out, vec![(99, 99), (0, 8), (12, 16), (20, 24)]);
        }
    }

    #[test]
    fn sparse_blocks_are_sorted_instead_of_scanned() {
        let mut cover = Cover::new(1000);
        cover.start(1);
        cover.add(900, 3600, 3602);
        cover.add(2, 8, 9);
        let mut out = Vec::new();
        cover.finish(&mut out);
        assert_eq!(out, vec![(8, 9), (3600, 3602)]);
        // A new value does not see the old one's ranges.
        cover.start(2);
        assert!(cover.is_empty());
        cover.add(2, 10, 12);
        let mut out = Vec::new();
        cover.finish(&mut out);
        assert_eq!(out, vec![(10, 12)]);
    }
}
