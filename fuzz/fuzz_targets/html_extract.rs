//! HTML extraction on arbitrary bytes through the real file reader (`read_inputs` on a `.html` file):
//! never panics and yields exactly one item — a document with non-blank text, or a skip with a reason.
#![no_main]
use libfuzzer_sys::fuzz_target;
use slantscope::input::{read_inputs, InputOptions, Item};
use std::path::PathBuf;
use std::sync::OnceLock;

fn path() -> &'static PathBuf {
    static P: OnceLock<PathBuf> = OnceLock::new();
    P.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("slantscope-fuzz-html-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir.join("page.html")
    })
}

fuzz_target!(|data: &[u8]| {
    let p = path();
    std::fs::write(p, data).expect("write temp file");
    let items: Vec<_> = read_inputs(&[p.clone()], &InputOptions::default()).collect();
    assert_eq!(items.len(), 1, "one file gives one item");
    match &items[0] {
        Ok(Item::Doc(d)) => assert!(!d.text.trim().is_empty()),
        Ok(Item::Skip(s)) => assert!(!s.reason.is_empty()),
        Err(e) => panic!("file reader error: {e}"),
    }
});
