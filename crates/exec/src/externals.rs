//! [`Extern`]: any entity that can be imported or exported.

use crate::store::AsContext;
use crate::{ExternType, Func, Global, Memory, Table};

/// A function, table, memory or global, as imported or exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Extern {
    /// A function.
    Func(Func),
    /// A table.
    Table(Table),
    /// A linear memory.
    Memory(Memory),
    /// A global.
    Global(Global),
}

impl Extern {
    /// The function, if this is one.
    pub fn into_func(self) -> Option<Func> {
        match self {
            Extern::Func(func) => Some(func),
            _ => None,
        }
    }

    /// The table, if this is one.
    pub fn into_table(self) -> Option<Table> {
        match self {
            Extern::Table(table) => Some(table),
            _ => None,
        }
    }

    /// The memory, if this is one.
    pub fn into_memory(self) -> Option<Memory> {
        match self {
            Extern::Memory(memory) => Some(memory),
            _ => None,
        }
    }

    /// The global, if this is one.
    pub fn into_global(self) -> Option<Global> {
        match self {
            Extern::Global(global) => Some(global),
            _ => None,
        }
    }

    /// The entity's current type.
    pub fn ty(&self, store: impl AsContext) -> ExternType {
        match self {
            Extern::Func(func) => ExternType::Func(func.ty(store)),
            Extern::Table(table) => ExternType::Table(table.ty(store)),
            Extern::Memory(memory) => ExternType::Memory(memory.ty(store)),
            Extern::Global(global) => ExternType::Global(global.ty(store)),
        }
    }
}

impl From<Func> for Extern {
    fn from(func: Func) -> Extern {
        Extern::Func(func)
    }
}

impl From<Table> for Extern {
    fn from(table: Table) -> Extern {
        Extern::Table(table)
    }
}

impl From<Memory> for Extern {
    fn from(memory: Memory) -> Extern {
        Extern::Memory(memory)
    }
}

impl From<Global> for Extern {
    fn from(global: Global) -> Extern {
        Extern::Global(global)
    }
}
