//! Test helper: locate the shared annotated datasets (never copied into the repository).

use std::path::{Path, PathBuf};

/// `datasets/<rel>` in the shared folder: `$SLANTSCOPE_SHARED`, else `<crate>/../shared`, else `/work/shared`.
/// Missing data fails under `CI=true` and is skipped with a note otherwise.
pub(crate) fn dataset(rel: &str) -> Option<PathBuf> {
    let mut roots = Vec::new();
    if let Some(s) = std::env::var_os("SLANTSCOPE_SHARED") {
        roots.push(PathBuf::from(s));
    }
    roots.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    roots.push(PathBuf::from("/work/shared"));
    let found = roots
        .into_iter()
        .map(|r| r.join("datasets").join(rel))
        .find(|p| p.exists());
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("dataset {rel} is missing: set SLANTSCOPE_SHARED to the shared folder");
        }
        eprintln!("note: dataset {rel} not found; test skipped (set SLANTSCOPE_SHARED)");
    }
    found
}
