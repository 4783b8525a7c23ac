//! One-to-one lowering of the wasm operators that need no control-flow context.

use wasmparser::{MemArgTarget, Operator};

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
    lower_memory_access!(operator, lower_with_immediates(operator),
        I32Load I64Load F32Load F64Load
        I32Load8S I32Load8U I32Load16S I32Load16U
        I64Load8S I64Load8U I64Load16S I64Load16U I64Load32S I64Load32U
        I32Store I64Store F32Store F64Store
        I32Store8 I32Store16 I64Store8 I64Store16 I64Store32
    )
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
    lower_plain!(operator, Err(NotLowered::Unsupported),
        Drop RefIsNull
        I32Eqz I32Eq I32Ne I32LtS I32LtU I32GtS I32GtU I32LeS I32LeU I32GeS I32GeU
        I32Clz I32Ctz I32Popcnt I32Add I32Sub I32Mul I32DivS I32DivU I32RemS I32RemU
        I32And I32Or I32Xor I32Shl I32ShrS I32ShrU I32Rotl I32Rotr
        I32Extend8S I32Extend16S
        I64Eqz I64Eq I64Ne I64LtS I64LtU I64GtS I64GtU I64LeS I64LeU I64GeS I64GeU
        I64Clz I64Ctz I64Popcnt I64Add I64Sub I64Mul I64DivS I64DivU I64RemS I64RemU
        I64And I64Or I64Xor I64Shl I64ShrS I64ShrU I64Rotl I64Rotr
        I64Extend8S I64Extend16S I64Extend32S
        F32Eq F32Ne F32Lt F32Gt F32Le F32Ge
        F32Abs F32Neg F32Ceil F32Floor F32Trunc F32Nearest F32Sqrt
        F32Add F32Sub F32Mul F32Div F32Min F32Max F32Copysign
        F64Eq F64Ne F64Lt F64Gt F64Le F64Ge
        F64Abs F64Neg F64Ceil F64Floor F64Trunc F64Nearest F64Sqrt
        F64Add F64Sub F64Mul F64Div F64Min F64Max F64Copysign
        I32WrapI64 I32TruncF32S I32TruncF32U I32TruncF64S I32TruncF64U
        I64ExtendI32S I64ExtendI32U I64TruncF32S I64TruncF32U I64TruncF64S I64TruncF64U
        F32ConvertI32S F32ConvertI32U F32ConvertI64S F32ConvertI64U F32DemoteF64
        F64ConvertI32S F64ConvertI32U F64ConvertI64S F64ConvertI64U F64PromoteF32
        I32ReinterpretF32 I64ReinterpretF64 F32ReinterpretI32 F64ReinterpretI64
        I32TruncSatF32S I32TruncSatF32U I32TruncSatF64S I32TruncSatF64U
        I64TruncSatF32S I64TruncSatF32U I64TruncSatF64S I64TruncSatF64U
    )
}

fn mem_arg(memarg: &wasmparser::MemArg) -> Result<MemArg, NotLowered> {
    match (memarg.target, memarg.ordering) {
        (MemArgTarget::Memory(memory), None) => Ok(MemArg {
            memory,
            offset: memarg.offset,
            align: memarg.align,
        }),
        // GC array targets and ordered (atomic) accesses are other proposals.
        _ => Err(NotLowered::Unsupported),
    }
}
