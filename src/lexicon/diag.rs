//! Lexicon diagnostics: `file:line:col: message`, as data (the CLI prints them). Free of `crate::` paths:
//! `build.rs` compiles this file with the native parser.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    /// Something tolerated (e.g. a LIWC conditional code that was skipped).
    Warning,
}

/// One finding about a lexicon file. `line` and `col` are 1-based; `col` counts characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl Diagnostic {
    pub fn error(file: &str, line: usize, col: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_string(),
            line,
            col,
            message: message.into(),
        }
    }

    pub fn warning(file: &str, line: usize, col: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            file: file.to_string(),
            line,
            col,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.severity {
            Severity::Error => write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.line, self.col, self.message
            ),
            Severity::Warning => write!(
                f,
                "{}:{}:{}: warning: {}",
                self.file, self.line, self.col, self.message
            ),
        }
    }
}

/// 1-based line and character column of byte `pos` in `src` (clamped to the text).
pub fn line_col(src: &[u8], pos: usize) -> (usize, usize) {
    let pos = pos.min(src.len());
    let before = &src[..pos];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    // Count characters, not bytes: UTF-8 continuation bytes are 0b10xx_xxxx.
    let col = before[line_start..]
        .iter()
        .filter(|&&b| (b & 0xC0) != 0x80)
        .count()
        + 1;
    (line, col)
}

/// Collects diagnostics for one file whose text is `src`.
pub struct Sink<'a> {
    pub src: &'a str,
    pub file: &'a str,
    pub diagnostics: Vec<Diagnostic>,
    /// Byte offset of the start of each line, for fast line lookups in large files.
    line_starts: Vec<usize>,
}

impl<'a> Sink<'a> {
    pub fn new(src: &'a str, file: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(src.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Sink {
            src,
            file,
            diagnostics: Vec::new(),
            line_starts,
        }
    }

    /// Line/col of a byte offset (1:1 when unknown).
    pub fn pos(&self, at: Option<usize>) -> (usize, usize) {
        let Some(at) = at.map(|p| p.min(self.src.len())) else {
            return (1, 1);
        };
        let line = self.line_starts.partition_point(|&s| s <= at).max(1);
        let start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        let col = self
            .src
            .as_bytes()
            .get(start..at)
            .map_or(0, |b| b.iter().filter(|&&b| (b & 0xC0) != 0x80).count());
        (line, col + 1)
    }

    pub fn error(&mut self, at: Option<usize>, message: impl Into<String>) {
        let (line, col) = self.pos(at);
        self.diagnostics
            .push(Diagnostic::error(self.file, line, col, message));
    }

    pub fn warning(&mut self, at: Option<usize>, message: impl Into<String>) {
        let (line, col) = self.pos(at);
        self.diagnostics
            .push(Diagnostic::warning(self.file, line, col, message));
    }
}

/// Why `term` is not a valid term, if it is not: empty, or a `*` anywhere but at the end of a term that has
/// something before it.
pub fn term_problem(term: &str) -> Option<String> {
    let t = term.trim();
    if t.is_empty() {
        return Some("empty term".to_string());
    }
    let body = t.strip_suffix('*').unwrap_or(t);
    if body.contains('*') {
        return Some(format!(
            "bad wildcard \"{t}\": '*' is only allowed at the end of a term"
        ));
    }
    if body.trim().is_empty() {
        return Some(format!(
            "bad wildcard \"{t}\": '*' needs a prefix before it"
        ));
    }
    if t.ends_with('*') && body.ends_with(char::is_whitespace) {
        return Some(format!(
            "bad wildcard \"{t}\": '*' must follow a word character"
        ));
    }
    None
}
