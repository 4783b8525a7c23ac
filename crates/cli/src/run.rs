//! `zwasm run`: instantiate a module with WASI preview 1 and run `_start`
//! or one export.

use std::ffi::OsString;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use zwasm::{
    Config, Engine, EngineKind, ExternType, FuncType, Linker, Module, Store, Val, ValType,
};
use zwasm_wasi::{I32Exit, WasiCtx, WasiCtxBuilder, WasiError};

use crate::RunArgs;
use crate::failure::CliFailure;
use crate::input::read_module_binary;
use crate::profile::profile_text;
use crate::values::{format_val, parse_arg};

/// Per-store state of the host functions a run provides.
#[derive(Debug)]
pub(crate) struct HostState {
    wasi: WasiCtx,
}

/// The linker every `zwasm run` instantiates through. This is the one place
/// that decides which host modules a program can import. Modules that import
/// none of them run just the same.
pub(crate) fn build_linker(engine: &Engine) -> anyhow::Result<Linker<HostState>> {
    let mut linker = Linker::new(engine);
    zwasm_wasi::add_to_linker(&mut linker, |state: &mut HostState| &mut state.wasi)
        .map_err(|err| anyhow!("{err}"))
        .context("cannot register the WASI functions")?;
    Ok(linker)
}

pub(crate) fn run(args: RunArgs) -> Result<ExitCode, CliFailure> {
    if args.profile && args.engine == EngineKind::Reference {
        return Err(CliFailure::Usage(
            "--profile counts the fast interpreter's operations: use it with \
             --engine interp, not --engine reference"
                .to_owned(),
        ));
    }
    let (module_arg, guest_args) = split_module_and_args(&args.module_and_args)?;
    let file = PathBuf::from(module_arg);
    // Configuration mistakes are reported before any work is done.
    let wasi = wasi_builder(&args, module_arg, &guest_args)?;

    let bytes = read_module_binary(&file)?;
    let mut config = Config::new();
    config
        .features(args.features.features())
        .engine(args.engine)
        .profiling(args.profile);
    if let Some(calls) = args.jit_threshold {
        config.jit_threshold(calls);
    }
    if let Some(mode) = args.bounds_checks {
        config.bounds_checks(mode);
    }
    if let Some(back_edges) = args.jit_loop_threshold {
        config.jit_loop_threshold(back_edges);
    }
    let engine = new_engine(&config)?;
    let module = Module::from_binary(&engine, &bytes)
        .map_err(|err| anyhow!("{err}"))
        .with_context(|| format!("failed to load module `{}`", file.display()))?;

    // Check the arguments before instantiating, so that a usage error does
    // not run the start function first.
    let call = match args.invoke.as_deref() {
        Some(name) => {
            let ty = exported_func_type(&module, name)?;
            let params = parse_params(name, &ty, &guest_args)?;
            Some((name, ty, params))
        }
        None => None,
    };

    let wasi = wasi.build().map_err(wasi_failure)?;
    let context = format!("failed to run main module `{}`", file.display());
    let mut store = Store::new(&engine, HostState { wasi });
    let linker = build_linker(&engine)?;
    let outcome = execute(&mut store, &linker, &module, call, &context);
    if !args.profile {
        return outcome;
    }
    // After a trap or `proc_exit` too (that is often the run to study), and
    // last: the error, if any, is reported first, and the guest's output is
    // flushed so that the two do not mix.
    let code = outcome.unwrap_or_else(CliFailure::report);
    let _ = std::io::stdout().flush();
    eprint!("{}", profile_text(store.profile_report(), args.engine));
    Ok(code)
}

/// Instantiates `module` and runs `_start` or the `--invoke` call.
fn execute(
    store: &mut Store<HostState>,
    linker: &Linker<HostState>,
    module: &Module,
    call: Option<(&str, FuncType, Vec<Val>)>,
    context: &str,
) -> Result<ExitCode, CliFailure> {
    // A start function may already call `proc_exit`.
    let instance = match linker.instantiate(&mut *store, module) {
        Ok(instance) => instance,
        Err(err) => return finish(err, context),
    };

    match call {
        Some((name, ty, params)) => {
            let func = instance
                .get_func(&mut *store, name)
                .ok_or_else(|| anyhow!("the module has no exported function `{name}`"))?;
            let mut results = Vec::with_capacity(ty.results.len());
            for &result in ty.results.iter() {
                results.push(placeholder(result).ok_or_else(|| {
                    anyhow!("`{name}` returns a {result}, which zwasm cannot print yet")
                })?);
            }
            if let Err(err) = func.call(&mut *store, &params, &mut results) {
                return finish(err, context);
            }
            for result in &results {
                println!("{}", format_val(result));
            }
        }
        None => {
            if let Some(start) = instance.get_func(&mut *store, "_start")
                && let Err(err) = start.call(&mut *store, &[], &mut [])
            {
                return finish(err, context);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The engine for `config`; a tier this host cannot run (`jit` without a
/// backend) is an error naming the tier.
fn new_engine(config: &Config) -> Result<Engine, CliFailure> {
    Engine::new(config).map_err(|err| {
        CliFailure::Error(anyhow!("{err}").context(format!(
            "cannot create the engine for --engine {}",
            config.engine_kind()
        )))
    })
}

/// Fails as `zwasm run` would if this host cannot run `kind`.
pub(crate) fn check_engine(kind: EngineKind) -> Result<(), CliFailure> {
    let mut config = Config::new();
    config.engine(kind);
    new_engine(&config).map(drop)
}

/// The module path and the guest's arguments, which must be UTF-8 to reach
/// WASI's `argv` (wasmtime refuses other arguments the same way).
fn split_module_and_args(
    module_and_args: &[OsString],
) -> Result<(&OsString, Vec<String>), CliFailure> {
    let Some((module, rest)) = module_and_args.split_first() else {
        return Err(CliFailure::Usage("no module file given".to_owned()));
    };
    let args = rest
        .iter()
        .map(|arg| {
            arg.to_str()
                .map(str::to_owned)
                .ok_or_else(|| CliFailure::Usage(format!("argument {arg:?} is not valid UTF-8")))
        })
        .collect::<Result<_, _>>()?;
    Ok((module, args))
}

/// The guest's WASI view: the process's stdio, `argv[0]` the module's file
/// name without its directories (as wasmtime, which avoids leaking host
/// paths), then ARGS, and only the environment, directories and sockets
/// granted on the command line. Listening sockets are bound here.
fn wasi_builder(
    args: &RunArgs,
    module_arg: &OsString,
    guest_args: &[String],
) -> Result<WasiCtxBuilder, CliFailure> {
    let argv0 = Path::new(module_arg)
        .components()
        .next_back()
        .map(|last| last.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut builder = WasiCtxBuilder::new()
        .inherit_stdio()
        .arg(argv0)
        .args(guest_args.iter().cloned());
    for spec in &args.dirs {
        builder = builder.dir_spec(spec).map_err(|_| {
            CliFailure::Usage(format!("invalid --dir `{spec}`: expected HOST[::GUEST]"))
        })?;
    }
    for spec in &args.envs {
        builder = builder.env_spec(spec).map_err(|_| {
            CliFailure::Usage(format!("invalid --env `{spec}`: expected NAME[=VALUE]"))
        })?;
    }
    if args.inherit_env {
        builder = builder.inherit_env();
    }
    for address in &args.tcplisten {
        let listener = std::net::TcpListener::bind(address)
            .with_context(|| format!("cannot listen on `{address}`"))?;
        builder = builder.tcp_listener(listener);
    }
    Ok(builder)
}

/// A malformed option value is a usage error; a directory that cannot be
/// opened is an ordinary error, as in wasmtime.
fn wasi_failure(error: WasiError) -> CliFailure {
    match error {
        WasiError::InvalidSpec(_) | WasiError::InvalidString(_) => {
            CliFailure::Usage(error.to_string())
        }
        other => CliFailure::Error(anyhow!("{other}")),
    }
}

/// How a run that ended with an error exits: `proc_exit`'s status as the
/// process's, traps with 134, anything else (including a reserved exit
/// status of 126 or more) with 1.
fn finish(error: zwasm::Error, context: &str) -> Result<ExitCode, CliFailure> {
    if let Some(exit) = error.downcast_ref::<I32Exit>() {
        // `proc_exit` refuses statuses outside 0..126, so this fits.
        return Ok(ExitCode::from(u8::try_from(exit.0).unwrap_or(1)));
    }
    Err(runtime_failure(error, context))
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
