//! What the slot allocator and the emitter need to know before either runs:
//! which blocks are reachable, which values are constants, which constant
//! operands fold into an immediate form, and so which values need a slot.

use zwasm_ir_reg::{Block, Inst, Opcode, RegFunction, Value, ValueDef};

use super::forms::{binary_forms, fits_imm};

/// A compile-time constant: raw slot bits and whether the wasm type is an
/// integer (only integers fold into immediates).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Const {
    pub bits: u64,
    /// An `i32` or `f32` (stored with `Const32`).
    pub narrow: bool,
    pub int: bool,
}

/// A constant operand folded into an immediate form: which operand, and the
/// immediate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Fold {
    pub operand: usize,
    pub imm: i32,
}

#[derive(Debug, Default)]
pub(super) struct Analysis {
    pub reachable: Vec<bool>,
    pub konst: Vec<Option<Const>>,
    /// Per instruction.
    pub fold: Vec<Option<Fold>>,
    /// Per value: read by an operand that did not fold, so it lives in a
    /// slot. Constants read only as immediates or edge arguments need none
    /// (edges store them straight into the parameter's slot).
    pub read_from_slot: Vec<bool>,
    /// Per value: read at all (by reachable code).
    pub used: Vec<bool>,
    /// Per value: how many operands (edge arguments included) read it.
    pub uses: Vec<u32>,
    /// Per value: a constant in a slot, defined inside a loop, and so
    /// materialised once at function entry instead of on every iteration.
    pub hoisted: Vec<bool>,
}

impl Analysis {
    pub fn run(func: &RegFunction) -> Analysis {
        let mut analysis = Analysis {
            reachable: reachable_blocks(func),
            konst: vec![None; func.num_values()],
            fold: vec![None; func.num_insts()],
            read_from_slot: vec![false; func.num_values()],
            used: vec![false; func.num_values()],
            uses: vec![0; func.num_values()],
            hoisted: vec![false; func.num_values()],
        };
        for value in 0..func.num_values() {
            let value = Value(value as u32);
            if let ValueDef::Result(inst) = func.value_def(value) {
                analysis.konst[value.index()] = constant(func.opcode(inst));
            }
        }
        for block in func.blocks() {
            if !analysis.reachable[block.index()] {
                continue;
            }
            for inst in func.block_insts(block) {
                analysis.visit(func, inst);
            }
        }
        let in_loop = blocks_in_loops(func, &analysis.reachable);
        for block in func.blocks() {
            if block == func.entry_block() || !in_loop[block.index()] {
                continue;
            }
            for inst in func.block_insts(block) {
                for &result in func.inst_results(inst) {
                    let at = result.index();
                    analysis.hoisted[at] =
                        analysis.konst[at].is_some() && analysis.read_from_slot[at];
                }
            }
        }
        analysis
    }

    fn visit(&mut self, func: &RegFunction, inst: Inst) {
        let args = func.inst_args(inst);
        let fold = fold_for(func, inst, &self.konst);
        self.fold[inst.index()] = fold;
        for (operand, &arg) in args.iter().enumerate() {
            self.used[arg.index()] = true;
            self.uses[arg.index()] += 1;
            if fold.map(|fold| fold.operand) != Some(operand) {
                self.read_from_slot[arg.index()] = true;
            }
        }
        for call in func.inst_targets(inst) {
            for &arg in func.edge_args(call) {
                self.used[arg.index()] = true;
                self.uses[arg.index()] += 1;
                if self.konst[arg.index()].is_none() {
                    self.read_from_slot[arg.index()] = true;
                }
            }
        }
    }

    /// Whether `value` gets a slot: it is read from one, or it is written by
    /// an instruction that is emitted (a non-constant result, or a block
    /// parameter that something reads).
    pub fn needs_slot(&self, func: &RegFunction, value: Value) -> bool {
        if self.read_from_slot[value.index()] {
            return true;
        }
        match func.value_def(value) {
            ValueDef::Param(_) => self.used[value.index()],
            ValueDef::Result(_) => self.konst[value.index()].is_none(),
            ValueDef::Removed => false,
        }
    }

    pub fn is_reachable(&self, block: Block) -> bool {
        self.reachable.get(block.index()).copied().unwrap_or(false)
    }
}

fn constant(opcode: Opcode) -> Option<Const> {
    Some(match opcode {
        Opcode::I32Const { value } => Const {
            bits: u64::from(value as u32),
            narrow: true,
            int: true,
        },
        Opcode::I64Const { value } => Const {
            bits: value as u64,
            narrow: false,
            int: true,
        },
        Opcode::F32Const { bits } => Const {
            bits: u64::from(bits),
            narrow: true,
            int: false,
        },
        Opcode::F64Const { bits } => Const {
            bits,
            narrow: false,
            int: false,
        },
        // Null references are slot value 0 of either type.
        Opcode::RefNull { .. } => Const {
            bits: 0,
            narrow: false,
            int: false,
        },
        _ => return None,
    })
}

/// The operand of `inst` that folds into an immediate, if any.
fn fold_for(func: &RegFunction, inst: Inst, konst: &[Option<Const>]) -> Option<Fold> {
    let args = func.inst_args(inst);
    let imm_of = |operand: usize| -> Option<i32> {
        let value = *args.get(operand)?;
        let constant = konst.get(value.index()).copied().flatten()?;
        if !constant.int {
            return None;
        }
        fits_imm(constant.bits, constant.narrow)
    };
    let opcode = func.opcode(inst);
    let (right, left) = match opcode {
        Opcode::BrIcmp { .. } => (true, true),
        _ => {
            let forms = binary_forms(&opcode)?;
            (forms.imm.is_some(), forms.swapped.is_some())
        }
    };
    if right && let Some(imm) = imm_of(1) {
        return Some(Fold { operand: 1, imm });
    }
    if left && let Some(imm) = imm_of(0) {
        return Some(Fold { operand: 0, imm });
    }
    None
}

/// Blocks inside a loop: the layout follows the wasm code, so a loop's
/// blocks lie between its header and the source of its last back edge (an
/// edge to a block at or before its source).
fn blocks_in_loops(func: &RegFunction, reachable: &[bool]) -> Vec<bool> {
    let blocks = func.num_blocks();
    let mut depth = vec![0i32; blocks + 1];
    for block in func.blocks() {
        if !reachable[block.index()] {
            continue;
        }
        for succ in func.successors(block) {
            if succ.index() <= block.index() {
                depth[succ.index()] += 1;
                depth[block.index() + 1] -= 1;
            }
        }
    }
    let mut level = 0;
    depth[..blocks]
        .iter()
        .map(|delta| {
            level += delta;
            level > 0
        })
        .collect()
}

/// Blocks reachable from the entry; the others are neither allocated nor
/// emitted.
fn reachable_blocks(func: &RegFunction) -> Vec<bool> {
    let mut reachable = vec![false; func.num_blocks()];
    let mut work = Vec::new();
    if func.num_blocks() > 0 {
        reachable[0] = true;
        work.push(func.entry_block());
    }
    while let Some(block) = work.pop() {
        for succ in func.successors(block) {
            if let Some(seen) = reachable.get_mut(succ.index())
                && !*seen
            {
                *seen = true;
                work.push(succ);
            }
        }
    }
    reachable
}
