//! Statically typed functions: Rust closures as host functions ([`IntoFunc`])
//! and wasm functions called with Rust values ([`TypedFunc`]).

use std::marker::PhantomData;
use std::sync::Arc;

use zwasm_decode::{FuncType, ValType};

use super::HostFunc;
use crate::store::AsContextMut;
use crate::{Caller, Error, ExternRef, Func, Val};

/// A Rust type that maps to one wasm value type.
pub trait WasmTy: Sized + 'static {
    /// The wasm type of values of `Self`.
    fn val_type() -> ValType;
    /// Converts to a [`Val`].
    fn into_val(self) -> Val;
    /// Converts from a [`Val`] of type [`WasmTy::val_type`].
    fn from_val(val: &Val) -> Option<Self>;
}

macro_rules! wasm_ty {
    ($($rust:ty => $wasm:ident, |$v:ident| $into:expr, $pattern:pat => $from:expr;)*) => {$(
        impl WasmTy for $rust {
            fn val_type() -> ValType {
                ValType::$wasm
            }
            fn into_val(self) -> Val {
                let $v = self;
                $into
            }
            fn from_val(val: &Val) -> Option<Self> {
                match *val {
                    $pattern => Some($from),
                    _ => None,
                }
            }
        }
    )*};
}

wasm_ty! {
    i32 => I32, |v| Val::I32(v), Val::I32(v) => v;
    u32 => I32, |v| Val::I32(v as i32), Val::I32(v) => v as u32;
    i64 => I64, |v| Val::I64(v), Val::I64(v) => v;
    u64 => I64, |v| Val::I64(v as i64), Val::I64(v) => v as u64;
    f32 => F32, |v| Val::F32(v.to_bits()), Val::F32(bits) => f32::from_bits(bits);
    f64 => F64, |v| Val::F64(v.to_bits()), Val::F64(bits) => f64::from_bits(bits);
    Option<Func> => FuncRef, |v| Val::FuncRef(v), Val::FuncRef(v) => v;
    Option<ExternRef> => ExternRef, |v| Val::ExternRef(v), Val::ExternRef(v) => v;
}

/// A list of [`WasmTy`] used as function parameters: `()`, one type, or a tuple.
pub trait WasmParams: Sized {
    /// The wasm types of the list.
    fn val_types() -> Vec<ValType>;
    /// Converts to values.
    fn into_vals(self) -> Vec<Val>;
    /// Converts from values of the list's types.
    fn from_vals(vals: &[Val]) -> Option<Self>;
}

/// A list of [`WasmTy`] used as function results: `()`, one type, or a tuple.
pub trait WasmResults: Sized {
    /// The wasm types of the list.
    fn val_types() -> Vec<ValType>;
    /// Converts to values.
    fn into_vals(self) -> Vec<Val>;
    /// Converts from values of the list's types.
    fn from_vals(vals: &[Val]) -> Option<Self>;
}

macro_rules! ty_list {
    ($trait:ident) => {
        impl<A: WasmTy> $trait for A {
            fn val_types() -> Vec<ValType> {
                vec![A::val_type()]
            }
            fn into_vals(self) -> Vec<Val> {
                vec![self.into_val()]
            }
            fn from_vals(vals: &[Val]) -> Option<Self> {
                match vals {
                    [val] => A::from_val(val),
                    _ => None,
                }
            }
        }
        ty_list!($trait:);
        ty_list!($trait: A1 a1);
        ty_list!($trait: A1 a1 A2 a2);
        ty_list!($trait: A1 a1 A2 a2 A3 a3);
        ty_list!($trait: A1 a1 A2 a2 A3 a3 A4 a4);
        ty_list!($trait: A1 a1 A2 a2 A3 a3 A4 a4 A5 a5);
        ty_list!($trait: A1 a1 A2 a2 A3 a3 A4 a4 A5 a5 A6 a6);
        ty_list!($trait: A1 a1 A2 a2 A3 a3 A4 a4 A5 a5 A6 a6 A7 a7);
        ty_list!($trait: A1 a1 A2 a2 A3 a3 A4 a4 A5 a5 A6 a6 A7 a7 A8 a8);
        ty_list!($trait: A1 a1 A2 a2 A3 a3 A4 a4 A5 a5 A6 a6 A7 a7 A8 a8 A9 a9);
        ty_list!($trait: A1 a1 A2 a2 A3 a3 A4 a4 A5 a5 A6 a6 A7 a7 A8 a8 A9 a9 A10 a10);
        ty_list!($trait: A1 a1 A2 a2 A3 a3 A4 a4 A5 a5 A6 a6 A7 a7 A8 a8 A9 a9 A10 a10 A11 a11);
        ty_list!($trait: A1 a1 A2 a2 A3 a3 A4 a4 A5 a5 A6 a6 A7 a7 A8 a8 A9 a9 A10 a10 A11 a11 A12 a12);
        ty_list!($trait: A1 a1 A2 a2 A3 a3 A4 a4 A5 a5 A6 a6 A7 a7 A8 a8 A9 a9 A10 a10 A11 a11 A12 a12 A13 a13);
        ty_list!($trait: A1 a1 A2 a2 A3 a3 A4 a4 A5 a5 A6 a6 A7 a7 A8 a8 A9 a9 A10 a10 A11 a11 A12 a12 A13 a13 A14 a14);
        ty_list!($trait: A1 a1 A2 a2 A3 a3 A4 a4 A5 a5 A6 a6 A7 a7 A8 a8 A9 a9 A10 a10 A11 a11 A12 a12 A13 a13 A14 a14 A15 a15);
        ty_list!($trait: A1 a1 A2 a2 A3 a3 A4 a4 A5 a5 A6 a6 A7 a7 A8 a8 A9 a9 A10 a10 A11 a11 A12 a12 A13 a13 A14 a14 A15 a15 A16 a16);
    };
    ($trait:ident: $($ty:ident $var:ident)*) => {
        impl<$($ty: WasmTy),*> $trait for ($($ty,)*) {
            fn val_types() -> Vec<ValType> {
                vec![$($ty::val_type()),*]
            }
            fn into_vals(self) -> Vec<Val> {
                let ($($var,)*) = self;
                vec![$($var.into_val()),*]
            }
            fn from_vals(vals: &[Val]) -> Option<Self> {
                match vals {
                    [$($var),*] => Some(($($ty::from_val($var)?,)*)),
                    _ => None,
                }
            }
        }
    };
}

ty_list!(WasmParams);
ty_list!(WasmResults);

/// What a host closure may return: results, or a `Result` of them whose
/// error aborts the calling wasm code.
pub trait WasmRet {
    /// The results carried on success.
    type Results: WasmResults;
    /// Separates success from failure.
    fn into_results(self) -> Result<Self::Results, Error>;
}

impl<R: WasmResults> WasmRet for R {
    type Results = R;
    fn into_results(self) -> Result<R, Error> {
        Ok(self)
    }
}

impl<R: WasmResults> WasmRet for Result<R, Error> {
    type Results = R;
    fn into_results(self) -> Result<R, Error> {
        self
    }
}

/// A Rust closure usable as a host function. `Params` is the closure's
/// parameter list (with a leading [`Caller`] or without), `Results` its return type.
pub trait IntoFunc<T, Params, Results>: Send + Sync + 'static {
    /// The function's signature and its dynamically typed form.
    #[doc(hidden)]
    fn into_func(self) -> (FuncType, HostFunc<T>);
}

/// Converts the next host-call argument; the interpreter type-checks
/// arguments before the call, so a mismatch is an internal inconsistency.
fn next_param<A: WasmTy>(params: &mut std::slice::Iter<'_, Val>) -> Result<A, Error> {
    params.next().and_then(A::from_val).ok_or_else(|| {
        Error::Type(format!(
            "host function expected a {} argument",
            A::val_type()
        ))
    })
}

fn store_results<R: WasmResults>(out: R, results: &mut [Val]) -> Result<(), Error> {
    let vals = out.into_vals();
    if vals.len() != results.len() {
        return Err(Error::Type(format!(
            "host function returned {} values, {} expected",
            vals.len(),
            results.len()
        )));
    }
    results.copy_from_slice(&vals);
    Ok(())
}

macro_rules! into_func {
    ($($ty:ident $var:ident)*) => {
        impl<T, F, R, $($ty,)*> IntoFunc<T, ($($ty,)*), R> for F
        where
            F: Fn($($ty),*) -> R + Send + Sync + 'static,
            R: WasmRet,
            $($ty: WasmTy,)*
        {
            fn into_func(self) -> (FuncType, HostFunc<T>) {
                let ty = FuncType::new([$($ty::val_type()),*], R::Results::val_types());
                let host: HostFunc<T> = Arc::new(
                    move |_caller: Caller<'_, T>, params: &[Val], results: &mut [Val]| {
                        let mut _params = params.iter();
                        $(let $var = next_param::<$ty>(&mut _params)?;)*
                        store_results(self($($var),*).into_results()?, results)
                    },
                );
                (ty, host)
            }
        }

        impl<T, F, R, $($ty,)*> IntoFunc<T, (Caller<'_, T>, $($ty,)*), R> for F
        where
            F: Fn(Caller<'_, T>, $($ty),*) -> R + Send + Sync + 'static,
            R: WasmRet,
            $($ty: WasmTy,)*
        {
            fn into_func(self) -> (FuncType, HostFunc<T>) {
                let ty = FuncType::new([$($ty::val_type()),*], R::Results::val_types());
                let host: HostFunc<T> = Arc::new(
                    move |caller: Caller<'_, T>, params: &[Val], results: &mut [Val]| {
                        let mut _params = params.iter();
                        $(let $var = next_param::<$ty>(&mut _params)?;)*
                        store_results(self(caller, $($var),*).into_results()?, results)
                    },
                );
                (ty, host)
            }
        }
    };
}

into_func!();
into_func!(A1 a1);
into_func!(A1 a1 A2 a2);
into_func!(A1 a1 A2 a2 A3 a3);
into_func!(A1 a1 A2 a2 A3 a3 A4 a4);
into_func!(A1 a1 A2 a2 A3 a3 A4 a4 A5 a5);
into_func!(A1 a1 A2 a2 A3 a3 A4 a4 A5 a5 A6 a6);
into_func!(A1 a1 A2 a2 A3 a3 A4 a4 A5 a5 A6 a6 A7 a7);
into_func!(A1 a1 A2 a2 A3 a3 A4 a4 A5 a5 A6 a6 A7 a7 A8 a8);
into_func!(A1 a1 A2 a2 A3 a3 A4 a4 A5 a5 A6 a6 A7 a7 A8 a8 A9 a9);
into_func!(A1 a1 A2 a2 A3 a3 A4 a4 A5 a5 A6 a6 A7 a7 A8 a8 A9 a9 A10 a10);
into_func!(A1 a1 A2 a2 A3 a3 A4 a4 A5 a5 A6 a6 A7 a7 A8 a8 A9 a9 A10 a10 A11 a11);
into_func!(A1 a1 A2 a2 A3 a3 A4 a4 A5 a5 A6 a6 A7 a7 A8 a8 A9 a9 A10 a10 A11 a11 A12 a12);
into_func!(A1 a1 A2 a2 A3 a3 A4 a4 A5 a5 A6 a6 A7 a7 A8 a8 A9 a9 A10 a10 A11 a11 A12 a12 A13 a13);
into_func!(A1 a1 A2 a2 A3 a3 A4 a4 A5 a5 A6 a6 A7 a7 A8 a8 A9 a9 A10 a10 A11 a11 A12 a12 A13 a13 A14 a14);
into_func!(A1 a1 A2 a2 A3 a3 A4 a4 A5 a5 A6 a6 A7 a7 A8 a8 A9 a9 A10 a10 A11 a11 A12 a12 A13 a13 A14 a14 A15 a15);
into_func!(A1 a1 A2 a2 A3 a3 A4 a4 A5 a5 A6 a6 A7 a7 A8 a8 A9 a9 A10 a10 A11 a11 A12 a12 A13 a13 A14 a14 A15 a15 A16 a16);

/// A [`Func`] whose signature was checked against `Params` and `Results`,
/// callable with Rust values.
pub struct TypedFunc<Params, Results> {
    func: Func,
    _signature: PhantomData<fn(Params) -> Results>,
}

impl<Params, Results> TypedFunc<Params, Results> {
    pub(crate) fn new(func: Func) -> Self {
        TypedFunc {
            func,
            _signature: PhantomData,
        }
    }

    /// The underlying untyped function.
    pub fn func(&self) -> &Func {
        &self.func
    }
}

impl<Params: WasmParams, Results: WasmResults> TypedFunc<Params, Results> {
    /// Calls the function.
    pub fn call(&self, mut store: impl AsContextMut, params: Params) -> Result<Results, Error> {
        let params = params.into_vals();
        let result_types = Results::val_types();
        let mut results: Vec<Val> = result_types
            .iter()
            .map(|ty| Val::default_for(*ty).unwrap_or(Val::I32(0)))
            .collect();
        self.func.call(&mut store, &params, &mut results)?;
        Results::from_vals(&results)
            .ok_or_else(|| Error::Type("function returned values of unexpected types".to_string()))
    }
}

impl<Params, Results> Clone for TypedFunc<Params, Results> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Params, Results> Copy for TypedFunc<Params, Results> {}

impl<Params, Results> std::fmt::Debug for TypedFunc<Params, Results> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypedFunc")
            .field("func", &self.func)
            .finish()
    }
}
