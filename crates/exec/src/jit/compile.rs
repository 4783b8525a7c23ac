//! Compiling a module for the JIT: every defined function through ir-reg,
//! regalloc and the AArch64 lowering, plus one entry trampoline per type;
//! then linking them into one executable mapping with direct calls patched.

use zwasm_codegen_aarch64::lower::abi::{func_ref, vmctx};
use zwasm_codegen_aarch64::lower::{
    self, CallSite, CompiledCode, LowerOptions, RelocKind, TrapSite, trampoline,
};
use zwasm_codegen_aarch64::{
    AddSubOp, AddrMode, ArithShift, BranchOffset26, Gpr, Inst, LoadOp, OperandSize, ScaledIndex,
    load_constant,
};
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
    /// `false` for a function the JIT could not compile: its code is a
    /// stub that calls it through its `VmFuncRef` (the interpreter's
    /// adapter), so that direct calls from compiled code still work.
    pub compiled: bool,
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
    /// How many functions were allocated with Fastalloc for their size.
    pub fastalloc: usize,
    /// An on-stack entry variant ([`compile_osr`]): its first function is
    /// the variant, the others stubs for its direct callees, and its only
    /// trampoline the variant's.
    pub osr: bool,
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

    /// The machine code of defined function `defined`; `None` if it runs on
    /// the interpreter.
    pub fn function_address(&self, defined: u32) -> Option<usize> {
        self.functions
            .get(defined as usize)
            .filter(|func| func.compiled)
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
    let mut fastalloc = 0;
    let mut fallbacks = 0;
    for func in &mut functions {
        zwasm_ir_reg::passes::run_default(func);
        // Ion, unless the function is large enough for Ion's time to
        // explode (Algorithm::for_function).
        let algorithm = Algorithm::for_function(func);
        if algorithm == Algorithm::Fastalloc {
            fastalloc += 1;
        }
        let lowered = allocator
            .allocate(func, &description, &target, algorithm)
            .map_err(unsupported)
            .and_then(|allocated| {
                lower::lower_function(func, &description, &allocated, options).map_err(unsupported)
            });
        // A function that does not compile (too large for the branch
        // ranges, an unsupported operator) runs on the interpreter; the
        // rest of the module stays compiled.
        let code = match lowered {
            Ok(code) => Some(code),
            Err(_) => {
                fallbacks += 1;
                None
            }
        };
        compiled.push((func.func_index(), code));
    }
    if fallbacks == compiled.len() && !compiled.is_empty() {
        return Err(unsupported("no function of the module compiled"));
    }
    let compiled: Vec<Piece> = compiled
        .into_iter()
        .map(|(func_index, code)| match code {
            Some(code) => Ok(Piece::from(code)),
            None => fallback_stub(func_index),
        })
        .collect::<Result<_, Error>>()?;

    let (mut bytes, placed) = lay_out(compiled.iter().map(|code| code.bytes.as_slice()));
    for (code, &at) in compiled.iter().zip(&placed) {
        for reloc in &code.relocations {
            let target = reloc
                .target
                .checked_sub(description.func_imports)
                .and_then(|defined| placed.get(defined as usize))
                .ok_or_else(|| unsupported(format!("call to function {}", reloc.target)))?;
            patch_branch(&mut bytes, at, reloc, *target)?;
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
            compiled: code.compiled,
        })
        .collect();
    Ok(CompiledModule {
        module: module.clone(),
        code,
        functions,
        trampolines,
        fastalloc,
        osr: false,
    })
}

/// Compiles `variant`, the on-stack entry variant (ir-reg `osr_variant`)
/// of function `func_index` of `module`, with `description` the module's
/// description extended with the variant's type and function index. Its
/// direct calls go through stubs (the callees' `VmFuncRef`s: compiled code
/// or the interpreter's adapter); backtraces name `func_index`.
pub(crate) fn compile_osr(
    module: &Module,
    description: &zwasm_decode::Module,
    variant: &zwasm_ir_reg::RegFunction,
    func_index: u32,
    options: &LowerOptions,
) -> Result<CompiledModule, Error> {
    let target = TargetDesc::aarch64();
    let algorithm = Algorithm::for_function(variant);
    let allocated = Allocator::new()
        .allocate(variant, description, &target, algorithm)
        .map_err(unsupported)?;
    let code =
        lower::lower_function(variant, description, &allocated, options).map_err(unsupported)?;
    let mut main = Piece::from(code);
    main.func_index = func_index;
    let mut callees: Vec<u32> = main.relocations.iter().map(|r| r.target).collect();
    callees.sort_unstable();
    callees.dedup();
    let mut pieces = vec![main];
    for &callee in &callees {
        pieces.push(fallback_stub(callee)?);
    }
    let (mut bytes, placed) = lay_out(pieces.iter().map(|piece| piece.bytes.as_slice()));
    for reloc in &pieces[0].relocations {
        let stub = callees
            .binary_search(&reloc.target)
            .map_err(|_| unsupported("OSR call target"))?;
        patch_branch(&mut bytes, placed[0], reloc, placed[stub + 1])?;
    }
    let ty = description
        .types
        .get(variant.type_index() as usize)
        .ok_or_else(|| unsupported("OSR type"))?;
    let entry = trampoline::entry_trampoline(&ty.params, &ty.results).map_err(unsupported)?;
    bytes.resize(bytes.len().next_multiple_of(FUNCTION_ALIGN), 0);
    let trampolines = vec![Some(bytes.len())];
    bytes.extend_from_slice(&entry);
    let code = CodeMemory::new(&bytes)?;
    let functions = pieces
        .into_iter()
        .zip(placed)
        .map(|(piece, offset)| FunctionCode {
            func_index: piece.func_index,
            offset,
            len: piece.bytes.len(),
            traps: piece.traps,
            call_sites: piece.call_sites,
            compiled: piece.compiled,
        })
        .collect();
    Ok(CompiledModule {
        module: module.clone(),
        code,
        functions,
        trampolines,
        fastalloc: usize::from(algorithm == Algorithm::Fastalloc),
        osr: true,
    })
}

/// Concatenates the code `pieces`, each at a [`FUNCTION_ALIGN`]ed offset:
/// the bytes and where each piece starts.
fn lay_out<'a>(pieces: impl ExactSizeIterator<Item = &'a [u8]>) -> (Vec<u8>, Vec<usize>) {
    let mut bytes = Vec::new();
    let mut placed = Vec::with_capacity(pieces.len());
    for piece in pieces {
        bytes.resize(bytes.len().next_multiple_of(FUNCTION_ALIGN), 0);
        placed.push(bytes.len());
        bytes.extend_from_slice(piece);
    }
    (bytes, placed)
}

/// Points the branch of `reloc` in the piece placed at `at` to offset
/// `target` of `bytes`.
fn patch_branch(
    bytes: &mut [u8],
    at: usize,
    reloc: &lower::Relocation,
    target: usize,
) -> Result<(), Error> {
    let site = at + reloc.offset as usize;
    let distance = target as i64 - site as i64;
    let offset = BranchOffset26::from_bytes(distance)
        .ok_or_else(|| unsupported("code larger than 128 MiB"))?;
    let inst = match reloc.kind {
        RelocKind::Call26 => Inst::Bl { offset },
        RelocKind::Jump26 => Inst::B { offset },
    };
    bytes[site..site + 4].copy_from_slice(&inst.encode().to_le_bytes());
    Ok(())
}

/// Code standing in for function `func_index` that the JIT could not
/// compile: a tail call through the function's own entry in
/// `vmctx.funcs`, which the session points at the host-call adapter (the
/// interpreter's call path). Uses only x16/x17 and the incoming x0
/// (vmctx), like an import call, so the arguments stay in place.
fn fallback_stub(func_index: u32) -> Result<Piece, Error> {
    let stub_error = || unsupported("fallback stub");
    let ldr = |rt: Gpr, rn: Gpr, offset: u32| -> Result<Inst, Error> {
        Ok(Inst::Load {
            op: LoadOp::LdrX,
            rt: rt.into(),
            addr: AddrMode::Scaled {
                rn: rn.into(),
                index: ScaledIndex::from_byte_offset(i64::from(offset), 8)
                    .ok_or_else(stub_error)?,
            },
        })
    };
    let mut insts = vec![ldr(Gpr::X16, Gpr::X0, vmctx::FUNCS)?];
    let entry = u64::from(func_index) * u64::from(func_ref::SIZE);
    insts.extend(load_constant(Gpr::X17, entry, OperandSize::Size64));
    insts.push(Inst::AddSubShifted {
        op: AddSubOp::Add,
        set_flags: false,
        size: OperandSize::Size64,
        rd: Gpr::X16.into(),
        rn: Gpr::X16.into(),
        rm: Gpr::X17.into(),
        shift: ArithShift::Lsl,
        amount: 0,
    });
    insts.push(ldr(Gpr::X17, Gpr::X16, func_ref::CODE)?);
    insts.push(ldr(Gpr::X0, Gpr::X16, func_ref::VMCTX)?);
    insts.push(Inst::Br { rn: Gpr::X17 });
    let bytes = insts
        .iter()
        .flat_map(|inst| inst.encode().to_le_bytes())
        .collect();
    Ok(Piece {
        func_index,
        bytes,
        relocations: Vec::new(),
        traps: Vec::new(),
        call_sites: Vec::new(),
        compiled: false,
    })
}

/// One function's code before linking: compiled, or a fallback stub.
struct Piece {
    func_index: u32,
    bytes: Vec<u8>,
    relocations: Vec<lower::Relocation>,
    traps: Vec<TrapSite>,
    call_sites: Vec<CallSite>,
    compiled: bool,
}

impl From<CompiledCode> for Piece {
    fn from(code: CompiledCode) -> Piece {
        Piece {
            func_index: code.func_index,
            bytes: code.bytes,
            relocations: code.relocations,
            traps: code.traps,
            call_sites: code.call_sites,
            compiled: true,
        }
    }
}
