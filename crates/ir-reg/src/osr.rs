//! On-stack entry variants: a copy of a function that starts at one of its
//! blocks (a hot loop header) with the values live into that block as
//! parameters, for tiering up a frame that is already running.
//!
//! The variant's entry block takes [`OsrVariant::inputs`] (the header's
//! parameters, then the other values live into it, constants excepted) and
//! jumps to the header; the blocks reachable from the header follow,
//! unchanged but for value numbering. Its results are the function's.
//!
//! Values defined before the loop are simply replaced by entry parameters.
//! A value live into the header but defined in a block the header reaches
//! (a value of an enclosing loop's body, seen from an inner loop) no longer
//! has a dominating definition once the entry bypasses that block: it is
//! passed as an extra parameter through every block of the variant where it
//! is live, the entry supplying the running frame's value. Constants are
//! re-materialised in the entry instead of passed.

use std::fmt;

use crate::entities::{Block, BlockCall, Inst, Value};
use crate::function::{BlockData, InstData, RegFunction, ValueDef};
use crate::ops::Opcode;

/// Liveness bits (blocks × values) above which no variant is made.
const MAX_LIVENESS_BITS: usize = 1 << 28;

/// A function rewritten to start at a loop header.
#[derive(Clone, Debug)]
pub struct OsrVariant {
    /// The variant; its entry parameters correspond to `inputs`.
    pub func: RegFunction,
    /// Values of the original function whose current values the caller
    /// passes as the variant's arguments, in order.
    pub inputs: Vec<Value>,
}

/// Why no variant could be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OsrError {
    /// The block does not exist.
    NoSuchBlock(Block),
    /// The function is too large for the liveness computation.
    TooLarge { blocks: usize, values: usize },
    /// The original function is not in SSA form where the variant needs it.
    Malformed(String),
}

impl fmt::Display for OsrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OsrError::NoSuchBlock(block) => write!(f, "no block {block} for an on-stack entry"),
            OsrError::TooLarge { blocks, values } => write!(
                f,
                "function too large for an on-stack entry ({blocks} blocks, {values} values)"
            ),
            OsrError::Malformed(message) => write!(f, "on-stack entry: {message}"),
        }
    }
}

impl std::error::Error for OsrError {}

/// A fixed-size set of value indices.
#[derive(Clone)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(len: usize) -> Self {
        Bits(vec![0; len.div_ceil(64)])
    }
    fn insert(&mut self, at: usize) {
        self.0[at / 64] |= 1 << (at % 64);
    }
    fn contains(&self, at: usize) -> bool {
        self.0[at / 64] & (1 << (at % 64)) != 0
    }
    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(word, &bits)| {
            (0..64)
                .filter(move |bit| bits & (1 << bit) != 0)
                .map(move |bit| word * 64 + bit)
        })
    }
}

/// Whether `opcode` is a constant the variant re-materialises.
fn is_constant(opcode: &Opcode) -> bool {
    matches!(
        opcode,
        Opcode::I32Const { .. }
            | Opcode::I64Const { .. }
            | Opcode::F32Const { .. }
            | Opcode::F64Const { .. }
            | Opcode::RefNull { .. }
    )
}

/// Builds the variant of `func` entered at `header`, identified as function
/// `func_index` of type `type_index` (a type whose parameters are the types
/// of [`OsrVariant::inputs`] and whose results are `func`'s).
pub fn osr_variant(
    func: &RegFunction,
    header: Block,
    func_index: u32,
    type_index: u32,
) -> Result<OsrVariant, OsrError> {
    if header.index() >= func.num_blocks() {
        return Err(OsrError::NoSuchBlock(header));
    }
    let values = func.num_values();
    let malformed = |message: String| OsrError::Malformed(message);

    // The blocks the header reaches, in layout order.
    let mut in_region = vec![false; func.num_blocks()];
    let mut work = vec![header];
    in_region[header.index()] = true;
    while let Some(block) = work.pop() {
        for succ in func.successors(block) {
            if !std::mem::replace(&mut in_region[succ.index()], true) {
                work.push(succ);
            }
        }
    }
    let region: Vec<Block> = func.blocks().filter(|b| in_region[b.index()]).collect();
    if region.len().saturating_mul(values) > MAX_LIVENESS_BITS {
        return Err(OsrError::TooLarge {
            blocks: region.len(),
            values,
        });
    }
    let mut inst_block = vec![Block(u32::MAX); func.num_insts()];
    for &block in &region {
        for inst in func.block_insts(block) {
            inst_block[inst.index()] = block;
        }
    }
    let defined_in_region = |value: Value| match func.value_def(value) {
        ValueDef::Param(block) => in_region[block.index()],
        ValueDef::Result(inst) => inst_block[inst.index()].0 != u32::MAX,
        ValueDef::Removed => false,
    };

    let live_in = region_liveness(func, &region, &in_region, values);
    let slot_of = |block: Block| region.binary_search(&block).unwrap_or(usize::MAX);
    let header_live = &live_in[slot_of(header)];

    // Entry arguments: the header's parameters, then its other live-ins
    // that are not constants.
    let mut inputs: Vec<Value> = func.block_params(header).to_vec();
    let mut constants: Vec<(Value, Inst)> = Vec::new();
    // Live into the header and defined again inside the region.
    let mut threaded: Vec<Value> = Vec::new();
    for at in header_live.iter() {
        let value = Value(at as u32);
        match func.value_def(value) {
            ValueDef::Result(inst) if is_constant(&func.opcode(inst)) => {
                constants.push((value, inst));
            }
            ValueDef::Removed => return Err(malformed(format!("{value} is live but removed"))),
            _ => inputs.push(value),
        }
        if defined_in_region(value) {
            threaded.push(value);
        }
    }

    // Numbering: the new entry first, then the region in layout order.
    let mut out = RegFunction::default();
    out.reset(func_index, type_index);
    let mut new_block = vec![Block(u32::MAX); func.num_blocks()];
    let entry = out.new_block();
    for &block in &region {
        new_block[block.index()] = out.new_block();
    }
    let mut first_inst = vec![0u32; region.len()];
    let mut next_inst = constants.len() as u32 + 1;
    for (at, &block) in region.iter().enumerate() {
        first_inst[at] = next_inst;
        next_inst += func.block_inst_range(block).len() as u32;
    }

    // Values of the original function as the variant names them (outside
    // the per-block parameters of threaded values).
    let mut map: Vec<Option<Value>> = vec![None; values];
    // The entry's source for each live-in of the header.
    let mut source: Vec<Option<Value>> = vec![None; values];
    for &input in &inputs {
        let param = out.add_block_param(entry, func.value_type(input));
        source[input.index()] = Some(param);
    }
    for (at, &(value, _)) in constants.iter().enumerate() {
        let result = out.new_value(func.value_type(value), ValueDef::Result(Inst(at as u32)));
        source[value.index()] = Some(result);
    }
    for value in header_live.iter().map(|at| Value(at as u32)) {
        if !defined_in_region(value) {
            map[value.index()] = source[value.index()];
        }
    }
    // Per region block: its parameters for threaded values.
    let mut threaded_params: Vec<Vec<(Value, Value)>> = vec![Vec::new(); region.len()];
    for (at, &block) in region.iter().enumerate() {
        let new = new_block[block.index()];
        for &param in func.block_params(block) {
            map[param.index()] = Some(out.add_block_param(new, func.value_type(param)));
        }
        for &value in &threaded {
            if live_in[at].contains(value.index()) {
                let param = out.add_block_param(new, func.value_type(value));
                threaded_params[at].push((value, param));
            }
        }
        for (offset, inst) in func.block_insts(block).enumerate() {
            let new_inst = Inst(first_inst[at] + offset as u32);
            for &result in func.inst_results(inst) {
                map[result.index()] =
                    Some(out.new_value(func.value_type(result), ValueDef::Result(new_inst)));
            }
        }
    }

    // The entry: constants, then the jump to the header.
    for (at, &(value, inst)) in constants.iter().enumerate() {
        let results = out.alloc_list(&[source[value.index()]
            .ok_or_else(|| malformed(format!("constant {value} without a copy")))?]);
        let args = out.alloc_list(&[]);
        let targets = out.alloc_targets(&[]);
        debug_assert_eq!(out.insts.len(), at);
        out.insts.push(InstData {
            opcode: func.opcode(inst),
            args,
            results,
            targets,
            offset: func.inst(inst).offset,
        });
    }
    let header_at = slot_of(header);
    let mut entry_args: Vec<Value> = inputs[..func.block_params(header).len()]
        .iter()
        .map(|value| source[value.index()])
        .collect::<Option<_>>()
        .ok_or_else(|| malformed("header parameter without an entry argument".into()))?;
    for &(value, _) in &threaded_params[header_at] {
        entry_args.push(
            source[value.index()]
                .ok_or_else(|| malformed(format!("{value} has no entry argument")))?,
        );
    }
    let jump_args = out.alloc_list(&entry_args);
    let jump_targets = out.alloc_targets(&[BlockCall {
        block: new_block[header.index()],
        args: jump_args,
    }]);
    let no_values = out.alloc_list(&[]);
    out.insts.push(InstData {
        opcode: Opcode::Jump,
        args: no_values,
        results: no_values,
        targets: jump_targets,
        offset: None,
    });
    out.blocks[entry.index()].first_inst = 0;
    out.blocks[entry.index()].end_inst = out.insts.len() as u32;

    // The region's instructions.
    for (at, &block) in region.iter().enumerate() {
        let use_of = |value: Value| -> Result<Value, OsrError> {
            if let Some(&(_, param)) = threaded_params[at].iter().find(|(v, _)| *v == value) {
                return Ok(param);
            }
            map[value.index()]
                .ok_or_else(|| malformed(format!("{value} has no dominating definition")))
        };
        for inst in func.block_insts(block) {
            let data = func.inst(inst);
            let args: Vec<Value> = func
                .inst_args(inst)
                .iter()
                .map(|&v| use_of(v))
                .collect::<Result<_, _>>()?;
            let results: Vec<Value> = func
                .inst_results(inst)
                .iter()
                .map(|&v| use_of(v))
                .collect::<Result<_, _>>()?;
            let mut targets = Vec::new();
            for call in func.inst_targets(inst) {
                let mut edge: Vec<Value> = func
                    .edge_args(call)
                    .iter()
                    .map(|&v| use_of(v))
                    .collect::<Result<_, _>>()?;
                let target_at = slot_of(call.block);
                let extra = threaded_params.get(target_at).ok_or_else(|| {
                    malformed(format!("edge to {} leaves the region", call.block))
                })?;
                for &(value, _) in extra {
                    edge.push(use_of(value)?);
                }
                targets.push(BlockCall {
                    block: new_block[call.block.index()],
                    args: out.alloc_list(&edge),
                });
            }
            let args = out.alloc_list(&args);
            let results = out.alloc_list(&results);
            let targets = out.alloc_targets(&targets);
            out.insts.push(InstData {
                opcode: data.opcode,
                args,
                results,
                targets,
                offset: data.offset,
            });
        }
        let new = new_block[block.index()];
        let range = func.block_inst_range(block);
        let BlockData { params, .. } = out.blocks[new.index()];
        out.blocks[new.index()] = BlockData {
            params,
            first_inst: first_inst[at],
            end_inst: first_inst[at] + range.len() as u32,
        };
    }
    Ok(OsrVariant { func: out, inputs })
}

/// Values live into each block of `region` (closed under successors):
/// backward dataflow over the region only, edge arguments counting as uses
/// at the end of their source block and block parameters as definitions.
fn region_liveness(
    func: &RegFunction,
    region: &[Block],
    in_region: &[bool],
    values: usize,
) -> Vec<Bits> {
    let position = |block: Block| region.binary_search(&block).ok();
    let mut uses = Vec::with_capacity(region.len());
    let mut defs = Vec::with_capacity(region.len());
    for &block in region {
        let mut used = Bits::new(values);
        let mut defined = Bits::new(values);
        for &param in func.block_params(block) {
            defined.insert(param.index());
        }
        for inst in func.block_insts(block) {
            let edge_args = func
                .inst_targets(inst)
                .iter()
                .flat_map(|call| func.edge_args(call));
            for &arg in func.inst_args(inst).iter().chain(edge_args) {
                if !defined.contains(arg.index()) {
                    used.insert(arg.index());
                }
            }
            for &result in func.inst_results(inst) {
                defined.insert(result.index());
            }
        }
        uses.push(used);
        defs.push(defined);
    }
    let mut live_in = uses.clone();
    let mut changed = true;
    while changed {
        changed = false;
        for at in (0..region.len()).rev() {
            let mut out = Bits::new(values);
            for succ in func.successors(region[at]) {
                debug_assert!(in_region[succ.index()]);
                if let Some(s) = position(succ) {
                    for (word, &bits) in out.0.iter_mut().zip(&live_in[s].0) {
                        *word |= bits;
                    }
                }
            }
            let words = live_in[at].0.iter_mut().zip(&out.0).zip(&defs[at].0);
            for (((live, &live_out), &def), &used) in words.zip(&uses[at].0) {
                let new = used | (live_out & !def);
                if new != *live {
                    *live = new;
                    changed = true;
                }
            }
        }
    }
    live_in
}
