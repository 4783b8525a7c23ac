//! Validation and translation of function bodies in one pass.

mod builder;
mod control;
mod lower;

use wasmparser::{FuncToValidate, ValidatorResources};
use zwasm_decode::Module;
use zwasm_validate::{Features, FunctionValidator, ValidateError, validate_module};

use crate::Function;
use builder::{FunctionBuilder, Scratch};

/// Validates and translates function bodies, reusing its buffers from one
/// function to the next.
#[derive(Debug, Default)]
pub struct Translator {
    validator: FunctionValidator,
    scratch: Scratch,
}

impl Translator {
    /// A translator with empty buffers.
    pub fn new() -> Self {
        Translator::default()
    }

    /// Validates the body of function `func_index` of `module` (decoded from
    /// `bytes`) and translates it. `func` is the matching entry of
    /// [`zwasm_validate::ValidatedModule::functions`].
    pub fn translate(
        &mut self,
        bytes: &[u8],
        module: &Module,
        func_index: u32,
        func: FuncToValidate<ValidatorResources>,
    ) -> Result<Function, ValidateError> {
        let body_start = module.body(func_index).map_or(0, |body| body.range.start);
        let invalid = |message: &str| ValidateError::Invalid {
            func: Some(func_index),
            offset: body_start,
            message: message.to_string(),
        };
        let type_index = *module
            .functions
            .get(func_index as usize)
            .ok_or_else(|| invalid("function index out of range"))?;
        let ty = module
            .types
            .get(type_index as usize)
            .ok_or_else(|| invalid("function type index out of range"))?;
        let result_count = ty.results.len() as u32;
        let mut builder = FunctionBuilder::new(module, &mut self.scratch, &ty.params, result_count);
        self.validator
            .validate(bytes, module, func_index, func, &mut builder)?;
        if !builder.finished {
            return Err(invalid("function body has no final `end`"));
        }
        let max_stack_height = builder.max_height;
        let scratch = &self.scratch;
        let function = Function {
            func_index,
            type_index,
            param_count: ty.params.len() as u32,
            result_count,
            local_count: scratch.local_types.len() as u32,
            local_types: scratch.local_types.clone(),
            max_stack_height,
            code: scratch.code.clone(),
            br_tables: scratch.br_tables.clone(),
            offsets: scratch.offsets.clone(),
        };
        #[cfg(debug_assertions)]
        if let Err(error) = crate::verify(&function, module) {
            panic!(
                "translator bug in function {func_index}: {error}\n{}",
                function.display(module)
            );
        }
        Ok(function)
    }
}

/// Validates `bytes` with `features` and translates every defined function.
pub fn compile(
    bytes: &[u8],
    features: &Features,
) -> Result<(Module, Vec<Function>), ValidateError> {
    let validated = validate_module(bytes, features)?;
    let module = validated.module;
    let mut translator = Translator::new();
    let mut functions = Vec::with_capacity(validated.functions.len());
    for func in validated.functions {
        let func_index = func.index;
        functions.push(translator.translate(bytes, &module, func_index, func)?);
    }
    Ok((module, functions))
}
