//! Plain term lists (`.txt`, `.lst`): one term per line; a line starting with `#` is a comment, and ` # `
//! starts a trailing comment. The file stem is the lexicon name and the only category.

use super::diag::{term_problem, Sink};
use super::normalize::normalize;
use super::{Category, Diagnostic, Entry, Lexicon};
use std::collections::HashMap;

pub fn parse(src: &str, file: &str, stem: &str) -> (Option<Lexicon>, Vec<Diagnostic>) {
    let mut sink = Sink::new(src, file);
    let mut entries = Vec::new();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    let mut offset = 0;
    for (n, raw) in src.split('\n').enumerate() {
        let line_start = offset;
        offset += raw.len() + 1;
        let line = strip_comment(raw.trim_end_matches('\r'));
        let term = line.trim();
        if term.is_empty() {
            continue;
        }
        let at = Some(line_start + (line.len() - line.trim_start().len()));
        if let Some(problem) = term_problem(term) {
            sink.error(at, problem);
            continue;
        }
        let key = normalize(term, true);
        if let Some(first) = first_line.get(&key) {
            sink.warning(
                at,
                format!("duplicate term \"{term}\" (first at line {first}); ignored"),
            );
            continue;
        }
        first_line.insert(key, n + 1);
        entries.push(Entry {
            line: n + 1,
            ..Entry::new_term(term, stem)
        });
    }
    let lexicon = Lexicon {
        name: stem.to_string(),
        version: String::new(),
        kind: "terms".to_string(),
        description: format!("term list {file}"),
        origin: String::new(),
        sha256: String::new(),
        categories: vec![Category {
            id: stem.to_string(),
            description: format!("terms of {file}"),
        }],
        entries,
    };
    (Some(lexicon), sink.diagnostics)
}

fn strip_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    let mut prev_space = false;
    for (i, c) in line.char_indices() {
        if c == '#' && prev_space && line[i + 1..].chars().next().is_none_or(char::is_whitespace) {
            return &line[..i];
        }
        prev_space = c.is_whitespace();
    }
    line
}
