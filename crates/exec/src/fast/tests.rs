//! Unit tests of the translation: the shape of the code for typical loops
//! and calls (what the speed of the tier depends on).

use super::code::{FastFunc, Op};
use crate::{Engine, Module};

/// The fast-tier code of every defined function of `wat`.
fn translate(wat: &str) -> Vec<String> {
    let module = Module::new(&Engine::default(), wat).expect("valid module");
    module.precompile_all().expect("translates");
    let inner = &module.inner;
    (0..inner.compiled().len() as u32)
        .map(|defined| {
            let func = inner.fast.get(defined).expect("translated");
            dump(func)
        })
        .collect()
}

fn dump(func: &FastFunc) -> String {
    let mut out = format!(
        "frame {} extent {} params {} results {}\n",
        func.frame_size, func.extent, func.params, func.results
    );
    for (pc, op) in func.code.iter().enumerate() {
        out.push_str(&format!("{pc:4}: {op:?}\n"));
    }
    out
}

fn count(code: &str, name: &str) -> usize {
    code.lines().filter(|line| line.contains(name)).count()
}

#[test]
fn loop_variables_share_slots_with_their_next_values() {
    let code = translate(
        r#"(module (func (param $n i32) (result i32) (local $i i32) (local $sum i32)
            (block $done (loop $next
              (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
              (local.set $sum (i32.add (local.get $sum) (local.get $i)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $next)))
            (local.get $sum)))"#,
    );
    let code = &code[0];
    println!("{code}");
    // No copies on the back edge, the constant folded, the test at the bottom.
    assert_eq!(count(code, "Copy"), 0, "{code}");
    assert_eq!(count(code, "I32AddImm"), 1, "{code}");
    assert_eq!(count(code, "Const"), 2, "{code}");
}

#[test]
fn recursive_fib() {
    let code = translate(
        r#"(module (func $fib (param $n i32) (result i64)
            (if (result i64) (i32.lt_u (local.get $n) (i32.const 2))
              (then (i64.extend_i32_u (local.get $n)))
              (else (i64.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                             (call $fib (i32.sub (local.get $n) (i32.const 2))))))))"#,
    );
    println!("{}", code[0]);
    assert_eq!(count(&code[0], "CallInternal"), 2);
}

#[test]
fn address_additions_fuse_into_loads_and_stores() {
    let code = translate(
        r#"(module (memory 1) (func (param $p i32) (param $i i32) (result i32)
            (i32.store8 offset=3 (i32.add (local.get $p) (local.get $i)) (local.get $i))
            (i32.load offset=4 (i32.add (local.get $p) (local.get $i)))))"#,
    );
    let code = &code[0];
    println!("{code}");
    assert_eq!(count(code, "I32Store8Idx"), 1, "{code}");
    assert_eq!(count(code, "I32LoadIdx"), 1, "{code}");
    assert_eq!(count(code, "I32Add("), 0, "{code}");
}

#[test]
fn fused_address_wraps_and_traps_like_the_add() {
    use crate::{Instance, Store};
    let module = Module::new(
        &Engine::default(),
        r#"(module (memory 1) (data (i32.const 0) "*")
            (func (export "load") (param i32 i32) (result i32)
              (i32.load8_u (i32.add (local.get 0) (local.get 1))))
            (func (export "load_off") (param i32 i32) (result i32)
              (i32.load8_u offset=1 (i32.add (local.get 0) (local.get 1)))))"#,
    )
    .expect("valid module");
    let mut store = Store::new(module.engine(), ());
    let instance = Instance::new(&mut store, &module, &[]).expect("instantiates");
    let load = instance
        .get_typed_func::<(i32, i32), i32>(&mut store, "load")
        .expect("export");
    let load_off = instance
        .get_typed_func::<(i32, i32), i32>(&mut store, "load_off")
        .expect("export");
    // 0xffff_ffff + 1 wraps to 0 in the i32.add.
    assert_eq!(load.call(&mut store, (-1, 1)).expect("in bounds"), 42);
    // Then the offset is added to the wrapped sum: 0 + 1.
    assert_eq!(load_off.call(&mut store, (-1, 1)).expect("in bounds"), 0);
    // The offset itself never wraps: 0xffff_ffff + 1 is out of bounds.
    assert!(load_off.call(&mut store, (-1, 0)).is_err());
    assert!(load.call(&mut store, (65536, 0)).is_err());
    assert!(load_off.call(&mut store, (65535, 0)).is_err());
}

#[test]
fn ops_stay_small() {
    assert!(std::mem::size_of::<Op>() <= 16);
}

/// Prints the translation of `benches/wat/$name.wat` (for looking at the
/// code of the benchmark kernels: `cargo test -p zwasm --lib dump_bench -- --ignored --nocapture`).
#[test]
#[ignore]
fn dump_bench_kernels() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../benches/wat");
    for name in ["fib", "loops", "memcopy", "br_table", "call_indirect"] {
        let wat = std::fs::read_to_string(root.join(format!("{name}.wat"))).expect("kernel");
        for (at, code) in translate(&wat).iter().enumerate() {
            println!("== {name} func {at}\n{code}");
        }
    }
}

/// Prints the translation of every function of the module at
/// `$ZWASM_DUMP_FILE` (`.wasm` or `.wat`), for looking at the code of the C
/// benchmarks: `ZWASM_DUMP_FILE=benches/c/matmul.wasm cargo test -p zwasm
/// --lib dump_file -- --ignored --nocapture`.
#[test]
#[ignore]
fn dump_file() {
    let Ok(path) = std::env::var("ZWASM_DUMP_FILE") else {
        return;
    };
    let bytes = std::fs::read(&path).expect("readable module");
    let module = Module::new(&Engine::default(), bytes).expect("valid module");
    module.precompile_all().expect("translates");
    let inner = &module.inner;
    for defined in 0..inner.compiled().len() as u32 {
        let func = inner.fast.get(defined).expect("translated");
        println!(
            "== func {}\n{}",
            inner.description.func_imports + defined,
            dump(func)
        );
    }
}

/// Translates the module at `$ZWASM_DUMP_FILE` repeatedly (for profiling
/// translation: `cargo test --release -p zwasm --lib translate_file_repeatedly
/// -- --ignored`).
#[test]
#[ignore]
fn translate_file_repeatedly() {
    let Ok(path) = std::env::var("ZWASM_DUMP_FILE") else {
        return;
    };
    let bytes = std::fs::read(&path).expect("readable module");
    let started = std::time::Instant::now();
    for _ in 0..20 {
        let module = Module::new(&Engine::default(), &bytes).expect("valid module");
        module.precompile_all().expect("translates");
    }
    println!("{:?} per module", started.elapsed() / 20);
}
