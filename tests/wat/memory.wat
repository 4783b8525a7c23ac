;; Linear memory: loads and stores of every width, offsets and alignments,
;; memory.size and memory.grow, and an active data segment.
(module
  (memory (export "mem") 1 4)
  (data (i32.const 16) "\01\02\03\04\05\06\07\08\ff\fe")

  (func $sum_bytes (export "sum_bytes") (param $from i32) (param $len i32) (result i32)
    (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $len)))
        (local.set $sum (i32.add (local.get $sum) (i32.load8_u (local.get $from))))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $next)))
    (local.get $sum))

  (func $widths (export "widths") (param $addr i32) (result i64)
    (i64.store offset=8 (local.get $addr) (i64.const 0x0102030405060708))
    (i32.store16 offset=2 align=1 (local.get $addr) (i32.const 0xbeef))
    (f64.store (i32.const 64) (f64.load offset=8 (local.get $addr)))
    (f32.store (i32.const 72) (f32.const -0.5))
    (i64.add
      (i64.add (i64.load8_s offset=24 (i32.const 0)) (i64.load16_u offset=2 (local.get $addr)))
      (i64.add (i64.load32_s (i32.const 16)) (i64.load32_u align=1 (i32.const 17)))))

  ;; Grows by $pages and returns the old size, or -1 on failure.
  (func $grow (export "grow") (param $pages i32) (result i32)
    (memory.grow (local.get $pages)))

  (func $size (export "size") (result i32)
    (memory.size))

  (func $store_bytes (export "store_bytes") (param $addr i32) (param $v i32)
    (i32.store8 (local.get $addr) (local.get $v))
    (i64.store32 offset=4 (local.get $addr) (i64.extend_i32_u (local.get $v)))
    (i64.store8 offset=1 (local.get $addr) (i64.const -1))
    (i64.store16 offset=2 (local.get $addr) (i64.const 0x1234)))
)
