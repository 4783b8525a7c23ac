//! Materialising an integer constant in a register with the fewest
//! instructions among `movz`/`movn` + `movk` and `orr #bitmask` (+ `movk`).

use crate::imms::MoveWideImm;
use crate::inst::{Inst, LogicImmOp, MoveWideOp};
use crate::logical_imm::LogicalImm;
use crate::regs::{Gpr, GprOrZr, OperandSize};

/// Instructions that set `rd` to `value` (its low 32 bits for
/// [`OperandSize::Size32`], the upper half of the `x` register then being
/// cleared). Never empty; at most 4 instructions.
pub fn load_constant(rd: Gpr, value: u64, size: OperandSize) -> Vec<Inst> {
    let value = value & size.mask();
    if let Some(single) = single_instruction(rd, value, size) {
        return vec![single];
    }
    let mut best = move_wide_sequence(rd, value, size);
    if size == OperandSize::Size64
        && best.len() > 2
        && let Some(sequence) = bitmask_then_movk(rd, value, best.len() - 1)
    {
        best = sequence;
    }
    best
}

fn single_instruction(rd: Gpr, value: u64, size: OperandSize) -> Option<Inst> {
    let rd_zr = GprOrZr::from(rd);
    if let Some(imm) = MoveWideImm::from_value(value) {
        return Some(Inst::MoveWide {
            op: MoveWideOp::Movz,
            size,
            rd: rd_zr,
            imm,
        });
    }
    // A 64-bit value with a clear upper half can use a 32-bit instruction.
    let sizes: &[OperandSize] = match (size, value >> 32) {
        (OperandSize::Size64, 0) => &[OperandSize::Size64, OperandSize::Size32],
        _ => &[size],
    };
    for &size in sizes {
        if let Some(imm) = MoveWideImm::from_value(!value & size.mask()) {
            return Some(Inst::MoveWide {
                op: MoveWideOp::Movn,
                size,
                rd: rd_zr,
                imm,
            });
        }
        if let Some(imm) = LogicalImm::new(value, size) {
            return Some(orr_bitmask(rd, imm));
        }
    }
    None
}

fn orr_bitmask(rd: Gpr, imm: LogicalImm) -> Inst {
    Inst::LogicImm {
        op: LogicImmOp::Orr,
        rd: rd.into(),
        rn: GprOrZr::Zr,
        imm,
    }
}

fn half_word(value: u64, index: usize) -> u16 {
    (value >> (index * 16)) as u16
}

fn movk(rd: Gpr, size: OperandSize, value: u64, index: usize) -> Option<Inst> {
    let imm = MoveWideImm::new(half_word(value, index), (index * 16) as u8)?;
    Some(Inst::MoveWide {
        op: MoveWideOp::Movk,
        size,
        rd: rd.into(),
        imm,
    })
}

/// `movz` (or `movn` when most half-words are 0xffff) then one `movk` per
/// remaining half-word.
fn move_wide_sequence(rd: Gpr, value: u64, size: OperandSize) -> Vec<Inst> {
    let count = (size.bits() / 16) as usize;
    let halves: Vec<u16> = (0..count).map(|i| half_word(value, i)).collect();
    let zeros = halves.iter().filter(|&&h| h == 0).count();
    let ones = halves.iter().filter(|&&h| h == 0xffff).count();
    let (op, filler) = if ones > zeros {
        (MoveWideOp::Movn, 0xffff)
    } else {
        (MoveWideOp::Movz, 0)
    };
    let mut sequence = Vec::with_capacity(count);
    for (index, &half) in halves.iter().enumerate() {
        if half == filler {
            continue;
        }
        let inst = if sequence.is_empty() {
            let bits = if op == MoveWideOp::Movn { !half } else { half };
            MoveWideImm::new(bits, (index * 16) as u8).map(|imm| Inst::MoveWide {
                op,
                size,
                rd: rd.into(),
                imm,
            })
        } else {
            movk(rd, size, value, index)
        };
        sequence.extend(inst);
    }
    if sequence.is_empty() {
        // Every half-word is the filler: the value is 0 or all ones, both
        // single instructions already; kept total for safety.
        sequence.extend(MoveWideImm::new(0, 0).map(|imm| Inst::MoveWide {
            op,
            size,
            rd: rd.into(),
            imm,
        }));
    }
    sequence
}

/// `orr rd, xzr, #bitmask` followed by at most `max_movk` `movk`s, where the
/// bitmask agrees with `value` except in the half-words the `movk`s set.
fn bitmask_then_movk(rd: Gpr, value: u64, max_movk: usize) -> Option<Vec<Inst>> {
    let halves: [u16; 4] = std::array::from_fn(|i| half_word(value, i));
    for patch_count in 1..max_movk.min(3) {
        for patched in subsets_of_four(patch_count) {
            let fillers = filler_candidates(&halves, patched);
            if let Some(imm) = find_bitmask(value, patched, &fillers) {
                let mut sequence = vec![orr_bitmask(rd, imm)];
                for index in (0..4).filter(|&i| patched & (1 << i) != 0) {
                    sequence.extend(movk(rd, OperandSize::Size64, value, index));
                }
                return Some(sequence);
            }
        }
    }
    None
}

/// Bit sets over the four half-words with `count` bits set.
fn subsets_of_four(count: usize) -> impl Iterator<Item = u8> {
    (0u8..16).filter(move |set| set.count_ones() as usize == count)
}

/// Half-word values worth trying in place of the patched ones: the
/// unpatched half-words (repeating patterns) and the two trivial fillers.
fn filler_candidates(halves: &[u16; 4], patched: u8) -> Vec<u16> {
    let mut fillers = vec![0, 0xffff];
    for (index, &half) in halves.iter().enumerate() {
        if patched & (1 << index) == 0 && !fillers.contains(&half) {
            fillers.push(half);
        }
    }
    fillers
}

fn find_bitmask(value: u64, patched: u8, fillers: &[u16]) -> Option<LogicalImm> {
    let indices: Vec<usize> = (0..4).filter(|&i| patched & (1 << i) != 0).collect();
    let combinations = fillers.len().pow(indices.len() as u32);
    (0..combinations).find_map(|mut combination| {
        let mut candidate = value;
        for &index in &indices {
            let filler = fillers[combination % fillers.len()];
            combination /= fillers.len();
            candidate =
                (candidate & !(0xffff << (index * 16))) | (u64::from(filler) << (index * 16));
        }
        LogicalImm::new(candidate, OperandSize::Size64)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_instructions() {
        assert_eq!(load_constant(Gpr::X0, 0, OperandSize::Size64).len(), 1);
        assert_eq!(
            load_constant(Gpr::X0, u64::MAX, OperandSize::Size64).len(),
            1
        );
        assert_eq!(
            load_constant(Gpr::X0, 0xffff_ffff, OperandSize::Size64).len(),
            1
        );
        assert_eq!(
            load_constant(Gpr::X0, 0xffff_1234, OperandSize::Size64).len(),
            1
        );
        assert_eq!(
            load_constant(Gpr::X0, 0x5555_5555_5555_5555, OperandSize::Size64).len(),
            1
        );
    }

    #[test]
    fn bitmask_plus_movk_beats_four_move_wides() {
        assert_eq!(
            load_constant(Gpr::X0, 0x5555_1234_5555_5555, OperandSize::Size64).len(),
            2
        );
        assert_eq!(
            load_constant(Gpr::X0, 0x1234_5678_9abc_def0, OperandSize::Size64).len(),
            4
        );
    }
}
