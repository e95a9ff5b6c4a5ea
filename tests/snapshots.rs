//! Snapshot tests for every output format, on the short fixture articles in tests/fixtures/input.
//! Review changes with `cargo insta review` (or `INSTA_UPDATE=always cargo test --test snapshots` and
//! read the diff) — a changed snapshot is a changed result for users.
mod common;

use common::*;

#[test]
fn every_output_file() {
    let t = analyze_fixtures();
    for name in [
        "report.json",
        "articles.jsonl",
        "articles.csv",
        "hits.csv",
        "attributions.csv",
        "sources.csv",
        "outlets.csv",
        "comparisons.csv",
        "sides.csv",
        "keyness.csv",
    ] {
        let body = std::fs::read_to_string(t.path().join(name)).unwrap();
        insta::assert_snapshot!(name.replace('.', "_"), body);
    }
}

#[test]
fn score_text_view() {
    let out = bin()
        .current_dir(repo())
        .args(["score", "tests/fixtures/input/harbor.txt"])
        .output()
        .unwrap();
    assert!(out.status.success());
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}
