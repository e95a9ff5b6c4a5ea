//! Analyzers: loaded terms ([`loaded`]), attributions ([`attribution`]) and, from their output, the
//! sourcing profile and metrics. [`Engine`] holds everything compiled from the lexicons once per run;
//! [`analyze`] turns one [`Document`] into one [`ArticleRecord`] (the `articles.jsonl` line).

pub mod attribution;
pub mod loaded;
pub mod sourcing;

use crate::compare::keyness::term_hash;
use crate::input::{Document, OutletRules};
use crate::lexicon::{LexiconSet, MatchView};
use crate::names::Name;
use crate::strlist::StrList;
use crate::text::{self, CharIndex, LineRule, Region, TextModel, TextRules, Voice};
use hashbrown::HashTable;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A span of the document text; offsets are Unicode code points (Python `str` indexing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// One loaded-term finding (`loaded_terms[]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LoadedTerm {
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// The lexicon entry that matched (for structural findings, a description such as `"…" (scare quotes)`).
    pub term: Name,
    pub category: Name,
    pub weight: f64,
    /// Whether the hit counts as loaded language (weight ≥ 0.5); lighter entries are recorded only.
    pub counted: bool,
    pub voice: Voice,
    pub region: Region,
    /// Index into `attributions` when the hit lies in an attribution's content, else null.
    pub attribution: Option<usize>,
    pub neutral: Option<Name>,
    /// Contested-pair group of the entry, if any.
    pub group: Option<Name>,
    /// Index of the sentence the hit is in (into the article's sentences, in text order).
    pub sentence: Option<usize>,
    /// Name of the lexicon the entry came from (`structural` for scare quotes).
    pub lexicon: Name,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SpeakerOut {
    pub name: String,
    pub kind: Name,
    pub side: Option<Name>,
    pub resolved_from: Name,
    pub role: Option<String>,
}

/// One attribution (`attributions[]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AttributionOut {
    #[serde(rename = "type")]
    pub kind: Name,
    pub cue: Option<Span>,
    pub cue_lemma: Option<Name>,
    pub source: Option<Span>,
    pub content: Span,
    pub speaker: SpeakerOut,
    pub verb_class: Option<Name>,
    /// Word tokens in the content.
    pub words: usize,
    /// Of those, the words inside quotation marks (all of a direct quote; the fragments of a mixed one).
    pub quoted_words: usize,
    /// For a quotation that carries on an earlier attribution without a cue of its own: the index of that
    /// attribution. Continuations add words to their speaker but are not counted as new attributions.
    pub continues: Option<usize>,
}

/// A distinct source (`sources[]`), typed by [`sourcing`] (see `docs/sourcing.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SourceOut {
    pub name: String,
    /// person | organization | government | document | anonymous | media | unknown
    pub kind: Name,
    pub side: Option<Name>,
    /// Attributions resting on this source (0 for an anonymous phrase with no extracted attribution).
    pub attributions: usize,
    pub named: bool,
    /// government_official | spokesperson | military | politician | expert | activist_ngo | citizen |
    /// journalist (from the `sources` lexicon), or null.
    #[serde(default)]
    pub role_class: Option<String>,
    /// statement | report | study | court_filing | social_media_post for document sources.
    #[serde(default)]
    pub document_class: Option<String>,
    #[serde(default)]
    pub anonymous: bool,
    /// unnamed_official | unnamed_source | agentless | vague_group for anonymous sources.
    #[serde(default)]
    pub anonymity: Option<String>,
    /// A government body, or a person whose role class is government_official, spokesperson or military.
    #[serde(default)]
    pub official: bool,
    /// A media source that is the article's own outlet.
    #[serde(default)]
    pub own_outlet: bool,
    /// Index into `attributions` of the first attribution to this source.
    #[serde(default)]
    pub first_attribution: Option<usize>,
    /// Where the source is named in the text (each attribution's source span, or the anonymous phrase).
    #[serde(default)]
    pub mentions: Vec<Span>,
}

/// A quotation found in the text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct QuoteOut {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub depth: u8,
    pub closed: bool,
    /// Index into `attributions` of the attribution whose content holds the quote, if any.
    pub attribution: Option<usize>,
}

/// A paragraph that is not body text (headline, caption, boilerplate), so users can see what was excluded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RegionOut {
    pub region: Region,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// The side label for attributions whose speaker has no side (`balance.sides[]`).
pub const UNKNOWN_SIDE: &str = "unknown";

/// Voice balance by side (one entry per side seen, plus `null` side as "unknown").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SideOut {
    pub side: String,
    pub attributions: usize,
    pub share: f64,
    pub quoted_words: usize,
    pub paraphrased_words: usize,
    pub word_share: Option<f64>,
    pub verb_classes: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BalanceOut {
    pub sides: Vec<SideOut>,
    pub first_voice: Option<String>,
    pub last_word: Option<String>,
}

/// Everything slantscope says about one article: one line of `articles.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ArticleRecord {
    pub id: String,
    pub outlet: String,
    pub outlet_source: String,
    pub title: Option<String>,
    pub date: Option<String>,
    pub url: Option<String>,
    pub byline: Option<String>,
    /// Word tokens in body paragraphs (headline, captions and boilerplate excluded).
    pub word_count: usize,
    pub headline: Option<Span>,
    /// Numbers only; `null` where undefined (e.g. a rate over zero words). Keys are fixed per run.
    pub metrics: BTreeMap<Name, Option<f64>>,
    pub balance: BalanceOut,
    pub loaded_terms: Vec<LoadedTerm>,
    pub attributions: Vec<AttributionOut>,
    pub sources: Vec<SourceOut>,
    /// Wire, photo and contributor credits (who made the article, not whom it cites).
    #[serde(default)]
    pub credits: Vec<sourcing::CreditOut>,
    /// Places where the outlet cites itself ("told Press TV", "The Post reported").
    #[serde(default)]
    pub self_references: Vec<Span>,
    /// Body sentences in authorial voice with a counted loaded term and no attribution.
    #[serde(default)]
    pub unsourced_loaded: Vec<Span>,
    pub quotes: Vec<QuoteOut>,
    pub excluded: Vec<RegionOut>,
    pub warnings: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub text: Option<String>,
    /// Lower-cased authorial-voice words (headline and body) with their number of occurrences, each word
    /// once, for keyness; not written out. Counted here, in the worker, so that the single thread that
    /// records articles only adds one count per distinct word.
    #[serde(skip)]
    pub keyness_words: WordCounts,
}

/// Distinct words, each with its number of occurrences and its [`term_hash`], held in one String (so that
/// dropping them, on the thread that records articles in input order, frees two buffers rather than one
/// String per word, and that thread need not hash the words again).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WordCounts {
    /// The words, in the order they were added.
    words: StrList,
    /// Each word's count and hash, by index.
    counts: Vec<(u64, u64)>,
}

impl WordCounts {
    /// Room for `words` words of about six bytes each.
    fn with_capacity(words: usize) -> Self {
        WordCounts {
            words: StrList::with_capacity(words, words * 6),
            counts: Vec::with_capacity(words),
        }
    }

    /// Append a word that is not yet in the list.
    fn push(&mut self, word: &str, count: u64, hash: u64) {
        self.words.push(word);
        self.counts.push((count, hash));
    }

    /// Append `word` with its ASCII capitals lower-cased (a word that is not yet in the list).
    fn push_ascii_lower(&mut self, word: &str, count: u64, hash: u64) {
        self.words.push_ascii_lower(word);
        self.counts.push((count, hash));
    }

    /// The words with their counts and hashes, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u64, u64)> + '_ {
        self.words
            .iter()
            .zip(&self.counts)
            .map(|(word, &(count, hash))| (word, count, hash))
    }
}

/// Everything compiled from the lexicons once per run.
pub struct Engine {
    pub lexicons: LexiconSet,
    pub text_rules: TextRules,
    pub outlet_rules: OutletRules,
    pub loaded: loaded::LoadedRules,
    pub attribution: attribution::AttributionRules,
    pub sourcing: sourcing::SourcingRules,
    /// Number of sides declared by a `--sides` file: the K of `balance` (else the sides seen).
    pub declared_sides: Option<usize>,
    /// The shape of every article's metric map (from the loaded lexicon's categories).
    pub metric_layout: crate::metrics::Layout,
}

impl Engine {
    /// Use a study's sides file: speakers get only its sides, and `balance` divides by its side count.
    pub fn with_sides(mut self, sides: attribution::Sides) -> Self {
        self.declared_sides = Some(sides.sides.len());
        self.attribution = self.attribution.with_sides(sides);
        self
    }

    /// Compiles the rules. The loaded-term matcher (about half of the work) is built on a second thread
    /// while this one builds the rest: start-up is most of the wall time of `score` on one article. The
    /// result does not depend on the threads.
    pub fn new(lexicons: LexiconSet) -> crate::Result<Self> {
        let (loaded, rest) = std::thread::scope(|s| {
            let loaded = s.spawn(|| loaded::LoadedRules::from_lexicons(&lexicons));
            let rest = (
                text_rules(&lexicons),
                outlet_rules(&lexicons),
                attribution::AttributionRules::from_lexicons(&lexicons),
                sourcing::SourcingRules::from_lexicons(&lexicons),
            );
            let loaded = loaded
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (loaded, rest)
        });
        // Errors in the order the rules used to be built in, one after the other.
        let (text_rules, outlet_rules, attribution, sourcing) = rest;
        let (text_rules, outlet_rules) = (text_rules?, outlet_rules?);
        let (loaded, attribution, sourcing) = (loaded?, attribution?, sourcing?);
        let sourcing = sourcing.share_paragraph_gate(&text_rules);
        Ok(Engine {
            metric_layout: crate::metrics::Layout::new(&loaded.categories),
            lexicons,
            text_rules,
            outlet_rules,
            loaded,
            attribution,
            sourcing,
            declared_sides: None,
        })
    }

    /// The metric names every record carries, in output order (fixed per run so CSV headers are stable).
    pub fn metric_names(&self) -> Vec<String> {
        crate::metrics::metric_names(self)
    }
}

fn text_rules(lex: &LexiconSet) -> crate::Result<TextRules> {
    let mut rules = TextRules::default();
    for l in lex.of_kind("abbreviations") {
        rules
            .abbreviations
            .extend(l.entries.iter().map(|e| e.term.clone()));
    }
    for l in lex.of_kind("boilerplate") {
        for e in &l.entries {
            let region = match e.attrs.get("region").map(String::as_str) {
                Some("caption") => Region::Caption,
                _ => Region::Boilerplate,
            };
            rules
                .line_rules
                .push(LineRule::new(l.pattern_of(e)?, region));
        }
    }
    Ok(rules)
}

fn outlet_rules(lex: &LexiconSet) -> crate::Result<OutletRules> {
    let mut signatures = Vec::new();
    for l in lex.of_kind("outlets") {
        for e in &l.entries {
            let outlet = e
                .attrs
                .get("outlet")
                .cloned()
                .unwrap_or_else(|| e.term.clone());
            signatures.push((l.pattern_of(e)?, outlet));
        }
    }
    Ok(OutletRules::new(signatures))
}

/// Analyze one document.
pub fn analyze(doc: &Document, engine: &Engine, include_text: bool) -> ArticleRecord {
    let text = doc.text.as_str();
    let opts = text::BuildOptions {
        first_line_is_headline: doc.first_line_is_headline,
    };
    // One literal scan of each paragraph serves the line rules here and the credits and self-references
    // of the sourcing profile.
    let mut article = engine.sourcing.article_gate(&doc.outlet);
    let mut model = article.build_text(text, &engine.text_rules, &opts, &engine.sourcing);
    let atts = attribution::extract(text, &model, &engine.attribution);
    // Paraphrased voice is the content of indirect speech, where the reader cannot tell the speaker's
    // words from the writer's. In a mixed quotation the writer marks exactly which words are the speaker's
    // (the quoted fragments, quoted voice) and the unquoted frame is the writer's own (authorial) — except
    // when the content opens with the quotation and runs on to the speech tag ("“…” more words, X added."):
    // that is one utterance whose closing mark came early, so all of it is the speaker's quoted voice.
    let opens_with_quote = |a: &attribution::Attribution| {
        let i = model.quotes.partition_point(|q| q.start < a.content.start);
        model
            .quotes
            .get(i)
            .is_some_and(|q| q.start == a.content.start && q.depth == 0)
    };
    let mut paraphrased = Vec::new();
    let mut quoted = Vec::new();
    for a in &atts {
        let span = (a.content.start, a.content.end);
        match a.kind {
            "direct" => {}
            "mixed" if opens_with_quote(a) => quoted.push(span),
            "mixed" => {}
            _ => paraphrased.push(span),
        }
    }
    model.set_voice_all(&quoted, Voice::Quoted);
    model.set_paraphrased_all(&paraphrased);
    let view = MatchView::new(text);
    let (hits, anonymous) = loaded::find(&view, &model, &atts, &engine.loaded);
    let idx = CharIndex::new(text);
    let span = |s: usize, e: usize| Span {
        start: idx.char_of(s),
        end: idx.char_of(e),
        text: slice(text, s, e),
    };

    // The hits are not needed once their findings are built, so their strings are moved rather than
    // cloned (as are the attributions' below, built once the quotes and sourcing profile have used them).
    let loaded_terms: Vec<LoadedTerm> = hits
        .into_iter()
        .map(|h| LoadedTerm {
            start: idx.char_of(h.start),
            end: idx.char_of(h.end),
            text: slice(text, h.start, h.end),
            counted: h.counted(),
            term: h.term.into(),
            category: h.category.into(),
            weight: h.weight,
            voice: h.voice,
            region: h.region,
            attribution: h.attribution,
            neutral: h.neutral.map(Name::Borrowed),
            group: h.group.map(Name::Borrowed),
            sentence: h.sentence,
            lexicon: h.lexicon.into(),
        })
        .collect();

    let contents = ContentIndex::new(&atts);
    let quotes = model
        .quotes
        .iter()
        .map(|q| QuoteOut {
            start: idx.char_of(q.start),
            end: idx.char_of(q.end),
            text: slice(text, q.start, q.end),
            depth: q.depth,
            closed: q.closed,
            attribution: contents.first(&atts, q.start, q.end),
        })
        .collect();

    let headline = model
        .paragraphs
        .iter()
        .find(|p| p.region == Region::Headline)
        .map(|p| span(p.start, p.end));
    let excluded = model
        .paragraphs
        .iter()
        .filter(|p| p.region != Region::Body && p.region != Region::Headline)
        .map(|p| RegionOut {
            region: p.region,
            start: idx.char_of(p.start),
            end: idx.char_of(p.end),
            text: slice(text, p.start, p.end),
        })
        .collect();

    let profile = sourcing::profile(
        text,
        anonymous,
        &model,
        &atts,
        &article,
        &engine.sourcing,
        &idx,
    );
    let attributions: Vec<AttributionOut> = atts
        .into_iter()
        .map(|a| {
            let (words, quoted_words) = token_counts(&model, a.content.start, a.content.end);
            AttributionOut {
                kind: a.kind.into(),
                cue: a.cue.map(|c| span(c.start, c.end)),
                cue_lemma: a.cue_lemma.map(Name::Borrowed),
                source: a.source.map(|s| span(s.start, s.end)),
                content: span(a.content.start, a.content.end),
                speaker: SpeakerOut {
                    name: a.speaker.name,
                    kind: a.speaker.kind.into(),
                    side: a.speaker.side.map(Name::Borrowed),
                    resolved_from: a.speaker.resolved_from.into(),
                    role: a.speaker.role,
                },
                verb_class: a.verb_class.map(Name::Borrowed),
                words,
                quoted_words,
                continues: a.continues,
            }
        })
        .collect();

    let balance = crate::metrics::balance(&attributions);
    let (keyness_words, words) = keyness_words(text, &model);
    let metrics = crate::metrics::compute(
        engine,
        &model,
        &words,
        &loaded_terms,
        &attributions,
        &profile,
    );
    let unsourced_loaded = crate::metrics::unsourced_sentences(&model, &profile, &loaded_terms)
        .into_iter()
        .filter_map(|i| model.sentences.get(i))
        .map(|s| span(s.start, s.end))
        .collect();
    let sourcing::Profile {
        sources,
        credits,
        self_references,
        ..
    } = profile;

    ArticleRecord {
        id: doc.id.clone(),
        outlet: doc.outlet.clone(),
        outlet_source: outlet_source_name(doc.outlet_source).to_string(),
        title: doc
            .title
            .clone()
            .or_else(|| headline.as_ref().map(|h: &Span| h.text.clone())),
        date: doc.date.clone(),
        url: doc.url.clone(),
        byline: doc.byline.clone(),
        word_count: words.body(),
        headline,
        metrics,
        balance,
        loaded_terms,
        attributions,
        sources,
        credits,
        self_references,
        unsourced_loaded,
        quotes,
        excluded,
        warnings: doc.warnings.clone(),
        text: include_text.then(|| doc.text.clone()),
        keyness_words,
    }
}

/// The name of `s` in records: its variant's name lower-cased (as `format!("{s:?}").to_lowercase()`, without
/// formatting it for every article).
fn outlet_source_name(s: crate::input::OutletSource) -> &'static str {
    use crate::input::OutletSource::*;
    match s {
        Field => "field",
        Flag => "flag",
        Folder => "folder",
        Detected => "detected",
        Unknown => "unknown",
    }
}

/// `text[s..e]` that never panics (offsets come from our own segmentation, but stay defensive).
pub(crate) fn slice(text: &str, s: usize, e: usize) -> String {
    text.get(s..e).unwrap_or_default().to_string()
}

/// The word tokens whose start lies in `start..end`, and how many of them are in quoted voice (an
/// attribution's `words` and `quoted_words`). The tokens are found by two binary searches (shared by both
/// counts) and the quoted ones counted run by run, by two more over those tokens for each quoted voice
/// run among them, instead of a walk over every token with the voice runs alongside (an attribution's
/// content has dozens of tokens but seldom more than a few runs). Voice runs are sorted and do not
/// overlap, so a token is counted once exactly when the run that holds its start is quoted: the same
/// counts as [`count_tokens`] and `model.voice_at` per token (a proptest compares them).
fn token_counts(model: &TextModel, start: usize, end: usize) -> (usize, usize) {
    let a = model.tokens.partition_point(|t| t.start < start);
    let b = model.tokens.partition_point(|t| t.start < end);
    let Some(tokens) = model.tokens.get(a..b) else {
        return (0, 0);
    };
    let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
        return (0, 0);
    };
    let from = model.voice.partition_point(|r| r.end <= first.start);
    let runs = model.voice.get(from..).unwrap_or_default();
    let mut quoted = 0;
    for r in runs.iter().take_while(|r| r.start <= last.start) {
        if r.voice == Voice::Quoted {
            let lo = tokens.partition_point(|t| t.start < r.start);
            let hi = tokens.partition_point(|t| t.start < r.end);
            quoted += hi.saturating_sub(lo);
        }
    }
    (tokens.len(), quoted)
}

/// Word tokens whose start lies in `start..end`.
pub(crate) fn count_tokens(model: &TextModel, start: usize, end: usize) -> usize {
    let a = model.tokens.partition_point(|t| t.start < start);
    let b = model.tokens.partition_point(|t| t.start < end);
    b.saturating_sub(a)
}

/// Every word token with the voice at its start. Tokens and voice runs are both sorted, so the runs are
/// walked with a cursor instead of a binary search per token (same result as `model.voice_at`).
pub(crate) fn token_voices(model: &TextModel) -> impl Iterator<Item = (&text::Token, Voice)> + '_ {
    let mut run = 0usize;
    model.tokens.iter().map(move |t| {
        while model.voice.get(run).is_some_and(|r| r.end <= t.start) {
            run += 1;
        }
        let voice = match model.voice.get(run) {
            Some(r) if r.start <= t.start => r.voice,
            _ => Voice::Authorial,
        };
        (t, voice)
    })
}

/// Lower-cased word tokens in authorial voice in the headline and body that contain a letter (numbers are
/// left out of keyness), counted: each distinct word once with its number of occurrences, in no particular
/// order (the keyness statistics do not depend on it). The same walk over the tokens counts the words by
/// region and voice for the metrics and the record's word count.
fn keyness_words(text: &str, model: &TextModel) -> (WordCounts, crate::metrics::Words) {
    // The counts are built in place: a table of indices into `out`, found by each word's hash (kept for
    // the collecting thread). An ASCII word is looked up as the slice of the text, compared with its
    // capitals lower-cased (the scan hashes it that way), and copied lower-cased only when it is new; the
    // others are lower-cased into one reused buffer. Sized for about one distinct word in two tokens so
    // that it seldom grows.
    let capacity = model.tokens.len() / 2;
    let mut out = WordCounts::with_capacity(capacity);
    let mut table: HashTable<usize> = HashTable::with_capacity(capacity);
    let mut lower = String::new();
    let mut n = crate::metrics::Words::default();
    for (t, voice) in token_voices(model) {
        match (model.sentences.get(t.sentence).map(|s| s.region), voice) {
            (Some(Region::Headline), Voice::Authorial) => n.headline += 1,
            (Some(Region::Headline), _) => {
                n.headline += 1;
                continue;
            }
            (Some(Region::Body), Voice::Authorial) => n.authorial += 1,
            (Some(Region::Body), Voice::Quoted) => {
                n.quoted += 1;
                continue;
            }
            (Some(Region::Body), Voice::Paraphrased) => {
                n.paraphrased += 1;
                continue;
            }
            _ => continue,
        }
        let Some(w) = text.get(t.start..t.end) else {
            continue;
        };
        let scan = scan_word(text.as_bytes(), t.start, t.end);
        // `fold`: the word counted is `word` with its ASCII capitals lower-cased.
        let (word, hash, fold) = if scan.ascii {
            // (An ASCII capital is a letter.)
            if !scan.letter {
                continue;
            }
            (w, scan.hash, scan.capital)
        } else {
            if !w.chars().any(char::is_alphabetic) {
                continue;
            }
            lower.clear();
            lower.push_str(&w.to_lowercase().replace('\u{2019}', "'"));
            (lower.as_str(), term_hash(&lower), false)
        };
        let found = if fold {
            table.find(hash, |&i| out.words.is_ascii_lower(i, word))
        } else {
            table.find(hash, |&i| out.words.is(i, word))
        };
        match found {
            Some(&i) => {
                if let Some(n) = out.counts.get_mut(i) {
                    n.0 += 1;
                }
            }
            None => {
                let i = out.counts.len();
                if fold {
                    out.push_ascii_lower(word, 1, hash);
                } else {
                    out.push(word, 1, hash);
                }
                table.insert_unique(hash, i, |&i| out.counts.get(i).map_or(0, |c| c.1));
            }
        }
    }
    (out, n)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// What [`scan_word`] finds out about a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct WordScan {
    /// Some byte is an ASCII capital.
    capital: bool,
    /// Every byte is ASCII.
    ascii: bool,
    /// Some byte is an ASCII letter.
    letter: bool,
    /// The [`term_hash`] of the word with its ASCII capitals lower-cased (for a word without capitals,
    /// its own).
    hash: u64,
}

/// Per byte of `w`, the high bit set where the byte is an ASCII capital (first), or an ASCII letter
/// (second). Branch-free range tests on the low seven bits of each byte: no sum reaches 0x100, so no
/// carry crosses into the next byte.
#[inline]
fn byte_classes(w: u64) -> (u64, u64) {
    let y = w & !HIGH;
    let capital = (y + 0x3F * ONES) & !(y + 0x25 * ONES) & !w;
    let folded = y | (0x20 * ONES);
    let letter = (folded + 0x1F * ONES) & !(folded + 0x05 * ONES) & !w;
    (capital & HIGH, letter & HIGH)
}

/// The `len` (at most 8) bytes of `bytes` from `at` as a little-endian word, zero-padded. Reads the 8
/// bytes at `at` and masks them when they are there (all but the text's last few bytes), so the load
/// does not depend on the length.
#[inline]
fn load_word(bytes: &[u8], at: usize, len: usize) -> u64 {
    let mut word = [0u8; 8];
    match bytes.get(at..at.saturating_add(8)) {
        Some(b) => {
            word.copy_from_slice(b);
            let mask = if len >= 8 {
                u64::MAX
            } else {
                (1u64 << (8 * len)) - 1
            };
            u64::from_le_bytes(word) & mask
        }
        None => {
            let b = bytes.get(at..at.saturating_add(len)).unwrap_or_default();
            word[..b.len()].copy_from_slice(b);
            u64::from_le_bytes(word)
        }
    }
}

/// Classify and hash the word `bytes[start..end]` in one pass, 8 bytes at a time: for most words one
/// load, a few masks and one multiplication, rather than a byte loop per question (whose exits, at a
/// different byte in every word, the branch predictor cannot learn) and a string hash. The hash is taken
/// of the bytes with their ASCII capitals lower-cased (a capital's high bit, moved to bit 5, adds 0x20),
/// so that an ASCII word with capitals needs neither a lower-cased copy nor a second pass to be looked up.
/// `hash` is that [`term_hash`] when the word is not empty.
fn scan_word(bytes: &[u8], start: usize, end: usize) -> WordScan {
    let len = end.saturating_sub(start);
    // Most words: 1 to 8 bytes, one word to load, classify and hash.
    if len.wrapping_sub(1) < 8 {
        let word = load_word(bytes, start, len);
        let (capital, letter) = byte_classes(word);
        return WordScan {
            capital: capital != 0,
            ascii: word & HIGH == 0,
            letter: letter != 0,
            hash: crate::compare::keyness::term_hash_word(
                crate::compare::keyness::term_hash_start(len),
                word | capital >> 2,
            ),
        };
    }
    let mut hash = crate::compare::keyness::term_hash_start(len);
    let (mut capitals, mut high, mut letter) = (0, 0, 0);
    let mut at = start;
    loop {
        let word = load_word(bytes, at, (end - at).min(8));
        let (c, l) = byte_classes(word);
        capitals |= c;
        high |= word & HIGH;
        letter |= l;
        hash = crate::compare::keyness::term_hash_word(hash, word | c >> 2);
        at += 8;
        if at >= end {
            break;
        }
    }
    WordScan {
        capital: capitals != 0,
        ascii: high == 0,
        letter: letter != 0,
        hash,
    }
}

/// Finds the attributions whose content contains a span without scanning every attribution per query
/// (a long article has thousands of hits and attributions).
pub(crate) struct ContentIndex {
    /// Attribution indices sorted by content start.
    order: Vec<usize>,
    starts: Vec<usize>,
    /// Running maximum of content ends along `order`: lets a backward walk stop as soon as no earlier
    /// content can reach the query.
    max_end: Vec<usize>,
}

impl ContentIndex {
    pub(crate) fn new(atts: &[attribution::Attribution]) -> Self {
        let mut order: Vec<usize> = (0..atts.len()).collect();
        order.sort_by_key(|&i| (atts[i].content.start, i));
        let starts = order.iter().map(|&i| atts[i].content.start).collect();
        let mut max_end = Vec::with_capacity(order.len());
        let mut m = 0;
        for &i in &order {
            m = m.max(atts[i].content.end);
            max_end.push(m);
        }
        ContentIndex {
            order,
            starts,
            max_end,
        }
    }

    /// Indices (unordered) of the attributions whose content holds `start..end`; an iterator, so that a
    /// query (one per loaded term and quote) allocates nothing.
    pub(crate) fn containing<'s>(
        &'s self,
        atts: &'s [attribution::Attribution],
        start: usize,
        end: usize,
    ) -> impl Iterator<Item = usize> + 's {
        let mut i = self.starts.partition_point(|&s| s <= start);
        std::iter::from_fn(move || {
            while i > 0 {
                i -= 1;
                if self.max_end[i] < end {
                    i = 0;
                    return None;
                }
                let a = self.order[i];
                if atts[a].content.end >= end {
                    return Some(a);
                }
            }
            None
        })
    }

    /// The attribution with the smallest content holding `start..end` (lowest index on ties): a direct
    /// quote wins over the paraphrase around it.
    pub(crate) fn innermost(
        &self,
        atts: &[attribution::Attribution],
        start: usize,
        end: usize,
    ) -> Option<usize> {
        self.containing(atts, start, end)
            .min_by_key(|&i| (atts[i].content.end - atts[i].content.start, i))
    }

    /// The lowest-indexed attribution whose content holds `start..end`.
    pub(crate) fn first(
        &self,
        atts: &[attribution::Attribution],
        start: usize,
        end: usize,
    ) -> Option<usize> {
        self.containing(atts, start, end).min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outlet_source_names_are_the_lower_cased_variant_names() {
        use crate::input::OutletSource::*;
        for s in [Field, Flag, Folder, Detected, Unknown] {
            assert_eq!(outlet_source_name(s), format!("{s:?}").to_lowercase());
        }
    }

    #[test]
    fn byte_classes_match_the_byte_tests() {
        for b in 0..=255u8 {
            for at in 0..8 {
                let (capital, letter) = byte_classes(u64::from(b) << (8 * at));
                assert_eq!(
                    capital,
                    u64::from(b.is_ascii_uppercase()) << (8 * at + 7),
                    "{b}"
                );
                assert_eq!(
                    letter,
                    u64::from(b.is_ascii_alphabetic()) << (8 * at + 7),
                    "{b}"
                );
            }
        }
    }

    #[test]
    fn word_counts_iterate_in_order() {
        let mut w = WordCounts::default();
        assert_eq!(w.iter().count(), 0);
        w.push("regime", 2, 7);
        w.push("naïve", 1, 8);
        w.push("a", 5, 9);
        let got: Vec<(&str, u64, u64)> = w.iter().collect();
        assert_eq!(got, [("regime", 2, 7), ("naïve", 1, 8), ("a", 5, 9)]);
        assert!(w.words.is(1, "naïve") && !w.words.is(1, "a") && !w.words.is(3, ""));
    }

    /// Invented text pieces: words, quotation marks of both kinds, sentence ends and paragraph breaks.
    const PIECES: [&str; 15] = [
        "the", "Mayor", "said", "“", "”", "\"", "’", "naïve", ".", "\n\n", "Talks", ",", "1990",
        "½", "ÉTÉ",
    ];

    fn random_model(pieces: &[usize], spans: &[(usize, usize)]) -> (String, TextModel) {
        random_model_with(pieces, spans, false)
    }

    /// `headline`: the first line is the headline.
    fn random_model_with(
        pieces: &[usize],
        spans: &[(usize, usize)],
        headline: bool,
    ) -> (String, TextModel) {
        let text: String = pieces
            .iter()
            .map(|&i| PIECES[i % PIECES.len()])
            .collect::<Vec<_>>()
            .join(" ");
        let opts = text::BuildOptions {
            first_line_is_headline: headline,
        };
        let mut model = text::build(&text, &TextRules::default(), &opts);
        let spans: Vec<(usize, usize)> = spans
            .iter()
            .map(|&(a, b)| {
                let (a, b) = (a % (text.len() + 1), b % (text.len() + 1));
                (a.min(b), a.max(b))
            })
            .filter(|&(a, b)| text.is_char_boundary(a) && text.is_char_boundary(b))
            .collect();
        model.set_paraphrased_all(&spans);
        (text, model)
    }

    proptest::proptest! {
        /// The counts built in place equal counting the lower-cased words in an ordered map, each word is
        /// listed once, and each carries its hash.
        #[test]
        fn prop_keyness_words_match_ordered_count(
            pieces in proptest::collection::vec(0usize..15, 0..80),
            spans in proptest::collection::vec((0usize..500, 0usize..500), 0..3),
            headline in proptest::bool::ANY,
        ) {
            let (text, model) = random_model_with(&pieces, &spans, headline);
            let mut want: BTreeMap<String, u64> = BTreeMap::new();
            for (t, voice) in token_voices(&model) {
                let region = model.sentences.get(t.sentence).map(|s| s.region);
                let w = &text[t.start..t.end];
                if matches!(region, Some(Region::Body | Region::Headline))
                    && voice == Voice::Authorial
                    && w.chars().any(char::is_alphabetic)
                {
                    *want.entry(w.to_lowercase().replace('\u{2019}', "'")).or_default() += 1;
                }
            }
            let (counts, words) = keyness_words(&text, &model);
            // The word counts by region and voice, counted token by token.
            let mut by_voice = [0usize; 3];
            for t in &model.tokens {
                if model.sentences.get(t.sentence).map(|s| s.region) == Some(Region::Body) {
                    by_voice[model.voice_at(t.start) as usize] += 1;
                }
            }
            proptest::prop_assert_eq!(
                words,
                crate::metrics::Words {
                    headline: model.word_count(Region::Headline),
                    authorial: by_voice[Voice::Authorial as usize],
                    quoted: by_voice[Voice::Quoted as usize],
                    paraphrased: by_voice[Voice::Paraphrased as usize],
                }
            );
            proptest::prop_assert_eq!(words.body(), model.word_count(Region::Body));
            let mut got: BTreeMap<String, u64> = BTreeMap::new();
            for (w, n, hash) in counts.iter() {
                proptest::prop_assert_eq!(hash, term_hash(w));
                proptest::prop_assert!(got.insert(w.to_string(), n).is_none(), "{} twice", w);
            }
            proptest::prop_assert_eq!(got, want);
        }

        /// The one-pass scan of a word answers as the byte-by-byte tests and [`term_hash`] do, wherever
        /// the word lies in the text (near its end the bytes cannot be read 8 at a time).
        #[test]
        fn prop_scan_word_matches_plain_tests(
            text in "[a-zA-Z0-9 .,'’é½ΩÉ@\\[`{\\x7f\\x00-\\x1f]{0,40}",
            cuts in proptest::collection::vec((0usize..48, 0usize..48), 1..8),
        ) {
            let bytes = text.as_bytes();
            for (a, b) in cuts {
                let (a, b) = (a.min(b) % (bytes.len() + 1), a.max(b) % (bytes.len() + 1));
                let (a, b) = (a.min(b), a.max(b));
                let Some(w) = text.get(a..b) else { continue };
                let scan = scan_word(bytes, a, b);
                proptest::prop_assert_eq!(scan.capital, w.bytes().any(|c| c.is_ascii_uppercase()));
                proptest::prop_assert_eq!(scan.ascii, w.is_ascii());
                proptest::prop_assert_eq!(scan.letter, w.bytes().any(|c| c.is_ascii_alphabetic()));
                if !w.is_empty() {
                    proptest::prop_assert_eq!(scan.hash, term_hash(&w.to_ascii_lowercase()));
                }
            }
        }

        /// The index's queries, which stop walking once no earlier content can reach the span, find what
        /// a scan of every attribution finds.
        #[test]
        fn prop_content_index_matches_scan(
            contents in proptest::collection::vec((0usize..60, 0usize..30), 0..12),
            queries in proptest::collection::vec((0usize..70, 0usize..20), 1..10),
        ) {
            let atts: Vec<attribution::Attribution> = contents
                .iter()
                .map(|&(start, len)| attribution::Attribution {
                    kind: "indirect",
                    cue: None,
                    cue_lemma: None,
                    verb_class: None,
                    source: None,
                    content: attribution::ByteSpan { start, end: start + len },
                    speaker: attribution::Speaker {
                        name: "unknown".into(),
                        kind: "unknown",
                        side: None,
                        resolved_from: "none",
                        role: None,
                    },
                    continues: None,
                })
                .collect();
            let index = ContentIndex::new(&atts);
            for (start, len) in queries {
                let end = start + len;
                let holding: Vec<usize> = (0..atts.len())
                    .filter(|&i| atts[i].content.start <= start && atts[i].content.end >= end)
                    .collect();
                proptest::prop_assert_eq!(index.first(&atts, start, end), holding.first().copied());
                let inner = holding
                    .iter()
                    .copied()
                    .min_by_key(|&i| (atts[i].content.end - atts[i].content.start, i));
                proptest::prop_assert_eq!(index.innermost(&atts, start, end), inner);
            }
        }

        /// The counts by binary search and voice run equal counting token by token (with `voice_at`).
        #[test]
        fn prop_quoted_tokens_match_voice_at(
            pieces in proptest::collection::vec(0usize..12, 0..60),
            spans in proptest::collection::vec((0usize..400, 0usize..400), 0..4),
            queries in proptest::collection::vec((0usize..400, 0usize..400), 1..8),
        ) {
            let (text, model) = random_model(&pieces, &spans);
            for (a, b) in queries {
                let (a, b) = (a % (text.len() + 2), b % (text.len() + 2));
                let want = model
                    .tokens
                    .iter()
                    .filter(|t| t.start >= a && t.start < b && model.voice_at(t.start) == Voice::Quoted)
                    .count();
                let (words, quoted) = token_counts(&model, a, b);
                proptest::prop_assert_eq!(quoted, want);
                proptest::prop_assert_eq!(words, count_tokens(&model, a, b));
                let all = model.tokens.iter().filter(|t| t.start >= a && t.start < b).count();
                proptest::prop_assert_eq!(words, all);
            }
        }
    }
}
