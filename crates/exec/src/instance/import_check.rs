//! Import matching: the spec's subtyping rules for external types.

use zwasm_decode::{Import, ImportType, Limits, MemoryType, TableType};

use crate::error::LinkError;
use crate::module::ModuleInner;
use crate::store::StoreCore;
use crate::{Error, Extern, ExternType};

/// Checks that `provided` belongs to `core`'s store and can satisfy `import`.
pub(crate) fn check_import(
    core: &StoreCore,
    module: &ModuleInner,
    import: &Import,
    provided: &Extern,
) -> Result<(), Error> {
    let (store, index) = match provided {
        Extern::Func(func) => (func.store, func.index),
        Extern::Table(table) => (table.store, table.index),
        Extern::Memory(memory) => (memory.store, memory.index),
        Extern::Global(global) => (global.store, global.index),
    };
    core.check(store)?;
    let index = index as usize;
    let compatible = match (&import.ty, provided) {
        (ImportType::Func(ty), Extern::Func(_)) => {
            let expected = module.type_ids.get(*ty as usize);
            core.funcs.get(index).map(|func| func.type_id) == expected.copied()
        }
        (ImportType::Table(expected), Extern::Table(_)) => core
            .tables
            .get(index)
            .is_some_and(|table| table_matches(&table.current_type(), expected)),
        (ImportType::Memory(expected), Extern::Memory(_)) => core
            .memories
            .get(index)
            .is_some_and(|memory| memory_matches(&memory.current_type(), expected)),
        (ImportType::Global(expected), Extern::Global(_)) => core
            .globals
            .get(index)
            .is_some_and(|global| global.ty == *expected),
        _ => false,
    };
    if compatible {
        return Ok(());
    }
    let expected = match &import.ty {
        ImportType::Func(ty) => module.description.types.get(*ty as usize).map_or_else(
            || "func".to_string(),
            |ty| ExternType::Func(ty.clone()).to_string(),
        ),
        ImportType::Table(ty) => ExternType::Table(*ty).to_string(),
        ImportType::Memory(ty) => ExternType::Memory(*ty).to_string(),
        ImportType::Global(ty) => ExternType::Global(*ty).to_string(),
        ImportType::Tag(_) => "tag".to_string(),
    };
    let found = provided_type(core, provided).map_or_else(|| "?".to_string(), |ty| ty.to_string());
    Err(LinkError::IncompatibleImportType {
        module: import.module.clone(),
        name: import.name.clone(),
        reason: format!("expected {expected}, found {found}"),
    }
    .into())
}

fn provided_type(core: &StoreCore, provided: &Extern) -> Option<ExternType> {
    Some(match provided {
        Extern::Func(func) => ExternType::Func((*core.funcs.get(func.index as usize)?.ty).clone()),
        Extern::Table(table) => {
            ExternType::Table(core.tables.get(table.index as usize)?.current_type())
        }
        Extern::Memory(memory) => {
            ExternType::Memory(core.memories.get(memory.index as usize)?.current_type())
        }
        Extern::Global(global) => ExternType::Global(core.globals.get(global.index as usize)?.ty),
    })
}

/// `actual` limits are a subtype of `expected`: at least as large, and at
/// most as large a maximum (no maximum only matches no maximum).
fn limits_match(actual: &Limits, expected: &Limits) -> bool {
    actual.min >= expected.min
        && match expected.max {
            None => true,
            Some(expected_max) => actual
                .max
                .is_some_and(|actual_max| actual_max <= expected_max),
        }
}

fn table_matches(actual: &TableType, expected: &TableType) -> bool {
    actual.element == expected.element
        && actual.table64 == expected.table64
        && limits_match(&actual.limits, &expected.limits)
}

fn memory_matches(actual: &MemoryType, expected: &MemoryType) -> bool {
    actual.memory64 == expected.memory64
        && actual.shared == expected.shared
        && actual.page_size_log2 == expected.page_size_log2
        && limits_match(&actual.limits, &expected.limits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(min: u64, max: Option<u64>) -> Limits {
        Limits { min, max }
    }

    #[test]
    fn limits_subtyping() {
        assert!(limits_match(&limits(2, Some(3)), &limits(1, Some(4))));
        assert!(limits_match(&limits(2, Some(3)), &limits(1, None)));
        assert!(!limits_match(&limits(2, None), &limits(1, Some(4))));
        assert!(!limits_match(&limits(1, Some(5)), &limits(1, Some(4))));
        assert!(!limits_match(&limits(0, Some(1)), &limits(1, Some(1))));
    }
}
