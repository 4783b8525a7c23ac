//! Shared by the integration tests: the golden corpus and the pipeline up to
//! allocation.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use zwasm_decode::Module;
use zwasm_ir_reg::{RegFunction, compile_module, passes, verify};
use zwasm_validate::{Features, ValidateError};

/// The `.wat` files of `tests/wat/` at the workspace root, sorted.
pub fn corpus_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/wat");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "wat"))
        .collect();
    files.sort();
    files
}

/// Validates and builds every function of `bytes`, runs the default
/// passes and verifies the result.
pub fn compile_optimized(bytes: &[u8]) -> Result<(Module, Vec<RegFunction>), ValidateError> {
    let (module, mut functions) = compile_module(bytes, &Features::default())?;
    for func in &mut functions {
        passes::run_default(func);
        if let Err(error) = verify(func, &module) {
            panic!(
                "func {}: ir-reg passes produced invalid code: {error}",
                func.func_index()
            );
        }
    }
    Ok((module, functions))
}
