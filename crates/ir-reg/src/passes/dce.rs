//! Dead-code elimination: removes instructions whose results are never used
//! and that cannot trap or change state, block parameters that are never used
//! (with the matching edge arguments), and unreachable blocks.
//!
//! Liveness starts from every instruction that must stay (terminators,
//! stores, calls, anything that may trap) and flows backwards through
//! operands and, for a live block parameter, through the matching argument
//! of every incoming edge.

use crate::RegFunction;
use crate::cfg::Cfg;
use crate::entities::Value;
use crate::function::ValueDef;
use crate::passes::compact::rebuild;
use crate::passes::copy_prop::remove_params;

/// Removes dead instructions, parameters and blocks from `func`.
pub fn dce(func: &mut RegFunction) {
    let (_, dead_insts) = remove_dead_params(func);
    let order: Vec<_> = func.blocks().collect();
    *func = rebuild(func, &order, &dead_insts);
}

/// The first half of [`dce`]: removes the dead block parameters (with their
/// edge arguments) in place and returns the CFG (which this does not
/// change) and which instructions are dead, for the rebuild to drop.
pub(crate) fn remove_dead_params(func: &mut RegFunction) -> (Cfg, Vec<bool>) {
    let cfg = Cfg::new(func);
    let mut param_position = vec![0u32; func.num_values()];
    for block in func.blocks() {
        for (position, &param) in func.block_params(block).iter().enumerate() {
            param_position[param.index()] = position as u32;
        }
    }
    let mut live_value = vec![false; func.num_values()];
    let mut live_inst = vec![false; func.num_insts()];
    let mut worklist: Vec<Value> = Vec::new();
    let mut mark = |value: Value, worklist: &mut Vec<Value>| {
        if let Some(live) = live_value.get_mut(value.index())
            && !*live
        {
            *live = true;
            worklist.push(value);
        }
    };
    for block in func.blocks() {
        for inst in func.block_insts(block) {
            if !func.opcode(inst).effects().removable_when_unused() {
                live_inst[inst.index()] = true;
                for &arg in func.inst_args(inst) {
                    mark(arg, &mut worklist);
                }
            }
        }
    }
    while let Some(value) = worklist.pop() {
        match func.value_def(value) {
            ValueDef::Result(inst) => {
                if !live_inst[inst.index()] {
                    live_inst[inst.index()] = true;
                    for &arg in func.inst_args(inst) {
                        mark(arg, &mut worklist);
                    }
                }
            }
            ValueDef::Param(block) => {
                let position = param_position[value.index()] as usize;
                for edge in cfg.pred_edges(block) {
                    let call = &func.inst_targets(edge.inst)[edge.target as usize];
                    if let Some(&arg) = func.edge_args(call).get(position) {
                        mark(arg, &mut worklist);
                    }
                }
            }
            ValueDef::Removed => {}
        }
    }
    let mut dead_params = vec![false; func.num_values()];
    for block in func.blocks().skip(1) {
        for &param in func.block_params(block) {
            dead_params[param.index()] = !live_value[param.index()];
        }
    }
    remove_params(func, &cfg, &dead_params);
    let dead_insts: Vec<bool> = live_inst.iter().map(|live| !live).collect();
    (cfg, dead_insts)
}

#[cfg(test)]
mod tests {
    use crate::passes::dce;
    use crate::passes::test_support::{build_one, dump};

    #[test]
    fn keeps_effects_and_traps_removes_unused_pure_code() {
        let (module, mut func) = build_one(
            r#"(module
                (memory 1)
                (global $g (mut i32) (i32.const 0))
                (func (param i32)
                    (drop (i32.add (local.get 0) (i32.const 1)))
                    (drop (global.get $g))
                    (drop (i32.div_u (local.get 0) (local.get 0)))
                    (drop (i32.load (local.get 0)))
                    (i32.store (local.get 0) (i32.const 5))
                    (global.set $g (i32.const 6))
                    (call $f)
                    (drop (memory.grow (i32.const 0))))
                (func $f))"#,
        );
        let _ = dump(&module, &func);
        dce(&mut func);
        let text = dump(&module, &func);
        assert!(!text.contains("i32.add"), "{text}");
        assert!(!text.contains("global.get"), "{text}");
        assert!(text.contains("i32.div_u"), "{text}");
        assert!(text.contains("i32.load"), "{text}");
        assert!(text.contains("i32.store"), "{text}");
        assert!(text.contains("global.set"), "{text}");
        assert!(text.contains("call func1 $f()"), "{text}");
        assert!(text.contains("memory.grow"), "{text}");
    }

    #[test]
    fn unused_loop_parameters_are_removed() {
        // $x is redefined in the loop (so it gets a parameter) but never read
        // after the loop or used for anything else.
        let (module, mut func) = build_one(
            r#"(module (func (param i32) (local $x i32)
                (loop $l
                    (local.set $x (i32.add (local.get $x) (i32.const 1)))
                    (br_if $l (local.get 0)))))"#,
        );
        let before = dump(&module, &func);
        assert!(before.contains("block1(v"), "{before}");
        dce(&mut func);
        let text = dump(&module, &func);
        assert!(text.contains("block1:"), "{text}");
        assert!(!text.contains("i32.add"), "{text}");
    }
}
