//! Attribution extraction: direct, indirect, mixed and "according to" attributions, speaker resolution and
//! sides. Cue verbs, roles and entities come from lexicons (`cues`, `entities`).
//!
//! INTERFACE CONTRACT: `AttributionRules::from_lexicons`, `extract` and the `Attribution` fields are used by
//! the pipeline. All offsets are byte offsets into the document text.

use crate::lexicon::LexiconSet;
use crate::text::TextModel;

/// A byte range `start..end` in the document text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ByteSpan {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Speaker {
    /// Canonical name ("Dmitry Peskov", "United States", "Reuters"); "unknown" when unresolved.
    pub name: String,
    /// person, organization, government, document, anonymous, media, unknown
    pub kind: String,
    pub side: Option<String>,
    /// name, surname, pronoun, role, none
    pub resolved_from: String,
    /// Role or title when known ("Kremlin spokesman").
    pub role: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attribution {
    /// direct | indirect | mixed | according_to
    pub kind: String,
    pub cue: Option<ByteSpan>,
    /// Lemma of the cue ("say", "according to").
    pub cue_lemma: Option<String>,
    /// neutral | endorsing | emphatic | distancing | pejorative (see lexicons/cues.toml)
    pub verb_class: Option<String>,
    pub source: Option<ByteSpan>,
    pub content: ByteSpan,
    pub speaker: Speaker,
}

/// Everything extraction needs from lexicons, compiled once per run.
#[derive(Debug, Default)]
pub struct AttributionRules {}

impl AttributionRules {
    pub fn from_lexicons(_lex: &LexiconSet) -> crate::Result<Self> {
        Ok(AttributionRules {})
    }
}

/// Find the attributions of one article, in text order.
pub fn extract(_text: &str, _model: &TextModel, _rules: &AttributionRules) -> Vec<Attribution> {
    Vec::new()
}
