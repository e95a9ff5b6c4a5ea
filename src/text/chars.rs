//! Character classes shared by the text model. They are typographic (language-data-free): whitespace, line
//! breaks, sentence terminators, quotation marks and the punctuation that surrounds them.

/// A character predicate with the set of ASCII characters it accepts, so that [`find_char`] can skip the
/// other ASCII bytes without decoding them. Build it with [`char_class!`], which computes the set from the
/// predicate at compile time: the two cannot disagree.
pub(crate) struct CharClass {
    /// Bit `b` is set when the predicate accepts the ASCII character `b`.
    pub(crate) ascii: u128,
    pub(crate) test: fn(char) -> bool,
}

/// The [`CharClass`] of a `const fn(char) -> bool`.
macro_rules! char_class {
    ($test:path) => {
        $crate::text::chars::CharClass {
            ascii: {
                let mut set = 0u128;
                let mut b = 0u8;
                while b < 128 {
                    if $test(b as char) {
                        set |= 1 << b;
                    }
                    b += 1;
                }
                set
            },
            test: $test,
        }
    };
}
pub(crate) use char_class;

/// [`is_terminator`] as a [`CharClass`].
pub(crate) const TERMINATORS: CharClass = char_class!(is_terminator);

/// [`is_line_break`] as a [`CharClass`].
pub(crate) const LINE_BREAKS: CharClass = char_class!(is_line_break);

/// The first character of `class` at or after byte `from` of `s`, with its byte offset: like
/// `char_indices().find(..)`, but much faster on mostly ASCII text, where ASCII bytes outside the class are
/// skipped in a tight loop. `None` also when `from` is not a char boundary.
pub(crate) fn find_char(s: &str, from: usize, class: &CharClass) -> Option<(usize, char)> {
    let bytes = s.as_bytes();
    let mut i = from;
    loop {
        i += bytes
            .get(i..)?
            .iter()
            .position(|&b| !b.is_ascii() || (class.ascii >> b) & 1 == 1)?;
        let c = s.get(i..)?.chars().next()?;
        if (class.test)(c) {
            return Some((i, c));
        }
        i += c.len_utf8();
    }
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

    const fn is_digit_or_quote(c: char) -> bool {
        matches!(c, '0'..='9' | '٣' | '"' | '“')
    }

    proptest! {
        #[test]
        fn find_char_matches_char_indices(t in any::<String>(), from in any::<prop::sample::Index>()) {
            let bounds: Vec<usize> = t.char_indices().map(|(i, _)| i).chain([t.len()]).collect();
            let from = *from.get(&bounds);
            for class in [TERMINATORS, LINE_BREAKS, char_class!(is_digit_or_quote)] {
                let want = t[from..]
                    .char_indices()
                    .map(|(i, c)| (from + i, c))
                    .find(|&(_, c)| (class.test)(c));
                prop_assert_eq!(find_char(&t, from, &class), want);
            }
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
        assert_eq!(
            LINE_BREAKS.ascii,
            1 << b'\n' | 1 << b'\r' | 1 << 0x0b | 1 << 0x0c
        );
    }
}
