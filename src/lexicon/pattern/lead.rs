//! A check on the start of a haystack implied by a pattern anchored at its start.
//!
//! The literal gate ([`super::Gate`]) only asks whether a haystack contains a literal every match needs.
//! For a pattern anchored at the start of the haystack that is often all but everything: the rule for
//! lines made only of web addresses needs nothing but a ".", which almost every paragraph has, so its regex
//! ran on almost every paragraph only to fail on the first word. A match of such a pattern is a prefix of
//! the haystack, and the pattern's syntax tree says which characters that prefix may hold before the first
//! character every match must contain (a "stop" character): "www.", "example." or "https://" before the
//! first ".", never a space. [`Lead::admits`] walks the haystack from its start while its characters may
//! come before a stop and answers whether the first one that may not is a stop that may come first; a
//! paragraph of prose fails on its first space, in a few instructions instead of a regex call.
//!
//! Exact: for every string `w` a node of the tree matches, [`walk`] finds `pre` and `first` such that
//! either `w` holds no stop character, every character of `w` is in `pre` and the node can match without
//! a stop (`can_stay`), or every character of `w` before its first stop is in `pre` and that stop is in
//! `first` (by induction over concatenations, alternations and repetitions). A pattern whose every match
//! starts at offset 0 and holds a stop (`!can_stay`) therefore matches only haystacks [`Lead::admits`]
//! accepts. The tree is that of the pattern's prefilter when it has one, which matches a superset of the
//! haystacks the pattern matches, so the implication holds for the pattern too.
use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Look};

/// The ranges of `class` outside ASCII.
fn other(class: &ClassUnicode) -> Box<[(char, char)]> {
    class
        .ranges()
        .iter()
        .filter(|r| r.end() >= '\u{80}')
        .map(|r| (r.start().max('\u{80}'), r.end()))
        .collect()
}

/// Whether the sorted ranges `set` hold `c`.
fn holds(set: &[(char, char)], c: char) -> bool {
    let i = set.partition_point(|&(_, e)| e < c);
    set.get(i).is_some_and(|&(s, _)| s <= c)
}

/// For an ASCII byte in [`Lead::ascii`]: the walk goes on.
const GO_ON: u8 = 1;
/// For an ASCII byte in [`Lead::ascii`]: a match may start here (a stop that may come first).
const ADMIT: u8 = 2;

/// The check of one pattern (see the module docs).
#[derive(Debug, Clone)]
pub(crate) struct Lead {
    /// For every ASCII byte: [`GO_ON`], [`ADMIT`] or 0 (no match can start so).
    ascii: [u8; 128],
    /// Characters outside ASCII that may come before the first stop character of a match.
    pre: Box<[(char, char)]>,
    /// Stop characters outside ASCII that may be the first stop of a match.
    first: Box<[(char, char)]>,
}

impl Lead {
    /// The check of the pattern `src` (full regex syntax, default flags), when the pattern is anchored at
    /// the start of the haystack, every match holds a stop character, and the check can reject some
    /// printable ASCII character (so that it is worth a walk). `None` otherwise.
    pub(crate) fn new(src: &str) -> Option<Lead> {
        // Only a pattern written with a leading `^` is worth its syntax tree (unanchored credit patterns
        // with large case-folded classes cost hundreds of thousands of instructions to translate).
        if !src[super::leading_flags(src)..].starts_with('^') {
            return None;
        }
        let hir = regex_syntax::ParserBuilder::new().build().parse(src).ok()?;
        if !hir.properties().look_set_prefix().contains(Look::Start) {
            return None;
        }
        let stop = required_chars(&hir)?;
        if stop.ranges().is_empty() {
            return None;
        }
        let w = walk(&hir, &stop)?;
        if w.can_stay {
            return None;
        }
        Some(Lead {
            ascii: ascii_table(&w.pre, &w.first)?,
            pre: other(&w.pre),
            first: other(&w.first),
        })
    }

    /// Whether a match may start `hay`: its characters before the first one that may not come before a
    /// stop are all allowed there, and that one is a stop that may come first.
    pub(crate) fn admits(&self, hay: &str) -> bool {
        let bytes = hay.as_bytes();
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            if let Some(&a) = self.ascii.get(usize::from(b)) {
                if a != GO_ON {
                    return a == ADMIT;
                }
                i += 1;
            } else {
                let Some(c) = hay.get(i..).and_then(|s| s.chars().next()) else {
                    return true;
                };
                if !holds(&self.pre, c) {
                    return holds(&self.first, c);
                }
                i += c.len_utf8();
            }
        }
        false
    }
}

/// The [`Lead::ascii`] table of `pre` and `first`, `None` when it rejects no printable ASCII character
/// (a walk would not pay).
fn ascii_table(pre: &ClassUnicode, first: &ClassUnicode) -> Option<[u8; 128]> {
    let mut ascii = [0u8; 128];
    for (set, mark) in [(pre, GO_ON), (first, ADMIT)] {
        for r in set.ranges() {
            for b in u32::from(r.start())..=u32::from(r.end()).min(0x7F) {
                if let Some(a) = ascii.get_mut(b as usize) {
                    *a = mark;
                }
            }
        }
    }
    ascii
        .get(0x20..0x7F)
        .is_some_and(|printable| printable.contains(&0))
        .then_some(ascii)
}

/// What [`walk`] finds for a node: the characters its matches may hold before their first stop, the stops
/// that may come first, and whether it matches some string without a stop.
struct Walk {
    pre: ClassUnicode,
    first: ClassUnicode,
    can_stay: bool,
}

fn empty() -> ClassUnicode {
    ClassUnicode::empty()
}

fn one(c: char) -> ClassUnicode {
    ClassUnicode::new([ClassUnicodeRange::new(c, c)])
}

/// [`Walk`] of `hir` for the stop characters `stop`; `None` for byte classes and literals that are not
/// UTF-8 (no check is built).
fn walk(hir: &Hir, stop: &ClassUnicode) -> Option<Walk> {
    Some(match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Walk {
            pre: empty(),
            first: empty(),
            can_stay: true,
        },
        HirKind::Literal(lit) => {
            let text = std::str::from_utf8(&lit.0).ok()?;
            let mut pre = empty();
            for c in text.chars() {
                let cc = one(c);
                let mut is_stop = cc.clone();
                is_stop.intersect(stop);
                if !is_stop.ranges().is_empty() {
                    return Some(Walk {
                        pre,
                        first: cc,
                        can_stay: false,
                    });
                }
                pre.union(&cc);
            }
            Walk {
                pre,
                first: empty(),
                can_stay: true,
            }
        }
        HirKind::Class(Class::Unicode(c)) => {
            let mut pre = c.clone();
            pre.difference(stop);
            let mut first = c.clone();
            first.intersect(stop);
            let can_stay = !pre.ranges().is_empty();
            Walk {
                pre,
                first,
                can_stay,
            }
        }
        HirKind::Class(Class::Bytes(_)) => return None,
        HirKind::Capture(c) => walk(&c.sub, stop)?,
        HirKind::Repetition(r) => {
            if r.max == Some(0) {
                Walk {
                    pre: empty(),
                    first: empty(),
                    can_stay: true,
                }
            } else {
                let w = walk(&r.sub, stop)?;
                Walk {
                    can_stay: r.min == 0 || w.can_stay,
                    ..w
                }
            }
        }
        HirKind::Concat(items) => {
            let mut out = Walk {
                pre: empty(),
                first: empty(),
                can_stay: true,
            };
            for item in items {
                let w = walk(item, stop)?;
                out.pre.union(&w.pre);
                out.first.union(&w.first);
                if !w.can_stay {
                    out.can_stay = false;
                    break;
                }
            }
            out
        }
        HirKind::Alternation(items) => {
            let mut out = Walk {
                pre: empty(),
                first: empty(),
                can_stay: false,
            };
            for item in items {
                let w = walk(item, stop)?;
                out.pre.union(&w.pre);
                out.first.union(&w.first);
                out.can_stay |= w.can_stay;
            }
            out
        }
    })
}

/// Characters each of which every match of `hir` holds (single-character literals and classes, in
/// required positions); `None` for literals that are not UTF-8.
fn required_chars(hir: &Hir) -> Option<ClassUnicode> {
    Some(match hir.kind() {
        HirKind::Literal(lit) => {
            let text = std::str::from_utf8(&lit.0).ok()?;
            let mut set = empty();
            for c in text.chars() {
                set.union(&one(c));
            }
            set
        }
        HirKind::Class(Class::Unicode(c)) => match c.ranges() {
            [r] if r.start() == r.end() => c.clone(),
            _ => empty(),
        },
        HirKind::Capture(c) => required_chars(&c.sub)?,
        HirKind::Repetition(r) if r.min >= 1 => required_chars(&r.sub)?,
        HirKind::Concat(items) => {
            let mut set = empty();
            for item in items {
                set.union(&required_chars(item)?);
            }
            set
        }
        HirKind::Alternation(items) => {
            let mut it = items.iter();
            let Some(head) = it.next() else {
                return Some(empty());
            };
            let mut set = required_chars(head)?;
            for item in it {
                set.intersect(&required_chars(item)?);
            }
            set
        }
        _ => empty(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use regex::Regex;

    #[test]
    fn web_address_lines_need_an_address_first() {
        let src = r"(?i)^(?:(?:https?://)?(?:www\d?\.)?(?:[a-z0-9-]+\.)+[a-z]{2,12}(?:/\S*)?[\s,;|]*){1,8}$";
        let lead = Lead::new(src).unwrap();
        for hay in [
            "www.example.co.uk",
            "https://example.com/x",
            "EXAMPLE.COM",
            "\u{212A}.com",
        ] {
            assert!(lead.admits(hay), "{hay}");
        }
        for hay in [
            "The president said.",
            "Smith, who spoke.",
            "example",
            "",
            "é.com",
            "http ://x.com",
        ] {
            assert!(!lead.admits(hay), "{hay}");
        }
        // Not anchored, or nothing required, or nothing to reject: no check.
        assert!(Lead::new(r"(?i)\bexample\.com").is_none());
        assert!(Lead::new(r"^[a-z]+$").is_none());
        assert!(Lead::new(r"^.*\.$").is_none());
        assert!(Lead::new(r"(?-u:^\xFF\.)").is_none());
    }

    /// A check built from `src` never rejects a haystack its regex matches.
    fn never_rejects_a_match(src: &str, hay: &str) -> Result<(), TestCaseError> {
        if let (Some(lead), Ok(re)) = (Lead::new(src), Regex::new(src)) {
            prop_assert!(
                !re.is_match(hay) || lead.admits(hay),
                "{} rejects {:?}",
                src,
                hay
            );
        }
        Ok(())
    }

    /// The built-in line rules with a check, each with its exact regex.
    fn builtin_checks() -> &'static [(Lead, Regex)] {
        static CHECKS: std::sync::OnceLock<Vec<(Lead, Regex)>> = std::sync::OnceLock::new();
        CHECKS.get_or_init(|| {
            let set = crate::lexicon::LexiconSet::builtin().unwrap();
            let mut out = Vec::new();
            for l in set.of_kind("boilerplate") {
                for e in &l.entries {
                    let p = l.pattern_of(e).unwrap();
                    if let Some(lead) = Lead::new(p.gate_source()) {
                        out.push((lead, p.exact().unwrap().clone()));
                    }
                }
            }
            assert!(!out.is_empty());
            out
        })
    }

    proptest! {
        #[test]
        fn random_anchored_patterns(
            src in r"(\(\?i\))?\^(\\\.|\.|-|[ak]{1,2}|\[a\.\]|\[\.\]|\[ab -\]|\(a\|b\\\.\)|\(a\\\.\)\?|\\w|\\s|\\S|\\d|x\*|é|\(\?i:ks\)|\.\{0,2\}){1,6}\$?",
            hay in "[abkx.\\- K\u{212a}\u{17f}é1١]{0,12}",
        ) {
            never_rejects_a_match(&src, &hay)?;
        }

        #[test]
        fn builtin_line_rules(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "http://", "https://", "HTTPS://", "www.", "www2.", "example", "co", ".", "uk", "/",
                    "x", " ", ", ", "|", "-", "\u{212a}", "\u{17f}", "é", "Photo", ":", "Source", "s",
                    "click here", "©", "(c)", "copyright", "2016", "share", "AP", "Reuters", "/ ",
                    "Getty Images", "Tags", "comments", "\u{2019}", "Read more", "»", "Roku", "\n",
                ]),
                0..10,
            ),
        ) {
            let hay: String = pieces.concat();
            for (lead, re) in builtin_checks() {
                prop_assert!(
                    !re.is_match(&hay) || lead.admits(&hay),
                    "{} rejects {:?}",
                    re.as_str(),
                    hay
                );
            }
        }
    }
}
