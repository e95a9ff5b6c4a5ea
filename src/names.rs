//! Names that the lexicons give the findings (terms, categories, lexicon names, cue lemmas and verb
//! classes, metric names) as `&'static str`, so that each finding of each article refers to its names
//! instead of allocating a copy of every one (about two hundred small allocations per article, freed
//! again once the article is written).
//!
//! A name is leaked once per distinct text for the life of the process: the names come from the lexicons,
//! which a process loads once (or, in tests, a few times over, with mostly the same names), so the memory
//! is bounded by the distinct names of the lexicons loaded.

use std::borrow::Cow;
use std::sync::{Mutex, OnceLock, PoisonError};

/// A name in a record: borrowed from the interned lexicon names when the record is built by the analysis,
/// owned when it is read back from `articles.jsonl` (`merge`, `eval`). Serialized as a plain string.
pub type Name = Cow<'static, str>;

/// The interned copy of `s` (the same `&'static str` for equal texts).
pub fn intern(s: &str) -> &'static str {
    // (FxHash: the loaded lexicons' several thousand terms are interned at start-up.)
    static NAMES: OnceLock<Mutex<rustc_hash::FxHashSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(&n) = names.get(s) {
        return n;
    }
    let n: &'static str = Box::leak(s.to_owned().into_boxed_str());
    names.insert(n);
    n
}

#[cfg(test)]
mod tests {
    use super::intern;

    #[test]
    fn equal_texts_share_one_copy() {
        let a = intern(&String::from("loaded_rate_cat_x"));
        let b = intern(&String::from("loaded_rate_cat_x"));
        assert_eq!(a, "loaded_rate_cat_x");
        assert!(std::ptr::eq(a, b));
        assert_ne!(intern("other"), a);
    }
}
