//! Credit patterns with long bounded repetitions of one character class, matched without compiling the
//! repetition's copies.
//!
//! `[\p{L}.,' -]{0,60}` compiles to sixty copies of a Unicode class automaton: the two credit patterns
//! written that way cost as much to compile as all other lexicon patterns together, on every run. A
//! [`Relaxed`] regex is the pattern with each such repetition written unbounded (`{0,}`) inside a capture
//! group of its own. Its matches are used when every one of them repeats the class no more often than the
//! original allows; otherwise (rare: a credit-like line with a long prefix) the original regex with its
//! classes cut down to the characters of the haystack gives the matches.
//!
//! Why this is exact: the relaxed regex matches a superset, and at every choice point it offers the
//! original's choices in the original's order (a repetition at its bound may only exit in the original,
//! in the relaxed regex it may also go on). Leftmost-first matching picks, at the leftmost start where any
//! match exists, the first path in that order. So when the relaxed regex's chosen path stays within every
//! bound, it is a path of the original, the original has no match further left and no earlier path at
//! that start: both pick the same match with the same captures. Iterating from the same position after the
//! same match, the next search is the same too, and when the relaxed regex finds nothing the original
//! cannot either. The group's span tells how often a class (one character per iteration) was repeated
//! only when it is not itself under a repetition (a group records its last iteration only), so only such
//! repetitions are relaxed.

use regex::{Captures, Regex};
use regex_syntax::ast::{Ast, Repetition, RepetitionKind, RepetitionRange};
use std::fmt::Write as _;
use std::sync::OnceLock;

/// Smallest upper bound worth relaxing: small bounds compile to few copies.
const MIN_BOUND: u32 = 16;

/// Prefix of the capture groups added around relaxed repetitions (patterns using it are left alone).
const GROUP_PREFIX: &str = "slantscope_bound";

/// The relaxed form of a pattern (see the module docs), compiled on first need.
#[derive(Debug)]
pub struct Relaxed {
    /// The original pattern.
    original: String,
    /// The relaxed pattern.
    source: String,
    /// The relaxed repetitions, in source order.
    items: Vec<Item>,
    /// Every class of the original pattern (bracketed, Unicode or Perl, not inside another class), in
    /// source order: [`Relaxed::restricted`] cuts each down to the haystack's characters.
    classes: Vec<ClassAt>,
    /// The relaxed regex and, for each of `items`, its group's index.
    regex: OnceLock<Option<(Regex, Vec<usize>)>>,
    /// The characters of each of `classes` (as ranges), translated once on the first fallback; `None`
    /// when one is not a class of Unicode characters (`(?-u)`).
    members: OnceLock<Option<Vec<Ranges>>>,
}

/// The characters of a class, as sorted inclusive ranges.
type Ranges = Vec<(char, char)>;

/// A class of the original pattern: its byte span and the flags it is translated under, written as a
/// flag group (`(?iu-x)`).
#[derive(Debug)]
struct ClassAt {
    start: usize,
    end: usize,
    flags: String,
}

/// A relaxed repetition `C{m,n}` of a class `C` (bracketed, Unicode or Perl).
#[derive(Debug)]
struct Item {
    /// Group name in the relaxed pattern.
    name: String,
    /// Most characters the original allows.
    max: usize,
}

impl Relaxed {
    /// The relaxed form of `source`, `None` when it has no repetition worth relaxing.
    pub fn new(source: &str) -> Option<Self> {
        Self::with_min_bound(source, MIN_BOUND)
    }

    fn with_min_bound(source: &str, min_bound: u32) -> Option<Self> {
        if source.contains(GROUP_PREFIX) {
            return None;
        }
        let ast = regex_syntax::ast::parse::Parser::new().parse(source).ok()?;
        let mut found = Vec::new();
        relaxable(&ast, false, min_bound, &mut found);
        if found.is_empty() {
            return None;
        }
        let mut out = String::with_capacity(source.len() + 32 * found.len());
        let mut items = Vec::new();
        let mut at = 0;
        for (k, r) in found.into_iter().enumerate() {
            let (start, class_end, end) = (
                r.span.start.offset,
                r.ast.span().end.offset,
                r.span.end.offset,
            );
            let RepetitionKind::Range(RepetitionRange::Bounded(min, max)) = r.op.kind else {
                return None;
            };
            let name = format!("{GROUP_PREFIX}{k}");
            out.push_str(source.get(at..start)?);
            out.push_str(&format!("(?P<{name}>"));
            out.push_str(source.get(start..class_end)?);
            out.push_str(&format!("{{{min},}}{})", if r.greedy { "" } else { "?" }));
            items.push(Item {
                name,
                max: max as usize,
            });
            at = end;
        }
        out.push_str(source.get(at..)?);
        let mut classes = Vec::new();
        class_spans(&ast, &mut Flags::default(), &mut classes);
        Some(Relaxed {
            original: source.to_string(),
            source: out,
            items,
            classes,
            regex: OnceLock::new(),
            members: OnceLock::new(),
        })
    }

    /// The captures of every match of the original regex in `hay` (as its `captures_iter`): from the
    /// relaxed regex when its matches stay within the bounds, else from [`Relaxed::restricted`] (or
    /// `exact()` when there is none or it fails to compile). Only named groups of the original may be
    /// looked up in them (the other regexes number their groups differently).
    ///
    /// `bound`, when given, is a regex that has a match starting wherever the original has one (a
    /// prefilter: [`from_candidates`]); the relaxed regex then searches only from its match starts.
    pub fn captures<'h, 'r>(
        &'r self,
        hay: &'h str,
        bound: Option<&Regex>,
        exact: impl FnOnce() -> Option<&'r Regex>,
    ) -> Vec<Captures<'h>> {
        let compiled = self.regex.get_or_init(|| {
            let re = without_lazy_dfa(&self.source).ok()?;
            let groups = self
                .items
                .iter()
                .map(|it| re.capture_names().position(|n| n == Some(it.name.as_str())))
                .collect::<Option<Vec<_>>>()?;
            Some((re, groups))
        });
        if let Some((re, groups)) = compiled {
            let all: Vec<Captures<'h>> = bound
                .and_then(|b| {
                    from_candidates(hay, b, |at| {
                        let c = re.captures_at(hay, at)?;
                        let m = c.get(0)?;
                        Some((m.start(), m.end(), c))
                    })
                })
                .unwrap_or_else(|| re.captures_iter(hay).collect());
            let within = |c: &Captures| {
                groups.iter().zip(&self.items).all(|(&i, it)| {
                    c.get(i)
                        .is_none_or(|m| m.as_str().chars().nth(it.max).is_none())
                })
            };
            if all.iter().all(within) {
                return all;
            }
        }
        match self.restricted(hay).map(|src| without_lazy_dfa(&src)) {
            Some(Ok(re)) => re.captures_iter(hay).collect(),
            _ => exact().map_or_else(Vec::new, |re| re.captures_iter(hay).collect()),
        }
    }

    /// The original pattern with each of its classes replaced by the characters of `hay` it holds (a case-
    /// sensitive class of them): the same matches in `hay`, as a class is only ever tested against
    /// characters of the haystack. A class of a few characters compiles far faster than a Unicode class,
    /// above all a case-folded one repeated many times. The classes are translated (under the flags in
    /// effect where they stand) once, on the first call. `None` when a class is not a class of Unicode
    /// characters.
    fn restricted(&self, hay: &str) -> Option<String> {
        let members = self
            .members
            .get_or_init(|| {
                let mut seen: Vec<(&str, &str, Ranges)> = Vec::new();
                let mut all = Vec::with_capacity(self.classes.len());
                for c in &self.classes {
                    let text = self.original.get(c.start..c.end)?;
                    let known = seen.iter().find(|s| s.0 == c.flags && s.1 == text);
                    let ranges = match known {
                        Some(s) => s.2.clone(),
                        None => {
                            let r = class_ranges(&format!("{}{text}", c.flags))?;
                            seen.push((&c.flags, text, r.clone()));
                            r
                        }
                    };
                    all.push(ranges);
                }
                Some(all)
            })
            .as_ref()?;
        let mut chars: Vec<char> = hay.chars().collect();
        chars.sort_unstable();
        chars.dedup();
        let mut out = String::with_capacity(self.original.len() + 16 * chars.len());
        let mut at = 0;
        for (c, ranges) in self.classes.iter().zip(members) {
            out.push_str(self.original.get(at..c.start)?);
            out.push_str("(?u-i:[");
            let mut any = false;
            for &ch in &chars {
                let inside = ranges
                    .binary_search_by(|&(lo, hi)| {
                        if hi < ch {
                            std::cmp::Ordering::Less
                        } else if lo > ch {
                            std::cmp::Ordering::Greater
                        } else {
                            std::cmp::Ordering::Equal
                        }
                    })
                    .is_ok();
                if inside {
                    let _ = write!(out, "\\x{{{:x}}}", u32::from(ch));
                    any = true;
                }
            }
            // No character of the haystack is in the class: a class that holds none.
            out.push_str(if any { "])" } else { "\\x{0}&&\\x{1}])" });
            at = c.end;
        }
        out.push_str(self.original.get(at..)?);
        Some(out)
    }
}

/// The matches of a regex in `hay` as its `find_iter` or `captures_iter` gives them, found by `search_at`
/// (the regex's first match starting at or after a position, with its span) from the match starts of
/// `bound` only: `bound` must have a match starting wherever the regex has one (a prefilter that only
/// widens the pattern: a superset of its matches, span by span). Then the leftmost `bound` match at or
/// after a position starts no later than the regex's, so searching from there finds the same match, and
/// where `bound` finds none the regex finds none either: the regex (without a lazy DFA, or falling back
/// from it on non-ASCII text) neither scans the text before its match nor, after the last one, the rest
/// of the haystack. `None` when a match is empty (the iterators skip some of those: the caller iterates
/// as usual).
pub fn from_candidates<T>(
    hay: &str,
    bound: &Regex,
    mut search_at: impl FnMut(usize) -> Option<(usize, usize, T)>,
) -> Option<Vec<T>> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(p) = bound.find_at(hay, at) {
        let Some((s, e, t)) = search_at(p.start()) else {
            break;
        };
        if e <= s {
            return None;
        }
        out.push(t);
        at = e;
    }
    Some(out)
}

/// The sorted character ranges of the class `src` (a flag group, then one class), `None` when it does not
/// translate to a class of Unicode characters (or a single character).
fn class_ranges(src: &str) -> Option<Ranges> {
    use regex_syntax::hir::{Class, HirKind};
    let hir = regex_syntax::ParserBuilder::new().build().parse(src).ok()?;
    match hir.kind() {
        HirKind::Class(Class::Unicode(c)) => {
            Some(c.ranges().iter().map(|r| (r.start(), r.end())).collect())
        }
        HirKind::Literal(lit) => {
            let s = std::str::from_utf8(&lit.0).ok()?;
            let mut it = s.chars();
            let c = it.next()?;
            it.next().is_none().then(|| vec![(c, c)])
        }
        _ => None,
    }
}

/// `src` compiled without its lazy DFA (a cache capacity of zero is below any minimum, so the regex
/// crate leaves it out). The relaxed and restricted regexes only run on haystacks a prefilter accepted,
/// most of which they match; to find a match's start, the lazy DFA would run a reverse pass whose states
/// (over large Unicode classes) it builds one by one as new haystacks need them, at far more cost than
/// the bounded backtracker (or PikeVM) that then only has the paragraph to search.
fn without_lazy_dfa(src: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(src).dfa_size_limit(0).build()
}

/// The flags that change what a class holds (case folding, Unicode) or how its text parses (`x`), as
/// the regex translator tracks them.
#[derive(Debug, Clone, Copy)]
struct Flags {
    case_insensitive: bool,
    unicode: bool,
    ignore_whitespace: bool,
}

impl Default for Flags {
    fn default() -> Self {
        Flags {
            case_insensitive: false,
            unicode: true,
            ignore_whitespace: false,
        }
    }
}

impl Flags {
    fn apply(&mut self, f: &regex_syntax::ast::Flags) {
        use regex_syntax::ast::{Flag, FlagsItemKind};
        let mut on = true;
        for item in &f.items {
            match item.kind {
                FlagsItemKind::Negation => on = false,
                FlagsItemKind::Flag(Flag::CaseInsensitive) => self.case_insensitive = on,
                FlagsItemKind::Flag(Flag::Unicode) => self.unicode = on,
                FlagsItemKind::Flag(Flag::IgnoreWhitespace) => self.ignore_whitespace = on,
                FlagsItemKind::Flag(_) => {}
            }
        }
    }

    /// The flags as a flag group setting or clearing each.
    fn group(self) -> String {
        let (mut set, mut clear) = (String::new(), String::new());
        for (on, c) in [
            (self.case_insensitive, 'i'),
            (self.unicode, 'u'),
            (self.ignore_whitespace, 'x'),
        ] {
            (if on { &mut set } else { &mut clear }).push(c);
        }
        format!("(?{set}-{clear})")
    }
}

/// Collects, in source order, the classes of `ast` (bracketed, Unicode or Perl; the members of a
/// bracketed class are part of it) with the flags in effect there: a flag directive (`(?i)`) holds to
/// the end of its group, later branches of an alternation included, a flag group (`(?i:...)`) inside
/// it.
fn class_spans(ast: &Ast, flags: &mut Flags, out: &mut Vec<ClassAt>) {
    let mut push = |span: &regex_syntax::ast::Span| {
        out.push(ClassAt {
            start: span.start.offset,
            end: span.end.offset,
            flags: flags.group(),
        })
    };
    match ast {
        Ast::ClassBracketed(c) => push(&c.span),
        Ast::ClassUnicode(c) => push(&c.span),
        Ast::ClassPerl(c) => push(&c.span),
        Ast::Flags(f) => flags.apply(&f.flags),
        Ast::Repetition(r) => class_spans(&r.ast, flags, out),
        Ast::Group(g) => {
            let outer = *flags;
            if let regex_syntax::ast::GroupKind::NonCapturing(f) = &g.kind {
                flags.apply(f);
            }
            class_spans(&g.ast, flags, out);
            *flags = outer;
        }
        Ast::Alternation(a) => a.asts.iter().for_each(|x| class_spans(x, flags, out)),
        Ast::Concat(c) => c.asts.iter().for_each(|x| class_spans(x, flags, out)),
        _ => {}
    }
}

/// Collects, in source order, the repetitions of `ast` worth relaxing: a bounded repetition `{m,n}` with
/// `n >= min_bound` of one class (bracketed, Unicode or Perl), not under another repetition (`?` aside).
fn relaxable<'a>(ast: &'a Ast, repeated: bool, min_bound: u32, out: &mut Vec<&'a Repetition>) {
    match ast {
        Ast::Repetition(r) => {
            let class = matches!(
                *r.ast,
                Ast::ClassBracketed(_) | Ast::ClassUnicode(_) | Ast::ClassPerl(_)
            );
            match (r.op.kind.clone(), class) {
                (RepetitionKind::Range(RepetitionRange::Bounded(_, n)), true)
                    if !repeated && n >= min_bound =>
                {
                    out.push(r);
                }
                // An optional item is matched at most once: its groups still tell all.
                (
                    RepetitionKind::ZeroOrOne
                    | RepetitionKind::Range(
                        RepetitionRange::Exactly(0 | 1) | RepetitionRange::Bounded(_, 0 | 1),
                    ),
                    _,
                ) => relaxable(&r.ast, repeated, min_bound, out),
                _ => relaxable(&r.ast, true, min_bound, out),
            }
        }
        Ast::Group(g) => relaxable(&g.ast, repeated, min_bound, out),
        Ast::Alternation(a) => a
            .asts
            .iter()
            .for_each(|x| relaxable(x, repeated, min_bound, out)),
        Ast::Concat(c) => c
            .asts
            .iter()
            .for_each(|x| relaxable(x, repeated, min_bound, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// (span, named group spans) of every match, for comparing the relaxed and the original regex.
    fn spans(re: &Regex, caps: &[Captures]) -> Vec<Vec<Option<(usize, usize)>>> {
        caps.iter()
            .map(|c| {
                let whole = c.get(0).map(|m| (m.start(), m.end()));
                let named = re
                    .capture_names()
                    .flatten()
                    .map(|n| c.name(n).map(|m| (m.start(), m.end())));
                std::iter::once(whole).chain(named).collect()
            })
            .collect()
    }

    /// Patterns with small bounds (relaxed from 2 on) so that random text crosses them often.
    const PATTERNS: &[&str] = &[
        r"^(?:[\p{Lu}][\p{L}.,' -]{0,3}\s)?\((?P<name>AB|[\p{Lu}][\p{L}&.]*(?:\s[\p{Lu}][\p{L}&.]*){0,2})\)\s*[-–—]",
        r"\b(?P<name>AB\s+Ph(?:/[\p{L}.'’ -]{1,3})?|(?:[\p{L}.'’-]+(?:\s[\p{L}.'’-]+){0,2}\s*/\s*)?Gy|AB\s*/\s*[\p{L}.'’-]+)",
        r"(?i)a[b é]{2,4}?(?P<name>b|é)",
        r"(?P<name>[ab]{1,3})(?P<rest>[b]{0,2}|c)",
        r"x[^\n]{0,2}y|(?P<name>[a]{2,3})",
        r"(?:[ab]{0,2}c)+(?P<name>[a]{0,2})",
        r"(?i)\((?P<name>[^;.()\n]{1,3})\)",
        r"(?x) (?P<name> [a\ é]{1,3} ) \s* \w{2,3}? \p{Lu}{1,2}",
        r"a(?i)[b]{0,3}x|(?P<name>[é]{1,3})",
        r"(?i:[ab]{0,3})(?-i)[AB]{1,3}(?P<name>x|y)",
        r"(?i)[a-c]{0,3}(?-i:(?P<name>[AÉ]{1,2}))[b]",
        r"(?-u:[ab]{0,3})(?P<name>\x2D)",
        r"(?x: [a b]{1,3} (?P<name> [\p{Ll}] ) ) [ ]{0,2} \p{Lu}",
    ];

    #[test]
    fn classes_carry_the_flags_where_they_stand() {
        let r = Relaxed::new(r"[a]{0,20}(?i:[b])(?x)[c]|\d(?-ix)\w").unwrap();
        let flags: Vec<&str> = r.classes.iter().map(|c| c.flags.as_str()).collect();
        assert_eq!(
            flags,
            ["(?u-ix)", "(?iu-x)", "(?ux-i)", "(?ux-i)", "(?u-ix)"]
        );
    }

    #[test]
    fn relaxes_only_long_repetitions_of_a_class() {
        let r = Relaxed::new(r"^(?:[\p{Lu}][\p{L}.,' -]{0,60}\s)?\((?P<name>x{1,3}|y)\)").unwrap();
        assert_eq!(
            r.source,
            r"^(?:[\p{Lu}](?P<slantscope_bound0>[\p{L}.,' -]{0,})\s)?\((?P<name>x{1,3}|y)\)"
        );
        assert!(Relaxed::new(r"(?:a[bc]{0,60})+").is_none());
        assert!(Relaxed::new(r"(?:a[bc]{0,60}){0,2}").is_none());
        assert!(Relaxed::new(r"(?:a[bc]{0,60}){0,1}").is_some());
        assert!(Relaxed::new(r"(?:ab){0,60}").is_none());
        assert!(Relaxed::new(r"[ab]{0,8}").is_none());
        assert!(Relaxed::new(r"a{0,60}|.{0,60}").is_none());
        let r = Relaxed::new(r"\w{2,20}?b").unwrap();
        assert_eq!(r.source, r"(?P<slantscope_bound0>\w{2,}?)b");
        assert_eq!(
            r.restricted("b a").unwrap(),
            r"(?u-i:[\x{61}\x{62}]){2,20}?b"
        );
        let r = Relaxed::new(r"(?i)\b[\p{Lu}][^;.\n]{1,120}\s\d").unwrap();
        assert_eq!(
            r.restricted("Ab.").unwrap(),
            r"(?i)\b(?u-i:[\x{41}\x{62}])(?u-i:[\x{41}\x{62}]){1,120}(?u-i:[\x{0}&&\x{1}])(?u-i:[\x{0}&&\x{1}])"
        );
        // Bytes classes are not cut down: the exact regex gives the matches.
        let r = Relaxed::new(r"(?-u:[a-z]{0,60})x").unwrap();
        assert!(r.restricted("ax").is_none());
    }

    #[test]
    fn long_prefix_falls_back_to_the_restricted_original() {
        let src = r"^(?:[A-Z][a-z ]{0,20}\s)?\((?P<name>[A-Z]+)\)";
        let (re, relaxed) = (Regex::new(src).unwrap(), Relaxed::new(src).unwrap());
        for hay in [
            "Paris (AB) now",
            "Averyveryverylongplacename (AB)",
            "(CD) x",
        ] {
            // No `exact`: the restricted regex must compile.
            assert!(relaxed.restricted(hay).is_some());
            let got = relaxed.captures(hay, None, || None);
            let want: Vec<_> = re.captures_iter(hay).collect();
            assert_eq!(spans(&re, &got), spans(&re, &want), "{hay}");
        }
    }

    proptest! {
        #[test]
        fn matches_from_prefilter_starts_are_find_iters(
            p in 0..3usize,
            hay in proptest::collection::vec(
                prop::sample::select(vec![
                    "told", "said to", "CNN", "cnn", "’s", "'s", "has", "learned", "reported", "an",
                    "a", "the", "report", " ", "  ", "\n", "é", "CNNé", "x", ".", ",", "“", "—",
                ]),
                0..24,
            ),
        ) {
            let pats = [
                r"(?i)\b(?:told|said to)\s+(?:CNN|the Times)\b",
                r"(?i)\bCNN(?:['’]s)?\s+(?:has|had)?\s*(?:learned|reported)\b",
                r"(?i)\b(?:an?|the)\s+CNN\s+(?:report|review)\b",
            ];
            let hay = hay.concat();
            let re = Regex::new(pats[p]).unwrap();
            let bound = Regex::new(&crate::lexicon::pattern::prefilter_source(pats[p]).unwrap()).unwrap();
            let got = from_candidates(&hay, &bound, |at| {
                re.find_at(&hay, at).map(|m| (m.start(), m.end(), (m.start(), m.end())))
            });
            let want: Vec<_> = re.find_iter(&hay).map(|m| (m.start(), m.end())).collect();
            prop_assert_eq!(got, Some(want));
        }
    }

    proptest! {
        #[test]
        fn same_matches_as_the_original(
            p in 0..PATTERNS.len(),
            hay in proptest::collection::vec(
                prop::sample::select(vec![
                    "a", "b", "c", "x", "y", "é", "É", "A", "B", "AB", "Ph", "Gy", " ", "  ", "\t",
                    ".", ",", "'", "’", "/", "(", ")", "-", "—", "&", "\n",
                ]),
                0..40,
            ),
        ) {
            let hay = hay.concat();
            let re = Regex::new(PATTERNS[p]).unwrap();
            let relaxed = Relaxed::with_min_bound(PATTERNS[p], 2).unwrap();
            // `exact` only for the bytes class (no restricted form).
            let exact = || PATTERNS[p].contains("?-u").then_some(&re);
            let got = relaxed.captures(&hay, None, exact);
            let want: Vec<_> = re.captures_iter(&hay).collect();
            prop_assert_eq!(spans(&re, &got), spans(&re, &want));
            // Searched from the starts of the prefilter's matches (or of the pattern's own), the same.
            let bound = crate::lexicon::pattern::prefilter_source(PATTERNS[p])
                .map_or_else(|| re.clone(), |src| Regex::new(&src).unwrap());
            let got = relaxed.captures(&hay, Some(&bound), exact);
            prop_assert_eq!(spans(&re, &got), spans(&re, &want));
        }
    }
}
