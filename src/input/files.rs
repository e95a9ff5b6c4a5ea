//! Single-file readers: plain text, markdown and HTML.

use super::decode::{decode_bytes, looks_binary, Decoded, SNIFF_LEN};
use super::html::extract_html;
use super::jsonl::first_line;
use super::outlet::resolve_outlet;
use super::{Document, Format, InputOptions, Item, Skip};
use std::io::Read;
use std::path::{Path, PathBuf};

/// File extensions read inside folders (case-insensitive), and accepted when a file is named directly.
pub const SUPPORTED_EXTENSIONS: &[&str] =
    &["txt", "md", "markdown", "html", "htm", "jsonl", "ndjson"];

/// The input format for a path, by extension (case-insensitive); `None` for unsupported files.
pub fn format_for(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "txt" => Some(Format::Text),
        "md" | "markdown" => Some(Format::Markdown),
        "html" | "htm" => Some(Format::Html),
        "jsonl" | "ndjson" => Some(Format::Jsonl),
        _ => None,
    }
}

/// Where a file came from: the path to open, its document id, and the outlet its folder implies.
#[derive(Debug, Clone)]
pub(crate) struct FileCtx {
    pub path: PathBuf,
    pub id: String,
    pub folder_outlet: Option<String>,
}

impl FileCtx {
    fn skip(&self, reason: impl Into<String>) -> Item {
        Item::Skip(Skip {
            id: self.id.clone(),
            reason: reason.into(),
        })
    }
}

/// Read the whole file, but give up after the first 8 KB when they look binary.
fn read_bytes(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    let mut file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.by_ref()
        .take(SNIFF_LEN as u64)
        .read_to_end(&mut bytes)?;
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    let sample = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&bytes);
    if !utf16 && looks_binary(sample) {
        return Ok(None);
    }
    file.read_to_end(&mut bytes)?;
    Ok(Some(bytes))
}

/// Read one text, markdown or HTML file into a document (or a skip with its reason). Never fails.
pub(crate) fn read_file_document(ctx: &FileCtx, format: Format, opts: &InputOptions) -> Item {
    let bytes = match read_bytes(&ctx.path) {
        Ok(Some(b)) => b,
        Ok(None) => return ctx.skip("binary file"),
        Err(e) => return ctx.skip(format!("cannot read: {e}")),
    };
    let (text, mut warnings) = match decode_bytes(&bytes) {
        Decoded::Text { text, warnings } => (text, warnings),
        Decoded::Empty => return ctx.skip("empty file"),
        Decoded::Binary => return ctx.skip("binary file"),
    };
    drop(bytes);
    match format {
        Format::Html => {
            let x = extract_html(&text);
            warnings.extend(x.warnings);
            if x.text.trim().is_empty() {
                return ctx.skip("no text found in HTML");
            }
            let site: Vec<&str> = x.site_name.as_deref().into_iter().collect();
            let (outlet, outlet_source) = resolve_outlet(
                None,
                opts.outlet.as_deref(),
                ctx.folder_outlet.as_deref(),
                &x.text,
                &site,
                &opts.outlet_rules,
            );
            let first_line_is_headline = x
                .title
                .as_deref()
                .is_some_and(|t| first_line(&x.text) == t.trim());
            Item::Doc(Box::new(Document {
                id: ctx.id.clone(),
                outlet,
                outlet_source,
                title: x.title,
                date: x.date,
                url: x.url,
                byline: x.byline,
                text: x.text,
                format,
                first_line_is_headline,
                warnings,
                path: ctx.path.clone(),
                line: None,
            }))
        }
        _ => {
            let title = headline(&text, format == Format::Markdown);
            let (outlet, outlet_source) = resolve_outlet(
                None,
                opts.outlet.as_deref(),
                ctx.folder_outlet.as_deref(),
                &text,
                &[],
                &opts.outlet_rules,
            );
            Item::Doc(Box::new(Document {
                id: ctx.id.clone(),
                outlet,
                outlet_source,
                title,
                date: None,
                url: None,
                byline: None,
                text,
                format,
                first_line_is_headline: true,
                warnings,
                path: ctx.path.clone(),
                line: None,
            }))
        }
    }
}

/// The first non-blank line, trimmed; for markdown without the ATX `#` markers.
pub(crate) fn headline(text: &str, markdown: bool) -> Option<String> {
    let line = first_line(text);
    let line = if markdown {
        let stripped = line.trim_start_matches('#');
        if stripped.len() < line.len() && (stripped.is_empty() || stripped.starts_with([' ', '\t']))
        {
            let s = stripped.trim();
            // Closing sequence: "# Title ##".
            let without = s.trim_end_matches('#');
            if without.len() < s.len() && (without.is_empty() || without.ends_with([' ', '\t'])) {
                without.trim()
            } else {
                s
            }
        } else {
            line
        }
    } else {
        line
    };
    if line.is_empty() {
        None
    } else {
        Some(line.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_headlines() {
        assert_eq!(
            headline("\n\n# Title here\n\nBody", true).as_deref(),
            Some("Title here")
        );
        assert_eq!(headline("## Title ##\n", true).as_deref(), Some("Title"));
        assert_eq!(
            headline("#hashtag news\n", true).as_deref(),
            Some("#hashtag news")
        );
        assert_eq!(headline("# Title\n", false).as_deref(), Some("# Title"));
        assert_eq!(
            headline("  Plain title  \nbody", false).as_deref(),
            Some("Plain title")
        );
        assert_eq!(headline("#\nx", true), None);
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(format_for(Path::new("a/B.TXT")), Some(Format::Text));
        assert_eq!(format_for(Path::new("a.markdown")), Some(Format::Markdown));
        assert_eq!(format_for(Path::new("a.htm")), Some(Format::Html));
        assert_eq!(format_for(Path::new("a.jsonl")), Some(Format::Jsonl));
        assert_eq!(format_for(Path::new("a.json")), None);
        assert_eq!(format_for(Path::new("README")), None);
    }
}
