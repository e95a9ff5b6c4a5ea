//! Input: readers for text/markdown, HTML, JSONL files and JSONL on stdin; outlet resolution; run
//! accounting. Every input becomes either a [`Document`] or a [`Skip`] with its reason — nothing is lost.
//!
//! INTERFACE CONTRACT: other modules rely on the public names below.
//!
//! # Reading rules
//!
//! [`read_inputs`] streams the inputs named on the command line, in order:
//!
//! - **`-`**: JSONL on stdin (read once; a second `-` is skipped). Record ids default to `-:<line>`.
//! - **a folder**: walked lazily and recursively, depth-first in byte order of names (so sorted by
//!   path). Hidden names (starting with `.`) are ignored, and so are files whose extension is not one of
//!   [`SUPPORTED_EXTENSIONS`]. Symlinks are followed; a symlinked folder that leads back to one of its
//!   ancestors (a loop) or to a folder already read is skipped with a reason. The document id of a file
//!   is its path relative to the folder, with `/` separators (`nyt/2024/a.txt`); the first folder under
//!   the root is the file's folder outlet (`nyt`); files directly in the root have none.
//! - **a file**: read by extension (`.txt`, `.md`/`.markdown`, `.html`/`.htm`, `.jsonl`/`.ndjson`,
//!   case-insensitive). Its id is the path exactly as given on the command line; it has no folder
//!   outlet. A file with another extension is a [`Skip`] ("unsupported file type").
//! - a path that does not exist is an [`Error::Io`](crate::Error::Io) (yielded first, before any
//!   document, since all named paths are checked up front); every other problem — permission denied,
//!   a file vanishing mid-run, a binary or empty file — is a [`Skip`] with the reason.
//!
//! JSONL records: `id` (string or number) else `<file>:<line>` with `file` as given (or as found under a
//! folder: the folder path joined with the relative path) and a 1-based line. A malformed line is an
//! [`Error::Input`](crate::Error::Input) that ends the stream, or with `keep_going` a [`Skip`] with id
//! `file:line`.
//!
//! Outlets: the record's field → `--outlet` → folder → signature detection → `unknown`
//! (see [`OutletSource`]).

mod decode;
mod files;
mod html;
mod jsonl;
mod outlet;
#[cfg(test)]
mod tests;
mod walk;

pub use files::{format_for, SUPPORTED_EXTENSIONS};
pub use jsonl::{read_jsonl, JsonlReader};
pub use outlet::{detect_outlet, UNKNOWN_OUTLET};

use crate::{Error, Result};
use files::{read_file_document, FileCtx};
use serde::Serialize;
use std::collections::VecDeque;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use walk::{WalkEvent, Walker};

/// How the outlet of a document was determined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutletSource {
    /// The record's own outlet field (JSONL).
    Field,
    /// `--outlet NAME`.
    Flag,
    /// The first folder under the input root (`corpus/nyt/a.txt` → `nyt`).
    Folder,
    /// A signature line matched by the `outlets` lexicon ("Press TV").
    Detected,
    /// None of the above: `unknown`.
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Text,
    Markdown,
    Html,
    Jsonl,
}

/// One article ready for analysis.
#[derive(Debug, Clone)]
pub struct Document {
    /// File path relative to its input root, or the JSONL id (`<file>:<line>` when missing).
    pub id: String,
    pub outlet: String,
    pub outlet_source: OutletSource,
    pub title: Option<String>,
    pub date: Option<String>,
    pub url: Option<String>,
    pub byline: Option<String>,
    /// The document text (UTF-8, BOM removed; for HTML the extracted text). All spans index into it.
    pub text: String,
    pub format: Format,
    /// True when the first non-blank line of `text` is the headline: always for text and markdown files
    /// (whose title is that line, `#` markers stripped for markdown); for JSONL and HTML when that line,
    /// trimmed, equals the title.
    pub first_line_is_headline: bool,
    /// Non-fatal problems (e.g. invalid UTF-8 decoded lossily).
    pub warnings: Vec<String>,
    /// Where it came from: file path and (for JSONL) 1-based line.
    pub path: PathBuf,
    pub line: Option<usize>,
}

/// An input that was read but not analyzed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skip {
    /// The document id when known, else the path (`file:line` for JSONL lines).
    pub id: String,
    pub reason: String,
}

#[derive(Debug)]
pub enum Item {
    Doc(Box<Document>),
    Skip(Skip),
}

/// Outlet signatures from `outlets` lexicons: a regex matched against lines of the text → outlet name.
#[derive(Debug, Clone)]
pub struct OutletRules {
    signatures: Vec<(crate::lexicon::Pattern, String)>,
    /// The signatures' literal gate: a signature none of whose required literals occurs anywhere in a text
    /// cannot match any of its lines, so its regexes are neither compiled nor run for that text (most
    /// signatures name their outlet, and most texts name few outlets).
    gate: crate::lexicon::pattern::Gate,
}

impl OutletRules {
    /// Rules for `signatures` (pattern, outlet name), tried in this order.
    pub fn new(signatures: Vec<(crate::lexicon::Pattern, String)>) -> Self {
        let sources: Vec<&str> = signatures.iter().map(|(p, _)| p.gate_source()).collect();
        let gate = crate::lexicon::pattern::Gate::new(&sources);
        OutletRules { signatures, gate }
    }
}

impl Default for OutletRules {
    fn default() -> Self {
        OutletRules::new(Vec::new())
    }
}

/// Reader settings (from the CLI).
#[derive(Debug, Clone)]
pub struct InputOptions {
    pub text_field: String,
    pub id_field: String,
    pub outlet_field: String,
    pub title_field: String,
    pub date_field: String,
    pub url_field: String,
    /// `--outlet NAME`.
    pub outlet: Option<String>,
    /// Skip malformed JSONL lines (recorded) instead of stopping.
    pub keep_going: bool,
    pub outlet_rules: OutletRules,
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            text_field: "text".into(),
            id_field: "id".into(),
            outlet_field: "outlet".into(),
            title_field: "title".into(),
            date_field: "date".into(),
            url_field: "url".into(),
            outlet: None,
            keep_going: false,
            outlet_rules: OutletRules::default(),
        }
    }
}

/// Counts for run accounting: `documents + skipped` items were read from `inputs` named paths.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct InputStats {
    /// Paths named (each `-` counts once).
    pub inputs: usize,
    /// Documents yielded.
    pub documents: usize,
    /// Skips yielded.
    pub skipped: usize,
}

type DynJsonl = JsonlReader<Box<dyn BufRead + Send>>;

/// The stream of input items; see the module documentation for the rules. Ends after the first `Err`.
pub struct Inputs {
    opts: Arc<InputOptions>,
    pending: VecDeque<PathBuf>,
    /// The folder being walked and its root.
    walker: Option<(PathBuf, Walker)>,
    jsonl: Option<DynJsonl>,
    stdin_used: bool,
    error: Option<Error>,
    finished: bool,
    stats: InputStats,
}

/// Read all `inputs` (files, folders, `.jsonl` files, `-` for stdin) lazily, in order.
pub fn read_inputs(inputs: &[PathBuf], opts: &InputOptions) -> Inputs {
    let error = inputs.iter().find_map(|p| {
        if p.as_os_str() == "-" {
            return None;
        }
        match std::fs::symlink_metadata(p) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(Error::io(p, e)),
            _ => None,
        }
    });
    Inputs {
        opts: Arc::new(opts.clone()),
        pending: inputs.iter().cloned().collect(),
        walker: None,
        jsonl: None,
        stdin_used: false,
        error,
        finished: false,
        stats: InputStats {
            inputs: inputs.len(),
            ..InputStats::default()
        },
    }
}

impl Inputs {
    /// How many paths were named (for run accounting).
    pub fn input_count(&self) -> usize {
        self.stats.inputs
    }

    /// Counts so far (complete once the iterator is exhausted).
    pub fn stats(&self) -> InputStats {
        self.stats
    }

    fn open_jsonl(
        &mut self,
        path: &Path,
        file: String,
        folder_outlet: Option<String>,
        id: String,
    ) -> Option<Item> {
        match std::fs::File::open(path) {
            Ok(f) => {
                let reader: Box<dyn BufRead + Send> =
                    Box::new(std::io::BufReader::with_capacity(64 * 1024, f));
                self.jsonl = Some(JsonlReader::new(
                    reader,
                    file,
                    path.to_path_buf(),
                    folder_outlet,
                    Arc::clone(&self.opts),
                ));
                None
            }
            Err(e) => Some(Item::Skip(Skip {
                id,
                reason: format!("cannot read: {e}"),
            })),
        }
    }

    /// Start reading a path named on the command line; returns an item when it is read at once.
    fn start(&mut self, path: PathBuf) -> Option<Item> {
        let given = path.to_string_lossy().into_owned();
        if path.as_os_str() == "-" {
            if self.stdin_used {
                return Some(Item::Skip(Skip {
                    id: "-".into(),
                    reason: "stdin already read".into(),
                }));
            }
            self.stdin_used = true;
            let reader: Box<dyn BufRead + Send> =
                Box::new(std::io::BufReader::new(std::io::stdin()));
            self.jsonl = Some(JsonlReader::new(
                reader,
                "-".into(),
                path,
                None,
                Arc::clone(&self.opts),
            ));
            return None;
        }
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) => {
                let what = if std::fs::symlink_metadata(&path).is_ok() {
                    "broken symlink"
                } else {
                    "cannot read"
                };
                return Some(Item::Skip(Skip {
                    id: given,
                    reason: format!("{what}: {e}"),
                }));
            }
        };
        if meta.is_dir() {
            let walker = Walker::new(&path);
            self.walker = Some((path, walker));
            return None;
        }
        match format_for(&path) {
            Some(Format::Jsonl) => self.open_jsonl(&path, given.clone(), None, given),
            Some(format) => {
                let ctx = FileCtx {
                    path,
                    id: given,
                    folder_outlet: None,
                };
                Some(read_file_document(&ctx, format, &self.opts))
            }
            None => {
                let json = path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("json"));
                let hint = if json {
                    "; JSON is read as JSONL only: one object per line, named .jsonl"
                } else {
                    ""
                };
                Some(Item::Skip(Skip {
                    id: given,
                    reason: format!(
                        "unsupported file type (expected .{}{hint})",
                        SUPPORTED_EXTENSIONS.join(", .")
                    ),
                }))
            }
        }
    }

    /// A file found while walking a folder.
    fn found(&mut self, root: &Path, path: PathBuf, rel: Vec<String>) -> Option<Item> {
        let id = rel.join("/");
        let folder_outlet = if rel.len() >= 2 {
            rel.first().cloned()
        } else {
            None
        };
        match format_for(&path) {
            Some(Format::Jsonl) => {
                let file = root.join(rel.join("/")).to_string_lossy().into_owned();
                self.open_jsonl(&path, file, folder_outlet, id)
            }
            Some(format) => {
                let ctx = FileCtx {
                    path,
                    id,
                    folder_outlet,
                };
                Some(read_file_document(&ctx, format, &self.opts))
            }
            None => None,
        }
    }

    fn next_item(&mut self) -> Option<Result<Item>> {
        if self.finished {
            return None;
        }
        if let Some(e) = self.error.take() {
            self.finished = true;
            return Some(Err(e));
        }
        loop {
            if let Some(reader) = self.jsonl.as_mut() {
                match reader.next() {
                    Some(item) => {
                        if item.is_err() {
                            self.finished = true;
                        }
                        return Some(item);
                    }
                    None => self.jsonl = None,
                }
                continue;
            }
            if let Some((root, walker)) = self.walker.as_mut() {
                match walker.next() {
                    Some(WalkEvent::Skip(skip)) => return Some(Ok(Item::Skip(skip))),
                    Some(WalkEvent::File { path, rel }) => {
                        let root = root.clone();
                        if let Some(item) = self.found(&root, path, rel) {
                            return Some(Ok(item));
                        }
                    }
                    None => self.walker = None,
                }
                continue;
            }
            let path = self.pending.pop_front()?;
            if let Some(item) = self.start(path) {
                return Some(Ok(item));
            }
        }
    }
}

impl Iterator for Inputs {
    type Item = Result<Item>;

    fn next(&mut self) -> Option<Result<Item>> {
        let item = self.next_item();
        match &item {
            Some(Ok(Item::Doc(_))) => self.stats.documents += 1,
            Some(Ok(Item::Skip(_))) => self.stats.skipped += 1,
            _ => {}
        }
        item
    }
}
