;; Nested counted loops of integer arithmetic: branch, local and ALU cost
;; with no calls or memory. run(n) runs n outer iterations of 1000 inner ones.
(module
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $j i32) (local $acc i64) (local $x i32)
    (local.set $acc (i64.const 1))
    (block $done
      (loop $outer
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $j (i32.const 0))
        (loop $inner
          (local.set $x (i32.xor (local.get $i) (local.get $j)))
          (local.set $acc
            (i64.add
              (i64.mul (local.get $acc) (i64.const 31))
              (i64.extend_i32_u (i32.and (local.get $x) (i32.const 0xffff)))))
          (if (i32.and (local.get $x) (i32.const 1))
            (then (local.set $acc (i64.xor (local.get $acc)
                                           (i64.shr_u (local.get $acc) (i64.const 17))))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $inner (i32.lt_u (local.get $j) (i32.const 1000))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    (local.get $acc)))
