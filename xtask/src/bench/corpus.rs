//! The benchmark corpus: WAT kernels (benches/wat, called through
//! `--invoke run N`) and C programs built for wasm32-wasi (benches/c,
//! run as WASI commands with the size in argv[1]).
//!
//! `full` sizes are tuned so that wasmtime needs about 0.5–1 s (the
//! interpreters take 5–60× that, so a full run is long); `quick` sizes keep
//! every run around a second or less on the slowest engine, for smoke runs
//! and interpreter-against-interpreter comparisons. A C program run without
//! argv[1] uses its full size.

use std::path::{Path, PathBuf};

use anyhow::Context;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// benches/wat/NAME.wat, exporting `run (param i32) (result i64)`.
    Wat,
    /// benches/c/NAME.wasm (built from NAME.c by benches/build.sh).
    C,
}

#[derive(Debug)]
pub(crate) struct Bench {
    pub(crate) name: &'static str,
    pub(crate) source: Source,
    pub(crate) full: &'static str,
    pub(crate) quick: &'static str,
    /// False for the row that only measures fixed start-up cost: it is shown
    /// but kept out of the geomeans.
    pub(crate) in_geomean: bool,
}

const fn wat(name: &'static str, full: &'static str, quick: &'static str) -> Bench {
    Bench {
        name,
        source: Source::Wat,
        full,
        quick,
        in_geomean: true,
    }
}

const fn c(name: &'static str, full: &'static str, quick: &'static str) -> Bench {
    Bench {
        name,
        source: Source::C,
        full,
        quick,
        in_geomean: true,
    }
}

pub(crate) const CORPUS: &[Bench] = &[
    Bench {
        in_geomean: false,
        ..wat("startup", "1", "1")
    },
    wat("fib", "38", "27"),
    wat("loops", "300000", "3000"),
    wat("memcopy", "60000", "300"),
    wat("br_table", "40000000", "500000"),
    wat("call_indirect", "60000000", "2000000"),
    c("nbody", "5000000", "100000"),
    c("fannkuch", "10", "8"),
    c("spectral_norm", "2000", "150"),
    c("sieve", "10000000", "500000"),
    c("matmul", "600", "80"),
    c("sha256", "64", "2"),
    c("hashmap", "8000", "200"),
    c("mandelbrot", "3000", "300"),
    c("qsort", "300", "20"),
];

/// The function WAT kernels are called through.
pub(crate) const KERNEL_EXPORT: &str = "run";

/// A benchmark ready to run: its binary and its arguments.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub(crate) bench: &'static Bench,
    pub(crate) wasm: PathBuf,
    pub(crate) bytes: Vec<u8>,
    pub(crate) size: String,
}

impl Prepared {
    /// Whether the module needs WASI (C programs) or is called directly.
    pub(crate) fn needs_wasi(&self) -> bool {
        self.bench.source == Source::C
    }
}

/// Selects benchmarks by name (all when `only` is empty).
pub(crate) fn select(only: &[String]) -> anyhow::Result<Vec<&'static Bench>> {
    if only.is_empty() {
        return Ok(CORPUS.iter().collect());
    }
    only.iter()
        .map(|name| {
            CORPUS.iter().find(|b| b.name == name).with_context(|| {
                let known: Vec<&str> = CORPUS.iter().map(|b| b.name).collect();
                format!("unknown benchmark `{name}` (known: {})", known.join(", "))
            })
        })
        .collect()
}

/// Parses `--size NAME=N` overrides: a known benchmark and a decimal size.
pub(crate) fn parse_sizes(specs: &[String]) -> anyhow::Result<Vec<(&'static str, String)>> {
    specs
        .iter()
        .map(|spec| {
            let (name, size) = spec
                .split_once('=')
                .with_context(|| format!("--size `{spec}`: expected NAME=N"))?;
            let bench = select(&[name.to_owned()])?[0];
            if size.is_empty() || !size.bytes().all(|b| b.is_ascii_digit()) {
                anyhow::bail!("--size `{spec}`: the size must be a decimal number");
            }
            Ok((bench.name, size.to_owned()))
        })
        .collect()
}

/// Loads each benchmark's binary, assembling WAT kernels into `scratch`
/// (every engine is given a binary: not all peers read the text format).
/// Sizes are the quick or full ones unless `sizes` overrides them.
pub(crate) fn prepare(
    benches: &[&'static Bench],
    root: &Path,
    scratch: &Path,
    quick: bool,
    sizes: &[(&'static str, String)],
) -> anyhow::Result<Vec<Prepared>> {
    std::fs::create_dir_all(scratch)
        .with_context(|| format!("cannot create {}", scratch.display()))?;
    benches
        .iter()
        .map(|&bench| {
            let (wasm, bytes) = match bench.source {
                Source::Wat => {
                    let source = root.join("benches/wat").join(format!("{}.wat", bench.name));
                    let bytes = wat::parse_file(&source)
                        .with_context(|| format!("cannot assemble {}", source.display()))?;
                    let wasm = scratch.join(format!("{}.wasm", bench.name));
                    std::fs::write(&wasm, &bytes)
                        .with_context(|| format!("cannot write {}", wasm.display()))?;
                    (wasm, bytes)
                }
                Source::C => {
                    let wasm = root.join("benches/c").join(format!("{}.wasm", bench.name));
                    let bytes = std::fs::read(&wasm).with_context(|| {
                        format!("cannot read {} (run benches/build.sh)", wasm.display())
                    })?;
                    (wasm, bytes)
                }
            };
            Ok(Prepared {
                bench,
                wasm,
                bytes,
                size: sizes
                    .iter()
                    .rev()
                    .find(|(name, _)| *name == bench.name)
                    .map_or(if quick { bench.quick } else { bench.full }, |(_, size)| {
                        size.as_str()
                    })
                    .to_owned(),
            })
        })
        .collect()
}

/// The size of the code section's contents, or None for a module that has
/// none or is malformed (translation throughput is per byte of code).
pub(crate) fn code_section_size(bytes: &[u8]) -> Option<usize> {
    const CODE: u8 = 10;
    let mut pos = 8; // magic and version
    if bytes.len() < pos || &bytes[..4] != b"\0asm" {
        return None;
    }
    while pos < bytes.len() {
        let id = bytes[pos];
        pos += 1;
        let (size, len) = read_u32_leb(&bytes[pos..])?;
        pos += len;
        let size = usize::try_from(size).ok()?;
        if id == CODE {
            return (pos + size <= bytes.len()).then_some(size);
        }
        pos = pos.checked_add(size)?;
    }
    None
}

fn read_u32_leb(bytes: &[u8]) -> Option<(u32, usize)> {
    let mut value: u32 = 0;
    for (i, &byte) in bytes.iter().enumerate().take(5) {
        value |= u32::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_overrides_name_a_benchmark_and_a_number() {
        let sizes = parse_sizes(&["fib=30".to_owned(), "sieve=1000".to_owned()]).expect("valid");
        assert_eq!(
            sizes,
            [("fib", "30".to_owned()), ("sieve", "1000".to_owned())]
        );
        for bad in ["fib", "fib=", "fib=3x", "nosuch=3", "=3"] {
            assert!(parse_sizes(&[bad.to_owned()]).is_err(), "{bad}");
        }
        let root = crate::bench::workspace_root();
        let scratch =
            std::env::temp_dir().join(format!("zwasm-bench-sizes-{}", std::process::id()));
        let benches = select(&["fib".to_owned(), "loops".to_owned()]).expect("known");
        let prepared = prepare(&benches, &root, &scratch, true, &sizes).expect("prepared");
        let _ = std::fs::remove_dir_all(&scratch);
        assert_eq!(prepared[0].size, "30");
        assert_eq!(prepared[1].size, benches[1].quick);
    }

    #[test]
    fn names_are_unique_and_sources_exist() {
        let root = crate::bench::workspace_root();
        for (i, bench) in CORPUS.iter().enumerate() {
            assert!(
                CORPUS[..i].iter().all(|b| b.name != bench.name),
                "{} listed twice",
                bench.name
            );
            let source = match bench.source {
                Source::Wat => root.join(format!("benches/wat/{}.wat", bench.name)),
                Source::C => root.join(format!("benches/c/{}.c", bench.name)),
            };
            assert!(source.is_file(), "{} is missing", source.display());
        }
    }

    #[test]
    fn finds_the_code_section() {
        let bytes = wat::parse_str("(module (func) (func (nop)))").expect("valid wat");
        // 1 byte count + 2 bodies of (size, 0 locals, [nop], end).
        assert_eq!(code_section_size(&bytes), Some(1 + 3 + 4));
        assert_eq!(code_section_size(b"\0asm\x01\0\0\0"), None);
        assert_eq!(code_section_size(b"junk"), None);
        // A truncated section size is malformed, not a panic.
        assert_eq!(code_section_size(b"\0asm\x01\0\0\0\x0a\xff"), None);
    }

    #[test]
    fn selecting_an_unknown_benchmark_fails() {
        assert!(select(&["nope".to_owned()]).is_err());
        assert_eq!(select(&["fib".to_owned()]).map(|s| s.len()).ok(), Some(1));
    }
}
