//! Unit tests of the translation: the shape of the code for typical loops
//! and calls (what the speed of the tier depends on).

use super::code::{FastFunc, Op};
use crate::{Engine, Module};

/// The fast-tier code of every defined function of `wat`.
fn translate(wat: &str) -> Vec<String> {
    let module = Module::new(&Engine::default(), wat).expect("valid module");
    module.precompile_all().expect("translates");
    let inner = &module.inner;
    (0..inner.compiled.len() as u32)
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
