//! Runs scripts on worker threads; results come back in input order.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use zwasm_wast::{FileReport, WastRunner};

use super::groups::Script;

/// The outcome of one script.
#[derive(Debug)]
pub(crate) struct ScriptResult {
    pub path: String,
    /// `Err` when the script could not be parsed or set up at all.
    pub report: Result<FileReport, String>,
    pub elapsed: Duration,
}

/// Worker threads get a large stack so that deep recursion in wasm hits
/// zwasm's own call-depth limit rather than the native stack.
const WORKER_STACK_BYTES: usize = 256 << 20;

/// Runs `scripts` over `jobs` threads. Which thread runs what varies, but the
/// returned order is the input order, so the output is deterministic.
pub(crate) fn run_scripts(
    runner: &WastRunner,
    scripts: &[Script],
    jobs: usize,
    on_done: &(dyn Fn(&ScriptResult) + Sync),
) -> Vec<ScriptResult> {
    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<ScriptResult>>> =
        Mutex::new((0..scripts.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for worker in 0..jobs.max(1) {
            let spawned = std::thread::Builder::new()
                .name(format!("spec-{worker}"))
                .stack_size(WORKER_STACK_BYTES)
                .spawn_scoped(scope, || {
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(script) = scripts.get(index) else {
                            break;
                        };
                        let result = run_one(runner, script);
                        on_done(&result);
                        let mut slots = slots.lock().unwrap_or_else(|e| e.into_inner());
                        slots[index] = Some(result);
                    }
                });
            if let Err(err) = spawned {
                // The remaining workers (or the fallback below) pick up the work.
                eprintln!("warning: cannot start spec worker {worker}: {err}");
            }
        }
    });
    let slots = slots.into_inner().unwrap_or_else(|e| e.into_inner());
    slots
        .into_iter()
        .zip(scripts)
        .map(|(slot, script)| slot.unwrap_or_else(|| run_one(runner, script)))
        .collect()
}

fn run_one(runner: &WastRunner, script: &Script) -> ScriptResult {
    let started = Instant::now();
    // The runner already isolates each directive; this catches a panic in
    // its own setup so that one script cannot take the whole suite down.
    let run = std::panic::catch_unwind(|| runner.run_str(&script.path, script.text));
    let report = match run {
        Ok(result) => result.map_err(|err| err.to_string()),
        Err(payload) => Err(format!(
            "panic while running the script: {}",
            panic_text(&payload)
        )),
    };
    ScriptResult {
        path: script.path.clone(),
        report,
        elapsed: started.elapsed(),
    }
}

fn panic_text(payload: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "(non-string panic payload)".to_owned()
    }
}
