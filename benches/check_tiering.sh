#!/usr/bin/env bash
# The bench corpus at quick sizes under qemu-aarch64 (after .ci/aarch64-test.sh
# built $Z): every tiering setting must print
# exactly what the fast interpreter prints (the default engine, `auto`, first).
Z=${Z:-target/aarch64/aarch64-unknown-linux-gnu/release/zwasm}
cd "$(dirname "$0")/.."
declare -A size=([startup]=1 [fib]=27 [loops]=3000 [memcopy]=300 [br_table]=500000 [call_indirect]=2000000 [nbody]=100000 [fannkuch]=8 [spectral_norm]=150 [sieve]=500000 [matmul]=80 [sha256]=2 [hashmap]=200 [mandelbrot]=300 [qsort]=20)
fail=0
for b in startup fib loops memcopy br_table call_indirect nbody fannkuch spectral_norm sieve matmul sha256 hashmap mandelbrot qsort; do
  if [ -f benches/wat/$b.wat ]; then cmd=(--invoke run benches/wat/$b.wat ${size[$b]}); else cmd=(benches/c/$b.wasm ${size[$b]}); fi
  ref=$(timeout 300 qemu-aarch64-static $Z run --engine interp "${cmd[@]}" 2>&1; echo "exit $?")
  line="$b:"
  for e in "" "--engine jit" "--engine auto --jit-threshold 2 --jit-loop-threshold 2" "--engine auto --jit-threshold 1000000 --jit-loop-threshold 3" "--engine auto --jit-threshold 1 --jit-loop-threshold 1"; do
    start=$(date +%s.%N)
    out=$(timeout 300 qemu-aarch64-static $Z run $e "${cmd[@]}" 2>&1; echo "exit $?")
    t=$(echo "$(date +%s.%N) - $start" | bc)
    name=${e:-default}
    if [ "$out" = "$ref" ]; then line="$line [$name: same ${t:0:5}s]"; else line="$line [$name: DIFFERENT: $out]"; fail=1; fi
  done
  echo "$line | $(echo $ref | tr '\n' ' ')"
done
echo "fail=$fail"
exit "$fail"
