//! Call-stack behaviour: deep recursion, exhaustion, and constant-space tail
//! calls — on every engine this host runs, including (on aarch64) the JIT
//! alone and the tiered engine with thresholds low enough that recursion
//! and tail-call chains cross between interpreted and compiled frames.

use std::time::{Duration, Instant};

use zwasm::{Config, Engine, EngineKind, Instance, Module, Store, TrapCode};

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

/// Every engine setting to test, named: the default, then the others this
/// host can run.
fn settings(base: &Config) -> Vec<(String, Config)> {
    let mut settings = vec![("default".to_string(), base.clone())];
    for kind in EngineKind::ALL {
        let mut config = base.clone();
        config.engine(kind);
        if Engine::new(&config).is_ok() {
            settings.push((kind.to_string(), config));
        }
    }
    if cfg!(target_arch = "aarch64") {
        let mut config = base.clone();
        config
            .engine(EngineKind::Auto)
            .jit_threshold(3)
            .jit_loop_threshold(3);
        settings.push(("auto 3/3".to_string(), config));
    }
    settings
}

fn instantiate(config: &Config) -> anyhow::Result<(Store<()>, Instance)> {
    let engine = Engine::new(config)?;
    let module = Module::new(&engine, RECURSION)?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;
    Ok((store, instance))
}

#[test]
fn deep_recursion_succeeds() -> anyhow::Result<()> {
    for (name, config) in settings(&Config::new()) {
        let (mut store, instance) = instantiate(&config)?;
        let count = instance.get_typed_func::<i32, i32>(&mut store, "count")?;
        assert_eq!(count.call(&mut store, 1000)?, 1000, "{name}");
        assert_eq!(count.call(&mut store, 90_000)?, 90_000, "{name}");
    }
    Ok(())
}

#[test]
fn deep_recursion_succeeds_on_a_small_thread() -> anyhow::Result<()> {
    // Compiled code runs on a stack of its own: the caller's thread size
    // does not bound the depth. (The interpreters keep their frames on the
    // heap anyway; the default engine is the tiered one on aarch64.)
    let run = || -> anyhow::Result<()> {
        let settings = settings(&Config::new());
        let native = settings
            .into_iter()
            .filter(|(name, _)| name != "reference" && name != "interp");
        for (name, config) in native {
            let (mut store, instance) = instantiate(&config)?;
            let count = instance.get_typed_func::<i32, i32>(&mut store, "count")?;
            assert_eq!(count.call(&mut store, 90_000)?, 90_000, "{name}");
        }
        Ok(())
    };
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(run)?
        .join()
        .map_err(|_| anyhow::anyhow!("the thread panicked"))?
}

#[test]
fn infinite_recursion_exhausts_the_call_stack_quickly() -> anyhow::Result<()> {
    for (name, config) in settings(&Config::new()) {
        let (mut store, instance) = instantiate(&config)?;
        let runaway = instance.get_typed_func::<(), ()>(&mut store, "runaway")?;
        let started = Instant::now();
        let error = runaway.call(&mut store, ()).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5), "{name}");
        assert_eq!(
            error.as_trap().map(|trap| trap.code()),
            Some(TrapCode::StackOverflow),
            "{name}"
        );
        assert!(
            error
                .to_string()
                .starts_with("wasm trap: call stack exhausted"),
            "{name}: {error}"
        );
        // The store recovers: a later call starts from an empty stack.
        let count = instance.get_typed_func::<i32, i32>(&mut store, "count")?;
        assert_eq!(count.call(&mut store, 10)?, 10, "{name}");
        assert_eq!(count.call(&mut store, 50_000)?, 50_000, "{name}");
    }
    Ok(())
}

#[test]
fn configured_limits_apply() -> anyhow::Result<()> {
    // Compiled frames are held to the limits through a stack budget (64
    // bytes per allowed frame, 8 per allowed value slot), so their depth is
    // exact only to within about 2×: the depths here leave that room.
    let mut config = Config::new();
    config.max_call_depth(100);
    for (name, config) in settings(&config) {
        let (mut store, instance) = instantiate(&config)?;
        let count = instance.get_typed_func::<i32, i32>(&mut store, "count")?;
        assert_eq!(count.call(&mut store, 50)?, 50, "{name}");
        assert_eq!(count.call(&mut store, 98)?, 98, "{name}");
        assert_eq!(
            count.call(&mut store, 400).unwrap_err().trap_code(),
            Some(TrapCode::StackOverflow),
            "{name}"
        );
    }

    let mut config = Config::new();
    config.max_value_stack(5_000);
    for (name, config) in settings(&config) {
        let (mut store, instance) = instantiate(&config)?;
        let count = instance.get_typed_func::<i32, i32>(&mut store, "count")?;
        assert_eq!(count.call(&mut store, 100)?, 100, "{name}");
        assert_eq!(
            count.call(&mut store, 10_000).unwrap_err().trap_code(),
            Some(TrapCode::StackOverflow),
            "{name}"
        );
    }
    Ok(())
}

#[test]
fn tail_calls_run_in_constant_frame_space() -> anyhow::Result<()> {
    // With room for only a handful of frames, a million tail calls still finish.
    let mut config = Config::new();
    config.max_call_depth(4).max_value_stack(64);
    for (name, config) in settings(&config) {
        let (mut store, instance) = instantiate(&config)?;
        let even = instance.get_typed_func::<i64, i32>(&mut store, "even")?;
        assert_eq!(even.call(&mut store, 1_000_001)?, 0, "{name}");
        assert_eq!(even.call(&mut store, 1_000_000)?, 1, "{name}");
        let sum = instance.get_typed_func::<(i64, i64), i64>(&mut store, "loop")?;
        assert_eq!(
            sum.call(&mut store, (1_000_000, 0))?,
            500_000_500_000,
            "{name}"
        );
    }
    Ok(())
}
