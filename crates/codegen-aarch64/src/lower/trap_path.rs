//! The trap path every function ends with. Trap stubs reach it with
//! `mov w17, #code; bl trap_path`, so x30 identifies the trap site; it
//! records code, site and frame in the runtime, lets the runtime's recorder
//! walk the still intact frames, and unwinds to the innermost entry
//! trampoline, which returns "trapped" to the host.

use crate::inst::*;
use crate::lower::abi::{frame, runtime, vmctx};
use crate::lower::ctx::{Lowerer, X16, X17};
use crate::lower::error::LowerError;
use crate::lower::output::Origin;
use crate::regs::{Gpr, GprOrSp, OperandSize};

impl Lowerer<'_> {
    pub fn emit_trap_path(&mut self) -> Result<(), LowerError> {
        self.mark(Origin::TrapPath);
        let trap_path = self.trap_path;
        self.bind(trap_path)?;
        let fp = GprOrSp::Gpr(Gpr::FP);
        self.load(LoadOp::LdrX, X16, fp, frame::VMCTX)?;
        self.load(LoadOp::LdrX, X16, X16.into(), i64::from(vmctx::RUNTIME))?;
        let rt = GprOrSp::from(X16);
        self.store(
            StoreOp::StrW,
            X17.into(),
            rt,
            i64::from(runtime::TRAP_CODE),
            X17,
        )?;
        self.store(
            StoreOp::StrX,
            Gpr::LR.into(),
            rt,
            i64::from(runtime::TRAP_PC),
            X17,
        )?;
        self.store(
            StoreOp::StrX,
            Gpr::FP.into(),
            rt,
            i64::from(runtime::TRAP_FP),
            X17,
        )?;
        // The recorder runs on the stack below the trapping frames; it
        // clobbers every caller-saved register, so the runtime is reloaded.
        self.emit(Inst::mov(OperandSize::Size64, Gpr::X0.into(), X16.into()))?;
        self.load(LoadOp::LdrX, X17, rt, i64::from(runtime::TRAP_RECORDER))?;
        self.emit(Inst::Blr { rn: X17 })?;
        self.load(LoadOp::LdrX, X16, fp, frame::VMCTX)?;
        self.load(LoadOp::LdrX, X16, X16.into(), i64::from(vmctx::RUNTIME))?;
        self.load(LoadOp::LdrX, X17, rt, i64::from(runtime::ENTRY_SP))?;
        self.emit(Inst::mov_sp(GprOrSp::Sp, X17.into()))?;
        self.load(LoadOp::LdrX, X17, rt, i64::from(runtime::TRAP_HANDLER))?;
        self.emit(Inst::Br { rn: X17 })
    }
}
