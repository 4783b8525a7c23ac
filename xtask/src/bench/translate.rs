//! Translation throughput, measured in-process through the zwasm library:
//! bytes of code section per second turned into each IR.
//!
//! Each tier that has its own IR adds a `Translator` to `translators()`
//! (ir-reg and the AArch64 JIT will, once the library can build them).

use std::time::{Duration, Instant};

use super::corpus::{Prepared, code_section_size};
use super::stats;

pub(crate) trait Translator {
    /// The IR produced, as the report names it.
    fn ir(&self) -> &'static str;
    /// The pipeline stages that the timing covers.
    fn covers(&self) -> &'static str;
    fn translate(&self, wasm: &[u8]) -> Result<(), String>;
    /// The time of the stages the report covers in one translation of
    /// `wasm` (by default all of [`Translator::translate`]).
    fn time(&self, wasm: &[u8]) -> Result<Duration, String> {
        let started = Instant::now();
        self.translate(wasm)?;
        Ok(started.elapsed())
    }
}

/// `Module::from_binary` for the reference engine: decoding, validation and
/// ir-stack translation happen in one pass, so they are timed together.
/// (Modules for the other engines skip the ir-stack translation.)
#[derive(Debug)]
struct IrStack {
    engine: Result<zwasm::Engine, String>,
}

impl Default for IrStack {
    fn default() -> Self {
        let mut config = zwasm::Config::new();
        config.engine(zwasm::EngineKind::Reference);
        IrStack {
            engine: zwasm::Engine::new(&config).map_err(|err| err.to_string()),
        }
    }
}

impl Translator for IrStack {
    fn ir(&self) -> &'static str {
        "ir-stack"
    }

    fn covers(&self) -> &'static str {
        "decode + validate + translate (`zwasm::Module::from_binary`)"
    }

    fn translate(&self, wasm: &[u8]) -> Result<(), String> {
        let engine = self.engine.as_ref().map_err(Clone::clone)?;
        zwasm::Module::from_binary(engine, wasm)
            .map(drop)
            .map_err(|err| err.to_string())
    }
}

/// The fast interpreter's bytecode for every function: `Module::from_binary`
/// (decoding and validation only), then `Module::precompile_all`, which does
/// for each function what its first call would (translation is lazy, per
/// function). `direct`: the interpreter's own path, one pass from the
/// validated wasm to bytecode; otherwise through ir-reg (validate the body
/// again into ir-reg, its passes, frame-slot allocation, bytecode), the
/// tiered engine's path.
#[derive(Debug)]
struct Fast {
    engine: Result<zwasm::Engine, String>,
    direct: bool,
}

/// The fast interpreter translating by `translation`.
fn interp_engine(translation: zwasm::InterpTranslation) -> Result<zwasm::Engine, String> {
    let mut config = zwasm::Config::new();
    config
        .engine(zwasm::EngineKind::Interp)
        .interp_translation(translation);
    zwasm::Engine::new(&config).map_err(|err| err.to_string())
}

impl Fast {
    fn new(translation: zwasm::InterpTranslation) -> Fast {
        Fast {
            engine: interp_engine(translation),
            direct: translation == zwasm::InterpTranslation::Direct,
        }
    }
}

impl Translator for Fast {
    fn ir(&self) -> &'static str {
        if self.direct {
            "fast (bytecode)"
        } else {
            "fast via ir-reg"
        }
    }

    fn covers(&self) -> &'static str {
        if self.direct {
            "decode + validate (`Module::from_binary`), then per function: \
             direct translation of the validated body into bytecode \
             (`Module::precompile_all`; the interpreter's path)"
        } else {
            "decode + validate (`Module::from_binary`), then per function: \
             validate + ir-reg build + passes + slot allocation + bytecode \
             (`InterpTranslation::RegisterIr`; the tiered engine's path)"
        }
    }

    fn translate(&self, wasm: &[u8]) -> Result<(), String> {
        let engine = self.engine.as_ref().map_err(Clone::clone)?;
        let module = zwasm::Module::from_binary(engine, wasm).map_err(|err| err.to_string())?;
        module
            .precompile_all()
            .map(drop)
            .map_err(|err| err.to_string())
    }
}

/// One stage of the interpreter's translation timed alone: decoding and
/// validation (`Module::from_binary`), or the direct translation of every
/// validated body (`Module::precompile_all` on a fresh module, which is
/// made untimed first). The two add up to [`Fast`]'s end-to-end time.
#[derive(Debug)]
struct FastStage {
    engine: Result<zwasm::Engine, String>,
    translation_only: bool,
}

impl FastStage {
    fn new(translation_only: bool) -> FastStage {
        FastStage {
            engine: interp_engine(zwasm::InterpTranslation::Direct),
            translation_only,
        }
    }

    fn module(&self, wasm: &[u8]) -> Result<zwasm::Module, String> {
        let engine = self.engine.as_ref().map_err(Clone::clone)?;
        zwasm::Module::from_binary(engine, wasm).map_err(|err| err.to_string())
    }
}

impl Translator for FastStage {
    fn ir(&self) -> &'static str {
        if self.translation_only {
            "fast: translate only"
        } else {
            "fast: validate only"
        }
    }

    fn covers(&self) -> &'static str {
        if self.translation_only {
            "the direct translation alone: `Module::precompile_all` of a module \
             `Module::from_binary` made before the timing starts (the second \
             stage of fast (bytecode))"
        } else {
            "decode + validate alone: `Module::from_binary` for the fast \
             interpreter (the first stage of fast (bytecode))"
        }
    }

    fn translate(&self, wasm: &[u8]) -> Result<(), String> {
        self.time(wasm).map(drop)
    }

    fn time(&self, wasm: &[u8]) -> Result<Duration, String> {
        if !self.translation_only {
            let started = Instant::now();
            let module = self.module(wasm)?;
            let elapsed = started.elapsed();
            drop(module);
            return Ok(elapsed);
        }
        let module = self.module(wasm)?;
        let started = Instant::now();
        module.precompile_all().map_err(|err| err.to_string())?;
        let elapsed = started.elapsed();
        drop(module);
        Ok(elapsed)
    }
}

pub(crate) fn translators() -> Vec<Box<dyn Translator>> {
    vec![
        Box::new(IrStack::default()),
        Box::new(Fast::new(zwasm::InterpTranslation::Direct)),
        Box::new(FastStage::new(false)),
        Box::new(FastStage::new(true)),
        Box::new(Fast::new(zwasm::InterpTranslation::RegisterIr)),
    ]
}

#[derive(Debug)]
pub(crate) struct Throughput {
    pub(crate) ir: &'static str,
    pub(crate) covers: &'static str,
    pub(crate) rows: Vec<Row>,
}

#[derive(Debug)]
pub(crate) struct Row {
    pub(crate) bench: &'static str,
    pub(crate) code_bytes: usize,
    /// Median time of one translation, or why it failed.
    pub(crate) time: Result<Duration, String>,
}

impl Throughput {
    /// All code bytes over all translation time (so big modules weigh more).
    pub(crate) fn total_mb_per_s(&self) -> Option<f64> {
        let mut bytes = 0usize;
        let mut time = Duration::ZERO;
        for row in &self.rows {
            if let Ok(t) = row.time {
                bytes += row.code_bytes;
                time += t;
            }
        }
        mb_per_s(bytes, time)
    }
}

pub(crate) fn mb_per_s(bytes: usize, time: Duration) -> Option<f64> {
    let secs = time.as_secs_f64();
    (secs > 0.0).then(|| bytes as f64 / 1e6 / secs)
}

/// Modules with less code than this (the WAT kernels) are left out: their
/// time is the fixed cost of a module, not a rate.
const MIN_CODE_BYTES: usize = 1024;

/// Times each translator on each module, repeating until `budget` is spent
/// per module (at least three times) and keeping the median.
pub(crate) fn measure(benches: &[Prepared], budget: Duration) -> Vec<Throughput> {
    translators()
        .iter()
        .map(|translator| Throughput {
            ir: translator.ir(),
            covers: translator.covers(),
            rows: benches
                .iter()
                .filter(|bench| {
                    code_section_size(&bench.bytes).is_none_or(|size| size >= MIN_CODE_BYTES)
                })
                .map(|bench| Row {
                    bench: bench.bench.name,
                    code_bytes: code_section_size(&bench.bytes).unwrap_or(0),
                    time: time_one(translator.as_ref(), &bench.bytes, budget),
                })
                .collect(),
        })
        .collect()
}

fn time_one(
    translator: &dyn Translator,
    wasm: &[u8],
    budget: Duration,
) -> Result<Duration, String> {
    const MIN_REPS: usize = 3;
    const MAX_REPS: usize = 10_000;
    translator.translate(wasm)?; // warm-up: caches, allocator
    let started = Instant::now();
    let mut samples = Vec::new();
    while samples.len() < MIN_REPS || (started.elapsed() < budget && samples.len() < MAX_REPS) {
        samples.push(translator.time(wasm)?);
    }
    stats::median(&samples).ok_or_else(|| "no samples".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ir_stack_translates_a_module_and_reports_errors() {
        let translator = IrStack::default();
        let wasm = wat::parse_str("(module (func (result i32) (i32.const 1)))").expect("wat");
        assert!(time_one(&translator, &wasm, Duration::from_millis(1)).is_ok());
        assert!(time_one(&translator, b"\0asm\x01\0\0\0\x0a", Duration::ZERO).is_err());
    }

    #[test]
    fn fast_tier_translates_every_function() {
        let wasm = wat::parse_str(
            "(module (func (result i32) (i32.const 1)) (func (param i32) (result i32) local.get 0))",
        )
        .expect("wat");
        for translation in [
            zwasm::InterpTranslation::Direct,
            zwasm::InterpTranslation::RegisterIr,
        ] {
            let translator = Fast::new(translation);
            assert!(time_one(&translator, &wasm, Duration::from_millis(1)).is_ok());
            assert!(time_one(&translator, b"\0asm\x01\0\0\0\x0a", Duration::ZERO).is_err());
        }
    }

    #[test]
    fn each_stage_of_the_fast_tier_is_timed_alone() {
        let wasm =
            wat::parse_str("(module (func (param i32) (result i32) local.get 0))").expect("wat");
        for translation_only in [false, true] {
            let stage = FastStage::new(translation_only);
            assert!(time_one(&stage, &wasm, Duration::from_millis(1)).is_ok());
            assert!(time_one(&stage, b"\0asm\x01\0\0\0\x0a", Duration::ZERO).is_err());
        }
        assert_ne!(FastStage::new(false).ir(), FastStage::new(true).ir());
    }

    #[test]
    fn throughput_in_mb_per_second() {
        assert_eq!(mb_per_s(2_000_000, Duration::from_secs(2)), Some(1.0));
        assert_eq!(mb_per_s(1, Duration::ZERO), None);
    }
}
