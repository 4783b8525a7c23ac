//! [`Engine`]: shared configuration and the function-type registry.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use zwasm_decode::FuncType;

use crate::config::{BoundsChecks, Config, EngineKind, Limits};
use crate::{Error, Features};

/// A compilation and execution environment shared by modules and stores.
/// Cheap to clone: clones share one configuration and type registry.
///
/// ```
/// use zwasm::{Config, Engine};
/// let engine = Engine::new(&Config::new()).unwrap();
/// let same = engine.clone();
/// # let _ = (Engine::default(), same);
/// ```
#[derive(Clone)]
pub struct Engine {
    inner: Arc<EngineInner>,
}

struct EngineInner {
    config: Config,
    /// The tier that runs code: the configured one with `Auto` resolved.
    kind: EngineKind,
    /// Function types are interned so that `call_indirect` compares two ids,
    /// and types from different modules with equal signatures match.
    types: Mutex<TypeRegistry>,
}

#[derive(Default)]
struct TypeRegistry {
    ids: HashMap<FuncType, u32>,
}

impl Engine {
    /// An engine with `config`; fails if `config` enables a proposal zwasm
    /// does not implement or asks for a tier this host cannot run.
    pub fn new(config: &Config) -> Result<Engine, Error> {
        config.features.check_supported()?;
        let kind = config.engine.resolve().map_err(Error::Unsupported)?;
        Ok(Engine::resolved(config, kind))
    }

    /// An engine running tier `kind` (resolved for this host).
    fn resolved(config: &Config, kind: EngineKind) -> Engine {
        // Profiling counts the fast interpreter's operations: a profiled
        // tiered engine keeps everything on the interpreter.
        let kind = match kind {
            EngineKind::Auto if config.profiling => EngineKind::Interp,
            kind => kind,
        };
        let mut config = config.clone();
        config.limits.guarded_memories = config.uses_guard_pages(kind);
        Engine {
            inner: Arc::new(EngineInner {
                config,
                kind,
                types: Mutex::new(TypeRegistry::default()),
            }),
        }
    }

    /// The configuration this engine was built with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The tier that runs code: the configured one, with
    /// [`EngineKind::Auto`] resolved to [`EngineKind::Interp`] on hosts
    /// without a JIT (on aarch64 it stays `Auto`, the tiered engine).
    pub fn kind(&self) -> EngineKind {
        self.inner.kind
    }

    /// The bounds-check mode compiled code of this engine uses for 32-bit
    /// memories: [`BoundsChecks::Guard`] only if it was asked for (the
    /// default) and works on this host for a tier with compiled code.
    pub fn bounds_checks(&self) -> BoundsChecks {
        if self.inner.config.limits.guarded_memories {
            BoundsChecks::Guard
        } else {
            BoundsChecks::Explicit
        }
    }

    /// The proposals modules compiled by this engine may use.
    pub fn features(&self) -> Features {
        self.inner.config.features
    }

    /// Whether `self` and `other` are clones of the same engine.
    pub fn same(&self, other: &Engine) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    pub(crate) fn limits(&self) -> Limits {
        self.inner.config.limits
    }

    /// The engine-wide id of `ty`: equal types get equal ids.
    pub(crate) fn intern_type(&self, ty: &FuncType) -> u32 {
        let mut registry = self
            .inner
            .types
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let next = registry.ids.len() as u32;
        *registry.ids.entry(ty.clone()).or_insert(next)
    }
}

impl Default for Engine {
    /// An engine with the default configuration: the tiered engine
    /// ([`EngineKind::Auto`]), which every host can run.
    fn default() -> Self {
        let config = Config::default();
        // `resolve` only fails for `Jit` on hosts without a backend.
        let kind = config.engine.resolve().unwrap_or(EngineKind::Interp);
        Engine::resolved(&config, kind)
    }
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}
