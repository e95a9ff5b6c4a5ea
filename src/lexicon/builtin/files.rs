// The built-in lexicon files, in load order: (file name, content). `build.rs` compiles this file too (to
// precompile them), so it holds nothing but the list. Add a file to `lexicons/` and list it here.
pub const FILES: &[(&str, &str)] = &[
    ("loaded.toml", include_str!("../../../lexicons/loaded.toml")),
    (
        "abbreviations.toml",
        include_str!("../../../lexicons/abbreviations.toml"),
    ),
    (
        "boilerplate.toml",
        include_str!("../../../lexicons/boilerplate.toml"),
    ),
    (
        "outlets.toml",
        include_str!("../../../lexicons/outlets.toml"),
    ),
    ("cues.toml", include_str!("../../../lexicons/cues.toml")),
    (
        "entities.toml",
        include_str!("../../../lexicons/entities.toml"),
    ),
    (
        "sources.toml",
        include_str!("../../../lexicons/sources.toml"),
    ),
];
