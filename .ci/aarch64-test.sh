#!/usr/bin/env bash
# The AArch64 lane (docs/aarch64.md): cross-builds the workspace for
# aarch64-unknown-linux-gnu with Debian's rustc and runs under qemu-user:
#   1. a JIT probe: `zwasm run --engine jit` on a one-function module;
#   2. the workspace tests (`cargo test --workspace`, release profile), with
#      the interp-vs-JIT differential test (crates/exec/tests/differential_jit.rs)
#      on the corpus and $AARCH64_DIFF_CASES wasm-smith modules;
#   3. the JIT tests again with QEMU_CPU=cortex-a72 (plain ARMv8.0, no LSE);
#   4. the spec suite (`xtask spec --engine E`) for E in jit and auto,
#      each held to xtask/spec-baseline.json exactly.
# Everything is built with the release profile so that the tests, xtask and
# the CLI share one set of compiled dependencies.
#
# What does not run under qemu is printed as NOT RUN with the reason; it is
# never counted as passed. The JIT steps need EngineKind::Jit to resolve on
# aarch64: with AARCH64_EXPECT_JIT=1 a missing JIT fails the lane; with 0 the
# JIT steps are reported as NOT RUN (and run anyway if the probe succeeds).
#
# Knobs (environment):
#   AARCH64_EXPECT_JIT    1 (default): fail when `--engine jit` does not work;
#                         0: report the JIT steps as NOT RUN instead
#   AARCH64_DIFF_CASES    wasm-smith modules for the interp-vs-JIT differential
#                         test (default 1000, about 25 s under qemu)
#   AARCH64_AUTO_ARGS     thresholds for the auto engine's spec run (default:
#                         --jit-threshold 2 --jit-loop-threshold 2)
#   AARCH64_SPEC_ENGINES  engines for `xtask spec --engine` (default: jit and
#                         auto; interp when the JIT does not work)
#   AARCH64_V80=0         skip step 3
#   AARCH64_TARGET_DIR    cargo target dir (default: target/aarch64)
#   AARCH64_SKIP_SETUP=1  do not run .ci/aarch64-setup.sh first
set -euo pipefail
cd "$(dirname "$0")/.."

target=aarch64-unknown-linux-gnu
lane_started=$(date +%s)
stage_name=
stage_started=$lane_started
timings=()
not_run=()

# Ends the current stage (recording its time) and starts the next.
stage() {
  local now
  now=$(date +%s)
  if [ -n "$stage_name" ]; then
    timings+=("$(printf '%6ss  %s' "$((now - stage_started))" "$stage_name")")
  fi
  stage_name=$1
  stage_started=$now
  [ -n "$1" ] && echo "== [aarch64 +$((now - lane_started))s] $1"
  return 0
}

conformance_backup=
finish() {
  local status=$?
  stage ""
  if [ -n "$conformance_backup" ]; then
    cp "$conformance_backup" docs/conformance.md
    rm -f "$conformance_backup"
  fi
  echo "== aarch64 lane stage times"
  printf '%s\n' "${timings[@]}"
  printf '%6ss  total\n' "$(($(date +%s) - lane_started))"
  echo "disk: $(df -h . | tail -n1)"
  if [ "${#not_run[@]}" -gt 0 ]; then
    echo "== aarch64 lane: NOT RUN (not counted as passed)"
    printf '  %s\n' "${not_run[@]}"
  fi
  if [ "$status" = 0 ]; then
    echo "== aarch64 lane passed"
  else
    echo "== aarch64 lane FAILED (exit $status)"
  fi
}
trap finish EXIT

# In CI the clone is clean, and the lane must leave it so.
tree_was_clean=0
if [ -z "$(git status --porcelain 2>/dev/null)" ]; then
  tree_was_clean=1
fi

stage "setup (apt)"
if [ "${AARCH64_SKIP_SETUP:-0}" != 1 ]; then
  bash .ci/aarch64-setup.sh
fi

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
export ZWASM_DIFF_CASES="${AARCH64_DIFF_CASES:-1000}"
# No debug info in the cross build: statically linked test binaries with line
# tables took gigabytes, and CI's disk is limited.
export CARGO_PROFILE_RELEASE_DEBUG=false
# Nor whole-program optimisation (the release profile's, for speed): linking
# every test binary with fat LTO would take the lane past CI's time budget,
# and this lane checks behaviour, not speed.
export CARGO_PROFILE_RELEASE_LTO=false
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

t=(--release --target "$target")
bin="$CARGO_TARGET_DIR/$target/release"
# zwasm-cli's integration tests execute the zwasm binary; an AArch64 process
# under qemu-user cannot exec another AArch64 binary (no binfmt_misc), so they
# run in the native lane only. Its unit tests run here.
cli_not_run="zwasm-cli integration tests (cli, wasi, compare_wasmtime): they exec the AArch64 zwasm binary, which qemu-user cannot do without binfmt_misc; the native lane runs them"

stage "cross build (workspace tests, xtask, zwasm; release)"
# Every test command uses --workspace, so all of them share one feature set
# (zwasm-codegen-aarch64's tests enable its `trace` feature) and one build.
cargo test "${t[@]}" --workspace --no-run
cargo build "${t[@]}" -p xtask -p zwasm-cli

stage "JIT probe (zwasm run --engine jit)"
probe_dir=$(mktemp -d)
printf '%s\n' '(module (func (export "answer") (result i32) i32.const 42))' >"$probe_dir/probe.wat"
jit=0
if probe_out=$(qemu-aarch64-static "$bin/zwasm" run --engine jit --invoke answer "$probe_dir/probe.wat" 2>&1) &&
  [ "$probe_out" = 42 ]; then
  jit=1
  echo "JIT available"
else
  echo "JIT not available: $probe_out"
fi
rm -rf "$probe_dir"
if [ "$jit" = 0 ]; then
  if [ "${AARCH64_EXPECT_JIT:-1}" = 1 ]; then
    echo "the JIT is expected on aarch64 (AARCH64_EXPECT_JIT=1) but --engine jit does not work" >&2
    exit 1
  fi
  not_run+=("interp-vs-JIT differential test, spec --engine jit/auto: EngineKind::Jit does not resolve on aarch64 yet")
fi

stage "workspace tests under qemu (ZWASM_DIFF_CASES=$ZWASM_DIFF_CASES)"
skip=(
  # xtask's bench runner (host tooling): under qemu-user a spawn of a missing
  # program "succeeds" (qemu runs glibc's vfork-style posix_spawn as a fork,
  # so the exec error comes back as exit status 127, not as a spawn error).
  --skip bench::child::tests::a_missing_program_is_an_error
)
not_run+=("xtask bench::child::tests::a_missing_program_is_an_error: qemu-user reports a failed exec as a child exiting 127; the native lane runs it")
if [ "$jit" = 0 ]; then
  # The only tests that need EngineKind::Jit (crates/exec/tests/differential_jit.rs).
  skip+=(--skip _on_interp_and_jit)
fi
cargo test "${t[@]}" --no-fail-fast --workspace --exclude zwasm-cli -- "${skip[@]}"
# zwasm-cli's unit tests, in the same feature set (its integration tests: below).
cargo test "${t[@]}" --no-fail-fast --workspace --bins -- "${skip[@]}"
not_run+=("$cli_not_run")

if [ "${AARCH64_V80:-1}" != 0 ]; then
  stage "JIT tests under qemu, QEMU_CPU=cortex-a72 (ARMv8.0)"
  QEMU_CPU=cortex-a72 cargo test "${t[@]}" --no-fail-fast --workspace --exclude zwasm-cli \
    --test 'jit_*' --test differential_jit -- "${skip[@]}"
fi

# A full `xtask spec` run rewrites docs/conformance.md (with the engine's name);
# the native lane owns that file, so it is put back (by `finish`).
conformance_backup=$(mktemp)
cp docs/conformance.md "$conformance_backup"

# The native lane runs the interpreters over the suite; here the JIT (every
# function compiled first) and the tiered engine with thresholds low enough
# that most functions tier up after their second call or loop iteration,
# entering machine code mid-call at loop headers ($AARCH64_AUTO_ARGS).
default_engines=interp
[ "$jit" = 1 ] && default_engines="jit auto"
auto_args=(${AARCH64_AUTO_ARGS:---jit-threshold 2 --jit-loop-threshold 2})
for engine in ${AARCH64_SPEC_ENGINES:-$default_engines}; do
  engine_args=()
  [ "$engine" = auto ] && engine_args=("${auto_args[@]}")
  stage "spec suite under qemu (--engine $engine ${engine_args[*]})"
  log=$(mktemp)
  qemu-aarch64-static "$bin/xtask" spec --engine "$engine" "${engine_args[@]}" | tee "$log"
  # xtask fails on a regression; on aarch64 every engine must also not pass
  # more than the baseline (that would be an engine disagreeing with the rest).
  if ! grep -qx "spec suite matches the baseline" "$log"; then
    rm -f "$log"
    echo "spec --engine $engine under qemu does not match xtask/spec-baseline.json exactly" >&2
    exit 1
  fi
  rm -f "$log"
done

cp "$conformance_backup" docs/conformance.md
if [ "$tree_was_clean" = 1 ] && [ -n "$(git status --porcelain)" ]; then
  echo "the aarch64 lane left the tree modified:" >&2
  git status --porcelain >&2
  exit 1
fi
