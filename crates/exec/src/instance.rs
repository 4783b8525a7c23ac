//! [`Instance`]: an instantiated module, and the store entities behind it.

mod const_eval;
mod import_check;
mod instantiate;

use std::ops::Range;

use zwasm_decode::ExternKind;

use crate::func::{WasmParams, WasmResults};
use crate::store::{AsContext, AsContextMut, StoreCore, StoreId};
use crate::{Error, Extern, Func, Global, Memory, Module, Table, TypedFunc};

/// An instance in a store's arena: its module and, per index space, the
/// store arena index of every entity (imports first).
pub(crate) struct InstanceEntity {
    pub module: Module,
    pub funcs: Box<[u32]>,
    pub tables: Box<[u32]>,
    pub memories: Box<[u32]>,
    pub globals: Box<[u32]>,
    pub elems: Box<[u32]>,
    pub datas: Box<[u32]>,
}

/// An element segment's evaluated references; emptied when dropped.
pub(crate) struct ElemEntity {
    pub items: Vec<u64>,
}

/// A data segment: a byte range of its module's binary; emptied when dropped.
pub(crate) struct DataEntity {
    pub module: Module,
    pub range: Range<usize>,
}

impl DataEntity {
    pub fn bytes(&self) -> &[u8] {
        self.module
            .inner
            .bytes
            .get(self.range.clone())
            .unwrap_or(&[])
    }
}

/// An instantiated module: its exports are ready to use.
///
/// ```
/// # fn main() -> Result<(), zwasm::Error> {
/// use zwasm::{Engine, Instance, Module, Store};
/// let engine = Engine::default();
/// let module = Module::new(&engine, r#"(module
///     (memory (export "mem") 1)
///     (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))"#)?;
/// let mut store = Store::new(&engine, ());
/// let instance = Instance::new(&mut store, &module, &[])?;
/// let add = instance.get_typed_func::<(i32, i32), i32>(&mut store, "add")?;
/// assert_eq!(add.call(&mut store, (2, 3))?, 5);
/// assert_eq!(instance.get_memory(&store, "mem").unwrap().size(&store), 1);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Instance {
    pub(crate) store: StoreId,
    pub(crate) index: u32,
}

impl Instance {
    /// Instantiates `module` with `imports` given in the module's import order:
    /// checks the imports' types, creates and initialises the module's
    /// entities, applies active segments and runs the start function.
    ///
    /// A trap while applying segments or in the start function fails
    /// instantiation, but writes already made to imported tables and memories stay.
    pub fn new(
        mut store: impl AsContextMut,
        module: &Module,
        imports: &[Extern],
    ) -> Result<Instance, Error> {
        let store = store.as_context_mut().0;
        let (instance, start) = instantiate::instantiate(&mut store.core, module, imports)?;
        if let Some(start) = start {
            crate::interp::call(store, start, &[], &mut [])?;
        }
        Ok(instance)
    }

    /// The export `name`, if the instance has one.
    pub fn get_export(&self, store: impl AsContext, name: &str) -> Option<Extern> {
        self.export_in(&store.as_context().0.core, name)
    }

    /// The exported function `name`.
    pub fn get_func(&self, store: impl AsContext, name: &str) -> Option<Func> {
        self.get_export(store, name)?.into_func()
    }

    /// The exported function `name`, typed; fails if it is missing or its
    /// signature differs from `Params -> Results`.
    pub fn get_typed_func<Params: WasmParams, Results: WasmResults>(
        &self,
        store: impl AsContext,
        name: &str,
    ) -> Result<TypedFunc<Params, Results>, Error> {
        let func = self.get_func(&store, name).ok_or_else(|| {
            Error::Type(format!("instance has no function export named `{name}`"))
        })?;
        func.typed(&store)
    }

    /// The exported memory `name`.
    pub fn get_memory(&self, store: impl AsContext, name: &str) -> Option<Memory> {
        self.get_export(store, name)?.into_memory()
    }

    /// The exported table `name`.
    pub fn get_table(&self, store: impl AsContext, name: &str) -> Option<Table> {
        self.get_export(store, name)?.into_table()
    }

    /// The exported global `name`.
    pub fn get_global(&self, store: impl AsContext, name: &str) -> Option<Global> {
        self.get_export(store, name)?.into_global()
    }

    /// Every export, in the module's export order.
    pub fn exports(&self, store: impl AsContext) -> Vec<(String, Extern)> {
        let store = store.as_context();
        let core = &store.0.core;
        let Some(entity) = self.entity(core) else {
            return Vec::new();
        };
        entity
            .module
            .description()
            .exports
            .iter()
            .filter_map(|export| {
                Some((
                    export.name.clone(),
                    self.resolve(core, entity, export.kind, export.index)?,
                ))
            })
            .collect()
    }

    /// The module this instance was created from.
    pub fn module(&self, store: impl AsContext) -> Option<Module> {
        let store = store.as_context();
        self.entity(&store.0.core)
            .map(|entity| entity.module.clone())
    }

    fn entity<'a>(&self, core: &'a StoreCore) -> Option<&'a InstanceEntity> {
        core.instances
            .get(self.index as usize)
            .filter(|_| core.owns(self.store))
    }

    pub(crate) fn export_in(&self, core: &StoreCore, name: &str) -> Option<Extern> {
        let entity = self.entity(core)?;
        let position = entity.module.export_position(name)?;
        let export = entity.module.description().exports.get(position)?;
        self.resolve(core, entity, export.kind, export.index)
    }

    fn resolve(
        &self,
        core: &StoreCore,
        entity: &InstanceEntity,
        kind: ExternKind,
        index: u32,
    ) -> Option<Extern> {
        let store = core.id;
        let at = index as usize;
        Some(match kind {
            ExternKind::Func => Extern::Func(Func {
                store,
                index: *entity.funcs.get(at)?,
            }),
            ExternKind::Table => Extern::Table(Table {
                store,
                index: *entity.tables.get(at)?,
            }),
            ExternKind::Memory => Extern::Memory(Memory {
                store,
                index: *entity.memories.get(at)?,
            }),
            ExternKind::Global => Extern::Global(Global {
                store,
                index: *entity.globals.get(at)?,
            }),
            ExternKind::Tag => return None,
        })
    }
}
