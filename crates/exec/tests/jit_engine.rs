//! `EngineKind::Jit` and `EngineKind::Auto` (tiered) through the public
//! API: the same results, traps (code and wasm backtrace) and final memory
//! as `EngineKind::Interp`, host functions in both directions, and tiering
//! that actually happens (`Store::jit_stats`). Runs on aarch64 hosts only
//! (the cross lane runs it under qemu).

#![cfg(target_arch = "aarch64")]

use zwasm::{
    Caller, Config, Engine, EngineKind, Error, Extern, Func, Linker, Module, Store, Val, ValType,
};

const WAT: &str = r#"(module
  (import "env" "host" (func $host (param i32) (result i32)))
  (memory (export "mem") 1)
  (global $g (mut i32) (i32.const 0))
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
  (func $leaf (param i32) (result i32)
    (i32.store (i32.mul (local.get 0) (i32.const 4)) (local.get 0))
    (global.set $g (i32.add (global.get $g) (local.get 0)))
    (i32.add (local.get 0) (i32.const 1)))
  ;; calls $leaf n times from a loop: the interpreter counts the calls
  (func (export "many") (param i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get 0)))
        (local.set $acc (i32.add (local.get $acc) (call $leaf (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.add (local.get $acc) (global.get $g)))
  (func $deep_trap (param i32) (result i32)
    (if (i32.eqz (local.get 0)) (then unreachable))
    (call $deep_trap (i32.sub (local.get 0) (i32.const 1))))
  (func (export "trap_at") (param i32) (result i32)
    (call $deep_trap (local.get 0)))
  (func (export "via_host") (param i32) (result i32)
    (i32.add (i32.const 100) (call $host (local.get 0))))
  (func (export "inner") (param i32) (result i32)
    (if (result i32) (i32.eq (local.get 0) (i32.const 3))
      (then unreachable)
      (else (i32.mul (local.get 0) (i32.const 10)))))
  (func (export "oob") (param i32) (result i32)
    (i32.load (local.get 0)))
  (func (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1))))"#;

fn engine(kind: EngineKind, threshold: u32) -> Engine {
    let mut config = Config::new();
    config.engine(kind).jit_threshold(threshold);
    Engine::new(&config).expect("engine")
}

/// What a call did, comparable across engines.
#[derive(Debug, PartialEq)]
enum Outcome {
    Values(Vec<Val>),
    Trap(String, Vec<(u32, Option<usize>)>),
    Error(String),
}

struct Run {
    store: Store<()>,
    instance: zwasm::Instance,
}

impl Run {
    fn new(kind: EngineKind, threshold: u32) -> Run {
        let engine = engine(kind, threshold);
        let module = Module::new(&engine, WAT).expect("module");
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        linker
            .func_wrap(
                "env",
                "host",
                |mut caller: Caller<'_, ()>, x: i32| -> Result<i32, Error> {
                    // Re-enters wasm: compiled code → host → compiled code.
                    let inner = caller
                        .get_export("inner")
                        .and_then(Extern::into_func)
                        .ok_or_else(|| Error::Type("no inner".into()))?;
                    inner.typed::<i32, i32>(&caller)?.call(&mut caller, x)
                },
            )
            .expect("define");
        let instance = linker.instantiate(&mut store, &module).expect("instance");
        Run { store, instance }
    }

    fn call(&mut self, name: &str, args: &[Val]) -> Outcome {
        let func: Func = self
            .instance
            .get_func(&mut self.store, name)
            .expect("export");
        let ty = func.ty(&self.store);
        let mut results: Vec<Val> = ty
            .results
            .iter()
            .map(|ty| Val::default_for(*ty).expect("default"))
            .collect();
        match func.call(&mut self.store, args, &mut results) {
            Ok(()) => Outcome::Values(results),
            Err(error) => match error.as_trap() {
                Some(trap) => Outcome::Trap(
                    trap.code().to_string(),
                    trap.backtrace()
                        .frames()
                        .iter()
                        .map(|frame| (frame.func_index(), frame.module_offset()))
                        .collect(),
                ),
                None => Outcome::Error(error.to_string()),
            },
        }
    }

    fn memory(&mut self) -> Vec<u8> {
        let memory = self
            .instance
            .get_memory(&mut self.store, "mem")
            .expect("memory");
        memory.data(&self.store).to_vec()
    }
}

/// The calls every engine makes, in order.
fn script() -> Vec<(&'static str, Vec<Val>)> {
    let mut calls = vec![
        ("fac", vec![Val::I64(20)]),
        ("fac", vec![Val::I64(0)]),
        ("many", vec![Val::I32(50)]),
        ("via_host", vec![Val::I32(4)]),
        ("via_host", vec![Val::I32(3)]),
        ("trap_at", vec![Val::I32(0)]),
        ("trap_at", vec![Val::I32(5)]),
        ("oob", vec![Val::I32(65_534)]),
        ("oob", vec![Val::I32(8)]),
        ("div", vec![Val::I32(7), Val::I32(0)]),
        ("div", vec![Val::I32(i32::MIN), Val::I32(-1)]),
        ("div", vec![Val::I32(-7), Val::I32(2)]),
    ];
    // Repeat so that the tiered engine crosses its thresholds mid-script.
    let again = calls.clone();
    calls.extend(again.clone());
    calls.extend(again);
    calls
}

fn outcomes(kind: EngineKind, threshold: u32) -> (Vec<Outcome>, Vec<u8>, Run) {
    let mut run = Run::new(kind, threshold);
    let outcomes = script()
        .iter()
        .map(|(name, args)| run.call(name, args))
        .collect();
    let memory = run.memory();
    (outcomes, memory, run)
}

#[test]
fn jit_agrees_with_the_interpreter() {
    let (expected, expected_memory, _) = outcomes(EngineKind::Interp, 1000);
    let (actual, memory, run) = outcomes(EngineKind::Jit, 1000);
    for (at, (a, e)) in actual.iter().zip(&expected).enumerate() {
        assert_eq!(a, e, "call {at}: {:?}", script()[at]);
    }
    assert!(memory == expected_memory, "final memory differs");
    let stats = run.store.jit_stats();
    assert_eq!(stats.compiled_modules, 1, "{stats:?}");
    assert!(stats.jit_calls as usize >= script().len(), "{stats:?}");
}

#[test]
fn tiered_engine_agrees_and_tiers_up() {
    let (expected, expected_memory, _) = outcomes(EngineKind::Interp, 1000);
    for threshold in [0, 1, 2, 3, 10, 40, 100_000] {
        let (actual, memory, run) = outcomes(EngineKind::Auto, threshold);
        for (at, (a, e)) in actual.iter().zip(&expected).enumerate() {
            assert_eq!(a, e, "threshold {threshold}, call {at}: {:?}", script()[at]);
        }
        assert!(
            memory == expected_memory,
            "threshold {threshold}: final memory differs"
        );
        let stats = run.store.jit_stats();
        if threshold <= 40 {
            // `many(50)` alone calls $leaf 50 times from the interpreter.
            assert_eq!(
                stats.compiled_modules, 1,
                "threshold {threshold}: {stats:?}"
            );
            assert!(stats.jit_calls > 0, "threshold {threshold}: {stats:?}");
        } else {
            assert_eq!(
                stats.compiled_modules, 0,
                "threshold {threshold}: {stats:?}"
            );
        }
    }
}

#[test]
fn hot_callee_runs_as_machine_code_from_the_interpreter() {
    // Only $leaf gets hot (called from the interpreted loop of `many`);
    // `many` itself is called once.
    let mut run = Run::new(EngineKind::Auto, 5);
    let before = run.store.jit_stats();
    assert_eq!(before.compiled_modules, 0);
    let outcome = run.call("many", &[Val::I32(20)]);
    let mut reference = Run::new(EngineKind::Interp, 5);
    assert_eq!(outcome, reference.call("many", &[Val::I32(20)]));
    let stats = run.store.jit_stats();
    assert_eq!(stats.compiled_modules, 1, "{stats:?}");
    // 20 calls, the first 5 interpreted.
    assert_eq!(stats.jit_calls, 15, "{stats:?}");
    assert!(run.memory() == reference.memory());
}

#[test]
fn jit_host_functions_see_their_caller_and_types_are_checked() {
    let engine = engine(EngineKind::Jit, 1000);
    let module = Module::new(
        &engine,
        r#"(module
          (import "env" "f" (func $f (param i64 f64) (result f64)))
          (func (export "g") (param i64) (result f64)
            (f64.add (call $f (local.get 0) (f64.const 0.5)) (f64.const 1))))"#,
    )
    .expect("module");
    let mut store = Store::new(&engine, ());
    let ty = zwasm::FuncType::new([ValType::I64, ValType::F64], [ValType::F64]);
    let f = Func::new(&mut store, ty, |_, params, results| {
        let (Some(Val::I64(a)), Some(Val::F64(b))) = (params.first(), params.get(1)) else {
            return Err(Error::Type("bad params".into()));
        };
        results[0] = Val::F64((*a as f64 + f64::from_bits(*b)).to_bits());
        Ok(())
    });
    let instance = zwasm::Instance::new(&mut store, &module, &[Extern::Func(f)]).expect("instance");
    let g = instance
        .get_typed_func::<i64, f64>(&mut store, "g")
        .expect("g");
    assert_eq!(g.call(&mut store, 2).ok(), Some(3.5));
    assert_eq!(store.jit_stats().compiled_modules, 1);
}

/// A function beyond the lowering's ±1 MiB branch range does not compile;
/// it runs on the interpreter while the rest of its module is machine code
/// (and calls it directly, through its fallback stub).
#[test]
fn a_function_too_large_to_compile_falls_back_to_the_interpreter() {
    let mut body = String::new();
    for k in 0..50_000u32 {
        // ~6 instructions each with the explicit bounds check.
        body.push_str(&format!(
            "(i32.store offset={} (local.get 0) (i32.add (local.get 1) (i32.const {k})))\n",
            (k % 1000) * 4
        ));
    }
    let wat = format!(
        r#"(module
          (memory (export "mem") 1)
          (func $big (param i32 i32) (result i32)
            {body}
            (i32.load offset=400 (local.get 0)))
          (func (export "small") (param i32) (result i32)
            (i32.add (i32.const 1) (call $big (i32.const 8) (local.get 0))))
          (func (export "big") (param i32 i32) (result i32)
            (call $big (local.get 0) (local.get 1))))"#
    );
    let run = |kind: EngineKind| {
        let engine = engine(kind, 1000);
        let module = Module::new(&engine, &wat).expect("module");
        let mut store = Store::new(&engine, ());
        let instance = zwasm::Instance::new(&mut store, &module, &[]).expect("instance");
        let small = instance
            .get_typed_func::<i32, i32>(&mut store, "small")
            .expect("small");
        let big = instance
            .get_typed_func::<(i32, i32), i32>(&mut store, "big")
            .expect("big");
        let a = small.call(&mut store, 5).expect("small");
        let b = big.call(&mut store, (100, 7)).expect("big");
        let trap = big.call(&mut store, (65_530, 7)).unwrap_err().trap_code();
        let memory = instance
            .get_memory(&mut store, "mem")
            .expect("mem")
            .data(&store)
            .to_vec();
        ((a, b, trap, memory), store.jit_stats())
    };
    let (expected, _) = run(EngineKind::Interp);
    let (actual, stats) = run(EngineKind::Jit);
    assert!(actual == expected, "results differ from the interpreter");
    assert_eq!(stats.compiled_modules, 1, "{stats:?}");
    assert_eq!(stats.fallback_functions, 1, "{stats:?}");
    assert_eq!(stats.compiled_functions, 2, "{stats:?}");
}

// --- On-stack entry: hot loops in a running call enter machine code ---

const LOOPS_WAT: &str = r#"(module
  (memory (export "mem") 1)
  (func $helper (param i32) (result i32) (i32.add (local.get 0) (i32.const 3)))
  ;; One long call: nested loops, a value from before the loops and one
  ;; from the outer loop used in the inner one, a call, memory stores.
  (func (export "sum") (param $n i32) (result i64)
    (local $i i32) (local $j i32) (local $acc i64) (local $k i64) (local $row i64)
    (local.set $k (i64.extend_i32_u (i32.mul (local.get $n) (i32.const 3))))
    (loop $outer
      (local.set $row (i64.mul (i64.extend_i32_u (local.get $i)) (i64.const 7)))
      (local.set $j (i32.const 0))
      (loop $inner
        (local.set $acc (i64.add (local.get $acc)
          (i64.add (i64.add (local.get $k) (local.get $row))
            (i64.extend_i32_u (call $helper (local.get $j))))))
        (i32.store (i32.shl (i32.and (local.get $j) (i32.const 255)) (i32.const 2))
          (local.get $i))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $inner (i32.lt_u (local.get $j) (i32.const 30))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $acc))
  ;; Stores at i * 1024 until the store is out of bounds (i = 64).
  (func $trapper (param $limit i32) (result i32)
    (local $i i32)
    (loop $l
      (i32.store (i32.mul (local.get $i) (i32.const 1024)) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $limit))))
    (local.get $i))
  (func (export "trap_in_loop") (param i32) (result i32)
    (i32.add (i32.const 1) (call $trapper (local.get 0))))
  ;; Two results, a float carried around the loop, an early exit.
  (func (export "multi") (param $n i32) (param $x f64) (result i32 f64)
    (local $k i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_s (local.get $k) (local.get $n)))
        (local.set $x (f64.add (local.get $x) (f64.const 0.5)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $l)))
    (local.get $k) (local.get $x)))"#;

fn loop_run(kind: EngineKind, calls: u32, loops: u32) -> (Store<()>, zwasm::Instance) {
    let mut config = Config::new();
    config
        .engine(kind)
        .jit_threshold(calls)
        .jit_loop_threshold(loops);
    let engine = Engine::new(&config).expect("engine");
    let module = Module::new(&engine, LOOPS_WAT).expect("module");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .expect("instance");
    (store, instance)
}

fn loop_script() -> Vec<(&'static str, Vec<Val>)> {
    vec![
        ("sum", vec![Val::I32(40)]),
        ("multi", vec![Val::I32(500), Val::F64(1.25f64.to_bits())]),
        ("trap_in_loop", vec![Val::I32(10)]),
        ("trap_in_loop", vec![Val::I32(1000)]),
        ("sum", vec![Val::I32(3)]),
        ("multi", vec![Val::I32(0), Val::F64((-2.0f64).to_bits())]),
        ("trap_in_loop", vec![Val::I32(100)]),
    ]
}

fn loop_outcomes(kind: EngineKind, calls: u32, loops: u32) -> (Vec<Outcome>, Vec<u8>, Store<()>) {
    let (store, instance) = loop_run(kind, calls, loops);
    let mut run = Run { store, instance };
    let outcomes = loop_script()
        .iter()
        .map(|(name, args)| run.call(name, args))
        .collect();
    let memory = run.memory();
    (outcomes, memory, run.store)
}

#[test]
fn hot_loops_enter_machine_code_and_agree_with_the_interpreter() {
    let (expected, expected_memory, _) = loop_outcomes(EngineKind::Interp, 1000, 1000);
    // The traps carry the store's frame and the interpreted caller's.
    assert!(
        matches!(&expected[3], Outcome::Trap(_, frames) if frames.len() == 2),
        "{:?}",
        expected[3]
    );
    for (calls, loops) in [
        (1_000_000, 0),
        (1_000_000, 1),
        (1_000_000, 2),
        (1_000_000, 7),
        (1_000_000, 50),
        (2, 2),
        (0, 3),
        (1_000_000, 1_000_000),
    ] {
        let (actual, memory, store) = loop_outcomes(EngineKind::Auto, calls, loops);
        for (at, (a, e)) in actual.iter().zip(&expected).enumerate() {
            assert_eq!(
                a,
                e,
                "thresholds {calls}/{loops}, call {at}: {:?}",
                loop_script()[at]
            );
        }
        assert!(
            memory == expected_memory,
            "thresholds {calls}/{loops}: final memory differs"
        );
        let stats = store.jit_stats();
        if loops <= 50 && calls > 0 {
            assert!(
                stats.osr_entries > 0,
                "thresholds {calls}/{loops}: {stats:?}"
            );
            assert_eq!(stats.compiled_modules, 1, "{stats:?}");
        }
        if loops == 1_000_000 {
            assert_eq!(stats.osr_entries, 0, "{stats:?}");
            assert_eq!(stats.compiled_modules, 0, "{stats:?}");
        }
    }
}

#[test]
fn a_single_long_call_enters_machine_code_at_its_loop() {
    let (mut store, instance) = loop_run(EngineKind::Auto, 1_000_000, 100);
    let sum = instance
        .get_typed_func::<i32, i64>(&mut store, "sum")
        .expect("sum");
    let (mut reference, reference_instance) = loop_run(EngineKind::Interp, 1_000_000, 100);
    let expected = reference_instance
        .get_typed_func::<i32, i64>(&mut reference, "sum")
        .expect("sum")
        .call(&mut reference, 200)
        .expect("runs");
    assert_eq!(store.jit_stats().osr_entries, 0);
    assert_eq!(sum.call(&mut store, 200).expect("runs"), expected);
    let stats = store.jit_stats();
    // One call, entered machine code once; the module is compiled for the
    // next calls, which run as machine code from the start.
    assert_eq!(stats.osr_entries, 1, "{stats:?}");
    assert_eq!(stats.compiled_modules, 1, "{stats:?}");
    let calls_before = stats.jit_calls;
    assert_eq!(sum.call(&mut store, 200).expect("runs"), expected);
    let stats = store.jit_stats();
    assert_eq!(stats.osr_entries, 1, "{stats:?}");
    assert!(stats.jit_calls > calls_before, "{stats:?}");
}
