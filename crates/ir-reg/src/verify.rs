//! An independent check of an ir-reg function: layout (every block a
//! non-empty contiguous instruction range ending in its only terminator),
//! definitions (each value defined once, where its record says), types
//! (operands and results against the opcode's signature, edge arguments
//! against the target's parameters), the CFG (targets exist, the entry has no
//! predecessors, every block is reachable) and SSA dominance of every use.

use std::fmt;

use zwasm_decode::{Module, ValType};

use crate::cfg::{Cfg, DomTree};
use crate::entities::{Block, Inst, Value};
use crate::function::{RegFunction, ValueDef};
use crate::ops::TargetCount;
use crate::signature::{self, Context, Signature};

/// What is wrong with an ir-reg function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyError {
    /// The function's identity or entry parameters disagree with the module.
    Signature(String),
    /// A block's instruction range is empty, misplaced or lacks a terminator.
    Layout {
        /// The block at fault.
        block: Block,
        /// What is wrong.
        message: String,
    },
    /// A value's definition record is wrong, or it is defined twice.
    Definition {
        /// The value at fault.
        value: Value,
        /// What is wrong.
        message: String,
    },
    /// An instruction is ill-formed or ill-typed.
    Inst {
        /// The instruction at fault.
        inst: Inst,
        /// What is wrong.
        message: String,
    },
    /// A use of `value` in `inst` is not dominated by its definition.
    Dominance {
        /// The using instruction.
        inst: Inst,
        /// The value used.
        value: Value,
    },
    /// The block cannot be reached from the entry.
    Unreachable {
        /// The unreachable block.
        block: Block,
    },
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::Signature(message) => write!(f, "bad function signature: {message}"),
            VerifyError::Layout { block, message } => write!(f, "{block}: {message}"),
            VerifyError::Definition { value, message } => write!(f, "{value}: {message}"),
            VerifyError::Inst { inst, message } => write!(f, "{inst}: {message}"),
            VerifyError::Dominance { inst, value } => {
                write!(
                    f,
                    "{inst}: use of {value} is not dominated by its definition"
                )
            }
            VerifyError::Unreachable { block } => {
                write!(f, "{block} is unreachable from the entry")
            }
        }
    }
}

impl std::error::Error for VerifyError {}

/// Checks every invariant of `func` against `module`.
pub fn verify(func: &RegFunction, module: &Module) -> Result<(), VerifyError> {
    let func_type = module
        .types
        .get(func.type_index() as usize)
        .ok_or_else(|| VerifyError::Signature(format!("type {} missing", func.type_index())))?;
    if module.functions.get(func.func_index() as usize) != Some(&func.type_index()) {
        return Err(VerifyError::Signature(format!(
            "function {} does not have type {}",
            func.func_index(),
            func.type_index()
        )));
    }
    let inst_blocks = check_layout(func)?;
    check_definitions(func)?;
    let entry_types: Vec<ValType> = func
        .block_params(func.entry_block())
        .iter()
        .map(|&value| func.value_type(value))
        .collect();
    if *entry_types != *func_type.params {
        return Err(VerifyError::Signature(
            "entry block parameters differ from the function parameters".into(),
        ));
    }
    let mut sig = Signature::default();
    for block in func.blocks() {
        for inst in func.block_insts(block) {
            check_inst(func, module, &func_type.results, inst, &mut sig)?;
        }
    }
    let cfg = Cfg::new(func);
    if !cfg.preds(func.entry_block()).is_empty() {
        return Err(VerifyError::Layout {
            block: func.entry_block(),
            message: "the entry block has predecessors".into(),
        });
    }
    let domtree = DomTree::new(&cfg);
    if let Some(block) = func.blocks().find(|&block| !domtree.is_reachable(block)) {
        return Err(VerifyError::Unreachable { block });
    }
    check_dominance(func, &domtree, &inst_blocks)
}

/// Blocks cover the instruction arena in order, each non-empty and ending in
/// its only terminator. Returns the block of every instruction.
fn check_layout(func: &RegFunction) -> Result<Vec<Block>, VerifyError> {
    if func.num_blocks() == 0 {
        return Err(VerifyError::Signature("no entry block".into()));
    }
    let mut inst_blocks = Vec::with_capacity(func.num_insts());
    let mut next = 0u32;
    for block in func.blocks() {
        let layout_error = |message: String| VerifyError::Layout { block, message };
        let range = func.block_inst_range(block);
        if range.start != next || range.end <= range.start || range.end as usize > func.num_insts()
        {
            return Err(layout_error(format!(
                "instructions {range:?} do not follow the previous block's (next is {next})"
            )));
        }
        next = range.end;
        for inst in func.block_insts(block) {
            inst_blocks.push(block);
            let is_last = inst.0 + 1 == range.end;
            if func.opcode(inst).is_terminator() != is_last {
                return Err(layout_error(if is_last {
                    format!("ends in non-terminator {inst}")
                } else {
                    format!("terminator {inst} in the middle")
                }));
            }
        }
    }
    if next as usize != func.num_insts() {
        return Err(VerifyError::Layout {
            block: Block::from_index(func.num_blocks() - 1),
            message: format!(
                "{} instructions belong to no block",
                func.num_insts() - next as usize
            ),
        });
    }
    Ok(inst_blocks)
}

/// Every parameter and result is a value whose record names its definition,
/// and no value is defined twice.
fn check_definitions(func: &RegFunction) -> Result<(), VerifyError> {
    let mut defined = vec![false; func.num_values()];
    let mut define = |value: Value, def: ValueDef| -> Result<(), VerifyError> {
        let error = |message: &str| VerifyError::Definition {
            value,
            message: message.into(),
        };
        let Some(seen) = defined.get_mut(value.index()) else {
            return Err(error("no such value"));
        };
        if *seen {
            return Err(error("defined twice"));
        }
        *seen = true;
        if func.value_def(value) != def {
            return Err(error("its definition record names another place"));
        }
        Ok(())
    };
    for block in func.blocks() {
        for &param in func.block_params(block) {
            define(param, ValueDef::Param(block))?;
        }
        for inst in func.block_insts(block) {
            for &result in func.inst_results(inst) {
                define(result, ValueDef::Result(inst))?;
            }
        }
    }
    Ok(())
}

fn check_inst(
    func: &RegFunction,
    module: &Module,
    func_results: &[ValType],
    inst: Inst,
    sig: &mut Signature,
) -> Result<(), VerifyError> {
    let error = |message: String| VerifyError::Inst { inst, message };
    let opcode = func.opcode(inst);
    let args = func.inst_args(inst);
    let value_type = |value: Value| -> Result<ValType, VerifyError> {
        (value.index() < func.num_values())
            .then(|| func.value_type(value))
            .ok_or_else(|| error(format!("operand {value} does not exist")))
    };
    let operand_type = match signature::polymorphic_operand(&opcode) {
        Some(position) => Some(value_type(
            *args
                .get(position)
                .ok_or_else(|| error(format!("{opcode} lacks operands")))?,
        )?),
        None => None,
    };
    let cx = Context {
        module,
        func_results,
        operand_type,
    };
    signature::resolve(&opcode, cx, sig).map_err(error)?;
    check_types(&sig.params, args, "operand", &value_type).map_err(error)?;
    check_types(&sig.results, func.inst_results(inst), "result", &value_type).map_err(error)?;

    let targets = func.inst_targets(inst);
    let count_ok = match opcode.target_count() {
        TargetCount::Exactly(count) => targets.len() == count,
        TargetCount::AtLeastOne => !targets.is_empty(),
    };
    if !count_ok {
        return Err(error(format!("{opcode} with {} targets", targets.len())));
    }
    for call in targets {
        if call.block.index() >= func.num_blocks() {
            return Err(error(format!("target {} does not exist", call.block)));
        }
        if call.block == func.entry_block() {
            return Err(error("branch to the entry block".into()));
        }
        let param_types: Vec<ValType> = func
            .block_params(call.block)
            .iter()
            .map(|&param| func.value_type(param))
            .collect();
        let what = format!("argument to {}", call.block);
        check_types(&param_types, func.edge_args(call), &what, &value_type).map_err(error)?;
    }
    Ok(())
}

/// `values` has exactly the types `expected`.
fn check_types(
    expected: &[ValType],
    values: &[Value],
    what: &str,
    value_type: &dyn Fn(Value) -> Result<ValType, VerifyError>,
) -> Result<(), String> {
    if expected.len() != values.len() {
        return Err(format!(
            "{} {what}s where {} expected",
            values.len(),
            expected.len()
        ));
    }
    for (&ty, &value) in expected.iter().zip(values) {
        let found = value_type(value).map_err(|error| error.to_string())?;
        if found != ty {
            return Err(format!("{what} {value} is {found}, expected {ty}"));
        }
    }
    Ok(())
}

/// Every operand is defined before its use in the same block or in a block
/// that dominates the use; edge arguments are used at the end of the block
/// they leave.
fn check_dominance(
    func: &RegFunction,
    domtree: &DomTree,
    inst_blocks: &[Block],
) -> Result<(), VerifyError> {
    for block in func.blocks() {
        for inst in func.block_insts(block) {
            let edge_args = func
                .inst_targets(inst)
                .iter()
                .flat_map(|call| func.edge_args(call));
            for &value in func.inst_args(inst).iter().chain(edge_args) {
                let dominated = match func.value_def(value) {
                    ValueDef::Param(def_block) => domtree.dominates(def_block, block),
                    ValueDef::Result(def_inst) => match inst_blocks.get(def_inst.index()) {
                        Some(&def_block) if def_block == block => def_inst < inst,
                        Some(&def_block) => domtree.dominates(def_block, block),
                        None => false,
                    },
                    ValueDef::Removed => false,
                };
                if !dominated {
                    return Err(VerifyError::Dominance { inst, value });
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::Inst;
    use crate::ops::Opcode;
    use crate::passes::test_support::build_one;

    const LOOP: &str = r#"(module (func (param i32) (result i32) (local $acc i32)
        (loop $l
            (local.set $acc (i32.add (local.get $acc) (local.get 0)))
            (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
            (br_if $l (local.get 0)))
        (local.get $acc)))"#;

    fn find(func: &RegFunction, opcode: Opcode) -> Inst {
        (0..func.num_insts() as u32)
            .map(Inst)
            .find(|&inst| func.opcode(inst) == opcode)
            .expect("instruction present")
    }

    #[test]
    fn built_functions_verify() {
        let (module, func) = build_one(LOOP);
        assert_eq!(verify(&func, &module), Ok(()));
    }

    #[test]
    fn a_use_before_its_definition_is_rejected() {
        let (module, mut func) = build_one(LOOP);
        let add = find(&func, Opcode::I32Add);
        let sub = find(&func, Opcode::I32Sub);
        let later = func.inst_results(sub)[0];
        let first = func.inst_args(add)[1];
        func.set_args(add, &[later, first]);
        assert!(matches!(
            verify(&func, &module),
            Err(VerifyError::Dominance { value, .. }) if value == later
        ));
    }

    #[test]
    fn a_type_mismatch_is_rejected() {
        let (module, mut func) = build_one(LOOP);
        let add = find(&func, Opcode::I32Add);
        func.insts[add.index()].opcode = Opcode::I64Add;
        assert!(
            matches!(verify(&func, &module), Err(VerifyError::Inst { inst, .. }) if inst == add)
        );
    }

    #[test]
    fn edge_arguments_must_match_parameters() {
        let (module, mut func) = build_one(LOOP);
        let jump = find(&func, Opcode::Jump);
        let edge = func.edge_indices(jump).start;
        let mut args = func.edges[edge].args;
        func.remove_from_list(&mut args, 0);
        func.edge_mut(edge).args = args;
        let error = verify(&func, &module).expect_err("arity mismatch");
        assert!(error.to_string().contains("argument to block1"), "{error}");
    }

    #[test]
    fn a_terminator_in_the_middle_is_rejected() {
        let (module, mut func) = build_one(LOOP);
        let add = find(&func, Opcode::I32Add);
        func.insts[add.index()].opcode = Opcode::Return;
        assert!(matches!(
            verify(&func, &module),
            Err(VerifyError::Layout { .. })
        ));
    }

    #[test]
    fn unreachable_blocks_and_branches_to_the_entry_are_rejected() {
        let (module, mut func) = build_one(
            r#"(module (func (param i32) (result i32)
                (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2)))))"#,
        );
        let branch = find(&func, Opcode::BrIf);
        func.rewrite_as_jump(branch, 0);
        assert!(matches!(
            verify(&func, &module),
            Err(VerifyError::Unreachable { block }) if block == Block(2)
        ));
        let edge = func.edge_indices(branch).start;
        func.edge_mut(edge).block = Block(0);
        let error = verify(&func, &module).expect_err("entry target");
        assert!(error.to_string().contains("entry"), "{error}");
    }

    #[test]
    fn removed_values_must_not_be_used() {
        let (module, mut func) = build_one(LOOP);
        let header = Block(1);
        let param = func.block_params(header)[0];
        func.values[param.index()].def = ValueDef::Removed;
        assert!(matches!(
            verify(&func, &module),
            Err(VerifyError::Definition { .. })
        ));
    }
}
