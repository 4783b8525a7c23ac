//! Appending ops with the pairwise fusions both translators apply (the
//! ir-reg emitter and the direct translator): each new op may merge into
//! the op before it, unless a branch may land between them.

use crate::fast::code::{AddImm2, Op};

/// The code being emitted: ops, the wasm offset of each, and the index
/// before which ops may not be fused with the next one.
#[derive(Default)]
pub(super) struct Code {
    pub ops: Vec<Op>,
    pub offsets: Vec<u32>,
    /// Ops before this index may not fuse with the next op: a branch may
    /// land between them.
    pub floor: usize,
}

impl Code {
    /// Empty, in the buffers `ops` and `offsets` (cleared), with room for
    /// `capacity` ops.
    pub fn reusing(mut ops: Vec<Op>, mut offsets: Vec<u32>, capacity: usize) -> Code {
        ops.clear();
        offsets.clear();
        ops.reserve(capacity);
        offsets.reserve(capacity);
        Code {
            ops,
            offsets,
            floor: 0,
        }
    }

    /// The last op, if it may fuse with (or be changed for) the next one.
    pub fn last_fusable(&mut self) -> Option<&mut Op> {
        self.ops[self.floor..].last_mut()
    }

    /// The last op, if it may fuse with the next one.
    pub fn last(&self) -> Option<Op> {
        self.ops[self.floor..].last().copied()
    }

    /// A branch may land here: nothing before fuses with what follows.
    pub fn label(&mut self) -> u32 {
        self.floor = self.ops.len();
        self.ops.len() as u32
    }

    /// Appends `op` (from wasm offset `offset`) as it is, unfused.
    pub fn push_raw(&mut self, op: Op, offset: u32) -> usize {
        self.ops.push(op);
        self.offsets.push(offset);
        self.ops.len() - 1
    }

    /// Appends `op`, fused with the op before it where a fusion applies.
    pub fn push(&mut self, op: Op, offset: u32) {
        // Two `i32.add`s with small immediates in a row (compiled loops
        // step pointers and counters in pairs) become one `I32AddImm2`.
        if let Op::I32AddImm(second) = op
            && let Ok(imm1) = i16::try_from(second.imm)
            && let Some(last) = self.last_fusable()
            && let Op::I32AddImm(first) = *last
            && let Ok(imm0) = i16::try_from(first.imm)
        {
            *last = Op::I32AddImm2(AddImm2 {
                dst0: first.dst,
                a0: first.a,
                dst1: second.dst,
                a1: second.a,
                imm0,
                imm1,
            });
            return;
        }
        // A float op using the result of the float op or the load right
        // before it, or a store of the float op's result right before it
        // (only the ops `after_f64`, `after_imm` and `with_access` fuse
        // as the second op are worth looking back for).
        if matches!(
            op,
            Op::F64Add(_)
                | Op::F64Mul(_)
                | Op::I32Add(_)
                | Op::I32Xor(_)
                | Op::I64Add(_)
                | Op::I64Xor(_)
                | Op::I64Store(_)
        ) && let Some(last) = self.last_fusable()
            && let Some(fused) = op
                .after_f64(*last)
                .or_else(|| op.after_imm(*last))
                .or_else(|| Op::with_access(*last, op))
        {
            *last = fused;
            // A fused store traps as the store, at its own offset.
            if matches!(op, Op::I64Store(_))
                && let Some(last_offset) = self.offsets.last_mut()
            {
                *last_offset = offset;
            }
            return;
        }
        self.push_raw(op, offset);
    }

    /// Appends an unconditional jump to `target`, merged with a copy right
    /// before it (a branch's last move). Returns the index of the op that
    /// holds the target.
    pub fn push_jump(&mut self, target: u32, offset: u32) -> usize {
        if let Some(last) = self.last_fusable()
            && let Some(fused) = last.then_branch(target)
        {
            *last = fused;
            return self.ops.len() - 1;
        }
        self.push_raw(Op::Br(target), offset)
    }

    /// Appends the conditional branch `op`, fused with the op before it
    /// when that op computes what it tests (a loop counter's `i32.add` of
    /// an immediate, a bit test's `i32.and`). Returns the index of the op
    /// that holds the branch target.
    pub fn push_branch(&mut self, op: Op, offset: u32) -> usize {
        if let Some(last) = self.last_fusable() {
            let fused = match *last {
                Op::I32AddImm(add) => op.after_add(add),
                Op::I32AndImm(and) => op.after_and(and),
                _ => None,
            };
            if let Some(fused) = fused {
                *last = fused;
                return self.ops.len() - 1;
            }
        }
        self.push(op, offset);
        self.ops.len() - 1
    }
}
