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
/// The final `compact` is skipped: `dce` and `merge_blocks` always end by
/// rebuilding the function, the passes after them rebuild it whenever they
/// change anything, and rebuilding a freshly rebuilt function changes
/// nothing, so the function is compact already. Debug builds check that.
pub fn run_default(func: &mut RegFunction) {
    for (name, pass) in DEFAULT_PIPELINE {
        if *name == "compact" {
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
            continue;
        }
        pass(func);
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
