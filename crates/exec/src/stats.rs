//! Sizes of a module's code in each tier's form, for `cargo xtask codesize`
//! (how much the interpreter's bytecode takes against the JIT's machine
//! code). Not part of the stable API.

use crate::{Error, Module};

impl Module {
    /// The fast interpreter's bytecode size in bytes of every defined
    /// function (ops, slot lists, branch tables and side immediates),
    /// translating the functions not translated yet.
    #[doc(hidden)]
    pub fn interp_code_sizes(&self) -> Result<Vec<usize>, Error> {
        self.precompile_all()?;
        let fast = &self.inner.fast;
        let defined = self.inner.description.bodies.len() as u32;
        Ok((0..defined)
            .map(|at| {
                fast.get(at).map_or(0, |func| {
                    size_of_val(&*func.code)
                        + size_of_val(&*func.lists)
                        + size_of_val(&*func.targets)
                        + size_of_val(&*func.imms)
                })
            })
            .collect())
    }
}
