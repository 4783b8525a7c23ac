//! SSA construction for wasm locals, after Braun et al., "Simple and Efficient
//! Construction of Static Single Assignment Form" (CC 2013), with block
//! parameters in place of phis.
//!
//! A local's current value is recorded per block. Reading a local in a block
//! without a definition looks through single predecessors; at a merge it adds
//! a block parameter and asks every predecessor for an argument. Blocks whose
//! predecessors are not all known yet (loop headers until the loop's `end`,
//! merge blocks until their `end`) are *unsealed*: a read there adds an
//! "incomplete" parameter whose arguments are filled in when the block is
//! sealed. A parameter all of whose arguments are the same value (or itself)
//! is trivial: it is removed and becomes an alias of that value, so a local
//! that a loop never redefines gets no parameter.
//!
//! The recursion of the paper runs on an explicit stack, so deeply nested
//! code cannot overflow the native stack.

use zwasm_decode::ValType;

use super::defs::Defs;
use crate::entities::{Block, Value};
use crate::function::RegFunction;

/// The entry block: it has no predecessors and defines every local initially.
const ENTRY: Block = Block(0);

/// An edge into a block: where it comes from and its index in the edge pool.
#[derive(Clone, Copy, Debug)]
pub(super) struct Edge {
    pub from: Block,
    pub edge: u32,
}

/// What the builder knows about the locals: their types and initial values.
#[derive(Debug, Default)]
pub(super) struct Locals {
    pub types: Vec<ValType>,
    /// The entry block parameters: initial values of the parameter locals.
    pub params: Vec<Value>,
    /// The zero constant of each type of declared local, emitted in the
    /// entry block; indexed by [`zero_slot`].
    pub zeros: [Option<Value>; 7],
}

/// Index of a type in [`Locals::zeros`].
pub(super) fn zero_slot(ty: ValType) -> usize {
    match ty {
        ValType::I32 => 0,
        ValType::I64 => 1,
        ValType::F32 => 2,
        ValType::F64 => 3,
        ValType::V128 => 4,
        ValType::FuncRef => 5,
        ValType::ExternRef => 6,
    }
}

impl Locals {
    /// The type and initial value of `local`.
    fn initial(&self, local: u32) -> Option<(ValType, Value)> {
        let ty = *self.types.get(local as usize)?;
        let value = match self.params.get(local as usize) {
            Some(&param) => param,
            None => self.zeros[zero_slot(ty)]?,
        };
        Some((ty, value))
    }
}

/// One step of the explicit-stack read.
#[derive(Clone, Copy, Debug)]
enum Step {
    /// Find the local's value at the end of this block; push it on `results`.
    Read(Block),
    /// All predecessors' values of `param`'s local are on `results`: pass
    /// them as edge arguments, then try to remove the parameter.
    Finish { param: Value, block: Block },
}

/// The SSA state of the function being built. Buffers are reused.
#[derive(Debug, Default)]
pub(super) struct Ssa {
    defs: Defs,
    block_count: usize,
    sealed: Vec<bool>,
    preds: Vec<Vec<Edge>>,
    /// Per unsealed block: the parameters added by reads, with their local.
    incomplete: Vec<Vec<(u32, Value)>>,
    /// `aliases[v]` is what a removed trivial parameter `v` stands for
    /// (identity for every other value).
    aliases: Vec<Value>,
    steps: Vec<Step>,
    results: Vec<Value>,
    chain: Vec<Block>,
    /// Room in each edge's argument list (indexed by edge; missing: none),
    /// so that reads append arguments in amortised constant time.
    edge_capacity: Vec<u32>,
    /// Room in each block's parameter list, likewise.
    param_capacity: Vec<u32>,
}

impl Ssa {
    /// Forgets the previous function.
    pub fn clear(&mut self) {
        self.defs.clear();
        self.block_count = 0;
        self.aliases.clear();
        self.steps.clear();
        self.results.clear();
        self.edge_capacity.clear();
    }

    /// Registers a new (unsealed) block. Blocks are registered in index order.
    pub fn add_block(&mut self, block: Block) {
        let index = block.index();
        self.block_count = self.block_count.max(index + 1);
        self.defs.add_block(block);
        if self.sealed.len() <= index {
            self.sealed.resize(index + 1, false);
            self.preds.resize_with(index + 1, Vec::new);
            self.incomplete.resize_with(index + 1, Vec::new);
            self.param_capacity.resize(index + 1, 0);
        }
        self.param_capacity[index] = 0;
        self.sealed[index] = false;
        self.preds[index].clear();
        self.incomplete[index].clear();
    }

    /// Sets the number of locals; only before the first read or write.
    pub fn set_local_count(&mut self, count: usize) {
        self.defs.set_width(count, self.block_count);
    }

    /// Records an edge into `block`.
    pub fn add_pred(&mut self, block: Block, edge: Edge) {
        if let Some(preds) = self.preds.get_mut(block.index()) {
            preds.push(edge);
        }
    }

    /// What `value` stands for after trivial parameters were removed.
    pub fn resolve(&self, mut value: Value) -> Value {
        while let Some(&alias) = self.aliases.get(value.index()) {
            if alias == value {
                break;
            }
            value = alias;
        }
        value
    }

    /// Sets `local`'s value at the current point of `block`.
    pub fn write(&mut self, block: Block, local: u32, value: Value) {
        self.defs.insert(block, local, value);
    }

    /// The value of `local` at the current point of `block`.
    pub fn read(
        &mut self,
        func: &mut RegFunction,
        locals: &Locals,
        local: u32,
        block: Block,
    ) -> Result<Value, String> {
        let (ty, initial) = locals
            .initial(local)
            .ok_or_else(|| format!("local {local} has no type or initial value"))?;
        self.steps.clear();
        self.results.clear();
        self.steps.push(Step::Read(block));
        while let Some(step) = self.steps.pop() {
            match step {
                Step::Read(block) => {
                    if let Some(value) = self.read_or_defer(func, local, ty, initial, block) {
                        self.results.push(value);
                    }
                }
                Step::Finish { param, block } => {
                    let count = self.preds[block.index()].len();
                    let start = self
                        .results
                        .len()
                        .checked_sub(count)
                        .ok_or("SSA read lost predecessor values")?;
                    for i in 0..count {
                        let edge = self.preds[block.index()][i].edge as usize;
                        self.push_edge_arg(func, edge, self.results[start + i]);
                    }
                    self.results.truncate(start);
                    let value = self.remove_if_trivial(func, block, param);
                    self.results.push(value);
                }
            }
        }
        self.results
            .pop()
            .ok_or_else(|| "SSA read produced no value".to_string())
    }

    /// Finds `local` in `block` or up its chain of single predecessors. At a
    /// sealed merge it adds a parameter and schedules the predecessors' reads
    /// instead, returning `None`.
    fn read_or_defer(
        &mut self,
        func: &mut RegFunction,
        local: u32,
        ty: ValType,
        initial: Value,
        block: Block,
    ) -> Option<Value> {
        self.chain.clear();
        let mut current = block;
        let found = loop {
            if let Some(value) = self.defs.get(current, local) {
                break self.resolve(value);
            }
            if current == ENTRY {
                break initial;
            }
            let index = current.index();
            if !self.sealed.get(index).copied().unwrap_or(true) {
                let param =
                    func.add_growing_block_param(current, ty, &mut self.param_capacity[index]);
                self.incomplete[index].push((local, param));
                break param;
            }
            match self.preds.get(index).map_or(0, Vec::len) {
                // Unreachable: any value of the right type will do.
                0 => break initial,
                1 => {
                    self.chain.push(current);
                    current = self.preds[index][0].from;
                }
                _ => {
                    let param =
                        func.add_growing_block_param(current, ty, &mut self.param_capacity[index]);
                    self.record(current, local, param);
                    self.steps.push(Step::Finish {
                        param,
                        block: current,
                    });
                    for edge in self.preds[index].iter().rev() {
                        self.steps.push(Step::Read(edge.from));
                    }
                    return None;
                }
            }
        };
        self.record(current, local, found);
        Some(found)
    }

    /// Appends `value` to the arguments of edge `edge`.
    fn push_edge_arg(&mut self, func: &mut RegFunction, edge: usize, value: Value) {
        if self.edge_capacity.len() <= edge {
            // Edges not seen yet have no spare room.
            self.edge_capacity.resize(edge + 1, 0);
        }
        let mut args = func.edges[edge].args;
        func.push_to_growing_list(&mut args, &mut self.edge_capacity[edge], value);
        func.edge_mut(edge).args = args;
    }

    /// Memoises `value` as `local`'s value in `block` and in every block of
    /// the single-predecessor chain walked to reach it.
    fn record(&mut self, block: Block, local: u32, value: Value) {
        self.defs.insert(block, local, value);
        for &through in &self.chain {
            self.defs.insert(through, local, value);
        }
    }

    /// Seals `block`: all its predecessors are known, so its incomplete
    /// parameters get their arguments.
    pub fn seal(
        &mut self,
        func: &mut RegFunction,
        locals: &Locals,
        block: Block,
    ) -> Result<(), String> {
        let index = block.index();
        if self.sealed.get(index).copied().unwrap_or(true) {
            return Ok(());
        }
        self.sealed[index] = true;
        let incomplete = std::mem::take(&mut self.incomplete[index]);
        for &(local, param) in &incomplete {
            for i in 0..self.preds[index].len() {
                let Edge { from, edge } = self.preds[index][i];
                let value = self.read(func, locals, local, from)?;
                self.push_edge_arg(func, edge as usize, value);
            }
            self.remove_if_trivial(func, block, param);
        }
        let mut buffer = incomplete;
        buffer.clear();
        self.incomplete[index] = buffer;
        Ok(())
    }

    /// Removes `param` from `block` if all its arguments are one other value
    /// (or itself), returning what it stands for from now on.
    fn remove_if_trivial(&mut self, func: &mut RegFunction, block: Block, param: Value) -> Value {
        let Some(position) = func.block_params(block).iter().rposition(|&p| p == param) else {
            return self.resolve(param);
        };
        let preds = &self.preds[block.index()];
        let mut same = None;
        for edge in preds {
            let Some(&arg) = func.list(func.edges[edge.edge as usize].args).get(position) else {
                return param;
            };
            let arg = self.resolve(arg);
            if arg == param || Some(arg) == same {
                continue;
            }
            if same.is_some() {
                return param;
            }
            same = Some(arg);
        }
        let Some(same) = same else {
            return param;
        };
        for edge in preds {
            let mut args = func.edges[edge.edge as usize].args;
            func.remove_from_list(&mut args, position);
            func.edge_mut(edge.edge as usize).args = args;
        }
        func.remove_block_param(block, position);
        if self.aliases.len() <= param.index() {
            let start = self.aliases.len();
            self.aliases
                .extend((start..=param.index()).map(Value::from_index));
        }
        self.aliases[param.index()] = same;
        same
    }
}
