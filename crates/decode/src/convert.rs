//! Conversions from wasmparser's types to the decoder's own, rejecting the
//! proposals zwasm cannot represent.

use crate::error::DecodeError;
use crate::types::{FuncType, GlobalType, Limits, MemoryType, RefType, TableType, ValType};

/// The proposal that introduces a reference type we cannot represent.
fn ref_type_feature(ty: wasmparser::RefType) -> &'static str {
    match ty.heap_type() {
        wasmparser::HeapType::Abstract {
            ty: wasmparser::AbstractHeapType::Exn | wasmparser::AbstractHeapType::NoExn,
            ..
        } => "exceptions",
        wasmparser::HeapType::Abstract { shared: true, .. } => "shared-everything-threads",
        wasmparser::HeapType::Abstract {
            ty: wasmparser::AbstractHeapType::Func | wasmparser::AbstractHeapType::Extern,
            ..
        } => "function-references",
        wasmparser::HeapType::Concrete(_) => "function-references",
        wasmparser::HeapType::Exact(_) => "custom-descriptors",
        wasmparser::HeapType::Abstract { .. } => "gc",
    }
}

pub(crate) fn ref_type(ty: wasmparser::RefType, offset: usize) -> Result<RefType, DecodeError> {
    if ty == wasmparser::RefType::FUNCREF {
        Ok(RefType::FuncRef)
    } else if ty == wasmparser::RefType::EXTERNREF {
        Ok(RefType::ExternRef)
    } else {
        Err(DecodeError::unsupported(offset, ref_type_feature(ty)))
    }
}

/// Converts a heap type of `ref.null`, which names the nullable reference type.
pub(crate) fn heap_type(ty: wasmparser::HeapType, offset: usize) -> Result<RefType, DecodeError> {
    match ty {
        wasmparser::HeapType::FUNC => Ok(RefType::FuncRef),
        wasmparser::HeapType::EXTERN => Ok(RefType::ExternRef),
        other => match wasmparser::RefType::new(true, other) {
            Some(ty) => Err(DecodeError::unsupported(offset, ref_type_feature(ty))),
            None => Err(DecodeError::new(offset, "unsupported heap type")),
        },
    }
}

pub(crate) fn val_type(ty: wasmparser::ValType, offset: usize) -> Result<ValType, DecodeError> {
    Ok(match ty {
        wasmparser::ValType::I32 => ValType::I32,
        wasmparser::ValType::I64 => ValType::I64,
        wasmparser::ValType::F32 => ValType::F32,
        wasmparser::ValType::F64 => ValType::F64,
        wasmparser::ValType::V128 => ValType::V128,
        wasmparser::ValType::Ref(r) => ref_type(r, offset)?.val_type(),
    })
}

pub(crate) fn func_type(ty: &wasmparser::FuncType, offset: usize) -> Result<FuncType, DecodeError> {
    let convert = |list: &[wasmparser::ValType]| {
        list.iter()
            .map(|&t| val_type(t, offset))
            .collect::<Result<Box<[ValType]>, _>>()
    };
    Ok(FuncType {
        params: convert(ty.params())?,
        results: convert(ty.results())?,
    })
}

pub(crate) fn table_type(
    ty: &wasmparser::TableType,
    offset: usize,
) -> Result<TableType, DecodeError> {
    if ty.shared {
        return Err(DecodeError::unsupported(
            offset,
            "shared-everything-threads",
        ));
    }
    Ok(TableType {
        element: ref_type(ty.element_type, offset)?,
        limits: Limits {
            min: ty.initial,
            max: ty.maximum,
        },
        table64: ty.table64,
    })
}

pub(crate) fn memory_type(ty: &wasmparser::MemoryType) -> MemoryType {
    MemoryType {
        limits: Limits {
            min: ty.initial,
            max: ty.maximum,
        },
        memory64: ty.memory64,
        shared: ty.shared,
        page_size_log2: ty.page_size_log2(),
    }
}

pub(crate) fn global_type(
    ty: &wasmparser::GlobalType,
    offset: usize,
) -> Result<GlobalType, DecodeError> {
    if ty.shared {
        return Err(DecodeError::unsupported(
            offset,
            "shared-everything-threads",
        ));
    }
    Ok(GlobalType {
        content: val_type(ty.content_type, offset)?,
        mutable: ty.mutable,
    })
}

impl ValType {
    /// Converts a wasmparser value type; reference types other than `funcref`
    /// and `externref` are reported as an unsupported feature at `offset`.
    pub fn from_wasmparser(ty: wasmparser::ValType, offset: usize) -> Result<Self, DecodeError> {
        val_type(ty, offset)
    }
}

impl RefType {
    /// Converts a wasmparser reference type; anything but nullable `funcref`
    /// and `externref` is reported as an unsupported feature at `offset`.
    pub fn from_wasmparser(ty: wasmparser::RefType, offset: usize) -> Result<Self, DecodeError> {
        ref_type(ty, offset)
    }
}

impl FuncType {
    /// Converts a wasmparser function type, see [`ValType::from_wasmparser`].
    pub fn from_wasmparser(ty: &wasmparser::FuncType, offset: usize) -> Result<Self, DecodeError> {
        func_type(ty, offset)
    }
}
