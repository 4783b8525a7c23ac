//! What running one script produced: counts plus the details behind them.

use std::fmt;

/// The kind of a `.wast` directive, spelled as in the script.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DirectiveKind {
    Module,
    ModuleDefinition,
    ModuleInstance,
    Register,
    Invoke,
    AssertReturn,
    AssertTrap,
    /// `assert_trap` whose subject is a module: instantiation must trap.
    AssertUninstantiable,
    AssertExhaustion,
    AssertInvalid,
    AssertMalformed,
    AssertUnlinkable,
    AssertException,
    AssertSuspension,
    AssertInvalidCustom,
    AssertMalformedCustom,
    Thread,
    Wait,
}

impl DirectiveKind {
    /// The script keyword, e.g. `assert_return`.
    pub fn keyword(self) -> &'static str {
        match self {
            DirectiveKind::Module => "module",
            DirectiveKind::ModuleDefinition => "module definition",
            DirectiveKind::ModuleInstance => "module instance",
            DirectiveKind::Register => "register",
            DirectiveKind::Invoke => "invoke",
            DirectiveKind::AssertReturn => "assert_return",
            DirectiveKind::AssertTrap => "assert_trap",
            DirectiveKind::AssertUninstantiable => "assert_trap (module)",
            DirectiveKind::AssertExhaustion => "assert_exhaustion",
            DirectiveKind::AssertInvalid => "assert_invalid",
            DirectiveKind::AssertMalformed => "assert_malformed",
            DirectiveKind::AssertUnlinkable => "assert_unlinkable",
            DirectiveKind::AssertException => "assert_exception",
            DirectiveKind::AssertSuspension => "assert_suspension",
            DirectiveKind::AssertInvalidCustom => "assert_invalid_custom",
            DirectiveKind::AssertMalformedCustom => "assert_malformed_custom",
            DirectiveKind::Thread => "thread",
            DirectiveKind::Wait => "wait",
        }
    }

    /// Whether this is an assertion, which is always counted, as opposed to a
    /// step (module, register, invoke, …) which is counted only when it does
    /// not succeed.
    pub fn is_assertion(self) -> bool {
        !matches!(
            self,
            DirectiveKind::Module
                | DirectiveKind::ModuleDefinition
                | DirectiveKind::ModuleInstance
                | DirectiveKind::Register
                | DirectiveKind::Invoke
                | DirectiveKind::Thread
                | DirectiveKind::Wait
        )
    }
}

impl fmt::Display for DirectiveKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

/// A directive that did not produce the expected behaviour.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// 1-based line of the directive in the script.
    pub line: usize,
    pub directive: DirectiveKind,
    /// Expected versus actual behaviour. Starts with `panic: ` when zwasm
    /// panicked, which is always a bug.
    pub message: String,
}

/// A directive that was not run because it needs something out of zwasm's scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsupportedNote {
    /// 1-based line of the directive in the script.
    pub line: usize,
    pub directive: DirectiveKind,
    /// Short and stable, so that notes group well, e.g.
    /// `feature not supported yet: SIMD` or `v128 values`.
    pub reason: String,
}

/// The outcome of running one script. See the crate documentation for what
/// the counts mean.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileReport {
    /// The script's name as given to the runner (usually its path).
    pub name: String,
    pub passed: u32,
    pub failed: u32,
    pub unsupported: u32,
    /// Directives that panicked inside zwasm (also counted in `failed`).
    pub panicked: u32,
    pub failures: Vec<Failure>,
    pub unsupported_reasons: Vec<UnsupportedNote>,
}

impl FileReport {
    pub fn new(name: impl Into<String>) -> Self {
        FileReport {
            name: name.into(),
            ..FileReport::default()
        }
    }

    /// Whether nothing failed.
    pub fn is_success(&self) -> bool {
        self.failed == 0
    }

    /// The distinct unsupported reasons with how often each occurred, most
    /// frequent first (ties by reason, for deterministic output).
    pub fn unsupported_summary(&self) -> Vec<(String, u32)> {
        let mut counts = std::collections::BTreeMap::<&str, u32>::new();
        for note in &self.unsupported_reasons {
            *counts.entry(note.reason.as_str()).or_default() += 1;
        }
        let mut summary: Vec<(String, u32)> = counts
            .into_iter()
            .map(|(reason, count)| (reason.to_owned(), count))
            .collect();
        summary.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        summary
    }

    /// `N passed, M failed` plus `, K unsupported` when K > 0.
    pub fn summary_counts(&self) -> String {
        let mut text = format!("{} passed, {} failed", self.passed, self.failed);
        if self.unsupported > 0 {
            text.push_str(&format!(", {} unsupported", self.unsupported));
        }
        text
    }

    pub(crate) fn record_failure(
        &mut self,
        line: usize,
        directive: DirectiveKind,
        message: String,
    ) {
        self.failed += 1;
        self.failures.push(Failure {
            line,
            directive,
            message,
        });
    }

    pub(crate) fn record_unsupported(
        &mut self,
        line: usize,
        directive: DirectiveKind,
        reason: String,
    ) {
        self.unsupported += 1;
        self.unsupported_reasons.push(UnsupportedNote {
            line,
            directive,
            reason,
        });
    }
}
