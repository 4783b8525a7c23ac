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
        let facts = Facts::gather(func, analysis);
        let words = facts.globals.len().div_ceil(64);
        if func.num_blocks().saturating_mul(words) <= DATAFLOW_LIMIT_WORDS {
            facts.by_dataflow(func, cfg)
        } else {
            facts.by_paths(func, cfg)
        }
    }
}

/// Most words (blocks times 64-value words) of one live-in bitset table
/// for which liveness is solved as a dataflow problem over bitsets; larger
/// functions walk paths per value instead, which needs no table. Both give
/// the same ranges.
const DATAFLOW_LIMIT_WORDS: usize = 1 << 20;

/// What both liveness algorithms start from: where blocks lie, where values
/// are defined, and every read from a slot.
struct Facts {
    block_start: Vec<u32>,
    block_end: Vec<u32>,
    /// Where each value is defined: its block (`u32::MAX`: nowhere) and
    /// position.
    def_block: Vec<u32>,
    def_pos: Vec<u32>,
    /// Per value: it is defined and needs a slot, so it gets ranges.
    tracked: Vec<bool>,
    /// Every read from a slot of a tracked value, as (value, block,
    /// position), in layout order.
    reads: Vec<(u32, u32, u32)>,
    /// Per block: its reads are `reads[read_offsets[b]..read_offsets[b + 1]]`.
    read_offsets: Vec<u32>,
    /// The tracked values read outside their defining block (the only ones
    /// live across blocks), in order of first such read.
    globals: Vec<Value>,
    /// Per value: its index in `globals` (`u32::MAX`: not global).
    global_index: Vec<u32>,
}

impl Facts {
    fn gather(func: &RegFunction, analysis: &Analysis) -> Facts {
        let blocks = func.num_blocks();
        let mut block_start = vec![0u32; blocks];
        let mut block_end = vec![0u32; blocks];
        for block in func.blocks() {
            let range = func.block_inst_range(block);
            block_start[block.index()] = 2 * range.start;
            block_end[block.index()] = 2 * range.end;
        }
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
        let tracked: Vec<bool> = (0..values)
            .map(|value| {
                let value_id = Value(value as u32);
                def_block[value] != u32::MAX
                    && func.value_def(value_id) != ValueDef::Removed
                    && analysis.needs_slot(func, value_id)
            })
            .collect();
        let mut facts = Facts {
            block_start,
            block_end,
            def_block,
            def_pos,
            tracked,
            reads: Vec::new(),
            read_offsets: Vec::with_capacity(blocks + 1),
            globals: Vec::new(),
            global_index: vec![u32::MAX; values],
        };
        for block in func.blocks() {
            facts.read_offsets.push(facts.reads.len() as u32);
            if !analysis.is_reachable(block) {
                continue;
            }
            for inst in func.block_insts(block) {
                let pos = 2 * inst.0 + 1;
                let fold = analysis.fold[inst.index()];
                for (operand, &arg) in func.inst_args(inst).iter().enumerate() {
                    if fold.map(|fold| fold.operand) != Some(operand) {
                        facts.record_read(arg, block, pos);
                    }
                }
                for call in func.inst_targets(inst) {
                    for &arg in func.edge_args(call) {
                        if analysis.konst[arg.index()].is_none() {
                            facts.record_read(arg, block, pos);
                        }
                    }
                }
            }
        }
        facts.read_offsets.push(facts.reads.len() as u32);
        facts
    }

    fn record_read(&mut self, value: Value, block: Block, pos: u32) {
        let v = value.index();
        if !self.tracked[v] {
            return;
        }
        self.reads.push((value.0, block.0, pos));
        if self.def_block[v] != block.0 && self.global_index[v] == u32::MAX {
            self.global_index[v] = self.globals.len() as u32;
            self.globals.push(value);
        }
    }
    fn block_reads(&self, block: usize) -> &[(u32, u32, u32)] {
        &self.reads[self.read_offsets[block] as usize..self.read_offsets[block + 1] as usize]
    }

    /// Live-in sets of the values read outside their block, by iterating
    /// `in(b) = reads(b) ∪ (out(b) − defs(b))`, `out(b) = ∪ in(succ)` to a
    /// fixed point (blocks visited last to first, so forward edges settle
    /// in one sweep and each loop level costs one more); then each block
    /// gives its part of every range at once.
    fn by_dataflow(&self, func: &RegFunction, cfg: &Cfg) -> Liveness {
        let blocks = func.num_blocks();
        let words = self.globals.len().div_ceil(64);
        // Reads from outside the defining block, and global definitions,
        // per block.
        let mut gen_bits = vec![0u64; blocks * words];
        for block in 0..blocks {
            let row = &mut gen_bits[block * words..(block + 1) * words];
            for &(value, _, _) in self.block_reads(block) {
                if self.def_block[value as usize] != block as u32 {
                    let g = self.global_index[value as usize] as usize;
                    row[g / 64] |= 1 << (g % 64);
                }
            }
        }
        let mut def_offsets = vec![0u32; blocks + 1];
        for &value in &self.globals {
            def_offsets[self.def_block[value.index()] as usize + 1] += 1;
        }
        for i in 1..def_offsets.len() {
            def_offsets[i] += def_offsets[i - 1];
        }
        let mut fill = def_offsets.clone();
        let mut defs = vec![0u32; self.globals.len()];
        for (g, &value) in self.globals.iter().enumerate() {
            let slot = &mut fill[self.def_block[value.index()] as usize];
            defs[*slot as usize] = g as u32;
            *slot += 1;
        }
        let block_defs =
            |block: usize| &defs[def_offsets[block] as usize..def_offsets[block + 1] as usize];

        let mut live_in = vec![0u64; blocks * words];
        let mut live_out = vec![0u64; blocks * words];
        let mut row = vec![0u64; words];
        let mut changed = true;
        while changed {
            changed = false;
            for block in (0..blocks).rev() {
                row.fill(0);
                for &succ in cfg.succs(Block(block as u32)) {
                    let succ_in = &live_in[succ.index() * words..(succ.index() + 1) * words];
                    for (word, &bits) in row.iter_mut().zip(succ_in) {
                        *word |= bits;
                    }
                }
                live_out[block * words..(block + 1) * words].copy_from_slice(&row);
                for (word, &bits) in row
                    .iter_mut()
                    .zip(&gen_bits[block * words..(block + 1) * words])
                {
                    *word |= bits;
                }
                for &g in block_defs(block) {
                    row[g as usize / 64] &= !(1 << (g % 64));
                }
                let old = &mut live_in[block * words..(block + 1) * words];
                if *old != *row {
                    old.copy_from_slice(&row);
                    changed = true;
                }
            }
        }

        // Sweep the blocks in layout order, keeping open the range of each
        // global value that reaches the current block's start (`open`), so
        // that a value live through many blocks costs nothing per block:
        // only where a range starts or ends is there work per value.
        // Closed ranges are (global, from, to), in order of their end.
        let values = func.num_values();
        let globals = self.globals.len();
        let mut closed: Vec<(u32, u32, u32)> = Vec::with_capacity(2 * globals);
        let mut open = vec![0u64; words];
        let mut open_from = vec![0u32; globals];
        let mut last_read = vec![0u32; globals];
        let mut read_in = vec![u32::MAX; globals];
        let mut local_end = vec![0u32; values];
        let mut active = vec![0u64; words];
        for block in 0..blocks {
            let (start, end) = (self.block_start[block], self.block_end[block]);
            for &(value, _, pos) in self.block_reads(block) {
                match self.global_index[value as usize] {
                    u32::MAX => local_end[value as usize] = pos + 1,
                    g => {
                        last_read[g as usize] = pos;
                        read_in[g as usize] = block as u32;
                    }
                }
            }
            let ins = &live_in[block * words..(block + 1) * words];
            for w in 0..words {
                let (was_open, live) = (open[w], ins[w]);
                // Open until this block's start, not live in it: ended there.
                for_each_bit(was_open & !live, w, |g| {
                    closed.push((g as u32, open_from[g], start));
                });
                // Live in, not open: a range starts here.
                for_each_bit(live & !was_open, w, |g| open_from[g] = start);
                active[w] = live;
            }
            for &g in block_defs(block) {
                let g = g as usize;
                open_from[g] = self.def_pos[self.globals[g].index()];
                active[g / 64] |= 1 << (g % 64);
            }
            let outs = &live_out[block * words..(block + 1) * words];
            for w in 0..words {
                let mut next_open = outs[w];
                // Live here but not after: ends at its last read here.
                for_each_bit(active[w] & !outs[w], w, |g| {
                    let to = if read_in[g] == block as u32 {
                        last_read[g] + 1
                    } else {
                        open_from[g] + 1
                    };
                    if to == end {
                        // Read by the terminator: touches what may follow.
                        next_open |= 1 << (g % 64);
                    } else {
                        closed.push((g as u32, open_from[g], to));
                    }
                });
                open[w] = next_open;
            }
        }
        let function_end = self.block_end.last().copied().unwrap_or(0);
        for (w, &word) in open.iter().enumerate() {
            for_each_bit(word, w, |g| {
                closed.push((g as u32, open_from[g], function_end));
            });
        }

        // Group the ranges by value (a stable counting sort keeps each
        // value's ranges in order).
        let mut counts = vec![0u32; globals + 1];
        for &(g, _, _) in &closed {
            counts[g as usize + 1] += 1;
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let mut grouped = vec![(0u32, 0u32); closed.len()];
        let mut fill = counts.clone();
        for &(g, from, to) in &closed {
            let slot = &mut fill[g as usize];
            grouped[*slot as usize] = (from, to);
            *slot += 1;
        }
        let mut live = Liveness {
            ranges: Vec::with_capacity(closed.len() + values),
            offsets: Vec::with_capacity(values + 1),
        };
        for (value, &last_local_read) in local_end.iter().enumerate() {
            live.offsets.push(live.ranges.len() as u32);
            if !self.tracked[value] {
                continue;
            }
            let def = self.def_pos[value];
            match self.global_index[value] {
                u32::MAX => {
                    // Read only where defined, or never (the slot is
                    // still written).
                    live.ranges.push((def, last_local_read.max(def + 1)));
                }
                g => {
                    let g = g as usize;
                    let own = &grouped[counts[g] as usize..counts[g + 1] as usize];
                    live.ranges.extend_from_slice(own);
                }
            }
        }
        live.offsets.push(live.ranges.len() as u32);
        live
    }

    /// Ranges found per value by walking backwards from each read to the
    /// definition (SSA liveness by path exploration): no table over all
    /// blocks, for functions too large for [`Facts::by_dataflow`].
    fn by_paths(&self, func: &RegFunction, cfg: &Cfg) -> Liveness {
        let blocks = func.num_blocks();
        let values = func.num_values();
        // The reads grouped by value (a counting sort, stable, so each
        // value's reads stay in layout order) so that each value's walk
        // marks blocks once.
        let mut use_offsets = vec![0u32; values + 1];
        for &(value, _, _) in &self.reads {
            use_offsets[value as usize + 1] += 1;
        }
        for i in 1..use_offsets.len() {
            use_offsets[i] += use_offsets[i - 1];
        }
        let mut fill = use_offsets.clone();
        let mut uses = vec![(0u32, 0u32); self.reads.len()];
        for &(value, block, pos) in &self.reads {
            let next = &mut fill[value as usize];
            uses[*next as usize] = (block, pos);
            *next += 1;
        }

        let mut live = Liveness {
            ranges: Vec::with_capacity(uses.len() * 2),
            offsets: Vec::with_capacity(values + 1),
        };
        let mut visited = vec![u32::MAX; blocks];
        let mut work: Vec<Block> = Vec::new();
        let mut cover = Cover::new(blocks);
        let (block_start, block_end) = (&self.block_start, &self.block_end);
        for value in 0..values {
            live.offsets.push(live.ranges.len() as u32);
            if !self.tracked[value] {
                continue;
            }
            let stamp = value as u32;
            let (home, def) = (self.def_block[value], self.def_pos[value]);
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

/// Calls `f` with the global index of every bit set in `word`, the
/// `index`-th word of a bitset.
#[inline]
fn for_each_bit(mut word: u64, index: usize, mut f: impl FnMut(usize)) {
    while word != 0 {
        f(index * 64 + word.trailing_zeros() as usize);
        word &= word - 1;
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
    use zwasm_ir_reg::{Cfg, compile_module, passes};
    use zwasm_validate::Features;

    use super::{Analysis, Cover, Facts};

    /// Both algorithms give the same ranges for every function of `wasm`
    /// (optimised as the fast tier does), and the dataflow converges.
    fn assert_algorithms_agree(wasm: &[u8]) {
        let (_, functions) = compile_module(wasm, &Features::default()).expect("valid module");
        for mut func in functions {
            passes::run_default(&mut func);
            let analysis = Analysis::run(&func);
            let cfg = Cfg::new(&func);
            let facts = Facts::gather(&func, &analysis);
            let by_dataflow = facts.by_dataflow(&func, &cfg);
            let by_paths = facts.by_paths(&func, &cfg);
            assert_eq!(
                by_dataflow.offsets,
                by_paths.offsets,
                "function {}",
                func.func_index()
            );
            assert_eq!(
                by_dataflow.ranges,
                by_paths.ranges,
                "function {}",
                func.func_index()
            );
        }
    }

    #[test]
    fn dataflow_and_path_exploration_agree_on_loops_and_branches() {
        let wasm = wat::parse_str(
            r#"(module
              (func (param i32 i32) (result i32) (local i32 i64)
                (block $out
                  (loop $outer
                    (br_if $out (i32.eqz (local.get 0)))
                    (local.set 2 (i32.add (local.get 2) (local.get 1)))
                    (block $skip
                      (br_if $skip (i32.and (local.get 0) (i32.const 1)))
                      (loop $inner
                        (local.set 3 (i64.add (local.get 3) (i64.const 1)))
                        (br_if $inner (i64.lt_u (local.get 3) (i64.const 9)))))
                    (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                    (br $outer)))
                (i32.add (local.get 2) (i32.wrap_i64 (local.get 3))))
              (func (param i32) (result i32)
                (block $a (block $b (block $c
                  (br_table $a $b $c (local.get 0)))
                  (return (i32.const 3)))
                  (return (local.get 0)))
                (unreachable)))"#,
        )
        .expect("valid wat");
        assert_algorithms_agree(&wasm);
    }

    #[test]
    fn dataflow_and_path_exploration_agree_on_a_c_program() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../benches/c/qsort.wasm");
        let wasm = std::fs::read(path).expect("benches/c/qsort.wasm");
        assert_algorithms_agree(&wasm);
    }

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
