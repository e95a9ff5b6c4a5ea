//! Property tests over generated news-like text: the text model's invariants (spans on char boundaries,
//! segmentation that loses no characters, voice runs covering every paragraph byte exactly once), record
//! spans that match the text in code points, and through the binary: output identical for `--jobs 1` and
//! `--jobs 2`, and `merge` of shards identical to a single run.
//!
//! The invariant checks live in `fuzz/invariants.rs` and are shared with the fuzz targets.
mod common;
#[path = "../fuzz/invariants.rs"]
mod invariants;

use common::*;
use proptest::prelude::*;
use slantscope::analyze::{analyze, Engine};
use slantscope::input::{Document, Format, OutletSource};
use slantscope::lexicon::LexiconSet;
use slantscope::text::{build, BuildOptions};
use std::fs;
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::new(LexiconSet::builtin().unwrap()).unwrap())
}

/// Pieces news text is made of, plus the characters that break naive code: every quotation mark family,
/// apostrophes, abbreviations, terminators, CJK stops, combining marks, astral characters, odd
/// whitespace and line breaks.
const PIECES: &[&str] = &[
    "the",
    "regime",
    "said",
    "Officials",
    "puppet",
    "disaster",
    "so-called",
    "U.S.",
    "Sen.",
    "Dr.",
    "J.",
    "K.",
    "3.5",
    "1,000",
    "don't",
    "students'",
    "war-torn",
    "according to",
    "claimed",
    "told",
    "Reuters",
    "she",
    "He",
    "“",
    "”",
    "‘",
    "’",
    "\"",
    "'",
    "«",
    "»",
    "„",
    "‹",
    "›",
    "「",
    "」",
    "—",
    "(",
    ")",
    "[",
    "]",
    ".",
    "...",
    "…",
    "?",
    "!",
    "?!",
    "。",
    "！",
    ",",
    ";",
    ":",
    " ",
    " ",
    " ",
    "\u{a0}",
    "\u{200b}",
    "\u{feff}",
    "\t",
    "\n",
    "\n\n",
    "\r\n",
    "\u{2028}",
    "\u{85}",
    "é",
    "e\u{301}",
    "ß",
    "İ",
    "Σ",
    "ﬁ",
    "😀",
    "👩‍👩‍👧",
    "日本",
    "مرحبا",
    "x",
    "7",
];

fn news_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(PIECES).prop_map(str::to_string),
            1 => any::<char>().prop_map(|c| c.to_string()),
        ],
        0..120,
    )
    .prop_map(|v| v.concat())
}

fn document(text: String, first_line_is_headline: bool) -> Document {
    Document {
        id: "prop".into(),
        outlet: "prop".into(),
        outlet_source: OutletSource::Flag,
        title: None,
        date: None,
        url: None,
        byline: None,
        text,
        format: Format::Text,
        first_line_is_headline,
        warnings: Vec::new(),
        path: "prop.txt".into(),
        line: None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Paragraphs, sentences, tokens, quotes and voice runs are well formed; no character is lost by
    /// sentence segmentation; the voice runs tile every paragraph exactly once.
    #[test]
    fn text_model_invariants(text in news_text(), headline in any::<bool>()) {
        let m = build(&text, &engine().text_rules, &BuildOptions { first_line_is_headline: headline });
        if let Err(e) = invariants::check_model(&text, &m) {
            prop_assert!(false, "{e}\ntext: {text:?}");
        }
    }

    /// Marking any span paraphrased keeps the voice map a tiling and never unquotes a quotation.
    #[test]
    fn set_paraphrased_keeps_voice_tiling(text in news_text(), a in 0usize..400, len in 0usize..400) {
        let mut m = build(&text, &engine().text_rules, &BuildOptions::default());
        let before = m.clone();
        let mut a = a.min(text.len());
        let mut b = (a + len).min(text.len());
        while !text.is_char_boundary(a) { a -= 1; }
        while !text.is_char_boundary(b) { b -= 1; }
        m.set_paraphrased(a, b);
        if let Err(e) = invariants::check_paraphrased(&text, &before, &m) {
            prop_assert!(false, "{e}\ntext: {text:?} span {a}..{b}");
        }
    }

    /// Every span of an article record satisfies `text == document[start:end]` in code points.
    #[test]
    fn record_spans_match_text(text in news_text(), headline in any::<bool>()) {
        let doc = document(text, headline);
        let rec = analyze(&doc, engine(), false);
        if let Err(e) = invariants::check_record(&doc.text, &rec) {
            prop_assert!(false, "{e}\ntext: {:?}", doc.text);
        }
    }

    /// Tokenisation loses no word characters: every ASCII letter or digit of a sentence that follows an
    /// ASCII character (so it starts its own grapheme cluster) lies in a token.
    #[test]
    fn tokens_cover_alphanumerics(text in news_text()) {
        let m = build(&text, &engine().text_rules, &BuildOptions::default());
        for (si, s) in m.sentences.iter().enumerate() {
            let toks = m.tokens_in(si);
            let mut ti = 0;
            let mut prev_ascii = true;
            for (off, c) in text[s.start..s.end].char_indices() {
                let b = s.start + off;
                while toks.get(ti).is_some_and(|t| t.end <= b) { ti += 1; }
                let inside = toks.get(ti).is_some_and(|t| t.start <= b);
                if c.is_ascii_alphanumeric() && prev_ascii {
                    prop_assert!(inside, "{c:?} at {b} in no token; text {text:?}");
                }
                prev_ascii = c.is_ascii();
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Through the binary: small random corpora, few cases (each case runs the binary several times).

/// A JSONL corpus of 1..30 records from generated text, some empty (skips), some with outlets.
fn corpus() -> impl Strategy<Value = Vec<(Option<u8>, String)>> {
    prop::collection::vec((prop::option::of(0u8..4), news_text()), 1..30)
}

fn write_corpus(dir: &std::path::Path, recs: &[(Option<u8>, String)]) -> std::path::PathBuf {
    let mut s = String::new();
    for (i, (outlet, text)) in recs.iter().enumerate() {
        let mut o = serde_json::json!({"id": format!("r{i}"), "text": text});
        if let Some(k) = outlet {
            o["outlet"] = serde_json::json!(format!("outlet{k}"));
        }
        s.push_str(&o.to_string());
        s.push('\n');
    }
    let p = dir.join("c.jsonl");
    fs::write(&p, s).unwrap();
    p
}

fn run_analyze(input: &std::path::Path, out: &std::path::Path, extra: &[&str]) -> i32 {
    let o = bin()
        .arg("analyze")
        .arg(input)
        .args(extra)
        .args(["--quiet", "--include-text", "--out"])
        .arg(out)
        .output()
        .unwrap();
    let code = o.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "exit {code}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    code
}

/// Every file under folder `a` (recursively: charts too) equals the file at the same path under `b`, and
/// both hold the same names.
fn same_outputs(a: &std::path::Path, b: &std::path::Path) -> Result<(), TestCaseError> {
    let names = |d: &std::path::Path| {
        let mut v: Vec<String> = fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    prop_assert_eq!(names(a), names(b), "in {}", a.display());
    for n in names(a) {
        let (x, y) = (a.join(&n), b.join(&n));
        if x.is_dir() {
            same_outputs(&x, &y)?;
        } else {
            let (bx, by) = (fs::read(&x).unwrap(), fs::read(&y).unwrap());
            if bx != by {
                let (sx, sy) = (String::from_utf8_lossy(&bx), String::from_utf8_lossy(&by));
                let first = sx
                    .lines()
                    .zip(sy.lines())
                    .find(|(l, r)| l != r)
                    .map(|(l, r)| format!("\n  {l}\n  {r}"))
                    .unwrap_or_default();
                prop_assert!(false, "{} differs from {}{first}", x.display(), y.display());
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn jobs_1_and_2_write_identical_output(recs in corpus()) {
        let t = tempfile::tempdir().unwrap();
        let input = write_corpus(t.path(), &recs);
        let (o1, o2) = (t.path().join("j1"), t.path().join("j2"));
        let c1 = run_analyze(&input, &o1, &["--jobs", "1"]);
        let c2 = run_analyze(&input, &o2, &["--jobs", "2"]);
        prop_assert_eq!(c1, c2);
        same_outputs(&o1, &o2)?;
        // Spans of the records hold against the text written beside them.
        for r in read_jsonl(&o1.join("articles.jsonl")) {
            let doc: Vec<char> = r["text"].as_str().unwrap().chars().collect();
            check_spans(&r, &doc, r["id"].as_str().unwrap());
        }
        let report = read_json(&o1.join("report.json"));
        let run = &report["run"];
        prop_assert_eq!(
            run["read"].as_u64().unwrap(),
            run["analyzed"].as_u64().unwrap() + run["skipped"].as_array().unwrap().len() as u64
        );
        prop_assert_eq!(run["read"].as_u64().unwrap(), recs.len() as u64);
    }

    #[test]
    fn merge_of_shards_equals_single_run(recs in corpus(), n in 1usize..5) {
        let t = tempfile::tempdir().unwrap();
        let input = write_corpus(t.path(), &recs);
        let single = t.path().join("single");
        let code = run_analyze(&input, &single, &[]);
        let mut dirs = Vec::new();
        for k in 1..=n {
            let d = t.path().join(format!("s{k}"));
            run_analyze(&input, &d, &["--shard", &format!("{k}/{n}")]);
            dirs.push(d);
        }
        let merged = t.path().join("merged");
        let o = bin().arg("merge").args(&dirs).arg("--out").arg(&merged).output().unwrap();
        prop_assert_eq!(o.status.code(), Some(code), "{}", String::from_utf8_lossy(&o.stderr));
        same_outputs(&single, &merged)?;
    }
}
