//! [`Features`]: which WebAssembly proposals a module may use.

use crate::error::ValidateError;
use wasmparser::WasmFeatures;

/// The WebAssembly proposals enabled for validation, one flag per proposal.
///
/// The default enables everything zwasm implements (Wasm 2.0 without SIMD,
/// tail calls, extended-const, multi-memory and memory64) and nothing else.
/// The flags of proposals zwasm does not implement exist so that callers can
/// ask for them and get a clear [`ValidateError::Unsupported`] error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Features {
    /// Sign-extension operators (`i32.extend8_s`, …).
    pub sign_extension: bool,
    /// Non-trapping float-to-int conversions (`i32.trunc_sat_f32_s`, …).
    pub saturating_float_to_int: bool,
    /// Multiple results for functions and blocks, block parameters.
    pub multi_value: bool,
    /// Bulk memory and table operations, passive segments.
    pub bulk_memory: bool,
    /// `funcref`/`externref` values, multiple tables, table instructions.
    pub reference_types: bool,
    /// Importing and exporting mutable globals.
    pub mutable_global: bool,
    /// `return_call` and `return_call_indirect`.
    pub tail_call: bool,
    /// Integer `add`/`sub`/`mul` in constant expressions.
    pub extended_const: bool,
    /// More than one memory per module.
    pub multi_memory: bool,
    /// Memories and tables indexed with `i64`.
    pub memory64: bool,
    /// 128-bit SIMD. Not supported yet.
    pub simd: bool,
    /// Relaxed SIMD. Not supported yet.
    pub relaxed_simd: bool,
    /// Threads and atomics. Not supported yet.
    pub threads: bool,
    /// Exception handling. Not supported yet.
    pub exceptions: bool,
    /// Typed function references. Not supported yet.
    pub function_references: bool,
    /// Garbage collection. Not supported yet.
    pub gc: bool,
    /// Custom memory page sizes. Not supported yet.
    pub custom_page_sizes: bool,
    /// 128-bit wide arithmetic. Not supported yet.
    pub wide_arithmetic: bool,
}

impl Default for Features {
    fn default() -> Self {
        Features {
            sign_extension: true,
            saturating_float_to_int: true,
            multi_value: true,
            bulk_memory: true,
            reference_types: true,
            mutable_global: true,
            tail_call: true,
            extended_const: true,
            multi_memory: true,
            memory64: true,
            simd: false,
            relaxed_simd: false,
            threads: false,
            exceptions: false,
            function_references: false,
            gc: false,
            custom_page_sizes: false,
            wide_arithmetic: false,
        }
    }
}

impl Features {
    /// Exactly the WebAssembly 2.0 specification without SIMD: the later
    /// proposals zwasm supports (tail calls, extended-const, multi-memory,
    /// memory64) are switched off.
    pub fn wasm2() -> Self {
        Features {
            tail_call: false,
            extended_const: false,
            multi_memory: false,
            memory64: false,
            ..Features::default()
        }
    }

    /// The proposals zwasm does not implement, with their stable names.
    fn unsupported(&self) -> [(bool, &'static str); 8] {
        [
            (self.simd, "simd"),
            (self.relaxed_simd, "relaxed-simd"),
            (self.threads, "threads"),
            (self.exceptions, "exceptions"),
            (self.function_references, "function-references"),
            (self.gc, "gc"),
            (self.custom_page_sizes, "custom-page-sizes"),
            (self.wide_arithmetic, "wide-arithmetic"),
        ]
    }

    /// Fails with [`ValidateError::Unsupported`] naming the first enabled
    /// proposal that zwasm does not implement.
    pub fn check_supported(&self) -> Result<(), ValidateError> {
        match self.unsupported().into_iter().find(|(enabled, _)| *enabled) {
            Some((_, feature)) => Err(ValidateError::Unsupported {
                feature,
                func: None,
                offset: 0,
            }),
            None => Ok(()),
        }
    }

    /// The equivalent wasmparser feature set.
    ///
    /// wasmparser also gates constructs that are not proposals: floating point
    /// (`FLOATS`) and the reference types of the GC type system (`GC_TYPES`,
    /// needed for plain `externref`). Both are always on, and everything not
    /// listed in [`Features`] (component model, compact imports, …) is off.
    pub fn to_wasmparser(&self) -> WasmFeatures {
        let mut features = WasmFeatures::FLOATS | WasmFeatures::GC_TYPES;
        let flags = [
            (WasmFeatures::SIGN_EXTENSION, self.sign_extension),
            (
                WasmFeatures::SATURATING_FLOAT_TO_INT,
                self.saturating_float_to_int,
            ),
            (WasmFeatures::MULTI_VALUE, self.multi_value),
            // Includes the `memory.copy`/`memory.fill` subset (BULK_MEMORY_OPT).
            (WasmFeatures::BULK_MEMORY, self.bulk_memory),
            // Includes the over-long `call_indirect` table immediate.
            (WasmFeatures::REFERENCE_TYPES, self.reference_types),
            (WasmFeatures::MUTABLE_GLOBAL, self.mutable_global),
            (WasmFeatures::TAIL_CALL, self.tail_call),
            (WasmFeatures::EXTENDED_CONST, self.extended_const),
            (WasmFeatures::MULTI_MEMORY, self.multi_memory),
            (WasmFeatures::MEMORY64, self.memory64),
            (WasmFeatures::SIMD, self.simd),
            (WasmFeatures::RELAXED_SIMD, self.relaxed_simd),
            (WasmFeatures::THREADS, self.threads),
            (WasmFeatures::EXCEPTIONS, self.exceptions),
            (WasmFeatures::FUNCTION_REFERENCES, self.function_references),
            (WasmFeatures::GC, self.gc),
            (WasmFeatures::CUSTOM_PAGE_SIZES, self.custom_page_sizes),
            (WasmFeatures::WIDE_ARITHMETIC, self.wide_arithmetic),
        ];
        for (flag, enabled) in flags {
            if enabled {
                features |= flag;
            }
        }
        features
    }
}

/// The stable name zwasm reports for a wasmparser feature flag, and whether
/// zwasm implements that proposal (so a failure means it was switched off).
pub(crate) fn feature_name(missing: WasmFeatures) -> (&'static str, bool) {
    const NAMES: &[(WasmFeatures, &str, bool)] = &[
        (WasmFeatures::SIMD, "simd", false),
        (WasmFeatures::RELAXED_SIMD, "relaxed-simd", false),
        (WasmFeatures::THREADS, "threads", false),
        (
            WasmFeatures::SHARED_EVERYTHING_THREADS,
            "shared-everything-threads",
            false,
        ),
        (WasmFeatures::EXCEPTIONS, "exceptions", false),
        (WasmFeatures::LEGACY_EXCEPTIONS, "legacy-exceptions", false),
        (
            WasmFeatures::FUNCTION_REFERENCES,
            "function-references",
            false,
        ),
        (WasmFeatures::GC, "gc", false),
        (WasmFeatures::GC_TYPES, "gc", false),
        (WasmFeatures::CUSTOM_PAGE_SIZES, "custom-page-sizes", false),
        (WasmFeatures::WIDE_ARITHMETIC, "wide-arithmetic", false),
        (WasmFeatures::STACK_SWITCHING, "stack-switching", false),
        (WasmFeatures::MEMORY_CONTROL, "memory-control", false),
        (
            WasmFeatures::CUSTOM_DESCRIPTORS,
            "custom-descriptors",
            false,
        ),
        (WasmFeatures::COMPACT_IMPORTS, "compact-imports", false),
        (WasmFeatures::COMPONENT_MODEL, "component-model", false),
        (
            WasmFeatures::ACQUIRE_RELEASE_ATOMICS,
            "acquire-release-atomics",
            false,
        ),
        (
            WasmFeatures::MULTIBYTE_ARRAY_ACCESS,
            "multibyte-array-access",
            false,
        ),
        (WasmFeatures::SIGN_EXTENSION, "sign-extension", true),
        (
            WasmFeatures::SATURATING_FLOAT_TO_INT,
            "saturating-float-to-int",
            true,
        ),
        (WasmFeatures::MULTI_VALUE, "multi-value", true),
        (WasmFeatures::BULK_MEMORY, "bulk-memory", true),
        (WasmFeatures::BULK_MEMORY_OPT, "bulk-memory", true),
        (WasmFeatures::REFERENCE_TYPES, "reference-types", true),
        (
            WasmFeatures::CALL_INDIRECT_OVERLONG,
            "reference-types",
            true,
        ),
        (WasmFeatures::MUTABLE_GLOBAL, "mutable-global", true),
        (WasmFeatures::TAIL_CALL, "tail-call", true),
        (WasmFeatures::EXTENDED_CONST, "extended-const", true),
        (WasmFeatures::MULTI_MEMORY, "multi-memory", true),
        (WasmFeatures::MEMORY64, "memory64", true),
        (WasmFeatures::FLOATS, "floats", true),
    ];
    let exact = NAMES.iter().find(|(flag, _, _)| *flag == missing);
    let overlapping = || NAMES.iter().find(|(flag, _, _)| flag.intersects(missing));
    match exact.or_else(overlapping) {
        Some((_, name, supported)) => (name, *supported),
        None => ("unknown proposal", false),
    }
}

/// Recognises wasmparser's "… support is not enabled" messages for errors that
/// do not carry a feature flag.
pub(crate) fn feature_from_message(message: &str) -> Option<&'static str> {
    const MESSAGES: &[(&str, &str)] = &[
        ("SIMD support is not enabled", "simd"),
        ("unexpected SIMD opcode", "simd"),
        ("relaxed SIMD support is not enabled", "relaxed-simd"),
        ("threads support is not enabled", "threads"),
        ("threads must be enabled", "threads"),
        ("exceptions proposal not enabled", "exceptions"),
        ("exceptions support is not enabled", "exceptions"),
        ("exception handling feature", "exceptions"),
        (
            "legacy exceptions support is not enabled",
            "legacy-exceptions",
        ),
        (
            "function references support is not enabled",
            "function-references",
        ),
        ("gc support is not enabled", "gc"),
        ("gc proposal must be enabled", "gc"),
        ("without the gc feature", "gc"),
        ("stack switching", "stack-switching"),
        ("wide arithmetic support is not enabled", "wide-arithmetic"),
        (
            "custom page sizes proposal must be enabled",
            "custom-page-sizes",
        ),
        ("custom descriptors", "custom-descriptors"),
    ];
    MESSAGES
        .iter()
        .find(|(text, _)| message.contains(text))
        .map(|(_, name)| *name)
}
