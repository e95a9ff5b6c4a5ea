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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
