//! An independent check of translated code: every index in range and the
//! operand stack consistent along every path (abstract interpretation of each
//! op's stack effect). It catches translator bugs, not invalid wasm.

use std::fmt;

use zwasm_decode::Module;

use crate::stack_effect::{is_terminator, stack_effect};
use crate::{BranchTarget, Function, Op};

/// What is wrong with a translated function. `pc` is the index of the op at fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyError {
    /// The header disagrees with itself or with the module's signature.
    Header(String),
    /// `offsets` is not parallel to `code`.
    OffsetsLength { code: usize, offsets: usize },
    /// Control can run past the last op.
    FallsOffEnd,
    /// A jump or branch goes outside `code`.
    TargetOutOfRange { pc: u32, target: u32 },
    /// A `BrTable` names an empty or out-of-range slice of `br_tables`.
    BadBrTable { pc: u32, start: u32, len: u32 },
    /// An immediate names a local, global, memory, … that does not exist.
    IndexOutOfRange {
        pc: u32,
        space: &'static str,
        index: u32,
    },
    /// A branch target's height is below the locals or above the frame.
    BadTargetHeight { pc: u32, target: BranchTarget },
    /// The op needs more operands than the stack holds.
    StackUnderflow { pc: u32, height: u32, needed: u32 },
    /// The stack grows beyond `local_count + max_stack_height`.
    StackOverflow { pc: u32, height: u32, limit: u64 },
    /// Two paths reach `pc` with different stack heights.
    HeightMismatch { pc: u32, expected: u32, found: u32 },
    /// The op can never execute (translated dead code).
    Unreachable { pc: u32 },
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::Header(message) => write!(f, "bad function header: {message}"),
            VerifyError::OffsetsLength { code, offsets } => {
                write!(f, "{offsets} offsets for {code} ops")
            }
            VerifyError::FallsOffEnd => f.write_str("control falls off the end of the code"),
            VerifyError::TargetOutOfRange { pc, target } => {
                write!(f, "op {pc}: target @{target} outside the code")
            }
            VerifyError::BadBrTable { pc, start, len } => {
                write!(
                    f,
                    "op {pc}: br_table slice {start}+{len} empty or out of range"
                )
            }
            VerifyError::IndexOutOfRange { pc, space, index } => {
                write!(f, "op {pc}: {space} index {index} out of range")
            }
            VerifyError::BadTargetHeight { pc, target } => {
                write!(f, "op {pc}: branch target {target} outside the frame")
            }
            VerifyError::StackUnderflow { pc, height, needed } => {
                write!(f, "op {pc}: stack height {height} but {needed} needed")
            }
            VerifyError::StackOverflow { pc, height, limit } => {
                write!(
                    f,
                    "op {pc}: stack height {height} exceeds frame size {limit}"
                )
            }
            VerifyError::HeightMismatch {
                pc,
                expected,
                found,
            } => {
                write!(
                    f,
                    "op {pc}: reached with stack height {found}, elsewhere {expected}"
                )
            }
            VerifyError::Unreachable { pc } => write!(f, "op {pc}: unreachable code was emitted"),
        }
    }
}

impl std::error::Error for VerifyError {}

/// Marks a pc whose entry height is not known yet.
const UNKNOWN: u32 = u32::MAX;

/// Checks `function` against itself and `module`.
pub fn verify(function: &Function, module: &Module) -> Result<(), VerifyError> {
    check_header(function, module)?;
    let mut entry_heights = vec![UNKNOWN; function.code.len()];
    record_branch_targets(function, &mut entry_heights)?;
    let verifier = Verifier {
        function,
        module,
        limit: function.frame_size(),
    };
    verifier.walk(&mut entry_heights)
}

fn check_header(function: &Function, module: &Module) -> Result<(), VerifyError> {
    let header = |message: String| Err(VerifyError::Header(message));
    let Some(ty) = module.types.get(function.type_index as usize) else {
        return header(format!("type index {} out of range", function.type_index));
    };
    if module.functions.get(function.func_index as usize) != Some(&function.type_index) {
        return header(format!(
            "function {} does not have type {}",
            function.func_index, function.type_index
        ));
    }
    if ty.params.len() != function.param_count as usize
        || ty.results.len() != function.result_count as usize
    {
        return header(format!(
            "param/result counts differ from type {}",
            function.type_index
        ));
    }
    if function.local_types.len() != function.local_count as usize
        || function.param_count > function.local_count
    {
        return header(format!(
            "{} local types for local count {}",
            function.local_types.len(),
            function.local_count
        ));
    }
    if function.local_types[..ty.params.len()] != ty.params[..] {
        return header("parameter types differ from the signature".into());
    }
    if function.offsets.len() != function.code.len() {
        return Err(VerifyError::OffsetsLength {
            code: function.code.len(),
            offsets: function.offsets.len(),
        });
    }
    match function.code.last() {
        Some(op) if is_terminator(op) => Ok(()),
        _ => Err(VerifyError::FallsOffEnd),
    }
}

/// Enters the height every `Br`, `BrIf` and `BrTable` target is reached with,
/// so that loop heads are known before the walk reaches them.
fn record_branch_targets(
    function: &Function,
    entry_heights: &mut [u32],
) -> Result<(), VerifyError> {
    let mut record = |pc: u32, target: &BranchTarget| -> Result<(), VerifyError> {
        let fits = u64::from(target.height) >= u64::from(function.local_count)
            && u64::from(target.height) + u64::from(target.arity) <= function.frame_size();
        if !fits {
            return Err(VerifyError::BadTargetHeight {
                pc,
                target: *target,
            });
        }
        merge_height(
            entry_heights,
            pc,
            target.pc,
            target.height.saturating_add(target.arity),
        )
    };
    for (pc, op) in function.code.iter().enumerate() {
        let pc = pc as u32;
        match op {
            Op::Br { target } | Op::BrIf { target } => record(pc, target)?,
            Op::BrTable { .. } => {
                for target in table_targets(function, pc, op)? {
                    record(pc, target)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The `br_tables` slice of the `BrTable` at `pc`.
fn table_targets<'f>(
    function: &'f Function,
    pc: u32,
    op: &Op,
) -> Result<&'f [BranchTarget], VerifyError> {
    let Op::BrTable { targets } = op else {
        return Ok(&[]);
    };
    let (start, len) = (targets.start, targets.len);
    let end = u64::from(start) + u64::from(len);
    if len == 0 || end > function.br_tables.len() as u64 {
        return Err(VerifyError::BadBrTable { pc, start, len });
    }
    Ok(&function.br_tables[start as usize..end as usize])
}

/// Records that control reaches `target` with `height`, checking it agrees
/// with earlier paths.
fn merge_height(
    entry_heights: &mut [u32],
    pc: u32,
    target: u32,
    height: u32,
) -> Result<(), VerifyError> {
    let Some(slot) = entry_heights.get_mut(target as usize) else {
        return Err(VerifyError::TargetOutOfRange { pc, target });
    };
    if *slot == UNKNOWN {
        *slot = height;
    } else if *slot != height {
        return Err(VerifyError::HeightMismatch {
            pc: target,
            expected: *slot,
            found: height,
        });
    }
    Ok(())
}

struct Verifier<'a> {
    function: &'a Function,
    module: &'a Module,
    /// Frame size: no height may exceed it.
    limit: u64,
}

impl Verifier<'_> {
    fn walk(&self, entry_heights: &mut [u32]) -> Result<(), VerifyError> {
        let function = self.function;
        let mut current = Some(function.local_count);
        for (pc, op) in function.code.iter().enumerate() {
            let pc = pc as u32;
            let height = match (current, entry_heights[pc as usize]) {
                (Some(height), UNKNOWN) => {
                    entry_heights[pc as usize] = height;
                    height
                }
                (Some(height), expected) if height != expected => {
                    return Err(VerifyError::HeightMismatch {
                        pc,
                        expected,
                        found: height,
                    });
                }
                (_, UNKNOWN) => return Err(VerifyError::Unreachable { pc }),
                (_, known) => known,
            };
            self.check_indices(pc, op)?;
            let effect = stack_effect(op, self.module).ok_or(VerifyError::IndexOutOfRange {
                pc,
                space: "function or type",
                index: 0,
            })?;
            let needed = function.local_count.saturating_add(effect.pops);
            if height < needed {
                return Err(VerifyError::StackUnderflow { pc, height, needed });
            }
            let popped = height - effect.pops;
            self.check_control(pc, op, popped, entry_heights)?;
            let after = popped.saturating_add(effect.pushes);
            if u64::from(after) > self.limit {
                return Err(VerifyError::StackOverflow {
                    pc,
                    height: after,
                    limit: self.limit,
                });
            }
            current = (!is_terminator(op)).then_some(after);
        }
        Ok(())
    }

    /// Checks what a control op needs from the stack once its operands are popped.
    fn check_control(
        &self,
        pc: u32,
        op: &Op,
        height: u32,
        entry_heights: &mut [u32],
    ) -> Result<(), VerifyError> {
        let needs = |target: &BranchTarget| {
            let needed = target.height.saturating_add(target.arity);
            if height < needed {
                Err(VerifyError::StackUnderflow { pc, height, needed })
            } else {
                Ok(())
            }
        };
        match op {
            Op::Jump { pc: target } | Op::JumpIfZero { pc: target } => {
                merge_height(entry_heights, pc, *target, height)
            }
            Op::Br { target } | Op::BrIf { target } => needs(target),
            Op::BrTable { .. } => table_targets(self.function, pc, op)?
                .iter()
                .try_for_each(needs),
            Op::Return => {
                let needed = self
                    .function
                    .local_count
                    .saturating_add(self.function.result_count);
                if height < needed {
                    Err(VerifyError::StackUnderflow { pc, height, needed })
                } else {
                    Ok(())
                }
            }
            _ => Ok(()),
        }
    }

    fn check_indices(&self, pc: u32, op: &Op) -> Result<(), VerifyError> {
        let module = self.module;
        let check = |space: &'static str, index: u32, count: usize| {
            if (index as usize) < count {
                Ok(())
            } else {
                Err(VerifyError::IndexOutOfRange { pc, space, index })
            }
        };
        let locals = self.function.local_count as usize;
        let globals = module.imported_global_types.len() + module.globals.len();
        let (functions, tables, memories) = (
            module.functions.len(),
            module.tables.len(),
            module.memories.len(),
        );
        let (elements, data) = (module.elements.len(), module.data.len());
        match *op {
            Op::LocalGet { index } | Op::LocalSet { index } | Op::LocalTee { index } => {
                check("local", index, locals)
            }
            Op::GlobalGet { index } | Op::GlobalSet { index } => check("global", index, globals),
            Op::Call { func } | Op::ReturnCall { func } | Op::RefFunc { func } => {
                check("function", func, functions)
            }
            Op::CallIndirect { type_index, table }
            | Op::ReturnCallIndirect { type_index, table } => {
                check("type", type_index, module.types.len())?;
                check("table", table, tables)
            }
            Op::TableGet { table }
            | Op::TableSet { table }
            | Op::TableSize { table }
            | Op::TableGrow { table }
            | Op::TableFill { table } => check("table", table, tables),
            Op::TableCopy { dst, src } => {
                check("table", dst, tables)?;
                check("table", src, tables)
            }
            Op::TableInit { elem, table } => {
                check("element segment", elem, elements)?;
                check("table", table, tables)
            }
            Op::ElemDrop { elem } => check("element segment", elem, elements),
            Op::MemorySize { memory } | Op::MemoryGrow { memory } | Op::MemoryFill { memory } => {
                check("memory", memory, memories)
            }
            Op::MemoryCopy { dst, src } => {
                check("memory", dst, memories)?;
                check("memory", src, memories)
            }
            Op::MemoryInit {
                data: segment,
                memory,
            } => {
                check("data segment", segment, data)?;
                check("memory", memory, memories)
            }
            Op::DataDrop { data: segment } => check("data segment", segment, data),
            _ => match memory_access(op) {
                Some(memory) => check("memory", memory, memories),
                None => Ok(()),
            },
        }
    }
}

/// The memory a load or store accesses.
fn memory_access(op: &Op) -> Option<u32> {
    macro_rules! memory_of {
        ($($name:ident)*) => {
            match op {
                $( Op::$name { mem } => Some(mem.memory), )*
                _ => None,
            }
        };
    }
    memory_of!(
        I32Load I64Load F32Load F64Load I32Load8S I32Load8U I32Load16S I32Load16U
        I64Load8S I64Load8U I64Load16S I64Load16U I64Load32S I64Load32U
        I32Store I64Store F32Store F64Store I32Store8 I32Store16 I64Store8 I64Store16 I64Store32
    )
}
