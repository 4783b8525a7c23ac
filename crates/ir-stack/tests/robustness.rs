//! Robustness of the decode → validate → translate pipeline against hostile
//! input: arbitrary bytes, wasm-smith modules and mutations of valid modules
//! must never panic, every error must point inside the input, and the stages
//! must agree with each other.

use arbitrary::Unstructured;
use proptest::prelude::*;
use zwasm_validate::{Features, ValidateError};

/// Runs every stage on `bytes` and checks the invariants that hold for any
/// input. Returns whether the module was accepted.
fn run_pipeline(bytes: &[u8]) -> bool {
    let features = Features::default();
    let in_bounds = |error: &ValidateError, stage: &str| {
        assert!(
            error.offset() <= bytes.len(),
            "{stage}: offset {} beyond {} bytes: {error}",
            error.offset(),
            bytes.len()
        );
    };

    let decoded = zwasm_decode::decode(bytes);
    if let Err(error) = &decoded {
        assert!(
            error.offset <= bytes.len(),
            "decode: offset {} beyond {} bytes: {error}",
            error.offset,
            bytes.len()
        );
    }

    let validated = zwasm_validate::validate_all(bytes, &features);
    if let Err(error) = &validated {
        in_bounds(error, "validate");
    }

    let compiled = zwasm_ir_stack::compile(bytes, &features);
    if let Err(error) = &compiled {
        in_bounds(error, "compile");
    }

    match (&validated, &compiled) {
        (Ok(module), Ok((compiled_module, functions))) => {
            // A valid module decodes the same way without validation.
            assert_eq!(decoded.as_ref().ok(), Some(module), "decode disagrees");
            assert_eq!(compiled_module, module);
            assert_eq!(functions.len() as u32, module.defined_func_count());
            true
        }
        (Err(_), Ok(_)) => panic!("compile accepted a module that validation rejects"),
        // Translation may only add implementation limits, reported as invalid.
        (Ok(_), Err(error)) => {
            assert!(
                matches!(error, ValidateError::Invalid { func: Some(_), .. }),
                "compile rejected a valid module: {error}"
            );
            false
        }
        (Err(_), Err(_)) => false,
    }
}

/// A wasm-smith configuration generating only what zwasm supports.
fn smith_config() -> wasm_smith::Config {
    wasm_smith::Config {
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
        extended_const_enabled: true,
        memory64_enabled: true,
        reference_types_enabled: true,
        bulk_memory_enabled: true,
        multi_value_enabled: true,
        max_memories: 4,
        max_tables: 4,
        generate_custom_sections: true,
        ..wasm_smith::Config::default()
    }
}

/// A valid module built by wasm-smith from `seed`, if the seed is long enough.
fn smith_module(seed: &[u8]) -> Option<Vec<u8>> {
    let mut u = Unstructured::new(seed);
    wasm_smith::Module::new(smith_config(), &mut u)
        .ok()
        .map(|module| module.to_bytes())
}

/// Hand-written modules covering most constructs, used as mutation seeds.
const SEED_MODULES: &[&str] = &[
    r#"(module
         (type $t (func (param i32) (result i32)))
         (import "env" "f" (func $imp (type $t)))
         (import "env" "m" (memory 1 2))
         (table $tab 4 funcref)
         (global $g (mut i32) (i32.const 7))
         (global $k i64 (i64.add (i64.const 1) (i64.const 2)))
         (func $main (export "main") (param i32) (result i32) (local i64 f32)
           (block $out (result i32)
             (loop $again
               local.get 0
               i32.eqz
               br_if $again
               (br_table $out $out (i32.const 3) (local.get 0)))
             i32.const 1)
           (if (result i32) (then (i32.load offset=4 (i32.const 0)))
                            (else (call_indirect (type $t) (i32.const 1) (i32.const 0))))
           global.get $g
           i32.add)
         (func (param i32) (result i32)
           local.get 0
           return_call $main)
         (elem (table $tab) (i32.const 0) func $main $imp)
         (data (memory 0) (i32.const 16) "data"))"#,
    r#"(module
         (memory $a i64 1)
         (memory $b 1)
         (data $d "abc")
         (elem $e funcref (ref.null func))
         (table 2 externref)
         (func (result i64 i32)
           (memory.init $b $d (i32.const 0) (i32.const 0) (i32.const 3))
           (memory.copy $a $b (i64.const 0) (i32.const 0) (i32.const 3))
           (data.drop $d)
           (table.grow 0 (ref.null extern) (i32.const 1))
           drop
           (i64.load $a (i64.const 0))
           (i32.trunc_sat_f64_s (f64.const 3.5))
           i32.extend8_s))"#,
    r#"(module
         (func $fib (export "fib") (param i64) (result i64)
           (if (result i64) (i64.lt_u (local.get 0) (i64.const 2))
             (then (local.get 0))
             (else
               (i64.add
                 (call $fib (i64.sub (local.get 0) (i64.const 1)))
                 (call $fib (i64.sub (local.get 0) (i64.const 2)))))))
         (func (param f32 f64) (result f64)
           (select (f64.promote_f32 (local.get 0)) (local.get 1) (i32.const 1))
           (f64.sqrt)
           (block (param f64) (result f64) f64.neg)))"#,
];

fn seed_modules() -> Vec<Vec<u8>> {
    SEED_MODULES
        .iter()
        .map(|text| wat::parse_str(text).expect("seed module should assemble"))
        .collect()
}

/// One edit of a module's bytes. Positions are taken modulo the length.
#[derive(Clone, Debug)]
enum Mutation {
    Overwrite(usize, u8),
    Insert(usize, u8),
    Remove(usize, usize),
    Truncate(usize),
    FlipBit(usize, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Overwrite(at, byte)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Insert(at, byte)),
        (any::<usize>(), 1usize..16).prop_map(|(at, len)| Mutation::Remove(at, len)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Mutation::FlipBit(at, bit)),
    ]
}

fn mutate(bytes: &mut Vec<u8>, mutations: &[Mutation]) {
    for mutation in mutations {
        if bytes.is_empty() {
            return;
        }
        let len = bytes.len();
        match *mutation {
            Mutation::Overwrite(at, byte) => bytes[at % len] = byte,
            Mutation::Insert(at, byte) => bytes.insert(at % (len + 1), byte),
            Mutation::Remove(at, count) => {
                let start = at % len;
                bytes.drain(start..(start + count).min(len));
            }
            Mutation::Truncate(at) => bytes.truncate(at % len),
            Mutation::FlipBit(at, bit) => bytes[at % len] ^= 1 << bit,
        }
    }
}

#[test]
fn seed_modules_are_accepted() {
    for (index, bytes) in seed_modules().iter().enumerate() {
        if let Err(error) = zwasm_ir_stack::compile(bytes, &Features::default()) {
            panic!("seed module {index} rejected: {error}");
        }
        assert!(run_pipeline(bytes));
    }
}

/// Guards against the wasm-smith tests passing vacuously: pseudo-random seeds
/// must yield modules with real function bodies, all accepted.
#[test]
fn smith_modules_are_substantial() {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut functions = 0;
    let mut operators_bytes = 0;
    for _ in 0..64 {
        let seed: Vec<u8> = (0..2048)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        let bytes = smith_module(&seed).expect("2 KiB of seed is enough for wasm-smith");
        assert!(run_pipeline(&bytes), "wasm-smith module rejected");
        let module = zwasm_decode::decode(&bytes).unwrap();
        functions += module.bodies.len();
        operators_bytes += module.bodies.iter().map(|b| b.range.len()).sum::<usize>();
    }
    eprintln!("wasm-smith: {functions} functions, {operators_bytes} bytes of code");
    assert!(functions > 64, "only {functions} functions generated");
    assert!(
        operators_bytes > 64 * 100,
        "only {operators_bytes} bytes of code"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        run_pipeline(&bytes);
    }

    #[test]
    fn arbitrary_bytes_after_a_valid_header(
        body in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let mut bytes = b"\0asm\x01\0\0\0".to_vec();
        bytes.extend_from_slice(&body);
        run_pipeline(&bytes);
    }

    #[test]
    fn mutated_seed_modules(
        which in 0..SEED_MODULES.len(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let mut bytes = seed_modules().swap_remove(which);
        mutate(&mut bytes, &mutations);
        run_pipeline(&bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// wasm-smith modules use only supported proposals, so they must pass
    /// every stage.
    #[test]
    fn smith_modules_are_accepted(seed in proptest::collection::vec(any::<u8>(), 16..4096)) {
        if let Some(bytes) = smith_module(&seed) {
            prop_assert!(run_pipeline(&bytes), "wasm-smith module rejected");
        }
    }

    #[test]
    fn mutated_smith_modules(
        seed in proptest::collection::vec(any::<u8>(), 16..2048),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        if let Some(mut bytes) = smith_module(&seed) {
            mutate(&mut bytes, &mutations);
            run_pipeline(&bytes);
        }
    }
}
