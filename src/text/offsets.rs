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
        for (b, c) in text.char_indices() {
            let l = c.len_utf8();
            if l > 1 {
                extra += l - 1;
                // After this char, char offset = byte offset - extra.
                multibyte.push((b + l, extra));
            }
        }
        CharIndex { multibyte, len_bytes: text.len() }
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
