;; Copying within linear memory: an i64 word loop, a byte loop and bulk
;; memory.copy, then a checksum. run(n) does n rounds over 32 KiB.
(module
  (memory 2)
  (func $fill
    (local $i i32) (local $seed i32)
    (local.set $seed (i32.const 7))
    (loop $l
      (local.set $seed (i32.add (i32.mul (local.get $seed) (i32.const 1103515245))
                                (i32.const 12345)))
      (i32.store (local.get $i) (local.get $seed))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 32768)))))
  (func $copy_words (param $dst i32) (param $src i32) (param $len i32)
    (local $i i32)
    (loop $l
      (i64.store (i32.add (local.get $dst) (local.get $i))
                 (i64.load (i32.add (local.get $src) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $len)))))
  (func $copy_bytes (param $dst i32) (param $src i32) (param $len i32)
    (local $i i32)
    (loop $l
      (i32.store8 (i32.add (local.get $dst) (local.get $i))
                  (i32.load8_u (i32.add (local.get $src) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $len)))))
  (func $checksum (param $at i32) (param $len i32) (result i64)
    (local $i i32) (local $sum i64)
    (loop $l
      (local.set $sum (i64.add (i64.rotl (local.get $sum) (i64.const 5))
                               (i64.load (i32.add (local.get $at) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $len))))
    (local.get $sum))
  (func (export "run") (param $n i32) (result i64)
    (local $round i32)
    (call $fill)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $round) (local.get $n)))
        ;; Stir the round into the data, so the checksum depends on every
        ;; round having run.
        (i32.store (i32.const 0) (i32.xor (i32.load (i32.const 0)) (local.get $round)))
        ;; Shift by a varying byte offset so the data keeps moving.
        (call $copy_words (i32.const 65536) (i32.const 0) (i32.const 32768))
        (call $copy_bytes (i32.and (local.get $round) (i32.const 63))
                          (i32.const 65536) (i32.const 4096))
        (memory.copy (i32.const 4096) (i32.const 69632) (i32.const 28672))
        (local.set $round (i32.add (local.get $round) (i32.const 1)))
        (br $l)))
    (call $checksum (i32.const 0) (i32.const 32768))))
