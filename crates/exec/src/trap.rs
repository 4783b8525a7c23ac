//! [`Trap`]: a wasm execution fault, with the wasm frames that led to it.

use std::fmt;

/// Why execution trapped. `Display` gives the wording of the spec test suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TrapCode {
    /// `unreachable` was executed.
    Unreachable,
    /// A load, store or bulk memory operation went outside a memory.
    MemoryOutOfBounds,
    /// A table access or bulk table operation went outside a table.
    TableOutOfBounds,
    /// `call_indirect` with an index beyond the end of the table.
    UndefinedElement,
    /// `call_indirect` found a null entry in the table.
    IndirectCallToNull,
    /// `call_indirect` found a function of a different type than expected.
    BadSignature,
    /// Signed division overflow or an out-of-range float-to-int conversion.
    IntegerOverflow,
    /// Integer division or remainder by zero.
    IntegerDivisionByZero,
    /// Float-to-int conversion of a NaN.
    BadConversionToInteger,
    /// A null reference was dereferenced.
    NullReference,
    /// The call stack or value stack limit was reached.
    StackOverflow,
}

impl TrapCode {
    /// Every code, in declaration order (the threaded dispatcher's stops
    /// carry an index into it).
    #[cfg_attr(
        all(feature = "match-dispatch", not(feature = "tail-dispatch")),
        allow(dead_code)
    )]
    pub(crate) const ALL: [TrapCode; 11] = [
        TrapCode::Unreachable,
        TrapCode::MemoryOutOfBounds,
        TrapCode::TableOutOfBounds,
        TrapCode::UndefinedElement,
        TrapCode::IndirectCallToNull,
        TrapCode::BadSignature,
        TrapCode::IntegerOverflow,
        TrapCode::IntegerDivisionByZero,
        TrapCode::BadConversionToInteger,
        TrapCode::NullReference,
        TrapCode::StackOverflow,
    ];

    /// The spec test suite's message for this trap.
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::UndefinedElement => "undefined element",
            TrapCode::IndirectCallToNull => "uninitialized element",
            TrapCode::BadSignature => "indirect call type mismatch",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::IntegerDivisionByZero => "integer divide by zero",
            TrapCode::BadConversionToInteger => "invalid conversion to integer",
            TrapCode::NullReference => "null reference",
            TrapCode::StackOverflow => "call stack exhausted",
        }
    }
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// One wasm frame of a [`WasmBacktrace`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameInfo {
    pub(crate) func_index: u32,
    pub(crate) func_name: Option<String>,
    pub(crate) module_name: Option<String>,
    pub(crate) module_offset: Option<usize>,
}

impl FrameInfo {
    /// Index of the function in its module's function index space.
    pub fn func_index(&self) -> u32 {
        self.func_index
    }

    /// The function's name from the module's `name` section, if any.
    pub fn func_name(&self) -> Option<&str> {
        self.func_name.as_deref()
    }

    /// The module's name from its `name` section, if any.
    pub fn module_name(&self) -> Option<&str> {
        self.module_name.as_deref()
    }

    /// Byte offset in the module binary of the instruction executing in this frame.
    pub fn module_offset(&self) -> Option<usize> {
        self.module_offset
    }
}

impl fmt::Display for FrameInfo {
    /// `0x1a2 - module!function`, with `<unknown>` and `func[N]` for missing names.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.module_offset {
            Some(offset) => write!(f, "{offset:#x} - ")?,
            None => f.write_str("<unknown offset> - ")?,
        }
        f.write_str(self.module_name.as_deref().unwrap_or("<unknown>"))?;
        f.write_str("!")?;
        match &self.func_name {
            Some(name) => f.write_str(name),
            None => write!(f, "func[{}]", self.func_index),
        }
    }
}

/// The wasm frames active when a trap happened, innermost first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WasmBacktrace {
    pub(crate) frames: Vec<FrameInfo>,
}

impl WasmBacktrace {
    /// The frames, innermost (the trapping function) first.
    pub fn frames(&self) -> &[FrameInfo] {
        &self.frames
    }
}

impl fmt::Display for WasmBacktrace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (depth, frame) in self.frames.iter().enumerate() {
            if depth > 0 {
                f.write_str("\n")?;
            }
            write!(f, "    {depth}: {frame}")?;
        }
        Ok(())
    }
}

/// A wasm execution fault: what went wrong and where.
///
/// ```
/// # fn main() -> Result<(), zwasm::Error> {
/// use zwasm::{Engine, Instance, Module, Store, TrapCode};
/// let engine = Engine::default();
/// let module = Module::new(&engine, r#"(module (func (export "boom") unreachable))"#)?;
/// let mut store = Store::new(&engine, ());
/// let instance = Instance::new(&mut store, &module, &[])?;
/// let boom = instance.get_typed_func::<(), ()>(&mut store, "boom")?;
/// let error = boom.call(&mut store, ()).unwrap_err();
/// assert_eq!(error.as_trap().map(|trap| trap.code()), Some(TrapCode::Unreachable));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trap {
    pub(crate) code: TrapCode,
    pub(crate) backtrace: WasmBacktrace,
}

impl Trap {
    /// A trap with no backtrace, e.g. one raised during instantiation.
    pub fn new(code: TrapCode) -> Self {
        Trap {
            code,
            backtrace: WasmBacktrace::default(),
        }
    }

    /// Why execution trapped.
    pub fn code(&self) -> TrapCode {
        self.code
    }

    /// The wasm frames active at the trap, innermost first.
    pub fn backtrace(&self) -> &WasmBacktrace {
        &self.backtrace
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "wasm trap: {}", self.code)?;
        if !self.backtrace.frames.is_empty() {
            write!(f, "\nwasm backtrace:\n{}", self.backtrace)?;
        }
        Ok(())
    }
}

impl std::error::Error for Trap {}

impl From<TrapCode> for Trap {
    fn from(code: TrapCode) -> Self {
        Trap::new(code)
    }
}
