//! The deterministic text form of ir-reg functions: a header with the
//! signature, then each block with its parameters and one instruction per
//! line, the wasm byte offset it came from as a comment.
//!
//! ```text
//! func[0] $fac (param i64) (result i64)
//! block0(v0: i64):
//!     v1 = i64.eqz v0                         ; @0x34
//!     br_if v1, block1, block2                ; @0x35
//! block1:
//!     jump block3(v2)
//! ```
//!
//! Operands come after the immediates; memory accesses read
//! `mem0[v1 + 16]`, calls `call func3 $name(v1, v2)`, branches name each
//! target block with its arguments.

use std::fmt::{self, Display, Formatter, Write as _};
use zwasm_decode::Identifier;

use zwasm_decode::Module;

use crate::entities::{Block, Inst, Value};
use crate::function::RegFunction;
use crate::ops::{MemArg, Opcode};

/// Column at which the `; @offset` comment starts, counted after the indent.
const INST_COLUMN_WIDTH: usize = 40;

impl RegFunction {
    /// The text dump of this function; `module` supplies signatures and names.
    pub fn display<'a>(&'a self, module: &'a Module) -> impl Display + 'a {
        FunctionDisplay { func: self, module }
    }
}

/// The text dump of every function in `functions`, separated by blank lines.
pub fn display_module<'a>(module: &'a Module, functions: &'a [RegFunction]) -> impl Display + 'a {
    ModuleDisplay { module, functions }
}

struct ModuleDisplay<'a> {
    module: &'a Module,
    functions: &'a [RegFunction],
}

impl Display for ModuleDisplay<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, func) in self.functions.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{}", func.display(self.module))?;
        }
        Ok(())
    }
}

struct FunctionDisplay<'a> {
    func: &'a RegFunction,
    module: &'a Module,
}

impl Display for FunctionDisplay<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let func = self.func;
        write!(f, "func[{}]", func.func_index())?;
        if let Some(name) = self.module.func_name(func.func_index()) {
            write!(f, " {}", Identifier(name))?;
        }
        match self.module.types.get(func.type_index() as usize) {
            Some(ty) => writeln!(f, " {ty}")?,
            None => writeln!(f, " <unknown type {}>", func.type_index())?,
        }
        let mut text = String::new();
        for block in func.blocks() {
            write!(f, "{block}")?;
            let params = func.block_params(block);
            if !params.is_empty() {
                f.write_str("(")?;
                for (i, &param) in params.iter().enumerate() {
                    let separator = if i == 0 { "" } else { ", " };
                    write!(f, "{separator}{param}: {}", func.value_type(param))?;
                }
                f.write_str(")")?;
            }
            f.write_str(":\n")?;
            for inst in func.block_insts(block) {
                text.clear();
                write_inst(&mut text, func, inst, self.module)?;
                match func.inst(inst).offset {
                    Some(offset) => writeln!(f, "    {text:<INST_COLUMN_WIDTH$}  ; @{offset:#x}")?,
                    None => writeln!(f, "    {text}")?,
                }
            }
        }
        Ok(())
    }
}

/// Writes one instruction: `results = mnemonic immediates operands`.
fn write_inst(out: &mut String, func: &RegFunction, inst: Inst, module: &Module) -> fmt::Result {
    let results = func.inst_results(inst);
    if !results.is_empty() {
        write_values(out, results)?;
        out.push_str(" = ");
    }
    let opcode = func.opcode(inst);
    let args = func.inst_args(inst);
    out.push_str(opcode.mnemonic());
    match opcode {
        Opcode::I32Const { value } => write!(out, " {value}"),
        Opcode::I64Const { value } => write!(out, " {value}"),
        Opcode::F32Const { bits } => write!(out, " {} ({bits:#010x})", F32Text(bits)),
        Opcode::F64Const { bits } => write!(out, " {} ({bits:#018x})", F64Text(bits)),
        Opcode::RefNull { ty } => write!(out, " {ty}"),
        Opcode::RefFunc { func: callee } => write_func(out, callee, module),
        Opcode::Call { func: callee } | Opcode::ReturnCall { func: callee } => {
            write_func(out, callee, module)?;
            write_call_args(out, args)
        }
        Opcode::CallIndirect { type_index, table }
        | Opcode::ReturnCallIndirect { type_index, table } => {
            let (callee, call_args) = args
                .split_first()
                .map_or((None, args), |(c, a)| (Some(c), a));
            write!(out, " table{table}[")?;
            if let Some(callee) = callee {
                write!(out, "{callee}")?;
            }
            write!(out, "], type{type_index}")?;
            write_call_args(out, call_args)
        }
        Opcode::BrIcmp { cond } => {
            write!(out, " {cond}")?;
            write_operands_and_targets(out, func, inst)
        }
        Opcode::BrFcmp { cond } => {
            write!(out, " {cond}")?;
            write_operands_and_targets(out, func, inst)
        }
        Opcode::Jump | Opcode::BrIf | Opcode::BrEqz => write_operands_and_targets(out, func, inst),
        Opcode::BrTable => write_table(out, func, inst),
        Opcode::Trap { code } => write!(out, " {code}"),
        Opcode::GlobalGet { global } | Opcode::GlobalSet { global } => {
            write!(out, " global{global}")?;
            write_trailing_operands(out, args)
        }
        Opcode::TableGet { table } | Opcode::TableSet { table } => {
            let (index, rest) = args
                .split_first()
                .map_or((None, args), |(i, r)| (Some(i), r));
            write!(out, " table{table}[")?;
            if let Some(index) = index {
                write!(out, "{index}")?;
            }
            out.push(']');
            write_trailing_operands(out, rest)
        }
        Opcode::TableSize { table } | Opcode::TableGrow { table } | Opcode::TableFill { table } => {
            write!(out, " table{table}")?;
            write_trailing_operands(out, args)
        }
        Opcode::TableCopy { dst, src } => {
            write!(out, " table{dst}, table{src}")?;
            write_trailing_operands(out, args)
        }
        Opcode::TableInit { elem, table } => {
            write!(out, " table{table}, elem{elem}")?;
            write_trailing_operands(out, args)
        }
        Opcode::ElemDrop { elem } => write!(out, " elem{elem}"),
        Opcode::MemorySize { memory }
        | Opcode::MemoryGrow { memory }
        | Opcode::MemoryFill { memory } => {
            write!(out, " mem{memory}")?;
            write_trailing_operands(out, args)
        }
        Opcode::MemoryCopy { dst, src } => {
            write!(out, " mem{dst}, mem{src}")?;
            write_trailing_operands(out, args)
        }
        Opcode::MemoryInit { data, memory } => {
            write!(out, " mem{memory}, data{data}")?;
            write_trailing_operands(out, args)
        }
        Opcode::DataDrop { data } => write!(out, " data{data}"),
        _ => match opcode.mem_arg() {
            Some(mem) => write_memory_access(out, mem, args),
            None => write_operands(out, args),
        },
    }
}

/// ` mem0[v1 + 16], v2 align=4`: the address, then any stored value.
fn write_memory_access(out: &mut String, mem: MemArg, args: &[Value]) -> fmt::Result {
    write!(out, " mem{}[", mem.memory)?;
    if let Some(address) = args.first() {
        write!(out, "{address}")?;
    }
    if mem.offset != 0 {
        write!(out, " + {}", mem.offset)?;
    }
    out.push(']');
    for value in args.iter().skip(1) {
        write!(out, ", {value}")?;
    }
    write!(out, " align={}", 1u64 << mem.align.min(63))
}

fn write_func(out: &mut String, func: u32, module: &Module) -> fmt::Result {
    write!(out, " func{func}")?;
    match module.func_name(func) {
        Some(name) => write!(out, " {}", Identifier(name)),
        None => Ok(()),
    }
}

fn write_call_args(out: &mut String, args: &[Value]) -> fmt::Result {
    out.push('(');
    write_values(out, args)?;
    out.push(')');
    Ok(())
}

/// ` v1, v2`.
fn write_operands(out: &mut String, args: &[Value]) -> fmt::Result {
    if !args.is_empty() {
        out.push(' ');
        write_values(out, args)?;
    }
    Ok(())
}

/// `, v1, v2` after immediates.
fn write_trailing_operands(out: &mut String, args: &[Value]) -> fmt::Result {
    for value in args {
        write!(out, ", {value}")?;
    }
    Ok(())
}

fn write_values(out: &mut String, values: &[Value]) -> fmt::Result {
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write!(out, "{value}")?;
    }
    Ok(())
}

/// ` v1, v2, block1(v3), block2`: operands, then each target.
fn write_operands_and_targets(out: &mut String, func: &RegFunction, inst: Inst) -> fmt::Result {
    let args = func.inst_args(inst);
    write_operands(out, args)?;
    for (i, call) in func.inst_targets(inst).iter().enumerate() {
        out.push_str(if i == 0 && args.is_empty() { " " } else { ", " });
        write_target(out, call.block, func.edge_args(call))?;
    }
    Ok(())
}

/// ` v1, [block1, block2(v3)], block4`: the cases, then the default.
fn write_table(out: &mut String, func: &RegFunction, inst: Inst) -> fmt::Result {
    write_operands(out, func.inst_args(inst))?;
    let targets = func.inst_targets(inst);
    let Some((default, cases)) = targets.split_last() else {
        return Ok(());
    };
    out.push_str(", [");
    for (i, call) in cases.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_target(out, call.block, func.edge_args(call))?;
    }
    out.push_str("], ");
    write_target(out, default.block, func.edge_args(default))
}

fn write_target(out: &mut String, block: Block, args: &[Value]) -> fmt::Result {
    write!(out, "{block}")?;
    if !args.is_empty() {
        write_call_args(out, args)?;
    }
    Ok(())
}

/// An f32 as wasm text writes it: shortest round-trip decimal, `inf`, or
/// `nan:0x…` with the payload.
struct F32Text(u32);

impl Display for F32Text {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let value = f32::from_bits(self.0);
        let payload = u64::from(self.0 & 0x7f_ffff);
        write_float(
            f,
            value.is_sign_negative(),
            value.is_nan(),
            payload,
            &value.abs(),
        )
    }
}

/// An f64 in the same style as [`F32Text`].
struct F64Text(u64);

impl Display for F64Text {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let value = f64::from_bits(self.0);
        let payload = self.0 & 0xf_ffff_ffff_ffff;
        write_float(
            f,
            value.is_sign_negative(),
            value.is_nan(),
            payload,
            &value.abs(),
        )
    }
}

fn write_float(
    f: &mut Formatter<'_>,
    negative: bool,
    nan: bool,
    payload: u64,
    magnitude: &dyn fmt::Debug,
) -> fmt::Result {
    if negative {
        f.write_str("-")?;
    }
    if nan {
        write!(f, "nan:{payload:#x}")
    } else {
        write!(f, "{magnitude:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_keep_sign_and_payload() {
        assert_eq!(F32Text(1.5f32.to_bits()).to_string(), "1.5");
        assert_eq!(F32Text((-0.0f32).to_bits()).to_string(), "-0.0");
        assert_eq!(F32Text(0x7fc0_0000).to_string(), "nan:0x400000");
        assert_eq!(F64Text(0x7ff0_0000_0000_0001).to_string(), "nan:0x1");
        assert_eq!(F64Text(f64::NEG_INFINITY.to_bits()).to_string(), "-inf");
    }

    #[test]
    fn odd_names_are_quoted() {
        assert_eq!(Identifier("fac").to_string(), "$fac");
        assert_eq!(Identifier("a b").to_string(), "$\"a b\"");
    }
}
