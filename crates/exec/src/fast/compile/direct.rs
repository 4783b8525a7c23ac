//! Direct translation of a function body into fast-tier bytecode, in one
//! pass over its operators: the interpreter's translator when no JIT
//! needs the register IR (`EngineKind::Interp`). It skips SSA construction,
//! the ir-reg passes, liveness and slot allocation, which made translation
//! through ir-reg an order of magnitude slower than validation.
//!
//! Frame layout: parameters and locals keep fixed slots (`0..locals`); the
//! wasm operand at stack height `h` lives in slot `locals + h` when it has
//! to live anywhere. The operand stack is tracked at translation time as
//! [`Entry`]s, so that most values never move:
//! - `local.get` pushes a reference to the local's slot (no code); a
//!   `local.set` of that local while such references are on the stack
//!   first copies the local into the references' own slots;
//! - constants stay constants until an op needs them in a slot; binary ops
//!   take them as immediates where a form exists;
//! - a `local.set` right after the op that computed the value makes that
//!   op write the local instead (result retargeting);
//! - a compare whose only use is a branch becomes a compare-and-branch.
//!
//! Control flow: a label's values live in the slots of the stack heights
//! where its frame starts; a branch copies its values there (nothing to
//! copy when they already are, the common case). Entering a block, loop or
//! `if` first copies references to locals on the stack into their own
//! slots, so that a `local.set` on one path cannot change what the other
//! path sees.

use wasmparser::{BlockType, BrTable, Operator};
use zwasm_decode::Module;
use zwasm_ir_reg::{FloatCC, IntCC, MemArg, Opcode, straight_line_opcode};

use super::emit::Emitted;
use super::finish::{Cleared, kept, retarget, thread_jumps};
use super::forms::{Access, Cond, Operand, access, binary_forms, fits_imm, unary_form};
use super::peephole::Code;
use crate::fast::code::{
    Bin, BinImm, BrTable as FastBrTable, Bulk, Call, CallIndirect, Const32, Const64, Load, Op,
    Select, Slot, SlotIndex, Slots2Index, Store, TableGrow, Un,
};

/// The opcode of a plain operator (`None` for the others).
macro_rules! plain_opcode {
    ($operator:expr, $($name:ident)*) => {
        match $operator {
            $( Operator::$name => Some(Opcode::$name), )*
            _ => None,
        }
    };
}

/// The opcode of a load or store (`Some(None)`: one zwasm does not
/// implement; `None` for the other operators).
macro_rules! access_opcode {
    ($operator:expr, $($name:ident)*) => {
        match $operator {
            $( Operator::$name { memarg } => Some(
                zwasm_validate::linear_memory_access(memarg).map(|(memory, offset, align)| {
                    Opcode::$name { mem: MemArg { memory, offset, align } }
                }),
            ), )*
            _ => None,
        }
    };
}

/// A branch target not known yet.
const UNPATCHED: u32 = u32::MAX;

/// One wasm operand, as translation knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Entry {
    /// The current value of a local (its slot).
    Local(Slot),
    /// In the operand's own slot (`locals + height`).
    Temp,
    /// A constant not materialised yet (`narrow`: a 32-bit type).
    Const { bits: u64, narrow: bool },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Function,
    Block,
    Loop,
    If,
}

/// A branch to patch once its target is known.
#[derive(Clone, Copy, Debug)]
enum Patch {
    Op(usize),
    /// A `br_table` case: its inline `Br` and its side-table entry.
    Case {
        op: usize,
        table: usize,
    },
}

#[derive(Debug)]
struct Frame {
    kind: Kind,
    /// Operand-stack height below the frame's parameters: the label's
    /// values go to the slots of the heights from here.
    height: usize,
    params: usize,
    results: usize,
    /// `Loop`: the pc of its first op.
    head: u32,
    /// Branches to the frame's end.
    patches: Vec<Patch>,
    /// `If` before its `else`: the branch to the else arm.
    else_branch: Option<usize>,
    /// Opened in reachable code (a frame opened in dead code is all dead).
    live: bool,
    /// The declared locals definitely written wherever a branch to the
    /// frame's end comes from (all ones: none yet).
    written_at_label: u64,
    /// `If`: the declared locals definitely written at the `if`, where its
    /// else arm starts.
    written_at_else: u64,
}

/// Why direct translation stopped.
#[derive(Debug)]
pub(crate) enum Stop {
    /// Something this translator leaves to the ir-reg path (a frame too
    /// large for its simple layout, an unsupported operator).
    Unsupported,
    /// A translator bug or an inconsistency in the validated input.
    Internal(&'static str),
}

/// Allocations reused from one function to the next.
#[derive(Default)]
pub(crate) struct Scratch {
    stack: Vec<Entry>,
    frames: Vec<Frame>,
    spare_patches: Vec<Vec<Patch>>,
    depths: Vec<u32>,
    pending: Vec<(Patch, usize)>,
    /// The ops that hold a branch target (not `br_table` cases), ascending.
    branches: Vec<u32>,
    /// The `br_table` ops.
    tables: Vec<u32>,
    /// The code being translated and its offsets (copied out exactly
    /// sized when done).
    ops: Vec<Op>,
    offsets: Vec<u32>,
    /// The side tables being built (also copied out exactly sized).
    lists: Vec<Slot>,
    targets: Vec<u32>,
    imms: Vec<(u32, u64)>,
    consts: Vec<u64>,
}

impl std::fmt::Debug for Scratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scratch").finish_non_exhaustive()
    }
}

/// Translates one body, operator by operator.
pub(crate) struct DirectTranslator<'a> {
    module: &'a Module,
    scratch: &'a mut Scratch,
    code: Code,
    lists: Vec<Slot>,
    targets: Vec<u32>,
    imms: Vec<(u32, u64)>,
    /// Parameters and declared locals.
    locals: usize,
    params: usize,
    results: usize,
    /// `Local` entries on the stack (a `local.set` looks for references
    /// to its local only when there are any).
    local_refs: usize,
    max_height: usize,
    max_out: u32,
    reachable: bool,
    offset: u32,
    /// Values of the constant slots read so far; constant `k` is slot
    /// [`const_slot_name`]`(k)` until `finish` places them after the
    /// operand stack (`FastFunc::consts`).
    consts: Vec<u64>,
    /// The declared locals (bit `i`: local `params + i`, the first 64)
    /// definitely written on every path to the op translated next (not
    /// kept up in unreachable code, which emits nothing).
    written: u64,
    /// The declared locals some path reads before writing them: those
    /// keep their clearing op. Structured control makes this one pass: a
    /// loop's header sees what its entry sees (every path around the loop
    /// only adds writes), a label what all its branches see.
    read_first: u64,
}

/// Most constant slots per function: every call writes them all.
const MAX_CONST_SLOTS: usize = 32;

/// The name of constant `k` while translating: the top slot numbers, which
/// no frame reaches (`finish` checks), renumbered by `finish`.
fn const_slot_name(k: usize) -> Slot {
    Slot::MAX - k as Slot
}

/// Where the constant slots' names (`Slot::MAX - k` for constant `k`, from
/// `from` up) go: after the operand stack, from `base`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ConstNames {
    from: u32,
    base: usize,
}

impl ConstNames {
    /// No constant slots: no slot is a name.
    const NONE: ConstNames = ConstNames {
        from: u32::MAX,
        base: 0,
    };

    /// Gives `slot` its place if it is a constant's name.
    #[inline(always)]
    pub fn rename(self, slot: &mut Slot) {
        if u32::from(*slot) >= self.from {
            *slot = (self.base + usize::from(Slot::MAX - *slot)) as Slot;
        }
    }
}

type Step = Result<(), Stop>;

/// The buffer `buffer` held, emptied (its allocation reused).
fn cleared<T>(buffer: &mut Vec<T>) -> Vec<T> {
    let mut taken = std::mem::take(buffer);
    taken.clear();
    taken
}

fn internal(message: &'static str) -> Stop {
    Stop::Internal(message)
}

impl<'a> DirectTranslator<'a> {
    pub fn new(
        module: &'a Module,
        scratch: &'a mut Scratch,
        params: usize,
        results: usize,
        body_bytes: usize,
    ) -> DirectTranslator<'a> {
        scratch.stack.clear();
        scratch.frames.clear();
        scratch.branches.clear();
        scratch.tables.clear();
        // About one op per two bytes of body: no regrowing on the way.
        let code = Code::reusing(
            std::mem::take(&mut scratch.ops),
            std::mem::take(&mut scratch.offsets),
            body_bytes / 2 + 4,
        );
        let (lists, targets) = (cleared(&mut scratch.lists), cleared(&mut scratch.targets));
        let (imms, consts) = (cleared(&mut scratch.imms), cleared(&mut scratch.consts));
        let mut translator = DirectTranslator {
            module,
            scratch,
            code,
            lists,
            targets,
            imms,
            locals: params,
            params,
            results,
            local_refs: 0,
            max_height: 0,
            max_out: 0,
            reachable: true,
            offset: u32::MAX,
            consts,
            written: 0,
            read_first: 0,
        };
        translator.push_frame(Kind::Function, 0, 0, results, true);
        translator
    }

    /// The emitted code, the frame size it needs, and the final numbers of
    /// the constant slots the code still names (the lists are renamed).
    pub fn finish(self) -> Result<(Emitted, u32, ConstNames), Stop> {
        if !self.scratch.frames.is_empty() {
            return Err(internal("body ended with open frames"));
        }
        let mut frame_size = self.locals + self.max_height;
        let mut code = self.code.ops;
        let offsets = self.code.offsets;
        let mut lists = self.lists;
        let mut targets = self.targets;
        let scratch = self.scratch;
        #[cfg(debug_assertions)]
        if !super::finish::branches_recorded(&code, &scratch.branches, &scratch.tables) {
            return Err(internal("branches recorded wrongly"));
        }
        thread_jumps(&mut code, &scratch.branches);
        let mut names = ConstNames::NONE;
        if !self.consts.is_empty() {
            // The constant slots follow the operand stack.
            let from = const_slot_name(MAX_CONST_SLOTS - 1);
            if frame_size + MAX_CONST_SLOTS > usize::from(from) {
                return Err(Stop::Unsupported);
            }
            names = ConstNames {
                from: u32::from(from),
                base: frame_size,
            };
            // The lists also hold their lengths, which stay far below the
            // names of constants (at most 1,000 parameters or results).
            lists.iter_mut().for_each(|slot| names.rename(slot));
            frame_size += self.consts.len();
        }
        // Up to 64 declared locals lose the clearing no path needs (beyond
        // that, every local stays cleared).
        let zeroed = self.locals - self.params;
        let mut keep = u64::MAX;
        if zeroed > 0 && zeroed <= 64 {
            let every_local = u64::MAX >> (64 - zeroed);
            let read_first = self.read_first & every_local;
            #[cfg(debug_assertions)]
            {
                let by_dataflow =
                    super::finish::read_before_written(&code, &lists, self.params, zeroed);
                if read_first != by_dataflow & every_local {
                    eprintln!("clearing: {read_first:#x}, by the dataflow: {by_dataflow:#x}");
                    return Err(internal("clearing analysis disagrees with the dataflow"));
                }
            }
            keep = read_first | !every_local;
            let removed = zeroed - read_first.count_ones() as usize;
            if removed > 0 {
                retarget(Cleared {
                    code: &mut code,
                    targets: &mut targets,
                    branches: &scratch.branches,
                    tables: &scratch.tables,
                    removed,
                });
            }
        }
        // Exactly sized copies (without the clearing ops no path needs);
        // the buffers serve the next function.
        let emitted = Emitted {
            code: kept(&code, keep, zeroed),
            offsets: kept(&offsets, keep, zeroed),
            lists: lists.as_slice().to_vec(),
            targets: targets.as_slice().to_vec(),
            imms: self.imms.as_slice().to_vec(),
            max_out: self.max_out,
            used_scratch: false,
            loops: Vec::new(),
            consts: self.consts.as_slice().to_vec(),
        };
        scratch.ops = code;
        scratch.offsets = offsets;
        scratch.lists = lists;
        scratch.targets = targets;
        scratch.imms = self.imms;
        scratch.consts = self.consts;
        Ok((emitted, frame_size as u32, names))
    }

    fn take_patches(&mut self) -> Vec<Patch> {
        self.scratch.spare_patches.pop().unwrap_or_default()
    }

    // --- operand stack ---

    /// The slot of the operand at stack height `height`.
    fn temp(&self, height: usize) -> Slot {
        (self.locals + height) as Slot
    }

    fn push(&mut self, entry: Entry) -> Step {
        let height = self.scratch.stack.len() + 1;
        if self.locals + height > Slot::MAX as usize {
            return Err(Stop::Unsupported);
        }
        self.max_height = self.max_height.max(height);
        if let Entry::Local(_) = entry {
            self.local_refs += 1;
        }
        self.scratch.stack.push(entry);
        Ok(())
    }

    fn pop(&mut self) -> Result<Entry, Stop> {
        let entry = self
            .scratch
            .stack
            .pop()
            .ok_or_else(|| internal("operand stack underflow"))?;
        if let Entry::Local(_) = entry {
            self.local_refs -= 1;
        }
        Ok(entry)
    }

    fn truncate(&mut self, height: usize) {
        while self.scratch.stack.len() > height {
            if let Some(Entry::Local(_)) = self.scratch.stack.pop() {
                self.local_refs -= 1;
            }
        }
    }

    fn entry(&self, height: usize) -> Result<Entry, Stop> {
        self.scratch
            .stack
            .get(height)
            .copied()
            .ok_or_else(|| internal("operand stack underflow"))
    }

    fn height_below(&self, count: usize) -> Result<usize, Stop> {
        self.scratch
            .stack
            .len()
            .checked_sub(count)
            .ok_or_else(|| internal("operand stack underflow"))
    }

    /// A slot holding the operand at `height` for an op to read: a
    /// constant's is a constant slot ([`Self::const_slot`]).
    fn slot_at(&mut self, height: usize) -> Result<Slot, Stop> {
        match self.entry(height)? {
            Entry::Local(slot) => {
                self.note_read(slot);
                Ok(slot)
            }
            Entry::Temp => Ok(self.temp(height)),
            Entry::Const { bits, narrow } => Ok(self.const_slot(height, bits, narrow)),
        }
    }

    /// A slot holding constant `bits` (the operand at `height`) for an op
    /// to read: a constant slot, set when the frame starts, or once there
    /// are too many, the operand's own slot, set here.
    fn const_slot(&mut self, height: usize, bits: u64, narrow: bool) -> Slot {
        match self.const_operand(bits) {
            Some(slot) => slot,
            None => {
                self.own_slot(height, Entry::Const { bits, narrow });
                self.temp(height)
            }
        }
    }

    /// The constant slot of `bits`, unless there are too many.
    fn const_operand(&mut self, bits: u64) -> Option<Slot> {
        if let Some(k) = self.consts.iter().position(|&c| c == bits) {
            return Some(const_slot_name(k));
        }
        if self.consts.len() < MAX_CONST_SLOTS {
            self.consts.push(bits);
            return Some(const_slot_name(self.consts.len() - 1));
        }
        None
    }

    /// Puts the operand at `height` (`entry`) in its own slot.
    fn own_slot(&mut self, height: usize, entry: Entry) {
        if entry == Entry::Temp {
            return;
        }
        if let Entry::Local(_) = entry {
            self.local_refs -= 1;
        }
        self.write_entry(self.temp(height), entry, height);
        self.scratch.stack[height] = Entry::Temp;
    }

    /// Copies every reference to `local` (to any local: `None`) on the
    /// stack into its own slot; whether there was one.
    fn preserve(&mut self, local: Option<Slot>) -> Result<bool, Stop> {
        if self.local_refs == 0 {
            return Ok(false);
        }
        let mut any = false;
        for height in 0..self.scratch.stack.len() {
            let entry = self.scratch.stack[height];
            if let Entry::Local(slot) = entry
                && local.is_none_or(|local| local == slot)
            {
                self.own_slot(height, entry);
                any = true;
            }
        }
        Ok(any)
    }

    // --- clearing analysis ---

    /// The bit of declared local `slot` in the clearing masks (0 for a
    /// parameter or a local beyond the first 64 declared).
    fn local_bit(&self, slot: Slot) -> u64 {
        match (slot as usize).checked_sub(self.params) {
            Some(i) if i < 64 => 1 << i,
            _ => 0,
        }
    }

    /// An op about to be emitted reads local `slot`.
    fn note_read(&mut self, slot: Slot) {
        self.read_first |= self.local_bit(slot) & !self.written;
    }

    /// A branch to frame `index`'s end from here.
    fn note_branch(&mut self, index: usize) {
        let written = self.written;
        let frame = &mut self.scratch.frames[index];
        if frame.kind != Kind::Loop {
            frame.written_at_label &= written;
        }
    }

    // --- emission ---

    fn emit(&mut self, op: Op) {
        self.code.push(op, self.offset);
    }

    fn copy(&mut self, dst: Slot, src: Slot) {
        if dst != src {
            self.emit(Op::Copy(Un { dst, src }));
        }
    }

    fn constant(&mut self, dst: Slot, bits: u64, narrow: bool) {
        if narrow {
            self.emit(Op::Const32(Const32 {
                dst,
                value: bits as u32,
            }));
        } else {
            self.emit(Op::Const64(Const64::new(dst, bits)));
        }
    }

    /// Writes `entry` (the operand at `height`) to slot `dst`.
    fn write_entry(&mut self, dst: Slot, entry: Entry, height: usize) {
        match entry {
            Entry::Local(slot) => {
                if dst != slot {
                    self.note_read(slot);
                }
                self.copy(dst, slot);
            }
            Entry::Temp => self.copy(dst, self.temp(height)),
            Entry::Const { bits, narrow } => self.constant(dst, bits, narrow),
        }
    }

    /// An unconditional jump to `target` (merged with a copy right before
    /// it); the index of the op holding the target.
    fn jump(&mut self, target: u32) -> usize {
        let at = self.code.push_jump(target, self.offset);
        self.scratch.branches.push(at as u32);
        at
    }

    /// A conditional branch (fused with the op before it where a fusion
    /// applies); the index of the op holding the target.
    fn push_branch(&mut self, op: Op) -> usize {
        let at = self.code.push_branch(op, self.offset);
        self.scratch.branches.push(at as u32);
        at
    }

    fn set_target(&mut self, patch: Patch, pc: u32) {
        match patch {
            Patch::Op(at) => {
                if let Some(target) = self.code.ops.get_mut(at).and_then(Op::target_mut) {
                    *target = pc;
                }
            }
            Patch::Case { op, table } => {
                if let Some(target) = self.targets.get_mut(table) {
                    *target = pc;
                }
                if let Some(Op::Br(target)) = self.code.ops.get_mut(op) {
                    *target = pc;
                }
            }
        }
    }

    // --- labels ---

    fn frame_index(&self, depth: u32) -> Result<usize, Stop> {
        self.scratch
            .frames
            .len()
            .checked_sub(depth as usize + 1)
            .ok_or_else(|| internal("branch depth out of range"))
    }

    /// The number of values a branch to frame `index` carries.
    fn label_arity(&self, index: usize) -> usize {
        let frame = &self.scratch.frames[index];
        if frame.kind == Kind::Loop {
            frame.params
        } else {
            frame.results
        }
    }

    /// Whether the top `arity` operands are in the slots of the heights
    /// from `base`.
    fn in_place(&self, base: usize, arity: usize) -> Result<bool, Stop> {
        let from = self.height_below(arity)?;
        Ok(from == base
            && self.scratch.stack[from..]
                .iter()
                .all(|&entry| entry == Entry::Temp))
    }

    /// Copies the top `arity` operands to the slots of the heights from
    /// `base` (in ascending order, which never overwrites a source: every
    /// source height is at or above its destination).
    fn move_values(&mut self, base: usize, arity: usize) -> Step {
        let from = self.height_below(arity)?;
        for i in 0..arity {
            let entry = self.entry(from + i)?;
            let dst = self.temp(base + i);
            self.write_entry(dst, entry, from + i);
        }
        Ok(())
    }

    /// Branches to frame `index`'s label (its values already moved).
    fn jump_to_label(&mut self, index: usize) {
        self.note_branch(index);
        let frame = &self.scratch.frames[index];
        if frame.kind == Kind::Loop {
            let head = frame.head;
            self.jump(head);
        } else {
            let at = self.jump(UNPATCHED);
            self.scratch.frames[index].patches.push(Patch::Op(at));
        }
    }

    /// Arranges for the branch op at `at` to reach frame `index`'s label.
    fn target_label(&mut self, at: usize, index: usize) {
        self.note_branch(index);
        let frame = &self.scratch.frames[index];
        if frame.kind == Kind::Loop {
            let head = frame.head;
            self.set_target(Patch::Op(at), head);
        } else {
            self.scratch.frames[index].patches.push(Patch::Op(at));
        }
    }

    // --- control ---

    fn block_arity(&self, ty: BlockType) -> Result<(usize, usize), Stop> {
        Ok(match ty {
            BlockType::Empty => (0, 0),
            BlockType::Type(_) => (0, 1),
            BlockType::FuncType(index) => {
                let ty = self
                    .module
                    .types
                    .get(index as usize)
                    .ok_or_else(|| internal("block type out of range"))?;
                (ty.params.len(), ty.results.len())
            }
        })
    }

    /// Pushes a frame whose label's values go to the slots of the heights
    /// from `height`.
    fn push_frame(&mut self, kind: Kind, height: usize, params: usize, results: usize, live: bool) {
        let patches = self.take_patches();
        self.scratch.frames.push(Frame {
            kind,
            height,
            params,
            results,
            head: 0,
            patches,
            else_branch: None,
            live,
            written_at_label: u64::MAX,
            written_at_else: u64::MAX,
        });
    }

    /// Opens a frame whose parameters are the top `params` operands, moved
    /// to their own slots.
    fn open(&mut self, kind: Kind, params: usize, results: usize) -> Step {
        let height = self.height_below(params)?;
        self.preserve(None)?;
        for at in height..self.scratch.stack.len() {
            self.own_slot(at, self.scratch.stack[at]);
        }
        self.push_frame(kind, height, params, results, true);
        Ok(())
    }

    /// A frame opened in dead code (only its `end` matters, and its kind
    /// to the operator reader: [`wasmparser::FrameStack`]).
    fn open_dead(&mut self, kind: Kind) {
        self.push_frame(kind, self.scratch.stack.len(), 0, 0, false);
    }

    fn open_loop(&mut self, ty: BlockType) -> Step {
        let (params, results) = self.block_arity(ty)?;
        self.open(Kind::Loop, params, results)?;
        let head = self.code.label();
        if let Some(frame) = self.scratch.frames.last_mut() {
            frame.head = head;
        }
        Ok(())
    }

    /// The condition a branch tests, popped: a compare computed right
    /// before (taken back out of the code), or the operand's test for
    /// non-zero.
    fn condition(&mut self) -> Result<(Cond, Operand, Operand), Stop> {
        let height = self.height_below(1)?;
        if self.entry(height)? == Entry::Temp
            && let Some(last) = self.code.last()
            && let Some((cond, a, b, dst)) = condition_of(last)
            && dst == self.temp(height)
        {
            self.code.ops.pop();
            self.code.offsets.pop();
            self.pop()?;
            return Ok((cond, a, b));
        }
        let slot = self.slot_at(height)?;
        self.pop()?;
        Ok((
            Cond::Nez { wide: false },
            Operand::Slot(slot),
            Operand::Imm(0),
        ))
    }

    fn branch_op(cond: Cond, a: Operand, b: Operand, target: u32) -> Result<Op, Stop> {
        cond.op(a, b, target)
            .ok_or_else(|| internal("branch operands without a form"))
    }

    fn open_if(&mut self, ty: BlockType) -> Step {
        let (params, results) = self.block_arity(ty)?;
        let (cond, a, b) = self.condition()?;
        self.open(Kind::If, params, results)?;
        let op = Self::branch_op(cond.negate(), a, b, UNPATCHED)?;
        let at = self.push_branch(op);
        self.code.label();
        let written = self.written;
        if let Some(frame) = self.scratch.frames.last_mut() {
            frame.else_branch = Some(at);
            frame.written_at_else = written;
        }
        Ok(())
    }

    fn enter_else(&mut self) -> Step {
        let index = self.frame_index(0)?;
        let (height, params, results) = {
            let frame = &self.scratch.frames[index];
            (frame.height, frame.params, frame.results)
        };
        if self.reachable {
            self.move_values(height, results)?;
            self.note_branch(index);
            let at = self.jump(UNPATCHED);
            self.scratch.frames[index].patches.push(Patch::Op(at));
        }
        let here = self.code.label();
        if let Some(at) = self.scratch.frames[index].else_branch.take() {
            self.set_target(Patch::Op(at), here);
        }
        self.written = self.scratch.frames[index].written_at_else;
        self.truncate(height);
        for _ in 0..params {
            self.push(Entry::Temp)?;
        }
        self.reachable = self.scratch.frames[index].live;
        Ok(())
    }

    fn end(&mut self) -> Step {
        let mut frame = self
            .scratch
            .frames
            .pop()
            .ok_or_else(|| internal("end without a frame"))?;
        // A frame opened in dead code ends with nothing to do.
        let ended = if frame.live {
            self.end_live(&mut frame)
        } else {
            Ok(())
        };
        frame.patches.clear();
        self.scratch.spare_patches.push(frame.patches);
        ended
    }

    fn end_live(&mut self, frame: &mut Frame) -> Step {
        // The function's end returns straight from where the values are
        // when no branch comes here.
        if frame.kind == Kind::Function && frame.patches.is_empty() {
            return if self.reachable {
                self.return_values()
            } else {
                Ok(())
            };
        }
        if self.reachable && !self.in_place(frame.height, frame.results)? {
            self.move_values(frame.height, frame.results)?;
        }
        let mut reachable = self.reachable || !frame.patches.is_empty();
        let mut written = frame.written_at_label;
        if self.reachable {
            written &= self.written;
        }
        let here = self.code.label();
        if let Some(at) = frame.else_branch.take() {
            self.set_target(Patch::Op(at), here);
            reachable = true;
            written &= frame.written_at_else;
        }
        self.written = written;
        for patch in frame.patches.drain(..) {
            self.set_target(patch, here);
        }
        self.truncate(frame.height);
        for _ in 0..frame.results {
            self.push(Entry::Temp)?;
        }
        self.reachable = reachable;
        if frame.kind == Kind::Function && reachable {
            self.return_values()?;
        }
        Ok(())
    }

    fn branch(&mut self, depth: u32) -> Step {
        let index = self.frame_index(depth)?;
        let (base, arity) = (self.scratch.frames[index].height, self.label_arity(index));
        self.move_values(base, arity)?;
        self.jump_to_label(index);
        self.reachable = false;
        Ok(())
    }

    fn branch_if(&mut self, depth: u32) -> Step {
        let (cond, a, b) = self.condition()?;
        let index = self.frame_index(depth)?;
        let (base, arity) = (self.scratch.frames[index].height, self.label_arity(index));
        if self.in_place(base, arity)? {
            let op = Self::branch_op(cond, a, b, UNPATCHED)?;
            let at = self.push_branch(op);
            self.target_label(at, index);
        } else {
            let op = Self::branch_op(cond.negate(), a, b, UNPATCHED)?;
            let skip = self.push_branch(op);
            self.move_values(base, arity)?;
            self.jump_to_label(index);
            let here = self.code.label();
            self.set_target(Patch::Op(skip), here);
        }
        Ok(())
    }

    fn branch_table(&mut self, table: &BrTable<'_>) -> Step {
        let height = self.height_below(1)?;
        let index = self.slot_at(height)?;
        self.pop()?;
        let mut depths = std::mem::take(&mut self.scratch.depths);
        depths.clear();
        for target in table.targets() {
            depths.push(target.map_err(|_| internal("br_table target unreadable"))?);
        }
        depths.push(table.default());
        let start = self.targets.len();
        let at = self.code.push_raw(
            Op::BrTable(FastBrTable {
                index,
                targets: start as u32,
                len: depths.len() as u32,
            }),
            self.offset,
        );
        self.scratch.tables.push(at as u32);
        let mut pending = std::mem::take(&mut self.scratch.pending);
        pending.clear();
        for &depth in &depths {
            let frame_index = self.frame_index(depth)?;
            let patch = Patch::Case {
                op: self.code.push_raw(Op::Br(UNPATCHED), self.offset),
                table: self.targets.len(),
            };
            self.targets.push(UNPATCHED);
            let frame = &self.scratch.frames[frame_index];
            let arity = self.label_arity(frame_index);
            if !self.in_place(frame.height, arity)? {
                pending.push((patch, frame_index));
            } else if frame.kind == Kind::Loop {
                let head = frame.head;
                self.set_target(patch, head);
            } else {
                self.note_branch(frame_index);
                self.scratch.frames[frame_index].patches.push(patch);
            }
        }
        // Cases whose values must move first go through a few copies.
        for &(patch, frame_index) in &pending {
            let here = self.code.label();
            self.set_target(patch, here);
            let (base, arity) = (
                self.scratch.frames[frame_index].height,
                self.label_arity(frame_index),
            );
            self.move_values(base, arity)?;
            self.jump_to_label(frame_index);
        }
        self.scratch.depths = depths;
        self.scratch.pending = pending;
        self.reachable = false;
        Ok(())
    }

    /// Returns the top `results` operands.
    fn return_values(&mut self) -> Step {
        let from = self.height_below(self.results)?;
        let op = match self.results {
            0 => Op::Return0(()),
            1 => Op::Return1(self.slot_at(from)?),
            count => {
                let at = self.lists.len() as u32;
                self.lists.push(count as Slot);
                for height in from..from + count {
                    let slot = self.slot_at(height)?;
                    self.lists.push(slot);
                }
                Op::Return(at)
            }
        };
        self.code.push_raw(op, self.offset);
        self.reachable = false;
        Ok(())
    }

    // --- locals ---

    fn set_local(&mut self, local: u32, entry: Entry, height: usize) -> Step {
        let local = Slot::try_from(local).map_err(|_| Stop::Unsupported)?;
        let preserved = self.preserve(Some(local))?;
        // Every `local.set` writes the local, except one of its own value.
        if entry != Entry::Local(local) {
            self.written |= self.local_bit(local);
        }
        let temp = self.temp(height);
        // Result retargeting: the op that computed the value writes the
        // local instead, or the call that returned it, into its result
        // slot in the call's list.
        if entry == Entry::Temp && !preserved {
            if let Some(last) = self.code.last_fusable()
                && let Some(dst) = last.result_mut()
                && *dst == temp
            {
                *dst = local;
                return Ok(());
            }
            if let Some(at) = self.single_call_result(temp) {
                self.lists[at] = local;
                return Ok(());
            }
        }
        self.write_entry(local, entry, height);
        Ok(())
    }

    /// Where in `lists` the last op, a call with the one result `temp`,
    /// keeps that result's slot.
    fn single_call_result(&self, temp: Slot) -> Option<usize> {
        let list = match self.code.last()? {
            Op::CallInternal(call) | Op::Call(call) => call.list,
            Op::CallIndirect(call) => call.list,
            _ => return None,
        } as usize;
        let (&args, &results) = (self.lists.get(list)?, self.lists.get(list + 1)?);
        let at = list + 2 + usize::from(args);
        (results == 1 && self.lists.get(at) == Some(&temp)).then_some(at)
    }

    // --- calls ---

    /// Stores the call list `[args, results, arg slots…, result slots…]`
    /// for the top `args` operands and pushes the results.
    fn call_list(&mut self, args: usize, results: usize, tail: bool) -> Result<u32, Stop> {
        let from = self.height_below(args)?;
        let at = self.lists.len() as u32;
        let count = |n: usize| Slot::try_from(n).map_err(|_| Stop::Unsupported);
        self.lists.push(count(args)?);
        self.lists.push(if tail { 0 } else { count(results)? });
        for height in from..from + args {
            let slot = self.slot_at(height)?;
            self.lists.push(slot);
        }
        self.truncate(from);
        self.max_out = self.max_out.max(args.max(results) as u32);
        if !tail {
            for i in 0..results {
                self.push(Entry::Temp)?;
                let slot = self.temp(from + i);
                self.lists.push(slot);
            }
        }
        Ok(at)
    }

    fn call(&mut self, callee: u32, tail: bool) -> Step {
        let ty = self
            .module
            .func_type(callee)
            .ok_or_else(|| internal("callee out of range"))?;
        let (args, results) = (ty.params.len(), ty.results.len());
        let list = self.call_list(args, results, tail)?;
        let op = match (callee.checked_sub(self.module.func_imports), tail) {
            (Some(func), false) => Op::CallInternal(Call { func, list }),
            (None, false) => Op::Call(Call { func: callee, list }),
            (Some(func), true) => Op::ReturnCallInternal(Call { func, list }),
            (None, true) => Op::ReturnCall(Call { func: callee, list }),
        };
        self.code.push_raw(op, self.offset);
        if tail {
            self.reachable = false;
        }
        Ok(())
    }

    fn call_indirect(&mut self, type_index: u32, table: u32, tail: bool) -> Step {
        let ty = self
            .module
            .types
            .get(type_index as usize)
            .ok_or_else(|| internal("type out of range"))?;
        let (args, results) = (ty.params.len(), ty.results.len());
        let height = self.height_below(1)?;
        let index = self.slot_at(height)?;
        self.pop()?;
        let list = self.call_list(args, results, tail)?;
        let table = u16::try_from(table).map_err(|_| Stop::Unsupported)?;
        let call = CallIndirect {
            index,
            table,
            type_index,
            list,
        };
        self.code.push_raw(
            if tail {
                Op::ReturnCallIndirect(call)
            } else {
                Op::CallIndirect(call)
            },
            self.offset,
        );
        if tail {
            self.reachable = false;
        }
        Ok(())
    }

    // --- straight-line operators ---

    /// Pops `count` operands into slots (the last one on top) and pushes a
    /// result when `result`; returns the operand slots and the result's.
    fn operands<const N: usize>(&mut self, result: bool) -> Result<([Slot; N], Slot), Stop> {
        let from = self.height_below(N)?;
        let mut slots = [0; N];
        for (i, slot) in slots.iter_mut().enumerate() {
            *slot = self.slot_at(from + i)?;
        }
        self.truncate(from);
        let dst = self.temp(from);
        if result {
            self.push(Entry::Temp)?;
        }
        Ok((slots, dst))
    }

    fn bulk(&mut self, x: u32, y: u32) -> Result<Bulk, Stop> {
        let ([a, b, c], _) = self.operands::<3>(false)?;
        let imm = self.imms.len() as u32;
        self.imms.push((x, u64::from(y)));
        Ok(Bulk { a, b, c, imm })
    }

    fn binary(&mut self, forms: super::forms::BinaryForms) -> Step {
        let from = self.height_below(2)?;
        let (left, right) = (self.entry(from)?, self.entry(from + 1)?);
        let dst = self.temp(from);
        let constant = |entry: Entry| match entry {
            Entry::Const { bits, narrow } => fits_imm(bits, narrow),
            _ => None,
        };
        let op = if let (Some(imm), Some(form)) = (constant(right), forms.imm) {
            let a = self.slot_at(from)?;
            form(BinImm { dst, a, imm })
        } else if let (Some(imm), Some(form)) = (constant(left), forms.swapped) {
            let a = self.slot_at(from + 1)?;
            form(BinImm { dst, a, imm })
        } else {
            let a = self.slot_at(from)?;
            let b = self.slot_at(from + 1)?;
            (forms.reg)(Bin { dst, a, b })
        };
        self.truncate(from);
        self.push(Entry::Temp)?;
        self.emit(op);
        Ok(())
    }

    fn memory_access(&mut self, access: Access, mem: MemArg) -> Step {
        let small = Access::is_small(&mem);
        match access {
            Access::Load(_, form) => {
                let height = self.height_below(1)?;
                // An address computed by the `i32.add` right before (of a
                // constant too: the indexed load adds in 32 bits as it
                // does, where the offset would not wrap), also as the
                // second half of a pair of adds (the first half stays).
                let added = match self.code.last() {
                    Some(Op::I32AddImm2(pair)) => {
                        let first = Op::I32AddImm(BinImm {
                            dst: pair.dst0,
                            a: pair.a0,
                            imm: i32::from(pair.imm0),
                        });
                        Some((pair.dst1, pair.a1, Err(i32::from(pair.imm1)), Some(first)))
                    }
                    Some(op) => address_add(op).map(|(sum, a, b)| (sum, a, b, None)),
                    None => None,
                };
                if small
                    && self.entry(height)? == Entry::Temp
                    && let Some((sum, a, b, first)) = added
                    && sum == self.temp(height)
                {
                    let plain = form(Load {
                        dst: sum,
                        addr: 0,
                        offset: mem.offset as u32,
                    });
                    // Only a load that has an indexed form takes a constant
                    // slot.
                    if plain.indexed(a, 0).is_some()
                        && let Some(b) = self.addend_slot(b)
                        && let Some(fused) = plain.indexed(a, b)
                        && let Some(last) = self.code.last_fusable()
                    {
                        match first {
                            Some(first) => {
                                *last = first;
                                self.code.push_raw(fused, self.offset);
                            }
                            None => {
                                *last = fused;
                                if let Some(offset) = self.code.offsets.last_mut() {
                                    *offset = self.offset;
                                }
                            }
                        }
                        self.truncate(height);
                        self.push(Entry::Temp)?;
                        return Ok(());
                    }
                }
                let ([addr], dst) = self.operands::<1>(true)?;
                let op = access.op(&mem, dst, addr, &mut self.imms);
                self.emit(op);
            }
            Access::Store(_, form) => {
                let from = self.height_below(2)?;
                if small && self.entry(from)? == Entry::Temp {
                    let value = self.slot_at(from + 1)?;
                    if let Some((a, b)) = self.take_address_add(self.temp(from)) {
                        let plain = form(Store {
                            addr: 0,
                            value,
                            offset: mem.offset as u32,
                        });
                        if let Some(fused) = plain.indexed(a, b) {
                            self.truncate(from);
                            self.emit(fused);
                            return Ok(());
                        }
                    }
                }
                let ([addr, value], _) = self.operands::<2>(false)?;
                let op = access.op(&mem, value, addr, &mut self.imms);
                self.emit(op);
            }
        }
        Ok(())
    }

    /// Takes back out of the code the `i32.add` of two locals (or of a
    /// local and a constant) that computed the address in slot `addr` of a
    /// store (the value was computed after it), when nothing since then
    /// branches, calls or writes either local: the store can then add them
    /// itself (every store has an indexed form).
    fn take_address_add(&mut self, addr: Slot) -> Option<(Slot, Slot)> {
        const LOOK_BACK: usize = 8;
        let ops = &self.code.ops;
        let earliest = self.code.floor.max(ops.len().saturating_sub(LOOK_BACK));
        let at = (earliest..ops.len()).rev().find(|&at| {
            let mut writes_addr = false;
            ops[at].for_each_write(|slot| writes_addr |= slot == addr);
            writes_addr
        })?;
        let locals = self.locals;
        let is_local = |slot: Slot| (slot as usize) < locals;
        let (sum, a, b) = address_add(ops[at])?;
        if sum != addr || !is_local(a) || b.is_ok_and(|b| !is_local(b)) {
            return None;
        }
        let untouched = ops[at + 1..].iter().all(|op| {
            let mut clobbers = false;
            let known = op.for_each_write(|slot| clobbers |= slot == a || Ok(slot) == b);
            let mut op = *op;
            known && !clobbers && op.target_mut().is_none()
        });
        if !untouched {
            return None;
        }
        let b = self.addend_slot(b)?;
        self.code.ops.remove(at);
        self.code.offsets.remove(at);
        Some((a, b))
    }

    /// The slot of an address addend: its own, or a constant slot.
    fn addend_slot(&mut self, addend: Result<Slot, i32>) -> Option<Slot> {
        match addend {
            Ok(slot) => Some(slot),
            Err(imm) => self.const_operand(u64::from(imm as u32)),
        }
    }

    /// Translates a straight-line operation. Inlined where the opcode is a
    /// constant (the visit of one operator), so that the choice of form
    /// folds away.
    #[inline(always)]
    fn straight_line(&mut self, opcode: Opcode) -> Step {
        if let Some(forms) = binary_forms(&opcode) {
            return self.binary(forms);
        }
        if let Some(form) = unary_form(&opcode) {
            return self.unary(form, &opcode);
        }
        if let Some(access) = access(&opcode)
            && let Some(mem) = opcode.mem_arg()
        {
            return self.memory_access(access, mem);
        }
        self.other_straight_line(opcode)
    }

    /// [`Self::straight_line`] of an opcode not known at compile time.
    #[inline(never)]
    fn straight_line_dyn(&mut self, opcode: Opcode) -> Step {
        self.straight_line(opcode)
    }

    fn unary(&mut self, form: Option<super::forms::UnaryForm>, opcode: &Opcode) -> Step {
        let height = self.height_below(1)?;
        match form {
            Some(form) => {
                let ([src], dst) = self.operands::<1>(true)?;
                self.emit(form(Un { dst, src }));
            }
            // Same bits: a constant only changes its width.
            None => {
                if let Entry::Const { bits, .. } = self.entry(height)? {
                    let narrow = matches!(
                        opcode,
                        Opcode::I32ReinterpretF32 | Opcode::F32ReinterpretI32
                    );
                    self.scratch.stack[height] = Entry::Const { bits, narrow };
                }
            }
        }
        Ok(())
    }

    /// The straight-line operations that are neither unary, binary nor
    /// memory accesses.
    #[inline(never)]
    fn other_straight_line(&mut self, opcode: Opcode) -> Step {
        // (Numeric constants never come here: `translate` pushes them.)
        let op = match opcode {
            // Null references are slot value 0 of either type.
            Opcode::RefNull { .. } => {
                return self.push(Entry::Const {
                    bits: 0,
                    narrow: false,
                });
            }
            Opcode::Select => {
                let ([a, b, cond], dst) = self.operands::<3>(true)?;
                Op::Select(Select { dst, cond, a, b })
            }
            Opcode::RefFunc { func } => {
                let ([], slot) = self.operands::<0>(true)?;
                Op::RefFunc(SlotIndex { slot, index: func })
            }
            Opcode::GlobalGet { global } => {
                let ([], slot) = self.operands::<0>(true)?;
                Op::GlobalGet(SlotIndex {
                    slot,
                    index: global,
                })
            }
            Opcode::GlobalSet { global } => {
                let ([slot], _) = self.operands::<1>(false)?;
                Op::GlobalSet(SlotIndex {
                    slot,
                    index: global,
                })
            }
            Opcode::TableGet { table } => {
                let ([b], a) = self.operands::<1>(true)?;
                Op::TableGet(Slots2Index { a, b, index: table })
            }
            Opcode::TableSet { table } => {
                let ([a, b], _) = self.operands::<2>(false)?;
                Op::TableSet(Slots2Index { a, b, index: table })
            }
            Opcode::TableSize { table } => {
                let ([], slot) = self.operands::<0>(true)?;
                Op::TableSize(SlotIndex { slot, index: table })
            }
            Opcode::TableGrow { table } => {
                let ([init, delta], dst) = self.operands::<2>(true)?;
                Op::TableGrow(TableGrow {
                    dst,
                    init,
                    delta,
                    table,
                })
            }
            Opcode::TableFill { table } => Op::TableFill(self.bulk(table, 0)?),
            Opcode::TableCopy { dst, src } => Op::TableCopy(self.bulk(dst, src)?),
            Opcode::TableInit { elem, table } => Op::TableInit(self.bulk(elem, table)?),
            Opcode::ElemDrop { elem } => Op::ElemDrop(elem),
            Opcode::MemorySize { memory } => {
                let ([], slot) = self.operands::<0>(true)?;
                Op::MemorySize(SlotIndex {
                    slot,
                    index: memory,
                })
            }
            Opcode::MemoryGrow { memory } => {
                let ([b], a) = self.operands::<1>(true)?;
                Op::MemoryGrow(Slots2Index {
                    a,
                    b,
                    index: memory,
                })
            }
            Opcode::MemoryFill { memory } => Op::MemoryFill(self.bulk(memory, 0)?),
            Opcode::MemoryCopy { dst, src } => Op::MemoryCopy(self.bulk(dst, src)?),
            Opcode::MemoryInit { data, memory } => Op::MemoryInit(self.bulk(data, memory)?),
            Opcode::DataDrop { data } => Op::DataDrop(data),
            _ => return Err(Stop::Unsupported),
        };
        self.emit(op);
        Ok(())
    }

    // --- dispatch ---

    #[inline(always)]
    fn translate(&mut self, operator: &Operator<'_>) -> Step {
        if !self.reachable {
            return match operator {
                Operator::Block { .. } => {
                    self.open_dead(Kind::Block);
                    Ok(())
                }
                Operator::Loop { .. } => {
                    self.open_dead(Kind::Loop);
                    Ok(())
                }
                Operator::If { .. } => {
                    self.open_dead(Kind::If);
                    Ok(())
                }
                Operator::Else => {
                    let index = self.frame_index(0)?;
                    if self.scratch.frames[index].live {
                        self.enter_else()
                    } else {
                        Ok(())
                    }
                }
                Operator::End => self.end(),
                _ => Ok(()),
            };
        }
        match *operator {
            Operator::Nop => Ok(()),
            Operator::Unreachable => {
                self.code.push_raw(Op::Trap(()), self.offset);
                self.reachable = false;
                Ok(())
            }
            Operator::Block { blockty } => {
                let (params, results) = self.block_arity(blockty)?;
                self.open(Kind::Block, params, results)?;
                self.code.label();
                Ok(())
            }
            Operator::Loop { blockty } => self.open_loop(blockty),
            Operator::If { blockty } => self.open_if(blockty),
            Operator::Else => self.enter_else(),
            Operator::End => self.end(),
            Operator::Br { relative_depth } => self.branch(relative_depth),
            Operator::BrIf { relative_depth } => self.branch_if(relative_depth),
            Operator::BrTable { ref targets } => self.branch_table(targets),
            Operator::Return => self.return_values(),
            Operator::Drop => self.pop().map(drop),
            Operator::LocalGet { local_index } => {
                let slot = Slot::try_from(local_index).map_err(|_| Stop::Unsupported)?;
                self.push(Entry::Local(slot))
            }
            Operator::LocalSet { local_index } => {
                let height = self.height_below(1)?;
                let entry = self.pop()?;
                self.set_local(local_index, entry, height)
            }
            Operator::LocalTee { local_index } => {
                let height = self.height_below(1)?;
                let entry = self.pop()?;
                self.set_local(local_index, entry, height)?;
                let slot = Slot::try_from(local_index).map_err(|_| Stop::Unsupported)?;
                self.push(Entry::Local(slot))
            }
            Operator::Call { function_index } => self.call(function_index, false),
            Operator::ReturnCall { function_index } => self.call(function_index, true),
            Operator::CallIndirect {
                type_index,
                table_index,
            } => self.call_indirect(type_index, table_index, false),
            Operator::ReturnCallIndirect {
                type_index,
                table_index,
            } => self.call_indirect(type_index, table_index, true),
            // Constants, numeric operators and memory accesses are mapped
            // to their opcode here, where it is a constant of each visit.
            Operator::I32Const { value } => self.push(Entry::Const {
                bits: u64::from(value as u32),
                narrow: true,
            }),
            Operator::I64Const { value } => self.push(Entry::Const {
                bits: value as u64,
                narrow: false,
            }),
            Operator::F32Const { value } => self.push(Entry::Const {
                bits: u64::from(value.bits()),
                narrow: true,
            }),
            Operator::F64Const { value } => self.push(Entry::Const {
                bits: value.bits(),
                narrow: false,
            }),
            _ => {
                if let Some(opcode) =
                    zwasm_validate::for_each_plain_operator!(plain_opcode!(operator))
                {
                    return self.straight_line(opcode);
                }
                match zwasm_validate::for_each_memory_access_operator!(access_opcode!(operator)) {
                    Some(Some(opcode)) => self.straight_line(opcode),
                    Some(None) => Err(Stop::Unsupported),
                    None => {
                        let opcode =
                            straight_line_opcode(operator).map_err(|_| Stop::Unsupported)?;
                        self.straight_line_dyn(opcode)
                    }
                }
            }
        }
    }
}

/// Each visit builds the operator it was given and translates it: the
/// reader hands over the decoded immediates without the round trip of an
/// `Operator` through `Result`s (`OperatorsReader::read`). An operator
/// whose immediates own nothing is forgotten rather than dropped, so that
/// no visit calls the drop glue of every kind of `Operator`.
macro_rules! visit_by_operator {
    ($(@$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $(
            fn $visit(&mut self $($(,$arg: $argty)*)?) -> Step {
                let operator = Operator::$op $({ $($arg),* })?;
                let step = self.translate(&operator);
                if $($(!std::mem::needs_drop::<$argty>() &&)*)? true {
                    std::mem::forget(operator);
                }
                step
            }
        )*
    };
}

impl<'a> wasmparser::VisitOperator<'a> for DirectTranslator<'_> {
    type Output = Step;

    wasmparser::for_each_visit_operator!(visit_by_operator);
}

/// The translator's frames are the reader's control stack (which checks
/// only that `else` is in an `if`, and that nothing follows the body's
/// `end`): the reader keeps none of its own.
impl wasmparser::FrameStack for DirectTranslator<'_> {
    fn current_frame(&self) -> Option<wasmparser::FrameKind> {
        self.scratch.frames.last().map(|frame| match frame.kind {
            Kind::Function | Kind::Block => wasmparser::FrameKind::Block,
            Kind::Loop => wasmparser::FrameKind::Loop,
            Kind::If => wasmparser::FrameKind::If,
        })
    }
}

impl DirectTranslator<'_> {
    /// `count` more declared locals (after the parameters), before any
    /// operator: the first ops clear them, one op each.
    pub fn locals(&mut self, count: u32) -> Step {
        let first = self.locals;
        self.locals = self.locals.saturating_add(count as usize);
        if self.locals > Slot::MAX as usize {
            return Err(Stop::Unsupported);
        }
        // Declared locals start at zero; slots are not cleared between
        // calls (`finish` removes what no path needs).
        for slot in first..self.locals {
            self.constant(slot as Slot, 0, true);
        }
        Ok(())
    }

    /// Sets the module offset of the operator translated next (through
    /// `VisitOperator`).
    pub fn at_offset(&mut self, offset: usize) {
        self.offset = offset as u32;
    }
}

/// The sum slot and the addends of an `i32.add` op (the second addend a
/// slot, or a constant).
fn address_add(op: Op) -> Option<(Slot, Slot, Result<Slot, i32>)> {
    match op {
        Op::I32Add(add) => Some((add.dst, add.a, Ok(add.b))),
        Op::I32AddImm(add) => Some((add.dst, add.a, Err(add.imm))),
        _ => None,
    }
}

/// The branch condition of a compare op, its operands and its result slot.
fn condition_of(op: Op) -> Option<(Cond, Operand, Operand, Slot)> {
    use Operand::{Imm, Slot as S};
    macro_rules! int {
        ($x:expr, $cc:ident, $wide:expr) => {
            (
                Cond::Int {
                    cc: IntCC::$cc,
                    wide: $wide,
                },
                S($x.a),
                S($x.b),
                $x.dst,
            )
        };
    }
    macro_rules! int_imm {
        ($x:expr, $cc:ident, $wide:expr) => {
            (
                Cond::Int {
                    cc: IntCC::$cc,
                    wide: $wide,
                },
                S($x.a),
                Imm($x.imm),
                $x.dst,
            )
        };
    }
    macro_rules! float {
        ($x:expr, $cc:ident, $wide:expr) => {
            (
                Cond::Float {
                    cc: FloatCC::$cc,
                    wide: $wide,
                    negated: false,
                },
                S($x.a),
                S($x.b),
                $x.dst,
            )
        };
    }
    Some(match op {
        Op::I32Eqz(x) => (Cond::Eqz { wide: false }, S(x.src), Imm(0), x.dst),
        Op::I64Eqz(x) => (Cond::Eqz { wide: true }, S(x.src), Imm(0), x.dst),
        Op::I32Eq(x) => int!(x, Eq, false),
        Op::I32Ne(x) => int!(x, Ne, false),
        Op::I32LtS(x) => int!(x, LtS, false),
        Op::I32LtU(x) => int!(x, LtU, false),
        Op::I32GtS(x) => int!(x, GtS, false),
        Op::I32GtU(x) => int!(x, GtU, false),
        Op::I32LeS(x) => int!(x, LeS, false),
        Op::I32LeU(x) => int!(x, LeU, false),
        Op::I32GeS(x) => int!(x, GeS, false),
        Op::I32GeU(x) => int!(x, GeU, false),
        Op::I64Eq(x) => int!(x, Eq, true),
        Op::I64Ne(x) => int!(x, Ne, true),
        Op::I64LtS(x) => int!(x, LtS, true),
        Op::I64LtU(x) => int!(x, LtU, true),
        Op::I64GtS(x) => int!(x, GtS, true),
        Op::I64GtU(x) => int!(x, GtU, true),
        Op::I64LeS(x) => int!(x, LeS, true),
        Op::I64LeU(x) => int!(x, LeU, true),
        Op::I64GeS(x) => int!(x, GeS, true),
        Op::I64GeU(x) => int!(x, GeU, true),
        Op::I32EqImm(x) => int_imm!(x, Eq, false),
        Op::I32NeImm(x) => int_imm!(x, Ne, false),
        Op::I32LtSImm(x) => int_imm!(x, LtS, false),
        Op::I32LtUImm(x) => int_imm!(x, LtU, false),
        Op::I32GtSImm(x) => int_imm!(x, GtS, false),
        Op::I32GtUImm(x) => int_imm!(x, GtU, false),
        Op::I32LeSImm(x) => int_imm!(x, LeS, false),
        Op::I32LeUImm(x) => int_imm!(x, LeU, false),
        Op::I32GeSImm(x) => int_imm!(x, GeS, false),
        Op::I32GeUImm(x) => int_imm!(x, GeU, false),
        Op::I64EqImm(x) => int_imm!(x, Eq, true),
        Op::I64NeImm(x) => int_imm!(x, Ne, true),
        Op::I64LtSImm(x) => int_imm!(x, LtS, true),
        Op::I64LtUImm(x) => int_imm!(x, LtU, true),
        Op::I64GtSImm(x) => int_imm!(x, GtS, true),
        Op::I64GtUImm(x) => int_imm!(x, GtU, true),
        Op::I64LeSImm(x) => int_imm!(x, LeS, true),
        Op::I64LeUImm(x) => int_imm!(x, LeU, true),
        Op::I64GeSImm(x) => int_imm!(x, GeS, true),
        Op::I64GeUImm(x) => int_imm!(x, GeU, true),
        Op::F32Eq(x) => float!(x, Eq, false),
        Op::F32Ne(x) => float!(x, Ne, false),
        Op::F32Lt(x) => float!(x, Lt, false),
        Op::F32Gt(x) => float!(x, Gt, false),
        Op::F32Le(x) => float!(x, Le, false),
        Op::F32Ge(x) => float!(x, Ge, false),
        Op::F64Eq(x) => float!(x, Eq, true),
        Op::F64Ne(x) => float!(x, Ne, true),
        Op::F64Lt(x) => float!(x, Lt, true),
        Op::F64Gt(x) => float!(x, Gt, true),
        Op::F64Le(x) => float!(x, Le, true),
        Op::F64Ge(x) => float!(x, Ge, true),
        _ => return None,
    })
}
