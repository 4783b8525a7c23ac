//! Control-flow analyses: predecessor and successor lists, reverse postorder,
//! and the dominator tree.
//!
//! Lists are flat (one buffer plus per-block offsets) and ordered
//! deterministically: successors in edge order, predecessors by source block
//! then edge order. A block is listed once per edge, so a `br_table` with two
//! cases to the same block contributes two entries.

use crate::entities::{Block, Inst};
use crate::function::RegFunction;

/// One edge, seen from its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PredEdge {
    /// The block the edge leaves.
    pub block: Block,
    /// The terminator of `block`.
    pub inst: Inst,
    /// Position of the edge among the terminator's targets.
    pub target: u32,
}

/// Predecessors and successors of every block.
#[derive(Clone, Debug, Default)]
pub struct Cfg {
    succ_offsets: Vec<u32>,
    succs: Vec<Block>,
    pred_offsets: Vec<u32>,
    preds: Vec<Block>,
    pred_edges: Vec<PredEdge>,
}

impl Cfg {
    /// Computes the CFG of `func`. Edges to blocks that do not exist are
    /// ignored (the verifier reports them).
    pub fn new(func: &RegFunction) -> Self {
        let block_count = func.num_blocks();
        let mut cfg = Cfg::default();
        let mut pred_counts = vec![0u32; block_count + 1];
        cfg.succ_offsets.push(0);
        for block in func.blocks() {
            if let Some(inst) = func.terminator(block) {
                for call in func.inst_targets(inst) {
                    if call.block.index() < block_count {
                        cfg.succs.push(call.block);
                        pred_counts[call.block.index() + 1] += 1;
                    }
                }
            }
            cfg.succ_offsets.push(cfg.succs.len() as u32);
        }
        for i in 1..pred_counts.len() {
            pred_counts[i] += pred_counts[i - 1];
        }
        cfg.pred_offsets = pred_counts.clone();
        let total = *pred_counts.last().unwrap_or(&0) as usize;
        let mut fill = pred_counts;
        let placeholder = PredEdge {
            block: Block(0),
            inst: Inst(0),
            target: 0,
        };
        cfg.preds = vec![Block(0); total];
        cfg.pred_edges = vec![placeholder; total];
        for block in func.blocks() {
            let Some(inst) = func.terminator(block) else {
                continue;
            };
            for (target, call) in func.inst_targets(inst).iter().enumerate() {
                if call.block.index() >= block_count {
                    continue;
                }
                let slot = &mut fill[call.block.index()];
                cfg.preds[*slot as usize] = block;
                cfg.pred_edges[*slot as usize] = PredEdge {
                    block,
                    inst,
                    target: target as u32,
                };
                *slot += 1;
            }
        }
        cfg
    }

    /// The successors of `block`, one per edge.
    pub fn succs(&self, block: Block) -> &[Block] {
        let i = block.index();
        &self.succs[self.succ_offsets[i] as usize..self.succ_offsets[i + 1] as usize]
    }

    /// The predecessors of `block`, one per edge.
    pub fn preds(&self, block: Block) -> &[Block] {
        let i = block.index();
        &self.preds[self.pred_offsets[i] as usize..self.pred_offsets[i + 1] as usize]
    }

    /// The edges into `block`, parallel to [`Cfg::preds`].
    pub fn pred_edges(&self, block: Block) -> &[PredEdge] {
        let i = block.index();
        &self.pred_edges[self.pred_offsets[i] as usize..self.pred_offsets[i + 1] as usize]
    }

    /// Number of blocks the CFG was computed for.
    pub fn num_blocks(&self) -> usize {
        self.succ_offsets.len().saturating_sub(1)
    }

    /// The blocks reachable from the entry in reverse postorder (successors
    /// visited in edge order), computed without recursion.
    pub fn reverse_postorder(&self) -> Vec<Block> {
        let count = self.num_blocks();
        let mut order = Vec::with_capacity(count);
        if count == 0 {
            return order;
        }
        let mut visited = vec![false; count];
        // (block, index of the next successor to visit)
        let mut stack = vec![(Block(0), 0usize)];
        visited[0] = true;
        while let Some((block, next)) = stack.last_mut() {
            let succs = self.succs(*block);
            if let Some(&succ) = succs.get(*next) {
                *next += 1;
                if !visited[succ.index()] {
                    visited[succ.index()] = true;
                    stack.push((succ, 0));
                }
            } else {
                order.push(*block);
                stack.pop();
            }
        }
        order.reverse();
        order
    }
}

/// Immediate dominators of the reachable blocks (Cooper, Harvey and
/// Kennedy's iterative algorithm over reverse postorder).
#[derive(Clone, Debug)]
pub struct DomTree {
    /// Position of each block in reverse postorder, `u32::MAX` if unreachable.
    rpo_number: Vec<u32>,
    /// Immediate dominator of each reachable block; the entry is its own.
    idom: Vec<Block>,
}

impl DomTree {
    /// Computes the dominator tree of `cfg`.
    pub fn new(cfg: &Cfg) -> Self {
        let rpo = cfg.reverse_postorder();
        let count = cfg.num_blocks();
        let mut rpo_number = vec![u32::MAX; count];
        for (i, block) in rpo.iter().enumerate() {
            rpo_number[block.index()] = i as u32;
        }
        const UNDEFINED: Block = Block(u32::MAX);
        let mut idom = vec![UNDEFINED; count];
        if let Some(&entry) = rpo.first() {
            idom[entry.index()] = entry;
        }
        let mut changed = true;
        while changed {
            changed = false;
            for &block in rpo.iter().skip(1) {
                let mut new_idom = UNDEFINED;
                for &pred in cfg.preds(block) {
                    if idom[pred.index()] == UNDEFINED {
                        continue;
                    }
                    new_idom = if new_idom == UNDEFINED {
                        pred
                    } else {
                        intersect(&idom, &rpo_number, pred, new_idom)
                    };
                }
                if new_idom != UNDEFINED && idom[block.index()] != new_idom {
                    idom[block.index()] = new_idom;
                    changed = true;
                }
            }
        }
        DomTree { rpo_number, idom }
    }

    /// Whether `block` is reachable from the entry.
    pub fn is_reachable(&self, block: Block) -> bool {
        self.rpo_number
            .get(block.index())
            .is_some_and(|&n| n != u32::MAX)
    }

    /// The immediate dominator of a reachable non-entry block.
    pub fn idom(&self, block: Block) -> Option<Block> {
        let idom = *self.idom.get(block.index())?;
        (self.is_reachable(block) && idom != block).then_some(idom)
    }

    /// Whether `a` dominates `b` (every block dominates itself). False when
    /// either is unreachable.
    pub fn dominates(&self, a: Block, mut b: Block) -> bool {
        if !self.is_reachable(a) || !self.is_reachable(b) {
            return false;
        }
        let a_number = self.rpo_number[a.index()];
        // Dominators come earlier in reverse postorder, so walk up until
        // passing `a`'s position.
        while self.rpo_number[b.index()] > a_number {
            b = self.idom[b.index()];
        }
        a == b
    }
}

fn intersect(idom: &[Block], rpo_number: &[u32], mut a: Block, mut b: Block) -> Block {
    while a != b {
        while rpo_number[a.index()] > rpo_number[b.index()] {
            a = idom[a.index()];
        }
        while rpo_number[b.index()] > rpo_number[a.index()] {
            b = idom[b.index()];
        }
    }
    a
}
