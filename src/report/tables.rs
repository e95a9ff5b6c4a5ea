//! Tidy CSV tables: one row per article, loaded-term hit, attribution and source; snake_case headers.

use super::json::{word_at, NameCache, WrittenMetric};
use crate::analyze::ArticleRecord;
use crate::names::Name;
use crate::{Error, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Shortest round-trip float text (deterministic); empty for null. The tables write it with [`push_f64`];
/// this String form is what the tests compare with `Display`.
#[cfg(test)]
pub fn fmt_f64(v: Option<f64>) -> String {
    let mut s = Vec::new();
    push_f64(&mut s, v);
    // Display of a float is ASCII.
    String::from_utf8(s).unwrap_or_default()
}

/// Append [`fmt_f64`]'s text to `out` (without allocating a String of its own).
fn push_f64(out: &mut Vec<u8>, v: Option<f64>) {
    if let Some(v) = v.filter(|v| v.is_finite()) {
        let mut buf = zmij::Buffer::new();
        let text = buf.format_finite(v).as_bytes();
        match display_len(v, text) {
            Some(len) => out.extend_from_slice(&text[..len]),
            None => push_display(out, v),
        }
    }
}

/// Append [`fmt_f64`]'s text of `v` given zmij's text of it, which is at `at` in `out` (the JSON line's
/// copy): its digits are copied rather than formatted again.
fn push_f64_from(out: &mut Vec<u8>, v: Option<f64>, at: std::ops::Range<usize>) {
    if let Some(v) = v.filter(|v| v.is_finite()) {
        match out.get(at.clone()).and_then(|text| display_len(v, text)) {
            Some(len) => out.extend_from_within(at.start..at.start + len),
            None => push_display(out, v),
        }
    }
}

/// How much of zmij's text of `v` (finite) `Display` writes alike, or None where `Display` must write it.
#[inline]
fn display_len(v: f64, text: &[u8]) -> Option<usize> {
    // `Display` writes no exponent (`1e-7` is `0.0000001`): such values (tiny p-values at the end of a
    // run, never a per-article rate) and exact ties are left to it. An exponent is within the last
    // five bytes (`e-324`, `e+308`).
    if may_break_a_tie_differently(v, text) || text.iter().rev().take(5).any(|&b| b == b'e') {
        None
    } else {
        // Without an exponent zmij writes what `Display` does, but for the `.0` of whole numbers.
        Some(text.strip_suffix(b".0").unwrap_or(text).len())
    }
}

#[cold]
fn push_display(out: &mut Vec<u8>, v: f64) {
    // Writing into a Vec cannot fail.
    let _ = write!(out, "{v}");
}

/// Whether `v` may lie exactly halfway between the two shortest decimals that read back as it, where
/// `Display` rounds the last digit up and zmij to even (74077294433664.625 is `…664.63` and `…664.62`).
///
/// Such a tie needs the exact decimal expansion of `v` to be one digit longer than `text`'s digits. A
/// value with a fraction is `m · 2^-k` (m odd), whose expansion is the digits of `m · 5^k`; with k > 26
/// that has 19 digits or more, more than one beyond the 17 at most of a shortest text, so only values
/// with a short binary fraction are checked. Whole numbers below 2^53 are written exactly (no tie);
/// larger ones are all left to `Display`.
fn may_break_a_tie_differently(v: f64, text: &[u8]) -> bool {
    let bits = v.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (m, e) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | 1 << 52, biased - 1075)
    };
    if m == 0 {
        return false;
    }
    let zeros = m.trailing_zeros();
    let (m, e) = (m >> zeros, e + zeros as i32);
    if e >= 0 {
        return v.abs() >= 9_007_199_254_740_992.0;
    }
    if e < -26 {
        return false;
    }
    let exact = u128::from(m) * 5u128.pow(e.unsigned_abs());
    let exact_digits = exact.checked_ilog10().unwrap_or(0) + 1;
    exact_digits <= 18 && exact_digits == significant_digits(text) + 1
}

/// The significant digits in a float's text (those from the first non-zero digit to the last one).
fn significant_digits(text: &[u8]) -> u32 {
    let mantissa = text.split(|&b| b == b'e').next().unwrap_or_default();
    let (mut count, mut zeros) = (0, 0);
    for &b in mantissa.iter().filter(|b| b.is_ascii_digit()) {
        if b != b'0' {
            count += zeros + 1;
            zeros = 0;
        } else if count > 0 {
            // Counted only if a non-zero digit follows.
            zeros += 1;
        }
    }
    count
}

struct Table {
    path: PathBuf,
    w: BufWriter<File>,
    /// The row being encoded by [`Table::row_with`], reused from row to row.
    row: Vec<u8>,
}

impl Table {
    fn create(dir: &Path, name: &str, header: &[&str]) -> Result<Self> {
        let path = dir.join(name);
        let w = File::create(&path)
            .map(|f| BufWriter::with_capacity(1 << 16, f))
            .map_err(|e| Error::io(&path, e))?;
        let mut t = Table {
            path,
            w,
            row: Vec::new(),
        };
        t.row(header)?;
        Ok(t)
    }

    /// Append the rows in `rows`, in order.
    fn append_vectored(&mut self, rows: &mut [std::io::IoSlice<'_>]) -> Result<()> {
        super::write_all_vectored(&mut self.w, rows).map_err(|e| Error::io(&self.path, e))
    }

    /// Encode and append one row.
    fn row<I, T>(&mut self, fields: I) -> Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.row_with(|rows| {
            for f in fields {
                rows.field(f.as_ref());
            }
        })
    }

    /// Append the row whose fields `write` writes (numbers formatted straight into the reused row buffer,
    /// not each into a String of its own).
    fn row_with(&mut self, write: impl FnOnce(&mut Rows)) -> Result<()> {
        self.row.clear();
        let mut rows = Rows::new(&mut self.row);
        write(&mut rows);
        rows.end();
        self.w
            .write_all(&self.row)
            .map_err(|e| Error::io(&self.path, e))
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
/// is written field by field straight into the buffer: text is copied (quoted where needed) and numbers
/// are formatted in place, so no field allocates.
///
/// The bytes are those of the `csv` crate's default writer (`QuoteStyle::Necessary`, `,`, `\n`): a field
/// is quoted, with its quotes doubled, when it holds `,`, `"`, `\r` or `\n`, and a row that would be
/// empty (one empty field) is written as `""`.
struct Rows<'a> {
    out: &'a mut Vec<u8>,
    /// Where the current row starts in `out`.
    row_start: usize,
    /// No field has been written in the current row yet.
    first: bool,
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Whether any byte of `w` is `,`, `"`, `\r` or `\n` (exact for "any").
#[inline]
fn word_needs_quotes(w: u64) -> bool {
    // One test of the four masks or-ed together rather than four branches.
    let zeros = |v: u64| v.wrapping_sub(ONES) & !v;
    (zeros(w ^ (ONES * b',' as u64))
        | zeros(w ^ (ONES * b'"' as u64))
        | zeros(w ^ (ONES * b'\n' as u64))
        | zeros(w ^ (ONES * b'\r' as u64)))
        & HIGH
        != 0
}

/// Append `field` if the `csv` crate writes it as it is (no `,`, `"`, `\r` or `\n`); otherwise append
/// nothing and return false. The check and the copy go 8 bytes at a time, as whole words (no `memcpy`
/// call per field: most fields are short). From 8 bytes on, the last bytes are the high ones of the
/// field's last word (bytes before them were already checked, so the word's check is theirs), and a field
/// shorter than 16 bytes is two such words: no loop's exit and no branch on the tail's length depends
/// on the field's length.
fn push_plain(out: &mut Vec<u8>, field: &[u8]) -> bool {
    let start = out.len();
    let n = field.len();
    // Room for the whole last word, written before it is cut to length.
    out.reserve(n + 8);
    if n < 8 {
        // Zero past the text: a zero byte is none of the four.
        let w = super::json::short_word(field, n);
        if word_needs_quotes(w) {
            return false;
        }
        out.extend_from_slice(&w.to_le_bytes());
        out.truncate(start + n);
        return true;
    }
    let rest = if n < 16 {
        let w = word_at(field, 0);
        if word_needs_quotes(w) {
            return false;
        }
        out.extend_from_slice(&w.to_le_bytes());
        n - 8
    } else {
        let mut words = field.chunks_exact(8);
        for chunk in &mut words {
            let w = u64::from_le_bytes([
                chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7],
            ]);
            if word_needs_quotes(w) {
                out.truncate(start);
                return false;
            }
            out.extend_from_slice(&w.to_le_bytes());
        }
        words.remainder().len()
    };
    let last = word_at(field, n - 8);
    if word_needs_quotes(last) {
        out.truncate(start);
        return false;
    }
    // The last `rest` (< 8) bytes, shifted down (in two steps: one of 64 bits would overflow).
    out.extend_from_slice(&(last >> (8 * (7 - rest)) >> 8).to_le_bytes());
    out.truncate(start + n);
    true
}

/// Append `field` as the `csv` crate writes it.
fn push_field(out: &mut Vec<u8>, field: &str) {
    if !push_plain(out, field.as_bytes()) {
        push_quoted(out, field.as_bytes());
    }
}

/// Append `field` in quotes, its quotes doubled.
#[cold]
fn push_quoted(out: &mut Vec<u8>, field: &[u8]) {
    out.push(b'"');
    for (i, part) in field.split(|&b| b == b'"').enumerate() {
        if i > 0 {
            out.extend_from_slice(b"\"\"");
        }
        out.extend_from_slice(part);
    }
    out.push(b'"');
}

impl<'a> Rows<'a> {
    fn new(out: &'a mut Vec<u8>) -> Self {
        let row_start = out.len();
        Rows {
            out,
            row_start,
            first: true,
        }
    }

    /// The `,` before every field of a row but the first.
    #[inline]
    fn sep(&mut self) {
        if !std::mem::take(&mut self.first) {
            self.out.push(b',');
        }
    }

    fn field(&mut self, field: &[u8]) -> &mut Self {
        self.sep();
        if !push_plain(self.out, field) {
            push_quoted(self.out, field);
        }
        self
    }

    /// Fields already encoded in `out` (at `range`, e.g. by an earlier row), copied as they are.
    fn encoded(&mut self, range: std::ops::Range<usize>) -> &mut Self {
        self.sep();
        self.out.extend_from_within(range);
        self
    }

    fn text(&mut self, s: &str) -> &mut Self {
        self.field(s.as_bytes())
    }

    /// A name from the lexicons or an enum's name, copied from `names` once it has been encoded.
    fn name(&mut self, names: &mut NameCache, name: &Name) -> &mut Self {
        match name {
            Name::Borrowed(s) => self.static_name(names, s),
            Name::Owned(s) => self.text(s),
        }
    }

    /// [`Rows::name`] of a `&'static str`.
    fn static_name(&mut self, names: &mut NameCache, name: &'static str) -> &mut Self {
        self.sep();
        names.write(self.out, name, push_field);
        self
    }

    /// The name, or an empty field for `None`.
    fn opt_name(&mut self, names: &mut NameCache, name: &Option<Name>) -> &mut Self {
        match name {
            Some(name) => self.name(names, name),
            None => self.empty(),
        }
    }

    /// The text, or an empty field for `None`.
    fn opt<S: AsRef<str>>(&mut self, s: &Option<S>) -> &mut Self {
        match s {
            Some(s) => self.text(s.as_ref()),
            None => self.empty(),
        }
    }

    /// An empty field: nothing but its separator.
    fn empty(&mut self) -> &mut Self {
        self.sep();
        self
    }

    /// `true` or `false` (never quoted).
    fn flag(&mut self, b: bool) -> &mut Self {
        self.sep();
        super::json::write_flag(self.out, b);
        self
    }

    /// Digits never need quotes.
    fn int(&mut self, n: usize) -> &mut Self {
        self.sep();
        super::json::write_integer(self.out, n);
        self
    }

    /// A count (never quoted).
    fn uint(&mut self, n: u64) -> &mut Self {
        self.sep();
        super::json::write_integer(self.out, n);
        self
    }

    /// The number, or an empty field for `None`.
    fn opt_int(&mut self, n: Option<usize>) -> &mut Self {
        match n {
            Some(n) => self.int(n),
            None => self.empty(),
        }
    }

    /// [`fmt_f64`]'s text (digits, `-`, `.` and `e` only: never quoted).
    fn float(&mut self, v: Option<f64>) -> &mut Self {
        self.sep();
        push_f64(self.out, v);
        self
    }

    /// End the row whose fields were written.
    fn end(&mut self) {
        if self.out.len() == self.row_start {
            self.out.extend_from_slice(b"\"\"");
        }
        self.out.push(b'\n');
        self.row_start = self.out.len();
        self.first = true;
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

    /// Append articles' rows encoded by [`encode`]: for each table, every article's rows in order.
    pub fn append_vectored(&mut self, rows: [&mut [std::io::IoSlice<'_>]; 4]) -> Result<()> {
        let [articles, hits, attributions, sources] = rows;
        self.articles.append_vectored(articles)?;
        self.hits.append_vectored(hits)?;
        self.attributions.append_vectored(attributions)?;
        self.sources.append_vectored(sources)
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
pub fn encode(
    r: &ArticleRecord,
    metric_names: &[String],
    written: &[WrittenMetric],
    out: &mut Vec<u8>,
) -> [usize; 4] {
    // Every row starts with the article's id and outlet: encoded once, in the article's row, and copied
    // from there into the other rows.
    let mut id_outlet = 0..0;
    let mut names = CSV_NAMES.take();
    names.ready();
    let ends = [
        rows_into(out, |rows| {
            id_outlet = article_head(rows, r);
            metric_fields(rows, metric_names, written);
            rows.end();
        }),
        rows_into(out, |rows| {
            for h in &r.loaded_terms {
                rows.encoded(id_outlet.clone())
                    .name(&mut names, &h.category)
                    .text(&h.term)
                    .text(&h.text)
                    .int(h.start)
                    .int(h.end)
                    .static_name(&mut names, h.voice.as_str())
                    .static_name(&mut names, h.region.as_str())
                    .float(Some(h.weight))
                    .flag(h.counted)
                    .opt_int(h.attribution)
                    .opt_name(&mut names, &h.neutral)
                    .opt_name(&mut names, &h.group)
                    .name(&mut names, &h.lexicon)
                    .end();
            }
        }),
        rows_into(out, |rows| {
            for (i, a) in r.attributions.iter().enumerate() {
                let source = a.source.as_ref();
                rows.encoded(id_outlet.clone())
                    .int(i)
                    .name(&mut names, &a.kind)
                    .text(a.cue.as_ref().map_or("", |c| c.text.as_str()))
                    .opt_name(&mut names, &a.cue_lemma)
                    .opt_name(&mut names, &a.verb_class)
                    .text(source.map_or("", |s| s.text.as_str()))
                    .opt_int(source.map(|s| s.start))
                    .opt_int(source.map(|s| s.end))
                    .int(a.content.start)
                    .int(a.content.end)
                    .int(a.words)
                    .int(a.quoted_words)
                    .opt_int(a.continues)
                    .text(&a.speaker.name)
                    .name(&mut names, &a.speaker.kind)
                    .opt_name(&mut names, &a.speaker.side)
                    .name(&mut names, &a.speaker.resolved_from)
                    .opt(&a.speaker.role)
                    .end();
            }
        }),
        rows_into(out, |rows| {
            for s in &r.sources {
                rows.encoded(id_outlet.clone())
                    .text(&s.name)
                    .name(&mut names, &s.kind)
                    .opt_name(&mut names, &s.side)
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
        }),
    ];
    CSV_NAMES.set(names);
    ends
}

thread_local! {
    /// The CSV fields of the names that [`encode`] writes (see [`NameCache`]).
    static CSV_NAMES: std::cell::Cell<NameCache> = const { std::cell::Cell::new(NameCache::new()) };
}

/// The fields of an article's row before its metrics; returns where its id and outlet (the first two
/// fields, which every other table's rows start with) are in the output.
fn article_head(rows: &mut Rows, r: &ArticleRecord) -> std::ops::Range<usize> {
    let start = rows.out.len();
    rows.text(&r.id).text(&r.outlet);
    let id_outlet = start..rows.out.len();
    rows.text(&r.outlet_source)
        .opt(&r.title)
        .opt(&r.date)
        .opt(&r.url)
        .int(r.word_count)
        .opt(&r.balance.first_voice)
        .opt(&r.balance.last_word)
        .text(&r.warnings.join("; "));
    id_outlet
}

thread_local! {
    /// For each metric column, where its metric was among the written ones (in name order) last time:
    /// a guess, checked by name for every article.
    static METRIC_ORDER: std::cell::Cell<Vec<usize>> = const { std::cell::Cell::new(Vec::new()) };
}

/// The metric fields of an article's row, in `metric_names` order, from the metrics its JSON line wrote
/// (`written`, in name order): a column whose name is not among them is empty, as a map lookup would
/// leave it. Each column's position in `written` is found once per thread and then only checked.
fn metric_fields(rows: &mut Rows, metric_names: &[String], written: &[WrittenMetric]) {
    let mut order = METRIC_ORDER.take();
    order.resize(metric_names.len(), usize::MAX);
    for (name, guess) in metric_names.iter().zip(order.iter_mut()) {
        rows.sep();
        let found = match written.get(*guess) {
            Some(w) if w.name == name.as_str() => Some(w),
            _ => match written.binary_search_by(|w| w.name.cmp(name.as_str())) {
                Ok(i) => {
                    *guess = i;
                    written.get(i)
                }
                Err(_) => None,
            },
        };
        if let Some(w) = found {
            push_f64_from(rows.out, w.value, w.at.clone());
        }
    }
    METRIC_ORDER.set(order);
}

/// The article row as written before the metrics were taken from the JSON line: a map lookup and a
/// fresh float text per metric column (for tests).
#[cfg(test)]
pub fn encode_metrics_plainly(r: &ArticleRecord, metric_names: &[String], out: &mut Vec<u8>) {
    let mut rows = Rows::new(out);
    article_head(&mut rows, r);
    for m in metric_names {
        rows.float(r.metrics.get(m.as_str()).copied().flatten());
    }
    rows.end();
}

/// Append the rows written by `write` to `out`; returns where they end.
fn rows_into(out: &mut Vec<u8>, write: impl FnOnce(&mut Rows)) -> usize {
    write(&mut Rows::new(out));
    out.len()
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
            outlets.row_with(|r| {
                r.text(&o.outlet)
                    .int(o.articles)
                    .uint(o.words)
                    .text(m)
                    .int(s.n)
                    .float(s.mean)
                    .float(s.sd)
                    .float(s.median)
                    .float(s.ci95_low)
                    .float(s.ci95_high);
            })?;
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
        comparisons.row_with(|r| {
            r.text(&c.metric)
                .text(&c.outlet_a)
                .text(&c.outlet_b)
                .int(c.n_a)
                .int(c.n_b)
                .float(c.mean_a)
                .float(c.mean_b)
                .float(c.diff)
                .float(c.welch_t)
                .float(c.welch_df)
                .float(c.welch_p)
                .float(c.welch_p_holm)
                .float(c.mw_u)
                .float(c.mw_z)
                .float(c.mw_p)
                .float(c.mw_p_holm)
                .float(c.cohens_d)
                .float(c.cliffs_delta);
        })?;
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
            sides.row_with(|r| {
                r.text(o)
                    .text(side)
                    .uint(n)
                    .float(get(&st.shares))
                    .float(get(&st.std_residuals));
            })?;
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
        keyness.row_with(|w| {
            w.text(&r.outlet)
                .text(&k.kind)
                .text(&r.term)
                .uint(r.count_outlet)
                .uint(r.count_rest)
                .float(Some(r.rate_outlet_per_10k))
                .float(Some(r.rate_rest_per_10k))
                .float(Some(r.log_odds))
                .float(Some(r.z));
        })?;
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
    fn floats_are_display_text() {
        for v in [
            0.0,
            -0.0,
            1.5,
            22.625448028673834,
            1e21,
            1e-7,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            -3.0,
            100.0,
            0.001,
            123.456,
            1e15,
            1e16,
            1.5e-5,
            74_077_294_433_664.63,
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
                .opt(&None::<String>)
                .opt(&Some("say \"x\"".to_string()))
                .int(42)
                .opt_int(None)
                .float(Some(0.1))
                .flag(true)
                .end();
        }
        let mut whole = csv::Writer::from_writer(Vec::new());
        for _ in 0..2 {
            let row = ["a,b", "", "say \"x\"", "42", "", "0.1", "true"];
            whole.write_record(row).unwrap();
        }
        assert_eq!(one, whole.into_inner().unwrap());
    }

    #[derive(Debug, Clone)]
    enum Field {
        Text(String),
        Int(usize),
        Float(Option<f64>),
    }

    /// Text built from the bytes that matter to quoting (and to the 8-byte skipping).
    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                Just(','),
                Just('"'),
                Just('\n'),
                Just('\r'),
                Just(' '),
                Just('\t'),
                Just('é'),
                Just('😀'),
                any::<char>(),
                prop::char::range('a', 'z'),
            ],
            0..30,
        )
        .prop_map(|c| c.into_iter().collect())
    }

    fn record() -> impl Strategy<Value = Vec<Field>> {
        let float = prop_oneof![
            any::<f64>(),
            Just(-0.0),
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(74_077_294_433_664.63),
            (-1e6f64..1e6),
        ];
        prop::collection::vec(
            prop_oneof![
                text().prop_map(Field::Text),
                Just(Field::Text(String::new())),
                any::<usize>().prop_map(Field::Int),
                prop::option::of(float).prop_map(Field::Float),
            ],
            0..5,
        )
    }

    proptest! {
        #[test]
        fn rows_equal_the_csv_crate(records in prop::collection::vec(record(), 0..6)) {
            let mut ours = Vec::new();
            let mut rows = Rows::new(&mut ours);
            let mut theirs = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
            for fields in &records {
                let mut texts = Vec::new();
                for f in fields {
                    match f {
                        Field::Text(t) => {
                            rows.text(t);
                            texts.push(t.clone());
                        }
                        Field::Int(n) => {
                            rows.int(*n);
                            texts.push(n.to_string());
                        }
                        Field::Float(v) => {
                            rows.float(*v);
                            texts.push(fmt_f64(*v));
                        }
                    }
                }
                rows.end();
                theirs.write_record(&texts).unwrap();
            }
            let theirs = theirs.into_inner().unwrap();
            prop_assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&theirs));
        }

        /// Every length across the short, two-word and looped paths, plain and with one byte that needs
        /// quotes at every position (the tail is read as the field's last word, overlapping bytes already
        /// checked).
        #[test]
        fn plain_fields_of_every_length(n in 0usize..48, at in 0usize..48, which in 0usize..5) {
            let mut s: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
            if at < n && which < 4 {
                s[at] = [b',', b'"', b'\n', b'\r'][which];
            }
            let s = String::from_utf8(s).unwrap();
            let mut theirs = csv::Writer::from_writer(Vec::new());
            theirs.write_record([&s, "x"]).unwrap();
            let quoted = theirs.into_inner().unwrap().first() == Some(&b'"');
            let mut out = b"before".to_vec();
            prop_assert_eq!(push_plain(&mut out, s.as_bytes()), !quoted);
            let expected = if quoted { "before".to_string() } else { format!("before{s}") };
            prop_assert_eq!(out, expected.into_bytes());
        }

        /// Any names, written in any order through a cache (hits, misses, slots taken over, names that
        /// are prefixes of others at the same address), give the fields [`push_field`] writes.
        #[test]
        fn cached_names_are_csv_fields(
            texts in prop::collection::vec(text(), 1..12),
            picks in prop::collection::vec(0usize..24, 0..60),
        ) {
            use super::super::json::tests::{check_name_cache, with_prefixes};
            check_name_cache(&with_prefixes(texts), picks.into_iter(), push_field);
        }

        #[test]
        fn quoting_is_the_csv_crate_s(s in text(), before in text()) {
            let mut theirs = csv::Writer::from_writer(Vec::new());
            theirs.write_record([&s, "x"]).unwrap();
            let quoted = theirs.into_inner().unwrap().first() == Some(&b'"');
            let mut out = before.clone().into_bytes();
            prop_assert_eq!(push_plain(&mut out, s.as_bytes()), !quoted);
            let expected = if quoted { before } else { before + &s };
            prop_assert_eq!(out, expected.into_bytes());
        }

        #[test]
        fn fmt_f64_is_display(v: f64) {
            prop_assume!(v.is_finite());
            let expected = format!("{v}");
            prop_assert_eq!(fmt_f64(Some(v)), expected);
        }

        /// Every bit pattern (subnormals, both zeros, extremes), and the values metrics take: ratios,
        /// rates, whole numbers and numbers near powers of ten.
        #[test]
        fn fmt_f64_is_display_for_any_bits(
            bits: u64,
            n in 0u32..100_000,
            d in 1u32..10_000,
            p in -30i32..30,
            odd in 0u64..1 << 52,
            k in 0i32..30,
        ) {
            // `odd · 2^-k`: short binary fractions, among which are the ties zmij and `Display` break
            // differently.
            let short_fraction = (odd | 1) as f64 * 2f64.powi(-k);
            for v in [
                f64::from_bits(bits),
                short_fraction,
                -short_fraction,
                f64::from(n) / f64::from(d),
                f64::from(n) * 10f64.powi(p),
                f64::from(n),
                -f64::from(n) / 7.0,
            ] {
                if v.is_finite() {
                    prop_assert_eq!(fmt_f64(Some(v)), format!("{v}"));
                }
            }
        }
    }
}
