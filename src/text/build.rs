//! Builds the [`TextModel`] of one document: paragraphs and regions ([`super::regions`]), sentences and
//! tokens ([`super::segment`]), quotations ([`super::quotes`]) and the voice map ([`super::voice`]).
use super::segment::Abbreviations;
use super::*;

/// Builds the text model of `text`. Never panics; linear in the text length (plus the line-rule regexes).
pub fn build(text: &str, rules: &TextRules, opts: &BuildOptions) -> TextModel {
    let spans = regions::split_paragraphs(text);
    let region_of = regions::classify(text, &spans, rules, opts);
    let paragraphs: Vec<Paragraph> = spans
        .iter()
        .zip(region_of)
        .map(|(&(start, end), region)| Paragraph { start, end, region })
        .collect();
    let abbr = rules
        .abbreviation_set
        .get_or_init(|| Abbreviations::new(&rules.abbreviations));
    let mut sentences = Vec::new();
    // News prose averages about six bytes per token: one allocation instead of a dozen regrowths.
    let mut tokens = Vec::with_capacity(text.len() / 4);
    for (pi, p) in paragraphs.iter().enumerate() {
        segment::split_sentences(text, p.start, p.end, abbr, |start, end| {
            let si = sentences.len();
            sentences.push(Sentence {
                start,
                end,
                paragraph: pi,
                region: p.region,
            });
            segment::tokens(text, start, end, |s, e| {
                tokens.push(Token {
                    start: s,
                    end: e,
                    sentence: si,
                })
            });
        });
    }
    let quotes = quotes::find_quotes(text, &paragraphs);
    let voice = voice::voice_runs(&paragraphs, &quotes);
    TextModel {
        paragraphs,
        sentences,
        tokens,
        quotes,
        voice,
    }
}
