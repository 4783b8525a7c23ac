//! The lowering context: the code buffer, the function and its allocation,
//! and the helpers every instruction lowering shares — operand registers,
//! constants, addressing with large offsets, trap stubs and the source map.

use zwasm_decode::{Module, ValType};
use zwasm_ir_reg::{Inst as IrInst, RegFunction};
use zwasm_regalloc::{Allocated, CallConv, Location, OperandRole, PReg, RegClass};

use crate::buffer::{CodeBuffer, Label};
use crate::cond::Cond;
use crate::imms::{Imm12, MoveWideImm, SImm9, ScaledIndex};
use crate::inst::*;
use crate::load_constant::load_constant;
use crate::lower::LowerOptions;
use crate::lower::abi::TrapCode;
use crate::lower::error::LowerError;
use crate::lower::frame::FrameLayout;
use crate::lower::output::{CallSite, Origin, Relocation, SourceRange, TrapSite, TrapSiteKind};
use crate::offsets::{BranchOffset19, BranchOffset26};
use crate::regs::{FpSize, Gpr, GprOrSp, GprOrZr, OperandSize, VReg};

/// The code generator's first temporary (never allocated).
pub(crate) const X16: Gpr = Gpr::X16;
/// The code generator's second temporary (never allocated).
pub(crate) const X17: Gpr = Gpr::X17;

/// Index 0 of a scaled address (`[xn]`).
pub(crate) const ZERO_INDEX: ScaledIndex = match ScaledIndex::new(0) {
    Some(index) => index,
    None => panic!("0 is a valid index"),
};

/// Where the trap code of a stub comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StubCode {
    /// A code known at compile time.
    Static(TrapCode),
    /// The code a runtime helper returned in w0.
    FromW0,
}

/// A trap stub waiting to be emitted after the function body.
#[derive(Clone, Copy, Debug)]
struct Stub {
    label: Label,
    code: StubCode,
    inst: Option<IrInst>,
    wasm_offset: Option<u32>,
}

/// Lowering state of one function.
pub(crate) struct Lowerer<'a> {
    pub func: &'a RegFunction,
    pub module: &'a Module,
    pub alloc: &'a Allocated,
    pub options: &'a LowerOptions,
    pub cc: &'a CallConv,
    pub frame: FrameLayout,
    pub buf: CodeBuffer,
    block_labels: Vec<Label>,
    /// The shared trap path (see `stubs.rs`).
    pub trap_path: Label,
    stubs: Vec<Stub>,
    pub relocations: Vec<Relocation>,
    pub traps: Vec<TrapSite>,
    pub call_sites: Vec<CallSite>,
    pub source_map: Vec<SourceRange>,
    range_start: u32,
    range_origin: Origin,
    /// The instruction being lowered.
    pub inst: Option<IrInst>,
}

impl<'a> Lowerer<'a> {
    pub fn new(
        func: &'a RegFunction,
        module: &'a Module,
        alloc: &'a Allocated,
        options: &'a LowerOptions,
        cc: &'a CallConv,
        frame: FrameLayout,
    ) -> Self {
        let mut buf = CodeBuffer::new();
        let block_labels = (0..func.num_blocks()).map(|_| buf.new_label()).collect();
        let trap_path = buf.new_label();
        Lowerer {
            func,
            module,
            alloc,
            options,
            cc,
            frame,
            buf,
            block_labels,
            trap_path,
            stubs: Vec::new(),
            relocations: Vec::new(),
            traps: Vec::new(),
            call_sites: Vec::new(),
            source_map: Vec::new(),
            range_start: 0,
            range_origin: Origin::Prologue,
            inst: None,
        }
    }

    // ----- errors -----

    pub fn func_index(&self) -> u32 {
        self.func.func_index()
    }

    pub fn alloc_error(&self, message: impl Into<String>) -> LowerError {
        LowerError::Allocation {
            func: self.func_index(),
            inst: self.inst.map(|inst| inst.0),
            message: message.into(),
        }
    }

    pub fn malformed(&self, message: impl Into<String>) -> LowerError {
        LowerError::Malformed {
            func: self.func_index(),
            message: message.into(),
        }
    }

    pub fn unsupported(&self, what: impl Into<String>) -> LowerError {
        LowerError::Unsupported {
            func: self.func_index(),
            what: what.into(),
        }
    }

    // ----- emission -----

    pub fn emit(&mut self, inst: Inst) -> Result<(), LowerError> {
        let func = self.func_index();
        self.buf
            .emit(&inst)
            .map_err(|error| LowerError::Buffer { func, error })
    }

    pub fn emit_to(&mut self, inst: Inst, label: Label) -> Result<(), LowerError> {
        let func = self.func_index();
        self.buf
            .emit_to_label(&inst, label)
            .map_err(|error| LowerError::Buffer { func, error })
    }

    pub fn bind(&mut self, label: Label) -> Result<(), LowerError> {
        let func = self.func_index();
        self.buf
            .bind(label)
            .map_err(|error| LowerError::Buffer { func, error })
    }

    pub fn emit_jump_table(&mut self, targets: &[Label]) -> Result<(), LowerError> {
        let func = self.func_index();
        self.buf
            .emit_jump_table(targets)
            .map_err(|error| LowerError::Buffer { func, error })
    }

    pub fn emit_literal_pool(&mut self) -> Result<(), LowerError> {
        let func = self.func_index();
        self.buf
            .emit_literal_pool()
            .map_err(|error| LowerError::Buffer { func, error })
    }

    pub fn offset(&self) -> u32 {
        self.buf.offset()
    }

    pub fn new_label(&mut self) -> Label {
        self.buf.new_label()
    }

    pub fn block_label(&self, block: zwasm_ir_reg::Block) -> Result<Label, LowerError> {
        self.block_labels
            .get(block.index())
            .copied()
            .ok_or_else(|| self.malformed(format!("branch to missing {block}")))
    }

    /// `b label`.
    pub fn jump(&mut self, label: Label) -> Result<(), LowerError> {
        self.emit_to(
            Inst::B {
                offset: BranchOffset26::ZERO,
            },
            label,
        )
    }

    /// `b.cond label`.
    pub fn branch_if(&mut self, cond: Cond, label: Label) -> Result<(), LowerError> {
        self.emit_to(
            Inst::BCond {
                cond,
                offset: BranchOffset19::ZERO,
            },
            label,
        )
    }

    /// `cbz`/`cbnz rt, label`.
    pub fn branch_zero(
        &mut self,
        nonzero: bool,
        size: OperandSize,
        rt: Gpr,
        label: Label,
    ) -> Result<(), LowerError> {
        self.emit_to(
            Inst::CompareBranch {
                nonzero,
                size,
                rt: rt.into(),
                offset: BranchOffset19::ZERO,
            },
            label,
        )
    }

    /// Sets `rd` to `value` (the low 32 bits for [`OperandSize::Size32`]).
    pub fn load_const(&mut self, rd: Gpr, value: u64, size: OperandSize) -> Result<(), LowerError> {
        for inst in load_constant(rd, value, size) {
            self.emit(inst)?;
        }
        Ok(())
    }

    /// `movz wd, #value` for a small value.
    pub fn mov_small(&mut self, rd: Gpr, value: u16) -> Result<(), LowerError> {
        let imm = MoveWideImm::new(value, 0).ok_or_else(|| self.malformed("bad immediate"))?;
        self.emit(Inst::MoveWide {
            op: MoveWideOp::Movz,
            size: OperandSize::Size32,
            rd: rd.into(),
            imm,
        })
    }

    /// `rd = rn + value` (64-bit); `rd` may be `rn`. Offsets beyond 24 bits
    /// need `rd` to differ from `rn`.
    pub fn add_const(&mut self, rd: Gpr, rn: GprOrSp, value: i64) -> Result<(), LowerError> {
        let (op, magnitude) = if value < 0 {
            (AddSubOp::Sub, value.unsigned_abs())
        } else {
            (AddSubOp::Add, value as u64)
        };
        let add_imm = |rd: GprOrSp, rn: GprOrSp, imm: Imm12| Inst::AddSubImm {
            op,
            size: OperandSize::Size64,
            rd,
            rn,
            imm,
        };
        if let Some(imm) = Imm12::new(magnitude) {
            return self.emit(add_imm(rd.into(), rn, imm));
        }
        if magnitude < 1 << 24 {
            let high = Imm12::new(magnitude & !0xfff);
            let low = Imm12::new(magnitude & 0xfff);
            if let (Some(high), Some(low)) = (high, low) {
                self.emit(add_imm(rd.into(), rn, high))?;
                return self.emit(add_imm(rd.into(), rd.into(), low));
            }
        }
        if rn == GprOrSp::Gpr(rd) {
            return Err(self.malformed(format!("offset {value} too large to address")));
        }
        self.load_const(rd, magnitude, OperandSize::Size64)?;
        self.emit(Inst::AddSubExtended {
            op,
            size: OperandSize::Size64,
            rd: rd.into(),
            rn,
            rm: rd.into(),
            extend: ExtendOp::Uxtx,
            amount: 0,
        })
    }

    /// An address `[base, #offset]` for an access of `bytes`, computing
    /// `base + offset` into `temp` when no addressing mode reaches it.
    pub fn address(
        &mut self,
        base: GprOrSp,
        offset: i64,
        bytes: u32,
        temp: Gpr,
    ) -> Result<AddrMode, LowerError> {
        if let Some(index) = ScaledIndex::from_byte_offset(offset, bytes) {
            return Ok(AddrMode::Scaled { rn: base, index });
        }
        if let Some(offset) = SImm9::new(offset) {
            return Ok(AddrMode::Unscaled { rn: base, offset });
        }
        self.add_const(temp, base, offset)?;
        Ok(AddrMode::Scaled {
            rn: temp.into(),
            index: ZERO_INDEX,
        })
    }

    /// `ldr`-family load of `rt` from `[base, #offset]`.
    pub fn load(
        &mut self,
        op: LoadOp,
        rt: Gpr,
        base: GprOrSp,
        offset: i64,
    ) -> Result<(), LowerError> {
        // The loaded register doubles as the address temporary.
        let addr = self.address(base, offset, op.access_bytes(), rt)?;
        self.emit(Inst::Load {
            op,
            rt: rt.into(),
            addr,
        })
    }

    /// `str`-family store of `rt` to `[base, #offset]`, computing large
    /// addresses in `temp`.
    pub fn store(
        &mut self,
        op: StoreOp,
        rt: GprOrZr,
        base: GprOrSp,
        offset: i64,
        temp: Gpr,
    ) -> Result<(), LowerError> {
        let addr = self.address(base, offset, op.access_bytes(), temp)?;
        self.emit(Inst::Store { op, rt, addr })
    }

    /// `ldr st/dt` from `[base, #offset]`, large addresses through `temp`.
    pub fn fp_load(
        &mut self,
        size: FpSize,
        rt: VReg,
        base: GprOrSp,
        offset: i64,
        temp: Gpr,
    ) -> Result<(), LowerError> {
        let addr = self.address(base, offset, size.bytes(), temp)?;
        self.emit(Inst::FpLoad { size, rt, addr })
    }

    /// `str st/dt` to `[base, #offset]`, large addresses through `temp`.
    pub fn fp_store(
        &mut self,
        size: FpSize,
        rt: VReg,
        base: GprOrSp,
        offset: i64,
        temp: Gpr,
    ) -> Result<(), LowerError> {
        let addr = self.address(base, offset, size.bytes(), temp)?;
        self.emit(Inst::FpStore { size, rt, addr })
    }

    /// `ldr rd, [vmctx_field]`, then `ldr rd, [rd, #8 * index]`: the
    /// `index`-th pointer of an array the `vmctx` points to.
    pub fn load_vmctx_array_entry(
        &mut self,
        rd: Gpr,
        vmctx: Gpr,
        field: u32,
        index: u32,
    ) -> Result<(), LowerError> {
        self.load(LoadOp::LdrX, rd, vmctx.into(), i64::from(field))?;
        self.load(LoadOp::LdrX, rd, rd.into(), 8 * i64::from(index))
    }

    // ----- operands -----

    fn location(&self, role: OperandRole) -> Result<Location, LowerError> {
        let inst = self
            .inst
            .ok_or_else(|| self.alloc_error("no instruction"))?;
        self.alloc
            .operands(inst)
            .iter()
            .find(|operand| operand.role == role)
            .map(|operand| operand.location)
            .ok_or_else(|| self.alloc_error(format!("no allocation for {role:?}")))
    }

    pub fn arg_location(&self, i: usize) -> Result<Location, LowerError> {
        self.location(OperandRole::Arg(i as u32))
    }

    pub fn result_location(&self, i: usize) -> Result<Location, LowerError> {
        self.location(OperandRole::Result(i as u32))
    }

    fn reg(&self, role: OperandRole) -> Result<PReg, LowerError> {
        match self.location(role)? {
            Location::Reg(reg) => Ok(reg),
            Location::Stack(slot) => Err(self.alloc_error(format!(
                "{role:?} in stack slot {slot}, expected a register"
            ))),
        }
    }

    pub fn gpr_of(&self, reg: PReg) -> Result<Gpr, LowerError> {
        match reg.class() {
            RegClass::Int => Gpr::new(reg.hw_enc() as u8)
                .ok_or_else(|| self.alloc_error(format!("no register x{}", reg.hw_enc()))),
            _ => Err(self.alloc_error(format!("{reg:?} is not an integer register"))),
        }
    }

    pub fn fpr_of(&self, reg: PReg) -> Result<VReg, LowerError> {
        match reg.class() {
            RegClass::Float => VReg::new(reg.hw_enc() as u8)
                .ok_or_else(|| self.alloc_error(format!("no register v{}", reg.hw_enc()))),
            _ => Err(self.alloc_error(format!("{reg:?} is not a float register"))),
        }
    }

    /// The integer register holding operand `i`.
    pub fn arg_gpr(&self, i: usize) -> Result<Gpr, LowerError> {
        self.gpr_of(self.reg(OperandRole::Arg(i as u32))?)
    }

    /// The float register holding operand `i`.
    pub fn arg_fpr(&self, i: usize) -> Result<VReg, LowerError> {
        self.fpr_of(self.reg(OperandRole::Arg(i as u32))?)
    }

    /// The integer register result `i` goes to.
    pub fn result_gpr(&self, i: usize) -> Result<Gpr, LowerError> {
        self.gpr_of(self.reg(OperandRole::Result(i as u32))?)
    }

    /// The float register result `i` goes to.
    pub fn result_fpr(&self, i: usize) -> Result<VReg, LowerError> {
        self.fpr_of(self.reg(OperandRole::Result(i as u32))?)
    }

    /// The float scratch register `i`.
    pub fn temp_fpr(&self, i: usize) -> Result<VReg, LowerError> {
        self.fpr_of(self.reg(OperandRole::Temp(i as u32))?)
    }

    /// The register holding `vmctx` for instructions that read instance
    /// state.
    pub fn vmctx_gpr(&self) -> Result<Gpr, LowerError> {
        self.gpr_of(self.reg(OperandRole::Vmctx)?)
    }

    /// The type of operand `i` of the current instruction.
    pub fn arg_type(&self, i: usize) -> Result<ValType, LowerError> {
        let inst = self
            .inst
            .ok_or_else(|| self.alloc_error("no instruction"))?;
        self.func
            .inst_args(inst)
            .get(i)
            .map(|&value| self.func.value_type(value))
            .ok_or_else(|| self.malformed(format!("inst{} has no operand {i}", inst.0)))
    }

    /// The type of result `i` of the current instruction.
    pub fn result_type(&self, i: usize) -> Result<ValType, LowerError> {
        let inst = self
            .inst
            .ok_or_else(|| self.alloc_error("no instruction"))?;
        self.func
            .inst_results(inst)
            .get(i)
            .map(|&value| self.func.value_type(value))
            .ok_or_else(|| self.malformed(format!("inst{} has no result {i}", inst.0)))
    }

    pub fn wasm_offset(&self) -> Option<u32> {
        self.inst.and_then(|inst| self.func.inst(inst).offset)
    }

    // ----- traps -----

    /// A label that traps with `code`: an out-of-line stub emitted after
    /// the body, recording the current instruction as the trap site.
    pub fn trap_label(&mut self, code: StubCode) -> Label {
        // Traps of one instruction with one code share a stub: same site.
        if let Some(stub) = self.stubs.last()
            && stub.inst == self.inst
            && stub.code == code
        {
            return stub.label;
        }
        let label = self.buf.new_label();
        self.stubs.push(Stub {
            label,
            code,
            inst: self.inst,
            wasm_offset: self.wasm_offset(),
        });
        label
    }

    /// `b.cond` to a new stub trapping with `code`.
    pub fn trap_if(&mut self, cond: Cond, code: TrapCode) -> Result<(), LowerError> {
        let label = self.trap_label(StubCode::Static(code));
        self.branch_if(cond, label)
    }

    /// `mov w17, #code; bl trap_path`, recording the trap site.
    pub fn emit_trap_call(&mut self, code: StubCode) -> Result<(), LowerError> {
        match code {
            StubCode::Static(code) => self.mov_small(X17, code.bits() as u16)?,
            StubCode::FromW0 => {
                self.emit(Inst::mov(OperandSize::Size32, X17.into(), Gpr::X0.into()))?
            }
        }
        let trap_path = self.trap_path;
        self.emit_to(
            Inst::Bl {
                offset: BranchOffset26::ZERO,
            },
            trap_path,
        )?;
        self.traps.push(TrapSite {
            offset: self.offset(),
            kind: TrapSiteKind::Stub,
            code: match code {
                StubCode::Static(code) => Some(code),
                StubCode::FromW0 => None,
            },
            wasm_offset: self.wasm_offset(),
            inst: self.inst,
        });
        Ok(())
    }

    /// Records that the instruction just emitted faults into a trap when it
    /// touches a guard page.
    pub fn record_fault(&mut self, code: TrapCode) {
        self.traps.push(TrapSite {
            offset: self.offset().saturating_sub(4),
            kind: TrapSiteKind::Fault,
            code: Some(code),
            wasm_offset: self.wasm_offset(),
            inst: self.inst,
        });
    }

    /// Emits every pending trap stub.
    pub fn emit_stubs(&mut self) -> Result<(), LowerError> {
        for stub in std::mem::take(&mut self.stubs) {
            self.mark(Origin::TrapStub(stub.inst));
            let saved = self.inst;
            self.inst = stub.inst;
            self.bind(stub.label)?;
            self.emit_trap_call(stub.code)?;
            // The stub's wasm offset is the one of its instruction, even
            // for the prologue's stack check (no instruction).
            if let Some(site) = self.traps.last_mut() {
                site.wasm_offset = stub.wasm_offset;
            }
            self.inst = saved;
        }
        Ok(())
    }

    /// Records the return address of the call just emitted.
    pub fn record_call_site(&mut self) {
        self.call_sites.push(CallSite {
            return_offset: self.offset(),
            wasm_offset: self.wasm_offset(),
        });
    }

    // ----- source map -----

    /// Starts a new source range with `origin` at the current offset.
    pub fn mark(&mut self, origin: Origin) {
        let offset = self.offset();
        if offset > self.range_start {
            self.source_map.push(SourceRange {
                start: self.range_start,
                end: offset,
                origin: self.range_origin,
            });
        }
        self.range_start = offset;
        self.range_origin = origin;
    }
}

/// The integer operation width of values of type `ty`.
pub(crate) fn int_size(ty: ValType) -> OperandSize {
    match ty {
        ValType::I32 => OperandSize::Size32,
        _ => OperandSize::Size64,
    }
}

/// The precision of values of type `ty`.
pub(crate) fn fp_size(ty: ValType) -> FpSize {
    match ty {
        ValType::F32 => FpSize::Single,
        _ => FpSize::Double,
    }
}
