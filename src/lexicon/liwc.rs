//! LIWC dictionaries (`.dic`): a header between two `%` lines maps codes to category names, then one word per
//! line followed by its codes (`abandon*<TAB>125 127`).
//!
//! Tolerated irregularities: BOM, CRLF, blank lines, runs of tabs/spaces, codes with leading zeros ("02").
//! LIWC's context rules cannot be expressed as plain terms, so they are skipped and reported as warnings:
//! conditional codes such as `(02 134)125/464` (category depends on the previous word) or `<of>131/125`
//! (depends on the next word). A parenthesised context word inside an entry (`kind (of)`, `(i) like`) is
//! kept as part of the phrase, so the entry only matches with its context ("kind of").

use super::diag::{term_problem, Sink};
use super::normalize::normalize;
use super::{Category, Diagnostic, Entry, Lexicon};
use std::collections::{BTreeMap, HashMap};

pub fn parse(src: &str, file: &str, stem: &str) -> (Option<Lexicon>, Vec<Diagnostic>) {
    let mut sink = Sink::new(src, file);
    // Non-blank lines: (1-based line number, byte offset, text without CR).
    let mut lines = Vec::new();
    let mut offset = 0;
    for (n, raw) in src.split('\n').enumerate() {
        let line = raw.trim_end_matches('\r');
        if !line.trim().is_empty() {
            lines.push((n + 1, offset, line));
        }
        offset += raw.len() + 1;
    }
    let Some(header) = header(&mut sink, &lines) else {
        return (None, sink.diagnostics);
    };
    let entries = entries(
        &mut sink,
        lines.get(header.end + 1..).unwrap_or(&[]),
        &header.codes,
    );
    let lexicon = Lexicon {
        name: stem.to_string(),
        version: String::new(),
        kind: "terms".to_string(),
        description: format!("LIWC dictionary {file}"),
        origin: String::new(),
        sha256: String::new(),
        categories: header.categories,
        entries,
    };
    (Some(lexicon), sink.diagnostics)
}

type Line<'a> = (usize, usize, &'a str);

struct Header {
    /// code (numeric codes compare as numbers, so "02" == "2") -> category name
    codes: HashMap<String, String>,
    categories: Vec<Category>,
    /// Index in the non-blank lines of the closing `%`.
    end: usize,
}

/// The `%` ... `%` block; `None` (with an error) when it is missing or not closed.
fn header(sink: &mut Sink, lines: &[Line]) -> Option<Header> {
    match lines.first() {
        Some((_, _, l)) if l.trim() == "%" => {}
        Some((_, at, _)) => {
            sink.error(
                Some(*at),
                "expected a line with % to open the category header",
            );
            return None;
        }
        None => {
            sink.error(Some(0), "empty dictionary: expected a % header block");
            return None;
        }
    }
    let Some(end) = lines
        .iter()
        .skip(1)
        .position(|(_, _, l)| l.trim() == "%")
        .map(|i| i + 1)
    else {
        sink.error(
            Some(sink.src.len()),
            "missing % line closing the category header",
        );
        return None;
    };
    let mut h = Header {
        codes: HashMap::new(),
        categories: Vec::new(),
        end,
    };
    for &(_, at, line) in lines.get(1..end).unwrap_or(&[]) {
        let t = line.trim();
        let at = Some(at + (line.len() - line.trim_start().len()));
        let Some((code, name)) = t.split_once(char::is_whitespace) else {
            sink.error(
                at,
                format!("expected \"<code> <category name>\" in the header, found \"{t}\""),
            );
            continue;
        };
        let name = name.trim().to_string();
        if h.codes.insert(code_key(code), name.clone()).is_some() {
            sink.error(at, format!("duplicate category code \"{code}\""));
            continue;
        }
        if !h.categories.iter().any(|c| c.id == name) {
            h.categories.push(Category {
                id: name,
                description: format!("LIWC category {code}"),
            });
        }
    }
    Some(h)
}

/// One entry per (word, category) of the word lines.
fn entries(sink: &mut Sink, lines: &[Line], codes: &HashMap<String, String>) -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::new();
    // word -> (first line, categories already given to it)
    let mut seen: HashMap<String, (usize, Vec<String>)> = HashMap::new();
    for &(n, line_at, line) in lines {
        let tokens = tokenize(line);
        let word_len = tokens
            .iter()
            .position(|(_, t)| is_code(t, codes))
            .unwrap_or(tokens.len());
        let Some(&(word_at, _)) = tokens.first() else {
            continue;
        };
        let word_at = Some(line_at + word_at);
        if word_len == 0 {
            sink.error(word_at, "expected a word before its category codes");
            continue;
        }
        let (word_tokens, code_tokens) = tokens.split_at(word_len);
        let mut word = word_tokens
            .iter()
            .map(|(_, t)| *t)
            .collect::<Vec<_>>()
            .join(" ");
        if word.contains(['(', ')']) {
            word = word.replace(['(', ')'], "");
            sink.warning(
                word_at,
                format!("context in parentheses kept as part of the phrase \"{word}\""),
            );
        }
        if let Some(problem) = term_problem(&word) {
            sink.error(word_at, problem);
            continue;
        }
        let mut cats: Vec<&String> = Vec::new();
        let mut skipped: Vec<&str> = Vec::new();
        for &(tok_at, tok) in code_tokens {
            if is_conditional(tok) {
                skipped.push(tok);
            } else if let Some(name) = codes.get(&code_key(tok)) {
                if !cats.contains(&name) {
                    cats.push(name);
                }
            } else {
                let msg = format!("unknown category code \"{tok}\" (not in the % header)");
                sink.error(Some(line_at + tok_at), msg);
            }
        }
        let skipped = skipped.join(" ");
        if !skipped.is_empty() {
            let msg = format!(
                "skipped conditional code(s) {skipped} of \"{word}\" (LIWC context rules are not supported)"
            );
            sink.warning(word_at, msg);
        }
        if code_tokens.is_empty() {
            sink.warning(
                word_at,
                format!("\"{word}\" has no category codes; ignored"),
            );
        }
        let (first, given) = seen
            .entry(normalize(&word, true))
            .or_insert_with(|| (n, Vec::new()));
        if *first != n {
            sink.warning(
                word_at,
                format!("duplicate word \"{word}\" (first at line {first}); codes merged"),
            );
        }
        for cat in cats {
            if given.contains(cat) {
                continue;
            }
            given.push(cat.clone());
            let mut attrs = BTreeMap::new();
            if !skipped.is_empty() {
                attrs.insert("liwc_conditional".to_string(), skipped.clone());
            }
            entries.push(Entry {
                line: n,
                attrs,
                ..Entry::new_term(&word, cat)
            });
        }
    }
    entries
}

/// Numeric codes compare as numbers ("02" == "2"); other codes as written.
fn code_key(code: &str) -> String {
    match code.parse::<u64>() {
        Ok(n) => n.to_string(),
        Err(_) => code.to_string(),
    }
}

/// `(02 134)125/464` or `<of>131/125`: a code chosen by context.
fn is_conditional(tok: &str) -> bool {
    let after = |close: char| {
        tok.split_once(close)
            .is_some_and(|(_, rest)| !rest.is_empty())
    };
    (tok.starts_with('(') && after(')')) || (tok.starts_with('<') && after('>'))
}

fn is_code(tok: &str, codes: &HashMap<String, String>) -> bool {
    tok.bytes().all(|b| b.is_ascii_digit()) || is_conditional(tok) || codes.contains_key(tok)
}

/// Splits on runs of whitespace, keeping `(...)` and `<...>` groups together; yields (byte offset, token).
fn tokenize(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut depth = 0usize;
    for (i, c) in line.char_indices() {
        match c {
            '(' | '<' => depth += 1,
            ')' | '>' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if c.is_whitespace() && depth == 0 {
            if let Some(s) = start.take() {
                out.push((s, &line[s..i]));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((s, &line[s..]));
    }
    out
}
