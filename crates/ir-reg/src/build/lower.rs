//! One-to-one lowering of the wasm operators that need no control-flow or
//! local-variable context to their ir-reg opcode.

use wasmparser::{HeapType, Operator};
use zwasm_decode::RefType;

use crate::ops::{MemArg, Opcode};

/// Why an operator has no straight-line lowering.
#[derive(Debug, PartialEq, Eq)]
pub enum NotLowered {
    /// Control flow, locals or `drop`: the translator handles it.
    Structural,
    /// Outside the supported feature set (SIMD, GC, threads, exceptions, …).
    Unsupported,
}

/// Maps `$name` operators without immediates to the opcode of the same name.
macro_rules! lower_plain {
    ($operator:expr, $fallback:expr, $($name:ident)*) => {
        match $operator {
            $( Operator::$name => Ok(Opcode::$name), )*
            _ => $fallback,
        }
    };
}

/// Maps `$name { memarg }` operators to the opcode of the same name.
macro_rules! lower_memory_access {
    ($operator:expr, $fallback:expr, $($name:ident)*) => {
        match $operator {
            $( Operator::$name { memarg } => Ok(Opcode::$name { mem: mem_arg(memarg)? }), )*
            _ => $fallback,
        }
    };
}

/// The opcode of a straight-line operator (no control flow, locals or
/// `drop`), or why there is none. Also the fast interpreter's direct
/// translator's table of these operators.
pub fn lower(operator: &Operator<'_>) -> Result<Opcode, NotLowered> {
    zwasm_validate::for_each_memory_access_operator!(lower_memory_access!(
        operator,
        lower_with_immediates(operator)
    ))
}

fn lower_with_immediates(operator: &Operator<'_>) -> Result<Opcode, NotLowered> {
    Ok(match *operator {
        Operator::Call { function_index } => Opcode::Call {
            func: function_index,
        },
        Operator::CallIndirect {
            type_index,
            table_index,
        } => Opcode::CallIndirect {
            type_index,
            table: table_index,
        },
        Operator::ReturnCall { function_index } => Opcode::ReturnCall {
            func: function_index,
        },
        Operator::ReturnCallIndirect {
            type_index,
            table_index,
        } => Opcode::ReturnCallIndirect {
            type_index,
            table: table_index,
        },
        Operator::Select | Operator::TypedSelect { .. } => Opcode::Select,
        Operator::GlobalGet { global_index } => Opcode::GlobalGet {
            global: global_index,
        },
        Operator::GlobalSet { global_index } => Opcode::GlobalSet {
            global: global_index,
        },
        Operator::TableGet { table } => Opcode::TableGet { table },
        Operator::TableSet { table } => Opcode::TableSet { table },
        Operator::TableSize { table } => Opcode::TableSize { table },
        Operator::TableGrow { table } => Opcode::TableGrow { table },
        Operator::TableFill { table } => Opcode::TableFill { table },
        Operator::TableCopy {
            dst_table,
            src_table,
        } => Opcode::TableCopy {
            dst: dst_table,
            src: src_table,
        },
        Operator::TableInit { elem_index, table } => Opcode::TableInit {
            elem: elem_index,
            table,
        },
        Operator::ElemDrop { elem_index } => Opcode::ElemDrop { elem: elem_index },
        Operator::MemorySize { mem } => Opcode::MemorySize { memory: mem },
        Operator::MemoryGrow { mem } => Opcode::MemoryGrow { memory: mem },
        Operator::MemoryFill { mem } => Opcode::MemoryFill { memory: mem },
        Operator::MemoryCopy { dst_mem, src_mem } => Opcode::MemoryCopy {
            dst: dst_mem,
            src: src_mem,
        },
        Operator::MemoryInit { data_index, mem } => Opcode::MemoryInit {
            data: data_index,
            memory: mem,
        },
        Operator::DataDrop { data_index } => Opcode::DataDrop { data: data_index },
        Operator::I32Const { value } => Opcode::I32Const { value },
        Operator::I64Const { value } => Opcode::I64Const { value },
        Operator::F32Const { value } => Opcode::F32Const { bits: value.bits() },
        Operator::F64Const { value } => Opcode::F64Const { bits: value.bits() },
        Operator::RefNull { hty } => Opcode::RefNull {
            ty: match hty {
                HeapType::FUNC => RefType::FuncRef,
                HeapType::EXTERN => RefType::ExternRef,
                _ => return Err(NotLowered::Unsupported),
            },
        },
        Operator::RefFunc { function_index } => Opcode::RefFunc {
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
        | Operator::Return
        | Operator::Drop
        | Operator::LocalGet { .. }
        | Operator::LocalSet { .. }
        | Operator::LocalTee { .. } => return Err(NotLowered::Structural),
        _ => return lower_numeric(operator),
    })
}

fn lower_numeric(operator: &Operator<'_>) -> Result<Opcode, NotLowered> {
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
