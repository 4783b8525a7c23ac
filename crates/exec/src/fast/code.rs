//! The fast tier's bytecode: register-machine operations whose operands are
//! slots of the current frame, and [`FastFunc`], one translated function.
//!
//! Every operation is defined once, in [`for_each_op!`], grouped by shape
//! (unary, binary, binary with an immediate, fused compare-and-branch, load,
//! store) with its semantics, so that the `Op` enum, the opcode names of the
//! profiler and both dispatchers (`loop { match }` and tail-call threaded)
//! are generated from the same table. Control, call, table and bulk
//! operations have their own variants, written out by each dispatcher.

/// A slot index in the current frame (frames are windows of the value stack;
/// parameters occupy the first slots). Translation rejects frames larger than
/// `Slot::MAX` slots.
pub(crate) type Slot = u16;

/// `dst = f(src)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Un {
    pub dst: Slot,
    pub src: Slot,
}

/// `dst = f(a, b)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Bin {
    pub dst: Slot,
    pub a: Slot,
    pub b: Slot,
}

/// `dst = f(a, imm)`: the second operand was a constant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct BinImm {
    pub dst: Slot,
    pub a: Slot,
    pub imm: i32,
}

/// A load from memory 0 with a 32-bit constant offset (the common case).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Load {
    pub dst: Slot,
    pub addr: Slot,
    pub offset: u32,
}

/// A store to memory 0 with a 32-bit constant offset.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Store {
    pub addr: Slot,
    pub value: Slot,
    pub offset: u32,
}

/// A load from memory 0 at `a + b` (an `i32.add` whose only use is the
/// load's address, fused into it) plus a 32-bit constant offset.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct LoadIdx {
    pub dst: Slot,
    pub a: Slot,
    pub b: Slot,
    pub offset: u32,
}

/// A store to memory 0 at `a + b` plus a 32-bit constant offset.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct StoreIdx {
    pub a: Slot,
    pub b: Slot,
    pub value: Slot,
    pub offset: u32,
}

/// Two `i32.add`s of a slot and a small immediate, run in order (the
/// second may read the first's result): the pointer and counter increments
/// that come in pairs in compiled loops.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct AddImm2 {
    pub dst0: Slot,
    pub a0: Slot,
    pub dst1: Slot,
    pub a1: Slot,
    pub imm0: i16,
    pub imm1: i16,
}

/// `dst = a + imm` (`i32`), then `if f(dst, b) { goto target }`: a loop
/// counter's step and its test, fused.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct AddBrCmp {
    pub dst: Slot,
    pub a: Slot,
    pub b: Slot,
    pub imm: i16,
    pub target: u32,
}

/// `dst = a + addend` (`i32`, both slots), then `if f(dst, b) { goto
/// target }`: a loop step by a variable stride and its test, fused.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct AddSlotBrCmp {
    pub dst: Slot,
    pub a: Slot,
    pub addend: Slot,
    pub b: Slot,
    pub target: u32,
}

/// `dst = a + imm` (`i32`), then `if f(dst, limit) { goto target }`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct AddBrCmpImm {
    pub dst: Slot,
    pub a: Slot,
    pub imm: i16,
    pub limit: i16,
    pub target: u32,
}

/// `t = f(a, b)`, then `dst = g(t, c)`: two dependent binary ops (float
/// arithmetic chains), the intermediate kept in a register as well as
/// written to its slot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Bin2 {
    pub t: Slot,
    pub a: Slot,
    pub b: Slot,
    pub dst: Slot,
    pub c: Slot,
}

/// `t = f(a, imm)`, then `dst = g(t, c)`: an op with an immediate feeding
/// a commutative op (hash and checksum chains).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ImmBin {
    pub t: Slot,
    pub a: Slot,
    pub dst: Slot,
    pub c: Slot,
    pub imm: i32,
}

/// `ld = load(addr + offset)` (8 bytes of memory 0), then `dst = f(ld, b)`:
/// a float operand straight from memory.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct LoadBin {
    pub ld: Slot,
    pub addr: Slot,
    pub dst: Slot,
    pub b: Slot,
    pub offset: u32,
}

/// `dst = f(a, b)`, then `store(addr + offset, dst)` (8 bytes of memory 0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct BinStore {
    pub dst: Slot,
    pub a: Slot,
    pub b: Slot,
    pub addr: Slot,
    pub offset: u32,
}

/// `dst = a & imm` (`i32`), then `if f(dst) { goto target }`: a bit test.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct AndBr {
    pub dst: Slot,
    pub a: Slot,
    pub imm: i32,
    pub target: u32,
}

/// A load or store of another memory, or with an offset beyond 32 bits:
/// `memarg` indexes [`FastFunc::imms`] (memory, offset).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct MemExt {
    pub kind: u8,
    /// The loaded value's slot, or the stored value's.
    pub value: Slot,
    pub addr: Slot,
    pub memarg: u32,
}

/// `if f(a, b) { goto target }`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct BrCmp {
    pub a: Slot,
    pub b: Slot,
    pub target: u32,
}

/// `if f(a, imm) { goto target }`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct BrCmpImm {
    pub a: Slot,
    pub imm: i32,
    pub target: u32,
}

/// `if f(cond) { goto target }`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct BrTest {
    pub cond: Slot,
    pub target: u32,
}

/// Two independent copies (the product of parallel-move resolution).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Copy2 {
    pub dst0: Slot,
    pub src0: Slot,
    pub dst1: Slot,
    pub src1: Slot,
}

/// A copy, then `goto target` (a loop back edge's last move).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct CopyBr {
    pub dst: Slot,
    pub src: Slot,
    pub target: u32,
}

/// `dst = a + imm` (`i32`), then `goto target`: a counter's step at the
/// end of a loop whose test is at its top (or of a `switch` case).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct AddImmBr {
    pub dst: Slot,
    pub a: Slot,
    pub imm: i32,
    pub target: u32,
}

/// Two independent copies, then `goto target`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Copy2Br {
    pub copies: Copy2,
    pub target: u32,
}

/// `dst = cond != 0 ? a : b`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Select {
    pub dst: Slot,
    pub cond: Slot,
    pub a: Slot,
    pub b: Slot,
}

/// A call: `list` indexes [`FastFunc::lists`], where the argument slots and
/// then the result slots are stored (see [`FastFunc::call_slots`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Call {
    /// Defined-function index for internal calls, module function index
    /// otherwise.
    pub func: u32,
    pub list: u32,
}

/// A call through a table (wasmparser caps tables at 100 per module).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct CallIndirect {
    pub index: Slot,
    pub table: u16,
    pub type_index: u32,
    pub list: u32,
}

/// Three slot operands and two module indices (bulk memory and table ops):
/// destination, source and length, or start, value and length. The indices
/// are entry `imm` of [`FastFunc::imms`] (these ops are not hot, and keeping
/// every payload within 12 bytes keeps an [`Op`] at 16).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Bulk {
    pub a: Slot,
    pub b: Slot,
    pub c: Slot,
    pub imm: u32,
}

/// One slot and one module index (globals, sizes, `ref.func`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct SlotIndex {
    pub slot: Slot,
    pub index: u32,
}

/// Two slots and one module index (`table.get`, `table.set`, `memory.grow`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Slots2Index {
    pub a: Slot,
    pub b: Slot,
    pub index: u32,
}

/// `table.grow`: result, initial value, delta.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct TableGrow {
    pub dst: Slot,
    pub init: Slot,
    pub delta: Slot,
    pub table: u32,
}

/// `br_table`: `targets` indexes [`FastFunc::targets`], `len` entries, the
/// last one the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct BrTable {
    pub index: Slot,
    pub targets: u32,
    pub len: u32,
}

/// A 32-bit constant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Const32 {
    pub dst: Slot,
    pub value: u32,
}

/// A 64-bit constant, in halves so that an [`Op`] stays 4-byte aligned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Const64 {
    pub dst: Slot,
    pub low: u32,
    pub high: u32,
}

impl Const64 {
    pub(crate) fn new(dst: Slot, value: u64) -> Const64 {
        Const64 {
            dst,
            low: value as u32,
            high: (value >> 32) as u32,
        }
    }

    #[inline(always)]
    pub(crate) fn value(self) -> u64 {
        u64::from(self.low) | (u64::from(self.high) << 32)
    }
}

/// Invokes `$m!` with the whole op table. Shapes:
/// * `un`: `Variant: T => |a| expr` — `dst = expr` with `a: T` read from `src`.
/// * `un_trap`: the same, `expr` a `Result<_, TrapCode>`.
/// * `bin`: `Variant: T => |a, b| expr`.
/// * `bin_trap`: the same, `expr` a `Result<_, TrapCode>`.
/// * `bin_imm`: `Variant: T => |a, b| expr`, `b` the immediate as a `T`.
/// * `br_cmp` / `br_cmp_imm` / `br_test`: branch when `expr` holds.
/// * `load`: `Variant: N => |bytes| expr` reads `N` bytes of memory 0.
/// * `store`: `Variant: N => |v| expr` writes the `[u8; N]` `expr` of slot `v`.
/// * `load_idx` / `store_idx`: the same at address `a + b` (32-bit, wrapping,
///   as the fused `i32.add` computed it).
/// * `add_br_cmp` / `add_br_cmp_imm`: `dst = a + imm` (`i32`), then branch
///   when `expr` holds of `dst` and slot `b` (or `limit`), as `T`s.
/// * `add_slot_br_cmp`: the same with the slot `addend` for `imm`.
/// * `and_br`: `dst = a & imm` (`i32`), then branch when `expr` holds of it.
/// * `bin2`: `Variant: T => |a, b| f, |t, c| g`: `t = f`, then `dst = g`
///   (the second op is commutative, so `t` may have been either operand).
/// * `imm_bin`: `Variant: T => |a, b| f, |t, c| g`: `t = f` with `b` the
///   immediate as a `T`, then `dst = g` (commutative).
/// * `load_bin`: `Variant: T => |v, b| expr`: an 8-byte load `v` (also
///   written to its slot), then `dst = expr` (commutative: the load may
///   have been either operand).
/// * `load_bin_store`: as `load_bin`, then `dst` stored back where it was
///   loaded from (`*p += b`).
/// * `bin_store`: `Variant: T => |a, b| expr`: `dst = expr`, then an 8-byte
///   store of it.
/// * `other`: the remaining variants and their operand struct, executed by
///   code written out in each dispatcher.
macro_rules! for_each_op {
    ($m:ident ! $($args:tt)*) => {
        $m! { $($args)*
        un {
            I32Eqz: u32 => |a| a == 0;
            I32Clz: u32 => |a| a.leading_zeros();
            I32Ctz: u32 => |a| a.trailing_zeros();
            I32Popcnt: u32 => |a| a.count_ones();
            I32Extend8S: u32 => |a| a as i8 as i32;
            I32Extend16S: u32 => |a| a as i16 as i32;
            I64Eqz: u64 => |a| a == 0;
            I64Clz: u64 => |a| u64::from(a.leading_zeros());
            I64Ctz: u64 => |a| u64::from(a.trailing_zeros());
            I64Popcnt: u64 => |a| u64::from(a.count_ones());
            I64Extend8S: u64 => |a| a as i8 as i64;
            I64Extend16S: u64 => |a| a as i16 as i64;
            I64Extend32S: u64 => |a| a as i32 as i64;
            F32Abs: u32 => |a| a & 0x7fff_ffff;
            F32Neg: u32 => |a| a ^ 0x8000_0000;
            F32Ceil: f32 => |a| numeric::f32_round(a, f32::ceil);
            F32Floor: f32 => |a| numeric::f32_round(a, f32::floor);
            F32Trunc: f32 => |a| numeric::f32_round(a, f32::trunc);
            F32Nearest: f32 => |a| numeric::f32_round(a, f32::round_ties_even);
            F32Sqrt: f32 => |a| a.sqrt();
            F64Abs: u64 => |a| a & 0x7fff_ffff_ffff_ffff;
            F64Neg: u64 => |a| a ^ 0x8000_0000_0000_0000;
            F64Ceil: f64 => |a| numeric::f64_round(a, f64::ceil);
            F64Floor: f64 => |a| numeric::f64_round(a, f64::floor);
            F64Trunc: f64 => |a| numeric::f64_round(a, f64::trunc);
            F64Nearest: f64 => |a| numeric::f64_round(a, f64::round_ties_even);
            F64Sqrt: f64 => |a| a.sqrt();
            I32WrapI64: u64 => |a| a as u32;
            I64ExtendI32S: i32 => |a| a as i64;
            F32ConvertI32S: i32 => |a| a as f32;
            F32ConvertI32U: u32 => |a| a as f32;
            F32ConvertI64S: i64 => |a| a as f32;
            F32ConvertI64U: u64 => |a| a as f32;
            F32DemoteF64: f64 => |a| a as f32;
            F64ConvertI32S: i32 => |a| f64::from(a);
            F64ConvertI32U: u32 => |a| f64::from(a);
            F64ConvertI64S: i64 => |a| a as f64;
            F64ConvertI64U: u64 => |a| a as f64;
            F64PromoteF32: f32 => |a| f64::from(a);
            // Rust's float-to-int `as` saturates and maps NaN to 0, exactly
            // the non-trapping conversions' semantics.
            I32TruncSatF32S: f32 => |a| a as i32;
            I32TruncSatF32U: f32 => |a| a as u32;
            I32TruncSatF64S: f64 => |a| a as i32;
            I32TruncSatF64U: f64 => |a| a as u32;
            I64TruncSatF32S: f32 => |a| a as i64;
            I64TruncSatF32U: f32 => |a| a as u64;
            I64TruncSatF64S: f64 => |a| a as i64;
            I64TruncSatF64U: f64 => |a| a as u64;
            RefIsNull: u64 => |a| a == 0;
        }
        un_trap {
            I32TruncF32S: f32 => |a| numeric::i32_trunc_f32(a);
            I32TruncF32U: f32 => |a| numeric::u32_trunc_f32(a);
            I32TruncF64S: f64 => |a| numeric::i32_trunc_f64(a);
            I32TruncF64U: f64 => |a| numeric::u32_trunc_f64(a);
            I64TruncF32S: f32 => |a| numeric::i64_trunc_f32(a);
            I64TruncF32U: f32 => |a| numeric::u64_trunc_f32(a);
            I64TruncF64S: f64 => |a| numeric::i64_trunc_f64(a);
            I64TruncF64U: f64 => |a| numeric::u64_trunc_f64(a);
        }
        bin {
            I32Eq: u32 => |a, b| a == b;
            I32Ne: u32 => |a, b| a != b;
            I32LtS: i32 => |a, b| a < b;
            I32LtU: u32 => |a, b| a < b;
            I32GtS: i32 => |a, b| a > b;
            I32GtU: u32 => |a, b| a > b;
            I32LeS: i32 => |a, b| a <= b;
            I32LeU: u32 => |a, b| a <= b;
            I32GeS: i32 => |a, b| a >= b;
            I32GeU: u32 => |a, b| a >= b;
            I32Add: u32 => |a, b| a.wrapping_add(b);
            I32Sub: u32 => |a, b| a.wrapping_sub(b);
            I32Mul: u32 => |a, b| a.wrapping_mul(b);
            I32And: u32 => |a, b| a & b;
            I32Or: u32 => |a, b| a | b;
            I32Xor: u32 => |a, b| a ^ b;
            I32Shl: u32 => |a, b| a.wrapping_shl(b);
            I32ShrS: i32 => |a, b| a.wrapping_shr(b as u32);
            I32ShrU: u32 => |a, b| a.wrapping_shr(b);
            I32Rotl: u32 => |a, b| a.rotate_left(b % 32);
            I32Rotr: u32 => |a, b| a.rotate_right(b % 32);
            I64Eq: u64 => |a, b| a == b;
            I64Ne: u64 => |a, b| a != b;
            I64LtS: i64 => |a, b| a < b;
            I64LtU: u64 => |a, b| a < b;
            I64GtS: i64 => |a, b| a > b;
            I64GtU: u64 => |a, b| a > b;
            I64LeS: i64 => |a, b| a <= b;
            I64LeU: u64 => |a, b| a <= b;
            I64GeS: i64 => |a, b| a >= b;
            I64GeU: u64 => |a, b| a >= b;
            I64Add: u64 => |a, b| a.wrapping_add(b);
            I64Sub: u64 => |a, b| a.wrapping_sub(b);
            I64Mul: u64 => |a, b| a.wrapping_mul(b);
            I64And: u64 => |a, b| a & b;
            I64Or: u64 => |a, b| a | b;
            I64Xor: u64 => |a, b| a ^ b;
            I64Shl: u64 => |a, b| a.wrapping_shl(b as u32);
            I64ShrS: i64 => |a, b| a.wrapping_shr(b as u32);
            I64ShrU: u64 => |a, b| a.wrapping_shr(b as u32);
            I64Rotl: u64 => |a, b| a.rotate_left((b % 64) as u32);
            I64Rotr: u64 => |a, b| a.rotate_right((b % 64) as u32);
            F32Eq: f32 => |a, b| a == b;
            F32Ne: f32 => |a, b| a != b;
            F32Lt: f32 => |a, b| a < b;
            F32Gt: f32 => |a, b| a > b;
            F32Le: f32 => |a, b| a <= b;
            F32Ge: f32 => |a, b| a >= b;
            F32Add: f32 => |a, b| a + b;
            F32Sub: f32 => |a, b| a - b;
            F32Mul: f32 => |a, b| a * b;
            F32Div: f32 => |a, b| a / b;
            F32Min: f32 => |a, b| numeric::f32_min(a, b);
            F32Max: f32 => |a, b| numeric::f32_max(a, b);
            F32Copysign: u32 => |a, b| (a & 0x7fff_ffff) | (b & 0x8000_0000);
            F64Eq: f64 => |a, b| a == b;
            F64Ne: f64 => |a, b| a != b;
            F64Lt: f64 => |a, b| a < b;
            F64Gt: f64 => |a, b| a > b;
            F64Le: f64 => |a, b| a <= b;
            F64Ge: f64 => |a, b| a >= b;
            F64Add: f64 => |a, b| a + b;
            F64Sub: f64 => |a, b| a - b;
            F64Mul: f64 => |a, b| a * b;
            F64Div: f64 => |a, b| a / b;
            F64Min: f64 => |a, b| numeric::f64_min(a, b);
            F64Max: f64 => |a, b| numeric::f64_max(a, b);
            F64Copysign: u64 => |a, b| (a & 0x7fff_ffff_ffff_ffff) | (b & 0x8000_0000_0000_0000);
        }
        bin_trap {
            I32DivS: i32 => |a, b| numeric::i32_div_s(a, b);
            I32DivU: u32 => |a, b| numeric::u32_div(a, b);
            I32RemS: i32 => |a, b| numeric::i32_rem_s(a, b);
            I32RemU: u32 => |a, b| numeric::u32_rem(a, b);
            I64DivS: i64 => |a, b| numeric::i64_div_s(a, b);
            I64DivU: u64 => |a, b| numeric::u64_div(a, b);
            I64RemS: i64 => |a, b| numeric::i64_rem_s(a, b);
            I64RemU: u64 => |a, b| numeric::u64_rem(a, b);
        }
        bin_imm {
            I32EqImm: u32 => |a, b| a == b;
            I32NeImm: u32 => |a, b| a != b;
            I32LtSImm: i32 => |a, b| a < b;
            I32LtUImm: u32 => |a, b| a < b;
            I32GtSImm: i32 => |a, b| a > b;
            I32GtUImm: u32 => |a, b| a > b;
            I32LeSImm: i32 => |a, b| a <= b;
            I32LeUImm: u32 => |a, b| a <= b;
            I32GeSImm: i32 => |a, b| a >= b;
            I32GeUImm: u32 => |a, b| a >= b;
            I32AddImm: u32 => |a, b| a.wrapping_add(b);
            I32SubImm: u32 => |a, b| a.wrapping_sub(b);
            I32MulImm: u32 => |a, b| a.wrapping_mul(b);
            I32AndImm: u32 => |a, b| a & b;
            I32OrImm: u32 => |a, b| a | b;
            I32XorImm: u32 => |a, b| a ^ b;
            I32ShlImm: u32 => |a, b| a.wrapping_shl(b);
            I32ShrSImm: i32 => |a, b| a.wrapping_shr(b as u32);
            I32ShrUImm: u32 => |a, b| a.wrapping_shr(b);
            I32RotlImm: u32 => |a, b| a.rotate_left(b % 32);
            I32RotrImm: u32 => |a, b| a.rotate_right(b % 32);
            I64EqImm: u64 => |a, b| a == b;
            I64NeImm: u64 => |a, b| a != b;
            I64LtSImm: i64 => |a, b| a < b;
            I64LtUImm: u64 => |a, b| a < b;
            I64GtSImm: i64 => |a, b| a > b;
            I64GtUImm: u64 => |a, b| a > b;
            I64LeSImm: i64 => |a, b| a <= b;
            I64LeUImm: u64 => |a, b| a <= b;
            I64GeSImm: i64 => |a, b| a >= b;
            I64GeUImm: u64 => |a, b| a >= b;
            I64AddImm: u64 => |a, b| a.wrapping_add(b);
            I64SubImm: u64 => |a, b| a.wrapping_sub(b);
            I64MulImm: u64 => |a, b| a.wrapping_mul(b);
            I64AndImm: u64 => |a, b| a & b;
            I64OrImm: u64 => |a, b| a | b;
            I64XorImm: u64 => |a, b| a ^ b;
            I64ShlImm: u64 => |a, b| a.wrapping_shl(b as u32);
            I64ShrSImm: i64 => |a, b| a.wrapping_shr(b as u32);
            I64ShrUImm: u64 => |a, b| a.wrapping_shr(b as u32);
            I64RotlImm: u64 => |a, b| a.rotate_left((b % 64) as u32);
            I64RotrImm: u64 => |a, b| a.rotate_right((b % 64) as u32);
        }
        br_test {
            BrNez32: u32 => |a| a != 0;
            BrEqz32: u32 => |a| a == 0;
            BrNez64: u64 => |a| a != 0;
            BrEqz64: u64 => |a| a == 0;
        }
        br_cmp {
            BrI32Eq: u32 => |a, b| a == b;
            BrI32Ne: u32 => |a, b| a != b;
            BrI32LtS: i32 => |a, b| a < b;
            BrI32LtU: u32 => |a, b| a < b;
            BrI32LeS: i32 => |a, b| a <= b;
            BrI32LeU: u32 => |a, b| a <= b;
            BrI64Eq: u64 => |a, b| a == b;
            BrI64Ne: u64 => |a, b| a != b;
            BrI64LtS: i64 => |a, b| a < b;
            BrI64LtU: u64 => |a, b| a < b;
            BrI64LeS: i64 => |a, b| a <= b;
            BrI64LeU: u64 => |a, b| a <= b;
            BrF32Eq: f32 => |a, b| a == b;
            BrF32Ne: f32 => |a, b| a != b;
            BrF32Lt: f32 => |a, b| a < b;
            BrF32Le: f32 => |a, b| a <= b;
            // Taken when the operands are unordered (NaN), unlike Ge/Gt.
            BrF32NotLt: f32 => |a, b| !a.lt(&b);
            BrF32NotLe: f32 => |a, b| !a.le(&b);
            BrF64Eq: f64 => |a, b| a == b;
            BrF64Ne: f64 => |a, b| a != b;
            BrF64Lt: f64 => |a, b| a < b;
            BrF64Le: f64 => |a, b| a <= b;
            BrF64NotLt: f64 => |a, b| !a.lt(&b);
            BrF64NotLe: f64 => |a, b| !a.le(&b);
        }
        br_cmp_imm {
            BrI32EqImm: u32 => |a, b| a == b;
            BrI32NeImm: u32 => |a, b| a != b;
            BrI32LtSImm: i32 => |a, b| a < b;
            BrI32LtUImm: u32 => |a, b| a < b;
            BrI32GtSImm: i32 => |a, b| a > b;
            BrI32GtUImm: u32 => |a, b| a > b;
            BrI32LeSImm: i32 => |a, b| a <= b;
            BrI32LeUImm: u32 => |a, b| a <= b;
            BrI32GeSImm: i32 => |a, b| a >= b;
            BrI32GeUImm: u32 => |a, b| a >= b;
            BrI64EqImm: u64 => |a, b| a == b;
            BrI64NeImm: u64 => |a, b| a != b;
            BrI64LtSImm: i64 => |a, b| a < b;
            BrI64LtUImm: u64 => |a, b| a < b;
            BrI64GtSImm: i64 => |a, b| a > b;
            BrI64GtUImm: u64 => |a, b| a > b;
            BrI64LeSImm: i64 => |a, b| a <= b;
            BrI64LeUImm: u64 => |a, b| a <= b;
            BrI64GeSImm: i64 => |a, b| a >= b;
            BrI64GeUImm: u64 => |a, b| a >= b;
        }
        load {
            I32Load: 4 => |b| u64::from(u32::from_le_bytes(b));
            I64Load: 8 => |b| u64::from_le_bytes(b);
            I32Load8S: 1 => |b| u64::from(b[0] as i8 as i32 as u32);
            I32Load8U: 1 => |b| u64::from(b[0]);
            I32Load16S: 2 => |b| u64::from(i16::from_le_bytes(b) as i32 as u32);
            I32Load16U: 2 => |b| u64::from(u16::from_le_bytes(b));
            I64Load8S: 1 => |b| b[0] as i8 as i64 as u64;
            I64Load16S: 2 => |b| i16::from_le_bytes(b) as i64 as u64;
            I64Load32S: 4 => |b| i32::from_le_bytes(b) as i64 as u64;
        }
        store {
            I32Store: 4 => |v| (v as u32).to_le_bytes();
            I64Store: 8 => |v| v.to_le_bytes();
            I32Store8: 1 => |v| [v as u8];
            I32Store16: 2 => |v| (v as u16).to_le_bytes();
        }
        load_idx {
            I32LoadIdx: 4 => |b| u64::from(u32::from_le_bytes(b));
            I64LoadIdx: 8 => |b| u64::from_le_bytes(b);
            I32Load8SIdx: 1 => |b| u64::from(b[0] as i8 as i32 as u32);
            I32Load8UIdx: 1 => |b| u64::from(b[0]);
            I32Load16SIdx: 2 => |b| u64::from(i16::from_le_bytes(b) as i32 as u32);
            I32Load16UIdx: 2 => |b| u64::from(u16::from_le_bytes(b));
            I64Load8SIdx: 1 => |b| b[0] as i8 as i64 as u64;
            I64Load16SIdx: 2 => |b| i16::from_le_bytes(b) as i64 as u64;
            I64Load32SIdx: 4 => |b| i32::from_le_bytes(b) as i64 as u64;
        }
        store_idx {
            I32StoreIdx: 4 => |v| (v as u32).to_le_bytes();
            I64StoreIdx: 8 => |v| v.to_le_bytes();
            I32Store8Idx: 1 => |v| [v as u8];
            I32Store16Idx: 2 => |v| (v as u16).to_le_bytes();
        }
        add_br_cmp {
            AddBrI32Eq: u32 => |a, b| a == b;
            AddBrI32Ne: u32 => |a, b| a != b;
            AddBrI32LtS: i32 => |a, b| a < b;
            AddBrI32LtU: u32 => |a, b| a < b;
            AddBrI32GtS: i32 => |a, b| a > b;
            AddBrI32GtU: u32 => |a, b| a > b;
            AddBrI32LeS: i32 => |a, b| a <= b;
            AddBrI32LeU: u32 => |a, b| a <= b;
            AddBrI32GeS: i32 => |a, b| a >= b;
            AddBrI32GeU: u32 => |a, b| a >= b;
        }
        add_br_cmp_imm {
            AddBrI32EqImm: u32 => |a, b| a == b;
            AddBrI32NeImm: u32 => |a, b| a != b;
            AddBrI32LtSImm: i32 => |a, b| a < b;
            AddBrI32LtUImm: u32 => |a, b| a < b;
            AddBrI32GeSImm: i32 => |a, b| a >= b;
            AddBrI32GeUImm: u32 => |a, b| a >= b;
            AddBrI32GtSImm: i32 => |a, b| a > b;
            AddBrI32GtUImm: u32 => |a, b| a > b;
            AddBrI32LeSImm: i32 => |a, b| a <= b;
            AddBrI32LeUImm: u32 => |a, b| a <= b;
        }
        add_slot_br_cmp {
            AddSlotBrI32Eq: u32 => |a, b| a == b;
            AddSlotBrI32Ne: u32 => |a, b| a != b;
            AddSlotBrI32LtS: i32 => |a, b| a < b;
            AddSlotBrI32LtU: u32 => |a, b| a < b;
            AddSlotBrI32GtS: i32 => |a, b| a > b;
            AddSlotBrI32GtU: u32 => |a, b| a > b;
            AddSlotBrI32LeS: i32 => |a, b| a <= b;
            AddSlotBrI32LeU: u32 => |a, b| a <= b;
            AddSlotBrI32GeS: i32 => |a, b| a >= b;
            AddSlotBrI32GeU: u32 => |a, b| a >= b;
        }
        and_br {
            AndBrEqz32: |v| v == 0;
            AndBrNez32: |v| v != 0;
        }
        bin2 {
            F64AddAdd: f64 => |a, b| a + b, |t, c| t + c;
            F64SubAdd: f64 => |a, b| a - b, |t, c| t + c;
            F64MulAdd: f64 => |a, b| a * b, |t, c| t + c;
            F64AddMul: f64 => |a, b| a + b, |t, c| t * c;
            F64SubMul: f64 => |a, b| a - b, |t, c| t * c;
            F64MulMul: f64 => |a, b| a * b, |t, c| t * c;
        }
        imm_bin {
            I32RotlImmXor: u32 => |a, b| a.rotate_left(b % 32), |t, c| t ^ c;
            I32ShlImmAdd: u32 => |a, b| a.wrapping_shl(b), |t, c| t.wrapping_add(c);
            I32ShrUImmAdd: u32 => |a, b| a.wrapping_shr(b), |t, c| t.wrapping_add(c);
            I64MulImmAdd: u64 => |a, b| a.wrapping_mul(b), |t, c| t.wrapping_add(c);
            I64ShrUImmXor: u64 => |a, b| a.wrapping_shr(b as u32), |t, c| t ^ c;
            I64ShlImmXor: u64 => |a, b| a.wrapping_shl(b as u32), |t, c| t ^ c;
        }
        load_bin {
            F64LoadAdd: f64 => |v, b| v + b;
            F64LoadMul: f64 => |v, b| v * b;
        }
        load_bin_store {
            F64LoadAddStore: f64 => |v, b| v + b;
            F64LoadMulStore: f64 => |v, b| v * b;
        }
        bin_store {
            F64AddStore: f64 => |a, b| a + b;
            F64SubStore: f64 => |a, b| a - b;
            F64MulStore: f64 => |a, b| a * b;
        }
        other {
            Trap(()),
            Br(u32),
            BrTable(BrTable),
            // `br_table` on a byte just loaded (`switch (*p)`): the load,
            // then the `BrTable` right after it, which stays there for
            // branches to it (`peephole::fuse_switch_loads`).
            BrTableI32Load8U(Load),
            BrTableI32Load8UIdx(LoadIdx),
            Return0(()),
            Return1(Slot),
            Return(u32),
            CallInternal(Call),
            Call(Call),
            CallIndirect(CallIndirect),
            ReturnCallInternal(Call),
            ReturnCall(Call),
            ReturnCallIndirect(CallIndirect),
            Copy(Un),
            Copy2(Copy2),
            CopyBr(CopyBr),
            Copy2Br(Copy2Br),
            I32AddImmBr(AddImmBr),
            I32AddImm2(AddImm2),
            Const32(Const32),
            Const64(Const64),
            Select(Select),
            GlobalGet(SlotIndex),
            GlobalSet(SlotIndex),
            RefFunc(SlotIndex),
            LoadExt(MemExt),
            StoreExt(MemExt),
            MemorySize(SlotIndex),
            MemoryGrow(Slots2Index),
            MemoryFill(Bulk),
            MemoryCopy(Bulk),
            MemoryInit(Bulk),
            DataDrop(u32),
            TableGet(Slots2Index),
            TableSet(Slots2Index),
            TableSize(SlotIndex),
            TableGrow(TableGrow),
            TableFill(Bulk),
            TableCopy(Bulk),
            TableInit(Bulk),
            ElemDrop(u32),
            // TIERING (issue 5): a loop header of a function translated for
            // the tiered engine; counts an iteration and may enter the
            // function's machine code here (on-stack entry). The operand
            // indexes `FastFunc::loops`.
            LoopHeader(u32),
        }
        }
    };
}
pub(crate) use for_each_op;

macro_rules! define_op {
    (
        un { $($un:ident: $unt:ty => |$una:ident| $une:expr;)* }
        un_trap { $($ut:ident: $utt:ty => |$uta:ident| $ute:expr;)* }
        bin { $($bin:ident: $bint:ty => |$bina:ident, $binb:ident| $bine:expr;)* }
        bin_trap { $($bt:ident: $btt:ty => |$bta:ident, $btb:ident| $bte:expr;)* }
        bin_imm { $($bi:ident: $bit:ty => |$bia:ident, $bib:ident| $bie:expr;)* }
        br_test { $($bz:ident: $bzt:ty => |$bza:ident| $bze:expr;)* }
        br_cmp { $($bc:ident: $bct:ty => |$bca:ident, $bcb:ident| $bce:expr;)* }
        br_cmp_imm { $($bci:ident: $bcit:ty => |$bcia:ident, $bcib:ident| $bcie:expr;)* }
        load { $($ld:ident: $ldn:literal => |$ldb:ident| $lde:expr;)* }
        store { $($st:ident: $stn:literal => |$stv:ident| $ste:expr;)* }
        load_idx { $($ldx:ident: $ldxn:literal => |$ldxb:ident| $ldxe:expr;)* }
        store_idx { $($stx:ident: $stxn:literal => |$stxv:ident| $stxe:expr;)* }
        add_br_cmp { $($abc:ident: $abct:ty => |$abca:ident, $abcb:ident| $abce:expr;)* }
        add_br_cmp_imm { $($abi:ident: $abit:ty => |$abia:ident, $abib:ident| $abie:expr;)* }
        add_slot_br_cmp { $($asc:ident: $asct:ty => |$asca:ident, $ascb:ident| $asce:expr;)* }
        and_br { $($anb:ident: |$anbv:ident| $anbe:expr;)* }
        bin2 { $($b2:ident: $b2t:ty => |$b2a:ident, $b2b:ident| $b2f:expr, |$b2x:ident, $b2c:ident| $b2g:expr;)* }
        imm_bin { $($ib:ident: $ibt:ty => |$iba:ident, $ibb:ident| $ibf:expr, |$ibx:ident, $ibc:ident| $ibg:expr;)* }
        load_bin { $($lb:ident: $lbt:ty => |$lbv:ident, $lbb:ident| $lbe:expr;)* }
        load_bin_store { $($lbs:ident: $lbst:ty => |$lbsv:ident, $lbsb:ident| $lbse:expr;)* }
        bin_store { $($bs:ident: $bst:ty => |$bsa:ident, $bsb:ident| $bse:expr;)* }
        other { $($other:ident($ty:ty),)* }
    ) => {
        /// One fast-tier operation. See [`for_each_op!`] for the semantics.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum Op {
            $($un(Un),)*
            $($ut(Un),)*
            $($bin(Bin),)*
            $($bt(Bin),)*
            $($bi(BinImm),)*
            $($bz(BrTest),)*
            $($bc(BrCmp),)*
            $($bci(BrCmpImm),)*
            $($ld(Load),)*
            $($st(Store),)*
            $($ldx(LoadIdx),)*
            $($stx(StoreIdx),)*
            $($abc(AddBrCmp),)*
            $($abi(AddBrCmpImm),)*
            $($asc(AddSlotBrCmp),)*
            $($anb(AndBr),)*
            $($b2(Bin2),)*
            $($ib(ImmBin),)*
            $($lb(LoadBin),)*
            $($lbs(LoadBin),)*
            $($bs(BinStore),)*
            $($other($ty),)*
        }

        /// The operation of an [`Op`] without its operands: what the
        /// profiler counts.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[allow(clippy::enum_variant_names)]
        pub(crate) enum OpKind {
            $($un,)* $($ut,)* $($bin,)* $($bt,)* $($bi,)* $($bz,)* $($bc,)* $($bci,)*
            $($ld,)* $($st,)* $($ldx,)* $($stx,)* $($abc,)* $($abi,)* $($asc,)* $($anb,)* $($b2,)*
            $($ib,)* $($lb,)* $($lbs,)* $($bs,)* $($other,)*
        }

        impl OpKind {
            /// Every kind's name, indexed by `kind as usize`.
            pub(crate) const NAMES: &'static [&'static str] = &[
                $(stringify!($un),)* $(stringify!($ut),)* $(stringify!($bin),)*
                $(stringify!($bt),)* $(stringify!($bi),)* $(stringify!($bz),)*
                $(stringify!($bc),)* $(stringify!($bci),)* $(stringify!($ld),)*
                $(stringify!($st),)* $(stringify!($ldx),)* $(stringify!($stx),)*
                $(stringify!($abc),)* $(stringify!($abi),)* $(stringify!($asc),)*
                $(stringify!($anb),)*
                $(stringify!($b2),)* $(stringify!($ib),)* $(stringify!($lb),)* $(stringify!($lbs),)*
                $(stringify!($bs),)*
                $(stringify!($other),)*
            ];
        }

        impl OpKind {
            /// Every kind, in `kind as usize` order (the threaded handlers'
            /// test).
            #[cfg(test)]
            #[cfg_attr(all(feature = "match-dispatch", not(feature = "tail-dispatch")), allow(dead_code))]
            pub(crate) const ALL: &'static [OpKind] = &[
                $(OpKind::$un,)* $(OpKind::$ut,)* $(OpKind::$bin,)* $(OpKind::$bt,)* $(OpKind::$bi,)*
                $(OpKind::$bz,)* $(OpKind::$bc,)* $(OpKind::$bci,)* $(OpKind::$ld,)* $(OpKind::$st,)*
                $(OpKind::$ldx,)* $(OpKind::$stx,)* $(OpKind::$abc,)* $(OpKind::$abi,)* $(OpKind::$asc,)*
                $(OpKind::$anb,)* $(OpKind::$b2,)* $(OpKind::$ib,)* $(OpKind::$lb,)* $(OpKind::$lbs,)*
                $(OpKind::$bs,)* $(OpKind::$other,)*
            ];
        }

        impl Op {
            /// An op of kind `kind` with every operand zero (the threaded
            /// handlers' test).
            #[cfg(test)]
            #[cfg_attr(all(feature = "match-dispatch", not(feature = "tail-dispatch")), allow(dead_code))]
            pub(crate) fn zeroed(kind: OpKind) -> Op {
                match kind {
                    $(OpKind::$un => Op::$un(Default::default()),)*
                    $(OpKind::$ut => Op::$ut(Default::default()),)*
                    $(OpKind::$bin => Op::$bin(Default::default()),)*
                    $(OpKind::$bt => Op::$bt(Default::default()),)*
                    $(OpKind::$bi => Op::$bi(Default::default()),)*
                    $(OpKind::$bz => Op::$bz(Default::default()),)*
                    $(OpKind::$bc => Op::$bc(Default::default()),)*
                    $(OpKind::$bci => Op::$bci(Default::default()),)*
                    $(OpKind::$ld => Op::$ld(Default::default()),)*
                    $(OpKind::$st => Op::$st(Default::default()),)*
                    $(OpKind::$ldx => Op::$ldx(Default::default()),)*
                    $(OpKind::$stx => Op::$stx(Default::default()),)*
                    $(OpKind::$abc => Op::$abc(Default::default()),)*
                    $(OpKind::$abi => Op::$abi(Default::default()),)*
                    $(OpKind::$asc => Op::$asc(Default::default()),)*
                    $(OpKind::$anb => Op::$anb(Default::default()),)*
                    $(OpKind::$b2 => Op::$b2(Default::default()),)*
                    $(OpKind::$ib => Op::$ib(Default::default()),)*
                    $(OpKind::$lb => Op::$lb(Default::default()),)*
                    $(OpKind::$lbs => Op::$lbs(Default::default()),)*
                    $(OpKind::$bs => Op::$bs(Default::default()),)*
                    $(OpKind::$other => Op::$other(Default::default()),)*
                }
            }

            /// Which operation this is.
            #[inline(always)]
            pub(crate) fn kind(&self) -> OpKind {
                match self {
                    $(Op::$un(_) => OpKind::$un,)*
                    $(Op::$ut(_) => OpKind::$ut,)*
                    $(Op::$bin(_) => OpKind::$bin,)*
                    $(Op::$bt(_) => OpKind::$bt,)*
                    $(Op::$bi(_) => OpKind::$bi,)*
                    $(Op::$bz(_) => OpKind::$bz,)*
                    $(Op::$bc(_) => OpKind::$bc,)*
                    $(Op::$bci(_) => OpKind::$bci,)*
                    $(Op::$ld(_) => OpKind::$ld,)*
                    $(Op::$st(_) => OpKind::$st,)*
                    $(Op::$ldx(_) => OpKind::$ldx,)*
                    $(Op::$stx(_) => OpKind::$stx,)*
                    $(Op::$abc(_) => OpKind::$abc,)*
                    $(Op::$abi(_) => OpKind::$abi,)*
                    $(Op::$asc(_) => OpKind::$asc,)*
                    $(Op::$anb(_) => OpKind::$anb,)*
                    $(Op::$b2(_) => OpKind::$b2,)*
                    $(Op::$ib(_) => OpKind::$ib,)*
                    $(Op::$lb(_) => OpKind::$lb,)*
                    $(Op::$lbs(_) => OpKind::$lbs,)*
                    $(Op::$bs(_) => OpKind::$bs,)*
                    $(Op::$other(_) => OpKind::$other,)*
                }
            }

            /// Whether the op only writes its result slots from its operand
            /// slots: no trap, no memory, global or control effect, so that
            /// it may move past an op that touches none of its slots.
            pub(crate) fn is_pure(&self) -> bool {
                matches!(
                    self,
                    $(Op::$un(_))|* | $(Op::$bin(_))|* | $(Op::$bi(_))|* | $(Op::$b2(_))|*
                        | $(Op::$ib(_))|* | Op::Copy(_) | Op::Copy2(_) | Op::I32AddImm2(_)
                        | Op::Const32(_) | Op::Const64(_) | Op::Select(_)
                )
            }

            /// The branch target of a conditional or unconditional branch
            /// (not `br_table`), for patching and verification.
            #[inline(always)]
            pub(crate) fn target_mut(&mut self) -> Option<&mut u32> {
                match self {
                    $(Op::$bz(x) => Some(&mut x.target),)*
                    $(Op::$bc(x) => Some(&mut x.target),)*
                    $(Op::$bci(x) => Some(&mut x.target),)*
                    $(Op::$abc(x) => Some(&mut x.target),)*
                    $(Op::$abi(x) => Some(&mut x.target),)*
                    $(Op::$asc(x) => Some(&mut x.target),)*
                    $(Op::$anb(x) => Some(&mut x.target),)*
                    Op::Br(target) => Some(target),
                    Op::CopyBr(x) => Some(&mut x.target),
                    Op::I32AddImmBr(x) => Some(&mut x.target),
                    Op::Copy2Br(x) => Some(&mut x.target),
                    _ => None,
                }
            }

            /// The slot of the value the op writes last, for ops that read
            /// nothing after writing it (fused ops may write an
            /// intermediate first): a `local.set` of that value right after
            /// the op may make the op write the local instead (the direct
            /// translator's result retargeting).
            pub(crate) fn result_mut(&mut self) -> Option<&mut Slot> {
                match self {
                    $(Op::$un(x) => Some(&mut x.dst),)*
                    $(Op::$ut(x) => Some(&mut x.dst),)*
                    $(Op::$bin(x) => Some(&mut x.dst),)*
                    $(Op::$bt(x) => Some(&mut x.dst),)*
                    $(Op::$bi(x) => Some(&mut x.dst),)*
                    $(Op::$ld(x) => Some(&mut x.dst),)*
                    $(Op::$ldx(x) => Some(&mut x.dst),)*
                    $(Op::$b2(x) => Some(&mut x.dst),)*
                    $(Op::$ib(x) => Some(&mut x.dst),)*
                    $(Op::$lb(x) => Some(&mut x.dst),)*
                    $(Op::$lbs(x) => Some(&mut x.dst),)*
                    Op::Copy(x) => Some(&mut x.dst),
                    Op::I32AddImm2(x) => Some(&mut x.dst1),
                    Op::Const32(x) => Some(&mut x.dst),
                    Op::Const64(x) => Some(&mut x.dst),
                    Op::Select(x) => Some(&mut x.dst),
                    Op::GlobalGet(x) | Op::RefFunc(x) | Op::MemorySize(x) | Op::TableSize(x) => {
                        Some(&mut x.slot)
                    }
                    Op::LoadExt(x) => Some(&mut x.value),
                    Op::TableGet(x) | Op::MemoryGrow(x) => Some(&mut x.a),
                    Op::TableGrow(x) => Some(&mut x.dst),
                    _ => None,
                }
            }

            /// Calls `f` on every slot the op writes; `false` for ops whose
            /// writes are not all in the op (calls write their result list).
            pub(crate) fn for_each_write(&self, mut f: impl FnMut(Slot)) -> bool {
                let mut op = *self;
                op.for_each_operand_mut(|slot, role| {
                    if role == Role::Write {
                        f(*slot);
                    }
                });
                !matches!(
                    self,
                    Op::CallInternal(_) | Op::Call(_) | Op::CallIndirect(_)
                        | Op::ReturnCallInternal(_) | Op::ReturnCall(_) | Op::ReturnCallIndirect(_)
                )
            }

            /// Calls `f` on every slot operand (read or written), which it may
            /// change (the direct translator renumbers constant slots).
            #[inline(always)]
            pub(crate) fn for_each_slot_mut(&mut self, mut f: impl FnMut(&mut Slot)) {
                self.for_each_operand_mut(|slot, _| f(slot));
            }

            /// Calls `f` on every slot operand with whether the op reads or
            /// writes it (a slot both read and written comes once as each),
            /// letting `f` change it: the one operand table of the ops, from
            /// which the other slot visitors are made. Slot lists of calls and
            /// multi-value returns are not operands of the op.
            #[inline(always)]
            pub(crate) fn for_each_operand_mut(&mut self, mut f: impl FnMut(&mut Slot, Role)) {
                use Role::{Read as R, Write as W};
                match self {
                    $(Op::$un(x) => { f(&mut x.dst, W); f(&mut x.src, R); })*
                    $(Op::$ut(x) => { f(&mut x.dst, W); f(&mut x.src, R); })*
                    $(Op::$bin(x) => { f(&mut x.dst, W); f(&mut x.a, R); f(&mut x.b, R); })*
                    $(Op::$bt(x) => { f(&mut x.dst, W); f(&mut x.a, R); f(&mut x.b, R); })*
                    $(Op::$bi(x) => { f(&mut x.dst, W); f(&mut x.a, R); })*
                    $(Op::$bz(x) => f(&mut x.cond, R),)*
                    $(Op::$bc(x) => { f(&mut x.a, R); f(&mut x.b, R); })*
                    $(Op::$bci(x) => f(&mut x.a, R),)*
                    $(Op::$ld(x) => { f(&mut x.dst, W); f(&mut x.addr, R); })*
                    $(Op::$st(x) => { f(&mut x.addr, R); f(&mut x.value, R); })*
                    $(Op::$ldx(x) => { f(&mut x.dst, W); f(&mut x.a, R); f(&mut x.b, R); })*
                    $(Op::$stx(x) => { f(&mut x.a, R); f(&mut x.b, R); f(&mut x.value, R); })*
                    $(Op::$abc(x) => { f(&mut x.dst, W); f(&mut x.a, R); f(&mut x.b, R); })*
                    $(Op::$abi(x) => { f(&mut x.dst, W); f(&mut x.a, R); })*
                    $(Op::$asc(x) => {
                        f(&mut x.dst, W); f(&mut x.a, R); f(&mut x.addend, R); f(&mut x.b, R);
                    })*
                    $(Op::$anb(x) => { f(&mut x.dst, W); f(&mut x.a, R); })*
                    $(Op::$b2(x) => {
                        f(&mut x.t, W); f(&mut x.a, R); f(&mut x.b, R); f(&mut x.dst, W); f(&mut x.c, R);
                    })*
                    $(Op::$ib(x) => { f(&mut x.t, W); f(&mut x.a, R); f(&mut x.dst, W); f(&mut x.c, R); })*
                    $(Op::$lb(x) => { f(&mut x.ld, W); f(&mut x.addr, R); f(&mut x.dst, W); f(&mut x.b, R); })*
                    $(Op::$lbs(x) => { f(&mut x.ld, W); f(&mut x.addr, R); f(&mut x.dst, W); f(&mut x.b, R); })*
                    $(Op::$bs(x) => { f(&mut x.dst, W); f(&mut x.a, R); f(&mut x.b, R); f(&mut x.addr, R); })*
                    Op::BrTable(x) => f(&mut x.index, R),
                    Op::BrTableI32Load8U(x) => { f(&mut x.dst, W); f(&mut x.addr, R); }
                    Op::BrTableI32Load8UIdx(x) => { f(&mut x.dst, W); f(&mut x.a, R); f(&mut x.b, R); }
                    Op::Return1(src) => f(src, R),
                    Op::CallIndirect(x) | Op::ReturnCallIndirect(x) => f(&mut x.index, R),
                    Op::Copy(x) => { f(&mut x.dst, W); f(&mut x.src, R); }
                    Op::CopyBr(x) => { f(&mut x.dst, W); f(&mut x.src, R); }
                    Op::I32AddImmBr(x) => { f(&mut x.dst, W); f(&mut x.a, R); }
                    Op::Copy2(x) | Op::Copy2Br(Copy2Br { copies: x, .. }) => {
                        f(&mut x.dst0, W); f(&mut x.src0, R); f(&mut x.dst1, W); f(&mut x.src1, R);
                    }
                    Op::I32AddImm2(x) => {
                        f(&mut x.dst0, W); f(&mut x.a0, R); f(&mut x.dst1, W); f(&mut x.a1, R);
                    }
                    Op::Const32(x) => f(&mut x.dst, W),
                    Op::Const64(x) => f(&mut x.dst, W),
                    Op::Select(x) => {
                        f(&mut x.dst, W); f(&mut x.cond, R); f(&mut x.a, R); f(&mut x.b, R);
                    }
                    Op::GlobalGet(x) | Op::RefFunc(x) | Op::MemorySize(x) | Op::TableSize(x) => {
                        f(&mut x.slot, W)
                    }
                    Op::GlobalSet(x) => f(&mut x.slot, R),
                    Op::LoadExt(x) => { f(&mut x.value, W); f(&mut x.addr, R); }
                    Op::StoreExt(x) => { f(&mut x.value, R); f(&mut x.addr, R); }
                    Op::MemoryGrow(x) | Op::TableGet(x) => { f(&mut x.a, W); f(&mut x.b, R); }
                    Op::TableSet(x) => { f(&mut x.a, R); f(&mut x.b, R); }
                    Op::MemoryFill(x) | Op::MemoryCopy(x) | Op::MemoryInit(x)
                    | Op::TableFill(x) | Op::TableCopy(x) | Op::TableInit(x) => {
                        f(&mut x.a, R); f(&mut x.b, R); f(&mut x.c, R);
                    }
                    Op::TableGrow(x) => { f(&mut x.dst, W); f(&mut x.init, R); f(&mut x.delta, R); }
                    Op::Trap(()) | Op::Br(_) | Op::Return0(()) | Op::Return(_)
                    | Op::CallInternal(_) | Op::Call(_) | Op::ReturnCallInternal(_)
                    | Op::ReturnCall(_) | Op::DataDrop(_) | Op::ElemDrop(_)
                    | Op::LoopHeader(_) => {}
                }
            }
        }
    };
}

for_each_op!(define_op!);

/// How an op uses a slot operand ([`Op::for_each_operand_mut`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Read,
    Write,
}

/// The operand of a commutative binary operation `(a, b)` that is not
/// `t`, if one of them is `t` (the result of the operation fused before it).
fn other_operand(a: Slot, b: Slot, t: Slot) -> Option<Slot> {
    if a == t {
        Some(b)
    } else if b == t {
        Some(a)
    } else {
        None
    }
}

impl Op {
    /// The load or store `self` (of memory 0) at address `a + b` instead of
    /// its own address operand, which the caller drops.
    pub(crate) fn indexed(self, a: Slot, b: Slot) -> Option<Op> {
        macro_rules! load {
            ($x:expr, $variant:ident) => {
                Op::$variant(LoadIdx {
                    dst: $x.dst,
                    a,
                    b,
                    offset: $x.offset,
                })
            };
        }
        macro_rules! store {
            ($x:expr, $variant:ident) => {
                Op::$variant(StoreIdx {
                    a,
                    b,
                    value: $x.value,
                    offset: $x.offset,
                })
            };
        }
        Some(match self {
            Op::I32Load(x) => load!(x, I32LoadIdx),
            Op::I64Load(x) => load!(x, I64LoadIdx),
            Op::I32Load8S(x) => load!(x, I32Load8SIdx),
            Op::I32Load8U(x) => load!(x, I32Load8UIdx),
            Op::I32Load16S(x) => load!(x, I32Load16SIdx),
            Op::I32Load16U(x) => load!(x, I32Load16UIdx),
            Op::I64Load8S(x) => load!(x, I64Load8SIdx),
            Op::I64Load16S(x) => load!(x, I64Load16SIdx),
            Op::I64Load32S(x) => load!(x, I64Load32SIdx),
            Op::I32Store(x) => store!(x, I32StoreIdx),
            Op::I64Store(x) => store!(x, I64StoreIdx),
            Op::I32Store8(x) => store!(x, I32Store8Idx),
            Op::I32Store16(x) => store!(x, I32Store16Idx),
            _ => return None,
        })
    }

    /// The conditional branch `self`, fused with the `i32.add` of a small
    /// immediate `add` run right before it, when the branch tests the
    /// sum against a slot or a small immediate.
    pub(crate) fn after_add(self, add: BinImm) -> Option<Op> {
        let imm = i16::try_from(add.imm).ok()?;
        // `f(a, b)` with the sum as `a`, or as `b` (then `mirrored(b, a)`).
        macro_rules! slot {
            ($x:expr, $variant:ident, $mirrored:ident) => {{
                let x = $x;
                let (variant, b): (fn(AddBrCmp) -> Op, Slot) = if x.a == add.dst {
                    (Op::$variant, x.b)
                } else if x.b == add.dst {
                    (Op::$mirrored, x.a)
                } else {
                    return None;
                };
                variant(AddBrCmp {
                    dst: add.dst,
                    a: add.a,
                    b,
                    imm,
                    target: x.target,
                })
            }};
        }
        macro_rules! limit {
            ($x:expr, $variant:ident) => {{
                let x = $x;
                if x.a != add.dst {
                    return None;
                }
                Op::$variant(AddBrCmpImm {
                    dst: add.dst,
                    a: add.a,
                    imm,
                    limit: i16::try_from(x.imm).ok()?,
                    target: x.target,
                })
            }};
        }
        Some(match self {
            Op::BrI32Eq(x) => slot!(x, AddBrI32Eq, AddBrI32Eq),
            Op::BrI32Ne(x) => slot!(x, AddBrI32Ne, AddBrI32Ne),
            Op::BrI32LtS(x) => slot!(x, AddBrI32LtS, AddBrI32GtS),
            Op::BrI32LtU(x) => slot!(x, AddBrI32LtU, AddBrI32GtU),
            Op::BrI32LeS(x) => slot!(x, AddBrI32LeS, AddBrI32GeS),
            Op::BrI32LeU(x) => slot!(x, AddBrI32LeU, AddBrI32GeU),
            Op::BrI32EqImm(x) => limit!(x, AddBrI32EqImm),
            Op::BrI32NeImm(x) => limit!(x, AddBrI32NeImm),
            Op::BrI32LtSImm(x) => limit!(x, AddBrI32LtSImm),
            Op::BrI32LtUImm(x) => limit!(x, AddBrI32LtUImm),
            Op::BrI32GeSImm(x) => limit!(x, AddBrI32GeSImm),
            Op::BrI32GeUImm(x) => limit!(x, AddBrI32GeUImm),
            Op::BrI32GtSImm(x) => limit!(x, AddBrI32GtSImm),
            Op::BrI32GtUImm(x) => limit!(x, AddBrI32GtUImm),
            Op::BrI32LeSImm(x) => limit!(x, AddBrI32LeSImm),
            Op::BrI32LeUImm(x) => limit!(x, AddBrI32LeUImm),
            // A zero test of the sum is a compare with the limit 0.
            Op::BrNez32(x) => limit!(
                BrCmpImm {
                    a: x.cond,
                    imm: 0,
                    target: x.target
                },
                AddBrI32NeImm
            ),
            Op::BrEqz32(x) => limit!(
                BrCmpImm {
                    a: x.cond,
                    imm: 0,
                    target: x.target
                },
                AddBrI32EqImm
            ),
            _ => return None,
        })
    }

    /// The conditional branch `self`, fused with the `i32.add` of two
    /// slots `add` run right before it, when the branch tests the sum
    /// against a slot (a loop's step by a variable stride and its test).
    pub(crate) fn after_add_slots(self, add: Bin) -> Option<Op> {
        // `f(sum, b)`, or `f(b, sum)` as `mirrored(sum, b)`.
        macro_rules! slot {
            ($x:expr, $variant:ident, $mirrored:ident) => {{
                let x = $x;
                let (variant, b): (fn(AddSlotBrCmp) -> Op, Slot) = if x.a == add.dst {
                    (Op::$variant, x.b)
                } else if x.b == add.dst {
                    (Op::$mirrored, x.a)
                } else {
                    return None;
                };
                variant(AddSlotBrCmp {
                    dst: add.dst,
                    a: add.a,
                    addend: add.b,
                    b,
                    target: x.target,
                })
            }};
        }
        Some(match self {
            Op::BrI32Eq(x) => slot!(x, AddSlotBrI32Eq, AddSlotBrI32Eq),
            Op::BrI32Ne(x) => slot!(x, AddSlotBrI32Ne, AddSlotBrI32Ne),
            Op::BrI32LtS(x) => slot!(x, AddSlotBrI32LtS, AddSlotBrI32GtS),
            Op::BrI32LtU(x) => slot!(x, AddSlotBrI32LtU, AddSlotBrI32GtU),
            Op::BrI32LeS(x) => slot!(x, AddSlotBrI32LeS, AddSlotBrI32GeS),
            Op::BrI32LeU(x) => slot!(x, AddSlotBrI32LeU, AddSlotBrI32GeU),
            _ => return None,
        })
    }

    /// The unconditional branch to `target`, fused with the copy `self`
    /// (an edge move) run right before it.
    pub(crate) fn then_branch(self, target: u32) -> Option<Op> {
        match self {
            Op::Copy(x) => Some(Op::CopyBr(CopyBr {
                dst: x.dst,
                src: x.src,
                target,
            })),
            Op::Copy2(copies) => Some(Op::Copy2Br(Copy2Br { copies, target })),
            Op::I32AddImm(x) => Some(Op::I32AddImmBr(AddImmBr {
                dst: x.dst,
                a: x.a,
                imm: x.imm,
                target,
            })),
            _ => None,
        }
    }

    /// The commutative op `self`, fused with the op with an immediate
    /// `first` run right before it when it uses `first`'s result.
    pub(crate) fn after_imm(self, first: Op) -> Option<Op> {
        let (variant, f, second): (fn(ImmBin) -> Op, BinImm, Bin) = match (first, self) {
            (Op::I32RotlImm(f), Op::I32Xor(x)) => (Op::I32RotlImmXor, f, x),
            (Op::I32ShlImm(f), Op::I32Add(x)) => (Op::I32ShlImmAdd, f, x),
            (Op::I32ShrUImm(f), Op::I32Add(x)) => (Op::I32ShrUImmAdd, f, x),
            (Op::I64MulImm(f), Op::I64Add(x)) => (Op::I64MulImmAdd, f, x),
            (Op::I64ShrUImm(f), Op::I64Xor(x)) => (Op::I64ShrUImmXor, f, x),
            (Op::I64ShlImm(f), Op::I64Xor(x)) => (Op::I64ShlImmXor, f, x),
            _ => return None,
        };
        let c = other_operand(second.a, second.b, f.dst)?;
        Some(variant(ImmBin {
            t: f.dst,
            a: f.a,
            dst: second.dst,
            c,
            imm: f.imm,
        }))
    }

    /// `self` fused with the memory access `first` or `second` next to it:
    /// an `f64` add or multiply of a value loaded right before it, or an
    /// `f64` add, subtract or multiply whose result is stored right after.
    pub(crate) fn with_access(first: Op, second: Op) -> Option<Op> {
        match (first, second) {
            (Op::I64Load(load), Op::F64Add(x) | Op::F64Mul(x)) => {
                let b = if x.a == load.dst {
                    x.b
                } else if x.b == load.dst {
                    x.a
                } else {
                    return None;
                };
                let fused = LoadBin {
                    ld: load.dst,
                    addr: load.addr,
                    dst: x.dst,
                    b,
                    offset: load.offset,
                };
                Some(match second {
                    Op::F64Add(_) => Op::F64LoadAdd(fused),
                    _ => Op::F64LoadMul(fused),
                })
            }
            // `*p += b`: the result stored back where it was loaded from
            // (the address read once, so neither result may be its slot).
            (Op::F64LoadAdd(x) | Op::F64LoadMul(x), Op::I64Store(store))
                if store.value == x.dst
                    && store.addr == x.addr
                    && store.offset == x.offset
                    && x.ld != x.addr
                    && x.dst != x.addr =>
            {
                Some(match first {
                    Op::F64LoadAdd(_) => Op::F64LoadAddStore(x),
                    _ => Op::F64LoadMulStore(x),
                })
            }
            (Op::F64Add(x) | Op::F64Sub(x) | Op::F64Mul(x), Op::I64Store(store))
                if store.value == x.dst =>
            {
                let fused = BinStore {
                    dst: x.dst,
                    a: x.a,
                    b: x.b,
                    addr: store.addr,
                    offset: store.offset,
                };
                Some(match first {
                    Op::F64Add(_) => Op::F64AddStore(fused),
                    Op::F64Sub(_) => Op::F64SubStore(fused),
                    _ => Op::F64MulStore(fused),
                })
            }
            _ => None,
        }
    }

    /// The `f64` add or multiply `self`, fused with the `f64` op `first`
    /// run right before it when it uses `first`'s result.
    pub(crate) fn after_f64(self, first: Op) -> Option<Op> {
        let (second, is_add) = match self {
            Op::F64Add(x) => (x, true),
            Op::F64Mul(x) => (x, false),
            _ => return None,
        };
        let (variant, f): (fn(Bin2) -> Op, Bin) = match (first, is_add) {
            (Op::F64Add(f), true) => (Op::F64AddAdd, f),
            (Op::F64Sub(f), true) => (Op::F64SubAdd, f),
            (Op::F64Mul(f), true) => (Op::F64MulAdd, f),
            (Op::F64Add(f), false) => (Op::F64AddMul, f),
            (Op::F64Sub(f), false) => (Op::F64SubMul, f),
            (Op::F64Mul(f), false) => (Op::F64MulMul, f),
            _ => return None,
        };
        let c = other_operand(second.a, second.b, f.dst)?;
        Some(variant(Bin2 {
            t: f.dst,
            a: f.a,
            b: f.b,
            dst: second.dst,
            c,
        }))
    }

    /// The zero test `self`, fused with the `i32.and` of an immediate `and`
    /// run right before it whose result it tests.
    pub(crate) fn after_and(self, and: BinImm) -> Option<Op> {
        let (variant, test): (fn(AndBr) -> Op, BrTest) = match self {
            Op::BrEqz32(test) => (Op::AndBrEqz32, test),
            Op::BrNez32(test) => (Op::AndBrNez32, test),
            _ => return None,
        };
        (test.cond == and.dst).then(|| {
            variant(AndBr {
                dst: and.dst,
                a: and.a,
                imm: and.imm,
                target: test.target,
            })
        })
    }

    /// Whether control never falls through to the next operation.
    pub(crate) fn is_terminator(&self) -> bool {
        matches!(
            self,
            Op::Trap(())
                | Op::Br(_)
                | Op::CopyBr(_)
                | Op::I32AddImmBr(_)
                | Op::Copy2Br(_)
                | Op::BrTable(_)
                | Op::BrTableI32Load8U(_)
                | Op::BrTableI32Load8UIdx(_)
                | Op::Return0(())
                | Op::Return1(_)
                | Op::Return(_)
                | Op::ReturnCallInternal(_)
                | Op::ReturnCall(_)
                | Op::ReturnCallIndirect(_)
        )
    }
}

/// Access widths and result conversions of the [`MemExt`] loads and stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum MemKind {
    I32Load,
    I64Load,
    I32Load8S,
    I32Load8U,
    I32Load16S,
    I32Load16U,
    I64Load8S,
    I64Load16S,
    I64Load32S,
    I32Store,
    I64Store,
    I32Store8,
    I32Store16,
}

impl MemKind {
    pub(crate) const ALL: [MemKind; 13] = [
        MemKind::I32Load,
        MemKind::I64Load,
        MemKind::I32Load8S,
        MemKind::I32Load8U,
        MemKind::I32Load16S,
        MemKind::I32Load16U,
        MemKind::I64Load8S,
        MemKind::I64Load16S,
        MemKind::I64Load32S,
        MemKind::I32Store,
        MemKind::I64Store,
        MemKind::I32Store8,
        MemKind::I32Store16,
    ];

    pub(crate) fn from_u8(kind: u8) -> Option<MemKind> {
        MemKind::ALL.get(kind as usize).copied()
    }
}

/// The threaded dispatcher's handler of an op (none for the match loop).
#[cfg(any(feature = "tail-dispatch", not(feature = "match-dispatch")))]
pub(super) type Dispatch = super::threaded::Handler;
#[cfg(all(feature = "match-dispatch", not(feature = "tail-dispatch")))]
pub(super) type Dispatch = ();

#[cfg(any(feature = "tail-dispatch", not(feature = "match-dispatch")))]
#[inline(always)]
fn dispatch_of(kind: OpKind) -> Dispatch {
    super::threaded::handler(kind)
}

#[cfg(all(feature = "match-dispatch", not(feature = "tail-dispatch")))]
#[inline(always)]
fn dispatch_of(_kind: OpKind) -> Dispatch {}

/// An op with the address of its handler in front (direct threading): a
/// handler continues with `jmp [next op]` instead of loading the next op's
/// kind and then its handler from the table, one load and two instructions
/// fewer per op on the path every op takes. The handler always matches the
/// op's kind: an `Inst` is made only from its final op ([`Inst::new`]) and
/// never changed; the handlers rely on it.
#[derive(Clone, Copy)]
#[repr(C)]
pub(crate) struct Inst {
    handler: Dispatch,
    op: Op,
}

impl Inst {
    #[inline(always)]
    pub(crate) fn new(op: Op) -> Inst {
        Inst {
            handler: dispatch_of(op.kind()),
            op,
        }
    }

    #[inline(always)]
    pub(crate) fn op(&self) -> &Op {
        &self.op
    }

    #[cfg_attr(
        all(feature = "match-dispatch", not(feature = "tail-dispatch")),
        allow(dead_code)
    )]
    #[inline(always)]
    pub(super) fn handler(&self) -> Dispatch {
        self.handler
    }
}

impl std::fmt::Debug for Inst {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.op.fmt(f)
    }
}

/// One function translated to the fast tier.
#[derive(Debug)]
pub(crate) struct FastFunc {
    pub code: Box<[Inst]>,
    /// Byte offset in the module of the wasm operator each op came from
    /// (`u32::MAX`: none), for backtraces.
    pub offsets: Box<[u32]>,
    /// Slot lists of calls and multi-value returns.
    pub lists: Box<[Slot]>,
    /// `br_table` targets.
    pub targets: Box<[u32]>,
    /// Immediates that do not fit in an op: `(memory, offset)` of the
    /// [`MemExt`] accesses, the two indices of the [`Bulk`] ops.
    pub imms: Box<[(u32, u64)]>,
    /// Slots of the frame proper; calls place their arguments right after.
    pub frame_size: u32,
    /// Slots the frame may touch from its base: the frame, the outgoing
    /// arguments or results of its calls, and its own results.
    pub extent: u32,
    pub params: u32,
    pub results: u32,
    /// TIERING (issue 5): per [`Op::LoopHeader`], the ir-reg block it
    /// starts (empty unless translated for the tiered engine).
    pub loops: Box<[u32]>,
    /// The values of the frame's last `consts.len()` slots, written when
    /// the frame starts ([`FastFunc::const_base`]): constants the code reads
    /// as slot operands, so that no op materialises them.
    pub consts: Box<[u64]>,
}

impl FastFunc {
    /// The op at index `pc`.
    #[inline(always)]
    pub(crate) fn op(&self, pc: usize) -> Option<&Op> {
        self.code.get(pc).map(Inst::op)
    }

    /// The ops, in order.
    pub(crate) fn ops(&self) -> impl Iterator<Item = &Op> {
        self.code.iter().map(Inst::op)
    }

    /// The argument and result slots of a call's `list`.
    #[inline(always)]
    pub(crate) fn call_slots(&self, list: u32) -> (&[Slot], &[Slot]) {
        let at = list as usize;
        let (Some(&args), Some(&results)) = (self.lists.get(at), self.lists.get(at + 1)) else {
            return (&[], &[]);
        };
        let args_start = at + 2;
        let results_start = args_start + args as usize;
        let results_end = results_start + results as usize;
        match (
            self.lists.get(args_start..results_start),
            self.lists.get(results_start..results_end),
        ) {
            (Some(args), Some(results)) => (args, results),
            _ => (&[], &[]),
        }
    }

    /// The first constant slot ([`FastFunc::consts`]).
    #[inline(always)]
    pub(crate) fn const_base(&self) -> usize {
        (self.frame_size as usize).saturating_sub(self.consts.len())
    }

    /// The slots a multi-value `return` reads.
    #[inline(always)]
    pub(crate) fn return_slots(&self, list: u32) -> &[Slot] {
        let at = list as usize;
        let len = self.lists.get(at).map_or(0, |&len| len as usize);
        self.lists.get(at + 1..at + 1 + len).unwrap_or(&[])
    }

    /// The wasm offset op `pc` came from.
    pub(crate) fn offset(&self, pc: usize) -> Option<usize> {
        match self.offsets.get(pc) {
            Some(&offset) if offset != u32::MAX => Some(offset as usize),
            _ => None,
        }
    }
}
