//! PolNeAR attribution evaluation (Newell, Margolin & Ruths 2018), scored exactly as
//! `../shared/datasets/README.md` defines it:
//!
//! * every span becomes the set of its word tokens (`\w+`, keyed by their start offset in code points);
//! * gold and predicted attributions are aligned one-to-one, greedily by content-token Dice (> 0), ties
//!   broken by cue-token overlap;
//! * detection P/R/F1 count aligned pairs;
//! * per role (source, cue, content): exact = token sets equal on an aligned pair (P over all predicted,
//!   R over all gold attributions); overlap P/R = tokens shared on aligned pairs ÷ all predicted (resp. gold)
//!   tokens of that role;
//! * the gold annotation of each article is the first annotator listed in `metadata.tsv`.
//!
//! The breakdown by type classifies gold *and* predicted attributions with one rule — content whose text
//! starts or ends with a quotation mark is `direct`, else `indirect` — and scores each class with recall
//! over its gold and precision over its predictions.

use crate::analyze::attribution::Attribution;
use crate::text::CharIndex;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Code-point ranges `start..end`.
pub type Spans = Vec<(usize, usize)>;

/// One attribution with code-point spans (possibly discontinuous), predicted or gold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PredictedAttribution {
    /// The extractor's type (direct, indirect, mixed, according_to; "gold" for gold ones).
    pub kind: String,
    pub source: Spans,
    pub cue: Spans,
    pub content: Spans,
}

/// Gold attributions have the same shape.
pub type GoldAttribution = PredictedAttribution;

/// Convert extracted attributions (byte offsets) into code-point predictions; a continuation quote
/// (`continues`) becomes another content span of the attribution it continues, as PolNeAR annotates it.
pub fn predictions(text: &str, atts: &[Attribution]) -> Vec<PredictedAttribution> {
    let idx = CharIndex::new(text);
    let cp = |s: usize, e: usize| (idx.char_of(s), idx.char_of(e));
    let mut out: Vec<PredictedAttribution> = Vec::new();
    let mut map: Vec<Option<usize>> = Vec::with_capacity(atts.len());
    for a in atts {
        let content = cp(a.content.start, a.content.end);
        if let Some(parent) = a.continues.and_then(|c| map.get(c).copied().flatten()) {
            if let Some(p) = out.get_mut(parent) {
                p.content.push(content);
            }
            map.push(Some(parent));
            continue;
        }
        map.push(Some(out.len()));
        out.push(PredictedAttribution {
            kind: a.kind.to_string(),
            source: a
                .source
                .map(|s| vec![cp(s.start, s.end)])
                .unwrap_or_default(),
            cue: a.cue.map(|s| vec![cp(s.start, s.end)]).unwrap_or_default(),
            content: vec![content],
        });
    }
    out
}

/// Parse a brat `.ann` file: `T` lines with `Source|Cue|Content start end(;start end)*`, `E` lines
/// `Attribution:Tn Source:Tm Cue:Tk Content:Tj` (also `Attribution-no-source`, `Content2`).
pub fn parse_ann(ann: &str) -> Vec<GoldAttribution> {
    let mut spans: BTreeMap<&str, Spans> = BTreeMap::new();
    let mut events: Vec<Vec<(&str, &str)>> = Vec::new();
    for line in ann.lines() {
        let mut f = line.split('\t');
        let (Some(id), Some(body)) = (f.next(), f.next()) else {
            continue;
        };
        if id.starts_with('T') {
            let Some((_, offs)) = body.split_once(' ') else {
                continue;
            };
            let mut v = Vec::new();
            for part in offs.split(';') {
                let mut n = part
                    .split_whitespace()
                    .filter_map(|x| x.parse::<usize>().ok());
                if let (Some(s), Some(e)) = (n.next(), n.next()) {
                    v.push((s, e));
                }
            }
            spans.insert(id, v);
        } else if id.starts_with('E') {
            let args: Vec<(&str, &str)> = body
                .split_whitespace()
                .filter_map(|a| a.split_once(':'))
                .collect();
            if args
                .first()
                .is_some_and(|(k, _)| k.starts_with("Attribution"))
            {
                events.push(args);
            }
        }
    }
    let mut out = Vec::new();
    for ev in events {
        let mut g = GoldAttribution {
            kind: "gold".into(),
            ..Default::default()
        };
        for (role, t) in ev.iter().skip(1) {
            let role = role.trim_end_matches(|c: char| c.is_ascii_digit());
            let Some(s) = spans.get(t) else { continue };
            match role {
                "Source" => g.source.extend(s),
                "Cue" => g.cue.extend(s),
                "Content" => g.content.extend(s),
                _ => {}
            }
        }
        out.push(g);
    }
    out
}

/// `\w+` tokens of the spans, keyed by absolute start offset (code points).
fn token_set(chars: &[char], spans: &Spans) -> BTreeSet<usize> {
    let mut set = BTreeSet::new();
    for &(s, e) in spans {
        let e = e.min(chars.len());
        let mut i = s.min(e);
        while i < e {
            if is_w(chars[i]) {
                set.insert(i);
                while i < e && is_w(chars[i]) {
                    i += 1;
                }
            } else {
                i += 1;
            }
        }
    }
    set
}

fn is_w(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// direct when the content text starts or ends with a quotation mark, else indirect.
pub fn content_type(chars: &[char], content: &Spans) -> &'static str {
    let is_q = |c: char| matches!(c, '"' | '“' | '”' | '‘' | '’' | '\'' | '«' | '»');
    let mut first = None;
    let mut last = None;
    let mut sorted = content.clone();
    sorted.sort_unstable();
    for &(s, e) in &sorted {
        let e = e.min(chars.len());
        let s = s.min(e);
        for &c in &chars[s..e] {
            if !c.is_whitespace() {
                if first.is_none() {
                    first = Some(c);
                }
                last = Some(c);
            }
        }
    }
    // Trailing sentence punctuation after a closing mark ("…,” he said." is not in content, but "….”" is).
    let strip = |c: Option<char>| c;
    if strip(first).is_some_and(is_q) || strip(last).is_some_and(is_q) {
        return "direct";
    }
    // Also accept a closing mark followed only by punctuation: ’.” / ”.
    let mut tail: Vec<char> = Vec::new();
    if let Some(&(s, e)) = sorted.last() {
        let e = e.min(chars.len());
        tail = chars[s.min(e)..e].iter().rev().take(3).copied().collect();
    }
    if tail
        .iter()
        .take_while(|c| !c.is_alphanumeric())
        .any(|c| is_q(*c))
    {
        return "direct";
    }
    "indirect"
}

/// Additive counts; the same struct serves the whole corpus and each type class.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub gold: usize,
    pub pred: usize,
    /// Aligned pairs counted on the gold side (gold in this class) and on the predicted side.
    pub aligned_gold_side: usize,
    pub aligned_pred_side: usize,
    pub source: RoleCounts,
    pub cue: RoleCounts,
    pub content: RoleCounts,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct RoleCounts {
    pub exact_gold_side: usize,
    pub exact_pred_side: usize,
    pub shared_gold_side: usize,
    pub shared_pred_side: usize,
    pub gold_tokens: usize,
    pub pred_tokens: usize,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.gold += o.gold;
        self.pred += o.pred;
        self.aligned_gold_side += o.aligned_gold_side;
        self.aligned_pred_side += o.aligned_pred_side;
        for (a, b) in [
            (&mut self.source, &o.source),
            (&mut self.cue, &o.cue),
            (&mut self.content, &o.content),
        ] {
            a.exact_gold_side += b.exact_gold_side;
            a.exact_pred_side += b.exact_pred_side;
            a.shared_gold_side += b.shared_gold_side;
            a.shared_pred_side += b.shared_pred_side;
            a.gold_tokens += b.gold_tokens;
            a.pred_tokens += b.pred_tokens;
        }
    }
}

/// Precision, recall, F1.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct Prf {
    pub p: f64,
    pub r: f64,
    pub f1: f64,
}

impl Prf {
    pub fn new(p_num: usize, p_den: usize, r_num: usize, r_den: usize) -> Self {
        let p = if p_den == 0 {
            0.0
        } else {
            p_num as f64 / p_den as f64
        };
        let r = if r_den == 0 {
            0.0
        } else {
            r_num as f64 / r_den as f64
        };
        let f1 = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        Prf { p, r, f1 }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Scores {
    pub gold: usize,
    pub pred: usize,
    pub detection: Prf,
    pub source_exact: Prf,
    pub source_overlap: Prf,
    pub cue_exact: Prf,
    pub cue_overlap: Prf,
    pub content_exact: Prf,
    pub content_overlap: Prf,
}

impl From<&Counts> for Scores {
    fn from(c: &Counts) -> Self {
        let ex = |r: &RoleCounts| Prf::new(r.exact_pred_side, c.pred, r.exact_gold_side, c.gold);
        let ov = |r: &RoleCounts| {
            Prf::new(
                r.shared_pred_side,
                r.pred_tokens,
                r.shared_gold_side,
                r.gold_tokens,
            )
        };
        Scores {
            gold: c.gold,
            pred: c.pred,
            detection: Prf::new(c.aligned_pred_side, c.pred, c.aligned_gold_side, c.gold),
            source_exact: ex(&c.source),
            source_overlap: ov(&c.source),
            cue_exact: ex(&c.cue),
            cue_overlap: ov(&c.cue),
            content_exact: ex(&c.content),
            content_overlap: ov(&c.content),
        }
    }
}

/// Scores of one article: overall, and per type class ("direct", "indirect").
#[derive(Debug, Clone, Default)]
pub struct ArticleCounts {
    pub all: Counts,
    pub by_type: BTreeMap<String, Counts>,
    /// Per predicted `kind`: (predicted, aligned).
    pub by_kind: BTreeMap<String, (usize, usize)>,
}

struct Tok3 {
    source: BTreeSet<usize>,
    cue: BTreeSet<usize>,
    content: BTreeSet<usize>,
    ty: &'static str,
}

fn tok3(chars: &[char], a: &PredictedAttribution) -> Tok3 {
    Tok3 {
        source: token_set(chars, &a.source),
        cue: token_set(chars, &a.cue),
        content: token_set(chars, &a.content),
        ty: content_type(chars, &a.content),
    }
}

fn dice(a: &BTreeSet<usize>, b: &BTreeSet<usize>) -> f64 {
    let n = a.len() + b.len();
    if n == 0 {
        return 0.0;
    }
    2.0 * a.intersection(b).count() as f64 / n as f64
}

/// Score one article's predictions against its gold attributions.
pub fn score_article(
    text: &str,
    gold: &[GoldAttribution],
    pred: &[PredictedAttribution],
) -> ArticleCounts {
    let chars: Vec<char> = text.chars().collect();
    let g: Vec<Tok3> = gold.iter().map(|a| tok3(&chars, a)).collect();
    let p: Vec<Tok3> = pred.iter().map(|a| tok3(&chars, a)).collect();
    let mut pairs: Vec<(f64, usize, usize, usize)> = Vec::new();
    for (gi, ga) in g.iter().enumerate() {
        for (pi, pa) in p.iter().enumerate() {
            let d = dice(&ga.content, &pa.content);
            if d > 0.0 {
                pairs.push((d, ga.cue.intersection(&pa.cue).count(), gi, pi));
            }
        }
    }
    pairs.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(b.1.cmp(&a.1))
            .then(a.2.cmp(&b.2))
            .then(a.3.cmp(&b.3))
    });
    let mut gused = vec![false; g.len()];
    let mut pused = vec![false; p.len()];
    let mut aligned = Vec::new();
    for (_, _, gi, pi) in pairs {
        if !gused[gi] && !pused[pi] {
            gused[gi] = true;
            pused[pi] = true;
            aligned.push((gi, pi));
        }
    }
    let mut out = ArticleCounts::default();
    let classes = ["direct", "indirect"];
    for cls in classes {
        out.by_type.insert(cls.to_string(), Counts::default());
    }
    let bump = |c: &mut Counts, gold_side: bool, pred_side: bool, ga: &Tok3, pa: &Tok3| {
        if gold_side {
            c.aligned_gold_side += 1;
        }
        if pred_side {
            c.aligned_pred_side += 1;
        }
        for (rc, gs, ps) in [
            (&mut c.source, &ga.source, &pa.source),
            (&mut c.cue, &ga.cue, &pa.cue),
            (&mut c.content, &ga.content, &pa.content),
        ] {
            let shared = gs.intersection(ps).count();
            let exact = gs == ps;
            if gold_side {
                rc.shared_gold_side += shared;
                rc.exact_gold_side += usize::from(exact);
            }
            if pred_side {
                rc.shared_pred_side += shared;
                rc.exact_pred_side += usize::from(exact);
            }
        }
    };
    // Totals.
    let add_totals = |c: &mut Counts, gs: &[&Tok3], ps: &[&Tok3]| {
        c.gold += gs.len();
        c.pred += ps.len();
        for a in gs {
            c.source.gold_tokens += a.source.len();
            c.cue.gold_tokens += a.cue.len();
            c.content.gold_tokens += a.content.len();
        }
        for a in ps {
            c.source.pred_tokens += a.source.len();
            c.cue.pred_tokens += a.cue.len();
            c.content.pred_tokens += a.content.len();
        }
    };
    add_totals(
        &mut out.all,
        &g.iter().collect::<Vec<_>>(),
        &p.iter().collect::<Vec<_>>(),
    );
    for cls in classes {
        let gs: Vec<&Tok3> = g.iter().filter(|a| a.ty == cls).collect();
        let ps: Vec<&Tok3> = p.iter().filter(|a| a.ty == cls).collect();
        if let Some(c) = out.by_type.get_mut(cls) {
            add_totals(c, &gs, &ps);
        }
    }
    for &(gi, pi) in &aligned {
        bump(&mut out.all, true, true, &g[gi], &p[pi]);
        for cls in classes {
            if let Some(c) = out.by_type.get_mut(cls) {
                bump(c, g[gi].ty == cls, p[pi].ty == cls, &g[gi], &p[pi]);
            }
        }
    }
    for (pi, a) in pred.iter().enumerate() {
        let e = out.by_kind.entry(a.kind.clone()).or_default();
        e.0 += 1;
        e.1 += usize::from(pused[pi]);
    }
    out
}

/// The corpus report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PolnearReport {
    pub articles: usize,
    pub annotators: String,
    pub overall: Scores,
    pub by_type: BTreeMap<String, Scores>,
    /// Per predicted kind: predicted count, aligned count, precision.
    pub by_kind: BTreeMap<String, KindScore>,
    /// Articles without the first annotator's file (path), reported rather than silently dropped.
    pub missing: Vec<String>,
    #[serde(skip)]
    pub counts: Counts,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct KindScore {
    pub predicted: usize,
    pub aligned: usize,
    pub precision: f64,
}

/// One `metadata.tsv` row (the columns the evaluation needs).
#[derive(Debug, Clone)]
pub struct ArticleMeta {
    pub compartment: String,
    pub filename: String,
    /// First annotator listed (the gold standard used).
    pub annotator: String,
}

/// Read `metadata.tsv` (tab-separated with a header naming `compartment`, `filename`, `annotators`).
pub fn load_metadata(path: &Path) -> crate::Result<Vec<ArticleMeta>> {
    let text = std::fs::read_to_string(path).map_err(|e| crate::Error::io(path, e))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .ok_or_else(|| crate::Error::Input {
                file: path.display().to_string(),
                line: 1,
                message: format!("missing column {name:?}"),
            })
    };
    let (c, f, a) = (col("compartment")?, col("filename")?, col("annotators")?);
    let mut out = Vec::new();
    for line in lines {
        let fields: Vec<&str> = line.split('\t').collect();
        let get = |i: usize| fields.get(i).copied().unwrap_or_default();
        if get(f).is_empty() {
            continue;
        }
        out.push(ArticleMeta {
            compartment: get(c).to_string(),
            filename: get(f).to_string(),
            annotator: get(a).split('|').next().unwrap_or_default().to_string(),
        });
    }
    Ok(out)
}

/// Evaluate `extractor` on the articles of `dir` (a PolNeAR compartment folder with `text/` and
/// `attributions/`, e.g. `.../polnear/dev`), using the first annotator of each article in `metadata`.
pub fn evaluate(
    dir: &Path,
    metadata: &Path,
    extractor: impl Fn(&str) -> Vec<PredictedAttribution>,
) -> crate::Result<PolnearReport> {
    let meta = load_metadata(metadata)?;
    let mut report = PolnearReport {
        annotators: "first listed in metadata.tsv".into(),
        ..Default::default()
    };
    let mut by_type: BTreeMap<String, Counts> = BTreeMap::new();
    let mut by_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for m in &meta {
        let tpath = dir.join("text").join(format!("{}.txt", m.filename));
        if !tpath.exists() {
            continue;
        }
        let apath = dir
            .join("attributions")
            .join(format!("{}_{}.ann", m.filename, m.annotator));
        let ann = match std::fs::read_to_string(&apath) {
            Ok(a) => a,
            Err(_) => {
                report.missing.push(apath.display().to_string());
                continue;
            }
        };
        let text = std::fs::read_to_string(&tpath).map_err(|e| crate::Error::io(&tpath, e))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
        let gold = parse_ann(&ann);
        let pred = extractor(&text);
        let c = score_article(&text, &gold, &pred);
        report.counts.add(&c.all);
        for (k, v) in &c.by_type {
            by_type.entry(k.clone()).or_default().add(v);
        }
        for (k, (n, a)) in &c.by_kind {
            let e = by_kind.entry(k.clone()).or_default();
            e.0 += n;
            e.1 += a;
        }
        report.articles += 1;
    }
    if report.articles == 0 {
        return Err(crate::Error::Usage(format!(
            "no PolNeAR articles found under {}",
            dir.display()
        )));
    }
    report.overall = Scores::from(&report.counts);
    report.by_type = by_type
        .iter()
        .map(|(k, v)| (k.clone(), Scores::from(v)))
        .collect();
    report.by_kind = by_kind
        .into_iter()
        .map(|(k, (n, a))| {
            (
                k,
                KindScore {
                    predicted: n,
                    aligned: a,
                    precision: if n == 0 { 0.0 } else { a as f64 / n as f64 },
                },
            )
        })
        .collect();
    Ok(report)
}

impl std::fmt::Display for PolnearReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "PolNeAR: {} articles, gold = {}",
            self.articles, self.annotators
        )?;
        writeln!(
            f,
            "{:<10} {:>6} {:>6}  {:>17}  {:>17}  {:>17}  {:>17}  {:>17}  {:>17}  {:>17}",
            "",
            "gold",
            "pred",
            "detection P/R/F1",
            "source exact",
            "source overlap",
            "cue exact",
            "cue overlap",
            "content exact",
            "content overlap"
        )?;
        let row = |f: &mut std::fmt::Formatter<'_>, name: &str, s: &Scores| {
            let x = |p: &Prf| format!("{:.3}/{:.3}/{:.3}", p.p, p.r, p.f1);
            writeln!(
                f,
                "{:<10} {:>6} {:>6}  {:>17}  {:>17}  {:>17}  {:>17}  {:>17}  {:>17}  {:>17}",
                name,
                s.gold,
                s.pred,
                x(&s.detection),
                x(&s.source_exact),
                x(&s.source_overlap),
                x(&s.cue_exact),
                x(&s.cue_overlap),
                x(&s.content_exact),
                x(&s.content_overlap)
            )
        };
        row(f, "all", &self.overall)?;
        for (k, s) in &self.by_type {
            row(f, k, s)?;
        }
        for (k, s) in &self.by_kind {
            writeln!(
                f,
                "predicted {k:<13} {:>5} aligned {:>5}  precision {:.3}",
                s.predicted, s.aligned, s.precision
            )?;
        }
        for m in &self.missing {
            writeln!(f, "missing gold file: {m}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
