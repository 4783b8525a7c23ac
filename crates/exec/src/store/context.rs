//! Borrowed views of a store and the traits that let every API take
//! `&store`, `&mut store`, `&mut caller`, … interchangeably.

use super::{Store, StoreInner};
use crate::Caller;
use crate::Engine;

/// A shared borrow of a [`Store`].
pub struct StoreContext<'a, T>(pub(crate) &'a StoreInner<T>);

/// An exclusive borrow of a [`Store`].
pub struct StoreContextMut<'a, T>(pub(crate) &'a mut StoreInner<T>);

impl<'a, T> StoreContext<'a, T> {
    /// The embedder data.
    pub fn data(&self) -> &'a T {
        &self.0.data
    }

    /// The store's engine.
    pub fn engine(&self) -> &'a Engine {
        &self.0.core.engine
    }
}

impl<T> StoreContextMut<'_, T> {
    /// The embedder data.
    pub fn data(&self) -> &T {
        &self.0.data
    }

    /// The embedder data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.0.data
    }

    /// The store's engine.
    pub fn engine(&self) -> &Engine {
        &self.0.core.engine
    }
}

/// Anything a store can be borrowed from: `Store<T>`, `Caller<'_, T>`, the
/// context types, and references to them.
pub trait AsContext {
    /// The store's embedder data type.
    type Data;

    /// Borrows the store.
    fn as_context(&self) -> StoreContext<'_, Self::Data>;
}

/// Anything a store can be borrowed from mutably.
pub trait AsContextMut: AsContext {
    /// Borrows the store mutably.
    fn as_context_mut(&mut self) -> StoreContextMut<'_, Self::Data>;
}

impl<T> AsContext for Store<T> {
    type Data = T;
    fn as_context(&self) -> StoreContext<'_, T> {
        StoreContext(&self.inner)
    }
}

impl<T> AsContextMut for Store<T> {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, T> {
        StoreContextMut(&mut self.inner)
    }
}

impl<T> AsContext for StoreContext<'_, T> {
    type Data = T;
    fn as_context(&self) -> StoreContext<'_, T> {
        StoreContext(self.0)
    }
}

impl<T> AsContext for StoreContextMut<'_, T> {
    type Data = T;
    fn as_context(&self) -> StoreContext<'_, T> {
        StoreContext(self.0)
    }
}

impl<T> AsContextMut for StoreContextMut<'_, T> {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, T> {
        StoreContextMut(self.0)
    }
}

impl<T> AsContext for Caller<'_, T> {
    type Data = T;
    fn as_context(&self) -> StoreContext<'_, T> {
        StoreContext(self.store)
    }
}

impl<T> AsContextMut for Caller<'_, T> {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, T> {
        StoreContextMut(self.store)
    }
}

impl<C: AsContext + ?Sized> AsContext for &C {
    type Data = C::Data;
    fn as_context(&self) -> StoreContext<'_, C::Data> {
        (**self).as_context()
    }
}

impl<C: AsContext + ?Sized> AsContext for &mut C {
    type Data = C::Data;
    fn as_context(&self) -> StoreContext<'_, C::Data> {
        (**self).as_context()
    }
}

impl<C: AsContextMut + ?Sized> AsContextMut for &mut C {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, C::Data> {
        (**self).as_context_mut()
    }
}

impl<'a, T> From<&'a Store<T>> for StoreContext<'a, T> {
    fn from(store: &'a Store<T>) -> Self {
        StoreContext(&store.inner)
    }
}

impl<'a, T> From<&'a mut Store<T>> for StoreContext<'a, T> {
    fn from(store: &'a mut Store<T>) -> Self {
        StoreContext(&store.inner)
    }
}

impl<'a, T> From<StoreContextMut<'a, T>> for StoreContext<'a, T> {
    fn from(store: StoreContextMut<'a, T>) -> Self {
        StoreContext(store.0)
    }
}

impl<'a, T> From<&'a StoreContextMut<'_, T>> for StoreContext<'a, T> {
    fn from(store: &'a StoreContextMut<'_, T>) -> Self {
        StoreContext(store.0)
    }
}

impl<'a, T> From<&'a Caller<'_, T>> for StoreContext<'a, T> {
    fn from(caller: &'a Caller<'_, T>) -> Self {
        StoreContext(caller.store)
    }
}

impl<'a, T> From<&'a mut Caller<'_, T>> for StoreContext<'a, T> {
    fn from(caller: &'a mut Caller<'_, T>) -> Self {
        StoreContext(caller.store)
    }
}

impl<'a, T> From<&'a mut Store<T>> for StoreContextMut<'a, T> {
    fn from(store: &'a mut Store<T>) -> Self {
        StoreContextMut(&mut store.inner)
    }
}

impl<'a, T> From<&'a mut StoreContextMut<'_, T>> for StoreContextMut<'a, T> {
    fn from(store: &'a mut StoreContextMut<'_, T>) -> Self {
        StoreContextMut(store.0)
    }
}

impl<'a, T> From<&'a mut Caller<'_, T>> for StoreContextMut<'a, T> {
    fn from(caller: &'a mut Caller<'_, T>) -> Self {
        StoreContextMut(caller.store)
    }
}

impl<T> std::fmt::Debug for StoreContext<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreContext")
    }
}

impl<T> std::fmt::Debug for StoreContextMut<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreContextMut")
    }
}
