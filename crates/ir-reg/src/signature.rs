//! The operand and result types of an instruction, resolved against the
//! module: the single place that knows the types of calls, globals, tables,
//! memories and the polymorphic opcodes. The builder uses it to pop operands
//! and type results; the verifier to check them.

use zwasm_decode::{Module, ValType};

use crate::ops::{Opcode, OperandType};

/// Resolved operand and result types of one instruction. Reused between
/// calls to avoid allocating.
#[derive(Clone, Debug, Default)]
pub(crate) struct Signature {
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
}

/// What an instruction's types depend on besides the module.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Context<'a> {
    pub module: &'a Module,
    /// Result types of the function the instruction is in (for `return` and
    /// tail calls).
    pub func_results: &'a [ValType],
    /// For `copy`, `select`, `ref.is_null` and the fused branches: the type of
    /// the operand that fixes the polymorphic type (`select`: an arm; the
    /// others: the first operand).
    pub operand_type: Option<ValType>,
}

/// The operand whose type [`Context::operand_type`] must be for `opcode`.
pub(crate) fn polymorphic_operand(opcode: &Opcode) -> Option<usize> {
    match opcode {
        Opcode::Select => Some(1),
        Opcode::Copy
        | Opcode::RefIsNull
        | Opcode::BrIcmp { .. }
        | Opcode::BrEqz
        | Opcode::BrFcmp { .. } => Some(0),
        _ => None,
    }
}

/// Fills `sig` with the types `opcode` expects and produces in `cx`, or says
/// why the instruction cannot be typed (an index out of range, a polymorphic
/// operand of the wrong kind).
pub(crate) fn resolve(opcode: &Opcode, cx: Context<'_>, sig: &mut Signature) -> Result<(), String> {
    sig.params.clear();
    sig.results.clear();
    check_immediates(opcode, cx.module)?;
    if let Some(fixed) = opcode.fixed_signature() {
        for param in fixed.params {
            sig.params.push(operand(*param, opcode, cx.module)?);
        }
        if let Some(result) = fixed.result {
            sig.results.push(operand(result, opcode, cx.module)?);
        }
        return Ok(());
    }
    let module = cx.module;
    let polymorphic = || {
        cx.operand_type
            .ok_or_else(|| format!("{opcode} needs an operand type"))
    };
    match *opcode {
        Opcode::Return => sig.params.extend_from_slice(cx.func_results),
        Opcode::Call { func } => {
            let ty = func_type(module, func)?;
            sig.params.extend_from_slice(&ty.params);
            sig.results.extend_from_slice(&ty.results);
        }
        Opcode::ReturnCall { func } => {
            let ty = func_type(module, func)?;
            if *ty.results != *cx.func_results {
                return Err(format!("tail call to function {func} returns other types"));
            }
            sig.params.extend_from_slice(&ty.params);
        }
        Opcode::CallIndirect { type_index, table } => {
            let ty = indirect_type(module, type_index, table)?;
            sig.params.push(table_index_type(module, table)?);
            sig.params.extend_from_slice(&ty.params);
            sig.results.extend_from_slice(&ty.results);
        }
        Opcode::ReturnCallIndirect { type_index, table } => {
            let ty = indirect_type(module, type_index, table)?;
            if *ty.results != *cx.func_results {
                return Err(format!(
                    "tail call to type {type_index} returns other types"
                ));
            }
            sig.params.push(table_index_type(module, table)?);
            sig.params.extend_from_slice(&ty.params);
        }
        Opcode::Copy => {
            let ty = polymorphic()?;
            sig.params.push(ty);
            sig.results.push(ty);
        }
        Opcode::Select => {
            let ty = polymorphic()?;
            sig.params.extend_from_slice(&[ValType::I32, ty, ty]);
            sig.results.push(ty);
        }
        Opcode::GlobalGet { global } => sig.results.push(global_type(module, global)?.content),
        Opcode::GlobalSet { global } => {
            let ty = global_type(module, global)?;
            if !ty.mutable {
                return Err(format!("global {global} is immutable"));
            }
            sig.params.push(ty.content);
        }
        Opcode::TableGet { table } => {
            sig.params.push(table_index_type(module, table)?);
            sig.results.push(table_element_type(module, table)?);
        }
        Opcode::TableSet { table } => {
            sig.params.push(table_index_type(module, table)?);
            sig.params.push(table_element_type(module, table)?);
        }
        Opcode::TableSize { table } => sig.results.push(table_index_type(module, table)?),
        Opcode::TableGrow { table } => {
            let index = table_index_type(module, table)?;
            sig.params.push(table_element_type(module, table)?);
            sig.params.push(index);
            sig.results.push(index);
        }
        Opcode::TableFill { table } => {
            let index = table_index_type(module, table)?;
            sig.params.push(index);
            sig.params.push(table_element_type(module, table)?);
            sig.params.push(index);
        }
        Opcode::TableCopy { dst, src } => {
            let dst_index = table_index_type(module, dst)?;
            let src_index = table_index_type(module, src)?;
            sig.params
                .extend_from_slice(&[dst_index, src_index, narrower(dst_index, src_index)]);
        }
        Opcode::TableInit { table, .. } => {
            sig.params.push(table_index_type(module, table)?);
            sig.params.extend_from_slice(&[ValType::I32, ValType::I32]);
        }
        Opcode::MemoryCopy { dst, src } => {
            let dst_addr = address_type(module, dst)?;
            let src_addr = address_type(module, src)?;
            sig.params
                .extend_from_slice(&[dst_addr, src_addr, narrower(dst_addr, src_addr)]);
        }
        Opcode::RefNull { ty } => sig.results.push(ty.val_type()),
        Opcode::RefIsNull => {
            let ty = polymorphic()?;
            if !ty.is_ref() {
                return Err(format!("ref.is_null of a {ty}"));
            }
            sig.params.push(ty);
            sig.results.push(ValType::I32);
        }
        Opcode::BrIcmp { .. } | Opcode::BrEqz => {
            let ty = polymorphic()?;
            if !matches!(ty, ValType::I32 | ValType::I64) {
                return Err(format!("{opcode} compares {ty} values"));
            }
            sig.params.push(ty);
            if !matches!(opcode, Opcode::BrEqz) {
                sig.params.push(ty);
            }
        }
        Opcode::BrFcmp { .. } => {
            let ty = polymorphic()?;
            if !matches!(ty, ValType::F32 | ValType::F64) {
                return Err(format!("{opcode} compares {ty} values"));
            }
            sig.params.extend_from_slice(&[ty, ty]);
        }
        _ => {
            return Err(format!(
                "{opcode} has neither a fixed nor a known signature"
            ));
        }
    }
    Ok(())
}

/// Indices in immediates that no operand type covers.
fn check_immediates(opcode: &Opcode, module: &Module) -> Result<(), String> {
    let data_count = module
        .data_count
        .map_or(module.data.len(), |count| count as usize);
    let out_of_range = |space: &str, index: u32| Err(format!("{space} index {index} out of range"));
    match *opcode {
        Opcode::RefFunc { func } if func as usize >= module.functions.len() => {
            out_of_range("function", func)
        }
        Opcode::DataDrop { data } | Opcode::MemoryInit { data, .. }
            if data as usize >= data_count =>
        {
            out_of_range("data segment", data)
        }
        Opcode::ElemDrop { elem } | Opcode::TableInit { elem, .. }
            if elem as usize >= module.elements.len() =>
        {
            out_of_range("element segment", elem)
        }
        _ => Ok(()),
    }
}

fn operand(ty: OperandType, opcode: &Opcode, module: &Module) -> Result<ValType, String> {
    match ty {
        OperandType::Val(ty) => Ok(ty),
        OperandType::Addr => {
            let memory = opcode
                .memory()
                .ok_or_else(|| format!("{opcode} has an address but no memory"))?;
            address_type(module, memory)
        }
    }
}

/// The smaller of two index types (`memory.copy`/`table.copy` lengths).
fn narrower(a: ValType, b: ValType) -> ValType {
    if a == ValType::I32 || b == ValType::I32 {
        ValType::I32
    } else {
        ValType::I64
    }
}

pub(crate) fn address_type(module: &Module, memory: u32) -> Result<ValType, String> {
    let memory_type = module
        .memories
        .get(memory as usize)
        .ok_or_else(|| format!("memory index {memory} out of range"))?;
    Ok(if memory_type.memory64 {
        ValType::I64
    } else {
        ValType::I32
    })
}

fn table_index_type(module: &Module, table: u32) -> Result<ValType, String> {
    let table_type = module
        .tables
        .get(table as usize)
        .ok_or_else(|| format!("table index {table} out of range"))?;
    Ok(if table_type.table64 {
        ValType::I64
    } else {
        ValType::I32
    })
}

fn table_element_type(module: &Module, table: u32) -> Result<ValType, String> {
    module
        .tables
        .get(table as usize)
        .map(|table| table.element.val_type())
        .ok_or_else(|| format!("table index {table} out of range"))
}

fn func_type(module: &Module, func: u32) -> Result<&zwasm_decode::FuncType, String> {
    module
        .func_type(func)
        .ok_or_else(|| format!("function index {func} out of range"))
}

fn indirect_type(
    module: &Module,
    type_index: u32,
    table: u32,
) -> Result<&zwasm_decode::FuncType, String> {
    if table_element_type(module, table)? != ValType::FuncRef {
        return Err(format!("indirect call through table {table} of externref"));
    }
    module
        .types
        .get(type_index as usize)
        .ok_or_else(|| format!("type index {type_index} out of range"))
}

fn global_type(module: &Module, global: u32) -> Result<zwasm_decode::GlobalType, String> {
    module
        .global_type(global)
        .ok_or_else(|| format!("global index {global} out of range"))
}
