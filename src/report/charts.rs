//! Builds the chart module's plain-data input from a finished report, so `analyze` and
//! `slantscope chart report.json` draw the same pictures from the same numbers.

use super::Report;
use crate::analyze::ArticleRecord;
use crate::chart::{ChartInput, Fingerprint, Interval, KeyTerm, OutletStats};
use crate::compare::MetricSummary;
use std::collections::BTreeMap;

/// The corpus pseudo-outlet in `report.outlets`.
pub const ALL_OUTLETS: &str = "(all)";

/// Sourcing shares shown in the sourcing chart: (label, metric).
const SOURCING: &[(&str, &str)] = &[
    ("named", "sources_named_share"),
    ("anonymous", "sources_anonymous_share"),
    ("official", "sources_official_share"),
    ("document", "sources_document_share"),
    ("media", "sources_media_share"),
];

/// Metrics shown on a one-article fingerprint.
pub const FINGERPRINT_METRICS: &[&str] = &[
    "loaded_rate",
    "loaded_rate_headline",
    "loaded_rate_quoted",
    "unsourced_loaded",
    "hedge_rate",
    "direct_share",
    "balance",
    "attributed_sentence_share",
    "sources_anonymous_share",
];

const CATEGORY_PREFIX: &str = "loaded_rate_cat_";

/// Sides drawn by name in the sides chart (the palette has 8 colours); the rest are summed as "other".
const MAX_SIDES: usize = 7;
const OTHER_SIDES: &str = "other sides";

/// The sides chart's columns: the `MAX_SIDES` sides with most attributions overall (by count, then name),
/// then "other sides" when more exist; and per outlet row the share of each column.
fn side_columns(st: &crate::compare::SideTable) -> (Vec<String>, Vec<Vec<Option<f64>>>) {
    let total = |j: usize| {
        st.counts
            .iter()
            .map(|r| r.get(j).copied().unwrap_or(0))
            .sum::<u64>()
    };
    let mut order: Vec<usize> = (0..st.sides.len()).collect();
    order.sort_by(|&a, &b| {
        total(b)
            .cmp(&total(a))
            .then_with(|| st.sides[a].cmp(&st.sides[b]))
    });
    let (top, rest) = order.split_at(order.len().min(MAX_SIDES));
    let mut names: Vec<String> = top.iter().map(|&j| st.sides[j].clone()).collect();
    if !rest.is_empty() {
        names.push(OTHER_SIDES.to_string());
    }
    let rows = st
        .counts
        .iter()
        .map(|row| {
            let n: u64 = row.iter().sum();
            let share = |c: u64| (n > 0).then(|| c as f64 / n as f64);
            let mut v: Vec<Option<f64>> = top
                .iter()
                .map(|&j| share(row.get(j).copied().unwrap_or(0)))
                .collect();
            if !rest.is_empty() {
                v.push(share(
                    rest.iter().map(|&j| row.get(j).copied().unwrap_or(0)).sum(),
                ));
            }
            v
        })
        .collect();
    (names, rows)
}

fn mean(m: &BTreeMap<String, MetricSummary>, name: &str) -> Option<f64> {
    m.get(name).and_then(|s| s.mean)
}

/// `article_values`: per outlet, the per-article `loaded_rate` values (for the distribution chart).
pub fn chart_input(report: &Report, article_values: &BTreeMap<String, Vec<f64>>) -> ChartInput {
    let categories: Vec<String> = report
        .metric_names
        .iter()
        .filter_map(|m| m.strip_prefix(CATEGORY_PREFIX))
        .map(String::from)
        .collect();
    let st = &report.side_table;
    let (side_names, side_rows) = side_columns(st);
    let outlets = report
        .outlets
        .iter()
        .filter(|o| o.outlet != ALL_OUTLETS)
        .map(|o| {
            let row = st.outlets.iter().position(|x| x == &o.outlet);
            OutletStats {
                outlet: o.outlet.clone(),
                n: o.articles,
                loaded_rate: o
                    .metrics
                    .get("loaded_rate")
                    .map(Interval::from)
                    .unwrap_or_default(),
                category_rates: categories
                    .iter()
                    .map(|c| mean(&o.metrics, &format!("{CATEGORY_PREFIX}{c}")))
                    .collect(),
                side_shares: row
                    .and_then(|i| side_rows.get(i).cloned())
                    .unwrap_or_else(|| vec![None; side_names.len()]),
                sourcing: SOURCING
                    .iter()
                    .filter(|(_, m)| report.metric_names.iter().any(|n| n == m))
                    .map(|(label, m)| (label.to_string(), mean(&o.metrics, m)))
                    .collect(),
                article_values: article_values.get(&o.outlet).cloned().unwrap_or_default(),
            }
        })
        .collect();
    let keyness = report
        .keyness
        .iter()
        .filter(|k| k.kind == "word")
        .map(|k| KeyTerm {
            outlet: k.row.outlet.clone(),
            term: k.row.term.clone(),
            z: k.row.z,
        })
        .collect();
    ChartInput {
        title_prefix: String::new(),
        outlets,
        categories,
        sides: side_names,
        keyness,
    }
}

/// One article's fingerprint, against the corpus means of `reference` when given.
pub fn fingerprint(rec: &ArticleRecord, reference: Option<&Report>) -> Fingerprint {
    let corpus = reference.and_then(|r| r.outlets.iter().find(|o| o.outlet == ALL_OUTLETS));
    Fingerprint {
        title: rec.title.clone().unwrap_or_else(|| rec.id.clone()),
        metrics: FINGERPRINT_METRICS
            .iter()
            .map(|m| {
                (
                    m.to_string(),
                    rec.metrics.get(*m).copied().flatten(),
                    corpus.and_then(|c| mean(&c.metrics, m)),
                )
            })
            .collect(),
        categories: rec
            .metrics
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix(CATEGORY_PREFIX)?.to_string(), (*v)?)))
            .collect(),
    }
}
