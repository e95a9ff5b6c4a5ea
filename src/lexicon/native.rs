//! The native TOML lexicon format (see `docs/lexicon-format.md`). Parsed with `toml_edit` so that every key
//! and value keeps its byte span: each diagnostic points at the offending key or value.

use super::diag::{term_problem, Sink};
use super::normalize::normalize;
use super::{Category, Diagnostic, Entry, Lexicon, KINDS};
use std::collections::{BTreeMap, HashMap};
use toml_edit::{ImDocument, Item, TableLike};

const LEXICON_KEYS: &[&str] = &["name", "version", "kind", "description"];
const CATEGORY_KEYS: &[&str] = &["id", "description"];
const ENTRY_KEYS: &[&str] = &[
    "term",
    "terms",
    "pattern",
    "category",
    "weight",
    "neutral",
    "note",
    "case_sensitive",
    "inflect",
    "forms",
    "except",
    "scope",
    "group",
];
const SCOPES: &[&str] = &["any", "headline", "body", "quote"];
const REGIONS: &[&str] = &["caption", "boilerplate"];

/// Extra string keys an entry may carry for each kind; they go to `Entry::attrs`.
fn kind_attrs(kind: &str) -> &'static [&'static str] {
    match kind {
        "cues" => &["class", "lemma", "frame"],
        "entities" => &["side", "kind", "canonical", "role"],
        "boilerplate" => &["region"],
        "outlets" => &["outlet"],
        "sources" => &["class", "kind"],
        _ => &[],
    }
}

/// `check_patterns`: check the syntax of every regex pattern (off for the built-in lexicons, whose patterns
/// a test compiles, because it is a large share of start-up).
pub fn parse(src: &str, file: &str, check_patterns: bool) -> (Option<Lexicon>, Vec<Diagnostic>) {
    let mut p = Parser {
        sink: Sink::new(src, file),
        check_patterns,
    };
    let lexicon = p.document();
    (lexicon, p.sink.diagnostics)
}

struct Parser<'a> {
    sink: Sink<'a>,
    check_patterns: bool,
}

fn start(item: &Item) -> Option<usize> {
    item.span().map(|r| r.start)
}

fn key_start(t: &dyn TableLike, key: &str) -> Option<usize> {
    t.key(key).and_then(|k| k.span()).map(|r| r.start)
}

fn quoted_list(items: &[&str]) -> String {
    items.join(", ")
}

/// A string value with the byte offset where it starts.
type Spanned = (String, Option<usize>);

/// An earlier term with the same surface form: (term, category, line).
type Seen = (String, String, usize);

/// What an entry matches.
enum Source {
    Terms(Vec<Spanned>),
    Pattern(String, Option<usize>),
}

impl Parser<'_> {
    fn document(&mut self) -> Option<Lexicon> {
        let doc = match ImDocument::parse(self.sink.src) {
            Ok(d) => d,
            Err(e) => {
                let msg = e.message().trim().replace('\n', "; ");
                self.sink
                    .error(e.span().map(|r| r.start), format!("invalid TOML: {msg}"));
                return None;
            }
        };
        let root = doc.as_table();
        for (key, _) in root.iter() {
            if !["lexicon", "category", "entry"].contains(&key) {
                self.sink.error(
                    key_start(root, key),
                    format!(
                        "unknown key \"{key}\" (expected [lexicon], [[category]] or [[entry]])"
                    ),
                );
            }
        }
        let Some(header) = root.get("lexicon") else {
            self.sink.error(
                Some(0),
                "missing [lexicon] table (with name, version and kind)",
            );
            return None;
        };
        let mut lexicon = self.header(header)?;
        if let Some(item) = root.get("category") {
            lexicon.categories = self.categories(item);
        }
        if let Some(item) = root.get("entry") {
            self.entries(item, &mut lexicon);
        }
        Some(lexicon)
    }

    fn header(&mut self, item: &Item) -> Option<Lexicon> {
        let Some(t) = item.as_table_like() else {
            self.sink.error(start(item), "[lexicon] must be a table");
            return None;
        };
        self.unknown_keys(t, LEXICON_KEYS, "[lexicon]");
        let name = self.required_string(t, "name", start(item), "[lexicon]");
        let version = self.required_string(t, "version", start(item), "[lexicon]");
        let kind = self.required_string(t, "kind", start(item), "[lexicon]");
        let description = t
            .get("description")
            .and_then(|i| self.string(i, "description"))
            .unwrap_or_default();
        if let Some(kind) = &kind {
            if !KINDS.contains(&kind.as_str()) {
                let at = t.get("kind").and_then(start);
                self.sink.error(
                    at,
                    format!(
                        "unknown kind \"{kind}\" (expected one of: {})",
                        quoted_list(KINDS)
                    ),
                );
                return None;
            }
        }
        if let Some(name) = &name {
            if name.trim().is_empty() {
                self.sink
                    .error(t.get("name").and_then(start), "name must not be empty");
            }
        }
        Some(Lexicon {
            name: name?,
            version: version?,
            kind: kind?,
            description,
            origin: String::new(),
            sha256: String::new(),
            categories: Vec::new(),
            entries: Vec::new(),
        })
    }

    fn categories(&mut self, item: &Item) -> Vec<Category> {
        let mut out: Vec<Category> = Vec::new();
        let mut first_line: HashMap<String, usize> = HashMap::new();
        for (t, at) in self.tables(item, "category") {
            self.unknown_keys(t, CATEGORY_KEYS, "[[category]]");
            let Some(id) = self.required_string(t, "id", at, "[[category]]") else {
                continue;
            };
            let id_at = t.get("id").and_then(start);
            let line = self.sink.pos(id_at).0;
            if let Some(first) = first_line.get(&id) {
                self.sink.error(
                    id_at,
                    format!("duplicate category \"{id}\" (first at line {first})"),
                );
                continue;
            }
            first_line.insert(id.clone(), line);
            let description = t
                .get("description")
                .and_then(|i| self.string(i, "description"))
                .unwrap_or_default();
            out.push(Category { id, description });
        }
        out
    }

    /// The tables of an array of tables (`[[entry]]`) or of an array of inline tables, with their offsets.
    fn tables<'i>(
        &mut self,
        item: &'i Item,
        what: &str,
    ) -> Vec<(&'i dyn TableLike, Option<usize>)> {
        if let Some(aot) = item.as_array_of_tables() {
            return aot
                .iter()
                .map(|t| (t as &dyn TableLike, t.span().map(|r| r.start)))
                .collect();
        }
        if let Some(arr) = item.as_array() {
            let mut out = Vec::new();
            for v in arr.iter() {
                match v.as_inline_table() {
                    Some(t) => out.push((t as &dyn TableLike, v.span().map(|r| r.start))),
                    None => self.sink.error(
                        v.span().map(|r| r.start),
                        format!("each {what} must be a table"),
                    ),
                }
            }
            return out;
        }
        self.sink.error(
            start(item),
            format!("{what} must be an array of tables ([[{what}]])"),
        );
        Vec::new()
    }

    fn entries(&mut self, item: &Item, lexicon: &mut Lexicon) {
        let mut allowed: Vec<&str> = ENTRY_KEYS.to_vec();
        allowed.extend_from_slice(kind_attrs(&lexicon.kind));
        // (pattern, case_sensitive) -> line of its first entry.
        let mut seen: HashMap<(String, bool), usize> = HashMap::new();
        // (normalised surface, case_sensitive) -> (term, category, line) of the entries with it.
        let mut terms_seen: HashMap<(String, bool), Vec<Seen>> = HashMap::new();
        let mut out = Vec::new();
        for (t, at) in self.tables(item, "entry") {
            self.unknown_keys(t, &allowed, "[[entry]]");
            let Some(source) = self.source(t, at) else {
                continue;
            };
            let base = self.settings(t, at, lexicon);
            match source {
                Source::Pattern(p, p_at) => {
                    self.check_pattern(t, &p, p_at, base.case_sensitive);
                    let line = self.sink.pos(p_at).0;
                    let key = (p.clone(), base.case_sensitive);
                    if let Some(first) = seen.insert(key, line) {
                        let msg = format!("duplicate pattern \"{p}\" (first at line {first})");
                        self.sink.error(p_at, msg);
                    }
                    out.push(Entry {
                        pattern: Some(p),
                        line,
                        ..base
                    });
                }
                Source::Terms(terms) => {
                    for (term, term_at) in terms {
                        let term = term.trim().to_string();
                        if let Some(problem) = term_problem(&term) {
                            self.sink.error(term_at, problem);
                            continue;
                        }
                        if base.inflect && term.ends_with('*') {
                            let msg = format!("inflect has no effect on the wildcard \"{term}\"");
                            self.sink.error(key_start(t, "inflect"), msg);
                        }
                        let line = self.sink.pos(term_at).0;
                        let key = (normalize(&term, !base.case_sensitive), base.case_sensitive);
                        let earlier = terms_seen.entry(key).or_default();
                        if self.duplicate(earlier, &term, term_at, &base.category, &lexicon.kind) {
                            continue;
                        }
                        earlier.push((term.clone(), base.category.clone(), line));
                        out.push(Entry {
                            term,
                            line,
                            ..base.clone()
                        });
                    }
                }
            }
        }
        lexicon.entries = out;
    }

    /// Reports `term` against the entries with the same surface form; true when it must be dropped. The same
    /// spelling twice in one category is an error; another spelling of the same form (case, hyphen) in the
    /// same category is only redundant (a warning), and so is, for `terms` lexicons, a term listed in a
    /// second category (the matcher reports the first). Other kinds may give a word several roles.
    fn duplicate(
        &mut self,
        earlier: &[Seen],
        term: &str,
        at: Option<usize>,
        category: &str,
        kind: &str,
    ) -> bool {
        let same_category = earlier.iter().find(|(_, c, _)| c == category);
        if let Some((first, _, line)) = same_category {
            if first == term {
                self.sink.error(
                    at,
                    format!("duplicate entry \"{term}\" (first at line {line})"),
                );
                return true;
            }
            let msg = format!("\"{term}\" matches the same text as \"{first}\" (line {line}); the first entry wins");
            self.sink.warning(at, msg);
        } else if let Some((_, c, line)) = earlier.first().filter(|_| kind == "terms") {
            let msg = format!("\"{term}\" is also in category \"{c}\" (line {line}); the matcher reports the first");
            self.sink.warning(at, msg);
        }
        false
    }

    /// The entry's `term`, `terms` or `pattern` (exactly one is required).
    fn source(&mut self, t: &dyn TableLike, at: Option<usize>) -> Option<Source> {
        let keys: Vec<&str> = ["term", "terms", "pattern"]
            .into_iter()
            .filter(|k| t.contains_key(k))
            .collect();
        match keys.as_slice() {
            [] => {
                self.sink
                    .error(at, "entry needs one of term, terms or pattern");
                None
            }
            ["terms"] => {
                let item = t.get("terms")?;
                let terms = self.strings(item, "terms")?;
                if terms.is_empty() {
                    self.sink
                        .error(start(item), "terms must list at least one term");
                }
                Some(Source::Terms(terms))
            }
            [key] => {
                let item = t.get(key)?;
                let value = self.string(item, key)?;
                Some(match *key {
                    "term" => Source::Terms(vec![(value, start(item))]),
                    _ => Source::Pattern(value, start(item)),
                })
            }
            [_, second, ..] => {
                let msg = format!(
                    "use only one of term, terms or pattern (found {})",
                    keys.join(" and ")
                );
                self.sink.error(key_start(t, second), msg);
                None
            }
        }
    }

    /// Everything of an entry but its term or pattern.
    fn settings(&mut self, t: &dyn TableLike, at: Option<usize>, lexicon: &Lexicon) -> Entry {
        let flag = |p: &mut Self, k: &str| t.get(k).and_then(|i| p.boolean(i, k)).unwrap_or(false);
        let opt = |p: &mut Self, k: &str| t.get(k).and_then(|i| p.string(i, k));
        let list = |p: &mut Self, k: &str| -> Vec<String> {
            let items = t.get(k).and_then(|i| p.strings(i, k)).unwrap_or_default();
            for (s, at) in &items {
                if let Some(problem) = term_problem(s) {
                    p.sink.error(*at, format!("{k}: {problem}"));
                }
            }
            items
                .into_iter()
                .map(|(s, _)| s.trim().to_string())
                .collect()
        };
        let weight = match t.get("weight") {
            Some(i) => match i.as_float().or_else(|| i.as_integer().map(|n| n as f64)) {
                Some(w) if w.is_finite() && w >= 0.0 => w,
                _ => {
                    self.sink
                        .error(start(i), "weight must be a finite number >= 0");
                    1.0
                }
            },
            None => 1.0,
        };
        let scope = opt(self, "scope").unwrap_or_else(|| "any".to_string());
        if !SCOPES.contains(&scope.as_str()) {
            let msg = format!(
                "unknown scope \"{scope}\" (expected one of: {})",
                quoted_list(SCOPES)
            );
            self.sink.error(t.get("scope").and_then(start), msg);
        }
        let mut attrs = BTreeMap::new();
        for key in kind_attrs(&lexicon.kind) {
            if let Some(v) = opt(self, key) {
                attrs.insert(key.to_string(), v);
            }
        }
        self.kind_rules(&lexicon.kind, t, at, &attrs);
        Entry {
            term: String::new(),
            pattern: None,
            category: self.category(t, at, lexicon),
            weight,
            neutral: opt(self, "neutral"),
            note: opt(self, "note"),
            case_sensitive: flag(self, "case_sensitive"),
            inflect: flag(self, "inflect"),
            forms: list(self, "forms"),
            except: list(self, "except"),
            scope,
            group: opt(self, "group"),
            attrs,
            line: self.sink.pos(at).0,
        }
    }

    /// The entry's category: a declared one when the file declares categories, else the lexicon name.
    fn category(&mut self, t: &dyn TableLike, at: Option<usize>, lexicon: &Lexicon) -> String {
        let declared: Vec<&str> = lexicon.categories.iter().map(|c| c.id.as_str()).collect();
        match t.get("category") {
            Some(i) => {
                let c = self.string(i, "category").unwrap_or_default();
                if !declared.is_empty() && !declared.contains(&c.as_str()) {
                    let msg = format!(
                        "unknown category \"{c}\" (declared: {})",
                        quoted_list(&declared)
                    );
                    self.sink.error(start(i), msg);
                }
                c
            }
            None if !declared.is_empty() => {
                let msg = format!(
                    "entry needs a category (declared: {})",
                    quoted_list(&declared)
                );
                self.sink.error(at, msg);
                String::new()
            }
            None => lexicon.name.clone(),
        }
    }

    /// A pattern entry: a valid regex, and none of the term-only keys.
    fn check_pattern(
        &mut self,
        t: &dyn TableLike,
        pattern: &str,
        at: Option<usize>,
        case_sensitive: bool,
    ) {
        for k in ["inflect", "forms", "except"] {
            if t.contains_key(k) {
                let msg = format!("{k} has no effect on a pattern entry (use a term)");
                self.sink.error(key_start(t, k), msg);
            }
        }
        // Syntax only: compiling every pattern here would double start-up; `lexicon check` compiles them.
        if !self.check_patterns {
            return;
        }
        let source = if case_sensitive {
            pattern.to_string()
        } else {
            format!("(?i){pattern}")
        };
        if let Err(e) = super::pattern::check_syntax(&source) {
            // The regex error is a multi-line picture; its last line says what is wrong.
            let detail = e.to_string();
            let last = detail
                .lines()
                .map(str::trim)
                .rfind(|l| !l.is_empty())
                .unwrap_or("");
            self.sink
                .error(at, format!("invalid regex pattern: {last}"));
        }
    }

    /// Checks that only make sense for one kind.
    fn kind_rules(
        &mut self,
        kind: &str,
        t: &dyn TableLike,
        at: Option<usize>,
        attrs: &BTreeMap<String, String>,
    ) {
        match kind {
            "boilerplate" => {
                if let Some(region) = attrs.get("region") {
                    if !REGIONS.contains(&region.as_str()) {
                        let at = t.get("region").and_then(start);
                        self.sink.error(
                            at,
                            format!(
                                "unknown region \"{region}\" (expected one of: {})",
                                quoted_list(REGIONS)
                            ),
                        );
                    }
                }
            }
            "outlets" if !attrs.contains_key("outlet") => {
                self.sink
                    .error(at, "outlets entry needs outlet = \"<outlet id>\"");
            }
            _ => {}
        }
    }

    fn unknown_keys(&mut self, t: &dyn TableLike, allowed: &[&str], table: &str) {
        for (key, _) in t.iter() {
            if !allowed.contains(&key) {
                let msg = format!(
                    "unknown key \"{key}\" in {table} (expected one of: {})",
                    quoted_list(allowed)
                );
                self.sink.error(key_start(t, key), msg);
            }
        }
    }

    fn required_string(
        &mut self,
        t: &dyn TableLike,
        key: &str,
        at: Option<usize>,
        table: &str,
    ) -> Option<String> {
        match t.get(key) {
            Some(i) => self.string(i, key),
            None => {
                self.sink
                    .error(at, format!("{table} needs {key} = \"...\""));
                None
            }
        }
    }

    fn string(&mut self, item: &Item, key: &str) -> Option<String> {
        match item.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.sink
                    .error(start(item), format!("{key} must be a string"));
                None
            }
        }
    }

    fn boolean(&mut self, item: &Item, key: &str) -> Option<bool> {
        match item.as_bool() {
            Some(b) => Some(b),
            None => {
                self.sink
                    .error(start(item), format!("{key} must be true or false"));
                None
            }
        }
    }

    /// An array of strings, each with its offset.
    fn strings(&mut self, item: &Item, key: &str) -> Option<Vec<Spanned>> {
        let Some(arr) = item.as_array() else {
            self.sink
                .error(start(item), format!("{key} must be an array of strings"));
            return None;
        };
        let mut out = Vec::new();
        for v in arr.iter() {
            let at = v.span().map(|r| r.start);
            match v.as_str() {
                Some(s) => out.push((s.to_string(), at)),
                None => self
                    .sink
                    .error(at, format!("{key} must contain only strings")),
            }
        }
        Some(out)
    }
}
