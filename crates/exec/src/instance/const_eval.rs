//! Evaluation of constant expressions (global initialisers, segment offsets,
//! element items, table initialisers) to interpreter slots.

use zwasm_decode::{ConstExpr, ConstOp};

use crate::Error;
use crate::global::GlobalEntity;

/// What a constant expression can refer to: the instance's globals and
/// functions created so far, as store arena indices.
pub(crate) struct ConstEnv<'a> {
    pub globals: &'a [u32],
    pub funcs: &'a [u32],
    pub global_cells: &'a [GlobalEntity],
}

impl ConstEnv<'_> {
    /// The slot `expr` evaluates to. Validation guarantees a well-typed
    /// expression; anything else is reported rather than trusted.
    pub fn eval(&self, expr: &ConstExpr) -> Result<u64, Error> {
        let mut stack: Vec<u64> = Vec::with_capacity(4);
        for op in &expr.ops {
            let value = match *op {
                ConstOp::I32Const(v) => u64::from(v as u32),
                ConstOp::I64Const(v) => v as u64,
                ConstOp::F32Const(bits) => u64::from(bits),
                ConstOp::F64Const(bits) => bits,
                ConstOp::RefNull(_) => 0,
                ConstOp::RefFunc(index) => {
                    u64::from(
                        *self
                            .funcs
                            .get(index as usize)
                            .ok_or_else(|| malformed("function index"))?,
                    ) + 1
                }
                ConstOp::GlobalGet(index) => {
                    let cell = self
                        .globals
                        .get(index as usize)
                        .ok_or_else(|| malformed("global index"))?;
                    self.global_cells
                        .get(*cell as usize)
                        .ok_or_else(|| malformed("global index"))?
                        .value
                }
                ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul => {
                    let (a, b) = pop2(&mut stack)?;
                    let (a, b) = (a as u32, b as u32);
                    u64::from(match op {
                        ConstOp::I32Add => a.wrapping_add(b),
                        ConstOp::I32Sub => a.wrapping_sub(b),
                        _ => a.wrapping_mul(b),
                    })
                }
                ConstOp::I64Add | ConstOp::I64Sub | ConstOp::I64Mul => {
                    let (a, b) = pop2(&mut stack)?;
                    match op {
                        ConstOp::I64Add => a.wrapping_add(b),
                        ConstOp::I64Sub => a.wrapping_sub(b),
                        _ => a.wrapping_mul(b),
                    }
                }
            };
            stack.push(value);
        }
        match stack.as_slice() {
            [value] => Ok(*value),
            _ => Err(malformed("result count")),
        }
    }
}

fn pop2(stack: &mut Vec<u64>) -> Result<(u64, u64), Error> {
    let b = stack.pop().ok_or_else(|| malformed("operand"))?;
    let a = stack.pop().ok_or_else(|| malformed("operand"))?;
    Ok((a, b))
}

fn malformed(what: &str) -> Error {
    Error::Type(format!("invalid constant expression: bad {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use zwasm_decode::{GlobalType, ValType};

    #[test]
    fn extended_const_arithmetic_wraps() {
        let cells = [GlobalEntity {
            ty: GlobalType {
                content: ValType::I32,
                mutable: false,
            },
            value: u64::from(u32::MAX),
        }];
        let env = ConstEnv {
            globals: &[0],
            funcs: &[7],
            global_cells: &cells,
        };
        let expr = ConstExpr {
            ops: vec![ConstOp::GlobalGet(0), ConstOp::I32Const(2), ConstOp::I32Add],
        };
        assert_eq!(env.eval(&expr).unwrap(), 1);
        let expr = ConstExpr {
            ops: vec![ConstOp::I64Const(-3), ConstOp::I64Const(4), ConstOp::I64Mul],
        };
        assert_eq!(env.eval(&expr).unwrap(), (-12i64) as u64);
        let expr = ConstExpr {
            ops: vec![ConstOp::RefFunc(0)],
        };
        assert_eq!(env.eval(&expr).unwrap(), 8);
        assert!(
            env.eval(&ConstExpr {
                ops: vec![ConstOp::I32Add]
            })
            .is_err()
        );
    }
}
