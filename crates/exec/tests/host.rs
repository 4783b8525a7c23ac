//! Host functions: Caller access, re-entry into wasm, error propagation.

use zwasm::{
    Caller, Config, Engine, Error, Extern, Func, FuncType, Linker, Module, Store, TrapCode, Val,
    ValType,
};

#[derive(Debug)]
struct Exit(i32);

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit with code {}", self.0)
    }
}

impl std::error::Error for Exit {}

#[test]
fn host_function_sees_store_data_and_caller_memory() -> anyhow::Result<()> {
    let engine = Engine::default();
    let mut linker = Linker::<Vec<String>>::new(&engine);
    linker.func_wrap(
        "env",
        "log",
        |mut caller: Caller<'_, Vec<String>>, ptr: u32, len: u32| {
            let memory = caller
                .get_export("memory")
                .and_then(Extern::into_memory)
                .expect("memory export");
            let mut bytes = vec![0; len as usize];
            memory.read(&caller, ptr as usize, &mut bytes)?;
            let text = String::from_utf8(bytes).map_err(Error::host)?;
            caller.data_mut().push(text);
            Ok(())
        },
    )?;
    let module = Module::new(
        &engine,
        r#"(module
          (import "env" "log" (func $log (param i32 i32)))
          (memory (export "memory") 1)
          (data (i32.const 16) "hello host")
          (func (export "run") (call $log (i32.const 16) (i32.const 10)) (call $log (i32.const 22) (i32.const 4))))"#,
    )?;
    let mut store = Store::new(&engine, Vec::new());
    let instance = linker.instantiate(&mut store, &module)?;
    instance
        .get_typed_func::<(), ()>(&mut store, "run")?
        .call(&mut store, ())?;
    assert_eq!(
        store.data(),
        &["hello host".to_string(), "host".to_string()]
    );
    Ok(())
}

#[test]
fn host_can_call_back_into_wasm() -> anyhow::Result<()> {
    let engine = Engine::default();
    let mut linker = Linker::new(&engine);
    // `twice(f, x)` calls the wasm export named by the caller twice.
    linker.func_wrap(
        "env",
        "twice",
        |mut caller: Caller<'_, ()>, x: i32| -> Result<i32, Error> {
            let inc = caller
                .get_export("inc")
                .and_then(Extern::into_func)
                .expect("inc export");
            let inc = inc.typed::<i32, i32>(&caller)?;
            let once = inc.call(&mut caller, x)?;
            inc.call(&mut caller, once)
        },
    )?;
    let module = Module::new(
        &engine,
        r#"(module
          (import "env" "twice" (func $twice (param i32) (result i32)))
          (func (export "inc") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
          (func (export "run") (param i32) (result i32)
            (i32.mul (call $twice (local.get 0)) (i32.const 10))))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &module)?;
    let run = instance.get_typed_func::<i32, i32>(&mut store, "run")?;
    assert_eq!(run.call(&mut store, 5)?, 70);
    assert_eq!(run.call(&mut store, 0)?, 20);
    Ok(())
}

#[test]
fn unbounded_host_reentry_traps_instead_of_overflowing() -> anyhow::Result<()> {
    let engine = Engine::default();
    let mut linker = Linker::new(&engine);
    linker.func_wrap(
        "env",
        "recurse",
        |mut caller: Caller<'_, ()>| -> Result<(), Error> {
            let again = caller
                .get_export("again")
                .and_then(Extern::into_func)
                .expect("export");
            again.call(&mut caller, &[], &mut [])
        },
    )?;
    let module = Module::new(
        &engine,
        r#"(module
          (import "env" "recurse" (func $recurse))
          (func (export "again") (call $recurse)))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &module)?;
    let again = instance.get_typed_func::<(), ()>(&mut store, "again")?;
    let error = again.call(&mut store, ()).unwrap_err();
    assert_eq!(
        error.as_trap().map(|trap| trap.code()),
        Some(TrapCode::StackOverflow)
    );
    assert!(error.to_string().contains("call stack exhausted"));
    // Everything unwound: the store still works.
    assert!(again.call(&mut store, ()).is_err());
    Ok(())
}

#[test]
fn host_error_aborts_wasm_and_reaches_embedder_unchanged() -> anyhow::Result<()> {
    let engine = Engine::default();
    let mut linker = Linker::new(&engine);
    linker.func_wrap("wasi", "proc_exit", |code: i32| -> Result<(), Error> {
        Err(Error::host(Exit(code)))
    })?;
    let module = Module::new(
        &engine,
        r#"(module
          (import "wasi" "proc_exit" (func $exit (param i32)))
          (global $after (export "after") (mut i32) (i32.const 0))
          (func $deep (param i32)
            (if (i32.eqz (local.get 0)) (then (call $exit (i32.const 3))))
            (call $deep (i32.sub (local.get 0) (i32.const 1)))
            (global.set $after (i32.const 1)))
          (func (export "_start") (call $deep (i32.const 50))))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &module)?;
    let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
    let error = start.call(&mut store, ()).unwrap_err();
    assert_eq!(error.downcast_ref::<Exit>().map(|exit| exit.0), Some(3));
    assert!(error.as_trap().is_none());
    let after = instance.get_global(&store, "after").expect("global");
    assert_eq!(after.get(&store).i32(), Some(0));
    Ok(())
}

#[test]
fn dynamic_host_functions_are_type_checked() -> anyhow::Result<()> {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let ty = FuncType::new([ValType::I32], [ValType::I64]);
    let widen = Func::new(&mut store, ty.clone(), |_caller, params, results| {
        results[0] = Val::I64(i64::from(params[0].i32().unwrap_or(0)) << 32);
        Ok(())
    });
    let liar = Func::new(&mut store, ty, |_caller, _params, results| {
        results[0] = Val::F32(0);
        Ok(())
    });
    assert_eq!(
        widen.typed::<i32, i64>(&store)?.call(&mut store, 1)?,
        1 << 32
    );
    let mut results = [Val::I64(0)];
    assert!(matches!(
        liar.call(&mut store, &[Val::I32(1)], &mut results),
        Err(Error::Type(_))
    ));

    // A wasm caller sees the same checks.
    let module = Module::new(
        &engine,
        r#"(module (import "" "f" (func $f (param i32) (result i64)))
                   (func (export "run") (result i64) (call $f (i32.const 2))))"#,
    )?;
    let instance = zwasm::Instance::new(&mut store, &module, &[widen.into()])?;
    assert_eq!(
        instance
            .get_typed_func::<(), i64>(&mut store, "run")?
            .call(&mut store, ())?,
        2 << 32
    );
    let instance = zwasm::Instance::new(&mut store, &module, &[liar.into()])?;
    assert!(
        instance
            .get_typed_func::<(), i64>(&mut store, "run")?
            .call(&mut store, ())
            .is_err()
    );
    Ok(())
}

#[test]
fn wrapped_closures_accept_every_value_type() -> anyhow::Result<()> {
    let mut store = Store::new(&Engine::default(), 0u64);
    let func = Func::wrap(
        &mut store,
        |mut caller: Caller<'_, u64>,
         a: i32,
         b: u32,
         c: i64,
         d: u64,
         e: f32,
         f: f64,
         r: Option<zwasm::ExternRef>| {
            *caller.data_mut() += 1;
            (
                f64::from(a) + f64::from(b) + c as f64 + d as f64 + f64::from(e) + f,
                r.is_none() as i32,
            )
        },
    );
    let typed =
        func.typed::<(i32, u32, i64, u64, f32, f64, Option<zwasm::ExternRef>), (f64, i32)>(&store)?;
    assert_eq!(
        typed.call(&mut store, (1, 2, 3, 4, 0.5, 0.25, None))?,
        (10.75, 1)
    );
    assert_eq!(*store.data(), 1);
    Ok(())
}

#[test]
fn host_reentry_limit_is_configurable() -> anyhow::Result<()> {
    let mut config = Config::new();
    config.max_host_reentry(3);
    let engine = Engine::new(&config)?;
    let mut store = Store::new(&engine, 0u32);
    let ty = FuncType::new([], []);
    let this = std::sync::Arc::new(std::sync::Mutex::new(None::<Func>));
    let handle = this.clone();
    let recurse = Func::new(&mut store, ty, move |mut caller: Caller<'_, u32>, _, _| {
        *caller.data_mut() += 1;
        let me = handle.lock().unwrap().expect("set");
        me.call(&mut caller, &[], &mut [])
    });
    *this.lock().unwrap() = Some(recurse);
    let error = recurse.call(&mut store, &[], &mut []).unwrap_err();
    assert_eq!(
        error.as_trap().map(|trap| trap.code()),
        Some(TrapCode::StackOverflow)
    );
    assert_eq!(*store.data(), 3);
    Ok(())
}
