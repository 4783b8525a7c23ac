//! On-stack entry variants (`osr_variant`): for every block of optimised
//! functions, the variant must verify against a module extended with its
//! signature, start with a jump to the header, take the header's parameters
//! first, and keep the function's results.

use arbitrary::Unstructured;
use proptest::prelude::*;
use zwasm_decode::{FuncType, Module, ValType};
use zwasm_ir_reg::{
    Block, Opcode, OsrVariant, RegFunction, ValueDef, compile_module, osr_variant, passes, verify,
};
use zwasm_validate::Features;

/// The variant of `func` at `header`, checked; `module` gains its type and
/// a function index for it (as the JIT does).
fn checked_variant(module: &Module, func: &RegFunction, header: Block) -> OsrVariant {
    let mut extended = module.clone();
    let original = &module.types[func.type_index() as usize];
    let func_index = extended.functions.len() as u32;
    let type_index = extended.types.len() as u32;
    // The type is only known once the inputs are: build, then register.
    let variant = osr_variant(func, header, func_index, type_index)
        .unwrap_or_else(|e| panic!("func {} at {header}: {e}", func.func_index()));
    let params: Vec<ValType> = variant
        .inputs
        .iter()
        .map(|&value| func.value_type(value))
        .collect();
    extended.types.push(FuncType {
        params: params.into(),
        results: original.results.clone(),
    });
    extended.functions.push(type_index);
    if let Err(error) = verify(&variant.func, &extended) {
        panic!(
            "func {} at {header}: {error}\n{}\nvariant:\n{}",
            func.func_index(),
            func.display(module),
            variant.func.display(&extended)
        );
    }
    let header_params = func.block_params(header);
    assert_eq!(&variant.inputs[..header_params.len()], header_params);
    for &input in &variant.inputs {
        // Constants are re-materialised, never passed.
        if let ValueDef::Result(inst) = func.value_def(input) {
            assert!(!matches!(
                func.opcode(inst),
                Opcode::I32Const { .. } | Opcode::I64Const { .. }
            ));
        }
    }
    let entry = variant.func.entry_block();
    let jump = variant.func.terminator(entry).expect("entry terminator");
    assert_eq!(variant.func.opcode(jump), Opcode::Jump);
    variant
}

/// Optimised functions of `bytes`.
fn functions(bytes: &[u8]) -> (Module, Vec<RegFunction>) {
    let (module, mut functions) = compile_module(bytes, &Features::default()).expect("compiles");
    for func in &mut functions {
        passes::run_default(func);
    }
    (module, functions)
}

/// Blocks that are the target of an edge from a block laid out at or after
/// them: where the interpreter counts loop iterations.
fn loop_headers(func: &RegFunction) -> Vec<Block> {
    func.blocks()
        .filter(|&header| {
            func.blocks()
                .any(|block| block.0 >= header.0 && func.successors(block).any(|s| s == header))
        })
        .collect()
}

const NESTED: &str = r#"
(module
  (memory 1)
  (func (export "nested") (param $n i32) (result i64)
    (local $i i32) (local $j i32) (local $acc i64) (local $scale i64)
    (local.set $scale (i64.extend_i32_u (local.get $n)))
    (loop $outer
      ;; defined in the outer loop, used in the inner one
      (local.set $acc (i64.add (local.get $acc) (local.get $scale)))
      (local.set $j (i32.const 0))
      (loop $inner
        (local.set $acc (i64.add (local.get $acc)
          (i64.mul (i64.extend_i32_u (local.get $j)) (i64.const 3))))
        (i32.store (i32.const 8) (local.get $j))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $inner (i32.lt_u (local.get $j) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $acc))
  (func (export "multi") (param i32 f64) (result i32 f64)
    (local $k i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_s (local.get $k) (local.get 0)))
        (local.set 1 (f64.add (local.get 1) (f64.const 0.5)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $l)))
    (local.get $k) (local.get 1))
  (func (export "early") (param i32) (result i32)
    (local $x i32)
    (local.set $x (i32.mul (local.get 0) (i32.const 7)))
    (loop $l (result i32)
      (if (i32.eqz (local.get 0)) (then (return (local.get $x))))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l (i32.gt_s (local.get 0) (i32.const 5)))
      (i32.add (local.get $x) (local.get 0))))
)
"#;

#[test]
fn every_block_of_handwritten_loops_gets_a_verified_variant() {
    let bytes = wat::parse_str(NESTED).expect("assembles");
    let (module, functions) = functions(&bytes);
    let mut headers = 0;
    for func in &functions {
        headers += loop_headers(func).len();
        for block in func.blocks() {
            checked_variant(&module, func, block);
        }
    }
    assert!(
        headers >= 4,
        "expected the loops to be found, got {headers}"
    );
}

#[test]
fn inner_loop_variant_threads_values_of_the_outer_loop() {
    let bytes = wat::parse_str(NESTED).expect("assembles");
    let (module, functions) = functions(&bytes);
    let nested = &functions[0];
    let headers = loop_headers(nested);
    // The inner loop header is the last one in layout order.
    let inner = *headers.last().expect("a loop");
    let variant = checked_variant(&module, nested, inner);
    // The variant reaches the outer loop again, so it has at least the
    // blocks of both loops but none of the code before the outer loop.
    assert!(variant.func.num_blocks() >= 3);
    assert!(variant.func.num_blocks() <= nested.num_blocks() + 1);
}

#[test]
fn missing_block_is_an_error() {
    let bytes = wat::parse_str(NESTED).expect("assembles");
    let (_, functions) = functions(&bytes);
    let func = &functions[0];
    let beyond = Block(func.num_blocks() as u32);
    assert!(osr_variant(func, beyond, 0, 0).is_err());
}

fn smith_module(seed: &[u8]) -> Option<Vec<u8>> {
    let config = wasm_smith::Config {
        simd_enabled: false,
        relaxed_simd_enabled: false,
        threads_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        wide_arithmetic_enabled: false,
        custom_page_sizes_enabled: false,
        compact_imports_enabled: false,
        shared_everything_threads_enabled: false,
        tail_call_enabled: true,
        multi_value_enabled: true,
        reference_types_enabled: true,
        bulk_memory_enabled: true,
        ..wasm_smith::Config::default()
    };
    let mut u = Unstructured::new(seed);
    wasm_smith::Module::new(config, &mut u)
        .ok()
        .map(|module| module.to_bytes())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn smith_loop_headers_get_verified_variants(seed in proptest::collection::vec(any::<u8>(), 64..2048)) {
        if let Some(bytes) = smith_module(&seed)
            && let Ok((module, mut functions)) = compile_module(&bytes, &Features::default())
        {
            for func in &mut functions {
                passes::run_default(func);
                for header in loop_headers(func) {
                    checked_variant(&module, func, header);
                }
            }
        }
    }
}
