//! Slot assignment: linear scan over live ranges with holes.
//!
//! Values are visited in order of their first position. Values copied one
//! to another on branch edges (argument and parameter) form groups, the
//! SSA webs of one wasm local. A value takes, in order of preference: its
//! group's slot (the slot of its first allocated member), the slot of a
//! value it is copied to or from, each whenever the ranges do not
//! intersect, holes included (so a loop variable and its next value share
//! a slot and the back edge moves nothing); else a slot whose every range
//! has ended; else a new slot. The entry block's parameters are pinned to slots `0..n`,
//! where callers place the arguments.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use zwasm_ir_reg::{RegFunction, Value};

use super::analyze::Analysis;
use super::liveness::{Liveness, Range};

pub(super) const NO_SLOT: u32 = u32::MAX;

#[derive(Debug, Default)]
pub(super) struct Allocation {
    /// Per value; [`NO_SLOT`] for values without a slot.
    pub slots: Vec<u32>,
    /// Number of slots used.
    pub frame_size: u32,
}

/// The ranges assigned to one slot.
#[derive(Debug, Default)]
struct SlotState {
    ranges: Vec<Range>,
    /// End of the last range: the slot is free from here on.
    end: u32,
}

impl SlotState {
    fn intersects(&self, ranges: &[Range]) -> bool {
        // Both lists are sorted and disjoint within themselves.
        let (mut i, mut j) = (0, 0);
        let start = ranges.first().map_or(0, |r| r.0);
        i += self.ranges.partition_point(|r| r.1 <= start);
        while i < self.ranges.len() && j < ranges.len() {
            let (a, b) = (self.ranges[i], ranges[j]);
            if a.0 < b.1 && b.0 < a.1 {
                return true;
            }
            if a.1 <= b.1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        false
    }

    fn add(&mut self, ranges: &[Range]) {
        let appended = self
            .ranges
            .last()
            .is_none_or(|last| ranges.first().is_none_or(|first| last.1 <= first.0));
        self.ranges.extend_from_slice(ranges);
        if !appended {
            self.ranges.sort_unstable();
        }
        self.end = self.end.max(ranges.last().map_or(0, |r| r.1));
    }
}

pub(super) fn allocate(
    func: &RegFunction,
    analysis: &Analysis,
    live: &Liveness,
    hints: &Hints,
) -> Allocation {
    let values = func.num_values();
    let mut slots = vec![NO_SLOT; values];
    let mut group_slots = vec![NO_SLOT; values];
    let mut states: Vec<SlotState> = Vec::new();
    let params = func.block_params(func.entry_block());
    for (at, &param) in params.iter().enumerate() {
        states.push(SlotState::default());
        if analysis.needs_slot(func, param) {
            slots[param.index()] = at as u32;
            states[at].add(live.ranges(param));
            let group = hints.group(param.0) as usize;
            if group_slots[group] == NO_SLOT {
                group_slots[group] = at as u32;
            }
        }
    }
    let mut order: Vec<(u32, u32)> = (0..values as u32)
        .filter(|&v| slots[v as usize] == NO_SLOT)
        .filter_map(|v| live.ranges(Value(v)).first().map(|r| (r.0, v)))
        .collect();
    order.sort_unstable();

    // Slots whose ranges may all have ended by the current position.
    let mut busy: BinaryHeap<Reverse<(u32, u32)>> = BinaryHeap::new();
    let mut free: Vec<u32> = Vec::new();
    for (slot, state) in states.iter().enumerate() {
        busy.push(Reverse((state.end, slot as u32)));
    }
    for (start, value) in order {
        while let Some(&Reverse((end, slot))) = busy.peek() {
            if end > start {
                break;
            }
            busy.pop();
            // Stale entries (the slot was reused through a hint since) are
            // dropped; the fresh one is still in the heap.
            if states[slot as usize].end == end {
                free.push(slot);
            }
        }
        let ranges = live.ranges(Value(value));
        let fits = |slot: u32| slot != NO_SLOT && !states[slot as usize].intersects(ranges);
        let group = hints.group(value);
        let hinted = Some(group_slots[group as usize])
            .filter(|&slot| fits(slot))
            .or_else(|| {
                hints
                    .partners(value)
                    .map(|partner| slots[partner as usize])
                    .find(|&slot| fits(slot))
            });
        let slot = match hinted {
            Some(slot) => slot,
            None => loop {
                match free.pop() {
                    Some(slot) if states[slot as usize].end <= start => break slot,
                    Some(_) => continue,
                    None => {
                        states.push(SlotState::default());
                        break (states.len() - 1) as u32;
                    }
                }
            },
        };
        slots[value as usize] = slot;
        if group_slots[group as usize] == NO_SLOT {
            group_slots[group as usize] = slot;
        }
        let state = &mut states[slot as usize];
        state.add(ranges);
        if state.end > start {
            busy.push(Reverse((state.end, slot)));
        } else {
            free.push(slot);
        }
    }
    Allocation {
        slots,
        frame_size: states.len() as u32,
    }
}

/// Pairs of values that a branch edge copies one to the other (argument
/// and parameter): giving both one slot saves the copy. Connected pairs
/// form groups.
#[derive(Debug, Default)]
pub(super) struct Hints {
    pairs: Vec<(u32, u32)>,
    offsets: Vec<u32>,
    /// Union-find parent of each value; roots name the groups.
    parents: Vec<u32>,
}

impl Hints {
    pub fn compute(func: &RegFunction, analysis: &Analysis) -> Hints {
        let mut pairs = Vec::new();
        for block in func.blocks() {
            if !analysis.is_reachable(block) {
                continue;
            }
            let Some(term) = func.terminator(block) else {
                continue;
            };
            for call in func.inst_targets(term) {
                let params = func.block_params(call.block);
                for (&arg, &param) in func.edge_args(call).iter().zip(params) {
                    if analysis.konst[arg.index()].is_none() && arg != param {
                        pairs.push((arg.0, param.0));
                        pairs.push((param.0, arg.0));
                    }
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let values = func.num_values();
        let mut parents: Vec<u32> = (0..values as u32).collect();
        for &(a, b) in &pairs {
            let (ra, rb) = (find(&mut parents, a), find(&mut parents, b));
            if ra != rb {
                parents[ra.max(rb) as usize] = ra.min(rb);
            }
        }
        for value in 0..values as u32 {
            find(&mut parents, value);
        }
        let mut offsets = vec![0u32; values + 1];
        for &(value, _) in &pairs {
            offsets[value as usize + 1] += 1;
        }
        for i in 1..offsets.len() {
            offsets[i] += offsets[i - 1];
        }
        Hints {
            pairs,
            offsets,
            parents,
        }
    }

    /// The group of `value` (flattened by `compute`).
    fn group(&self, value: u32) -> u32 {
        self.parents.get(value as usize).copied().unwrap_or(value)
    }

    fn partners(&self, value: u32) -> impl Iterator<Item = u32> + '_ {
        let start = self.offsets[value as usize] as usize;
        let end = self.offsets[value as usize + 1] as usize;
        self.pairs[start..end].iter().map(|&(_, partner)| partner)
    }
}

/// The root of `value`'s set, compressing the path.
fn find(parents: &mut [u32], value: u32) -> u32 {
    let mut root = value;
    while parents[root as usize] != root {
        root = parents[root as usize];
    }
    let mut current = value;
    while parents[current as usize] != root {
        let next = parents[current as usize];
        parents[current as usize] = root;
        current = next;
    }
    root
}

#[cfg(test)]
mod tests {
    use super::SlotState;

    #[test]
    fn holes_leave_room() {
        let mut state = SlotState::default();
        state.add(&[(0, 4), (10, 12)]);
        assert!(!state.intersects(&[(4, 10)]));
        assert!(state.intersects(&[(3, 5)]));
        assert!(state.intersects(&[(5, 6), (11, 13)]));
        assert!(!state.intersects(&[(12, 20)]));
        state.add(&[(4, 10)]);
        assert_eq!(state.ranges, vec![(0, 4), (4, 10), (10, 12)]);
        assert_eq!(state.end, 12);
    }
}
