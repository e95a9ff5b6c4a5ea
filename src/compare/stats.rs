//! Two-sample tests, effect sizes and multiple-comparison corrections for comparing outlets.
//!
//! statrs 0.19 has no Welch test, a wrong exact Mann–Whitney p-value and no p-value adjustment (see
//! `/work/shared/NOTES.md`), so these routines are implemented here and tested against R / SciPy reference
//! values. Only the distribution functions (`StudentsT::sf`, `Normal::sf`) come from statrs.
//!
//! Conventions:
//! - Every routine returns `None` (or a `None` field) where the quantity is undefined; no NaN or infinity is
//!   ever returned.
//! - A non-finite input value (NaN, ±∞) makes the routine return `None`: callers filter such values first
//!   (the [`super::Aggregator`] never stores them).
//! - p-values are two-sided and clamped to `[0, 1]`.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};
use std::collections::BTreeMap;

/// Above this many degrees of freedom the t distribution is replaced by the standard normal. statrs'
/// incomplete-beta evaluation of the t tail loses accuracy (and speed) for very large df; at df = 10⁶ the two
/// differ by less than 1e-6 relative in a two-sided p-value (|t| ≤ 5).
pub const T_NORMAL_DF: f64 = 1e6;

/// Result of Welch's unequal-variance t-test (R `t.test(a, b)`, SciPy `ttest_ind(equal_var=False)`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Welch {
    /// t = (mean_a − mean_b) / sqrt(s_a²/n_a + s_b²/n_b).
    pub t: f64,
    /// Welch–Satterthwaite degrees of freedom.
    pub df: f64,
    /// Two-sided p-value.
    pub p: f64,
}

/// Result of the Wilcoxon–Mann–Whitney rank-sum test, normal approximation with tie and continuity
/// correction (R `wilcox.test(a, b, exact = FALSE, correct = TRUE)`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MannWhitney {
    /// U of the first sample = R's `W`: the number of pairs (a_i, b_j) with a_i > b_j, ties counting ½.
    pub u: f64,
    /// Continuity-corrected z: (U − n_a n_b / 2 − sign·½) / σ_U, σ_U tie-corrected.
    pub z: f64,
    /// Two-sided p-value, 2·Φ(−|z|).
    pub p: f64,
}

fn all_finite(x: &[f64]) -> bool {
    x.iter().all(|v| v.is_finite())
}

/// Mean and sample variance (denominator n − 1), two-pass. Requires `x.len() >= 2`.
fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let ss: f64 = x.iter().map(|v| (v - mean) * (v - mean)).sum();
    (mean, ss / (n - 1.0))
}

fn clamp_p(p: f64) -> Option<f64> {
    if p.is_nan() {
        None
    } else {
        Some(p.clamp(0.0, 1.0))
    }
}

/// Two-sided p-value of a t statistic: `2 · sf_t(|t|; df)`, using the standard normal above
/// [`T_NORMAL_DF`] degrees of freedom (and for df = ∞). `None` for df ≤ 0 or non-finite t / NaN df.
pub fn t_two_sided_p(t: f64, df: f64) -> Option<f64> {
    if !t.is_finite() || df.is_nan() || df <= 0.0 {
        return None;
    }
    let p = if df > T_NORMAL_DF {
        2.0 * Normal::new(0.0, 1.0).ok()?.sf(t.abs())
    } else {
        2.0 * StudentsT::new(0.0, 1.0, df).ok()?.sf(t.abs())
    };
    clamp_p(p)
}

/// Two-sided normal p-value `2 · Φ(−|z|)`.
pub fn z_two_sided_p(z: f64) -> Option<f64> {
    if !z.is_finite() {
        return None;
    }
    clamp_p(2.0 * Normal::new(0.0, 1.0).ok()?.sf(z.abs()))
}

/// Welch's two-sample t-test (unequal variances), two-sided.
///
/// Returns `None` when either sample has fewer than 2 values, when any value is non-finite, or when both
/// sample variances are 0. In the last case the statistic is 0/0 (equal means) or ±∞ with undefined
/// Welch–Satterthwaite df (different means); R's `t.test` stops with "data are essentially constant" in both
/// cases, and we likewise report no test (the mean difference is still reported by [`compare_outlets`]).
/// If only one variance is 0 the test is well defined (df = n − 1 of the other sample).
pub fn welch(a: &[f64], b: &[f64]) -> Option<Welch> {
    if a.len() < 2 || b.len() < 2 || !all_finite(a) || !all_finite(b) {
        return None;
    }
    let (ma, va) = mean_var(a);
    let (mb, vb) = mean_var(b);
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let (sa, sb) = (va / na, vb / nb);
    let se2 = sa + sb;
    if se2 <= 0.0 || !se2.is_finite() {
        return None;
    }
    let t = (ma - mb) / se2.sqrt();
    let df = se2 * se2 / (sa * sa / (na - 1.0) + sb * sb / (nb - 1.0));
    if !t.is_finite() || !df.is_finite() {
        return None;
    }
    let p = t_two_sided_p(t, df)?;
    Some(Welch { t, df, p })
}

/// Mid-ranks (1-based) of the pooled sample `a ++ b`: returns the rank sum of `a` and Σ(t³ − t) over tie
/// groups.
fn rank_sum_first(a: &[f64], b: &[f64]) -> (f64, f64) {
    let mut pooled: Vec<(f64, bool)> = a
        .iter()
        .map(|&v| (v, true))
        .chain(b.iter().map(|&v| (v, false)))
        .collect();
    pooled.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut rank_sum_a = 0.0;
    let mut tie_term = 0.0;
    let mut i = 0;
    while i < pooled.len() {
        let mut j = i + 1;
        while j < pooled.len() && pooled[j].0 == pooled[i].0 {
            j += 1;
        }
        // Positions i..j (0-based) share the mid-rank ((i+1) + j) / 2.
        let mid = (i + 1 + j) as f64 / 2.0;
        let in_a = pooled[i..j].iter().filter(|p| p.1).count() as f64;
        rank_sum_a += mid * in_a;
        let t = (j - i) as f64;
        tie_term += t * t * t - t;
        i = j;
    }
    (rank_sum_a, tie_term)
}

/// Wilcoxon–Mann–Whitney test with the normal approximation, tie correction and continuity correction,
/// matching R `wilcox.test(a, b, exact = FALSE, correct = TRUE)` (and SciPy
/// `mannwhitneyu(a, b, method="asymptotic", use_continuity=True)`):
///
/// U = R_a − n_a(n_a+1)/2, σ² = n_a n_b / 12 · ((N+1) − Σ(t³−t) / (N(N−1))),
/// z = (U − n_a n_b/2 − sign(U − n_a n_b/2)·½) / σ, p = 2·Φ(−|z|).
///
/// `None` when either sample is empty, any value is non-finite, or every value is tied (σ = 0; R returns
/// NaN there).
pub fn mann_whitney(a: &[f64], b: &[f64]) -> Option<MannWhitney> {
    if a.is_empty() || b.is_empty() || !all_finite(a) || !all_finite(b) {
        return None;
    }
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let n = na + nb;
    let (ra, tie_term) = rank_sum_first(a, b);
    let u = ra - na * (na + 1.0) / 2.0;
    let sigma2 = na * nb / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)));
    if sigma2.is_nan() || sigma2 <= 0.0 {
        return None;
    }
    let centred = u - na * nb / 2.0;
    let correction = if centred > 0.0 {
        0.5
    } else if centred < 0.0 {
        -0.5
    } else {
        0.0
    };
    let z = (centred - correction) / sigma2.sqrt();
    let p = z_two_sided_p(z)?;
    Some(MannWhitney { u, z, p })
}

/// Cohen's d with the pooled standard deviation:
/// d = (mean_a − mean_b) / sqrt(((n_a−1)s_a² + (n_b−1)s_b²) / (n_a+n_b−2)).
///
/// `None` when either sample has fewer than 2 values, any value is non-finite, or the pooled sd is 0.
pub fn cohens_d(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.len() < 2 || b.len() < 2 || !all_finite(a) || !all_finite(b) {
        return None;
    }
    let (ma, va) = mean_var(a);
    let (mb, vb) = mean_var(b);
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let pooled = ((na - 1.0) * va + (nb - 1.0) * vb) / (na + nb - 2.0);
    if pooled.is_nan() || pooled <= 0.0 {
        return None;
    }
    let d = (ma - mb) / pooled.sqrt();
    d.is_finite().then_some(d)
}

/// Cliff's delta: δ = (#{a_i > b_j} − #{a_i < b_j}) / (n_a n_b), in [−1, 1].
///
/// Computed in O((n_a + n_b) log n_b) by sorting `b` and binary-searching each `a_i`, with exact integer
/// pair counts. `None` when either sample is empty or any value is non-finite.
pub fn cliffs_delta(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.is_empty() || b.is_empty() || !all_finite(a) || !all_finite(b) {
        return None;
    }
    let mut sorted = b.to_vec();
    sorted.sort_by(|x, y| x.total_cmp(y));
    // -0.0 and 0.0 compare equal in the binary searches below (partial_cmp), as in the definition.
    let mut greater: u128 = 0;
    let mut less: u128 = 0;
    for &x in a {
        let below = sorted.partition_point(|&y| y < x);
        let not_above = sorted.partition_point(|&y| y <= x);
        greater += below as u128;
        less += (sorted.len() - not_above) as u128;
    }
    let pairs = a.len() as f64 * b.len() as f64;
    let delta = (greater as f64 - less as f64) / pairs;
    Some(delta.clamp(-1.0, 1.0))
}

/// Indices of the defined (finite) p-values, sorted ascending by value (ties by position).
fn defined_sorted(p: &[Option<f64>]) -> Vec<(usize, f64)> {
    let mut v: Vec<(usize, f64)> = p
        .iter()
        .enumerate()
        .filter_map(|(i, x)| x.filter(|x| !x.is_nan()).map(|x| (i, x.clamp(0.0, 1.0))))
        .collect();
    v.sort_by(|x, y| x.1.total_cmp(&y.1).then(x.0.cmp(&y.0)));
    v
}

/// Holm (1979) step-down adjusted p-values, as R `p.adjust(p, "holm")`:
/// with the m defined p-values sorted ascending, p̃_(i) = min(1, max_{j ≤ i} (m − j + 1) p_(j)).
///
/// `None` entries (and NaN) are passed through as `None` and do not count towards the family size m.
/// The output has the input's order and length.
pub fn holm(p: &[Option<f64>]) -> Vec<Option<f64>> {
    let sorted = defined_sorted(p);
    let m = sorted.len() as f64;
    let mut out = vec![None; p.len()];
    let mut running = 0.0_f64;
    for (rank, &(idx, pv)) in sorted.iter().enumerate() {
        let adj = ((m - rank as f64) * pv).min(1.0);
        running = running.max(adj);
        out[idx] = Some(running);
    }
    out
}

/// Benjamini–Hochberg (1995) step-up adjusted p-values (false discovery rate), as R
/// `p.adjust(p, "BH")`: with the m defined p-values sorted ascending,
/// p̃_(i) = min(1, min_{j ≥ i} m / j · p_(j)).
///
/// `None` entries (and NaN) are passed through and do not count towards m.
pub fn benjamini_hochberg(p: &[Option<f64>]) -> Vec<Option<f64>> {
    let sorted = defined_sorted(p);
    let m = sorted.len() as f64;
    let mut out = vec![None; p.len()];
    let mut running = 1.0_f64;
    for (rank, &(idx, pv)) in sorted.iter().enumerate().rev() {
        let adj = (m / (rank as f64 + 1.0) * pv).min(1.0);
        running = running.min(adj);
        out[idx] = Some(running);
    }
    out
}

/// One metric compared between two outlets. `diff = mean_a − mean_b`; positive effect sizes and t mean
/// outlet A scores higher. `*_holm` are Holm-adjusted over the family of all tests of that kind returned by
/// one [`compare_outlets`] call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub metric: String,
    pub outlet_a: String,
    pub outlet_b: String,
    pub n_a: usize,
    pub n_b: usize,
    pub mean_a: Option<f64>,
    pub mean_b: Option<f64>,
    pub diff: Option<f64>,
    pub welch_t: Option<f64>,
    pub welch_df: Option<f64>,
    pub welch_p: Option<f64>,
    pub welch_p_holm: Option<f64>,
    pub mw_u: Option<f64>,
    pub mw_z: Option<f64>,
    pub mw_p: Option<f64>,
    pub mw_p_holm: Option<f64>,
    pub cohens_d: Option<f64>,
    pub cliffs_delta: Option<f64>,
}

fn mean(x: &[f64]) -> Option<f64> {
    if x.is_empty() {
        return None;
    }
    let m = x.iter().sum::<f64>() / x.len() as f64;
    m.is_finite().then_some(m)
}

/// Compare every unordered pair of outlets on every metric in `metrics`.
///
/// `values[outlet][metric]` holds one value per article (non-finite values are ignored; an outlet without
/// the metric counts as an empty sample). Output order is deterministic: metrics in the order given, then
/// outlet pairs (A < B) in sorted order. Holm's correction is applied across the whole family of Welch tests
/// (and separately across all Mann–Whitney tests) in the output; undefined tests are excluded from the
/// family size.
pub fn compare_outlets(
    values: &BTreeMap<String, BTreeMap<String, Vec<f64>>>,
    metrics: &[String],
) -> Vec<Comparison> {
    let outlets: Vec<&String> = values.keys().collect();
    let empty: Vec<f64> = Vec::new();
    let sample = |outlet: &String, metric: &String| -> Vec<f64> {
        values
            .get(outlet)
            .and_then(|m| m.get(metric))
            .unwrap_or(&empty)
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .collect()
    };
    let mut out = Vec::new();
    for metric in metrics {
        let samples: Vec<Vec<f64>> = outlets.iter().map(|o| sample(o, metric)).collect();
        for i in 0..outlets.len() {
            for j in (i + 1)..outlets.len() {
                let (a, b) = (&samples[i], &samples[j]);
                let (mean_a, mean_b) = (mean(a), mean(b));
                let w = welch(a, b);
                let mw = mann_whitney(a, b);
                out.push(Comparison {
                    metric: metric.clone(),
                    outlet_a: outlets[i].clone(),
                    outlet_b: outlets[j].clone(),
                    n_a: a.len(),
                    n_b: b.len(),
                    mean_a,
                    mean_b,
                    diff: mean_a
                        .zip(mean_b)
                        .map(|(x, y)| x - y)
                        .filter(|d| d.is_finite()),
                    welch_t: w.map(|w| w.t),
                    welch_df: w.map(|w| w.df),
                    welch_p: w.map(|w| w.p),
                    welch_p_holm: None,
                    mw_u: mw.map(|m| m.u),
                    mw_z: mw.map(|m| m.z),
                    mw_p: mw.map(|m| m.p),
                    mw_p_holm: None,
                    cohens_d: cohens_d(a, b),
                    cliffs_delta: cliffs_delta(a, b),
                });
            }
        }
    }
    let welch_holm = holm(&out.iter().map(|c| c.welch_p).collect::<Vec<_>>());
    let mw_holm = holm(&out.iter().map(|c| c.mw_p).collect::<Vec<_>>());
    for ((c, w), m) in out.iter_mut().zip(welch_holm).zip(mw_holm) {
        c.welch_p_holm = w;
        c.mw_p_holm = m;
    }
    out
}
