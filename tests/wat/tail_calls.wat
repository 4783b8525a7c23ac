;; Tail calls: mutual recursion with return_call (constant stack depth), an
;; accumulator-passing loop, and return_call_indirect through a table.
(module
  (type $pred (func (param i64) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $even $odd)

  (func $even (export "even") (type $pred)
    (if (result i32) (i64.eqz (local.get 0))
      (then (i32.const 1))
      (else (return_call $odd (i64.sub (local.get 0) (i64.const 1))))))

  (func $odd (export "odd") (type $pred)
    (if (result i32) (i64.eqz (local.get 0))
      (then (i32.const 0))
      (else (return_call $even (i64.sub (local.get 0) (i64.const 1))))))

  ;; sum(n) with an accumulator: the recursion is a loop.
  (func $sum (export "sum") (param $n i64) (param $acc i64) (result i64)
    (if (i64.eqz (local.get $n)) (then (return (local.get $acc))))
    (return_call $sum
      (i64.sub (local.get $n) (i64.const 1))
      (i64.add (local.get $acc) (local.get $n))))

  ;; Dispatches through the table: slot 0 is $even, slot 1 is $odd.
  (func $parity (export "parity") (param $which i32) (param $n i64) (result i32)
    (return_call_indirect (type $pred) (local.get $n) (local.get $which)))
)
