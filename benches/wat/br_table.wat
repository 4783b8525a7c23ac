;; A bytecode interpreter loop dispatching through br_table: the shape of
;; every switch-based VM. The program (in the data segment) runs its loop
;; body n times; run(n) returns the accumulator.
(module
  (memory 1)
  ;; 0 lcg, 1 xorshift, 6 rotl, 2 add counter, 7 nop, 0 lcg, 3 dec counter,
  ;; 4 jump to 0 while counter != 0, 5 halt.
  (data (i32.const 0) "\00\01\06\02\07\00\03\04\05")
  (func (export "run") (param $n i32) (result i64)
    (local $pc i32) (local $acc i64) (local $counter i32)
    (local.set $counter (local.get $n))
    (local.set $acc (i64.const 1))
    (if (i32.eqz (local.get $n)) (then (return (local.get $acc))))
    (loop $dispatch
      (block $halt
        (block $nop
          (block $rotl
            (block $jump
              (block $dec
                (block $add
                  (block $xorshift
                    (block $lcg
                      (br_table $lcg $xorshift $add $dec $jump $halt $rotl $nop
                        (i32.load8_u (local.get $pc))))
                    ;; lcg
                    (local.set $acc (i64.add (i64.mul (local.get $acc)
                                                      (i64.const 6364136223846793005))
                                             (i64.const 1442695040888963407)))
                    (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
                    (br $dispatch))
                  ;; xorshift
                  (local.set $acc (i64.xor (local.get $acc)
                                           (i64.shr_u (local.get $acc) (i64.const 29))))
                  (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
                  (br $dispatch))
                ;; add counter
                (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $counter))))
                (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
                (br $dispatch))
              ;; dec counter
              (local.set $counter (i32.sub (local.get $counter) (i32.const 1)))
              (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
              (br $dispatch))
            ;; jump to 0 while counter != 0
            (local.set $pc (select (i32.const 0) (i32.add (local.get $pc) (i32.const 1))
                                   (local.get $counter)))
            (br $dispatch))
          ;; rotl
          (local.set $acc (i64.rotl (local.get $acc) (i64.const 7)))
          (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
          (br $dispatch))
        ;; nop
        (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
        (br $dispatch)))
    (local.get $acc)))
