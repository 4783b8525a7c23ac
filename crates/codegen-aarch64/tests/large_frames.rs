//! Functions with more spill slots than a scaled 12-bit offset reaches
//! (4096 × 8 bytes): spills, reloads and the frame setup go through
//! computed addresses, and the code still passes the structural checks.

mod lower_support;

use zwasm_codegen_aarch64::lower::LowerOptions;
use zwasm_regalloc::{Algorithm, Allocator};

/// `n` values of type `ty` live at once, summed at the end.
fn many_live_values(ty: &str, n: usize) -> String {
    let mut body = String::new();
    for i in 0..n {
        body.push_str(&format!(
            "(local.set {i} ({ty}.add (local.get {n}) ({ty}.const {i})))\n"
        ));
    }
    body.push_str(&format!("({ty}.const 0)\n"));
    for i in (0..n).rev() {
        body.push_str(&format!("(local.get {i}) {ty}.add\n"));
    }
    format!(
        "(module (func (param {ty}) (result {ty}) (local {locals})\n\
         (local.set {n} (local.get 0)) {body}))",
        locals = vec![ty; n + 1].join(" "),
    )
}

#[test]
fn spill_slots_beyond_scaled_offsets() {
    for ty in ["i64", "f64"] {
        let bytes = wat::parse_str(many_live_values(ty, 4500)).expect("wat");
        let (module, functions) = lower_support::compile_optimized(&bytes).expect("compile");
        let compiled = lower_support::lower_all(
            &module,
            &functions,
            &mut Allocator::new(),
            // Ion takes tens of seconds on thousands of simultaneously live
            // values; the single-pass allocator spills just as much.
            Algorithm::Fastalloc,
            &LowerOptions::default(),
        )
        .expect("lower");
        let code = &compiled[0];
        assert!(
            code.frame.spill_slots > 4096,
            "{ty}: {}",
            code.frame.spill_slots
        );
        lower_support::check_code(code).expect("structure");
    }
}
