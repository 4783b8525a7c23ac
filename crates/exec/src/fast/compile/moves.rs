//! Parallel moves: the copies of block arguments into block parameters
//! happen all at once, so a sequence of single copies must not overwrite a
//! source before it is read. Sequentialised here, cycles broken through a
//! scratch slot; constants are stored last (they read no slot).

use crate::fast::code::{Const32, Const64, Copy2, Op, Slot, Un};

/// One pending copy `dst = src` or constant store `dst = bits`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Move {
    Copy { dst: Slot, src: Slot },
    Const { dst: Slot, bits: u64, narrow: bool },
}

/// Appends to `out` copies that perform `moves` as a parallel assignment,
/// using slot `scratch` to break cycles. Returns whether `scratch` was used.
pub(super) fn sequentialize(moves: &mut Vec<Move>, scratch: Slot, out: &mut Vec<Op>) -> bool {
    let mut used_scratch = false;
    let mut copies: Vec<(Slot, Slot)> = moves
        .iter()
        .filter_map(|m| match *m {
            Move::Copy { dst, src } if dst != src => Some((dst, src)),
            _ => None,
        })
        .collect();
    let mut seq: Vec<(Slot, Slot)> = Vec::with_capacity(copies.len() + 1);
    while !copies.is_empty() {
        // A copy whose destination no other pending copy still reads can go.
        let ready = (0..copies.len()).find(|&i| {
            let dst = copies[i].0;
            !copies.iter().any(|&(_, src)| src == dst)
        });
        match ready {
            Some(i) => seq.push(copies.swap_remove(i)),
            None => {
                // Only cycles remain: park one source in the scratch slot.
                let (_, src) = copies[0];
                seq.push((scratch, src));
                used_scratch = true;
                for copy in &mut copies {
                    if copy.1 == src {
                        copy.1 = scratch;
                    }
                }
            }
        }
    }
    let mut pairs = seq.chunks_exact(2);
    for pair in &mut pairs {
        out.push(Op::Copy2(Copy2 {
            dst0: pair[0].0,
            src0: pair[0].1,
            dst1: pair[1].0,
            src1: pair[1].1,
        }));
    }
    if let [(dst, src)] = *pairs.remainder() {
        out.push(Op::Copy(Un { dst, src }));
    }
    for m in moves.drain(..) {
        if let Move::Const { dst, bits, narrow } = m {
            out.push(if narrow {
                Op::Const32(Const32 {
                    dst,
                    value: bits as u32,
                })
            } else {
                Op::Const64(Const64::new(dst, bits))
            });
        }
    }
    used_scratch
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `ops` on `slots`.
    fn run(ops: &[Op], slots: &mut [u64]) {
        for op in ops {
            match *op {
                Op::Copy(x) => slots[x.dst as usize] = slots[x.src as usize],
                Op::Copy2(x) => {
                    slots[x.dst0 as usize] = slots[x.src0 as usize];
                    slots[x.dst1 as usize] = slots[x.src1 as usize];
                }
                Op::Const32(x) => slots[x.dst as usize] = u64::from(x.value),
                Op::Const64(x) => slots[x.dst as usize] = x.value(),
                _ => unreachable!(),
            }
        }
    }

    fn check(moves: &[Move]) {
        let mut slots: Vec<u64> = (0..8).map(|i| 100 + i).collect();
        let mut expected = slots.clone();
        for m in moves {
            match *m {
                Move::Copy { dst, src } => expected[dst as usize] = slots[src as usize],
                Move::Const { dst, bits, .. } => expected[dst as usize] = bits,
            }
        }
        let mut ops = Vec::new();
        sequentialize(&mut moves.to_vec(), 7, &mut ops);
        run(&ops, &mut slots);
        assert_eq!(&slots[..7], &expected[..7], "{moves:?} -> {ops:?}");
    }

    #[test]
    fn swaps_rotations_and_fan_out() {
        let copy = |dst, src| Move::Copy { dst, src };
        check(&[copy(0, 1), copy(1, 0)]);
        check(&[copy(0, 1), copy(1, 2), copy(2, 0)]);
        check(&[copy(1, 0), copy(2, 0), copy(3, 1)]);
        check(&[copy(0, 1), copy(1, 0), copy(2, 3), copy(3, 2), copy(4, 4)]);
        check(&[
            copy(0, 1),
            copy(1, 0),
            Move::Const {
                dst: 2,
                bits: 7,
                narrow: true,
            },
        ]);
    }
}
