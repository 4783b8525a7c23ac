//! [`RegallocFunction`]: an ir-reg function as regalloc2 sees it.
//!
//! The only difference in shape is one pseudo-instruction in front of the
//! entry block's first instruction: regalloc2 forbids parameters on the
//! entry block, so the entry instruction defines `vmctx` and the function
//! parameters in their convention registers instead. regalloc2 instruction
//! `i + 1` is therefore ir-reg instruction `i`, and blocks keep their
//! numbers. Everything regalloc2 asks for is collected up front into flat
//! buffers that are reused from one function to the next.

use regalloc2::{
    Block as RaBlock, Function, Inst as RaInst, InstRange, Operand, OperandConstraint, OperandKind,
    PRegSet, RegClass, VReg,
};
use zwasm_decode::{Module, ValType};
use zwasm_ir_reg::{Block, Inst, RegFunction, Value};

use crate::error::RegallocError;
use crate::operands::{OperandRole, Site, VregSpace, clobbers_caller_saved, visit_operands};
use crate::target::{TargetDesc, class_of};

/// How an instruction ends (or does not end) its block, for regalloc2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum InstKind {
    Plain,
    /// A terminator with successors.
    Branch,
    /// A terminator without successors: `return`, `trap`, tail calls.
    Exit,
}

/// The flat form of one function that implements [`regalloc2::Function`].
#[derive(Debug, Default)]
pub(crate) struct RegallocFunction {
    func_index: u32,
    /// Per block: its regalloc2 instruction range.
    inst_ranges: Vec<(u32, u32)>,
    /// Per block: start of its successors in `succs` (one entry per edge);
    /// one extra entry at the end. Edge `e` of block `b` is edge
    /// `succ_offsets[b] + e` of the function.
    succ_offsets: Vec<u32>,
    succs: Vec<RaBlock>,
    /// Per block: start of its predecessors in `preds` (one per edge).
    pred_offsets: Vec<u32>,
    preds: Vec<RaBlock>,
    /// Per block: start of its parameters in `params`.
    param_offsets: Vec<u32>,
    params: Vec<VReg>,
    /// Per edge: start of its arguments in `edge_args`.
    edge_arg_offsets: Vec<u32>,
    edge_args: Vec<VReg>,
    /// Per regalloc2 instruction: start of its operands in `operands` and
    /// `roles`, which are parallel.
    operand_offsets: Vec<u32>,
    operands: Vec<Operand>,
    roles: Vec<OperandRole>,
    /// Per regalloc2 instruction.
    clobbers: Vec<PRegSet>,
    kinds: Vec<InstKind>,
    num_vregs: usize,
    float_spillslot_size: usize,
}

impl RegallocFunction {
    /// Index of the function in the module.
    pub(crate) fn func_index(&self) -> u32 {
        self.func_index
    }

    /// The operands of regalloc2 instruction `inst` with their roles.
    pub(crate) fn roles(&self, inst: usize) -> &[OperandRole] {
        &self.roles[self.operand_range(inst)]
    }

    /// The regalloc2 operands of instruction `inst`, in visiting order.
    pub(crate) fn operands(&self, inst: usize) -> &[Operand] {
        &self.operands[self.operand_range(inst)]
    }

    fn operand_range(&self, inst: usize) -> std::ops::Range<usize> {
        self.operand_offsets[inst] as usize..self.operand_offsets[inst + 1] as usize
    }

    /// Replaces the contents with `func`, after checking that it has the
    /// shape regalloc2 relies on (regalloc2 panics on some malformed input
    /// instead of reporting it).
    pub(crate) fn rebuild(
        &mut self,
        func: &RegFunction,
        module: &Module,
        target: &TargetDesc,
    ) -> Result<(), RegallocError> {
        self.func_index = func.func_index();
        let malformed = |message: String| RegallocError::Malformed {
            func: func.func_index(),
            message,
        };
        check_shape(func, module).map_err(malformed)?;
        self.collect_cfg(func);
        self.collect_operands(func, target);
        if self.num_vregs >= VReg::MAX {
            return Err(malformed(format!("{} virtual registers", self.num_vregs)));
        }
        let has_vectors = (0..func.num_values())
            .any(|value| func.value_type(Value(value as u32)) == ValType::V128);
        self.float_spillslot_size = if has_vectors { 2 } else { 1 };
        Ok(())
    }

    fn collect_cfg(&mut self, func: &RegFunction) {
        let block_count = func.num_blocks();
        self.inst_ranges.clear();
        self.succ_offsets.clear();
        self.succs.clear();
        self.param_offsets.clear();
        self.params.clear();
        self.edge_arg_offsets.clear();
        self.edge_args.clear();
        let mut pred_counts = vec![0u32; block_count + 1];
        for block in func.blocks() {
            let range = func.block_inst_range(block);
            let start = if block == func.entry_block() {
                0
            } else {
                range.start + 1
            };
            self.inst_ranges.push((start, range.end + 1));
            self.param_offsets.push(self.params.len() as u32);
            if block != func.entry_block() {
                let params = func.block_params(block);
                self.params
                    .extend(params.iter().map(|&value| value_vreg(func, value)));
            }
            self.succ_offsets.push(self.succs.len() as u32);
            let targets = func
                .terminator(block)
                .map_or(&[][..], |t| func.inst_targets(t));
            for call in targets {
                self.succs.push(RaBlock::new(call.block.index()));
                pred_counts[call.block.index() + 1] += 1;
                self.edge_arg_offsets.push(self.edge_args.len() as u32);
                let args = func.edge_args(call);
                self.edge_args
                    .extend(args.iter().map(|&value| value_vreg(func, value)));
            }
        }
        self.param_offsets.push(self.params.len() as u32);
        self.succ_offsets.push(self.succs.len() as u32);
        self.edge_arg_offsets.push(self.edge_args.len() as u32);
        // Predecessors by counting sort: ordered by source block, then edge.
        for i in 1..pred_counts.len() {
            pred_counts[i] += pred_counts[i - 1];
        }
        self.pred_offsets.clear();
        self.pred_offsets.extend_from_slice(&pred_counts);
        self.preds.clear();
        self.preds.resize(self.succs.len(), RaBlock::invalid());
        let mut fill = pred_counts;
        for block in 0..block_count {
            let edges = self.succ_offsets[block] as usize..self.succ_offsets[block + 1] as usize;
            for edge in edges {
                let succ = self.succs[edge].index();
                self.preds[fill[succ] as usize] = RaBlock::new(block);
                fill[succ] += 1;
            }
        }
    }

    fn collect_operands(&mut self, func: &RegFunction, target: &TargetDesc) {
        self.operand_offsets.clear();
        self.operands.clear();
        self.roles.clear();
        self.clobbers.clear();
        self.kinds.clear();
        let mut vregs = VregSpace::new(func);
        let sites = std::iter::once(Site::Entry)
            .chain((0..func.num_insts() as u32).map(|i| Site::Inst(Inst(i))));
        for site in sites {
            let first = self.operands.len();
            self.operand_offsets.push(first as u32);
            visit_operands(func, target, site, &mut vregs, &mut |role, operand| {
                self.roles.push(role);
                self.operands.push(operand);
            });
            let (kind, clobbers) = match site {
                Site::Entry => (InstKind::Plain, PRegSet::empty()),
                Site::Inst(inst) => {
                    let opcode = func.opcode(inst);
                    let kind = if !opcode.is_terminator() {
                        InstKind::Plain
                    } else if func.inst_targets(inst).is_empty() {
                        InstKind::Exit
                    } else {
                        InstKind::Branch
                    };
                    let clobbers = if clobbers_caller_saved(target, &opcode) {
                        // A register cannot be both clobbered and the fixed
                        // home of a result.
                        let mut clobbers = target.call_clobbers();
                        for operand in &self.operands[first..] {
                            if let (OperandKind::Def, OperandConstraint::FixedReg(reg)) =
                                (operand.kind(), operand.constraint())
                            {
                                clobbers.remove(reg);
                            }
                        }
                        clobbers
                    } else {
                        PRegSet::empty()
                    };
                    (kind, clobbers)
                }
            };
            self.kinds.push(kind);
            self.clobbers.push(clobbers);
        }
        self.operand_offsets.push(self.operands.len() as u32);
        self.num_vregs = vregs.len();
    }
}

fn value_vreg(func: &RegFunction, value: Value) -> VReg {
    VReg::new(value.index(), class_of(func.value_type(value)))
}

/// Checks what regalloc2 and the operand visitor take for granted: blocks
/// are non-empty contiguous instruction ranges in layout order, each ending
/// in its only terminator; edges lead to existing blocks other than the
/// entry and pass one argument of the right class per parameter; every value
/// named exists; the entry parameters match the function's type.
fn check_shape(func: &RegFunction, module: &Module) -> Result<(), String> {
    if func.num_blocks() == 0 {
        return Err("the function has no blocks".into());
    }
    let value_exists = |value: &Value| value.index() < func.num_values();
    let check_values = |values: &[Value], what: &dyn Fn() -> String| match values
        .iter()
        .find(|value| !value_exists(value))
    {
        Some(value) => Err(format!("{} names {value}, which does not exist", what())),
        None => Ok(()),
    };
    for block in func.blocks() {
        check_values(func.block_params(block), &|| {
            format!("{block}'s parameters")
        })?;
    }
    let mut next_inst = 0;
    for block in func.blocks() {
        let range = func.block_inst_range(block);
        let in_order = range.start == next_inst && range.start < range.end;
        if !in_order || range.end as usize > func.num_insts() {
            return Err(format!("{block} is empty or out of layout order"));
        }
        next_inst = range.end;
        for inst in func.block_insts(block) {
            let is_last = inst.0 + 1 == range.end;
            if func.opcode(inst).is_terminator() != is_last {
                return Err(format!("{block} does not end in its only terminator"));
            }
            check_values(func.inst_args(inst), &|| format!("{inst}"))?;
            check_values(func.inst_results(inst), &|| format!("{inst}"))?;
            for call in func.inst_targets(inst) {
                check_edge(func, block, call.block, func.edge_args(call))?;
            }
        }
    }
    if next_inst as usize != func.num_insts() {
        return Err("instructions after the last block".into());
    }
    let ty = module
        .func_type(func.func_index())
        .ok_or_else(|| format!("function {} has no type in the module", func.func_index()))?;
    let params = func.block_params(func.entry_block());
    let param_types = params.iter().map(|&param| func.value_type(param));
    if !param_types.eq(ty.params.iter().copied()) {
        return Err("entry parameters differ from the function's type".into());
    }
    Ok(())
}

fn check_edge(func: &RegFunction, from: Block, to: Block, args: &[Value]) -> Result<(), String> {
    if to.index() >= func.num_blocks() {
        return Err(format!("{from} branches to {to}, which does not exist"));
    }
    if to == func.entry_block() {
        return Err(format!("{from} branches to the entry block"));
    }
    let params = func.block_params(to);
    if params.len() != args.len() {
        return Err(format!("{from} passes {} arguments to {to}", args.len()));
    }
    for (&arg, &param) in args.iter().zip(params) {
        if arg.index() >= func.num_values() {
            return Err(format!("{from} passes {arg}, which does not exist"));
        }
        if class_of(func.value_type(arg)) != class_of(func.value_type(param)) {
            return Err(format!(
                "{from} passes {arg} to a {to} parameter of another class"
            ));
        }
    }
    Ok(())
}

impl Function for RegallocFunction {
    fn num_insts(&self) -> usize {
        self.kinds.len()
    }

    fn num_blocks(&self) -> usize {
        self.inst_ranges.len()
    }

    fn entry_block(&self) -> RaBlock {
        RaBlock::new(0)
    }

    fn block_insns(&self, block: RaBlock) -> InstRange {
        let (start, end) = self.inst_ranges[block.index()];
        InstRange::new(RaInst::new(start as usize), RaInst::new(end as usize))
    }

    fn block_succs(&self, block: RaBlock) -> &[RaBlock] {
        let i = block.index();
        &self.succs[self.succ_offsets[i] as usize..self.succ_offsets[i + 1] as usize]
    }

    fn block_preds(&self, block: RaBlock) -> &[RaBlock] {
        let i = block.index();
        &self.preds[self.pred_offsets[i] as usize..self.pred_offsets[i + 1] as usize]
    }

    fn block_params(&self, block: RaBlock) -> &[VReg] {
        let i = block.index();
        &self.params[self.param_offsets[i] as usize..self.param_offsets[i + 1] as usize]
    }

    fn is_ret(&self, insn: RaInst) -> bool {
        self.kinds[insn.index()] == InstKind::Exit
    }

    fn is_branch(&self, insn: RaInst) -> bool {
        self.kinds[insn.index()] == InstKind::Branch
    }

    fn branch_blockparams(&self, block: RaBlock, _insn: RaInst, succ_idx: usize) -> &[VReg] {
        let edge = self.succ_offsets[block.index()] as usize + succ_idx;
        &self.edge_args
            [self.edge_arg_offsets[edge] as usize..self.edge_arg_offsets[edge + 1] as usize]
    }

    fn inst_operands(&self, insn: RaInst) -> &[Operand] {
        self.operands(insn.index())
    }

    fn inst_clobbers(&self, insn: RaInst) -> PRegSet {
        self.clobbers[insn.index()]
    }

    fn num_vregs(&self) -> usize {
        self.num_vregs
    }

    fn spillslot_size(&self, regclass: RegClass) -> usize {
        match regclass {
            RegClass::Int => 1,
            RegClass::Float => self.float_spillslot_size,
            RegClass::Vector => 2,
        }
    }
}
