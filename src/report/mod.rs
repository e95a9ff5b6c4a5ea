//! Writers for the run's outputs: `articles.jsonl`, tidy CSV tables and `report.json`. Everything is
//! written into a hidden staging folder inside `--out` and renamed into place when the run completes, so
//! an interrupted run leaves the previous complete output (or none), never a half-written one.

pub mod charts;
pub mod human;
mod json;
pub mod schema;
mod tables;

use crate::analyze::ArticleRecord;
use crate::compare::{Comparison, KeynessOut, OutletSummary, SideTable, VocabularyCounts};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Version of the output format (`report.json` and `articles.jsonl`). Bumped on any breaking change.
pub const SCHEMA_VERSION: &str = "1.0";

/// Folder inside `--out` that holds the charts.
pub const CHARTS_DIR: &str = "charts";

/// Per-outlet vocabulary counts written beside the outputs so `merge` can rebuild keyness.
pub const VOCABULARY_FILE: &str = "term_counts.json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LexiconInfo {
    pub name: String,
    pub kind: String,
    pub version: String,
    pub origin: String,
    pub sha256: String,
    pub entries: usize,
}

/// Run accounting: `read = analyzed + skipped.len()`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, schemars::JsonSchema)]
pub struct RunInfo {
    /// Input arguments as given.
    pub inputs: Vec<String>,
    pub read: usize,
    pub analyzed: usize,
    pub skipped: Vec<Skipped>,
    /// Articles analyzed with warnings (e.g. invalid UTF-8 decoded lossily).
    pub warnings: usize,
    /// `K/N` when this run is one shard of a corpus.
    pub shard: Option<String>,
}

/// An input that was read but not analyzed, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Skipped {
    pub id: String,
    pub reason: String,
    /// 0-based position of the input in the whole run (used by `merge` to restore input order).
    pub position: usize,
}

impl Skipped {
    pub fn new(id: String, reason: String, position: usize) -> Self {
        Skipped {
            id,
            reason,
            position,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Report {
    pub schema_version: String,
    pub tool: ToolInfo,
    pub lexicons: Vec<LexiconInfo>,
    pub run: RunInfo,
    /// Metric names carried by every article, in column order.
    pub metric_names: Vec<String>,
    pub outlets: Vec<OutletSummary>,
    /// Pairwise outlet comparisons per metric (Welch, Mann–Whitney, effect sizes, Holm-adjusted p).
    pub comparisons: Vec<Comparison>,
    /// Outlet × side attribution counts with a chi-square test of independence.
    pub side_table: SideTable,
    /// Per outlet, the words and lexicon terms it over- and under-uses against the rest of the corpus.
    pub keyness: Vec<KeynessOut>,
}

/// The staging folder this process writes into inside `out` (removed by the CLI's signal handler).
pub fn staging_dir(out: &Path) -> PathBuf {
    out.join(format!(".slantscope-partial-{}", std::process::id()))
}

/// Held while finished outputs are renamed into place, so an interrupt handler that takes it never
/// removes the staging folder half way through the renames (which would mix old and new files).
pub static COMMIT: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// One article's line of `articles.jsonl` and rows of the CSV tables, encoded by [`Encoded::new`] on the
/// worker thread that analyzed it, so that the thread writing the files in input order only copies bytes.
#[derive(Debug, Clone, Default)]
pub struct Encoded {
    /// The JSONL line, then the rows of each per-article table (one allocation, freed at once).
    bytes: Vec<u8>,
    /// Where the JSONL line and each table's rows end in `bytes`.
    ends: [usize; 5],
}

thread_local! {
    /// The bytes this thread has encoded (less the article texts they carried) and the records (plus one
    /// per article) of those articles: an article is encoded straight into a buffer with room for half as
    /// much again as their ratio gives for its records, plus its text (most articles then fit without
    /// growing it, and few have so much room spare that it is given back by a copy), rather than into a
    /// reused scratch buffer whose bytes would all be copied out. Records (attributions, loaded terms,
    /// sources, quotations) make most of the output, each a few hundred bytes: their number foretells an
    /// article's size far better than its words do.
    static ENCODED_PER_RECORD: std::cell::Cell<(usize, usize)> = const { std::cell::Cell::new((0, 0)) };
}

/// Spare room an encoded article keeps rather than being copied into a block of its size.
const SPARE_KEPT: usize = 16 << 10;

/// No article starts with more room than this (it grows as needed).
const MAX_ROOM: f64 = (1 << 26) as f64;

impl Encoded {
    /// Encode `rec`; `metric_names` are the metric columns of `articles.csv` (as given to
    /// [`OutputWriter::create`]).
    pub fn new(rec: &ArticleRecord, metric_names: &[String]) -> Result<Self> {
        let (seen_bytes, seen_records) = ENCODED_PER_RECORD.get();
        let records = 1
            + rec.attributions.len()
            + rec.loaded_terms.len()
            + rec.sources.len()
            + rec.quotes.len();
        let text = rec.text.as_ref().map_or(0, String::len);
        let per_record = seen_bytes as f64 / seen_records.max(1) as f64;
        let room = (per_record * records as f64 + text as f64) * 1.5;
        let mut bytes = Vec::with_capacity(room.min(MAX_ROOM) as usize);
        let mut metrics = Vec::with_capacity(rec.metrics.len());
        json::write_article(&mut bytes, rec, &mut metrics)
            .map_err(|e| Error::Other(format!("cannot encode article {}: {e}", rec.id)))?;
        bytes.push(b'\n');
        let jsonl = bytes.len();
        let [articles, hits, attributions, sources] =
            tables::encode(rec, metric_names, &metrics, &mut bytes);
        ENCODED_PER_RECORD.set((
            seen_bytes.saturating_add(bytes.len().saturating_sub(text)),
            seen_records.saturating_add(records),
        ));
        // Without a copy unless more than half of the room is spare (mimalloc then keeps the block as it
        // is): only an article much shorter than its records foretold is copied, where the scratch buffer
        // this replaces copied every one. A few kilobytes spare are kept rather than copied: the article
        // is freed once written, so they bound the memory held by the articles in flight.
        if bytes.capacity() - bytes.len() > SPARE_KEPT {
            bytes.shrink_to_fit();
        }
        Ok(Encoded {
            bytes,
            ends: [jsonl, articles, hits, attributions, sources],
        })
    }

    /// The JSONL line and the rows of each table.
    fn parts(&self) -> [&[u8]; 5] {
        let mut start = 0;
        self.ends.map(|end| {
            let part = self.bytes.get(start..end).unwrap_or_default();
            start = end;
            part
        })
    }
}

/// Streams per-article outputs into a staging folder; [`OutputWriter::finish`] moves them into place.
pub struct OutputWriter {
    out: PathBuf,
    staging: PathBuf,
    jsonl: BufWriter<File>,
    tables: tables::Tables,
    /// Articles not yet written. They are written a batch at a time, each file's parts in one vectored
    /// write straight from the articles' buffers, rather than copied one by one into the files' buffers.
    pending: Vec<Encoded>,
    /// Bytes held in `pending`.
    pending_bytes: usize,
}

/// Bytes of pending articles that make a batch: enough that most parts go to the file in one vectored
/// write, little enough to keep memory flat.
const PENDING_BYTES: usize = 1 << 20;

/// Most articles in a batch (the system takes at most 1024 buffers per write).
const PENDING_ARTICLES: usize = 256;

/// Write all of `bufs` (as `Write::write_all_vectored`, which is not stable yet).
pub(crate) fn write_all_vectored(
    w: &mut impl Write,
    mut bufs: &mut [std::io::IoSlice<'_>],
) -> std::io::Result<()> {
    std::io::IoSlice::advance_slices(&mut bufs, 0);
    while !bufs.is_empty() {
        match w.write_vectored(bufs) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(n) => std::io::IoSlice::advance_slices(&mut bufs, n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

impl OutputWriter {
    /// Create `out` if needed and check it is writable before any work is done.
    pub fn create(out: &Path, metric_names: &[String]) -> Result<Self> {
        fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
        let staging = staging_dir(out);
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
        }
        fs::create_dir(&staging).map_err(|e| Error::io(&staging, e))?;
        let open = |name: &str| -> Result<BufWriter<File>> {
            let p = staging.join(name);
            File::create(&p)
                .map(|f| BufWriter::with_capacity(1 << 16, f))
                .map_err(|e| Error::io(p, e))
        };
        let jsonl = open("articles.jsonl")?;
        let tables = tables::Tables::create(&staging, metric_names)?;
        Ok(OutputWriter {
            out: out.to_path_buf(),
            staging,
            jsonl,
            tables,
            pending: Vec::new(),
            pending_bytes: 0,
        })
    }

    /// Append one article's encoded outputs (written with the next batch).
    pub fn write(&mut self, enc: Encoded) -> Result<()> {
        self.pending_bytes += enc.bytes.len();
        self.pending.push(enc);
        if self.pending_bytes >= PENDING_BYTES || self.pending.len() >= PENDING_ARTICLES {
            self.write_pending()?;
        }
        Ok(())
    }

    /// Write the pending articles: for each file, their parts in input order.
    fn write_pending(&mut self) -> Result<()> {
        let part = |k: usize| -> Vec<std::io::IoSlice<'_>> {
            self.pending
                .iter()
                .map(|e| std::io::IoSlice::new(e.parts()[k]))
                .collect()
        };
        write_all_vectored(&mut self.jsonl, &mut part(0))
            .map_err(|e| Error::io(self.staging.join("articles.jsonl"), e))?;
        self.tables
            .append_vectored([&mut part(1), &mut part(2), &mut part(3), &mut part(4)])?;
        self.pending.clear();
        self.pending_bytes = 0;
        Ok(())
    }

    /// Write `report.json`, the run tables and (when `charts` names formats) the charts, then move
    /// everything into `out` (report.json last).
    pub fn finish(
        mut self,
        report: &Report,
        vocabulary: &VocabularyCounts,
        charts: Option<(&crate::chart::ChartInput, &[crate::chart::Format])>,
    ) -> Result<()> {
        self.write_pending()?;
        let jpath = self.staging.join("articles.jsonl");
        self.jsonl.flush().map_err(|e| Error::io(&jpath, e))?;
        let mut names = self.tables.finish()?;
        names.extend(tables::write_run_tables(&self.staging, report)?);
        let vpath = self.staging.join(VOCABULARY_FILE);
        // The same bytes as `serde_json::to_vec`, through the faster encoder of `articles.jsonl`, written a
        // chunk at a time: the vocabulary of a large corpus makes a file too large to build in memory first.
        let mut file = File::create(&vpath).map_err(|e| Error::io(&vpath, e))?;
        json::write_to(&mut file, vocabulary).map_err(|e| match e {
            json::Streamed::Io(e) => Error::io(&vpath, e),
            json::Streamed::Encode(e) => Error::Other(e.to_string()),
        })?;
        drop(file);
        names.push(VOCABULARY_FILE.to_string());
        for (name, body) in schema::all() {
            let spath = self.staging.join(name);
            fs::write(&spath, body).map_err(|e| Error::io(&spath, e))?;
            names.push(name.to_string());
        }
        let rpath = self.staging.join("report.json");
        // Through a buffer rather than built whole in memory first (same bytes as `to_vec_pretty`).
        let file = File::create(&rpath).map_err(|e| Error::io(&rpath, e))?;
        let mut w = BufWriter::with_capacity(64 << 10, file);
        serde_json::to_writer_pretty(&mut w, report).map_err(|e| {
            if e.is_io() {
                Error::io(&rpath, e.into())
            } else {
                Error::Other(e.to_string())
            }
        })?;
        w.write_all(b"\n")
            .and_then(|()| w.into_inner().map_err(|e| e.into_error()).map(drop))
            .map_err(|e| Error::io(&rpath, e))?;
        if let Some((input, formats)) = charts.filter(|(_, f)| !f.is_empty()) {
            crate::chart::draw_all(input, &self.staging.join(CHARTS_DIR), formats)?;
            let old = self.out.join(CHARTS_DIR);
            if old.is_dir() {
                fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
            }
            names.push(CHARTS_DIR.to_string());
        }
        names.insert(0, "articles.jsonl".to_string());
        names.push("report.json".to_string());
        let _commit = COMMIT.lock().unwrap_or_else(|e| e.into_inner());
        for name in names {
            let from = self.staging.join(&name);
            let to = self.out.join(&name);
            fs::rename(&from, &to).map_err(|e| Error::io(&to, e))?;
        }
        fs::remove_dir_all(&self.staging).map_err(|e| Error::io(&self.staging, e))?;
        Ok(())
    }

    /// Remove the staging folder (after an error), leaving any previous output untouched.
    pub fn abandon(self) {
        let staging = self.staging.clone();
        drop(self);
        let _ = fs::remove_dir_all(staging);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{analyze, Engine};
    use proptest::prelude::*;
    use std::collections::BTreeMap;
    use std::sync::OnceLock;

    fn engine() -> &'static Engine {
        static ENGINE: OnceLock<Engine> = OnceLock::new();
        ENGINE.get_or_init(|| Engine::new(crate::lexicon::LexiconSet::builtin().unwrap()).unwrap())
    }

    /// The record of an invented article, with every optional field filled and awkward text.
    fn record() -> ArticleRecord {
        let text = "Tax \"reform\" stalls\n\nThe regime slammed the so-called reforms, officials said. \
                    \u{201c}This is a disaster,\u{201d} said Jane Doe, a senator.\n\nAccording to the \
                    ministry, the plan would proceed\ttoday.";
        let mut doc = crate::eval::run::document("a\\b\u{7}", text.to_string(), true);
        doc.title = Some("Tax \"reform\" stalls".into());
        doc.url = Some("https://example.org/a,b".into());
        doc.warnings = vec!["odd\nbytes".into()];
        analyze(&doc, engine(), true)
    }

    /// The article row of `articles.csv` as the plain code wrote it: a map lookup and a fresh float text
    /// per metric column.
    fn plain_article_row(r: &ArticleRecord, metric_names: &[String]) -> Vec<u8> {
        let mut out = Vec::new();
        tables::encode_metrics_plainly(r, metric_names, &mut out);
        out
    }

    fn encoded_article_row(r: &ArticleRecord, metric_names: &[String]) -> Vec<u8> {
        let enc = Encoded::new(r, metric_names).unwrap();
        enc.parts()[1].to_vec()
    }

    #[test]
    fn the_jsonl_line_is_serde_jsons() {
        let mut r = record();
        assert!(!r.attributions.is_empty() && !r.loaded_terms.is_empty() && !r.quotes.is_empty());
        // Mentions that are not an attribution's source span (their JSON cannot be copied): one with a
        // span of its own, one with an attribution's offsets but other text.
        let source = r
            .attributions
            .iter()
            .find_map(|a| a.source.clone())
            .unwrap();
        let with_mentions = r
            .sources
            .iter_mut()
            .find(|s| !s.mentions.is_empty())
            .unwrap();
        with_mentions.mentions.push(crate::analyze::Span {
            start: 1,
            end: 3,
            text: "ax".into(),
        });
        with_mentions.mentions.push(crate::analyze::Span {
            text: format!("{}\"", source.text),
            ..source
        });
        let names: Vec<String> = r.metrics.keys().map(|k| k.to_string()).collect();
        for round in 0..3 {
            let enc = Encoded::new(&r, &names).unwrap();
            let mut expected = serde_json::to_vec(&r).unwrap();
            expected.push(b'\n');
            assert_eq!(
                String::from_utf8_lossy(enc.parts()[0]),
                String::from_utf8_lossy(&expected)
            );
            assert_eq!(
                encoded_article_row(&r, &names),
                plain_article_row(&r, &names)
            );
            // Then without the text, and with metrics the last article did not have.
            r.text = None;
            r.metrics
                .insert(format!("extra \"{round}\"").into(), Some(f64::NAN));
            r.metrics.insert(format!("a{round}").into(), Some(1e-7));
        }
    }

    fn metrics() -> impl Strategy<Value = BTreeMap<String, Option<f64>>> {
        let name = prop_oneof![
            Just("loaded_rate".to_string()),
            Just("balance".to_string()),
            Just("b\"q\\".to_string()),
            Just("zeta\u{1}".to_string()),
            "[a-c]{0,3}",
        ];
        let value = prop_oneof![
            Just(None),
            Just(Some(f64::NAN)),
            Just(Some(0.0)),
            Just(Some(2.0)),
            Just(Some(74_077_294_433_664.63)),
            any::<f64>().prop_map(Some),
            (0.0f64..100.0).prop_map(Some),
        ];
        prop::collection::btree_map(name, value, 0..8)
    }

    fn metric_names() -> impl Strategy<Value = Vec<String>> {
        prop::collection::vec(
            prop_oneof![
                Just("loaded_rate".to_string()),
                Just("balance".to_string()),
                Just("b\"q\\".to_string()),
                "[a-c]{0,3}",
            ],
            0..8,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Articles encoded one after another on one thread (so the remembered metric names and column
        /// positions are sometimes right and sometimes stale) give serde_json's line and the plain row.
        #[test]
        fn successive_articles_match_the_plain_encoding(
            articles in prop::collection::vec((metrics(), metric_names()), 1..5)
        ) {
            let mut r = record();
            for (m, names) in articles {
                r.metrics = m.into_iter().map(|(k, v)| (k.into(), v)).collect();
                let enc = Encoded::new(&r, &names).unwrap();
                let mut expected = serde_json::to_vec(&r).unwrap();
                expected.push(b'\n');
                prop_assert_eq!(enc.parts()[0], &expected[..]);
                prop_assert_eq!(enc.parts()[1], &plain_article_row(&r, &names)[..]);
            }
        }
    }
}
