//! wasm-smith modules within zwasm's feature set.

use arbitrary::Unstructured;

/// The proposals zwasm implements, and nothing else; limits are
/// wasm-smith's defaults.
pub fn supported_features() -> wasm_smith::Config {
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
        saturating_float_to_int_enabled: true,
        sign_extension_ops_enabled: true,
        ..wasm_smith::Config::default()
    }
}

/// Our feature set, sized for running. With `disallow_traps`, wasm-smith
/// guards every trapping instruction, so that calls run to the end instead
/// of stopping at the first out-of-bounds access.
pub fn config(disallow_traps: bool) -> wasm_smith::Config {
    wasm_smith::Config {
        disallow_traps,
        canonicalize_nans: true,
        export_everything: true,
        max_imports: 6,
        max_memories: 3,
        max_tables: 3,
        max_memory32_bytes: 4 << 16,
        max_memory64_bytes: 4 << 16,
        max_table_elements: 1_000,
        min_funcs: 3,
        max_funcs: 12,
        max_instructions: 400,
        ..supported_features()
    }
}

/// Module `index` of a deterministic stream seeded by `seed`, made to
/// terminate (a fuel global shared by all calls, `fuel` units); every other
/// module guards its trapping instructions. `None` when wasm-smith could not
/// build one from the bytes.
pub fn module(seed: u64, index: usize, fuel: u32) -> Option<Vec<u8>> {
    let mut state = seed ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let bytes: Vec<u8> = (0..8192)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    from_bytes(&bytes, index.is_multiple_of(2), fuel)
}

/// A module wasm-smith builds from arbitrary `bytes` (for fuzzers).
pub fn from_bytes(bytes: &[u8], disallow_traps: bool, fuel: u32) -> Option<Vec<u8>> {
    let mut u = Unstructured::new(bytes);
    let mut module = wasm_smith::Module::new(config(disallow_traps), &mut u).ok()?;
    module.ensure_termination(fuel).ok()?;
    Some(module.to_bytes())
}

/// A count from environment variable `name`, else `default`.
pub fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}
