//! Precompiles the built-in lexicons. Parsing the ~0.5 MB of TOML in `lexicons/` was two thirds of the
//! instructions of `slantscope score` on one article; this script parses it once, with the crate's own
//! parser (its source files are compiled into the script), and writes the parsed lexicons to
//! `$OUT_DIR/builtin-lexicons.bin` in the binary form of `src/lexicon/packed.rs`, which the binary embeds
//! and decodes at start-up. An error in a built-in lexicon fails the build with its `file:line:col`.

// The script uses only the parsing half of these files.
#[allow(dead_code)]
#[path = "src/lexicon/diag.rs"]
mod diag;
#[path = "src/lexicon/builtin/files.rs"]
mod files;
#[allow(dead_code)]
#[path = "src/lexicon/model.rs"]
mod model;
#[path = "src/lexicon/native.rs"]
mod native;
#[allow(dead_code)]
#[path = "src/lexicon/normalize.rs"]
mod normalize;
#[allow(dead_code)]
#[path = "src/lexicon/packed.rs"]
mod packed;

use diag::{Diagnostic, Severity};
use model::{Category, Entry, Lexicon, KINDS};

/// The native parser checks regex syntax only for users' lexicons (the built-ins' patterns are compiled by
/// a test), so the script needs no regex engine.
mod pattern {
    pub fn check_syntax(_: &str) -> Result<(), std::convert::Infallible> {
        Ok(())
    }
}

fn main() {
    for path in [
        "lexicons",
        "src/lexicon/diag.rs",
        "src/lexicon/builtin/files.rs",
        "src/lexicon/model.rs",
        "src/lexicon/native.rs",
        "src/lexicon/normalize.rs",
        "src/lexicon/packed.rs",
    ] {
        println!("cargo:rerun-if-changed={path}");
    }
    let mut lexicons = Vec::new();
    let mut errors = Vec::new();
    for (name, src) in files::FILES {
        // As `Lexicon::parse` does for a built-in: a BOM is skipped, the hash covers the file's bytes.
        let text = src.strip_prefix('\u{feff}').unwrap_or(src);
        let (lexicon, diagnostics) = native::parse(text, name, false);
        errors.extend(
            diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .map(Diagnostic::to_string),
        );
        if let Some(mut l) = lexicon {
            l.set_source(&format!("builtin:{name}"), src.as_bytes());
            lexicons.push(l);
        }
    }
    if !errors.is_empty() {
        panic!(
            "errors in the built-in lexicons (lexicons/):\n{}",
            errors.join("\n")
        );
    }
    let out = std::path::Path::new(&std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("builtin-lexicons.bin");
    let blob = packed::encode(&lexicons).expect("a built-in lexicon too large for the packed form");
    std::fs::write(&out, blob).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
