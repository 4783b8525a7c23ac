//! How a command fails, and which exit code each kind of failure gets.

use std::process::ExitCode;

#[derive(Debug)]
pub(crate) enum CliFailure {
    /// The command line is wrong (exit 2, like clap's own usage errors).
    Usage(String),
    /// Wasm trapped (exit 134, like wasmtime). `context` says what was running.
    Trap {
        context: String,
        error: zwasm::Error,
    },
    /// Anything else: unreadable file, invalid module, link error (exit 1).
    Error(anyhow::Error),
}

impl CliFailure {
    /// Prints the failure to stderr and returns its exit code.
    pub(crate) fn report(self) -> ExitCode {
        match self {
            CliFailure::Usage(message) => {
                eprintln!("error: {message}");
                eprintln!("\nFor more information, try '--help'.");
                ExitCode::from(2)
            }
            CliFailure::Trap { context, error } => {
                eprintln!("Error: {context}\n\nCaused by:");
                for line in error.to_string().lines() {
                    eprintln!("    {line}");
                }
                ExitCode::from(134)
            }
            CliFailure::Error(error) => {
                // The cause chain by hand: anyhow's `{:?}` would append a
                // Rust backtrace whenever RUST_BACKTRACE is set.
                eprintln!("Error: {error}");
                let causes: Vec<String> = error.chain().skip(1).map(ToString::to_string).collect();
                if !causes.is_empty() {
                    eprintln!("\nCaused by:");
                    for cause in causes {
                        for line in cause.lines() {
                            eprintln!("    {line}");
                        }
                    }
                }
                ExitCode::from(1)
            }
        }
    }
}

impl From<anyhow::Error> for CliFailure {
    fn from(error: anyhow::Error) -> Self {
        CliFailure::Error(error)
    }
}
