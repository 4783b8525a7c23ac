//! The per-instance WASI state ([`WasiCtx`]) and its builder.

use std::ffi::OsStr;
use std::fmt;
use std::io;
use std::net::TcpListener;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use crate::fdtable::{Descriptor, FdTable, OpenDir};
use crate::stdio::{InputStream, OutputStream, ReadPipe, WritePipe};
use crate::sys;

/// Errors while building a [`WasiCtx`] (host-side configuration problems,
/// never guest errors).
#[derive(Debug)]
pub enum WasiError {
    /// A preopened directory could not be opened.
    Preopen {
        /// The host path given.
        host: PathBuf,
        /// Why it failed.
        source: io::Error,
    },
    /// An argument or environment entry contains a NUL byte, or an
    /// environment key is empty or contains `=`.
    InvalidString(String),
    /// A `--dir`/`--env` style option could not be parsed.
    InvalidSpec(String),
}

impl fmt::Display for WasiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WasiError::Preopen { host, source } => {
                write!(f, "failed to open directory {}: {source}", host.display())
            }
            WasiError::InvalidString(s) => write!(f, "invalid argument or environment entry {s:?}"),
            WasiError::InvalidSpec(s) => write!(f, "invalid option value {s:?}"),
        }
    }
}

impl std::error::Error for WasiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WasiError::Preopen { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The state a guest's WASI calls operate on: arguments, environment, and
/// the descriptor table (stdio, listening sockets, preopened directories).
///
/// Built with [`WasiCtxBuilder`]; keep it in the store's data and hand
/// [`crate::add_to_linker`] a projection to it.
#[derive(Debug)]
pub struct WasiCtx {
    pub(crate) args: Vec<Vec<u8>>,
    pub(crate) env: Vec<Vec<u8>>,
    pub(crate) table: FdTable,
}

impl WasiCtx {
    /// A context with no arguments, no environment and no descriptors; used
    /// as a cheap stand-in while the real one is borrowed by a call.
    pub(crate) fn empty() -> WasiCtx {
        WasiCtx {
            args: Vec::new(),
            env: Vec::new(),
            table: FdTable::default(),
        }
    }
}

/// Configures a [`WasiCtx`]: by default the guest gets no arguments, no
/// environment, empty stdin, discarded stdout/stderr and no directories.
#[derive(Debug, Default)]
pub struct WasiCtxBuilder {
    args: Vec<String>,
    env: Vec<(String, String)>,
    inherit_env: bool,
    stdin: InputStream,
    stdout: OutputStream,
    stderr: OutputStream,
    preopens: Vec<(PathBuf, String)>,
    listeners: Vec<TcpListener>,
}

impl WasiCtxBuilder {
    /// A builder with nothing granted.
    pub fn new() -> WasiCtxBuilder {
        WasiCtxBuilder::default()
    }

    /// Appends one argument (the first one is the guest's `argv[0]`).
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Appends several arguments.
    pub fn args<S: Into<String>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets one environment variable (later settings of a key win).
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        let key = key.into();
        self.env.retain(|(k, _)| *k != key);
        self.env.push((key, value.into()));
        self
    }

    /// Passes the host's whole environment, under any variables set with
    /// [`WasiCtxBuilder::env`].
    pub fn inherit_env(mut self) -> Self {
        self.inherit_env = true;
        self
    }

    /// Applies a command-line `--env` value: `K=V` sets `K`, a bare `K`
    /// copies the host's `K` if set (as `wasmtime run --env K` does).
    pub fn env_spec(self, spec: &str) -> Result<Self, WasiError> {
        match spec.split_once('=') {
            Some((key, value)) if !key.is_empty() => Ok(self.env(key, value)),
            Some(_) => Err(WasiError::InvalidSpec(spec.to_owned())),
            None if spec.is_empty() => Err(WasiError::InvalidSpec(spec.to_owned())),
            None => match std::env::var(spec) {
                Ok(value) => Ok(self.env(spec, value)),
                Err(_) => Ok(self),
            },
        }
    }

    /// Sets the guest's stdin.
    pub fn stdin(mut self, stdin: ReadPipe) -> Self {
        self.stdin = InputStream::Pipe(stdin);
        self
    }

    /// Sets the guest's stdout.
    pub fn stdout(mut self, stdout: WritePipe) -> Self {
        self.stdout = OutputStream::Pipe(stdout);
        self
    }

    /// Sets the guest's stderr.
    pub fn stderr(mut self, stderr: WritePipe) -> Self {
        self.stderr = OutputStream::Pipe(stderr);
        self
    }

    /// Connects the guest's stdin to the host process's stdin.
    pub fn inherit_stdin(mut self) -> Self {
        self.stdin = InputStream::Inherit;
        self
    }

    /// Connects the guest's stdout to the host process's stdout.
    pub fn inherit_stdout(mut self) -> Self {
        self.stdout = OutputStream::Inherit(libc::STDOUT_FILENO);
        self
    }

    /// Connects the guest's stderr to the host process's stderr.
    pub fn inherit_stderr(mut self) -> Self {
        self.stderr = OutputStream::Inherit(libc::STDERR_FILENO);
        self
    }

    /// Connects all three standard streams to the host's.
    pub fn inherit_stdio(self) -> Self {
        self.inherit_stdin().inherit_stdout().inherit_stderr()
    }

    /// Grants the guest the host directory `host` under the name `guest`
    /// (e.g. `"."`, `"/"`, `"/data"`). Everything beneath it, and nothing
    /// else, becomes reachable.
    pub fn preopened_dir(mut self, host: impl AsRef<Path>, guest: impl Into<String>) -> Self {
        self.preopens
            .push((host.as_ref().to_path_buf(), guest.into()));
        self
    }

    /// Applies a command-line `--dir HOST[::GUEST]` value; without `::GUEST`
    /// the guest sees the directory under the host path as written.
    pub fn dir_spec(self, spec: &str) -> Result<Self, WasiError> {
        let (host, guest) = match spec.split_once("::") {
            Some((host, guest)) => (host, guest),
            None => (spec, spec),
        };
        if host.is_empty() || guest.is_empty() {
            return Err(WasiError::InvalidSpec(spec.to_owned()));
        }
        Ok(self.preopened_dir(host, guest))
    }

    /// Hands the guest a listening TCP socket (as `wasmtime run
    /// --tcplisten`): it gets the next descriptor number after stdio, before
    /// the preopened directories, and is served by `sock_accept`.
    pub fn tcp_listener(mut self, listener: TcpListener) -> Self {
        self.listeners.push(listener);
        self
    }

    /// Opens the preopened directories and assembles the context.
    pub fn build(self) -> Result<WasiCtx, WasiError> {
        let mut args = Vec::with_capacity(self.args.len());
        for arg in self.args {
            args.push(nul_free(arg.into_bytes())?);
        }

        let mut env_pairs: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        if self.inherit_env {
            for (key, value) in std::env::vars_os() {
                if self.env.iter().any(|(k, _)| OsStr::new(k) == key) {
                    continue;
                }
                env_pairs.push((key.as_bytes().to_vec(), value.as_bytes().to_vec()));
            }
        }
        for (key, value) in self.env {
            if key.is_empty() || key.contains('=') {
                return Err(WasiError::InvalidString(key));
            }
            env_pairs.push((key.into_bytes(), value.into_bytes()));
        }
        let mut env = Vec::with_capacity(env_pairs.len());
        for (mut key, value) in env_pairs {
            key.push(b'=');
            key.extend_from_slice(&value);
            env.push(nul_free(key)?);
        }

        let mut table = FdTable::default();
        let push = |table: &mut FdTable, descriptor| {
            // Fewer than u32::MAX descriptors at build time: cannot fail.
            table.push(descriptor).map(|_| ())
        };
        let _ = push(&mut table, Descriptor::Stdin(self.stdin));
        let _ = push(&mut table, Descriptor::Stdout(self.stdout));
        let _ = push(&mut table, Descriptor::Stderr(self.stderr));
        for listener in self.listeners {
            let _ = push(&mut table, Descriptor::Listener(listener));
        }
        for (host, guest) in self.preopens {
            let fd = open_preopen(&host).map_err(|source| WasiError::Preopen {
                host: host.clone(),
                source,
            })?;
            let _ = push(
                &mut table,
                Descriptor::Dir(OpenDir {
                    fd,
                    preopen: Some(guest),
                }),
            );
        }
        Ok(WasiCtx { args, env, table })
    }
}

fn nul_free(bytes: Vec<u8>) -> Result<Vec<u8>, WasiError> {
    if bytes.contains(&0) {
        return Err(WasiError::InvalidString(
            String::from_utf8_lossy(&bytes).into_owned(),
        ));
    }
    Ok(bytes)
}

fn open_preopen(host: &Path) -> io::Result<std::os::fd::OwnedFd> {
    let path = std::ffi::CString::new(host.as_os_str().as_bytes())
        .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    let cwd = std::fs::File::open(".")?;
    sys::open_at(
        std::os::fd::AsFd::as_fd(&cwd),
        &path,
        libc::O_RDONLY | libc::O_DIRECTORY,
        0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_lays_out_the_descriptor_table() {
        let ctx = WasiCtxBuilder::new()
            .args(["prog", "a"])
            .env("K", "V")
            .env("K", "W")
            .preopened_dir(std::env::temp_dir(), "/tmp")
            .build()
            .unwrap();
        assert_eq!(ctx.args, vec![b"prog".to_vec(), b"a".to_vec()]);
        assert_eq!(ctx.env, vec![b"K=W".to_vec()]);
        assert!(matches!(ctx.table.get(0), Ok(Descriptor::Stdin(_))));
        assert!(
            matches!(ctx.table.get(3), Ok(Descriptor::Dir(d)) if d.preopen.as_deref() == Some("/tmp"))
        );
        assert!(ctx.table.get(4).is_err());
    }

    #[test]
    fn bad_configuration_is_reported() {
        let err = WasiCtxBuilder::new()
            .preopened_dir("/definitely/not/here", ".")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("/definitely/not/here"));
        assert!(WasiCtxBuilder::new().arg("a\0b").build().is_err());
        assert!(WasiCtxBuilder::new().env("A=B", "c").build().is_err());
        assert!(WasiCtxBuilder::new().dir_spec("::x").is_err());
        assert!(WasiCtxBuilder::new().env_spec("=x").is_err());
    }

    #[test]
    fn specs_parse_like_wasmtime() {
        let ctx = WasiCtxBuilder::new()
            .dir_spec(&format!("{}::/", std::env::temp_dir().display()))
            .unwrap()
            .env_spec("A=1=2")
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(ctx.env, vec![b"A=1=2".to_vec()]);
        assert!(
            matches!(ctx.table.get(3), Ok(Descriptor::Dir(d)) if d.preopen.as_deref() == Some("/"))
        );
    }
}
