//! Byte offset → Unicode code point offset conversion (the data contract counts code points).

/// Maps UTF-8 byte offsets of one text to code point offsets in O(log n) per lookup.
#[derive(Debug, Clone)]
pub struct CharIndex {
    /// Byte offset of every non-ASCII char; ASCII-only texts need no table.
    multibyte: Vec<(usize, usize)>,
    len_bytes: usize,
}

impl CharIndex {
    pub fn new(text: &str) -> Self {
        let mut multibyte = Vec::new();
        let mut extra = 0usize;
        let bytes = text.as_bytes();
        let mut b = 0;
        loop {
            // Skip ASCII eight bytes at a time: news text is almost all ASCII. The first non-ASCII byte of
            // eight is the lowest high bit (little-endian), found without a byte loop and its mispredicted
            // exit.
            // Whole words of eight bytes from `b` (one end test a word, no bounds test of its own),
            // then the last bytes one by one.
            let mut words = bytes.get(b..).unwrap_or_default().chunks_exact(8);
            let mut skip = None;
            for w in words.by_ref() {
                let high = w
                    .first_chunk::<8>()
                    .map_or(0, |w| u64::from_le_bytes(*w) & 0x8080_8080_8080_8080);
                if high != 0 {
                    skip = Some(high.trailing_zeros() as usize / 8);
                    break;
                }
                b += 8;
            }
            let skip = skip.or_else(|| words.remainder().iter().position(|&c| !c.is_ascii()));
            let Some(skip) = skip else {
                break;
            };
            b += skip;
            // `b` starts a multibyte char (ASCII bytes only precede it): its lead byte gives its length.
            let l = match bytes.get(b) {
                Some(0xF0..) => 4,
                Some(0xE0..) => 3,
                _ => 2,
            };
            extra += l - 1;
            // After this char, char offset = byte offset - extra.
            multibyte.push((b + l, extra));
            b += l;
        }
        CharIndex {
            multibyte,
            len_bytes: text.len(),
        }
    }

    /// Code point offset of byte offset `b` (which must lie on a char boundary).
    pub fn char_of(&self, b: usize) -> usize {
        let b = b.min(self.len_bytes);
        // Number of multibyte chars that end at or before b.
        let i = self.multibyte.partition_point(|&(end, _)| end <= b);
        if i == 0 {
            b
        } else {
            b - self.multibyte[i - 1].1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table as `char_indices` gives it, to test the byte scan against.
    fn multibyte_by_chars(text: &str) -> Vec<(usize, usize)> {
        let mut extra = 0;
        let mut out = Vec::new();
        for (b, c) in text.char_indices() {
            let l = c.len_utf8();
            if l > 1 {
                extra += l - 1;
                out.push((b + l, extra));
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn table_matches_char_indices(t in "[a-z .\n’“é\u{a0}\u{1F600}\u{10FFFF}\u{7ff}\u{800}]{0,60}") {
            proptest::prop_assert_eq!(CharIndex::new(&t).multibyte, multibyte_by_chars(&t));
        }

        #[test]
        fn table_matches_char_indices_any(t in proptest::prelude::any::<String>()) {
            proptest::prop_assert_eq!(CharIndex::new(&t).multibyte, multibyte_by_chars(&t));
        }
    }

    #[test]
    fn matches_char_indices() {
        let t = "a’b “c” é\u{1F600}x";
        let idx = CharIndex::new(t);
        for (ci, (b, _)) in t.char_indices().enumerate() {
            assert_eq!(idx.char_of(b), ci);
        }
        assert_eq!(idx.char_of(t.len()), t.chars().count());
    }
}
