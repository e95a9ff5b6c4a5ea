//! Attribution extraction: direct, indirect, mixed and "according to" attributions, speaker resolution and
//! sides. Cue verbs, function words, roles and entities come from lexicons (`cues`, `entities`); see
//! `docs/attribution.md` for the method.
//!
//! INTERFACE CONTRACT: `AttributionRules::from_lexicons`, `extract` and the `Attribution` fields are used by
//! the pipeline. All offsets are byte offsets into the document text.

use crate::lexicon::LexiconSet;
use crate::text::TextModel;

mod extract;
mod resolve;
mod rules;
mod scan;
mod sides;

pub use rules::AttributionRules;
pub use sides::{load_sides, parse_sides, SideDef, Sides};

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
    pub kind: &'static str,
    /// Interned ([`crate::names`]): a side comes from the entities lexicon or the sides file.
    pub side: Option<&'static str>,
    /// name, surname, pronoun, role, none
    pub resolved_from: &'static str,
    /// Role or title when known ("Kremlin spokesman").
    pub role: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attribution {
    /// direct | indirect | mixed | according_to
    pub kind: &'static str,
    pub cue: Option<ByteSpan>,
    /// Lemma of the cue ("say", "according to"), interned with the cue rules.
    pub cue_lemma: Option<&'static str>,
    /// neutral | endorsing | emphatic | distancing | pejorative (see lexicons/cues.toml)
    pub verb_class: Option<&'static str>,
    pub source: Option<ByteSpan>,
    pub content: ByteSpan,
    pub speaker: Speaker,
    /// For a quotation that continues an earlier attribution without a cue of its own (the second half of
    /// `“…,” he said. “…”`, or a quote-only paragraph after an attribution): the index of that attribution
    /// in the returned list. Such attributions have no cue and no source and share the speaker.
    pub continues: Option<usize>,
}

/// Find the attributions of one article, in text order.
pub fn extract(text: &str, model: &TextModel, rules: &AttributionRules) -> Vec<Attribution> {
    extract::extract(text, model, rules)
}

/// Build attribution rules from lexicons; convenience for callers that have a `LexiconSet`.
pub fn rules_from(lex: &LexiconSet) -> crate::Result<AttributionRules> {
    AttributionRules::from_lexicons(lex)
}

#[cfg(test)]
mod tests;
