//! One-to-one lowering of the wasm operators that need no control-flow context.

use wasmparser::Operator;

use crate::{MemArg, Op};

/// Why an operator has no straight-line lowering.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum NotLowered {
    /// Structured control flow or a branch: the builder handles it.
    Control,
    /// Outside the supported feature set (SIMD, GC, threads, exceptions, …).
    Unsupported,
}

/// Maps `$name` operators without immediates to the `Op` of the same name.
macro_rules! lower_plain {
    ($operator:expr, $fallback:expr, $($name:ident)*) => {
        match $operator {
            $( Operator::$name => Ok(Op::$name), )*
            _ => $fallback,
        }
    };
}

/// Maps `$name { memarg }` operators to the `Op` of the same name.
macro_rules! lower_memory_access {
    ($operator:expr, $fallback:expr, $($name:ident)*) => {
        match $operator {
            $( Operator::$name { memarg } => Ok(Op::$name { mem: mem_arg(memarg)? }), )*
            _ => $fallback,
        }
    };
}

/// The op for a non-control operator, or why there is none.
pub(super) fn lower(operator: &Operator<'_>) -> Result<Op, NotLowered> {
    zwasm_validate::for_each_memory_access_operator!(lower_memory_access!(
        operator,
        lower_with_immediates(operator)
    ))
}

fn lower_with_immediates(operator: &Operator<'_>) -> Result<Op, NotLowered> {
    Ok(match *operator {
        Operator::Call { function_index } => Op::Call {
            func: function_index,
        },
        Operator::CallIndirect {
            type_index,
            table_index,
        } => Op::CallIndirect {
            type_index,
            table: table_index,
        },
        Operator::ReturnCall { function_index } => Op::ReturnCall {
            func: function_index,
        },
        Operator::ReturnCallIndirect {
            type_index,
            table_index,
        } => Op::ReturnCallIndirect {
            type_index,
            table: table_index,
        },
        Operator::Select | Operator::TypedSelect { .. } => Op::Select,
        Operator::LocalGet { local_index } => Op::LocalGet { index: local_index },
        Operator::LocalSet { local_index } => Op::LocalSet { index: local_index },
        Operator::LocalTee { local_index } => Op::LocalTee { index: local_index },
        Operator::GlobalGet { global_index } => Op::GlobalGet {
            index: global_index,
        },
        Operator::GlobalSet { global_index } => Op::GlobalSet {
            index: global_index,
        },
        Operator::TableGet { table } => Op::TableGet { table },
        Operator::TableSet { table } => Op::TableSet { table },
        Operator::TableSize { table } => Op::TableSize { table },
        Operator::TableGrow { table } => Op::TableGrow { table },
        Operator::TableFill { table } => Op::TableFill { table },
        Operator::TableCopy {
            dst_table,
            src_table,
        } => Op::TableCopy {
            dst: dst_table,
            src: src_table,
        },
        Operator::TableInit { elem_index, table } => Op::TableInit {
            elem: elem_index,
            table,
        },
        Operator::ElemDrop { elem_index } => Op::ElemDrop { elem: elem_index },
        Operator::MemorySize { mem } => Op::MemorySize { memory: mem },
        Operator::MemoryGrow { mem } => Op::MemoryGrow { memory: mem },
        Operator::MemoryFill { mem } => Op::MemoryFill { memory: mem },
        Operator::MemoryCopy { dst_mem, src_mem } => Op::MemoryCopy {
            dst: dst_mem,
            src: src_mem,
        },
        Operator::MemoryInit { data_index, mem } => Op::MemoryInit {
            data: data_index,
            memory: mem,
        },
        Operator::DataDrop { data_index } => Op::DataDrop { data: data_index },
        Operator::I32Const { value } => Op::I32Const { value },
        Operator::I64Const { value } => Op::I64Const { value },
        Operator::F32Const { value } => Op::F32Const { bits: value.bits() },
        Operator::F64Const { value } => Op::F64Const { bits: value.bits() },
        Operator::RefNull { .. } => Op::RefNull,
        Operator::RefFunc { function_index } => Op::RefFunc {
            func: function_index,
        },
        Operator::Unreachable
        | Operator::Nop
        | Operator::Block { .. }
        | Operator::Loop { .. }
        | Operator::If { .. }
        | Operator::Else
        | Operator::End
        | Operator::Br { .. }
        | Operator::BrIf { .. }
        | Operator::BrTable { .. }
        | Operator::Return => return Err(NotLowered::Control),
        _ => return lower_numeric(operator),
    })
}

fn lower_numeric(operator: &Operator<'_>) -> Result<Op, NotLowered> {
    // `drop` has no operands in the stack IR's encoding either.
    if matches!(operator, Operator::Drop) {
        return Ok(Op::Drop);
    }
    zwasm_validate::for_each_plain_operator!(lower_plain!(operator, Err(NotLowered::Unsupported)))
}

fn mem_arg(memarg: &wasmparser::MemArg) -> Result<MemArg, NotLowered> {
    let (memory, offset, align) =
        zwasm_validate::linear_memory_access(memarg).ok_or(NotLowered::Unsupported)?;
    Ok(MemArg {
        memory,
        offset,
        align,
    })
}
