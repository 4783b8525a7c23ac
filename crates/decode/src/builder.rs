//! [`ModuleBuilder`]: fills a [`Module`] from wasmparser payloads.

use crate::const_expr::decode_const_expr;
use crate::convert;
use crate::error::{DecodeError, to_offset};
use crate::names::decode_names;
use crate::types::{
    CustomSection, DataMode, DataSegment, ElementItems, ElementMode, ElementSegment, Export,
    ExternKind, FunctionBody, Global, Import, ImportType, Module, SectionInfo,
};
use std::ops::Range;
use wasmparser::{KnownCustom, Payload, SectionLimited};

/// Builds a [`Module`] one wasmparser payload at a time, so that a caller can
/// validate and decode in a single pass over the bytes.
///
/// The builder performs no validation: indices are recorded as found, and
/// sections are accepted in any order.
#[derive(Debug)]
pub struct ModuleBuilder<'a> {
    bytes: &'a [u8],
    module: Module,
}

fn range(range: Range<u64>) -> Range<usize> {
    to_offset(range.start)..to_offset(range.end)
}

/// Reads every item of a section, with the offset where each item starts.
fn items<'a, T: wasmparser::FromReader<'a>>(
    section: &SectionLimited<'a, T>,
) -> impl Iterator<Item = Result<(usize, T), DecodeError>> {
    section.clone().into_iter_with_offsets().map(|item| {
        item.map(|(offset, value)| (to_offset(offset), value))
            .map_err(DecodeError::from)
    })
}

impl<'a> ModuleBuilder<'a> {
    /// Starts building the module encoded by `bytes`; the payloads later fed to
    /// [`ModuleBuilder::payload`] must come from parsing these bytes.
    pub fn new(bytes: &'a [u8]) -> Self {
        ModuleBuilder {
            bytes,
            module: Module::default(),
        }
    }

    /// Adds the contents of one payload to the module.
    pub fn payload(&mut self, payload: &Payload<'_>) -> Result<(), DecodeError> {
        #[allow(unreachable_patterns)]
        match payload {
            Payload::Version {
                encoding, range, ..
            } => {
                if *encoding != wasmparser::Encoding::Module {
                    return Err(DecodeError::new(
                        to_offset(range.start),
                        "components are not supported, expected a core module",
                    ));
                }
            }
            Payload::TypeSection(section) => {
                self.section("type", section.range());
                for group in section.clone().into_iter_with_offsets() {
                    let (offset, group) = group?;
                    self.rec_group(to_offset(offset), group)?;
                }
            }
            Payload::ImportSection(section) => {
                self.section("import", section.range());
                for import in section.clone().into_imports_with_offsets() {
                    let (offset, import) = import?;
                    self.import(to_offset(offset), import)?;
                }
            }
            Payload::FunctionSection(section) => {
                self.section("function", section.range());
                for ty in items(section) {
                    let (_, ty) = ty?;
                    self.module.functions.push(ty);
                }
            }
            Payload::TableSection(section) => {
                self.section("table", section.range());
                for table in items(section) {
                    let (offset, table) = table?;
                    self.module
                        .tables
                        .push(convert::table_type(&table.ty, offset)?);
                    let init = match &table.init {
                        wasmparser::TableInit::RefNull => None,
                        wasmparser::TableInit::Expr(expr) => Some(decode_const_expr(expr)?),
                    };
                    self.module.table_inits.push(init);
                }
            }
            Payload::MemorySection(section) => {
                self.section("memory", section.range());
                for memory in items(section) {
                    let (_, memory) = memory?;
                    self.module.memories.push(convert::memory_type(&memory));
                }
            }
            Payload::TagSection(section) => {
                // Tags belong to the exceptions proposal; the section is only
                // recorded so that `inspect` can show it.
                self.section("tag", section.range());
            }
            Payload::GlobalSection(section) => {
                self.section("global", section.range());
                for global in items(section) {
                    let (offset, global) = global?;
                    self.module.globals.push(Global {
                        ty: convert::global_type(&global.ty, offset)?,
                        init: decode_const_expr(&global.init_expr)?,
                    });
                }
            }
            Payload::ExportSection(section) => {
                self.section("export", section.range());
                for export in items(section) {
                    let (offset, export) = export?;
                    self.module.exports.push(Export {
                        name: export.name.to_string(),
                        kind: extern_kind(export.kind, offset)?,
                        index: export.index,
                    });
                }
            }
            Payload::StartSection { func, range } => {
                self.section("start", range.clone());
                self.module.start = Some(*func);
            }
            Payload::ElementSection(section) => {
                self.section("element", section.range());
                for element in items(section) {
                    let (offset, element) = element?;
                    let segment = element_segment(offset, element)?;
                    self.module.elements.push(segment);
                }
            }
            Payload::DataCountSection { count, range } => {
                self.section("datacount", range.clone());
                self.module.data_count = Some(*count);
            }
            Payload::DataSection(section) => {
                self.section("data", section.range());
                for data in items(section) {
                    let (_, data) = data?;
                    self.module.data.push(data_segment(data)?);
                }
            }
            Payload::CodeSectionStart {
                unchecked_range, ..
            } => {
                self.section("code", unchecked_range.clone());
            }
            Payload::CodeSectionEntry(body) => {
                self.module.bodies.push(FunctionBody {
                    range: range(body.range()),
                });
            }
            Payload::CustomSection(section) => self.custom_section(section),
            Payload::UnknownSection { id, range, .. } => {
                return Err(DecodeError::new(
                    to_offset(range.start),
                    format!("malformed section id: {id}"),
                ));
            }
            Payload::End(_) => {}
            // Component-model payloads only exist when another crate enables
            // wasmparser's `component-model` feature; a core module has none.
            _ => {
                return Err(DecodeError::new(
                    self.bytes.len(),
                    "components are not supported, expected a core module",
                ));
            }
        }
        Ok(())
    }

    /// The finished module.
    pub fn finish(self) -> Module {
        self.module
    }

    fn section(&mut self, kind: &'static str, bytes: Range<u64>) {
        self.module.sections.push(SectionInfo {
            kind,
            name: None,
            range: range(bytes),
        });
    }

    fn rec_group(&mut self, offset: usize, group: wasmparser::RecGroup) -> Result<(), DecodeError> {
        if group.is_explicit_rec_group() {
            return Err(DecodeError::unsupported(offset, "gc"));
        }
        for sub_type in group.into_types() {
            if !sub_type.is_final || !sub_type.supertype_idxs.is_empty() {
                return Err(DecodeError::unsupported(offset, "gc"));
            }
            let composite = &sub_type.composite_type;
            if composite.shared {
                return Err(DecodeError::unsupported(
                    offset,
                    "shared-everything-threads",
                ));
            }
            if composite.descriptor_idx.is_some() || composite.describes_idx.is_some() {
                return Err(DecodeError::unsupported(offset, "custom-descriptors"));
            }
            match &composite.inner {
                wasmparser::CompositeInnerType::Func(ty) => {
                    self.module.types.push(convert::func_type(ty, offset)?);
                }
                wasmparser::CompositeInnerType::Cont(_) => {
                    return Err(DecodeError::unsupported(offset, "stack-switching"));
                }
                _ => return Err(DecodeError::unsupported(offset, "gc")),
            }
        }
        Ok(())
    }

    fn import(&mut self, offset: usize, import: wasmparser::Import<'_>) -> Result<(), DecodeError> {
        let module = &mut self.module;
        let ty = match import.ty {
            wasmparser::TypeRef::Func(ty) => {
                module.functions.push(ty);
                module.func_imports += 1;
                ImportType::Func(ty)
            }
            wasmparser::TypeRef::FuncExact(_) => {
                return Err(DecodeError::unsupported(offset, "custom-descriptors"));
            }
            wasmparser::TypeRef::Table(ty) => {
                let ty = convert::table_type(&ty, offset)?;
                module.tables.push(ty);
                module.table_imports += 1;
                ImportType::Table(ty)
            }
            wasmparser::TypeRef::Memory(ty) => {
                let ty = convert::memory_type(&ty);
                module.memories.push(ty);
                module.memory_imports += 1;
                ImportType::Memory(ty)
            }
            wasmparser::TypeRef::Global(ty) => {
                let ty = convert::global_type(&ty, offset)?;
                module.imported_global_types.push(ty);
                module.global_imports += 1;
                ImportType::Global(ty)
            }
            wasmparser::TypeRef::Tag(tag) => ImportType::Tag(tag.func_type_idx),
        };
        module.imports.push(Import {
            module: import.module.to_string(),
            name: import.name.to_string(),
            ty,
        });
        Ok(())
    }

    fn custom_section(&mut self, section: &wasmparser::CustomSectionReader<'_>) {
        self.module.sections.push(SectionInfo {
            kind: "custom",
            name: Some(section.name().to_string()),
            range: range(section.range()),
        });
        self.module.customs.push(CustomSection {
            name: section.name().to_string(),
            range: range(section.data_range()),
        });
        if let KnownCustom::Name(reader) = section.as_known()
            && let Some(names) = decode_names(reader)
        {
            self.module.names = names;
        }
    }
}

fn extern_kind(kind: wasmparser::ExternalKind, offset: usize) -> Result<ExternKind, DecodeError> {
    Ok(match kind {
        wasmparser::ExternalKind::Func => ExternKind::Func,
        wasmparser::ExternalKind::Table => ExternKind::Table,
        wasmparser::ExternalKind::Memory => ExternKind::Memory,
        wasmparser::ExternalKind::Global => ExternKind::Global,
        wasmparser::ExternalKind::Tag => ExternKind::Tag,
        wasmparser::ExternalKind::FuncExact => {
            return Err(DecodeError::unsupported(offset, "custom-descriptors"));
        }
    })
}

fn element_segment(
    offset: usize,
    element: wasmparser::Element<'_>,
) -> Result<ElementSegment, DecodeError> {
    let mode = match element.kind {
        wasmparser::ElementKind::Passive => ElementMode::Passive,
        wasmparser::ElementKind::Declared => ElementMode::Declared,
        wasmparser::ElementKind::Active {
            table_index,
            offset_expr,
        } => ElementMode::Active {
            table: table_index.unwrap_or(0),
            offset: decode_const_expr(&offset_expr)?,
        },
    };
    let (ty, items) = match element.items {
        wasmparser::ElementItems::Functions(functions) => {
            let mut indices = Vec::new();
            for index in items(&functions) {
                indices.push(index?.1);
            }
            (
                crate::types::RefType::FuncRef,
                ElementItems::Functions(indices),
            )
        }
        wasmparser::ElementItems::Expressions(ty, exprs) => {
            let mut list = Vec::new();
            for expr in items(&exprs) {
                list.push(decode_const_expr(&expr?.1)?);
            }
            (convert::ref_type(ty, offset)?, ElementItems::Exprs(list))
        }
    };
    Ok(ElementSegment { ty, mode, items })
}

fn data_segment(data: wasmparser::Data<'_>) -> Result<DataSegment, DecodeError> {
    let mode = match data.kind {
        wasmparser::DataKind::Passive => DataMode::Passive,
        wasmparser::DataKind::Active {
            memory_index,
            offset_expr,
        } => DataMode::Active {
            memory: memory_index,
            offset: decode_const_expr(&offset_expr)?,
        },
    };
    // The contents are the last `data.len()` bytes of the segment.
    let end = to_offset(data.range.end);
    Ok(DataSegment {
        mode,
        range: end.saturating_sub(data.data.len())..end,
    })
}
