//! Prefilter rewriting and lazy compilation.

use super::*;
use proptest::prelude::*;

#[test]
fn prefilter_drops_word_boundaries_and_widens_letter_classes() {
    let pf = |p: &str| prefilter_source(p);
    assert_eq!(
        pf(r"(?i)^.*\ball rights\b"),
        Some(r"(?i)(?:)all rights(?:)".into())
    );
    assert_eq!(pf(r"\b{start}x\B\<y\>"), Some(r"(?:)x(?:)(?:)y(?:)".into()));
    assert_eq!(pf(r"[\\b\]]\b"), Some(r"[\\b\]](?:)".into()));
    assert_eq!(pf(r"[]a]\\b"), None);
    assert_eq!(pf(r"^plain$"), None);
    assert_eq!(pf(r"(?x) \b a"), None);
    assert_eq!(pf(r"(?i)^.*\(x\)$"), Some(r"(?i)\(x\)$".into()));
    assert_eq!(pf(r"^.+\bx$"), Some(r".(?:)x$".into()));
    assert_eq!(pf(r"^.*?x$"), None);
    assert_eq!(pf(r"^x.*$"), None);
    // Letter classes are widened to non-space (or anything when the class may hold a space); negated
    // classes, set operations and other properties stay.
    assert_eq!(
        pf(r"[\p{L}.'’-]+(?:\s[\p{Lu}]){0,4}\p{L}\pN\w"),
        Some(r"\S+(?:\s\S){0,}\S\S\S".into())
    );
    assert_eq!(pf(r"x[\p{L} .]{1,9}"), Some(r"x(?s:.){1,}".into()));
    assert_eq!(pf(r"x[\p{L}\s]"), Some(r"x(?s:.)".into()));
    assert_eq!(pf(r"x[\P{L}a]"), Some(r"x(?s:.)".into()));
    assert_eq!(pf(r"x[^\p{L}]\p{Zs}[\p{L}&&a-z]"), None);
    assert_eq!(pf(r"[\]\p{L}]"), Some(r"\S".into()));
    // Bounded repetitions lose their upper bound; exact counts, escaped braces and classes stay.
    assert_eq!(
        pf(r"^a{2,15}?b\{1,2\}[x{1,2}]c{3}d{4,}.{0,80}$"),
        Some(r"^a{2,}?b\{1,2\}[x{1,2}]c{3}d{4,}.{0,}$".into())
    );
    assert_eq!(pf(r"^a{,2}b{1,c}$"), None);
    let cases = [
        r"(?i)^(?:[\p{Lu}][\p{L}.,' -]{0,60}\s)?\((?P<name>AP|[\p{Lu}][\p{L}&.]*)\)\s*[-–—]",
        r"\b(?P<n>(?:[\p{L}.'’-]+(?:\s[\p{L}.'’-]+){0,4}\s*/\s*)?Getty Images)",
        r"(?i)\breporting\s+by\s+(?P<name>[\p{Lu}][^;.()\n]{1,120})",
    ];
    for p in cases {
        let re = Regex::new(p).unwrap();
        let pre = Regex::new(&prefilter_source(p).expect(p)).unwrap();
        for hay in [
            "LONDON (AP) — x",
            "Élise Ünal / Getty Images",
            "Ö (Reuters) - y",
            "with reporting by Åsa Öberg",
            "nothing here at all",
            "Ünal/Getty Images",
        ] {
            assert!(!re.is_match(hay) || pre.is_match(hay), "{p} on {hay}");
        }
    }
    // A lazy pattern matches exactly what its regex matches, and compiles the regex only once its
    // prefilter accepts a haystack.
    let lazy = Pattern::new(r"(?i)^.*\bvia\b.*$", false).unwrap();
    assert!(lazy.prefilter().is_some());
    assert!(!lazy.is_match("nothing here"));
    assert!(lazy.exact.get().is_none(), "compiled before any candidate");
    for (line, want) in [
        ("Photo via Reuters", true),
        ("aviation", false),
        ("évia x", false),
    ] {
        assert_eq!(lazy.is_match(line), want, "{line}");
        assert_eq!(
            Regex::new(lazy.as_str()).unwrap().is_match(line),
            want,
            "{line}"
        );
    }
    assert!(lazy.exact.get().is_some());
}

#[test]
fn invalid_patterns_are_rejected_when_eager_and_never_match_when_lazy() {
    for bad in [r"(?i)\bunclosed(", r"\p{NoSuchClass}x\b"] {
        assert!(Pattern::new(bad, true).is_err());
        if let Ok(p) = Pattern::new(bad, false) {
            assert!(!p.is_match("unclosed x"));
        }
    }
}

proptest! {
    /// Every haystack the original regex matches, its prefilter matches too.
    #[test]
    fn prefilter_is_a_superset(hay in "[ a-zA-Z/().,'’ÉéÖöÅ\n-]{0,40}") {
        for p in [
            r"\b(?P<n>(?:[\p{L}.'’-]+(?:\s[\p{L}.'’-]+){0,4}\s*/\s*)?Getty Images)",
            r"(?i)^.*\b(?:photo|via)\b.*$",
            r"(?i)^(?:[\p{Lu}][\p{L}.,' -]{0,6}\s)?\((?P<name>AP|[\p{Lu}][\p{L}&.]*)\)",
            r"^.+\bby [\p{Lu}][\p{L}]+$",
            r"(?i)^(?:photo|video)s?\s*:\s*[^\n]{1,12}$",
            r"^.{0,8}\bvia (?:[\p{L}]+\s){1,2}x?$",
        ] {
            let re = Regex::new(p).unwrap();
            let pre = Regex::new(&prefilter_source(p).unwrap()).unwrap();
            prop_assert!(!re.is_match(&hay) || pre.is_match(&hay), "{} on {:?}", p, hay);
        }
    }
}

#[test]
fn required_literals_and_gate() {
    let req = |p: &str| {
        let ast = regex_syntax::ast::parse::Parser::new().parse(p).unwrap();
        required_literals(&ast).map(|v| v.into_iter().map(|l| l.text).collect::<Vec<_>>())
    };
    assert_eq!(
        req(r"(?i)^.*\ball rights reserved\.?$"),
        Some(vec!["all rights reserved".into()])
    );
    assert_eq!(
        req(r"(?i)^(?:tags?|topics?)\s*:"),
        Some(vec!["tag".into(), "topic".into()])
    );
    // A cased non-ASCII letter ends a run: "caf" and "s" are the candidates, "caf" wins.
    assert_eq!(req(r"(?i)cafés"), Some(vec!["caf".into()]));
    assert_eq!(req(r"^x?y*\p{L}+$"), None);
    assert_eq!(
        req(r"^\w+(?:\s*[›»>|]\s*\w+)+$"),
        Some(vec!["›".into(), "»".into(), ">".into(), "|".into()])
    );
    assert_eq!(req(r"(?i)x[ké]"), Some(vec!["x".into()]));
    assert_eq!(req(r"[^|]"), None);
    assert_eq!(req(r"[a-c]"), None);
    assert_eq!(req(r"[\w|]"), None);
    assert_eq!(req(r"(?:Getty Images|\w+)"), None);
    // Every built-in pattern: the gate never closes a pattern on a line it matches.
    let set = crate::lexicon::LexiconSet::builtin().unwrap();
    let mut sources = Vec::new();
    for l in &set.lexicons {
        for e in &l.entries {
            if let Some(p) = &e.pattern {
                sources.push(if e.case_sensitive {
                    p.clone()
                } else {
                    format!("(?i){p}")
                });
            }
        }
    }
    let refs: Vec<&str> = sources.iter().map(String::as_str).collect();
    let gate = Gate::new(&refs);
    let regexes: Vec<Regex> = sources.iter().map(|s| Regex::new(s).unwrap()).collect();
    let mut open = Vec::new();
    for hay in [
        "LONDON (AP) — The council met.",
        "Élise Ünal / Getty Images",
        "REUTERS/Jane Doe",
        "© 2024 The Washington Post",
        "Share this article",
        "Additional reporting by Åsa Öberg; Editing by Bo Li",
        "Read more: a story",
        "Home › World » Europe | News",
        "The \u{212A}ELVIN sign and ſhare (long s) fold under (?i).",
        "ſhare",
    ] {
        gate.candidates(hay, &mut open);
        for (i, re) in regexes.iter().enumerate() {
            assert!(
                !re.is_match(hay) || open[i],
                "{} closed on {hay}",
                re.as_str()
            );
        }
    }
}

/// The plain definition of [`Gate::candidates`]: a pattern is a candidate when it has no gate literals,
/// when one of them occurs in `hay` (ASCII case-insensitively, or exactly when the pattern never folds
/// case), or when one of them holds a `k` or an `s` that may fold and `hay` holds the Kelvin sign or
/// the long s.
fn candidates_simple(sources: &[&str], hay: &str) -> Vec<bool> {
    let reqs: Vec<GateLiterals> = sources.iter().map(|src| gate_literals(src)).collect();
    let special = hay.contains(['\u{212A}', '\u{17F}']);
    let lower = hay.to_ascii_lowercase();
    reqs.iter()
        .map(|r| match r {
            None => true,
            Some(r) => {
                (special && r.iter().any(|l| l.folds_ks))
                    || r.iter().any(|l| {
                        if l.exact {
                            hay.contains(&l.text)
                        } else {
                            lower.contains(&l.text.to_ascii_lowercase())
                        }
                    })
            }
        })
        .collect()
}

/// Random patterns for the gate proptests: case-sensitive or not (as a whole or in a group), with
/// literals, classes and alternations.
const GATE_SOURCES: &str =
    "(\\(\\?i\\))?([abks]{1,3}|[AB]{1,2}|\\[ab\\]|\\w|(a|bk)|\\(\\?i:ab\\)|é)+";

proptest! {
    #[test]
    fn gate_candidates_equal_simple_candidates(
        sources in proptest::collection::vec(GATE_SOURCES, 0..8),
        hay in "[abkcsABKS\u{212a}\u{17f}é ]{0,30}",
    ) {
        let refs: Vec<&str> = sources.iter().map(String::as_str).collect();
        let gate = Gate::new(&refs);
        let mut open = Vec::new();
        gate.candidates(&hay, &mut open);
        prop_assert_eq!(open, candidates_simple(&refs, &hay));
    }

    /// The gate never closes a pattern on a haystack its regex matches.
    #[test]
    fn gate_opens_every_matching_pattern(
        sources in proptest::collection::vec(GATE_SOURCES, 1..6),
        hay in "[abkcsABKS\u{212a}\u{17f}é ]{0,30}",
    ) {
        let refs: Vec<&str> = sources.iter().map(String::as_str).collect();
        let gate = Gate::new(&refs);
        let mut open = Vec::new();
        gate.candidates(&hay, &mut open);
        for (i, src) in refs.iter().enumerate() {
            let re = Regex::new(src).unwrap();
            prop_assert!(!re.is_match(&hay) || open[i], "{} closed on {:?}", src, hay);
        }
    }
}

#[test]
fn case_sensitive_literals_open_only_on_their_exact_case() {
    let gate = Gate::new(&[r"^(?P<n>AP|Reuters)\s*$", r"(?i)\bap\b", r"x(?i:ap)"]);
    let mut open = Vec::new();
    // The third pattern folds case only in its group, but that is where its literal is.
    gate.candidates("it will happen", &mut open);
    assert_eq!(open, [false, true, true]);
    gate.candidates("AP", &mut open);
    assert_eq!(open, [true, true, true]);
    gate.candidates("by REUTERS and reuters", &mut open);
    assert_eq!(open, [false, false, false]);
    gate.candidates("xAp", &mut open);
    assert_eq!(open, [false, true, true]);
}

proptest! {
    /// A gate over two lists of patterns, one after the other, marks each list's patterns as the list's
    /// own gate does (the paragraph gate shared by the text model and the sourcing profile).
    #[test]
    fn gate_over_joined_lists_equals_the_lists_gates(
        first in proptest::collection::vec(GATE_SOURCES, 0..5),
        second in proptest::collection::vec(GATE_SOURCES, 0..5),
        hay in "[abkcsABKS\u{212a}\u{17f}é ]{0,30}",
    ) {
        let literals =
            |v: &[String]| v.iter().map(|s| gate_literals(s)).collect::<Vec<GateLiterals>>();
        let (a, b) = (literals(&first), literals(&second));
        let joined = Gate::from_literals(&[a.clone(), b.clone()].concat());
        prop_assert_eq!(joined.len(), first.len() + second.len());
        // A row is appended after the rows before it.
        let mut rows = vec![false, true];
        joined.push_candidates(&hay, &mut rows);
        let (mut x, mut y) = (Vec::new(), Vec::new());
        Gate::from_literals(&a).candidates(&hay, &mut x);
        Gate::from_literals(&b).candidates(&hay, &mut y);
        prop_assert_eq!(rows, [vec![false, true], x, y].concat());
    }
}

/// Every (literal, end) pair the gate's DFA holds after each byte of `hay`, sorted.
fn dfa_matches(lits: &[String], hay: &[u8]) -> Vec<(usize, usize)> {
    let dfa = LiteralDfa::new(lits).unwrap();
    let mut s = dfa.start;
    let mut v = Vec::new();
    for (i, &b) in hay.iter().enumerate() {
        s = dfa
            .trans
            .get(s + usize::from(dfa.columns[usize::from(b)]))
            .unwrap();
        v.extend(dfa.ends_at(s).iter().map(|&l| (i + 1, l as usize)));
    }
    v.sort();
    v
}

/// The same pairs from the `aho-corasick` crate's overlapping search (ASCII case-insensitive).
fn crate_matches(lits: &[String], hay: &[u8]) -> Vec<(usize, usize)> {
    let ac = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(lits)
        .unwrap();
    let mut v: Vec<(usize, usize)> = ac
        .find_overlapping_iter(hay)
        .map(|m| (m.end(), m.pattern().as_usize()))
        .collect();
    v.sort();
    v
}

proptest! {
    /// The gate's own DFA finds what the crate finds, and its match states are exactly those from
    /// `first_match` on.
    #[test]
    fn literal_dfa_matches_the_crate(
        lits in proptest::collection::vec("[abk\u{e9}\u{212a} .]{1,4}", 0..8),
        hay in "[abkABK\u{e9}\u{c9}\u{212a}\u{17f} .]{0,40}",
    ) {
        prop_assert_eq!(dfa_matches(&lits, hay.as_bytes()), crate_matches(&lits, hay.as_bytes()));
        let dfa = LiteralDfa::new(&lits).unwrap();
        for s in (0..dfa.trans.len()).step_by(dfa.stride) {
            prop_assert_eq!(s >= dfa.first_match, !dfa.ends_at(s).is_empty());
        }
    }
}

#[test]
fn literal_dfa_tables_are_narrow_when_their_offsets_fit() {
    let small = LiteralDfa::new(&["he".to_string(), "she".to_string()]).unwrap();
    assert!(matches!(small.trans, Table::Narrow(_)));
    // Two letters and a digit: 7,463 states of 37 entries, past 16-bit offsets.
    let pairs: Vec<String> = (b'a'..=b'z')
        .flat_map(|a| (b'a'..=b'z').flat_map(move |b| (b'0'..=b'9').map(move |d| [a, b, d])))
        .map(|l| String::from_utf8(l.to_vec()).unwrap())
        .collect();
    let large = LiteralDfa::new(&pairs).unwrap();
    assert!(matches!(large.trans, Table::Wide(_)));
    let hay = b"Ab3 zz9 q.x1 yy0 aB";
    assert_eq!(dfa_matches(&pairs, hay), crate_matches(&pairs, hay));
}

#[test]
fn literal_dfa_on_shared_suffixes() {
    let lits: Vec<String> = ["he", "she", "his", "hers", "e"].map(String::from).to_vec();
    let hay = b"USHERS ushers h-e-r-s this";
    assert_eq!(dfa_matches(&lits, hay), crate_matches(&lits, hay));
}

/// Past the tries after which a pattern builds its lead check, every built-in line rule still answers as
/// its regex.
#[test]
fn line_rules_with_lead_checks_answer_as_their_regex() {
    let hays = [
        "www.example.com",
        "https://example.co.uk/a b.org",
        "WWW2.EXAMPLE.\u{212a}Z",
        "The president said.",
        "\u{201c}Quoted,\u{201d} he said.",
        "Source: AP",
        "Sources said it.",
        "Click here to read more",
        "Photo: AP",
        "(Photo)",
        "Tags: politics",
        "\u{a9} 2016 Reuters",
        "This article originally appeared on x.com",
        "Editing by Jane Doe",
        "AP Photo/John Smith",
        "",
    ];
    let set = crate::lexicon::LexiconSet::builtin().unwrap();
    for l in set.of_kind("boilerplate") {
        for e in &l.entries {
            let p = l.pattern_of(e).unwrap();
            let re = p.exact().unwrap().clone();
            for _ in 0..=LEAD_AFTER {
                for h in hays {
                    assert_eq!(p.is_match(h), re.is_match(h), "{} on {h:?}", p.as_str());
                }
            }
            assert!(p.lead.get().is_some(), "{}", p.as_str());
        }
    }
}
