//! Appending ops with the pairwise fusions both translators apply (the
//! ir-reg emitter and the direct translator): each new op may merge into
//! the op before it, unless a branch may land between them.

use crate::fast::code::{AddImm2, BinImm, Copy2, Op, Role, Slot};

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
        // Two copies in a row (a loop's variables rotating: `h = g; g = f`)
        // become one `Copy2` when the second neither reads nor writes what
        // the first wrote, so that running them in turn or at once agree.
        if let Op::Copy(second) = op
            && let Some(last) = self.last_fusable()
            && let Op::Copy(first) = *last
            && second.src != first.dst
            && second.dst != first.dst
        {
            *last = Op::Copy2(Copy2 {
                dst0: first.dst,
                src0: first.src,
                dst1: second.dst,
                src1: second.src,
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
        ) {
            let fuse = |first: Op| {
                op.after_f64(first)
                    .or_else(|| op.after_imm(first))
                    .or_else(|| Op::with_access(first, op))
            };
            // A fused store traps as the store, at its own offset.
            let fused_offset = |first_offset: u32| {
                if matches!(op, Op::I64Store(_)) {
                    offset
                } else {
                    first_offset
                }
            };
            if let Some(last) = self.last_fusable()
                && let Some(fused) = fuse(*last)
            {
                *last = fused;
                if let Some(last_offset) = self.offsets.last_mut() {
                    *last_offset = fused_offset(*last_offset);
                }
                return;
            }
            if let Some(fused) = self.fuse_across(fuse) {
                let at = self.ops.len() - 1;
                self.ops[at] = fused;
                self.offsets[at] = fused_offset(self.offsets[at]);
                return;
            }
        }
        self.push_raw(op, offset);
    }

    /// The fusion `fuse` of the op before the last one with the op being
    /// pushed, when the last op is pure and independent of it: the last op
    /// then moves before it (its slots are not the other op's), the fused
    /// op takes the last place, with the other op's offset, which the
    /// caller may change, and is returned. A compiler interleaves
    /// independent computations (`acc * 31 + (x & 0xffff)` computes the
    /// mask between the multiply and the add), which hid most such pairs.
    fn fuse_across(&mut self, fuse: impl Fn(Op) -> Option<Op>) -> Option<Op> {
        let len = self.ops.len();
        if len < self.floor + 2 {
            return None;
        }
        let (first, between) = (self.ops[len - 2], self.ops[len - 1]);
        if !between.is_pure() {
            return None;
        }
        let fused = fuse(first)?;
        // `between` moves before `first`: it must not read what `first`
        // writes, nor write anything `first` reads or writes.
        let first_uses = |slot: Slot, writes_only: bool| {
            let mut op = first;
            let mut uses = false;
            op.for_each_operand_mut(|s, role| {
                uses |= *s == slot && (!writes_only || role == Role::Write);
            });
            uses
        };
        let mut independent = true;
        let mut between_op = between;
        between_op.for_each_operand_mut(|slot, role| {
            independent &= !first_uses(*slot, role == Role::Read);
        });
        if !independent {
            return None;
        }
        self.ops.swap(len - 2, len - 1);
        self.offsets.swap(len - 2, len - 1);
        Some(fused)
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
                // `x - imm` is `x + -imm`: a count down and its test.
                Op::I32SubImm(sub) => sub
                    .imm
                    .checked_neg()
                    .and_then(|imm| op.after_add(BinImm { imm, ..sub })),
                Op::I32Add(add) => op.after_add_slots(add),
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

/// Turns each `i32.load8_u` whose byte a `br_table` right after it
/// switches on into one op that loads and dispatches (one jump fewer per
/// `switch (*p)`). The `br_table` stays in place, so branches to it and
/// every op index stay valid: this runs on finished code, after the
/// analyses and the jump threading, none of which see the fused ops.
pub(super) fn fuse_switch_loads(code: &mut [Op]) {
    for pc in 1..code.len() {
        let Op::BrTable(table) = code[pc] else {
            continue;
        };
        code[pc - 1] = match code[pc - 1] {
            Op::I32Load8U(load) if load.dst == table.index => Op::BrTableI32Load8U(load),
            Op::I32Load8UIdx(load) if load.dst == table.index => Op::BrTableI32Load8UIdx(load),
            op => op,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::Code;
    use crate::fast::code::{Bin, BinImm, Copy2, ImmBin, Op, Un};

    fn pushed(ops: &[Op]) -> Vec<Op> {
        let mut code = Code::default();
        for (offset, &op) in ops.iter().enumerate() {
            code.push(op, offset as u32);
        }
        assert_eq!(code.ops.len(), code.offsets.len());
        code.ops
    }

    const MUL: Op = Op::I64MulImm(BinImm {
        dst: 5,
        a: 3,
        imm: 31,
    });

    #[test]
    fn fuses_across_an_independent_pure_op() {
        // acc * 31 + (x & 0xffff): the mask computed between the two halves.
        let mask = Op::I32AndImm(BinImm {
            dst: 6,
            a: 4,
            imm: 0xffff,
        });
        let add = Op::I64Add(Bin { dst: 3, a: 5, b: 6 });
        let fused = Op::I64MulImmAdd(ImmBin {
            t: 5,
            a: 3,
            imm: 31,
            dst: 3,
            c: 6,
        });
        assert_eq!(pushed(&[MUL, mask, add]), [mask, fused]);
    }

    #[test]
    fn keeps_the_order_when_the_op_between_depends_on_the_first() {
        let add = Op::I64Add(Bin { dst: 3, a: 5, b: 6 });
        // Reads the multiply's result.
        let reads = Op::I32AndImm(BinImm {
            dst: 6,
            a: 5,
            imm: 1,
        });
        assert_eq!(pushed(&[MUL, reads, add]), [MUL, reads, add]);
        // Overwrites the multiply's operand.
        let writes = Op::I32AndImm(BinImm {
            dst: 3,
            a: 4,
            imm: 1,
        });
        assert_eq!(pushed(&[MUL, writes, add]), [MUL, writes, add]);
        // Not pure: a load may trap.
        let load = Op::I64Load(crate::fast::code::Load {
            dst: 6,
            addr: 4,
            offset: 0,
        });
        assert_eq!(pushed(&[MUL, load, add]), [MUL, load, add]);
    }

    #[test]
    fn pairs_copies_that_do_not_depend_on_each_other() {
        let copy = |dst, src| Op::Copy(Un { dst, src });
        // h = g; g = f: the second overwrites what the first read.
        let pair = Op::Copy2(Copy2 {
            dst0: 7,
            src0: 6,
            dst1: 6,
            src1: 5,
        });
        assert_eq!(
            pushed(&[copy(7, 6), copy(6, 5), copy(5, 4)]),
            [pair, copy(5, 4)]
        );
        // b = a; c = b reads what the first wrote; b = a; b = c writes it.
        assert_eq!(pushed(&[copy(2, 1), copy(3, 2)]), [copy(2, 1), copy(3, 2)]);
        assert_eq!(pushed(&[copy(2, 1), copy(2, 3)]), [copy(2, 1), copy(2, 3)]);
    }

    #[test]
    fn stores_a_loaded_sum_back_in_one_op() {
        use crate::fast::code::{Load, LoadBin, Store};
        let load = |dst| {
            Op::I64Load(Load {
                dst,
                addr: 1,
                offset: 8,
            })
        };
        let add = Op::F64Add(Bin { dst: 4, a: 3, b: 2 });
        let store = |addr, offset| {
            Op::I64Store(Store {
                addr,
                value: 4,
                offset,
            })
        };
        let fused = LoadBin {
            ld: 3,
            addr: 1,
            dst: 4,
            b: 2,
            offset: 8,
        };
        assert_eq!(
            pushed(&[load(3), add, store(1, 8)]),
            [Op::F64LoadAddStore(fused)]
        );
        // Another address or offset: the load and add fuse, the store stays.
        let other = [Op::F64LoadAdd(fused), store(5, 8)];
        assert_eq!(pushed(&[load(3), add, store(5, 8)]), other);
        let other = [Op::F64LoadAdd(fused), store(1, 16)];
        assert_eq!(pushed(&[load(3), add, store(1, 16)]), other);
    }

    #[test]
    fn fuses_a_step_with_the_zero_test_of_its_result() {
        use crate::fast::code::{AddBrCmpImm, BrTest};
        let down = Op::I32SubImm(BinImm {
            dst: 1,
            a: 1,
            imm: 1,
        });
        let mut code = Code::default();
        code.push(down, 0);
        code.push_branch(Op::BrNez32(BrTest { cond: 1, target: 0 }), 1);
        let fused = AddBrCmpImm {
            dst: 1,
            a: 1,
            imm: -1,
            limit: 0,
            target: 0,
        };
        assert_eq!(code.ops, [Op::AddBrI32NeImm(fused)]);
        // A test of another slot leaves both.
        let mut code = Code::default();
        code.push(down, 0);
        let test = Op::BrEqz32(BrTest { cond: 2, target: 0 });
        code.push_branch(test, 1);
        assert_eq!(code.ops, [down, test]);
    }
}
