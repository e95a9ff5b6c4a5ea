//! The `score` text view: one article's findings for a person, grouped by whose voice they are in, each
//! with the sentence it came from.

use crate::analyze::{ArticleRecord, Engine, LoadedTerm};
use crate::input::Document;
use crate::text::{self, Voice};
use std::io::{self, Write};

fn metric(rec: &ArticleRecord, name: &str) -> String {
    match rec.metrics.get(name).copied().flatten() {
        Some(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{v:.0}"),
        Some(v) => format!("{v:.2}"),
        None => "n/a".into(),
    }
}

/// Collapse whitespace and shorten long sentences around nothing in particular (keeps the start).
fn clip(s: &str, max: usize) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() <= max {
        one
    } else {
        let cut: String = one.chars().take(max).collect();
        format!("{cut}…")
    }
}

/// Wrap content in quotation marks unless it is a quotation already (a direct quote keeps its own marks).
fn quoted(s: &str) -> String {
    let marks = ['"', '\'', '“', '”', '‘', '’', '«', '»', '„'];
    if s.starts_with(marks) {
        s.to_string()
    } else {
        format!("“{s}”")
    }
}

fn write_terms(
    out: &mut dyn Write,
    terms: &[&LoadedTerm],
    rec: &ArticleRecord,
    sentences: &[String],
) -> io::Result<()> {
    if terms.is_empty() {
        return writeln!(out, "  (none)");
    }
    for t in terms {
        let neutral = t
            .neutral
            .as_deref()
            .map(|n| format!(" → neutral: {n}"))
            .unwrap_or_default();
        let who = t
            .attribution
            .and_then(|i| rec.attributions.get(i))
            .map(|a| format!(" — {}", a.speaker.name))
            .unwrap_or_default();
        writeln!(
            out,
            "  {:<22} {} ×{}{}{}  [{}]",
            format!("\"{}\"", t.text),
            t.category,
            t.weight,
            neutral,
            who,
            t.region.as_str()
        )?;
        if let Some(s) = t.sentence.and_then(|i| sentences.get(i)) {
            writeln!(out, "      {}", clip(s, 160))?;
        }
    }
    Ok(())
}

pub fn write(
    out: &mut dyn Write,
    doc: &Document,
    rec: &ArticleRecord,
    engine: &Engine,
) -> io::Result<()> {
    let opts = text::BuildOptions {
        first_line_is_headline: doc.first_line_is_headline,
    };
    // Built as the analysis built it, with the paragraph gate shared with sourcing: `text::build` would
    // first build the line rules' own gate, which costs more than the rest of this model.
    let model = engine.sourcing.article_gate(&doc.outlet).build_text(
        &doc.text,
        &engine.text_rules,
        &opts,
        &engine.sourcing,
    );
    let sentences: Vec<String> = model
        .sentences
        .iter()
        .map(|s| doc.text.get(s.start..s.end).unwrap_or_default().to_string())
        .collect();

    let title = rec.title.as_deref().unwrap_or("(untitled)");
    writeln!(out, "{title}")?;
    writeln!(out, "{}", "=".repeat(title.chars().count().clamp(10, 100)))?;
    writeln!(
        out,
        "id {} · outlet {} ({}) · {} body words",
        rec.id, rec.outlet, rec.outlet_source, rec.word_count
    )?;
    for w in &rec.warnings {
        writeln!(out, "warning: {w}")?;
    }
    if !rec.excluded.is_empty() {
        writeln!(out, "\nNot body text (kept out of all counts):")?;
        for r in &rec.excluded {
            writeln!(out, "  {:<11} {}", r.region.as_str(), clip(&r.text, 100))?;
        }
    }

    let by_voice = |v: Voice| {
        rec.loaded_terms
            .iter()
            .filter(|t| t.voice == v)
            .collect::<Vec<_>>()
    };
    writeln!(
        out,
        "\nLoaded terms in the outlet's own voice (loaded_rate {} per 1,000 authorial words; headline {}):",
        metric(rec, "loaded_rate"),
        metric(rec, "loaded_rate_headline")
    )?;
    write_terms(out, &by_voice(Voice::Authorial), rec, &sentences)?;
    writeln!(
        out,
        "\nLoaded terms in quotations (the speaker's words, not the outlet's):"
    )?;
    write_terms(out, &by_voice(Voice::Quoted), rec, &sentences)?;
    writeln!(out, "\nLoaded terms in paraphrase (reported speech):")?;
    write_terms(out, &by_voice(Voice::Paraphrased), rec, &sentences)?;

    writeln!(
        out,
        "\nWho speaks, in order ({} attributions, balance {}):",
        rec.attributions.len(),
        metric(rec, "balance")
    )?;
    if rec.attributions.is_empty() {
        writeln!(out, "  (none)")?;
    }
    for (i, a) in rec.attributions.iter().enumerate() {
        writeln!(
            out,
            "  {:>2}. {} [{}{}] {} {} ({}{})",
            i + 1,
            a.speaker.name,
            a.speaker.kind,
            a.speaker
                .side
                .as_deref()
                .map(|s| format!(", side {s}"))
                .unwrap_or_default(),
            a.cue.as_ref().map(|c| c.text.as_str()).unwrap_or("—"),
            quoted(&clip(&a.content.text, 90)),
            a.kind,
            a.verb_class
                .as_deref()
                .map(|c| format!(", {c}"))
                .unwrap_or_default()
        )?;
    }
    for s in &rec.balance.sides {
        writeln!(
            out,
            "  side {:<16} {} attributions ({:.0}%)",
            s.side,
            s.attributions,
            s.share * 100.0
        )?;
    }
    if let Some(f) = &rec.balance.first_voice {
        writeln!(
            out,
            "  first voice: {f} · last word: {}",
            rec.balance.last_word.as_deref().unwrap_or("—")
        )?;
    }

    writeln!(out, "\nQuotations ({}):", rec.quotes.len())?;
    for q in &rec.quotes {
        let who = q
            .attribution
            .and_then(|i| rec.attributions.get(i))
            .map(|a| a.speaker.name.as_str())
            .unwrap_or("unattributed");
        writeln!(
            out,
            "  [{}..{}] {} — {}",
            q.start,
            q.end,
            clip(&q.text, 100),
            who
        )?;
    }

    writeln!(
        out,
        "\nSourcing ({} distinct sources · named {} · anonymous {} · official {} · expert {} · document {} · media {}):",
        metric(rec, "sources_distinct"),
        metric(rec, "sources_named_share"),
        metric(rec, "sources_anonymous_share"),
        metric(rec, "sources_official_share"),
        metric(rec, "sources_expert_share"),
        metric(rec, "sources_document_share"),
        metric(rec, "sources_media_share")
    )?;
    if rec.sources.is_empty() {
        writeln!(out, "  (none)")?;
    }
    for s in &rec.sources {
        let class = s
            .role_class
            .as_deref()
            .or(s.document_class.as_deref())
            .or(s.anonymity.as_deref())
            .unwrap_or("—");
        let mut flags: Vec<&str> = Vec::new();
        flags.push(if s.named { "named" } else { "unnamed" });
        if s.anonymous {
            flags.push("anonymous");
        }
        if s.official {
            flags.push("official");
        }
        if s.own_outlet {
            flags.push("own outlet");
        }
        writeln!(
            out,
            "  {:<32} {:<12} {:<19} {:<16} {:>2} attribution(s) · {}",
            clip(&s.name, 32),
            s.kind,
            class,
            s.side.as_deref().unwrap_or("—"),
            s.attributions,
            flags.join(", ")
        )?;
    }
    if !rec.credits.is_empty() {
        let list: Vec<String> = rec
            .credits
            .iter()
            .map(|c| format!("{} ({})", c.name, c.kind))
            .collect();
        writeln!(out, "  credits (not sources): {}", list.join(", "))?;
    }
    if !rec.self_references.is_empty() {
        let list: Vec<String> = rec
            .self_references
            .iter()
            .map(|s| format!("“{}”", clip(&s.text, 60)))
            .collect();
        writeln!(out, "  outlet self-references: {}", list.join(", "))?;
    }
    writeln!(
        out,
        "  attributed sentences {} · unsourced loaded sentences {} · hedges per 1,000 words {}",
        metric(rec, "attributed_sentence_share"),
        metric(rec, "unsourced_loaded"),
        metric(rec, "hedge_rate")
    )?;
    for s in &rec.unsourced_loaded {
        writeln!(out, "      {}", clip(&s.text, 160))?;
    }
    Ok(())
}
