//! PLACEHOLDER segmentation (to be replaced by the real text model): paragraphs on blank lines, naive
//! sentences, alphanumeric tokens, curly/straight double quotes.
use super::*;

pub fn build(text: &str, rules: &TextRules, opts: &BuildOptions) -> TextModel {
    let mut m = TextModel::default();
    let mut pos = 0;
    let mut headline_done = !opts.first_line_is_headline;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if !trimmed.is_empty() {
            let start = pos + (line.len() - line.trim_start().len());
            let end = start + trimmed.len();
            let mut region = Region::Body;
            if let Some(r) = rules.line_rules.iter().find(|r| r.regex.is_match(trimmed)) {
                region = r.region;
            } else if !headline_done {
                region = Region::Headline;
                headline_done = true;
            }
            m.paragraphs.push(Paragraph { start, end, region });
        }
        pos += line.len();
    }
    for (pi, p) in m.paragraphs.iter().enumerate() {
        let s = Sentence { start: p.start, end: p.end, paragraph: pi, region: p.region };
        m.sentences.push(s);
        let si = m.sentences.len() - 1;
        let mut tstart = None;
        for (i, c) in text[p.start..p.end].char_indices() {
            let b = p.start + i;
            if c.is_alphanumeric() {
                tstart.get_or_insert(b);
            } else if let Some(s0) = tstart.take() {
                m.tokens.push(Token { start: s0, end: b, sentence: si });
            }
        }
        if let Some(s0) = tstart {
            m.tokens.push(Token { start: s0, end: p.end, sentence: si });
        }
        m.voice.push(VoiceRun { start: p.start, end: p.end, voice: Voice::Authorial });
    }
    m
}
