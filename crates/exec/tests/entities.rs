//! Host-side APIs of tables, globals, extern references and module metadata.

use zwasm::{
    Engine, Error, ExternRef, ExternType, Func, Global, GlobalType, Instance, Limits, Module,
    RefType, Store, Table, TableType, Val, ValType,
};

#[test]
fn tables_hold_references_and_grow() -> anyhow::Result<()> {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let ty = TableType {
        element: RefType::ExternRef,
        limits: Limits {
            min: 1,
            max: Some(4),
        },
        table64: false,
    };
    let payload = ExternRef::new(&mut store, 17u32);
    let table = Table::new(&mut store, ty, Val::from(payload))?;
    assert_eq!(table.get(&store, 0), Some(Val::ExternRef(Some(payload))));
    assert_eq!(table.get(&store, 1), None);
    assert_eq!(table.grow(&mut store, 2, Val::null_extern_ref())?, 1);
    assert!(table.grow(&mut store, 2, Val::null_extern_ref()).is_err());
    table.set(&mut store, 2, Val::from(payload))?;
    assert!(table.set(&mut store, 9, Val::null_extern_ref()).is_err());
    assert!(matches!(
        table.set(&mut store, 0, Val::null_func_ref()),
        Err(Error::Type(_))
    ));
    assert_eq!(
        table.ty(&store).limits,
        Limits {
            min: 3,
            max: Some(4)
        }
    );

    let module = Module::new(
        &engine,
        r#"(module (import "" "t" (table 3 4 externref))
             (func (export "get") (param i32) (result externref) (table.get 0 (local.get 0)))
             (func (export "size") (result i32) (table.size 0))
             (func (export "grow") (param externref i32) (result i32) (table.grow 0 (local.get 0) (local.get 1))))"#,
    )?;
    let instance = Instance::new(&mut store, &module, &[table.into()])?;
    let get = instance.get_typed_func::<i32, Option<ExternRef>>(&mut store, "get")?;
    let found = get.call(&mut store, 2)?.expect("non-null");
    assert_eq!(found.data(&store).downcast_ref::<u32>(), Some(&17));
    assert_eq!(get.call(&mut store, 1)?, None);
    let grow = instance.get_typed_func::<(Option<ExternRef>, i32), i32>(&mut store, "grow")?;
    assert_eq!(grow.call(&mut store, (None, 1))?, 3);
    assert_eq!(grow.call(&mut store, (None, 1))?, -1);
    Ok(())
}

#[test]
fn globals_check_mutability_and_type() -> anyhow::Result<()> {
    let mut store = Store::new(&Engine::default(), ());
    let constant = Global::new(
        &mut store,
        GlobalType {
            content: ValType::F32,
            mutable: false,
        },
        Val::from(2.0f32),
    )?;
    assert_eq!(constant.get(&store).f32(), Some(2.0));
    assert!(constant.set(&mut store, Val::from(3.0f32)).is_err());
    let variable = Global::new(
        &mut store,
        GlobalType {
            content: ValType::I32,
            mutable: true,
        },
        Val::I32(1),
    )?;
    assert!(variable.set(&mut store, Val::I64(1)).is_err());
    variable.set(&mut store, Val::I32(-9))?;
    assert_eq!(variable.get(&store), Val::I32(-9));
    assert!(
        Global::new(
            &mut store,
            GlobalType {
                content: ValType::I32,
                mutable: false
            },
            Val::F64(0)
        )
        .is_err()
    );
    let funcs = Global::new(
        &mut store,
        GlobalType {
            content: ValType::FuncRef,
            mutable: true,
        },
        Val::null_func_ref(),
    )?;
    let func = Func::wrap(&mut store, || 1i32);
    funcs.set(&mut store, Val::from(func))?;
    assert_eq!(funcs.get(&store), Val::FuncRef(Some(func)));
    Ok(())
}

#[test]
fn module_and_instance_describe_imports_and_exports() -> anyhow::Result<()> {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module $described
             (import "env" "f" (func (param i32) (result i64)))
             (import "env" "g" (global (mut f64)))
             (memory (export "mem") 1 2)
             (table (export "tab") 0 funcref)
             (func (export "first") (result i32) (i32.const 1))
             (global (export "glob") i64 (i64.const 5)))"#,
    )?;
    assert_eq!(module.name(), Some("described"));
    let imports: Vec<(String, String, ExternType)> = module
        .imports()
        .map(|import| {
            (
                import.module().to_string(),
                import.name().to_string(),
                import.ty(),
            )
        })
        .collect();
    assert_eq!(
        imports[0].2,
        ExternType::Func(zwasm::FuncType::new([ValType::I32], [ValType::I64]))
    );
    assert_eq!(
        imports[1],
        (
            "env".into(),
            "g".into(),
            ExternType::Global(GlobalType {
                content: ValType::F64,
                mutable: true
            })
        )
    );
    let exports: Vec<String> = module
        .exports()
        .map(|export| export.name().to_string())
        .collect();
    assert_eq!(exports, ["mem", "tab", "first", "glob"]);

    let mut store = Store::new(&engine, ());
    let f = Func::wrap(&mut store, |x: i32| i64::from(x));
    let g = Global::new(
        &mut store,
        GlobalType {
            content: ValType::F64,
            mutable: true,
        },
        Val::from(0.0),
    )?;
    let instance = Instance::new(&mut store, &module, &[f.into(), g.into()])?;
    let names: Vec<String> = instance
        .exports(&store)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(names, exports);
    let glob = instance.get_export(&store, "glob").expect("export");
    assert_eq!(
        glob.ty(&store),
        ExternType::Global(GlobalType {
            content: ValType::I64,
            mutable: false
        })
    );
    assert!(instance.get_export(&store, "missing").is_none());
    assert!(instance.get_func(&store, "mem").is_none());
    Ok(())
}
