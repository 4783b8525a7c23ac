//! Decoding of constant expressions into [`ConstOp`] sequences.

use crate::convert;
use crate::error::{DecodeError, to_offset};
use crate::types::{ConstExpr, ConstOp};
use wasmparser::Operator;

/// Decodes a constant expression. Only the instructions a constant expression may
/// contain (Wasm 2.0 plus extended-const) are accepted; anything else is an error
/// because later stages could not evaluate it.
pub(crate) fn decode_const_expr(
    expr: &wasmparser::ConstExpr<'_>,
) -> Result<ConstExpr, DecodeError> {
    let mut reader = expr.get_operators_reader();
    let mut ops = Vec::new();
    loop {
        let offset = to_offset(reader.original_position());
        let op = match reader.read()? {
            Operator::End => break,
            Operator::I32Const { value } => ConstOp::I32Const(value),
            Operator::I64Const { value } => ConstOp::I64Const(value),
            Operator::F32Const { value } => ConstOp::F32Const(value.bits()),
            Operator::F64Const { value } => ConstOp::F64Const(value.bits()),
            Operator::RefNull { hty } => ConstOp::RefNull(convert::heap_type(hty, offset)?),
            Operator::RefFunc { function_index } => ConstOp::RefFunc(function_index),
            Operator::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
            Operator::I32Add => ConstOp::I32Add,
            Operator::I32Sub => ConstOp::I32Sub,
            Operator::I32Mul => ConstOp::I32Mul,
            Operator::I64Add => ConstOp::I64Add,
            Operator::I64Sub => ConstOp::I64Sub,
            Operator::I64Mul => ConstOp::I64Mul,
            Operator::V128Const { .. } => return Err(DecodeError::unsupported(offset, "simd")),
            other => {
                return Err(DecodeError::new(
                    offset,
                    format!("constant expression required, found {other:?}"),
                ));
            }
        };
        ops.push(op);
    }
    reader.finish()?;
    Ok(ConstExpr { ops })
}
