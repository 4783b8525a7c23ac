//! The translated form of one function body.

use zwasm_decode::ValType;

use crate::{BranchTarget, Op};

/// One function body in ir-stack form, ready for the interpreter.
///
/// A frame holds `local_count` local slots (parameters first) followed by at
/// most `max_stack_height` operand-stack slots.
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    /// Index of the function in the module's function index space.
    pub func_index: u32,
    /// Index of the function's signature in `Module::types`.
    pub type_index: u32,
    /// Number of parameters (the first locals).
    pub param_count: u32,
    /// Number of results `Return` hands back.
    pub result_count: u32,
    /// Parameters plus declared locals.
    pub local_count: u32,
    /// The type of every local, parameters included (`local_count` entries).
    pub local_types: Vec<ValType>,
    /// Maximum number of operand-stack slots in use above the locals.
    pub max_stack_height: u32,
    /// The instructions; execution starts at index 0.
    pub code: Vec<Op>,
    /// Targets referenced by the `BrTable` ops through their `BrTableRef`.
    pub br_tables: Vec<BranchTarget>,
    /// Module byte offset of the wasm operator each op came from, parallel to `code`.
    pub offsets: Vec<u32>,
}

impl Function {
    /// Number of slots a frame of this function needs: locals plus operand stack.
    pub fn frame_size(&self) -> u64 {
        u64::from(self.local_count) + u64::from(self.max_stack_height)
    }
}
