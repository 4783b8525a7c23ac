//! Building ir-reg from a function body in the same pass as its validation.

mod control;
mod defs;
mod lower;
mod ssa;
mod translate;

use wasmparser::{FuncToValidate, ValidatorResources};
use zwasm_decode::Module;
use zwasm_validate::{Features, FunctionValidator, ValidateError, validate_module};

use crate::RegFunction;
use crate::passes::compact::rebuild;
use translate::{FunctionTranslator, Scratch};

pub use lower::{NotLowered, lower as straight_line_opcode};

/// Validates function bodies and builds their ir-reg form, reusing its
/// buffers (and the validator's) from one function to the next.
#[derive(Debug, Default)]
pub struct RegBuilder {
    validator: FunctionValidator,
    scratch: Scratch,
}

impl RegBuilder {
    /// A builder with empty buffers.
    pub fn new() -> Self {
        RegBuilder::default()
    }

    /// Validates the body of function `func_index` of `module` (decoded from
    /// `bytes`) and builds its SSA CFG. `func` is the matching entry of
    /// [`zwasm_validate::ValidatedModule::functions`]. The result is
    /// compacted (values and blocks numbered in layout order) but not
    /// optimised; see [`crate::passes::run_default`].
    pub fn build(
        &mut self,
        bytes: &[u8],
        module: &Module,
        func_index: u32,
        func: FuncToValidate<ValidatorResources>,
    ) -> Result<RegFunction, ValidateError> {
        let body_start = module.body(func_index).map_or(0, |body| body.range.start);
        let invalid = |message: String| ValidateError::Invalid {
            func: Some(func_index),
            offset: body_start,
            message,
        };
        let type_index = *module
            .functions
            .get(func_index as usize)
            .ok_or_else(|| invalid("function index out of range".into()))?;
        let ty = module
            .types
            .get(type_index as usize)
            .ok_or_else(|| invalid("function type index out of range".into()))?;
        let mut translator =
            FunctionTranslator::new(module, &mut self.scratch, func_index, type_index, ty)
                .map_err(invalid)?;
        self.validator
            .validate(bytes, module, func_index, func, &mut translator)?;
        if !translator.finished {
            return Err(invalid("function body has no final `end`".into()));
        }
        let scratch = &mut self.scratch;
        // Trivial parameters removed during construction may still be named
        // by operands: replace them by what they stand for.
        let ssa = &scratch.ssa;
        for value in scratch.func.pool.iter_mut() {
            *value = ssa.resolve(*value);
        }
        let function = rebuild(&scratch.func, &scratch.layout, &[]);
        #[cfg(debug_assertions)]
        if let Err(error) = crate::verify(&function, module) {
            panic!(
                "ir-reg builder bug in function {func_index}: {error}\n{}",
                function.display(module)
            );
        }
        Ok(function)
    }
}

/// Validates and builds one function with a fresh [`RegBuilder`]; prefer
/// reusing a builder for many functions.
pub fn build(
    bytes: &[u8],
    module: &Module,
    func_index: u32,
    func: FuncToValidate<ValidatorResources>,
) -> Result<RegFunction, ValidateError> {
    RegBuilder::new().build(bytes, module, func_index, func)
}

/// Validates `bytes` with `features` and builds every defined function, in
/// order. The functions are not optimised yet.
pub fn compile_module(
    bytes: &[u8],
    features: &Features,
) -> Result<(Module, Vec<RegFunction>), ValidateError> {
    let validated = validate_module(bytes, features)?;
    let module = validated.module;
    let mut builder = RegBuilder::new();
    let mut functions = Vec::with_capacity(validated.functions.len());
    for func in validated.functions {
        let func_index = func.index;
        functions.push(builder.build(bytes, &module, func_index, func)?);
    }
    Ok((module, functions))
}
