//! Invariants of the text model and of article records, shared by the fuzz targets (`fuzz_targets/*.rs`)
//! and the property tests (`tests/properties.rs`, which includes this file with `#[path]`).
//!
//! Every check returns `Err(description)` instead of panicking so that callers choose how to fail (the
//! fuzz targets panic, proptest reports the case).
#![allow(dead_code)]

use slantscope::analyze::ArticleRecord;
use slantscope::text::{TextModel, Voice};

/// Whitespace as the text model trims it (Unicode White_Space plus BOM and zero-width space).
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{FEFF}' | '\u{200B}')
}

fn boundary(text: &str, what: &str, b: usize) -> Result<(), String> {
    if b > text.len() || !text.is_char_boundary(b) {
        return Err(format!(
            "{what}: offset {b} is not a char boundary (len {})",
            text.len()
        ));
    }
    Ok(())
}

fn span(text: &str, what: &str, s: usize, e: usize) -> Result<(), String> {
    boundary(text, what, s)?;
    boundary(text, what, e)?;
    if s > e {
        return Err(format!("{what}: start {s} > end {e}"));
    }
    Ok(())
}

/// Structural invariants of a [`TextModel`] built from `text`:
/// * paragraphs, sentences, tokens, quotes and voice runs lie on char boundaries inside the text;
/// * paragraphs are sorted and disjoint, and every non-whitespace character lies in exactly one;
/// * sentences lie in their paragraph, are sorted and disjoint, and every non-whitespace character of a
///   paragraph lies in exactly one sentence (segmentation loses no characters);
/// * tokens lie in their sentence, are sorted, disjoint and non-empty, and every alphanumeric character
///   that starts a run lies in a token's sentence (tokens never straddle sentences);
/// * quotes: `start <= inner_start <= inner_end <= end`, sorted by start;
/// * voice runs are sorted, disjoint, never cross a paragraph and cover every paragraph byte exactly once.
pub fn check_model(text: &str, m: &TextModel) -> Result<(), String> {
    // Paragraphs.
    let mut prev_end = 0usize;
    for (i, p) in m.paragraphs.iter().enumerate() {
        span(text, &format!("paragraph {i}"), p.start, p.end)?;
        if p.start < prev_end || p.start == p.end {
            return Err(format!(
                "paragraph {i} ({}..{}) overlaps or is empty",
                p.start, p.end
            ));
        }
        prev_end = p.end;
    }
    // Every non-whitespace character is in a paragraph.
    let mut pi = 0usize;
    for (b, c) in text.char_indices() {
        while m.paragraphs.get(pi).is_some_and(|p| p.end <= b) {
            pi += 1;
        }
        let inside = m.paragraphs.get(pi).is_some_and(|p| p.start <= b);
        if !is_space(c) && !inside {
            return Err(format!("character {c:?} at byte {b} is in no paragraph"));
        }
    }
    // Sentences.
    let mut prev_end = 0usize;
    for (i, s) in m.sentences.iter().enumerate() {
        span(text, &format!("sentence {i}"), s.start, s.end)?;
        let p = m
            .paragraphs
            .get(s.paragraph)
            .ok_or_else(|| format!("sentence {i}: no paragraph {}", s.paragraph))?;
        if s.start < p.start || s.end > p.end || s.start >= s.end {
            return Err(format!(
                "sentence {i} ({}..{}) outside paragraph {} ({}..{}) or empty",
                s.start, s.end, s.paragraph, p.start, p.end
            ));
        }
        if s.start < prev_end {
            return Err(format!("sentence {i} overlaps the previous one"));
        }
        if s.region != p.region {
            return Err(format!("sentence {i} region differs from its paragraph"));
        }
        prev_end = s.end;
    }
    for (pi, p) in m.paragraphs.iter().enumerate() {
        let sents = m.sentences_in(pi);
        let mut si = 0usize;
        let para = text.get(p.start..p.end).unwrap_or_default();
        for (off, c) in para.char_indices() {
            let b = p.start + off;
            while sents.get(si).is_some_and(|s| s.end <= b) {
                si += 1;
            }
            let inside = sents.get(si).is_some_and(|s| s.start <= b);
            if !is_space(c) && !inside {
                return Err(format!(
                    "character {c:?} at byte {b} of paragraph {pi} is in no sentence"
                ));
            }
        }
    }
    // Tokens.
    let mut prev_end = 0usize;
    for (i, t) in m.tokens.iter().enumerate() {
        span(text, &format!("token {i}"), t.start, t.end)?;
        let s = m
            .sentences
            .get(t.sentence)
            .ok_or_else(|| format!("token {i}: no sentence {}", t.sentence))?;
        if t.start < s.start || t.end > s.end || t.start >= t.end || t.start < prev_end {
            return Err(format!(
                "token {i} ({}..{}) outside sentence {} ({}..{}), empty or overlapping",
                t.start, t.end, t.sentence, s.start, s.end
            ));
        }
        prev_end = t.end;
    }
    // Quotes.
    let mut prev_start = 0usize;
    for (i, q) in m.quotes.iter().enumerate() {
        let what = format!("quote {i}");
        span(text, &what, q.start, q.end)?;
        span(text, &what, q.inner_start, q.inner_end)?;
        if !(q.start <= q.inner_start && q.inner_start <= q.inner_end && q.inner_end <= q.end) {
            return Err(format!(
                "{what}: marks and inner text out of order ({}..{} inner {}..{})",
                q.start, q.end, q.inner_start, q.inner_end
            ));
        }
        if q.start < prev_start {
            return Err(format!("{what}: quotes not sorted by start"));
        }
        prev_start = q.start;
    }
    check_voice(text, m)
}

/// Voice runs: sorted, disjoint, within paragraphs, covering every paragraph byte exactly once.
pub fn check_voice(text: &str, m: &TextModel) -> Result<(), String> {
    let mut prev_end = 0usize;
    for (i, r) in m.voice.iter().enumerate() {
        span(text, &format!("voice run {i}"), r.start, r.end)?;
        if r.start >= r.end || r.start < prev_end {
            return Err(format!(
                "voice run {i} ({}..{}) empty or overlapping",
                r.start, r.end
            ));
        }
        prev_end = r.end;
        let Some(p) = m.paragraph_at(r.start) else {
            return Err(format!("voice run {i} starts outside any paragraph"));
        };
        if r.end > m.paragraphs[p].end {
            return Err(format!("voice run {i} crosses the end of paragraph {p}"));
        }
    }
    // Coverage: the runs inside each paragraph tile it exactly.
    let mut ri = 0usize;
    for (pi, p) in m.paragraphs.iter().enumerate() {
        let mut cursor = p.start;
        while let Some(r) = m.voice.get(ri) {
            if r.start >= p.end {
                break;
            }
            if r.start != cursor {
                return Err(format!(
                    "paragraph {pi}: bytes {cursor}..{} have no voice",
                    r.start
                ));
            }
            cursor = r.end;
            ri += 1;
        }
        if cursor != p.end {
            return Err(format!(
                "paragraph {pi}: bytes {cursor}..{} have no voice",
                p.end
            ));
        }
    }
    if ri != m.voice.len() {
        return Err("voice runs outside paragraphs".into());
    }
    Ok(())
}

/// Voice map still tiles every paragraph after `set_paraphrased` and marks no quoted byte paraphrased.
pub fn check_paraphrased(text: &str, before: &TextModel, after: &TextModel) -> Result<(), String> {
    check_voice(text, after)?;
    for r in &before.voice {
        if r.voice == Voice::Quoted {
            for b in [r.start, r.end - 1] {
                if after.voice_at(b) != Voice::Quoted {
                    return Err(format!("quoted byte {b} lost its voice"));
                }
            }
        }
    }
    Ok(())
}

/// `text == document[start:end]` in code points for one span.
fn code_points(doc: &[char], what: &str, s: usize, e: usize, t: &str) -> Result<(), String> {
    if s > e || e > doc.len() {
        return Err(format!("{what}: span {s}..{e} out of range {}", doc.len()));
    }
    let got: String = doc[s..e].iter().collect();
    if got != t {
        return Err(format!(
            "{what}: span {s}..{e} is {got:?}, record says {t:?}"
        ));
    }
    Ok(())
}

/// Every span of a record (`loaded_terms`, `attributions` cue/source/content, `quotes`, `headline`,
/// `excluded`) satisfies `text == document[start:end]` in code points, and index fields point inside
/// their arrays. Returns the number of spans checked.
pub fn check_record(doc_text: &str, r: &ArticleRecord) -> Result<usize, String> {
    let doc: Vec<char> = doc_text.chars().collect();
    let mut n = 0;
    for (i, t) in r.loaded_terms.iter().enumerate() {
        code_points(&doc, &format!("loaded_terms[{i}]"), t.start, t.end, &t.text)?;
        if t.attribution.is_some_and(|a| a >= r.attributions.len()) {
            return Err(format!("loaded_terms[{i}].attribution out of range"));
        }
        n += 1;
    }
    for (i, a) in r.attributions.iter().enumerate() {
        for (k, s) in [("cue", &a.cue), ("source", &a.source)] {
            if let Some(s) = s {
                code_points(
                    &doc,
                    &format!("attributions[{i}].{k}"),
                    s.start,
                    s.end,
                    &s.text,
                )?;
                n += 1;
            }
        }
        let c = &a.content;
        code_points(
            &doc,
            &format!("attributions[{i}].content"),
            c.start,
            c.end,
            &c.text,
        )?;
        n += 1;
    }
    for (i, q) in r.quotes.iter().enumerate() {
        code_points(&doc, &format!("quotes[{i}]"), q.start, q.end, &q.text)?;
        if q.attribution.is_some_and(|a| a >= r.attributions.len()) {
            return Err(format!("quotes[{i}].attribution out of range"));
        }
        n += 1;
    }
    if let Some(h) = &r.headline {
        code_points(&doc, "headline", h.start, h.end, &h.text)?;
        n += 1;
    }
    for (i, x) in r.excluded.iter().enumerate() {
        code_points(&doc, &format!("excluded[{i}]"), x.start, x.end, &x.text)?;
        n += 1;
    }
    for (k, v) in &r.metrics {
        if v.is_some_and(|v| !v.is_finite()) {
            return Err(format!("metric {k} is not finite: {v:?}"));
        }
    }
    Ok(n)
}
