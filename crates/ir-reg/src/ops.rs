//! The ir-reg op table: the single source of the [`Opcode`] enum, its
//! mnemonics, its fixed signatures and the side-effect metadata that passes
//! and the verifier rely on.
//!
//! Operands are SSA values; the table records for each opcode the types of its
//! operands and of its (at most one) result when they follow from the opcode
//! alone. `Addr` stands for the address type of the instruction's memory
//! (`i32`, or `i64` for memory64). Opcodes whose types depend on the module
//! (calls, globals, tables, `return`) or on an operand (`select`, `copy`, the
//! fused branches) are `dynamic`; `crate::signature` resolves them.

use std::fmt;

use zwasm_decode::ValType;

/// A memory access immediate: which memory, the constant byte offset added to
/// the address operand, and the alignment hint as log2 of bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemArg {
    /// Memory index.
    pub memory: u32,
    /// Constant offset added to the dynamic address (no wrap-around).
    pub offset: u64,
    /// log2 of the alignment hint in bytes.
    pub align: u8,
}

/// The condition of a fused integer compare-and-branch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntCC {
    Eq,
    Ne,
    LtS,
    LtU,
    GtS,
    GtU,
    LeS,
    LeU,
    GeS,
    GeU,
}

impl IntCC {
    /// The condition as wasm spells the compare (`lt_s`, …).
    pub fn name(self) -> &'static str {
        match self {
            IntCC::Eq => "eq",
            IntCC::Ne => "ne",
            IntCC::LtS => "lt_s",
            IntCC::LtU => "lt_u",
            IntCC::GtS => "gt_s",
            IntCC::GtU => "gt_u",
            IntCC::LeS => "le_s",
            IntCC::LeU => "le_u",
            IntCC::GeS => "ge_s",
            IntCC::GeU => "ge_u",
        }
    }
}

impl fmt::Display for IntCC {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The condition of a fused float compare-and-branch (ordered compares as in
/// wasm: every condition but `ne` is false when an operand is NaN).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FloatCC {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

impl FloatCC {
    /// The condition as wasm spells the compare (`lt`, …).
    pub fn name(self) -> &'static str {
        match self {
            FloatCC::Eq => "eq",
            FloatCC::Ne => "ne",
            FloatCC::Lt => "lt",
            FloatCC::Gt => "gt",
            FloatCC::Le => "le",
            FloatCC::Ge => "ge",
        }
    }
}

impl fmt::Display for FloatCC {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a `trap` terminator traps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TrapCode {
    /// The wasm `unreachable` instruction.
    Unreachable,
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TrapCode::Unreachable => "unreachable",
        })
    }
}

/// The type of one operand or result in a fixed signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OperandType {
    /// Exactly this type.
    Val(ValType),
    /// The address type of the instruction's memory ([`Opcode::memory`]).
    Addr,
}

/// Operand and result types that follow from the opcode alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedSignature {
    /// One entry per operand, in order.
    pub params: &'static [OperandType],
    /// The single result, if any.
    pub result: Option<OperandType>,
}

/// What executing an instruction may do besides computing its results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Effects {
    /// It may trap (division by zero, out-of-bounds access, a failing call…).
    pub can_trap: bool,
    /// It reads state that other instructions may change (memory, tables,
    /// globals), so it may not be moved across writes.
    pub reads_state: bool,
    /// It changes state or calls out.
    pub writes_state: bool,
    /// It ends its block.
    pub terminator: bool,
}

impl Effects {
    /// Arithmetic, constants, `select`, `copy`: foldable and removable.
    pub const PURE: Effects = Effects::new(false, false, false, false);
    /// Reads mutable state but cannot trap (`global.get`, `memory.size`).
    pub const READS: Effects = Effects::new(false, true, false, false);
    /// May trap but is otherwise pure (division, trapping conversions).
    pub const TRAPS: Effects = Effects::new(true, false, false, false);
    /// Reads memory or a table and may trap doing so.
    pub const LOAD: Effects = Effects::new(true, true, false, false);
    /// Writes state but cannot trap (`global.set`, `memory.grow`, `data.drop`).
    pub const WRITES: Effects = Effects::new(false, false, true, false);
    /// Writes memory or a table and may trap doing so.
    pub const STORE: Effects = Effects::new(true, true, true, false);
    /// Calls another function: anything can happen.
    pub const CALL: Effects = Effects::new(true, true, true, false);
    /// A branch: ends the block, nothing else.
    pub const BRANCH: Effects = Effects::new(false, false, false, true);
    /// `return`.
    pub const EXIT: Effects = Effects::new(false, false, false, true);
    /// `trap`.
    pub const TRAP: Effects = Effects::new(true, false, false, true);
    /// A tail call: a call that ends the function.
    pub const TAIL_CALL: Effects = Effects::new(true, true, true, true);

    const fn new(can_trap: bool, reads_state: bool, writes_state: bool, terminator: bool) -> Self {
        Effects {
            can_trap,
            reads_state,
            writes_state,
            terminator,
        }
    }

    /// Whether an instruction whose results are unused can be deleted.
    pub fn removable_when_unused(self) -> bool {
        !self.can_trap && !self.writes_state && !self.terminator
    }

    /// Whether the instruction depends only on its operands and does nothing
    /// else, so it may be evaluated at compile time.
    pub fn is_pure(self) -> bool {
        self == Effects::PURE
    }
}

/// How many outgoing edges a terminator has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetCount {
    /// Exactly this many (0 for non-terminators, `return`, `trap`, tail calls).
    Exactly(usize),
    /// At least one (`br_table`: the cases, then the default).
    AtLeastOne,
}

/// Invokes `$m!` with the whole op table. Each row is
/// `Variant { field: Type, … } = "mnemonic", [signature], EFFECTS;` where the
/// field list may be omitted, the signature is `[operand types -> result]`
/// (`none` for no result) or `[dynamic]`, and `EFFECTS` names an [`Effects`]
/// constant.
#[macro_export]
macro_rules! for_each_opcode {
    ($m:ident) => {
        $m! {
            // --- terminators ---
            Jump = "jump", [-> none], BRANCH;
            BrIf = "br_if", [I32 -> none], BRANCH;
            BrTable = "br_table", [I32 -> none], BRANCH;
            BrIcmp { cond: $crate::IntCC } = "br_icmp", [dynamic], BRANCH;
            BrEqz = "br_eqz", [dynamic], BRANCH;
            BrFcmp { cond: $crate::FloatCC } = "br_fcmp", [dynamic], BRANCH;
            Return = "return", [dynamic], EXIT;
            Trap { code: $crate::TrapCode } = "trap", [-> none], TRAP;
            ReturnCall { func: u32 } = "return_call", [dynamic], TAIL_CALL;
            ReturnCallIndirect { type_index: u32, table: u32 } = "return_call_indirect", [dynamic], TAIL_CALL;
            // --- calls ---
            Call { func: u32 } = "call", [dynamic], CALL;
            CallIndirect { type_index: u32, table: u32 } = "call_indirect", [dynamic], CALL;
            // --- parametric ---
            Copy = "copy", [dynamic], PURE;
            Select = "select", [dynamic], PURE;
            // --- globals ---
            GlobalGet { global: u32 } = "global.get", [dynamic], READS;
            GlobalSet { global: u32 } = "global.set", [dynamic], WRITES;
            // --- tables ---
            TableGet { table: u32 } = "table.get", [dynamic], LOAD;
            TableSet { table: u32 } = "table.set", [dynamic], STORE;
            TableSize { table: u32 } = "table.size", [dynamic], READS;
            TableGrow { table: u32 } = "table.grow", [dynamic], WRITES;
            TableFill { table: u32 } = "table.fill", [dynamic], STORE;
            TableCopy { dst: u32, src: u32 } = "table.copy", [dynamic], STORE;
            TableInit { elem: u32, table: u32 } = "table.init", [dynamic], STORE;
            ElemDrop { elem: u32 } = "elem.drop", [-> none], WRITES;
            // --- memories ---
            MemorySize { memory: u32 } = "memory.size", [-> Addr], READS;
            MemoryGrow { memory: u32 } = "memory.grow", [Addr -> Addr], WRITES;
            MemoryFill { memory: u32 } = "memory.fill", [Addr I32 Addr -> none], STORE;
            MemoryCopy { dst: u32, src: u32 } = "memory.copy", [dynamic], STORE;
            MemoryInit { data: u32, memory: u32 } = "memory.init", [Addr I32 I32 -> none], STORE;
            DataDrop { data: u32 } = "data.drop", [-> none], WRITES;
            // --- constants ---
            I32Const { value: i32 } = "i32.const", [-> I32], PURE;
            I64Const { value: i64 } = "i64.const", [-> I64], PURE;
            F32Const { bits: u32 } = "f32.const", [-> F32], PURE;
            F64Const { bits: u64 } = "f64.const", [-> F64], PURE;
            // --- references ---
            RefNull { ty: $crate::RefType } = "ref.null", [dynamic], PURE;
            RefIsNull = "ref.is_null", [dynamic], PURE;
            RefFunc { func: u32 } = "ref.func", [-> FuncRef], PURE;
            // --- i32 ---
            I32Eqz = "i32.eqz", [I32 -> I32], PURE;
            I32Eq = "i32.eq", [I32 I32 -> I32], PURE;
            I32Ne = "i32.ne", [I32 I32 -> I32], PURE;
            I32LtS = "i32.lt_s", [I32 I32 -> I32], PURE;
            I32LtU = "i32.lt_u", [I32 I32 -> I32], PURE;
            I32GtS = "i32.gt_s", [I32 I32 -> I32], PURE;
            I32GtU = "i32.gt_u", [I32 I32 -> I32], PURE;
            I32LeS = "i32.le_s", [I32 I32 -> I32], PURE;
            I32LeU = "i32.le_u", [I32 I32 -> I32], PURE;
            I32GeS = "i32.ge_s", [I32 I32 -> I32], PURE;
            I32GeU = "i32.ge_u", [I32 I32 -> I32], PURE;
            I32Clz = "i32.clz", [I32 -> I32], PURE;
            I32Ctz = "i32.ctz", [I32 -> I32], PURE;
            I32Popcnt = "i32.popcnt", [I32 -> I32], PURE;
            I32Add = "i32.add", [I32 I32 -> I32], PURE;
            I32Sub = "i32.sub", [I32 I32 -> I32], PURE;
            I32Mul = "i32.mul", [I32 I32 -> I32], PURE;
            I32DivS = "i32.div_s", [I32 I32 -> I32], TRAPS;
            I32DivU = "i32.div_u", [I32 I32 -> I32], TRAPS;
            I32RemS = "i32.rem_s", [I32 I32 -> I32], TRAPS;
            I32RemU = "i32.rem_u", [I32 I32 -> I32], TRAPS;
            I32And = "i32.and", [I32 I32 -> I32], PURE;
            I32Or = "i32.or", [I32 I32 -> I32], PURE;
            I32Xor = "i32.xor", [I32 I32 -> I32], PURE;
            I32Shl = "i32.shl", [I32 I32 -> I32], PURE;
            I32ShrS = "i32.shr_s", [I32 I32 -> I32], PURE;
            I32ShrU = "i32.shr_u", [I32 I32 -> I32], PURE;
            I32Rotl = "i32.rotl", [I32 I32 -> I32], PURE;
            I32Rotr = "i32.rotr", [I32 I32 -> I32], PURE;
            I32Extend8S = "i32.extend8_s", [I32 -> I32], PURE;
            I32Extend16S = "i32.extend16_s", [I32 -> I32], PURE;
            // --- i64 ---
            I64Eqz = "i64.eqz", [I64 -> I32], PURE;
            I64Eq = "i64.eq", [I64 I64 -> I32], PURE;
            I64Ne = "i64.ne", [I64 I64 -> I32], PURE;
            I64LtS = "i64.lt_s", [I64 I64 -> I32], PURE;
            I64LtU = "i64.lt_u", [I64 I64 -> I32], PURE;
            I64GtS = "i64.gt_s", [I64 I64 -> I32], PURE;
            I64GtU = "i64.gt_u", [I64 I64 -> I32], PURE;
            I64LeS = "i64.le_s", [I64 I64 -> I32], PURE;
            I64LeU = "i64.le_u", [I64 I64 -> I32], PURE;
            I64GeS = "i64.ge_s", [I64 I64 -> I32], PURE;
            I64GeU = "i64.ge_u", [I64 I64 -> I32], PURE;
            I64Clz = "i64.clz", [I64 -> I64], PURE;
            I64Ctz = "i64.ctz", [I64 -> I64], PURE;
            I64Popcnt = "i64.popcnt", [I64 -> I64], PURE;
            I64Add = "i64.add", [I64 I64 -> I64], PURE;
            I64Sub = "i64.sub", [I64 I64 -> I64], PURE;
            I64Mul = "i64.mul", [I64 I64 -> I64], PURE;
            I64DivS = "i64.div_s", [I64 I64 -> I64], TRAPS;
            I64DivU = "i64.div_u", [I64 I64 -> I64], TRAPS;
            I64RemS = "i64.rem_s", [I64 I64 -> I64], TRAPS;
            I64RemU = "i64.rem_u", [I64 I64 -> I64], TRAPS;
            I64And = "i64.and", [I64 I64 -> I64], PURE;
            I64Or = "i64.or", [I64 I64 -> I64], PURE;
            I64Xor = "i64.xor", [I64 I64 -> I64], PURE;
            I64Shl = "i64.shl", [I64 I64 -> I64], PURE;
            I64ShrS = "i64.shr_s", [I64 I64 -> I64], PURE;
            I64ShrU = "i64.shr_u", [I64 I64 -> I64], PURE;
            I64Rotl = "i64.rotl", [I64 I64 -> I64], PURE;
            I64Rotr = "i64.rotr", [I64 I64 -> I64], PURE;
            I64Extend8S = "i64.extend8_s", [I64 -> I64], PURE;
            I64Extend16S = "i64.extend16_s", [I64 -> I64], PURE;
            I64Extend32S = "i64.extend32_s", [I64 -> I64], PURE;
            // --- f32 ---
            F32Eq = "f32.eq", [F32 F32 -> I32], PURE;
            F32Ne = "f32.ne", [F32 F32 -> I32], PURE;
            F32Lt = "f32.lt", [F32 F32 -> I32], PURE;
            F32Gt = "f32.gt", [F32 F32 -> I32], PURE;
            F32Le = "f32.le", [F32 F32 -> I32], PURE;
            F32Ge = "f32.ge", [F32 F32 -> I32], PURE;
            F32Abs = "f32.abs", [F32 -> F32], PURE;
            F32Neg = "f32.neg", [F32 -> F32], PURE;
            F32Ceil = "f32.ceil", [F32 -> F32], PURE;
            F32Floor = "f32.floor", [F32 -> F32], PURE;
            F32Trunc = "f32.trunc", [F32 -> F32], PURE;
            F32Nearest = "f32.nearest", [F32 -> F32], PURE;
            F32Sqrt = "f32.sqrt", [F32 -> F32], PURE;
            F32Add = "f32.add", [F32 F32 -> F32], PURE;
            F32Sub = "f32.sub", [F32 F32 -> F32], PURE;
            F32Mul = "f32.mul", [F32 F32 -> F32], PURE;
            F32Div = "f32.div", [F32 F32 -> F32], PURE;
            F32Min = "f32.min", [F32 F32 -> F32], PURE;
            F32Max = "f32.max", [F32 F32 -> F32], PURE;
            F32Copysign = "f32.copysign", [F32 F32 -> F32], PURE;
            // --- f64 ---
            F64Eq = "f64.eq", [F64 F64 -> I32], PURE;
            F64Ne = "f64.ne", [F64 F64 -> I32], PURE;
            F64Lt = "f64.lt", [F64 F64 -> I32], PURE;
            F64Gt = "f64.gt", [F64 F64 -> I32], PURE;
            F64Le = "f64.le", [F64 F64 -> I32], PURE;
            F64Ge = "f64.ge", [F64 F64 -> I32], PURE;
            F64Abs = "f64.abs", [F64 -> F64], PURE;
            F64Neg = "f64.neg", [F64 -> F64], PURE;
            F64Ceil = "f64.ceil", [F64 -> F64], PURE;
            F64Floor = "f64.floor", [F64 -> F64], PURE;
            F64Trunc = "f64.trunc", [F64 -> F64], PURE;
            F64Nearest = "f64.nearest", [F64 -> F64], PURE;
            F64Sqrt = "f64.sqrt", [F64 -> F64], PURE;
            F64Add = "f64.add", [F64 F64 -> F64], PURE;
            F64Sub = "f64.sub", [F64 F64 -> F64], PURE;
            F64Mul = "f64.mul", [F64 F64 -> F64], PURE;
            F64Div = "f64.div", [F64 F64 -> F64], PURE;
            F64Min = "f64.min", [F64 F64 -> F64], PURE;
            F64Max = "f64.max", [F64 F64 -> F64], PURE;
            F64Copysign = "f64.copysign", [F64 F64 -> F64], PURE;
            // --- conversions ---
            I32WrapI64 = "i32.wrap_i64", [I64 -> I32], PURE;
            I32TruncF32S = "i32.trunc_f32_s", [F32 -> I32], TRAPS;
            I32TruncF32U = "i32.trunc_f32_u", [F32 -> I32], TRAPS;
            I32TruncF64S = "i32.trunc_f64_s", [F64 -> I32], TRAPS;
            I32TruncF64U = "i32.trunc_f64_u", [F64 -> I32], TRAPS;
            I64ExtendI32S = "i64.extend_i32_s", [I32 -> I64], PURE;
            I64ExtendI32U = "i64.extend_i32_u", [I32 -> I64], PURE;
            I64TruncF32S = "i64.trunc_f32_s", [F32 -> I64], TRAPS;
            I64TruncF32U = "i64.trunc_f32_u", [F32 -> I64], TRAPS;
            I64TruncF64S = "i64.trunc_f64_s", [F64 -> I64], TRAPS;
            I64TruncF64U = "i64.trunc_f64_u", [F64 -> I64], TRAPS;
            F32ConvertI32S = "f32.convert_i32_s", [I32 -> F32], PURE;
            F32ConvertI32U = "f32.convert_i32_u", [I32 -> F32], PURE;
            F32ConvertI64S = "f32.convert_i64_s", [I64 -> F32], PURE;
            F32ConvertI64U = "f32.convert_i64_u", [I64 -> F32], PURE;
            F32DemoteF64 = "f32.demote_f64", [F64 -> F32], PURE;
            F64ConvertI32S = "f64.convert_i32_s", [I32 -> F64], PURE;
            F64ConvertI32U = "f64.convert_i32_u", [I32 -> F64], PURE;
            F64ConvertI64S = "f64.convert_i64_s", [I64 -> F64], PURE;
            F64ConvertI64U = "f64.convert_i64_u", [I64 -> F64], PURE;
            F64PromoteF32 = "f64.promote_f32", [F32 -> F64], PURE;
            I32ReinterpretF32 = "i32.reinterpret_f32", [F32 -> I32], PURE;
            I64ReinterpretF64 = "i64.reinterpret_f64", [F64 -> I64], PURE;
            F32ReinterpretI32 = "f32.reinterpret_i32", [I32 -> F32], PURE;
            F64ReinterpretI64 = "f64.reinterpret_i64", [I64 -> F64], PURE;
            I32TruncSatF32S = "i32.trunc_sat_f32_s", [F32 -> I32], PURE;
            I32TruncSatF32U = "i32.trunc_sat_f32_u", [F32 -> I32], PURE;
            I32TruncSatF64S = "i32.trunc_sat_f64_s", [F64 -> I32], PURE;
            I32TruncSatF64U = "i32.trunc_sat_f64_u", [F64 -> I32], PURE;
            I64TruncSatF32S = "i64.trunc_sat_f32_s", [F32 -> I64], PURE;
            I64TruncSatF32U = "i64.trunc_sat_f32_u", [F32 -> I64], PURE;
            I64TruncSatF64S = "i64.trunc_sat_f64_s", [F64 -> I64], PURE;
            I64TruncSatF64U = "i64.trunc_sat_f64_u", [F64 -> I64], PURE;
            // --- loads ---
            I32Load { mem: $crate::MemArg } = "i32.load", [Addr -> I32], LOAD;
            I64Load { mem: $crate::MemArg } = "i64.load", [Addr -> I64], LOAD;
            F32Load { mem: $crate::MemArg } = "f32.load", [Addr -> F32], LOAD;
            F64Load { mem: $crate::MemArg } = "f64.load", [Addr -> F64], LOAD;
            I32Load8S { mem: $crate::MemArg } = "i32.load8_s", [Addr -> I32], LOAD;
            I32Load8U { mem: $crate::MemArg } = "i32.load8_u", [Addr -> I32], LOAD;
            I32Load16S { mem: $crate::MemArg } = "i32.load16_s", [Addr -> I32], LOAD;
            I32Load16U { mem: $crate::MemArg } = "i32.load16_u", [Addr -> I32], LOAD;
            I64Load8S { mem: $crate::MemArg } = "i64.load8_s", [Addr -> I64], LOAD;
            I64Load8U { mem: $crate::MemArg } = "i64.load8_u", [Addr -> I64], LOAD;
            I64Load16S { mem: $crate::MemArg } = "i64.load16_s", [Addr -> I64], LOAD;
            I64Load16U { mem: $crate::MemArg } = "i64.load16_u", [Addr -> I64], LOAD;
            I64Load32S { mem: $crate::MemArg } = "i64.load32_s", [Addr -> I64], LOAD;
            I64Load32U { mem: $crate::MemArg } = "i64.load32_u", [Addr -> I64], LOAD;
            // --- stores ---
            I32Store { mem: $crate::MemArg } = "i32.store", [Addr I32 -> none], STORE;
            I64Store { mem: $crate::MemArg } = "i64.store", [Addr I64 -> none], STORE;
            F32Store { mem: $crate::MemArg } = "f32.store", [Addr F32 -> none], STORE;
            F64Store { mem: $crate::MemArg } = "f64.store", [Addr F64 -> none], STORE;
            I32Store8 { mem: $crate::MemArg } = "i32.store8", [Addr I32 -> none], STORE;
            I32Store16 { mem: $crate::MemArg } = "i32.store16", [Addr I32 -> none], STORE;
            I64Store8 { mem: $crate::MemArg } = "i64.store8", [Addr I64 -> none], STORE;
            I64Store16 { mem: $crate::MemArg } = "i64.store16", [Addr I64 -> none], STORE;
            I64Store32 { mem: $crate::MemArg } = "i64.store32", [Addr I64 -> none], STORE;
        }
    };
}

/// One operand or result type of the op table, as an [`OperandType`].
macro_rules! operand_type {
    (Addr) => {
        OperandType::Addr
    };
    ($ty:ident) => {
        OperandType::Val(ValType::$ty)
    };
}

/// The [`FixedSignature`] of one op-table row, if it has one.
macro_rules! fixed_signature {
    ([dynamic]) => {
        None
    };
    ([$($param:ident)* -> none]) => {
        Some(FixedSignature {
            params: &[$(operand_type!($param)),*],
            result: None,
        })
    };
    ([$($param:ident)* -> $result:ident]) => {
        Some(FixedSignature {
            params: &[$(operand_type!($param)),*],
            result: Some(operand_type!($result)),
        })
    };
}

macro_rules! define_opcodes {
    ($( $variant:ident $({ $($field:ident : $ty:ty),* })? = $text:literal, $sig:tt, $effects:ident; )*) => {
        /// One ir-reg operation with its immediates. Generated from
        /// [`for_each_opcode!`]; operands, results and branch targets live in
        /// the instruction ([`crate::InstData`]).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Opcode {
            $( $variant $({ $($field: $ty),* })?, )*
        }

        impl Opcode {
            /// The mnemonic, as in the text form.
            pub fn mnemonic(&self) -> &'static str {
                match self {
                    $( Opcode::$variant { .. } => $text, )*
                }
            }

            /// Operand and result types when the opcode alone determines them.
            pub fn fixed_signature(&self) -> Option<FixedSignature> {
                match self {
                    $( Opcode::$variant { .. } => fixed_signature!($sig), )*
                }
            }

            /// What the operation may do besides computing its results.
            pub fn effects(&self) -> Effects {
                match self {
                    $( Opcode::$variant { .. } => Effects::$effects, )*
                }
            }
        }
    };
}

for_each_opcode!(define_opcodes);

impl fmt::Display for Opcode {
    /// The mnemonic; immediates are written by the function dump.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.mnemonic())
    }
}

impl Opcode {
    /// Whether the instruction ends its block.
    pub fn is_terminator(&self) -> bool {
        self.effects().terminator
    }

    /// The memory an `Addr` operand or result refers to.
    pub fn memory(&self) -> Option<u32> {
        match *self {
            Opcode::MemorySize { memory }
            | Opcode::MemoryGrow { memory }
            | Opcode::MemoryFill { memory }
            | Opcode::MemoryInit { memory, .. } => Some(memory),
            _ => self.mem_arg().map(|mem| mem.memory),
        }
    }

    /// The immediate of a load or store.
    pub fn mem_arg(&self) -> Option<MemArg> {
        match *self {
            Opcode::I32Load { mem }
            | Opcode::I64Load { mem }
            | Opcode::F32Load { mem }
            | Opcode::F64Load { mem }
            | Opcode::I32Load8S { mem }
            | Opcode::I32Load8U { mem }
            | Opcode::I32Load16S { mem }
            | Opcode::I32Load16U { mem }
            | Opcode::I64Load8S { mem }
            | Opcode::I64Load8U { mem }
            | Opcode::I64Load16S { mem }
            | Opcode::I64Load16U { mem }
            | Opcode::I64Load32S { mem }
            | Opcode::I64Load32U { mem }
            | Opcode::I32Store { mem }
            | Opcode::I64Store { mem }
            | Opcode::F32Store { mem }
            | Opcode::F64Store { mem }
            | Opcode::I32Store8 { mem }
            | Opcode::I32Store16 { mem }
            | Opcode::I64Store8 { mem }
            | Opcode::I64Store16 { mem }
            | Opcode::I64Store32 { mem } => Some(mem),
            _ => None,
        }
    }

    /// How many outgoing edges the instruction has.
    pub fn target_count(&self) -> TargetCount {
        match self {
            Opcode::Jump => TargetCount::Exactly(1),
            Opcode::BrIf | Opcode::BrIcmp { .. } | Opcode::BrEqz | Opcode::BrFcmp { .. } => {
                TargetCount::Exactly(2)
            }
            Opcode::BrTable => TargetCount::AtLeastOne,
            _ => TargetCount::Exactly(0),
        }
    }

    /// The condition of an integer compare (`i32.lt_s`, `i64.eq`, …).
    pub fn int_compare(&self) -> Option<IntCC> {
        Some(match self {
            Opcode::I32Eq | Opcode::I64Eq => IntCC::Eq,
            Opcode::I32Ne | Opcode::I64Ne => IntCC::Ne,
            Opcode::I32LtS | Opcode::I64LtS => IntCC::LtS,
            Opcode::I32LtU | Opcode::I64LtU => IntCC::LtU,
            Opcode::I32GtS | Opcode::I64GtS => IntCC::GtS,
            Opcode::I32GtU | Opcode::I64GtU => IntCC::GtU,
            Opcode::I32LeS | Opcode::I64LeS => IntCC::LeS,
            Opcode::I32LeU | Opcode::I64LeU => IntCC::LeU,
            Opcode::I32GeS | Opcode::I64GeS => IntCC::GeS,
            Opcode::I32GeU | Opcode::I64GeU => IntCC::GeU,
            _ => return None,
        })
    }

    /// The condition of a float compare (`f32.lt`, `f64.ne`, …).
    pub fn float_compare(&self) -> Option<FloatCC> {
        Some(match self {
            Opcode::F32Eq | Opcode::F64Eq => FloatCC::Eq,
            Opcode::F32Ne | Opcode::F64Ne => FloatCC::Ne,
            Opcode::F32Lt | Opcode::F64Lt => FloatCC::Lt,
            Opcode::F32Gt | Opcode::F64Gt => FloatCC::Gt,
            Opcode::F32Le | Opcode::F64Le => FloatCC::Le,
            Opcode::F32Ge | Opcode::F64Ge => FloatCC::Ge,
            _ => return None,
        })
    }

    /// Whether this is `i32.eqz` or `i64.eqz`.
    pub fn is_eqz(&self) -> bool {
        matches!(self, Opcode::I32Eqz | Opcode::I64Eqz)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_follows_the_table() {
        assert_eq!(Opcode::I32Add.mnemonic(), "i32.add");
        assert!(Opcode::I32Add.effects().is_pure());
        assert!(Opcode::I32DivS.effects().can_trap);
        assert!(!Opcode::I32DivS.effects().removable_when_unused());
        assert!(
            Opcode::GlobalGet { global: 0 }
                .effects()
                .removable_when_unused()
        );
        assert!(Opcode::Return.is_terminator());
        let sig = Opcode::I64LtU.fixed_signature().expect("fixed");
        assert_eq!(
            sig.params,
            &[
                OperandType::Val(ValType::I64),
                OperandType::Val(ValType::I64)
            ]
        );
        assert_eq!(sig.result, Some(OperandType::Val(ValType::I32)));
        let store = Opcode::I32Store8 {
            mem: MemArg {
                memory: 2,
                offset: 0,
                align: 0,
            },
        };
        assert_eq!(store.memory(), Some(2));
        assert_eq!(
            store.fixed_signature().map(|sig| sig.params),
            Some(&[OperandType::Addr, OperandType::Val(ValType::I32)][..])
        );
        assert_eq!(Opcode::Call { func: 0 }.fixed_signature(), None);
    }
}
