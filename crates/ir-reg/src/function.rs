//! [`RegFunction`]: one function body as a CFG of basic blocks in SSA form.
//!
//! Everything lives in arenas indexed by the entity types: values, blocks and
//! instructions. Operand, result, parameter and argument lists share one value
//! pool; the edges of terminators share one edge pool. The instructions of a
//! block are a contiguous range of the instruction arena, the terminator last,
//! and blocks are laid out in index order (block `i`'s instructions directly
//! follow block `i - 1`'s), which is also the layout regalloc2 expects.

use std::ops::Range;

use zwasm_decode::ValType;

use crate::entities::{Block, BlockCall, BlockCallList, Inst, Value, ValueList};
use crate::ops::Opcode;

/// Where a value is defined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueDef {
    /// A parameter of this block.
    Param(Block),
    /// A result of this instruction.
    Result(Inst),
    /// No longer defined: a pass removed its definition. Such a value must
    /// not be used; numbering is compacted by [`crate::passes::compact`].
    Removed,
}

/// What the spare pool slots of a growing list hold (never a real value).
pub(crate) const SPARE: Value = Value(u32::MAX);

/// A value's type and definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ValueData {
    /// The wasm value type of the virtual register.
    pub ty: ValType,
    /// Where it is defined.
    pub def: ValueDef,
}

/// One instruction: an opcode with its immediates, operand values, result
/// values and, for branches, the outgoing edges with their arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InstData {
    /// The operation and its immediates.
    pub opcode: Opcode,
    pub(crate) args: ValueList,
    pub(crate) results: ValueList,
    pub(crate) targets: BlockCallList,
    /// Byte offset in the module of the wasm operator this instruction came
    /// from, if any.
    pub offset: Option<u32>,
}

/// A basic block: its parameters and the range of its instructions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct BlockData {
    pub(crate) params: ValueList,
    pub(crate) first_inst: u32,
    pub(crate) end_inst: u32,
}

/// One function body in ir-reg form. Block 0 is the entry; its parameters
/// are the function's parameters.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RegFunction {
    pub(crate) func_index: u32,
    pub(crate) type_index: u32,
    pub(crate) values: Vec<ValueData>,
    pub(crate) blocks: Vec<BlockData>,
    pub(crate) insts: Vec<InstData>,
    pub(crate) pool: Vec<Value>,
    pub(crate) edges: Vec<BlockCall>,
}

impl RegFunction {
    /// Index of the function in the module's function index space.
    pub fn func_index(&self) -> u32 {
        self.func_index
    }

    /// Index of the function's signature in `Module::types`.
    pub fn type_index(&self) -> u32 {
        self.type_index
    }

    /// The entry block.
    pub fn entry_block(&self) -> Block {
        Block(0)
    }

    /// Number of blocks.
    pub fn num_blocks(&self) -> usize {
        self.blocks.len()
    }

    /// Number of instructions.
    pub fn num_insts(&self) -> usize {
        self.insts.len()
    }

    /// Number of values (including removed ones until the next compaction).
    pub fn num_values(&self) -> usize {
        self.values.len()
    }

    /// All blocks, in layout order.
    pub fn blocks(&self) -> impl ExactSizeIterator<Item = Block> + use<> {
        (0..self.blocks.len() as u32).map(Block)
    }

    /// The parameters of `block`.
    pub fn block_params(&self, block: Block) -> &[Value] {
        self.list(self.blocks[block.index()].params)
    }

    /// The instruction index range of `block`, terminator included.
    pub fn block_inst_range(&self, block: Block) -> Range<u32> {
        let data = &self.blocks[block.index()];
        data.first_inst..data.end_inst
    }

    /// The instructions of `block` in order, terminator last.
    pub fn block_insts(&self, block: Block) -> impl DoubleEndedIterator<Item = Inst> + use<> {
        self.block_inst_range(block).map(Inst)
    }

    /// The terminator of `block` (its last instruction), if it has any
    /// instruction at all.
    pub fn terminator(&self, block: Block) -> Option<Inst> {
        let range = self.block_inst_range(block);
        (range.start < range.end).then(|| Inst(range.end - 1))
    }

    /// The data of `inst`.
    pub fn inst(&self, inst: Inst) -> &InstData {
        &self.insts[inst.index()]
    }

    /// The opcode of `inst`.
    pub fn opcode(&self, inst: Inst) -> Opcode {
        self.insts[inst.index()].opcode
    }

    /// The operands of `inst`.
    pub fn inst_args(&self, inst: Inst) -> &[Value] {
        self.list(self.insts[inst.index()].args)
    }

    /// The results of `inst`.
    pub fn inst_results(&self, inst: Inst) -> &[Value] {
        self.list(self.insts[inst.index()].results)
    }

    /// The outgoing edges of `inst` (empty unless it is a branch).
    pub fn inst_targets(&self, inst: Inst) -> &[BlockCall] {
        let targets = self.insts[inst.index()].targets;
        let start = targets.start as usize;
        &self.edges[start..start + targets.len as usize]
    }

    /// The arguments an edge passes to its target's parameters.
    pub fn edge_args(&self, call: &BlockCall) -> &[Value] {
        self.list(call.args)
    }

    /// The successors of `block` in edge order (repeated if several edges
    /// lead to the same block).
    pub fn successors(&self, block: Block) -> impl Iterator<Item = Block> + '_ {
        self.terminator(block)
            .map(|inst| self.inst_targets(inst))
            .unwrap_or(&[])
            .iter()
            .map(|call| call.block)
    }

    /// The type of `value`.
    pub fn value_type(&self, value: Value) -> ValType {
        self.values[value.index()].ty
    }

    /// Where `value` is defined.
    pub fn value_def(&self, value: Value) -> ValueDef {
        self.values[value.index()].def
    }

    /// The values of a list.
    pub fn list(&self, list: ValueList) -> &[Value] {
        let start = list.start as usize;
        &self.pool[start..start + list.len as usize]
    }

    // --- construction and mutation, for the builder and the passes ---

    /// An empty function with the given identity, reusing this one's buffers.
    pub(crate) fn reset(&mut self, func_index: u32, type_index: u32) {
        self.func_index = func_index;
        self.type_index = type_index;
        self.values.clear();
        self.blocks.clear();
        self.insts.clear();
        self.pool.clear();
        self.edges.clear();
    }

    pub(crate) fn list_mut(&mut self, list: ValueList) -> &mut [Value] {
        let start = list.start as usize;
        &mut self.pool[start..start + list.len as usize]
    }

    /// Stores `values` as a new list.
    pub(crate) fn alloc_list(&mut self, values: &[Value]) -> ValueList {
        let start = self.pool.len() as u32;
        self.pool.extend_from_slice(values);
        ValueList {
            start,
            len: values.len() as u32,
        }
    }

    /// Appends `value` to `list`, moving the list to the end of the pool
    /// unless it already is there (the old slots become garbage until the
    /// next compaction).
    pub(crate) fn push_to_list(&mut self, list: &mut ValueList, value: Value) {
        let end = list.start as usize + list.len as usize;
        if end != self.pool.len() {
            let start = self.pool.len();
            self.pool.extend_from_within(list.start as usize..end);
            list.start = start as u32;
        }
        self.pool.push(value);
        list.len += 1;
    }

    /// Appends `value` to `list`, whose storage has room for `capacity`
    /// values. A full list moves to the end of the pool with room for twice
    /// as many (the spare slots hold [`SPARE`] and, like the old slots, are
    /// garbage until the next compaction), so a list grown one value at a
    /// time while other lists grow too costs linear time overall.
    /// `capacity` starts at 0 for a list without spare room.
    pub(crate) fn push_to_growing_list(
        &mut self,
        list: &mut ValueList,
        capacity: &mut u32,
        value: Value,
    ) {
        let start = list.start as usize;
        let len = list.len as usize;
        if list.len >= *capacity {
            let new_capacity = (2 * len).max(4);
            if start + len == self.pool.len() {
                // Already last: grow in place.
                self.pool.resize(start + new_capacity, SPARE);
            } else {
                let new_start = self.pool.len();
                self.pool.extend_from_within(start..start + len);
                self.pool.resize(new_start + new_capacity, SPARE);
                list.start = new_start as u32;
            }
            *capacity = new_capacity as u32;
        }
        self.pool[list.start as usize + len] = value;
        list.len += 1;
    }

    /// Removes the `index`-th value of `list`, keeping the order of the rest.
    pub(crate) fn remove_from_list(&mut self, list: &mut ValueList, index: usize) {
        let slice = self.list_mut(*list);
        if index < slice.len() {
            slice[index..].rotate_left(1);
            list.len -= 1;
        }
    }

    pub(crate) fn new_value(&mut self, ty: ValType, def: ValueDef) -> Value {
        let value = Value::from_index(self.values.len());
        self.values.push(ValueData { ty, def });
        value
    }

    /// A new block without parameters or instructions.
    pub(crate) fn new_block(&mut self) -> Block {
        let block = Block::from_index(self.blocks.len());
        self.blocks.push(BlockData::default());
        block
    }

    /// Appends a parameter of type `ty` to `block`.
    pub(crate) fn add_block_param(&mut self, block: Block, ty: ValType) -> Value {
        let value = self.new_value(ty, ValueDef::Param(block));
        let mut params = self.blocks[block.index()].params;
        self.push_to_list(&mut params, value);
        self.blocks[block.index()].params = params;
        value
    }

    /// Appends a parameter of type `ty` to `block`, whose parameter list has
    /// room for `capacity` values (see [`RegFunction::push_to_growing_list`]).
    pub(crate) fn add_growing_block_param(
        &mut self,
        block: Block,
        ty: ValType,
        capacity: &mut u32,
    ) -> Value {
        let value = self.new_value(ty, ValueDef::Param(block));
        let mut params = self.blocks[block.index()].params;
        self.push_to_growing_list(&mut params, capacity, value);
        self.blocks[block.index()].params = params;
        value
    }

    /// Removes the `index`-th parameter of `block` and marks its value removed.
    pub(crate) fn remove_block_param(&mut self, block: Block, index: usize) {
        let mut params = self.blocks[block.index()].params;
        if let Some(&value) = self.list(params).get(index) {
            self.values[value.index()].def = ValueDef::Removed;
            self.remove_from_list(&mut params, index);
            self.blocks[block.index()].params = params;
        }
    }

    /// Stores the targets of a terminator.
    pub(crate) fn alloc_targets(&mut self, targets: &[BlockCall]) -> BlockCallList {
        let start = self.edges.len() as u32;
        self.edges.extend_from_slice(targets);
        BlockCallList {
            start,
            len: targets.len() as u32,
        }
    }

    /// The `i`-th edge of the whole edge pool.
    pub(crate) fn edge_mut(&mut self, edge: usize) -> &mut BlockCall {
        &mut self.edges[edge]
    }

    /// The edge pool index of every edge leaving `inst`.
    pub(crate) fn edge_indices(&self, inst: Inst) -> Range<usize> {
        let targets = self.insts[inst.index()].targets;
        targets.edge(0)..targets.edge(targets.len())
    }

    /// Replaces the operands of `inst`.
    pub(crate) fn set_args(&mut self, inst: Inst, args: &[Value]) {
        let list = if args.len() <= self.insts[inst.index()].args.len() {
            let mut list = self.insts[inst.index()].args;
            list.len = args.len() as u32;
            self.list_mut(list).copy_from_slice(args);
            list
        } else {
            self.alloc_list(args)
        };
        self.insts[inst.index()].args = list;
    }

    /// Turns `inst` into `opcode` with operands `args`, keeping its results
    /// and targets.
    pub(crate) fn rewrite(&mut self, inst: Inst, opcode: Opcode, args: &[Value]) {
        self.insts[inst.index()].opcode = opcode;
        self.set_args(inst, args);
    }

    /// Turns a branch into `jump` along its `edge`-th target.
    pub(crate) fn rewrite_as_jump(&mut self, inst: Inst, edge: usize) {
        let Some(&call) = self.inst_targets(inst).get(edge) else {
            return;
        };
        let targets = self.alloc_targets(&[call]);
        let data = &mut self.insts[inst.index()];
        data.opcode = Opcode::Jump;
        data.args = ValueList::default();
        data.targets = targets;
    }

    /// Applies `replace` to every operand and edge argument.
    pub(crate) fn replace_uses(&mut self, mut replace: impl FnMut(Value) -> Value) {
        for i in 0..self.insts.len() {
            let inst = Inst::from_index(i);
            let args = self.insts[i].args;
            for value in self.list_mut(args) {
                *value = replace(*value);
            }
            for edge in self.edge_indices(inst) {
                let args = self.edges[edge].args;
                for value in self.list_mut(args) {
                    *value = replace(*value);
                }
            }
        }
    }

    /// How many times each value is used as an operand or edge argument.
    pub(crate) fn use_counts(&self) -> Vec<u32> {
        let mut counts = vec![0u32; self.values.len()];
        for inst in 0..self.insts.len() {
            let inst = Inst::from_index(inst);
            let edges = self.inst_targets(inst).iter().map(|call| call.args);
            for list in std::iter::once(self.insts[inst.index()].args).chain(edges) {
                for value in self.list(list) {
                    if let Some(count) = counts.get_mut(value.index()) {
                        *count += 1;
                    }
                }
            }
        }
        counts
    }
}
