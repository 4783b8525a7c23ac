//! Calls: direct calls (`bl` with a relocation for defined functions,
//! through the `VmFuncRef` of imports), `call_indirect` with its table and
//! signature checks, tail calls, and calls of runtime helpers.
//!
//! Register operands are already where the convention wants them (fixed
//! allocations); this code stores the stack arguments into the outgoing
//! area, makes the call, and loads stack results back. For indirect and
//! imported calls x0 is reused as a scratch register once every operand has
//! been read, and finally replaced by the callee's `vmctx`.

use zwasm_decode::ValType;
use zwasm_ir_reg::Opcode;
use zwasm_regalloc::{ArgLocation, ValueSide};

use crate::cond::Cond;
use crate::inst::*;
use crate::lower::abi::{RuntimeHelper, TrapCode, func_ref, runtime, vmctx};
use crate::lower::ctx::{Lowerer, StubCode, X16, X17};
use crate::lower::error::LowerError;
use crate::lower::frame::{callee_signature, tail_call_fits};
use crate::lower::output::{RelocKind, Relocation};
use crate::offsets::BranchOffset26;
use crate::regs::{Gpr, GprOrSp, OperandSize};

/// What a call instruction calls.
#[derive(Clone, Copy, Debug)]
enum Callee {
    /// A function defined in this module: a direct branch.
    Defined(u32),
    /// An imported function: through its `VmFuncRef`.
    Imported(u32),
    /// An entry of a table, checked against a type.
    Indirect { type_index: u32, table: u32 },
}

impl Lowerer<'_> {
    fn callee(&self, opcode: &Opcode) -> Result<(Callee, usize), LowerError> {
        Ok(match *opcode {
            Opcode::Call { func } | Opcode::ReturnCall { func } => {
                if func < self.module.func_imports {
                    (Callee::Imported(func), 0)
                } else {
                    (Callee::Defined(func), 0)
                }
            }
            Opcode::CallIndirect { type_index, table }
            | Opcode::ReturnCallIndirect { type_index, table } => {
                (Callee::Indirect { type_index, table }, 1)
            }
            _ => return Err(self.malformed(format!("{opcode} is not a call"))),
        })
    }

    fn signature(&self, opcode: &Opcode) -> Result<(Vec<ValType>, Vec<ValType>), LowerError> {
        let (params, results) = callee_signature(self.module, opcode)
            .ok_or_else(|| self.malformed(format!("{opcode} of a missing function or type")))?;
        Ok((params.to_vec(), results.to_vec()))
    }

    /// Stores the stack parameters of a call into the area at `base +
    /// offset`.
    fn store_stack_args(
        &mut self,
        first_param_operand: usize,
        params: &[ValType],
        base: GprOrSp,
        offset: i64,
    ) -> Result<(), LowerError> {
        let locations: Vec<ArgLocation> = self
            .cc
            .assign(ValueSide::Params, params.iter().copied())
            .collect();
        for (i, location) in locations.into_iter().enumerate() {
            if let ArgLocation::Stack(k) = location {
                if params[i] == ValType::V128 {
                    return Err(self.unsupported("v128 arguments"));
                }
                let from = self.arg_location(first_param_operand + i)?;
                self.copy_to_frame_slot(from, base, offset + 8 * i64::from(k))?;
            }
        }
        Ok(())
    }

    pub fn lower_call(&mut self, opcode: Opcode) -> Result<(), LowerError> {
        let (callee, first_param) = self.callee(&opcode)?;
        let (params, results) = self.signature(&opcode)?;
        self.store_stack_args(first_param, &params, GprOrSp::Sp, 0)?;
        self.call_sequence(callee, false)?;
        self.load_stack_results(&results)
    }

    /// Loads stack results from the outgoing area into their allocations.
    fn load_stack_results(&mut self, results: &[ValType]) -> Result<(), LowerError> {
        let locations: Vec<ArgLocation> = self
            .cc
            .assign(ValueSide::Results, results.iter().copied())
            .collect();
        for (i, location) in locations.into_iter().enumerate() {
            if let ArgLocation::Stack(k) = location {
                let to = self.result_location(i)?;
                self.copy_from_frame_slot(GprOrSp::Sp, 8 * i64::from(k), to, results[i])?;
            }
        }
        Ok(())
    }

    /// The call itself; with `tail`, the frame is torn down first and the
    /// callee returns to our caller.
    fn call_sequence(&mut self, callee: Callee, tail: bool) -> Result<(), LowerError> {
        let x0 = Gpr::X0;
        match callee {
            Callee::Defined(func) => {
                if tail {
                    self.emit_epilogue()?;
                }
                let (inst, kind) = if tail {
                    let offset = BranchOffset26::ZERO;
                    (Inst::B { offset }, RelocKind::Jump26)
                } else {
                    let offset = BranchOffset26::ZERO;
                    (Inst::Bl { offset }, RelocKind::Call26)
                };
                self.relocations.push(Relocation {
                    offset: self.offset(),
                    kind,
                    target: func,
                });
                self.emit(inst)?;
            }
            Callee::Imported(func) => {
                self.load(LoadOp::LdrX, X16, x0.into(), i64::from(vmctx::FUNCS))?;
                let entry = i64::from(func) * i64::from(func_ref::SIZE);
                self.add_const(X16, X16.into(), entry)?;
                self.load(LoadOp::LdrX, X17, X16.into(), i64::from(func_ref::CODE))?;
                self.load(LoadOp::LdrX, x0, X16.into(), i64::from(func_ref::VMCTX))?;
                self.indirect_branch(tail)?;
            }
            Callee::Indirect { type_index, table } => {
                self.indirect_callee(type_index, table)?;
                self.indirect_branch(tail)?;
            }
        }
        if !tail {
            self.record_call_site();
        }
        Ok(())
    }

    /// `blr x17`, or for a tail call the epilogue and `br x17`.
    fn indirect_branch(&mut self, tail: bool) -> Result<(), LowerError> {
        if tail {
            self.emit_epilogue()?;
            self.emit(Inst::Br { rn: X17 })
        } else {
            self.emit(Inst::Blr { rn: X17 })
        }
    }

    /// Checks the table entry selected by operand 0 and leaves its code in
    /// x17 and its `vmctx` in x0.
    fn indirect_callee(&mut self, type_index: u32, table_index: u32) -> Result<(), LowerError> {
        let x0 = Gpr::X0;
        let idx = self.arg_gpr(0)?;
        let index64 = self.arg_type(0)? == ValType::I64;
        self.load_vmctx_array_entry(X16, x0, vmctx::TABLES, table_index)?;
        self.table_bounds_check(idx, index64, TrapCode::UndefinedElement)?;
        self.element_address(idx, index64)?;
        self.load(LoadOp::LdrX, X16, X16.into(), 0)?;
        let null = self.trap_label(StubCode::Static(TrapCode::IndirectCallToNull));
        self.branch_zero(false, OperandSize::Size64, X16, null)?;
        // x17 = expected type id.
        self.load(LoadOp::LdrX, X17, x0.into(), i64::from(vmctx::TYPE_IDS))?;
        self.load(LoadOp::LdrW, X17, X17.into(), 4 * i64::from(type_index))?;
        // x16 = &func_refs[slot - 1] + SIZE; the vmctx is no longer needed
        // (trap stubs read it from the frame), so x0 is free.
        self.load(LoadOp::LdrX, x0, x0.into(), i64::from(vmctx::RUNTIME))?;
        self.load(LoadOp::LdrX, x0, x0.into(), i64::from(runtime::FUNC_REFS))?;
        self.emit(Inst::AddSubShifted {
            op: AddSubOp::Add,
            set_flags: false,
            size: OperandSize::Size64,
            rd: X16.into(),
            rn: x0.into(),
            rm: X16.into(),
            shift: ArithShift::Lsl,
            amount: func_ref::SIZE_SHIFT,
        })?;
        let back = -i64::from(func_ref::SIZE);
        self.load(
            LoadOp::LdrW,
            x0,
            X16.into(),
            back + i64::from(func_ref::TYPE_ID),
        )?;
        self.emit(Inst::cmp(OperandSize::Size32, x0.into(), X17.into()))?;
        self.trap_if(Cond::Ne, TrapCode::BadSignature)?;
        self.load(
            LoadOp::LdrX,
            X17,
            X16.into(),
            back + i64::from(func_ref::CODE),
        )?;
        self.load(
            LoadOp::LdrX,
            x0,
            X16.into(),
            back + i64::from(func_ref::VMCTX),
        )
    }

    /// `return_call` / `return_call_indirect`: a real tail call when the
    /// callee's stack arguments fit our caller's area, else a call followed
    /// by a return.
    pub fn lower_tail_call(&mut self, opcode: Opcode) -> Result<(), LowerError> {
        let (callee, first_param) = self.callee(&opcode)?;
        let (params, results) = self.signature(&opcode)?;
        if tail_call_fits(self.cc, self.frame.incoming_slots, &params) {
            let area = self.frame.incoming_offset(0);
            self.store_stack_args(first_param, &params, GprOrSp::Gpr(Gpr::FP), area)?;
            return self.call_sequence(callee, true);
        }
        self.store_stack_args(first_param, &params, GprOrSp::Sp, 0)?;
        self.call_sequence(callee, false)?;
        // Register results are already in our result registers; stack
        // results move from our outgoing area to our caller's.
        let locations: Vec<ArgLocation> = self
            .cc
            .assign(ValueSide::Results, results.iter().copied())
            .collect();
        for location in locations {
            if let ArgLocation::Stack(k) = location {
                self.load(LoadOp::LdrX, X16, GprOrSp::Sp, 8 * i64::from(k))?;
                let to = self.frame.incoming_offset(k);
                self.store(StoreOp::StrX, X16.into(), GprOrSp::Gpr(Gpr::FP), to, X17)?;
            }
        }
        self.emit_epilogue()?;
        self.emit(Inst::ret())
    }

    /// An operation done by a runtime helper: operands are already in
    /// x1…, immediates go in the following registers.
    pub fn lower_runtime_call(
        &mut self,
        helper: RuntimeHelper,
        immediates: &[u32],
    ) -> Result<(), LowerError> {
        let inst = self
            .inst
            .ok_or_else(|| self.alloc_error("no instruction"))?;
        let operands = self.func.inst_args(inst).len();
        for (i, &imm) in immediates.iter().enumerate() {
            let number = 1 + operands + i;
            let reg = u8::try_from(number)
                .ok()
                .and_then(Gpr::new)
                .filter(|reg| reg.number() <= 7)
                .ok_or_else(|| self.malformed("too many runtime call arguments"))?;
            self.load_const(reg, u64::from(imm), OperandSize::Size32)?;
        }
        let x0 = Gpr::X0;
        self.load(LoadOp::LdrX, X16, x0.into(), i64::from(vmctx::HELPERS))?;
        self.load(LoadOp::LdrX, X16, X16.into(), 8 * helper.index() as i64)?;
        self.emit(Inst::Blr { rn: X16 })?;
        self.record_call_site();
        if helper.may_trap() {
            let trap = self.trap_label(StubCode::FromW0);
            self.branch_zero(true, OperandSize::Size32, x0, trap)?;
        }
        Ok(())
    }
}
