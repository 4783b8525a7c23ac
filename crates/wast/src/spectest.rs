//! The `spectest` host module that spec scripts import from, as the reference
//! interpreter defines it. The print functions print nothing: scripts never
//! check their output.

use zwasm::{
    Extern, Func, FuncType, Global, GlobalType, Limits, Linker, Memory, MemoryType, RefType, Store,
    Table, TableType, Val, ValType,
};

/// Defines the `spectest` module in `linker`, with objects owned by `store`.
pub(crate) fn define_spectest(
    linker: &mut Linker<()>,
    store: &mut Store<()>,
) -> Result<(), zwasm::Error> {
    let prints: [(&str, &[ValType]); 7] = [
        ("print", &[]),
        ("print_i32", &[ValType::I32]),
        ("print_i64", &[ValType::I64]),
        ("print_f32", &[ValType::F32]),
        ("print_f64", &[ValType::F64]),
        ("print_i32_f32", &[ValType::I32, ValType::F32]),
        ("print_f64_f64", &[ValType::F64, ValType::F64]),
    ];
    for (name, params) in prints {
        let ty = FuncType::new(params.iter().copied(), []);
        let func = Func::new(&mut *store, ty, |_caller, _params, _results| Ok(()));
        linker.define(&mut *store, "spectest", name, Extern::Func(func))?;
    }

    let globals = [
        ("global_i32", ValType::I32, Val::I32(666)),
        ("global_i64", ValType::I64, Val::I64(666)),
        ("global_f32", ValType::F32, Val::F32(666.6f32.to_bits())),
        ("global_f64", ValType::F64, Val::F64(666.6f64.to_bits())),
    ];
    for (name, content, value) in globals {
        let ty = GlobalType {
            content,
            mutable: false,
        };
        let global = Global::new(&mut *store, ty, value)?;
        linker.define(&mut *store, "spectest", name, Extern::Global(global))?;
    }

    let table_ty = TableType {
        element: RefType::FuncRef,
        limits: Limits {
            min: 10,
            max: Some(20),
        },
        table64: false,
    };
    let table = Table::new(&mut *store, table_ty, Val::FuncRef(None))?;
    linker.define(&mut *store, "spectest", "table", Extern::Table(table))?;

    let memory_ty = MemoryType {
        limits: Limits {
            min: 1,
            max: Some(2),
        },
        memory64: false,
        shared: false,
        page_size_log2: MemoryType::PAGE_SIZE_LOG2,
    };
    let memory = Memory::new(&mut *store, memory_ty)?;
    linker.define(&mut *store, "spectest", "memory", Extern::Memory(memory))?;
    Ok(())
}
