use super::*;

const HEAD: &str = "[lexicon]\nname = \"x\"\nversion = \"1\"\nkind = \"terms\"\n";

fn native(src: &str) -> Loaded {
    Lexicon::parse(src.as_bytes(), "t.toml", Format::Native, "t.toml")
}

/// Every diagnostic as printed.
fn diags(loaded: &Loaded) -> Vec<String> {
    loaded.diagnostics.iter().map(|d| d.to_string()).collect()
}

fn native_diags(src: &str) -> Vec<String> {
    diags(&native(src))
}

#[test]
fn native_full_file() {
    let src = r#"
[lexicon]
name = "loaded"
version = "2026.11"
kind = "terms"
description = "test"

[[category]]
id = "delegitimizing"
description = "denies legitimacy"

[[entry]]
term = "regime"
category = "delegitimizing"
weight = 2
neutral = "government"
note = "n"
except = ["regime change"]
scope = "body"
group = "regime/government"

[[entry]]
terms = ["thug", "puppet*"]
category = "delegitimizing"
weight = 0.5
case_sensitive = true
forms = ["thugz"]

[[entry]]
term = "slam"
category = "delegitimizing"
inflect = true
"#;
    let l = native(src).into_result().unwrap();
    assert_eq!(
        (l.name.as_str(), l.version.as_str(), l.kind.as_str()),
        ("loaded", "2026.11", "terms")
    );
    assert_eq!(
        l.categories,
        vec![Category {
            id: "delegitimizing".into(),
            description: "denies legitimacy".into()
        }]
    );
    assert_eq!(l.entries.len(), 4);
    let r = &l.entries[0];
    assert_eq!((r.term.as_str(), r.weight, r.line), ("regime", 2.0, 13));
    assert_eq!(r.neutral.as_deref(), Some("government"));
    assert_eq!(r.except, vec!["regime change"]);
    assert_eq!(
        (r.scope.as_str(), r.group.as_deref()),
        ("body", Some("regime/government"))
    );
    let (thug, puppet) = (&l.entries[1], &l.entries[2]);
    assert_eq!(
        (thug.term.as_str(), puppet.term.as_str()),
        ("thug", "puppet*")
    );
    assert!(thug.case_sensitive && puppet.case_sensitive && puppet.is_wildcard());
    assert_eq!((thug.weight, thug.line, puppet.line), (0.5, 23, 23));
    assert_eq!(thug.forms, vec!["thugz"]);
    assert!(l.entries[3].inflect && l.entries[3].scope == "any" && l.entries[3].weight == 1.0);
    assert_eq!(l.origin, "t.toml");
    assert_eq!(l.sha256.len(), 64);
}

#[test]
fn native_kind_attrs_and_inline_tables() {
    let src =
        "entry = [{ term = \"said\", class = \"neutral\", lemma = \"say\", frame = \"speech\" }]\n\
               [lexicon]\nname = \"c\"\nversion = \"1\"\nkind = \"cues\"\n";
    let l = native(src).into_result().unwrap();
    let e = &l.entries[0];
    assert_eq!(e.attr("class"), Some("neutral"));
    assert_eq!(e.attr("lemma"), Some("say"));
    assert_eq!(e.attr("frame"), Some("speech"));
    assert_eq!(
        e.category, "c",
        "without declared categories the lexicon name is the category"
    );

    let src = "[lexicon]\nname = \"e\"\nversion = \"1\"\nkind = \"entities\"\n[[entry]]\nterm = \"Kremlin\"\n\
               side = \"russia\"\nkind = \"government\"\ncanonical = \"Kremlin\"\nrole = \"spokesman\"\n";
    let l = native(src).into_result().unwrap();
    assert_eq!(l.entries[0].attrs.len(), 4);
}

#[test]
fn diagnostic_unknown_category() {
    let src = format!("{HEAD}\n[[category]]\nid = \"delegitimizing\"\n\n[[entry]]\nterm = \"regime\"\ncategory = \"delegitimising\"\n");
    assert_eq!(
        native_diags(&src),
        ["t.toml:11:12: unknown category \"delegitimising\" (declared: delegitimizing)"]
    );
    let src = format!("{HEAD}[[category]]\nid = \"a\"\n[[entry]]\nterm = \"regime\"\n");
    assert_eq!(
        native_diags(&src),
        ["t.toml:7:1: entry needs a category (declared: a)"]
    );
}

#[test]
fn diagnostic_bad_wildcards() {
    let src = format!(
        "{HEAD}[[entry]]\nterm = \"*terror\"\n[[entry]]\nterms = [\"ok\", \"ter*ror\", \"*\"]\n"
    );
    assert_eq!(
        native_diags(&src),
        [
            "t.toml:6:8: bad wildcard \"*terror\": '*' is only allowed at the end of a term",
            "t.toml:8:16: bad wildcard \"ter*ror\": '*' is only allowed at the end of a term",
            "t.toml:8:27: bad wildcard \"*\": '*' needs a prefix before it",
        ]
    );
}

#[test]
fn diagnostic_duplicates() {
    let src = format!(
        "{HEAD}[[entry]]\nterm = \"regime\"\n[[entry]]\nterms = [\"thug\", \"regime\"]\n[[entry]]\nterm = \"war-torn\"\n\
         terms = []\n"
    );
    assert_eq!(
        native_diags(&src),
        [
            "t.toml:8:18: duplicate entry \"regime\" (first at line 6)",
            "t.toml:11:1: use only one of term, terms or pattern (found term and terms)",
        ]
    );
    // Another spelling of the same form is redundant (warning); case-sensitive "US" and case-insensitive
    // "us" are different entries.
    let src = format!(
        "{HEAD}[[entry]]\nterm = \"US\"\ncase_sensitive = true\n[[entry]]\nterm = \"us\"\n\
         [[entry]]\nterm = \"war-torn\"\n[[entry]]\nterm = \"War torn\"\n"
    );
    assert_eq!(
        native_diags(&src),
        ["t.toml:13:8: warning: \"War torn\" matches the same text as \"war-torn\" (line 11); the first entry wins"]
    );
    assert_eq!(native(&src).into_result().unwrap().entries.len(), 4);
    // A term in two categories: a warning for `terms` lexicons (the matcher reports the first) ...
    let cats = "[[category]]\nid = \"a\"\n[[category]]\nid = \"b\"\n";
    let src = format!("{HEAD}{cats}[[entry]]\nterm = \"x\"\ncategory = \"a\"\n[[entry]]\nterm = \"x\"\ncategory = \"b\"\n");
    assert_eq!(
        native_diags(&src),
        ["t.toml:13:8: warning: \"x\" is also in category \"a\" (line 10); the matcher reports the first"]
    );
    // ... while other kinds may give a word several roles.
    let src = src.replace("kind = \"terms\"", "kind = \"cues\"");
    assert!(native_diags(&src).is_empty());
    let src = format!("{HEAD}[[entry]]\nterms = []\n");
    assert_eq!(
        native_diags(&src),
        ["t.toml:6:9: terms must list at least one term"]
    );
    let src = format!("{HEAD}[[category]]\nid = \"a\"\n[[category]]\nid = \"a\"\n");
    assert_eq!(
        native_diags(&src),
        ["t.toml:8:6: duplicate category \"a\" (first at line 6)"]
    );
}

#[test]
fn diagnostic_weight() {
    for (w, col) in [("-1", 10), ("nan", 10), ("inf", 10), ("\"2\"", 10)] {
        let src = format!("{HEAD}[[entry]]\nterm = \"a\"\nweight = {w}\n");
        assert_eq!(
            native_diags(&src),
            [format!(
                "t.toml:7:{col}: weight must be a finite number >= 0"
            )],
            "{w}"
        );
    }
    let src = format!("{HEAD}[[entry]]\nterm = \"a\"\nweight = 0\n");
    assert_eq!(native(&src).into_result().unwrap().entries[0].weight, 0.0);
}

#[test]
fn diagnostic_unknown_keys() {
    let src = format!("{HEAD}[[entry]]\nterm = \"a\"\n  wieght = 2\nclass = \"neutral\"\n");
    let d = native_diags(&src);
    assert_eq!(d.len(), 2);
    assert!(d[0].starts_with(
        "t.toml:7:3: unknown key \"wieght\" in [[entry]] (expected one of: term, terms, pattern"
    ));
    assert!(
        d[1].starts_with("t.toml:8:1: unknown key \"class\" in [[entry]]"),
        "{}",
        d[1]
    );
    let d = native_diags("[lexicon]\nname = \"x\"\nversion = \"1\"\nkind = \"terms\"\nauthor = \"me\"\n[[entries]]\n");
    assert_eq!(d.len(), 2);
    assert!(
        d[0].starts_with("t.toml:5:1: unknown key \"author\" in [lexicon]"),
        "{}",
        d[0]
    );
    assert_eq!(
        d[1],
        "t.toml:6:3: unknown key \"entries\" (expected [lexicon], [[category]] or [[entry]])"
    );
}

#[test]
fn diagnostic_header() {
    assert_eq!(
        native_diags("[[entry]]\nterm = \"a\"\n"),
        ["t.toml:1:1: missing [lexicon] table (with name, version and kind)"]
    );
    assert_eq!(
        native_diags("[lexicon]\nname = \"x\"\nversion = \"1\"\nkind = \"term\"\n"),
        ["t.toml:4:8: unknown kind \"term\" (expected one of: terms, abbreviations, boilerplate, outlets, cues, entities, sources)"]
    );
    assert_eq!(
        native_diags("[lexicon]\nname = \"x\"\nkind = \"terms\"\n"),
        ["t.toml:1:1: [lexicon] needs version = \"...\""]
    );
    assert_eq!(
        native_diags("[lexicon]\nname = 3\nversion = \"1\"\nkind = \"terms\"\n"),
        ["t.toml:2:8: name must be a string"]
    );
}

#[test]
fn diagnostic_toml_syntax() {
    let d = native_diags(&format!(
        "{HEAD}[[entry]]\nterm = \"regime\ncategory = \"a\"\n"
    ));
    assert_eq!(d.len(), 1);
    assert!(d[0].starts_with("t.toml:6:"), "{}", d[0]);
    assert!(d[0].contains("invalid TOML"), "{}", d[0]);
}

#[test]
fn diagnostic_patterns() {
    let head = "[lexicon]\nname = \"b\"\nversion = \"1\"\nkind = \"boilerplate\"\n";
    let src = format!("{head}[[entry]]\npattern = \"^(Photo by .*$\"\nregion = \"caption\"\n");
    let d = native_diags(&src);
    assert_eq!(d.len(), 1);
    assert!(
        d[0].starts_with("t.toml:6:11: invalid regex pattern: "),
        "{}",
        d[0]
    );
    let src = format!("{head}[[entry]]\npattern = \"^x$\"\nregion = \"footer\"\ninflect = true\n[[entry]]\nterm = \"a\"\npattern = \"b\"\n");
    assert_eq!(
        native_diags(&src),
        [
            "t.toml:7:10: unknown region \"footer\" (expected one of: caption, boilerplate)",
            "t.toml:8:1: inflect has no effect on a pattern entry (use a term)",
            "t.toml:11:1: use only one of term, terms or pattern (found term and pattern)",
        ]
    );
    let src = "[lexicon]\nname = \"o\"\nversion = \"1\"\nkind = \"outlets\"\n[[entry]]\npattern = \"^RT$\"\n";
    assert_eq!(
        native_diags(src),
        ["t.toml:5:1: outlets entry needs outlet = \"<outlet id>\""]
    );
    let src = format!("{head}[[entry]]\npattern = \"^Advertisement$\"\n");
    let l = native(&src).into_result().unwrap();
    let re = l.entries[0].regex().unwrap().unwrap();
    assert!(
        re.is_match("ADVERTISEMENT"),
        "patterns are case-insensitive unless case_sensitive"
    );
    assert_eq!(l.entries[0].line, 6);
}

#[test]
fn diagnostic_scope_and_types() {
    let src = format!(
        "{HEAD}[[entry]]\nterm = \"a\"\nscope = \"quotes\"\ninflect = \"yes\"\nforms = \"b\"\n"
    );
    assert_eq!(
        native_diags(&src),
        [
            "t.toml:7:9: unknown scope \"quotes\" (expected one of: any, headline, body, quote)",
            "t.toml:8:11: inflect must be true or false",
            "t.toml:9:9: forms must be an array of strings",
        ]
    );
}

#[test]
fn first_error_becomes_error_lexicon() {
    let src = format!("{HEAD}[[entry]]\nterm = \"a\"\nweight = -2\n");
    match Lexicon::from_toml_str(&src, "t.toml") {
        Err(crate::Error::Lexicon { location, message }) => {
            assert_eq!(
                (location.file.as_str(), location.line, location.col),
                ("t.toml", 7, 10)
            );
            assert_eq!(message, "weight must be a finite number >= 0");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn columns_count_characters_and_bom_is_ignored() {
    let src = format!("\u{feff}{HEAD}[[entry]]\nterm = \"é\"\n  note = \"ü\"; weight = -1\n");
    // Invalid TOML (two keys on a line) – just check the column is in characters.
    let d = native_diags(&src);
    assert!(d[0].starts_with("t.toml:7:13:"), "{}", d[0]);
}

#[test]
fn liwc_dictionary_with_irregularities() {
    let src = "\u{feff}%\r\n1\tfunct\r\n02\tpronoun\r\n125\taffect\r\n464\tcog mech\r\n%\r\n\r\n\
               a\t\t1\r\nabandon*\t125  464\r\nkind (of)\t1\r\nkind\t<of>125/464 02\r\n\
               like\t02 (02 134)125/464\r\n   \r\ni  01 2\r\na\t125\r\n";
    let loaded = Lexicon::parse(
        src.as_bytes(),
        "dir/liwc2007.dic",
        Format::Liwc,
        "dir/liwc2007.dic",
    );
    assert_eq!(
        diags(&loaded),
        [
            "dir/liwc2007.dic:10:1: warning: context in parentheses kept as part of the phrase \"kind of\"",
            "dir/liwc2007.dic:11:1: warning: skipped conditional code(s) <of>125/464 of \"kind\" (LIWC context rules are not supported)",
            "dir/liwc2007.dic:12:1: warning: skipped conditional code(s) (02 134)125/464 of \"like\" (LIWC context rules are not supported)",
            "dir/liwc2007.dic:15:1: warning: duplicate word \"a\" (first at line 8); codes merged",
        ]
    );
    let l = loaded.into_result().unwrap();
    assert_eq!((l.name.as_str(), l.kind.as_str()), ("liwc2007", "terms"));
    let ids: Vec<&str> = l.categories.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["funct", "pronoun", "affect", "cog mech"]);
    let got: Vec<(&str, &str, usize)> = l
        .entries
        .iter()
        .map(|e| (e.term.as_str(), e.category.as_str(), e.line))
        .collect();
    assert_eq!(
        got,
        [
            ("a", "funct", 8),
            ("abandon*", "affect", 9),
            ("abandon*", "cog mech", 9),
            ("kind of", "funct", 10),
            ("kind", "pronoun", 11),
            ("like", "pronoun", 12),
            ("i", "funct", 14),
            ("i", "pronoun", 14),
            ("a", "affect", 15),
        ]
    );
    assert_eq!(
        l.entries[5].attr("liwc_conditional"),
        Some("(02 134)125/464")
    );
}

#[test]
fn liwc_errors() {
    let parse = |s: &str| {
        diags(&Lexicon::parse(
            s.as_bytes(),
            "d.dic",
            Format::Liwc,
            "d.dic",
        ))
    };
    assert_eq!(
        parse("%\n1\tfunct\n%\nbad\t1 999\n"),
        ["d.dic:4:7: unknown category code \"999\" (not in the % header)"]
    );
    assert_eq!(
        parse("1\tfunct\n"),
        ["d.dic:1:1: expected a line with % to open the category header"]
    );
    assert_eq!(
        parse("%\n1\tfunct\n"),
        ["d.dic:3:1: missing % line closing the category header"]
    );
    assert_eq!(
        parse("%\n1 funct\n%\n*bad\t1\n"),
        ["d.dic:4:1: bad wildcard \"*bad\": '*' is only allowed at the end of a term"]
    );
}

#[test]
fn plain_lists() {
    let src =
        "# loaded words\n\nregime\nthug* # trailing comment\n  puppet  \nRegime\n*bad\n#MeToo\n";
    let loaded = Lexicon::parse(
        src.as_bytes(),
        "lists/smear.txt",
        Format::List,
        "lists/smear.txt",
    );
    assert_eq!(
        diags(&loaded),
        [
            "lists/smear.txt:6:1: warning: duplicate term \"Regime\" (first at line 3); ignored",
            "lists/smear.txt:7:1: bad wildcard \"*bad\": '*' is only allowed at the end of a term",
        ]
    );
    let ok = "regime\r\nthug* # comment\n  puppet  \n";
    let l = Lexicon::parse(ok.as_bytes(), "smear.lst", Format::List, "smear.lst")
        .into_result()
        .unwrap();
    let terms: Vec<(&str, &str, usize)> = l
        .entries
        .iter()
        .map(|e| (e.term.as_str(), e.category.as_str(), e.line))
        .collect();
    assert_eq!(
        terms,
        [
            ("regime", "smear", 1),
            ("thug*", "smear", 2),
            ("puppet", "smear", 3)
        ]
    );
    assert_eq!((l.name.as_str(), l.kind.as_str()), ("smear", "terms"));
    assert!(l.entries.iter().all(|e| e.weight == 1.0));
}

#[test]
fn builtins_load_cleanly() {
    for (loaded, (file, _)) in builtin::load_all().into_iter().zip(builtin::FILES) {
        // Files owned elsewhere may carry warnings (redundant spellings); the lexicon engine's own files
        // carry none, and no built-in has an error.
        let own = ["abbreviations.toml", "boilerplate.toml", "outlets.toml"].contains(file);
        let errors = loaded
            .diagnostics
            .iter()
            .filter(|d| own || d.severity == Severity::Error);
        assert_eq!(errors.count(), 0, "{file}: {:?}", loaded.diagnostics);
    }
    let set = LexiconSet::builtin().unwrap();
    let names: Vec<&str> = set.lexicons.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "loaded",
            "abbreviations",
            "boilerplate",
            "outlets",
            "cues",
            "entities",
            "sources"
        ]
    );
    for l in &set.lexicons {
        assert!(l.origin.starts_with("builtin:"));
        for e in &l.entries {
            if let Some(re) = e.regex() {
                assert!(re.is_ok());
            }
            if l.kind == "boilerplate" || l.kind == "outlets" {
                assert!(e.pattern.is_some(), "{e:?}");
            }
        }
    }
    assert_eq!(set.of_kind("outlets").count(), 1);
    let abbreviations: Vec<&str> = set
        .entries_of_kind("abbreviations")
        .map(|e| e.term.as_str())
        .collect();
    for a in [
        "Mr.", "Sen.", "Sept.", "U.S.", "Calif.", "Inc.", "vs.", "No.",
    ] {
        assert!(abbreviations.contains(&a), "{a}");
    }
    let summary = set.summary();
    assert_eq!(summary[0].name, "loaded");
    assert_eq!(summary[0].entries, set.lexicons[0].entries.len());
}

/// The lexicons a run uses are the ones `build.rs` precompiled; they must be exactly what parsing the
/// embedded TOML gives (a stale or mis-encoded copy would silently change every result).
#[test]
fn precompiled_builtins_equal_parsed_ones() {
    let parsed: Vec<Lexicon> = builtin::load_all()
        .into_iter()
        .map(|l| l.into_result().unwrap())
        .collect();
    let precompiled = builtin::parsed().unwrap();
    assert_eq!(precompiled.len(), builtin::FILES.len());
    for (a, b) in precompiled.iter().zip(&parsed) {
        assert_eq!(a, b, "{}", b.origin);
    }
    assert_eq!(LexiconSet::builtin().unwrap().lexicons, parsed);
}

#[test]
fn user_dir_overrides_by_name_and_check_collects_everything() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("my-loaded.toml"), "[lexicon]\nname = \"loaded\"\nversion = \"mine\"\nkind = \"terms\"\n[[entry]]\nterm = \"x\"\n").unwrap();
    std::fs::write(p.join("extra.txt"), "alpha\nbeta\n").unwrap();
    std::fs::write(p.join("notes.md"), "not a lexicon").unwrap();
    let set = LexiconSet::with_user_dir(p).unwrap();
    let loaded = set.get("loaded").unwrap();
    assert_eq!((loaded.version.as_str(), loaded.entries.len()), ("mine", 1));
    assert!(loaded.origin.ends_with("my-loaded.toml"));
    assert_eq!(set.lexicons[0].name, "loaded", "replaced in place");
    assert_eq!(set.get("extra").unwrap().entries.len(), 2);
    assert_eq!(set.lexicons.len(), 8);

    std::fs::write(
        p.join("bad1.toml"),
        "[lexicon]\nname = \"b\"\nversion = \"1\"\nkind = \"terms\"\n[[entry]]\nterm = \"*x\"\n",
    )
    .unwrap();
    std::fs::write(p.join("bad2.dic"), "%\n1 a\n%\nw 7\n").unwrap();
    std::fs::write(p.join("dup.lst"), "alpha\n").unwrap();
    std::fs::write(p.join("extra.lst"), "gamma\n").unwrap();
    match LexiconSet::with_user_dir(p) {
        Err(e) => assert!(e.to_string().contains("bad1.toml:6:8: bad wildcard"), "{e}"),
        Ok(_) => panic!("expected an error"),
    }
    let report = LexiconSet::check_dir(Some(p)).unwrap();
    assert!(report.has_errors());
    // Only the user files' errors: built-in lexicons may carry warnings of their own.
    let shown: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.to_string())
        .collect();
    assert_eq!(shown.len(), 3, "{shown:?}");
    assert!(shown[0]
        .ends_with("bad1.toml:6:8: bad wildcard \"*x\": '*' is only allowed at the end of a term"));
    assert!(shown[1].ends_with("bad2.dic:4:3: unknown category code \"7\" (not in the % header)"));
    assert!(
        shown[2].contains("extra.txt:1:1: duplicate lexicon name \"extra\" (also defined in "),
        "{shown:?}"
    );
    assert!(report
        .lexicons
        .iter()
        .any(|l| l.name == "loaded" && l.version == "mine"));
    assert!(!LexiconSet::check_dir(None).unwrap().has_errors());
}

/// The compiled (regex, attribute) rules of a built-in pattern lexicon.
fn rules(name: &str, attr: &str) -> Vec<(regex::Regex, String)> {
    let set = LexiconSet::builtin().unwrap();
    let lexicon = set.get(name).unwrap();
    let patterns = lexicon.patterns().unwrap();
    assert_eq!(patterns.len(), lexicon.entries.len());
    patterns
        .into_iter()
        .map(|(re, e)| (re, e.attr(attr).unwrap_or("boilerplate").to_string()))
        .collect()
}

fn classify<'r>(rules: &'r [(regex::Regex, String)], line: &str) -> Option<&'r str> {
    rules
        .iter()
        .find(|(re, _)| re.is_match(line.trim()))
        .map(|(_, v)| v.as_str())
}

#[test]
fn boilerplate_lines() {
    let r = rules("boilerplate", "region");
    let caption = [
        "Finance Minister Anna Berg (Photo by Reuters)",
        "A man walks past a damaged building in Aleppo, Syria, on September 9, 2016. (Photo by AFP)",
        "(Photo: Getty Images)",
        "President speaks in Washington, Jan. 5, 2024. (AP Photo/Evan Vucci)",
        "President speaks in Washington. (AP Photo/Evan Vucci, File)",
        "AP Photo/Jane Doe",
        "Jane Doe/Getty Images",
        "Protesters gather in central Paris (AFP via Getty Images)",
        "Protesters gather in Paris. REUTERS/John Smith",
        "Photo: Reuters",
        "Soldiers on patrol (Image via Twitter)",
    ];
    for line in caption {
        assert_eq!(classify(&r, line), Some("caption"), "{line}");
    }
    let boilerplate = [
        "News   /   Russia   /   News",
        "Home › World › Europe",
        "Politics | World",
        "SHARE THIS ARTICLE",
        "Share this:",
        "Share on Facebook",
        "Facebook Twitter Email Print",
        "Follow us on Twitter",
        "Follow Jane Doe on X @janedoe",
        "Subscribe to our newsletter",
        "Sign up for our daily briefing",
        "Click here to read the full report.",
        "Example TV’s website can also be accessed at these mirror addresses:",
        "www.example.co.uk",
        "https://example.com/news www.example.ir",
        "Related: Russia warns US over Syria",
        "Read more",
        "Advertisement",
        "Story continues below advertisement",
        "© 2016 Reuters",
        "Copyright 2016 The Associated Press. All rights reserved.",
        "This material may not be published, broadcast, rewritten or redistributed.",
        "This article originally appeared on The Conversation.",
        "Tags: Syria, Russia, United States",
        "Example News Roku",
        "Reporting by John Smith in Moscow; Editing by Jane Doe",
        "Editing by Jane Doe and John Roe",
        "The Associated Press contributed to this report.",
        "Source: Example and news agencies",
        "12 Comments",
    ];
    for line in boilerplate {
        assert_eq!(classify(&r, line), Some("boilerplate"), "{line}");
    }
    let body = [
        "Valdoria has pledged to keep the dam gates open, defying a recent warning by its neighbour.",
        "The photo by Reuters showed the damage to the hospital.",
        "Getty Images said it would appeal the ruling.",
        "The deal was announced by Getty Images.",
        "Share prices fell 3% on Monday.",
        "Subscribers said the newsletter arrived late.",
        "Sign up for the draft began on Monday, officials said in an email.",
        "Related coverage of the war has focused on Aleppo.",
        "Read more about the plan in the report, he said.",
        "Copyright infringement claims rose in 2016, the report said.",
        "The website can be accessed at no cost, officials said.",
        "They watched the speech on Roku",
        "Reporting by the Times showed the deal was off.",
        "Russia / Syria",
        "Click",
        "He said the regime would share this information with allies.",
        "“We will follow them on the ground,” he said.",
        "Ostrov, however, denounced the EU report as biased and unhelpful.",
    ];
    for line in body {
        assert_eq!(classify(&r, line), None, "{line}");
    }
}

#[test]
fn outlet_signatures() {
    let r = rules("outlets", "outlet");
    let signed = [
        ("Press TV’s website can also be accessed at these other addresses:", "Press TV"),
        ("Press TV News Roku", "Press TV"),
        ("© Autonomous Nonprofit Organization “TV-Novosti”, 2005–2024. All rights reserved.", "RT"),
        ("© 2016 Reuters", "Reuters"),
        ("Reporting by John Smith in Moscow; Editing by Jane Doe", "Reuters"),
        ("Copyright 2016 The Associated Press. All rights reserved.", "AP"),
        ("Copyright 2016 FOX News Network, LLC. All rights reserved.", "Fox News"),
        ("This material may not be published, broadcast, rewritten, or redistributed. ©2024 FOX News Network, LLC.", "Fox News"),
        ("© 2016 Cable News Network. Turner Broadcasting System, Inc. All Rights Reserved.", "CNN"),
        ("CNN's Jane Doe and John Roe contributed to this report.", "CNN"),
        ("Source: Al Jazeera and news agencies", "Al Jazeera"),
        ("© 2024 BBC. The BBC is not responsible for the content of external sites.", "BBC"),
        ("A version of this article appears in print on Oct. 2, 2016, Section A, Page 1 of the New York edition with the headline: X.", "The New York Times"),
        ("© 1996-2016 The Washington Post", "The Washington Post"),
        ("© 2016 POLITICO LLC", "Politico"),
        ("Copyright © 2016 TheHuffingtonPost.com, Inc.", "HuffPost"),
        ("Copyright © 2016 Breitbart", "Breitbart"),
        ("We are committed to truth and accuracy in all of our journalism. Read our editorial standards.", "The Western Journal"),
        ("BEIJING, Jan. 5 (Xinhua) -- China said on Friday ...", "Xinhua"),
        ("© 2016 Guardian News and Media Limited or its affiliated companies. All rights reserved.", "The Guardian"),
        ("Copyright 2016 TASS", "TASS"),
    ];
    for (line, outlet) in signed {
        assert_eq!(classify(&r, line), Some(outlet), "{line}");
    }
    let mentions = [
        "Press TV reported that the talks had failed.",
        "The Kremlin told RT that it would respond.",
        "Reuters reported on Thursday that the deal was off.",
        "According to The Associated Press, at least 12 people died.",
        "Fox News Network executives declined to comment.",
        "The BBC is a public broadcaster.",
        "Al Jazeera said its correspondent was detained.",
        "The New York Times first reported the story.",
        "“We spoke to Xinhua,” he said.",
        "Source: a senior official",
    ];
    for line in mentions {
        assert_eq!(classify(&r, line), None, "{line}");
    }
}

/// The reference article: its breadcrumb, captions, mirror notice and share footer are recognised, and its
/// signature says Press TV. Reads `../shared/datasets` (never copied into the repository).
#[test]
fn seed_article_lines() {
    let Some(path) = crate::testdata::dataset("seed/presstv-russia-syria.txt") else {
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let b = rules("boilerplate", "region");
    let o = rules("outlets", "outlet");
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let count = |region: &str| {
        lines
            .iter()
            .filter(|l| classify(&b, l) == Some(region))
            .count()
    };
    assert_eq!(count("caption"), 2, "two photo captions");
    assert_eq!(
        count("boilerplate"),
        5,
        "breadcrumb, mirror notice, address, share, app link"
    );
    assert_eq!(classify(&b, lines[0]), Some("boilerplate"));
    assert_eq!(classify(&b, lines[1]), None, "the headline is text");
    assert!(lines.iter().any(|l| classify(&o, l) == Some("Press TV")));
}

/// `cargo test --release --lib lexicon::tests::load_timing -- --ignored --nocapture`
#[test]
#[ignore]
fn load_timing() {
    let t = std::time::Instant::now();
    let set = LexiconSet::builtin().unwrap();
    eprintln!(
        "builtin(): {:?} ({} lexicons)",
        t.elapsed(),
        set.lexicons.len()
    );
    let mut src = String::from(HEAD);
    for i in 0..5000 {
        src.push_str(&format!(
            "[[entry]]\nterm = \"term{i}\"\nweight = 1.5\nneutral = \"n\"\n\n"
        ));
    }
    let t = std::time::Instant::now();
    let l = Lexicon::from_toml_str(&src, "big.toml").unwrap();
    eprintln!(
        "parse 5000-entry TOML ({} bytes): {:?}",
        src.len(),
        t.elapsed()
    );
    assert_eq!(l.entries.len(), 5000);
    let d = native_diags(&format!("{HEAD}[[entry]]\npattern = \"(x\"\n"));
    eprintln!("{d:?}");
}

#[test]
#[ignore]
fn pattern_compile_timing() {
    for name in ["boilerplate", "outlets"] {
        let set = LexiconSet::builtin().unwrap();
        for e in &set.get(name).unwrap().entries {
            let t = std::time::Instant::now();
            let _ = e.regex();
            let el = t.elapsed();
            if el.as_micros() > 1000 {
                eprintln!("{el:?} {}", e.pattern.as_deref().unwrap_or(""));
            }
        }
    }
}

#[test]
fn load_single_files_and_bad_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("Smear.LST");
    std::fs::write(&p, "\u{feff}thug\n").unwrap();
    let l = Lexicon::load(&p).unwrap();
    assert_eq!(
        (l.name.as_str(), l.entries[0].term.as_str()),
        ("Smear", "thug")
    );
    assert_eq!(l.origin, p.display().to_string());
    assert!(matches!(
        Lexicon::load(&dir.path().join("x.md")),
        Err(crate::Error::Usage(_))
    ));
    assert!(matches!(
        Lexicon::load(&dir.path().join("missing.toml")),
        Err(crate::Error::Io { .. })
    ));
    let bad = Lexicon::parse(
        b"[lexicon]\nname = \"\xff\"\n",
        "b.toml",
        Format::Native,
        "b.toml",
    );
    assert_eq!(diags(&bad), ["b.toml:2:9: file is not valid UTF-8"]);
}

proptest::proptest! {
    /// The parsers never panic, whatever the bytes (a stand-in for fuzzing).
    #[test]
    fn parsers_never_panic(
        body in "[\\[\\]a-z=\"'*%()<>/0-9 \\t\\n\\r\\u{feff}é’#.,{}-]{0,200}",
        bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64),
    ) {
        let native_src = format!("{HEAD}[[entry]]\n{body}");
        let liwc_src = format!("%\n1 a\n%\n{body}");
        for (src, format) in [
            (body.as_bytes(), Format::Native),
            (native_src.as_bytes(), Format::Native),
            (body.as_bytes(), Format::Liwc),
            (liwc_src.as_bytes(), Format::Liwc),
            (body.as_bytes(), Format::List),
            (&bytes[..], Format::Native),
            (&bytes[..], Format::Liwc),
        ] {
            let loaded = Lexicon::parse(src, "f", format, "f");
            for d in &loaded.diagnostics {
                proptest::prop_assert!(d.line >= 1 && d.col >= 1);
            }
        }
    }
}
