//! `zwasm inspect`: describe a module from its decoded form (no validation).
//!
//! Text and JSON are rendered from the same [`Report`], whose JSON form is
//! the stable schema documented in docs/inspect-json.md.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use serde::Serialize;
use zwasm_decode::{
    ExternKind, FuncType, GlobalType, ImportType, Limits, MemoryType, Module, TableType,
};

use crate::failure::CliFailure;
use crate::input::read_module_binary;

/// Bumped whenever a field changes meaning or disappears (adding fields does not).
const SCHEMA_VERSION: u32 = 1;

pub(crate) fn inspect(file: &Path, json: bool) -> Result<ExitCode, CliFailure> {
    let bytes = read_module_binary(file)?;
    let module = zwasm_decode::decode(&bytes)
        .map_err(|err| anyhow!("{err}"))
        .with_context(|| format!("failed to decode `{}`", file.display()))?;
    let report = Report::new(&module, bytes.len());
    if json {
        let text = serde_json::to_string_pretty(&report).context("failed to write JSON")?;
        println!("{text}");
    } else {
        print!("{}", report.to_text(&file.display().to_string()));
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Serialize)]
struct Report {
    schema_version: u32,
    module_name: Option<String>,
    size: usize,
    sections: Vec<Section>,
    types: Vec<Signature>,
    imports: Vec<Import>,
    exports: Vec<Export>,
    functions: FunctionCounts,
    tables: Vec<Table>,
    memories: Vec<Memory>,
    globals: Vec<Global>,
    start: Option<u32>,
    element_segments: usize,
    data_segments: usize,
    data_count: Option<u32>,
    custom_sections: Vec<CustomSection>,
}

#[derive(Debug, Serialize)]
struct Section {
    kind: &'static str,
    /// Custom sections only.
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    offset: usize,
    size: usize,
}

#[derive(Debug, Serialize)]
struct Signature {
    index: u32,
    params: Vec<String>,
    results: Vec<String>,
}

#[derive(Debug, Serialize)]
struct Import {
    module: String,
    name: String,
    #[serde(rename = "type")]
    ty: ExternDesc,
}

#[derive(Debug, Serialize)]
struct Export {
    name: String,
    index: u32,
    #[serde(rename = "type")]
    ty: ExternDesc,
}

/// An item's kind and type; `kind` is the JSON tag.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum ExternDesc {
    Func {
        type_index: Option<u32>,
        params: Vec<String>,
        results: Vec<String>,
    },
    Table(TableDesc),
    Memory(MemoryDesc),
    Global(GlobalDesc),
    Tag {
        type_index: Option<u32>,
    },
}

#[derive(Debug, Serialize)]
struct TableDesc {
    element: String,
    min: u64,
    max: Option<u64>,
    table64: bool,
}

#[derive(Debug, Serialize)]
struct MemoryDesc {
    min: u64,
    max: Option<u64>,
    memory64: bool,
    shared: bool,
    page_size: u64,
}

#[derive(Debug, Serialize)]
struct GlobalDesc {
    value_type: String,
    mutable: bool,
}

#[derive(Debug, Serialize)]
struct FunctionCounts {
    imported: u32,
    defined: u32,
    total: u32,
}

#[derive(Debug, Serialize)]
struct Table {
    index: u32,
    imported: bool,
    #[serde(flatten)]
    ty: TableDesc,
}

#[derive(Debug, Serialize)]
struct Memory {
    index: u32,
    imported: bool,
    #[serde(flatten)]
    ty: MemoryDesc,
}

#[derive(Debug, Serialize)]
struct Global {
    index: u32,
    imported: bool,
    #[serde(flatten)]
    ty: GlobalDesc,
}

#[derive(Debug, Serialize)]
struct CustomSection {
    name: String,
    size: usize,
}

impl Report {
    fn new(module: &Module, size: usize) -> Report {
        let index = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        Report {
            schema_version: SCHEMA_VERSION,
            module_name: module.names.module.clone(),
            size,
            sections: module
                .sections
                .iter()
                .map(|section| Section {
                    kind: section.kind,
                    name: section.name.clone(),
                    offset: section.range.start,
                    size: section.range.len(),
                })
                .collect(),
            types: module
                .types
                .iter()
                .enumerate()
                .map(|(i, ty)| Signature {
                    index: index(i),
                    params: names(&ty.params),
                    results: names(&ty.results),
                })
                .collect(),
            imports: module
                .imports
                .iter()
                .map(|import| Import {
                    module: import.module.clone(),
                    name: import.name.clone(),
                    ty: import_desc(module, &import.ty),
                })
                .collect(),
            exports: module
                .exports
                .iter()
                .map(|export| Export {
                    name: export.name.clone(),
                    index: export.index,
                    ty: export_desc(module, export.kind, export.index),
                })
                .collect(),
            functions: FunctionCounts {
                imported: module.func_imports,
                defined: module.defined_func_count(),
                total: index(module.functions.len()),
            },
            tables: module
                .tables
                .iter()
                .enumerate()
                .map(|(i, ty)| Table {
                    index: index(i),
                    imported: i < module.table_imports as usize,
                    ty: table_desc(ty),
                })
                .collect(),
            memories: module
                .memories
                .iter()
                .enumerate()
                .map(|(i, ty)| Memory {
                    index: index(i),
                    imported: i < module.memory_imports as usize,
                    ty: memory_desc(ty),
                })
                .collect(),
            globals: (0..module.imported_global_types.len() + module.globals.len())
                .filter_map(|i| {
                    let ty = module.global_type(index(i))?;
                    Some(Global {
                        index: index(i),
                        imported: i < module.imported_global_types.len(),
                        ty: global_desc(&ty),
                    })
                })
                .collect(),
            start: module.start,
            element_segments: module.elements.len(),
            data_segments: module.data.len(),
            data_count: module.data_count,
            custom_sections: module
                .customs
                .iter()
                .map(|custom| CustomSection {
                    name: custom.name.clone(),
                    size: custom.range.len(),
                })
                .collect(),
        }
    }

    fn to_text(&self, path: &str) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = self.write_text(&mut out, path);
        out
    }

    fn write_text(&self, out: &mut String, path: &str) -> std::fmt::Result {
        writeln!(out, "module: {path}")?;
        writeln!(
            out,
            "name: {}",
            self.module_name.as_deref().unwrap_or("(none)")
        )?;
        writeln!(out, "size: {} bytes", self.size)?;

        writeln!(out, "sections ({}):", self.sections.len())?;
        for section in &self.sections {
            let kind = match &section.name {
                Some(name) => format!("{} \"{}\"", section.kind, name),
                None => section.kind.to_owned(),
            };
            writeln!(
                out,
                "  {kind:<24} offset 0x{:08x}  size {}",
                section.offset, section.size
            )?;
        }

        writeln!(out, "types ({}):", self.types.len())?;
        for ty in &self.types {
            writeln!(
                out,
                "  {}: {}",
                ty.index,
                signature_text(&ty.params, &ty.results)
            )?;
        }

        writeln!(out, "imports ({}):", self.imports.len())?;
        for import in &self.imports {
            writeln!(
                out,
                "  \"{}\" \"{}\": {}",
                import.module,
                import.name,
                extern_text(&import.ty)
            )?;
        }

        writeln!(out, "exports ({}):", self.exports.len())?;
        for export in &self.exports {
            writeln!(
                out,
                "  \"{}\": {} {}",
                export.name,
                extern_text(&export.ty),
                export_index_text(&export.ty, export.index)
            )?;
        }

        writeln!(
            out,
            "functions: {} ({} imported, {} defined)",
            self.functions.total, self.functions.imported, self.functions.defined
        )?;

        writeln!(out, "tables ({}):", self.tables.len())?;
        for table in &self.tables {
            writeln!(
                out,
                "  {}: {}{}",
                table.index,
                table_text(&table.ty),
                imported_suffix(table.imported)
            )?;
        }

        writeln!(out, "memories ({}):", self.memories.len())?;
        for memory in &self.memories {
            writeln!(
                out,
                "  {}: {}{}",
                memory.index,
                memory_text(&memory.ty),
                imported_suffix(memory.imported)
            )?;
        }

        writeln!(out, "globals ({}):", self.globals.len())?;
        for global in &self.globals {
            writeln!(
                out,
                "  {}: {}{}",
                global.index,
                global_text(&global.ty),
                imported_suffix(global.imported)
            )?;
        }

        match self.start {
            Some(start) => writeln!(out, "start: func {start}")?,
            None => writeln!(out, "start: (none)")?,
        }
        writeln!(out, "element segments: {}", self.element_segments)?;
        match self.data_count {
            Some(count) => writeln!(
                out,
                "data segments: {} (data count {count})",
                self.data_segments
            )?,
            None => writeln!(out, "data segments: {}", self.data_segments)?,
        }

        writeln!(out, "custom sections ({}):", self.custom_sections.len())?;
        for custom in &self.custom_sections {
            writeln!(out, "  \"{}\": {} bytes", custom.name, custom.size)?;
        }
        Ok(())
    }
}

fn names(types: &[zwasm_decode::ValType]) -> Vec<String> {
    types.iter().map(ToString::to_string).collect()
}

fn func_desc(type_index: Option<u32>, ty: Option<&FuncType>) -> ExternDesc {
    ExternDesc::Func {
        type_index,
        params: ty.map(|ty| names(&ty.params)).unwrap_or_default(),
        results: ty.map(|ty| names(&ty.results)).unwrap_or_default(),
    }
}

fn import_desc(module: &Module, ty: &ImportType) -> ExternDesc {
    match ty {
        ImportType::Func(type_index) => {
            func_desc(Some(*type_index), module.types.get(*type_index as usize))
        }
        ImportType::Table(ty) => ExternDesc::Table(table_desc(ty)),
        ImportType::Memory(ty) => ExternDesc::Memory(memory_desc(ty)),
        ImportType::Global(ty) => ExternDesc::Global(global_desc(ty)),
        ImportType::Tag(type_index) => ExternDesc::Tag {
            type_index: Some(*type_index),
        },
    }
}

/// The export's type, looked up in its index space. Decoding does not
/// validate, so an index may be out of range; the type is then left empty.
fn export_desc(module: &Module, kind: ExternKind, index: u32) -> ExternDesc {
    let limits_unknown = Limits { min: 0, max: None };
    match kind {
        ExternKind::Func => func_desc(
            module.functions.get(index as usize).copied(),
            module.func_type(index),
        ),
        ExternKind::Table => ExternDesc::Table(match module.tables.get(index as usize) {
            Some(ty) => table_desc(ty),
            None => TableDesc {
                element: "unknown".into(),
                min: limits_unknown.min,
                max: limits_unknown.max,
                table64: false,
            },
        }),
        ExternKind::Memory => ExternDesc::Memory(match module.memories.get(index as usize) {
            Some(ty) => memory_desc(ty),
            None => MemoryDesc {
                min: limits_unknown.min,
                max: limits_unknown.max,
                memory64: false,
                shared: false,
                page_size: 1 << MemoryType::PAGE_SIZE_LOG2,
            },
        }),
        ExternKind::Global => ExternDesc::Global(match module.global_type(index) {
            Some(ty) => global_desc(&ty),
            None => GlobalDesc {
                value_type: "unknown".into(),
                mutable: false,
            },
        }),
        ExternKind::Tag => ExternDesc::Tag { type_index: None },
    }
}

fn table_desc(ty: &TableType) -> TableDesc {
    TableDesc {
        element: ty.element.to_string(),
        min: ty.limits.min,
        max: ty.limits.max,
        table64: ty.table64,
    }
}

fn memory_desc(ty: &MemoryType) -> MemoryDesc {
    MemoryDesc {
        min: ty.limits.min,
        max: ty.limits.max,
        memory64: ty.memory64,
        shared: ty.shared,
        page_size: ty.page_size(),
    }
}

fn global_desc(ty: &GlobalType) -> GlobalDesc {
    GlobalDesc {
        value_type: ty.content.to_string(),
        mutable: ty.mutable,
    }
}

fn signature_text(params: &[String], results: &[String]) -> String {
    let mut parts = Vec::new();
    if !params.is_empty() {
        parts.push(format!("(param {})", params.join(" ")));
    }
    if !results.is_empty() {
        parts.push(format!("(result {})", results.join(" ")));
    }
    if parts.is_empty() {
        "()".to_owned()
    } else {
        parts.join(" ")
    }
}

fn limits_text(min: u64, max: Option<u64>) -> String {
    match max {
        Some(max) => format!("min {min} max {max}"),
        None => format!("min {min}"),
    }
}

fn table_text(ty: &TableDesc) -> String {
    let index = if ty.table64 { "i64 " } else { "" };
    format!(
        "table {index}{} {}",
        ty.element,
        limits_text(ty.min, ty.max)
    )
}

fn memory_text(ty: &MemoryDesc) -> String {
    let mut text = format!("memory {}", limits_text(ty.min, ty.max));
    if ty.memory64 {
        text.push_str(" i64");
    }
    if ty.shared {
        text.push_str(" shared");
    }
    if ty.page_size != 1 << MemoryType::PAGE_SIZE_LOG2 {
        text.push_str(&format!(" page_size {}", ty.page_size));
    }
    text
}

fn global_text(ty: &GlobalDesc) -> String {
    if ty.mutable {
        format!("global (mut {})", ty.value_type)
    } else {
        format!("global {}", ty.value_type)
    }
}

fn extern_text(desc: &ExternDesc) -> String {
    match desc {
        ExternDesc::Func {
            type_index,
            params,
            results,
        } => match type_index {
            Some(type_index) => {
                format!(
                    "func {} (type {type_index})",
                    signature_text(params, results)
                )
            }
            None => "func (unknown type)".to_owned(),
        },
        ExternDesc::Table(ty) => table_text(ty),
        ExternDesc::Memory(ty) => memory_text(ty),
        ExternDesc::Global(ty) => global_text(ty),
        ExternDesc::Tag { type_index } => match type_index {
            Some(type_index) => format!("tag (type {type_index})"),
            None => "tag".to_owned(),
        },
    }
}

fn export_index_text(desc: &ExternDesc, index: u32) -> String {
    let kind = match desc {
        ExternDesc::Func { .. } => "func",
        ExternDesc::Table(_) => "table",
        ExternDesc::Memory(_) => "memory",
        ExternDesc::Global(_) => "global",
        ExternDesc::Tag { .. } => "tag",
    };
    format!("= {kind} {index}")
}

fn imported_suffix(imported: bool) -> &'static str {
    if imported { " (imported)" } else { "" }
}
