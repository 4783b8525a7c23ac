//! Loads a module from the text format and calls one of its exports.
//!
//! `cargo run -p zwasm --example hello`

use zwasm::{Engine, Instance, Module, Store};

fn main() -> anyhow::Result<()> {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
             (func (export "gcd") (param $a i32) (param $b i32) (result i32)
               (block $done
                 (loop $again
                   (br_if $done (i32.eqz (local.get $b)))
                   (local.get $b)
                   (local.set $b (i32.rem_u (local.get $a) (local.get $b)))
                   (local.set $a)
                   (br $again)))
               (local.get $a)))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;
    let gcd = instance.get_typed_func::<(i32, i32), i32>(&mut store, "gcd")?;
    println!("gcd(1071, 462) = {}", gcd.call(&mut store, (1071, 462))?);
    Ok(())
}
