//! Backtraces of compiled code: the frame-pointer chain from the trapping
//! frame up to the entry trampoline, and the mapping of its addresses back
//! to functions and wasm offsets through the trap and call-site tables.

#![allow(unsafe_code)]

use super::compile::CompiledModule;
use crate::trap::FrameInfo;

/// More frames than this means a corrupt chain; stop there.
const MAX_FRAMES: usize = 1 << 20;

/// The trap address followed by the return address of every frame on the
/// chain from `fp` until the frame whose caller is the trampoline at
/// `entry_fp`.
///
/// # Safety
/// `fp` must be the frame pointer of compiled code on the current thread,
/// whose chain of frame records reaches `entry_fp`.
pub(crate) unsafe fn walk(pc: u64, mut fp: u64, entry_fp: u64) -> Vec<usize> {
    let mut pcs = vec![pc as usize];
    while fp != 0 && fp != entry_fp && pcs.len() < MAX_FRAMES {
        let record = fp as *const u64;
        // SAFETY: per the contract, `fp` points at a frame record (saved
        // x29, saved x30) on this thread's stack.
        let (caller_fp, return_address) = unsafe { (*record, *record.add(1)) };
        if caller_fp == entry_fp {
            break;
        }
        pcs.push(return_address as usize);
        fp = caller_fp;
    }
    pcs
}

/// The wasm frames for the addresses of [`walk`], innermost first.
/// Addresses outside compiled wasm code (host-call adapters) are skipped.
pub(crate) fn frames(modules: &[CompiledModule], pcs: &[usize]) -> Vec<FrameInfo> {
    pcs.iter()
        .enumerate()
        .filter_map(|(depth, &pc)| {
            let module = modules.iter().find(|module| module.code.contains(pc))?;
            let (func, offset) = module.function_at(pc)?;
            // The first address is the trap site itself; the others are
            // return addresses of calls.
            let wasm_offset = if depth == 0 {
                func.traps
                    .iter()
                    .find(|site| site.offset == offset)
                    .and_then(|site| site.wasm_offset)
            } else {
                func.call_sites
                    .iter()
                    .find(|site| site.return_offset == offset)
                    .and_then(|site| site.wasm_offset)
            };
            let description = module.module.description();
            Some(FrameInfo {
                func_index: func.func_index,
                func_name: description.func_name(func.func_index).map(str::to_string),
                module_name: module.module.name().map(str::to_string),
                module_offset: wasm_offset.map(|offset| offset as usize),
            })
        })
        .collect()
}
