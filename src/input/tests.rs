//! Tests of the whole input stream: folders, files, JSONL, ids, outlets, skips and errors.

use super::*;
use crate::lexicon::Pattern;
use std::fs;
use std::io::Cursor;

fn write(dir: &Path, rel: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(&p, bytes).unwrap();
    p
}

fn all(inputs: &[PathBuf], opts: &InputOptions) -> Vec<Result<Item>> {
    read_inputs(inputs, opts).collect()
}

fn docs(items: &[Result<Item>]) -> Vec<&Document> {
    items
        .iter()
        .filter_map(|i| match i {
            Ok(Item::Doc(d)) => Some(&**d),
            _ => None,
        })
        .collect()
}

fn skips(items: &[Result<Item>]) -> Vec<&Skip> {
    items
        .iter()
        .filter_map(|i| match i {
            Ok(Item::Skip(s)) => Some(s),
            _ => None,
        })
        .collect()
}

fn one_doc(items: &[Result<Item>]) -> &Document {
    let d = docs(items);
    assert_eq!(d.len(), 1, "{items:?}");
    d[0]
}

fn jsonl(input: &str, opts: &InputOptions) -> Vec<Result<Item>> {
    read_jsonl(Cursor::new(input.as_bytes().to_vec()), "corpus.jsonl", opts).collect()
}

fn err_message(item: &Result<Item>) -> String {
    match item {
        Err(e) => e.to_string(),
        Ok(i) => panic!("expected an error, got {i:?}"),
    }
}

#[test]
fn inputs_is_send() {
    fn assert_send<T: Send>() {}
    assert_send::<Inputs>();
    assert_send::<Item>();
}

#[test]
fn folder_walk_sorted_ids_outlets_hidden_and_extensions() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    write(&root, "nyt/b.txt", b"B headline\n\nBody b.");
    write(&root, "nyt/2024/a.md", b"# A headline\n\nBody a.");
    write(
        &root,
        "fox/z.html",
        b"<html><head><title>Z title</title></head><body><p>Z body text.</p></body></html>",
    );
    write(&root, "top.txt", b"Top headline\nBody.");
    write(&root, ".hidden.txt", b"Hidden\nx");
    write(&root, ".git/c.txt", b"Hidden dir\nx");
    write(&root, "nyt/notes.json", b"{}");
    write(&root, "nyt/image.png", b"\x89PNG\0\0");
    let items = all(std::slice::from_ref(&root), &InputOptions::default());
    assert!(skips(&items).is_empty(), "{items:?}");
    let d = docs(&items);
    let ids: Vec<&str> = d.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["fox/z.html", "nyt/2024/a.md", "nyt/b.txt", "top.txt"]);
    let outlets: Vec<(&str, OutletSource)> = d
        .iter()
        .map(|d| (d.outlet.as_str(), d.outlet_source))
        .collect();
    assert_eq!(
        outlets,
        [
            ("fox", OutletSource::Folder),
            ("nyt", OutletSource::Folder),
            ("nyt", OutletSource::Folder),
            ("unknown", OutletSource::Unknown)
        ]
    );
    assert_eq!(d[1].title.as_deref(), Some("A headline"));
    assert_eq!(d[1].format, Format::Markdown);
    assert_eq!(d[1].text, "# A headline\n\nBody a.");
    assert!(d[1].first_line_is_headline);
    assert_eq!(d[2].title.as_deref(), Some("B headline"));
    assert_eq!(d[2].path, root.join("nyt/b.txt"));
    assert_eq!(d[0].title.as_deref(), Some("Z title"));
    assert_eq!(d[0].text, "Z body text.");
    assert!(!d[0].first_line_is_headline);
}

#[test]
fn stats_and_input_count() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.txt", b"A\nbody");
    let e = write(dir.path(), "e.txt", b"  \n");
    let mut it = read_inputs(&[a, e], &InputOptions::default());
    assert_eq!(it.input_count(), 2);
    assert_eq!(it.by_ref().count(), 2);
    assert_eq!(
        it.stats(),
        InputStats {
            inputs: 2,
            documents: 1,
            skipped: 1
        }
    );
}

#[test]
fn single_file_id_is_the_path_as_given() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "sub/story.txt",
        b"\n\n  Headline here  \n\nBody text.\n",
    );
    let items = all(std::slice::from_ref(&p), &InputOptions::default());
    let d = one_doc(&items);
    assert_eq!(d.id, p.to_string_lossy());
    assert_eq!(d.title.as_deref(), Some("Headline here"));
    assert_eq!(d.outlet_source, OutletSource::Unknown);
    assert_eq!(d.text, "\n\n  Headline here  \n\nBody text.\n");
    assert_eq!(d.format, Format::Text);
    assert_eq!(d.line, None);
}

#[test]
fn outlet_flag_beats_folder_and_detection() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("c");
    write(&root, "nyt/a.txt", b"Head\nBody\n(c) Signature Times");
    write(&root, "b.txt", b"Head\nBody\n(c) Signature Times");
    let rules = OutletRules::new(vec![(
        Pattern::new(r"Signature Times$", true).unwrap(),
        "sigtimes".into(),
    )]);
    let opts = InputOptions {
        outlet_rules: rules.clone(),
        ..InputOptions::default()
    };
    let items = all(std::slice::from_ref(&root), &opts);
    let d = docs(&items);
    assert_eq!(
        (d[0].id.as_str(), d[0].outlet.as_str(), d[0].outlet_source),
        ("b.txt", "sigtimes", OutletSource::Detected)
    );
    assert_eq!(
        (d[1].outlet.as_str(), d[1].outlet_source),
        ("nyt", OutletSource::Folder)
    );
    let opts = InputOptions {
        outlet: Some("  flagged ".into()),
        outlet_rules: rules,
        ..InputOptions::default()
    };
    let items = all(&[root], &opts);
    for d in docs(&items) {
        assert_eq!(
            (d.outlet.as_str(), d.outlet_source),
            ("flagged", OutletSource::Flag)
        );
    }
}

#[test]
fn jsonl_outlet_field_beats_flag_and_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("c");
    write(
        &root,
        "wire/feed.jsonl",
        b"{\"id\":\"a\",\"outlet\":\" Own \",\"text\":\"x\"}\n{\"id\":\"b\",\"outlet\":\"\",\"text\":\"y\"}\n",
    );
    let items = all(std::slice::from_ref(&root), &InputOptions::default());
    let d = docs(&items);
    assert_eq!(
        (d[0].outlet.as_str(), d[0].outlet_source),
        ("Own", OutletSource::Field)
    );
    assert_eq!(
        (d[1].outlet.as_str(), d[1].outlet_source),
        ("wire", OutletSource::Folder)
    );
    assert_eq!(d[1].path, root.join("wire/feed.jsonl"));
    assert_eq!(d[1].line, Some(2));
    let opts = InputOptions {
        outlet: Some("flag".into()),
        ..InputOptions::default()
    };
    let items = all(&[root], &opts);
    let d = docs(&items);
    assert_eq!(
        (d[0].outlet.as_str(), d[0].outlet_source),
        ("Own", OutletSource::Field)
    );
    assert_eq!(
        (d[1].outlet.as_str(), d[1].outlet_source),
        ("flag", OutletSource::Flag)
    );
}

#[test]
fn jsonl_ids_fields_and_headline() {
    let input = concat!(
        "{\"id\": \"x1\", \"title\": \"Big news\", \"text\": \"Big news\\n\\nBody.\", \"date\": \"2026-01-02\", \"url\": \"http://e.x/1\"}\n",
        "\n",
        "   \n",
        "{\"id\": 42, \"title\": \"Other\", \"text\": \"Not the title\", \"date\": 20260102}\n",
        "{\"text\": \"no id here\", \"author\": \"A. Writer\"}\r\n",
        "{\"id\": \"\", \"text\": \"empty id\"}\n",
        "{\"id\": [1], \"title\": 5, \"text\": \"odd id\"}",
    );
    let items = jsonl(input, &InputOptions::default());
    assert_eq!(items.len(), 5);
    let d = docs(&items);
    assert_eq!(d[0].id, "x1");
    assert_eq!(d[0].date.as_deref(), Some("2026-01-02"));
    assert_eq!(d[0].url.as_deref(), Some("http://e.x/1"));
    assert!(d[0].first_line_is_headline);
    assert_eq!(d[0].format, Format::Jsonl);
    assert_eq!(d[0].line, Some(1));
    assert_eq!(d[1].id, "42");
    assert_eq!(d[1].date.as_deref(), Some("20260102"));
    assert!(!d[1].first_line_is_headline);
    assert_eq!(d[2].id, "corpus.jsonl:5");
    assert_eq!(d[2].text, "no id here");
    assert_eq!(d[2].byline.as_deref(), Some("A. Writer"));
    assert_eq!(d[3].id, "corpus.jsonl:6");
    assert_eq!(d[4].id, "corpus.jsonl:7");
    assert_eq!(d[4].title, None);
    assert_eq!(d[4].warnings.len(), 2, "{:?}", d[4].warnings);
    assert!(
        d[4].warnings[0].contains("field \"id\" ignored: must be a string or number, found array")
    );
}

#[test]
fn jsonl_custom_field_names() {
    let opts = InputOptions {
        text_field: "body".into(),
        id_field: "uid".into(),
        outlet_field: "source".into(),
        title_field: "headline".into(),
        date_field: "published".into(),
        url_field: "link".into(),
        ..InputOptions::default()
    };
    let items = jsonl(
        r#"{"uid":"u1","body":"B","source":"S","headline":"H","published":"P","link":"L","text":7}"#,
        &opts,
    );
    let d = one_doc(&items);
    assert_eq!(
        (
            d.id.as_str(),
            d.text.as_str(),
            d.outlet.as_str(),
            d.title.as_deref(),
            d.date.as_deref(),
            d.url.as_deref()
        ),
        ("u1", "B", "S", Some("H"), Some("P"), Some("L"))
    );
    let items = jsonl(r#"{"text":"x"}"#, &opts);
    assert_eq!(
        err_message(&items[0]),
        "corpus.jsonl:1: missing required field \"body\""
    );
}

#[test]
fn jsonl_errors_name_file_and_line() {
    let cases = [
        (
            "{\"text\":\"ok\"}\n\n{\"id\":1}\n",
            3,
            "corpus.jsonl:3: missing required field \"text\"",
        ),
        (
            "{\"text\": 5}",
            1,
            "corpus.jsonl:1: field \"text\" must be a string, found number",
        ),
        (
            "{\"text\": null}",
            1,
            "corpus.jsonl:1: field \"text\" must be a string, found null",
        ),
        (
            "[1,2]",
            1,
            "corpus.jsonl:1: expected a JSON object, found array",
        ),
        (
            "\"just a string\"",
            1,
            "corpus.jsonl:1: expected a JSON object, found string",
        ),
        (
            "{\"text\": \"x\"",
            1,
            "corpus.jsonl:1: invalid JSON: EOF while parsing an object (column 12)",
        ),
        (
            "not json",
            1,
            "corpus.jsonl:1: invalid JSON: expected ident (column 2)",
        ),
    ];
    for (input, line, expected) in cases {
        let items = jsonl(input, &InputOptions::default());
        let last = items.last().unwrap();
        assert_eq!(err_message(last), expected);
        match last {
            Err(Error::Input { file, line: l, .. }) => {
                assert_eq!((file.as_str(), *l), ("corpus.jsonl", line))
            }
            other => panic!("{other:?}"),
        }
    }
    // The stream ends at the error.
    let items = jsonl(
        "{\"text\":\"a\"}\nbad\n{\"text\":\"c\"}\n",
        &InputOptions::default(),
    );
    assert_eq!(items.len(), 2);
    assert!(items[1].is_err());
}

#[test]
fn jsonl_keep_going_records_skips() {
    let opts = InputOptions {
        keep_going: true,
        ..InputOptions::default()
    };
    let items = jsonl(
        "{\"text\":\"a\"}\nbad\n{\"id\":\"q\"}\n{\"id\":\"e\",\"text\":\"  \"}\n{\"text\":\"c\"}\n",
        &opts,
    );
    assert!(items.iter().all(Result::is_ok));
    assert_eq!(docs(&items).len(), 2);
    let s = skips(&items);
    assert_eq!(s.len(), 3);
    assert_eq!(s[0].id, "corpus.jsonl:2");
    assert!(s[0].reason.starts_with("invalid JSON: "), "{}", s[0].reason);
    assert_eq!(
        s[1],
        &Skip {
            id: "corpus.jsonl:3".into(),
            reason: "missing required field \"text\"".into()
        }
    );
    assert_eq!(
        s[2],
        &Skip {
            id: "e".into(),
            reason: "empty text".into()
        }
    );
}

#[test]
fn jsonl_empty_text_is_a_skip_without_keep_going() {
    let items = jsonl(
        "{\"text\":\"\"}\n{\"text\":\"ok\"}",
        &InputOptions::default(),
    );
    assert_eq!(
        skips(&items),
        [&Skip {
            id: "corpus.jsonl:1".into(),
            reason: "empty text".into()
        }]
    );
    assert_eq!(docs(&items).len(), 1);
}

#[test]
fn jsonl_deeply_nested_is_an_error_not_a_crash() {
    let deep = format!(
        "{{\"text\":\"x\",\"n\":{}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let items = jsonl(&deep, &InputOptions::default());
    let msg = err_message(&items[0]);
    assert!(
        msg.starts_with("corpus.jsonl:1: invalid JSON: recursion limit exceeded"),
        "{msg}"
    );
}

#[test]
fn jsonl_bom_and_invalid_utf8() {
    let mut bytes = b"\xEF\xBB\xBF{\"text\":\"caf\xE9\"}\n".to_vec();
    bytes.extend_from_slice(b"{\"text\":\"fine\"}\n");
    let items: Vec<_> =
        read_jsonl(Cursor::new(bytes), "f.jsonl", &InputOptions::default()).collect();
    let d = docs(&items);
    assert_eq!(d.len(), 2);
    assert_eq!(d[0].text, "caf\u{FFFD}");
    assert_eq!(
        d[0].warnings,
        ["line 1: invalid UTF-8 at byte 15 of the line decoded with replacement characters"]
    );
    assert!(d[1].warnings.is_empty());
    let items: Vec<_> = read_jsonl(
        Cursor::new(b"\xFF\xFE{\0".to_vec()),
        "u.jsonl",
        &InputOptions::default(),
    )
    .collect();
    assert_eq!(
        err_message(&items[0]),
        "u.jsonl:1: JSONL must be UTF-8 (found a UTF-16 byte order mark)"
    );
}

#[test]
fn jsonl_long_line_streams() {
    let text = "word ".repeat(2_000_000);
    let input = format!("{{\"text\":\"{text}\"}}\n{{\"text\":\"after\"}}\n");
    let items: Vec<_> = read_jsonl(
        std::io::BufReader::new(Cursor::new(input.into_bytes())),
        "big.jsonl",
        &InputOptions::default(),
    )
    .collect();
    let d = docs(&items);
    assert_eq!(d.len(), 2);
    assert_eq!(d[0].text.len(), 10_000_000);
    assert_eq!(d[1].id, "big.jsonl:2");
}

#[test]
fn jsonl_file_named_directly_and_error_stops_everything() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "c.jsonl", b"{\"text\":\"a\"}\n{\"text\":3}\n");
    let after = write(dir.path(), "after.txt", b"After\nx");
    let items = all(&[f.clone(), after.clone()], &InputOptions::default());
    assert_eq!(items.len(), 2);
    assert_eq!(docs(&items)[0].id, format!("{}:1", f.display()));
    assert_eq!(
        err_message(&items[1]),
        format!(
            "{}:2: field \"text\" must be a string, found number",
            f.display()
        )
    );
    let opts = InputOptions {
        keep_going: true,
        ..InputOptions::default()
    };
    let items = all(&[f, after], &opts);
    assert_eq!((docs(&items).len(), skips(&items).len()), (2, 1));
}

#[test]
fn text_file_encodings() {
    let dir = tempfile::tempdir().unwrap();
    let bom = write(dir.path(), "bom.txt", b"\xEF\xBB\xBFTitle\n\nBody");
    let bad = write(dir.path(), "bad.txt", b"Title\n\nCaf\xE9");
    let mut utf16 = vec![0xFF, 0xFE];
    for u in "Title “Q”\n\nBody".encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let u16 = write(dir.path(), "u16.txt", &utf16);
    let items = all(&[bom, bad, u16], &InputOptions::default());
    let d = docs(&items);
    assert_eq!(d[0].text, "Title\n\nBody");
    assert!(d[0].warnings.is_empty());
    assert_eq!(d[1].text, "Title\n\nCaf\u{FFFD}");
    assert_eq!(
        d[1].warnings,
        ["invalid UTF-8 at byte 10 decoded with replacement characters"]
    );
    assert_eq!(d[2].text, "Title “Q”\n\nBody");
    assert_eq!(d[2].title.as_deref(), Some("Title “Q”"));
    assert!(d[2].warnings[0].contains("UTF-16LE"));
}

#[test]
fn empty_binary_and_unsupported_are_skips() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.txt", b"");
    let blank = write(dir.path(), "blank.md", b"\n   \n\t");
    let binary = write(dir.path(), "bin.txt", b"GIF89a\0\0\x01\x02");
    let mut big_binary = b"\x7FELF".to_vec();
    big_binary.extend(std::iter::repeat_n(0u8, 100_000));
    let elf = write(dir.path(), "elf.html", &big_binary);
    let unsupported = write(dir.path(), "data.json", b"{}");
    let items = all(
        &[empty.clone(), blank, binary, elf, unsupported.clone()],
        &InputOptions::default(),
    );
    let s = skips(&items);
    let reasons: Vec<&str> = s.iter().map(|s| s.reason.as_str()).collect();
    assert_eq!(
        reasons[..4],
        ["empty file", "empty file", "binary file", "binary file"]
    );
    assert!(
        reasons[4].starts_with("unsupported file type"),
        "{}",
        reasons[4]
    );
    assert_eq!(s[0].id, empty.to_string_lossy());
    assert_eq!(s[4].id, unsupported.to_string_lossy());
}

#[test]
fn missing_input_is_an_io_error_first() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.txt", b"A\nbody");
    let missing = dir.path().join("nope");
    let items = all(&[a, missing.clone()], &InputOptions::default());
    assert_eq!(items.len(), 1);
    match &items[0] {
        Err(Error::Io { path, source }) => {
            assert_eq!(path, &missing);
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn html_file_with_boilerplate() {
    let dir = tempfile::tempdir().unwrap();
    let page = r#"<!doctype html><html><head><title>Dam talks resume after long pause | Example Post</title>
<meta name="author" content="Rhea Tallis"><meta property="og:site_name" content="Example Post"></head>
<body><header><nav><a href="/">Home</a><a href="/world">World</a></nav></header>
<article><h1>Dam talks resume after long pause</h1>
<p>Negotiators from two neighbouring fictional states met again on Monday to discuss how much water the upper
dam should release during the dry season, officials from both delegations said after the session ended.</p>
<p>"We made progress on the monitoring stations," one delegate said, adding that a final text was not yet agreed
and that the technical teams would meet again within a fortnight to compare their flow measurements.</p>
</article><footer>Share this article. Subscribe to our newsletter.</footer></body></html>"#;
    let p = write(dir.path(), "page.htm", page.as_bytes());
    let rules = OutletRules::new(vec![(
        Pattern::new("^Example Post$", true).unwrap(),
        "example-post".into(),
    )]);
    let opts = InputOptions {
        outlet_rules: rules,
        ..InputOptions::default()
    };
    let items = all(&[p], &opts);
    let d = one_doc(&items);
    assert_eq!(d.format, Format::Html);
    assert_eq!(
        d.title.as_deref(),
        Some("Dam talks resume after long pause")
    );
    assert_eq!(d.byline.as_deref(), Some("Rhea Tallis"));
    assert!(d.text.starts_with("Negotiators from two"), "{}", d.text);
    assert_eq!(d.text.split("\n\n").count(), 2, "{}", d.text);
    assert!(!d.text.contains("Subscribe"));
    assert!(!d.first_line_is_headline);
    // Detected from the site name.
    assert_eq!(
        (d.outlet.as_str(), d.outlet_source),
        ("example-post", OutletSource::Detected)
    );
}

#[test]
fn html_without_body_and_empty_html() {
    let dir = tempfile::tempdir().unwrap();
    let frag = write(
        dir.path(),
        "frag.html",
        b"<h1>Short</h1><p>One line of text.</p>",
    );
    let none = write(
        dir.path(),
        "none.html",
        b"<html><head><title>Nothing</title></head></html>",
    );
    let items = all(&[frag, none], &InputOptions::default());
    let d = one_doc(&items);
    assert!(d.text.contains("One line of text."), "{}", d.text);
    assert_eq!(skips(&items)[0].reason, "no text found in HTML");
}

#[test]
fn stdin_is_read_once() {
    let mut it = read_inputs(&[PathBuf::from("-")], &InputOptions::default());
    // Replace the stdin reader with an in-memory one to exercise the `-` path naming.
    assert!(it.start(PathBuf::from("-")).is_none());
    it.jsonl = Some(JsonlReader::new(
        Box::new(Cursor::new(b"{\"text\":\"from stdin\"}\n".to_vec())),
        "-".into(),
        PathBuf::from("-"),
        None,
        Arc::clone(&it.opts),
    ));
    it.pending.clear();
    it.pending.push_back(PathBuf::from("-"));
    let items: Vec<_> = it.collect();
    assert_eq!(docs(&items)[0].id, "-:1");
    assert_eq!(
        skips(&items)[0],
        &Skip {
            id: "-".into(),
            reason: "stdin already read".into()
        }
    );
}

#[cfg(unix)]
#[test]
fn symlink_loop_and_duplicate_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("c");
    write(&root, "a/x.txt", b"X\nbody");
    std::os::unix::fs::symlink(&root, root.join("a/loop")).unwrap();
    std::os::unix::fs::symlink(root.join("a"), root.join("b")).unwrap();
    std::os::unix::fs::symlink(root.join("missing.txt"), root.join("broken.txt")).unwrap();
    let items = all(&[root], &InputOptions::default());
    assert_eq!(docs(&items).len(), 1);
    let s = skips(&items);
    assert_eq!(s.len(), 3, "{s:?}");
    assert_eq!(s[0].id, "a/loop/");
    assert!(s[0].reason.starts_with("symlink loop"), "{}", s[0].reason);
    assert_eq!(s[1].id, "b/");
    assert!(s[1].reason.starts_with("already read"), "{}", s[1].reason);
    assert_eq!(s[2].id, "broken.txt");
    assert!(s[2].reason.starts_with("broken symlink"), "{}", s[2].reason);
}

#[cfg(unix)]
#[test]
fn unreadable_file_and_folder_are_skips() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("c");
    let f = write(&root, "a/locked.txt", b"L\nbody");
    write(&root, "b/inner.txt", b"I\nbody");
    write(&root, "z.txt", b"Z\nbody");
    fs::set_permissions(&f, fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(root.join("b"), fs::Permissions::from_mode(0o000)).unwrap();
    // Root can read anything: then there is nothing to test.
    let privileged = fs::read(&f).is_ok();
    let items = all(std::slice::from_ref(&root), &InputOptions::default());
    fs::set_permissions(root.join("b"), fs::Permissions::from_mode(0o755)).unwrap();
    if privileged {
        return;
    }
    assert!(items.iter().all(Result::is_ok));
    assert_eq!(docs(&items).len(), 1);
    let s = skips(&items);
    assert_eq!(s[0].id, "a/locked.txt");
    assert!(s[0].reason.starts_with("cannot read: "), "{}", s[0].reason);
    assert_eq!(s[1].id, "b/");
    assert!(
        s[1].reason.starts_with("cannot read directory: "),
        "{}",
        s[1].reason
    );
}

#[test]
fn vanished_file_is_a_skip() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = FileCtx {
        path: dir.path().join("gone.txt"),
        id: "gone.txt".into(),
        folder_outlet: None,
    };
    match read_file_document(&ctx, Format::Text, &InputOptions::default()) {
        Item::Skip(s) => assert!(s.reason.starts_with("cannot read: "), "{}", s.reason),
        other => panic!("{other:?}"),
    }
}

#[test]
fn sample_corpus_reads_completely() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let items = all(
        &[samples.join("corpus"), samples.join("wire.jsonl")],
        &InputOptions::default(),
    );
    assert!(items.iter().all(Result::is_ok), "{items:?}");
    assert!(skips(&items).is_empty(), "{:?}", skips(&items));
    let d = docs(&items);
    assert_eq!(d.len(), 20);
    let mut per_outlet = std::collections::BTreeMap::new();
    for doc in &d {
        assert!(doc.warnings.is_empty(), "{}: {:?}", doc.id, doc.warnings);
        assert!(doc.title.is_some(), "{}", doc.id);
        *per_outlet
            .entry((doc.outlet.as_str(), doc.outlet_source))
            .or_insert(0) += 1;
        let words = doc.text.split_whitespace().count();
        if doc.format == Format::Jsonl {
            assert!((50..=350).contains(&words), "{}: {words} words", doc.id);
        } else {
            assert!((150..=350).contains(&words), "{}: {words} words", doc.id);
        }
    }
    let expected: Vec<((&str, OutletSource), usize)> = vec![
        (("coastline-news", OutletSource::Field), 4),
        (("harbor-herald", OutletSource::Field), 1),
        (("harbor-herald", OutletSource::Folder), 5),
        (("meridian-daily", OutletSource::Folder), 5),
        (("patriot-wire", OutletSource::Folder), 5),
    ];
    assert_eq!(per_outlet.into_iter().collect::<Vec<_>>(), expected);
    let html = d.iter().find(|d| d.format == Format::Html).unwrap();
    assert_eq!(html.id, "patriot-wire/lisk-cover-up.html");
    assert_eq!(
        html.title.as_deref(),
        Some("Regime cover-up as toxic cloud poisons Lisk")
    );
    assert_eq!(html.date.as_deref(), Some("2026-03-12T18:30:00Z"));
    assert!(
        html.text.starts_with("A toxic ammonia cloud"),
        "{}",
        html.text
    );
    assert!(html.text.ends_with("it must insist now."), "{}", html.text);
    assert!(
        !html.text.contains("Subscribe") && !html.text.contains("Privacy"),
        "{}",
        html.text
    );
    let md = d
        .iter()
        .find(|d| d.id == "meridian-daily/saltmere-strike-explainer.md")
        .unwrap();
    assert_eq!(
        md.title.as_deref(),
        Some("What the Saltmere strike is really about")
    );
    let ids: Vec<&str> = d
        .iter()
        .filter(|d| d.format == Format::Jsonl)
        .map(|d| d.id.as_str())
        .collect();
    let last = format!("{}:5", samples.join("wire.jsonl").display());
    assert_eq!(
        ids,
        [
            "cn-0302-serrin",
            "cn-0305-saltmere",
            "cn-0309-brannock",
            "20260312",
            last.as_str()
        ]
    );
    assert!(
        d.iter()
            .find(|d| d.id == "cn-0302-serrin")
            .unwrap()
            .first_line_is_headline
    );
}

#[test]
#[ignore = "prints the sample corpus as read; run with --ignored --nocapture"]
fn dump_samples() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    for item in read_inputs(
        &[samples.join("corpus"), samples.join("wire.jsonl")],
        &InputOptions::default(),
    ) {
        match item.unwrap() {
            Item::Doc(d) => println!(
                "== {} [{} {:?}] title={:?} byline={:?} date={:?} headline={}\n{}\n",
                d.id,
                d.outlet,
                d.outlet_source,
                d.title,
                d.byline,
                d.date,
                d.first_line_is_headline,
                d.text
            ),
            Item::Skip(s) => println!("SKIP {s:?}"),
        }
    }
}

proptest::proptest! {
    #[test]
    fn jsonl_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200), keep_going in proptest::bool::ANY) {
        let opts = InputOptions { keep_going, ..InputOptions::default() };
        let items: Vec<_> = read_jsonl(Cursor::new(bytes), "p.jsonl", &opts).collect();
        // Only the last item can be an error.
        for item in items.iter().rev().skip(1) {
            proptest::prop_assert!(item.is_ok());
        }
    }
}
