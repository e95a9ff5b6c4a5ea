//! Per-outlet aggregates of article metrics, statistical comparisons between outlets, attribution sides
//! and keyness.
//!
//! Articles stream past the [`Aggregator`] in input order; it keeps per-outlet aggregates only (see its
//! documentation for what is kept and why the results are exact), so memory does not grow with the number
//! of articles, and results are identical for any number of threads and for merged shards.

pub mod keyness;
pub mod ranks;
pub mod sides;
pub mod spill;
pub mod stats;

pub use keyness::{keyness, keyness_with_prior, Alpha0, KeynessRow, TermCounts};
pub use ranks::{median_of, pair_ranks, PairRanks, SortedCounts, SortedCountsBuilder};
pub use sides::{side_table, SideTable};
pub use stats::{
    benjamini_hochberg, cliffs_delta, cohens_d, compare_outlets, holm, mann_whitney, welch,
    Comparison, MannWhitney, Welch,
};

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};
use std::collections::BTreeMap;

/// Summary of one metric over a set of articles (nulls excluded; `n` counts non-null values).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MetricSummary {
    pub n: usize,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub median: Option<f64>,
    pub ci95_low: Option<f64>,
    pub ci95_high: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OutletSummary {
    pub outlet: String,
    pub articles: usize,
    pub words: u64,
    pub metrics: BTreeMap<String, MetricSummary>,
}

/// Two-sided 97.5% quantile of Student's t with `df` degrees of freedom. statrs' `inverse_cdf` is wrong
/// for very large df (see NOTES.md), so the normal quantile is used above df = 10,000.
pub fn t_quantile_975(df: f64) -> Option<f64> {
    if df.is_nan() || df < 1.0 {
        return None;
    }
    if df > 1e4 {
        return Normal::new(0.0, 1.0).ok().map(|n| n.inverse_cdf(0.975));
    }
    StudentsT::new(0.0, 1.0, df)
        .ok()
        .map(|t| t.inverse_cdf(0.975))
}

/// Mean, sample sd, median and t-based 95% CI of `values` (summed in the given order).
///
/// This is the in-memory reference; runs use [`Aggregator`], which gives the same summaries bit for bit
/// without holding the values.
pub fn summarize(values: &[f64]) -> MetricSummary {
    let n = values.len();
    if n == 0 {
        return summary_from(0, 0.0, None, None);
    }
    let sum = values.iter().sum::<f64>();
    let mean = sum / n as f64;
    let ss = (n > 1).then(|| values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>());
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    summary_from(n, sum, ss, Some(median))
}

/// A summary from the count, the sum of the values (in order), Σ(v − mean)² (in order, mean = sum / n;
/// `None` when n < 2) and the median.
fn summary_from(n: usize, sum: f64, ss: Option<f64>, median: Option<f64>) -> MetricSummary {
    if n == 0 {
        return MetricSummary {
            n,
            mean: None,
            sd: None,
            median: None,
            ci95_low: None,
            ci95_high: None,
        };
    }
    let mean = sum / n as f64;
    let sd = ss.filter(|_| n > 1).map(|ss| (ss / (n - 1) as f64).sqrt());
    let half = sd.and_then(|sd| t_quantile_975((n - 1) as f64).map(|q| q * sd / (n as f64).sqrt()));
    MetricSummary {
        n,
        mean: Some(mean),
        sd,
        median,
        ci95_low: half.map(|h| mean - h),
        ci95_high: half.map(|h| mean + h),
    }
}

/// A key of an article's metric map: its text and, for a name that is never freed (`&'static`, the
/// interned names of [`crate::names`]), its address and length, which identify the text.
pub trait MetricName: std::borrow::Borrow<str> + Ord {
    fn fixed(&self) -> Option<(usize, usize)> {
        None
    }
}

impl MetricName for String {}

impl MetricName for crate::names::Name {
    fn fixed(&self) -> Option<(usize, usize)> {
        match self {
            std::borrow::Cow::Borrowed(s) => Some((s.as_ptr() as usize, s.len())),
            std::borrow::Cow::Owned(_) => None,
        }
    }
}

/// Whether `metrics`' names are `o`'s series' names (as many, in order), by their text; if they are and
/// all are `&'static`, their addresses are kept for the next article ([`OutletAgg::same_as`]).
fn same_names<K: MetricName>(o: &mut OutletAgg, metrics: &BTreeMap<K, Option<f64>>) -> bool {
    let same = o.series.len() == metrics.len()
        && o.series
            .keys()
            .zip(metrics.keys())
            .all(|(a, b)| a == b.borrow());
    o.same_as.clear();
    if same {
        let fixed: Option<Vec<(usize, usize)>> = metrics.keys().map(MetricName::fixed).collect();
        o.same_as = fixed.unwrap_or_default();
    }
    same
}

/// Collects per-outlet aggregates as articles stream past, in input order.
///
/// # What is kept
///
/// - per outlet: article and word counts; per metric, the count and the running sum of its finite values
///   (summed in input order), and a series id in a [`spill::Spill`]: the values themselves go, 8 bytes
///   each, to an unnamed temporary file (in the run's staging folder) in chunks, not to memory;
/// - attributions per outlet × side (bounded by outlets × sides);
/// - keyness counts: one count per distinct word / lexicon term per outlet (they grow with the vocabulary,
///   not with the number of articles).
///
/// # How the statistics are computed, and why they are exact
///
/// [`Aggregator::statistics`] processes one metric at a time. For each outlet in name order it reads the
/// metric's values back from the spill in input order, accumulating Σ(v − mean)² for the outlet's sd, the
/// running sum of the corpus-wide `(all)` row (outlets concatenated in name order, as the reference
/// [`summarize`] sums them) and the outlet's [`SortedCounts`] (distinct values with their multiplicities);
/// a second read gives Σ(v − mean)² for `(all)`. Means, sds and CIs use the same floating-point
/// operations in the same order as [`summarize`] and [`compare_outlets`]; the median, the Mann–Whitney
/// rank sum and tie term and Cliff's delta depend only on the sorted multiset, which [`SortedCounts`]
/// holds exactly ([`pair_ranks`] replays the reference's tie-group arithmetic). Every published number is
/// therefore bit-identical to the in-memory reference (the tests check it on random samples with ties,
/// −0.0 and nulls).
///
/// # Memory
///
/// While articles stream: O(outlets × metrics) plus a bounded write buffer (see [`spill::Spill`]), nothing
/// per article. At the end: the sorted counts of one metric at a time, i.e. O(distinct (outlet, value)
/// pairs of one metric), 16 bytes each; for count metrics and ratios of small counts that is small, for a
/// continuous metric on a corpus with no repeated values it is at most 16 bytes per article for that one
/// metric (instead of 8 bytes × every metric for the whole run before). Disk: 8 bytes per value (plus a
/// 12-byte header per chunk of up to 1,024 values of one series).
#[derive(Debug, Default)]
pub struct Aggregator {
    outlets: BTreeMap<String, OutletAgg>,
    /// outlet → side → attributions.
    sides: BTreeMap<String, BTreeMap<String, u64>>,
    /// Authorial-voice words per outlet, for keyness.
    pub words: TermCounts,
    /// Authorial-voice loaded-lexicon terms per outlet, for keyness.
    pub terms: TermCounts,
    spill: spill::Spill,
    /// Values sorted at a time when building [`SortedCounts`] (0: the default).
    scratch: usize,
}

/// Per-outlet summaries (sorted by outlet, then the corpus as `"(all)"`) and pairwise comparisons, from
/// [`Aggregator::statistics`].
#[derive(Debug, Clone, PartialEq)]
pub struct Statistics {
    pub outlets: Vec<OutletSummary>,
    pub comparisons: Vec<Comparison>,
}

/// Word counts written beside a run's outputs (`term_counts.json`) so `merge` can rebuild word keyness
/// (lexicon-term keyness is rebuilt from the records' `loaded_terms`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, schemars::JsonSchema)]
pub struct VocabularyCounts {
    pub words: TermCounts,
}

/// One keyness row, labelled with what was counted (`word` or `lexicon_term`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct KeynessOut {
    pub kind: String,
    #[serde(flatten)]
    pub row: KeynessRow,
}

/// Keyness settings: the most over- and under-used `top` terms per outlet among terms seen at least
/// `min_count` times in the corpus.
pub const KEYNESS_TOP: usize = 25;
pub const KEYNESS_MIN_COUNT: u64 = 5;

#[derive(Debug, Default)]
struct OutletAgg {
    articles: usize,
    words: u64,
    /// metric → its series.
    series: BTreeMap<String, SeriesAgg>,
    /// The addresses and lengths of the `&'static` metric names of an article whose names were found
    /// to be the series' names, in order (empty if none yet): an article whose names are the same
    /// `&'static` strs has them too, without comparing their text.
    same_as: Vec<(usize, usize)>,
}

#[derive(Debug, Clone, Copy)]
struct SeriesAgg {
    /// Series id in the spill.
    id: usize,
    /// Finite values seen.
    n: usize,
    /// Their sum, in input order (starting from `Sum`'s neutral element, as `iter().sum()` does).
    sum: f64,
}

/// Count one metric value of an article into its series (`None` and non-finite values are left out).
fn add_value(spill: &mut spill::Spill, s: &mut SeriesAgg, v: Option<f64>) -> crate::Result<()> {
    if let Some(v) = v.filter(|v| v.is_finite()) {
        s.n += 1;
        s.sum += v;
        if let Err(e) = spill.push(s.id, v) {
            return Err(crate::Error::io(spill.dir(), e));
        }
    }
    Ok(())
}

/// `Iterator::sum`'s starting value for `f64`, so running sums match `iter().sum()` bit for bit.
fn sum_start() -> f64 {
    std::iter::empty::<f64>().sum()
}

/// One metric of one outlet, read back for [`Aggregator::statistics`].
struct Sample {
    n: usize,
    sum: f64,
    ss: f64,
    sorted: SortedCounts,
}

impl Aggregator {
    /// An aggregator whose temporary value file, if one is needed, is created in `dir` (the system
    /// temporary folder if `None`). [`Aggregator::default`] uses the system temporary folder.
    pub fn new(dir: Option<std::path::PathBuf>) -> Self {
        Aggregator {
            spill: spill::Spill::new(dir),
            ..Aggregator::default()
        }
    }

    /// With another [`spill::Spill`] and sort scratch size (tests use tiny ones to exercise the chunking).
    pub fn with_spill(spill: spill::Spill, scratch: usize) -> Self {
        Aggregator {
            spill,
            scratch,
            ..Aggregator::default()
        }
    }

    fn io_error(&self, e: std::io::Error) -> crate::Error {
        crate::Error::io(self.spill.dir(), e)
    }

    /// Record one article: its outlet, body words and metric values (`None` and non-finite values are
    /// left out of the statistics, but the metric still gets a summary with `n` = 0).
    pub fn add<K: MetricName>(
        &mut self,
        outlet: &str,
        words: usize,
        metrics: &BTreeMap<K, Option<f64>>,
    ) -> crate::Result<()> {
        let o = match self.outlets.get_mut(outlet) {
            Some(o) => o,
            None => self.outlets.entry(outlet.to_string()).or_default(),
        };
        o.articles += 1;
        o.words += words as u64;
        // Every article of a run has the same metric names, so after an outlet's first article its series
        // are the article's metrics, in the same (sorted) order: they are paired up in one walk, and only
        // otherwise looked up one by one (same series, values pushed in the same order either way). The
        // names of a run's articles are the same interned strs, so the walk compares addresses, and the
        // text only when they differ from the last article's.
        let same_keys = o.series.len() == metrics.len()
            && (o.same_as.len() == metrics.len()
                && o.same_as
                    .iter()
                    .zip(metrics.keys())
                    .all(|(&a, b)| b.fixed() == Some(a))
                || same_names(o, metrics));
        if same_keys {
            for (s, v) in o.series.values_mut().zip(metrics.values()) {
                add_value(&mut self.spill, s, *v)?;
            }
            return Ok(());
        }
        for (k, v) in metrics {
            let s = match o.series.get_mut(k.borrow()) {
                Some(s) => s,
                None => o.series.entry(k.borrow().to_string()).or_insert(SeriesAgg {
                    id: self.spill.new_series(),
                    n: 0,
                    sum: sum_start(),
                }),
            };
            add_value(&mut self.spill, s, *v)?;
        }
        Ok(())
    }

    /// Attribution counts per side (articles' `balance.sides`; attributions without a side are left out).
    pub fn add_sides<'a>(
        &mut self,
        outlet: &str,
        sides: impl IntoIterator<Item = (&'a str, usize)>,
    ) {
        for (side, n) in sides {
            if n > 0 {
                // Looked up before any key is copied: the outlet and side are nearly always known.
                let per_outlet = match self.sides.get_mut(outlet) {
                    Some(m) => m,
                    None => self.sides.entry(outlet.to_string()).or_default(),
                };
                let count = match per_outlet.get_mut(side) {
                    Some(c) => c,
                    None => per_outlet.entry(side.to_string()).or_insert(0),
                };
                *count += n as u64;
            }
        }
    }

    /// Outlet × side table with the chi-square test of independence.
    pub fn side_table(&self) -> SideTable {
        side_table(&self.sides)
    }

    /// Over- and under-used words and lexicon terms per outlet (against the rest of the corpus).
    pub fn keyness(&self) -> Vec<KeynessOut> {
        let label = |kind: &str, rows: Vec<KeynessRow>| {
            rows.into_iter()
                .map(|row| KeynessOut {
                    kind: kind.to_string(),
                    row,
                })
                .collect::<Vec<_>>()
        };
        let mut out = label("word", keyness(&self.words, KEYNESS_TOP, KEYNESS_MIN_COUNT));
        out.extend(label(
            "lexicon_term",
            keyness(&self.terms, KEYNESS_TOP, KEYNESS_MIN_COUNT),
        ));
        out
    }

    pub fn vocabulary(&self) -> VocabularyCounts {
        VocabularyCounts {
            words: self.words.clone(),
        }
    }

    /// The word counts, moved out (no copy of a possibly large vocabulary at the end of a run); the
    /// aggregator's word counts are left empty.
    pub fn take_vocabulary(&mut self) -> VocabularyCounts {
        VocabularyCounts {
            words: std::mem::take(&mut self.words),
        }
    }

    /// Per outlet, the values of `metric` in input order (non-finite values dropped; an outlet without the
    /// metric gets an empty list). Holds that one metric's values in memory (the distribution chart needs
    /// every article's point).
    pub fn metric_values(&mut self, metric: &str) -> crate::Result<BTreeMap<String, Vec<f64>>> {
        let mut out = BTreeMap::new();
        for (name, o) in &self.outlets {
            let mut v = Vec::new();
            if let Some(s) = o.series.get(metric) {
                v.reserve_exact(s.n);
                if let Err(e) = self.spill.read(s.id, |x| v.push(x)) {
                    return Err(crate::Error::io(self.spill.dir(), e));
                }
            }
            out.insert(name.clone(), v);
        }
        Ok(out)
    }

    /// Read one outlet's values of one metric back: Σ(v − mean)² with the outlet's mean, the sorted counts,
    /// and each value passed to `each` (in input order).
    fn sample(&mut self, s: &SeriesAgg, mut each: impl FnMut(f64)) -> std::io::Result<Sample> {
        let mean = s.sum / s.n as f64;
        let mut ss = sum_start();
        let mut sorted = match self.scratch {
            0 => SortedCountsBuilder::default(),
            n => SortedCountsBuilder::with_scratch(n),
        };
        self.spill.read(s.id, |v| {
            ss += (v - mean) * (v - mean);
            sorted.push(v);
            each(v);
        })?;
        Ok(Sample {
            n: s.n,
            sum: s.sum,
            ss,
            sorted: sorted.finish(),
        })
    }

    /// Per-outlet summaries of every metric seen (sorted by outlet, then the whole corpus as outlet
    /// `"(all)"`) and the pairwise comparisons of `compared` (see [`compare_outlets`]: metrics in the given
    /// order, outlet pairs in sorted order, Holm-adjusted over the whole family). One metric is processed at
    /// a time; see the type's documentation.
    pub fn statistics(&mut self, compared: &[String]) -> crate::Result<Statistics> {
        self.statistics_inner(compared)
            .map_err(|e| self.io_error(e))
    }

    fn statistics_inner(&mut self, compared: &[String]) -> std::io::Result<Statistics> {
        let names: Vec<String> = self.outlets.keys().cloned().collect();
        let seen: std::collections::BTreeSet<String> = self
            .outlets
            .values()
            .flat_map(|o| o.series.keys().cloned())
            .collect();
        let mut metrics: Vec<String> = seen.iter().cloned().collect();
        for m in compared {
            if !seen.contains(m) && !metrics.contains(m) {
                metrics.push(m.clone());
            }
        }
        let mut per_outlet: Vec<BTreeMap<String, MetricSummary>> =
            vec![BTreeMap::new(); names.len()];
        let mut all: BTreeMap<String, MetricSummary> = BTreeMap::new();
        let mut rows: BTreeMap<String, Vec<Comparison>> = BTreeMap::new();
        for metric in &metrics {
            // Pass 1: every outlet's sample, and the corpus sum over outlets in name order.
            let mut all_sum = sum_start();
            let mut all_n = 0usize;
            let mut samples: Vec<Option<Sample>> = Vec::with_capacity(names.len());
            let series: Vec<Option<SeriesAgg>> = self
                .outlets
                .values()
                .map(|o| o.series.get(metric).copied())
                .collect();
            for s in &series {
                let sample = match s {
                    Some(s) => {
                        all_n += s.n;
                        Some(self.sample(s, |v| all_sum += v)?)
                    }
                    None => None,
                };
                samples.push(sample);
            }
            for (i, s) in samples.iter().enumerate() {
                if let Some(s) = s {
                    let ss = (s.n > 1).then_some(s.ss);
                    per_outlet[i].insert(
                        metric.clone(),
                        summary_from(s.n, s.sum, ss, s.sorted.median()),
                    );
                }
            }
            if seen.contains(metric) {
                // Pass 2: Σ(v − mean)² of the corpus, in the same order.
                let all_mean = all_sum / all_n as f64;
                let mut all_ss = sum_start();
                if all_n > 1 {
                    for s in series.iter().flatten() {
                        self.spill
                            .read(s.id, |v| all_ss += (v - all_mean) * (v - all_mean))?;
                    }
                }
                let sorted: Vec<&SortedCounts> =
                    samples.iter().flatten().map(|s| &s.sorted).collect();
                all.insert(
                    metric.clone(),
                    summary_from(
                        all_n,
                        all_sum,
                        (all_n > 1).then_some(all_ss),
                        median_of(&sorted),
                    ),
                );
            }
            if compared.contains(metric) {
                let empty = SortedCounts::default();
                let stats: Vec<(stats::SampleStats, &SortedCounts)> = samples
                    .iter()
                    .map(|s| match s {
                        Some(s) => (stats::SampleStats::new(s.n, s.sum, s.ss), &s.sorted),
                        None => (stats::SampleStats::new(0, sum_start(), sum_start()), &empty),
                    })
                    .collect();
                let mut out = Vec::new();
                for i in 0..names.len() {
                    for j in (i + 1)..names.len() {
                        let ((a, ra), (b, rb)) = (&stats[i], &stats[j]);
                        let (na, nb) = (a.moments.n, b.moments.n);
                        let (mw, cliffs) = if na > 0 && nb > 0 {
                            let r = pair_ranks(ra, rb);
                            (
                                stats::mann_whitney_from(na, nb, r.rank_sum_a, r.tie_term),
                                stats::cliffs_delta_from(na, nb, r.greater, r.less),
                            )
                        } else {
                            (None, None)
                        };
                        out.push(stats::comparison_row(
                            metric, &names[i], &names[j], a, b, mw, cliffs,
                        ));
                    }
                }
                rows.insert(metric.clone(), out);
            }
        }
        let mut comparisons: Vec<Comparison> = Vec::new();
        for m in compared {
            if let Some(r) = rows.remove(m) {
                comparisons.extend(r);
            }
        }
        stats::apply_holm(&mut comparisons);
        let mut outlets: Vec<OutletSummary> = self
            .outlets
            .iter()
            .zip(per_outlet)
            .map(|((name, o), metrics)| OutletSummary {
                outlet: name.clone(),
                articles: o.articles,
                words: o.words,
                metrics,
            })
            .collect();
        if !self.outlets.is_empty() {
            outlets.push(OutletSummary {
                outlet: "(all)".into(),
                articles: self.outlets.values().map(|o| o.articles).sum(),
                words: self.outlets.values().map(|o| o.words).sum(),
                metrics: all,
            });
        }
        Ok(Statistics {
            outlets,
            comparisons,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_matches_hand_values() {
        // R: x <- c(2, 4, 4, 4, 5, 5, 7, 9); t.test(x)$conf.int -> 3.212504 6.787496; sd(x) 2.13809
        let s = summarize(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_eq!(s.mean, Some(5.0));
        assert!((s.sd.unwrap() - 2.138090).abs() < 1e-5);
        assert!(
            (s.ci95_low.unwrap() - 3.212504).abs() < 1e-4,
            "{:?}",
            s.ci95_low
        );
        assert!((s.ci95_high.unwrap() - 6.787496).abs() < 1e-4);
        assert_eq!(s.median, Some(4.5));
    }

    #[test]
    fn large_df_uses_normal() {
        let q = t_quantile_975(1e7).unwrap();
        assert!((q - 1.959964).abs() < 1e-5);
        assert!((t_quantile_975(10.0).unwrap() - 2.228139).abs() < 1e-5);
        assert_eq!(t_quantile_975(0.0), None);
    }

    /// The old, in-memory aggregation: every value kept per outlet and metric (the reference).
    fn reference(
        articles: &[(String, BTreeMap<String, Option<f64>>)],
        compared: &[String],
    ) -> Statistics {
        let mut values: BTreeMap<String, BTreeMap<String, Vec<f64>>> = BTreeMap::new();
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for (outlet, metrics) in articles {
            *counts.entry(outlet.clone()).or_default() += 1;
            let o = values.entry(outlet.clone()).or_default();
            for (k, v) in metrics {
                let slot = o.entry(k.clone()).or_default();
                if let Some(v) = v.filter(|v| v.is_finite()) {
                    slot.push(v);
                }
            }
        }
        let mut outlets: Vec<OutletSummary> = values
            .iter()
            .map(|(name, m)| OutletSummary {
                outlet: name.clone(),
                articles: counts[name],
                words: 10 * counts[name] as u64,
                metrics: m.iter().map(|(k, v)| (k.clone(), summarize(v))).collect(),
            })
            .collect();
        if !values.is_empty() {
            let mut all: BTreeMap<String, Vec<f64>> = BTreeMap::new();
            for o in values.values() {
                for (k, v) in o {
                    all.entry(k.clone()).or_default().extend_from_slice(v);
                }
            }
            outlets.push(OutletSummary {
                outlet: "(all)".into(),
                articles: articles.len(),
                words: 10 * articles.len() as u64,
                metrics: all.iter().map(|(k, v)| (k.clone(), summarize(v))).collect(),
            });
        }
        Statistics {
            outlets,
            comparisons: compare_outlets(&values, compared),
        }
    }

    fn streamed(
        articles: &[(String, BTreeMap<String, Option<f64>>)],
        compared: &[String],
        agg: &mut Aggregator,
    ) -> Statistics {
        for (outlet, metrics) in articles {
            agg.add(outlet, 10, metrics).unwrap();
        }
        agg.statistics(compared).unwrap()
    }

    /// Bit-level equality (JSON keeps −0.0 apart from 0.0; undefined values are null in both).
    fn same(a: &Statistics, b: &Statistics) -> bool {
        let j = |s: &Statistics| serde_json::to_string(&(&s.outlets, &s.comparisons)).unwrap();
        j(a) == j(b)
    }

    fn value() -> impl Strategy<Value = Option<f64>> {
        prop_oneof![
            3 => (0u8..6).prop_map(|v| Some(f64::from(v))),
            2 => (-1e3f64..1e3).prop_map(Some),
            1 => (0u8..20).prop_map(|v| Some(f64::from(v) / 7.0)),
            1 => Just(Some(-0.0)),
            1 => Just(Some(0.0)),
            1 => Just(None),
            1 => prop_oneof![Just(f64::NAN), Just(f64::INFINITY)].prop_map(Some),
        ]
    }

    fn articles() -> impl Strategy<Value = Vec<(String, BTreeMap<String, Option<f64>>)>> {
        let article =
            (0u8..4, prop::collection::vec((any::<bool>(), value()), 3)).prop_map(|(o, ms)| {
                let metrics = ms
                    .into_iter()
                    .enumerate()
                    // Outlet "o3" never has metric m2: a metric missing from an outlet.
                    .filter(|(i, (present, _))| o != 3 || (*i < 2 && *present))
                    .map(|(i, (_, v))| (format!("m{i}"), v))
                    .collect::<BTreeMap<_, _>>();
                (format!("o{o}"), metrics)
            });
        prop::collection::vec(article, 0..150)
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// The streaming aggregation equals the in-memory reference bit for bit, with chunks, budget
        /// flushes and sort scratch small enough that every code path runs.
        #[test]
        fn prop_streamed_statistics_equal_reference(
            arts in articles(),
            chunk in 1usize..6,
            budget in 1usize..40,
            scratch in 1usize..8,
        ) {
            let compared: Vec<String> =
                ["m2", "m0", "m1", "absent"].iter().map(|s| s.to_string()).collect();
            let want = reference(&arts, &compared);
            let mut small = Aggregator::with_spill(spill::Spill::with_sizes(None, chunk, budget), scratch);
            let got = streamed(&arts, &compared, &mut small);
            prop_assert!(same(&got, &want), "{:#?}\n{:#?}", got, want);
            let got = streamed(&arts, &compared, &mut Aggregator::default());
            prop_assert!(same(&got, &want));
            // The same articles with interned names as keys, as the analysis gives them: runs of articles
            // whose names are the same `&'static` strs (compared by address), other strs with the same
            // text, and owned names.
            let mut agg = Aggregator::default();
            for (i, (outlet, metrics)) in arts.iter().enumerate() {
                let named: BTreeMap<crate::names::Name, Option<f64>> = metrics
                    .iter()
                    .map(|(k, v)| (interned_variant(k, i / 3 % 4), *v))
                    .collect();
                agg.add(outlet, 10, &named).unwrap();
            }
            let got = agg.statistics(&compared).unwrap();
            prop_assert!(same(&got, &want));
        }
    }

    /// `name` as the analysis would key it: the same `&'static` str for variants 0 and 1, another one
    /// with the same text for 2, an owned copy for 3 (for one name; the others keep their `&'static`).
    fn interned_variant(name: &str, variant: usize) -> crate::names::Name {
        static POOL: std::sync::OnceLock<Vec<(&'static str, &'static str)>> =
            std::sync::OnceLock::new();
        let pool = POOL.get_or_init(|| {
            ["m0", "m1", "m2"]
                .iter()
                .map(|n| {
                    let a: &'static str = Box::leak(n.to_string().into_boxed_str());
                    let b: &'static str = Box::leak(n.to_string().into_boxed_str());
                    (a, b)
                })
                .collect()
        });
        let &(a, b) = pool.iter().find(|(a, _)| *a == name).unwrap();
        match variant {
            2 => std::borrow::Cow::Borrowed(b),
            3 if name == "m1" => std::borrow::Cow::Owned(name.to_string()),
            _ => std::borrow::Cow::Borrowed(a),
        }
    }

    #[test]
    fn streamed_statistics_equal_reference_on_a_large_sample() {
        // 60,000 articles over 3 outlets: several spill chunks and sort-scratch merges with the default
        // sizes, a continuous metric (all distinct) and a discrete one (many ties).
        let mut arts = Vec::new();
        let mut x: u64 = 12345;
        for i in 0..60_000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let cont = (x >> 11) as f64 / (1u64 << 53) as f64 * 50.0;
            let disc = ((x >> 33) % 7) as f64 + if i % 3 == 0 { 0.5 } else { 0.0 };
            let m: BTreeMap<String, Option<f64>> = [
                ("cont".to_string(), Some(cont)),
                ("disc".to_string(), (i % 11 != 0).then_some(disc)),
            ]
            .into_iter()
            .collect();
            arts.push((format!("o{}", x % 3), m));
        }
        let compared = vec!["cont".to_string(), "disc".to_string()];
        let want = reference(&arts, &compared);
        let mut agg = Aggregator::default();
        let got = streamed(&arts, &compared, &mut agg);
        assert!(agg.spill.bytes_on_disk() > 0, "values went to disk");
        assert!(same(&got, &want));
        let values = agg.metric_values("disc").unwrap();
        let total: usize = values.values().map(Vec::len).sum();
        assert_eq!(total, got.outlets.last().unwrap().metrics["disc"].n);
    }

    #[test]
    fn single_value_has_no_ci() {
        let s = summarize(&[3.0]);
        assert_eq!(s.mean, Some(3.0));
        assert_eq!(s.sd, None);
        assert_eq!(s.ci95_low, None);
    }
}
