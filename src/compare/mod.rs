//! Per-outlet aggregates of article metrics. Aggregates are built from per-article values kept in input
//! order, so results are identical for any number of threads and for merged shards.

pub mod keyness;
pub mod sides;
pub mod stats;

pub use keyness::{keyness, keyness_with_prior, Alpha0, KeynessRow, TermCounts};
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
pub fn summarize(values: &[f64]) -> MetricSummary {
    let n = values.len();
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
    let mean = values.iter().sum::<f64>() / n as f64;
    let sd = (n > 1).then(|| {
        let ss: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
        (ss / (n - 1) as f64).sqrt()
    });
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    let half = sd.and_then(|sd| t_quantile_975((n - 1) as f64).map(|q| q * sd / (n as f64).sqrt()));
    MetricSummary {
        n,
        mean: Some(mean),
        sd,
        median: Some(median),
        ci95_low: half.map(|h| mean - h),
        ci95_high: half.map(|h| mean + h),
    }
}

/// Collects metric values per outlet as articles stream past.
#[derive(Debug, Default, Clone)]
pub struct Aggregator {
    outlets: BTreeMap<String, OutletValues>,
    /// outlet → side → attributions.
    sides: BTreeMap<String, BTreeMap<String, u64>>,
    /// Authorial-voice words per outlet, for keyness.
    pub words: TermCounts,
    /// Authorial-voice loaded-lexicon terms per outlet, for keyness.
    pub terms: TermCounts,
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

#[derive(Debug, Default, Clone)]
struct OutletValues {
    articles: usize,
    words: u64,
    values: BTreeMap<String, Vec<f64>>,
}

impl Aggregator {
    pub fn add(&mut self, outlet: &str, words: usize, metrics: &BTreeMap<String, Option<f64>>) {
        let o = self.outlets.entry(outlet.to_string()).or_default();
        o.articles += 1;
        o.words += words as u64;
        for (k, v) in metrics {
            let slot = o.values.entry(k.clone()).or_default();
            if let Some(v) = v.filter(|v| v.is_finite()) {
                slot.push(v);
            }
        }
    }

    /// Attribution counts per side (articles' `balance.sides`; attributions without a side are left out).
    pub fn add_sides<'a>(
        &mut self,
        outlet: &str,
        sides: impl IntoIterator<Item = (&'a str, usize)>,
    ) {
        for (side, n) in sides {
            if n > 0 {
                *self
                    .sides
                    .entry(outlet.to_string())
                    .or_default()
                    .entry(side.to_string())
                    .or_insert(0) += n as u64;
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

    /// Per-article values of every metric, per outlet (non-finite values already dropped), in input order.
    pub fn values(&self) -> BTreeMap<String, BTreeMap<String, Vec<f64>>> {
        self.outlets
            .iter()
            .map(|(k, o)| (k.clone(), o.values.clone()))
            .collect()
    }

    /// Pairwise outlet comparisons of `metrics` (see [`stats::compare_outlets`]).
    pub fn comparisons(&self, metrics: &[String]) -> Vec<Comparison> {
        compare_outlets(&self.values(), metrics)
    }

    /// Per-outlet summaries (sorted by outlet) followed by the whole corpus as outlet `"(all)"`.
    pub fn summaries(&self) -> Vec<OutletSummary> {
        let mut out: Vec<OutletSummary> = self
            .outlets
            .iter()
            .map(|(name, o)| OutletSummary {
                outlet: name.clone(),
                articles: o.articles,
                words: o.words,
                metrics: o
                    .values
                    .iter()
                    .map(|(k, v)| (k.clone(), summarize(v)))
                    .collect(),
            })
            .collect();
        if !self.outlets.is_empty() {
            let mut all: BTreeMap<String, Vec<f64>> = BTreeMap::new();
            for o in self.outlets.values() {
                for (k, v) in &o.values {
                    all.entry(k.clone()).or_default().extend_from_slice(v);
                }
            }
            out.push(OutletSummary {
                outlet: "(all)".into(),
                articles: self.outlets.values().map(|o| o.articles).sum(),
                words: self.outlets.values().map(|o| o.words).sum(),
                metrics: all.iter().map(|(k, v)| (k.clone(), summarize(v))).collect(),
            });
        }
        out
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

    #[test]
    fn single_value_has_no_ci() {
        let s = summarize(&[3.0]);
        assert_eq!(s.mean, Some(3.0));
        assert_eq!(s.sd, None);
        assert_eq!(s.ci95_low, None);
    }
}
