//! Emission: ir-reg instructions in layout order become fast-tier ops over
//! the allocated slots.
//!
//! Control flow: a conditional branch jumps on one edge and falls into
//! (or jumps along) the other, inverting its condition when the taken edge
//! leads to the next block. Edge copies into block parameters are emitted
//! before the jump on unconditional edges and in out-of-line trampolines on
//! conditional ones. A jump to a block that is nothing but a conditional
//! branch or a return gets a copy of that terminator instead (loops test
//! their condition at the bottom without an extra jump), and branches to a
//! block that only jumps on without moving anything go straight to its
//! target.

use zwasm_decode::Module;
use zwasm_ir_reg::{Block, Inst, Opcode, RegFunction, ValType, Value};

use super::CompileError;
use super::analyze::Analysis;
use super::forms::{Access, Cond, Operand, access, binary_forms, unary_form};
use super::moves::{Move, sequentialize};
use super::peephole::Code;
use crate::fast::code::{
    Bin, BinImm, BrTable, Bulk, Call, CallIndirect, Const32, Const64, Load, Op, Select, Slot,
    SlotIndex, Slots2Index, Store, TableGrow, Un,
};

use super::alloc::NO_SLOT;

/// A branch operand to patch once every block has its address.
#[derive(Clone, Copy, Debug)]
enum Patch {
    /// The target of the branch op at this index.
    Op(usize),
    /// Entry `table` of `FastFunc::targets` and the `Br` op at `op` (a
    /// `br_table` case, which has both).
    Both { table: usize, op: usize },
}

/// The output of emission, before assembly into a `FastFunc`.
#[derive(Debug, Default)]
pub(super) struct Emitted {
    pub code: Vec<Op>,
    pub offsets: Vec<u32>,
    pub lists: Vec<Slot>,
    pub targets: Vec<u32>,
    pub imms: Vec<(u32, u64)>,
    /// Largest argument or result count of a call.
    pub max_out: u32,
    pub used_scratch: bool,
    /// TIERING: the block of each `LoopHeader` op.
    pub loops: Vec<u32>,
    /// The values of the frame's last slots (`FastFunc::consts`).
    pub consts: Vec<u64>,
}

pub(super) struct Emitter<'a> {
    func: &'a RegFunction,
    module: &'a Module,
    analysis: &'a Analysis,
    slots: &'a [u32],
    scratch: Slot,
    out: Emitted,
    labels: Vec<u32>,
    /// Branches to blocks, and the edges that need a trampoline.
    block_patches: Vec<(Patch, Block)>,
    trampolines: Vec<(Patch, Inst, usize)>,
    moves: Vec<Move>,
    offset: u32,
    /// Per block: where branches to it really go ([`Self::resolve`]).
    resolved: Vec<Block>,
    /// The ops emitted so far (with their fusions).
    buf: Code,
    /// TIERING (issue 5): per block, whether it starts with a `LoopHeader`.
    pub loop_headers: Vec<bool>,
}

impl<'a> Emitter<'a> {
    pub fn new(
        func: &'a RegFunction,
        module: &'a Module,
        analysis: &'a Analysis,
        slots: &'a [u32],
        scratch: Slot,
    ) -> Self {
        Emitter {
            func,
            module,
            analysis,
            slots,
            scratch,
            out: Emitted::default(),
            labels: vec![u32::MAX; func.num_blocks()],
            block_patches: Vec::new(),
            trampolines: Vec::new(),
            moves: Vec::new(),
            offset: u32::MAX,
            resolved: Vec::new(),
            buf: Code::default(),
            loop_headers: Vec::new(), // TIERING
        }
    }

    pub fn run(mut self) -> Result<Emitted, CompileError> {
        let func = self.func;
        self.resolved = self.forwarding();
        // Blocks that only forward to another block are never emitted:
        // every branch and fall-through goes straight to the destination.
        let layout: Vec<Block> = func
            .blocks()
            .filter(|&block| {
                self.analysis.is_reachable(block)
                    && (block == func.entry_block() || self.resolve(block) == block)
            })
            .collect();
        for (at, &block) in layout.iter().enumerate() {
            let next = layout.get(at + 1).copied();
            self.labels[block.index()] = self.buf.ops.len() as u32;
            self.buf.floor = self.buf.ops.len();
            if block == func.entry_block() {
                self.hoisted_constants()?;
            }
            // TIERING (issue 5): loop headers count iterations (Auto only).
            if self.loop_headers.get(block.index()) == Some(&true) {
                self.emit(Op::LoopHeader(self.out.loops.len() as u32));
                self.out.loops.push(block.0);
                self.buf.floor = self.buf.ops.len();
            }
            let mut insts = func.block_insts(block).peekable();
            while let Some(inst) = insts.next() {
                self.offset = func.inst(inst).offset.unwrap_or(u32::MAX);
                if func.opcode(inst).is_terminator() {
                    self.terminator(inst, next, true)?;
                } else if let Some(&next) = insts.peek()
                    && self.fuse_address(inst, next)?
                {
                    insts.next();
                } else {
                    self.instruction(inst)?;
                }
            }
        }
        // Trampolines may add block patches, so they go first.
        let mut at = 0;
        while at < self.trampolines.len() {
            let (patch, inst, edge) = self.trampolines[at];
            at += 1;
            self.offset = self.func.inst(inst).offset.unwrap_or(u32::MAX);
            let pc = self.buf.ops.len() as u32;
            self.buf.floor = self.buf.ops.len();
            self.patch(patch, pc);
            self.edge_moves(inst, edge)?;
            let target = self.func.inst_targets(inst)[edge].block;
            self.branch_to(self.resolve(target));
        }
        for (patch, block) in std::mem::take(&mut self.block_patches) {
            let label = self.labels[self.resolve(block).index()];
            if label == u32::MAX {
                return Err(self.internal("branch to a block that was not emitted"));
            }
            self.patch(patch, label);
        }
        self.out.code = std::mem::take(&mut self.buf.ops);
        self.out.offsets = std::mem::take(&mut self.buf.offsets);
        Ok(self.out)
    }

    fn internal(&self, message: &str) -> CompileError {
        CompileError::Internal {
            func: self.func.func_index(),
            message: message.to_string(),
        }
    }

    fn patch(&mut self, patch: Patch, pc: u32) {
        match patch {
            Patch::Op(at) => {
                if let Some(target) = self.buf.ops.get_mut(at).and_then(Op::target_mut) {
                    *target = pc;
                }
            }
            Patch::Both { table, op } => {
                if let Some(target) = self.out.targets.get_mut(table) {
                    *target = pc;
                }
                if let Some(target) = self.buf.ops.get_mut(op).and_then(Op::target_mut) {
                    *target = pc;
                }
            }
        }
    }

    fn emit(&mut self, op: Op) {
        self.buf.push(op, self.offset);
    }

    /// Emits the conditional branch `op`, fused with the op before it
    /// when that op computes what it tests; returns the index of the op
    /// that holds the branch target.
    fn emit_branch(&mut self, op: Op) -> usize {
        self.buf.push_branch(op, self.offset)
    }

    /// The slot of `value`, which must have one.
    fn slot(&self, value: Value) -> Result<Slot, CompileError> {
        match self.slots.get(value.index()) {
            Some(&slot) if slot != NO_SLOT => Ok(slot as Slot),
            _ => Err(self.internal("value without a slot")),
        }
    }

    /// The slot of `value` if it has one (unused constants have none).
    fn maybe_slot(&self, value: Value) -> Option<Slot> {
        match self.slots.get(value.index()) {
            Some(&slot) if slot != NO_SLOT => Some(slot as Slot),
            _ => None,
        }
    }

    fn is_wide(&self, value: Value) -> bool {
        self.func.value_type(value) == ValType::I64
    }

    // --- straight-line instructions ---

    /// Emits `add` (an `i32.add` of two slots) and the memory-0 access
    /// `access` right after it as one op, when the sum is only that
    /// access's address: a `LoadIdx` or `StoreIdx`, saving a dispatch and a
    /// round trip of the sum through its slot. `false`: not that pattern,
    /// nothing emitted.
    fn fuse_address(&mut self, add: Inst, access_inst: Inst) -> Result<bool, CompileError> {
        let func = self.func;
        if !matches!(func.opcode(add), Opcode::I32Add) || self.analysis.fold[add.index()].is_some()
        {
            return Ok(false);
        }
        let (&[sum], &[a, b]) = (func.inst_results(add), func.inst_args(add)) else {
            return Ok(false);
        };
        if self.analysis.uses[sum.index()] != 1 || self.analysis.hoisted[sum.index()] {
            return Ok(false);
        }
        let opcode = func.opcode(access_inst);
        let (Some(access), Some(mem)) = (access(&opcode), opcode.mem_arg()) else {
            return Ok(false);
        };
        let Ok(offset) = u32::try_from(mem.offset) else {
            return Ok(false);
        };
        let args = func.inst_args(access_inst);
        if mem.memory != 0 || args.first() != Some(&sum) {
            return Ok(false);
        }
        let (a, b) = (self.slot(a)?, self.slot(b)?);
        let plain = match access {
            Access::Load(_, form) => {
                let Some(&result) = func.inst_results(access_inst).first() else {
                    return Ok(false);
                };
                form(Load {
                    dst: self.slot(result)?,
                    addr: 0,
                    offset,
                })
            }
            Access::Store(_, form) => {
                let Some(&value) = args.get(1) else {
                    return Ok(false);
                };
                form(Store {
                    addr: 0,
                    value: self.slot(value)?,
                    offset,
                })
            }
        };
        let Some(fused) = plain.indexed(a, b) else {
            return Ok(false);
        };
        // A trap is the access's.
        self.offset = func.inst(access_inst).offset.unwrap_or(u32::MAX);
        self.emit(fused);
        Ok(true)
    }

    fn instruction(&mut self, inst: Inst) -> Result<(), CompileError> {
        let func = self.func;
        let opcode = func.opcode(inst);
        let args = func.inst_args(inst);
        let results = func.inst_results(inst);
        if let Opcode::Call { .. } | Opcode::CallIndirect { .. } = opcode {
            return self.call(inst);
        }
        if results
            .first()
            .is_some_and(|v| self.analysis.hoisted[v.index()])
        {
            return Ok(());
        }
        let dst = match results.first() {
            Some(&result) => match self.maybe_slot(result) {
                Some(slot) => Some(slot),
                // Only constants read solely as immediates have no slot.
                None => return Ok(()),
            },
            None => None,
        };
        let arg = |i: usize| -> Result<Slot, CompileError> {
            let value = *args
                .get(i)
                .ok_or_else(|| self.internal("missing operand"))?;
            self.slot(value)
        };
        let need_dst = || dst.ok_or_else(|| self.internal("missing result"));
        if let Some(forms) = binary_forms(&opcode) {
            let dst = need_dst()?;
            let op = match self.analysis.fold[inst.index()] {
                Some(fold) if fold.operand == 1 => {
                    let imm = forms
                        .imm
                        .ok_or_else(|| self.internal("no immediate form"))?;
                    imm(BinImm {
                        dst,
                        a: arg(0)?,
                        imm: fold.imm,
                    })
                }
                Some(fold) => {
                    let swapped = forms
                        .swapped
                        .ok_or_else(|| self.internal("no mirrored form"))?;
                    swapped(BinImm {
                        dst,
                        a: arg(1)?,
                        imm: fold.imm,
                    })
                }
                None => (forms.reg)(Bin {
                    dst,
                    a: arg(0)?,
                    b: arg(1)?,
                }),
            };
            self.emit(op);
            return Ok(());
        }
        if let Some(form) = unary_form(&opcode) {
            let un = Un {
                dst: need_dst()?,
                src: arg(0)?,
            };
            match form {
                Some(form) => self.emit(form(un)),
                None if un.dst != un.src => self.emit(Op::Copy(un)),
                None => {}
            }
            return Ok(());
        }
        if let (Some(access), Some(mem)) = (access(&opcode), opcode.mem_arg()) {
            let op = match access {
                Access::Load(..) => {
                    let (dst, addr) = (need_dst()?, arg(0)?);
                    access.op(&mem, dst, addr, &mut self.out.imms)
                }
                Access::Store(..) => {
                    let (addr, value) = (arg(0)?, arg(1)?);
                    access.op(&mem, value, addr, &mut self.out.imms)
                }
            };
            self.emit(op);
            return Ok(());
        }
        let op = match opcode {
            Opcode::I32Const { .. }
            | Opcode::I64Const { .. }
            | Opcode::F32Const { .. }
            | Opcode::F64Const { .. }
            | Opcode::RefNull { .. } => {
                let dst = need_dst()?;
                let constant = results
                    .first()
                    .and_then(|v| self.analysis.konst[v.index()])
                    .ok_or_else(|| self.internal("constant without a value"))?;
                if constant.narrow {
                    Op::Const32(Const32 {
                        dst,
                        value: constant.bits as u32,
                    })
                } else {
                    Op::Const64(Const64::new(dst, constant.bits))
                }
            }
            Opcode::Copy => {
                let (dst, src) = (need_dst()?, arg(0)?);
                if dst == src {
                    return Ok(());
                }
                Op::Copy(Un { dst, src })
            }
            Opcode::Select => Op::Select(Select {
                dst: need_dst()?,
                cond: arg(0)?,
                a: arg(1)?,
                b: arg(2)?,
            }),
            Opcode::RefFunc { func } => Op::RefFunc(SlotIndex {
                slot: need_dst()?,
                index: func,
            }),
            Opcode::GlobalGet { global } => Op::GlobalGet(SlotIndex {
                slot: need_dst()?,
                index: global,
            }),
            Opcode::GlobalSet { global } => Op::GlobalSet(SlotIndex {
                slot: arg(0)?,
                index: global,
            }),
            Opcode::TableGet { table } => Op::TableGet(Slots2Index {
                a: need_dst()?,
                b: arg(0)?,
                index: table,
            }),
            Opcode::TableSet { table } => Op::TableSet(Slots2Index {
                a: arg(0)?,
                b: arg(1)?,
                index: table,
            }),
            Opcode::TableSize { table } => Op::TableSize(SlotIndex {
                slot: need_dst()?,
                index: table,
            }),
            Opcode::TableGrow { table } => Op::TableGrow(TableGrow {
                dst: need_dst()?,
                init: arg(0)?,
                delta: arg(1)?,
                table,
            }),
            Opcode::TableFill { table } => Op::TableFill(self.bulk(args, table, 0)?),
            Opcode::TableCopy { dst, src } => Op::TableCopy(self.bulk(args, dst, src)?),
            Opcode::TableInit { elem, table } => Op::TableInit(self.bulk(args, elem, table)?),
            Opcode::ElemDrop { elem } => Op::ElemDrop(elem),
            Opcode::MemorySize { memory } => Op::MemorySize(SlotIndex {
                slot: need_dst()?,
                index: memory,
            }),
            Opcode::MemoryGrow { memory } => Op::MemoryGrow(Slots2Index {
                a: need_dst()?,
                b: arg(0)?,
                index: memory,
            }),
            Opcode::MemoryFill { memory } => Op::MemoryFill(self.bulk(args, memory, 0)?),
            Opcode::MemoryCopy { dst, src } => Op::MemoryCopy(self.bulk(args, dst, src)?),
            Opcode::MemoryInit { data, memory } => Op::MemoryInit(self.bulk(args, data, memory)?),
            Opcode::DataDrop { data } => Op::DataDrop(data),
            _ => return Err(self.internal(&format!("cannot translate {opcode}"))),
        };
        self.emit(op);
        Ok(())
    }

    /// A bulk op's three operands and two indices.
    /// Materialises the constants hoisted out of loops, once per call.
    fn hoisted_constants(&mut self) -> Result<(), CompileError> {
        for value in 0..self.func.num_values() {
            if !self.analysis.hoisted[value] {
                continue;
            }
            let value = Value(value as u32);
            let (Some(dst), Some(constant)) =
                (self.maybe_slot(value), self.analysis.konst[value.index()])
            else {
                return Err(self.internal("hoisted constant without a slot"));
            };
            self.emit(if constant.narrow {
                Op::Const32(Const32 {
                    dst,
                    value: constant.bits as u32,
                })
            } else {
                Op::Const64(Const64::new(dst, constant.bits))
            });
        }
        Ok(())
    }

    fn bulk(&mut self, args: &[Value], x: u32, y: u32) -> Result<Bulk, CompileError> {
        let [a, b, c] = *args else {
            return Err(self.internal("bulk operation without three operands"));
        };
        let imm = self.out.imms.len() as u32;
        let bulk = Bulk {
            a: self.slot(a)?,
            b: self.slot(b)?,
            c: self.slot(c)?,
            imm,
        };
        self.out.imms.push((x, u64::from(y)));
        Ok(bulk)
    }

    fn table16(&self, table: u32) -> Result<u16, CompileError> {
        u16::try_from(table).map_err(|_| self.internal("table index beyond 16 bits"))
    }

    /// Stores `[args.len(), results.len(), args…, results…]` and returns its index.
    fn call_list(&mut self, args: &[Value], results: &[Value]) -> Result<u32, CompileError> {
        let at = self.out.lists.len() as u32;
        let count = |n: usize| Slot::try_from(n).map_err(|_| self.internal("too many operands"));
        let header = [count(args.len())?, count(results.len())?];
        self.out.lists.extend_from_slice(&header);
        for &value in args.iter().chain(results) {
            let slot = self.slot(value)?;
            self.out.lists.push(slot);
        }
        Ok(at)
    }

    fn note_out(&mut self, args: usize, results: usize) {
        self.out.max_out = self.out.max_out.max(args.max(results) as u32);
    }

    fn call(&mut self, inst: Inst) -> Result<(), CompileError> {
        let func = self.func;
        let args = func.inst_args(inst);
        let results = func.inst_results(inst);
        let op = match func.opcode(inst) {
            Opcode::Call { func: callee } => {
                self.note_out(args.len(), results.len());
                let list = self.call_list(args, results)?;
                match callee.checked_sub(self.module.func_imports) {
                    Some(defined) => Op::CallInternal(Call {
                        func: defined,
                        list,
                    }),
                    None => Op::Call(Call { func: callee, list }),
                }
            }
            Opcode::CallIndirect { type_index, table } => {
                let (&index, args) = args
                    .split_first()
                    .ok_or_else(|| self.internal("call_indirect without an index"))?;
                self.note_out(args.len(), results.len());
                Op::CallIndirect(CallIndirect {
                    index: self.slot(index)?,
                    table: self.table16(table)?,
                    type_index,
                    list: self.call_list(args, results)?,
                })
            }
            _ => return Err(self.internal("not a call")),
        };
        self.emit(op);
        Ok(())
    }

    // --- control flow ---

    /// Emits `inst`, the terminator of a block followed by `next` in the
    /// layout. `thread` allows copying the terminator of a jump's target.
    fn terminator(
        &mut self,
        inst: Inst,
        next: Option<Block>,
        thread: bool,
    ) -> Result<(), CompileError> {
        let func = self.func;
        let args = func.inst_args(inst);
        let arg = |i: usize| -> Result<Slot, CompileError> {
            self.slot(
                *args
                    .get(i)
                    .ok_or_else(|| self.internal("missing operand"))?,
            )
        };
        match func.opcode(inst) {
            Opcode::Jump => self.jump_edge(inst, 0, next, thread),
            Opcode::BrIf => {
                let wide = args.first().is_some_and(|&v| self.is_wide(v));
                let cond = Cond::Nez { wide };
                self.conditional(
                    inst,
                    cond,
                    Operand::Slot(arg(0)?),
                    Operand::Imm(0),
                    next,
                    thread,
                )
            }
            Opcode::BrEqz => {
                let wide = args.first().is_some_and(|&v| self.is_wide(v));
                let cond = Cond::Eqz { wide };
                self.conditional(
                    inst,
                    cond,
                    Operand::Slot(arg(0)?),
                    Operand::Imm(0),
                    next,
                    thread,
                )
            }
            Opcode::BrIcmp { cond: cc } => {
                let wide = args.first().is_some_and(|&v| self.is_wide(v));
                let cond = Cond::Int { cc, wide };
                let (a, b) = match self.analysis.fold[inst.index()] {
                    Some(fold) if fold.operand == 1 => {
                        (Operand::Slot(arg(0)?), Operand::Imm(fold.imm))
                    }
                    Some(fold) => (Operand::Imm(fold.imm), Operand::Slot(arg(1)?)),
                    None => (Operand::Slot(arg(0)?), Operand::Slot(arg(1)?)),
                };
                self.conditional(inst, cond, a, b, next, thread)
            }
            Opcode::BrFcmp { cond: cc } => {
                let wide = args
                    .first()
                    .is_some_and(|&v| func.value_type(v) == ValType::F64);
                let cond = Cond::Float {
                    cc,
                    wide,
                    negated: false,
                };
                self.conditional(
                    inst,
                    cond,
                    Operand::Slot(arg(0)?),
                    Operand::Slot(arg(1)?),
                    next,
                    thread,
                )
            }
            Opcode::BrTable => {
                // The targets go both to the side table (for the match
                // loops) and, as one `Br` per case, right after the op, so
                // that the threaded handler finds case `i` at op `pc + 1 +
                // i` without the function's side tables (the verifier
                // checks that the two agree).
                let index = arg(0)?;
                let start = self.out.targets.len();
                let edges = func.inst_targets(inst).len();
                self.emit(Op::BrTable(BrTable {
                    index,
                    targets: start as u32,
                    len: edges as u32,
                }));
                for edge in 0..edges {
                    let patch = Patch::Both {
                        table: self.out.targets.len(),
                        op: self.buf.ops.len(),
                    };
                    self.out.targets.push(u32::MAX);
                    self.buf.push_raw(Op::Br(u32::MAX), self.offset);
                    self.edge_target(patch, inst, edge)?;
                }
                Ok(())
            }
            Opcode::Return => {
                let op = match args {
                    [] => Op::Return0(()),
                    [value] => Op::Return1(self.slot(*value)?),
                    values => {
                        let at = self.out.lists.len() as u32;
                        let len = Slot::try_from(values.len())
                            .map_err(|_| self.internal("too many results"))?;
                        self.out.lists.push(len);
                        for &value in values {
                            let slot = self.slot(value)?;
                            self.out.lists.push(slot);
                        }
                        Op::Return(at)
                    }
                };
                self.emit(op);
                Ok(())
            }
            Opcode::Trap { .. } => {
                self.emit(Op::Trap(()));
                Ok(())
            }
            Opcode::ReturnCall { func: callee } => {
                let results = self
                    .module
                    .func_type(callee)
                    .map_or(0, |ty| ty.results.len());
                self.note_out(args.len(), results);
                let list = self.call_list(args, &[])?;
                self.emit(match callee.checked_sub(self.module.func_imports) {
                    Some(defined) => Op::ReturnCallInternal(Call {
                        func: defined,
                        list,
                    }),
                    None => Op::ReturnCall(Call { func: callee, list }),
                });
                Ok(())
            }
            Opcode::ReturnCallIndirect { type_index, table } => {
                let (&index, args) = args
                    .split_first()
                    .ok_or_else(|| self.internal("return_call_indirect without an index"))?;
                let results = self
                    .module
                    .types
                    .get(type_index as usize)
                    .map_or(0, |ty| ty.results.len());
                self.note_out(args.len(), results);
                let op = Op::ReturnCallIndirect(CallIndirect {
                    index: self.slot(index)?,
                    table: self.table16(table)?,
                    type_index,
                    list: self.call_list(args, &[])?,
                });
                self.emit(op);
                Ok(())
            }
            opcode => Err(self.internal(&format!("unexpected terminator {opcode}"))),
        }
    }

    /// A two-way branch: edge 0 when `cond` holds, edge 1 otherwise.
    fn conditional(
        &mut self,
        inst: Inst,
        cond: Cond,
        a: Operand,
        b: Operand,
        next: Option<Block>,
        thread: bool,
    ) -> Result<(), CompileError> {
        let targets = self.func.inst_targets(inst);
        let (Some(taken), Some(other)) = (targets.first(), targets.get(1)) else {
            return Err(self.internal("conditional branch without two targets"));
        };
        // Fall into the taken edge's block when that is free (it is next
        // and needs no moves) and falling into the other one is not,
        // branching on the negated condition instead.
        let free_fall = |edge: usize, block: Block| {
            !self.has_moves(inst, edge) && Some(self.resolve(block)) == next
        };
        let invert = free_fall(0, taken.block) && !free_fall(1, other.block);
        let (cond, jump_edge, fall_edge) = if invert {
            (cond.negate(), 1, 0)
        } else {
            (cond, 0, 1)
        };
        let op = cond
            .op(a, b, u32::MAX)
            .ok_or_else(|| self.internal("branch operands without a form"))?;
        let at = self.emit_branch(op);
        self.edge_target(Patch::Op(at), inst, jump_edge)?;
        self.jump_edge(inst, fall_edge, next, thread)
    }

    /// Arranges for `patch` to lead along edge `edge` of `inst`: straight to
    /// the target block, or through a trampoline doing the edge's moves.
    fn edge_target(&mut self, patch: Patch, inst: Inst, edge: usize) -> Result<(), CompileError> {
        if self.has_moves(inst, edge) {
            self.trampolines.push((patch, inst, edge));
        } else {
            let target = self.func.inst_targets(inst)[edge].block;
            self.block_patches.push((patch, target));
        }
        Ok(())
    }

    /// Control continues along edge `edge` of `inst` from here: the edge's
    /// moves, then nothing (the target is next), a copy of the target's
    /// terminator, or a jump.
    fn jump_edge(
        &mut self,
        inst: Inst,
        edge: usize,
        next: Option<Block>,
        thread: bool,
    ) -> Result<(), CompileError> {
        self.edge_moves(inst, edge)?;
        let target = self.resolve(self.func.inst_targets(inst)[edge].block);
        if Some(target) == next {
            return Ok(());
        }
        if thread && self.threadable(target) {
            return self.copy_block(target, next);
        }
        self.branch_to(target);
        Ok(())
    }

    fn branch_to(&mut self, target: Block) {
        let at = self.buf.push_jump(u32::MAX, self.offset);
        self.block_patches.push((Patch::Op(at), target));
    }

    /// Whether to copy `block` in place of a jump to it: it is small and
    /// ends in a return or a branch that is not a plain jump, so the copy
    /// saves the jump (a loop tests its condition at the bottom; each case
    /// of a `br_table` loop gets its own dispatch branch, which predicts
    /// better). Running a block's ops elsewhere is exact: they see the same
    /// slots, since the jump's edge moves were done.
    fn threadable(&self, block: Block) -> bool {
        const MAX_OPS: u32 = 4;
        // TIERING: a copy would skip the header's `LoopHeader` op, so the
        // loop's iterations would go uncounted.
        if self.loop_headers.get(block.index()) == Some(&true) {
            return false;
        }
        let range = self.func.block_inst_range(block);
        if range.is_empty() || range.end - range.start > MAX_OPS {
            return false;
        }
        matches!(
            self.func.opcode(Inst(range.end - 1)),
            Opcode::Return
                | Opcode::BrIf
                | Opcode::BrEqz
                | Opcode::BrIcmp { .. }
                | Opcode::BrFcmp { .. }
                | Opcode::BrTable
        )
    }

    /// Emits a copy of `block` (see [`Self::threadable`]).
    fn copy_block(&mut self, block: Block, next: Option<Block>) -> Result<(), CompileError> {
        let saved = self.offset;
        for inst in self.func.block_insts(block) {
            self.offset = self.func.inst(inst).offset.unwrap_or(u32::MAX);
            if self.func.opcode(inst).is_terminator() {
                self.terminator(inst, next, false)?;
            } else {
                self.instruction(inst)?;
            }
        }
        self.offset = saved;
        Ok(())
    }

    /// The block control really ends up in when branching to `block`:
    /// blocks that only jump on without moving anything are skipped.
    fn resolve(&self, block: Block) -> Block {
        self.resolved.get(block.index()).copied().unwrap_or(block)
    }

    /// The block each block forwards to ([`Self::resolve`]). A cycle of
    /// forwarding blocks (an empty infinite loop) is represented by its
    /// lowest block, which is emitted and jumps to itself.
    fn forwarding(&self) -> Vec<Block> {
        let func = self.func;
        let blocks = func.num_blocks();
        let forward: Vec<Option<Block>> = func
            .blocks()
            .map(|block| {
                let range = func.block_inst_range(block);
                let term = Inst(range.start);
                let forwards = block != func.entry_block()
                    && range.end == range.start + 1
                    && func.opcode(term) == Opcode::Jump
                    && !self.has_moves(term, 0);
                forwards.then(|| func.inst_targets(term)[0].block)
            })
            .collect();
        let mut resolved: Vec<Option<Block>> = vec![None; blocks];
        let mut on_path = vec![usize::MAX; blocks];
        let mut path = Vec::new();
        for start in 0..blocks {
            path.clear();
            let mut current = start;
            let result = loop {
                if let Some(done) = resolved[current] {
                    break done;
                }
                let Some(next) = forward[current] else {
                    break Block(current as u32);
                };
                if on_path[current] == start {
                    let first = path.iter().position(|&b| b == current).unwrap_or(0);
                    break Block(path[first..].iter().copied().min().unwrap_or(current) as u32);
                }
                on_path[current] = start;
                path.push(current);
                current = next.index().min(blocks - 1);
            };
            for &block in &path {
                resolved[block] = Some(result);
            }
            resolved[start].get_or_insert(result);
        }
        resolved
            .into_iter()
            .enumerate()
            .map(|(at, block)| block.unwrap_or(Block(at as u32)))
            .collect()
    }

    /// The parameter assignments of edge `edge` of `inst`, without no-ops.
    fn collect_moves(&self, inst: Inst, edge: usize, moves: &mut Vec<Move>) {
        let func = self.func;
        let Some(call) = func.inst_targets(inst).get(edge) else {
            return;
        };
        let params = func.block_params(call.block);
        for (&arg, &param) in func.edge_args(call).iter().zip(params) {
            let Some(dst) = self.maybe_slot(param) else {
                continue;
            };
            if let Some(constant) = self.analysis.konst[arg.index()] {
                moves.push(Move::Const {
                    dst,
                    bits: constant.bits,
                    narrow: constant.narrow,
                });
            } else if let Some(src) = self.maybe_slot(arg)
                && src != dst
            {
                moves.push(Move::Copy { dst, src });
            }
        }
    }

    fn has_moves(&self, inst: Inst, edge: usize) -> bool {
        let mut moves = Vec::new();
        self.collect_moves(inst, edge, &mut moves);
        !moves.is_empty()
    }

    fn edge_moves(&mut self, inst: Inst, edge: usize) -> Result<(), CompileError> {
        let mut moves = std::mem::take(&mut self.moves);
        self.collect_moves(inst, edge, &mut moves);
        let start = self.buf.ops.len();
        let used = sequentialize(&mut moves, self.scratch, &mut self.buf.ops);
        self.out.used_scratch |= used;
        let added = self.buf.ops.len() - start;
        self.buf
            .offsets
            .extend(std::iter::repeat_n(self.offset, added));
        self.moves = moves;
        Ok(())
    }
}
