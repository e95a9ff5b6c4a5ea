//! JSONL reader: one JSON object per line, streamed line by line from any [`BufRead`] (a file or stdin).

use super::outlet::{clean_name, resolve_outlet};
use super::{Document, Format, InputOptions, Item, Skip};
use crate::{Error, Result};
use serde_json::{Map, Value};
use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Arc;

/// Line buffers that grew beyond this are released after use, so one huge line does not pin memory.
const KEEP_BUFFER: usize = 4 << 20;

/// Streams the records of one JSONL source as [`Item`]s. After an `Err` (a malformed line without
/// `keep_going`), it yields nothing more.
pub struct JsonlReader<R> {
    reader: R,
    file: String,
    path: PathBuf,
    folder_outlet: Option<String>,
    opts: Arc<InputOptions>,
    line: usize,
    buf: Vec<u8>,
    done: bool,
}

/// Read JSONL from `reader`. `file` names the source in ids (`file:line`) and errors (`-` for stdin).
pub fn read_jsonl<R: BufRead>(reader: R, file: &str, opts: &InputOptions) -> JsonlReader<R> {
    JsonlReader::new(
        reader,
        file.to_owned(),
        PathBuf::from(file),
        None,
        Arc::new(opts.clone()),
    )
}

impl<R: BufRead> JsonlReader<R> {
    pub(crate) fn new(
        reader: R,
        file: String,
        path: PathBuf,
        folder_outlet: Option<String>,
        opts: Arc<InputOptions>,
    ) -> Self {
        JsonlReader {
            reader,
            file,
            path,
            folder_outlet,
            opts,
            line: 0,
            buf: Vec::new(),
            done: false,
        }
    }

    /// The 1-based number of the last line read.
    pub fn line(&self) -> usize {
        self.line
    }

    fn loc(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// A malformed line: an error that ends the stream, or a recorded skip with `keep_going`.
    fn fail(&mut self, message: String) -> Result<Item> {
        if self.opts.keep_going {
            Ok(Item::Skip(Skip {
                id: self.loc(),
                reason: message,
            }))
        } else {
            self.done = true;
            Err(Error::Input {
                file: self.file.clone(),
                line: self.line,
                message,
            })
        }
    }

    fn next_item(&mut self) -> Option<Result<Item>> {
        loop {
            if self.done {
                return None;
            }
            if self.buf.capacity() > KEEP_BUFFER {
                self.buf = Vec::new();
            }
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => {
                    self.done = true;
                    return None;
                }
                Ok(_) => self.line += 1,
                Err(e) => {
                    self.done = true;
                    return Some(Ok(Item::Skip(Skip {
                        id: format!("{}:{}", self.file, self.line + 1),
                        reason: format!("cannot read: {e}"),
                    })));
                }
            }
            let mut bytes: &[u8] = &self.buf;
            while let Some(rest) = bytes
                .strip_suffix(b"\n")
                .or_else(|| bytes.strip_suffix(b"\r"))
            {
                bytes = rest;
            }
            let mut bom_len = 0;
            if self.line == 1 {
                if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
                    // Every following line would be garbage: report once and stop reading this source.
                    let msg = "JSONL must be UTF-8 (found a UTF-16 byte order mark)".to_string();
                    let item = self.fail(msg);
                    self.done = true;
                    return Some(item);
                }
                if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
                    bytes = rest;
                    bom_len = 3;
                }
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let mut warnings = Vec::new();
            let parsed = match std::str::from_utf8(bytes) {
                Ok(s) => parse_line(s),
                Err(e) => {
                    warnings.push(format!(
                        "line {}: invalid UTF-8 at byte {} of the line decoded with replacement characters",
                        self.line,
                        bom_len + e.valid_up_to()
                    ));
                    parse_line(&String::from_utf8_lossy(bytes))
                }
            };
            let item = match parsed {
                Ok(value) => self.record(value, warnings),
                Err(e) => self.fail(format!("invalid JSON: {}", json_error_message(&e))),
            };
            return Some(item);
        }
    }

    fn record(&mut self, value: Value, mut warnings: Vec<String>) -> Result<Item> {
        let Value::Object(mut map) = value else {
            return self.fail(format!(
                "expected a JSON object, found {}",
                type_name(&value)
            ));
        };
        let opts = Arc::clone(&self.opts);
        let text = match map.remove(&opts.text_field) {
            None => return self.fail(format!("missing required field \"{}\"", opts.text_field)),
            Some(Value::String(s)) => s,
            Some(other) => {
                return self.fail(format!(
                    "field \"{}\" must be a string, found {}",
                    opts.text_field,
                    type_name(&other)
                ))
            }
        };
        let id = match map.get(&opts.id_field) {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
            Some(Value::Number(n)) => n.to_string(),
            None | Some(Value::Null) | Some(Value::String(_)) => self.loc(),
            Some(other) => {
                warnings.push(format!(
                    "field \"{}\" ignored: must be a string or number, found {}",
                    opts.id_field,
                    type_name(other)
                ));
                self.loc()
            }
        };
        if text.trim().is_empty() {
            return Ok(Item::Skip(Skip {
                id,
                reason: "empty text".into(),
            }));
        }
        let outlet_field = string_field(&map, &opts.outlet_field, false, &mut warnings);
        let title = string_field(&map, &opts.title_field, false, &mut warnings);
        let date = string_field(&map, &opts.date_field, true, &mut warnings);
        let url = string_field(&map, &opts.url_field, false, &mut warnings);
        // Not selectable by flags: the conventional names, when present as strings.
        let byline = ["byline", "author"].iter().find_map(|f| match map.get(*f) {
            Some(Value::String(s)) => clean_name(Some(s)),
            _ => None,
        });
        let (outlet, outlet_source) = resolve_outlet(
            outlet_field.as_deref(),
            opts.outlet.as_deref(),
            self.folder_outlet.as_deref(),
            &text,
            &[],
            &opts.outlet_rules,
        );
        let first_line_is_headline = title
            .as_deref()
            .is_some_and(|t| first_line(&text) == t.trim());
        Ok(Item::Doc(Box::new(Document {
            id,
            outlet,
            outlet_source,
            title,
            date,
            url,
            byline,
            text,
            format: Format::Jsonl,
            first_line_is_headline,
            warnings,
            path: self.path.clone(),
            line: Some(self.line),
        })))
    }
}

impl<R: BufRead> Iterator for JsonlReader<R> {
    type Item = Result<Item>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_item()
    }
}

/// The first non-blank line of `text`, trimmed.
pub(crate) fn first_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
}

/// An optional string field (trimmed; empty → missing). Numbers are accepted when `allow_number`.
/// Other types are ignored with a warning.
fn string_field(
    map: &Map<String, Value>,
    name: &str,
    allow_number: bool,
    warnings: &mut Vec<String>,
) -> Option<String> {
    match map.get(name)? {
        Value::String(s) => clean_name(Some(s)),
        Value::Number(n) if allow_number => Some(n.to_string()),
        Value::Null => None,
        other => {
            let expected = if allow_number {
                "a string or number"
            } else {
                "a string"
            };
            warnings.push(format!(
                "field \"{name}\" ignored: must be {expected}, found {}",
                type_name(other)
            ));
            None
        }
    }
}

pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// One JSONL line as serde_json reads it: by [`parse_flat_object`] when the line is the usual flat object
/// of strings, else by serde_json itself (so every other input, and every error, is serde_json's).
fn parse_line(line: &str) -> serde_json::Result<Value> {
    match parse_flat_object(line) {
        Some(value) => Ok(value),
        None => serde_json::from_str::<Value>(line),
    }
}

/// JSON's whitespace (what serde_json skips between tokens).
#[inline]
fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = b.get(i) {
        i += 1;
    }
    i
}

/// A line that is one object whose values are all strings, parsed without serde_json: the `Value` that
/// `serde_json::from_str` gives for it (a later duplicate key replaces the earlier value in the earlier
/// key's place, as serde_json's `Map::insert` does), or `None` for anything else (other value types, an
/// empty object, a control character, an unknown escape, a surrogate escape, malformed or trailing text),
/// which the caller hands to serde_json. Reading an article's text through serde_json's `Value` parse cost
/// ~5 instructions per input byte on the thread that feeds the workers, and copied the text twice when it
/// has escapes (into a scratch buffer, then into the string); this copies each run between escapes once.
pub(crate) fn parse_flat_object(line: &str) -> Option<Value> {
    let b = line.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_ws(b, i + 1);
    let mut map = Map::new();
    loop {
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let (key, next) = parse_string(line, i + 1)?;
        i = skip_ws(b, next);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(b, i + 1);
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let (value, next) = parse_string(line, i + 1)?;
        map.insert(key, Value::String(value));
        i = skip_ws(b, next);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b'}') => break,
            _ => return None,
        }
    }
    (skip_ws(b, i + 1) == b.len()).then_some(Value::Object(map))
}

/// The JSON string whose contents start at byte `start` of `line` (just after its opening quote),
/// unescaped, and the position after its closing quote; `None` for what [`parse_flat_object`] leaves to
/// serde_json.
fn parse_string(line: &str, start: usize) -> Option<(String, usize)> {
    let b = line.as_bytes();
    let mut out = String::new();
    let mut run = start;
    loop {
        let stop = string_stop(b, run);
        // `run` follows an ASCII byte (the quote or an escape) and `stop` is at one: both are char
        // boundaries.
        let text = line.get(run..stop)?;
        match b.get(stop) {
            Some(b'"') => {
                if out.is_empty() {
                    return Some((text.to_owned(), stop + 1));
                }
                out.push_str(text);
                return Some((out, stop + 1));
            }
            Some(b'\\') => {
                if out.capacity() == 0 {
                    // The rest of the line bounds the string's length: one allocation.
                    out.reserve(b.len() - start);
                }
                out.push_str(text);
                let c = match *b.get(stop + 1)? {
                    b'"' => '"',
                    b'\\' => '\\',
                    b'/' => '/',
                    b'b' => '\u{8}',
                    b'f' => '\u{c}',
                    b'n' => '\n',
                    b'r' => '\r',
                    b't' => '\t',
                    b'u' => {
                        let n = hex4(b.get(stop + 2..stop + 6)?)?;
                        // Surrogates (pairs, or the lone ones serde_json rejects) are left to serde_json.
                        let c = char::from_u32(n)?;
                        out.push(c);
                        run = stop + 6;
                        continue;
                    }
                    _ => return None,
                };
                out.push(c);
                run = stop + 2;
            }
            // A control character, or the end of the line.
            _ => return None,
        }
    }
}

/// The value of four hex digits (either case, as JSON allows).
fn hex4(digits: &[u8]) -> Option<u32> {
    digits
        .iter()
        .try_fold(0u32, |n, &d| Some(n * 16 + char::from(d).to_digit(16)?))
}

/// The first position at or after `i` of a quote, a backslash or a control character (below 0x20), or
/// `b.len()`. Sixteen bytes are tested at a time: in each 8-byte word, a byte's high bit is set by the
/// borrow of subtracting 1 from it XOR the quote (or backslash) when it is that byte, or of subtracting
/// 0x20 from it when it is below 0x20; a borrow can only mark bytes above a real match, so the lowest
/// marked byte is the first match.
#[inline]
fn string_stop(b: &[u8], i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    #[inline]
    fn marks(chunk: &[u8]) -> u64 {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let v = u64::from_le_bytes(w);
        let q = v ^ (ONES * u64::from(b'"'));
        let s = v ^ (ONES * u64::from(b'\\'));
        ((q.wrapping_sub(ONES) & !q)
            | (s.wrapping_sub(ONES) & !s)
            | (v.wrapping_sub(ONES * 0x20) & !v))
            & HIGH
    }
    let rest = b.get(i..).unwrap_or_default();
    let mut chunks = rest.chunks_exact(16);
    let mut at = i;
    for chunk in &mut chunks {
        let (lo, hi) = chunk.split_at(8);
        let (m_lo, m_hi) = (marks(lo), marks(hi));
        if m_lo | m_hi != 0 {
            return if m_lo != 0 {
                at + (m_lo.trailing_zeros() / 8) as usize
            } else {
                at + 8 + (m_hi.trailing_zeros() / 8) as usize
            };
        }
        at += 16;
    }
    for &c in chunks.remainder() {
        if c == b'"' || c == b'\\' || c < 0x20 {
            return at;
        }
        at += 1;
    }
    at
}

/// serde_json's message without its "at line 1 column N" suffix (always line 1 here), with the column.
fn json_error_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match full.strip_suffix(&suffix) {
        Some(msg) if e.column() > 0 => format!("{msg} (column {})", e.column()),
        Some(msg) => msg.to_owned(),
        None => full,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;

    /// The fast path agrees with serde_json: same value with the same key order when it answers, and it
    /// answers only for lines serde_json accepts.
    fn agrees(line: &str) -> std::result::Result<bool, TestCaseError> {
        let fast = parse_flat_object(line);
        let plain = serde_json::from_str::<Value>(line);
        match (&fast, &plain) {
            (Some(f), Ok(p)) => {
                prop_assert_eq!(f, p, "{:?}", line);
                let keys = |v: &Value| -> Vec<String> {
                    v.as_object()
                        .map(|m| m.keys().cloned().collect())
                        .unwrap_or_default()
                };
                prop_assert_eq!(keys(f), keys(p));
                prop_assert_eq!(
                    serde_json::to_string(f).unwrap(),
                    serde_json::to_string(p).unwrap()
                );
            }
            (Some(f), Err(e)) => prop_assert!(false, "{:?}: fast {:?}, serde {}", line, f, e),
            (None, _) => {}
        }
        Ok(fast.is_some())
    }

    #[test]
    fn usual_lines_take_the_fast_path() {
        for line in [
            r#"{"id": "a", "outlet": "x", "text": "One.\n\nTwo \"quoted\" \\ \/ \u00e9\u2019 end."}"#,
            r#"  {"text":"plain"}  "#,
            "{\"text\":\"caf\u{e9} \u{1F600}\",\"text\":\"dup\",\"a\":\"\"}\t",
            r#"{"t":"\b\f\r\t\u0000\uFFFF"}"#,
        ] {
            assert!(matches!(agrees(line), Ok(true)), "{line}");
        }
    }

    #[test]
    fn unusual_lines_go_to_serde_json() {
        for line in [
            r#"{}"#,
            r#"{"id": 1, "text": "x"}"#,
            r#"{"text": "x", "n": null}"#,
            r#"{"text": "x"} x"#,
            r#"{"text": "x",}"#,
            r#"{"text": "pair \ud83d\ude00"}"#,
            r#"{"text": "lone \ud83d"}"#,
            r#"{"text": "lone \ude00"}"#,
            r#"{"text": "bad \x"}"#,
            r#"{"text": "bad \u12G4"}"#,
            "{\"text\": \"tab\tinside\"}",
            r#"{"text": "unterminated"#,
            r#"{"text" "x"}"#,
            r#"["text"]"#,
            r#"{"text": "x"}}"#,
            r#"{"text": "\u12"}"#,
        ] {
            assert!(matches!(agrees(line), Ok(false)), "{line}");
        }
    }

    /// `string_stop` against the plain byte-by-byte search, for every position of a stop in a 40-byte run.
    #[test]
    fn string_stop_finds_the_first_stop() {
        let plain = |b: &[u8], i: usize| {
            (i..b.len())
                .find(|&j| b[j] == b'"' || b[j] == b'\\' || b[j] < 0x20)
                .unwrap_or(b.len())
        };
        for stop in [b'"', b'\\', 0, 0x1F, b'\n'] {
            for len in 0..40 {
                for at in 0..=len {
                    let mut b: Vec<u8> = (0..len)
                        .map(|k| [b'a', 0x20, 0x7F, 0x80, 0xFF, b'!', b'#', b'[', b']'][k % 9])
                        .collect();
                    if at < len {
                        b[at] = stop;
                        // A second stop after the first must not move the answer.
                        if at + 1 < len {
                            b[at + 1] = b'"';
                        }
                    }
                    for i in 0..=len {
                        assert_eq!(string_stop(&b, i), plain(&b, i), "{b:?} {i}");
                    }
                }
            }
        }
    }

    /// A piece of a JSON string's text: mostly what the fast path reads itself, sometimes what it leaves
    /// to serde_json (surrogate escapes, bad escapes, raw control characters).
    fn piece() -> impl Strategy<Value = String> {
        let usual = prop_oneof![
            "[a-z é’“\u{1F600}]{0,20}",
            Just(r#"\""#.to_string()),
            Just(r"\\".to_string()),
            Just(r"\/".to_string()),
            Just(r"\n\n".to_string()),
            Just(r"\b\f\r\t".to_string()),
            Just(r"\u00e9".to_string()),
            Just(r"\u2019".to_string()),
            Just(r"\u0000".to_string()),
            Just("\u{7f}".to_string()),
        ];
        let unusual = prop_oneof![
            Just(r"\uD83D\uDE00".to_string()),
            Just(r"\ud83d".to_string()),
            Just(r"\uDE00".to_string()),
            Just(r"\uZZZZ".to_string()),
            Just(r"\u12".to_string()),
            Just(r"\x".to_string()),
            Just("\t".to_string()),
            Just("\u{1}".to_string()),
        ];
        prop_oneof![12 => usual, 1 => unusual]
    }

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            8 => proptest::collection::vec(piece(), 0..8).prop_map(|p| format!("\"{}\"", p.concat())),
            1 => prop_oneof![
                Just("1".to_string()),
                Just("-2.5e3".to_string()),
                Just("null".to_string()),
                Just("true".to_string()),
                Just("[\"a\", 1]".to_string()),
                Just("{\"a\": \"b\"}".to_string()),
                Just("\"unterminated".to_string()),
            ],
        ]
    }

    fn ws() -> impl Strategy<Value = &'static str> {
        prop_oneof![Just(""), Just(" "), Just("\t"), Just("\r"), Just(" \n ")]
    }

    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("\"text\"".to_string()),
            Just("\"id\"".to_string()),
            Just("\"outlet\"".to_string()),
            Just("\"t\\u0065xt\"".to_string()),
            Just("\"\"".to_string()),
            proptest::collection::vec(piece(), 0..3).prop_map(|p| format!("\"{}\"", p.concat())),
        ]
    }

    prop_compose! {
        fn record()(
            fields in proptest::collection::vec((key(), value(), ws(), ws(), ws()), 0..5),
            lead in ws(),
            tail in ws(),
            sep in prop_oneof![Just(","), Just(" , "), Just(";"), Just(",,")],
        ) -> String {
            let body: Vec<String> = fields
                .iter()
                .map(|(k, v, a, b, c)| format!("{a}{k}{b}:{c}{v}"))
                .collect();
            format!("{lead}{{{}}}{tail}", body.join(sep))
        }
    }

    /// The generated records reach both paths often (so the proptest below compares real answers).
    #[test]
    fn generated_records_exercise_both_paths() {
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let strategy = record();
        let (mut fast, mut total) = (0, 0);
        for _ in 0..500 {
            let line = strategy.new_tree(&mut runner).unwrap().current();
            total += 1;
            fast += usize::from(parse_flat_object(&line).is_some());
        }
        assert!(
            fast * 5 > total && fast * 5 < total * 4,
            "{fast} of {total}"
        );
    }

    proptest! {
        #[test]
        fn fast_path_equals_serde_json(line in record(), cut in 0usize..400, junk in "[ }\"a,]{0,2}") {
            agrees(&line)?;
            let mut cut_at = cut.min(line.len());
            while !line.is_char_boundary(cut_at) {
                cut_at -= 1;
            }
            agrees(&line[..cut_at])?;
            agrees(&format!("{line}{junk}"))?;
        }

        #[test]
        fn fast_path_on_any_text(line in "\\PC{0,40}") {
            agrees(&line)?;
            agrees(&format!("{{\"text\": \"{line}\"}}"))?;
        }
    }
}
