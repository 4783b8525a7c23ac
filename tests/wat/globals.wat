;; Globals: imported and defined, mutable and immutable, initialised with
;; extended constant expressions (i32/i64 add, sub, mul over global.get).
(module
  (import "env" "base" (global $base i32))
  (global $page_size i32 (i32.const 65536))
  (global $heap_start i32 (i32.add (global.get $base) (i32.mul (i32.const 2) (i32.const 1024))))
  (global $big i64 (i64.sub (i64.mul (i64.const 1000) (i64.const 1000)) (i64.const 1)))
  (global $counter (mut i32) (i32.const 0))
  (global $scale (mut f64) (f64.const 2.5))

  ;; Increments the counter and returns its new value.
  (func $next (export "next") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (global.get $counter))

  (func $heap_end (export "heap_end") (param $pages i32) (result i32)
    (i32.add (global.get $heap_start) (i32.mul (local.get $pages) (global.get $page_size))))

  (func $scaled (export "scaled") (param $x f64) (result f64)
    (f64.mul (local.get $x) (global.get $scale)))

  (func $set_scale (export "set_scale") (param $s f64)
    (global.set $scale (local.get $s)))

  (func $big (export "big") (result i64)
    (global.get $big))
)
