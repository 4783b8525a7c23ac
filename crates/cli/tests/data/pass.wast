(module (func (export "one") (result i32) (i32.const 1)))
(assert_return (invoke "one") (i32.const 1))
(assert_trap (module (func $s unreachable) (start $s)) "unreachable")
