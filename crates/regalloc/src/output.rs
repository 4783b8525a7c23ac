//! [`Allocated`]: the result of allocating one function, in ir-reg terms:
//! a [`Location`] for every operand, the moves regalloc2 inserted between
//! instructions, the spill-slot count and the callee-saved registers used.

use std::fmt;
use std::time::Duration;

use regalloc2::{Allocation, Edit, InstPosition, Output, PReg, ProgPoint, RegClass};
use zwasm_ir_reg::{Block, Inst, RegFunction};

use crate::adapter::RegallocFunction;
use crate::error::RegallocError;
use crate::operands::OperandRole;
use crate::target::{RegNames, TargetDesc};

/// [`Algorithm::for_function`]: Fastalloc above this many parameters of
/// one block (values live there at once).
pub const ION_MAX_BLOCK_PARAMS: usize = 1_000;
/// [`Algorithm::for_function`]: Fastalloc above this many values in all.
pub const ION_MAX_VALUES: usize = 40_000;

/// Which of regalloc2's algorithms to run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// The backtracking allocator: better code, slower.
    #[default]
    Ion,
    /// The single-pass allocator: fast, more moves and spills.
    Fastalloc,
}

impl Algorithm {
    /// The name used on the command line and in dumps.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Ion => "ion",
            Algorithm::Fastalloc => "fastalloc",
        }
    }

    /// The allocator the JIT uses for `func`: Ion, unless the function is
    /// so large that Ion's compile time would explode (it took 46 s on a
    /// function with ~4 500 simultaneously live values), then Fastalloc,
    /// whose time is linear in the code size.
    ///
    /// Simultaneous liveness is estimated without a liveness pass: ir-reg
    /// carries every value live into a merge or loop header as a block
    /// parameter (locals included), so the widest block parameter list is
    /// a lower bound of the register pressure there; the total value count
    /// bounds the rest.
    pub fn for_function(func: &RegFunction) -> Algorithm {
        let widest = func
            .blocks()
            .map(|block| func.block_params(block).len())
            .max()
            .unwrap_or(0);
        if widest > ION_MAX_BLOCK_PARAMS || func.num_values() > ION_MAX_VALUES {
            Algorithm::Fastalloc
        } else {
            Algorithm::Ion
        }
    }

    pub(crate) fn to_regalloc2(self) -> regalloc2::Algorithm {
        match self {
            Algorithm::Ion => regalloc2::Algorithm::Ion,
            Algorithm::Fastalloc => regalloc2::Algorithm::Fastalloc,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Algorithm {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "ion" => Ok(Algorithm::Ion),
            "fastalloc" => Ok(Algorithm::Fastalloc),
            _ => Err(format!(
                "unknown register allocator `{text}` (expected `ion` or `fastalloc`)"
            )),
        }
    }
}

/// Where a value lives at one program point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Location {
    /// In a physical register.
    Reg(PReg),
    /// In spill slot `n` of the frame (8 bytes each, see
    /// [`crate::SPILL_SLOT_BYTES`]; a `v128` occupies slots `n` and `n + 1`).
    Stack(u32),
}

impl Location {
    fn from_regalloc2(allocation: Allocation) -> Option<Self> {
        if let Some(reg) = allocation.as_reg() {
            Some(Location::Reg(reg))
        } else {
            allocation
                .as_stack()
                .map(|slot| Location::Stack(slot.index() as u32))
        }
    }

    /// The register, if the location is one.
    pub fn as_reg(self) -> Option<PReg> {
        match self {
            Location::Reg(reg) => Some(reg),
            Location::Stack(_) => None,
        }
    }

    /// The location written with the target's register names (`x3`,
    /// `stack0`).
    pub fn display(self, names: RegNames) -> impl fmt::Display {
        LocationDisplay {
            location: self,
            names,
        }
    }
}

struct LocationDisplay {
    location: Location,
    names: RegNames,
}

impl fmt::Display for LocationDisplay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location {
            Location::Reg(reg) => write!(f, "{}", self.names.name(reg)),
            Location::Stack(slot) => write!(f, "stack{slot}"),
        }
    }
}

/// Before or after an instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Position {
    /// Before the instruction reads its operands.
    Before,
    /// After the instruction wrote its results.
    After,
}

/// Where an inserted move goes. Moves before the function's first
/// instruction come after the entry definitions ([`LayoutItem::Entry`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EditPoint {
    /// The instruction the move is next to.
    pub inst: Inst,
    /// Which side of it.
    pub pos: Position,
}

/// A move inserted by the allocator. Never from a stack slot to a stack
/// slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Move {
    /// The source.
    pub from: Location,
    /// The destination.
    pub to: Location,
    /// The class of the value moved.
    pub class: RegClass,
}

/// What kind of data movement a [`Move`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MoveKind {
    /// Register to register.
    Move,
    /// Register to stack slot.
    Spill,
    /// Stack slot to register.
    Reload,
}

impl Move {
    /// Whether this is a register move, a spill or a reload.
    pub fn kind(&self) -> MoveKind {
        match (self.from, self.to) {
            (Location::Reg(_), Location::Stack(_)) => MoveKind::Spill,
            (Location::Stack(_), Location::Reg(_)) => MoveKind::Reload,
            _ => MoveKind::Move,
        }
    }
}

/// One step of a block in emission order (see [`Allocated::block_items`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LayoutItem {
    /// The function entry: `vmctx` and the parameters are defined in the
    /// locations of [`Allocated::entry_operands`]. Only first in the entry
    /// block.
    Entry,
    /// An ir-reg instruction, with its operands in
    /// [`Allocated::operands`].
    Inst(Inst),
    /// A move inserted by the allocator.
    Move(Move),
}

/// An operand of an instruction (or of the entry) with its allocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AllocatedOperand {
    /// What the operand stands for.
    pub role: OperandRole,
    /// Where it is when the instruction reads (or writes) it.
    pub location: Location,
}

/// Counts and timing of one allocation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AllocStats {
    /// Time spent inside regalloc2 (not in building its input, nor in the
    /// checker).
    pub regalloc_time: Duration,
    /// ir-reg instructions allocated.
    pub insts: usize,
    /// Virtual registers: values, `vmctx` and scratch registers.
    pub vregs: usize,
    /// Register-to-register moves inserted.
    pub moves: usize,
    /// Register-to-stack moves inserted.
    pub spills: usize,
    /// Stack-to-register moves inserted.
    pub reloads: usize,
}

/// The register allocation of one function.
#[derive(Clone, Debug)]
pub struct Allocated {
    func_index: u32,
    algorithm: Algorithm,
    reg_names: RegNames,
    /// Per regalloc2 instruction (entry first, then ir-reg instruction `i`
    /// at `i + 1`), plus one: start of its operands.
    operand_offsets: Vec<u32>,
    operands: Vec<AllocatedOperand>,
    edits: Vec<(EditPoint, Move)>,
    num_spillslots: usize,
    callee_saved_used: Vec<PReg>,
    stats: AllocStats,
}

impl Allocated {
    /// Converts regalloc2's `output` for `function` into ir-reg terms.
    pub(crate) fn new(
        function: &RegallocFunction,
        output: &Output,
        target: &TargetDesc,
        algorithm: Algorithm,
        regalloc_time: Duration,
    ) -> Result<Self, RegallocError> {
        let func = function.func_index();
        let broken = |message: String| RegallocError::Output { func, message };
        let inst_count = regalloc2::Function::num_insts(function);
        if output.inst_alloc_offsets.len() != inst_count {
            return Err(broken(
                "allocations for a different instruction count".into(),
            ));
        }
        let mut operand_offsets = Vec::with_capacity(inst_count + 1);
        let mut operands = Vec::with_capacity(output.allocs.len());
        for inst in 0..inst_count {
            operand_offsets.push(operands.len() as u32);
            let roles = function.roles(inst);
            let allocations = output.inst_allocs(regalloc2::Inst::new(inst));
            if roles.len() != allocations.len() {
                return Err(broken(format!("instruction {inst}: operand count differs")));
            }
            for (&role, &allocation) in roles.iter().zip(allocations) {
                let location = Location::from_regalloc2(allocation)
                    .ok_or_else(|| broken(format!("instruction {inst}: operand unallocated")))?;
                operands.push(AllocatedOperand { role, location });
            }
        }
        operand_offsets.push(operands.len() as u32);

        let mut stats = AllocStats {
            regalloc_time,
            insts: inst_count - 1,
            vregs: regalloc2::Function::num_vregs(function),
            ..AllocStats::default()
        };
        let mut edits = Vec::with_capacity(output.edits.len());
        for (point, edit) in &output.edits {
            let Edit::Move { from, to } = *edit;
            let (Some(from), Some(to)) =
                (Location::from_regalloc2(from), Location::from_regalloc2(to))
            else {
                return Err(broken("a move from or to nowhere".into()));
            };
            let class = match (from, to) {
                (Location::Reg(reg), _) | (_, Location::Reg(reg)) => reg.class(),
                _ => return Err(broken("a move from stack to stack".into())),
            };
            let mv = Move { from, to, class };
            match mv.kind() {
                MoveKind::Move => stats.moves += 1,
                MoveKind::Spill => stats.spills += 1,
                MoveKind::Reload => stats.reloads += 1,
            }
            edits.push((edit_point(*point), mv));
        }

        let callee_saved = target.callee_saved();
        let mut used = regalloc2::PRegSet::empty();
        let registers = operands
            .iter()
            .map(|operand| operand.location)
            .chain(edits.iter().flat_map(|(_, mv)| [mv.from, mv.to]))
            .filter_map(Location::as_reg);
        for reg in registers {
            if callee_saved.contains(reg) {
                used.add(reg);
            }
        }
        Ok(Allocated {
            func_index: func,
            algorithm,
            reg_names: target.reg_names(),
            operand_offsets,
            operands,
            edits,
            num_spillslots: output.num_spillslots,
            callee_saved_used: used.into_iter().collect(),
            stats,
        })
    }

    /// Index of the function in the module.
    pub fn func_index(&self) -> u32 {
        self.func_index
    }

    /// The algorithm that produced this allocation.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// How registers are named in [`Allocated::display`].
    pub fn reg_names(&self) -> RegNames {
        self.reg_names
    }

    /// Spill slots the frame needs ([`crate::SPILL_SLOT_BYTES`] each).
    pub fn num_spillslots(&self) -> usize {
        self.num_spillslots
    }

    /// The callee-saved registers the function writes, in register order:
    /// the prologue must save them and the epilogue restore them.
    pub fn callee_saved_used(&self) -> &[PReg] {
        &self.callee_saved_used
    }

    /// Counts and timing.
    pub fn stats(&self) -> &AllocStats {
        &self.stats
    }

    /// Where the entry defines `vmctx` ([`OperandRole::Vmctx`]) and each
    /// parameter ([`OperandRole::Param`]); parameters passed on the stack
    /// must be loaded into their location by the prologue.
    pub fn entry_operands(&self) -> &[AllocatedOperand] {
        self.regalloc_operands(0)
    }

    /// The allocated operands of `inst`: its operands, `vmctx` if it needs
    /// the instance, its results and its scratch registers. Operands and
    /// results passed on the stack by the calling convention are in the
    /// location the caller (or callee) must store them from (or load them
    /// into).
    pub fn operands(&self, inst: Inst) -> &[AllocatedOperand] {
        self.regalloc_operands(inst.index() + 1)
    }

    fn regalloc_operands(&self, inst: usize) -> &[AllocatedOperand] {
        match (
            self.operand_offsets.get(inst),
            self.operand_offsets.get(inst + 1),
        ) {
            (Some(&start), Some(&end)) => &self.operands[start as usize..end as usize],
            _ => &[],
        }
    }

    fn find(&self, inst: Inst, role: OperandRole) -> Option<Location> {
        self.operands(inst)
            .iter()
            .find(|operand| operand.role == role)
            .map(|operand| operand.location)
    }

    /// Where `inst` reads its `i`-th operand.
    pub fn arg(&self, inst: Inst, i: usize) -> Option<Location> {
        self.find(inst, OperandRole::Arg(i as u32))
    }

    /// Where `inst` writes its `i`-th result.
    pub fn result(&self, inst: Inst, i: usize) -> Option<Location> {
        self.find(inst, OperandRole::Result(i as u32))
    }

    /// Where `inst` finds `vmctx`, if it needs it.
    pub fn vmctx(&self, inst: Inst) -> Option<Location> {
        self.find(inst, OperandRole::Vmctx)
    }

    /// The `i`-th scratch register of `inst`.
    pub fn temp(&self, inst: Inst, i: usize) -> Option<PReg> {
        self.find(inst, OperandRole::Temp(i as u32))
            .and_then(Location::as_reg)
    }

    /// Every inserted move, sorted by program point.
    pub fn edits(&self) -> &[(EditPoint, Move)] {
        &self.edits
    }

    /// The contents of `block` in emission order: the entry (in the entry
    /// block), instructions, and the moves between them.
    pub fn block_items<'a>(&'a self, func: &RegFunction, block: Block) -> BlockItems<'a> {
        let range = if block.index() < func.num_blocks() {
            func.block_inst_range(block)
        } else {
            0..0
        };
        let first = EditPoint {
            inst: Inst(range.start),
            pos: Position::Before,
        };
        let start = self.edits.partition_point(|(point, _)| *point < first);
        BlockItems {
            entry_pending: block == func.entry_block() && !range.is_empty(),
            next_inst: range.start,
            end_inst: range.end,
            edits: &self.edits[start..],
        }
    }
}

/// regalloc2 instruction 0 is the entry; the others are ir-reg instruction
/// `i - 1`. Moves around the entry go before the first instruction, which
/// keeps them sorted and after the entry definitions.
fn edit_point(point: ProgPoint) -> EditPoint {
    match point.inst().index() {
        0 => EditPoint {
            inst: Inst(0),
            pos: Position::Before,
        },
        i => EditPoint {
            inst: Inst(i as u32 - 1),
            pos: match point.pos() {
                InstPosition::Before => Position::Before,
                InstPosition::After => Position::After,
            },
        },
    }
}

/// Iterator over [`LayoutItem`]s of a block (see [`Allocated::block_items`]).
#[derive(Clone, Debug)]
pub struct BlockItems<'a> {
    entry_pending: bool,
    next_inst: u32,
    end_inst: u32,
    edits: &'a [(EditPoint, Move)],
}

impl BlockItems<'_> {
    fn edit_until(&mut self, limit: EditPoint) -> Option<LayoutItem> {
        let (&(point, mv), rest) = self.edits.split_first()?;
        if point > limit {
            return None;
        }
        self.edits = rest;
        Some(LayoutItem::Move(mv))
    }
}

impl Iterator for BlockItems<'_> {
    type Item = LayoutItem;

    fn next(&mut self) -> Option<LayoutItem> {
        if self.entry_pending {
            self.entry_pending = false;
            return Some(LayoutItem::Entry);
        }
        if self.next_inst < self.end_inst {
            let inst = Inst(self.next_inst);
            let before = EditPoint {
                inst,
                pos: Position::Before,
            };
            if let Some(item) = self.edit_until(before) {
                return Some(item);
            }
            self.next_inst += 1;
            return Some(LayoutItem::Inst(inst));
        }
        let last = self.end_inst.checked_sub(1)?;
        self.edit_until(EditPoint {
            inst: Inst(last),
            pos: Position::After,
        })
    }
}
