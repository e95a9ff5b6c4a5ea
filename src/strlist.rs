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

    /// Append `s` with its ASCII capitals lower-cased (what [`StrList::is_ascii_lower`] compares with).
    pub fn push_ascii_lower(&mut self, s: &str) {
        let start = self.text.len();
        self.text.push_str(s);
        if let Some(t) = self.text.get_mut(start..) {
            t.make_ascii_lowercase();
        }
        self.ends.push(self.text.len());
    }

    /// Whether string `i` is `s` with its ASCII capitals lower-cased (false if there is no string `i`),
    /// without making the lower-cased copy: the look-up of a capitalized word among counted words.
    #[inline]
    pub fn is_ascii_lower(&self, i: usize, s: &str) -> bool {
        self.bytes(i).is_some_and(|t| same_lower(t, s.as_bytes()))
    }

    /// The bytes of string `i`, without the char-boundary checks of slicing the `String`.
    #[inline(always)]
    fn bytes(&self, i: usize) -> Option<&[u8]> {
        let start = match i.checked_sub(1) {
            Some(prev) => *self.ends.get(prev)?,
            None => 0,
        };
        self.text.as_bytes().get(start..*self.ends.get(i)?)
    }

    /// Whether string `i` is `s` (false if there is no string `i`). Compares the bytes, without the
    /// char-boundary checks of slicing the `String`: this is the equality test of the hash-table lookups
    /// that count words, run once per word.
    #[inline]
    pub fn is(&self, i: usize, s: &str) -> bool {
        let start = match i.checked_sub(1) {
            Some(prev) => match self.ends.get(prev) {
                Some(&e) => e,
                None => return false,
            },
            None => 0,
        };
        match self.ends.get(i) {
            Some(&end) => self
                .text
                .as_bytes()
                .get(start..end)
                .is_some_and(|t| same_bytes(t, s.as_bytes())),
            None => false,
        }
    }

    /// The strings in the order they were pushed.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        // Each string is split off the front of the rest: one char-boundary check per string, not two.
        let mut rest = self.text.as_str();
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let (s, after) = rest
                .split_at_checked(end.saturating_sub(start))
                .unwrap_or((rest, ""));
            rest = after;
            start = end;
            s
        })
    }
}

/// `a == b`, without a `memcmp` call for strings of up to 16 bytes (nearly every word counted): two
/// overlapping reads of 1, 4 or 8 bytes from each end cover every byte of such a string, so comparing
/// the reads compares the strings. (The call, with its length dispatch, was ~45 instructions per
/// comparison, once per word counted in a worker and once per word added to the run's counts.)
#[inline(always)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |c: &[u8; 8]| u64::from_le_bytes(*c);
    let half = |c: &[u8; 4]| u32::from_le_bytes(*c);
    match n {
        0 => return true,
        1..=3 => {
            if let (Some(a0), Some(b0)) = (a.first(), b.first()) {
                return (a0 ^ b0) | (a[n / 2] ^ b[n / 2]) | (a[n - 1] ^ b[n - 1]) == 0;
            }
        }
        4..=7 => {
            let heads = (a.first_chunk::<4>(), b.first_chunk::<4>());
            let tails = (a.last_chunk::<4>(), b.last_chunk::<4>());
            if let ((Some(a0), Some(b0)), (Some(a1), Some(b1))) = (heads, tails) {
                return (half(a0) ^ half(b0)) | (half(a1) ^ half(b1)) == 0;
            }
        }
        8..=16 => {
            let heads = (a.first_chunk::<8>(), b.first_chunk::<8>());
            let tails = (a.last_chunk::<8>(), b.last_chunk::<8>());
            if let ((Some(a0), Some(b0)), (Some(a1), Some(b1))) = (heads, tails) {
                return (word(a0) ^ word(b0)) | (word(a1) ^ word(b1)) == 0;
            }
        }
        _ => {}
    }
    a == b
}

/// `x` with the ASCII capitals among its bytes lower-cased: the high bit of each capital, moved to bit 5,
/// adds 0x20 (range tests on the low seven bits, so no carry crosses into the next byte; a byte with its
/// high bit set is no capital).
#[inline(always)]
fn lower_word(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let y = x & !HIGH;
    let capital = (y + 0x3F * ONES) & !(y + 0x25 * ONES) & !x & HIGH;
    x | capital >> 2
}

/// `a == b.to_ascii_lowercase()`, read as [`same_bytes`] reads (two overlapping reads for strings of up
/// to 16 bytes), with the reads of `b` lower-cased.
#[inline(always)]
fn same_lower(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |c: &[u8; 8]| u64::from_le_bytes(*c);
    let half = |c: &[u8; 4]| u64::from(u32::from_le_bytes(*c));
    match n {
        0 => return true,
        1..=3 => {
            if let (Some(a0), Some(b0)) = (a.first(), b.first()) {
                let low = u8::to_ascii_lowercase;
                return (a0 ^ low(b0)) | (a[n / 2] ^ low(&b[n / 2])) | (a[n - 1] ^ low(&b[n - 1]))
                    == 0;
            }
        }
        4..=7 => {
            let heads = (a.first_chunk::<4>(), b.first_chunk::<4>());
            let tails = (a.last_chunk::<4>(), b.last_chunk::<4>());
            if let ((Some(a0), Some(b0)), (Some(a1), Some(b1))) = (heads, tails) {
                return (half(a0) ^ lower_word(half(b0))) | (half(a1) ^ lower_word(half(b1))) == 0;
            }
        }
        8..=16 => {
            let heads = (a.first_chunk::<8>(), b.first_chunk::<8>());
            let tails = (a.last_chunk::<8>(), b.last_chunk::<8>());
            if let ((Some(a0), Some(b0)), (Some(a1), Some(b1))) = (heads, tails) {
                return (word(a0) ^ lower_word(word(b0))) | (word(a1) ^ lower_word(word(b1))) == 0;
            }
        }
        _ => {}
    }
    a.iter().zip(b).all(|(x, y)| *x == y.to_ascii_lowercase())
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
        /// `same_bytes` is `==`: equal strings of every length up to 40, and the same with one byte
        /// changed at any position, or one byte longer.
        #[test]
        fn same_bytes_is_equality(
            a in proptest::collection::vec(any::<u8>(), 0..40),
            at in any::<usize>(),
            flip in 1u8..=255,
        ) {
            prop_assert!(super::same_bytes(&a, &a.clone()));
            if !a.is_empty() {
                let mut b = a.clone();
                let i = at % a.len();
                b[i] ^= flip;
                prop_assert!(!super::same_bytes(&a, &b));
                prop_assert!(!super::same_bytes(&b, &a));
            }
            let mut longer = a.clone();
            longer.push(flip);
            prop_assert!(!super::same_bytes(&a, &longer));
            prop_assert!(!super::same_bytes(&longer, &a));
        }

        /// `same_lower` is `a == b.to_ascii_lowercase()`: for `a` the lower-cased `b` (equal), the same
        /// with one byte changed at any position, `b` itself, and one byte longer; every length up to 40
        /// and every byte value.
        #[test]
        fn same_lower_is_lowercase_equality(
            b in proptest::collection::vec(
                prop_oneof![any::<u8>(), 0x3fu8..0x5d, 0x5fu8..0x7d],
                0..40,
            ),
            at in any::<usize>(),
            flip in 1u8..=255,
        ) {
            let low = b.to_ascii_lowercase();
            prop_assert!(super::same_lower(&low, &b));
            prop_assert_eq!(super::same_lower(&b, &b), b == low);
            if !b.is_empty() {
                let mut a = low.clone();
                a[at % b.len()] ^= flip;
                prop_assert!(!super::same_lower(&a, &b));
                let mut c = b.clone();
                c[at % b.len()] ^= flip;
                prop_assert_eq!(super::same_lower(&low, &c), low == c.to_ascii_lowercase());
            }
            let mut longer = low.clone();
            longer.push(flip);
            prop_assert!(!super::same_lower(&longer, &b));
            prop_assert!(!super::same_lower(&low, &longer));
        }

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
            // Pushed lower-cased, the strings compare equal to themselves with their capitals.
            let mut low = StrList::default();
            for s in &strings {
                low.push_ascii_lower(&s.to_ascii_uppercase());
            }
            for (i, s) in strings.iter().enumerate() {
                prop_assert_eq!(low.get(i), s.to_ascii_lowercase());
                for t in &strings {
                    prop_assert_eq!(low.is_ascii_lower(i, &t.to_ascii_uppercase()), s.eq_ignore_ascii_case(t));
                }
            }
            prop_assert!(!low.is_ascii_lower(strings.len(), ""));
            prop_assert_eq!(l.get(strings.len()), "");
        }
    }
}
