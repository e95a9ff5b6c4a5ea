//! Print the attributions slantscope finds in a text file: `cargo run --example attribution_demo FILE`.
use slantscope::analyze::attribution::{extract, AttributionRules};
use slantscope::text::{build, BuildOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: attribution_demo FILE")?;
    let text = std::fs::read_to_string(&path)?;
    let lex = slantscope::lexicon::LexiconSet::builtin()?;
    let rules = AttributionRules::from_lexicons(&lex)?;
    let text_rules = slantscope::analyze::Engine::new(lex.clone())?.text_rules;
    let model = build(
        &text,
        &text_rules,
        &BuildOptions {
            first_line_is_headline: true,
        },
    );
    let s = |sp: Option<slantscope::analyze::attribution::ByteSpan>| {
        sp.map(|b| text.get(b.start..b.end).unwrap_or("").to_string())
            .unwrap_or_default()
    };
    for (i, a) in extract(&text, &model, &rules).iter().enumerate() {
        println!(
            "#{i} {} [{}] cue={:?} ({:?}) src={:?}\n   -> {} / {} / side={:?} / from={} / role={:?} cont={:?}\n   content: {}",
            a.kind,
            a.verb_class.unwrap_or_default(),
            s(a.cue),
            a.cue_lemma,
            s(a.source),
            a.speaker.name,
            a.speaker.kind,
            a.speaker.side,
            a.speaker.resolved_from,
            a.speaker.role,
            a.continues,
            s(Some(a.content))
        );
    }
    Ok(())
}
