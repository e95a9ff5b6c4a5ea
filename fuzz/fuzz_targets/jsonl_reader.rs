//! JSONL reader on arbitrary bytes: never panics; every non-blank line yields exactly one item (a document,
//! a skip or — without keep_going — an error that ends the stream); skip ids name `file:line`.
#![no_main]
use libfuzzer_sys::fuzz_target;
use slantscope::input::{read_jsonl, InputOptions, Item};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let opts = InputOptions {
        keep_going: flags & 1 == 1,
        ..InputOptions::default()
    };
    let lines = rest.split(|&b| b == b'\n').count();
    let mut items = 0usize;
    let mut errors = 0usize;
    for item in read_jsonl(std::io::Cursor::new(rest), "fuzz.jsonl", &opts) {
        match item {
            Ok(Item::Doc(d)) => {
                assert!(!d.text.trim().is_empty(), "empty text analyzed");
                assert!(d.line.is_some_and(|l| l >= 1 && l <= lines));
                items += 1;
            }
            Ok(Item::Skip(s)) => {
                assert!(!s.reason.is_empty(), "skip without reason");
                assert!(!s.id.is_empty(), "skip without id");
                items += 1;
            }
            Err(e) => {
                assert!(
                    !opts.keep_going || e.to_string().contains("UTF-16"),
                    "error under keep_going: {e}"
                );
                assert!(
                    e.to_string().starts_with("fuzz.jsonl:"),
                    "error without file:line: {e}"
                );
                errors += 1;
            }
        }
        assert!(errors <= 1);
    }
    assert!(
        items + errors <= lines,
        "{items} items + {errors} errors from {lines} lines"
    );
});
