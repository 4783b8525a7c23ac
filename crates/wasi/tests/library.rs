//! The library API on hand-written modules: linking, errors that end the
//! run, and what bad guest pointers and undefined enum values do.

mod common;

use zwasm::{Engine, Linker, Module, Store};
use zwasm_wasi::{
    GuestError, GuestErrorKind, I32Exit, MissingMemoryExport, WasiCtx, WasiCtxBuilder, WritePipe,
};

fn instantiate(wat: &str, ctx: WasiCtx) -> (Store<WasiCtx>, zwasm::Instance) {
    let engine = Engine::default();
    let module = Module::new(&engine, wat).unwrap();
    let mut linker: Linker<WasiCtx> = Linker::new(&engine);
    zwasm_wasi::add_to_linker(&mut linker, |ctx| ctx).unwrap();
    let mut store = Store::new(&engine, ctx);
    let instance = linker.instantiate(&mut store, &module).unwrap();
    (store, instance)
}

#[test]
fn hello_world_through_fd_write() {
    let out = WritePipe::new_in_memory();
    let ctx = WasiCtxBuilder::new().stdout(out.clone()).build().unwrap();
    let (mut store, instance) = instantiate(
        r#"(module
          (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (data (i32.const 16) "hello\n")
          (func (export "_start") (result i32)
            (i32.store (i32.const 0) (i32.const 16))
            (i32.store (i32.const 4) (i32.const 6))
            (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))"#,
        ctx,
    );
    let start = instance
        .get_typed_func::<(), i32>(&mut store, "_start")
        .unwrap();
    assert_eq!(start.call(&mut store, ()).unwrap(), 0);
    assert_eq!(out.contents_string(), "hello\n");
}

#[test]
fn bad_pointers_and_undefined_values_end_the_call_as_in_wasmtime() {
    let out = WritePipe::new_in_memory();
    let ctx = WasiCtxBuilder::new().stdout(out.clone()).build().unwrap();
    let (mut store, instance) = instantiate(
        r#"(module
          (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_seek" (func $seek (param i32 i64 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fdstat (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (data (i32.const 16) "ok\n")
          (func (export "iovec_past_end") (result i32)
            (call $fd_write (i32.const 1) (i32.const 65532) (i32.const 1) (i32.const 0)))
          (func (export "huge_iovec_count") (result i32)
            (call $fd_write (i32.const 1) (i32.const 0) (i32.const -1) (i32.const 0)))
          (func (export "misaligned_result") (result i32)
            (call $sizes (i32.const 1) (i32.const 8)))
          (func (export "path_past_end") (result i32)
            (call $open (i32.const 3) (i32.const 0) (i32.const 65530) (i32.const 100)
                        (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0)))
          (func (export "whence_7_on_a_closed_fd") (result i32)
            (call $seek (i32.const 9) (i64.const 0) (i32.const 7) (i32.const 0)))
          (func (export "bad_result_after_an_errno") (result i32)
            (call $fdstat (i32.const 9) (i32.const -16)))
          (func (export "write_ok") (result i32)
            (i32.store (i32.const 0) (i32.const 16))
            (i32.store (i32.const 4) (i32.const 3))
            (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))"#,
        ctx,
    );
    let mut call = |name: &str| {
        instance
            .get_typed_func::<(), i32>(&mut store, name)
            .unwrap()
            .call(&mut store, ())
    };
    for (name, kind, message) in [
        (
            "iovec_past_end",
            GuestErrorKind::PtrOutOfBounds {
                start: 65536,
                len: 4,
            },
            "Pointer out of bounds: Region { start: 65536, len: 4 }",
        ),
        (
            // Only the entries up to the first outside memory are read.
            "huge_iovec_count",
            GuestErrorKind::PtrOutOfBounds {
                start: 65536,
                len: 4,
            },
            "Pointer out of bounds: Region { start: 65536, len: 4 }",
        ),
        (
            "misaligned_result",
            GuestErrorKind::PtrNotAligned {
                start: 1,
                len: 4,
                align: 4,
            },
            "In func wasi_snapshot_preview1::args_sizes_get at write size: \
             Pointer not aligned to 4: Region { start: 1, len: 4 }",
        ),
        (
            // path_open reads its path before looking at the descriptor.
            "path_past_end",
            GuestErrorKind::PtrOutOfBounds {
                start: 65530,
                len: 100,
            },
            "Pointer out of bounds: Region { start: 65530, len: 100 }",
        ),
        (
            // Enum arguments are checked before anything else.
            "whence_7_on_a_closed_fd",
            GuestErrorKind::InvalidEnumValue("Whence"),
            "In func wasi_snapshot_preview1::fd_seek at convert Whence: Invalid enum value Whence",
        ),
    ] {
        let error = call(name).unwrap_err();
        let guest = error
            .downcast_ref::<GuestError>()
            .unwrap_or_else(|| panic!("{name}: {error}"));
        assert_eq!(guest.kind(), kind, "{name}");
        assert_eq!(guest.to_string(), message, "{name}");
        assert_eq!(error.to_string(), message, "{name}");
        // A host error, not a wasm trap (as in wasmtime).
        assert!(error.as_trap().is_none(), "{name}");
    }
    // An errno wins over a result pointer the call never gets to write.
    assert_eq!(call("bad_result_after_an_errno").unwrap(), 8);
    // The context survives: stdout still works.
    assert_eq!(call("write_ok").unwrap(), 0);
    assert_eq!(out.contents_string(), "ok\n");
}

#[test]
fn proc_exit_ends_the_call_with_i32exit() {
    let ctx = WasiCtxBuilder::new().build().unwrap();
    let (mut store, instance) = instantiate(
        r#"(module
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (memory (export "memory") 1)
          (func (export "_start") (call $exit (i32.const 3)) unreachable))"#,
        ctx,
    );
    let start = instance
        .get_typed_func::<(), ()>(&mut store, "_start")
        .unwrap();
    let err = start.call(&mut store, ()).unwrap_err();
    assert_eq!(err.downcast_ref::<I32Exit>(), Some(&I32Exit(3)));
    assert_eq!(err.to_string(), "exit with code 3");
}

#[test]
fn a_module_without_memory_gets_an_error_not_a_panic() {
    let ctx = WasiCtxBuilder::new().build().unwrap();
    let (mut store, instance) = instantiate(
        r#"(module
          (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
          (func (export "_start") (drop (call $yield))))"#,
        ctx,
    );
    let start = instance
        .get_typed_func::<(), ()>(&mut store, "_start")
        .unwrap();
    let err = start.call(&mut store, ()).unwrap_err();
    assert!(err.downcast_ref::<MissingMemoryExport>().is_some(), "{err}");
}

#[test]
fn the_context_can_live_inside_embedder_state() {
    struct State {
        calls: u32,
        wasi: WasiCtx,
    }
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
          (import "wasi_snapshot_preview1" "random_get" (func $rand (param i32 i32) (result i32)))
          (memory (export "memory") 1)
          (func (export "run") (result i32) (call $rand (i32.const 0) (i32.const 32))))"#,
    )
    .unwrap();
    let mut linker: Linker<State> = Linker::new(&engine);
    zwasm_wasi::add_to_linker(&mut linker, |state: &mut State| &mut state.wasi).unwrap();
    let state = State {
        calls: 0,
        wasi: WasiCtxBuilder::new().build().unwrap(),
    };
    let mut store = Store::new(&engine, state);
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance
        .get_typed_func::<(), i32>(&mut store, "run")
        .unwrap();
    assert_eq!(run.call(&mut store, ()).unwrap(), 0);
    store.data_mut().calls += 1;
    assert_eq!(store.data().calls, 1);
}
