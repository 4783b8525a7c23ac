;; Numeric conversions: saturating float-to-int, trapping truncation,
;; sign extension, reinterpretation, and float constants whose exact bits
;; matter (signed zero, infinities, NaN payloads).
(module
  (func $sat_i32 (export "sat_i32") (param $x f32) (result i32)
    (i32.trunc_sat_f32_s (local.get $x)))

  (func $sat_u64 (export "sat_u64") (param $x f64) (result i64)
    (i64.trunc_sat_f64_u (local.get $x)))

  (func $trunc_i32 (export "trunc_i32") (param $x f64) (result i32)
    (i32.trunc_f64_s (local.get $x)))

  (func $all_sat (export "all_sat") (param $f f32) (param $d f64) (result i32 i32 i32 i64 i64 i64)
    (i32.trunc_sat_f32_u (local.get $f))
    (i32.trunc_sat_f64_s (local.get $d))
    (i32.trunc_sat_f64_u (local.get $d))
    (i64.trunc_sat_f32_s (local.get $f))
    (i64.trunc_sat_f32_u (local.get $f))
    (i64.trunc_sat_f64_s (local.get $d)))

  (func $sign_extend (export "sign_extend") (param $x i64) (result i64)
    (i64.add
      (i64.add (i64.extend8_s (local.get $x)) (i64.extend16_s (local.get $x)))
      (i64.add
        (i64.extend32_s (local.get $x))
        (i64.extend_i32_s
          (i32.add
            (i32.extend8_s (i32.wrap_i64 (local.get $x)))
            (i32.extend16_s (i32.wrap_i64 (local.get $x))))))))

  (func $bits (export "bits") (param $x f32) (result i32 i64)
    (i32.reinterpret_f32 (local.get $x))
    (i64.reinterpret_f64 (f64.promote_f32 (local.get $x))))

  (func $constants (export "constants") (result f32 f32 f32 f32 f64 f64 f64 f64)
    (f32.const 1.5)
    (f32.const -0.0)
    (f32.const nan:0x200000)
    (f32.const -inf)
    (f64.const 0.1)
    (f64.const -nan:0x1)
    (f64.const 0x1p-1074)
    (f64.const 1e300))
)
