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
/// (signatures and footers) to the first, then `extra_lines`.
pub fn detect_outlet(text: &str, extra_lines: &[&str], rules: &OutletRules) -> Option<String> {
    for (re, name) in &rules.signatures {
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
        OutletRules {
            signatures: vec![
                (
                    Pattern::new(r"(?i)^\s*©.*harbor herald", true).unwrap(),
                    "harbor-herald".into(),
                ),
                (
                    Pattern::new(r"Patriot Wire", true).unwrap(),
                    "patriot-wire".into(),
                ),
            ],
        }
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
}
