(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "add64") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  (func (export "f32") (param f32) (result f32) (local.get 0))
  (func (export "f64") (param f64) (result f64) (local.get 0))
  (func (export "pair") (result i32 i64) (i32.const -1) (i64.const 1))
  (func (export "null") (result funcref) (ref.null func))
  (func (export "unit"))
  (global (export "g") i32 (i32.const 0)))
