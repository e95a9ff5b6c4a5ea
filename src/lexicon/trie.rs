//! A byte trie of the term matcher's surface forms, walked from the positions of a match view where a match
//! may start (see [`super::matcher`]). Terms match at word boundaries, so only word starts and punctuation
//! need a walk, and a walk stops at the first byte no surface continues with: far fewer steps than an
//! overlapping Aho–Corasick scan of every byte, which also has to follow failure links.
//!
//! Layout: the nodes in depth-first order, so that the first child of a node is the next node. Most nodes
//! past the first letters have one child: a step there compares one label byte. A node with more children
//! has a dense row of child ids, one per byte class (the bytes that occur in some key, plus one class for
//! all others): a step there is two table loads. The first two steps, from the root, are one load from a
//! table indexed by both bytes.

/// Value of a node that ends no surface.
const NONE: u32 = u32::MAX;
/// In `Node::next`: the rest is an offset in `Trie::rows`. Otherwise `next` is 0 for a leaf and `label + 1`
/// for a node whose one child (the next node) is reached by `label`.
const ROW: u32 = 1 << 31;

#[derive(Debug, Clone, Copy)]
struct Node {
    /// The surface that ends here, or `NONE`.
    value: u32,
    next: u32,
}

#[derive(Debug, Clone)]
pub struct Trie {
    nodes: Vec<Node>,
    /// The child of the root by each byte (0 = none: the root is nobody's child).
    first: Box<[u32; 256]>,
    /// Byte class of every byte: 0 for bytes in no key.
    class: [u16; 256],
    /// Rows of child ids, one per class (0 = no child).
    rows: Vec<u32>,
    /// The node reached from the root by two bytes, at `b0 << 8 | b1` (0 = none), with the `ALONE` bit
    /// when `b0` alone is a key: every walk takes its first two steps here, most end here, and a start
    /// where no key begins costs one load.
    pairs: Box<[u32; 1 << 16]>,
}

/// In `Trie::pairs`: the first of the two bytes is a key. (Node ids stay below it.)
const ALONE: u32 = 1 << 31;

impl Trie {
    /// The trie of `keys`; key `i` gets value `i`. Empty keys are ignored; of equal keys the last wins.
    /// `None` when it would be too large for 32-bit offsets.
    pub fn new<K: AsRef<[u8]>>(keys: &[K]) -> Option<Self> {
        // Build with child lists, then lay the nodes out depth-first.
        let mut children: Vec<Vec<(u8, u32)>> = vec![Vec::new()];
        let mut values: Vec<u32> = vec![NONE];
        let mut class = [0u16; 256];
        for (i, key) in keys.iter().enumerate() {
            let key = key.as_ref();
            if key.is_empty() {
                continue;
            }
            let mut node = 0usize;
            for &b in key {
                class[b as usize] = 1;
                let next = match children[node].iter().find(|&&(l, _)| l == b) {
                    Some(&(_, c)) => c as usize,
                    None => {
                        let c = children.len();
                        children.push(Vec::new());
                        values.push(NONE);
                        children[node].push((b, c as u32));
                        c
                    }
                };
                node = next;
            }
            values[node] = i as u32;
        }
        let mut classes = 1u16;
        for c in class.iter_mut().filter(|c| **c != 0) {
            *c = classes;
            classes += 1;
        }
        let width = classes as usize;
        let mut order = Vec::with_capacity(children.len());
        let mut stack = vec![0usize];
        while let Some(n) = stack.pop() {
            order.push(n);
            children[n].sort_unstable();
            stack.extend(children[n].iter().rev().map(|&(_, c)| c as usize));
        }
        let mut new_id = vec![0u32; children.len()];
        for (k, &n) in order.iter().enumerate() {
            new_id[n] = k as u32;
        }
        let mut trie = Trie {
            nodes: Vec::with_capacity(order.len()),
            first: Box::new([0; 256]),
            class,
            rows: Vec::new(),
            pairs: vec![0; 1 << 16].into_boxed_slice().try_into().ok()?,
        };
        if order.len() >= ALONE as usize {
            return None;
        }
        for &(l, c) in &children[0] {
            trie.first[l as usize] = new_id[c as usize];
            let row = (l as usize) << 8;
            if values[c as usize] != NONE {
                trie.pairs[row..row + 256].fill(ALONE);
            }
            for &(l1, c1) in &children[c as usize] {
                trie.pairs[row | l1 as usize] |= new_id[c1 as usize];
            }
        }
        for &n in &order {
            let next = match children[n].as_slice() {
                // The root's children are in `first`.
                _ if n == 0 => 0,
                [] => 0,
                &[(l, _)] => l as u32 + 1,
                kids => {
                    let row = trie.rows.len();
                    trie.rows.resize(row + width, 0);
                    for &(l, c) in kids {
                        trie.rows[row + class[l as usize] as usize] = new_id[c as usize];
                    }
                    u32::try_from(row).ok().filter(|&r| r < ROW)? | ROW
                }
            };
            trie.nodes.push(Node {
                value: values[n],
                next,
            });
        }
        Some(trie)
    }

    /// Calls `f(end, value)` for every key that `hay[start..]` begins with, shortest first (`end` is the
    /// offset in `hay` just after the key).
    #[inline(always)]
    pub fn prefixes_at(&self, hay: &[u8], start: usize, mut f: impl FnMut(usize, u32)) {
        let Some(&b) = hay.get(start) else { return };
        // At the end of `hay` only a one-byte key fits (the row of `b` says whether there is one).
        let pair = match hay.get(start + 1) {
            Some(&b1) => self.pairs[(b as usize) << 8 | b1 as usize],
            None => self.pairs[(b as usize) << 8] & ALONE,
        };
        if pair == 0 {
            return;
        }
        // The node after one byte only matters for a one-byte key; `pairs` takes both steps.
        if pair & ALONE != 0 {
            if let Some(n) = self.nodes.get(self.first[b as usize] as usize) {
                f(start + 1, n.value);
            }
            if pair == ALONE {
                return;
            }
        }
        let mut node = (pair & !ALONE) as usize;
        let mut i = start + 2;
        while let Some(n) = self.nodes.get(node) {
            if n.value != NONE {
                f(i, n.value);
            }
            let Some(&b) = hay.get(i) else { return };
            if n.next & ROW != 0 {
                let at = (n.next & !ROW) as usize + self.class[b as usize] as usize;
                match self.rows.get(at) {
                    Some(&c) if c != 0 => node = c as usize,
                    _ => return,
                }
            } else if n.next == b as u32 + 1 {
                node += 1;
            } else {
                return;
            }
            i += 1;
        }
    }

    /// Whether some key starts with byte `b`.
    pub fn has_first_byte(&self, b: u8) -> bool {
        self.first[b as usize] != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The straightforward definition of [`Trie::prefixes_at`].
    fn prefixes_simple(keys: &[String], hay: &[u8], start: usize) -> Vec<(usize, u32)> {
        let mut out: Vec<(usize, u32)> = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            let k = k.as_bytes();
            if !k.is_empty() && hay.get(start..).is_some_and(|h| h.starts_with(k)) {
                let end = start + k.len();
                // Of equal keys the last wins.
                out.retain(|&(e, _)| e != end);
                out.push((end, i as u32));
            }
        }
        out.sort_unstable();
        out
    }

    fn check(keys: &[String], hay: &str) {
        let trie = Trie::new(keys).unwrap();
        for start in 0..=hay.len() {
            let mut got = Vec::new();
            trie.prefixes_at(hay.as_bytes(), start, |e, v| got.push((e, v)));
            assert_eq!(
                got,
                prefixes_simple(keys, hay.as_bytes(), start),
                "{keys:?} {hay:?} {start}"
            );
        }
    }

    #[test]
    fn finds_nested_keys() {
        let keys: Vec<String> = ["a", "ab", "abc", "b", "", "abd", "ab"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        check(&keys, "abcabdxab");
        let trie = Trie::new(&keys).unwrap();
        assert!(trie.has_first_byte(b'a') && !trie.has_first_byte(b'c'));
        assert!(!Trie::new::<&str>(&[]).unwrap().has_first_byte(b'a'));
    }

    #[test]
    fn rows_and_chains() {
        // `first` at the root, rows at "x" and "xa"; chains below "xa\u{e9}" and "y".
        let mut keys: Vec<String> = (b'a'..=b'z').map(|b| (b as char).to_string()).collect();
        keys.extend((b'a'..=b'p').map(|b| format!("x{}", b as char)));
        keys.extend(["xab", "xac", "xa\u{e9}t\u{e9}", "yellow"].map(String::from));
        let trie = Trie::new(&keys).unwrap();
        // Two rows of 29 classes: none, "a"-"z" and the two bytes of "\u{e9}".
        assert_eq!(trie.rows.len(), 2 * 29);
        check(&keys, "xab xa\u{e9}t\u{e9} xq zz yellowy");
    }

    proptest! {
        #[test]
        fn prefixes_equal_simple_prefixes(
            keys in proptest::collection::vec("[abc\u{e9} ]{0,4}|[a-z]{1,2}", 0..60),
            hay in "[abcxyz\u{e9} ]{0,16}",
        ) {
            check(&keys, &hay);
        }
    }
}
