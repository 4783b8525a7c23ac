;; memory64: a memory indexed with i64 addresses, 64-bit offsets, and
;; memory.size / memory.grow / bulk operations on i64 operands.
(module
  (memory $m i64 1)
  (data (i64.const 0x100) "memory64")

  (func $load_byte (export "load_byte") (param $addr i64) (result i32)
    (i32.load8_u (local.get $addr)))

  ;; An offset beyond 4 GiB is valid (and traps unless memory is that big).
  (func $far (export "far") (param $addr i64) (result i64)
    (i64.load offset=0x100000000 (local.get $addr)))

  (func $store (export "store") (param $addr i64) (param $v i64)
    (i64.store offset=8 align=4 (local.get $addr) (local.get $v)))

  (func $grow (export "grow") (param $pages i64) (result i64)
    (memory.grow (local.get $pages)))

  (func $size (export "size") (result i64)
    (memory.size))

  (func $fill (export "fill") (param $dst i64) (param $len i64)
    (memory.fill (local.get $dst) (i32.const 0x2a) (local.get $len)))
)
