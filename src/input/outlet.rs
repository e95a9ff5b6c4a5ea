//! Outlet resolution: record field → `--outlet` → first folder under the input root → a signature line
//! matched by the outlet rules → `unknown`.

use super::{OutletRules, OutletSource};

/// The outlet name used when nothing else applies.
pub const UNKNOWN_OUTLET: &str = "unknown";

/// Trim an outlet name; empty names count as missing.
pub(crate) fn clean_name(name: Option<&str>) -> Option<String> {
    name.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Resolve the outlet of one document. `field`, `flag` and `folder` are raw (untrimmed) candidates;
/// `text` (and `extra_lines`, e.g. an HTML page's site name) feed signature detection.
pub(crate) fn resolve_outlet(
    field: Option<&str>,
    flag: Option<&str>,
    folder: Option<&str>,
    text: &str,
    extra_lines: &[&str],
    rules: &OutletRules,
) -> (String, OutletSource) {
    if let Some(name) = clean_name(field) {
        return (name, OutletSource::Field);
    }
    if let Some(name) = clean_name(flag) {
        return (name, OutletSource::Flag);
    }
    if let Some(name) = clean_name(folder) {
        return (name, OutletSource::Folder);
    }
    if let Some(name) = detect_outlet(text, extra_lines, rules) {
        return (name, OutletSource::Detected);
    }
    (UNKNOWN_OUTLET.to_owned(), OutletSource::Unknown)
}

/// The first rule (in rule order) whose regex matches any line of the text, scanned from the last line
/// (signatures and footers) to the first, then `extra_lines`. Rules whose gate literals occur nowhere in
/// the text or the extra lines are skipped: every line is part of the text, so they cannot match one.
pub fn detect_outlet(text: &str, extra_lines: &[&str], rules: &OutletRules) -> Option<String> {
    let mut open = Vec::new();
    rules.gate.candidates(text, &mut open);
    let mut more = Vec::new();
    for line in extra_lines {
        rules.gate.candidates(line, &mut more);
        open.iter_mut().zip(&more).for_each(|(o, &m)| *o |= m);
    }
    for ((re, name), _) in rules.signatures.iter().zip(open).filter(|(_, o)| *o) {
        let hit = text
            .lines()
            .rev()
            .chain(extra_lines.iter().copied())
            .any(|line| re.is_match(line));
        if hit {
            if let Some(name) = clean_name(Some(name)) {
                return Some(name);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Pattern;

    fn rules() -> OutletRules {
        OutletRules::new(vec![
            (
                Pattern::new(r"(?i)^\s*©.*harbor herald", true).unwrap(),
                "harbor-herald".into(),
            ),
            (
                Pattern::new(r"Patriot Wire", true).unwrap(),
                "patriot-wire".into(),
            ),
        ])
    }

    #[test]
    fn order_field_flag_folder_detected_unknown() {
        let r = rules();
        let text = "Headline\n\nBody.\n\n© 2026 Harbor Herald";
        assert_eq!(
            resolve_outlet(Some(" f "), Some("g"), Some("h"), text, &[], &r),
            ("f".into(), OutletSource::Field)
        );
        assert_eq!(
            resolve_outlet(Some("  "), Some("g"), Some("h"), text, &[], &r),
            ("g".into(), OutletSource::Flag)
        );
        assert_eq!(
            resolve_outlet(None, Some(""), Some("h"), text, &[], &r),
            ("h".into(), OutletSource::Folder)
        );
        assert_eq!(
            resolve_outlet(None, None, None, text, &[], &r),
            ("harbor-herald".into(), OutletSource::Detected)
        );
        assert_eq!(
            resolve_outlet(None, None, None, "Nothing here", &[], &r),
            (UNKNOWN_OUTLET.into(), OutletSource::Unknown)
        );
    }

    #[test]
    fn detection_uses_rule_order_and_extra_lines() {
        let r = rules();
        // Both match; the first rule wins regardless of line order.
        let text = "From Patriot Wire\n© Harbor Herald";
        assert_eq!(
            detect_outlet(text, &[], &r).as_deref(),
            Some("harbor-herald")
        );
        assert_eq!(
            detect_outlet("x", &["Patriot Wire"], &r).as_deref(),
            Some("patriot-wire")
        );
        assert_eq!(detect_outlet("x", &[], &OutletRules::default()), None);
    }

    /// Detection without the gate: every rule's regex against every line.
    fn detect_ungated(text: &str, extra: &[&str], rules: &OutletRules) -> Option<String> {
        rules.signatures.iter().find_map(|(re, name)| {
            let mut lines = text.lines().rev().chain(extra.iter().copied());
            lines
                .any(|line| re.is_match(line))
                .then(|| clean_name(Some(name)))
                .flatten()
        })
    }

    fn builtin_rules() -> OutletRules {
        let set = crate::lexicon::LexiconSet::builtin().unwrap();
        let mut signatures = Vec::new();
        for l in set.of_kind("outlets") {
            for e in &l.entries {
                let outlet = e.attr("outlet").unwrap_or_default().to_string();
                signatures.push((l.pattern_of(e).unwrap(), outlet));
            }
        }
        OutletRules::new(signatures)
    }

    proptest::proptest! {
        /// The gate changes nothing: on texts made of footer-like pieces (outlet names, copyright marks,
        /// case variants, the Kelvin sign and long s that `(?i)` folds to k and s) gated detection finds
        /// what trying every rule on every line finds.
        #[test]
        fn gate_is_exact_on_builtin_rules(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "© 2025 ", "Copyright ", "(c) ", "BBC", "bbc news", "Press TV", "PRESSTV", "Reuters",
                "Thomson Reuters", "Associated Press", "AP", "TV-Novosti", "Al Jazeera", "Xinhua",
                "All rights reserved", "\u{212A}", "\u{17F}", "\n", "\n\n", " ", "word", ".com",
                "Reporting by Ann Lee; editing by Bo Ray", "Sources: Al Jazeera and news agencies",
                "Lakeside, Jan. 3 (Xinhua) -- ", "cnn's Dana Roe contributed to this report",
            ]), 0..12),
            extra in proptest::option::of(proptest::sample::select(vec!["BBC", "Reuters", "x"])),
        ) {
            let rules = builtin_rules();
            let text: String = pieces.concat();
            let extra: Vec<&str> = extra.into_iter().collect();
            proptest::prop_assert_eq!(
                detect_outlet(&text, &extra, &rules),
                detect_ungated(&text, &extra, &rules)
            );
        }
    }
}
