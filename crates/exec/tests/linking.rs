//! Linking: imports checked by type, shared entities between instances,
//! instantiation-time segment semantics.

use zwasm::{
    Engine, Error, Extern, Global, GlobalType, Instance, Limits, LinkError, Linker, Memory,
    MemoryType, Module, RefType, Store, Table, TableType, TrapCode, Val, ValType,
};

fn memory_type(min: u64, max: Option<u64>) -> MemoryType {
    MemoryType {
        limits: Limits { min, max },
        memory64: false,
        shared: false,
        page_size_log2: 16,
    }
}

#[test]
fn two_instances_share_memory_table_and_global() -> anyhow::Result<()> {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let provider = Module::new(
        &engine,
        r#"(module
          (memory (export "mem") 1)
          (table (export "tab") 2 funcref)
          (global (export "counter") (mut i32) (i32.const 10))
          (func $seven (result i32) (i32.const 7))
          (elem (i32.const 0) $seven)
          (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0))))"#,
    )?;
    let provider_instance = linker.instantiate(&mut store, &provider)?;
    linker.instance(&mut store, "provider", provider_instance)?;
    let consumer = Module::new(
        &engine,
        r#"(module
          (import "provider" "mem" (memory 1))
          (import "provider" "tab" (table 1 funcref))
          (import "provider" "counter" (global $counter (mut i32)))
          (import "provider" "peek" (func $peek (param i32) (result i32)))
          (type $t (func (result i32)))
          (func $eight (result i32) (i32.const 8))
          (elem (i32.const 1) $eight)
          (func (export "run") (result i32)
            (i32.store8 (i32.const 5) (i32.const 99))
            (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
            (i32.add
              (i32.add (call_indirect (type $t) (i32.const 0)) (call_indirect (type $t) (i32.const 1)))
              (call $peek (i32.const 5)))))"#,
    )?;
    let consumer_instance = linker.instantiate(&mut store, &consumer)?;
    let run = consumer_instance.get_typed_func::<(), i32>(&mut store, "run")?;
    assert_eq!(run.call(&mut store, ())?, 7 + 8 + 99);
    let counter = provider_instance
        .get_global(&store, "counter")
        .expect("global");
    assert_eq!(counter.get(&store), Val::I32(11));
    let memory = provider_instance.get_memory(&store, "mem").expect("memory");
    assert_eq!(memory.data(&store)[5], 99);
    Ok(())
}

#[test]
fn host_created_entities_satisfy_imports() -> anyhow::Result<()> {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let memory = Memory::new(&mut store, memory_type(1, Some(2)))?;
    let table_type = TableType {
        element: RefType::FuncRef,
        limits: Limits { min: 3, max: None },
        table64: false,
    };
    let table = Table::new(&mut store, table_type, Val::null_func_ref())?;
    let global = Global::new(
        &mut store,
        GlobalType {
            content: ValType::F64,
            mutable: false,
        },
        Val::from(1.5),
    )?;
    let mut linker = Linker::new(&engine);
    linker.define(&store, "host", "memory", memory)?;
    linker.define(&store, "host", "table", table)?;
    linker.define(&store, "host", "global", global)?;
    let module = Module::new(
        &engine,
        r#"(module
          (import "host" "memory" (memory 1 3))
          (import "host" "table" (table 2 funcref))
          (import "host" "global" (global f64))
          (func $f)
          (elem (i32.const 2) $f)
          (data (i32.const 0) "\2a")
          (func (export "g") (result f64) (global.get 0)))"#,
    )?;
    let instance = linker.instantiate(&mut store, &module)?;
    assert_eq!(
        instance
            .get_typed_func::<(), f64>(&mut store, "g")?
            .call(&mut store, ())?,
        1.5
    );
    assert_eq!(memory.data(&store)[0], 42);
    assert!(table.get(&store, 2).is_some_and(|entry| !entry.is_null()));
    Ok(())
}

#[test]
fn link_errors_name_the_problem() -> anyhow::Result<()> {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let module = Module::new(&engine, r#"(module (import "env" "f" (func (param i32))))"#)?;
    let error = linker.instantiate(&mut store, &module).unwrap_err();
    assert!(matches!(
        error,
        Error::Link(LinkError::UnknownImport { .. })
    ));
    assert!(error.to_string().contains("unknown import"), "{error}");

    linker.func_wrap("env", "f", |_: i64| {})?;
    let error = linker.instantiate(&mut store, &module).unwrap_err();
    assert!(
        error.to_string().contains("incompatible import type"),
        "{error}"
    );

    assert!(linker.func_wrap("env", "f", |_: i32| {}).is_err());
    linker.allow_shadowing(true);
    linker.func_wrap("env", "f", |_: i32| {})?;
    linker.instantiate(&mut store, &module)?;

    // Limits follow the subtyping rules: the provided memory's current size
    // must cover the import's minimum, and its maximum must be within the import's.
    let memory = Memory::new(&mut store, memory_type(1, None))?;
    let wants_max = Module::new(&engine, r#"(module (import "m" "mem" (memory 1 2)))"#)?;
    let error = Instance::new(&mut store, &wants_max, &[memory.into()]).unwrap_err();
    assert!(
        error.to_string().contains("incompatible import type"),
        "{error}"
    );
    let wants_two = Module::new(&engine, r#"(module (import "m" "mem" (memory 2)))"#)?;
    assert!(Instance::new(&mut store, &wants_two, &[memory.into()]).is_err());
    memory.grow(&mut store, 1)?;
    Instance::new(&mut store, &wants_two, &[memory.into()])?;

    // Wrong kind, wrong count.
    let global = Global::new(
        &mut store,
        GlobalType {
            content: ValType::I32,
            mutable: false,
        },
        Val::I32(0),
    )?;
    let error = Instance::new(&mut store, &wants_two, &[Extern::Global(global)]).unwrap_err();
    assert!(
        error.to_string().contains("incompatible import type"),
        "{error}"
    );
    assert!(matches!(
        Instance::new(&mut store, &wants_two, &[]),
        Err(Error::Link(LinkError::ImportCount { .. }))
    ));
    Ok(())
}

#[test]
fn handles_from_another_store_are_rejected() -> anyhow::Result<()> {
    let engine = Engine::default();
    let mut first = Store::new(&engine, ());
    let mut second = Store::new(&engine, ());
    let memory = Memory::new(&mut first, memory_type(1, None))?;
    let module = Module::new(&engine, r#"(module (import "m" "mem" (memory 1)))"#)?;
    assert!(matches!(
        Instance::new(&mut second, &module, &[memory.into()]),
        Err(Error::Type(_))
    ));
    assert!(memory.grow(&mut second, 1).is_err());
    assert_eq!(memory.size(&second), 0);
    assert!(memory.data(&second).is_empty());
    let func = zwasm::Func::wrap(&mut first, || {});
    assert!(func.call(&mut second, &[], &mut []).is_err());
    Ok(())
}

#[test]
fn segment_trap_keeps_earlier_writes_and_fails_instantiation() -> anyhow::Result<()> {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let memory = Memory::new(&mut store, memory_type(1, None))?;
    let module = Module::new(
        &engine,
        r#"(module
          (import "m" "mem" (memory 1))
          (data (i32.const 0) "ok")
          (data (i32.const 65535) "too long")
          (data (i32.const 4) "never"))"#,
    )?;
    let error = Instance::new(&mut store, &module, &[memory.into()]).unwrap_err();
    assert_eq!(
        error.as_trap().map(|trap| trap.code()),
        Some(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(&memory.data(&store)[..6], b"ok\0\0\0\0");
    Ok(())
}

#[test]
fn start_function_runs_and_its_trap_fails_instantiation() -> anyhow::Result<()> {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let module = Module::new(
        &engine,
        r#"(module (global (export "g") (mut i32) (i32.const 0))
                   (func $start (global.set 0 (i32.const 5))) (start $start))"#,
    )?;
    let instance = Instance::new(&mut store, &module, &[])?;
    assert_eq!(
        instance
            .get_global(&store, "g")
            .expect("global")
            .get(&store),
        Val::I32(5)
    );
    let trapping = Module::new(&engine, "(module (func $start unreachable) (start $start))")?;
    let error = Instance::new(&mut store, &trapping, &[]).unwrap_err();
    assert_eq!(
        error.as_trap().map(|trap| trap.code()),
        Some(TrapCode::Unreachable)
    );
    Ok(())
}

#[test]
fn imported_function_types_match_structurally_across_modules() -> anyhow::Result<()> {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let a = Module::new(
        &engine,
        r#"(module (type (func (param i64))) (type $t (func (param i32) (result i32)))
                   (func (export "id") (type $t) (local.get 0))
                   (table (export "t") 1 funcref) (elem (i32.const 0) 0))"#,
    )?;
    let a = Instance::new(&mut store, &a, &[])?;
    let b = Module::new(
        &engine,
        r#"(module (type $u (func (param i32) (result i32)))
                   (import "a" "t" (table 1 funcref))
                   (func (export "call") (param i32) (result i32) (call_indirect (type $u) (local.get 0) (i32.const 0))))"#,
    )?;
    let table = a.get_table(&store, "t").expect("table");
    let b = Instance::new(&mut store, &b, &[table.into()])?;
    assert_eq!(
        b.get_typed_func::<i32, i32>(&mut store, "call")?
            .call(&mut store, 9)?,
        9
    );
    Ok(())
}
