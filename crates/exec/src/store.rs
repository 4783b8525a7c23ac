//! [`Store`]: owns every runtime entity (functions, memories, tables,
//! globals, instances) and the embedder's data `T`.
//!
//! Entities live in per-kind arenas inside [`StoreCore`]; public handles
//! ([`Func`](crate::Func), [`Memory`](crate::Memory), …) are a store id plus an
//! arena index, so a handle used with another store is detected, not misread.

mod context;

use std::any::Any;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub use context::{AsContext, AsContextMut, StoreContext, StoreContextMut};

use crate::Engine;
use crate::config::EngineKind;
use crate::config::Limits;
use crate::error::Error;
use crate::fast::Profile;
use crate::func::{FuncEntity, HostFunc};
use crate::global::GlobalEntity;
use crate::instance::{DataEntity, ElemEntity, InstanceEntity};
use crate::interp::Frame;
use crate::jit::{JitSlot, TierCounters};
use crate::memory::MemoryEntity;
use crate::table::TableEntity;

/// Identifies one store; handles carry it so that cross-store use is caught.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct StoreId(u64);

impl StoreId {
    fn fresh() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        StoreId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// All the state of a store that does not depend on `T`: the interpreter
/// runs on this alone and only returns to generic code for host calls.
pub(crate) struct StoreCore {
    pub id: StoreId,
    pub engine: Engine,
    pub limits: Limits,
    pub funcs: Vec<FuncEntity>,
    pub tables: Vec<TableEntity>,
    pub memories: Vec<MemoryEntity>,
    pub globals: Vec<GlobalEntity>,
    pub instances: Vec<InstanceEntity>,
    pub elems: Vec<ElemEntity>,
    pub datas: Vec<DataEntity>,
    pub extern_refs: Vec<Arc<dyn Any + Send + Sync>>,
    /// The value stack shared by all activations (host re-entry nests on top).
    pub stack: Vec<u64>,
    /// First free slot of `stack` while no interpreter loop is running.
    pub stack_top: usize,
    /// The wasm call stack of all activations, innermost last.
    pub frames: Vec<Frame>,
    /// Number of host→wasm or embedder→function calls currently in progress.
    pub call_nesting: usize,
    /// The fast interpreter's counters, when profiling is on.
    pub profile: Option<Box<Profile>>,
    /// The JIT session of the `Jit` and `Auto` engines (created at the
    /// first call into wasm).
    pub jit: JitSlot,
    /// The tiered engine's call counters (`Auto` on a JIT host only); the
    /// fast interpreter consults them on every wasm→wasm call.
    pub tier: Option<Box<TierCounters>>,
}

impl StoreCore {
    /// `Ok` if a handle carrying `id` belongs to this store.
    pub fn check(&self, id: StoreId) -> Result<(), Error> {
        if id == self.id {
            Ok(())
        } else {
            Err(Error::wrong_store())
        }
    }

    pub fn owns(&self, id: StoreId) -> bool {
        id == self.id
    }
}

/// The store proper: the `T`-independent core plus what needs `T`.
pub(crate) struct StoreInner<T> {
    pub core: StoreCore,
    pub host_funcs: Vec<HostFunc<T>>,
    pub data: T,
}

/// Owns all wasm runtime state created with it, plus embedder data `T` that
/// host functions reach through [`Caller`](crate::Caller).
///
/// ```
/// use zwasm::{Engine, Store};
/// let engine = Engine::default();
/// let mut store = Store::new(&engine, 41);
/// *store.data_mut() += 1;
/// assert_eq!(*store.data(), 42);
/// ```
pub struct Store<T> {
    pub(crate) inner: StoreInner<T>,
}

impl<T> Store<T> {
    /// An empty store for modules of `engine`, holding `data`.
    pub fn new(engine: &Engine, data: T) -> Self {
        Store {
            inner: StoreInner {
                core: StoreCore {
                    id: StoreId::fresh(),
                    engine: engine.clone(),
                    limits: engine.limits(),
                    funcs: Vec::new(),
                    tables: Vec::new(),
                    memories: Vec::new(),
                    globals: Vec::new(),
                    instances: Vec::new(),
                    elems: Vec::new(),
                    datas: Vec::new(),
                    extern_refs: Vec::new(),
                    stack: Vec::new(),
                    stack_top: 0,
                    frames: Vec::new(),
                    call_nesting: 0,
                    profile: (engine.config().profiling && engine.kind() == EngineKind::Interp)
                        .then(|| Box::new(Profile::new())),
                    jit: JitSlot::empty(),
                    tier: (engine.kind() == EngineKind::Auto)
                        .then(|| Box::new(TierCounters::new(engine.config().tiering))),
                },
                host_funcs: Vec::new(),
                data,
            },
        }
    }

    /// The embedder data.
    pub fn data(&self) -> &T {
        &self.inner.data
    }

    /// The embedder data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.inner.data
    }

    /// Consumes the store, returning the embedder data.
    pub fn into_data(self) -> T {
        self.inner.data
    }

    /// The engine this store was created for.
    pub fn engine(&self) -> &Engine {
        &self.inner.core.engine
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Store<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let core = &self.inner.core;
        f.debug_struct("Store")
            .field("data", &self.inner.data)
            .field("instances", &core.instances.len())
            .field("funcs", &core.funcs.len())
            .field("memories", &core.memories.len())
            .finish_non_exhaustive()
    }
}
