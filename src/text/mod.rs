//! The text model: regions (headline, body, caption, boilerplate), paragraphs, sentences, word tokens,
//! quotation spans and the voice of every character. All offsets here are UTF-8 byte offsets into the
//! document text; `CharIndex` converts them to Unicode code points for output (the data contract).
//!
//! INTERFACE CONTRACT: other modules rely on the public names below.

use serde::{Deserialize, Serialize};

mod offsets;
pub use offsets::CharIndex;

/// Which part of an article a character belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
    /// False when the closing mark was missing (the quote then ends at its paragraph's end).
    pub closed: bool,
    /// Index of the paragraph the quote starts in (a quote may run over paragraphs).
    pub paragraph: usize,
}

/// A rule that classifies a whole line/paragraph as caption or boilerplate (from `boilerplate` lexicons).
#[derive(Debug, Clone)]
pub struct LineRule {
    pub regex: regex::Regex,
    pub region: Region,
}

/// The data the text model needs from lexicons, as plain data.
#[derive(Debug, Clone, Default)]
pub struct TextRules {
    /// Abbreviations after which a period does not end a sentence ("U.S.", "Sen.", "Sept.", "Dr.").
    pub abbreviations: Vec<String>,
    pub line_rules: Vec<LineRule>,
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
pub use build::build;

impl TextModel {
    /// Region of the paragraph containing byte `pos` (Boilerplate outside any paragraph).
    pub fn region_at(&self, pos: usize) -> Region {
        match self.paragraph_at(pos) {
            Some(i) => self.paragraphs[i].region,
            None => Region::Boilerplate,
        }
    }

    pub fn paragraph_at(&self, pos: usize) -> Option<usize> {
        let i = self.paragraphs.partition_point(|p| p.end <= pos);
        (i < self.paragraphs.len() && self.paragraphs[i].start <= pos).then_some(i)
    }

    pub fn sentence_at(&self, pos: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.end <= pos);
        (i < self.sentences.len() && self.sentences[i].start <= pos).then_some(i)
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
    /// quoted fragment).
    pub fn set_paraphrased(&mut self, start: usize, end: usize) {
        if start >= end {
            return;
        }
        let mut out = Vec::with_capacity(self.voice.len() + 2);
        for r in self.voice.drain(..) {
            if r.voice != Voice::Authorial || r.end <= start || r.start >= end {
                out.push(r);
                continue;
            }
            let (a, b) = (r.start.max(start), r.end.min(end));
            if r.start < a {
                out.push(VoiceRun { start: r.start, end: a, voice: r.voice });
            }
            out.push(VoiceRun { start: a, end: b, voice: Voice::Paraphrased });
            if b < r.end {
                out.push(VoiceRun { start: b, end: r.end, voice: r.voice });
            }
        }
        self.voice = out;
    }

    /// Word tokens whose start lies in a paragraph of `region`.
    pub fn word_count(&self, region: Region) -> usize {
        self.tokens
            .iter()
            .filter(|t| self.sentences[t.sentence].region == region)
            .count()
    }

    /// Index of the innermost quote that contains byte `pos` in its inner text.
    pub fn quote_at(&self, pos: usize) -> Option<usize> {
        self.quotes
            .iter()
            .enumerate()
            .filter(|(_, q)| q.inner_start <= pos && pos < q.inner_end)
            .max_by_key(|(_, q)| q.depth)
            .map(|(i, _)| i)
    }
}
