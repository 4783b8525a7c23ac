//! Decoding modules written in the text format, and error offsets on bad input.

use zwasm_decode::*;

fn decode_wat(text: &str) -> Module {
    let bytes = wat::parse_str(text).expect("test module should assemble");
    decode(&bytes).expect("test module should decode")
}

const ALL_SECTIONS: &str = r#"
(module $example
  (type $binop (func (param i32 i32) (result i32)))
  (type $void (func))
  (import "env" "f" (func $imported (type $binop)))
  (import "env" "table" (table 2 10 funcref))
  (import "env" "mem" (memory 1))
  (import "env" "g" (global $g (mut i64)))
  (func $add (export "add") (type $binop) (param $lhs i32) (param $rhs i32) (result i32)
    (local $tmp f32)
    local.get $lhs
    local.get $rhs
    i32.add)
  (func $start (type $void) (data.drop $passive_data))
  (table $t2 3 externref)
  (memory $m2 (export "mem2") 2 4)
  (global $c i32 (i32.const 42))
  (global $e i64 (i64.add (global.get $g) (i64.mul (i64.const 2) (i64.const 3))))
  (global $f f64 (f64.const 1.5))
  (global $r funcref (ref.func $add))
  (global $n externref (ref.null extern))
  (export "g" (global $g))
  (export "t" (table 0))
  (start $start)
  (elem (i32.const 1) $add $start)
  (elem $passive func $add)
  (elem $declared declare func $start)
  (elem $exprs funcref (ref.func $add) (ref.null func))
  (elem (table $t2) (i32.const 0) externref (ref.null extern))
  (data (memory $m2) (i32.const 8) "hello")
  (data $passive_data "xyz")
  (@custom "extra" "payload")
)
"#;

#[test]
fn decodes_every_section_kind() {
    let bytes = wat::parse_str(ALL_SECTIONS).unwrap();
    let module = decode(&bytes).unwrap();

    assert_eq!(
        module.types,
        vec![
            FuncType::new([ValType::I32, ValType::I32], [ValType::I32]),
            FuncType::new([], []),
        ]
    );
    assert_eq!(module.imports.len(), 4);
    assert_eq!(module.imports[0].module, "env");
    assert_eq!(module.imports[0].name, "f");
    assert_eq!(module.imports[0].ty, ImportType::Func(0));
    assert_eq!(
        module.imports[3].ty,
        ImportType::Global(GlobalType {
            content: ValType::I64,
            mutable: true
        })
    );

    // Index spaces put imports first.
    assert_eq!(module.functions, vec![0, 0, 1]);
    assert_eq!(module.func_imports, 1);
    assert_eq!(module.defined_func_count(), 2);
    assert_eq!(
        module.func_type(1).unwrap().results.as_ref(),
        [ValType::I32]
    );
    assert_eq!(module.table_imports, 1);
    assert_eq!(module.tables.len(), 2);
    assert_eq!(module.tables[0].element, RefType::FuncRef);
    assert_eq!(
        module.tables[0].limits,
        Limits {
            min: 2,
            max: Some(10)
        }
    );
    assert_eq!(module.tables[1].element, RefType::ExternRef);
    assert_eq!(module.table_inits, vec![None]);
    assert_eq!(module.memory_imports, 1);
    assert_eq!(module.memories.len(), 2);
    assert_eq!(
        module.memories[1].limits,
        Limits {
            min: 2,
            max: Some(4)
        }
    );
    assert!(!module.memories[1].memory64);
    assert_eq!(module.memories[1].page_size(), 65536);
    assert_eq!(module.global_imports, 1);
    assert_eq!(module.imported_global_types.len(), 1);
    assert_eq!(module.globals.len(), 5);
    assert_eq!(
        module.global_type(0),
        Some(GlobalType {
            content: ValType::I64,
            mutable: true
        })
    );
    assert_eq!(module.global_type(1).unwrap().content, ValType::I32);
    assert_eq!(module.global_type(6), None);

    // Constant expressions, including extended-const arithmetic.
    assert_eq!(module.globals[0].init.ops, vec![ConstOp::I32Const(42)]);
    assert_eq!(
        module.globals[1].init.ops,
        vec![
            ConstOp::GlobalGet(0),
            ConstOp::I64Const(2),
            ConstOp::I64Const(3),
            ConstOp::I64Mul,
            ConstOp::I64Add,
        ]
    );
    assert_eq!(
        module.globals[2].init.ops,
        vec![ConstOp::F64Const(1.5f64.to_bits())]
    );
    assert_eq!(module.globals[3].init.ops, vec![ConstOp::RefFunc(1)]);
    assert_eq!(
        module.globals[4].init.ops,
        vec![ConstOp::RefNull(RefType::ExternRef)]
    );

    let export = |name: &str| module.exports.iter().find(|e| e.name == name).unwrap();
    assert_eq!(export("add").kind, ExternKind::Func);
    assert_eq!(export("add").index, 1);
    assert_eq!(export("mem2").kind, ExternKind::Memory);
    assert_eq!(export("mem2").index, 1);
    assert_eq!(export("g").kind, ExternKind::Global);
    assert_eq!(export("t").kind, ExternKind::Table);
    assert_eq!(module.start, Some(2));

    // Element segments in every form.
    assert_eq!(module.elements.len(), 5);
    assert_eq!(
        module.elements[0].mode,
        ElementMode::Active {
            table: 0,
            offset: ConstExpr {
                ops: vec![ConstOp::I32Const(1)]
            }
        }
    );
    assert_eq!(
        module.elements[0].items,
        ElementItems::Functions(vec![1, 2])
    );
    assert_eq!(module.elements[0].ty, RefType::FuncRef);
    assert_eq!(module.elements[1].mode, ElementMode::Passive);
    assert_eq!(module.elements[2].mode, ElementMode::Declared);
    assert_eq!(
        module.elements[3].items,
        ElementItems::Exprs(vec![
            ConstExpr {
                ops: vec![ConstOp::RefFunc(1)]
            },
            ConstExpr {
                ops: vec![ConstOp::RefNull(RefType::FuncRef)]
            },
        ])
    );
    assert_eq!(module.elements[3].items.len(), 2);
    assert_eq!(module.elements[4].ty, RefType::ExternRef);
    assert!(matches!(
        module.elements[4].mode,
        ElementMode::Active { table: 1, .. }
    ));

    // Data segments keep their contents as byte ranges.
    assert_eq!(module.data.len(), 2);
    assert!(matches!(
        module.data[0].mode,
        DataMode::Active { memory: 1, .. }
    ));
    assert_eq!(&bytes[module.data[0].range.clone()], b"hello");
    assert_eq!(module.data[1].mode, DataMode::Passive);
    assert_eq!(&bytes[module.data[1].range.clone()], b"xyz");
    assert_eq!(module.data_count, Some(2));

    // Bodies are byte ranges: locals then code.
    assert_eq!(module.bodies.len(), 2);
    assert!(module.body(0).is_none());
    let body = &bytes[module.body(1).unwrap().range.clone()];
    assert_eq!(body, &[1, 1, 0x7d, 0x20, 0, 0x20, 1, 0x6a, 0x0b]);

    // Names.
    assert_eq!(module.names.module.as_deref(), Some("example"));
    assert_eq!(module.func_name(0), Some("imported"));
    assert_eq!(module.func_name(1), Some("add"));
    assert_eq!(module.func_name(7), None);
    let locals = &module.names.locals;
    let add_locals = &locals.iter().find(|(f, _)| *f == 1).unwrap().1;
    assert_eq!(
        add_locals,
        &vec![
            (0, "lhs".to_string()),
            (1, "rhs".to_string()),
            (2, "tmp".to_string())
        ]
    );

    // Custom sections, and the section list for `inspect`.
    let extra = module.customs.iter().find(|c| c.name == "extra").unwrap();
    assert_eq!(&bytes[extra.range.clone()], b"payload");
    assert!(module.customs.iter().any(|c| c.name == "name"));
    let kinds: Vec<&str> = module.sections.iter().map(|s| s.kind).collect();
    for kind in [
        "type",
        "import",
        "function",
        "table",
        "memory",
        "global",
        "export",
        "start",
        "element",
        "datacount",
        "code",
        "data",
        "custom",
    ] {
        assert!(kinds.contains(&kind), "missing section {kind} in {kinds:?}");
    }
    let custom = module
        .sections
        .iter()
        .find(|s| s.name.as_deref() == Some("extra"))
        .unwrap();
    assert!(custom.range.start < extra.range.start && custom.range.end == extra.range.end);
    // Sections are listed in file order and lie within the module.
    for pair in module.sections.windows(2) {
        assert!(pair[0].range.end <= pair[1].range.start);
    }
    assert!(module.sections.last().unwrap().range.end <= bytes.len());
}

#[test]
fn decodes_memory64_and_table64() {
    let module = decode_wat(
        r#"(module
             (memory i64 1 65536)
             (table i64 4 funcref)
             (data (i64.const 16) "x"))"#,
    );
    assert!(module.memories[0].memory64);
    assert_eq!(module.memories[0].limits.max, Some(65536));
    assert!(module.tables[0].table64);
    assert_eq!(
        module.data[0].mode,
        DataMode::Active {
            memory: 0,
            offset: ConstExpr {
                ops: vec![ConstOp::I64Const(16)]
            }
        }
    );
}

#[test]
fn decodes_table_initialiser_and_f32_constants() {
    let module = decode_wat(
        r#"(module
             (func $f)
             (table 2 funcref (ref.func $f))
             (global f32 (f32.const -0.5))
             (global i32 (i32.sub (i32.const 1) (i32.const 2))))"#,
    );
    assert_eq!(
        module.table_inits,
        vec![Some(ConstExpr {
            ops: vec![ConstOp::RefFunc(0)]
        })]
    );
    assert_eq!(
        module.globals[0].init.ops,
        vec![ConstOp::F32Const((-0.5f32).to_bits())]
    );
    assert_eq!(
        module.globals[1].init.ops,
        vec![ConstOp::I32Const(1), ConstOp::I32Const(2), ConstOp::I32Sub]
    );
}

#[test]
fn non_constant_instruction_in_const_expr_is_an_error() {
    // (global i32 (i32.ctz (i32.const 0))) written by hand: wat would accept it.
    let bytes = [
        0, b'a', b's', b'm', 1, 0, 0, 0, // header
        6, 7, 1, 0x7f, 0, 0x41, 0, 0x68, 0x0b, // global section
    ];
    let error = decode(&bytes).unwrap_err();
    assert!(
        error.message.contains("constant expression required"),
        "{error}"
    );
    assert_eq!(error.offset, 15);
    assert_eq!(
        error.to_string(),
        format!("{} (at offset 0xf)", error.message)
    );
}

#[test]
fn broken_name_section_is_ignored() {
    let mut bytes = wat::parse_str("(module (func))").unwrap();
    // A custom section called "name" whose function-names subsection claims
    // more bytes than there are.
    bytes.extend_from_slice(&[0, 8, 4, b'n', b'a', b'm', b'e', 1, 10, 1]);
    let module = decode(&bytes).unwrap();
    assert_eq!(module.names, Names::default());
    assert_eq!(module.customs.len(), 1);
    assert_eq!(module.customs[0].name, "name");
}

#[test]
fn empty_and_garbage_input_are_errors() {
    let error = decode(&[]).unwrap_err();
    assert_eq!(error.offset, 0);

    let error = decode(b"not wasm at all").unwrap_err();
    assert_eq!(error.offset, 0);
    assert!(error.message.contains("magic"), "{error}");

    let error = decode(&[0, b'a', b's', b'm', 2, 0, 0, 0]).unwrap_err();
    assert_eq!(error.offset, 4);
}

#[test]
fn truncated_modules_report_offsets_inside_the_input() {
    let bytes = wat::parse_str(ALL_SECTIONS).unwrap();
    for len in 0..bytes.len() {
        // Cutting the module anywhere but at a section boundary is malformed;
        // either way decoding must not panic and offsets stay in bounds.
        if let Err(error) = decode(&bytes[..len]) {
            assert!(
                error.offset <= len,
                "offset {} for length {len}",
                error.offset
            );
        }
    }
    // Cutting inside the type section.
    let error = decode(&bytes[..12]).unwrap_err();
    assert!(error.offset <= 12);
    assert!(error.message.contains("end-of-file"), "{error}");
}

#[test]
fn unknown_section_is_an_error() {
    let bytes = [0, b'a', b's', b'm', 1, 0, 0, 0, 42, 0];
    let error = decode(&bytes).unwrap_err();
    // Reported at the section contents, right after the id and size.
    assert_eq!(error.offset, 10);
    assert!(error.message.contains("section id"), "{error}");
}

#[test]
fn gc_types_are_reported_as_unsupported() {
    let module = wat::parse_str("(module (type (struct (field i32))))").unwrap();
    let error = decode(&module).unwrap_err();
    assert_eq!(error.message, "feature not supported yet: gc");
}

#[test]
fn display_of_types() {
    assert_eq!(
        FuncType::new([ValType::I32, ValType::I64], [ValType::F32]).to_string(),
        "(param i32 i64) (result f32)"
    );
    assert_eq!(FuncType::default().to_string(), "()");
}
