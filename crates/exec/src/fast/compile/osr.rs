//! TIERING (issue 5): where the tiered engine counts loop iterations.

use zwasm_ir_reg::{Cfg, RegFunction};

/// Per block: whether it is a loop header, i.e. the target of an edge from
/// a block laid out at or after it (every cycle of the CFG has one such
/// edge, since layout is a linear order).
pub(super) fn loop_headers(func: &RegFunction, cfg: &Cfg) -> Vec<bool> {
    func.blocks()
        .map(|block| {
            block != func.entry_block() && cfg.preds(block).iter().any(|pred| pred.0 >= block.0)
        })
        .collect()
}
