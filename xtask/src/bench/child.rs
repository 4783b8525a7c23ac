//! One timed child process: wall-clock time, its own peak RSS and its output.
//!
//! std's `Child::wait` cannot report resource usage, and
//! `getrusage(RUSAGE_CHILDREN)` only gives the largest RSS of all children
//! so far, so the child is reaped with `wait4`, which reports that one
//! child's usage. This is the only place in xtask that needs `unsafe`.

#![allow(unsafe_code)]

use std::ffi::OsString;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// What a finished child did.
#[derive(Debug)]
pub(crate) struct Outcome {
    pub(crate) wall: Duration,
    /// Peak resident set size in KiB.
    pub(crate) max_rss_kib: u64,
    /// The exit code, or None when a signal (including our timeout) ended it.
    pub(crate) exit_code: Option<i32>,
    pub(crate) timed_out: bool,
    pub(crate) stdout: Vec<u8>,
    pub(crate) stderr: Vec<u8>,
}

/// A command line: the program and its arguments.
#[derive(Debug, Clone)]
pub(crate) struct CommandLine {
    pub(crate) program: PathBuf,
    pub(crate) args: Vec<OsString>,
}

impl CommandLine {
    pub(crate) fn display(&self) -> String {
        let mut text = self.program.display().to_string();
        for arg in &self.args {
            text.push(' ');
            text.push_str(&arg.to_string_lossy());
        }
        text
    }
}

/// Runs `line` to completion, killing it after `timeout`.
pub(crate) fn run(line: &CommandLine, timeout: Duration) -> anyhow::Result<Outcome> {
    let mut command = Command::new(&line.program);
    command
        .args(&line.args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());

    let started = Instant::now();
    let mut child = command
        .spawn()
        .with_context(|| format!("cannot start `{}`", line.program.display()))?;
    let pid = libc::pid_t::try_from(child.id()).context("child pid out of range")?;
    let stdout = reader(child.stdout.take());
    let stderr = reader(child.stderr.take());

    let (done, done_rx) = mpsc::channel::<()>();
    let watchdog = thread::spawn(move || {
        if done_rx.recv_timeout(timeout).is_err() {
            // The child is not reaped before this thread is joined, so the
            // pid cannot have been reused by another process.
            // SAFETY: kill has no memory-safety preconditions.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            return true;
        }
        false
    });

    let exited = wait_without_reaping(pid);
    let wall = started.elapsed();
    let _ = done.send(());
    let timed_out = watchdog.join().unwrap_or(false);
    let (status, usage) = reap(pid)?;
    exited?;

    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    Ok(Outcome {
        wall,
        max_rss_kib: u64::try_from(usage.ru_maxrss).unwrap_or(0),
        exit_code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        timed_out,
        stdout,
        stderr,
    })
}

fn reader(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

/// Blocks until the child has exited but leaves it a zombie, so that the
/// clock stops at its exit while the watchdog can still not hit a reused pid.
fn wait_without_reaping(pid: libc::pid_t) -> anyhow::Result<()> {
    let id = libc::id_t::try_from(pid).context("child pid out of range")?;
    loop {
        // SAFETY: siginfo_t is plain data; waitid only writes into it.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: `info` is a valid, writable siginfo_t.
        let rc = unsafe { libc::waitid(libc::P_PID, id, &mut info, libc::WEXITED | libc::WNOWAIT) };
        if rc == 0 {
            return Ok(());
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            bail!("waitid failed: {err}");
        }
    }
}

fn reap(pid: libc::pid_t) -> anyhow::Result<(libc::c_int, libc::rusage)> {
    loop {
        let mut status: libc::c_int = 0;
        // SAFETY: rusage is plain data; wait4 only writes into it.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: both pointers are valid and writable.
        let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if rc == pid {
            return Ok((status, usage));
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            bail!("wait4 failed: {err}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> CommandLine {
        CommandLine {
            program: "sh".into(),
            args: vec!["-c".into(), script.into()],
        }
    }

    #[test]
    fn captures_output_exit_code_and_memory() {
        let outcome = run(
            &sh("echo out; echo err >&2; exit 3"),
            Duration::from_secs(30),
        )
        .expect("sh runs");
        assert_eq!(outcome.stdout, b"out\n");
        assert_eq!(outcome.stderr, b"err\n");
        assert_eq!(outcome.exit_code, Some(3));
        assert!(!outcome.timed_out);
        assert!(outcome.max_rss_kib > 0);
    }

    #[test]
    fn kills_a_child_that_overruns() {
        let outcome = run(&sh("exec sleep 30"), Duration::from_millis(100)).expect("sh runs");
        assert!(outcome.timed_out);
        assert_eq!(outcome.exit_code, None);
        assert!(outcome.wall < Duration::from_secs(10));
    }

    #[test]
    fn a_missing_program_is_an_error() {
        let line = CommandLine {
            program: "/nonexistent/zwasm-bench-test".into(),
            args: Vec::new(),
        };
        assert!(run(&line, Duration::from_secs(1)).is_err());
    }
}
