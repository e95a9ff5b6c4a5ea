//! Tidy CSV tables: one row per article, loaded-term hit, attribution and source; snake_case headers.

use crate::analyze::ArticleRecord;
use crate::{Error, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Shortest round-trip float text (deterministic); empty for null.
pub fn fmt_f64(v: Option<f64>) -> String {
    let mut s = String::new();
    push_f64(&mut s, v);
    s
}

/// Append [`fmt_f64`]'s text to `out` (without allocating a String of its own).
fn push_f64(out: &mut String, v: Option<f64>) {
    use std::fmt::Write as _;
    if let Some(v) = v.filter(|v| v.is_finite()) {
        // Writing into a String cannot fail.
        let _ = write!(out, "{v}");
    }
}

/// The decimal digits of `n` (as `n.to_string()`), written at the end of `buf`.
fn fmt_usize(mut n: usize, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

struct Table {
    path: PathBuf,
    w: BufWriter<File>,
}

impl Table {
    fn create(dir: &Path, name: &str, header: &[&str]) -> Result<Self> {
        let path = dir.join(name);
        let w = File::create(&path)
            .map(|f| BufWriter::with_capacity(1 << 16, f))
            .map_err(|e| Error::io(&path, e))?;
        let mut t = Table { path, w };
        t.row(header)?;
        Ok(t)
    }

    /// Append rows encoded by [`encode`].
    fn append(&mut self, rows: &[u8]) -> Result<()> {
        self.w.write_all(rows).map_err(|e| Error::io(&self.path, e))
    }

    /// Encode and append one row.
    fn row<I, T>(&mut self, fields: I) -> Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        let mut one = Vec::new();
        let mut rows = Rows::new(&mut one);
        rows.record(fields);
        rows.finish()?;
        self.append(&one)
    }

    fn finish(mut self) -> Result<String> {
        self.w.flush().map_err(|e| Error::io(&self.path, e))?;
        Ok(self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default())
    }
}

/// CSV rows encoded in memory (no header), appended to a buffer, to be appended to a table's file. A row
/// is written field by field: text is borrowed and numbers are formatted into small reused buffers, so no
/// field allocates a String.
struct Rows<'a> {
    w: csv::Writer<&'a mut Vec<u8>>,
    /// The text of the float field being written.
    float: String,
    /// The first encoding error, returned by [`Rows::finish`] (so that a row is one chain of calls).
    err: Option<csv::Error>,
}

impl<'a> Rows<'a> {
    fn new(out: &'a mut Vec<u8>) -> Self {
        Rows {
            // The writer's staging buffer, allocated for each table of each article: kept under glibc's
            // large-request size (1008 bytes), whose allocation first consolidates all freed small chunks.
            w: csv::WriterBuilder::new()
                .buffer_capacity(1 << 9)
                .from_writer(out),
            float: String::new(),
            err: None,
        }
    }

    fn check(&mut self, r: csv::Result<()>) -> &mut Self {
        if let Err(e) = r {
            self.err.get_or_insert(e);
        }
        self
    }

    fn field(&mut self, field: &[u8]) -> &mut Self {
        let r = self.w.write_field(field);
        self.check(r)
    }

    fn text(&mut self, s: &str) -> &mut Self {
        self.field(s.as_bytes())
    }

    /// The text, or an empty field for `None`.
    fn opt(&mut self, s: &Option<String>) -> &mut Self {
        self.text(opt(s))
    }

    fn flag(&mut self, b: bool) -> &mut Self {
        self.text(if b { "true" } else { "false" })
    }

    fn int(&mut self, n: usize) -> &mut Self {
        self.field(fmt_usize(n, &mut [0; 20]))
    }

    /// The number, or an empty field for `None`.
    fn opt_int(&mut self, n: Option<usize>) -> &mut Self {
        match n {
            Some(n) => self.int(n),
            None => self.field(b""),
        }
    }

    /// [`fmt_f64`]'s text.
    fn float(&mut self, v: Option<f64>) -> &mut Self {
        self.float.clear();
        push_f64(&mut self.float, v);
        let r = self.w.write_field(self.float.as_bytes());
        self.check(r)
    }

    /// End the row whose fields were written.
    fn end(&mut self) {
        let r = self.w.write_record(None::<&[u8]>);
        self.check(r);
    }

    /// Write a whole row.
    fn record<I, T>(&mut self, fields: I)
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        let r = self.w.write_record(fields);
        self.check(r);
    }

    /// Flush the rows into the buffer.
    fn finish(self) -> Result<()> {
        if let Some(e) = self.err {
            return Err(Error::Other(format!("cannot encode CSV row: {e}")));
        }
        self.w
            .into_inner()
            .map(drop)
            .map_err(|e| Error::Other(format!("cannot encode CSV rows: {e}")))
    }
}

pub struct Tables {
    articles: Table,
    hits: Table,
    attributions: Table,
    sources: Table,
}

pub const ARTICLE_COLUMNS: &[&str] = &[
    "id",
    "outlet",
    "outlet_source",
    "title",
    "date",
    "url",
    "word_count",
    "first_voice",
    "last_word",
    "warnings",
];
pub const HIT_COLUMNS: &[&str] = &[
    "id",
    "outlet",
    "category",
    "term",
    "text",
    "start",
    "end",
    "voice",
    "region",
    "weight",
    "counted",
    "attribution",
    "neutral",
    "group",
    "lexicon",
];
pub const ATTRIBUTION_COLUMNS: &[&str] = &[
    "id",
    "outlet",
    "index",
    "type",
    "cue",
    "cue_lemma",
    "verb_class",
    "source",
    "source_start",
    "source_end",
    "content_start",
    "content_end",
    "content_words",
    "quoted_words",
    "continues",
    "speaker",
    "speaker_kind",
    "side",
    "resolved_from",
    "role",
];
pub const SOURCE_COLUMNS: &[&str] = &[
    "id",
    "outlet",
    "name",
    "kind",
    "side",
    "attributions",
    "named",
    "role_class",
    "document_class",
    "anonymous",
    "anonymity",
    "official",
    "own_outlet",
    "first_attribution",
];

impl Tables {
    pub fn create(dir: &Path, metric_names: &[String]) -> Result<Self> {
        let mut header: Vec<&str> = ARTICLE_COLUMNS.to_vec();
        header.extend(metric_names.iter().map(String::as_str));
        Ok(Tables {
            articles: Table::create(dir, "articles.csv", &header)?,
            hits: Table::create(dir, "hits.csv", HIT_COLUMNS)?,
            attributions: Table::create(dir, "attributions.csv", ATTRIBUTION_COLUMNS)?,
            sources: Table::create(dir, "sources.csv", SOURCE_COLUMNS)?,
        })
    }

    /// Append one article's rows encoded by [`encode`].
    pub fn append(&mut self, rows: [&[u8]; 4]) -> Result<()> {
        let [articles, hits, attributions, sources] = rows;
        self.articles.append(articles)?;
        self.hits.append(hits)?;
        self.attributions.append(attributions)?;
        self.sources.append(sources)
    }

    /// Flush all tables; returns their file names.
    pub fn finish(self) -> Result<Vec<String>> {
        Ok(vec![
            self.articles.finish()?,
            self.hits.finish()?,
            self.attributions.finish()?,
            self.sources.finish()?,
        ])
    }
}

/// Encode one article's rows of the per-article tables (`metric_names` are the article table's metric
/// columns, as given to [`Tables::create`]), appending the rows of each table in turn to `out`; returns
/// where each table's rows end in `out` (in the order [`Tables::append`] takes them).
pub fn encode(r: &ArticleRecord, metric_names: &[String], out: &mut Vec<u8>) -> Result<[usize; 4]> {
    Ok([
        rows_into(out, |rows| {
            rows.text(&r.id)
                .text(&r.outlet)
                .text(&r.outlet_source)
                .opt(&r.title)
                .opt(&r.date)
                .opt(&r.url)
                .int(r.word_count)
                .opt(&r.balance.first_voice)
                .opt(&r.balance.last_word)
                .text(&r.warnings.join("; "));
            for m in metric_names {
                rows.float(r.metrics.get(m).copied().flatten());
            }
            rows.end();
        })?,
        rows_into(out, |rows| {
            for h in &r.loaded_terms {
                rows.text(&r.id)
                    .text(&r.outlet)
                    .text(&h.category)
                    .text(&h.term)
                    .text(&h.text)
                    .int(h.start)
                    .int(h.end)
                    .text(h.voice.as_str())
                    .text(h.region.as_str())
                    .float(Some(h.weight))
                    .flag(h.counted)
                    .opt_int(h.attribution)
                    .opt(&h.neutral)
                    .opt(&h.group)
                    .text(&h.lexicon)
                    .end();
            }
        })?,
        rows_into(out, |rows| {
            for (i, a) in r.attributions.iter().enumerate() {
                let source = a.source.as_ref();
                rows.text(&r.id)
                    .text(&r.outlet)
                    .int(i)
                    .text(&a.kind)
                    .text(a.cue.as_ref().map_or("", |c| c.text.as_str()))
                    .opt(&a.cue_lemma)
                    .opt(&a.verb_class)
                    .text(source.map_or("", |s| s.text.as_str()))
                    .opt_int(source.map(|s| s.start))
                    .opt_int(source.map(|s| s.end))
                    .int(a.content.start)
                    .int(a.content.end)
                    .int(a.words)
                    .int(a.quoted_words)
                    .opt_int(a.continues)
                    .text(&a.speaker.name)
                    .text(&a.speaker.kind)
                    .opt(&a.speaker.side)
                    .text(&a.speaker.resolved_from)
                    .opt(&a.speaker.role)
                    .end();
            }
        })?,
        rows_into(out, |rows| {
            for s in &r.sources {
                rows.text(&r.id)
                    .text(&r.outlet)
                    .text(&s.name)
                    .text(&s.kind)
                    .opt(&s.side)
                    .int(s.attributions)
                    .flag(s.named)
                    .opt(&s.role_class)
                    .opt(&s.document_class)
                    .flag(s.anonymous)
                    .opt(&s.anonymity)
                    .flag(s.official)
                    .flag(s.own_outlet)
                    .opt_int(s.first_attribution)
                    .end();
            }
        })?,
    ])
}

/// Append the rows written by `write` to `out`; returns where they end.
fn rows_into(out: &mut Vec<u8>, write: impl FnOnce(&mut Rows)) -> Result<usize> {
    let mut rows = Rows::new(out);
    write(&mut rows);
    rows.finish()?;
    Ok(out.len())
}

/// Write the run-level tables (outlets, comparisons, sides, keyness) from the finished report; returns
/// their file names.
pub fn write_run_tables(dir: &Path, report: &crate::report::Report) -> Result<Vec<String>> {
    let mut outlets = Table::create(
        dir,
        "outlets.csv",
        &[
            "outlet",
            "articles",
            "words",
            "metric",
            "n",
            "mean",
            "sd",
            "median",
            "ci95_low",
            "ci95_high",
        ],
    )?;
    for o in &report.outlets {
        for (m, s) in &o.metrics {
            outlets.row([
                o.outlet.as_str(),
                &o.articles.to_string(),
                &o.words.to_string(),
                m,
                &s.n.to_string(),
                &fmt_f64(s.mean),
                &fmt_f64(s.sd),
                &fmt_f64(s.median),
                &fmt_f64(s.ci95_low),
                &fmt_f64(s.ci95_high),
            ])?;
        }
    }
    let mut comparisons = Table::create(
        dir,
        "comparisons.csv",
        &[
            "metric",
            "outlet_a",
            "outlet_b",
            "n_a",
            "n_b",
            "mean_a",
            "mean_b",
            "diff",
            "welch_t",
            "welch_df",
            "welch_p",
            "welch_p_holm",
            "mw_u",
            "mw_z",
            "mw_p",
            "mw_p_holm",
            "cohens_d",
            "cliffs_delta",
        ],
    )?;
    for c in &report.comparisons {
        comparisons.row([
            c.metric.as_str(),
            &c.outlet_a,
            &c.outlet_b,
            &c.n_a.to_string(),
            &c.n_b.to_string(),
            &fmt_f64(c.mean_a),
            &fmt_f64(c.mean_b),
            &fmt_f64(c.diff),
            &fmt_f64(c.welch_t),
            &fmt_f64(c.welch_df),
            &fmt_f64(c.welch_p),
            &fmt_f64(c.welch_p_holm),
            &fmt_f64(c.mw_u),
            &fmt_f64(c.mw_z),
            &fmt_f64(c.mw_p),
            &fmt_f64(c.mw_p_holm),
            &fmt_f64(c.cohens_d),
            &fmt_f64(c.cliffs_delta),
        ])?;
    }
    let st = &report.side_table;
    let mut sides = Table::create(
        dir,
        "sides.csv",
        &["outlet", "side", "attributions", "share", "std_residual"],
    )?;
    for (i, o) in st.outlets.iter().enumerate() {
        for (j, side) in st.sides.iter().enumerate() {
            let get =
                |v: &Vec<Vec<Option<f64>>>| v.get(i).and_then(|r| r.get(j)).copied().flatten();
            let n = st
                .counts
                .get(i)
                .and_then(|r| r.get(j))
                .copied()
                .unwrap_or(0);
            sides.row([
                o.as_str(),
                side,
                &n.to_string(),
                &fmt_f64(get(&st.shares)),
                &fmt_f64(get(&st.std_residuals)),
            ])?;
        }
    }
    let mut keyness = Table::create(
        dir,
        "keyness.csv",
        &[
            "outlet",
            "kind",
            "term",
            "count_outlet",
            "count_rest",
            "rate_outlet_per_10k",
            "rate_rest_per_10k",
            "log_odds",
            "z",
        ],
    )?;
    for k in &report.keyness {
        let r = &k.row;
        keyness.row([
            r.outlet.as_str(),
            &k.kind,
            &r.term,
            &r.count_outlet.to_string(),
            &r.count_rest.to_string(),
            &fmt_f64(Some(r.rate_outlet_per_10k)),
            &fmt_f64(Some(r.rate_rest_per_10k)),
            &fmt_f64(Some(r.log_odds)),
            &fmt_f64(Some(r.z)),
        ])?;
    }
    Ok(vec![
        outlets.finish()?,
        comparisons.finish()?,
        sides.finish()?,
        keyness.finish()?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fmt_usize_edges() {
        for n in [0, 1, 9, 10, 99, 100, 12345, usize::MAX - 1, usize::MAX] {
            assert_eq!(fmt_usize(n, &mut [0; 20]), n.to_string().as_bytes());
        }
    }

    #[test]
    fn floats_are_display_text() {
        for v in [
            0.0,
            -0.0,
            1.5,
            22.625448028673834,
            1e21,
            1e-7,
            f64::MAX,
            -3.0,
        ] {
            assert_eq!(fmt_f64(Some(v)), format!("{v}"));
        }
        for v in [None, Some(f64::NAN), Some(f64::INFINITY)] {
            assert_eq!(fmt_f64(v), "");
        }
    }

    #[test]
    fn rows_field_by_field_equal_whole_records() {
        let mut one = Vec::new();
        let mut rows = Rows::new(&mut one);
        for _ in 0..2 {
            rows.text("a,b")
                .opt(&None)
                .opt(&Some("say \"x\"".into()))
                .int(42)
                .opt_int(None)
                .float(Some(0.1))
                .flag(true)
                .end();
        }
        rows.finish().unwrap();
        let mut whole = csv::Writer::from_writer(Vec::new());
        for _ in 0..2 {
            let row = ["a,b", "", "say \"x\"", "42", "", "0.1", "true"];
            whole.write_record(row).unwrap();
        }
        assert_eq!(one, whole.into_inner().unwrap());
    }

    proptest! {
        #[test]
        fn fmt_usize_is_to_string(n: usize) {
            let (expected, mut buf) = (n.to_string(), [0; 20]);
            prop_assert_eq!(fmt_usize(n, &mut buf), expected.as_bytes());
        }

        #[test]
        fn fmt_f64_is_display(v: f64) {
            prop_assume!(v.is_finite());
            let expected = format!("{v}");
            prop_assert_eq!(fmt_f64(Some(v)), expected);
        }
    }
}
