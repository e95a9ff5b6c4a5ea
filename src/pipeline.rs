//! The `analyze` run: stream inputs, analyze articles in parallel batches, write outputs in input order.
//! Batching keeps memory flat; collecting each batch in order makes output byte-identical for any number
//! of threads.

use crate::analyze::{self, ArticleRecord, Engine};
use crate::compare::Aggregator;
use crate::input::{self, InputOptions, Item};
use crate::report::{
    LexiconInfo, OutputWriter, Report, RunInfo, Skipped, ToolInfo, SCHEMA_VERSION,
};
use crate::{Error, Result};
use rayon::prelude::*;
use std::path::PathBuf;

/// Articles analyzed together before their output is written.
const BATCH: usize = 256;

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

/// Run `analyze` over the configured inputs and write every output into `cfg.out`.
pub fn run(cfg: &RunConfig, engine: &Engine, progress: &dyn Progress) -> Result<Outcome> {
    let metric_names = engine.metric_names();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.jobs)
        .build()
        .map_err(|e| Error::Other(format!("cannot start worker threads: {e}")))?;
    let mut writer = OutputWriter::create(&cfg.out, &metric_names)?;
    match run_into(cfg, engine, progress, &pool, &mut writer) {
        Ok(run) => {
            let report = Report {
                schema_version: SCHEMA_VERSION.into(),
                tool: ToolInfo {
                    name: crate::TOOL_NAME.into(),
                    version: crate::TOOL_VERSION.into(),
                },
                lexicons: lexicon_infos(engine),
                metric_names,
                outlets: run.1.summaries(),
                run: run.0,
                comparisons: Vec::new(),
                keyness: Vec::new(),
            };
            writer.finish(&report)?;
            Ok(Outcome { report })
        }
        Err(e) => {
            writer.abandon();
            Err(e)
        }
    }
}

fn run_into(
    cfg: &RunConfig,
    engine: &Engine,
    progress: &dyn Progress,
    pool: &rayon::ThreadPool,
    writer: &mut OutputWriter,
) -> Result<(RunInfo, Aggregator)> {
    let mut info = RunInfo {
        inputs: cfg.inputs.iter().map(|p| p.display().to_string()).collect(),
        shard: cfg.shard.map(|s| s.to_string()),
        ..RunInfo::default()
    };
    let mut agg = Aggregator::default();
    let mut position = 0usize;
    let mut batch: Vec<Item> = Vec::with_capacity(BATCH);
    let mut reader = input::read_inputs(&cfg.inputs, &cfg.input).peekable();
    loop {
        batch.clear();
        while batch.len() < BATCH {
            match reader.next() {
                None => break,
                Some(Err(e)) => return Err(e),
                Some(Ok(item)) => {
                    let mine = cfg.shard.is_none_or(|s| position % s.n == s.k - 1);
                    position += 1;
                    if mine {
                        batch.push(item);
                    }
                }
            }
        }
        if batch.is_empty() {
            break;
        }
        let results: Vec<std::result::Result<ArticleRecord, Skipped>> = pool.install(|| {
            batch
                .par_iter()
                .map(|item| match item {
                    Item::Skip(s) => Err(Skipped::from(s.clone())),
                    Item::Doc(d) => {
                        let r = analyze_guarded(d, engine, cfg.include_text).map_err(|reason| {
                            Skipped {
                                id: d.id.clone(),
                                reason,
                            }
                        });
                        if r.is_ok() {
                            progress.article(d.text.len());
                        }
                        r
                    }
                })
                .collect()
        });
        for r in results {
            info.read += 1;
            match r {
                Ok(rec) => {
                    info.analyzed += 1;
                    if !rec.warnings.is_empty() {
                        info.warnings += 1;
                    }
                    agg.add(&rec.outlet, rec.word_count, &rec.metrics);
                    writer.write(&rec)?;
                }
                Err(s) => {
                    progress.skipped(&s);
                    info.skipped.push(s);
                }
            }
        }
    }
    Ok((info, agg))
}
