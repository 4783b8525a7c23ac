//! The AArch64 JIT on calls the spec suite exercises little: stack
//! arguments and results, tail calls that do and do not fit the caller's
//! argument area, host functions (results, errors, panics, re-entry),
//! deep recursion, and the wasm backtrace of a trap. Runs on aarch64 hosts
//! only (the cross lane runs it under qemu).

#![cfg(target_arch = "aarch64")]

use zwasm::jit::JitSession;
use zwasm::{
    Caller, Config, Engine, EngineKind, Error, Extern, Instance, Linker, Module, Store, TrapCode,
    Val,
};

fn engine() -> Engine {
    let mut config = Config::new();
    config.engine(EngineKind::Reference);
    Engine::new(&config).expect("engine")
}

/// `name(args)` on the JIT and on the reference interpreter, each in a
/// fresh store with `linker`'s definitions.
fn compare(wat: &str, name: &str, args: &[Val]) {
    let engine = engine();
    let module = Module::new(&engine, wat).expect("module");
    let run = |jit: bool| -> Result<Vec<Val>, String> {
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).map_err(|e| e.to_string())?;
        let func = instance.get_func(&mut store, name).expect("export");
        let ty = func.ty(&store);
        let mut results: Vec<Val> = ty
            .results
            .iter()
            .map(|ty| Val::default_for(*ty).expect("default"))
            .collect();
        let outcome = if jit {
            let mut session = JitSession::default();
            let outcome = session.call(&mut store, func, args, &mut results);
            assert_eq!(session.compile_error(), None);
            outcome
        } else {
            func.call(&mut store, args, &mut results)
        };
        outcome.map(|()| results).map_err(|e| e.to_string())
    };
    assert_eq!(run(true), run(false), "{name}({args:?})");
}

const MANY: &str = r#"(module
  (func $sum (param i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 i32)
        (result i64 f64 i64 f64 i64 f64 i64 f64 i64 f64 i32)
    (local.get 9) (local.get 19) (local.get 8) (local.get 18) (local.get 7) (local.get 17)
    (i64.add (local.get 0) (local.get 1)) (f64.add (local.get 10) (local.get 11))
    (local.get 2) (f64.mul (local.get 12) (local.get 13)) (local.get 20))
  (func (export "many") (param i64) (result i64 f64 i64 f64 i64 f64 i64 f64 i64 f64 i32)
    (call $sum (local.get 0) (i64.const 2) (i64.const 3) (i64.const 4) (i64.const 5)
               (i64.const 6) (i64.const 7) (i64.const 8) (i64.const 9) (i64.const 10)
               (f64.const 1.5) (f64.const 2.5) (f64.const 3.5) (f64.const 4.5) (f64.const 5.5)
               (f64.const 6.5) (f64.const 7.5) (f64.const 8.5) (f64.const 9.5) (f64.const 10.5)
               (i32.const -7)))
  (func $deep (param i64 i64 i64 i64 i64 i64 i64 i64 i64 i64) (result i64)
    (i64.add (local.get 0) (i64.add (local.get 8) (local.get 9))))
  ;; Tail call whose stack arguments do not fit our (empty) incoming area.
  (func (export "tail_grows") (param i64) (result i64)
    (return_call $deep (local.get 0) (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4)
                       (i64.const 5) (i64.const 6) (i64.const 7) (i64.const 8) (i64.const 9)))
  ;; Tail call that reuses the incoming area (same signature): a loop.
  (func $count (param i64 i64 i64 i64 i64 i64 i64 i64 i64 i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.add (local.get 8) (local.get 9)))
      (else (return_call $count (i64.sub (local.get 0) (i64.const 1)) (local.get 1) (local.get 2)
                                (local.get 3) (local.get 4) (local.get 5) (local.get 6) (local.get 7)
                                (i64.add (local.get 8) (i64.const 1)) (local.get 9)))))
  (func (export "tail_loop") (param i64) (result i64)
    (call $count (local.get 0) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0)
                 (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 100)))
  (table 2 funcref)
  (elem (i32.const 0) $deep $sum)
  (type $deep_t (func (param i64 i64 i64 i64 i64 i64 i64 i64 i64 i64) (result i64)))
  (func (export "indirect") (param i32) (result i64)
    (call_indirect (type $deep_t) (i64.const 1) (i64.const 1) (i64.const 1) (i64.const 1)
      (i64.const 1) (i64.const 1) (i64.const 1) (i64.const 1) (i64.const 20) (i64.const 30)
      (local.get 0)))
  (func $rec (export "rec") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $rec (i32.sub (local.get 0) (i32.const 1))))))))"#;

#[test]
fn stack_arguments_and_results() {
    compare(MANY, "many", &[Val::I64(1)]);
    compare(MANY, "indirect", &[Val::I32(0)]);
    compare(MANY, "indirect", &[Val::I32(1)]);
    compare(MANY, "indirect", &[Val::I32(2)]);
}

#[test]
fn tail_calls_with_stack_arguments() {
    compare(MANY, "tail_grows", &[Val::I64(5)]);
    // A million iterations: only a real tail call keeps the stack flat.
    compare(MANY, "tail_loop", &[Val::I64(1_000_000)]);
}

#[test]
fn deep_recursion_and_exhaustion() {
    compare(MANY, "rec", &[Val::I32(10_000)]);
    let engine = engine();
    let module = Module::new(&engine, MANY).expect("module");
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).expect("instance");
    let rec = instance.get_func(&mut store, "rec").expect("rec");
    let mut session = JitSession::default();
    let mut results = [Val::I32(0)];
    let error = session
        .call(&mut store, rec, &[Val::I32(100_000_000)], &mut results)
        .unwrap_err();
    assert_eq!(error.trap_code(), Some(TrapCode::StackOverflow));
    // The session stays usable after unwinding from deep inside.
    session
        .call(&mut store, rec, &[Val::I32(3)], &mut results)
        .expect("call after overflow");
    assert_eq!(results[0].i32(), Some(3));
}

#[test]
fn traps_have_wasm_backtraces() {
    let engine = engine();
    let module = Module::new(
        &engine,
        r#"(module
          (func $inner (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
          (func $middle (param i32) (result i32) (i32.add (i32.const 1) (call $inner (local.get 0))))
          (func (export "outer") (param i32) (result i32) (call $middle (local.get 0))))"#,
    )
    .expect("module");
    let run = |jit: bool| {
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).expect("instance");
        let outer = instance.get_func(&mut store, "outer").expect("outer");
        let mut results = [Val::I32(0)];
        let error = if jit {
            JitSession::default()
                .call(&mut store, outer, &[Val::I32(0)], &mut results)
                .unwrap_err()
        } else {
            outer
                .call(&mut store, &[Val::I32(0)], &mut results)
                .unwrap_err()
        };
        let trap = error.as_trap().expect("a trap").clone();
        trap.backtrace()
            .frames()
            .iter()
            .map(|frame| (frame.func_index(), frame.module_offset()))
            .collect::<Vec<_>>()
    };
    let jit = run(true);
    assert_eq!(jit, run(false));
    assert_eq!(jit.iter().map(|f| f.0).collect::<Vec<_>>(), [0, 1, 2]);
}

#[test]
fn host_functions_results_errors_panics_and_reentry() {
    let engine = engine();
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "env",
            "host",
            |mut caller: Caller<'_, u32>, mode: i32, x: f64| -> Result<f64, Error> {
                *caller.data_mut() += 1;
                match mode {
                    0 => Ok(x * 2.0),
                    1 => Err(Error::Type("host failure".into())),
                    2 => panic!("host panic"),
                    _ => {
                        let inner = caller
                            .get_export("inner")
                            .and_then(Extern::into_func)
                            .expect("inner");
                        let value = inner.typed::<i32, i32>(&caller)?.call(&mut caller, mode)?;
                        Ok(f64::from(value))
                    }
                }
            },
        )
        .expect("define");
    let module = Module::new(
        &engine,
        r#"(module
          (import "env" "host" (func $host (param i32 f64) (result f64)))
          (memory 1)
          (func (export "inner") (param i32) (result i32)
            (if (result i32) (i32.eq (local.get 0) (i32.const 4)) (then unreachable)
              (else (i32.store (i32.const 0) (i32.const 77)) (i32.const 9))))
          (func (export "outer") (param i32) (result f64)
            (f64.add (f64.const 0.5)
              (f64.add (call $host (local.get 0) (f64.const 20.25))
                       (f64.convert_i32_u (i32.load (i32.const 0)))))))"#,
    )
    .expect("module");
    let mut store = Store::new(&engine, 0u32);
    let instance = linker.instantiate(&mut store, &module).expect("instance");
    let outer = instance.get_func(&mut store, "outer").expect("outer");
    let mut session = JitSession::default();
    let mut call = |store: &mut Store<u32>, mode: i32| {
        let mut results = [Val::F64(0)];
        session
            .call(&mut *store, outer, &[Val::I32(mode)], &mut results)
            .map(|()| results[0].f64())
    };
    assert_eq!(call(&mut store, 0).ok(), Some(Some(41.0)));
    assert!(matches!(call(&mut store, 1), Err(Error::Type(_))));
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| call(&mut store, 2)));
    assert!(panicked.is_err());
    // Re-entry: the host runs `inner` (on the interpreter), which stores 77
    // into memory that the compiled caller then reads.
    assert_eq!(call(&mut store, 3).ok(), Some(Some(86.5)));
    let error = call(&mut store, 4).unwrap_err();
    assert_eq!(error.trap_code(), Some(TrapCode::Unreachable));
    assert_eq!(*store.data(), 5);
}

/// A function keeping `n` values of type `ty` live at once.
fn many_live_values(ty: &str, n: usize) -> String {
    let mut body = String::new();
    for i in 0..n {
        body.push_str(&format!(
            "(local.set {i} ({ty}.add (local.get {n}) ({ty}.const {i})))\n"
        ));
    }
    body.push_str(&format!("({ty}.const 0)\n"));
    for i in (0..n).rev() {
        body.push_str(&format!(
            "(local.get {i}) ({ty}.mul ({ty}.const 3)) {ty}.add\n"
        ));
    }
    format!(
        "(module (func (export \"f\") (param {ty}) (result {ty}) (local {locals}) \n\
         (local.set {n} (local.get 0)) {body}))",
        locals = vec![ty; n + 1].join(" "),
    )
}

/// Frames of several KiB (beyond `sub sp, sp, #imm12`); frames beyond
/// scaled load offsets are covered natively by the codegen crate's
/// `large_frames` test (register allocation of thousands of live values is
/// too slow for this lane).
#[test]
fn large_frames() {
    compare(&many_live_values("i64", 700), "f", &[Val::I64(7)]);
    compare(
        &many_live_values("f64", 700),
        "f",
        &[Val::F64(1.5f64.to_bits())],
    );
}
