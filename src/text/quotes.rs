//! Quotation spans.
//!
//! Marks: double `"` “ ” „ ‟ « » 「 」 and single `'` ‘ ’ ‚ ‛ ‹ › 『 』. Each mark gets a role from its
//! neighbours (whitespace, brackets and punctuation — no language data):
//! * it **can open** when the next character is not whitespace and the previous one is whitespace, the
//!   paragraph start or opening punctuation; it **can close** when the previous character is not whitespace
//!   and the next one is whitespace, the paragraph end or closing punctuation;
//! * exactly one of the two decides the role; otherwise the glyph does (“ „ « ‘ ‚ open, ” » ’ close), and a
//!   straight `"` alternates (it closes when a double quotation is open, else opens). So German „…“,
//!   Swedish ”…”, French « … » and Danish »…« all pair up.
//! * Apostrophes: a single mark between two letters/digits ("don’t", "Peskov’s", "5'11") or before a digit
//!   after a non-letter ("'90s") is never a quotation mark. A single opener is only tentative: it becomes a
//!   quotation when a closing single mark follows in the same paragraph (at word end) while it is the
//!   innermost open quotation, and the quoted text has at least two characters ("rock 'n' roll" is not a
//!   quotation). A closing single mark with no single opener on top is an apostrophe ("students'").
//!
//! Pairing uses a stack (linear time; every mark is pushed and popped at most once):
//! * a double closer closes the innermost open double quotation; tentative singles above it are dropped.
//!   A closer with nothing to close is ignored;
//! * a double opener while a double quotation is open nests when enough potential double closers remain in
//!   the paragraph to close them all; otherwise the open quotation(s) were left unclosed: they end, with
//!   `closed = false`, just before the new mark (trailing whitespace trimmed);
//! * at the end of a paragraph, open quotations end there with `closed = false` (tentative singles are
//!   dropped) — **unless** the next paragraph (of the same region) starts with an opening mark of the same
//!   family as the outermost open quotation: the news convention for a quotation running over several
//!   paragraphs. That quotation then continues; the continuation mark is consumed and the result is **one
//!   spanning `Quote`** from the first opening mark to the final closing mark (`paragraph` = the paragraph it
//!   starts in). Inner quotations still open at the paragraph end stop there. Each continued paragraph needs
//!   its own opening mark, so an unclosed mark never swallows the rest of the article.
//!
//! `depth` is the number of quotations enclosing a quotation, computed at the end from the (properly
//! nested) spans; quotes are sorted by `start`.

use super::chars::{is_close_context, is_open_context, is_space};
use super::{Paragraph, Quote};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Family {
    Double,
    Single,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Glyph {
    Open,
    Close,
    Straight,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    Open,
    Close,
    /// Straight mark whose context does not decide.
    Either,
    Apostrophe,
}

fn mark(c: char) -> Option<(Family, Glyph)> {
    use Family::*;
    Some(match c {
        '"' => (Double, Glyph::Straight),
        '“' | '„' | '‟' | '«' | '「' => (Double, Glyph::Open),
        '”' | '»' | '」' => (Double, Glyph::Close),
        '\'' => (Single, Glyph::Straight),
        '‘' | '‚' | '‛' | '‹' | '『' => (Single, Glyph::Open),
        '’' | '›' | '』' => (Single, Glyph::Close),
        _ => return None,
    })
}

fn role(c: char, fam: Family, glyph: Glyph, prev: Option<char>, next: Option<char>) -> Role {
    let p_alnum = prev.is_some_and(char::is_alphanumeric);
    if fam == Family::Single && matches!(c, '\'' | '’' | '‘' | '‛') {
        if p_alnum && next.is_some_and(char::is_alphanumeric) {
            return Role::Apostrophe;
        }
        if !p_alnum && next.is_some_and(char::is_numeric) {
            return Role::Apostrophe;
        }
    }
    let p_space = prev.map_or(true, is_space);
    let n_space = next.map_or(true, is_space);
    let can_open = !n_space && (p_space || prev.is_some_and(is_open_context));
    let can_close = !p_space && (n_space || next.is_some_and(is_close_context));
    match (can_open, can_close) {
        (true, false) => Role::Open,
        (false, true) => Role::Close,
        _ => match glyph {
            Glyph::Open => Role::Open,
            Glyph::Close => Role::Close,
            Glyph::Straight => Role::Either,
        },
    }
}

/// Calls `f(byte offset in para, char, family, role)` for every quotation mark of `para`.
fn for_each_mark(para: &str, mut f: impl FnMut(usize, char, Family, Role)) {
    let mut prev: Option<char> = None;
    let mut it = para.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if let Some((fam, glyph)) = mark(c) {
            let next = it.peek().map(|&(_, d)| d);
            f(i, c, fam, role(c, fam, glyph, prev, next));
        }
        prev = Some(c);
    }
}

#[derive(Debug, Clone, Copy)]
struct OpenQuote {
    start: usize,
    inner: usize,
    fam: Family,
    /// Single openers until they are confirmed (closed, or continued over paragraphs).
    tentative: bool,
    straight: bool,
    para: usize,
}

struct Scanner<'a> {
    text: &'a str,
    stack: Vec<OpenQuote>,
    /// Number of double quotations on the stack.
    doubles: usize,
    out: Vec<Quote>,
}

impl Scanner<'_> {
    fn pop(&mut self) -> Option<OpenQuote> {
        let q = self.stack.pop()?;
        if q.fam == Family::Double {
            self.doubles = self.doubles.saturating_sub(1);
        }
        Some(q)
    }

    fn push(&mut self, q: OpenQuote) {
        if q.fam == Family::Double {
            self.doubles += 1;
        }
        self.stack.push(q);
    }

    fn emit(&mut self, q: OpenQuote, inner_end: usize, end: usize, closed: bool) {
        if !closed && q.tentative {
            return;
        }
        let inner_end = inner_end.max(q.inner);
        self.out.push(Quote {
            start: q.start,
            end: end.max(inner_end),
            inner_start: q.inner,
            inner_end,
            depth: 0,
            closed,
            paragraph: q.para,
        });
    }

    /// End of the text before `pos` with trailing whitespace removed (not before `from`).
    fn trimmed_end(&self, from: usize, pos: usize) -> usize {
        self.text
            .get(from..pos)
            .map_or(from, |s| from + s.trim_end_matches(is_space).len())
    }

    fn open_double(&mut self, q: OpenQuote, remaining_closers: usize) {
        while self.doubles > 0 && remaining_closers < self.doubles + 1 {
            let Some(o) = self.pop() else { break };
            let end = self.trimmed_end(o.inner, q.start);
            self.emit(o, end, end, false);
        }
        self.push(q);
    }

    fn close_double(&mut self, pos: usize, len: usize) {
        if self.doubles == 0 {
            return;
        }
        while let Some(o) = self.pop() {
            if o.fam == Family::Double {
                self.emit(o, pos, pos + len, true);
                break;
            }
            let end = self.trimmed_end(o.inner, pos);
            self.emit(o, end, end, false);
        }
    }

    fn close_single(&mut self, pos: usize, len: usize) {
        let Some(top) = self.stack.last().copied() else {
            return;
        };
        if top.fam != Family::Single {
            return;
        }
        self.pop();
        let long_enough = self
            .text
            .get(top.inner..pos)
            .is_some_and(|s| s.chars().nth(1).is_some());
        if long_enough {
            self.emit(top, pos, pos + len, true);
        }
    }

    fn scan(&mut self, pi: usize, base: usize, para: &str, skip: Option<usize>) {
        let mut total = 0usize;
        for_each_mark(para, |_, _, fam, r| {
            if fam == Family::Double && matches!(r, Role::Close | Role::Either) {
                total += 1;
            }
        });
        let mut seen = 0usize;
        let mut prev: Option<char> = None;
        let mut it = para.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            let Some((fam, glyph)) = mark(c) else {
                prev = Some(c);
                continue;
            };
            let next = it.peek().map(|&(_, d)| d);
            let r = role(c, fam, glyph, prev, next);
            prev = Some(c);
            if fam == Family::Double && matches!(r, Role::Close | Role::Either) {
                seen += 1;
            }
            let pos = base + i;
            if Some(pos) == skip {
                continue;
            }
            let len = c.len_utf8();
            let q = OpenQuote {
                start: pos,
                inner: pos + len,
                fam,
                tentative: fam == Family::Single,
                straight: matches!(c, '"' | '\''),
                para: pi,
            };
            let remaining = total.saturating_sub(seen);
            match (fam, r) {
                (_, Role::Apostrophe) => {}
                (Family::Double, Role::Open) => self.open_double(q, remaining),
                (Family::Double, Role::Close) => self.close_double(pos, len),
                (Family::Double, Role::Either) => {
                    if self.doubles > 0 {
                        self.close_double(pos, len)
                    } else {
                        self.open_double(q, remaining)
                    }
                }
                (Family::Single, Role::Open) => self.push(q),
                (Family::Single, Role::Close | Role::Either) => self.close_single(pos, len),
            }
        }
    }

    /// Ends the paragraph at `end`; keeps the outermost quotation open when it continues.
    fn end_paragraph(&mut self, end: usize, keep_outermost: bool) {
        let keep = usize::from(keep_outermost);
        while self.stack.len() > keep {
            let Some(o) = self.pop() else { break };
            self.emit(o, end, end, false);
        }
        if let Some(b) = self.stack.first_mut() {
            b.tentative = false;
        }
    }
}

/// Position of the first character of paragraph `p` when it is an opening mark of family `fam`.
fn continuation_mark(text: &str, p: &Paragraph, fam: Family) -> Option<usize> {
    let para = text.get(p.start..p.end)?;
    let mut cs = para.chars();
    let c = cs.next()?;
    let (f, g) = mark(c)?;
    (f == fam && role(c, f, g, None, cs.next()) == Role::Open).then_some(p.start)
}

/// All quotations of the paragraphs, sorted by start, with depths.
pub(crate) fn find_quotes(text: &str, paragraphs: &[Paragraph]) -> Vec<Quote> {
    let mut sc = Scanner {
        text,
        stack: Vec::new(),
        doubles: 0,
        out: Vec::new(),
    };
    let mut skip = None;
    for (pi, p) in paragraphs.iter().enumerate() {
        let Some(para) = text.get(p.start..p.end) else {
            continue;
        };
        sc.scan(pi, p.start, para, skip.take());
        let next = paragraphs.get(pi + 1).filter(|n| n.region == p.region);
        let cont = match (sc.stack.first(), next) {
            (Some(b), Some(n)) if b.fam == Family::Double || !b.straight => {
                continuation_mark(text, n, b.fam)
            }
            _ => None,
        };
        sc.end_paragraph(p.end, cont.is_some());
        skip = cont;
    }
    let mut out = sc.out;
    out.sort_by_key(|q| (q.start, std::cmp::Reverse(q.end)));
    let mut enclosing: Vec<usize> = Vec::new();
    for q in &mut out {
        while enclosing.last().is_some_and(|&e| e <= q.start) {
            enclosing.pop();
        }
        q.depth = u8::try_from(enclosing.len()).unwrap_or(u8::MAX);
        enclosing.push(q.end);
    }
    out
}
