//! Differential runs: one module on two engines, compared call by call —
//! the same results (NaN payloads aside), the same traps, and the same
//! final contents of every exported memory, global and table.

use zwasm::{
    Config, Engine, EngineKind, Error, Extern, ExternType, Func, Global, Instance, Memory, Module,
    Store, Table, Val, ValType,
};

/// What one call did, in engine-independent terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Values(Vec<Value>),
    Trap(String),
    Error(String),
}

/// A value compared across stores: floats by bits except that any NaN
/// equals any NaN, references by nullness only (handles differ by store).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    I32(i32),
    I64(i64),
    F32(Option<u32>),
    F64(Option<u64>),
    Ref(bool),
}

pub fn value(val: Val) -> Value {
    match val {
        Val::I32(v) => Value::I32(v),
        Val::I64(v) => Value::I64(v),
        Val::F32(bits) => Value::F32((!f32::from_bits(bits).is_nan()).then_some(bits)),
        Val::F64(bits) => Value::F64((!f64::from_bits(bits).is_nan()).then_some(bits)),
        Val::FuncRef(func) => Value::Ref(func.is_some()),
        Val::ExternRef(extern_ref) => Value::Ref(extern_ref.is_some()),
    }
}

pub fn outcome(result: Result<Vec<Val>, Error>) -> Outcome {
    match result {
        Ok(values) => Outcome::Values(values.into_iter().map(value).collect()),
        Err(error) => match error.trap_code() {
            Some(code) => Outcome::Trap(code.to_string()),
            None => Outcome::Error(error.to_string()),
        },
    }
}

/// Deterministic arguments: interesting values first, then pseudo-random.
/// `small` keeps integers in `1..64`: the corpus takes loop counts and
/// recursion depths (a count of 0 may mean 2^32), and has no fuel.
struct Args(u64, bool);

impl Args {
    fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn val(&mut self, ty: ValType, round: usize) -> Option<Val> {
        const INTS: [i64; 6] = [0, 1, -1, 7, 65536, i64::MIN];
        const SMALL: [i64; 4] = [1, 2, 7, 20];
        let raw = match (self.1, INTS.get(round), SMALL.get(round)) {
            (false, Some(&v), _) | (true, _, Some(&v)) => v as u64,
            (false, None, _) => self.next_u64() >> (self.next_u64() % 64),
            (true, _, None) => 1 + self.next_u64() % 63,
        };
        Some(match ty {
            ValType::I32 => Val::I32(raw as i32),
            ValType::I64 => Val::I64(raw as i64),
            ValType::F32 => Val::F32((raw as f32).to_bits() ^ (raw as u32 & 0x8000_0000)),
            ValType::F64 => Val::F64((raw as i64 as f64).to_bits()),
            ValType::FuncRef => Val::FuncRef(None),
            ValType::ExternRef => Val::ExternRef(None),
            ValType::V128 => return None,
        })
    }
}

/// One engine's view of a module run: every call's outcome, then the final
/// state of the exports.
#[derive(Debug, PartialEq, Eq)]
pub struct Run {
    pub instantiation: Outcome,
    pub calls: Vec<(String, Vec<Value>, Outcome)>,
    pub memories: Vec<(String, Vec<u8>)>,
    pub globals: Vec<(String, Value)>,
    pub tables: Vec<(String, Vec<bool>)>,
}

/// Stand-ins for the module's imports: host functions that return zeros
/// (so calls into the host are exercised), and fresh globals, memories and
/// tables.
pub fn imports(store: &mut Store<()>, module: &Module) -> Result<Vec<Extern>, Error> {
    module
        .imports()
        .map(|import| {
            Ok(match import.ty() {
                ExternType::Func(ty) => {
                    let results = ty.results.clone();
                    Extern::Func(Func::new(&mut *store, ty, move |_, _, out| {
                        for (slot, ty) in out.iter_mut().zip(results.iter()) {
                            *slot = Val::default_for(*ty).unwrap_or(Val::I32(0));
                        }
                        Ok(())
                    }))
                }
                ExternType::Global(ty) => {
                    let init = Val::default_for(ty.content).unwrap_or(Val::I32(0));
                    Extern::Global(Global::new(&mut *store, ty, init)?)
                }
                ExternType::Memory(ty) => Extern::Memory(Memory::new(&mut *store, ty)?),
                ExternType::Table(ty) => {
                    let init = Val::default_for(ty.element.val_type()).unwrap_or(Val::I32(0));
                    Extern::Table(Table::new(&mut *store, ty, init)?)
                }
            })
        })
        .collect()
}

/// Runs `bytes` on engine `kind`: instantiates it with stand-in imports,
/// calls every exported function `rounds` times with deterministic
/// arguments, and records the final state of the exports.
pub fn run(kind: EngineKind, bytes: &[u8], rounds: usize, small: bool) -> Run {
    let mut config = Config::new();
    config
        .engine(kind)
        .max_call_depth(2_000)
        .max_value_stack(1 << 20)
        .max_memory64_pages(1 << 8)
        .max_table_elements(1 << 16);
    let engine = match Engine::new(&config) {
        Ok(engine) => engine,
        Err(error) => {
            return Run {
                instantiation: Outcome::Error(format!("engine: {error}")),
                calls: Vec::new(),
                memories: Vec::new(),
                globals: Vec::new(),
                tables: Vec::new(),
            };
        }
    };
    let mut empty = Run {
        instantiation: Outcome::Values(Vec::new()),
        calls: Vec::new(),
        memories: Vec::new(),
        globals: Vec::new(),
        tables: Vec::new(),
    };
    let module = match Module::new(&engine, bytes) {
        Ok(module) => module,
        Err(error) => {
            empty.instantiation = Outcome::Error(error.to_string());
            return empty;
        }
    };
    let mut store = Store::new(&engine, ());
    let imports = match imports(&mut store, &module) {
        Ok(imports) => imports,
        Err(error) => {
            empty.instantiation = Outcome::Error(error.to_string());
            return empty;
        }
    };
    let instance = match Instance::new(&mut store, &module, &imports) {
        Ok(instance) => instance,
        Err(error) => {
            empty.instantiation = outcome(Err(error));
            return empty;
        }
    };
    let exports = instance.exports(&store);
    let mut args = Args(0x2545_f491_4f6c_dd1d, small);
    for (name, export) in &exports {
        let Extern::Func(func) = export else { continue };
        let ty = func.ty(&store);
        for round in 0..rounds {
            let Some(params) = ty
                .params
                .iter()
                .map(|&ty| args.val(ty, round))
                .collect::<Option<Vec<Val>>>()
            else {
                break;
            };
            let Some(mut results) = ty
                .results
                .iter()
                .map(|&ty| Val::default_for(ty))
                .collect::<Option<Vec<Val>>>()
            else {
                break;
            };
            let result = func
                .call(&mut store, &params, &mut results)
                .map(|()| results);
            empty.calls.push((
                name.clone(),
                params.into_iter().map(value).collect(),
                outcome(result),
            ));
        }
    }
    for (name, export) in exports {
        match export {
            Extern::Memory(memory) => empty.memories.push((name, memory.data(&store).to_vec())),
            Extern::Global(global) => empty.globals.push((name, value(global.get(&store)))),
            Extern::Table(table) => {
                let entries = (0..table.size(&store))
                    .map(|at| {
                        table
                            .get(&store, at)
                            .is_some_and(|entry| value(entry) == Value::Ref(true))
                    })
                    .collect();
                empty.tables.push((name, entries));
            }
            Extern::Func(_) => {}
        }
    }
    empty
}

/// How many calls of a module returned values and how many trapped (the
/// same on both engines).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub returned: usize,
    pub trapped: usize,
}

/// Runs one module on engines `a` and `b` and compares everything they did.
/// On a difference, returns a report naming each differing call, global,
/// memory and table (and writes the module to the temp directory).
pub fn compare(
    name: &str,
    bytes: &[u8],
    rounds: usize,
    small: bool,
    (a, b): (EngineKind, EngineKind),
) -> Result<Tally, String> {
    let reference = run(a, bytes, rounds, small);
    let fast = run(b, bytes, rounds, small);
    if reference == fast {
        let returned = reference
            .calls
            .iter()
            .filter(|call| matches!(call.2, Outcome::Values(_)))
            .count();
        return Ok(Tally {
            returned,
            trapped: reference.calls.len() - returned,
        });
    }
    let mut report = format!("{name}: {a} and {b} disagree\n");
    if reference.instantiation != fast.instantiation {
        report += &format!(
            "  instantiation: {a} {:?}, {b} {:?}\n",
            reference.instantiation, fast.instantiation
        );
    }
    for (r, f) in reference.calls.iter().zip(&fast.calls) {
        if r != f {
            report += &format!("  call {} {:?}: {a} {:?}, {b} {:?}\n", r.0, r.1, r.2, f.2);
        }
    }
    for (r, f) in reference.globals.iter().zip(&fast.globals) {
        if r != f {
            report += &format!("  global {}: {a} {:?}, {b} {:?}\n", r.0, r.1, f.1);
        }
    }
    for (r, f) in reference.memories.iter().zip(&fast.memories) {
        if r != f {
            let at = r.1.iter().zip(&f.1).position(|(a, b)| a != b);
            report += &format!(
                "  memory {}: sizes {} and {}, first difference at {at:?}\n",
                r.0,
                r.1.len(),
                f.1.len()
            );
        }
    }
    if reference.tables != fast.tables {
        report += "  tables differ\n";
    }
    let path = std::env::temp_dir().join(format!(
        "zwasm-differential-{a}-{b}-{}.wasm",
        name.replace('/', "_")
    ));
    if std::fs::write(&path, bytes).is_ok() {
        report += &format!("  module written to {}\n", path.display());
    }
    Err(report)
}
