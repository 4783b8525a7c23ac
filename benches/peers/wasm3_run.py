#!/usr/bin/env python3
"""Run a WebAssembly module on wasm3 through the `pywasm3` PyPI package.

pywasm3 has no WASI of its own, so this script provides the few WASI
preview 1 calls that command programs built with wasi-libc make when they
only compute and print: arguments, stdout/stderr writes, fd_fdstat_get,
fd_seek/fd_close (which fail with EBADF/ESPIPE, as for a pipe), the
environment (empty), clocks, random_get and proc_exit. Host calls are rare
in the benchmarks (output only), so their Python cost does not matter.

    wasm3_run.py FILE [ARGS...]                 # WASI command: _start, argv = [FILE, ARGS...]
    wasm3_run.py --invoke NAME FILE [ARGS...]   # call an export, print its results
    wasm3_run.py --version

Exit codes: the guest's proc_exit code, 134 on a trap, 1 on other errors.
"""
import os
import struct
import sys
import time

import wasm3

WASI = "wasi_snapshot_preview1"
ESUCCESS, EBADF, EINVAL, ENOSYS, ESPIPE = 0, 8, 28, 52, 70
STACK_BYTES = 8 << 20


class ProcExit(Exception):
    def __init__(self, code):
        super().__init__(f"proc_exit({code})")
        self.code = code


class Wasi:
    def __init__(self, runtime, argv):
        self.runtime = runtime
        self.argv = [a.encode() + b"\0" for a in argv]
        self.exit_code = None
        # Address of wasi-libc's stdout buffer: the first iovec of its writes.
        self.stdout_buffer = None

    def mem(self):
        # Fetched on every call: memory.grow may have moved the buffer.
        return self.runtime.get_memory(0)

    def put_u32(self, addr, value):
        struct.pack_into("<I", self.mem(), addr, value & 0xFFFFFFFF)

    def args_sizes_get(self, argc_ptr, size_ptr):
        self.put_u32(argc_ptr, len(self.argv))
        self.put_u32(size_ptr, sum(len(a) for a in self.argv))
        return ESUCCESS

    def args_get(self, argv_ptr, buf_ptr):
        mem = self.mem()
        for i, arg in enumerate(self.argv):
            struct.pack_into("<I", mem, argv_ptr + 4 * i, buf_ptr)
            mem[buf_ptr : buf_ptr + len(arg)] = arg
            buf_ptr += len(arg)
        return ESUCCESS

    def environ_sizes_get(self, count_ptr, size_ptr):
        self.put_u32(count_ptr, 0)
        self.put_u32(size_ptr, 0)
        return ESUCCESS

    def environ_get(self, _environ_ptr, _buf_ptr):
        return ESUCCESS

    def fd_write(self, fd, iovs, iovs_len, nwritten_ptr):
        if fd not in (1, 2):
            return EBADF
        mem = self.mem()
        data = bytearray()
        for i in range(iovs_len):
            base, length = struct.unpack_from("<II", mem, iovs + 8 * i)
            data += mem[base : base + length]
            if fd == 1 and i == 0 and iovs_len == 2 and self.stdout_buffer is None:
                self.stdout_buffer = base
        stream = sys.stdout.buffer if fd == 1 else sys.stderr.buffer
        stream.write(data)
        stream.flush()
        self.put_u32(nwritten_ptr, len(data))
        return ESUCCESS

    def flush_stdout(self):
        """Writes what the guest left in wasi-libc's stdout buffer.

        Under pywasm3, wasi-libc programs stop calling fd_write after their
        first write of stdout: the rest of their output stays in the buffer
        (neither the next newline nor the flush at exit writes it), so the
        bench saw only the first line. This does that last flush: it finds
        stdout's `FILE` (musl layout as in wasi-libc, 32-bit pointers: `buf`
        and `buf_size` in a row, `wbase` 16 bytes and `wpos` 20 bytes before
        `buf`) and writes the bytes between `wbase` and `wpos`.
        """
        start = self.stdout_buffer
        if start is None:
            return
        mem = self.mem()
        for at in range(20, len(mem) - 8, 4):
            buf, size = struct.unpack_from("<II", mem, at)
            if buf != start or not 0 < size <= 1 << 20:
                continue
            wpos, wbase = struct.unpack_from("<II", mem, at - 20)
            if wbase == start and start <= wpos <= start + size:
                sys.stdout.buffer.write(bytes(mem[start:wpos]))
                sys.stdout.buffer.flush()
                struct.pack_into("<I", mem, at - 20, start)
                return

    def fd_fdstat_get(self, fd, stat_ptr):
        if fd not in (0, 1, 2):
            return EBADF
        # filetype 2 = character device, no flags, all rights.
        struct.pack_into("<BxHxxxxQQ", self.mem(), stat_ptr, 2, 0, 2**64 - 1, 2**64 - 1)
        return ESUCCESS

    def fd_seek(self, fd, _offset, _whence, _new_offset_ptr):
        return ESPIPE if fd in (0, 1, 2) else EBADF

    def fd_close(self, fd):
        return ESUCCESS if fd in (0, 1, 2) else EBADF

    def clock_time_get(self, clock_id, _precision, time_ptr):
        now = time.monotonic_ns() if clock_id == 1 else time.time_ns()
        struct.pack_into("<Q", self.mem(), time_ptr, now)
        return ESUCCESS

    def random_get(self, buf_ptr, length):
        self.mem()[buf_ptr : buf_ptr + length] = os.urandom(length)
        return ESUCCESS

    def proc_exit(self, code):
        self.exit_code = code
        raise ProcExit(code)

    SIGNATURES = {
        "args_sizes_get": "i(ii)",
        "args_get": "i(ii)",
        "environ_sizes_get": "i(ii)",
        "environ_get": "i(ii)",
        "fd_write": "i(iiii)",
        "fd_fdstat_get": "i(ii)",
        "fd_seek": "i(iIii)",
        "fd_close": "i(i)",
        "clock_time_get": "i(iIi)",
        "random_get": "i(ii)",
        "proc_exit": "v(i)",
    }

    def link(self, module):
        for name, signature in self.SIGNATURES.items():
            try:
                module.link_function(WASI, name, signature, getattr(self, name))
            except RuntimeError:
                pass  # the module does not import it


def parse_arg(text):
    try:
        return int(text, 0)
    except ValueError:
        return float(text)


def main(argv):
    if argv[:1] == ["--version"]:
        from importlib.metadata import version

        print(f"wasm3 via pywasm3 {version('pywasm3')}")
        return 0
    invoke = None
    if argv[:1] == ["--invoke"] and len(argv) >= 3:
        invoke, argv = argv[1], argv[2:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    path, args = argv[0], argv[1:]
    with open(path, "rb") as f:
        binary = f.read()

    env = wasm3.Environment()
    runtime = env.new_runtime(STACK_BYTES)
    module = env.parse_module(binary)
    runtime.load(module)
    wasi = Wasi(runtime, [path] + (args if invoke is None else []))
    wasi.link(module)
    try:
        if invoke is None:
            runtime.find_function("_start")()
            wasi.flush_stdout()
            return 0
        result = runtime.find_function(invoke)(*[parse_arg(a) for a in args])
        if result is not None:
            print(result)
        return 0
    except (RuntimeError, ProcExit) as err:
        if wasi.exit_code is not None:
            wasi.flush_stdout()
            return wasi.exit_code
        print(f"wasm trap: {err}", file=sys.stderr)
        return 134


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
