//! The frame of a compiled function: its layout, the prologue (frame
//! record, `vmctx` slot, stack-limit check, callee-saved registers), the
//! epilogue, and loading stack parameters on entry.
//!
//! ```text
//!   x29 + 32 + 8k   caller's argument / result area (slot k)
//!   x29 + 16        vmctx
//!   x29 + 0         saved x29, x30
//!   x29 - cs        callee-saved registers (cs = callee_saved_bytes)
//!   sp + out + 8s   spill slot s
//!   sp + 8k         outgoing argument / result area (slot k)
//! ```

use zwasm_decode::{Module, ValType};
use zwasm_ir_reg::{Opcode, RegFunction};
use zwasm_regalloc::{
    Allocated, ArgLocation, CallConv, Location, OperandRole, PReg, RegClass, SPILL_SLOT_BYTES,
    ValueSide,
};

use crate::cond::Cond;
use crate::imms::{Imm12, PairIndex};
use crate::inst::*;
use crate::lower::abi::{TrapCode, frame, runtime, vmctx};
use crate::lower::ctx::{Lowerer, StubCode, X16, X17};
use crate::lower::error::LowerError;
use crate::regs::{FpSize, Gpr, GprOrSp, GprOrZr, OperandSize, VReg};

/// Sizes and register lists of a function's frame.
#[derive(Clone, Debug, Default)]
pub(crate) struct FrameLayout {
    pub saved_gprs: Vec<Gpr>,
    pub saved_fprs: Vec<VReg>,
    /// Bytes of the callee-saved area right below `x29` (multiple of 16).
    pub callee_saved_bytes: u32,
    pub spill_slots: u32,
    /// Bytes of the outgoing area at `sp` (multiple of 16).
    pub outgoing_bytes: u32,
    /// Everything below the frame record (multiple of 16).
    pub body_bytes: u32,
    /// 8-byte slots the caller's argument/result area is known to have.
    pub incoming_slots: u32,
    pub callee_saved: Vec<PReg>,
}

/// Number of 8-byte stack slots the convention needs for `types` on `side`.
pub(crate) fn stack_area_slots(cc: &CallConv, side: ValueSide, types: &[ValType]) -> u32 {
    cc.assign(side, types.iter().copied())
        .zip(types)
        .filter_map(|(location, &ty)| match location {
            ArgLocation::Stack(offset) => Some(offset + zwasm_regalloc::stack_slots(ty)),
            ArgLocation::Reg(_) => None,
        })
        .max()
        .unwrap_or(0)
}

/// Slots of the argument/result area a caller provides for a callee of
/// this signature: room for both its stack parameters and stack results.
pub(crate) fn call_area_slots(cc: &CallConv, params: &[ValType], results: &[ValType]) -> u32 {
    stack_area_slots(cc, ValueSide::Params, params).max(stack_area_slots(
        cc,
        ValueSide::Results,
        results,
    ))
}

/// The parameter and result types of a call's callee.
pub(crate) fn callee_signature<'m>(
    module: &'m Module,
    opcode: &Opcode,
) -> Option<(&'m [ValType], &'m [ValType])> {
    let ty = match *opcode {
        Opcode::Call { func } | Opcode::ReturnCall { func } => module.func_type(func)?,
        Opcode::CallIndirect { type_index, .. } | Opcode::ReturnCallIndirect { type_index, .. } => {
            module.types.get(type_index as usize)?
        }
        _ => return None,
    };
    Some((&ty.params, &ty.results))
}

/// Whether a tail call to a callee with these parameters can reuse this
/// function's incoming argument area: its stack parameters must fit in
/// the area our caller provided. Otherwise the tail call is lowered as a
/// call followed by a return.
pub(crate) fn tail_call_fits(cc: &CallConv, incoming_slots: u32, params: &[ValType]) -> bool {
    stack_area_slots(cc, ValueSide::Params, params) <= incoming_slots
}

impl FrameLayout {
    pub fn new(
        func: &RegFunction,
        module: &Module,
        alloc: &Allocated,
        cc: &CallConv,
    ) -> Result<Self, String> {
        let ty = module
            .types
            .get(func.type_index() as usize)
            .ok_or_else(|| format!("missing type {}", func.type_index()))?;
        let incoming_slots = call_area_slots(cc, &ty.params, &ty.results);
        let mut outgoing_slots = 0;
        for block in func.blocks() {
            for inst in func.block_insts(block) {
                let opcode = func.opcode(inst);
                let Some((params, results)) = callee_signature(module, &opcode) else {
                    continue;
                };
                let uses_outgoing = match opcode {
                    Opcode::ReturnCall { .. } | Opcode::ReturnCallIndirect { .. } => {
                        !tail_call_fits(cc, incoming_slots, params)
                    }
                    _ => true,
                };
                if uses_outgoing {
                    outgoing_slots = outgoing_slots.max(call_area_slots(cc, params, results));
                }
            }
        }
        let mut saved_gprs = Vec::new();
        let mut saved_fprs = Vec::new();
        for &reg in alloc.callee_saved_used() {
            let number = reg.hw_enc() as u8;
            match reg.class() {
                RegClass::Int => saved_gprs.push(Gpr::new(number).ok_or("bad register")?),
                _ => saved_fprs.push(VReg::new(number).ok_or("bad register")?),
            }
        }
        let round16 = |bytes: u32| bytes.next_multiple_of(16);
        let callee_saved_bytes = round16(8 * (saved_gprs.len() + saved_fprs.len()) as u32);
        let spill_slots =
            u32::try_from(alloc.num_spillslots()).map_err(|_| "too many spill slots")?;
        let outgoing_bytes = round16(outgoing_slots * 8);
        let body_bytes = spill_slots
            .checked_mul(SPILL_SLOT_BYTES)
            .and_then(|spills| round16(spills).checked_add(outgoing_bytes))
            .and_then(|bytes| bytes.checked_add(callee_saved_bytes))
            .ok_or("frame too large")?;
        Ok(FrameLayout {
            saved_gprs,
            saved_fprs,
            callee_saved_bytes,
            spill_slots,
            outgoing_bytes,
            body_bytes,
            incoming_slots,
            callee_saved: alloc.callee_saved_used().to_vec(),
        })
    }

    /// Offset from `sp` of spill slot `slot`.
    pub fn spill_offset(&self, slot: u32) -> i64 {
        i64::from(self.outgoing_bytes) + i64::from(slot) * i64::from(SPILL_SLOT_BYTES)
    }

    /// Offset from `x29` of the `k`-th 8-byte slot of the caller's area.
    pub fn incoming_offset(&self, k: u32) -> i64 {
        frame::INCOMING_ARGS + 8 * i64::from(k)
    }

    /// The callee-saved registers as (offset from `x29`, register) pairs.
    fn saved_slots(&self) -> impl Iterator<Item = (i64, SavedReg)> + '_ {
        let base = -i64::from(self.callee_saved_bytes);
        self.saved_gprs
            .iter()
            .map(|&reg| SavedReg::Gpr(reg))
            .chain(self.saved_fprs.iter().map(|&reg| SavedReg::Fpr(reg)))
            .enumerate()
            .map(move |(i, reg)| (base + 8 * i as i64, reg))
    }
}

#[derive(Clone, Copy, Debug)]
enum SavedReg {
    Gpr(Gpr),
    Fpr(VReg),
}

const SP: GprOrSp = GprOrSp::Sp;
const FP: GprOrSp = GprOrSp::Gpr(Gpr::FP);

impl Lowerer<'_> {
    /// Frame record, `vmctx` slot, stack check, frame body, callee-saved
    /// registers.
    pub fn emit_prologue(&mut self) -> Result<(), LowerError> {
        let push = Inst::push_frame_record(i64::from(frame::RECORD))
            .ok_or_else(|| self.malformed("frame record"))?;
        self.emit(push)?;
        self.emit(Inst::mov_sp(FP, SP))?;
        self.store(StoreOp::StrX, Gpr::X0.into(), FP, frame::VMCTX, X16)?;

        // The limit check also covers frames without a body: every
        // activation takes at least its frame record.
        let body = self.frame.body_bytes;
        self.load(LoadOp::LdrX, X16, Gpr::X0.into(), i64::from(vmctx::RUNTIME))?;
        self.load(
            LoadOp::LdrX,
            X16,
            X16.into(),
            i64::from(runtime::STACK_LIMIT),
        )?;
        let below = if body == 0 {
            SP
        } else {
            self.sp_minus(X17.into(), body)?;
            X17.into()
        };
        self.emit(Inst::AddSubExtendedSetFlags {
            op: AddSubOp::Sub,
            size: OperandSize::Size64,
            rd: GprOrZr::Zr,
            rn: below,
            rm: X16.into(),
            extend: ExtendOp::Uxtx,
            amount: 0,
        })?;
        let overflow = self.trap_label(StubCode::Static(TrapCode::StackOverflow));
        self.branch_if(Cond::LO, overflow)?;
        self.sp_minus(SP, body)?;

        let slots: Vec<(i64, SavedReg)> = self.frame.saved_slots().collect();
        self.save_restore(&slots, true)
    }

    /// `rd = sp - bytes`.
    fn sp_minus(&mut self, rd: GprOrSp, bytes: u32) -> Result<(), LowerError> {
        if let Some(imm) = Imm12::new(u64::from(bytes)) {
            if bytes == 0 && rd == SP {
                return Ok(());
            }
            return self.emit(Inst::AddSubImm {
                op: AddSubOp::Sub,
                size: OperandSize::Size64,
                rd,
                rn: SP,
                imm,
            });
        }
        self.load_const(X17, u64::from(bytes), OperandSize::Size64)?;
        self.emit(Inst::AddSubExtended {
            op: AddSubOp::Sub,
            size: OperandSize::Size64,
            rd,
            rn: SP,
            rm: X17.into(),
            extend: ExtendOp::Uxtx,
            amount: 0,
        })
    }

    /// Stores (`save`) or loads the callee-saved registers, in pairs where
    /// two of a kind are adjacent.
    fn save_restore(&mut self, slots: &[(i64, SavedReg)], save: bool) -> Result<(), LowerError> {
        let mut i = 0;
        while i < slots.len() {
            let (offset, reg) = slots[i];
            let pair = slots.get(i + 1).copied();
            let index = PairIndex::from_byte_offset(offset, 8);
            match (reg, pair, index) {
                (SavedReg::Gpr(a), Some((_, SavedReg::Gpr(b))), Some(index)) => {
                    let addr = PairAddr::Offset { rn: FP, index };
                    let (rt, rt2) = (GprOrZr::from(a), GprOrZr::from(b));
                    let size = OperandSize::Size64;
                    self.emit(if save {
                        Inst::StorePair {
                            size,
                            rt,
                            rt2,
                            addr,
                        }
                    } else {
                        Inst::LoadPair {
                            size,
                            rt,
                            rt2,
                            addr,
                        }
                    })?;
                    i += 2;
                }
                (SavedReg::Fpr(a), Some((_, SavedReg::Fpr(b))), Some(index)) => {
                    let addr = PairAddr::Offset { rn: FP, index };
                    let size = FpSize::Double;
                    self.emit(if save {
                        Inst::FpStorePair {
                            size,
                            rt: a,
                            rt2: b,
                            addr,
                        }
                    } else {
                        Inst::FpLoadPair {
                            size,
                            rt: a,
                            rt2: b,
                            addr,
                        }
                    })?;
                    i += 2;
                }
                (SavedReg::Gpr(reg), ..) => {
                    if save {
                        self.store(StoreOp::StrX, reg.into(), FP, offset, X16)?;
                    } else {
                        self.load(LoadOp::LdrX, reg, FP, offset)?;
                    }
                    i += 1;
                }
                (SavedReg::Fpr(reg), ..) => {
                    if save {
                        self.fp_store(FpSize::Double, reg, FP, offset, X16)?;
                    } else {
                        self.fp_load(FpSize::Double, reg, FP, offset, X16)?;
                    }
                    i += 1;
                }
            }
        }
        Ok(())
    }

    /// Restores callee-saved registers and the caller's frame, leaving
    /// x0–x17 and v0–v7 untouched (results, tail-call operands, the
    /// tail-call target in x16/x17).
    pub fn emit_epilogue(&mut self) -> Result<(), LowerError> {
        let slots: Vec<(i64, SavedReg)> = self.frame.saved_slots().collect();
        self.save_restore(&slots, false)?;
        self.emit(Inst::mov_sp(SP, FP))?;
        let pop = Inst::pop_frame_record(i64::from(frame::RECORD))
            .ok_or_else(|| self.malformed("frame record"))?;
        self.emit(pop)
    }

    /// Loads the parameters passed on the stack into their allocations.
    pub fn emit_entry(&mut self) -> Result<(), LowerError> {
        let func = self.func;
        let params = func.block_params(func.entry_block());
        let types: Vec<ValType> = params.iter().map(|&p| func.value_type(p)).collect();
        let conv: Vec<ArgLocation> = self
            .cc
            .assign(ValueSide::Params, types.iter().copied())
            .collect();
        for operand in self.alloc.entry_operands() {
            let OperandRole::Param(i) = operand.role else {
                continue;
            };
            let i = i as usize;
            let (Some(&ArgLocation::Stack(k)), Some(&ty)) = (conv.get(i), types.get(i)) else {
                continue;
            };
            let offset = self.frame.incoming_offset(k);
            self.copy_from_frame_slot(FP, offset, operand.location, ty)?;
        }
        Ok(())
    }

    /// Moves the 8-byte slot at `[base, #offset]` into `to`.
    pub fn copy_from_frame_slot(
        &mut self,
        base: GprOrSp,
        offset: i64,
        to: Location,
        ty: ValType,
    ) -> Result<(), LowerError> {
        match to {
            Location::Reg(reg) if reg.class() == RegClass::Int => {
                let rt = self.gpr_of(reg)?;
                self.load(LoadOp::LdrX, rt, base, offset)
            }
            Location::Reg(reg) => {
                let rt = self.fpr_of(reg)?;
                self.fp_load(FpSize::Double, rt, base, offset, X16)
            }
            Location::Stack(slot) => {
                if ty == ValType::V128 {
                    return Err(self.unsupported("v128 values"));
                }
                self.load(LoadOp::LdrX, X16, base, offset)?;
                let to = self.frame.spill_offset(slot);
                self.store(StoreOp::StrX, X16.into(), SP, to, X17)
            }
        }
    }

    /// Moves `from` into the 8-byte slot at `[base, #offset]`.
    pub fn copy_to_frame_slot(
        &mut self,
        from: Location,
        base: GprOrSp,
        offset: i64,
    ) -> Result<(), LowerError> {
        match from {
            Location::Reg(reg) if reg.class() == RegClass::Int => {
                let rt = self.gpr_of(reg)?;
                self.store(StoreOp::StrX, rt.into(), base, offset, X17)
            }
            Location::Reg(reg) => {
                let rt = self.fpr_of(reg)?;
                self.fp_store(FpSize::Double, rt, base, offset, X17)
            }
            Location::Stack(slot) => {
                let from = self.frame.spill_offset(slot);
                self.load(LoadOp::LdrX, X16, SP, from)?;
                self.store(StoreOp::StrX, X16.into(), base, offset, X17)
            }
        }
    }
}
