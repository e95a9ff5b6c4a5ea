//! Helpers shared by the integration tests: the real binary, temp dirs, the shared datasets.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn bin() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("slantscope").expect("binary built");
    c.env_remove("SLANTSCOPE_LEXICONS");
    c
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/datasets` (or `$SLANTSCOPE_SHARED/datasets`). Missing data fails loudly under `CI=true`
/// and skips the calling test (returning None) elsewhere.
pub fn datasets() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("SLANTSCOPE_SHARED").map(PathBuf::from),
        Some(repo().join("../shared")),
        Some(PathBuf::from("/work/shared")),
    ];
    for c in candidates.into_iter().flatten() {
        let d = c.join("datasets");
        if d.is_dir() {
            return Some(d);
        }
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("../shared/datasets is missing: CI must run with the shared datasets beside the repository");
    }
    eprintln!("note: ../shared/datasets not found; skipping dataset test");
    None
}

pub fn read_json(path: &Path) -> serde_json::Value {
    let s = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&s).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn read_jsonl(path: &Path) -> Vec<serde_json::Value> {
    let s = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    s.lines()
        .map(|l| serde_json::from_str(l).expect("valid JSON line"))
        .collect()
}

/// Check that every span object (`start`, `end`, `text`) in `v` satisfies text == doc[start:end] in
/// code points. Returns the number of spans checked.
pub fn check_spans(v: &serde_json::Value, doc: &[char], ctx: &str) -> usize {
    let mut n = 0;
    match v {
        serde_json::Value::Object(m) => {
            if let (Some(s), Some(e), Some(t)) = (m.get("start"), m.get("end"), m.get("text")) {
                if let (Some(s), Some(e), Some(t)) = (s.as_u64(), e.as_u64(), t.as_str()) {
                    let (s, e) = (s as usize, e as usize);
                    assert!(
                        s <= e && e <= doc.len(),
                        "{ctx}: span {s}..{e} out of range {}",
                        doc.len()
                    );
                    let got: String = doc[s..e].iter().collect();
                    assert_eq!(got, t, "{ctx}: span {s}..{e}");
                    n += 1;
                }
            }
            for (k, x) in m {
                if k != "text" {
                    n += check_spans(x, doc, ctx);
                }
            }
        }
        serde_json::Value::Array(a) => {
            for x in a {
                n += check_spans(x, doc, ctx);
            }
        }
        _ => {}
    }
    n
}

/// `analyze tests/fixtures/input` (run from the repository root, charts off) into a fresh temp folder.
pub fn analyze_fixtures() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    bin()
        .current_dir(repo())
        .args([
            "analyze",
            "tests/fixtures/input",
            "--quiet",
            "--charts",
            "none",
            "--out",
        ])
        .arg(t.path())
        .assert()
        .success();
    t
}
