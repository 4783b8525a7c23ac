//! Glue between the host (AAPCS64, Rust `extern "C"`) and compiled code
//! (the internal convention), generated per signature:
//!
//! - the **entry trampoline**, `extern "C" fn(vmctx, code, values) -> u32`:
//!   saves the host's callee-saved registers, installs itself as the target
//!   of the trap path (saving the previous one, so host→wasm→host→wasm
//!   nests), loads the parameters from `values` (8 bytes each), calls
//!   `code`, stores the results back into `values` and returns 0 — or 1
//!   when the callee trapped and the trap path unwound to it;
//! - the **host-call adapter**, the code of a host function's `VmFuncRef`:
//!   a frame shaped like a compiled function's (so backtraces and the trap
//!   path work through it), the parameters spilled to a buffer, a call of
//!   the context's dispatcher, the results loaded back, and a trap when the
//!   dispatcher returns a trap code;
//! - the **stack switch**, `extern "C" fn(vmctx, code, values, stack_top,
//!   entry) -> u32`: calls the entry trampoline `entry` with the first
//!   three arguments on the stack that starts at `stack_top` (the runtime's
//!   own stack for compiled code), and returns its result on the caller's
//!   stack.

use std::fmt;

use zwasm_decode::ValType;
use zwasm_regalloc::{ArgLocation, CallConv, RegClass, TargetDesc, ValueSide};

use crate::buffer::{BufferError, CodeBuffer};
use crate::imms::{Imm12, MoveWideImm, PairIndex, SImm9, ScaledIndex};
use crate::inst::*;
use crate::lower::abi::{frame, host_ctx, runtime, vmctx};
use crate::lower::frame::stack_area_slots;
use crate::offsets::{AdrOffset, BranchOffset19, BranchOffset26};
use crate::regs::{FpSize, Gpr, GprOrSp, GprOrZr, OperandSize, VReg};

/// Why a trampoline could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrampolineError {
    /// The signature has a type the backend does not support.
    Unsupported(ValType),
    /// An offset does not fit an addressing mode (absurdly many values).
    TooLarge,
    /// The code buffer refused an instruction.
    Buffer(BufferError),
}

impl fmt::Display for TrampolineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrampolineError::Unsupported(ty) => write!(f, "{ty} values are not supported"),
            TrampolineError::TooLarge => f.write_str("signature too large for a trampoline"),
            TrampolineError::Buffer(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for TrampolineError {}

impl From<BufferError> for TrampolineError {
    fn from(error: BufferError) -> Self {
        TrampolineError::Buffer(error)
    }
}

const X16: Gpr = Gpr::X16;
const X17: Gpr = Gpr::X17;
const SP: GprOrSp = GprOrSp::Sp;
const FP: GprOrSp = GprOrSp::Gpr(Gpr::FP);

/// Entry trampoline frame, below its frame record (offsets from x29).
const SAVED_GPRS: i64 = -80; // x19–x28
const SAVED_FPRS: i64 = -144; // d8–d15
const SLOT_RUNTIME: i64 = -152;
const SLOT_ENTRY_SP: i64 = -160;
const SLOT_TRAP_HANDLER: i64 = -168;
const SLOT_ENTRY_FP: i64 = -176;
const ENTRY_FRAME: u32 = 176;

/// The code of the entry trampoline for functions with these parameter and
/// result types.
pub fn entry_trampoline(
    params: &[ValType],
    results: &[ValType],
) -> Result<Vec<u8>, TrampolineError> {
    check_types(params.iter().chain(results))?;
    let target = TargetDesc::aarch64();
    let cc = target.call_conv();
    let mut a = Asm::default();
    // The frame record is followed by the vmctx, as in a compiled
    // function's frame (`frame::VMCTX`): a host-call adapter reached by a
    // tail call from the function this trampoline called finds its
    // "caller's" vmctx there.
    a.push_frame_record(32)?;
    a.emit(Inst::mov_sp(FP, SP))?;
    a.str(Gpr::X0, FP, 16)?;
    a.sub_sp(ENTRY_FRAME)?;
    for i in 0..5u8 {
        let (r1, r2) = (gpr(19 + 2 * i)?, gpr(20 + 2 * i)?);
        a.emit(Inst::StorePair {
            size: OperandSize::Size64,
            rt: r1.into(),
            rt2: r2.into(),
            addr: PairAddr::Offset {
                rn: FP,
                index: pair_index(SAVED_GPRS + 16 * i64::from(i))?,
            },
        })?;
    }
    for i in 0..4u8 {
        a.emit(Inst::FpStorePair {
            size: FpSize::Double,
            rt: vreg(8 + 2 * i)?,
            rt2: vreg(9 + 2 * i)?,
            addr: PairAddr::Offset {
                rn: FP,
                index: pair_index(SAVED_FPRS + 16 * i64::from(i))?,
            },
        })?;
    }
    // x16 = runtime; save the state an outer activation owns.
    a.ldr(X16, Gpr::X0.into(), i64::from(vmctx::RUNTIME))?;
    a.str(X16, FP, SLOT_RUNTIME)?;
    for (slot, field) in [
        (SLOT_ENTRY_SP, runtime::ENTRY_SP),
        (SLOT_TRAP_HANDLER, runtime::TRAP_HANDLER),
        (SLOT_ENTRY_FP, runtime::ENTRY_FP),
    ] {
        a.ldr(X17, X16.into(), i64::from(field))?;
        a.str(X17, FP, slot)?;
    }
    let trap = a.buf.new_label();
    a.buf.emit_to_label(
        &Inst::Adr {
            rd: X17.into(),
            offset: AdrOffset::ZERO,
        },
        trap,
    )?;
    a.str(X17, X16.into(), i64::from(runtime::TRAP_HANDLER))?;
    a.str(Gpr::FP, X16.into(), i64::from(runtime::ENTRY_FP))?;
    let area = 8 * stack_area_slots(cc, ValueSide::Params, params).max(stack_area_slots(
        cc,
        ValueSide::Results,
        results,
    ));
    let area = area.next_multiple_of(16);
    a.sub_sp(area)?;
    a.emit(Inst::mov_sp(X17.into(), SP))?;
    a.str(X17, X16.into(), i64::from(runtime::ENTRY_SP))?;

    let values = Gpr::X19;
    a.emit(Inst::mov(
        OperandSize::Size64,
        values.into(),
        Gpr::X2.into(),
    ))?;
    a.emit(Inst::mov(OperandSize::Size64, X17.into(), Gpr::X1.into()))?;
    for (i, location) in cc
        .assign(ValueSide::Params, params.iter().copied())
        .enumerate()
    {
        let slot = 8 * i as i64;
        match location {
            ArgLocation::Reg(reg) if reg.class() == RegClass::Int => {
                a.ldr(gpr(reg.hw_enc() as u8)?, values.into(), slot)?
            }
            ArgLocation::Reg(reg) => a.ldr_d(vreg(reg.hw_enc() as u8)?, values.into(), slot)?,
            ArgLocation::Stack(k) => {
                a.ldr(X16, values.into(), slot)?;
                a.str(X16, SP, 8 * i64::from(k))?;
            }
        }
    }
    a.emit(Inst::Blr { rn: X17 })?;
    for (i, location) in cc
        .assign(ValueSide::Results, results.iter().copied())
        .enumerate()
    {
        let slot = 8 * i as i64;
        match location {
            ArgLocation::Reg(reg) if reg.class() == RegClass::Int => {
                a.str(gpr(reg.hw_enc() as u8)?, values.into(), slot)?
            }
            ArgLocation::Reg(reg) => a.str_d(vreg(reg.hw_enc() as u8)?, values.into(), slot)?,
            ArgLocation::Stack(k) => {
                a.ldr(X16, SP, 8 * i64::from(k))?;
                a.str(X16, values.into(), slot)?;
            }
        }
    }
    a.mov_w(Gpr::X0, 0)?;
    let exit = a.buf.new_label();
    a.buf.emit_to_label(
        &Inst::B {
            offset: BranchOffset26::ZERO,
        },
        exit,
    )?;

    // The trap path left sp at ENTRY_SP; every callee-saved register may
    // hold the callee's values, so the frame is found from sp alone.
    a.buf.bind(trap)?;
    a.add_imm(Gpr::FP.into(), SP, u64::from(area + ENTRY_FRAME))?;
    a.mov_w(Gpr::X0, 1)?;

    a.buf.bind(exit)?;
    a.ldr(X16, FP, SLOT_RUNTIME)?;
    for (slot, field) in [
        (SLOT_ENTRY_SP, runtime::ENTRY_SP),
        (SLOT_TRAP_HANDLER, runtime::TRAP_HANDLER),
        (SLOT_ENTRY_FP, runtime::ENTRY_FP),
    ] {
        a.ldr(X17, FP, slot)?;
        a.str(X17, X16.into(), i64::from(field))?;
    }
    for i in 0..5u8 {
        a.emit(Inst::LoadPair {
            size: OperandSize::Size64,
            rt: gpr(19 + 2 * i)?.into(),
            rt2: gpr(20 + 2 * i)?.into(),
            addr: PairAddr::Offset {
                rn: FP,
                index: pair_index(SAVED_GPRS + 16 * i64::from(i))?,
            },
        })?;
    }
    for i in 0..4u8 {
        a.emit(Inst::FpLoadPair {
            size: FpSize::Double,
            rt: vreg(8 + 2 * i)?,
            rt2: vreg(9 + 2 * i)?,
            addr: PairAddr::Offset {
                rn: FP,
                index: pair_index(SAVED_FPRS + 16 * i64::from(i))?,
            },
        })?;
    }
    a.emit(Inst::mov_sp(SP, FP))?;
    a.pop_frame_record(32)?;
    a.emit(Inst::ret())?;
    Ok(a.buf.finish()?)
}

/// The code of the adapter through which compiled code calls a host
/// function of this signature (see the module documentation).
pub fn host_call_adapter(
    params: &[ValType],
    results: &[ValType],
) -> Result<Vec<u8>, TrampolineError> {
    check_types(params.iter().chain(results))?;
    let target = TargetDesc::aarch64();
    let cc: &CallConv = target.call_conv();
    let mut a = Asm::default();
    a.push_frame_record(i64::from(frame::RECORD))?;
    a.emit(Inst::mov_sp(FP, SP))?;
    a.str(Gpr::X0, FP, frame::VMCTX)?;
    let buffer = (8 * params.len().max(results.len()) as u32).next_multiple_of(16);
    a.sub_sp(buffer)?;
    for (i, location) in cc
        .assign(ValueSide::Params, params.iter().copied())
        .enumerate()
    {
        let slot = 8 * i as i64;
        match location {
            ArgLocation::Reg(reg) if reg.class() == RegClass::Int => {
                a.str(gpr(reg.hw_enc() as u8)?, SP, slot)?
            }
            ArgLocation::Reg(reg) => a.str_d(vreg(reg.hw_enc() as u8)?, SP, slot)?,
            ArgLocation::Stack(k) => {
                a.ldr(X16, FP, frame::INCOMING_ARGS + 8 * i64::from(k))?;
                a.str(X16, SP, slot)?;
            }
        }
    }
    a.emit(Inst::mov_sp(Gpr::X1.into(), SP))?;
    // The caller is compiled code: its frame record holds its vmctx.
    a.ldr(Gpr::X2, FP, 0)?;
    a.ldr(Gpr::X2, Gpr::X2.into(), frame::VMCTX)?;
    a.ldr(X16, Gpr::X0.into(), i64::from(host_ctx::DISPATCH))?;
    a.emit(Inst::Blr { rn: X16 })?;
    let trap = a.buf.new_label();
    a.buf.emit_to_label(
        &Inst::CompareBranch {
            nonzero: true,
            size: OperandSize::Size32,
            rt: Gpr::X0.into(),
            offset: BranchOffset19::ZERO,
        },
        trap,
    )?;
    for (i, location) in cc
        .assign(ValueSide::Results, results.iter().copied())
        .enumerate()
    {
        let slot = 8 * i as i64;
        match location {
            ArgLocation::Reg(reg) if reg.class() == RegClass::Int => {
                a.ldr(gpr(reg.hw_enc() as u8)?, SP, slot)?
            }
            ArgLocation::Reg(reg) => a.ldr_d(vreg(reg.hw_enc() as u8)?, SP, slot)?,
            ArgLocation::Stack(k) => {
                a.ldr(X16, SP, slot)?;
                a.str(X16, FP, frame::INCOMING_ARGS + 8 * i64::from(k))?;
            }
        }
    }
    a.emit(Inst::mov_sp(SP, FP))?;
    a.pop_frame_record(i64::from(frame::RECORD))?;
    a.emit(Inst::ret())?;

    a.buf.bind(trap)?;
    a.emit(Inst::mov(OperandSize::Size32, X17.into(), Gpr::X0.into()))?;
    let path = a.buf.new_label();
    a.buf.emit_to_label(
        &Inst::Bl {
            offset: BranchOffset26::ZERO,
        },
        path,
    )?;
    a.buf.bind(path)?;
    emit_trap_path(&mut a)?;
    Ok(a.buf.finish()?)
}

/// The stack switch (see the module documentation): a frame record on the
/// caller's stack, `sp = stack_top`, a call of the entry trampoline, and
/// `sp` back from the frame pointer, which the callee preserves. The frame
/// record links the new stack's frames to the caller's, so frame-pointer
/// walks cross the switch.
pub fn stack_switch() -> Result<Vec<u8>, TrampolineError> {
    let mut a = Asm::default();
    a.push_frame_record(16)?;
    a.emit(Inst::mov_sp(FP, SP))?;
    a.emit(Inst::mov_sp(SP, Gpr::X3.into()))?;
    a.emit(Inst::Blr { rn: Gpr::X4 })?;
    a.emit(Inst::mov_sp(SP, FP))?;
    a.pop_frame_record(16)?;
    a.emit(Inst::ret())?;
    Ok(a.buf.finish()?)
}

/// A free-standing copy of the trap path, where the runtime's fault
/// handler resumes a guarded memory access that hit a guard page: the
/// handler sets w17 to the trap code and x30 to the faulting instruction
/// (the `Fault` trap site), so the trap unwinds exactly like one reached
/// through a stub. It only relies on x29 being the faulting function's
/// frame (vmctx at `x29 + 16`), which holds after every prologue.
pub fn fault_trap_path() -> Result<Vec<u8>, TrampolineError> {
    let mut a = Asm::default();
    emit_trap_path(&mut a)?;
    Ok(a.buf.finish()?)
}

/// The same trap path as compiled functions end with (see
/// `lower::trap_path`): w17 = code, x30 = site, frame vmctx at x29 + 16.
fn emit_trap_path(a: &mut Asm) -> Result<(), TrampolineError> {
    a.ldr(X16, FP, frame::VMCTX)?;
    a.ldr(X16, X16.into(), i64::from(vmctx::RUNTIME))?;
    a.emit(Inst::Store {
        op: StoreOp::StrW,
        rt: X17.into(),
        addr: scaled(X16.into(), i64::from(runtime::TRAP_CODE), 4)?,
    })?;
    a.str(Gpr::LR, X16.into(), i64::from(runtime::TRAP_PC))?;
    a.str(Gpr::FP, X16.into(), i64::from(runtime::TRAP_FP))?;
    a.emit(Inst::mov(OperandSize::Size64, Gpr::X0.into(), X16.into()))?;
    a.ldr(X17, X16.into(), i64::from(runtime::TRAP_RECORDER))?;
    a.emit(Inst::Blr { rn: X17 })?;
    a.ldr(X16, FP, frame::VMCTX)?;
    a.ldr(X16, X16.into(), i64::from(vmctx::RUNTIME))?;
    a.ldr(X17, X16.into(), i64::from(runtime::ENTRY_SP))?;
    a.emit(Inst::mov_sp(SP, X17.into()))?;
    a.ldr(X17, X16.into(), i64::from(runtime::TRAP_HANDLER))?;
    a.emit(Inst::Br { rn: X17 })
}

fn check_types<'a>(types: impl Iterator<Item = &'a ValType>) -> Result<(), TrampolineError> {
    for &ty in types {
        if ty == ValType::V128 {
            return Err(TrampolineError::Unsupported(ty));
        }
    }
    Ok(())
}

fn gpr(number: u8) -> Result<Gpr, TrampolineError> {
    Gpr::new(number).ok_or(TrampolineError::TooLarge)
}

fn vreg(number: u8) -> Result<VReg, TrampolineError> {
    VReg::new(number).ok_or(TrampolineError::TooLarge)
}

fn pair_index(bytes: i64) -> Result<PairIndex, TrampolineError> {
    PairIndex::from_byte_offset(bytes, 8).ok_or(TrampolineError::TooLarge)
}

fn scaled(rn: GprOrSp, offset: i64, bytes: u32) -> Result<AddrMode, TrampolineError> {
    if let Some(index) = ScaledIndex::from_byte_offset(offset, bytes) {
        return Ok(AddrMode::Scaled { rn, index });
    }
    SImm9::new(offset)
        .map(|offset| AddrMode::Unscaled { rn, offset })
        .ok_or(TrampolineError::TooLarge)
}

#[derive(Default)]
struct Asm {
    buf: CodeBuffer,
}

impl Asm {
    fn emit(&mut self, inst: Inst) -> Result<(), TrampolineError> {
        Ok(self.buf.emit(&inst)?)
    }

    fn ldr(&mut self, rt: Gpr, rn: GprOrSp, offset: i64) -> Result<(), TrampolineError> {
        let addr = scaled(rn, offset, 8)?;
        self.emit(Inst::Load {
            op: LoadOp::LdrX,
            rt: rt.into(),
            addr,
        })
    }

    fn str(&mut self, rt: Gpr, rn: GprOrSp, offset: i64) -> Result<(), TrampolineError> {
        let addr = scaled(rn, offset, 8)?;
        self.emit(Inst::Store {
            op: StoreOp::StrX,
            rt: GprOrZr::from(rt),
            addr,
        })
    }

    fn ldr_d(&mut self, rt: VReg, rn: GprOrSp, offset: i64) -> Result<(), TrampolineError> {
        let addr = scaled(rn, offset, 8)?;
        self.emit(Inst::FpLoad {
            size: FpSize::Double,
            rt,
            addr,
        })
    }

    fn str_d(&mut self, rt: VReg, rn: GprOrSp, offset: i64) -> Result<(), TrampolineError> {
        let addr = scaled(rn, offset, 8)?;
        self.emit(Inst::FpStore {
            size: FpSize::Double,
            rt,
            addr,
        })
    }

    fn mov_w(&mut self, rd: Gpr, value: u16) -> Result<(), TrampolineError> {
        let imm = MoveWideImm::new(value, 0).ok_or(TrampolineError::TooLarge)?;
        self.emit(Inst::MoveWide {
            op: MoveWideOp::Movz,
            size: OperandSize::Size32,
            rd: rd.into(),
            imm,
        })
    }

    fn add_imm(&mut self, rd: GprOrSp, rn: GprOrSp, value: u64) -> Result<(), TrampolineError> {
        let imm = Imm12::new(value).ok_or(TrampolineError::TooLarge)?;
        self.emit(Inst::AddSubImm {
            op: AddSubOp::Add,
            size: OperandSize::Size64,
            rd,
            rn,
            imm,
        })
    }

    /// `stp x29, x30, [sp, #-bytes]!` ([`Inst::push_frame_record`]).
    fn push_frame_record(&mut self, bytes: i64) -> Result<(), TrampolineError> {
        self.emit(Inst::push_frame_record(bytes).ok_or(TrampolineError::TooLarge)?)
    }

    /// `ldp x29, x30, [sp], #bytes` ([`Inst::pop_frame_record`]).
    fn pop_frame_record(&mut self, bytes: i64) -> Result<(), TrampolineError> {
        self.emit(Inst::pop_frame_record(bytes).ok_or(TrampolineError::TooLarge)?)
    }

    fn sub_sp(&mut self, bytes: u32) -> Result<(), TrampolineError> {
        if bytes == 0 {
            return Ok(());
        }
        let imm = Imm12::new(u64::from(bytes)).ok_or(TrampolineError::TooLarge)?;
        self.emit(Inst::AddSubImm {
            op: AddSubOp::Sub,
            size: OperandSize::Size64,
            rd: SP,
            rn: SP,
            imm,
        })
    }
}
