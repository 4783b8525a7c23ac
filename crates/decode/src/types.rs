//! The module description produced by the decoder.
//!
//! Everything here is plain data with indices into the module's index spaces; no
//! references into the original bytes except [`FunctionBody::range`], so a
//! [`Module`] can outlive the buffer it was decoded from as long as the bytes are
//! kept by the owner (the runtime keeps them to translate bodies lazily).

use std::ops::Range;

/// A WebAssembly value type. `V128` is decoded so that errors can name it, but no
/// later stage supports it yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
    V128,
    FuncRef,
    ExternRef,
}

impl ValType {
    /// Whether this is a reference type (`funcref` or `externref`).
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::FuncRef | ValType::ExternRef)
    }
}

impl std::fmt::Display for ValType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
        })
    }
}

/// A reference type: the element type of tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefType {
    FuncRef,
    ExternRef,
}

impl RefType {
    pub fn val_type(self) -> ValType {
        match self {
            RefType::FuncRef => ValType::FuncRef,
            RefType::ExternRef => ValType::ExternRef,
        }
    }
}

impl std::fmt::Display for RefType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.val_type().fmt(f)
    }
}

/// A function signature.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct FuncType {
    pub params: Box<[ValType]>,
    pub results: Box<[ValType]>,
}

impl FuncType {
    pub fn new(
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> Self {
        FuncType {
            params: params.into_iter().collect(),
            results: results.into_iter().collect(),
        }
    }
}

impl std::fmt::Display for FuncType {
    /// `(param i32 i64) (result f32)`, omitting empty groups; `()` for the empty type.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut wrote = false;
        for (keyword, list) in [("param", &self.params), ("result", &self.results)] {
            if list.is_empty() {
                continue;
            }
            if wrote {
                f.write_str(" ")?;
            }
            write!(f, "({keyword}")?;
            for ty in list.iter() {
                write!(f, " {ty}")?;
            }
            f.write_str(")")?;
            wrote = true;
        }
        if !wrote {
            f.write_str("()")?;
        }
        Ok(())
    }
}

/// Size limits of a memory or table. `max` is in pages (memories) or elements (tables).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    pub min: u64,
    pub max: Option<u64>,
}

impl std::fmt::Display for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.max {
            Some(max) => write!(f, "{} {}", self.min, max),
            None => write!(f, "{}", self.min),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemoryType {
    pub limits: Limits,
    /// `true` for memory64 memories (i64 addresses).
    pub memory64: bool,
    pub shared: bool,
    /// log2 of the page size; 16 (64 KiB) unless custom page sizes are used.
    pub page_size_log2: u32,
}

impl MemoryType {
    pub const PAGE_SIZE_LOG2: u32 = 16;

    pub fn page_size(&self) -> u64 {
        1u64 << self.page_size_log2
    }
}

impl std::fmt::Display for MemoryType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.memory64 {
            f.write_str("i64 ")?;
        }
        write!(f, "{}", self.limits)?;
        if self.shared {
            f.write_str(" shared")?;
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TableType {
    pub element: RefType,
    pub limits: Limits,
    /// `true` for tables with i64 indices (memory64 proposal).
    pub table64: bool,
}

impl std::fmt::Display for TableType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.table64 {
            f.write_str("i64 ")?;
        }
        write!(f, "{} {}", self.limits, self.element)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GlobalType {
    pub content: ValType,
    pub mutable: bool,
}

impl std::fmt::Display for GlobalType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.mutable {
            write!(f, "(mut {})", self.content)
        } else {
            write!(f, "{}", self.content)
        }
    }
}

/// What an import or export refers to, with its type where it has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExternKind {
    Func,
    Table,
    Memory,
    Global,
    Tag,
}

impl std::fmt::Display for ExternKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ExternKind::Func => "func",
            ExternKind::Table => "table",
            ExternKind::Memory => "memory",
            ExternKind::Global => "global",
            ExternKind::Tag => "tag",
        })
    }
}

/// The type of an imported item.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ImportType {
    /// Index into [`Module::types`].
    Func(u32),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
    /// Exception tags are decoded for error messages only.
    Tag(u32),
}

impl ImportType {
    pub fn kind(&self) -> ExternKind {
        match self {
            ImportType::Func(_) => ExternKind::Func,
            ImportType::Table(_) => ExternKind::Table,
            ImportType::Memory(_) => ExternKind::Memory,
            ImportType::Global(_) => ExternKind::Global,
            ImportType::Tag(_) => ExternKind::Tag,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub ty: ImportType,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    pub name: String,
    pub kind: ExternKind,
    /// Index into the index space of `kind` (imports first, then definitions).
    pub index: u32,
}

/// One instruction of a constant expression. Covers Wasm 2.0 constants plus the
/// extended-const proposal's integer arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConstOp {
    I32Const(i32),
    I64Const(i64),
    /// Raw IEEE-754 bits.
    F32Const(u32),
    /// Raw IEEE-754 bits.
    F64Const(u64),
    RefNull(RefType),
    RefFunc(u32),
    GlobalGet(u32),
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
}

/// A constant expression (global initialisers, segment offsets, element items),
/// in evaluation order for a small stack machine. Validation guarantees it
/// leaves exactly one value of the expected type.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct ConstExpr {
    pub ops: Vec<ConstOp>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Global {
    pub ty: GlobalType,
    pub init: ConstExpr,
}

/// A table definition, with the optional initialiser of the function-references
/// form `(table 1 funcref (ref.func 0))`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub ty: TableType,
    pub init: Option<ConstExpr>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ElementMode {
    Passive,
    Declared,
    Active { table: u32, offset: ConstExpr },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ElementItems {
    /// Plain function indices (the compact encoding).
    Functions(Vec<u32>),
    /// One constant expression per element.
    Exprs(Vec<ConstExpr>),
}

impl ElementItems {
    pub fn len(&self) -> usize {
        match self {
            ElementItems::Functions(f) => f.len(),
            ElementItems::Exprs(e) => e.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElementSegment {
    pub ty: RefType,
    pub mode: ElementMode,
    pub items: ElementItems,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataMode {
    Passive,
    Active { memory: u32, offset: ConstExpr },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataSegment {
    pub mode: DataMode,
    /// Byte range of the segment's contents within the module bytes.
    pub range: Range<usize>,
}

/// A function body, kept undecoded until first needed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionBody {
    /// Byte range of the body (locals and code, excluding the size prefix)
    /// within the module bytes.
    pub range: Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomSection {
    pub name: String,
    /// Byte range of the section's payload (after the name) within the module bytes.
    pub range: Range<usize>,
}

/// The decoded `name` custom section. Lists are sorted by index.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Names {
    pub module: Option<String>,
    pub functions: Vec<(u32, String)>,
    /// Per function: local index and name.
    pub locals: Vec<(u32, Vec<(u32, String)>)>,
}

impl Names {
    /// The name of function `index`, if the name section gives one.
    pub fn function(&self, index: u32) -> Option<&str> {
        self.functions
            .binary_search_by_key(&index, |(i, _)| *i)
            .ok()
            .map(|at| self.functions[at].1.as_str())
    }
}

/// Byte extent of one section, for `inspect`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionInfo {
    /// `type`, `import`, `function`, …, or `custom`.
    pub kind: &'static str,
    /// For custom sections, the custom section's name.
    pub name: Option<String>,
    /// Byte range of the section contents (after id and size).
    pub range: Range<usize>,
}

/// A decoded WebAssembly module. Index spaces (functions, tables, memories,
/// globals) put imports first; the `*_imports` counts say where definitions start.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Module {
    pub types: Vec<FuncType>,
    pub imports: Vec<Import>,
    /// Type index of every function in the function index space (imports first).
    pub functions: Vec<u32>,
    pub tables: Vec<TableType>,
    /// Initialiser of each *defined* table (`None` = null), parallel to the
    /// definitions after `table_imports`.
    pub table_inits: Vec<Option<ConstExpr>>,
    pub memories: Vec<MemoryType>,
    /// Type and initialiser of each *defined* global; the index space's imported
    /// globals come first, see [`Module::global_type`].
    pub globals: Vec<Global>,
    pub imported_global_types: Vec<GlobalType>,
    pub exports: Vec<Export>,
    pub start: Option<u32>,
    pub elements: Vec<ElementSegment>,
    pub data: Vec<DataSegment>,
    pub data_count: Option<u32>,
    /// Bodies of defined functions, in order (function index = `func_imports + i`).
    pub bodies: Vec<FunctionBody>,
    pub customs: Vec<CustomSection>,
    pub names: Names,
    pub sections: Vec<SectionInfo>,
    pub func_imports: u32,
    pub table_imports: u32,
    pub memory_imports: u32,
    pub global_imports: u32,
}

impl Module {
    /// Type of function `func` (in the whole index space).
    pub fn func_type(&self, func: u32) -> Option<&FuncType> {
        let ty = *self.functions.get(func as usize)?;
        self.types.get(ty as usize)
    }

    /// Type of global `index` (in the whole index space).
    pub fn global_type(&self, index: u32) -> Option<GlobalType> {
        let index = index as usize;
        let imported = self.imported_global_types.len();
        if index < imported {
            Some(self.imported_global_types[index])
        } else {
            self.globals.get(index - imported).map(|g| g.ty)
        }
    }

    /// Number of functions defined (not imported) by the module.
    pub fn defined_func_count(&self) -> u32 {
        self.functions.len() as u32 - self.func_imports
    }

    /// Name of function `index` from the name section, if any.
    pub fn func_name(&self, index: u32) -> Option<&str> {
        self.names.function(index)
    }

    /// The body of function `index` if it is defined (not imported).
    pub fn body(&self, func: u32) -> Option<&FunctionBody> {
        func.checked_sub(self.func_imports)
            .and_then(|i| self.bodies.get(i as usize))
    }
}
