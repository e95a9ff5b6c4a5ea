//! Whole-article analysis with the built-in engine on arbitrary text: never panics, the text model holds
//! its invariants, and every span of the record matches the text in code points (`fuzz/invariants.rs`).
#![no_main]
use libfuzzer_sys::fuzz_target;
use slantscope::analyze::{analyze, Engine};
use slantscope::input::{Document, Format, OutletSource};
use slantscope::lexicon::LexiconSet;
use std::sync::OnceLock;

#[path = "../invariants.rs"]
mod invariants;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        let set = LexiconSet::builtin().expect("built-in lexicons load");
        Engine::new(set).expect("built-in engine compiles")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest).into_owned();
    let doc = Document {
        id: "fuzz".into(),
        outlet: "fuzz".into(),
        outlet_source: OutletSource::Flag,
        title: None,
        date: None,
        url: None,
        byline: None,
        text,
        format: Format::Text,
        first_line_is_headline: flags & 1 == 1,
        warnings: Vec::new(),
        path: "fuzz.txt".into(),
        line: None,
    };
    let rec = analyze(&doc, engine(), false);
    if let Err(e) = invariants::check_record(&doc.text, &rec) {
        panic!("record invariant: {e}");
    }
    serde_json::to_string(&rec).expect("record serializes");
});
