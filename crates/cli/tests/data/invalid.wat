(module
  (func $fine)
  (func $wrong (result i32) (i64.const 0)))
