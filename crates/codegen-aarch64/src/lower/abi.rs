//! The binary contract between compiled code and the runtime: the layout of
//! the instance context (`VMContext`) and of the structures it points to,
//! the frame layout every compiled function keeps, the runtime helpers
//! compiled code calls, and the trap codes it reports.
//!
//! The runtime (`zwasm::jit`) declares `#[repr(C)]` structs with these
//! layouts and asserts the offsets at compile time, so the two sides cannot
//! drift apart. Design notes: `docs/decisions/0007-aarch64-jit.md`.

use std::fmt;

/// Offsets of the fields of `VMContext`, one per instance. Every field is 8
/// bytes; arrays are reached through pointers so that the header has a fixed
/// size whatever the module.
pub mod vmctx {
    /// `*mut VmRuntime`: the state shared by every instance of a store.
    /// Must stay at offset 0: host-call adapters find the runtime at the
    /// same place in their own context.
    pub const RUNTIME: u32 = 0;
    /// `*const *mut VmMemory`, one pointer per memory index.
    pub const MEMORIES: u32 = 8;
    /// `*const *mut VmTable`, one pointer per table index.
    pub const TABLES: u32 = 16;
    /// `*const *mut u64`, one pointer per global index to the global's cell.
    pub const GLOBALS: u32 = 24;
    /// `*const VmFuncRef`, one entry per function index (imports first).
    pub const FUNCS: u32 = 32;
    /// `*const u32`: the engine-wide id of each type index, for
    /// `call_indirect` signature checks.
    pub const TYPE_IDS: u32 = 40;
    /// `*const usize`: the address of each [`super::RuntimeHelper`].
    pub const HELPERS: u32 = 48;
    /// `*mut VmMemory` of memory 0 (a copy of `MEMORIES[0]`, saving a load
    /// on the most common accesses); null without memories.
    pub const MEMORY0: u32 = 56;
    /// Size of the header.
    pub const SIZE: u32 = 64;
}

/// Offsets of the fields of `VmRuntime`, the per-store state that compiled
/// code, the entry trampoline and the trap path share.
pub mod runtime {
    /// `u64`: the lowest stack pointer a function may move `sp` to; the
    /// prologue traps with [`super::TrapCode::StackOverflow`] below it.
    pub const STACK_LIMIT: u32 = 0;
    /// `u64`: `sp` of the innermost entry trampoline after its frame is set
    /// up; the trap path resets `sp` to it.
    pub const ENTRY_SP: u32 = 8;
    /// `u64`: address the trap path jumps to (in the innermost trampoline).
    pub const TRAP_HANDLER: u32 = 16;
    /// `u32`: the [`super::TrapCode`] of the last trap.
    pub const TRAP_CODE: u32 = 24;
    /// `u64`: the return address of the trap stub's `bl` (or the faulting
    /// instruction for guard-page traps): identifies the trap site.
    pub const TRAP_PC: u32 = 32;
    /// `u64`: `x29` of the trapping function, the start of the backtrace.
    pub const TRAP_FP: u32 = 40;
    /// `*const VmFuncRef`: the store-wide function table, indexed by
    /// funcref slot minus one (slots are store function index + 1, 0 null).
    pub const FUNC_REFS: u32 = 48;
    /// `u64`: `x29` of the innermost entry trampoline: backtraces stop there.
    pub const ENTRY_FP: u32 = 56;
    /// `*mut c_void`: the runtime's own data (the store), for helpers.
    pub const DATA: u32 = 64;
    /// `extern "C" fn(*mut VmRuntime)`: called by the trap path with the
    /// trap recorded and the trapping frames still intact (sp below them),
    /// so the runtime can walk the frame-pointer chain for a backtrace.
    pub const TRAP_RECORDER: u32 = 72;
    /// Size of the structure.
    pub const SIZE: u32 = 80;
}

/// `VmMemory`: where a linear memory currently is.
pub mod memory {
    /// `*mut u8`: the first byte.
    pub const BASE: u32 = 0;
    /// `u64`: the accessible length in bytes.
    pub const LENGTH: u32 = 8;
    /// Size of the structure.
    pub const SIZE: u32 = 16;
}

/// `VmTable`: where a table's elements currently are. Elements are 8-byte
/// reference slots: 0 is null, a funcref is its store function index + 1.
pub mod table {
    /// `*mut u64`: the first element.
    pub const BASE: u32 = 0;
    /// `u64`: the number of elements.
    pub const LENGTH: u32 = 8;
    /// Size of the structure.
    pub const SIZE: u32 = 16;
    /// log2 of the size of one element.
    pub const ELEMENT_SHIFT: u8 = 3;
}

/// `VmFuncRef`: everything needed to call a function.
pub mod func_ref {
    /// `usize`: the entry point, following the internal calling convention.
    pub const CODE: u32 = 0;
    /// `*mut VMContext`: the callee's instance context (for host functions,
    /// a context with the runtime pointer at offset 0).
    pub const VMCTX: u32 = 8;
    /// `u32`: the engine-wide type id.
    pub const TYPE_ID: u32 = 16;
    /// `u64`: the funcref slot of the function (store index + 1).
    pub const SLOT: u32 = 24;
    /// Size of the structure.
    pub const SIZE: u32 = 32;
    /// log2 of [`SIZE`].
    pub const SIZE_SHIFT: u8 = 5;
}

/// The context of a host function as compiled code sees it: its
/// `VmFuncRef::vmctx`. The host-call adapter ([`crate::lower::trampoline`])
/// passes it and the argument buffer to the runtime's dispatcher.
pub mod host_ctx {
    /// `*mut VmRuntime`, at the same offset as in `VMContext`.
    pub const RUNTIME: u32 = 0;
    /// `extern "C" fn(ctx, values: *mut u64, caller_vmctx) -> u32`: calls
    /// the host function with the parameters in `values` (8 bytes each),
    /// writes the results there, and returns 0 or a [`super::TrapCode`].
    /// `caller_vmctx` is the context of the compiled function that called.
    pub const DISPATCH: u32 = 8;
    /// Size of the part compiled code reads; the runtime may append more.
    pub const SIZE: u32 = 16;
}

/// The frame every compiled function keeps, relative to its frame pointer
/// `x29`: the frame record (`x29`, `x30`) at 0, its `vmctx` at 16 (trap
/// stubs read it there), and the caller's argument/result area from 32 up.
/// Callee-saved registers sit right below `x29`, then the spill slots, then
/// the outgoing argument area at `sp`.
pub mod frame {
    /// Offset of the saved `vmctx` from `x29`.
    pub const VMCTX: i64 = 16;
    /// Offset of the stack argument (and result) area from `x29`.
    pub const INCOMING_ARGS: i64 = 32;
    /// Bytes the frame record and the `vmctx` slot take.
    pub const RECORD: u32 = 32;
}

/// The functions of the runtime that compiled code calls for operations too
/// large to inline. They follow the internal calling convention (which is
/// AAPCS64 for these signatures): `vmctx` in x0, the operands in x1…, then
/// the immediates (memory, table, segment indices) in the next registers.
/// Helpers that may trap return 0 or a [`TrapCode`] in w0; the others
/// return their result in x0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum RuntimeHelper {
    /// `(vmctx, delta, memory) -> old pages or -1`.
    MemoryGrow = 0,
    /// `(vmctx, dst, value, len, memory) -> trap`.
    MemoryFill = 1,
    /// `(vmctx, dst, src, len, dst_memory, src_memory) -> trap`.
    MemoryCopy = 2,
    /// `(vmctx, dst, src, len, data, memory) -> trap`.
    MemoryInit = 3,
    /// `(vmctx, data)`.
    DataDrop = 4,
    /// `(vmctx, init, delta, table) -> old size or -1`.
    TableGrow = 5,
    /// `(vmctx, dst, value, len, table) -> trap`.
    TableFill = 6,
    /// `(vmctx, dst, src, len, dst_table, src_table) -> trap`.
    TableCopy = 7,
    /// `(vmctx, dst, src, len, elem, table) -> trap`.
    TableInit = 8,
    /// `(vmctx, elem)`.
    ElemDrop = 9,
}

impl RuntimeHelper {
    /// Every helper, in table order.
    pub const ALL: [RuntimeHelper; 10] = [
        RuntimeHelper::MemoryGrow,
        RuntimeHelper::MemoryFill,
        RuntimeHelper::MemoryCopy,
        RuntimeHelper::MemoryInit,
        RuntimeHelper::DataDrop,
        RuntimeHelper::TableGrow,
        RuntimeHelper::TableFill,
        RuntimeHelper::TableCopy,
        RuntimeHelper::TableInit,
        RuntimeHelper::ElemDrop,
    ];

    /// Index in the helper table.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Whether the helper reports a trap code in w0.
    pub const fn may_trap(self) -> bool {
        matches!(
            self,
            RuntimeHelper::MemoryFill
                | RuntimeHelper::MemoryCopy
                | RuntimeHelper::MemoryInit
                | RuntimeHelper::TableFill
                | RuntimeHelper::TableCopy
                | RuntimeHelper::TableInit
        )
    }
}

/// Why compiled code trapped, as stored in `VmRuntime::trap_code` (0 means
/// no trap).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum TrapCode {
    /// `unreachable`.
    Unreachable = 1,
    /// A memory access out of bounds.
    MemoryOutOfBounds = 2,
    /// A table access out of bounds.
    TableOutOfBounds = 3,
    /// `call_indirect` past the end of the table.
    UndefinedElement = 4,
    /// `call_indirect` of a null entry.
    IndirectCallToNull = 5,
    /// `call_indirect` of a function of another type.
    BadSignature = 6,
    /// Signed division overflow or a float-to-int conversion out of range.
    IntegerOverflow = 7,
    /// Integer division or remainder by zero.
    IntegerDivisionByZero = 8,
    /// Float-to-int conversion of a NaN.
    BadConversionToInteger = 9,
    /// A null reference was dereferenced.
    NullReference = 10,
    /// The stack limit was reached.
    StackOverflow = 11,
    /// A host function returned an error; the runtime keeps the error.
    HostError = 12,
}

impl TrapCode {
    /// Every code.
    pub const ALL: [TrapCode; 12] = [
        TrapCode::Unreachable,
        TrapCode::MemoryOutOfBounds,
        TrapCode::TableOutOfBounds,
        TrapCode::UndefinedElement,
        TrapCode::IndirectCallToNull,
        TrapCode::BadSignature,
        TrapCode::IntegerOverflow,
        TrapCode::IntegerDivisionByZero,
        TrapCode::BadConversionToInteger,
        TrapCode::NullReference,
        TrapCode::StackOverflow,
        TrapCode::HostError,
    ];

    /// The value stored in `VmRuntime::trap_code`.
    pub const fn bits(self) -> u32 {
        self as u32
    }

    /// The code for a stored value, if it is one.
    pub fn from_bits(bits: u32) -> Option<TrapCode> {
        TrapCode::ALL.into_iter().find(|code| code.bits() == bits)
    }

    /// A short name for dumps.
    pub fn name(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::MemoryOutOfBounds => "memory_oob",
            TrapCode::TableOutOfBounds => "table_oob",
            TrapCode::UndefinedElement => "undefined_element",
            TrapCode::IndirectCallToNull => "null_call",
            TrapCode::BadSignature => "bad_signature",
            TrapCode::IntegerOverflow => "int_overflow",
            TrapCode::IntegerDivisionByZero => "div_by_zero",
            TrapCode::BadConversionToInteger => "bad_conversion",
            TrapCode::NullReference => "null_reference",
            TrapCode::StackOverflow => "stack_overflow",
            TrapCode::HostError => "host_error",
        }
    }
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trap_codes_round_trip_and_zero_is_no_trap() {
        for code in TrapCode::ALL {
            assert_eq!(TrapCode::from_bits(code.bits()), Some(code));
        }
        assert_eq!(TrapCode::from_bits(0), None);
    }

    #[test]
    fn helper_indices_follow_the_table() {
        for (i, helper) in RuntimeHelper::ALL.into_iter().enumerate() {
            assert_eq!(helper.index(), i);
        }
        assert_eq!(func_ref::SIZE, 1 << func_ref::SIZE_SHIFT);
    }
}
