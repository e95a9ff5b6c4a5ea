//! TEMPORARY stub of the matcher API (replaced by the lexicon engine branch).
use super::Entry;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermHit {
    pub start: usize,
    pub end: usize,
    pub entry: usize,
}

#[derive(Debug, Default)]
pub struct TermMatcher {}

impl TermMatcher {
    pub fn build(_entries: &[&Entry]) -> crate::Result<Self> {
        Ok(TermMatcher {})
    }
    pub fn find_all(&self, _text: &str) -> Vec<TermHit> {
        Vec::new()
    }
    pub fn is_empty(&self) -> bool {
        true
    }
}
