//! The JSON Schemas in schema/ match the output types, and real outputs validate their basic shape.
//! Regenerate with `SLANTSCOPE_UPDATE_SCHEMA=1 cargo test --test schema`.
mod common;

use common::*;

#[test]
fn schema_files_are_current() {
    for (name, body) in slantscope::report::schema::all() {
        let path = repo().join("schema").join(name);
        if std::env::var_os("SLANTSCOPE_UPDATE_SCHEMA").is_some() {
            std::fs::write(&path, &body).unwrap();
        }
        let kept = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(
            kept,
            body,
            "{} is stale: regenerate it (see this file's header)",
            path.display()
        );
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert!(v["$schema"].as_str().unwrap().contains("2020-12"));
    }
}

#[test]
fn outputs_carry_the_schemas_and_their_required_fields() {
    let t = analyze_fixtures();
    let report_schema = read_json(&t.path().join("report.schema.json"));
    let report = read_json(&t.path().join("report.json"));
    for key in report_schema["required"].as_array().unwrap() {
        assert!(
            report.get(key.as_str().unwrap()).is_some(),
            "report.json lacks {key}"
        );
    }
    let article_schema = read_json(&t.path().join("article.schema.json"));
    for rec in read_jsonl(&t.path().join("articles.jsonl")) {
        for key in article_schema["required"].as_array().unwrap() {
            assert!(
                rec.get(key.as_str().unwrap()).is_some(),
                "article lacks {key}"
            );
        }
    }
}
