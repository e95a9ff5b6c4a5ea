use super::*;
use proptest::prelude::*;

fn entry(term: &str) -> Entry {
    Entry::new_term(term, "c")
}

/// (matched text, entry index) for every hit.
fn hits<'t>(entries: &[Entry], text: &'t str) -> Vec<(&'t str, usize)> {
    let refs: Vec<&Entry> = entries.iter().collect();
    let m = TermMatcher::build(&refs).unwrap();
    m.find_all(text)
        .into_iter()
        .map(|h| (&text[h.start..h.end], h.entry))
        .collect()
}

#[test]
fn multiword_across_newline_and_nbsp() {
    let e = [entry("war crimes")];
    assert_eq!(hits(&e, "accused of war\ncrimes"), vec![("war\ncrimes", 0)]);
    assert_eq!(
        hits(&e, "war \u{a0}\r\n  crimes."),
        vec![("war \u{a0}\r\n  crimes", 0)]
    );
}

#[test]
fn hyphen_and_space_variants_both_directions() {
    let hyphenated = [entry("war-torn")];
    let spaced = [entry("war torn")];
    for text in [
        "a war-torn land",
        "a war torn land",
        "a war–torn land",
        "a war‐torn land",
        "a War-Torn land",
    ] {
        assert_eq!(hits(&hyphenated, text).len(), 1, "{text}");
        assert_eq!(hits(&spaced, text).len(), 1, "{text}");
    }
    assert_eq!(
        hits(&[entry("counter-extremist")], "counter extremist units"),
        vec![("counter extremist", 0)]
    );
    // A spaced dash is punctuation, not a hyphen.
    assert!(hits(&hyphenated, "the war – torn apart").is_empty());
}

#[test]
fn wildcard_extends_to_end_of_word() {
    let e = [entry("terror*")];
    assert_eq!(
        hits(
            &e,
            "terror, terrorists and terroristic acts; counterterrorism"
        ),
        vec![("terror", 0), ("terrorists", 0), ("terroristic", 0)]
    );
}

#[test]
fn case_sensitive_entry() {
    let mut us = entry("US");
    us.case_sensitive = true;
    let e = [us];
    assert_eq!(hits(&e, "the US told us"), vec![("US", 0)]);
    assert!(hits(&e, "let us go, Us").is_empty());
    // A case-insensitive entry with the same folded surface is still found where the sensitive one is not.
    let e = [e[0].clone(), entry("us")];
    assert_eq!(hits(&e, "US and us"), vec![("US", 0), ("us", 1)]);
}

#[test]
fn case_sensitive_wildcard() {
    let mut e = entry("Nazi*");
    e.case_sensitive = true;
    assert_eq!(hits(&[e], "Nazis and nazism"), vec![("Nazis", 0)]);
}

#[test]
fn inflections_of_last_word() {
    let mut slam = entry("slam");
    slam.inflect = true;
    assert_eq!(
        hits(&[slam], "slams, slammed, slamming, slam"),
        vec![("slams", 0), ("slammed", 0), ("slamming", 0), ("slam", 0)]
    );
    assert_eq!(inflections("slam"), ["slams", "slammed", "slamming"]);
    assert_eq!(inflections("decry"), ["decries", "decried", "decrying"]);
    assert_eq!(inflections("seize"), ["seizes", "seized", "seizing"]);
    assert_eq!(inflections("crush"), ["crushes", "crushed", "crushing"]);
    assert_eq!(inflections("visit"), ["visits", "visited", "visiting"]);
    assert_eq!(inflections("tie"), ["ties", "tied", "tying"]);
    assert_eq!(inflections("play"), ["plays", "played", "playing"]);
    assert_eq!(
        inflections("puppet regime"),
        ["puppet regimes", "puppet regimed", "puppet regiming"]
    );
    assert_eq!(
        inflections("hard-liner"),
        ["hard-liners", "hard-linered", "hard-linering"]
    );
    assert!(inflections("U.S.").is_empty());
}

/// The first definition of [`inflections`] (a lower-cased copy per suffix test, the head added to each
/// form afterwards), to test the leaner one against.
fn inflections_plain(term: &str) -> Vec<String> {
    let split = term
        .char_indices()
        .rfind(|&(_, c)| c.is_whitespace() || c == '-')
        .map_or(0, |(i, c)| i + c.len_utf8());
    let (head, word) = term.split_at(split);
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 2 || !chars.iter().all(|c| c.is_alphabetic()) {
        return Vec::new();
    }
    let lower: Vec<char> = chars.iter().flat_map(|c| c.to_lowercase()).collect();
    let n = lower.len();
    let vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u');
    let last = lower[n - 1];
    let prev = lower[n - 2];
    let ends = |s: &str| word.to_lowercase().ends_with(s);
    let stem_minus = |k: usize| -> String { chars[..chars.len() - k].iter().collect() };
    let consonant_y = last == 'y' && !vowel(prev);
    let vowel_groups = lower
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            (vowel(c) || (c == 'y' && i > 0))
                && (i == 0 || !(vowel(lower[i - 1]) || lower[i - 1] == 'y'))
        })
        .count();
    let cvc = n >= 3
        && !vowel(lower[n - 3])
        && vowel(prev)
        && !vowel(last)
        && !matches!(last, 'w' | 'x' | 'y')
        && vowel_groups == 1;
    let double = format!("{word}{}", chars[chars.len() - 1]);

    let plural = if ends("s") || ends("x") || ends("z") || ends("ch") || ends("sh") {
        format!("{word}es")
    } else if consonant_y {
        format!("{}ies", stem_minus(1))
    } else {
        format!("{word}s")
    };
    let past = if last == 'e' {
        format!("{word}d")
    } else if consonant_y {
        format!("{}ied", stem_minus(1))
    } else if cvc {
        format!("{double}ed")
    } else {
        format!("{word}ed")
    };
    let ing = if ends("ie") {
        format!("{}ying", stem_minus(2))
    } else if last == 'e' && n > 2 && !ends("ee") && !ends("ye") && !ends("oe") {
        format!("{}ing", stem_minus(1))
    } else if cvc {
        format!("{double}ing")
    } else {
        format!("{word}ing")
    };
    [plural, past, ing]
        .into_iter()
        .map(|w| format!("{head}{w}"))
        .collect()
}

proptest! {
    /// The inflections are those of the first definition, for words of every shape the tests reach
    /// (consonant-y, -ie, doubled consonants, non-ASCII letters, heads with spaces and hyphens).
    #[test]
    fn inflections_match_plain(term in "([a-z ]{0,6}[ -])?[a-zA-Zéİ]{0,7}(y|ie|e|ee|ch|sh|x)?") {
        prop_assert_eq!(inflections(&term), inflections_plain(&term));
    }
}

#[test]
fn exceptions_cancel_covered_hits() {
    let mut regime = entry("regime");
    regime.except = vec!["regime change".into(), "dietary regime*".into()];
    let e = [regime, entry("change")];
    assert_eq!(
        hits(
            &e,
            "the regime opposed regime change and a dietary regime; the Regime\nChange plan"
        ),
        vec![("regime", 0), ("change", 1), ("Change", 1)]
    );
    // Exceptions follow the same spelling variants as terms.
    assert_eq!(
        hits(&e[..1], "a regime-change\npolicy and a regime"),
        vec![("regime", 0)]
    );
    // Only the owner's hits are cancelled.
    assert_eq!(hits(&e, "regime change")[0], ("change", 1));
}

#[test]
fn word_boundaries() {
    let e = [entry("alien")];
    assert!(hits(&e, "aliens and salient points").is_empty());
    assert_eq!(hits(&e, "an alien, an alien's").len(), 2);
    let mut inflected = entry("alien");
    inflected.inflect = true;
    assert_eq!(hits(&[inflected], "aliens"), vec![("aliens", 0)]);
    // Terms that start or end with punctuation need no boundary there.
    assert_eq!(
        hits(&[entry("U.S.")], "the U.S.-led plan"),
        vec![("U.S.", 0)]
    );
}

#[test]
fn longest_match_wins_and_shorter_is_not_hidden() {
    let e = [
        entry("regime"),
        entry("puppet regime"),
        entry("terror"),
        entry("terrorist"),
    ];
    assert_eq!(hits(&e, "a puppet regime"), vec![("puppet regime", 1)]);
    // "terrorist" fails the end boundary inside "terroristic"; "terror" does not match there either, but
    // a hidden shorter match at the same start must still be found when valid:
    assert_eq!(
        hits(&[entry("war"), entry("war lord")], "war lords"),
        vec![("war", 0)]
    );
    assert_eq!(
        hits(&[entry("puppet"), entry("puppet regime")], "puppet regimes"),
        vec![("puppet", 0)]
    );
    assert!(hits(&e, "terroristic").is_empty());
}

#[test]
fn same_surface_keeps_first_entry() {
    let mut b = entry("Regime");
    b.category = "other".into();
    let e = [entry("regime"), b, entry("regime ")];
    assert_eq!(hits(&e, "regime"), vec![("regime", 0)]);
}

#[test]
fn non_ascii_offsets() {
    let e = [entry("regime"), entry("istanbul"), entry("Kyiv’s")];
    let text = "“It’s the ‘regime’,” said İstanbul’s mayor about Kyiv's stance";
    let got = hits(&e, text);
    assert_eq!(got, vec![("regime", 0), ("İstanbul", 1), ("Kyiv's", 2)]);
    let refs: Vec<&Entry> = e.iter().collect();
    let h = TermMatcher::build(&refs).unwrap().find_all(text);
    assert_eq!(h[0].start, text.find("regime").unwrap());
}

#[test]
fn pattern_entries_are_ignored_and_empty_inputs_are_fine() {
    let mut p = entry("");
    p.pattern = Some("^x$".into());
    let refs = [&p];
    let m = TermMatcher::build(&refs).unwrap();
    assert!(m.is_empty());
    assert!(m.find_all("x").is_empty());
    let e = [entry("a")];
    assert!(hits(&e, "").is_empty());
    assert!(hits(&e, " \n\t\u{a0} ").is_empty());
    assert!(hits(&[entry("*"), entry(" ")], "* x").is_empty());
}

#[test]
fn forms_are_added_verbatim() {
    let mut e = entry("Daesh");
    e.forms = vec!["Da'esh".into(), "Da’ish".into()];
    assert_eq!(
        hits(&[e], "Da’esh or Da'ish"),
        vec![("Da’esh", 0), ("Da'ish", 0)]
    );
}

fn words(n: usize) -> Vec<String> {
    // Deterministic pseudo-words (no randomness needed).
    let syll = [
        "ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "zi", "pra", "gun", "der",
    ];
    (0..n)
        .map(|i| {
            let mut w = String::new();
            let mut x = i + 1;
            while x > 0 {
                w.push_str(syll[x % syll.len()]);
                x /= syll.len();
            }
            w
        })
        .collect()
}

#[test]
fn large_inputs_do_not_panic() {
    let e: Vec<Entry> = words(500).into_iter().map(|w| entry(&w)).collect();
    let refs: Vec<&Entry> = e.iter().collect();
    let m = TermMatcher::build(&refs).unwrap();
    let text = "kalo mine-ru İ\u{a0}’ ".repeat(200_000);
    let h = m.find_all(&text);
    assert!(!h.is_empty());
    assert!(h.windows(2).all(|w| w[0].end <= w[1].start));
}

/// Timings for the report: `cargo test --release --lib matcher::tests::timing -- --ignored --nocapture`.
#[test]
#[ignore]
fn timing() {
    let terms = words(5000);
    let e: Vec<Entry> = terms
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let mut e = entry(w);
            e.inflect = i % 3 == 0;
            e
        })
        .collect();
    let refs: Vec<&Entry> = e.iter().collect();
    let t = std::time::Instant::now();
    let m = TermMatcher::build(&refs).unwrap();
    let build = t.elapsed();
    let mut text = String::new();
    let mut i = 0;
    while text.len() < 2_000_000 {
        text.push_str(&terms[(i * 7919) % terms.len()]);
        text.push_str(if i % 11 == 0 { ".\n" } else { " the " });
        i += 1;
    }
    let t = std::time::Instant::now();
    let h = m.find_all(&text);
    let scan = t.elapsed();
    eprintln!(
        "build 5000 terms: {build:?}; scan {} bytes: {scan:?}; {} hits",
        text.len(),
        h.len()
    );
    let t = std::time::Instant::now();
    let mut parts = ViewParts::new();
    parts.build(&text);
    eprintln!("view only: {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let mut raw = Vec::new();
    m.candidates(&parts, &mut raw);
    let n = raw.len();
    eprintln!("trie walks only: {:?} ({n} raw matches)", t.elapsed());
    // Sparse hits: prose where 1 word in 50 is a term.
    let mut prose = String::new();
    let mut i = 0;
    while prose.len() < 2_000_000 {
        prose.push_str(if i % 50 == 0 {
            &terms[(i * 7919) % terms.len()]
        } else {
            "the quick brown fox jumps over"
        });
        prose.push_str(if i % 11 == 0 { ".\n" } else { " " });
        i += 1;
    }
    // Best of 5: the machine is shared.
    let best = |f: &dyn Fn()| {
        (0..5)
            .map(|_| {
                let t = std::time::Instant::now();
                f();
                t.elapsed()
            })
            .min()
            .unwrap()
    };
    let h = m.find_all(&prose);
    eprintln!(
        "scan sparse prose {} bytes: {:?}; {} hits",
        prose.len(),
        best(&|| drop(m.find_all(&prose))),
        h.len()
    );
    eprintln!(
        "scan dense text, best of 5: {:?}",
        best(&|| drop(m.find_all(&text)))
    );
    eprintln!(
        "build, best of 5: {:?}",
        best(&|| drop(TermMatcher::build(&refs).unwrap()))
    );
    eprintln!(
        "view of prose, best of 5: {:?}",
        best(&|| ViewParts::new().build(&prose))
    );
    let big = prose.repeat(10);
    let t = std::time::Instant::now();
    let n = m.find_all(&big).len();
    eprintln!(
        "scan {} MB of prose: {:?}; {n} hits",
        big.len() / 1_000_000,
        t.elapsed()
    );
}

proptest! {
    #[test]
    fn hits_lie_on_char_boundaries(text in "\\PC{0,60}", pick in 0usize..6) {
        let pool = ["a", "é", "war torn", "İs", "x*", "’s", "a-b", "ß"];
        let e: Vec<Entry> = pool.iter().skip(pick).map(|t| entry(t)).collect();
        let refs: Vec<&Entry> = e.iter().collect();
        let m = TermMatcher::build(&refs).unwrap();
        let h = m.find_all(&text);
        for w in h.windows(2) {
            prop_assert!(w[0].end <= w[1].start);
        }
        for hit in h {
            prop_assert!(hit.start < hit.end);
            prop_assert!(text.is_char_boundary(hit.start) && text.is_char_boundary(hit.end));
            prop_assert!(hit.end <= text.len());
        }
    }

    #[test]
    fn any_term_is_found_in_itself(term in "[a-zA-Z’'\\- ]{1,12}") {
        prop_assume!(term.trim().chars().next().is_some_and(char::is_alphanumeric));
        prop_assume!(term.trim().chars().next_back().is_some_and(char::is_alphanumeric));
        let e = [entry(&term)];
        let text = format!("( {} )", term.trim());
        prop_assert_eq!(hits(&e, &text).len(), 1);
    }
}

proptest! {
    /// A grouped matcher finds exactly what one matcher per group finds (entry indices shifted).
    #[test]
    fn grouped_matcher_equals_one_matcher_per_group(
        words in proptest::collection::vec("(spoke|spokes|spokesman|man|person|official|officials said|said|a|the)", 0..30),
    ) {
        let a = [entry("spokesman"), entry("spokes*"), entry("official"), entry("man")];
        let b = [entry("man"), entry("spokesman for"), entry("officials said"), entry("person")];
        let text = words.join(" ");
        let mut want: Vec<(usize, usize, usize)> = Vec::new();
        for (k, group) in [&a[..], &b[..]].into_iter().enumerate() {
            let refs: Vec<&Entry> = group.iter().collect();
            for h in TermMatcher::build(&refs).unwrap().find_all(&text) {
                want.push((h.start, h.end, h.entry + k * a.len()));
            }
        }
        let all: Vec<&Entry> = a.iter().chain(b.iter()).collect();
        let groups: Vec<u32> = (0..all.len()).map(|i| u32::from(i >= a.len())).collect();
        let mut got: Vec<(usize, usize, usize)> = TermMatcher::build_grouped(&all, &groups)
            .unwrap()
            .find_all(&text)
            .into_iter()
            .map(|h| (h.start, h.end, h.entry))
            .collect();
        want.sort_unstable();
        got.sort_unstable();
        prop_assert_eq!(got, want);
    }
}

/// What the matcher scanned with before the trie: an overlapping Aho–Corasick search of the whole view,
/// keeping the matches with a boundary before them where the surface needs one. `(start, end, surface)`,
/// sorted.
fn overlapping_candidates(entries: &[Entry], text: &str) -> Vec<(usize, usize, usize)> {
    let refs: Vec<&Entry> = entries.iter().collect();
    let b = Builder::collect(&refs, &[]).unwrap();
    let mut parts = ViewParts::new();
    parts.build(text);
    let mut out = Vec::new();
    if b.patterns.is_empty() {
        return out;
    }
    let ac = aho_corasick::AhoCorasick::new(&b.patterns).unwrap();
    for m in ac.find_overlapping_iter(parts.view.as_slice()) {
        let s = m.pattern().as_usize();
        if b.surfaces[s].check_start
            && char_before(&parts.view, m.start()).is_some_and(is_word_char)
        {
            continue;
        }
        out.push((m.start(), m.end(), s));
    }
    out.sort_unstable();
    out
}

fn trie_candidates(entries: &[Entry], text: &str) -> Vec<(usize, usize, usize)> {
    let refs: Vec<&Entry> = entries.iter().collect();
    let m = TermMatcher::build(&refs).unwrap();
    let mut parts = ViewParts::new();
    parts.build(text);
    let mut out = Vec::new();
    m.candidates(&parts, &mut out);
    let mut out: Vec<(usize, usize, usize)> = out
        .into_iter()
        .map(|(s, e, i)| (s, e, i as usize))
        .collect();
    out.sort_unstable();
    out
}

#[test]
fn trie_walks_find_what_the_overlapping_scan_found() {
    let e: Vec<Entry> = [
        "terror*",
        "terrorist",
        "'s",
        "#metoo",
        "war-torn",
        "café",
        "\u{ad} spaced",
        "a",
        "9/11",
    ]
    .iter()
    .map(|t| entry(t))
    .collect();
    let text = "Terroristic café's war–torn #MeToo  spaced a 9/11 counterterror, spaced-out";
    assert_eq!(trie_candidates(&e, text), overlapping_candidates(&e, text));
    assert!(!trie_candidates(&e, text).is_empty());
}

/// Every built-in term surface, joined by random separators in random case.
fn builtin_entries() -> &'static [Entry] {
    static ENTRIES: std::sync::OnceLock<Vec<Entry>> = std::sync::OnceLock::new();
    ENTRIES.get_or_init(|| {
        let set = crate::lexicon::LexiconSet::builtin().unwrap();
        set.lexicons
            .iter()
            .flat_map(|l| l.entries.iter())
            .filter(|e| e.pattern.is_none())
            .cloned()
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn trie_equals_overlapping_scan_on_random_text(
        text in "[abs' \\-–’.éİK\u{212a}\u{17f}\u{ad}\u{300}1#]{0,40}",
        terms in proptest::collection::vec("[abs' \\-.é\u{ad}1#]{1,5}\\*?", 1..12),
    ) {
        let e: Vec<Entry> = terms.iter().map(|t| entry(t)).collect();
        prop_assert_eq!(trie_candidates(&e, &text), overlapping_candidates(&e, &text));
    }

    #[test]
    fn trie_equals_overlapping_scan_on_builtin_surfaces(
        picks in proptest::collection::vec((0usize..100_000, 0usize..8, proptest::bool::ANY), 1..400),
    ) {
        let entries = builtin_entries();
        let seps = [" ", "-", ", ", "\n", "’", "", "–", ". "];
        let mut text = String::new();
        for (i, s, upper) in picks {
            let term = entries[i % entries.len()].term.trim_end_matches('*');
            text.push_str(&if upper { term.to_uppercase() } else { term.to_string() });
            text.push_str(seps[s]);
        }
        prop_assert_eq!(trie_candidates(entries, &text), overlapping_candidates(entries, &text));
    }
}

proptest! {
    /// The thread's reused work buffers give what fresh ones give, whatever the texts before (with
    /// exceptions, case-sensitive entries and groups, so that every buffer is used).
    #[test]
    fn reused_buffers_equal_fresh_buffers(
        texts in proptest::collection::vec("(Spokesman|spokesman|spokesmen|the|US|us|for|man|Ab|ab|-|,| )*", 1..6),
    ) {
        let mut cased = entry("US");
        cased.case_sensitive = true;
        let mut excepted = entry("man");
        excepted.except = vec!["spokesman for".into()];
        let entries = [entry("spokes*"), cased, excepted, entry("the us")];
        let refs: Vec<&Entry> = entries.iter().collect();
        let m = TermMatcher::build_grouped(&refs, &[0, 1, 1, 0]).unwrap();
        for text in &texts {
            let got = m.find_all(text);
            let mut parts = ViewParts::new();
            parts.build(text);
            let mut want = Vec::new();
            m.find_with(text, &parts, 0, &mut want, &mut Buffers::default());
            prop_assert_eq!(got, want);
        }
    }
}

/// The byte versions of the view's character look-ups agree with `str`'s.
#[test]
fn char_lookups_agree_with_str() {
    for s in [
        "",
        "a",
        "ab c",
        "é",
        "war–torn",
        "x\u{10348}y",
        "’s",
        "café-au lait",
        "a\u{300}b",
    ] {
        let b = s.as_bytes();
        for i in 0..=b.len() + 1 {
            assert_eq!(
                char_at(b, i),
                s.get(i..).and_then(|r| r.chars().next()),
                "{s:?} {i}"
            );
            assert_eq!(
                char_before(b, i),
                s.get(..i).and_then(|r| r.chars().next_back()),
                "{s:?} {i}"
            );
            let plain = match s.get(i..) {
                Some(rest) => i + rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len()),
                None => i,
            };
            assert_eq!(extend_word(b, i), plain, "{s:?} {i}");
        }
    }
}
