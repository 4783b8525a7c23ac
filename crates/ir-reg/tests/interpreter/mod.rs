//! A small, slow reference interpreter of ir-reg, for differential tests
//! only: it runs the spec suite's assertions on functions as built and after
//! the passes. It is written independently of the crate's constant folder so
//! that the two check each other.
//!
//! Float operations that produce a NaN return the canonical NaN (which every
//! spec NaN pattern accepts); bit operations (`abs`, `neg`, `copysign`,
//! reinterpretations, memory) keep NaN bits exactly.

mod numeric;

use zwasm_decode::{
    ConstExpr, ConstOp, DataMode, ElementItems, ElementMode, ImportType, Module, ValType,
};
use zwasm_ir_reg::{FloatCC, IntCC, Opcode, RegFunction, Value};

pub use numeric::numeric;

/// A runtime value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Val {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    /// `None` is null; otherwise a function index (funcref) or a host value
    /// (externref).
    Ref(Option<u32>),
}

impl Val {
    pub fn i32(self) -> i32 {
        match self {
            Val::I32(v) => v,
            other => panic!("expected i32, got {other:?}"),
        }
    }

    pub fn i64(self) -> i64 {
        match self {
            Val::I64(v) => v,
            other => panic!("expected i64, got {other:?}"),
        }
    }

    /// An address or index operand, i32 zero-extended.
    fn index(self) -> u64 {
        match self {
            Val::I32(v) => u64::from(v as u32),
            Val::I64(v) => v as u64,
            other => panic!("expected an index, got {other:?}"),
        }
    }

    fn reference(self) -> Option<u32> {
        match self {
            Val::Ref(r) => r,
            other => panic!("expected a reference, got {other:?}"),
        }
    }
}

/// Why execution stopped early.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stop {
    /// A wasm trap.
    Trap(&'static str),
    /// Beyond what this interpreter does (fuel, depth, host imports, big
    /// memories): the assertion is skipped.
    Unsupported(String),
}

const PAGE: u64 = 65536;
/// Memories are real vectors here: keep them small.
const MAX_PAGES: u64 = 256;
const MAX_DEPTH: u32 = 400;

struct Memory {
    bytes: Vec<u8>,
    max_pages: u64,
}

struct Table {
    elements: Vec<Option<u32>>,
    max: u64,
}

/// One instantiated module running the functions of one pipeline stage.
pub struct Instance<'m> {
    module: &'m Module,
    functions: &'m [RegFunction],
    globals: Vec<Val>,
    memories: Vec<Memory>,
    tables: Vec<Table>,
    dropped_data: Vec<bool>,
    dropped_elements: Vec<bool>,
    data: Vec<&'m [u8]>,
    fuel: u64,
    depth: u32,
    /// Set when an invocation stopped for a reason this interpreter does not
    /// model: the state is no longer what wasm would have, so every later
    /// invocation is skipped.
    poisoned: bool,
    /// Instructions each invocation may execute before it is abandoned.
    fuel_per_call: u64,
}

impl<'m> Instance<'m> {
    /// Instantiates `module` (decoded from `bytes`) with `functions` as the
    /// code of its defined functions. Only `spectest` imports are provided.
    pub fn new(
        module: &'m Module,
        bytes: &'m [u8],
        functions: &'m [RegFunction],
    ) -> Result<Self, Stop> {
        let mut instance = Instance {
            module,
            functions,
            globals: Vec::new(),
            memories: Vec::new(),
            tables: Vec::new(),
            dropped_data: vec![false; module.data.len()],
            dropped_elements: vec![false; module.elements.len()],
            data: module
                .data
                .iter()
                .map(|segment| &bytes[segment.range.clone()])
                .collect(),
            fuel: 0,
            depth: 0,
            poisoned: false,
            fuel_per_call: 3_000_000,
        };
        for import in &module.imports {
            if import.module != "spectest" {
                return Err(Stop::Unsupported(format!("import from {}", import.module)));
            }
            match (&import.ty, import.name.as_str()) {
                (ImportType::Func(_), name) if name.starts_with("print") => {}
                (ImportType::Global(ty), name) => instance.globals.push(match (ty.content, name) {
                    (ValType::I32, "global_i32") => Val::I32(666),
                    (ValType::I64, "global_i64") => Val::I64(666),
                    (ValType::F32, "global_f32") => Val::F32(666.6f32.to_bits()),
                    (ValType::F64, "global_f64") => Val::F64(666.6f64.to_bits()),
                    _ => return Err(Stop::Unsupported(format!("spectest global {name}"))),
                }),
                (ImportType::Memory(_), "memory") => instance.memories.push(Memory {
                    bytes: vec![0; PAGE as usize],
                    max_pages: 2,
                }),
                (ImportType::Table(_), "table") => instance.tables.push(Table {
                    elements: vec![None; 10],
                    max: 20,
                }),
                (_, name) => return Err(Stop::Unsupported(format!("spectest import {name}"))),
            }
        }
        for global in &module.globals {
            let value = instance.const_expr(&global.init)?;
            instance.globals.push(value);
        }
        for memory in &module.memories[module.memory_imports as usize..] {
            if memory.limits.min > MAX_PAGES {
                return Err(Stop::Unsupported("big memory".into()));
            }
            let limit = if memory.memory64 { 1 << 48 } else { 65536 };
            instance.memories.push(Memory {
                bytes: vec![0; (memory.limits.min * PAGE) as usize],
                max_pages: memory.limits.max.unwrap_or(limit),
            });
        }
        let defined_tables = &module.tables[module.table_imports as usize..];
        for (table, init) in defined_tables.iter().zip(&module.table_inits) {
            if table.limits.min > 1 << 20 {
                return Err(Stop::Unsupported("big table".into()));
            }
            let init = match init {
                Some(expr) => instance.const_expr(expr)?.reference(),
                None => None,
            };
            instance.tables.push(Table {
                elements: vec![init; table.limits.min as usize],
                max: table.limits.max.unwrap_or(u64::from(u32::MAX)),
            });
        }
        for (index, segment) in module.elements.iter().enumerate() {
            match &segment.mode {
                ElementMode::Passive => {}
                ElementMode::Declared => instance.dropped_elements[index] = true,
                ElementMode::Active { table, offset } => {
                    let offset = instance.const_expr(offset)?.index();
                    let items = instance.element_items(index)?;
                    let table = &mut instance.tables[*table as usize];
                    let end = offset
                        .checked_add(items.len() as u64)
                        .filter(|&end| end <= table.elements.len() as u64)
                        .ok_or(Stop::Trap("out of bounds table access"))?;
                    table.elements[offset as usize..end as usize].copy_from_slice(&items);
                    instance.dropped_elements[index] = true;
                }
            }
        }
        for (index, segment) in module.data.iter().enumerate() {
            if let DataMode::Active { memory, offset } = &segment.mode {
                let offset = instance.const_expr(offset)?.index();
                let data = instance.data[index];
                let memory = &mut instance.memories[*memory as usize];
                let end = offset
                    .checked_add(data.len() as u64)
                    .filter(|&end| end <= memory.bytes.len() as u64)
                    .ok_or(Stop::Trap("out of bounds memory access"))?;
                memory.bytes[offset as usize..end as usize].copy_from_slice(data);
                instance.dropped_data[index] = true;
            }
        }
        if let Some(start) = module.start {
            instance.invoke(start, &[])?;
        }
        Ok(instance)
    }

    fn element_items(&mut self, index: usize) -> Result<Vec<Option<u32>>, Stop> {
        match &self.module.elements[index].items {
            ElementItems::Functions(funcs) => Ok(funcs.iter().map(|&f| Some(f)).collect()),
            ElementItems::Exprs(exprs) => exprs
                .iter()
                .map(|expr| self.const_expr(expr).map(Val::reference))
                .collect(),
        }
    }

    fn const_expr(&self, expr: &ConstExpr) -> Result<Val, Stop> {
        let mut stack = Vec::new();
        for op in &expr.ops {
            let value = match *op {
                ConstOp::I32Const(v) => Val::I32(v),
                ConstOp::I64Const(v) => Val::I64(v),
                ConstOp::F32Const(v) => Val::F32(v),
                ConstOp::F64Const(v) => Val::F64(v),
                ConstOp::RefNull(_) => Val::Ref(None),
                ConstOp::RefFunc(f) => Val::Ref(Some(f)),
                ConstOp::GlobalGet(g) => self.globals[g as usize],
                ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul => {
                    let b = stack.pop().map(Val::i32).unwrap_or(0);
                    let a = stack.pop().map(Val::i32).unwrap_or(0);
                    Val::I32(match op {
                        ConstOp::I32Add => a.wrapping_add(b),
                        ConstOp::I32Sub => a.wrapping_sub(b),
                        _ => a.wrapping_mul(b),
                    })
                }
                ConstOp::I64Add | ConstOp::I64Sub | ConstOp::I64Mul => {
                    let b = stack.pop().map(Val::i64).unwrap_or(0);
                    let a = stack.pop().map(Val::i64).unwrap_or(0);
                    Val::I64(match op {
                        ConstOp::I64Add => a.wrapping_add(b),
                        ConstOp::I64Sub => a.wrapping_sub(b),
                        _ => a.wrapping_mul(b),
                    })
                }
            };
            stack.push(value);
        }
        stack
            .pop()
            .ok_or_else(|| Stop::Unsupported("empty constant expression".into()))
    }

    /// Limits how many instructions each later invocation may execute.
    #[allow(dead_code)] // Not every test crate that includes this module uses it.
    pub fn set_fuel_per_call(&mut self, fuel: u64) {
        self.fuel_per_call = fuel;
    }

    /// Calls function `func` with `args`, with fresh fuel.
    pub fn invoke(&mut self, func: u32, args: &[Val]) -> Result<Vec<Val>, Stop> {
        if self.poisoned {
            return Err(Stop::Unsupported(
                "an earlier invocation was not modelled".into(),
            ));
        }
        self.fuel = self.fuel_per_call;
        self.depth = 0;
        let result = self.call(func, args.to_vec());
        self.poisoned = matches!(result, Err(Stop::Unsupported(_)));
        result
    }

    fn call(&mut self, mut func: u32, mut args: Vec<Val>) -> Result<Vec<Val>, Stop> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Stop::Unsupported("call depth".into()));
        }
        let result = loop {
            match self.run(func, &args)? {
                Exit::Return(values) => break values,
                Exit::TailCall(callee, callee_args) => {
                    func = callee;
                    args = callee_args;
                }
            }
        };
        self.depth -= 1;
        Ok(result)
    }

    fn run(&mut self, func_index: u32, args: &[Val]) -> Result<Exit, Stop> {
        let module = self.module;
        let Some(defined) = func_index.checked_sub(module.func_imports) else {
            // Host functions (spectest print) do nothing and return nothing.
            return Ok(Exit::Return(Vec::new()));
        };
        let functions = self.functions;
        let func = &functions[defined as usize];
        let mut regs = vec![Val::I32(0); func.num_values()];
        let mut block = func.entry_block();
        for (&param, &arg) in func.block_params(block).iter().zip(args) {
            regs[param.index()] = arg;
        }
        let mut scratch = Vec::new();
        let mut operands: Vec<Val> = Vec::new();
        loop {
            let mut next = None;
            for inst in func.block_insts(block) {
                if self.fuel == 0 {
                    return Err(Stop::Unsupported("out of fuel".into()));
                }
                self.fuel -= 1;
                let opcode = func.opcode(inst);
                operands.clear();
                operands.extend(func.inst_args(inst).iter().map(|v| regs[v.index()]));
                let args = operands.as_slice();
                let taken = match opcode {
                    Opcode::Jump => Some(0),
                    Opcode::BrIf => Some(usize::from(args[0].i32() == 0)),
                    Opcode::BrEqz => Some(usize::from(!is_zero(args[0]))),
                    Opcode::BrIcmp { cond } => Some(usize::from(!int_cc(cond, args[0], args[1]))),
                    Opcode::BrFcmp { cond } => Some(usize::from(!float_cc(cond, args[0], args[1]))),
                    Opcode::BrTable => {
                        let last = func.inst_targets(inst).len() - 1;
                        Some((args[0].i32() as u32 as usize).min(last))
                    }
                    _ => None,
                };
                if let Some(taken) = taken {
                    let call = &func.inst_targets(inst)[taken];
                    // Block parameters are assigned in parallel.
                    scratch.clear();
                    scratch.extend(func.edge_args(call).iter().map(|v| regs[v.index()]));
                    for (param, value) in func.block_params(call.block).iter().zip(&scratch) {
                        regs[param.index()] = *value;
                    }
                    next = Some(call.block);
                    break;
                }
                let results = match opcode {
                    Opcode::Return => return Ok(Exit::Return(args.to_vec())),
                    Opcode::Trap { .. } => return Err(Stop::Trap("unreachable")),
                    Opcode::ReturnCall { func } => return Ok(Exit::TailCall(func, args.to_vec())),
                    Opcode::ReturnCallIndirect { type_index, table } => {
                        let callee = self.indirect_callee(type_index, table, args[0])?;
                        return Ok(Exit::TailCall(callee, args[1..].to_vec()));
                    }
                    Opcode::Call { func } => self.call(func, args.to_vec())?,
                    Opcode::CallIndirect { type_index, table } => {
                        let callee = self.indirect_callee(type_index, table, args[0])?;
                        self.call(callee, args[1..].to_vec())?
                    }
                    _ => {
                        let value = self.execute(opcode, args, inst_results_type(func, inst))?;
                        if let Some(result) = func.inst_results(inst).first() {
                            regs[result.index()] = value;
                        }
                        continue;
                    }
                };
                for (result, value) in func.inst_results(inst).iter().zip(results) {
                    regs[result.index()] = value;
                }
            }
            block = next.ok_or_else(|| Stop::Unsupported("block without terminator".into()))?;
        }
    }

    fn indirect_callee(&self, type_index: u32, table: u32, index: Val) -> Result<u32, Stop> {
        let table = &self.tables[table as usize];
        let entry = table
            .elements
            .get(index.index() as usize)
            .ok_or(Stop::Trap("undefined element"))?;
        let callee = entry.ok_or(Stop::Trap("uninitialized element"))?;
        let expected = &self.module.types[type_index as usize];
        if self.module.func_type(callee) != Some(expected) {
            return Err(Stop::Trap("indirect call type mismatch"));
        }
        Ok(callee)
    }

    /// One non-control instruction with a single result (or none: the result
    /// is then ignored).
    fn execute(
        &mut self,
        opcode: Opcode,
        args: &[Val],
        result_type: Option<ValType>,
    ) -> Result<Val, Stop> {
        const NONE: Val = Val::I32(0);
        if let Some(mem) = opcode.mem_arg() {
            return self.memory_access(opcode, mem, args);
        }
        Ok(match opcode {
            Opcode::Copy => args[0],
            Opcode::Select => {
                if args[0].i32() != 0 {
                    args[1]
                } else {
                    args[2]
                }
            }
            Opcode::I32Const { value } => Val::I32(value),
            Opcode::I64Const { value } => Val::I64(value),
            Opcode::F32Const { bits } => Val::F32(bits),
            Opcode::F64Const { bits } => Val::F64(bits),
            Opcode::RefNull { .. } => Val::Ref(None),
            Opcode::RefFunc { func } => Val::Ref(Some(func)),
            Opcode::RefIsNull => Val::I32(i32::from(args[0].reference().is_none())),
            Opcode::GlobalGet { global } => self.globals[global as usize],
            Opcode::GlobalSet { global } => {
                self.globals[global as usize] = args[0];
                NONE
            }
            Opcode::MemorySize { memory } => {
                let pages = self.memories[memory as usize].bytes.len() as u64 / PAGE;
                index_val(result_type, pages)
            }
            Opcode::MemoryGrow { memory } => {
                let memory = &mut self.memories[memory as usize];
                let old = memory.bytes.len() as u64 / PAGE;
                let delta = args[0].index();
                match old
                    .checked_add(delta)
                    .filter(|&new| new <= memory.max_pages)
                {
                    Some(new) if new > MAX_PAGES => {
                        return Err(Stop::Unsupported("memory grows too big".into()));
                    }
                    Some(new) => {
                        memory.bytes.resize((new * PAGE) as usize, 0);
                        index_val(result_type, old)
                    }
                    None => index_val(result_type, u64::MAX),
                }
            }
            Opcode::MemoryFill { memory } => {
                let bytes = &mut self.memories[memory as usize].bytes;
                let (dst, len) = (args[0].index(), args[2].index());
                let range = checked_range(dst, len, bytes.len())?;
                bytes[range].fill(args[1].i32() as u8);
                NONE
            }
            Opcode::MemoryCopy { dst, src } => {
                let len = args[2].index();
                let src_range = checked_range(
                    args[1].index(),
                    len,
                    self.memories[src as usize].bytes.len(),
                )?;
                let dst_range = checked_range(
                    args[0].index(),
                    len,
                    self.memories[dst as usize].bytes.len(),
                )?;
                let data = self.memories[src as usize].bytes[src_range].to_vec();
                self.memories[dst as usize].bytes[dst_range].copy_from_slice(&data);
                NONE
            }
            Opcode::MemoryInit { data, memory } => {
                let segment: &[u8] = if self.dropped_data[data as usize] {
                    &[]
                } else {
                    self.data[data as usize]
                };
                let len = u64::from(args[2].i32() as u32);
                let src = checked_range(u64::from(args[1].i32() as u32), len, segment.len())?;
                let bytes = &mut self.memories[memory as usize].bytes;
                let dst = checked_range(args[0].index(), len, bytes.len())?;
                bytes[dst].copy_from_slice(&segment[src]);
                NONE
            }
            Opcode::DataDrop { data } => {
                self.dropped_data[data as usize] = true;
                NONE
            }
            Opcode::TableGet { table } => {
                let elements = &self.tables[table as usize].elements;
                let at = args[0].index();
                Val::Ref(
                    *elements
                        .get(at as usize)
                        .ok_or(Stop::Trap("out of bounds table access"))?,
                )
            }
            Opcode::TableSet { table } => {
                let elements = &mut self.tables[table as usize].elements;
                let slot = elements
                    .get_mut(args[0].index() as usize)
                    .ok_or(Stop::Trap("out of bounds table access"))?;
                *slot = args[1].reference();
                NONE
            }
            Opcode::TableSize { table } => index_val(
                result_type,
                self.tables[table as usize].elements.len() as u64,
            ),
            Opcode::TableGrow { table } => {
                let table = &mut self.tables[table as usize];
                let old = table.elements.len() as u64;
                let delta = args[1].index();
                match old.checked_add(delta).filter(|&new| new <= table.max) {
                    Some(new) if new > 1 << 20 => {
                        return Err(Stop::Unsupported("table grows too big".into()));
                    }
                    Some(new) => {
                        table.elements.resize(new as usize, args[0].reference());
                        index_val(result_type, old)
                    }
                    None => index_val(result_type, u64::MAX),
                }
            }
            Opcode::TableFill { table } => {
                let elements = &mut self.tables[table as usize].elements;
                let range = checked_range(args[0].index(), args[2].index(), elements.len())
                    .map_err(|_| Stop::Trap("out of bounds table access"))?;
                elements[range].fill(args[1].reference());
                NONE
            }
            Opcode::TableCopy { dst, src } => {
                let len = args[2].index();
                let oob = |_| Stop::Trap("out of bounds table access");
                let src_range = checked_range(
                    args[1].index(),
                    len,
                    self.tables[src as usize].elements.len(),
                )
                .map_err(oob)?;
                let dst_range = checked_range(
                    args[0].index(),
                    len,
                    self.tables[dst as usize].elements.len(),
                )
                .map_err(oob)?;
                let items = self.tables[src as usize].elements[src_range].to_vec();
                self.tables[dst as usize].elements[dst_range].copy_from_slice(&items);
                NONE
            }
            Opcode::TableInit { elem, table } => {
                let items = if self.dropped_elements[elem as usize] {
                    Vec::new()
                } else {
                    self.element_items(elem as usize)?
                };
                let len = u64::from(args[2].i32() as u32);
                let oob = |_| Stop::Trap("out of bounds table access");
                let src = checked_range(u64::from(args[1].i32() as u32), len, items.len())
                    .map_err(oob)?;
                let elements = &mut self.tables[table as usize].elements;
                let dst = checked_range(args[0].index(), len, elements.len()).map_err(oob)?;
                elements[dst].copy_from_slice(&items[src]);
                NONE
            }
            Opcode::ElemDrop { elem } => {
                self.dropped_elements[elem as usize] = true;
                NONE
            }
            _ => numeric(opcode, args)?,
        })
    }

    fn memory_access(
        &mut self,
        opcode: Opcode,
        mem: zwasm_ir_reg::MemArg,
        args: &[Val],
    ) -> Result<Val, Stop> {
        let bytes = &mut self.memories[mem.memory as usize].bytes;
        let width = access_width(opcode);
        let start = args[0]
            .index()
            .checked_add(mem.offset)
            .ok_or(Stop::Trap("out of bounds memory access"))?;
        let range = checked_range(start, width, bytes.len())?;
        let slot = &mut bytes[range];
        if let Some(value) = args.get(1) {
            let raw: u64 = match *value {
                Val::I32(v) => u64::from(v as u32),
                Val::I64(v) => v as u64,
                Val::F32(v) => u64::from(v),
                Val::F64(v) => v,
                Val::Ref(_) => return Err(Stop::Unsupported("store of a reference".into())),
            };
            slot.copy_from_slice(&raw.to_le_bytes()[..width as usize]);
            return Ok(Val::I32(0));
        }
        let mut raw = [0u8; 8];
        raw[..width as usize].copy_from_slice(slot);
        let raw = u64::from_le_bytes(raw);
        let sign_extend = |bits: u32| ((raw << (64 - bits)) as i64) >> (64 - bits);
        Ok(match opcode {
            Opcode::I32Load { .. } => Val::I32(raw as u32 as i32),
            Opcode::I64Load { .. } => Val::I64(raw as i64),
            Opcode::F32Load { .. } => Val::F32(raw as u32),
            Opcode::F64Load { .. } => Val::F64(raw),
            Opcode::I32Load8S { .. } => Val::I32(sign_extend(8) as i32),
            Opcode::I32Load16S { .. } => Val::I32(sign_extend(16) as i32),
            Opcode::I32Load8U { .. } | Opcode::I32Load16U { .. } => Val::I32(raw as i32),
            Opcode::I64Load8S { .. } => Val::I64(sign_extend(8)),
            Opcode::I64Load16S { .. } => Val::I64(sign_extend(16)),
            Opcode::I64Load32S { .. } => Val::I64(sign_extend(32)),
            _ => Val::I64(raw as i64),
        })
    }
}

/// The result type of an instruction's single result, if any.
fn inst_results_type(func: &RegFunction, inst: zwasm_ir_reg::Inst) -> Option<ValType> {
    func.inst_results(inst)
        .first()
        .map(|&value: &Value| func.value_type(value))
}

/// `value` as an i32 or i64 result (`u64::MAX` is -1 either way).
fn index_val(ty: Option<ValType>, value: u64) -> Val {
    if ty == Some(ValType::I64) {
        Val::I64(value as i64)
    } else {
        Val::I32(value as u32 as i32)
    }
}

fn checked_range(start: u64, len: u64, size: usize) -> Result<std::ops::Range<usize>, Stop> {
    let end = start
        .checked_add(len)
        .filter(|&end| end <= size as u64)
        .ok_or(Stop::Trap("out of bounds memory access"))?;
    Ok(start as usize..end as usize)
}

fn access_width(opcode: Opcode) -> u64 {
    match opcode {
        Opcode::I32Load8S { .. }
        | Opcode::I32Load8U { .. }
        | Opcode::I64Load8S { .. }
        | Opcode::I64Load8U { .. }
        | Opcode::I32Store8 { .. }
        | Opcode::I64Store8 { .. } => 1,
        Opcode::I32Load16S { .. }
        | Opcode::I32Load16U { .. }
        | Opcode::I64Load16S { .. }
        | Opcode::I64Load16U { .. }
        | Opcode::I32Store16 { .. }
        | Opcode::I64Store16 { .. } => 2,
        Opcode::I32Load { .. }
        | Opcode::F32Load { .. }
        | Opcode::I64Load32S { .. }
        | Opcode::I64Load32U { .. }
        | Opcode::I32Store { .. }
        | Opcode::F32Store { .. }
        | Opcode::I64Store32 { .. } => 4,
        _ => 8,
    }
}

fn is_zero(value: Val) -> bool {
    match value {
        Val::I32(v) => v == 0,
        Val::I64(v) => v == 0,
        other => panic!("br_eqz of {other:?}"),
    }
}

fn int_cc(cond: IntCC, a: Val, b: Val) -> bool {
    let (sa, sb, ua, ub) = match (a, b) {
        (Val::I32(a), Val::I32(b)) => (
            i64::from(a),
            i64::from(b),
            u64::from(a as u32),
            u64::from(b as u32),
        ),
        (Val::I64(a), Val::I64(b)) => (a, b, a as u64, b as u64),
        other => panic!("br_icmp of {other:?}"),
    };
    match cond {
        IntCC::Eq => sa == sb,
        IntCC::Ne => sa != sb,
        IntCC::LtS => sa < sb,
        IntCC::LtU => ua < ub,
        IntCC::GtS => sa > sb,
        IntCC::GtU => ua > ub,
        IntCC::LeS => sa <= sb,
        IntCC::LeU => ua <= ub,
        IntCC::GeS => sa >= sb,
        IntCC::GeU => ua >= ub,
    }
}

fn float_cc(cond: FloatCC, a: Val, b: Val) -> bool {
    let (a, b) = match (a, b) {
        (Val::F32(a), Val::F32(b)) => (f64::from(f32::from_bits(a)), f64::from(f32::from_bits(b))),
        (Val::F64(a), Val::F64(b)) => (f64::from_bits(a), f64::from_bits(b)),
        other => panic!("br_fcmp of {other:?}"),
    };
    match cond {
        FloatCC::Eq => a == b,
        FloatCC::Ne => a != b,
        FloatCC::Lt => a < b,
        FloatCC::Gt => a > b,
        FloatCC::Le => a <= b,
        FloatCC::Ge => a >= b,
    }
}

enum Exit {
    Return(Vec<Val>),
    TailCall(u32, Vec<Val>),
}
