//! Translator unit tests: each checks the exact ops of a small function.

use zwasm_decode::Module;
use zwasm_ir_stack::{
    BrTableRef, BranchTarget, Function, MemArg, Op, Translator, VerifyError, compile, verify,
};
use zwasm_validate::{Features, ValidateError, validate_module};

fn compile_wat(source: &str) -> (Module, Vec<Function>) {
    let bytes = wat::parse_str(source).expect("test module parses");
    let (module, functions) = compile(&bytes, &Features::default()).expect("test module compiles");
    for function in &functions {
        verify(function, &module).expect("translation verifies");
    }
    (module, functions)
}

/// The last function of a one-module source.
fn translate_last(source: &str) -> Function {
    compile_wat(source).1.pop().expect("at least one function")
}

fn target(pc: u32, height: u32, arity: u32) -> BranchTarget {
    BranchTarget { pc, height, arity }
}

#[test]
fn block_results_are_kept_by_branches_out_of_nested_blocks() {
    let function = translate_last(
        r#"(module (func (param i32) (result i32 i64)
            (block $outer (result i32 i64)
              (i32.const 9)
              (block $inner
                (br_if $inner (local.get 0))
                (br $outer (i32.const 1) (i64.const 2)))
              (drop)
              (i32.const 3) (i64.const 4))))"#,
    );
    assert_eq!(
        function.code,
        vec![
            Op::I32Const { value: 9 },
            Op::LocalGet { index: 0 },
            Op::BrIf {
                target: target(6, 2, 0)
            },
            Op::I32Const { value: 1 },
            Op::I64Const { value: 2 },
            Op::Br {
                target: target(9, 1, 2)
            },
            Op::Drop,
            Op::I32Const { value: 3 },
            Op::I64Const { value: 4 },
            // The outer block's end and the function's end share this pc.
            Op::Return,
        ]
    );
    assert_eq!(function.max_stack_height, 3);
    assert_eq!(function.result_count, 2);
}

#[test]
fn loop_with_params_branches_to_its_start_with_param_arity() {
    let function = translate_last(
        r#"(module (func (param i32) (result i32)
            (i32.const 0)
            (loop $l (param i32) (result i32)
              (i32.add (i32.const 1))
              (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))"#,
    );
    let loop_start = 1;
    assert_eq!(
        function.code,
        vec![
            Op::I32Const { value: 0 },
            Op::I32Const { value: 1 },
            Op::I32Add,
            Op::LocalGet { index: 0 },
            Op::I32Const { value: 1 },
            Op::I32Sub,
            Op::LocalTee { index: 0 },
            Op::BrIf {
                target: target(loop_start, 1, 1)
            },
            Op::Return,
        ]
    );
}

#[test]
fn if_else_jumps_to_else_and_over_it() {
    let function = translate_last(
        r#"(module (func (param i32) (result i32)
            (if (result i32) (local.get 0)
              (then (i32.const 1))
              (else (i32.const 2)))))"#,
    );
    assert_eq!(
        function.code,
        vec![
            Op::LocalGet { index: 0 },
            Op::JumpIfZero { pc: 4 },
            Op::I32Const { value: 1 },
            Op::Jump { pc: 5 },
            Op::I32Const { value: 2 },
            Op::Return,
        ]
    );
}

#[test]
fn if_without_else_with_params_falls_through_on_false() {
    let function = translate_last(
        r#"(module (func (param i32 i32) (result i32)
            (local.get 0)
            (if (param i32) (result i32) (local.get 1)
              (then (i32.const 1) (i32.add)))
            (i32.const 5) (i32.mul)))"#,
    );
    assert_eq!(
        function.code,
        vec![
            Op::LocalGet { index: 0 },
            Op::LocalGet { index: 1 },
            Op::JumpIfZero { pc: 5 },
            Op::I32Const { value: 1 },
            Op::I32Add,
            Op::I32Const { value: 5 },
            Op::I32Mul,
            Op::Return,
        ]
    );
}

#[test]
fn then_part_ending_in_a_branch_emits_no_jump_over_else() {
    let function = translate_last(
        r#"(module (func (param i32) (result i32)
            (if (result i32) (local.get 0)
              (then (return (i32.const 1)))
              (else (i32.const 2)))))"#,
    );
    assert_eq!(
        function.code,
        vec![
            Op::LocalGet { index: 0 },
            Op::JumpIfZero { pc: 4 },
            Op::I32Const { value: 1 },
            Op::Return,
            Op::I32Const { value: 2 },
            Op::Return,
        ]
    );
}

#[test]
fn br_table_resolves_block_loop_and_function_labels() {
    let function = translate_last(
        r#"(module (func (param i32) (result i64)
            (i64.const 0)
            (loop $loop (param i64) (result i64)
              (block $block (param i64) (result i64)
                (br_table $block $loop 2 (local.get 0)))
              (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
              (br $loop))))"#,
    );
    assert_eq!(
        function.code,
        vec![
            Op::I64Const { value: 0 },
            Op::LocalGet { index: 0 },
            Op::BrTable {
                targets: BrTableRef { start: 0, len: 3 }
            },
            Op::LocalGet { index: 0 },
            Op::I32Const { value: 1 },
            Op::I32Sub,
            Op::LocalSet { index: 0 },
            Op::Br {
                target: target(1, 1, 1)
            },
            Op::Return,
        ]
    );
    assert_eq!(
        function.br_tables,
        vec![
            target(3, 1, 1), // $block: after its end, carrying its result
            target(1, 1, 1), // $loop: its start, carrying its parameter
            target(8, 1, 1), // the function label: the final return
        ]
    );
}

#[test]
fn branches_to_the_function_label() {
    let function = translate_last(
        r#"(module (func (param i32) (result i32)
            (br_if 0 (i32.const 1) (local.get 0))
            (drop)
            (br 0 (i32.const 2))))"#,
    );
    assert_eq!(
        function.code,
        vec![
            Op::I32Const { value: 1 },
            Op::LocalGet { index: 0 },
            // br_if to the function label goes to the final `return`.
            Op::BrIf {
                target: target(6, 1, 1)
            },
            Op::Drop,
            Op::I32Const { value: 2 },
            // An unconditional br to it is a return.
            Op::Return,
            Op::Return,
        ]
    );
}

#[test]
fn dead_code_after_branches_emits_nothing() {
    let function = translate_last(
        r#"(module (func (result i32)
            (block $b
              (br $b)
              (drop (i32.const 1))
              (block (loop (br 0)))
              (if (i32.const 0) (then (nop)) (else (unreachable))))
            (block
              (return (i32.const 3))
              (i32.const 4)
              (drop))
            (unreachable)))"#,
    );
    assert_eq!(
        function.code,
        vec![
            Op::Br {
                target: target(1, 0, 0)
            },
            Op::I32Const { value: 3 },
            Op::Return,
        ]
    );
}

#[test]
fn unreachable_block_end_stays_dead_but_a_branched_to_end_is_live() {
    let function = translate_last(
        r#"(module (func (param i32) (result i32)
            (block (unreachable))
            (i32.const 1)
            (drop)
            (block $b (br_if $b (local.get 0)) (unreachable))
            (i32.const 2)))"#,
    );
    assert_eq!(function.code, vec![Op::Unreachable]);

    let function = translate_last(
        r#"(module (func (param i32) (result i32)
            (block $b (br_if $b (local.get 0)) (unreachable))
            (i32.const 2)))"#,
    );
    assert_eq!(
        function.code,
        vec![
            Op::LocalGet { index: 0 },
            Op::BrIf {
                target: target(3, 1, 0)
            },
            Op::Unreachable,
            Op::I32Const { value: 2 },
            Op::Return,
        ]
    );
}

#[test]
fn tail_calls_terminate_the_code() {
    let (_, functions) = compile_wat(
        r#"(module
            (type $t (func (param i32) (result i32)))
            (table 1 funcref)
            (func $f (type $t) (return_call $f (local.get 0)) (drop (i32.const 1)) (i32.const 2))
            (func (type $t) (return_call_indirect 0 (type $t) (local.get 0) (i32.const 0))))"#,
    );
    assert_eq!(
        functions[0].code,
        vec![Op::LocalGet { index: 0 }, Op::ReturnCall { func: 0 }]
    );
    assert_eq!(
        functions[1].code,
        vec![
            Op::LocalGet { index: 0 },
            Op::I32Const { value: 0 },
            Op::ReturnCallIndirect {
                type_index: 0,
                table: 0
            },
        ]
    );
}

#[test]
fn memory_ops_keep_memory_offset_and_alignment() {
    let function = translate_last(
        r#"(module
            (memory i64 1)
            (memory $second 1)
            (func (param i64) (result i64)
              (i32.store8 $second offset=3 (i32.const 0) (i32.const 1))
              (memory.copy 1 0 (i32.const 0) (i64.const 0) (i32.const 0))
              (i64.load offset=0x100000000 align=2 (local.get 0))))"#,
    );
    assert_eq!(
        function.code,
        vec![
            Op::I32Const { value: 0 },
            Op::I32Const { value: 1 },
            Op::I32Store8 {
                mem: MemArg {
                    memory: 1,
                    offset: 3,
                    align: 0
                }
            },
            Op::I32Const { value: 0 },
            Op::I64Const { value: 0 },
            Op::I32Const { value: 0 },
            Op::MemoryCopy { dst: 1, src: 0 },
            Op::LocalGet { index: 0 },
            Op::I64Load {
                mem: MemArg {
                    memory: 0,
                    offset: 0x1_0000_0000,
                    align: 1
                }
            },
            Op::Return,
        ]
    );
}

#[test]
fn calls_selects_and_references_map_directly() {
    let function = translate_last(
        r#"(module
            (type $t (func (param i32)))
            (table $a 1 funcref) (table $b 1 funcref)
            (func $g (param i32))
            (elem declare func $g)
            (func (param externref) (result externref)
              (call $g (i32.const 1))
              (call_indirect $b (type $t) (i32.const 2) (i32.const 0))
              (drop (select (i32.const 1) (i32.const 2) (i32.const 0)))
              (drop (ref.func $g))
              (select (result externref) (local.get 0) (ref.null extern) (i32.const 1))))"#,
    );
    assert_eq!(
        function.code,
        vec![
            Op::I32Const { value: 1 },
            Op::Call { func: 0 },
            Op::I32Const { value: 2 },
            Op::I32Const { value: 0 },
            Op::CallIndirect {
                type_index: 0,
                table: 1
            },
            Op::I32Const { value: 1 },
            Op::I32Const { value: 2 },
            Op::I32Const { value: 0 },
            Op::Select,
            Op::Drop,
            Op::RefFunc { func: 0 },
            Op::Drop,
            Op::LocalGet { index: 0 },
            Op::RefNull,
            Op::I32Const { value: 1 },
            Op::Select,
            Op::Return,
        ]
    );
}

#[test]
fn header_counts_locals_and_offsets_follow_the_code() {
    let source = r#"(module (func $f (param f32 i64) (result f64) (local i32 i32) (local f64)
        (local.get 4)))"#;
    let bytes = wat::parse_str(source).unwrap();
    let (module, functions) = compile(&bytes, &Features::default()).unwrap();
    let function = &functions[0];
    assert_eq!(
        (
            function.param_count,
            function.result_count,
            function.local_count
        ),
        (2, 1, 5)
    );
    use zwasm_decode::ValType::*;
    assert_eq!(function.local_types, vec![F32, I64, I32, I32, F64]);
    assert_eq!(function.max_stack_height, 1);
    assert_eq!(function.offsets.len(), function.code.len());
    // local.get 4 is `20 04`, then `0b` for the final end.
    let get = function.offsets[0] as usize;
    assert_eq!(&bytes[get..get + 3], &[0x20, 0x04, 0x0b]);
    assert_eq!(function.offsets[1] as usize, get + 2);
    let dump = function.display(&module).to_string();
    assert!(dump.starts_with("func[0] $f (param f32 i64) (result f64)  ; type 0, locals 5 (f32 i64 i32 i32 f64), max stack 1"), "{dump}");
}

#[test]
fn translator_is_reusable_across_modules() {
    let first = wat::parse_str(
        r#"(module (func (param i32) (result i32) (block (result i32) (local.get 0) (br_if 0 (i32.const 1)))))"#,
    )
    .unwrap();
    let second =
        wat::parse_str(r#"(module (func (result i64) (local i64 i64) (i64.const 5)))"#).unwrap();
    let mut translator = Translator::new();
    let mut translate_all = |bytes: &[u8]| {
        let validated = validate_module(bytes, &Features::default()).unwrap();
        let module = validated.module;
        validated
            .functions
            .into_iter()
            .map(|func| {
                let index = func.index;
                translator.translate(bytes, &module, index, func).unwrap()
            })
            .collect::<Vec<_>>()
    };
    let a1 = translate_all(&first);
    let b = translate_all(&second);
    let a2 = translate_all(&first);
    assert_eq!(a1, a2);
    assert_eq!(b[0].local_count, 2);
    assert_eq!(b[0].code, vec![Op::I64Const { value: 5 }, Op::Return]);
    assert_eq!(compile(&second, &Features::default()).unwrap().1, b);
}

#[test]
fn simd_is_reported_unsupported() {
    let bytes = wat::parse_str(
        r#"(module (func (result i32) (v128.const i64x2 1 2) (i32x4.extract_lane 0)))"#,
    )
    .unwrap();
    let error = compile(&bytes, &Features::default()).unwrap_err();
    assert!(error.is_unsupported(), "{error}");
}

#[test]
fn local_counts_are_limited_without_huge_allocations() {
    let ok = format!("(module (func (local {})))", "i32 ".repeat(50_000));
    let (_, functions) = compile_wat(&ok);
    assert_eq!(functions[0].local_count, 50_000);

    let too_many =
        wat::parse_str(format!("(module (func (local {})))", "i64 ".repeat(50_001))).unwrap();
    assert!(matches!(
        compile(&too_many, &Features::default()),
        Err(ValidateError::Invalid { .. })
    ));

    // One local group of u32::MAX i32s.
    let huge: &[u8] = &[
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
        0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: () -> ()
        0x03, 0x02, 0x01, 0x00, // function section
        0x0a, 0x0a, 0x01, 0x08, 0x01, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, 0x0b, // code
    ];
    assert!(matches!(
        compile(huge, &Features::default()),
        Err(ValidateError::Invalid { .. })
    ));
}

#[test]
fn verify_catches_broken_translations() {
    let (module, functions) = compile_wat(
        r#"(module (func (param i32) (result i32)
            (block $b (result i32) (br_if $b (i32.const 1) (local.get 0)) (drop) (i32.const 2))))"#,
    );
    let good = &functions[0];
    assert_eq!(verify(good, &module), Ok(()));

    let mut broken = good.clone();
    broken.code.pop();
    broken.offsets.pop();
    assert_eq!(verify(&broken, &module), Err(VerifyError::FallsOffEnd));

    let mut broken = good.clone();
    broken.offsets.pop();
    assert!(matches!(
        verify(&broken, &module),
        Err(VerifyError::OffsetsLength { .. })
    ));

    let mut broken = good.clone();
    broken.code[2] = Op::BrIf {
        target: target(99, 1, 1),
    };
    assert!(matches!(
        verify(&broken, &module),
        Err(VerifyError::TargetOutOfRange { .. })
    ));

    let mut broken = good.clone();
    broken.code[2] = Op::BrIf {
        target: target(5, 1, 0),
    };
    assert!(matches!(
        verify(&broken, &module),
        Err(VerifyError::HeightMismatch { .. })
    ));

    let mut broken = good.clone();
    broken.code[1] = Op::LocalGet { index: 1 };
    assert!(matches!(
        verify(&broken, &module),
        Err(VerifyError::IndexOutOfRange { space: "local", .. })
    ));

    let mut broken = good.clone();
    broken.code[3] = Op::I32Add;
    assert!(matches!(
        verify(&broken, &module),
        Err(VerifyError::StackUnderflow { .. })
    ));

    let mut broken = good.clone();
    broken.max_stack_height = 1;
    assert!(matches!(
        verify(&broken, &module),
        Err(VerifyError::StackOverflow { .. }) | Err(VerifyError::BadTargetHeight { .. })
    ));

    let mut broken = good.clone();
    broken.code.insert(broken.code.len() - 1, Op::Return);
    broken.offsets.push(0);
    assert!(matches!(
        verify(&broken, &module),
        Err(VerifyError::Unreachable { .. })
    ));
}
