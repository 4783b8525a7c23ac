//! Function-body validation, feeding each validated operator to a consumer
//! (the IR translator) so bodies are read only once.

use crate::error::ValidateError;
use wasmparser::{
    BinaryReader, FuncToValidate, FuncValidator, FuncValidatorAllocations, FunctionBody, Operator,
    OperatorsReader, OperatorsReaderAllocations, ValidatorResources,
};
use zwasm_decode::{Module, ValType};

/// Receives a function body as it is validated.
pub trait OperatorSink {
    /// Whether [`OperatorSink::operator`] needs to see the operators. A sink
    /// that ignores them (plain validation) lets the validator visit each
    /// operator straight from the bytes instead of decoding it into an
    /// [`Operator`] first.
    const SEES_OPERATORS: bool = true;

    /// `count` locals of type `ty` are declared (after the parameters), in
    /// declaration order.
    fn locals(&mut self, count: u32, ty: ValType);

    /// `op` at byte `offset` has been validated; `validator` shows the state
    /// after it (operand and control stack heights, frames). Called for every
    /// operator including the final `end`. An error (e.g. an implementation
    /// limit) rejects the function as [`ValidateError::Invalid`].
    fn operator(
        &mut self,
        op: &Operator<'_>,
        offset: usize,
        validator: &FuncValidator<ValidatorResources>,
    ) -> Result<(), String>;
}

/// Plain validation: ignores everything.
impl OperatorSink for () {
    const SEES_OPERATORS: bool = false;

    fn locals(&mut self, _count: u32, _ty: ValType) {}

    fn operator(
        &mut self,
        _op: &Operator<'_>,
        _offset: usize,
        _validator: &FuncValidator<ValidatorResources>,
    ) -> Result<(), String> {
        Ok(())
    }
}

/// Validates function bodies one after another, reusing its allocations.
#[derive(Default)]
pub struct FunctionValidator {
    validator_allocations: Option<FuncValidatorAllocations>,
    reader_allocations: Option<OperatorsReaderAllocations>,
}

impl std::fmt::Debug for FunctionValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FunctionValidator").finish_non_exhaustive()
    }
}

impl FunctionValidator {
    /// A validator with no allocations yet.
    pub fn new() -> Self {
        FunctionValidator::default()
    }

    /// Validates the body of function `func_index` (in the function index space)
    /// of `module`, which was decoded from `bytes`, passing locals and every
    /// validated operator to `sink`. `func` is the matching entry of
    /// [`crate::ValidatedModule::functions`].
    pub fn validate(
        &mut self,
        bytes: &[u8],
        module: &Module,
        func_index: u32,
        func: FuncToValidate<ValidatorResources>,
        sink: &mut impl OperatorSink,
    ) -> Result<(), ValidateError> {
        let invalid = |offset: usize, message: &str| ValidateError::Invalid {
            func: Some(func_index),
            offset,
            message: message.to_string(),
        };
        let range = module
            .body(func_index)
            .ok_or_else(|| invalid(bytes.len(), "function has no body"))?
            .range
            .clone();
        let body_bytes = bytes
            .get(range.clone())
            .ok_or_else(|| invalid(bytes.len(), "function body out of bounds"))?;
        let features = func.features;
        let mut validator =
            func.into_validator(self.validator_allocations.take().unwrap_or_default());
        let reader = BinaryReader::new_features(body_bytes, range.start as u64, features);
        let mut reader_allocations = self.reader_allocations.take().unwrap_or_default();
        let result = validate_body(
            FunctionBody::new(reader),
            &mut validator,
            &mut reader_allocations,
            sink,
        )
        .map_err(|error| match error {
            BodyError::Wasm(error) => ValidateError::from_wasmparser(&error, Some(func_index)),
            BodyError::Sink { offset, message } => invalid(offset, &message),
        });
        self.validator_allocations = Some(validator.into_allocations());
        self.reader_allocations = Some(reader_allocations);
        result
    }
}

enum BodyError {
    Wasm(wasmparser::BinaryReaderError),
    Sink { offset: usize, message: String },
}

impl From<wasmparser::BinaryReaderError> for BodyError {
    fn from(error: wasmparser::BinaryReaderError) -> Self {
        BodyError::Wasm(error)
    }
}

fn validate_body<S: OperatorSink>(
    body: FunctionBody<'_>,
    validator: &mut FuncValidator<ValidatorResources>,
    reader_allocations: &mut OperatorsReaderAllocations,
    sink: &mut S,
) -> Result<(), BodyError> {
    let mut locals = body.get_locals_reader()?;
    for _ in 0..locals.get_count() {
        let offset = locals.original_position();
        let (count, ty) = locals.read()?;
        validator.define_locals(offset, count, ty)?;
        let offset = offset as usize;
        let ty = ValType::from_wasmparser(ty, offset).map_err(|error| BodyError::Sink {
            offset,
            message: error.message,
        })?;
        sink.locals(count, ty);
    }
    if !S::SEES_OPERATORS {
        return validate_plain(locals.get_binary_reader(), validator);
    }
    let mut operators = OperatorsReader::new_with_allocs(
        locals.get_binary_reader(),
        std::mem::take(reader_allocations),
    );
    let result = validate_operators(&mut operators, validator, sink);
    *reader_allocations = operators.into_allocations();
    result
}

/// Validates the operators without decoding them into [`Operator`]s: the
/// reader hands each one's immediates to the validator (which also keeps
/// the control frames the reader checks the body's structure against).
fn validate_plain(
    mut reader: BinaryReader<'_>,
    validator: &mut FuncValidator<ValidatorResources>,
) -> Result<(), BodyError> {
    while !reader.eof() {
        let offset = reader.original_position();
        reader.visit_operator(&mut validator.visitor(offset))??;
    }
    reader.finish_expression(&validator.visitor(reader.original_position()))?;
    Ok(())
}

fn validate_operators(
    operators: &mut OperatorsReader<'_>,
    validator: &mut FuncValidator<ValidatorResources>,
    sink: &mut impl OperatorSink,
) -> Result<(), BodyError> {
    while !operators.eof() {
        let offset = operators.original_position();
        let op = operators.read()?;
        validator.op(offset, &op)?;
        let offset = offset as usize;
        sink.operator(&op, offset, validator)
            .map_err(|message| BodyError::Sink { offset, message })?;
    }
    operators.finish()?;
    Ok(())
}
