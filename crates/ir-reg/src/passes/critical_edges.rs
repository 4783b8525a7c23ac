//! Critical-edge splitting: an edge from a block with several outgoing edges
//! to a block with several incoming edges gets a block of its own that only
//! jumps on, so that every edge's argument moves (block parameters are
//! parallel copies) have a place to go. Edges are counted with
//! multiplicity: a `br_table` naming a block twice has two edges to it.
//! regalloc2 requires this form.

use crate::RegFunction;
use crate::cfg::Cfg;
use crate::entities::{Block, BlockCall, ValueList};
use crate::function::{BlockData, InstData};
use crate::ops::Opcode;
use crate::passes::compact::rebuild;

/// Splits every critical edge of `func`. The new blocks are laid out right
/// after the block the edge leaves, in edge order.
pub fn split_critical_edges(func: &mut RegFunction) {
    if let Some(layout) = split_in_place(func) {
        *func = rebuild(func, &layout, &[]);
    }
}

/// Adds the split blocks at the end of the arena and returns the layout
/// that puts them in place, or `None` if no edge is critical (and nothing
/// changed).
pub(crate) fn split_in_place(func: &mut RegFunction) -> Option<Vec<Block>> {
    let cfg = Cfg::new(func);
    let mut layout: Vec<Block> = Vec::with_capacity(func.num_blocks());
    let mut split_any = false;
    for block in func.blocks() {
        layout.push(block);
        if cfg.succs(block).len() < 2 {
            continue;
        }
        let Some(branch) = func.terminator(block) else {
            continue;
        };
        let offset = func.inst(branch).offset;
        for edge in func.edge_indices(branch) {
            let call = func.edges[edge];
            if call.block.index() >= cfg.num_blocks() || cfg.preds(call.block).len() < 2 {
                continue;
            }
            let split = func.new_block();
            let first_inst = func.insts.len() as u32;
            let targets = func.alloc_targets(&[call]);
            func.insts.push(InstData {
                opcode: Opcode::Jump,
                args: ValueList::default(),
                results: ValueList::default(),
                targets,
                offset,
            });
            func.blocks[split.index()] = BlockData {
                params: ValueList::default(),
                first_inst,
                end_inst: first_inst + 1,
            };
            *func.edge_mut(edge) = BlockCall {
                block: split,
                args: ValueList::default(),
            };
            layout.push(split);
            split_any = true;
        }
    }
    split_any.then_some(layout)
}

#[cfg(test)]
mod tests {
    use crate::cfg::Cfg;
    use crate::passes::split_critical_edges;
    use crate::passes::test_support::{build_one, dump};

    fn critical_edges(func: &crate::RegFunction) -> usize {
        let cfg = Cfg::new(func);
        func.blocks()
            .filter(|&block| cfg.succs(block).len() > 1)
            .flat_map(|block| cfg.succs(block).to_vec())
            .filter(|&succ| cfg.preds(succ).len() > 1)
            .count()
    }

    #[test]
    fn no_critical_edges_remain() {
        let (module, mut func) = build_one(
            r#"(module (func (param i32) (result i32)
                (block $b (result i32)
                    (br_if $b (i32.const 1) (local.get 0))
                    (drop)
                    (block $c (result i32)
                        (br_table $c $b $c (i32.const 2) (local.get 0)))
                    (i32.const 3)
                    (i32.add))))"#,
        );
        assert!(critical_edges(&func) > 0, "{}", dump(&module, &func));
        split_critical_edges(&mut func);
        let text = dump(&module, &func);
        assert_eq!(critical_edges(&func), 0, "{text}");
        // The arguments moved to the split blocks' jumps.
        assert!(text.contains("br_if v0, block1, block2"), "{text}");
        assert!(text.contains("jump block"), "{text}");
    }
}
