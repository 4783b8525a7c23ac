//! Constant folding against run-time evaluation: every numeric opcode of the
//! op table, applied to constant operands (edge cases and random bits), must
//! give the same result — or the same trap — whether the reference
//! interpreter runs it or the passes fold it away.

mod interpreter;

use interpreter::{Instance, Stop, Val};
use proptest::prelude::*;
use zwasm_ir_reg::{Opcode, OperandType, RegFunction, ValType, compile_module, passes};
use zwasm_validate::Features;

/// `Some(opcode)` for op-table rows without immediates.
macro_rules! plain_opcode {
    ($variant:ident) => {
        Some(Opcode::$variant)
    };
    ($variant:ident { $($fields:tt)* }) => {
        None
    };
}

macro_rules! plain_opcodes {
    ($( $variant:ident $({ $($field:ident : $ty:ty),* })? = $text:literal, $sig:tt, $effects:ident; )*) => {
        vec![$( plain_opcode!($variant $({ $($field : $ty),* })?) ),*]
    };
}

/// The numeric opcodes: fixed signatures over numbers only.
fn numeric_opcodes() -> Vec<(Opcode, Vec<ValType>, ValType)> {
    let all: Vec<Option<Opcode>> = zwasm_ir_reg::for_each_opcode!(plain_opcodes);
    let number = |ty: &OperandType| match ty {
        OperandType::Val(ty @ (ValType::I32 | ValType::I64 | ValType::F32 | ValType::F64)) => {
            Some(*ty)
        }
        _ => None,
    };
    all.into_iter()
        .flatten()
        .filter_map(|opcode| {
            let sig = opcode.fixed_signature()?;
            let params: Option<Vec<ValType>> = sig.params.iter().map(number).collect();
            let result = number(&sig.result?)?;
            let params = params?;
            (!params.is_empty()).then_some((opcode, params, result))
        })
        .collect()
}

fn interesting_bits() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0u64),
        Just(1),
        Just(u64::MAX),
        Just(0x8000_0000),
        Just(0x7fff_ffff),
        Just(0xffff_ffff),
        Just(0x8000_0000_0000_0000),
        Just(0x7fff_ffff_ffff_ffff),
        Just(31),
        Just(32),
        Just(33),
        Just(63),
        Just(64),
        // f32: -0, 1.5, inf, NaNs, 2^31, 2^32, 2^63, a subnormal
        Just(0x8000_0000),
        Just(0x3fc0_0000),
        Just(0x7f80_0000),
        Just(0x7fc0_0000),
        Just(0x7fa0_0001),
        Just(0x4f00_0000),
        Just(0xcf00_0000),
        Just(0x4f80_0000),
        Just(0x5f00_0000),
        Just(0x0000_0001),
        // f64: -0, 1.5, inf, NaNs, 2^31, 2^63, 2^64, -1
        Just(0x8000_0000_0000_0000),
        Just(0x3ff8_0000_0000_0000),
        Just(0x7ff0_0000_0000_0000),
        Just(0x7ff8_0000_0000_0000),
        Just(0x7ff4_0000_0000_0001),
        Just(0x41e0_0000_0000_0000),
        Just(0x43e0_0000_0000_0000),
        Just(0x43f0_0000_0000_0000),
        Just(0xbff0_0000_0000_0000),
        any::<u64>(),
        any::<u64>(),
    ]
}

fn constant(ty: ValType, bits: u64) -> String {
    match ty {
        ValType::I32 => format!("(i32.const {})", bits as u32 as i32),
        ValType::I64 => format!("(i64.const {})", bits as i64),
        ValType::F32 => format!("(f32.reinterpret_i32 (i32.const {}))", bits as u32 as i32),
        _ => format!("(f64.reinterpret_i64 (i64.const {}))", bits as i64),
    }
}

fn run(
    module: &zwasm_decode::Module,
    bytes: &[u8],
    functions: &[RegFunction],
) -> Result<Vec<Val>, Stop> {
    let mut instance = Instance::new(module, bytes, functions)?;
    instance.invoke(0, &[])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn folding_agrees_with_execution(
        which in any::<prop::sample::Index>(),
        a in interesting_bits(),
        b in interesting_bits(),
    ) {
        let opcodes = numeric_opcodes();
        let (opcode, params, result) = &opcodes[which.index(opcodes.len())];
        let operands: Vec<String> = params
            .iter()
            .zip([a, b])
            .map(|(ty, bits)| constant(*ty, bits))
            .collect();
        let wat = format!(
            "(module (func (result {result}) ({} {})))",
            opcode.mnemonic(),
            operands.join(" ")
        );
        let bytes = wat::parse_str(&wat).expect("assembles");
        let (module, built) = compile_module(&bytes, &Features::default()).expect("valid");
        let mut folded = built.clone();
        for func in &mut folded {
            passes::run_default(func);
        }
        let executed = run(&module, &bytes, &built);
        let after_passes = run(&module, &bytes, &folded);
        prop_assert_eq!(executed, after_passes, "{}", wat);
    }
}

#[test]
fn every_numeric_opcode_is_covered() {
    let opcodes = numeric_opcodes();
    assert!(
        opcodes.len() > 120,
        "only {} numeric opcodes",
        opcodes.len()
    );
    assert!(opcodes.iter().any(|(op, _, _)| *op == Opcode::I64TruncF32U));
}

/// wasm-smith modules without imports whose calls always terminate.
fn smith_module(seed: &[u8]) -> Option<Vec<u8>> {
    let config = wasm_smith::Config {
        simd_enabled: false,
        relaxed_simd_enabled: false,
        threads_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        wide_arithmetic_enabled: false,
        custom_page_sizes_enabled: false,
        shared_everything_threads_enabled: false,
        tail_call_enabled: true,
        extended_const_enabled: true,
        memory64_enabled: true,
        reference_types_enabled: true,
        bulk_memory_enabled: true,
        multi_value_enabled: true,
        max_imports: 0,
        min_funcs: 1,
        max_memory32_bytes: 1 << 20,
        max_memory64_bytes: 1 << 20,
        ..wasm_smith::Config::default()
    };
    let mut u = arbitrary::Unstructured::new(seed);
    let mut module = wasm_smith::Module::new(config, &mut u).ok()?;
    // Loops and recursion count down a global and trap when it runs out, so
    // every call ends quickly.
    module.ensure_termination(300).ok()?;
    Some(module.to_bytes())
}

/// Zero arguments for `func`.
fn zero_args(module: &zwasm_decode::Module, func: u32) -> Vec<Val> {
    module
        .func_type(func)
        .map(|ty| {
            ty.params
                .iter()
                .map(|ty| match ty {
                    ValType::I32 => Val::I32(0),
                    ValType::I64 => Val::I64(0),
                    ValType::F32 => Val::F32(0),
                    ValType::F64 => Val::F64(0),
                    _ => Val::Ref(None),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Calls every function of `bytes` in order on the functions as
/// built and after the passes; both must behave alike. Returns how many
/// calls ran to completion or a trap on both.
fn compare_stages(bytes: &[u8]) -> usize {
    let (module, built) = match compile_module(bytes, &Features::default()) {
        Ok(compiled) => compiled,
        Err(_) => return 0,
    };

    let mut optimised = built.clone();
    for func in &mut optimised {
        passes::run_default(func);
    }
    let (mut before, mut after) = match (
        Instance::new(&module, bytes, &built),
        Instance::new(&module, bytes, &optimised),
    ) {
        (Ok(before), Ok(after)) => (before, after),
        (before, after) => {
            assert_eq!(before.err(), after.err(), "instantiation differs");
            return 0;
        }
    };
    before.set_fuel_per_call(200_000);
    after.set_fuel_per_call(200_000);
    let mut compared = 0;
    for func in module.func_imports..module.functions.len() as u32 {
        let args = zero_args(&module, func);
        let expected = before.invoke(func, &args);
        let actual = after.invoke(func, &args);
        if matches!(expected, Err(Stop::Unsupported(_)))
            || matches!(actual, Err(Stop::Unsupported(_)))
        {
            break;
        }
        assert_eq!(expected, actual, "function {func}");
        compared += 1;
    }
    compared
}

#[test]
fn smith_modules_behave_the_same_after_the_passes() {
    let worker = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(|| {
            let mut state = 0x2545_f491_4f6c_dd1d_u64;
            let mut compared = 0;
            for _ in 0..1500 {
                let seed: Vec<u8> = (0..8192)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        state as u8
                    })
                    .collect();
                if let Some(bytes) = smith_module(&seed) {
                    compared += compare_stages(&bytes);
                }
            }
            compared
        })
        .expect("spawn");
    let compared = worker.join().expect("no panic");
    eprintln!("{compared} calls compared");
    assert!(compared > 1_000, "only {compared} calls compared");
}
