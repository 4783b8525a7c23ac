//! Table, memory and bulk-operation semantics shared by both interpreters:
//! bounds checks and their trap codes live here once.

use super::numeric::checked_range;
use crate::func::FuncEntity;
use crate::memory::MemoryEntity;
use crate::table::TableEntity;
use crate::trap::TrapCode;

/// `table.get`.
#[inline]
pub(crate) fn table_get(table: &TableEntity, index: u64) -> Result<u64, TrapCode> {
    usize::try_from(index)
        .ok()
        .and_then(|at| table.elements.get(at))
        .copied()
        .ok_or(TrapCode::TableOutOfBounds)
}

/// `table.set`.
#[inline]
pub(crate) fn table_set(table: &mut TableEntity, index: u64, value: u64) -> Result<(), TrapCode> {
    match usize::try_from(index)
        .ok()
        .and_then(|at| table.elements.get_mut(at))
    {
        Some(entry) => {
            *entry = value;
            Ok(())
        }
        None => Err(TrapCode::TableOutOfBounds),
    }
}

/// `table.grow`: the old size, or -1 of the table's index type.
pub(crate) fn table_grow(table: &mut TableEntity, delta: u64, init: u64) -> u64 {
    table
        .grow(delta, init)
        .unwrap_or_else(|| table.grow_failure())
}

/// `table.fill`.
pub(crate) fn table_fill(
    table: &mut TableEntity,
    start: u64,
    value: u64,
    len: u64,
) -> Result<(), TrapCode> {
    match checked_range(start, len, table.elements.len()) {
        Some(range) => {
            table.elements[range].fill(value);
            Ok(())
        }
        None => Err(TrapCode::TableOutOfBounds),
    }
}

/// `table.copy` between tables `dst` and `src` (arena indices).
pub(crate) fn table_copy(
    tables: &mut [TableEntity],
    dst: usize,
    src: usize,
    destination: u64,
    source: u64,
    len: u64,
) -> Result<(), TrapCode> {
    let src_len = tables[src].elements.len();
    let dst_len = tables[dst].elements.len();
    let (Some(from), Some(to)) = (
        checked_range(source, len, src_len),
        checked_range(destination, len, dst_len),
    ) else {
        return Err(TrapCode::TableOutOfBounds);
    };
    if dst == src {
        tables[dst].elements.copy_within(from, to.start);
    } else {
        let (to_table, from_table) = two_mut(tables, dst, src);
        to_table.elements[to].copy_from_slice(&from_table.elements[from]);
    }
    Ok(())
}

/// `table.init` from a segment's `items`.
pub(crate) fn table_init(
    table: &mut TableEntity,
    items: &[u64],
    destination: u64,
    source: u64,
    len: u64,
) -> Result<(), TrapCode> {
    let (Some(from), Some(to)) = (
        checked_range(source, len, items.len()),
        checked_range(destination, len, table.elements.len()),
    ) else {
        return Err(TrapCode::TableOutOfBounds);
    };
    table.elements[to].copy_from_slice(&items[from]);
    Ok(())
}

/// `memory.grow`: the old size in pages, or -1 of the memory's index type.
pub(crate) fn memory_grow(memory: &mut MemoryEntity, delta: u64) -> u64 {
    memory.grow(delta).unwrap_or_else(|| memory.grow_failure())
}

/// `memory.fill`.
pub(crate) fn memory_fill(
    memory: &mut [u8],
    start: u64,
    value: u8,
    len: u64,
) -> Result<(), TrapCode> {
    match checked_range(start, len, memory.len()) {
        Some(range) => {
            memory[range].fill(value);
            Ok(())
        }
        None => Err(TrapCode::MemoryOutOfBounds),
    }
}

/// `memory.copy` between memories `dst` and `src` (arena indices).
pub(crate) fn memory_copy(
    memories: &mut [MemoryEntity],
    dst: usize,
    src: usize,
    destination: u64,
    source: u64,
    len: u64,
) -> Result<(), TrapCode> {
    let src_len = memories[src].data.len();
    let dst_len = memories[dst].data.len();
    let (Some(from), Some(to)) = (
        checked_range(source, len, src_len),
        checked_range(destination, len, dst_len),
    ) else {
        return Err(TrapCode::MemoryOutOfBounds);
    };
    if dst == src {
        memories[dst].data.copy_within(from, to.start);
    } else {
        let (to_memory, from_memory) = two_mut(memories, dst, src);
        to_memory.data[to].copy_from_slice(&from_memory.data[from]);
    }
    Ok(())
}

/// `memory.init` from a data segment's `bytes`.
pub(crate) fn memory_init(
    memory: &mut [u8],
    bytes: &[u8],
    destination: u64,
    source: u64,
    len: u64,
) -> Result<(), TrapCode> {
    let (Some(from), Some(to)) = (
        checked_range(source, len, bytes.len()),
        checked_range(destination, len, memory.len()),
    ) else {
        return Err(TrapCode::MemoryOutOfBounds);
    };
    memory[to].copy_from_slice(&bytes[from]);
    Ok(())
}

/// Two distinct elements of `items`, mutably.
fn two_mut<T>(items: &mut [T], first: usize, second: usize) -> (&mut T, &mut T) {
    if first < second {
        let (low, high) = items.split_at_mut(second);
        (&mut low[first], &mut high[0])
    } else {
        let (low, high) = items.split_at_mut(first);
        (&mut high[0], &mut low[second])
    }
}

/// The function (arena index) a `call_indirect` through `table` at `index`
/// reaches, checked against the caller's expected engine-wide type id.
#[inline]
pub(crate) fn indirect_target(
    table: &TableEntity,
    index: u64,
    funcs: &[FuncEntity],
    expected: u32,
) -> Result<u32, TrapCode> {
    let handle = usize::try_from(index)
        .ok()
        .and_then(|at| table.elements.get(at))
        .copied()
        .ok_or(TrapCode::UndefinedElement)?;
    if handle == 0 {
        return Err(TrapCode::IndirectCallToNull);
    }
    let target = (handle - 1) as u32;
    match funcs.get(target as usize) {
        Some(func) if func.type_id == expected => Ok(target),
        _ => Err(TrapCode::BadSignature),
    }
}
