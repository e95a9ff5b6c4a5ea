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

/// Above this many degrees of freedom the t distribution is replaced by the standard normal. Checked
/// against SciPy `2 * t.sf(x, df)` for x in {0.5, 2, 5, 10}: statrs' `StudentsT::sf` agrees to ≤ 2e-8
/// relative up to df = 1e8 (its incomplete-beta evaluation drifts slowly beyond: 3e-7 at df = 1e10), while
/// the normal tail differs from t by 2.5e-5 relative at df = 1e7, x = 10 and by < 3e-6 at df = 1e8.
pub const T_NORMAL_DF: f64 = 1e8;

/// Result of Welch's unequal-variance t-test (R `t.test(a, b)`, SciPy `ttest_ind(equal_var=False)`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
    welch_from(Moments::of(a), Moments::of(b))
}

/// Sample size, mean and sample variance of one sample, as [`mean_var`] computes them (two-pass, summed in
/// the sample's order). [`super::Aggregator`] builds the same numbers by streaming, so both paths share the
/// arithmetic below and give bit-identical results.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moments {
    pub n: usize,
    pub mean: f64,
    /// Sample variance (denominator n − 1); meaningless for n < 2.
    pub var: f64,
}

impl Moments {
    fn of(x: &[f64]) -> Self {
        let (mean, var) = mean_var(x);
        Moments {
            n: x.len(),
            mean,
            var,
        }
    }
}

/// [`welch`] from the two samples' moments (each n ≥ 2, finite values).
pub fn welch_from(a: Moments, b: Moments) -> Option<Welch> {
    if a.n < 2 || b.n < 2 {
        return None;
    }
    let (ma, va, mb, vb) = (a.mean, a.var, b.mean, b.var);
    let (na, nb) = (a.n as f64, b.n as f64);
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
    let (ra, tie_term) = rank_sum_first(a, b);
    mann_whitney_from(a.len(), b.len(), ra, tie_term)
}

/// [`mann_whitney`] from the sample sizes, the mid-rank sum of the first sample in the pooled sample and
/// Σ(t³ − t) over its tie groups (both accumulated group by group in ascending order, as
/// `rank_sum_first` does).
pub fn mann_whitney_from(
    n_a: usize,
    n_b: usize,
    rank_sum_a: f64,
    tie_term: f64,
) -> Option<MannWhitney> {
    if n_a == 0 || n_b == 0 {
        return None;
    }
    let (na, nb) = (n_a as f64, n_b as f64);
    let n = na + nb;
    let u = rank_sum_a - na * (na + 1.0) / 2.0;
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
    cohens_d_from(Moments::of(a), Moments::of(b))
}

/// [`cohens_d`] from the two samples' moments.
pub fn cohens_d_from(a: Moments, b: Moments) -> Option<f64> {
    if a.n < 2 || b.n < 2 {
        return None;
    }
    let (ma, va, mb, vb) = (a.mean, a.var, b.mean, b.var);
    let (na, nb) = (a.n as f64, b.n as f64);
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
    cliffs_delta_from(a.len(), b.len(), greater, less)
}

/// [`cliffs_delta`] from the sample sizes and the exact counts of pairs with a_i > b_j and a_i < b_j.
pub fn cliffs_delta_from(n_a: usize, n_b: usize, greater: u128, less: u128) -> Option<f64> {
    if n_a == 0 || n_b == 0 {
        return None;
    }
    let pairs = n_a as f64 * n_b as f64;
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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

/// One side of a pairwise comparison: its size and moments (see [`Moments`]); `mean` is `None` for an empty
/// sample or a non-finite mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleStats {
    pub moments: Moments,
    pub mean: Option<f64>,
}

impl SampleStats {
    /// From the sample size, the sum of its values (in sample order) and Σ(v − mean)² (in sample order,
    /// with mean = sum / n; only used for n ≥ 2).
    pub fn new(n: usize, sum: f64, ss: f64) -> Self {
        let mean = sum / n as f64;
        SampleStats {
            moments: Moments {
                n,
                mean,
                var: ss / (n as f64 - 1.0),
            },
            mean: (n > 0 && mean.is_finite()).then_some(mean),
        }
    }

    fn of(x: &[f64]) -> Self {
        let moments = if x.len() >= 2 {
            Moments::of(x)
        } else {
            Moments {
                n: x.len(),
                mean: f64::NAN,
                var: f64::NAN,
            }
        };
        SampleStats {
            moments,
            mean: mean(x),
        }
    }
}

/// One row of [`compare_outlets`] from each sample's statistics and the rank statistics of the pair
/// (Holm columns left `None`; see [`apply_holm`]).
pub fn comparison_row(
    metric: &str,
    outlet_a: &str,
    outlet_b: &str,
    a: &SampleStats,
    b: &SampleStats,
    mw: Option<MannWhitney>,
    cliffs_delta: Option<f64>,
) -> Comparison {
    let w = welch_from(a.moments, b.moments);
    Comparison {
        metric: metric.to_string(),
        outlet_a: outlet_a.to_string(),
        outlet_b: outlet_b.to_string(),
        n_a: a.moments.n,
        n_b: b.moments.n,
        mean_a: a.mean,
        mean_b: b.mean,
        diff: a
            .mean
            .zip(b.mean)
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
        cohens_d: cohens_d_from(a.moments, b.moments),
        cliffs_delta,
    }
}

/// Fill the Holm-adjusted p-values: over all Welch tests of `rows`, and separately over all Mann–Whitney
/// tests (undefined tests are not counted in the family size).
pub fn apply_holm(rows: &mut [Comparison]) {
    let welch_holm = holm(&rows.iter().map(|c| c.welch_p).collect::<Vec<_>>());
    let mw_holm = holm(&rows.iter().map(|c| c.mw_p).collect::<Vec<_>>());
    for ((c, w), m) in rows.iter_mut().zip(welch_holm).zip(mw_holm) {
        c.welch_p_holm = w;
        c.mw_p_holm = m;
    }
}

/// Compare every unordered pair of outlets on every metric in `metrics`.
///
/// `values[outlet][metric]` holds one value per article (non-finite values are ignored; an outlet without
/// the metric counts as an empty sample). Output order is deterministic: metrics in the order given, then
/// outlet pairs (A < B) in sorted order. Holm's correction is applied across the whole family of Welch tests
/// (and separately across all Mann–Whitney tests) in the output; undefined tests are excluded from the
/// family size.
///
/// This is the in-memory reference; runs use [`super::Aggregator`], which computes the same rows,
/// bit for bit, without holding every value (its tests check the equality).
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
        let stats: Vec<SampleStats> = samples.iter().map(|s| SampleStats::of(s)).collect();
        for i in 0..outlets.len() {
            for j in (i + 1)..outlets.len() {
                let (a, b) = (&samples[i], &samples[j]);
                out.push(comparison_row(
                    metric,
                    outlets[i],
                    outlets[j],
                    &stats[i],
                    &stats[j],
                    mann_whitney(a, b),
                    cliffs_delta(a, b),
                ));
            }
        }
    }
    apply_holm(&mut out);
    out
}

#[cfg(test)]
mod tests {
    //! Reference values: R 4.x output quoted where stated, SciPy 1.17.1 / statsmodels computed with
    //! `scipy.stats.ttest_ind(equal_var=False)`, `scipy.stats.mannwhitneyu(method="asymptotic",
    //! use_continuity=True)` and `statsmodels.stats.multitest.multipletests`, and hand calculations written
    //! out below.
    use super::*;
    use proptest::prelude::*;

    const X: [f64; 5] = [19.1, 21.3, 18.4, 22.0, 20.5];
    const Y: [f64; 4] = [23.2, 24.1, 22.8, 25.0];
    // Sample with ties across and within groups.
    const A: [f64; 7] = [1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 4.0];
    const B: [f64; 6] = [3.0, 4.0, 4.0, 5.0, 5.0, 6.0];

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn welch_matches_r_t_test() {
        // R: t.test(x, y) -> t = -4.2339, df = 6.8241, p-value = 0.004098.
        // Hand: mean x = 20.26, s²x = 8.972/4 = 2.243; mean y = 23.775, s²y = 2.8875/3 = 0.9625;
        // se² = 2.243/5 + 0.9625/4 = 0.689225; t = -3.515/0.830196 = -4.23394;
        // df = 0.689225² / (0.4486²/4 + 0.240625²/3) = 6.8241.
        // SciPy: t = -4.233941160818555, df = 6.824118204999593, p = 0.004098173821526557.
        let w = welch(&X, &Y).unwrap();
        assert!(close(w.t, -4.233941160818555, 1e-12), "{w:?}");
        assert!(close(w.df, 6.824118204999593, 1e-10), "{w:?}");
        assert!(close(w.p, 0.004098173821526557, 1e-12), "{w:?}");
        // Swapping the samples flips t only.
        let s = welch(&Y, &X).unwrap();
        assert!(close(s.t, -w.t, 1e-12) && close(s.df, w.df, 1e-12) && close(s.p, w.p, 1e-14));
    }

    #[test]
    fn welch_with_ties_matches_scipy() {
        // SciPy ttest_ind(A, B, equal_var=False): t = -3.4125309393675205, df = 10.401226679291549,
        // p = 0.006270845178780979.
        let w = welch(&A, &B).unwrap();
        assert!(close(w.t, -3.4125309393675205, 1e-12));
        assert!(close(w.df, 10.401226679291549, 1e-10));
        assert!(close(w.p, 0.006270845178780979, 1e-12));
    }

    #[test]
    fn welch_one_constant_sample_is_defined() {
        // a constant: se² = 0 + 1/3, t = (1 - 3)/sqrt(1/3) = -sqrt(12) = -3.4641016;
        // df = (1/3)² / ((1/3)²/2) = 2; for df = 2, P(T > t) = (1 - t/sqrt(t² + 2))/2, so
        // p = 1 - sqrt(12)/sqrt(14) = 0.07417990022744858.
        let w = welch(&[1.0, 1.0, 1.0], &[2.0, 3.0, 4.0]).unwrap();
        assert!(close(w.t, -(12f64.sqrt()), 1e-12));
        assert!(close(w.df, 2.0, 1e-12));
        assert!(close(w.p, 1.0 - (12f64 / 14.0).sqrt(), 1e-12), "{w:?}");
    }

    #[test]
    fn welch_undefined_cases() {
        assert_eq!(welch(&[1.0], &[1.0, 2.0]), None);
        assert_eq!(welch(&[], &[]), None);
        // Both variances zero: equal means (0/0) and different means (±∞, df 0/0) -> no test.
        assert_eq!(welch(&[2.0, 2.0], &[2.0, 2.0, 2.0]), None);
        assert_eq!(welch(&[1.0, 1.0], &[2.0, 2.0, 2.0]), None);
        assert_eq!(welch(&[1.0, f64::NAN], &[2.0, 3.0]), None);
        assert_eq!(welch(&[1.0, 2.0], &[2.0, f64::INFINITY]), None);
    }

    #[test]
    fn t_p_large_df_uses_normal() {
        // SciPy: 2*t.sf(2, 10) = 0.07338803477074037; 2*norm.sf(2) = 0.04550026389635839;
        // 2*t.sf(2, 1e7) = 0.04550029089184296 (statrs: 0.04550029163, 1.6e-8 relative).
        assert!(close(
            t_two_sided_p(2.0, 10.0).unwrap(),
            0.07338803477074037,
            1e-13
        ));
        let normal = 0.04550026389635839;
        let p7 = t_two_sided_p(2.0, 1e7).unwrap();
        assert!(close(p7, 0.04550029089184296, 2e-9), "{p7}");
        assert!(
            close(p7, normal, 1e-7),
            "df 1e7 is within 1e-7 of the normal"
        );
        let p9 = t_two_sided_p(-2.0, 1e9).unwrap();
        // statrs' erfc gives 0.04550026389432524 (2e-12 from SciPy).
        assert!(close(p9, normal, 1e-11), "{p9}");
        assert!(close(
            t_two_sided_p(2.0, f64::INFINITY).unwrap(),
            normal,
            1e-11
        ));
        // Extreme t: p underflows towards 0 but stays a number (sf, not 1 - cdf).
        // SciPy: 2*t.sf(30, 1e7) = 1.0014613690817807e-197 (normal tail 9.81e-198); 1 - cdf gives 0.
        let tiny = t_two_sided_p(30.0, 1e7).unwrap();
        let want = 1.0014613690817807e-197;
        assert!(((tiny - want) / want).abs() < 1e-6, "{tiny:e}");
        assert_eq!(t_two_sided_p(0.0, 5.0), Some(1.0));
        assert_eq!(t_two_sided_p(1.0, 0.0), None);
        assert_eq!(t_two_sided_p(f64::NAN, 5.0), None);
    }

    #[test]
    fn mann_whitney_matches_r_without_ties() {
        // R: wilcox.test(x, y, exact = FALSE) -> W = 0, p-value = 0.01996.
        // Hand: every x < every y so U = 0; n = 5, 4: mean 10, σ² = 5·4·10/12 = 16.667 (no ties);
        // z = (0 - 10 + 0.5)/4.08248 = -2.32702; p = 2Φ(-2.32702) = 0.019964.
        // SciPy: p = 0.019964453305216043.
        let m = mann_whitney(&X, &Y).unwrap();
        assert_eq!(m.u, 0.0);
        assert!(close(m.z, -9.5 / (200.0f64 / 12.0).sqrt(), 1e-12));
        assert!(close(m.p, 0.019964453305216043, 1e-12), "{m:?}");
    }

    #[test]
    fn mann_whitney_ties_and_continuity() {
        // Pooled sorted: 1 | 2 2 | 3 3 3 3 | 4 4 4 | 5 5 | 6 -> mid-ranks 1, 2.5, 5.5, 9, 11.5, 13.
        // R_a = 1 + 2·2.5 + 3·5.5 + 9 = 31.5; U = 31.5 - 7·8/2 = 3.5 (R's W = 3.5).
        // Ties Σ(t³-t) = 6 + 60 + 24 + 6 = 96; σ² = 42/12 · (14 - 96/(13·12)) = 46.846154.
        // z = (3.5 - 21 + 0.5)/6.844425 = -2.483774; p = 0.0130.
        // SciPy (use_continuity=True): 0.012999854364387305; without correction 0.010563221110373394.
        let m = mann_whitney(&A, &B).unwrap();
        assert_eq!(m.u, 3.5);
        let sigma = (42.0 / 12.0 * (14.0 - 96.0 / 156.0f64)).sqrt();
        assert!(close(m.z, -17.0 / sigma, 1e-12), "{m:?}");
        assert!(close(m.p, 0.012999854364387305, 1e-12), "{m:?}");
        assert!(!close(m.p, 0.010563221110373394, 1e-4));
        // Reversed samples: U' = n_a n_b - U, same p.
        let r = mann_whitney(&B, &A).unwrap();
        assert_eq!(r.u, 42.0 - 3.5);
        assert!(close(r.z, -m.z, 1e-12) && close(r.p, m.p, 1e-14));
    }

    #[test]
    fn mann_whitney_centre_and_undefined() {
        // U exactly at its mean: no continuity shift, z = 0, p = 1.
        let m = mann_whitney(&[1.0, 4.0], &[2.0, 3.0]).unwrap();
        assert_eq!(m.u, 2.0);
        assert_eq!(m.z, 0.0);
        assert_eq!(m.p, 1.0);
        assert_eq!(mann_whitney(&[], &[1.0]), None);
        assert_eq!(mann_whitney(&[2.0, 2.0], &[2.0]), None, "all tied: σ = 0");
        assert_eq!(mann_whitney(&[f64::NAN], &[1.0]), None);
    }

    #[test]
    fn cohens_d_hand_values() {
        // Pooled variance (4·2.243 + 3·0.9625)/7 = 1.6942143; d = -3.515/1.3016199 = -2.7004812.
        // Python: -2.700481209060222 (X, Y); -1.9100567142106968 (A, B).
        assert!(close(cohens_d(&X, &Y).unwrap(), -2.700481209060222, 1e-12));
        assert!(close(cohens_d(&A, &B).unwrap(), -1.9100567142106968, 1e-12));
        assert_eq!(cohens_d(&[1.0], &[1.0, 2.0]), None);
        assert_eq!(cohens_d(&[1.0, 1.0], &[2.0, 2.0]), None);
    }

    #[test]
    fn cliffs_delta_hand_values() {
        // X vs Y: every x < every y -> -1.
        assert_eq!(cliffs_delta(&X, &Y), Some(-1.0));
        assert_eq!(cliffs_delta(&Y, &X), Some(1.0));
        // A vs B, per a: 1 -> -6; 2 -> -6 (×2); 3 -> 1 tie, 5 above -> -5 (×3); 4 -> +1 -3 = -2.
        // Sum -35 over 42 pairs -> -5/6.
        assert!(close(cliffs_delta(&A, &B).unwrap(), -35.0 / 42.0, 1e-15));
        // [1,2,3] vs [2,2,4]: 1 -> -3; 2 -> -1; 3 -> +2 -1 = +1; sum -3 / 9.
        assert!(close(
            cliffs_delta(&[1.0, 2.0, 3.0], &[2.0, 2.0, 4.0]).unwrap(),
            -1.0 / 3.0,
            1e-15
        ));
        assert_eq!(cliffs_delta(&[1.0], &[1.0]), Some(0.0));
        assert_eq!(cliffs_delta(&[], &[1.0]), None);
    }

    #[test]
    fn cliffs_delta_is_fast_for_big_samples() {
        // 200k × 200k = 4e10 pairs: O(n·m) would take minutes; sorting takes milliseconds.
        let a: Vec<f64> = (0..200_000).map(|i| (i % 1000) as f64).collect();
        let b: Vec<f64> = (0..200_000).map(|i| (i % 1000) as f64 + 0.5).collect();
        let start = std::time::Instant::now();
        let d = cliffs_delta(&a, &b).unwrap();
        // Per a = k: b values below are k' + 0.5 < k, i.e. k of the 1000 levels; above 1000 - k.
        // Σ_k (k - (1000 - k)) / 1000 levels = -1/1000 (k = 0..999): δ = -0.001.
        assert!(close(d, -0.001, 1e-12), "{d}");
        assert!(start.elapsed().as_secs() < 20);
    }

    #[test]
    fn holm_matches_r() {
        // R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") -> 0.03 0.06 0.06 0.02 (statsmodels agrees).
        // Hand: sorted 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 -> cummax 0.06.
        // (The brief quoted 0.03 0.08 0.08 0.02, which is not what Holm's procedure gives.)
        let p = [Some(0.01), Some(0.04), Some(0.03), Some(0.005)];
        let h = holm(&p);
        for (got, want) in h.iter().zip([0.03, 0.06, 0.06, 0.02]) {
            assert!(close(got.unwrap(), want, 1e-15), "{h:?}");
        }
        // Nones pass through and are not counted in m.
        let p = [Some(0.01), None, Some(0.04), Some(0.03), None, Some(0.005)];
        let h = holm(&p);
        assert_eq!(h[1], None);
        assert_eq!(h[4], None);
        for (got, want) in [h[0], h[2], h[3], h[5]]
            .iter()
            .zip([0.03, 0.06, 0.06, 0.02])
        {
            assert!(close(got.unwrap(), want, 1e-15), "{h:?}");
        }
        // statsmodels multipletests([0.02, 0.5, 0.001, 0.04, 0.04, 0.9], method="holm"):
        // [0.1, 1, 0.006, 0.16, 0.16, 1] (capped at 1, tied p-values get equal adjusted values).
        let h = holm(&[0.02, 0.5, 0.001, 0.04, 0.04, 0.9].map(Some));
        for (got, want) in h.iter().zip([0.1, 1.0, 0.006, 0.16, 0.16, 1.0]) {
            assert!(close(got.unwrap(), want, 1e-15), "{h:?}");
        }
        assert!(holm(&[]).is_empty());
        assert_eq!(holm(&[None, Some(f64::NAN)]), vec![None, None]);
    }

    #[test]
    fn bh_matches_r() {
        // R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "BH") -> 0.02 0.04 0.04 0.02
        // (SciPy false_discovery_control agrees). Hand: sorted 0.005·4/1 = 0.02, 0.01·4/2 = 0.02,
        // 0.03·4/3 = 0.04, 0.04·4/4 = 0.04 -> cummin from the top.
        let b = benjamini_hochberg(&[Some(0.01), Some(0.04), Some(0.03), Some(0.005)]);
        for (got, want) in b.iter().zip([0.02, 0.04, 0.04, 0.02]) {
            assert!(close(got.unwrap(), want, 1e-15), "{b:?}");
        }
        // statsmodels fdr_bh: [0.06, 0.6, 0.006, 0.06, 0.06, 0.9].
        let b = benjamini_hochberg(&[
            Some(0.02),
            None,
            Some(0.5),
            Some(0.001),
            Some(0.04),
            Some(0.04),
            Some(0.9),
        ]);
        assert_eq!(b[1], None);
        for (got, want) in [b[0], b[2], b[3], b[4], b[5], b[6]]
            .iter()
            .zip([0.06, 0.6, 0.006, 0.06, 0.06, 0.9])
        {
            assert!(close(got.unwrap(), want, 1e-15), "{b:?}");
        }
    }

    fn values_fixture() -> BTreeMap<String, BTreeMap<String, Vec<f64>>> {
        let mut v: BTreeMap<String, BTreeMap<String, Vec<f64>>> = BTreeMap::new();
        let put =
            |v: &mut BTreeMap<String, BTreeMap<String, Vec<f64>>>, o: &str, m: &str, x: &[f64]| {
                v.entry(o.into()).or_default().insert(m.into(), x.to_vec());
            };
        put(&mut v, "beta", "rate", &X);
        put(&mut v, "alpha", "rate", &Y);
        put(&mut v, "gamma", "rate", &[f64::NAN, 20.0, 21.0, 22.5]);
        put(&mut v, "alpha", "share", &A);
        put(&mut v, "beta", "share", &B);
        v
    }

    #[test]
    fn compare_outlets_order_values_and_holm_family() {
        let v = values_fixture();
        let metrics = vec!["rate".to_string(), "share".to_string()];
        let c = compare_outlets(&v, &metrics);
        let keys: Vec<(&str, &str, &str)> = c
            .iter()
            .map(|c| (c.metric.as_str(), c.outlet_a.as_str(), c.outlet_b.as_str()))
            .collect();
        assert_eq!(
            keys,
            vec![
                ("rate", "alpha", "beta"),
                ("rate", "alpha", "gamma"),
                ("rate", "beta", "gamma"),
                ("share", "alpha", "beta"),
                ("share", "alpha", "gamma"),
                ("share", "beta", "gamma"),
            ]
        );
        // alpha = Y, beta = X: the reference Welch test with the sign flipped.
        let ab = &c[0];
        assert_eq!((ab.n_a, ab.n_b), (4, 5));
        assert!(close(ab.welch_t.unwrap(), 4.233941160818555, 1e-12));
        assert!(close(ab.welch_p.unwrap(), 0.004098173821526557, 1e-12));
        assert!(close(ab.diff.unwrap(), 23.775 - 20.26, 1e-12));
        assert_eq!(ab.mw_u, Some(20.0));
        assert_eq!(ab.cliffs_delta, Some(1.0));
        // gamma's NaN is dropped: n = 3.
        assert_eq!(c[1].n_b, 3);
        // gamma has no "share": empty sample, everything undefined, not in the Holm family.
        for row in &c[4..] {
            assert_eq!(row.n_b, 0);
            assert_eq!(row.mean_b, None);
            assert_eq!(row.diff, None);
            assert_eq!(row.welch_p, None);
            assert_eq!(row.welch_p_holm, None);
            assert_eq!(row.mw_p_holm, None);
            assert_eq!(row.cliffs_delta, None);
        }
        // Holm over the 4 defined Welch tests.
        let raw: Vec<Option<f64>> = c.iter().map(|r| r.welch_p).collect();
        assert_eq!(raw.iter().filter(|p| p.is_some()).count(), 4);
        let adj = holm(&raw);
        for (r, a) in c.iter().zip(&adj) {
            assert_eq!(r.welch_p_holm, *a);
        }
        // Serializes with snake_case fields and null for undefined values (never NaN).
        let json = serde_json::to_string(&c).unwrap();
        assert!(json.contains("\"welch_p_holm\":null") && !json.contains("NaN"));
        // Deterministic.
        assert_eq!(c, compare_outlets(&v, &metrics));
    }

    proptest! {
        #[test]
        fn prop_p_values_and_effect_sizes_bounded(
            a in prop::collection::vec(-1e3f64..1e3, 0..40),
            b in prop::collection::vec(-1e3f64..1e3, 0..40),
            ties in 0u8..3,
        ) {
            // Optionally round to create many ties.
            let round = |v: &Vec<f64>| -> Vec<f64> {
                v.iter().map(|x| if ties == 0 { *x } else { (x / 300.0).round() }).collect()
            };
            let (a, b) = (round(&a), round(&b));
            if let Some(w) = welch(&a, &b) {
                prop_assert!((0.0..=1.0).contains(&w.p));
                prop_assert!(w.t.is_finite() && w.df > 0.0);
            }
            if let Some(m) = mann_whitney(&a, &b) {
                prop_assert!((0.0..=1.0).contains(&m.p));
                prop_assert!(m.u >= 0.0 && m.u <= (a.len() * b.len()) as f64);
                // Cliff's delta and U describe the same pair counts: δ = 2U/(n_a n_b) - 1.
                let d = cliffs_delta(&a, &b).unwrap();
                let nm = (a.len() * b.len()) as f64;
                prop_assert!((d - (2.0 * m.u / nm - 1.0)).abs() < 1e-9);
            }
            if let Some(d) = cliffs_delta(&a, &b) {
                prop_assert!(d.abs() <= 1.0);
            }
            if let Some(d) = cohens_d(&a, &b) {
                prop_assert!(d.is_finite());
            }
        }

        #[test]
        fn prop_adjustments(p in prop::collection::vec(prop::option::of(0.0f64..=1.0), 0..30)) {
            let h = holm(&p);
            let b = benjamini_hochberg(&p);
            prop_assert_eq!(h.len(), p.len());
            prop_assert_eq!(b.len(), p.len());
            for i in 0..p.len() {
                match p[i] {
                    None => {
                        prop_assert_eq!(h[i], None);
                        prop_assert_eq!(b[i], None);
                    }
                    Some(raw) => {
                        let (hi, bi) = (h[i].unwrap(), b[i].unwrap());
                        prop_assert!(hi >= raw && hi <= 1.0);
                        prop_assert!(bi >= raw && bi <= 1.0);
                        prop_assert!(hi >= bi - 1e-15, "Holm is never less conservative than BH");
                    }
                }
                // Monotone: a smaller raw p never gets a larger adjusted p.
                for j in 0..p.len() {
                    if let (Some(pi), Some(pj)) = (p[i], p[j]) {
                        if pi < pj {
                            prop_assert!(h[i].unwrap() <= h[j].unwrap());
                            prop_assert!(b[i].unwrap() <= b[j].unwrap());
                        }
                    }
                }
            }
        }
    }
}
