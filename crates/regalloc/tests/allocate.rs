//! The allocation API on hand-picked functions: the calling convention at
//! the entry, calls and returns; values living across calls; stack-passed
//! parameters and results; errors instead of panics.

mod support;

use zwasm_ir_reg::{Inst, Opcode, RegFunction, compile_module};
use zwasm_regalloc::{
    Algorithm, Allocated, Allocator, Location, OperandRole, PReg, RegClass, RegallocError,
    TargetDesc, allocate,
};
use zwasm_validate::Features;

fn x(n: usize) -> Location {
    Location::Reg(PReg::new(n, RegClass::Int))
}

fn d(n: usize) -> Location {
    Location::Reg(PReg::new(n, RegClass::Float))
}

fn compile(wat: &str) -> (zwasm_decode::Module, Vec<RegFunction>) {
    let bytes = wat::parse_str(wat).expect("valid wat");
    support::compile_optimized(&bytes).expect("valid module")
}

fn allocate_checked(
    func: &RegFunction,
    module: &zwasm_decode::Module,
    algorithm: Algorithm,
) -> Allocated {
    let mut allocator = Allocator::new();
    allocator.set_checking(true);
    allocator
        .allocate(func, module, &TargetDesc::aarch64(), algorithm)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn find_inst(func: &RegFunction, wanted: fn(&Opcode) -> bool) -> Inst {
    (0..func.num_insts() as u32)
        .map(Inst)
        .find(|&inst| wanted(&func.opcode(inst)))
        .expect("instruction present")
}

/// Ten integer and ten float parameters and results: the first seven
/// integers (after `vmctx`) and eight floats travel in registers, the rest
/// on the stack.
const MANY: &str = r#"
(module
  (type $many (func
    (param i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (result i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)))
  (func $callee (type $many)
    local.get 0 local.get 1 local.get 2 local.get 3 local.get 4
    local.get 5 local.get 6 local.get 7 local.get 8 local.get 9
    local.get 10 local.get 11 local.get 12 local.get 13 local.get 14
    local.get 15 local.get 16 local.get 17 local.get 18 local.get 19)
  (func $caller (param i64 f64) (result i64)
    (local $i i64)
    local.get 0 local.get 0 local.get 0 local.get 0 local.get 0
    local.get 0 local.get 0 local.get 0 local.get 0 local.get 0
    local.get 1 local.get 1 local.get 1 local.get 1 local.get 1
    local.get 1 local.get 1 local.get 1 local.get 1 local.get 1
    call $callee
    drop drop drop drop drop drop drop drop drop drop
    drop drop drop drop drop drop drop drop
    i64.add
    local.get 0
    i64.add))
"#;

#[test]
fn entry_follows_the_calling_convention() {
    let (module, functions) = compile(MANY);
    for algorithm in [Algorithm::Ion, Algorithm::Fastalloc] {
        let allocated = allocate_checked(&functions[0], &module, algorithm);
        let entry = allocated.entry_operands();
        assert_eq!(entry[0].role, OperandRole::Vmctx);
        assert_eq!(entry[0].location, x(0));
        assert_eq!(entry.len(), 21);
        for i in 0..7 {
            assert_eq!(entry[1 + i].role, OperandRole::Param(i as u32));
            assert_eq!(entry[1 + i].location, x(i + 1));
        }
        for i in 0..8 {
            assert_eq!(entry[11 + i].location, d(i));
        }
        // Results: x0–x7 and d0–d7, the rest wherever the return reads
        // them from to store them.
        let ret = find_inst(&functions[0], |op| matches!(op, Opcode::Return));
        for i in 0..8 {
            assert_eq!(allocated.arg(ret, i), Some(x(i)));
            assert_eq!(allocated.arg(ret, 10 + i), Some(d(i)));
        }
        assert!(allocated.arg(ret, 9).is_some());
    }
}

#[test]
fn calls_use_fixed_registers_and_values_survive_in_callee_saved_ones() {
    let (module, functions) = compile(MANY);
    let caller = &functions[1];
    let allocated = allocate_checked(caller, &module, Algorithm::Ion);
    let call = find_inst(caller, |op| matches!(op, Opcode::Call { .. }));
    assert_eq!(allocated.vmctx(call), Some(x(0)));
    for i in 0..7 {
        assert_eq!(allocated.arg(call, i), Some(x(i + 1)));
    }
    for i in 0..8 {
        assert_eq!(allocated.arg(call, 10 + i), Some(d(i)));
        assert_eq!(allocated.result(call, i), Some(x(i)));
    }
    // Stack results are defined where the caller loads them to; never in a
    // clobbered register.
    let clobbers = TargetDesc::aarch64().call_clobbers();
    for i in [8, 9, 18, 19] {
        match allocated.result(call, i) {
            Some(Location::Reg(reg)) => assert!(!clobbers.contains(reg)),
            Some(Location::Stack(_)) => {}
            None => panic!("result {i} unallocated"),
        }
    }
    // Parameter 0 is used after the call: it lives in a callee-saved
    // register or a spill slot across it.
    let saved = allocated.callee_saved_used();
    assert!(
        !saved.is_empty() || allocated.num_spillslots() > 0,
        "{}",
        allocated.display(caller, &module)
    );
    assert!(
        saved
            .iter()
            .all(|reg| TargetDesc::aarch64().callee_saved().contains(*reg))
    );
}

#[test]
fn scratch_registers_differ_from_operands() {
    let (module, functions) = compile(
        r#"(module (func (param f64 i64) (result i32 i64 f64)
             local.get 0 i32.trunc_f64_s
             local.get 1 i64.popcnt
             local.get 0 local.get 0 f64.copysign))"#,
    );
    let func = &functions[0];
    let allocated = allocate_checked(func, &module, Algorithm::Ion);
    for inst in (0..func.num_insts() as u32).map(Inst) {
        let Some(temp) = allocated.temp(inst, 0) else {
            continue;
        };
        assert_eq!(temp.class(), RegClass::Float);
        for i in 0..func.inst_args(inst).len() {
            assert_ne!(allocated.arg(inst, i), Some(Location::Reg(temp)));
        }
    }
    let temps = (0..func.num_insts() as u32)
        .filter(|&i| allocated.temp(Inst(i), 0).is_some())
        .count();
    assert_eq!(temps, 3);
}

#[test]
fn spills_under_pressure_pass_the_checker() {
    // 40 values live at once: more than there are integer registers.
    let mut body = String::new();
    for i in 0..40 {
        body.push_str(&format!("local.get 0 i64.const {i} i64.mul\n"));
    }
    for _ in 0..39 {
        body.push_str("call $f i64.add\n");
    }
    let wat = format!(
        "(module (func $f (param i64) (result i64) local.get 0)
                 (func (param i64) (result i64) {body}))"
    );
    let (module, functions) = compile(&wat);
    for algorithm in [Algorithm::Ion, Algorithm::Fastalloc] {
        let allocated = allocate_checked(&functions[1], &module, algorithm);
        let stats = allocated.stats();
        assert!(allocated.num_spillslots() > 0, "{algorithm}");
        assert!(stats.spills > 0 && stats.reloads > 0, "{algorithm}");
        assert_eq!(stats.insts, functions[1].num_insts());
    }
}

#[test]
fn unsplit_critical_edges_are_an_error_not_a_panic() {
    let bytes = wat::parse_str(
        r#"(module (func (param i32) (result i32)
             (block (result i32)
               i32.const 1
               local.get 0
               br_if 0
               drop
               i32.const 2)))"#,
    )
    .expect("valid wat");
    let (module, functions) = compile_module(&bytes, &Features::default()).expect("valid");
    let result = allocate(
        &functions[0],
        &module,
        &TargetDesc::aarch64(),
        Algorithm::Ion,
    );
    assert!(
        matches!(result, Err(RegallocError::Regalloc2 { .. })),
        "{result:?}"
    );
}

#[test]
fn a_function_of_another_module_is_rejected() {
    let (module, _) = compile("(module (func (param i32)))");
    let (_, functions) = compile("(module (func (param f64)))");
    let result = allocate(
        &functions[0],
        &module,
        &TargetDesc::aarch64(),
        Algorithm::Ion,
    );
    assert!(
        matches!(result, Err(RegallocError::Malformed { func: 0, .. })),
        "{result:?}"
    );
}

#[test]
fn algorithms_parse_from_their_names() {
    for algorithm in [Algorithm::Ion, Algorithm::Fastalloc] {
        assert_eq!(algorithm.name().parse(), Ok(algorithm));
    }
    assert!("linear".parse::<Algorithm>().is_err());
}
