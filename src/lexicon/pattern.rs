//! Regex patterns from lexicons, with a cheap prefilter compiled at once and the exact regex compiled on
//! first need.
//!
//! Lexicon patterns (boilerplate lines, outlet signatures, credits) are matched against every line of every
//! article, and almost every line matches none of them. Two costs dominate: Unicode word boundaries and
//! letter classes (`\b`, `\p{L}`) keep the regex engine off its lazy DFA on non-ASCII text, and compiling
//! case-insensitive Unicode classes is slow (a large share of start-up). A [`Pattern`] therefore holds a
//! *prefilter*: the same pattern rewritten so that it matches a superset of what the original matches
//! ([`prefilter_source`]), which is fast to compile and to run. Both are compiled on first need (and a
//! [`Gate`] in front of a list of patterns often means never): the exact regex the first time the prefilter
//! accepts a haystack, and only then does it run. Results are exactly those of the original regex.

use regex::Regex;
use std::sync::OnceLock;

/// A lexicon pattern: prefilter and exact regex, each compiled on first need (see the module docs).
#[derive(Debug, Clone)]
pub struct Pattern {
    source: String,
    /// The prefilter's source ([`prefilter_source`]), when the rewrite changes anything.
    prefilter_source: Option<String>,
    prefilter: OnceLock<Option<Regex>>,
    exact: OnceLock<Option<Regex>>,
    /// The check on the start of a haystack that every match of a pattern anchored there implies
    /// ([`lead::Lead`]), built once the pattern has been tried [`LEAD_AFTER`] times.
    lead: OnceLock<Option<lead::Lead>>,
    /// How often the pattern was tried before its check was built.
    tries: Tries,
}

/// A pattern builds its lead check ([`lead::Lead`]) after this many tries: the syntax tree costs about
/// 0.3 M instructions a pattern, more than the regex calls the check saves on a pattern tried on a few
/// hundred paragraphs (on 840 articles, 256 built fourteen checks for 5 M and lost to 2,048), while the
/// one line rule tried on almost every paragraph (web addresses) gets there within about a hundred
/// articles. `score` never builds one.
const LEAD_AFTER: u32 = 2048;

/// A try counter shared by threads; an approximate count is enough (a lost update only delays the check).
#[derive(Debug, Default)]
struct Tries(std::sync::atomic::AtomicU32);

impl Clone for Tries {
    fn clone(&self) -> Self {
        Tries(std::sync::atomic::AtomicU32::new(
            self.0.load(std::sync::atomic::Ordering::Relaxed),
        ))
    }
}

impl Pattern {
    /// A pattern for `source` (full regex syntax, flags written into it, e.g. `(?i)`). With `eager` (lexicons
    /// from users, so that any error is reported at start-up with its location) both regexes are compiled
    /// at once; otherwise (the built-in lexicons, whose patterns a test compiles) each is compiled the first
    /// time it is needed, and a pattern that fails to compile never matches.
    pub fn new(source: &str, eager: bool) -> Result<Self, regex::Error> {
        let p = Pattern {
            source: source.to_string(),
            prefilter_source: prefilter_source(source),
            prefilter: OnceLock::new(),
            exact: OnceLock::new(),
            lead: OnceLock::new(),
            tries: Tries::default(),
        };
        if eager {
            let re = Regex::new(source)?;
            let _ = p.exact.set(Some(re));
            p.prefilter();
        }
        Ok(p)
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The source to take gate literals from ([`Gate::new`]): the prefilter's when there is one (same
    /// literals, and much cheaper to parse than the Unicode classes of the original).
    pub fn gate_source(&self) -> &str {
        self.prefilter_source.as_deref().unwrap_or(&self.source)
    }

    /// The prefilter (compiled on first call), if the pattern has one.
    pub fn prefilter(&self) -> Option<&Regex> {
        let src = self.prefilter_source.as_deref()?;
        self.prefilter.get_or_init(|| Regex::new(src).ok()).as_ref()
    }

    /// The exact regex, compiled on first call. `None` only when the pattern cannot be compiled (a size
    /// limit; never for the built-in lexicons).
    pub fn exact(&self) -> Option<&Regex> {
        self.exact
            .get_or_init(|| Regex::new(&self.source).ok())
            .as_ref()
    }

    /// Whether `hay` may match: the start of `hay` passes the pattern's lead check, when it is anchored
    /// there (a few instructions where a regex call costs hundreds), and its prefilter (when there is one)
    /// accepts it.
    pub fn may_match(&self, hay: &str) -> bool {
        self.lead().is_none_or(|l| l.admits(hay))
            && self.prefilter().is_none_or(|f| f.is_match(hay))
    }

    /// The lead check, once the pattern has been tried often enough to pay for it ([`LEAD_AFTER`]).
    fn lead(&self) -> Option<&lead::Lead> {
        if let Some(lead) = self.lead.get() {
            return lead.as_ref();
        }
        use std::sync::atomic::Ordering::Relaxed;
        let n = self.tries.0.load(Relaxed);
        if n < LEAD_AFTER {
            self.tries.0.store(n + 1, Relaxed);
            return None;
        }
        self.lead
            .get_or_init(|| lead::Lead::new(self.gate_source()))
            .as_ref()
    }

    /// The exact regex when `hay` may match (its prefilter accepts it), else `None`.
    pub fn candidate(&self, hay: &str) -> Option<&Regex> {
        if !self.may_match(hay) {
            return None;
        }
        self.exact()
    }

    /// Whether the pattern matches `hay` (exactly as the original regex).
    pub fn is_match(&self, hay: &str) -> bool {
        self.candidate(hay).is_some_and(|re| re.is_match(hay))
    }
}

/// Checks the syntax of a regex without compiling it (much cheaper for large Unicode classes).
pub fn check_syntax(source: &str) -> Result<(), regex::Error> {
    match regex_syntax::ParserBuilder::new().build().parse(source) {
        Ok(_) => Ok(()),
        // The regex crate reports the same error; compiling shows it in the regex crate's own type.
        Err(_) => Regex::new(source).map(|_| ()),
    }
}

/// A prefilter for a regex source (default flags, written inline) matched against lines or paragraphs:
/// the same pattern with every word-boundary assertion (`\b`, `\B`, `\b{..}`, `\<`, `\>`) replaced by
/// an empty group, large Unicode classes widened and upper bounds of repetitions dropped (see [`widen`])
/// and a leading `^.*` dropped (`^.+` becomes `.`). All only add matches, so it matches every haystack the
/// original matches. Without Unicode word boundaries and letter classes the regex engine can use its lazy
/// DFA on non-ASCII text instead of falling back to the much slower PikeVM, without bounded repetitions
/// (`.{0,80}`: eighty copies of a Unicode `.`) the prefilter compiles several times faster, and a pattern
/// anchored only at its end is searched backwards from the end of the haystack. `None` when nothing applies (or for verbose-mode patterns).
pub fn prefilter_source(pat: &str) -> Option<String> {
    // Verbose mode (`x` flag) has comments the scan below does not understand: no prefilter.
    let verbose = pat.match_indices("(?").any(|(i, _)| {
        pat[i + 2..]
            .chars()
            .take_while(|c| c.is_ascii_alphabetic() || *c == '-')
            .any(|c| c == 'x')
    });
    if verbose {
        return None;
    }
    let (mut out, mut changed) = widen(pat);
    // A leading `^.*` (or `^.+`) only says "anywhere in the line": without it (or with one `.`) the
    // pattern still matches every line the original matches, and a pattern anchored only at `$` is
    // searched backwards from the end of the line instead of scanning the whole line forwards.
    let flags = leading_flags(&out);
    let body = &out[flags..];
    let lazy = |r: &str| r.starts_with(['?', '+', '*', '{']);
    if let Some(rest) = body.strip_prefix("^.*").filter(|r| !lazy(r)) {
        out = format!("{}{rest}", &out[..flags]);
        changed = true;
    } else if let Some(rest) = body.strip_prefix("^.+").filter(|r| !lazy(r)) {
        out = format!("{}.{rest}", &out[..flags]);
        changed = true;
    }
    changed.then_some(out)
}

/// Length of the flag groups without a body (`(?i)`, `(?i-u)`) at the start of `pat`.
fn leading_flags(pat: &str) -> usize {
    let mut at = 0;
    while let Some(rest) = pat[at..].strip_prefix("(?") {
        let n = rest
            .find(|c: char| !(c.is_ascii_alphabetic() || c == '-'))
            .unwrap_or(rest.len());
        if rest[n..].starts_with(')') {
            at += 2 + n + 1;
        } else {
            break;
        }
    }
    at
}

/// Unicode property families that contain no whitespace: a class made of them and of non-space literals is
/// a subset of `\S`.
const NO_SPACE_PROPERTIES: &[&str] = &[
    "L",
    "Lu",
    "Ll",
    "Lt",
    "Lm",
    "Lo",
    "Letter",
    "N",
    "Nd",
    "Nl",
    "No",
    "M",
    "Mn",
    "Mc",
    "Me",
    "P",
    "Pd",
    "Ps",
    "Pe",
    "Pi",
    "Pf",
    "Pc",
    "Po",
    "S",
    "Sm",
    "Sc",
    "Sk",
    "So",
    "Alphabetic",
    "Uppercase",
    "Lowercase",
];

/// The language-widening rewrite behind [`prefilter_source`] (`x`-mode patterns excluded):
/// word-boundary assertions become empty groups; `\w` and no-space Unicode properties (`\p{L}`, `\pN`,
/// ...) outside classes become `\S`; a non-negated class that uses `\p`, `\P` or `\w` becomes `\S` when
/// all its members are non-space, else `(?s:.)`. Negated classes and classes with set operations are kept.
/// Bounded repetitions lose their upper bound (`.{0,80}` becomes `.{0,}`).
/// Returns the pattern and whether anything changed.
fn widen(pat: &str) -> (String, bool) {
    let chars: Vec<char> = pat.chars().collect();
    let mut out = String::with_capacity(pat.len());
    let mut changed = false;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => {
                let Some(&n) = chars.get(i + 1) else {
                    out.push(c);
                    break;
                };
                i += 2;
                match n {
                    'b' | 'B' | '<' | '>' => {
                        if n == 'b' && chars.get(i) == Some(&'{') {
                            while let Some(&x) = chars.get(i) {
                                i += 1;
                                if x == '}' {
                                    break;
                                }
                            }
                        }
                        out.push_str("(?:)");
                        changed = true;
                    }
                    'w' => {
                        out.push_str("\\S");
                        changed = true;
                    }
                    'p' => {
                        let (name, next) = property_name(&chars, i);
                        if NO_SPACE_PROPERTIES.contains(&name.as_str()) {
                            out.push_str("\\S");
                            changed = true;
                        } else {
                            out.extend(&chars[i - 2..next]);
                        }
                        i = next;
                    }
                    _ => {
                        out.push(c);
                        out.push(n);
                    }
                }
            }
            '[' => {
                let end = class_end(&chars, i);
                let class: String = chars[i..end].iter().collect();
                match widen_class(&class) {
                    Some(w) => {
                        out.push_str(w);
                        changed = true;
                    }
                    None => out.push_str(&class),
                }
                i = end;
            }
            '{' => match unbounded(&chars, i) {
                Some((min, end)) => {
                    out.push_str(&format!("{{{min},}}"));
                    changed = true;
                    i = end;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            },
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    (out, changed)
}

/// For a bounded repetition `{m,n}` at `start`, its minimum `m` and the index after it (the prefilter
/// drops the bound: `{m,}` matches a superset and compiles to a fraction of the states).
fn unbounded(chars: &[char], start: usize) -> Option<(String, usize)> {
    let digits = |from: usize| {
        chars
            .get(from..)
            .map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count())
    };
    let m = digits(start + 1);
    let comma = start + 1 + m;
    let n = digits(comma + 1);
    let close = comma + 1 + n;
    if m == 0 || n == 0 || chars.get(comma) != Some(&',') || chars.get(close) != Some(&'}') {
        return None;
    }
    Some((chars.get(start + 1..comma)?.iter().collect(), close + 1))
}

/// The property name after `\p` at `i` (`{Lu}` or one letter) and the index after it.
fn property_name(chars: &[char], i: usize) -> (String, usize) {
    if chars.get(i) == Some(&'{') {
        let mut j = i + 1;
        let mut name = String::new();
        while let Some(&x) = chars.get(j) {
            j += 1;
            if x == '}' {
                break;
            }
            name.push(x);
        }
        (name, j)
    } else {
        (
            chars.get(i).map(|c| c.to_string()).unwrap_or_default(),
            (i + 1).min(chars.len()),
        )
    }
}

/// The index just after the class opening at `start` (`[`), nested classes and escapes included.
fn class_end(chars: &[char], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    // Just after `[` or `[^`: a `]` there is a literal.
    let mut at_start = false;
    while let Some(&c) = chars.get(i) {
        let first = std::mem::take(&mut at_start);
        match c {
            '\\' => i += 1,
            '[' => {
                depth += 1;
                at_start = true;
                if chars.get(i + 1) == Some(&'^') {
                    i += 1;
                }
            }
            ']' if !first => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    chars.len()
}

/// The replacement for one whole class (`[...]`), `None` to keep it.
fn widen_class(class: &str) -> Option<&'static str> {
    let body = class.strip_prefix('[')?.strip_suffix(']')?;
    if body.starts_with('^') || ["&&", "--", "~~", "[:"].iter().any(|op| body.contains(op)) {
        return None;
    }
    let chars: Vec<char> = body.chars().collect();
    let mut large = false;
    let mut no_space = true;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        i += 1;
        if c == '[' {
            // A nested class: members unknown here; widen to anything.
            no_space = false;
            continue;
        }
        if c != '\\' {
            no_space &= !c.is_whitespace();
            continue;
        }
        let Some(&n) = chars.get(i) else { break };
        i += 1;
        match n {
            'p' => {
                let (name, next) = property_name(&chars, i);
                i = next;
                large = true;
                no_space &= NO_SPACE_PROPERTIES.contains(&name.as_str());
            }
            'P' => {
                let (_, next) = property_name(&chars, i);
                i = next;
                large = true;
                no_space = false;
            }
            'w' => large = true,
            // Escaped punctuation is itself; any other escape (\s, \n, \x.., \u{..}, ...) may be space.
            _ if n.is_ascii_punctuation() => {}
            _ => no_space = false,
        }
    }
    large.then_some(if no_space { "\\S" } else { "(?s:.)" })
}

mod lead;
#[cfg(test)]
mod tests;

/// A literal gate for a list of patterns: for each pattern, a set of literals one of which every match
/// must contain (found from the pattern's syntax tree, see [`required_literals`]), searched for all
/// patterns at once with one Aho–Corasick DFA (ASCII case-insensitive, [`LiteralDfa`]). A pattern whose
/// gate literals are all absent from a haystack cannot match it and is skipped without running any regex.
/// A literal of a pattern that never folds case must occur with its exact case ("AP" does not open on
/// "happen"). Patterns without such literals are always candidates. Exact: the gate only skips impossible
/// matches.
#[derive(Debug, Clone)]
pub struct Gate {
    /// The literals' DFA, `None` when it could not be built (every pattern is then a candidate).
    automaton: Option<LiteralDfa>,
    /// For every literal (an automaton pattern), the gated patterns it opens.
    owners: Vec<Vec<Owner>>,
    /// Length in bytes of every literal.
    lens: Vec<usize>,
    /// Patterns that are always candidates.
    open: Vec<bool>,
    /// Number of patterns that are not always candidates: a scan stops when it has opened them all.
    gated: usize,
}

/// The Aho–Corasick DFA of a gate's literals (lower case; ASCII letters of a haystack fold to it), built
/// here rather than by the `aho-corasick` crate: a byte steps it with one column lookup and one bounds
/// check, which also tells the states where a literal ends (they come after all others), and its rows are
/// as wide as the literals have distinct bytes, so fewer cache lines hold the states a scan visits. It
/// also builds several times faster (the shared paragraph gate: 10.7 -> 2.3 M instructions). A test
/// compares its matches with the crate's.
#[derive(Debug, Clone)]
struct LiteralDfa {
    /// Column of every byte: one per distinct byte of the literals (an upper-case ASCII letter shares
    /// its lower case's), and column 0 for every byte no literal holds.
    columns: [u8; 256],
    /// One row of `stride` next states per state; a state is the index of its row's first entry. The
    /// states where a literal ends ("match states") come last, from `first_match` on.
    trans: Table,
    stride: usize,
    first_match: usize,
    /// The state before any byte.
    start: usize,
    /// For every match state, in order, the literals (indices) that end there.
    matches: Vec<Box<[u32]>>,
}

/// A [`LiteralDfa`]'s transitions: in 16 bits when every state offset fits them (half the cache lines
/// of 32-bit entries: the shared paragraph gate's table is 90 KB instead of 180 KB).
#[derive(Debug, Clone)]
enum Table {
    Narrow(Vec<u16>),
    Wide(Vec<u32>),
}

/// An entry of a [`Table`]: a state offset.
trait Entry: Copy {
    fn offset(self) -> usize;
}

impl Entry for u16 {
    #[inline(always)]
    fn offset(self) -> usize {
        usize::from(self)
    }
}

impl Entry for u32 {
    #[inline(always)]
    fn offset(self) -> usize {
        self as usize
    }
}

impl Table {
    /// The entries of `trans` in 16 bits when they all fit.
    fn new(trans: Vec<u32>) -> Self {
        match trans.iter().map(|&t| u16::try_from(t)).collect() {
            Ok(narrow) => Table::Narrow(narrow),
            Err(_) => Table::Wide(trans),
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        match self {
            Table::Narrow(t) => t.len(),
            Table::Wide(t) => t.len(),
        }
    }

    /// Entry `k`.
    #[inline]
    fn get(&self, k: usize) -> Option<usize> {
        match self {
            Table::Narrow(t) => t.get(k).map(|&n| n.offset()),
            Table::Wide(t) => t.get(k).map(|&n| n.offset()),
        }
    }
}

impl LiteralDfa {
    /// The DFA of `literals` (lower case), `None` when its states do not fit `u32` offsets.
    fn new(literals: &[String]) -> Option<Self> {
        let mut columns = [0u8; 256];
        let mut stride = 1usize;
        for l in literals {
            for b in l.bytes().map(|b| b.to_ascii_lowercase()) {
                let col = columns.get_mut(usize::from(b))?;
                if *col == 0 {
                    *col = u8::try_from(stride).ok()?;
                    stride += 1;
                }
            }
        }
        for b in b'A'..=b'Z' {
            columns[usize::from(b)] = columns[usize::from(b.to_ascii_lowercase())];
        }
        // The trie: row entries are child states (0, the root, for none yet).
        let mut rows: Vec<u32> = vec![0; stride];
        let mut parent: Vec<u32> = vec![u32::MAX];
        let mut ends: Vec<Vec<u32>> = vec![Vec::new()];
        for (k, l) in literals.iter().enumerate() {
            let mut s = 0usize;
            for b in l.bytes() {
                let slot = s * stride + usize::from(columns[usize::from(b)]);
                let t = *rows.get(slot)? as usize;
                s = if t != 0 {
                    t
                } else {
                    let t = parent.len();
                    *rows.get_mut(slot)? = u32::try_from(t).ok()?;
                    rows.resize(rows.len() + stride, 0);
                    parent.push(u32::try_from(s).ok()?);
                    ends.push(Vec::new());
                    t
                };
            }
            ends.get_mut(s)?.push(u32::try_from(k).ok()?);
        }
        // Breadth first, so that a state's failure state (a shorter suffix) is complete before it: a
        // missing transition is the failure state's, and a state ends the literals its failure state ends.
        let n = parent.len();
        u32::try_from(n.checked_mul(stride)?).ok()?;
        let mut fail = vec![0u32; n];
        let mut queue: Vec<u32> = Vec::with_capacity(n);
        queue.push(0);
        let mut head = 0;
        while let Some(&s) = queue.get(head) {
            head += 1;
            let s = s as usize;
            let f = *fail.get(s)? as usize;
            for c in 0..stride {
                let t = *rows.get(s * stride + c)? as usize;
                let by_fail = if s == 0 {
                    0
                } else {
                    *rows.get(f * stride + c)?
                };
                if t != 0 && parent.get(t).is_some_and(|&p| p as usize == s) {
                    *fail.get_mut(t)? = by_fail;
                    let inherited = ends.get(by_fail as usize)?.clone();
                    ends.get_mut(t)?.extend(inherited);
                    queue.push(u32::try_from(t).ok()?);
                } else {
                    *rows.get_mut(s * stride + c)? = by_fail;
                }
            }
        }
        // Match states last; states become row offsets.
        let mut order: Vec<usize> = (0..n).filter(|&s| ends[s].is_empty()).collect();
        let plain = order.len();
        order.extend((0..n).filter(|&s| !ends[s].is_empty()));
        let mut id = vec![0u32; n];
        for (k, &s) in order.iter().enumerate() {
            *id.get_mut(s)? = u32::try_from(k * stride).ok()?;
        }
        let mut trans = Vec::with_capacity(n * stride);
        for &s in &order {
            let row = rows.get(s * stride..(s + 1) * stride)?;
            trans.extend(row.iter().map(|&t| id[t as usize]));
        }
        let matches = (order.get(plain..)?.iter())
            .map(|&s| std::mem::take(&mut ends[s]).into_boxed_slice())
            .collect();
        Some(LiteralDfa {
            columns,
            trans: Table::new(trans),
            stride,
            first_match: plain * stride,
            start: id[0] as usize,
            matches,
        })
    }

    /// Steps state `s` by the bytes of `bytes` from `i` on until the haystack ends or the state to step
    /// from is a match state, and returns where it stopped and the state there. Match states are rare:
    /// one bounds check on the other states' rows both steps and finds them, and this loop keeps nothing
    /// else in registers.
    #[inline(never)]
    fn run(&self, s: usize, bytes: &[u8], i: usize) -> (usize, usize) {
        match &self.trans {
            Table::Narrow(t) => self.run_in(t, s, bytes, i),
            Table::Wide(t) => self.run_in(t, s, bytes, i),
        }
    }

    /// [`LiteralDfa::run`] over the entries `trans`.
    #[inline(always)]
    fn run_in<E: Entry>(
        &self,
        trans: &[E],
        mut s: usize,
        bytes: &[u8],
        mut i: usize,
    ) -> (usize, usize) {
        let plain = trans.get(..self.first_match).unwrap_or_default();
        let col = |b: u8| usize::from(self.columns[usize::from(b)]);
        let mut chunks = bytes.get(i..).unwrap_or_default().chunks_exact(4);
        for chunk in &mut chunks {
            let &[b0, b1, b2, b3] = chunk else { break };
            let Some(&n) = plain.get(s + col(b0)) else {
                return (i, s);
            };
            s = n.offset();
            let Some(&n) = plain.get(s + col(b1)) else {
                return (i + 1, s);
            };
            s = n.offset();
            let Some(&n) = plain.get(s + col(b2)) else {
                return (i + 2, s);
            };
            s = n.offset();
            let Some(&n) = plain.get(s + col(b3)) else {
                return (i + 3, s);
            };
            s = n.offset();
            i += 4;
        }
        for &b in chunks.remainder() {
            let Some(&n) = plain.get(s + col(b)) else {
                return (i, s);
            };
            s = n.offset();
            i += 1;
        }
        (i, s)
    }

    /// The literals that end at match state `s` (none for another state).
    fn ends_at(&self, s: usize) -> &[u32] {
        let k = s.checked_sub(self.first_match).map(|o| o / self.stride);
        k.and_then(|k| self.matches.get(k)).map_or(&[], |m| &m[..])
    }
}

/// A gated pattern a literal opens, and the literal's exact bytes when the pattern never folds case.
#[derive(Debug, Clone)]
struct Owner {
    pattern: usize,
    exact: Option<Box<[u8]>>,
}

/// Most literals kept for one pattern: a larger set gates too little to be worth it.
const GATE_MAX_LITERALS: usize = 64;

/// What `(?i)` also matches as a `k` or an `s`: the Kelvin sign and the long s.
const FOLDS_KS: [&str; 2] = ["\u{212A}", "\u{17F}"];

impl Gate {
    /// A gate for `sources` (regex sources as compiled, flags inline).
    pub fn new(sources: &[&str]) -> Self {
        let sets: Vec<GateLiterals> = sources.iter().map(|s| gate_literals(s)).collect();
        Self::from_literals(&sets)
    }

    /// A gate for patterns given by their [`gate_literals`]: for callers that gate the same patterns in
    /// several gates and so read each pattern's literals once.
    pub fn from_literals(sets: &[GateLiterals]) -> Self {
        let mut literals: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<Owner>> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = Default::default();
        let mut open = vec![true; sets.len()];
        // Patterns with a literal that holds a `k` or an `s` that may fold.
        let mut folds_ks: Vec<usize> = Vec::new();
        for (i, req) in sets.iter().enumerate() {
            let Some(req) = req else { continue };
            open[i] = false;
            if req.iter().any(|l| l.folds_ks) {
                folds_ks.push(i);
            }
            for l in req {
                let k = l.text.to_ascii_lowercase();
                let slot = *index.entry(k.clone()).or_insert_with(|| {
                    literals.push(k);
                    owners.push(Vec::new());
                    owners.len() - 1
                });
                if let Some(o) = owners.get_mut(slot) {
                    o.push(Owner {
                        pattern: i,
                        exact: l.exact.then(|| l.text.as_bytes().into()),
                    });
                }
            }
        }
        let gated = open.iter().filter(|&&o| !o).count();
        if !folds_ks.is_empty() {
            // Some literals came from a case-folded `k` or `s`: a haystack with the Kelvin sign or the
            // long s opens their patterns (the literals are non-ASCII, so no ASCII folding applies). A
            // pattern none of whose literals holds one needs one of them in ASCII whatever the haystack.
            for c in FOLDS_KS {
                literals.push(c.to_string());
                owners.push(
                    folds_ks
                        .iter()
                        .map(|&pattern| Owner {
                            pattern,
                            exact: None,
                        })
                        .collect(),
                );
            }
        }
        let automaton = LiteralDfa::new(&literals);
        let gated = if automaton.is_none() {
            open.iter_mut().for_each(|o| *o = true);
            0
        } else {
            gated
        };
        Gate {
            automaton,
            lens: literals.iter().map(String::len).collect(),
            owners,
            open,
            gated,
        }
    }

    /// Number of patterns.
    pub fn len(&self) -> usize {
        self.open.len()
    }

    /// Whether the gate has no patterns.
    pub fn is_empty(&self) -> bool {
        self.open.is_empty()
    }

    /// Marks in `out` (resized to the number of patterns) the patterns that may match `hay`.
    pub fn candidates(&self, hay: &str, out: &mut Vec<bool>) {
        out.clear();
        self.push_candidates(hay, out);
    }

    /// Appends to `out` one mark per pattern: whether it may match `hay` (a row of a table of
    /// candidates of several haystacks, one after the other).
    pub fn push_candidates(&self, hay: &str, out: &mut Vec<bool>) {
        let base = out.len();
        out.extend_from_slice(&self.open);
        if let Some(row) = out.get_mut(base..) {
            self.scan(hay, row);
        }
    }

    /// Opens in `out` (the always-open marks) the gated patterns a literal of which `hay` holds.
    fn scan(&self, hay: &str, out: &mut [bool]) {
        let Some(dfa) = &self.automaton else { return };
        let mut closed = self.gated;
        if closed == 0 {
            return;
        }
        let bytes = hay.as_bytes();
        let (mut i, mut s) = (0, dfa.start);
        loop {
            (i, s) = dfa.run(s, bytes, i);
            // `s` is a match state (entered at byte `i - 1`) or the haystack has ended.
            if s >= dfa.first_match {
                if let Some(end) = i.checked_sub(1) {
                    if self.visit(dfa, s, bytes, end, out, &mut closed) {
                        return;
                    }
                }
            }
            let Some(&b) = bytes.get(i) else { return };
            let c = usize::from(dfa.columns[usize::from(b)]);
            s = dfa.trans.get(s + c).unwrap_or(dfa.start);
            i += 1;
        }
    }

    /// Opens in `out` the patterns of the literals that end at match state `s`, the state entered at byte
    /// `i` of `bytes`; a literal of a pattern that never folds case only when it is there in its exact
    /// case. True when every gated pattern is open (`closed` counts those still closed): the scan can stop.
    #[cold]
    #[inline(never)]
    fn visit(
        &self,
        dfa: &LiteralDfa,
        s: usize,
        bytes: &[u8],
        i: usize,
        out: &mut [bool],
        closed: &mut usize,
    ) -> bool {
        // A match state holds every literal that ends here.
        for &lit in dfa.ends_at(s) {
            let lit = lit as usize;
            let found = self
                .lens
                .get(lit)
                .and_then(|&n| (i + 1).checked_sub(n))
                .and_then(|s| bytes.get(s..=i));
            for o in self.owners.get(lit).into_iter().flatten() {
                if let Some(slot) = out.get_mut(o.pattern) {
                    if *slot || o.exact.as_deref().is_some_and(|e| found != Some(e)) {
                        continue;
                    }
                    *slot = true;
                    *closed -= 1;
                }
            }
        }
        *closed == 0
    }
}

/// The gate literals of one pattern ([`gate_literals`]): `None` when it is always a candidate.
pub type GateLiterals = Option<Vec<RequiredLiteral>>;

/// The literals a [`Gate`] checks for the regex source `src` (one of them is in every match), `None`
/// when the pattern has no usable set (it is then always a candidate).
pub fn gate_literals(src: &str) -> GateLiterals {
    let ast = regex_syntax::ast::parse::Parser::new().parse(src).ok()?;
    let mut req = required_literals(&ast)
        .filter(|req| !req.is_empty() && req.iter().all(|l| !l.text.is_empty()))?;
    if !folds_case(&ast) {
        // Case-sensitive throughout: every match holds one literal exactly as written.
        for l in &mut req {
            l.exact = true;
            l.folds_ks = false;
        }
    }
    Some(req)
}

/// Whether any part of `ast` may match case-insensitively: an `i` flag anywhere (set or cleared, to stay
/// on the safe side).
fn folds_case(ast: &regex_syntax::ast::Ast) -> bool {
    use regex_syntax::ast::{Ast, Flag, Flags, FlagsItemKind, GroupKind};
    let has_i = |f: &Flags| {
        f.items
            .iter()
            .any(|it| matches!(it.kind, FlagsItemKind::Flag(Flag::CaseInsensitive)))
    };
    match ast {
        Ast::Flags(f) => has_i(&f.flags),
        Ast::Group(g) => {
            matches!(&g.kind, GroupKind::NonCapturing(f) if has_i(f)) || folds_case(&g.ast)
        }
        Ast::Repetition(r) => folds_case(&r.ast),
        Ast::Alternation(a) => a.asts.iter().any(folds_case),
        Ast::Concat(c) => c.asts.iter().any(folds_case),
        _ => false,
    }
}

/// A literal every match must contain (compared ASCII case-insensitively, or exactly with `exact`) and
/// whether it holds a `k` or an `s` that may fold.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequiredLiteral {
    pub text: String,
    pub folds_ks: bool,
    /// The pattern never folds case: a match holds the literal exactly as written.
    pub exact: bool,
}

/// A set of literals one of which every match of the pattern `ast` contains, compared ASCII
/// case-insensitively, or `None` when the syntax gives none. Read from the syntax tree before translation
/// (cheap: no Unicode class tables), so it holds whatever the flags: a literal run stops at a non-ASCII
/// cased letter (`(?i)é` also matches `É`, which an ASCII case-insensitive search would miss), and a run
/// with `k` or `s` is flagged (`(?i)` also matches them as the Kelvin sign and the long s). Concatenations
/// keep their best part (longest shortest literal, then fewest literals); alternations and classes of
/// single characters need a set from every branch or member; a repetition needs at least one occurrence.
pub fn required_literals(ast: &regex_syntax::ast::Ast) -> Option<Vec<RequiredLiteral>> {
    use regex_syntax::ast::{Ast, ClassSet, ClassSetItem, RepetitionKind, RepetitionRange};
    let set = match ast {
        Ast::Literal(l) => vec![literal_of(&l.c.to_string())?],
        // A class of single characters ("[›»>|]") needs one of them.
        Ast::ClassBracketed(c) if !c.negated => {
            let items = match &c.kind {
                ClassSet::Item(ClassSetItem::Union(u)) => u.items.as_slice(),
                ClassSet::Item(item) => std::slice::from_ref(item),
                ClassSet::BinaryOp(_) => return None,
            };
            let mut all = Vec::new();
            for item in items {
                let ClassSetItem::Literal(l) = item else {
                    return None;
                };
                all.push(literal_of(&l.c.to_string())?);
            }
            all
        }
        Ast::Group(g) => required_literals(&g.ast)?,
        Ast::Repetition(r) => {
            let min = match &r.op.kind {
                RepetitionKind::OneOrMore => 1,
                RepetitionKind::Range(
                    RepetitionRange::Exactly(n)
                    | RepetitionRange::AtLeast(n)
                    | RepetitionRange::Bounded(n, _),
                ) => *n,
                _ => 0,
            };
            if min == 0 {
                return None;
            }
            required_literals(&r.ast)?
        }
        Ast::Alternation(alt) => {
            let mut all = Vec::new();
            for a in &alt.asts {
                all.extend(required_literals(a)?);
                if all.len() > GATE_MAX_LITERALS {
                    return None;
                }
            }
            all
        }
        Ast::Concat(cat) => {
            let mut best: Option<Vec<RequiredLiteral>> = None;
            let mut consider = |cand: Vec<RequiredLiteral>| {
                let score = |s: &[RequiredLiteral]| {
                    let shortest = s.iter().map(|l| l.text.len()).min().unwrap_or(0);
                    (shortest.min(8), std::cmp::Reverse(s.len()))
                };
                if best.as_ref().is_none_or(|b| score(&cand) > score(b)) {
                    best = Some(cand);
                }
            };
            // Runs of literal characters ("Getty Images") make one literal; inline flags are invisible.
            let mut run = String::new();
            for item in &cat.asts {
                match item {
                    Ast::Literal(l) if literal_of(&l.c.to_string()).is_some() => run.push(l.c),
                    Ast::Flags(_) => {}
                    _ => {
                        if let Some(lit) = literal_of(&std::mem::take(&mut run)) {
                            consider(vec![lit]);
                        }
                        if let Some(sub) = required_literals(item) {
                            consider(sub);
                        }
                    }
                }
            }
            if let Some(lit) = literal_of(&run) {
                consider(vec![lit]);
            }
            best?
        }
        _ => return None,
    };
    (set.len() <= GATE_MAX_LITERALS).then_some(set)
}

/// A gate literal for `text`: `None` when empty or when it holds a non-ASCII letter with case forms.
fn literal_of(text: &str) -> Option<RequiredLiteral> {
    if text.is_empty()
        || text
            .chars()
            .any(|c| !c.is_ascii() && (c.to_lowercase().ne(c.to_uppercase())))
    {
        return None;
    }
    Some(RequiredLiteral {
        text: text.to_string(),
        folds_ks: text.contains(['k', 's', 'K', 'S']),
        exact: false,
    })
}
