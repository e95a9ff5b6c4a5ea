//! The match view: one normalisation applied to both terms and text, so that a term matches its spelling
//! variants. Case is folded per character (Unicode), whitespace runs become one space, a hyphen or dash
//! between two word characters becomes a space ("war-torn" = "war torn" = "war–torn"), curly apostrophes
//! become `'`, and invisible characters (soft hyphen, zero-width space/joiners, BOM) are dropped.

/// A character that belongs to a word for boundary checks (letters, digits, combining accents).
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || ('\u{300}'..='\u{36f}').contains(&c)
}

fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{fe63}' | '\u{ff0d}'
    )
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\u{2019}' | '\u{2018}' | '\u{02bc}')
}

fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}'
    )
}

/// Where a match-view pass stands between two characters.
#[derive(Default)]
struct Pass {
    /// The last character kept was a word character.
    prev_word: bool,
    /// Start of the whitespace run (or joining dash) not emitted yet: it becomes one space before the next
    /// kept character.
    space_at: Option<usize>,
}

impl Pass {
    /// A punctuation character of the view's fast paths starts at view offset `out.len()`, after the
    /// pending space if there is one: it begins a view token of its own and is no word character.
    #[inline(always)]
    fn start_punctuation(&mut self, out: &mut Vec<u8>, map: &mut OffsetMap, starts: &mut Vec<u32>) {
        if let Some(s) = self.space_at.take() {
            map.step_at(out.len(), s);
            out.push(b' ');
        }
        self.prev_word = false;
        starts.push(out.len() as u32);
    }

    /// Feed character `c` at byte `i`; `next` is the character after it. Calls `emit(c, at)` for each
    /// character of the view it produces.
    #[inline]
    fn step(
        &mut self,
        c: char,
        i: usize,
        next: Option<char>,
        fold: bool,
        emit: &mut impl FnMut(char, usize),
    ) {
        if c.is_ascii_alphanumeric() {
            // Fast path for the common case.
            if let Some(s) = self.space_at.take() {
                emit(' ', s);
            }
            self.prev_word = true;
            emit(if fold { c.to_ascii_lowercase() } else { c }, i);
            return;
        }
        if c.is_whitespace() {
            self.space_at.get_or_insert(i);
            self.prev_word = false;
            return;
        }
        if is_dash(c) && self.prev_word && self.space_at.is_none() && next.is_some_and(is_word_char)
        {
            self.space_at = Some(i);
            self.prev_word = false;
            return;
        }
        if is_ignorable(c) {
            return;
        }
        if let Some(s) = self.space_at.take() {
            emit(' ', s);
        }
        self.prev_word = is_word_char(c);
        if is_apostrophe(c) {
            emit('\'', i);
        } else if !fold {
            emit(c, i);
        } else if c == '\u{130}' {
            // 'İ' lowercases to "i̇" (i + combining dot); fold it to a plain 'i' so "istanbul" matches.
            emit('i', i);
        } else {
            for l in c.to_lowercase() {
                emit(l, i);
            }
        }
    }
}

/// Calls `emit(c, at)` for each character of the match view of `text`; `at` is the byte offset in `text` of
/// the character that produced `c` (for a collapsed whitespace run or a joining dash: where it starts).
#[inline]
pub fn for_each(text: &str, fold: bool, mut emit: impl FnMut(char, usize)) {
    let mut pass = Pass::default();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        pass.step(c, i, next, fold, &mut emit);
    }
}

/// The match view of a term (trimmed), folded unless `fold` is false.
pub fn normalize(term: &str, fold: bool) -> String {
    let mut out = String::with_capacity(term.len());
    for_each(term.trim(), fold, |c, _| out.push(c));
    out
}

/// For every byte of a match view, the offset of the original character that produced it, stored as runs:
/// most of a view is the text itself lower-cased byte for byte, where the offset of a view byte is its own
/// offset plus a constant, so a run of them is one entry rather than one per byte. Only the hits of a
/// matcher are mapped back, so a lookup may search the runs.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    runs: Vec<Run>,
    /// Length of the view.
    len: usize,
}

/// From view offset `view` on (to the next run), view byte `v` comes from offset `text + (v - view)` if
/// `step`, else from `text` (the bytes of one view character made from a non-ASCII one).
#[derive(Debug, Clone, Copy)]
struct Run {
    view: u32,
    text: u32,
    step: bool,
}

impl OffsetMap {
    pub const fn new() -> Self {
        OffsetMap {
            runs: Vec::new(),
            len: 0,
        }
    }

    fn clear(&mut self) {
        self.runs.clear();
        self.len = 0;
    }

    /// View bytes from `view` on come from `text`, `text + 1`, … (up to the next entry).
    #[inline]
    fn step_at(&mut self, view: usize, text: usize) {
        if let Some(r) = self.runs.last() {
            if r.step && r.text as usize + (view - r.view as usize) == text {
                return;
            }
        }
        self.runs.push(Run {
            view: view as u32,
            text: text as u32,
            step: true,
        });
    }

    /// The `len` view bytes from `view` on all come from `text` (and the next entry starts after them).
    #[inline]
    fn same_at(&mut self, view: usize, text: usize, len: usize) {
        if len == 1 {
            self.step_at(view, text);
        } else {
            self.runs.push(Run {
                view: view as u32,
                text: text as u32,
                step: false,
            });
        }
    }

    /// The text offset of view byte `v`; `None` past the end of the view.
    pub fn get(&self, v: usize) -> Option<usize> {
        if v >= self.len {
            return None;
        }
        let k = self.runs.partition_point(|r| r.view as usize <= v);
        let r = self.runs.get(k.checked_sub(1)?)?;
        Some(if r.step {
            r.text as usize + (v - r.view as usize)
        } else {
            r.text as usize
        })
    }

    /// Length of the view.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.len
    }
}

/// The match view of a text with, for every byte of the view, the offset of the original character that
/// produced it (`map`), and the view offsets where a term match may start (`starts`,
/// ascending): every character that is neither a space nor a word character preceded by a word character.
/// Offsets are relative to `text` and must fit in `u32`. The view is left as bytes: only whole characters
/// are written, so it is UTF-8, but the matcher walks bytes and checking it again would cost a pass over
/// every view.
pub fn view_with_map(text: &str, view: &mut Vec<u8>, map: &mut OffsetMap, starts: &mut Vec<u32>) {
    let out = view;
    out.clear();
    map.clear();
    starts.clear();
    out.reserve(text.len() + 8);
    // About one start per word: room for one per four bytes spares most of the doublings.
    starts.reserve(text.len() / 4 + 1);
    let mut pass = Pass::default();
    // The last character of the view is a word character (unlike `pass.prev_word`, which is about the
    // original character: the view's is what match boundaries are checked on).
    let mut view_word = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if pass.space_at.is_none() {
            let end = plain_run(bytes, i, out.len(), &mut view_word, starts);
            if end > i {
                // The view of a plain run is the run itself, lower-cased, byte for byte.
                let run = bytes.get(i..end).unwrap_or_default();
                let at = out.len();
                map.step_at(at, i);
                out.extend_from_slice(run);
                out.get_mut(at..).unwrap_or_default().make_ascii_lowercase();
                pass.prev_word = view_word;
                i = end;
                continue;
            }
        }
        match ASCII_CLASS[b as usize] {
            // The ASCII cases of `Pass::step`, inline: letters and digits, whitespace, and punctuation
            // (which is neither a word character nor ignorable). A hyphen and non-ASCII characters take the
            // general step.
            ALNUM => {
                if let Some(s) = pass.space_at.take() {
                    map.step_at(out.len(), s);
                    out.push(b' ');
                    view_word = false;
                }
                pass.prev_word = true;
                if !view_word {
                    starts.push(out.len() as u32);
                    view_word = true;
                }
                // The whole run of ASCII letters and digits at once: one length check per run, not
                // per byte.
                let run = bytes.get(i..).unwrap_or_default();
                let len = alnum_len(run);
                let run = run.get(..len).unwrap_or_default();
                map.step_at(out.len(), i);
                out.extend(run.iter().map(u8::to_ascii_lowercase));
                i += len;
            }
            SPACE => {
                pass.space_at.get_or_insert(i);
                pass.prev_word = false;
                i += 1;
            }
            PUNCT => {
                pass.start_punctuation(out, map, starts);
                view_word = false;
                map.step_at(out.len(), i);
                out.push(b);
                i += 1;
            }
            _ => {
                let mut rest = text.get(i..).unwrap_or_default().chars();
                let Some(c) = rest.next() else { break };
                if is_plain_punctuation(c) {
                    // The general step for punctuation, inline (curly quotes are most non-ASCII text).
                    pass.start_punctuation(out, map, starts);
                    view_word = false;
                    let v = if is_apostrophe(c) { '\'' } else { c };
                    let mut buf = [0u8; 4];
                    let enc = v.encode_utf8(&mut buf).as_bytes();
                    map.same_at(out.len(), i, enc.len());
                    out.extend_from_slice(enc);
                    i += c.len_utf8();
                    continue;
                }
                let next = rest.next();
                pass.step(c, i, next, true, &mut |v: char, at| {
                    let word = is_word_char(v);
                    if v != ' ' && !(word && view_word) {
                        starts.push(out.len() as u32);
                    }
                    view_word = word;
                    let mut buf = [0u8; 4];
                    let enc = v.encode_utf8(&mut buf).as_bytes();
                    map.same_at(out.len(), at, enc.len());
                    out.extend_from_slice(enc);
                });
                i += c.len_utf8();
            }
        }
    }
    map.len = out.len();
}

/// Typographic punctuation that [`Pass::step`] keeps as it is (an apostrophe becomes `'`): U+2016..=U+205E
/// (curly quotes, the ellipsis, daggers, primes), which holds no word character, dash, whitespace other
/// than the line and paragraph separators and the narrow no-break space, ignorable character or cased
/// letter.
#[inline]
fn is_plain_punctuation(c: char) -> bool {
    ('\u{2016}'..='\u{205e}').contains(&c) && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{202f}')
}

/// The end of the *plain run* of `bytes` at `i`: ASCII letters, digits and punctuation other than the
/// hyphen, and single spaces (0x20) between two of them, which [`view_with_map`] copies unchanged (lower
/// case aside) when no whitespace is pending before `i`. Pushes to `starts` the view offsets where a
/// match may start in the run (its view starts at `view_at`) and leaves in `view_word` whether the
/// view then ends with a word character (it says whether it did before).
#[inline]
fn plain_run(
    bytes: &[u8],
    i: usize,
    view_at: usize,
    view_word: &mut bool,
    starts: &mut Vec<u32>,
) -> usize {
    let mut word = *view_word;
    let mut j = i;
    while let Some(&b) = bytes.get(j) {
        match ASCII_CLASS[b as usize] {
            ALNUM => {
                if !word {
                    starts.push((view_at + j - i) as u32);
                    word = true;
                }
                loop {
                    // The rest of the word in a tight loop.
                    j += 1 + alnum_len(bytes.get(j + 1..).unwrap_or_default());
                    // Most words are followed by one space and the next word: take that here, as the
                    // space and the word start below would.
                    if bytes.get(j) == Some(&b' ')
                        && bytes
                            .get(j + 1)
                            .is_some_and(|&c| ASCII_CLASS[c as usize] == ALNUM)
                    {
                        j += 1;
                        starts.push((view_at + j - i) as u32);
                        continue;
                    }
                    break;
                }
                continue;
            }
            PUNCT => {
                starts.push((view_at + j - i) as u32);
                word = false;
            }
            SPACE
                if b == b' '
                    && bytes
                        .get(j + 1)
                        .is_some_and(|&c| matches!(ASCII_CLASS[c as usize], ALNUM | PUNCT)) =>
            {
                word = false;
            }
            _ => break,
        }
        j += 1;
    }
    *view_word = word;
    j
}

/// The length of the run of ASCII letters and digits that `bytes` begins with. Eight bytes at a time: a
/// byte loop would end at an unpredictable byte once per word (a branch misprediction), while most words
/// end in their first eight bytes here.
#[inline(always)]
fn alnum_len(bytes: &[u8]) -> usize {
    let mut k = 0;
    while let Some(chunk) = bytes
        .get(k..k + 8)
        .and_then(|c| <[u8; 8]>::try_from(c).ok())
    {
        let other = !alnum_lanes(u64::from_le_bytes(chunk)) & HIGH;
        if other != 0 {
            return k + other.trailing_zeros() as usize / 8;
        }
        k += 8;
    }
    let rest = bytes.get(k..).unwrap_or_default();
    k + rest
        .iter()
        .position(|&c| ASCII_CLASS[c as usize] != ALNUM)
        .unwrap_or(rest.len())
}

/// The high bit of each byte of a `u64`, the other bits, and 1 in each byte.
const HIGH: u64 = 0x8080_8080_8080_8080;
const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const ONES: u64 = 0x0101_0101_0101_0101;

/// The bytes of `x` (its lanes, little-endian) that are ASCII letters or digits: their high bit is set in
/// the result, all other bits are clear.
#[inline(always)]
fn alnum_lanes(x: u64) -> u64 {
    // Lanes are compared without their high bit (so that no sum carries into the next lane); those with
    // it (non-ASCII) are no letters or digits.
    let ascii = !x & HIGH;
    let low = x & LOW;
    // The lanes of `v` (all below 0x80) that are at least `c` (1..=0x80).
    let at_least = |v: u64, c: u8| v.wrapping_add((0x80 - c as u64) * ONES) & HIGH;
    // Setting bit 5 maps the upper-case letters, and only them, onto the lower-case ones.
    let folded = low | (0x20 * ONES);
    let alpha = at_least(folded, b'a') & !at_least(folded, b'z' + 1);
    let digit = at_least(low, b'0') & !at_least(low, b'9' + 1);
    (alpha | digit) & ascii
}

/// Byte classes for [`view_with_map`]'s ASCII cases (`OTHER`: a hyphen or a non-ASCII byte).
const OTHER: u8 = 0;
const ALNUM: u8 = 1;
const SPACE: u8 = 2;
const PUNCT: u8 = 3;
static ASCII_CLASS: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphanumeric() {
            ALNUM
        } else if matches!(c, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ') {
            // `char::is_whitespace` for ASCII (`u8::is_ascii_whitespace` leaves out U+000B).
            SPACE
        } else if c == b'-' {
            OTHER
        } else {
            PUNCT
        };
        b += 1;
    }
    t
};

/// The plain definition of [`view_with_map`], to test the fast one against.
#[cfg(test)]
fn view_with_map_simple(text: &str, view: &mut String, map: &mut Vec<u32>, starts: &mut Vec<u32>) {
    view.clear();
    map.clear();
    starts.clear();
    for_each(text, true, |c, at| {
        let before = view.len();
        let after_word = view.chars().next_back().is_some_and(is_word_char);
        if c != ' ' && !(after_word && is_word_char(c)) {
            starts.push(before as u32);
        }
        view.push(c);
        for _ in before..view.len() {
            map.push(at as u32);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_share_a_view() {
        let v = normalize("war-torn", true);
        assert_eq!(v, "war torn");
        assert_eq!(normalize("War–Torn", true), v);
        assert_eq!(normalize("war \n\u{a0} torn", true), v);
        assert_eq!(normalize("Putin’s", true), "putin's");
        assert_eq!(normalize("re\u{ad}gime", true), "regime");
        assert_eq!(normalize("İstanbul", true), "istanbul");
        // A dash that is not between word characters is punctuation, not a joiner.
        assert_eq!(normalize("war - torn", true), "war - torn");
        assert_eq!(normalize("US", false), "US");
    }

    #[test]
    fn map_points_at_original_chars() {
        let text = "“A  B’s”";
        let (mut v, mut m, mut s) = (Vec::new(), OffsetMap::new(), Vec::new());
        view_with_map(text, &mut v, &mut m, &mut s);
        let v = String::from_utf8(v).unwrap();
        assert_eq!(v, "“a b's”");
        assert_eq!(m.len(), v.len());
        let m = expand(&m);
        let b = v.find('b').unwrap();
        assert_eq!(&text[m[b] as usize..], "B’s”");
        let sp = v.find(' ').unwrap();
        assert_eq!(m[sp] as usize, text.find(' ').unwrap());
        // Every character but the space: each follows a non-word character or is one.
        assert_eq!(s, [0, 3, 5, 6, 7, 8]);
    }

    /// The map of every view byte, and `None` past the end.
    fn expand(m: &OffsetMap) -> Vec<u32> {
        assert_eq!(m.get(m.len()), None);
        (0..m.len()).map(|v| m.get(v).unwrap() as u32).collect()
    }

    fn same_as_simple(text: &str) {
        let (mut v1, mut m1, mut s1) = (Vec::new(), OffsetMap::new(), Vec::new());
        let (mut v2, mut m2, mut s2) = (String::new(), Vec::new(), Vec::new());
        view_with_map(text, &mut v1, &mut m1, &mut s1);
        view_with_map_simple(text, &mut v2, &mut m2, &mut s2);
        assert_eq!(m1.len(), v1.len());
        // The view is UTF-8 (it is the same as the simple one's; this says so for any difference).
        let v1 = String::from_utf8(v1).unwrap();
        assert_eq!((v1, expand(&m1), s1), (v2, m2, s2), "{text:?}");
    }

    #[test]
    fn fast_view_matches_simple_view() {
        for t in [
            "",
            " ",
            "a",
            "-a",
            "a-",
            "war-torn land",
            "a - b",
            "x \n\n y",
            "café-au lait",
            "A–B C\u{a0}D",
            "re\u{ad}gime",
            "İs",
            "a\t-b",
            "ab- cd",
            "a  -b",
            "9/11-style",
        ] {
            same_as_simple(t);
        }
    }

    #[test]
    fn plain_punctuation_is_kept_by_the_general_step() {
        for c in '\u{2000}'..='\u{2070}' {
            if !is_plain_punctuation(c) {
                continue;
            }
            assert!(
                !c.is_whitespace() && !is_word_char(c) && !is_dash(c) && !is_ignorable(c),
                "{c:?}"
            );
            assert!(c.to_lowercase().eq([c]), "{c:?}");
            for t in [
                format!("a{c}b"),
                format!("x {c} {c}y"),
                format!("{c}-\u{2019}"),
            ] {
                same_as_simple(&t);
            }
        }
    }

    #[test]
    fn alnum_lanes_agree_with_the_byte_classes() {
        for b in 0..=255u8 {
            for lane in 0..8 {
                // The byte in one lane, among bytes of every class and at both ends of the ranges.
                let mut bytes = [b'a', b'-', b'Z', 0xc3, b'0', b'9', b'`', 0xff];
                bytes[lane] = b;
                let m = alnum_lanes(u64::from_le_bytes(bytes));
                for (k, &c) in bytes.iter().enumerate() {
                    let bit = m >> (8 * k + 7) & 1 == 1;
                    assert_eq!(bit, ASCII_CLASS[c as usize] == ALNUM, "{c:#x} in lane {k}");
                }
                assert_eq!(m & !HIGH, 0);
                // The run length agrees with the byte loop wherever it starts.
                for from in 0..8 {
                    let rest = &bytes[from..];
                    let plain = rest
                        .iter()
                        .position(|&c| ASCII_CLASS[c as usize] != ALNUM)
                        .unwrap_or(rest.len());
                    assert_eq!(alnum_len(rest), plain);
                }
            }
        }
    }

    #[test]
    fn ascii_classes_agree_with_the_char_predicates() {
        for b in 0u8..128 {
            let c = b as char;
            let want = if c.is_ascii_alphanumeric() {
                ALNUM
            } else if c.is_whitespace() {
                SPACE
            } else if is_dash(c) {
                OTHER
            } else {
                assert!(
                    !is_word_char(c) && !is_ignorable(c) && !is_apostrophe(c),
                    "{b}"
                );
                PUNCT
            };
            assert_eq!(ASCII_CLASS[b as usize], want, "byte {b}");
        }
        assert!(ASCII_CLASS[128..].iter().all(|&k| k == OTHER));
    }

    proptest::proptest! {
        #[test]
        fn fast_view_matches_simple_view_prop(text in "[aZ9 \n\t\\-–’é\u{a0}\u{ad}İ.,]{0,40}") {
            same_as_simple(&text);
        }

        #[test]
        fn fast_view_matches_simple_view_on_prose(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "Word", "a", "7", " ", "  ", ".", ",", "\"", "(", "-", "\n", "\t", "’", "“", "é",
                    "\u{a0}", "\u{ad}", "—", "İ", "x-y", "U.S.", " - ", "”", "‘", "…", "\u{2028}",
                    "\u{202f}", "\u{2016}", "\u{205f}", "Sevenfold", "abcdefgh", "Q9876543210wxyz",
                ]),
                0..60,
            )
        ) {
            same_as_simple(&pieces.concat());
        }

        #[test]
        fn fast_view_matches_simple_view_any_ascii(text in "[\\x00-\\x7f–’é\u{a0}\u{ad}İ\u{300}]{0,40}") {
            same_as_simple(&text);
        }
    }
}
