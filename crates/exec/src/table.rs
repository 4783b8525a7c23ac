//! [`Table`]: a table of references, stored as interpreter slots (0 = null).

use zwasm_decode::TableType;

use crate::config::Limits;
use crate::store::{AsContext, AsContextMut, StoreCore, StoreId};
use crate::trap::TrapCode;
use crate::values::{from_slot, typed_slot};
use crate::{Error, Val};

/// A table in a store's arena.
pub(crate) struct TableEntity {
    pub ty: TableType,
    pub elements: Vec<u64>,
    /// Most elements the table may ever have.
    max_elements: u64,
}

impl TableEntity {
    pub fn new(ty: TableType, init: u64, limits: &Limits) -> Result<Self, Error> {
        if let Some(max) = ty.limits.max
            && max < ty.limits.min
        {
            return Err(Error::Limit(format!(
                "table minimum {} exceeds its maximum {max}",
                ty.limits.min
            )));
        }
        let index_space = if ty.table64 {
            u64::MAX
        } else {
            u64::from(u32::MAX)
        };
        let max_elements = ty
            .limits
            .max
            .unwrap_or(u64::MAX)
            .min(index_space)
            .min(limits.max_table_elements);
        if ty.limits.min > max_elements {
            return Err(Error::Limit(format!(
                "table of {} elements exceeds the limit of {max_elements} elements",
                ty.limits.min
            )));
        }
        let mut table = TableEntity {
            ty,
            elements: Vec::new(),
            max_elements,
        };
        if table.grow(ty.limits.min, init).is_none() {
            return Err(Error::Limit(format!(
                "could not allocate a table of {} elements",
                ty.limits.min
            )));
        }
        Ok(table)
    }

    pub fn size(&self) -> u64 {
        self.elements.len() as u64
    }

    /// The table's type with its current size as minimum, as import matching sees it.
    pub fn current_type(&self) -> TableType {
        let mut ty = self.ty;
        ty.limits.min = self.size();
        ty
    }

    /// Grows by `delta` elements set to `init`, returning the old size, or
    /// `None` if the table may not or cannot grow that much.
    pub fn grow(&mut self, delta: u64, init: u64) -> Option<u64> {
        let old = self.size();
        let new = old.checked_add(delta)?;
        if new > self.max_elements {
            return None;
        }
        let new = usize::try_from(new).ok()?;
        self.elements
            .try_reserve_exact(new - self.elements.len())
            .ok()?;
        self.elements.resize(new, init);
        Some(old)
    }

    /// The `-1` of a failed `table.grow`, as a slot of the table's index type.
    pub fn grow_failure(&self) -> u64 {
        if self.ty.table64 {
            u64::MAX
        } else {
            u64::from(u32::MAX)
        }
    }
}

/// A table of function or extern references.
///
/// ```
/// # fn main() -> Result<(), zwasm::Error> {
/// use zwasm::{Engine, Limits, RefType, Store, Table, TableType, Val};
/// let mut store = Store::new(&Engine::default(), ());
/// let ty = TableType { element: RefType::FuncRef, limits: Limits { min: 2, max: None }, table64: false };
/// let table = Table::new(&mut store, ty, Val::null_func_ref())?;
/// assert_eq!(table.size(&store), 2);
/// assert_eq!(table.grow(&mut store, 3, Val::null_func_ref())?, 2);
/// assert!(table.get(&store, 4).unwrap().is_null());
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Table {
    pub(crate) store: StoreId,
    pub(crate) index: u32,
}

impl Table {
    /// A new table of type `ty` with every element set to `init`.
    pub fn new(mut store: impl AsContextMut, ty: TableType, init: Val) -> Result<Table, Error> {
        let core = &mut store.as_context_mut().0.core;
        let init = typed_slot(core, &init, ty.element.val_type())?;
        let entity = TableEntity::new(ty, init, &core.limits)?;
        core.tables.push(entity);
        Ok(Table {
            store: core.id,
            index: (core.tables.len() - 1) as u32,
        })
    }

    fn entity<'a>(&self, core: &'a StoreCore) -> Option<&'a TableEntity> {
        core.tables
            .get(self.index as usize)
            .filter(|_| core.owns(self.store))
    }

    fn entity_mut<'a>(&self, core: &'a mut StoreCore) -> Result<&'a mut TableEntity, Error> {
        core.check(self.store)?;
        core.tables
            .get_mut(self.index as usize)
            .ok_or_else(Error::wrong_store)
    }

    /// The table's type, with its current size as minimum.
    pub fn ty(&self, store: impl AsContext) -> TableType {
        let store = store.as_context();
        match self.entity(&store.0.core) {
            Some(table) => table.current_type(),
            None => TableType {
                element: zwasm_decode::RefType::FuncRef,
                limits: zwasm_decode::Limits {
                    min: 0,
                    max: Some(0),
                },
                table64: false,
            },
        }
    }

    /// Current number of elements.
    pub fn size(&self, store: impl AsContext) -> u64 {
        self.entity(&store.as_context().0.core)
            .map_or(0, TableEntity::size)
    }

    /// Element `index`, or `None` if out of bounds.
    pub fn get(&self, store: impl AsContext, index: u64) -> Option<Val> {
        let store = store.as_context();
        let core = &store.0.core;
        let table = self.entity(core)?;
        let slot = *table.elements.get(usize::try_from(index).ok()?)?;
        Some(from_slot(core.id, slot, table.ty.element.val_type()))
    }

    /// Sets element `index` to `value`.
    pub fn set(&self, mut store: impl AsContextMut, index: u64, value: Val) -> Result<(), Error> {
        let core = &mut store.as_context_mut().0.core;
        let element = self.entity_mut(core)?.ty.element.val_type();
        let slot = typed_slot(core, &value, element)?;
        let table = self.entity_mut(core)?;
        let entry = usize::try_from(index)
            .ok()
            .and_then(|index| table.elements.get_mut(index))
            .ok_or(Error::from(TrapCode::TableOutOfBounds))?;
        *entry = slot;
        Ok(())
    }

    /// Grows the table by `delta` elements set to `init`, returning the previous size.
    pub fn grow(&self, mut store: impl AsContextMut, delta: u64, init: Val) -> Result<u64, Error> {
        let core = &mut store.as_context_mut().0.core;
        let element = self.entity_mut(core)?.ty.element.val_type();
        let init = typed_slot(core, &init, element)?;
        let table = self.entity_mut(core)?;
        table.grow(delta, init).ok_or_else(|| {
            Error::Limit(format!(
                "failed to grow table of {} elements by {delta}",
                table.size()
            ))
        })
    }
}
