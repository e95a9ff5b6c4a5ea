//! Low-level scanning: word/punctuation tokens with byte offsets, quotation spans and sentence segments.
//! Everything here is linear in the text length and never slices off a char boundary.

use crate::text::{Region, TextModel};

/// A token of the attribution scanner: a word (letters/digits with internal `' ’ - . &`) or a single
/// punctuation character.
#[derive(Debug, Clone)]
pub(crate) struct Tok {
    pub start: usize,
    pub end: usize,
    pub word: bool,
    /// Lower-cased text with a trailing possessive (`'s`, `’s`, `’`) removed and `’` folded to `'`.
    pub norm: String,
    /// Original text with the possessive removed (for case-sensitive matching).
    pub bare: String,
    pub possessive: bool,
    pub upper: bool,
}

impl Tok {
    pub fn is_punct(&self, c: char) -> bool {
        !self.word && self.bare.starts_with(c)
    }
}

fn is_connector(c: char) -> bool {
    matches!(c, '\'' | '’' | '-' | '.' | '&')
}

/// Tokenize `text[start..end]` (both on char boundaries).
pub(crate) fn tokenize(text: &str, start: usize, end: usize) -> Vec<Tok> {
    let mut out = Vec::new();
    let Some(slice) = text.get(start..end) else {
        return out;
    };
    let chars: Vec<(usize, char)> = slice.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (b, c) = chars[i];
        if c.is_alphanumeric() {
            let mut j = i + 1;
            while j < chars.len() {
                let cj = chars[j].1;
                if cj.is_alphanumeric() {
                    j += 1;
                } else if is_connector(cj)
                    && j + 1 < chars.len()
                    && chars[j + 1].1.is_alphanumeric()
                {
                    j += 2;
                } else {
                    break;
                }
            }
            let e = if j < chars.len() {
                chars[j].0
            } else {
                slice.len()
            };
            out.push(make_tok(slice, start, b, e, true));
            i = j;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '\'' && chars.get(i + 1).is_some_and(|n| n.1 == '\'') {
            // '' is a double quotation mark in some house styles (The New York Times archive).
            out.push(make_tok(slice, start, b, b + 2, false));
            i += 2;
        } else {
            let e = b + c.len_utf8();
            out.push(make_tok(slice, start, b, e, false));
            i += 1;
        }
    }
    out
}

fn make_tok(slice: &str, base: usize, b: usize, e: usize, word: bool) -> Tok {
    let raw = slice.get(b..e).unwrap_or("");
    let mut bare = raw.to_string();
    let mut possessive = false;
    if word {
        for suf in ["'s", "’s", "'S", "’S"] {
            if bare.len() > suf.len() && bare.ends_with(suf) {
                bare.truncate(bare.len() - suf.len());
                possessive = true;
                break;
            }
        }
    }
    // ASCII (most tokens): same result as the general path, in one allocation.
    let norm = if bare.is_ascii() {
        bare.to_ascii_lowercase()
    } else {
        bare.to_lowercase().replace('’', "'")
    };
    let upper = bare.chars().next().is_some_and(|c| c.is_uppercase());
    Tok {
        start: base + b,
        end: base + e,
        word,
        norm,
        bare,
        possessive,
        upper,
    }
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
        let extra: Vec<(usize, usize)> = own_quotes(text, model, true)
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

fn own_quotes(text: &str, model: &TextModel, only_double_apostrophe: bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for p in &model.paragraphs {
        let Some(slice) = text.get(p.start..p.end) else {
            continue;
        };
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

/// A stretch of text treated as one sentence: the model's sentences, further split at sentence-final
/// punctuation outside quotations (so a placeholder model with paragraph-long sentences still works).
#[derive(Debug, Clone)]
pub(crate) struct Segment {
    pub toks: Vec<Tok>,
    pub paragraph: usize,
    pub headline: bool,
}

/// Segments of the analyzable regions (headline and body), in text order.
pub(crate) fn segments(
    text: &str,
    model: &TextModel,
    quotes: &[(usize, usize)],
    is_abbrev: &dyn Fn(&[Tok], usize) -> bool,
) -> Vec<Segment> {
    let mut out = Vec::new();
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
    let mut merged: Vec<(usize, usize, usize, Region)> = Vec::with_capacity(ranges.len());
    for r in ranges {
        if let Some(prev) = merged.last_mut() {
            if prev.2 == r.2 && prev.3 == r.3 && prev.1 <= r.0 {
                let inside_quote = quote_containing(quotes, prev.1.saturating_sub(1))
                    .is_some_and(|q| quotes[q].1 > prev.1)
                    || quote_containing(quotes, r.0).is_some();
                let abbrev = || {
                    let toks = tokenize(text, prev.0, prev.1);
                    toks.len() >= 2
                        && toks[toks.len() - 1].is_punct('.')
                        && is_abbrev(&toks, toks.len() - 1)
                };
                if inside_quote || abbrev() {
                    prev.1 = r.1;
                    continue;
                }
            }
        }
        merged.push(r);
    }
    for (s, e, para, region) in merged {
        if !matches!(region, Region::Body | Region::Headline) {
            continue;
        }
        let toks = tokenize(text, s, e);
        // Decide the segment ends first, then move the tokens into their segments (no clone per token).
        let ends: Vec<bool> = (0..toks.len())
            .map(|i| {
                let t = &toks[i];
                let after_final = i > 0
                    && !toks[i - 1].word
                    && (toks[i - 1].is_punct('.')
                        || toks[i - 1].is_punct('!')
                        || toks[i - 1].is_punct('?'));
                !t.word
                    && (((t.is_punct('.') || t.is_punct('!') || t.is_punct('?'))
                        && quote_containing(quotes, t.start).is_none())
                        || (is_close_quote(&t.bare)
                            && after_final
                            && quote_containing(quotes, t.start)
                                .is_some_and(|q| quotes[q].1 == t.end)))
                    && toks
                        .get(i + 1)
                        .is_some_and(|n| n.upper || (!n.word && is_open_quote(&n.bare)))
                    && !is_abbrev(&toks, i)
            })
            .collect();
        let mut cur: Vec<Tok> = Vec::new();
        for (t, ends) in toks.into_iter().zip(ends) {
            cur.push(t);
            if ends {
                out.push(Segment {
                    toks: std::mem::take(&mut cur),
                    paragraph: para,
                    headline: region == Region::Headline,
                });
            }
        }
        if !cur.is_empty() {
            out.push(Segment {
                toks: cur,
                paragraph: para,
                headline: region == Region::Headline,
            });
        }
    }
    out
}

pub(crate) fn is_open_quote(s: &str) -> bool {
    matches!(s, "“" | "\"" | "«" | "‘" | "''")
}

pub(crate) fn is_close_quote(s: &str) -> bool {
    matches!(s, "”" | "\"" | "»" | "’" | "''")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_abbreviations_and_possessives() {
        let t = "Peskov’s U.S. al-Qaeda's (R-Utah) “x”";
        let toks = tokenize(t, 0, t.len());
        let texts: Vec<&str> = toks.iter().map(|t| t.bare.as_str()).collect();
        assert_eq!(
            texts,
            vec!["Peskov", "U.S", ".", "al-Qaeda", "(", "R-Utah", ")", "“", "x", "”"]
        );
        assert!(toks[0].possessive);
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
        ] {
            let _ = tokenize(s, 0, s.len());
        }
    }
}
