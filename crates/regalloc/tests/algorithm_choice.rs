//! `Algorithm::for_function`: Ion for ordinary functions, Fastalloc for
//! functions whose size would make Ion's compile time explode.

use zwasm_regalloc::{Algorithm, Allocator, ION_MAX_BLOCK_PARAMS, TargetDesc};

fn functions(wat: &str) -> (zwasm_decode::Module, Vec<zwasm_ir_reg::RegFunction>) {
    let wasm = wat::parse_str(wat).expect("wat");
    let (module, mut functions) =
        zwasm_ir_reg::compile_module(&wasm, &zwasm_validate::Features::default()).expect("ir-reg");
    for func in &mut functions {
        zwasm_ir_reg::passes::run_default(func);
    }
    (module, functions)
}

#[test]
fn small_functions_get_ion() {
    let (_, functions) =
        functions("(module (func (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))");
    assert_eq!(Algorithm::for_function(&functions[0]), Algorithm::Ion);
}

#[test]
fn thousands_of_values_live_around_a_loop_get_fastalloc() {
    // Every local is live around the loop (read and written in it), so the
    // loop header has one block parameter per local.
    let locals = ION_MAX_BLOCK_PARAMS + 100;
    let mut body = String::new();
    for i in 0..locals {
        body.push_str(&format!(
            "(local.set {i} (i32.add (local.get {i}) (local.get 0)))\n"
        ));
    }
    let mut sum = String::from("(local.get 1)");
    for i in 2..locals {
        sum = format!("(i32.add {sum} (local.get {i}))");
    }
    let wat = format!(
        "(module (func (param i32) (result i32) (local {}) \
           (loop $l {body} (br_if $l (i32.lt_u (local.get 1) (i32.const 10)))) {sum}))",
        "i32 ".repeat(locals - 1)
    );
    let (module, functions) = functions(&wat);
    let func = &functions[0];
    assert_eq!(Algorithm::for_function(func), Algorithm::Fastalloc);
    // And Fastalloc allocates it.
    let mut allocator = Allocator::new();
    allocator
        .allocate(func, &module, &TargetDesc::aarch64(), Algorithm::Fastalloc)
        .expect("fastalloc");
}
