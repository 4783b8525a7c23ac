//! Reads and writes a module's linear memory from the host, and grows it.
//!
//! `cargo run -p zwasm --example memory`

use zwasm::{Engine, Instance, Module, Store};

fn main() -> anyhow::Result<()> {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
             (memory (export "memory") 1 4)
             ;; Uppercases `len` ASCII bytes at `ptr` in place.
             (func (export "upper") (param $ptr i32) (param $len i32)
               (local $c i32)
               (block $done
                 (loop $next
                   (br_if $done (i32.eqz (local.get $len)))
                   (local.set $c (i32.load8_u (local.get $ptr)))
                   (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
                     (then (i32.store8 (local.get $ptr) (i32.sub (local.get $c) (i32.const 32)))))
                   (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
                   (local.set $len (i32.sub (local.get $len) (i32.const 1)))
                   (br $next)))))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;
    let memory = instance
        .get_memory(&store, "memory")
        .ok_or_else(|| anyhow::anyhow!("no memory export"))?;

    let text = b"shout this, please";
    memory.write(&mut store, 1024, text)?;
    let upper = instance.get_typed_func::<(i32, i32), ()>(&mut store, "upper")?;
    upper.call(&mut store, (1024, text.len() as i32))?;
    let mut out = vec![0; text.len()];
    memory.read(&store, 1024, &mut out)?;
    println!("{}", String::from_utf8_lossy(&out));

    println!(
        "memory: {} page(s), {} bytes",
        memory.size(&store),
        memory.data_size(&store)
    );
    let old = memory.grow(&mut store, 2)?;
    println!("grew from {old} to {} pages", memory.size(&store));
    memory.data_mut(&mut store)[3 * 65536 - 1] = 0xff;
    println!("last byte: {:#x}", memory.data(&store)[3 * 65536 - 1]);
    Ok(())
}
