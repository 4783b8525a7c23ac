//! The allocation dump: the ir-reg dump of a function with every operand
//! and result annotated by its location, the allocator's moves on lines of
//! their own, and a header line with the spill-slot count.
//!
//! ```text
//! func[0] $add (param i32 i32) (result i32)
//! ; ion: 0 spill slots, callee-saved used: none
//! block0(v0: i32, v1: i32):
//!     entry vmctx:x0, v0:x1, v1:x2
//!     v2:x1 = i32.add v0:x1, v1:x2                            ; @0x2a
//!     move x1 -> x0
//!     return v2:x0                                            ; @0x2b
//! ```
//!
//! Operands the ir-reg dump does not show (`vmctx`, scratch registers) are
//! listed in braces after the instruction. Branch arguments carry no
//! location: the moves that implement them are the listed edits.

use std::fmt::{self, Display, Formatter, Write as _};

use zwasm_decode::Module;
use zwasm_ir_reg::{Inst, RegFunction, Value};

use crate::operands::OperandRole;
use crate::output::{Allocated, LayoutItem, Location, Move, MoveKind};
use crate::target::RegNames;

/// Column at which the `; @offset` comment starts, after the indent.
const INST_COLUMN_WIDTH: usize = 56;

impl Allocated {
    /// The allocation dump of `func` (the function this allocation is for);
    /// `module` supplies signatures and names.
    pub fn display<'a>(&'a self, func: &'a RegFunction, module: &'a Module) -> impl Display + 'a {
        FunctionDisplay {
            allocated: self,
            func,
            module,
        }
    }
}

/// The allocation dumps of a module's functions (parallel slices), separated
/// by blank lines.
pub fn display_module<'a>(
    module: &'a Module,
    functions: &'a [RegFunction],
    allocations: &'a [Allocated],
) -> impl Display + 'a {
    ModuleDisplay {
        module,
        functions,
        allocations,
    }
}

/// One line of counts and regalloc2 time per function, for `--timings`
/// style reports. Not deterministic (it includes wall-clock time), so it is
/// kept out of the allocation dump.
pub fn display_stats<'a>(module: &'a Module, allocations: &'a [Allocated]) -> impl Display + 'a {
    StatsDisplay {
        module,
        allocations,
    }
}

struct StatsDisplay<'a> {
    module: &'a Module,
    allocations: &'a [Allocated],
}

impl Display for StatsDisplay<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for allocated in self.allocations {
            let func = allocated.func_index();
            let stats = allocated.stats();
            write!(f, "func[{func}]")?;
            if let Some(name) = self.module.func_name(func) {
                write!(f, " {name:?}")?;
            }
            writeln!(
                f,
                ": {}: {} insts, {} vregs, {} moves, {} spills, {} reloads, {} spill slots, {:?}",
                allocated.algorithm(),
                stats.insts,
                stats.vregs,
                stats.moves,
                stats.spills,
                stats.reloads,
                allocated.num_spillslots(),
                stats.regalloc_time,
            )?;
        }
        Ok(())
    }
}

struct ModuleDisplay<'a> {
    module: &'a Module,
    functions: &'a [RegFunction],
    allocations: &'a [Allocated],
}

impl Display for ModuleDisplay<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, (func, allocated)) in self.functions.iter().zip(self.allocations).enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{}", allocated.display(func, self.module))?;
        }
        Ok(())
    }
}

struct FunctionDisplay<'a> {
    allocated: &'a Allocated,
    func: &'a RegFunction,
    module: &'a Module,
}

impl Display for FunctionDisplay<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let (allocated, func) = (self.allocated, self.func);
        let names = allocated.reg_names();
        // The ir-reg dump has a header line, then per block a label line and
        // one line per instruction; annotating it keeps one text format.
        let dump = func.display(self.module).to_string();
        let mut lines = dump.lines();
        writeln!(f, "{}", lines.next().unwrap_or_default())?;
        write!(
            f,
            "; {}: {} spill slots, callee-saved used: ",
            allocated.algorithm(),
            allocated.num_spillslots()
        )?;
        if allocated.callee_saved_used().is_empty() {
            f.write_str("none")?;
        }
        for (i, &reg) in allocated.callee_saved_used().iter().enumerate() {
            let separator = if i == 0 { "" } else { ", " };
            write!(f, "{separator}{}", names.name(reg))?;
        }
        f.write_str("\n")?;
        for block in func.blocks() {
            writeln!(f, "{}", lines.next().unwrap_or_default())?;
            for item in allocated.block_items(func, block) {
                match item {
                    LayoutItem::Entry => write_entry(f, func, allocated)?,
                    LayoutItem::Move(mv) => write_move(f, mv, names)?,
                    LayoutItem::Inst(inst) => {
                        let line = lines.next().unwrap_or_default();
                        write_inst(f, line, func, inst, allocated)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// `    entry vmctx:x0, v0:x1, v1:stack0`.
fn write_entry(f: &mut Formatter<'_>, func: &RegFunction, allocated: &Allocated) -> fmt::Result {
    let names = allocated.reg_names();
    let params = func.block_params(func.entry_block());
    f.write_str("    entry")?;
    for (i, operand) in allocated.entry_operands().iter().enumerate() {
        f.write_str(if i == 0 { " " } else { ", " })?;
        match operand.role {
            OperandRole::Param(n) => match params.get(n as usize) {
                Some(value) => write!(f, "{value}")?,
                None => write!(f, "param{n}")?,
            },
            role => write_role(f, role)?,
        }
        write!(f, ":{}", operand.location.display(names))?;
    }
    f.write_str("\n")
}

fn write_move(f: &mut Formatter<'_>, mv: Move, names: RegNames) -> fmt::Result {
    let kind = match mv.kind() {
        MoveKind::Move => "move",
        MoveKind::Spill => "spill",
        MoveKind::Reload => "reload",
    };
    writeln!(
        f,
        "    {kind} {} -> {}",
        mv.from.display(names),
        mv.to.display(names)
    )
}

fn write_role(f: &mut Formatter<'_>, role: OperandRole) -> fmt::Result {
    match role {
        OperandRole::Param(n) => write!(f, "param{n}"),
        OperandRole::Vmctx => f.write_str("vmctx"),
        OperandRole::Arg(n) => write!(f, "arg{n}"),
        OperandRole::Result(n) => write!(f, "result{n}"),
        OperandRole::Temp(n) => write!(f, "temp{n}"),
    }
}

/// The ir-reg line of `inst` with its results and operands annotated, the
/// operands it does not show in braces, and its offset comment realigned.
fn write_inst(
    f: &mut Formatter<'_>,
    line: &str,
    func: &RegFunction,
    inst: Inst,
    allocated: &Allocated,
) -> fmt::Result {
    let names = allocated.reg_names();
    let body = line.strip_prefix("    ").unwrap_or(line);
    let comment = func
        .inst(inst)
        .offset
        .map(|offset| format!("; @{offset:#x}"));
    let text = match comment.as_deref().and_then(|c| body.strip_suffix(c)) {
        Some(text) => text.trim_end(),
        None => body,
    };
    let results = func.inst_results(inst).iter().enumerate();
    let results = results.map(|(i, &value)| (value, allocated.result(inst, i)));
    let args = func.inst_args(inst).iter().enumerate();
    let args = args.map(|(i, &value)| (value, allocated.arg(inst, i)));
    let expected: Vec<(Value, Location)> = results
        .chain(args)
        .filter_map(|(value, location)| Some((value, location?)))
        .collect();
    let (mut annotated, matched) = annotate_values(text, &expected, names);

    let mut extras = String::new();
    for &(value, location) in &expected[matched..] {
        // Values the text did not show where expected (cannot happen with
        // the current ir-reg format, but the dump must stay complete).
        let _ = write!(extras, ", {value}:{}", location.display(names));
    }
    for operand in allocated.operands(inst) {
        if matches!(operand.role, OperandRole::Vmctx | OperandRole::Temp(_)) {
            let location = operand.location.display(names);
            let _ = write!(extras, ", {}:{location}", RoleName(operand.role));
        }
    }
    if let Some(extras) = extras.strip_prefix(", ") {
        let _ = write!(annotated, " {{{extras}}}");
    }
    match comment {
        Some(comment) if text.len() != body.len() => {
            writeln!(f, "    {annotated:<INST_COLUMN_WIDTH$}  {comment}")
        }
        _ => writeln!(f, "    {annotated}"),
    }
}

struct RoleName(OperandRole);

impl Display for RoleName {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_role(f, self.0)
    }
}

/// Appends `:location` to the value tokens of `text` that match `expected`
/// in order (results come first in the ir-reg text, then operands, then
/// branch arguments), skipping quoted `$"names"`. Returns the annotated text
/// and how many expected values were found.
fn annotate_values(text: &str, expected: &[(Value, Location)], names: RegNames) -> (String, usize) {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 6 * expected.len());
    let mut matched = 0;
    let mut copied = 0;
    let mut in_quotes = false;
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if in_quotes {
            match byte {
                b'\\' => i += 2,
                b'"' => {
                    in_quotes = false;
                    i += 1;
                }
                _ => i += 1,
            }
            continue;
        }
        if byte == b'$' && bytes.get(i + 1) == Some(&b'"') {
            in_quotes = true;
            i += 2;
            continue;
        }
        let starts_token = i == 0 || matches!(bytes[i - 1], b' ' | b'(' | b'[' | b',');
        if byte == b'v' && starts_token {
            let digits = bytes[i + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            let end = i + 1 + digits;
            let ends_token = bytes
                .get(end)
                .is_none_or(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.')));
            if digits > 0 && ends_token {
                if let Some(&(value, location)) = expected.get(matched)
                    && text[i + 1..end].parse() == Ok(value.0)
                {
                    out.push_str(&text[copied..end]);
                    let _ = write!(out, ":{}", location.display(names));
                    copied = end;
                    matched += 1;
                }
                i = end;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    (out, matched)
}

#[cfg(test)]
mod tests {
    use regalloc2::{PReg, RegClass};

    use super::*;

    fn names() -> RegNames {
        crate::TargetDesc::aarch64().reg_names()
    }

    fn x(n: usize) -> Location {
        Location::Reg(PReg::new(n, RegClass::Int))
    }

    #[test]
    fn values_are_annotated_in_order() {
        let expected = [
            (Value(7), x(3)),
            (Value(3), x(1)),
            (Value(5), Location::Stack(2)),
        ];
        let (text, matched) = annotate_values("v7 = i32.add v3, v5", &expected, names());
        assert_eq!(text, "v7:x3 = i32.add v3:x1, v5:stack2");
        assert_eq!(matched, 3);
    }

    #[test]
    fn names_and_branch_arguments_are_left_alone() {
        let expected = [(Value(1), x(4)), (Value(2), x(5))];
        let (text, matched) = annotate_values(
            r#"call func3 $"a \"v1\" v1"(v1, v2), block1(v1)"#,
            &expected,
            names(),
        );
        assert_eq!(
            text,
            r#"call func3 $"a \"v1\" v1"(v1:x4, v2:x5), block1(v1)"#
        );
        assert_eq!(matched, 2);
        let (text, matched) = annotate_values("call func1 $v1(v1)", &expected[..1], names());
        assert_eq!(text, "call func1 $v1(v1:x4)");
        assert_eq!(matched, 1);
    }
}
