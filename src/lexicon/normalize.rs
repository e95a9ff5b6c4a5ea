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

/// Calls `emit(c, at)` for each character of the match view of `text`; `at` is the byte offset in `text` of
/// the character that produced `c` (for a collapsed whitespace run or a joining dash: where it starts).
#[inline]
pub fn for_each(text: &str, fold: bool, mut emit: impl FnMut(char, usize)) {
    let mut prev_word = false;
    let mut space_at: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_ascii_alphanumeric() {
            // Fast path for the common case.
            if let Some(s) = space_at.take() {
                emit(' ', s);
            }
            prev_word = true;
            emit(if fold { c.to_ascii_lowercase() } else { c }, i);
            continue;
        }
        if c.is_whitespace() {
            space_at.get_or_insert(i);
            prev_word = false;
            continue;
        }
        if is_dash(c)
            && prev_word
            && space_at.is_none()
            && chars.peek().is_some_and(|&(_, n)| is_word_char(n))
        {
            space_at = Some(i);
            prev_word = false;
            continue;
        }
        if is_ignorable(c) {
            continue;
        }
        if let Some(s) = space_at.take() {
            emit(' ', s);
        }
        prev_word = is_word_char(c);
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

/// The match view of a term (trimmed), folded unless `fold` is false.
pub fn normalize(term: &str, fold: bool) -> String {
    let mut out = String::with_capacity(term.len());
    for_each(term.trim(), fold, |c, _| out.push(c));
    out
}

/// The match view of a text with, for every byte of the view, the offset of the original character that
/// produced it (`map.len() == view.len()`). Offsets are relative to `text` and must fit in `u32`.
pub fn view_with_map(text: &str, view: &mut String, map: &mut Vec<u32>) {
    view.clear();
    map.clear();
    view.reserve(text.len() + 8);
    map.reserve(text.len() + 8);
    // Runs of plain ASCII letters and digits (most of a text) are copied directly; each stretch between
    // them goes through `for_each`. A stretch starts one byte early (at the letter before it, so a dash sees
    // its left neighbour) and ends just after a letter that follows a space or newline (so a pending space
    // is emitted); `for_each` then ends in the state a whole-text pass would have there.
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .map_or(bytes.len(), |n| i + n);
        if let Some(letters) = text.get(i..run) {
            let at = view.len();
            view.push_str(letters);
            if let Some(copied) = view.get_mut(at..) {
                copied.make_ascii_lowercase();
            }
            map.extend((i..run).map(|k| k as u32));
        }
        if run >= bytes.len() {
            break;
        }
        // A single space between two words: the most common stretch of all.
        if bytes[run] == b' '
            && run > 0
            && bytes.get(run + 1).is_some_and(u8::is_ascii_alphanumeric)
        {
            view.push(' ');
            map.push(run as u32);
            i = run + 1;
            continue;
        }
        let mut end = run;
        let mut prev_space = false;
        while end < bytes.len() {
            let b = bytes[end];
            end += 1;
            if prev_space && b.is_ascii_alphanumeric() {
                break;
            }
            prev_space = b == b' ' || b == b'\n';
        }
        let from = if run > 0 && bytes[run - 1].is_ascii_alphanumeric() {
            run - 1
        } else {
            run
        };
        let Some(stretch) = text.get(from..end) else {
            break;
        };
        let skip = run - from;
        for_each(stretch, true, |c, at| {
            if at < skip {
                return;
            }
            let before = view.len();
            view.push(c);
            for _ in before..view.len() {
                map.push((from + at) as u32);
            }
        });
        i = end;
    }
}

/// The plain definition of [`view_with_map`], to test the fast one against.
#[cfg(test)]
fn view_with_map_simple(text: &str, view: &mut String, map: &mut Vec<u32>) {
    view.clear();
    map.clear();
    for_each(text, true, |c, at| {
        let before = view.len();
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
        let (mut v, mut m) = (String::new(), Vec::new());
        view_with_map(text, &mut v, &mut m);
        assert_eq!(v, "“a b's”");
        assert_eq!(m.len(), v.len());
        let b = v.find('b').unwrap();
        assert_eq!(&text[m[b] as usize..], "B’s”");
        let sp = v.find(' ').unwrap();
        assert_eq!(m[sp] as usize, text.find(' ').unwrap());
    }

    fn same_as_simple(text: &str) {
        let (mut v1, mut m1, mut v2, mut m2) =
            (String::new(), Vec::new(), String::new(), Vec::new());
        view_with_map(text, &mut v1, &mut m1);
        view_with_map_simple(text, &mut v2, &mut m2);
        assert_eq!((v1, m1), (v2, m2), "{text:?}");
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

    proptest::proptest! {
        #[test]
        fn fast_view_matches_simple_view_prop(text in "[aZ9 \n\t\\-–’é\u{a0}\u{ad}İ.,]{0,40}") {
            same_as_simple(&text);
        }
    }
}
