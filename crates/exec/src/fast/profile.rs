//! Profiling of the fast tier: how often each bytecode operation runs, and
//! how often each function is called and how long it runs (self time:
//! the time between entering it, or returning to it, and leaving it for a
//! call, a return or the host).

use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, Instant};

use super::code::OpKind;
use crate::Store;

/// Counters kept in the store while profiling is on.
#[derive(Debug)]
pub(crate) struct Profile {
    ops: Vec<u64>,
    funcs: HashMap<(u32, u32), FuncStats>,
    /// The function running since `since` (instance, defined index).
    current: Option<(u32, u32)>,
    since: Instant,
}

#[derive(Clone, Copy, Debug, Default)]
struct FuncStats {
    calls: u64,
    time: Duration,
}

impl Profile {
    pub fn new() -> Profile {
        Profile {
            ops: vec![0; OpKind::NAMES.len()],
            funcs: HashMap::new(),
            current: None,
            since: Instant::now(),
        }
    }

    #[inline(always)]
    pub fn count(&mut self, kind: OpKind) {
        if let Some(count) = self.ops.get_mut(kind as usize) {
            *count += 1;
        }
    }

    /// Charges the time since the last switch to the running function and
    /// makes `to` the running one.
    pub fn switch(&mut self, to: Option<(u32, u32)>) {
        let now = Instant::now();
        if let Some(current) = self.current {
            self.funcs.entry(current).or_default().time += now - self.since;
        }
        self.since = now;
        self.current = to;
    }

    /// A call of defined function `func` of instance `instance` starts.
    pub fn enter(&mut self, instance: u32, func: u32) {
        self.switch(Some((instance, func)));
        self.funcs.entry((instance, func)).or_default().calls += 1;
    }
}

/// One row of a [`ProfileReport`]'s operation table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpProfile {
    /// The fast-tier operation (e.g. `I32AddImm`, `BrI32LtS`).
    pub name: &'static str,
    /// How many times it ran.
    pub count: u64,
}

/// One row of a [`ProfileReport`]'s function table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FuncProfile {
    /// The function's name from its module's name section, or `func[N]`.
    pub name: String,
    /// Index of the function in its module's function index space.
    pub func_index: u32,
    /// How many times it was called (tail calls included).
    pub calls: u64,
    /// Time spent in the function itself, callees excluded.
    pub self_time: Duration,
}

/// What the fast interpreter counted while [`Config::profiling`] was on:
/// operations by count, then functions by calls, both descending (ties by
/// name). `Display` prints both as tables.
///
/// [`Config::profiling`]: crate::Config::profiling
///
/// ```
/// # fn main() -> Result<(), zwasm::Error> {
/// use zwasm::{Config, Engine, Instance, Module, Store};
/// let mut config = Config::new();
/// config.profiling(true);
/// let engine = Engine::new(&config)?;
/// let module = Module::new(&engine, r#"(module
///     (func $twice (export "twice") (param i32) (result i32)
///       (i32.add (local.get 0) (local.get 0))))"#)?;
/// let mut store = Store::new(&engine, ());
/// let instance = Instance::new(&mut store, &module, &[])?;
/// let twice = instance.get_typed_func::<i32, i32>(&mut store, "twice")?;
/// twice.call(&mut store, 2)?;
/// twice.call(&mut store, 3)?;
/// let report = store.profile_report().unwrap();
/// assert_eq!(report.functions()[0].name, "twice");
/// assert_eq!(report.functions()[0].calls, 2);
/// assert!(report.to_string().contains("I32Add"));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileReport {
    ops: Vec<OpProfile>,
    functions: Vec<FuncProfile>,
}

impl ProfileReport {
    /// Operations that ran at least once, most frequent first.
    pub fn ops(&self) -> &[OpProfile] {
        &self.ops
    }

    /// Functions that were called, most called first.
    pub fn functions(&self) -> &[FuncProfile] {
        &self.functions
    }

    /// Total number of operations executed.
    pub fn total_ops(&self) -> u64 {
        self.ops.iter().map(|op| op.count).sum()
    }
}

impl fmt::Display for ProfileReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.total_ops().max(1);
        writeln!(f, "{:>14}  {:>6}  operation", "count", "%")?;
        for op in &self.ops {
            let share = op.count as f64 * 100.0 / total as f64;
            writeln!(f, "{:>14}  {share:>6.2}  {}", op.count, op.name)?;
        }
        writeln!(f)?;
        writeln!(f, "{:>14}  {:>12}  function", "calls", "self time")?;
        for func in &self.functions {
            let time = format!("{:.3}ms", func.self_time.as_secs_f64() * 1e3);
            writeln!(f, "{:>14}  {time:>12}  {}", func.calls, func.name)?;
        }
        Ok(())
    }
}

impl<T> Store<T> {
    /// What the fast interpreter counted so far, if profiling is on
    /// ([`Config::profiling`](crate::Config::profiling)) and the engine is
    /// the fast interpreter.
    pub fn profile_report(&self) -> Option<ProfileReport> {
        let core = &self.inner.core;
        let profile = core.profile.as_deref()?;
        let mut ops: Vec<OpProfile> = profile
            .ops
            .iter()
            .zip(OpKind::NAMES)
            .filter(|(count, _)| **count > 0)
            .map(|(&count, &name)| OpProfile { name, count })
            .collect();
        ops.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(b.name)));
        let mut functions: Vec<FuncProfile> = profile
            .funcs
            .iter()
            .filter(|(_, stats)| stats.calls > 0 || !stats.time.is_zero())
            .map(|(&(instance, func), stats)| {
                let module = core.instances.get(instance as usize).map(|i| &i.module);
                let func_index = module.map_or(func, |m| m.inner.func_imports() + func);
                let name = module
                    .and_then(|m| m.description().func_name(func_index))
                    .map_or_else(|| format!("func[{func_index}]"), str::to_string);
                FuncProfile {
                    name,
                    func_index,
                    calls: stats.calls,
                    self_time: stats.time,
                }
            })
            .collect();
        functions.sort_by(|a, b| {
            b.calls
                .cmp(&a.calls)
                .then_with(|| a.name.cmp(&b.name))
                .then(a.func_index.cmp(&b.func_index))
        });
        Some(ProfileReport { ops, functions })
    }
}
