//! A quick in-process comparison of the execution tiers on the WAT kernels
//! of `benches/wat` and the fast tier's translation throughput on the C
//! programs of `benches/c` (the full harness is `cargo xtask bench`).
//!
//! ```console
//! $ cargo run --release -p zwasm --example tiers [-- KERNEL…]
//! ```

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use zwasm::{Config, Engine, EngineKind, Instance, Module, Store, Val};

/// Kernel, argument and how many runs to take the best of.
const KERNELS: &[(&str, i32, u32)] = &[
    ("fib", 30, 7),
    ("loops", 3000, 7),
    ("memcopy", 300, 7),
    ("br_table", 2_000_000, 5),
    ("call_indirect", 5_000_000, 5),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// CPU time of this thread (Linux; falls back to wall time elsewhere): the
/// machine may be shared, and CPU time is what an engine costs.
struct Clock(Option<u64>, Instant);

impl Clock {
    fn cpu_ns() -> Option<u64> {
        let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
        text.split_whitespace().next()?.parse().ok()
    }

    fn start() -> Clock {
        Clock(Clock::cpu_ns(), Instant::now())
    }

    fn elapsed(&self) -> Duration {
        match (self.0, Clock::cpu_ns()) {
            (Some(start), Some(end)) => Duration::from_nanos(end.saturating_sub(start)),
            _ => self.1.elapsed(),
        }
    }
}

fn run(kind: EngineKind, wat: &[u8], arg: i32) -> Result<(Duration, Val), zwasm::Error> {
    let mut config = Config::new();
    config.engine(kind);
    let engine = Engine::new(&config)?;
    let module = Module::new(&engine, wat)?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;
    let func = instance
        .get_func(&store, "run")
        .ok_or_else(|| zwasm::Error::Type("no run export".into()))?;
    let mut results = [Val::I64(0)];
    if func.ty(&store).results[0] == zwasm::ValType::I32 {
        results[0] = Val::I32(0);
    }
    let started = Clock::start();
    func.call(&mut store, &[Val::I32(arg)], &mut results)?;
    Ok((started.elapsed(), results[0]))
}

fn main() -> Result<(), zwasm::Error> {
    let mut only: Vec<String> = std::env::args().skip(1).collect();
    // `--only-interp`: run just the fast tier (for profiling it).
    let only_interp = only.iter().any(|a| a == "--only-interp");
    only.retain(|a| a != "--only-interp");
    let mut log_ratio = 0.0;
    let mut count = 0;
    for &(name, arg, runs) in KERNELS {
        if !only.is_empty() && !only.iter().any(|o| o == name) {
            continue;
        }
        let path = root().join(format!("benches/wat/{name}.wat"));
        let wat = std::fs::read(&path).map_err(|e| zwasm::Error::Host(Box::new(e)))?;
        let mut best = [Duration::MAX; 2];
        let mut values = [Val::I32(0); 2];
        for _ in 0..runs {
            for (at, kind) in [EngineKind::Reference, EngineKind::Interp]
                .into_iter()
                .enumerate()
            {
                if only_interp && kind == EngineKind::Reference {
                    continue;
                }
                let (time, value) = run(kind, &wat, arg)?;
                best[at] = best[at].min(time);
                values[at] = value;
            }
        }
        if only_interp {
            println!(
                "{name:>14}({arg}): interp {:>8.2} ms",
                best[1].as_secs_f64() * 1e3
            );
            continue;
        }
        assert_eq!(values[0], values[1], "{name}: the tiers disagree");
        let ratio = best[0].as_secs_f64() / best[1].as_secs_f64();
        log_ratio += ratio.ln();
        count += 1;
        println!(
            "{name:>14}({arg}): reference {:>9.2} ms, interp {:>8.2} ms, speedup {ratio:>5.2}x",
            best[0].as_secs_f64() * 1e3,
            best[1].as_secs_f64() * 1e3,
        );
    }
    if count > 0 {
        println!(
            "geomean speedup: {:.2}x",
            (log_ratio / f64::from(count)).exp()
        );
    }
    if only_interp {
        return Ok(());
    }
    // Translation throughput: bytes of function bodies per second.
    let engine = Engine::default();
    let mut bytes = 0usize;
    let mut time = Duration::ZERO;
    let dir = root().join("benches/c");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    for path in entries
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
    {
        let wasm = std::fs::read(path).map_err(|e| zwasm::Error::Host(Box::new(e)))?;
        for _ in 0..20 {
            let module = Module::new(&engine, &wasm)?;
            let started = Clock::start();
            bytes += module.precompile_all()?;
            time += started.elapsed();
        }
    }
    if bytes > 0 {
        println!(
            "fast-tier translation: {:.1} MB/s ({bytes} body bytes)",
            bytes as f64 / time.as_secs_f64() / 1e6
        );
    }
    Ok(())
}
