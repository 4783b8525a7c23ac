//! Script values: turning `invoke` arguments into zwasm values and checking
//! results against `assert_return` expectations.

use wast::core::{AbstractHeapType, HeapType, NanPattern, WastArgCore, WastRetCore};
use wast::{WastArg, WastRet};
use zwasm::{ExternRef, Store, Val};

/// Why a value cannot be handled: it needs a feature out of zwasm's scope.
#[derive(Debug)]
pub(crate) struct UnsupportedValue(pub String);

pub(crate) fn arg_to_val(
    store: &mut Store<()>,
    arg: &WastArg<'_>,
) -> Result<Val, UnsupportedValue> {
    let WastArg::Core(core) = arg else {
        return Err(UnsupportedValue("component model values".into()));
    };
    Ok(match core {
        WastArgCore::I32(v) => Val::I32(*v),
        WastArgCore::I64(v) => Val::I64(*v),
        WastArgCore::F32(v) => Val::F32(v.bits),
        WastArgCore::F64(v) => Val::F64(v.bits),
        WastArgCore::V128(_) => return Err(v128()),
        WastArgCore::RefNull(heap) => match null_kind(heap)? {
            NullKind::Func => Val::FuncRef(None),
            NullKind::Extern => Val::ExternRef(None),
        },
        WastArgCore::RefExtern(payload) => {
            Val::ExternRef(Some(ExternRef::new(&mut *store, *payload)))
        }
        WastArgCore::RefHost(_) => return Err(gc_values()),
    })
}

/// Whether `actual` satisfies `expected`; `Ok(Err(description))` says how it
/// does not.
pub(crate) fn check_result(
    store: &Store<()>,
    expected: &WastRet<'_>,
    actual: &Val,
) -> Result<Result<(), String>, UnsupportedValue> {
    let WastRet::Core(expected) = expected else {
        return Err(UnsupportedValue("component model values".into()));
    };
    if matches_core(store, expected, actual)? {
        Ok(Ok(()))
    } else {
        Ok(Err(format!(
            "expected {}, got {}",
            describe_expected(expected),
            describe_val(store, actual)
        )))
    }
}

/// Whether the expectation needs values zwasm does not support, checked
/// before running anything so that an unsupported directive has no effects.
pub(crate) fn expectation_support(expected: &WastRet<'_>) -> Result<(), UnsupportedValue> {
    let WastRet::Core(expected) = expected else {
        return Err(UnsupportedValue("component model values".into()));
    };
    core_expectation_support(expected)
}

fn core_expectation_support(expected: &WastRetCore<'_>) -> Result<(), UnsupportedValue> {
    match expected {
        WastRetCore::V128(_) => Err(v128()),
        WastRetCore::RefNull(Some(heap)) => null_kind(heap).map(|_| ()),
        WastRetCore::RefHost(_)
        | WastRetCore::RefAny
        | WastRetCore::RefEq
        | WastRetCore::RefArray
        | WastRetCore::RefStruct
        | WastRetCore::RefI31
        | WastRetCore::RefI31Shared => Err(gc_values()),
        WastRetCore::Either(alternatives) => {
            alternatives.iter().try_for_each(core_expectation_support)
        }
        WastRetCore::I32(_)
        | WastRetCore::I64(_)
        | WastRetCore::F32(_)
        | WastRetCore::F64(_)
        | WastRetCore::RefNull(None)
        | WastRetCore::RefExtern(_)
        | WastRetCore::RefFunc(_) => Ok(()),
    }
}

pub(crate) fn arg_support(arg: &WastArg<'_>) -> Result<(), UnsupportedValue> {
    let WastArg::Core(core) = arg else {
        return Err(UnsupportedValue("component model values".into()));
    };
    match core {
        WastArgCore::V128(_) => Err(v128()),
        WastArgCore::RefHost(_) => Err(gc_values()),
        WastArgCore::RefNull(heap) => null_kind(heap).map(|_| ()),
        WastArgCore::I32(_)
        | WastArgCore::I64(_)
        | WastArgCore::F32(_)
        | WastArgCore::F64(_)
        | WastArgCore::RefExtern(_) => Ok(()),
    }
}

fn matches_core(
    store: &Store<()>,
    expected: &WastRetCore<'_>,
    actual: &Val,
) -> Result<bool, UnsupportedValue> {
    Ok(match (expected, actual) {
        (WastRetCore::I32(e), Val::I32(a)) => e == a,
        (WastRetCore::I64(e), Val::I64(a)) => e == a,
        (WastRetCore::F32(pattern), Val::F32(bits)) => match pattern {
            NanPattern::CanonicalNan => f32_is_canonical_nan(*bits),
            NanPattern::ArithmeticNan => f32_is_arithmetic_nan(*bits),
            NanPattern::Value(e) => e.bits == *bits,
        },
        (WastRetCore::F64(pattern), Val::F64(bits)) => match pattern {
            NanPattern::CanonicalNan => f64_is_canonical_nan(*bits),
            NanPattern::ArithmeticNan => f64_is_arithmetic_nan(*bits),
            NanPattern::Value(e) => e.bits == *bits,
        },
        (WastRetCore::RefNull(None), Val::FuncRef(r)) => r.is_none(),
        (WastRetCore::RefNull(None), Val::ExternRef(r)) => r.is_none(),
        (WastRetCore::RefNull(Some(heap)), actual) => match (null_kind(heap)?, actual) {
            (NullKind::Func, Val::FuncRef(r)) => r.is_none(),
            (NullKind::Extern, Val::ExternRef(r)) => r.is_none(),
            _ => false,
        },
        (WastRetCore::RefExtern(None), Val::ExternRef(r)) => r.is_some(),
        (WastRetCore::RefExtern(Some(payload)), Val::ExternRef(Some(r))) => {
            r.data(store).downcast_ref::<u32>() == Some(payload)
        }
        // The script names the function by its index in the module that
        // produced it; any non-null function reference is accepted, as in
        // wasmtime's harness.
        (WastRetCore::RefFunc(_), Val::FuncRef(r)) => r.is_some(),
        (WastRetCore::Either(alternatives), actual) => {
            for alternative in alternatives {
                if matches_core(store, alternative, actual)? {
                    return Ok(true);
                }
            }
            false
        }
        (
            WastRetCore::V128(_)
            | WastRetCore::RefHost(_)
            | WastRetCore::RefAny
            | WastRetCore::RefEq
            | WastRetCore::RefArray
            | WastRetCore::RefStruct
            | WastRetCore::RefI31
            | WastRetCore::RefI31Shared,
            _,
        ) => return core_expectation_support(expected).map(|()| false),
        _ => false,
    })
}

enum NullKind {
    Func,
    Extern,
}

fn null_kind(heap: &HeapType<'_>) -> Result<NullKind, UnsupportedValue> {
    match heap {
        HeapType::Abstract {
            shared: false,
            ty: AbstractHeapType::Func | AbstractHeapType::NoFunc,
        } => Ok(NullKind::Func),
        HeapType::Abstract {
            shared: false,
            ty: AbstractHeapType::Extern | AbstractHeapType::NoExtern,
        } => Ok(NullKind::Extern),
        _ => Err(UnsupportedValue("typed or GC references".into())),
    }
}

fn v128() -> UnsupportedValue {
    UnsupportedValue("v128 values".into())
}

fn gc_values() -> UnsupportedValue {
    UnsupportedValue("GC reference values".into())
}

const F32_EXPONENT: u32 = 0x7f80_0000;
const F32_QUIET: u32 = 0x0040_0000;
const F64_EXPONENT: u64 = 0x7ff0_0000_0000_0000;
const F64_QUIET: u64 = 0x0008_0000_0000_0000;

fn f32_is_canonical_nan(bits: u32) -> bool {
    bits & !(1 << 31) == F32_EXPONENT | F32_QUIET
}

fn f32_is_arithmetic_nan(bits: u32) -> bool {
    bits & (F32_EXPONENT | F32_QUIET) == F32_EXPONENT | F32_QUIET
}

fn f64_is_canonical_nan(bits: u64) -> bool {
    bits & !(1 << 63) == F64_EXPONENT | F64_QUIET
}

fn f64_is_arithmetic_nan(bits: u64) -> bool {
    bits & (F64_EXPONENT | F64_QUIET) == F64_EXPONENT | F64_QUIET
}

fn describe_expected(expected: &WastRetCore<'_>) -> String {
    match expected {
        WastRetCore::I32(v) => format!("i32:{v}"),
        WastRetCore::I64(v) => format!("i64:{v}"),
        WastRetCore::F32(NanPattern::Value(v)) => describe_f32(v.bits),
        WastRetCore::F64(NanPattern::Value(v)) => describe_f64(v.bits),
        WastRetCore::F32(NanPattern::CanonicalNan) => "f32:nan:canonical".into(),
        WastRetCore::F32(NanPattern::ArithmeticNan) => "f32:nan:arithmetic".into(),
        WastRetCore::F64(NanPattern::CanonicalNan) => "f64:nan:canonical".into(),
        WastRetCore::F64(NanPattern::ArithmeticNan) => "f64:nan:arithmetic".into(),
        WastRetCore::RefNull(_) => "ref.null".into(),
        WastRetCore::RefExtern(Some(payload)) => format!("ref.extern {payload}"),
        WastRetCore::RefExtern(None) => "ref.extern".into(),
        WastRetCore::RefFunc(_) => "ref.func".into(),
        WastRetCore::Either(alternatives) => {
            let names: Vec<String> = alternatives.iter().map(describe_expected).collect();
            format!("either({})", names.join(" | "))
        }
        other => format!("{other:?}"),
    }
}

pub(crate) fn describe_val(store: &Store<()>, val: &Val) -> String {
    match val {
        Val::I32(v) => format!("i32:{v}"),
        Val::I64(v) => format!("i64:{v}"),
        Val::F32(bits) => describe_f32(*bits),
        Val::F64(bits) => describe_f64(*bits),
        Val::FuncRef(None) | Val::ExternRef(None) => "ref.null".into(),
        Val::FuncRef(Some(_)) => "ref.func".into(),
        Val::ExternRef(Some(r)) => match r.data(store).downcast_ref::<u32>() {
            Some(payload) => format!("ref.extern {payload}"),
            None => "ref.extern (host object)".into(),
        },
    }
}

fn describe_f32(bits: u32) -> String {
    format!("f32:{} (0x{bits:08x})", f32::from_bits(bits))
}

fn describe_f64(bits: u64) -> String {
    format!("f64:{} (0x{bits:016x})", f64::from_bits(bits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_classes() {
        assert!(f32_is_canonical_nan(0x7fc0_0000));
        assert!(f32_is_canonical_nan(0xffc0_0000));
        assert!(!f32_is_canonical_nan(0x7fc0_0001));
        assert!(f32_is_arithmetic_nan(0x7fc0_0001));
        assert!(!f32_is_arithmetic_nan(0x7f80_0001));
        assert!(!f32_is_arithmetic_nan(0x3fc0_0000));
        assert!(f64_is_canonical_nan(0x7ff8_0000_0000_0000));
        assert!(!f64_is_canonical_nan(0x7ff8_0000_0000_0001));
        assert!(f64_is_arithmetic_nan(0xfff8_0000_0000_0001));
        assert!(!f64_is_arithmetic_nan(0x7ff0_0000_0000_0001));
    }
}
