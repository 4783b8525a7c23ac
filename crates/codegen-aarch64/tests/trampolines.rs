//! The entry trampoline and the host-call adapter for a range of
//! signatures: they build, every word decodes, and the register and stack
//! traffic follows the calling convention.

use zwasm_codegen_aarch64::lower::disasm::decode_word;
use zwasm_codegen_aarch64::lower::trampoline::{
    TrampolineError, entry_trampoline, host_call_adapter, stack_switch,
};
use zwasm_decode::ValType;

fn disassemble(code: &[u8]) -> Vec<String> {
    code.chunks_exact(4)
        .map(|word| {
            let word = u32::from_le_bytes([word[0], word[1], word[2], word[3]]);
            decode_word(word).unwrap_or_else(|| panic!("undecodable {word:#010x}"))
        })
        .collect()
}

fn signatures() -> Vec<(Vec<ValType>, Vec<ValType>)> {
    use ValType::*;
    vec![
        (vec![], vec![]),
        (vec![I32, I64], vec![I32]),
        (vec![F32, F64, I32], vec![F64, I64]),
        (vec![I64; 12], vec![I64; 10]),
        (vec![F64; 10], vec![F32; 9]),
        (vec![FuncRef, ExternRef], vec![ExternRef]),
    ]
}

#[test]
fn trampolines_build_and_decode() {
    for (params, results) in signatures() {
        let entry = entry_trampoline(&params, &results).expect("entry");
        let text = disassemble(&entry);
        assert!(text.iter().any(|t| t.starts_with("blr x17")), "{text:?}");
        assert_eq!(text.last().map(String::as_str), Some("ret"));
        let adapter = host_call_adapter(&params, &results).expect("adapter");
        let text = disassemble(&adapter);
        assert!(text.iter().any(|t| t.starts_with("blr x16")), "{text:?}");
    }
}

#[test]
fn entry_loads_register_and_stack_parameters() {
    use ValType::*;
    let params = vec![I64; 9];
    let text = disassemble(&entry_trampoline(&params, &[I64]).expect("entry"));
    // x1..x7 from the values array in x19, then two through x16 to the stack.
    assert!(text.contains(&"ldr x1, [x19]".to_string()), "{text:?}");
    assert!(
        text.contains(&"ldr x7, [x19, #0x30]".to_string()),
        "{text:?}"
    );
    assert!(
        text.contains(&"str x16, [sp, #0x8]".to_string()),
        "{text:?}"
    );
    assert!(text.contains(&"str x0, [x19]".to_string()), "{text:?}");
}

#[test]
fn v128_signatures_are_refused() {
    assert_eq!(
        entry_trampoline(&[ValType::V128], &[]),
        Err(TrampolineError::Unsupported(ValType::V128))
    );
}

#[test]
fn the_stack_switch_calls_the_entry_on_the_new_stack_and_comes_back() {
    let text = disassemble(&stack_switch().expect("stack switch"));
    assert_eq!(
        text,
        [
            "stp x29, x30, [sp, #-0x10]!",
            "mov x29, sp",
            "mov sp, x3",
            "blr x4",
            "mov sp, x29",
            "ldp x29, x30, [sp], #0x10",
            "ret",
        ]
    );
}
