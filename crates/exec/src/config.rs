//! [`Config`]: the knobs an [`Engine`](crate::Engine) is built from.

use crate::Features;

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
    /// The default configuration: every supported proposal on, generous limits.
    pub fn new() -> Self {
        Self::default()
    }

    /// Which WebAssembly proposals modules may use.
    pub fn features(&mut self, features: Features) -> &mut Self {
        self.features = features;
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
