//! Scoring of loaded-language detection against PTC (SemEval-2020 Task 11) and BABE (SG2), with the
//! definitions of `../shared/datasets/README.md`. Pure functions: the pipeline supplies predicted spans or
//! words; this module loads gold annotations and computes the figures.
//!
//! **PTC** (span level). Gold = `Loaded_Language` ∪ `Name_Calling,Labeling` spans of an article, merged where
//! they overlap. Score = SemEval-2020 Task 11 SI partial credit:
//! `P = Σ_pred |pred ∩ G| / |pred| ÷ #pred`, `R = Σ_gold |gold ∩ P| / |gold| ÷ #gold`, where `G` (resp. `P`)
//! is the union of gold (resp. predicted) spans *of the same article*. Predicted spans are normalised like
//! gold ones (empty spans dropped, overlapping spans merged: the SemEval scorer rejects overlapping spans of
//! one technique, and the union is what a reader sees highlighted). P is 0 with no prediction, R is 0 with
//! no gold span, F1 is the harmonic mean and 0 when P + R = 0.
//!
//! **BABE** (word and sentence level). Words are compared after [`normalize_word`] (lower-cased, surrounding
//! punctuation and quotes trimmed; inner hyphens/apostrophes kept, so `anti-police` stays one word as in
//! BABE's annotation). Per sentence, the predicted words and the gold `biased_words` are each taken as a
//! **set** (a word flagged twice in one sentence counts once, as BABE lists each biased word once). Word
//! P/R/F1 are **micro-averaged** over all sentences, including those with label "No agreement" (their word
//! annotations are still annotations): `TP = Σ |pred ∩ gold|`, `P = TP / Σ |pred|`, `R = TP / Σ |gold|`.
//! Sentence accuracy compares "has a loaded term" with `label_bias == "Biased"` on the sentences labelled
//! `Biased` or `Non-biased` only (`No agreement` and any other label are skipped); `n_sentences` counts the
//! sentences scored for accuracy.
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::error::Error;

/// The PTC techniques that make up the loaded-language gold standard.
pub const PTC_TECHNIQUES: [&str; 2] = ["Loaded_Language", "Name_Calling,Labeling"];

/// A span-level (or word-level) precision/recall/F1 figure.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct SpanScore {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub n_pred: usize,
    pub n_gold: usize,
}

/// Harmonic mean of `p` and `r`, 0 when undefined.
pub fn f1(p: f64, r: f64) -> f64 {
    if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    }
}

/// Sort spans, drop empty or inverted ones, and merge spans that overlap (share at least one code point).
/// Spans that merely touch (`[0,5)` and `[5,9)`) stay separate.
pub fn merge_spans(spans: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut sorted: Vec<(usize, usize)> = spans.iter().copied().filter(|(s, e)| e > s).collect();
    sorted.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(sorted.len());
    for (s, e) in sorted {
        match out.last_mut() {
            Some(last) if s < last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// Load the PTC gold standard from `spans-technique.tsv` (`article_id<TAB>technique<TAB>start<TAB>end`,
/// code-point offsets, end exclusive). Every article named in the file gets an entry (possibly empty, when
/// it has only other techniques), so articles without loaded language still count in precision.
pub fn load_ptc_gold(
    spans_technique_tsv: &Path,
) -> crate::Result<BTreeMap<String, Vec<(usize, usize)>>> {
    let text = std::fs::read_to_string(spans_technique_tsv)
        .map_err(|e| Error::io(spans_technique_tsv, e))?;
    parse_ptc_gold(&text, &spans_technique_tsv.display().to_string())
}

/// [`load_ptc_gold`] on the file contents; `file` names the source in error messages.
pub fn parse_ptc_gold(
    text: &str,
    file: &str,
) -> crate::Result<BTreeMap<String, Vec<(usize, usize)>>> {
    let mut raw: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let bad = |message: String| Error::Input {
            file: file.to_string(),
            line: i + 1,
            message,
        };
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 4 {
            return Err(bad(format!(
                "expected 4 tab-separated columns (article id, technique, start, end), found {}",
                cols.len()
            )));
        }
        let num = |s: &str, what: &str| {
            s.trim()
                .parse::<usize>()
                .map_err(|_| bad(format!("{what} offset {s:?} is not a non-negative integer")))
        };
        let start = num(cols[2], "start")?;
        let end = num(cols[3], "end")?;
        if end < start {
            return Err(bad(format!("end {end} is before start {start}")));
        }
        let spans = raw.entry(cols[0].trim().to_string()).or_default();
        if PTC_TECHNIQUES.contains(&cols[1].trim()) {
            spans.push((start, end));
        }
    }
    Ok(raw.into_iter().map(|(k, v)| (k, merge_spans(&v))).collect())
}

fn overlap_len(span: (usize, usize), union: &[(usize, usize)]) -> usize {
    union
        .iter()
        .map(|&(s, e)| e.min(span.1).saturating_sub(s.max(span.0)))
        .sum()
}

/// SemEval-2020 Task 11 SI partial-credit score (see the module documentation). Articles present only in
/// `pred` contribute predictions with zero overlap; articles present only in `gold` contribute missed spans.
pub fn semeval_partial(
    pred: &BTreeMap<String, Vec<(usize, usize)>>,
    gold: &BTreeMap<String, Vec<(usize, usize)>>,
) -> SpanScore {
    let empty: Vec<(usize, usize)> = Vec::new();
    let mut p_sum = 0.0;
    let mut r_sum = 0.0;
    let mut n_pred = 0usize;
    let mut n_gold = 0usize;
    let ids: BTreeSet<&String> = pred.keys().chain(gold.keys()).collect();
    for id in ids {
        let p = merge_spans(pred.get(id).unwrap_or(&empty));
        let g = merge_spans(gold.get(id).unwrap_or(&empty));
        for &span in &p {
            p_sum += overlap_len(span, &g) as f64 / (span.1 - span.0) as f64;
        }
        for &span in &g {
            r_sum += overlap_len(span, &p) as f64 / (span.1 - span.0) as f64;
        }
        n_pred += p.len();
        n_gold += g.len();
    }
    let precision = if n_pred > 0 {
        p_sum / n_pred as f64
    } else {
        0.0
    };
    let recall = if n_gold > 0 {
        r_sum / n_gold as f64
    } else {
        0.0
    };
    SpanScore {
        precision,
        recall,
        f1: f1(precision, recall),
        n_pred,
        n_gold,
    }
}

/// One BABE SG2 sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct BabeRow {
    pub text: String,
    /// `Biased`, `Non-biased` or `No agreement`.
    pub label_bias: String,
    /// The annotated biased words, as written in the file (not normalised).
    pub biased_words: Vec<String>,
    pub outlet: String,
    /// The outlet's leaning as given in the `type` column (left / center / right).
    pub kind: String,
}

/// BABE word- and sentence-level figures (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct BabeScore {
    pub word_precision: f64,
    pub word_recall: f64,
    pub word_f1: f64,
    pub sentence_accuracy: f64,
    pub n_sentences: usize,
}

/// Load BABE SG2 (`;`-separated, double-quote quoting, header row with at least `text`, `outlet`, `type`,
/// `label_bias`, `biased_words`).
pub fn load_babe(csv_path: &Path) -> crate::Result<Vec<BabeRow>> {
    let bytes = std::fs::read(csv_path).map_err(|e| Error::io(csv_path, e))?;
    parse_babe(&bytes, &csv_path.display().to_string())
}

/// [`load_babe`] on the file contents; `file` names the source in error messages.
pub fn parse_babe(bytes: &[u8], file: &str) -> crate::Result<Vec<BabeRow>> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let err = |line: usize, message: String| Error::Input {
        file: file.to_string(),
        line,
        message,
    };
    let headers = rdr
        .headers()
        .map_err(|e| err(1, format!("cannot read header: {e}")))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().trim_start_matches('\u{feff}') == name)
            .ok_or_else(|| err(1, format!("missing column {name:?}")))
    };
    let (c_text, c_outlet, c_type, c_label, c_words) = (
        col("text")?,
        col("outlet")?,
        col("type")?,
        col("label_bias")?,
        col("biased_words")?,
    );
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            err(line, format!("malformed CSV record: {e}"))
        })?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        let get = |i: usize| rec.get(i).unwrap_or("").to_string();
        let biased_words =
            parse_py_list(&get(c_words)).map_err(|m| err(line, format!("biased_words: {m}")))?;
        rows.push(BabeRow {
            text: get(c_text),
            label_bias: get(c_label).trim().to_string(),
            biased_words,
            outlet: get(c_outlet),
            kind: get(c_type),
        });
    }
    Ok(rows)
}

/// Parse a Python list-of-strings literal such as `['criminals', "don't", 'it\'s']`. Accepts single- or
/// double-quoted items, backslash escapes (`\'`, `\"`, `\\`, `\n`, `\t`), an optional trailing comma and an
/// empty string or `[]` for no items.
pub fn parse_py_list(s: &str) -> Result<Vec<String>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(Vec::new());
    }
    let inner = s
        .strip_prefix('[')
        .and_then(|x| x.strip_suffix(']'))
        .ok_or_else(|| format!("expected a [...] list, found {s:?}"))?;
    let mut out = Vec::new();
    let mut chars = inner.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(q) = chars.next() else { break };
        if q != '\'' && q != '"' {
            return Err(format!("expected a quoted item, found {q:?}"));
        }
        let mut item = String::new();
        let mut closed = false;
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('n') => item.push('\n'),
                    Some('t') => item.push('\t'),
                    Some(other) => item.push(other),
                    None => return Err("dangling backslash".to_string()),
                },
                c if c == q => {
                    closed = true;
                    break;
                }
                c => item.push(c),
            }
        }
        if !closed {
            return Err("unterminated quoted item".to_string());
        }
        out.push(item);
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        match chars.next() {
            None => break,
            Some(',') => {}
            Some(c) => return Err(format!("expected ',' or ']' after an item, found {c:?}")),
        }
    }
    Ok(out)
}

/// Normalise a word for BABE comparison: lower-case, trim everything that is not a letter or digit from both
/// ends (quotes, punctuation, brackets). Inner hyphens and apostrophes are kept. Empty when nothing is left.
pub fn normalize_word(w: &str) -> String {
    w.trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

fn word_set(words: &[String]) -> BTreeSet<String> {
    words
        .iter()
        .flat_map(|w| w.split_whitespace())
        .map(normalize_word)
        .filter(|w| !w.is_empty())
        .collect()
}

/// Score BABE predictions. `predicted_words[i]` are the words inside the predicted spans of `rows[i]`
/// (items with spaces are split into words); `predicted_flag[i]` says whether sentence `i` has a loaded
/// term. A missing prediction (slices shorter than `rows`) counts as "nothing predicted".
pub fn babe_scores(
    rows: &[BabeRow],
    predicted_words: &[Vec<String>],
    predicted_flag: &[bool],
) -> BabeScore {
    let (mut tp, mut n_pred, mut n_gold) = (0usize, 0usize, 0usize);
    let (mut correct, mut n_sentences) = (0usize, 0usize);
    for (i, row) in rows.iter().enumerate() {
        let gold = word_set(&row.biased_words);
        let pred = predicted_words
            .get(i)
            .map(|w| word_set(w))
            .unwrap_or_default();
        tp += pred.intersection(&gold).count();
        n_pred += pred.len();
        n_gold += gold.len();
        let truth = match row.label_bias.as_str() {
            "Biased" => true,
            "Non-biased" => false,
            _ => continue,
        };
        n_sentences += 1;
        if predicted_flag.get(i).copied().unwrap_or(false) == truth {
            correct += 1;
        }
    }
    let word_precision = if n_pred > 0 {
        tp as f64 / n_pred as f64
    } else {
        0.0
    };
    let word_recall = if n_gold > 0 {
        tp as f64 / n_gold as f64
    } else {
        0.0
    };
    BabeScore {
        word_precision,
        word_recall,
        word_f1: f1(word_precision, word_recall),
        sentence_accuracy: if n_sentences > 0 {
            correct as f64 / n_sentences as f64
        } else {
            0.0
        },
        n_sentences,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    fn map(items: &[(&str, Vec<(usize, usize)>)]) -> BTreeMap<String, Vec<(usize, usize)>> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn merge_overlapping_not_touching() {
        assert_eq!(
            merge_spans(&[(5, 9), (0, 5), (3, 4), (8, 12), (20, 20)]),
            vec![(0, 5), (5, 12)]
        );
    }

    #[test]
    fn ptc_gold_filters_and_merges() {
        let tsv = "1\tLoaded_Language\t10\t20\n1\tName_Calling,Labeling\t15\t30\n1\tDoubt\t0\t5\n\
                   1\tLoaded_Language\t40\t45\n2\tDoubt\t0\t9\n3\tName_Calling,Labeling\t7\t9\r\n";
        let g = parse_ptc_gold(tsv, "t.tsv").unwrap();
        assert_eq!(g.get("1").unwrap(), &vec![(10, 30), (40, 45)]);
        assert_eq!(g.get("2").unwrap(), &Vec::<(usize, usize)>::new());
        assert_eq!(g.get("3").unwrap(), &vec![(7, 9)]);
    }

    #[test]
    fn ptc_gold_reports_bad_lines() {
        let e = parse_ptc_gold("1\tLoaded_Language\t10\n", "t.tsv").unwrap_err();
        assert!(e.to_string().starts_with("t.tsv:1:"), "{e}");
        let e = parse_ptc_gold(
            "1\tLoaded_Language\t1\t2\n1\tLoaded_Language\tx\t2\n",
            "t.tsv",
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("t.tsv:2:"), "{e}");
    }

    #[test]
    fn semeval_partial_by_hand() {
        // Article a: gold [0,10) and [20,30); predictions [5,15) (overlap 5/10) and [20,30) (10/10).
        // Article b: gold none; prediction [0,4) (0/4). Article c: gold [0,8), no prediction.
        // P = (0.5 + 1 + 0) / 3 = 0.5. R: gold [0,10) covered 5/10, [20,30) 10/10, c's 0 → 1.5 / 3 = 0.5.
        let pred = map(&[("a", vec![(5, 15), (20, 30)]), ("b", vec![(0, 4)])]);
        let gold = map(&[
            ("a", vec![(0, 10), (20, 30)]),
            ("b", vec![]),
            ("c", vec![(0, 8)]),
        ]);
        let s = semeval_partial(&pred, &gold);
        assert!(
            close(s.precision, 0.5) && close(s.recall, 0.5) && close(s.f1, 0.5),
            "{s:?}"
        );
        assert_eq!((s.n_pred, s.n_gold), (3, 3));
    }

    #[test]
    fn semeval_partial_union_and_asymmetry() {
        // One gold span [0,20); two predictions [0,5) and [10,20): P = (1 + 1)/2 = 1,
        // R = (5 + 10)/20 / 1 = 0.75, F1 = 2·0.75/1.75 = 6/7.
        let pred = map(&[("a", vec![(0, 5), (10, 20)])]);
        let gold = map(&[("a", vec![(0, 20)])]);
        let s = semeval_partial(&pred, &gold);
        assert!(
            close(s.precision, 1.0) && close(s.recall, 0.75) && close(s.f1, 6.0 / 7.0),
            "{s:?}"
        );
        // Overlapping predictions are merged before scoring: [0,5) ∪ [3,8) = [0,8) → P 1, R 0.4.
        let s = semeval_partial(&map(&[("a", vec![(0, 5), (3, 8)])]), &gold);
        assert_eq!(s.n_pred, 1);
        assert!(close(s.precision, 1.0) && close(s.recall, 0.4), "{s:?}");
    }

    #[test]
    fn semeval_partial_undefined_is_zero() {
        let s = semeval_partial(&BTreeMap::new(), &map(&[("a", vec![(0, 3)])]));
        assert_eq!(
            (s.precision, s.recall, s.f1, s.n_pred, s.n_gold),
            (0.0, 0.0, 0.0, 0, 1)
        );
        let s = semeval_partial(&map(&[("a", vec![(0, 3)])]), &BTreeMap::new());
        assert_eq!((s.precision, s.recall, s.f1), (0.0, 0.0, 0.0));
    }

    #[test]
    fn py_list_parsing() {
        assert_eq!(parse_py_list("[]").unwrap(), Vec::<String>::new());
        assert_eq!(parse_py_list("").unwrap(), Vec::<String>::new());
        assert_eq!(
            parse_py_list("['criminals', 'fringe']").unwrap(),
            vec!["criminals", "fringe"]
        );
        assert_eq!(
            parse_py_list(r#"['gang', "don't", 'it\'s', "say \"no\"", 'a\\b',]"#).unwrap(),
            vec!["gang", "don't", "it's", "say \"no\"", "a\\b"]
        );
        assert_eq!(
            parse_py_list(r#"['"Four', 'Years"']"#).unwrap(),
            vec!["\"Four", "Years\""]
        );
        assert!(parse_py_list("['open").is_err());
        assert!(parse_py_list("criminals").is_err());
        assert!(parse_py_list("['a' 'b']").is_err());
    }

    #[test]
    fn babe_csv_loading() {
        let csv = "text;news_link;outlet;topic;type;label_bias;label_opinion;biased_words\n\
                   \"He said \"\"no\"\"; then left.\";http://x;Fox News;t;right;Biased;Opinion;\"['no', \"\"don't\"\"]\"\n\
                   Plain text.;http://y;MSNBC;t;left;Non-biased;Entirely factual;[]\n";
        let rows = parse_babe(csv.as_bytes(), "b.csv").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].text, "He said \"no\"; then left.");
        assert_eq!(rows[0].biased_words, vec!["no", "don't"]);
        assert_eq!(
            (rows[0].outlet.as_str(), rows[0].kind.as_str()),
            ("Fox News", "right")
        );
        assert_eq!(rows[1].label_bias, "Non-biased");
        assert!(rows[1].biased_words.is_empty());
        let e = parse_babe(b"text;outlet\nx;y\n", "b.csv").unwrap_err();
        assert!(e.to_string().contains("missing column"), "{e}");
    }

    fn row(label: &str, words: &[&str]) -> BabeRow {
        BabeRow {
            text: String::new(),
            label_bias: label.to_string(),
            biased_words: words.iter().map(|w| w.to_string()).collect(),
            outlet: String::new(),
            kind: String::new(),
        }
    }

    #[test]
    fn babe_scores_by_hand() {
        let rows = vec![
            row("Biased", &["Criminals", "fringe"]),
            row("Non-biased", &[]),
            row("No agreement", &["radical"]),
            row("Biased", &["\"Slammed"]),
        ];
        let pw = |ws: &[&str]| ws.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        // Sentence 0: pred {criminals, extreme} (criminals twice → set) → tp 1, pred 2, gold 2.
        // Sentence 1: pred {surge} → tp 0, pred 1. Sentence 2: pred {radical} → tp 1, pred 1, gold 1.
        // Sentence 3: nothing predicted, gold 1. TP 2, pred 4, gold 4 → P = R = 0.5.
        let predicted = vec![
            pw(&["criminals", "Criminals,", "extreme"]),
            pw(&["surge"]),
            pw(&["radical"]),
        ];
        // Flags: 0 true (correct), 1 true (wrong), 2 skipped, 3 missing → false (wrong). Accuracy 1/3.
        let flags = vec![true, true, true];
        let s = babe_scores(&rows, &predicted, &flags);
        assert!(
            close(s.word_precision, 0.5) && close(s.word_recall, 0.5) && close(s.word_f1, 0.5),
            "{s:?}"
        );
        assert!(close(s.sentence_accuracy, 1.0 / 3.0), "{s:?}");
        assert_eq!(s.n_sentences, 3);
    }

    #[test]
    fn babe_scores_empty_is_zero() {
        let s = babe_scores(&[], &[], &[]);
        assert_eq!(
            (
                s.word_precision,
                s.word_recall,
                s.word_f1,
                s.sentence_accuracy,
                s.n_sentences
            ),
            (0.0, 0.0, 0.0, 0.0, 0)
        );
        // Multi-word prediction items are split into words.
        let s = babe_scores(
            &[row("Biased", &["so-called", "experts"])],
            &[vec!["so-called experts".into()]],
            &[true],
        );
        assert!(
            close(s.word_f1, 1.0) && close(s.sentence_accuracy, 1.0),
            "{s:?}"
        );
    }
}

#[cfg(test)]
mod dataset_tests {
    use super::*;

    use crate::testdata::dataset;

    #[test]
    fn real_ptc_gold_loads() {
        let Some(p) = dataset("ptc/spans-technique.tsv") else {
            return;
        };
        let g = load_ptc_gold(&p).unwrap();
        assert!(g.len() > 100, "{} articles", g.len());
        let n: usize = g.values().map(Vec::len).sum();
        assert!(n > 1000, "{n} gold spans");
        // Perfect prediction scores 1.
        let s = semeval_partial(&g, &g);
        assert!(close(s.f1, 1.0));
    }

    #[test]
    fn real_babe_loads() {
        let Some(p) = dataset("babe/sg2.csv") else {
            return;
        };
        let rows = load_babe(&p).unwrap();
        assert!(rows.len() > 1000, "{} rows", rows.len());
        assert!(rows
            .iter()
            .any(|r| r.label_bias == "Biased" && !r.biased_words.is_empty()));
        let words: Vec<Vec<String>> = rows.iter().map(|r| r.biased_words.clone()).collect();
        let flags: Vec<bool> = rows.iter().map(|r| r.label_bias == "Biased").collect();
        let s = babe_scores(&rows, &words, &flags);
        assert!(
            close(s.word_f1, 1.0) && close(s.sentence_accuracy, 1.0),
            "{s:?}"
        );
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }
}
