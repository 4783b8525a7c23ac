//! Optimisation passes over [`RegFunction`], each in its own module. Every
//! pass expects a function that [`crate::verify()`] accepts, preserves wasm
//! semantics exactly (traps, NaN bits, side effects) and leaves a function
//! that `verify` accepts. Passes that remove, add or reorder instructions or
//! blocks end by rebuilding the function ([`compact`]), so instructions stay
//! laid out block by block.

pub(crate) mod compact;
mod const_fold;
mod copy_prop;
mod critical_edges;
mod dce;
mod fuse;
mod merge_blocks;

pub use compact::compact;
pub use const_fold::const_fold;
pub use copy_prop::copy_prop;
pub use critical_edges::split_critical_edges;
pub use dce::dce;
pub use fuse::fuse_compare_branch;
pub use merge_blocks::merge_blocks;

use crate::RegFunction;

/// A pass: rewrites one function in place.
pub type Pass = fn(&mut RegFunction);

/// The default pipeline, with each pass's name: constant folding, copy
/// propagation, dead-code elimination (which removes what the first two made
/// dead), block merging, compare-and-branch fusion (on the merged blocks),
/// critical-edge splitting, and a final compaction so that numbering is
/// dense.
pub const DEFAULT_PIPELINE: &[(&str, Pass)] = &[
    ("const_fold", const_fold),
    ("copy_prop", copy_prop),
    ("dce", dce),
    ("merge_blocks", merge_blocks),
    ("fuse_compare_branch", fuse_compare_branch),
    ("split_critical_edges", split_critical_edges),
    ("compact", compact),
];

/// Runs [`DEFAULT_PIPELINE`] on `func`.
///
/// Neighbouring passes share rebuilds where the first one's rebuild cannot
/// change what the second decides: `dce` with `merge_blocks`, and
/// `fuse_compare_branch` with `split_critical_edges`. The result is the
/// same function as running each pass in turn (tests compare them).
///
/// The final `compact` is skipped: `dce` and `merge_blocks` always end by
/// rebuilding the function, the passes after them rebuild it whenever they
/// change anything, and rebuilding a freshly rebuilt function changes
/// nothing, so the function is compact already. Debug builds check that.
pub fn run_default(func: &mut RegFunction) {
    const_fold(func);
    copy_prop(func);
    merge_blocks::dce_and_merge_blocks(func);
    fuse::fuse_and_split_critical_edges(func);
    #[cfg(debug_assertions)]
    {
        let mut compacted = func.clone();
        compact(&mut compacted);
        assert!(
            compacted == *func,
            "the pipeline left function {} not compact",
            func.func_index()
        );
    }
}

/// Runs every pass of [`DEFAULT_PIPELINE`] in turn, each with its own
/// rebuild: what [`run_default`] must equal.
pub fn run_default_stepwise(func: &mut RegFunction) {
    for (_, pass) in DEFAULT_PIPELINE {
        pass(func);
    }
}

#[cfg(test)]
mod tests {
    use zwasm_validate::Features;

    use crate::compile_module;

    fn assert_shared_rebuilds_change_nothing(wasm: &[u8]) {
        let (_, functions) = compile_module(wasm, &Features::default()).expect("valid module");
        for func in functions {
            let mut shared = func.clone();
            super::run_default(&mut shared);
            let mut stepwise = func;
            super::run_default_stepwise(&mut stepwise);
            assert!(shared == stepwise, "function {}", shared.func_index());
        }
    }

    #[test]
    fn run_default_equals_the_passes_one_by_one_on_a_c_program() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../benches/c/qsort.wasm");
        let wasm = std::fs::read(path).expect("benches/c/qsort.wasm");
        assert_shared_rebuilds_change_nothing(&wasm);
    }

    #[test]
    fn run_default_equals_the_passes_one_by_one_on_folded_branches() {
        let wasm = wat::parse_str(
            r#"(module
              (func (param i32 i32) (result i32) (local i32)
                (block $done
                  (loop $l
                    (br_if $done (i32.ge_u (local.get 2) (local.get 1)))
                    (if (i32.const 1) (then (local.set 0 (i32.add (local.get 0) (i32.const 0)))))
                    (block $b (block $c
                      (br_table $b $c $b (local.get 2)))
                      (local.set 0 (i32.mul (local.get 0) (i32.const 3))))
                    (local.set 2 (i32.add (local.get 2) (i32.const 1)))
                    (br $l)))
                (select (local.get 0) (local.get 1) (i32.lt_s (local.get 0) (local.get 1)))))"#,
        )
        .expect("valid wat");
        assert_shared_rebuilds_change_nothing(&wasm);
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Helpers for the passes' unit tests: build a function from wat, dump it
    //! after checking it.

    use zwasm_decode::Module;
    use zwasm_validate::Features;

    use crate::{RegFunction, compile_module, verify};

    /// The first defined function of the module `wat`, unoptimised.
    pub fn build_one(wat: &str) -> (Module, RegFunction) {
        let bytes = wat::parse_str(wat).expect("valid wat");
        let (module, mut functions) =
            compile_module(&bytes, &Features::default()).expect("valid module");
        let func = functions.remove(0);
        (module, func)
    }

    /// The verified dump of `func`.
    pub fn dump(module: &Module, func: &RegFunction) -> String {
        let text = func.display(module).to_string();
        if let Err(error) = verify(func, module) {
            panic!("{error}\n{text}");
        }
        text
    }
}
