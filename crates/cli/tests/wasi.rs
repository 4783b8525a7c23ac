//! `zwasm run` with WASI: the committed programs of tests/wasi/ run through
//! the binary, with arguments, environment, preopens and exit codes given on
//! the command line.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn program(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/wasi")
        .join(format!("{name}.wasm"))
        .display()
        .to_string()
}

fn data(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
        .display()
        .to_string()
}

fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_zwasm"));
    command.args(args).stdin(Stdio::null());
    command
}

fn zwasm(args: &[&str]) -> Output {
    command(args).output().expect("the zwasm binary runs")
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

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("zwasm-cli-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn arg(&self) -> String {
        self.0.display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn argv_and_environment_come_from_the_command_line() {
    let output = zwasm(&[
        "run",
        "--env",
        "HOME=/home/guest",
        "--env",
        "A=1=2",
        &program("args_env"),
        "one",
        "two words",
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    // argv[0] is the file name without its directories, as in wasmtime.
    assert_eq!(
        stdout(&output),
        "args_sizes_get: count=3 size=28
argc=3
argv[0]=args_env.wasm
argv[1]=one
argv[2]=two words
environ_sizes_get: count=2 size=23
environ[0]=HOME=/home/guest
environ[1]=A=1=2
getenv(HOME)=/home/guest
getenv(PATH)=(unset)
libc environ entries=2
"
    );
}

#[test]
fn everything_after_the_file_goes_to_the_guest() {
    let output = zwasm(&[
        "run",
        &program("args_env"),
        "--env",
        "X=1",
        "-W",
        "--invoke",
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let text = stdout(&output);
    for line in [
        "argc=5\n",
        "argv[1]=--env\n",
        "argv[2]=X=1\n",
        "argv[3]=-W\n",
        "argv[4]=--invoke\n",
        "environ_sizes_get: count=0 size=0\n",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
}

#[test]
fn host_environment_only_when_asked() {
    let file = program("args_env");
    let run = |args: &[&str]| {
        let mut full = vec!["run"];
        full.extend_from_slice(args);
        full.push(&file);
        let output = command(&full)
            .env("ZWASM_CLI_TEST_VAR", "from host")
            .output()
            .expect("the zwasm binary runs");
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        stdout(&output)
    };
    let text = run(&[]);
    assert!(text.contains("libc environ entries=0\n"), "{text}");
    // A bare name copies the host's value; an unset one is skipped.
    let text = run(&["--env", "ZWASM_CLI_TEST_VAR", "--env", "ZWASM_CLI_UNSET"]);
    assert!(
        text.contains("environ[0]=ZWASM_CLI_TEST_VAR=from host\n"),
        "{text}"
    );
    assert!(text.contains("libc environ entries=1\n"), "{text}");
    let text = run(&["--inherit-env", "--env", "HOME=/override"]);
    let path = std::env::var("PATH").expect("the test host has a PATH");
    assert!(text.contains(&format!("getenv(PATH)={path}\n")), "{text}");
    assert!(text.contains("getenv(HOME)=/override\n"), "{text}");
}

#[test]
fn exit_status_is_passed_through() {
    let exit = program("exit");
    for (args, expected) in [
        (&["0"][..], 0),
        (&["3"], 3),
        (&["125"], 125),
        (&["return", "7"], 7),
    ] {
        let mut full = vec!["run", exit.as_str()];
        full.extend_from_slice(args);
        let output = zwasm(&full);
        assert_eq!(code(&output), expected, "{args:?}: {}", stderr(&output));
        assert_eq!(stdout(&output), format!("exiting with {}\n", args[0]));
        assert_eq!(stderr(&output), "");
    }
    // WASI reserves 126 and above: an error, as in wasmtime.
    let output = zwasm(&["run", &program("exit"), "126"]);
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("invalid exit status 126"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_trapping_program_exits_134() {
    let output = zwasm(&["run", &program("exit"), "trap"]);
    assert_eq!(code(&output), 134, "{}", stderr(&output));
    assert_eq!(stdout(&output), "exiting with trap\n");
    let message = stderr(&output);
    assert!(message.contains("failed to run main module"), "{message}");
    assert!(message.contains("unreachable"), "{message}");
}

#[test]
fn a_call_no_errno_answers_exits_1_as_in_wasmtime() {
    // wasmtime ends such a call with an error that is not a trap, so
    // `wasmtime run` exits with 1, not 134; zwasm does the same.
    for (probe, cause) in [
        (
            "whence",
            "In func wasi_snapshot_preview1::fd_seek at convert Whence: Invalid enum value Whence",
        ),
        (
            "iovec",
            "Pointer out of bounds: Region { start: 4294967288, len: 4 }",
        ),
    ] {
        let output = zwasm(&["run", &program("guest_errors"), probe]);
        assert_eq!(code(&output), 1, "{probe}: {}", stderr(&output));
        assert_eq!(stdout(&output), format!("probe {probe}\n"));
        let message = stderr(&output);
        assert!(
            message.starts_with("Error: failed to run main module"),
            "{message}"
        );
        assert!(message.contains(&format!("\n    {cause}\n")), "{message}");
    }
}

#[test]
fn preopened_directory_is_read_and_written() {
    let dir = TempDir::new("fdio");
    let spec = format!("{}::/sandbox", dir.arg());
    let output = zwasm(&["run", "--dir", &spec, &program("fdio")]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("preopen fd=3 name=\"/sandbox\" len=8\n"),
        "{text}"
    );
    assert!(text.ends_with("stderr write n=10\n"), "{text}");
    assert_eq!(stderr(&output), "to stderr\n");
    assert_eq!(
        std::fs::read(dir.path().join("data.txt")).unwrap(),
        b"HELLO+tail"
    );
}

#[test]
fn a_real_program_edits_a_tree_under_a_root_preopen() {
    let dir = TempDir::new("walk");
    let spec = format!("{}::/", dir.arg());
    // `walk.wasm /` works in the guest's "/", which is the preopen.
    let output = zwasm(&["run", "--dir", &spec, &program("walk"), "/"]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("readme line 1: hello from wasm\n"),
        "{text}"
    );
    assert!(text.contains("total bytes: 77\n"), "{text}");
    assert!(text.ends_with("done\n"), "{text}");
    let tree = dir.path().join("tree");
    assert_eq!(
        std::fs::read_to_string(tree.join("docs/final.txt")).unwrap(),
        "draft"
    );
    assert_eq!(
        std::fs::read_link(tree.join("readme-link")).unwrap(),
        Path::new("docs/readme.txt")
    );

    let output = zwasm(&["run", "--dir", &spec, &program("fdio")]);
    assert!(
        stdout(&output).starts_with("preopen fd=3 name=\"/\" len=1\n"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn bad_wasi_options_are_reported() {
    let exit = program("exit");
    for (args, expected_code, expected_text) in [
        (&["--dir", "::guest"][..], 2, "invalid --dir `::guest`"),
        (&["--dir", "host::"], 2, "invalid --dir `host::`"),
        (&["--env", "=value"], 2, "invalid --env `=value`"),
        (
            &["--dir", "/definitely/not/here"],
            1,
            "failed to open directory /definitely/not/here",
        ),
        (&["--tcplisten", "not an address"], 1, "cannot listen on"),
    ] {
        let mut full = vec!["run"];
        full.extend_from_slice(args);
        full.extend_from_slice(&[&exit, "0"]);
        let output = zwasm(&full);
        assert_eq!(
            code(&output),
            expected_code,
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(expected_text),
            "{args:?}: {}",
            stderr(&output)
        );
        // Nothing ran.
        assert_eq!(stdout(&output), "", "{args:?}");
    }
}

#[test]
fn invoke_works_on_a_module_that_imports_wasi() {
    let file = data("wasi_invoke.wat");
    let output = zwasm(&["run", "--invoke", "greet", &file, "2"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    // The guest's own output first, then the printed result.
    assert_eq!(stdout(&output), "hello\nhello\n6\n");

    let output = zwasm(&["run", "--invoke", "quit", &file, "9"]);
    assert_eq!(code(&output), 9, "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
}

#[test]
fn a_listening_socket_is_handed_to_the_guest() {
    // Find a free port, then let zwasm bind it (a race with other processes
    // is possible but unlikely on a test machine).
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let address = format!("127.0.0.1:{port}");
    let child = command(&["run", "--tcplisten", &address, &program("sockets"), "serve"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the zwasm binary runs");
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut stream = loop {
        match TcpStream::connect(&address) {
            Ok(stream) => break stream,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            Err(err) => panic!("cannot connect to {address}: {err}"),
        }
    };
    stream.write_all(b"hello wasm\n").unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert_eq!(reply, "echo: HELLO WASM\n");
    let output = child.wait_with_output().unwrap();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("fd 3 type=6\n"), "{text}");
    assert!(text.contains("received \"hello wasm\"\n"), "{text}");
}

#[test]
fn modules_without_wasi_imports_still_run() {
    let output = zwasm(&["run", &data("start_ok.wat")]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let output = zwasm(&["run", "--invoke", "add", &data("values.wat"), "1", "2"]);
    assert_eq!(stdout(&output), "3\n");
}
