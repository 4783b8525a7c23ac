//! Guard-page bounds checks and the call-depth limit of compiled code
//! (`docs/decisions/0009-guard-pages.md`): out-of-bounds loads and stores
//! of every width trap with the same trap and backtrace in guard and
//! explicit mode (and as the interpreter reports them), growth makes new
//! pages accessible, faults that are not guard-page hits still kill the
//! process, and deep recursion in compiled code traps at about
//! `max_call_depth` frames. Runs on aarch64 hosts only (the cross lane runs
//! it under qemu).

#![cfg(all(target_arch = "aarch64", target_os = "linux"))]
// fork/waitpid and a deliberate wild write, for the crash tests.
#![allow(unsafe_code)]

use zwasm::{
    BoundsChecks, Caller, Config, Engine, EngineKind, Error, Extern, Func, Instance, Linker,
    Module, Store, TrapCode, Val,
};

/// Every load and store, each in its own function so that the backtrace
/// names it; `$nest` calls one through another frame.
const WAT: &str = r#"(module
  (memory (export "mem") 1 4)
  (func (export "i32.load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "i32.load8_s") (param i32) (result i32) (i32.load8_s (local.get 0)))
  (func (export "i32.load8_u") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "i32.load16_s") (param i32) (result i32) (i32.load16_s (local.get 0)))
  (func (export "i32.load16_u") (param i32) (result i32) (i32.load16_u (local.get 0)))
  (func (export "i64.load") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "i64.load8_s") (param i32) (result i64) (i64.load8_s (local.get 0)))
  (func (export "i64.load16_u") (param i32) (result i64) (i64.load16_u (local.get 0)))
  (func (export "i64.load32_s") (param i32) (result i64) (i64.load32_s (local.get 0)))
  (func (export "i64.load32_u") (param i32) (result i64) (i64.load32_u (local.get 0)))
  (func (export "f32.load") (param i32) (result f32) (f32.load (local.get 0)))
  (func (export "f64.load") (param i32) (result f64) (f64.load (local.get 0)))
  (func (export "i32.store") (param i32) (i32.store (local.get 0) (i32.const -1)))
  (func (export "i32.store8") (param i32) (i32.store8 (local.get 0) (i32.const -1)))
  (func (export "i32.store16") (param i32) (i32.store16 (local.get 0) (i32.const -1)))
  (func (export "i64.store") (param i32) (i64.store (local.get 0) (i64.const -1)))
  (func (export "i64.store8") (param i32) (i64.store8 (local.get 0) (i64.const -1)))
  (func (export "i64.store32") (param i32) (i64.store32 (local.get 0) (i64.const -1)))
  (func (export "f32.store") (param i32) (f32.store (local.get 0) (f32.const 1)))
  (func (export "f64.store") (param i32) (f64.store (local.get 0) (f64.const 1)))
  (func (export "offset") (param i32) (result i32) (i32.load offset=65535 (local.get 0)))
  (func (export "far") (param i32) (result i32) (i32.load offset=0x7fff0000 (local.get 0)))
  (func $nest (export "nest") (param i32) (result i64)
    (i64.add (i64.const 1) (i64.load (local.get 0))))
  (func (export "outer") (param i32) (result i64) (call $nest (local.get 0)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func $rec (export "rec") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $rec (i32.sub (local.get 0) (i32.const 1))))))))"#;

/// (export, access width in bytes, parameters besides the address).
const ACCESSES: &[(&str, u32)] = &[
    ("i32.load", 4),
    ("i32.load8_s", 1),
    ("i32.load8_u", 1),
    ("i32.load16_s", 2),
    ("i32.load16_u", 2),
    ("i64.load", 8),
    ("i64.load8_s", 1),
    ("i64.load16_u", 2),
    ("i64.load32_s", 4),
    ("i64.load32_u", 4),
    ("f32.load", 4),
    ("f64.load", 8),
    ("i32.store", 4),
    ("i32.store8", 1),
    ("i32.store16", 2),
    ("i64.store", 8),
    ("i64.store8", 1),
    ("i64.store32", 4),
    ("f32.store", 4),
    ("f64.store", 8),
];

fn engine(kind: EngineKind, mode: BoundsChecks, depth: Option<usize>) -> Engine {
    let mut config = Config::new();
    config.engine(kind).bounds_checks(mode);
    if let Some(depth) = depth {
        config.max_call_depth(depth);
    }
    Engine::new(&config).expect("engine")
}

struct Run {
    store: Store<()>,
    instance: Instance,
}

impl Run {
    fn new(engine: &Engine) -> Run {
        let module = Module::new(engine, WAT).expect("module");
        let mut store = Store::new(engine, ());
        let instance = Instance::new(&mut store, &module, &[]).expect("instance");
        Run { store, instance }
    }

    fn call(&mut self, name: &str, args: &[Val]) -> Result<Vec<Val>, Error> {
        let func: Func = self
            .instance
            .get_func(&mut self.store, name)
            .expect("export");
        let ty = func.ty(&self.store);
        let mut results: Vec<Val> = ty.results.iter().map(|_| Val::I32(0)).collect();
        func.call(&mut self.store, args, &mut results)?;
        Ok(results)
    }

    /// The trap of a call, as (code, frames as (function, offset)).
    fn trap(&mut self, name: &str, args: &[Val]) -> (TrapCode, Vec<(u32, Option<usize>)>) {
        let error = self.call(name, args).expect_err(name);
        let trap = error.as_trap().unwrap_or_else(|| panic!("{name}: {error}"));
        let frames = trap
            .backtrace()
            .frames()
            .iter()
            .map(|frame| (frame.func_index(), frame.module_offset()))
            .collect();
        (trap.code(), frames)
    }
}

#[test]
fn guard_mode_is_the_default_for_compiled_code() {
    let mut config = Config::new();
    config.engine(EngineKind::Jit);
    if std::env::var_os(zwasm::BOUNDS_CHECKS_ENV).is_none() {
        assert_eq!(
            Engine::new(&config).expect("engine").bounds_checks(),
            BoundsChecks::Guard
        );
    }
    config.bounds_checks(BoundsChecks::Explicit);
    assert_eq!(
        Engine::new(&config).expect("engine").bounds_checks(),
        BoundsChecks::Explicit
    );
    // The interpreters never need guard pages.
    config
        .engine(EngineKind::Interp)
        .bounds_checks(BoundsChecks::Guard);
    assert_eq!(
        Engine::new(&config).expect("engine").bounds_checks(),
        BoundsChecks::Explicit
    );
}

#[test]
fn out_of_bounds_accesses_of_every_width_trap_alike() {
    let guard_engine = engine(EngineKind::Jit, BoundsChecks::Guard, None);
    assert_eq!(guard_engine.bounds_checks(), BoundsChecks::Guard);
    let mut guard = Run::new(&guard_engine);
    let mut explicit = Run::new(&engine(EngineKind::Jit, BoundsChecks::Explicit, None));
    let mut interp = Run::new(&engine(EngineKind::Interp, BoundsChecks::Explicit, None));
    for &(name, width) in ACCESSES {
        // The last in-bounds address works.
        let last = 65536 - width as i32;
        guard.call(name, &[Val::I32(last)]).expect(name);
        // One byte further, far beyond, and at the top of the 32-bit range
        // (the access straddles the 4 GiB boundary into the guard region).
        for address in [last + 1, 65536, 0x7fff_ffff, -1, -(width as i32)] {
            let expected = interp.trap(name, &[Val::I32(address)]);
            assert_eq!(expected.0, TrapCode::MemoryOutOfBounds, "{name} {address}");
            assert_eq!(
                guard.trap(name, &[Val::I32(address)]),
                expected,
                "{name} at {address} in guard mode"
            );
            assert_eq!(
                explicit.trap(name, &[Val::I32(address)]),
                expected,
                "{name} at {address} in explicit mode"
            );
        }
    }
    for (name, address) in [
        ("offset", 1),
        ("far", 0x10000),
        ("far", -1),
        ("outer", 65530),
    ] {
        let expected = interp.trap(name, &[Val::I32(address)]);
        assert_eq!(guard.trap(name, &[Val::I32(address)]), expected, "{name}");
        assert_eq!(
            explicit.trap(name, &[Val::I32(address)]),
            expected,
            "{name}"
        );
    }
    // A trap deep in a call chain names both frames.
    assert_eq!(guard.trap("outer", &[Val::I32(65536)]).1.len(), 2);
    // The store is usable after every trap.
    assert_eq!(
        guard.call("outer", &[Val::I32(0)]).expect("outer")[0].i64(),
        Some(1)
    );
}

#[test]
fn grown_pages_are_accessible_in_guard_mode() {
    for kind in [EngineKind::Jit, EngineKind::Auto] {
        let mut run = Run::new(&engine(kind, BoundsChecks::Guard, None));
        let at = Val::I32(65536);
        assert_eq!(run.trap("i64.store", &[at]).0, TrapCode::MemoryOutOfBounds);
        assert_eq!(
            run.call("grow", &[Val::I32(1)]).expect("grow")[0].i32(),
            Some(1)
        );
        assert_eq!(run.call("i64.load", &[at]).expect("load")[0].i64(), Some(0));
        run.call("i64.store", &[at]).expect("store");
        assert_eq!(
            run.call("i64.load", &[at]).expect("load")[0].i64(),
            Some(-1)
        );
        assert_eq!(
            run.trap("i32.load", &[Val::I32(2 * 65536)]).0,
            TrapCode::MemoryOutOfBounds
        );
        // Past the declared maximum: -1, and the memory stays as it was.
        assert_eq!(
            run.call("grow", &[Val::I32(3)]).expect("grow")[0].i32(),
            Some(-1)
        );
        assert_eq!(run.call("size", &[]).expect("size")[0].i32(), Some(2));
        // Growth by the host is seen by compiled code too.
        let memory = run.instance.get_memory(&mut run.store, "mem").expect("mem");
        memory.grow(&mut run.store, 2).expect("host grow");
        run.call("i32.store", &[Val::I32(4 * 65536 - 4)])
            .expect("store in host-grown page");
        assert_eq!(memory.data(&run.store)[4 * 65536 - 1], 0xff);
    }
}

#[test]
fn deep_recursion_in_compiled_code_hits_the_configured_depth() {
    for mode in [BoundsChecks::Guard, BoundsChecks::Explicit] {
        let mut run = Run::new(&engine(EngineKind::Jit, mode, Some(1_000)));
        assert_eq!(
            run.call("rec", &[Val::I32(100)]).expect("rec")[0].i32(),
            Some(100)
        );
        let error = run.call("rec", &[Val::I32(100_000)]).unwrap_err();
        assert_eq!(error.trap_code(), Some(TrapCode::StackOverflow));
        assert!(
            error.to_string().contains("call stack exhausted"),
            "{error}"
        );
        // 100 000 frames fit the default limit (and the 2 MiB test thread
        // would not hold them at full frame size without the limit being
        // what traps first).
        let mut run = Run::new(&engine(EngineKind::Jit, mode, None));
        assert_eq!(
            run.call("rec", &[Val::I32(10_000)]).expect("rec")[0].i32(),
            Some(10_000)
        );
        assert_eq!(
            run.call("rec", &[Val::I32(50_000_000)])
                .unwrap_err()
                .trap_code(),
            Some(TrapCode::StackOverflow)
        );
    }
}

const REENTRY: &str = r#"(module
  (import "env" "host" (func $host (param i32) (result i32)))
  (memory 1)
  (func $rec (export "rec") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.load (i32.const 70000)))
      (else (i32.add (i32.const 1) (call $rec (i32.sub (local.get 0) (i32.const 1)))))))
  (func (export "via_host") (param i32) (result i32)
    (call $host (local.get 0))))"#;

#[test]
fn host_reentry_keeps_limits_and_guard_traps() {
    let engine = engine(EngineKind::Jit, BoundsChecks::Guard, Some(2_000));
    let module = Module::new(&engine, REENTRY).expect("module");
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "env",
            "host",
            |mut caller: Caller<'_, ()>, depth: i32| -> Result<i32, Error> {
                // compiled code → host → compiled code
                let rec = caller
                    .get_export("rec")
                    .and_then(Extern::into_func)
                    .ok_or_else(|| Error::Type("no rec".into()))?;
                rec.typed::<i32, i32>(&caller)?.call(&mut caller, depth)
            },
        )
        .expect("define");
    let instance = linker.instantiate(&mut store, &module).expect("instance");
    let via_host = instance
        .get_typed_func::<i32, i32>(&mut store, "via_host")
        .expect("via_host");
    // The guard-page fault of the inner activation unwinds to it and the
    // trap crosses the host function.
    let error = via_host.call(&mut store, 10).unwrap_err();
    assert_eq!(error.trap_code(), Some(TrapCode::MemoryOutOfBounds));
    let error = via_host.call(&mut store, 1_000_000).unwrap_err();
    assert_eq!(error.trap_code(), Some(TrapCode::StackOverflow));
    // Still works afterwards.
    let rec = instance
        .get_typed_func::<i32, i32>(&mut store, "rec")
        .expect("rec");
    assert_eq!(
        rec.call(&mut store, 5).unwrap_err().trap_code(),
        Some(TrapCode::MemoryOutOfBounds)
    );
}

/// Runs `crash` in a forked child and returns the signal that killed it
/// (`None` if it exited). qemu-user cannot exec an aarch64 binary, but it
/// can fork.
fn signal_of_child(crash: impl FnOnce()) -> Option<i32> {
    // SAFETY: the child only runs `crash` and then `_exit`s; it never
    // returns into the test harness.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        // No core file in the working tree (qemu-user writes one there).
        let none = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: sets a resource limit of this (child) process only.
        unsafe { libc::setrlimit(libc::RLIMIT_CORE, &none) };
        crash();
        // SAFETY: ends the child without running the parent's destructors.
        unsafe { libc::_exit(0) };
    }
    let mut status = 0;
    // SAFETY: waits for the child forked above.
    let waited = unsafe { libc::waitpid(pid, &mut status, 0) };
    assert_eq!(waited, pid);
    libc::WIFSIGNALED(status).then(|| libc::WTERMSIG(status))
}

/// A wild write outside any wasm memory.
fn wild_write() {
    // SAFETY: deliberately invalid: the page at 16 is never mapped, so this
    // faults (the point of the test).
    unsafe { std::ptr::write_volatile(16 as *mut u8, 1) };
}

#[test]
fn faults_elsewhere_still_crash() {
    // Install the handler: a guard-mode trap first.
    let mut run = Run::new(&engine(EngineKind::Jit, BoundsChecks::Guard, None));
    assert_eq!(
        run.trap("i32.load", &[Val::I32(-1)]).0,
        TrapCode::MemoryOutOfBounds
    );
    // A fault in Rust code outside any call into compiled code.
    assert_eq!(signal_of_child(wild_write), Some(libc::SIGSEGV));
    // A fault in a host function called from compiled code: the thread is
    // inside a call, but the PC is not compiled code.
    let engine = engine(EngineKind::Jit, BoundsChecks::Guard, None);
    let module = Module::new(&engine, REENTRY).expect("module");
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "host", |_: i32| -> i32 {
            wild_write();
            0
        })
        .expect("define");
    let instance = linker.instantiate(&mut store, &module).expect("instance");
    let via_host = instance
        .get_typed_func::<i32, i32>(&mut store, "via_host")
        .expect("via_host");
    assert_eq!(
        signal_of_child(move || {
            let _ = via_host.call(&mut store, 0);
        }),
        Some(libc::SIGSEGV)
    );
}
