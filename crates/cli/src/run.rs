//! `zwasm run`: instantiate a module and run `_start` or one export.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use zwasm::{Engine, ExternType, FuncType, Linker, Module, Store, Val, ValType};

use crate::failure::CliFailure;
use crate::input::read_module_binary;
use crate::values::{format_val, parse_arg};

/// Per-store state of the host functions a run provides. Empty until WASI
/// arrives: its context (arguments, environment, preopens) will live here.
#[derive(Debug, Default)]
pub(crate) struct HostState {}

/// The linker every `zwasm run` instantiates through. This is the one place
/// that decides which host modules a program can import (WASI goes here).
pub(crate) fn build_linker(engine: &Engine) -> anyhow::Result<Linker<HostState>> {
    Ok(Linker::new(engine))
}

pub(crate) fn run(
    file: &Path,
    invoke: Option<&str>,
    args: &[String],
) -> Result<ExitCode, CliFailure> {
    let bytes = read_module_binary(file)?;
    let engine = Engine::default();
    let module = Module::from_binary(&engine, &bytes)
        .map_err(|err| anyhow!("{err}"))
        .with_context(|| format!("failed to load module `{}`", file.display()))?;

    // Check the arguments before instantiating, so that a usage error does
    // not run the start function first.
    let call = match invoke {
        Some(name) => {
            let ty = exported_func_type(&module, name)?;
            let params = parse_params(name, &ty, args)?;
            Some((name, ty, params))
        }
        None => None,
    };

    let context = format!("failed to run main module `{}`", file.display());
    let mut store = Store::new(&engine, HostState::default());
    let linker = build_linker(&engine)?;
    let instance = linker
        .instantiate(&mut store, &module)
        .map_err(|err| runtime_failure(err, &context))?;

    match call {
        Some((name, ty, params)) => {
            let func = instance
                .get_func(&mut store, name)
                .ok_or_else(|| anyhow!("the module has no exported function `{name}`"))?;
            let mut results = Vec::with_capacity(ty.results.len());
            for &result in ty.results.iter() {
                results.push(placeholder(result).ok_or_else(|| {
                    anyhow!("`{name}` returns a {result}, which zwasm cannot print yet")
                })?);
            }
            func.call(&mut store, &params, &mut results)
                .map_err(|err| runtime_failure(err, &context))?;
            for result in &results {
                println!("{}", format_val(result));
            }
        }
        None => {
            if let Some(start) = instance.get_func(&mut store, "_start") {
                start
                    .call(&mut store, &[], &mut [])
                    .map_err(|err| runtime_failure(err, &context))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn exported_func_type(module: &Module, name: &str) -> Result<FuncType, CliFailure> {
    let export = module
        .exports()
        .find(|export| export.name() == name)
        .ok_or_else(|| anyhow!("the module has no export named `{name}`"))?;
    match export.ty() {
        ExternType::Func(ty) => Ok(ty.clone()),
        _ => Err(anyhow!("the export `{name}` is not a function").into()),
    }
}

fn parse_params(name: &str, ty: &FuncType, args: &[String]) -> Result<Vec<Val>, CliFailure> {
    if args.len() != ty.params.len() {
        let expected: Vec<String> = ty.params.iter().map(ValType::to_string).collect();
        return Err(CliFailure::Usage(format!(
            "`{name}` takes {} argument{} ({}), but {} {} given",
            ty.params.len(),
            if ty.params.len() == 1 { "" } else { "s" },
            if expected.is_empty() {
                "none".to_owned()
            } else {
                expected.join(" ")
            },
            args.len(),
            if args.len() == 1 { "was" } else { "were" },
        )));
    }
    ty.params
        .iter()
        .zip(args)
        .enumerate()
        .map(|(index, (&param, text))| {
            parse_arg(text, param).ok_or_else(|| {
                CliFailure::Usage(format!(
                    "invalid value `{text}` for parameter {index} of `{name}`: expected {}",
                    describe_expected(param)
                ))
            })
        })
        .collect()
}

fn describe_expected(ty: ValType) -> String {
    match ty {
        ValType::I32 | ValType::I64 => format!("{ty} (decimal or 0x hex)"),
        ValType::F32 | ValType::F64 => format!("{ty} (decimal, nan, inf or -inf)"),
        ValType::V128 | ValType::FuncRef | ValType::ExternRef => {
            format!("{ty}, which cannot be given on the command line")
        }
    }
}

fn placeholder(ty: ValType) -> Option<Val> {
    Some(match ty {
        ValType::I32 => Val::I32(0),
        ValType::I64 => Val::I64(0),
        ValType::F32 => Val::F32(0),
        ValType::F64 => Val::F64(0),
        ValType::FuncRef => Val::FuncRef(None),
        ValType::ExternRef => Val::ExternRef(None),
        ValType::V128 => return None,
    })
}

/// Traps exit with 134; every other runtime error with 1.
fn runtime_failure(error: zwasm::Error, context: &str) -> CliFailure {
    if error.as_trap().is_some() {
        CliFailure::Trap {
            context: context.to_owned(),
            error,
        }
    } else {
        CliFailure::Error(anyhow!("{error}").context(context.to_owned()))
    }
}
