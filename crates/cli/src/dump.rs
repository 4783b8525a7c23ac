//! `zwasm dump`: print a compiler stage's intermediate code.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::anyhow;
use zwasm_codegen_aarch64::lower::{BoundsChecks, LowerOptions, disasm};
use zwasm_decode::{ExternKind, Module};
use zwasm_validate::Features;

use crate::failure::CliFailure;
use crate::input::read_module_binary;

/// Prints the ir-stack code of every defined function, or of the one `func`
/// names (an index, a name-section name or an export name).
pub(crate) fn dump_stack(file: &Path, func: Option<&str>) -> Result<ExitCode, CliFailure> {
    let bytes = read_module_binary(file)?;
    let (module, functions) = zwasm_ir_stack::compile(&bytes, &Features::default())
        .map_err(|err| invalid_module(file, err))?;
    let functions = select_functions(&module, functions, func, |f| f.func_index)?;
    emit(&zwasm_ir_stack::display_module(&module, &functions).to_string())
}

/// Prints the SSA register IR, after the default passes unless `no_opt`.
pub(crate) fn dump_reg(
    file: &Path,
    func: Option<&str>,
    no_opt: bool,
) -> Result<ExitCode, CliFailure> {
    let (module, functions) = compile_reg(file, func, no_opt)?;
    emit(&zwasm_ir_reg::display_module(&module, &functions).to_string())
}

/// Prints the register IR with regalloc2's allocation for AArch64: physical
/// registers per operand and the moves, spills and reloads it inserted.
/// `timings` adds regalloc2's time per function on stderr.
pub(crate) fn dump_alloc(
    file: &Path,
    func: Option<&str>,
    algorithm: &str,
    timings: bool,
) -> Result<ExitCode, CliFailure> {
    let algorithm: zwasm_regalloc::Algorithm = algorithm
        .parse()
        .map_err(|err: String| CliFailure::Usage(format!("--regalloc: {err}")))?;
    let (module, functions) = compile_reg(file, func, false)?;
    let target = zwasm_regalloc::TargetDesc::aarch64();
    let allocations = zwasm_regalloc::Allocator::new()
        .allocate_all(&functions, &module, &target, algorithm)
        .map_err(|err| anyhow!("register allocation failed: {err}"))?;
    let code =
        emit(&zwasm_regalloc::display_module(&module, &functions, &allocations).to_string())?;
    if timings {
        eprint!("{}", zwasm_regalloc::display_stats(&module, &allocations));
    }
    Ok(code)
}

/// `--bounds-checks`: how the `asm` stage keeps memory accesses in bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum BoundsCheckMode {
    /// Compare every access with the memory's length.
    Explicit,
    /// 32-bit memories: rely on a 4 GiB reservation plus a guard region
    /// (of [`GUARD_BYTES`]); accesses whose offset fits are not checked.
    Guard,
}

/// The guard region `--bounds-checks guard` assumes after the 4 GiB
/// reservation (the size the lowering's spec tests use).
const GUARD_BYTES: u64 = 2 << 30;

/// Code generation choices of the `asm` stage.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AsmOptions {
    pub bounds_checks: BoundsCheckMode,
    pub canonicalize_nans: bool,
}

/// Prints the AArch64 code of each function, allocated with `algorithm`
/// and disassembled, each range under the register-IR instruction (or
/// prologue, move, trap stub) it came from. Only encodes, never runs, so it
/// works on any host.
pub(crate) fn dump_asm(
    file: &Path,
    func: Option<&str>,
    no_opt: bool,
    algorithm: &str,
    options: AsmOptions,
) -> Result<ExitCode, CliFailure> {
    let algorithm: zwasm_regalloc::Algorithm = algorithm
        .parse()
        .map_err(|err: String| CliFailure::Usage(format!("--regalloc: {err}")))?;
    let (module, functions) = compile_reg(file, func, no_opt)?;
    let lower_options = LowerOptions {
        bounds_checks: match options.bounds_checks {
            BoundsCheckMode::Explicit => BoundsChecks::Explicit,
            BoundsCheckMode::Guard => BoundsChecks::GuardPages {
                guard_bytes: GUARD_BYTES,
            },
        },
        canonicalize_nans: options.canonicalize_nans,
    };
    let text = disasm::display_module(&module, &functions, algorithm, &lower_options)
        .map_err(|err| anyhow!("cannot compile `{}` to AArch64: {err}", file.display()))?;
    emit(&text)
}

/// `--engine` of the `fast` stage: which engine's translation to print.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum FastEngine {
    /// The fast interpreter alone.
    Interp,
    /// The tiered engine: on AArch64 its bytecode counts loop iterations
    /// (`loop_header` ops); elsewhere it is the fast interpreter.
    Auto,
}

impl FastEngine {
    fn kind(self) -> zwasm::EngineKind {
        match self {
            FastEngine::Interp => zwasm::EngineKind::Interp,
            FastEngine::Auto => zwasm::EngineKind::Auto,
        }
    }
}

/// Prints the fast interpreter's bytecode of every defined function, or of
/// the one `func` names, as `engine` translates it.
pub(crate) fn dump_fast(
    file: &Path,
    func: Option<&str>,
    engine: FastEngine,
) -> Result<ExitCode, CliFailure> {
    let bytes = read_module_binary(file)?;
    let mut config = zwasm::Config::new();
    config.engine(engine.kind());
    let engine = zwasm::Engine::new(&config).map_err(|err| anyhow!("{err}"))?;
    let module =
        zwasm::Module::from_binary(&engine, &bytes).map_err(|err| invalid_module(file, err))?;
    let description = module.description();
    let first = description.func_imports;
    let defined = first..first + description.bodies.len() as u32;
    let indices: Vec<u32> = match func {
        Some(selector) => {
            let index = select_function_index(description, selector)?;
            if !defined.contains(&index) {
                return Err(anyhow!(
                    "no function {index}: the module has {} functions",
                    description.functions.len()
                )
                .into());
            }
            vec![index]
        }
        None => defined.collect(),
    };
    let mut text = String::new();
    for (at, index) in indices.into_iter().enumerate() {
        if at > 0 {
            text.push('\n');
        }
        text.push_str(
            &module
                .fast_code_text(index)
                .map_err(|err| anyhow!("{err}"))?,
        );
    }
    emit(&text)
}

/// Writes a dump to stdout. A reader that stops early (`| head`) is no
/// error: the dump just ends there.
fn emit(text: &str) -> Result<ExitCode, CliFailure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(err) => Err(anyhow!("cannot write the dump to stdout: {err}").into()),
    }
}

fn compile_reg(
    file: &Path,
    func: Option<&str>,
    no_opt: bool,
) -> Result<(Module, Vec<zwasm_ir_reg::RegFunction>), CliFailure> {
    let bytes = read_module_binary(file)?;
    let (module, functions) = zwasm_ir_reg::compile_module(&bytes, &Features::default())
        .map_err(|err| invalid_module(file, err))?;
    let mut functions = select_functions(&module, functions, func, |f| f.func_index())?;
    if !no_opt {
        for function in &mut functions {
            zwasm_ir_reg::passes::run_default(function);
        }
    }
    Ok((module, functions))
}

fn invalid_module(file: &Path, err: impl std::fmt::Display) -> CliFailure {
    CliFailure::Error(anyhow!("invalid module `{}`: {err}", file.display()))
}

/// All functions, or just the one `selector` names.
fn select_functions<F>(
    module: &Module,
    mut functions: Vec<F>,
    selector: Option<&str>,
    func_index: impl Fn(&F) -> u32,
) -> anyhow::Result<Vec<F>> {
    let Some(selector) = selector else {
        return Ok(functions);
    };
    let index = select_function_index(module, selector)?;
    let at = functions
        .iter()
        .position(|function| func_index(function) == index)
        .ok_or_else(|| {
            anyhow!(
                "no function {index}: the module has {} functions",
                module.functions.len()
            )
        })?;
    Ok(vec![functions.swap_remove(at)])
}

fn select_function_index(module: &Module, selector: &str) -> anyhow::Result<u32> {
    let index = match selector.parse::<u32>() {
        Ok(index) => index,
        Err(_) => find_by_name(module, selector)
            .ok_or_else(|| anyhow!("no function named `{selector}` (name section or export)"))?,
    };
    if index < module.func_imports && (index as usize) < module.functions.len() {
        return Err(anyhow!("function {index} is imported; it has no code"));
    }
    Ok(index)
}

fn find_by_name(module: &Module, name: &str) -> Option<u32> {
    let plain = name.strip_prefix('$').unwrap_or(name);
    module
        .names
        .functions
        .iter()
        .find(|(_, candidate)| candidate == plain)
        .map(|(index, _)| *index)
        .or_else(|| {
            module
                .exports
                .iter()
                .find(|export| export.kind == ExternKind::Func && export.name == name)
                .map(|export| export.index)
        })
}
