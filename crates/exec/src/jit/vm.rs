//! The structures compiled code reads and writes, with the layout of
//! `zwasm_codegen_aarch64::lower::abi` (checked at compile time below).
//!
//! Pointers in them point into the [`super::session::JitSession`] that owns
//! every structure in a `Box` or `Vec` it never reallocates while compiled
//! code runs; base pointers and lengths are refreshed from the store at
//! every transition between the host and compiled code.

use std::mem::offset_of;

use zwasm_codegen_aarch64::lower::abi;

/// Where a linear memory currently is.
#[repr(C)]
#[derive(Debug)]
pub(crate) struct VmMemory {
    pub base: *mut u8,
    pub length: u64,
}

/// Where a table's elements currently are.
#[repr(C)]
#[derive(Debug)]
pub(crate) struct VmTable {
    pub base: *mut u64,
    pub length: u64,
}

/// Everything needed to call a function.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub(crate) struct VmFuncRef {
    pub code: usize,
    pub vmctx: *mut u8,
    pub type_id: u32,
    pub _pad: u32,
    /// The funcref slot: store function index + 1.
    pub slot: u64,
}

impl VmFuncRef {
    pub const NULL: VmFuncRef = VmFuncRef {
        code: 0,
        vmctx: std::ptr::null_mut(),
        type_id: u32::MAX,
        _pad: 0,
        slot: 0,
    };
}

/// State shared by the compiled code of one store and the host.
#[repr(C)]
#[derive(Debug)]
pub(crate) struct VmRuntime {
    pub stack_limit: u64,
    pub entry_sp: u64,
    pub trap_handler: u64,
    pub trap_code: u32,
    pub _pad: u32,
    pub trap_pc: u64,
    pub trap_fp: u64,
    pub func_refs: *const VmFuncRef,
    pub entry_fp: u64,
    /// The session (see `helpers::Context`).
    pub data: *mut u8,
    pub trap_recorder: usize,
}

/// One instance's context: the header compiled code reads, then the
/// runtime's own fields.
#[repr(C)]
#[derive(Debug)]
pub(crate) struct VMContext {
    pub runtime: *mut VmRuntime,
    pub memories: *const *mut VmMemory,
    pub tables: *const *mut VmTable,
    pub globals: *const *mut u64,
    pub funcs: *const VmFuncRef,
    pub type_ids: *const u32,
    pub helpers: *const usize,
    pub memory0: *mut VmMemory,
    /// Store index of the instance.
    pub instance: u32,
}

/// The context of a host function's `VmFuncRef`.
#[repr(C)]
#[derive(Debug)]
pub(crate) struct HostCtx {
    pub runtime: *mut VmRuntime,
    pub dispatch: usize,
    /// Store index of the host function.
    pub func: u32,
}

macro_rules! assert_offsets {
    ($ty:ty { $($field:ident = $offset:expr),* $(,)? }, size = $size:expr) => {
        $(const _: () = assert!(offset_of!($ty, $field) == $offset as usize);)*
        const _: () = assert!(std::mem::size_of::<$ty>() >= $size as usize);
    };
}

assert_offsets!(VmMemory { base = abi::memory::BASE, length = abi::memory::LENGTH }, size = abi::memory::SIZE);
assert_offsets!(VmTable { base = abi::table::BASE, length = abi::table::LENGTH }, size = abi::table::SIZE);
assert_offsets!(
    VmFuncRef {
        code = abi::func_ref::CODE,
        vmctx = abi::func_ref::VMCTX,
        type_id = abi::func_ref::TYPE_ID,
        slot = abi::func_ref::SLOT,
    },
    size = abi::func_ref::SIZE
);
const _: () = assert!(std::mem::size_of::<VmFuncRef>() == abi::func_ref::SIZE as usize);
assert_offsets!(
    VmRuntime {
        stack_limit = abi::runtime::STACK_LIMIT,
        entry_sp = abi::runtime::ENTRY_SP,
        trap_handler = abi::runtime::TRAP_HANDLER,
        trap_code = abi::runtime::TRAP_CODE,
        trap_pc = abi::runtime::TRAP_PC,
        trap_fp = abi::runtime::TRAP_FP,
        func_refs = abi::runtime::FUNC_REFS,
        entry_fp = abi::runtime::ENTRY_FP,
        data = abi::runtime::DATA,
        trap_recorder = abi::runtime::TRAP_RECORDER,
    },
    size = abi::runtime::SIZE
);
assert_offsets!(
    VMContext {
        runtime = abi::vmctx::RUNTIME,
        memories = abi::vmctx::MEMORIES,
        tables = abi::vmctx::TABLES,
        globals = abi::vmctx::GLOBALS,
        funcs = abi::vmctx::FUNCS,
        type_ids = abi::vmctx::TYPE_IDS,
        helpers = abi::vmctx::HELPERS,
        memory0 = abi::vmctx::MEMORY0,
    },
    size = abi::vmctx::SIZE
);
assert_offsets!(
    HostCtx {
        runtime = abi::host_ctx::RUNTIME,
        dispatch = abi::host_ctx::DISPATCH,
    },
    size = abi::host_ctx::SIZE
);
