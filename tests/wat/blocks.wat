;; Nested blocks with multi-value results and parameters, branches that
;; carry values out of several levels, and dead code after a branch.
(module
  ;; Returns (a+b, a-b) through a block with two results.
  (func $sum_and_difference (export "sum_and_difference") (param $a i32) (param $b i32) (result i32 i32)
    (block (result i32 i32)
      (i32.add (local.get $a) (local.get $b))
      (i32.sub (local.get $a) (local.get $b))))

  ;; A block with parameters swaps its two inputs.
  (func $swap (export "swap") (param i64 i64) (result i64 i64)
    (local.get 0) (local.get 1)
    (block (param i64 i64) (result i64 i64)
      (local.set 0) (local.set 1)
      (local.get 0) (local.get 1)))

  ;; Branches out of nested blocks, leaving junk on the stack to be dropped.
  ;; x < 0 -> (-1, 0); x == 0 -> (0, 0); else (x, 1)
  (func $classify (export "classify") (param $x i32) (result i32 i32)
    (block $out (result i32 i32)
      (i32.const 99)                         ;; junk below the kept values
      (block $nonzero
        (block $negative
          (br_if $negative (i32.lt_s (local.get $x) (i32.const 0)))
          (br_if $nonzero (local.get $x))
          (br $out (i32.const 0) (i32.const 0)))
        (br $out (i32.const -1) (i32.const 0)))
      (drop)
      (local.get $x) (i32.const 1)))

  ;; Code after br, return and unreachable is dead and produces no ops,
  ;; including the nested block inside it.
  (func $dead_code (export "dead_code") (param $x i32) (result i32)
    (block $b (result i32)
      (br $b (local.get $x))
      (i32.const 1)
      (block (drop (i32.const 2)))
      (i32.add))
    (if (i32.eqz (local.get $x))
      (then (return (i32.const 7)) (nop) (drop (i32.const 3))))
    (br 0)
    (unreachable))

  ;; br_if that keeps a value on the fall-through path.
  (func $first_nonzero (export "first_nonzero") (param $a i32) (param $b i32) (result i32)
    (block $found (result i32)
      (br_if $found (local.get $a) (local.get $a))
      (drop)
      (local.get $b)))
)
