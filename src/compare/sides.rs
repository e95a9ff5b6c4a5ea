//! Outlet × side contingency table of attribution counts, with Pearson's chi-square test of independence
//! and adjusted standardized residuals (Agresti, *Categorical Data Analysis*, §2.4.5).
//!
//! statrs' `chisquare` is one-dimensional only, so the r × c statistic is computed here with expected counts
//! from the margins; only the chi-square survival function comes from statrs.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ChiSquared, ContinuousCDF};
use std::collections::BTreeMap;

/// Attribution counts per outlet (rows) and side (columns) with the test of independence.
///
/// Rows and columns whose counts are all zero are dropped (they carry no information and would make
/// expected counts 0). `chi2`, `df`, `p` and every residual are `None` when fewer than 2 rows or 2 columns
/// remain. `shares[i][j]` = `counts[i][j]` / row total (each row sums to 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SideTable {
    pub outlets: Vec<String>,
    pub sides: Vec<String>,
    pub counts: Vec<Vec<u64>>,
    /// Pearson X² = Σ (o − e)² / e with e = row total · column total / n (no continuity correction).
    pub chi2: Option<f64>,
    /// (rows − 1)(columns − 1).
    pub df: Option<usize>,
    /// Upper tail of χ²(df) at `chi2`.
    pub p: Option<f64>,
    /// Adjusted standardized residuals (o − e) / sqrt(e (1 − r/n)(1 − c/n)); approximately N(0, 1) under
    /// independence, so |r| > 1.96 flags a cell that departs from independence.
    pub std_residuals: Vec<Vec<Option<f64>>>,
    /// Row shares (share of each outlet's attributions going to each side).
    pub shares: Vec<Vec<Option<f64>>>,
}

/// Build the outlet × side table from `counts[outlet][side]` and test independence.
pub fn side_table(counts: &BTreeMap<String, BTreeMap<String, u64>>) -> SideTable {
    // Columns: every side with a non-zero total; rows: every outlet with a non-zero total.
    let mut col_totals: BTreeMap<&str, u128> = BTreeMap::new();
    for row in counts.values() {
        for (side, &c) in row {
            *col_totals.entry(side.as_str()).or_default() += c as u128;
        }
    }
    let sides: Vec<String> = col_totals
        .iter()
        .filter(|(_, &t)| t > 0)
        .map(|(s, _)| s.to_string())
        .collect();
    let mut outlets = Vec::new();
    let mut table: Vec<Vec<u64>> = Vec::new();
    for (outlet, row) in counts {
        let cells: Vec<u64> = sides
            .iter()
            .map(|s| row.get(s).copied().unwrap_or(0))
            .collect();
        if cells.iter().any(|&c| c > 0) {
            outlets.push(outlet.clone());
            table.push(cells);
        }
    }

    let row_tot: Vec<f64> = table
        .iter()
        .map(|r| r.iter().map(|&c| c as f64).sum())
        .collect();
    let col_tot: Vec<f64> = (0..sides.len())
        .map(|j| table.iter().map(|r| r[j] as f64).sum())
        .collect();
    let n: f64 = row_tot.iter().sum();

    let shares: Vec<Vec<Option<f64>>> = table
        .iter()
        .zip(&row_tot)
        .map(|(r, &rt)| {
            r.iter()
                .map(|&c| (rt > 0.0).then(|| c as f64 / rt))
                .collect()
        })
        .collect();

    let testable = outlets.len() >= 2 && sides.len() >= 2;
    let mut chi2 = None;
    let mut df = None;
    let mut p = None;
    let mut std_residuals = vec![vec![None; sides.len()]; outlets.len()];
    if testable {
        let mut stat = 0.0;
        for (i, row) in table.iter().enumerate() {
            for (j, &o) in row.iter().enumerate() {
                let e = row_tot[i] * col_tot[j] / n;
                let d = o as f64 - e;
                stat += d * d / e;
                let v = e * (1.0 - row_tot[i] / n) * (1.0 - col_tot[j] / n);
                std_residuals[i][j] = (v > 0.0).then(|| d / v.sqrt()).filter(|r| r.is_finite());
            }
        }
        let d = (outlets.len() - 1) * (sides.len() - 1);
        if stat.is_finite() {
            chi2 = Some(stat);
            df = Some(d);
            p = ChiSquared::new(d as f64)
                .ok()
                .map(|dist| dist.sf(stat))
                .filter(|p| !p.is_nan())
                .map(|p| p.clamp(0.0, 1.0));
        }
    }
    SideTable {
        outlets,
        sides,
        counts: table,
        chi2,
        df,
        p,
        std_residuals,
        shares,
    }
}

#[cfg(test)]
mod tests {
    //! Reference values: SciPy 1.17.1 `scipy.stats.chi2_contingency(table, correction=False)` for X², p and
    //! df; adjusted residuals computed with NumPy as (o − e)/sqrt(e(1 − r/n)(1 − c/n)); hand checks below.
    use super::*;

    fn table(rows: &[(&str, &[(&str, u64)])]) -> BTreeMap<String, BTreeMap<String, u64>> {
        rows.iter()
            .map(|(o, cells)| {
                (
                    o.to_string(),
                    cells.iter().map(|(s, c)| (s.to_string(), *c)).collect(),
                )
            })
            .collect()
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn two_by_three_matches_hand_and_scipy() {
        // [[10, 20, 30], [20, 25, 15]]: row totals 60, 60; column totals 30, 45, 45; n = 120.
        // Expected 15, 22.5, 22.5 in both rows. X² = 2·(25/15 + 6.25/22.5 + 56.25/22.5)
        // = 2·(1.666667 + 0.277778 + 2.5) = 8.888889; df = 2 so p = exp(-X²/2) = 0.0117436.
        // SciPy: 8.88888888888889, p = 0.011743628457021359.
        // Residual cell (0,0): (10 - 15)/sqrt(15·0.5·0.75) = -5/2.371708 = -2.108185.
        let t = side_table(&table(&[
            ("a", &[("gov", 10), ("opp", 20), ("other", 30)]),
            ("b", &[("gov", 20), ("opp", 25), ("other", 15)]),
        ]));
        assert_eq!(t.outlets, vec!["a", "b"]);
        assert_eq!(t.sides, vec!["gov", "opp", "other"]);
        assert_eq!(t.df, Some(2));
        assert!(close(t.chi2.unwrap(), 8.88888888888889, 1e-12));
        assert!(close(t.p.unwrap(), 0.011743628457021359, 1e-12));
        assert!(close(
            t.p.unwrap(),
            (-8.88888888888889f64 / 2.0).exp(),
            1e-12
        ));
        let want = [
            [-2.108185106779, -0.942809041582, 2.828427124746],
            [2.108185106779, 0.942809041582, -2.828427124746],
        ];
        for (got_row, want_row) in t.std_residuals.iter().zip(want) {
            for (got, w) in got_row.iter().zip(want_row) {
                assert!(close(got.unwrap(), w, 1e-11));
            }
        }
        assert_eq!(t.shares[0][2], Some(0.5));
        assert_eq!(t.shares[1][0], Some(20.0 / 60.0));
    }

    #[test]
    fn three_by_three_matches_scipy() {
        // [[12, 5, 8], [7, 14, 9], [3, 6, 20]] -> SciPy X² = 18.152772684910616, df = 4,
        // p = 0.0011520738165901932.
        let t = side_table(&table(&[
            ("x", &[("a", 12), ("b", 5), ("c", 8)]),
            ("y", &[("a", 7), ("b", 14), ("c", 9)]),
            ("z", &[("a", 3), ("b", 6), ("c", 20)]),
        ]));
        assert_eq!(t.df, Some(4));
        assert!(close(t.chi2.unwrap(), 18.152772684910616, 1e-11));
        assert!(close(t.p.unwrap(), 0.0011520738165901932, 1e-12));
        let want = [
            [2.959388117621, -1.273800701649, -1.447819304671],
            [-0.443922795856, 2.525781190339, -1.9330167032],
            [-2.398498321327, -1.320552168952, 3.340397880175],
        ];
        for ((got_row, want_row), shares) in t.std_residuals.iter().zip(want).zip(&t.shares) {
            for (got, w) in got_row.iter().zip(want_row) {
                assert!(close(got.unwrap(), w, 1e-11));
            }
            let s: f64 = shares.iter().map(|x| x.unwrap()).sum();
            assert!(close(s, 1.0, 1e-12));
        }
    }

    #[test]
    fn zero_rows_and_columns_are_dropped() {
        let base = side_table(&table(&[
            ("a", &[("gov", 10), ("opp", 20), ("other", 30)]),
            ("b", &[("gov", 20), ("opp", 25), ("other", 15)]),
        ]));
        let padded = side_table(&table(&[
            ("a", &[("gov", 10), ("opp", 20), ("other", 30), ("none", 0)]),
            ("b", &[("gov", 20), ("opp", 25), ("other", 15)]),
            ("silent", &[("gov", 0)]),
            ("empty", &[]),
        ]));
        assert_eq!(padded, base);
    }

    #[test]
    fn untestable_tables_have_no_statistic() {
        // One outlet: shares still reported, no test.
        let t = side_table(&table(&[("a", &[("gov", 3), ("opp", 1)])]));
        assert_eq!((t.chi2, t.df, t.p), (None, None, None));
        assert_eq!(t.std_residuals, vec![vec![None, None]]);
        assert_eq!(t.shares, vec![vec![Some(0.75), Some(0.25)]]);
        // One side.
        let t = side_table(&table(&[("a", &[("gov", 3)]), ("b", &[("gov", 5)])]));
        assert_eq!(t.chi2, None);
        assert_eq!(t.shares, vec![vec![Some(1.0)], vec![Some(1.0)]]);
        // Nothing.
        let t = side_table(&BTreeMap::new());
        assert!(t.outlets.is_empty() && t.sides.is_empty() && t.counts.is_empty());
        assert_eq!(t.chi2, None);
        let json = serde_json::to_string(&t).unwrap();
        assert!(json.contains("\"std_residuals\":[]"), "{json}");
    }

    #[test]
    fn perfect_independence_gives_zero_and_p_one() {
        let t = side_table(&table(&[
            ("a", &[("gov", 10), ("opp", 20)]),
            ("b", &[("gov", 20), ("opp", 40)]),
        ]));
        assert_eq!(t.chi2, Some(0.0));
        assert_eq!(t.p, Some(1.0));
        assert!(t
            .std_residuals
            .iter()
            .flatten()
            .all(|r| r.unwrap().abs() < 1e-12));
    }

    proptest::proptest! {
        #[test]
        fn prop_p_in_unit_interval(cells in proptest::collection::vec(proptest::collection::vec(0u64..50, 1..5), 0..5)) {
            let counts: BTreeMap<String, BTreeMap<String, u64>> = cells
                .iter()
                .enumerate()
                .map(|(i, row)| {
                    (format!("o{i}"), row.iter().enumerate().map(|(j, &c)| (format!("s{j}"), c)).collect())
                })
                .collect();
            let t = side_table(&counts);
            if let Some(p) = t.p {
                proptest::prop_assert!((0.0..=1.0).contains(&p));
                proptest::prop_assert!(t.chi2.unwrap() >= 0.0);
            }
            for row in t.std_residuals.iter().flatten().flatten() {
                proptest::prop_assert!(row.is_finite());
            }
            for row in &t.shares {
                let s: f64 = row.iter().map(|x| x.unwrap()).sum();
                proptest::prop_assert!((s - 1.0).abs() < 1e-9);
            }
        }
    }
}
