//! `cargo xtask codesize`: how big each tier's code is for the benchmark
//! corpus, and how many AArch64 instructions the JIT emits per wasm
//! operator.
//!
//! Everything here is static (nothing runs), so it works on any host: the
//! JIT's code is produced by the same pipeline the engine uses (ir-reg with
//! the default passes, regalloc2, `zwasm_codegen_aarch64::lower`) and the
//! interpreter's bytecode by the fast tier's own translation.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use clap::Args;
use zwasm_codegen_aarch64::lower::{CompiledCode, LowerOptions, Origin, lower_function};
use zwasm_ir_reg::{RegFunction, compile_module, passes};
use zwasm_regalloc::{Algorithm, Allocator, TargetDesc};
use zwasm_validate::Features;
use zwasm_validate::wasmparser::{Parser, Payload};

#[derive(Debug, Args)]
pub(crate) struct CodesizeArgs {
    /// Write the report here (default: docs/codesize.md).
    #[arg(long, value_name = "PATH")]
    output: Option<PathBuf>,
    /// Print the report only.
    #[arg(long)]
    no_write: bool,
    /// Functions with more SSA values than this are allocated with
    /// regalloc2's Fastalloc instead of Ion, as the JIT does for very large
    /// functions.
    #[arg(long, default_value_t = 20_000, value_name = "VALUES")]
    ion_limit: usize,
}

/// Where the bytes of one function's machine code come from.
#[derive(Clone, Copy, Debug, Default)]
struct Breakdown {
    /// Instruction words lowering ir-reg instructions, by wasm operator.
    operators: u64,
    moves: u64,
    prologue: u64,
    trap_paths: u64,
    /// Jump tables and literal pool.
    data_bytes: u64,
}

impl Breakdown {
    fn instructions(&self) -> u64 {
        self.operators + self.moves + self.prologue + self.trap_paths
    }

    fn add(&mut self, other: &Breakdown) {
        self.operators += other.operators;
        self.moves += other.moves;
        self.prologue += other.prologue;
        self.trap_paths += other.trap_paths;
        self.data_bytes += other.data_bytes;
    }
}

/// One function of one module.
#[derive(Debug)]
struct FuncSize {
    name: String,
    wasm_bytes: usize,
    wasm_operators: usize,
    bytecode_bytes: usize,
    machine_bytes: usize,
    breakdown: Breakdown,
    fastalloc: bool,
    /// Time regalloc2 took for the function (in this release build).
    regalloc: std::time::Duration,
}

#[derive(Debug)]
struct ModuleSize {
    name: String,
    funcs: Vec<FuncSize>,
    /// Names the program's own source defines (the rest is libc).
    own: Vec<bool>,
}

/// Per wasm operator over the corpus: static count and the instructions its
/// ir-reg instructions lowered to.
#[derive(Debug, Default)]
struct OperatorStat {
    count: u64,
    instructions: u64,
}

pub(crate) fn run(args: &CodesizeArgs) -> anyhow::Result<std::process::ExitCode> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut inputs = Vec::new();
    for (dir, ext) in [("benches/wat", "wat"), ("benches/c", "wasm")] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .with_context(|| format!("reading {dir}"))?
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.extension().is_some_and(|e| e == ext))
            .collect();
        paths.sort();
        inputs.extend(paths);
    }
    let mut allocator = Allocator::new();
    let mut operators: BTreeMap<String, OperatorStat> = BTreeMap::new();
    let mut modules = Vec::new();
    for path in &inputs {
        let module = measure(path, args.ion_limit, &mut allocator, &mut operators)
            .with_context(|| format!("{}", path.display()))?;
        modules.push(module);
    }
    let report = render(&modules, &operators, args.ion_limit);
    print!("{report}");
    if !args.no_write {
        let output = args
            .output
            .clone()
            .unwrap_or_else(|| root.join("docs/codesize.md"));
        std::fs::write(&output, &report)
            .with_context(|| format!("writing {}", output.display()))?;
        eprintln!("wrote {}", output.display());
    }
    Ok(std::process::ExitCode::SUCCESS)
}

fn measure(
    path: &Path,
    ion_limit: usize,
    allocator: &mut Allocator,
    operators: &mut BTreeMap<String, OperatorStat>,
) -> anyhow::Result<ModuleSize> {
    let bytes = if path.extension().is_some_and(|e| e == "wat") {
        wat::parse_file(path)?
    } else {
        std::fs::read(path)?
    };
    let name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("?")
        .to_string();
    let source = std::fs::read_to_string(path.with_extension("c")).unwrap_or_default();

    let bodies = operator_names(&bytes)?;
    let (module, mut functions) =
        compile_module(&bytes, &Features::default()).map_err(|e| anyhow!("{e}"))?;
    for func in &mut functions {
        passes::run_default(func);
    }
    let engine = zwasm::Engine::default();
    let interp = zwasm::Module::from_binary(&engine, &bytes).map_err(|e| anyhow!("{e}"))?;
    let bytecode = interp.interp_code_sizes().map_err(|e| anyhow!("{e}"))?;

    let target = TargetDesc::aarch64();
    let options = LowerOptions::default();
    let mut funcs = Vec::new();
    let mut own = Vec::new();
    for (defined, func) in functions.iter().enumerate() {
        let fastalloc = func.num_values() > ion_limit;
        let algorithm = if fastalloc {
            Algorithm::Fastalloc
        } else {
            Algorithm::Ion
        };
        let started = std::time::Instant::now();
        let allocated = allocator
            .allocate(func, &module, &target, algorithm)
            .map_err(|e| anyhow!("{e}"))?;
        let regalloc = started.elapsed();
        let code =
            lower_function(func, &module, &allocated, &options).map_err(|e| anyhow!("{e}"))?;
        let body = &bodies[defined];
        let breakdown = attribute(func, &code, body, operators);
        for op in body.ops.values() {
            operators.entry(op.clone()).or_default().count += 1;
        }
        let func_name = function_name(&module, func.func_index());
        own.push(!source.is_empty() && defines(&source, &func_name));
        funcs.push(FuncSize {
            name: func_name,
            wasm_bytes: body.size,
            wasm_operators: body.ops.len(),
            bytecode_bytes: bytecode.get(defined).copied().unwrap_or(0),
            machine_bytes: code.bytes.len(),
            breakdown,
            fastalloc,
            regalloc,
        });
    }
    Ok(ModuleSize { name, funcs, own })
}

/// The name-section name of a function, else its export name, else its index.
fn function_name(module: &zwasm_decode::Module, index: u32) -> String {
    if let Some(name) = module.func_name(index) {
        return name.to_string();
    }
    module
        .exports
        .iter()
        .find(|export| export.kind == zwasm_decode::ExternKind::Func && export.index == index)
        .map_or_else(|| format!("func[{index}]"), |export| export.name.clone())
}

/// Whether C source `source` defines a function called `name`.
fn defines(source: &str, name: &str) -> bool {
    source.lines().any(|line| {
        !line.starts_with(char::is_whitespace)
            && line
                .find(&format!("{name}("))
                .is_some_and(|at| at > 0 && line[..at].ends_with([' ', '*']))
    })
}

/// One body: its size and the operator name at each operator's offset.
struct Body {
    size: usize,
    ops: BTreeMap<u32, String>,
}

/// The operators of every defined function, by module offset.
fn operator_names(bytes: &[u8]) -> anyhow::Result<Vec<Body>> {
    let mut bodies = Vec::new();
    for payload in Parser::new(0).parse_all(bytes) {
        if let Payload::CodeSectionEntry(body) = payload? {
            let mut ops = BTreeMap::new();
            let mut reader = body.get_operators_reader()?;
            while !reader.eof() {
                let (op, offset) = reader.read_with_offset()?;
                let text = format!("{op:?}");
                let end = text.find([' ', '{', '(']).unwrap_or(text.len());
                ops.insert(offset as u32, text[..end].to_string());
            }
            bodies.push(Body {
                size: (body.range().end - body.range().start) as usize,
                ops,
            });
        }
    }
    Ok(bodies)
}

/// Splits a function's code by origin and credits the instructions of each
/// ir-reg instruction to the wasm operator it came from.
fn attribute(
    func: &RegFunction,
    code: &CompiledCode,
    body: &Body,
    operators: &mut BTreeMap<String, OperatorStat>,
) -> Breakdown {
    let mut breakdown = Breakdown::default();
    for range in &code.source_map {
        let bytes = u64::from(range.end - range.start);
        let words = bytes / 4;
        match range.origin {
            Origin::Inst(inst) => {
                breakdown.operators += words;
                let op = func
                    .inst(inst)
                    .offset
                    .and_then(|offset| body.ops.get(&offset))
                    .map_or("(no wasm operator)", String::as_str);
                operators.entry(op.to_string()).or_default().instructions += words;
            }
            Origin::Move => breakdown.moves += words,
            Origin::Prologue | Origin::Entry => breakdown.prologue += words,
            Origin::TrapStub(_) | Origin::TrapPath => breakdown.trap_paths += words,
            Origin::Data => breakdown.data_bytes += bytes,
        }
    }
    breakdown
}

fn ratio(a: f64, b: f64) -> String {
    if b == 0.0 {
        "—".to_string()
    } else {
        format!("{:.2}", a / b)
    }
}

fn render(
    modules: &[ModuleSize],
    operators: &BTreeMap<String, OperatorStat>,
    ion_limit: usize,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Code size: interpreter bytecode against AArch64 machine code\n\n\
         Written by `cargo xtask codesize` from the benchmark corpus in `benches/`. \
         Static: nothing runs, so the numbers are the same on every host. \
         *wasm* is the size of the function bodies; *bytecode* the fast interpreter's \
         translation (ops, slot lists, branch tables, side immediates; not the \
         backtrace offsets); *machine* the JIT's code for the function with the default \
         options (regalloc2 Ion, Fastalloc above {ion_limit} SSA values; explicit bounds \
         checks), including jump tables and literals; *insns* its instruction words; \
         *regalloc* the time regalloc2 took (release build of xtask, this machine: the only \
         column that varies between runs). \
         Trampolines and the module's linking are not counted.\n"
    );

    let _ = writeln!(out, "## Per module\n");
    let _ = writeln!(
        out,
        "| module | funcs | wasm bytes | wasm ops | bytecode bytes | machine bytes | insns | insns / wasm op | bytecode ÷ wasm | machine ÷ wasm | machine ÷ bytecode | regalloc ms | slowest function µs |"
    );
    let _ = writeln!(
        out,
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    let mut total = (0usize, 0usize, 0usize, 0usize, 0usize, Breakdown::default());
    for module in modules {
        let mut sum = (0usize, 0usize, 0usize, 0usize, Breakdown::default());
        for func in &module.funcs {
            sum.0 += func.wasm_bytes;
            sum.1 += func.wasm_operators;
            sum.2 += func.bytecode_bytes;
            sum.3 += func.machine_bytes;
            sum.4.add(&func.breakdown);
        }
        let regalloc: std::time::Duration = module.funcs.iter().map(|f| f.regalloc).sum();
        let slowest = module
            .funcs
            .iter()
            .map(|f| f.regalloc)
            .max()
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.2} | {:.0} |",
            module.name,
            module.funcs.len(),
            sum.0,
            sum.1,
            sum.2,
            sum.3,
            sum.4.instructions(),
            ratio(sum.4.instructions() as f64, sum.1 as f64),
            ratio(sum.2 as f64, sum.0 as f64),
            ratio(sum.3 as f64, sum.0 as f64),
            ratio(sum.3 as f64, sum.2 as f64),
            regalloc.as_secs_f64() * 1e3,
            slowest.as_secs_f64() * 1e6,
        );
        total.0 += module.funcs.len();
        total.1 += sum.0;
        total.2 += sum.1;
        total.3 += sum.2;
        total.4 += sum.3;
        total.5.add(&sum.4);
    }
    let _ = writeln!(
        out,
        "| **all** | {} | {} | {} | {} | {} | {} | **{}** | {} | {} | **{}** | | |\n",
        total.0,
        total.1,
        total.2,
        total.3,
        total.4,
        total.5.instructions(),
        ratio(total.5.instructions() as f64, total.2 as f64),
        ratio(total.3 as f64, total.1 as f64),
        ratio(total.4 as f64, total.1 as f64),
        ratio(total.4 as f64, total.3 as f64),
    );
    let b = &total.5;
    let all = b.instructions().max(1) as f64;
    let _ = writeln!(
        out,
        "Where the instructions come from, whole corpus: operator lowering {} ({:.1}%), \
         register-allocator moves/spills/reloads {} ({:.1}%), prologues and stack-parameter \
         loads {} ({:.1}%), out-of-line trap stubs and paths {} ({:.1}%); plus {} bytes of \
         jump tables and literals.\n",
        b.operators,
        100.0 * b.operators as f64 / all,
        b.moves,
        100.0 * b.moves as f64 / all,
        b.prologue,
        100.0 * b.prologue as f64 / all,
        b.trap_paths,
        100.0 * b.trap_paths as f64 / all,
        b.data_bytes,
    );

    let _ = writeln!(out, "## Per benchmark function\n");
    let _ = writeln!(
        out,
        "Every function of the WAT kernels, and the functions each C program defines itself \
         (the rest of those modules is wasi-libc).\n"
    );
    let _ = writeln!(
        out,
        "| module | function | wasm bytes | wasm ops | bytecode bytes | machine bytes | insns | insns / wasm op | machine ÷ bytecode | regalloc µs |"
    );
    let _ = writeln!(
        out,
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for module in modules {
        let is_c = module.own.iter().any(|&own| own);
        for (func, &own) in module.funcs.iter().zip(&module.own) {
            if is_c && !own {
                continue;
            }
            let _ = writeln!(
                out,
                "| {} | {}{} | {} | {} | {} | {} | {} | {} | {} | {:.0} |",
                module.name,
                func.name,
                if func.fastalloc { " (fastalloc)" } else { "" },
                func.wasm_bytes,
                func.wasm_operators,
                func.bytecode_bytes,
                func.machine_bytes,
                func.breakdown.instructions(),
                ratio(
                    func.breakdown.instructions() as f64,
                    func.wasm_operators as f64
                ),
                ratio(func.machine_bytes as f64, func.bytecode_bytes as f64),
                func.regalloc.as_secs_f64() * 1e6,
            );
        }
    }

    let _ = writeln!(out, "\n## Instructions per wasm operator\n");
    let _ = writeln!(
        out,
        "Static count of each operator in the corpus and the AArch64 instructions its \
         ir-reg instructions were lowered to (moves, prologues and trap stubs are not \
         included here). Operators that compile to nothing (`local.get`, `block`, `end`, \
         …) or whose ir-reg instructions were folded away show 0. Sorted by instructions, \
         then name; the 60 largest.\n"
    );
    let _ = writeln!(out, "| operator | count | insns | insns per op |");
    let _ = writeln!(out, "| --- | ---: | ---: | ---: |");
    let mut rows: Vec<(&String, &OperatorStat)> = operators.iter().collect();
    rows.sort_by(|a, b| b.1.instructions.cmp(&a.1.instructions).then(a.0.cmp(b.0)));
    for (name, stat) in rows.iter().take(60) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            name,
            stat.count,
            stat.instructions,
            ratio(stat.instructions as f64, stat.count as f64)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_definitions_are_told_from_calls() {
        let source = "static int map_put(struct map *m, int k) {\n  return map_put(m, k);\n}\nint *slot(int i);\n";
        assert!(defines(source, "map_put"));
        assert!(defines(source, "slot"));
        assert!(!defines(source, "put"));
    }

    #[test]
    fn a_kernel_is_measured_and_attributed() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../benches/wat/fib.wat");
        let mut operators = BTreeMap::new();
        let module = measure(&root, 20_000, &mut Allocator::new(), &mut operators).unwrap();
        let fib = module.funcs.iter().find(|f| f.name == "fib").unwrap();
        assert!(fib.wasm_operators > 0 && fib.bytecode_bytes > 0);
        assert_eq!(fib.machine_bytes % 4, 0);
        assert!(fib.breakdown.operators > 0 && fib.breakdown.prologue > 0);
        assert!(operators.get("Call").is_some_and(|op| op.count > 0));
        assert!(operators.values().map(|op| op.instructions).sum::<u64>() > 0);
    }
}
