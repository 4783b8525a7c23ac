(module $greeter
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; iovec at 0: the 6 bytes "hello\n" at 16; bytes written go to 8.
  (data (i32.const 0) "\10\00\00\00\06\00\00\00")
  (data (i32.const 16) "hello\n")
  (func (export "greet") (param $times i32) (result i32)
    (loop $again
      (if (local.get $times)
        (then
          (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
          (local.set $times (i32.sub (local.get $times) (i32.const 1)))
          (br $again))))
    (i32.load (i32.const 8)))
  (func (export "quit") (param i32) (call $proc_exit (local.get 0))))
