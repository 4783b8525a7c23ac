//! Per-group totals and short summaries of why files fail.

use std::collections::BTreeMap;
use std::time::Duration;

use zwasm_wast::{Failure, FileReport};

use super::execute::ScriptResult;
use super::groups::Group;
use super::stale::stale_reason;

#[derive(Debug)]
pub(crate) struct GroupResult {
    pub group: &'static Group,
    pub scripts: Vec<ScriptResult>,
    pub elapsed: Duration,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Totals {
    pub files: usize,
    pub passed: u64,
    /// Failed directives, plus one per script that could not run at all.
    /// Known stale expectations are not included.
    pub failed: u64,
    pub unsupported: u64,
    /// Failures that are known stale expectations (see `stale.rs`).
    pub stale: u64,
    /// Scripts that could not be parsed or set up.
    pub errored_files: usize,
    /// Directives that panicked (included in `failed`).
    pub panicked: u64,
}

impl GroupResult {
    pub(crate) fn totals(&self) -> Totals {
        let mut totals = Totals {
            files: self.scripts.len(),
            ..Totals::default()
        };
        for script in &self.scripts {
            match &script.report {
                Ok(report) => {
                    let stale = stale_failures(&script.path, report).count() as u64;
                    totals.passed += u64::from(report.passed);
                    totals.failed += u64::from(report.failed) - stale;
                    totals.stale += stale;
                    totals.unsupported += u64::from(report.unsupported);
                    totals.panicked += u64::from(report.panicked);
                }
                Err(_) => {
                    totals.failed += 1;
                    totals.errored_files += 1;
                }
            }
        }
        totals
    }

    /// Scripts with at least one real failure (or that could not run).
    pub(crate) fn failing(&self) -> impl Iterator<Item = &ScriptResult> {
        self.scripts.iter().filter(|script| match &script.report {
            Ok(report) => real_failures(&script.path, report).next().is_some(),
            Err(_) => true,
        })
    }

    /// Scripts with unsupported directives and no real failures.
    pub(crate) fn unsupported(&self) -> impl Iterator<Item = &ScriptResult> {
        self.scripts.iter().filter(|script| match &script.report {
            Ok(report) => {
                report.unsupported > 0 && real_failures(&script.path, report).next().is_none()
            }
            Err(_) => false,
        })
    }

    /// Every known stale failure: script path, failure and reason.
    pub(crate) fn stale(&self) -> Vec<(&str, &Failure, &'static str)> {
        let mut found = Vec::new();
        for script in &self.scripts {
            if let Ok(report) = &script.report {
                for failure in stale_failures(&script.path, report) {
                    let reason = stale_reason(&script.path, failure.line).unwrap_or_default();
                    found.push((script.path.as_str(), failure, reason));
                }
            }
        }
        found
    }
}

/// The failures of `report` that are not known stale expectations.
pub(crate) fn real_failures<'r>(
    path: &'r str,
    report: &'r FileReport,
) -> impl Iterator<Item = &'r Failure> {
    report
        .failures
        .iter()
        .filter(move |failure| stale_reason(path, failure.line).is_none())
}

fn stale_failures<'r>(path: &'r str, report: &'r FileReport) -> impl Iterator<Item = &'r Failure> {
    report
        .failures
        .iter()
        .filter(move |failure| stale_reason(path, failure.line).is_some())
}

/// A failure cause shared by several directives of one script.
#[derive(Debug)]
pub(crate) struct Cause {
    /// The first message with this shape, verbatim.
    pub example: String,
    pub first_line: usize,
    pub count: usize,
}

/// The failures of one script grouped by the shape of their message (numbers
/// masked), most frequent first.
pub(crate) fn failure_causes(script: &ScriptResult) -> Vec<Cause> {
    let Ok(report) = &script.report else {
        return Vec::new();
    };
    let mut causes: BTreeMap<String, Cause> = BTreeMap::new();
    for failure in real_failures(&script.path, report) {
        let message = format!("{}: {}", failure.directive, failure.message);
        causes
            .entry(shape_of(&message))
            .and_modify(|cause| cause.count += 1)
            .or_insert(Cause {
                example: message,
                first_line: failure.line,
                count: 1,
            });
    }
    let mut causes: Vec<Cause> = causes.into_values().collect();
    causes.sort_by(|a, b| b.count.cmp(&a.count).then(a.first_line.cmp(&b.first_line)));
    causes
}

/// `message` with every run of digits (and hex digits after `0x`) replaced by `#`.
fn shape_of(message: &str) -> String {
    let mut shape = String::with_capacity(message.len());
    let mut chars = message.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || (c == '-' && chars.peek().is_some_and(char::is_ascii_digit)) {
            shape.push('#');
            while chars
                .peek()
                .is_some_and(|c| c.is_ascii_hexdigit() || matches!(c, 'x' | '.' | '_' | 'e'))
            {
                chars.next();
            }
        } else {
            shape.push(c);
        }
    }
    shape
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_masks_numbers() {
        assert_eq!(
            shape_of("result 0: expected i32:-5, got i32:0x1f"),
            "result #: expected i#:#, got i#:#"
        );
    }
}
