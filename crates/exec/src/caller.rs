//! [`Caller`]: what a host function sees of the store and its calling instance.

use crate::store::StoreInner;
use crate::{Engine, Extern, Instance};

/// Handed to host functions: access to the store's data and to the exports
/// of the instance whose wasm code made the call.
///
/// ```
/// # fn main() -> Result<(), zwasm::Error> {
/// use zwasm::{Caller, Engine, Linker, Module, Store};
/// let engine = Engine::default();
/// let mut linker = Linker::new(&engine);
/// linker.func_wrap("host", "bump", |mut caller: Caller<'_, u32>| {
///     *caller.data_mut() += 1;
/// })?;
/// let module = Module::new(&engine, r#"(module (import "host" "bump" (func $bump))
///     (func (export "run") call $bump call $bump))"#)?;
/// let mut store = Store::new(&engine, 0u32);
/// let instance = linker.instantiate(&mut store, &module)?;
/// instance.get_typed_func::<(), ()>(&mut store, "run")?.call(&mut store, ())?;
/// assert_eq!(*store.data(), 2);
/// # Ok(())
/// # }
/// ```
pub struct Caller<'a, T> {
    pub(crate) store: &'a mut StoreInner<T>,
    /// Index of the calling instance; `None` when the embedder called the host function.
    pub(crate) instance: Option<u32>,
}

impl<T> Caller<'_, T> {
    /// The store's embedder data.
    pub fn data(&self) -> &T {
        &self.store.data
    }

    /// The store's embedder data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.store.data
    }

    /// The store's engine.
    pub fn engine(&self) -> &Engine {
        &self.store.core.engine
    }

    /// The export `name` of the calling instance, if wasm code made the call.
    pub fn get_export(&mut self, name: &str) -> Option<Extern> {
        let core = &self.store.core;
        let instance = Instance {
            store: core.id,
            index: self.instance?,
        };
        instance.export_in(core, name)
    }
}

impl<T> std::fmt::Debug for Caller<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caller")
            .field("instance", &self.instance)
            .finish_non_exhaustive()
    }
}
