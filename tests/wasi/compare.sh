#!/usr/bin/env bash
# Compares the WASI test programs under zwasm and under wasmtime (the PyPI
# package, whose wheel bundles wasmtime's library): see compare.py.
#   tests/wasi/compare.sh [--zwasm PATH] [-v] [CASE...]
# Installs the wasmtime package if missing (48.0.0: the version whose
# preview-1 behaviour crates/wasi follows) and builds target/release/zwasm
# unless --zwasm is given.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
if ! python3 -c "import wasmtime" 2>/dev/null; then
    python3 -m pip install --quiet "wasmtime==48.0.0"
fi
case " $* " in
    *" --zwasm "*) ;;
    *) cargo build --quiet --release -p zwasm-cli --manifest-path "$repo/Cargo.toml" ;;
esac
exec python3 "$here/compare.py" "$@"
