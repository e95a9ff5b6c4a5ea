//! Low-level scanning: word/punctuation tokens with byte offsets, quotation spans and sentence segments.
//! Everything here is linear in the text length and never slices off a char boundary.
//!
//! An article is tokenized once into one flat `Vec<Tok>`; segments are index ranges into it. Tokens borrow
//! their text (`bare`) from the document and their lower-cased form (`norm`) from the document's
//! ASCII-lower-cased copy when it is ASCII, else from one per-article buffer; `id` is `norm` interned in
//! the rules' vocabulary, so lexicon lookups compare integers and never hash strings twice.

use super::rules::{AttributionRules, Vocab};
use crate::text::{Region, TextModel};
use std::borrow::Cow;

/// A token of the attribution scanner: a word (letters/digits with internal `' ’ - . &`) or a single
/// punctuation character.
///
/// 48 bytes: the end offset is not stored but follows from `bare` and the length of the possessive after
/// it, so the article's token list (written once, read by every rule pass) spans fewer cache lines.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tok<'a> {
    pub start: usize,
    pub word: bool,
    pub possessive: bool,
    pub upper: bool,
    /// Bytes of the token after `bare`: the length of its possessive (0 when there is none).
    pub tail: u8,
    /// `norm` interned in the rules' vocabulary ([`Vocab::unknown`] when no lexicon uses the word).
    pub id: u32,
    /// Lower-cased text with a trailing possessive (`'s`, `’s`, `’`) removed and `’` folded to `'`.
    pub norm: &'a str,
    /// Original text with the possessive removed (for case-sensitive matching).
    pub bare: &'a str,
}

impl Tok<'_> {
    /// The byte offset just past the token (possessive included).
    #[inline]
    pub fn end(&self) -> usize {
        self.start + self.bare.len() + usize::from(self.tail)
    }

    pub fn is_punct(&self, c: char) -> bool {
        !self.word && self.bare.starts_with(c)
    }
}

/// `c.is_alphanumeric()`, quicker for ASCII and for the common typographic punctuation (dashes, curly
/// quotes, ellipsis: U+2010–U+2027).
#[inline]
pub(crate) fn is_alnum(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{2010}'..='\u{2027}').contains(&c) {
        false
    } else {
        c.is_alphanumeric()
    }
}

fn is_connector(c: char) -> bool {
    matches!(c, '\'' | '’' | '-' | '.' | '&')
}

#[inline]
fn char_at(s: &str, p: usize) -> Option<char> {
    match s.as_bytes().get(p) {
        Some(&b) if b < 0x80 => Some(b as char),
        Some(_) => s.get(p..).and_then(|r| r.chars().next()),
        None => None,
    }
}

/// Byte classes of the scanner's ASCII fast path: `a-z` and `0-9`, `A-Z`; 0 for every other byte.
const LOWER: u8 = 1;
const UPPER: u8 = 2;
/// Not a byte class: a word that needed more than the fast path (a connector, a non-ASCII letter).
const OTHER: u8 = 4;

static ASCII_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b.is_ascii_lowercase() || b.is_ascii_digit() {
            LOWER
        } else if b.is_ascii_uppercase() {
            UPPER
        } else {
            0
        };
        i += 1;
    }
    t
};

/// A token span of [`Spans`]: byte offsets into the scanned slice, the `word` flag, and for a word the
/// `ASCII_CLASS` of its first byte, plus `OTHER` when it needed more than the fast path (so a word
/// without `OTHER` is ASCII letters and digits: no connector, no possessive); 0 for punctuation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
    word: bool,
    class: u8,
}

/// The token spans of a slice, in order. An iterator rather than a callback, so that the caller's work
/// per token is inlined into one loop with the scanner.
struct Spans<'a> {
    slice: &'a str,
    /// The slice's ASCII-lower-cased copy: runs of ASCII letters and digits are read from it eight bytes
    /// at a time.
    lower: &'a [u8],
    p: usize,
}

/// The spans of `slice` (`lower`: its ASCII-lower-cased copy).
fn spans<'a>(slice: &'a str, lower: &'a str) -> Spans<'a> {
    Spans {
        slice,
        lower: lower.as_bytes(),
        p: 0,
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x80 * ONES;

/// How many of the eight bytes of `x` (little-endian), from the first, are ASCII lower-case letters or
/// digits (8 when all are). Each byte's high bit says whether it is in `a..=z` or `0..=9` (sums of 7-bit
/// values and constants below 0x81 carry into no other byte), so a run's end needs no branch per byte.
#[inline(always)]
fn lower_alnum_run(x: u64) -> usize {
    let x7 = x & !HIGH;
    let letter = (x7 + (0x80 - u64::from(b'a')) * ONES) & !(x7 + (0x7f - u64::from(b'z')) * ONES);
    let digit = (x7 + (0x80 - u64::from(b'0')) * ONES) & !(x7 + (0x7f - u64::from(b'9')) * ONES);
    let stop = !((letter | digit) & !x) & HIGH;
    (stop.trailing_zeros() / 8) as usize
}

impl Spans<'_> {
    /// The end of the run of ASCII letters and digits from `q`: eight bytes at a time of the lower-cased
    /// copy while eight remain, then byte by byte.
    #[inline(always)]
    fn ascii_run(&self, mut q: usize) -> usize {
        while let Some(l8) = self.lower.get(q..).and_then(<[u8]>::first_chunk::<8>) {
            let n = lower_alnum_run(u64::from_le_bytes(*l8));
            q += n;
            if n < 8 {
                return q;
            }
        }
        while self
            .slice
            .as_bytes()
            .get(q)
            .is_some_and(|&x| ASCII_CLASS[usize::from(x)] != 0)
        {
            q += 1;
        }
        q
    }
}

impl Iterator for Spans<'_> {
    type Item = Span;

    // Always inlined: a call per token costs more than the scanning of a short word.
    #[inline(always)]
    fn next(&mut self) -> Option<Span> {
        let slice = self.slice;
        let bytes = slice.as_bytes();
        let mut p = self.p;
        while p < bytes.len() {
            let b = bytes[p];
            // ASCII fast paths: spaces, plain words without connectors.
            if b == b' ' {
                p += 1;
                continue;
            }
            let Some(c) = char_at(slice, p) else {
                break;
            };
            let cl = c.len_utf8();
            let span = |end: usize, word: bool, class: u8| Span {
                start: p,
                end,
                word,
                class,
            };
            // (An ASCII byte is a letter or digit exactly when its class is not 0.)
            let first_class = ASCII_CLASS[usize::from(b)];
            let found = if first_class != 0 || (!c.is_ascii() && is_alnum(c)) {
                let mut q = p + cl;
                // The first byte's class, and `OTHER` once the word needs more than an ASCII run.
                let mut seen = if c.is_ascii() { first_class } else { OTHER };
                loop {
                    q = self.ascii_run(q);
                    // The word mostly ends at an ASCII byte that is not a connector (a space, a
                    // comma): no letter or digit follows it inside the word.
                    match bytes.get(q) {
                        None => break,
                        Some(&x) if x < 0x80 && !matches!(x, b'\'' | b'-' | b'.' | b'&') => break,
                        _ => {}
                    }
                    let Some(cj) = char_at(slice, q) else {
                        break;
                    };
                    if is_alnum(cj) {
                        q += cj.len_utf8();
                    } else if is_connector(cj) {
                        match char_at(slice, q + cj.len_utf8()) {
                            Some(ck) if is_alnum(ck) => q += cj.len_utf8() + ck.len_utf8(),
                            _ => break,
                        }
                    } else {
                        break;
                    }
                    seen |= OTHER;
                }
                span(q, true, seen)
            } else if c.is_whitespace() {
                p += cl;
                continue;
            } else if c == '\'' && bytes.get(p + 1) == Some(&b'\'') {
                // '' is a double quotation mark in some house styles (The New York Times archive).
                span(p + 2, false, 0)
            } else {
                span(p + cl, false, 0)
            };
            self.p = found.end;
            return Some(found);
        }
        self.p = p;
        None
    }
}

/// (bare, possessive) of a raw token.
fn strip_possessive(raw: &str, word: bool) -> (&str, bool) {
    // (Every suffix ends in `s` or `S`.)
    if word && matches!(raw.as_bytes().last(), Some(b's' | b'S')) {
        for suf in ["'s", "’s", "'S", "’S"] {
            if raw.len() > suf.len() && raw.ends_with(suf) {
                return (&raw[..raw.len() - suf.len()], true);
            }
        }
    }
    (raw, false)
}

/// Is `s` lower-case ASCII (then it is its own normalized form)?
#[inline]
fn is_lower_ascii(s: &str) -> bool {
    // One pass, no early exit: tokens are short.
    let (mut high, mut upper) = (0u8, false);
    for &b in s.as_bytes() {
        high |= b;
        upper |= b.is_ascii_uppercase();
    }
    high < 0x80 && !upper
}

/// Append the normalized form of `bare` to `buf`: `bare.to_lowercase().replace('’', "'")`, without the
/// two temporary strings.
fn push_normalized(buf: &mut Vec<u8>, bare: &str) {
    if bare.contains('Σ') {
        // A final capital sigma lower-cases by its context: leave it to `str::to_lowercase`.
        buf.extend_from_slice(bare.to_lowercase().replace('’', "'").as_bytes());
    } else {
        // Otherwise `str::to_lowercase` maps each char on its own, and no other char lower-cases to `’`.
        for c in bare.chars() {
            if c.is_ascii() {
                buf.push(c.to_ascii_lowercase() as u8);
            } else if c == '’' {
                buf.push(b'\'');
            } else {
                for l in c.to_lowercase() {
                    buf.extend_from_slice(l.encode_utf8(&mut [0; 4]).as_bytes());
                }
            }
        }
    }
}

/// `buf[s..]` as text (it only ever holds whole normalized forms).
fn text_from(buf: &[u8], s: usize) -> &str {
    buf.get(s..)
        .and_then(|b| std::str::from_utf8(b).ok())
        .unwrap_or("")
}

/// The normalized form of `bare`: borrowed when it already is lower-case ASCII.
fn normalize(bare: &str) -> Cow<'_, str> {
    if is_lower_ascii(bare) {
        Cow::Borrowed(bare)
    } else {
        Cow::Owned(bare.to_lowercase().replace('’', "'"))
    }
}

fn is_upper(bare: &str) -> bool {
    bare.chars().next().is_some_and(|c| c.is_uppercase())
}

/// A token of a lexicon phrase, with owned strings (used when compiling the lexicons).
#[derive(Debug, Clone)]
pub(crate) struct OwnedTok {
    pub bare: String,
    pub norm: String,
    pub upper: bool,
}

/// Tokenize a lexicon phrase.
pub(crate) fn tokenize_owned(phrase: &str) -> Vec<OwnedTok> {
    let mut out = Vec::new();
    let lower = phrase.to_ascii_lowercase();
    for t in spans(phrase, &lower) {
        let (bare, _) = strip_possessive(&phrase[t.start..t.end], t.word);
        out.push(OwnedTok {
            bare: bare.to_string(),
            norm: normalize(bare).into_owned(),
            upper: is_upper(bare),
        });
    }
    out
}

/// A token whose `norm` lives in the per-article buffer: (token index, buffer start, buffer end).
pub(crate) type Fixup = (usize, usize, usize);

/// The document text and its ASCII-lower-cased copy (same length, same char boundaries): the normalized
/// form of a word of ASCII text is its range of the copy, so only words with other chars (or a curly
/// apostrophe) need the buffer.
#[derive(Clone, Copy)]
pub(crate) struct Source<'t> {
    pub text: &'t str,
    pub lower: &'t str,
}

/// Tokens of one article under construction: `norm`s that are not slices of the text or of its
/// lower-cased copy are written to `buf` and patched in by [`Tokens::finish`] once the buffer no longer
/// grows.
pub(crate) struct Tokens<'t> {
    pub toks: Vec<Tok<'t>>,
    fixups: Vec<Fixup>,
}

impl<'t> Tokens<'t> {
    pub fn new() -> Self {
        Tokens {
            toks: Vec::new(),
            fixups: Vec::new(),
        }
    }

    /// Append the tokens of `src.text[start..end]` (both on char boundaries).
    pub fn push_range(
        &mut self,
        src: Source<'t>,
        start: usize,
        end: usize,
        vocab: &Vocab,
        buf: &mut Vec<u8>,
    ) {
        let (Some(slice), Some(lower)) = (src.text.get(start..end), src.lower.get(start..end))
        else {
            return;
        };
        for Span {
            start: b,
            end: e,
            word,
            class,
        } in spans(slice, lower)
        {
            let raw = &slice[b..e];
            // Spans are never empty; an empty one would have no token to push.
            if raw.is_empty() {
                continue;
            }
            let (bare, possessive, upper, norm, id) = if !word && e == b + 1 {
                // ASCII punctuation: its own normalized form.
                (raw, false, false, raw, vocab.ascii_id(raw))
            } else if word && class & OTHER == 0 {
                // ASCII letters and digits: no possessive, upper-case when its first letter is (the
                // class of such a word is its first byte's).
                let upper = class == UPPER;
                // (Its lower-cased copy whether or not it has capitals: no branch on the case.)
                let norm = lower.get(b..e).unwrap_or("");
                // `norm` has the bytes of this range of the lower-cased copy: the vocabulary reads them
                // there, with a load of 16 bytes and a mask (no branch on the word's length).
                let id = vocab.id_at(src.lower, start + b, e - b);
                (raw, false, upper, norm, id)
            } else {
                let (bare, possessive) = strip_possessive(raw, word);
                let (norm, id) = if bare.is_ascii() {
                    // (No curly apostrophe: lower-casing is all there is to it.)
                    let norm = lower.get(b..b + bare.len()).unwrap_or("");
                    (norm, vocab.id(norm))
                } else {
                    // Lower-case into the buffer (same result as `normalize`).
                    let s = buf.len();
                    push_normalized(buf, bare);
                    self.fixups.push((self.toks.len(), s, buf.len()));
                    ("", vocab.id(text_from(buf, s)))
                };
                (bare, possessive, is_upper(bare), norm, id)
            };
            self.toks.push(Tok {
                start: start + b,
                word,
                possessive,
                // (A possessive suffix is at most 4 bytes.)
                tail: (e - b - bare.len()) as u8,
                upper,
                id,
                norm,
                bare,
            });
        }
    }

    /// Drop the tokens from index `at` on.
    pub fn truncate(&mut self, at: usize) {
        self.toks.truncate(at);
        while self.fixups.last().is_some_and(|f| f.0 >= at) {
            self.fixups.pop();
        }
    }

    /// The tokens with every `norm` in place.
    pub fn finish<'b>(self, buf: &'b str) -> Vec<Tok<'b>>
    where
        't: 'b,
    {
        let mut toks: Vec<Tok<'b>> = self.toks;
        for (i, s, e) in self.fixups {
            toks[i].norm = buf.get(s..e).unwrap_or("");
        }
        toks
    }
}

/// Tokenize `text[start..end]` on its own (tests); `buf` holds the lower-cased forms.
#[cfg(test)]
pub(crate) fn tokenize<'b>(
    text: &'b str,
    start: usize,
    end: usize,
    vocab: &Vocab,
    buf: &'b mut Vec<u8>,
) -> Vec<Tok<'b>> {
    let mut t = Tokens::new();
    // (Tests only: the lower-cased copy is leaked so that it lives as long as the tokens.)
    let lower: &'b str = Box::leak(text.to_ascii_lowercase().into_boxed_str());
    t.push_range(Source { text, lower }, start, end, vocab, buf);
    let buf: &'b Vec<u8> = buf;
    t.finish(std::str::from_utf8(buf).unwrap_or(""))
}

/// Outermost quotation spans (byte ranges including the marks), sorted. Uses the text model's quotes when
/// it has any; otherwise pairs curly and straight double quotes within each paragraph (an unclosed quote
/// runs to its paragraph's end).
pub(crate) fn quote_spans(text: &str, model: &TextModel) -> Vec<(usize, usize)> {
    if !model.quotes.is_empty() {
        let mut v: Vec<(usize, usize)> = model
            .quotes
            .iter()
            .filter(|q| q.depth == 0)
            .map(|q| (q.start, q.end))
            .collect();
        v.sort_unstable();
        // Add '' … '' quotations the model does not know about.
        let extra: Vec<(usize, usize)> = double_apostrophe_quotes(text, model)
            .into_iter()
            .filter(|q| {
                let i = v.partition_point(|m| m.1 <= q.0);
                v.get(i).is_none_or(|m| m.0 >= q.1)
            })
            .collect();
        if !extra.is_empty() {
            v.extend(extra);
            v.sort_unstable();
        }
        return v;
    }
    own_quotes(text, model, false)
}

/// `own_quotes(text, model, true)`: the '' … '' quotations of each paragraph. Most texts have no `''` at
/// all: one search of the whole text (`str::contains` is vectorized; `str::find` is not) skips them;
/// inside a paragraph with one the marks pair up in the order of their non-overlapping matches, as the
/// char scan of [`own_quotes`] pairs them.
fn double_apostrophe_quotes(text: &str, model: &TextModel) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if !text.contains("''") {
        return out;
    }
    for p in &model.paragraphs {
        let Some(slice) = text.get(p.start..p.end) else {
            continue;
        };
        if !slice.contains("''") {
            continue;
        }
        // Leftmost non-overlapping `''` pairs, alternately opening and closing.
        let mut open = None;
        for (i, _) in slice.match_indices("''") {
            let b = p.start + i;
            match open {
                None => open = Some(b),
                Some(s) => {
                    out.push((s, b + 2));
                    open = None;
                }
            }
        }
        if let Some(s) = open {
            out.push((s, p.end));
        }
    }
    out
}

fn own_quotes(text: &str, model: &TextModel, only_double_apostrophe: bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for p in &model.paragraphs {
        let Some(slice) = text.get(p.start..p.end) else {
            continue;
        };
        if only_double_apostrophe && !slice.contains("''") {
            continue;
        }
        let mut open: Option<(usize, char)> = None;
        let mut skip_next = false;
        let mut it = slice.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            let b = p.start + i;
            if skip_next {
                skip_next = false;
                continue;
            }
            if c == '\'' && it.peek().is_some_and(|n| n.1 == '\'') {
                skip_next = true;
                match open {
                    None => open = Some((b, '\u{0}')),
                    Some((s, '\u{0}')) => {
                        out.push((s, b + 2));
                        open = None;
                    }
                    _ => {}
                }
                continue;
            }
            if only_double_apostrophe {
                continue;
            }
            match (open, c) {
                (None, '“') | (None, '"') | (None, '«') => open = Some((b, c)),
                (Some((s, '“')), '”') | (Some((s, '"')), '"') | (Some((s, '«')), '»') => {
                    out.push((s, b + c.len_utf8()));
                    open = None;
                }
                // A stray curly opening mark inside an open curly quote: treat as a new quote (the previous
                // one was left unclosed, as in multi-paragraph quotes).
                (Some((s, '“')), '“') => {
                    out.push((s, b));
                    open = Some((b, c));
                }
                _ => {}
            }
        }
        if let Some((s, _)) = open {
            out.push((s, p.end));
        }
    }
    out
}

/// Index of the quote span containing byte `pos` strictly inside, if any.
pub(crate) fn quote_containing(quotes: &[(usize, usize)], pos: usize) -> Option<usize> {
    let i = quotes.partition_point(|q| q.0 <= pos);
    if i == 0 {
        return None;
    }
    let q = quotes[i - 1];
    (q.0 < pos && pos < q.1).then_some(i - 1)
}

/// For each token, is it strictly inside a quotation ([`quote_containing`])? `quotes` is sorted by start.
/// The answer is constant over runs of token starts: from a start `pos`, up to the next quote's opening,
/// and within the current quote up to its end (a start equal to a quote's opening is not inside, so it
/// is a run of its own). Starts mostly increase, so each run's answer is found by one walk over the
/// quotes; a start before the previous one searches again.
fn inside_quotes(toks: &[Tok], quotes: &[(usize, usize)], out: &mut Vec<bool>) {
    out.reserve(toks.len());
    // `i`: the number of quotes that open at or before `at` (the first token searches).
    let (mut i, mut at) = (0, usize::MAX);
    let mut k = 0;
    while let Some(t) = toks.get(k) {
        let pos = t.start;
        if pos < at {
            i = quotes.partition_point(|q| q.0 <= pos);
        }
        at = pos;
        while i < quotes.len() && quotes[i].0 <= pos {
            i += 1;
        }
        let next_open = quotes.get(i).map_or(usize::MAX, |q| q.0);
        let (inside, limit) = match i.checked_sub(1).map(|j| quotes[j]) {
            Some(q) if q.0 == pos => (false, pos + 1),
            Some(q) if pos < q.1 => (true, q.1.min(next_open)),
            _ => (false, next_open),
        };
        let run = toks[k..]
            .iter()
            .take_while(|u| u.start >= pos && u.start < limit)
            .count();
        out.resize(out.len() + run, inside);
        k += run;
    }
}

/// A stretch of text treated as one sentence: the model's sentences, further split at sentence-final
/// punctuation outside quotations (so a placeholder model with paragraph-long sentences still works).
/// Its tokens are `toks[lo..hi]` of the article's token list.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Segment {
    pub lo: usize,
    pub hi: usize,
    pub paragraph: usize,
    pub headline: bool,
}

/// The article's tokens (headline and body regions only), its segments in text order, and for each token
/// whether it is inside a quotation ([`inside_quotes`], found range by range while the range's tokens are
/// still in cache rather than by another pass over all of them). `norm`s that are not slices of the text
/// are written to `buf`; call [`Tokens::finish`] with it.
pub(crate) fn segments<'t>(
    src: Source<'t>,
    model: &TextModel,
    quotes: &[(usize, usize)],
    rules: &AttributionRules,
    buf: &mut Vec<u8>,
) -> (Tokens<'t>, Vec<Segment>, Vec<bool>) {
    let text = src.text;
    let vocab = &rules.vocab;
    let mut tokens = Tokens::new();
    // About one token per five bytes of English text (a few articles have more: room for one per four
    // saves them moving the whole vector); few of them are not ASCII.
    tokens.toks.reserve(text.len() / 4 + 16);
    tokens.fixups.reserve(text.len() / 100 + 16);
    buf.reserve(text.len() / 50 + 16);
    let mut out = Vec::new();
    let mut inq = Vec::with_capacity(text.len() / 4 + 16);
    let mut ranges: Vec<(usize, usize, usize, Region)> = Vec::new();
    if model.sentences.is_empty() {
        for (i, p) in model.paragraphs.iter().enumerate() {
            ranges.push((p.start, p.end, i, p.region));
        }
    } else {
        for s in &model.sentences {
            ranges.push((s.start, s.end, s.paragraph, s.region));
        }
    }
    // Re-join model sentences of one paragraph that were split inside a quotation or after a title or
    // initial the attribution lexicons know ("Sen.", "Mr.", "F."): attribution works on whole quotations.
    // Only headline and body sentences are tokenized; other regions never merge with them.
    // `cur`: the range being built and the index of its first token.
    let mut cur: Option<((usize, usize, usize, Region), usize)> = None;
    for r in ranges {
        let analyzable = matches!(r.3, Region::Body | Region::Headline);
        if let Some((prev, lo)) = cur.as_mut() {
            if analyzable && prev.2 == r.2 && prev.3 == r.3 && prev.1 <= r.0 {
                let inside_quote = quote_containing(quotes, prev.1.saturating_sub(1))
                    .is_some_and(|q| quotes[q].1 > prev.1)
                    || quote_containing(quotes, r.0).is_some();
                let abbrev = || {
                    let toks = &tokens.toks[*lo..];
                    toks.len() >= 2
                        && toks[toks.len() - 1].is_punct('.')
                        && rules.is_title_abbrev(toks, toks.len() - 1)
                };
                if inside_quote || abbrev() {
                    // Tokens of the joined range are those of its parts when whitespace separates them;
                    // otherwise tokenize the joined range again.
                    let gap = text.get(prev.1..r.0).unwrap_or("");
                    if !gap.is_empty() && gap.chars().all(char::is_whitespace) {
                        tokens.push_range(src, r.0, r.1, vocab, buf);
                    } else {
                        tokens.truncate(*lo);
                        tokens.push_range(src, prev.0, r.1, vocab, buf);
                    }
                    prev.1 = r.1;
                    continue;
                }
            }
        }
        if let Some((prev, lo)) = cur.take() {
            split_range(&tokens.toks, lo, prev, quotes, rules, &mut out, &mut inq);
        }
        if analyzable {
            let lo = tokens.toks.len();
            tokens.push_range(src, r.0, r.1, vocab, buf);
            cur = Some((r, lo));
        }
    }
    if let Some((prev, lo)) = cur.take() {
        split_range(&tokens.toks, lo, prev, quotes, rules, &mut out, &mut inq);
    }
    (tokens, out, inq)
}

/// Split the tokens `all[lo..]` of one (joined) sentence range into segments, and append to `inq`
/// (which holds the answers for `all[..lo]`) whether each is inside a quotation.
fn split_range(
    all: &[Tok],
    lo: usize,
    (_, _, para, region): (usize, usize, usize, Region),
    quotes: &[(usize, usize)],
    rules: &AttributionRules,
    out: &mut Vec<Segment>,
    inq: &mut Vec<bool>,
) {
    let toks = all.get(lo..).unwrap_or(&[]);
    inside_quotes(toks, quotes, inq);
    let headline = region == Region::Headline;
    let mut seg_start = 0;
    for (i, pair) in toks.windows(2).enumerate() {
        // A segment ends only at a mark before a capitalized word or an opening quotation mark: that
        // test is the cheapest, so it goes first ([`ends_segment`] is free of side effects).
        let (t, next) = (&pair[0], &pair[1]);
        if t.word || !(next.upper || (!next.word && is_open_quote(next.bare))) {
            continue;
        }
        if ends_segment(toks, i, quotes, rules) {
            out.push(Segment {
                lo: lo + seg_start,
                hi: lo + i + 1,
                paragraph: para,
                headline,
            });
            seg_start = i + 1;
        }
    }
    if seg_start < toks.len() {
        out.push(Segment {
            lo: lo + seg_start,
            hi: lo + toks.len(),
            paragraph: para,
            headline,
        });
    }
}

/// Does a segment end at `toks[i]`, a mark before a capitalized word or an opening quotation mark?
fn ends_segment(
    toks: &[Tok],
    i: usize,
    quotes: &[(usize, usize)],
    rules: &AttributionRules,
) -> bool {
    let t = &toks[i];
    let after_final = i > 0
        && !toks[i - 1].word
        && (toks[i - 1].is_punct('.') || toks[i - 1].is_punct('!') || toks[i - 1].is_punct('?'));
    (((t.is_punct('.') || t.is_punct('!') || t.is_punct('?'))
        && quote_containing(quotes, t.start).is_none())
        || (is_close_quote(t.bare)
            && after_final
            && quote_containing(quotes, t.start).is_some_and(|q| quotes[q].1 == t.end())))
        && !rules.is_title_abbrev(toks, i)
}

pub(crate) fn is_open_quote(s: &str) -> bool {
    matches!(s, "“" | "\"" | "«" | "‘" | "''")
}

pub(crate) fn is_close_quote(s: &str) -> bool {
    matches!(s, "”" | "\"" | "»" | "’" | "''")
}

#[cfg(test)]
mod tests {
    use super::super::rules::NO_ID;
    use super::*;

    /// The spans of `s` on its own.
    fn spans_of(s: &str) -> Vec<Span> {
        let lower = s.to_ascii_lowercase();
        spans(s, &lower).collect()
    }

    #[test]
    fn lower_alnum_runs_agree_with_the_byte_test() {
        let plain = |w: &[u8; 8]| {
            w.iter()
                .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                .count()
        };
        for fill in [b'a', b'z', b'0', b'9', b'm'] {
            for at in 0..8 {
                for v in 0..=255u8 {
                    let mut w = [fill; 8];
                    w[at] = v;
                    assert_eq!(lower_alnum_run(u64::from_le_bytes(w)), plain(&w), "{w:?}");
                    // And with every byte after it a stop byte.
                    for k in w.iter_mut().skip(at + 1) {
                        *k = b' ';
                    }
                    assert_eq!(lower_alnum_run(u64::from_le_bytes(w)), plain(&w), "{w:?}");
                }
            }
        }
    }

    /// [`inside_quotes`] of `toks` into a new vector.
    fn inq(toks: &[Tok], quotes: &[(usize, usize)]) -> Vec<bool> {
        let mut out = Vec::new();
        inside_quotes(toks, quotes, &mut out);
        out
    }

    fn bares(t: &str) -> Vec<(String, String, bool)> {
        let vocab = Vocab::default();
        let mut buf = Vec::new();
        tokenize(t, 0, t.len(), &vocab, &mut buf)
            .iter()
            .map(|t| (t.bare.to_string(), t.norm.to_string(), t.possessive))
            .collect()
    }

    #[test]
    fn tokens_keep_abbreviations_and_possessives() {
        let t = "Peskov’s U.S. al-Qaeda's (R-Utah) “x” Rock’N’Roll";
        let toks = bares(t);
        let texts: Vec<&str> = toks.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "Peskov",
                "U.S",
                ".",
                "al-Qaeda",
                "(",
                "R-Utah",
                ")",
                "“",
                "x",
                "”",
                "Rock’N’Roll"
            ]
        );
        assert!(toks[0].2);
        assert_eq!(toks[0].1, "peskov");
        assert_eq!(toks[1].1, "u.s");
        assert_eq!(toks[3].1, "al-qaeda");
        assert_eq!(toks[10].1, "rock'n'roll");
    }

    #[test]
    fn normalized_forms_match_lowercase_with_folded_apostrophes() {
        for s in [
            "",
            "said",
            "Said",
            "U.S",
            "Don’t",
            "’",
            "ÉTAT",
            "İstanbul",
            "ΟΔΟΣ",
            "Σ",
            "ΣΑ’Σ",
            "Straße",
            "“",
            "—",
        ] {
            let want = s.to_lowercase().replace('’', "'");
            assert_eq!(normalize(s), want, "{s:?}");
            let mut buf = b"x".to_vec();
            push_normalized(&mut buf, s);
            assert_eq!(buf, format!("x{want}").into_bytes(), "{s:?}");
            if s.is_ascii() {
                // The tokenizer's normalized form of ASCII text is its ASCII-lower-cased copy.
                assert_eq!(s.to_ascii_lowercase(), want, "{s:?}");
            }
            assert_eq!(is_lower_ascii(s), s.is_ascii() && want == s, "{s:?}");
        }
    }

    #[test]
    fn inside_quotes_agrees_with_quote_containing() {
        let t = "He said “we will go” and then “they left” after “that” day.";
        let vocab = Vocab::default();
        let mut buf = Vec::new();
        let mut toks = tokenize(t, 0, t.len(), &vocab, &mut buf);
        let open = |from: usize| from + t[from..].find('“').unwrap_or(0);
        let close = |from: usize| from + t[from..].find('”').unwrap_or(0) + '”'.len_utf8();
        let (a, b, c) = (open(0), open(close(0)), open(close(open(close(0)))));
        let quotes = [(a, close(a)), (b, close(b)), (c, close(c))];
        let expect = |toks: &[Tok]| -> Vec<bool> {
            toks.iter()
                .map(|t| quote_containing(&quotes, t.start).is_some())
                .collect()
        };
        assert_eq!(inq(&toks, &quotes), expect(&toks));
        assert!(inq(&toks, &quotes).iter().filter(|&&q| q).count() >= 6);
        // Starts that go back (a range tokenized again) still agree.
        let again = toks[3..8].to_vec();
        toks.extend(again);
        assert_eq!(inq(&toks, &quotes), expect(&toks));
        assert!(inq(&toks, &[]).iter().all(|&q| !q));
    }

    #[test]
    fn plain_words_are_ascii_letters_and_digits() {
        let t = "the 42 Senators’ al-Qaeda's U.S. x2 café naïve Naïve ''quoted'' it's mid—term \
                 counterintelligence Counterintelligence abcdefghijklmnopqrstuvwxyz0123456789 \
                 abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@[`{/:";
        let mut n = 0;
        for sp in spans_of(t) {
            let s = &t[sp.start..sp.end];
            let ascii = s.bytes().all(|x| x.is_ascii_alphanumeric());
            assert_eq!(sp.word && sp.class & OTHER == 0, sp.word && ascii, "{s:?}");
            if sp.word && s.is_ascii() {
                assert_eq!(
                    sp.class & !OTHER,
                    ASCII_CLASS[usize::from(s.as_bytes()[0])],
                    "{s:?}"
                );
            }
            n += usize::from(sp.word && ascii);
        }
        assert_eq!(n, 11);
    }

    #[test]
    fn token_fields_agree_with_the_plain_definitions() {
        let t = "The Senator’s aides said 42 times: ''No.'' NASA's iPhone x2 Ünal’s état-major \
                 O'Neill ÉTAT R-Utah don’t ΣΑΣ Straße.";
        let vocab = Vocab::default();
        let mut buf = Vec::new();
        let toks = tokenize(t, 0, t.len(), &vocab, &mut buf);
        assert_eq!(toks.len(), spans_of(t).len());
        for (tok, sp) in toks.iter().zip(spans_of(t)) {
            let (bare, possessive) = strip_possessive(&t[sp.start..sp.end], sp.word);
            assert_eq!(
                (tok.start, tok.end(), tok.word),
                (sp.start, sp.end, sp.word)
            );
            assert_eq!((tok.bare, tok.possessive), (bare, possessive), "{bare:?}");
            assert_eq!(tok.norm, normalize(bare), "{bare:?}");
            assert_eq!(tok.upper, is_upper(bare), "{bare:?}");
        }
    }

    /// A model with the given paragraphs (byte ranges, possibly unsorted, overlapping or off the text).
    fn model_with(paragraphs: &[(usize, usize)]) -> TextModel {
        TextModel {
            paragraphs: paragraphs
                .iter()
                .map(|&(start, end)| crate::text::Paragraph {
                    start,
                    end,
                    region: Region::Body,
                })
                .collect(),
            ..TextModel::default()
        }
    }

    proptest::proptest! {
        #[test]
        fn double_apostrophe_quotes_agree_with_the_char_scan(
            chars in proptest::collection::vec(
                proptest::sample::select(vec!['\'', 'a', ' ', '’', '“', '”', '"']),
                0..40,
            ),
            cuts in proptest::collection::vec((0usize..50, 0usize..50), 0..6),
        ) {
            let text: String = chars.into_iter().collect();
            let model = model_with(&cuts);
            proptest::prop_assert_eq!(
                double_apostrophe_quotes(&text, &model),
                own_quotes(&text, &model, true)
            );
        }
    }

    #[test]
    fn double_apostrophe_quotes_pair_within_paragraphs() {
        let t = "He said ''yes'' and '''no'' then ''open\nNext ''one'' here";
        let nl = t.find('\n').unwrap_or(0);
        for paras in [
            vec![(0, nl), (nl + 1, t.len())],
            vec![(nl + 1, t.len()), (0, nl)],
            vec![],
        ] {
            let model = model_with(&paras);
            let got = double_apostrophe_quotes(t, &model);
            assert_eq!(got, own_quotes(t, &model, true));
            assert_eq!(got.len(), if paras.is_empty() { 0 } else { 4 });
        }
    }

    /// The token spans by their definition, char by char: (start, end, word).
    fn spans_plain(s: &str) -> Vec<(usize, usize, bool)> {
        let chars: Vec<(usize, char)> = s.char_indices().collect();
        let end_of = |j: usize| chars.get(j).map_or(s.len(), |c| c.0);
        let mut out = Vec::new();
        let mut j = 0;
        while j < chars.len() {
            let (p, c) = chars[j];
            if c.is_alphanumeric() {
                let mut k = j + 1;
                loop {
                    match chars.get(k) {
                        Some(&(_, x)) if x.is_alphanumeric() => k += 1,
                        Some(&(_, x))
                            if is_connector(x)
                                && chars.get(k + 1).is_some_and(|y| y.1.is_alphanumeric()) =>
                        {
                            k += 2
                        }
                        _ => break,
                    }
                }
                out.push((p, end_of(k), true));
                j = k;
            } else if c.is_whitespace() {
                j += 1;
            } else if c == '\'' && chars.get(j + 1).is_some_and(|y| y.1 == '\'') {
                out.push((p, p + 2, false));
                j += 2;
            } else {
                out.push((p, end_of(j + 1), false));
                j += 1;
            }
        }
        out
    }

    fn toks_at(starts: &[usize]) -> Vec<Tok<'static>> {
        starts
            .iter()
            .map(|&start| Tok {
                start,
                word: true,
                possessive: false,
                upper: false,
                tail: 1,
                id: NO_ID,
                norm: "",
                bare: "",
            })
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn spans_agree_with_the_char_definition(
            chars in proptest::collection::vec(
                proptest::sample::select(vec![
                    'a', 'Z', '7', ' ', ' ', '\'', '’', '-', '.', '&', ',', '“', 'é', 'Σ', '\n', '\u{a0}', '—',
                ]),
                0..40,
            ),
        ) {
            let text: String = chars.into_iter().collect();
            let got: Vec<(usize, usize, bool)> =
                spans_of(&text).into_iter().map(|sp| (sp.start, sp.end, sp.word)).collect();
            proptest::prop_assert_eq!(got, spans_plain(&text));
        }

        #[test]
        fn inside_quotes_agrees_with_quote_containing_on_any_starts(
            starts in proptest::collection::vec(0usize..60, 0..40),
            bounds in proptest::collection::vec((0usize..60, 0usize..12), 0..6),
            cuts in proptest::collection::vec(0usize..40, 0..5),
        ) {
            let mut quotes: Vec<(usize, usize)> = bounds.iter().map(|&(s, n)| (s, s + n)).collect();
            quotes.sort_unstable();
            let toks = toks_at(&starts);
            let want: Vec<bool> = toks
                .iter()
                .map(|t| quote_containing(&quotes, t.start).is_some())
                .collect();
            proptest::prop_assert_eq!(&inq(&toks, &quotes), &want);
            // Range by range into one vector, as `split_range` builds it.
            let mut cuts: Vec<usize> = cuts.iter().map(|&c| c.min(toks.len())).collect();
            cuts.push(0);
            cuts.push(toks.len());
            cuts.sort_unstable();
            let mut by_range = Vec::new();
            for w in cuts.windows(2) {
                inside_quotes(&toks[w[0]..w[1]], &quotes, &mut by_range);
            }
            proptest::prop_assert_eq!(by_range, want);
        }
    }

    /// A sealed vocabulary of some of the words (and marks) the pieces below make.
    fn small_vocab() -> Vocab {
        let mut v = Vocab::default();
        for w in [
            "a",
            "i",
            "as",
            "said",
            "ab",
            ",",
            ".",
            "'",
            "“",
            "x1",
            "s",
            "é",
            "σa",
            "counterintelligence",
            "u.s",
            "ab-c",
            "it's",
        ] {
            v.intern(w);
        }
        v.seal();
        v
    }

    proptest::proptest! {
        #[test]
        fn token_fields_agree_with_the_plain_definitions_on_any_text(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "I", "A", "a", "As", "AS", "aS", "Said", "SAID", "said", "Ab", "ab's", "Ab’s", "AB'S",
                    ",", ".", "“", "''", "'", " ", " ", "  ", "É", "Σa", "x1", "X1", "U.S", "Ab-C", "It's",
                    "Counterintelligence", "COUNTERINTELLIGENCE", "-", "’", "\n", "Z", "z9Z",
                ]),
                0..24,
            ),
        ) {
            let text: String = pieces.concat();
            let vocab = small_vocab();
            let mut buf = Vec::new();
            let toks = tokenize(&text, 0, text.len(), &vocab, &mut buf);
            let plain = spans_plain(&text);
            proptest::prop_assert_eq!(toks.len(), plain.len());
            for (tok, &(s, e, word)) in toks.iter().zip(&plain) {
                let (bare, possessive) = strip_possessive(&text[s..e], word);
                let norm = normalize(bare);
                proptest::prop_assert_eq!((tok.start, tok.end(), tok.word), (s, e, word));
                proptest::prop_assert_eq!((tok.bare, tok.possessive), (bare, possessive));
                proptest::prop_assert_eq!(tok.norm, &*norm);
                proptest::prop_assert_eq!(tok.upper, is_upper(bare));
                proptest::prop_assert_eq!(tok.id, vocab.id(&norm), "{:?}", bare);
            }
        }
    }

    #[test]
    fn token_records_are_48_bytes() {
        assert_eq!(std::mem::size_of::<Tok>(), 48);
    }

    proptest::proptest! {
        #[test]
        fn a_range_tokenizes_as_its_text_alone(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "I", "a", "Said", "SAID", "said", "ab's", "Ab’s", ",", ".", "“", " ", "  ", "É", "x1",
                    "U.S", "Ab-C", "Counterintelligence", "COUNTERINTELLIGENCE", "counterintelligence",
                    "-", "’", "\n", "z9Z", "abcdefgh", "abcdefgH", "ABCDEFGHIJ",
                ]),
                0..24,
            ),
            cut in (0usize..24, 0usize..24),
        ) {
            let text: String = pieces.concat();
            // Cut at piece boundaries (char boundaries).
            let at = |k: usize| pieces[..k.min(pieces.len())].concat().len();
            let (a, b) = (at(cut.0.min(cut.1)), at(cut.0.max(cut.1)));
            let vocab = small_vocab();
            let (mut buf, mut buf2) = (Vec::new(), Vec::new());
            let got = tokenize(&text, a, b, &vocab, &mut buf);
            let alone = &text[a..b];
            let want = tokenize(alone, 0, alone.len(), &vocab, &mut buf2);
            proptest::prop_assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(&want) {
                proptest::prop_assert_eq!((g.start, g.end(), g.word), (w.start + a, w.end() + a, w.word));
                proptest::prop_assert_eq!((g.bare, g.norm, g.id), (w.bare, w.norm, w.id));
                proptest::prop_assert_eq!((g.possessive, g.upper), (w.possessive, w.upper));
            }
        }
    }

    #[test]
    fn quick_alphanumeric_test_agrees_with_std() {
        for c in (0..=0x2FFFu32).filter_map(char::from_u32) {
            assert_eq!(is_alnum(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn tokenize_never_panics_on_odd_input() {
        for s in [
            "",
            "’",
            "a’",
            "é\u{301}x",
            "\u{1F600}'s",
            "--",
            "a.b.",
            "x\u{0}",
            "''",
            "a''b",
        ] {
            let _ = bares(s);
        }
    }
}
