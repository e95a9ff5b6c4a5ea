//! Paragraphs and regions.
//!
//! * A **paragraph** is one non-blank line, trimmed of surrounding whitespace. Any line break (`\n`, `\r`,
//!   `\r\n`, U+2028/2029, ...) ends a paragraph, so web text pasted one paragraph per line and corpora with
//!   blank-line-separated paragraphs both work; blank lines only separate.
//! * Every paragraph gets a **region**: the first line rule (a lexicon regex matched against the trimmed
//!   paragraph) that matches decides; when `first_line_is_headline`, the first paragraph no rule classified
//!   is the headline; everything else is body. One structural, language-data-free heuristic follows: the
//!   **footer tail**. The maximal run of paragraphs at the end of the article made only of rule-classified
//!   caption/boilerplate paragraphs and short unpunctuated lines (at most [`TAIL_MAX_WORDS`] words, no
//!   sentence-final punctuation) is page furniture when it holds at least one boilerplate paragraph: its short
//!   lines become boilerplate too (a "SHARE THIS ARTICLE" footer followed by "Outlet app names").

use super::chars::{
    find_char, is_line_break, is_sentence_closer, is_space, is_terminator, LINE_BREAKS,
};
use super::{BuildOptions, Region, TextRules};
use crate::lexicon::pattern::Gate;

/// Short lines in the footer tail have at most this many words.
pub const TAIL_MAX_WORDS: usize = 8;

/// Number of line breaks in `gap` (`\r\n` counts once).
pub(crate) fn line_breaks(gap: &str) -> usize {
    let mut n = 0;
    let mut prev_cr = false;
    for c in gap.chars() {
        if is_line_break(c) && !(c == '\n' && prev_cr) {
            n += 1;
        }
        prev_cr = c == '\r';
    }
    n
}

/// Trimmed, non-empty lines of `text` as byte spans.
pub(crate) fn split_paragraphs(text: &str) -> Vec<(usize, usize)> {
    // News paragraphs are hundreds of bytes long: one allocation, no regrowth.
    let mut out = Vec::with_capacity(text.len() / 64);
    let mut line_start = 0;
    while let Some((i, c)) = find_char(text, line_start, &LINE_BREAKS) {
        push_trimmed(text, line_start, i, &mut out);
        line_start = i + c.len_utf8();
    }
    push_trimmed(text, line_start, text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, a: usize, b: usize, out: &mut Vec<(usize, usize)>) {
    let Some(line) = text.get(a..b) else { return };
    let t = line.trim_start_matches(is_space);
    let start = a + (line.len() - t.len());
    let t = t.trim_end_matches(is_space);
    if !t.is_empty() {
        out.push((start, start + t.len()));
    }
}

/// Region of every paragraph (see the module docs). With `shared`, a gate whose first patterns are the
/// line rules ([`TextRules::line_gate_literals`]) followed by any others, the paragraphs are scanned with
/// it instead of the line rules' own gate and their candidate rows (one mark per pattern of the gate,
/// paragraph after paragraph) left in its buffer: the caller reads the other patterns' candidates there
/// without scanning the paragraphs again.
pub(crate) fn classify(
    text: &str,
    spans: &[(usize, usize)],
    rules: &TextRules,
    opts: &BuildOptions,
    shared: Option<(&Gate, &mut Vec<bool>)>,
) -> Vec<Region> {
    let lines = rules.line_rules.len();
    let by_rule: Vec<Option<Region>> = match shared {
        Some((gate, rows)) if gate.len() >= lines => {
            rows.clear();
            rows.reserve(spans.len() * gate.len());
            spans
                .iter()
                .map(|&(s, e)| {
                    let p = text.get(s..e).unwrap_or("");
                    let row = rows.len();
                    gate.push_candidates(p, rows);
                    first_rule(rules, p, rows.get(row..).unwrap_or_default())
                })
                .collect()
        }
        shared => {
            if let Some((_, rows)) = shared {
                rows.clear();
            }
            let gate = rules
                .line_gate
                .get_or_init(|| Gate::from_literals(&rules.line_gate_literals()));
            let mut open = Vec::new();
            spans
                .iter()
                .map(|&(s, e)| {
                    let p = text.get(s..e).unwrap_or("");
                    gate.candidates(p, &mut open);
                    first_rule(rules, p, &open)
                })
                .collect()
        }
    };
    let mut regions: Vec<Region> = by_rule.iter().map(|r| r.unwrap_or(Region::Body)).collect();
    if opts.first_line_is_headline && !by_rule.contains(&Some(Region::Headline)) {
        if let Some(i) = by_rule.iter().position(Option::is_none) {
            if let Some(r) = regions.get_mut(i) {
                *r = Region::Headline;
            }
        }
    }
    footer_tail(text, spans, &by_rule, &mut regions);
    regions
}

/// The region of the first line rule that matches paragraph `p`, of those `open` marks as candidates.
fn first_rule(rules: &TextRules, p: &str, open: &[bool]) -> Option<Region> {
    rules
        .line_rules
        .iter()
        .zip(open)
        .find(|(r, &may)| may && r.is_match(p))
        .map(|(r, _)| r.region)
}

fn footer_tail(
    text: &str,
    spans: &[(usize, usize)],
    by_rule: &[Option<Region>],
    regions: &mut [Region],
) {
    let mut tail_start = spans.len();
    let mut has_boilerplate = false;
    for i in (0..spans.len()).rev() {
        let ok = match (by_rule.get(i).copied().flatten(), regions.get(i)) {
            (Some(Region::Boilerplate), _) => {
                has_boilerplate = true;
                true
            }
            (Some(Region::Caption), _) => true,
            (None, Some(Region::Body)) => spans
                .get(i)
                .and_then(|&(s, e)| text.get(s..e))
                .is_some_and(is_short_unpunctuated),
            _ => false,
        };
        if !ok {
            break;
        }
        tail_start = i;
    }
    if !has_boilerplate {
        return;
    }
    for i in tail_start..spans.len() {
        if by_rule.get(i).copied().flatten().is_none() {
            if let Some(r) = regions.get_mut(i) {
                if *r == Region::Body {
                    *r = Region::Boilerplate;
                }
            }
        }
    }
}

/// At most [`TAIL_MAX_WORDS`] words and no sentence-final punctuation (closing quotes/brackets skipped).
fn is_short_unpunctuated(p: &str) -> bool {
    let last = p
        .trim_end_matches(|c| is_sentence_closer(c) || is_space(c))
        .chars()
        .next_back();
    if last.is_some_and(|c| is_terminator(c) || matches!(c, ':' | ';' | ',')) {
        return false;
    }
    let mut words = 0;
    let mut in_word = false;
    for c in p.chars() {
        let w = c.is_alphanumeric();
        if w && !in_word {
            words += 1;
            if words > TAIL_MAX_WORDS {
                return false;
            }
        }
        in_word = w;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paras(t: &str) -> Vec<&str> {
        split_paragraphs(t)
            .into_iter()
            .map(|(s, e)| &t[s..e])
            .collect()
    }

    #[test]
    fn lines_and_blank_lines_separate_paragraphs() {
        let t = "  Title \r\n\r\nFirst line.\nSecond line.\u{2029}Third\n\n\n \u{a0}\t\n last  ";
        assert_eq!(
            paras(t),
            vec!["Title", "First line.", "Second line.", "Third", "last"]
        );
        assert!(paras("").is_empty());
        assert!(paras(" \n\n\u{feff} \r").is_empty());
    }

    #[test]
    fn counts_line_breaks() {
        assert_eq!(line_breaks(" \n "), 1);
        assert_eq!(line_breaks("\r\n\r\n"), 2);
        assert_eq!(line_breaks("\r\r\u{2029}"), 3);
        assert_eq!(line_breaks(" "), 0);
    }

    #[test]
    fn short_unpunctuated() {
        assert!(is_short_unpunctuated("Outlet News Apps"));
        assert!(!is_short_unpunctuated("It rained."));
        assert!(!is_short_unpunctuated("“It rained!”"));
        assert!(!is_short_unpunctuated(
            "one two three four five six seven eight nine"
        ));
    }
}
