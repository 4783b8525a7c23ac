//! Generated modules behave the same on the reference interpreter and the
//! fast interpreter (and, on AArch64 hosts, the JIT): results, traps and
//! final exported state (`zwasm_testkit::differential`).

#![no_main]

use libfuzzer_sys::fuzz_target;
use zwasm::EngineKind;
use zwasm_testkit::{differential, smith};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, bytes)) = data.split_first() else {
        return;
    };
    let Some(module) = smith::from_bytes(bytes, flags & 1 == 0, 2_000) else {
        return;
    };
    let mut pairs = vec![(EngineKind::Reference, EngineKind::Interp)];
    if cfg!(target_arch = "aarch64") {
        pairs.push((EngineKind::Interp, EngineKind::Jit));
    }
    for pair in pairs {
        if let Err(report) = differential::compare("fuzz", &module, 2, false, pair) {
            panic!("{report}");
        }
    }
});
