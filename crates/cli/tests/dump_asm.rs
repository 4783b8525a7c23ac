//! `zwasm dump --stage asm`: AArch64 code, disassembled and annotated with
//! the register-IR instruction each range came from, on any host.

use std::path::PathBuf;
use std::process::{Command, Output};

fn root(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

fn corpus(name: &str) -> String {
    root(&format!("tests/wat/{name}.wat")).display().to_string()
}

fn zwasm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zwasm"))
        .args(args)
        .output()
        .expect("the zwasm binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited normally")
}

fn asm(file: &str, extra: &[&str]) -> String {
    let mut args = vec!["dump", "--stage", "asm", file];
    args.extend_from_slice(extra);
    let output = zwasm(&args);
    assert_eq!(code(&output), 0, "{args:?}: {}", stderr(&output));
    stdout(&output)
}

/// Lines of disassembled code: `  OFFSET  WORD  MNEMONIC OPERANDS`.
fn instructions(dump: &str) -> Vec<&str> {
    dump.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let offset = words.next()?;
            let word = words.next()?;
            let hex = |s: &str, n| s.len() == n && s.chars().all(|c| c.is_ascii_hexdigit());
            (line.starts_with("  ") && hex(offset, 4) && hex(word, 8)).then(|| {
                let at = line.find(word).expect("word") + 8;
                line[at..].trim()
            })
        })
        .collect()
}

#[test]
fn asm_shows_code_under_its_register_ir() {
    let dump = asm(&corpus("fib"), &[]);
    assert!(dump.starts_with("func[0] $fib_rec"), "{dump}");
    assert!(dump.contains("\n\nfunc[1] $fib_iter"), "{dump}");
    assert!(dump.contains("; frame: "), "{dump}");
    assert!(dump.contains("  ; prologue\n"), "{dump}");
    assert!(dump.contains("\nblock0("), "{dump}");
    // The ir-reg instruction heads the code it became, with its offset.
    assert!(
        dump.lines()
            .any(|line| line.starts_with("  ; v") && line.contains("= i32.add v")),
        "{dump}"
    );
    assert!(dump.contains("call func0 $fib_rec"), "{dump}");
    let code = instructions(&dump);
    assert!(code.iter().any(|i| i.starts_with("add ")), "{dump}");
    assert!(code.iter().any(|i| i.starts_with("sub ")), "{dump}");
    assert!(code.iter().any(|i| i.starts_with("bl ")), "{dump}");
    assert!(code.contains(&"ret"), "{dump}");
    assert!(!dump.contains(".inst "), "every word decodes: {dump}");
}

#[test]
fn asm_func_selects_one_function() {
    let file = corpus("fib");
    let by_name = asm(&file, &["--func", "fib_iter"]);
    assert!(by_name.starts_with("func[1] $fib_iter"), "{by_name}");
    assert!(!by_name.contains("func[0]"), "{by_name}");
    assert_eq!(asm(&file, &["--func", "1"]), by_name);
    assert_eq!(asm(&file, &["--func", "$fib_iter"]), by_name);
    // fib_iter's loop is a backward branch.
    assert!(instructions(&by_name).iter().any(|i| i.starts_with("b")));

    for bad in ["nope", "9"] {
        let output = zwasm(&["dump", "--stage", "asm", &file, "--func", bad]);
        assert_eq!(code(&output), 1, "--func {bad}");
        assert_eq!(stdout(&output), "");
    }
}

/// The CLI prints exactly the golden dump of the codegen crate's snapshot
/// (Ion, explicit bounds checks).
#[test]
fn asm_matches_the_codegen_snapshot() {
    let snapshot = std::fs::read_to_string(root("crates/codegen-aarch64/tests/snapshots/fac.snap"))
        .expect("fac.snap");
    // insta's header: `---`, metadata, `---`.
    let body: String = snapshot
        .split_inclusive('\n')
        .skip(1)
        .skip_while(|line| line.trim_end() != "---")
        .skip(1)
        .collect();
    assert!(body.starts_with("func[0] $fac_rec"), "{body}");
    let dump = asm(&corpus("fac"), &[]);
    assert_eq!(dump.trim_end(), body.trim_end());
}

#[test]
fn asm_options_change_the_code() {
    let fac = corpus("fac");
    let ion = asm(&fac, &[]);
    let fast = asm(&fac, &["--regalloc", "fastalloc"]);
    assert!(fast.starts_with("func[0] $fac_rec"), "{fast}");
    assert!(!instructions(&fast).is_empty());
    assert_ne!(ion, fast);
    assert_eq!(asm(&fac, &["--regalloc", "ion"]), ion);

    let memory = corpus("memory");
    let explicit = asm(&memory, &[]);
    let guard = asm(&memory, &["--bounds-checks", "guard"]);
    assert_eq!(asm(&memory, &["--bounds-checks", "explicit"]), explicit);
    assert!(
        instructions(&guard).len() < instructions(&explicit).len(),
        "guard pages drop the explicit checks"
    );
    // globals.wat does float arithmetic, whose NaNs then get canonicalized.
    let globals = corpus("globals");
    let plain = asm(&globals, &[]);
    let canonical = asm(&globals, &["--canonicalize-nans"]);
    assert!(
        instructions(&canonical).len() > instructions(&plain).len(),
        "--canonicalize-nans adds code"
    );

    let unoptimized = asm(&fac, &["--no-opt"]);
    assert!(unoptimized.starts_with("func[0] $fac_rec"), "{unoptimized}");

    for bad in [
        &["--regalloc", "linear"][..],
        &["--bounds-checks", "none"][..],
    ] {
        let mut args = vec!["dump", "--stage", "asm", &fac];
        args.extend_from_slice(bad);
        let output = zwasm(&args);
        assert_eq!(code(&output), 2, "{bad:?}");
    }
}

#[test]
fn asm_rejects_invalid_modules() {
    let invalid = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/invalid.wat")
        .display()
        .to_string();
    let output = zwasm(&["dump", "--stage", "asm", &invalid]);
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("invalid module"),
        "{}",
        stderr(&output)
    );
}

/// `zwasm dump … | head`: a reader that stops early ends the dump quietly.
#[test]
fn dump_stops_quietly_when_the_reader_goes_away() {
    use std::io::Read;
    use std::process::Stdio;

    let big = root("tests/wasi/walk.wasm").display().to_string();
    for stage in ["stack", "asm"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_zwasm"))
            .args(["dump", "--stage", stage, &big])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the zwasm binary runs");
        let mut start = [0u8; 16];
        child
            .stdout
            .take()
            .expect("stdout")
            .read_exact(&mut start)
            .expect("the dump starts");
        // The pipe's read end is closed here, long before the dump ends.
        let output = child.wait_with_output().expect("zwasm exits");
        assert_eq!(code(&output), 0, "{stage}: {}", stderr(&output));
        assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
    }
}
