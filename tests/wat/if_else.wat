;; if/else in its forms: with results, with parameters, without else, and nested.
(module
  ;; max(a, b) with an if that yields a value.
  (func $max (export "max") (param $a i32) (param $b i32) (result i32)
    (if (result i32) (i32.gt_s (local.get $a) (local.get $b))
      (then (local.get $a))
      (else (local.get $b))))

  ;; An if with parameters: both arms consume the two operands.
  (func $add_or_sub (export "add_or_sub") (param $x i32) (param $y i32) (param $add i32) (result i32)
    (local.get $x) (local.get $y)
    (if (param i32 i32) (result i32) (local.get $add)
      (then (i32.add))
      (else (i32.sub))))

  ;; An if without else whose block has a parameter and a result of the same
  ;; type: the false path passes the value through unchanged.
  (func $double_if (export "double_if") (param $x i32) (param $c i32) (result i32)
    (local.get $x)
    (if (param i32) (result i32) (local.get $c)
      (then (i32.mul (i32.const 2)))))

  ;; abs via an if without else and no values.
  (func $abs (export "abs") (param $x i32) (result i32)
    (if (i32.lt_s (local.get $x) (i32.const 0))
      (then (local.set $x (i32.sub (i32.const 0) (local.get $x)))))
    (local.get $x))

  ;; Nested ifs, where the then-arm ends in a return.
  (func $sign (export "sign") (param $x i64) (result i32)
    (if (result i32) (i64.lt_s (local.get $x) (i64.const 0))
      (then (return (i32.const -1)))
      (else
        (if (result i32) (i64.eqz (local.get $x))
          (then (i32.const 0))
          (else (i32.const 1))))))

  ;; An empty else and a then-arm that branches out of the function.
  (func $early (export "early") (param $x i32) (result i32)
    (if (local.get $x)
      (then (br 1 (i32.const 42)))
      (else))
    (i32.const 0))
)
