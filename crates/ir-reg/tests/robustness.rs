//! Robustness of the builder and the passes: wasm-smith modules must build,
//! verify, and still verify after every pass; hostile bytes and extreme
//! nesting must be rejected or handled without panicking or overflowing the
//! native stack.

use arbitrary::Unstructured;
use proptest::prelude::*;
use zwasm_ir_reg::{compile_module, passes, verify};
use zwasm_validate::Features;

/// Builds `bytes`, verifying after construction and after each pass.
/// Returns whether the module was accepted.
fn build_and_check(bytes: &[u8]) -> bool {
    let Ok((module, functions)) = compile_module(bytes, &Features::default()) else {
        return false;
    };
    for mut func in functions {
        let index = func.func_index();
        if let Err(error) = verify(&func, &module) {
            panic!("func {index} as built: {error}\n{}", func.display(&module));
        }
        for (name, pass) in passes::DEFAULT_PIPELINE {
            pass(&mut func);
            if let Err(error) = verify(&func, &module) {
                panic!(
                    "func {index} after {name}: {error}\n{}",
                    func.display(&module)
                );
            }
        }
    }
    true
}

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
        ..wasm_smith::Config::default()
    }
}

fn smith_module(seed: &[u8]) -> Option<Vec<u8>> {
    let mut u = Unstructured::new(seed);
    wasm_smith::Module::new(smith_config(), &mut u)
        .ok()
        .map(|module| module.to_bytes())
}

/// Deterministic wasm-smith modules, so the test cannot pass vacuously.
#[test]
fn smith_modules_build_and_verify() {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut accepted = 0;
    for _ in 0..200 {
        let seed: Vec<u8> = (0..4096)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        let bytes = smith_module(&seed).expect("4 KiB of seed is enough for wasm-smith");
        assert!(build_and_check(&bytes), "wasm-smith module rejected");
        accepted += 1;
    }
    assert_eq!(accepted, 200);
}

/// Nesting and chains of merges deep enough to overflow any recursive
/// construction on a small thread stack.
#[test]
fn deep_nesting_needs_no_deep_native_stack() {
    let depth = 5_000;
    let mut nested = String::from("(module (func (param i32) (result i32) (local i32)");
    for _ in 0..depth {
        nested.push_str(" (block (if (local.get 0) (then (local.set 1 (local.get 0)))))");
    }
    for _ in 0..depth {
        nested.push_str(" (block (loop");
    }
    nested.push_str(" (br_if 1 (local.get 1)) (local.set 1 (i32.add (local.get 1) (i32.const 1)))");
    for _ in 0..depth {
        nested.push_str("))");
    }
    nested.push_str(" (local.get 1)))");
    let bytes = wat::parse_str(&nested).expect("assembles");
    let worker = std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(move || build_and_check(&bytes))
        .expect("spawn");
    assert!(worker.join().expect("no stack overflow"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_smith_modules(seed in proptest::collection::vec(any::<u8>(), 16..4096)) {
        if let Some(bytes) = smith_module(&seed) {
            prop_assert!(build_and_check(&bytes));
        }
    }

    #[test]
    fn arbitrary_bytes_after_a_header(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut bytes = b"\0asm\x01\0\0\0".to_vec();
        bytes.extend_from_slice(&body);
        build_and_check(&bytes);
    }

    #[test]
    fn mutated_smith_modules(
        seed in proptest::collection::vec(any::<u8>(), 16..2048),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6),
    ) {
        if let Some(mut bytes) = smith_module(&seed) {
            for (at, byte) in edits {
                let len = bytes.len();
                bytes[at % len] = byte;
            }
            build_and_check(&bytes);
        }
    }
}
