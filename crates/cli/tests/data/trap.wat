(module $trapper
  (func $divide (export "divide") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func $outer (export "outer") (result i32)
    (call $divide (i32.const 1) (i32.const 0))))
