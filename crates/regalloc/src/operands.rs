//! The one operand visitor: for every instruction, the regalloc2 operands
//! with their constraints, each tagged with the [`OperandRole`] it plays.
//!
//! The adapter records the roles next to the operands in the same pass, and
//! regalloc2 returns one allocation per operand in that order, so the
//! collection of operands and the attachment of allocations to roles cannot
//! disagree: there is no second walk to keep in step.

use regalloc2::{Operand, OperandConstraint, OperandKind, OperandPos, RegClass, VReg};
use zwasm_ir_reg::{Inst, Opcode, RegFunction, Value};

use crate::target::{ArgLocation, TargetDesc, ValueSide, class_of};

/// What an allocated operand stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OperandRole {
    /// The function's `i`-th parameter, defined on entry.
    Param(u32),
    /// The instance context: defined on entry (in the convention's `vmctx`
    /// register), used by instructions that touch instance state, may trap
    /// or call.
    Vmctx,
    /// The instruction's `i`-th operand (see `RegFunction::inst_args`).
    Arg(u32),
    /// The instruction's `i`-th result.
    Result(u32),
    /// The `i`-th scratch register the instruction's lowering needs; it
    /// differs from every operand register and is dead afterwards.
    Temp(u32),
}

/// Where operands are visited: the entry pseudo-instruction that defines
/// `vmctx` and the parameters, or an ir-reg instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Site {
    Entry,
    Inst(Inst),
}

/// Numbering of the virtual registers: the function's values keep their
/// numbers, `vmctx` comes right after them, then one fresh register per
/// scratch operand.
#[derive(Clone, Copy, Debug)]
pub(crate) struct VregSpace {
    num_values: usize,
    temps: usize,
}

impl VregSpace {
    pub(crate) fn new(func: &RegFunction) -> Self {
        VregSpace {
            num_values: func.num_values(),
            temps: 0,
        }
    }

    /// How many virtual registers have been handed out.
    pub(crate) fn len(&self) -> usize {
        self.num_values + 1 + self.temps
    }

    fn value(&self, func: &RegFunction, value: Value) -> VReg {
        VReg::new(value.index(), class_of(func.value_type(value)))
    }

    fn vmctx(&self) -> VReg {
        VReg::new(self.num_values, RegClass::Int)
    }

    fn fresh_temp(&mut self, class: RegClass) -> VReg {
        let vreg = VReg::new(self.num_values + 1 + self.temps, class);
        self.temps += 1;
        vreg
    }
}

/// How an instruction's operands map onto the calling convention.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// A call (of wasm code or of the runtime): the first `callee_operands`
    /// operands select the callee, the rest are its parameters, and
    /// `tail` calls define no results.
    Call { callee_operands: usize, tail: bool },
    /// `return`: the operands are the function's results.
    Return,
    /// Everything else: operands and results in any registers.
    Plain,
}

fn shape(target: &TargetDesc, opcode: &Opcode) -> Shape {
    match opcode {
        Opcode::Call { .. } => Shape::Call {
            callee_operands: 0,
            tail: false,
        },
        Opcode::CallIndirect { .. } => Shape::Call {
            callee_operands: 1,
            tail: false,
        },
        Opcode::ReturnCall { .. } => Shape::Call {
            callee_operands: 0,
            tail: true,
        },
        Opcode::ReturnCallIndirect { .. } => Shape::Call {
            callee_operands: 1,
            tail: true,
        },
        Opcode::Return => Shape::Return,
        _ if target.is_runtime_call(opcode) => Shape::Call {
            callee_operands: 0,
            tail: false,
        },
        _ => Shape::Plain,
    }
}

/// Whether `opcode` clobbers the convention's caller-saved registers
/// (calls that return here; tail calls leave the function instead).
pub(crate) fn clobbers_caller_saved(target: &TargetDesc, opcode: &Opcode) -> bool {
    matches!(shape(target, opcode), Shape::Call { tail: false, .. })
}

/// How a non-call instruction uses `vmctx`: in a register when it reaches
/// instance state (memories, tables, globals, function references), anywhere
/// when only its trap path may need it, not at all otherwise.
fn vmctx_constraint(opcode: &Opcode) -> Option<OperandConstraint> {
    let effects = opcode.effects();
    if effects.reads_state || effects.writes_state || matches!(opcode, Opcode::RefFunc { .. }) {
        Some(OperandConstraint::Reg)
    } else if effects.can_trap {
        Some(OperandConstraint::Any)
    } else {
        None
    }
}

fn use_at(vreg: VReg, location: ArgLocation) -> Operand {
    match location {
        ArgLocation::Reg(reg) => Operand::reg_fixed_use(vreg, reg),
        ArgLocation::Stack(_) => Operand::any_use(vreg),
    }
}

fn def_at(vreg: VReg, location: ArgLocation) -> Operand {
    match location {
        ArgLocation::Reg(reg) => Operand::reg_fixed_def(vreg, reg),
        ArgLocation::Stack(_) => Operand::any_def(vreg),
    }
}

/// Calls `visit` with every operand of `site`, in a fixed order: uses
/// (operands, then `vmctx`), then defs (`vmctx` and parameters on entry,
/// results otherwise), then scratch registers.
pub(crate) fn visit_operands(
    func: &RegFunction,
    target: &TargetDesc,
    site: Site,
    vregs: &mut VregSpace,
    visit: &mut impl FnMut(OperandRole, Operand),
) {
    let cc = target.call_conv();
    let inst = match site {
        Site::Entry => {
            visit(
                OperandRole::Vmctx,
                Operand::reg_fixed_def(vregs.vmctx(), cc.vmctx),
            );
            let params = func.block_params(func.entry_block());
            let types = params.iter().map(|&param| func.value_type(param));
            let locations = cc.assign(ValueSide::Params, types);
            for (i, (&param, location)) in params.iter().zip(locations).enumerate() {
                let vreg = vregs.value(func, param);
                visit(OperandRole::Param(i as u32), def_at(vreg, location));
            }
            return;
        }
        Site::Inst(inst) => inst,
    };
    let opcode = func.opcode(inst);
    let args = func.inst_args(inst);
    let results = func.inst_results(inst);
    let types = |values: &[Value]| {
        values
            .iter()
            .map(|&value| func.value_type(value))
            .collect::<Vec<_>>()
    };
    match shape(target, &opcode) {
        Shape::Call {
            callee_operands, ..
        } => {
            let callee_operands = callee_operands.min(args.len());
            for (i, &arg) in args[..callee_operands].iter().enumerate() {
                visit(
                    OperandRole::Arg(i as u32),
                    Operand::reg_use(vregs.value(func, arg)),
                );
            }
            visit(
                OperandRole::Vmctx,
                Operand::reg_fixed_use(vregs.vmctx(), cc.vmctx),
            );
            let params = &args[callee_operands..];
            let locations = cc.assign(ValueSide::Params, types(params));
            for (i, (&arg, location)) in params.iter().zip(locations).enumerate() {
                let role = OperandRole::Arg((callee_operands + i) as u32);
                visit(role, use_at(vregs.value(func, arg), location));
            }
            let locations = cc.assign(ValueSide::Results, types(results));
            for (i, (&result, location)) in results.iter().zip(locations).enumerate() {
                visit(
                    OperandRole::Result(i as u32),
                    def_at(vregs.value(func, result), location),
                );
            }
        }
        Shape::Return => {
            let locations = cc.assign(ValueSide::Results, types(args));
            for (i, (&arg, location)) in args.iter().zip(locations).enumerate() {
                visit(
                    OperandRole::Arg(i as u32),
                    use_at(vregs.value(func, arg), location),
                );
            }
        }
        Shape::Plain => {
            for (i, &arg) in args.iter().enumerate() {
                visit(
                    OperandRole::Arg(i as u32),
                    Operand::reg_use(vregs.value(func, arg)),
                );
            }
            if let Some(constraint) = vmctx_constraint(&opcode) {
                let operand = Operand::new(
                    vregs.vmctx(),
                    constraint,
                    OperandKind::Use,
                    OperandPos::Early,
                );
                visit(OperandRole::Vmctx, operand);
            }
            for (i, &result) in results.iter().enumerate() {
                visit(
                    OperandRole::Result(i as u32),
                    Operand::reg_def(vregs.value(func, result)),
                );
            }
            for (i, &class) in target.temps(&opcode).iter().enumerate() {
                visit(
                    OperandRole::Temp(i as u32),
                    Operand::reg_temp(vregs.fresh_temp(class)),
                );
            }
        }
    }
}
