//! [`Func`]: a wasm or host function living in a store.

mod typed;

use std::sync::Arc;

use zwasm_decode::FuncType;

pub use typed::{IntoFunc, TypedFunc, WasmParams, WasmResults, WasmRet, WasmTy};

use crate::store::{AsContext, AsContextMut, StoreId, StoreInner};
use crate::{Caller, Error, Val};

/// The uniform shape every host function is stored in.
pub(crate) type HostFunc<T> =
    Arc<dyn Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Error> + Send + Sync>;

/// A function in a store's arena.
pub(crate) struct FuncEntity {
    pub ty: Arc<FuncType>,
    /// Engine-wide id of `ty`, compared by `call_indirect`.
    pub type_id: u32,
    pub kind: FuncKind,
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum FuncKind {
    /// Defined function `defined` (function index minus imports) of instance `instance`.
    Wasm { instance: u32, defined: u32 },
    /// Entry `host` of the store's host function table.
    Host { host: u32 },
}

/// A function: defined by a wasm instance or by the host.
///
/// ```
/// # fn main() -> Result<(), zwasm::Error> {
/// use zwasm::{Engine, Func, Store, Val};
/// let mut store = Store::new(&Engine::default(), ());
/// let double = Func::wrap(&mut store, |x: i32| x * 2);
/// let mut results = [Val::I32(0)];
/// double.call(&mut store, &[Val::I32(21)], &mut results)?;
/// assert_eq!(results[0].i32(), Some(42));
/// let typed = double.typed::<i32, i32>(&store)?;
/// assert_eq!(typed.call(&mut store, 4)?, 8);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Func {
    pub(crate) store: StoreId,
    pub(crate) index: u32,
}

impl Func {
    /// A host function of type `ty` taking and returning dynamically typed values.
    /// The closure must write every entry of its results slice with a value of
    /// the declared result type.
    pub fn new<T>(
        mut store: impl AsContextMut<Data = T>,
        ty: FuncType,
        func: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Error> + Send + Sync + 'static,
    ) -> Func {
        store.as_context_mut().0.push_host_func(ty, Arc::new(func))
    }

    /// A host function from a Rust closure whose parameters and results are
    /// wasm types (`i32`, `i64`, `u32`, `u64`, `f32`, `f64`, `Option<Func>`,
    /// `Option<ExternRef>`), optionally taking a [`Caller`] first and returning
    /// a `Result`.
    pub fn wrap<T, Params, Results>(
        mut store: impl AsContextMut<Data = T>,
        func: impl IntoFunc<T, Params, Results>,
    ) -> Func {
        let (ty, host) = func.into_func();
        store.as_context_mut().0.push_host_func(ty, host)
    }

    /// Calls the function with `params`, writing its results into `results`.
    /// Fails with [`Error::Type`] if the counts or types do not match.
    pub fn call(
        &self,
        mut store: impl AsContextMut,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<(), Error> {
        let store = store.as_context_mut().0;
        store.core.check(self.store)?;
        crate::interp::call(store, self.index, params, results)
    }

    /// The function's signature.
    pub fn ty(&self, store: impl AsContext) -> FuncType {
        let core = &store.as_context().0.core;
        match core.funcs.get(self.index as usize) {
            Some(entity) if core.owns(self.store) => FuncType::clone(&entity.ty),
            _ => FuncType::default(),
        }
    }

    /// A statically typed view of the function; fails if `Params`/`Results`
    /// do not match its signature.
    pub fn typed<Params: WasmParams, Results: WasmResults>(
        &self,
        store: impl AsContext,
    ) -> Result<TypedFunc<Params, Results>, Error> {
        let core = &store.as_context().0.core;
        core.check(self.store)?;
        let ty = &core
            .funcs
            .get(self.index as usize)
            .ok_or_else(Error::wrong_store)?
            .ty;
        let params = Params::val_types();
        let results = Results::val_types();
        if *ty.params != *params || *ty.results != *results {
            let wanted = FuncType::new(params, results);
            return Err(Error::Type(format!(
                "function has type {ty}, not the requested {wanted}"
            )));
        }
        Ok(TypedFunc::new(*self))
    }
}

impl<T> StoreInner<T> {
    /// Adds a host function to the store's arenas.
    pub(crate) fn push_host_func(&mut self, ty: FuncType, host: HostFunc<T>) -> Func {
        let type_id = self.core.engine.intern_type(&ty);
        self.host_funcs.push(host);
        self.core.funcs.push(FuncEntity {
            ty: Arc::new(ty),
            type_id,
            kind: FuncKind::Host {
                host: (self.host_funcs.len() - 1) as u32,
            },
        });
        Func {
            store: self.core.id,
            index: (self.core.funcs.len() - 1) as u32,
        }
    }
}
