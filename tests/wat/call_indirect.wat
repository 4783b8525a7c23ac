;; Indirect calls through tables filled by element segments, including a
;; second table and a signature mismatch.
(module
  (type $binary (func (param i32 i32) (result i32)))
  (type $unary (func (param i32) (result i32)))

  (table $ops 4 funcref)
  (table $more 2 funcref)
  (elem (table $ops) (i32.const 0) func $add $sub $mul)
  (elem (table $more) (i32.const 1) func $negate)

  (func $add (type $binary) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binary) (i32.sub (local.get 0) (local.get 1)))
  (func $mul (type $binary) (i32.mul (local.get 0) (local.get 1)))
  (func $negate (type $unary) (i32.sub (i32.const 0) (local.get 0)))

  ;; Applies operation $op (0 add, 1 sub, 2 mul; 3 traps: null entry).
  (func $apply (export "apply") (param $op i32) (param $a i32) (param $b i32) (result i32)
    (call_indirect $ops (type $binary) (local.get $a) (local.get $b) (local.get $op)))

  ;; Calls slot $i of the second table as a unary function.
  (func $apply_unary (export "apply_unary") (param $i i32) (param $x i32) (result i32)
    (call_indirect $more (type $unary) (local.get $x) (local.get $i)))

  ;; Traps: slot 0 of $ops holds $add, which is not unary.
  (func $mismatch (export "mismatch") (result i32)
    (call_indirect $ops (type $unary) (i32.const 5) (i32.const 0)))
)
