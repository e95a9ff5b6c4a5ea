//! The bad-input matrix, through the real binary: every case states its exit code and message, and every
//! run that writes a report satisfies `read = analyzed + skipped` with each skip naming its input and
//! reason. Also: interrupted runs, a full or unwritable output folder, broken pipes and linear time.
//! Inputs are generated here (or are small files in `tests/fixtures/reliability/`).
mod common;

use common::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The outcome of one `analyze` run.
struct Run {
    code: i32,
    stderr: String,
    out: PathBuf,
}

impl Run {
    fn report(&self) -> serde_json::Value {
        read_json(&self.out.join("report.json"))
    }
    fn records(&self) -> Vec<serde_json::Value> {
        read_jsonl(&self.out.join("articles.jsonl"))
    }
    /// The reason of the skip whose id ends with `id`.
    fn skip_reason(&self, id: &str) -> String {
        let r = self.report();
        let skipped = r["run"]["skipped"].as_array().expect("skipped[]");
        skipped
            .iter()
            .find(|s| s["id"].as_str().is_some_and(|s| s.ends_with(id)))
            .and_then(|s| s["reason"].as_str())
            .unwrap_or_else(|| panic!("no skip for {id}: {skipped:?}"))
            .to_string()
    }
}

fn analyze_in(t: &Path, inputs: &[&Path], extra: &[&str]) -> Run {
    let out = t.join("out");
    let o = bin()
        .arg("analyze")
        .args(inputs)
        .args(extra)
        .arg("--quiet")
        .arg("--out")
        .arg(&out)
        .timeout(Duration::from_secs(300))
        .output()
        .expect("run slantscope");
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        !stderr.contains("panicked"),
        "slantscope panicked: {stderr}"
    );
    let run = Run {
        code: o.status.code().unwrap_or(-1),
        stderr,
        out,
    };
    if run.out.join("report.json").exists() {
        check_accounting(&run);
    } else {
        assert_eq!(
            run.code, 2,
            "no report but exit {}: {}",
            run.code, run.stderr
        );
        assert_no_staging(&run.out);
    }
    run
}

/// `read = analyzed + skipped`, every skip names an input and a reason, one record per analyzed article,
/// every span matches the text, and the exit code says whether anything was skipped.
fn check_accounting(run: &Run) {
    let report = run.report();
    let r = &report["run"];
    let read = r["read"].as_u64().expect("read");
    let analyzed = r["analyzed"].as_u64().expect("analyzed");
    let skipped = r["skipped"].as_array().expect("skipped");
    assert_eq!(read, analyzed + skipped.len() as u64, "accounting: {r}");
    for s in skipped {
        assert!(
            s["id"].as_str().is_some_and(|x| !x.is_empty()),
            "skip without id: {s}"
        );
        assert!(
            s["reason"].as_str().is_some_and(|x| !x.is_empty()),
            "skip without reason: {s}"
        );
    }
    let recs = run.records();
    assert_eq!(
        recs.len() as u64,
        analyzed,
        "one record per analyzed article"
    );
    for rec in &recs {
        if let Some(text) = rec["text"].as_str() {
            let doc: Vec<char> = text.chars().collect();
            check_spans(rec, &doc, rec["id"].as_str().unwrap_or("?"));
        }
    }
    let expected = if skipped.is_empty() { 0 } else { 1 };
    assert_eq!(run.code, expected, "exit code vs skips: {}", run.stderr);
    assert_no_staging(&run.out);
}

fn assert_no_staging(out: &Path) {
    if let Ok(rd) = fs::read_dir(out) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            assert!(
                !name.starts_with(".slantscope-partial"),
                "staging folder left behind: {name}"
            );
        }
    }
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(&p, bytes).unwrap();
    p
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn release() -> bool {
    !cfg!(debug_assertions)
}

// ---------------------------------------------------------------------------------------------------------
// Encodings and binary files

#[test]
fn invalid_utf8_is_analyzed_with_a_warning() {
    let t = tmp();
    let f = write(
        t.path(),
        "latin1.txt",
        b"Caf\xe9 owners protest\n\nThe caf\xe9 owners said rents were too high.\n",
    );
    let run = analyze_in(t.path(), &[&f], &["--include-text"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let recs = run.records();
    let w = recs[0]["warnings"][0].as_str().unwrap();
    assert!(w.contains("invalid UTF-8"), "{w}");
    assert!(recs[0]["text"].as_str().unwrap().contains('\u{FFFD}'));
}

#[test]
fn utf16_with_bom_is_decoded() {
    let t = tmp();
    let text = "Héllo “quoted” harbour\n\nThe council said “yes” today.\n";
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for u in text.encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
        be.extend_from_slice(&u.to_be_bytes());
    }
    let d = t.path().join("in");
    write(&d, "le.txt", &le);
    write(&d, "be.txt", &be);
    let run = analyze_in(t.path(), &[&d], &["--include-text"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for r in run.records() {
        assert_eq!(r["text"], text, "{}", r["id"]);
        assert_eq!(r["title"], "Héllo “quoted” harbour");
        assert!(r["warnings"][0].as_str().unwrap().contains("UTF-16"), "{r}");
    }
}

#[test]
fn nul_bytes_are_a_binary_skip() {
    let t = tmp();
    let d = t.path().join("in");
    write(&d, "ok.txt", "Headline\n\nBody text.\n");
    write(&d, "nul.txt", b"Some text\x00with a NUL byte\x00\x00");
    let run = analyze_in(t.path(), &[&d], &[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.skip_reason("nul.txt"), "binary file");
}

#[test]
fn empty_file_is_skipped() {
    let t = tmp();
    let d = t.path().join("in");
    write(&d, "ok.txt", "Headline\n\nBody text.\n");
    write(&d, "empty.txt", "");
    write(&d, "blank.md", " \n\t\r\n");
    let run = analyze_in(t.path(), &[&d], &[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.skip_reason("empty.txt"), "empty file");
    assert_eq!(run.skip_reason("blank.md"), "empty file");
}

// ---------------------------------------------------------------------------------------------------------
// JSONL

#[test]
fn zero_byte_jsonl_reads_nothing() {
    let t = tmp();
    let f = write(t.path(), "empty.jsonl", "");
    let run = analyze_in(t.path(), &[&f], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = run.report();
    assert_eq!(r["run"]["read"], 0);
}

/// A malformed line stops the run with `file:line: message` (exit 2, nothing written); with
/// `--keep-going` it is a skip with that reason (exit 1).
fn malformed_line(line: &str, message: &str) {
    let t = tmp();
    let f = write(
        t.path(),
        "c.jsonl",
        format!("{{\"text\": \"fine story\"}}\n{line}\n{{\"text\": \"after\"}}\n"),
    );
    let run = analyze_in(t.path(), &[&f], &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("c.jsonl:2: ") && run.stderr.contains(message),
        "{message}: {}",
        run.stderr
    );
    assert!(!run.out.join("report.json").exists());
    fs::remove_dir_all(&run.out).ok();
    let run = analyze_in(t.path(), &[&f], &["--keep-going"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.report()["run"]["analyzed"], 2);
    assert!(
        run.skip_reason("c.jsonl:2").contains(message),
        "{}",
        run.skip_reason("c.jsonl:2")
    );
}

#[test]
fn jsonl_line_not_json() {
    malformed_line("this is not json", "invalid JSON");
}

#[test]
fn jsonl_line_lacks_text() {
    malformed_line(
        "{\"id\": \"x\", \"title\": \"no text\"}",
        "missing required field \"text\"",
    );
}

#[test]
fn jsonl_text_of_wrong_type() {
    malformed_line(
        "{\"text\": [\"a\", \"b\"]}",
        "field \"text\" must be a string, found array",
    );
    malformed_line("{\"text\": 5}", "must be a string, found number");
    malformed_line("[1, 2]", "expected a JSON object, found array");
}

#[test]
fn jsonl_deeply_nested_json() {
    let depth = 100_000;
    let line = format!(
        "{{\"text\": \"x\", \"deep\": {}{}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    malformed_line(&line, "recursion limit exceeded");
}

#[test]
fn jsonl_line_of_50_mb() {
    let t = tmp();
    // Not JSON (an unterminated string): an error naming the line, in any build.
    let mut bad = String::with_capacity(50 << 20);
    bad.push_str("{\"text\": \"");
    while bad.len() < 50 << 20 {
        bad.push_str("word ");
    }
    let f = write(
        t.path(),
        "big.jsonl",
        format!("{{\"text\": \"fine story\"}}\n{bad}\n"),
    );
    let run = analyze_in(t.path(), &[&f], &["--keep-going"]);
    assert_eq!(run.code, 1);
    assert!(run.skip_reason("big.jsonl:2").contains("EOF while parsing"));
    // Valid JSON of 50 MB: analyzed (release builds only; a debug build takes minutes).
    if !release() {
        eprintln!("note: 50 MB valid JSONL record analyzed in release builds only");
        return;
    }
    bad.push_str("\"}");
    let f = write(t.path(), "big2.jsonl", format!("{bad}\n"));
    fs::remove_dir_all(&run.out).ok();
    let start = Instant::now();
    let run = analyze_in(t.path(), &[&f], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.report()["run"]["analyzed"], 1);
    assert!(
        start.elapsed() < Duration::from_secs(120),
        "{:?}",
        start.elapsed()
    );
}

// ---------------------------------------------------------------------------------------------------------
// The file system

#[cfg(unix)]
#[test]
fn dangling_symlink_is_skipped() {
    let t = tmp();
    let d = t.path().join("in");
    write(&d, "ok.txt", "Headline\n\nBody text.\n");
    // The closest simulation of a file that disappears between listing and reading.
    std::os::unix::fs::symlink(t.path().join("gone.txt"), d.join("gone.txt")).unwrap();
    let run = analyze_in(t.path(), &[&d], &[]);
    assert_eq!(run.code, 1);
    assert!(run.skip_reason("gone.txt").starts_with("broken symlink"));
    // Named directly on the command line, it is a missing input: a usage error before any work.
    fs::remove_dir_all(&run.out).unwrap();
    let run = analyze_in(t.path(), &[&d.join("ok.txt"), &d.join("gone.txt")], &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("input not found") && run.stderr.contains("gone.txt"),
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_skipped() {
    use std::os::unix::fs::PermissionsExt;
    let t = tmp();
    let d = t.path().join("in");
    write(&d, "ok.txt", "Headline\n\nBody text.\n");
    let locked = write(&d, "locked.txt", "Secret\n\nText.\n");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let root = fs::read(&locked).is_ok();
    // A FIFO cannot be read like a file (and would block a naive reader forever).
    let fifo = d.join("pipe.txt");
    let made_fifo = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let run = analyze_in(t.path(), &[&d], &[]);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(run.code, 1, "{}", run.stderr);
    if root {
        eprintln!(
            "note: running as root, permission bits do not stop reads; checked a FIFO instead"
        );
    } else {
        assert!(run.skip_reason("locked.txt").contains("cannot read"));
    }
    if made_fifo {
        assert_eq!(run.skip_reason("pipe.txt"), "not a regular file");
    } else {
        eprintln!("note: mkfifo unavailable; FIFO case not checked");
    }
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_skipped() {
    let t = tmp();
    let d = t.path().join("in");
    write(&d, "a/story.txt", "Headline\n\nBody text.\n");
    std::os::unix::fs::symlink("..", d.join("a/up")).unwrap();
    std::os::unix::fs::symlink("self.txt", d.join("self.txt")).unwrap();
    let run = analyze_in(t.path(), &[&d], &[]);
    assert_eq!(run.code, 1);
    assert!(run.skip_reason("a/up/").starts_with("symlink loop"));
    assert!(run.skip_reason("self.txt").starts_with("broken symlink"));
    assert_eq!(run.report()["run"]["analyzed"], 1);
}

#[test]
fn unsupported_file_named_directly_is_skipped() {
    let t = tmp();
    let f = write(t.path(), "data.json", "{\"text\": \"x\"}");
    let ok = write(t.path(), "ok.txt", "Headline\n\nBody.\n");
    let run = analyze_in(t.path(), &[&ok, &f], &[]);
    assert_eq!(run.code, 1);
    assert!(run
        .skip_reason("data.json")
        .contains("unsupported file type"));
}

// ---------------------------------------------------------------------------------------------------------
// Pathological text

/// One paragraph of `bytes` bytes: words, loaded terms, quotes, abbreviations, no line break.
fn one_paragraph(bytes: usize) -> String {
    let unit = "The regime said “the puppet council is a disaster,” Sen. Smith of the U.S. claimed, and officials said so. ";
    let mut s = String::with_capacity(bytes + unit.len());
    s.push_str("Headline\n\n");
    while s.len() < bytes {
        s.push_str(unit);
    }
    s
}

#[test]
fn article_of_20_mb_in_one_paragraph() {
    let t = tmp();
    // Debug builds are ~15× slower: a smaller article there. No wall-clock bound here (speed is measured by
    // the benchmarks, and a bound flakes on a loaded machine): `analyze_in`'s 300 s timeout catches a hang
    // or a quadratic blow-up, and `analysis_time_is_linear` checks the scaling.
    let size = if release() { 20 << 20 } else { 512 << 10 };
    let f = write(t.path(), "huge.txt", one_paragraph(size));
    let start = Instant::now();
    let run = analyze_in(t.path(), &[&f], &[]);
    eprintln!("{} MB in one paragraph: {:?}", size >> 20, start.elapsed());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.report()["run"]["analyzed"], 1);
    // Every repeated unit holds a quotation with its speaker: the findings scale with the text.
    let units = size / 110;
    let table = fs::read_to_string(run.out.join("attributions.csv")).unwrap_or_default();
    let atts = table.lines().count().saturating_sub(1);
    assert!(atts >= units, "{atts} attributions for about {units} units");
}

#[test]
fn ten_thousand_quotation_marks() {
    let t = tmp();
    let d = t.path().join("in");
    write(
        &d,
        "straight.txt",
        format!("Marks\n\n{}\n", "\"".repeat(10_000)),
    );
    write(
        &d,
        "curly.txt",
        format!("Marks\n\n{}\n", "“a ”".repeat(5_000)),
    );
    write(
        &d,
        "opening.txt",
        format!("Marks\n\n{}\n", "« “ ‘ „ ".repeat(2_500)),
    );
    write(
        &d,
        "nested.txt",
        format!("Marks\n\n{}x{}\n", "“‘".repeat(5_000), "’”".repeat(5_000)),
    );
    let run = analyze_in(t.path(), &[&d], &["--include-text"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.report()["run"]["analyzed"], 4);
}

#[test]
fn unbalanced_quotes() {
    let t = tmp();
    let text = "Talks stall\n\n“We will never agree, the minister said.\n\nOfficials said the regime “was ready.\n\nShe said ” nothing ” more ” here.\n\n‘Single open and “double open.\n";
    let f = write(t.path(), "q.txt", text);
    let run = analyze_in(t.path(), &[&f], &["--include-text"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = &run.records()[0];
    let quotes = r["quotes"].as_array().unwrap();
    assert!(quotes.iter().any(|q| q["closed"] == false), "{quotes:?}");
}

#[test]
fn html_without_body_or_deeply_nested() {
    let t = tmp();
    let d = t.path().join("in");
    write(
        &d,
        "nobody.html",
        "<html><head><title></title></head></html>",
    );
    write(&d, "nothing.html", "<html></html>");
    let n = 10_000;
    write(
        &d,
        "nested.html",
        format!(
            "<html><body>{}<p>Deep text here, officials said.</p>{}</body></html>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        ),
    );
    write(
        &d,
        "unclosed.html",
        format!("<html><body>{}<p>Unclosed text.", "<div><span>".repeat(n)),
    );
    let start = Instant::now();
    let run = analyze_in(t.path(), &[&d], &["--include-text"]);
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.skip_reason("nobody.html"), "no text found in HTML");
    assert_eq!(run.skip_reason("nothing.html"), "no text found in HTML");
    let recs = run.records();
    let nested = recs.iter().find(|r| r["id"] == "nested.html").unwrap();
    assert!(nested["text"].as_str().unwrap().contains("Deep text here"));
    assert!(nested["warnings"][0]
        .as_str()
        .unwrap()
        .contains("nested too deeply"));
    assert!(recs.iter().any(|r| r["id"] == "unclosed.html"));
}

// ---------------------------------------------------------------------------------------------------------
// Lexicons

const LEX_HEAD: &str = "[lexicon]\nname = \"mine\"\nversion = \"1\"\nkind = \"terms\"\n\n[[category]]\nid = \"loaded\"\ndescription = \"x\"\n";

/// `lexicon check` on a folder holding `body` (after a fixed 8-line header) exits 2 and names
/// `mine.toml:line:col` with `message`; `analyze --lexicons` stops with the same location.
fn bad_lexicon(body: &str, line_col: &str, message: &str) {
    let t = tmp();
    let d = t.path().join("lex");
    write(&d, "mine.toml", format!("{LEX_HEAD}{body}"));
    let o = bin().args(["lexicon", "check"]).arg(&d).output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    let want = format!("mine.toml:{line_col}: ");
    assert!(
        stderr
            .lines()
            .any(|l| l.contains(&want) && l.contains(message)),
        "want {want}{message}: {stderr}"
    );
    let f = write(t.path(), "a.txt", "Headline\n\nBody.\n");
    let out = t.path().join("out");
    let o = bin()
        .arg("analyze")
        .arg(&f)
        .arg("--lexicons")
        .arg(&d)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&want), "{stderr}");
    assert!(!out.join("report.json").exists());
}

#[test]
fn lexicon_bad_wildcard() {
    bad_lexicon(
        "\n[[entry]]\nterm = \"*broken\"\ncategory = \"loaded\"\n",
        "11:8",
        "*broken",
    );
}

#[test]
fn lexicon_duplicate_entry() {
    bad_lexicon(
        "\n[[entry]]\nterm = \"slam\"\ncategory = \"loaded\"\n\n[[entry]]\nterm = \"slam\"\ncategory = \"loaded\"\n",
        "15:8",
        "duplicate entry \"slam\" (first at line 11)",
    );
}

#[test]
fn lexicon_unknown_category() {
    bad_lexicon(
        "\n[[entry]]\nterm = \"slam\"\ncategory = \"nope\"\n",
        "12:12",
        "unknown category \"nope\"",
    );
}

// ---------------------------------------------------------------------------------------------------------
// Output folder

#[test]
fn unwritable_output_folder() {
    let t = tmp();
    let blocker = write(t.path(), "file", "x");
    let f = write(t.path(), "a.txt", "Headline\n\nBody.\n");
    let o = bin()
        .arg("analyze")
        .arg(&f)
        .arg("--out")
        .arg(blocker.join("out"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr.contains("file/out") && stderr.contains("Not a directory"),
        "{stderr}"
    );
    // The output path is itself a regular file.
    let o = bin()
        .arg("analyze")
        .arg(&f)
        .arg("--out")
        .arg(&blocker)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(fs::read(&blocker).unwrap(), b"x");
}

/// Mount a tiny tmpfs (root only) and fill it: the run fails with exit 2 and "No space left", the previous
/// complete output stays, and no staging folder is left behind.
#[cfg(target_os = "linux")]
#[test]
fn full_output_folder() {
    let t = tmp();
    let mnt = t.path().join("tiny");
    fs::create_dir(&mnt).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
        .arg(&mnt)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("note: cannot mount a tmpfs (not root?); full-disk case not checked");
        return;
    }
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
        }
    }
    let _guard = Unmount(mnt.clone());
    let small = write(t.path(), "small.txt", "Headline\n\nBody text.\n");
    let out = mnt.join("out");
    let ok = bin()
        .arg("analyze")
        .arg(&small)
        .args(["--quiet", "--charts", "none", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let before = fs::read(out.join("report.json")).unwrap();
    let mut big = String::new();
    for i in 0..1500 {
        big.push_str(&format!(
            "{{\"id\": \"a{i}\", \"text\": \"Story {i}\\n\\nThe regime said the puppet council was a disaster, officials said. {}\"}}\n",
            "More words here. ".repeat(40)
        ));
    }
    let corpus = write(t.path(), "big.jsonl", big);
    let o = bin()
        .arg("analyze")
        .arg(&corpus)
        .args(["--quiet", "--include-text", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(fs::read(out.join("report.json")).unwrap(), before);
    assert_no_staging(&out);
}

/// A large generated corpus: many JSONL records.
fn large_corpus(dir: &Path, records: usize) -> PathBuf {
    let mut s = String::new();
    for i in 0..records {
        s.push_str(&format!(
            "{{\"id\": \"a{i}\", \"outlet\": \"o{}\", \"text\": \"Story {i}\\n\\nThe regime said “the puppet council is a disaster,” officials said. {}\"}}\n",
            i % 4,
            "The mayor said the plan would go ahead. ".repeat(30)
        ));
    }
    write(dir, "large.jsonl", s)
}

/// SIGINT or SIGTERM to a running `analyze` leaves the previous complete output (byte for byte) and no
/// partial one: `report.json` is the old one, no staging folder remains.
#[cfg(unix)]
fn interrupted(signal: &str) {
    let t = tmp();
    let out = t.path().join("out");
    let small = write(t.path(), "small.txt", "Headline\n\nBody text.\n");
    bin()
        .arg("analyze")
        .arg(&small)
        .args(["--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let before: Vec<(String, Vec<u8>)> = {
        let mut v: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let bytes = if e.path().is_file() {
                    fs::read(e.path()).unwrap()
                } else {
                    Vec::new()
                };
                (e.file_name().to_string_lossy().into_owned(), bytes)
            })
            .collect();
        v.sort();
        v
    };
    let corpus = large_corpus(t.path(), 40_000);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("slantscope"))
        .arg("analyze")
        .arg(&corpus)
        .args(["--quiet", "--jobs", "1", "--out"])
        .arg(&out)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the run is underway (its staging folder exists), then interrupt it.
    let staging = out.join(format!(".slantscope-partial-{}", child.id()));
    let start = Instant::now();
    while !staging.exists() && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    let still_running = child.try_wait().unwrap().is_none();
    std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let mut after: Vec<(String, Vec<u8>)> = fs::read_dir(&out)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            let bytes = if e.path().is_file() {
                fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            (name, bytes)
        })
        .collect();
    after.sort();
    if !still_running {
        eprintln!("note: the run finished before the signal; nothing to check");
        return;
    }
    assert!(!status.success(), "interrupted run reported success");
    assert_eq!(status.code(), Some(130), "exit status {status:?}: {stderr}");
    assert_eq!(after, before, "output changed by an interrupted run");
}

#[cfg(unix)]
#[test]
fn sigint_leaves_previous_output() {
    interrupted("-INT");
}

#[cfg(unix)]
#[test]
fn sigterm_leaves_previous_output() {
    interrupted("-TERM");
}

// ---------------------------------------------------------------------------------------------------------
// Broken pipe

#[cfg(unix)]
#[test]
fn score_into_closed_pipe_is_quiet() {
    use std::io::Read;
    let t = tmp();
    // Enough findings that the output exceeds a pipe buffer.
    let f = write(t.path(), "many.txt", one_paragraph(400_000));
    for format in ["text", "json"] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("slantscope"))
            .arg("score")
            .arg(&f)
            .args(["--format", format])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut head = [0u8; 10];
        child
            .stdout
            .as_mut()
            .unwrap()
            .read_exact(&mut head)
            .unwrap();
        drop(child.stdout.take());
        let status = child.wait().unwrap();
        let mut stderr = String::new();
        child
            .stderr
            .as_mut()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        assert_eq!(status.code(), Some(0), "{format}: {stderr}");
        assert!(stderr.is_empty(), "{format}: {stderr}");
    }
    // The shell form: `slantscope score FILE | head -c 10` (bash for PIPESTATUS).
    let Ok(o) = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "'{}' score '{}' | head -c 10 >/dev/null; echo \"${{PIPESTATUS[0]}}\"",
            assert_cmd::cargo::cargo_bin("slantscope").display(),
            f.display()
        ))
        .output()
    else {
        eprintln!("note: bash not found; shell pipeline not checked");
        return;
    };
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "0");
}

// ---------------------------------------------------------------------------------------------------------
// Linear time

/// Time to analyze one paragraph of `mb` MB.
fn time_one_paragraph(dir: &Path, mb: usize) -> Duration {
    let f = write(dir, &format!("p{mb}.txt"), one_paragraph(mb << 20));
    let out = dir.join(format!("out{mb}"));
    let start = Instant::now();
    bin()
        .arg("analyze")
        .arg(&f)
        .args(["--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    start.elapsed()
}

/// Doubling the input roughly doubles the time (allowing 3× per doubling for noise and caches).
/// Release builds only; set SLANTSCOPE_SCALING=1 to print the 2/4/8/16 MB series.
#[test]
fn analysis_time_is_linear() {
    if !release() {
        eprintln!("note: scaling test runs in release builds only");
        return;
    }
    let t = tmp();
    let sizes: &[usize] = if std::env::var_os("SLANTSCOPE_SCALING").is_some() {
        &[2, 4, 8, 16]
    } else {
        &[2, 8]
    };
    let times: Vec<Duration> = sizes
        .iter()
        .map(|&mb| time_one_paragraph(t.path(), mb))
        .collect();
    for (mb, d) in sizes.iter().zip(&times) {
        eprintln!("{mb:>3} MB: {:.2} s", d.as_secs_f64());
    }
    let (first, last) = (times[0].as_secs_f64(), times[times.len() - 1].as_secs_f64());
    let ratio = (sizes[sizes.len() - 1] / sizes[0]) as f64;
    assert!(
        last < first.max(0.2) * ratio * 3.0,
        "superlinear: {first:.2} s → {last:.2} s for {ratio}× the input"
    );
}
