//! A compact binary form of parsed lexicons. `build.rs` parses the built-in TOML files once, at build time,
//! and embeds them in this form; at run time decoding them replaces parsing the TOML, which was most of the
//! start-up of `slantscope score` (see docs/performance.md). Both directions live here so that the format
//! is defined once; `build.rs` compiles this file as well, so it uses no `crate::` paths.
//!
//! Layout, all integers little-endian: the magic [`MAGIC`], a `u32` count of lexicons, then each lexicon's
//! fields in declaration order. A string is a `u32` byte length and its UTF-8 bytes, an `Option` a `0`/`1`
//! byte and then the value, a list or map a `u32` count and its items, an `f64` its bits as a `u64`, a
//! `bool` one byte and a line number a `u64`.

use super::{Category, Entry, Lexicon};
use std::collections::BTreeMap;

/// Marks the format and its version: a blob from another version is refused, not misread.
pub const MAGIC: &[u8] = b"slantscope-lexicons-1\n";

/// The binary form of `lexicons`; `None` when a string or list is longer than a `u32` can count. Only
/// `build.rs` and the tests write blobs.
#[cfg_attr(not(test), allow(dead_code))]
pub fn encode(lexicons: &[Lexicon]) -> Option<Vec<u8>> {
    let mut w = Writer {
        out: MAGIC.to_vec(),
        too_long: false,
    };
    w.len(lexicons.len());
    for l in lexicons {
        for s in [
            &l.name,
            &l.version,
            &l.kind,
            &l.description,
            &l.origin,
            &l.sha256,
        ] {
            w.str(s);
        }
        w.len(l.categories.len());
        for c in &l.categories {
            w.str(&c.id);
            w.str(&c.description);
        }
        w.len(l.entries.len());
        for e in &l.entries {
            w.entry(e);
        }
    }
    (!w.too_long).then_some(w.out)
}

/// The lexicons of a blob written by [`encode`]; `None` when it is not one (wrong magic, cut short,
/// invalid UTF-8 or trailing bytes).
pub fn decode(bytes: &[u8]) -> Option<Vec<Lexicon>> {
    let mut r = Reader(bytes.strip_prefix(MAGIC)?);
    let lexicons = r.list(|r| {
        let mut l = Lexicon {
            name: r.str()?,
            version: r.str()?,
            kind: r.str()?,
            description: r.str()?,
            origin: r.str()?,
            sha256: r.str()?,
            categories: Vec::new(),
            entries: Vec::new(),
        };
        l.categories = r.list(|r| {
            Some(Category {
                id: r.str()?,
                description: r.str()?,
            })
        })?;
        l.entries = r.list(Reader::entry)?;
        Some(l)
    })?;
    r.0.is_empty().then_some(lexicons)
}

#[cfg_attr(not(test), allow(dead_code))]
struct Writer {
    out: Vec<u8>,
    /// A length did not fit in a `u32`: the blob is unusable.
    too_long: bool,
}

impl Writer {
    fn len(&mut self, n: usize) {
        let n = u32::try_from(n).unwrap_or_else(|_| {
            self.too_long = true;
            0
        });
        self.out.extend_from_slice(&n.to_le_bytes());
    }

    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.out.extend_from_slice(s.as_bytes());
    }

    fn opt(&mut self, s: &Option<String>) {
        match s {
            Some(s) => {
                self.out.push(1);
                self.str(s);
            }
            None => self.out.push(0),
        }
    }

    fn strs(&mut self, items: &[String]) {
        self.len(items.len());
        for s in items {
            self.str(s);
        }
    }

    fn entry(&mut self, e: &Entry) {
        self.str(&e.term);
        self.opt(&e.pattern);
        self.str(&e.category);
        self.out
            .extend_from_slice(&e.weight.to_bits().to_le_bytes());
        self.opt(&e.neutral);
        self.opt(&e.note);
        self.out.push(u8::from(e.case_sensitive));
        self.out.push(u8::from(e.inflect));
        self.strs(&e.forms);
        self.strs(&e.except);
        self.str(&e.scope);
        self.opt(&e.group);
        self.len(e.attrs.len());
        for (k, v) in &e.attrs {
            self.str(k);
            self.str(v);
        }
        self.out.extend_from_slice(&(e.line as u64).to_le_bytes());
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }

    fn len(&mut self) -> Option<usize> {
        usize::try_from(u32::from_le_bytes(self.take()?)).ok()
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take()?))
    }

    fn flag(&mut self) -> Option<bool> {
        match self.take::<1>()? {
            [0] => Some(false),
            [1] => Some(true),
            _ => None,
        }
    }

    fn str(&mut self) -> Option<String> {
        let n = self.len()?;
        let (s, rest) = (self.0.get(..n)?, &self.0[n..]);
        self.0 = rest;
        std::str::from_utf8(s).ok().map(str::to_string)
    }

    fn opt(&mut self) -> Option<Option<String>> {
        if self.flag()? {
            self.str().map(Some)
        } else {
            Some(None)
        }
    }

    /// `count` items read by `item`. The capacity is bounded by the bytes left, so a corrupt count cannot
    /// ask for a huge allocation.
    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let n = self.len()?;
        let mut out = Vec::with_capacity(n.min(self.0.len()));
        for _ in 0..n {
            out.push(item(self)?);
        }
        Some(out)
    }

    fn entry(&mut self) -> Option<Entry> {
        Some(Entry {
            term: self.str()?,
            pattern: self.opt()?,
            category: self.str()?,
            weight: f64::from_bits(self.u64()?),
            neutral: self.opt()?,
            note: self.opt()?,
            case_sensitive: self.flag()?,
            inflect: self.flag()?,
            forms: self.list(Self::str)?,
            except: self.list(Self::str)?,
            scope: self.str()?,
            group: self.opt()?,
            attrs: {
                let pairs = self.list(|r| Some((r.str()?, r.str()?)))?;
                pairs.into_iter().collect::<BTreeMap<_, _>>()
            },
            line: usize::try_from(self.u64()?).ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        "[a-zé' *\\\\(?i)\u{2019}-]{0,12}"
    }

    fn entry() -> impl Strategy<Value = Entry> {
        (
            // Weights as the parser accepts them: finite and not negative.
            (text(), proptest::option::of(text()), text(), 0.0f64..1e12),
            (proptest::option::of(text()), proptest::option::of(text())),
            (any::<bool>(), any::<bool>()),
            (
                proptest::collection::vec(text(), 0..3),
                proptest::collection::vec(text(), 0..3),
            ),
            (text(), proptest::option::of(text())),
            (
                proptest::collection::btree_map(text(), text(), 0..3),
                any::<u32>(),
            ),
        )
            .prop_map(
                |(
                    (term, pattern, category, weight),
                    (neutral, note),
                    (cs, inflect),
                    (forms, except),
                    (scope, group),
                    (attrs, line),
                )| Entry {
                    term,
                    pattern,
                    category,
                    weight,
                    neutral,
                    note,
                    case_sensitive: cs,
                    inflect,
                    forms,
                    except,
                    scope,
                    group,
                    attrs,
                    line: line as usize,
                },
            )
    }

    fn lexicon() -> impl Strategy<Value = Lexicon> {
        (
            proptest::collection::vec(text(), 6),
            proptest::collection::vec((text(), text()), 0..3),
            proptest::collection::vec(entry(), 0..6),
        )
            .prop_map(|(head, categories, entries)| Lexicon {
                name: head[0].clone(),
                version: head[1].clone(),
                kind: head[2].clone(),
                description: head[3].clone(),
                origin: head[4].clone(),
                sha256: head[5].clone(),
                categories: categories
                    .into_iter()
                    .map(|(id, description)| Category { id, description })
                    .collect(),
                entries,
            })
    }

    proptest! {
        #[test]
        fn round_trip(lexicons in proptest::collection::vec(lexicon(), 0..4)) {
            let bytes = encode(&lexicons).unwrap();
            let back = decode(&bytes).expect("decodes");
            prop_assert_eq!(&lexicons, &back);
        }

        /// Every cut of a valid blob, and every blob with a byte changed, is refused or decodes without
        /// panicking.
        #[test]
        fn damaged_blobs_do_not_panic(
            lexicons in proptest::collection::vec(lexicon(), 1..3),
            cut in any::<prop::sample::Index>(),
            flip in any::<prop::sample::Index>(),
            byte in any::<u8>(),
        ) {
            let bytes = encode(&lexicons).unwrap();
            let cut_at = cut.index(bytes.len());
            prop_assert!(decode(&bytes[..cut_at]).is_none());
            let mut changed = bytes.clone();
            changed[flip.index(bytes.len())] = byte;
            let _ = decode(&changed);
        }
    }

    #[test]
    fn refuses_other_blobs() {
        assert!(decode(b"").is_none());
        assert!(decode(b"slantscope-lexicons-0\n\0\0\0\0").is_none());
        let mut ok = encode(&[]).unwrap();
        assert_eq!(decode(&ok), Some(Vec::new()));
        ok.push(0);
        assert!(decode(&ok).is_none(), "trailing bytes");
    }
}
