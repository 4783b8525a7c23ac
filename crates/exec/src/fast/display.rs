//! The fast tier's bytecode as text (`zwasm dump --stage fast`, the corpus
//! snapshots of `tests/fast_dump.rs`).
//!
//! One op per line: its pc, the slots it writes (`s3 = `), the op's name,
//! the slots and immediates it reads, module indices and memory offsets as
//! `name=value`, branch targets as `-> @pc` and call slots as
//! `(args) -> (results)`; then the module offset of the wasm operator it
//! came from as a `; @0x…` comment. Op names are the [`Op`] variants in
//! the style of wasm text (`I32AddImm` is `i32.add_imm`, `BrI32LtS` is
//! `br_i32.lt_s`). Operands of the table's shapes are printed per shape,
//! so the one op table ([`for_each_op!`]) feeds this printer too.
//!
//! Everything printed is a value of the translated function: no
//! addresses, nothing in hash order, so equal code prints equal text.

use std::fmt::{self, Display, Formatter, Write as _};

use zwasm_decode::{Identifier, Module};

use super::code::{
    AddBrCmp, AddBrCmpImm, AddSlotBrCmp, AndBr, Bin, Bin2, BinImm, BinStore, BrCmp, BrCmpImm,
    BrTest, Bulk, Call, Copy2Br, FastFunc, ImmBin, Load, LoadBin, LoadIdx, MemExt, MemKind, Op,
    OpKind, Slot, Store, StoreIdx, Un, for_each_op,
};
use super::compile::with_absolute_target;

/// After a `BrTableI32Load8U[Idx]`'s operands: its cases are those of the
/// `br_table` on the next line.
const SWITCH_LOAD_CASES: &str = " (cases: the br_table next)";

/// Column at which the `; @0x…` comments start (after the pc).
const COMMENT_COLUMN: usize = 40;

/// Text of one translated function: its index, name and type, its frame
/// layout, then its ops. `module` gives the names and types of it and its
/// callees and the number of imported functions.
pub(crate) struct FastFuncText<'a> {
    pub func: &'a FastFunc,
    /// The function's index in the module's function index space.
    pub func_index: u32,
    pub module: &'a Module,
}

impl Display for FastFuncText<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let func = self.func;
        write!(f, "func[{}]", self.func_index)?;
        if let Some(name) = self.module.func_name(self.func_index) {
            write!(f, " {}", Identifier(name))?;
        }
        match self.module.func_type(self.func_index) {
            Some(ty) => writeln!(f, " {ty}")?,
            None => writeln!(f)?,
        }
        writeln!(
            f,
            "frame {} slots, extent {}, params {}, results {}",
            func.frame_size, func.extent, func.params, func.results
        )?;
        if !func.consts.is_empty() {
            write!(f, "consts")?;
            for (i, value) in func.consts.iter().enumerate() {
                let separator = if i == 0 { "" } else { "," };
                write!(
                    f,
                    "{separator} {} = {value:#x}",
                    S((func.const_base() + i) as Slot)
                )?;
            }
            writeln!(f)?;
        }
        let mut line = String::new();
        for (pc, op) in func.ops().enumerate() {
            line.clear();
            self.write_op(&mut line, &with_absolute_target(*op, pc))?;
            match func.offset(pc) {
                Some(offset) => writeln!(f, "{pc:>4}  {line:<COMMENT_COLUMN$} ; @{offset:#x}")?,
                None => writeln!(f, "{pc:>4}  {line}")?,
            }
        }
        Ok(())
    }
}

/// A slot operand.
struct S(Slot);

impl Display for S {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "s{}", self.0)
    }
}

/// A list of slots, `(s1, s2)`.
struct Slots<'a>(&'a [Slot]);

impl Display for Slots<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("(")?;
        for (at, &slot) in self.0.iter().enumerate() {
            if at > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", S(slot))?;
        }
        f.write_str(")")
    }
}

/// A memory offset: ` offset=N`, nothing when zero (as in wasm text).
struct Offset(u64);

impl Display for Offset {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 => Ok(()),
            offset => write!(f, " offset={offset}"),
        }
    }
}

/// A branch target.
struct Target(u32);

impl Display for Target {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "-> @{}", self.0)
    }
}

/// A constant's bits: small values in decimal (as a signed integer of
/// `bits` bits), others in hex (addresses, masks and float bit patterns
/// read better so).
struct Bits {
    value: u64,
    bits: u32,
}

impl Display for Bits {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let shift = 64 - self.bits;
        let signed = ((self.value << shift) as i64) >> shift;
        if (-0x1_0000..0x1_0000).contains(&signed) {
            write!(f, "{signed}")
        } else {
            write!(f, "{:#x}", self.value)
        }
    }
}

/// The operands of one of the op table's shapes, after the op's `name`.
trait Operands {
    fn write(&self, out: &mut String, name: &str) -> fmt::Result;
}

impl Operands for Un {
    fn write(&self, out: &mut String, name: &str) -> fmt::Result {
        write!(out, "{} = {name} {}", S(self.dst), S(self.src))
    }
}

impl Operands for Bin {
    fn write(&self, out: &mut String, name: &str) -> fmt::Result {
        write!(out, "{} = {name} {}, {}", S(self.dst), S(self.a), S(self.b))
    }
}

impl Operands for BinImm {
    fn write(&self, out: &mut String, name: &str) -> fmt::Result {
        write!(out, "{} = {name} {}, {}", S(self.dst), S(self.a), self.imm)
    }
}

impl Operands for BrTest {
    fn write(&self, out: &mut String, name: &str) -> fmt::Result {
        write!(out, "{name} {} {}", S(self.cond), Target(self.target))
    }
}

impl Operands for BrCmp {
    fn write(&self, out: &mut String, name: &str) -> fmt::Result {
        let (a, b, target) = (S(self.a), S(self.b), Target(self.target));
        write!(out, "{name} {a}, {b} {target}")
    }
}

impl Operands for BrCmpImm {
    fn write(&self, out: &mut String, name: &str) -> fmt::Result {
        let (a, target) = (S(self.a), Target(self.target));
        write!(out, "{name} {a}, {} {target}", self.imm)
    }
}

impl Operands for Load {
    fn write(&self, out: &mut String, name: &str) -> fmt::Result {
        let (dst, addr, offset) = (S(self.dst), S(self.addr), Offset(self.offset.into()));
        write!(out, "{dst} = {name} {addr}{offset}")
    }
}

impl Operands for Store {
    fn write(&self, out: &mut String, name: &str) -> fmt::Result {
        let (addr, value, offset) = (S(self.addr), S(self.value), Offset(self.offset.into()));
        write!(out, "{name} {addr}, {value}{offset}")
    }
}

impl Operands for LoadIdx {
    fn write(&self, out: &mut String, name: &str) -> fmt::Result {
        let (dst, a, b) = (S(self.dst), S(self.a), S(self.b));
        let offset = Offset(self.offset.into());
        write!(out, "{dst} = {name} {a}, {b}{offset}")
    }
}

impl Operands for StoreIdx {
    fn write(&self, out: &mut String, name: &str) -> fmt::Result {
        let (a, b, value) = (S(self.a), S(self.b), S(self.value));
        let offset = Offset(self.offset.into());
        write!(out, "{name} {a}, {b}, {value}{offset}")
    }
}

impl Operands for AddBrCmp {
    fn write(&self, out: &mut String, name: &str) -> fmt::Result {
        let (dst, a, b, target) = (S(self.dst), S(self.a), S(self.b), Target(self.target));
        write!(out, "{dst} = {name} {a}, {}, {b} {target}", self.imm)
    }
}

impl Operands for AddSlotBrCmp {
    fn write(&self, out: &mut String, name: &str) -> fmt::Result {
        let (dst, a, addend) = (S(self.dst), S(self.a), S(self.addend));
        let (b, target) = (S(self.b), Target(self.target));
        write!(out, "{dst} = {name} {a}, {addend}, {b} {target}")
    }
}

impl Operands for AddBrCmpImm {
    fn write(&self, out: &mut String, name: &str) -> fmt::Result {
        let (dst, a, target) = (S(self.dst), S(self.a), Target(self.target));
        let (imm, limit) = (self.imm, self.limit);
        write!(out, "{dst} = {name} {a}, {imm}, {limit} {target}")
    }
}

impl Operands for AndBr {
    fn write(&self, out: &mut String, name: &str) -> fmt::Result {
        let (dst, a, target) = (S(self.dst), S(self.a), Target(self.target));
        write!(out, "{dst} = {name} {a}, {} {target}", self.imm)
    }
}

impl Operands for Bin2 {
    fn write(&self, out: &mut String, name: &str) -> fmt::Result {
        let (t, dst) = (S(self.t), S(self.dst));
        let (a, b, c) = (S(self.a), S(self.b), S(self.c));
        write!(out, "{t}, {dst} = {name} {a}, {b}, {c}")
    }
}

impl Operands for ImmBin {
    fn write(&self, out: &mut String, name: &str) -> fmt::Result {
        let (t, dst, a, c) = (S(self.t), S(self.dst), S(self.a), S(self.c));
        write!(out, "{t}, {dst} = {name} {a}, {}, {c}", self.imm)
    }
}

impl Operands for LoadBin {
    fn write(&self, out: &mut String, name: &str) -> fmt::Result {
        let (ld, dst, addr, b) = (S(self.ld), S(self.dst), S(self.addr), S(self.b));
        let offset = Offset(self.offset.into());
        write!(out, "{ld}, {dst} = {name} {addr}, {b}{offset}")
    }
}

impl Operands for BinStore {
    fn write(&self, out: &mut String, name: &str) -> fmt::Result {
        let (dst, a, b, addr) = (S(self.dst), S(self.a), S(self.b), S(self.addr));
        let offset = Offset(self.offset.into());
        write!(out, "{dst} = {name} {a}, {b}, {addr}{offset}")
    }
}

impl FastFuncText<'_> {
    /// Writes `op` (without its pc and offset) to `out`.
    // The table's `other` ops this printer does not know yet (one added
    // later) are printed by their fields by the match's last arms, which
    // are unreachable while every one is written out.
    #[allow(unreachable_patterns)]
    fn write_op(&self, out: &mut String, op: &Op) -> fmt::Result {
        let func = self.func;
        let name = op_name(op);
        let name = name.as_str();
        macro_rules! write_op {
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
                match *op {
                    $(Op::$un(x) => x.write(out, name),)*
                    $(Op::$ut(x) => x.write(out, name),)*
                    $(Op::$bin(x) => x.write(out, name),)*
                    $(Op::$bt(x) => x.write(out, name),)*
                    $(Op::$bi(x) => x.write(out, name),)*
                    $(Op::$bz(x) => x.write(out, name),)*
                    $(Op::$bc(x) => x.write(out, name),)*
                    $(Op::$bci(x) => x.write(out, name),)*
                    $(Op::$ld(x) => x.write(out, name),)*
                    $(Op::$st(x) => x.write(out, name),)*
                    $(Op::$ldx(x) => x.write(out, name),)*
                    $(Op::$stx(x) => x.write(out, name),)*
                    $(Op::$abc(x) => x.write(out, name),)*
                    $(Op::$abi(x) => x.write(out, name),)*
                    $(Op::$asc(x) => x.write(out, name),)*
                    $(Op::$anb(x) => x.write(out, name),)*
                    $(Op::$b2(x) => x.write(out, name),)*
                    $(Op::$ib(x) => x.write(out, name),)*
                    $(Op::$lb(x) => x.write(out, name),)*
                    $(Op::$lbs(x) => x.write(out, name),)*
                    $(Op::$bs(x) => x.write(out, name),)*
                    Op::Trap(()) | Op::Return0(()) => out.write_str(name),
                    Op::Br(target) => write!(out, "{name} {}", Target(target)),
                    Op::BrTable(table) => {
                        write!(out, "{name} {} ->", S(table.index))?;
                        let start = table.targets as usize;
                        let targets = func
                            .targets
                            .get(start..start + table.len as usize)
                            .unwrap_or(&[]);
                        for (at, target) in targets.iter().enumerate() {
                            let default = if at + 1 == targets.len() { "default " } else { "" };
                            let separator = if at == 0 { "" } else { "," };
                            write!(out, "{separator} {default}@{target}")?;
                        }
                        Ok(())
                    }
                    Op::BrTableI32Load8U(x) => {
                        x.write(out, name)?;
                        out.write_str(SWITCH_LOAD_CASES)
                    }
                    Op::BrTableI32Load8UIdx(x) => {
                        x.write(out, name)?;
                        out.write_str(SWITCH_LOAD_CASES)
                    }
                    Op::Return1(src) => write!(out, "{name} {}", S(src)),
                    Op::Return(list) => write!(out, "{name} {}", Slots(func.return_slots(list))),
                    Op::CallInternal(call) | Op::ReturnCallInternal(call) => {
                        let index = self.module.func_imports.saturating_add(call.func);
                        self.write_call(out, name, index, call)
                    }
                    Op::Call(call) | Op::ReturnCall(call) => {
                        self.write_call(out, name, call.func, call)
                    }
                    Op::CallIndirect(call) | Op::ReturnCallIndirect(call) => {
                        let index = S(call.index);
                        let (table, ty) = (call.table, call.type_index);
                        write!(out, "{name} {index} table={table} type={ty} ")?;
                        self.write_call_slots(out, call.list)
                    }
                    Op::Copy(x) => x.write(out, name),
                    Op::Copy2(x) | Op::Copy2Br(Copy2Br { copies: x, .. }) => {
                        let (dst0, dst1) = (S(x.dst0), S(x.dst1));
                        let (src0, src1) = (S(x.src0), S(x.src1));
                        write!(out, "{dst0}, {dst1} = {name} {src0}, {src1}")?;
                        match *op {
                            Op::Copy2Br(x) => write!(out, " {}", Target(x.target)),
                            _ => Ok(()),
                        }
                    }
                    Op::CopyBr(x) => {
                        let (dst, src, target) = (S(x.dst), S(x.src), Target(x.target));
                        write!(out, "{dst} = {name} {src} {target}")
                    }
                    Op::I32AddImmBr(x) => {
                        let (dst, a, target) = (S(x.dst), S(x.a), Target(x.target));
                        write!(out, "{dst} = {name} {a}, {} {target}", x.imm)
                    }
                    Op::I32AddImm2(x) => {
                        let (dst0, dst1) = (S(x.dst0), S(x.dst1));
                        let (a0, a1) = (S(x.a0), S(x.a1));
                        let (imm0, imm1) = (x.imm0, x.imm1);
                        write!(out, "{dst0}, {dst1} = {name} {a0}, {imm0}, {a1}, {imm1}")
                    }
                    Op::Const32(x) => {
                        let value = Bits { value: x.value.into(), bits: 32 };
                        write!(out, "{} = {name} {value}", S(x.dst))
                    }
                    Op::Const64(x) => {
                        let value = Bits { value: x.value(), bits: 64 };
                        write!(out, "{} = {name} {value}", S(x.dst))
                    }
                    Op::Select(x) => {
                        let (dst, a, b, cond) = (S(x.dst), S(x.a), S(x.b), S(x.cond));
                        write!(out, "{dst} = {name} {a}, {b}, {cond}")
                    }
                    Op::GlobalGet(x) => write!(out, "{} = {name} global={}", S(x.slot), x.index),
                    Op::GlobalSet(x) => write!(out, "{name} {} global={}", S(x.slot), x.index),
                    Op::RefFunc(x) => {
                        write!(out, "{} = {name} ", S(x.slot))?;
                        self.write_func(out, x.index)
                    }
                    Op::LoadExt(x) => {
                        write!(out, "{} = {name} ", S(x.value))?;
                        self.write_access(out, x)?;
                        write!(out, " {}", S(x.addr))?;
                        self.write_memarg(out, x.memarg)
                    }
                    Op::StoreExt(x) => {
                        write!(out, "{name} ")?;
                        self.write_access(out, x)?;
                        write!(out, " {}, {}", S(x.addr), S(x.value))?;
                        self.write_memarg(out, x.memarg)
                    }
                    Op::MemorySize(x) => write!(out, "{} = {name} memory={}", S(x.slot), x.index),
                    Op::MemoryGrow(x) => {
                        let (dst, delta) = (S(x.a), S(x.b));
                        write!(out, "{dst} = {name} {delta} memory={}", x.index)
                    }
                    Op::MemoryFill(x) => self.write_bulk(out, name, x, Some("memory"), None),
                    Op::MemoryCopy(x) => self.write_bulk(out, name, x, Some("dst"), Some("src")),
                    Op::MemoryInit(x) => {
                        self.write_bulk(out, name, x, Some("data"), Some("memory"))
                    }
                    Op::DataDrop(data) => write!(out, "{name} data={data}"),
                    Op::TableGet(x) => {
                        let (dst, index) = (S(x.a), S(x.b));
                        write!(out, "{dst} = {name} {index} table={}", x.index)
                    }
                    Op::TableSet(x) => {
                        let (index, value) = (S(x.a), S(x.b));
                        write!(out, "{name} {index}, {value} table={}", x.index)
                    }
                    Op::TableSize(x) => write!(out, "{} = {name} table={}", S(x.slot), x.index),
                    Op::TableGrow(x) => {
                        let (dst, init, delta) = (S(x.dst), S(x.init), S(x.delta));
                        write!(out, "{dst} = {name} {init}, {delta} table={}", x.table)
                    }
                    Op::TableFill(x) => self.write_bulk(out, name, x, Some("table"), None),
                    Op::TableCopy(x) => self.write_bulk(out, name, x, Some("dst"), Some("src")),
                    Op::TableInit(x) => self.write_bulk(out, name, x, Some("elem"), Some("table")),
                    Op::ElemDrop(elem) => write!(out, "{name} elem={elem}"),
                    Op::LoopHeader(at) => {
                        write!(out, "{name} loop={at}")?;
                        match func.loops.get(at as usize) {
                            Some(block) => write!(out, " block={block}"),
                            None => Ok(()),
                        }
                    }
                    $(Op::$other(x) => write!(out, "{name} {x:?}"),)*
                }
            };
        }
        for_each_op!(write_op!)
    }

    /// `func3 $name`: function `index` of the module's function index space.
    fn write_func(&self, out: &mut String, index: u32) -> fmt::Result {
        write!(out, "func{index}")?;
        match self.module.func_name(index) {
            Some(name) => write!(out, " {}", Identifier(name)),
            None => Ok(()),
        }
    }

    fn write_call(&self, out: &mut String, name: &str, index: u32, call: Call) -> fmt::Result {
        write!(out, "{name} ")?;
        self.write_func(out, index)?;
        out.write_str(" ")?;
        self.write_call_slots(out, call.list)
    }

    /// `(args) -> (results)`; just `(args)` for tail calls, whose results
    /// go to the caller's caller.
    fn write_call_slots(&self, out: &mut String, list: u32) -> fmt::Result {
        let (args, results) = self.func.call_slots(list);
        write!(out, "{}", Slots(args))?;
        if results.is_empty() {
            Ok(())
        } else {
            write!(out, " -> {}", Slots(results))
        }
    }

    /// The access of a [`MemExt`] op, as the memory-0 op's name.
    fn write_access(&self, out: &mut String, access: MemExt) -> fmt::Result {
        match MemKind::from_u8(access.kind) {
            Some(kind) => out.write_str(&wasm_style_name(&format!("{kind:?}"))),
            None => write!(out, "kind={}", access.kind),
        }
    }

    /// The memory and offset of a [`MemExt`] op.
    fn write_memarg(&self, out: &mut String, memarg: u32) -> fmt::Result {
        match self.func.imms.get(memarg as usize) {
            Some(&(memory, offset)) => write!(out, " memory={memory}{}", Offset(offset)),
            None => write!(out, " memarg={memarg}"),
        }
    }

    /// A bulk op: its three slots, then its two module indices (`None`:
    /// the op has only the first).
    fn write_bulk(
        &self,
        out: &mut String,
        name: &str,
        bulk: Bulk,
        first: Option<&str>,
        second: Option<&str>,
    ) -> fmt::Result {
        let (a, b, c) = (S(bulk.a), S(bulk.b), S(bulk.c));
        write!(out, "{name} {a}, {b}, {c}")?;
        let Some(&(x, y)) = self.func.imms.get(bulk.imm as usize) else {
            return write!(out, " imm={}", bulk.imm);
        };
        if let Some(first) = first {
            write!(out, " {first}={x}")?;
        }
        if let Some(second) = second {
            write!(out, " {second}={y}")?;
        }
        Ok(())
    }
}

/// The text name of `op`'s variant.
fn op_name(op: &Op) -> String {
    match OpKind::NAMES.get(op.kind() as usize) {
        Some(variant) => wasm_style_name(variant),
        None => format!("op{}", op.kind() as usize),
    }
}

/// Wasm-text-style prefixes an op name is split after, besides a value
/// type (`i32.add`, `br_i32.lt_s`).
const NAMESPACES: [&str; 6] = ["global", "memory", "table", "data", "elem", "ref"];

/// A variant name in the style of wasm text: its camel-case words in lower
/// case joined by `_`, with a `.` instead after the first value type
/// (`I32WrapI64` is `i32.wrap_i64`, `AddBrI32LtS` is `add_br_i32.lt_s`) or
/// after a leading namespace (`GlobalGet` is `global.get`). Digits stay with
/// the word before them (`I32Load8S` is `i32.load8_s`).
fn wasm_style_name(variant: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    for c in variant.chars() {
        match words.last_mut() {
            Some(word) if !c.is_ascii_uppercase() => word.push(c),
            _ => words.push(c.to_ascii_lowercase().to_string()),
        }
    }
    let split = words
        .iter()
        .position(|word| matches!(word.as_str(), "i32" | "i64" | "f32" | "f64"))
        .or_else(|| {
            let first = words.first()?;
            NAMESPACES.contains(&first.as_str()).then_some(0)
        })
        .filter(|&at| at + 1 < words.len());
    match split {
        Some(at) => format!("{}.{}", words[..=at].join("_"), words[at + 1..].join("_")),
        None => words.join("_"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::code::{BrTable, Const32, Const64, Copy2};
    use super::*;

    #[test]
    fn names_follow_wasm_text() {
        for (variant, name) in [
            ("I32Add", "i32.add"),
            ("I32AddImm", "i32.add_imm"),
            ("I32AddImm2", "i32.add_imm2"),
            ("I32WrapI64", "i32.wrap_i64"),
            ("I32Load8S", "i32.load8_s"),
            ("I32Load16UIdx", "i32.load16_u_idx"),
            ("F64ConvertI64U", "f64.convert_i64_u"),
            ("BrI32LtSImm", "br_i32.lt_s_imm"),
            ("AddBrI32GeU", "add_br_i32.ge_u"),
            ("AddSlotBrI32LtS", "add_slot_br_i32.lt_s"),
            ("BrF64NotLe", "br_f64.not_le"),
            ("AndBrEqz32", "and_br_eqz32"),
            ("BrNez64", "br_nez64"),
            ("RefIsNull", "ref.is_null"),
            ("GlobalGet", "global.get"),
            ("MemoryGrow", "memory.grow"),
            ("ElemDrop", "elem.drop"),
            ("ReturnCallIndirect", "return_call_indirect"),
            ("Copy2Br", "copy2_br"),
            ("Br", "br"),
            ("Const64", "const64"),
        ] {
            assert_eq!(wasm_style_name(variant), name, "{variant}");
        }
    }

    #[test]
    fn every_op_name_is_distinct() {
        let mut names: Vec<String> = OpKind::NAMES.iter().map(|v| wasm_style_name(v)).collect();
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count);
    }

    #[test]
    fn ops_print_slots_immediates_targets_and_call_lists() {
        let module = zwasm_decode::Module {
            func_imports: 1,
            ..Default::default()
        };
        let func = FastFunc {
            code: [
                Op::Const32(Const32 { dst: 2, value: 7 }),
                Op::Const64(Const64::new(3, 0x3ff0_0000_0000_0000)),
                Op::I32AddImm(BinImm {
                    dst: 2,
                    a: 0,
                    imm: -1,
                }),
                Op::I32Load(Load {
                    dst: 4,
                    addr: 2,
                    offset: 8,
                }),
                Op::BrI32LtU(BrCmp {
                    a: 0,
                    b: 1,
                    target: 7,
                }),
                Op::CallInternal(Call { func: 0, list: 0 }),
                Op::BrTable(BrTable {
                    index: 0,
                    targets: 0,
                    len: 3,
                }),
                Op::Copy2Br(Copy2Br {
                    copies: Copy2 {
                        dst0: 0,
                        src0: 1,
                        dst1: 1,
                        src1: 0,
                    },
                    target: 4,
                }),
                Op::Return(5),
                Op::LoopHeader(0),
                Op::AddBrI32LtSImm(AddBrCmpImm {
                    dst: 1,
                    a: 1,
                    imm: 1,
                    limit: 10,
                    target: 9,
                }),
            ]
            .into_iter()
            .enumerate()
            .map(|(pc, mut op)| {
                // Targets relative to their branch, as `verify::check`
                // leaves them.
                if let Some(target) = op.target_mut() {
                    *target = crate::fast::compile::relative_target(pc, *target);
                }
                crate::fast::code::Inst::new(op)
            })
            .collect(),
            offsets: Box::new([
                0x20,
                0x22,
                0x24,
                u32::MAX,
                0x28,
                0x2a,
                0x2c,
                0x2e,
                0x30,
                0x32,
                0x34,
            ]),
            lists: Box::new([2, 1, 0, 1, 4, 2, 0, 4]),
            targets: Box::new([5, 6, 8]),
            imms: Box::new([]),
            frame_size: 5,
            extent: 7,
            params: 2,
            results: 2,
            loops: Box::new([3]),
            consts: Box::new([]),
        };
        let text = FastFuncText {
            func: &func,
            func_index: 1,
            module: &module,
        }
        .to_string();
        let expected = "\
func[1]
frame 5 slots, extent 7, params 2, results 2
   0  s2 = const32 7                           ; @0x20
   1  s3 = const64 0x3ff0000000000000          ; @0x22
   2  s2 = i32.add_imm s0, -1                  ; @0x24
   3  s4 = i32.load s2 offset=8
   4  br_i32.lt_u s0, s1 -> @7                 ; @0x28
   5  call_internal func1 (s0, s1) -> (s4)     ; @0x2a
   6  br_table s0 -> @5, @6, default @8        ; @0x2c
   7  s0, s1 = copy2_br s1, s0 -> @4           ; @0x2e
   8  return (s0, s4)                          ; @0x30
   9  loop_header loop=0 block=3               ; @0x32
  10  s1 = add_br_i32.lt_s_imm s1, 1, 10 -> @9 ; @0x34
";
        assert_eq!(text, expected);
    }
}
