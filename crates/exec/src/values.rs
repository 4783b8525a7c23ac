//! [`Val`] and [`ExternRef`], and their encoding as 64-bit interpreter slots.

use std::any::Any;
use std::sync::Arc;

use zwasm_decode::ValType;

use crate::store::{AsContextMut, StoreContext, StoreCore, StoreId};
use crate::{Error, Func};

/// A WebAssembly value as the embedder sees it. Floats are kept as raw bits
/// so that NaN payloads survive a round trip.
///
/// ```
/// use zwasm::{Val, ValType};
/// let v = Val::from(1.5f32);
/// assert_eq!(v.ty(), ValType::F32);
/// assert_eq!(v.f32(), Some(1.5));
/// assert_eq!(Val::from(7).i32(), Some(7));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Val {
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
    /// An `f32`, as IEEE-754 bits.
    F32(u32),
    /// An `f64`, as IEEE-754 bits.
    F64(u64),
    /// A `funcref`; `None` is null.
    FuncRef(Option<Func>),
    /// An `externref`; `None` is null.
    ExternRef(Option<ExternRef>),
}

impl Val {
    /// The null `funcref`.
    pub fn null_func_ref() -> Val {
        Val::FuncRef(None)
    }

    /// The null `externref`.
    pub fn null_extern_ref() -> Val {
        Val::ExternRef(None)
    }

    /// The zero value (or null reference) of `ty`, as locals are initialised;
    /// `None` for `v128`.
    pub fn default_for(ty: ValType) -> Option<Val> {
        Some(match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::FuncRef => Val::FuncRef(None),
            ValType::ExternRef => Val::ExternRef(None),
            ValType::V128 => return None,
        })
    }

    /// The value's type.
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::FuncRef(_) => ValType::FuncRef,
            Val::ExternRef(_) => ValType::ExternRef,
        }
    }

    /// The `i32`, if this is one.
    pub fn i32(&self) -> Option<i32> {
        match self {
            Val::I32(v) => Some(*v),
            _ => None,
        }
    }

    /// The `i64`, if this is one.
    pub fn i64(&self) -> Option<i64> {
        match self {
            Val::I64(v) => Some(*v),
            _ => None,
        }
    }

    /// The `f32`, if this is one.
    pub fn f32(&self) -> Option<f32> {
        match self {
            Val::F32(bits) => Some(f32::from_bits(*bits)),
            _ => None,
        }
    }

    /// The `f64`, if this is one.
    pub fn f64(&self) -> Option<f64> {
        match self {
            Val::F64(bits) => Some(f64::from_bits(*bits)),
            _ => None,
        }
    }

    /// The `funcref` (`Some(None)` for null), if this is one.
    pub fn func_ref(&self) -> Option<Option<Func>> {
        match self {
            Val::FuncRef(func) => Some(*func),
            _ => None,
        }
    }

    /// The `externref` (`Some(None)` for null), if this is one.
    pub fn extern_ref(&self) -> Option<Option<ExternRef>> {
        match self {
            Val::ExternRef(extern_ref) => Some(*extern_ref),
            _ => None,
        }
    }

    /// Whether this is a null reference.
    pub fn is_null(&self) -> bool {
        matches!(self, Val::FuncRef(None) | Val::ExternRef(None))
    }
}

impl From<i32> for Val {
    fn from(v: i32) -> Val {
        Val::I32(v)
    }
}

impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::I64(v)
    }
}

impl From<f32> for Val {
    fn from(v: f32) -> Val {
        Val::F32(v.to_bits())
    }
}

impl From<f64> for Val {
    fn from(v: f64) -> Val {
        Val::F64(v.to_bits())
    }
}

impl From<Func> for Val {
    fn from(func: Func) -> Val {
        Val::FuncRef(Some(func))
    }
}

impl From<Option<Func>> for Val {
    fn from(func: Option<Func>) -> Val {
        Val::FuncRef(func)
    }
}

impl From<ExternRef> for Val {
    fn from(extern_ref: ExternRef) -> Val {
        Val::ExternRef(Some(extern_ref))
    }
}

impl From<Option<ExternRef>> for Val {
    fn from(extern_ref: Option<ExternRef>) -> Val {
        Val::ExternRef(extern_ref)
    }
}

/// An opaque host value that wasm can hold as an `externref`. Copies refer to
/// the same value; it lives as long as its store.
///
/// ```
/// use zwasm::{Engine, ExternRef, Store};
/// let mut store = Store::new(&Engine::default(), ());
/// let r = ExternRef::new(&mut store, String::from("hi"));
/// assert_eq!(r.data(&store).downcast_ref::<String>().unwrap(), "hi");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExternRef {
    pub(crate) store: StoreId,
    pub(crate) index: u32,
}

impl ExternRef {
    /// Wraps `value` in a new reference owned by `store`.
    pub fn new(mut store: impl AsContextMut, value: impl Any + Send + Sync) -> ExternRef {
        let core = &mut store.as_context_mut().0.core;
        core.extern_refs.push(Arc::new(value));
        ExternRef {
            store: core.id,
            index: (core.extern_refs.len() - 1) as u32,
        }
    }

    /// The wrapped host value. A reference used with a store other than its
    /// own yields `()`, which no real payload downcasts to by accident.
    pub fn data<'a, T: 'a>(
        &self,
        store: impl Into<StoreContext<'a, T>>,
    ) -> &'a (dyn Any + Send + Sync) {
        let core = &store.into().0.core;
        match core.extern_refs.get(self.index as usize) {
            Some(value) if core.owns(self.store) => value.as_ref(),
            _ => &(),
        }
    }
}

/// The slot encoding of `val` (see the ir-stack slot conventions).
pub(crate) fn to_slot(core: &StoreCore, val: &Val) -> Result<u64, Error> {
    Ok(match *val {
        Val::I32(v) => u64::from(v as u32),
        Val::I64(v) => v as u64,
        Val::F32(bits) => u64::from(bits),
        Val::F64(bits) => bits,
        Val::FuncRef(None) | Val::ExternRef(None) => 0,
        Val::FuncRef(Some(func)) => {
            core.check(func.store)?;
            u64::from(func.index) + 1
        }
        Val::ExternRef(Some(extern_ref)) => {
            core.check(extern_ref.store)?;
            u64::from(extern_ref.index) + 1
        }
    })
}

/// The value of type `ty` encoded in `slot`.
pub(crate) fn from_slot(store: StoreId, slot: u64, ty: ValType) -> Val {
    match ty {
        ValType::I32 => Val::I32(slot as u32 as i32),
        ValType::I64 => Val::I64(slot as i64),
        ValType::F32 => Val::F32(slot as u32),
        ValType::F64 | ValType::V128 => Val::F64(slot),
        ValType::FuncRef => Val::FuncRef(slot.checked_sub(1).map(|index| Func {
            store,
            index: index as u32,
        })),
        ValType::ExternRef => Val::ExternRef(slot.checked_sub(1).map(|index| ExternRef {
            store,
            index: index as u32,
        })),
    }
}

/// Checks that `val` has type `ty` and belongs to `core`'s store, and encodes it.
pub(crate) fn typed_slot(core: &StoreCore, val: &Val, ty: ValType) -> Result<u64, Error> {
    if val.ty() != ty {
        return Err(Error::Type(format!(
            "expected a {ty} value, got {}",
            val.ty()
        )));
    }
    to_slot(core, val)
}
