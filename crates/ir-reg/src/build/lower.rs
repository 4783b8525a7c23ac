//! One-to-one lowering of the wasm operators that need no control-flow or
//! local-variable context to their ir-reg opcode.

use wasmparser::{HeapType, MemArgTarget, Operator};
use zwasm_decode::RefType;

use crate::ops::{MemArg, Opcode};

/// Why an operator has no straight-line lowering.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum NotLowered {
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

/// The opcode of a straight-line operator, or why there is none.
pub(super) fn lower(operator: &Operator<'_>) -> Result<Opcode, NotLowered> {
    lower_memory_access!(operator, lower_with_immediates(operator),
        I32Load I64Load F32Load F64Load I32Load8S I32Load8U I32Load16S I32Load16U I64Load8S
        I64Load8U I64Load16S I64Load16U I64Load32S I64Load32U I32Store I64Store F32Store
        F64Store I32Store8 I32Store16 I64Store8 I64Store16 I64Store32
    )
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
    lower_plain!(operator, Err(NotLowered::Unsupported),
        RefIsNull
        I32Eqz I32Eq I32Ne I32LtS I32LtU I32GtS I32GtU I32LeS I32LeU I32GeS I32GeU I32Clz I32Ctz
        I32Popcnt I32Add I32Sub I32Mul I32DivS I32DivU I32RemS I32RemU I32And I32Or I32Xor
        I32Shl I32ShrS I32ShrU I32Rotl I32Rotr I32Extend8S I32Extend16S I64Eqz I64Eq I64Ne
        I64LtS I64LtU I64GtS I64GtU I64LeS I64LeU I64GeS I64GeU I64Clz I64Ctz I64Popcnt I64Add
        I64Sub I64Mul I64DivS I64DivU I64RemS I64RemU I64And I64Or I64Xor I64Shl I64ShrS I64ShrU
        I64Rotl I64Rotr I64Extend8S I64Extend16S I64Extend32S F32Eq F32Ne F32Lt F32Gt F32Le
        F32Ge F32Abs F32Neg F32Ceil F32Floor F32Trunc F32Nearest F32Sqrt F32Add F32Sub F32Mul
        F32Div F32Min F32Max F32Copysign F64Eq F64Ne F64Lt F64Gt F64Le F64Ge F64Abs F64Neg
        F64Ceil F64Floor F64Trunc F64Nearest F64Sqrt F64Add F64Sub F64Mul F64Div F64Min F64Max
        F64Copysign I32WrapI64 I32TruncF32S I32TruncF32U I32TruncF64S I32TruncF64U I64ExtendI32S
        I64ExtendI32U I64TruncF32S I64TruncF32U I64TruncF64S I64TruncF64U F32ConvertI32S
        F32ConvertI32U F32ConvertI64S F32ConvertI64U F32DemoteF64 F64ConvertI32S F64ConvertI32U
        F64ConvertI64S F64ConvertI64U F64PromoteF32 I32ReinterpretF32 I64ReinterpretF64
        F32ReinterpretI32 F64ReinterpretI64 I32TruncSatF32S I32TruncSatF32U I32TruncSatF64S
        I32TruncSatF64U I64TruncSatF32S I64TruncSatF32U I64TruncSatF64S I64TruncSatF64U
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
