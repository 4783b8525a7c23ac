//! The translator's control stack: one frame per open block, loop, if or the
//! function body, each with the list of forward branches waiting for its end.

use crate::{BranchTarget, Op};

/// Marks "no entry" in the intrusive fixup lists and pending-jump slots.
pub(super) const NONE: u32 = u32::MAX;

/// Which construct opened a control frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum FrameKind {
    /// The function body itself; its label is the function's return.
    Function,
    Block,
    Loop,
    If,
    Else,
}

/// One open construct.
#[derive(Clone, Copy, Debug)]
pub(super) struct ControlFrame {
    pub kind: FrameKind,
    /// Operand-stack height (above the locals) below the frame's parameters.
    pub base: u32,
    pub param_count: u32,
    pub result_count: u32,
    /// For loops, the pc branches to the label continue at.
    pub loop_start: u32,
    /// Head of this frame's fixup list in [`Fixups`], or [`NONE`].
    pub first_fixup: u32,
    /// For `if` frames, the `JumpIfZero` still waiting for the else part or
    /// the end, or [`NONE`].
    pub pending_else_jump: u32,
    /// Whether the code at the frame's start was reachable; everything inside
    /// a frame entered in dead code stays dead.
    pub live_at_entry: bool,
}

impl ControlFrame {
    /// Values a branch to this frame's label carries.
    pub fn label_arity(&self) -> u32 {
        if self.kind == FrameKind::Loop {
            self.param_count
        } else {
            self.result_count
        }
    }
}

/// A place holding a forward branch pc that is only known at a frame's end.
#[derive(Clone, Copy, Debug)]
pub(super) enum FixupSite {
    /// The `Br`, `BrIf` or `Jump` at this code index.
    Op(u32),
    /// This entry of `Function::br_tables`.
    TableEntry(u32),
}

#[derive(Clone, Copy, Debug)]
struct Fixup {
    site: FixupSite,
    next: u32,
}

/// Singly linked fixup lists, one per control frame, sharing one buffer so
/// that no frame allocates.
#[derive(Debug, Default)]
pub(super) struct Fixups {
    entries: Vec<Fixup>,
}

impl Fixups {
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Adds `site` to the list of `frame`.
    pub fn push(&mut self, frame: &mut ControlFrame, site: FixupSite) {
        let index = self.entries.len() as u32;
        self.entries.push(Fixup {
            site,
            next: frame.first_fixup,
        });
        frame.first_fixup = index;
    }

    /// Points every site of `frame`'s list at `pc`.
    pub fn resolve(
        &self,
        frame: &ControlFrame,
        pc: u32,
        code: &mut [Op],
        tables: &mut [BranchTarget],
    ) {
        let mut cursor = frame.first_fixup;
        while let Some(fixup) = self.entries.get(cursor as usize) {
            match fixup.site {
                FixupSite::Op(at) => patch_op(code, at, pc),
                FixupSite::TableEntry(at) => {
                    if let Some(target) = tables.get_mut(at as usize) {
                        target.pc = pc;
                    }
                }
            }
            cursor = fixup.next;
        }
    }
}

/// Sets the destination of the branch or jump at `at` to `pc`.
pub(super) fn patch_op(code: &mut [Op], at: u32, pc: u32) {
    match code.get_mut(at as usize) {
        Some(Op::Br { target } | Op::BrIf { target }) => target.pc = pc,
        Some(Op::Jump { pc: dest } | Op::JumpIfZero { pc: dest }) => *dest = pc,
        other => debug_assert!(false, "fixup at {at} names a non-branch {other:?}"),
    }
}
