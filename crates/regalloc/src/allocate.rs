//! Running regalloc2: [`Allocator`] keeps regalloc2's context and the
//! adapter's buffers from one function to the next.

use std::fmt;
use std::time::Instant;

use regalloc2::checker::Checker;
use regalloc2::{Ctx, RegallocOptions};
use zwasm_decode::Module;
use zwasm_ir_reg::RegFunction;

use crate::adapter::RegallocFunction;
use crate::error::RegallocError;
use crate::output::{Algorithm, Allocated};
use crate::target::TargetDesc;

/// How much of the checker's report an error keeps.
const CHECKER_REPORT_LIMIT: usize = 4000;

/// A reusable register allocator.
///
/// Functions must have no critical edges and no parameters on blocks other
/// than branch targets; `zwasm_ir_reg::passes::run_default` leaves them so.
#[derive(Default)]
pub struct Allocator {
    ctx: Ctx,
    function: RegallocFunction,
    checking: bool,
}

impl fmt::Debug for Allocator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Allocator")
            .field("checking", &self.checking)
            .finish_non_exhaustive()
    }
}

impl Allocator {
    /// An allocator with empty buffers that does not run the checker.
    pub fn new() -> Self {
        Allocator::default()
    }

    /// Whether to run regalloc2's checker on every allocation, which
    /// symbolically re-executes the allocated function to prove that every
    /// operand finds its value where the allocation says. Slow; meant for
    /// tests and fuzzing.
    pub fn set_checking(&mut self, checking: bool) {
        self.checking = checking;
    }

    /// Allocates registers for `func` (a function of `module`) on `target`
    /// with `algorithm`.
    pub fn allocate(
        &mut self,
        func: &RegFunction,
        module: &Module,
        target: &TargetDesc,
        algorithm: Algorithm,
    ) -> Result<Allocated, RegallocError> {
        self.function.rebuild(func, module, target)?;
        let options = RegallocOptions {
            verbose_log: false,
            // Cheap next to allocation, and it turns SSA violations into
            // errors where regalloc2 might otherwise panic.
            validate_ssa: true,
            algorithm: algorithm.to_regalloc2(),
        };
        let env = target.machine_env();
        let start = Instant::now();
        let result = regalloc2::run_with_ctx(&self.function, env, &options, &mut self.ctx);
        let regalloc_time = start.elapsed();
        let output = result.map_err(|error| RegallocError::Regalloc2 {
            func: func.func_index(),
            message: error.to_string(),
        })?;
        if self.checking {
            let mut checker = Checker::new(&self.function, env);
            checker.prepare(output);
            if let Err(errors) = checker.run() {
                let mut message = format!("{errors:?}");
                if message.len() > CHECKER_REPORT_LIMIT {
                    let cut = message.floor_char_boundary(CHECKER_REPORT_LIMIT);
                    message.truncate(cut);
                    message.push('…');
                }
                return Err(RegallocError::Checker {
                    func: func.func_index(),
                    message,
                });
            }
        }
        Allocated::new(&self.function, output, target, algorithm, regalloc_time)
    }

    /// Allocates every function of a module, in order.
    pub fn allocate_all(
        &mut self,
        functions: &[RegFunction],
        module: &Module,
        target: &TargetDesc,
        algorithm: Algorithm,
    ) -> Result<Vec<Allocated>, RegallocError> {
        functions
            .iter()
            .map(|func| self.allocate(func, module, target, algorithm))
            .collect()
    }
}

/// Allocates registers for one function with a fresh [`Allocator`]; prefer
/// reusing an allocator for many functions.
pub fn allocate(
    func: &RegFunction,
    module: &Module,
    target: &TargetDesc,
    algorithm: Algorithm,
) -> Result<Allocated, RegallocError> {
    Allocator::new().allocate(func, module, target, algorithm)
}
