//! [`Config`]: the knobs an [`Engine`](crate::Engine) is built from, and
//! [`EngineKind`], the choice of execution tier.

use std::fmt;
use std::str::FromStr;

use crate::Features;

/// How the fast interpreter ([`EngineKind::Interp`]) turns a function into
/// its bytecode.
///
/// ```
/// use zwasm::{Config, InterpTranslation};
/// let mut config = Config::new();
/// config.interp_translation(InterpTranslation::RegisterIr);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum InterpTranslation {
    /// Straight from wasm while validating, in one pass (the default):
    /// one pass, several times faster to translate.
    #[default]
    Direct,
    /// Through the SSA register IR, its passes and a frame-slot allocation
    /// (what the tiered engine always uses, since its on-stack entries are
    /// built from that IR): slower to translate; kept for comparison.
    RegisterIr,
}

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
    /// The fast interpreter over the register IR. Functions are
    /// translated on their first call.
    Interp,
    /// Native code from the JIT (aarch64 hosts): every function is compiled
    /// before it runs (a module at a time, at its first call); functions the
    /// JIT cannot compile run on the fast interpreter.
    /// [`Engine::new`](crate::Engine::new) fails on hosts without a backend.
    Jit,
    /// The best tier this host supports (the default): on aarch64, the
    /// fast interpreter with hot functions compiled by the JIT (see
    /// [`Config::jit_threshold`]); elsewhere the fast interpreter. With
    /// [`Config::profiling`] on, the fast interpreter alone (profiling
    /// counts its operations).
    #[default]
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

/// How compiled code keeps 32-bit memory accesses inside their memory
/// (`docs/decisions/0009-guard-pages.md`). The interpreters always check
/// explicitly; memory64 memories, memories with custom page sizes and
/// accesses with offsets beyond the guard region are always checked.
///
/// ```
/// use zwasm::BoundsChecks;
/// let mode: BoundsChecks = "explicit".parse().unwrap();
/// assert_eq!(mode, BoundsChecks::Explicit);
/// assert_eq!(BoundsChecks::Guard.to_string(), "guard");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BoundsChecks {
    /// Compare every access with the memory's length.
    Explicit,
    /// Reserve 4 GiB plus a guard region of address space per memory and
    /// let an out-of-bounds access fault; a signal handler turns the fault
    /// into the trap. Only where supported (aarch64 Linux; elsewhere, or
    /// when the address space cannot be reserved, explicit checks are
    /// used).
    Guard,
}

impl BoundsChecks {
    /// Every mode, in the order of their names in messages.
    pub const ALL: [BoundsChecks; 2] = [BoundsChecks::Explicit, BoundsChecks::Guard];

    /// The name `FromStr` accepts and `Display` prints.
    pub fn name(self) -> &'static str {
        match self {
            BoundsChecks::Explicit => "explicit",
            BoundsChecks::Guard => "guard",
        }
    }
}

impl fmt::Display for BoundsChecks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A bounds-check mode name that is not one of [`BoundsChecks::ALL`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownBoundsChecks(pub String);

impl fmt::Display for UnknownBoundsChecks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown bounds-check mode `{}` (known: explicit, guard)",
            self.0
        )
    }
}

impl std::error::Error for UnknownBoundsChecks {}

impl FromStr for BoundsChecks {
    type Err = UnknownBoundsChecks;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        BoundsChecks::ALL
            .into_iter()
            .find(|mode| mode.name() == name)
            .ok_or_else(|| UnknownBoundsChecks(name.to_string()))
    }
}

/// The environment variable that picks the bounds-check mode when the
/// configuration does not ([`Config::bounds_checks`]); lets test suites
/// (`cargo xtask spec --engine jit`) run in either mode.
pub const BOUNDS_CHECKS_ENV: &str = "ZWASM_BOUNDS_CHECKS";

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
    pub(crate) interp_translation: InterpTranslation,
    pub(crate) tiering: Tiering,
    /// `None`: [`BOUNDS_CHECKS_ENV`], else guard pages where supported.
    pub(crate) bounds_checks: Option<BoundsChecks>,
}

/// When the tiered engine ([`EngineKind::Auto`]) compiles a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tiering {
    /// Calls after which a function is compiled.
    pub call_threshold: u32,
    /// Loop iterations in a function after which it is compiled and the
    /// running call enters the machine code at the loop header.
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
    /// 32-bit memories are reserved with guard pages because the engine's
    /// compiled code relies on them (set by `Engine::new`, never by users).
    pub guarded_memories: bool,
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
            guarded_memories: false,
        }
    }
}

impl Config {
    /// How the JIT lowers code for engines of this configuration (as
    /// stored in an engine: `limits.guarded_memories` says whether its
    /// memories have guard pages).
    pub(crate) fn jit_options(&self) -> crate::jit::LowerOptions {
        let bounds_checks = if self.limits.guarded_memories {
            crate::jit::BoundsChecks::GuardPages {
                guard_bytes: crate::jit::GUARD_BYTES,
            }
        } else {
            crate::jit::BoundsChecks::Explicit
        };
        crate::jit::LowerOptions {
            bounds_checks,
            ..crate::jit::LowerOptions::default()
        }
    }

    /// The bounds-check mode asked for: the configured one, else
    /// [`BOUNDS_CHECKS_ENV`], else guard pages.
    pub fn bounds_checks_mode(&self) -> BoundsChecks {
        self.bounds_checks
            .or_else(|| std::env::var(BOUNDS_CHECKS_ENV).ok()?.parse().ok())
            .unwrap_or(BoundsChecks::Guard)
    }

    /// Whether an engine of this configuration running tier `kind` uses
    /// guard pages: asked for, a tier with compiled code, a host whose
    /// fault handling is implemented (aarch64 Linux), and address space to
    /// reserve.
    pub(crate) fn uses_guard_pages(&self, kind: EngineKind) -> bool {
        self.bounds_checks_mode() == BoundsChecks::Guard
            && matches!(kind, EngineKind::Jit | EngineKind::Auto)
            && crate::jit::guard_pages_supported()
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

    /// The execution tier (default [`EngineKind::Auto`]).
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
    /// speed; the reference interpreter ignores it, and the tiered engine
    /// ([`EngineKind::Auto`]) then runs everything on the fast interpreter
    /// so that every operation is counted.
    pub fn profiling(&mut self, enabled: bool) -> &mut Self {
        self.profiling = enabled;
        self
    }

    /// How the fast interpreter translates functions (default
    /// [`InterpTranslation::Direct`]). The tiered engine always translates
    /// through the register IR.
    pub fn interp_translation(&mut self, translation: InterpTranslation) -> &mut Self {
        self.interp_translation = translation;
        self
    }

    /// Tiered engine: compile a function (with the rest of its module) after
    /// this many calls (default 1 000); later calls run the machine code.
    /// Ignored by the other engines.
    pub fn jit_threshold(&mut self, calls: u32) -> &mut Self {
        self.tiering.call_threshold = calls;
        self
    }

    /// Tiered engine: after this many loop iterations (loop headers passed)
    /// in running calls of a function, compile its module and continue the
    /// running call as machine code from the loop header it is at
    /// (on-stack entry; default 10 000). Ignored by the other engines
    /// (`docs/decisions/0008-tiering.md`).
    pub fn jit_loop_threshold(&mut self, back_edges: u32) -> &mut Self {
        self.tiering.loop_threshold = back_edges;
        self
    }

    /// How compiled code checks 32-bit memory accesses (default: guard
    /// pages where supported, see [`BoundsChecks`]; the environment
    /// variable [`BOUNDS_CHECKS_ENV`] sets the default).
    pub fn bounds_checks(&mut self, mode: BoundsChecks) -> &mut Self {
        self.bounds_checks = Some(mode);
        self
    }

    /// Maximum number of wasm frames on the call stack before a
    /// "call stack exhausted" trap (default 100 000). Compiled code
    /// (the JIT) approximates it with a stack budget of
    /// 64 bytes per frame (see `docs/decisions/0009-guard-pages.md`).
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
