//! The `asm` dump: compiled code disassembled by an independent decoder
//! (yaxpeax-arm), each range headed by the ir-reg instruction, allocator
//! move or frame step it came from, trap sites annotated.
//!
//! ```text
//! func[0] $add (param i32 i32) (result i32)
//! ; frame: 0 bytes below the record, 0 spill slots, callee-saved: none
//!   ; prologue
//!   0000  a9be7bfd  stp x29, x30, [sp, #-0x20]!
//!   …
//! block0:
//!   ; v2 = i32.add v0, v1                     ; @0x23
//!   0024  0b020020  add w0, w1, w2
//! ```
//!
//! Branch targets are shown as absolute code offsets (`-> 0x48`).

use std::fmt::{self, Display, Formatter, Write as _};

use yaxpeax_arch::{Decoder, U8Reader};
use yaxpeax_arm::armv8::a64::InstDecoder;
use zwasm_decode::Module;
use zwasm_ir_reg::RegFunction;
use zwasm_regalloc::{Algorithm, Allocator, RegNames, TargetDesc};

use crate::lower::output::{CompiledCode, Origin, TrapSiteKind};
use crate::lower::{LowerOptions, lower_function};

/// The disassembly of `code`, compiled from `func` of `module`.
pub fn display<'a>(
    code: &'a CompiledCode,
    func: &'a RegFunction,
    module: &'a Module,
) -> impl Display + 'a {
    AsmDisplay { code, func, module }
}

/// The disassembly of every function of `functions` (from `module`), each
/// allocated with `algorithm` and lowered with `options`, separated by
/// blank lines: what `zwasm dump --stage asm` prints.
pub fn display_module(
    module: &Module,
    functions: &[RegFunction],
    algorithm: Algorithm,
    options: &LowerOptions,
) -> Result<String, String> {
    let target = TargetDesc::aarch64();
    let mut allocator = Allocator::new();
    let mut out = String::new();
    for (i, func) in functions.iter().enumerate() {
        let allocated = allocator
            .allocate(func, module, &target, algorithm)
            .map_err(|e| e.to_string())?;
        let code = lower_function(func, module, &allocated, options).map_err(|e| e.to_string())?;
        if i > 0 {
            out.push('\n');
        }
        let _ = write!(out, "{}", display(&code, func, module));
    }
    Ok(out)
}

/// Decodes one instruction word, or `None` if yaxpeax does not know it.
pub fn decode_word(word: u32) -> Option<String> {
    let bytes = word.to_le_bytes();
    let mut reader = U8Reader::new(&bytes[..]);
    InstDecoder::default()
        .decode(&mut reader)
        .ok()
        .map(|inst| inst.to_string())
}

struct AsmDisplay<'a> {
    code: &'a CompiledCode,
    func: &'a RegFunction,
    module: &'a Module,
}

impl Display for AsmDisplay<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let (code, func) = (self.code, self.func);
        // The ir-reg dump: a header, then per block its label line and one
        // line per instruction.
        let dump = func.display(self.module).to_string();
        let mut lines = dump.lines();
        writeln!(f, "{}", lines.next().unwrap_or_default())?;
        let mut block_lines = Vec::with_capacity(func.num_blocks());
        let mut inst_lines = vec![String::new(); func.num_insts()];
        for block in func.blocks() {
            block_lines.push(lines.next().unwrap_or_default().to_string());
            for inst in func.block_insts(block) {
                let line = lines.next().unwrap_or_default();
                inst_lines[inst.index()] = line.trim_start().to_string();
            }
        }
        write_frame(f, code, TargetDesc::aarch64().reg_names())?;

        let mut block_starts: Vec<(u32, usize)> = code
            .block_offsets
            .iter()
            .enumerate()
            .map(|(block, &offset)| (offset, block))
            .collect();
        block_starts.sort();
        let mut next_block = 0;
        for range in &code.source_map {
            while let Some(&(offset, block)) = block_starts.get(next_block) {
                if offset > range.start {
                    break;
                }
                writeln!(f, "{}", block_lines.get(block).map_or("", String::as_str))?;
                next_block += 1;
            }
            match range.origin {
                Origin::Prologue => writeln!(f, "  ; prologue")?,
                Origin::Entry => writeln!(f, "  ; entry")?,
                Origin::Move => writeln!(f, "  ; move")?,
                Origin::Inst(inst) => writeln!(
                    f,
                    "  ; {}",
                    inst_lines.get(inst.index()).map_or("", String::as_str)
                )?,
                Origin::TrapStub(Some(inst)) => writeln!(f, "  ; trap stub of inst{}", inst.0)?,
                Origin::TrapStub(None) => writeln!(f, "  ; trap stub of the prologue")?,
                Origin::TrapPath => writeln!(f, "  ; trap path")?,
                Origin::Data => writeln!(f, "  ; data")?,
            }
            let data = range.origin == Origin::Data;
            let mut offset = range.start;
            while offset + 4 <= range.end {
                let at = offset as usize;
                let word = u32::from_le_bytes([
                    code.bytes[at],
                    code.bytes[at + 1],
                    code.bytes[at + 2],
                    code.bytes[at + 3],
                ]);
                let text = if data {
                    format!(".word {word:#010x}")
                } else {
                    decode_word(word)
                        .map(|text| absolute_targets(&text, offset))
                        .unwrap_or_else(|| format!(".inst {word:#010x}"))
                };
                write!(f, "  {offset:04x}  {word:08x}  {text}")?;
                write_trap_note(f, code, offset)?;
                f.write_str("\n")?;
                offset += 4;
            }
        }
        Ok(())
    }
}

fn write_frame(f: &mut Formatter<'_>, code: &CompiledCode, names: RegNames) -> fmt::Result {
    let frame = &code.frame;
    write!(
        f,
        "; frame: {} bytes below the record, {} spill slots, {} outgoing bytes, callee-saved: ",
        frame.body_bytes, frame.spill_slots, frame.outgoing_bytes
    )?;
    if frame.callee_saved.is_empty() {
        f.write_str("none")?;
    }
    for (i, &reg) in frame.callee_saved.iter().enumerate() {
        let separator = if i == 0 { "" } else { ", " };
        write!(f, "{separator}{}", names.name(reg))?;
    }
    f.write_str("\n")
}

/// `; trap …` after the instruction a trap site refers to: the `bl` of a
/// stub (whose site is its return address) or a faulting access.
fn write_trap_note(f: &mut Formatter<'_>, code: &CompiledCode, offset: u32) -> fmt::Result {
    let sites = [
        (offset + 4, TrapSiteKind::Stub),
        (offset, TrapSiteKind::Fault),
    ];
    for (at, kind) in sites {
        if let Some(site) = code.trap_at(at).filter(|site| site.kind == kind) {
            let what = site.code.map_or("dynamic", |code| code.name());
            write!(f, "  ; trap: {what}")?;
            if let Some(wasm) = site.wasm_offset {
                write!(f, " @{wasm:#x}")?;
            }
            if kind == TrapSiteKind::Fault {
                f.write_str(" (on fault)")?;
            }
        }
    }
    if let Some(site) = code.call_site_at(offset + 4) {
        f.write_str("  ; call site")?;
        if let Some(wasm) = site.wasm_offset {
            write!(f, " @{wasm:#x}")?;
        }
    }
    Ok(())
}

/// Rewrites yaxpeax's PC-relative `$+0x8` / `$-0x10` into the absolute
/// code offset, `0x48`.
fn absolute_targets(text: &str, pc: u32) -> String {
    let Some(at) = text.find('$') else {
        return text.to_string();
    };
    let rest = &text[at + 1..];
    let (negative, digits) = match rest.as_bytes().first() {
        Some(b'+') => (false, &rest[1..]),
        Some(b'-') => (true, &rest[1..]),
        _ => return text.to_string(),
    };
    let hex = digits.strip_prefix("0x").unwrap_or(digits);
    let len = hex
        .find(|c: char| !c.is_ascii_hexdigit())
        .unwrap_or(hex.len());
    let Ok(distance) = i64::from_str_radix(&hex[..len], 16) else {
        return text.to_string();
    };
    let target = if negative {
        i64::from(pc) - distance
    } else {
        i64::from(pc) + distance
    };
    let consumed = at + 1 + 1 + (digits.len() - hex.len()) + len;
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..at]);
    let _ = write!(out, "-> {target:#x}");
    out.push_str(&text[consumed..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_targets_become_absolute() {
        assert_eq!(absolute_targets("b $+0x8", 0x10), "b -> 0x18");
        assert_eq!(absolute_targets("cbz w1, $-0x10", 0x20), "cbz w1, -> 0x10");
        assert_eq!(absolute_targets("add w0, w1, w2", 0), "add w0, w1, w2");
    }
}
