#!/usr/bin/env python3
"""Run a WebAssembly module on wasmtime through its PyPI wheel.

A stand-in for the wasmtime CLI (whose build takes ~30 minutes here), with
the same shape as `wasmtime run`:

    wasmtime_run.py FILE [ARGS...]                 # WASI command: _start, argv = [FILE, ARGS...]
    wasmtime_run.py --invoke NAME FILE [ARGS...]   # call an export, print its results
    wasmtime_run.py --version

Exit codes follow the CLI: the guest's proc_exit code, 134 on a trap, 1 on
other errors. Modules are compiled by Cranelift on every run (no cache), as
the CLI does by default; Python's own start-up (~tens of ms) is included in
any wall-clock time taken around this script.
"""
import sys

import wasmtime


def parse_arg(text, ty):
    kind = str(ty)
    if kind in ("i32", "i64"):
        return int(text, 0)
    if kind in ("f32", "f64"):
        return float(text)
    raise ValueError(f"cannot pass a {kind} on the command line")


def main(argv):
    if argv[:1] == ["--version"]:
        print(f"wasmtime {wasmtime.__version__ if hasattr(wasmtime, '__version__') else version()} (PyPI wheel)")
        return 0
    invoke = None
    if argv[:1] == ["--invoke"] and len(argv) >= 3:
        invoke, argv = argv[1], argv[2:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    path, args = argv[0], argv[1:]

    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    module = wasmtime.Module.from_file(engine, path)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    wasi = wasmtime.WasiConfig()
    wasi.argv = [path] + (args if invoke is None else [])
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    store.set_wasi(wasi)
    try:
        instance = linker.instantiate(store, module)
        if invoke is None:
            start = instance.exports(store).get("_start")
            if start is not None:
                start(store)
            return 0
        func = instance.exports(store)[invoke]
        params = [parse_arg(a, t) for a, t in zip(args, func.type(store).params)]
        results = func(store, *params)
        if results is None:
            results = []
        elif not isinstance(results, list):
            results = [results]
        for value in results:
            print(value)
        return 0
    except wasmtime.ExitTrap as exit_trap:
        return exit_trap.code
    except wasmtime.Trap as trap:
        print(f"wasm trap: {trap}", file=sys.stderr)
        return 134


def version():
    from importlib.metadata import version as dist_version

    return dist_version("wasmtime")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
