//! Errors that stop a whole script from running (as opposed to a directive
//! failing, which is recorded in the report).

use std::fmt;

#[derive(Debug)]
pub enum WastError {
    /// The script file could not be read.
    Io {
        path: String,
        source: std::io::Error,
    },
    /// The script is not valid `.wast` syntax. The message names file, line
    /// and column.
    Parse { message: String },
    /// The zwasm engine could not be created with the requested options.
    Engine { message: String },
}

impl fmt::Display for WastError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WastError::Io { path, source } => write!(f, "cannot read `{path}`: {source}"),
            WastError::Parse { message } => write!(f, "cannot parse script: {message}"),
            WastError::Engine { message } => write!(f, "cannot create engine: {message}"),
        }
    }
}

impl std::error::Error for WastError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WastError::Io { source, .. } => Some(source),
            WastError::Parse { .. } | WastError::Engine { .. } => None,
        }
    }
}
