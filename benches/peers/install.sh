#!/usr/bin/env bash
# Installs the peer engines that `cargo xtask bench` compares zwasm with.
# The bench uses whichever of them it finds and names the missing ones.
#
#   benches/peers/install.sh                      # wasmi, wasmtime (PyPI), wasm3 (PyPI)
#   WITH_WASMTIME_CLI=1 benches/peers/install.sh  # also the native wasmtime CLI
#   WITH_C_TOOLCHAIN=1 benches/peers/install.sh   # also clang for benches/build.sh
set -euo pipefail

WASMI_VERSION=2.0.0          # needs rustc >= 1.86; builds in ~5 min on 2 cores
WASMTIME_PY_VERSION=48.0.0   # as .ci/run pins; the wheel bundles wasmtime 48's C API
PYWASM3_VERSION=0.5.0        # builds wasm3 0.5.0 from source (needs a C compiler)
WASMTIME_CLI_VERSION=48.0.8  # ~30 min to build on 2 cores, hence opt-in

cargo install wasmi_cli --version "$WASMI_VERSION" --locked
python3 -m pip install "wasmtime==$WASMTIME_PY_VERSION" "pywasm3==$PYWASM3_VERSION"

if [[ "${WITH_WASMTIME_CLI:-0}" == 1 ]]; then
    # Preferred by the bench over the wheel when on PATH: no Python start-up.
    cargo install wasmtime-cli --version "$WASMTIME_CLI_VERSION" --locked
fi

if [[ "${WITH_C_TOOLCHAIN:-0}" == 1 ]]; then
    apt-get update
    apt-get install -y clang lld wasi-libc libclang-rt-dev-wasm32
fi
