//! Lexicons: the data that drives all matching. Owns the file formats (native TOML, LIWC `.dic`, plain
//! lists), diagnostics with `file:line:col`, the built-in defaults compiled from `lexicons/`, user overrides
//! (`--lexicons DIR`) and the compiled term matcher.
//!
//! INTERFACE CONTRACT (other modules rely on these names; see `docs/lexicon-format.md`).

use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

mod builtin;
mod diag;
mod liwc;
pub mod matcher;
mod model;
mod native;
mod normalize;
mod packed;
pub mod pattern;
mod plain;
mod trie;

pub use diag::{Diagnostic, Severity};
pub use matcher::{MatchView, TermHit, TermMatcher};
pub use model::{Category, Entry, Lexicon, KINDS};
pub use pattern::Pattern;

impl Entry {
    /// A term entry with default settings (weight 1, scope `any`), for tests and programmatic lexicons.
    pub fn new_term(term: &str, category: &str) -> Self {
        Entry {
            term: term.to_string(),
            pattern: None,
            category: category.to_string(),
            weight: 1.0,
            neutral: None,
            note: None,
            case_sensitive: false,
            inflect: false,
            forms: Vec::new(),
            except: Vec::new(),
            scope: "any".to_string(),
            group: None,
            attrs: BTreeMap::new(),
            line: 0,
        }
    }

    /// True for a `term`-style entry ending in `*` (prefix wildcard).
    pub fn is_wildcard(&self) -> bool {
        self.pattern.is_none() && self.term.ends_with('*')
    }

    /// The compiled `pattern` of a pattern entry (case-insensitive unless `case_sensitive`), `None` for a
    /// term entry. Patterns of parsed lexicons were already checked, so an error here means the entry was
    /// built by hand.
    pub fn regex(&self) -> Option<Result<regex::Regex, regex::Error>> {
        self.pattern
            .as_deref()
            .map(|p| compile_pattern(p, self.case_sensitive))
    }

    /// A kind-specific attribute (`attrs[key]`).
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs.get(key).map(String::as_str)
    }
}

/// Compiles an entry pattern. Case-insensitivity is written into the pattern (`(?i)`) rather than set on a
/// builder, so `Regex::as_str` is the whole pattern (prefilters are derived from it).
fn compile_pattern(pattern: &str, case_sensitive: bool) -> Result<regex::Regex, regex::Error> {
    if case_sensitive {
        regex::Regex::new(pattern)
    } else {
        regex::Regex::new(&format!("(?i){pattern}"))
    }
}

impl Diagnostic {
    /// The diagnostic as the crate's error (a run stops at the first error of a lexicon).
    pub fn into_error(self) -> crate::Error {
        crate::Error::Lexicon {
            location: crate::error::Location {
                file: self.file,
                line: self.line,
                col: self.col,
            },
            message: self.message,
        }
    }
}

/// File formats, chosen by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.toml`: the native format.
    Native,
    /// `.dic`: a LIWC dictionary.
    Liwc,
    /// `.txt` / `.lst`: one term per line.
    List,
}

impl Format {
    /// The format of a file name, `None` when the extension is not a lexicon's.
    pub fn of_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "toml" => Some(Format::Native),
            "dic" => Some(Format::Liwc),
            "txt" | "lst" => Some(Format::List),
            _ => None,
        }
    }
}

/// The outcome of reading one lexicon file: the lexicon when it has no errors, and every diagnostic found.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub lexicon: Option<Lexicon>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Lexicon {
    /// Parses lexicon file content. `file` names the file in diagnostics; the lexicon name of `.dic` and list
    /// files is the stem of `file`. `origin` is recorded as is (`builtin:x.toml` or a path).
    pub fn parse(bytes: &[u8], file: &str, format: Format, origin: &str) -> Loaded {
        let src = match std::str::from_utf8(bytes) {
            Ok(s) => s.strip_prefix('\u{feff}').unwrap_or(s),
            Err(e) => {
                let (line, col) = diag::line_col(bytes, e.valid_up_to());
                return Loaded {
                    lexicon: None,
                    diagnostics: vec![Diagnostic::error(
                        file,
                        line,
                        col,
                        "file is not valid UTF-8",
                    )],
                };
            }
        };
        let stem = Path::new(file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(file);
        let (lexicon, mut diagnostics) = match format {
            Format::Native => native::parse(src, file, !origin.starts_with("builtin:")),
            Format::Liwc => liwc::parse(src, file, stem),
            Format::List => plain::parse(src, file, stem),
        };
        diagnostics.sort_by_key(|d| (d.line, d.col));
        let has_errors = diagnostics.iter().any(|d| d.severity == Severity::Error);
        let lexicon = lexicon.filter(|_| !has_errors).map(|mut l| {
            l.set_source(origin, bytes);
            l
        });
        Loaded {
            lexicon,
            diagnostics,
        }
    }

    /// Parses native TOML text; the first error is returned.
    pub fn from_toml_str(src: &str, file: &str) -> crate::Result<Lexicon> {
        Self::parse(src.as_bytes(), file, Format::Native, file).into_result()
    }

    /// Reads and parses one lexicon file (format by extension); the first error is returned.
    pub fn load(path: &Path) -> crate::Result<Lexicon> {
        let format = Format::of_path(path).ok_or_else(|| {
            crate::Error::Usage(format!(
                "{}: not a lexicon file (expected .toml, .dic, .txt or .lst)",
                path.display()
            ))
        })?;
        let bytes = std::fs::read(path).map_err(|e| crate::Error::io(path, e))?;
        let shown = path.display().to_string();
        Self::parse(&bytes, &shown, format, &shown).into_result()
    }

    /// Entry `e`'s pattern (its term when it has none) as a [`Pattern`]: the exact regex is compiled at
    /// once for a user's lexicon, so that any error is reported at start-up with its location, and on first
    /// need for the built-in lexicons (whose patterns a test compiles).
    pub fn pattern_of(&self, e: &Entry) -> crate::Result<Pattern> {
        let pat = e.pattern.as_deref().unwrap_or(&e.term);
        let source = if e.case_sensitive {
            pat.to_string()
        } else {
            format!("(?i){pat}")
        };
        let eager = !self.origin.starts_with("builtin:");
        Pattern::new(&source, eager).map_err(|err| crate::Error::Lexicon {
            location: crate::error::Location {
                file: self.origin.clone(),
                line: e.line,
                col: 1,
            },
            message: format!("invalid pattern: {err}"),
        })
    }

    /// The compiled regex of every pattern entry, with the entry. An invalid pattern (possible only in a
    /// lexicon built by hand; parsing checks them) is an error located at the entry's line.
    pub fn patterns(&self) -> crate::Result<Vec<(regex::Regex, &Entry)>> {
        let mut out = Vec::new();
        for e in &self.entries {
            match e.regex() {
                Some(Ok(re)) => out.push((re, e)),
                Some(Err(err)) => {
                    let d = Diagnostic::error(
                        &self.origin,
                        e.line,
                        1,
                        format!("invalid regex pattern: {err}"),
                    );
                    return Err(d.into_error());
                }
                None => {}
            }
        }
        Ok(out)
    }

    /// Summary row for `slantscope lexicon list`.
    pub fn summary(&self) -> LexiconSummary {
        LexiconSummary {
            name: self.name.clone(),
            kind: self.kind.clone(),
            version: self.version.clone(),
            origin: self.origin.clone(),
            sha256: self.sha256.clone(),
            entries: self.entries.len(),
            categories: self.categories.iter().map(|c| c.id.clone()).collect(),
        }
    }
}

impl Loaded {
    /// The lexicon, or the first error as a [`crate::Error::Lexicon`].
    pub fn into_result(self) -> crate::Result<Lexicon> {
        if let Some(d) = self
            .diagnostics
            .into_iter()
            .find(|d| d.severity == Severity::Error)
        {
            return Err(d.into_error());
        }
        self.lexicon
            .ok_or_else(|| crate::Error::Other("lexicon could not be read".to_string()))
    }
}

/// One row of `slantscope lexicon list`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LexiconSummary {
    pub name: String,
    pub kind: String,
    pub version: String,
    pub origin: String,
    pub sha256: String,
    pub entries: usize,
    pub categories: Vec<String>,
}

/// The result of `slantscope lexicon check [DIR]`: every lexicon that loaded and every diagnostic of every
/// file (checking does not stop at the first bad file).
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    pub lexicons: Vec<LexiconSummary>,
    pub diagnostics: Vec<Diagnostic>,
}

impl CheckReport {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// All lexicons of a run: the built-in defaults plus user files.
#[derive(Debug, Clone, Default)]
pub struct LexiconSet {
    pub lexicons: Vec<Lexicon>,
}

impl LexiconSet {
    /// The defaults compiled into the binary from `lexicons/`.
    pub fn builtin() -> crate::Result<Self> {
        Ok(LexiconSet {
            lexicons: builtin::parsed()?,
        })
    }

    /// Built-ins plus the files of `dir` (a file whose lexicon `name` equals a built-in's replaces it).
    pub fn with_user_dir(dir: &Path) -> crate::Result<Self> {
        let mut set = Self::builtin()?;
        for loaded in load_dir(dir)? {
            set.add_or_replace(loaded.into_result()?);
        }
        Ok(set)
    }

    /// Adds `lexicon`, replacing a lexicon of the same name in place.
    pub fn add_or_replace(&mut self, lexicon: Lexicon) {
        match self.lexicons.iter_mut().find(|l| l.name == lexicon.name) {
            Some(slot) => *slot = lexicon,
            None => self.lexicons.push(lexicon),
        }
    }

    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Lexicon> + 'a {
        self.lexicons.iter().filter(move |l| l.kind == kind)
    }

    /// The entries of every lexicon of `kind`, in lexicon order (e.g. all `terms` for the loaded-term
    /// matcher, all `abbreviations` for the sentence splitter).
    pub fn entries_of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        self.of_kind(kind).flat_map(|l| l.entries.iter())
    }

    /// The lexicon called `name`.
    pub fn get(&self, name: &str) -> Option<&Lexicon> {
        self.lexicons.iter().find(|l| l.name == name)
    }

    /// One row per lexicon, for `slantscope lexicon list`.
    pub fn summary(&self) -> Vec<LexiconSummary> {
        self.lexicons.iter().map(Lexicon::summary).collect()
    }

    /// Checks the built-ins and, when given, every lexicon file of `dir`; collects all diagnostics. The
    /// lexicon list is what a run with `--lexicons DIR` would use (overrides applied).
    pub fn check_dir(dir: Option<&Path>) -> crate::Result<CheckReport> {
        let mut loaded = builtin::load_all();
        if let Some(dir) = dir {
            loaded.extend(load_dir(dir)?);
        }
        let mut report = CheckReport::default();
        let mut set = LexiconSet::default();
        for l in loaded {
            report.diagnostics.extend(l.diagnostics);
            if let Some(lexicon) = l.lexicon {
                set.add_or_replace(lexicon);
            }
        }
        report.lexicons = set.summary();
        Ok(report)
    }
}

/// Reads every lexicon file of `dir`. A file whose lexicon name another file of `dir` already uses gets an
/// error instead of a lexicon.
fn load_dir(dir: &Path) -> crate::Result<Vec<Loaded>> {
    let mut out = Vec::new();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for (path, format) in user_files(dir)? {
        let shown = path.display().to_string();
        let mut loaded = match std::fs::read(&path) {
            Ok(bytes) => Lexicon::parse(&bytes, &shown, format, &shown),
            Err(e) => Loaded {
                lexicon: None,
                diagnostics: vec![Diagnostic::error(&shown, 1, 1, format!("cannot read: {e}"))],
            },
        };
        if let Some(name) = loaded.lexicon.as_ref().map(|l| l.name.clone()) {
            if let Some(first) = names.insert(name.clone(), shown.clone()) {
                let msg = format!("duplicate lexicon name \"{name}\" (also defined in {first})");
                loaded
                    .diagnostics
                    .push(Diagnostic::error(&shown, 1, 1, msg));
                loaded.lexicon = None;
            }
        }
        out.push(loaded);
    }
    Ok(out)
}

/// The lexicon files of `dir`, sorted by name (not recursive).
fn user_files(dir: &Path) -> crate::Result<Vec<(std::path::PathBuf, Format)>> {
    let rd = std::fs::read_dir(dir).map_err(|e| crate::Error::io(dir, e))?;
    let mut files = Vec::new();
    for item in rd {
        let item = item.map_err(|e| crate::Error::io(dir, e))?;
        let path = item.path();
        if let Some(format) = Format::of_path(&path).filter(|_| path.is_file()) {
            files.push((path, format));
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

#[cfg(test)]
mod tests;
