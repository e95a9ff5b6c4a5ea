//! Evaluate attribution extraction on PolNeAR `dev` (or the compartment given as the first argument):
//! `cargo run --release --example polnear_dev [dev|train|annotator-training] [--json]`.
//! The shared datasets folder is `$SLANTSCOPE_SHARED`, else `../shared` next to the crate, else `/work/shared`.
use slantscope::analyze::attribution::{extract, AttributionRules};
use slantscope::eval::polnear::{evaluate, predictions};
use slantscope::text::{build, BuildOptions};
use std::path::PathBuf;

fn shared() -> PathBuf {
    if let Ok(p) = std::env::var("SLANTSCOPE_SHARED") {
        return PathBuf::from(p);
    }
    let local = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if local.exists() {
        return local;
    }
    PathBuf::from("/work/shared")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let split = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| "dev".into());
    let root = shared().join("datasets/polnear");
    let lex = slantscope::lexicon::LexiconSet::builtin()?;
    let rules = AttributionRules::from_lexicons(&lex)?;
    let engine_text_rules = slantscope::analyze::Engine::new(lex.clone())?.text_rules;
    let report = evaluate(&root.join(&split), &root.join("metadata.tsv"), |text| {
        let model = build(
            text,
            &engine_text_rules,
            &BuildOptions {
                first_line_is_headline: true,
            },
        );
        predictions(text, &extract(text, &model, &rules))
    })?;
    if let Some(i) = args.iter().position(|a| a == "--dump") {
        // One JSON line per article: file name and predicted spans (for error analysis).
        let out = args.get(i + 1).ok_or("--dump FILE")?;
        let mut w = String::new();
        for e in std::fs::read_dir(root.join(&split).join("text"))? {
            let p = e?.path();
            let text = std::fs::read_to_string(&p)?;
            let model = build(
                &text,
                &engine_text_rules,
                &BuildOptions {
                    first_line_is_headline: true,
                },
            );
            let preds: Vec<serde_json::Value> = predictions(&text, &extract(&text, &model, &rules))
                .iter()
                .map(|a| serde_json::json!({"kind": a.kind, "source": a.source, "cue": a.cue, "content": a.content}))
                .collect();
            let name = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            w.push_str(&serde_json::json!({"name": name, "preds": preds}).to_string());
            w.push('\n');
        }
        std::fs::write(out, w)?;
    }
    if args.iter().any(|a| a == "--json") {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{report}");
    }
    Ok(())
}
