//! The extraction rules: find cues, their source noun phrases and their content within each segment.

use super::resolve::Resolver;
use super::rules::{w, AttributionRules, CueInfo};
use super::scan::{self, is_close_quote, is_open_quote, Segment, Tok};
use super::{Attribution, ByteSpan};

/// Longest speaker noun phrase, in tokens.
const MAX_NP: usize = 16;
/// Longest apposition between a speaker's name and the cue, in tokens.
const MAX_APPOSITION: usize = 40;
/// How far after a cue "that" may open the content (told reporters on Thursday that ...).
const MAX_THAT_GAP: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    /// Content follows the cue.
    Forward,
    /// Content precedes the cue (and its source): "…, X said." / "“…,” said X."
    Backward,
}

/// A provisional attribution within one segment (token indices into the segment).
#[derive(Debug, Clone)]
struct Cand<'r> {
    cue: (usize, usize),
    info: &'r CueInfo,
    phrase: bool,
    source: Option<(usize, usize)>,
    mode: Mode,
    /// For a relative-pronoun source ("…, who said"): the phrase the pronoun stands for.
    antecedent: Option<(usize, usize)>,
    /// Token index of the comma (or other mark) that separates a trailing attribution from the content it
    /// reports; forward contents of earlier cues stop there.
    stop: Option<usize>,
    /// For backward/according-to contents: exclusive end (token index).
    back_end: usize,
    /// For forward contents: start token.
    fwd_start: usize,
}

impl<'r> Cand<'r> {
    /// A candidate whose content follows the cue (from `fwd_start`).
    fn forward(
        cue: (usize, usize),
        info: &'r CueInfo,
        phrase: bool,
        source: Option<(usize, usize)>,
        stop: Option<usize>,
        fwd_start: usize,
    ) -> Self {
        Cand {
            mode: Mode::Forward,
            fwd_start,
            ..Self::backward(cue, info, phrase, source, stop, 0)
        }
    }

    /// A candidate whose content precedes the cue (up to `back_end`).
    fn backward(
        cue: (usize, usize),
        info: &'r CueInfo,
        phrase: bool,
        source: Option<(usize, usize)>,
        stop: Option<usize>,
        back_end: usize,
    ) -> Self {
        Cand {
            cue,
            info,
            phrase,
            source,
            mode: Mode::Backward,
            antecedent: None,
            stop,
            back_end,
            fwd_start: 0,
        }
    }
}

/// A provisional attribution in document coordinates (token ranges index the article's token list).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Raw<'r> {
    pub cue: Option<ByteSpan>,
    pub info: Option<&'r CueInfo>,
    pub phrase: bool,
    pub source: Option<ByteSpan>,
    /// The source's tokens (for a relative pronoun, its antecedent's); empty when there is none.
    pub source_toks: (usize, usize),
    pub content: ByteSpan,
    pub paragraph: usize,
    pub continues: Option<usize>,
    pub participle: bool,
    /// For a pronoun source inside the sentence ("Valdoria has been hit by shortages it blames on …"): the
    /// subject at the start of the sentence, which the pronoun prefers over earlier speakers.
    pub clause_subject: (usize, usize),
}

// Not inlined: profiles attribute its cost to it (`valgrind --tool=callgrind --toggle-collect=…extract::extract`).
#[inline(never)]
pub(crate) fn extract(
    text: &str,
    model: &crate::text::TextModel,
    rules: &AttributionRules,
) -> Vec<Attribution> {
    if rules.is_empty() {
        return Vec::new();
    }
    let quotes = scan::quote_spans(text, model);
    let mut buf = Vec::new();
    let lower = text.to_ascii_lowercase();
    let src = scan::Source {
        text,
        lower: &lower,
    };
    let (tokens, segs, inq) = scan::segments(src, model, &quotes, rules, &mut buf);
    // The buffer holds whole normalized forms only, so it is valid UTF-8. (`str::from_utf8` checks ASCII
    // a word at a time; `String::from_utf8_lossy` checks byte by byte.)
    let buf = std::str::from_utf8(&buf).unwrap_or_default();
    let toks = tokens.finish(buf);
    // Room for about one attribution per segment, so that the list is seldom copied as it grows.
    let mut raws: Vec<Raw> = Vec::with_capacity(segs.len());
    let mut mentions = Vec::new();
    let mut scratch = Scratch::default();
    let mut entities = Vec::new();
    let mut cue_heads = Vec::new();
    for seg in &segs {
        let before = raws.len();
        rules.entity_matches(&toks[seg.lo..seg.hi], &mut entities, &mut cue_heads);
        find_in_segment(&toks, &inq, seg, &cue_heads, rules, &mut scratch, &mut raws);
        super::resolve::collect_mentions(&toks[seg.lo..seg.hi], &entities, rules, &mut mentions);
        if raws.len() == before {
            continuation(&toks[seg.lo..seg.hi], &inq[seg.lo..seg.hi], seg, &mut raws);
        }
    }
    // Text order (by cue, else content); keep `continues` pointing at the same attribution.
    let mut order: Vec<usize> = (0..raws.len()).collect();
    let key = |r: &Raw| r.cue.map_or(r.content.start, |c| c.start);
    order.sort_by_key(|&i| (key(&raws[i]), i));
    let mut new_index = vec![0; raws.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let sorted: Vec<Raw> = order
        .iter()
        .map(|&i| {
            let mut r = raws[i];
            r.continues = r.continues.map(|c| new_index[c]);
            r
        })
        .collect();
    let mut resolver = Resolver::new(rules, mentions, sorted.len());
    for r in &sorted {
        resolver.resolve(r, &toks);
    }
    let mut out: Vec<Attribution> = Vec::with_capacity(sorted.len());
    for (r, speaker) in sorted.iter().zip(resolver.into_speakers()) {
        let kind = if r.phrase {
            "according_to"
        } else {
            kind_of(text, r.content, &quotes)
        };
        out.push(Attribution {
            kind,
            cue: r.cue,
            cue_lemma: r.info.map(|i| i.lemma),
            verb_class: r.info.map(|i| i.class),
            source: r.source,
            content: r.content,
            speaker,
            continues: r.continues,
        });
    }
    out
}

/// direct when everything alphanumeric in the content is inside quotation marks, mixed when some of it is,
/// else indirect.
fn kind_of(text: &str, c: ByteSpan, quotes: &[(usize, usize)]) -> &'static str {
    let first = quotes.partition_point(|q| q.1 <= c.start);
    let rest = &quotes[first..];
    let overlapping = &rest[..rest.iter().take_while(|q| q.0 < c.end).count()];
    if overlapping.is_empty() {
        return "indirect";
    }
    let Some(slice) = text.get(c.start..c.end) else {
        return "indirect";
    };
    // The alphanumeric chars in order: each is inside the first quotation (from `qi` on) that has not
    // ended before it, when that one has opened. Every char before that quotation's end is then inside
    // it too, so the scan resumes at its end.
    let mut qi = 0;
    let mut from = 0;
    while let Some((i, _)) = slice
        .get(from..)
        .and_then(|r| r.char_indices().find(|&(_, ch)| scan::is_alnum(ch)))
    {
        let b = c.start + from + i;
        while qi < overlapping.len() && overlapping[qi].1 <= b {
            qi += 1;
        }
        let inside = qi < overlapping.len() && overlapping[qi].0 <= b;
        if !inside {
            return "mixed";
        }
        // (A quotation end that is not a char boundary of the slice: go on with the next char.)
        let next_char = from + i + slice[from + i..].chars().next().map_or(1, char::len_utf8);
        let end = overlapping[qi].1 - c.start;
        from = if slice.is_char_boundary(end.min(slice.len())) {
            end.max(next_char)
        } else {
            next_char
        };
    }
    "direct"
}

/// [`kind_of`] char by char (the definition; tests compare the two).
#[cfg(test)]
fn kind_of_plain(text: &str, c: ByteSpan, quotes: &[(usize, usize)]) -> &'static str {
    let first = quotes.partition_point(|q| q.1 <= c.start);
    let overlapping: Vec<(usize, usize)> = quotes[first..]
        .iter()
        .take_while(|q| q.0 < c.end)
        .copied()
        .collect();
    if overlapping.is_empty() {
        return "indirect";
    }
    let Some(slice) = text.get(c.start..c.end) else {
        return "indirect";
    };
    let mut qi = 0;
    for (i, ch) in slice.char_indices() {
        if !scan::is_alnum(ch) {
            continue;
        }
        let b = c.start + i;
        while qi < overlapping.len() && overlapping[qi].1 <= b {
            qi += 1;
        }
        let inside = qi < overlapping.len() && overlapping[qi].0 <= b;
        if !inside {
            return "mixed";
        }
    }
    "direct"
}

/// A segment that is nothing but a quotation and follows an attribution in the same or the previous
/// paragraph continues that attribution's speaker. `inq[k]`: is `toks[k]` inside a quotation?
fn continuation(toks: &[Tok], inq: &[bool], seg: &Segment, raws: &mut Vec<Raw>) {
    let (Some(first), Some(last)) = (toks.first(), toks.last()) else {
        return;
    };
    if first.word || !is_open_quote(first.bare) {
        return;
    }
    let all_quoted = toks.iter().zip(inq).all(|(t, &q)| !t.word || q);
    if !all_quoted {
        return;
    }
    let Some(prev_i) = raws.len().checked_sub(1) else {
        return;
    };
    let prev = &raws[prev_i];
    if prev.paragraph + 1 < seg.paragraph || prev.content.end > first.start {
        return;
    }
    let root = prev.continues.unwrap_or(prev_i);
    raws.push(Raw {
        cue: None,
        info: None,
        phrase: false,
        source: None,
        source_toks: (0, 0),
        content: ByteSpan {
            start: first.start,
            end: last.end(),
        },
        paragraph: seg.paragraph,
        continues: Some(root),
        participle: false,
        clause_subject: (0, 0),
    });
}

fn is_word(t: &Tok) -> bool {
    t.word
}

fn punct(t: &Tok, cs: &[char]) -> bool {
    !t.word && cs.iter().any(|c| t.is_punct(*c))
}

/// `punct(t, &[char::from(b)])` for an ASCII mark `b`, without a branch on whether `t` is a word (which
/// follows the text): for scans that look for a rare mark.
#[inline]
fn is_mark(t: &Tok, b: u8) -> bool {
    !t.word & (t.bare.as_bytes().first() == Some(&b))
}

fn is_clause_mark(t: &Tok) -> bool {
    punct(t, &[',', '—', '–', ';']) || (!t.word && is_close_quote(t.bare))
}

struct Ctx<'a, 'r> {
    toks: &'a [Tok<'a>],
    inq: &'a [bool],
    rules: &'r AttributionRules,
}

/// Buffers reused from one segment to the next.
#[derive(Default)]
struct Scratch<'r> {
    cands: Vec<Cand<'r>>,
    stops: Vec<usize>,
    participial: Vec<usize>,
}

impl Ctx<'_, '_> {
    fn is_pronoun(&self, i: usize) -> bool {
        matches!(self.rules.entity_at(self.toks, i), Some((1, e)) if e.category == "pronoun")
    }

    /// The subject at the start of the segment, ending before `limit`: determiners, capitalized words,
    /// titles, roles and entities ("The court", "Kremlin spokesman Dmitry Peskov", "Mr. Schultz").
    fn subject_at_start(&self, limit: usize) -> Option<(usize, usize)> {
        self.subject_from(0, limit)
    }

    /// The subject starting at token `start` (the segment start or just after a comma), ending before
    /// `limit`.
    fn subject_from(&self, start: usize, limit: usize) -> Option<(usize, usize)> {
        let toks = self.toks;
        let mut e = start;
        while e < limit && e - start <= MAX_NP {
            let t = &toks[e];
            if let Some((n, _)) = self.rules.entity_at(toks, e) {
                e += n;
            } else {
                let word =
                    t.word && (t.upper || self.rules.is(t, w::DETERMINER)) && !self.is_boundary(e);
                let abbrev_dot = punct(t, &['.']) && e > 0 && toks[e - 1].end() == t.start;
                if !(word || abbrev_dot) {
                    break;
                }
                e += 1;
            }
        }
        let e = e.min(limit);
        (e > start && self.speaker_like_as(start, e, true) && self.clear_subject_end(e - 1))
            .then_some((start, e))
    }

    /// The subject of the clause that contains token `i`: the subject at the segment start, or after the
    /// nearest comma before `i` ("Since March, Valdoria has been hit by shortages it blames …").
    fn clause_subject_before(&self, i: usize) -> Option<(usize, usize)> {
        let toks = self.toks;
        (i.saturating_sub(MAX_APPOSITION)..i)
            .rev()
            .filter(|&k| punct(&toks[k], &[',']) && !self.inq[k])
            .map(|k| k + 1)
            .take(4)
            .chain(std::iter::once(0))
            .filter(|&st| st < i)
            .find_map(|st| self.subject_from(st, i))
    }

    /// Can `toks[i]` end a noun phrase (a name, role, entity, document noun or plural noun)?
    fn noun_end(&self, i: usize) -> bool {
        let t = &self.toks[i];
        t.word
            && !self.is_boundary(i)
            && (t.upper
                || self.is_role(i)
                || self.rules.cue_nouns.match_at(self.toks, i).is_some()
                || (t.norm.ends_with('s')
                    && !t.norm.ends_with("ss")
                    && self.rules.cues.match_at(self.toks, i).is_none()))
    }

    fn is_role(&self, i: usize) -> bool {
        matches!(self.rules.entity_at(self.toks, i), Some((_, e)) if e.category == "role" || e.category == "title")
    }

    /// A word that can end a subject before a verb that is also a noun: a name, pronoun, role, entity or
    /// document noun.
    fn clear_subject_end(&self, i: usize) -> bool {
        let t = &self.toks[i];
        if !t.word {
            return punct(t, &[')']);
        }
        t.upper
            || self.is_pronoun(i)
            || self.rules.cue_nouns.match_at(self.toks, i).is_some()
            || (0..=i).rev().take(4).any(|s| {
                self.rules
                    .entity_at(self.toks, s)
                    .is_some_and(|(n, e)| s + n == i + 1 && e.category != "pronoun")
            })
    }

    fn is_boundary(&self, i: usize) -> bool {
        let t = &self.toks[i];
        t.word && self.rules.is(t, w::BOUNDARY) && !self.rules.is(t, w::DETERMINER)
    }

    /// Does `toks[s..e]` look like a speaker: a pronoun, a known entity/title/role, a cue noun (a document)
    /// or a capitalized word?
    fn speaker_like(&self, s: usize, e: usize) -> bool {
        self.speaker_like_as(s, e, false)
    }

    /// `strict`: a definite description alone ("the talks") does not count.
    fn speaker_like_as(&self, s: usize, e: usize, strict: bool) -> bool {
        if !strict
            && s < e
            && self.toks[s].word
            && self.rules.is(&self.toks[s], w::DEFINITE)
            && e - s > 1
        {
            return true;
        }
        (s..e).any(|i| {
            let t = &self.toks[i];
            t.word
                && (self.rules.entity_at(self.toks, i).is_some()
                    || self.rules.cue_nouns.match_at(self.toks, i).is_some()
                    || (t.upper
                        && !self.rules.is_time_word(self.toks, i)
                        && !self.rules.is(t, w::DETERMINER)
                        && !self.rules.is(t, w::BOUNDARY)
                        && (i == s
                            || !self.rules.is(&self.toks[i - 1], w::DETERMINER)
                            || self.rules.is(&self.toks[i - 1], w::DEFINITE))))
        })
    }

    /// Start of the noun phrase that ends at `j` (inclusive), walking left; None when there is none.
    fn np_left(&self, j: usize) -> Option<usize> {
        let toks = self.toks;
        if punct(&toks[j], &[')']) && j > 0 {
            // "Rep. Gwen Moore (D-Wis.)": the phrase ends with a parenthetical.
            let open = (j.saturating_sub(8)..j)
                .rev()
                .find(|&m| punct(&toks[m], &['(']))?;
            let s = self.np_left(open.checked_sub(1)?)?;
            return Some(s);
        }
        if !toks[j].word || self.inq[j] || self.is_boundary(j) {
            return None;
        }
        if self.is_pronoun(j) {
            return Some(j);
        }
        let mut k = j;
        let mut n = 0;
        let mut start = j;
        loop {
            let t = &toks[k];
            if t.word {
                // "Commission on Presidential Debates", "Jon Tester and David Vitter": a preposition or
                // coordinator between capitalized words stays inside the phrase.
                let joins_names = k < j
                    && k > 0
                    && (self.rules.is(t, w::NAME_PREPOSITION) || self.rules.is(t, w::COORDINATOR))
                    && !t.upper
                    && (toks[k - 1].upper || punct(&toks[k - 1], &[')']) || self.is_role(k - 1))
                    && toks[k + 1].upper
                    && !self.is_pronoun(k + 1)
                    && !self.is_pronoun(k - 1);
                if !joins_names
                    && (self.inq[k]
                        || self.is_boundary(k)
                        || (k < j && self.is_pronoun(k))
                        || self.rules.is(t, w::AUXILIARY))
                {
                    break;
                }
                if k < j
                    && !t.upper
                    && !self.is_noun_use(k)
                    && self
                        .rules
                        .cues
                        .match_at(toks, k)
                        .is_some_and(|(_, c)| !c.mentions_noun)
                {
                    break;
                }
                n += 1;
                start = k;
                // A determiner opens the phrase unless a preposition links it to a head on its left
                // ("the head of the committee"); "meddling the California congressman" stops at "the".
                if k < j
                    && k > 0
                    && self.rules.is(t, w::DETERMINER)
                    && toks[k - 1].word
                    && !toks[k - 1].upper
                    && !self.rules.is(&toks[k - 1], w::NAME_PREPOSITION)
                    && !self.rules.is(&toks[k - 1], w::AGENT_PREPOSITION)
                {
                    break;
                }
            } else if punct(t, &['.'])
                && k > 0
                && toks[k - 1].word
                && toks[k - 1].end() == t.start
                && k < j
            {
                // abbreviation period inside the phrase ("Rep. John Mica")
                start = k;
            } else if punct(t, &[')']) {
                // a parenthetical such as "(R-Utah)"
                let mut m = k;
                let mut found = None;
                while m > 0 && k - m < 8 {
                    m -= 1;
                    if punct(&toks[m], &['(']) {
                        found = Some(m);
                        break;
                    }
                }
                match found {
                    Some(m) if m > 0 => {
                        k = m;
                        start = m;
                        k -= 1;
                        continue;
                    }
                    _ => break,
                }
            } else if punct(t, &['&', '/', '%']) && k < j {
                start = k;
            } else {
                break;
            }
            if n > MAX_NP || k == 0 {
                break;
            }
            k -= 1;
        }
        if n == 0 || n > MAX_NP {
            return None;
        }
        // Do not start a phrase with an abbreviation period or a hyphen.
        while start <= j && !toks[start].word {
            start += 1;
        }
        (start <= j).then_some(start)
    }

    /// A cue word used as a noun: after a determiner or a possessive, or right before another cue.
    fn is_noun_use(&self, i: usize) -> bool {
        let toks = self.toks;
        // "report shows": a verb that is also a noun, right before another cue ("said praise" is not).
        let noun_like = self
            .rules
            .cues
            .match_at(toks, i)
            .is_some_and(|(_, c)| c.mentions_noun);
        // "Some say", "but some argue": a quantifier that stands alone (a role in the entities lexicon)
        // is the subject, not a determiner of the cue word.
        let standalone = |k: usize| {
            self.is_role(k)
                && (k == 0
                    || !toks[k - 1].word
                    || self.is_boundary(k - 1)
                    || self.rules.is(&toks[k - 1], w::COORDINATOR))
        };
        let prev_det = i > 0
            && toks[i - 1].word
            && ((self.rules.is(&toks[i - 1], w::DETERMINER) && (noun_like || !standalone(i - 1)))
                || toks[i - 1].possessive);
        let next_cue = noun_like
            && toks.get(i + 1).is_some_and(|n| n.word)
            && self
                .rules
                .cues
                .match_at(toks, i + 1)
                .is_some_and(|(_, c)| !c.mentions_noun);
        prev_det || next_cue
    }

    /// End (exclusive) of the noun phrase starting at `i`, walking right: stops at clause punctuation,
    /// boundary words and quotes; an apposition after a comma is included when `appos` is set and it runs
    /// to the end of the segment.
    fn np_right(&self, i: usize, appos: bool) -> Option<usize> {
        let toks = self.toks;
        let mut k = i;
        let mut n = 0;
        while k < toks.len() {
            let t = &toks[k];
            if t.word {
                if self.inq[k] || (k > i && self.is_boundary(k)) || (k == i && self.is_boundary(k))
                {
                    break;
                }
                if k > i
                    && !t.upper
                    && !self.is_noun_use(k)
                    && self
                        .rules
                        .cues
                        .match_at(toks, k)
                        .is_some_and(|(_, c)| !c.mentions_noun)
                {
                    break;
                }
                n += 1;
            } else if punct(t, &['.'])
                && k > 0
                && toks[k - 1].end() == t.start
                && self.rules.is_title_abbrev(toks, k)
            {
                // "Sen." / "U.S."
                if k + 1 == toks.len() {
                    // A sentence-final abbreviation: the period is both.
                    k += 1;
                    break;
                }
            } else if punct(t, &['(']) {
                let close = (k + 1..toks.len().min(k + 8)).find(|&m| punct(&toks[m], &[')']));
                match close {
                    Some(m) => {
                        k = m + 1;
                        continue;
                    }
                    None => break,
                }
            } else if punct(t, &['&', '/']) {
            } else if appos && punct(t, &[',']) && n > 0 {
                // ", a spokesman for Y." / ", 56, who was raised in …" / ", then ambassador to Israel." to the
                // end of the segment (PolNeAR sources keep post-head appositions and relative clauses); a
                // trailing participial or prepositional phrase (", referring to …", ", in a statement") is
                // not part of it.
                let Some(end) = self.trailing_apposition(k) else {
                    break;
                };
                return Some(end);
            } else {
                break;
            }
            if n > MAX_NP {
                return None;
            }
            k += 1;
        }
        (n > 0).then_some(k)
    }

    /// Can the word at `k` open an apposition or relative clause after a speaker's name: a capitalized
    /// word, determiner, role, number, relative pronoun or apposition adverb (now, then, whose), or a bare
    /// noun ("senior counsel at …") — not a cue, a participle or another boundary word?
    fn opens_apposition(&self, k: usize) -> bool {
        let Some(u) = self.toks.get(k) else {
            return false;
        };
        if !u.word || self.inq[k] || self.rules.cues.match_at(self.toks, k).is_some() {
            return false;
        }
        let rel = self.rules.is(u, w::RELATIVE_PRONOUN) || self.rules.is(u, w::APPOSITION_OPENER);
        if rel || u.upper || self.rules.is(u, w::DETERMINER) || self.is_role(k) {
            return true;
        }
        if u.norm.starts_with(|c: char| c.is_ascii_digit()) {
            return true;
        }
        !u.norm.ends_with("ing") && !self.is_boundary(k) && !self.rules.is_manner_adverb(u)
    }

    /// A comma at `k` after a source that follows its cue: when an apposition opens after it and runs to
    /// the end of the segment (or to a trailing ", referring to …" / ", in a statement"), the exclusive
    /// end of the source with that apposition.
    fn trailing_apposition(&self, k: usize) -> Option<usize> {
        let toks = self.toks;
        if !self.opens_apposition(k + 1) {
            return None;
        }
        // An apposition runs at most MAX_APPOSITION tokens (this also keeps the scan linear).
        if toks.len() - k > MAX_APPOSITION {
            let closes = (k + 1..k + MAX_APPOSITION).any(|m| {
                punct(&toks[m], &[','])
                    && toks.get(m + 1).is_some_and(|w| {
                        w.word
                            && !w.upper
                            && (w.norm.ends_with("ing")
                                || (self.is_boundary(m + 1)
                                    && !self.rules.is(w, w::RELATIVE_PRONOUN)
                                    && !self.rules.is(w, w::APPOSITION_OPENER)))
                    })
            });
            if !closes {
                return None;
            }
        }
        let mut e = toks.len();
        for m in k + 1..toks.len().min(k + 1 + MAX_APPOSITION) {
            let u = &toks[m];
            if u.word {
                continue;
            }
            if punct(u, &[':', ';', '!', '?', '—', '–']) {
                return None;
            }
            if is_open_quote(u.bare) && !self.inq.get(m + 1).copied().unwrap_or(false) {
                return None;
            }
            if punct(u, &[',']) && m > k + 1 {
                // ", referring to …" / ", in a statement": the apposition ends here.
                let next = toks.get(m + 1);
                let adverbial = next.is_some_and(|w| {
                    w.word
                        && !w.upper
                        && (w.norm.ends_with("ing")
                            || (self.is_boundary(m + 1)
                                && !self.rules.is(w, w::RELATIVE_PRONOUN)
                                && !self.rules.is(w, w::APPOSITION_OPENER)))
                });
                if adverbial {
                    e = m;
                    break;
                }
            }
        }
        while e > k + 1
            && !toks[e - 1].word
            && !punct(&toks[e - 1], &[')'])
            && !is_close_quote(toks[e - 1].bare)
        {
            e -= 1;
        }
        (e > k + 1).then_some(e)
    }

    /// The source phrase ending just before token `left` (inclusive), with appositions ("John Kirby, a State
    /// Department spokesman,") and comma adverbs ("Peskov, however,"). Returns (start, end_exclusive).
    fn source_before(&self, left: usize) -> Option<(usize, usize)> {
        let toks = self.toks;
        // "the group this month announced", "Trump on Friday said": skip the time expression.
        if toks[left].word && self.rules.is_time_word(toks, left) {
            let mut k = left;
            while k > 0
                && toks[k].word
                && (self.rules.is_time_word(toks, k)
                    || self.rules.is(&toks[k], w::TIME_MODIFIER)
                    || toks[k].norm.chars().all(|c| c.is_ascii_digit()))
            {
                k -= 1;
            }
            if k < left && (toks[k].word || punct(&toks[k], &[')'])) && !self.is_boundary(k) {
                let s = self.np_left(k)?;
                return Some((s, k + 1));
            }
            return None;
        }
        if toks[left].word || punct(&toks[left], &[')']) {
            let s = self.np_left(left)?;
            // "In a Bloomberg interview Trump declared": the phrase sits in an introductory prepositional
            // phrase without a comma; the speaker is the trailing name.
            // (Only after a preposition: "as Mrs. Clinton echoed", "whom Mr. Trump views" keep the title.)
            let in_pp = s > 0
                && toks[s - 1].word
                && self.is_boundary(s - 1)
                && self.rules.is(&toks[s - 1], w::NAME_PREPOSITION)
                && !self.rules.is(&toks[s - 1], w::COORDINATOR)
                && !self.rules.is(&toks[s - 1], w::CONTENT_END)
                && !self.rules.is(&toks[s - 1], w::COMPLEMENTIZER)
                && !self.rules.is(&toks[s - 1], w::RELATIVE_PRONOUN)
                && !self.rules.is(&toks[s - 1], w::PASSIVE_AUX)
                && !self.rules.is(&toks[s - 1], w::AUXILIARY);
            if in_pp && toks[left].word {
                let mut r = left;
                while r > s
                    && toks[r - 1].word
                    && toks[r - 1].upper
                    && self.rules.entity_at(toks, r - 1).is_none()
                {
                    r -= 1;
                }
                let name_run = toks[r].upper
                    && self.rules.entity_at(toks, r).is_none()
                    && !self.rules.is(&toks[r - 1], w::DETERMINER);
                if r > s && name_run {
                    return Some((r, left + 1));
                }
            }
            let mut s = s;
            // "Federal and state officials", "RT and its defenders": a coordinated phrase at the clause start.
            if s >= 2
                && toks[s - 1].word
                && self.rules.is(&toks[s - 1], w::COORDINATOR)
                && self.noun_end(s - 2)
            {
                if let Some(s2) = self.np_left(s - 2) {
                    // (Also after a word that opens a clause: "But Reyes and her advisers believe",
                    // "said that engineers and safety inspectors warned".)
                    let at_start = s2 == 0
                        || is_clause_mark(&toks[s2 - 1])
                        || punct(&toks[s2 - 1], &[':'])
                        || (toks[s2 - 1].word
                            && !self.inq[s2 - 1]
                            && (self.rules.is(&toks[s2 - 1], w::COORDINATOR)
                                || self.rules.is(&toks[s2 - 1], w::COMPLEMENTIZER)
                                || self.rules.is(&toks[s2 - 1], w::CONTENT_END)));
                    if at_start && s - 1 - s2 <= 6 {
                        s = s2;
                    }
                }
            }
            // "protest organizers in Cleveland say", "voters in Iowa say": a prepositional phrase after the
            // head of a clause-initial noun phrase belongs to it.
            if s >= 2
                && toks[s - 1].word
                && !toks[s - 1].upper
                && self.rules.is(&toks[s - 1], w::NAME_PREPOSITION)
                && self.noun_end(s - 2)
                && !self.is_pronoun(s - 2)
                && (!toks[s - 2].upper || self.rules.entity_at(toks, s - 2).is_some())
                && (s..=left).all(|m| self.rules.cue_nouns.match_at(toks, m).is_none())
            {
                if let Some(s2) = self.np_left(s - 2) {
                    let at_start = s2 == 0
                        || is_clause_mark(&toks[s2 - 1])
                        || punct(&toks[s2 - 1], &[':'])
                        || self.rules.is(&toks[s2 - 1], w::COMPLEMENTIZER);
                    if at_start && left + 1 - s2 <= MAX_NP && self.speaker_like(s2, s - 1) {
                        s = s2;
                    }
                }
            }
            // "people familiar with the talks say", "sources close to the campaign said": the head is
            // before the adjective and its preposition.
            if s >= 3
                && toks[s - 1].word
                && !toks[s - 1].upper
                && self.is_boundary(s - 1)
                && toks[s - 2].word
                && self.rules.is(&toks[s - 2], w::POST_HEAD_ADJECTIVE)
                && self.noun_end(s - 3)
            {
                if let Some(s2) = self.np_left(s - 3) {
                    if left + 1 - s2 <= MAX_NP {
                        s = s2;
                    }
                }
            }
            // "Four in 10 voters say", "About nine in 10 Democrats": a proportion opens the phrase.
            let number = |k: usize| {
                toks[k].word
                    && (toks[k].norm.starts_with(|c: char| c.is_ascii_digit())
                        || self.rules.is(&toks[k], w::NUMBER_WORD))
            };
            if s >= 2
                && number(s)
                && toks[s - 1].word
                && self.rules.is(&toks[s - 1], w::RATIO_PREPOSITION)
                && number(s - 2)
            {
                s -= 2;
            }
            if s >= 1
                && number(s)
                && toks[s - 1].word
                && self.rules.is(&toks[s - 1], w::QUANTITY_MODIFIER)
            {
                s -= 1;
            }
            // "Luis Rubio, who heads the center, said": the relative clause belongs to the source.
            if s >= 3
                && self.rules.is(&toks[s - 1], w::RELATIVE_PRONOUN)
                && punct(&toks[s - 2], &[','])
            {
                if let Some(h) = self.np_left(s - 3) {
                    if (h..s - 2).any(|m| toks[m].upper) && self.speaker_like(h, s - 2) {
                        return Some((h, left + 1));
                    }
                }
            }
            return Some((s, left + 1));
        }
        if !(punct(&toks[left], &[',', '—', '–']) || toks[left].bare == "-") || left == 0 {
            return None;
        }
        // "Peskov, however, said"
        let mut a = left;
        while a > 0 && !punct(&toks[a - 1], &[',']) && left - a < 4 {
            a -= 1;
        }
        if a > 1 && a < left && punct(&toks[a - 1], &[',']) {
            if let Some((n, _)) = self.rules.comma_adverbs.match_at(toks, a) {
                if a + n == left {
                    let s = self.np_left(a - 2)?;
                    return Some((s, a - 1));
                }
            }
        }
        self.appositive_source(left)
    }

    /// "John Kirby, a State Department spokesman, said", "Derek Mitchell, who served as ambassador until
    /// this year, said", "Johnnie Wilson, of Springfield, Va., said", "Kall -- co-editor of … -- said": a
    /// name-like head at the start of the clause, then up to [`MAX_APPOSITION`] tokens of apposition
    /// (no quotation, no sentence punctuation) closed by the comma or dash at `left`.
    fn appositive_source(&self, left: usize) -> Option<(usize, usize)> {
        let toks = self.toks;
        let delim = |t: &Tok| punct(t, &[',', '—', '–']) || (!t.word && t.bare == "-");
        let mut k = left;
        let mut commas = 0;
        let mut best = None;
        while k > 0 && left - k < MAX_APPOSITION {
            k -= 1;
            let t = &toks[k];
            // ("Va.," / "Md.," inside an apposition are abbreviations, not sentence ends.)
            let abbrev = k > 0
                && toks[k - 1].end() == t.start
                && (self.rules.is_title_abbrev(toks, k)
                    || toks.get(k + 1).is_some_and(|u| punct(u, &[',', ')'])));
            if self.inq[k] || punct(t, &['.', '!', '?', ':', ';']) && !abbrev {
                break;
            }
            if !t.word && is_open_quote(t.bare) {
                break;
            }
            if delim(t) && k > 0 && !delim(&toks[k - 1]) {
                commas += 1;
                // Try the phrase before this delimiter as the head.
                let Some(head_start) = self.np_left(k - 1) else {
                    continue;
                };
                let before = head_start.checked_sub(1).map(|b| &toks[b]);
                let strong = match before {
                    None => true,
                    Some(b) => {
                        (!b.word
                            && (is_close_quote(b.bare)
                                || punct(b, &[':', '—', '–', '('])
                                || b.bare == "-"))
                            || (head_start == 1
                                && (self.rules.is(b, w::COORDINATOR)
                                    || self.rules.is(b, w::CONTENT_END)))
                    }
                };
                let weak = before.is_some_and(|b| punct(b, &[',', ';']));
                if (strong || weak)
                    && self.speaker_like(head_start, k)
                    && (head_start..k).any(|m| toks[m].upper || self.is_role(m))
                {
                    // "Trump, speaking to veterans, said": a participial phrase is not part of the source.
                    // Likewise a trailing "…, in a statement," / "…, at a press gaggle,".
                    let adverbial = |c: usize| {
                        toks.get(c).is_some_and(|u| {
                            u.word
                                && !u.upper
                                && (u.norm.ends_with("ing")
                                    || (self.is_boundary(c)
                                        && !self.rules.is(u, w::RELATIVE_PRONOUN)
                                        && !self.rules.is(u, w::APPOSITION_OPENER)))
                        })
                    };
                    let end = (k..left)
                        .find(|&d| delim(&toks[d]) && adverbial(d + 1))
                        .unwrap_or(left + 1);
                    let found = (head_start, end);
                    if strong {
                        return Some(found);
                    }
                    best = Some(found);
                }
                if commas >= 4 {
                    break;
                }
            }
        }
        best
    }

    /// First token of the content after a cue ending at `ce` (exclusive), skipping ":" / "," before a
    /// quote, an indirect object (told reporters) and adverbials before "that".
    fn content_start_after(&self, ce: usize, object_frame: bool) -> usize {
        let toks = self.toks;
        let mut s = ce;
        let colon = s < toks.len() && punct(&toks[s], &[':']);
        let comma_quote =
            s + 1 < toks.len() && punct(&toks[s], &[',']) && is_open_quote(toks[s + 1].bare);
        if colon || comma_quote {
            s += 1;
        }
        // "that" within a few tokens, with only an object/adverbial in between.
        let mut k = s;
        while k < toks.len() && k < s + MAX_THAT_GAP {
            let t = &toks[k];
            if !t.word || self.inq[k] {
                break;
            }
            if self.rules.is(t, w::COMPLEMENTIZER)
                || (object_frame && k > s && self.rules.is(t, w::CLAUSE_OPENER))
            {
                if k > s {
                    let first_ok = object_frame
                        || self.rules.object_heads.match_at(toks, s).is_some()
                        || toks[s].upper
                        || self.rules.is(&toks[s], w::BOUNDARY);
                    if first_ok {
                        return k;
                    }
                }
                break;
            }
            k += 1;
        }
        if s < toks.len() {
            if let Some((n, _)) = self.rules.object_heads.match_at(toks, s) {
                if s + n < toks.len()
                    && (toks[s + n].word
                        || is_open_quote(toks[s + n].bare)
                        || punct(&toks[s + n], &[':']))
                {
                    let mut e = s + n;
                    if punct(&toks[e], &[':']) {
                        e += 1;
                    }
                    return e;
                }
            }
        }
        s
    }
}

fn span_of(toks: &[Tok], s: usize, e: usize) -> Option<ByteSpan> {
    (s < e && e <= toks.len()).then(|| ByteSpan {
        start: toks[s].start,
        end: toks[e - 1].end(),
    })
}

fn has_material(toks: &[Tok], s: usize, e: usize) -> bool {
    (s..e.min(toks.len())).any(|i| is_word(&toks[i]))
}

/// The attributions of the segment `all[seg.lo..seg.hi]`, appended to `raws`. `all_inq[k]`: is `all[k]`
/// inside a quotation? `cue_heads`: the segment's words that may start a cue, from
/// [`AttributionRules::entity_matches`].
fn find_in_segment<'r>(
    all: &[Tok],
    all_inq: &[bool],
    seg: &Segment,
    cue_heads: &[usize],
    rules: &'r AttributionRules,
    scratch: &mut Scratch<'r>,
    raws: &mut Vec<Raw<'r>>,
) {
    let toks = &all[seg.lo..seg.hi];
    let n = toks.len();
    if n == 0 {
        return;
    }
    let Scratch {
        cands,
        stops,
        participial,
    } = scratch;
    let cx = Ctx {
        toks,
        inq: &all_inq[seg.lo..seg.hi],
        rules,
    };
    cands.clear();
    if let Some(c) = colon_cand(&cx, seg.headline) {
        cands.push(c);
    }
    // The words that start a cue and are not inside a known name ("United States", "Secretary of State"),
    // in order; `next`: the first token after the last cue found (a cue's own words start no other).
    let mut next = 0;
    for &i in cue_heads {
        let t = &toks[i];
        // A capitalized cue word is a verb only at the start of a segment or in a title-case headline.
        if i < next || (t.upper && i > 0 && !seg.headline) || cx.inq[i] {
            continue;
        }
        if let Some((len, info)) = rules.phrase_cues.match_at(toks, i) {
            if let Some(c) = phrase_cand(&cx, i, i + len, info) {
                cands.push(c);
            }
            next = i + len;
            continue;
        }
        if let Some((len, info)) = rules.cues.match_at(toks, i) {
            if !cx.is_noun_use(i) {
                if let Some(c) = verb_cand(&cx, i, i + len, info, cands) {
                    cands.push(c);
                }
            }
            next = i + len;
        }
    }
    if cands.is_empty() {
        if let Some(c) = evidence_cand(&cx) {
            cands.push(c);
        }
    }
    if cands.is_empty() {
        return;
    }
    stops.clear();
    stops.extend(cands.iter().filter_map(|c| c.stop));
    participial.clear();
    // One pass over the marks followed by a word: ", but …" / ", which …" end an indirect content
    // (`stops`); commas before a participle that is not a cue (", defying a threat …") go to
    // `participial`, in text order.
    for (k, pair) in toks.windows(2).enumerate() {
        let (t, u) = (&pair[0], &pair[1]);
        // (One branch rather than three on facts that follow the text: words and marks alternate.)
        if t.word | !u.word | cx.inq[k + 1] {
            continue;
        }
        // The rare facts are tested first (a word that ends a content, a lower-case word in -ing), so
        // that the test of the mark, a comma about half the time, seldom runs.
        if rules.is(u, w::CONTENT_END) && punct(t, &[',', ';', '—', '–']) {
            stops.push(k);
        }
        if !u.upper
            && u.norm.ends_with("ing")
            && punct(t, &[','])
            && !cx.inq[k]
            && rules.cues.match_at(toks, k + 1).is_none()
        {
            participial.push(k);
        }
    }
    let base = seg.lo;
    for c in cands.iter() {
        let (cs, ce) = match c.mode {
            Mode::Forward => {
                let s = c.fwd_start;
                let e = stops
                    .iter()
                    .copied()
                    .filter(|&st| st > s)
                    .min()
                    .unwrap_or(n);
                // "has pledged to keep the gates open, defying a recent warning …": after an
                // infinitive content, a participial phrase set off by a comma describes the subject's action
                // (the writer's words), not what the subject pledged.
                let infinitive = toks.get(s).is_some_and(|t| t.word && t.norm == "to");
                let e = if infinitive {
                    let i = participial.partition_point(|&k| k <= s);
                    participial.get(i).map_or(e, |&k| k.min(e))
                } else {
                    e
                };
                (s, e)
            }
            Mode::Backward => (0, c.back_end),
        };
        // Trim trailing clause marks (but keep a closing quotation mark) and leading commas.
        let (mut cs, mut ce) = (cs, ce.min(n));
        while cs < ce && punct(&toks[cs], &[',', ':', ';', '—', '–']) {
            cs += 1;
        }
        while ce > cs && punct(&toks[ce - 1], &[',', ':', ';', '—', '–']) {
            ce -= 1;
        }
        if !has_material(toks, cs, ce) && !(cs..ce).any(|k| cx.inq[k]) {
            continue;
        }
        let Some(content) = span_of(toks, cs, ce) else {
            continue;
        };
        let source = c.source.and_then(|(s, e)| span_of(toks, s, e));
        let source_toks = c
            .antecedent
            .or(c.source)
            .map_or((0, 0), |(s, e)| (base + s, base + e));
        let participle = c.source.is_some()
            && c.cue.0 > 0
            && punct(&toks[c.cue.0 - 1], &[','])
            && c.info.lemma != "according to"
            && !c.phrase
            && toks[c.cue.1 - 1].norm.ends_with("ing");
        // A pronoun source after the start of the sentence sits in a subordinate or relative clause
        // ("Valdoria has been hit by shortages it blames on …"): keep the sentence subject for the resolver.
        let clause_subject = match c.source {
            Some((s, e)) if c.antecedent.is_none() && e == s + 1 && s > 0 && cx.is_pronoun(s) => cx
                .clause_subject_before(s)
                .map_or((0, 0), |(a, b)| (base + a, base + b)),
            _ => (0, 0),
        };
        raws.push(Raw {
            cue: span_of(toks, c.cue.0, c.cue.1),
            info: Some(c.info),
            phrase: c.phrase,
            source,
            source_toks,
            content,
            paragraph: seg.paragraph,
            continues: None,
            participle,
            clause_subject,
        });
    }
}

/// "In the latest CNN/ORC poll, Trump leads …": a sentence-initial prepositional phrase whose head is a
/// survey or study (`document_preposition` + `evidence_noun`) attributes the rest of a sentence that has
/// no other cue to that document.
fn evidence_cand<'r>(cx: &Ctx<'_, 'r>) -> Option<Cand<'r>> {
    let toks = cx.toks;
    let first = toks.first()?;
    if !first.word || cx.inq[0] || !cx.rules.is(first, w::DOCUMENT_PREPOSITION) {
        return None;
    }
    let comma = (2..toks.len().min(MAX_NP + 2)).find(|&k| punct(&toks[k], &[',']))?;
    let head = (1..comma).rev().find(|&k| toks[k].word)?;
    if !cx.rules.is(&toks[head], w::EVIDENCE_NOUN) || (1..comma).any(|k| cx.inq[k]) {
        return None;
    }
    if (comma + 1..toks.len()).filter(|&k| toks[k].word).count() < 3 {
        return None;
    }
    let info = cx.rules.evidence_cues.get(&first.id)?;
    Some(Cand::forward(
        (0, 1),
        info,
        true,
        Some((1, comma)),
        None,
        comma + 1,
    ))
}

/// "according to X": the source follows; the content is the rest of the clause.
fn phrase_cand<'r>(cx: &Ctx<'_, 'r>, cs: usize, ce: usize, info: &'r CueInfo) -> Option<Cand<'r>> {
    let toks = cx.toks;
    let n = toks.len();
    let se = cx.np_right(ce, false)?;
    let source = Some((ce, se));
    let left_comma = cs > 0 && is_clause_mark(&toks[cs - 1]);
    let at_start = cs == 0 || (cs > 0 && punct(&toks[cs - 1], &['“', '"']));
    if at_start || (!left_comma && cs <= 2) {
        // "According to X, content."
        let mut s = se;
        if s < n && punct(&toks[s], &[',', ':']) {
            s += 1;
        }
        if !has_material(toks, s, n) {
            return None;
        }
        return Some(Cand::forward((cs, ce), info, true, source, None, s));
    }
    // "content, according to X." (or a mid-sentence insert: take what precedes); at the end of the
    // sentence the source keeps its apposition ("according to Brian Wieser, an analyst at …").
    let se = cx.np_right(ce, true).unwrap_or(se);
    let source = Some((ce, se));
    let end = if left_comma { cs - 1 } else { cs };
    if !has_material(toks, 0, end) {
        return None;
    }
    let back_end = if left_comma && is_close_quote(toks[cs - 1].bare) {
        cs
    } else {
        end
    };
    Some(Cand::backward(
        (cs, ce),
        info,
        true,
        source,
        Some(end),
        back_end,
    ))
}

/// A reporting verb at `cs..ce`.
fn verb_cand<'r>(
    cx: &Ctx<'_, 'r>,
    cs0: usize,
    ce: usize,
    info: &'r CueInfo,
    prev: &[Cand],
) -> Option<Cand<'r>> {
    let toks = cx.toks;
    let n = toks.len();
    let rules = cx.rules;
    // Auxiliaries and manner adverbs before the verb belong to the cue ("has said", "also told",
    // "cynically dismissed").
    let mut cs = cs0;
    while cs > 0
        && toks[cs - 1].word
        && !cx.inq[cs - 1]
        && (rules.is(&toks[cs - 1], w::AUXILIARY) || rules.is_manner_adverb(&toks[cs - 1]))
    {
        cs -= 1;
    }
    let be_aux = (cs..cs0).any(|k| rules.is(&toks[k], w::PASSIVE_AUX));
    let noun_like = info.frame_noun;
    let ing_form = toks[cs0].norm.ends_with("ing");
    if be_aux && !ing_form {
        // passive: "was told", "is expected"
        return None;
    }
    // "is demanding" is a finite verb group; a bare participle is not.
    let ing = ing_form && !be_aux;
    let fwd_start = cx.content_start_after(ce, info.frame_object);
    // "said, adding …" / "said, in an interview, …": the content is not what follows the comma.
    let comma_next = ce + 1 < n
        && punct(&toks[ce], &[','])
        && !is_open_quote(toks[ce + 1].bare)
        && (toks[ce + 1].norm.ends_with("ing") || cx.is_boundary(ce + 1) || !toks[ce + 1].word);
    let opens_with_boundary = fwd_start < n
        && toks[fwd_start].word
        && rules.is(&toks[fwd_start], w::BOUNDARY)
        && !rules.is(&toks[fwd_start], w::COMPLEMENTIZER)
        && !rules.is(&toks[fwd_start], w::CLAUSE_OPENER);
    // "continues to narrow", "added to the list": an infinitive or "to" phrase after a verb whose frame has
    // no `to` is not what the verb reports.
    let to_next = toks
        .get(fwd_start)
        .is_some_and(|t| t.word && !cx.inq[fwd_start] && t.norm == "to");
    let to_ok = !to_next || info.frame_to;
    let fwd_ok = has_material(toks, fwd_start, n)
        && to_ok
        && !comma_next
        && !punct(toks.get(ce).unwrap_or(&toks[ce - 1]), &['.', '!', '?']);
    // Few words follow the cue ("…, X said on Friday."): counted only as far as that test needs.
    let few_fwd_words = || (fwd_start..n).filter(|&k| toks[k].word).take(4).count() <= 3;
    let fwd_quoted = || (fwd_start..n).any(|k| cx.inq[k]);
    let left = cs.checked_sub(1);

    // Participial cue after a comma: ", stressing that ...", ", adding ..." (source = this clause's speaker).
    if ing {
        // "Noting that only one senator voted with them, Tester said …": a participial clause that
        // opens the sentence reports what the subject of the main clause says or thinks.
        if cs == 0 {
            if !fwd_ok {
                return None;
            }
            let k = (ce..n.min(ce + MAX_APPOSITION))
                .find(|&k| punct(&toks[k], &[',']) && !cx.inq[k])?;
            let (ss, se) = cx.subject_from(k + 1, n)?;
            if !toks.get(se).is_some_and(|t| t.word && !cx.inq[se]) {
                return None;
            }
            return Some(Cand::forward(
                (cs, ce),
                info,
                false,
                Some((ss, se)),
                Some(k),
                fwd_start,
            ));
        }
        let l = left?;
        let lt = &toks[l];
        // ", saying …" / "…,” adding that …" (the comma inside the quotation), "… and saying …".
        let after_comma =
            punct(lt, &[',']) || (is_close_quote(lt.bare) && l > 0 && punct(&toks[l - 1], &[',']));
        let word_before = lt.word && !cx.inq[l];
        let coord = word_before && rules.is(lt, w::COORDINATOR) && !prev.is_empty();
        // "defended the plan by citing a poll", "after saying that …": the clause subject speaks.
        let gerund = word_before && rules.is(lt, w::GERUND_PREPOSITION);
        if !fwd_ok {
            return None;
        }
        // "with 28 percent of residents saying …": the noun phrase of the absolute phrase speaks.
        if word_before && !after_comma && !coord && !gerund {
            let s = cx.np_left(l)?;
            if s == 0 || !rules.is(&toks[s - 1], w::ABSOLUTE_PREPOSITION) || cx.inq[s - 1] {
                return None;
            }
            return Some(Cand::forward(
                (cs, ce),
                info,
                false,
                Some((s, l + 1)),
                None,
                fwd_start,
            ));
        }
        if !(after_comma || coord || gerund) {
            return None;
        }
        let source = match prev.last() {
            Some(p) => p.source,
            None => cx.clause_subject_before(l),
        };
        source?;
        return Some(Cand::forward(
            (cs, ce),
            info,
            false,
            source,
            Some(l),
            fwd_start,
        ));
    }

    let l = left?;
    let t = &toks[l];
    // A second verb of the same subject: "promised to … and said …".
    // (A bare lemma after "and" is an infinitive chain: "would go on and continue to".)
    if t.word && rules.is(t, w::COORDINATOR) && fwd_ok && toks[cs0].norm != info.lemma {
        let source = match prev.last() {
            Some(p) if p.mode == Mode::Forward && p.fwd_start < l => p.source,
            Some(_) => None,
            // No earlier cue: the subject of the segment ("Mr. Schultz supported Democrats and said …").
            None => cx.subject_at_start(l),
        };
        source?;
        return Some(Cand::forward(
            (cs, ce),
            info,
            false,
            source,
            Some(l),
            fwd_start,
        ));
    }
    // A relative pronoun: "Trump, who said …" — the source is the pronoun, the speaker its antecedent.
    if t.word && rules.is(t, w::RELATIVE_PRONOUN) && fwd_ok && l > 0 {
        let a_end = if punct(&toks[l - 1], &[',']) {
            l - 1
        } else {
            l
        };
        let antecedent = a_end
            .checked_sub(1)
            .and_then(|j| cx.np_left(j))
            .map(|s| (s, a_end));
        // ("voters who say", "Democrats who fear": a plural noun is a group of speakers.)
        let antecedent = antecedent.filter(|&(s, e)| cx.speaker_like(s, e) || cx.noun_end(e - 1));
        antecedent?;
        return Some(Cand {
            antecedent,
            ..Cand::forward((cs, ce), info, false, Some((l, l + 1)), None, fwd_start)
        });
    }
    // Inverted order: "“…,” said X" / "…, said X."
    let prep_next = ce < n
        && toks[ce].word
        && (cx.is_boundary(ce) || rules.is(&toks[ce], w::AGENT_PREPOSITION));
    // "“…,” Dana Okafor, a delegate from Ohio, told AFP.": the comma closes an apposition
    // of the speaker before the cue; what follows the cue is its object, not an inverted source.
    let appositive_subject = || {
        punct(t, &[','])
            && l > 0
            && !is_close_quote(toks[l - 1].bare)
            && cx
                .appositive_source(l)
                .is_some_and(|(s, e)| cx.speaker_like(s, e))
    };
    if !t.word
        && (is_close_quote(t.bare) || punct(t, &[',']))
        && cs == cs0
        && !prep_next
        && !appositive_subject()
    {
        if let Some(mut se) = cx.np_right(ce, true) {
            // "said one GOP source in the room."
            if se < n
                && toks[se].word
                && cx.is_boundary(se)
                && !rules.is(&toks[se], w::PASSIVE_AUX)
                && !rules.is(&toks[se], w::AUXILIARY)
            {
                let mut e = se;
                while e < n
                    && e - se < 8
                    && ((toks[e].word && !cx.inq[e]) || punct(&toks[e], &['(', ')', '-']))
                {
                    e += 1;
                }
                if e >= n || punct(&toks[e], &['.', '!', '?']) {
                    se = e;
                }
            }
            let rest_ends = se >= n || punct(&toks[se], &['.', '!', '?', ',']);
            if rest_ends && cx.speaker_like_as(ce, se, true) && has_material(toks, 0, l) {
                let back_end = if is_close_quote(t.bare) { l + 1 } else { l };
                return Some(Cand::backward(
                    (cs, ce),
                    info,
                    false,
                    Some((ce, se)),
                    Some(l),
                    back_end,
                ));
            }
        }
    }
    let (ss, se) = cx.source_before(l)?;
    if !cx.speaker_like(ss, se) {
        return None;
    }
    // "raids on what they call rebel depots": a naming verb in a free relative ("what X
    // calls / dubs / describes as") distances the writer from a label; it reports no statement.
    let naming = info.frame_naming;
    if naming && ss > 0 && toks[ss - 1].word && rules.is(&toks[ss - 1], w::FREE_RELATIVE) {
        return None;
    }
    let last_src = &toks[se - 1];
    if last_src.word && rules.is(last_src, w::AGENT_PREPOSITION) {
        return None;
    }
    // A verb that is also a noun ("state", "report", "calls") needs a clear subject right before it.
    if noun_like && se == l + 1 && !cx.clear_subject_end(l) {
        return None;
    }
    // A bare lemma form ("say", "show") needs a plural or pronoun subject; otherwise it is usually a noun
    // ("secretary of state", "the hit show").
    if noun_like && ce - cs0 == 1 && toks[cs0].norm == info.lemma && cs == cs0 {
        let plural =
            (last_src.norm.ends_with('s') && !last_src.possessive) || cx.is_pronoun(se - 1);
        if !plural {
            return None;
        }
    }
    let back_possible = ss > 0 && is_clause_mark(&toks[ss - 1]) && has_material(toks, 0, ss - 1);
    // "“…,” she said several months later" reports the quotation before it.
    // (The quotation must open the segment: "On “Fox News Sunday,” Pence said …" reports what follows.)
    let quote_opens_segment =
        !toks[0].word && is_open_quote(toks[0].bare) || cx.inq.first() == Some(&true);
    let after_quote = back_possible
        && quote_opens_segment
        && ss >= 2
        && (is_close_quote(toks[ss - 1].bare) || is_close_quote(toks[ss - 2].bare));
    let prefer_back = after_quote
        || (back_possible && (opens_with_boundary || (few_fwd_words() && !fwd_quoted())));
    if fwd_ok && !prefer_back {
        return Some(Cand::forward(
            (cs, ce),
            info,
            false,
            Some((ss, se)),
            None,
            fwd_start,
        ));
    }
    // "…, X said." / "“…,” X said."
    let b = ss.checked_sub(1)?;
    if !is_clause_mark(&toks[b]) {
        return None;
    }
    let back_end = if is_close_quote(toks[b].bare) {
        b + 1
    } else {
        b
    };
    if !has_material(toks, 0, back_end) && !(0..back_end).any(|k| cx.inq[k]) {
        return None;
    }
    Some(Cand::backward(
        (cs, ce),
        info,
        false,
        Some((ss, se)),
        Some(b),
        back_end,
    ))
}

/// Longest speaker phrase before a colon in "Speaker: what they said" headlines and transcripts.
const MAX_COLON_SPEAKER: usize = 6;

/// "Graham: Trump's rhetoric destroying GOP" (a headline) or "PENCE: Well, look …" (a transcript line in
/// capitals): the phrase before a colon at the start of the segment is the source, the colon the cue.
fn colon_cand<'r>(cx: &Ctx<'_, 'r>, headline: bool) -> Option<Cand<'r>> {
    let toks = cx.toks;
    let c = (1..toks.len().min(MAX_COLON_SPEAKER + 1)).find(|&k| is_mark(&toks[k], b':'))?;
    if !has_material(toks, c + 1, toks.len()) || cx.inq[0] {
        return None;
    }
    let phrase_ok = (0..c).all(|k| {
        toks[k].word || (punct(&toks[k], &['.']) && k > 0 && toks[k - 1].end() == toks[k].start)
    });
    if !phrase_ok || !cx.speaker_like_as(0, c, true) || !cx.clear_subject_end(c - 1) {
        return None;
    }
    // In the body only the transcript convention (the speaker in capitals, not a dateline place name).
    let capitals =
        (0..c).all(|k| !toks[k].word || toks[k].bare.chars().all(|ch| !ch.is_lowercase()));
    // "WASHINGTON:" is a dateline: compare the capitalized words with the lexicon in title case.
    let titled_text: Vec<String> = toks[..c]
        .iter()
        .map(|t| {
            let mut cs = t.bare.chars();
            match cs.next() {
                Some(f) => f.to_string() + &cs.as_str().to_lowercase(),
                None => String::new(),
            }
        })
        .collect();
    let titled: Vec<Tok> = toks[..c]
        .iter()
        .zip(&titled_text)
        .map(|(t, b)| Tok { bare: b, ..*t })
        .collect();
    let transcript = capitals && (0..c).all(|k| cx.rules.entity_at(&titled, k).is_none());
    // "Kerry: “By law, the president …”": a capitalized name, then a quotation right after the colon.
    let quoted = toks
        .get(c + 1)
        .is_some_and(|t| !t.word && is_open_quote(t.bare))
        && (0..c).all(|k| !toks[k].word || toks[k].upper);
    if !headline && !transcript && !quoted {
        return None;
    }
    let info = &cx.rules.colon_cue;
    Some(Cand::forward(
        (c, c + 1),
        info,
        false,
        Some((0, c)),
        None,
        c + 1,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn is_mark_agrees_with_punct(
            chars in proptest::collection::vec(
                proptest::sample::select(vec!['a', 'B', '7', ' ', ':', ',', ';', '.', '“', '’', '—', 'é']),
                0..30,
            ),
        ) {
            let text: String = chars.into_iter().collect();
            let vocab = super::super::rules::Vocab::default();
            let mut buf = Vec::new();
            let toks = scan::tokenize(&text, 0, text.len(), &vocab, &mut buf);
            for t in &toks {
                for b in [b':', b',', b';', b'.', b'a'] {
                    proptest::prop_assert_eq!(is_mark(t, b), punct(t, &[char::from(b)]));
                }
            }
        }

        #[test]
        fn kind_of_agrees_with_the_char_scan(
            chars in proptest::collection::vec(
                proptest::sample::select(vec!['a', '7', ' ', '“', '”', ',', 'é', '—']),
                0..30,
            ),
            bounds in proptest::collection::vec((0usize..70, 0usize..20), 0..5),
            (start, len) in (0usize..70, 0usize..40),
        ) {
            let text: String = chars.into_iter().collect();
            let mut quotes: Vec<(usize, usize)> = bounds.iter().map(|&(s, n)| (s, s + n)).collect();
            quotes.sort_unstable();
            let c = ByteSpan { start, end: start + len };
            proptest::prop_assert_eq!(kind_of(&text, c, &quotes), kind_of_plain(&text, c, &quotes));
        }
    }

    #[test]
    fn kind_of_tells_direct_mixed_and_indirect_apart() {
        let t = "He said “we will go, now” and “they left”.";
        let q = |from: usize| {
            let s = from + t[from..].find('“').unwrap_or(0);
            (s, s + t[s..].find('”').unwrap_or(0) + '”'.len_utf8())
        };
        let (a, b) = (q(0), q(q(0).1));
        let quotes = [a, b];
        let span = |s, e| ByteSpan { start: s, end: e };
        for (c, want) in [
            (span(a.0, a.1), "direct"),
            (span(a.0, b.1), "mixed"),
            (span(0, a.0), "indirect"),
            (span(a.0 + 3, a.1 - 3), "direct"),
        ] {
            assert_eq!(kind_of(t, c, &quotes), want);
            assert_eq!(kind_of_plain(t, c, &quotes), want);
        }
    }
}
