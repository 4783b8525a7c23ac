#!/usr/bin/env python3
"""Runs the WASI test programs of tests/wasi/ under wasmtime and under
`zwasm run`, and compares what each run leaves behind.

wasmtime is the `wasmtime` PyPI package (its wheel bundles wasmtime's C
library with WASI preview 1; `tests/wasi/compare.sh` installs it). Each
case runs twice, on two fresh copies of its fixture directory tree, with the
same argv, environment, preopens and stdin:

  * wasmtime: `python3 compare.py --wasmtime-child SPEC`, a child process
    that instantiates the program through wasmtime-py's Linker/WasiConfig
    with the real stdio, and exits as the `wasmtime run` CLI would;
  * zwasm: `zwasm run --dir HOST::GUEST --env K=V PROGRAM ARGS...`.

Compared: stdout (byte for byte after the masks below), the exit status and
the resulting directory tree (type, permission bits, size, content hash and
link count of files; symlink targets). For `guest_errors`, whose calls end
the run with an error in both (exit status 1), also the error's message:
the first line after "Caused by:" in stderr, without wasmtime's "0: ".

stdout is a pseudo-terminal for both runs, so wasi-libc line-buffers it (as
for a person at a terminal) and a run that ends early, e.g. on a trap, still
shows every line printed before; a pipe would lose the unflushed buffer.

Masks (values that legitimately differ between two runs or two hosts):
  * timestamps of the resulting tree are not compared: they are the time of
    each run (the programs print the times they set themselves);
  * the programs print clock readings and random bytes only as facts
    ("realtime after 2020: 1", "random bytes nonzero: yes"), so no mask is
    needed for those;
  * symlink targets are compared with each run's own temporary root
    replaced by `$ROOT` (the sandbox fixture has an absolute host symlink);
  * `dirs` only: the entries of each `fd_readdir` listing are compared as a
    set, in name order, without their `next=` cookies, and the
    "(buffer of N too small, growing)" and "listed in N calls" lines are
    dropped: wasmtime returns entries in the host filesystem's hash order
    (so where the 200-byte name falls, and how often the buffer must grow,
    changes from directory to directory), zwasm sorts them by name.

Known differences are listed per case (KNOWN_*) with their cause; they are
reported, and only other differences fail the comparison. Where fdio parts
from wasmtime early (a deliberate difference changes everything after),
compare_io.c repeats its remaining checks without the differing calls.

Exit status: 0 when every case matched or differed only in known ways,
1 otherwise, 2 on a usage or setup error.
"""

from __future__ import annotations

import argparse
import errno
import hashlib
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
import tty
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
TIMEOUT_S = 300

# --------------------------------------------------------------------------
# Fixtures: each builds a tree under `tmp` and returns the preopens as
# (host path, guest name) pairs. The whole of `tmp` is compared afterwards.


def empty_dir(guest: str) -> Callable[[Path], list[tuple[Path, str]]]:
    def build(tmp: Path) -> list[tuple[Path, str]]:
        root = tmp / "root"
        root.mkdir()
        return [(root, guest)]

    return build


def sandbox_tree(guest: str, with_etc: bool = False) -> Callable[[Path], list[tuple[Path, str]]]:
    """The layout sandbox.c expects (see its header comment)."""

    def build(tmp: Path) -> list[tuple[Path, str]]:
        root, outside = tmp / "root", tmp / "outside"
        (root / "sub").mkdir(parents=True)
        outside.mkdir()
        (outside / "secret.txt").write_text("secret")
        os.symlink(outside / "secret.txt", root / "host_abs")
        os.symlink("../outside/secret.txt", root / "host_rel")
        if with_etc:
            (root / "etc").mkdir()
            (root / "etc" / "passwd").write_text("guest passwd")
        return [(root, guest)]

    return build


def no_dirs(tmp: Path) -> list[tuple[Path, str]]:
    return []


# --------------------------------------------------------------------------
# Known differences. Each is (zwasm line, wasmtime line, cause); a line of
# None means "absent on that side".

KNOWN_CPUTIME = "the CPU-time clocks work in zwasm; wasmtime returns EBADF (deliberate, crates/wasi docs)"
KNOWN_ALLOCATE = "fd_allocate allocates in zwasm; wasmtime returns ENOTSUP (deliberate, crates/wasi docs)"
KNOWN_POLL_NBYTES = ("a file's fd_read event reports the bytes left in zwasm; wasmtime computes them "
                     "but reports 1 (deliberate, crates/wasi docs)")
KNOWN_IOVECS = ("zwasm writes all iovecs, wasmtime only the first non-empty one, so the file "
                "and every later offset differ (deliberate, crates/wasi docs)")


@dataclass
class Case:
    name: str
    program: str
    args: list[str] = field(default_factory=list)
    env: list[tuple[str, str]] = field(default_factory=list)
    fixture: Callable[[Path], list[tuple[Path, str]]] = no_dirs
    stdin: Optional[bytes] = None
    # Line-for-line differences that are expected, with their cause.
    known_lines: list[tuple[Optional[str], Optional[str], str]] = field(default_factory=list)
    # (prefix, cause): the runs are compared only up to zwasm's first line
    # starting with `prefix`, where they part for a known cause (a
    # deliberate difference changes everything after). The exit codes and
    # trees are then reported, not compared.
    compared_until: Optional[tuple[str, str]] = None
    mask: Optional[Callable[[str], str]] = None
    # Compare the error message of a run that ends with one (see the docs).
    error_message: bool = False


def readdir_mask(text: str) -> str:
    """`dirs`: fd_readdir listings compared as sets (see the module docs)."""
    out: list[str] = []
    block: list[str] = []

    def flush() -> None:
        out.extend(sorted(block))
        block.clear()

    for line in text.splitlines(keepends=True):
        m = re.match(r'  entry "(.*)" type=(\d+) next=\d+\n?$', line)
        if m:
            block.append(f'  entry "{m.group(1)}" type={m.group(2)}\n')
            continue
        if re.match(r"  \(buffer of \d+ too small, growing\)$", line.rstrip("\n")):
            continue
        if re.match(r"  listed in \d+ calls$", line.rstrip("\n")):
            flush()
            continue
        flush()
        out.append(line)
    flush()
    return "".join(out)


CASES: list[Case] = [
    Case(
        "args_env",
        "args_env",
        args=["one", "two words"],
        env=[("HOME", "/home/guest"), ("A", "1=2")],
    ),
    Case("args_env (no environment)", "args_env"),
    *[Case(f"exit {' '.join(a)}".rstrip(), "exit", args=a) for a in
      (["0"], ["1"], ["42"], ["125"], ["return", "7"], ["126"], ["trap"], [])],
    Case("fdio", "fdio", fixture=empty_dir("/sandbox"),
         compared_until=("fd_write 3 iovecs", KNOWN_IOVECS)),
    Case("clocks", "clocks", fixture=empty_dir("."),
         known_lines=[
             ("clock process_cputime: res_get=SUCCESS res>0=1 time_get=SUCCESS",
              "clock process_cputime: res_get=BADF res>0=0 time_get=BADF", KNOWN_CPUTIME),
             ("clock thread_cputime: res_get=SUCCESS res>0=1 time_get=SUCCESS",
              "clock thread_cputime: res_get=BADF res>0=0 time_get=BADF", KNOWN_CPUTIME),
             ("process cputime advances: SUCCESS 1", "process cputime advances: BADF 0",
              KNOWN_CPUTIME),
             ("  n=1 userdata=20 type=1 nbytes=6 hangup=0", "  n=1 userdata=20 type=1 nbytes=1 hangup=0",
              KNOWN_POLL_NBYTES),
         ]),
    Case("compare_io", "compare_io", fixture=empty_dir(".")),
    Case("stdin", "stdin", stdin=b"hello\nwasi\n"),
    Case("dirs", "dirs", fixture=empty_dir("."), mask=readdir_mask),
    Case("walk", "walk", fixture=empty_dir(".")),
    Case("sandbox", "sandbox", env=[("VISIBLE", "1")], fixture=sandbox_tree(".")),
    Case("sandbox (root preopen)", "sandbox", fixture=sandbox_tree("/", with_etc=True)),
    Case("sockets (none handed in)", "sockets"),
    Case("bigout 1 MiB", "bigout", args=["1"]),
    *[Case(f"guest_errors {probe}", "guest_errors", args=[probe], error_message=True) for probe in (
        "clock_id", "clock_res_id", "whence", "whence_wide", "advice", "fdflags", "lookupflags",
        "rights", "args_get", "clock_result", "misaligned_result", "iovec", "buffer",
        "fdstat_result", "random", "poll", "badf_before_result", "zero_length")],
]

# --------------------------------------------------------------------------
# Running.


@dataclass
class Outcome:
    stdout: str
    stderr: str
    code: int
    tree: list[str]


def run_on_pty(cmd: list[str], stdin: Optional[bytes], tmp: Path) -> tuple[bytes, bytes, int]:
    """Runs `cmd` with stdout on a pseudo-terminal (raw mode: no newline
    translation) and stderr to a file; returns both and the exit code."""
    master, slave = pty.openpty()
    tty.setraw(slave)
    stdin_path = tmp / "stdin"
    stdin_path.write_bytes(stdin or b"")
    err_path = tmp / "stderr"
    with open(stdin_path, "rb") as fin, open(err_path, "wb") as ferr:
        proc = subprocess.Popen(cmd, stdin=fin, stdout=slave, stderr=ferr, close_fds=True)
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + TIMEOUT_S
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                proc.kill()
                raise RuntimeError(f"timed out after {TIMEOUT_S}s: {' '.join(cmd)}")
            ready, _, _ = select.select([master], [], [], min(left, 1.0))
            if not ready:
                if proc.poll() is not None and not chunks_pending(master):
                    break
                continue
            try:
                data = os.read(master, 1 << 16)
            except OSError as e:
                if e.errno == errno.EIO:  # every writer has closed the slave
                    break
                raise
            if not data:
                break
            chunks.append(data)
        code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        os.close(master)
    return b"".join(chunks), err_path.read_bytes(), code


def chunks_pending(fd: int) -> bool:
    ready, _, _ = select.select([fd], [], [], 0)
    return bool(ready)


def tree_listing(tmp: Path) -> list[str]:
    lines = []
    for dirpath, dirnames, filenames in os.walk(tmp, followlinks=False):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(tmp)
            if rel.parts[0] in ("stdin", "stderr"):
                continue
            st = path.lstat()
            perm = oct(st.st_mode & 0o7777)
            if path.is_symlink():
                target = os.readlink(path).replace(str(tmp), "$ROOT")
                lines.append(f"{rel} -> {target}")
            elif path.is_dir():
                lines.append(f"{rel}/ {perm}")
            else:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
                lines.append(f"{rel} {perm} size={st.st_size} nlink={st.st_nlink} sha256={digest}")
    return lines


def run_case(case: Case, runtime: str, zwasm: Path) -> Outcome:
    with tempfile.TemporaryDirectory(prefix=f"zwasm-compare-{runtime}-") as tmp_name:
        tmp = Path(tmp_name)
        preopens = case.fixture(tmp)
        program = HERE / f"{case.program}.wasm"
        if runtime == "zwasm":
            cmd = [str(zwasm), "run"]
            for host, guest in preopens:
                cmd += ["--dir", f"{host}::{guest}"]
            for key, value in case.env:
                cmd += ["--env", f"{key}={value}"]
            cmd += [str(program), *case.args]
        else:
            spec = {
                "program": str(program),
                "argv": [program.name, *case.args],
                "env": case.env,
                "preopens": [[str(h), g] for h, g in preopens],
            }
            cmd = [sys.executable, str(Path(__file__).resolve()), "--wasmtime-child", json.dumps(spec)]
        out, err, code = run_on_pty(cmd, case.stdin, tmp)
        return Outcome(
            out.decode("utf-8", "replace"),
            err.decode("utf-8", "replace"),
            code,
            tree_listing(tmp),
        )


def wasmtime_child(spec_json: str) -> int:
    """Runs one program under wasmtime-py with the process's own stdio and
    returns the exit code `wasmtime run` would: the proc_exit status, 134
    for a trap, 1 for any other error."""
    import wasmtime

    spec = json.loads(spec_json)
    engine = wasmtime.Engine()
    module = wasmtime.Module.from_file(engine, spec["program"])
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    store = wasmtime.Store(engine)
    config = wasmtime.WasiConfig()
    config.argv = spec["argv"]
    config.env = [tuple(kv) for kv in spec["env"]]
    for host, guest in spec["preopens"]:
        config.preopen_dir(host, guest)
    config.inherit_stdin()
    config.inherit_stdout()
    config.inherit_stderr()
    store.set_wasi(config)
    try:
        instance = linker.instantiate(store, module)
        instance.exports(store)["_start"](store)
    except wasmtime.ExitTrap as e:
        return e.code
    except wasmtime.Trap as e:
        print(f"Error: {e}", file=sys.stderr)
        return 134
    except wasmtime.WasmtimeError as e:
        print(f"Error: {e}", file=sys.stderr)
        return 1
    return 0


# --------------------------------------------------------------------------
# Comparing.


def error_cause(stderr: str) -> Optional[str]:
    """The first line after "Caused by:", without wasmtime's "0: " numbering
    (the lines before it differ: wasmtime prints a wasm backtrace there)."""
    lines = [line.strip() for line in stderr.splitlines()]
    if "Caused by:" not in lines:
        return None
    rest = [line for line in lines[lines.index("Caused by:") + 1:] if line]
    return re.sub(r"^0: ", "", rest[0]) if rest else None


def compare(case: Case, z: Outcome, w: Outcome) -> tuple[bool, list[str]]:
    """Returns (acceptable, notes): notes name every difference, known or not."""
    notes: list[str] = []
    ok = True
    zout, wout = z.stdout, w.stdout
    if case.mask:
        zout, wout = case.mask(zout), case.mask(wout)
        if z.stdout != w.stdout and zout == wout:
            notes.append(f"known: equal only after the mask ({case.mask.__doc__})")
    zlines, wlines = zout.splitlines(), wout.splitlines()

    parted = False
    if case.compared_until:
        prefix, cause = case.compared_until
        stop = next((i for i, line in enumerate(zlines) if line.startswith(prefix)), None)
        if stop is None:
            return False, [f"DIFF: zwasm printed no line starting with {prefix!r}"]
        parted = True
        later = len(zlines) - stop
        notes.append(f"known: compared up to `{prefix}` (line {stop + 1}), where the runs part: "
                     f"{cause}; {later} later zwasm line(s), "
                     f"{max(0, len(wlines) - stop)} wasmtime line(s) not compared")
        zlines, wlines = zlines[:stop], wlines[:stop]

    known = {(zl, wl): cause for zl, wl, cause in case.known_lines}
    for i in range(max(len(zlines), len(wlines))):
        zl = zlines[i] if i < len(zlines) else None
        wl = wlines[i] if i < len(wlines) else None
        if zl == wl:
            continue
        if (zl, wl) in known:
            notes.append(f"known: line {i + 1}: zwasm {zl!r}, wasmtime {wl!r} ({known[(zl, wl)]})")
            continue
        ok = False
        notes.append(f"DIFF line {i + 1}: zwasm {zl!r} / wasmtime {wl!r}")
        if sum(1 for n in notes if n.startswith("DIFF")) >= 8:
            notes.append("(further differences not shown)")
            break

    if case.error_message and error_cause(z.stderr) != error_cause(w.stderr):
        ok = False
        notes.append(f"DIFF error: zwasm {error_cause(z.stderr)!r}, "
                     f"wasmtime {error_cause(w.stderr)!r}")

    if w.code != z.code:
        if parted:
            notes.append(f"known: exit code zwasm {z.code}, wasmtime {w.code}")
        else:
            ok = False
            notes.append(f"DIFF exit code: zwasm {z.code}, wasmtime {w.code}")

    if z.tree != w.tree:
        zset, wset = set(z.tree), set(w.tree)
        only_z = [t for t in z.tree if t not in wset]
        only_w = [t for t in w.tree if t not in zset]
        if parted:
            notes.append(f"known: trees differ (zwasm only: {only_z}, wasmtime only: {only_w})")
        else:
            ok = False
            notes.append(f"DIFF tree: zwasm only {only_z}, wasmtime only {only_w}")
    return ok, notes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--zwasm", type=Path, default=REPO / "target/release/zwasm",
                        help="the zwasm binary (default: target/release/zwasm)")
    parser.add_argument("--wasmtime-child", metavar="SPEC", help=argparse.SUPPRESS)
    parser.add_argument("--verbose", "-v", action="store_true", help="print stdout of differing runs")
    parser.add_argument("cases", nargs="*", help="run only cases whose name starts with one of these")
    opts = parser.parse_args()
    if opts.wasmtime_child:
        return wasmtime_child(opts.wasmtime_child)

    try:
        import wasmtime  # noqa: F401
    except ImportError:
        print("error: the wasmtime Python package is missing (pip install wasmtime)", file=sys.stderr)
        return 2
    if not opts.zwasm.is_file():
        print(f"error: no zwasm binary at {opts.zwasm} (cargo build --release -p zwasm-cli)",
              file=sys.stderr)
        return 2
    from importlib.metadata import version

    print(f"wasmtime (PyPI) {version('wasmtime')} vs {opts.zwasm}")
    cases = [c for c in CASES if not opts.cases or any(c.name.startswith(p) for p in opts.cases)]
    passed = failed = 0
    for case in cases:
        z = run_case(case, "zwasm", opts.zwasm)
        w = run_case(case, "wasmtime", opts.zwasm)
        ok, notes = compare(case, z, w)
        status = "match" if ok and not notes else "match, with known differences" if ok else "DIFFERENT"
        print(f"{case.name}: {status} (exit {z.code}, {len(z.stdout.splitlines())} lines, "
              f"{len(z.tree)} tree entries)")
        for note in notes:
            print(f"    {note}")
        if not ok and opts.verbose:
            for label, o in (("zwasm", z), ("wasmtime", w)):
                print(f"  --- {label} stdout ---\n{o.stdout}  --- {label} stderr ---\n{o.stderr}")
        passed += ok
        failed += not ok
    print(f"compare: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
