//! Input: readers for text/markdown, HTML, JSONL files and JSONL on stdin; outlet resolution; run
//! accounting. Every input becomes either a [`Document`] or a [`Skip`] with its reason — nothing is lost.
//!
//! INTERFACE CONTRACT: other modules rely on the public names below.

use serde::Serialize;
use std::path::PathBuf;

/// How the outlet of a document was determined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
    /// True when the first line of `text` is the headline (text files; JSONL when text starts with title).
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
#[derive(Debug, Clone, Default)]
pub struct OutletRules {
    pub signatures: Vec<(regex::Regex, String)>,
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
