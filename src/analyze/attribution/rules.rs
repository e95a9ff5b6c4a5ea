//! Compiling the `cues` and `entities` lexicons (and an optional sides file) into lookup tables.

use super::scan::{tokenize, Tok};
use super::sides::Sides;
use crate::lexicon::{Entry, Lexicon, LexiconSet};
use std::hash::{BuildHasherDefault, Hasher};

/// FxHash (the rustc hasher): the word tables are looked up for every token, and SipHash's resistance to
/// hash flooding is not needed for keys that come from our own lexicons. Lookups only: no iteration order
/// depends on the hasher.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FastHash = BuildHasherDefault<FxHasher>;
pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, FastHash>;
pub(crate) type HashSet<K> = std::collections::HashSet<K, FastHash>;

/// What a cue entry says about a reporting verb or phrase.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CueInfo {
    pub lemma: String,
    pub class: String,
    pub category: String,
    pub frame: String,
}

/// What an entities entry says about a name, title, role or pronoun.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EntityInfo {
    pub canonical: String,
    pub side: Option<String>,
    pub kind: String,
    pub category: String,
    pub role: Option<String>,
}

/// Multi-token phrases keyed by their first token; longest match first.
#[derive(Debug, Clone)]
pub(crate) struct PhraseTable<T> {
    map: HashMap<String, Vec<(Vec<String>, bool, T)>>,
}

impl<T> Default for PhraseTable<T> {
    fn default() -> Self {
        PhraseTable {
            map: HashMap::default(),
        }
    }
}

impl<T: Clone> PhraseTable<T> {
    /// Add `phrase`; proper names (first letter upper-case) match case-sensitively.
    pub fn insert(&mut self, phrase: &str, value: T) {
        let toks = tokenize(phrase, 0, phrase.len());
        if toks.is_empty() {
            return;
        }
        let case_sensitive = toks[0].upper;
        let key: Vec<String> = toks
            .iter()
            .map(|t| {
                if case_sensitive {
                    t.bare.replace('’', "'")
                } else {
                    t.norm.clone()
                }
            })
            .collect();
        let slot = self.map.entry(toks[0].norm.clone()).or_default();
        if slot
            .iter()
            .any(|(k, cs, _)| *k == key && *cs == case_sensitive)
        {
            return;
        }
        slot.push((key, case_sensitive, value));
        slot.sort_by_key(|x| std::cmp::Reverse(x.0.len()));
    }

    /// Longest phrase starting at `toks[i]`: (number of tokens, value). A possessive is allowed only on the
    /// phrase's last token.
    pub fn match_at(&self, toks: &[Tok], i: usize) -> Option<(usize, &T)> {
        let first = toks.get(i)?;
        let cands = self.map.get(&first.norm)?;
        'c: for (key, cs, v) in cands {
            if i + key.len() > toks.len() {
                continue;
            }
            for (k, want) in key.iter().enumerate() {
                let t = &toks[i + k];
                if k + 1 < key.len() && t.possessive {
                    continue 'c;
                }
                // Adjacent tokens of a phrase must not be split by a paragraph-size gap.
                if k > 0 && t.start > toks[i + k - 1].end + 2 {
                    continue 'c;
                }
                // Same comparison as `t.bare.replace('’', "'") == want` (case-sensitive keys) or
                // `t.norm == want`, without allocating per token.
                let same = if *cs {
                    t.bare
                        .chars()
                        .map(|c| if c == '’' { '\'' } else { c })
                        .eq(want.chars())
                } else {
                    t.norm == *want
                };
                if !same {
                    continue 'c;
                }
            }
            return Some((key.len(), v));
        }
        None
    }
}

/// Everything extraction needs from lexicons, compiled once per run.
#[derive(Debug, Default)]
pub struct AttributionRules {
    pub(crate) cues: PhraseTable<CueInfo>,
    /// Cues whose source follows them ("according to X").
    pub(crate) phrase_cues: PhraseTable<CueInfo>,
    pub(crate) cue_nouns: PhraseTable<()>,
    pub(crate) auxiliaries: HashSet<String>,
    pub(crate) comma_adverbs: PhraseTable<()>,
    pub(crate) boundaries: HashSet<String>,
    pub(crate) determiners: HashSet<String>,
    pub(crate) definites: HashSet<String>,
    pub(crate) passive_aux: HashSet<String>,
    pub(crate) complementizers: HashSet<String>,
    pub(crate) clause_openers: HashSet<String>,
    pub(crate) content_end: HashSet<String>,
    pub(crate) coordinators: HashSet<String>,
    pub(crate) adverb_suffixes: Vec<String>,
    pub(crate) agent_prepositions: HashSet<String>,
    pub(crate) relative_pronouns: HashSet<String>,
    /// Free-relative pronouns ("what they call X"): a naming verb after one reports no statement.
    pub(crate) free_relatives: HashSet<String>,
    /// Words that may open an apposition after a comma ("Lewandowski, now a CNN commentator,", "Sanders,
    /// whose sole win …,"): the apposition belongs to the source.
    pub(crate) apposition_openers: HashSet<String>,
    /// "In the CBS poll, …": prepositions that introduce a survey or study as a source.
    pub(crate) document_prepositions: HashSet<String>,
    /// Heads of such a phrase: poll, survey, study.
    pub(crate) evidence_nouns: HashSet<String>,
    pub(crate) name_prepositions: HashSet<String>,
    pub(crate) time_words: PhraseTable<()>,
    pub(crate) time_modifiers: HashSet<String>,
    pub(crate) object_heads: PhraseTable<()>,
    pub(crate) entities: PhraseTable<EntityInfo>,
    pub(crate) sides: Option<Sides>,
}

fn attr(e: &Entry, k: &str) -> Option<String> {
    e.attrs.get(k).filter(|v| !v.is_empty()).cloned()
}

impl AttributionRules {
    /// Compile the `cues` and `entities` lexicons of `lex` (every lexicon of those kinds, in order).
    pub fn from_lexicons(lex: &LexiconSet) -> crate::Result<Self> {
        let mut r = AttributionRules::default();
        for l in lex.of_kind("cues") {
            r.add_cues(l)?;
        }
        for l in lex.of_kind("entities") {
            r.add_entities(l);
        }
        Ok(r)
    }

    /// Use a sides file: speakers get the side whose names/roles/organizations/patterns match, and only
    /// those sides.
    pub fn with_sides(mut self, sides: Sides) -> Self {
        self.sides = Some(sides);
        self
    }

    /// True when no cue lexicon was loaded (extraction then finds nothing).
    pub fn is_empty(&self) -> bool {
        self.cues.map.is_empty() && self.phrase_cues.map.is_empty()
    }

    fn add_cues(&mut self, l: &Lexicon) -> crate::Result<()> {
        for e in &l.entries {
            let term = e.term.trim();
            if term.is_empty() {
                continue;
            }
            let info = || CueInfo {
                lemma: attr(e, "lemma").unwrap_or_else(|| term.to_string()),
                class: attr(e, "class").unwrap_or_else(|| "neutral".into()),
                category: e.category.clone(),
                frame: attr(e, "frame").unwrap_or_default(),
            };
            match e.category.as_str() {
                "speech_verb" | "cognition_verb" | "verb" => {
                    let i = info();
                    if ![
                        "neutral",
                        "endorsing",
                        "emphatic",
                        "distancing",
                        "pejorative",
                    ]
                    .contains(&i.class.as_str())
                    {
                        return Err(crate::Error::Lexicon {
                            location: crate::error::Location { file: l.origin.clone(), line: e.line, col: 1 },
                            message: format!(
                                "cue class must be neutral, endorsing, emphatic, distancing or pejorative, found {:?}",
                                i.class
                            ),
                        });
                    }
                    self.cues.insert(term, i.clone());
                    for f in &e.forms {
                        self.cues.insert(f, i.clone());
                    }
                }
                "phrase_cue" => {
                    let i = info();
                    self.phrase_cues.insert(term, i.clone());
                    for f in &e.forms {
                        self.phrase_cues.insert(f, i.clone());
                    }
                }
                "cue_noun" => {
                    self.cue_nouns.insert(term, ());
                    for f in &e.forms {
                        self.cue_nouns.insert(f, ());
                    }
                }
                "auxiliary" => {
                    self.auxiliaries
                        .insert(term.to_lowercase().replace('’', "'"));
                }
                "comma_adverb" => self.comma_adverbs.insert(term, ()),
                "boundary" => {
                    self.boundaries
                        .insert(term.to_lowercase().replace('’', "'"));
                }
                "determiner" => {
                    self.determiners.insert(term.to_lowercase());
                }
                "passive_auxiliary" => {
                    self.passive_aux
                        .insert(term.to_lowercase().replace('’', "'"));
                }
                "definite" => {
                    self.definites.insert(term.to_lowercase());
                }
                "content_end" => {
                    self.content_end.insert(term.to_lowercase());
                }
                "coordinator" => {
                    self.coordinators.insert(term.to_lowercase());
                }
                "adverb_suffix" => self.adverb_suffixes.push(term.to_lowercase()),
                "clause_opener" => {
                    self.clause_openers.insert(term.to_lowercase());
                }
                "complementizer" => {
                    self.complementizers.insert(term.to_lowercase());
                }
                "time_word" => self.time_words.insert(term, ()),
                "time_modifier" => {
                    self.time_modifiers.insert(term.to_lowercase());
                }
                "name_preposition" => {
                    self.name_prepositions.insert(term.to_lowercase());
                }
                "relative_pronoun" => {
                    self.relative_pronouns.insert(term.to_lowercase());
                }
                "free_relative" => {
                    self.free_relatives.insert(term.to_lowercase());
                }
                "apposition_opener" => {
                    self.apposition_openers.insert(term.to_lowercase());
                }
                "document_preposition" => {
                    self.document_prepositions.insert(term.to_lowercase());
                }
                "evidence_noun" => {
                    self.evidence_nouns.insert(term.to_lowercase());
                    for f in &e.forms {
                        self.evidence_nouns.insert(f.to_lowercase());
                    }
                }
                "agent_preposition" => {
                    self.agent_prepositions.insert(term.to_lowercase());
                }
                "object_head" => self.object_heads.insert(term, ()),
                _ => {}
            }
        }
        Ok(())
    }

    fn add_entities(&mut self, l: &Lexicon) {
        for e in &l.entries {
            let term = e.term.trim();
            if term.is_empty() {
                continue;
            }
            let info = EntityInfo {
                canonical: attr(e, "canonical").unwrap_or_else(|| term.to_string()),
                side: attr(e, "side"),
                kind: attr(e, "kind").unwrap_or_else(|| e.category.clone()),
                category: e.category.clone(),
                role: attr(e, "role"),
            };
            self.entities.insert(term, info.clone());
            for f in &e.forms {
                self.entities.insert(f, info.clone());
            }
        }
    }

    pub(crate) fn is_title_abbrev(&self, toks: &[Tok], dot: usize) -> bool {
        // "Sen." / "U.S." / "Mr." / an initial ("John F. Kennedy"): the period belongs to the word.
        let Some(w) = dot.checked_sub(1).and_then(|i| toks.get(i)) else {
            return false;
        };
        if !w.word || w.end != toks[dot].start {
            return false;
        }
        if w.bare.chars().count() == 1 && w.upper {
            return true;
        }
        if w.bare.contains('.') {
            return true;
        }
        // A title or entity whose lexicon term ends in "." and covers this word.
        let mut start = dot.saturating_sub(4);
        while start < dot {
            if let Some((n, _)) = self.entities.match_at(toks, start) {
                if start + n == dot + 1 {
                    return true;
                }
            }
            start += 1;
        }
        false
    }

    /// A lower-case manner adverb ("cynically") by its suffix.
    pub(crate) fn is_manner_adverb(&self, t: &Tok) -> bool {
        t.word
            && !t.upper
            && self
                .adverb_suffixes
                .iter()
                .any(|s| t.norm.len() > s.len() + 2 && t.norm.ends_with(s.as_str()))
    }

    /// Is `toks[i]` (the last token of a phrase) a time word ("Friday", "month")?
    pub(crate) fn is_time_word(&self, toks: &[Tok], i: usize) -> bool {
        // Not when the word ends a known name ("USA Today").
        let in_name = (i.saturating_sub(4)..i).any(|s| {
            self.entities
                .match_at(toks, s)
                .is_some_and(|(n, _)| s + n == i + 1)
        });
        !in_name
            && (i.saturating_sub(1)..=i).any(|s| {
                self.time_words
                    .match_at(toks, s)
                    .is_some_and(|(n, _)| s + n == i + 1)
            })
    }

    pub(crate) fn entity_at(&self, toks: &[Tok], i: usize) -> Option<(usize, &EntityInfo)> {
        self.entities.match_at(toks, i)
    }
}
