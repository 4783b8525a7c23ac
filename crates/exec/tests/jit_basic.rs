//! The AArch64 JIT against the reference interpreter: small modules, each
//! export called with a few arguments on both, results (or trap codes)
//! compared. Runs on aarch64 hosts only (the cross lane runs it under qemu).

#![cfg(target_arch = "aarch64")]

use zwasm::jit::JitSession;
use zwasm::{Config, Engine, EngineKind, Instance, Module, Store, Val};

fn engine() -> Engine {
    let mut config = Config::new();
    config.engine(EngineKind::Reference);
    Engine::new(&config).expect("engine")
}

/// Calls `name` with `args` through the JIT and through the interpreter.
fn both(
    wat: &str,
    name: &str,
    args: &[Val],
) -> (Result<Vec<Val>, String>, Result<Vec<Val>, String>) {
    let engine = engine();
    let module = Module::new(&engine, wat).expect("module");
    let run = |jit: bool| {
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).map_err(|e| e.to_string())?;
        let func = instance
            .get_func(&mut store, name)
            .ok_or_else(|| format!("no export {name}"))?;
        let ty = func.ty(&store);
        let mut results: Vec<Val> = ty
            .results
            .iter()
            .map(|ty| Val::default_for(*ty).expect("default"))
            .collect();
        let outcome = if jit {
            let mut session = JitSession::default();
            let outcome = session.call(&mut store, func, args, &mut results);
            if let Some(error) = session.compile_error() {
                return Err(format!("compile error: {error}"));
            }
            outcome
        } else {
            func.call(&mut store, args, &mut results)
        };
        outcome.map(|()| results).map_err(|e| match e.trap_code() {
            Some(code) => format!("trap: {code}"),
            None => e.to_string(),
        })
    };
    (run(true), run(false))
}

fn check(wat: &str, name: &str, args: &[Val]) {
    let (jit, reference) = both(wat, name, args);
    assert_eq!(jit, reference, "{name}({args:?})");
}

#[test]
fn add_and_factorial() {
    let wat = r#"(module
        (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
        (func $fac (export "fac") (param i64) (result i64)
          (if (result i64) (i64.eqz (local.get 0))
            (then (i64.const 1))
            (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1))))))))"#;
    check(wat, "add", &[Val::I32(2), Val::I32(40)]);
    check(wat, "add", &[Val::I32(-1), Val::I32(i32::MIN)]);
    check(wat, "fac", &[Val::I64(20)]);
}

#[test]
fn traps_carry_their_code() {
    let wat = r#"(module
        (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
        (func (export "boom") unreachable))"#;
    check(wat, "div", &[Val::I32(7), Val::I32(2)]);
    check(wat, "div", &[Val::I32(7), Val::I32(0)]);
    check(wat, "div", &[Val::I32(i32::MIN), Val::I32(-1)]);
    check(wat, "boom", &[]);
}
