//! Per-module storage of fast-tier code, translated on first call.
//!
//! `Module::new` validates every body. When a function first runs, the
//! plain interpreter translates its body straight into bytecode (reading it
//! again, not validating it again: `compile::translate_direct`); the tiered
//! engine builds the register IR from it by validating that one body again
//! into `RegBuilder`, then lowers that. The result lives in the module,
//! shared by every instance and store.

use std::sync::{Mutex, OnceLock, PoisonError};

use wasmparser::{FuncToValidate, ValidatorResources, WasmFeatures};
use zwasm_decode::Module;
use zwasm_ir_reg::{RegBuilder, RegFunction, passes};

use super::code::FastFunc;
use super::compile::{CompileError, DirectScratch, lower, translate_direct};

/// What re-validating a body needs: the validator's view of the module and
/// each defined function's type index in it.
pub(crate) struct Revalidation {
    pub resources: ValidatorResources,
    pub features: WasmFeatures,
    pub types: Box<[u32]>,
}

pub(crate) struct LazyCode {
    funcs: Box<[OnceLock<Result<FastFunc, CompileError>>]>,
    revalidation: Option<Revalidation>,
    /// Reused between translations; a thread that finds it taken builds
    /// with a fresh one.
    builder: Mutex<RegBuilder>,
    /// Reused by direct translation (the interpreter's path).
    direct: Mutex<DirectScratch>,
    /// Translate straight from wasm where possible.
    translate_direct: bool,
    /// TIERING (issue 5): translate for the tiered engine (loop headers
    /// count iterations).
    count_loops: bool,
}

impl LazyCode {
    pub fn new(
        defined: usize,
        revalidation: Option<Revalidation>,
        count_loops: bool,
        translate_direct: bool,
    ) -> LazyCode {
        LazyCode {
            funcs: (0..defined).map(|_| OnceLock::new()).collect(),
            revalidation,
            builder: Mutex::new(RegBuilder::new()),
            direct: Mutex::new(DirectScratch::default()),
            translate_direct,
            count_loops,
        }
    }

    /// What re-validating a body needs (`None` for a module without
    /// defined functions).
    pub fn revalidation(&self) -> Option<&Revalidation> {
        self.revalidation.as_ref()
    }

    /// The translation of defined function `defined`, if it was made.
    #[inline(always)]
    pub fn get(&self, defined: u32) -> Option<&FastFunc> {
        self.funcs.get(defined as usize)?.get()?.as_ref().ok()
    }

    /// The translation of defined function `defined`, made now if needed.
    #[inline(always)]
    pub fn get_or_compile(
        &self,
        bytes: &[u8],
        module: &Module,
        defined: u32,
    ) -> Result<&FastFunc, &CompileError> {
        let Some(cell) = self.funcs.get(defined as usize) else {
            return Err(&OUT_OF_RANGE);
        };
        if let Some(result) = cell.get() {
            return result.as_ref();
        }
        self.compile_into(cell, bytes, module, defined)
    }

    #[cold]
    #[inline(never)]
    fn compile_into<'a>(
        &'a self,
        cell: &'a OnceLock<Result<FastFunc, CompileError>>,
        bytes: &[u8],
        module: &Module,
        defined: u32,
    ) -> Result<&'a FastFunc, &'a CompileError> {
        let result = match self.builder.try_lock() {
            Ok(mut builder) => self.compile(&mut builder, bytes, module, defined),
            Err(std::sync::TryLockError::Poisoned(poisoned)) => {
                self.compile(&mut poisoned.into_inner(), bytes, module, defined)
            }
            Err(std::sync::TryLockError::WouldBlock) => {
                self.compile(&mut RegBuilder::new(), bytes, module, defined)
            }
        };
        // Another thread may have won the race; its result is as good.
        let _ = cell.set(result);
        match cell.get() {
            Some(result) => result.as_ref(),
            None => Err(&OUT_OF_RANGE),
        }
    }

    fn compile(
        &self,
        builder: &mut RegBuilder,
        bytes: &[u8],
        module: &Module,
        defined: u32,
    ) -> Result<FastFunc, CompileError> {
        // The plain interpreter translates straight from wasm; the tiered
        // engine's code must match the ir-reg its on-stack entries are built
        // from, and a few functions are left to the ir-reg path.
        if self.translate_direct
            && let Some(fast) = self.translate_directly(bytes, module, defined)?
        {
            return Ok(fast);
        }
        let reg = self.build_reg(builder, bytes, module, defined)?;
        lower(&reg, module, self.count_loops)
    }

    /// The direct translation of defined function `defined` (straight from
    /// its already validated wasm), or `None` where it leaves the function to
    /// the ir-reg path.
    pub fn translate_directly(
        &self,
        bytes: &[u8],
        module: &Module,
        defined: u32,
    ) -> Result<Option<FastFunc>, CompileError> {
        let func_index = module.func_imports + defined;
        let features = self
            .revalidation
            .as_ref()
            .map(|revalidation| revalidation.features)
            .ok_or_else(|| CompileError::Internal {
                func: func_index,
                message: "module kept no validation state".into(),
            })?;
        match self.direct.try_lock() {
            Ok(mut direct) => translate_direct(&mut direct, bytes, module, func_index, features),
            Err(_) => translate_direct(
                &mut DirectScratch::default(),
                bytes,
                module,
                func_index,
                features,
            ),
        }
    }

    /// What validating the body of defined function `defined` needs.
    fn to_validate(
        &self,
        module: &Module,
        defined: u32,
    ) -> Result<FuncToValidate<ValidatorResources>, CompileError> {
        let func_index = module.func_imports + defined;
        let internal = |message: &str| CompileError::Internal {
            func: func_index,
            message: message.to_string(),
        };
        let revalidation = self
            .revalidation
            .as_ref()
            .ok_or_else(|| internal("module kept no validation state"))?;
        let ty = *revalidation
            .types
            .get(defined as usize)
            .ok_or_else(|| internal("function index out of range"))?;
        Ok(FuncToValidate {
            resources: revalidation.resources.clone(),
            index: func_index,
            ty,
            features: revalidation.features,
        })
    }

    /// The optimised ir-reg of defined function `defined`, as its fast-tier
    /// translation was made from (TIERING: on-stack entry builds its
    /// variant from the same values and blocks).
    pub fn optimised_reg(
        &self,
        bytes: &[u8],
        module: &Module,
        defined: u32,
    ) -> Result<RegFunction, CompileError> {
        self.build_reg(&mut RegBuilder::new(), bytes, module, defined)
    }

    fn build_reg(
        &self,
        builder: &mut RegBuilder,
        bytes: &[u8],
        module: &Module,
        defined: u32,
    ) -> Result<RegFunction, CompileError> {
        let func_index = module.func_imports + defined;
        let to_validate = self.to_validate(module, defined)?;
        let mut reg = builder
            .build(bytes, module, func_index, to_validate)
            .map_err(CompileError::Validate)?;
        passes::run_default(&mut reg);
        Ok(reg)
    }

    /// Translates every function not translated yet; the first failure is
    /// returned (the others are still cached).
    pub fn compile_all(&self, bytes: &[u8], module: &Module) -> Result<(), CompileError> {
        let mut builder = self.builder.lock().unwrap_or_else(PoisonError::into_inner);
        let mut first_error = None;
        for (defined, cell) in self.funcs.iter().enumerate() {
            if cell.get().is_some() {
                continue;
            }
            let result = self.compile(&mut builder, bytes, module, defined as u32);
            if let Err(error) = &result {
                first_error.get_or_insert_with(|| error.clone());
            }
            let _ = cell.set(result);
        }
        first_error.map_or(Ok(()), Err)
    }
}

static OUT_OF_RANGE: CompileError = CompileError::Internal {
    func: u32::MAX,
    message: String::new(),
};

impl std::fmt::Debug for LazyCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let translated = self
            .funcs
            .iter()
            .filter(|cell| cell.get().is_some())
            .count();
        f.debug_struct("LazyCode")
            .field("functions", &self.funcs.len())
            .field("translated", &translated)
            .finish_non_exhaustive()
    }
}
