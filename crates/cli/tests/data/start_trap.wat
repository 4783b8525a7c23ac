(module
  (func $crash (export "_start") unreachable))
