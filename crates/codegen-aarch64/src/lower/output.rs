//! What lowering one function produces: the code and the side tables the
//! runtime needs to link it, to turn traps into wasm traps and to walk its
//! frames, plus the map from code back to the ir-reg instructions.

use zwasm_ir_reg::Inst as IrInst;
use zwasm_regalloc::PReg;

use crate::lower::abi::TrapCode;

/// A machine-code function with its side tables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompiledCode {
    /// Index of the function in its module's function index space.
    pub func_index: u32,
    /// The code, little-endian instruction words, jump tables and literals.
    pub bytes: Vec<u8>,
    /// Branches to other functions of the module, to patch when linking.
    pub relocations: Vec<Relocation>,
    /// Every place that can trap, sorted by offset.
    pub traps: Vec<TrapSite>,
    /// The return address of every call, sorted by offset.
    pub call_sites: Vec<CallSite>,
    /// The frame the function keeps.
    pub frame: FrameInfo,
    /// Offset of each block's first instruction, by block index.
    pub block_offsets: Vec<u32>,
    /// Which ir-reg instruction (or other origin) each range of bytes
    /// comes from, in order, covering the whole code.
    pub source_map: Vec<SourceRange>,
}

impl CompiledCode {
    /// The trap site whose offset is exactly `offset`.
    pub fn trap_at(&self, offset: u32) -> Option<&TrapSite> {
        self.traps
            .binary_search_by_key(&offset, |site| site.offset)
            .ok()
            .map(|i| &self.traps[i])
    }

    /// The call site whose return address is exactly `offset`.
    pub fn call_site_at(&self, offset: u32) -> Option<&CallSite> {
        self.call_sites
            .binary_search_by_key(&offset, |site| site.return_offset)
            .ok()
            .map(|i| &self.call_sites[i])
    }
}

/// How a relocation's instruction refers to its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RelocKind {
    /// `bl` (a call): the 26-bit word offset.
    Call26,
    /// `b` (a tail call): the 26-bit word offset.
    Jump26,
}

/// A branch to the entry of another function of the module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Relocation {
    /// Offset of the branch instruction in [`CompiledCode::bytes`].
    pub offset: u32,
    /// The instruction kind.
    pub kind: RelocKind,
    /// The target's function index.
    pub target: u32,
}

/// How a trap site is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TrapSiteKind {
    /// A trap stub's `bl` to the trap path; `offset` is its return address.
    Stub,
    /// An access that faults on a guard page; `offset` is the access.
    Fault,
}

/// A place in the code that can trap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TrapSite {
    /// See [`TrapSiteKind`].
    pub offset: u32,
    /// How the trap is reached.
    pub kind: TrapSiteKind,
    /// The trap, or `None` when a runtime helper decides it.
    pub code: Option<TrapCode>,
    /// Byte offset in the module of the wasm instruction.
    pub wasm_offset: Option<u32>,
    /// The ir-reg instruction that traps.
    pub inst: Option<IrInst>,
}

/// A call's return address, for backtraces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CallSite {
    /// Offset of the instruction after the call.
    pub return_offset: u32,
    /// Byte offset in the module of the wasm call.
    pub wasm_offset: Option<u32>,
}

/// The frame of a compiled function (see [`crate::lower::abi::frame`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameInfo {
    /// Bytes below the frame record: callee-saved registers, spill slots
    /// and the outgoing argument area, a multiple of 16.
    pub body_bytes: u32,
    /// Spill slots (8 bytes each).
    pub spill_slots: u32,
    /// Bytes of the outgoing argument and result area at `sp`.
    pub outgoing_bytes: u32,
    /// Callee-saved registers saved by the prologue.
    pub callee_saved: Vec<PReg>,
}

/// Where a range of code comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// Frame setup, stack check and saving callee-saved registers.
    Prologue,
    /// Loading stack parameters into their allocations.
    Entry,
    /// The lowering of an ir-reg instruction (including its epilogue for
    /// returns and tail calls).
    Inst(IrInst),
    /// A move, spill or reload inserted by the register allocator.
    Move,
    /// The out-of-line trap stub of an ir-reg instruction (of the
    /// prologue's stack check without one).
    TrapStub(Option<IrInst>),
    /// The shared trap path of the function.
    TrapPath,
    /// Data: a jump table or the literal pool (not instructions).
    Data,
}

/// A range of [`CompiledCode::bytes`] and its origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SourceRange {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
    /// What the bytes were lowered from.
    pub origin: Origin,
}
