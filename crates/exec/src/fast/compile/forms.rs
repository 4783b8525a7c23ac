//! Which fast-tier operation each ir-reg opcode becomes: the tables of the
//! emitter, and of the analysis that decides which constants fold.

use zwasm_ir_reg::{FloatCC, IntCC, MemArg, Opcode};

use crate::fast::code::{
    Bin, BinImm, BrCmp, BrCmpImm, BrTest, Load, MemExt, MemKind, Op, Slot, Store, Un,
};

/// The forms of a binary operation: with two slots, with the second
/// operand an immediate, and with the first one an immediate (commutative
/// operations, and compares with the condition mirrored).
#[derive(Clone, Copy)]
pub(super) struct BinaryForms {
    pub reg: fn(Bin) -> Op,
    pub imm: Option<fn(BinImm) -> Op>,
    pub swapped: Option<fn(BinImm) -> Op>,
}

/// The immediate of a constant, if it fits: any `i32`, or an `i64` within
/// the `i32` range (sign-extended back at run time).
pub(super) fn fits_imm(bits: u64, narrow: bool) -> Option<i32> {
    if narrow {
        Some(bits as u32 as i32)
    } else {
        i32::try_from(bits as i64).ok()
    }
}

macro_rules! forms {
    ($reg:ident) => {
        BinaryForms {
            reg: Op::$reg,
            imm: None,
            swapped: None,
        }
    };
    ($reg:ident, $imm:ident) => {
        BinaryForms {
            reg: Op::$reg,
            imm: Some(Op::$imm),
            swapped: None,
        }
    };
    ($reg:ident, $imm:ident, $swapped:ident) => {
        BinaryForms {
            reg: Op::$reg,
            imm: Some(Op::$imm),
            swapped: Some(Op::$swapped),
        }
    };
}

/// The forms of a binary ir-reg operation with one result.
#[inline(always)]
pub(super) fn binary_forms(opcode: &Opcode) -> Option<BinaryForms> {
    Some(match opcode {
        Opcode::I32Eq => forms!(I32Eq, I32EqImm, I32EqImm),
        Opcode::I32Ne => forms!(I32Ne, I32NeImm, I32NeImm),
        Opcode::I32LtS => forms!(I32LtS, I32LtSImm, I32GtSImm),
        Opcode::I32LtU => forms!(I32LtU, I32LtUImm, I32GtUImm),
        Opcode::I32GtS => forms!(I32GtS, I32GtSImm, I32LtSImm),
        Opcode::I32GtU => forms!(I32GtU, I32GtUImm, I32LtUImm),
        Opcode::I32LeS => forms!(I32LeS, I32LeSImm, I32GeSImm),
        Opcode::I32LeU => forms!(I32LeU, I32LeUImm, I32GeUImm),
        Opcode::I32GeS => forms!(I32GeS, I32GeSImm, I32LeSImm),
        Opcode::I32GeU => forms!(I32GeU, I32GeUImm, I32LeUImm),
        Opcode::I32Add => forms!(I32Add, I32AddImm, I32AddImm),
        Opcode::I32Sub => forms!(I32Sub, I32SubImm),
        Opcode::I32Mul => forms!(I32Mul, I32MulImm, I32MulImm),
        Opcode::I32And => forms!(I32And, I32AndImm, I32AndImm),
        Opcode::I32Or => forms!(I32Or, I32OrImm, I32OrImm),
        Opcode::I32Xor => forms!(I32Xor, I32XorImm, I32XorImm),
        Opcode::I32Shl => forms!(I32Shl, I32ShlImm),
        Opcode::I32ShrS => forms!(I32ShrS, I32ShrSImm),
        Opcode::I32ShrU => forms!(I32ShrU, I32ShrUImm),
        Opcode::I32Rotl => forms!(I32Rotl, I32RotlImm),
        Opcode::I32Rotr => forms!(I32Rotr, I32RotrImm),
        Opcode::I32DivS => forms!(I32DivS),
        Opcode::I32DivU => forms!(I32DivU),
        Opcode::I32RemS => forms!(I32RemS),
        Opcode::I32RemU => forms!(I32RemU),
        Opcode::I64Eq => forms!(I64Eq, I64EqImm, I64EqImm),
        Opcode::I64Ne => forms!(I64Ne, I64NeImm, I64NeImm),
        Opcode::I64LtS => forms!(I64LtS, I64LtSImm, I64GtSImm),
        Opcode::I64LtU => forms!(I64LtU, I64LtUImm, I64GtUImm),
        Opcode::I64GtS => forms!(I64GtS, I64GtSImm, I64LtSImm),
        Opcode::I64GtU => forms!(I64GtU, I64GtUImm, I64LtUImm),
        Opcode::I64LeS => forms!(I64LeS, I64LeSImm, I64GeSImm),
        Opcode::I64LeU => forms!(I64LeU, I64LeUImm, I64GeUImm),
        Opcode::I64GeS => forms!(I64GeS, I64GeSImm, I64LeSImm),
        Opcode::I64GeU => forms!(I64GeU, I64GeUImm, I64LeUImm),
        Opcode::I64Add => forms!(I64Add, I64AddImm, I64AddImm),
        Opcode::I64Sub => forms!(I64Sub, I64SubImm),
        Opcode::I64Mul => forms!(I64Mul, I64MulImm, I64MulImm),
        Opcode::I64And => forms!(I64And, I64AndImm, I64AndImm),
        Opcode::I64Or => forms!(I64Or, I64OrImm, I64OrImm),
        Opcode::I64Xor => forms!(I64Xor, I64XorImm, I64XorImm),
        Opcode::I64Shl => forms!(I64Shl, I64ShlImm),
        Opcode::I64ShrS => forms!(I64ShrS, I64ShrSImm),
        Opcode::I64ShrU => forms!(I64ShrU, I64ShrUImm),
        Opcode::I64Rotl => forms!(I64Rotl, I64RotlImm),
        Opcode::I64Rotr => forms!(I64Rotr, I64RotrImm),
        Opcode::I64DivS => forms!(I64DivS),
        Opcode::I64DivU => forms!(I64DivU),
        Opcode::I64RemS => forms!(I64RemS),
        Opcode::I64RemU => forms!(I64RemU),
        Opcode::F32Eq => forms!(F32Eq),
        Opcode::F32Ne => forms!(F32Ne),
        Opcode::F32Lt => forms!(F32Lt),
        Opcode::F32Gt => forms!(F32Gt),
        Opcode::F32Le => forms!(F32Le),
        Opcode::F32Ge => forms!(F32Ge),
        Opcode::F32Add => forms!(F32Add),
        Opcode::F32Sub => forms!(F32Sub),
        Opcode::F32Mul => forms!(F32Mul),
        Opcode::F32Div => forms!(F32Div),
        Opcode::F32Min => forms!(F32Min),
        Opcode::F32Max => forms!(F32Max),
        Opcode::F32Copysign => forms!(F32Copysign),
        Opcode::F64Eq => forms!(F64Eq),
        Opcode::F64Ne => forms!(F64Ne),
        Opcode::F64Lt => forms!(F64Lt),
        Opcode::F64Gt => forms!(F64Gt),
        Opcode::F64Le => forms!(F64Le),
        Opcode::F64Ge => forms!(F64Ge),
        Opcode::F64Add => forms!(F64Add),
        Opcode::F64Sub => forms!(F64Sub),
        Opcode::F64Mul => forms!(F64Mul),
        Opcode::F64Div => forms!(F64Div),
        Opcode::F64Min => forms!(F64Min),
        Opcode::F64Max => forms!(F64Max),
        Opcode::F64Copysign => forms!(F64Copysign),
        _ => return None,
    })
}

/// Builds the fast-tier operation of a unary ir-reg instruction.
pub(super) type UnaryForm = fn(Un) -> Op;

/// The operation of a unary ir-reg opcode with one result; `None` for the
/// reinterpretations, which leave the bits alone (a copy), and for
/// `i64.extend_i32_u`: every write of an `i32` to a slot zero-extends it
/// (`Slot for u32/i32`, `values::to_slot`), so the slot already holds the
/// `i64`.
#[inline(always)]
pub(super) fn unary_form(opcode: &Opcode) -> Option<Option<UnaryForm>> {
    Some(Some(match opcode {
        Opcode::I32Eqz => Op::I32Eqz,
        Opcode::I32Clz => Op::I32Clz,
        Opcode::I32Ctz => Op::I32Ctz,
        Opcode::I32Popcnt => Op::I32Popcnt,
        Opcode::I32Extend8S => Op::I32Extend8S,
        Opcode::I32Extend16S => Op::I32Extend16S,
        Opcode::I64Eqz => Op::I64Eqz,
        Opcode::I64Clz => Op::I64Clz,
        Opcode::I64Ctz => Op::I64Ctz,
        Opcode::I64Popcnt => Op::I64Popcnt,
        Opcode::I64Extend8S => Op::I64Extend8S,
        Opcode::I64Extend16S => Op::I64Extend16S,
        Opcode::I64Extend32S => Op::I64Extend32S,
        Opcode::F32Abs => Op::F32Abs,
        Opcode::F32Neg => Op::F32Neg,
        Opcode::F32Ceil => Op::F32Ceil,
        Opcode::F32Floor => Op::F32Floor,
        Opcode::F32Trunc => Op::F32Trunc,
        Opcode::F32Nearest => Op::F32Nearest,
        Opcode::F32Sqrt => Op::F32Sqrt,
        Opcode::F64Abs => Op::F64Abs,
        Opcode::F64Neg => Op::F64Neg,
        Opcode::F64Ceil => Op::F64Ceil,
        Opcode::F64Floor => Op::F64Floor,
        Opcode::F64Trunc => Op::F64Trunc,
        Opcode::F64Nearest => Op::F64Nearest,
        Opcode::F64Sqrt => Op::F64Sqrt,
        Opcode::I32WrapI64 => Op::I32WrapI64,
        Opcode::I32TruncF32S => Op::I32TruncF32S,
        Opcode::I32TruncF32U => Op::I32TruncF32U,
        Opcode::I32TruncF64S => Op::I32TruncF64S,
        Opcode::I32TruncF64U => Op::I32TruncF64U,
        Opcode::I64ExtendI32S => Op::I64ExtendI32S,
        Opcode::I64TruncF32S => Op::I64TruncF32S,
        Opcode::I64TruncF32U => Op::I64TruncF32U,
        Opcode::I64TruncF64S => Op::I64TruncF64S,
        Opcode::I64TruncF64U => Op::I64TruncF64U,
        Opcode::F32ConvertI32S => Op::F32ConvertI32S,
        Opcode::F32ConvertI32U => Op::F32ConvertI32U,
        Opcode::F32ConvertI64S => Op::F32ConvertI64S,
        Opcode::F32ConvertI64U => Op::F32ConvertI64U,
        Opcode::F32DemoteF64 => Op::F32DemoteF64,
        Opcode::F64ConvertI32S => Op::F64ConvertI32S,
        Opcode::F64ConvertI32U => Op::F64ConvertI32U,
        Opcode::F64ConvertI64S => Op::F64ConvertI64S,
        Opcode::F64ConvertI64U => Op::F64ConvertI64U,
        Opcode::F64PromoteF32 => Op::F64PromoteF32,
        Opcode::I32TruncSatF32S => Op::I32TruncSatF32S,
        Opcode::I32TruncSatF32U => Op::I32TruncSatF32U,
        Opcode::I32TruncSatF64S => Op::I32TruncSatF64S,
        Opcode::I32TruncSatF64U => Op::I32TruncSatF64U,
        Opcode::I64TruncSatF32S => Op::I64TruncSatF32S,
        Opcode::I64TruncSatF32U => Op::I64TruncSatF32U,
        Opcode::I64TruncSatF64S => Op::I64TruncSatF64S,
        Opcode::I64TruncSatF64U => Op::I64TruncSatF64U,
        Opcode::RefIsNull => Op::RefIsNull,
        Opcode::I64ExtendI32U
        | Opcode::I32ReinterpretF32
        | Opcode::I64ReinterpretF64
        | Opcode::F32ReinterpretI32
        | Opcode::F64ReinterpretI64 => return Some(None),
        _ => return None,
    }))
}

/// The access of a load or store: its [`MemKind`] and, for memory 0 with a
/// 32-bit offset, the specialised operation. Loads and stores that differ
/// only in the wasm type of equal bits share an operation (`f32.load` is
/// `i32.load`, `i64.load8_u` is `i32.load8_u`, …).
pub(super) enum Access {
    Load(MemKind, fn(Load) -> Op),
    Store(MemKind, fn(Store) -> Op),
}

impl Access {
    /// Whether `mem` has the specialised forms: memory 0, 32-bit offset.
    pub fn is_small(mem: &MemArg) -> bool {
        mem.memory == 0 && u32::try_from(mem.offset).is_ok()
    }

    /// The op of this access at `addr`; `value` is the loaded value's slot
    /// or the stored value's. Other memories and 64-bit offsets put their
    /// memory argument in `imms`.
    pub fn op(&self, mem: &MemArg, value: Slot, addr: Slot, imms: &mut Vec<(u32, u64)>) -> Op {
        let small = Access::is_small(mem);
        let offset = mem.offset as u32;
        let ext = |kind: MemKind, imms: &mut Vec<(u32, u64)>| {
            let memarg = imms.len() as u32;
            imms.push((mem.memory, mem.offset));
            MemExt {
                kind: kind as u8,
                value,
                addr,
                memarg,
            }
        };
        match *self {
            Access::Load(_, form) if small => form(Load {
                dst: value,
                addr,
                offset,
            }),
            Access::Store(_, form) if small => form(Store {
                addr,
                value,
                offset,
            }),
            Access::Load(kind, _) => Op::LoadExt(ext(kind, imms)),
            Access::Store(kind, _) => Op::StoreExt(ext(kind, imms)),
        }
    }
}

#[inline(always)]
pub(super) fn access(opcode: &Opcode) -> Option<Access> {
    use Access::{Load as L, Store as S};
    Some(match opcode {
        Opcode::I32Load { .. } | Opcode::F32Load { .. } | Opcode::I64Load32U { .. } => {
            L(MemKind::I32Load, Op::I32Load)
        }
        Opcode::I64Load { .. } | Opcode::F64Load { .. } => L(MemKind::I64Load, Op::I64Load),
        Opcode::I32Load8S { .. } => L(MemKind::I32Load8S, Op::I32Load8S),
        Opcode::I32Load8U { .. } | Opcode::I64Load8U { .. } => L(MemKind::I32Load8U, Op::I32Load8U),
        Opcode::I32Load16S { .. } => L(MemKind::I32Load16S, Op::I32Load16S),
        Opcode::I32Load16U { .. } | Opcode::I64Load16U { .. } => {
            L(MemKind::I32Load16U, Op::I32Load16U)
        }
        Opcode::I64Load8S { .. } => L(MemKind::I64Load8S, Op::I64Load8S),
        Opcode::I64Load16S { .. } => L(MemKind::I64Load16S, Op::I64Load16S),
        Opcode::I64Load32S { .. } => L(MemKind::I64Load32S, Op::I64Load32S),
        Opcode::I32Store { .. } | Opcode::F32Store { .. } | Opcode::I64Store32 { .. } => {
            S(MemKind::I32Store, Op::I32Store)
        }
        Opcode::I64Store { .. } | Opcode::F64Store { .. } => S(MemKind::I64Store, Op::I64Store),
        Opcode::I32Store8 { .. } | Opcode::I64Store8 { .. } => S(MemKind::I32Store8, Op::I32Store8),
        Opcode::I32Store16 { .. } | Opcode::I64Store16 { .. } => {
            S(MemKind::I32Store16, Op::I32Store16)
        }
        _ => return None,
    })
}

/// The condition under which a branch is taken, with its operands.
#[derive(Clone, Copy, Debug)]
pub(super) enum Cond {
    /// `x != 0` (`br_if`).
    Nez {
        wide: bool,
    },
    /// `x == 0` (`br_eqz`).
    Eqz {
        wide: bool,
    },
    Int {
        cc: IntCC,
        wide: bool,
    },
    Float {
        cc: FloatCC,
        wide: bool,
        negated: bool,
    },
}

/// A branch operand: a slot, or an immediate (integer compares only).
#[derive(Clone, Copy, Debug)]
pub(super) enum Operand {
    Slot(crate::fast::code::Slot),
    Imm(i32),
}

impl Cond {
    /// The condition that holds exactly when `self` does not.
    pub fn negate(self) -> Cond {
        match self {
            Cond::Nez { wide } => Cond::Eqz { wide },
            Cond::Eqz { wide } => Cond::Nez { wide },
            Cond::Int { cc, wide } => Cond::Int {
                cc: int_inverse(cc),
                wide,
            },
            Cond::Float { cc, wide, negated } => Cond::Float {
                cc,
                wide,
                negated: !negated,
            },
        }
    }

    /// The branch operation for this condition on `a` and `b` (unused by
    /// the tests of one operand), or `None` when an operand combination has
    /// no form (an immediate first operand is mirrored away by the caller).
    pub fn op(self, a: Operand, b: Operand, target: u32) -> Option<Op> {
        use Operand::{Imm, Slot};
        Some(match (self, a, b) {
            (Cond::Nez { wide }, Slot(cond), _) => {
                let test = BrTest { cond, target };
                if wide {
                    Op::BrNez64(test)
                } else {
                    Op::BrNez32(test)
                }
            }
            (Cond::Eqz { wide }, Slot(cond), _) => {
                let test = BrTest { cond, target };
                if wide {
                    Op::BrEqz64(test)
                } else {
                    Op::BrEqz32(test)
                }
            }
            (Cond::Int { cc, wide }, Slot(a), Imm(imm)) => {
                int_imm_branch(cc, wide)(BrCmpImm { a, imm, target })
            }
            (Cond::Int { cc, wide }, Imm(imm), Slot(b)) => {
                int_imm_branch(int_mirror(cc), wide)(BrCmpImm { a: b, imm, target })
            }
            (Cond::Int { cc, wide }, Slot(a), Slot(b)) => {
                let (form, swap) = int_reg_branch(cc, wide);
                let (a, b) = if swap { (b, a) } else { (a, b) };
                form(BrCmp { a, b, target })
            }
            (Cond::Float { cc, wide, negated }, Slot(a), Slot(b)) => {
                let (form, swap) = float_branch(cc, wide, negated);
                let (a, b) = if swap { (b, a) } else { (a, b) };
                form(BrCmp { a, b, target })
            }
            _ => return None,
        })
    }
}

fn int_inverse(cc: IntCC) -> IntCC {
    match cc {
        IntCC::Eq => IntCC::Ne,
        IntCC::Ne => IntCC::Eq,
        IntCC::LtS => IntCC::GeS,
        IntCC::LtU => IntCC::GeU,
        IntCC::GtS => IntCC::LeS,
        IntCC::GtU => IntCC::LeU,
        IntCC::LeS => IntCC::GtS,
        IntCC::LeU => IntCC::GtU,
        IntCC::GeS => IntCC::LtS,
        IntCC::GeU => IntCC::LtU,
    }
}

/// The condition with its operands swapped: `a < b` is `b > a`.
pub(super) fn int_mirror(cc: IntCC) -> IntCC {
    match cc {
        IntCC::Eq => IntCC::Eq,
        IntCC::Ne => IntCC::Ne,
        IntCC::LtS => IntCC::GtS,
        IntCC::LtU => IntCC::GtU,
        IntCC::GtS => IntCC::LtS,
        IntCC::GtU => IntCC::LtU,
        IntCC::LeS => IntCC::GeS,
        IntCC::LeU => IntCC::GeU,
        IntCC::GeS => IntCC::LeS,
        IntCC::GeU => IntCC::LeU,
    }
}

fn int_imm_branch(cc: IntCC, wide: bool) -> fn(BrCmpImm) -> Op {
    match (cc, wide) {
        (IntCC::Eq, false) => Op::BrI32EqImm,
        (IntCC::Ne, false) => Op::BrI32NeImm,
        (IntCC::LtS, false) => Op::BrI32LtSImm,
        (IntCC::LtU, false) => Op::BrI32LtUImm,
        (IntCC::GtS, false) => Op::BrI32GtSImm,
        (IntCC::GtU, false) => Op::BrI32GtUImm,
        (IntCC::LeS, false) => Op::BrI32LeSImm,
        (IntCC::LeU, false) => Op::BrI32LeUImm,
        (IntCC::GeS, false) => Op::BrI32GeSImm,
        (IntCC::GeU, false) => Op::BrI32GeUImm,
        (IntCC::Eq, true) => Op::BrI64EqImm,
        (IntCC::Ne, true) => Op::BrI64NeImm,
        (IntCC::LtS, true) => Op::BrI64LtSImm,
        (IntCC::LtU, true) => Op::BrI64LtUImm,
        (IntCC::GtS, true) => Op::BrI64GtSImm,
        (IntCC::GtU, true) => Op::BrI64GtUImm,
        (IntCC::LeS, true) => Op::BrI64LeSImm,
        (IntCC::LeU, true) => Op::BrI64LeUImm,
        (IntCC::GeS, true) => Op::BrI64GeSImm,
        (IntCC::GeU, true) => Op::BrI64GeUImm,
    }
}

/// Register compares exist for `eq`, `ne`, `lt` and `le`; `gt` and `ge`
/// swap their operands (`true` in the result).
fn int_reg_branch(cc: IntCC, wide: bool) -> (fn(BrCmp) -> Op, bool) {
    let (cc, swap) = match cc {
        IntCC::GtS => (IntCC::LtS, true),
        IntCC::GtU => (IntCC::LtU, true),
        IntCC::GeS => (IntCC::LeS, true),
        IntCC::GeU => (IntCC::LeU, true),
        cc => (cc, false),
    };
    let form: fn(BrCmp) -> Op = match (cc, wide) {
        (IntCC::Eq, false) => Op::BrI32Eq,
        (IntCC::Ne, false) => Op::BrI32Ne,
        (IntCC::LtS, false) => Op::BrI32LtS,
        (IntCC::LtU, false) => Op::BrI32LtU,
        (IntCC::LeS, false) => Op::BrI32LeS,
        (IntCC::LeU, false) => Op::BrI32LeU,
        (IntCC::Eq, true) => Op::BrI64Eq,
        (IntCC::Ne, true) => Op::BrI64Ne,
        (IntCC::LtS, true) => Op::BrI64LtS,
        (IntCC::LtU, true) => Op::BrI64LtU,
        (IntCC::LeS, true) => Op::BrI64LeS,
        (_, false) => Op::BrI32LeU,
        (_, true) => Op::BrI64LeU,
    };
    (form, swap)
}

/// Float compares: `gt`/`ge` swap to `lt`/`le` (exact, NaN included);
/// negations of `eq`/`ne` are each other, of `lt`/`le` have their own forms
/// (`!(a < b)` is not `a >= b` when a NaN is involved).
fn float_branch(cc: FloatCC, wide: bool, negated: bool) -> (fn(BrCmp) -> Op, bool) {
    let (cc, swap) = match cc {
        FloatCC::Gt => (FloatCC::Lt, true),
        FloatCC::Ge => (FloatCC::Le, true),
        cc => (cc, false),
    };
    let form: fn(BrCmp) -> Op = match (cc, negated, wide) {
        (FloatCC::Eq, false, false) | (FloatCC::Ne, true, false) => Op::BrF32Eq,
        (FloatCC::Ne, false, false) | (FloatCC::Eq, true, false) => Op::BrF32Ne,
        (FloatCC::Lt, false, false) => Op::BrF32Lt,
        (FloatCC::Le, false, false) => Op::BrF32Le,
        (FloatCC::Lt, true, false) => Op::BrF32NotLt,
        (_, true, false) => Op::BrF32NotLe,
        (FloatCC::Eq, false, true) | (FloatCC::Ne, true, true) => Op::BrF64Eq,
        (FloatCC::Ne, false, true) | (FloatCC::Eq, true, true) => Op::BrF64Ne,
        (FloatCC::Lt, false, true) => Op::BrF64Lt,
        (FloatCC::Le, false, true) => Op::BrF64Le,
        (FloatCC::Lt, true, true) => Op::BrF64NotLt,
        (_, true, true) => Op::BrF64NotLe,
        (_, false, false) => Op::BrF32Le,
        (_, false, true) => Op::BrF64Le,
    };
    (form, swap)
}
