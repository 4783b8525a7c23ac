//! Compiling a module for the JIT: every defined function through ir-reg,
//! regalloc and the AArch64 lowering, plus one entry trampoline per type;
//! then linking them into one executable mapping with direct calls patched.

use zwasm_codegen_aarch64::lower::{self, CallSite, LowerOptions, RelocKind, TrapSite, trampoline};
use zwasm_codegen_aarch64::{BranchOffset26, Inst};
use zwasm_regalloc::{Algorithm, Allocator, TargetDesc};

use super::code_memory::CodeMemory;
use crate::{Error, Module};

/// Functions start on this alignment (a cache-line quarter).
const FUNCTION_ALIGN: usize = 16;

/// Where one compiled function is, with the tables that map its code back
/// to wasm.
#[derive(Debug)]
pub(crate) struct FunctionCode {
    /// Index in the module's function index space.
    pub func_index: u32,
    /// Offset of the entry in the module's code.
    pub offset: usize,
    pub len: usize,
    pub traps: Vec<TrapSite>,
    pub call_sites: Vec<CallSite>,
}

/// A module's compiled code.
#[derive(Debug)]
pub(crate) struct CompiledModule {
    pub module: Module,
    pub code: CodeMemory,
    /// Per defined function.
    pub functions: Vec<FunctionCode>,
    /// Per type index: offset of its entry trampoline.
    pub trampolines: Vec<Option<usize>>,
}

impl CompiledModule {
    /// The function whose code contains `addr`, and the offset in it.
    pub fn function_at(&self, addr: usize) -> Option<(&FunctionCode, u32)> {
        let offset = addr.checked_sub(self.code.base())?;
        let i = self
            .functions
            .partition_point(|func| func.offset <= offset)
            .checked_sub(1)?;
        let func = &self.functions[i];
        let within = offset - func.offset;
        (within < func.len).then_some((func, within as u32))
    }

    pub fn function_address(&self, defined: u32) -> Option<usize> {
        self.functions
            .get(defined as usize)
            .map(|func| self.code.base() + func.offset)
    }

    pub fn trampoline_address(&self, type_index: u32) -> Option<usize> {
        self.trampolines
            .get(type_index as usize)
            .copied()
            .flatten()
            .map(|offset| self.code.base() + offset)
    }
}

fn unsupported(what: impl std::fmt::Display) -> Error {
    Error::Unsupported(format!("JIT: {what}"))
}

/// Compiles and links every defined function of `module`.
pub(crate) fn compile_module(
    module: &Module,
    options: &LowerOptions,
) -> Result<CompiledModule, Error> {
    let features = module.engine().features();
    let (description, mut functions) =
        zwasm_ir_reg::compile_module(module.bytes(), &features).map_err(Error::Validate)?;
    let target = TargetDesc::aarch64();
    let mut allocator = Allocator::new();
    let mut compiled = Vec::with_capacity(functions.len());
    for func in &mut functions {
        zwasm_ir_reg::passes::run_default(func);
        let allocated = allocator
            .allocate(func, &description, &target, Algorithm::Ion)
            .map_err(unsupported)?;
        compiled.push(
            lower::lower_function(func, &description, &allocated, options).map_err(unsupported)?,
        );
    }

    let mut bytes = Vec::new();
    let mut placed = Vec::with_capacity(compiled.len());
    for code in &compiled {
        bytes.resize(bytes.len().next_multiple_of(FUNCTION_ALIGN), 0);
        placed.push(bytes.len());
        bytes.extend_from_slice(&code.bytes);
    }
    for (code, &at) in compiled.iter().zip(&placed) {
        for reloc in &code.relocations {
            let target = reloc
                .target
                .checked_sub(description.func_imports)
                .and_then(|defined| placed.get(defined as usize))
                .ok_or_else(|| unsupported(format!("call to function {}", reloc.target)))?;
            let site = at + reloc.offset as usize;
            let distance = *target as i64 - site as i64;
            let offset = BranchOffset26::from_bytes(distance)
                .ok_or_else(|| unsupported("module code larger than 128 MiB"))?;
            let inst = match reloc.kind {
                RelocKind::Call26 => Inst::Bl { offset },
                RelocKind::Jump26 => Inst::B { offset },
            };
            bytes[site..site + 4].copy_from_slice(&inst.encode().to_le_bytes());
        }
    }
    let mut trampolines = Vec::with_capacity(description.types.len());
    for ty in &description.types {
        match trampoline::entry_trampoline(&ty.params, &ty.results) {
            Ok(code) => {
                bytes.resize(bytes.len().next_multiple_of(FUNCTION_ALIGN), 0);
                trampolines.push(Some(bytes.len()));
                bytes.extend_from_slice(&code);
            }
            Err(_) => trampolines.push(None),
        }
    }
    let code = CodeMemory::new(&bytes)?;
    let functions = compiled
        .into_iter()
        .zip(placed)
        .map(|(code, offset)| FunctionCode {
            func_index: code.func_index,
            offset,
            len: code.bytes.len(),
            traps: code.traps,
            call_sites: code.call_sites,
        })
        .collect();
    Ok(CompiledModule {
        module: module.clone(),
        code,
        functions,
        trampolines,
    })
}
