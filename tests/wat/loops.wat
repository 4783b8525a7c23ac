;; Loops: a summing loop, nested loops, and loops that carry values as
;; parameters (multi-value) instead of locals.
(module
  ;; 1 + 2 + ... + n
  (func $sum_to (export "sum_to") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $exit
      (loop $top
        (br_if $exit (i32.gt_u (local.get $i) (local.get $n)))
        (local.set $sum (i32.add (local.get $sum) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (local.get $sum))

  ;; Counts the pairs (i, j) with 0 <= j < i < n.
  (func $pairs (export "pairs") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $count i32)
    (loop $outer
      (local.set $j (i32.const 0))
      (block $inner_done
        (loop $inner
          (br_if $inner_done (i32.ge_u (local.get $j) (local.get $i)))
          (local.set $count (i32.add (local.get $count) (i32.const 1)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $inner)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $count))

;; Loop with parameters: the accumulator and the counter live on the
  ;; stack; br_if to the loop carries both back to its start.
  (func $sum_stack (export "sum_stack") (param $n i64) (result i64)
    (i64.const 0)                              ;; accumulator
    (local.get $n)                             ;; counter
    (loop $again (param i64 i64) (result i64 i64)
      (local.set $n)                           ;; [acc]
      (i64.add (local.get $n))                 ;; [acc+n]
      (i64.sub (local.get $n) (i64.const 1))   ;; [acc+n n-1]
      (i64.gt_s (local.get $n) (i64.const 1))  ;; [acc+n n-1 n>1]
      (br_if $again))
    (drop))
)
