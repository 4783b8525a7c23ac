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
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit IEEE-754 float.
    F32,
    /// 64-bit IEEE-754 float.
    F64,
    /// 128-bit vector (SIMD, not supported yet).
    V128,
    /// Nullable function reference.
    FuncRef,
    /// Nullable external reference.
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
    /// Nullable function reference.
    FuncRef,
    /// Nullable external reference.
    ExternRef,
}

impl RefType {
    /// The value type of references of this type.
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
    /// Parameter types, in order.
    pub params: Box<[ValType]>,
    /// Result types, in order.
    pub results: Box<[ValType]>,
}

impl FuncType {
    /// A function type with the given parameters and results.
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
    /// Minimum size.
    pub min: u64,
    /// Maximum size, if any.
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

/// The type of a linear memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemoryType {
    /// Size limits, in pages.
    pub limits: Limits,
    /// `true` for memory64 memories (i64 addresses).
    pub memory64: bool,
    /// Whether the memory is shared between threads (threads proposal, not supported yet).
    pub shared: bool,
    /// log2 of the page size; 16 (64 KiB) unless custom page sizes are used.
    pub page_size_log2: u32,
}

impl MemoryType {
    /// log2 of the default 64 KiB page size.
    pub const PAGE_SIZE_LOG2: u32 = 16;

    /// The page size in bytes.
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

/// The type of a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TableType {
    /// The type of the table's elements.
    pub element: RefType,
    /// Size limits, in elements.
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

/// The type of a global.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GlobalType {
    /// The type of the global's value.
    pub content: ValType,
    /// Whether `global.set` may change the value.
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
    /// A function.
    Func,
    /// A table.
    Table,
    /// A linear memory.
    Memory,
    /// A global.
    Global,
    /// An exception tag (exceptions proposal, not supported yet).
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
    /// A table of this type.
    Table(TableType),
    /// A memory of this type.
    Memory(MemoryType),
    /// A global of this type.
    Global(GlobalType),
    /// Exception tags are decoded for error messages only.
    Tag(u32),
}

impl ImportType {
    /// What kind of item the import is.
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

/// An imported item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// The module name the item is imported from.
    pub module: String,
    /// The item's name within that module.
    pub name: String,
    /// What is imported, with its type.
    pub ty: ImportType,
}

/// An exported item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    /// The export name.
    pub name: String,
    /// What kind of item is exported.
    pub kind: ExternKind,
    /// Index into the index space of `kind` (imports first, then definitions).
    pub index: u32,
}

/// One instruction of a constant expression. Covers Wasm 2.0 constants plus the
/// extended-const proposal's integer arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConstOp {
    /// Push an `i32` constant.
    I32Const(i32),
    /// Push an `i64` constant.
    I64Const(i64),
    /// Raw IEEE-754 bits.
    F32Const(u32),
    /// Raw IEEE-754 bits.
    F64Const(u64),
    /// Push a null reference of the given type.
    RefNull(RefType),
    /// Push a reference to function `index`.
    RefFunc(u32),
    /// Push the value of global `index`.
    GlobalGet(u32),
    /// `i32.add`.
    I32Add,
    /// `i32.sub`.
    I32Sub,
    /// `i32.mul`.
    I32Mul,
    /// `i64.add`.
    I64Add,
    /// `i64.sub`.
    I64Sub,
    /// `i64.mul`.
    I64Mul,
}

/// A constant expression (global initialisers, segment offsets, element items),
/// in evaluation order for a small stack machine. Validation guarantees it
/// leaves exactly one value of the expected type.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct ConstExpr {
    /// The instructions, without the final `end`.
    pub ops: Vec<ConstOp>,
}

/// A global defined by the module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Global {
    /// Type of the global.
    pub ty: GlobalType,
    /// Initial value.
    pub init: ConstExpr,
}

/// A table definition, with the optional initialiser of the function-references
/// form `(table 1 funcref (ref.func 0))`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// Type of the table.
    pub ty: TableType,
    /// Initial value of every element; `None` means null.
    pub init: Option<ConstExpr>,
}

/// When and where an element segment is used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ElementMode {
    /// Used only by `table.init`.
    Passive,
    /// Only declares functions referenced by `ref.func`; never used at run time.
    Declared,
    /// Copied into table `table` at `offset` on instantiation.
    Active {
        /// Index of the table to initialise.
        table: u32,
        /// Index of the first element to write.
        offset: ConstExpr,
    },
}

/// The contents of an element segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ElementItems {
    /// Plain function indices (the compact encoding).
    Functions(Vec<u32>),
    /// One constant expression per element.
    Exprs(Vec<ConstExpr>),
}

impl ElementItems {
    /// Number of elements.
    pub fn len(&self) -> usize {
        match self {
            ElementItems::Functions(f) => f.len(),
            ElementItems::Exprs(e) => e.len(),
        }
    }

    /// Whether the segment has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// An element segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElementSegment {
    /// Type of the elements.
    pub ty: RefType,
    /// When and where the segment is used.
    pub mode: ElementMode,
    /// The elements.
    pub items: ElementItems,
}

/// When and where a data segment is used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataMode {
    /// Used only by `memory.init`.
    Passive,
    /// Copied into memory `memory` at `offset` on instantiation.
    Active {
        /// Index of the memory to initialise.
        memory: u32,
        /// Address of the first byte to write.
        offset: ConstExpr,
    },
}

/// A data segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataSegment {
    /// When and where the segment is used.
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

/// A custom section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomSection {
    /// The section's name.
    pub name: String,
    /// Byte range of the section's payload (after the name) within the module bytes.
    pub range: Range<usize>,
}

/// The decoded `name` custom section. Lists are sorted by index.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Names {
    /// The module's name.
    pub module: Option<String>,
    /// Function index and name, sorted by index.
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
    /// Function types from the type section.
    pub types: Vec<FuncType>,
    /// Imports, in order.
    pub imports: Vec<Import>,
    /// Type index of every function in the function index space (imports first).
    pub functions: Vec<u32>,
    /// Type of every table in the table index space (imports first).
    pub tables: Vec<TableType>,
    /// Initialiser of each *defined* table (`None` = null), parallel to the
    /// definitions after `table_imports`.
    pub table_inits: Vec<Option<ConstExpr>>,
    /// Type of every memory in the memory index space (imports first).
    pub memories: Vec<MemoryType>,
    /// Type and initialiser of each *defined* global; the index space's imported
    /// globals come first, see [`Module::global_type`].
    pub globals: Vec<Global>,
    /// Type of each imported global, in import order.
    pub imported_global_types: Vec<GlobalType>,
    /// Exports, in order.
    pub exports: Vec<Export>,
    /// The start function, if any.
    pub start: Option<u32>,
    /// Element segments, in order.
    pub elements: Vec<ElementSegment>,
    /// Data segments, in order.
    pub data: Vec<DataSegment>,
    /// The count from the data count section, if present.
    pub data_count: Option<u32>,
    /// Bodies of defined functions, in order (function index = `func_imports + i`).
    pub bodies: Vec<FunctionBody>,
    /// Custom sections, in order (including `name`).
    pub customs: Vec<CustomSection>,
    /// The decoded `name` section (empty if absent or malformed).
    pub names: Names,
    /// Every section in file order, for `inspect`.
    pub sections: Vec<SectionInfo>,
    /// Number of imported functions.
    pub func_imports: u32,
    /// Number of imported tables.
    pub table_imports: u32,
    /// Number of imported memories.
    pub memory_imports: u32,
    /// Number of imported globals.
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
