//! Plain execution: arithmetic, control flow, multi-value, traps and backtraces.

use zwasm::{Engine, Instance, Module, Store, TrapCode, Val};

fn instantiate(wat: &str) -> anyhow::Result<(Store<()>, Instance)> {
    let engine = Engine::default();
    let module = Module::new(&engine, wat)?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;
    Ok((store, instance))
}

#[test]
fn factorial_recursive_and_iterative() -> anyhow::Result<()> {
    let (mut store, instance) = instantiate(
        r#"(module
          (func $rec (export "rec") (param i64) (result i64)
            (if (result i64) (i64.eqz (local.get 0))
              (then (i64.const 1))
              (else (i64.mul (local.get 0) (call $rec (i64.sub (local.get 0) (i64.const 1)))))))
          (func (export "iter") (param i64) (result i64) (local i64)
            (local.set 1 (i64.const 1))
            (block (loop
              (br_if 1 (i64.eqz (local.get 0)))
              (local.set 1 (i64.mul (local.get 0) (local.get 1)))
              (local.set 0 (i64.sub (local.get 0) (i64.const 1)))
              (br 0)))
            (local.get 1)))"#,
    )?;
    let rec = instance.get_typed_func::<i64, i64>(&mut store, "rec")?;
    let iter = instance.get_typed_func::<i64, i64>(&mut store, "iter")?;
    assert_eq!(rec.call(&mut store, 25)?, 7_034_535_277_573_963_776);
    assert_eq!(iter.call(&mut store, 25)?, 7_034_535_277_573_963_776);
    Ok(())
}

#[test]
fn multi_value_blocks_and_functions() -> anyhow::Result<()> {
    let (mut store, instance) = instantiate(
        r#"(module
          (func $swap (param i32 f64) (result f64 i32) (local.get 1) (local.get 0))
          (func (export "run") (param i32 f64) (result f64 i32 i64)
            (local.get 0) (local.get 1)
            (block (param i32 f64) (result f64 i32)
              (call $swap))
            (i64.const 7)))"#,
    )?;
    let run = instance.get_typed_func::<(i32, f64), (f64, i32, i64)>(&mut store, "run")?;
    assert_eq!(run.call(&mut store, (3, 2.5))?, (2.5, 3, 7));
    Ok(())
}

#[test]
fn dynamic_call_checks_arguments() -> anyhow::Result<()> {
    let (mut store, instance) = instantiate(
        r#"(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))"#,
    )?;
    let add = instance.get_func(&store, "add").expect("export");
    let mut results = [Val::I32(0)];
    add.call(&mut store, &[Val::I32(2), Val::I32(40)], &mut results)?;
    assert_eq!(results[0], Val::I32(42));
    assert!(matches!(
        add.call(&mut store, &[Val::I32(2)], &mut results),
        Err(zwasm::Error::Type(_))
    ));
    assert!(matches!(
        add.call(&mut store, &[Val::I32(2), Val::I64(1)], &mut results),
        Err(zwasm::Error::Type(_))
    ));
    assert!(matches!(
        add.typed::<i32, i32>(&store),
        Err(zwasm::Error::Type(_))
    ));
    Ok(())
}

#[test]
fn trap_reports_code_and_backtrace() -> anyhow::Result<()> {
    let (mut store, instance) = instantiate(
        r#"(module $demo
          (func $inner (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
          (func $middle (param i32) (result i32) (call $inner (local.get 0)))
          (func (export "outer") (param i32) (result i32) (call $middle (local.get 0))))"#,
    )?;
    let outer = instance.get_typed_func::<i32, i32>(&mut store, "outer")?;
    assert_eq!(outer.call(&mut store, 1)?, 1);
    let error = outer.call(&mut store, 0).unwrap_err();
    let trap = error.as_trap().expect("a trap");
    assert_eq!(trap.code(), TrapCode::IntegerDivisionByZero);
    let frames = trap.backtrace().frames();
    assert_eq!(frames.len(), 3);
    assert_eq!(frames[0].func_name(), Some("inner"));
    assert_eq!(frames[1].func_name(), Some("middle"));
    assert_eq!(frames[2].func_index(), 2);
    assert_eq!(frames[2].func_name(), None);
    assert!(
        frames
            .iter()
            .all(|frame| frame.module_name() == Some("demo"))
    );
    assert!(frames.iter().all(|frame| frame.module_offset().is_some()));
    let text = error.to_string();
    assert!(
        text.starts_with("wasm trap: integer divide by zero\nwasm backtrace:\n    0: 0x"),
        "{text}"
    );
    assert!(text.contains(" - demo!inner\n    1: 0x"), "{text}");
    assert!(text.ends_with(" - demo!func[2]"), "{text}");
    // The store is usable after a trap.
    assert_eq!(outer.call(&mut store, -1)?, -1);
    Ok(())
}

#[test]
fn trap_codes_use_spec_wording() -> anyhow::Result<()> {
    let (mut store, instance) = instantiate(
        r#"(module
          (type $v (func))
          (table 2 funcref)
          (elem (i32.const 0) $i)
          (memory 1)
          (func $i (param i32))
          (func (export "unreachable") unreachable)
          (func (export "oob") (drop (i32.load (i32.const 65534))))
          (func (export "null") (call_indirect (type $v) (i32.const 1)))
          (func (export "undefined") (call_indirect (type $v) (i32.const 5)))
          (func (export "mismatch") (call_indirect (type $v) (i32.const 0)))
          (func (export "overflow") (drop (i32.div_s (i32.const 0x80000000) (i32.const -1))))
          (func (export "conversion") (drop (i32.trunc_f32_s (f32.const nan))))
          (func (export "table") (drop (table.get (i32.const 2)))))"#,
    )?;
    for (name, message) in [
        ("unreachable", "unreachable"),
        ("oob", "out of bounds memory access"),
        ("null", "uninitialized element"),
        ("undefined", "undefined element"),
        ("mismatch", "indirect call type mismatch"),
        ("overflow", "integer overflow"),
        ("conversion", "invalid conversion to integer"),
        ("table", "out of bounds table access"),
    ] {
        let func = instance.get_typed_func::<(), ()>(&mut store, name)?;
        let error = func.call(&mut store, ()).unwrap_err();
        assert_eq!(
            error.as_trap().map(|trap| trap.code().message()),
            Some(message),
            "{name}"
        );
    }
    Ok(())
}

#[test]
fn ref_func_handles_compare_equal_and_round_trip() -> anyhow::Result<()> {
    let (mut store, instance) = instantiate(
        r#"(module
          (func $f)
          (elem declare func $f)
          (func (export "get") (result funcref) (ref.func $f))
          (func (export "is_null") (param funcref) (result i32) (ref.is_null (local.get 0))))"#,
    )?;
    let get = instance.get_typed_func::<(), Option<zwasm::Func>>(&mut store, "get")?;
    let first = get.call(&mut store, ())?;
    assert!(first.is_some());
    assert_eq!(first, get.call(&mut store, ())?);
    let is_null = instance.get_typed_func::<Option<zwasm::Func>, i32>(&mut store, "is_null")?;
    assert_eq!(is_null.call(&mut store, first)?, 0);
    assert_eq!(is_null.call(&mut store, None)?, 1);
    Ok(())
}

#[test]
fn text_and_binary_modules_are_both_accepted() -> anyhow::Result<()> {
    let engine = Engine::default();
    let binary = wat::parse_str("(module (func (export \"f\")))")?;
    let from_binary = Module::new(&engine, &binary)?;
    let from_text = Module::new(&engine, "(module (func (export \"f\")))")?;
    assert_eq!(from_binary.bytes(), from_text.bytes());
    assert!(Module::validate(&engine, &binary).is_ok());
    assert!(Module::new(&engine, "(module (func (result i32)))").is_err());
    assert!(matches!(
        Module::new(&engine, "(module"),
        Err(zwasm::Error::Wat(_))
    ));
    assert!(from_text.compiled_function(0).is_some());
    Ok(())
}
