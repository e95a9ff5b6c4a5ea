//! A byte trie of the term matcher's surface forms, walked from the positions of a match view where a match
//! may start (see [`super::matcher`]). Terms match at word boundaries, so only word starts and punctuation
//! need a walk, and a walk stops at the first byte no surface continues with: far fewer steps than an
//! overlapping Aho–Corasick scan of every byte, which also has to follow failure links.
//!
//! Layout: a double array. Every node is a slot; the child of node `n` by byte `b` is slot
//! `base(n) + class(b)` if that slot's `check` names `n` as its parent (bytes are mapped to classes first:
//! the bytes that occur in some key, plus class 0 for all others, which no child uses). A step is then the
//! same two loads and one compare at every node, with no branch on the shape of the node (which a
//! walk cannot predict), and the slots are dense: the children of a node share a few cache lines. Slots
//! are given out in depth-first order, so a chain of one-child nodes (most nodes past the first letters)
//! lies in consecutive slots. The first two steps, from the root, are one load from a table indexed by both
//! bytes.

/// Value of a node that ends no surface.
const NONE: u32 = u32::MAX;
/// `check` of a free slot (no node has it as parent id).
const FREE: u32 = u32::MAX;
/// Slot 0 is no node, so that 0 can mean "no node" in `Trie::first` and `Trie::pairs`; the root is slot 1.
const ROOT: u32 = 1;

/// In `Slot::base`: a surface ends at this node (its value is in `Trie::values`). Bases stay below it.
const VALUE: u32 = 1 << 31;

/// Eight bytes, so that a walk's steps touch fewer cache lines; the values, which few nodes have, are
/// apart.
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// Where the children of this node begin (their slots are `base + class`), with the `VALUE` bit.
    base: u32,
    /// The parent of the node in this slot, or `FREE`.
    check: u32,
}

const EMPTY: Slot = Slot {
    base: 0,
    check: FREE,
};

#[derive(Debug, Clone)]
pub struct Trie {
    slots: Vec<Slot>,
    /// The surface that ends at each slot's node, or `NONE`.
    values: Vec<u32>,
    /// The child of the root by each byte (0 = none).
    first: Box<[u32; 256]>,
    /// Byte class of every byte: 0 for bytes in no key.
    class: [u32; 256],
    /// The node reached from the root by two bytes, at `b0 << 8 | b1` (0 = none), with the `ALONE` bit
    /// when `b0` alone is a key: every walk takes its first two steps here, most end here, and a start
    /// where no key begins costs one load.
    pairs: Box<[u32; 1 << 16]>,
}

/// In `Trie::pairs`: the first of the two bytes is a key. (Slot ids stay below it.)
const ALONE: u32 = 1 << 31;

impl Trie {
    /// The trie of `keys`; key `i` gets value `i`. Empty keys are ignored; of equal keys the last wins.
    /// `None` when it would be too large for 32-bit offsets.
    pub fn new<K: AsRef<[u8]>>(keys: &[K]) -> Option<Self> {
        // Build with child lists, then place the nodes in the double array.
        let bytes: usize = keys.iter().map(|k| k.as_ref().len()).sum();
        let mut nodes = Nodes::with_capacity(bytes + 1);
        let mut class = [0u32; 256];
        for (i, key) in keys.iter().enumerate() {
            let key = key.as_ref();
            if key.is_empty() {
                continue;
            }
            let mut node = 0usize;
            for &b in key {
                class[b as usize] = 1;
                node = nodes.child(node, b)?;
            }
            nodes.values[node] = i as u32;
        }
        let values = &nodes.values;
        let mut classes = 1u32;
        for c in class.iter_mut().filter(|c| **c != 0) {
            *c = classes;
            classes += 1;
        }
        let slot_of = place(&nodes, &class)?;
        let len = slot_of.iter().max().map_or(0, |&m| m as usize + 1);
        // Room for `base + class` of every node, so that a step never reads past the end.
        let mut slots = vec![EMPTY; len + classes as usize];
        if slots.len() >= ALONE as usize {
            return None;
        }
        let mut trie = Trie {
            slots: Vec::new(),
            values: vec![NONE; slots.len()],
            first: Box::new([0; 256]),
            class,
            pairs: vec![0; 1 << 16].into_boxed_slice().try_into().ok()?,
        };
        for (n, &value) in values.iter().enumerate() {
            let at = slot_of[n] as usize;
            trie.values[at] = value;
            if value != NONE {
                slots[at].base |= VALUE;
            }
            for (l, c) in nodes.kids(n) {
                let child = slot_of[c as usize];
                slots[at].base = (child - class[l as usize]) | (slots[at].base & VALUE);
                slots[child as usize].check = at as u32;
            }
        }
        for (l, c) in nodes.kids(0) {
            trie.first[l as usize] = slot_of[c as usize];
            let row = (l as usize) << 8;
            if values[c as usize] != NONE {
                trie.pairs[row..row + 256].fill(ALONE);
            }
            for (l1, c1) in nodes.kids(c as usize) {
                trie.pairs[row | l1 as usize] |= slot_of[c1 as usize];
            }
        }
        trie.slots = slots;
        Some(trie)
    }

    /// Calls `f(end, value)` for every key that `hay[start..]` begins with, shortest first (`end` is the
    /// offset in `hay` just after the key).
    #[inline(always)]
    pub fn prefixes_at(&self, hay: &[u8], start: usize, mut f: impl FnMut(usize, u32)) {
        // Both bytes with one bounds check (`start` comes from a u32, so `start + 2` cannot overflow); at
        // the end of `hay` only a one-byte key fits (the row of `b` says whether there is one).
        let (b, pair) = match hay.get(start..start.saturating_add(2)) {
            Some(&[b, b1]) => (b, self.pairs[(b as usize) << 8 | b1 as usize]),
            _ => match hay.get(start) {
                Some(&b) => (b, self.pairs[(b as usize) << 8] & ALONE),
                None => return,
            },
        };
        if pair == 0 {
            return;
        }
        // The node after one byte only matters for a one-byte key; `pairs` takes both steps.
        if pair & ALONE != 0 {
            if let Some(&v) = self.values.get(self.first[b as usize] as usize) {
                f(start + 1, v);
            }
            if pair == ALONE {
                return;
            }
        }
        let mut node = pair & !ALONE;
        let mut i = start + 2;
        while let Some(n) = self.slots.get(node as usize) {
            if n.base & VALUE != 0 {
                f(i, self.values.get(node as usize).copied().unwrap_or(NONE));
            }
            let Some(&b) = hay.get(i) else { return };
            let child = (n.base & !VALUE) + self.class[b as usize];
            match self.slots.get(child as usize) {
                Some(c) if c.check == node => node = child,
                _ => return,
            }
            i += 1;
        }
    }

    /// Whether some key starts with byte `b`.
    pub fn has_first_byte(&self, b: u8) -> bool {
        self.first[b as usize] != 0
    }
}

/// The trie while it is built: nodes in the order they were made (0 is the root), each node's children a
/// chain of siblings, so that building takes a few allocations in all rather than one or more per node
/// (thousands at start-up).
struct Nodes {
    /// The byte that leads to each node from its parent.
    byte: Vec<u8>,
    /// The first child of each node, 0 for none (the root is no child).
    first: Vec<u32>,
    /// The next sibling of each node, 0 for none.
    next: Vec<u32>,
    /// The value of each node, or `NONE`.
    values: Vec<u32>,
    /// The children of the root by byte (0 = none): most keys share their first byte with others.
    root: [u32; 256],
}

impl Nodes {
    /// Room for `n` nodes; the root is made.
    fn with_capacity(n: usize) -> Self {
        let mut nodes = Nodes {
            byte: Vec::with_capacity(n),
            first: Vec::with_capacity(n),
            next: Vec::with_capacity(n),
            values: Vec::with_capacity(n),
            root: [0; 256],
        };
        let _root = nodes.push(0, 0);
        nodes
    }

    fn len(&self) -> usize {
        self.byte.len()
    }

    /// A new node reached by `b`, with `next` as its next sibling.
    #[inline]
    fn push(&mut self, b: u8, next: u32) -> Option<u32> {
        let id = u32::try_from(self.len()).ok()?;
        self.byte.push(b);
        self.first.push(0);
        self.next.push(next);
        self.values.push(NONE);
        Some(id)
    }

    /// The child of `node` by `b`, made if there is none. `None` past `u32::MAX` nodes.
    fn child(&mut self, node: usize, b: u8) -> Option<usize> {
        if node == 0 {
            let c = self.root[b as usize];
            if c != 0 {
                return Some(c as usize);
            }
            let c = self.push(b, self.first[0])?;
            self.first[0] = c;
            self.root[b as usize] = c;
            return Some(c as usize);
        }
        let mut c = self.first[node];
        while c != 0 {
            if self.byte[c as usize] == b {
                return Some(c as usize);
            }
            c = self.next[c as usize];
        }
        let c = self.push(b, self.first[node])?;
        self.first[node] = c;
        Some(c as usize)
    }

    /// The children of `node` as `(byte, node)`, in no particular order.
    fn kids(&self, node: usize) -> impl Iterator<Item = (u8, u32)> + '_ {
        let mut c = self.first.get(node).copied().unwrap_or(0);
        std::iter::from_fn(move || {
            if c == 0 {
                return None;
            }
            let k = c;
            c = self.next.get(k as usize).copied().unwrap_or(0);
            Some((self.byte.get(k as usize).copied().unwrap_or(0), k))
        })
    }
}

/// Nodes up to this depth have their children placed breadth first ([`place`]).
const BREADTH_FIRST: usize = 3;

/// Slots for the nodes of a trie (node 0 is the root), so that the children of every node lie at one
/// base plus their classes, all at distinct slots: the root at `ROOT`, then the children of each node,
/// each group at the first base where all its slots are free. The nodes down to depth
/// `BREADTH_FIRST + 1` come first, breadth first: every walk starts at a node of depth 2 (`Trie::pairs`
/// takes the first two steps) and most end within two more, so those steps read one dense band of
/// slots rather than lines spread over the whole array (fewer L1 misses; depth 3 and 5 measured
/// worse). Deeper nodes follow depth first (children by byte), so that a chain of one-child nodes
/// lies in consecutive slots. `None` when the slots would not fit in 31 bits.
fn place(nodes: &Nodes, class: &[u32; 256]) -> Option<Vec<u32>> {
    let mut slot_of = vec![0u32; nodes.len()];
    slot_of[0] = ROOT;
    // Slot 0 is no node's, the root's is taken.
    let mut used = vec![true, true];
    // All slots below are taken.
    let mut low = 2usize;
    // Nodes whose children are to be placed: breadth first with their depth, then depth first.
    let mut queue = std::collections::VecDeque::from([(0usize, 0usize)]);
    let mut stack = Vec::new();
    let mut kids_classes = Vec::new();
    let mut kids = Vec::new();
    while let Some((n, depth)) = queue
        .pop_front()
        .or_else(|| stack.pop().map(|n| (n, usize::MAX)))
    {
        kids.clear();
        for kid in nodes.kids(n) {
            kids.push(kid);
        }
        if kids.is_empty() {
            continue;
        }
        kids.sort_unstable();
        kids_classes.clear();
        for &(l, _) in &kids {
            kids_classes.push(class[l as usize] as usize);
        }
        let c0 = kids_classes[0];
        while used.get(low).copied().unwrap_or(false) {
            low += 1;
        }
        // The first child's slot runs over the free slots from `low` on (and at least its class, as the
        // base cannot be negative).
        let mut at = low.max(c0);
        let base = loop {
            let base = at - c0;
            if kids_classes
                .iter()
                .all(|&c| !used.get(base + c).copied().unwrap_or(false))
            {
                break base;
            }
            at += 1;
        };
        let top = base + kids_classes.last().copied().unwrap_or(0);
        if top >= ALONE as usize {
            return None;
        }
        if used.len() <= top {
            used.resize(top + 1, false);
        }
        for (&(_, c), &k) in kids.iter().zip(&kids_classes) {
            used[base + k] = true;
            slot_of[c as usize] = (base + k) as u32;
        }
        if depth < BREADTH_FIRST {
            queue.extend(kids.iter().map(|&(_, c)| (c as usize, depth + 1)));
        } else {
            stack.extend(kids.iter().rev().map(|&(_, c)| c as usize));
        }
    }
    Some(slot_of)
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
    fn wide_nodes_and_chains() {
        // Many children at the root, "x" and "xa"; chains below "xa\u{e9}" and "y".
        let mut keys: Vec<String> = (b'a'..=b'z').map(|b| (b as char).to_string()).collect();
        keys.extend((b'a'..=b'p').map(|b| format!("x{}", b as char)));
        keys.extend(["xab", "xac", "xa\u{e9}t\u{e9}", "yellow"].map(String::from));
        check(&keys, "xab xa\u{e9}t\u{e9} xq zz yellowy");
        let trie = Trie::new(&keys).unwrap();
        // Every node but the root has a slot whose `check` names its parent.
        let taken = trie.slots.iter().filter(|s| s.check != FREE).count();
        let nodes = 1 + 26 + 16 + 2 + 5 + 5;
        assert_eq!(taken + 1, nodes);
        // The chain "ellow" lies in consecutive slots below the band placed breadth first (a node's
        // first child there is placed after the band).
        let mut node = trie.first[b'y' as usize];
        for (depth, &b) in (2..).zip(b"ellow") {
            let next = (trie.slots[node as usize].base & !VALUE) + trie.class[b as usize];
            assert_eq!(trie.slots[next as usize].check, node);
            if depth > BREADTH_FIRST + 2 {
                assert_eq!(next, node + 1);
            }
            node = next;
        }
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
