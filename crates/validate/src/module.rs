//! Module-level validation: one pass that validates the module structure and
//! decodes it, collecting the function bodies for later validation.

use crate::error::ValidateError;
use crate::features::Features;
use crate::function::FunctionValidator;
use wasmparser::{FuncToValidate, Parser, ValidPayload, Validator, ValidatorResources};
use zwasm_decode::{Module, ModuleBuilder};

/// A module whose structure (everything but function bodies) is valid.
#[derive(Debug)]
pub struct ValidatedModule {
    /// The decoded module.
    pub module: Module,
    /// What is needed to validate each defined function's body, in order; see
    /// [`FunctionValidator::validate`].
    pub functions: Vec<FuncToValidate<ValidatorResources>>,
}

/// Validates and decodes everything but the function bodies of `bytes`.
pub fn validate_module(
    bytes: &[u8],
    features: &Features,
) -> Result<ValidatedModule, ValidateError> {
    features.check_supported()?;
    let wasm_features = features.to_wasmparser();
    let mut validator = Validator::new_with_features(wasm_features);
    // Parsing with the same features matters: later proposals reinterpret some
    // bytes (e.g. memarg flags with multi-memory).
    let mut parser = Parser::new(0);
    parser.set_features(wasm_features);
    let mut builder = ModuleBuilder::new(bytes);
    let mut functions = Vec::new();
    for payload in parser.parse_all(bytes) {
        let payload = payload.map_err(|e| ValidateError::from_wasmparser(&e, None))?;
        match validator
            .payload(&payload)
            .map_err(|e| ValidateError::from_wasmparser(&e, None))?
        {
            ValidPayload::Func(func, _) => functions.push(func),
            ValidPayload::Parser(_) => {
                return Err(ValidateError::Unsupported {
                    feature: "component-model",
                    func: None,
                    offset: 0,
                });
            }
            ValidPayload::Ok | ValidPayload::End(_) => {}
        }
        builder.payload(&payload)?;
    }
    Ok(ValidatedModule {
        module: builder.finish(),
        functions,
    })
}

/// Validates the whole module, including every function body.
pub fn validate_all(bytes: &[u8], features: &Features) -> Result<Module, ValidateError> {
    let ValidatedModule { module, functions } = validate_module(bytes, features)?;
    let mut validator = FunctionValidator::new();
    for func in functions {
        let index = func.index;
        validator.validate(bytes, &module, index, func, &mut ())?;
    }
    Ok(module)
}
