//! wasm-smith modules restricted to the proposals zwasm implements must
//! validate and translate.

#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use zwasm_validate::Features;

fn config() -> wasm_smith::Config {
    wasm_smith::Config {
        max_memories: 4,
        max_tables: 4,
        generate_custom_sections: true,
        ..zwasm_testkit::smith::supported_features()
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
