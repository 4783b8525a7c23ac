//! [`Linker`]: resolves imports by name and instantiates modules.

use std::collections::HashMap;
use std::sync::Arc;

use zwasm_decode::{FuncType, ImportType};

use crate::error::LinkError;
use crate::func::{HostFunc, IntoFunc};
use crate::store::{AsContext, AsContextMut};
use crate::{Caller, Engine, Error, Extern, Instance, Module, Val};

enum Definition<T> {
    Extern(Extern),
    /// A host function not yet created in any store: each store it is
    /// used with gets its own instance of it.
    HostFunc {
        ty: FuncType,
        func: HostFunc<T>,
    },
}

impl<T> Clone for Definition<T> {
    fn clone(&self) -> Self {
        match self {
            Definition::Extern(item) => Definition::Extern(*item),
            Definition::HostFunc { ty, func } => Definition::HostFunc {
                ty: ty.clone(),
                func: func.clone(),
            },
        }
    }
}

/// Named definitions (`module`, `name`) → item, used to satisfy imports.
///
/// ```
/// # fn main() -> Result<(), zwasm::Error> {
/// use zwasm::{Engine, Linker, Module, Store};
/// let engine = Engine::default();
/// let mut linker = Linker::new(&engine);
/// linker.func_wrap("env", "twice", |x: i64| x * 2)?;
/// let module = Module::new(&engine, r#"(module
///     (import "env" "twice" (func $twice (param i64) (result i64)))
///     (func (export "quad") (param i64) (result i64) (call $twice (call $twice (local.get 0)))))"#)?;
/// let mut store = Store::new(&engine, ());
/// let instance = linker.instantiate(&mut store, &module)?;
/// let quad = instance.get_typed_func::<i64, i64>(&mut store, "quad")?;
/// assert_eq!(quad.call(&mut store, 5)?, 20);
/// # Ok(())
/// # }
/// ```
pub struct Linker<T> {
    engine: Engine,
    allow_shadowing: bool,
    definitions: HashMap<(String, String), Definition<T>>,
}

impl<T> Linker<T> {
    /// An empty linker for modules of `engine`.
    pub fn new(engine: &Engine) -> Self {
        Linker {
            engine: engine.clone(),
            allow_shadowing: false,
            definitions: HashMap::new(),
        }
    }

    /// The linker's engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Whether a later definition of the same name replaces an earlier one
    /// (default: it is an error).
    pub fn allow_shadowing(&mut self, allow: bool) -> &mut Self {
        self.allow_shadowing = allow;
        self
    }

    fn insert(
        &mut self,
        module: &str,
        name: &str,
        definition: Definition<T>,
    ) -> Result<&mut Self, Error> {
        let key = (module.to_string(), name.to_string());
        if !self.allow_shadowing && self.definitions.contains_key(&key) {
            return Err(LinkError::Duplicate {
                module: module.to_string(),
                name: name.to_string(),
            }
            .into());
        }
        self.definitions.insert(key, definition);
        Ok(self)
    }

    /// Defines a host function from a Rust closure (see [`crate::Func::wrap`]).
    pub fn func_wrap<Params, Results>(
        &mut self,
        module: &str,
        name: &str,
        func: impl IntoFunc<T, Params, Results>,
    ) -> Result<&mut Self, Error> {
        let (ty, func) = func.into_func();
        self.insert(module, name, Definition::HostFunc { ty, func })
    }

    /// Defines a dynamically typed host function (see [`crate::Func::new`]).
    pub fn func_new(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        func: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Error> + Send + Sync + 'static,
    ) -> Result<&mut Self, Error> {
        self.insert(
            module,
            name,
            Definition::HostFunc {
                ty,
                func: Arc::new(func),
            },
        )
    }

    /// Defines `module::name` as `item`, which must belong to `store`.
    pub fn define(
        &mut self,
        store: impl AsContext<Data = T>,
        module: &str,
        name: &str,
        item: impl Into<Extern>,
    ) -> Result<&mut Self, Error> {
        let item = item.into();
        store.as_context().0.core.check(extern_store(&item))?;
        self.insert(module, name, Definition::Extern(item))
    }

    /// Defines every export of `instance` under `module_name`.
    pub fn instance(
        &mut self,
        mut store: impl AsContextMut<Data = T>,
        module_name: &str,
        instance: Instance,
    ) -> Result<&mut Self, Error> {
        store.as_context().0.core.check(instance.store)?;
        for (name, item) in instance.exports(&mut store) {
            self.insert(module_name, &name, Definition::Extern(item))?;
        }
        Ok(self)
    }

    /// The definition of `module::name`, created in `store` if it is a host
    /// function.
    pub fn get(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &str,
        name: &str,
    ) -> Option<Extern> {
        let definition = self
            .definitions
            .get(&(module.to_string(), name.to_string()))?;
        Some(self.materialize(&mut store, definition.clone()))
    }

    fn materialize(
        &self,
        mut store: impl AsContextMut<Data = T>,
        definition: Definition<T>,
    ) -> Extern {
        match definition {
            Definition::Extern(item) => item,
            Definition::HostFunc { ty, func } => {
                Extern::Func(store.as_context_mut().0.push_host_func(ty, func))
            }
        }
    }

    /// Resolves `module`'s imports by name and instantiates it.
    pub fn instantiate(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
    ) -> Result<Instance, Error> {
        let mut imports = Vec::with_capacity(module.description().imports.len());
        for import in &module.description().imports {
            let key = (import.module.clone(), import.name.clone());
            let Some(definition) = self.definitions.get(&key) else {
                return Err(LinkError::UnknownImport {
                    module: import.module.clone(),
                    name: import.name.clone(),
                    kind: import.ty.kind(),
                }
                .into());
            };
            // A host function is only created in the store if its type fits.
            if let (Definition::HostFunc { ty, .. }, ImportType::Func(expected)) =
                (definition, &import.ty)
                && module.description().types.get(*expected as usize) != Some(ty)
            {
                let expected = module
                    .description()
                    .types
                    .get(*expected as usize)
                    .cloned()
                    .unwrap_or_default();
                return Err(LinkError::IncompatibleImportType {
                    module: import.module.clone(),
                    name: import.name.clone(),
                    reason: format!("expected func {expected}, found func {ty}"),
                }
                .into());
            }
            imports.push(self.materialize(&mut store, definition.clone()));
        }
        Instance::new(store, module, &imports)
    }
}

fn extern_store(item: &Extern) -> crate::store::StoreId {
    match item {
        Extern::Func(func) => func.store,
        Extern::Table(table) => table.store,
        Extern::Memory(memory) => memory.store,
        Extern::Global(global) => global.store,
    }
}

impl<T> std::fmt::Debug for Linker<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut names: Vec<String> = self
            .definitions
            .keys()
            .map(|(module, name)| format!("{module}::{name}"))
            .collect();
        names.sort();
        f.debug_struct("Linker")
            .field("allow_shadowing", &self.allow_shadowing)
            .field("definitions", &names)
            .finish()
    }
}
