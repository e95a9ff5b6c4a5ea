//! Typed library errors. The binary maps them to exit codes (see `cli`).
use std::path::PathBuf;

/// A position in a lexicon or input file, 1-based, for diagnostics shaped `file:line:col`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub col: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A lexicon file is malformed. `message` says what was expected.
    #[error("{location}: {message}")]
    Lexicon { location: Location, message: String },
    /// An input record is malformed (e.g. a JSONL line that is not JSON), named by `file:line`.
    #[error("{file}:{line}: {message}")]
    Input { file: String, line: usize, message: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Other(String),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
