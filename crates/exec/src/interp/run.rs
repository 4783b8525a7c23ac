//! The interpreter loop over ir-stack code.
//!
//! Wasm→wasm calls push a [`Frame`] on `StoreCore::frames` and continue in
//! the same loop, so wasm recursion never consumes host stack. The loop
//! returns to its (generic) caller only when the entry frame returns, on a
//! trap, or to have a host function called.

use zwasm_ir_stack::{BranchTarget, Op};

use super::Frame;
use super::bulk;
use super::numeric::{self, Slot, effective_address};
use crate::func::{FuncEntity, FuncKind};
use crate::instance::InstanceEntity;
use crate::store::StoreCore;
use crate::trap::TrapCode;

/// Why [`execute`] returned without trapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exit {
    /// The entry frame returned; its results are at its base.
    Returned,
    /// Host function `func` (arena index) must be called with the arguments on
    /// top of the stack; `tail` if it was a `return_call*`, in which case the
    /// loop must be resumed with [`Resume::Return`].
    HostCall { func: u32, tail: bool },
}

/// How to continue the innermost frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Resume {
    /// Continue at its saved pc.
    Continue,
    /// Return from it: a host function it tail-called has left the results on top.
    Return,
}

/// `a / b` with wasm's traps for division by zero and `MIN / -1`.
macro_rules! signed_div {
    ($a:expr, $b:expr, $ty:ty) => {
        if $b == 0 {
            Err(TrapCode::IntegerDivisionByZero)
        } else if $a == <$ty>::MIN && $b == -1 {
            Err(TrapCode::IntegerOverflow)
        } else {
            Ok($a / $b)
        }
    };
}

/// `a % b`, trapping on zero; `MIN % -1` is 0, not an overflow.
macro_rules! signed_rem {
    ($a:expr, $b:expr) => {
        if $b == 0 {
            Err(TrapCode::IntegerDivisionByZero)
        } else {
            Ok($a.wrapping_rem($b))
        }
    };
}

/// Grows the value stack to hold at least `needed` slots, unless that
/// exceeds `limit`.
pub(crate) fn grow_stack(stack: &mut Vec<u64>, needed: usize, limit: usize) -> bool {
    if needed > limit {
        return false;
    }
    let new_len = needed
        .max(stack.len().saturating_mul(2))
        .max(1024)
        .min(limit);
    stack.resize(new_len, 0);
    true
}

/// Makes room for a frame of `frame_slots` slots at `base`, and zeroes the
/// non-parameter locals. `false` if the value stack limit is reached.
#[inline(always)]
pub(crate) fn prepare_frame(
    stack: &mut Vec<u64>,
    base: usize,
    function: &zwasm_ir_stack::Function,
    limit: usize,
) -> bool {
    let locals_end = base + function.local_count as usize;
    let frame_end = locals_end + function.max_stack_height as usize;
    if frame_end > stack.len() && !grow_stack(stack, frame_end, limit) {
        return false;
    }
    stack[base + function.param_count as usize..locals_end].fill(0);
    true
}

/// Runs the innermost frame until the frame at depth `entry_depth` returns.
/// The innermost frame's pc and the stack top are saved back into `core`
/// whenever the loop returns.
pub(crate) fn execute(
    core: &mut StoreCore,
    entry_depth: usize,
    resume: Resume,
) -> Result<Exit, TrapCode> {
    let limits = core.limits;
    let StoreCore {
        funcs,
        tables,
        memories,
        globals,
        instances,
        elems,
        datas,
        stack,
        stack_top,
        frames,
        ..
    } = core;
    let funcs: &[FuncEntity] = funcs;
    let instances: &[InstanceEntity] = instances;

    let Some(top) = frames.last().copied() else {
        return Ok(Exit::Returned);
    };
    let mut inst = &instances[top.instance as usize];
    let mut func = &inst.module.inner.compiled()[top.func as usize];
    let mut code: &[Op] = &func.code;
    let mut pc = top.pc as usize;
    let mut base = top.base;
    let mut sp = *stack_top;

    macro_rules! save_pc {
        () => {
            if let Some(frame) = frames.last_mut() {
                frame.pc = pc as u32;
            }
        };
    }
    macro_rules! trap {
        ($code:expr) => {{
            save_pc!();
            *stack_top = sp;
            return Err($code);
        }};
    }
    macro_rules! pop {
        () => {{
            sp -= 1;
            stack[sp]
        }};
    }
    macro_rules! push {
        ($value:expr) => {{
            let value: u64 = $value;
            stack[sp] = value;
            sp += 1;
        }};
    }
    macro_rules! unop {
        ($ty:ty, |$a:ident| $result:expr) => {{
            let $a = <$ty as Slot>::from_slot(stack[sp - 1]);
            stack[sp - 1] = Slot::into_slot($result);
        }};
    }
    macro_rules! binop {
        ($ty:ty, |$a:ident, $b:ident| $result:expr) => {{
            let $b = <$ty as Slot>::from_slot(stack[sp - 1]);
            let $a = <$ty as Slot>::from_slot(stack[sp - 2]);
            sp -= 1;
            stack[sp - 1] = Slot::into_slot($result);
        }};
    }
    macro_rules! unop_trapping {
        ($ty:ty, |$a:ident| $result:expr) => {{
            let $a = <$ty as Slot>::from_slot(stack[sp - 1]);
            match $result {
                Ok(value) => stack[sp - 1] = Slot::into_slot(value),
                Err(code) => trap!(code),
            }
        }};
    }
    macro_rules! binop_trapping {
        ($ty:ty, |$a:ident, $b:ident| $result:expr) => {{
            let $b = <$ty as Slot>::from_slot(stack[sp - 1]);
            let $a = <$ty as Slot>::from_slot(stack[sp - 2]);
            match $result {
                Ok(value) => {
                    sp -= 1;
                    stack[sp - 1] = Slot::into_slot(value);
                }
                Err(code) => trap!(code),
            }
        }};
    }
    macro_rules! memory_index {
        ($memory:expr) => {
            inst.memories[$memory as usize] as usize
        };
    }
    macro_rules! table_index {
        ($table:expr) => {
            inst.tables[$table as usize] as usize
        };
    }
    macro_rules! load {
        ($memarg:expr, $len:literal, |$bytes:ident| $value:expr) => {{
            let memarg = $memarg;
            let memory = &memories[memory_index!(memarg.memory)].data;
            match effective_address(stack[sp - 1], memarg.offset, $len, memory.len()) {
                Some(at) => {
                    let mut $bytes = [0u8; $len];
                    $bytes.copy_from_slice(&memory[at..at + $len]);
                    stack[sp - 1] = $value;
                }
                None => trap!(TrapCode::MemoryOutOfBounds),
            }
        }};
    }
    macro_rules! store {
        ($memarg:expr, $len:literal, |$value:ident| $bytes:expr) => {{
            let memarg = $memarg;
            let $value = stack[sp - 1];
            let address = stack[sp - 2];
            let memory = &mut memories[memory_index!(memarg.memory)].data;
            match effective_address(address, memarg.offset, $len, memory.len()) {
                Some(at) => {
                    let bytes: [u8; $len] = $bytes;
                    memory[at..at + $len].copy_from_slice(&bytes);
                    sp -= 2;
                }
                None => trap!(TrapCode::MemoryOutOfBounds),
            }
        }};
    }
    macro_rules! branch {
        ($target:expr) => {{
            let target: BranchTarget = $target;
            let arity = target.arity as usize;
            let destination = base + target.height as usize;
            if arity > 0 && destination != sp - arity {
                stack.copy_within(sp - arity..sp, destination);
            }
            sp = destination + arity;
            pc = target.pc as usize;
        }};
    }
    macro_rules! do_return {
        () => {{
            let count = func.result_count as usize;
            stack.copy_within(sp - count..sp, base);
            sp = base + count;
            frames.pop();
            match frames.last() {
                Some(caller) if frames.len() > entry_depth => {
                    inst = &instances[caller.instance as usize];
                    func = &inst.module.inner.compiled()[caller.func as usize];
                    code = &func.code;
                    pc = caller.pc as usize;
                    base = caller.base;
                }
                _ => {
                    *stack_top = sp;
                    return Ok(Exit::Returned);
                }
            }
        }};
    }
    macro_rules! call {
        ($target:expr) => {{
            let target: u32 = $target;
            match funcs[target as usize].kind {
                FuncKind::Wasm { instance, defined } => {
                    save_pc!();
                    if frames.len() >= limits.max_call_depth {
                        trap!(TrapCode::StackOverflow);
                    }
                    let callee_instance = &instances[instance as usize];
                    let callee = &callee_instance.module.inner.compiled()[defined as usize];
                    let callee_base = sp - callee.param_count as usize;
                    if !prepare_frame(stack, callee_base, callee, limits.max_value_stack) {
                        trap!(TrapCode::StackOverflow);
                    }
                    frames.push(Frame {
                        instance,
                        func: defined,
                        pc: 0,
                        base: callee_base,
                    });
                    inst = callee_instance;
                    func = callee;
                    code = &callee.code;
                    base = callee_base;
                    sp = callee_base + callee.local_count as usize;
                    pc = 0;
                }
                FuncKind::Host { .. } => {
                    save_pc!();
                    *stack_top = sp;
                    return Ok(Exit::HostCall {
                        func: target,
                        tail: false,
                    });
                }
            }
        }};
    }
    macro_rules! tail_call {
        ($target:expr) => {{
            let target: u32 = $target;
            match funcs[target as usize].kind {
                FuncKind::Wasm { instance, defined } => {
                    let callee_instance = &instances[instance as usize];
                    let callee = &callee_instance.module.inner.compiled()[defined as usize];
                    let params = callee.param_count as usize;
                    stack.copy_within(sp - params..sp, base);
                    if !prepare_frame(stack, base, callee, limits.max_value_stack) {
                        trap!(TrapCode::StackOverflow);
                    }
                    if let Some(frame) = frames.last_mut() {
                        frame.instance = instance;
                        frame.func = defined;
                    }
                    inst = callee_instance;
                    func = callee;
                    code = &callee.code;
                    sp = base + callee.local_count as usize;
                    pc = 0;
                }
                FuncKind::Host { .. } => {
                    save_pc!();
                    *stack_top = sp;
                    return Ok(Exit::HostCall {
                        func: target,
                        tail: true,
                    });
                }
            }
        }};
    }
    /// Resolves a `call_indirect` table entry to a function arena index.
    macro_rules! indirect_target {
        ($type_index:expr, $table:expr) => {{
            let index = pop!();
            let table = &tables[table_index!($table)];
            let expected = inst.module.inner.type_ids[$type_index as usize];
            match bulk::indirect_target(table, index, funcs, expected) {
                Ok(target) => target,
                Err(code) => trap!(code),
            }
        }};
    }

    if resume == Resume::Return {
        do_return!();
    }

    loop {
        let op = code[pc];
        pc += 1;
        match op {
            // --- control ---
            Op::Unreachable => trap!(TrapCode::Unreachable),
            Op::Jump { pc: target } => pc = target as usize,
            Op::JumpIfZero { pc: target } => {
                if pop!() as u32 == 0 {
                    pc = target as usize;
                }
            }
            Op::Br { target } => branch!(target),
            Op::BrIf { target } => {
                if pop!() as u32 != 0 {
                    branch!(target);
                }
            }
            Op::BrTable { targets } => {
                let index = pop!() as u32;
                let case = index.min(targets.len - 1);
                branch!(func.br_tables[(targets.start + case) as usize]);
            }
            Op::Return => do_return!(),
            Op::Call { func: callee } => call!(inst.funcs[callee as usize]),
            Op::CallIndirect { type_index, table } => call!(indirect_target!(type_index, table)),
            Op::ReturnCall { func: callee } => tail_call!(inst.funcs[callee as usize]),
            Op::ReturnCallIndirect { type_index, table } => {
                tail_call!(indirect_target!(type_index, table))
            }

            // --- parametric ---
            Op::Drop => sp -= 1,
            Op::Select => {
                let condition = pop!() as u32;
                let second = pop!();
                if condition == 0 {
                    stack[sp - 1] = second;
                }
            }

            // --- variables ---
            Op::LocalGet { index } => push!(stack[base + index as usize]),
            Op::LocalSet { index } => {
                let value = pop!();
                stack[base + index as usize] = value;
            }
            Op::LocalTee { index } => stack[base + index as usize] = stack[sp - 1],
            Op::GlobalGet { index } => push!(globals[inst.globals[index as usize] as usize].value),
            Op::GlobalSet { index } => {
                let value = pop!();
                globals[inst.globals[index as usize] as usize].value = value;
            }

            // --- tables ---
            Op::TableGet { table } => {
                match bulk::table_get(&tables[table_index!(table)], stack[sp - 1]) {
                    Ok(value) => stack[sp - 1] = value,
                    Err(code) => trap!(code),
                }
            }
            Op::TableSet { table } => {
                let value = pop!();
                let index = pop!();
                if let Err(code) = bulk::table_set(&mut tables[table_index!(table)], index, value) {
                    trap!(code);
                }
            }
            Op::TableSize { table } => push!(tables[table_index!(table)].size()),
            Op::TableGrow { table } => {
                let delta = pop!();
                let init = stack[sp - 1];
                stack[sp - 1] = bulk::table_grow(&mut tables[table_index!(table)], delta, init);
            }
            Op::TableFill { table } => {
                let len = pop!();
                let value = pop!();
                let start = pop!();
                let table = &mut tables[table_index!(table)];
                if let Err(code) = bulk::table_fill(table, start, value, len) {
                    trap!(code);
                }
            }
            Op::TableCopy { dst, src } => {
                let len = pop!();
                let source = pop!();
                let destination = pop!();
                let (dst, src) = (table_index!(dst), table_index!(src));
                if let Err(code) = bulk::table_copy(tables, dst, src, destination, source, len) {
                    trap!(code);
                }
            }
            Op::TableInit { elem, table } => {
                let len = pop!();
                let source = pop!();
                let destination = pop!();
                let items = &elems[inst.elems[elem as usize] as usize].items;
                let table = &mut tables[table_index!(table)];
                if let Err(code) = bulk::table_init(table, items, destination, source, len) {
                    trap!(code);
                }
            }
            Op::ElemDrop { elem } => elems[inst.elems[elem as usize] as usize].items = Vec::new(),

            // --- memories ---
            Op::MemorySize { memory } => push!(memories[memory_index!(memory)].pages()),
            Op::MemoryGrow { memory } => {
                let memory = &mut memories[memory_index!(memory)];
                stack[sp - 1] = bulk::memory_grow(memory, stack[sp - 1]);
            }
            Op::MemoryFill { memory } => {
                let len = pop!();
                let value = pop!() as u8;
                let start = pop!();
                let memory = &mut memories[memory_index!(memory)].data;
                if let Err(code) = bulk::memory_fill(memory, start, value, len) {
                    trap!(code);
                }
            }
            Op::MemoryCopy { dst, src } => {
                let len = pop!();
                let source = pop!();
                let destination = pop!();
                let (dst, src) = (memory_index!(dst), memory_index!(src));
                if let Err(code) = bulk::memory_copy(memories, dst, src, destination, source, len) {
                    trap!(code);
                }
            }
            Op::MemoryInit { data, memory } => {
                let len = pop!();
                let source = pop!();
                let destination = pop!();
                let bytes = datas[inst.datas[data as usize] as usize].bytes();
                let memory = &mut memories[memory_index!(memory)].data;
                if let Err(code) = bulk::memory_init(memory, bytes, destination, source, len) {
                    trap!(code);
                }
            }
            Op::DataDrop { data } => datas[inst.datas[data as usize] as usize].range = 0..0,

            // --- loads ---
            Op::I32Load { mem } => load!(mem, 4, |b| u64::from(u32::from_le_bytes(b))),
            Op::I64Load { mem } => load!(mem, 8, |b| u64::from_le_bytes(b)),
            Op::F32Load { mem } => load!(mem, 4, |b| u64::from(u32::from_le_bytes(b))),
            Op::F64Load { mem } => load!(mem, 8, |b| u64::from_le_bytes(b)),
            Op::I32Load8S { mem } => load!(mem, 1, |b| (b[0] as i8 as i32).into_slot()),
            Op::I32Load8U { mem } => load!(mem, 1, |b| u64::from(b[0])),
            Op::I32Load16S { mem } => load!(mem, 2, |b| (i16::from_le_bytes(b) as i32).into_slot()),
            Op::I32Load16U { mem } => load!(mem, 2, |b| u64::from(u16::from_le_bytes(b))),
            Op::I64Load8S { mem } => load!(mem, 1, |b| b[0] as i8 as i64 as u64),
            Op::I64Load8U { mem } => load!(mem, 1, |b| u64::from(b[0])),
            Op::I64Load16S { mem } => load!(mem, 2, |b| i16::from_le_bytes(b) as i64 as u64),
            Op::I64Load16U { mem } => load!(mem, 2, |b| u64::from(u16::from_le_bytes(b))),
            Op::I64Load32S { mem } => load!(mem, 4, |b| i32::from_le_bytes(b) as i64 as u64),
            Op::I64Load32U { mem } => load!(mem, 4, |b| u64::from(u32::from_le_bytes(b))),

            // --- stores ---
            Op::I32Store { mem } | Op::F32Store { mem } => {
                store!(mem, 4, |v| (v as u32).to_le_bytes())
            }
            Op::I64Store { mem } | Op::F64Store { mem } => store!(mem, 8, |v| v.to_le_bytes()),
            Op::I32Store8 { mem } | Op::I64Store8 { mem } => store!(mem, 1, |v| [v as u8]),
            Op::I32Store16 { mem } | Op::I64Store16 { mem } => {
                store!(mem, 2, |v| (v as u16).to_le_bytes())
            }
            Op::I64Store32 { mem } => store!(mem, 4, |v| (v as u32).to_le_bytes()),

            // --- constants and references ---
            Op::I32Const { value } => push!(value.into_slot()),
            Op::I64Const { value } => push!(value.into_slot()),
            Op::F32Const { bits } => push!(u64::from(bits)),
            Op::F64Const { bits } => push!(bits),
            Op::RefNull => push!(0),
            Op::RefIsNull => unop!(u64, |a| a == 0),
            Op::RefFunc { func: index } => push!(u64::from(inst.funcs[index as usize]) + 1),

            // --- i32 ---
            Op::I32Eqz => unop!(u32, |a| a == 0),
            Op::I32Eq => binop!(u32, |a, b| a == b),
            Op::I32Ne => binop!(u32, |a, b| a != b),
            Op::I32LtS => binop!(i32, |a, b| a < b),
            Op::I32LtU => binop!(u32, |a, b| a < b),
            Op::I32GtS => binop!(i32, |a, b| a > b),
            Op::I32GtU => binop!(u32, |a, b| a > b),
            Op::I32LeS => binop!(i32, |a, b| a <= b),
            Op::I32LeU => binop!(u32, |a, b| a <= b),
            Op::I32GeS => binop!(i32, |a, b| a >= b),
            Op::I32GeU => binop!(u32, |a, b| a >= b),
            Op::I32Clz => unop!(u32, |a| a.leading_zeros()),
            Op::I32Ctz => unop!(u32, |a| a.trailing_zeros()),
            Op::I32Popcnt => unop!(u32, |a| a.count_ones()),
            Op::I32Add => binop!(u32, |a, b| a.wrapping_add(b)),
            Op::I32Sub => binop!(u32, |a, b| a.wrapping_sub(b)),
            Op::I32Mul => binop!(u32, |a, b| a.wrapping_mul(b)),
            Op::I32DivS => binop_trapping!(i32, |a, b| signed_div!(a, b, i32)),
            Op::I32DivU => binop_trapping!(u32, |a, b| a
                .checked_div(b)
                .ok_or(TrapCode::IntegerDivisionByZero)),
            Op::I32RemS => binop_trapping!(i32, |a, b| signed_rem!(a, b)),
            Op::I32RemU => binop_trapping!(u32, |a, b| a
                .checked_rem(b)
                .ok_or(TrapCode::IntegerDivisionByZero)),
            Op::I32And => binop!(u32, |a, b| a & b),
            Op::I32Or => binop!(u32, |a, b| a | b),
            Op::I32Xor => binop!(u32, |a, b| a ^ b),
            Op::I32Shl => binop!(u32, |a, b| a.wrapping_shl(b)),
            Op::I32ShrS => binop!(i32, |a, b| a.wrapping_shr(b as u32)),
            Op::I32ShrU => binop!(u32, |a, b| a.wrapping_shr(b)),
            Op::I32Rotl => binop!(u32, |a, b| a.rotate_left(b % 32)),
            Op::I32Rotr => binop!(u32, |a, b| a.rotate_right(b % 32)),
            Op::I32Extend8S => unop!(u32, |a| a as i8 as i32),
            Op::I32Extend16S => unop!(u32, |a| a as i16 as i32),

            // --- i64 ---
            Op::I64Eqz => unop!(u64, |a| a == 0),
            Op::I64Eq => binop!(u64, |a, b| a == b),
            Op::I64Ne => binop!(u64, |a, b| a != b),
            Op::I64LtS => binop!(i64, |a, b| a < b),
            Op::I64LtU => binop!(u64, |a, b| a < b),
            Op::I64GtS => binop!(i64, |a, b| a > b),
            Op::I64GtU => binop!(u64, |a, b| a > b),
            Op::I64LeS => binop!(i64, |a, b| a <= b),
            Op::I64LeU => binop!(u64, |a, b| a <= b),
            Op::I64GeS => binop!(i64, |a, b| a >= b),
            Op::I64GeU => binop!(u64, |a, b| a >= b),
            Op::I64Clz => unop!(u64, |a| u64::from(a.leading_zeros())),
            Op::I64Ctz => unop!(u64, |a| u64::from(a.trailing_zeros())),
            Op::I64Popcnt => unop!(u64, |a| u64::from(a.count_ones())),
            Op::I64Add => binop!(u64, |a, b| a.wrapping_add(b)),
            Op::I64Sub => binop!(u64, |a, b| a.wrapping_sub(b)),
            Op::I64Mul => binop!(u64, |a, b| a.wrapping_mul(b)),
            Op::I64DivS => binop_trapping!(i64, |a, b| signed_div!(a, b, i64)),
            Op::I64DivU => binop_trapping!(u64, |a, b| a
                .checked_div(b)
                .ok_or(TrapCode::IntegerDivisionByZero)),
            Op::I64RemS => binop_trapping!(i64, |a, b| signed_rem!(a, b)),
            Op::I64RemU => binop_trapping!(u64, |a, b| a
                .checked_rem(b)
                .ok_or(TrapCode::IntegerDivisionByZero)),
            Op::I64And => binop!(u64, |a, b| a & b),
            Op::I64Or => binop!(u64, |a, b| a | b),
            Op::I64Xor => binop!(u64, |a, b| a ^ b),
            Op::I64Shl => binop!(u64, |a, b| a.wrapping_shl(b as u32)),
            Op::I64ShrS => binop!(i64, |a, b| a.wrapping_shr(b as u32)),
            Op::I64ShrU => binop!(u64, |a, b| a.wrapping_shr(b as u32)),
            Op::I64Rotl => binop!(u64, |a, b| a.rotate_left((b % 64) as u32)),
            Op::I64Rotr => binop!(u64, |a, b| a.rotate_right((b % 64) as u32)),
            Op::I64Extend8S => unop!(u64, |a| a as i8 as i64),
            Op::I64Extend16S => unop!(u64, |a| a as i16 as i64),
            Op::I64Extend32S => unop!(u64, |a| a as i32 as i64),

            // --- f32 ---
            Op::F32Eq => binop!(f32, |a, b| a == b),
            Op::F32Ne => binop!(f32, |a, b| a != b),
            Op::F32Lt => binop!(f32, |a, b| a < b),
            Op::F32Gt => binop!(f32, |a, b| a > b),
            Op::F32Le => binop!(f32, |a, b| a <= b),
            Op::F32Ge => binop!(f32, |a, b| a >= b),
            Op::F32Abs => unop!(u32, |a| a & 0x7fff_ffff),
            Op::F32Neg => unop!(u32, |a| a ^ 0x8000_0000),
            Op::F32Ceil => unop!(f32, |a| numeric::f32_round(a, f32::ceil)),
            Op::F32Floor => unop!(f32, |a| numeric::f32_round(a, f32::floor)),
            Op::F32Trunc => unop!(f32, |a| numeric::f32_round(a, f32::trunc)),
            Op::F32Nearest => unop!(f32, |a| numeric::f32_round(a, f32::round_ties_even)),
            Op::F32Sqrt => unop!(f32, |a| a.sqrt()),
            Op::F32Add => binop!(f32, |a, b| a + b),
            Op::F32Sub => binop!(f32, |a, b| a - b),
            Op::F32Mul => binop!(f32, |a, b| a * b),
            Op::F32Div => binop!(f32, |a, b| a / b),
            Op::F32Min => binop!(f32, |a, b| numeric::f32_min(a, b)),
            Op::F32Max => binop!(f32, |a, b| numeric::f32_max(a, b)),
            Op::F32Copysign => binop!(u32, |a, b| (a & 0x7fff_ffff) | (b & 0x8000_0000)),

            // --- f64 ---
            Op::F64Eq => binop!(f64, |a, b| a == b),
            Op::F64Ne => binop!(f64, |a, b| a != b),
            Op::F64Lt => binop!(f64, |a, b| a < b),
            Op::F64Gt => binop!(f64, |a, b| a > b),
            Op::F64Le => binop!(f64, |a, b| a <= b),
            Op::F64Ge => binop!(f64, |a, b| a >= b),
            Op::F64Abs => unop!(u64, |a| a & 0x7fff_ffff_ffff_ffff),
            Op::F64Neg => unop!(u64, |a| a ^ 0x8000_0000_0000_0000),
            Op::F64Ceil => unop!(f64, |a| numeric::f64_round(a, f64::ceil)),
            Op::F64Floor => unop!(f64, |a| numeric::f64_round(a, f64::floor)),
            Op::F64Trunc => unop!(f64, |a| numeric::f64_round(a, f64::trunc)),
            Op::F64Nearest => unop!(f64, |a| numeric::f64_round(a, f64::round_ties_even)),
            Op::F64Sqrt => unop!(f64, |a| a.sqrt()),
            Op::F64Add => binop!(f64, |a, b| a + b),
            Op::F64Sub => binop!(f64, |a, b| a - b),
            Op::F64Mul => binop!(f64, |a, b| a * b),
            Op::F64Div => binop!(f64, |a, b| a / b),
            Op::F64Min => binop!(f64, |a, b| numeric::f64_min(a, b)),
            Op::F64Max => binop!(f64, |a, b| numeric::f64_max(a, b)),
            Op::F64Copysign => binop!(u64, |a, b| (a & 0x7fff_ffff_ffff_ffff)
                | (b & 0x8000_0000_0000_0000)),

            // --- conversions ---
            Op::I32WrapI64 => unop!(u64, |a| a as u32),
            Op::I32TruncF32S => unop_trapping!(f32, |a| numeric::i32_trunc_f32(a)),
            Op::I32TruncF32U => unop_trapping!(f32, |a| numeric::u32_trunc_f32(a)),
            Op::I32TruncF64S => unop_trapping!(f64, |a| numeric::i32_trunc_f64(a)),
            Op::I32TruncF64U => unop_trapping!(f64, |a| numeric::u32_trunc_f64(a)),
            Op::I64ExtendI32S => unop!(i32, |a| a as i64),
            Op::I64ExtendI32U => unop!(u32, |a| u64::from(a)),
            Op::I64TruncF32S => unop_trapping!(f32, |a| numeric::i64_trunc_f32(a)),
            Op::I64TruncF32U => unop_trapping!(f32, |a| numeric::u64_trunc_f32(a)),
            Op::I64TruncF64S => unop_trapping!(f64, |a| numeric::i64_trunc_f64(a)),
            Op::I64TruncF64U => unop_trapping!(f64, |a| numeric::u64_trunc_f64(a)),
            Op::F32ConvertI32S => unop!(i32, |a| a as f32),
            Op::F32ConvertI32U => unop!(u32, |a| a as f32),
            Op::F32ConvertI64S => unop!(i64, |a| a as f32),
            Op::F32ConvertI64U => unop!(u64, |a| a as f32),
            Op::F32DemoteF64 => unop!(f64, |a| a as f32),
            Op::F64ConvertI32S => unop!(i32, |a| f64::from(a)),
            Op::F64ConvertI32U => unop!(u32, |a| f64::from(a)),
            Op::F64ConvertI64S => unop!(i64, |a| a as f64),
            Op::F64ConvertI64U => unop!(u64, |a| a as f64),
            Op::F64PromoteF32 => unop!(f32, |a| f64::from(a)),
            // Slots hold raw bits, so reinterpretation changes nothing.
            Op::I32ReinterpretF32
            | Op::I64ReinterpretF64
            | Op::F32ReinterpretI32
            | Op::F64ReinterpretI64 => {}
            // Rust's float-to-int `as` saturates and maps NaN to 0, exactly
            // the non-trapping conversions' semantics.
            Op::I32TruncSatF32S => unop!(f32, |a| a as i32),
            Op::I32TruncSatF32U => unop!(f32, |a| a as u32),
            Op::I32TruncSatF64S => unop!(f64, |a| a as i32),
            Op::I32TruncSatF64U => unop!(f64, |a| a as u32),
            Op::I64TruncSatF32S => unop!(f32, |a| a as i64),
            Op::I64TruncSatF32U => unop!(f32, |a| a as u64),
            Op::I64TruncSatF64S => unop!(f64, |a| a as i64),
            Op::I64TruncSatF64U => unop!(f64, |a| a as u64),
        }
    }
}
