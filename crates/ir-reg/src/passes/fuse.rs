//! Compare-and-branch fusion: a `br_if` whose condition is a compare in the
//! same block, used nowhere else, becomes one fused branch
//! (`br_icmp lt_s a, b, …`, `br_fcmp lt a, b, …`, `br_eqz x, …`) so that a
//! code generator can emit a compare followed by a conditional branch
//! without materialising the flag. The compare, now unused, is removed.

use crate::RegFunction;
use crate::function::ValueDef;
use crate::ops::Opcode;
use crate::passes::compact::rebuild;
use crate::passes::critical_edges::split_in_place;

/// Fuses compares into the conditional branches of `func`.
pub fn fuse_compare_branch(func: &mut RegFunction) {
    let fused_compares = fuse_in_place(func);
    if fused_compares.contains(&true) {
        let order: Vec<_> = func.blocks().collect();
        *func = rebuild(func, &order, &fused_compares);
    }
}

/// [`fuse_compare_branch`] then [`crate::passes::split_critical_edges`]
/// with one rebuild (fusion changes no edge, so splitting decides the same
/// from the function before its rebuild).
pub(crate) fn fuse_and_split_critical_edges(func: &mut RegFunction) {
    let fused_compares = fuse_in_place(func);
    match split_in_place(func) {
        Some(layout) => *func = rebuild(func, &layout, &fused_compares),
        None if fused_compares.contains(&true) => {
            let order: Vec<_> = func.blocks().collect();
            *func = rebuild(func, &order, &fused_compares);
        }
        None => {}
    }
}

/// Rewrites the branches in place; returns which compares are now dead,
/// for a rebuild to drop.
fn fuse_in_place(func: &mut RegFunction) -> Vec<bool> {
    let uses = func.use_counts();
    let mut fused_compares = vec![false; func.num_insts()];
    for block in func.blocks() {
        let Some(branch) = func.terminator(block) else {
            continue;
        };
        let (Opcode::BrIf, &[condition]) = (func.opcode(branch), func.inst_args(branch)) else {
            continue;
        };
        let ValueDef::Result(compare) = func.value_def(condition) else {
            continue;
        };
        let in_block = func.block_inst_range(block).contains(&compare.0);
        if !in_block || uses.get(condition.index()) != Some(&1) {
            continue;
        }
        let compare_opcode = func.opcode(compare);
        let fused = if let Some(cond) = compare_opcode.int_compare() {
            Opcode::BrIcmp { cond }
        } else if let Some(cond) = compare_opcode.float_compare() {
            Opcode::BrFcmp { cond }
        } else if compare_opcode.is_eqz() {
            Opcode::BrEqz
        } else {
            continue;
        };
        let operands: Vec<_> = func.inst_args(compare).to_vec();
        func.rewrite(branch, fused, &operands);
        fused_compares[compare.index()] = true;
    }
    fused_compares
}

#[cfg(test)]
mod tests {
    use crate::passes::fuse_compare_branch;
    use crate::passes::test_support::{build_one, dump};

    #[test]
    fn compares_fuse_into_branches() {
        let (module, mut func) = build_one(
            r#"(module (func (param i32 i32 f64 i64) (result i32)
                (if (i32.lt_s (local.get 0) (local.get 1)) (then (return (i32.const 1))))
                (if (f64.ge (local.get 2) (local.get 2)) (then (return (i32.const 2))))
                (if (i64.eqz (local.get 3)) (then (return (i32.const 3))))
                (i32.const 0)))"#,
        );
        fuse_compare_branch(&mut func);
        let text = dump(&module, &func);
        assert!(
            text.contains("br_icmp lt_s v0, v1, block1, block2"),
            "{text}"
        );
        assert!(text.contains("br_fcmp ge v2, v2, block3, block4"), "{text}");
        assert!(text.contains("br_eqz v3, block5, block6"), "{text}");
        assert!(!text.contains("i32.lt_s"), "{text}");
        assert!(!text.contains("br_if"), "{text}");
    }

    #[test]
    fn a_compare_used_twice_is_not_fused() {
        let (module, mut func) = build_one(
            r#"(module (func (param i32 i32) (result i32)
                (local $c i32)
                (local.set $c (i32.lt_u (local.get 0) (local.get 1)))
                (if (local.get $c) (then (return (local.get $c))))
                (i32.const 0)))"#,
        );
        fuse_compare_branch(&mut func);
        let text = dump(&module, &func);
        assert!(text.contains("br_if"), "{text}");
    }
}
