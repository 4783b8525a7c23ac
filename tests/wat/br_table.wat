;; br_table dispatch: a switch over an index, targets with values, and a
;; br_table that reaches the function's own label (return).
(module
  ;; 0 -> 100, 1 -> 200, 2 -> 300, other -> -1
  (func $switch (export "switch") (param $i i32) (result i32)
    (block $default
      (block $case2
        (block $case1
          (block $case0
            (br_table $case0 $case1 $case2 $default (local.get $i)))
          (return (i32.const 100)))
        (return (i32.const 200)))
      (return (i32.const 300)))
    (i32.const -1))

  ;; Each target receives the value 10 * i; case 1 also adds 1.
  (func $carry (export "carry") (param $i i32) (result i32)
    (block $b (result i32)
      (block $a (result i32)
        (i32.mul (local.get $i) (i32.const 10))
        (local.get $i)
        (br_table $a $b $b))
      (i32.add (i32.const 1)))
    )

  ;; Targets the function label directly: returns i+5 for i == 0.
  (func $table_return (export "table_return") (param $i i32) (result i32)
    (i32.add (local.get $i) (i32.const 5))
    (block $skip (param i32) (result i32)
      (local.get $i)
      (br_table 1 $skip))
    (i32.const 1)
    (i32.add))

  ;; A loop whose br_table jumps back to the loop or out: counts down.
  (func $countdown (export "countdown") (param $n i32) (result i32)
    (local $steps i32)
    (block $done
      (loop $again
        (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
        (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
        (br_table $done $again)))
    (local.get $steps))
)
