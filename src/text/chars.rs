//! Character classes shared by the text model. They are typographic (language-data-free): whitespace, line
//! breaks, sentence terminators, quotation marks and the punctuation that surrounds them.

/// Characters that end a line (and therefore a paragraph).
pub(crate) fn is_line_break(c: char) -> bool {
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
pub(crate) fn is_terminator(c: char) -> bool {
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
