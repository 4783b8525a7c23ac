//! Validation of good, invalid and unsupported modules.

use zwasm_validate::wasmparser::{FuncValidator, Operator, ValidatorResources};
use zwasm_validate::*;

fn wasm(text: &str) -> Vec<u8> {
    wat::parse_str(text).expect("test module should assemble")
}

fn validate(text: &str) -> Result<zwasm_decode::Module, ValidateError> {
    validate_all(&wasm(text), &Features::default())
}

#[test]
fn good_modules_pass() {
    let module = validate(
        r#"(module
             (import "env" "log" (func $log (param i32)))
             (memory 1)
             (table 1 funcref)
             (global $counter (mut i32) (i32.const 0))
             (func $f (export "f") (param i32) (result i32 i64)
               (local f64)
               local.get 0
               i32.extend8_s
               call $log
               (i32.load offset=4 align=4 (i32.const 0))
               i64.const 7)
             (func $tail (param i32) (result i32 i64)
               local.get 0
               return_call $f)
             (func (result i32)
               (memory.fill (i32.const 0) (i32.const 0) (i32.const 4))
               (i32.trunc_sat_f32_s (f32.const 1.5)))
             (elem (i32.const 0) $f))"#,
    )
    .unwrap();
    assert_eq!(module.functions.len(), 4);
    assert_eq!(module.bodies.len(), 3);
}

#[test]
fn type_mismatch_names_the_function_and_offset() {
    let bytes = wasm(
        r#"(module
             (func)
             (func (param i64) (result i32)
               local.get 0))"#,
    );
    let error = validate_all(&bytes, &Features::default()).unwrap_err();
    let ValidateError::Invalid {
        func,
        offset,
        message,
    } = &error
    else {
        panic!("expected Invalid, got {error:?}");
    };
    assert_eq!(*func, Some(1));
    assert!(message.contains("type mismatch"), "{message}");
    // The error is reported at the `end` of the second body (the last byte).
    assert_eq!(bytes[*offset], 0x0b);
    assert_eq!(*offset, bytes.len() - 1);
    assert_eq!(
        error.to_string(),
        format!("func 1 at offset 0x{offset:x}: {message}")
    );
    assert_eq!(error.func(), Some(1));
    assert!(!error.is_unsupported());
}

#[test]
fn function_index_counts_imports() {
    let error = validate(
        r#"(module
             (import "env" "f" (func))
             (func i32.const 0 i64.const 0 i32.add drop))"#,
    )
    .unwrap_err();
    assert_eq!(error.func(), Some(1), "{error}");
}

#[test]
fn unknown_function_is_invalid() {
    let bytes = wasm("(module (func call 5))");
    let error = validate_all(&bytes, &Features::default()).unwrap_err();
    assert!(
        matches!(&error, ValidateError::Invalid { func: Some(0), message, .. }
            if message.contains("unknown function")),
        "{error:?}"
    );
    // `call` is the first operator of the body: size, local count, opcode.
    let call = bytes.iter().rposition(|&b| b == 0x10).unwrap();
    assert_eq!(error.offset(), call);
}

#[test]
fn bad_alignment_is_invalid() {
    let error = validate(
        r#"(module (memory 1)
             (func (drop (i32.load align=8 (i32.const 0)))))"#,
    )
    .unwrap_err();
    assert!(
        matches!(&error, ValidateError::Invalid { func: Some(0), message, .. }
            if message.contains("alignment")),
        "{error:?}"
    );
}

#[test]
fn module_level_errors_have_no_function() {
    let error = validate("(module (func) (start 3))").unwrap_err();
    assert!(
        matches!(&error, ValidateError::Invalid { func: None, .. }),
        "{error:?}"
    );
    assert!(error.to_string().starts_with("at offset 0x"), "{error}");
}

#[test]
fn simd_function_is_unsupported() {
    let bytes = wasm(
        r#"(module
             (func)
             (func (result i32)
               (i32x4.extract_lane 0 (v128.const i32x4 1 2 3 4))))"#,
    );
    let error = validate_all(&bytes, &Features::default()).unwrap_err();
    assert_eq!(
        error,
        ValidateError::Unsupported {
            feature: "simd",
            func: Some(1),
            offset: error.offset(),
        }
    );
    assert!(error.is_unsupported());
    assert_eq!(bytes[error.offset()], 0xfd);
    assert_eq!(
        error.to_string(),
        format!(
            "feature not supported yet: simd (func 1 at offset 0x{:x})",
            error.offset()
        )
    );
}

#[test]
fn v128_in_signature_is_unsupported() {
    let error = validate("(module (func (param v128)))").unwrap_err();
    assert!(
        matches!(
            error,
            ValidateError::Unsupported {
                feature: "simd",
                func: None,
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn other_proposals_are_unsupported() {
    let cases = [
        ("(module (memory 1 1 shared))", "threads"),
        ("(module (tag))", "exceptions"),
        ("(module (type (struct)))", "gc"),
        (
            "(module (type $t (func)) (func (param (ref $t))))",
            "function-references",
        ),
        (
            "(module (func (param i64 i64 i64 i64) (result i64 i64) \
               local.get 0 local.get 1 local.get 2 local.get 3 i64.add128))",
            "wide-arithmetic",
        ),
        ("(module (memory 1 (pagesize 1)))", "custom-page-sizes"),
    ];
    for (text, feature) in cases {
        let error = validate(text).unwrap_err();
        assert!(
            matches!(&error, ValidateError::Unsupported { feature: f, .. } if *f == feature),
            "{text}: {error:?}"
        );
    }
}

#[test]
fn shared_flag_bytes_are_malformed_not_unsupported() {
    const HEADER: &[u8] = b"\0asm\x01\0\0\0";
    // Global section: one i32 global, mutability byte 0x02, `i32.const 0`.
    let global = [HEADER, &[0x06, 0x06, 0x01, 0x7f, 0x02, 0x41, 0x00, 0x0b]].concat();
    // Table section: one funcref table, limits flag 0x02, min 0.
    let table = [HEADER, &[0x04, 0x04, 0x01, 0x70, 0x02, 0x00]].concat();
    for (bytes, expected) in [
        (global, "malformed mutability"),
        (table, "malformed limits flags"),
    ] {
        for features in [Features::default(), Features::wasm2()] {
            let error = validate_all(&bytes, &features).unwrap_err();
            assert!(
                matches!(&error, ValidateError::Invalid { message, .. } if message.starts_with(expected)),
                "{error:?}"
            );
        }
    }
}

#[test]
fn requesting_an_unsupported_feature_fails() {
    let features = Features {
        simd: true,
        ..Features::default()
    };
    assert_eq!(
        features.check_supported().unwrap_err().to_string(),
        "feature not supported yet: simd (at offset 0x0)"
    );
    assert!(validate_all(&wasm("(module)"), &features).is_err());
    assert!(Features::default().check_supported().is_ok());
}

#[test]
fn disabled_supported_proposal_is_invalid_not_unsupported() {
    let bytes = wasm("(module (func (param i32) (result i32) local.get 0 return_call 0))");
    assert!(validate_all(&bytes, &Features::default()).is_ok());
    let error = validate_all(&bytes, &Features::wasm2()).unwrap_err();
    assert!(
        matches!(&error, ValidateError::Invalid { func: Some(0), message, .. }
            if message.contains("tail-call")),
        "{error:?}"
    );
}

#[test]
fn malformed_input_is_invalid_with_offset() {
    let error = validate_all(b"\0asm\x01\0\0\0\x01\x05", &Features::default()).unwrap_err();
    assert!(error.offset() <= 10, "{error}");
    let error = validate_all(&[], &Features::default()).unwrap_err();
    assert_eq!(error.offset(), 0);
}

#[test]
fn validate_module_skips_bodies() {
    let bytes = wasm("(module (func (result i32) i64.const 0) (func))");
    let validated = validate_module(&bytes, &Features::default()).unwrap();
    assert_eq!(validated.functions.len(), 2);
    assert_eq!(validated.functions[1].index, 1);
    assert_eq!(validated.module.bodies.len(), 2);
}

/// Records what the validator hands to a sink.
#[derive(Default)]
struct Recorder {
    locals: Vec<(u32, zwasm_decode::ValType)>,
    operators: Vec<(String, usize, u32, u32)>,
    fail_at: Option<usize>,
}

impl OperatorSink for Recorder {
    fn locals(&mut self, count: u32, ty: zwasm_decode::ValType) {
        self.locals.push((count, ty));
    }

    fn operator(
        &mut self,
        op: &Operator<'_>,
        offset: usize,
        validator: &FuncValidator<ValidatorResources>,
    ) -> Result<(), String> {
        if self.fail_at == Some(self.operators.len()) {
            return Err("too many operators".to_string());
        }
        self.operators.push((
            format!("{op:?}"),
            offset,
            validator.operand_stack_height(),
            validator.control_stack_height(),
        ));
        Ok(())
    }
}

#[test]
fn sink_sees_locals_and_validated_operators() {
    let bytes = wasm(
        r#"(module
             (import "env" "f" (func))
             (func (param i32) (result i32)
               (local i64 i64) (local externref)
               (block (result i32) local.get 0)))"#,
    );
    let validated = validate_module(&bytes, &Features::default()).unwrap();
    let mut functions = validated.functions.into_iter();
    let func = functions.next().unwrap();
    assert_eq!(func.index, 1);
    let mut sink = Recorder::default();
    FunctionValidator::new()
        .validate(&bytes, &validated.module, 1, func, &mut sink)
        .unwrap();
    assert_eq!(
        sink.locals,
        vec![
            (2, zwasm_decode::ValType::I64),
            (1, zwasm_decode::ValType::ExternRef)
        ]
    );
    let names: Vec<&str> = sink.operators.iter().map(|(n, ..)| n.as_str()).collect();
    assert_eq!(names.len(), 4);
    assert!(names[0].starts_with("Block"));
    assert!(names[1].starts_with("LocalGet"));
    assert_eq!(names[2..], ["End", "End"]);
    // Stack heights after each operator.
    let heights: Vec<(u32, u32)> = sink.operators.iter().map(|o| (o.2, o.3)).collect();
    assert_eq!(heights, vec![(0, 2), (1, 2), (1, 1), (1, 0)]);
    // Offsets are module offsets, increasing, and the last is the final `end`.
    let offsets: Vec<usize> = sink.operators.iter().map(|o| o.1).collect();
    assert!(offsets.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(*offsets.last().unwrap(), bytes.len() - 1);
}

#[test]
fn sink_error_is_invalid_and_validator_is_reusable() {
    let bytes = wasm("(module (func nop nop) (func nop))");
    let validated = validate_module(&bytes, &Features::default()).unwrap();
    let mut validator = FunctionValidator::new();
    let mut functions = validated.functions.into_iter();
    let mut failing = Recorder {
        fail_at: Some(1),
        ..Recorder::default()
    };
    let error = validator
        .validate(
            &bytes,
            &validated.module,
            0,
            functions.next().unwrap(),
            &mut failing,
        )
        .unwrap_err();
    assert!(
        matches!(&error, ValidateError::Invalid { func: Some(0), message, .. }
            if message == "too many operators"),
        "{error:?}"
    );
    let mut sink = Recorder::default();
    validator
        .validate(
            &bytes,
            &validated.module,
            1,
            functions.next().unwrap(),
            &mut sink,
        )
        .unwrap();
    assert_eq!(sink.operators.len(), 2);
}
