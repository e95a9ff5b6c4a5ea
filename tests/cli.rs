//! Integration tests through the real binary: input kinds, outputs, bad input, exit codes.
mod common;

use common::*;
use predicates::prelude::*;
use std::fs;

/// Every file `analyze` writes.
const ALL_OUTPUTS: &[&str] = &[
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
    "term_counts.json",
    "report.schema.json",
    "article.schema.json",
];

fn analyze(args: &[&str], out: &std::path::Path) -> assert_cmd::assert::Assert {
    let mut c = bin();
    c.arg("analyze")
        .args(args)
        .arg("--out")
        .arg(out)
        .arg("--quiet");
    c.assert()
}

#[test]
fn analyzes_every_input_kind_and_writes_all_outputs() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let f = fixtures().join("input");
    analyze(&[f.to_str().unwrap()], &out).success().code(0);
    for name in ALL_OUTPUTS {
        assert!(out.join(name).is_file(), "{name} missing");
    }
    assert!(!fs::read_dir(&out).unwrap().any(|e| e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .starts_with('.')));
    let report = read_json(&out.join("report.json"));
    assert_eq!(report["schema_version"], "1.0");
    assert_eq!(report["tool"]["name"], "slantscope");
    let run = &report["run"];
    assert_eq!(run["read"], 6, "3 files + 3 JSONL records: {run}");
    assert_eq!(run["analyzed"], 6);
    assert_eq!(run["skipped"].as_array().unwrap().len(), 0);
    assert!(report["lexicons"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["sha256"].as_str().unwrap().len() == 64));

    let recs = read_jsonl(&out.join("articles.jsonl"));
    let ids: Vec<&str> = recs.iter().map(|r| r["id"].as_str().unwrap()).collect();
    // Folder inputs are walked in sorted order; JSONL records keep their order; missing ids are file:line.
    assert_eq!(ids[0], "harbor.txt");
    assert_eq!(ids[1], "notes.md");
    assert_eq!(ids[2], "page.html");
    assert_eq!(ids[3], "w1");
    assert_eq!(ids[4], "2");
    assert!(ids[5].ends_with("wire.jsonl:3"), "{}", ids[5]);
    assert_eq!(
        recs[0]["title"],
        "Council approves harbour dredging plan after long debate"
    );
    assert_eq!(recs[1]["title"], "Ferry fares to rise in spring");
    assert_eq!(recs[2]["title"], "Bridge reopens after repairs");
    assert_eq!(recs[3]["outlet"], "northwire");
    assert_eq!(recs[5]["outlet"], "southpost");
    for r in &recs {
        assert!(r["word_count"].as_u64().unwrap() > 5, "{}", r["id"]);
        assert!(r["metrics"]["loaded_rate"].is_number() || r["metrics"]["loaded_rate"].is_null());
    }
    // One CSV row per article with a header.
    let csv = fs::read_to_string(out.join("articles.csv")).unwrap();
    assert_eq!(csv.lines().count(), 7);
    assert!(csv.starts_with("id,outlet,outlet_source,title,"));
}

#[test]
fn stdin_jsonl_and_outlet_flag() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    bin()
        .args(["analyze", "-", "--quiet", "--outlet", "fallback", "--out"])
        .arg(&out)
        .write_stdin("{\"text\": \"A calm day in the city, the weather office said.\"}\n\n{\"id\":\"b\",\"outlet\":\"own\",\"text\":\"Second story here.\"}\n")
        .assert()
        .success();
    let recs = read_jsonl(&out.join("articles.jsonl"));
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["id"], "-:1");
    assert_eq!(recs[0]["outlet"], "fallback");
    assert_eq!(recs[1]["outlet"], "own");
}

#[test]
fn folder_name_gives_outlet() {
    let t = tempfile::tempdir().unwrap();
    let corpus = t.path().join("corpus");
    fs::create_dir_all(corpus.join("gazette")).unwrap();
    fs::write(
        corpus.join("gazette/a.txt"),
        "Headline here\n\nBody text of the story.\n",
    )
    .unwrap();
    let out = t.path().join("out");
    analyze(&[corpus.to_str().unwrap()], &out).success();
    let recs = read_jsonl(&out.join("articles.jsonl"));
    assert_eq!(recs[0]["outlet"], "gazette");
    assert_eq!(recs[0]["outlet_source"], "folder");
    assert_eq!(recs[0]["id"], "gazette/a.txt");
}

#[test]
fn malformed_jsonl_stops_with_file_and_line() {
    let t = tempfile::tempdir().unwrap();
    let j = t.path().join("c.jsonl");
    fs::write(
        &j,
        "{\"text\": \"fine\"}\n{\"text\": 5}\n{\"text\": \"after\"}\n",
    )
    .unwrap();
    let out = t.path().join("out");
    analyze(&[j.to_str().unwrap()], &out)
        .code(2)
        .stderr(predicate::str::contains("c.jsonl:2").and(predicate::str::contains("text")));
    assert!(
        !out.join("report.json").exists(),
        "no report from a failed run"
    );
}

#[test]
fn keep_going_records_the_skip_and_exits_1() {
    let t = tempfile::tempdir().unwrap();
    let j = t.path().join("c.jsonl");
    fs::write(
        &j,
        "{\"text\": \"fine story\"}\nnot json\n{\"title\": \"no text\"}\n{\"text\": \"after\"}\n",
    )
    .unwrap();
    let out = t.path().join("out");
    analyze(&[j.to_str().unwrap(), "--keep-going"], &out).code(1);
    let report = read_json(&out.join("report.json"));
    let run = &report["run"];
    assert_eq!(run["read"], 4);
    assert_eq!(run["analyzed"], 2);
    let skipped = run["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 2);
    assert!(skipped[0]["id"].as_str().unwrap().ends_with("c.jsonl:2"));
    assert!(skipped[1]["reason"].as_str().unwrap().contains("text"));
}

#[test]
fn empty_binary_and_invalid_utf8_files() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("in");
    fs::create_dir(&d).unwrap();
    fs::write(d.join("a-empty.txt"), "").unwrap();
    fs::write(d.join("b-binary.txt"), b"\x00\x01\x02\x00binary\x00").unwrap();
    fs::write(
        d.join("c-latin1.txt"),
        b"Caf\xe9 owners protest\n\nThe caf\xe9 owners said rents were too high.\n",
    )
    .unwrap();
    let out = t.path().join("out");
    analyze(&[d.to_str().unwrap()], &out).code(1);
    let report = read_json(&out.join("report.json"));
    let run = &report["run"];
    assert_eq!(run["read"], 3);
    assert_eq!(run["analyzed"], 1);
    let reasons: Vec<String> = run["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap().to_string())
        .collect();
    assert!(reasons.iter().any(|r| r.contains("empty")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("binary")), "{reasons:?}");
    let recs = read_jsonl(&out.join("articles.jsonl"));
    assert!(recs[0]["warnings"][0].as_str().unwrap().contains("UTF-8"));
}

#[test]
fn missing_input_is_a_usage_error() {
    let t = tempfile::tempdir().unwrap();
    analyze(&["/no/such/file.txt"], &t.path().join("out"))
        .code(2)
        .stderr(predicate::str::contains("/no/such/file.txt"));
}

#[test]
fn unwritable_output_fails_before_work() {
    let t = tempfile::tempdir().unwrap();
    let blocker = t.path().join("file");
    fs::write(&blocker, "x").unwrap();
    let f = fixtures().join("input/harbor.txt");
    analyze(&[f.to_str().unwrap()], &blocker.join("out"))
        .code(2)
        .stderr(predicate::str::contains("file"));
}

#[test]
fn bad_lexicon_names_file_line_col() {
    let d = fixtures().join("lexicon");
    bin()
        .args(["lexicon", "check"])
        .arg(&d)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.toml:12:").and(predicate::str::contains("*broken")));
    let f = fixtures().join("input/harbor.txt");
    bin()
        .args(["score"])
        .arg(&f)
        .arg("--lexicons")
        .arg(&d)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.toml:12:"));
}

#[test]
fn builtin_lexicons_check_and_list() {
    bin()
        .args(["lexicon", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("loaded"));
    bin()
        .args(["lexicon", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("loaded").and(predicate::str::contains("abbreviations")));
}

#[test]
fn jobs_do_not_change_output() {
    let t = tempfile::tempdir().unwrap();
    let samples = repo().join("samples");
    let (o1, o2) = (t.path().join("j1"), t.path().join("j2"));
    for (out, j) in [(&o1, "1"), (&o2, "2")] {
        let mut c = bin();
        c.arg("analyze")
            .arg(&samples)
            .args(["--quiet", "--jobs", j, "--out"])
            .arg(out);
        c.assert().success();
    }
    for name in ALL_OUTPUTS {
        assert_eq!(
            fs::read(o1.join(name)).unwrap(),
            fs::read(o2.join(name)).unwrap(),
            "{name} differs"
        );
    }
}

#[test]
fn score_prints_findings_by_voice() {
    let f = fixtures().join("input/notes.md");
    bin().arg("score").arg(&f).assert().success().stdout(
        predicate::str::contains("Ferry fares to rise in spring")
            .and(predicate::str::contains("own voice"))
            .and(predicate::str::contains("Who speaks")),
    );
    let out = bin()
        .arg("score")
        .arg(&f)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["id"].as_str().unwrap().ends_with("notes.md"));
}

#[test]
fn help_has_examples() {
    bin()
        .arg("analyze")
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"));
}

#[test]
fn merge_of_shards_equals_single_run() {
    let t = tempfile::tempdir().unwrap();
    // A corpus with a skip in the middle, so positions matter.
    let corpus = t.path().join("c.jsonl");
    let mut lines = String::new();
    for i in 0..23 {
        if i == 9 {
            lines.push_str("{\"id\": \"bad\", \"text\": \"\"}\n");
        } else {
            lines.push_str(&format!(
                "{{\"id\": \"a{i}\", \"outlet\": \"o{}\", \"text\": \"Story {i}\\n\\nThe mayor said the so-called reform was a disaster, officials said.\"}}\n",
                i % 3
            ));
        }
    }
    fs::write(&corpus, lines).unwrap();
    let single = t.path().join("single");
    analyze(&[corpus.to_str().unwrap()], &single).code(1);
    let mut shard_dirs = Vec::new();
    for k in 1..=4 {
        let d = t.path().join(format!("s{k}"));
        let shard = format!("{k}/4");
        analyze(&[corpus.to_str().unwrap(), "--shard", &shard], &d);
        shard_dirs.push(d);
    }
    let merged = t.path().join("merged");
    bin()
        .arg("merge")
        .args(&shard_dirs)
        .arg("--out")
        .arg(&merged)
        .assert()
        .code(1);
    for name in ALL_OUTPUTS {
        assert_eq!(
            fs::read_to_string(single.join(name)).unwrap(),
            fs::read_to_string(merged.join(name)).unwrap(),
            "{name} differs"
        );
    }
    // Missing a shard is an error, not a silent partial report.
    bin()
        .arg("merge")
        .args(&shard_dirs[..3])
        .arg("--out")
        .arg(t.path().join("m2"))
        .assert()
        .code(2);
}

#[test]
fn charts_are_drawn_and_redrawn_from_the_report() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let samples = repo().join("samples");
    bin()
        .arg("analyze")
        .arg(samples.join("corpus"))
        .args(["--quiet", "--charts", "all", "--out"])
        .arg(&out)
        .assert()
        .success();
    for name in [
        "loaded_rate",
        "categories",
        "sides",
        "sourcing",
        "distribution",
        "keyness",
    ] {
        let png = fs::read(out.join(format!("charts/{name}.png"))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{name}");
        assert!(fs::read_to_string(out.join(format!("charts/{name}.svg")))
            .unwrap()
            .contains("<svg"));
    }
    // Redrawing from report.json gives the same pictures, byte for byte.
    let redraw = t.path().join("redraw");
    bin()
        .arg("chart")
        .arg(out.join("report.json"))
        .arg("--out")
        .arg(&redraw)
        .assert()
        .success();
    for name in ["loaded_rate", "distribution", "keyness"] {
        let a = fs::read(out.join(format!("charts/{name}.png"))).unwrap();
        let b = fs::read(redraw.join(format!("{name}.png"))).unwrap();
        assert_eq!(a, b, "{name}.png differs after redraw");
    }
    // A one-article fingerprint against the corpus means.
    let fp = t.path().join("fp");
    bin()
        .arg("score")
        .arg(fixtures().join("input/harbor.txt"))
        .arg("--chart")
        .arg(&fp)
        .arg("--reference")
        .arg(out.join("report.json"))
        .assert()
        .success();
    assert!(fp.join("fingerprint.png").is_file());
}
