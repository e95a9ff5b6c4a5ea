//! The compiled term matcher: every surface form of every term entry in one byte trie, walked over the match
//! view of a text (see [`super::normalize`]) and mapped back to byte offsets of the original text.
//!
//! A surface that starts with a word character needs a word boundary before it, and one that does not
//! starts with a character that is no word character: either way a match starts at a character that is not
//! inside a word, which the view lists (its `starts`). The trie is walked from each of those and reports
//! every surface found there, so a longer match that fails the end boundary check does not hide a shorter
//! valid one ("terror" behind "terrorist" in "terroristic"); the leftmost-longest valid ones are then
//! chosen. Surfaces never start with a space (they are trimmed); should a user's term fold to one that does
//! (an invisible character before a space), the spaces of the view are walked from too.

use super::normalize::{self, is_word_char, normalize, OffsetMap};
use super::trie::Trie;
use super::Entry;
use rustc_hash::FxHashMap;
use std::collections::hash_map::Entry as MapEntry;

/// One match: byte offsets into the original text and the index of the entry in the slice given to
/// [`TermMatcher::build`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermHit {
    pub start: usize,
    pub end: usize,
    pub entry: usize,
}

/// Who a surface form belongs to.
#[derive(Debug, Clone)]
struct Owner {
    entry: u32,
    /// Prefix wildcard: the match runs on to the end of the word.
    wildcard: bool,
    /// For case-sensitive entries: the unfolded form the original text must show.
    exact: Option<Box<str>>,
}

#[derive(Debug, Clone, Default)]
struct Surface {
    terms: Vec<Owner>,
    /// Entries for which this surface is an exception phrase.
    exceptions: Vec<Owner>,
    /// Whether the first / last character is a word character (only then is a boundary required there).
    check_start: bool,
    check_end: bool,
}

/// Compiled matcher for the term entries of one or more lexicons.
#[derive(Debug, Clone)]
pub struct TermMatcher {
    /// The folded surface forms; a key's value is its index in `surfaces`. `None` when there are none.
    trie: Option<Trie>,
    /// Some surface starts with a space.
    space_start: bool,
    surfaces: Vec<Surface>,
    /// Group of every entry ([`TermMatcher::build_grouped`]); empty when all are in group 0.
    groups: Vec<u32>,
    /// Number of groups (at least 1).
    ngroups: usize,
}

/// A match in view coordinates (byte offsets into the match view).
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    entry: u32,
}

impl TermMatcher {
    /// Compiles the term entries of `entries` (pattern entries are ignored). Surface forms: the term (a
    /// trailing `*` makes it a prefix wildcard), its inflections when `inflect` is set, and `forms`. When two
    /// entries share a surface form the first one keeps it.
    pub fn build(entries: &[&Entry]) -> crate::Result<Self> {
        Self::build_grouped(entries, &[])
    }

    /// As [`TermMatcher::build`], for entries in groups (`groups[i]` is entry i's group; missing = 0): one
    /// trie, one scan, and the same hits as one matcher per group — overlaps are resolved within a
    /// group only, and a surface form shared by two groups belongs to both.
    pub fn build_grouped(entries: &[&Entry], groups: &[u32]) -> crate::Result<Self> {
        let Builder {
            patterns,
            surfaces,
            groups,
            ..
        } = Builder::collect(entries, groups)?;
        let ngroups = groups.iter().max().map_or(1, |&g| g as usize + 1);
        let too_many = || crate::Error::Other("too many surface forms".into());
        u32::try_from(patterns.len()).map_err(|_| too_many())?;
        let trie = if patterns.is_empty() {
            None
        } else {
            Some(Trie::new(&patterns).ok_or_else(too_many)?)
        };
        Ok(TermMatcher {
            space_start: trie.as_ref().is_some_and(|t| t.has_first_byte(b' ')),
            trie,
            surfaces,
            groups,
            ngroups,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.trie.is_none()
    }

    /// Whether some surface starts with a space, so that matches may start at spaces too (see the module
    /// docs): only then can a space put before a text change which terms it holds.
    pub fn walks_spaces(&self) -> bool {
        self.space_start
    }

    /// All matches in `text`, sorted by start, non-overlapping (leftmost, then longest, then first entry).
    pub fn find_all(&self, text: &str) -> Vec<TermHit> {
        let mut out = Vec::new();
        if self.trie.is_none() || text.is_empty() {
            return out;
        }
        // The offset map uses u32; cut larger texts at whitespace into pieces that fit.
        const PIECE: usize = 1 << 31;
        let mut base = 0;
        while base < text.len() {
            let mut end = (base + PIECE).min(text.len());
            while end > base && !text.is_char_boundary(end) {
                end -= 1;
            }
            if end < text.len() {
                if let Some(ws) = text
                    .get(base..end)
                    .and_then(|s| s.rfind(char::is_whitespace))
                {
                    if ws > 0 {
                        end = base + ws;
                    }
                }
            }
            if end <= base {
                break;
            }
            if let Some(piece) = text.get(base..end) {
                self.find_in(piece, base, &mut out);
            }
            base = end;
        }
        out
    }

    fn find_in(&self, text: &str, base: usize, out: &mut Vec<TermHit>) {
        if self.trie.is_none() {
            return;
        }
        // Matchers run on many short strings (sources, names): reuse one view buffer per thread.
        thread_local! {
            static SCRATCH: std::cell::RefCell<ViewParts> = const {
                std::cell::RefCell::new(ViewParts::new())
            };
        }
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut guard) => {
                let parts = &mut *guard;
                parts.build(text);
                self.find_in_parts(text, parts, base, out);
                // Do not keep a huge buffer alive after one long text.
                if parts.view.capacity() > 1 << 20 {
                    *parts = ViewParts::new();
                }
            }
            Err(_) => {
                let mut parts = ViewParts::new();
                parts.build(text);
                self.find_in_parts(text, &parts, base, out);
            }
        });
    }

    /// All matches in the text of `v` (as [`TermMatcher::find_all`], without building the view again).
    pub fn find_in_view(&self, v: &MatchView) -> Vec<TermHit> {
        let mut out = Vec::new();
        match &v.view {
            Some(parts) => self.find_in_parts(v.text, parts, 0, &mut out),
            None => out = self.find_all(v.text),
        }
        out
    }

    /// Appends to `out` every surface found at a start of the view as `(start, end, surface index)`, in
    /// no particular order. (Collected before they are checked, so that the walk loop stays small.)
    fn candidates(&self, parts: &ViewParts, out: &mut Vec<(usize, usize, u32)>) {
        let Some(trie) = &self.trie else { return };
        let bytes = parts.view.as_slice();
        for &start in &parts.starts {
            let start = start as usize;
            trie.prefixes_at(bytes, start, |end, s| out.push((start, end, s)));
        }
        if self.space_start {
            for (start, _) in bytes.iter().enumerate().filter(|&(_, &b)| b == b' ') {
                trie.prefixes_at(bytes, start, |end, s| out.push((start, end, s)));
            }
        }
    }

    fn find_in_parts(&self, text: &str, parts: &ViewParts, base: usize, out: &mut Vec<TermHit>) {
        // Matchers run on many short phrases: reuse the work buffers of one thread.
        thread_local! {
            static BUFFERS: std::cell::RefCell<Buffers> = std::cell::RefCell::default();
        }
        BUFFERS.with(|cell| match cell.try_borrow_mut() {
            Ok(mut guard) => {
                let bufs = &mut *guard;
                self.find_with(text, parts, base, out, bufs);
                // Do not keep huge buffers alive after one long text.
                if bufs.candidates.capacity() > 1 << 16 {
                    *bufs = Buffers::default();
                }
            }
            Err(_) => self.find_with(text, parts, base, out, &mut Buffers::default()),
        });
    }

    /// [`TermMatcher::find_in_parts`] with the given work buffers (their contents are replaced).
    fn find_with(
        &self,
        text: &str,
        parts: &ViewParts,
        base: usize,
        out: &mut Vec<TermHit>,
        bufs: &mut Buffers,
    ) {
        let (view, map) = (parts.view.as_slice(), &parts.map);
        let Buffers {
            candidates,
            found,
            exceptions,
            scratch,
            last_end,
        } = bufs;
        candidates.clear();
        found.clear();
        exceptions.clear();
        self.candidates(parts, candidates);
        for &(start, end, s) in candidates.iter() {
            let Some(surface) = self.surfaces.get(s as usize) else {
                continue;
            };
            // The starts of the view guarantee the boundary before a surface that needs one.
            debug_assert!(
                !surface.check_start || !char_before(view, start).is_some_and(is_word_char)
            );
            let end_ok = !surface.check_end || !char_at(view, end).is_some_and(is_word_char);
            let mut word_end = None;
            let mut accept = |o: &Owner, scratch: &mut String| -> Option<Span> {
                let end = if o.wildcard {
                    *word_end.get_or_insert_with(|| extend_word(view, end))
                } else if end_ok {
                    end
                } else {
                    return None;
                };
                if let Some(exact) = &o.exact {
                    let (s, e) = original_span(text, map, start, end)?;
                    scratch.clear();
                    normalize::for_each(text.get(s..e)?, false, |c, _| scratch.push(c));
                    let ok = if o.wildcard {
                        scratch.starts_with(&**exact)
                    } else {
                        *scratch == **exact
                    };
                    if !ok {
                        return None;
                    }
                }
                Some(Span {
                    start,
                    end,
                    entry: o.entry,
                })
            };
            for o in &surface.terms {
                if let Some(span) = accept(o, scratch) {
                    found.push(span);
                }
            }
            for o in &surface.exceptions {
                if let Some(span) = accept(o, scratch) {
                    exceptions.push(span);
                }
            }
        }
        if !exceptions.is_empty() {
            // An exception covering a hit starts at or before it and is at most `longest` long.
            exceptions.sort_unstable_by_key(|x| x.start);
            let longest = exceptions
                .iter()
                .map(|x| x.end - x.start)
                .max()
                .unwrap_or(0);
            found.retain(|f| {
                let upto = exceptions.partition_point(|x| x.start <= f.start);
                !exceptions[..upto]
                    .iter()
                    .rev()
                    .take_while(|x| x.start + longest >= f.end)
                    .any(|x| x.entry == f.entry && f.end <= x.end)
            });
        }
        found.sort_unstable_by(|a, b| {
            a.start
                .cmp(&b.start)
                .then(b.end.cmp(&a.end))
                .then(a.entry.cmp(&b.entry))
        });
        // Leftmost-longest non-overlapping hits, within each group.
        last_end.clear();
        last_end.resize(self.ngroups, 0);
        for f in found.iter() {
            let g = self.groups.get(f.entry as usize).copied().unwrap_or(0) as usize;
            let Some(last) = last_end.get_mut(g) else {
                continue;
            };
            if f.start < *last {
                continue;
            }
            if let Some((s, e)) = original_span(text, map, f.start, f.end) {
                out.push(TermHit {
                    start: base + s,
                    end: base + e,
                    entry: f.entry as usize,
                });
                *last = f.end;
            }
        }
    }
}

/// The work buffers of [`TermMatcher::find_in_parts`].
#[derive(Default)]
struct Buffers {
    /// Surfaces found at the starts of the view: (start, end, surface index).
    candidates: Vec<(usize, usize, u32)>,
    found: Vec<Span>,
    exceptions: Vec<Span>,
    /// The unfolded form of a case-sensitive match.
    scratch: String,
    /// End of the last hit taken, by group.
    last_end: Vec<usize>,
}

/// A text with its match view (folded text and offset map), built once and shared by every matcher that
/// scans the same text.
pub struct MatchView<'a> {
    text: &'a str,
    /// `None` for a text too long for the u32 offset map: matchers then cut it into pieces themselves.
    view: Option<ViewParts>,
}

impl<'a> MatchView<'a> {
    pub fn new(text: &'a str) -> Self {
        let view = (text.len() < u32::MAX as usize).then(|| {
            let mut parts = ViewParts::new();
            parts.build(text);
            parts
        });
        MatchView { text, view }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }
}

/// The match view of a text, its offset map and where matches may start ([`normalize::view_with_map`]).
struct ViewParts {
    /// The view's bytes (UTF-8).
    view: Vec<u8>,
    map: OffsetMap,
    starts: Vec<u32>,
}

impl ViewParts {
    const fn new() -> Self {
        ViewParts {
            view: Vec::new(),
            map: OffsetMap::new(),
            starts: Vec::new(),
        }
    }

    fn build(&mut self, text: &str) {
        normalize::view_with_map(text, &mut self.view, &mut self.map, &mut self.starts);
    }
}

/// Collects surface forms: one trie key per distinct folded form, with its owners.
#[derive(Default)]
struct Builder {
    /// Index of each folded form in `patterns` (hashed once per form, with the crate's fast hash: the
    /// built-in lexicons have thousands of forms to add at start-up).
    index: FxHashMap<String, usize>,
    patterns: Vec<String>,
    surfaces: Vec<Surface>,
    /// Group of every entry (missing = 0).
    groups: Vec<u32>,
    /// Work buffers of the match view of a form: a form is folded by the view's fast pass (the same
    /// characters as [`normalize`], tested there), without a buffer of its own per form.
    view: ViewParts,
}

impl Default for ViewParts {
    fn default() -> Self {
        ViewParts::new()
    }
}

impl Builder {
    /// The surface forms of the term entries of `entries` (see [`TermMatcher::build_grouped`]).
    fn collect(entries: &[&Entry], groups: &[u32]) -> crate::Result<Self> {
        let mut b = Builder {
            groups: groups.to_vec(),
            ..Builder::default()
        };
        for (i, e) in entries.iter().enumerate() {
            if e.pattern.is_some() {
                continue;
            }
            let entry = u32::try_from(i)
                .map_err(|_| crate::Error::Other("too many lexicon entries".into()))?;
            b.add(&e.term, entry, e.case_sensitive, false);
            let body = e.term.trim();
            if e.inflect && !body.ends_with('*') {
                for form in inflections(body) {
                    b.add(&form, entry, e.case_sensitive, false);
                }
            }
            for form in &e.forms {
                b.add(form, entry, e.case_sensitive, false);
            }
            for x in &e.except {
                b.add(x, entry, e.case_sensitive, true);
            }
        }
        Ok(b)
    }

    fn add(&mut self, form: &str, entry: u32, case_sensitive: bool, exception: bool) {
        let (body, wildcard) = split_wildcard(form);
        // `normalize(body, true)`.
        self.view.build(body.trim());
        let folded = match std::str::from_utf8(&self.view.view) {
            Ok(v) => v.to_owned(),
            Err(_) => normalize(body, true),
        };
        let (Some(first), Some(last)) = (folded.chars().next(), folded.chars().next_back()) else {
            return;
        };
        let slot = match self.index.entry(folded) {
            MapEntry::Occupied(e) => *e.get(),
            MapEntry::Vacant(v) => {
                // Room for the one owner nearly every surface gets, allocated as such rather than by
                // growing an empty list.
                let one = || Vec::with_capacity(1);
                self.surfaces.push(Surface {
                    terms: if exception { Vec::new() } else { one() },
                    exceptions: if exception { one() } else { Vec::new() },
                    check_start: is_word_char(first),
                    check_end: is_word_char(last),
                });
                self.patterns.push(v.key().clone());
                *v.insert(self.patterns.len() - 1)
            }
        };
        let Some(surface) = self.surfaces.get_mut(slot) else {
            return;
        };
        let list = if exception {
            &mut surface.exceptions
        } else {
            &mut surface.terms
        };
        let exact = case_sensitive.then(|| normalize(body, false).into_boxed_str());
        // Same surface, same settings: the first entry of the group keeps it.
        let group = |e: u32| self.groups.get(e as usize).copied().unwrap_or(0);
        let g = group(entry);
        if !list
            .iter()
            .any(|o| o.wildcard == wildcard && o.exact == exact && group(o.entry) == g)
        {
            list.push(Owner {
                entry,
                wildcard,
                exact,
            });
        }
    }
}

/// Splits a trailing `*` (prefix wildcard) off a term.
fn split_wildcard(term: &str) -> (&str, bool) {
    let t = term.trim();
    match t.strip_suffix('*') {
        Some(body) => (body, true),
        None => (t, false),
    }
}

/// The character of the UTF-8 bytes `s` that ends at `i`; `None` at the start, or when `i` is no
/// character boundary.
fn char_before(s: &[u8], i: usize) -> Option<char> {
    let head = s.get(..i)?;
    // The character's first byte: the last one that is no continuation byte (10xxxxxx).
    let first = (i.saturating_sub(4)..i)
        .rev()
        .find(|&k| head.get(k).is_some_and(|&b| b & 0xc0 != 0x80))?;
    std::str::from_utf8(head.get(first..)?).ok()?.chars().next()
}

/// The character of the UTF-8 bytes `s` that starts at `i`; `None` at the end, or when `i` is no
/// character boundary (as `str::get(i..)` then gives none).
fn char_at(s: &[u8], i: usize) -> Option<char> {
    let rest = s.get(i..)?;
    let len = match *rest.first()? {
        0xf0.. => 4,
        0xe0.. => 3,
        0xc0.. => 2,
        _ => 1,
    };
    std::str::from_utf8(rest.get(..len)?).ok()?.chars().next()
}

/// Extends `end` over the word characters that follow it.
fn extend_word(view: &[u8], end: usize) -> usize {
    let mut k = end;
    while let Some(c) = char_at(view, k).filter(|&c| is_word_char(c)) {
        k += c.len_utf8();
    }
    k
}

/// Maps a non-empty view span to the original text: from the first character's start to the end of the
/// character that produced the last view byte.
fn original_span(text: &str, map: &OffsetMap, start: usize, end: usize) -> Option<(usize, usize)> {
    let s = map.get(start)?;
    let last = map.get(end.checked_sub(1)?)?;
    let e = last + text.get(last..)?.chars().next()?.len_utf8();
    Some((s, e))
}

/// Regular English inflections of the last word of `term`: plural/3rd person (-s, -es, -ies), past (-ed, -d,
/// -ied) and -ing, doubling the final consonant of one-syllable consonant-vowel-consonant words ("slam" →
/// "slammed", "slamming"). Each form is written once, with the head of the term (the built-in lexicons
/// inflect hundreds of terms at start-up, where a lower-cased copy per suffix test and a second string per
/// form were most of the work).
pub fn inflections(term: &str) -> Vec<String> {
    let split = term
        .char_indices()
        .rfind(|&(_, c)| c.is_whitespace() || c == '-')
        .map_or(0, |(i, c)| i + c.len_utf8());
    let (head, word) = term.split_at(split);
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 2 || !chars.iter().all(|c| c.is_alphabetic()) {
        return Vec::new();
    }
    let lower: Vec<char> = chars.iter().flat_map(|c| c.to_lowercase()).collect();
    let n = lower.len();
    let vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u');
    let last = lower[n - 1];
    let prev = lower[n - 2];
    let lower_word = word.to_lowercase();
    let ends = |s: &str| lower_word.ends_with(s);
    // The word without its last `k` (1 or 2, of at least 2) characters.
    let stem_minus = |k: usize| -> &str {
        let cut = word.char_indices().nth_back(k - 1).map_or(0, |(i, _)| i);
        word.get(..cut).unwrap_or_default()
    };
    let consonant_y = last == 'y' && !vowel(prev);
    let vowel_groups = lower
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            (vowel(c) || (c == 'y' && i > 0))
                && (i == 0 || !(vowel(lower[i - 1]) || lower[i - 1] == 'y'))
        })
        .count();
    let cvc = n >= 3
        && !vowel(lower[n - 3])
        && vowel(prev)
        && !vowel(last)
        && !matches!(last, 'w' | 'x' | 'y')
        && vowel_groups == 1;
    // The final consonant doubled.
    let double = chars[chars.len() - 1];

    let plural = if ends("s") || ends("x") || ends("z") || ends("ch") || ends("sh") {
        format!("{head}{word}es")
    } else if consonant_y {
        format!("{head}{}ies", stem_minus(1))
    } else {
        format!("{head}{word}s")
    };
    let past = if last == 'e' {
        format!("{head}{word}d")
    } else if consonant_y {
        format!("{head}{}ied", stem_minus(1))
    } else if cvc {
        format!("{head}{word}{double}ed")
    } else {
        format!("{head}{word}ed")
    };
    let ing = if ends("ie") {
        format!("{head}{}ying", stem_minus(2))
    } else if last == 'e' && n > 2 && !ends("ee") && !ends("ye") && !ends("oe") {
        format!("{head}{}ing", stem_minus(1))
    } else if cvc {
        format!("{head}{word}{double}ing")
    } else {
        format!("{head}{word}ing")
    };
    vec![plural, past, ing]
}

#[cfg(test)]
mod tests;
