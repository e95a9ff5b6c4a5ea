//! Per-article metrics computed from analyzer output. Every metric is defined in the README's methods
//! section; names are fixed per run (per-category rates follow the loaded lexicon's categories) so the
//! article table has a stable header.

use crate::analyze::{sourcing::Profile, AttributionOut, BalanceOut, Engine, LoadedTerm, SideOut};
use crate::text::{Region, TextModel, Voice};
use std::collections::{BTreeMap, BTreeSet};

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
    let mut v: Vec<String> = CORE.iter().map(|s| s.to_string()).collect();
    v.extend(
        engine
            .loaded
            .categories
            .iter()
            .map(|c| format!("{CATEGORY_PREFIX}{c}")),
    );
    v
}

fn per_thousand(weight: f64, words: usize) -> Option<f64> {
    (words > 0).then(|| weight * 1000.0 / words as f64)
}

fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Body word tokens by voice: (authorial, quoted, paraphrased).
fn words_by_voice(model: &TextModel) -> (usize, usize, usize) {
    let mut n = (0, 0, 0);
    for (t, voice) in crate::analyze::token_voices(model) {
        if model.sentences.get(t.sentence).map(|s| s.region) == Some(Region::Body) {
            match voice {
                Voice::Authorial => n.0 += 1,
                Voice::Quoted => n.1 += 1,
                Voice::Paraphrased => n.2 += 1,
            }
        }
    }
    n
}

pub fn compute(
    engine: &Engine,
    model: &TextModel,
    terms: &[LoadedTerm],
    atts: &[AttributionOut],
    profile: &Profile,
) -> BTreeMap<String, Option<f64>> {
    let sources = &profile.sources;
    let mut m = Pending(Vec::with_capacity(
        CORE.len() + engine.loaded.categories.len(),
    ));
    let (wa, wq, wp) = words_by_voice(model);
    let wh = model.word_count(Region::Headline);
    let weight = |f: &dyn Fn(&LoadedTerm) -> bool| {
        terms
            .iter()
            .filter(|t| t.counted && f(t))
            .fold(0.0, |acc, t| acc + t.weight)
    };
    let body = |t: &LoadedTerm, v: Voice| t.region == Region::Body && t.voice == v;

    m.insert("words_headline".into(), Some(wh as f64));
    m.insert("words_authorial".into(), Some(wa as f64));
    m.insert("words_quoted".into(), Some(wq as f64));
    m.insert("words_paraphrased".into(), Some(wp as f64));
    m.insert(
        "loaded_rate".into(),
        per_thousand(weight(&|t| body(t, Voice::Authorial)), wa),
    );
    m.insert(
        "loaded_rate_headline".into(),
        per_thousand(
            weight(&|t| t.region == Region::Headline && t.voice == Voice::Authorial),
            wh,
        ),
    );
    m.insert(
        "loaded_rate_quoted".into(),
        per_thousand(weight(&|t| body(t, Voice::Quoted)), wq),
    );
    m.insert(
        "loaded_rate_paraphrased".into(),
        per_thousand(weight(&|t| body(t, Voice::Paraphrased)), wp),
    );
    let all_authorial: Vec<&LoadedTerm> =
        terms.iter().filter(|t| body(t, Voice::Authorial)).collect();
    let authorial: Vec<&LoadedTerm> = all_authorial
        .iter()
        .copied()
        .filter(|t| t.counted)
        .collect();
    m.insert("loaded_hits".into(), Some(authorial.len() as f64));
    let distinct: BTreeSet<&str> = authorial.iter().map(|t| t.term.as_str()).collect();
    m.insert("loaded_distinct_terms".into(), Some(distinct.len() as f64));
    for c in &engine.loaded.categories {
        let wsum = all_authorial
            .iter()
            .filter(|t| &t.category == c)
            .fold(0.0, |acc, t| acc + t.weight);
        let mut key = String::with_capacity(CATEGORY_PREFIX.len() + c.len());
        key.push_str(CATEGORY_PREFIX);
        key.push_str(c);
        m.insert(key, per_thousand(wsum, wa));
    }

    let events: Vec<&AttributionOut> = atts.iter().filter(|a| a.continues.is_none()).collect();
    m.insert("attributions".into(), Some(events.len() as f64));
    let direct = events.iter().filter(|a| a.kind == "direct").count();
    m.insert("direct_share".into(), share(direct, events.len()));
    m.insert("balance".into(), balance_index(atts, engine.declared_sides));
    let speakers: BTreeSet<&str> = atts.iter().map(|a| a.speaker.name.as_str()).collect();
    m.insert("distinct_speakers".into(), Some(speakers.len() as f64));

    m.insert("sources_distinct".into(), Some(sources.len() as f64));
    let of_kind = |k: &str| sources.iter().filter(|s| s.kind == k).count();
    m.insert(
        "sources_named_share".into(),
        share(sources.iter().filter(|s| s.named).count(), sources.len()),
    );
    m.insert(
        "sources_anonymous_share".into(),
        share(
            sources.iter().filter(|s| s.anonymous).count(),
            sources.len(),
        ),
    );
    m.insert(
        "sources_official_share".into(),
        share(sources.iter().filter(|s| s.official).count(), sources.len()),
    );
    m.insert(
        "sources_expert_share".into(),
        share(
            sources
                .iter()
                .filter(|s| s.role_class.as_deref() == Some("expert"))
                .count(),
            sources.len(),
        ),
    );
    m.insert(
        "sources_document_share".into(),
        share(of_kind("document"), sources.len()),
    );
    m.insert(
        "sources_media_share".into(),
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
        "attributed_sentence_share".into(),
        share(attributed, body_sentences),
    );
    m.insert("unsourced_loaded".into(), Some(unsourced as f64));
    let hedges = all_authorial
        .iter()
        .filter(|t| t.category == HEDGE_CATEGORY)
        .count();
    m.insert("hedge_rate".into(), per_thousand(hedges as f64, wa));
    m.insert("credits".into(), Some(profile.credits.len() as f64));
    m.insert(
        "self_references".into(),
        Some(profile.self_references.len() as f64),
    );
    m.0.into_iter().collect()
}

/// The metrics of one article in the order they are computed, made into the map at the end: building a
/// map from the (stably) sorted list costs less than inserting the forty keys one by one, and a key given
/// twice keeps its last value, as with inserts.
struct Pending(Vec<(String, Option<f64>)>);

impl Pending {
    fn insert(&mut self, key: String, value: Option<f64>) {
        self.0.push((key, value));
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
    let set: BTreeSet<usize> = terms
        .iter()
        .filter(|t| t.region == Region::Body && t.voice == Voice::Authorial && t.counted)
        .filter_map(|t| t.sentence)
        .filter(|s| {
            !profile.attributed_sentences.contains(s)
                && model.sentences.get(*s).map(|x| x.region) == Some(Region::Body)
        })
        .collect();
    set.into_iter().collect()
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
    let mut by: BTreeMap<String, SideOut> = BTreeMap::new();
    for a in atts {
        let side = a
            .speaker
            .side
            .as_deref()
            .unwrap_or(crate::analyze::UNKNOWN_SIDE);
        // Looked up by the borrowed name: a side's and a verb class's name are copied once, when first seen.
        if !by.contains_key(side) {
            by.insert(
                side.to_string(),
                SideOut {
                    side: side.to_string(),
                    attributions: 0,
                    share: 0.0,
                    quoted_words: 0,
                    paraphrased_words: 0,
                    word_share: None,
                    verb_classes: BTreeMap::new(),
                },
            );
        }
        let Some(e) = by.get_mut(side) else {
            continue;
        };
        e.quoted_words += a.quoted_words;
        e.paraphrased_words += a.words.saturating_sub(a.quoted_words);
        if a.continues.is_some() {
            continue;
        }
        e.attributions += 1;
        if let Some(c) = a.verb_class.as_deref() {
            match e.verb_classes.get_mut(c) {
                Some(n) => *n += 1,
                None => {
                    e.verb_classes.insert(c.to_string(), 1);
                }
            }
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
    BalanceOut {
        sides,
        first_voice: atts.iter().find_map(|a| a.speaker.side.clone()),
        last_word: atts.iter().rev().find_map(|a| a.speaker.side.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The map built from the pending list equals inserting the same pairs one by one (last value wins).
        #[test]
        fn prop_pending_equals_inserts(
            pairs in proptest::collection::vec((0u8..12, proptest::option::of(-5i8..5)), 0..50),
        ) {
            let mut pending = Pending(Vec::new());
            let mut want = BTreeMap::new();
            for (k, v) in pairs {
                let (k, v) = (format!("m{k}"), v.map(f64::from));
                pending.insert(k.clone(), v);
                want.insert(k, v);
            }
            let got: BTreeMap<String, Option<f64>> = pending.0.into_iter().collect();
            proptest::prop_assert_eq!(got, want);
        }
    }
}
