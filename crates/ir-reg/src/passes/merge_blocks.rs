//! Block merging: a block whose only predecessor edge is a `jump` from
//! another block is appended to that block, its parameters replaced by the
//! jump's arguments. Chains merge in one go. What remains is the CFG with
//! every unconditional edge into a single-predecessor block removed, as left
//! behind by structured control flow (`block … end` reached only by falling
//! through) and by branches that constant folding decided.

use crate::RegFunction;
use crate::cfg::Cfg;
use crate::entities::{Block, Inst, Value};
use crate::ops::Opcode;
use crate::passes::compact::rebuild;
use crate::passes::dce::remove_dead_params;

/// Merges every block into its predecessor where that predecessor is its
/// only one and ends in a `jump` to it.
pub fn merge_blocks(func: &mut RegFunction) {
    let cfg = Cfg::new(func);
    let mut dead_insts = Vec::new();
    if let Some(heads) = merge_in_place(func, &cfg, &mut dead_insts) {
        *func = rebuild(func, &heads, &dead_insts);
    }
}

/// [`crate::passes::dce`] then [`merge_blocks`] with one rebuild: both
/// decide from the same CFG (dead-code elimination changes no edge, and the
/// function it starts from has no unreachable blocks), and the rebuild
/// drops the dead instructions while it lays out the merged blocks.
pub(crate) fn dce_and_merge_blocks(func: &mut RegFunction) {
    let (cfg, mut dead_insts) = remove_dead_params(func);
    let order = match merge_in_place(func, &cfg, &mut dead_insts) {
        Some(heads) => heads,
        None => func.blocks().collect(),
    };
    *func = rebuild(func, &order, &dead_insts);
}

/// Merges in place: each chain's instructions are copied to the end of the
/// arena as its head's (`dead_insts[i]`, for instructions that a rebuild
/// will drop, is extended to the copies). Returns the heads, the layout to
/// rebuild with, or `None` if nothing merges (and nothing changed).
fn merge_in_place(
    func: &mut RegFunction,
    cfg: &Cfg,
    dead_insts: &mut Vec<bool>,
) -> Option<Vec<Block>> {
    let mut absorbed = vec![false; func.num_blocks()];
    let mut replacement: Vec<Value> = (0..func.num_values()).map(Value::from_index).collect();
    let mut any = false;
    for block in func.blocks().skip(1) {
        let [edge] = cfg.pred_edges(block) else {
            continue;
        };
        if edge.block == block || func.opcode(edge.inst) != Opcode::Jump {
            continue;
        }
        let call = func.inst_targets(edge.inst)[0];
        for (&param, &arg) in func.block_params(block).iter().zip(func.edge_args(&call)) {
            replacement[param.index()] = arg;
        }
        absorbed[block.index()] = true;
        any = true;
    }
    if !any {
        return None;
    }
    // Every block is reachable, so absorption chains end at a block that is
    // not absorbed and cannot loop: following them terminates.
    func.replace_uses(|mut value| {
        while let Some(&next) = replacement.get(value.index()) {
            if next == value {
                break;
            }
            value = next;
        }
        value
    });
    let heads: Vec<Block> = func
        .blocks()
        .filter(|block| !absorbed[block.index()])
        .collect();
    let mut merged: Vec<Inst> = Vec::new();
    for &head in &heads {
        merged.clear();
        let mut current = head;
        let mut absorbs_any = false;
        while let Some(terminator) = func.terminator(current) {
            let range = func.block_inst_range(current);
            merged.extend((range.start..terminator.0).map(Inst));
            let next = func.inst_targets(terminator).first().map(|call| call.block);
            match next {
                Some(next)
                    if func.opcode(terminator) == Opcode::Jump
                        && absorbed.get(next.index()).copied().unwrap_or(false) =>
                {
                    current = next;
                    absorbs_any = true;
                }
                _ => {
                    merged.push(terminator);
                    break;
                }
            }
        }
        if !absorbs_any {
            continue;
        }
        // Copy the merged sequence to the end of the arena; compaction
        // below renumbers it and drops the originals.
        let first = func.insts.len() as u32;
        dead_insts.resize(func.insts.len(), false);
        for &inst in &merged {
            let data = func.insts[inst.index()];
            func.insts.push(data);
            dead_insts.push(dead_insts[inst.index()]);
        }
        let data = &mut func.blocks[head.index()];
        data.first_inst = first;
        data.end_inst = func.insts.len() as u32;
    }
    Some(heads)
}

#[cfg(test)]
mod tests {
    use crate::passes::test_support::{build_one, dump};
    use crate::passes::{const_fold, merge_blocks};

    #[test]
    fn straight_line_chains_become_one_block() {
        let (module, mut func) = build_one(
            r#"(module (func (param i32) (result i32)
                (block $a (result i32)
                    (br $a (i32.add (local.get 0) (i32.const 1))))
                (if (param i32) (result i32) (i32.const 1)
                    (then (i32.mul (i32.const 3)))
                    (else (drop) (i32.const 0)))))"#,
        );
        const_fold(&mut func);
        merge_blocks(&mut func);
        let text = dump(&module, &func);
        assert!(!text.contains("jump"), "{text}");
        assert!(!text.contains("block1"), "{text}");
        assert!(text.contains("i32.mul v2, "), "{text}");
    }

    #[test]
    fn loop_headers_and_merges_stay() {
        let (module, mut func) = build_one(
            r#"(module (func (param i32) (result i32)
                (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
                (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2)))))"#,
        );
        let before = dump(&module, &func);
        merge_blocks(&mut func);
        let after = dump(&module, &func);
        assert_eq!(before, after);
    }
}
