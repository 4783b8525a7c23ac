//! Instance state reached through `vmctx`: globals, table elements and
//! sizes, function references; and the register-only parametric
//! operations (`select`, `copy`, `ref.null`).

use zwasm_decode::ValType;

use crate::cond::Cond;
use crate::imms::Imm12;
use crate::inst::*;
use crate::lower::abi::{TrapCode, func_ref, table, vmctx};
use crate::lower::ctx::{Lowerer, X16, X17, fp_size, int_size};
use crate::lower::error::LowerError;
use crate::regs::{FpSize, GprOrSp, GprOrZr, OperandSize};

/// How a value of a type is loaded and stored.
#[derive(Clone, Copy, Debug)]
enum Cell {
    Int(LoadOp, StoreOp),
    Float(FpSize),
}

fn cell(ty: ValType) -> Option<Cell> {
    Some(match ty {
        ValType::I32 => Cell::Int(LoadOp::LdrW, StoreOp::StrW),
        ValType::I64 | ValType::FuncRef | ValType::ExternRef => {
            Cell::Int(LoadOp::LdrX, StoreOp::StrX)
        }
        ValType::F32 => Cell::Float(FpSize::Single),
        ValType::F64 => Cell::Float(FpSize::Double),
        ValType::V128 => return None,
    })
}

impl Lowerer<'_> {
    fn global_cell(&self, global: u32) -> Result<Cell, LowerError> {
        let ty = self
            .module
            .global_type(global)
            .ok_or_else(|| self.malformed(format!("missing global {global}")))?;
        cell(ty.content).ok_or_else(|| self.unsupported("v128 globals"))
    }

    pub fn lower_global_get(&mut self, global: u32) -> Result<(), LowerError> {
        let cell = self.global_cell(global)?;
        let vmctx = self.vmctx_gpr()?;
        self.load_vmctx_array_entry(X16, vmctx, vmctx::GLOBALS, global)?;
        match cell {
            Cell::Int(op, _) => {
                let rd = self.result_gpr(0)?;
                self.load(op, rd, X16.into(), 0)
            }
            Cell::Float(size) => {
                let rd = self.result_fpr(0)?;
                self.fp_load(size, rd, X16.into(), 0, X17)
            }
        }
    }

    pub fn lower_global_set(&mut self, global: u32) -> Result<(), LowerError> {
        let cell = self.global_cell(global)?;
        let vmctx = self.vmctx_gpr()?;
        self.load_vmctx_array_entry(X16, vmctx, vmctx::GLOBALS, global)?;
        match cell {
            Cell::Int(_, op) => {
                let rt = self.arg_gpr(0)?;
                self.store(op, rt.into(), X16.into(), 0, X17)
            }
            Cell::Float(size) => {
                let rt = self.arg_fpr(0)?;
                self.fp_store(size, rt, X16.into(), 0, X17)
            }
        }
    }

    /// x16 = `&VmTable`; traps with `code` unless the index operand `index`
    /// is below the table's length; then x16 = the element's address.
    fn table_element_address(
        &mut self,
        table_index: u32,
        index: usize,
        code: TrapCode,
    ) -> Result<(), LowerError> {
        let vmctx = self.vmctx_gpr()?;
        let idx = self.arg_gpr(index)?;
        let index64 = self.arg_type(index)? == ValType::I64;
        self.load_vmctx_array_entry(X16, vmctx, vmctx::TABLES, table_index)?;
        self.table_bounds_check(idx, index64, code)?;
        self.element_address(idx, index64)
    }

    /// With x16 = `&VmTable`: traps with `code` unless `idx` < length.
    /// Uses x17.
    pub fn table_bounds_check(
        &mut self,
        idx: crate::regs::Gpr,
        index64: bool,
        code: TrapCode,
    ) -> Result<(), LowerError> {
        self.load(LoadOp::LdrX, X17, X16.into(), i64::from(table::LENGTH))?;
        self.compare_index(X17, idx, index64)?;
        self.trap_if(Cond::Ls, code)
    }

    /// With x16 = `&VmTable`: x16 = the address of element `idx`.
    pub fn element_address(
        &mut self,
        idx: crate::regs::Gpr,
        index64: bool,
    ) -> Result<(), LowerError> {
        self.load(LoadOp::LdrX, X16, X16.into(), i64::from(table::BASE))?;
        self.emit(Inst::AddSubExtended {
            op: AddSubOp::Add,
            size: OperandSize::Size64,
            rd: X16.into(),
            rn: X16.into(),
            rm: idx.into(),
            extend: if index64 {
                ExtendOp::Uxtx
            } else {
                ExtendOp::Uxtw
            },
            amount: table::ELEMENT_SHIFT,
        })
    }

    pub fn lower_table_get(&mut self, table_index: u32) -> Result<(), LowerError> {
        self.table_element_address(table_index, 0, TrapCode::TableOutOfBounds)?;
        let rd = self.result_gpr(0)?;
        self.load(LoadOp::LdrX, rd, X16.into(), 0)
    }

    pub fn lower_table_set(&mut self, table_index: u32) -> Result<(), LowerError> {
        self.table_element_address(table_index, 0, TrapCode::TableOutOfBounds)?;
        let rt = self.arg_gpr(1)?;
        self.store(StoreOp::StrX, rt.into(), X16.into(), 0, X17)
    }

    pub fn lower_table_size(&mut self, table_index: u32) -> Result<(), LowerError> {
        let vmctx = self.vmctx_gpr()?;
        let rd = self.result_gpr(0)?;
        self.load_vmctx_array_entry(X16, vmctx, vmctx::TABLES, table_index)?;
        self.load(LoadOp::LdrX, rd, X16.into(), i64::from(table::LENGTH))
    }

    /// `ref.func`: the function's funcref slot from its `VmFuncRef`.
    pub fn lower_ref_func(&mut self, func: u32) -> Result<(), LowerError> {
        let vmctx = self.vmctx_gpr()?;
        let rd = self.result_gpr(0)?;
        self.load(LoadOp::LdrX, X16, vmctx.into(), i64::from(vmctx::FUNCS))?;
        let offset = i64::from(func) * i64::from(func_ref::SIZE) + i64::from(func_ref::SLOT);
        self.load(LoadOp::LdrX, rd, X16.into(), offset)
    }

    pub fn lower_ref_null(&mut self) -> Result<(), LowerError> {
        let rd = self.result_gpr(0)?;
        self.emit(Inst::mov(OperandSize::Size64, rd.into(), GprOrZr::Zr))
    }

    /// `select c, a, b`: `cmp c, #0`, then `csel`/`fcsel ne`.
    pub fn lower_select(&mut self) -> Result<(), LowerError> {
        let condition = self.arg_gpr(0)?;
        let ty = self.result_type(0)?;
        self.emit(Inst::cmp_imm(
            OperandSize::Size32,
            GprOrSp::from(condition),
            Imm12::ZERO,
        ))?;
        match ty {
            ValType::F32 | ValType::F64 => {
                let (a, b, rd) = (self.arg_fpr(1)?, self.arg_fpr(2)?, self.result_fpr(0)?);
                self.emit(Inst::Fcsel {
                    size: fp_size(ty),
                    rd,
                    rn: a,
                    rm: b,
                    cond: Cond::Ne,
                })
            }
            ValType::V128 => Err(self.unsupported("v128 select")),
            _ => {
                let (a, b, rd) = (self.arg_gpr(1)?, self.arg_gpr(2)?, self.result_gpr(0)?);
                self.emit(Inst::CondSelect {
                    op: CondSelectOp::Csel,
                    size: int_size(ty),
                    rd: rd.into(),
                    rn: a.into(),
                    rm: b.into(),
                    cond: Cond::Ne,
                })
            }
        }
    }

    pub fn lower_copy(&mut self) -> Result<(), LowerError> {
        match self.result_type(0)? {
            ValType::F32 | ValType::F64 => {
                let (rn, rd) = (self.arg_fpr(0)?, self.result_fpr(0)?);
                if rn == rd {
                    return Ok(());
                }
                self.emit(Inst::FpuRR {
                    op: FpuOp1::Mov,
                    size: FpSize::Double,
                    rd,
                    rn,
                })
            }
            ValType::V128 => Err(self.unsupported("v128 copy")),
            _ => {
                let (rn, rd) = (self.arg_gpr(0)?, self.result_gpr(0)?);
                if rn == rd {
                    return Ok(());
                }
                self.emit(Inst::mov(OperandSize::Size64, rd.into(), rn.into()))
            }
        }
    }
}
