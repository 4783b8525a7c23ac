//! The checked-in baseline (xtask/spec-baseline.json): per group, the passed
//! count that must not drop and the failed count that must not rise.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::tally::Totals;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct GroupBaseline {
    pub passed: u64,
    pub failed: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Baseline {
    /// Keyed by group name; a BTreeMap keeps the file's order stable.
    pub groups: BTreeMap<String, GroupBaseline>,
}

/// How a group compares with its baseline.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// No worse than the baseline; `improved` when it could be blessed.
    Ok {
        improved: bool,
    },
    Regressed(String),
    /// The baseline has no entry for the group (not gating).
    New,
}

impl Baseline {
    pub(crate) fn load(path: &Path) -> anyhow::Result<Baseline> {
        if !path.exists() {
            return Ok(Baseline::default());
        }
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("failed to read {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("failed to parse {}", path.display()))
    }

    pub(crate) fn save(&self, path: &Path) -> anyhow::Result<()> {
        let mut text = serde_json::to_string_pretty(self).context("failed to encode baseline")?;
        text.push('\n');
        std::fs::write(path, text).with_context(|| format!("failed to write {}", path.display()))
    }

    pub(crate) fn compare(&self, group: &str, totals: &Totals) -> Verdict {
        let Some(base) = self.groups.get(group) else {
            return Verdict::New;
        };
        let mut problems = Vec::new();
        if totals.passed < base.passed {
            problems.push(format!(
                "passed dropped from {} to {}",
                base.passed, totals.passed
            ));
        }
        if totals.failed > base.failed {
            problems.push(format!(
                "failed rose from {} to {}",
                base.failed, totals.failed
            ));
        }
        if problems.is_empty() {
            Verdict::Ok {
                improved: totals.passed > base.passed || totals.failed < base.failed,
            }
        } else {
            Verdict::Regressed(problems.join(", "))
        }
    }

    pub(crate) fn record(&mut self, group: &str, totals: &Totals) {
        self.groups.insert(
            group.to_owned(),
            GroupBaseline {
                passed: totals.passed,
                failed: totals.failed,
            },
        );
    }
}
