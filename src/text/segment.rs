//! Sentences and word tokens.
//!
//! **Sentences** (within one paragraph): a sentence ends after a run of terminators (`.`, `!`, `?`, `…`,
//! `...`, `?!`, and the CJK/Indic/Arabic full stops), optionally followed by closing quotes/brackets, when
//! whitespace follows and the next character can start a sentence (an upper-case/title-case letter, a letter
//! of a caseless script, a digit, or an opening quote/bracket). So a lower-case continuation never splits
//! (`“… terror.” he said`, `Why? he asked`, `… which is`). A single `.` directly followed by whitespace does
//! not end a sentence when the token ending at it is
//! * an abbreviation from `TextRules::abbreviations` (compared case-sensitively, trailing period optional in
//!   the list, leading punctuation of the token ignored; for a compound token like "(D-Calif." the last
//!   part "Calif." is looked up too): "Sen.", "Sept.", "U.S.". An abbreviation
//!   **never** ends a sentence, even before a capitalised word: "in the U.S. The president" stays one
//!   sentence. Merging two sentences is cheaper for attribution than cutting "U.S. Secretary of State" in
//!   half, which is far more frequent in news;
//! * a single upper-case letter (an initial: "John F. Kennedy", "J. K. Rowling").
//!
//! Numbers ("3.5") and addresses ("www.example.com") never split because no whitespace follows the period.
//! CJK full stops (`。！？`) end a sentence even without whitespace. Quotations are not treated specially:
//! a quotation of several sentences is split like authorial text. Sentence spans are trimmed and every
//! non-whitespace character of a paragraph lies in exactly one sentence.
//!
//! **Tokens** (within one sentence): maximal runs of extended grapheme clusters that start with an
//! alphanumeric character (so combining marks stay inside words), joined across one internal apostrophe
//! (`'` `’`: "don’t"), hyphen (`-` U+2010 U+2011: "war-torn", "al-Sham") or period ("U.S", "3.5",
//! "www.example.com") between word characters, and across a comma between digits ("1,000"). Leading and
//! trailing joiners are not part of a token ("'90s" → "90s", "students'" → "students", "U.S." → "U.S").

use rustc_hash::FxHashSet;

use unicode_segmentation::GraphemeCursor;

use super::chars::{
    is_apostrophe, is_ascii_word, is_hyphen, is_sentence_closer, is_space, is_terminator,
    is_unspaced_terminator, starts_sentence,
};
use super::quotes::is_mark;

/// Longest token (bytes) looked at when checking for an abbreviation before a period.
const MAX_ABBREVIATION_LOOKBACK: usize = 64;

/// Abbreviations compiled for lookup (stored without their final period).
#[derive(Debug, Clone, Default)]
pub(crate) struct Abbreviations {
    set: FxHashSet<String>,
    /// Length of the longest one: longer tokens need no lookup.
    longest: usize,
}

impl Abbreviations {
    pub(crate) fn new(list: &[String]) -> Self {
        let set: FxHashSet<String> = list
            .iter()
            .map(|a| {
                let a = a.trim();
                a.strip_suffix('.').unwrap_or(a).to_string()
            })
            .filter(|a| !a.is_empty())
            .collect();
        let longest = set.iter().map(String::len).max().unwrap_or(0);
        Abbreviations { set, longest }
    }

    fn contains(&self, token: &str) -> bool {
        token.len() <= self.longest && self.set.contains(token)
    }
}

/// Calls `push` with the span (absolute byte offsets) of every sentence of the paragraph `start..end` of
/// `text`, in order. `terminators` holds the absolute offset of every terminator character of the paragraph,
/// in order ([`scan_paragraph`] finds them).
pub(crate) fn split_sentences(
    text: &str,
    start: usize,
    end: usize,
    abbr: &Abbreviations,
    terminators: &[usize],
    mut push: impl FnMut(usize, usize),
) {
    let Some(para) = text.get(start..end) else {
        return;
    };
    let mut sent_start = 0usize;
    let mut from = 0usize;
    let mut next_terminator = terminators.iter().filter_map(|&t| {
        let i = t.checked_sub(start)?;
        Some((i, para.get(i..)?.chars().next()?))
    });
    while let Some((i, c)) = next_terminator.by_ref().find(|&(i, _)| i >= from) {
        let Some((after, next_pos, split)) = boundary(para, i, c, abbr) else {
            break;
        };
        if split {
            if after > sent_start {
                push(start + sent_start, start + after);
            }
            sent_start = next_pos;
        }
        from = next_pos;
    }
    if sent_start < para.len() {
        push(start + sent_start, end);
    }
}

/// What follows the terminator `c` at byte `i` of `para`: the end of the sentence if it ends there (after
/// the terminator run and closing quotes/brackets), the start of the next character that is no
/// terminator, closer or space, and whether the sentence ends there; `None` when the paragraph ends first.
fn boundary(para: &str, i: usize, c: char, abbr: &Abbreviations) -> Option<(usize, usize, bool)> {
    // Most terminators of ASCII prose are decided from the next two bytes: one inside a token ("3.5",
    // "U.S") never splits, and one followed by a single space and a letter or digit splits before an
    // upper-case letter or a digit unless it is an abbreviation's or initial's period.
    if c.is_ascii() {
        let bytes = para.as_bytes();
        match (bytes.get(i + 1), bytes.get(i + 2)) {
            (None, _) => return None,
            (Some(b), _) if b.is_ascii_alphanumeric() => return Some((i + 1, i + 1, false)),
            (Some(b' '), Some(n)) if n.is_ascii_alphanumeric() => {
                let split = (n.is_ascii_uppercase() || n.is_ascii_digit())
                    && !(c == '.' && is_abbreviation_or_initial(para, i, abbr));
                return Some((i + 1, i + 2, split));
            }
            _ => {}
        }
    }
    boundary_by_chars(para, i, c, abbr)
}

/// [`boundary`] in general, character by character.
fn boundary_by_chars(
    para: &str,
    i: usize,
    c: char,
    abbr: &Abbreviations,
) -> Option<(usize, usize, bool)> {
    let after_c = i + c.len_utf8();
    let mut it = para
        .get(after_c..)
        .unwrap_or("")
        .char_indices()
        .map(|(j, d)| (after_c + j, d))
        .peekable();
    let mut single_period = c == '.';
    let mut unspaced = is_unspaced_terminator(c);
    while let Some(&(_, d)) = it.peek() {
        if !is_terminator(d) {
            break;
        }
        single_period = false;
        unspaced |= is_unspaced_terminator(d);
        it.next();
    }
    let mut had_closer = false;
    let mut after = it.peek().map_or(para.len(), |&(j, _)| j);
    while let Some(&(j, d)) = it.peek() {
        if !is_sentence_closer(d) {
            break;
        }
        had_closer = true;
        after = j + d.len_utf8();
        it.next();
    }
    let mut has_space = false;
    while let Some(&(_, d)) = it.peek() {
        if !is_space(d) {
            break;
        }
        has_space = true;
        it.next();
    }
    let &(next_pos, next) = it.peek()?;
    let split = if unspaced {
        true
    } else {
        has_space
            && starts_sentence(next)
            && !(single_period && !had_closer && is_abbreviation_or_initial(para, i, abbr))
    };
    Some((after, next_pos, split))
}

/// True when the token ending at the period at byte `period` of `para` is a listed abbreviation or an
/// initial.
fn is_abbreviation_or_initial(para: &str, period: usize, abbr: &Abbreviations) -> bool {
    ascii_abbreviation_or_initial(para, period, abbr)
        .unwrap_or_else(|| abbreviation_or_initial_by_chars(para, period, abbr))
}

/// [`is_abbreviation_or_initial`] byte by byte when the token is ASCII (almost always in news prose: no
/// character decoding backwards or forwards), `None` when it is not. A test checks the two agree.
fn ascii_abbreviation_or_initial(para: &str, period: usize, abbr: &Abbreviations) -> Option<bool> {
    let before = para.as_bytes().get(..period)?;
    let mut tok_start = period;
    for (j, &b) in before.iter().enumerate().rev() {
        if !b.is_ascii() {
            return None;
        }
        if is_space(char::from(b)) {
            break;
        }
        if period - j > MAX_ABBREVIATION_LOOKBACK {
            return Some(false);
        }
        tok_start = j;
    }
    let bytes = before.get(tok_start..)?;
    let lead = (bytes.iter().position(u8::is_ascii_alphanumeric)).unwrap_or(bytes.len());
    let tok = para.get(tok_start + lead..period)?;
    if let [c] = tok.as_bytes() {
        if c.is_ascii_uppercase() {
            return Some(true);
        }
    }
    if abbr.contains(tok) {
        return Some(true);
    }
    // The last part of a compound token: "(D-Calif." → "Calif" (the whole token when it ends otherwise).
    let part = (tok.bytes())
        .rposition(|b| !(b.is_ascii_alphanumeric() || b == b'.'))
        .map_or(0, |k| if k + 1 < tok.len() { k + 1 } else { 0 });
    let tail = tok.get(part..)?.trim_start_matches('.');
    Some(tail.len() < tok.len() && abbr.contains(tail))
}

/// [`is_abbreviation_or_initial`] character by character.
fn abbreviation_or_initial_by_chars(para: &str, period: usize, abbr: &Abbreviations) -> bool {
    let Some(before) = para.get(..period) else {
        return false;
    };
    let mut tok_start = period;
    for (j, c) in before.char_indices().rev() {
        if is_space(c) {
            break;
        }
        if period - j > MAX_ABBREVIATION_LOOKBACK {
            return false;
        }
        tok_start = j;
    }
    let Some(tok) = para.get(tok_start..period) else {
        return false;
    };
    let tok = tok.trim_start_matches(|c: char| !c.is_alphanumeric());
    let mut cs = tok.chars();
    if let (Some(c), None) = (cs.next(), cs.next()) {
        if c.is_uppercase() {
            return true;
        }
    }
    if abbr.contains(tok) {
        return true;
    }
    // The last part of a compound token: "(D-Calif." → "Calif".
    let tail = tok
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphanumeric() || c == '.')
        .last()
        .map_or(tok, |(i, _)| tok.get(i..).unwrap_or(tok))
        .trim_start_matches('.');
    tail.len() < tok.len() && abbr.contains(tail)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Joiner {
    /// Apostrophe, hyphen or period: joins any two word characters.
    Word,
    /// Comma: joins two digits only.
    Digits,
}

fn joiner(c: char) -> Option<Joiner> {
    if is_apostrophe(c) || is_hyphen(c) || c == '.' {
        Some(Joiner::Word)
    } else if c == ',' {
        Some(Joiner::Digits)
    } else {
        None
    }
}

/// The state of a token scan over the grapheme clusters of one sentence (offsets relative to it).
#[derive(Default)]
struct TokenScan {
    /// Start of the token being built.
    cur: Option<usize>,
    /// End of its last word cluster.
    last_end: usize,
    /// Whether that cluster ends with a digit.
    last_digit: bool,
    /// A joiner after the token: the token goes on if a word cluster follows.
    pending: Option<Joiner>,
}

impl TokenScan {
    /// One cluster `g` at `i`.
    fn cluster(&mut self, i: usize, g: &str, push: &mut impl FnMut(usize, usize)) {
        let mut chars = g.chars();
        let first = chars.next().unwrap_or(' ');
        if first.is_alphanumeric() {
            let last = chars.next_back().unwrap_or(first);
            self.word(i, i + g.len(), first, last, push);
        } else if chars.next().is_none() {
            self.other(joiner(first), push);
        } else {
            self.other(None, push);
        }
    }

    /// The word cluster `i..end` that starts with `first` and ends with `last`, or a run of word clusters
    /// (all but the first only extend the token, so a run acts as one cluster).
    fn word(
        &mut self,
        i: usize,
        end: usize,
        first: char,
        last: char,
        push: &mut impl FnMut(usize, usize),
    ) {
        match (self.cur, self.pending) {
            (None, _) => self.cur = Some(i),
            (Some(s), Some(Joiner::Digits)) if !(self.last_digit && first.is_numeric()) => {
                push(s, self.last_end);
                self.cur = Some(i);
            }
            _ => {}
        }
        self.pending = None;
        self.last_end = end;
        self.last_digit = last.is_numeric();
    }

    /// A cluster that does not start with a letter or digit: a joiner (`j`, single characters only) or
    /// a token end.
    fn other(&mut self, j: Option<Joiner>, push: &mut impl FnMut(usize, usize)) {
        match (self.cur, self.pending, j) {
            (Some(_), None, Some(j)) => self.pending = Some(j),
            (Some(s), _, _) => {
                push(s, self.last_end);
                self.cur = None;
                self.pending = None;
            }
            (None, _, _) => {}
        }
    }

    fn finish(self, push: &mut impl FnMut(usize, usize)) {
        if let Some(s) = self.cur {
            push(s, self.last_end);
        }
    }
}

/// Word tokens (absolute byte spans) in `start..end` of `text`.
///
/// The clusters are those of `grapheme_indices(true)`, found much faster in mostly ASCII text. UAX #29
/// puts a boundary between two ASCII characters except inside CR LF (no ASCII character is Extend, ZWJ,
/// SpacingMark, Prepend or a regional indicator), so an ASCII character other than CR followed by an ASCII
/// character (or the end) is a cluster of its own, and a run of such ASCII letters and digits is fed as one
/// word cluster. The segmenter only runs from any other cluster start (a non-ASCII character, which may be a
/// prefix or start an emoji or Hangul sequence, or an ASCII character followed by a non-ASCII one, which
/// may be a combining mark: "e\u{301}"); cluster starts are boundaries, so it decides exactly as it would
/// over the whole sentence. Typographic punctuation ([`general_punctuation`]: curly quotes, dashes, the
/// ellipsis) counts as ASCII here: it is no Extend, ZWJ, SpacingMark or Prepend character either, so it
/// neither joins the cluster before it nor the one after it.
pub(crate) fn tokens(text: &str, start: usize, end: usize, push: impl FnMut(usize, usize)) {
    scan(text, start, end, push, |_, _| {});
}

/// The word tokens of the paragraph `start..end` of `text` (absolute byte spans) and its sentence
/// terminators and quotation marks ([`is_noted`]), each passed to `note` with its absolute offset, in
/// order: one pass instead of one for tokens and one more for each kind of punctuation.
///
/// Returns whether the tokens are those [`tokens`] finds in the paragraph's sentences: true when every
/// character is a cluster of its own (no segmenter was needed). Then every sentence boundary is a cluster
/// boundary with whitespace between the sentences (a terminator that splits without whitespace is a CJK
/// one, which needs the segmenter), and the scan is back to its start state after that whitespace. When
/// false, the caller tokenizes each sentence.
#[inline(never)]
pub(crate) fn scan_paragraph(
    text: &str,
    start: usize,
    end: usize,
    push: impl FnMut(usize, usize),
    note: impl FnMut(usize, char),
) -> bool {
    scan(text, start, end, push, note)
}

/// Characters [`scan_paragraph`] reports: sentence terminators and quotation marks.
pub(crate) fn is_noted(c: char) -> bool {
    is_terminator(c) || is_mark(c)
}

/// [`is_noted`] for a byte: the ASCII members written out, which compiles to one bit test (a table
/// computed from [`is_noted`] measured slower); a test checks the two agree on every byte.
#[inline]
const fn is_noted_ascii(b: u8) -> bool {
    matches!(b, b'.' | b'!' | b'?' | b'"' | b'\'')
}

/// [`tokens`] and [`scan_paragraph`]: true when the segmenter was never needed.
#[inline(always)]
fn scan(
    text: &str,
    start: usize,
    end: usize,
    mut push: impl FnMut(usize, usize),
    mut note: impl FnMut(usize, char),
) -> bool {
    let Some(seg) = text.get(start..end) else {
        return true;
    };
    let push = &mut |s: usize, e: usize| push(start + s, start + e);
    let mut simple = true;
    let bytes = seg.as_bytes();
    // Whether the character that ends just before `k` is a cluster of its own (when it starts one and is
    // neither CR nor a Prepend character).
    let ends_cluster = |k: usize| {
        bytes
            .get(k)
            .is_none_or(|b| b.is_ascii() || general_punctuation(bytes, k).is_some())
    };
    let alone = |k: usize| ends_cluster(k + 1);
    let mut scan = TokenScan::default();
    let mut cursor = GraphemeCursor::new(0, seg.len(), true);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if is_ascii_word(b) {
            let mut e = word_end(bytes, i + 1);
            // No token open and a plain separator (a space, punctuation other than a joiner) after the
            // run, or a joiner and then a separator (or the paragraph's end), as in "said, " and "end. ":
            // the run is a whole token, as the scan below would find it with two to four more steps.
            // After a joiner the separator is left to the next step (which finds no token open, so it
            // ends nothing); the joiner, an ASCII character before an ASCII one, is a cluster of its own.
            let (s, class) = bytes.get(e).map_or((0, 0), |&s| (s, after_word(s)));
            let next = bytes.get(e + 1).map_or(SEPARATOR, |&n| after_word(n));
            let ends = class | ((class >> 2) & next);
            if scan.cur.is_none() && ends & SEPARATOR != 0 && alone(e) {
                push(i, e);
                if class & NOTED != 0 {
                    note(start + e, char::from(s));
                }
                i = e + 1;
                continue;
            }
            // The last one is left to the segmenter when a non-ASCII character follows it.
            if !alone(e - 1) {
                e -= 1;
            }
            if e > i {
                let last = bytes.get(e - 1).copied().unwrap_or(b);
                scan.word(i, e, char::from(b), char::from(last), push);
                i = e;
                continue;
            }
        } else if b.is_ascii() {
            if b != b'\r' && alone(i) {
                if is_noted_ascii(b) {
                    note(start + i, char::from(b));
                }
                scan.other(joiner(char::from(b)), push);
                i += 1;
                continue;
            }
        } else if let Some(c) = general_punctuation(bytes, i) {
            // Never alphanumeric: a joiner or a token end, as `TokenScan::cluster` would find.
            if ends_cluster(i + 3) {
                if is_noted(c) {
                    note(start + i, c);
                }
                scan.other(joiner(c), push);
                i += 3;
                continue;
            }
        }
        simple = false;
        cursor.set_cursor(i);
        let e = match cursor.next_boundary(seg, 0) {
            Ok(Some(e)) if e > i => e,
            _ => seg.len(),
        };
        if let Some(g) = seg.get(i..e) {
            for (k, c) in g.char_indices() {
                if is_noted(c) {
                    note(start + i + k, c);
                }
            }
            scan.cluster(i, g, push);
        }
        i = e;
    }
    scan.finish(push);
    simple
}

/// The end of the run of ASCII letters and digits at byte `from` of `bytes` (`from` itself when there is
/// none). The eight bytes from `from` are classified at once: a word of news prose (about five bytes)
/// ends within them, so no branch depends on where it ends (a byte loop mispredicts its exit at almost
/// every word end). Longer runs and the last bytes of a paragraph go on in [`word_end_slow`]. A test
/// and a proptest check it against a plain `position`.
#[inline(always)]
fn word_end(bytes: &[u8], from: usize) -> usize {
    let Some(w) = bytes.get(from..).and_then(<[u8]>::first_chunk::<8>) else {
        return word_end_slow(bytes, from);
    };
    match non_word_bytes(u64::from_le_bytes(*w)) {
        0 => word_end_slow(bytes, from + 8),
        nonword => from + nonword.trailing_zeros() as usize / 8,
    }
}

/// [`word_end`] eight bytes at a time, then byte by byte for the last bytes.
#[cold]
#[inline(never)]
fn word_end_slow(bytes: &[u8], from: usize) -> usize {
    let mut e = from;
    while let Some(w) = bytes.get(e..).and_then(<[u8]>::first_chunk::<8>) {
        let nonword = non_word_bytes(u64::from_le_bytes(*w));
        if nonword != 0 {
            return e + nonword.trailing_zeros() as usize / 8;
        }
        e += 8;
    }
    while bytes.get(e).is_some_and(|&b| is_ascii_word(b)) {
        e += 1;
    }
    e
}

/// The high bit of every byte of `w` that is not an ASCII letter or digit (SWAR: each byte's low seven
/// bits plus a constant carry into its high bit exactly when they reach a bound, and no byte carries into
/// the next because the sums stay below 0x100).
#[inline(always)]
fn non_word_bytes(w: u64) -> u64 {
    const fn splat(b: u8) -> u64 {
        u64::from_le_bytes([b; 8])
    }
    const HI: u64 = splat(0x80);
    let x = w & !HI;
    // At least '0', and above '9'.
    let digit = (x + splat(0x80 - b'0')) & !(x + splat(0x80 - b'9' - 1));
    // Letters folded to lower case (only 'A'..='Z' land in 'a'..='z' with bit 5 set).
    let y = x | splat(0x20);
    let letter = (y + splat(0x80 - b'a')) & !(y + splat(0x80 - b'z' - 1));
    (!(digit | letter) | w) & HI
}

/// An ASCII character other than a letter, a digit, CR (which joins a following LF) or a [`joiner`]: it
/// ends the token before it.
#[inline]
const fn is_separator(b: u8) -> bool {
    b.is_ascii() && !b.is_ascii_alphanumeric() && !matches!(b, b'\r' | b'\'' | b'-' | b'.' | b',')
}

/// An ASCII [`joiner`]: apostrophe, hyphen, period or comma.
#[inline]
const fn is_joiner_ascii(b: u8) -> bool {
    matches!(b, b'\'' | b'-' | b'.' | b',')
}

/// [`after_word`]'s bit for [`is_separator`].
const SEPARATOR: u8 = 1;
/// [`after_word`]'s bit for [`is_noted_ascii`].
const NOTED: u8 = 2;
/// [`after_word`]'s bit for an ASCII [`joiner`]: [`SEPARATOR`] shifted left by two, so that
/// `class >> 2 & next` is [`SEPARATOR`] exactly for a joiner followed by a separator.
const JOINER: u8 = 4;

/// What the byte after a word run is, from one table lookup: [`SEPARATOR`], [`NOTED`] and [`JOINER`] bits
/// (two tests of a few instructions each on every word otherwise). A test checks the table against them.
#[inline(always)]
fn after_word(b: u8) -> u8 {
    static CLASS: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut b = 0;
        while b < 256 {
            let byte = b as u8;
            t[b] = if is_separator(byte) { SEPARATOR } else { 0 }
                | if is_noted_ascii(byte) { NOTED } else { 0 }
                | if is_joiner_ascii(byte) { JOINER } else { 0 };
            b += 1;
        }
        t
    };
    CLASS[usize::from(b)]
}

/// The character U+2010..=U+205F (General Punctuation up to the invisible operators: dashes, curly
/// quotes, the ellipsis, primes) when its three-byte encoding starts at `bytes[k]`.
#[inline]
fn general_punctuation(bytes: &[u8], k: usize) -> Option<char> {
    match *bytes.get(k..k + 3)? {
        [0xE2, b1 @ (0x80 | 0x81), b2]
            if (b1 == 0x80 && b2 >= 0x90) || (b1 == 0x81 && b2 < 0xA0) =>
        {
            char::from_u32(0x2000 | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn noted_ascii_bytes_are_the_noted_characters() {
        for b in 0..=u8::MAX {
            assert_eq!(
                is_noted_ascii(b),
                b.is_ascii() && is_noted(char::from(b)),
                "{b:#x}"
            );
        }
    }

    fn sents(t: &str, abbr: &[&str]) -> Vec<String> {
        let a = Abbreviations::new(&abbr.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let terminators: Vec<usize> = t
            .char_indices()
            .filter(|&(_, c)| is_terminator(c))
            .map(|(i, _)| i)
            .collect();
        let mut v = Vec::new();
        split_sentences(t, 0, t.len(), &a, &terminators, |s, e| {
            v.push(t[s..e].to_string())
        });
        v
    }

    fn toks(t: &str) -> Vec<&str> {
        let mut v = Vec::new();
        tokens(t, 0, t.len(), |s, e| v.push(&t[s..e]));
        v
    }

    #[test]
    fn basic_sentences() {
        assert_eq!(
            sents("One. Two! Three? Four", &[]),
            vec!["One.", "Two!", "Three?", "Four"]
        );
        assert_eq!(
            sents("He left.  \u{a0}She stayed.", &[]),
            vec!["He left.", "She stayed."]
        );
        assert_eq!(sents("Really?! Yes.", &[]), vec!["Really?!", "Yes."]);
        assert_eq!(
            sents("It was 2016. 2017 came.", &[]),
            vec!["It was 2016.", "2017 came."]
        );
    }

    #[test]
    fn closing_quotes_and_lowercase_continuation() {
        assert_eq!(
            sents("“We fight terror.” he said. “Next.” Then", &[]),
            vec!["“We fight terror.” he said.", "“Next.”", "Then"]
        );
        assert_eq!(
            sents("He said \"stop.\" She left.", &[]),
            vec!["He said \"stop.\"", "She left."]
        );
        assert_eq!(sents("“Why?” he asked.", &[]), vec!["“Why?” he asked."]);
        assert_eq!(
            sents("He left. “Go,” she said.", &[]),
            vec!["He left.", "“Go,” she said."]
        );
        assert_eq!(
            sents("Done (really.) Next one.", &[]),
            vec!["Done (really.)", "Next one."]
        );
    }

    #[test]
    fn abbreviations_and_initials() {
        let ab = ["U.S.", "Sen.", "Sept.", "Dr."];
        assert_eq!(
            sents(
                "The U.S. Secretary met Sen. Smith on Sept. 11. Dr. Who left.",
                &ab
            ),
            vec![
                "The U.S. Secretary met Sen. Smith on Sept. 11.",
                "Dr. Who left."
            ]
        );
        // Documented choice: an abbreviation never ends a sentence.
        assert_eq!(
            sents("He lives in the U.S. The end.", &ab),
            vec!["He lives in the U.S. The end."]
        );
        // Case-sensitive: "sen." is not "Sen.".
        assert_eq!(sents("The sen. Smith", &ab), vec!["The sen.", "Smith"]);
        // Without the list, "Sen." ends a sentence.
        assert_eq!(sents("Sen. Smith", &[]), vec!["Sen.", "Smith"]);
        // Leading bracket ignored.
        assert_eq!(
            sents("(Sen. Smith) spoke.", &ab),
            vec!["(Sen. Smith) spoke."]
        );
        assert_eq!(
            sents("John F. Kennedy and J. K. Rowling met. Then", &[]),
            vec!["John F. Kennedy and J. K. Rowling met.", "Then"]
        );
    }

    #[test]
    fn numbers_and_ellipsis() {
        assert_eq!(
            sents("It rose 3.5 percent. Good.", &[]),
            vec!["It rose 3.5 percent.", "Good."]
        );
        assert_eq!(
            sents("Well... maybe. And … so on… Then", &[]),
            vec!["Well... maybe.", "And … so on…", "Then"]
        );
        assert_eq!(sents("Wait... Now.", &[]), vec!["Wait...", "Now."]);
        assert_eq!(
            sents("Visit www.example.com. Now", &[]),
            vec!["Visit www.example.com.", "Now"]
        );
    }

    #[test]
    fn unspaced_and_caseless_scripts() {
        assert_eq!(
            sents("今日は晴れ。明日は雨。", &[]),
            vec!["今日は晴れ。", "明日は雨。"]
        );
        assert_eq!(sents("यह है। अगला वाक्य।", &[]), vec!["यह है।", "अगला वाक्य।"]);
    }

    #[test]
    fn degenerate_sentences() {
        assert_eq!(sents(".", &[]), vec!["."]);
        assert_eq!(sents(". . . A", &[]), vec![". . .", "A"]);
        assert_eq!(sents("“. ”", &[]), vec!["“. ”"]);
    }

    /// The run end as a plain `position` finds it.
    fn word_end_by_bytes(bytes: &[u8], from: usize) -> usize {
        bytes.get(from..).map_or(from, |r| {
            from + r
                .iter()
                .position(|&b| !b.is_ascii_alphanumeric())
                .unwrap_or(r.len())
        })
    }

    #[test]
    fn word_end_classifies_every_byte_in_every_position() {
        for b in 0..=u8::MAX {
            for k in 0..12 {
                let mut t = vec![b'a'; 12];
                t[k] = b;
                for from in 0..=13 {
                    assert_eq!(
                        word_end(&t, from),
                        word_end_by_bytes(&t, from),
                        "{b:#x} at {k} from {from}"
                    );
                }
            }
        }
    }

    proptest! {
        #[test]
        fn word_end_is_the_end_of_the_word_run(
            t in "[a-zA-Z0-9 .,'@`{/:\u{e9}\u{2019}]{0,40}",
            from in 0usize..42,
        ) {
            prop_assert_eq!(word_end(t.as_bytes(), from), word_end_by_bytes(t.as_bytes(), from));
        }
    }

    #[test]
    fn word_tokens() {
        assert_eq!(
            toks("The war-torn state, al-Sham’s fighters don't know rock 'n' roll."),
            vec![
                "The",
                "war-torn",
                "state",
                "al-Sham’s",
                "fighters",
                "don't",
                "know",
                "rock",
                "n",
                "roll"
            ]
        );
        assert_eq!(
            toks("'90s students' 3.5% 1,000 U.S. 2,b"),
            vec!["90s", "students", "3.5", "1,000", "U.S", "2", "b"]
        );
        assert_eq!(
            toks("a--b -x- é\u{301}t\u{e9} 😀 ok"),
            vec!["a", "b", "x", "é\u{301}t\u{e9}", "ok"]
        );
        assert_eq!(toks("x.’"), vec!["x"]);
        assert!(toks("— … “ ”").is_empty());
    }

    /// Tokens from the clusters of the segmenter run over the whole string.
    fn toks_by_segmenter(t: &str) -> Vec<&str> {
        use unicode_segmentation::UnicodeSegmentation;
        let mut v = Vec::new();
        let mut push = |s: usize, e: usize| v.push(&t[s..e]);
        let mut scan = TokenScan::default();
        for (i, g) in t.grapheme_indices(true) {
            scan.cluster(i, g, &mut push);
        }
        scan.finish(&mut push);
        v
    }

    #[test]
    fn tokens_match_the_segmenter() {
        for t in [
            "",
            "plain text, 3.5% and 1,000",
            "cafe\u{301} x a\u{200d}b",
            "a\r\nb\r\r\n\n",
            "\u{600}1 \u{d4e}a",
            "ok 🇫🇷🇩🇪🇮 x",
            "👩\u{200d}👩\u{200d}👧!",
            "क\u{94d}षa\u{903}",
            "\u{1100}\u{1161}\u{11a8}z",
        ] {
            assert_eq!(toks(t), toks_by_segmenter(t), "{t:?}");
        }
    }

    #[test]
    fn separators_end_tokens_and_join_nothing() {
        for b in 0..=255u8 {
            let c = char::from(b);
            let want = b.is_ascii() && !c.is_alphanumeric() && c != '\r' && joiner(c).is_none();
            assert_eq!(is_separator(b), want, "{b}");
            assert_eq!(after_word(b) & SEPARATOR != 0, is_separator(b), "{b}");
            assert_eq!(after_word(b) & NOTED != 0, is_noted_ascii(b), "{b}");
            assert_eq!(
                after_word(b) & JOINER != 0,
                b.is_ascii() && joiner(c).is_some(),
                "{b}"
            );
        }
    }

    #[test]
    fn general_punctuation_is_decoded_and_stands_alone() {
        use unicode_segmentation::UnicodeSegmentation;
        for c in '\u{2000}'..='\u{2070}' {
            let mut buf = [0u8; 4];
            let enc = c.encode_utf8(&mut buf).as_bytes();
            let want = ('\u{2010}'..='\u{205f}').contains(&c).then_some(c);
            assert_eq!(general_punctuation(enc, 0), want, "{c:?}");
            if want.is_none() {
                continue;
            }
            assert!(!c.is_alphanumeric(), "{c:?}");
            // Its own cluster between ASCII characters and next to its kind, whatever the neighbours.
            for t in [
                format!("a{c}b"),
                format!(" {c}\r\n"),
                format!("{c}{c}"),
                format!("1{c}\u{2019}x"),
            ] {
                let clusters: Vec<&str> = t.graphemes(true).collect();
                let alone: Vec<String> = t.chars().map(String::from).collect();
                let alone: Vec<&str> = alone.iter().map(String::as_str).collect();
                let want: Vec<&str> = if t.ends_with("\r\n") {
                    let mut w = alone[..alone.len() - 2].to_vec();
                    w.push("\r\n");
                    w
                } else {
                    alone
                };
                assert_eq!(clusters, want, "{t:?}");
            }
        }
        assert_eq!(general_punctuation("\u{2019}".as_bytes(), 1), None);
        assert_eq!(general_punctuation(&[0xE2, 0x80], 0), None);
    }

    /// Mostly ASCII with the characters that join clusters across an ASCII neighbour.
    fn mixed() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a", "Z", "7", " ", ".", "'", ",", "-", "\r", "\n", "\t", "\u{7f}", "word", "\u{301}",
            "\u{200d}", "\u{903}", "\u{600}", "\u{d4e}", "\u{94d}", "क", "🇫", "👩", "😀",
            "\u{fe0f}", "\u{1100}", "\u{1161}", "\u{11a8}", "’", "é", "—", "\u{a0}", "٣", "²",
            "U.S", "don't", "1,0", "\u{2010}", "“", "”", "…", "‼", "\u{2028}", "\u{205f}",
            "\u{2060}", "\u{200f}", "‘",
        ]);
        prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
    }

    /// Sentence-like text: ASCII words, terminators and quotation marks, typographic punctuation, spaces
    /// that are not ASCII, and characters that join the cluster before them.
    fn prose() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "He", "said", "U.S", "Mr", "J", "3", ".", ". ", "! ", "? ", "?!", "…", " ", "  ", "\"",
            "'", "''", "“", "”", "‘", "’", "«", "»", ",", "-", "—", "(", ")", "。", "\u{a0}",
            "\u{2009}", "\u{301}", "\u{941}", "\u{903}", "é", "\t", "\n",
        ]);
        prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
    }

    /// `scan_paragraph` against a filter over the characters and, when it says its tokens are those of
    /// the sentences, against the token scan of each sentence.
    fn check_scan_paragraph(t: &str) -> Result<(), TestCaseError> {
        let abbr = Abbreviations::new(&["Mr.".to_string()]);
        let (mut toks, mut noted) = (Vec::new(), Vec::new());
        let simple = scan_paragraph(
            t,
            0,
            t.len(),
            |s, e| toks.push((s, e)),
            |i, c| noted.push((i, c)),
        );
        let want: Vec<(usize, char)> = t.char_indices().filter(|&(_, c)| is_noted(c)).collect();
        prop_assert_eq!(&noted, &want);
        let terminators: Vec<usize> = noted
            .iter()
            .filter(|&&(_, c)| is_terminator(c))
            .map(|&(i, _)| i)
            .collect();
        let mut by_sentence = Vec::new();
        split_sentences(t, 0, t.len(), &abbr, &terminators, |s, e| {
            tokens(t, s, e, |a, b| by_sentence.push((a, b)))
        });
        if simple {
            prop_assert_eq!(toks, by_sentence);
        }
        Ok(())
    }

    /// The two-byte decisions of `boundary` against the character-by-character ones, at every terminator.
    fn check_boundaries(t: &str) -> Result<(), TestCaseError> {
        let abbr = Abbreviations::new(&["Mr.".to_string(), "U.S.".to_string()]);
        for (i, c) in t.char_indices().filter(|&(_, c)| is_terminator(c)) {
            prop_assert_eq!(
                boundary(t, i, c, &abbr),
                boundary_by_chars(t, i, c, &abbr),
                "at {} of {:?}",
                i,
                t
            );
        }
        Ok(())
    }

    #[test]
    fn paragraph_scan_notes_punctuation_and_says_when_it_needs_sentences() {
        let t = "He said “no.” Then ‘it’s’ 3.5 — ok?! Yes";
        check_scan_paragraph(t).unwrap();
        assert!(scan_paragraph(t, 0, t.len(), |_, _| {}, |_, _| {}));
        // A combining mark after a sentence's whitespace starts a sentence of its own.
        let t = "It ended. \u{941}x";
        check_scan_paragraph(t).unwrap();
        assert!(!scan_paragraph(t, 0, t.len(), |_, _| {}, |_, _| {}));
    }

    /// The ASCII decision of `is_abbreviation_or_initial` against the character-by-character one, at every
    /// period.
    fn check_abbreviations(t: &str) -> Result<(), TestCaseError> {
        let abbr = Abbreviations::new(&["Mr.", "U.S.", "Calif", "a.m.", "No"].map(String::from));
        for (i, _) in t.match_indices('.') {
            if let Some(fast) = ascii_abbreviation_or_initial(t, i, &abbr) {
                prop_assert_eq!(
                    fast,
                    abbreviation_or_initial_by_chars(t, i, &abbr),
                    "at {} of {:?}",
                    i,
                    t
                );
            }
        }
        Ok(())
    }

    #[test]
    fn abbreviations_by_bytes() {
        for t in [
            "Mr. U.S. (D-Calif. x.Calif. ..Calif. a.m. No. no. J. j. é. (Mr. 3.",
            &format!("{}. a{}.", "x".repeat(70), "b".repeat(63)),
        ] {
            check_abbreviations(t).unwrap();
        }
        let abbr = Abbreviations::new(&["Calif.".to_string()]);
        assert!(is_abbreviation_or_initial("(D-Calif.", 8, &abbr));
        assert!(is_abbreviation_or_initial("so J.", 4, &abbr));
        assert!(!is_abbreviation_or_initial("so j.", 4, &abbr));
    }

    proptest! {
        #[test]
        fn abbreviations_by_bytes_on_prose(t in prose()) {
            check_abbreviations(&t)?;
        }

        #[test]
        fn abbreviations_by_bytes_on_ascii(t in "[ a-zA-Z0-9.,()'\t-]{0,80}") {
            check_abbreviations(&t)?;
        }

        #[test]
        fn paragraph_scan_on_prose(t in prose()) {
            check_scan_paragraph(&t)?;
        }

        #[test]
        fn sentence_boundaries_on_prose(t in prose()) {
            check_boundaries(&t)?;
        }

        #[test]
        fn sentence_boundaries_on_ascii(t in "[ a-zA-Z0-9.!?\"'),]{0,40}") {
            check_boundaries(&t)?;
        }

        #[test]
        fn paragraph_scan_on_mixed_text(t in mixed()) {
            check_scan_paragraph(&t)?;
        }

        #[test]
        fn paragraph_scan_on_any_string(t in any::<String>()) {
            check_scan_paragraph(&t)?;
        }

        #[test]
        fn tokens_match_the_segmenter_on_mixed_text(t in mixed()) {
            prop_assert_eq!(toks(&t), toks_by_segmenter(&t));
        }

        #[test]
        fn tokens_match_the_segmenter_on_prose(t in prose()) {
            prop_assert_eq!(toks(&t), toks_by_segmenter(&t));
        }

        #[test]
        fn words_before_joiners_and_separators(t in "[aZ7 ,.'\"!?-]{0,40}") {
            prop_assert_eq!(toks(&t), toks_by_segmenter(&t));
            check_scan_paragraph(&t)?;
        }

        #[test]
        fn tokens_match_the_segmenter_on_any_string(t in any::<String>()) {
            prop_assert_eq!(toks(&t), toks_by_segmenter(&t));
        }
    }
}
