//! The fast tier's dispatcher: `loop { match }` over the current function's
//! ops, with the operands in frame slots.
//!
//! Wasm→wasm calls push a [`Frame`] and continue in the same loop (wasm
//! recursion never uses host stack); the callee's frame starts right after
//! the caller's, where the caller copied the arguments, and its `return`
//! writes the results straight into the result slots of the caller's call
//! op (a caller frame's saved pc is that op). The loop returns to its
//! generic driver only when the entry frame returns, on a trap, or to have a
//! host function called, with the arguments in the caller's outgoing slots.

use super::chain::{Chain, Suspended};
use super::code::{Copy2Br, FastFunc, LoadBin, MemKind, Op, Slot, for_each_op};
use super::profile::Profile;
use super::regs::{Cursor, Regs};
/// Memory accesses, bounds-checked once (`regs`).
pub(super) use super::regs::{load_bytes as load, store_bytes as store};
use crate::Error;
use crate::func::{FuncEntity, FuncKind};
use crate::instance::InstanceEntity;
use crate::interp::numeric::{self, Slot as SlotValue};
use crate::interp::{Frame, bulk, grow_stack};
use crate::store::StoreCore;
use crate::trap::TrapCode;

/// Why [`execute`] returned without failing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exit {
    /// The entry frame returned; its results are in its first slots.
    Returned,
    /// Host function `func` (arena index) must be called with the arguments
    /// on top of the stack (`StoreCore::stack_top`); then the loop resumes
    /// with [`Resume::AfterHostCall`], or [`Resume::ReturnAfterHostCall`]
    /// for a tail call (`tail`).
    HostCall { func: u32, tail: bool },
    /// TIERING (issue 5): the innermost frame's loop (the `LoopHeader` op at
    /// its saved pc) is hot: the driver may run the rest of the call as
    /// machine code, then resume with [`Resume::ReturnAfterHostCall`]
    /// (results in the outgoing slots), or go on with
    /// [`Resume::AfterHostCall`].
    HotLoop,
}

/// How to continue the innermost frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Resume {
    /// Start it (its pc is 0).
    Start,
    /// Its host call (the op at its saved pc) left results in its outgoing
    /// slots.
    AfterHostCall,
    /// Its host tail call left results in its outgoing slots: return them.
    ReturnAfterHostCall,
}

/// Why [`execute`] failed.
#[derive(Debug)]
pub(crate) enum Fault {
    Trap(TrapCode),
    /// A callee could not be translated.
    Compile(Error),
}

/// An immediate operand as the type an operation works on.
pub(super) trait Imm {
    fn from_imm(imm: i32) -> Self;
}

impl Imm for u32 {
    #[inline(always)]
    fn from_imm(imm: i32) -> Self {
        imm as u32
    }
}

impl Imm for i32 {
    #[inline(always)]
    fn from_imm(imm: i32) -> Self {
        imm
    }
}

impl Imm for u64 {
    #[inline(always)]
    fn from_imm(imm: i32) -> Self {
        i64::from(imm) as u64
    }
}

impl Imm for i64 {
    #[inline(always)]
    fn from_imm(imm: i32) -> Self {
        i64::from(imm)
    }
}

/// `i32.add` of a slot and an [`AddImm2`](super::code::AddImm2) immediate.
#[inline(always)]
pub(super) fn add_imm(a: u64, imm: i16) -> u64 {
    u64::from((a as u32).wrapping_add(imm as i32 as u32))
}

/// The address of a [`LoadIdx`](super::code::LoadIdx) or
/// [`StoreIdx`](super::code::StoreIdx): the fused `i32.add`, which wraps.
#[inline(always)]
pub(super) fn index_addr(a: u64, b: u64) -> u64 {
    u64::from((a as u32).wrapping_add(b as u32))
}

/// Moves `cursor`, at the first case of a `br_table` of `len` cases (one
/// `Br` each, the last the default), on to the target of case `index`;
/// `false`, the cursor unchanged, if the op there is not a `Br`, which the
/// verifier rules out. Every dispatcher's `br_table` goes through here.
#[inline(always)]
pub(super) fn jump_to_case(cursor: &mut Cursor<'_>, len: u32, index: u32) -> bool {
    let mut case = *cursor;
    case.skip(index.min(len.saturating_sub(1)));
    let Op::Br(target) = *case.peek() else {
        return false;
    };
    case.jump(target);
    *cursor = case;
    true
}

/// [`jump_to_case`] from a cursor at the `br_table` itself, for the ops that
/// load the byte it switches on (`BrTableI32Load8U`); `false`, the cursor
/// unchanged, if the op there is not a `br_table` and its cases.
#[inline(always)]
pub(super) fn switch_to_case(cursor: &mut Cursor<'_>, index: u32) -> bool {
    let Op::BrTable(table) = *cursor.peek() else {
        return false;
    };
    let mut cases = *cursor;
    cases.skip(1);
    if !jump_to_case(&mut cases, table.len, index) {
        return false;
    }
    *cursor = cases;
    true
}

/// Why [`switch_on_byte`] did not move its cursor.
pub(super) enum SwitchFailed {
    /// The byte lies outside memory 0: a trap.
    OutOfBounds,
    /// No `br_table` and cases after the load (ruled out by the verifier).
    Unverified,
}

/// A `BrTableI32Load8U[Idx]` (the byte at `addr + offset`, written to slot
/// `dst`), with `cursor` at the `br_table` after it: loads the byte and
/// moves the cursor on to the case it selects; the frame and the cursor are
/// unchanged when it fails. Every dispatcher's fused switch goes through
/// here.
#[inline(always)]
pub(super) fn switch_on_byte(
    cursor: &mut Cursor<'_>,
    regs: Regs,
    memory: &[u8],
    (dst, addr, offset): (Slot, u64, u32),
) -> Result<(), SwitchFailed> {
    let Some([byte]) = load::<1>(memory, addr, u64::from(offset)) else {
        return Err(SwitchFailed::OutOfBounds);
    };
    if !switch_to_case(cursor, u32::from(byte)) {
        return Err(SwitchFailed::Unverified);
    }
    regs.set(dst, u64::from(byte));
    Ok(())
}

/// The byte's slot, address and offset of a `BrTableI32Load8U[Idx]` (any
/// other op: none), for [`switch_on_byte`].
#[inline(always)]
pub(super) fn switch_load(op: Op, regs: Regs) -> Option<(Slot, u64, u32)> {
    match op {
        Op::BrTableI32Load8U(x) => Some((x.dst, regs.get(x.addr), x.offset)),
        Op::BrTableI32Load8UIdx(x) => {
            Some((x.dst, index_addr(regs.get(x.a), regs.get(x.b)), x.offset))
        }
        _ => None,
    }
}

/// A `load_bin_store` op (`*p = f(*p, b)`): loads the 8 bytes at
/// `addr + offset` into slot `ld`, writes `dst = f(loaded, b)` and stores it
/// back there; `false` when the access is out of bounds (nothing changed).
#[inline(always)]
pub(super) fn load_op_store(
    memory: &mut [u8],
    regs: Regs,
    x: LoadBin,
    f: impl FnOnce(u64, u64) -> u64,
) -> bool {
    let (addr, offset) = (regs.get(x.addr), u64::from(x.offset));
    let Some(bytes) = load::<8>(memory, addr, offset) else {
        return false;
    };
    let loaded = u64::from_le_bytes(bytes);
    regs.set(x.ld, loaded);
    let value = f(loaded, regs.get(x.b));
    regs.set(x.dst, value);
    // In bounds: the load has just read these bytes.
    store::<8>(memory, addr, offset, value.to_le_bytes())
}

/// A [`MemKind`] load: the value's slot bits.
fn load_ext(kind: MemKind, memory: &[u8], addr: u64, offset: u64) -> Option<u64> {
    Some(match kind {
        MemKind::I32Load => u64::from(u32::from_le_bytes(load(memory, addr, offset)?)),
        MemKind::I64Load => u64::from_le_bytes(load(memory, addr, offset)?),
        MemKind::I32Load8S => u64::from(load::<1>(memory, addr, offset)?[0] as i8 as i32 as u32),
        MemKind::I32Load8U => u64::from(load::<1>(memory, addr, offset)?[0]),
        MemKind::I32Load16S => {
            u64::from(i16::from_le_bytes(load(memory, addr, offset)?) as i32 as u32)
        }
        MemKind::I32Load16U => u64::from(u16::from_le_bytes(load(memory, addr, offset)?)),
        MemKind::I64Load8S => load::<1>(memory, addr, offset)?[0] as i8 as i64 as u64,
        MemKind::I64Load16S => i16::from_le_bytes(load(memory, addr, offset)?) as i64 as u64,
        MemKind::I64Load32S => i32::from_le_bytes(load(memory, addr, offset)?) as i64 as u64,
        MemKind::I32Store | MemKind::I64Store | MemKind::I32Store8 | MemKind::I32Store16 => {
            return None;
        }
    })
}

/// A [`MemKind`] store of slot bits `value`; `false` if out of bounds.
fn store_ext(kind: MemKind, memory: &mut [u8], addr: u64, offset: u64, value: u64) -> bool {
    match kind {
        MemKind::I32Store => store(memory, addr, offset, (value as u32).to_le_bytes()),
        MemKind::I64Store => store(memory, addr, offset, value.to_le_bytes()),
        MemKind::I32Store8 => store(memory, addr, offset, [value as u8]),
        MemKind::I32Store16 => store(memory, addr, offset, (value as u16).to_le_bytes()),
        _ => false,
    }
}

/// The result slots of the call op `op` of `func`.
#[inline(always)]
fn call_results<'a>(func: &'a FastFunc, op: Option<&Op>) -> &'a [Slot] {
    match op {
        Some(Op::CallInternal(call) | Op::Call(call)) => func.call_slots(call.list).1,
        Some(Op::CallIndirect(call)) => func.call_slots(call.list).1,
        _ => &[],
    }
}

/// Arena index of the first memory of `inst` (`usize::MAX` without one:
/// validation guarantees no memory op runs then).
#[inline(always)]
fn first_memory(inst: &InstanceEntity) -> usize {
    inst.memories.first().map_or(usize::MAX, |&m| m as usize)
}

/// An internal inconsistency, reported instead of panicking.
fn internal(message: &str) -> Fault {
    Fault::Compile(Error::Limit(format!("fast interpreter: {message}")))
}

/// Runs the innermost frame until the frame at depth `entry_depth` returns.
/// The innermost frame's pc is saved into `core.frames` whenever the loop
/// returns. `PROFILE` counts ops, calls and time in `core.profile`.
pub(crate) fn execute<const PROFILE: bool>(
    core: &mut StoreCore,
    entry_depth: usize,
    resume: Resume,
) -> Result<Exit, Fault> {
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
        profile,
        tier, // TIERING (issue 5): call counters of the `Auto` engine.
        ..
    } = core;
    let funcs: &[FuncEntity] = funcs;
    let instances: &[InstanceEntity] = instances;
    let mut profile: Option<&mut Profile> = if PROFILE {
        profile.as_deref_mut()
    } else {
        None
    };

    // The running frame lives in locals, popped off `frames`; the callers
    // it suspends go on `chain.callers`, with direct references to their code, so
    // that a return needs no lookup. `frames` gets both back whenever the
    // loop is left other than by the entry frame returning (`suspend!`).
    let Some(top) = frames.pop() else {
        return Ok(Exit::Returned);
    };
    let mut instance_index = top.instance;
    let mut defined = top.func;
    let mut inst = &instances[top.instance as usize];
    let Some(mut func) = inst.module.inner.fast.get(top.func) else {
        frames.push(top);
        return Err(internal("frame without code"));
    };
    let mut base = top.base;
    let (Some(mut cursor), Some(mut regs)) = (
        Cursor::new(&func.code, top.pc as usize),
        Regs::new(stack, base, func.extent as usize),
    ) else {
        frames.push(top);
        return Err(internal("frame outside its code or the stack"));
    };
    let mut mem0 = first_memory(inst);
    // The callers this run suspends; also the threaded handlers' view of
    // the running frame (`chain`), brought up to date before each run of
    // the chain.
    let mut chain = Chain {
        callers: Vec::new(),
        func,
        inst,
        code: &inst.module.inner.fast,
        base,
        instance: instance_index,
        defined,
        callers_limit: 0,
        stack_len: 0,
        funcs,
        tables: std::ptr::null(),
        tables_len: 0,
        type_ids: &[],
        table0: std::ptr::NonNull::dangling().as_ptr(),
        table0_len: 0,
        globals: std::ptr::null_mut(),
        globals_len: 0,
    };
    if let Some(profile) = profile.as_deref_mut() {
        if resume == Resume::Start {
            profile.enter(top.instance, top.func);
        } else {
            profile.switch(Some((top.instance, top.func)));
        }
    }

    macro_rules! stop_profile {
        () => {
            if let Some(profile) = profile.as_deref_mut() {
                profile.switch(None);
            }
        };
    }
    /// Leaves the loop with the whole call stack back on `frames`, the
    /// running frame's pc at the op being executed.
    macro_rules! suspend {
        ($result:expr) => {{
            for caller in chain.callers.drain(..) {
                frames.push(Frame {
                    instance: caller.instance,
                    func: caller.defined,
                    pc: caller.resume.pc_in(&caller.func.code).wrapping_sub(1) as u32,
                    base: caller.base,
                });
            }
            frames.push(Frame {
                instance: instance_index,
                func: defined,
                pc: cursor.pc_in(&func.code).wrapping_sub(1) as u32,
                base,
            });
            stop_profile!();
            return $result;
        }};
    }
    macro_rules! trap {
        ($code:expr) => {
            suspend!(Err(Fault::Trap($code)))
        };
    }
    macro_rules! try_trap {
        ($result:expr) => {
            if let Err(code) = $result {
                trap!(code);
            }
        };
    }
    macro_rules! memory_index {
        ($memory:expr) => {
            inst.memories[$memory as usize] as usize
        };
    }
    /// The two indices of a bulk op.
    macro_rules! bulk_imms {
        ($bulk:expr) => {{
            let (x, y) = func.imms[$bulk.imm as usize];
            (x, y as u32)
        }};
    }
    macro_rules! table_index {
        ($table:expr) => {
            inst.tables[$table as usize] as usize
        };
    }
    /// The code of defined function `defined` of `callee_inst`, translated
    /// now if this is its first call.
    macro_rules! code_of {
        ($callee_inst:expr, $defined:expr) => {{
            let module = &$callee_inst.module.inner;
            match module
                .fast
                .get_or_compile(&module.bytes, &module.description, $defined)
            {
                Ok(callee) => callee,
                Err(error) => suspend!(Err(Fault::Compile(Error::from(error)))),
            }
        }};
    }
    /// Copies call arguments into the outgoing slots after the frame.
    macro_rules! pass_args {
        ($args:expr) => {{
            let out = func.frame_size as usize;
            for (i, &arg) in $args.iter().enumerate() {
                regs.write(out + i, regs.get(arg));
            }
        }};
    }
    /// Suspends the running frame (whose call op's results go to
    /// `$results`) and continues in `callee`, whose arguments are in place.
    macro_rules! enter {
        ($callee_inst:expr, $instance:expr, $defined:expr, $callee:expr, $results:expr) => {{
            let callee: &FastFunc = $callee;
            if frames.len() + chain.callers.len() + 1 >= limits.max_call_depth {
                trap!(TrapCode::StackOverflow);
            }
            let new_base = base + func.frame_size as usize;
            let callee_regs = match Regs::new(stack, new_base, callee.extent as usize) {
                Some(callee_regs) => callee_regs,
                None => {
                    let needed = new_base + callee.extent as usize;
                    if !grow_stack(stack, needed, limits.max_value_stack) {
                        trap!(TrapCode::StackOverflow);
                    }
                    match Regs::new(stack, new_base, callee.extent as usize) {
                        Some(callee_regs) => callee_regs,
                        None => trap!(TrapCode::StackOverflow),
                    }
                }
            };
            let Some(callee_cursor) = Cursor::new(&callee.code, 0) else {
                suspend!(Err(internal("function without code")));
            };
            callee_regs.start(callee);
            chain.callers.push(Suspended {
                func,
                inst,
                results: $results,
                base,
                instance: instance_index,
                defined,
                resume: cursor,
            });
            inst = $callee_inst;
            instance_index = $instance;
            defined = $defined;
            mem0 = first_memory(inst);
            func = callee;
            cursor = callee_cursor;
            base = new_base;
            regs = callee_regs;
            if let Some(profile) = profile.as_deref_mut() {
                profile.enter($instance, $defined);
            }
        }};
    }
    /// Replaces the running frame by one for `callee`, its arguments read
    /// from `args`.
    macro_rules! tail_enter {
        ($callee_inst:expr, $instance:expr, $defined:expr, $callee:expr, $args:expr) => {{
            let callee: &FastFunc = $callee;
            let args: &[Slot] = $args;
            let mut small = [0u64; 16];
            let large: Vec<u64>;
            let values: &[u64] = if args.len() <= small.len() {
                for (value, &arg) in small.iter_mut().zip(args) {
                    *value = regs.get(arg);
                }
                &small[..args.len()]
            } else {
                large = args.iter().map(|&arg| regs.get(arg)).collect();
                &large
            };
            let needed = base + callee.extent as usize;
            if needed > stack.len() && !grow_stack(stack, needed, limits.max_value_stack) {
                trap!(TrapCode::StackOverflow);
            }
            let (Some(callee_regs), Some(callee_cursor)) = (
                Regs::new(stack, base, callee.extent as usize),
                Cursor::new(&callee.code, 0),
            ) else {
                trap!(TrapCode::StackOverflow);
            };
            for (i, &value) in values.iter().enumerate() {
                callee_regs.write(i, value);
            }
            callee_regs.start(callee);
            inst = $callee_inst;
            instance_index = $instance;
            defined = $defined;
            mem0 = first_memory(inst);
            func = callee;
            cursor = callee_cursor;
            regs = callee_regs;
            if let Some(profile) = profile.as_deref_mut() {
                profile.enter($instance, $defined);
            }
        }};
    }
    /// Leaves the loop to have host function `target` called with `args`.
    macro_rules! host_call {
        ($target:expr, $args:expr, $tail:expr) => {{
            let args: &[Slot] = $args;
            pass_args!(args);
            *stack_top = base + func.frame_size as usize + args.len();
            suspend!(Ok(Exit::HostCall {
                func: $target,
                tail: $tail,
            }));
        }};
    }
    // TIERING (issue 5, crate::jit::tier; docs/decisions/0008-tiering.md):
    // under the `Auto` engine (`tier` is `None` otherwise: one branch per
    // call), counts a call of `$defined` of `$instance` and, once it is hot,
    // leaves the loop as for a host call so the driver runs it as machine
    // code (`call_host_from_wasm`).
    macro_rules! tier_check {
        ($instance:expr, $defined:expr, $args:expr, $tail:expr) => {
            if let Some(tier) = tier.as_deref_mut()
                && tier.count_call($instance, $defined)
            {
                let callee_inst = &instances[$instance as usize];
                let at = callee_inst.module.inner.func_imports() + $defined;
                if let Some(&target) = callee_inst.funcs.get(at as usize) {
                    host_call!(target, $args, $tail);
                }
            }
        };
    }
    /// Calls function `target` (arena index) with the arguments and results
    /// of the call op with slot list `list`.
    macro_rules! call_func {
        ($target:expr, $list:expr, $tail:expr) => {{
            let target: u32 = $target;
            let (args, results) = func.call_slots($list);
            match funcs[target as usize].kind {
                FuncKind::Wasm { instance, defined } => {
                    tier_check!(instance, defined, args, $tail); // TIERING
                    let callee_inst = &instances[instance as usize];
                    let callee = code_of!(callee_inst, defined);
                    if $tail {
                        tail_enter!(callee_inst, instance, defined, callee, args);
                    } else {
                        pass_args!(args);
                        enter!(callee_inst, instance, defined, callee, results);
                    }
                }
                FuncKind::Host { .. } => host_call!(target, args, $tail),
            }
        }};
    }
    /// The function a `call_indirect` reaches.
    macro_rules! indirect_target {
        ($call:expr) => {{
            let call = $call;
            let table = &tables[table_index!(call.table)];
            let expected = inst.module.inner.type_ids[call.type_index as usize];
            match bulk::indirect_target(table, regs.get(call.index), funcs, expected) {
                Ok(target) => target,
                Err(code) => trap!(code),
            }
        }};
    }
    /// Ends the running frame, handing `count` results (result `i` is
    /// `value`) to its caller's call op, or to the entry frame's first slots.
    macro_rules! do_return {
        ($count:expr, |$i:ident| $value:expr) => {{
            let count: usize = $count;
            if let Some(caller) = chain.callers.pop() {
                let Some(caller_regs) = Regs::new(stack, caller.base, caller.func.extent as usize)
                else {
                    suspend!(Err(internal("caller frame outside the stack")));
                };
                for ($i, &slot) in caller.results.iter().enumerate().take(count) {
                    caller_regs.set(slot, $value);
                }
                let caller_cursor = caller.resume;
                inst = caller.inst;
                instance_index = caller.instance;
                defined = caller.defined;
                mem0 = first_memory(caller.inst);
                func = caller.func;
                cursor = caller_cursor;
                base = caller.base;
                regs = caller_regs;
                if let Some(profile) = profile.as_deref_mut() {
                    profile.switch(Some((instance_index, defined)));
                }
            } else if frames.len() > entry_depth
                && let Some(caller) = frames.pop()
            {
                // A caller suspended by an earlier run of the loop.
                let caller_inst = &instances[caller.instance as usize];
                let caller_pc = caller.pc as usize;
                let found = caller_inst
                    .module
                    .inner
                    .fast
                    .get(caller.func)
                    .and_then(|f| {
                        Some((
                            f,
                            Regs::new(stack, caller.base, f.extent as usize)?,
                            Cursor::new(&f.code, caller_pc + 1)?,
                        ))
                    });
                let Some((caller_func, caller_regs, caller_cursor)) = found else {
                    frames.push(caller);
                    suspend!(Err(internal("caller frame without code")));
                };
                let results = call_results(caller_func, caller_func.op(caller_pc));
                for ($i, &slot) in results.iter().enumerate().take(count) {
                    caller_regs.set(slot, $value);
                }
                inst = caller_inst;
                instance_index = caller.instance;
                defined = caller.func;
                mem0 = first_memory(inst);
                func = caller_func;
                cursor = caller_cursor;
                base = caller.base;
                regs = caller_regs;
                if let Some(profile) = profile.as_deref_mut() {
                    profile.switch(Some((instance_index, defined)));
                }
            } else {
                // The entry frame returns; results may be read from the
                // slots they go to.
                let mut small = [0u64; 16];
                if count <= small.len() {
                    for $i in 0..count {
                        small[$i] = $value;
                    }
                    for (i, &value) in small[..count].iter().enumerate() {
                        regs.write(i, value);
                    }
                } else {
                    let values: Vec<u64> = (0..count).map(|$i| $value).collect();
                    for (i, value) in values.into_iter().enumerate() {
                        regs.write(i, value);
                    }
                }
                stop_profile!();
                return Ok(Exit::Returned);
            }
        }};
    }
    macro_rules! dispatch {
        (
            $op:expr; { $($extra:tt)* }
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
            match *$op {
                $(Op::$un(x) => {
                    let $una = <$unt as SlotValue>::from_slot(regs.get(x.src));
                    regs.set(x.dst, SlotValue::into_slot($une));
                })*
                $(Op::$ut(x) => {
                    let $uta = <$utt as SlotValue>::from_slot(regs.get(x.src));
                    match $ute {
                        Ok(value) => regs.set(x.dst, SlotValue::into_slot(value)),
                        Err(code) => trap!(code),
                    }
                })*
                $(Op::$bin(x) => {
                    let $bina = <$bint as SlotValue>::from_slot(regs.get(x.a));
                    let $binb = <$bint as SlotValue>::from_slot(regs.get(x.b));
                    regs.set(x.dst, SlotValue::into_slot($bine));
                })*
                $(Op::$bt(x) => {
                    let $bta = <$btt as SlotValue>::from_slot(regs.get(x.a));
                    let $btb = <$btt as SlotValue>::from_slot(regs.get(x.b));
                    match $bte {
                        Ok(value) => regs.set(x.dst, SlotValue::into_slot(value)),
                        Err(code) => trap!(code),
                    }
                })*
                $(Op::$bi(x) => {
                    let $bia = <$bit as SlotValue>::from_slot(regs.get(x.a));
                    let $bib = <$bit as Imm>::from_imm(x.imm);
                    regs.set(x.dst, SlotValue::into_slot($bie));
                })*
                $(Op::$bz(x) => {
                    let $bza = <$bzt as SlotValue>::from_slot(regs.get(x.cond));
                    if $bze {
                        cursor.jump_after(x.target);
                    }
                })*
                $(Op::$bc(x) => {
                    let $bca = <$bct as SlotValue>::from_slot(regs.get(x.a));
                    let $bcb = <$bct as SlotValue>::from_slot(regs.get(x.b));
                    if $bce {
                        cursor.jump_after(x.target);
                    }
                })*
                $(Op::$bci(x) => {
                    let $bcia = <$bcit as SlotValue>::from_slot(regs.get(x.a));
                    let $bcib = <$bcit as Imm>::from_imm(x.imm);
                    if $bcie {
                        cursor.jump_after(x.target);
                    }
                })*
                $(Op::$ld(x) => {
                    let memory = &memories[mem0].data;
                    match load::<$ldn>(memory, regs.get(x.addr), u64::from(x.offset)) {
                        Some($ldb) => regs.set(x.dst, $lde),
                        None => trap!(TrapCode::MemoryOutOfBounds),
                    }
                })*
                $(Op::$st(x) => {
                    let $stv = regs.get(x.value);
                    let memory = &mut memories[mem0].data;
                    if !store::<$stn>(memory, regs.get(x.addr), u64::from(x.offset), $ste) {
                        trap!(TrapCode::MemoryOutOfBounds);
                    }
                })*
                $(Op::$ldx(x) => {
                    let memory = &memories[mem0].data;
                    let addr = index_addr(regs.get(x.a), regs.get(x.b));
                    match load::<$ldxn>(memory, addr, u64::from(x.offset)) {
                        Some($ldxb) => regs.set(x.dst, $ldxe),
                        None => trap!(TrapCode::MemoryOutOfBounds),
                    }
                })*
                $(Op::$stx(x) => {
                    let $stxv = regs.get(x.value);
                    let memory = &mut memories[mem0].data;
                    let addr = index_addr(regs.get(x.a), regs.get(x.b));
                    if !store::<$stxn>(memory, addr, u64::from(x.offset), $stxe) {
                        trap!(TrapCode::MemoryOutOfBounds);
                    }
                })*
                $(Op::$abc(x) => {
                    let sum = add_imm(regs.get(x.a), x.imm);
                    regs.set(x.dst, sum);
                    let $abca = <$abct as SlotValue>::from_slot(sum);
                    let $abcb = <$abct as SlotValue>::from_slot(regs.get(x.b));
                    if $abce {
                        cursor.jump_after(x.target);
                    }
                })*
                $(Op::$abi(x) => {
                    let sum = add_imm(regs.get(x.a), x.imm);
                    regs.set(x.dst, sum);
                    let $abia = <$abit as SlotValue>::from_slot(sum);
                    let $abib = <$abit as Imm>::from_imm(i32::from(x.limit));
                    if $abie {
                        cursor.jump_after(x.target);
                    }
                })*
                $(Op::$asc(x) => {
                    let sum = u64::from((regs.get(x.a) as u32).wrapping_add(regs.get(x.addend) as u32));
                    regs.set(x.dst, sum);
                    let $asca = <$asct as SlotValue>::from_slot(sum);
                    let $ascb = <$asct as SlotValue>::from_slot(regs.get(x.b));
                    if $asce {
                        cursor.jump_after(x.target);
                    }
                })*
                $(Op::$anb(x) => {
                    let $anbv = (regs.get(x.a) as u32) & (x.imm as u32);
                    regs.set(x.dst, u64::from($anbv));
                    if $anbe {
                        cursor.jump_after(x.target);
                    }
                })*
                $(Op::$ib(x) => {
                    let $iba = <$ibt as SlotValue>::from_slot(regs.get(x.a));
                    let $ibb = <$ibt as Imm>::from_imm(x.imm);
                    let $ibx = $ibf;
                    regs.set(x.t, SlotValue::into_slot($ibx));
                    let $ibc = <$ibt as SlotValue>::from_slot(regs.get(x.c));
                    regs.set(x.dst, SlotValue::into_slot($ibg));
                })*
                $(Op::$lb(x) => {
                    let memory = &memories[mem0].data;
                    match load::<8>(memory, regs.get(x.addr), u64::from(x.offset)) {
                        Some(bytes) => {
                            let loaded = u64::from_le_bytes(bytes);
                            regs.set(x.ld, loaded);
                            let $lbv = <$lbt as SlotValue>::from_slot(loaded);
                            let $lbb = <$lbt as SlotValue>::from_slot(regs.get(x.b));
                            regs.set(x.dst, SlotValue::into_slot($lbe));
                        }
                        None => trap!(TrapCode::MemoryOutOfBounds),
                    }
                })*
                $(Op::$lbs(x) => {
                    let memory = &mut memories[mem0].data;
                    if !load_op_store(memory, regs, x, |v, b| {
                        let $lbsv = <$lbst as SlotValue>::from_slot(v);
                        let $lbsb = <$lbst as SlotValue>::from_slot(b);
                        SlotValue::into_slot($lbse)
                    }) {
                        trap!(TrapCode::MemoryOutOfBounds);
                    }
                })*
                $(Op::$bs(x) => {
                    let memory = &mut memories[mem0].data;
                    let $bsa = <$bst as SlotValue>::from_slot(regs.get(x.a));
                    let $bsb = <$bst as SlotValue>::from_slot(regs.get(x.b));
                    let value = SlotValue::into_slot($bse);
                    regs.set(x.dst, value);
                    if !store::<8>(memory, regs.get(x.addr), u64::from(x.offset), value.to_le_bytes()) {
                        trap!(TrapCode::MemoryOutOfBounds);
                    }
                })*
                $(Op::$b2(x) => {
                    let $b2a = <$b2t as SlotValue>::from_slot(regs.get(x.a));
                    let $b2b = <$b2t as SlotValue>::from_slot(regs.get(x.b));
                    let $b2x = $b2f;
                    regs.set(x.t, SlotValue::into_slot($b2x));
                    let $b2c = <$b2t as SlotValue>::from_slot(regs.get(x.c));
                    regs.set(x.dst, SlotValue::into_slot($b2g));
                })*
                $($extra)*
            }
        };
    }

    match resume {
        Resume::Start => {}
        Resume::AfterHostCall => {
            let out = func.frame_size as usize;
            let pc = cursor.pc_in(&func.code);
            for (i, &slot) in call_results(func, func.op(pc)).iter().enumerate() {
                regs.set(slot, regs.read(out + i));
            }
            cursor.skip(1);
        }
        Resume::ReturnAfterHostCall => {
            let out = func.frame_size as usize;
            do_return!(func.results as usize, |i| regs.read(out + i));
        }
    }

    loop {
        // The straight-line ops run in the hot inner dispatcher, which
        // comes back here for everything else (and when profiling, this
        // loop runs every op itself, counting them).
        if !PROFILE {
            let memory: &mut [u8] = match memories.get_mut(mem0) {
                Some(memory) => &mut memory.data,
                None => &mut [],
            };
            #[cfg(any(feature = "tail-dispatch", not(feature = "match-dispatch")))]
            let stop = {
                chain.func = func;
                chain.inst = inst;
                chain.code = &inst.module.inner.fast;
                chain.base = base;
                chain.instance = instance_index;
                chain.defined = defined;
                chain.callers_limit = if tier.is_some() {
                    0
                } else {
                    // `enter!`'s depth check for each frame pushed.
                    let depth = limits.max_call_depth.saturating_sub(frames.len() + 1);
                    depth.min(chain.callers.capacity())
                };
                chain.stack_len = stack.len();
                chain.tables = tables.as_ptr();
                chain.tables_len = tables.len();
                chain.type_ids = &inst.module.inner.type_ids;
                let table0: &[u64] = inst
                    .tables
                    .first()
                    .and_then(|&at| tables.get(at as usize))
                    .map_or(&[], |table| &table.elements);
                chain.table0 = table0.as_ptr();
                chain.table0_len = table0.len();
                chain.globals = globals.as_mut_ptr();
                chain.globals_len = globals.len();
                let stop = super::threaded::run(&cursor, regs, memory, &mut chain);
                if !std::ptr::eq(chain.func, func) || chain.base != base {
                    // The chain called or returned: continue in its frame
                    // (of the same instance).
                    func = chain.func;
                    base = chain.base;
                    defined = chain.defined;
                    let Some(chain_regs) = Regs::new(stack, base, func.extent as usize) else {
                        suspend!(Err(internal(
                            "threaded call left a frame outside the stack"
                        )));
                    };
                    regs = chain_regs;
                }
                stop
            };
            #[cfg(all(feature = "match-dispatch", not(feature = "tail-dispatch")))]
            let stop = super::straight::run(&cursor, regs, memory, func);
            match Cursor::new(&func.code, stop.pc_in(&func.code)) {
                Some(at) => cursor = at,
                None => suspend!(Err(internal("dispatcher stopped outside the code"))),
            }
            if let Some(code) = stop.trap() {
                // The trapping op was fetched: `suspend!` records the op
                // before the cursor, as for a trap in this loop.
                trap!(code);
            }
        }
        let op = cursor.next();
        if PROFILE && let Some(profile) = profile.as_deref_mut() {
            profile.count(op.kind());
        }
        for_each_op!(dispatch! op; {
            Op::Trap(()) => trap!(TrapCode::Unreachable),
            Op::Br(target) => cursor.jump_after(target),
            Op::BrTable(table) => {
                if !jump_to_case(&mut cursor, table.len, regs.get(table.index) as u32) {
                    suspend!(Err(internal("br_table without its cases")));
                }
            }
            Op::BrTableI32Load8U(_) | Op::BrTableI32Load8UIdx(_) => {
                let Some(load) = switch_load(*op, regs) else {
                    suspend!(Err(internal("not a load for a br_table")));
                };
                match switch_on_byte(&mut cursor, regs, &memories[mem0].data, load) {
                    Ok(()) => {}
                    Err(SwitchFailed::OutOfBounds) => trap!(TrapCode::MemoryOutOfBounds),
                    Err(SwitchFailed::Unverified) => {
                        suspend!(Err(internal("load for a br_table without it")))
                    }
                }
            }
            Op::Return0(()) => do_return!(0, |_i| 0),
            Op::Return1(src) => do_return!(1, |_i| regs.get(src)),
            Op::Return(list) => {
                let slots = func.return_slots(list);
                do_return!(slots.len(), |i| slots.get(i).map_or(0, |&slot| regs.get(slot)));
            }
            Op::CallInternal(call) => {
                tier_check!(instance_index, call.func, func.call_slots(call.list).0, false); // TIERING
                let callee = code_of!(inst, call.func);
                let (args, results) = func.call_slots(call.list);
                pass_args!(args);
                enter!(inst, instance_index, call.func, callee, results);
            }
            Op::Call(call) => {
                let target = inst.funcs[call.func as usize];
                call_func!(target, call.list, false);
            }
            Op::CallIndirect(call) => {
                let target = indirect_target!(call);
                call_func!(target, call.list, false);
            }
            Op::ReturnCallInternal(call) => {
                tier_check!(instance_index, call.func, func.call_slots(call.list).0, true); // TIERING
                let callee = code_of!(inst, call.func);
                tail_enter!(inst, instance_index, call.func, callee, func.call_slots(call.list).0);
            }
            Op::ReturnCall(call) => {
                let target = inst.funcs[call.func as usize];
                call_func!(target, call.list, true);
            }
            Op::ReturnCallIndirect(call) => {
                let target = indirect_target!(call);
                call_func!(target, call.list, true);
            }
            Op::Copy(x) => regs.set(x.dst, regs.get(x.src)),
            Op::Copy2(x) => {
                regs.set(x.dst0, regs.get(x.src0));
                regs.set(x.dst1, regs.get(x.src1));
            }
            Op::CopyBr(x) => {
                regs.set(x.dst, regs.get(x.src));
                cursor.jump_after(x.target);
            }
            Op::Copy2Br(Copy2Br { copies: x, target }) => {
                regs.set(x.dst0, regs.get(x.src0));
                regs.set(x.dst1, regs.get(x.src1));
                cursor.jump_after(target);
            }
            Op::I32AddImmBr(x) => {
                regs.set(x.dst, u64::from((regs.get(x.a) as u32).wrapping_add(x.imm as u32)));
                cursor.jump_after(x.target);
            }
            Op::I32AddImm2(x) => {
                regs.set(x.dst0, add_imm(regs.get(x.a0), x.imm0));
                regs.set(x.dst1, add_imm(regs.get(x.a1), x.imm1));
            }
            Op::Const32(x) => regs.set(x.dst, u64::from(x.value)),
            Op::Const64(x) => regs.set(x.dst, x.value()),
            Op::Select(x) => {
                let value = if regs.get(x.cond) as u32 != 0 {
                    regs.get(x.a)
                } else {
                    regs.get(x.b)
                };
                regs.set(x.dst, value);
            }
            Op::GlobalGet(x) => {
                regs.set(x.slot, globals[inst.globals[x.index as usize] as usize].value);
            }
            Op::GlobalSet(x) => {
                globals[inst.globals[x.index as usize] as usize].value = regs.get(x.slot);
            }
            Op::RefFunc(x) => regs.set(x.slot, u64::from(inst.funcs[x.index as usize]) + 1),
            Op::LoadExt(x) => {
                let (memory, offset) = func.imms[x.memarg as usize];
                let memory = &memories[memory_index!(memory)].data;
                let loaded = MemKind::from_u8(x.kind)
                    .and_then(|kind| load_ext(kind, memory, regs.get(x.addr), offset));
                match loaded {
                    Some(value) => regs.set(x.value, value),
                    None => trap!(TrapCode::MemoryOutOfBounds),
                }
            }
            Op::StoreExt(x) => {
                let (memory, offset) = func.imms[x.memarg as usize];
                let memory = &mut memories[memory_index!(memory)].data;
                let stored = MemKind::from_u8(x.kind).is_some_and(|kind| {
                    store_ext(kind, memory, regs.get(x.addr), offset, regs.get(x.value))
                });
                if !stored {
                    trap!(TrapCode::MemoryOutOfBounds);
                }
            }
            Op::MemorySize(x) => regs.set(x.slot, memories[memory_index!(x.index)].pages()),
            Op::MemoryGrow(x) => {
                let memory = &mut memories[memory_index!(x.index)];
                regs.set(x.a, bulk::memory_grow(memory, regs.get(x.b)));
            }
            Op::MemoryFill(x) => {
                let (bx, _) = bulk_imms!(x);
                let memory = &mut memories[memory_index!(bx)].data;
                let (start, value, len) = (regs.get(x.a), regs.get(x.b) as u8, regs.get(x.c));
                try_trap!(bulk::memory_fill(memory, start, value, len));
            }
            Op::MemoryCopy(x) => {
                let (bx, by) = bulk_imms!(x);
                let (dst, src) = (memory_index!(bx), memory_index!(by));
                let (d, s, n) = (regs.get(x.a), regs.get(x.b), regs.get(x.c));
                try_trap!(bulk::memory_copy(memories, dst, src, d, s, n));
            }
            Op::MemoryInit(x) => {
                let (bx, by) = bulk_imms!(x);
                let bytes = datas[inst.datas[bx as usize] as usize].bytes();
                let memory = &mut memories[memory_index!(by)].data;
                let (d, s, n) = (regs.get(x.a), regs.get(x.b), regs.get(x.c));
                try_trap!(bulk::memory_init(memory, bytes, d, s, n));
            }
            Op::DataDrop(data) => datas[inst.datas[data as usize] as usize].range = 0..0,
            Op::TableGet(x) => {
                match bulk::table_get(&tables[table_index!(x.index)], regs.get(x.b)) {
                    Ok(value) => regs.set(x.a, value),
                    Err(code) => trap!(code),
                }
            }
            Op::TableSet(x) => {
                let table = &mut tables[table_index!(x.index)];
                try_trap!(bulk::table_set(table, regs.get(x.a), regs.get(x.b)));
            }
            Op::TableSize(x) => regs.set(x.slot, tables[table_index!(x.index)].size()),
            Op::TableGrow(x) => {
                let table = &mut tables[table_index!(x.table)];
                regs.set(x.dst, bulk::table_grow(table, regs.get(x.delta), regs.get(x.init)));
            }
            Op::TableFill(x) => {
                let (bx, _) = bulk_imms!(x);
                let table = &mut tables[table_index!(bx)];
                try_trap!(bulk::table_fill(table, regs.get(x.a), regs.get(x.b), regs.get(x.c)));
            }
            Op::TableCopy(x) => {
                let (bx, by) = bulk_imms!(x);
                let (dst, src) = (table_index!(bx), table_index!(by));
                let (d, s, n) = (regs.get(x.a), regs.get(x.b), regs.get(x.c));
                try_trap!(bulk::table_copy(tables, dst, src, d, s, n));
            }
            Op::TableInit(x) => {
                let (bx, by) = bulk_imms!(x);
                let items = &elems[inst.elems[bx as usize] as usize].items;
                let table = &mut tables[table_index!(by)];
                let (d, s, n) = (regs.get(x.a), regs.get(x.b), regs.get(x.c));
                try_trap!(bulk::table_init(table, items, d, s, n));
            }
            Op::ElemDrop(elem) => elems[inst.elems[elem as usize] as usize].items = Vec::new(),
            Op::LoopHeader(_) => {
                // TIERING (issue 5): only translated for the tiered engine.
                if let Some(tier) = tier.as_deref_mut()
                    && tier.count_loop(instance_index, defined)
                {
                    suspend!(Ok(Exit::HotLoop));
                }
            }
        });
    }
}
