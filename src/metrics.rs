//! Per-article metrics computed from analyzer output. Every metric is defined in the README's methods
//! section; names are fixed per run (per-category rates follow the loaded lexicon's categories) so the
//! article table has a stable header.

use crate::analyze::{sourcing::Profile, AttributionOut, BalanceOut, Engine, LoadedTerm, SideOut};
use crate::names::Name;
use crate::text::{Region, TextModel, Voice};
use std::collections::BTreeMap;

/// Category whose terms count as hedges for `hedge_rate`.
pub const HEDGE_CATEGORY: &str = "hedge";

const CORE: &[&str] = &[
    "words_headline",
    "words_authorial",
    "words_quoted",
    "words_paraphrased",
    "loaded_rate",
    "loaded_rate_headline",
    "loaded_rate_quoted",
    "loaded_rate_paraphrased",
    "loaded_hits",
    "loaded_distinct_terms",
    "attributions",
    "direct_share",
    "balance",
    "distinct_speakers",
    "sources_distinct",
    "sources_named_share",
    "sources_anonymous_share",
    "sources_official_share",
    "sources_expert_share",
    "sources_document_share",
    "sources_media_share",
    "attributed_sentence_share",
    "unsourced_loaded",
    "hedge_rate",
    "credits",
    "self_references",
];

/// Start of the per-category loaded rates' names.
const CATEGORY_PREFIX: &str = "loaded_rate_cat_";

/// Metric names in output order.
pub fn metric_names(engine: &Engine) -> Vec<String> {
    names_for(&engine.loaded.categories)
}

/// Metric names in output order for the loaded lexicon's `categories`.
fn names_for(categories: &[String]) -> Vec<String> {
    let mut v: Vec<String> = CORE.iter().map(|s| s.to_string()).collect();
    v.extend(categories.iter().map(|c| format!("{CATEGORY_PREFIX}{c}")));
    v
}

/// The fixed shape of every article's metric map, built once per run: each article's map is a copy of
/// `template` with its values filled in key order, instead of a map built from forty (name, value) pairs
/// that must be allocated, sorted by name and deduplicated for every article. The names are interned
/// ([`crate::names`]), so the copy borrows them rather than copying forty strings.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Metric names in the order [`compute`] gives their values (the output order).
    names: Vec<&'static str>,
    /// Every name once, with no value.
    template: BTreeMap<Name, Option<f64>>,
    /// For each key of `template`, in key order: the position in `names` of its value (the last one, if a
    /// name were listed twice, as when inserting into a map).
    order: Vec<usize>,
}

impl Layout {
    pub fn new(categories: &[String]) -> Self {
        Self::from_names(names_for(categories))
    }

    fn from_names(names: Vec<String>) -> Self {
        let names: Vec<&'static str> = names.iter().map(|n| crate::names::intern(n)).collect();
        let mut last: BTreeMap<&'static str, usize> = BTreeMap::new();
        for (i, &n) in names.iter().enumerate() {
            last.insert(n, i);
        }
        let order = last.values().copied().collect();
        let template = last.keys().map(|&k| (Name::Borrowed(k), None)).collect();
        Layout {
            names,
            template,
            order,
        }
    }

    /// The map of `values`, given in the order of `names`.
    fn map(&self, values: &[Option<f64>]) -> BTreeMap<Name, Option<f64>> {
        let mut m = self.template.clone();
        for (v, &i) in m.values_mut().zip(&self.order) {
            *v = values.get(i).copied().flatten();
        }
        m
    }
}

fn per_thousand(weight: f64, words: usize) -> Option<f64> {
    (words > 0).then(|| weight * 1000.0 / words as f64)
}

fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Word tokens of an article by region and voice, counted in the same walk over the tokens as its keyness
/// words (see `analyze`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Words {
    /// In the headline, any voice.
    pub headline: usize,
    /// In body paragraphs, by voice.
    pub authorial: usize,
    pub quoted: usize,
    pub paraphrased: usize,
}

impl Words {
    /// Word tokens in body paragraphs (every token has one voice).
    pub fn body(&self) -> usize {
        self.authorial + self.quoted + self.paraphrased
    }
}

pub fn compute(
    engine: &Engine,
    model: &TextModel,
    words: &Words,
    terms: &[LoadedTerm],
    atts: &[AttributionOut],
    profile: &Profile,
) -> BTreeMap<Name, Option<f64>> {
    let sources = &profile.sources;
    let mut m = Pending::new(&engine.metric_layout);
    let (wa, wq, wp, wh) = (
        words.authorial,
        words.quoted,
        words.paraphrased,
        words.headline,
    );
    let sums = TermSums::new(terms, &engine.loaded.categories);
    let by_category = sums.by_category;

    // In the order of `CORE`, then the categories: the layout's order.
    m.insert("words_headline", Some(wh as f64));
    m.insert("words_authorial", Some(wa as f64));
    m.insert("words_quoted", Some(wq as f64));
    m.insert("words_paraphrased", Some(wp as f64));
    m.insert("loaded_rate", per_thousand(sums.authorial, wa));
    m.insert("loaded_rate_headline", per_thousand(sums.headline, wh));
    m.insert("loaded_rate_quoted", per_thousand(sums.quoted, wq));
    m.insert(
        "loaded_rate_paraphrased",
        per_thousand(sums.paraphrased, wp),
    );
    let mut authorial = sums.counted_authorial;
    m.insert("loaded_hits", Some(authorial.len() as f64));
    authorial.sort_unstable();
    authorial.dedup();
    m.insert("loaded_distinct_terms", Some(authorial.len() as f64));

    let events: Vec<&AttributionOut> = atts.iter().filter(|a| a.continues.is_none()).collect();
    m.insert("attributions", Some(events.len() as f64));
    let direct = events.iter().filter(|a| a.kind == "direct").count();
    m.insert("direct_share", share(direct, events.len()));
    m.insert("balance", balance_index(atts, engine.declared_sides));
    let speakers = count_distinct(atts.iter().map(|a| a.speaker.name.as_str()));
    m.insert("distinct_speakers", Some(speakers as f64));

    m.insert("sources_distinct", Some(sources.len() as f64));
    let of_kind = |k: &str| sources.iter().filter(|s| s.kind == k).count();
    m.insert(
        "sources_named_share",
        share(sources.iter().filter(|s| s.named).count(), sources.len()),
    );
    m.insert(
        "sources_anonymous_share",
        share(
            sources.iter().filter(|s| s.anonymous).count(),
            sources.len(),
        ),
    );
    m.insert(
        "sources_official_share",
        share(sources.iter().filter(|s| s.official).count(), sources.len()),
    );
    m.insert(
        "sources_expert_share",
        share(
            sources
                .iter()
                .filter(|s| s.role_class.as_deref() == Some("expert"))
                .count(),
            sources.len(),
        ),
    );
    m.insert(
        "sources_document_share",
        share(of_kind("document"), sources.len()),
    );
    m.insert(
        "sources_media_share",
        share(of_kind("media"), sources.len()),
    );

    let attributed = profile.attributed_sentences.len();
    let unsourced = unsourced_sentences(model, profile, terms).len();
    let body_sentences = model
        .sentences
        .iter()
        .filter(|s| s.region == Region::Body)
        .count();
    m.insert(
        "attributed_sentence_share",
        share(attributed, body_sentences),
    );
    m.insert("unsourced_loaded", Some(unsourced as f64));
    m.insert("hedge_rate", per_thousand(sums.hedges as f64, wa));
    m.insert("credits", Some(profile.credits.len() as f64));
    m.insert(
        "self_references",
        Some(profile.self_references.len() as f64),
    );
    for (c, &wsum) in engine.loaded.categories.iter().zip(&by_category) {
        m.insert_parts(CATEGORY_PREFIX, c, per_thousand(wsum, wa));
    }
    m.finish()
}

/// What [`compute`] reads from the loaded terms, gathered in one walk over them: a term's record spans
/// several cache lines, and reading the list once per metric (seven times, plus once per category) cost
/// more in cache misses and mispredicted filter branches than the arithmetic. Each sum adds its terms'
/// weights in text order from 0.0, as a fold over the filtered terms does, so the values are the same
/// (`TermSums::plain` is that computation, for the tests).
#[derive(Debug, PartialEq)]
struct TermSums<'t> {
    /// Weight of the counted terms in body authorial, headline authorial, body quoted and body
    /// paraphrased text.
    authorial: f64,
    headline: f64,
    quoted: f64,
    paraphrased: f64,
    /// The entries of the counted body authorial terms, in text order.
    counted_authorial: Vec<&'t str>,
    /// Body authorial terms (counted or not) of [`HEDGE_CATEGORY`].
    hedges: usize,
    /// Weight of the body authorial terms (counted or not) of each of `categories`.
    by_category: Vec<f64>,
}

impl<'t> TermSums<'t> {
    fn new(terms: &'t [LoadedTerm], categories: &[String]) -> Self {
        let mut s = TermSums {
            authorial: 0.0,
            headline: 0.0,
            quoted: 0.0,
            paraphrased: 0.0,
            counted_authorial: Vec::with_capacity(terms.len()),
            hedges: 0,
            by_category: vec![0.0; categories.len()],
        };
        for t in terms {
            match (t.region, t.voice) {
                (Region::Body, Voice::Authorial) => {
                    if t.counted {
                        s.authorial += t.weight;
                        s.counted_authorial.push(&t.term);
                    }
                    if t.category == HEDGE_CATEGORY {
                        s.hedges += 1;
                    }
                    // Every equal category (the loaded lexicon lists each once).
                    for (c, w) in categories.iter().zip(&mut s.by_category) {
                        if *c == *t.category {
                            *w += t.weight;
                        }
                    }
                }
                (Region::Body, Voice::Quoted) if t.counted => s.quoted += t.weight,
                (Region::Body, Voice::Paraphrased) if t.counted => s.paraphrased += t.weight,
                (Region::Headline, Voice::Authorial) if t.counted => s.headline += t.weight,
                _ => {}
            }
        }
        s
    }

    /// [`TermSums::new`] as one filtered fold per value, as [`compute`] first read the terms.
    #[cfg(test)]
    fn plain(terms: &'t [LoadedTerm], categories: &[String]) -> Self {
        let weight = |f: &dyn Fn(&LoadedTerm) -> bool| {
            terms
                .iter()
                .filter(|t| t.counted && f(t))
                .fold(0.0, |acc, t| acc + t.weight)
        };
        let body = |t: &LoadedTerm, v: Voice| t.region == Region::Body && t.voice == v;
        let all_authorial: Vec<&LoadedTerm> =
            terms.iter().filter(|t| body(t, Voice::Authorial)).collect();
        TermSums {
            authorial: weight(&|t| body(t, Voice::Authorial)),
            headline: weight(&|t| t.region == Region::Headline && t.voice == Voice::Authorial),
            quoted: weight(&|t| body(t, Voice::Quoted)),
            paraphrased: weight(&|t| body(t, Voice::Paraphrased)),
            counted_authorial: all_authorial
                .iter()
                .filter(|t| t.counted)
                .map(|t| &*t.term)
                .collect(),
            hedges: all_authorial
                .iter()
                .filter(|t| t.category == HEDGE_CATEGORY)
                .count(),
            by_category: categories
                .iter()
                .map(|c| {
                    all_authorial
                        .iter()
                        .filter(|t| t.category == c.as_str())
                        .fold(0.0, |acc, t| acc + t.weight)
                })
                .collect(),
        }
    }
}

/// Number of distinct strings: sorted in a vector and counted past duplicates, rather than collected into
/// an ordered set (one node allocation per few strings) only to be counted.
fn count_distinct<'a>(strings: impl Iterator<Item = &'a str>) -> usize {
    let mut v: Vec<&str> = strings.collect();
    v.sort_unstable();
    v.dedup();
    v.len()
}

/// The metrics of one article as they are computed. While the names come in the layout's order (as they
/// do from [`compute`]) only the values are kept, and the map is the layout's template filled in. A name
/// out of that order switches to keeping (name, value) pairs, made into the map as inserting them one by
/// one would (a name given twice keeps its last value).
struct Pending<'a> {
    layout: &'a Layout,
    values: Vec<Option<f64>>,
    /// Every pair so far, once a name came out of the layout's order.
    pairs: Option<Vec<(Name, Option<f64>)>>,
}

impl<'a> Pending<'a> {
    fn new(layout: &'a Layout) -> Self {
        Pending {
            layout,
            values: Vec::with_capacity(layout.names.len()),
            pairs: None,
        }
    }

    fn insert(&mut self, key: &str, value: Option<f64>) {
        self.insert_parts("", key, value);
    }

    /// Insert the value of the name `prefix` + `rest` (a String is made only out of the layout's order).
    fn insert_parts(&mut self, prefix: &str, rest: &str, value: Option<f64>) {
        if self.pairs.is_none() {
            let next = self.layout.names.get(self.values.len());
            if next.and_then(|n| n.strip_prefix(prefix)) == Some(rest) {
                self.values.push(value);
                return;
            }
            self.pairs = Some(self.named_values().collect());
        }
        if let Some(pairs) = &mut self.pairs {
            pairs.push((Name::Owned(format!("{prefix}{rest}")), value));
        }
    }

    /// The values kept so far with their names.
    fn named_values(&self) -> impl Iterator<Item = (Name, Option<f64>)> + '_ {
        self.layout
            .names
            .iter()
            .map(|&n| Name::Borrowed(n))
            .zip(self.values.iter().copied())
    }

    fn finish(self) -> BTreeMap<Name, Option<f64>> {
        match self.pairs {
            Some(pairs) => pairs.into_iter().collect(),
            None if self.values.len() == self.layout.names.len() => self.layout.map(&self.values),
            None => self.named_values().collect(),
        }
    }
}

/// Body sentences (indices, in text order) with a counted loaded term in authorial voice and no
/// attribution: no attribution's source, cue or content touches them and no standalone anonymous source
/// is in them.
pub fn unsourced_sentences(
    model: &TextModel,
    profile: &Profile,
    terms: &[LoadedTerm],
) -> Vec<usize> {
    sorted_unique(
        terms
            .iter()
            .filter(|t| t.region == Region::Body && t.voice == Voice::Authorial && t.counted)
            .filter_map(|t| t.sentence)
            .filter(|s| {
                profile.attributed_sentences.binary_search(s).is_err()
                    && model.sentences.get(*s).map(|x| x.region) == Some(Region::Body)
            }),
    )
}

/// The values in ascending order, each once (as collecting them into an ordered set would give, without
/// a node allocation per few values).
fn sorted_unique(values: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut v: Vec<usize> = values.collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Shannon entropy of the side shares ÷ log K, K = the declared sides (`--sides`) or else the sides seen,
/// at least 2; null when no attribution has a side.
pub fn balance_index(atts: &[AttributionOut], declared: Option<usize>) -> Option<f64> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for a in atts.iter().filter(|a| a.continues.is_none()) {
        if let Some(s) = a.speaker.side.as_deref() {
            *counts.entry(s).or_insert(0) += 1;
        }
    }
    let total: usize = counts.values().sum();
    if total == 0 {
        return None;
    }
    let k = declared.unwrap_or(counts.len()).max(counts.len()).max(2) as f64;
    let h: f64 = counts
        .values()
        .map(|&c| {
            let p = c as f64 / total as f64;
            -p * p.ln()
        })
        .sum();
    Some((h / k.ln()).clamp(0.0, 1.0))
}

/// Per-side attribution counts, shares, words and verb classes; first voice and last word.
pub fn balance(atts: &[AttributionOut]) -> BalanceOut {
    // Sides and verb classes are gathered under their borrowed names in small lists (an article has a
    // few of each) and copied once each, in name order, into the output's maps: an ordered map of
    // `String` keys compared every key on each lookup. The names are mostly interned
    // ([`crate::names`]), so equal names are most often the same pointer.
    struct Side<'a> {
        name: &'a str,
        attributions: usize,
        quoted_words: usize,
        paraphrased_words: usize,
        verb_classes: Vec<(&'a str, usize)>,
    }
    let mut by: Vec<Side> = Vec::new();
    for a in atts {
        let side = a
            .speaker
            .side
            .as_deref()
            .unwrap_or(crate::analyze::UNKNOWN_SIDE);
        let at = match by.iter().position(|s| same_name(s.name, side)) {
            Some(at) => at,
            None => {
                by.push(Side {
                    name: side,
                    attributions: 0,
                    quoted_words: 0,
                    paraphrased_words: 0,
                    verb_classes: Vec::new(),
                });
                by.len() - 1
            }
        };
        let Some(e) = by.get_mut(at) else {
            continue;
        };
        e.quoted_words += a.quoted_words;
        e.paraphrased_words += a.words.saturating_sub(a.quoted_words);
        if a.continues.is_some() {
            continue;
        }
        e.attributions += 1;
        if let Some(c) = a.verb_class.as_deref() {
            match e.verb_classes.iter_mut().find(|(v, _)| same_name(v, c)) {
                Some((_, n)) => *n += 1,
                None => e.verb_classes.push((c, 1)),
            }
        }
    }
    by.sort_unstable_by(|x, y| x.name.cmp(y.name));
    let total = atts.iter().filter(|a| a.continues.is_none()).count();
    let total_words: usize = by
        .iter()
        .map(|s| s.quoted_words + s.paraphrased_words)
        .sum();
    let sides = by
        .into_iter()
        .map(|s| SideOut {
            side: s.name.to_string(),
            attributions: s.attributions,
            share: share(s.attributions, total).unwrap_or(0.0),
            quoted_words: s.quoted_words,
            paraphrased_words: s.paraphrased_words,
            word_share: share(s.quoted_words + s.paraphrased_words, total_words),
            verb_classes: s
                .verb_classes
                .into_iter()
                .map(|(c, n)| (c.to_string(), n))
                .collect(),
        })
        .collect();
    with_first_and_last(sides, atts)
}

/// The balance of `sides`, with the side of the first and of the last attribution that has one.
fn with_first_and_last(sides: Vec<SideOut>, atts: &[AttributionOut]) -> BalanceOut {
    let side = |a: &AttributionOut| a.speaker.side.as_deref().map(str::to_string);
    BalanceOut {
        sides,
        first_voice: atts.iter().find_map(side),
        last_word: atts.iter().rev().find_map(side),
    }
}

/// Whether two names are equal: at once when they are the same interned text.
#[inline]
fn same_name(a: &str, b: &str) -> bool {
    std::ptr::eq(a, b) || a == b
}

/// [`balance`] as it was first written (an ordered map of copied names), to test the lists against.
#[cfg(test)]
fn balance_plain(atts: &[AttributionOut]) -> BalanceOut {
    let mut by: BTreeMap<String, SideOut> = BTreeMap::new();
    for a in atts {
        let side = a
            .speaker
            .side
            .as_deref()
            .unwrap_or(crate::analyze::UNKNOWN_SIDE);
        let e = by.entry(side.to_string()).or_insert_with(|| SideOut {
            side: side.to_string(),
            attributions: 0,
            share: 0.0,
            quoted_words: 0,
            paraphrased_words: 0,
            word_share: None,
            verb_classes: BTreeMap::new(),
        });
        e.quoted_words += a.quoted_words;
        e.paraphrased_words += a.words.saturating_sub(a.quoted_words);
        if a.continues.is_some() {
            continue;
        }
        e.attributions += 1;
        if let Some(c) = a.verb_class.as_deref() {
            *e.verb_classes.entry(c.to_string()).or_insert(0) += 1;
        }
    }
    let total = atts.iter().filter(|a| a.continues.is_none()).count();
    let total_words: usize = by
        .values()
        .map(|s| s.quoted_words + s.paraphrased_words)
        .sum();
    let mut sides: Vec<SideOut> = by.into_values().collect();
    for s in &mut sides {
        s.share = share(s.attributions, total).unwrap_or(0.0);
        s.word_share = share(s.quoted_words + s.paraphrased_words, total_words);
    }
    with_first_and_last(sides, atts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    proptest::proptest! {
        /// Filling the layout's template equals inserting the same pairs into a map one by one (last value
        /// wins), whether the names come in the layout's order (the fast path), stop early, or leave it
        /// (names listed twice, swapped, unknown, or given as prefix and rest).
        #[test]
        fn prop_pending_equals_inserts(
            names in proptest::collection::vec(0u8..12, 0..16),
            edits in proptest::collection::vec((0usize..20, 0u8..14), 0..3),
            keep in 0usize..20,
            split in proptest::bool::ANY,
            values in proptest::collection::vec(proptest::option::of(-5i8..5), 20),
        ) {
            let names: Vec<String> = names.iter().map(|k| format!("m{k}")).collect();
            let layout = Layout::from_names(names.clone());
            // The pairs inserted: the layout's names in order (some of them), with a few changed.
            let mut keys: Vec<String> = names.iter().take(keep).cloned().collect();
            for (at, k) in edits {
                if let Some(slot) = keys.get_mut(at) {
                    *slot = format!("m{k}");
                }
            }
            let mut pending = Pending::new(&layout);
            let mut want = BTreeMap::new();
            for (k, v) in keys.iter().zip(&values) {
                let v = v.map(f64::from);
                if split {
                    pending.insert_parts("m", &k[1..], v);
                } else {
                    pending.insert(k, v);
                }
                want.insert(Name::Owned(k.clone()), v);
            }
            proptest::prop_assert_eq!(pending.finish(), want);
        }
    }

    proptest::proptest! {
        /// Sorting and deduplicating gives the ordered set's values.
        #[test]
        fn prop_sorted_unique_equals_set(values in proptest::collection::vec(0usize..40, 0..60)) {
            let set: BTreeSet<usize> = values.iter().copied().collect();
            proptest::prop_assert_eq!(
                sorted_unique(values.into_iter()),
                set.into_iter().collect::<Vec<_>>()
            );
        }

        /// The distinct count equals the size of the ordered set of the same strings.
        #[test]
        fn prop_count_distinct_equals_set_size(
            strings in proptest::collection::vec("[ab é]{0,3}", 0..30),
        ) {
            let set: BTreeSet<&str> = strings.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(count_distinct(strings.iter().map(String::as_str)), set.len());
        }
    }

    proptest::proptest! {
        /// The one walk over the terms gives the same sums (bit for bit), lists and counts as one filtered
        /// fold per value, with categories listed twice or absent too.
        #[test]
        fn prop_term_sums_equal_plain_folds(
            terms in proptest::collection::vec(
                (0u8..4, 0u8..3, proptest::bool::ANY, -8i16..40, 0u8..5, 0u8..4),
                0..40,
            ),
            categories in proptest::collection::vec(0u8..6, 0..6),
        ) {
            let cat = |k: u8| if k == 0 { HEDGE_CATEGORY.to_string() } else { format!("c{k}") };
            let terms: Vec<LoadedTerm> = terms
                .into_iter()
                .map(|(region, voice, counted, w, c, t)| LoadedTerm {
                    start: 0,
                    end: 0,
                    text: String::new(),
                    term: Name::Owned(format!("t{t}")),
                    category: Name::Owned(cat(c)),
                    weight: f64::from(w) / 7.0,
                    counted,
                    voice: [Voice::Authorial, Voice::Quoted, Voice::Paraphrased][voice as usize],
                    region: [Region::Headline, Region::Body, Region::Caption, Region::Boilerplate]
                        [region as usize],
                    attribution: None,
                    neutral: None,
                    group: None,
                    sentence: None,
                    lexicon: Name::Borrowed("loaded"),
                })
                .collect();
            let categories: Vec<String> = categories.into_iter().map(cat).collect();
            let fast = TermSums::new(&terms, &categories);
            let plain = TermSums::plain(&terms, &categories);
            let bits = |s: &TermSums| {
                [s.authorial, s.headline, s.quoted, s.paraphrased]
                    .into_iter()
                    .chain(s.by_category.iter().copied())
                    .map(f64::to_bits)
                    .collect::<Vec<_>>()
            };
            proptest::prop_assert_eq!(bits(&fast), bits(&plain));
            proptest::prop_assert_eq!(fast, plain);
        }
    }

    proptest::proptest! {
        /// The balance from small lists of borrowed names equals the one from an ordered map of copied
        /// names, with sides and verb classes given as interned, borrowed and owned texts (equal texts at
        /// different addresses), continuations and attributions without a side or verb class.
        #[test]
        fn prop_balance_equals_plain(
            atts in proptest::collection::vec(
                (0u8..5, 0u8..3, 0u8..4, 0u8..3, 0usize..30, 0usize..30, proptest::bool::ANY),
                0..25,
            ),
        ) {
            let texts = ["gov", "opp", "unknown", "zeta", "b"];
            let name = |k: u8, how: u8| -> Option<Name> {
                let t = texts[k as usize % texts.len()];
                match how {
                    0 => None,
                    1 => Some(Name::Borrowed(crate::names::intern(t))),
                    2 => Some(Name::Borrowed(t)),
                    _ => Some(Name::Owned(t.to_string())),
                }
            };
            let atts: Vec<AttributionOut> = atts
                .into_iter()
                .enumerate()
                .map(|(i, (side, how, verb, vhow, words, quoted, cont))| AttributionOut {
                    kind: Name::Borrowed("direct"),
                    cue: None,
                    cue_lemma: None,
                    source: None,
                    content: crate::analyze::Span {
                        start: 0,
                        end: 0,
                        text: String::new(),
                    },
                    speaker: crate::analyze::SpeakerOut {
                        name: String::new(),
                        kind: Name::Borrowed("person"),
                        side: name(side, how),
                        resolved_from: Name::Borrowed("name"),
                        role: None,
                    },
                    verb_class: name(verb + 1, vhow),
                    words,
                    quoted_words: quoted,
                    continues: (cont && i > 0).then_some(0),
                })
                .collect();
            proptest::prop_assert_eq!(balance(&atts), balance_plain(&atts));
        }
    }

    #[test]
    fn layout_lists_every_metric_name_once_in_key_order() {
        let categories = vec!["hedge".to_string(), "euphemism".to_string()];
        let layout = Layout::new(&categories);
        let names = names_for(&categories);
        assert_eq!(layout.names, names);
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(layout.template.keys().cloned().collect::<Vec<_>>(), sorted);
        let values: Vec<Option<f64>> = (0..names.len()).map(|i| Some(i as f64)).collect();
        let want: BTreeMap<Name, Option<f64>> = names
            .into_iter()
            .map(Name::Owned)
            .zip(values.clone())
            .collect();
        assert_eq!(layout.map(&values), want);
    }
}
