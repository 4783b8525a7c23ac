//! The deterministic text dump of translated functions, one op per line:
//!
//! ```text
//! func[2] $fac (param i32) (result i64)  ; type 1, locals 2 (i32 i64), max stack 4, module offset 0x3a
//!   0000  local.get 0                         ; @0x3d
//!   0001  jump_if_zero @5                     ; @0x3f
//! ```
//!
//! Branches show their target pc with the height and arity of the jump, and
//! float constants show both a readable value and their exact bits.

use std::fmt::{self, Display, Formatter, Write as _};
use zwasm_decode::Identifier;

use zwasm_decode::{Module, ValType};

use crate::{Function, Op};

/// Column at which the `; @offset` comment of each op starts.
const OP_COLUMN_WIDTH: usize = 36;

impl Function {
    /// The text dump of this function; `module` supplies signatures and names.
    pub fn display<'a>(&'a self, module: &'a Module) -> impl Display + 'a {
        FunctionDisplay {
            function: self,
            module,
        }
    }
}

/// The text dump of every function in `functions`, separated by blank lines.
pub fn display_module<'a>(module: &'a Module, functions: &'a [Function]) -> impl Display + 'a {
    ModuleDisplay { module, functions }
}

struct ModuleDisplay<'a> {
    module: &'a Module,
    functions: &'a [Function],
}

impl Display for ModuleDisplay<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, function) in self.functions.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{}", function.display(self.module))?;
        }
        Ok(())
    }
}

struct FunctionDisplay<'a> {
    function: &'a Function,
    module: &'a Module,
}

impl Display for FunctionDisplay<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.header(f)?;
        let mut text = String::new();
        for (pc, op) in self.function.code.iter().enumerate() {
            text.clear();
            write_op(&mut text, op, self.function, self.module)?;
            write!(f, "  {pc:04}  {text:<OP_COLUMN_WIDTH$}")?;
            match self.function.offsets.get(pc) {
                Some(offset) => writeln!(f, "  ; @{offset:#x}")?,
                None => writeln!(f)?,
            }
        }
        Ok(())
    }
}

impl FunctionDisplay<'_> {
    fn header(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let function = self.function;
        write!(f, "func[{}]", function.func_index)?;
        if let Some(name) = self.module.func_name(function.func_index) {
            write!(f, " {}", Identifier(name))?;
        }
        match self.module.types.get(function.type_index as usize) {
            Some(ty) => write!(f, " {ty}")?,
            None => f.write_str(" <unknown type>")?,
        }
        write!(
            f,
            "  ; type {}, locals {}",
            function.type_index, function.local_count
        )?;
        if !function.local_types.is_empty() {
            write!(f, " ({})", LocalTypes(&function.local_types))?;
        }
        write!(f, ", max stack {}", function.max_stack_height)?;
        if let Some(body) = self.module.body(function.func_index) {
            write!(f, ", module offset {:#x}", body.range.start)?;
        }
        writeln!(f)
    }
}

/// Local types, with runs of four or more written as `type*count`.
struct LocalTypes<'a>(&'a [ValType]);

impl Display for LocalTypes<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        let mut first = true;
        while let Some(&ty) = rest.first() {
            let run = rest.iter().take_while(|&&t| t == ty).count();
            let shown = if run >= 4 { 1 } else { run };
            for _ in 0..shown {
                if !first {
                    f.write_str(" ")?;
                }
                first = false;
                write!(f, "{ty}")?;
            }
            if run >= 4 {
                write!(f, "*{run}")?;
            }
            rest = &rest[run..];
        }
        Ok(())
    }
}

fn write_op(out: &mut String, op: &Op, function: &Function, module: &Module) -> fmt::Result {
    match *op {
        Op::Jump { pc } | Op::JumpIfZero { pc } => write!(out, "{} @{pc}", op.name()),
        Op::BrTable { targets } => {
            out.push_str("br_table");
            let start = targets.start as usize;
            let slice = start
                .checked_add(targets.len as usize)
                .and_then(|end| function.br_tables.get(start..end));
            let Some(slice) = slice else {
                return write!(out, " {targets} <out of range>");
            };
            for (i, target) in slice.iter().enumerate() {
                let separator = if i == 0 { " " } else { ", " };
                let default = if i + 1 == slice.len() { "default " } else { "" };
                write!(out, "{separator}{default}{target}")?;
            }
            Ok(())
        }
        Op::F32Const { bits } => write!(out, "f32.const {} ({bits:#010x})", F32Text(bits)),
        Op::F64Const { bits } => write!(out, "f64.const {} ({bits:#018x})", F64Text(bits)),
        Op::CallIndirect { type_index, table } | Op::ReturnCallIndirect { type_index, table } => {
            write!(out, "{} type={type_index} table={table}", op.name())
        }
        Op::TableCopy { dst, src } | Op::MemoryCopy { dst, src } => {
            write!(out, "{} dst={dst} src={src}", op.name())
        }
        Op::TableInit { elem, table } => write!(out, "table.init elem={elem} table={table}"),
        Op::MemoryInit { data, memory } => write!(out, "memory.init data={data} mem={memory}"),
        Op::Call { func } | Op::ReturnCall { func } | Op::RefFunc { func } => {
            write!(out, "{} {func}", op.name())?;
            match module.func_name(func) {
                Some(name) => write!(out, " {}", Identifier(name)),
                None => Ok(()),
            }
        }
        _ => write!(out, "{op}"),
    }
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

/// Writes the sign, then the NaN payload or the magnitude (whose `Debug`
/// form is the shortest decimal that round-trips, or `inf`).
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
        assert_eq!(F32Text(0xffa0_0001).to_string(), "-nan:0x200001");
        assert_eq!(F32Text(f32::NEG_INFINITY.to_bits()).to_string(), "-inf");
        assert_eq!(F64Text(0.1f64.to_bits()).to_string(), "0.1");
        assert_eq!(F64Text(0x7ff0_0000_0000_0001).to_string(), "nan:0x1");
        assert_eq!(F64Text(1e300f64.to_bits()).to_string(), "1e300");
    }

    #[test]
    fn long_local_runs_are_compressed() {
        let locals = [
            ValType::I32,
            ValType::I64,
            ValType::I64,
            ValType::F32,
            ValType::F32,
            ValType::F32,
            ValType::F32,
        ];
        assert_eq!(LocalTypes(&locals).to_string(), "i32 i64 i64 f32*4");
    }
}
