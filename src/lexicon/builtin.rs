//! The default lexicons, compiled into the binary from `lexicons/`. Add a file there and list it here.

use super::{Format, Lexicon, Loaded};
use std::path::Path;

/// (file name, content) of every built-in lexicon, in load order.
pub const FILES: &[(&str, &str)] = &[
    ("loaded.toml", include_str!("../../lexicons/loaded.toml")),
    (
        "abbreviations.toml",
        include_str!("../../lexicons/abbreviations.toml"),
    ),
    (
        "boilerplate.toml",
        include_str!("../../lexicons/boilerplate.toml"),
    ),
    ("outlets.toml", include_str!("../../lexicons/outlets.toml")),
    ("cues.toml", include_str!("../../lexicons/cues.toml")),
    (
        "entities.toml",
        include_str!("../../lexicons/entities.toml"),
    ),
    ("sources.toml", include_str!("../../lexicons/sources.toml")),
];

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
