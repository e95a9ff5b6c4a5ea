//! Character classes shared by the text model. They are typographic (language-data-free): whitespace, line
//! breaks, sentence terminators, quotation marks and the punctuation that surrounds them.

/// A character predicate with the ASCII characters it accepts (at most [`CLASS_MAX_ASCII`]), so that
/// [`find_char`] can skip other ASCII text eight bytes at a time. Build it with [`char_class!`], which finds
/// the ASCII members from the predicate at compile time: the two cannot disagree.
pub(crate) struct CharClass {
    /// The ASCII characters the predicate accepts, the last one repeated to fill the array (any
    /// non-ASCII byte when there is none: those are candidates anyway).
    pub(crate) ascii: [u8; CLASS_MAX_ASCII],
    /// When every ASCII member is a control character: one more than the largest, else 0. The eight-byte
    /// test is then one has-less-than test (tabs and other controls below it are false candidates).
    pub(crate) below: u8,
    pub(crate) test: fn(char) -> bool,
}

/// Most ASCII characters in a [`CharClass`] (each costs a few instructions per eight bytes scanned).
pub(crate) const CLASS_MAX_ASCII: usize = 4;

/// The [`CharClass`] of a `const fn(char) -> bool`.
macro_rules! char_class {
    ($test:path) => {
        $crate::text::chars::CharClass {
            ascii: {
                let mut ascii = [0x80u8; $crate::text::chars::CLASS_MAX_ASCII];
                let mut n = 0;
                let mut b = 0u8;
                while b < 128 {
                    if $test(b as char) {
                        assert!(n < ascii.len(), "too many ASCII characters for a CharClass");
                        ascii[n] = b;
                        n += 1;
                    }
                    b += 1;
                }
                while n > 0 && n < ascii.len() {
                    ascii[n] = ascii[n - 1];
                    n += 1;
                }
                ascii
            },
            below: {
                let (mut any, mut control, mut max) = (false, true, 0u8);
                let mut b = 0u8;
                while b < 128 {
                    if $test(b as char) {
                        any = true;
                        control &= b < 0x20;
                        max = b;
                    }
                    b += 1;
                }
                if any && control {
                    max + 1
                } else {
                    0
                }
            },
            test: $test,
        }
    };
}
/// [`is_line_break`] as a [`CharClass`].
pub(crate) const LINE_BREAKS: CharClass = char_class!(is_line_break);

impl CharClass {
    /// Whether byte `b` may start a character of the class: a non-ASCII byte or an ASCII member.
    #[inline]
    fn may_start(&self, b: u8) -> bool {
        !b.is_ascii() || self.ascii.contains(&b)
    }

    /// Whether one of the eight bytes `w` may start a character of the class (SWAR: a byte equal to an
    /// ASCII member is a zero byte of `w ^ member`, found by the classic has-zero-byte test).
    #[inline]
    fn may_start_in(&self, w: u64) -> bool {
        const LO: u64 = u64::from_ne_bytes([0x01; 8]);
        const HI: u64 = u64::from_ne_bytes([0x80; 8]);
        let mut hit = w & HI;
        if self.below != 0 {
            // Has a byte below `below` (ASCII bytes only: the others are candidates already).
            hit |= w.wrapping_sub(LO * u64::from(self.below)) & !w & HI;
        } else {
            for m in self.ascii {
                let x = w ^ (LO * u64::from(m));
                hit |= x.wrapping_sub(LO) & !x & HI;
            }
        }
        hit != 0
    }
}

/// The first character of `class` at or after byte `from` of `s`, with its byte offset: like
/// `char_indices().find(..)`, but much faster on mostly ASCII text, where the other ASCII bytes are
/// skipped eight at a time. `None` also when `from` is not a char boundary.
#[inline(always)]
pub(crate) fn find_char(s: &str, from: usize, class: &CharClass) -> Option<(usize, char)> {
    let bytes = s.as_bytes();
    let mut i = from;
    loop {
        // Whole words of eight bytes from `i` (one end test a word, no bounds test of its own).
        let words = bytes.get(i..).unwrap_or_default().chunks_exact(8);
        i += 8 * words
            .take_while(|w| {
                !w.first_chunk::<8>()
                    .is_some_and(|w| class.may_start_in(u64::from_ne_bytes(*w)))
            })
            .count();
        // The candidate in these eight bytes (or in the shorter rest); a false one goes on to the next
        // eight.
        let rest = bytes.get(i..)?;
        let chunk = rest.get(..8).unwrap_or(rest);
        match chunk.iter().position(|&b| class.may_start(b)) {
            Some(k) => i += k,
            None if chunk.len() < 8 => return None,
            None => {
                i += 8;
                continue;
            }
        }
        let c = s.get(i..)?.chars().next()?;
        if (class.test)(c) {
            return Some((i, c));
        }
        i += c.len_utf8();
    }
}

/// `u8::is_ascii_alphanumeric` as one table lookup (the token scan's innermost loop).
#[inline(always)]
pub(crate) fn is_ascii_word(b: u8) -> bool {
    static WORD: [bool; 256] = {
        let mut t = [false; 256];
        let mut b = 0;
        while b < 256 {
            t[b] = (b as u8).is_ascii_alphanumeric();
            b += 1;
        }
        t
    };
    WORD[b as usize]
}

/// Characters that end a line (and therefore a paragraph).
pub(crate) const fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Whitespace for trimming and sentence gaps: Unicode White_Space (incl. no-break space) plus the byte order
/// mark and zero-width space, which pasted web text often carries.
#[inline]
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{FEFF}' | '\u{200B}')
}

/// Sentence-final punctuation (a run of these is one terminator: "?!", "...").
pub(crate) const fn is_terminator(c: char) -> bool {
    matches!(
        c,
        '.' | '!'
            | '?'
            | '…'
            | '‼'
            | '⁇'
            | '⁈'
            | '⁉'
            | '。'
            | '！'
            | '？'
            | '｡'
            | '।'
            | '॥'
            | '؟'
            | '۔'
    )
}

/// Terminators of scripts written without spaces between sentences: they end a sentence even when no
/// whitespace follows.
pub(crate) fn is_unspaced_terminator(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '｡')
}

/// Characters that may follow a terminator and still belong to the sentence: closing quotes and brackets.
pub(crate) fn is_sentence_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '”'
            | '’'
            | '»'
            | '›'
            | '“'
            | '」'
            | '』'
            | ')'
            | ']'
            | '}'
            | '）'
            | '］'
            | '】'
    )
}

/// Characters that may open a sentence besides letters and digits: opening quotes, brackets and inverted
/// marks.
pub(crate) fn is_sentence_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '“'
            | '„'
            | '‟'
            | '«'
            | '‹'
            | '‘'
            | '‚'
            | '‛'
            | '「'
            | '『'
            | '('
            | '['
            | '{'
            | '¿'
            | '¡'
            | '（'
            | '［'
            | '【'
    )
}

/// True when `c` can start a sentence: an upper-case or title-case letter, a letter of a script without case,
/// a digit, or an opening quote/bracket.
pub(crate) fn starts_sentence(c: char) -> bool {
    (c.is_alphabetic() && !c.is_lowercase()) || c.is_numeric() || is_sentence_opener(c)
}

/// Punctuation before a quotation mark that lets the mark open a quotation ("(“", "—“", "“‘").
pub(crate) fn is_open_context(c: char) -> bool {
    matches!(
        c,
        '(' | '['
            | '{'
            | '—'
            | '–'
            | '-'
            | '/'
            | ':'
            | '"'
            | '\''
            | '“'
            | '„'
            | '‟'
            | '«'
            | '‹'
            | '‘'
            | '‚'
            | '‛'
            | '「'
            | '『'
            | '（'
            | '［'
    )
}

/// Punctuation after a quotation mark that lets the mark close a quotation (”.", "’,").
pub(crate) fn is_close_context(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '…'
            | ')'
            | ']'
            | '}'
            | '—'
            | '–'
            | '-'
            | '/'
            | '"'
            | '\''
            | '”'
            | '’'
            | '»'
            | '›'
            | '」'
            | '』'
            | '）'
            | '］'
            | '。'
            | '，'
            | '、'
            | '！'
            | '？'
    )
}

/// Hyphens that join two word parts ("war-torn").
pub(crate) fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// Apostrophes that join two word parts ("don’t").
pub(crate) fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// [`is_terminator`] as a [`CharClass`].
    const TERMINATORS: CharClass = char_class!(is_terminator);

    const fn is_digit_or_quote(c: char) -> bool {
        matches!(c, '0' | '9' | '٣' | '"' | '“')
    }

    const fn is_curly(c: char) -> bool {
        matches!(c, '“' | '”')
    }

    const fn is_low_control(c: char) -> bool {
        matches!(c, '\0' | '\u{3}' | '\u{85}')
    }

    fn find_char_matches_char_indices(
        t: &str,
        from: prop::sample::Index,
    ) -> Result<(), TestCaseError> {
        let bounds: Vec<usize> = t.char_indices().map(|(i, _)| i).chain([t.len()]).collect();
        let from = *from.get(&bounds);
        for class in [
            TERMINATORS,
            LINE_BREAKS,
            char_class!(is_digit_or_quote),
            char_class!(is_curly),
            char_class!(is_low_control),
        ] {
            let want = t[from..]
                .char_indices()
                .map(|(i, c)| (from + i, c))
                .find(|&(_, c)| (class.test)(c));
            prop_assert_eq!(find_char(t, from, &class), want);
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn find_char_on_any_string(t in any::<String>(), from in any::<prop::sample::Index>()) {
            find_char_matches_char_indices(&t, from)?;
        }

        #[test]
        fn find_char_on_mostly_ascii(
            t in "[ a-z.!?\n\r\u{b}\u{c}\t\u{0}\u{1}\u{3}\u{85}\"'09“”…٣\u{2029}]{0,80}",
            from in any::<prop::sample::Index>(),
        ) {
            find_char_matches_char_indices(&t, from)?;
        }
    }

    #[test]
    fn ascii_word_table() {
        for b in 0..=255u8 {
            assert_eq!(is_ascii_word(b), b.is_ascii_alphanumeric(), "{b}");
        }
    }

    #[test]
    fn find_char_in_mixed_text() {
        let t = "Done… Next. “Yes?”";
        assert_eq!(find_char(t, 0, &TERMINATORS), Some((4, '…')));
        assert_eq!(find_char(t, 7, &TERMINATORS), Some((12, '.')));
        assert_eq!(find_char(t, 13, &TERMINATORS), Some((20, '?')));
        assert_eq!(find_char(t, 5, &TERMINATORS), None);
        assert_eq!(find_char(t, t.len(), &TERMINATORS), None);
        assert_eq!(LINE_BREAKS.ascii, [b'\n', 0x0b, 0x0c, b'\r']);
        assert_eq!(TERMINATORS.ascii, [b'!', b'.', b'?', b'?']);
        assert_eq!((LINE_BREAKS.below, TERMINATORS.below), (0x0e, 0));
        assert_eq!(char_class!(is_curly).below, 0);
        assert_eq!(char_class!(is_low_control).below, 4);
        assert_eq!(char_class!(is_curly).ascii, [0x80; CLASS_MAX_ASCII]);
    }
}
