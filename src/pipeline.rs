//! The `analyze` run: stream inputs, analyze articles in parallel batches, write outputs in input order.
//! Batching keeps memory flat; collecting each batch in order makes output byte-identical for any number
//! of threads.

use crate::analyze::{self, ArticleRecord, Engine};
use crate::compare::Aggregator;
use crate::input::{self, InputOptions, Item};
use crate::report::{
    Encoded, LexiconInfo, OutputWriter, Report, RunInfo, Skipped, ToolInfo, SCHEMA_VERSION,
};
use crate::{Error, Result};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Articles analyzed together before their output is written.
const BATCH: usize = 256;

/// Articles analyzed together with one worker thread, where nothing runs beside the analysis: fewer, so
/// that the texts and encoded outputs of a batch in flight stay small (a batch of 256 articles holds
/// ~6 MB) and their memory is reused sooner. Not fewer still: the run aggregates then go cold between
/// batches more often (16 gave more misses of a 1 MB cache than 256 did; 64 fewer).
const SOLO_BATCH: usize = 64;

/// A `--shard K/N` selection: this run analyzes the articles whose input position `i` has `i % n == k - 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub k: usize,
    pub n: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("expected K/N, got {s:?}"))?;
        let k: usize = k
            .trim()
            .parse()
            .map_err(|_| format!("bad shard number in {s:?}"))?;
        let n: usize = n
            .trim()
            .parse()
            .map_err(|_| format!("bad shard count in {s:?}"))?;
        if n == 0 || k == 0 || k > n {
            return Err(format!("shard {s:?}: need 1 <= K <= N"));
        }
        Ok(Shard { k, n })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

#[derive(Debug, Clone)]
pub struct RunConfig {
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
    /// Worker threads (0 = all cores).
    pub jobs: usize,
    pub input: InputOptions,
    pub include_text: bool,
    pub shard: Option<Shard>,
    /// Chart formats to draw into `out/charts` (empty: no charts).
    pub charts: Vec<crate::chart::Format>,
}

/// Progress notifications for the caller (the CLI draws a bar; the library never prints).
pub trait Progress: Sync {
    fn article(&self, _bytes: usize) {}
    fn skipped(&self, _skip: &Skipped) {}
}

/// No progress display.
pub struct Silent;
impl Progress for Silent {}

/// Result of a run.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub report: Report,
}

/// Analyze one document, turning an internal panic into a skip so no input is silently lost.
fn analyze_guarded(
    doc: &input::Document,
    engine: &Engine,
    include_text: bool,
) -> std::result::Result<ArticleRecord, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        analyze::analyze(doc, engine, include_text)
    }))
    .map_err(|p| {
        let msg = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        format!("internal error while analyzing (please report): {msg}")
    })
}

pub fn lexicon_infos(engine: &Engine) -> Vec<LexiconInfo> {
    engine
        .lexicons
        .lexicons
        .iter()
        .map(|l| LexiconInfo {
            name: l.name.clone(),
            kind: l.kind.clone(),
            version: l.version.clone(),
            origin: l.origin.clone(),
            sha256: l.sha256.clone(),
            entries: l.entries.len(),
        })
        .collect()
}

/// What the collecting thread needs of one analyzed article: the inputs of the aggregates and the encoded
/// outputs. It is built from the full record by the worker that analyzed the article, so that encoding the
/// outputs and freeing the record happen in parallel; the one thread that writes in input order then only
/// adds counts and copies bytes (that thread is what limits the gain from more threads).
pub struct Recorded {
    outlet: String,
    word_count: usize,
    metrics: BTreeMap<crate::names::Name, Option<f64>>,
    /// Attributions per side, for the sides a speaker was placed on.
    sides: Vec<(String, usize)>,
    keyness_words: analyze::WordCounts,
    /// The loaded terms in the outlet's own voice.
    authorial_terms: Vec<crate::names::Name>,
    warned: bool,
    encoded: Encoded,
}

impl Recorded {
    /// `metric_names` are the metric columns of `articles.csv`.
    pub fn new(rec: ArticleRecord, metric_names: &[String]) -> Result<Self> {
        let encoded = Encoded::new(&rec, metric_names)?;
        let sides = rec
            .balance
            .sides
            .into_iter()
            .filter(|s| s.side != analyze::UNKNOWN_SIDE)
            .map(|s| (s.side, s.attributions))
            .collect();
        let authorial_terms = rec
            .loaded_terms
            .into_iter()
            .filter(|t| t.voice == crate::text::Voice::Authorial)
            .map(|t| t.term)
            .collect();
        Ok(Recorded {
            outlet: rec.outlet,
            word_count: rec.word_count,
            metrics: rec.metrics,
            sides,
            keyness_words: rec.keyness_words,
            authorial_terms,
            warned: !rec.warnings.is_empty(),
            encoded,
        })
    }
}

/// Receives finished articles and skips in input order and builds the outputs; shared by `analyze` and
/// `merge` so both produce the same bytes from the same records.
pub struct Collector {
    pub info: RunInfo,
    agg: Aggregator,
    writer: OutputWriter,
    metric_names: Vec<String>,
}

impl Collector {
    pub fn new(out: &std::path::Path, metric_names: &[String], info: RunInfo) -> Result<Self> {
        Ok(Collector {
            info,
            writer: OutputWriter::create(out, metric_names)?,
            // Metric values wait for the statistics in a temporary file beside the staged outputs (on the
            // output's disk, not in memory or a possibly RAM-backed /tmp).
            agg: Aggregator::new(Some(crate::report::staging_dir(out))),
            metric_names: metric_names.to_vec(),
        })
    }

    /// Add one article (encoding it on this thread; [`Collector::add`] takes one encoded elsewhere).
    pub fn record(&mut self, rec: ArticleRecord) -> Result<()> {
        let r = Recorded::new(rec, &self.metric_names)?;
        self.add(r)
    }

    /// Add one article, in input order.
    pub fn add(&mut self, r: Recorded) -> Result<()> {
        self.info.read += 1;
        self.info.analyzed += 1;
        if r.warned {
            self.info.warnings += 1;
        }
        self.agg.add(&r.outlet, r.word_count, &r.metrics)?;
        self.agg
            .add_sides(&r.outlet, r.sides.iter().map(|(s, n)| (s.as_str(), *n)));
        self.agg
            .words
            .add_hashed_counts(&r.outlet, r.keyness_words.iter());
        self.agg
            .terms
            .add_article(&r.outlet, r.authorial_terms.iter().map(|t| &**t));
        self.writer.write(r.encoded)
    }

    /// Add the word counts read from another run's `term_counts.json` (for `merge`). Only the words: they
    /// are not in `articles.jsonl`, whereas the loaded-term counts are rebuilt by [`Collector::record`] from
    /// each record's `loaded_terms`, so merging them here too would count every term twice.
    pub fn add_vocabulary(&mut self, v: &crate::compare::VocabularyCounts) {
        self.agg.words.merge(&v.words);
    }

    pub fn skip(&mut self, s: Skipped) {
        self.info.read += 1;
        self.info.skipped.push(s);
    }

    /// Build `report.json` and move every output into place.
    pub fn finish(
        mut self,
        lexicons: Vec<LexiconInfo>,
        metric_names: Vec<String>,
        charts: &[crate::chart::Format],
    ) -> Result<Report> {
        let compared: Vec<String> = metric_names
            .iter()
            .filter(|m| !m.starts_with("words_"))
            .cloned()
            .collect();
        let stats = match self.agg.statistics(&compared) {
            Ok(s) => s,
            Err(e) => {
                self.writer.abandon();
                return Err(e);
            }
        };
        let report = Report {
            schema_version: SCHEMA_VERSION.into(),
            tool: ToolInfo {
                name: crate::TOOL_NAME.into(),
                version: crate::TOOL_VERSION.into(),
            },
            lexicons,
            metric_names,
            outlets: stats.outlets,
            run: self.info,
            comparisons: stats.comparisons,
            side_table: self.agg.side_table(),
            keyness: self.agg.keyness(),
        };
        let input = if charts.is_empty() {
            None
        } else {
            let rates = match self.agg.metric_values("loaded_rate") {
                Ok(r) => r,
                Err(e) => {
                    self.writer.abandon();
                    return Err(e);
                }
            };
            Some(crate::report::charts::chart_input(&report, &rates))
        };
        let vocabulary = self.agg.take_vocabulary();
        // Closes the temporary value file before the staging folder is emptied.
        drop(self.agg);
        self.writer
            .finish(&report, &vocabulary, input.as_ref().map(|i| (i, charts)))?;
        Ok(report)
    }

    pub fn abandon(self) {
        self.writer.abandon();
    }
}

/// Run `analyze` over the configured inputs and write every output into `cfg.out`.
pub fn run(cfg: &RunConfig, engine: &Engine, progress: &dyn Progress) -> Result<Outcome> {
    let metric_names = engine.metric_names();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.jobs)
        .build()
        .map_err(|e| Error::Other(format!("cannot start worker threads: {e}")))?;
    let info = RunInfo {
        inputs: cfg.inputs.iter().map(|p| p.display().to_string()).collect(),
        shard: cfg.shard.map(|s| s.to_string()),
        ..RunInfo::default()
    };
    let mut col = Collector::new(&cfg.out, &metric_names, info)?;
    match run_into(cfg, engine, progress, &pool, &mut col) {
        Ok(()) => Ok(Outcome {
            report: col.finish(lexicon_infos(engine), metric_names, &cfg.charts)?,
        }),
        Err(e) => {
            col.abandon();
            Err(e)
        }
    }
}

fn run_into(
    cfg: &RunConfig,
    engine: &Engine,
    progress: &dyn Progress,
    pool: &rayon::ThreadPool,
    col: &mut Collector,
) -> Result<()> {
    type Analyzed = Vec<std::result::Result<Recorded, Skipped>>;
    let metric_names = engine.metric_names();
    let mut position = 0usize;
    let mut reader = input::read_inputs(&cfg.inputs, &cfg.input);
    let overlap = pool.current_num_threads() > 1;
    let batch_len = if overlap { BATCH } else { SOLO_BATCH };
    let mut read_batch = || -> Result<Vec<(usize, Item)>> {
        let mut batch = Vec::with_capacity(batch_len);
        while batch.len() < batch_len {
            match reader.next() {
                None => break,
                Some(Err(e)) => return Err(e),
                Some(Ok(item)) => {
                    if cfg.shard.is_none_or(|s| position % s.n == s.k - 1) {
                        batch.push((position, item));
                    }
                    position += 1;
                }
            }
        }
        Ok(batch)
    };
    let analyze_batch = |batch: &[(usize, Item)]| -> Analyzed {
        batch
            .par_iter()
            .map(|(pos, item)| match item {
                Item::Skip(s) => Err(Skipped::new(s.id.clone(), s.reason.clone(), *pos)),
                Item::Doc(d) => {
                    let r = analyze_guarded(d, engine, cfg.include_text).and_then(|rec| {
                        Recorded::new(rec, &metric_names).map_err(|e| e.to_string())
                    });
                    if r.is_ok() {
                        progress.article(d.text.len());
                    }
                    r.map_err(|reason| Skipped::new(d.id.clone(), reason, *pos))
                }
            })
            .collect()
    };
    let record = |col: &mut Collector, results: Analyzed| -> Result<()> {
        for r in results {
            match r {
                Ok(rec) => col.add(rec)?,
                Err(s) => {
                    progress.skipped(&s);
                    col.skip(s);
                }
            }
        }
        Ok(())
    };
    // With more than one worker, this thread writes batch k-1 and reads batch k+1 while the pool analyzes
    // batch k, so reading and writing are not serialized with analysis. Batches are still recorded in input
    // order, so the output is the same. With one worker everything runs in turn (one thread at a time).
    let mut current = read_batch()?;
    let mut done: Option<Analyzed> = None;
    while !current.is_empty() || done.is_some() {
        let mut results: Option<Analyzed> = None;
        let mut next = Vec::new();
        let mut main_work = || -> Result<()> {
            if let Some(d) = done.take() {
                record(col, d)?;
            }
            next = read_batch()?;
            Ok(())
        };
        let mut outcome = Ok(());
        if current.is_empty() {
            outcome = main_work();
        } else if overlap {
            pool.in_place_scope(|s| {
                s.spawn(|_| results = Some(analyze_batch(&current)));
                outcome = main_work();
            });
        } else {
            outcome = main_work();
            if outcome.is_ok() {
                results = Some(pool.install(|| analyze_batch(&current)));
            }
        }
        outcome?;
        done = results;
        current = next;
    }
    Ok(())
}

/// One shard's outputs, read back for `merge`.
struct ShardOutput {
    report: Report,
    vocabulary: crate::compare::VocabularyCounts,
    records: std::io::Lines<std::io::BufReader<std::fs::File>>,
    path: PathBuf,
    line: usize,
    next_skip: usize,
}

impl ShardOutput {
    fn open(dir: &std::path::Path) -> Result<Self> {
        let rpath = dir.join("report.json");
        let bytes = std::fs::read(&rpath).map_err(|e| Error::io(&rpath, e))?;
        let report: Report = serde_json::from_slice(&bytes).map_err(|e| {
            Error::Other(format!("{}: not a slantscope report: {e}", rpath.display()))
        })?;
        let vpath = dir.join(crate::report::VOCABULARY_FILE);
        let vbytes = std::fs::read(&vpath).map_err(|e| Error::io(&vpath, e))?;
        let vocabulary = serde_json::from_slice(&vbytes).map_err(|e| {
            Error::Other(format!(
                "{}: unreadable vocabulary counts: {e}",
                vpath.display()
            ))
        })?;
        let path = dir.join("articles.jsonl");
        let f = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
        use std::io::BufRead;
        Ok(ShardOutput {
            report,
            vocabulary,
            records: std::io::BufReader::new(f).lines(),
            path,
            line: 0,
            next_skip: 0,
        })
    }

    fn next_record(&mut self) -> Result<Option<ArticleRecord>> {
        match self.records.next() {
            None => Ok(None),
            Some(Err(e)) => Err(Error::io(&self.path, e)),
            Some(Ok(l)) => {
                self.line += 1;
                serde_json::from_str(&l)
                    .map(Some)
                    .map_err(|e| Error::Input {
                        file: self.path.display().to_string(),
                        line: self.line,
                        message: format!("not an article record: {e}"),
                    })
            }
        }
    }
}

/// Combine the outputs of `analyze --shard K/N` runs (one folder per shard, all N present) into exactly
/// the outputs a single run over the whole corpus writes.
pub fn merge(
    dirs: &[PathBuf],
    out: &std::path::Path,
    charts: &[crate::chart::Format],
) -> Result<Report> {
    let mut shards = dirs
        .iter()
        .map(|d| ShardOutput::open(d))
        .collect::<Result<Vec<_>>>()?;
    let mut keyed = Vec::new();
    for s in shards.drain(..) {
        let shard: Shard = s
            .report
            .run
            .shard
            .as_deref()
            .ok_or_else(|| {
                Error::Usage(format!(
                    "{}: not a shard (run analyze with --shard K/N)",
                    s.path.display()
                ))
            })?
            .parse()
            .map_err(Error::Usage)?;
        keyed.push((shard, s));
    }
    keyed.sort_by_key(|(k, _)| k.k);
    let n = keyed
        .first()
        .map(|(k, _)| k.n)
        .ok_or_else(|| Error::Usage("merge needs at least one folder".into()))?;
    let ks: Vec<usize> = keyed.iter().map(|(k, _)| k.k).collect();
    if keyed.iter().any(|(k, _)| k.n != n) || ks != (1..=n).collect::<Vec<_>>() {
        let got: Vec<String> = keyed.iter().map(|(k, _)| k.to_string()).collect();
        return Err(Error::Usage(format!(
            "merge needs shards 1/{n} .. {n}/{n} exactly once; got {}",
            got.join(", ")
        )));
    }
    let first = &keyed[0].1.report;
    let (lexicons, metric_names, inputs) = (
        first.lexicons.clone(),
        first.metric_names.clone(),
        first.run.inputs.clone(),
    );
    for (k, s) in &keyed {
        let r = &s.report;
        if r.lexicons != lexicons
            || r.metric_names != metric_names
            || r.run.inputs != inputs
            || r.tool != first.tool
        {
            return Err(Error::Usage(format!(
                "shard {k} ({}) was made with different inputs, lexicons or tool version",
                s.path.display()
            )));
        }
    }
    let info = RunInfo {
        inputs,
        ..RunInfo::default()
    };
    let mut col = Collector::new(out, &metric_names, info)?;
    for (_, s) in &keyed {
        col.add_vocabulary(&s.vocabulary);
    }
    let result = (|| -> Result<()> {
        let mut position = 0usize;
        loop {
            let (_, s) = &mut keyed[position % n];
            let skip = s
                .report
                .run
                .skipped
                .get(s.next_skip)
                .filter(|sk| sk.position == position)
                .cloned();
            if let Some(sk) = skip {
                s.next_skip += 1;
                col.skip(sk);
            } else if let Some(rec) = s.next_record()? {
                col.record(rec)?;
            } else {
                break;
            }
            position += 1;
        }
        // Every shard must be used up: a leftover means the folders do not belong together.
        for (k, s) in &mut keyed {
            if s.next_skip < s.report.run.skipped.len() || s.next_record()?.is_some() {
                return Err(Error::Usage(format!(
                    "shard {k} has more articles than its position allows"
                )));
            }
        }
        Ok(())
    })();
    match result {
        Ok(()) => col.finish(lexicons, metric_names, charts),
        Err(e) => {
            col.abandon();
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file under `a` equals the file of the same name under `b`.
    fn assert_same_files(a: &std::path::Path, b: &std::path::Path) {
        let mut names: Vec<_> = std::fs::read_dir(a)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        let mut other: Vec<_> = std::fs::read_dir(b)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        other.sort();
        assert_eq!(names, other);
        for n in names {
            let (x, y) = (
                std::fs::read(a.join(&n)).unwrap(),
                std::fs::read(b.join(&n)).unwrap(),
            );
            assert!(
                x == y,
                "{n:?} differs between {} and {}",
                a.display(),
                b.display()
            );
        }
    }

    /// With more than `Spill::CHUNK` articles per outlet the metric values go through the temporary file;
    /// `--jobs 2` and a merge of shards still give byte-identical outputs.
    #[test]
    fn spilled_values_give_identical_outputs_for_jobs_and_shards() {
        let t = tempfile::tempdir().unwrap();
        let corpus = t.path().join("c.jsonl");
        let mut text = String::new();
        for i in 0..(2 * crate::compare::spill::Spill::CHUNK + 300) {
            let body = match i % 5 {
                0 => "The regime slammed the so-called reforms, officials said.".to_string(),
                1 => format!("Officials said {} farms had closed.", i % 13),
                2 => "According to the ministry, the plan would proceed.".to_string(),
                3 => format!("Critics say the regime {} times ignored warnings.", i % 7),
                _ => "The vote is on Tuesday.".repeat(1 + i % 4),
            };
            let rec = serde_json::json!({
                "id": format!("r{i}"),
                "outlet": if i % 3 == 0 { "a" } else { "b" },
                "text": format!("Headline {i}\n\n{body}"),
            });
            text.push_str(&rec.to_string());
            text.push('\n');
        }
        std::fs::write(&corpus, text).unwrap();
        let engine = Engine::new(crate::lexicon::LexiconSet::builtin().unwrap()).unwrap();
        let run_into_dir = |out: &std::path::Path, jobs: usize, shard: Option<Shard>| {
            let cfg = RunConfig {
                inputs: vec![corpus.clone()],
                out: out.to_path_buf(),
                jobs,
                input: InputOptions::default(),
                include_text: false,
                shard,
                charts: Vec::new(),
            };
            run(&cfg, &engine, &Silent).unwrap();
        };
        let dir = |name: &str| t.path().join(name);
        run_into_dir(&dir("j1"), 1, None);
        run_into_dir(&dir("j2"), 2, None);
        assert_same_files(&dir("j1"), &dir("j2"));
        run_into_dir(&dir("s1"), 1, Some(Shard { k: 1, n: 2 }));
        run_into_dir(&dir("s2"), 2, Some(Shard { k: 2, n: 2 }));
        merge(&[dir("s2"), dir("s1")], &dir("m"), &[]).unwrap();
        assert_same_files(&dir("j1"), &dir("m"));
        // No temporary file is left behind.
        let left: Vec<_> = std::fs::read_dir(dir("j1"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n.to_string_lossy().starts_with('.'))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    /// Regression (found by tests/properties.rs `merge_of_shards_equals_single_run`): merge counted every
    /// authorial loaded term twice in `term_counts.json` and keyness, once from the shard's
    /// `term_counts.json` and once from its records.
    #[test]
    fn merge_counts_loaded_terms_once() {
        let t = tempfile::tempdir().unwrap();
        let corpus = t.path().join("c.jsonl");
        std::fs::write(
            &corpus,
            "{\"id\":\"r0\",\"text\":\"Headline\\n\\nThe regime raised taxes again.\"}\n",
        )
        .unwrap();
        let engine = Engine::new(crate::lexicon::LexiconSet::builtin().unwrap()).unwrap();
        let run_into_dir = |out: &std::path::Path, shard: Option<Shard>| {
            let cfg = RunConfig {
                inputs: vec![corpus.clone()],
                out: out.to_path_buf(),
                jobs: 1,
                input: InputOptions::default(),
                include_text: false,
                shard,
                charts: Vec::new(),
            };
            run(&cfg, &engine, &Silent).unwrap();
        };
        let (single, s1, merged) = (t.path().join("a"), t.path().join("s1"), t.path().join("m"));
        run_into_dir(&single, None);
        run_into_dir(&s1, Some(Shard { k: 1, n: 1 }));
        merge(&[s1], &merged, &[]).unwrap();
        let name = crate::report::VOCABULARY_FILE;
        let a = std::fs::read_to_string(single.join(name)).unwrap();
        assert!(a.contains("\"regime\":1"), "{a}");
        assert_eq!(a, std::fs::read_to_string(merged.join(name)).unwrap());
    }
}
