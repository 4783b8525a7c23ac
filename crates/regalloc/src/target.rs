//! Target descriptions: the registers the allocator may hand out, the calling
//! convention that fixes where parameters and results live, the registers a
//! call clobbers, and the per-opcode needs of the code generator (scratch
//! registers, operations lowered to runtime calls).
//!
//! The convention is written down in
//! `docs/decisions/0005-regalloc-and-calling-convention.md`.

use std::fmt;

use regalloc2::{MachineEnv, PReg, PRegSet, RegClass};
use zwasm_decode::ValType;
use zwasm_ir_reg::Opcode;

/// Size in bytes of one spill slot; a value of class `Float` that is a
/// `v128` takes two consecutive slots.
pub const SPILL_SLOT_BYTES: u32 = 8;

/// Where the calling convention puts one parameter or result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArgLocation {
    /// In this register.
    Reg(PReg),
    /// In the stack argument (or result) area, at this offset counted in
    /// 8-byte units from its start.
    Stack(u32),
}

/// Which list of values a convention assignment is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueSide {
    /// Parameters, after the hidden `vmctx` parameter.
    Params,
    /// Results.
    Results,
}

/// The calling convention of compiled wasm functions (and of the runtime
/// calls that some operations lower to): the hidden `vmctx` register, then
/// integer-class values in `int_params`/`int_results` and float-class values
/// in `float_params`/`float_results` in order; whatever does not fit goes to
/// the stack area in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallConv {
    /// The register carrying the callee's instance context.
    pub vmctx: PReg,
    /// Registers for integer-class parameters, in order.
    pub int_params: Vec<PReg>,
    /// Registers for float-class parameters, in order.
    pub float_params: Vec<PReg>,
    /// Registers for integer-class results, in order.
    pub int_results: Vec<PReg>,
    /// Registers for float-class results, in order.
    pub float_results: Vec<PReg>,
}

impl CallConv {
    /// The location of each value of a parameter or result list with these
    /// types, in order.
    pub fn assign<I>(&self, side: ValueSide, types: I) -> impl Iterator<Item = ArgLocation>
    where
        I: IntoIterator<Item = ValType>,
    {
        let (int_regs, float_regs) = match side {
            ValueSide::Params => (&self.int_params, &self.float_params),
            ValueSide::Results => (&self.int_results, &self.float_results),
        };
        let mut next_int = 0;
        let mut next_float = 0;
        let mut next_stack = 0u32;
        types.into_iter().map(move |ty| {
            let (regs, next) = match class_of(ty) {
                RegClass::Int => (int_regs, &mut next_int),
                RegClass::Float | RegClass::Vector => (float_regs, &mut next_float),
            };
            if let Some(&reg) = regs.get(*next) {
                *next += 1;
                return ArgLocation::Reg(reg);
            }
            let slots = stack_slots(ty);
            let offset = next_stack.next_multiple_of(slots);
            next_stack = offset + slots;
            ArgLocation::Stack(offset)
        })
    }
}

/// How many 8-byte units a value of type `ty` takes in memory.
pub fn stack_slots(ty: ValType) -> u32 {
    match ty {
        ValType::V128 => 2,
        _ => 1,
    }
}

/// The register class of values of type `ty`: references live in integer
/// registers, floats (and vectors, which share the same registers on the
/// targets zwasm supports) in float registers.
pub fn class_of(ty: ValType) -> RegClass {
    match ty {
        ValType::I32 | ValType::I64 | ValType::FuncRef | ValType::ExternRef => RegClass::Int,
        ValType::F32 | ValType::F64 | ValType::V128 => RegClass::Float,
    }
}

/// The scratch registers an instruction needs inside its lowering, by class.
pub type TempsFn = fn(&Opcode) -> &'static [RegClass];

/// Whether an operation is lowered to a call into the runtime.
pub type RuntimeCallFn = fn(&Opcode) -> bool;

/// Everything register allocation needs to know about a target.
#[derive(Clone, Debug)]
pub struct TargetDesc {
    name: &'static str,
    machine_env: MachineEnv,
    call_conv: CallConv,
    call_clobbers: PRegSet,
    callee_saved: PRegSet,
    reg_names: RegNames,
    temps: TempsFn,
    runtime_call: RuntimeCallFn,
}

impl TargetDesc {
    /// AArch64 with zwasm's internal AAPCS64-like convention.
    ///
    /// Allocatable: x0–x15 (preferred) and x19–x28 (callee-saved, not
    /// preferred); v0–v7 and v16–v31 (preferred) and v8–v15 (callee-saved,
    /// not preferred). Never allocated: x16/x17 (the code generator's
    /// temporaries), x18 (platform), x29 (frame pointer), x30 (link
    /// register) and sp. `vmctx` travels in x0, parameters in x1–x7 and
    /// v0–v7, results in x0–x7 and v0–v7; calls clobber every allocatable
    /// caller-saved register.
    pub fn aarch64() -> Self {
        let x = |n: usize| PReg::new(n, RegClass::Int);
        let v = |n: usize| PReg::new(n, RegClass::Float);
        let set = |regs: &mut dyn Iterator<Item = PReg>| {
            regs.fold(PRegSet::empty(), |set, reg| set.with(reg))
        };
        let int_preferred = set(&mut (0..=15).map(x));
        let int_callee_saved = set(&mut (19..=28).map(x));
        let float_preferred = set(&mut (0..=7).chain(16..=31).map(v));
        let float_callee_saved = set(&mut (8..=15).map(v));
        let machine_env = MachineEnv {
            preferred_regs_by_class: [int_preferred, float_preferred, PRegSet::empty()],
            non_preferred_regs_by_class: [int_callee_saved, float_callee_saved, PRegSet::empty()],
            // No dedicated scratch: regalloc2 finds a free register (or
            // spills one) when it must break a cycle of moves, so that
            // x16/x17 stay the code generator's alone.
            scratch_by_class: [None, None, None],
            fixed_stack_slots: Vec::new(),
        };
        TargetDesc {
            name: "aarch64",
            machine_env,
            call_conv: CallConv {
                vmctx: x(0),
                int_params: (1..=7).map(x).collect(),
                float_params: (0..=7).map(v).collect(),
                int_results: (0..=7).map(x).collect(),
                float_results: (0..=7).map(v).collect(),
            },
            call_clobbers: int_preferred | float_preferred,
            callee_saved: int_callee_saved | float_callee_saved,
            // Float registers are written as their 64-bit views so that
            // dumps do not confuse them with ir-reg values (`v3:d1`).
            reg_names: RegNames {
                int: "x",
                float: "d",
                vector: "q",
            },
            temps: aarch64_temps,
            runtime_call: lowered_to_runtime_call,
        }
    }

    /// The target's name (`aarch64`).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The registers regalloc2 may allocate.
    pub fn machine_env(&self) -> &MachineEnv {
        &self.machine_env
    }

    /// The calling convention of compiled functions and runtime calls.
    pub fn call_conv(&self) -> &CallConv {
        &self.call_conv
    }

    /// The allocatable registers a call does not preserve.
    pub fn call_clobbers(&self) -> PRegSet {
        self.call_clobbers
    }

    /// The allocatable registers a function must preserve for its caller:
    /// those it uses must be saved in its prologue.
    pub fn callee_saved(&self) -> PRegSet {
        self.callee_saved
    }

    /// The scratch registers `opcode` needs besides its operands.
    pub fn temps(&self, opcode: &Opcode) -> &'static [RegClass] {
        (self.temps)(opcode)
    }

    /// Whether `opcode` is lowered to a call into the runtime, so that it
    /// follows the calling convention and clobbers like a call.
    pub fn is_runtime_call(&self, opcode: &Opcode) -> bool {
        (self.runtime_call)(opcode)
    }

    /// How registers of this target are written in dumps.
    pub fn reg_names(&self) -> RegNames {
        self.reg_names
    }
}

/// The assembler prefixes of each register class (`x3`, `d5`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegNames {
    /// Prefix of integer registers.
    pub int: &'static str,
    /// Prefix of float registers.
    pub float: &'static str,
    /// Prefix of vector registers.
    pub vector: &'static str,
}

impl RegNames {
    /// The name of `reg`, e.g. `x3`.
    pub fn name(self, reg: PReg) -> impl fmt::Display {
        let prefix = match reg.class() {
            RegClass::Int => self.int,
            RegClass::Float => self.float,
            RegClass::Vector => self.vector,
        };
        RegName {
            prefix,
            number: reg.hw_enc(),
        }
    }
}

struct RegName {
    prefix: &'static str,
    number: usize,
}

impl fmt::Display for RegName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.prefix, self.number)
    }
}

/// AArch64 lowerings that need a float/vector scratch register (the code
/// generator only has integer temporaries): `popcnt` counts bits with `cnt`
/// on a vector register, the trapping float-to-int conversions compare
/// against range constants, and `copysign` builds its sign mask there.
fn aarch64_temps(opcode: &Opcode) -> &'static [RegClass] {
    match opcode {
        Opcode::I32Popcnt
        | Opcode::I64Popcnt
        | Opcode::I32TruncF32S
        | Opcode::I32TruncF32U
        | Opcode::I32TruncF64S
        | Opcode::I32TruncF64U
        | Opcode::I64TruncF32S
        | Opcode::I64TruncF32U
        | Opcode::I64TruncF64S
        | Opcode::I64TruncF64U
        | Opcode::F32Copysign
        | Opcode::F64Copysign => &[RegClass::Float],
        _ => &[],
    }
}

/// Operations too large to inline: growing, bulk copies and fills, and
/// segment bookkeeping go through the runtime.
fn lowered_to_runtime_call(opcode: &Opcode) -> bool {
    matches!(
        opcode,
        Opcode::MemoryGrow { .. }
            | Opcode::MemoryFill { .. }
            | Opcode::MemoryCopy { .. }
            | Opcode::MemoryInit { .. }
            | Opcode::DataDrop { .. }
            | Opcode::TableGrow { .. }
            | Opcode::TableFill { .. }
            | Opcode::TableCopy { .. }
            | Opcode::TableInit { .. }
            | Opcode::ElemDrop { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(set: PRegSet, target: &TargetDesc) -> Vec<String> {
        set.into_iter()
            .map(|reg| target.reg_names().name(reg).to_string())
            .collect()
    }

    #[test]
    fn aarch64_registers_are_as_specified() {
        let target = TargetDesc::aarch64();
        let env = target.machine_env();
        let int: Vec<String> = (0..=15).map(|n| format!("x{n}")).collect();
        assert_eq!(names(env.preferred_regs_by_class[0], &target), int);
        let int_saved: Vec<String> = (19..=28).map(|n| format!("x{n}")).collect();
        assert_eq!(
            names(env.non_preferred_regs_by_class[0], &target),
            int_saved
        );
        let float: Vec<String> = (0..=7).chain(16..=31).map(|n| format!("d{n}")).collect();
        assert_eq!(names(env.preferred_regs_by_class[1], &target), float);
        let float_saved: Vec<String> = (8..=15).map(|n| format!("d{n}")).collect();
        assert_eq!(
            names(env.non_preferred_regs_by_class[1], &target),
            float_saved
        );
        for forbidden in [16, 17, 18, 29, 30, 31] {
            let reg = PReg::new(forbidden, RegClass::Int);
            assert!(!env.preferred_regs_by_class[0].contains(reg));
            assert!(!env.non_preferred_regs_by_class[0].contains(reg));
        }
        assert_eq!(target.callee_saved().len(), 18);
        assert_eq!(target.call_clobbers().len(), 16 + 24);
        assert!(
            (target.callee_saved() & target.call_clobbers()).is_empty(RegClass::Int)
                && (target.callee_saved() & target.call_clobbers()).is_empty(RegClass::Float)
        );
    }

    #[test]
    fn values_that_do_not_fit_go_to_the_stack_in_order() {
        let target = TargetDesc::aarch64();
        let cc = target.call_conv();
        let mut types = vec![ValType::I64; 9];
        types.insert(3, ValType::F64);
        types.push(ValType::V128);
        let locations: Vec<String> = cc
            .assign(ValueSide::Params, types)
            .map(|location| match location {
                ArgLocation::Reg(reg) => target.reg_names().name(reg).to_string(),
                ArgLocation::Stack(offset) => format!("stack+{offset}"),
            })
            .collect();
        assert_eq!(
            locations,
            [
                "x1", "x2", "x3", "d0", "x4", "x5", "x6", "x7", "stack+0", "stack+1", "d1"
            ]
        );
        let results: Vec<ArgLocation> = cc
            .assign(ValueSide::Results, [ValType::I32, ValType::FuncRef])
            .collect();
        assert_eq!(
            results,
            [
                ArgLocation::Reg(PReg::new(0, RegClass::Int)),
                ArgLocation::Reg(PReg::new(1, RegClass::Int))
            ]
        );
    }
}
