//! Exposes host functions to wasm through a `Linker`; they keep state in the
//! store's data and read the caller's memory.
//!
//! `cargo run -p zwasm --example host_function`

use zwasm::{Caller, Engine, Extern, Linker, Module, Store};

/// What the host keeps for the guest.
#[derive(Default)]
struct Console {
    lines: Vec<String>,
    calls: u32,
}

fn main() -> anyhow::Result<()> {
    let engine = Engine::default();
    let mut linker = Linker::<Console>::new(&engine);
    linker.func_wrap(
        "console",
        "print",
        |mut caller: Caller<'_, Console>, ptr: u32, len: u32| -> zwasm::Result<()> {
            let memory = caller
                .get_export("memory")
                .and_then(Extern::into_memory)
                .ok_or_else(|| zwasm::Error::Type("guest exports no memory".into()))?;
            let mut bytes = vec![0; len as usize];
            memory.read(&caller, ptr as usize, &mut bytes)?;
            let console = caller.data_mut();
            console.calls += 1;
            console
                .lines
                .push(String::from_utf8_lossy(&bytes).into_owned());
            Ok(())
        },
    )?;
    linker.func_wrap("console", "calls", |caller: Caller<'_, Console>| {
        caller.data().calls
    })?;

    let module = Module::new(
        &engine,
        r#"(module
             (import "console" "print" (func $print (param i32 i32)))
             (import "console" "calls" (func $calls (result i32)))
             (memory (export "memory") 1)
             (data (i32.const 0) "Hello from wasm!")
             (func (export "run") (result i32)
               (call $print (i32.const 0) (i32.const 16))
               (call $print (i32.const 6) (i32.const 4))
               (call $calls)))"#,
    )?;
    let mut store = Store::new(&engine, Console::default());
    let instance = linker.instantiate(&mut store, &module)?;
    let run = instance.get_typed_func::<(), u32>(&mut store, "run")?;
    let calls = run.call(&mut store, ())?;
    for line in &store.data().lines {
        println!("guest printed: {line}");
    }
    println!("the guest counted {calls} print calls");
    Ok(())
}
