;; Indirect calls through a table, the callee chosen by the data (as in
;; virtual dispatch or function pointers). run(n) makes n calls.
(module
  (type $op (func (param i64) (result i64)))
  (table 8 funcref)
  (elem (i32.const 0) $f0 $f1 $f2 $f3 $f4 $f5 $f6 $f7)
  (func $f0 (type $op) (i64.add (local.get 0) (i64.const 0x9e3779b97f4a7c15)))
  (func $f1 (type $op) (i64.xor (local.get 0) (i64.shr_u (local.get 0) (i64.const 31))))
  (func $f2 (type $op) (i64.mul (local.get 0) (i64.const 0xbf58476d1ce4e5b9)))
  (func $f3 (type $op) (i64.rotl (local.get 0) (i64.const 23)))
  (func $f4 (type $op) (i64.sub (local.get 0) (i64.const 0x94d049bb133111eb)))
  (func $f5 (type $op) (i64.xor (local.get 0) (i64.shl (local.get 0) (i64.const 13))))
  (func $f6 (type $op) (i64.add (local.get 0) (i64.popcnt (local.get 0))))
  (func $f7 (type $op) (i64.mul (local.get 0) (i64.const 0x2545f4914f6cdd1d)))
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $acc i64)
    (local.set $acc (i64.const 1))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc
          ;; The loop counter goes into the index too: on the
          ;; accumulator alone the sequence can settle on one callee.
          (call_indirect (type $op) (local.get $acc)
            (i32.and (i32.xor (i32.wrap_i64 (i64.shr_u (local.get $acc) (i64.const 40)))
                              (local.get $i))
                     (i32.const 7))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $acc)))
