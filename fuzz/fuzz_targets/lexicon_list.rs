//! Lexicon parser (List format) on arbitrary bytes; the checks are in `fuzz/lexicon_check.rs`.
#![no_main]
use libfuzzer_sys::fuzz_target;
use slantscope::lexicon::Format;

#[path = "../lexicon_check.rs"]
mod lexicon_check;

fuzz_target!(|data: &[u8]| lexicon_check::check(data, "lexicon.txt", Format::List));
