//! Text model on arbitrary text: segmentation, quotations and voice must hold their invariants
//! (`fuzz/invariants.rs`) and never panic. The first byte picks the build options.
#![no_main]
use libfuzzer_sys::fuzz_target;
use slantscope::analyze::Engine;
use slantscope::lexicon::LexiconSet;
use slantscope::text::{build, BuildOptions};
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
    let text = String::from_utf8_lossy(rest);
    let opts = BuildOptions {
        first_line_is_headline: flags & 1 == 1,
    };
    let mut model = build(&text, &engine().text_rules, &opts);
    if let Err(e) = invariants::check_model(&text, &model) {
        panic!("text model invariant: {e}");
    }
    // Paraphrase a span chosen from the input (snapped to char boundaries) and re-check the voice map.
    if !text.is_empty() {
        let mut a = (flags as usize * 7) % (text.len() + 1);
        let mut b = a + (flags as usize * 13) % (text.len() + 1 - a);
        while !text.is_char_boundary(a) {
            a -= 1;
        }
        while !text.is_char_boundary(b) {
            b -= 1;
        }
        let before = model.clone();
        model.set_paraphrased(a, b.max(a));
        if let Err(e) = invariants::check_paraphrased(&text, &before, &model) {
            panic!("set_paraphrased({a}, {b}): {e}");
        }
    }
});
