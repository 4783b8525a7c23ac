//! [`Module`]: a validated module, translated to ir-stack code.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use wasmparser::FuncToValidate;
use zwasm_decode::{ExternKind, FuncType, GlobalType, ImportType, MemoryType, TableType};
use zwasm_ir_stack::{Function, Translator};
use zwasm_validate::FunctionValidator;

use crate::fast::{LazyCode, Revalidation};
use crate::{Engine, Error};

/// A compiled WebAssembly module: validated, with every function body
/// translated to ir-stack code. Cheap to clone.
///
/// ```
/// # fn main() -> Result<(), zwasm::Error> {
/// use zwasm::{Engine, Module};
/// let engine = Engine::default();
/// let module = Module::new(&engine, r#"(module (func (export "f") (param i32) (result i32) local.get 0))"#)?;
/// let export = module.exports().next().unwrap();
/// assert_eq!(export.name(), "f");
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Module {
    pub(crate) inner: Arc<ModuleInner>,
}

pub(crate) struct ModuleInner {
    pub engine: Engine,
    pub bytes: Vec<u8>,
    pub description: zwasm_decode::Module,
    /// ir-stack translations of the defined functions (function index minus
    /// imports), see [`ModuleInner::compiled`]: made with the module for the
    /// reference engine, which runs them; on first use for the others.
    stack_code: OnceLock<Vec<Function>>,
    /// Engine-wide id of every entry of `description.types`.
    pub type_ids: Vec<u32>,
    /// `description.types`, shareable with the functions of every instance.
    pub func_types: Vec<Arc<FuncType>>,
    /// Fast-tier translations of the defined functions, made on first call.
    pub fast: LazyCode,
    export_index: HashMap<String, usize>,
}

impl Module {
    /// Compiles a module from binary or text: input that does not start with
    /// the `\0asm` magic is parsed as the text format.
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module, Error> {
        let bytes = bytes.as_ref();
        if bytes.starts_with(b"\0asm") {
            return Module::from_binary(engine, bytes);
        }
        let binary = wat::parse_bytes(bytes).map_err(|error| Error::Wat(error.to_string()))?;
        Module::from_binary(engine, &binary)
    }

    /// Compiles a module from its binary encoding.
    pub fn from_binary(engine: &Engine, bytes: &[u8]) -> Result<Module, Error> {
        let Compiled {
            description,
            defined,
            stack_code,
            revalidation,
        } = compile(engine, bytes)?;
        // TIERING (issue 5): the tiered engine counts loop iterations.
        let count_loops = engine.kind() == crate::EngineKind::Auto;
        let direct =
            !count_loops && engine.config().interp_translation == crate::InterpTranslation::Direct;
        let fast = LazyCode::new(defined, revalidation, count_loops, direct);
        let func_types: Vec<Arc<FuncType>> =
            description.types.iter().cloned().map(Arc::new).collect();
        let type_ids = description
            .types
            .iter()
            .map(|ty| engine.intern_type(ty))
            .collect();
        let mut export_index = HashMap::with_capacity(description.exports.len());
        for (at, export) in description.exports.iter().enumerate() {
            export_index.entry(export.name.clone()).or_insert(at);
        }
        Ok(Module {
            inner: Arc::new(ModuleInner {
                engine: engine.clone(),
                bytes: bytes.to_vec(),
                description,
                stack_code: stack_code.map(OnceLock::from).unwrap_or_default(),
                type_ids,
                func_types,
                fast,
                export_index,
            }),
        })
    }

    /// Reads and compiles a `.wasm` or `.wat` file.
    pub fn from_file(engine: &Engine, path: impl AsRef<Path>) -> Result<Module, Error> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|error| {
            Error::Host(format!("failed to read {}: {error}", path.display()).into())
        })?;
        Module::new(engine, bytes)
    }

    /// Checks that `bytes` is a valid binary module without keeping the result.
    pub fn validate(engine: &Engine, bytes: &[u8]) -> Result<(), Error> {
        compile(engine, bytes).map(drop)
    }

    /// The module's name from its `name` section, if any.
    pub fn name(&self) -> Option<&str> {
        self.inner.description.names.module.as_deref()
    }

    /// The module's imports, in declaration order.
    pub fn imports(&self) -> impl Iterator<Item = ImportInfo> + '_ {
        let description = &self.inner.description;
        description.imports.iter().map(move |import| ImportInfo {
            module: import.module.clone(),
            name: import.name.clone(),
            ty: match &import.ty {
                ImportType::Func(ty) => ExternType::Func(
                    description
                        .types
                        .get(*ty as usize)
                        .cloned()
                        .unwrap_or_default(),
                ),
                ImportType::Table(ty) => ExternType::Table(*ty),
                ImportType::Memory(ty) => ExternType::Memory(*ty),
                ImportType::Global(ty) => ExternType::Global(*ty),
                // Tags are rejected by validation; report them as the empty function type.
                ImportType::Tag(_) => ExternType::Func(FuncType::default()),
            },
        })
    }

    /// The module's exports, in declaration order.
    pub fn exports(&self) -> impl Iterator<Item = ExportInfo> + '_ {
        self.inner
            .description
            .exports
            .iter()
            .filter_map(move |export| {
                Some(ExportInfo {
                    name: export.name.clone(),
                    ty: self.index_type(export.kind, export.index)?,
                })
            })
    }

    /// The decoded module description.
    pub fn description(&self) -> &zwasm_decode::Module {
        &self.inner.description
    }

    /// The module's binary encoding (the text format's output for `.wat` input).
    pub fn bytes(&self) -> &[u8] {
        &self.inner.bytes
    }

    /// The ir-stack translation of function `func_index` (an index into the
    /// whole function index space), or `None` for imported or missing functions.
    pub fn compiled_function(&self, func_index: u32) -> Option<&Function> {
        let defined = func_index.checked_sub(self.inner.description.func_imports)?;
        self.inner.compiled().get(defined as usize)
    }

    /// Translates every function into the fast interpreter's code now
    /// instead of on its first call, and returns the number of bytes of
    /// function bodies in the module: timing this on a fresh module gives
    /// the fast tier's translation throughput.
    ///
    /// ```
    /// # fn main() -> Result<(), zwasm::Error> {
    /// use zwasm::{Engine, Module};
    /// let module = Module::new(&Engine::default(), r#"(module (func (result i32) i32.const 7))"#)?;
    /// assert_eq!(module.precompile_all()?, 4);
    /// # Ok(())
    /// # }
    /// ```
    pub fn precompile_all(&self) -> Result<usize, Error> {
        let inner = &self.inner;
        inner
            .fast
            .compile_all(&inner.bytes, &inner.description)
            .map_err(|error| Error::from(&error))?;
        Ok(self.code_size())
    }

    /// The fast interpreter's code of function `func_index` (an index into
    /// the whole function index space) as text, translated now if it has
    /// not run yet: the code this module's engine runs (the tiered engine's
    /// has `loop_header` ops counting iterations). A `func[N] $name (type)`
    /// line, the frame layout, then one op per line with its pc, written
    /// and read slots, immediates, branch targets (`-> @pc`) and the module
    /// offset it came from (`; @0x…`); `docs/cli.md` (`zwasm dump --stage
    /// fast`) describes the format. Fails for imported or missing functions
    /// and for a body the fast interpreter cannot translate.
    ///
    /// ```
    /// # fn main() -> Result<(), zwasm::Error> {
    /// use zwasm::{Config, Engine, EngineKind, Module};
    /// let mut config = Config::new();
    /// config.engine(EngineKind::Interp);
    /// let engine = Engine::new(&config)?;
    /// let module = Module::new(&engine, r#"(module
    ///     (func $add (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))"#)?;
    /// let text = module.fast_code_text(0)?;
    /// assert!(text.starts_with("func[0] $add (param i32 i32) (result i32)\n"));
    /// assert!(text.contains("i32.add s0, s1"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn fast_code_text(&self, func_index: u32) -> Result<String, Error> {
        let inner = &self.inner;
        let description = &inner.description;
        let Some(defined) = func_index
            .checked_sub(description.func_imports)
            .filter(|&defined| (defined as usize) < description.bodies.len())
        else {
            return Err(Error::Type(if func_index < description.func_imports {
                format!("function {func_index} is imported; it has no code")
            } else {
                format!(
                    "no function {func_index}: the module has {} functions",
                    description.functions.len()
                )
            }));
        };
        let func = inner
            .fast
            .get_or_compile(&inner.bytes, description, defined)
            .map_err(Error::from)?;
        let text = crate::fast::FastFuncText {
            func,
            func_index,
            module: description,
        };
        Ok(text.to_string())
    }

    /// Total size in bytes of the module's function bodies (locals and code).
    pub fn code_size(&self) -> usize {
        self.inner
            .description
            .bodies
            .iter()
            .map(|body| body.range.len())
            .sum()
    }

    /// The engine this module was compiled for.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// The type of entity `index` in the index space of `kind`.
    fn index_type(&self, kind: ExternKind, index: u32) -> Option<ExternType> {
        let description = &self.inner.description;
        Some(match kind {
            ExternKind::Func => ExternType::Func(description.func_type(index)?.clone()),
            ExternKind::Table => ExternType::Table(*description.tables.get(index as usize)?),
            ExternKind::Memory => ExternType::Memory(*description.memories.get(index as usize)?),
            ExternKind::Global => ExternType::Global(description.global_type(index)?),
            ExternKind::Tag => return None,
        })
    }

    pub(crate) fn export_position(&self, name: &str) -> Option<usize> {
        self.inner.export_index.get(name).copied()
    }
}

impl ModuleInner {
    /// The ir-stack translations of the defined functions (function index
    /// minus imports), translated now if the engine did not need them yet.
    pub fn compiled(&self) -> &[Function] {
        self.stack_code
            .get_or_init(|| {
                translate_stack(&self.bytes, &self.description, self.fast.revalidation())
                    .unwrap_or_default()
            })
            .as_slice()
    }

    /// Number of imported functions: function index minus this is the defined index.
    pub fn func_imports(&self) -> u32 {
        self.description.func_imports
    }
}

/// A validated module, its bodies translated to ir-stack code if the engine
/// runs that, and what the fast tier needs to build its own translation
/// later.
struct Compiled {
    description: zwasm_decode::Module,
    /// Number of defined functions.
    defined: usize,
    stack_code: Option<Vec<Function>>,
    revalidation: Option<Revalidation>,
}

/// Validates the module. Only the reference engine runs ir-stack code, so
/// only for it are the bodies translated while they are validated (reusing
/// one translator); the other engines' bodies are just validated (the fast
/// tier translates each one again on its first call).
fn compile(engine: &Engine, bytes: &[u8]) -> Result<Compiled, Error> {
    let validated = zwasm_validate::validate_module(bytes, &engine.features())?;
    let description = validated.module;
    let revalidation = validated.functions.first().map(|first| Revalidation {
        resources: first.resources.clone(),
        features: first.features,
        types: validated.functions.iter().map(|func| func.ty).collect(),
    });
    let defined = validated.functions.len();
    let stack_code = if engine.kind() == crate::EngineKind::Reference {
        let mut translator = Translator::new();
        let mut compiled = Vec::with_capacity(validated.functions.len());
        for func in validated.functions {
            let func_index = func.index;
            compiled.push(translator.translate(bytes, &description, func_index, func)?);
        }
        Some(compiled)
    } else {
        let mut validator = FunctionValidator::new();
        for func in validated.functions {
            let func_index = func.index;
            validator.validate(bytes, &description, func_index, func, &mut ())?;
        }
        None
    };
    Ok(Compiled {
        description,
        defined,
        stack_code,
        revalidation,
    })
}

/// The ir-stack translation of every defined function of a module that was
/// validated already.
fn translate_stack(
    bytes: &[u8],
    description: &zwasm_decode::Module,
    revalidation: Option<&Revalidation>,
) -> Result<Vec<Function>, Error> {
    let Some(revalidation) = revalidation else {
        return Ok(Vec::new());
    };
    let mut translator = Translator::new();
    let mut compiled = Vec::with_capacity(revalidation.types.len());
    for (defined, &ty) in revalidation.types.iter().enumerate() {
        let func_index = description.func_imports + defined as u32;
        let func = FuncToValidate {
            resources: revalidation.resources.clone(),
            index: func_index,
            ty,
            features: revalidation.features,
        };
        compiled.push(translator.translate(bytes, description, func_index, func)?);
    }
    Ok(compiled)
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module")
            .field("name", &self.name())
            .field("functions", &self.inner.description.functions.len())
            .finish_non_exhaustive()
    }
}

/// The type of an import or export.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ExternType {
    /// A function with this signature.
    Func(FuncType),
    /// A table of this type.
    Table(TableType),
    /// A linear memory of this type.
    Memory(MemoryType),
    /// A global of this type.
    Global(GlobalType),
}

impl ExternType {
    /// Which kind of entity this is.
    pub fn kind(&self) -> ExternKind {
        match self {
            ExternType::Func(_) => ExternKind::Func,
            ExternType::Table(_) => ExternKind::Table,
            ExternType::Memory(_) => ExternKind::Memory,
            ExternType::Global(_) => ExternKind::Global,
        }
    }
}

impl std::fmt::Display for ExternType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExternType::Func(ty) => write!(f, "func {ty}"),
            ExternType::Table(ty) => write!(f, "table {ty}"),
            ExternType::Memory(ty) => write!(f, "memory {ty}"),
            ExternType::Global(ty) => write!(f, "global {ty}"),
        }
    }
}

/// One import of a [`Module`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportInfo {
    module: String,
    name: String,
    ty: ExternType,
}

impl ImportInfo {
    /// The module name the import is looked up in.
    pub fn module(&self) -> &str {
        &self.module
    }

    /// The field name of the import.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The type the module expects.
    pub fn ty(&self) -> ExternType {
        self.ty.clone()
    }
}

/// One export of a [`Module`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportInfo {
    name: String,
    ty: ExternType,
}

impl ExportInfo {
    /// The export's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The exported entity's type.
    pub fn ty(&self) -> ExternType {
        self.ty.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::Module;
    use crate::{Config, Engine, EngineKind};

    const WAT: &str = r#"(module
        (func (export "add") (param i32 i32) (result i32)
            local.get 0 local.get 1 i32.add)
        (func (result i32) i32.const 7 i32.const 8 call 0))"#;

    fn engine(kind: EngineKind) -> Engine {
        let mut config = Config::new();
        config.engine(kind);
        Engine::new(&config).expect("engine")
    }

    #[test]
    fn only_the_reference_engine_translates_to_ir_stack_up_front() {
        let reference = Module::new(&engine(EngineKind::Reference), WAT).expect("valid");
        assert!(reference.inner.stack_code.get().is_some());
        let interp = Module::new(&engine(EngineKind::Interp), WAT).expect("valid");
        assert!(interp.inner.stack_code.get().is_none());
        // Asked for, the translation is made then, and is the same.
        assert_eq!(interp.compiled_function(1), reference.compiled_function(1));
        assert!(interp.compiled_function(1).is_some());
        assert_eq!(interp.inner.compiled().len(), 2);
    }

    #[test]
    fn invalid_bodies_are_rejected_without_the_ir_stack_translation() {
        let invalid = "(module (func (result i32) i64.const 1))";
        for kind in [EngineKind::Reference, EngineKind::Interp] {
            assert!(matches!(
                Module::new(&engine(kind), invalid),
                Err(crate::Error::Validate(_))
            ));
        }
    }
}
