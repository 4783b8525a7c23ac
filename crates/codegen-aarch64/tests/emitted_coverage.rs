//! Every instruction *form* the backend emits has a row in the binutils
//! table (`tests/data/binutils.tsv`), so each one's encoding and text were
//! checked against GNU binutils at least once (`tests/binutils_table.rs`).
//!
//! The corpus: every valid function of the spec suite (as
//! `tests/lower_spec.rs`), `tests/wat/`, `benches/wat/` and the C
//! benchmarks `benches/c/*.wasm`, each lowered with both allocators and
//! both bounds-check modes (NaN canonicalisation on with one allocator),
//! plus the entry trampoline and host-call adapter of every function type
//! met and of a few wide signatures. `trace::record` (the `trace` feature)
//! returns the `Inst` behind every word `CodeBuffer` emitted.
//!
//! A form is [`form`]: the `Inst` variant, then the instruction as our
//! printer shows it (objdump's syntax, aliases included) with register
//! numbers, immediates, conditions and branch targets abstracted. What
//! stays is what selects an encoding or a spelling: operation, operand
//! size and register class, register 31 as `sp`/`wsp`/`xzr`/`wzr`, shift
//! and extend kinds, addressing mode, whether an optional operand (shift
//! amount, offset, `lsl #12`) is shown at all, and the alias chosen. The
//! table side is the same function applied to the `Inst` of each row of
//! `tests/common/rows.rs`, which `binutils_table.rs` checks byte for byte
//! and character for character against binutils, so a covered form is
//! known to print and encode the way GNU as and objdump agree on.

mod common;
mod lower_support;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use zwasm_codegen_aarch64::Inst;
use zwasm_codegen_aarch64::lower::disasm::decode_word;
use zwasm_codegen_aarch64::lower::trampoline::{entry_trampoline, host_call_adapter, stack_switch};
use zwasm_codegen_aarch64::lower::{BoundsChecks, LowerOptions, Origin, lower_function};
use zwasm_codegen_aarch64::trace;
use zwasm_decode::ValType;
use zwasm_regalloc::{Algorithm, Allocator, TargetDesc};

/// Both allocators, each allocation lowered with both bounds-check modes.
/// NaN canonicalisation adds its own sequence after float arithmetic, so
/// it is on with one allocator.
const CONFIGS: [(Algorithm, [LowerOptions; 2]); 2] = [
    (Algorithm::Ion, [explicit(false), guard_pages(false)]),
    (Algorithm::Fastalloc, [explicit(true), guard_pages(true)]),
];

const fn explicit(canonicalize_nans: bool) -> LowerOptions {
    LowerOptions {
        bounds_checks: BoundsChecks::Explicit,
        canonicalize_nans,
    }
}

const fn guard_pages(canonicalize_nans: bool) -> LowerOptions {
    LowerOptions {
        bounds_checks: BoundsChecks::GuardPages {
            guard_bytes: 2 << 30,
        },
        canonicalize_nans,
    }
}

/// Condition names as the printer spells them (objdump's `cs`/`cc`), and
/// the `hs`/`lo` synonyms.
const CONDITIONS: [&str; 18] = [
    "eq", "ne", "cs", "cc", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le",
    "al", "nv",
];

/// The form of `inst`: `Variant: text` where text is `inst`'s `Display`
/// with every general-purpose register number dropped (`x3` → `x`, while
/// `sp`, `wsp`, `xzr`, `wzr` stay), FP/SIMD registers likewise (`d3` →
/// `d`, `v3.8b` → `v.8b`), every `#immediate` → `#i`, every condition
/// (operand or `b.cond` suffix) → `cond` and every `.±N` target → `t`.
fn form(inst: &Inst) -> String {
    let debug = format!("{inst:?}");
    let variant = debug.split([' ', '{', '(']).next().unwrap_or_default();
    format!("{variant}: {}", abstract_text(&inst.to_string()))
}

fn abstract_text(text: &str) -> String {
    let (mnemonic, operands) = text.split_once(' ').unwrap_or((text, ""));
    let mnemonic = match mnemonic.strip_prefix("b.") {
        Some(cond) if CONDITIONS.contains(&cond) => "b.cond",
        _ => mnemonic,
    };
    let mut out = String::from(mnemonic);
    if operands.is_empty() {
        return out;
    }
    out.push(' ');
    let chars: Vec<char> = operands.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '#' {
            // Up to the next separator: `#0x10`, `#-8`, `#1.5e+00`.
            while i < chars.len() && chars[i] != ',' && chars[i] != ']' {
                i += 1;
            }
            out.push_str("#i");
        } else if c == '.' && matches!(chars.get(i + 1), Some('+' | '-')) {
            i += 2;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            out.push('t');
        } else if c.is_ascii_alphanumeric() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_alphanumeric() {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let mut letters = word.chars();
            let first = letters.next().unwrap_or_default();
            let numbered = letters.as_str();
            if "wxbhsdqv".contains(first)
                && !numbered.is_empty()
                && numbered.chars().all(|d| d.is_ascii_digit())
            {
                out.push(first);
            } else if CONDITIONS.contains(&word.as_str()) {
                out.push_str("cond");
            } else {
                out.push_str(&word);
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// An emitted form: how often, and one instance with where it came from.
struct Seen {
    count: usize,
    example: Inst,
    source: usize,
}

#[derive(Default)]
struct Emitted {
    /// Every distinct instruction: how often, and the first source.
    /// Forms are computed once per distinct instruction, not per word.
    instances: HashMap<Inst, (usize, usize)>,
    sources: Vec<String>,
    instructions: usize,
    functions: usize,
    trampolines: usize,
    signatures: HashSet<(Vec<ValType>, Vec<ValType>)>,
}

impl Emitted {
    fn add(&mut self, insts: &[Inst], source: String) {
        self.instructions += insts.len();
        let index = self.sources.len();
        self.sources.push(source);
        for inst in insts {
            self.instances.entry(*inst).or_insert((0, index)).0 += 1;
        }
    }

    /// The forms, each with its first instance in corpus order.
    fn forms(&self) -> BTreeMap<String, Seen> {
        let mut forms = BTreeMap::new();
        for (inst, &(count, source)) in &self.instances {
            let seen = forms.entry(form(inst)).or_insert(Seen {
                count: 0,
                example: *inst,
                source,
            });
            seen.count += count;
            if source < seen.source {
                seen.example = *inst;
                seen.source = source;
            }
        }
        forms
    }

    fn module(&mut self, allocator: &mut Allocator, source: &str, bytes: &[u8]) {
        let Ok((module, functions)) = lower_support::compile_optimized(bytes) else {
            return;
        };
        for ty in &module.types {
            self.signatures
                .insert((ty.params.to_vec(), ty.results.to_vec()));
        }
        let target = TargetDesc::aarch64();
        for (algorithm, options) in &CONFIGS {
            for func in &functions {
                let allocated = allocator
                    .allocate(func, &module, &target, *algorithm)
                    .unwrap_or_else(|e| panic!("{source} ({algorithm}): {e}"));
                for options in options {
                    let (code, insts) =
                        trace::record(|| lower_function(func, &module, &allocated, options));
                    let code = match code {
                        Ok(code) => code,
                        // Functions using v128 do not lower (their modules
                        // run on the interpreter).
                        Err(e) if e.to_string().contains("v128") => continue,
                        Err(e) => panic!("{source} ({algorithm}): {e}"),
                    };
                    // The record must account for every instruction word:
                    // one emitted without an `Inst` would escape coverage.
                    let words: u32 = code
                        .source_map
                        .iter()
                        .filter(|range| range.origin != Origin::Data)
                        .map(|range| (range.end - range.start) / 4)
                        .sum();
                    assert_eq!(
                        insts.len(),
                        words as usize,
                        "{source} func {} ({algorithm}): recorded instructions vs code words",
                        code.func_index
                    );
                    self.functions += 1;
                    let at = format!(
                        "{source} func {} ({algorithm}, {options:?})",
                        code.func_index
                    );
                    self.add(&insts, at);
                }
            }
        }
    }

    fn trampolines(&mut self) {
        use ValType::*;
        let mut signatures: Vec<_> = self.signatures.iter().cloned().collect();
        signatures.extend([
            (vec![I64; 12], vec![I64; 10]),
            (vec![F64; 10], vec![F32; 9]),
            (vec![I32, F32, I64, F64, FuncRef, ExternRef], vec![F32, I32]),
        ]);
        signatures.sort_by_key(|signature| format!("{signature:?}"));
        for (params, results) in signatures {
            let source = format!("trampolines of {params:?} -> {results:?}");
            let (code, insts) = trace::record(|| {
                let entry = entry_trampoline(&params, &results);
                let adapter = host_call_adapter(&params, &results);
                entry.and_then(|entry| Ok(entry.len() + adapter?.len()))
            });
            // Signatures with v128 have no trampolines.
            let Ok(bytes) = code else { continue };
            assert_eq!(insts.len() * 4, bytes, "{source}: recorded vs code words");
            self.trampolines += 2;
            self.add(&insts, source);
        }
        let (code, insts) = trace::record(stack_switch);
        let bytes = code.expect("stack switch").len();
        assert_eq!(
            insts.len() * 4,
            bytes,
            "stack switch: recorded vs code words"
        );
        self.trampolines += 1;
        self.add(&insts, "stack switch".to_string());
    }
}

fn wasm_files(dir: &str, extension: &str) -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == extension))
        .collect();
    files.sort();
    files
}

fn emitted_forms() -> Emitted {
    let mut allocator = Allocator::new();
    let mut emitted = Emitted::default();
    let mut files = lower_support::corpus_files();
    files.extend(wasm_files("benches/wat", "wat"));
    files.extend(wasm_files("benches/c", "wasm"));
    for path in files {
        let bytes = wat::parse_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        emitted.module(&mut allocator, &name, &bytes);
    }
    // The spec suite repeats many modules verbatim (one per assertion).
    let mut seen = HashSet::new();
    lower_support::spec_modules(|location, bytes| {
        if seen.insert(bytes.to_vec()) {
            emitted.module(&mut allocator, location, bytes);
        }
    });
    emitted.trampolines();
    emitted
}

/// The forms of the rows that have a binutils line (all of them, when
/// `binutils_table.rs` passes).
fn table_forms() -> BTreeSet<String> {
    let in_table: HashSet<String> = common::binutils_table()
        .into_iter()
        .map(|(source, ..)| source)
        .collect();
    common::rows::rows()
        .iter()
        .filter(|(source, _)| in_table.contains(*source))
        .map(|(_, inst)| form(inst))
        .collect()
}

#[test]
fn every_emitted_form_is_in_the_binutils_table() {
    let emitted = emitted_forms();
    let forms = emitted.forms();
    let table = table_forms();
    // `EMITTED_FORMS=1 cargo test ... --nocapture` lists them all.
    if std::env::var_os("EMITTED_FORMS").is_some() {
        for (form, seen) in &forms {
            eprintln!("{:>9}  {form}", seen.count);
        }
    }
    eprintln!(
        "{} function lowerings and {} trampolines, {} instructions, {} forms emitted; \
         {} forms in the table",
        emitted.functions,
        emitted.trampolines,
        emitted.instructions,
        forms.len(),
        table.len()
    );
    let missing: Vec<String> = forms
        .iter()
        .filter(|(form, _)| !table.contains(*form))
        .map(|(form, seen)| {
            let word = seen.example.encode();
            format!(
                "{form}\n    {}x, e.g. `{}` = {word:08x} (yaxpeax: {}) in {}\n    {:?}",
                seen.count,
                seen.example,
                decode_word(word).unwrap_or_else(|| "undecodable".into()),
                emitted.sources[seen.source],
                seen.example
            )
        })
        .collect();
    assert!(
        missing.is_empty(),
        "{} emitted forms have no row in tests/data/binutils.tsv (add the instruction to \
         tests/gen/table.s and tests/common/rows.rs, then regenerate):\n{}",
        missing.len(),
        missing.join("\n")
    );
    // Guards against a broken hook or corpus passing vacuously.
    assert!(
        emitted.functions > 10_000,
        "only {} functions",
        emitted.functions
    );
    assert!(forms.len() > 100, "only {} forms", forms.len());
}

#[test]
fn form_abstracts_operands_only() {
    let text = |s| abstract_text(s);
    assert_eq!(text("add x0, sp, #0x10"), "add x, sp, #i");
    assert_eq!(text("ldr w1, [x2, w3, uxtw #2]"), "ldr w, [x, w, uxtw #i]");
    assert_eq!(text("ldr x1, [x2]"), "ldr x, [x]");
    assert_eq!(text("stp x29, x30, [sp, #-32]!"), "stp x, x, [sp, #i]!");
    assert_eq!(text("b.ne .+8"), "b.cond t");
    assert_eq!(text("b.cc .+8"), "b.cond t");
    assert_eq!(text("cset w0, ls"), "cset w, cond");
    assert_eq!(text("ccmp x1, #0x1, #0x4, cs"), "ccmp x, #i, #i, cond");
    assert_eq!(text("cbz wzr, .-4"), "cbz wzr, t");
    assert_eq!(text("ushr v16.2s, v1.2s, #31"), "ushr v.2s, v.2s, #i");
    assert_eq!(text("fmov d0, #1.000000000000000000e+00"), "fmov d, #i");
    assert_eq!(text("ret"), "ret");
}
