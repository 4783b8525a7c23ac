//! `-W/--wasm FEATURE=y|n` and `--spec-version`: which proposals modules
//! may use, shared by `run`, `validate` and `wast`.

use clap::{Args, ValueEnum};
use zwasm_validate::Features;

#[derive(Clone, Debug, Default, Args)]
pub(crate) struct FeatureArgs {
    /// Enable or disable a proposal: `-W NAME[=y|n]`, several separated by
    /// commas (`-W multi-memory=n,memory64=n`). Names are listed in
    /// docs/cli.md.
    #[arg(
        short = 'W',
        long = "wasm",
        value_name = "FEATURE[=y|n]",
        value_delimiter = ',',
        value_parser = parse_toggle,
    )]
    wasm: Vec<Toggle>,
    /// Start from the feature set of a specification version (`-W` flags
    /// then adjust it): 2.0 is Wasm 2.0, 3.0 everything zwasm implements.
    #[arg(long, value_enum, value_name = "VERSION")]
    spec_version: Option<SpecVersion>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum SpecVersion {
    #[value(name = "2.0")]
    V2,
    #[value(name = "3.0")]
    V3,
}

/// Sets one proposal's flag.
type Setter = fn(&mut Features, bool);

#[derive(Clone, Copy, Debug)]
struct Toggle {
    set: Setter,
    enabled: bool,
}

/// The `-W` names, as wasmtime spells them; `nontrapping-float-to-int` is
/// the spec suite's name for `saturating-float-to-int`.
const NAMES: &[(&str, Setter)] = &[
    ("sign-extension", |f, on| f.sign_extension = on),
    ("saturating-float-to-int", |f, on| {
        f.saturating_float_to_int = on
    }),
    ("nontrapping-float-to-int", |f, on| {
        f.saturating_float_to_int = on
    }),
    ("multi-value", |f, on| f.multi_value = on),
    ("bulk-memory", |f, on| f.bulk_memory = on),
    ("reference-types", |f, on| f.reference_types = on),
    ("mutable-global", |f, on| f.mutable_global = on),
    ("tail-call", |f, on| f.tail_call = on),
    ("extended-const", |f, on| f.extended_const = on),
    ("multi-memory", |f, on| f.multi_memory = on),
    ("memory64", |f, on| f.memory64 = on),
    ("simd", |f, on| f.simd = on),
    ("relaxed-simd", |f, on| f.relaxed_simd = on),
    ("threads", |f, on| f.threads = on),
    ("exceptions", |f, on| f.exceptions = on),
    ("function-references", |f, on| f.function_references = on),
    ("gc", |f, on| f.gc = on),
    ("custom-page-sizes", |f, on| f.custom_page_sizes = on),
    ("wide-arithmetic", |f, on| f.wide_arithmetic = on),
];

fn parse_toggle(text: &str) -> Result<Toggle, String> {
    let (name, value) = match text.split_once('=') {
        Some((name, value)) => (name, value),
        None => (text, "y"),
    };
    let enabled = match value {
        "y" | "yes" | "true" => true,
        "n" | "no" | "false" => false,
        _ => return Err(format!("`{value}` is not y or n")),
    };
    match NAMES.iter().find(|(known, _)| *known == name) {
        Some(&(_, set)) => Ok(Toggle { set, enabled }),
        None => {
            let known: Vec<&str> = NAMES.iter().map(|(known, _)| *known).collect();
            Err(format!(
                "unknown feature `{name}` (known: {})",
                known.join(", ")
            ))
        }
    }
}

impl FeatureArgs {
    /// The selected feature set. Enabling a proposal zwasm does not
    /// implement is not refused here: the engine or validator reports it
    /// as `feature not supported yet`.
    pub(crate) fn features(&self) -> Features {
        let mut features = match self.spec_version {
            Some(SpecVersion::V2) => Features::wasm2(),
            Some(SpecVersion::V3) | None => Features::default(),
        };
        for toggle in &self.wasm {
            (toggle.set)(&mut features, toggle.enabled);
        }
        features
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features(wasm: &[&str], spec_version: Option<SpecVersion>) -> Result<Features, String> {
        let wasm = wasm
            .iter()
            .map(|text| parse_toggle(text))
            .collect::<Result<_, _>>()?;
        Ok(FeatureArgs { wasm, spec_version }.features())
    }

    #[test]
    fn toggles_apply_in_order_over_the_base_set() {
        let f = features(&["multi-memory=n", "memory64=no", "simd"], None).unwrap();
        assert!(!f.multi_memory && !f.memory64 && f.simd && f.tail_call);
        let f = features(&["tail-call=y", "tail-call=false"], Some(SpecVersion::V2)).unwrap();
        assert_eq!(f, Features::wasm2());
        let f = features(&["multi-memory"], Some(SpecVersion::V2)).unwrap();
        assert!(f.multi_memory && !f.memory64);
        assert_eq!(
            features(&[], Some(SpecVersion::V3)).unwrap(),
            Features::default()
        );
    }

    #[test]
    fn bad_toggles_are_rejected_with_the_reason() {
        assert!(
            features(&["nope"], None)
                .unwrap_err()
                .contains("unknown feature `nope`")
        );
        assert!(
            features(&["simd=maybe"], None)
                .unwrap_err()
                .contains("not y or n")
        );
    }
}
