//! wasm-smith modules restricted to the proposals zwasm implements must
//! validate and translate.

#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use zwasm_validate::Features;

fn config() -> wasm_smith::Config {
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

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(module) = wasm_smith::Module::new(config(), &mut u) else {
        return;
    };
    let bytes = module.to_bytes();
    let features = Features::default();
    let module = match zwasm_validate::validate_all(&bytes, &features) {
        Ok(module) => module,
        Err(error) => panic!("valid wasm-smith module rejected: {error}"),
    };
    match zwasm_ir_stack::compile(&bytes, &features) {
        Ok((compiled, functions)) => {
            assert_eq!(compiled, module);
            assert_eq!(functions.len() as u32, module.defined_func_count());
        }
        Err(error) => panic!("valid wasm-smith module not translated: {error}"),
    }
});
