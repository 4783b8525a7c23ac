//! Module instantiation (Wasm 2.0 semantics): import checks, entity
//! creation, then active segments in order, which may trap part way.

use zwasm_decode::{DataMode, ElementItems, ElementMode};

use super::const_eval::ConstEnv;
use super::import_check::check_import;
use super::{DataEntity, ElemEntity, InstanceEntity};
use crate::error::LinkError;
use crate::func::{FuncEntity, FuncKind};
use crate::global::GlobalEntity;
use crate::memory::MemoryEntity;
use crate::store::StoreCore;
use crate::table::TableEntity;
use crate::trap::TrapCode;
use crate::{Error, Extern, Instance, Module};

/// Creates the instance of `module` in `core`. Returns it and, if the module
/// has one, the start function (arena index) for the caller to run.
pub(crate) fn instantiate(
    core: &mut StoreCore,
    module: &Module,
    imports: &[Extern],
) -> Result<(Instance, Option<u32>), Error> {
    let inner = &module.inner;
    let description = &inner.description;
    if !inner.engine.same(&core.engine) {
        return Err(Error::Type(
            "module was compiled by a different engine than the store's".to_string(),
        ));
    }
    if imports.len() != description.imports.len() {
        return Err(LinkError::ImportCount {
            expected: description.imports.len(),
            provided: imports.len(),
        }
        .into());
    }
    for (import, provided) in description.imports.iter().zip(imports) {
        check_import(core, inner, import, provided)?;
    }

    let instance_index = core.instances.len() as u32;
    let mut funcs = Vec::with_capacity(description.functions.len());
    let mut tables = Vec::with_capacity(description.tables.len());
    let mut memories = Vec::with_capacity(description.memories.len());
    let mut globals =
        Vec::with_capacity(description.imported_global_types.len() + description.globals.len());
    for provided in imports {
        match provided {
            Extern::Func(func) => funcs.push(func.index),
            Extern::Table(table) => tables.push(table.index),
            Extern::Memory(memory) => memories.push(memory.index),
            Extern::Global(global) => globals.push(global.index),
        }
    }

    for defined in 0..description.defined_func_count() {
        let type_index = *description
            .functions
            .get((description.func_imports + defined) as usize)
            .ok_or_else(|| malformed("function"))? as usize;
        core.funcs.push(FuncEntity {
            ty: inner
                .func_types
                .get(type_index)
                .ok_or_else(|| malformed("type"))?
                .clone(),
            type_id: *inner
                .type_ids
                .get(type_index)
                .ok_or_else(|| malformed("type"))?,
            kind: FuncKind::Wasm {
                instance: instance_index,
                defined,
            },
        });
        funcs.push(last_index(&core.funcs));
    }

    for global in &description.globals {
        let value = env(&globals, &funcs, core).eval(&global.init)?;
        core.globals.push(GlobalEntity {
            ty: global.ty,
            value,
        });
        globals.push(last_index(&core.globals));
    }

    let defined_tables = description
        .tables
        .iter()
        .skip(description.table_imports as usize);
    for (defined, ty) in defined_tables.enumerate() {
        let init = match description.table_inits.get(defined) {
            Some(Some(expr)) => env(&globals, &funcs, core).eval(expr)?,
            _ => 0,
        };
        let table = TableEntity::new(*ty, init, &core.limits)?;
        core.tables.push(table);
        tables.push(last_index(&core.tables));
    }

    for ty in description
        .memories
        .iter()
        .skip(description.memory_imports as usize)
    {
        let memory = MemoryEntity::new(*ty, &core.limits)?;
        core.memories.push(memory);
        memories.push(last_index(&core.memories));
    }

    let mut elems = Vec::with_capacity(description.elements.len());
    for segment in &description.elements {
        let items = match &segment.items {
            ElementItems::Functions(indices) => indices
                .iter()
                .map(|index| Ok(u64::from(at(&funcs, *index)?) + 1))
                .collect::<Result<Vec<u64>, Error>>()?,
            ElementItems::Exprs(exprs) => {
                let env = env(&globals, &funcs, core);
                exprs
                    .iter()
                    .map(|expr| env.eval(expr))
                    .collect::<Result<Vec<u64>, Error>>()?
            }
        };
        core.elems.push(ElemEntity { items });
        elems.push(last_index(&core.elems));
    }

    let mut datas = Vec::with_capacity(description.data.len());
    for segment in &description.data {
        core.datas.push(DataEntity {
            module: module.clone(),
            range: segment.range.clone(),
        });
        datas.push(last_index(&core.datas));
    }

    let start = description
        .start
        .map(|start| at(&funcs, start))
        .transpose()?;
    // The instance exists from here on even if a segment traps: its
    // functions may already sit in imported tables.
    core.instances.push(InstanceEntity {
        module: module.clone(),
        funcs: funcs.into(),
        tables: tables.into(),
        memories: memories.into(),
        globals: globals.into(),
        elems: elems.into(),
        datas: datas.into(),
    });
    let instance = Instance {
        store: core.id,
        index: instance_index,
    };
    initialize_elements(core, instance_index as usize)?;
    initialize_data(core, instance_index as usize)?;
    Ok((instance, start))
}

/// Applies active element segments in order and drops active and declared ones.
fn initialize_elements(core: &mut StoreCore, instance: usize) -> Result<(), Error> {
    let entity = &core.instances[instance];
    let module = entity.module.clone();
    for (segment_index, segment) in module.description().elements.iter().enumerate() {
        let elem = at(&core.instances[instance].elems, segment_index as u32)? as usize;
        match &segment.mode {
            ElementMode::Passive => continue,
            ElementMode::Declared => {}
            ElementMode::Active { table, offset } => {
                let entity = &core.instances[instance];
                let offset = env(&entity.globals, &entity.funcs, core).eval(offset)?;
                let table = at(&entity.tables, *table)? as usize;
                let items = &core.elems[elem].items;
                let table = core
                    .tables
                    .get_mut(table)
                    .ok_or_else(|| malformed("table"))?;
                let destination = usize::try_from(offset)
                    .ok()
                    .and_then(|start| Some(start..start.checked_add(items.len())?))
                    .and_then(|range| table.elements.get_mut(range))
                    .ok_or(TrapCode::TableOutOfBounds)?;
                destination.copy_from_slice(items);
            }
        }
        core.elems[elem].items = Vec::new();
    }
    Ok(())
}

/// Applies active data segments in order and drops them.
fn initialize_data(core: &mut StoreCore, instance: usize) -> Result<(), Error> {
    let module = core.instances[instance].module.clone();
    for (segment_index, segment) in module.description().data.iter().enumerate() {
        let DataMode::Active { memory, offset } = &segment.mode else {
            continue;
        };
        let entity = &core.instances[instance];
        let data = at(&entity.datas, segment_index as u32)? as usize;
        let offset = env(&entity.globals, &entity.funcs, core).eval(offset)?;
        let memory = at(&entity.memories, *memory)? as usize;
        let bytes = core.datas[data].bytes();
        let memory = core
            .memories
            .get_mut(memory)
            .ok_or_else(|| malformed("memory"))?;
        let destination = usize::try_from(offset)
            .ok()
            .and_then(|start| Some(start..start.checked_add(bytes.len())?))
            .and_then(|range| memory.data.get_mut(range))
            .ok_or(TrapCode::MemoryOutOfBounds)?;
        destination.copy_from_slice(bytes);
        core.datas[data].range = 0..0;
    }
    Ok(())
}

fn env<'a>(globals: &'a [u32], funcs: &'a [u32], core: &'a StoreCore) -> ConstEnv<'a> {
    ConstEnv {
        globals,
        funcs,
        global_cells: &core.globals,
    }
}

fn last_index<E>(arena: &[E]) -> u32 {
    (arena.len() - 1) as u32
}

/// Entry `index` of an index-space map; validation makes a miss impossible.
fn at(map: &[u32], index: u32) -> Result<u32, Error> {
    map.get(index as usize)
        .copied()
        .ok_or_else(|| malformed("index"))
}

fn malformed(what: &str) -> Error {
    Error::Type(format!("module refers to a missing {what}"))
}
