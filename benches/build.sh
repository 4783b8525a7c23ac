#!/usr/bin/env bash
# Rebuilds benches/c/*.wasm from benches/c/*.c. The .wasm files are
# committed, so this is only needed after changing a program.
#
# Needs clang, lld and the WASI sysroot from Debian:
#   apt-get install -y clang lld wasi-libc libclang-rt-dev-wasm32
# (Debian's clang finds the sysroot by itself, so no --sysroot.)
#
# The WAT kernels in benches/wat/ need no build step: `cargo xtask bench`
# assembles them in-process.
set -euo pipefail
cd "$(dirname "$0")/c"

CC=${CC:-clang}
CFLAGS=${CFLAGS:--O2}

for src in *.c; do
    out="${src%.c}.wasm"
    # Debug info is stripped, the name section kept: profiles, backtraces
    # and `cargo xtask codesize` show function names.
    # shellcheck disable=SC2086 # CFLAGS is a list of flags
    "$CC" --target=wasm32-wasi $CFLAGS -Wl,--strip-debug "$src" -o "$out" -lm
    echo "built $out ($(stat -c %s "$out") bytes)"
done
