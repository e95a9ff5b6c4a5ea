//! The text model: regions (headline, body, caption, boilerplate), paragraphs, sentences, word tokens,
//! quotation spans and the voice of every character. All offsets here are UTF-8 byte offsets into the
//! document text; `CharIndex` converts them to Unicode code points for output (the data contract).
//!
//! INTERFACE CONTRACT: other modules rely on the public names below.
//!
//! What the model contains (details and rationale in each submodule's docs):
//! * **Paragraphs** — every non-blank line, trimmed of whitespace; a single line break already separates
//!   paragraphs, blank lines only separate (`regions`).
//! * **Regions** — the first matching lexicon line rule decides (caption/boilerplate); then the headline
//!   (first paragraph no rule classified, when [`BuildOptions::first_line_is_headline`]); body otherwise; a
//!   footer-tail heuristic turns short unpunctuated lines among trailing boilerplate into boilerplate. Bytes
//!   outside paragraphs have no region ([`TextModel::region_of`] returns `None`; the older
//!   [`TextModel::region_at`] reports them as boilerplate).
//! * **Sentences** — split after `.`/`!`/`?`/`…` (+ closing quotes/brackets) + whitespace + a character that
//!   can start a sentence (upper-case/caseless letter, digit, opening quote/bracket); never after a listed
//!   abbreviation or a single-letter initial; never inside numbers (`segment`).
//! * **Tokens** — alphanumeric runs with internal apostrophes, hyphens and periods, commas between digits
//!   (`segment`).
//! * **Quotes** — marks classified by their neighbours and paired on a stack; apostrophes excluded; nested
//!   quotes get `depth`; a quotation continued over paragraphs by the news convention is **one spanning
//!   `Quote`**; an unclosed quote ends at its paragraph (`closed = false`) except over soft line breaks of
//!   one-sentence-per-line text when a closing mark follows within [`MAX_SOFT_LINES`] lines (`quotes`).
//! * **Voice** — quoted inside outermost quotes **including their marks**, authorial elsewhere; runs never
//!   cross paragraphs and cover every paragraph byte exactly once (`voice`).
//!
//! [`build`] never panics and runs in linear time (plus the line-rule regexes) on any input.

use crate::lexicon::Pattern;
use serde::{Deserialize, Serialize};

mod chars;
mod offsets;
mod quotes;
mod regions;
mod segment;
mod voice;
pub use offsets::CharIndex;
pub use quotes::MAX_SOFT_LINES;
pub use regions::TAIL_MAX_WORDS;

/// Which part of an article a character belongs to.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Region {
    Headline,
    Body,
    Caption,
    Boilerplate,
}

impl Region {
    pub fn as_str(self) -> &'static str {
        match self {
            Region::Headline => "headline",
            Region::Body => "body",
            Region::Caption => "caption",
            Region::Boilerplate => "boilerplate",
        }
    }
}

/// Whose voice a character is in.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Voice {
    /// The outlet speaking in its own words.
    Authorial,
    /// Inside quotation marks.
    Quoted,
    /// The content of an indirect attribution (filled in by attribution analysis).
    Paraphrased,
}

impl Voice {
    pub fn as_str(self) -> &'static str {
        match self {
            Voice::Authorial => "authorial",
            Voice::Quoted => "quoted",
            Voice::Paraphrased => "paraphrased",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub start: usize,
    pub end: usize,
    pub region: Region,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    /// Index into `TextModel::paragraphs`.
    pub paragraph: usize,
    pub region: Region,
}

/// A word token (letters/digits; internal apostrophes and hyphens kept: "don't", "war-torn").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    /// Index into `TextModel::sentences`.
    pub sentence: usize,
}

/// A quotation: `start..end` includes the marks, `inner_start..inner_end` is the quoted text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub start: usize,
    pub end: usize,
    pub inner_start: usize,
    pub inner_end: usize,
    /// 0 for an outermost quotation, 1 for a quote inside a quote, ...
    pub depth: u8,
    /// False when the closing mark was missing: the quote then ends at the end of its (last) paragraph, or
    /// just before a new opening mark of its family that could not nest (trailing whitespace trimmed).
    pub closed: bool,
    /// Index of the paragraph the quote starts in (a quote may run over paragraphs).
    pub paragraph: usize,
}

/// A rule that classifies a whole line/paragraph as caption or boilerplate (from `boilerplate` lexicons).
#[derive(Debug, Clone)]
pub struct LineRule {
    pub pattern: Pattern,
    pub region: Region,
}

impl LineRule {
    pub fn new(pattern: Pattern, region: Region) -> Self {
        LineRule { pattern, region }
    }

    /// Whether the rule matches `line`.
    pub fn is_match(&self, line: &str) -> bool {
        self.pattern.is_match(line)
    }
}

/// The data the text model needs from lexicons, as plain data.
#[derive(Debug, Clone, Default)]
pub struct TextRules {
    /// Abbreviations after which a period does not end a sentence ("U.S.", "Sen.", "Sept.", "Dr.").
    pub abbreviations: Vec<String>,
    pub line_rules: Vec<LineRule>,
    /// `abbreviations` compiled for lookup on first use (the list is not expected to change after).
    pub(crate) abbreviation_set: std::sync::OnceLock<segment::Abbreviations>,
    /// Literal gate over `line_rules`, built on first use.
    pub(crate) line_gate: std::sync::OnceLock<crate::lexicon::pattern::Gate>,
}

impl TextRules {
    /// The gate literals of the line rules, in order: those of the line rules' own gate, and of the first
    /// patterns of a gate shared with other rules ([`build_gated`]).
    pub fn line_gate_literals(&self) -> Vec<crate::lexicon::pattern::GateLiterals> {
        self.line_rules
            .iter()
            .map(|r| crate::lexicon::pattern::gate_literals(r.pattern.as_str()))
            .collect()
    }
}

/// A run of characters in one voice: `start..end` byte offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoiceRun {
    pub start: usize,
    pub end: usize,
    pub voice: Voice,
}

#[derive(Debug, Clone, Default)]
pub struct TextModel {
    pub paragraphs: Vec<Paragraph>,
    pub sentences: Vec<Sentence>,
    pub tokens: Vec<Token>,
    pub quotes: Vec<Quote>,
    /// Sorted, non-overlapping, covering every byte of every paragraph.
    pub voice: Vec<VoiceRun>,
}

/// Options for [`build`].
#[derive(Debug, Clone, Copy, Default)]
pub struct BuildOptions {
    /// True when the first non-boilerplate line is the headline (text files). For JSONL records the
    /// caller passes true only when the text starts with the record's title.
    pub first_line_is_headline: bool,
}

mod build;
pub use build::{build, build_gated};

#[cfg(test)]
mod tests;

impl TextModel {
    /// Region of the paragraph containing byte `pos`, `None` between paragraphs.
    pub fn region_of(&self, pos: usize) -> Option<Region> {
        self.paragraph_at(pos)
            .and_then(|i| self.paragraphs.get(i))
            .map(|p| p.region)
    }

    /// Sentences of paragraph `paragraph` (a contiguous slice; empty for an unknown index).
    pub fn sentences_in(&self, paragraph: usize) -> &[Sentence] {
        let a = self.sentences.partition_point(|s| s.paragraph < paragraph);
        let b = self.sentences.partition_point(|s| s.paragraph <= paragraph);
        self.sentences.get(a..b).unwrap_or(&[])
    }

    /// Tokens of sentence `sentence` (a contiguous slice; empty for an unknown index).
    pub fn tokens_in(&self, sentence: usize) -> &[Token] {
        let a = self.tokens.partition_point(|t| t.sentence < sentence);
        let b = self.tokens.partition_point(|t| t.sentence <= sentence);
        self.tokens.get(a..b).unwrap_or(&[])
    }

    /// Region of the paragraph containing byte `pos` (Boilerplate outside any paragraph).
    pub fn region_at(&self, pos: usize) -> Region {
        match self.paragraph_at(pos) {
            Some(i) => self.paragraphs[i].region,
            None => Region::Boilerplate,
        }
    }

    /// Index of the paragraph containing byte `pos`.
    pub fn paragraph_at(&self, pos: usize) -> Option<usize> {
        let i = self.paragraphs.partition_point(|p| p.end <= pos);
        self.paragraphs
            .get(i)
            .is_some_and(|p| p.start <= pos)
            .then_some(i)
    }

    /// Index of the sentence containing byte `pos`.
    pub fn sentence_at(&self, pos: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.end <= pos);
        self.sentences
            .get(i)
            .is_some_and(|s| s.start <= pos)
            .then_some(i)
    }

    /// Voice of the character at byte `pos`.
    pub fn voice_at(&self, pos: usize) -> Voice {
        let i = self.voice.partition_point(|r| r.end <= pos);
        match self.voice.get(i) {
            Some(r) if r.start <= pos => r.voice,
            _ => Voice::Authorial,
        }
    }

    /// Mark `start..end` as paraphrased voice, leaving quoted characters quoted (a mixed quote keeps its
    /// quoted fragment). `start` and `end` should lie on char boundaries.
    pub fn set_paraphrased(&mut self, start: usize, end: usize) {
        self.set_paraphrased_all(&[(start, end)]);
    }

    /// [`TextModel::set_paraphrased`] for many spans in one pass over the voice runs (linear; one call per
    /// span rebuilt every run each time, quadratic for long texts with many attributions).
    pub fn set_paraphrased_all(&mut self, spans: &[(usize, usize)]) {
        self.set_voice_all(spans, Voice::Paraphrased);
    }

    /// Give the authorial characters inside `spans` the voice `voice` in one pass (characters already
    /// quoted or paraphrased keep their voice).
    pub fn set_voice_all(&mut self, spans: &[(usize, usize)], voice: Voice) {
        let mut iv: Vec<(usize, usize)> = spans.iter().copied().filter(|(s, e)| s < e).collect();
        if iv.is_empty() {
            return;
        }
        iv.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(iv.len());
        for (s, e) in iv {
            match merged.last_mut() {
                Some(l) if s <= l.1 => l.1 = l.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        let mut out = Vec::with_capacity(self.voice.len() + 2 * merged.len());
        let mut j = 0usize;
        for r in self.voice.drain(..) {
            if r.voice != Voice::Authorial {
                out.push(r);
                continue;
            }
            while merged.get(j).is_some_and(|&(_, e)| e <= r.start) {
                j += 1;
            }
            let mut cursor = r.start;
            let mut k = j;
            while let Some(&(s, e)) = merged.get(k) {
                if s >= r.end {
                    break;
                }
                let (a, b) = (s.max(cursor), e.min(r.end));
                if a > cursor {
                    out.push(VoiceRun {
                        start: cursor,
                        end: a,
                        voice: r.voice,
                    });
                }
                if b > a {
                    out.push(VoiceRun {
                        start: a,
                        end: b,
                        voice,
                    });
                    cursor = b;
                }
                k += 1;
            }
            if cursor < r.end {
                out.push(VoiceRun {
                    start: cursor,
                    end: r.end,
                    voice: r.voice,
                });
            }
        }
        self.voice = out;
    }

    /// Word tokens whose start lies in a paragraph of `region`.
    pub fn word_count(&self, region: Region) -> usize {
        self.tokens
            .iter()
            .filter(|t| {
                self.sentences
                    .get(t.sentence)
                    .is_some_and(|s| s.region == region)
            })
            .count()
    }

    /// Index of the innermost quote that contains byte `pos` in its inner text.
    pub fn quote_at(&self, pos: usize) -> Option<usize> {
        // Quotes are sorted by start and properly nested: the latest-starting quote containing `pos` is the
        // innermost; scanning back can stop at the first outermost quote.
        let i = self.quotes.partition_point(|q| q.start <= pos);
        for (j, q) in self.quotes.get(..i)?.iter().enumerate().rev() {
            if q.inner_start <= pos && pos < q.inner_end {
                return Some(j);
            }
            if q.depth == 0 {
                return None;
            }
        }
        None
    }
}
