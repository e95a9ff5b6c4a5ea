//! Speaker resolution: names, surnames, pronouns, role nominals, organizations and documents; sides.

use super::extract::Raw;
use super::rules::{w, AttributionRules, EntityInfo, EntityMatch};
use super::scan::Tok;
use super::Speaker;

/// A person named in the text ("Russian Foreign Minister Sergei Lavrov"), speaker or not.
#[derive(Debug, Clone)]
pub(crate) struct Mention {
    pub pos: usize,
    pub name: String,
    pub role: Option<String>,
    pub side: Option<&'static str>,
}

/// What a source phrase contains.
#[derive(Default)]
pub(super) struct Parts<'t> {
    /// The longest run of capitalized words that no lexicon knows (a person's name).
    name: Option<(usize, usize)>,
    pub entities: Vec<(usize, usize, &'t EntityInfo)>,
    doc_noun: Option<usize>,
}

/// The text of `toks` (a slice, or some of its tokens in order), with a space between words and before a
/// mark set off from the previous token (except `,` `.` `)`).
pub(super) fn join<'a, 't: 'a, I>(toks: I) -> String
where
    I: IntoIterator<Item = &'a Tok<'t>>,
    I::IntoIter: Clone,
{
    let toks = toks.into_iter();
    let mut s = String::with_capacity(toks.clone().map(|t| t.bare.len() + 1).sum());
    let mut prev: Option<&Tok> = None;
    for t in toks {
        if let Some(p) = prev {
            let word_gap = t.word && (p.word || p.end() < t.start);
            let punct_gap =
                !t.word && t.start > p.end() && !(t.bare == "," || t.bare == "." || t.bare == ")");
            if word_gap || punct_gap {
                s.push(' ');
            }
        }
        s.push_str(t.bare);
        prev = Some(t);
    }
    s
}

fn side_kind(e: &EntityInfo) -> &'static str {
    match e.kind.as_str() {
        "country" | "capital" | "government" => "government",
        "media" => "media",
        "party" | "organization" => "organization",
        _ => "organization",
    }
}

fn is_speaker_entity(e: &EntityInfo) -> bool {
    matches!(
        e.category.as_str(),
        "country" | "metonym" | "institution" | "media" | "org_noun"
    )
}

fn is_role_entity(e: &EntityInfo) -> bool {
    matches!(e.category.as_str(), "role" | "title")
}

pub(super) fn analyze<'r>(toks: &[Tok], rules: &'r AttributionRules) -> Parts<'r> {
    let mut p = Parts::default();
    let mut i = 0;
    let mut depth = 0i32;
    while i < toks.len() {
        if toks[i].is_punct('(') {
            depth += 1;
        } else if toks[i].is_punct(')') {
            depth -= 1;
        }
        if depth > 0 || !toks[i].word {
            i += 1;
            continue;
        }
        if let Some((n, e)) = rules.entity_at(toks, i) {
            p.entities.push((i, i + n, e));
            i += n;
            continue;
        }
        if p.doc_noun.is_none() && rules.cue_nouns.match_at(toks, i).is_some() {
            p.doc_noun = Some(i);
        }
        i += 1;
    }
    let has_role = p.entities.iter().any(|(_, _, e)| is_role_entity(e));
    // Is token `j` inside an entity? (Few entities per phrase: a look through them costs less than a
    // vector of flags.)
    let covered = |j: usize| p.entities.iter().any(|&(s, e, _)| s <= j && j < e);
    // Name runs.
    let mut best: Option<(usize, usize)> = None;
    let mut k = 0;
    let mut depth = 0i32;
    while k < toks.len() {
        let t = &toks[k];
        if t.is_punct('(') {
            depth += 1;
        } else if t.is_punct(')') {
            depth -= 1;
        }
        let name_word = |t: &Tok, j: usize| {
            t.word
                && t.upper
                && !covered(j)
                && !rules.is(t, w::DETERMINER)
                && !rules.is(t, w::BOUNDARY)
                && rules.cue_nouns.match_at(toks, j).is_none()
                && !rules.is_time_word(toks, j)
        };
        if depth == 0 && name_word(t, k) {
            let s = k;
            let mut e = k + 1;
            while e < toks.len() {
                let u = &toks[e];
                if name_word(u, e) && !toks[e - 1].possessive {
                    e += 1;
                } else if u.is_punct('.')
                    && toks[e - 1].bare.chars().count() == 1
                    && e + 1 < toks.len()
                    && name_word(&toks[e + 1], e + 1)
                {
                    // middle initial "John F. Kennedy"
                    e += 1;
                } else {
                    break;
                }
            }
            // A lone capitalized first word next to a role word is usually not a name ("Several judges").
            let lone_initial = s == 0 && e == 1 && has_role && toks.len() > 1;
            if !lone_initial && best.is_none_or(|(bs, be)| e - s > be - bs) {
                best = Some((s, e));
            }
            k = e;
            continue;
        }
        k += 1;
    }
    p.name = best;
    p
}

/// The people named with a title or role in `toks` (one segment), appended to `out`.
///
/// `entities`: the [`AttributionRules::entity_matches`] of `toks`. The scan below looks at entities only
/// where that scan stops: it skips each match as that one does, goes on after a title or role with the
/// match after it, and after a name with the first match after the name.
pub(crate) fn collect_mentions(
    toks: &[Tok],
    entities: &[EntityMatch],
    rules: &AttributionRules,
    out: &mut Vec<Mention>,
) {
    // "Title/role [entity...] Name Name": a title or role word followed by a capitalized run.
    let mut mi = 0;
    while let Some(&(i, n, e)) = entities.get(mi) {
        mi += 1;
        if !is_role_entity(e) {
            continue;
        }
        let mut s = i;
        while s > 0 && toks[s - 1].word && toks[s - 1].upper && i - s < 4 {
            s -= 1;
        }
        let mut j = i + n;
        // more titles/roles: "Foreign Minister". `next`: the first match not before `j` (matches do
        // not overlap, so a match that starts at `j` is that one).
        let mut next = mi;
        while let Some(&(ms, m, e2)) = entities.get(next) {
            if ms != j || !is_role_entity(e2) {
                break;
            }
            j += m;
            next += 1;
        }
        let ns = j;
        let starts_at = |k: usize| entities.get(next).is_some_and(|m| m.0 == k);
        while j < toks.len() && toks[j].word && toks[j].upper && !starts_at(j) {
            j += 1;
            if toks[j - 1].possessive {
                break;
            }
        }
        if j > ns && j - ns <= 4 {
            let name = join(&toks[ns..j]);
            let pre = &toks[s..ns];
            let parts = analyze(pre, rules);
            let side = parts.entities.iter().find_map(|(_, _, e)| e.side);
            out.push(Mention {
                pos: toks[ns].start,
                name,
                role: Some(join(pre)),
                side,
            });
            // No match starts inside the name: go on after it.
            mi = next;
        }
    }
}

pub(crate) struct Resolver<'a> {
    rules: &'a AttributionRules,
    mentions: Vec<Mention>,
    /// The speaker of every attribution so far, in the order given ([`Resolver::into_speakers`]).
    speakers: Vec<Speaker>,
    /// Indices into `speakers` of the speakers so far, in text order (not continuations, not unresolved
    /// participial sources): indices rather than copies, so that each speaker is built once.
    history: Vec<usize>,
    /// Document speakers ("a statement by X") so far.
    docs: Vec<Speaker>,
}

fn last_word(s: &str) -> &str {
    s.split_whitespace().last().unwrap_or(s)
}

/// `full.contains(' ') && last_word(full) == word`; most names end otherwise, which one comparison of
/// their ends tells (the last word of `full` equals `word` only if `full` ends with it, spaces aside).
fn ends_with_word(full: &str, word: &str) -> bool {
    full.trim_end().ends_with(word) && full.contains(' ') && last_word(full) == word
}

impl<'a> Resolver<'a> {
    /// A resolver for `n` attributions.
    pub fn new(rules: &'a AttributionRules, mentions: Vec<Mention>, n: usize) -> Self {
        Resolver {
            rules,
            mentions,
            speakers: Vec::with_capacity(n),
            history: Vec::with_capacity(n),
            docs: Vec::new(),
        }
    }

    /// The speakers so far, in text order.
    fn history(&self) -> impl DoubleEndedIterator<Item = &Speaker> {
        self.history.iter().map(|&i| &self.speakers[i])
    }

    /// Record `sp`, the speaker of the source phrase `toks`, with its side when a sides file is used.
    fn finish(&mut self, mut sp: Speaker, toks: &[Tok]) {
        if let Some(sides) = &self.rules.sides {
            sp.side = sides
                .side_for(&sp.name, sp.role.as_deref(), &join(toks))
                .as_deref()
                .map(crate::names::intern);
        }
        self.history.push(self.speakers.len());
        self.speakers.push(sp);
    }

    /// Resolve the speaker of `r`, the next attribution (in text order; `r.continues` indexes the earlier
    /// ones): a continuation has its parent's speaker.
    pub fn resolve(&mut self, r: &Raw, all: &[Tok]) {
        if let Some(parent) = r.continues.and_then(|c| self.speakers.get(c)) {
            self.speakers.push(parent.clone());
            return;
        }
        let toks = all.get(r.source_toks.0..r.source_toks.1).unwrap_or(&[]);
        let pos = r.source.map_or(r.content.start, |s| s.start);
        let sp = match self.clause_subject(r, all, pos) {
            Some(sp) => sp,
            None => self.resolve_phrase(toks, pos, 0),
        };
        if r.participle && sp.resolved_from == "none" && sp.kind == "unknown" {
            self.speakers.push(sp);
            return;
        }
        self.finish(sp, toks);
    }

    /// The speaker of every attribution given to [`Resolver::resolve`], in order.
    pub fn into_speakers(self) -> Vec<Speaker> {
        self.speakers
    }

    /// A pronoun inside its sentence ("Valdoria has been hit by shortages it blames on …", "Trump said he
    /// would …") prefers the subject of the sentence that contains it, when that subject is compatible
    /// (a person for he/she; an organization, government or media for it/they), over earlier speakers.
    fn clause_subject(&mut self, r: &Raw, all: &[Tok], pos: usize) -> Option<Speaker> {
        let subject = all.get(r.clause_subject.0..r.clause_subject.1)?;
        if subject.is_empty() {
            return None;
        }
        let source = all.get(r.source_toks.0..r.source_toks.1)?;
        let rules = self.rules;
        let wi = source.iter().position(|t| t.word)?;
        let kind = match rules.entity_at(source, wi) {
            Some((1, e)) if e.category == "pronoun" => e.kind.clone(),
            _ => return None,
        };
        let sp = self.resolve_phrase(subject, pos, 0);
        let ok = match kind.as_str() {
            "pronoun_person" => sp.kind == "person",
            "pronoun_thing" | "pronoun_group" => {
                matches!(sp.kind, "organization" | "government" | "media")
            }
            _ => false,
        };
        ok.then_some(Speaker {
            resolved_from: "pronoun",
            ..sp
        })
    }

    /// The mentions before `pos` (at or before it when `inclusive`), in text order: the lookups start from
    /// the nearest one without walking over later mentions (linear time on long texts).
    fn mentions_before(&self, pos: usize, inclusive: bool) -> &[Mention] {
        let end = self
            .mentions
            .partition_point(|m| m.pos < pos || (inclusive && m.pos == pos));
        &self.mentions[..end]
    }

    fn unknown(phrase: &str) -> Speaker {
        Speaker {
            name: if phrase.is_empty() {
                "unknown".into()
            } else {
                phrase.to_string()
            },
            kind: "unknown",
            side: None,
            resolved_from: "none",
            role: None,
        }
    }

    fn resolve_phrase(&mut self, toks: &[Tok], pos: usize, depth: u8) -> Speaker {
        let rules = self.rules;
        let mut words = toks.iter().filter(|t| t.word);
        let Some(first_word) = words.next() else {
            return Self::unknown("");
        };
        // Pronoun.
        if words.next().is_none() {
            if let Some((1, e)) =
                rules.entity_at(toks, toks.iter().position(|t| t.word).unwrap_or(0))
            {
                if e.category == "pronoun" {
                    return self.pronoun(&e.kind, pos);
                }
            }
        }
        let parts = analyze(toks, rules);
        let side_desc = parts.entities.iter().find_map(|(_, _, e)| e.side);
        // Documents: "a statement by X", "X's statement", "the statement".
        if let Some(d) = parts.doc_noun {
            let name_before = parts.name.is_some_and(|(s, _)| s < d)
                || parts
                    .entities
                    .iter()
                    .any(|(s, _, e)| *s < d && is_speaker_entity(e));
            let owner_after = toks
                .get(d + 1)
                .is_some_and(|t| rules.is(t, w::AGENT_PREPOSITION));
            let role_before = parts
                .entities
                .iter()
                .any(|(s, _, e)| *s < d && is_role_entity(e));
            if !role_before && (owner_after || name_before || parts.name.is_none()) && depth == 0 {
                let owner: Option<Speaker> = if owner_after && d + 2 < toks.len() {
                    Some(self.resolve_phrase(&toks[d + 2..], pos, depth + 1))
                } else if name_before {
                    Some(self.resolve_phrase(&toks[..d], pos, depth + 1))
                } else {
                    None
                };
                let sp = match owner {
                    Some(o) if o.kind != "unknown" => {
                        if o.kind == "person" && !self.history().any(|h| h.name == o.name) {
                            // Mentions stay in text order (looked up by position below).
                            let at = self.mentions.partition_point(|m| m.pos <= pos);
                            self.mentions.insert(
                                at,
                                Mention {
                                    pos,
                                    name: o.name.clone(),
                                    role: o.role.clone(),
                                    side: o.side,
                                },
                            );
                        }
                        Speaker {
                            kind: "document",
                            ..o
                        }
                    }
                    _ => {
                        let definite = rules.is(first_word, w::DEFINITE);
                        match self.docs.last() {
                            Some(prev) if definite => Speaker {
                                resolved_from: "role",
                                ..prev.clone()
                            },
                            _ => Speaker {
                                name: join(&toks[d..d + 1]).to_lowercase(),
                                kind: "document",
                                side: side_desc,
                                resolved_from: "none",
                                role: None,
                            },
                        }
                    }
                };
                self.docs.push(sp.clone());
                return sp;
            }
        }
        // Named person.
        if let Some((s, e)) = parts.name {
            let name = join(&toks[s..e]);
            let role_toks = toks
                .iter()
                .enumerate()
                .filter(|(i, t)| (*i < s || *i >= e) && t.word && !rules.is(t, w::DETERMINER))
                .map(|(_, t)| t);
            let role = role_toks.clone().next().is_some().then(|| join(role_toks));
            let (canon, from, known_role, known_side) = self.known_person(&name, pos);
            let side = side_desc.or(known_side);
            return Speaker {
                name: canon,
                kind: "person",
                side,
                resolved_from: from,
                role: role.or(known_role),
            };
        }
        let role_word = parts
            .entities
            .iter()
            .rev()
            .find(|(_, _, e)| is_role_entity(e));
        if let Some((rs, re, _)) = role_word {
            let role_text = join(&toks[*rs..*re]).to_lowercase();
            let definite = rules.is(first_word, w::DEFINITE);
            if definite {
                let found = self.history().rev().find(|h| {
                    h.kind == "person"
                        && match (&side_desc, &h.side) {
                            (Some(a), Some(b)) => a == b,
                            (Some(_), None) => false,
                            (None, _) => h
                                .role
                                .as_ref()
                                .is_some_and(|r| r.to_lowercase().contains(&role_text)),
                        }
                });
                if let Some(h) = found {
                    return Speaker {
                        resolved_from: "role",
                        ..h.clone()
                    };
                }
                if let Some(m) = self.mentions_before(pos, false).iter().rev().find(|m| {
                    m.pos < pos
                        && match (&side_desc, &m.side) {
                            (Some(a), Some(b)) => a == b,
                            (Some(_), None) => false,
                            (None, _) => m
                                .role
                                .as_ref()
                                .is_some_and(|r| r.to_lowercase().contains(&role_text)),
                        }
                }) {
                    return Speaker {
                        name: m.name.clone(),
                        kind: "person",
                        side: m.side,
                        resolved_from: "role",
                        role: m.role.clone(),
                    };
                }
            }
            let content = toks
                .iter()
                .filter(|t| t.word && !rules.is(t, w::DETERMINER));
            let name = if content.clone().next().is_some() {
                join(content)
            } else {
                // A quantifier standing alone ("Some say"): the phrase itself.
                join(toks.iter().filter(|t| t.word))
            };
            return Speaker {
                name: name.to_lowercase(),
                kind: if definite { "person" } else { "anonymous" },
                side: side_desc,
                resolved_from: "none",
                role: Some(role_text),
            };
        }
        // Organizations, governments, media.
        if let Some((_, _, e)) = parts
            .entities
            .iter()
            .rev()
            .find(|(_, _, e)| is_speaker_entity(e))
        {
            // A common organization noun ("the city's finance office") is named by its phrase.
            let name = if e.category == "org_noun" {
                join(
                    toks.iter()
                        .filter(|t| t.word && !rules.is(t, w::DETERMINER)),
                )
            } else {
                e.canonical.clone()
            };
            return Speaker {
                name,
                kind: side_kind(e),
                side: e.side.or(side_desc),
                resolved_from: "name",
                role: None,
            };
        }
        let mut sp = Self::unknown(&join(toks));
        sp.side = side_desc;
        sp
    }

    /// (canonical name, resolved_from, role, side) for a name: an earlier speaker or mention with that full
    /// name or surname, else the name itself.
    fn known_person(
        &self,
        name: &str,
        pos: usize,
    ) -> (String, &'static str, Option<String>, Option<&'static str>) {
        let single = !name.contains(' ');
        for h in self
            .history()
            .rev()
            .filter(|h| h.kind == "person" || h.kind == "document")
        {
            if h.name == name {
                return (h.name.clone(), "name", h.role.clone(), h.side);
            }
            if single && ends_with_word(&h.name, name) {
                return (h.name.clone(), "surname", h.role.clone(), h.side);
            }
        }
        for m in self.mentions_before(pos, true).iter().rev() {
            if m.name == name {
                return (m.name.clone(), "name", m.role.clone(), m.side);
            }
            if single && ends_with_word(&m.name, name) {
                return (m.name.clone(), "surname", m.role.clone(), m.side);
            }
        }
        (name.to_string(), "name", None, None)
    }

    fn pronoun(&self, kind: &str, pos: usize) -> Speaker {
        let found = match kind {
            "pronoun_person" => self
                .history()
                .rev()
                .find(|h| h.kind == "person" || (h.kind == "document" && h.name != "unknown")),
            "pronoun_group" => self.history().rev().find(|h| {
                matches!(
                    h.kind,
                    "organization" | "government" | "anonymous" | "media"
                )
            }),
            "pronoun_thing" => self
                .history()
                .rev()
                .find(|h| matches!(h.kind, "organization" | "government" | "media" | "document")),
            _ => None,
        };
        match found {
            Some(h) => Speaker {
                resolved_from: "pronoun",
                kind: if h.kind == "document" && kind == "pronoun_person" {
                    "person"
                } else {
                    h.kind
                },
                ..h.clone()
            },
            // No earlier speaker: the most recent person named with a title or role.
            None => match self
                .mentions_before(pos, false)
                .last()
                .filter(|_| kind == "pronoun_person")
            {
                Some(m) => Speaker {
                    name: m.name.clone(),
                    kind: "person",
                    side: m.side,
                    resolved_from: "pronoun",
                    role: m.role.clone(),
                },
                None => Speaker {
                    name: "unknown".into(),
                    kind: "unknown",
                    side: None,
                    resolved_from: "none",
                    role: None,
                },
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn ends_with_word_agrees_with_its_definition(
            full in "[ab \u{a0}\t.]{0,8}",
            word in "[ab.]{0,3}",
        ) {
            proptest::prop_assert_eq!(
                ends_with_word(&full, &word),
                full.contains(' ') && last_word(&full) == word
            );
        }
    }
}
