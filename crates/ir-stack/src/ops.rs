//! The ir-stack op table: the single source of the [`Op`] enum, its text form and
//! the per-op metadata that the interpreter's dispatch is generated from.
//!
//! Every value occupies one 64-bit slot. Conventions (the interpreter relies on them):
//! - i32 values are stored zero-extended (`v as u32 as u64`), so an address
//!   operand can always be read as a `u64` whatever the memory's index type;
//! - f32/f64 are stored as raw bits; references as handles where 0 is null.
//!
//! Slots `0..Function::local_count` of a frame are the locals (parameters first);
//! the operand stack starts above them. A [`BranchTarget`]'s `height` counts from
//! the frame base, locals included.

use std::fmt;

/// Where a branch goes and how it reshapes the operand stack: keep the top
/// `arity` values, drop everything between them and `height`, then jump to `pc`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BranchTarget {
    /// Index of the op to continue at.
    pub pc: u32,
    /// Stack height (from the frame base, locals included) below the kept values.
    pub height: u32,
    /// Number of values carried to the target.
    pub arity: u32,
}

impl fmt::Display for BranchTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "@{} height={} arity={}",
            self.pc, self.height, self.arity
        )
    }
}

/// A memory access immediate. `align` is the log2 alignment hint, kept for dumps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemArg {
    pub memory: u32,
    pub offset: u64,
    pub align: u8,
}

impl fmt::Display for MemArg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "mem={} offset={} align={}",
            self.memory,
            self.offset,
            1u32 << self.align
        )
    }
}

/// A slice of [`crate::Function::br_tables`]: `len` case targets followed by the default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BrTableRef {
    /// Index of the first target in `Function::br_tables`.
    pub start: u32,
    /// Number of targets including the default (always ≥ 1).
    pub len: u32,
}

impl fmt::Display for BrTableRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "targets[{}..{}]", self.start, self.start + self.len)
    }
}

/// Invokes `$m!` with the whole op table. Each row is
/// `Variant { field: Type, … } = "text" , category;` where the field list may be
/// omitted. Categories group ops for generated dispatch:
/// `control`, `parametric`, `variable`, `table`, `memory`, `load`, `store`,
/// `const`, `reference`, `unop`, `binop`, `cmp`, `test`, `convert`, `trapping`.
#[macro_export]
macro_rules! for_each_op {
    ($m:ident) => {
        $m! {
            // --- control ---
            Unreachable = "unreachable", control;
            Jump { pc: u32 } = "jump", control;
            JumpIfZero { pc: u32 } = "jump_if_zero", control;
            Br { target: $crate::BranchTarget } = "br", control;
            BrIf { target: $crate::BranchTarget } = "br_if", control;
            BrTable { targets: $crate::BrTableRef } = "br_table", control;
            Return = "return", control;
            Call { func: u32 } = "call", control;
            CallIndirect { type_index: u32, table: u32 } = "call_indirect", control;
            ReturnCall { func: u32 } = "return_call", control;
            ReturnCallIndirect { type_index: u32, table: u32 } = "return_call_indirect", control;
            // --- parametric ---
            Drop = "drop", parametric;
            Select = "select", parametric;
            // --- variable ---
            LocalGet { index: u32 } = "local.get", variable;
            LocalSet { index: u32 } = "local.set", variable;
            LocalTee { index: u32 } = "local.tee", variable;
            GlobalGet { index: u32 } = "global.get", variable;
            GlobalSet { index: u32 } = "global.set", variable;
            // --- table ---
            TableGet { table: u32 } = "table.get", table;
            TableSet { table: u32 } = "table.set", table;
            TableSize { table: u32 } = "table.size", table;
            TableGrow { table: u32 } = "table.grow", table;
            TableFill { table: u32 } = "table.fill", table;
            TableCopy { dst: u32, src: u32 } = "table.copy", table;
            TableInit { elem: u32, table: u32 } = "table.init", table;
            ElemDrop { elem: u32 } = "elem.drop", table;
            // --- memory ---
            MemorySize { memory: u32 } = "memory.size", memory;
            MemoryGrow { memory: u32 } = "memory.grow", memory;
            MemoryFill { memory: u32 } = "memory.fill", memory;
            MemoryCopy { dst: u32, src: u32 } = "memory.copy", memory;
            MemoryInit { data: u32, memory: u32 } = "memory.init", memory;
            DataDrop { data: u32 } = "data.drop", memory;
            // --- loads ---
            I32Load { mem: $crate::MemArg } = "i32.load", load;
            I64Load { mem: $crate::MemArg } = "i64.load", load;
            F32Load { mem: $crate::MemArg } = "f32.load", load;
            F64Load { mem: $crate::MemArg } = "f64.load", load;
            I32Load8S { mem: $crate::MemArg } = "i32.load8_s", load;
            I32Load8U { mem: $crate::MemArg } = "i32.load8_u", load;
            I32Load16S { mem: $crate::MemArg } = "i32.load16_s", load;
            I32Load16U { mem: $crate::MemArg } = "i32.load16_u", load;
            I64Load8S { mem: $crate::MemArg } = "i64.load8_s", load;
            I64Load8U { mem: $crate::MemArg } = "i64.load8_u", load;
            I64Load16S { mem: $crate::MemArg } = "i64.load16_s", load;
            I64Load16U { mem: $crate::MemArg } = "i64.load16_u", load;
            I64Load32S { mem: $crate::MemArg } = "i64.load32_s", load;
            I64Load32U { mem: $crate::MemArg } = "i64.load32_u", load;
            // --- stores ---
            I32Store { mem: $crate::MemArg } = "i32.store", store;
            I64Store { mem: $crate::MemArg } = "i64.store", store;
            F32Store { mem: $crate::MemArg } = "f32.store", store;
            F64Store { mem: $crate::MemArg } = "f64.store", store;
            I32Store8 { mem: $crate::MemArg } = "i32.store8", store;
            I32Store16 { mem: $crate::MemArg } = "i32.store16", store;
            I64Store8 { mem: $crate::MemArg } = "i64.store8", store;
            I64Store16 { mem: $crate::MemArg } = "i64.store16", store;
            I64Store32 { mem: $crate::MemArg } = "i64.store32", store;
            // --- constants ---
            I32Const { value: i32 } = "i32.const", const;
            I64Const { value: i64 } = "i64.const", const;
            F32Const { bits: u32 } = "f32.const", const;
            F64Const { bits: u64 } = "f64.const", const;
            // --- references ---
            RefNull = "ref.null", reference;
            RefIsNull = "ref.is_null", reference;
            RefFunc { func: u32 } = "ref.func", reference;
            // --- i32 ---
            I32Eqz = "i32.eqz", test;
            I32Eq = "i32.eq", cmp;
            I32Ne = "i32.ne", cmp;
            I32LtS = "i32.lt_s", cmp;
            I32LtU = "i32.lt_u", cmp;
            I32GtS = "i32.gt_s", cmp;
            I32GtU = "i32.gt_u", cmp;
            I32LeS = "i32.le_s", cmp;
            I32LeU = "i32.le_u", cmp;
            I32GeS = "i32.ge_s", cmp;
            I32GeU = "i32.ge_u", cmp;
            I32Clz = "i32.clz", unop;
            I32Ctz = "i32.ctz", unop;
            I32Popcnt = "i32.popcnt", unop;
            I32Add = "i32.add", binop;
            I32Sub = "i32.sub", binop;
            I32Mul = "i32.mul", binop;
            I32DivS = "i32.div_s", trapping;
            I32DivU = "i32.div_u", trapping;
            I32RemS = "i32.rem_s", trapping;
            I32RemU = "i32.rem_u", trapping;
            I32And = "i32.and", binop;
            I32Or = "i32.or", binop;
            I32Xor = "i32.xor", binop;
            I32Shl = "i32.shl", binop;
            I32ShrS = "i32.shr_s", binop;
            I32ShrU = "i32.shr_u", binop;
            I32Rotl = "i32.rotl", binop;
            I32Rotr = "i32.rotr", binop;
            I32Extend8S = "i32.extend8_s", unop;
            I32Extend16S = "i32.extend16_s", unop;
            // --- i64 ---
            I64Eqz = "i64.eqz", test;
            I64Eq = "i64.eq", cmp;
            I64Ne = "i64.ne", cmp;
            I64LtS = "i64.lt_s", cmp;
            I64LtU = "i64.lt_u", cmp;
            I64GtS = "i64.gt_s", cmp;
            I64GtU = "i64.gt_u", cmp;
            I64LeS = "i64.le_s", cmp;
            I64LeU = "i64.le_u", cmp;
            I64GeS = "i64.ge_s", cmp;
            I64GeU = "i64.ge_u", cmp;
            I64Clz = "i64.clz", unop;
            I64Ctz = "i64.ctz", unop;
            I64Popcnt = "i64.popcnt", unop;
            I64Add = "i64.add", binop;
            I64Sub = "i64.sub", binop;
            I64Mul = "i64.mul", binop;
            I64DivS = "i64.div_s", trapping;
            I64DivU = "i64.div_u", trapping;
            I64RemS = "i64.rem_s", trapping;
            I64RemU = "i64.rem_u", trapping;
            I64And = "i64.and", binop;
            I64Or = "i64.or", binop;
            I64Xor = "i64.xor", binop;
            I64Shl = "i64.shl", binop;
            I64ShrS = "i64.shr_s", binop;
            I64ShrU = "i64.shr_u", binop;
            I64Rotl = "i64.rotl", binop;
            I64Rotr = "i64.rotr", binop;
            I64Extend8S = "i64.extend8_s", unop;
            I64Extend16S = "i64.extend16_s", unop;
            I64Extend32S = "i64.extend32_s", unop;
            // --- f32 ---
            F32Eq = "f32.eq", cmp;
            F32Ne = "f32.ne", cmp;
            F32Lt = "f32.lt", cmp;
            F32Gt = "f32.gt", cmp;
            F32Le = "f32.le", cmp;
            F32Ge = "f32.ge", cmp;
            F32Abs = "f32.abs", unop;
            F32Neg = "f32.neg", unop;
            F32Ceil = "f32.ceil", unop;
            F32Floor = "f32.floor", unop;
            F32Trunc = "f32.trunc", unop;
            F32Nearest = "f32.nearest", unop;
            F32Sqrt = "f32.sqrt", unop;
            F32Add = "f32.add", binop;
            F32Sub = "f32.sub", binop;
            F32Mul = "f32.mul", binop;
            F32Div = "f32.div", binop;
            F32Min = "f32.min", binop;
            F32Max = "f32.max", binop;
            F32Copysign = "f32.copysign", binop;
            // --- f64 ---
            F64Eq = "f64.eq", cmp;
            F64Ne = "f64.ne", cmp;
            F64Lt = "f64.lt", cmp;
            F64Gt = "f64.gt", cmp;
            F64Le = "f64.le", cmp;
            F64Ge = "f64.ge", cmp;
            F64Abs = "f64.abs", unop;
            F64Neg = "f64.neg", unop;
            F64Ceil = "f64.ceil", unop;
            F64Floor = "f64.floor", unop;
            F64Trunc = "f64.trunc", unop;
            F64Nearest = "f64.nearest", unop;
            F64Sqrt = "f64.sqrt", unop;
            F64Add = "f64.add", binop;
            F64Sub = "f64.sub", binop;
            F64Mul = "f64.mul", binop;
            F64Div = "f64.div", binop;
            F64Min = "f64.min", binop;
            F64Max = "f64.max", binop;
            F64Copysign = "f64.copysign", binop;
            // --- conversions ---
            I32WrapI64 = "i32.wrap_i64", convert;
            I32TruncF32S = "i32.trunc_f32_s", trapping;
            I32TruncF32U = "i32.trunc_f32_u", trapping;
            I32TruncF64S = "i32.trunc_f64_s", trapping;
            I32TruncF64U = "i32.trunc_f64_u", trapping;
            I64ExtendI32S = "i64.extend_i32_s", convert;
            I64ExtendI32U = "i64.extend_i32_u", convert;
            I64TruncF32S = "i64.trunc_f32_s", trapping;
            I64TruncF32U = "i64.trunc_f32_u", trapping;
            I64TruncF64S = "i64.trunc_f64_s", trapping;
            I64TruncF64U = "i64.trunc_f64_u", trapping;
            F32ConvertI32S = "f32.convert_i32_s", convert;
            F32ConvertI32U = "f32.convert_i32_u", convert;
            F32ConvertI64S = "f32.convert_i64_s", convert;
            F32ConvertI64U = "f32.convert_i64_u", convert;
            F32DemoteF64 = "f32.demote_f64", convert;
            F64ConvertI32S = "f64.convert_i32_s", convert;
            F64ConvertI32U = "f64.convert_i32_u", convert;
            F64ConvertI64S = "f64.convert_i64_s", convert;
            F64ConvertI64U = "f64.convert_i64_u", convert;
            F64PromoteF32 = "f64.promote_f32", convert;
            I32ReinterpretF32 = "i32.reinterpret_f32", convert;
            I64ReinterpretF64 = "i64.reinterpret_f64", convert;
            F32ReinterpretI32 = "f32.reinterpret_i32", convert;
            F64ReinterpretI64 = "f64.reinterpret_i64", convert;
            I32TruncSatF32S = "i32.trunc_sat_f32_s", convert;
            I32TruncSatF32U = "i32.trunc_sat_f32_u", convert;
            I32TruncSatF64S = "i32.trunc_sat_f64_s", convert;
            I32TruncSatF64U = "i32.trunc_sat_f64_u", convert;
            I64TruncSatF32S = "i64.trunc_sat_f32_s", convert;
            I64TruncSatF32U = "i64.trunc_sat_f32_u", convert;
            I64TruncSatF64S = "i64.trunc_sat_f64_s", convert;
            I64TruncSatF64U = "i64.trunc_sat_f64_u", convert;
        }
    };
}

macro_rules! define_ops {
    ($( $variant:ident $({ $($field:ident : $ty:ty),* })? = $text:literal, $category:ident; )*) => {
        /// One ir-stack instruction. Generated from [`for_each_op!`].
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub enum Op {
            $( $variant $({ $($field: $ty),* })?, )*
        }

        impl Op {
            /// The op's mnemonic, as in the text form.
            pub fn name(&self) -> &'static str {
                match self {
                    $( Op::$variant { .. } => $text, )*
                }
            }

            /// The op's table category (see [`for_each_op!`]).
            pub fn category(&self) -> &'static str {
                match self {
                    $( Op::$variant { .. } => stringify!($category), )*
                }
            }
        }

        impl fmt::Display for Op {
            /// The mnemonic followed by each immediate, space separated.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $( Op::$variant $({ $($field),* })? => {
                        f.write_str($text)?;
                        $( $( write!(f, " {}", $field)?; )* )?
                        Ok(())
                    } )*
                }
            }
        }
    };
}

for_each_op!(define_ops);
