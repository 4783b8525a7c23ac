//! Copy propagation: every use of a `copy` result is replaced by the copied
//! value, and every block parameter that receives the same value on all its
//! incoming edges (ignoring edges that pass the parameter back to itself) is
//! removed in favour of that value, repeated until nothing changes. The
//! `copy` instructions themselves are left for dead-code elimination.

use crate::RegFunction;
use crate::cfg::Cfg;
use crate::entities::Value;
use crate::ops::Opcode;

/// Propagates copies and removes redundant block parameters in `func`.
pub fn copy_prop(func: &mut RegFunction) {
    let mut replacement: Vec<Value> = (0..func.num_values()).map(Value::from_index).collect();
    for block in func.blocks() {
        for inst in func.block_insts(block) {
            if let (Opcode::Copy, [source], [result]) = (
                func.opcode(inst),
                func.inst_args(inst),
                func.inst_results(inst),
            ) {
                replacement[result.index()] = *source;
            }
        }
    }
    let cfg = Cfg::new(func);
    let mut removed = vec![false; func.num_values()];
    let mut changed = true;
    while changed {
        changed = false;
        for block in func.blocks().skip(1) {
            for (position, &param) in func.block_params(block).iter().enumerate() {
                if removed[param.index()] {
                    continue;
                }
                let mut same = None;
                let mut trivial = true;
                for edge in cfg.pred_edges(block) {
                    let call = &func.inst_targets(edge.inst)[edge.target as usize];
                    let Some(&arg) = func.edge_args(call).get(position) else {
                        trivial = false;
                        break;
                    };
                    let arg = resolve(&replacement, arg);
                    if arg == param || Some(arg) == same {
                        continue;
                    }
                    if same.is_some() {
                        trivial = false;
                        break;
                    }
                    same = Some(arg);
                }
                if let (true, Some(same)) = (trivial, same) {
                    replacement[param.index()] = same;
                    removed[param.index()] = true;
                    changed = true;
                }
            }
        }
    }
    func.replace_uses(|value| resolve(&replacement, value));
    remove_params(func, &cfg, &removed);
}

/// What `value` stands for, following replacement chains (which are acyclic:
/// a value is only ever replaced by one that is not replaced at the time).
fn resolve(replacement: &[Value], mut value: Value) -> Value {
    while let Some(&next) = replacement.get(value.index()) {
        if next == value {
            break;
        }
        value = next;
    }
    value
}

/// Removes the parameters marked in `removed` and the matching argument of
/// every edge into their block.
pub(crate) fn remove_params(func: &mut RegFunction, cfg: &Cfg, removed: &[bool]) {
    for block in func.blocks() {
        for position in (0..func.block_params(block).len()).rev() {
            let param = func.block_params(block)[position];
            if !removed.get(param.index()).copied().unwrap_or(false) {
                continue;
            }
            for edge in cfg.pred_edges(block) {
                let index = func.edge_indices(edge.inst).start + edge.target as usize;
                let mut args = func.edges[index].args;
                func.remove_from_list(&mut args, position);
                func.edge_mut(index).args = args;
            }
            func.remove_block_param(block, position);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::passes::test_support::{build_one, dump};
    use crate::passes::{const_fold, copy_prop, dce};

    #[test]
    fn uses_of_copies_see_the_source() {
        let (module, mut func) = build_one(
            r#"(module (func (param i32) (result i32)
                (i32.mul (i32.add (local.get 0) (i32.const 0)) (local.get 0))))"#,
        );
        const_fold(&mut func);
        copy_prop(&mut func);
        let text = dump(&module, &func);
        assert!(text.contains("i32.mul v0, v0"), "{text}");
        dce(&mut func);
        let text = dump(&module, &func);
        assert!(!text.contains("copy"), "{text}");
    }

    #[test]
    fn block_params_with_one_incoming_value_disappear() {
        // Both arms pass the same value: the merge parameter is redundant.
        let (module, mut func) = build_one(
            r#"(module (func (param i32 i32) (result i32)
                (if (result i32) (local.get 0)
                    (then (local.get 1))
                    (else (local.get 1)))))"#,
        );
        let before = dump(&module, &func);
        assert!(before.contains("block3(v2: i32)"), "{before}");
        copy_prop(&mut func);
        let text = dump(&module, &func);
        assert!(text.contains("block3:"), "{text}");
        assert!(text.contains("return v1"), "{text}");
    }
}
