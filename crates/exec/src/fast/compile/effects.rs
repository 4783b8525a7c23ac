//! The slots an op reads and writes, for the ops whose operands are their
//! group's fields (`for_each_op!`): one `match` with the masks computed in
//! place, instead of a pass of `Op::for_each_slot` and one of
//! `Op::for_each_write` (the direct translator's clearing dataflow runs this
//! on every op of every function).

use crate::fast::code::{
    AddBrCmp, AddBrCmpImm, AndBr, Bin, Bin2, BinImm, BinStore, BrCmp, BrCmpImm, BrTest, ImmBin,
    Load, LoadBin, LoadIdx, Op, Slot, Store, StoreIdx, Un, for_each_op,
};

/// The masks of the read slots `r` and of the written slots `w`, each
/// renamed first.
macro_rules! masks {
    ($rename:ident, $bit:ident; [$($r:ident),*], [$($w:ident),*]) => {{
        $($rename($r);)*
        $($rename($w);)*
        (0 $(| $bit(*$r))*, 0 $(| $bit(*$w))*)
    }};
}

macro_rules! define_regular_effects {
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
        and_br { $($anb:ident: |$anbv:ident| $anbe:expr;)* }
        bin2 { $($b2:ident: $b2t:ty => |$b2a:ident, $b2b:ident| $b2f:expr, |$b2x:ident, $b2c:ident| $b2g:expr;)* }
        imm_bin { $($ib:ident: $ibt:ty => |$iba:ident, $ibb:ident| $ibf:expr, |$ibx:ident, $ibc:ident| $ibg:expr;)* }
        load_bin { $($lb:ident: $lbt:ty => |$lbv:ident, $lbb:ident| $lbe:expr;)* }
        bin_store { $($bs:ident: $bst:ty => |$bsa:ident, $bsb:ident| $bse:expr;)* }
        other { $($other:ident($ty:ty),)* }
    ) => {
        /// The masks (through `bit`) of the slots `op` reads and of those it
        /// writes, for ops of the regular groups, after `rename` changed each
        /// slot operand in place; `None` (nothing renamed) for the others
        /// (copies, constants, calls, returns, …), which the caller takes
        /// through `Op::for_each_slot_mut` and `Op::for_each_write`. The
        /// same sets as those two give: a slot both read and written is in
        /// both masks. The patterns name every field, so that a new slot
        /// field cannot be missed here.
        #[inline(always)]
        pub(super) fn regular_effects(
            op: &mut Op,
            rename: impl Fn(&mut Slot),
            bit: impl Fn(Slot) -> u64,
        ) -> Option<(u64, u64)> {
            Some(match op {
                $(Op::$un(Un { dst, src }) => masks!(rename, bit; [src], [dst]),)*
                $(Op::$ut(Un { dst, src }) => masks!(rename, bit; [src], [dst]),)*
                $(Op::$bin(Bin { dst, a, b }) => masks!(rename, bit; [a, b], [dst]),)*
                $(Op::$bt(Bin { dst, a, b }) => masks!(rename, bit; [a, b], [dst]),)*
                $(Op::$bi(BinImm { dst, a, imm: _ }) => masks!(rename, bit; [a], [dst]),)*
                $(Op::$bz(BrTest { cond, target: _ }) => masks!(rename, bit; [cond], []),)*
                $(Op::$bc(BrCmp { a, b, target: _ }) => masks!(rename, bit; [a, b], []),)*
                $(Op::$bci(BrCmpImm { a, imm: _, target: _ }) => masks!(rename, bit; [a], []),)*
                $(Op::$ld(Load { dst, addr, offset: _ }) => masks!(rename, bit; [addr], [dst]),)*
                $(Op::$st(Store { addr, value, offset: _ }) => masks!(rename, bit; [addr, value], []),)*
                $(Op::$ldx(LoadIdx { dst, a, b, offset: _ }) => masks!(rename, bit; [a, b], [dst]),)*
                $(Op::$stx(StoreIdx { a, b, value, offset: _ }) => masks!(rename, bit; [a, b, value], []),)*
                $(Op::$abc(AddBrCmp { dst, a, b, imm: _, target: _ }) => masks!(rename, bit; [a, b], [dst]),)*
                $(Op::$abi(AddBrCmpImm { dst, a, imm: _, limit: _, target: _ }) => {
                    masks!(rename, bit; [a], [dst])
                })*
                $(Op::$anb(AndBr { dst, a, imm: _, target: _ }) => masks!(rename, bit; [a], [dst]),)*
                $(Op::$b2(Bin2 { t, a, b, dst, c }) => masks!(rename, bit; [a, b, c], [t, dst]),)*
                $(Op::$ib(ImmBin { t, a, dst, c, imm: _ }) => masks!(rename, bit; [a, c], [t, dst]),)*
                $(Op::$lb(LoadBin { ld, addr, dst, b, offset: _ }) => masks!(rename, bit; [addr, b], [ld, dst]),)*
                $(Op::$bs(BinStore { dst, a, b, addr, offset: _ }) => {
                    masks!(rename, bit; [a, b, addr], [dst])
                })*
                _ => return None,
            })
        }
    };
}

for_each_op!(define_regular_effects!);

#[cfg(test)]
mod tests {
    use super::regular_effects;
    use crate::fast::code::{Bin, Bin2, BinImm, Op, Slot, Store, Un};

    /// The masks of `op` as `Op::for_each_slot` and `Op::for_each_write`
    /// give them: the written slots, and every other slot operand.
    fn generic(op: &Op) -> (u64, u64) {
        let bit = |slot: Slot| 1u64 << (slot % 64);
        let mut writes = Vec::new();
        assert!(op.for_each_write(|slot| writes.push(slot)));
        let mut reads = 0;
        let mut unmatched = writes.clone();
        op.for_each_slot(|slot| match unmatched.iter().position(|&w| w == slot) {
            Some(at) => {
                unmatched.remove(at);
            }
            None => reads |= bit(slot),
        });
        (reads, writes.iter().fold(0, |m, &s| m | bit(s)))
    }

    #[test]
    fn regular_ops_have_the_effects_of_their_slot_lists() {
        let ops = [
            Op::I32Add(Bin { dst: 3, a: 1, b: 2 }),
            Op::I32Add(Bin { dst: 1, a: 1, b: 1 }),
            Op::I32AddImm(BinImm {
                dst: 4,
                a: 4,
                imm: 1,
            }),
            Op::I32Eqz(Un { dst: 5, src: 6 }),
            Op::I32Store(Store {
                addr: 7,
                value: 8,
                offset: 0,
            }),
            Op::F64MulAdd(Bin2 {
                t: 9,
                a: 1,
                b: 2,
                dst: 10,
                c: 9,
            }),
        ];
        let keep = |_: &mut Slot| {};
        for mut op in ops {
            let expected = generic(&op);
            assert_eq!(
                regular_effects(&mut op, keep, |slot| 1u64 << (slot % 64)),
                Some(expected),
                "{op:?}"
            );
        }
        // Not a regular op: left to the slot lists.
        assert_eq!(regular_effects(&mut Op::Return1(3), keep, |_| 1), None);
    }

    #[test]
    fn every_slot_operand_is_renamed() {
        let rename = |slot: &mut Slot| *slot += 100;
        let mut op = Op::F64MulAdd(Bin2 {
            t: 1,
            a: 2,
            b: 3,
            dst: 4,
            c: 5,
        });
        let mut expected = op;
        expected.for_each_slot_mut(rename);
        regular_effects(&mut op, rename, |_| 0);
        assert_eq!(op, expected);
    }
}
