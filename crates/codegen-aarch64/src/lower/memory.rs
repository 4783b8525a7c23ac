//! Linear-memory loads and stores with their bounds checks, and
//! `memory.size`.
//!
//! Two bounds-check modes ([`crate::lower::BoundsChecks`]):
//! - explicit: `len - (offset + size)` must not borrow and must be at least
//!   the address, else the access branches to a trap stub;
//! - guard pages (32-bit memories of 64 KiB pages whose offset + size fits
//!   the guard): no
//!   check; the runtime reserves 4 GiB + guard of address space per memory,
//!   so any out-of-bounds access faults, and the fault's PC is a recorded
//!   trap site.
//!
//! Either way the code reads the memory's base and length from its
//! `VmMemory` on every access, so a `memory.grow` anywhere (even in another
//! instance sharing the memory) is seen at once.

use zwasm_decode::MemoryType;
use zwasm_ir_reg::MemArg;

use crate::cond::Cond;
use crate::imms::Imm12;
use crate::inst::*;
use crate::lower::BoundsChecks;
use crate::lower::abi::{TrapCode, memory, vmctx};
use crate::lower::ctx::{Lowerer, X16, X17};
use crate::lower::error::LowerError;
use crate::regs::{FpSize, Gpr, GprOrZr, OperandSize, VReg};

/// What a memory instruction does with its value register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    Load(LoadOp),
    Store(StoreOp),
    FpLoad(FpSize),
    FpStore(FpSize),
}

impl Access {
    fn bytes(self) -> u32 {
        match self {
            Access::Load(op) => op.access_bytes(),
            Access::Store(op) => op.access_bytes(),
            Access::FpLoad(size) | Access::FpStore(size) => size.bytes(),
        }
    }
}

/// The register an access moves.
#[derive(Clone, Copy, Debug)]
enum ValueReg {
    Gpr(Gpr),
    Fpr(VReg),
}

impl Lowerer<'_> {
    /// `rd = &VmMemory` of `memory`.
    pub fn memory_definition(&mut self, rd: Gpr, vmctx: Gpr, index: u32) -> Result<(), LowerError> {
        if index == 0 {
            self.load(LoadOp::LdrX, rd, vmctx.into(), i64::from(vmctx::MEMORY0))
        } else {
            self.load_vmctx_array_entry(rd, vmctx, vmctx::MEMORIES, index)
        }
    }

    fn memory64(&self, index: u32) -> Result<bool, LowerError> {
        self.module
            .memories
            .get(index as usize)
            .map(|ty| ty.memory64)
            .ok_or_else(|| self.malformed(format!("missing memory {index}")))
    }

    /// Whether memory `index` can rely on guard pages: a 32-bit memory of
    /// 64 KiB pages, whose size is a multiple of any OS page, so the first
    /// byte past its end is never accessible.
    fn guardable(&self, index: u32) -> Result<bool, LowerError> {
        self.module
            .memories
            .get(index as usize)
            .map(|ty| !ty.memory64 && ty.page_size_log2 == MemoryType::PAGE_SIZE_LOG2)
            .ok_or_else(|| self.malformed(format!("missing memory {index}")))
    }

    pub fn lower_memory_access(&mut self, mem: MemArg, access: Access) -> Result<(), LowerError> {
        let vmctx = self.vmctx_gpr()?;
        let addr = self.arg_gpr(0)?;
        let value = match access {
            Access::Load(_) => ValueReg::Gpr(self.result_gpr(0)?),
            Access::FpLoad(_) => ValueReg::Fpr(self.result_fpr(0)?),
            Access::Store(_) => ValueReg::Gpr(self.arg_gpr(1)?),
            Access::FpStore(_) => ValueReg::Fpr(self.arg_fpr(1)?),
        };
        let memory64 = self.memory64(mem.memory)?;
        let extend = if memory64 {
            IndexExtend::Lsl
        } else {
            IndexExtend::Uxtw
        };
        // Wrapping is impossible below 2^64; past it the access always traps.
        let end = mem.offset.checked_add(u64::from(access.bytes()));
        let guarded = match (self.options.bounds_checks, end) {
            (BoundsChecks::GuardPages { guard_bytes }, Some(end)) => {
                self.guardable(mem.memory)? && end <= guard_bytes
            }
            _ => false,
        };

        self.memory_definition(X17, vmctx, mem.memory)?;
        if !guarded {
            let clobbered = self.bounds_check(X17, addr, end.unwrap_or(u64::MAX), memory64)?;
            if clobbered {
                self.memory_definition(X17, vmctx, mem.memory)?;
            }
        }
        self.load(LoadOp::LdrX, X16, X17.into(), i64::from(memory::BASE))?;
        if mem.offset != 0 {
            self.add_large(X16, mem.offset)?;
        }
        let addr_mode = AddrMode::RegOffset {
            rn: X16.into(),
            rm: addr.into(),
            extend,
            scaled: false,
        };
        let inst = match (access, value) {
            (Access::Load(op), ValueReg::Gpr(rt)) => Inst::Load {
                op,
                rt: rt.into(),
                addr: addr_mode,
            },
            (Access::Store(op), ValueReg::Gpr(rt)) => Inst::Store {
                op,
                rt: rt.into(),
                addr: addr_mode,
            },
            (Access::FpLoad(size), ValueReg::Fpr(rt)) => Inst::FpLoad {
                size,
                rt,
                addr: addr_mode,
            },
            (Access::FpStore(size), ValueReg::Fpr(rt)) => Inst::FpStore {
                size,
                rt,
                addr: addr_mode,
            },
            _ => return Err(self.alloc_error("value register of the wrong class")),
        };
        self.emit(inst)?;
        if guarded {
            self.record_fault(TrapCode::MemoryOutOfBounds);
        }
        Ok(())
    }

    /// Traps unless `addr + end <= length` of the `VmMemory` in `def`;
    /// returns whether it overwrote `def` (x17) for a large `end`.
    fn bounds_check(
        &mut self,
        def: Gpr,
        addr: Gpr,
        end: u64,
        memory64: bool,
    ) -> Result<bool, LowerError> {
        self.load(LoadOp::LdrX, X16, def.into(), i64::from(memory::LENGTH))?;
        let clobbered = match Imm12::new(end) {
            Some(imm) => self
                .emit(Inst::AddSubImmSetFlags {
                    op: AddSubOp::Sub,
                    size: OperandSize::Size64,
                    rd: X16.into(),
                    rn: X16.into(),
                    imm,
                })
                .map(|()| false)?,
            None => {
                self.load_const(X17, end, OperandSize::Size64)?;
                self.emit(Inst::add_sub(
                    AddSubOp::Sub,
                    true,
                    OperandSize::Size64,
                    X16.into(),
                    X16.into(),
                    X17.into(),
                ))?;
                true
            }
        };
        self.trap_if(Cond::LO, TrapCode::MemoryOutOfBounds)?;
        self.compare_index(X16, addr, memory64)?;
        self.trap_if(Cond::LO, TrapCode::MemoryOutOfBounds)?;
        Ok(clobbered)
    }

    /// `cmp limit, index` with a 32-bit index zero-extended.
    pub fn compare_index(
        &mut self,
        limit: Gpr,
        index: Gpr,
        index64: bool,
    ) -> Result<(), LowerError> {
        if index64 {
            self.emit(Inst::cmp(OperandSize::Size64, limit.into(), index.into()))
        } else {
            self.emit(Inst::AddSubExtendedSetFlags {
                op: AddSubOp::Sub,
                size: OperandSize::Size64,
                rd: GprOrZr::Zr,
                rn: limit.into(),
                rm: index.into(),
                extend: ExtendOp::Uxtw,
                amount: 0,
            })
        }
    }

    /// `x16 += value`, through x17 when no immediate form fits.
    fn add_large(&mut self, rd: Gpr, value: u64) -> Result<(), LowerError> {
        if value < 1 << 24 {
            return self.add_const(rd, rd.into(), value as i64);
        }
        self.load_const(X17, value, OperandSize::Size64)?;
        self.emit(Inst::add_sub(
            AddSubOp::Add,
            false,
            OperandSize::Size64,
            rd.into(),
            rd.into(),
            X17.into(),
        ))
    }

    /// `memory.size`: the length shifted down by the page size.
    pub fn lower_memory_size(&mut self, index: u32) -> Result<(), LowerError> {
        let vmctx = self.vmctx_gpr()?;
        let rd = self.result_gpr(0)?;
        let page_log2 = self
            .module
            .memories
            .get(index as usize)
            .map(|ty| ty.page_size_log2)
            .ok_or_else(|| self.malformed(format!("missing memory {index}")))?;
        self.memory_definition(X17, vmctx, index)?;
        self.load(LoadOp::LdrX, X16, X17.into(), i64::from(memory::LENGTH))?;
        let shift = Inst::lsr_imm(OperandSize::Size64, rd.into(), X16.into(), page_log2 as u8)
            .ok_or_else(|| self.malformed(format!("page size 2^{page_log2}")))?;
        self.emit(shift)
    }
}
