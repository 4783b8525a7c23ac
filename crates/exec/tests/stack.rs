//! Call-stack behaviour: deep recursion, exhaustion, and constant-space tail calls.

use std::time::{Duration, Instant};

use zwasm::{Config, Engine, Instance, Module, Store, TrapCode};

const RECURSION: &str = r#"(module
  (func $count (export "count") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $count (i32.sub (local.get 0) (i32.const 1)))))))
  (func $runaway (export "runaway") (call $runaway))
  (func $even (export "even") (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0))
      (then (i32.const 1))
      (else (return_call $odd (i64.sub (local.get 0) (i64.const 1))))))
  (func $odd (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0))
      (then (i32.const 0))
      (else (return_call $even (i64.sub (local.get 0) (i64.const 1))))))
  (type $loop_type (func (param i64 i64) (result i64)))
  (table funcref (elem $loop))
  (func $loop (export "loop") (type $loop_type)
    ;; Sums 1..n through return_call_indirect: stops when the counter says so.
    (if (result i64) (i64.eqz (local.get 0))
      (then (local.get 1))
      (else (return_call_indirect (type $loop_type)
              (i64.sub (local.get 0) (i64.const 1))
              (i64.add (local.get 1) (local.get 0))
              (i32.const 0))))))"#;

fn instantiate(config: &Config) -> anyhow::Result<(Store<()>, Instance)> {
    let engine = Engine::new(config)?;
    let module = Module::new(&engine, RECURSION)?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;
    Ok((store, instance))
}

#[test]
fn deep_recursion_succeeds() -> anyhow::Result<()> {
    let (mut store, instance) = instantiate(&Config::new())?;
    let count = instance.get_typed_func::<i32, i32>(&mut store, "count")?;
    assert_eq!(count.call(&mut store, 1000)?, 1000);
    assert_eq!(count.call(&mut store, 90_000)?, 90_000);
    Ok(())
}

#[test]
fn infinite_recursion_exhausts_the_call_stack_quickly() -> anyhow::Result<()> {
    let (mut store, instance) = instantiate(&Config::new())?;
    let runaway = instance.get_typed_func::<(), ()>(&mut store, "runaway")?;
    let started = Instant::now();
    let error = runaway.call(&mut store, ()).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        error.as_trap().map(|trap| trap.code()),
        Some(TrapCode::StackOverflow)
    );
    assert!(
        error
            .to_string()
            .starts_with("wasm trap: call stack exhausted")
    );
    // The store recovers: a later call starts from an empty stack.
    let count = instance.get_typed_func::<i32, i32>(&mut store, "count")?;
    assert_eq!(count.call(&mut store, 10)?, 10);
    Ok(())
}

#[test]
fn configured_limits_apply() -> anyhow::Result<()> {
    let mut config = Config::new();
    config.max_call_depth(100);
    let (mut store, instance) = instantiate(&config)?;
    let count = instance.get_typed_func::<i32, i32>(&mut store, "count")?;
    assert_eq!(count.call(&mut store, 98)?, 98);
    assert_eq!(
        count.call(&mut store, 200).unwrap_err().trap_code(),
        Some(TrapCode::StackOverflow)
    );

    let mut config = Config::new();
    config.max_value_stack(5_000);
    let (mut store, instance) = instantiate(&config)?;
    let count = instance.get_typed_func::<i32, i32>(&mut store, "count")?;
    assert_eq!(
        count.call(&mut store, 10_000).unwrap_err().trap_code(),
        Some(TrapCode::StackOverflow)
    );
    Ok(())
}

#[test]
fn tail_calls_run_in_constant_frame_space() -> anyhow::Result<()> {
    // With room for only a handful of frames, a million tail calls still finish.
    let mut config = Config::new();
    config.max_call_depth(4).max_value_stack(64);
    let (mut store, instance) = instantiate(&config)?;
    let even = instance.get_typed_func::<i64, i32>(&mut store, "even")?;
    assert_eq!(even.call(&mut store, 1_000_001)?, 0);
    assert_eq!(even.call(&mut store, 1_000_000)?, 1);
    let sum = instance.get_typed_func::<(i64, i64), i64>(&mut store, "loop")?;
    assert_eq!(sum.call(&mut store, (1_000_000, 0))?, 500_000_500_000);
    Ok(())
}
