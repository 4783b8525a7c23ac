//! Linear memory: host access, growth, memory64 and multi-memory.

use zwasm::{Config, Engine, Instance, Limits, Memory, MemoryType, Module, Store, TrapCode};

#[test]
fn host_reads_and_writes_guest_memory() -> anyhow::Result<()> {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (memory (export "memory") 1 3)
             (func (export "sum") (param i32 i32) (result i32) (local i32)
               (block (loop
                 (br_if 1 (i32.eqz (local.get 1)))
                 (local.set 2 (i32.add (local.get 2) (i32.load8_u (local.get 0))))
                 (local.set 0 (i32.add (local.get 0) (i32.const 1)))
                 (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
                 (br 0)))
               (local.get 2))
             (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;
    let memory = instance.get_memory(&store, "memory").expect("memory");
    memory.write(&mut store, 100, &[1, 2, 3, 4])?;
    memory.data_mut(&mut store)[104] = 10;
    let sum = instance.get_typed_func::<(i32, i32), i32>(&mut store, "sum")?;
    assert_eq!(sum.call(&mut store, (100, 5))?, 20);
    let mut buffer = [0; 3];
    memory.read(&store, 102, &mut buffer)?;
    assert_eq!(buffer, [3, 4, 10]);
    assert!(memory.read(&store, 65535, &mut buffer).is_err());
    assert!(memory.write(&mut store, usize::MAX, &buffer).is_err());

    let grow = instance.get_typed_func::<i32, i32>(&mut store, "grow")?;
    assert_eq!(grow.call(&mut store, 2)?, 1);
    assert_eq!(grow.call(&mut store, 1)?, -1);
    assert_eq!(memory.size(&store), 3);
    assert_eq!(memory.data_size(&store), 3 * 65536);
    assert_eq!(
        memory.ty(&store).limits,
        Limits {
            min: 3,
            max: Some(3)
        }
    );
    assert!(memory.grow(&mut store, 1).is_err());
    Ok(())
}

#[test]
fn memory64_addresses_and_growth() -> anyhow::Result<()> {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (memory (export "memory") i64 1)
             (func (export "store") (param i64 i64) (i64.store offset=8 (local.get 0) (local.get 1)))
             (func (export "load") (param i64) (result i64) (i64.load offset=8 (local.get 0)))
             (func (export "size") (result i64) (memory.size))
             (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0))))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;
    let store_fn = instance.get_typed_func::<(i64, i64), ()>(&mut store, "store")?;
    let load = instance.get_typed_func::<i64, i64>(&mut store, "load")?;
    let grow = instance.get_typed_func::<i64, i64>(&mut store, "grow")?;
    let size = instance.get_typed_func::<(), i64>(&mut store, "size")?;
    store_fn.call(&mut store, (65536 - 16, -5))?;
    assert_eq!(load.call(&mut store, 65536 - 16)?, -5);
    assert_eq!(
        load.call(&mut store, 65536 - 15).unwrap_err().trap_code(),
        Some(TrapCode::MemoryOutOfBounds)
    );
    // Addresses beyond 4 GiB and near 2^64 must not wrap around.
    assert_eq!(
        load.call(&mut store, 1 << 32).unwrap_err().trap_code(),
        Some(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(
        load.call(&mut store, -8).unwrap_err().trap_code(),
        Some(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(grow.call(&mut store, 1)?, 1);
    assert_eq!(size.call(&mut store, ())?, 2);
    assert_eq!(grow.call(&mut store, 1 << 40)?, -1);
    assert_eq!(grow.call(&mut store, -1)?, -1);
    Ok(())
}

#[test]
fn memory64_growth_limit_is_configurable() -> anyhow::Result<()> {
    let mut config = Config::new();
    config.max_memory64_pages(4);
    let engine = Engine::new(&config)?;
    let mut store = Store::new(&engine, ());
    let ty = MemoryType {
        limits: Limits { min: 1, max: None },
        memory64: true,
        shared: false,
        page_size_log2: 16,
    };
    let memory = Memory::new(&mut store, ty)?;
    assert_eq!(memory.grow(&mut store, 3)?, 1);
    assert!(memory.grow(&mut store, 1).is_err());
    let too_big = MemoryType {
        limits: Limits { min: 5, max: None },
        ..ty
    };
    assert!(Memory::new(&mut store, too_big).is_err());
    Ok(())
}

#[test]
fn multiple_memories_are_independent() -> anyhow::Result<()> {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
             (memory $a 1) (memory $b 2)
             (data (memory $a) (i32.const 0) "abcd")
             (func (export "copy") (memory.copy $b $a (i32.const 65536) (i32.const 1) (i32.const 3)))
             (func (export "read_b") (param i32) (result i32) (i32.load8_u $b (local.get 0)))
             (func (export "sizes") (result i32 i32) (memory.size $a) (memory.size $b))
             (func (export "fill_a") (param i32) (memory.fill $a (local.get 0) (i32.const 0x7a) (i32.const 2))))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;
    instance
        .get_typed_func::<(), ()>(&mut store, "copy")?
        .call(&mut store, ())?;
    let read_b = instance.get_typed_func::<i32, i32>(&mut store, "read_b")?;
    assert_eq!(read_b.call(&mut store, 65536)?, i32::from(b'b'));
    assert_eq!(read_b.call(&mut store, 65538)?, i32::from(b'd'));
    assert_eq!(read_b.call(&mut store, 0)?, 0);
    assert_eq!(
        instance
            .get_typed_func::<(), (i32, i32)>(&mut store, "sizes")?
            .call(&mut store, ())?,
        (1, 2)
    );
    let fill_a = instance.get_typed_func::<i32, ()>(&mut store, "fill_a")?;
    assert_eq!(
        fill_a.call(&mut store, 65535).unwrap_err().trap_code(),
        Some(TrapCode::MemoryOutOfBounds)
    );
    Ok(())
}

#[test]
fn bulk_operations_check_bounds_before_writing() -> anyhow::Result<()> {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (memory (export "memory") 1)
             (data $d "xyz")
             (func (export "init") (param i32 i32 i32) (memory.init $d (local.get 0) (local.get 1) (local.get 2)))
             (func (export "drop") (data.drop $d))
             (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2))))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;
    let memory = instance.get_memory(&store, "memory").expect("memory");
    let init = instance.get_typed_func::<(i32, i32, i32), ()>(&mut store, "init")?;
    init.call(&mut store, (10, 0, 3))?;
    assert_eq!(&memory.data(&store)[10..13], b"xyz");
    assert!(init.call(&mut store, (65534, 0, 3)).is_err());
    assert_eq!(&memory.data(&store)[65534..], &[0, 0]);
    // Overlapping copy behaves like memmove.
    let copy = instance.get_typed_func::<(i32, i32, i32), ()>(&mut store, "copy")?;
    copy.call(&mut store, (11, 10, 3))?;
    assert_eq!(&memory.data(&store)[10..14], b"xxyz");
    instance
        .get_typed_func::<(), ()>(&mut store, "drop")?
        .call(&mut store, ())?;
    init.call(&mut store, (0, 0, 0))?;
    assert!(init.call(&mut store, (0, 0, 1)).is_err());
    Ok(())
}

#[test]
fn large_memories_are_zeroed_lazily() -> anyhow::Result<()> {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (memory (export "memory") 16384)
             (func (export "poke") (param i32) (result i32)
               (i32.store8 (local.get 0) (i32.const 7))
               (i32.add (i32.load8_u (local.get 0)) (i32.load8_u (i32.const 12345)))))"#,
    )?;
    let started = std::time::Instant::now();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[])?;
    let poke = instance.get_typed_func::<i32, i32>(&mut store, "poke")?;
    assert_eq!(poke.call(&mut store, (1 << 30) - 1)?, 7);
    let memory = instance.get_memory(&store, "memory").expect("memory");
    for _ in 0..64 {
        memory.grow(&mut store, 1)?;
    }
    assert_eq!(memory.data(&store)[(1 << 30) - 1], 7);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    Ok(())
}
