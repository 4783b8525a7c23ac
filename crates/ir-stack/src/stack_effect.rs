//! How many operand-stack slots each op pops and pushes.

use zwasm_decode::Module;

use crate::Op;

/// Operand-stack effect of one op on the fall-through path: `pops` slots are
/// consumed, then `pushes` are produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct StackEffect {
    pub pops: u32,
    pub pushes: u32,
}

const fn effect(pops: u32, pushes: u32) -> StackEffect {
    StackEffect { pops, pushes }
}

/// The stack effect of `op`, or `None` when it names a function or type the
/// module does not have. Terminators report what they consume before leaving.
pub(crate) fn stack_effect(op: &Op, module: &Module) -> Option<StackEffect> {
    let signature = |type_index: u32| {
        module
            .types
            .get(type_index as usize)
            .map(|ty| (ty.params.len() as u32, ty.results.len() as u32))
    };
    let callee = |func: u32| signature(*module.functions.get(func as usize)?);
    Some(match *op {
        Op::Unreachable | Op::Jump { .. } | Op::Return => effect(0, 0),
        Op::JumpIfZero { .. } | Op::BrIf { .. } | Op::BrTable { .. } => effect(1, 0),
        Op::Br { .. } => effect(0, 0),
        Op::Call { func } => {
            let (params, results) = callee(func)?;
            effect(params, results)
        }
        Op::ReturnCall { func } => effect(callee(func)?.0, 0),
        Op::CallIndirect { type_index, .. } => {
            let (params, results) = signature(type_index)?;
            effect(params + 1, results)
        }
        Op::ReturnCallIndirect { type_index, .. } => effect(signature(type_index)?.0 + 1, 0),
        Op::Drop => effect(1, 0),
        Op::Select => effect(3, 1),
        Op::LocalGet { .. } | Op::GlobalGet { .. } => effect(0, 1),
        Op::LocalSet { .. } | Op::GlobalSet { .. } => effect(1, 0),
        Op::LocalTee { .. } => effect(1, 1),
        Op::TableGet { .. } => effect(1, 1),
        Op::TableSet { .. } => effect(2, 0),
        Op::TableSize { .. } => effect(0, 1),
        Op::TableGrow { .. } => effect(2, 1),
        Op::TableFill { .. } | Op::TableCopy { .. } | Op::TableInit { .. } => effect(3, 0),
        Op::ElemDrop { .. } | Op::DataDrop { .. } => effect(0, 0),
        Op::MemorySize { .. } => effect(0, 1),
        Op::MemoryGrow { .. } => effect(1, 1),
        Op::MemoryFill { .. } | Op::MemoryCopy { .. } | Op::MemoryInit { .. } => effect(3, 0),
        Op::RefNull | Op::RefFunc { .. } => effect(0, 1),
        Op::RefIsNull => effect(1, 1),
        Op::I32DivS
        | Op::I32DivU
        | Op::I32RemS
        | Op::I32RemU
        | Op::I64DivS
        | Op::I64DivU
        | Op::I64RemS
        | Op::I64RemU => effect(2, 1),
        _ => match op.category() {
            "load" | "unop" | "test" | "convert" | "trapping" => effect(1, 1),
            "store" => effect(2, 0),
            "const" => effect(0, 1),
            "binop" | "cmp" => effect(2, 1),
            _ => return None,
        },
    })
}

/// Whether control never falls through `op` to the next one.
pub(crate) fn is_terminator(op: &Op) -> bool {
    matches!(
        op,
        Op::Unreachable
            | Op::Jump { .. }
            | Op::Br { .. }
            | Op::BrTable { .. }
            | Op::Return
            | Op::ReturnCall { .. }
            | Op::ReturnCallIndirect { .. }
    )
}
