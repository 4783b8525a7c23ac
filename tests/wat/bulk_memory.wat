;; Bulk memory: passive data, memory.init, data.drop, memory.copy and
;; memory.fill.
(module
  (memory 1)
  (data $greeting "hello, world")
  (data $digits "0123456789")

  ;; Copies the greeting to $dst; fails after data.drop.
  (func $init (export "init") (param $dst i32)
    (memory.init $greeting (local.get $dst) (i32.const 0) (i32.const 12)))

  (func $drop_greeting (export "drop_greeting")
    (data.drop $greeting))

  ;; Copies $len digits starting at digit $first.
  (func $digits (export "digits") (param $dst i32) (param $first i32) (param $len i32)
    (memory.init $digits (local.get $dst) (local.get $first) (local.get $len)))

  ;; Overlapping copy: memmove semantics.
  (func $move (export "move") (param $dst i32) (param $src i32) (param $len i32)
    (memory.copy (local.get $dst) (local.get $src) (local.get $len)))

  (func $fill (export "fill") (param $dst i32) (param $byte i32) (param $len i32)
    (memory.fill (local.get $dst) (local.get $byte) (local.get $len)))
)
