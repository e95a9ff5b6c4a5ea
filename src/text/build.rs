//! Builds the [`TextModel`] of one document: paragraphs and regions ([`super::regions`]), sentences and
//! tokens ([`super::segment`]), quotations ([`super::quotes`]) and the voice map ([`super::voice`]).
use super::chars::is_terminator;
use super::segment::Abbreviations;
use super::*;
use crate::lexicon::pattern::Gate;

/// Builds the text model of `text`. Never panics; linear in the text length (plus the line-rule regexes).
pub fn build(text: &str, rules: &TextRules, opts: &BuildOptions) -> TextModel {
    build_with(text, rules, opts, None)
}

/// Builds the text model of `text` as [`build`] does, finding the line rules' candidates with `gate`, a
/// literal gate whose first patterns are the line rules (from [`TextRules::line_gate_literals`]) followed
/// by other rules matched against paragraphs. Leaves in `rows` the gate's candidates of every paragraph
/// (one mark per pattern, paragraph after paragraph), so that those other rules need no scan of their own.
pub fn build_gated(
    text: &str,
    rules: &TextRules,
    opts: &BuildOptions,
    gate: &Gate,
    rows: &mut Vec<bool>,
) -> TextModel {
    build_with(text, rules, opts, Some((gate, rows)))
}

fn build_with(
    text: &str,
    rules: &TextRules,
    opts: &BuildOptions,
    shared: Option<(&Gate, &mut Vec<bool>)>,
) -> TextModel {
    let spans = regions::split_paragraphs(text);
    let region_of = regions::classify(text, &spans, rules, opts, shared);
    let paragraphs: Vec<Paragraph> = spans
        .iter()
        .zip(region_of)
        .map(|(&(start, end), region)| Paragraph { start, end, region })
        .collect();
    let abbr = rules
        .abbreviation_set
        .get_or_init(|| Abbreviations::new(&rules.abbreviations));
    // News prose averages about six bytes per token, over a hundred per sentence and per quotation mark:
    // one allocation each instead of a dozen regrowths.
    let mut sentences: Vec<Sentence> = Vec::with_capacity(text.len() / 32);
    let mut tokens = Vec::with_capacity(text.len() / 4);
    let mut terminators = Vec::new();
    let mut marks = Vec::with_capacity(text.len() / 32);
    for (pi, p) in paragraphs.iter().enumerate() {
        // One pass finds the paragraph's tokens, terminators and quotation marks; the tokens get their
        // sentence once the sentences are known.
        let first_token = tokens.len();
        let first_sentence = sentences.len();
        terminators.clear();
        let simple = segment::scan_paragraph(
            text,
            p.start,
            p.end,
            |start, end| {
                tokens.push(Token {
                    start,
                    end,
                    sentence: first_sentence,
                })
            },
            |pos, c| {
                if is_terminator(c) {
                    terminators.push(pos);
                } else {
                    marks.push(pos);
                }
            },
        );
        if !simple {
            tokens.truncate(first_token);
        }
        segment::split_sentences(text, p.start, p.end, abbr, &terminators, |start, end| {
            let si = sentences.len();
            sentences.push(Sentence {
                start,
                end,
                paragraph: pi,
                region: p.region,
            });
            if !simple {
                segment::tokens(text, start, end, |s, e| {
                    tokens.push(Token {
                        start: s,
                        end: e,
                        sentence: si,
                    })
                });
            }
        });
        if simple {
            // Every token lies in one sentence (see `scan_paragraph`): a walk over both assigns them.
            let mut si = first_sentence;
            for t in tokens.get_mut(first_token..).unwrap_or_default() {
                while sentences.get(si).is_some_and(|s| s.end <= t.start) {
                    si += 1;
                }
                t.sentence = si;
            }
        }
    }
    let quotes = quotes::find_quotes(text, &paragraphs, &marks);
    let voice = voice::voice_runs(&paragraphs, &quotes);
    TextModel {
        paragraphs,
        sentences,
        tokens,
        quotes,
        voice,
    }
}
