//! The data a lexicon file parses into. Kept free of `crate::` paths because `build.rs` compiles this file
//! (with the native parser) to precompile the built-in lexicons.

use serde::Serialize;
use sha2::Digest;
use std::collections::BTreeMap;

/// The lexicon kinds a native file may declare.
pub const KINDS: &[&str] = &[
    "terms",
    "abbreviations",
    "boilerplate",
    "outlets",
    "cues",
    "entities",
    "sources",
];

/// One category of a term lexicon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Category {
    pub id: String,
    pub description: String,
}

/// One lexicon entry after parsing (one per `[[entry]]`, or one per term of `terms = [...]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// The term as written (may end in `*` for a prefix wildcard). Empty when `pattern` is used.
    pub term: String,
    /// A regular expression instead of a term (used by line-oriented kinds such as `boilerplate`).
    pub pattern: Option<String>,
    pub category: String,
    pub weight: f64,
    pub neutral: Option<String>,
    pub note: Option<String>,
    pub case_sensitive: bool,
    /// Generate plural / -ed / -ing forms.
    pub inflect: bool,
    /// Extra explicit surface forms.
    pub forms: Vec<String>,
    /// Longer phrases that cancel a match they cover.
    pub except: Vec<String>,
    /// Where the entry applies: "any" (default), "headline", "body", "quote".
    pub scope: String,
    /// Contested-pair group ("regime/government"): members of a pair share a group.
    pub group: Option<String>,
    /// Kind-specific string attributes (e.g. `class` for cues, `side`/`kind` for entities,
    /// `region` for boilerplate, `outlet` for outlets). Unknown keys for the kind are errors.
    pub attrs: BTreeMap<String, String>,
    /// 1-based line of the entry in its file, for diagnostics.
    pub line: usize,
}

/// One lexicon file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lexicon {
    pub name: String,
    pub version: String,
    /// What the lexicon is for: `terms`, `abbreviations`, `boilerplate`, `outlets`, `cues`, `entities`, ...
    pub kind: String,
    pub description: String,
    /// `builtin:loaded.toml` or the file path it came from.
    pub origin: String,
    /// sha256 of the file bytes, lowercase hex.
    pub sha256: String,
    pub categories: Vec<Category>,
    pub entries: Vec<Entry>,
}

impl Lexicon {
    /// Records where the lexicon came from: `origin` as given, and the sha256 (lowercase hex) of the
    /// file's bytes as read, before any BOM is skipped.
    pub fn set_source(&mut self, origin: &str, bytes: &[u8]) {
        self.origin = origin.to_string();
        self.sha256 = sha2::Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
    }
}
