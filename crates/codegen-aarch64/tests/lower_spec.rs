//! Every function of every valid module of the spec test suite (Wasm 2.0
//! plus tail-call, extended-const, multi-memory and memory64) lowers
//! without error, with both allocators and both bounds-check modes, and
//! passes the structural checks of `lower_support::check_code`. Modules
//! using unsupported proposals are skipped.

mod lower_support;

use zwasm_codegen_aarch64::lower::{BoundsChecks, LowerOptions};
use zwasm_regalloc::{Algorithm, Allocator};

#[derive(Default)]
struct Run {
    modules: usize,
    functions: usize,
    bytes: usize,
    unsupported: usize,
    failures: Vec<String>,
}

const CONFIGS: [(Algorithm, LowerOptions); 3] = [
    (
        Algorithm::Ion,
        LowerOptions {
            bounds_checks: BoundsChecks::Explicit,
            canonicalize_nans: false,
        },
    ),
    (
        Algorithm::Fastalloc,
        LowerOptions {
            bounds_checks: BoundsChecks::Explicit,
            canonicalize_nans: true,
        },
    ),
    (
        Algorithm::Ion,
        LowerOptions {
            bounds_checks: BoundsChecks::GuardPages {
                guard_bytes: 2 << 30,
            },
            canonicalize_nans: false,
        },
    ),
];

impl Run {
    fn module(&mut self, allocator: &mut Allocator, location: &str, bytes: &[u8]) {
        let Ok((module, functions)) = lower_support::compile_optimized(bytes) else {
            self.unsupported += 1;
            return;
        };
        self.modules += 1;
        for (algorithm, options) in &CONFIGS {
            match lower_support::lower_all(&module, &functions, allocator, *algorithm, options) {
                Ok(compiled) => {
                    for code in &compiled {
                        self.functions += 1;
                        self.bytes += code.bytes.len();
                        if let Err(e) = lower_support::check_code(code) {
                            self.failures
                                .push(format!("{location} func {}: {e}", code.func_index));
                        }
                    }
                }
                Err(e) if e.contains("v128") => self.unsupported += 1,
                Err(e) => self.failures.push(format!("{location} ({algorithm}): {e}")),
            }
        }
    }
}

#[test]
fn spec_suite_functions_lower() {
    let mut allocator = Allocator::new();
    let mut run = Run::default();
    lower_support::spec_modules(|location, bytes| run.module(&mut allocator, location, bytes));
    eprintln!(
        "spec suite: {} modules, {} functions lowered ({} bytes), {} unsupported",
        run.modules, run.functions, run.bytes, run.unsupported
    );
    assert!(
        run.failures.is_empty(),
        "{} failures:\n{}",
        run.failures.len(),
        run.failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(run.functions > 10_000, "suspiciously few functions lowered");
}
