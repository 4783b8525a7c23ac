;; Reference types: funcref and externref values, table instructions,
;; ref.null / ref.is_null / ref.func, typed select, and passive element
;; segments used with table.init and elem.drop.
(module
  (type $thunk (func (result i32)))
  (table $funcs 2 10 funcref)
  (table $externs 0 externref)
  (elem $seven_and_eight func $seven $eight)
  (elem declare func $nine)

  (func $seven (type $thunk) (i32.const 7))
  (func $eight (type $thunk) (i32.const 8))
  (func $nine (type $thunk) (i32.const 9))

  ;; Stores $nine at $i and calls it through the table.
  (func $set_and_call (export "set_and_call") (param $i i32) (result i32)
    (table.set $funcs (local.get $i) (ref.func $nine))
    (call_indirect $funcs (type $thunk) (local.get $i)))

  (func $is_null (export "is_null") (param $i i32) (result i32)
    (ref.is_null (table.get $funcs (local.get $i))))

  ;; Appends $n copies of $r to the externref table; returns the old size.
  (func $push_extern (export "push_extern") (param $r externref) (param $n i32) (result i32)
    (table.grow $externs (local.get $r) (local.get $n)))

  (func $extern_count (export "extern_count") (result i32)
    (table.size $externs))

  ;; Clears [$from, $from+$len) of the funcref table.
  (func $clear (export "clear") (param $from i32) (param $len i32)
    (table.fill $funcs (local.get $from) (ref.null func) (local.get $len)))

  ;; Loads the passive segment into the table at $at, then drops it.
  (func $load (export "load") (param $at i32)
    (table.init $funcs $seven_and_eight (local.get $at) (i32.const 0) (i32.const 2))
    (elem.drop $seven_and_eight))

  ;; Copies within the table.
  (func $copy (export "copy") (param $dst i32) (param $src i32) (param $len i32)
    (table.copy $funcs $funcs (local.get $dst) (local.get $src) (local.get $len)))

  ;; Typed select on references.
  (func $pick (export "pick") (param $a externref) (param $b externref) (param $c i32) (result externref)
    (select (result externref) (local.get $a) (local.get $b) (local.get $c)))

  ;; Untyped select on numbers, and a null externref.
  (func $pick_or_null (export "pick_or_null") (param $c i32) (result i64 externref)
    (select (i64.const 1) (i64.const 2) (local.get $c))
    (ref.null extern))
)
