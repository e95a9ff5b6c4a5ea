//! A list of strings stored one after the other in a single `String`, with their end offsets: two
//! allocations for the whole list instead of one per string. Used for the per-article keyness words
//! ([`crate::analyze::WordCounts`]) and the run's keyness vocabulary, where millions of short words would
//! otherwise each be a separate heap block.

/// Strings packed back to back; string `i` is `text[ends[i - 1]..ends[i]]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct StrList {
    text: String,
    ends: Vec<usize>,
}

impl StrList {
    /// Room for `strings` strings of `bytes` bytes in all.
    pub fn with_capacity(strings: usize, bytes: usize) -> Self {
        StrList {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(strings),
        }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Append `s`; it gets index `len()` before the call.
    pub fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len());
    }

    /// String `i` ("" if there is none).
    pub fn get(&self, i: usize) -> &str {
        let start = i
            .checked_sub(1)
            .and_then(|prev| self.ends.get(prev).copied())
            .unwrap_or(0);
        let end = self.ends.get(i).copied().unwrap_or(start);
        self.text.get(start..end).unwrap_or_default()
    }

    /// Whether string `i` is `s` (false if there is no string `i`). Compares the bytes, without the
    /// char-boundary checks of slicing the `String`: this is the equality test of the hash-table lookups
    /// that count words, run once per word.
    pub fn is(&self, i: usize, s: &str) -> bool {
        let start = match i.checked_sub(1) {
            Some(prev) => match self.ends.get(prev) {
                Some(&e) => e,
                None => return false,
            },
            None => 0,
        };
        match self.ends.get(i) {
            Some(&end) => self.text.as_bytes().get(start..end) == Some(s.as_bytes()),
            None => false,
        }
    }

    /// The strings in the order they were pushed.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let s = self.text.get(start..end).unwrap_or_default();
            start = end;
            s
        })
    }
}

#[cfg(test)]
mod tests {
    use super::StrList;
    use proptest::prelude::*;

    #[test]
    fn empty_list_and_out_of_range() {
        let l = StrList::default();
        assert_eq!(l.len(), 0);
        assert_eq!(l.iter().count(), 0);
        assert_eq!(l.get(0), "");
    }

    proptest! {
        /// `get` and `iter` give back exactly what was pushed, including empty and non-ASCII strings.
        #[test]
        fn round_trips(strings in proptest::collection::vec("[a-zé’ ]{0,6}", 0..20)) {
            let mut l = StrList::with_capacity(2, 4);
            for s in &strings {
                l.push(s);
            }
            prop_assert_eq!(l.len(), strings.len());
            let got: Vec<&str> = l.iter().collect();
            prop_assert_eq!(&got, &strings);
            for (i, s) in strings.iter().enumerate() {
                prop_assert_eq!(l.get(i), s.as_str());
                for (j, t) in strings.iter().enumerate() {
                    prop_assert_eq!(l.is(i, t), s == t, "{} {}", i, j);
                }
            }
            prop_assert!(!l.is(strings.len(), ""));
            prop_assert_eq!(l.get(strings.len()), "");
        }
    }
}
