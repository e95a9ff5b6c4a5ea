//! Compiling the `cues` and `entities` lexicons (and an optional sides file) into lookup tables.

use super::scan::{tokenize_owned, Tok};
use super::sides::Sides;
use crate::lexicon::{Entry, Lexicon, LexiconSet};
use std::hash::{BuildHasherDefault, Hasher};

/// FxHash (the rustc hasher): the word tables are looked up for every token, and SipHash's resistance to
/// hash flooding is not needed for keys that come from our own lexicons. Lookups only: no iteration order
/// depends on the hasher.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

const FX_K: u64 = 0x517c_c1b7_2722_0a95;

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(FX_K);
    }
}

impl Hasher for FxHasher {
    /// Eight bytes at a time; a shorter tail is read as one zero-padded word (words are mostly short).
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let tail = chunks.remainder();
        if !tail.is_empty() {
            let mut w = [0u8; 8];
            w[..tail.len()].copy_from_slice(tail);
            self.add(u64::from_le_bytes(w));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FastHash = BuildHasherDefault<FxHasher>;
pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, FastHash>;

/// What a cue entry says about a reporting verb or phrase.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct CueInfo {
    /// Interned ([`crate::names`]): every attribution with this cue names its lemma and class.
    pub lemma: &'static str,
    pub class: &'static str,
    pub category: String,
    pub frame: String,
    /// `frame` lists `noun` / `to` / `object` / `naming`.
    pub frame_noun: bool,
    pub frame_to: bool,
    pub frame_object: bool,
    pub frame_naming: bool,
    /// `frame` contains the text "noun" anywhere.
    pub mentions_noun: bool,
}

impl CueInfo {
    pub fn new(lemma: String, class: String, category: String, frame: String) -> Self {
        let has = |w: &str| frame.split(',').any(|f| f.trim() == w);
        CueInfo {
            frame_noun: has("noun"),
            frame_to: has("to"),
            frame_object: has("object"),
            frame_naming: has("naming"),
            mentions_noun: frame.contains("noun"),
            lemma: crate::names::intern(&lemma),
            class: crate::names::intern(&class),
            category,
            frame,
        }
    }
}

/// No id: the empty slot of a table under construction, and tokens made up by tests. (A word no lexicon
/// uses gets [`Vocab::unknown`].)
pub(crate) const NO_ID: u32 = u32::MAX;

/// Flags of the function-word classes a vocabulary word belongs to (`AttributionRules::is`).
pub(crate) mod w {
    pub const AUXILIARY: u32 = 1;
    pub const BOUNDARY: u32 = 1 << 1;
    pub const DETERMINER: u32 = 1 << 2;
    pub const DEFINITE: u32 = 1 << 3;
    pub const PASSIVE_AUX: u32 = 1 << 4;
    pub const COMPLEMENTIZER: u32 = 1 << 5;
    pub const CLAUSE_OPENER: u32 = 1 << 6;
    pub const CONTENT_END: u32 = 1 << 7;
    pub const COORDINATOR: u32 = 1 << 8;
    pub const AGENT_PREPOSITION: u32 = 1 << 9;
    pub const RELATIVE_PRONOUN: u32 = 1 << 10;
    pub const FREE_RELATIVE: u32 = 1 << 11;
    pub const APPOSITION_OPENER: u32 = 1 << 12;
    pub const DOCUMENT_PREPOSITION: u32 = 1 << 13;
    pub const EVIDENCE_NOUN: u32 = 1 << 14;
    pub const NAME_PREPOSITION: u32 = 1 << 15;
    pub const TIME_MODIFIER: u32 = 1 << 16;
    pub const GERUND_PREPOSITION: u32 = 1 << 17;
    pub const ABSOLUTE_PREPOSITION: u32 = 1 << 18;
    pub const POST_HEAD_ADJECTIVE: u32 = 1 << 19;
    pub const RATIO_PREPOSITION: u32 = 1 << 20;
    pub const NUMBER_WORD: u32 = 1 << 21;
    pub const QUANTITY_MODIFIER: u32 = 1 << 22;
    /// Not a lexicon class: the word starts a cue or phrase cue (so that the cue search skips every other
    /// word with one test).
    pub const CUE_HEAD: u32 = 1 << 23;
    /// Not a lexicon class: the word starts an entity (so that the entity scan skips every other word with
    /// the same flag test as the cue search).
    pub const ENTITY_HEAD: u32 = 1 << 24;
    /// Not a lexicon class: the word ends a time word or phrase (so that the time-word test of any other
    /// word needs no phrase lookup).
    pub const TIME_LAST: u32 = 1 << 25;
}

/// Every normalized word the lexicons use, interned: tokens carry the id of their `norm`, so phrase and
/// word-class lookups compare integers.
#[derive(Debug, Default)]
pub(crate) struct Vocab {
    ids: HashMap<String, u32>,
    flags: Vec<u32>,
    /// Words of up to 15 bytes, packed into a `u128` (bytes, then the length in the top byte), in an
    /// open-addressing table of a power-of-two size (empty slots are [`Short::EMPTY`]); built by `seal`.
    /// Looking a token up is then one multiply, one load and one test.
    short: Vec<Short>,
    /// The ids of the 128 one-byte ASCII strings (punctuation tokens, one-letter words); built by `seal`.
    ascii: Vec<u32>,
}

/// A slot of [`Vocab`]'s table of short words.
#[derive(Debug, Clone, Copy)]
struct Short {
    key: u128,
    /// All ones in a slot that holds a word, 0 in an empty one: a lookup ends where
    /// `(key ^ wanted) & full` is 0 (the word, or an empty slot whose `id` is [`Vocab::unknown`]), one test for
    /// both ends rather than two branches, one of which (word or no word) follows the text.
    full: u64,
    id: u32,
}

impl Short {
    const EMPTY: Short = Short {
        key: 0,
        full: 0,
        id: NO_ID,
    };
}

/// `s` packed into a `u128` when it is at most 15 bytes long (never 0): its bytes in little-endian order,
/// zero-padded, with the length in the top byte. Built from two overlapping loads rather than a copy of
/// variable length (which costs a call to `memcpy` per token). Always inlined: the tokenizer calls it for
/// nearly every token.
#[inline(always)]
fn pack(s: &str) -> Option<u128> {
    let b = s.as_bytes();
    let n = b.len();
    let le64 = |at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[at..at + 8]);
        u64::from_le_bytes(w)
    };
    let le32 = |at: usize| {
        let mut w = [0u8; 4];
        w.copy_from_slice(&b[at..at + 4]);
        u64::from(u32::from_le_bytes(w))
    };
    let bytes = match n {
        0 | 16.. => return None,
        // Bytes 8.. are the top of the last eight, shifted down (none when n == 8).
        8..=15 => {
            let high = le64(n - 8).checked_shr(8 * (16 - n as u32)).unwrap_or(0);
            u128::from(le64(0)) | (u128::from(high) << 64)
        }
        // The first four and the last four bytes overlap on the same values.
        4..=7 => u128::from(le32(0) | (le32(n - 4) << (8 * (n - 4)))),
        // (In 64-bit arithmetic: shifts of a `u128` cost several instructions each.)
        _ => u128::from(
            u64::from(b[0])
                | (u64::from(b[n / 2]) << (8 * (n / 2)))
                | (u64::from(b[n - 1]) << (8 * (n - 1))),
        ),
    };
    Some(bytes | ((n as u128) << 120))
}

/// The masks that keep the first `n` bytes of a 16-byte little-endian load.
static LEN_MASK: [u128; 16] = {
    let mut t = [0u128; 16];
    let mut n = 0;
    while n < 16 {
        t[n] = (1u128 << (8 * n)) - 1;
        n += 1;
    }
    t
};

/// `pack(&text[at..at + n])` for `n` in 1..=15 when 16 bytes from `at` are in `text`: one load of 16
/// bytes and a mask, with no branch on the length (words of 1–3, 4–7 and 8–15 bytes follow each other
/// in no predictable order). `None` otherwise (the caller then uses [`pack`]).
#[inline(always)]
fn pack_at(text: &[u8], at: usize, n: usize) -> Option<u128> {
    let last = text.len().checked_sub(16)?;
    if at > last || n.wrapping_sub(1) >= 15 {
        return None;
    }
    let w: [u8; 16] = text[at..at + 16].try_into().ok()?;
    Some((u128::from_le_bytes(w) & LEN_MASK[n]) | ((n as u128) << 120))
}

#[inline]
fn slot_of(key: u128, mask: usize) -> usize {
    let h = ((key as u64) ^ ((key >> 64) as u64).rotate_left(29)).wrapping_mul(FX_K);
    (h >> 32) as usize & mask
}

impl Vocab {
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        self.short.clear();
        self.ascii.clear();
        // (Drop the entry of the unknown word that `seal` adds.)
        self.flags.truncate(self.ids.len());
        let i = u32::try_from(self.flags.len()).unwrap_or(NO_ID - 1);
        self.ids.insert(s.to_string(), i);
        self.flags.push(0);
        i
    }

    /// The id of every word no lexicon uses: the one after the last word's. A sealed vocabulary has a
    /// `flags` entry (0) for it, and [`PhraseTable::cover`] gives the phrase tables' arrays one, so that
    /// a token's lookups there are in range whether its word is known or not: a bounds check that failed
    /// for most tokens (an id of `u32::MAX`) was a branch that followed the text and mispredicted.
    pub fn unknown(&self) -> u32 {
        u32::try_from(self.ids.len()).unwrap_or(NO_ID)
    }

    /// Inlined into the tokenizer (always: otherwise it is not); the hash map (long words, or before
    /// `seal`) stays out of line.
    #[inline(always)]
    pub fn id(&self, s: &str) -> u32 {
        if !self.short.is_empty() {
            if let Some(key) = pack(s) {
                return self.probe(key);
            }
        }
        self.id_in_map(s)
    }

    /// `self.id(&text[at..at + n])` (a range of `text` on char boundaries): for the tokenizer, which
    /// knows where its words are in the lower-cased text.
    #[inline(always)]
    pub fn id_at(&self, text: &str, at: usize, n: usize) -> u32 {
        if !self.short.is_empty() {
            if let Some(key) = pack_at(text.as_bytes(), at, n) {
                return self.probe(key);
            }
        }
        self.id(text.get(at..at + n).unwrap_or(""))
    }

    /// The id of the word whose [`pack`]ed key is `key` (the vocabulary is sealed).
    #[inline(always)]
    fn probe(&self, key: u128) -> u32 {
        let mask = self.short.len() - 1;
        let mut i = slot_of(key, mask);
        loop {
            let e = self.short[i];
            let diff = e.key ^ key;
            // (`full` comes from memory: the compiler cannot split the test into "empty?" and "equal?".)
            if ((diff as u64) | ((diff >> 64) as u64)) & e.full == 0 {
                return e.id;
            }
            i = (i + 1) & mask;
        }
    }

    /// `self.id(s)` for a one-byte ASCII string `s`.
    #[inline(always)]
    pub fn ascii_id(&self, s: &str) -> u32 {
        match s.as_bytes() {
            [b] => match self.ascii.get(usize::from(*b)) {
                Some(&id) => id,
                None => self.id(s),
            },
            _ => self.id(s),
        }
    }

    #[inline(never)]
    fn id_in_map(&self, s: &str) -> u32 {
        self.ids.get(s).copied().unwrap_or_else(|| self.unknown())
    }

    /// Build the table of short words (call once every word is interned; `intern` afterwards empties it).
    pub fn seal(&mut self) {
        let n = self.ids.keys().filter(|k| pack(k).is_some()).count();
        // At most a quarter full rather than a half (twice the slots): a lookup, mostly of a word that is
        // not in the table (two in five of those looked up), more often ends at its first slot, and the
        // probe loop's exit, which follows the text, mispredicts less (-0.11 M mispredictions on 840
        // articles). Only the common words' slots need to stay in cache.
        let size = (n * 4).next_power_of_two().max(16);
        let unknown = self.unknown();
        let mut short = vec![
            Short {
                id: unknown,
                ..Short::EMPTY
            };
            size
        ];
        for (k, &id) in &self.ids {
            let Some(key) = pack(k) else {
                continue;
            };
            let mut i = slot_of(key, size - 1);
            while short[i].full != 0 {
                i = (i + 1) & (size - 1);
            }
            short[i] = Short {
                key,
                full: u64::MAX,
                id,
            };
        }
        self.short = short;
        self.flags.truncate(self.ids.len());
        self.flags.push(0);
        let mut ascii = vec![unknown; 128];
        for (b, id) in (0u8..).zip(ascii.iter_mut()) {
            let mut c = [0u8; 4];
            *id = self.id(char::from(b).encode_utf8(&mut c));
        }
        self.ascii = ascii;
    }

    fn flag(&mut self, s: &str, f: u32) {
        let i = self.intern(s);
        self.flag_id(i, f);
    }

    fn flag_id(&mut self, id: u32, f: u32) {
        if let Some(x) = self.flags.get_mut(id as usize) {
            *x |= f;
        }
    }

    #[inline]
    pub fn flags(&self, id: u32) -> u32 {
        self.flags.get(id as usize).copied().unwrap_or(0)
    }
}

/// What an entities entry says about a name, title, role or pronoun.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EntityInfo {
    pub canonical: String,
    /// Interned ([`crate::names`]): the speakers it resolves carry it.
    pub side: Option<&'static str>,
    pub kind: String,
    pub category: String,
    pub role: Option<String>,
}

/// One phrase of a [`PhraseTable`].
#[derive(Debug, Clone)]
struct Phrase<T> {
    /// Normalized tokens (case-insensitive) or the tokens as written with `’` folded (case-sensitive).
    key: Vec<String>,
    /// Vocabulary ids of the normalized tokens (case-insensitive phrases).
    ids: Vec<u32>,
    case_sensitive: bool,
    value: T,
}

/// The phrases of a [`PhraseTable`] that start with one word.
#[derive(Debug, Clone)]
struct Slot<T> {
    /// Phrases of two or more tokens, grouped by the id of their second token (sorted by it); each group
    /// longest first (insertion order on ties).
    pairs: Vec<(u32, Vec<Phrase<T>>)>,
    /// One-token phrases.
    singles: Vec<Phrase<T>>,
    /// The slot holds one phrase, of one word, matched in any case (as most do: "he", "said"): every
    /// token with that word's id matches it.
    lone: bool,
}

/// Multi-token phrases indexed by the vocabulary ids of their first two tokens' normalized forms; longest
/// match first. Lookups index arrays and never hash.
#[derive(Debug, Clone)]
pub(crate) struct PhraseTable<T> {
    /// Index into `slots` by the first token's id (`u32::MAX`: no phrase starts with that word).
    head: Vec<u32>,
    slots: Vec<Slot<T>>,
    /// `second[id]`: the word `id` is the second token of some phrase (a word after "the" that is not
    /// rules out every phrase of "the" without a search).
    second: Vec<bool>,
}

impl<T> Default for PhraseTable<T> {
    fn default() -> Self {
        PhraseTable {
            head: Vec::new(),
            slots: Vec::new(),
            second: Vec::new(),
        }
    }
}

impl<T: Clone> PhraseTable<T> {
    /// Add `phrase`; proper names (first letter upper-case) match case-sensitively.
    pub fn insert(&mut self, vocab: &mut Vocab, phrase: &str, value: T) {
        let toks = tokenize_owned(phrase);
        if toks.is_empty() {
            return;
        }
        let case_sensitive = toks[0].upper;
        let key: Vec<String> = toks
            .iter()
            .map(|t| {
                if case_sensitive {
                    t.bare.replace('’', "'")
                } else {
                    t.norm.clone()
                }
            })
            .collect();
        // A case-sensitive phrase matches only tokens with the same normalized forms, so both kinds are
        // indexed by the ids of the normalized forms.
        let ids: Vec<u32> = toks.iter().map(|t| vocab.intern(&t.norm)).collect();
        let first = ids[0] as usize;
        if self.head.len() <= first {
            self.head.resize(first + 1, u32::MAX);
        }
        if self.head[first] == u32::MAX {
            self.head[first] = u32::try_from(self.slots.len()).unwrap_or(u32::MAX);
            self.slots.push(Slot {
                pairs: Vec::new(),
                singles: Vec::new(),
                lone: false,
            });
        }
        if let Some(&second) = ids.get(1) {
            let at = second as usize;
            if self.second.len() <= at {
                self.second.resize(at + 1, false);
            }
            self.second[at] = true;
        }
        let Some(slot) = self.slots.get_mut(self.head[first] as usize) else {
            return;
        };
        let list = match ids.get(1) {
            Some(&second) => {
                let at = match slot.pairs.binary_search_by_key(&second, |p| p.0) {
                    Ok(at) => at,
                    Err(at) => {
                        slot.pairs.insert(at, (second, Vec::new()));
                        at
                    }
                };
                &mut slot.pairs[at].1
            }
            None => &mut slot.singles,
        };
        if list
            .iter()
            .any(|p| p.key == key && p.case_sensitive == case_sensitive)
        {
            return;
        }
        list.push(Phrase {
            key,
            ids,
            case_sensitive,
            value,
        });
        list.sort_by_key(|p| std::cmp::Reverse(p.key.len()));
        slot.lone = slot.pairs.is_empty()
            && slot.singles.len() == 1
            && slot.singles.iter().all(|p| !p.case_sensitive);
    }

    /// Longest phrase starting at `toks[i]`: (number of tokens, value). A possessive is allowed only on the
    /// phrase's last token.
    ///
    /// Inlined: most tokens start no phrase and fail on the `head` lookup; only the others pay for the call
    /// to [`Self::match_in`] (which, inlined here, made every lookup save and restore its registers).
    /// The two commonest cases are settled here too: a lone word (the token matches it) and a word that
    /// only starts longer phrases, none with the next token second (no match).
    #[inline(always)]
    pub fn match_at(&self, toks: &[Tok], i: usize) -> Option<(usize, &T)> {
        let first = toks.get(i)?;
        let h = *self.head.get(first.id as usize)?;
        // (`u32::MAX`, no phrase, is no index.)
        let slot = self.slots.get(h as usize)?;
        if slot.lone {
            return slot.singles.first().map(|p| (1, &p.value));
        }
        if slot.singles.is_empty() {
            let next = toks.get(i + 1)?;
            if !self.second.get(next.id as usize).copied().unwrap_or(false) {
                return None;
            }
        }
        self.match_in(slot, toks, i)
    }

    /// [`Self::match_at`] without its shortcuts (tests compare the two).
    #[cfg(test)]
    pub fn match_at_general(&self, toks: &[Tok], i: usize) -> Option<(usize, &T)> {
        let h = *self.head.get(toks.get(i)?.id as usize)?;
        self.match_in(self.slots.get(h as usize)?, toks, i)
    }

    #[inline(never)]
    fn match_in<'s>(&'s self, slot: &'s Slot<T>, toks: &[Tok], i: usize) -> Option<(usize, &'s T)> {
        let longer = match toks.get(i + 1) {
            Some(second) if !slot.pairs.is_empty() => slot
                .pairs
                .binary_search_by_key(&second.id, |p| p.0)
                .ok()
                .map(|at| &slot.pairs[at].1[..]),
            _ => None,
        };
        let cands = longer.unwrap_or(&[]).iter().chain(&slot.singles);
        'c: for p in cands {
            let len = p.key.len();
            if i + len > toks.len() {
                continue;
            }
            for k in 0..len {
                let t = &toks[i + k];
                if k + 1 < len && t.possessive {
                    continue 'c;
                }
                // Adjacent tokens of a phrase must not be split by a paragraph-size gap.
                if k > 0 && t.start > toks[i + k - 1].end() + 2 {
                    continue 'c;
                }
                let same =
                    t.id == p.ids[k] && (!p.case_sensitive || same_folded(t.bare, &p.key[k]));
                if !same {
                    continue 'c;
                }
            }
            return Some((len, &p.value));
        }
        None
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Do `head` and `second` have an entry for every id below `n` (tests)?
    #[cfg(test)]
    pub fn covers(&self, n: usize) -> bool {
        self.head.len() >= n && self.second.len() >= n
    }

    /// Give `head` and `second` an entry for every id below `n` (the vocabulary's words and its unknown
    /// word, [`Vocab::unknown`]): a token's lookup is then in range, and only the entry tells whether a
    /// phrase starts with its word (one branch instead of two).
    fn cover(&mut self, n: usize) {
        debug_assert!(self.head.len() <= n && self.second.len() <= n);
        if self.head.len() < n {
            self.head.resize(n, u32::MAX);
        }
        if self.second.len() < n {
            self.second.resize(n, false);
        }
    }

    /// The ids of the words some phrase ends with.
    fn tails(&self) -> impl Iterator<Item = u32> + '_ {
        self.slots
            .iter()
            .flat_map(|s| s.pairs.iter().flat_map(|p| &p.1).chain(&s.singles))
            .filter_map(|p| p.ids.last().copied())
    }

    /// The ids of the words some phrase starts with.
    fn heads(&self) -> impl Iterator<Item = u32> + '_ {
        (0u32..)
            .zip(&self.head)
            .filter(|&(_, &h)| h != u32::MAX)
            .map(|(id, _)| id)
    }
}

/// `bare.replace('’', "'") == want`, without allocating.
#[inline]
fn same_folded(bare: &str, want: &str) -> bool {
    if bare.len() == want.len() {
        return bare == want;
    }
    bare.contains('’')
        && bare
            .chars()
            .map(|c| if c == '’' { '\'' } else { c })
            .eq(want.chars())
}

/// Everything extraction needs from lexicons, compiled once per run.
#[derive(Debug, Default)]
pub struct AttributionRules {
    pub(crate) cues: PhraseTable<CueInfo>,
    /// Cues whose source follows them ("according to X").
    pub(crate) phrase_cues: PhraseTable<CueInfo>,
    pub(crate) cue_nouns: PhraseTable<()>,
    /// The interned words of every table below; function-word classes are flags on them (see [`w`]):
    /// auxiliary, boundary, determiner, definite, passive_auxiliary, complementizer, clause_opener,
    /// content_end, coordinator, agent_preposition, relative_pronoun, free_relative ("what they call X": a
    /// naming verb after one reports no statement), apposition_opener ("Lewandowski, now a CNN
    /// commentator,"), document_preposition ("In the CBS poll, …"), evidence_noun (poll, survey, study),
    /// name_preposition, time_modifier.
    pub(crate) vocab: Vocab,
    pub(crate) comma_adverbs: PhraseTable<()>,
    pub(crate) adverb_suffixes: Vec<String>,
    /// Cue infos of the survey phrases ("In the … poll,"), by the preposition's id.
    pub(crate) evidence_cues: HashMap<u32, CueInfo>,
    /// The cue info of colon attributions ("Graham: …").
    pub(crate) colon_cue: CueInfo,
    pub(crate) time_words: PhraseTable<()>,
    pub(crate) object_heads: PhraseTable<()>,
    pub(crate) entities: PhraseTable<EntityInfo>,
    pub(crate) sides: Option<Sides>,
}

fn attr(e: &Entry, k: &str) -> Option<String> {
    e.attrs.get(k).filter(|v| !v.is_empty()).cloned()
}

impl AttributionRules {
    /// Compile the `cues` and `entities` lexicons of `lex` (every lexicon of those kinds, in order).
    pub fn from_lexicons(lex: &LexiconSet) -> crate::Result<Self> {
        let mut r = AttributionRules {
            colon_cue: CueInfo::new(":".into(), "neutral".into(), "colon".into(), String::new()),
            ..AttributionRules::default()
        };
        for l in lex.of_kind("cues") {
            r.add_cues(l)?;
        }
        for l in lex.of_kind("entities") {
            r.add_entities(l);
        }
        for table in [&r.cues, &r.phrase_cues] {
            for id in table.heads() {
                r.vocab.flag_id(id, w::CUE_HEAD);
            }
        }
        for id in r.entities.heads() {
            r.vocab.flag_id(id, w::ENTITY_HEAD);
        }
        let time_tails: Vec<u32> = r.time_words.tails().collect();
        for id in time_tails {
            r.vocab.flag_id(id, w::TIME_LAST);
        }
        r.vocab.seal();
        let n = r.vocab.unknown() as usize + 1;
        for t in [&mut r.cues, &mut r.phrase_cues] {
            t.cover(n);
        }
        for t in [
            &mut r.cue_nouns,
            &mut r.comma_adverbs,
            &mut r.time_words,
            &mut r.object_heads,
        ] {
            t.cover(n);
        }
        r.entities.cover(n);
        Ok(r)
    }

    /// Use a sides file: speakers get the side whose names/roles/organizations/patterns match, and only
    /// those sides.
    pub fn with_sides(mut self, sides: Sides) -> Self {
        self.sides = Some(sides);
        self
    }

    /// True when no cue lexicon was loaded (extraction then finds nothing).
    pub fn is_empty(&self) -> bool {
        self.cues.is_empty() && self.phrase_cues.is_empty()
    }

    /// Is `t` in the function-word class(es) `flag` (see [`w`])?
    #[inline]
    pub(crate) fn is(&self, t: &Tok, flag: u32) -> bool {
        self.vocab.flags(t.id) & flag != 0
    }

    fn add_cues(&mut self, l: &Lexicon) -> crate::Result<()> {
        for e in &l.entries {
            let term = e.term.trim();
            if term.is_empty() {
                continue;
            }
            let info = || {
                CueInfo::new(
                    attr(e, "lemma").unwrap_or_else(|| term.to_string()),
                    attr(e, "class").unwrap_or_else(|| "neutral".into()),
                    e.category.clone(),
                    attr(e, "frame").unwrap_or_default(),
                )
            };
            let v = &mut self.vocab;
            let folded = || term.to_lowercase().replace('’', "'");
            let lower = || term.to_lowercase();
            match e.category.as_str() {
                "speech_verb" | "cognition_verb" | "verb" => {
                    let i = info();
                    if ![
                        "neutral",
                        "endorsing",
                        "emphatic",
                        "distancing",
                        "pejorative",
                    ]
                    .contains(&i.class)
                    {
                        return Err(crate::Error::Lexicon {
                            location: crate::error::Location { file: l.origin.clone(), line: e.line, col: 1 },
                            message: format!(
                                "cue class must be neutral, endorsing, emphatic, distancing or pejorative, found {:?}",
                                i.class
                            ),
                        });
                    }
                    self.cues.insert(v, term, i.clone());
                    for f in &e.forms {
                        self.cues.insert(v, f, i.clone());
                    }
                }
                "phrase_cue" => {
                    let i = info();
                    self.phrase_cues.insert(v, term, i.clone());
                    for f in &e.forms {
                        self.phrase_cues.insert(v, f, i.clone());
                    }
                }
                "cue_noun" => {
                    self.cue_nouns.insert(v, term, ());
                    for f in &e.forms {
                        self.cue_nouns.insert(v, f, ());
                    }
                }
                "auxiliary" => v.flag(&folded(), w::AUXILIARY),
                "comma_adverb" => self.comma_adverbs.insert(v, term, ()),
                "boundary" => v.flag(&folded(), w::BOUNDARY),
                "determiner" => v.flag(&lower(), w::DETERMINER),
                "passive_auxiliary" => v.flag(&folded(), w::PASSIVE_AUX),
                "definite" => v.flag(&lower(), w::DEFINITE),
                "content_end" => v.flag(&lower(), w::CONTENT_END),
                "coordinator" => v.flag(&lower(), w::COORDINATOR),
                "adverb_suffix" => self.adverb_suffixes.push(lower()),
                "clause_opener" => v.flag(&lower(), w::CLAUSE_OPENER),
                "complementizer" => v.flag(&lower(), w::COMPLEMENTIZER),
                "time_word" => self.time_words.insert(v, term, ()),
                "time_modifier" => v.flag(&lower(), w::TIME_MODIFIER),
                "name_preposition" => v.flag(&lower(), w::NAME_PREPOSITION),
                "relative_pronoun" => v.flag(&lower(), w::RELATIVE_PRONOUN),
                "free_relative" => v.flag(&lower(), w::FREE_RELATIVE),
                "apposition_opener" => v.flag(&lower(), w::APPOSITION_OPENER),
                "gerund_preposition" => v.flag(&lower(), w::GERUND_PREPOSITION),
                "absolute_preposition" => v.flag(&lower(), w::ABSOLUTE_PREPOSITION),
                "post_head_adjective" => v.flag(&lower(), w::POST_HEAD_ADJECTIVE),
                "ratio_preposition" => v.flag(&lower(), w::RATIO_PREPOSITION),
                "number_word" => v.flag(&lower(), w::NUMBER_WORD),
                "quantity_modifier" => v.flag(&lower(), w::QUANTITY_MODIFIER),
                "document_preposition" => {
                    let lemma = lower();
                    v.flag(&lemma, w::DOCUMENT_PREPOSITION);
                    let id = v.intern(&lemma);
                    let cue =
                        CueInfo::new(lemma, "neutral".into(), "phrase_cue".into(), String::new());
                    self.evidence_cues.insert(id, cue);
                }
                "evidence_noun" => {
                    v.flag(&lower(), w::EVIDENCE_NOUN);
                    for f in &e.forms {
                        v.flag(&f.to_lowercase(), w::EVIDENCE_NOUN);
                    }
                }
                "agent_preposition" => v.flag(&lower(), w::AGENT_PREPOSITION),
                "object_head" => self.object_heads.insert(v, term, ()),
                _ => {}
            }
        }
        Ok(())
    }

    fn add_entities(&mut self, l: &Lexicon) {
        for e in &l.entries {
            let term = e.term.trim();
            if term.is_empty() {
                continue;
            }
            let info = EntityInfo {
                canonical: attr(e, "canonical").unwrap_or_else(|| term.to_string()),
                side: attr(e, "side").as_deref().map(crate::names::intern),
                kind: attr(e, "kind").unwrap_or_else(|| e.category.clone()),
                category: e.category.clone(),
                role: attr(e, "role"),
            };
            self.entities.insert(&mut self.vocab, term, info.clone());
            for f in &e.forms {
                self.entities.insert(&mut self.vocab, f, info.clone());
            }
        }
    }

    pub(crate) fn is_title_abbrev(&self, toks: &[Tok], dot: usize) -> bool {
        // "Sen." / "U.S." / "Mr." / an initial ("John F. Kennedy"): the period belongs to the word.
        let Some(w) = dot.checked_sub(1).and_then(|i| toks.get(i)) else {
            return false;
        };
        if !w.word || w.end() != toks[dot].start {
            return false;
        }
        if w.upper && w.bare.chars().nth(1).is_none() {
            return true;
        }
        if w.bare.contains('.') {
            return true;
        }
        // A title or entity whose lexicon term ends in "." and covers this word.
        let mut start = dot.saturating_sub(4);
        while start < dot {
            if let Some((n, _)) = self.entities.match_at(toks, start) {
                if start + n == dot + 1 {
                    return true;
                }
            }
            start += 1;
        }
        false
    }

    /// A lower-case manner adverb ("cynically") by its suffix.
    pub(crate) fn is_manner_adverb(&self, t: &Tok) -> bool {
        t.word
            && !t.upper
            && self
                .adverb_suffixes
                .iter()
                .any(|s| t.norm.len() > s.len() + 2 && t.norm.ends_with(s.as_str()))
    }

    /// Is `toks[i]` (the last token of a phrase) a time word ("Friday", "month")?
    pub(crate) fn is_time_word(&self, toks: &[Tok], i: usize) -> bool {
        // A time word or phrase that ends at `toks[i]` has that token's id last (phrase tokens match by
        // id): without the flag none does, and the name lookups below are not needed.
        if !toks.get(i).is_some_and(|t| self.is(t, w::TIME_LAST)) {
            return false;
        }
        self.is_time_word_general(toks, i)
    }

    /// [`Self::is_time_word`] without its shortcut (tests compare the two).
    pub(crate) fn is_time_word_general(&self, toks: &[Tok], i: usize) -> bool {
        // Not when the word ends a known name ("USA Today").
        let in_name = (i.saturating_sub(4)..i).any(|s| {
            self.entities
                .match_at(toks, s)
                .is_some_and(|(n, _)| s + n == i + 1)
        });
        !in_name
            && (i.saturating_sub(1)..=i).any(|s| {
                self.time_words
                    .match_at(toks, s)
                    .is_some_and(|(n, _)| s + n == i + 1)
            })
    }

    pub(crate) fn entity_at(&self, toks: &[Tok], i: usize) -> Option<(usize, &EntityInfo)> {
        self.entities.match_at(toks, i)
    }

    /// The entities of `toks` found by one scan from left to right that skips over each match, as
    /// `(position, number of tokens, entity)` in text order: every position the scan stops at where
    /// [`entity_at`](Self::entity_at) finds one. Computed once per segment for the cue search and the
    /// mention collection; a list of the matches rather than a slot per token, since few tokens start one.
    ///
    /// The same scan lists in `cue_heads`, in order, the words that start a cue or phrase cue (flag
    /// [`w::CUE_HEAD`]) and are not inside an entity of two or more tokens ("United States", "Secretary of
    /// State"): the only tokens where the cue search looks for a cue. One flag test per token serves both.
    pub(crate) fn entity_matches<'r>(
        &'r self,
        toks: &[Tok],
        out: &mut Vec<EntityMatch<'r>>,
        cue_heads: &mut Vec<usize>,
    ) {
        out.clear();
        cue_heads.clear();
        let mut k = 0;
        while let Some(t) = toks.get(k) {
            let f = self.vocab.flags(t.id);
            if f & (w::ENTITY_HEAD | w::CUE_HEAD) == 0 {
                k += 1;
                continue;
            }
            // (Every word that starts an entity has `ENTITY_HEAD`: without it there is no match.)
            let found = if f & w::ENTITY_HEAD != 0 {
                self.entity_at(toks, k)
            } else {
                None
            };
            let n = found.map_or(1, |(n, _)| n);
            if n <= 1 && t.word && f & w::CUE_HEAD != 0 {
                cue_heads.push(k);
            }
            if let Some((n, e)) = found {
                out.push((k, n, e));
            }
            k += n.max(1);
        }
    }
}

/// An entity found by [`AttributionRules::entity_matches`]: (first token, number of tokens, entity).
pub(crate) type EntityMatch<'r> = (usize, usize, &'r EntityInfo);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_puts_the_bytes_and_the_length_in_place() {
        let text = "abcdefghijklmnopq";
        for n in 0..=text.len() {
            let s = &text[..n];
            let expect = (1..=15).contains(&n).then(|| {
                let mut w = [0u8; 16];
                w[..n].copy_from_slice(s.as_bytes());
                w[15] = n as u8;
                u128::from_le_bytes(w)
            });
            assert_eq!(pack(s), expect, "{s:?}");
        }
    }

    #[test]
    fn ascii_ids_agree_with_id_before_and_after_sealing() {
        let mut v = Vocab::default();
        for w in [",", "a", "i", "\"", "said"] {
            v.intern(w);
        }
        for sealed in [false, true] {
            if sealed {
                v.seal();
            }
            for b in 0u8..128 {
                let mut c = [0u8; 4];
                let s = char::from(b).encode_utf8(&mut c);
                assert_eq!(v.ascii_id(s), v.id(s), "{s:?}");
            }
        }
    }

    #[test]
    fn unknown_words_get_an_id_with_empty_flags() {
        let mut v = Vocab::default();
        v.flag("said", w::CUE_HEAD);
        v.flag("he", w::ENTITY_HEAD);
        for sealed in [false, true] {
            if sealed {
                v.seal();
            }
            assert_eq!(v.unknown(), 2);
            for s in ["", "x", "she", "counterintelligences", ","] {
                assert_eq!(v.id(s), v.unknown(), "{s:?}");
            }
            assert_eq!(v.flags(v.unknown()), 0);
            assert_eq!(v.flags(v.id("he")), w::ENTITY_HEAD);
        }
        // Sealed, the unknown word's flags are an entry of their own; a word interned afterwards takes its
        // id, and the unknown word moves on.
        assert_eq!(v.flags.len(), 3);
        let she = v.intern("she");
        assert_eq!((she, v.unknown(), v.flags.len()), (2, 3, 3));
        v.seal();
        assert_eq!((v.id("she"), v.id("her"), v.flags.len()), (2, 3, 4));
        assert_eq!(v.flags(3), 0);
    }

    #[test]
    fn sealed_vocabulary_finds_short_and_long_words() {
        let mut v = Vocab::default();
        let words = [
            "a",
            "to",
            "say",
            "told",
            "according",
            "spokeswoman",
            "counterintelligence",
        ];
        let ids: Vec<u32> = words.iter().map(|w| v.intern(w)).collect();
        v.seal();
        for (w, id) in words.iter().zip(&ids) {
            assert_eq!(v.id(w), *id, "{w}");
        }
        for w in ["", "b", "sa", "says", "accordingly", "counterintelligences"] {
            assert_eq!(v.id(w), v.unknown(), "{w}");
        }
    }

    proptest::proptest! {
        #[test]
        fn pack_at_agrees_with_pack(
            text in "[a-z0-9'. ]{0,40}",
            at in 0usize..40,
            n in 0usize..20,
        ) {
            if at + n <= text.len() {
                let got = pack_at(text.as_bytes(), at, n);
                if at + 16 <= text.len() && (1..=15).contains(&n) {
                    proptest::prop_assert_eq!(got, pack(&text[at..at + n]));
                } else {
                    proptest::prop_assert_eq!(got, None);
                }
            }
        }

        #[test]
        fn id_at_agrees_with_id(
            words in proptest::collection::vec("[a-c]{1,3}|[a-c]{4,9}|[a-c]{14,17}", 0..30),
            text in "[a-c ]{0,40}",
            at in 0usize..40,
            n in 0usize..20,
        ) {
            let mut v = Vocab::default();
            for w in &words {
                v.intern(w);
            }
            for sealed in [false, true] {
                if sealed {
                    v.seal();
                }
                for w in &words {
                    proptest::prop_assert_eq!(v.id(w), v.ids[w.as_str()]);
                }
                if at + n <= text.len() {
                    let want = v.ids.get(&text[at..at + n]).copied().unwrap_or(v.unknown());
                    proptest::prop_assert_eq!(v.id(&text[at..at + n]), want);
                    proptest::prop_assert_eq!(v.id_at(&text, at, n), want);
                }
            }
        }
    }
}
