//! A code buffer with labels, branch fixups, jump tables and a literal pool.
//!
//! Branches to a label that is not bound yet are emitted with offset 0 and
//! patched when the label is bound; a branch whose target ends up out of
//! range is an error at that point, not a wrong jump.

use std::fmt;

use crate::check::InvalidInst;
use crate::inst::Inst;
use crate::offsets::{AdrOffset, BranchOffset14, BranchOffset19, BranchOffset26};

/// A position in a [`CodeBuffer`], bound once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Label(u32);

/// Why the buffer could not emit or finish.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BufferError {
    /// The instruction fails [`Inst::check`].
    Invalid(InvalidInst),
    /// The instruction has no PC-relative offset a label could fill.
    NotLabelTarget(Inst),
    /// The label was bound before.
    AlreadyBound(Label),
    /// The label was never bound but is used.
    Unbound(Label),
    /// The label is out of range of the instruction (or jump-table entry) at `at`.
    OutOfRange {
        /// Byte offset of the instruction or entry.
        at: u32,
        /// The target label.
        label: Label,
    },
    /// The code grew past 4 GiB.
    TooLarge,
}

impl fmt::Display for BufferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BufferError::Invalid(error) => write!(f, "invalid instruction: {error}"),
            BufferError::NotLabelTarget(inst) => write!(f, "`{inst}` cannot take a label"),
            BufferError::AlreadyBound(label) => write!(f, "label {} is bound twice", label.0),
            BufferError::Unbound(label) => write!(f, "label {} is used but never bound", label.0),
            BufferError::OutOfRange { at, label } => {
                write!(
                    f,
                    "label {} is out of range of the reference at offset {at:#x}",
                    label.0
                )
            }
            BufferError::TooLarge => f.write_str("code is larger than 4 GiB"),
        }
    }
}

impl std::error::Error for BufferError {}

impl From<InvalidInst> for BufferError {
    fn from(error: InvalidInst) -> Self {
        BufferError::Invalid(error)
    }
}

impl Inst {
    /// The same instruction with its PC-relative offset set to `bytes`, or
    /// `None` if it has no label-fillable offset or `bytes` is out of its
    /// range. `adrp` is excluded: its page offset depends on where the code
    /// is finally placed.
    pub fn with_pc_offset(&self, bytes: i64) -> Option<Inst> {
        let mut inst = *self;
        match &mut inst {
            Inst::B { offset } | Inst::Bl { offset } => {
                *offset = BranchOffset26::from_bytes(bytes)?
            }
            Inst::BCond { offset, .. }
            | Inst::CompareBranch { offset, .. }
            | Inst::LoadLiteral { offset, .. }
            | Inst::FpLoadLiteral { offset, .. } => *offset = BranchOffset19::from_bytes(bytes)?,
            Inst::TestBranch { offset, .. } => *offset = BranchOffset14::from_bytes(bytes)?,
            Inst::Adr { offset, .. } => *offset = AdrOffset::from_bytes(bytes)?,
            _ => return None,
        }
        Some(inst)
    }
}

#[derive(Clone, Copy, Debug)]
enum Reference {
    /// An instruction whose PC-relative offset is the label.
    Inst(Inst),
    /// A jump-table entry: the 32-bit signed offset of the label from the table start.
    TableEntry { table_start: u32 },
}

#[derive(Clone, Copy, Debug)]
struct Fixup {
    at: u32,
    label: Label,
    reference: Reference,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Literal {
    U32(u32),
    U64(u64),
}

/// Machine code being assembled: little-endian instruction words, labels,
/// and the fixups that refer to labels not bound yet.
#[derive(Clone, Debug, Default)]
pub struct CodeBuffer {
    bytes: Vec<u8>,
    label_offsets: Vec<Option<u32>>,
    /// Fixups waiting for each label, by label number: binding one touches
    /// only its own (a `br_table` with thousands of targets binds thousands
    /// of labels while thousands of entries wait).
    pending: Vec<Vec<Fixup>>,
    literals: Vec<(Literal, Label)>,
}

impl CodeBuffer {
    /// An empty buffer.
    pub fn new() -> CodeBuffer {
        CodeBuffer::default()
    }

    /// Current size in bytes: the offset of the next instruction.
    pub fn offset(&self) -> u32 {
        u32::try_from(self.bytes.len()).unwrap_or(u32::MAX)
    }

    /// The bytes emitted so far (pending fixups not yet patched).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// A fresh, unbound label.
    pub fn new_label(&mut self) -> Label {
        self.label_offsets.push(None);
        self.pending.push(Vec::new());
        Label((self.label_offsets.len() - 1) as u32)
    }

    /// Where `label` was bound, if it was.
    pub fn label_offset(&self, label: Label) -> Option<u32> {
        self.label_offsets.get(label.0 as usize).copied().flatten()
    }

    /// Appends a raw little-endian word.
    pub fn emit_word(&mut self, word: u32) -> Result<(), BufferError> {
        if self.bytes.len() > (u32::MAX - 4) as usize {
            return Err(BufferError::TooLarge);
        }
        self.bytes.extend_from_slice(&word.to_le_bytes());
        Ok(())
    }

    /// Appends one instruction after checking it.
    pub fn emit(&mut self, inst: &Inst) -> Result<(), BufferError> {
        inst.check()?;
        self.emit_word(inst.encode())?;
        #[cfg(feature = "trace")]
        crate::trace::emitted(inst);
        Ok(())
    }

    /// Appends a branch, `adr` or literal load whose target is `label`; its
    /// own offset field is replaced.
    pub fn emit_to_label(&mut self, inst: &Inst, label: Label) -> Result<(), BufferError> {
        inst.check()?;
        let placeholder = inst
            .with_pc_offset(0)
            .ok_or(BufferError::NotLabelTarget(*inst))?;
        let fixup = Fixup {
            at: self.offset(),
            label,
            reference: Reference::Inst(placeholder),
        };
        self.emit_word(placeholder.encode())?;
        #[cfg(feature = "trace")]
        crate::trace::emitted(&placeholder);
        self.refer(fixup)
    }

    /// Appends a jump table: one 32-bit signed entry per target, holding the
    /// target's offset from the start of the table (the first entry).
    pub fn emit_jump_table(&mut self, targets: &[Label]) -> Result<(), BufferError> {
        let table_start = self.offset();
        for &label in targets {
            let fixup = Fixup {
                at: self.offset(),
                label,
                reference: Reference::TableEntry { table_start },
            };
            self.emit_word(0)?;
            self.refer(fixup)?;
        }
        Ok(())
    }

    /// Binds `label` to the current offset and patches every reference to it.
    pub fn bind(&mut self, label: Label) -> Result<(), BufferError> {
        let offset = self.offset();
        let slot = self
            .label_offsets
            .get_mut(label.0 as usize)
            .ok_or(BufferError::Unbound(label))?;
        if slot.is_some() {
            return Err(BufferError::AlreadyBound(label));
        }
        *slot = Some(offset);
        let ready = std::mem::take(&mut self.pending[label.0 as usize]);
        ready
            .into_iter()
            .try_for_each(|fixup| self.patch(fixup, offset))
    }

    /// A label for an 8-byte constant in the literal pool (shared by equal
    /// values), for `ldr xt/dt, label`.
    pub fn literal_u64(&mut self, value: u64) -> Label {
        self.literal(Literal::U64(value))
    }

    /// A label for a 4-byte constant in the literal pool, for `ldr wt/st, label`.
    pub fn literal_u32(&mut self, value: u32) -> Label {
        self.literal(Literal::U32(value))
    }

    /// Places the pending literals here (8-byte aligned, padded with `udf`)
    /// and binds their labels. Call where execution never falls through,
    /// e.g. after a function's last `ret`; [`CodeBuffer::finish`] does it too.
    pub fn emit_literal_pool(&mut self) -> Result<(), BufferError> {
        if self.literals.is_empty() {
            return Ok(());
        }
        if !self.offset().is_multiple_of(8) {
            self.emit_word(0)?;
        }
        let mut literals = std::mem::take(&mut self.literals);
        // 8-byte literals first keeps each naturally aligned.
        literals.sort_by_key(|(literal, _)| matches!(literal, Literal::U32(_)));
        for (literal, label) in literals {
            self.bind(label)?;
            match literal {
                Literal::U32(value) => self.emit_word(value)?,
                Literal::U64(value) => {
                    self.emit_word(value as u32)?;
                    self.emit_word((value >> 32) as u32)?;
                }
            }
        }
        Ok(())
    }

    /// Places pending literals and returns the code; every referenced label
    /// must be bound.
    pub fn finish(mut self) -> Result<Vec<u8>, BufferError> {
        self.emit_literal_pool()?;
        // The earliest reference still waiting, as it was when one list
        // held them all.
        match self.pending.iter().flatten().min_by_key(|fixup| fixup.at) {
            Some(fixup) => Err(BufferError::Unbound(fixup.label)),
            None => Ok(self.bytes),
        }
    }

    fn literal(&mut self, literal: Literal) -> Label {
        if let Some(&(_, label)) = self
            .literals
            .iter()
            .find(|(existing, _)| *existing == literal)
        {
            return label;
        }
        let label = self.new_label();
        self.literals.push((literal, label));
        label
    }

    fn refer(&mut self, fixup: Fixup) -> Result<(), BufferError> {
        match self.label_offsets.get(fixup.label.0 as usize) {
            None => Err(BufferError::Unbound(fixup.label)),
            Some(Some(target)) => self.patch(fixup, *target),
            Some(None) => {
                self.pending[fixup.label.0 as usize].push(fixup);
                Ok(())
            }
        }
    }

    fn patch(&mut self, fixup: Fixup, target: u32) -> Result<(), BufferError> {
        let out_of_range = BufferError::OutOfRange {
            at: fixup.at,
            label: fixup.label,
        };
        let word = match fixup.reference {
            Reference::Inst(inst) => {
                let distance = i64::from(target) - i64::from(fixup.at);
                inst.with_pc_offset(distance).ok_or(out_of_range)?.encode()
            }
            Reference::TableEntry { table_start } => {
                let distance = i64::from(target) - i64::from(table_start);
                i32::try_from(distance).map_err(|_| out_of_range)? as u32
            }
        };
        let at = fixup.at as usize;
        self.bytes[at..at + 4].copy_from_slice(&word.to_le_bytes());
        Ok(())
    }
}
