;; Fibonacci numbers: naive recursion, and a loop that keeps two values.
(module
  (func $fib_rec (export "fib_rec") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (call $fib_rec (i32.sub (local.get $n) (i32.const 1)))
          (call $fib_rec (i32.sub (local.get $n) (i32.const 2)))))))

  ;; do-while loop: exits when the counter reaches zero.
  (func $fib_iter (export "fib_iter") (param $n i32) (result i64)
    (local $a i64) (local $b i64) (local $t i64)
    (local.set $b (i64.const 1))
    (if (i32.eqz (local.get $n)) (then (return (i64.const 0))))
    (loop $step
      (local.set $t (i64.add (local.get $a) (local.get $b)))
      (local.set $a (local.get $b))
      (local.set $b (local.get $t))
      (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $step))
    (local.get $a))
)
