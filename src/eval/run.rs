//! Runs the real analyzer over an annotated corpus and scores it (`slantscope eval ...`). Predictions
//! come from exactly the code path `analyze` uses.

use super::loaded::{self, BabeScore, SpanScore};
use crate::analyze::{self, Engine};
use crate::input::{Document, Format, OutletSource};
use crate::{Error, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A code point range.
type Span = (usize, usize);

/// A document built from raw text the way the text reader would (first line = headline when asked).
pub fn document(id: &str, text: String, first_line_is_headline: bool) -> Document {
    Document {
        id: id.to_string(),
        outlet: "eval".into(),
        outlet_source: OutletSource::Flag,
        title: None,
        date: None,
        url: None,
        byline: None,
        text: text
            .strip_prefix('\u{feff}')
            .map(str::to_string)
            .unwrap_or(text),
        format: Format::Text,
        first_line_is_headline,
        warnings: Vec::new(),
        path: PathBuf::from(id),
        line: None,
    }
}

/// PTC result: the overall score and a per-category precision view (which categories earn their hits).
#[derive(Debug, Clone, Serialize)]
pub struct PtcReport {
    pub articles: usize,
    pub score: SpanScore,
    /// category → (predicted spans, partial-credit precision of that category's spans)
    pub by_category: BTreeMap<String, (usize, f64)>,
}

/// Score loaded-term spans (all voices: PTC annotates the article's text, quotes included) against PTC
/// `Loaded_Language` ∪ `Name_Calling,Labeling`.
pub fn ptc(dir: &Path, engine: &Engine) -> Result<PtcReport> {
    let gold = loaded::load_ptc_gold(&dir.join("spans-technique.tsv"))?;
    let mut pred: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    let mut cat_spans: BTreeMap<String, Vec<(String, Span)>> = BTreeMap::new();
    let adir = dir.join("articles");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&adir)
        .map_err(|e| Error::io(&adir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    for f in &files {
        let stem = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let id = stem.trim_start_matches("article").to_string();
        let text = std::fs::read_to_string(f).map_err(|e| Error::io(f, e))?;
        let rec = analyze::analyze(&document(&id, text, true), engine, false);
        let counted = || rec.loaded_terms.iter().filter(|t| t.counted);
        let spans: Vec<(usize, usize)> = counted().map(|t| (t.start, t.end)).collect();
        for t in counted() {
            cat_spans
                .entry(t.category.to_string())
                .or_default()
                .push((id.clone(), (t.start, t.end)));
        }
        pred.insert(id, spans);
    }
    let empty = Vec::new();
    let by_category = cat_spans
        .into_iter()
        .map(|(cat, spans)| {
            let credit: f64 = spans
                .iter()
                .map(|(id, s)| {
                    let g = gold.get(id).unwrap_or(&empty);
                    let ov: usize = g
                        .iter()
                        .map(|&(a, b)| b.min(s.1).saturating_sub(a.max(s.0)))
                        .sum();
                    ov as f64 / (s.1 - s.0).max(1) as f64
                })
                .sum();
            (cat, (spans.len(), credit / spans.len().max(1) as f64))
        })
        .collect();
    Ok(PtcReport {
        articles: files.len(),
        score: loaded::semeval_partial(&pred, &gold),
        by_category,
    })
}

/// Score loaded-term words against BABE's `biased_words`, and "has a loaded term" against `label_bias`.
pub fn babe(file: &Path, engine: &Engine) -> Result<BabeScore> {
    let rows = loaded::load_babe(file)?;
    let mut words = Vec::with_capacity(rows.len());
    let mut flags = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let rec = analyze::analyze(
            &document(&i.to_string(), row.text.clone(), false),
            engine,
            false,
        );
        let counted: Vec<String> = rec
            .loaded_terms
            .iter()
            .filter(|t| t.counted)
            .map(|t| t.text.clone())
            .collect();
        flags.push(!counted.is_empty());
        words.push(counted);
    }
    Ok(loaded::babe_scores(&rows, &words, &flags))
}

/// Score attribution extraction on one PolNeAR compartment with the engine `analyze` uses.
pub fn polnear(root: &Path, split: &str, engine: &Engine) -> Result<super::polnear::PolnearReport> {
    let opts = crate::text::BuildOptions {
        first_line_is_headline: true,
    };
    super::polnear::evaluate(&root.join(split), &root.join("metadata.tsv"), |text| {
        let model = crate::text::build(text, &engine.text_rules, &opts);
        let atts = crate::analyze::attribution::extract(text, &model, &engine.attribution);
        super::polnear::predictions(text, &atts)
    })
}
