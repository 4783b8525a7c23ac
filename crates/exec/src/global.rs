//! [`Global`]: a global variable cell, shared by every instance importing it.

use zwasm_decode::GlobalType;

use crate::store::{AsContext, AsContextMut, StoreId};
use crate::values::{from_slot, typed_slot};
use crate::{Error, Val};

/// A global in a store's arena; the value is an interpreter slot.
pub(crate) struct GlobalEntity {
    pub ty: GlobalType,
    pub value: u64,
}

/// A global variable.
///
/// ```
/// # fn main() -> Result<(), zwasm::Error> {
/// use zwasm::{Engine, Global, GlobalType, Store, Val, ValType};
/// let mut store = Store::new(&Engine::default(), ());
/// let ty = GlobalType { content: ValType::I64, mutable: true };
/// let counter = Global::new(&mut store, ty, Val::I64(1))?;
/// counter.set(&mut store, Val::I64(2))?;
/// assert_eq!(counter.get(&store).i64(), Some(2));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Global {
    pub(crate) store: StoreId,
    pub(crate) index: u32,
}

impl Global {
    /// A new global of type `ty` holding `value`.
    pub fn new(mut store: impl AsContextMut, ty: GlobalType, value: Val) -> Result<Global, Error> {
        let core = &mut store.as_context_mut().0.core;
        let value = typed_slot(core, &value, ty.content)?;
        core.globals.push(GlobalEntity { ty, value });
        Ok(Global {
            store: core.id,
            index: (core.globals.len() - 1) as u32,
        })
    }

    /// The global's type.
    pub fn ty(&self, store: impl AsContext) -> GlobalType {
        let store = store.as_context();
        let core = &store.0.core;
        match core.globals.get(self.index as usize) {
            Some(global) if core.owns(self.store) => global.ty,
            _ => GlobalType {
                content: zwasm_decode::ValType::I32,
                mutable: false,
            },
        }
    }

    /// The current value (`i32` 0 if the handle belongs to another store).
    pub fn get(&self, store: impl AsContext) -> Val {
        let store = store.as_context();
        let core = &store.0.core;
        match core.globals.get(self.index as usize) {
            Some(global) if core.owns(self.store) => {
                from_slot(core.id, global.value, global.ty.content)
            }
            _ => Val::I32(0),
        }
    }

    /// Sets the value; fails for immutable globals and values of the wrong type.
    pub fn set(&self, mut store: impl AsContextMut, value: Val) -> Result<(), Error> {
        let core = &mut store.as_context_mut().0.core;
        core.check(self.store)?;
        let ty = core
            .globals
            .get(self.index as usize)
            .ok_or_else(Error::wrong_store)?
            .ty;
        if !ty.mutable {
            return Err(Error::Type("cannot set an immutable global".to_string()));
        }
        let slot = typed_slot(core, &value, ty.content)?;
        if let Some(global) = core.globals.get_mut(self.index as usize) {
            global.value = slot;
        }
        Ok(())
    }
}
