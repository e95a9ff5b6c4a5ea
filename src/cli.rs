//! Command line: clap arguments → validated settings → library calls; progress bars, printing and exit
//! codes live here and nowhere below.
//!
//! Exit codes: 0 success; 1 the run finished but some inputs were skipped; 2 usage, lexicon or I/O error;
//! 130 interrupted (SIGINT/SIGTERM; the previous output is left as it was).

use crate::analyze::{self, Engine};
use crate::input::{self, InputOptions, Item};
use crate::lexicon::LexiconSet;
use crate::pipeline::{self, Progress, RunConfig, Shard};
use crate::report::Skipped;
use anyhow::{anyhow, bail, Context};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};

pub const EXIT_OK: i32 = 0;
pub const EXIT_SKIPPED: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

const AFTER_HELP: &str = "\
Examples:
  slantscope analyze samples/corpus samples/wire.jsonl --out reports/sample
  slantscope analyze corpus.jsonl --out out --outlet-field source --jobs 2
  cat corpus.jsonl | slantscope analyze - --out out
  slantscope analyze corpus.jsonl --shard 2/8 --out shards/2   # then: slantscope merge shards/* --out all
  slantscope score article.txt
  slantscope lexicon check my-lexicons/

Exit codes: 0 ok, 1 some inputs skipped (listed in report.json), 2 usage, lexicon or I/O error.";

#[derive(Parser, Debug)]
#[command(name = "slantscope", version, about = "Measure loaded terminology, attribution balance and sourcing in news text", after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Analyze articles and write report.json, articles.jsonl, CSV tables into --out.
    #[command(after_help = AFTER_HELP)]
    Analyze(AnalyzeArgs),
    /// Print one article's findings for a person to read (or its JSON record).
    Score(ScoreArgs),
    /// Redraw the charts of a finished run from its report.json, without re-analysis.
    Chart(ChartArgs),
    /// Combine the output folders of `analyze --shard K/N` runs into the output of one whole run.
    Merge(MergeArgs),
    /// Validate or describe lexicons.
    #[command(subcommand)]
    Lexicon(LexiconCommand),
    /// Score the analyzers against annotated corpora (definitions in the README's accuracy section).
    #[command(subcommand)]
    Eval(EvalCommand),
}

#[derive(Subcommand, Debug)]
pub enum EvalCommand {
    /// Loaded-term spans vs PTC Loaded_Language ∪ Name_Calling,Labeling (SemEval-2020 partial credit).
    Ptc {
        /// The PTC folder (with articles/ and spans-technique.tsv).
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        #[command(flatten)]
        lex: LexiconArgs,
        #[arg(long)]
        json: bool,
    },
    /// Attribution extraction vs PolNeAR (detection, source, cue and content; by direct vs indirect).
    Polnear {
        /// The PolNeAR folder (with metadata.tsv and dev/, train/ ...).
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// Compartment to score.
        #[arg(long, default_value = "dev")]
        split: String,
        #[command(flatten)]
        lex: LexiconArgs,
        #[arg(long)]
        json: bool,
    },
    /// Loaded-term words vs BABE biased_words, and sentence flag vs label_bias.
    Babe {
        /// BABE SG2 csv (`;`-separated).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[command(flatten)]
        lex: LexiconArgs,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ChartsArg {
    Png,
    Svg,
    All,
    None,
}

impl ChartsArg {
    pub fn formats(self) -> Vec<crate::chart::Format> {
        use crate::chart::Format;
        match self {
            ChartsArg::Png => vec![Format::Png],
            ChartsArg::Svg => vec![Format::Svg],
            ChartsArg::All => vec![Format::Png, Format::Svg],
            ChartsArg::None => vec![],
        }
    }
}

#[derive(Args, Debug)]
pub struct ChartArgs {
    /// A report.json written by analyze or merge (articles.jsonl beside it supplies the distributions).
    #[arg(value_name = "REPORT")]
    pub report: PathBuf,
    /// Folder for the charts (default: charts/ beside the report).
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Chart formats.
    #[arg(long, value_enum, default_value = "png")]
    pub charts: ChartsArg,
}

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// Output folders of the shard runs (all N of them, any order).
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Folder for the merged outputs.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: PathBuf,
    /// Charts to draw into DIR/charts.
    #[arg(long, value_enum, default_value = "png")]
    pub charts: ChartsArg,
}

#[derive(Args, Debug, Clone)]
pub struct LexiconArgs {
    /// Folder of user lexicons (.toml, LIWC .dic, plain .txt lists) added to / overriding the defaults.
    #[arg(long, value_name = "DIR")]
    pub lexicons: Option<PathBuf>,
    /// A study's sides file (TOML: side → names, roles, organizations, patterns); see docs/attribution.md.
    #[arg(long, value_name = "FILE")]
    pub sides: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct FieldArgs {
    /// JSONL field holding the article text.
    #[arg(long, default_value = "text", value_name = "F")]
    pub text_field: String,
    /// JSONL field holding the article id.
    #[arg(long, default_value = "id", value_name = "F")]
    pub id_field: String,
    /// JSONL field holding the outlet name.
    #[arg(long, default_value = "outlet", value_name = "F")]
    pub outlet_field: String,
    /// JSONL field holding the title.
    #[arg(long, default_value = "title", value_name = "F")]
    pub title_field: String,
    /// Outlet for inputs that do not name one in a field.
    #[arg(long, value_name = "NAME")]
    pub outlet: Option<String>,
}

#[derive(Args, Debug)]
pub struct AnalyzeArgs {
    /// Files, folders (recursive), .jsonl corpora, or - for JSONL on stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Output folder (created if missing).
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub lex: LexiconArgs,
    #[command(flatten)]
    pub fields: FieldArgs,
    /// Worker threads (default: all cores). Output is identical for any value.
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Include each article's text in articles.jsonl (needed to check HTML offsets).
    #[arg(long)]
    pub include_text: bool,
    /// Skip malformed JSONL lines (recorded in report.json) instead of stopping.
    #[arg(long)]
    pub keep_going: bool,
    /// Charts to draw into DIR/charts (png, svg, all or none).
    #[arg(long, value_enum, default_value = "png")]
    pub charts: ChartsArg,
    /// Analyze only shard K of N (articles at input positions i with i mod N = K-1).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// No progress bar or summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScoreFormat {
    Text,
    Json,
}

#[derive(Args, Debug)]
pub struct ScoreArgs {
    /// One article: .txt, .md, .html, or a .jsonl whose first record is used.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ScoreFormat,
    /// Also draw the article's fingerprint chart into DIR.
    #[arg(long, value_name = "DIR")]
    pub chart: Option<PathBuf>,
    /// A report.json whose corpus means the fingerprint is drawn against.
    #[arg(long, value_name = "REPORT", requires = "chart")]
    pub reference: Option<PathBuf>,
    #[command(flatten)]
    pub lex: LexiconArgs,
    #[command(flatten)]
    pub fields: FieldArgs,
}

#[derive(Subcommand, Debug)]
pub enum LexiconCommand {
    /// Validate the lexicon files of DIR (default: the built-in lexicons); report every problem as file:line:col.
    Check {
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// List the lexicons in use (built-in plus --lexicons DIR) with kind, version, entries and checksum.
    List(LexiconArgs),
}

/// Entry point for the binary: parse, run, map errors to exit codes.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return EXIT_OK;
            }
            eprintln!("error: {e:#}");
            EXIT_ERROR
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    // serde_json wraps the io::Error without exposing it as a source: ask it for the kind.
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

pub fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Analyze(a) => cmd_analyze(a),
        Command::Score(s) => cmd_score(s),
        Command::Merge(m) => {
            remove_staging_on_interrupt(&m.out);
            let report = pipeline::merge(&m.dirs, &m.out, &m.charts.formats())?;
            Ok(if report.run.skipped.is_empty() {
                EXIT_OK
            } else {
                EXIT_SKIPPED
            })
        }
        Command::Eval(e) => cmd_eval(e),
        Command::Chart(c) => cmd_chart(c),
        Command::Lexicon(LexiconCommand::Check { dir }) => cmd_lexicon_check(dir.as_deref()),
        Command::Lexicon(LexiconCommand::List(l)) => cmd_lexicon_list(&l),
    }
}

/// The analysis engine for these arguments: lexicons plus an optional sides file.
/// The engine of this process's command. It lives until the process exits, so it is leaked rather than
/// dropped: freeing its automata and lexicons one allocation at a time would only delay the exit (about
/// 8 ms, a sixth of a `score` run).
pub fn engine(args: &LexiconArgs) -> anyhow::Result<&'static Engine> {
    let engine = Engine::new(load_lexicons(args)?)?;
    let engine = match &args.sides {
        Some(f) => engine.with_sides(crate::analyze::attribution::load_sides(f)?),
        None => engine,
    };
    Ok(Box::leak(Box::new(engine)))
}

pub fn load_lexicons(args: &LexiconArgs) -> anyhow::Result<LexiconSet> {
    Ok(match &args.lexicons {
        Some(dir) => LexiconSet::with_user_dir(dir)?,
        None => LexiconSet::builtin()?,
    })
}

fn input_options(f: &FieldArgs, keep_going: bool, engine: &Engine) -> InputOptions {
    InputOptions {
        text_field: f.text_field.clone(),
        id_field: f.id_field.clone(),
        outlet_field: f.outlet_field.clone(),
        title_field: f.title_field.clone(),
        outlet: f.outlet.clone(),
        keep_going,
        outlet_rules: engine.outlet_rules.clone(),
        ..InputOptions::default()
    }
}

struct Bar {
    bar: indicatif::ProgressBar,
}

impl Progress for Bar {
    fn article(&self, bytes: usize) {
        self.bar.inc(bytes as u64);
    }
    fn skipped(&self, s: &Skipped) {
        self.bar
            .suspend(|| eprintln!("skipped {}: {}", s.id, s.reason));
    }
}

fn cmd_analyze(a: AnalyzeArgs) -> anyhow::Result<i32> {
    let engine = engine(&a.lex)?;
    for p in &a.inputs {
        if p.as_os_str() != "-" && !p.exists() {
            bail!("input not found: {}", p.display());
        }
    }
    let cfg = RunConfig {
        inputs: a.inputs.clone(),
        out: a.out.clone(),
        jobs: a.jobs.unwrap_or(0),
        input: input_options(&a.fields, a.keep_going, engine),
        include_text: a.include_text,
        shard: a.shard,
        charts: a.charts.formats(),
    };
    let bar = if a.quiet {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new_spinner()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {elapsed} {bytes} analyzed ({bytes_per_sec})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    let progress = Bar { bar };
    remove_staging_on_interrupt(&a.out);
    let outcome = pipeline::run(&cfg, engine, &progress)
        .with_context(|| format!("analyze into {}", a.out.display()))?;
    progress.bar.finish_and_clear();
    let run = &outcome.report.run;
    if !a.quiet {
        eprintln!(
            "read {} · analyzed {} · skipped {}{} → {}",
            run.read,
            run.analyzed,
            run.skipped.len(),
            if run.warnings > 0 {
                format!(" · {} with warnings", run.warnings)
            } else {
                String::new()
            },
            a.out.display()
        );
    }
    Ok(if run.skipped.is_empty() {
        EXIT_OK
    } else {
        EXIT_SKIPPED
    })
}

/// Exit status after SIGINT / SIGTERM (128 + SIGINT, as shells report an interrupted command).
pub const EXIT_INTERRUPTED: i32 = 130;

/// On SIGINT / SIGTERM, remove this run's staging folder in `out` and exit 130, so an interrupted run leaves
/// the previous complete output (or none). If the outputs are being renamed into place at that moment, the
/// handler waits for the renames to finish (the new output is then complete). Failing to install the handler
/// is not an error: the staging folder is then left behind, hidden, and the previous output is still intact.
fn remove_staging_on_interrupt(out: &Path) {
    let staging = crate::report::staging_dir(out);
    let _ = ctrlc::set_handler(move || {
        let _commit = crate::report::COMMIT
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let _ = std::fs::remove_dir_all(&staging);
        eprintln!("interrupted");
        std::process::exit(EXIT_INTERRUPTED);
    });
}

fn first_document(path: &Path, opts: &InputOptions) -> anyhow::Result<input::Document> {
    match input::read_inputs(&[path.to_path_buf()], opts).next() {
        Some(item) => match item? {
            Item::Doc(d) => Ok(*d),
            Item::Skip(s) => bail!("{}: skipped: {}", s.id, s.reason),
        },
        None => Err(anyhow!("{}: no article found", path.display())),
    }
}

fn cmd_score(s: ScoreArgs) -> anyhow::Result<i32> {
    let engine = engine(&s.lex)?;
    if !s.file.exists() && s.file.as_os_str() != "-" {
        bail!("input not found: {}", s.file.display());
    }
    let doc = first_document(&s.file, &input_options(&s.fields, false, engine))?;
    let rec = analyze::analyze(&doc, engine, false);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match s.format {
        ScoreFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &rec)?;
            writeln!(out)?;
        }
        ScoreFormat::Text => crate::report::human::write(&mut out, &doc, &rec, engine)?,
    }
    if let Some(dir) = &s.chart {
        let reference = s.reference.as_deref().map(read_report).transpose()?;
        let fp = crate::report::charts::fingerprint(&rec, reference.as_ref());
        let path = crate::chart::fingerprint(&fp, dir, crate::chart::Format::Png)?;
        eprintln!("chart: {}", path.display());
    }
    out.flush()?;
    Ok(EXIT_OK)
}

fn cmd_lexicon_check(dir: Option<&Path>) -> anyhow::Result<i32> {
    let report = LexiconSet::check_dir(dir)?;
    let mut out = std::io::stdout().lock();
    for d in &report.diagnostics {
        eprintln!("{d}");
    }
    if report.has_errors() {
        let n = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == crate::lexicon::Severity::Error)
            .count();
        eprintln!("error: {n} lexicon error(s)");
        return Ok(EXIT_ERROR);
    }
    // Building the engine compiles every matcher and pattern, which is where the remaining errors surface.
    let set = match dir {
        Some(d) => LexiconSet::with_user_dir(d)?,
        None => LexiconSet::builtin()?,
    };
    // Built-in patterns are otherwise compiled on first need: compile them all here.
    for l in &set.lexicons {
        l.patterns()?;
    }
    Engine::new(set)?;
    for l in &report.lexicons {
        writeln!(
            out,
            "ok  {:<14} {:<13} {:>6} entries  {}",
            l.name, l.kind, l.entries, l.origin
        )?;
    }
    Ok(EXIT_OK)
}

fn cmd_lexicon_list(args: &LexiconArgs) -> anyhow::Result<i32> {
    let set = load_lexicons(args)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<14} {:<13} {:<9} {:>7} {:>5}  {:<16} origin",
        "name", "kind", "version", "entries", "cats", "sha256"
    )?;
    for l in &set.lexicons {
        writeln!(
            out,
            "{:<14} {:<13} {:<9} {:>7} {:>5}  {:<16} {}",
            l.name,
            l.kind,
            l.version,
            l.entries.len(),
            l.categories.len(),
            l.sha256.get(..16).unwrap_or(&l.sha256),
            l.origin
        )?;
        for c in &l.categories {
            let n = l.entries.iter().filter(|e| e.category == c.id).count();
            writeln!(out, "    {:<24} {:>6}  {}", c.id, n, c.description)?;
        }
    }
    Ok(EXIT_OK)
}

fn cmd_eval(e: EvalCommand) -> anyhow::Result<i32> {
    let mut out = std::io::stdout().lock();
    match e {
        EvalCommand::Ptc { dir, lex, json } => {
            let engine = engine(&lex)?;
            let r = crate::eval::run::ptc(&dir, engine)?;
            if json {
                serde_json::to_writer_pretty(&mut out, &r)?;
                writeln!(out)?;
            } else {
                let s = &r.score;
                writeln!(out, "PTC loaded language ({} articles): P {:.3}  R {:.3}  F1 {:.3}  (predicted {}, gold {})",
                    r.articles, s.precision, s.recall, s.f1, s.n_pred, s.n_gold)?;
                writeln!(out, "precision by category:")?;
                for (c, (n, p)) in &r.by_category {
                    writeln!(out, "  {c:<24} {n:>6} spans  P {p:.3}")?;
                }
            }
        }
        EvalCommand::Polnear {
            dir,
            split,
            lex,
            json,
        } => {
            let engine = engine(&lex)?;
            let r = crate::eval::run::polnear(&dir, &split, engine)?;
            if json {
                serde_json::to_writer_pretty(&mut out, &r)?;
                writeln!(out)?;
            } else {
                write!(out, "{r}")?;
            }
        }
        EvalCommand::Babe { file, lex, json } => {
            let engine = engine(&lex)?;
            let s = crate::eval::run::babe(&file, engine)?;
            if json {
                serde_json::to_writer_pretty(&mut out, &s)?;
                writeln!(out)?;
            } else {
                writeln!(out, "BABE words: P {:.3}  R {:.3}  F1 {:.3} · sentence accuracy {:.3} ({} sentences)",
                    s.word_precision, s.word_recall, s.word_f1, s.sentence_accuracy, s.n_sentences)?;
            }
        }
    }
    Ok(EXIT_OK)
}

fn read_report(path: &Path) -> anyhow::Result<crate::report::Report> {
    let bytes = std::fs::read(path).with_context(|| format!("read {}", path.display()))?;
    serde_json::from_slice(&bytes)
        .with_context(|| format!("{}: not a slantscope report.json", path.display()))
}

fn cmd_chart(c: ChartArgs) -> anyhow::Result<i32> {
    let report = read_report(&c.report)?;
    let dir = c.report.parent().unwrap_or(Path::new("."));
    // Per-article loaded_rate values per outlet for the distribution chart, streamed from articles.jsonl.
    let mut values: std::collections::BTreeMap<String, Vec<f64>> = Default::default();
    let jsonl = dir.join("articles.jsonl");
    if let Ok(f) = std::fs::File::open(&jsonl) {
        use std::io::BufRead;
        for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
            let line = line.with_context(|| format!("read {}", jsonl.display()))?;
            let v: serde_json::Value = serde_json::from_str(&line)
                .with_context(|| format!("{}:{}", jsonl.display(), i + 1))?;
            if let (Some(o), Some(r)) = (v["outlet"].as_str(), v["metrics"]["loaded_rate"].as_f64())
            {
                values.entry(o.to_string()).or_default().push(r);
            }
        }
    }
    let input = crate::report::charts::chart_input(&report, &values);
    let out = c.out.unwrap_or_else(|| dir.join(crate::report::CHARTS_DIR));
    for p in crate::chart::draw_all(&input, &out, &c.charts.formats())? {
        println!("{}", p.display());
    }
    Ok(EXIT_OK)
}
