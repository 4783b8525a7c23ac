#!/usr/bin/env bash
# Rebuilds the WASI test programs (tests/wasi/*.c -> *.wasm) with Debian's
# clang and wasi-libc. The built .wasm files are committed, so tests do not
# need this toolchain; run this after changing a .c file.
#   apt-get update && apt-get install -y clang lld wasi-libc libclang-rt-dev-wasm32
set -euo pipefail
cd "$(dirname "$0")"
for src in *.c; do
    out="${src%.c}.wasm"
    clang --target=wasm32-wasi -O2 -Wall -Werror -Wl,--strip-all "$src" -o "$out" -lm
    echo "built $out ($(stat -c %s "$out") bytes)"
done
