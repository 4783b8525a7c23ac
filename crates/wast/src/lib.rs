//! Runs WebAssembly spec test scripts (`.wast`) against the zwasm runtime.
//!
//! Each script runs in a fresh [`zwasm::Store`] with its own `spectest` host
//! module (print functions, `global_i32`/`global_i64` = 666,
//! `global_f32`/`global_f64` = 666.6, a 10..20 funcref `table`, a 1..2 page
//! `memory`), exactly as the reference interpreter defines it.
//!
//! # What the numbers mean
//!
//! * Every `assert_*` directive counts exactly once: as **passed**, **failed**
//!   or **unsupported**.
//! * `module`, `module definition`, `module instance`, `register` and `invoke`
//!   steps are counted only when they do not succeed: as failed, or as
//!   unsupported. A successful step is not counted.
//! * **Unsupported** means zwasm was not really tested by the directive:
//!   - its module was rejected by zwasm as an out-of-scope feature
//!     (`ValidateError::Unsupported`, "feature not supported yet: …"). This
//!     includes `assert_invalid`/`assert_malformed` modules rejected *because
//!     of* such a feature, which would otherwise be a dishonest pass;
//!   - it needs `v128` values, GC or typed references, components,
//!     exceptions, threads or stack switching;
//!   - it uses a module that was unsupported (the current module, a named
//!     one, or one whose registered name a module imports from), or imports
//!     the threads proposal's `spectest.shared_memory`.
//! * A directive passes only when zwasm produced the expected behaviour:
//!   - `assert_return`: the exact values (floats compared bit for bit;
//!     `nan:canonical`/`nan:arithmetic` by NaN class; `ref.func` accepts any
//!     non-null function; `either` accepts any alternative);
//!   - `assert_trap`, `assert_exhaustion`, `assert_unlinkable`, and
//!     `assert_trap` on a module (uninstantiable): zwasm must fail, and its
//!     error must match the expected message: the error text contains it, or
//!     it starts with the trap code's text (the scripts are sometimes more
//!     specific, as in `uninitialized element 2`), or it is a documented
//!     alias (only "undefined element" = "uninitialized element");
//!   - `assert_invalid`, `assert_malformed`: any rejection passes, because
//!     messages differ between implementations; text that the `wast` parser
//!     already rejects (the `module quote` cases of the text format) counts as
//!     rejected, since zwasm only ever sees binaries.
//! * A directive whose run panics inside zwasm is a failure with the panic
//!   message (`panic: …`, also counted in [`FileReport::panicked`]); the
//!   remaining directives still run.
//! * A script that cannot be parsed is an error ([`WastError::Parse`]) for
//!   the whole file.

mod error;
mod messages;
mod report;
mod runner;
mod spectest;
mod unsupported;
mod values;

use std::path::Path;

pub use error::WastError;
pub use report::{DirectiveKind, Failure, FileReport, UnsupportedNote};

/// Which zwasm execution tier runs the scripts (zwasm's own choice type).
pub use zwasm::EngineKind;

#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    pub engine: EngineKind,
    /// The proposals modules may use. Spec suites assume exactly their own
    /// feature set: the Wasm 2.0 scripts expect, e.g., a second memory to be
    /// invalid, which multi-memory (on by default) makes valid.
    pub features: zwasm::Features,
}

/// Runs scripts with fixed options. Every script gets a fresh engine, store
/// and `spectest` module, so one runner can be shared by threads.
#[derive(Clone, Debug, Default)]
pub struct WastRunner {
    options: RunOptions,
    /// `Config::jit_threshold` / `jit_loop_threshold` for the tiered engine.
    jit_thresholds: Option<(u32, u32)>,
}

impl WastRunner {
    pub fn new(options: RunOptions) -> Self {
        WastRunner {
            options,
            jit_thresholds: None,
        }
    }

    /// Tiered engine (`EngineKind::Auto`): compile functions after `calls`
    /// calls or `back_edges` loop back-edges instead of the defaults (low
    /// values make the spec suite cross between the tiers everywhere).
    pub fn jit_thresholds(mut self, calls: u32, back_edges: u32) -> Self {
        self.jit_thresholds = Some((calls, back_edges));
        self
    }

    /// Reads and runs the script at `path`; the report is named by the path.
    pub fn run_file(&self, path: &Path) -> Result<FileReport, WastError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| WastError::Io {
            path: name.clone(),
            source,
        })?;
        self.run_str(&name, &text)
    }

    /// Runs the script `text`; `name` is used in messages and the report.
    pub fn run_str(&self, name: &str, text: &str) -> Result<FileReport, WastError> {
        let parse_error = |mut err: wast::Error| {
            err.set_path(Path::new(name));
            err.set_text(text);
            WastError::Parse {
                message: err.to_string(),
            }
        };
        let mut lexer = wast::lexer::Lexer::new(text);
        // The spec's names.wast uses bidirectional-override characters on purpose.
        lexer.allow_confusing_unicode(true);
        let buffer = wast::parser::ParseBuffer::new_with_lexer(lexer).map_err(parse_error)?;
        let script = wast::parser::parse::<wast::Wast<'_>>(&buffer).map_err(parse_error)?;

        let engine = self.engine()?;
        let mut state = runner::Script::new(engine, text).map_err(|err| WastError::Engine {
            message: format!("cannot set up the spectest module: {err}"),
        })?;
        let mut report = FileReport::new(name);
        state.run(script.directives, &mut report);
        Ok(report)
    }

    fn engine(&self) -> Result<zwasm::Engine, WastError> {
        let mut config = zwasm::Config::new();
        config
            .features(self.options.features)
            .engine(self.options.engine);
        if let Some((calls, back_edges)) = self.jit_thresholds {
            config.jit_threshold(calls).jit_loop_threshold(back_edges);
        }
        zwasm::Engine::new(&config).map_err(|err| WastError::Engine {
            message: err.to_string(),
        })
    }
}

/// Runs the script at `path` with `options`.
pub fn run_file(path: &Path, options: &RunOptions) -> Result<FileReport, WastError> {
    WastRunner::new(options.clone()).run_file(path)
}

/// Runs the script `text` (named `name` in messages) with `options`.
pub fn run_str(name: &str, text: &str, options: &RunOptions) -> Result<FileReport, WastError> {
    WastRunner::new(options.clone()).run_str(name, text)
}
