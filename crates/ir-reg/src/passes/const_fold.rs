//! Constant folding and algebraic simplification.
//!
//! In layout order (definitions before uses, except around loop back edges,
//! which only cost folding opportunities):
//! - a pure or trapping operation whose operands are all constants becomes a
//!   constant when [`crate::eval::eval`] can evaluate it exactly — a
//!   division by zero or a NaN-producing float operation stays as it is;
//! - identities become `copy` (`x + 0`, `x * 1`, `x << 32`, `select` with a
//!   constant condition or equal arms, `x / 1`) or constants (`x * 0`,
//!   `x ^ x`, `x == x`, `x % 1`); float identities are left alone because
//!   they would change the sign of zero or NaN bits;
//! - block parameters that receive the same constant on every edge are
//!   treated as that constant;
//! - branches on a constant become `jump`s; blocks left unreachable are
//!   removed by compaction.

use zwasm_decode::ValType;

use crate::RegFunction;
use crate::cfg::{Cfg, PredEdge};
use crate::entities::{Block, Inst, Value};
use crate::eval::{Const, eval, float_compare, int_compare};
use crate::ops::{Opcode, OperandType};
use crate::passes::compact::compact;

/// What an instruction simplifies to.
enum Folded {
    Const(Const),
    CopyOf(Value),
}

/// Folds constants and simplifies identities in `func`.
pub fn const_fold(func: &mut RegFunction) {
    let mut consts: Vec<Option<Const>> = vec![None; func.num_values()];
    let mut cfg_changed = false;
    let mut operands: Vec<Const> = Vec::new();
    let cfg = Cfg::new(func);
    let mut flow = Flow {
        visited: vec![false; func.num_blocks()],
        executable: vec![false; func.num_blocks()],
        taken_edge: vec![None; func.num_insts()],
    };
    if let Some(entry) = flow.executable.first_mut() {
        *entry = true;
    }
    for block in func.blocks() {
        flow.visited[block.index()] = true;
        fold_params(func, &cfg, &flow, block, &mut consts);
        for inst in func.block_insts(block) {
            let opcode = func.opcode(inst);
            if opcode.is_terminator() {
                if let Some(taken) = fold_branch(func, inst, &consts) {
                    flow.taken_edge[inst.index()] = Some(taken as u32);
                    cfg_changed = true;
                }
                if flow.executable[block.index()] {
                    for succ in func.successors(block).collect::<Vec<_>>() {
                        if let Some(executable) = flow.executable.get_mut(succ.index()) {
                            *executable = true;
                        }
                    }
                }
                continue;
            }
            let [result] = *func.inst_results(inst) else {
                continue;
            };
            let folded = match Const::of(&opcode) {
                Some(constant) => {
                    consts[result.index()] = Some(constant);
                    continue;
                }
                None => fold(func, inst, &consts, &mut operands),
            };
            match folded {
                Some(Folded::Const(constant)) => match constant.opcode() {
                    Some(const_opcode) => {
                        func.rewrite(inst, const_opcode, &[]);
                        consts[result.index()] = Some(constant);
                    }
                    None => consts[result.index()] = Some(constant),
                },
                Some(Folded::CopyOf(source)) => {
                    if opcode != Opcode::Copy {
                        func.rewrite(inst, Opcode::Copy, &[source]);
                    }
                    consts[result.index()] = consts[source.index()];
                }
                None => {}
            }
        }
    }
    if cfg_changed {
        compact(func);
    }
}

/// Which blocks and edges can execute, as far as the walk in layout order
/// has seen.
struct Flow {
    visited: Vec<bool>,
    /// Reached from the entry through edges that were not folded away.
    executable: Vec<bool>,
    /// For a branch folded into a jump: the original edge it kept.
    taken_edge: Vec<Option<u32>>,
}

/// A block parameter is a known constant when every incoming edge that can
/// execute passes that same constant. An edge from a block not visited yet
/// (a loop back edge) passes an unknown value, which keeps the rule sound
/// without iterating.
fn fold_params(
    func: &RegFunction,
    cfg: &Cfg,
    flow: &Flow,
    block: Block,
    consts: &mut [Option<Const>],
) {
    let edges = cfg.pred_edges(block);
    for (position, &param) in func.block_params(block).iter().enumerate() {
        let mut known: Option<Const> = None;
        let mut constant = true;
        for edge in edges {
            if !flow.visited[edge.block.index()] {
                constant = false;
                break;
            }
            let folded_away = flow.taken_edge[edge.inst.index()].is_some_and(|t| t != edge.target);
            if !flow.executable[edge.block.index()] || folded_away {
                continue;
            }
            let arg = cfg_edge_arg(func, edge, position);
            match (
                arg.and_then(|arg| consts.get(arg.index()).copied().flatten()),
                known,
            ) {
                (Some(value), None) => known = Some(value),
                (Some(value), Some(seen)) if value == seen => {}
                _ => {
                    constant = false;
                    break;
                }
            }
        }
        if constant && known.is_some() {
            consts[param.index()] = known;
        }
    }
}

/// The argument an edge of the CFG as it was before folding passes to the
/// parameter at `position`. A branch folded into a jump keeps only its taken
/// edge, now its first target.
fn cfg_edge_arg(func: &RegFunction, edge: &PredEdge, position: usize) -> Option<Value> {
    let targets = func.inst_targets(edge.inst);
    let call = if func.opcode(edge.inst) == Opcode::Jump {
        targets.first()?
    } else {
        targets.get(edge.target as usize)?
    };
    func.edge_args(call).get(position).copied()
}

/// The simplified form of a non-terminator, if any.
fn fold(
    func: &RegFunction,
    inst: Inst,
    consts: &[Option<Const>],
    operands: &mut Vec<Const>,
) -> Option<Folded> {
    let opcode = func.opcode(inst);
    let effects = opcode.effects();
    // Only operations that depend on nothing but their operands; trapping
    // ones are folded only when evaluation proves they do not trap.
    if effects.reads_state || effects.writes_state {
        return None;
    }
    let args = func.inst_args(inst);
    let constant = |value: Value| consts.get(value.index()).copied().flatten();
    match (opcode, args) {
        (Opcode::Copy, &[source]) => return Some(Folded::CopyOf(source)),
        (Opcode::Select, &[condition, if_true, if_false]) => {
            if if_true == if_false {
                return Some(Folded::CopyOf(if_true));
            }
            let condition = constant(condition)?.as_int()?;
            return Some(Folded::CopyOf(if condition != 0 {
                if_true
            } else {
                if_false
            }));
        }
        _ => {}
    }
    operands.clear();
    for &arg in args {
        match constant(arg) {
            Some(value) => operands.push(value),
            None => break,
        }
    }
    if operands.len() == args.len() {
        if let Some(result) = eval(&opcode, operands) {
            return Some(Folded::Const(result));
        }
        return None;
    }
    match *args {
        [a, b] => simplify_binary(opcode, a, b, constant(a), constant(b)),
        _ => None,
    }
}

/// Integer identities with at most one constant operand, or equal operands.
fn simplify_binary(
    opcode: Opcode,
    a: Value,
    b: Value,
    a_const: Option<Const>,
    b_const: Option<Const>,
) -> Option<Folded> {
    let is_64 = opcode
        .fixed_signature()
        .and_then(|sig| sig.params.first().copied())
        == Some(OperandType::Val(ValType::I64));
    let int = |n: i64| {
        Folded::Const(if is_64 {
            Const::I64(n)
        } else {
            Const::I32(n as i32)
        })
    };
    let a_is = |n: i64| a_const.is_some_and(|c| c.is_int(n));
    let b_is = |n: i64| b_const.is_some_and(|c| c.is_int(n));
    let width: i64 = if is_64 { 64 } else { 32 };
    let shift_is_zero = b_const
        .and_then(Const::as_int)
        .is_some_and(|count| count.rem_euclid(width) == 0);
    use Opcode::*;
    Some(match opcode {
        I32Add | I64Add | I32Or | I64Or | I32Xor | I64Xor if b_is(0) => Folded::CopyOf(a),
        I32Add | I64Add | I32Or | I64Or | I32Xor | I64Xor if a_is(0) => Folded::CopyOf(b),
        I32Sub | I64Sub if b_is(0) => Folded::CopyOf(a),
        I32Sub | I64Sub | I32Xor | I64Xor if a == b => int(0),
        I32Mul | I64Mul if b_is(1) => Folded::CopyOf(a),
        I32Mul | I64Mul if a_is(1) => Folded::CopyOf(b),
        I32Mul | I64Mul | I32And | I64And if a_is(0) || b_is(0) => int(0),
        I32And | I64And if b_is(-1) => Folded::CopyOf(a),
        I32And | I64And if a_is(-1) => Folded::CopyOf(b),
        I32Or | I64Or if a_is(-1) || b_is(-1) => int(-1),
        I32And | I64And | I32Or | I64Or if a == b => Folded::CopyOf(a),
        I32Shl | I64Shl | I32ShrS | I64ShrS | I32ShrU | I64ShrU | I32Rotl | I64Rotl | I32Rotr
        | I64Rotr
            if shift_is_zero =>
        {
            Folded::CopyOf(a)
        }
        // A divisor of 1 cannot trap.
        I32DivS | I64DivS | I32DivU | I64DivU if b_is(1) => Folded::CopyOf(a),
        I32RemS | I64RemS | I32RemU | I64RemU if b_is(1) => int(0),
        I32Eq | I64Eq | I32LeS | I64LeS | I32LeU | I64LeU | I32GeS | I64GeS | I32GeU | I64GeU
            if a == b =>
        {
            Folded::Const(Const::I32(1))
        }
        I32Ne | I64Ne | I32LtS | I64LtS | I32LtU | I64LtU | I32GtS | I64GtS | I32GtU | I64GtU
            if a == b =>
        {
            Folded::Const(Const::I32(0))
        }
        _ => return None,
    })
}

/// Turns a branch whose direction is known into a `jump`; returns the
/// position of the target it kept.
fn fold_branch(func: &mut RegFunction, inst: Inst, consts: &[Option<Const>]) -> Option<usize> {
    let constant = |value: &Value| consts.get(value.index()).copied().flatten();
    let args = func.inst_args(inst);
    let taken = match (func.opcode(inst), args) {
        (Opcode::BrIf, [condition]) => match constant(condition).and_then(Const::as_int) {
            Some(condition) => usize::from(condition == 0),
            None => return None,
        },
        (Opcode::BrEqz, [value]) => match constant(value).and_then(Const::as_int) {
            Some(value) => usize::from(value != 0),
            None => return None,
        },
        (Opcode::BrIcmp { cond }, [a, b]) => match (constant(a), constant(b)) {
            (Some(Const::I32(a)), Some(Const::I32(b))) => {
                usize::from(!int_compare(cond, i64::from(a), i64::from(b), 32))
            }
            (Some(Const::I64(a)), Some(Const::I64(b))) => usize::from(!int_compare(cond, a, b, 64)),
            _ => return None,
        },
        (Opcode::BrFcmp { cond }, [a, b]) => match (constant(a), constant(b)) {
            (Some(Const::F32(a)), Some(Const::F32(b))) => usize::from(!float_compare(
                cond,
                f64::from(f32::from_bits(a)),
                f64::from(f32::from_bits(b)),
            )),
            (Some(Const::F64(a)), Some(Const::F64(b))) => {
                usize::from(!float_compare(cond, f64::from_bits(a), f64::from_bits(b)))
            }
            _ => return None,
        },
        (Opcode::BrTable, [index]) => match constant(index) {
            Some(Const::I32(index)) => {
                let default = func.inst_targets(inst).len().saturating_sub(1);
                (index as u32 as usize).min(default)
            }
            _ => return None,
        },
        _ => return None,
    };
    func.rewrite_as_jump(inst, taken);
    Some(taken)
}

#[cfg(test)]
mod tests {
    use crate::passes::test_support::{build_one, dump};
    use crate::passes::{const_fold, dce};

    #[test]
    fn folds_arithmetic_and_branches() {
        let (module, mut func) = build_one(
            r#"(module (func (result i32)
                (i32.add (i32.const 2) (i32.mul (i32.const 3) (i32.const 4)))
                (if (result i32) (i32.const 1) (then (i32.const 10)) (else (i32.const 20)))
                i32.add))"#,
        );
        const_fold(&mut func);
        dce(&mut func);
        let text = dump(&module, &func);
        assert!(!text.contains("br_if"), "{text}");
        assert!(!text.contains("i32.add"), "{text}");
        assert!(!text.contains("i32.const 20"), "{text}");
        assert!(text.contains("i32.const 24"), "{text}");
    }

    #[test]
    fn leaves_trapping_operations_alone() {
        let (module, mut func) = build_one(
            r#"(module (func (result i32)
                (drop (i32.div_s (i32.const 1) (i32.const 0)))
                (drop (i32.div_s (i32.const 0x80000000) (i32.const -1)))
                (drop (i32.trunc_f32_s (f32.const nan)))
                (drop (i64.rem_u (i64.const 1) (i64.const 0)))
                (i32.div_u (i32.const 7) (i32.const 2))))"#,
        );
        const_fold(&mut func);
        dce(&mut func);
        let text = dump(&module, &func);
        assert!(text.contains("i32.div_s v0, v1"), "{text}");
        assert!(text.contains("i32.div_s v3, v4"), "{text}");
        assert!(text.contains("i32.trunc_f32_s"), "{text}");
        assert!(text.contains("i64.rem_u"), "{text}");
        assert!(text.contains("i32.const 3"), "{text}");
        assert!(!text.contains("i32.div_u"), "{text}");
    }

    #[test]
    fn skips_nan_results_but_folds_sign_operations() {
        let (module, mut func) = build_one(
            r#"(module (func (result f32 f32 f64)
                (f32.div (f32.const 0) (f32.const 0))
                (f32.neg (f32.const nan:0x1))
                (f64.add (f64.const 1.5) (f64.const 0.25))))"#,
        );
        const_fold(&mut func);
        dce(&mut func);
        let text = dump(&module, &func);
        assert!(text.contains("f32.div"), "{text}");
        assert!(text.contains("f32.const -nan:0x1"), "{text}");
        assert!(text.contains("f64.const 1.75"), "{text}");
    }

    #[test]
    fn identities_become_copies() {
        let (module, mut func) = build_one(
            r#"(module (func (param i32 i64) (result i32 i64 i32)
                (i32.add (local.get 0) (i32.const 0))
                (i64.shl (local.get 1) (i64.const 64))
                (i32.mul (local.get 0) (i32.const 0))))"#,
        );
        const_fold(&mut func);
        let text = dump(&module, &func);
        assert!(text.contains("v3 = copy v0"), "{text}");
        assert!(text.contains("v5 = copy v1"), "{text}");
        assert!(text.contains("v7 = i32.const 0"), "{text}");
    }
}
