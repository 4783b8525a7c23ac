//! `zwasm run --profile`: the fast interpreter's counters as two tables.
//!
//! ```text
//! profile (fast interpreter): 1363 operations, 177 calls, 0.041 ms in wasm code
//!
//!          count       %   cum %  operation
//!            354   25.97   25.97  BrI32LtSImm
//!            …
//!
//!          calls   self time  self %  index  function
//!            177    0.041 ms  100.00      0  fib
//! ```
//!
//! Rows are ordered by count (calls), most first; ties by operation name,
//! or by function index and then name (the same index may come from two
//! instances), so two runs of the same program list the same rows in the same
//! order; only the times differ.

use std::fmt::Write as _;

use zwasm::{EngineKind, FuncProfile, OpProfile, ProfileReport};

/// The text `--profile` prints on stderr after the run: the report's
/// tables, or why there is none.
pub(crate) fn profile_text(report: Option<ProfileReport>, engine: EngineKind) -> String {
    match report {
        Some(report) => format_report(&report),
        None => format!(
            "\nprofile: not available: `--engine {engine}` did not run the fast interpreter, \
             the only tier that counts (use --engine interp)\n"
        ),
    }
}

fn format_report(report: &ProfileReport) -> String {
    let mut ops: Vec<&OpProfile> = report.ops().iter().collect();
    ops.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(b.name)));
    let mut functions: Vec<&FuncProfile> = report.functions().iter().collect();
    functions.sort_by(|a, b| {
        b.calls
            .cmp(&a.calls)
            .then(a.func_index.cmp(&b.func_index))
            .then_with(|| a.name.cmp(&b.name))
    });
    let total_ops: u64 = ops.iter().map(|op| op.count).sum();
    let total_calls: u64 = functions.iter().map(|func| func.calls).sum();
    let total_time: f64 = functions
        .iter()
        .map(|func| func.self_time.as_secs_f64())
        .sum();

    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nprofile (fast interpreter): {total_ops} operation{}, {total_calls} call{}, \
         {:.3} ms in wasm code",
        plural(total_ops),
        plural(total_calls),
        total_time * 1e3
    );

    let _ = writeln!(
        out,
        "\n{:>14}  {:>6}  {:>6}  operation",
        "count", "%", "cum %"
    );
    if ops.is_empty() {
        let _ = writeln!(out, "{:>14}  {:>6}  {:>6}  (none ran)", "-", "-", "-");
    }
    let mut cumulative = 0;
    for op in &ops {
        cumulative += op.count;
        let _ = writeln!(
            out,
            "{:>14}  {:>6.2}  {:>6.2}  {}",
            op.count,
            percent(op.count as f64, total_ops as f64),
            percent(cumulative as f64, total_ops as f64),
            op.name
        );
    }

    let _ = writeln!(
        out,
        "\n{:>14}  {:>12}  {:>6}  {:>5}  function",
        "calls", "self time", "self %", "index"
    );
    if functions.is_empty() {
        let _ = writeln!(
            out,
            "{:>14}  {:>12}  {:>6}  {:>5}  (none called)",
            "-", "-", "-", "-"
        );
    }
    for func in &functions {
        let seconds = func.self_time.as_secs_f64();
        let _ = writeln!(
            out,
            "{:>14}  {:>12}  {:>6.2}  {:>5}  {}",
            func.calls,
            format!("{:.3} ms", seconds * 1e3),
            percent(seconds, total_time),
            func.func_index,
            func.name
        );
    }
    out
}

fn percent(part: f64, total: f64) -> f64 {
    if total > 0.0 {
        part * 100.0 / total
    } else {
        0.0
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_report_says_nothing_ran() {
        let text = profile_text(Some(ProfileReport::default()), EngineKind::Interp);
        assert!(text.contains("0 operations, 0 calls"), "{text}");
        assert!(text.contains("(none ran)"), "{text}");
        assert!(text.contains("(none called)"), "{text}");
    }

    #[test]
    fn missing_report_names_the_engine() {
        let text = profile_text(None, EngineKind::Auto);
        assert!(text.contains("--engine auto"), "{text}");
    }
}
