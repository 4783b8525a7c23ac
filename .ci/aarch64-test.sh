#!/usr/bin/env bash
# The AArch64 lane (docs/aarch64.md): cross-builds the workspace for
# aarch64-unknown-linux-gnu with Debian's rustc and runs under qemu-user:
#   1. the focused test set: zwasm's unit tests and its JIT tests (tests/jit_*.rs,
#      which include the spec suite with every invoke on the JIT) and
#      zwasm-codegen-aarch64;
#   2. the JIT tests again with QEMU_CPU=cortex-a72 (plain ARMv8.0, no LSE);
#   3. the spec suite (`xtask spec`) once per engine in $AARCH64_SPEC_ENGINES.
# Everything is built with the release profile so that the tests and xtask share
# one set of compiled dependencies; the target dir is target/aarch64, apart from
# the native one.
#
# Knobs (environment):
#   AARCH64_SPEC_ENGINES  engines for `xtask spec --engine` (default: "interp";
#                         add "jit" once EngineKind::Jit resolves on aarch64)
#   AARCH64_V80=0         skip step 2
#   AARCH64_FULL=1        run `cargo test --workspace` (debug profile) instead of 1
#   AARCH64_TARGET_DIR    cargo target dir (default: target/aarch64)
#   AARCH64_SKIP_SETUP=1  do not run .ci/aarch64-setup.sh first
set -euo pipefail
cd "$(dirname "$0")/.."

target=aarch64-unknown-linux-gnu
started=$(date +%s)
stamp() { echo "== [$(($(date +%s) - started))s] $*"; }

if [ "${AARCH64_SKIP_SETUP:-0}" != 1 ]; then
  bash .ci/aarch64-setup.sh
fi

stamp "toolchains"
echo "native (rustup): $(rustc -V)"
echo "cross (Debian):  $(/usr/bin/rustc -V)"
cargo -V
qemu-aarch64-static --version | head -n1

export RUSTC=/usr/bin/rustc
export RUSTDOC=/usr/bin/rustdoc
export CARGO_TARGET_DIR="${AARCH64_TARGET_DIR:-target/aarch64}"
# The runner, linker and +crt-static come from .cargo/config.toml.
# Never leave .snap.new files behind from a failing snapshot test.
export INSTA_UPDATE=no

engines=${AARCH64_SPEC_ENGINES-interp}
t=(--locked --target "$target")
# The crates that produce or run AArch64 code. The rest of the workspace is
# architecture-neutral and tested by the native lane; under qemu its slow
# differential/property tests would take most of an hour.
jit_tests=(-p zwasm --lib --test 'jit_*')
codegen_tests=(-p zwasm-codegen-aarch64)

stamp "cross build (focused tests + xtask, release)"
cargo test --release "${t[@]}" "${jit_tests[@]}" --no-run
cargo test --release "${t[@]}" "${codegen_tests[@]}" --no-run
cargo build --release "${t[@]}" -p xtask

if [ "${AARCH64_FULL:-0}" = 1 ]; then
  stamp "cargo test --workspace under qemu"
  cargo test "${t[@]}" --workspace
else
  stamp "tests under qemu: zwasm (lib, jit_*)"
  cargo test --release "${t[@]}" "${jit_tests[@]}"
  stamp "tests under qemu: zwasm-codegen-aarch64"
  cargo test --release "${t[@]}" "${codegen_tests[@]}"
fi

if [ "${AARCH64_V80:-1}" != 0 ]; then
  stamp "JIT tests under qemu, QEMU_CPU=cortex-a72 (ARMv8.0)"
  QEMU_CPU=cortex-a72 cargo test --release "${t[@]}" "${jit_tests[@]}"
fi

# A full `xtask spec` run rewrites docs/conformance.md (with the engine's name);
# the native lane owns that file, so put it back afterwards.
conformance_backup=$(mktemp)
cp docs/conformance.md "$conformance_backup"
restore_conformance() { cp "$conformance_backup" docs/conformance.md; rm -f "$conformance_backup"; }
trap restore_conformance EXIT

xtask=("$CARGO_TARGET_DIR/$target/release/xtask")
for engine in $engines; do
  stamp "spec suite under qemu (--engine $engine)"
  qemu-aarch64-static "${xtask[@]}" spec --engine "$engine"
done
stamp "aarch64 lane done"
