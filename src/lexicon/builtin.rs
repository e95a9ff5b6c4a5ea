//! The default lexicons, compiled into the binary from `lexicons/` (the list is in `builtin/files.rs`).
//! Runs use the copy that `build.rs` parsed at build time ([`parsed`]); `lexicon check` and the tests parse
//! the embedded TOML again ([`load_all`]) to report every diagnostic.

use super::{packed, Format, Lexicon, Loaded};
use std::path::Path;

mod files;
pub use files::FILES;

/// The built-in lexicons as `build.rs` parsed them, in the binary form of [`packed`].
static PACKED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/builtin-lexicons.bin"));

/// The built-in lexicons, decoded from their precompiled form: the same values [`load_all`] parses (a
/// test checks it), without the cost of parsing TOML at every start.
pub fn parsed() -> crate::Result<Vec<Lexicon>> {
    packed::decode(PACKED)
        .ok_or_else(|| crate::Error::Other("the precompiled built-in lexicons are damaged".into()))
}

/// Parses every built-in file; diagnostics name the file as `loaded.toml`, the origin is `builtin:loaded.toml`.
pub fn load_all() -> Vec<Loaded> {
    FILES
        .iter()
        .map(|(name, src)| {
            let format = Format::of_path(Path::new(name)).unwrap_or(Format::Native);
            Lexicon::parse(src.as_bytes(), name, format, &format!("builtin:{name}"))
        })
        .collect()
}
