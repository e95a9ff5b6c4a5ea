//! A compact JSON serializer that appends to a `Vec<u8>`, for the `articles.jsonl` line that every worker
//! encodes per article. Its output is byte for byte that of `serde_json::to_writer` (compact formatter):
//! the same string escapes, numbers through the same crates (`itoa`, `zmij`) and `null` for non-finite
//! floats. It exists because serde_json's generic `io::Write` + `Formatter` layers cost a measurable share
//! of the per-article work; writing straight into the buffer lets escaping copy whole runs of plain text.

use crate::analyze::{
    ArticleRecord, AttributionOut, LoadedTerm, QuoteOut, SourceOut, Span, SpeakerOut,
};
use crate::names::Name;
use serde::ser::{self, Serialize};
use std::fmt;

/// An encoding error (a map key that is not a string or number, or one raised by a `Serialize` impl).
#[derive(Debug)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

type Result<T = ()> = std::result::Result<T, Error>;

/// Append the compact JSON text of `value` to `out` (on error, `out` may hold part of it).
pub fn write<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result {
    value.serialize(&mut Serializer { out, sink: None })
}

/// Bytes [`write_to`] gathers before it hands them to its writer.
const STREAM_CHUNK: usize = 64 << 10;

/// Write the bytes of [`write`] to `sink` as they are made, a chunk of about [`STREAM_CHUNK`] at a time
/// (at each element of an array or entry of a map), rather than building the whole text in one buffer
/// first: a large output (`term_counts.json` holds every word of every outlet) then neither sits in
/// memory whole nor is copied each time its buffer doubles.
pub fn write_to<T: Serialize + ?Sized>(
    sink: &mut dyn std::io::Write,
    value: &T,
) -> std::result::Result<(), Streamed> {
    let mut out = Vec::with_capacity(STREAM_CHUNK + (STREAM_CHUNK >> 2));
    // The serializer's error type only carries text: an I/O error is kept here and returned as it came.
    let mut failed = None;
    let mut send = |bytes: &[u8]| match sink.write_all(bytes) {
        Ok(()) => true,
        Err(e) => {
            failed = Some(e);
            false
        }
    };
    let result = value.serialize(&mut Serializer {
        out: &mut out,
        sink: Some(&mut send),
    });
    if let Some(e) = failed {
        return Err(Streamed::Io(e));
    }
    result.map_err(Streamed::Encode)?;
    sink.write_all(&out).map_err(Streamed::Io)
}

/// Why [`write_to`] failed: the value could not be encoded, or the writer failed.
#[derive(Debug)]
pub enum Streamed {
    Encode(Error),
    Io(std::io::Error),
}

/// A metric as [`write_article`] wrote it: its name and value, and where the value's text (zmij's digits,
/// or `null`) is in the output, so that the CSV row can copy those digits rather than format them again.
pub struct WrittenMetric<'r> {
    pub name: &'r str,
    pub value: Option<f64>,
    pub at: std::ops::Range<usize>,
}

/// Append the `articles.jsonl` line of `rec` (without its newline): the bytes of [`write`], with the
/// metrics written here so that `metrics` can record where each value's text is (in name order).
pub fn write_article<'r>(
    out: &mut Vec<u8>,
    rec: &'r ArticleRecord,
    metrics: &mut Vec<WrittenMetric<'r>>,
) -> Result {
    // Every field named, so that a field added to the record cannot be left out here.
    let ArticleRecord {
        id,
        outlet,
        outlet_source,
        title,
        date,
        url,
        byline,
        word_count,
        headline,
        metrics: values,
        balance,
        loaded_terms,
        attributions,
        sources,
        credits,
        self_references,
        unsourced_loaded,
        quotes,
        excluded,
        warnings,
        text,
        keyness_words: _,
    } = rec;
    out.extend_from_slice(b"{\"id\":");
    write_str(out, id);
    out.extend_from_slice(b",\"outlet\":");
    write_str(out, outlet);
    out.extend_from_slice(b",\"outlet_source\":");
    write_str(out, outlet_source);
    field(out, b",\"title\":", title)?;
    field(out, b",\"date\":", date)?;
    field(out, b",\"url\":", url)?;
    field(out, b",\"byline\":", byline)?;
    out.extend_from_slice(b",\"word_count\":");
    write_integer(out, *word_count);
    field(out, b",\"headline\":", headline)?;
    out.extend_from_slice(b",\"metrics\":{");
    let mut keys = METRIC_KEYS.take();
    for (i, (name, &value)) in values.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        keys.write(out, i, name);
        out.push(b':');
        let start = out.len();
        match value {
            Some(v) => write_float(out, v, v.is_finite()),
            None => out.extend_from_slice(b"null"),
        }
        metrics.push(WrittenMetric {
            name,
            value,
            at: start..out.len(),
        });
    }
    METRIC_KEYS.set(keys);
    out.push(b'}');
    field(out, b",\"balance\":", balance)?;
    let mut names = JSON_NAMES.take();
    names.ready();
    out.extend_from_slice(b",\"loaded_terms\":");
    write_list(out, loaded_terms, |out, t| {
        write_loaded_term(out, t, &mut names)
    });
    out.extend_from_slice(b",\"attributions\":[");
    // Where each attribution's source span was written, by span: a source's mentions are those spans.
    let mut source_spans = Vec::with_capacity(attributions.len());
    for (i, a) in attributions.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_attribution(out, a, &mut source_spans, &mut names)?;
    }
    out.push(b']');
    source_spans.sort_unstable_by_key(|w: &WrittenSpan| (w.span.start, w.span.end));
    out.extend_from_slice(b",\"sources\":[");
    for (i, s) in sources.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_source(out, s, &source_spans, &mut names)?;
    }
    out.push(b']');
    JSON_NAMES.set(names);
    field(out, b",\"credits\":", credits)?;
    out.extend_from_slice(b",\"self_references\":");
    write_list(out, self_references, write_span);
    out.extend_from_slice(b",\"unsourced_loaded\":");
    write_list(out, unsourced_loaded, write_span);
    out.extend_from_slice(b",\"quotes\":");
    write_list(out, quotes, write_quote);
    field(out, b",\"excluded\":", excluded)?;
    field(out, b",\"warnings\":", warnings)?;
    if let Some(text) = text {
        out.extend_from_slice(b",\"text\":");
        write_str(out, text);
    }
    out.push(b'}');
    Ok(())
}

/// `[…]`: the items written by `write`, comma-separated.
fn write_list<T>(out: &mut Vec<u8>, items: &[T], mut write: impl FnMut(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, item);
    }
    out.push(b']');
}

/// Append `true` or `false`: one 8-byte store cut to length, the word picked without a branch (a copy of
/// a 4- or 5-byte slice is a `memcpy` call).
#[inline]
pub(super) fn write_flag(out: &mut Vec<u8>, v: bool) {
    let (word, len) = if v {
        (u64::from_le_bytes(*b"true\0\0\0\0"), 4)
    } else {
        (u64::from_le_bytes(*b"false\0\0\0"), 5)
    };
    let at = out.len();
    out.extend_from_slice(&word.to_le_bytes());
    out.truncate(at + len);
}

/// One loaded-term finding, as its derived `Serialize` writes it.
fn write_loaded_term(out: &mut Vec<u8>, t: &LoadedTerm, names: &mut NameCache) {
    let LoadedTerm {
        start,
        end,
        text,
        term,
        category,
        weight,
        counted,
        voice,
        region,
        attribution,
        neutral,
        group,
        sentence,
        lexicon,
    } = t;
    open_span(out, *start, *end, text);
    out.extend_from_slice(b",\"term\":");
    write_str(out, term);
    out.extend_from_slice(b",\"category\":");
    names.json(out, category);
    out.extend_from_slice(b",\"weight\":");
    write_float(out, *weight, weight.is_finite());
    out.extend_from_slice(b",\"counted\":");
    write_flag(out, *counted);
    out.extend_from_slice(b",\"voice\":");
    names.write(out, voice.as_str(), write_str);
    out.extend_from_slice(b",\"region\":");
    names.write(out, region.as_str(), write_str);
    out.extend_from_slice(b",\"attribution\":");
    write_opt_int(out, *attribution);
    out.extend_from_slice(b",\"neutral\":");
    names.opt_json(out, neutral);
    out.extend_from_slice(b",\"group\":");
    names.opt_json(out, group);
    out.extend_from_slice(b",\"sentence\":");
    write_opt_int(out, *sentence);
    out.extend_from_slice(b",\"lexicon\":");
    names.json(out, lexicon);
    out.push(b'}');
}

/// One quotation, as its derived `Serialize` writes it.
fn write_quote(out: &mut Vec<u8>, q: &QuoteOut) {
    let QuoteOut {
        start,
        end,
        text,
        depth,
        closed,
        attribution,
    } = q;
    open_span(out, *start, *end, text);
    out.extend_from_slice(b",\"depth\":");
    write_integer(out, usize::from(*depth));
    out.extend_from_slice(b",\"closed\":");
    write_flag(out, *closed);
    out.extend_from_slice(b",\"attribution\":");
    write_opt_int(out, *attribution);
    out.push(b'}');
}

/// A span and where its JSON is in the output.
struct WrittenSpan<'r> {
    span: &'r Span,
    at: std::ops::Range<usize>,
}

/// `{"start":…,"end":…,"text":…`: how a span, a loaded term and a quote begin (the object left open).
fn open_span(out: &mut Vec<u8>, start: usize, end: usize, text: &str) {
    out.extend_from_slice(b"{\"start\":");
    write_integer(out, start);
    out.extend_from_slice(b",\"end\":");
    write_integer(out, end);
    out.extend_from_slice(b",\"text\":");
    write_str(out, text);
}

/// `{"start":…,"end":…,"text":…}`, as the derived `Serialize` of [`Span`] writes it.
fn write_span(out: &mut Vec<u8>, span: &Span) {
    open_span(out, span.start, span.end, &span.text);
    out.push(b'}');
}

fn write_opt_span(out: &mut Vec<u8>, span: &Option<Span>) {
    match span {
        Some(span) => write_span(out, span),
        None => out.extend_from_slice(b"null"),
    }
}

fn write_opt_str<S: AsRef<str>>(out: &mut Vec<u8>, s: &Option<S>) {
    match s {
        Some(s) => write_str(out, s.as_ref()),
        None => out.extend_from_slice(b"null"),
    }
}

fn write_opt_int(out: &mut Vec<u8>, n: Option<usize>) {
    match n {
        Some(n) => write_integer(out, n),
        None => out.extend_from_slice(b"null"),
    }
}

/// One attribution, as its derived `Serialize` writes it; notes where its source span was written.
fn write_attribution<'r>(
    out: &mut Vec<u8>,
    a: &'r AttributionOut,
    source_spans: &mut Vec<WrittenSpan<'r>>,
    names: &mut NameCache,
) -> Result {
    let AttributionOut {
        kind,
        cue,
        cue_lemma,
        source,
        content,
        speaker,
        verb_class,
        words,
        quoted_words,
        continues,
    } = a;
    out.extend_from_slice(b"{\"type\":");
    names.json(out, kind);
    out.extend_from_slice(b",\"cue\":");
    write_opt_span(out, cue);
    out.extend_from_slice(b",\"cue_lemma\":");
    names.opt_json(out, cue_lemma);
    out.extend_from_slice(b",\"source\":");
    let start = out.len();
    write_opt_span(out, source);
    if let Some(span) = source {
        source_spans.push(WrittenSpan {
            span,
            at: start..out.len(),
        });
    }
    out.extend_from_slice(b",\"content\":");
    write_span(out, content);
    out.extend_from_slice(b",\"speaker\":");
    write_speaker(out, speaker, names);
    out.extend_from_slice(b",\"verb_class\":");
    names.opt_json(out, verb_class);
    out.extend_from_slice(b",\"words\":");
    write_integer(out, *words);
    out.extend_from_slice(b",\"quoted_words\":");
    write_integer(out, *quoted_words);
    out.extend_from_slice(b",\"continues\":");
    write_opt_int(out, *continues);
    out.push(b'}');
    Ok(())
}

/// An attribution's speaker, as its derived `Serialize` writes it.
fn write_speaker(out: &mut Vec<u8>, s: &SpeakerOut, names: &mut NameCache) {
    let SpeakerOut {
        name,
        kind,
        side,
        resolved_from,
        role,
    } = s;
    out.extend_from_slice(b"{\"name\":");
    write_str(out, name);
    out.extend_from_slice(b",\"kind\":");
    names.json(out, kind);
    out.extend_from_slice(b",\"side\":");
    names.opt_json(out, side);
    out.extend_from_slice(b",\"resolved_from\":");
    names.json(out, resolved_from);
    out.extend_from_slice(b",\"role\":");
    write_opt_str(out, role);
    out.push(b'}');
}

/// One source, as its derived `Serialize` writes it. A mention is most often an attribution's source
/// span (`source_spans`, sorted by start and end), already written: its JSON is copied from there.
fn write_source(
    out: &mut Vec<u8>,
    s: &SourceOut,
    source_spans: &[WrittenSpan],
    names: &mut NameCache,
) -> Result {
    let SourceOut {
        name,
        kind,
        side,
        attributions,
        named,
        role_class,
        document_class,
        anonymous,
        anonymity,
        official,
        own_outlet,
        first_attribution,
        mentions,
    } = s;
    out.extend_from_slice(b"{\"name\":");
    write_str(out, name);
    out.extend_from_slice(b",\"kind\":");
    names.json(out, kind);
    out.extend_from_slice(b",\"side\":");
    names.opt_json(out, side);
    out.extend_from_slice(b",\"attributions\":");
    write_integer(out, *attributions);
    out.extend_from_slice(b",\"named\":");
    write_flag(out, *named);
    out.extend_from_slice(b",\"role_class\":");
    write_opt_str(out, role_class);
    out.extend_from_slice(b",\"document_class\":");
    write_opt_str(out, document_class);
    out.extend_from_slice(b",\"anonymous\":");
    write_flag(out, *anonymous);
    out.extend_from_slice(b",\"anonymity\":");
    write_opt_str(out, anonymity);
    out.extend_from_slice(b",\"official\":");
    write_flag(out, *official);
    out.extend_from_slice(b",\"own_outlet\":");
    write_flag(out, *own_outlet);
    out.extend_from_slice(b",\"first_attribution\":");
    write_opt_int(out, *first_attribution);
    out.extend_from_slice(b",\"mentions\":[");
    for (i, m) in mentions.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let written = source_spans
            .binary_search_by_key(&(m.start, m.end), |w| (w.span.start, w.span.end))
            .ok()
            .and_then(|i| source_spans.get(i))
            .filter(|w| w.span.text == m.text);
        match written {
            Some(w) => out.extend_from_within(w.at.clone()),
            None => write_span(out, m),
        }
    }
    out.extend_from_slice(b"]}");
    Ok(())
}

/// The encodings of the names the records borrow from the lexicons (categories, lexicon names,
/// groups, neutral alternatives, attribution kinds, cue lemmas, verb classes, speaker kinds, sides: about
/// six hundred distinct ones on the PolNeAR articles) and of the enum names (voice, region), kept per
/// thread so that writing one is copying one fixed-size block cut to length: no scan for escapes and no
/// branch on the name's length. A `&'static str` is never freed or changed, so its address and length
/// identify its text for the life of the process; a name the record owns (read back by `merge` or
/// `eval`) is encoded as usual. (Terms are many more, and are written as they are.)
#[derive(Default)]
pub(super) struct NameCache {
    /// Open addressing by address, 2^[`NAME_SLOTS_LOG2`] slots; empty until [`NameCache::ready`] (so that
    /// taking the cache out of its thread-local allocates nothing).
    slots: Vec<NameSlot>,
}

/// One cached encoding: `text[..encoded]` is the encoding of the name at address `ptr` with `len`
/// bytes (`ptr` 0: an empty slot). Half a cache line, aligned, so a look-up reads one line.
#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct NameSlot {
    text: [u8; NAME_BYTES],
    len: u8,
    encoded: u8,
    ptr: usize,
}

/// Longest cached encoding.
const NAME_BYTES: usize = 22;
/// Log2 of the slots of a [`NameCache`] (several times the names in use, so that nearly every
/// name is in the first slot it looks at).
const NAME_SLOTS_LOG2: u32 = 11;
/// Slots looked at before a name is encoded without the cache (bounds the look-up if some lexicon
/// brings thousands of names).
const NAME_PROBES: usize = 4;

impl NameCache {
    pub(super) const fn new() -> Self {
        NameCache { slots: Vec::new() }
    }

    /// Make room for the slots, the first time.
    pub(super) fn ready(&mut self) {
        if self.slots.is_empty() {
            let empty = NameSlot {
                text: [0; NAME_BYTES],
                len: 0,
                encoded: 0,
                ptr: 0,
            };
            self.slots = vec![empty; 1 << NAME_SLOTS_LOG2];
        }
    }

    /// Append `encode`'s bytes for `name`, copied from the cache when they are there.
    #[inline]
    pub(super) fn write(
        &mut self,
        out: &mut Vec<u8>,
        name: &'static str,
        encode: impl FnOnce(&mut Vec<u8>, &str),
    ) {
        let ptr = name.as_ptr() as usize;
        let first =
            ((ptr as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - NAME_SLOTS_LOG2)) as usize;
        for i in first..first + NAME_PROBES {
            let Some(slot) = self.slots.get_mut(i % (1 << NAME_SLOTS_LOG2)) else {
                break;
            };
            if slot.ptr == ptr && slot.len as usize == name.len() {
                let at = out.len();
                out.extend_from_slice(&slot.text);
                out.truncate(at + slot.encoded as usize);
                return;
            }
            if slot.ptr == 0 {
                fill(slot, out, name, encode);
                return;
            }
        }
        encode(out, name);
    }

    /// The JSON string of `name`.
    #[inline]
    fn json(&mut self, out: &mut Vec<u8>, name: &Name) {
        match name {
            Name::Borrowed(s) => self.write(out, s, write_str),
            Name::Owned(s) => write_str(out, s),
        }
    }

    /// The JSON string of `name`, or `null`.
    #[inline]
    fn opt_json(&mut self, out: &mut Vec<u8>, name: &Option<Name>) {
        match name {
            Some(name) => self.json(out, name),
            None => out.extend_from_slice(b"null"),
        }
    }
}

/// Encode `name` into `out` and, if it is short enough, keep the encoding in the empty `slot`.
#[inline(never)]
fn fill(
    slot: &mut NameSlot,
    out: &mut Vec<u8>,
    name: &'static str,
    encode: impl FnOnce(&mut Vec<u8>, &str),
) {
    let at = out.len();
    encode(out, name);
    let written = out.get(at..).unwrap_or_default();
    let (Some(text), Ok(len), Ok(encoded)) = (
        slot.text.get_mut(..written.len()),
        u8::try_from(name.len()),
        u8::try_from(written.len()),
    ) else {
        return;
    };
    text.copy_from_slice(written);
    slot.len = len;
    slot.encoded = encoded;
    slot.ptr = name.as_ptr() as usize;
}

thread_local! {
    static JSON_NAMES: std::cell::Cell<NameCache> = const { std::cell::Cell::new(NameCache::new()) };
}

/// Metric names with their JSON strings, in the order an article's metrics were last written.
#[derive(Default)]
struct MetricKeys {
    names: Vec<String>,
    /// For each name, the address and length of a `&'static` str found to be that name (`None` if none
    /// was): the same str in a later article is the same name, without comparing the text. (The names
    /// of every article of a run are the same interned strs.)
    fixed: Vec<Option<(usize, usize)>>,
    /// The JSON strings, one after the other.
    encoded: Vec<u8>,
    /// Where each name's JSON string ends in `encoded`.
    ends: Vec<usize>,
}

impl MetricKeys {
    /// Append the JSON string of `name`, the `i`-th metric of an article (metrics are written in order).
    /// Every article has the same metrics, so the string is copied from the last article's when the
    /// name is the same; otherwise it is escaped, and it and the ones after it are remembered anew.
    fn write(&mut self, out: &mut Vec<u8>, i: usize, name: &Name) {
        let start = i
            .checked_sub(1)
            .map_or(0, |j| self.ends.get(j).copied().unwrap_or(0));
        let id = fixed_name(name);
        let known = match (self.names.get(i), self.fixed.get_mut(i)) {
            (Some(_), Some(fixed)) if id.is_some() && *fixed == id => true,
            (Some(known), Some(fixed)) if known == name.as_ref() => {
                *fixed = id;
                true
            }
            _ => false,
        };
        match self.ends.get(i) {
            Some(&end) if known => {
                out.extend_from_slice(self.encoded.get(start..end).unwrap_or_default());
            }
            _ => {
                let at = out.len();
                write_str(out, name);
                self.names.truncate(i);
                self.fixed.truncate(i);
                self.ends.truncate(i);
                self.encoded.truncate(start);
                self.names.push(name.to_string());
                self.fixed.push(id);
                self.encoded
                    .extend_from_slice(out.get(at..).unwrap_or_default());
                self.ends.push(self.encoded.len());
            }
        }
    }
}

/// The address and length of a `&'static` name, which identify its text for the life of the process
/// (it is never freed or changed); `None` for an owned name.
fn fixed_name(name: &Name) -> Option<(usize, usize)> {
    match name {
        Name::Borrowed(s) => Some((s.as_ptr() as usize, s.len())),
        Name::Owned(_) => None,
    }
}

thread_local! {
    static METRIC_KEYS: std::cell::Cell<MetricKeys> = std::cell::Cell::new(MetricKeys::default());
}

/// `key` (the `,"name":` before a field) and the value's JSON.
fn field<T: Serialize + ?Sized>(out: &mut Vec<u8>, key: &[u8], value: &T) -> Result {
    out.extend_from_slice(key);
    write(out, value)
}

/// Escape sequences by byte, as serde_json writes them: `b'u'` means `\u00XX`, 0 means the byte is
/// copied as it is (everything from 0x20 up except `"` and `\`; non-ASCII text is not escaped).
static ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = b'u';
        i += 1;
    }
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0A] = b'n';
    t[0x0C] = b'f';
    t[0x0D] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Whether a byte of `w` needs an escape (a control character, `"` or `\\`): zero if none does; else the
/// high bit of the first such byte (little-endian: bit 8k+7 for the k-th byte) is set, with maybe some
/// bits of later bytes (a borrow carries only upwards), so a mask that keeps whole leading bytes is exact.
#[inline]
fn escapes(w: u64) -> u64 {
    // The high bit of `v - 0x01…` and not of `v` marks the lowest zero byte of `v` (and `v - 0x20…` the
    // lowest byte below 0x20): one subtraction per test, no test per byte.
    let below = |v: u64, n: u64| v.wrapping_sub(ONES * n) & !v;
    (below(w, 0x20) | below(w ^ (ONES * b'"' as u64), 1) | below(w ^ (ONES * b'\\' as u64), 1))
        & HIGH
}

/// The first `n` bytes of `b` (`n` < 8, `n` <= `b.len()`) as a little-endian word, zero above them.
#[inline(always)]
pub(super) fn short_word(b: &[u8], n: usize) -> u64 {
    let byte = |i: usize| b[i] as u64;
    let u32_at = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as u64;
    match n {
        0 => 0,
        // Overlapping reads put the same bytes in the same places, so or-ing them is exact.
        1..=3 => byte(0) | byte(n / 2) << (n / 2 * 8) | byte(n - 1) << ((n - 1) * 8),
        _ => u32_at(0) | u32_at(n - 4) << ((n - 4) * 8),
    }
}

/// Strings at least this long are scanned first and copied in runs ([`write_long_str`]).
const LONG_STR: usize = 32;

/// Append `s` as a JSON string. Short text is scanned and copied 8 bytes at a time, as whole words (no
/// `memcpy` call per run: most strings are short and have nothing to escape). From 8 bytes on, the last
/// bytes are read as the string's last word ([`write_end`]), and a string shorter than 16 bytes is two
/// such words, so that neither a loop's exit nor a branch on the tail's length depends on the text's
/// length (half the strings written are 8 bytes or longer).
fn write_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let n = bytes.len();
    if n >= LONG_STR {
        write_long_str(out, bytes);
        return;
    }
    // Room for the quotes and for the whole last word written before it is cut to length.
    out.reserve(n + 10);
    out.push(b'"');
    if n < 8 {
        write_tail(out, bytes);
        return;
    }
    if n < 16 {
        let first = word_at(bytes, 0);
        if escapes(first) == 0 {
            out.extend_from_slice(&first.to_le_bytes());
        } else {
            write_escaped(out, &bytes[..8]);
        }
        write_end(out, bytes, n - 8);
        return;
    }
    let mut words = bytes.chunks_exact(8);
    for chunk in &mut words {
        let word = u64::from_le_bytes([
            chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7],
        ]);
        if escapes(word) == 0 {
            out.extend_from_slice(&word.to_le_bytes());
        } else {
            write_escaped(out, chunk);
        }
    }
    write_end(out, bytes, words.remainder().len());
}

/// The eight bytes of `b` from `i` as a little-endian word.
#[inline(always)]
pub(super) fn word_at(b: &[u8], i: usize) -> u64 {
    u64::from_le_bytes([
        b[i],
        b[i + 1],
        b[i + 2],
        b[i + 3],
        b[i + 4],
        b[i + 5],
        b[i + 6],
        b[i + 7],
    ])
}

/// [`write_str`] for long text (sentences, quotations): the bytes are only read, 8 at a time, until one
/// needs an escape, and the run before it is copied in one piece, rather than each word being appended
/// on its own (a length and capacity update per 8 bytes).
fn write_long_str(out: &mut Vec<u8>, bytes: &[u8]) {
    out.reserve(bytes.len() + 10);
    out.push(b'"');
    // `bytes[copied..at]` has nothing to escape and is not written yet.
    let (mut copied, mut at) = (0, 0);
    let mut words = bytes.chunks_exact(8);
    for chunk in &mut words {
        let word = u64::from_le_bytes([
            chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7],
        ]);
        if escapes(word) != 0 {
            out.extend_from_slice(bytes.get(copied..at).unwrap_or_default());
            write_escaped(out, chunk);
            copied = at + 8;
        }
        at += 8;
    }
    out.extend_from_slice(bytes.get(copied..at).unwrap_or_default());
    write_end(out, bytes, words.remainder().len());
}

/// The last `r` (< 8) bytes of `bytes` (at least 8 long) and the closing quote. The bytes are the high
/// ones of the string's last word, shifted down, with the quote put after them: one word written and cut
/// to length, with no branch on `r`. When any byte of that word needs an escape (maybe one already
/// written), the `r` bytes are escaped one by one, which writes the same bytes.
#[inline(always)]
fn write_end(out: &mut Vec<u8>, bytes: &[u8], r: usize) {
    let last = word_at(bytes, bytes.len() - 8);
    if escapes(last) == 0 {
        // Two shifts, as one of 8 * (8 - r) would be 64 for r = 0.
        let word = (last >> (8 * (7 - r)) >> 8) | u64::from(b'"') << (8 * r);
        let len = out.len() + r + 1;
        out.extend_from_slice(&word.to_le_bytes());
        out.truncate(len);
    } else {
        write_escaped(out, &bytes[bytes.len() - r..]);
        out.push(b'"');
    }
}

/// The last (fewer than 8) bytes of a string and its closing quote.
#[inline(always)]
fn write_tail(out: &mut Vec<u8>, rest: &[u8]) {
    let n = rest.len();
    let word = short_word(rest, n);
    // `short_word` is zero past the text, and zero bytes are control characters: mask them out.
    if escapes(word) & ((1u64 << (n * 8)) - 1) == 0 {
        let len = out.len() + n;
        out.extend_from_slice(&word.to_le_bytes());
        out.truncate(len);
    } else {
        write_escaped(out, rest);
    }
    out.push(b'"');
}

/// Append `bytes`, some of which need an escape.
#[cold]
fn write_escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    for &byte in bytes {
        if ESCAPE[byte as usize] == 0 {
            out.push(byte);
        } else {
            write_escape(out, byte);
        }
    }
}

/// The escape of a byte that needs one, as serde_json writes it.
fn write_escape(out: &mut Vec<u8>, byte: u8) {
    let esc = ESCAPE[byte as usize];
    if esc == b'u' {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[(byte >> 4) as usize],
            HEX[(byte & 0xF) as usize],
        ]);
    } else {
        out.extend_from_slice(&[b'\\', esc]);
    }
}

fn write_int<I: itoa::Integer>(out: &mut Vec<u8>, n: I) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// Append the digits of `n`, as [`write_int`] does. From 0 to 10^8 - 1 (offsets and counts: nearly every
/// number written) the digits are made in one 64-bit word and stored as one word cut to length, without
/// itoa's branches on the number of digits and without a `memcpy` call of the digits' length.
#[inline]
pub(super) fn write_integer<I: itoa::Integer + TryInto<u32> + Copy>(out: &mut Vec<u8>, n: I) {
    match n.try_into() {
        Ok(small) if small < 100_000_000 => {
            let (word, len) = digits8(small);
            let at = out.len();
            out.extend_from_slice(&word.to_le_bytes());
            out.truncate(at + len);
        }
        _ => write_int(out, n),
    }
}

/// The decimal digits of `n` < 10^8 in ASCII, the first in the lowest byte (zero bytes after the last),
/// and how many there are. The number is split into lanes of one word, each divided at once: two 4-digit
/// halves in 32-bit lanes, then 2-digit quarters in 16-bit lanes, then digits in bytes (a division by 100
/// or 10 of a lane is a multiplication and a shift, exact for the lane's range; no lane carries into the
/// next).
#[inline]
fn digits8(n: u32) -> (u64, usize) {
    let halves = u64::from(n / 10_000) | u64::from(n % 10_000) << 32;
    // x / 100 = (x * 5243) >> 19 for x < 43_699.
    let hundreds = ((halves * 5243) >> 19) & 0x0000_007F_0000_007F;
    let quarters = hundreds | (halves - hundreds * 100) << 16;
    // x / 10 = (x * 103) >> 10 for x < 179.
    let tens = ((quarters * 103) >> 10) & 0x000F_000F_000F_000F;
    let digits = tens | (quarters - tens * 10) << 8;
    // Leading zeros are the lowest zero bytes; zero itself keeps one digit.
    let skip = (digits.trailing_zeros() / 8).min(7);
    (
        (digits | 0x3030_3030_3030_3030) >> (8 * skip),
        8 - skip as usize,
    )
}

/// A finite float as serde_json writes it, non-finite ones as `null`.
fn write_float<F: zmij::Float + Copy>(out: &mut Vec<u8>, v: F, finite: bool) {
    if finite {
        out.extend_from_slice(zmij::Buffer::new().format_finite(v).as_bytes());
    } else {
        out.extend_from_slice(b"null");
    }
}

/// The ten integer methods of a serde `Serializer`, each handing its integer to the type's own `int`.
macro_rules! int_methods {
    () => {
        int_methods!(
            serialize_i8: i8,
            serialize_i16: i16,
            serialize_i32: i32,
            serialize_i64: i64,
            serialize_i128: i128,
            serialize_u8: u8,
            serialize_u16: u16,
            serialize_u32: u32,
            serialize_u64: u64,
            serialize_u128: u128
        );
    };
    ($($method:ident: $t:ty),*) => {$(
        fn $method(self, v: $t) -> Result {
            self.int(v)
        }
    )*};
}

struct Serializer<'a> {
    out: &'a mut Vec<u8>,
    /// For [`write_to`]: takes the bytes once a chunk is full, and answers whether they were written
    /// (`None`: the bytes stay in `out`).
    sink: Option<&'a mut ChunkSink<'a>>,
}

/// What [`write_to`] hands full chunks to: writes them, and answers whether that succeeded.
type ChunkSink<'a> = dyn FnMut(&[u8]) -> bool + 'a;

impl Serializer<'_> {
    /// Hand a full chunk to the sink. Called before each element of an array or entry of a map, where it
    /// costs the in-memory encoding of articles one test.
    #[inline]
    fn drain(&mut self) -> Result {
        if let Some(send) = self.sink.as_deref_mut() {
            if self.out.len() >= STREAM_CHUNK {
                if !send(self.out) {
                    return Err(Error("write failed".into()));
                }
                self.out.clear();
            }
        }
        Ok(())
    }
}

/// Struct keys up to this length are checked for escapes byte by byte where they are written, a check
/// that folds away for a literal key (longer ones take [`write_str`]).
const MAX_PLAIN_KEY: usize = 32;

/// An array or object being written; `first` until its first element.
pub struct Compound<'s, 'a> {
    ser: &'s mut Serializer<'a>,
    first: bool,
}

impl Compound<'_, '_> {
    /// The `,` before every element but the first.
    #[inline]
    fn sep(&mut self) {
        if !std::mem::take(&mut self.first) {
            self.ser.out.push(b',');
        }
    }

    /// A struct field. Inlined into each field of a derived `Serialize` impl, where `key` is a literal:
    /// the check that it needs no escape then folds away and `,"key":` is copied as one short constant.
    #[inline(always)]
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        let k = key.as_bytes();
        if k.len() <= MAX_PLAIN_KEY && k.iter().all(|&b| ESCAPE[b as usize] == 0) {
            let out = &mut *self.ser.out;
            out.reserve(k.len() + 4);
            out.extend_from_slice(if std::mem::take(&mut self.first) {
                b"\""
            } else {
                b",\""
            });
            out.extend_from_slice(k);
            out.extend_from_slice(b"\":");
        } else {
            self.sep();
            write_str(self.ser.out, key);
            self.ser.out.push(b':');
        }
        value.serialize(&mut *self.ser)
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.ser.drain()?;
        self.sep();
        value.serialize(&mut *self.ser)
    }

    fn close(self, byte: u8) -> Result {
        self.ser.out.push(byte);
        Ok(())
    }
}

impl<'s, 'a> Serializer<'a> {
    #[inline]
    fn int(&mut self, v: impl itoa::Integer + TryInto<u32> + Copy) -> Result {
        write_integer(self.out, v);
        Ok(())
    }

    fn open(&'s mut self, byte: u8) -> Compound<'s, 'a> {
        self.out.push(byte);
        Compound {
            ser: self,
            first: true,
        }
    }

    /// `{"variant":` of an enum variant with data (closed by [`Variant`]'s `end`).
    fn open_variant(&'s mut self, variant: &str, byte: u8) -> Compound<'s, 'a> {
        self.out.push(b'{');
        write_str(self.out, variant);
        self.out.push(b':');
        self.open(byte)
    }
}

impl<'s, 'a> ser::Serializer for &'s mut Serializer<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'s, 'a>;
    type SerializeTuple = Compound<'s, 'a>;
    type SerializeTupleStruct = Compound<'s, 'a>;
    type SerializeTupleVariant = Variant<'s, 'a>;
    type SerializeMap = Compound<'s, 'a>;
    type SerializeStruct = Compound<'s, 'a>;
    type SerializeStructVariant = Variant<'s, 'a>;

    fn serialize_bool(self, v: bool) -> Result {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    int_methods!();
    fn serialize_f32(self, v: f32) -> Result {
        write_float(self.out, v, v.is_finite());
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result {
        write_float(self.out, v, v.is_finite());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result {
        write_str(self.out, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result {
        write_str(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result {
        let mut seq = self.open(b'[');
        for b in v {
            seq.element(b)?;
        }
        seq.close(b']')
    }
    fn serialize_none(self) -> Result {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _name: &'static str, _i: u32, variant: &'static str) -> Result {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        value: &T,
    ) -> Result {
        self.out.push(b'{');
        write_str(self.out, variant);
        self.out.push(b':');
        value.serialize(&mut *self)?;
        self.out.push(b'}');
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'s, 'a>> {
        Ok(self.open(b'['))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'s, 'a>> {
        Ok(self.open(b'['))
    }
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'s, 'a>> {
        Ok(self.open(b'['))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Variant<'s, 'a>> {
        Ok(Variant(self.open_variant(variant, b'[')))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'s, 'a>> {
        Ok(self.open(b'{'))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'s, 'a>> {
        Ok(self.open(b'{'))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Variant<'s, 'a>> {
        Ok(Variant(self.open_variant(variant, b'{')))
    }
}

/// serde's three array traits differ only in their names: one implementation for all of them.
macro_rules! array_like {
    ($($name:ident::$method:ident),*) => {$(
        impl ser::$name for Compound<'_, '_> {
            type Ok = ();
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
                self.element(value)
            }
            fn end(self) -> Result {
                self.close(b']')
            }
        }
    )*};
}

array_like!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field
);

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        self.ser.drain()?;
        self.sep();
        key.serialize(KeySerializer {
            out: &mut *self.ser.out,
        })
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.ser.out.push(b':');
        value.serialize(&mut *self.ser)
    }
    fn end(self) -> Result {
        self.close(b'}')
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    #[inline(always)]
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.field(key, value)
    }
    fn end(self) -> Result {
        self.close(b'}')
    }
}

/// The array or object of an enum variant, inside the `{"variant":…}` object that names it.
pub struct Variant<'s, 'a>(Compound<'s, 'a>);

impl Variant<'_, '_> {
    fn close(self, byte: u8) -> Result {
        let out = &mut *self.0.ser.out;
        out.push(byte);
        out.push(b'}');
        Ok(())
    }
}

impl ser::SerializeTupleVariant for Variant<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.0.element(value)
    }
    fn end(self) -> Result {
        self.close(b']')
    }
}

impl ser::SerializeStructVariant for Variant<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.0.field(key, value)
    }
    fn end(self) -> Result {
        self.close(b'}')
    }
}

/// Object keys, which JSON requires to be strings: as serde_json, strings and chars are written as they
/// are, and booleans, integers and finite floats as quoted text; anything else is an error.
struct KeySerializer<'a> {
    out: &'a mut Vec<u8>,
}

impl KeySerializer<'_> {
    fn int(self, v: impl itoa::Integer + TryInto<u32> + Copy) -> Result {
        self.quoted(|out| write_integer(out, v))
    }

    fn quoted(self, write: impl FnOnce(&mut Vec<u8>)) -> Result {
        self.out.push(b'"');
        write(self.out);
        self.out.push(b'"');
        Ok(())
    }
}

fn key_must_be_a_string() -> Error {
    Error("key must be a string".into())
}

impl ser::Serializer for KeySerializer<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result {
        self.quoted(|out| out.extend_from_slice(if v { b"true" } else { b"false" }))
    }
    int_methods!();
    fn serialize_f32(self, v: f32) -> Result {
        if !v.is_finite() {
            return Err(Error("float key must be finite (got NaN or +/-inf)".into()));
        }
        self.quoted(|out| write_float(out, v, true))
    }
    fn serialize_f64(self, v: f64) -> Result {
        if !v.is_finite() {
            return Err(Error("float key must be finite (got NaN or +/-inf)".into()));
        }
        self.quoted(|out| write_float(out, v, true))
    }
    fn serialize_char(self, v: char) -> Result {
        write_str(self.out, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result {
        write_str(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result {
        Err(key_must_be_a_string())
    }
    fn serialize_none(self) -> Result {
        Err(key_must_be_a_string())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result {
        Err(key_must_be_a_string())
    }
    fn serialize_unit(self) -> Result {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_variant(self, _name: &'static str, _i: u32, variant: &'static str) -> Result {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _i: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result {
        Err(key_must_be_a_string())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _i: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(key_must_be_a_string())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _i: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(key_must_be_a_string())
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    fn ours<T: Serialize + ?Sized>(v: &T) -> Vec<u8> {
        let mut out = Vec::new();
        write(&mut out, v).unwrap();
        out
    }

    fn same<T: Serialize + ?Sized>(v: &T) {
        let expected = serde_json::to_vec(v).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&ours(v)),
            String::from_utf8_lossy(&expected)
        );
    }

    /// Every length across the short, two-word, looped and long paths, plain and with one byte to
    /// escape at every position (the tail is read as the string's last word, overlapping bytes already
    /// written).
    #[test]
    fn strings_of_every_length_and_escape_position() {
        for n in 0..80 {
            let plain: String = (0..n).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
            same(&plain);
            for at in 0..n {
                for esc in ['"', '\\', '\n', '\u{1}'] {
                    let mut s: Vec<char> = plain.chars().collect();
                    s[at] = esc;
                    same(&s.into_iter().collect::<String>());
                }
            }
        }
    }

    /// A large value written a chunk at a time gives the bytes of the in-memory encoder, and a failing
    /// writer's error comes back as it was raised.
    #[test]
    fn streamed_output_is_the_same() {
        let mut words: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for i in 0..20_000u64 {
            words.insert(format!("word \"{i}\" é"), vec![i, i * 7]);
        }
        let nested = vec![words.clone(), BTreeMap::new(), words];
        let mut streamed = Vec::new();
        write_to(&mut streamed, &nested).unwrap();
        assert!(streamed.len() > 4 * STREAM_CHUNK);
        assert!(streamed == ours(&nested));
        assert!(streamed == serde_json::to_vec(&nested).unwrap());
        let mut small = Vec::new();
        write_to(&mut small, &Point(1, -2)).unwrap();
        assert_eq!(small, b"[1,-2]");

        struct Broken(usize);
        impl std::io::Write for Broken {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                if self.0 + buf.len() > STREAM_CHUNK * 2 {
                    return Err(std::io::Error::other("disk full"));
                }
                self.0 += buf.len();
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        match write_to(&mut Broken(0), &nested) {
            Err(Streamed::Io(e)) => assert_eq!(e.to_string(), "disk full"),
            other => panic!("expected the writer's error, got {other:?}"),
        }
    }

    #[derive(Serialize)]
    enum Shape {
        Dot,
        Circle(f64),
        Pair(u8, i64),
        Box { w: f32, h: Option<u32> },
    }

    #[derive(Serialize)]
    struct Unit;

    #[derive(Serialize)]
    struct Wrapped(String);

    #[derive(Serialize)]
    struct Point(i32, i32);

    #[derive(Serialize)]
    struct Everything {
        #[serde(rename = "type")]
        kind: String,
        shapes: Vec<Shape>,
        empty: Vec<u8>,
        nothing: Option<String>,
        unit: Unit,
        unit_value: (),
        wrapped: Wrapped,
        point: Point,
        tuple: (char, bool, i128, u128),
        int_keys: BTreeMap<i64, &'static str>,
        bool_keys: BTreeMap<bool, u8>,
        empty_map: BTreeMap<String, u8>,
        #[serde(with = "serde_bytes_as_seq")]
        bytes: Vec<u8>,
    }

    /// Calls `serialize_bytes`, which no derived impl does on its own.
    mod serde_bytes_as_seq {
        pub fn serialize<S: serde::Serializer>(
            v: &[u8],
            s: S,
        ) -> std::result::Result<S::Ok, S::Error> {
            s.serialize_bytes(v)
        }
    }

    #[test]
    fn every_kind_of_value_matches_serde_json() {
        same(&Everything {
            kind: "mixed \"kinds\"".into(),
            shapes: vec![
                Shape::Dot,
                Shape::Circle(-0.0),
                Shape::Pair(7, i64::MIN),
                Shape::Box { w: 1.1, h: Some(3) },
                Shape::Box {
                    w: f32::NAN,
                    h: None,
                },
            ],
            empty: vec![],
            nothing: None,
            unit: Unit,
            unit_value: (),
            wrapped: Wrapped("inner".into()),
            point: Point(-4, 9),
            tuple: ('\u{7}', true, i128::MIN, u128::MAX),
            int_keys: [(-3, "minus three"), (12, "twelve")].into(),
            bool_keys: [(false, 0), (true, 1)].into(),
            empty_map: BTreeMap::new(),
            bytes: vec![0, 127, 255],
        });
    }

    #[test]
    fn floats_match_serde_json() {
        for v in [
            0.0,
            -0.0,
            1.0,
            0.1,
            1e21,
            1e-7,
            74_077_294_433_664.63,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            same(&v);
            same(&Some(v));
            same(&(v as f32));
        }
    }

    /// Bytes at which a word's escape mask may start: each of them needs an escape or not.
    fn word_byte() -> impl Strategy<Value = u8> {
        prop_oneof![
            Just(b'"'),
            Just(b'\\'),
            Just(0u8),
            Just(0x1f),
            Just(0x20),
            Just(0x21),
            Just(0x23),
            Just(0x5b),
            Just(0x5d),
            Just(0x7f),
            Just(0x80),
            Just(0xa2),
            Just(0xdc),
            any::<u8>(),
        ]
    }

    #[test]
    fn escape_masks_flag_the_first_byte_exactly() {
        for b in 0..=255u8 {
            for k in 0..8 {
                let mut word = [b'a'; 8];
                word[k] = b;
                let mask = escapes(u64::from_le_bytes(word));
                let low = mask & (0x80u64 << (8 * k)).wrapping_mul(2).wrapping_sub(1);
                let expected = if ESCAPE[b as usize] != 0 {
                    0x80 << (8 * k)
                } else {
                    0
                };
                assert_eq!(low, expected, "byte {b} at {k}");
            }
        }
    }

    #[test]
    fn short_words_hold_the_bytes() {
        let b = b"1234567";
        for n in 0..8 {
            let mut word = [0; 8];
            word[..n].copy_from_slice(&b[..n]);
            assert_eq!(short_word(b, n), u64::from_le_bytes(word));
        }
    }

    #[test]
    fn escapes_match_serde_json() {
        let all_ascii: String = (0u8..128).map(char::from).collect();
        same(&all_ascii);
        same("plain words, no escapes at all in this sentence");
        same("tab\tafter eight bytes \"quoted\" \\ back\u{1f}\u{7f} é ünïcode “curly” 😀");
    }

    #[test]
    fn non_string_keys_are_errors_like_serde_json() {
        let map: BTreeMap<Vec<u8>, u8> = [(vec![1], 1)].into();
        assert!(serde_json::to_vec(&map).is_err());
        assert!(write(&mut Vec::new(), &map).is_err());
        let nan: Vec<(f64, u8)> = vec![(f64::NAN, 1)];
        let as_map = |v: &Vec<(f64, u8)>| {
            struct M<'a>(&'a [(f64, u8)]);
            impl Serialize for M<'_> {
                fn serialize<S: serde::Serializer>(
                    &self,
                    s: S,
                ) -> std::result::Result<S::Ok, S::Error> {
                    s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
                }
            }
            (
                serde_json::to_vec(&M(v)).is_err(),
                write(&mut Vec::new(), &M(v)).is_err(),
            )
        };
        assert_eq!(as_map(&nan), (true, true));
        assert_eq!(as_map(&vec![(2.5, 1)]), (false, false));
        same(&vec![(2.5f64, 1u8)]);
    }

    /// Strings built from the characters that matter to escaping (and to the 8-byte skipping).
    pub(in crate::report) fn tricky_string() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                Just('"'),
                Just('\\'),
                Just('\n'),
                Just('\u{0}'),
                Just('\u{1f}'),
                Just(' '),
                Just('\u{7f}'),
                Just('é'),
                Just('—'),
                Just('😀'),
                any::<char>(),
                prop::char::range('a', 'z'),
            ],
            0..40,
        )
        .prop_map(|c| c.into_iter().collect())
    }

    /// itoa's text of `n`, appended after a byte already in the buffer.
    fn plain_digits(n: usize) -> Vec<u8> {
        let mut out = b"x".to_vec();
        out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
        out
    }

    fn word_digits(n: usize) -> Vec<u8> {
        let mut out = b"x".to_vec();
        write_integer(&mut out, n);
        out
    }

    #[test]
    fn word_digits_are_itoas_for_small_numbers_and_bounds() {
        for n in (0..1_000_000).chain((0..10).flat_map(|k| {
            let p = 10usize.pow(k);
            [p - 1, p, p + 1, 100_000_000 - p, 100_000_000 + p - 1]
        })) {
            assert_eq!(word_digits(n), plain_digits(n), "{n}");
        }
        assert_eq!(word_digits(usize::MAX), plain_digits(usize::MAX));
        for (v, text) in [(true, "true"), (false, "false")] {
            let mut out = b"x".to_vec();
            write_flag(&mut out, v);
            assert_eq!(out, format!("x{text}").into_bytes());
        }
    }

    proptest! {
        #[test]
        fn word_digits_are_itoas(n in prop_oneof![0usize..100_000_000, any::<usize>()]) {
            prop_assert_eq!(word_digits(n), plain_digits(n));
        }
    }

    #[derive(Serialize, Debug, Clone)]
    struct Record {
        text: String,
        n: usize,
        i: i64,
        f: f64,
        maybe: Option<f64>,
        flag: bool,
        list: Vec<String>,
        map: BTreeMap<String, Option<f64>>,
    }

    fn float() -> impl Strategy<Value = f64> {
        prop_oneof![
            any::<f64>(),
            Just(-0.0),
            Just(f64::NAN),
            Just(f64::INFINITY),
            (-1e6f64..1e6),
            (0.0f64..1.0),
        ]
    }

    fn record() -> impl Strategy<Value = Record> {
        (
            tricky_string(),
            any::<usize>(),
            any::<i64>(),
            float(),
            prop::option::of(float()),
            any::<bool>(),
            prop::collection::vec(tricky_string(), 0..4),
            prop::collection::btree_map(tricky_string(), prop::option::of(float()), 0..4),
        )
            .prop_map(|(text, n, i, f, maybe, flag, list, map)| Record {
                text,
                n,
                i,
                f,
                maybe,
                flag,
                list,
                map,
            })
    }

    /// Each text as a `'static` name, followed by its first half (a name at the same address).
    pub(in crate::report) fn with_prefixes(texts: Vec<String>) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = Vec::new();
        for t in texts {
            let t: &'static str = Box::leak(t.into_boxed_str());
            let cut = (0..=t.len() / 2)
                .rev()
                .find(|&i| t.is_char_boundary(i))
                .unwrap_or(0);
            names.push(t);
            names.push(&t[..cut]);
        }
        names
    }

    /// Writes `picks` of `names` through one [`NameCache`] and plainly; both must give the same bytes.
    pub(in crate::report) fn check_name_cache(
        names: &[&'static str],
        picks: impl Iterator<Item = usize>,
        encode: fn(&mut Vec<u8>, &str),
    ) {
        let mut cache = NameCache::new();
        cache.ready();
        let (mut cached, mut plain) = (b"x".to_vec(), b"x".to_vec());
        for i in picks {
            let name = names[i % names.len()];
            cache.write(&mut cached, name, encode);
            encode(&mut plain, name);
            assert_eq!(
                String::from_utf8_lossy(&cached),
                String::from_utf8_lossy(&plain),
                "{name:?}"
            );
        }
    }

    /// Enough names that many share a slot and take it from one another, with every length of
    /// encoding up to past what a slot keeps, and names that share an address (a prefix of another).
    #[test]
    fn cached_names_are_encoded_names_when_slots_are_shared() {
        let mut names: Vec<&'static str> = Vec::new();
        for i in 0..3000 {
            let long: &'static str =
                Box::leak(format!("n{i}\"{}", "x".repeat(i % 40)).into_boxed_str());
            names.push(long);
            names.push(&long[..long.len() / 2]);
        }
        names.extend(["", "authorial", "body", "a\nb", "\u{1}"]);
        let n = names.len();
        check_name_cache(&names, (0..4 * n).map(|i| i * 7919 % n), write_str);
    }

    proptest! {
        /// Metric names written article after article through [`MetricKeys`] (the same `&'static` strs,
        /// others with the same text, owned names, names added, dropped or replaced) are their JSON
        /// strings.
        #[test]
        fn metric_keys_write_the_names(
            articles in prop::collection::vec(
                prop::collection::vec((0usize..5, 0usize..3), 0..6), 1..12),
        ) {
            static POOL: std::sync::OnceLock<Vec<[&'static str; 2]>> = std::sync::OnceLock::new();
            let pool = POOL.get_or_init(|| {
                ["a", "b\"q", "loaded_rate", "a\u{1}", ""]
                    .iter()
                    .map(|t| [0, 1].map(|_| &*Box::leak(t.to_string().into_boxed_str())))
                    .collect()
            });
            let mut keys = MetricKeys::default();
            for names in articles {
                let (mut ours, mut plain) = (Vec::new(), Vec::new());
                for (i, &(which, how)) in names.iter().enumerate() {
                    let name: Name = match how {
                        0 | 1 => Name::Borrowed(pool[which][how]),
                        _ => Name::Owned(pool[which][0].to_string()),
                    };
                    keys.write(&mut ours, i, &name);
                    write_str(&mut plain, &name);
                }
                prop_assert_eq!(ours, plain);
            }
        }

        /// Any names, written in any order through a cache (hits, misses, names too long to keep, names
        /// that are prefixes of others at the same address), give the JSON strings of [`write_str`].
        #[test]
        fn cached_names_are_json_strings(
            texts in prop::collection::vec(tricky_string(), 1..12),
            picks in prop::collection::vec(0usize..24, 0..60),
        ) {
            check_name_cache(&with_prefixes(texts), picks.into_iter(), write_str);
        }

        #[test]
        fn strings_match_serde_json(s in tricky_string()) {
            prop_assert_eq!(ours(&s), serde_json::to_vec(&s).unwrap());
        }

        #[test]
        fn any_strings_match_serde_json(s: String) {
            prop_assert_eq!(ours(&s), serde_json::to_vec(&s).unwrap());
        }

        #[test]
        fn records_match_serde_json(r in record()) {
            prop_assert_eq!(ours(&r), serde_json::to_vec(&r).unwrap());
        }

        /// Cut anywhere, a word's mask says whether the bytes before the cut need an escape.
        #[test]
        fn escape_masks_are_exact_up_to_any_cut(bytes in prop::array::uniform8(word_byte()), n in 1usize..=8) {
            let keep = if n == 8 { u64::MAX } else { (1u64 << (n * 8)) - 1 };
            let needed = bytes[..n].iter().any(|&b| ESCAPE[b as usize] != 0);
            prop_assert_eq!(escapes(u64::from_le_bytes(bytes)) & keep != 0, needed);
        }

        #[test]
        fn float_bits_match_serde_json(bits: u64) {
            let v = f64::from_bits(bits);
            prop_assert_eq!(ours(&v), serde_json::to_vec(&v).unwrap());
        }
    }
}
