//! Tests over the shared annotated datasets (read from ../shared, never copied): the seed article and
//! span integrity over whole corpora.
mod common;

use common::*;
use std::path::Path;

fn run_dir(input: &Path, out: &Path) {
    bin()
        .arg("analyze")
        .arg(input)
        .args(["--quiet", "--out"])
        .arg(out)
        .assert()
        .success()
        .code(0);
}

/// Every span in articles.jsonl equals document[start:end] (code points), and nothing was skipped or
/// warned about.
fn check_corpus(dir: &Path) {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    run_dir(dir, &out);
    let report = read_json(&out.join("report.json"));
    assert_eq!(report["run"]["skipped"].as_array().unwrap().len(), 0);
    assert_eq!(report["run"]["warnings"], 0);
    let recs = read_jsonl(&out.join("articles.jsonl"));
    let files = std::fs::read_dir(dir).unwrap().count();
    assert_eq!(recs.len(), files);
    let mut spans = 0;
    for r in &recs {
        let id = r["id"].as_str().unwrap();
        let text = std::fs::read_to_string(dir.join(id)).unwrap();
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let chars: Vec<char> = text.chars().collect();
        spans += check_spans(r, &chars, id);
    }
    assert!(spans > recs.len(), "only {spans} spans checked");
}

#[test]
fn polnear_dev_spans_are_exact() {
    let Some(d) = datasets() else { return };
    check_corpus(&d.join("polnear/dev/text"));
}

#[test]
fn ptc_spans_are_exact() {
    let Some(d) = datasets() else { return };
    check_corpus(&d.join("ptc/articles"));
}

fn seed() -> Option<(std::path::PathBuf, serde_json::Value)> {
    let d = datasets()?;
    let f = d.join("seed/presstv-russia-syria.txt");
    let out = bin()
        .arg("score")
        .arg(&f)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some((f, serde_json::from_slice(&out.stdout).unwrap()))
}

#[test]
fn seed_regions_headline_and_quotes() {
    let Some((f, rec)) = seed() else { return };
    let text = std::fs::read_to_string(&f).unwrap();
    let chars: Vec<char> = text.chars().collect();
    check_spans(&rec, &chars, "seed");
    // The headline is the first line after the breadcrumb (read from the file, not copied here).
    let expected = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .nth(1)
        .unwrap();
    assert_eq!(rec["headline"]["text"], expected);
    assert_eq!(rec["outlet"], "Press TV");
    // Breadcrumb, captions, credits, mirror lines and the share footer are excluded from the body.
    let excluded: Vec<&str> = rec["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["text"].as_str().unwrap())
        .collect();
    let has = |needle: &str| excluded.iter().any(|t| t.contains(needle));
    for needle in [
        "Russia",
        "(Photo by Reuters)",
        "(Photo by AFP)",
        "alternate addresses",
        "www.presstv",
        "SHARE THIS ARTICLE",
    ] {
        assert!(has(needle), "{needle} not excluded: {excluded:?}");
    }
    assert!(
        excluded
            .iter()
            .any(|t| t.starts_with("News") && t.contains('/')),
        "breadcrumb: {excluded:?}"
    );
    // Every quotation mark pair in the article is a quote: count opening curly marks in body text.
    let quotes = rec["quotes"].as_array().unwrap();
    let opening = text.matches('\u{201c}').count();
    let top: Vec<_> = quotes.iter().filter(|q| q["depth"] == 0).collect();
    assert_eq!(top.len(), opening, "{quotes:?}");
    for q in top {
        let t = q["text"].as_str().unwrap();
        assert!(t.starts_with('\u{201c}'), "{t}");
        assert!(t.ends_with('\u{201d}'), "{t}");
    }
    // Body word count excludes the boilerplate.
    let wc = rec["word_count"].as_u64().unwrap();
    assert!((380..=460).contains(&wc), "word_count {wc}");
}

#[test]
fn seed_score_text_shows_voices() {
    let Some(d) = datasets() else { return };
    let f = d.join("seed/presstv-russia-syria.txt");
    let out = bin().arg("score").arg(&f).output().unwrap();
    assert!(out.status.success());
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("outlet's own voice"));
    assert!(s.contains("Loaded terms in quotations"));
    assert!(s.contains("Quotations ("));
}

#[test]
fn seed_loaded_terms_by_voice() {
    let Some((_, rec)) = seed() else { return };
    let terms = rec["loaded_terms"].as_array().unwrap();
    let voice_of = |needle: &str| -> Vec<String> {
        terms
            .iter()
            .filter(|t| t["text"].as_str().unwrap().eq_ignore_ascii_case(needle))
            .map(|t| t["voice"].as_str().unwrap().to_string())
            .collect()
    };
    for authorial in ["violence-hit", "war-torn", "militancy", "terrorist groups"] {
        let v = voice_of(authorial);
        assert!(
            !v.is_empty() && v.iter().all(|v| v == "authorial"),
            "{authorial}: {v:?}"
        );
    }
    // Peskov's closing quotation, whose closing mark comes before the end of his utterance: "so-called"
    // and the terrorist labels are his words, not the outlet's.
    let atts = rec["attributions"].as_array().unwrap();
    let (qs, qe) = atts
        .iter()
        .find(|a| {
            a["content"]["text"]
                .as_str()
                .unwrap()
                .contains("Unfortunately")
        })
        .map(|a| {
            (
                a["content"]["start"].as_u64().unwrap(),
                a["content"]["end"].as_u64().unwrap(),
            )
        })
        .unwrap();
    let inside: Vec<&serde_json::Value> = terms
        .iter()
        .filter(|t| t["start"].as_u64().unwrap() >= qs && t["end"].as_u64().unwrap() <= qe)
        .collect();
    let texts: Vec<&str> = inside.iter().map(|t| t["text"].as_str().unwrap()).collect();
    assert!(texts.contains(&"so-called"), "{texts:?}");
    assert!(
        texts.iter().any(|t| t.starts_with("terrorist")),
        "{texts:?}"
    );
    assert!(inside.iter().all(|t| t["voice"] == "quoted"), "{inside:?}");
    // Nothing from captions or boilerplate is counted.
    assert!(terms
        .iter()
        .all(|t| t["region"] == "body" || t["region"] == "headline"));
}

#[test]
fn seed_attributions_speakers_and_sides() {
    let Some((_, rec)) = seed() else { return };
    let atts = rec["attributions"].as_array().unwrap();
    assert!(atts.len() >= 10, "{} attributions", atts.len());
    let by_cue = |cue: &str| -> Vec<&serde_json::Value> {
        atts.iter()
            .filter(|a| a["cue"]["text"].as_str().is_some_and(|c| c.contains(cue)))
            .collect()
    };
    let said = by_cue("said");
    assert!(said
        .iter()
        .any(|a| a["speaker"]["name"] == "Dmitry Peskov"
            && a["speaker"]["resolved_from"] == "pronoun"));
    let urged = by_cue("urged");
    assert_eq!(urged[0]["speaker"]["name"], "Dmitry Peskov");
    assert_eq!(urged[0]["speaker"]["resolved_from"], "role");
    let warned = by_cue("warned");
    assert_eq!(warned[0]["speaker"]["name"], "John Kirby");
    assert_eq!(warned[0]["speaker"]["side"], "United States");
    let statement = by_cue("according to");
    assert_eq!(statement[0]["speaker"]["side"], "United States");
    assert_eq!(rec["balance"]["first_voice"], "Russia");
    assert_eq!(rec["balance"]["last_word"], "Russia");
    // Lavrov is mentioned, never a speaker.
    assert!(atts
        .iter()
        .all(|a| !a["speaker"]["name"].as_str().unwrap().contains("Lavrov")));
}
