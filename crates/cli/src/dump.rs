//! `zwasm dump`: print a compiler stage's intermediate code.

use std::path::Path;
use std::process::ExitCode;

use anyhow::anyhow;
use zwasm_decode::{ExternKind, Module};
use zwasm_ir_stack::Function;
use zwasm_validate::Features;

use crate::failure::CliFailure;
use crate::input::read_module_binary;

/// Prints the ir-stack code of every defined function, or of the one `func`
/// names (an index, a name-section name or an export name).
pub(crate) fn dump_stack(file: &Path, func: Option<&str>) -> Result<ExitCode, CliFailure> {
    let bytes = read_module_binary(file)?;
    let (module, functions) = zwasm_ir_stack::compile(&bytes, &Features::default())
        .map_err(|err| anyhow!("invalid module `{}`: {err}", file.display()))?;
    match func {
        None => print!("{}", zwasm_ir_stack::display_module(&module, &functions)),
        Some(selector) => {
            let function = select_function(&module, &functions, selector)?;
            print!("{}", function.display(&module));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn select_function<'f>(
    module: &Module,
    functions: &'f [Function],
    selector: &str,
) -> anyhow::Result<&'f Function> {
    let index = match selector.parse::<u32>() {
        Ok(index) => index,
        Err(_) => find_by_name(module, selector)
            .ok_or_else(|| anyhow!("no function named `{selector}` (name section or export)"))?,
    };
    if index < module.func_imports && (index as usize) < module.functions.len() {
        return Err(anyhow!("function {index} is imported; it has no code"));
    }
    functions
        .iter()
        .find(|function| function.func_index == index)
        .ok_or_else(|| {
            anyhow!(
                "no function {index}: the module has {} functions",
                module.functions.len()
            )
        })
}

fn find_by_name(module: &Module, name: &str) -> Option<u32> {
    let plain = name.strip_prefix('$').unwrap_or(name);
    module
        .names
        .functions
        .iter()
        .find(|(_, candidate)| candidate == plain)
        .map(|(index, _)| *index)
        .or_else(|| {
            module
                .exports
                .iter()
                .find(|export| export.kind == ExternKind::Func && export.name == name)
                .map(|export| export.index)
        })
}
