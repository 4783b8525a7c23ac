//! [`Config`]: the knobs an [`Engine`](crate::Engine) is built from, and
//! [`EngineKind`], the choice of execution tier.

use std::fmt;
use std::str::FromStr;

use crate::Features;

/// Which execution tier runs wasm code.
///
/// ```
/// use zwasm::{Config, EngineKind};
/// let kind: EngineKind = "reference".parse().unwrap();
/// assert_eq!(kind, EngineKind::Reference);
/// assert_eq!(kind.to_string(), "reference");
/// let mut config = Config::new();
/// config.engine(kind);
/// assert_eq!(config.engine_kind(), EngineKind::Reference);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum EngineKind {
    /// The reference interpreter over the stack IR: simple and slow, the
    /// yardstick the other tiers are checked against.
    Reference,
    /// The fast interpreter over the register IR (the default). Functions
    /// are translated on their first call.
    #[default]
    Interp,
    /// Native code from the JIT (aarch64 hosts): every function is compiled
    /// before it runs (a module at a time, at its first call); functions the
    /// JIT cannot compile run on the fast interpreter.
    /// [`Engine::new`](crate::Engine::new) fails on hosts without a backend.
    Jit,
    /// The best tier this host supports: on aarch64, the fast interpreter
    /// with hot functions compiled by the JIT (see
    /// [`Config::jit_threshold`]); elsewhere the fast interpreter.
    Auto,
}

impl EngineKind {
    /// Every kind, in the order of their names in messages.
    pub const ALL: [EngineKind; 4] = [
        EngineKind::Reference,
        EngineKind::Interp,
        EngineKind::Jit,
        EngineKind::Auto,
    ];

    /// The name `FromStr` accepts and `Display` prints.
    pub fn name(self) -> &'static str {
        match self {
            EngineKind::Reference => "reference",
            EngineKind::Interp => "interp",
            EngineKind::Jit => "jit",
            EngineKind::Auto => "auto",
        }
    }

    /// The tier that actually runs code on this host: `Auto` resolved, or
    /// an error for a tier the host cannot run.
    ///
    /// On aarch64 hosts `Jit` compiles every function before it runs and
    /// `Auto` is the tiered engine (fast interpreter, hot functions compiled;
    /// see `docs/decisions/0008-tiering.md`). Elsewhere there is no native
    /// backend: `Jit` is an error and `Auto` is the fast interpreter.
    pub(crate) fn resolve(self) -> Result<EngineKind, String> {
        match self {
            EngineKind::Reference | EngineKind::Interp => Ok(self),
            EngineKind::Jit | EngineKind::Auto if cfg!(target_arch = "aarch64") => Ok(self),
            EngineKind::Auto => Ok(EngineKind::Interp),
            EngineKind::Jit => Err("no JIT backend for this host".to_string()),
        }
    }
}

impl fmt::Display for EngineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An engine name that is not one of [`EngineKind::ALL`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownEngine(pub String);

impl fmt::Display for UnknownEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known: Vec<&str> = EngineKind::ALL.iter().map(|kind| kind.name()).collect();
        write!(
            f,
            "unknown engine `{}` (known: {})",
            self.0,
            known.join(", ")
        )
    }
}

impl std::error::Error for UnknownEngine {}

impl FromStr for EngineKind {
    type Err = UnknownEngine;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        EngineKind::ALL
            .into_iter()
            .find(|kind| kind.name() == name)
            .ok_or_else(|| UnknownEngine(name.to_string()))
    }
}

/// Engine settings: enabled proposals and resource limits.
///
/// ```
/// use zwasm::{Config, Engine};
/// let mut config = Config::new();
/// config.max_call_depth(10_000).max_value_stack(1 << 20);
/// let engine = Engine::new(&config).unwrap();
/// # let _ = engine;
/// ```
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub(crate) features: Features,
    pub(crate) limits: Limits,
    pub(crate) engine: EngineKind,
    pub(crate) profiling: bool,
    pub(crate) tiering: Tiering,
}

/// When the tiered engine ([`EngineKind::Auto`]) compiles a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tiering {
    /// Calls after which a function is compiled.
    pub call_threshold: u32,
    /// Loop back-edges taken in one function after which it is compiled and
    /// the running call enters the machine code at the loop header.
    pub loop_threshold: u32,
}

impl Default for Tiering {
    fn default() -> Self {
        Tiering {
            call_threshold: 1_000,
            loop_threshold: 10_000,
        }
    }
}

/// Resource limits copied into every engine; the interpreter reads them on every call.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    pub max_call_depth: usize,
    pub max_value_stack: usize,
    pub max_host_reentry: usize,
    pub max_memory64_pages: u64,
    pub max_table_elements: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_call_depth: 100_000,
            max_value_stack: 16 * 1024 * 1024,
            // Every host→wasm re-entry costs host stack; 2 MiB test threads
            // must survive the deepest allowed nesting.
            max_host_reentry: 100,
            max_memory64_pages: 1 << 16,
            max_table_elements: 10_000_000,
        }
    }
}

impl Config {
    /// How the JIT lowers code for engines of this configuration.
    pub(crate) fn jit_options(&self) -> crate::jit::LowerOptions {
        crate::jit::LowerOptions::default()
    }

    /// The default configuration: every supported proposal on, generous limits.
    pub fn new() -> Self {
        Self::default()
    }

    /// Which WebAssembly proposals modules may use.
    pub fn features(&mut self, features: Features) -> &mut Self {
        self.features = features;
        self
    }

    /// The execution tier (default [`EngineKind::Interp`]).
    pub fn engine(&mut self, kind: EngineKind) -> &mut Self {
        self.engine = kind;
        self
    }

    /// The execution tier asked for.
    pub fn engine_kind(&self) -> EngineKind {
        self.engine
    }

    /// Count, in the fast interpreter, how often each of its operations runs
    /// and how often each function is called and for how long (default off);
    /// see [`Store::profile_report`](crate::Store::profile_report). Costs
    /// speed; the reference interpreter ignores it.
    pub fn profiling(&mut self, enabled: bool) -> &mut Self {
        self.profiling = enabled;
        self
    }

    /// Tiered engine: compile a function (with the rest of its module) after
    /// this many calls (default 1 000); later calls run the machine code.
    /// Ignored by the other engines.
    pub fn jit_threshold(&mut self, calls: u32) -> &mut Self {
        self.tiering.call_threshold = calls;
        self
    }

    /// Tiered engine: compile a function after this many loop back-edges in
    /// it, and enter the machine code at the loop header of the running call
    /// (default 10 000). Ignored by the other engines — and, for now, by the
    /// tiered engine too: it tiers up on calls only
    /// (`docs/decisions/0008-tiering.md`).
    pub fn jit_loop_threshold(&mut self, back_edges: u32) -> &mut Self {
        self.tiering.loop_threshold = back_edges;
        self
    }

    /// Maximum number of wasm frames on the call stack before a
    /// "call stack exhausted" trap (default 100 000).
    pub fn max_call_depth(&mut self, frames: usize) -> &mut Self {
        self.limits.max_call_depth = frames;
        self
    }

    /// Maximum number of value-stack slots (locals and operands of all frames)
    /// before a "call stack exhausted" trap (default 16 Mi). The stack grows on
    /// demand; this is only an upper bound.
    pub fn max_value_stack(&mut self, slots: usize) -> &mut Self {
        self.limits.max_value_stack = slots;
        self
    }

    /// Maximum nesting of host→wasm re-entries (a host function calling back
    /// into wasm, which calls a host function, …) before a
    /// "call stack exhausted" trap (default 100).
    pub fn max_host_reentry(&mut self, depth: usize) -> &mut Self {
        self.limits.max_host_reentry = depth;
        self
    }

    /// Largest size, in pages, a 64-bit memory may reach (default 65 536 pages
    /// of 64 KiB, i.e. 4 GiB). 32-bit memories are capped at 4 GiB by the spec.
    pub fn max_memory64_pages(&mut self, pages: u64) -> &mut Self {
        self.limits.max_memory64_pages = pages;
        self
    }

    /// Largest number of elements a table may reach (default 10 000 000).
    pub fn max_table_elements(&mut self, elements: u64) -> &mut Self {
        self.limits.max_table_elements = elements;
        self
    }
}
