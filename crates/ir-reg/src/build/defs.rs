//! The SSA builder's table of local definitions: the value of each local at
//! the current end of each block, where one is known.
//!
//! Reads and writes are the builder's hottest operation (every `local.get`
//! may walk a chain of blocks), so the table is dense: one row of locals per
//! block, indexed directly. A function with so many blocks and locals that
//! the rows would be huge switches to a hash map keyed by (block, local);
//! the table is only looked up, never iterated, so both forms give the same
//! result.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::entities::{Block, Value};

/// Most cells (blocks times locals) kept as dense rows: 16 MiB of values.
const DENSE_LIMIT: usize = 1 << 22;

/// An empty cell of the dense rows.
const NONE: Value = Value(u32::MAX);

/// Definitions of locals per block. Buffers are reused between functions.
#[derive(Debug, Default)]
pub(super) struct Defs {
    /// Locals per row.
    width: usize,
    /// Rows registered so far (blocks are registered in index order).
    rows: usize,
    /// Whether `sparse` holds the definitions instead of `dense`.
    is_sparse: bool,
    /// `dense[block * width + local]`, [`NONE`] where unknown.
    dense: Vec<Value>,
    sparse: HashMap<u64, Value, BuildHasherDefault<KeyHasher>>,
}

impl Defs {
    /// Forgets every definition and row.
    pub fn clear(&mut self) {
        self.width = 0;
        self.rows = 0;
        self.is_sparse = false;
        self.dense.clear();
        self.sparse.clear();
    }

    /// Sets the number of locals per row. Only valid while no definition is
    /// recorded, since rows are laid out again.
    pub fn set_width(&mut self, width: usize, rows: usize) {
        self.width = width;
        self.rows = rows;
        self.dense.clear();
        self.sparse.clear();
        self.is_sparse = false;
        self.grow_dense();
    }

    /// Adds the (empty) row of `block`.
    pub fn add_block(&mut self, block: Block) {
        self.rows = self.rows.max(block.index() + 1);
        self.grow_dense();
    }

    /// The recorded value of `local` in `block`.
    #[inline]
    pub fn get(&self, block: Block, local: u32) -> Option<Value> {
        if self.is_sparse {
            return self.sparse.get(&key(block, local)).copied();
        }
        match self.cell(block, local) {
            Some(at) => Some(self.dense[at]).filter(|&value| value != NONE),
            None => None,
        }
    }

    /// Records `value` as `local`'s value in `block`.
    #[inline]
    pub fn insert(&mut self, block: Block, local: u32, value: Value) {
        if !self.is_sparse {
            if let Some(at) = self.cell(block, local) {
                self.dense[at] = value;
                return;
            }
            // Outside the rows: not expected from the builder, but the map
            // takes anything.
            self.make_sparse();
        }
        self.sparse.insert(key(block, local), value);
    }

    /// Index in `dense` of (`block`, `local`), if it has a cell.
    #[inline]
    fn cell(&self, block: Block, local: u32) -> Option<usize> {
        let local = local as usize;
        let at = block.index() * self.width + local;
        (local < self.width && at < self.dense.len()).then_some(at)
    }

    /// Makes `dense` cover every row, or switches to the map if that would
    /// exceed [`DENSE_LIMIT`].
    fn grow_dense(&mut self) {
        if self.is_sparse {
            return;
        }
        let cells = self.rows.saturating_mul(self.width);
        if cells > DENSE_LIMIT {
            self.make_sparse();
        } else if cells > self.dense.len() {
            self.dense.resize(cells, NONE);
        }
    }

    /// Moves every definition into the map.
    fn make_sparse(&mut self) {
        if self.is_sparse {
            return;
        }
        self.is_sparse = true;
        // Rows of zero locals hold nothing.
        if self.width > 0 {
            for (row, cells) in self.dense.chunks(self.width).enumerate() {
                for (local, &value) in cells.iter().enumerate() {
                    if value != NONE {
                        self.sparse
                            .insert(key(Block(row as u32), local as u32), value);
                    }
                }
            }
        }
        self.dense.clear();
    }
}

/// A multiplicative hash for the `(block, local)` keys; lookups only, never
/// iterated, so the order of the map cannot leak into the output.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

fn key(block: Block, local: u32) -> u64 {
    (u64::from(block.0) << 32) | u64::from(local)
}

#[cfg(test)]
mod tests {
    use super::{DENSE_LIMIT, Defs};
    use crate::entities::{Block, Value};

    #[test]
    fn dense_rows_record_per_block_and_local() {
        let mut defs = Defs::default();
        defs.add_block(Block(0));
        defs.set_width(3, 1);
        defs.add_block(Block(1));
        defs.insert(Block(1), 2, Value(7));
        defs.insert(Block(0), 0, Value(4));
        assert_eq!(defs.get(Block(1), 2), Some(Value(7)));
        assert_eq!(defs.get(Block(0), 0), Some(Value(4)));
        assert_eq!(defs.get(Block(0), 2), None);
        assert_eq!(defs.get(Block(5), 0), None);
        assert!(!defs.is_sparse);
    }

    #[test]
    fn huge_tables_switch_to_the_map_keeping_definitions() {
        let mut defs = Defs::default();
        let width = 1000;
        defs.set_width(width, 1);
        defs.insert(Block(0), 999, Value(1));
        let rows = DENSE_LIMIT / width + 1;
        for row in 1..=rows {
            defs.add_block(Block(row as u32));
        }
        assert!(defs.is_sparse);
        assert_eq!(defs.get(Block(0), 999), Some(Value(1)));
        defs.insert(Block(rows as u32), 3, Value(2));
        assert_eq!(defs.get(Block(rows as u32), 3), Some(Value(2)));
        assert_eq!(defs.get(Block(1), 3), None);
        defs.clear();
        assert!(!defs.is_sparse);
        assert_eq!(defs.get(Block(0), 999), None);
    }

    #[test]
    fn writes_outside_the_rows_still_land() {
        let mut defs = Defs::default();
        defs.set_width(2, 1);
        defs.insert(Block(0), 5, Value(9));
        assert_eq!(defs.get(Block(0), 5), Some(Value(9)));
    }
}
