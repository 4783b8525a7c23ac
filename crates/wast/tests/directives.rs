//! Each directive kind, run through small inline scripts.

use zwasm_wast::{DirectiveKind, FileReport, RunOptions, WastError, run_str};

fn run(text: &str) -> FileReport {
    match run_str("test.wast", text, &RunOptions::default()) {
        Ok(report) => report,
        Err(err) => panic!("script did not run: {err}"),
    }
}

/// Asserts the counts, showing the details when they differ.
fn expect(report: &FileReport, passed: u32, failed: u32, unsupported: u32) {
    assert_eq!(
        (report.passed, report.failed, report.unsupported),
        (passed, failed, unsupported),
        "failures: {:#?}\nunsupported: {:#?}",
        report.failures,
        report.unsupported_reasons
    );
}

#[test]
fn assert_return_checks_every_value_kind() {
    let report = run(r#"
        (module
          (func (export "i32") (param i32) (result i32) local.get 0)
          (func (export "i64") (param i64) (result i64) local.get 0)
          (func (export "f32") (param f32) (result f32) local.get 0)
          (func (export "f64") (param f64) (result f64) local.get 0)
          (func (export "canonical") (result f32) f32.const nan)
          (func (export "arithmetic") (result f64) f64.const nan:0xc000000000001)
          (func (export "two") (result i32 i64) i32.const 1 i64.const 2)
          (func (export "null") (result funcref) ref.null func)
          (func (export "func") (result funcref) ref.func 0)
          (func (export "extern") (param externref) (result externref) local.get 0)
          (func (export "nothing"))
          (global (export "g") i32 (i32.const 42)))
        (assert_return (invoke "i32" (i32.const -7)) (i32.const -7))
        (assert_return (invoke "i64" (i64.const 0x7fffffffffffffff)) (i64.const 0x7fffffffffffffff))
        (assert_return (invoke "f32" (f32.const -0x1.8p1)) (f32.const -3))
        (assert_return (invoke "f64" (f64.const -0)) (f64.const -0))
        (assert_return (invoke "f32" (f32.const nan:0x200000)) (f32.const nan:0x200000))
        (assert_return (invoke "canonical") (f32.const nan:canonical))
        (assert_return (invoke "canonical") (f32.const nan:arithmetic))
        (assert_return (invoke "arithmetic") (f64.const nan:arithmetic))
        (assert_return (invoke "two") (i32.const 1) (i64.const 2))
        (assert_return (invoke "null") (ref.null func))
        (assert_return (invoke "null") (ref.null))
        (assert_return (invoke "func") (ref.func))
        (assert_return (invoke "extern" (ref.extern 7)) (ref.extern 7))
        (assert_return (invoke "extern" (ref.extern 7)) (ref.extern))
        (assert_return (invoke "extern" (ref.null extern)) (ref.null extern))
        (assert_return (invoke "i32" (i32.const 2)) (either (i32.const 1) (i32.const 2)))
        (assert_return (invoke "nothing"))
        (assert_return (get "g") (i32.const 42))
    "#);
    expect(&report, 18, 0, 0);
}

#[test]
fn wrong_results_fail() {
    let report = run(r#"
        (module
          (func (export "one") (result i32) i32.const 1)
          (func (export "arithmetic") (result f64) f64.const nan:0x4000000000000)
          (func (export "extern") (param externref) (result externref) local.get 0)
          (func (export "null") (result funcref) ref.null func))
        (assert_return (invoke "one") (i32.const 2))
        (assert_return (invoke "one"))
        (assert_return (invoke "arithmetic") (f64.const nan:arithmetic))
        (assert_return (invoke "extern" (ref.extern 1)) (ref.extern 2))
        (assert_return (invoke "null") (ref.func))
        (assert_return (invoke "one") (either (i32.const 3) (i32.const 4)))
        (assert_return (invoke "missing") (i32.const 1))
    "#);
    expect(&report, 0, 7, 0);
    let first = &report.failures[0];
    assert_eq!(first.directive, DirectiveKind::AssertReturn);
    assert_eq!(first.line, 7);
    assert!(
        first.message.contains("expected i32:2, got i32:1"),
        "{}",
        first.message
    );
}

#[test]
fn assert_trap_matches_the_message() {
    let report = run(r#"
        (module
          (func (export "div") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
          (func (export "unreachable") unreachable)
          (table 1 funcref)
          (func (export "call-null") (call_indirect (i32.const 0))))
        (assert_trap (invoke "div" (i32.const 0)) "integer divide by zero")
        (assert_trap (invoke "unreachable") "unreachable executed")
        (assert_trap (invoke "call-null") "uninitialized element 0")
        (assert_trap (invoke "div" (i32.const 0)) "integer overflow")
        (assert_trap (invoke "div" (i32.const 1)) "integer divide by zero")
    "#);
    expect(&report, 3, 2, 0);
    assert!(report.failures[0].message.contains("integer overflow"));
    assert!(report.failures[1].message.contains("got success"));
}

#[test]
fn assert_trap_on_instantiation_and_exhaustion() {
    let report = run(r#"
        (assert_trap (module (func $start unreachable) (start $start)) "unreachable")
        (module (func $loop (export "loop") call $loop))
        (assert_exhaustion (invoke "loop") "call stack exhausted")
    "#);
    expect(&report, 2, 0, 0);
}

#[test]
fn rejections_pass_and_acceptance_fails() {
    let report = run(r#"
        (assert_invalid (module (func (result i32) i64.const 0)) "type mismatch")
        (assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
        (assert_malformed (module quote "(func (i32.const 0x))") "unknown operator")
        (assert_invalid (module (func)) "this module is valid")
    "#);
    expect(&report, 3, 1, 0);
    assert_eq!(report.failures[0].directive, DirectiveKind::AssertInvalid);
}

#[test]
fn module_quote_is_assembled_from_its_strings() {
    let report = run(r#"
        (module quote "(func (export \"f\") (result i32)" "i32.const 5)")
        (assert_return (invoke "f") (i32.const 5))
    "#);
    expect(&report, 1, 0, 0);
}

#[test]
fn register_named_modules_and_linking() {
    let report = run(r#"
        (module $A (func (export "five") (result i32) i32.const 5))
        (register "a" $A)
        (module $B
          (import "a" "five" (func $five (result i32)))
          (func (export "ten") (result i32) (i32.add (call $five) (call $five))))
        (assert_return (invoke $B "ten") (i32.const 10))
        (assert_return (invoke $A "five") (i32.const 5))
        (assert_unlinkable (module (import "a" "six" (func))) "unknown import")
        (assert_unlinkable (module (import "a" "five" (func (param i32)))) "incompatible import type")
        (assert_unlinkable (module (import "a" "five" (func))) "unknown import")
    "#);
    expect(&report, 4, 1, 0);
    assert_eq!(
        report.failures[0].directive,
        DirectiveKind::AssertUnlinkable
    );
}

#[test]
fn module_definitions_are_instantiated_on_demand() {
    let report = run(r#"
        (module definition $D (global $g (export "g") (mut i32) (i32.const 0))
          (func (export "bump") (result i32)
            (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g)))
        (module instance $I1 $D)
        (module instance $I2 $D)
        (assert_return (invoke $I1 "bump") (i32.const 1))
        (assert_return (invoke $I1 "bump") (i32.const 2))
        (assert_return (invoke $I2 "bump") (i32.const 1))
    "#);
    expect(&report, 3, 0, 0);
}

#[test]
fn spectest_module_matches_the_reference_interpreter() {
    let report = run(r#"
        (module
          (import "spectest" "print_i32" (func $print_i32 (param i32)))
          (import "spectest" "print_f64_f64" (func (param f64 f64)))
          (import "spectest" "global_i32" (global $gi i32))
          (import "spectest" "global_f32" (global $gf f32))
          (import "spectest" "table" (table 10 20 funcref))
          (import "spectest" "memory" (memory 1 2))
          (func (export "gi") (result i32) (call $print_i32 (i32.const 1)) (global.get $gi))
          (func (export "gf") (result f32) (global.get $gf))
          (func (export "table-size") (result i32) table.size 0)
          (func (export "grow") (result i32) (memory.grow (i32.const 1)))
          (func (export "grow-too-far") (result i32) (memory.grow (i32.const 1))))
        (assert_return (invoke "gi") (i32.const 666))
        (assert_return (invoke "gf") (f32.const 666.6))
        (assert_return (invoke "table-size") (i32.const 10))
        (assert_return (invoke "grow") (i32.const 1))
        (assert_return (invoke "grow-too-far") (i32.const -1))
    "#);
    expect(&report, 5, 0, 0);
}

#[test]
fn out_of_scope_features_are_unsupported_never_passed() {
    let report = run(r#"
        (module (func (export "v") (result v128) v128.const i32x4 1 2 3 4))
        (assert_return (invoke "v") (v128.const i32x4 1 2 3 4))
        (assert_trap (invoke "v") "unreachable")
        (invoke "v")
        (assert_invalid (module (func (result i32) v128.const i32x4 0 0 0 0)) "type mismatch")
        (module (func (export "f") (result i32) i32.const 1))
        (assert_return (invoke "f") (i32.const 1))
    "#);
    // The module step, the three uses of it and the SIMD assert_invalid are
    // unsupported; only the last assertion really ran.
    expect(&report, 1, 0, 5);
    assert!(
        report.unsupported_reasons[0].reason.contains("simd"),
        "{:?}",
        report.unsupported_reasons[0]
    );
}

#[test]
fn modules_registered_while_unsupported_make_importers_unsupported() {
    let report = run(r#"
        (module $S (func (export "v") (result v128) v128.const i64x2 0 0))
        (register "s" $S)
        (module (import "s" "v" (func (result v128))))
        (assert_unlinkable (module (import "s" "w" (func))) "unknown import")
    "#);
    expect(&report, 0, 0, 4);
}

#[test]
fn v128_values_are_unsupported() {
    let report = run(r#"
        (module (func (export "f") (param i32) (result i32) local.get 0))
        (assert_return (invoke "f" (v128.const i32x4 0 0 0 0)) (i32.const 0))
        (assert_return (invoke "f" (i32.const 0)) (v128.const i32x4 0 0 0 0))
    "#);
    expect(&report, 0, 0, 2);
    assert_eq!(report.unsupported_reasons[0].reason, "v128 values");
}

#[test]
fn failed_modules_fail_the_directives_that_use_them() {
    let report = run(r#"
        (module (import "nowhere" "f" (func)) (func (export "g")))
        (assert_return (invoke "g"))
        (invoke "g")
    "#);
    expect(&report, 0, 3, 0);
    assert_eq!(report.failures[0].directive, DirectiveKind::Module);
    assert!(report.failures[1].message.contains("failed earlier"));
}

#[test]
fn threads_are_unsupported() {
    let report = run(r#"
        (module $Mem (memory (export "m") 1 1 shared))
        (thread $T (shared (module $Mem)) (register "mem" $Mem))
        (wait $T)
    "#);
    assert_eq!(report.passed, 0);
    assert_eq!(report.failed, 0);
    assert_eq!(report.unsupported, 3);
}

#[test]
fn unparsable_scripts_are_errors() {
    let result = run_str(
        "bad.wast",
        "(assert_return (invoke \"f\"",
        &RunOptions::default(),
    );
    match result {
        Err(WastError::Parse { message }) => assert!(message.contains("bad.wast"), "{message}"),
        other => panic!("expected a parse error, got {other:?}"),
    }
}

#[test]
fn steps_that_succeed_are_not_counted() {
    let report = run(r#"
        (module (func (export "f")))
        (invoke "f")
        (register "m")
    "#);
    expect(&report, 0, 0, 0);
}
