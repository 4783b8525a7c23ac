//! The builder's control stack: one frame per open block, loop, if or the
//! function body.

use wasmparser::BlockType;
use zwasm_decode::{Module, ValType};

use crate::entities::Block;

/// Which construct opened a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum FrameKind {
    /// The function body; its label is the function's return.
    Function,
    Block,
    Loop,
    If,
    Else,
}

/// A block type with the single-result form already converted.
#[derive(Clone, Copy, Debug)]
pub(super) enum FrameType {
    Empty,
    Single(ValType),
    /// Index into `Module::types`.
    Func(u32),
}

impl FrameType {
    pub fn from_block_type(block_type: BlockType, offset: usize) -> Result<Self, String> {
        Ok(match block_type {
            BlockType::Empty => FrameType::Empty,
            BlockType::Type(ty) => FrameType::Single(
                ValType::from_wasmparser(ty, offset).map_err(|error| error.message)?,
            ),
            BlockType::FuncType(index) => FrameType::Func(index),
        })
    }

    pub fn params<'a>(&'a self, module: &'a Module) -> Result<&'a [ValType], String> {
        match self {
            FrameType::Empty | FrameType::Single(_) => Ok(&[]),
            FrameType::Func(index) => Ok(&func_type(module, *index)?.params),
        }
    }

    pub fn results<'a>(&'a self, module: &'a Module) -> Result<&'a [ValType], String> {
        match self {
            FrameType::Empty => Ok(&[]),
            FrameType::Single(ty) => Ok(std::slice::from_ref(ty)),
            FrameType::Func(index) => Ok(&func_type(module, *index)?.results),
        }
    }
}

fn func_type(module: &Module, index: u32) -> Result<&zwasm_decode::FuncType, String> {
    module
        .types
        .get(index as usize)
        .ok_or_else(|| format!("block type {index} is not a function type of the module"))
}

/// One open construct.
#[derive(Clone, Copy, Debug)]
pub(super) struct Frame {
    pub kind: FrameKind,
    pub ty: FrameType,
    /// Operand-stack height below the frame's parameters.
    pub base: usize,
    /// Where branches to the frame's label go: the header of a loop, else
    /// the block after the frame's `end` (for the function: the block that
    /// returns), created by the first branch that needs it.
    pub label: Option<Block>,
    /// For an `if` entered in live code and without `else` so far: the edge (pool index) of its
    /// conditional branch that is taken when the condition is false, still
    /// waiting for its target, and the block it leaves.
    pub false_edge: Option<(Block, u32)>,
    /// Start in the builder's saved-values buffer of the `if` parameters,
    /// which the `else` arm starts with again.
    pub saved_start: usize,
}

impl Frame {
    /// The types a branch to this frame's label carries.
    pub fn label_types<'a>(&'a self, module: &'a Module) -> Result<&'a [ValType], String> {
        if self.kind == FrameKind::Loop {
            self.ty.params(module)
        } else {
            self.ty.results(module)
        }
    }
}
