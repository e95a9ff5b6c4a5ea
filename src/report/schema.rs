//! JSON Schemas (draft 2020-12, generated from the output types with schemars) for `report.json` and one
//! line of `articles.jsonl`. They are written beside every run's outputs and kept in `schema/`.

use super::Report;
use crate::analyze::ArticleRecord;

/// File names of the schemas, in the output folder and in `schema/`.
pub const REPORT_SCHEMA_FILE: &str = "report.schema.json";
pub const ARTICLE_SCHEMA_FILE: &str = "article.schema.json";

fn pretty(v: &schemars::Schema) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// The schema of `report.json`.
pub fn report_schema() -> String {
    pretty(&schemars::schema_for!(Report))
}

/// The schema of one `articles.jsonl` line.
pub fn article_schema() -> String {
    pretty(&schemars::schema_for!(ArticleRecord))
}

/// Both schemas as (file name, contents).
pub fn all() -> [(&'static str, String); 2] {
    [
        (REPORT_SCHEMA_FILE, report_schema()),
        (ARTICLE_SCHEMA_FILE, article_schema()),
    ]
}
