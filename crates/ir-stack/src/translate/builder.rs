//! The operator sink that turns one validated function body into ir-stack code.
//!
//! The validator calls [`FunctionBuilder::operator`] after each operator has
//! validated, so the validator's post-operator state (stack height, innermost
//! frame) is trustworthy here whenever the code is reachable.

use wasmparser::{BlockType, BrTable, FuncValidator, Operator, ValidatorResources};
use zwasm_decode::{Module, ValType};
use zwasm_validate::OperatorSink;

use super::control::{ControlFrame, FixupSite, Fixups, FrameKind, NONE, patch_op};
use super::lower::{NotLowered, lower};
use crate::{BrTableRef, BranchTarget, Op};

/// wasmparser's own limit; checked again here so that a sink called before the
/// validator's check never allocates an absurd local vector.
const MAX_LOCALS: u64 = 50_000;

/// Buffers reused from one function to the next.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    pub code: Vec<Op>,
    pub offsets: Vec<u32>,
    pub br_tables: Vec<BranchTarget>,
    pub local_types: Vec<ValType>,
    frames: Vec<ControlFrame>,
    fixups: Fixups,
}

/// Translation state of the function being translated.
#[derive(Debug)]
pub(super) struct FunctionBuilder<'a> {
    module: &'a Module,
    scratch: &'a mut Scratch,
    /// Whether the next operator can execute; ops are only emitted when it can.
    live: bool,
    pub max_height: u32,
    too_many_locals: bool,
    /// Set once the body's final `end` has been seen.
    pub finished: bool,
}

impl<'a> FunctionBuilder<'a> {
    /// Starts a function with the given signature, reusing `scratch`.
    pub fn new(
        module: &'a Module,
        scratch: &'a mut Scratch,
        params: &[ValType],
        result_count: u32,
    ) -> Self {
        scratch.code.clear();
        scratch.offsets.clear();
        scratch.br_tables.clear();
        scratch.local_types.clear();
        scratch.local_types.extend_from_slice(params);
        scratch.frames.clear();
        scratch.fixups.clear();
        scratch.frames.push(ControlFrame {
            kind: FrameKind::Function,
            base: 0,
            param_count: 0,
            result_count,
            loop_start: NONE,
            first_fixup: NONE,
            pending_else_jump: NONE,
            live_at_entry: true,
        });
        FunctionBuilder {
            module,
            scratch,
            live: true,
            max_height: 0,
            too_many_locals: false,
            finished: false,
        }
    }

    fn local_count(&self) -> u32 {
        self.scratch.local_types.len() as u32
    }

    fn emit(&mut self, op: Op, offset: u32) -> u32 {
        let at = self.scratch.code.len() as u32;
        self.scratch.code.push(op);
        self.scratch.offsets.push(offset);
        at
    }

    fn next_pc(&self) -> u32 {
        self.scratch.code.len() as u32
    }

    /// Parameter and result counts of a block type.
    fn block_arity(&self, block_type: BlockType) -> Result<(u32, u32), String> {
        match block_type {
            BlockType::Empty => Ok((0, 0)),
            BlockType::Type(_) => Ok((0, 1)),
            BlockType::FuncType(index) => self
                .module
                .types
                .get(index as usize)
                .map(|ty| (ty.params.len() as u32, ty.results.len() as u32))
                .ok_or_else(|| format!("block type {index} is not a function type of the module")),
        }
    }

    fn open(
        &mut self,
        kind: FrameKind,
        block_type: BlockType,
        offset: u32,
        validator: &FuncValidator<ValidatorResources>,
    ) -> Result<(), String> {
        let (param_count, result_count) = self.block_arity(block_type)?;
        let mut frame = ControlFrame {
            kind,
            base: 0,
            param_count,
            result_count,
            loop_start: self.next_pc(),
            first_fixup: NONE,
            pending_else_jump: NONE,
            live_at_entry: self.live,
        };
        if self.live {
            // Dead code has no meaningful heights, so only live frames read them.
            let opened = validator
                .get_control_frame(0)
                .ok_or("validator has no frame for an open block")?;
            frame.base = u32::try_from(opened.height).map_err(|_| "operand stack too high")?;
            if kind == FrameKind::If {
                frame.pending_else_jump = self.emit(Op::JumpIfZero { pc: NONE }, offset);
            }
        }
        self.scratch.frames.push(frame);
        Ok(())
    }

    fn enter_else(&mut self, offset: u32) -> Result<(), String> {
        let then_falls_through = self.live;
        let jump_over_else = then_falls_through.then(|| self.emit(Op::Jump { pc: NONE }, offset));
        let else_start = self.next_pc();
        let scratch = &mut *self.scratch;
        let frame = scratch
            .frames
            .last_mut()
            .ok_or("`else` without an open `if`")?;
        if let Some(at) = jump_over_else {
            scratch.fixups.push(frame, FixupSite::Op(at));
        }
        if frame.pending_else_jump != NONE {
            patch_op(&mut scratch.code, frame.pending_else_jump, else_start);
            frame.pending_else_jump = NONE;
        }
        frame.kind = FrameKind::Else;
        self.live = frame.live_at_entry;
        Ok(())
    }

    fn close(&mut self, offset: u32) -> Result<(), String> {
        let frame = self
            .scratch
            .frames
            .pop()
            .ok_or("`end` without an open block")?;
        let end_pc = self.next_pc();
        let has_branches_in = frame.first_fixup != NONE;
        if frame.kind == FrameKind::Function {
            if self.live || has_branches_in {
                self.emit(Op::Return, offset);
            }
            let scratch = &mut *self.scratch;
            scratch
                .fixups
                .resolve(&frame, end_pc, &mut scratch.code, &mut scratch.br_tables);
            self.live = false;
            self.finished = true;
            return Ok(());
        }
        let scratch = &mut *self.scratch;
        scratch
            .fixups
            .resolve(&frame, end_pc, &mut scratch.code, &mut scratch.br_tables);
        let mut reachable = self.live || has_branches_in;
        if frame.pending_else_jump != NONE {
            // An `if` without `else`: the false path lands here.
            patch_op(&mut scratch.code, frame.pending_else_jump, end_pc);
            reachable = true;
        }
        self.live = frame.live_at_entry && reachable;
        Ok(())
    }

    /// The resolved target of a branch to the label `depth` frames out,
    /// registering a fixup for `site` when the target lies ahead.
    fn label_target(&mut self, depth: u32, site: FixupSite) -> Result<BranchTarget, String> {
        let local_count = self.local_count();
        let scratch = &mut *self.scratch;
        let index = (scratch.frames.len() as u64)
            .checked_sub(u64::from(depth) + 1)
            .ok_or_else(|| format!("branch depth {depth} exceeds the control stack"))?;
        let frame = &mut scratch.frames[index as usize];
        let target = BranchTarget {
            pc: if frame.kind == FrameKind::Loop {
                frame.loop_start
            } else {
                NONE
            },
            height: local_count + frame.base,
            arity: frame.label_arity(),
        };
        if frame.kind != FrameKind::Loop {
            scratch.fixups.push(frame, site);
        }
        Ok(target)
    }

    fn branch(&mut self, depth: u32, conditional: bool, offset: u32) -> Result<(), String> {
        if !self.live {
            return Ok(());
        }
        let targets_function = depth as usize + 1 == self.scratch.frames.len();
        if targets_function && !conditional {
            self.emit(Op::Return, offset);
            self.live = false;
            return Ok(());
        }
        let at = self.next_pc();
        let target = self.label_target(depth, FixupSite::Op(at))?;
        if conditional {
            self.emit(Op::BrIf { target }, offset);
        } else {
            self.emit(Op::Br { target }, offset);
            self.live = false;
        }
        Ok(())
    }

    fn branch_table(&mut self, table: &BrTable<'_>, offset: u32) -> Result<(), String> {
        if !self.live {
            return Ok(());
        }
        let start = self.scratch.br_tables.len() as u32;
        let depths = table.targets().chain(std::iter::once(Ok(table.default())));
        for depth in depths {
            let depth = depth.map_err(|e| e.to_string())?;
            let entry = self.scratch.br_tables.len() as u32;
            let target = self.label_target(depth, FixupSite::TableEntry(entry))?;
            self.scratch.br_tables.push(target);
        }
        let len = self.scratch.br_tables.len() as u32 - start;
        self.emit(
            Op::BrTable {
                targets: BrTableRef { start, len },
            },
            offset,
        );
        self.live = false;
        Ok(())
    }

    /// Emits a terminator that ends the reachable code of the current block.
    fn terminate(&mut self, op: Op, offset: u32) {
        if self.live {
            self.emit(op, offset);
            self.live = false;
        }
    }

    fn straight_line(&mut self, operator: &Operator<'_>, offset: u32) -> Result<(), String> {
        match lower(operator) {
            Ok(op @ (Op::ReturnCall { .. } | Op::ReturnCallIndirect { .. })) => {
                self.terminate(op, offset)
            }
            Ok(op) => {
                if self.live {
                    self.emit(op, offset);
                }
            }
            Err(NotLowered::Unsupported) => {
                return Err(format!(
                    "feature not supported yet: {}",
                    operator_name(operator)
                ));
            }
            Err(NotLowered::Control) => {
                return Err(format!(
                    "unexpected control operator {}",
                    operator_name(operator)
                ));
            }
        }
        Ok(())
    }
}

impl OperatorSink for FunctionBuilder<'_> {
    fn locals(&mut self, count: u32, ty: ValType) {
        let total = self.scratch.local_types.len() as u64 + u64::from(count);
        if total > MAX_LOCALS {
            self.too_many_locals = true;
            return;
        }
        let locals = &mut self.scratch.local_types;
        locals.extend(std::iter::repeat_n(ty, count as usize));
    }

    fn operator(
        &mut self,
        operator: &Operator<'_>,
        offset: usize,
        validator: &FuncValidator<ValidatorResources>,
    ) -> Result<(), String> {
        if self.too_many_locals {
            return Err(format!("too many locals: more than {MAX_LOCALS}"));
        }
        if self.finished {
            return Err("operator after the function's final `end`".into());
        }
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        match operator {
            Operator::Nop => {}
            Operator::Block { blockty } => {
                self.open(FrameKind::Block, *blockty, offset, validator)?
            }
            Operator::Loop { blockty } => {
                self.open(FrameKind::Loop, *blockty, offset, validator)?
            }
            Operator::If { blockty } => self.open(FrameKind::If, *blockty, offset, validator)?,
            Operator::Else => self.enter_else(offset)?,
            Operator::End => self.close(offset)?,
            Operator::Br { relative_depth } => self.branch(*relative_depth, false, offset)?,
            Operator::BrIf { relative_depth } => self.branch(*relative_depth, true, offset)?,
            Operator::BrTable { targets } => self.branch_table(targets, offset)?,
            Operator::Return => self.terminate(Op::Return, offset),
            Operator::Unreachable => self.terminate(Op::Unreachable, offset),
            _ => self.straight_line(operator, offset)?,
        }
        if self.live {
            self.max_height = self.max_height.max(validator.operand_stack_height());
        }
        Ok(())
    }
}

/// The operator's name as wasmparser spells it, without immediates.
fn operator_name(operator: &Operator<'_>) -> String {
    let mut name = format!("{operator:?}");
    if let Some(end) = name.find([' ', '{', '(']) {
        name.truncate(end);
    }
    name
}
