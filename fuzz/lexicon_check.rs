//! The checks shared by the three lexicon-format fuzz targets: never panics; every diagnostic has a
//! 1-based `file:line:col` inside the file; a lexicon without errors compiles into a matcher that runs.
use slantscope::lexicon::{Format, Lexicon, Severity, TermMatcher};

pub fn check(data: &[u8], file: &str, format: Format) {
    let loaded = Lexicon::parse(data, file, format, "fuzz");
    let lines = data.split(|&b| b == b'\n').count().max(1);
    for d in &loaded.diagnostics {
        assert!(d.line >= 1 && d.col >= 1, "diagnostic position not 1-based: {d}");
        assert!(d.line <= lines + 1, "diagnostic line {} beyond {} lines: {d}", d.line, lines);
        assert!(d.to_string().starts_with(&format!("{file}:")), "diagnostic without file: {d}");
    }
    let has_errors = loaded.diagnostics.iter().any(|d| d.severity == Severity::Error);
    assert!(!(has_errors && loaded.lexicon.is_some()), "lexicon returned despite errors");
    if let Some(lex) = &loaded.lexicon {
        let entries: Vec<_> = lex.entries.iter().collect();
        if let Ok(m) = TermMatcher::build(&entries) {
            let sample = String::from_utf8_lossy(data);
            for h in m.find_all(&sample) {
                assert!(h.start <= h.end && h.end <= sample.len());
                assert!(sample.is_char_boundary(h.start) && sample.is_char_boundary(h.end));
                assert!(h.entry < entries.len());
            }
        }
        let _ = lex.patterns();
    }
}
