//! Tidy CSV tables: one row per article, loaded-term hit, attribution and source; snake_case headers.

use crate::analyze::ArticleRecord;
use crate::{Error, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Shortest round-trip float text (deterministic); empty for null.
pub fn fmt_f64(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => {
            let s = format!("{v}");
            s
        }
        _ => String::new(),
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
        let mut one = Rows::new();
        encode_row(&mut one, fields)?;
        self.append(&one.into_bytes()?)
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

/// CSV rows encoded in memory (no header), to be appended to a table's file.
struct Rows(csv::Writer<Vec<u8>>);

impl Rows {
    fn new() -> Self {
        Rows(
            csv::WriterBuilder::new()
                .buffer_capacity(1 << 10)
                .from_writer(Vec::new()),
        )
    }

    fn into_bytes(self) -> Result<Vec<u8>> {
        self.0
            .into_inner()
            .map_err(|e| Error::Other(format!("cannot encode CSV rows: {e}")))
    }
}

fn encode_row<I, T>(rows: &mut Rows, fields: I) -> Result<()>
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    rows.0
        .write_record(fields)
        .map_err(|e| Error::Other(format!("cannot encode CSV row: {e}")))
}

/// One article's rows of the per-article tables, CSV-encoded by [`encode`] (on the worker thread that
/// analyzed it) and appended to the files by [`Tables::append`].
#[derive(Debug, Clone, Default)]
pub struct EncodedRows {
    articles: Vec<u8>,
    hits: Vec<u8>,
    attributions: Vec<u8>,
    sources: Vec<u8>,
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

    /// Append one article's encoded rows.
    pub fn append(&mut self, rows: &EncodedRows) -> Result<()> {
        self.articles.append(&rows.articles)?;
        self.hits.append(&rows.hits)?;
        self.attributions.append(&rows.attributions)?;
        self.sources.append(&rows.sources)
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
/// columns, as given to [`Tables::create`]).
pub fn encode(r: &ArticleRecord, metric_names: &[String]) -> Result<EncodedRows> {
    let (mut articles, mut hits, mut attributions, mut sources) =
        (Rows::new(), Rows::new(), Rows::new(), Rows::new());
    let mut fields: Vec<String> = vec![
        r.id.clone(),
        r.outlet.clone(),
        r.outlet_source.clone(),
        opt(&r.title).to_string(),
        opt(&r.date).to_string(),
        opt(&r.url).to_string(),
        r.word_count.to_string(),
        opt(&r.balance.first_voice).to_string(),
        opt(&r.balance.last_word).to_string(),
        r.warnings.join("; "),
    ];
    fields.extend(
        metric_names
            .iter()
            .map(|m| fmt_f64(r.metrics.get(m).copied().flatten())),
    );
    encode_row(&mut articles, &fields)?;
    for h in &r.loaded_terms {
        encode_row(
            &mut hits,
            [
                r.id.as_str(),
                &r.outlet,
                &h.category,
                &h.term,
                &h.text,
                &h.start.to_string(),
                &h.end.to_string(),
                h.voice.as_str(),
                h.region.as_str(),
                &fmt_f64(Some(h.weight)),
                if h.counted { "true" } else { "false" },
                &h.attribution.map(|a| a.to_string()).unwrap_or_default(),
                opt(&h.neutral),
                opt(&h.group),
                &h.lexicon,
            ],
        )?;
    }
    for (i, a) in r.attributions.iter().enumerate() {
        let (src, ss, se) = match &a.source {
            Some(s) => (s.text.clone(), s.start.to_string(), s.end.to_string()),
            None => Default::default(),
        };
        encode_row(
            &mut attributions,
            [
                r.id.as_str(),
                &r.outlet,
                &i.to_string(),
                &a.kind,
                a.cue.as_ref().map(|c| c.text.as_str()).unwrap_or(""),
                opt(&a.cue_lemma),
                opt(&a.verb_class),
                &src,
                &ss,
                &se,
                &a.content.start.to_string(),
                &a.content.end.to_string(),
                &a.words.to_string(),
                &a.quoted_words.to_string(),
                &a.continues.map(|c| c.to_string()).unwrap_or_default(),
                &a.speaker.name,
                &a.speaker.kind,
                opt(&a.speaker.side),
                &a.speaker.resolved_from,
                opt(&a.speaker.role),
            ],
        )?;
    }
    for s in &r.sources {
        encode_row(
            &mut sources,
            [
                r.id.as_str(),
                &r.outlet,
                &s.name,
                &s.kind,
                opt(&s.side),
                &s.attributions.to_string(),
                if s.named { "true" } else { "false" },
                opt(&s.role_class),
                opt(&s.document_class),
                if s.anonymous { "true" } else { "false" },
                opt(&s.anonymity),
                if s.official { "true" } else { "false" },
                if s.own_outlet { "true" } else { "false" },
                &s.first_attribution
                    .map(|a| a.to_string())
                    .unwrap_or_default(),
            ],
        )?;
    }
    Ok(EncodedRows {
        articles: articles.into_bytes()?,
        hits: hits.into_bytes()?,
        attributions: attributions.into_bytes()?,
        sources: sources.into_bytes()?,
    })
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
