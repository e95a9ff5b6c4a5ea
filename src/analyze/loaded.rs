//! Loaded terminology: lexicon hits (all `terms` lexicons) plus structurally detected scare quotes, each
//! placed in its region, voice, sentence and attribution. Hits in captions and boilerplate are dropped:
//! they are not the article's prose.

use super::attribution::Attribution;
use super::ContentIndex;
use crate::lexicon::{Entry, LexiconSet, MatchView, TermHit, TermMatcher};
use crate::text::{Region, TextModel, Voice};

/// Hits weighted below this are recorded (which member of a contested pair an outlet chooses, weak hedges)
/// but do not count as loaded language in rates, hit counts or evaluation. See docs/lexicon-guide.md for
/// the weight scale: 0.25 = "recorded, not loaded", 0.5 = mild.
pub const LOADED_MIN_WEIGHT: f64 = 0.5;

/// Category used for structural scare quotes; it should be declared by the default loaded lexicon.
pub const SCARE_CATEGORY: &str = "scare_distancing";
/// A quotation of at most this many words, not inside any attribution, is read as scare quotes.
pub const SCARE_MAX_WORDS: usize = 3;
/// Weight of a structural scare-quote finding (same scale as lexicon weights: 1 = clearly loaded).
pub const SCARE_WEIGHT: f64 = 1.0;

/// What the findings of one entry need (the matcher holds the rest), with the lexicon it came from. The
/// names are interned ([`crate::names`]) so that a finding refers to them rather than copying five
/// strings, and the entry itself is not copied.
#[derive(Debug, Clone)]
struct RuleEntry {
    weight: f64,
    /// `headline`, `body`, `quote` or anything else (everywhere).
    scope: &'static str,
    term: &'static str,
    category: &'static str,
    neutral: Option<&'static str>,
    group: Option<&'static str>,
    lexicon: &'static str,
}

/// Compiled term lexicons.
pub struct LoadedRules {
    /// The entries, then (in a group of their own) the sourcing profile's anonymous phrases
    /// ([`super::sourcing::anonymous_entries`]): both are looked for in every whole article, and one walk
    /// of its match view costs about half of two (most of a walk is visiting the view's starts).
    matcher: TermMatcher,
    entries: Vec<RuleEntry>,
    /// Every category id declared by a term lexicon, in declaration order (for fixed metric columns).
    pub categories: Vec<String>,
}

impl LoadedRules {
    pub fn from_lexicons(lex: &LexiconSet) -> crate::Result<Self> {
        let mut entries = Vec::new();
        // The entries themselves, for the matcher (in the order of `entries`).
        let mut refs: Vec<&Entry> = Vec::new();
        let mut categories: Vec<String> = Vec::new();
        for l in lex.of_kind("terms") {
            for c in &l.categories {
                if !categories.contains(&c.id) {
                    categories.push(c.id.clone());
                }
            }
            // Room for all of them at once (growing by doubling copied each).
            entries.reserve(l.entries.len());
            refs.reserve(l.entries.len());
            for e in l.entries.iter().filter(|e| e.pattern.is_none()) {
                if !categories.contains(&e.category) {
                    categories.push(e.category.clone());
                }
                let intern = crate::names::intern;
                refs.push(e);
                entries.push(RuleEntry {
                    weight: e.weight,
                    scope: intern(&e.scope),
                    term: intern(&e.term),
                    category: intern(&e.category),
                    neutral: e.neutral.as_deref().map(intern),
                    group: e.group.as_deref().map(intern),
                    lexicon: intern(&l.name),
                });
            }
        }
        if !categories.iter().any(|c| c == SCARE_CATEGORY) {
            categories.push(SCARE_CATEGORY.to_string());
        }
        let anonymous = super::sourcing::anonymous_entries(lex);
        refs.reserve(anonymous.len());
        let mut groups = Vec::new();
        if !anonymous.is_empty() {
            groups = vec![0; refs.len()];
            groups.resize(refs.len() + anonymous.len(), 1);
            refs.extend(anonymous);
        }
        let matcher = TermMatcher::build_grouped(&refs, &groups)?;
        Ok(LoadedRules {
            matcher,
            entries,
            categories,
        })
    }
}

/// A loaded-term finding with byte offsets (converted to code points by the caller).
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub term: &'static str,
    pub category: &'static str,
    pub weight: f64,
    pub voice: Voice,
    pub region: Region,
    pub attribution: Option<usize>,
    pub neutral: Option<&'static str>,
    pub group: Option<&'static str>,
    pub sentence: Option<usize>,
    pub lexicon: &'static str,
}

impl Hit {
    /// Whether the hit counts as loaded language (weight at least [`LOADED_MIN_WEIGHT`]).
    pub fn counted(&self) -> bool {
        self.weight >= LOADED_MIN_WEIGHT
    }
}

fn in_scope(scope: &str, region: Region, voice: Voice) -> bool {
    match scope {
        "headline" => region == Region::Headline,
        "body" => region == Region::Body,
        "quote" => voice == Voice::Quoted,
        _ => true,
    }
}

/// All loaded-term findings of one article, in text order, and the hits of the sourcing profile's
/// anonymous phrases in its text (entries numbered as in [`super::sourcing::anonymous_entries`]; as the
/// profile's own anonymous matcher finds them).
pub fn find(
    view: &MatchView,
    model: &TextModel,
    atts: &[Attribution],
    rules: &LoadedRules,
) -> (Vec<Hit>, Vec<TermHit>) {
    let found = rules.matcher.find_in_view(view);
    // Room for every hit (and a few scare quotes), so that the list is not copied as it grows.
    let mut hits = Vec::with_capacity(found.len() + 4);
    let mut anonymous = Vec::new();
    let contents = ContentIndex::new(atts);
    for h in found {
        let Some(r) = rules.entries.get(h.entry) else {
            anonymous.push(TermHit {
                entry: h.entry - rules.entries.len(),
                ..h
            });
            continue;
        };
        let region = model.region_at(h.start);
        if !matches!(region, Region::Headline | Region::Body) {
            continue;
        }
        let voice = model.voice_at(h.start);
        if !in_scope(r.scope, region, voice) {
            continue;
        }
        hits.push(Hit {
            start: h.start,
            end: h.end,
            term: r.term,
            category: r.category,
            weight: r.weight,
            voice,
            region,
            attribution: contents.innermost(atts, h.start, h.end),
            neutral: r.neutral,
            group: r.group,
            sentence: model.sentence_at(h.start),
            lexicon: r.lexicon,
        });
    }
    hits.extend(scare_quotes(view.text(), model, atts, &contents));
    hits.sort_by(|a, b| (a.start, a.end, a.category).cmp(&(b.start, b.end, b.category)));
    (hits, anonymous)
}

/// Short quotations that no attribution accounts for: the outlet holding a word at arm's length
/// ("the “experts” say"). The finding is the outlet's own (authorial) choice, whatever the words inside.
fn scare_quotes<'a>(
    text: &'a str,
    model: &'a TextModel,
    atts: &'a [Attribution],
    contents: &'a ContentIndex,
) -> impl Iterator<Item = Hit> + 'a {
    model.quotes.iter().filter_map(move |q| {
        let region = model.region_at(q.start);
        if q.depth != 0 || !q.closed || !matches!(region, Region::Headline | Region::Body) {
            return None;
        }
        let words = super::count_tokens(model, q.inner_start, q.inner_end);
        if words == 0
            || words > SCARE_MAX_WORDS
            || !has_common_word(text.get(q.inner_start..q.inner_end)?)
        {
            return None;
        }
        if contents.first(atts, q.start, q.end).is_some() {
            return None;
        }
        // A short quote that is a whole sentence or paragraph is speech, not a scare quote.
        let sentence = model.sentence_at(q.start);
        if let Some(s) = sentence.and_then(|i| model.sentences.get(i)) {
            if s.start >= q.start && s.end <= q.end + 1 {
                return None;
            }
        }
        Some(Hit {
            start: q.start,
            end: q.end,
            term: "\u{201c}…\u{201d} (scare quotes)",
            category: SCARE_CATEGORY,
            weight: SCARE_WEIGHT,
            voice: Voice::Authorial,
            region,
            attribution: None,
            neutral: None,
            group: None,
            sentence,
            lexicon: "structural",
        })
    })
}

/// Whether a quoted fragment contains a word that starts with a lower-case letter. Scare quotes hold
/// common words at arm's length ("the “experts”"); quoted names, titles and codes ("Million Man March",
/// "Mysterium Fidei", "32135") are not scare quotes. Scripts without case never qualify.
fn has_common_word(inner: &str) -> bool {
    inner
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '\u{2019}' && c != '-')
        .filter_map(|w| w.chars().next())
        .any(char::is_lowercase)
}

#[cfg(test)]
mod tests {
    use super::has_common_word;

    #[test]
    fn scare_quote_words() {
        assert!(has_common_word("experts"));
        assert!(has_common_word("sanctuary cities."));
        assert!(has_common_word("Special bond"));
        assert!(!has_common_word("Million Man March,"));
        assert!(!has_common_word("32135"));
        assert!(!has_common_word("IRA_MB,"));
    }
}
