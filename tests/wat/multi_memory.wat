;; Multi-memory: two memories of different sizes, loads and stores naming
;; each, copies between them, and per-memory size/grow.
(module
  (memory $a 1)
  (memory $b 2 2)
  (data (memory $b) (i32.const 0) "\2a\00\00\00")

  ;; Copies a word from memory $b to memory $a and returns it.
  (func $transfer (export "transfer") (param $addr i32) (result i32)
    (i32.store $a (local.get $addr) (i32.load $b (local.get $addr)))
    (i32.load $a (local.get $addr)))

  (func $copy_block (export "copy_block") (param $dst i32) (param $src i32) (param $len i32)
    (memory.copy $a $b (local.get $dst) (local.get $src) (local.get $len)))

  (func $sizes (export "sizes") (result i32 i32)
    (memory.size $a)
    (memory.size $b))

  ;; Memory $b has max 2 pages, so growing it fails with -1.
  (func $grow_b (export "grow_b") (result i32)
    (memory.grow $b (i32.const 1)))

  (func $fill_b (export "fill_b") (param $dst i32) (param $byte i32) (param $len i32)
    (memory.fill $b (local.get $dst) (local.get $byte) (local.get $len)))
)
