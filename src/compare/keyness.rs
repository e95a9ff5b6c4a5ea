//! Keyness: which terms an outlet over- or under-uses relative to the rest of the corpus, by the weighted
//! log-odds ratio with an informative Dirichlet prior of Monroe, Colaresi & Quinn (2008), "Fightin' Words:
//! Lexical Feature Selection and Evaluation for Identifying the Content of Political Conflict", *Political
//! Analysis* 16(4):372–403, doi:10.1093/pan/mpn018 (the "weighted log-odds ratio with informative
//! Dirichlet prior", their final and recommended model).
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
//! pseudo-count `alpha` of each feature to its total count across all sets; tidylo then contrasts each set
//! with the pooled data, whereas here, as in Monroe et al., the contrast is with the rest). It is scale-free (it does not
//! depend on an arbitrary constant relative to corpus size) and shrinks the log-odds of rare terms strongly
//! toward 0, so the top of the list is made of terms that are both frequent and distinctive. A fixed prior
//! size can be chosen with [`Alpha0::Fixed`]: α_0 is the prior's total pseudo-count, so small values give
//! less shrinkage (approaching the unregularized log-odds), large values more.
//!
//! Counts are kept compactly: each distinct term string is stored once (interned to a `u32` id) and each
//! outlet keeps a sparse table of `(id, count)` found by the term's hash, so per-article streaming and
//! shard merging stay cheap for vocabularies of hundreds of thousands of terms.

use crate::strlist::StrList;
use hashbrown::HashTable;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// The hash of a term in [`TermCounts`]' vocabulary. Word counts computed elsewhere (an article's worker
/// thread) carry it along, so that adding them does not hash the words again. The term is taken 8 bytes
/// at a time (the last word zero-padded), each word mixed in by [`term_hash_word`] from the state
/// [`term_hash_start`] gives for its length: a caller that already holds a word's bytes as 64-bit words
/// (the article's counting, which classifies them that way) hashes it without a second pass and without
/// the length-dependent branches of a general-purpose string hash.
pub fn term_hash(term: &str) -> u64 {
    let bytes = term.as_bytes();
    let mut h = term_hash_start(bytes.len());
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let mut word = [0u8; 8];
        word.copy_from_slice(w);
        h = term_hash_word(h, u64::from_le_bytes(word));
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        h = term_hash_word(h, u64::from_le_bytes(word));
    }
    h
}

/// The state [`term_hash`] starts from for a term of `len` bytes.
#[inline]
pub fn term_hash_start(len: usize) -> u64 {
    0x243F_6A88_85A3_08D3 ^ len as u64
}

/// Mix the next 8 bytes of a term (little-endian) into a [`term_hash`] state: a folded 64×64→128-bit
/// multiplication, whose high and low halves together depend on every input bit (the table takes its
/// bucket from the low bits and its tag from the top ones).
#[inline]
pub fn term_hash_word(h: u64, word: u64) -> u64 {
    let m = u128::from(h ^ word) * 0x9E37_79B9_7F4A_7C15u128;
    (m as u64) ^ ((m >> 64) as u64)
}

/// The distinct terms, each stored once in one String, with their ids (positions in the list).
#[derive(Debug, Clone, Default)]
struct Vocabulary {
    /// The terms in id order.
    terms: StrList,
    /// Term ids, found by [`term_hash`].
    table: HashTable<u32>,
}

impl Vocabulary {
    fn len(&self) -> usize {
        self.terms.len()
    }

    /// The terms in id order.
    fn terms(&self) -> impl Iterator<Item = &str> + '_ {
        self.terms.iter()
    }

    /// Id of `term`, whose [`term_hash`] is `hash`, if it is in the vocabulary.
    fn get(&self, term: &str, hash: u64) -> Option<u32> {
        self.table
            .find(hash, |&id| self.terms.is(id as usize, term))
            .copied()
    }

    /// Id of `term` (whose [`term_hash`] is `hash`), adding it if new.
    fn intern(&mut self, term: &str, hash: u64) -> u32 {
        if let Some(id) = self.get(term, hash) {
            return id;
        }
        // More than u32::MAX distinct terms cannot be held in memory anyway; saturate rather than panic.
        let id = u32::try_from(self.len()).unwrap_or(u32::MAX);
        self.terms.push(term);
        // Growing the table rehashes the terms from their text (rare: no hash is kept per term).
        let Vocabulary { terms, table } = self;
        table.insert_unique(hash, id, |&id| term_hash(terms.get(id as usize)));
        id
    }
}

/// Per-outlet term counts, built article by article and mergeable across shards.
///
/// Serialized (serde) as `{"counts": {outlet: {term: count}}, "totals": {outlet: tokens}}` with sorted keys,
/// so a serialized value is deterministic whatever the order in which articles or shards were added. Totals
/// are always the sum of the outlet's term counts; deserializing rejects inconsistent totals.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(try_from = "TermCountsRepr")]
pub struct TermCounts {
    /// Interned vocabulary: term → id (each string stored once).
    index: Vocabulary,
    outlets: BTreeMap<String, OutletTerms>,
}

/// One outlet's term counts. They are found by the term's own hash (the one [`Vocabulary`] uses), so
/// counting a word the outlet has used before takes one table lookup and no vocabulary lookup: only a
/// word new to the outlet is interned.
#[derive(Debug, Clone, Default)]
struct OutletTerms {
    counts: HashTable<Count>,
    total: u64,
}

/// Terms of at most this many bytes are their own [`Count::key`].
const INLINE: usize = 8;

/// A term's count in one outlet. A term of up to [`INLINE`] bytes (most words) is its own key: its bytes,
/// zero above them, with its length, so that finding its count compares one word and reads nothing else.
/// (The table is found by hash at random, so the vocabulary's offset and text that a comparison with the
/// stored term would read are two more cache misses per word counted, on the thread that collects the
/// counts.) A longer term's key is its [`term_hash`], confirmed against the vocabulary. Either way the
/// entry gives back its hash ([`Count::hash`]), so growing the table reads no text.
#[derive(Debug, Clone, Copy)]
struct Count {
    key: u64,
    /// The term's length in bytes (saturated: longer terms are compared in full anyway).
    len: u32,
    id: u32,
    n: u64,
}

impl Count {
    /// The [`term_hash`] of the counted term.
    #[inline]
    fn hash(&self) -> u64 {
        let len = self.len as usize;
        if len > INLINE {
            self.key
        } else if len > 0 {
            term_hash_word(term_hash_start(len), self.key)
        } else {
            term_hash_start(0)
        }
    }
}

/// The [`Count::key`] of a term whose [`term_hash`] is `hash`: for up to [`INLINE`] bytes, its bytes as a
/// little-endian word (zero above them, as [`term_hash`] pads its last word), else the hash.
#[inline]
fn count_key(term: &[u8], hash: u64) -> u64 {
    let n = term.len();
    // Tests on the length rather than a `match` (a jump table, whose indirect branch mispredicts more).
    if n > INLINE {
        hash
    } else if n >= 4 {
        // Overlapping reads put the same bytes in the same places, so or-ing them is exact.
        let half = |i: usize| {
            u64::from(u32::from_le_bytes([
                term[i],
                term[i + 1],
                term[i + 2],
                term[i + 3],
            ]))
        };
        half(0) | half(n - 4) << ((n - 4) * 8)
    } else if n > 0 {
        let byte = |i: usize| u64::from(term[i]);
        byte(0) | byte(n / 2) << (n / 2 * 8) | byte(n - 1) << ((n - 1) * 8)
    } else {
        0
    }
}

impl OutletTerms {
    /// The `(id, count)` pairs, in no particular order.
    fn iter(&self) -> impl Iterator<Item = (u32, u64)> + '_ {
        self.counts.iter().map(|c| (c.id, c.n))
    }

    /// Add `n` to the count of `term` (whose [`term_hash`] is `hash`), interning it if the outlet has not
    /// counted it yet.
    fn add(&mut self, index: &mut Vocabulary, term: &str, hash: u64, n: u64) {
        let bytes = term.as_bytes();
        let key = count_key(bytes, hash);
        let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        let found = self.counts.find_mut(hash, |c| {
            c.key == key
                && c.len == len
                && (bytes.len() <= INLINE || index.terms.is(c.id as usize, term))
        });
        match found {
            Some(c) => c.n = c.n.saturating_add(n),
            None => {
                let id = index.intern(term, hash);
                let c = Count { key, len, id, n };
                self.counts.insert_unique(hash, c, Count::hash);
            }
        }
        self.total = self.total.saturating_add(n);
    }

    /// The count of term `id` (whose [`term_hash`] is `hash`), if the outlet has one.
    fn get(&self, id: u32, hash: u64) -> Option<u64> {
        self.counts.find(hash, |c| c.id == id).map(|c| c.n)
    }
}

/// Plain serialized form of [`TermCounts`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TermCountsRepr {
    pub counts: BTreeMap<String, BTreeMap<String, u64>>,
    #[serde(default)]
    pub totals: BTreeMap<String, u64>,
}

/// Writes exactly what serializing [`TermCountsRepr`] writes (outlets and terms in sorted order, terms with
/// count 0 omitted), without building that nested copy of the whole vocabulary: only one outlet's
/// `(rank, count)` list is held at a time. The vocabulary is sorted once, and each outlet's terms are then
/// put in order by their rank in it (integer comparisons), rather than each outlet sorting its own terms by
/// string comparisons (most words are in several outlets' lists).
impl Serialize for TermCounts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeStruct};
        struct Outlet<'a> {
            terms: &'a OutletTerms,
            rank: &'a [u32],
            sorted: &'a [&'a str],
        }
        impl Serialize for Outlet<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut ranked: Vec<(u32, u64)> = self
                    .terms
                    .iter()
                    .filter(|&(_, n)| n > 0)
                    .filter_map(|(id, n)| self.rank.get(id as usize).map(|&r| (r, n)))
                    .collect();
                ranked.sort_unstable_by_key(|&(r, _)| r);
                let mut m = s.serialize_map(Some(ranked.len()))?;
                for (r, n) in ranked {
                    if let Some(t) = self.sorted.get(r as usize) {
                        m.serialize_entry(t, &n)?;
                    }
                }
                m.end()
            }
        }
        struct Counts<'a> {
            counts: &'a TermCounts,
            rank: &'a [u32],
            sorted: &'a [&'a str],
        }
        impl Serialize for Counts<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.counts.outlets.len()))?;
                for (outlet, terms) in &self.counts.outlets {
                    let o = Outlet {
                        terms,
                        rank: self.rank,
                        sorted: self.sorted,
                    };
                    m.serialize_entry(outlet, &o)?;
                }
                m.end()
            }
        }
        let (sorted, rank) = self.sorted_terms();
        let counts = Counts {
            counts: self,
            rank: &rank,
            sorted: &sorted,
        };
        let mut st = s.serialize_struct("TermCountsRepr", 2)?;
        st.serialize_field("counts", &counts)?;
        st.serialize_field("totals", &self.totals())?;
        st.end()
    }
}

/// The schema of the serialized form, [`TermCountsRepr`].
impl schemars::JsonSchema for TermCounts {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        TermCountsRepr::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        TermCountsRepr::json_schema(generator)
    }
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

    fn ensure_outlet(&mut self, outlet: &str) -> &mut OutletTerms {
        self.outlets.entry(outlet.to_string()).or_default()
    }

    /// Count the tokens of one article for `outlet` (each item is one occurrence of a term). The outlet is
    /// registered even when the article has no terms.
    pub fn add_article<'a>(&mut self, outlet: &str, terms: impl IntoIterator<Item = &'a str>) {
        self.add_article_counts(outlet, terms.into_iter().map(|t| (t, 1)));
    }

    /// Count one article for `outlet` from `(term, occurrences)` pairs (a term may appear in several pairs).
    /// The outlet is registered even when the article has no terms.
    pub fn add_article_counts<'a>(
        &mut self,
        outlet: &str,
        terms: impl IntoIterator<Item = (&'a str, u64)>,
    ) {
        self.add_hashed_counts(outlet, terms.into_iter().map(|(t, n)| (t, n, term_hash(t))));
    }

    /// [`TermCounts::add_article_counts`] from `(term, occurrences, term_hash(term))`.
    pub fn add_hashed_counts<'a>(
        &mut self,
        outlet: &str,
        terms: impl IntoIterator<Item = (&'a str, u64, u64)>,
    ) {
        let TermCounts { index, outlets } = self;
        // Looked up before the name is copied: the outlet is nearly always known.
        let o = match outlets.get_mut(outlet) {
            Some(o) => o,
            None => outlets.entry(outlet.to_string()).or_default(),
        };
        for (t, n, hash) in terms {
            o.add(index, t, hash, n);
        }
    }

    /// Add `n` occurrences of `term` for `outlet`.
    pub fn add_count(&mut self, outlet: &str, term: &str, n: u64) {
        if n == 0 {
            self.ensure_outlet(outlet);
            return;
        }
        self.add_article_counts(outlet, [(term, n)]);
    }

    /// Add all counts of `other` (e.g. another shard) to `self`. Merging is associative and commutative:
    /// the result does not depend on the order in which shards are merged.
    pub fn merge(&mut self, other: &TermCounts) {
        for (outlet, ot) in &other.outlets {
            self.add_article_counts(
                outlet,
                ot.iter()
                    .map(|(id, n)| (other.index.terms.get(id as usize), n)),
            );
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
        let hash = term_hash(term);
        match (self.outlets.get(outlet), self.index.get(term, hash)) {
            (Some(o), Some(id)) => o.get(id, hash).unwrap_or(0),
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
                    .iter()
                    .filter(|&(_, n)| n > 0)
                    .filter_map(|(id, n)| terms.get(id as usize).map(|t| (t.to_string(), n)))
                    .collect();
                (outlet.clone(), m)
            })
            .collect()
    }

    /// The vocabulary in string order, and each term id's position in it.
    fn sorted_terms(&self) -> (Vec<&str>, Vec<u32>) {
        let terms = self.terms_by_id();
        // Once per run, at the end: a plain string sort.
        let mut order: Vec<u32> = (0..terms.len() as u32).collect();
        order.sort_unstable_by_key(|&id| terms[id as usize]);
        let mut rank = vec![0u32; terms.len()];
        let sorted = order
            .iter()
            .enumerate()
            .map(|(r, &id)| {
                rank[id as usize] = r as u32;
                terms[id as usize]
            })
            .collect();
        (sorted, rank)
    }

    fn terms_by_id(&self) -> Vec<&str> {
        self.index.terms().collect()
    }
}

/// Size α_0 of the informative Dirichlet prior (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Alpha0 {
    /// α_0 = N, the corpus token total, so α_w is the term's corpus count (tidylo's default). The default.
    CorpusSize,
    /// A fixed α_0 > 0; α_w = α_0 · y_w / N.
    Fixed(f64),
}

/// One keyness result: `term` in `outlet` compared with all other outlets pooled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
        for (id, n) in o.iter() {
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
        for (id, n) in o.iter() {
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
        for (id, _) in o.iter() {
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
            let cw = counts
                .index
                .get(term, term_hash(term))
                .map_or(0, |id| corpus[id as usize]);
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

#[cfg(test)]
mod tests {
    //! Reference values computed with a direct Python transcription of the formulas in the module
    //! documentation (`math.log`, no libraries), plus one value by hand.
    use super::*;

    fn toy() -> TermCounts {
        let mut c = TermCounts::new();
        for (outlet, terms) in [
            (
                "A",
                &[("the", 10u64), ("invasion", 5), ("regime", 3), ("peace", 2)][..],
            ),
            ("B", &[("the", 12), ("conflict", 6), ("peace", 2)][..]),
            (
                "C",
                &[
                    ("the", 8),
                    ("invasion", 1),
                    ("regime", 1),
                    ("conflict", 4),
                    ("peace", 6),
                ][..],
            ),
        ] {
            for (t, n) in terms {
                c.add_count(outlet, t, *n);
            }
        }
        c
    }

    fn find<'a>(rows: &'a [KeynessRow], outlet: &str, term: &str) -> &'a KeynessRow {
        rows.iter()
            .find(|r| r.outlet == outlet && r.term == term)
            .unwrap()
    }

    #[test]
    fn toy_corpus_matches_reference_with_corpus_prior() {
        // Each outlet has 20 tokens, N = 60, α_0 = 60 so α_w = corpus count.
        // By hand, A vs rest for "invasion": y_i = 5, y_j = 1, α = 6, n_i = 20, n_j = 40:
        // δ = ln(11/(20+60-5-6)) - ln(7/(40+60-1-6)) = ln(11/69) - ln(7/93) = -1.836211 + 2.586689
        //   = 0.750478; σ² = 1/11 + 1/7 = 0.233766; z = 0.750478/0.483494 = 1.552198.
        let rows = keyness(&toy(), 10, 1);
        let want: [(&str, &str, f64, f64); 15] = [
            ("A", "invasion", 1.5521980753484215, 0.7504781122990534),
            ("A", "regime", 1.024506681407943, 0.5998896870733628),
            ("A", "the", 0.0, 0.0),
            ("A", "peace", -0.5856357719429982, -0.218253566020018),
            ("A", "conflict", -1.4449217512990895, -0.5596157879354229),
            ("B", "conflict", 1.1722391596159056, 0.4289956055183586),
            ("B", "the", 0.8525126163548914, 0.180126166230519),
            ("B", "peace", -0.5856357719429982, -0.218253566020018),
            ("B", "regime", -0.8199127108435991, -0.5020919437972364),
            ("B", "invasion", -1.039750918571817, -0.5198754592859085),
            ("C", "peace", 1.1722391596159056, 0.4289956055183586),
            ("C", "conflict", 0.29410296450311985, 0.10763066419236544),
            ("C", "regime", -0.20726312110623232, -0.12136085700426769),
            ("C", "invasion", -0.5249461451008292, -0.2538081951593085),
            ("C", "the", -0.8440127767828803, -0.18012616623051889),
        ];
        assert_eq!(rows.len(), want.len());
        for (r, (o, t, z, d)) in rows.iter().zip(want) {
            assert_eq!((r.outlet.as_str(), r.term.as_str()), (o, t));
            assert!((r.z - z).abs() < 1e-12, "{r:?}");
            assert!((r.log_odds - d).abs() < 1e-12, "{r:?}");
        }
        let inv = find(&rows, "A", "invasion");
        assert_eq!((inv.count_outlet, inv.count_rest), (5, 1));
        assert_eq!(inv.rate_outlet_per_10k, 2500.0);
        assert_eq!(inv.rate_rest_per_10k, 250.0);
    }

    #[test]
    fn toy_corpus_matches_reference_with_fixed_prior() {
        // α_0 = 10, α_w = 10·y_w/60.
        let rows = keyness_with_prior(&toy(), 10, 1, Alpha0::Fixed(10.0));
        for (o, t, z, d) in [
            ("A", "invasion", 2.1944482207043765, 1.7917594692280552),
            ("A", "conflict", -1.9848709238930744, -1.6436292771823797),
            ("B", "regime", -1.153733756784586, -1.5105920777974675),
            ("C", "the", -1.269645430800509, -0.4286066366698589),
        ] {
            let r = find(&rows, o, t);
            assert!((r.z - z).abs() < 1e-12, "{r:?}");
            assert!((r.log_odds - d).abs() < 1e-12, "{r:?}");
        }
        assert!(keyness_with_prior(&toy(), 10, 1, Alpha0::Fixed(0.0)).is_empty());
        assert!(keyness_with_prior(&toy(), 10, 1, Alpha0::Fixed(f64::NAN)).is_empty());
    }

    #[test]
    fn top_selects_both_ends_and_min_count_filters_by_corpus_count() {
        let rows = keyness(&toy(), 1, 1);
        let got: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.outlet.as_str(), r.term.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("A", "invasion"),
                ("A", "conflict"),
                ("B", "conflict"),
                ("B", "invasion"),
                ("C", "peace"),
                ("C", "the"),
            ]
        );
        // Corpus counts: the 30, peace 10, conflict 10, invasion 6, regime 4.
        let rows = keyness(&toy(), 10, 7);
        assert!(rows
            .iter()
            .all(|r| ["the", "peace", "conflict"].contains(&r.term.as_str())));
        assert_eq!(rows.len(), 9);
        assert!(keyness(&toy(), 0, 1).is_empty());
    }

    #[test]
    fn counted_articles_equal_repeated_terms() {
        let mut one_by_one = TermCounts::new();
        one_by_one.add_article("A", ["war", "peace", "war", "talks"]);
        one_by_one.add_article("B", []);
        let mut counted = TermCounts::new();
        // Order of pairs and a term split over two pairs do not matter.
        counted.add_article_counts("A", [("talks", 1), ("war", 1), ("peace", 1), ("war", 1)]);
        counted.add_article_counts("B", []);
        assert_eq!(one_by_one, counted);
        assert_eq!(counted.count("A", "war"), 2);
        assert_eq!(counted.total("A"), 4);
        assert_eq!(counted.outlets().collect::<Vec<_>>(), ["A", "B"]);
    }

    #[test]
    fn ties_in_z_are_ordered_by_term() {
        // o1: a 2, b 2, c 1; o2: a 1, b 1, c 2 -> "a" and "b" get equal z within each outlet.
        let mut c = TermCounts::new();
        c.add_article("o1", "b a a b c".split_whitespace());
        c.add_article("o2", "c c a b".split_whitespace());
        let rows = keyness(&c, 5, 1);
        for w in rows.windows(2) {
            if w[0].outlet == w[1].outlet {
                assert!(
                    w[0].z > w[1].z || (w[0].z == w[1].z && w[0].term < w[1].term),
                    "{w:?}"
                );
            }
        }
        // a and b have identical counts everywhere, so identical z, listed a before b.
        let o1: Vec<&str> = rows
            .iter()
            .filter(|r| r.outlet == "o1")
            .map(|r| r.term.as_str())
            .collect();
        assert_eq!(o1, vec!["a", "b", "c"]);
        // With two outlets the comparison is symmetric: z(o2, w) = -z(o1, w).
        for r in rows.iter().filter(|r| r.outlet == "o1") {
            let s = find(&rows, "o2", &r.term);
            assert!((r.z + s.z).abs() < 1e-12);
        }
    }

    #[test]
    fn degenerate_corpora_return_nothing() {
        assert!(keyness(&TermCounts::new(), 10, 1).is_empty());
        let mut one = TermCounts::new();
        one.add_article("solo", ["a", "b", "a"]);
        assert!(keyness(&one, 10, 1).is_empty(), "no rest to compare with");
        // A second outlet with no tokens is not a rest either.
        one.add_article("silent", std::iter::empty());
        assert!(keyness(&one, 10, 1).is_empty());
        // Single-term vocabulary: every odds has a zero denominator -> no finite rows, no NaN.
        let mut single = TermCounts::new();
        single.add_article("a", ["x", "x"]);
        single.add_article("b", ["x"]);
        let rows = keyness(&single, 10, 1);
        assert!(rows
            .iter()
            .all(|r| r.z.is_finite() && r.log_odds.is_finite()));
    }

    #[test]
    fn merge_equals_single_run_and_serde_round_trips() {
        let docs = [
            ("A", "the invasion of the regime"),
            ("B", "the conflict and the peace"),
            ("A", "regime change invasion"),
            ("C", "peace talks the conflict"),
            ("B", "conflict conflict peace"),
        ];
        let mut whole = TermCounts::new();
        for (o, t) in docs {
            whole.add_article(o, t.split_whitespace());
        }
        let mut s1 = TermCounts::new();
        let mut s2 = TermCounts::new();
        for (i, (o, t)) in docs.iter().enumerate() {
            let s = if i % 2 == 0 { &mut s1 } else { &mut s2 };
            s.add_article(o, t.split_whitespace());
        }
        let mut m12 = s1.clone();
        m12.merge(&s2);
        let mut m21 = s2.clone();
        m21.merge(&s1);
        assert_eq!(m12, whole);
        assert_eq!(m21, whole);
        assert_eq!(keyness(&m21, 3, 1), keyness(&whole, 3, 1));
        assert_eq!(whole.total("A"), 8);
        assert_eq!(whole.count("B", "conflict"), 3);
        assert_eq!(whole.count("B", "nope"), 0);

        let json = serde_json::to_string(&m21).unwrap();
        assert_eq!(
            json,
            serde_json::to_string(&whole).unwrap(),
            "deterministic"
        );
        assert!(
            json.starts_with("{\"counts\":{\"A\":{\"change\":1,"),
            "{json}"
        );
        let back: TermCounts = serde_json::from_str(&json).unwrap();
        assert_eq!(back, whole);
        assert_eq!(back.totals(), whole.totals());
        let bad = r#"{"counts":{"A":{"x":2}},"totals":{"A":3}}"#;
        assert!(serde_json::from_str::<TermCounts>(bad).is_err());
    }

    #[test]
    fn large_vocabulary_is_fast() {
        // 200k distinct terms over 4 outlets, ~1.2M tokens, Zipf-like counts.
        let mut c = TermCounts::new();
        let terms: Vec<String> = (0..200_000).map(|i| format!("t{i}")).collect();
        for (k, outlet) in ["a", "b", "c", "d"].iter().enumerate() {
            let mut art: Vec<&str> = Vec::new();
            for (i, t) in terms.iter().enumerate() {
                let reps = 1 + (3000 / (i + 1)) + usize::from((i + k) % 7 == 0);
                for _ in 0..reps.min(50) {
                    art.push(t);
                }
                if art.len() > 10_000 {
                    c.add_article(outlet, art.drain(..));
                }
            }
            c.add_article(outlet, art.drain(..));
        }
        assert_eq!(c.vocabulary_size(), 200_000);
        let start = std::time::Instant::now();
        let rows = keyness(&c, 25, 5);
        let took = start.elapsed();
        assert_eq!(rows.len(), 4 * 50);
        assert!(took.as_secs() < 30, "{took:?}");
    }

    proptest::proptest! {
        /// The streaming `Serialize` writes the same bytes as the nested `TermCountsRepr` form (what
        /// `term_counts.json` held before), including outlets without terms and non-ASCII terms.
        #[test]
        fn prop_serialization_equals_nested_repr(
            docs in proptest::collection::vec(
                (0u8..4, proptest::collection::vec(proptest::sample::select(
                    vec!["a", "b", "B", "ä", "é", "z", "aa", "Ωmega", "10", "9", "overwatch",
                        "overwatchers", "overwatched", "overwat", "overwat\0", "überwachung"]), 0..20)),
                0..12),
        ) {
            let mut c = TermCounts::new();
            for (o, words) in &docs {
                c.add_article(&format!("o{o}"), words.iter().copied());
            }
            c.add_count("empty", "a", 0);
            let want = serde_json::to_string(&TermCountsRepr::from(c.clone())).unwrap();
            proptest::prop_assert_eq!(serde_json::to_string(&c).unwrap(), want);
            let back: TermCounts = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
            proptest::prop_assert_eq!(back, c);
        }

        /// Counts through the hashed vocabulary (grown many times over) equal counting in ordered maps,
        /// whether the hashes are computed here or passed in, and merging shards gives the same counts.
        #[test]
        fn prop_counts_equal_ordered_maps(
            docs in proptest::collection::vec(
                (0u8..3, proptest::collection::vec((0u16..400, 1u64..4), 0..40)), 0..20),
        ) {
            let mut want: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
            let (mut plain, mut hashed, mut half) = (TermCounts::new(), TermCounts::new(), TermCounts::new());
            let mut other = TermCounts::new();
            for (i, (o, words)) in docs.iter().enumerate() {
                let outlet = format!("o{o}");
                let names: Vec<(String, u64)> = words.iter().map(|&(w, n)| (format!("w{w}é"), n)).collect();
                let m = want.entry(outlet.clone()).or_default();
                for (w, n) in &names {
                    *m.entry(w.clone()).or_default() += n;
                }
                plain.add_article_counts(&outlet, names.iter().map(|(w, n)| (w.as_str(), *n)));
                hashed.add_hashed_counts(
                    &outlet,
                    names.iter().map(|(w, n)| (w.as_str(), *n, term_hash(w))),
                );
                let shard = if i % 2 == 0 { &mut half } else { &mut other };
                shard.add_article_counts(&outlet, names.iter().map(|(w, n)| (w.as_str(), *n)));
            }
            half.merge(&other);
            let distinct: std::collections::BTreeSet<&String> = want.values().flat_map(|m| m.keys()).collect();
            proptest::prop_assert_eq!(plain.vocabulary_size(), distinct.len());
            for (o, m) in &want {
                for (w, &n) in m {
                    proptest::prop_assert_eq!(plain.count(o, w), n);
                }
            }
            proptest::prop_assert_eq!(plain.to_nested(), want.clone());
            proptest::prop_assert_eq!(hashed.to_nested(), want.clone());
            proptest::prop_assert_eq!(half.to_nested(), want);
        }

        /// Terms of every length around [`INLINE`], including ones that differ only by trailing zero
        /// bytes or by bytes an 8-byte key would drop, counted through the inline keys (and confirmed
        /// against the vocabulary above them), equal counting in ordered maps, also after the tables
        /// have grown many times (their entries rehashed from the keys) and after a merge.
        #[test]
        fn prop_inline_keys_equal_ordered_maps(
            docs in proptest::collection::vec(
                (0u8..2, proptest::collection::vec(
                    (proptest::collection::vec(proptest::sample::select(vec!['a', 'b', '\0', 'é', 'Z']), 0..12),
                     1u64..3),
                    0..60)),
                0..12),
        ) {
            let mut want: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
            let (mut counted, mut other) = (TermCounts::new(), TermCounts::new());
            for (i, (o, words)) in docs.iter().enumerate() {
                let outlet = format!("o{o}");
                let names: Vec<(String, u64)> =
                    words.iter().map(|(w, n)| (w.iter().collect::<String>(), *n)).collect();
                let m = want.entry(outlet.clone()).or_default();
                for (w, n) in &names {
                    *m.entry(w.clone()).or_default() += n;
                }
                let shard = if i % 3 == 0 { &mut other } else { &mut counted };
                shard.add_article_counts(&outlet, names.iter().map(|(w, n)| (w.as_str(), *n)));
            }
            let mut merged = counted.clone();
            merged.merge(&other);
            for (o, m) in &want {
                for (w, &n) in m {
                    proptest::prop_assert_eq!(merged.count(o, w), n);
                    let hash = term_hash(w);
                    let key = count_key(w.as_bytes(), hash);
                    if w.len() <= INLINE {
                        let mut padded = [0u8; 8];
                        padded[..w.len()].copy_from_slice(w.as_bytes());
                        proptest::prop_assert_eq!(key, u64::from_le_bytes(padded));
                    } else {
                        proptest::prop_assert_eq!(key, hash);
                    }
                    let c = Count { key, len: w.len() as u32, id: 0, n: 0 };
                    proptest::prop_assert_eq!(c.hash(), hash);
                }
            }
            proptest::prop_assert_eq!(merged.to_nested(), want);
        }

        #[test]
        fn prop_rows_finite_ordered_and_bounded(
            docs in proptest::collection::vec((0u8..3, proptest::collection::vec(0u8..12, 0..30)), 0..12),
            top in 0usize..5,
            min_count in 0u64..4,
        ) {
            let mut c = TermCounts::new();
            for (o, words) in &docs {
                let names: Vec<String> = words.iter().map(|w| format!("w{w}")).collect();
                c.add_article(&format!("o{o}"), names.iter().map(|s| s.as_str()));
            }
            let rows = keyness(&c, top, min_count);
            for r in &rows {
                proptest::prop_assert!(r.z.is_finite() && r.log_odds.is_finite());
                proptest::prop_assert!(r.rate_outlet_per_10k.is_finite() && r.rate_rest_per_10k.is_finite());
                proptest::prop_assert!(r.count_outlet + r.count_rest >= min_count.max(1));
                proptest::prop_assert_eq!(r.count_outlet, c.count(&r.outlet, &r.term));
                // Sign of δ follows the sign of the (prior-smoothed) rate difference.
                if r.count_outlet as f64 / c.total(&r.outlet) as f64
                    > r.count_rest as f64 / (c.totals().values().sum::<u64>() - c.total(&r.outlet)) as f64 {
                    proptest::prop_assert!(r.log_odds > 0.0);
                }
            }
            for o in c.outlets() {
                let n = rows.iter().filter(|r| r.outlet == o).count();
                proptest::prop_assert!(n <= 2 * top);
            }
            for w in rows.windows(2) {
                proptest::prop_assert!(
                    w[0].outlet < w[1].outlet
                        || (w[0].outlet == w[1].outlet
                            && (w[0].z > w[1].z || (w[0].z == w[1].z && w[0].term < w[1].term)))
                );
            }
        }
    }
}
