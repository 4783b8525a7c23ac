//! Guest errors that end a WASI call instead of returning an errno, and the
//! checks of enum and flags arguments that raise them.
//!
//! wasmtime 48 (through wiggle) converts every enum and flags argument
//! before the call runs, and turns a bad guest pointer into an error of the
//! embedding rather than `EFAULT` (the witx docs say the function "shall
//! trap"). This crate does the same, with the same messages: the call
//! returns `Err(zwasm::Error::host(GuestError))` to the embedder.

use std::fmt;
use std::io;

use crate::errno::Errno;
use crate::linker::MODULE;

/// What was wrong with a guest's call. `Display` gives wiggle's wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuestErrorKind {
    /// The `len` bytes at `start` are not all inside the linear memory.
    PtrOutOfBounds {
        /// First guest address accessed.
        start: u32,
        /// Bytes accessed.
        len: u32,
    },
    /// A value with `align`-byte alignment at an address that has not.
    PtrNotAligned {
        /// First guest address accessed.
        start: u32,
        /// Bytes accessed.
        len: u32,
        /// Alignment the value needs.
        align: u32,
    },
    /// An address computed from a guest pointer does not fit in 32 bits.
    PtrOverflow,
    /// An enum argument that names no variant (the type is named, e.g.
    /// `Clockid`).
    InvalidEnumValue(&'static str),
    /// A flags argument with bits the type does not define.
    InvalidFlagValue(&'static str),
    /// An integer argument outside its type's range (e.g. a negative
    /// `i32` for a `u32`, or more than 255 for a `u8`).
    IntConversion {
        /// Below the range (else above it).
        negative: bool,
    },
}

impl fmt::Display for GuestErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            GuestErrorKind::PtrOutOfBounds { start, len } => {
                write!(
                    f,
                    "Pointer out of bounds: Region {{ start: {start}, len: {len} }}"
                )
            }
            GuestErrorKind::PtrNotAligned { start, len, align } => write!(
                f,
                "Pointer not aligned to {align}: Region {{ start: {start}, len: {len} }}"
            ),
            GuestErrorKind::PtrOverflow => f.write_str("Pointer overflow"),
            GuestErrorKind::InvalidEnumValue(ty) => write!(f, "Invalid enum value {ty}"),
            GuestErrorKind::InvalidFlagValue(ty) => write!(f, "Invalid flag value {ty}"),
            GuestErrorKind::IntConversion { negative } => write!(
                f,
                "Int conversion error: TryFromIntError({})",
                if negative {
                    "NegOverflow"
                } else {
                    "PosOverflow"
                }
            ),
        }
    }
}

impl std::error::Error for GuestErrorKind {}

/// The step of a call an error happened in, named as wasmtime names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    /// Converting an argument of this type, before the call does anything.
    Convert(&'static str),
    /// Writing a result of this type, after the call did its work.
    Write(&'static str),
}

/// A WASI call the guest made with an argument no errno answers: a
/// pointer outside its memory or misaligned, or an enum or flags value
/// that the type does not define.
///
/// As in wasmtime, the call does not return to the guest: the running wasm
/// call ends with `Err(zwasm::Error::host(GuestError))`, which embedders
/// can find with `error.downcast_ref::<GuestError>()`. The message is
/// wasmtime's, e.g. `In func wasi_snapshot_preview1::clock_time_get at
/// convert Clockid: Invalid enum value Clockid` or `Pointer out of bounds:
/// Region { start: 4294967280, len: 4 }`. Like wasmtime, `zwasm run` exits
/// with status 1 for it (not 134: wasmtime does not report it as a trap).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuestError {
    kind: GuestErrorKind,
    step: Option<Step>,
    func: Option<&'static str>,
}

impl GuestError {
    pub(crate) fn new(kind: GuestErrorKind) -> GuestError {
        GuestError {
            kind,
            step: None,
            func: None,
        }
    }

    /// What was wrong.
    pub fn kind(&self) -> GuestErrorKind {
        self.kind
    }

    /// The WASI function called, once the error has left the call.
    pub fn func(&self) -> Option<&'static str> {
        self.func
    }

    fn convert(kind: GuestErrorKind, ty: &'static str) -> GuestError {
        GuestError {
            step: Some(Step::Convert(ty)),
            ..GuestError::new(kind)
        }
    }

    /// Marks the error as one of writing a result of type `ty` (wasmtime
    /// writes results after the call, and says so).
    pub(crate) fn writing(self, ty: &'static str) -> GuestError {
        GuestError {
            step: Some(Step::Write(ty)),
            ..self
        }
    }

    pub(crate) fn in_func(self, func: &'static str) -> GuestError {
        GuestError {
            func: Some(func),
            ..self
        }
    }
}

/// `map_err` helper: `mem.write_u32(ptr, n).map_err(writing("size"))`.
pub(crate) fn writing(ty: &'static str) -> impl FnOnce(GuestError) -> GuestError {
    move |error| error.writing(ty)
}

impl fmt::Display for GuestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // wiggle's `InFunc` context exists only for argument conversions
        // and result writes; accesses inside a call report the bare kind.
        if let (Some(func), Some(step)) = (self.func, self.step) {
            write!(f, "In func {MODULE}::{func} at ")?;
            match step {
                Step::Convert(ty) => write!(f, "convert {ty}: ")?,
                Step::Write(ty) => write!(f, "write {ty}: ")?,
            }
        }
        self.kind.fmt(f)
    }
}

impl std::error::Error for GuestError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match (self.func, self.step) {
            (Some(_), Some(_)) => Some(&self.kind),
            _ => None,
        }
    }
}

impl From<GuestErrorKind> for GuestError {
    fn from(kind: GuestErrorKind) -> GuestError {
        GuestError::new(kind)
    }
}

/// How a WASI call failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallError {
    /// The guest receives this errno.
    Errno(Errno),
    /// The call does not return to the guest (see [`GuestError`]).
    Guest(GuestError),
}

/// Result of a WASI call: `Ok` is `SUCCESS`.
pub type CallResult<T> = Result<T, CallError>;

impl From<Errno> for CallError {
    fn from(errno: Errno) -> CallError {
        CallError::Errno(errno)
    }
}

impl From<GuestError> for CallError {
    fn from(error: GuestError) -> CallError {
        CallError::Guest(error)
    }
}

impl From<io::Error> for CallError {
    fn from(error: io::Error) -> CallError {
        CallError::Errno(error.into())
    }
}

impl From<std::num::TryFromIntError> for CallError {
    fn from(error: std::num::TryFromIntError) -> CallError {
        CallError::Errno(error.into())
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Errno(errno) => errno.fmt(f),
            CallError::Guest(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for CallError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CallError::Errno(_) => None,
            CallError::Guest(error) => Some(error),
        }
    }
}

/// An integer argument as the type `ty` with range `0..=max` sees it:
/// wasm passes `i32`/`i64`, and wiggle converts with `TryFrom`, so a
/// negative value is out of range even where the bits would fit.
fn in_range(value: i64, max: u64, ty: &'static str) -> Result<u64, GuestError> {
    let value = u64::try_from(value)
        .map_err(|_| GuestError::convert(GuestErrorKind::IntConversion { negative: true }, ty))?;
    if value > max {
        return Err(GuestError::convert(
            GuestErrorKind::IntConversion { negative: false },
            ty,
        ));
    }
    Ok(value)
}

/// An `i32` enum argument of type `ty` (stored as `max` at most) with
/// `count` variants.
pub(crate) fn enum_arg(
    raw: u32,
    max: u64,
    count: u32,
    ty: &'static str,
) -> Result<u32, GuestError> {
    let value = in_range(i64::from(raw as i32), max, ty)?;
    if value >= u64::from(count) {
        return Err(GuestError::convert(
            GuestErrorKind::InvalidEnumValue(ty),
            ty,
        ));
    }
    Ok(value as u32)
}

/// An `i32` flags argument of type `ty` (stored as `max` at most) whose
/// defined bits are `all`.
pub(crate) fn flags_arg(raw: u32, max: u64, all: u64, ty: &'static str) -> Result<u32, GuestError> {
    let value = in_range(i64::from(raw as i32), max, ty)?;
    if value & !all != 0 {
        return Err(GuestError::convert(
            GuestErrorKind::InvalidFlagValue(ty),
            ty,
        ));
    }
    Ok(value as u32)
}

/// A plain `i32` integer argument of a type narrower than 32 bits (the
/// type is named as wiggle names it, e.g. `u16`).
pub(crate) fn int_arg(raw: u32, max: u64, ty: &'static str) -> Result<u32, GuestError> {
    Ok(in_range(i64::from(raw as i32), max, ty)? as u32)
}

/// The `rights` argument (an `i64` of 64-bit flags).
pub(crate) fn rights_arg(raw: u64) -> Result<u64, GuestError> {
    let ty = "Rights";
    let value = in_range(raw as i64, u64::MAX, ty)?;
    if value & !crate::abi::rights::ALL != 0 {
        return Err(GuestError::convert(
            GuestErrorKind::InvalidFlagValue(ty),
            ty,
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_wasmtimes() {
        let error = enum_arg(4, u32::MAX.into(), 4, "Clockid").unwrap_err();
        assert_eq!(error.to_string(), "Invalid enum value Clockid");
        assert_eq!(
            error.in_func("clock_time_get").to_string(),
            "In func wasi_snapshot_preview1::clock_time_get at convert Clockid: \
             Invalid enum value Clockid"
        );
        let error = enum_arg(256, 255, 3, "Whence").unwrap_err();
        assert_eq!(
            error.kind().to_string(),
            "Int conversion error: TryFromIntError(PosOverflow)"
        );
        let error = flags_arg(u32::MAX, 0xffff, 0x1f, "Fdflags").unwrap_err();
        assert_eq!(
            error.kind(),
            GuestErrorKind::IntConversion { negative: true }
        );
        let error = flags_arg(0x20, 0xffff, 0x1f, "Fdflags").unwrap_err();
        assert_eq!(error.kind(), GuestErrorKind::InvalidFlagValue("Fdflags"));
        assert_eq!(flags_arg(0x11, 0xffff, 0x1f, "Fdflags"), Ok(0x11));
        assert_eq!(
            rights_arg(1 << 40).unwrap_err().kind(),
            GuestErrorKind::InvalidFlagValue("Rights")
        );
        assert_eq!(
            rights_arg(u64::MAX).unwrap_err().kind(),
            GuestErrorKind::IntConversion { negative: true }
        );
        let bounds = GuestError::new(GuestErrorKind::PtrOutOfBounds {
            start: 4294967280,
            len: 4,
        });
        // No "In func" prefix for accesses inside the call, as in wasmtime.
        assert_eq!(
            bounds.clone().in_func("fd_write").to_string(),
            "Pointer out of bounds: Region { start: 4294967280, len: 4 }"
        );
        assert_eq!(
            bounds.writing("size").in_func("fd_write").to_string(),
            "In func wasi_snapshot_preview1::fd_write at write size: \
             Pointer out of bounds: Region { start: 4294967280, len: 4 }"
        );
    }
}
