//! Keyness: which terms an outlet over- or under-uses relative to the rest of the corpus, by the weighted
//! log-odds ratio with an informative Dirichlet prior of Monroe, Colaresi & Quinn (2008), "Fightin' Words:
//! Lexical Feature Selection and Evaluation for Identifying the Content of Political Conflict", *Political
//! Analysis* 16(4):372–403, doi:10.1093/pan/mpn018 (§3.5, eqs. 16, 19–22).
//!
//! For outlet i against the rest of the corpus j (all other outlets pooled), and term w:
//!
//! ```text
//! δ_w = log((y_iw + α_w) / (n_i + α_0 − y_iw − α_w)) − log((y_jw + α_w) / (n_j + α_0 − y_jw − α_w))
//! σ²_w ≈ 1 / (y_iw + α_w) + 1 / (y_jw + α_w)
//! z_w = δ_w / σ_w
//! ```
//!
//! where y are term counts, n token totals and α_w = α_0 · y_w / N the informative prior (y_w the term's
//! corpus count, N the corpus token total).
//!
//! **Prior size α_0.** By default ([`Alpha0::CorpusSize`]) α_0 = N, so α_w = y_w: each count is inflated by
//! the term's own corpus count. This is the empirical-Bayes (method-of-moments) prior that R's `tidylo`
//! package uses by default (Schnoebelen, Silge & Hayes, `bind_log_odds`, tidylo 0.2.0, which sets the
//! pseudo-count `alpha` of each feature to its total count across all sets). It is scale-free (it does not
//! depend on an arbitrary constant relative to corpus size) and shrinks the log-odds of rare terms strongly
//! toward 0, so the top of the list is made of terms that are both frequent and distinctive. A fixed prior
//! size can be chosen with [`Alpha0::Fixed`] (Monroe et al. discuss the choice of α_0 as the prior's
//! "sample size"; small values approach the uninformative case).
//!
//! Counts are kept compactly: each distinct term string is stored once (interned to a `u32` id) and each
//! outlet keeps a sparse `id → count` map, so per-article streaming and shard merging stay cheap for
//! vocabularies of hundreds of thousands of terms.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

/// Per-outlet term counts, built article by article and mergeable across shards.
///
/// Serialized (serde) as `{"counts": {outlet: {term: count}}, "totals": {outlet: tokens}}` with sorted keys,
/// so a serialized value is deterministic whatever the order in which articles or shards were added. Totals
/// are always the sum of the outlet's term counts; deserializing rejects inconsistent totals.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(into = "TermCountsRepr", try_from = "TermCountsRepr")]
pub struct TermCounts {
    /// Interned vocabulary: term → id (each string stored once).
    index: HashMap<Box<str>, u32>,
    outlets: BTreeMap<String, OutletTerms>,
}

#[derive(Debug, Clone, Default)]
struct OutletTerms {
    counts: HashMap<u32, u64>,
    total: u64,
}

/// Plain serialized form of [`TermCounts`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TermCountsRepr {
    pub counts: BTreeMap<String, BTreeMap<String, u64>>,
    #[serde(default)]
    pub totals: BTreeMap<String, u64>,
}

impl From<TermCounts> for TermCountsRepr {
    fn from(c: TermCounts) -> Self {
        TermCountsRepr {
            counts: c.to_nested(),
            totals: c.totals(),
        }
    }
}

impl TryFrom<TermCountsRepr> for TermCounts {
    type Error = String;
    fn try_from(r: TermCountsRepr) -> Result<Self, String> {
        let mut c = TermCounts::new();
        for (outlet, terms) in &r.counts {
            c.ensure_outlet(outlet);
            for (term, &n) in terms {
                c.add_count(outlet, term, n);
            }
        }
        for (outlet, &t) in &r.totals {
            let have = c.total(outlet);
            if have != t {
                return Err(format!(
                    "term counts for outlet {outlet:?}: total {t} differs from the sum of its term counts {have}"
                ));
            }
            c.ensure_outlet(outlet);
        }
        Ok(c)
    }
}

impl PartialEq for TermCounts {
    fn eq(&self, other: &Self) -> bool {
        self.to_nested() == other.to_nested()
    }
}

impl TermCounts {
    pub fn new() -> Self {
        Self::default()
    }

    fn intern(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.index.get(term) {
            return id;
        }
        // More than u32::MAX distinct terms cannot be held in memory anyway; saturate rather than panic.
        let id = u32::try_from(self.index.len()).unwrap_or(u32::MAX);
        self.index.insert(term.into(), id);
        id
    }

    fn ensure_outlet(&mut self, outlet: &str) -> &mut OutletTerms {
        self.outlets.entry(outlet.to_string()).or_default()
    }

    /// Count the tokens of one article for `outlet` (each item is one occurrence of a term). The outlet is
    /// registered even when the article has no terms.
    pub fn add_article<'a>(&mut self, outlet: &str, terms: impl IntoIterator<Item = &'a str>) {
        if !self.outlets.contains_key(outlet) {
            self.outlets
                .insert(outlet.to_string(), OutletTerms::default());
        }
        let mut local: Vec<u32> = Vec::new();
        for t in terms {
            local.push(self.intern(t));
        }
        if let Some(o) = self.outlets.get_mut(outlet) {
            for id in local {
                *o.counts.entry(id).or_default() += 1;
                o.total = o.total.saturating_add(1);
            }
        }
    }

    /// Add `n` occurrences of `term` for `outlet`.
    pub fn add_count(&mut self, outlet: &str, term: &str, n: u64) {
        if n == 0 {
            self.ensure_outlet(outlet);
            return;
        }
        let id = self.intern(term);
        let o = self.ensure_outlet(outlet);
        let slot = o.counts.entry(id).or_default();
        *slot = slot.saturating_add(n);
        o.total = o.total.saturating_add(n);
    }

    /// Add all counts of `other` (e.g. another shard) to `self`. Merging is associative and commutative:
    /// the result does not depend on the order in which shards are merged.
    pub fn merge(&mut self, other: &TermCounts) {
        // Map the other's ids to ours.
        let mut remap: Vec<u32> = vec![0; other.index.len()];
        for (term, &oid) in &other.index {
            let id = self.intern(term);
            if let Some(slot) = remap.get_mut(oid as usize) {
                *slot = id;
            }
        }
        for (outlet, ot) in &other.outlets {
            let o = self.ensure_outlet(outlet);
            for (&oid, &n) in &ot.counts {
                let id = remap.get(oid as usize).copied().unwrap_or(0);
                let slot = o.counts.entry(id).or_default();
                *slot = slot.saturating_add(n);
            }
            o.total = o.total.saturating_add(ot.total);
        }
    }

    /// Outlets seen, sorted.
    pub fn outlets(&self) -> impl Iterator<Item = &str> {
        self.outlets.keys().map(|s| s.as_str())
    }

    /// Token total of `outlet` (0 if unknown).
    pub fn total(&self, outlet: &str) -> u64 {
        self.outlets.get(outlet).map_or(0, |o| o.total)
    }

    /// Token totals per outlet.
    pub fn totals(&self) -> BTreeMap<String, u64> {
        self.outlets
            .iter()
            .map(|(k, o)| (k.clone(), o.total))
            .collect()
    }

    /// Count of `term` in `outlet` (0 if unseen).
    pub fn count(&self, outlet: &str, term: &str) -> u64 {
        match (self.outlets.get(outlet), self.index.get(term)) {
            (Some(o), Some(id)) => o.counts.get(id).copied().unwrap_or(0),
            _ => 0,
        }
    }

    /// Number of distinct terms seen.
    pub fn vocabulary_size(&self) -> usize {
        self.index.len()
    }

    /// Plain nested form `outlet → term → count` (sorted; terms with count 0 omitted).
    pub fn to_nested(&self) -> BTreeMap<String, BTreeMap<String, u64>> {
        let terms = self.terms_by_id();
        self.outlets
            .iter()
            .map(|(outlet, o)| {
                let m = o
                    .counts
                    .iter()
                    .filter(|(_, &n)| n > 0)
                    .filter_map(|(&id, &n)| terms.get(id as usize).map(|t| (t.to_string(), n)))
                    .collect();
                (outlet.clone(), m)
            })
            .collect()
    }

    fn terms_by_id(&self) -> Vec<&str> {
        let mut terms = vec![""; self.index.len()];
        for (t, &id) in &self.index {
            if let Some(slot) = terms.get_mut(id as usize) {
                *slot = t;
            }
        }
        terms
    }
}

/// Size α_0 of the informative Dirichlet prior (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Alpha0 {
    /// α_0 = N, the corpus token total, so α_w is the term's corpus count (tidylo's default). The default.
    CorpusSize,
    /// A fixed α_0 > 0; α_w = α_0 · y_w / N.
    Fixed(f64),
}

/// One keyness result: `term` in `outlet` compared with all other outlets pooled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeynessRow {
    pub outlet: String,
    pub term: String,
    pub count_outlet: u64,
    pub count_rest: u64,
    pub rate_outlet_per_10k: f64,
    pub rate_rest_per_10k: f64,
    /// δ, the prior-smoothed log-odds ratio (natural log), outlet vs rest.
    pub log_odds: f64,
    /// δ / σ(δ): positive = over-used by the outlet, negative = under-used.
    pub z: f64,
}

/// Keyness with the default prior [`Alpha0::CorpusSize`]. See [`keyness_with_prior`].
pub fn keyness(counts: &TermCounts, top: usize, min_count: u64) -> Vec<KeynessRow> {
    keyness_with_prior(counts, top, min_count, Alpha0::CorpusSize)
}

/// Ordering of candidates: z descending, then term ascending (a total, deterministic order).
fn cmp_cand(a: &(f64, &str, f64), b: &(f64, &str, f64)) -> Ordering {
    b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1))
}

/// For each outlet (sorted) with tokens, versus the rest of the corpus: the `top` terms with the highest z
/// (over-used) and the `top` with the lowest z (under-used), among terms whose **corpus** count is at least
/// `min_count` (so a term the outlet never uses can still show as under-used). Rows are ordered by outlet,
/// then z descending, then term; a term appears at most once per outlet (when an outlet has at most
/// 2·`top` eligible terms, all of them are returned).
///
/// Returns an empty list when fewer than two outlets have tokens (no "rest" to compare with), when `top` is
/// 0, or when α_0 is not a positive finite number. Cost: O(V) per outlet for V distinct terms, plus a
/// linear-time selection of the extremes.
pub fn keyness_with_prior(
    counts: &TermCounts,
    top: usize,
    min_count: u64,
    alpha0: Alpha0,
) -> Vec<KeynessRow> {
    let mut out = Vec::new();
    let active = counts.outlets.values().filter(|o| o.total > 0).count();
    if top == 0 || active < 2 {
        return out;
    }
    let terms = counts.terms_by_id();
    let v = terms.len();
    let mut corpus: Vec<u64> = vec![0; v];
    for o in counts.outlets.values() {
        for (&id, &n) in &o.counts {
            if let Some(slot) = corpus.get_mut(id as usize) {
                *slot = slot.saturating_add(n);
            }
        }
    }
    let n_total: u64 = counts
        .outlets
        .values()
        .fold(0u64, |acc, o| acc.saturating_add(o.total));
    let big_n = n_total as f64;
    let a0 = match alpha0 {
        Alpha0::CorpusSize => big_n,
        Alpha0::Fixed(x) => x,
    };
    if !(a0.is_finite() && a0 > 0.0 && big_n > 0.0) {
        return out;
    }
    let min_count = min_count.max(1);
    let eligible: Vec<u32> = (0..v)
        .filter(|&w| corpus[w] >= min_count)
        .map(|w| w as u32)
        .collect();

    let mut yi_buf: Vec<u64> = vec![0; v];
    for (outlet, o) in &counts.outlets {
        let n_i = o.total;
        let n_j = n_total.saturating_sub(n_i);
        if n_i == 0 || n_j == 0 {
            continue;
        }
        for (&id, &n) in &o.counts {
            if let Some(slot) = yi_buf.get_mut(id as usize) {
                *slot = n;
            }
        }
        let (ni, nj) = (n_i as f64, n_j as f64);
        // (z, term, δ) for every eligible term.
        let mut cand: Vec<(f64, &str, f64)> = Vec::with_capacity(eligible.len());
        for &w in &eligible {
            let w = w as usize;
            let yi = yi_buf[w] as f64;
            let yw = corpus[w] as f64;
            let yj = yw - yi;
            let alpha = match alpha0 {
                Alpha0::CorpusSize => yw,
                Alpha0::Fixed(_) => a0 * yw / big_n,
            };
            let delta = ((yi + alpha) / (ni + a0 - yi - alpha)).ln()
                - ((yj + alpha) / (nj + a0 - yj - alpha)).ln();
            let var = 1.0 / (yi + alpha) + 1.0 / (yj + alpha);
            let z = delta / var.sqrt();
            if z.is_finite() && delta.is_finite() {
                cand.push((z, terms[w], delta));
            }
        }
        for &id in o.counts.keys() {
            if let Some(slot) = yi_buf.get_mut(id as usize) {
                *slot = 0;
            }
        }
        let chosen: Vec<(f64, &str, f64)> = if cand.len() <= 2 * top {
            cand
        } else {
            // Highest z first `top`, then lowest `top` at the end.
            cand.select_nth_unstable_by(top - 1, cmp_cand);
            let (head, rest) = cand.split_at_mut(top);
            let k = rest.len() - top;
            rest.select_nth_unstable_by(k, cmp_cand);
            head.iter().chain(rest[k..].iter()).copied().collect()
        };
        let mut chosen = chosen;
        chosen.sort_by(cmp_cand);
        for (z, term, delta) in chosen {
            let ci = counts.count(outlet, term);
            let cw = counts.index.get(term).map_or(0, |&id| corpus[id as usize]);
            let cr = cw.saturating_sub(ci);
            out.push(KeynessRow {
                outlet: outlet.clone(),
                term: term.to_string(),
                count_outlet: ci,
                count_rest: cr,
                rate_outlet_per_10k: ci as f64 / ni * 1e4,
                rate_rest_per_10k: cr as f64 / nj * 1e4,
                log_odds: delta,
                z,
            });
        }
    }
    out
}
