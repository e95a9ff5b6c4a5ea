//! Tests of the whole text model: invented fixtures, invariants (also as property tests), the seed article
//! and the shared corpora (read from `../shared/datasets`, never copied into the repository).

use std::path::PathBuf;

use proptest::prelude::*;

use super::*;

fn test_rules() -> TextRules {
    let r = |p: &str, region| LineRule::new(Pattern::new(p, true).unwrap(), region);
    TextRules {
        abbreviations: ["U.S.", "Sen.", "Sept.", "Dr."].map(String::from).to_vec(),
        line_rules: vec![
            r(r"(?i)^\(photo by [^)]*\)$", Region::Caption),
            r(r"(?i)\(photo by [^)]*\)\s*$", Region::Caption),
            r(r"(?i)^share this article$", Region::Boilerplate),
            r(r"(?i)can also be accessed at", Region::Boilerplate),
            r(
                r"^(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)+/?$",
                Region::Boilerplate,
            ),
            r(r"^\S+(\s*/\s*\S+){1,5}$", Region::Boilerplate),
        ],
        ..TextRules::default()
    }
}

fn model(t: &str) -> TextModel {
    let m = build(
        t,
        &test_rules(),
        &BuildOptions {
            first_line_is_headline: true,
        },
    );
    check_invariants(t, &m);
    m
}

fn body(t: &str) -> TextModel {
    let m = build(t, &test_rules(), &BuildOptions::default());
    check_invariants(t, &m);
    m
}

/// (inner text, depth, closed) of every quote.
fn quotes_of<'a>(t: &'a str, m: &TextModel) -> Vec<(&'a str, u8, bool)> {
    m.quotes
        .iter()
        .map(|q| (&t[q.inner_start..q.inner_end], q.depth, q.closed))
        .collect()
}

fn para_texts<'a>(t: &'a str, m: &TextModel) -> Vec<(&'a str, Region)> {
    m.paragraphs
        .iter()
        .map(|p| (&t[p.start..p.end], p.region))
        .collect()
}

/// Voice of the first occurrence of `needle`.
fn voice_of(t: &str, m: &TextModel, needle: &str) -> Voice {
    m.voice_at(t.find(needle).unwrap())
}

/// Every structural invariant of a text model; panics with a message on the first violation.
fn check_invariants(t: &str, m: &TextModel) {
    if let Err(e) = invariants(t, m) {
        panic!(
            "invariant violated: {e}\ntext (first 300 bytes): {:?}",
            t.get(..300.min(t.len())).unwrap_or("")
        );
    }
}

fn invariants(t: &str, m: &TextModel) -> Result<(), String> {
    // Tokens: exactly those the token scan finds in each sentence on its own (the model scans whole
    // paragraphs when that gives the same tokens).
    let mut by_sentence = Vec::new();
    for (si, s) in m.sentences.iter().enumerate() {
        segment::tokens(t, s.start, s.end, |start, end| {
            by_sentence.push(Token {
                start,
                end,
                sentence: si,
            })
        });
    }
    if m.tokens != by_sentence {
        return Err("tokens differ from those of the sentences".into());
    }
    let cb = |b: usize| t.is_char_boundary(b);
    let ws = |s: &str| s.chars().all(chars::is_space);
    // Paragraphs: sorted, disjoint, trimmed, non-empty, one line each.
    let mut last = 0;
    for (i, p) in m.paragraphs.iter().enumerate() {
        if !(cb(p.start) && cb(p.end) && p.start < p.end && p.start >= last) {
            return Err(format!("paragraph {i} span {:?}", (p.start, p.end)));
        }
        let s = &t[p.start..p.end];
        if s.starts_with(chars::is_space)
            || s.ends_with(chars::is_space)
            || s.contains(chars::is_line_break)
        {
            return Err(format!("paragraph {i} not trimmed/one line"));
        }
        if !ws(&t[last..p.start]) {
            return Err(format!("non-space text before paragraph {i}"));
        }
        last = p.end;
    }
    if !ws(&t[last..]) {
        return Err("non-space text after the last paragraph".into());
    }
    // Sentences: in their paragraph, sorted, disjoint, trimmed, covering every non-space char.
    let mut prev_end = 0;
    let mut prev_para = None;
    for (i, s) in m.sentences.iter().enumerate() {
        let p = m
            .paragraphs
            .get(s.paragraph)
            .ok_or(format!("sentence {i} paragraph"))?;
        if !(cb(s.start) && cb(s.end) && s.start < s.end && p.start <= s.start && s.end <= p.end) {
            return Err(format!(
                "sentence {i} span {:?} outside paragraph {:?}",
                (s.start, s.end),
                (p.start, p.end)
            ));
        }
        if s.region != p.region {
            return Err(format!("sentence {i} region"));
        }
        let gap_from = if prev_para == Some(s.paragraph) {
            prev_end
        } else {
            p.start
        };
        if prev_para.is_some_and(|pp| pp > s.paragraph)
            || s.start < gap_from
            || !ws(&t[gap_from..s.start])
        {
            return Err(format!("sentence {i} order/gap"));
        }
        let st = &t[s.start..s.end];
        if st.starts_with(chars::is_space) || st.ends_with(chars::is_space) {
            return Err(format!("sentence {i} not trimmed"));
        }
        let next_same = m
            .sentences
            .get(i + 1)
            .is_some_and(|n| n.paragraph == s.paragraph);
        if !next_same && !ws(&t[s.end..p.end]) {
            return Err(format!("text after the last sentence {i} of its paragraph"));
        }
        prev_end = s.end;
        prev_para = Some(s.paragraph);
    }
    for (pi, p) in m.paragraphs.iter().enumerate() {
        if !m.sentences.iter().any(|s| s.paragraph == pi) {
            return Err(format!(
                "paragraph {pi} ({:?}) has no sentence",
                &t[p.start..p.end]
            ));
        }
    }
    // Tokens: inside their sentence, sorted, disjoint, word characters at both ends.
    let mut prev = (0, 0);
    for (i, k) in m.tokens.iter().enumerate() {
        let s = m
            .sentences
            .get(k.sentence)
            .ok_or(format!("token {i} sentence"))?;
        if !(cb(k.start) && cb(k.end) && k.start < k.end && s.start <= k.start && k.end <= s.end) {
            return Err(format!("token {i} span"));
        }
        if (k.sentence, k.start) < prev || k.start < prev.1 {
            return Err(format!("token {i} order"));
        }
        let w = &t[k.start..k.end];
        let first = w.chars().next().unwrap_or(' ');
        if !first.is_alphanumeric() {
            return Err(format!("token {i} {w:?} starts with a non-word char"));
        }
        prev = (k.sentence, k.end);
    }
    // Every word grapheme of a sentence lies in a token.
    {
        use unicode_segmentation::UnicodeSegmentation;
        let mut k = 0;
        for (si, s) in m.sentences.iter().enumerate() {
            for (i, g) in t[s.start..s.end].grapheme_indices(true) {
                if !g.chars().next().is_some_and(char::is_alphanumeric) {
                    continue;
                }
                let pos = s.start + i;
                while m
                    .tokens
                    .get(k)
                    .is_some_and(|tk| tk.sentence < si || (tk.sentence == si && tk.end <= pos))
                {
                    k += 1;
                }
                if !m
                    .tokens
                    .get(k)
                    .is_some_and(|tk| tk.sentence == si && tk.start <= pos)
                {
                    return Err(format!("word character at {pos} outside any token"));
                }
            }
        }
    }
    // Voice: sorted runs covering each paragraph exactly once, nothing outside paragraphs.
    let mut r = 0;
    for (pi, p) in m.paragraphs.iter().enumerate() {
        let mut cur = p.start;
        while cur < p.end {
            let run = m
                .voice
                .get(r)
                .ok_or(format!("paragraph {pi} not covered by voice"))?;
            if run.start != cur || run.end <= run.start || run.end > p.end || !cb(run.end) {
                return Err(format!(
                    "voice run {r} {:?} in paragraph {pi} {:?}",
                    (run.start, run.end),
                    (p.start, p.end)
                ));
            }
            cur = run.end;
            r += 1;
        }
    }
    if r != m.voice.len() {
        return Err("voice runs outside paragraphs".into());
    }
    // Quotes: sorted, nested, marks at both ends, depth = number of enclosing quotes.
    let mut open: Vec<usize> = Vec::new();
    let mut last_start = None;
    for (i, q) in m.quotes.iter().enumerate() {
        let ok = [q.start, q.inner_start, q.inner_end, q.end]
            .iter()
            .all(|&b| cb(b))
            && q.start < q.inner_start
            && q.inner_start <= q.inner_end
            && q.inner_end <= q.end
            && q.end <= t.len();
        if !ok {
            return Err(format!("quote {i} spans {q:?}"));
        }
        if last_start.is_some_and(|s| s >= q.start) {
            return Err(format!("quote {i} order"));
        }
        last_start = Some(q.start);
        let p = m
            .paragraphs
            .get(q.paragraph)
            .ok_or(format!("quote {i} paragraph"))?;
        if !(p.start <= q.start && q.start < p.end) {
            return Err(format!("quote {i} does not start in its paragraph"));
        }
        if q.closed == (q.inner_end == q.end) {
            return Err(format!("quote {i} closed flag vs closing mark"));
        }
        while open.last().is_some_and(|&e| e <= q.start) {
            open.pop();
        }
        if open.last().is_some_and(|&e| e < q.end) {
            return Err(format!("quote {i} crosses its enclosing quote"));
        }
        if usize::from(q.depth) != open.len().min(255) {
            return Err(format!("quote {i} depth {} vs {}", q.depth, open.len()));
        }
        open.push(q.end);
        if m.quotes.len() <= 300 {
            for pos in [q.start, q.inner_start, q.inner_end, q.end] {
                let brute = m
                    .quotes
                    .iter()
                    .enumerate()
                    .filter(|(_, q)| q.inner_start <= pos && pos < q.inner_end)
                    .max_by_key(|(_, q)| q.depth)
                    .map(|(i, _)| i);
                if m.quote_at(pos) != brute {
                    return Err(format!(
                        "quote_at({pos}) = {:?}, expected {brute:?}",
                        m.quote_at(pos)
                    ));
                }
            }
        }
        // Every paragraph byte inside an outermost quote is quoted.
        if q.depth == 0 {
            for p in &m.paragraphs {
                let (a, b) = (p.start.max(q.start), p.end.min(q.end));
                if a < b && (m.voice_at(a) != Voice::Quoted || m.voice_at(b - 1) != Voice::Quoted) {
                    return Err(format!("quote {i} not in quoted voice"));
                }
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- paragraphs and regions

#[test]
fn headline_caption_body_boilerplate() {
    let t = "Home / World / News\n\nBig Storm Hits Coast\nThe mayor at the site (Photo by Agency)\n\nRain fell all day. Roads closed.\nIt was, officials said, \"the worst in years.\"\n\n(Photo by Agency)\nOur site can also be accessed at:\nwww.example.com\nShare this article\nExample News Apps";
    let m = model(t);
    assert_eq!(
        para_texts(t, &m),
        vec![
            ("Home / World / News", Region::Boilerplate),
            ("Big Storm Hits Coast", Region::Headline),
            ("The mayor at the site (Photo by Agency)", Region::Caption),
            ("Rain fell all day. Roads closed.", Region::Body),
            (
                "It was, officials said, \"the worst in years.\"",
                Region::Body
            ),
            ("(Photo by Agency)", Region::Caption),
            ("Our site can also be accessed at:", Region::Boilerplate),
            ("www.example.com", Region::Boilerplate),
            ("Share this article", Region::Boilerplate),
            ("Example News Apps", Region::Boilerplate),
        ]
    );
    assert_eq!(m.word_count(Region::Headline), 4);
    assert_eq!(m.word_count(Region::Body), 14);
    let between = t.find("\n\nBig").unwrap();
    assert_eq!(m.region_of(between), None);
    assert_eq!(m.region_of(t.find("Rain").unwrap()), Some(Region::Body));
}

#[test]
fn no_headline_option_and_tail_needs_boilerplate() {
    let t = "First line\nSecond line.\nClosing words";
    let m = body(t);
    assert!(m.paragraphs.iter().all(|p| p.region == Region::Body));
    let m = model(t);
    assert_eq!(m.paragraphs[0].region, Region::Headline);
    // No boilerplate in the tail: a short unpunctuated last line stays body.
    assert_eq!(m.paragraphs[2].region, Region::Body);
    // The footer tail stops at a punctuated body paragraph.
    let t = "Title\nBody text here.\nA short line\nshare this article\nApps";
    let m = model(t);
    let r: Vec<Region> = m.paragraphs.iter().map(|p| p.region).collect();
    use Region::*;
    assert_eq!(
        r,
        vec![Headline, Body, Boilerplate, Boilerplate, Boilerplate]
    );
    // A headline is never absorbed by the tail.
    let m = model("Title\nshare this article");
    assert_eq!(m.paragraphs[0].region, Headline);
    assert!(model("").paragraphs.is_empty());
}

#[test]
fn model_built_with_a_shared_gate_is_the_plain_model() {
    let rules = test_rules();
    let opts = BuildOptions {
        first_line_is_headline: true,
    };
    // Two patterns of some other rules after the line rules.
    let others = ["(?i)agency", "Rain"].map(crate::lexicon::pattern::gate_literals);
    let gate = crate::lexicon::pattern::Gate::from_literals(
        &[rules.line_gate_literals(), others.to_vec()].concat(),
    );
    let own = crate::lexicon::pattern::Gate::from_literals(&rules.line_gate_literals());
    let t = "Home / World / News\nBig Storm\nThe mayor (Photo by Agency)\n\nRain fell.\nShare this article";
    let mut rows = vec![true; 3];
    let m = build_gated(t, &rules, &opts, &gate, &mut rows);
    let plain = build(t, &rules, &opts);
    assert_eq!(para_texts(t, &m), para_texts(t, &plain));
    assert_eq!(m.sentences, plain.sentences);
    let (width, lines) = (gate.len(), rules.line_rules.len());
    assert_eq!(rows.len(), m.paragraphs.len() * width);
    let mut open = Vec::new();
    for (p, row) in m.paragraphs.iter().zip(rows.chunks(width)) {
        let pt = &t[p.start..p.end];
        own.candidates(pt, &mut open);
        assert_eq!(row[..lines], open[..], "{pt:?}");
        assert_eq!(row[lines], pt.contains("Agency"), "{pt:?}");
        assert_eq!(row[lines + 1], pt.contains("Rain"), "{pt:?}");
    }
}

// ---------------------------------------------------------------- quotations and voice

#[test]
fn curly_and_straight_quotes() {
    let t = "He said “we will win” and left. \"We stay,\" she said, \"and fight.\"";
    let m = body(t);
    assert_eq!(
        quotes_of(t, &m),
        vec![
            ("we will win", 0, true),
            ("We stay,", 0, true),
            ("and fight.", 0, true)
        ]
    );
    let q = &m.quotes[0];
    assert_eq!(&t[q.start..q.end], "“we will win”");
    assert_eq!(voice_of(t, &m, "He said"), Voice::Authorial);
    assert_eq!(
        voice_of(t, &m, "“we"),
        Voice::Quoted,
        "opening mark is quoted voice"
    );
    assert_eq!(voice_of(t, &m, "win"), Voice::Quoted);
    assert_eq!(
        voice_of(t, &m, "” and"),
        Voice::Quoted,
        "closing mark is quoted voice"
    );
    assert_eq!(voice_of(t, &m, " and left"), Voice::Authorial);
    assert_eq!(voice_of(t, &m, "she said"), Voice::Authorial);
    assert_eq!(m.quote_at(t.find("fight").unwrap()), Some(2));
}

#[test]
fn apostrophes_are_not_quotes() {
    let t = "Peskov’s aides don't like the '90s, the ’80s, rock 'n' roll, O’Brien or the students' union. He’s 5'11\" tall.";
    let m = body(t);
    assert!(m.quotes.is_empty(), "{:?}", quotes_of(t, &m));
    assert!(m.voice.iter().all(|r| r.voice == Voice::Authorial));
}

#[test]
fn single_quotes() {
    let t = "She called it ‘a disgrace’ and 'a farce', the students' view.";
    let m = body(t);
    assert_eq!(
        quotes_of(t, &m),
        vec![("a disgrace", 0, true), ("a farce", 0, true)]
    );
    // British style: single quotes as primary marks with an apostrophe inside.
    let t = "‘We won’t go,’ he said, ‘it’s ours.’";
    let m = body(t);
    assert_eq!(
        quotes_of(t, &m),
        vec![("We won’t go,", 0, true), ("it’s ours.", 0, true)]
    );
    // An unclosed single opener is an apostrophe, not a quotation.
    let t = "They ‘ll see ‘em soon";
    assert!(body(t).quotes.is_empty());
}

#[test]
fn nested_quotes() {
    let t = "“He told me ‘never again’ twice,” she said.";
    let m = body(t);
    assert_eq!(
        quotes_of(t, &m),
        vec![
            ("He told me ‘never again’ twice,", 0, true),
            ("never again", 1, true)
        ]
    );
    let t = "\"He said 'no way' then,\" she said.";
    let m = body(t);
    assert_eq!(
        quotes_of(t, &m),
        vec![("He said 'no way' then,", 0, true), ("no way", 1, true)]
    );
    // Same-family nesting when the paragraph has enough closing marks.
    let t = "“He called it “terror” and left,” she said.";
    let m = body(t);
    assert_eq!(
        quotes_of(t, &m),
        vec![
            ("He called it “terror” and left,", 0, true),
            ("terror", 1, true)
        ]
    );
    assert_eq!(m.quote_at(t.find("terror").unwrap()), Some(1));
    assert_eq!(voice_of(t, &m, "and left"), Voice::Quoted);
}

#[test]
fn other_languages_quote_styles() {
    let t = "Er sagte „Hallo“ und ging. Il a dit « bonjour » puis. Han sa ”hej” och. Hon sa »hej« då. 彼は「こんにちは」と言った。";
    let m = body(t);
    let inner: Vec<&str> = quotes_of(t, &m).into_iter().map(|q| q.0).collect();
    assert_eq!(
        inner,
        vec!["Hallo", " bonjour ", "hej", "hej", "こんにちは"]
    );
}

#[test]
fn multi_paragraph_quote() {
    let t = "He spoke.\n\n“We will fight on.\n\n“We will never give up.\n\n“We will win,” he said.\n\nAfter that, silence.";
    let m = body(t);
    assert_eq!(m.quotes.len(), 1, "{:?}", quotes_of(t, &m));
    let q = &m.quotes[0];
    assert!(q.closed);
    assert_eq!(q.paragraph, 1);
    assert_eq!(q.start, t.find("“We will fight").unwrap());
    assert!(t[..q.end].ends_with('”'));
    assert_eq!(q.end, t.find(" he said").unwrap());
    for w in ["fight", "never", "We will win", "“We will never"] {
        assert_eq!(voice_of(t, &m, w), Voice::Quoted, "{w}");
    }
    assert_eq!(voice_of(t, &m, "he said"), Voice::Authorial);
    assert_eq!(voice_of(t, &m, "silence"), Voice::Authorial);
    // Straight marks follow the same convention.
    let t = "\"We will fight.\n\n\"We will win,\" he said. \"Now.\"";
    let m = body(t);
    assert_eq!(
        quotes_of(t, &m),
        vec![
            ("We will fight.\n\n\"We will win,", 0, true),
            ("Now.", 0, true)
        ]
    );
    assert_eq!(voice_of(t, &m, "he said"), Voice::Authorial);
    // Whitespace between the paragraphs of a spanning quote has no voice run.
    assert_eq!(
        m.voice.iter().filter(|r| r.voice == Voice::Quoted).count(),
        3
    );
    // The continued quote that is never closed ends with its last continued paragraph.
    let t = "“One.\n“Two.\nThree.";
    let m = body(t);
    assert_eq!(m.quotes.len(), 1);
    assert!(!m.quotes[0].closed);
    assert_eq!(m.quotes[0].end, t.find("\nThree").unwrap());
    assert_eq!(voice_of(t, &m, "Three"), Voice::Authorial);
    // British single-quote style continues too.
    let t = "‘We will fight.\n\n‘We will win,’ he said.";
    let m = body(t);
    assert_eq!(m.quotes.len(), 1);
    assert!(m.quotes[0].closed);
    // No continuation into another region.
    let t = "Title\n“Unclosed quote.\n“(Photo by X)";
    let m = model(t);
    assert_eq!(m.paragraphs[2].region, Region::Caption);
    assert_eq!(m.quotes.len(), 2);
    assert!(m.quotes.iter().all(|q| !q.closed));
    assert_eq!(m.quotes[0].end, t.find("\n“(").unwrap());
}

#[test]
fn quote_over_soft_line_breaks() {
    // One sentence per line: the quotation runs over lines until its closing mark.
    let t = "Title\n\nHe said “Oh no!\nOh no!\nRun.” Then left.\nNext line.\n\nLast block.\n\nEnd.";
    let m = body(t);
    assert_eq!(quotes_of(t, &m), vec![("Oh no!\nOh no!\nRun.", 0, true)]);
    assert_eq!(voice_of(t, &m, "Oh no!\nRun"), Voice::Quoted);
    assert_eq!(voice_of(t, &m, "Then"), Voice::Authorial);
    let t = "He said \"Oh no!\nOh no!\nRun,\" he said.";
    let m = body(t);
    assert_eq!(quotes_of(t, &m), vec![("Oh no!\nOh no!\nRun,", 0, true)]);
    // ... never over a blank line,
    let t = "Title\n\nHe said “Oh no!\nOh no!\n\nRun.” Then left.\n\nEnd.";
    let m = body(t);
    assert_eq!(quotes_of(t, &m), vec![("Oh no!", 0, false)]);
    assert_eq!(voice_of(t, &m, "Oh no!\n\n"), Voice::Authorial);
    // ... nor when the next mark opens a new quotation,
    let t = "He said “Oh no!\nOh no!\nShe said “run” now.";
    let m = body(t);
    assert_eq!(
        quotes_of(t, &m),
        vec![("Oh no!", 0, false), ("run", 0, true)]
    );
    // ... nor further than MAX_SOFT_LINES lines.
    let t = format!(
        "He said “Oh no!\n{}Run.” Then left.",
        "Oh no!\n".repeat(quotes::MAX_SOFT_LINES)
    );
    let m = body(&t);
    assert_eq!(m.quotes.len(), 1);
    assert!(!m.quotes[0].closed);
}

#[test]
fn doubled_apostrophes_are_double_quotes() {
    let t = "He called it ''Buffett rule'' and ''It's more, 'he said' too,'' he said.";
    let m = body(t);
    assert_eq!(
        quotes_of(t, &m),
        vec![
            ("Buffett rule", 0, true),
            ("It's more, 'he said' too,", 0, true),
            ("he said", 1, true)
        ]
    );
}

#[test]
fn unbalanced_marks() {
    let t = "He said “we will win and left.\n\nNext paragraph here.";
    let m = body(t);
    assert_eq!(quotes_of(t, &m), vec![("we will win and left.", 0, false)]);
    assert_eq!(m.quotes[0].end, t.find("\n").unwrap());
    assert_eq!(voice_of(t, &m, "Next"), Voice::Authorial);
    // A stray closing mark is ignored.
    assert!(body("He left” quickly.\nShe \"stayed\"\" on.").quotes.len() == 1);
    assert!(body("He left” quickly.").quotes.is_empty());
    // A new opening mark without enough closers ends the unclosed quote before it.
    let t = "“First, “second” third.";
    let m = body(t);
    assert_eq!(
        quotes_of(t, &m),
        vec![("First,", 0, false), ("second", 0, true)]
    );
    let t = "\"We are here, he said. \"We stay.\"";
    let m = body(t);
    assert_eq!(
        quotes_of(t, &m),
        vec![("We are here, he said.", 0, false), ("We stay.", 0, true)]
    );
    assert_eq!(voice_of(t, &m, " \"We stay"), Voice::Authorial);
}

#[test]
fn straight_quote_context() {
    // Missing space after the closing mark, and a quote inside brackets.
    let t = "\"We won't go,\"he said (\"never\").";
    let m = body(t);
    assert_eq!(
        quotes_of(t, &m),
        vec![("We won't go,", 0, true), ("never", 0, true)]
    );
    // Runs of marks pair up in alternation.
    let t = "\"a\"\"b\"";
    let m = body(t);
    assert_eq!(quotes_of(t, &m), vec![("a", 0, true), ("b", 0, true)]);
    // Empty quotations are not quotations.
    let t = "\"\"\"\" “ ” ''";
    let m = body(t);
    assert!(m.quotes.is_empty());
}

#[test]
fn set_paraphrased_keeps_quotes() {
    let t = "He said that “it is over” today.";
    let mut m = body(t);
    m.set_paraphrased(t.find("it is").unwrap() - 3, t.len() - 1);
    assert_eq!(voice_of(t, &m, "it is"), Voice::Quoted);
    assert_eq!(voice_of(t, &m, "today"), Voice::Paraphrased);
    assert_eq!(voice_of(t, &m, "He"), Voice::Authorial);
    check_invariants(t, &m);
}

#[test]
fn sentences_and_tokens_in_model() {
    let t = "Title\nSen. Smith met Dr. Jones in the U.S. capital at 3.5 p.m. on Sept. 11. “We fight terror.” he said. Then J. K. Rowling left… quietly. Done";
    let m = model(t);
    let s: Vec<&str> = m.sentences.iter().map(|s| &t[s.start..s.end]).collect();
    assert_eq!(
        s,
        vec![
            "Title",
            "Sen. Smith met Dr. Jones in the U.S. capital at 3.5 p.m. on Sept. 11.",
            "“We fight terror.” he said.",
            "Then J. K. Rowling left… quietly.",
            "Done"
        ]
    );
    let words: Vec<&str> = m
        .tokens
        .iter()
        .filter(|k| k.sentence == 2)
        .map(|k| &t[k.start..k.end])
        .collect();
    assert_eq!(words, vec!["We", "fight", "terror", "he", "said"]);
    assert_eq!(m.tokens_in(2).len(), 5);
    assert_eq!(m.sentences_in(1).len(), 4);
}

// ---------------------------------------------------------------- robustness

#[test]
fn many_marks_and_long_paragraphs() {
    for mark in [
        "“", "”", "\"", "'", "‘", "’", "„", "«", "»", "“”", "\"'", "‘“", " \" ", " ' ",
    ] {
        let t = mark.repeat(10_000);
        let m = body(&t);
        assert!(m.quotes.len() <= 20_000);
    }
    let t = format!("{}x{}", "“".repeat(10_000), "”".repeat(10_000));
    let m = body(&t);
    assert_eq!(m.quotes.len(), 10_000);
    assert_eq!(m.quotes[300].depth, 255);
}

#[test]
fn linear_time_on_2mb_paragraph_of_marks() {
    let unit = "“a ‘b \"c' d” ' \" „e« »f’ g’s “h. I";
    let t = unit.repeat(2_000_000 / unit.len());
    let t0 = std::time::Instant::now();
    let m = build(&t, &test_rules(), &BuildOptions::default());
    let dt = t0.elapsed();
    assert_eq!(m.paragraphs.len(), 1);
    assert!(!m.quotes.is_empty());
    // Generous: a quadratic algorithm takes hours here, the linear one well under a second in release.
    assert!(dt.as_secs() < 60, "took {dt:?}");
    check_invariants(&t, &m);
}

fn char_soup() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "\"", "'", "“", "”", "‘", "’", "„", "«", "»", "‹", "›", "「", "」", "\n", "\n\n", "\r\n",
        " ", "\u{a0}", ".", "...", "…", "!", "?", "。", ",", "-", "(", ")", "a", "B", "word",
        "Dr.", "U.S.", "é", "\u{301}", "😀", "3.5", "x'y", "\u{2029}", "\t", "F.", "\u{feff}",
    ]);
    prop::collection::vec(pieces, 0..120).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(400)
    ))]

    #[test]
    fn invariants_hold_on_soup(
        t in char_soup(),
        headline in any::<bool>(),
        a in any::<prop::sample::Index>(),
        b in any::<prop::sample::Index>(),
    ) {
        let mut m = build(&t, &test_rules(), &BuildOptions { first_line_is_headline: headline });
        prop_assert!(invariants(&t, &m).is_ok(), "{:?} on {:?}", invariants(&t, &m), t);
        // Marking a paraphrase keeps the voice map a partition of the paragraphs and leaves quotes quoted.
        let bounds: Vec<usize> = t.char_indices().map(|(i, _)| i).chain([t.len()]).collect();
        let (x, y) = (*a.get(&bounds), *b.get(&bounds));
        m.set_paraphrased(x.min(y), x.max(y));
        prop_assert!(invariants(&t, &m).is_ok(), "{:?} on {:?}", invariants(&t, &m), t);
    }

    #[test]
    fn invariants_hold_on_any_string(t in any::<String>()) {
        let m = build(&t, &test_rules(), &BuildOptions { first_line_is_headline: true });
        prop_assert!(invariants(&t, &m).is_ok(), "{:?} on {:?}", invariants(&t, &m), t);
    }
}

// ---------------------------------------------------------------- shared datasets

use crate::testdata::dataset;

#[test]
fn seed_article() {
    let Some(path) = dataset("seed/presstv-russia-syria.txt") else {
        return;
    };
    let t = std::fs::read_to_string(path).unwrap();
    let m = model(&t);
    let paras = para_texts(&t, &m);
    let headlines: Vec<&str> = paras
        .iter()
        .filter(|p| p.1 == Region::Headline)
        .map(|p| p.0)
        .collect();
    // The headline is the line after the breadcrumb (taken from the file, not copied here).
    let second_line = t
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .nth(1)
        .unwrap();
    assert_eq!(headlines, vec![second_line]);
    // Breadcrumb first, then the headline, then a caption.
    assert_eq!(paras[0].1, Region::Boilerplate);
    assert_eq!(paras[1].1, Region::Headline);
    assert_eq!(paras[2].1, Region::Caption);
    // Both photo captions, and the footer (mirror notice, address, share line, app line) are not body.
    let captions = paras.iter().filter(|p| p.1 == Region::Caption).count();
    assert_eq!(captions, 2);
    for p in &paras {
        if p.0.contains("(Photo by") {
            assert_eq!(p.1, Region::Caption, "{}", p.0);
        }
    }
    let n = paras.len();
    assert!(
        paras[n - 4..].iter().all(|p| p.1 == Region::Boilerplate),
        "{:?}",
        &paras[n - 4..]
    );
    assert_eq!(paras.iter().filter(|p| p.1 != Region::Body).count(), 8);
    // Quotes are exactly the five passages between “ and ”.
    let opens: Vec<usize> = t.match_indices('“').map(|(i, _)| i).collect();
    let closes: Vec<usize> = t
        .match_indices('”')
        .map(|(i, _)| i + '”'.len_utf8())
        .collect();
    assert_eq!(opens.len(), 5);
    assert_eq!(m.quotes.iter().map(|q| q.start).collect::<Vec<_>>(), opens);
    assert_eq!(m.quotes.iter().map(|q| q.end).collect::<Vec<_>>(), closes);
    assert!(m.quotes.iter().all(|q| q.closed && q.depth == 0));
    // Apostrophes (Peskov’s, al-Qaeda's) are authorial.
    for w in ["’s remarks", "'s Syrian"] {
        assert_eq!(m.voice_at(t.find(w).unwrap()), Voice::Authorial, "{w}");
    }
    let quoted: usize = m
        .voice
        .iter()
        .filter(|r| r.voice == Voice::Quoted)
        .map(|r| r.end - r.start)
        .sum();
    let expected: usize = m.quotes.iter().map(|q| q.end - q.start).sum();
    assert_eq!(quoted, expected);
    // Hyphenated words are single tokens.
    assert!(m.tokens.iter().any(|k| &t[k.start..k.end] == "war-torn"));
    assert!(m.tokens.iter().any(|k| &t[k.start..k.end] == "al-Sham"));
}

fn check_dir(rel: &str) {
    let Some(dir) = dataset(rel) else { return };
    let mut n = 0;
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
    {
        let t = std::fs::read_to_string(&p).unwrap();
        for headline in [true, false] {
            let m = build(
                &t,
                &test_rules(),
                &BuildOptions {
                    first_line_is_headline: headline,
                },
            );
            if let Err(e) = invariants(&t, &m) {
                panic!("{}: {e}", p.display());
            }
            if headline && !m.paragraphs.is_empty() {
                assert_eq!(m.paragraphs[0].region, Region::Headline, "{}", p.display());
            }
        }
        n += 1;
    }
    assert!(n > 0, "no .txt files in {}", dir.display());
}

#[test]
fn polnear_dev_texts() {
    check_dir("polnear/dev/text");
}

#[test]
fn ptc_articles() {
    check_dir("ptc/articles");
}

/// Timing check on 20 MB texts, mostly single paragraphs (run with `--release --ignored`).
#[test]
#[ignore]
fn twenty_mb_paragraphs() {
    let units = [
        "“a ‘b \"c' d” ' \" „e« »f’ g’s “h. I",
        "Sen. Smith said “we’ll win.” He left. ",
        "a.a.a.",
        " . ",
        "'",
        "“",
        "Oh no! \n",
        "“x\nyy\n",
        "“x \n",
    ];
    for unit in units {
        let t = unit.repeat(20_000_000 / unit.len());
        let t0 = std::time::Instant::now();
        let m = build(&t, &test_rules(), &BuildOptions::default());
        println!(
            "{unit:?}: {:?}, {} sentences, {} quotes",
            t0.elapsed(),
            m.sentences.len(),
            m.quotes.len()
        );
    }
}
