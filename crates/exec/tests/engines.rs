//! Engine selection: the names of the tiers, the default, what hosts
//! without a JIT backend do, and profiling on the fast tier.

use zwasm::{Config, Engine, EngineKind, Error, Instance, Module, Store, TrapCode};

const WAT: &str = r#"(module
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "deep") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call 1 (i32.sub (local.get 0) (i32.const 1))))))))"#;

fn engine(kind: EngineKind, profiling: bool) -> Result<Engine, Error> {
    let mut config = Config::new();
    config.engine(kind).profiling(profiling);
    Engine::new(&config)
}

#[test]
fn names_round_trip_and_unknown_names_are_listed() {
    for kind in EngineKind::ALL {
        assert_eq!(kind.to_string().parse::<EngineKind>(), Ok(kind));
    }
    let error = "fast".parse::<EngineKind>().unwrap_err();
    assert_eq!(
        error.to_string(),
        "unknown engine `fast` (known: reference, interp, jit, auto)"
    );
}

#[test]
fn auto_is_the_default_and_the_fast_interpreter_without_a_jit() {
    assert_eq!(Config::new().engine_kind(), EngineKind::Auto);
    let auto = engine(EngineKind::Auto, false).expect("auto");
    // Auto is the tiered engine where the JIT exists (aarch64), the fast
    // interpreter elsewhere.
    let expected = if cfg!(target_arch = "aarch64") {
        EngineKind::Auto
    } else {
        EngineKind::Interp
    };
    assert_eq!(auto.kind(), expected);
    assert_eq!(Engine::default().kind(), expected);
    assert_eq!(
        Engine::new(&Config::new()).expect("default").kind(),
        expected
    );
    assert_eq!(
        Engine::default().bounds_checks(),
        Engine::new(&Config::new())
            .expect("default")
            .bounds_checks()
    );
    // Profiling counts the fast interpreter's operations: a profiled
    // tiered engine runs everything there.
    let mut config = Config::new();
    config.profiling(true);
    assert_eq!(
        Engine::new(&config).expect("profiled").kind(),
        EngineKind::Interp
    );
}

#[test]
fn both_interpreters_run_and_agree() {
    for kind in [EngineKind::Reference, EngineKind::Interp] {
        let engine = engine(kind, false).expect("engine");
        let module = Module::new(&engine, WAT).expect("module");
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).expect("instance");
        let fib = instance
            .get_typed_func::<i32, i32>(&mut store, "fib")
            .expect("fib");
        assert_eq!(fib.call(&mut store, 20).ok(), Some(6765), "{kind}");
        let deep = instance
            .get_typed_func::<i32, i32>(&mut store, "deep")
            .expect("deep");
        assert_eq!(deep.call(&mut store, 1000).ok(), Some(1000), "{kind}");
        // Deep recursion is a trap, not a host stack overflow.
        let error = deep.call(&mut store, 10_000_000).unwrap_err();
        assert_eq!(error.trap_code(), Some(TrapCode::StackOverflow), "{kind}");
        assert_eq!(deep.call(&mut store, 3).ok(), Some(3), "{kind}");
        assert!(store.profile_report().is_none());
    }
}

#[test]
fn profiling_counts_ops_and_calls() {
    let engine = engine(EngineKind::Interp, true).expect("engine");
    let module = Module::new(&engine, WAT).expect("module");
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).expect("instance");
    let fib = instance
        .get_typed_func::<i32, i32>(&mut store, "fib")
        .expect("fib");
    assert_eq!(fib.call(&mut store, 10).ok(), Some(55));
    let report = store.profile_report().expect("profiling is on");
    let fib_row = &report.functions()[0];
    assert_eq!((fib_row.name.as_str(), fib_row.calls), ("fib", 177));
    assert!(report.ops().windows(2).all(|w| w[0].count >= w[1].count));
    let calls = report
        .ops()
        .iter()
        .find(|op| op.name == "CallInternal")
        .expect("calls counted");
    assert_eq!(calls.count, 176);
    let table = report.to_string();
    assert!(
        table.contains("CallInternal") && table.contains("fib"),
        "{table}"
    );
}

#[test]
fn jit_without_a_backend_is_an_error() {
    let jit = engine(EngineKind::Jit, false);
    if cfg!(target_arch = "aarch64") {
        assert_eq!(jit.expect("jit on aarch64").kind(), EngineKind::Jit);
    } else {
        let error = jit.expect_err("no jit on this host");
        assert_eq!(error.to_string(), "no JIT backend for this host");
    }
}
