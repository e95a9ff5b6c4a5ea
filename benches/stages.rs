//! Stage benchmarks over the PolNeAR train texts: segmentation (`text::build`), lexicon matching
//! (`TermMatcher::find_all` over the built-in term lexicons), attribution extraction, the whole of
//! `analyze::analyze`, JSON writing of the records, output encoding (JSONL line + CSV rows), and start-up
//! (`LexiconSet::builtin` + `Engine::new`).
//! Throughput is reported in bytes of article text.
//!
//! Run with `cargo bench --bench stages` (add `-- analyze` to filter). The texts are read from
//! `$SLANTSCOPE_SHARED/datasets/polnear/train/text`, else `../shared` beside the crate, else `/work/shared`;
//! when they are missing, the benchmarks that need them are skipped with a message. `BENCH_ARTICLES`
//! (default 120) sets how many articles (in sorted file order) one iteration processes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use divan::counter::BytesCount;
use divan::{black_box, Bencher};
use slantscope::analyze::{self, attribution, ArticleRecord, Engine};
use slantscope::input::{self, Document, InputOptions, Item};
use slantscope::lexicon::{Entry, LexiconSet, TermMatcher};
use slantscope::text;
use std::path::PathBuf;
use std::sync::OnceLock;

fn main() {
    divan::main();
}

fn shared_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("SLANTSCOPE_SHARED") {
        return PathBuf::from(d);
    }
    let beside = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if beside.is_dir() {
        return beside;
    }
    PathBuf::from("/work/shared")
}

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::new(LexiconSet::builtin().unwrap()).unwrap())
}

/// The first `BENCH_ARTICLES` PolNeAR train texts, read as text files (title = first line).
fn docs() -> &'static [Document] {
    static D: OnceLock<Vec<Document>> = OnceLock::new();
    D.get_or_init(|| {
        let dir = shared_dir().join("datasets/polnear/train/text");
        if !dir.is_dir() {
            eprintln!(
                "stages: no PolNeAR texts at {} (set SLANTSCOPE_SHARED); skipping",
                dir.display()
            );
            return Vec::new();
        }
        let n: usize = std::env::var("BENCH_ARTICLES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(120);
        let opts = InputOptions {
            outlet_rules: engine().outlet_rules.clone(),
            ..InputOptions::default()
        };
        input::read_inputs(&[dir], &opts)
            .filter_map(|i| match i {
                Ok(Item::Doc(d)) => Some(*d),
                _ => None,
            })
            .take(n)
            .collect()
    })
}

fn bytes() -> BytesCount {
    BytesCount::new(docs().iter().map(|d| d.text.len()).sum::<usize>())
}

fn opts(d: &Document) -> text::BuildOptions {
    text::BuildOptions {
        first_line_is_headline: d.first_line_is_headline,
    }
}

/// Text model: paragraphs, regions (line rules), sentences, tokens, quotes, voice.
#[divan::bench(sample_count = 20)]
fn segmentation(b: Bencher) {
    let e = engine();
    b.counter(bytes()).bench(|| {
        for d in docs() {
            black_box(text::build(&d.text, &e.text_rules, &opts(d)));
        }
    });
}

/// The term matcher over the built-in `terms` lexicons (the automaton scan and boundary checks only).
#[divan::bench(sample_count = 20)]
fn lexicon_matching(b: Bencher) {
    let set = LexiconSet::builtin().unwrap();
    let entries: Vec<&Entry> = set
        .of_kind("terms")
        .flat_map(|l| l.entries.iter())
        .filter(|e| e.pattern.is_none())
        .collect();
    let m = TermMatcher::build(&entries).unwrap();
    b.counter(bytes()).bench(|| {
        for d in docs() {
            black_box(m.find_all(&d.text));
        }
    });
}

/// Loaded-term findings (matching plus region, voice, sentence and attribution placement).
#[divan::bench(sample_count = 20)]
fn loaded_terms(b: Bencher) {
    let e = engine();
    let prepared: Vec<_> = docs()
        .iter()
        .map(|d| {
            let m = text::build(&d.text, &e.text_rules, &opts(d));
            let a = attribution::extract(&d.text, &m, &e.attribution);
            (m, a)
        })
        .collect();
    b.counter(bytes()).bench(|| {
        for (d, (m, a)) in docs().iter().zip(&prepared) {
            black_box(analyze::loaded::find(
                &slantscope::lexicon::MatchView::new(&d.text),
                m,
                a,
                &e.loaded,
            ));
        }
    });
}

/// Attribution extraction on prebuilt text models.
#[divan::bench(sample_count = 20)]
fn attribution(b: Bencher) {
    let e = engine();
    let models: Vec<_> = docs()
        .iter()
        .map(|d| text::build(&d.text, &e.text_rules, &opts(d)))
        .collect();
    b.counter(bytes()).bench(|| {
        for (d, m) in docs().iter().zip(&models) {
            black_box(attribution::extract(&d.text, m, &e.attribution));
        }
    });
}

/// One whole article: text model, attributions, loaded terms, metrics, the record.
#[divan::bench(sample_count = 20)]
fn analyze_article(b: Bencher) {
    let e = engine();
    b.counter(bytes()).bench(|| {
        for d in docs() {
            black_box(analyze::analyze(d, e, false));
        }
    });
}

/// serde_json of the records into a reused buffer (the `articles.jsonl` line). Throughput is in bytes of
/// article text, as for the other stages.
#[divan::bench(sample_count = 20)]
fn json_writing(b: Bencher) {
    let e = engine();
    let recs: Vec<ArticleRecord> = docs()
        .iter()
        .map(|d| analyze::analyze(d, e, false))
        .collect();
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 20);
    b.counter(bytes()).bench_local(|| {
        buf.clear();
        for r in &recs {
            serde_json::to_writer(&mut buf, r).unwrap();
            buf.push(b'\n');
        }
        black_box(buf.len());
    });
}

/// Everything a worker encodes per article: the `articles.jsonl` line and the rows of the four CSV tables
/// (`report::Encoded::new`). Throughput is in bytes of article text.
#[divan::bench(sample_count = 20)]
fn output_encoding(b: Bencher) {
    let e = engine();
    let names = e.metric_names();
    let recs: Vec<ArticleRecord> = docs()
        .iter()
        .map(|d| analyze::analyze(d, e, false))
        .collect();
    b.counter(bytes()).bench_local(|| {
        for r in &recs {
            black_box(slantscope::report::Encoded::new(r, &names).unwrap());
        }
    });
}

/// Start-up: parse the built-in lexicons and compile the engine (what `score` pays before reading).
#[divan::bench(sample_count = 10)]
fn startup() -> Engine {
    Engine::new(LexiconSet::builtin().unwrap()).unwrap()
}

/// Start-up split: parsing the built-in lexicons only.
#[divan::bench(sample_count = 10)]
fn startup_lexicons() -> LexiconSet {
    LexiconSet::builtin().unwrap()
}
