//! Running the corpus: every engine once per round, in an order that rotates
//! from round to round, so drift in machine load spreads over all engines.
//! Outputs are compared across runs and engines: a difference is a
//! correctness failure, never a timing.

use std::time::Duration;

use super::child;
use super::corpus::{Bench, Prepared};
use super::engines::Engine;
use super::stats;

#[derive(Debug)]
pub(crate) enum Status {
    Ok,
    /// Not run, and not a failure (e.g. no WASI in this zwasm build).
    Skipped(String),
    Failed(String),
}

#[derive(Debug)]
pub(crate) struct Cell {
    pub(crate) samples: Vec<Duration>,
    pub(crate) max_rss_kib: u64,
    pub(crate) status: Status,
    output: Option<Vec<u8>>,
}

impl Cell {
    pub(crate) fn median(&self) -> Option<Duration> {
        match self.status {
            Status::Ok => stats::median(&self.samples),
            _ => None,
        }
    }

    pub(crate) fn min(&self) -> Option<Duration> {
        match self.status {
            Status::Ok => stats::min(&self.samples),
            _ => None,
        }
    }
}

#[derive(Debug)]
pub(crate) struct BenchResult {
    pub(crate) bench: &'static Bench,
    pub(crate) size: String,
    /// One per engine, in the engine list's order.
    pub(crate) cells: Vec<Cell>,
    /// The output all passing engines printed.
    pub(crate) output: Option<String>,
}

impl BenchResult {
    pub(crate) fn failures(&self) -> impl Iterator<Item = (usize, &str)> {
        self.cells
            .iter()
            .enumerate()
            .filter_map(|(i, cell)| match &cell.status {
                Status::Failed(why) => Some((i, why.as_str())),
                _ => None,
            })
    }
}

pub(crate) fn run_bench(
    bench: &Prepared,
    engines: &[Engine],
    runs: usize,
    timeout: Duration,
) -> BenchResult {
    let mut cells: Vec<Cell> = engines
        .iter()
        .map(|engine| Cell {
            samples: Vec::new(),
            max_rss_kib: 0,
            status: if bench.needs_wasi() && !engine.wasi {
                Status::Skipped("no WASI".to_owned())
            } else {
                Status::Ok
            },
            output: None,
        })
        .collect();
    let n = engines.len();
    for round in 0..runs {
        for k in 0..n {
            let i = (round + k) % n;
            let cell = &mut cells[i];
            if !matches!(cell.status, Status::Ok) {
                continue;
            }
            run_once(bench, &engines[i], timeout, cell);
        }
    }
    let output = judge_outputs(&mut cells, engines);
    BenchResult {
        bench: bench.bench,
        size: bench.size.clone(),
        cells,
        output,
    }
}

fn run_once(bench: &Prepared, engine: &Engine, timeout: Duration, cell: &mut Cell) {
    let line = engine.command(bench);
    let outcome = match child::run(&line, timeout) {
        Ok(outcome) => outcome,
        Err(err) => {
            cell.status = Status::Failed(format!("{err:#}"));
            return;
        }
    };
    if outcome.timed_out {
        cell.status = Status::Failed(format!("timed out after {}s", timeout.as_secs()));
        return;
    }
    if outcome.exit_code != Some(0) {
        cell.status = Status::Failed(format!(
            "`{}` exited with {}: {}",
            line.display(),
            outcome
                .exit_code
                .map_or_else(|| "a signal".to_owned(), |c| c.to_string()),
            tail(&outcome.stderr)
        ));
        return;
    }
    match &cell.output {
        Some(previous) if *previous != outcome.stdout => {
            cell.status = Status::Failed(format!(
                "output changed between runs: {:?} then {:?}",
                tail(previous),
                tail(&outcome.stdout)
            ));
            return;
        }
        Some(_) => {}
        None => cell.output = Some(outcome.stdout),
    }
    cell.samples.push(outcome.wall);
    cell.max_rss_kib = cell.max_rss_kib.max(outcome.max_rss_kib);
}

/// Finds the output most engines agree on (ties go to the engine listed
/// last: peers come after zwasm, and a peer is the likelier to be right)
/// and fails every engine that printed something else.
fn judge_outputs(cells: &mut [Cell], engines: &[Engine]) -> Option<String> {
    let outputs: Vec<(usize, &Vec<u8>)> = cells
        .iter()
        .enumerate()
        .filter(|(_, cell)| matches!(cell.status, Status::Ok))
        .filter_map(|(i, cell)| cell.output.as_ref().map(|o| (i, o)))
        .collect();
    let votes = |output: &Vec<u8>| outputs.iter().filter(|(_, o)| *o == output).count();
    let (winner, consensus) = outputs
        .iter()
        .max_by_key(|(i, output)| (votes(output), *i))
        .map(|(i, output)| (*i, (*output).clone()))?;
    let agreeing = votes(&consensus);
    let voters = outputs.len();
    for cell in cells.iter_mut() {
        let differs = cell.output.as_ref().is_some_and(|o| *o != consensus);
        if differs && matches!(cell.status, Status::Ok) {
            cell.status = Status::Failed(format!(
                "output differs from {}'s ({agreeing} of {voters} engines printed that): \
                 printed {:?}, expected {:?}",
                engines[winner].name,
                tail(cell.output.as_deref().unwrap_or_default()),
                tail(&consensus)
            ));
        }
    }
    Some(String::from_utf8_lossy(&consensus).trim_end().to_owned())
}

/// The last few lines of a stream, for messages.
fn tail(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.trim_end().lines().collect();
    let start = lines.len().saturating_sub(4);
    let mut joined = lines[start..].join(" | ");
    if joined.len() > 400 {
        let cut = (0..=400)
            .rev()
            .find(|&i| joined.is_char_boundary(i))
            .unwrap_or(0);
        joined.truncate(cut);
        joined.push('…');
    }
    joined
}

#[cfg(test)]
impl Cell {
    /// A passing cell whose runs took `ms` milliseconds each.
    pub(crate) fn passing(ms: &[u64]) -> Cell {
        Cell {
            samples: ms.iter().map(|&v| Duration::from_millis(v)).collect(),
            max_rss_kib: 2048,
            status: Status::Ok,
            output: Some(b"ok\n".to_vec()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(output: &str) -> Cell {
        Cell {
            samples: vec![Duration::from_millis(1)],
            max_rss_kib: 1,
            status: Status::Ok,
            output: Some(output.as_bytes().to_vec()),
        }
    }

    fn engines(n: usize) -> Vec<Engine> {
        (0..n)
            .map(|i| Engine::for_tests(&format!("e{i}")))
            .collect()
    }

    #[test]
    fn the_odd_one_out_fails() {
        let mut cells = vec![cell("1\n"), cell("2\n"), cell("2\n")];
        let consensus = judge_outputs(&mut cells, &engines(3));
        assert_eq!(consensus.as_deref(), Some("2"));
        assert!(matches!(cells[0].status, Status::Failed(_)));
        assert!(matches!(cells[1].status, Status::Ok));
        assert!(matches!(cells[2].status, Status::Ok));
    }

    #[test]
    fn a_tie_goes_to_the_last_engine() {
        let mut cells = vec![cell("zwasm says"), cell("peer says")];
        let consensus = judge_outputs(&mut cells, &engines(2));
        assert_eq!(consensus.as_deref(), Some("peer says"));
        assert!(matches!(cells[0].status, Status::Failed(_)));
    }

    #[test]
    fn skipped_engines_do_not_vote() {
        let mut cells = vec![cell("a"), cell("b")];
        cells[1].status = Status::Skipped("no WASI".into());
        assert_eq!(judge_outputs(&mut cells, &engines(2)).as_deref(), Some("a"));
        assert!(matches!(cells[0].status, Status::Ok));
    }

    #[test]
    fn tails_are_short() {
        assert_eq!(tail(b"a\nb\nc\nd\ne\n"), "b | c | d | e");
        assert!(tail("é".repeat(500).as_bytes()).len() <= 404);
    }
}
