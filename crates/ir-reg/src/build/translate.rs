//! The operator sink that builds the SSA CFG of one validated function body
//! by abstract interpretation of the operand stack.
//!
//! The operand stack holds SSA values. Values that cross a block boundary
//! become parameters of the target block and arguments of the edges into it;
//! locals go through [`Ssa`]. Only reachable code is translated: after a
//! branch, `return` or `unreachable` the current block is `None` until an
//! `else` or an `end` that something branches to.

use wasmparser::{BrTable, FuncValidator, Operator, ValidatorResources};
use zwasm_decode::{FuncType, Module, ValType};
use zwasm_validate::OperatorSink;

use super::control::{Frame, FrameKind, FrameType};
use super::lower::{NotLowered, lower};
use super::ssa::{Edge, Locals, Ssa, zero_slot};
use crate::entities::{Block, BlockCall, Inst, Value, ValueList};
use crate::function::{InstData, RegFunction, ValueDef};
use crate::ops::{Opcode, TrapCode};
use crate::signature::{self, Context, Signature};

/// wasmparser's own limit; checked again so that the sink never allocates an
/// absurd local vector before the validator's check.
const MAX_LOCALS: u64 = 50_000;

/// The target of an `if`'s false edge until its `else` or `end` is seen.
const PENDING: Block = Block(u32::MAX);

/// Buffers reused from one function to the next.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    pub func: RegFunction,
    pub ssa: Ssa,
    pub layout: Vec<Block>,
    locals: Locals,
    stack: Vec<Value>,
    frames: Vec<Frame>,
    saved: Vec<Value>,
    current: Option<Block>,
    sig: Signature,
    targets: Vec<BlockCall>,
}

/// Translation state of the function being built.
#[derive(Debug)]
pub(super) struct FunctionTranslator<'a> {
    module: &'a Module,
    s: &'a mut Scratch,
    func_results: &'a [ValType],
    /// Set by `locals` (which cannot fail); reported at the first operator.
    locals_error: Option<String>,
    /// Set once the body's final `end` has been seen.
    pub finished: bool,
}

impl<'a> FunctionTranslator<'a> {
    /// Starts function `func_index` of type `ty`, reusing `scratch`.
    pub fn new(
        module: &'a Module,
        scratch: &'a mut Scratch,
        func_index: u32,
        type_index: u32,
        ty: &'a FuncType,
    ) -> Result<Self, String> {
        let s = &mut *scratch;
        s.func.reset(func_index, type_index);
        s.ssa.clear();
        s.layout.clear();
        s.locals.types.clear();
        s.locals.types.extend_from_slice(&ty.params);
        s.locals.params.clear();
        s.locals.zeros = [None; 7];
        s.stack.clear();
        s.frames.clear();
        s.saved.clear();
        s.current = None;
        s.frames.push(Frame {
            kind: FrameKind::Function,
            ty: FrameType::Func(type_index),
            base: 0,
            label: None,
            false_edge: None,
            saved_start: 0,
        });
        let mut translator = FunctionTranslator {
            module,
            s: scratch,
            func_results: &ty.results,
            locals_error: None,
            finished: false,
        };
        let entry = translator.new_block();
        for &param in ty.params.iter() {
            let value = translator.s.func.add_block_param(entry, param);
            translator.s.locals.params.push(value);
        }
        let local_count = translator.s.locals.types.len();
        translator.s.ssa.set_local_count(local_count);
        translator.seal(entry)?;
        translator.switch_to(entry);
        Ok(translator)
    }

    fn new_block(&mut self) -> Block {
        let block = self.s.func.new_block();
        self.s.ssa.add_block(block);
        block
    }

    fn seal(&mut self, block: Block) -> Result<(), String> {
        let s = &mut *self.s;
        s.ssa.seal(&mut s.func, &s.locals, block)
    }

    fn switch_to(&mut self, block: Block) {
        let start = self.s.func.insts.len() as u32;
        if let Some(data) = self.s.func.blocks.get_mut(block.index()) {
            data.first_inst = start;
            data.end_inst = start;
        }
        self.s.layout.push(block);
        self.s.current = Some(block);
    }

    fn live(&self) -> bool {
        self.s.current.is_some()
    }

    /// The top `count` values of the operand stack, bottom first.
    fn top(&self, count: usize) -> Result<&[Value], String> {
        let stack = &self.s.stack;
        let start = stack
            .len()
            .checked_sub(count)
            .ok_or("operand stack underflow")?;
        Ok(&stack[start..])
    }

    fn pop(&mut self) -> Result<Value, String> {
        self.s
            .stack
            .pop()
            .ok_or_else(|| "operand stack underflow".into())
    }

    /// Stores the top `count` stack values as a list.
    fn top_list(&mut self, count: usize) -> Result<ValueList, String> {
        let start = self
            .s
            .stack
            .len()
            .checked_sub(count)
            .ok_or("operand stack underflow")?;
        let s = &mut *self.s;
        Ok(s.func.alloc_list(&s.stack[start..]))
    }

    /// Appends a non-terminator to the current block; its results (typed
    /// from `self.s.sig`) are returned, not pushed.
    fn emit(
        &mut self,
        opcode: Opcode,
        args: ValueList,
        offset: Option<u32>,
    ) -> Result<ValueList, String> {
        let s = &mut *self.s;
        let block = s.current.ok_or("instruction in dead code")?;
        let inst = Inst::from_index(s.func.insts.len());
        let start = s.func.pool.len() as u32;
        for &ty in &s.sig.results {
            let value = s.func.new_value(ty, ValueDef::Result(inst));
            s.func.pool.push(value);
        }
        let results = ValueList {
            start,
            len: s.sig.results.len() as u32,
        };
        s.func.insts.push(InstData {
            opcode,
            args,
            results,
            targets: Default::default(),
            offset,
        });
        s.func.blocks[block.index()].end_inst = s.func.insts.len() as u32;
        Ok(results)
    }

    /// Ends the current block with `opcode`; edges to [`PENDING`] are
    /// registered when patched.
    fn terminate(
        &mut self,
        opcode: Opcode,
        args: ValueList,
        offset: Option<u32>,
    ) -> Result<Inst, String> {
        let s = &mut *self.s;
        let block = s.current.take().ok_or("terminator in dead code")?;
        let inst = Inst::from_index(s.func.insts.len());
        let targets = s.func.alloc_targets(&s.targets);
        s.func.insts.push(InstData {
            opcode,
            args,
            results: ValueList::default(),
            targets,
            offset,
        });
        s.func.blocks[block.index()].end_inst = s.func.insts.len() as u32;
        for (i, call) in s.targets.iter().enumerate() {
            if call.block != PENDING {
                let edge = Edge {
                    from: block,
                    edge: (targets.start as usize + i) as u32,
                };
                s.ssa.add_pred(call.block, edge);
            }
        }
        s.targets.clear();
        Ok(inst)
    }

    /// Adds an edge to `block` carrying the top `count` stack values to the
    /// targets of the next terminator.
    fn add_target(&mut self, block: Block, count: usize) -> Result<(), String> {
        let args = self.top_list(count)?;
        self.s.targets.push(BlockCall { block, args });
        Ok(())
    }

    fn frame_index(&self, depth: u32) -> Result<usize, String> {
        (self.s.frames.len() as u64)
            .checked_sub(u64::from(depth) + 1)
            .map(|index| index as usize)
            .ok_or_else(|| format!("branch depth {depth} exceeds the control stack"))
    }

    /// The block branches to frame `index` go to, created on first use with
    /// one parameter per label type.
    fn label_block(&mut self, index: usize) -> Result<Block, String> {
        let frame = self.s.frames[index];
        if let Some(block) = frame.label {
            return Ok(block);
        }
        let block = self.new_block();
        let module = self.module;
        for &ty in frame.label_types(module)? {
            self.s.func.add_block_param(block, ty);
        }
        self.s.frames[index].label = Some(block);
        Ok(block)
    }

    fn label_arity(&self, index: usize) -> Result<usize, String> {
        Ok(self.s.frames[index].label_types(self.module)?.len())
    }

    fn open_block(&mut self, kind: FrameKind, ty: FrameType) -> Result<(), String> {
        let live = self.live();
        let param_count = if live {
            ty.params(self.module)?.len()
        } else {
            0
        };
        let base = self
            .s
            .stack
            .len()
            .checked_sub(param_count)
            .ok_or("operand stack underflow")?;
        self.s.frames.push(Frame {
            kind,
            ty,
            base,
            label: None,
            false_edge: None,
            saved_start: self.s.saved.len(),
        });
        Ok(())
    }

    fn open_loop(&mut self, ty: FrameType, offset: Option<u32>) -> Result<(), String> {
        self.open_block(FrameKind::Loop, ty)?;
        if !self.live() {
            return Ok(());
        }
        let index = self.s.frames.len() - 1;
        let header = self.label_block(index)?;
        let param_count = self.label_arity(index)?;
        self.add_target(header, param_count)?;
        self.terminate(Opcode::Jump, ValueList::default(), offset)?;
        self.switch_to(header);
        let base = self.s.frames[index].base;
        let s = &mut *self.s;
        s.stack.truncate(base);
        s.stack.extend_from_slice(s.func.block_params(header));
        Ok(())
    }

    fn open_if(&mut self, ty: FrameType, offset: Option<u32>) -> Result<(), String> {
        if !self.live() {
            return self.open_block(FrameKind::If, ty);
        }
        let condition = self.pop()?;
        self.open_block(FrameKind::If, ty)?;
        let index = self.s.frames.len() - 1;
        let base = self.s.frames[index].base;
        let s = &mut *self.s;
        s.saved.extend_from_slice(&s.stack[base..]);
        let from = s.current.ok_or("`if` in dead code")?;
        let then_block = self.new_block();
        self.add_target(then_block, 0)?;
        self.add_target(PENDING, 0)?;
        let args = self.s.func.alloc_list(&[condition]);
        let inst = self.terminate(Opcode::BrIf, args, offset)?;
        let false_edge = self.s.func.edge_indices(inst).end - 1;
        self.s.frames[index].false_edge = Some((from, false_edge as u32));
        self.seal(then_block)?;
        self.switch_to(then_block);
        Ok(())
    }

    /// Points the pending false edge of an `if` at `block` with `args`.
    fn patch_false_edge(&mut self, (from, edge): (Block, u32), block: Block, args: ValueList) {
        *self.s.func.edge_mut(edge as usize) = BlockCall { block, args };
        self.s.ssa.add_pred(block, Edge { from, edge });
    }

    fn enter_else(&mut self, offset: Option<u32>) -> Result<(), String> {
        let index = self
            .s
            .frames
            .len()
            .checked_sub(1)
            .ok_or("`else` without `if`")?;
        let frame = self.s.frames[index];
        self.s.frames[index].kind = FrameKind::Else;
        let Some(false_edge) = frame.false_edge else {
            // The `if` was in dead code: so is the `else` arm.
            return Ok(());
        };
        if self.live() {
            self.jump_to_label(index, offset)?;
        }
        let else_block = self.new_block();
        self.patch_false_edge(false_edge, else_block, ValueList::default());
        self.s.frames[index].false_edge = None;
        self.seal(else_block)?;
        self.switch_to(else_block);
        let s = &mut *self.s;
        s.stack.truncate(frame.base);
        s.stack.extend_from_slice(&s.saved[frame.saved_start..]);
        Ok(())
    }

    /// Ends the current block with a jump to frame `index`'s label, carrying
    /// the label's values.
    fn jump_to_label(&mut self, index: usize, offset: Option<u32>) -> Result<(), String> {
        let block = self.label_block(index)?;
        let arity = self.label_arity(index)?;
        self.add_target(block, arity)?;
        self.terminate(Opcode::Jump, ValueList::default(), offset)?;
        Ok(())
    }

    fn close(&mut self, offset: Option<u32>) -> Result<(), String> {
        let index = self
            .s
            .frames
            .len()
            .checked_sub(1)
            .ok_or("`end` without a frame")?;
        let frame = self.s.frames[index];
        match frame.kind {
            FrameKind::Function => {
                if self.live() {
                    self.return_values(offset)?;
                }
                if let Some(exit) = frame.label {
                    self.seal(exit)?;
                    self.switch_to(exit);
                    let args = self.s.func.blocks[exit.index()].params;
                    self.terminate(Opcode::Return, args, offset)?;
                }
                self.finished = true;
            }
            FrameKind::Loop => {
                if let Some(header) = frame.label {
                    self.seal(header)?;
                }
            }
            FrameKind::Block | FrameKind::If | FrameKind::Else => {
                if let Some(false_edge) = frame.false_edge {
                    // An `if` without `else`: the false edge passes the
                    // parameters straight to the end.
                    let merge = self.label_block(index)?;
                    let s = &mut *self.s;
                    let args = s.func.alloc_list(&s.saved[frame.saved_start..]);
                    self.patch_false_edge(false_edge, merge, args);
                }
                if let Some(merge) = self.s.frames[index].label {
                    if self.live() {
                        self.jump_to_label(index, offset)?;
                    }
                    self.seal(merge)?;
                    self.switch_to(merge);
                    let s = &mut *self.s;
                    s.stack.truncate(frame.base);
                    s.stack.extend_from_slice(s.func.block_params(merge));
                } else if !self.live() {
                    self.s.stack.truncate(frame.base);
                }
            }
        }
        self.s.saved.truncate(frame.saved_start);
        self.s.frames.pop();
        Ok(())
    }

    fn return_values(&mut self, offset: Option<u32>) -> Result<(), String> {
        let args = self.top_list(self.func_results.len())?;
        self.terminate(Opcode::Return, args, offset)?;
        Ok(())
    }

    fn branch(&mut self, depth: u32, offset: Option<u32>) -> Result<(), String> {
        let index = self.frame_index(depth)?;
        if index == 0 {
            return self.return_values(offset);
        }
        self.jump_to_label(index, offset)
    }

    fn branch_if(&mut self, depth: u32, offset: Option<u32>) -> Result<(), String> {
        let condition = self.pop()?;
        let index = self.frame_index(depth)?;
        let target = self.label_block(index)?;
        let arity = self.label_arity(index)?;
        self.add_target(target, arity)?;
        let next = self.new_block();
        self.add_target(next, 0)?;
        let args = self.s.func.alloc_list(&[condition]);
        self.terminate(Opcode::BrIf, args, offset)?;
        self.seal(next)?;
        self.switch_to(next);
        Ok(())
    }

    fn branch_table(&mut self, table: &BrTable<'_>, offset: Option<u32>) -> Result<(), String> {
        let index_value = self.pop()?;
        let depths = table.targets().chain(std::iter::once(Ok(table.default())));
        for depth in depths {
            let depth = depth.map_err(|error| error.message().to_string())?;
            let index = self.frame_index(depth)?;
            let target = self.label_block(index)?;
            let arity = self.label_arity(index)?;
            self.add_target(target, arity)?;
        }
        let args = self.s.func.alloc_list(&[index_value]);
        self.terminate(Opcode::BrTable, args, offset)?;
        Ok(())
    }

    fn local_get(&mut self, local: u32) -> Result<(), String> {
        let s = &mut *self.s;
        let block = s.current.ok_or("local.get in dead code")?;
        let value = s.ssa.read(&mut s.func, &s.locals, local, block)?;
        s.stack.push(value);
        Ok(())
    }

    fn local_set(&mut self, local: u32, keep: bool) -> Result<(), String> {
        let value = if keep {
            *self.top(1)?.first().ok_or("operand stack underflow")?
        } else {
            self.pop()?
        };
        if local as usize >= self.s.locals.types.len() {
            return Err(format!("local index {local} out of range"));
        }
        let block = self.s.current.ok_or("local.set in dead code")?;
        self.s.ssa.write(block, local, value);
        Ok(())
    }

    /// Emits an operator that maps to one opcode: pops its operands, pushes
    /// its results.
    fn straight_line(&mut self, opcode: Opcode, offset: Option<u32>) -> Result<(), String> {
        let operand_type = match signature::polymorphic_operand(&opcode) {
            // The polymorphic operand in wasm order: `select`'s second arm
            // (one below the condition), `ref.is_null`'s only operand.
            Some(_) => {
                let depth = usize::from(opcode == Opcode::Select) + 1;
                let value = *self.top(depth)?.first().ok_or("operand stack underflow")?;
                Some(self.s.func.value_type(value))
            }
            None => None,
        };
        let cx = Context {
            module: self.module,
            func_results: self.func_results,
            operand_type,
        };
        signature::resolve(&opcode, cx, &mut self.s.sig)?;
        let args = self.top_list(self.s.sig.params.len())?;
        let new_len = self.s.stack.len() - args.len();
        self.s.stack.truncate(new_len);
        if matches!(
            opcode,
            Opcode::Select | Opcode::CallIndirect { .. } | Opcode::ReturnCallIndirect { .. }
        ) {
            // wasm passes the condition or callee index last; ir-reg first.
            self.s.func.list_mut(args).rotate_right(1);
        }
        if opcode.is_terminator() {
            self.terminate(opcode, args, offset)?;
            return Ok(());
        }
        let results = self.emit(opcode, args, offset)?;
        let s = &mut *self.s;
        s.stack.extend_from_slice(s.func.list(results));
        Ok(())
    }

    /// The zero constant that initialises declared locals of type `ty`,
    /// emitted once per type at the top of the entry block.
    fn ensure_zero(&mut self, ty: ValType) -> Result<(), String> {
        if self.s.locals.zeros[zero_slot(ty)].is_some() {
            return Ok(());
        }
        let opcode = match ty {
            ValType::I32 => Opcode::I32Const { value: 0 },
            ValType::I64 => Opcode::I64Const { value: 0 },
            ValType::F32 => Opcode::F32Const { bits: 0 },
            ValType::F64 => Opcode::F64Const { bits: 0 },
            ValType::FuncRef => Opcode::RefNull {
                ty: zwasm_decode::RefType::FuncRef,
            },
            ValType::ExternRef => Opcode::RefNull {
                ty: zwasm_decode::RefType::ExternRef,
            },
            ValType::V128 => return Err("feature not supported yet: simd".into()),
        };
        self.s.sig.params.clear();
        self.s.sig.results.clear();
        self.s.sig.results.push(ty);
        let results = self.emit(opcode, ValueList::default(), None)?;
        let value = *self
            .s
            .func
            .list(results)
            .first()
            .ok_or("constant without result")?;
        self.s.locals.zeros[zero_slot(ty)] = Some(value);
        Ok(())
    }

    fn translate(&mut self, operator: &Operator<'_>, offset: Option<u32>) -> Result<(), String> {
        let frame_type =
            |blockty| FrameType::from_block_type(blockty, offset.unwrap_or(0) as usize);
        match operator {
            Operator::Block { blockty } => {
                return self.open_block(FrameKind::Block, frame_type(*blockty)?);
            }
            Operator::Loop { blockty } => return self.open_loop(frame_type(*blockty)?, offset),
            Operator::If { blockty } => return self.open_if(frame_type(*blockty)?, offset),
            Operator::Else => return self.enter_else(offset),
            Operator::End => return self.close(offset),
            _ => {}
        }
        if !self.live() {
            return Ok(());
        }
        match operator {
            Operator::Nop => Ok(()),
            Operator::Br { relative_depth } => self.branch(*relative_depth, offset),
            Operator::BrIf { relative_depth } => self.branch_if(*relative_depth, offset),
            Operator::BrTable { targets } => self.branch_table(targets, offset),
            Operator::Return => self.return_values(offset),
            Operator::Unreachable => {
                let trap = Opcode::Trap {
                    code: TrapCode::Unreachable,
                };
                self.terminate(trap, ValueList::default(), offset)
                    .map(|_| ())
            }
            Operator::Drop => self.pop().map(|_| ()),
            Operator::LocalGet { local_index } => self.local_get(*local_index),
            Operator::LocalSet { local_index } => self.local_set(*local_index, false),
            Operator::LocalTee { local_index } => self.local_set(*local_index, true),
            _ => match lower(operator) {
                Ok(opcode) => self.straight_line(opcode, offset),
                Err(NotLowered::Unsupported) => Err(format!(
                    "feature not supported yet: {}",
                    operator_name(operator)
                )),
                Err(NotLowered::Structural) => {
                    Err(format!("unexpected operator {}", operator_name(operator)))
                }
            },
        }
    }
}

impl OperatorSink for FunctionTranslator<'_> {
    fn locals(&mut self, count: u32, ty: ValType) {
        let total = self.s.locals.types.len() as u64 + u64::from(count);
        if total > MAX_LOCALS {
            self.locals_error = Some(format!("too many locals: more than {MAX_LOCALS}"));
            return;
        }
        if count == 0 {
            return;
        }
        if let Err(error) = self.ensure_zero(ty) {
            self.locals_error = Some(error);
            return;
        }
        let types = &mut self.s.locals.types;
        types.extend(std::iter::repeat_n(ty, count as usize));
        let local_count = types.len();
        self.s.ssa.set_local_count(local_count);
    }

    fn operator(
        &mut self,
        operator: &Operator<'_>,
        offset: usize,
        _validator: &FuncValidator<ValidatorResources>,
    ) -> Result<(), String> {
        if let Some(error) = &self.locals_error {
            return Err(error.clone());
        }
        if self.finished {
            return Err("operator after the function's final `end`".into());
        }
        self.translate(operator, u32::try_from(offset).ok())
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
