//! The operators most of a body is made of, decoded straight from its
//! bytes for the direct translator: wasmparser's reader decodes every
//! operator in one large function (a deep frame, a control-stack check and
//! a nested `Result` per operator), which cost about as much as translating
//! the operator. The rest go to that reader. A test decodes every opcode
//! both ways and compares what the visitor receives.

use wasmparser::{BinaryReader, BlockType, MemArg, MemArgTarget, ValType, VisitOperator};

type Read<T> = Result<T, wasmparser::BinaryReaderError>;

/// A memory access's immediate whose flags are a single byte below 16 (an
/// alignment, and nothing else: memory 0, no ordering), which compilers
/// emit.
#[inline(always)]
fn plain_memarg(reader: &mut BinaryReader<'_>, max_align: u8, memory64: bool) -> Read<MemArg> {
    let align = reader.read_u8()?;
    let offset = if memory64 {
        reader.read_var_u64()?
    } else {
        u64::from(reader.read_var_u32()?)
    };
    Ok(MemArg {
        align,
        max_align,
        offset,
        target: MemArgTarget::Memory(0),
        ordering: None,
    })
}

/// Visits the operator at the reader's position (read from `bytes`, the
/// reader's buffer) if it is one decoded here; `Ok(None)`: it is not, and
/// the reader has not moved. `memory64`: memory offsets are 64-bit LEBs
/// (the reader's feature).
#[inline(always)]
pub(super) fn visit_common<'a, V: VisitOperator<'a>>(
    reader: &mut BinaryReader<'a>,
    bytes: &[u8],
    memory64: bool,
    visitor: &mut V,
) -> Read<Option<V::Output>> {
    let at = reader.current_position();
    let Some(&opcode) = bytes.get(at) else {
        return Ok(None);
    };
    let next = bytes.get(at + 1).copied().unwrap_or(0xff);
    // One match over the opcode, each arm reading its immediates.
    macro_rules! decode {
        ($(
            $($byte:literal)|* => $visit:ident $(($how:ident $($arg:literal)?))?,
        )*) => {
            match opcode {
                $($($byte)|* => {
                    decode!(@visit $visit $(($how $($arg)?))?)
                })*
                _ => Ok(None),
            }
        };
        (@visit $visit:ident) => {{
            reader.read_u8()?;
            Ok(Some(visitor.$visit()))
        }};
        (@visit $visit:ident (index)) => {{
            reader.read_u8()?;
            let index = reader.read_var_u32()?;
            Ok(Some(visitor.$visit(index)))
        }};
        (@visit $visit:ident (i32)) => {{
            reader.read_u8()?;
            let value = reader.read_var_i32()?;
            Ok(Some(visitor.$visit(value)))
        }};
        (@visit $visit:ident (i64)) => {{
            reader.read_u8()?;
            let value = reader.read_var_i64()?;
            Ok(Some(visitor.$visit(value)))
        }};
        // A block type of one byte: none or one number type.
        (@visit $visit:ident (block)) => {{
            let ty = match next {
                0x40 => BlockType::Empty,
                0x7f => BlockType::Type(ValType::I32),
                0x7e => BlockType::Type(ValType::I64),
                0x7d => BlockType::Type(ValType::F32),
                0x7c => BlockType::Type(ValType::F64),
                _ => return Ok(None),
            };
            reader.read_u8()?;
            reader.read_u8()?;
            Ok(Some(visitor.$visit(ty)))
        }};
        // A memory access (its natural alignment) with flags below 16.
        (@visit $visit:ident (memory $max_align:literal)) => {{
            if next >= 0x10 {
                return Ok(None);
            }
            reader.read_u8()?;
            let memarg = plain_memarg(reader, $max_align, memory64)?;
            Ok(Some(visitor.$visit(memarg)))
        }};
    }
    decode! {
        0x00 => visit_unreachable, 0x01 => visit_nop,
        0x02 => visit_block(block), 0x03 => visit_loop(block), 0x04 => visit_if(block),
        0x0b => visit_end, 0x0c => visit_br(index), 0x0d => visit_br_if(index),
        0x0f => visit_return, 0x10 => visit_call(index),
        0x1a => visit_drop, 0x1b => visit_select,
        0x20 => visit_local_get(index), 0x21 => visit_local_set(index),
        0x22 => visit_local_tee(index), 0x23 => visit_global_get(index),
        0x24 => visit_global_set(index),
        0x28 => visit_i32_load(memory 2), 0x29 => visit_i64_load(memory 3),
        0x2a => visit_f32_load(memory 2), 0x2b => visit_f64_load(memory 3),
        0x2c => visit_i32_load8_s(memory 0), 0x2d => visit_i32_load8_u(memory 0),
        0x2e => visit_i32_load16_s(memory 1), 0x2f => visit_i32_load16_u(memory 1),
        0x30 => visit_i64_load8_s(memory 0), 0x31 => visit_i64_load8_u(memory 0),
        0x32 => visit_i64_load16_s(memory 1), 0x33 => visit_i64_load16_u(memory 1),
        0x34 => visit_i64_load32_s(memory 2), 0x35 => visit_i64_load32_u(memory 2),
        0x36 => visit_i32_store(memory 2), 0x37 => visit_i64_store(memory 3),
        0x38 => visit_f32_store(memory 2), 0x39 => visit_f64_store(memory 3),
        0x3a => visit_i32_store8(memory 0), 0x3b => visit_i32_store16(memory 1),
        0x3c => visit_i64_store8(memory 0), 0x3d => visit_i64_store16(memory 1),
        0x3e => visit_i64_store32(memory 2),
        0x41 => visit_i32_const(i32), 0x42 => visit_i64_const(i64),
        0x45 => visit_i32_eqz, 0x46 => visit_i32_eq, 0x47 => visit_i32_ne,
        0x48 => visit_i32_lt_s, 0x49 => visit_i32_lt_u, 0x4a => visit_i32_gt_s,
        0x4b => visit_i32_gt_u, 0x4c => visit_i32_le_s, 0x4d => visit_i32_le_u,
        0x4e => visit_i32_ge_s, 0x4f => visit_i32_ge_u,
        0x50 => visit_i64_eqz, 0x51 => visit_i64_eq, 0x52 => visit_i64_ne,
        0x53 => visit_i64_lt_s, 0x54 => visit_i64_lt_u, 0x55 => visit_i64_gt_s,
        0x56 => visit_i64_gt_u, 0x57 => visit_i64_le_s, 0x58 => visit_i64_le_u,
        0x59 => visit_i64_ge_s, 0x5a => visit_i64_ge_u,
        0x5b => visit_f32_eq, 0x5c => visit_f32_ne, 0x5d => visit_f32_lt,
        0x5e => visit_f32_gt, 0x5f => visit_f32_le, 0x60 => visit_f32_ge,
        0x61 => visit_f64_eq, 0x62 => visit_f64_ne, 0x63 => visit_f64_lt,
        0x64 => visit_f64_gt, 0x65 => visit_f64_le, 0x66 => visit_f64_ge,
        0x67 => visit_i32_clz, 0x68 => visit_i32_ctz, 0x69 => visit_i32_popcnt,
        0x6a => visit_i32_add, 0x6b => visit_i32_sub, 0x6c => visit_i32_mul,
        0x6d => visit_i32_div_s, 0x6e => visit_i32_div_u, 0x6f => visit_i32_rem_s,
        0x70 => visit_i32_rem_u, 0x71 => visit_i32_and, 0x72 => visit_i32_or,
        0x73 => visit_i32_xor, 0x74 => visit_i32_shl, 0x75 => visit_i32_shr_s,
        0x76 => visit_i32_shr_u, 0x77 => visit_i32_rotl, 0x78 => visit_i32_rotr,
        0x79 => visit_i64_clz, 0x7a => visit_i64_ctz, 0x7b => visit_i64_popcnt,
        0x7c => visit_i64_add, 0x7d => visit_i64_sub, 0x7e => visit_i64_mul,
        0x7f => visit_i64_div_s, 0x80 => visit_i64_div_u, 0x81 => visit_i64_rem_s,
        0x82 => visit_i64_rem_u, 0x83 => visit_i64_and, 0x84 => visit_i64_or,
        0x85 => visit_i64_xor, 0x86 => visit_i64_shl, 0x87 => visit_i64_shr_s,
        0x88 => visit_i64_shr_u, 0x89 => visit_i64_rotl, 0x8a => visit_i64_rotr,
        0x8b => visit_f32_abs, 0x8c => visit_f32_neg, 0x8d => visit_f32_ceil,
        0x8e => visit_f32_floor, 0x8f => visit_f32_trunc, 0x90 => visit_f32_nearest,
        0x91 => visit_f32_sqrt, 0x92 => visit_f32_add, 0x93 => visit_f32_sub,
        0x94 => visit_f32_mul, 0x95 => visit_f32_div, 0x96 => visit_f32_min,
        0x97 => visit_f32_max, 0x98 => visit_f32_copysign,
        0x99 => visit_f64_abs, 0x9a => visit_f64_neg, 0x9b => visit_f64_ceil,
        0x9c => visit_f64_floor, 0x9d => visit_f64_trunc, 0x9e => visit_f64_nearest,
        0x9f => visit_f64_sqrt, 0xa0 => visit_f64_add, 0xa1 => visit_f64_sub,
        0xa2 => visit_f64_mul, 0xa3 => visit_f64_div, 0xa4 => visit_f64_min,
        0xa5 => visit_f64_max, 0xa6 => visit_f64_copysign,
        0xa7 => visit_i32_wrap_i64, 0xa8 => visit_i32_trunc_f32_s,
        0xa9 => visit_i32_trunc_f32_u, 0xaa => visit_i32_trunc_f64_s,
        0xab => visit_i32_trunc_f64_u, 0xac => visit_i64_extend_i32_s,
        0xad => visit_i64_extend_i32_u, 0xae => visit_i64_trunc_f32_s,
        0xaf => visit_i64_trunc_f32_u, 0xb0 => visit_i64_trunc_f64_s,
        0xb1 => visit_i64_trunc_f64_u, 0xb2 => visit_f32_convert_i32_s,
        0xb3 => visit_f32_convert_i32_u, 0xb4 => visit_f32_convert_i64_s,
        0xb5 => visit_f32_convert_i64_u, 0xb6 => visit_f32_demote_f64,
        0xb7 => visit_f64_convert_i32_s, 0xb8 => visit_f64_convert_i32_u,
        0xb9 => visit_f64_convert_i64_s, 0xba => visit_f64_convert_i64_u,
        0xbb => visit_f64_promote_f32, 0xbc => visit_i32_reinterpret_f32,
        0xbd => visit_i64_reinterpret_f64, 0xbe => visit_f32_reinterpret_i32,
        0xbf => visit_f64_reinterpret_i64,
        0xc0 => visit_i32_extend8_s, 0xc1 => visit_i32_extend16_s,
        0xc2 => visit_i64_extend8_s, 0xc3 => visit_i64_extend16_s,
        0xc4 => visit_i64_extend32_s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A visitor that writes down each visit and its immediates.
    struct Recorder;

    macro_rules! record {
        ($(@$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
            $(
                fn $visit(&mut self $($(,$arg: $argty)*)?) -> String {
                    #[allow(unused_mut)] // visits without immediates
                    let mut visit = stringify!($visit).to_string();
                    $($( visit.push_str(&format!(" {:?}", $arg)); )*)?
                    visit
                }
            )*
        };
    }

    impl<'a> VisitOperator<'a> for Recorder {
        type Output = String;
        wasmparser::for_each_visit_operator!(record);
    }

    impl wasmparser::FrameStack for Recorder {
        fn current_frame(&self) -> Option<wasmparser::FrameKind> {
            Some(wasmparser::FrameKind::Block)
        }
    }

    /// Immediates to follow each opcode with: LEBs of one and more bytes,
    /// signed values, block types, memory immediates with and without
    /// flags.
    const IMMEDIATES: &[&[u8]] = &[
        &[0x00, 0x00, 0x0b],
        &[0x05, 0x80, 0x01, 0x0b],
        &[0x40, 0x0b],
        &[0x7f, 0x0b],
        &[0x7e, 0x0b],
        &[0x7d, 0x0b],
        &[0x7c, 0x0b],
        &[0x70, 0x0b],
        &[0x02, 0xff, 0xff, 0x03, 0x0b],
        &[0x03, 0x80, 0x80, 0x80, 0x80, 0x08, 0x0b],
        &[0x0f, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x0b],
        &[0x7f, 0x7f, 0x0b],
        &[0x10, 0x04, 0x0b],
        &[0x40, 0x00, 0x04, 0x0b],
        &[
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x0b,
        ],
    ];

    /// Every operator decoded here is decoded as wasmparser does: the same
    /// visit with the same immediates, and the reader left at the same
    /// place; whatever is not decoded here leaves the reader where it was.
    #[test]
    fn common_operators_decode_as_wasmparser_does() {
        let mut decoded = 0;
        for memory64 in [false, true] {
            let mut features = wasmparser::WasmFeatures::default();
            features.set(wasmparser::WasmFeatures::MEMORY64, memory64);
            for opcode in 0..=u8::MAX {
                for immediates in IMMEDIATES {
                    let mut bytes = vec![opcode];
                    bytes.extend_from_slice(immediates);
                    let mut ours = BinaryReader::new_features(&bytes, 100, features);
                    let mut theirs = ours.clone();
                    let visited = visit_common(&mut ours, &bytes, memory64, &mut Recorder);
                    match visited {
                        Ok(None) => assert_eq!(ours.current_position(), 0, "opcode {opcode:#x}"),
                        Ok(Some(visit)) => {
                            let expected = theirs.visit_operator(&mut Recorder);
                            assert_eq!(
                                expected.ok(),
                                Some(visit),
                                "opcode {opcode:#x} {immediates:x?}"
                            );
                            assert_eq!(ours.current_position(), theirs.current_position());
                            decoded += 1;
                        }
                        Err(_) => assert!(theirs.visit_operator(&mut Recorder).is_err()),
                    }
                }
            }
        }
        assert!(decoded > 2_000, "{decoded} decoded");
    }
}
