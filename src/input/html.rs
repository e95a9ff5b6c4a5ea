//! HTML extraction: main text, title, byline and date through `dom_smoothie` (a Readability port), with a
//! simple tag-stripping fallback for pages Readability cannot handle (fragments without content, tiny
//! pages, or nesting so deep that the tree algorithms would be slow or exhaust the stack).

use dom_smoothie::{Config, Readability, TextMode};

/// Nesting depth (approximate, see [`approx_max_depth`]) above which Readability is not attempted.
/// Readability's cost grows quadratically with depth (10,000 levels take ~16 s) and very deep trees
/// overflow small thread stacks; real articles rarely nest beyond ~100.
pub(crate) const MAX_READABILITY_DEPTH: usize = 400;

/// What was extracted from one HTML page.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct HtmlExtract {
    pub title: Option<String>,
    pub byline: Option<String>,
    pub date: Option<String>,
    pub url: Option<String>,
    pub site_name: Option<String>,
    /// Paragraphs separated by blank lines.
    pub text: String,
    pub warnings: Vec<String>,
}

/// Extract the article from an HTML page. Never panics; falls back to tag stripping (with a warning).
pub(crate) fn extract_html(html: &str) -> HtmlExtract {
    let depth = approx_max_depth(html);
    if depth > MAX_READABILITY_DEPTH {
        let mut out = strip_tags(html);
        out.warnings.push(format!(
            "HTML nested too deeply (depth over {MAX_READABILITY_DEPTH}); text extracted by simple tag stripping"
        ));
        return out;
    }
    let cfg = Config {
        text_mode: TextMode::Formatted,
        ..Default::default()
    };
    // A safety net: malformed input must never take the run down, even through a bug in a dependency.
    let parsed = std::panic::catch_unwind(|| {
        Readability::new(html, None, Some(cfg)).and_then(|mut r| r.parse())
    });
    let Ok(parsed) = parsed else {
        let mut out = strip_tags(html);
        out.warnings.push(
            "readability crashed on this page; text extracted by simple tag stripping".into(),
        );
        return out;
    };
    match parsed {
        Ok(article) => {
            let text = tidy_paragraphs(&article.text_content);
            if text.trim().is_empty() {
                let mut out = strip_tags(html);
                out.warnings.push(
                    "readability found no article text; text extracted by simple tag stripping"
                        .into(),
                );
                return out;
            }
            // Readability falls back to the first <h1>/<title> itself; keep its cleaned title when present.
            let title = non_empty(article.title).or_else(|| strip_tags(html).title);
            let mut byline = article.byline.and_then(non_empty);
            let text = drop_byline_paragraph(text, &mut byline);
            HtmlExtract {
                title,
                byline,
                date: article.published_time.and_then(non_empty),
                url: article.url.and_then(non_empty),
                site_name: article.site_name.and_then(non_empty),
                text,
                warnings: Vec::new(),
            }
        }
        Err(e) => {
            let mut out = strip_tags(html);
            out.warnings.push(format!(
                "readability failed ({e}); text extracted by simple tag stripping"
            ));
            out
        }
    }
}

fn non_empty(s: String) -> Option<String> {
    let t = s.trim();
    if t.is_empty() {
        None
    } else if t.len() == s.len() {
        Some(s)
    } else {
        Some(t.to_owned())
    }
}

/// Readability keeps a "By Jane Doe" paragraph when the byline also comes from metadata. Drop a first
/// paragraph that is only the byline ("By …" on one short line, or the byline itself), taking the name
/// as byline when none was found.
fn drop_byline_paragraph(text: String, byline: &mut Option<String>) -> String {
    let (first, rest) = match text.split_once("\n\n") {
        Some((first, rest)) => (first.trim(), rest),
        None => return text,
    };
    if first.contains('\n') || first.chars().count() > 100 {
        return text;
    }
    let named = first
        .get(..3)
        .filter(|p| p.eq_ignore_ascii_case("by "))
        .map(|_| first[3..].trim());
    let is_byline = match (named, byline.as_deref()) {
        (Some(name), _) if !name.is_empty() => {
            if byline.is_none() {
                *byline = Some(name.to_owned());
            }
            true
        }
        (_, Some(b)) => first.eq_ignore_ascii_case(b.trim()),
        _ => false,
    };
    if is_byline {
        rest.to_owned()
    } else {
        text
    }
}

/// Trim each line, collapse runs of blank lines to one, trim the whole text: paragraphs separated by
/// exactly one blank line, single newlines kept inside a block (e.g. list items, `<br>`).
pub(crate) fn tidy_paragraphs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_pending = false;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            blank_pending = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if blank_pending {
                out.push('\n');
            }
        }
        blank_pending = false;
        out.push_str(line);
    }
    out
}

const VOID_TAGS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];
/// Elements whose end tag is optional: not counted, since unclosed ones would inflate the estimate.
const OPTIONAL_END_TAGS: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "thead", "tbody", "colgroup",
];
/// Elements whose content is not HTML markup.
const RAW_TEXT_TAGS: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "noscript", "template",
];

/// One tag found by the scanner.
struct Tag<'a> {
    name: String,
    closing: bool,
    self_closing: bool,
    attrs: &'a str,
}

/// Scan `html` from `pos` (at a `<`): returns the tag and the position after it, or `None` for a `<` that
/// does not start a tag. Comments, doctypes and processing instructions return a tag named `!`.
fn scan_tag(html: &str, pos: usize) -> Option<(Tag<'_>, usize)> {
    let rest = &html[pos..];
    if let Some(comment) = rest.strip_prefix("<!--") {
        let end = comment.find("-->").map_or(html.len(), |i| pos + 4 + i + 3);
        return Some((
            Tag {
                name: "!".into(),
                closing: false,
                self_closing: true,
                attrs: "",
            },
            end,
        ));
    }
    if rest.starts_with("<!") || rest.starts_with("<?") {
        let end = rest.find('>').map_or(html.len(), |i| pos + i + 1);
        return Some((
            Tag {
                name: "!".into(),
                closing: false,
                self_closing: true,
                attrs: "",
            },
            end,
        ));
    }
    let (closing, name_start) = if rest.starts_with("</") {
        (true, 2)
    } else {
        (false, 1)
    };
    let after = &rest[name_start..];
    let name_len = after
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':'))
        .unwrap_or(after.len());
    if name_len == 0 || !after.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let name = after[..name_len].to_ascii_lowercase();
    // Find the closing '>' outside quoted attribute values.
    let attr_start = pos + name_start + name_len;
    let mut quote: Option<u8> = None;
    let mut end = html.len();
    for (i, &b) in html.as_bytes()[attr_start..].iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => {
                end = attr_start + i + 1;
                break;
            }
            None => {}
        }
    }
    let inner_end = if end <= html.len() && html[..end].ends_with('>') {
        end - 1
    } else {
        end
    };
    let attrs = &html[attr_start..inner_end.max(attr_start)];
    let self_closing = attrs.trim_end().ends_with('/');
    Some((
        Tag {
            name,
            closing,
            self_closing,
            attrs,
        },
        end,
    ))
}

/// Position after the end tag `</name` (case-insensitive) starting the search at `from`.
fn skip_raw_text(html: &str, from: usize, name: &str) -> usize {
    let needle = format!("</{name}");
    let hay = &html.as_bytes()[from..];
    let found = hay
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()));
    match found {
        Some(i) => {
            let start = from + i;
            html[start..]
                .find('>')
                .map_or(html.len(), |j| start + j + 1)
        }
        None => html.len(),
    }
}

/// A cheap estimate of the maximum element nesting depth, without building a tree.
pub(crate) fn approx_max_depth(html: &str) -> usize {
    let mut depth = 0usize;
    let mut max = 0usize;
    let mut pos = 0usize;
    while let Some(i) = html[pos..].find('<') {
        let at = pos + i;
        let Some((tag, next)) = scan_tag(html, at) else {
            pos = at + 1;
            continue;
        };
        pos = next;
        if tag.name == "!"
            || VOID_TAGS.contains(&tag.name.as_str())
            || OPTIONAL_END_TAGS.contains(&tag.name.as_str())
        {
            continue;
        }
        if tag.closing {
            depth = depth.saturating_sub(1);
        } else if !tag.self_closing {
            if RAW_TEXT_TAGS.contains(&tag.name.as_str()) {
                pos = skip_raw_text(html, pos, &tag.name);
                continue;
            }
            depth += 1;
            max = max.max(depth);
        }
    }
    max
}

/// Elements that end a paragraph in the fallback extractor.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tr",
    "ul",
    "br",
];
/// Elements whose content the fallback extractor drops.
const DROP_TAGS: &[&str] = &[
    "script", "style", "noscript", "template", "head", "svg", "iframe", "nav",
];

/// The fallback extractor: strip tags, drop scripts/styles/navigation, one paragraph per block element.
/// The title is `<title>`, else the first `<h1>`; the byline comes from `<meta name="author">`.
pub(crate) fn strip_tags(html: &str) -> HtmlExtract {
    let mut out = HtmlExtract::default();
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut h1: Option<String> = None;
    let mut in_h1 = false;
    let mut h1_text = String::new();
    let mut pos = 0usize;
    let flush = |current: &mut String, paragraphs: &mut Vec<String>| {
        let p = current.split_whitespace().collect::<Vec<_>>().join(" ");
        if !p.is_empty() {
            paragraphs.push(p);
        }
        current.clear();
    };
    while pos < html.len() {
        let Some(i) = html[pos..].find('<') else {
            let t = decode_entities(&html[pos..]);
            current.push_str(&t);
            break;
        };
        let at = pos + i;
        let text = decode_entities(&html[pos..at]);
        current.push_str(&text);
        if in_h1 {
            h1_text.push_str(&text);
        }
        let Some((tag, next)) = scan_tag(html, at) else {
            current.push('<');
            pos = at + 1;
            continue;
        };
        pos = next;
        let name = tag.name.as_str();
        if name == "!" {
            continue;
        }
        if !tag.closing && name == "title" {
            let end = skip_raw_text(html, pos, "title");
            let inner = html[pos..end]
                .rfind("</")
                .map_or(&html[pos..end], |j| &html[pos..pos + j]);
            if out.title.is_none() {
                out.title = non_empty(
                    decode_entities(inner)
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                );
            }
            pos = end;
            continue;
        }
        if !tag.closing && name == "meta" {
            if let Some(author) = meta_content(tag.attrs, "author") {
                out.byline.get_or_insert(author);
            }
            if let Some(date) = meta_content(tag.attrs, "article:published_time") {
                out.date.get_or_insert(date);
            }
            continue;
        }
        if !tag.closing && DROP_TAGS.contains(&name) && !tag.self_closing {
            // `head` may hold <title>/<meta>: scan it instead of dropping it.
            if name != "head" {
                pos = skip_raw_text(html, pos, name);
            }
            continue;
        }
        if name == "h1" {
            if tag.closing {
                if in_h1 && h1.is_none() {
                    h1 = non_empty(h1_text.split_whitespace().collect::<Vec<_>>().join(" "));
                }
                in_h1 = false;
            } else {
                in_h1 = true;
                h1_text.clear();
            }
        }
        if BLOCK_TAGS.contains(&name) {
            flush(&mut current, &mut paragraphs);
        } else if !current.ends_with(char::is_whitespace) && matches!(name, "td" | "th") {
            current.push(' ');
        }
    }
    flush(&mut current, &mut paragraphs);
    out.text = paragraphs.join("\n\n");
    if out.title.is_none() {
        out.title = h1;
    }
    out
}

/// `content` of a `<meta name|property="key" content="...">` tag, given the tag's attribute text.
fn meta_content(attrs: &str, key: &str) -> Option<String> {
    let lower = attrs.to_ascii_lowercase();
    let names = [
        format!("name=\"{key}\""),
        format!("property=\"{key}\""),
        format!("name='{key}'"),
        format!("property='{key}'"),
    ];
    if !names.iter().any(|n| lower.contains(n.as_str())) {
        return None;
    }
    let i = lower.find("content=")?;
    let rest = &attrs[i + "content=".len()..];
    let quote = rest.chars().next()?;
    let value = if quote == '"' || quote == '\'' {
        let inner = &rest[1..];
        &inner[..inner.find(quote).unwrap_or(inner.len())]
    } else {
        &rest[..rest.find(char::is_whitespace).unwrap_or(rest.len())]
    };
    non_empty(decode_entities(value))
}

/// Decode the common named entities and all numeric ones; unknown entities are left as written.
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..]
            .find(|c: char| c == ';' || c == '&' || c.is_whitespace())
            .map(|j| j + 1);
        let decoded = match end {
            Some(j) if rest[j..].starts_with(';') => entity(&rest[1..j]).map(|c| (c, j + 1)),
            _ => None,
        };
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        return Some(
            char::from_u32(code)
                .filter(|&c| c != '\0')
                .unwrap_or(char::REPLACEMENT_CHARACTER),
        );
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{A0}',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "copy" => '©',
        "eacute" => 'é',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html>
<html><head><title>Port strike enters second week | Test Gazette</title>
<meta name="author" content="Ada Brennik">
<meta property="article:published_time" content="2026-03-04T10:00:00Z">
<script>var x = "<p>not text</p>";</script></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Port strike enters second week</h1>
<p>Dock workers in the fictional port of Saltmere stayed off the job for an eighth day on Tuesday, the union said,
as talks with the port authority stalled over pay, overtime and the length of night shifts.</p>
<p>&ldquo;We are not going back until the contract is signed,&rdquo; said union steward Tomas Vell. The port
authority said in a statement that it had offered a four percent raise and a review of the shift rota.</p>
<p>Shipping agents said about forty vessels were waiting offshore, and that perishable cargo was being diverted
to smaller harbours along the coast at considerable extra cost to importers.</p>
</article>
<footer>&copy; 2026 Test Gazette. Share this article.</footer></body></html>"#;

    #[test]
    fn readability_extracts_title_byline_date_and_paragraphs() {
        let x = extract_html(PAGE);
        assert!(x.warnings.is_empty(), "{:?}", x.warnings);
        assert_eq!(x.title.as_deref(), Some("Port strike enters second week"));
        assert_eq!(x.byline.as_deref(), Some("Ada Brennik"));
        assert_eq!(x.date.as_deref(), Some("2026-03-04T10:00:00Z"));
        let paras: Vec<&str> = x.text.split("\n\n").collect();
        assert!(paras.len() >= 3, "{:?}", x.text);
        assert!(x.text.contains(
            "“We are not going back until the contract is signed,” said union steward Tomas Vell."
        ));
        assert!(!x.text.contains("Home"), "navigation leaked: {}", x.text);
        assert!(!x.text.contains("not text"));
        assert!(!x.text.contains("\n\n\n"));
    }

    #[test]
    fn fragment_without_body_still_gives_text() {
        let x = extract_html("<p>Hello world.</p><p>Second paragraph.</p>");
        assert_eq!(x.text, "Hello world.\n\nSecond paragraph.");
        assert_eq!(x.title, None);
    }

    #[test]
    fn plain_text_and_empty_html() {
        assert_eq!(
            extract_html("just text, no tags").text,
            "just text, no tags"
        );
        let x = extract_html("<html><head><title>T</title></head><body></body></html>");
        assert_eq!(x.text, "");
        assert_eq!(x.title.as_deref(), Some("T"));
    }

    #[test]
    fn deep_nesting_falls_back_quickly() {
        let html = format!(
            "<html><body>{}deep text{}</body></html>",
            "<div>".repeat(10_000),
            "</div>".repeat(10_000)
        );
        assert!(approx_max_depth(&html) >= 10_000);
        let start = std::time::Instant::now();
        let x = extract_html(&html);
        assert_eq!(x.text, "deep text");
        assert!(x.warnings[0].contains("nested too deeply"));
        assert!(start.elapsed().as_secs() < 5);
        // Unclosed <p> and void elements do not count as nesting.
        let flat = format!("<body>{}</body>", "<p>x<br><img src=a>".repeat(5_000));
        assert!(approx_max_depth(&flat) <= 2);
    }

    #[test]
    fn strip_tags_fallback() {
        let x = strip_tags(PAGE);
        assert_eq!(
            x.title.as_deref(),
            Some("Port strike enters second week | Test Gazette")
        );
        assert_eq!(x.byline.as_deref(), Some("Ada Brennik"));
        assert_eq!(x.date.as_deref(), Some("2026-03-04T10:00:00Z"));
        assert!(
            x.text
                .starts_with("Port strike enters second week\n\nDock workers"),
            "{}",
            x.text
        );
        assert!(!x.text.contains("Home"));
        assert!(!x.text.contains("var x"));
        assert!(x.text.contains("“We are not going back"));
    }

    #[test]
    fn strip_tags_is_robust() {
        for html in [
            "<",
            "<<>>",
            "<p",
            "<!--",
            "<!-- x",
            "</",
            "<a href='>",
            "&",
            "&#xZZ;",
            "&#0;",
            "a < b & c > d",
            "<title>x",
            "<script>",
            "é<b>ü</b>",
        ] {
            let _ = strip_tags(html);
            let _ = extract_html(html);
            let _ = approx_max_depth(html);
        }
        assert_eq!(strip_tags("a < b").text, "a < b");
        assert_eq!(
            decode_entities("&amp;&lt;&#8220;x&#x201D;&unknown; & z"),
            "&<“x”&unknown; & z"
        );
    }

    #[test]
    fn byline_paragraph_is_dropped() {
        let mut b = None;
        assert_eq!(
            drop_byline_paragraph("By Ann Lee\n\nBody.".into(), &mut b),
            "Body."
        );
        assert_eq!(b.as_deref(), Some("Ann Lee"));
        let mut b = Some("Ann Lee".to_string());
        assert_eq!(
            drop_byline_paragraph("ANN LEE\n\nBody.".into(), &mut b),
            "Body."
        );
        assert_eq!(
            drop_byline_paragraph("Byzantine politics\n\nBody.".into(), &mut b),
            "Byzantine politics\n\nBody."
        );
        assert_eq!(
            drop_byline_paragraph("By itself".into(), &mut b),
            "By itself"
        );
        assert_eq!(drop_byline_paragraph("Bé\n\nx".into(), &mut b), "Bé\n\nx");
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_arbitrary_markup(s in "(<[a-z/!]{0,3}[^<>]{0,8}>?|&[a-z#0-9]{0,5};?|[^<&]{0,10}){0,40}") {
            let x = extract_html(&s);
            proptest::prop_assert!(!x.text.contains("\n\n\n"));
            let _ = approx_max_depth(&s);
        }
    }

    #[test]
    fn tidy_collapses_blank_lines() {
        assert_eq!(tidy_paragraphs("  a \n\n\n  b\nc\n\n"), "a\n\nb\nc");
    }
}
