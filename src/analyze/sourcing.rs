//! The sourcing profile: who the article's claims rest on. Every distinct source of the attributions is
//! typed (kind, role class, anonymous, official, document type), anonymous attributions the extractor has
//! no attribution for ("It is believed that ...") are added, wire/photo/contributor credits are collected
//! (they are not sources of claims), and the outlet's references to itself are counted. All English words
//! and patterns come from the `sources` lexicon (`lexicons/sources.toml`); see `docs/sourcing.md`.

use super::attribution::{Attribution, ByteSpan, Speaker};
use super::{slice, SourceOut, Span};
use crate::lexicon::pattern::{gate_literals, Gate, GateLiterals};
use crate::lexicon::{Entry, LexiconSet, Pattern, TermHit, TermMatcher};
use crate::text::{self, CharIndex, Region, TextModel, TextRules};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

mod bounded;

/// Role classes whose sources count as official (besides government bodies).
pub const OFFICIAL_CLASSES: &[&str] = &["government_official", "spokesperson", "military"];

/// Anonymity classes that may stand as a source without an extracted attribution (agentless phrases).
const STANDALONE_CLASSES: &[&str] = &["agentless"];
/// Minimum words of any other anonymous phrase to stand as a source on its own ("on condition of anonymity").
const STANDALONE_MIN_WORDS: usize = 3;

/// A wire, photo or contributor credit (`credits[]`): who made or supplied the article, not who is cited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CreditOut {
    /// wire | photo | contributor
    pub kind: String,
    pub name: String,
    /// The credited name in the text.
    pub span: Span,
}

#[derive(Debug, Clone)]
struct TermInfo {
    category: String,
    class: Option<String>,
    words: usize,
    /// For a `role` entry with a class, the rank of its class ([`SourcingRules::role_class_in`]).
    role_rank: Option<usize>,
}

/// Everything compiled from the `sources` (and `entities` media) lexicons once per run.
pub struct SourcingRules {
    /// All term categories (role, anonymous, media, document, function, ...) in one grouped matcher: one
    /// scan finds every category's hits, overlaps resolved within each category. `info` by entry.
    terms: TermMatcher,
    info: Vec<TermInfo>,
    /// The `anonymous` category alone, for whole texts.
    anonymous: Option<(TermMatcher, Vec<TermInfo>)>,
    /// Role class → precedence (lower wins): order of first appearance in the lexicon. Each role entry's
    /// [`TermInfo::role_rank`] holds its class's; the map is kept for the test of the plain lookup.
    #[cfg(test)]
    class_rank: BTreeMap<String, usize>,
    /// Credit patterns and their kind. The pattern's prefilter rejects almost every paragraph cheaply;
    /// without it the Unicode word boundaries and letter classes in the patterns push the regex engine
    /// to its slowest matcher on every paragraph of non-ASCII text.
    credits: Vec<Credit>,
    /// Literal gate over `credits`.
    credit_gate: Gate,
    self_patterns: Vec<String>,
    /// The paragraph gate shared with the text model ([`SourcingRules::share_paragraph_gate`]).
    paragraph_gate: Option<ParagraphGate>,
    /// Self-reference patterns per outlet name, compiled on first use: compiling them costs far more than
    /// analysing an article, and a corpus has few outlets. Bounded by [`SELF_CACHE_MAX`].
    self_cache: std::sync::Mutex<std::collections::HashMap<String, Arc<OutletSelf>>>,
    /// (lower-cased surface form, lower-cased canonical name) of media entities.
    media_names: Vec<(String, String)>,
    /// Articles dropped from the start of a source's name (`article` category, lower-cased).
    articles: Vec<String>,
    /// [`SourcingRules::hits`] by phrase: sources are typed from a few short phrases that recur within and
    /// across articles ("he", a person's name, "President X", the words between anonymous phrases), and
    /// matching one costs far more than looking it up. Phrases up to [`PHRASE_CACHE_MAX_LEN`] bytes;
    /// emptied when it holds [`PHRASE_CACHE_MAX`].
    phrase_cache: std::sync::Mutex<FxHashMap<Box<str>, Arc<[TermHit]>>>,
}

/// A credit pattern, its relaxed form when it has long bounded repetitions (cheaper to compile: see
/// [`bounded`]) and its kind.
struct Credit {
    pattern: Pattern,
    relaxed: Option<bounded::Relaxed>,
    kind: String,
}

impl Credit {
    /// The captures of every match in `hay` (only named groups may be looked up).
    fn captures<'h>(&self, hay: &'h str) -> Vec<regex::Captures<'h>> {
        match &self.relaxed {
            _ if !self.pattern.may_match(hay) => Vec::new(),
            Some(r) => r.captures(hay, start_bound(&self.pattern), || self.pattern.exact()),
            // Most haystacks here passed a short gate literal but hold no match: finding that out
            // costs less than setting up captures.
            None => self
                .pattern
                .exact()
                .filter(|re| re.is_match(hay))
                .map_or_else(Vec::new, |re| re.captures_iter(hay).collect()),
        }
    }
}

/// The prefilter of `pattern` when it has a match starting wherever the pattern has one, so that
/// [`bounded::from_candidates`] may search from its match starts: a prefilter only widens the pattern,
/// but one that drops a leading `^.*` ([`crate::lexicon::pattern::prefilter_source`]) finds matches
/// later in the line (a pattern with `^.` anywhere is left out).
fn start_bound(pattern: &Pattern) -> Option<&regex::Regex> {
    if pattern.as_str().contains("^.") {
        return None;
    }
    pattern.prefilter()
}

fn lex_err(origin: &str, e: &Entry, msg: String) -> crate::Error {
    crate::Error::Lexicon {
        location: crate::error::Location {
            file: origin.to_string(),
            line: e.line,
            col: 1,
        },
        message: msg,
    }
}

impl SourcingRules {
    pub fn from_lexicons(lex: &LexiconSet) -> crate::Result<Self> {
        let mut terms: BTreeMap<String, (Vec<&Entry>, Vec<TermInfo>)> = BTreeMap::new();
        let mut class_rank = BTreeMap::new();
        let mut credits = Vec::new();
        let mut self_patterns = Vec::new();
        let mut media_names = Vec::new();
        let mut articles = Vec::new();
        for l in lex.of_kind("sources") {
            for e in &l.entries {
                if let Some(p) = &e.pattern {
                    match e.category.as_str() {
                        "credit" => {
                            let pattern = l.pattern_of(e)?;
                            if !(p.contains("(?P<name>") || p.contains("(?<name>")) {
                                return Err(lex_err(
                                    &l.origin,
                                    e,
                                    "credit pattern needs a named group (?P<name>...)".into(),
                                ));
                            }
                            let kind = e.attr("kind").unwrap_or("contributor").to_string();
                            let relaxed = bounded::Relaxed::new(pattern.as_str());
                            credits.push(Credit {
                                pattern,
                                relaxed,
                                kind,
                            });
                        }
                        "self_reference" => {
                            let pat = if e.case_sensitive {
                                p.clone()
                            } else {
                                format!("(?i){p}")
                            };
                            if let Err(err) = regex::Regex::new(&pat.replace("OUTLET", "x")) {
                                return Err(lex_err(
                                    &l.origin,
                                    e,
                                    format!("invalid pattern: {err}"),
                                ));
                            }
                            self_patterns.push(pat);
                        }
                        _ => {}
                    }
                    continue;
                }
                if e.category == "article" {
                    articles.push(e.term.to_lowercase());
                    continue;
                }
                let mut role_rank = None;
                if e.category == "role" {
                    if let Some(c) = e.attr("class") {
                        let n = class_rank.len();
                        role_rank = Some(*class_rank.entry(c.to_string()).or_insert(n));
                    }
                }
                if e.category == "media" {
                    media_names.push((e.term.to_lowercase(), e.term.to_lowercase()));
                }
                let slot = terms.entry(e.category.clone()).or_default();
                slot.0.push(e);
                slot.1.push(TermInfo {
                    category: e.category.clone(),
                    class: e.attr("class").map(str::to_string),
                    words: e.term.split_whitespace().count(),
                    role_rank,
                });
            }
        }
        for l in lex.of_kind("entities") {
            for e in &l.entries {
                if e.attr("kind") == Some("media") {
                    let canon = e.attr("canonical").unwrap_or(&e.term).to_lowercase();
                    media_names.push((e.term.to_lowercase(), canon));
                }
            }
        }
        let mut all_entries: Vec<&Entry> = Vec::new();
        let mut all_info = Vec::new();
        let mut groups = Vec::new();
        let mut anonymous = None;
        for (g, (cat, (entries, info))) in (0u32..).zip(terms) {
            if cat == "anonymous" {
                // The same entries as `anonymous_entries`, in the same order: its hits' entries index `info`.
                anonymous = Some((TermMatcher::build(&entries)?, info.clone()));
            }
            groups.extend(std::iter::repeat_n(g, entries.len()));
            all_entries.extend(entries);
            all_info.extend(info);
        }
        let credit_literals: Vec<GateLiterals> = credits
            .iter()
            .map(|c| gate_literals(c.pattern.gate_source()))
            .collect();
        Ok(SourcingRules {
            terms: TermMatcher::build_grouped(&all_entries, &groups)?,
            info: all_info,
            anonymous,
            #[cfg(test)]
            class_rank,
            credit_gate: Gate::from_literals(&credit_literals),
            credits,
            self_patterns,
            paragraph_gate: None,
            self_cache: Default::default(),
            media_names,
            articles,
            phrase_cache: Default::default(),
        })
    }

    /// The rules with a literal gate over the line rules of `text`, the credits and the self-reference
    /// patterns, in this order: [`ArticleGate::build_text`] builds the text model with it, and the
    /// profile reads the credits' and self-references' candidates from that one scan of each paragraph.
    /// The gate serves every outlet: a self-reference pattern's literals are read with `OUTLET` left
    /// out ([`outlet_free_literals`]), and its outlet's own gate checks the paragraphs these open.
    pub fn share_paragraph_gate(mut self, text: &TextRules) -> Self {
        let literals: Vec<GateLiterals> = (text.line_gate_literals().into_iter())
            .chain((self.credits.iter()).map(|c| gate_literals(c.pattern.gate_source())))
            .chain(self.self_patterns.iter().map(|p| outlet_free_literals(p)))
            .collect();
        self.paragraph_gate = Some(ParagraphGate {
            gate: Gate::from_literals(&literals),
            lines: text.line_rules.len(),
        });
        self
    }

    /// The outlet rules of an article from `outlet`, for [`ArticleGate::build_text`] and [`profile`].
    pub fn article_gate(&self, outlet: &str) -> ArticleGate {
        ArticleGate {
            outlet: self.outlet_self(outlet),
            rows: None,
        }
    }

    /// `s` with its whitespace runs collapsed, its outer punctuation trimmed and a leading article
    /// ("the", "a": the `article` category) dropped: the name a source is listed under.
    fn strip_article(&self, s: &str) -> String {
        // The words joined by single spaces (as collecting them and `join(" ")`, without the vector).
        let mut one = String::with_capacity(s.len());
        for w in s.split_whitespace() {
            if !one.is_empty() {
                one.push(' ');
            }
            one.push_str(w);
        }
        let t = one.trim_matches(|c: char| !c.is_alphanumeric());
        match t.split_once(' ') {
            Some((first, rest)) if self.articles.iter().any(|a| first.eq_ignore_ascii_case(a)) => {
                rest.to_string()
            }
            _ => t.to_string(),
        }
    }

    /// Hits of every term category in `text`.
    fn hits(&self, text: &str) -> PhraseHits<'_> {
        let info = &self.info[..];
        if text.is_empty() {
            return PhraseHits {
                hits: Arc::default(),
                info,
            };
        }
        let cacheable = text.len() <= PHRASE_CACHE_MAX_LEN;
        let lock = || {
            // A poisoned lock only means another thread panicked mid-insert: the map is still valid.
            self.phrase_cache
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        let cached = cacheable.then(|| lock().get(text).cloned()).flatten();
        let found = cached.unwrap_or_else(|| {
            let v: Arc<[TermHit]> = self.match_phrase(text).into();
            if cacheable {
                let mut map = lock();
                if map.len() >= PHRASE_CACHE_MAX {
                    map.clear();
                }
                map.insert(text.into(), v.clone());
            }
            v
        });
        PhraseHits { hits: found, info }
    }

    /// What [`SourcingRules::hits`] caches: the hits in `text` of the entries with an info, sorted by start
    /// (then longest first).
    fn match_phrase(&self, text: &str) -> Vec<TermHit> {
        let mut v = self.terms.find_all(text);
        v.retain(|h| h.entry < self.info.len());
        v.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
        v
    }

    /// Hits of the `anonymous` matcher, as (start, end, info) sorted by start.
    fn anonymous_hits(&self, hits: Vec<TermHit>) -> Vec<AnonHit<'_>> {
        let Some((_, info)) = &self.anonymous else {
            return Vec::new();
        };
        let mut v: Vec<AnonHit> = hits
            .into_iter()
            .filter_map(|h| info.get(h.entry).map(|i| (h.start, h.end, i)))
            .collect();
        v.sort_by_key(|p| (p.0, std::cmp::Reverse(p.1)));
        v
    }

    /// The `anonymous` matcher's hits in the whole text of `view` (what [`super::loaded::find`] finds for
    /// [`profile`] in the same walk as the loaded terms).
    #[cfg(test)]
    fn anonymous_in_view(&self, view: &crate::lexicon::MatchView) -> Vec<TermHit> {
        match &self.anonymous {
            Some((m, _)) => m.find_in_view(view),
            None => Vec::new(),
        }
    }

    /// Anonymous-phrase hits in `text`.
    fn anonymous_in(&self, text: &str) -> Vec<AnonHit<'_>> {
        match &self.anonymous {
            Some((m, _)) => self.anonymous_hits(m.find_all(text)),
            None => Vec::new(),
        }
    }

    /// Anonymous-phrase hits in `text` grouped into chains: hits that overlap or are separated by at most
    /// [`CHAIN_GAP_WORDS`] words without punctuation ("a person familiar | with | the matter"). Each chain
    /// is (start, end, class of its first hit, longest hit in words, any agentless hit). `anon` are the
    /// anonymous hits in `text` ([`AnonIn`]).
    fn anonymous_chains<'r>(
        &self,
        text: &str,
        anon: AnonIn<'_, 'r>,
        extra: Option<(usize, usize)>,
    ) -> Vec<Chain<'r>> {
        // Every chain has a hit: none without one (most sentences).
        if anon.hits.is_empty() {
            return Vec::new();
        }
        let mut pieces: Vec<(usize, usize, Option<&'r TermInfo>)> =
            Vec::with_capacity(anon.hits.len() + 1);
        pieces.extend(anon.iter().map(|(s, e, i)| (s, e, Some(i))));
        pieces.extend(extra.map(|(a, b)| (a, b, None)));
        pieces.sort_by_key(|p| (p.0, std::cmp::Reverse(p.1)));
        let mut chains: Vec<Chain<'r>> = Vec::new();
        for (s, e, info) in pieces {
            let joins = chains.last().is_some_and(|c| {
                // The source joins a phrase that governs it across one word ("familiar with | the
                // matter"); a phrase after the source joins only when adjacent.
                let max_gap = if info.is_none() {
                    SOURCE_GAP_WORDS
                } else if c.has_source {
                    0
                } else {
                    CHAIN_GAP_WORDS
                };
                s <= c.end || {
                    let gap = text.get(c.end..s).unwrap_or(",");
                    let mut words = gap.split_whitespace();
                    !gap.contains(|ch: char| {
                        !(ch.is_alphanumeric() || ch.is_whitespace() || ch == '-')
                    }) && words.clone().count() <= max_gap
                        && (info.is_some() || words.all(|w| self.is_function(w, "preposition")))
                }
            });
            if !joins {
                chains.push(Chain {
                    start: s,
                    end: e,
                    ..Default::default()
                });
            }
            if let Some(c) = chains.last_mut() {
                c.has_source |= info.is_none();
                c.end = c.end.max(e);
                c.start = c.start.min(s);
                if let Some(i) = info {
                    if c.class.is_none() {
                        c.class = i.class.as_deref();
                    }
                    c.words = c.words.max(i.words);
                    c.agentless |= i
                        .class
                        .as_deref()
                        .is_some_and(|x| STANDALONE_CLASSES.contains(&x));
                    c.hits += 1;
                }
            }
        }
        chains.retain(|c| c.hits > 0);
        chains
    }

    /// The role class of a role phrase ("US State Department spokesman" → spokesperson): of all role
    /// words in it, the class listed first in the lexicon.
    pub fn role_class(&self, phrase: &str) -> Option<String> {
        self.role_class_in(&self.hits(phrase))
    }

    /// [`SourcingRules::role_class`] of the phrase whose hits are `hits`.
    fn role_class_in(&self, hits: &PhraseHits) -> Option<String> {
        // The rank of each role entry's class is found when the rules are built: no class is copied or
        // looked up but the winner's.
        hits.iter()
            .filter_map(|(_, i)| i.role_rank.map(|r| (r, i)))
            .min_by_key(|&(r, _)| r)
            .and_then(|(_, i)| i.class.clone())
    }

    /// [`SourcingRules::role_class_in`] as it was first written, to test the ranked one against.
    #[cfg(test)]
    fn role_class_in_plain(&self, hits: &PhraseHits) -> Option<String> {
        hits.iter()
            .filter(|(_, i)| i.category == "role")
            .filter_map(|(_, i)| i.class.clone())
            .min_by_key(|c| self.class_rank.get(c).copied().unwrap_or(usize::MAX))
    }

    /// Type one source. `source` is the source text, `sentence` the sentence it is in and `at` its byte
    /// range inside `sentence` (anonymous phrases that touch the source count: "A person familiar with
    /// the matter" when the extractor's source is "the matter"); `speaker` is the extractor's speaker,
    /// when there is one.
    pub fn classify(
        &self,
        source: &str,
        sentence: &str,
        at: Option<(usize, usize)>,
        speaker: Option<&Speaker>,
    ) -> Typing {
        let anon = self.anonymous_in(sentence);
        let (mut t, src_hits) =
            self.classify_but_role(source, sentence, AnonIn::all(&anon), at, speaker);
        self.add_role(&mut t, source, speaker, &src_hits);
        t
    }

    /// [`SourcingRules::classify`] with the sentence's anonymous hits (`sentence_anon`) already found,
    /// without the role class (`None`) and with `official` from the kind alone, and the hits of `source`: [`SourcingRules::add_role`] completes it. The role class costs a
    /// match of the role phrase and is only needed for a new source (or one without a role class yet).
    fn classify_but_role(
        &self,
        source: &str,
        sentence: &str,
        sentence_anon: AnonIn,
        at: Option<(usize, usize)>,
        speaker: Option<&Speaker>,
    ) -> (Typing, PhraseHits<'_>) {
        let src_hits = self.hits(source);
        // The class is copied once it is known, not for each chain that touches the source.
        let mut anon: Option<&str> = None;
        let mut extent = at;
        // An anonymous phrase that begins before the source governs it ("sources close to | the
        // council", "a person familiar with | the matter"): anonymous even when the source is a name.
        let mut governs = false;
        match at {
            Some((s0, s1)) => {
                for c in self.anonymous_chains(sentence, sentence_anon, Some((s0, s1))) {
                    if c.start <= s1 && s0 <= c.end {
                        anon = c.class;
                        extent = Some((c.start, c.end));
                        governs = c.start < s0;
                    }
                }
            }
            None => {
                anon = self
                    .anonymous_chains(source, AnonIn::all(&self.anonymous_in(source)), None)
                    .into_iter()
                    .find_map(|c| c.class);
            }
        }
        // Not anonymous when a name heads the source before the anonymous phrase ("Jeffrey Trimble, a
        // senior official") or the phrase names its members ("critics, like Senator X"). Only asked when
        // the source is anonymous so far (most sources are not).
        let named_after = || {
            let after = at
                .and_then(|(_, s1)| sentence.get(s1..))
                .unwrap_or_default()
                .trim_start_matches(|c: char| c.is_whitespace() || c == ',');
            // Only a hit at the very start matters: look at the first few words.
            let head = after
                .char_indices()
                .filter(|(_, c)| c.is_whitespace())
                .nth(NAMING_WINDOW_WORDS)
                .map_or(after, |(i, _)| &after[..i]);
            self.hits(head).iter().next().is_some_and(|(h, i)| {
                h.start == 0
                    && i.category == "function"
                    && i.class.as_deref() == Some("naming")
                    && after
                        .get(h.end..)
                        .unwrap_or_default()
                        .trim_start()
                        .chars()
                        .next()
                        .is_some_and(char::is_uppercase)
            })
        };
        if anon.is_some() && (named_after() || self.names_members(source, &src_hits)) {
            anon = None;
        }
        let sp_kind = speaker.map(|s| s.kind).unwrap_or("unknown");
        let resolved = speaker.map(|s| s.resolved_from).unwrap_or("none");
        let proper = matches!(sp_kind, "person" | "organization" | "government" | "media")
            && speaker.is_some_and(|s| s.name != "unknown")
            && resolved != "none";
        // The category of the first hit that is not a role or function word (its class is not needed).
        let first_cat = src_hits
            .iter()
            .find(|(_, i)| i.category != "role" && i.category != "function")
            .map(|(_, i)| i.category.as_str());
        let doc_class = src_hits
            .iter()
            .find(|(_, i)| i.category == "document")
            .and_then(|(_, i)| i.class.clone());
        let media = sp_kind == "media"
            || first_cat == Some("media")
            || (at.is_none() && !proper && self.media_in(source).is_some());

        let mut kind = sp_kind;
        let mut anonymous = false;
        // A document head wins over a vague quantifier ("some polls").
        let doc_head = doc_class.is_some() && anon == Some("vague_group");
        if sp_kind == "anonymous"
            || (anon.is_some() && (governs || !proper) && sp_kind != "document" && !doc_head)
        {
            kind = "anonymous";
            anonymous = true;
        } else if sp_kind == "document" || first_cat == Some("document") {
            kind = "document";
        } else if media {
            kind = "media";
        }
        // A document is named when its issuer is: a resolved proper name that is not itself a document
        // noun ("a statement by John Kirby", not "a report"). Only documents have one.
        let is_document = kind == "document";
        let issuer = speaker
            .filter(|s| {
                is_document
                    && s.resolved_from != "none"
                    && s.name.chars().next().is_some_and(char::is_uppercase)
                    && !self
                        .hits(&s.name)
                        .iter()
                        .any(|(_, i)| i.category == "document")
            })
            .map(|s| s.name.clone());
        let named = !anonymous
            && if is_document {
                issuer.is_some()
            } else {
                proper || (kind == "media" && self.media_in(source).is_some())
            };
        let official = !anonymous && kind == "government";
        let t = Typing {
            kind,
            role_class: None,
            document_class: doc_class,
            anonymous,
            anonymity: anon.filter(|_| anonymous).map(str::to_string),
            named,
            official,
            issuer,
            extent,
        };
        (t, src_hits)
    }

    /// Completes `t` from [`SourcingRules::classify_but_role`]: the role class of the speaker's role with
    /// `source` (whose hits are `src_hits`), and whether it makes the source official.
    fn add_role(
        &self,
        t: &mut Typing,
        source: &str,
        speaker: Option<&Speaker>,
        src_hits: &PhraseHits,
    ) {
        let role = speaker.and_then(|s| s.role.as_deref()).unwrap_or_default();
        t.role_class = if t.kind == "media" {
            None
        } else if role.is_empty() && !self.terms.walks_spaces() {
            // The phrase would be " {source}", whose hits are those of `source` one byte later (matches
            // start at word starts of the view, and a leading space only shifts the view): the same role
            // classes, without matching the phrase again.
            self.role_class_in(src_hits)
        } else {
            // "{role} {source}", without the cost of `format!`.
            let mut role_phrase = String::with_capacity(role.len() + 1 + source.len());
            role_phrase.push_str(role);
            role_phrase.push(' ');
            role_phrase.push_str(source);
            self.role_class(&role_phrase)
        };
        t.official |= !t.anonymous
            && t.role_class
                .as_deref()
                .is_some_and(|c| OFFICIAL_CLASSES.contains(&c));
    }

    /// Whether `word` is a `function` lexicon word of `class`.
    fn is_function(&self, word: &str, class: &str) -> bool {
        self.hits(word).iter().any(|(h, i)| {
            i.category == "function"
                && i.class.as_deref() == Some(class)
                && h.start == 0
                && h.end == word.len()
        })
    }

    /// Whether `source` contains a name outside the lexicon's words: a capitalised word before its first
    /// anonymous phrase that no lexicon term covers, or a capitalised word after a `naming` function word
    /// ("like", "including").
    fn names_members(&self, source: &str, hits: &PhraseHits) -> bool {
        let first_anon = hits
            .iter()
            .find(|(_, i)| i.category == "anonymous")
            .map(|(h, _)| h.start)
            .unwrap_or(0);
        let covered = |s: usize, e: usize| hits.iter().any(|(h, _)| h.start <= s && e <= h.end);
        for w in source.split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '-' || c == '\''))
        {
            // The word's byte offset in `source` (separators may be longer than one byte: "’", a
            // non-breaking space, a dash).
            let s = w.as_ptr() as usize - source.as_ptr() as usize;
            if s >= first_anon {
                break;
            }
            if w.chars().next().is_some_and(char::is_uppercase) && !covered(s, s + w.len()) {
                return true;
            }
        }
        hits.iter()
            .filter(|(_, i)| i.category == "function" && i.class.as_deref() == Some("naming"))
            .any(|(h, _)| {
                source
                    .get(h.end..)
                    .and_then(|r| r.trim_start().chars().next())
                    .is_some_and(char::is_uppercase)
            })
    }

    /// The canonical (lower-cased) media name mentioned in `text`, if any.
    fn media_in(&self, text: &str) -> Option<String> {
        let low = text.to_lowercase();
        self.media_names
            .iter()
            // A name longer than the text cannot be in it (and setting up its search costs more
            // than the search).
            .filter(|(surface, _)| {
                surface.len() <= low.len()
                    && low.match_indices(surface.as_str()).any(|(i, m)| {
                        let before = low[..i].chars().next_back();
                        let after = low[i + m.len()..].chars().next();
                        !before.is_some_and(char::is_alphanumeric)
                            && !after.is_some_and(char::is_alphanumeric)
                    })
            })
            .max_by_key(|(s, _)| s.len())
            .map(|(_, c)| c.clone())
    }

    /// What an outlet's self-references are found with: its spellings and the self-reference regexes
    /// (with prefilters) built from them. Built once per outlet name, then cached.
    fn outlet_self(&self, outlet: &str) -> Arc<OutletSelf> {
        let lock = || {
            // A poisoned lock only means another thread panicked mid-insert: the map is still valid.
            self.self_cache
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if let Some(hit) = lock().get(outlet) {
            return hit.clone();
        }
        let built = Arc::new(self.build_outlet_self(outlet));
        let mut map = lock();
        if map.len() < SELF_CACHE_MAX {
            map.insert(outlet.to_string(), built.clone());
        }
        built
    }

    /// [`OutletSelf`] of `outlet`.
    fn build_outlet_self(&self, outlet: &str) -> OutletSelf {
        let variants = self.outlet_variants(outlet);
        let alt = variants
            .iter()
            .map(|v| regex::escape(v))
            .collect::<Vec<_>>()
            .join("|");
        let regexes = if variants.is_empty() {
            Vec::new()
        } else {
            self.self_patterns
                .iter()
                .filter_map(|pat| {
                    Pattern::new(&pat.replace("OUTLET", &format!("(?:{alt})")), false).ok()
                })
                .collect()
        };
        let gate = Gate::from_literals(
            &regexes
                .iter()
                .map(|r| gate_literals(r.gate_source()))
                .collect::<Vec<_>>(),
        );
        OutletSelf {
            variants,
            regexes,
            gate,
        }
    }

    /// Spellings of `outlet` to look for: the name, and the media-entity forms whose name or canonical
    /// name is the outlet (without a leading "the").
    fn outlet_variants(&self, outlet: &str) -> Vec<String> {
        let norm = |s: &str| {
            let s = s.trim().to_lowercase();
            s.strip_prefix("the ").map(str::to_string).unwrap_or(s)
        };
        let o = norm(outlet);
        if o.is_empty() || o == "unknown" || o == "eval" {
            return Vec::new();
        }
        let mut v: BTreeSet<String> = BTreeSet::new();
        v.insert(outlet.trim().to_string());
        for (surface, canon) in &self.media_names {
            if norm(surface) == o || norm(canon) == o {
                v.insert(surface.clone());
            }
        }
        // Longest first so the alternation prefers "The Washington Post" over "Post".
        let mut v: Vec<String> = v.into_iter().filter(|s| s.len() > 1).collect();
        v.sort_by_key(|s| std::cmp::Reverse(s.len()));
        v
    }
}

/// The gate literals of the self-reference pattern `pat` that hold for every outlet: those read with
/// `OUTLET` as an empty group, which gives none and splits literal runs as the outlet's group does, so
/// that the literals come from the pattern's own words. Each is in every match of the pattern with any
/// outlet.
fn outlet_free_literals(pat: &str) -> GateLiterals {
    let src = pat.replace("OUTLET", "(?:)");
    gate_literals(
        crate::lexicon::pattern::prefilter_source(&src)
            .as_deref()
            .unwrap_or(&src),
    )
}

/// The literal gate over the text model's line rules (`lines` patterns), the credit patterns and the
/// self-reference patterns (with [`outlet_free_literals`]), in this order.
struct ParagraphGate {
    gate: Gate,
    lines: usize,
}

/// An outlet's spellings and its compiled self-reference patterns (regex, prefilter).
struct OutletSelf {
    variants: Vec<String>,
    regexes: Vec<Pattern>,
    /// The literal gate over `regexes`.
    gate: Gate,
}

impl OutletSelf {
    /// Marks in `open` the credit patterns that may match paragraph `pt` (in the order of
    /// `SourcingRules::credits`) followed, with `own`, by the self-reference patterns that may (in the
    /// order of `regexes`). `scratch` is a buffer for the second gate.
    fn candidates(
        &self,
        rules: &SourcingRules,
        pt: &str,
        own: bool,
        open: &mut Vec<bool>,
        scratch: &mut Vec<bool>,
    ) {
        rules.credit_gate.candidates(pt, open);
        if own {
            self.gate.candidates(pt, scratch);
            open.extend_from_slice(scratch);
        }
    }
}

/// The outlet rules of one article ([`SourcingRules::article_gate`]) and, once its text model is built with
/// the rules' paragraph gate ([`ArticleGate::build_text`]), that gate's candidates of every paragraph.
pub struct ArticleGate {
    outlet: Arc<OutletSelf>,
    /// The paragraph gate's width (number of patterns) and line rules, and its marks, one per pattern,
    /// paragraph after paragraph; `None` when the text model was built without it.
    rows: Option<(usize, usize, Vec<bool>)>,
}

impl ArticleGate {
    /// The text model of `text` ([`text::build`]), its paragraphs scanned with the paragraph gate of
    /// `sourcing` when it covers the line rules of `rules`: the credits' and self-references' candidates
    /// then come with it.
    pub fn build_text(
        &mut self,
        text: &str,
        rules: &TextRules,
        opts: &text::BuildOptions,
        sourcing: &SourcingRules,
    ) -> TextModel {
        match &sourcing.paragraph_gate {
            Some(pg) if pg.lines == rules.line_rules.len() => {
                let mut rows = Vec::new();
                let model = text::build_gated(text, rules, opts, &pg.gate, &mut rows);
                self.rows = Some((pg.gate.len(), pg.lines, rows));
                model
            }
            _ => {
                self.rows = None;
                text::build(text, rules, opts)
            }
        }
    }

    /// The paragraph gate's candidates of the credits and self-references (in the order of
    /// [`OutletSelf::candidates`]) for every paragraph of `model`, when the model was built with it.
    fn rows<'a>(&'a self, model: &TextModel) -> Option<impl Iterator<Item = &'a [bool]>> {
        let (width, lines, rows) = self.rows.as_ref()?;
        let (width, lines) = (*width, *lines);
        (rows.len() == model.paragraphs.len() * width).then(|| {
            (0..model.paragraphs.len()).map(move |i| {
                let row = i * width;
                rows.get(row + lines..row + width).unwrap_or_default()
            })
        })
    }
}

/// Most outlets whose self-reference regexes are kept compiled; beyond it (a corpus with
/// thousands of outlets) they are compiled per article.
const SELF_CACHE_MAX: usize = 1024;

/// Longest phrase whose hits are cached ([`SourcingRules::hits`]): longer ones seldom recur.
const PHRASE_CACHE_MAX_LEN: usize = 256;
/// Most phrases cached at once.
const PHRASE_CACHE_MAX: usize = 1 << 16;

/// An anonymous hit: (start, end, entry info), byte offsets in the text it was found in.
type AnonHit<'a> = (usize, usize, &'a TermInfo);

/// The anonymous hits of a part of a text, borrowed from those of the whole text: the hits that start
/// in `base..end` (sorted by start) of which those that end by `end` count, at offsets from `base`.
#[derive(Clone, Copy)]
struct AnonIn<'a, 'r> {
    hits: &'a [AnonHit<'r>],
    base: usize,
    end: usize,
}

impl<'a, 'r> AnonIn<'a, 'r> {
    /// All of `hits` (found in the part itself).
    fn all(hits: &'a [AnonHit<'r>]) -> Self {
        AnonIn {
            hits,
            base: 0,
            end: usize::MAX,
        }
    }

    fn iter(self) -> impl Iterator<Item = AnonHit<'r>> + 'a {
        self.hits
            .iter()
            .filter(move |h| h.1 <= self.end)
            .map(move |&(s, e, i)| (s - self.base, e - self.base, i))
    }
}

/// Words after a source in which a naming word ("like", "including") must start.
const NAMING_WINDOW_WORDS: usize = 6;

/// Words allowed between two anonymous phrases of one description ("officials | who spoke | on condition
/// of anonymity").
const CHAIN_GAP_WORDS: usize = 2;
/// Words allowed between an anonymous phrase and the source it governs.
const SOURCE_GAP_WORDS: usize = 1;

#[derive(Debug, Clone, Default)]
struct Chain<'r> {
    start: usize,
    end: usize,
    /// The class of the chain's first hit (borrowed from the rules).
    class: Option<&'r str>,
    words: usize,
    agentless: bool,
    hits: usize,
    has_source: bool,
}

/// The hits of every term category in a phrase ([`SourcingRules::hits`]), sorted by start (then longest
/// first), shared with the phrase cache.
struct PhraseHits<'r> {
    hits: Arc<[TermHit]>,
    info: &'r [TermInfo],
}

impl<'r> PhraseHits<'r> {
    fn iter(&self) -> impl Iterator<Item = (TermHit, &'r TermInfo)> + '_ {
        self.hits
            .iter()
            .filter_map(|h| self.info.get(h.entry).map(|i| (*h, i)))
    }
}

/// The entries of the `anonymous` category of the `sources` lexicons, in lexicon order: those of
/// [`SourcingRules`]' anonymous matcher, which [`super::loaded::LoadedRules`] also looks for so that one
/// walk of an article's match view finds both (see [`profile`]).
pub(crate) fn anonymous_entries(lex: &LexiconSet) -> Vec<&Entry> {
    lex.of_kind("sources")
        .flat_map(|l| &l.entries)
        .filter(|e| e.pattern.is_none() && e.category == "anonymous")
        .collect()
}

/// How one source is typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Typing {
    /// person | organization | government | document | anonymous | media | unknown
    pub kind: &'static str,
    pub role_class: Option<String>,
    pub document_class: Option<String>,
    pub anonymous: bool,
    /// unnamed_official | unnamed_source | agentless | vague_group (from the lexicon) when anonymous.
    pub anonymity: Option<String>,
    pub named: bool,
    pub official: bool,
    /// For a document: the named person or body that issued it.
    pub issuer: Option<String>,
    /// The source range widened by the anonymous phrases that touch it (byte offsets in the sentence).
    extent: Option<(usize, usize)>,
}

/// What the sourcing analyzer adds to a record.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub sources: Vec<SourceOut>,
    pub credits: Vec<CreditOut>,
    pub self_references: Vec<Span>,
    /// Body sentences (indices into the model's sentences, ascending, each once) that carry an attribution
    /// or a standalone anonymous source. A sorted vector rather than an ordered set: it is built in order
    /// from one flag per sentence, and only counted and searched.
    pub attributed_sentences: Vec<usize>,
}

/// Build the sourcing profile of one article. `atts` are the extractor's attributions (byte offsets),
/// `idx` converts byte offsets to code points, `anonymous` are the hits of the anonymous phrases in
/// `text` (as the `anonymous` matcher finds them; [`super::loaded::find`] finds them in its walk of the
/// text's match view), `article` the outlet rules of the article (when `model` was built with
/// [`ArticleGate::build_text`], it holds the credits' and self-references' candidates of its
/// paragraphs).
pub fn profile(
    text: &str,
    anonymous: Vec<TermHit>,
    model: &TextModel,
    atts: &[Attribution],
    article: &ArticleGate,
    rules: &SourcingRules,
    idx: &CharIndex,
) -> Profile {
    let span = |s: usize, e: usize| Span {
        start: idx.char_of(s),
        end: idx.char_of(e),
        text: slice(text, s, e),
    };
    // A borrowed `slice`.
    let sub = |s: usize, e: usize| text.get(s..e).unwrap_or_default();
    // Room for a source per attribution (most articles have fewer), so that the list is not copied as it
    // grows.
    let mut p = Profile {
        sources: Vec::with_capacity(atts.len()),
        ..Profile::default()
    };
    let outlet_self = &article.outlet;
    let variants = &outlet_self.variants;
    // Anonymous phrases of the whole text, found once; a sentence takes the hits inside it.
    let anon_all = rules.anonymous_hits(anonymous);
    let anon_in = |s: usize, e: usize| -> AnonIn {
        let from = anon_all.partition_point(|h| h.0 < s);
        let rest = anon_all.get(from..).unwrap_or_default();
        AnonIn {
            hits: rest
                .get(..rest.partition_point(|h| h.0 < e))
                .unwrap_or_default(),
            base: s,
            end: e,
        }
    };
    let own_media = |name: &str| {
        let n = name.to_lowercase();
        let n = n.strip_prefix("the ").unwrap_or(&n).to_string();
        variants.iter().any(|v| {
            v.to_lowercase()
                .strip_prefix("the ")
                .unwrap_or(&v.to_lowercase())
                == n
        })
    };

    // Attributed sentences: any sentence an attribution's source, cue or content touches. Marked by
    // index (many attributions share a sentence), the set built once at the end.
    let mut attributed = vec![false; model.sentences.len()];
    // An attribution's spans lie in or next to the sentence of the one before: each search starts from the
    // last answer for the same part (content, source, cue: the parts of one attribution are apart, and a
    // source often comes after its content) ([`first_ending_after`]).
    let mut hints = [0usize; 3];
    for a in atts {
        for (s, hint) in [Some(a.content), a.source, a.cue]
            .into_iter()
            .zip(&mut hints)
        {
            let Some(s) = s else { continue };
            // Sentences are sorted and disjoint: visit only those overlapping the span.
            let first = first_ending_after(&model.sentences, s.start, *hint);
            *hint = first;
            for (i, sen) in model.sentences.iter().enumerate().skip(first) {
                if sen.start >= s.end {
                    break;
                }
                if sen.region == Region::Body && s.start < sen.end {
                    if let Some(m) = attributed.get_mut(i) {
                        *m = true;
                    }
                }
            }
        }
    }

    // Typed sources, keyed by (kind, lower-cased name) ([`source_key`], written into `kbuf`) → index
    // into `p.sources`.
    // Room for a source per attribution: the map never grows.
    let mut keys: FxHashMap<Vec<u8>, usize> =
        FxHashMap::with_capacity_and_hasher(atts.len(), Default::default());
    // Room for most keys (a kind and a name): the buffer is reused for every key of the article.
    let mut kbuf = Vec::with_capacity(64);
    let mut hint = 0;
    for (ai, a) in atts.iter().enumerate() {
        let sp = &a.speaker;
        if sp.name == "unknown" && sp.kind == "unknown" && a.source.is_none() {
            continue;
        }
        let src = a.source.unwrap_or(ByteSpan {
            start: a.content.start,
            end: a.content.start,
        });
        // `model.sentence_at(src.start)`, searched from the last answer.
        hint = first_ending_after(&model.sentences, src.start, hint);
        let sen = model
            .sentences
            .get(hint)
            .filter(|sen| sen.start <= src.start);
        let (sen_text, sen_anon, at) = match (sen, a.source) {
            (Some(s), Some(src)) => (
                sub(s.start, s.end),
                anon_in(s.start, s.end),
                Some((
                    src.start.saturating_sub(s.start),
                    src.end.min(s.end).saturating_sub(s.start),
                )),
            ),
            _ => ("", AnonIn::all(&[]), None),
        };
        let src_text = a.source.map_or("", |s| sub(s.start, s.end));
        let (mut t, src_hits) = rules.classify_but_role(src_text, sen_text, sen_anon, at, Some(sp));
        // Borrowed when it is the speaker's name (most sources): most attributions name a source seen
        // before, and only a new source's name is copied into the profile.
        let name: Cow<str> = match t.kind {
            "anonymous" => {
                let widened = match (t.extent, sen) {
                    (Some((a0, a1)), Some(_)) => {
                        sen_text.get(a0..a1).map(|w| rules.strip_article(w))
                    }
                    _ => None,
                };
                Cow::Owned(
                    widened
                        .filter(|w| !w.is_empty())
                        .unwrap_or_else(|| rules.strip_article(src_text))
                        .to_lowercase(),
                )
            }
            "document" => {
                let doc = t.document_class.as_deref().unwrap_or("document");
                match &t.issuer {
                    Some(who) => Cow::Owned(format!("{doc} by {who}")),
                    None if src_text.is_empty() => Cow::Borrowed(sp.name.as_str()),
                    None => Cow::Owned(rules.strip_article(src_text)),
                }
            }
            _ => Cow::Borrowed(sp.name.as_str()),
        };
        let name = if name.is_empty() {
            Cow::Borrowed(sp.name.as_str())
        } else {
            name
        };
        // A named issuer's documents are one source ("the statement" after "a statement by X").
        if let Some(who) = &t.issuer {
            source_key(&mut kbuf, "document", "by ", who, true);
        } else {
            source_key(&mut kbuf, t.kind, "", &name, true);
        }
        let mention = a.source.map(|s| span(s.start, s.end));
        if let Some(&i) = keys.get(kbuf.as_slice()) {
            if let Some(s) = p.sources.get_mut(i) {
                s.attributions += 1;
                s.mentions.extend(mention);
                if s.role_class.is_none() {
                    rules.add_role(&mut t, src_text, Some(sp), &src_hits);
                    s.role_class = t.role_class.clone();
                }
                if s.document_class.is_none() && t.kind == "document" {
                    s.document_class = t.document_class.clone();
                }
            }
            continue;
        }
        keys.insert(kbuf.clone(), p.sources.len());
        rules.add_role(&mut t, src_text, Some(sp), &src_hits);
        let own = t.kind == "media" && own_media(&sp.name);
        let is_document = t.kind == "document";
        p.sources.push(SourceOut {
            name: name.into_owned(),
            kind: t.kind.into(),
            side: sp.side.map(Into::into),
            attributions: 1,
            named: t.named,
            role_class: t.role_class,
            document_class: t.document_class.filter(|_| is_document),
            anonymous: t.anonymous,
            anonymity: t.anonymity,
            official: t.official,
            own_outlet: own,
            first_attribution: Some(ai),
            mentions: mention.into_iter().collect(),
        });
    }

    let mut source_starts: Vec<usize> = atts
        .iter()
        .filter_map(|a| a.source.map(|s| s.start))
        .collect();
    source_starts.sort_unstable();
    // Standalone anonymous sources: agentless phrases ("it is believed") and long anonymous phrases in
    // body sentences where no attribution has a source.
    // Sentences come in order, so the first source start at or after a sentence's start only moves on
    // (`from`), as do the anonymous hits that start in it (`anon_from..anon_to`, as `anon_in` finds them).
    let (mut from, mut anon_from, mut anon_to) = (0, 0, 0);
    for (si, sen) in model.sentences.iter().enumerate() {
        if sen.region != Region::Body {
            continue;
        }
        from = advance(&source_starts, from, |&s| s < sen.start);
        let has_source = source_starts.get(from).is_some_and(|&s| s < sen.end);
        if has_source {
            continue;
        }
        anon_from = advance(&anon_all, anon_from, |h| h.0 < sen.start);
        anon_to = advance(&anon_all, anon_to.max(anon_from), |h| h.0 < sen.end);
        let sen_anon = AnonIn {
            hits: anon_all.get(anon_from..anon_to).unwrap_or_default(),
            base: sen.start,
            end: sen.end,
        };
        if sen_anon.hits.is_empty() {
            continue;
        }
        let st = sub(sen.start, sen.end);
        for c in rules.anonymous_chains(st, sen_anon, None) {
            if !(c.agentless || c.words >= STANDALONE_MIN_WORDS) {
                continue;
            }
            let name = rules
                .strip_article(st.get(c.start..c.end).unwrap_or_default())
                .to_lowercase();
            let m = span(sen.start + c.start, sen.start + c.end);
            if let Some(m) = attributed.get_mut(si) {
                *m = true;
            }
            source_key(&mut kbuf, "anonymous", "", &name, false);
            if let Some(&k) = keys.get(kbuf.as_slice()) {
                if let Some(s) = p.sources.get_mut(k) {
                    s.mentions.push(m);
                }
                continue;
            }
            keys.insert(kbuf.clone(), p.sources.len());
            p.sources.push(SourceOut {
                name,
                kind: "anonymous".into(),
                side: None,
                attributions: 0,
                named: false,
                role_class: None,
                document_class: None,
                anonymous: true,
                anonymity: c.class.map(str::to_string),
                official: false,
                own_outlet: false,
                first_attribution: None,
                mentions: vec![m],
            });
        }
    }

    p.attributed_sentences = flagged(&attributed);

    // Credits in every paragraph (captions and boilerplate included), outlet self-references in the
    // headline and body.
    let mut found: Vec<(usize, usize)> = Vec::new();
    let (mut open, mut scratch) = (Vec::new(), Vec::new());
    let mut shared = article.rows(model);
    for para in &model.paragraphs {
        let pt = sub(para.start, para.end);
        let own = !variants.is_empty() && matches!(para.region, Region::Body | Region::Headline);
        let row = match shared.as_mut() {
            Some(rows) => {
                let row = rows.next().unwrap_or_default();
                let (credits, free) = row.split_at(rules.credits.len().min(row.len()));
                open.clear();
                open.extend_from_slice(credits);
                // The outlet's own gate checks the self-reference patterns the outlet-free literals
                // open.
                if own && free.contains(&true) {
                    outlet_self.gate.candidates(pt, &mut scratch);
                    open.extend(scratch.iter().zip(free).map(|(&a, &b)| a && b));
                }
                &open
            }
            None => {
                outlet_self.candidates(rules, pt, own, &mut open, &mut scratch);
                &open
            }
        };
        let (credit_open, self_open) = row.split_at(rules.credits.len().min(row.len()));
        let mut taken: Vec<(usize, usize)> = Vec::new();
        // Most paragraphs open no credit pattern: one test of all the marks (a fold with no early exit,
        // so no loop exit to mispredict) instead of a branch per pattern.
        let any_credit = credit_open.iter().fold(false, |any, &may| any | may);
        for (credit, &may) in rules.credits.iter().zip(credit_open).filter(|_| any_credit) {
            if !may {
                continue;
            }
            for c in credit.captures(pt) {
                let Some(m) = c.name("name") else { continue };
                let s = m.start();
                let trimmed = m.as_str().trim_end_matches(|c: char| {
                    c.is_whitespace() || matches!(c, '.' | ',' | ';' | ':')
                });
                let e = s + trimmed.len();
                if e <= s || taken.iter().any(|&(a, b)| a < e && s < b) {
                    continue;
                }
                taken.push((s, e));
                p.credits.push(CreditOut {
                    kind: credit.kind.clone(),
                    name: trimmed.trim().to_string(),
                    span: span(para.start + s, para.start + e),
                });
            }
        }
        if !own {
            continue;
        }
        for (pattern, &may) in outlet_self.regexes.iter().zip(self_open) {
            let Some(re) = may.then(|| pattern.candidate(pt)).flatten() else {
                continue;
            };
            let matches = start_bound(pattern)
                .and_then(|b| {
                    bounded::from_candidates(pt, b, |at| {
                        re.find_at(pt, at).map(|m| (m.start(), m.end(), m))
                    })
                })
                .unwrap_or_else(|| re.find_iter(pt).collect());
            for m in matches {
                let (s, e) = (para.start + m.start(), para.start + m.end());
                if !found.iter().any(|&(a, b)| a < e && s < b) {
                    found.push((s, e));
                }
            }
        }
    }
    p.credits.sort_by_key(|c| c.span.start);

    if !variants.is_empty() {
        for a in atts {
            if let Some(src) = a.source {
                if a.speaker.kind == "media"
                    && own_media(&a.speaker.name)
                    && !found.iter().any(|&(x, y)| x < src.end && src.start < y)
                {
                    found.push((src.start, src.end));
                }
            }
        }
        found.sort();
        p.self_references = found.into_iter().map(|(s, e)| span(s, e)).collect();
    }
    p
}

/// Writes into `buf` the key of a source of `kind` named `prefix` and `name` (lower-cased as by
/// `str::to_lowercase` with `lower`): the pair (kind, name) as one string, the kind's length first (one
/// character per byte of it) so that no two pairs share a key. Written into a reused buffer, a key costs
/// no allocation unless it is new (nor any formatting).
fn source_key(buf: &mut Vec<u8>, kind: &str, prefix: &str, name: &str, lower: bool) {
    buf.clear();
    // Bytes, not a `String`: a key is only compared, and copying slices costs far less than pushing
    // characters one by one.
    buf.extend_from_slice(&kind.len().to_le_bytes());
    buf.extend_from_slice(kind.as_bytes());
    buf.extend_from_slice(prefix.as_bytes());
    if !lower {
        buf.extend_from_slice(name.as_bytes());
    } else if name.is_ascii() {
        // ASCII lower-cases byte by byte (no context rules apply).
        let at = buf.len();
        buf.extend_from_slice(name.as_bytes());
        buf.get_mut(at..).unwrap_or_default().make_ascii_lowercase();
    } else {
        buf.extend_from_slice(name.to_lowercase().as_bytes());
    }
}

/// `from + v[from..].partition_point(pred)` (`v[from..]` is partitioned by `pred`), found by stepping from
/// `from`: the searches that use it follow the text, so the answer is most often `from` or the next
/// index, and a binary search would mispredict where a step does not. (Past the end, `from`.)
fn advance<T>(v: &[T], mut from: usize, pred: impl Fn(&T) -> bool) -> usize {
    while v.get(from).is_some_and(&pred) {
        from += 1;
    }
    from
}

/// The indices of the set flags, ascending (each once): a vector that a binary search answers as the
/// ordered set of them would.
fn flagged(flags: &[bool]) -> Vec<usize> {
    (flags.iter().enumerate())
        .filter_map(|(i, &m)| m.then_some(i))
        .collect()
}

/// The index of the first of `sentences` (sorted, disjoint) that ends after `pos`, as
/// `sentences.partition_point(|s| s.end <= pos)`: tried first at `hint` and the sentence after it (the
/// answer for most searches, which follow the text), else searched for.
fn first_ending_after(sentences: &[text::Sentence], pos: usize, hint: usize) -> usize {
    let is_first = |i: usize| {
        i.checked_sub(1)
            .is_none_or(|b| sentences.get(b).is_some_and(|s| s.end <= pos))
            && sentences.get(i).is_none_or(|s| s.end > pos)
    };
    if is_first(hint) {
        hint
    } else if is_first(hint + 1) {
        hint + 1
    } else {
        sentences.partition_point(|s| s.end <= pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in rules, compiled once for all tests.
    fn rules() -> &'static SourcingRules {
        static RULES: std::sync::LazyLock<SourcingRules> = std::sync::LazyLock::new(|| {
            SourcingRules::from_lexicons(&LexiconSet::builtin().unwrap()).unwrap()
        });
        &RULES
    }

    /// The hits of `text` as [`SourcingRules::hits`] gives them, without the cache.
    fn uncached<'r>(r: &'r SourcingRules, text: &str) -> Vec<(TermHit, &'r TermInfo)> {
        r.match_phrase(text)
            .into_iter()
            .map(|h| (h, &r.info[h.entry]))
            .collect()
    }

    fn same_hits(a: &[(TermHit, &TermInfo)], b: &[(TermHit, &TermInfo)]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|((h, i), (g, j))| h == g && std::ptr::eq(*i, *j))
    }

    #[test]
    fn members_named_with_multibyte_separators() {
        // A non-breaking space (two bytes) before a capitalized word that a term covers: the word offsets
        // must not drift, or "White" would be taken for a named member of the anonymous group.
        let plain = "the White House officials";
        let nbsp = "the\u{a0}White House officials";
        let typed =
            |src: &str| rules().classify(src, &format!("{src} said the talks failed."), None, None);
        assert_eq!(typed(nbsp).anonymous, typed(plain).anonymous);
        assert_eq!(typed(nbsp).named, typed(plain).named);
        assert_eq!(typed(nbsp).kind, typed(plain).kind);
    }

    #[test]
    fn cached_hits_equal_fresh_hits() {
        let r = rules();
        let long = "a senior official familiar with the talks ".repeat(10);
        for text in [
            "a senior official familiar with the talks",
            "the spokeswoman",
            "he",
            "President Ilse Varga",
            "a report by the harbour board",
            "",
            long.as_str(),
        ] {
            let fresh = uncached(r, text);
            assert!(
                same_hits(&r.hits(text).iter().collect::<Vec<_>>(), &fresh),
                "{text:?}"
            );
            let again: Vec<_> = r.hits(text).iter().collect();
            assert!(same_hits(&again, &fresh), "{text:?} (cached)");
        }
        assert!(r.hits("a senior official").iter().next().is_some());
    }

    /// The engine's text and sourcing rules (the sourcing rules sharing their paragraph gate with the text
    /// model), built once for all tests.
    fn engine() -> &'static crate::analyze::Engine {
        static ENGINE: std::sync::LazyLock<crate::analyze::Engine> =
            std::sync::LazyLock::new(|| {
                crate::analyze::Engine::new(LexiconSet::builtin().unwrap()).unwrap()
            });
        &ENGINE
    }

    /// Checks the paragraph gate's candidates of every paragraph of `text` against the separate gates:
    /// the line rules' own gate and the credit gate give the same marks, and every self-reference
    /// pattern of `outlet` that matches a paragraph is open in the paragraph gate and in the outlet's
    /// gate. Then the credits and self-references of the profile are those found with the separate
    /// gates alone (the profile is returned).
    fn check_paragraph_gate(outlet: &str, text: &str) -> Profile {
        let e = engine();
        let (tr, r) = (&e.text_rules, &e.sourcing);
        let opts = text::BuildOptions::default();
        let mut shared = r.article_gate(outlet);
        let model = shared.build_text(text, tr, &opts, r);
        let Some((width, lines, rows)) = &shared.rows else {
            panic!("no shared rows")
        };
        assert_eq!(*lines, tr.line_rules.len());
        assert_eq!(*width, lines + r.credits.len() + r.self_patterns.len());
        let line_gate = Gate::from_literals(&tr.line_gate_literals());
        let o = &shared.outlet;
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for (i, p) in model.paragraphs.iter().enumerate() {
            let pt = &text[p.start..p.end];
            let row = &rows[i * width..(i + 1) * width];
            line_gate.candidates(pt, &mut a);
            assert_eq!(row[..*lines], a[..], "line rules on {pt:?}");
            r.credit_gate.candidates(pt, &mut a);
            assert_eq!(
                row[*lines..lines + r.credits.len()],
                a[..],
                "credits on {pt:?}"
            );
            o.gate.candidates(pt, &mut b);
            for (k, re) in o.regexes.iter().enumerate() {
                if re.exact().unwrap().is_match(pt) {
                    assert!(row[lines + r.credits.len() + k] && b[k], "{re:?} on {pt:?}");
                }
            }
        }
        let plain = text::build(text, tr, &opts);
        assert_eq!(model.paragraphs, plain.paragraphs);
        assert_eq!(model.sentences, plain.sentences);
        let apart = r.article_gate(outlet);
        let (view, idx) = (crate::lexicon::MatchView::new(text), CharIndex::new(text));
        let anon = r.anonymous_in_view(&view);
        let with = profile(text, anon.clone(), &model, &[], &shared, r, &idx);
        let without = profile(text, anon, &model, &[], &apart, r, &idx);
        assert_eq!(with.credits, without.credits, "{text:?}");
        assert_eq!(with.self_references, without.self_references, "{text:?}");
        with
    }

    #[test]
    fn paragraph_gate_agrees_with_separate_gates() {
        let p = check_paragraph_gate(
            "Harbour Gazette",
            "The mayor told Harbour Gazette on Monday that the ferry would run.\n\
             HARBOUR (Reuters) - The port reopened after the storm.\n\
             Photo: Lena Okafor / Harbour Gazette\n\
             Additional reporting by Tomas Berg; editing by Ana Ruiz\n\
             The Harbour Gazette has learned that the dredging plan was shelved.\n\
             A Harbour Gazette investigation found the \u{212A}ELVIN gauge broken.\n\
             Share this article\n\
             It will happen, said the stupid tassel vendor.",
        );
        assert!(
            p.credits.len() >= 3 && p.self_references.len() >= 3,
            "{p:?}"
        );
        let p = check_paragraph_gate("unknown", "By Ana Ruiz, Reuters\nReuters");
        assert_eq!(p.credits.len(), 2, "{p:?}");
    }

    proptest::proptest! {
        #[test]
        fn paragraph_gate_agrees_with_separate_gates_prop(
            outlet in "(Harbour Gazette|nyt|Press TV|unknown|Ab)",
            words in proptest::collection::vec(
                "(Harbour|Gazette|Harbour Gazette|nyt|Press TV|Ab|told|has learned|reported|a|the|\
                  investigation|Reuters|AP|REUTERS/Ana|Photo|photo|:|/|Getty Images|\\(|\\)|-|—|by|\
                  Additional reporting by|Ana Ruiz|contributed reporting|Share this article|©|2024|\
                  All rights reserved|\u{212A}|ſ|é|\n| )",
                0..24,
            ),
        ) {
            check_paragraph_gate(&outlet, &words.join(" "));
        }
    }

    /// [`SourcingRules::role_class`] of `source` with an empty role as `classify` finds it: from the hits
    /// of `source` alone.
    fn role_class_of_bare_source(r: &SourcingRules, source: &str) -> Option<String> {
        r.role_class_in(&r.hits(source))
    }

    #[test]
    fn bare_source_role_class_equals_role_class_of_spaced_phrase() {
        let r = rules();
        assert!(!r.terms.walks_spaces());
        for source in [
            "the spokeswoman",
            "a State Department spokesman",
            "senior military officials",
            "\u{a0}minister",
            " - spokesman",
            "\u{ad}official",
            "",
        ] {
            assert_eq!(
                role_class_of_bare_source(r, source),
                r.role_class(&format!(" {source}")),
                "{source:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn borrowed_part_hits_equal_copied_part_hits(
            mut spans in proptest::collection::vec((0usize..60, 1usize..12), 0..12),
            s in 0usize..70,
            len in 0usize..40,
        ) {
            let info = TermInfo { category: "anonymous".into(), class: None, words: 1, role_rank: None };
            spans.sort_by_key(|&(a, n)| (a, std::cmp::Reverse(a + n)));
            let all: Vec<AnonHit> = spans.iter().map(|&(a, n)| (a, a + n, &info)).collect();
            let e = s + len;
            // The hits of `s..e` as `profile` once copied them out.
            let copied: Vec<(usize, usize)> = all
                .iter()
                .skip_while(|h| h.0 < s)
                .take_while(|h| h.0 < e)
                .filter(|h| h.1 <= e)
                .map(|h| (h.0 - s, h.1 - s))
                .collect();
            let from = all.partition_point(|h| h.0 < s);
            let rest = &all[from..];
            let part = AnonIn { hits: &rest[..rest.partition_point(|h| h.0 < e)], base: s, end: e };
            let borrowed: Vec<(usize, usize)> = part.iter().map(|h| (h.0, h.1)).collect();
            proptest::prop_assert_eq!(borrowed, copied);
        }
    }

    proptest::proptest! {
        #[test]
        fn ranked_role_class_equals_plain(
            words in proptest::collection::vec(
                "(US|State|Department|spokesman|spokeswoman|senior|official|officials|military|general|minister|police|expert|analyst|activist|lawyer|the|a|of|said|reporter|professor|mayor|resident)",
                0..8,
            )
        ) {
            let r = rules();
            let text = words.join(" ");
            let hits = r.hits(&text);
            proptest::prop_assert_eq!(r.role_class_in(&hits), r.role_class_in_plain(&hits));
        }
    }

    proptest::proptest! {
        /// Stepping past the leading elements that satisfy the predicate gives the partition point.
        #[test]
        fn advance_is_the_partition_point(
            mut v in proptest::collection::vec(0u8..20, 0..30),
            from in 0usize..35,
            bound in 0u8..22,
        ) {
            v.sort_unstable();
            let want = from + v.get(from..).unwrap_or_default().partition_point(|&x| x < bound);
            proptest::prop_assert_eq!(advance(&v, from, |&x| x < bound), want);
        }

        /// The flagged indices searched as a sorted vector answer as the ordered set of them does.
        #[test]
        fn flagged_search_equals_set(flags in proptest::collection::vec(proptest::bool::ANY, 0..80)) {
            let set: BTreeSet<usize> = (0..flags.len()).filter(|&i| flags[i]).collect();
            let v = flagged(&flags);
            proptest::prop_assert_eq!(&v, &set.iter().copied().collect::<Vec<_>>());
            for i in 0..flags.len() + 2 {
                proptest::prop_assert_eq!(v.binary_search(&i).is_ok(), set.contains(&i));
            }
        }

        #[test]
        fn first_ending_after_is_the_partition_point(
            lens in proptest::collection::vec((0usize..4, 1usize..5), 0..8),
            pos in 0usize..40,
            hint in 0usize..10,
        ) {
            // Sorted, disjoint sentences with gaps of 0..4 bytes between them.
            let mut at = 0;
            let sentences: Vec<text::Sentence> = lens
                .iter()
                .map(|&(gap, len)| {
                    at += gap;
                    let s = text::Sentence { start: at, end: at + len, paragraph: 0, region: Region::Body };
                    at += len;
                    s
                })
                .collect();
            proptest::prop_assert_eq!(
                first_ending_after(&sentences, pos, hint),
                sentences.partition_point(|s| s.end <= pos)
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn source_key_is_the_pair_with_the_lower_cased_name(
            pairs in proptest::collection::vec(
                ("(person|document|doc|anonymous|a|ab|)", "(|by )", "[A-Za-z ΣσςİÉé0-9]{0,6}"),
                2,
            ),
            lower: bool,
        ) {
            let mut keys = Vec::new();
            let mut named = Vec::new();
            for (kind, prefix, name) in &pairs {
                let mut buf = b"stale".to_vec();
                source_key(&mut buf, kind, prefix, name, lower);
                let name = if lower { name.to_lowercase() } else { name.clone() };
                let full = format!("{prefix}{name}");
                let tail = format!("{kind}{full}");
                proptest::prop_assert!(buf.ends_with(tail.as_bytes()), "{:?} / {}", buf, tail);
                keys.push(buf);
                named.push((kind.clone(), full));
            }
            proptest::prop_assert_eq!(keys[0] == keys[1], named[0] == named[1]);
        }
    }

    proptest::proptest! {
        #[test]
        fn cached_hits_equal_fresh_hits_prop(
            words in proptest::collection::vec(
                "(officials|Officials|a|the|senior|spokesman|report|said|familiar|with|CNN|Reuters|like|Varga|-|,)",
                0..8,
            )
        ) {
            let r = rules();
            let text = words.join(" ");
            let fresh = uncached(r, &text);
            for _ in 0..2 {
                let hits: Vec<_> = r.hits(&text).iter().collect();
                proptest::prop_assert!(same_hits(&hits, &fresh));
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn bare_source_role_class_prop(
            words in proptest::collection::vec(
                "(spokesman|Spokeswoman|military|official|minister|senior|State|Department|a|the|-|–|’s|\u{a0}|\u{ad}|,|\\.|é| |  |\t)",
                0..8,
            )
        ) {
            let r = rules();
            let source = words.concat();
            let spaced = format!(" {source}");
            proptest::prop_assert_eq!(role_class_of_bare_source(r, &source), r.role_class(&spaced));
            let entries = |t: &str| r.match_phrase(t).into_iter().map(|h| h.entry).collect::<Vec<_>>();
            proptest::prop_assert_eq!(entries(&source), entries(&spaced));
        }
    }

    /// The loaded rules' matcher, which also holds the anonymous phrases, finds them as the anonymous
    /// matcher does.
    fn anonymous_by_loaded_walk(text: &str) -> (Vec<TermHit>, Vec<TermHit>) {
        static LOADED: std::sync::LazyLock<crate::analyze::loaded::LoadedRules> =
            std::sync::LazyLock::new(|| {
                crate::analyze::loaded::LoadedRules::from_lexicons(&LexiconSet::builtin().unwrap())
                    .unwrap()
            });
        let view = crate::lexicon::MatchView::new(text);
        let model = text::build(text, &TextRules::default(), &text::BuildOptions::default());
        let (_, by_loaded) = crate::analyze::loaded::find(&view, &model, &[], &LOADED);
        (by_loaded, rules().anonymous_in_view(&view))
    }

    #[test]
    fn loaded_walk_finds_the_anonymous_phrases() {
        for text in [
            "",
            "Sources said the regime's thugs attacked, a person familiar with the harbour plan told us.",
            "It is believed that critics and some observers, who asked not to be named, disagree.",
            "An official, speaking on condition of anonymity, said many people were killed.",
        ] {
            let (by_loaded, own) = anonymous_by_loaded_walk(text);
            assert_eq!(by_loaded, own, "{text:?}");
        }
        let (hits, _) = anonymous_by_loaded_walk("Critics said it is believed a source agrees.");
        assert_eq!(hits.len(), 3);
    }

    proptest::proptest! {
        #[test]
        fn loaded_walk_finds_the_anonymous_phrases_prop(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "sources", "a", "source", "it", "is", "believed", "said", "critics", "some", "many",
                    "people", "familiar", "with", "the", "matter", "regime", "thugs", "terrorist", "on",
                    "condition", "of", "anonymity", ",", ".", "Critics", "observers", "who", "-", "\u{2019}",
                ]),
                0..24,
            )
        ) {
            let text = words.join(" ");
            let (by_loaded, own) = anonymous_by_loaded_walk(&text);
            proptest::prop_assert_eq!(by_loaded, own);
        }
    }
}
