//! Unit tests of the translation: the shape of the code for typical loops
//! and calls (what the speed of the tier depends on).

use super::code::{FastFunc, Op};
use std::time::{Duration, Instant};

use crate::{Config, Engine, EngineKind, InterpTranslation, Module};

/// The fast interpreter alone (the default engine is the tiered one on
/// aarch64, whose bytecode counts loop iterations).
fn interp_engine() -> Engine {
    let mut config = Config::new();
    config.engine(EngineKind::Interp);
    Engine::new(&config).expect("the fast interpreter runs everywhere")
}

/// The fast interpreter translating through the register IR (the tiered
/// engine's path).
fn register_ir_engine() -> Engine {
    let mut config = Config::new();
    config
        .engine(EngineKind::Interp)
        .interp_translation(InterpTranslation::RegisterIr);
    Engine::new(&config).expect("the fast interpreter runs everywhere")
}

/// The fast-tier code of every defined function of `wat`.
fn translate(wat: &str) -> Vec<String> {
    translate_with(&interp_engine(), wat)
}

fn translate_with(engine: &Engine, wat: &str) -> Vec<String> {
    let module = Module::new(engine, wat).expect("valid module");
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
    for (pc, op) in func.ops().enumerate() {
        // Branch targets as op indices, as the text dump shows them.
        let op = super::compile::with_absolute_target(*op, pc);
        out.push_str(&format!("{pc:4}: {op:?}\n"));
    }
    out
}

fn count(code: &str, name: &str) -> usize {
    code.lines().filter(|line| line.contains(name)).count()
}

const COUNTED_LOOP: &str = r#"(module (func (param $n i32) (result i32) (local $i i32) (local $sum i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $sum (i32.add (local.get $sum) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (local.get $sum)))"#;

#[test]
fn direct_translation_computes_into_locals() {
    let code = translate(COUNTED_LOOP);
    let code = &code[0];
    // Operands read the locals' slots, results go straight to them, the
    // constant is an immediate, the compare is fused into the branch, the
    // counter's step into the back edge; the two `Const`s clear the
    // declared locals.
    assert_eq!(count(code, "Copy"), 0, "{code}");
    assert_eq!(count(code, "I32GeU"), 0, "{code}");
    assert_eq!(count(code, "BrI32LeU"), 1, "{code}");
    assert_eq!(
        count(
            code,
            "I32AddImmBr(AddImmBr { dst: 1, a: 1, imm: 1, target: 2 })"
        ),
        1,
        "{code}"
    );
    assert_eq!(count(code, ": Br("), 0, "{code}");
    assert_eq!(
        count(code, "I32Add(Bin { dst: 2, a: 2, b: 1 })"),
        1,
        "{code}"
    );
    assert_eq!(count(code, "Const"), 2, "{code}");
    assert_eq!(count(code, "Return1(2)"), 1, "{code}");
}

#[test]
fn loop_variables_share_slots_with_their_next_values() {
    let code = translate_with(&register_ir_engine(), COUNTED_LOOP);
    let code = &code[0];
    println!("{code}");
    // No copies on the back edge, the constant folded, the test at the
    // bottom, fused with the counter's increment.
    assert_eq!(count(code, "Copy"), 0, "{code}");
    assert_eq!(count(code, "I32AddImm"), 0, "{code}");
    assert_eq!(count(code, "AddBrI32"), 1, "{code}");
    assert_eq!(count(code, "Const"), 2, "{code}");
}

/// A store with `wat` instantiated on the fast tier.
fn instantiate(wat: &str) -> (crate::Store<()>, crate::Instance) {
    use crate::{Instance, Store};
    let module = Module::new(&interp_engine(), wat).expect("valid module");
    let mut store = Store::new(module.engine(), ());
    let instance = Instance::new(&mut store, &module, &[]).expect("instantiates");
    (store, instance)
}

/// Runs export `run` of `wat` with `arg` on the fast tier.
fn run_i64(wat: &str, arg: i32) -> Result<i64, crate::Error> {
    let (mut store, instance) = instantiate(wat);
    let run = instance
        .get_typed_func::<i32, i64>(&mut store, "run")
        .expect("export");
    run.call(&mut store, arg)
}

#[test]
fn br_table_cases_follow_the_table() {
    let wat = r#"(module (func (export "run") (param $x i32) (result i64)
        (block $c (block $b (block $a
          (br_table $a $b $c (local.get $x)))
          (return (i64.const 10)))
          (return (i64.const 20)))
        (i64.const 30)))"#;
    let code = &translate(wat)[0];
    println!("{code}");
    // One `Br` per case (two cases and the default) right after the table.
    let lines: Vec<&str> = code.lines().collect();
    let at = lines
        .iter()
        .position(|line| line.contains("BrTable"))
        .expect("a br_table");
    assert!(
        lines[at + 1..at + 4].iter().all(|l| l.contains(": Br(")),
        "{code}"
    );
    for (x, expected) in [(0, 10), (1, 20), (2, 30), (3, 30), (-1, 30)] {
        assert_eq!(run_i64(wat, x).expect("runs"), expected, "case {x}");
    }
}

#[test]
fn a_br_table_on_a_loaded_byte_loads_and_dispatches_in_one_op() {
    // `switch (p[i])`, with the address a slot (`i`) and a sum of two
    // slots (`i + one`): the byte's load fuses with the table in both.
    let switch = |address: &str| {
        format!(
            r#"(module (memory 1) (data (i32.const 0) "\00\01\02\07\ff")
            (func (export "run") (param $i i32) (result i64) (local $one i32)
              (local.set $one (i32.const 1))
              (block $c (block $b (block $a
                (br_table $a $b $c (i32.load8_u {address})))
                (return (i64.const 10)))
                (return (i64.const 20)))
              (i64.const 30)))"#
        )
    };
    for (address, fused, shift) in [
        ("(local.get $i)", "BrTableI32Load8U(", 0),
        (
            "(i32.add (local.get $i) (local.get $one))",
            "BrTableI32Load8UIdx(",
            1,
        ),
    ] {
        let wat = switch(address);
        let code = &translate(&wat)[0];
        assert_eq!(count(code, fused), 1, "{code}");
        // The table stays after the fused load, its cases after it.
        let lines: Vec<&str> = code.lines().collect();
        let at = lines.iter().position(|l| l.contains(fused)).expect("fused");
        assert!(lines[at + 1].contains(": BrTable("), "{code}");
        // Bytes 0, 1, 2, 7, 255 and the zeros after them; past the end of
        // memory the load traps.
        for (i, expected) in [
            (0, 10),
            (1, 20),
            (2, 30),
            (3, 30),
            (4, 30),
            (5, 10),
            (65535, 10),
        ] {
            assert_eq!(
                run_i64(&wat, i - shift).expect("runs"),
                expected,
                "{fused} byte {i}"
            );
        }
        let trap = run_i64(&wat, 65536 - shift).expect_err("out of bounds");
        assert!(trap.to_string().contains("out of bounds"), "{trap}");
    }
}

#[test]
fn fused_counter_and_bit_tests_run_like_the_ops() {
    // Counts down by 3 from n (signed test against a slot and an
    // immediate) and adds the odd steps: exercises AddBr*, AndBr*.
    let wat = r#"(module (func (export "run") (param $n i32) (result i64)
        (local $i i32) (local $acc i64) (local $lim i32)
        (local.set $i (local.get $n))
        (local.set $lim (i32.const -7))
        (loop $next
          (if (i32.and (local.get $i) (i32.const 1))
            (then (local.set $acc (i64.add (local.get $acc)
                                           (i64.extend_i32_s (local.get $i))))))
          (local.set $i (i32.add (local.get $i) (i32.const -3)))
          (br_if $next (i32.gt_s (local.get $i) (local.get $lim))))
        (local.set $i (i32.const -2))
        (loop $wrap
          (local.set $acc (i64.add (local.get $acc) (i64.const 1000)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $wrap (i32.ne (local.get $i) (i32.const 2))))
        (local.get $acc)))"#;
    let code = &translate(wat)[0];
    println!("{code}");
    assert!(count(code, "AddBrI32") >= 2, "{code}");
    assert!(count(code, "AndBr") >= 1, "{code}");
    let expected = |n: i32| {
        let mut acc = 0i64;
        let mut i = n;
        loop {
            if i & 1 != 0 {
                acc += i64::from(i);
            }
            i = i.wrapping_add(-3);
            if i <= -7 {
                break;
            }
        }
        acc + 4000
    };
    for n in [0, 1, 10, 11, 100, -5] {
        assert_eq!(run_i64(wat, n).expect("runs"), expected(n), "n = {n}");
    }
}

#[test]
fn fused_float_chains_and_back_edge_copies_run_like_the_ops() {
    // A mandelbrot-style loop: dependent f64 ops and a back edge that
    // moves several values.
    let wat = r#"(module (func (export "run") (param $n i32) (result i64)
        (local $i i32) (local $zr f64) (local $zi f64) (local $tr f64) (local $ti f64)
        (local.set $zr (f64.const 0.25))
        (local.set $zi (f64.const 0.5))
        (loop $next
          (local.set $zi (f64.add (f64.mul (f64.add (local.get $zr) (local.get $zr))
                                           (local.get $zi))
                                  (f64.const -0.1)))
          (local.set $zr (f64.add (f64.sub (local.get $tr) (local.get $ti))
                                  (f64.const 0.2)))
          (local.set $tr (f64.mul (local.get $zr) (local.get $zr)))
          (local.set $ti (f64.mul (local.get $zi) (local.get $zi)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $next (i32.lt_u (local.get $i) (local.get $n))))
        (i64.trunc_sat_f64_s (f64.mul (f64.add (local.get $tr) (local.get $ti))
                                      (f64.const 1e12)))))"#;
    let code = &translate(wat)[0];
    println!("{code}");
    assert!(count(code, "F64") > 0, "{code}");
    let expected = |n: i32| {
        let (mut zr, mut zi, mut tr, mut ti) = (0.25f64, 0.5f64, 0f64, 0f64);
        let mut i = 0u32;
        loop {
            zi = (zr + zr) * zi + -0.1;
            zr = (tr - ti) + 0.2;
            tr = zr * zr;
            ti = zi * zi;
            i += 1;
            if i >= n as u32 {
                break;
            }
        }
        ((tr + ti) * 1e12) as i64
    };
    for n in [1, 2, 5, 30] {
        assert_eq!(run_i64(wat, n).expect("runs"), expected(n), "n = {n}");
    }
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
    let (mut store, instance) = instantiate(
        r#"(module (memory 1) (data (i32.const 0) "*")
            (func (export "load") (param i32 i32) (result i32)
              (i32.load8_u (i32.add (local.get 0) (local.get 1))))
            (func (export "load_off") (param i32 i32) (result i32)
              (i32.load8_u offset=1 (i32.add (local.get 0) (local.get 1)))))"#,
    );
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
    let module = Module::new(&interp_engine(), bytes).expect("valid module");
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

/// The module at `$ZWASM_DUMP_FILE` and how many times to translate it
/// (`$ZWASM_REPEAT`, default 20), for the timing tools below.
fn file_to_time() -> Option<(Vec<u8>, u32)> {
    let path = std::env::var("ZWASM_DUMP_FILE").ok()?;
    let bytes = std::fs::read(&path).expect("readable module");
    let repeat = std::env::var("ZWASM_REPEAT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    Some((bytes, repeat))
}

/// Times the two stages of the interpreter's translation of the module at
/// `$ZWASM_DUMP_FILE` (`Module::new`, then `Module::precompile_all`), each
/// the best of `$ZWASM_REPEAT / 10` batches of ten fresh modules (the
/// machine may be busy): `cargo test --release -p zwasm --lib
/// translate_file_repeatedly -- --ignored --nocapture`. A tool, not a
/// check: `cargo xtask bench` reports the rates.
#[test]
#[ignore]
fn translate_file_repeatedly() {
    let Some((bytes, repeat)) = file_to_time() else {
        return;
    };
    let engine = interp_engine();
    let (mut best_new, mut best_translate) = (Duration::MAX, Duration::MAX);
    for _ in 0..repeat.div_ceil(10) {
        let (mut new, mut translate) = (Duration::ZERO, Duration::ZERO);
        for _ in 0..10 {
            let started = Instant::now();
            let module = Module::new(&engine, &bytes).expect("valid module");
            let validated = Instant::now();
            module.precompile_all().expect("translates");
            translate += validated.elapsed();
            new += validated - started;
        }
        best_new = best_new.min(new / 10);
        best_translate = best_translate.min(translate / 10);
    }
    println!(
        "Module::new {best_new:?}, then translating every function {best_translate:?} ({} bytes)",
        bytes.len()
    );
}

/// Times the direct translator alone on every function of the module at
/// `$ZWASM_DUMP_FILE` (no `Module::new` in the loop; for profiling it:
/// `cargo test --release -p zwasm --lib translate_directly_repeatedly --
/// --ignored --nocapture`).
#[test]
#[ignore]
fn translate_directly_repeatedly() {
    let Some((bytes, repeat)) = file_to_time() else {
        return;
    };
    let module = Module::new(&interp_engine(), &bytes).expect("valid module");
    let inner = &module.inner;
    let functions = inner.compiled().len() as u32;
    let translate_all = || -> Vec<FastFunc> {
        (0..functions)
            .map(|defined| {
                inner
                    .fast
                    .translate_directly(&inner.bytes, &inner.description, defined)
                    .expect("translates")
                    .expect("direct")
            })
            .collect()
    };
    let ops: usize = translate_all().iter().map(|fast| fast.code.len()).sum();
    let mut best = Duration::MAX;
    for _ in 0..repeat.div_ceil(10) {
        let started = Instant::now();
        // Kept, as a module keeps them (freed after the timing).
        let kept: Vec<Vec<FastFunc>> = (0..10).map(|_| translate_all()).collect();
        best = best.min(started.elapsed() / 10);
        drop(kept);
    }
    println!("translating every function {best:?} ({functions} functions, {ops} ops)");
}

/// The size of the code section of `bytes`, the unit of translation rates.
fn code_section_bytes(bytes: &[u8]) -> usize {
    wasmparser::Parser::new(0)
        .parse_all(bytes)
        .find_map(|payload| match payload {
            Ok(wasmparser::Payload::CodeSectionStart { size, .. }) => Some(size as usize),
            _ => None,
        })
        .unwrap_or(0)
}

/// Times the direct translation alone of every C benchmark module
/// (`benches/c/*.wasm`) as `cargo xtask bench` does for "fast: translate
/// only" (`Module::precompile_all` of a fresh module, the median of
/// `$ZWASM_REPEAT` runs per module, default 200) and prints the rate in MB/s
/// of code section, also from each module's best run: `cargo test --release
/// -p zwasm --lib translate_corpus_repeatedly -- --ignored --nocapture`.
#[test]
#[ignore]
fn translate_corpus_repeatedly() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../benches/c");
    let repeat: usize = std::env::var("ZWASM_REPEAT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    let mut paths: Vec<_> = std::fs::read_dir(root)
        .expect("benches/c")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "wasm"))
        .collect();
    paths.sort();
    let engine = interp_engine();
    let (mut bytes, mut median, mut best) = (0usize, Duration::ZERO, Duration::ZERO);
    for path in &paths {
        let wasm = std::fs::read(path).expect("readable module");
        let mut samples: Vec<Duration> = (0..repeat.max(1))
            .map(|_| {
                let module = Module::new(&engine, &wasm).expect("valid module");
                let started = Instant::now();
                module.precompile_all().expect("translates");
                started.elapsed()
            })
            .collect();
        samples.sort();
        let size = code_section_bytes(&wasm);
        let mb_per_s = |time: Duration| size as f64 / 1e6 / time.as_secs_f64();
        println!(
            "{:>16}: {size:6} bytes, median {:.1} MB/s, best {:.1} MB/s",
            path.file_stem().and_then(|s| s.to_str()).unwrap_or("?"),
            mb_per_s(samples[samples.len() / 2]),
            mb_per_s(samples[0]),
        );
        bytes += size;
        median += samples[samples.len() / 2];
        best += samples[0];
    }
    let mb_per_s = |time: Duration| bytes as f64 / 1e6 / time.as_secs_f64();
    println!(
        "all: {bytes} bytes, median {:.1} MB/s, best {:.1} MB/s",
        mb_per_s(median),
        mb_per_s(best)
    );
}

/// The interpreter translates every function of the benchmark programs and
/// the WAT corpus straight from wasm (none is left to the ir-reg path).
#[test]
fn direct_translation_covers_the_corpus() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in ["benches/c", "benches/wat", "tests/wat"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("corpus directory") {
            let path = entry.expect("entry").path();
            if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("wasm" | "wat")
            ) {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() > 20, "corpus found");
    let mut functions = 0;
    for path in &files {
        let bytes = std::fs::read(path).expect("readable module");
        let module = Module::new(&interp_engine(), bytes).expect("valid module");
        let inner = &module.inner;
        for defined in 0..inner.compiled().len() as u32 {
            let direct = inner
                .fast
                .translate_directly(&inner.bytes, &inner.description, defined)
                .expect("translates");
            assert!(
                direct.is_some(),
                "{}: function {defined} left to the ir-reg path",
                path.display()
            );
            functions += 1;
        }
    }
    assert!(functions > 100, "{functions} functions");
}

/// A declared local read before any write on some path keeps its clearing
/// (frames reuse the value stack, so a stale value would show); one written
/// first on every path loses it.
#[test]
fn locals_read_before_written_start_at_zero() {
    let wat = r#"(module
        (func $maybe (param $c i32) (result i64) (local $x i64) (local $y i64)
          (local.set $y (i64.const 3))
          (if (local.get $c) (then (local.set $x (i64.const 5))))
          (i64.add (local.get $x) (local.get $y)))
        (func (export "run") (param $c i32) (result i64)
          (drop (call $maybe (i32.const 1)))
          (call $maybe (local.get $c))))"#;
    assert_eq!(run_i64(wat, 0).expect("runs"), 3);
    assert_eq!(run_i64(wat, 1).expect("runs"), 8);
    let code = &translate(wat)[0];
    // `$x` is cleared, `$y` (slot 2) is not.
    assert_eq!(
        count(code, "Const32(Const32 { dst: 1, value: 0 })"),
        1,
        "{code}"
    );
    assert_eq!(
        count(code, "Const32(Const32 { dst: 2, value: 0 })"),
        0,
        "{code}"
    );
}

/// Calls, `call_indirect` and multi-value returns inside the threaded
/// chain (from the second run on every callee is translated), and the
/// traps of `call_indirect`, which the chain leaves to the loop.
#[test]
fn calls_and_returns_run_in_the_threaded_chain() {
    let wat = r#"(module
        (type $pair_type (func (param i32) (result i32 i32)))
        (table 3 funcref)
        (elem (i32.const 0) $pair $sum)
        (func $pair (param $k i32) (result i32 i32)
          (local.get $k) (i32.add (local.get $k) (i32.const 1)))
        ;; sum(n) = Σ_{k=1..n} (2k + 1) = n² + 2n, alternating direct and
        ;; indirect calls.
        (func $sum (param $n i32) (result i32)
          (if (result i32) (i32.eqz (local.get $n))
            (then (i32.const 0))
            (else
              (i32.add
                (i32.add (call_indirect (type $pair_type) (local.get $n) (i32.const 0)))
                (call $sum (i32.sub (local.get $n) (i32.const 1)))))))
        (func (export "run") (param $n i32) (result i64)
          (if (i32.lt_s (local.get $n) (i32.const 0))
            (then
              ;; Slot 1 has the wrong type, slot 2 is null.
              (drop (call_indirect (type $pair_type)
                (i32.const 1) (i32.sub (i32.const -1) (local.get $n))))
              (drop)))
          (i64.extend_i32_u (call $sum (local.get $n)))))"#;
    use crate::TrapCode;
    let (mut store, instance) = instantiate(wat);
    let run = instance
        .get_typed_func::<i32, i64>(&mut store, "run")
        .expect("export");
    for n in [3i64, 1000, 1000] {
        let result = run.call(&mut store, n as i32).expect("runs");
        assert_eq!(result, n * n + 2 * n);
    }
    for (n, code) in [
        (-2, TrapCode::BadSignature),
        (-3, TrapCode::IndirectCallToNull),
        (-4, TrapCode::UndefinedElement),
    ] {
        let error = run.call(&mut store, n).unwrap_err();
        let trap = error.as_trap().expect("a trap");
        assert_eq!(trap.code(), code, "run({n})");
        assert_eq!(trap.backtrace().frames().len(), 1, "run({n})");
    }
    // The chain left no frame behind: the store runs on.
    assert_eq!(run.call(&mut store, 10).expect("runs"), 120);
}

/// `i32.add` of a constant before a load or store becomes an indexed
/// access with the constant in a constant slot: it wraps in 32 bits like
/// the add (the offset immediate would not), negative constants included.
#[test]
fn constant_address_additions_fuse_and_wrap_like_the_add() {
    let wat = r#"(module (memory 1) (data (i32.const 0) "*")
        (func (export "load") (param $p i32) (result i32)
          (i32.load8_u (i32.add (local.get $p) (i32.const -32))))
        (func (export "store_load") (param $p i32) (result i32)
          (i32.store8 (i32.add (local.get $p) (i32.const 7)) (i32.const 9))
          (i32.load8_u offset=1 (i32.add (local.get $p) (i32.const 6))))
        ;; The two address adds pair up before the load sees its own.
        (func (export "copy") (param $d i32) (param $s i32) (result i32)
          (i64.store (i32.add (local.get $d) (i32.const 8))
                     (i64.load (i32.add (local.get $s) (i32.const 16))))
          (i32.load8_u offset=8 (local.get $d))))"#;
    let code = translate(wat);
    assert_eq!(count(&code[2], "I64LoadIdx"), 1, "{}", code[2]);
    assert_eq!(count(&code[2], "I64StoreIdx"), 1, "{}", code[2]);
    assert_eq!(count(&code[2], "I32AddImm"), 0, "{}", code[2]);
    assert_eq!(count(&code[0], "I32Load8UIdx"), 1, "{}", code[0]);
    assert_eq!(count(&code[1], "I32Store8Idx"), 1, "{}", code[1]);
    assert_eq!(count(&code[1], "I32Load8UIdx"), 1, "{}", code[1]);
    assert_eq!(count(&code[1], "I32AddImm"), 0, "{}", code[1]);
    let (mut store, instance) = instantiate(wat);
    let load = instance
        .get_typed_func::<i32, i32>(&mut store, "load")
        .expect("export");
    let store_load = instance
        .get_typed_func::<i32, i32>(&mut store, "store_load")
        .expect("export");
    assert_eq!(load.call(&mut store, 32).expect("in bounds"), 42);
    // 31 - 32 wraps to 0xffff_ffff: out of bounds, as for the add.
    assert!(load.call(&mut store, 31).is_err());
    // -6 + 7 wraps to 1; the load reads (-6 + 6) + 1 = 1 too.
    assert_eq!(store_load.call(&mut store, -6).expect("in bounds"), 9);
    // -7 + 6 wraps to 0xffff_ffff, and the offset does not wrap: the store
    // (at 0) happens, the load traps.
    assert!(store_load.call(&mut store, -7).is_err());
    assert_eq!(store_load.call(&mut store, 100).expect("in bounds"), 9);
    assert!(store_load.call(&mut store, 65529).is_err());
    let copy = instance
        .get_typed_func::<(i32, i32), i32>(&mut store, "copy")
        .expect("export");
    // The bytes at 0 (9 since `store_load(-7)`) move from s + 16 (s = -16)
    // to d + 8 (d = 100).
    assert_eq!(copy.call(&mut store, (100, -16)).expect("in bounds"), 9);
    // -17 + 16 wraps to 0xffff_ffff.
    assert!(copy.call(&mut store, (100, -17)).is_err());
}

/// The operand table's roles, where ops of one payload type use a slot in
/// different ways (what the clearing dataflow and the address fusions rely
/// on), and the slot visitors made from it.
#[test]
fn operands_have_their_roles() {
    use super::code::{Bin2, Call, MemExt, Role, Slot, SlotIndex, Slots2Index};
    let roles = |mut op: Op| {
        let mut seen: Vec<(Slot, Role)> = Vec::new();
        op.for_each_operand_mut(|slot, role| seen.push((*slot, role)));
        seen.sort_by_key(|&(slot, _)| slot);
        seen
    };
    use Role::{Read as R, Write as W};
    let two = Slots2Index {
        a: 1,
        b: 2,
        index: 0,
    };
    assert_eq!(roles(Op::MemoryGrow(two)), [(1, W), (2, R)]);
    assert_eq!(roles(Op::TableSet(two)), [(1, R), (2, R)]);
    let one = SlotIndex { slot: 3, index: 0 };
    assert_eq!(roles(Op::GlobalGet(one)), [(3, W)]);
    assert_eq!(roles(Op::GlobalSet(one)), [(3, R)]);
    let ext = MemExt {
        kind: 0,
        value: 4,
        addr: 5,
        memarg: 0,
    };
    assert_eq!(roles(Op::LoadExt(ext)), [(4, W), (5, R)]);
    assert_eq!(roles(Op::StoreExt(ext)), [(4, R), (5, R)]);
    // A fused pair: its intermediate is written, and read again when it is
    // the second operation's operand.
    let fused = Op::F64MulAdd(Bin2 {
        t: 6,
        a: 7,
        b: 8,
        dst: 9,
        c: 6,
    });
    assert_eq!(roles(fused), [(6, W), (6, R), (7, R), (8, R), (9, W)]);
    let mut writes = Vec::new();
    assert!(fused.for_each_write(|slot| writes.push(slot)));
    assert_eq!(writes, [6, 9]);
    let mut slots = Vec::new();
    let mut copy = fused;
    copy.for_each_slot_mut(|slot| slots.push(*slot));
    assert_eq!(slots, [6, 7, 8, 9, 6]);
    // A call's results are in its list: its writes are not all in the op.
    assert!(!Op::CallInternal(Call { func: 0, list: 0 }).for_each_write(|_| {}));
}

/// Strided loops: `j += step; if j < n` (signed and unsigned, the sum
/// as either operand of the compare), which fuse into `AddSlotBrI32*`.
const STRIDED_LOOPS: &str = r#"(module
  (func (export "signed") (param $step i32) (param $n i32) (result i32)
    (local $j i32) (local $count i32)
    (loop $next
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (br_if $next (i32.lt_s (local.tee $j (i32.add (local.get $j) (local.get $step)))
                             (local.get $n))))
    (i32.add (i32.mul (local.get $count) (i32.const 1000)) (local.get $j)))
  (func (export "unsigned_mirrored") (param $step i32) (param $n i32) (result i32)
    (local $j i32) (local $count i32)
    (loop $next
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (br_if $next (i32.gt_u (local.get $n)
                             (local.tee $j (i32.add (local.get $j) (local.get $step))))))
    (i32.add (i32.mul (local.get $count) (i32.const 1000)) (local.get $j))))"#;

#[test]
fn strided_loops_fuse_their_step_into_the_branch() {
    let code = translate(STRIDED_LOOPS);
    assert_eq!(count(&code[0], "AddSlotBrI32LtS"), 1, "{}", code[0]);
    assert_eq!(count(&code[1], "AddSlotBrI32LtU"), 1, "{}", code[1]);
    let (mut store, instance) = instantiate(STRIDED_LOOPS);
    let signed = instance
        .get_typed_func::<(i32, i32), i32>(&mut store, "signed")
        .expect("export");
    let unsigned = instance
        .get_typed_func::<(i32, i32), i32>(&mut store, "unsigned_mirrored")
        .expect("export");
    // 7 steps of 3 reach 21 >= 20; one step of -5 is not below -12.
    assert_eq!(
        signed.call(&mut store, (3, 20)).expect("runs"),
        7 * 1000 + 21
    );
    assert_eq!(signed.call(&mut store, (-5, -12)).expect("runs"), 1000 - 5);
    // Unsigned: 2^31 is not below 1, though negative as a signed value.
    assert_eq!(
        unsigned.call(&mut store, (7, 30)).expect("runs"),
        5 * 1000 + 35
    );
    assert_eq!(
        unsigned.call(&mut store, (i32::MIN, 1)).expect("runs"),
        1000i32.wrapping_add(i32::MIN)
    );
}

#[test]
fn a_call_returns_straight_into_the_local_it_sets() {
    let wat = r#"(module
      (func $twice (param i32) (result i32) (i32.add (local.get 0) (local.get 0)))
      (func (export "run") (param $n i32) (result i64)
        (local $x i32)
        (local.set $x (i32.const 3))
        (loop $again
          (local.set $x (call $twice (local.get $x)))
          (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
        (i64.extend_i32_u (local.get $x))))"#;
    let code = translate(wat);
    let run = &code[1];
    assert_eq!(count(run, "Copy"), 0, "{run}");
    // The call's result slot is the local's own: slot 1, after `$n`.
    let module = Module::new(&interp_engine(), wat).expect("valid module");
    module.precompile_all().expect("translates");
    let func = module.inner.fast.get(1).expect("translated");
    let lists: Vec<_> = func
        .ops()
        .filter_map(|op| match op {
            crate::fast::code::Op::CallInternal(call) => Some(func.call_slots(call.list)),
            _ => None,
        })
        .collect();
    assert_eq!(lists, [(&[1][..], &[1][..])], "{run}");
    assert_eq!(run_i64(wat, 4).expect("runs"), 48);
    // The local's old value still on the operand stack is kept first.
    let wat = r#"(module
      (func $twice (param i32) (result i32) (i32.add (local.get 0) (local.get 0)))
      (func (export "run") (param $x i32) (result i64)
        (local.get $x)
        (local.set $x (call $twice (local.get $x)))
        (i64.extend_i32_u (i32.add (local.get $x)))))"#;
    assert_eq!(run_i64(wat, 3).expect("runs"), 3 + 6);
}

#[test]
fn accumulating_into_memory_loads_adds_and_stores_once() {
    // `p[i] += p[i + 1] * 2.0` over four doubles, then their sum's bits.
    let wat = r#"(module
      (memory 1)
      (data (i32.const 0) "\00\00\00\00\00\00\f0\3f\00\00\00\00\00\00\00\40\00\00\00\00\00\00\08\40\00\00\00\00\00\00\10\40")
      (func (export "run") (param $n i32) (result i64)
        (local $p i32) (local $x f64)
        (loop $next
          (local.set $x (f64.mul (f64.load offset=8 (local.get $p)) (f64.const 2)))
          (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (local.get $x)))
          (br_if $next (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 8)))
                                 (local.get $n))))
        (i64.reinterpret_f64 (f64.add (f64.add (f64.load (i32.const 0)) (f64.load (i32.const 8)))
                                      (f64.add (f64.load (i32.const 16)) (f64.load (i32.const 24)))))))"#;
    let code = translate(wat);
    assert_eq!(count(&code[0], "F64LoadAddStore"), 1, "{}", code[0]);
    // 1 2 3 4 becomes 1+4=5, 2+6=8, 3+8=11, 4: 28.
    assert_eq!(run_i64(wat, 24).expect("runs"), 28f64.to_bits() as i64);
    // Past the end of memory the load traps, and nothing is stored.
    assert!(run_i64(wat, 70_000).is_err());
}
