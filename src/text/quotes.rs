//! Quotation spans.
//!
//! Marks: double `"` “ ” „ ‟ « » 「 」 and single `'` ‘ ’ ‚ ‛ ‹ › 『 』. Each mark gets a role from its
//! neighbours (whitespace, brackets and punctuation — no language data):
//! * it **can open** when the next character is not whitespace and the previous one is whitespace, the
//!   paragraph start or opening punctuation; it **can close** when the previous character is not whitespace
//!   and the next one is whitespace, the paragraph end or closing punctuation;
//! * exactly one of the two decides the role; otherwise the glyph does (“ „ « ‘ ‚ open, ” » ’ close), and a
//!   straight `"` alternates (it closes when a double quotation is open, else opens). So German „…“,
//!   Swedish ”…”, French « … » and Danish »…« all pair up. Two straight apostrophes in a row (`''`, the
//!   typewriter spelling of `"`) are one double mark.
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
//! * **soft line breaks** (corpora with one sentence per line, such as PTC): when a double quotation is open
//!   at the end of a line, the next line does not start with an opening mark, and within the next
//!   [`MAX_SOFT_LINES`] lines — each separated from the previous by a single line break (no blank line), in the
//!   same region — the first double mark is a closing mark (the lines before it have none), the quotation
//!   goes on into those lines as if they were one paragraph;
//! * at the end of a paragraph, open quotations end there with `closed = false` (tentative singles are
//!   dropped) — **unless** the next paragraph (of the same region) starts with an opening mark of the same
//!   family as the outermost open quotation: the news convention for a quotation running over several
//!   paragraphs. That quotation then continues; the continuation mark is consumed and the result is **one
//!   spanning `Quote`** from the first opening mark to the final closing mark (`paragraph` = the paragraph it
//!   starts in). Inner quotations still open at the paragraph end stop there. Each continued paragraph needs
//!   its own opening mark, so an unclosed mark never swallows the rest of the article.
//!
//! Marks with only whitespace between them (`""`, `“ ”`) pair up but produce no `Quote`.
//!
//! `depth` is the number of quotations enclosing a quotation, computed at the end from the (properly
//! nested) spans; quotes are sorted by `start`.

use super::chars::{is_close_context, is_open_context, is_space};
use super::regions::line_breaks;
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

const fn mark(c: char) -> Option<(Family, Glyph)> {
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

/// Quotation marks (both families, every glyph).
pub(crate) const fn is_mark(c: char) -> bool {
    mark(c).is_some()
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
    let p_space = prev.is_none_or(is_space);
    let n_space = next.is_none_or(is_space);
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

/// How many lines ahead a soft-wrapped quotation may find its closing mark.
pub const MAX_SOFT_LINES: usize = 8;

/// One quotation mark of a paragraph.
#[derive(Debug, Clone, Copy)]
struct Mark {
    /// Byte offset in the paragraph.
    pos: usize,
    /// Byte length (2 for a doubled straight apostrophe `''`).
    len: usize,
    fam: Family,
    role: Role,
    straight: bool,
}

/// Calls `f` for every quotation mark of `para` (which starts at byte `base` of the text), in order, until
/// it returns false. `marks` holds the text offsets of the quotation marks, in order (at least those of
/// `para`). Two straight apostrophes in a row (`''`, the typewriter spelling of `"`) are one double mark.
fn for_each_mark(para: &str, base: usize, marks: &[usize], mut f: impl FnMut(Mark) -> bool) {
    let first = marks.partition_point(|&m| m < base);
    let mut from = 0;
    for &m in marks.get(first..).unwrap_or_default() {
        let Some(i) = m.checked_sub(base).filter(|&i| i < para.len()) else {
            break;
        };
        if i < from {
            continue;
        }
        let Some((c, (mut fam, mut glyph))) = para
            .get(i..)
            .and_then(|r| r.chars().next())
            .and_then(|c| Some((c, mark(c)?)))
        else {
            break;
        };
        let mut len = c.len_utf8();
        if c == '\'' && para.as_bytes().get(i + 1) == Some(&b'\'') {
            len = 2;
            fam = Family::Double;
            glyph = Glyph::Straight;
        }
        // The neighbours: a doubled apostrophe is seen from both sides as its second and first half.
        let prev = para.get(..i).and_then(|s| s.chars().next_back());
        let next = para.get(i + len..).and_then(|s| s.chars().next());
        let role = if len == 2 {
            role('"', fam, glyph, prev, next)
        } else {
            role(c, fam, glyph, prev, next)
        };
        let keep_going = f(Mark {
            pos: i,
            len,
            fam,
            role,
            straight: matches!(c, '"' | '\''),
        });
        if !keep_going {
            return;
        }
        from = i + len;
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
    /// Offsets of the text's quotation marks ([`find_quotes`]).
    mark_pos: &'a [usize],
    stack: Vec<OpenQuote>,
    /// Number of double quotations on the stack.
    doubles: usize,
    out: Vec<Quote>,
    /// The marks of the paragraph being scanned (a buffer reused across paragraphs).
    marks: Vec<Mark>,
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
        // Marks with nothing but whitespace between them quote nothing.
        if self
            .text
            .get(q.inner..inner_end)
            .is_none_or(|s| s.chars().all(is_space))
        {
            return;
        }
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
    /// Ends `o` unclosed just before the mark at `pos` (tentative singles are dropped).
    fn abandon(&mut self, o: OpenQuote, pos: usize) {
        if !o.tentative {
            let end = self.trimmed_end(o.inner, pos);
            self.emit(o, end, end, false);
        }
    }

    fn trimmed_end(&self, from: usize, pos: usize) -> usize {
        self.text
            .get(from..pos)
            .map_or(from, |s| from + s.trim_end_matches(is_space).len())
    }

    fn open_double(&mut self, q: OpenQuote, remaining_closers: usize) {
        while self.doubles > 0 && remaining_closers < self.doubles + 1 {
            let Some(o) = self.pop() else { break };
            self.abandon(o, q.start);
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
            self.abandon(o, pos);
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
        let is_double_closer =
            |m: &Mark| m.fam == Family::Double && matches!(m.role, Role::Close | Role::Either);
        let mut marks = std::mem::take(&mut self.marks);
        marks.clear();
        for_each_mark(para, base, self.mark_pos, |m| {
            marks.push(m);
            true
        });
        let total = marks.iter().filter(|m| is_double_closer(m)).count();
        let mut seen = 0usize;
        for m in &marks {
            if is_double_closer(m) {
                seen += 1;
            }
            let pos = base + m.pos;
            if Some(pos) == skip {
                continue;
            }
            let q = OpenQuote {
                start: pos,
                inner: pos + m.len,
                fam: m.fam,
                tentative: m.fam == Family::Single,
                straight: m.straight,
                para: pi,
            };
            let remaining = total.saturating_sub(seen);
            match (m.fam, m.role) {
                (_, Role::Apostrophe) => {}
                (Family::Double, Role::Open) => self.open_double(q, remaining),
                (Family::Double, Role::Close) => self.close_double(pos, m.len),
                (Family::Double, Role::Either) => {
                    if self.doubles > 0 {
                        self.close_double(pos, m.len)
                    } else {
                        self.open_double(q, remaining)
                    }
                }
                (Family::Single, Role::Open) => self.push(q),
                (Family::Single, Role::Close | Role::Either) => self.close_single(pos, m.len),
            }
        }
        self.marks = marks;
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
fn continuation_mark(text: &str, marks: &[usize], p: &Paragraph, fam: Family) -> Option<usize> {
    let para = text.get(p.start..p.end)?;
    // The role of a mark at the start depends on at most the next two characters.
    let head = para
        .char_indices()
        .nth(3)
        .map_or(para, |(i, _)| para.get(..i).unwrap_or(para));
    let mut first = None;
    for_each_mark(head, p.start, marks, |m| {
        first = Some(m);
        false
    });
    first
        .filter(|m| m.pos == 0 && m.fam == fam && m.role == Role::Open)
        .map(|_| p.start)
}

/// True when, within [`MAX_SOFT_LINES`] lines after paragraph `pi` joined by single line breaks in the same
/// region, the first double quotation mark is a closing one.
fn closes_after_soft_breaks(
    text: &str,
    marks: &[usize],
    paragraphs: &[Paragraph],
    pi: usize,
) -> bool {
    let Some(region) = paragraphs.get(pi).map(|p| p.region) else {
        return false;
    };
    for k in pi + 1..=pi + MAX_SOFT_LINES {
        let (Some(prev), Some(p)) = (paragraphs.get(k - 1), paragraphs.get(k)) else {
            return false;
        };
        if p.region != region
            || text
                .get(prev.end..p.start)
                .is_none_or(|g| line_breaks(g) != 1)
        {
            return false;
        }
        let mut first = None;
        for_each_mark(
            text.get(p.start..p.end).unwrap_or(""),
            p.start,
            marks,
            |m| {
                if m.fam == Family::Double {
                    first = Some(m.role);
                }
                first.is_none()
            },
        );
        match first {
            None => continue,
            Some(r) => return matches!(r, Role::Close | Role::Either),
        }
    }
    false
}

/// All quotations of the paragraphs, sorted by start, with depths. `marks` holds the text offset of every
/// quotation mark in the paragraphs, in order.
pub(crate) fn find_quotes(text: &str, paragraphs: &[Paragraph], marks: &[usize]) -> Vec<Quote> {
    let mut sc = Scanner {
        text,
        mark_pos: marks,
        stack: Vec::new(),
        doubles: 0,
        out: Vec::new(),
        marks: Vec::new(),
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
                continuation_mark(text, marks, n, b.fam)
            }
            _ => None,
        };
        if cont.is_none() && sc.doubles > 0 && closes_after_soft_breaks(text, marks, paragraphs, pi)
        {
            // The quotation simply goes on into the next line.
            continue;
        }
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
