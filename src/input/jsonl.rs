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
                Ok(s) => serde_json::from_str::<Value>(s),
                Err(e) => {
                    warnings.push(format!(
                        "line {}: invalid UTF-8 at byte {} of the line decoded with replacement characters",
                        self.line,
                        bom_len + e.valid_up_to()
                    ));
                    serde_json::from_str::<Value>(&String::from_utf8_lossy(bytes))
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
