//! Exact rank statistics from sorted value counts.
//!
//! A sample is kept as its distinct values in ascending total order (`f64::total_cmp`) with their
//! multiplicities ([`SortedCounts`]). That is all the median, the Mann–Whitney rank sum with its tie
//! correction and Cliff's delta depend on, so they come out bit-identical to the routines in
//! [`super::stats`] that sort the raw values, while memory is proportional to the number of *distinct*
//! values instead of the number of articles (most metrics are counts, or ratios of small counts, and repeat
//! a lot).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Distinct values in ascending `total_cmp` order (equal bit patterns merged), each with its count.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SortedCounts {
    runs: Vec<(f64, u64)>,
    n: u64,
}

/// Builds a [`SortedCounts`] from values in any order: values are collected in a scratch buffer of bounded
/// size, which is sorted, run-length encoded and merged into the result whenever it fills up.
#[derive(Debug)]
pub struct SortedCountsBuilder {
    out: SortedCounts,
    scratch: Vec<f64>,
    cap: usize,
}

impl Default for SortedCountsBuilder {
    fn default() -> Self {
        SortedCountsBuilder::with_scratch(Self::SCRATCH)
    }
}

impl SortedCountsBuilder {
    /// Scratch values sorted at a time (512 KiB).
    pub const SCRATCH: usize = 64 * 1024;

    pub fn with_scratch(cap: usize) -> Self {
        SortedCountsBuilder {
            out: SortedCounts::default(),
            scratch: Vec::new(),
            cap: cap.max(1),
        }
    }

    pub fn push(&mut self, v: f64) {
        self.scratch.push(v);
        if self.scratch.len() >= self.cap {
            self.absorb();
        }
    }

    fn absorb(&mut self) {
        if self.scratch.is_empty() {
            return;
        }
        self.scratch.sort_unstable_by(f64::total_cmp);
        let mut runs: Vec<(f64, u64)> = Vec::new();
        for &v in &self.scratch {
            match runs.last_mut() {
                Some((last, c)) if last.to_bits() == v.to_bits() => *c += 1,
                _ => runs.push((v, 1)),
            }
        }
        let n = self.scratch.len() as u64;
        self.scratch.clear();
        let merged = if self.out.runs.is_empty() {
            runs
        } else {
            merge_runs(&self.out.runs, &runs)
        };
        self.out.runs = merged;
        self.out.n += n;
    }

    pub fn finish(mut self) -> SortedCounts {
        self.absorb();
        self.out.runs.shrink_to_fit();
        self.out
    }
}

fn merge_runs(a: &[(f64, u64)], b: &[(f64, u64)]) -> Vec<(f64, u64)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.total_cmp(&b[j].0) {
            Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            Ordering::Equal => {
                out.push((a[i].0, a[i].1 + b[j].1));
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

impl SortedCounts {
    pub fn from_values(values: impl IntoIterator<Item = f64>) -> Self {
        let mut b = SortedCountsBuilder::default();
        values.into_iter().for_each(|v| b.push(v));
        b.finish()
    }

    /// Number of values.
    pub fn len(&self) -> u64 {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Number of distinct values (bit patterns).
    pub fn distinct(&self) -> usize {
        self.runs.len()
    }

    /// The median as [`super::summarize`] computes it from the sorted values: the middle value, or the mean
    /// of the two middle values.
    pub fn median(&self) -> Option<f64> {
        median_of(&[self])
    }
}

/// Total-order key for the k-way merge.
#[derive(Debug, Clone, Copy)]
struct Key(f64, usize);

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    /// Reversed, so `BinaryHeap` (a max-heap) pops the smallest value first.
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.total_cmp(&self.0).then(other.1.cmp(&self.1))
    }
}

/// The median of the union of `samples` (the values of all of them sorted together), as
/// [`super::summarize`] computes it over their concatenation; `None` when they are all empty.
pub fn median_of(samples: &[&SortedCounts]) -> Option<f64> {
    let n: u64 = samples.iter().map(|s| s.n).sum();
    if n == 0 {
        return None;
    }
    // 0-based positions of the middle value(s).
    let (lo, hi) = if n % 2 == 1 {
        (n / 2, n / 2)
    } else {
        (n / 2 - 1, n / 2)
    };
    let mut cursor = vec![0usize; samples.len()];
    let mut heap: BinaryHeap<Key> = samples
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.runs.first().map(|r| Key(r.0, i)))
        .collect();
    let mut seen = 0u64;
    let mut lo_value = None;
    while let Some(Key(v, i)) = heap.pop() {
        let count = samples[i].runs[cursor[i]].1;
        seen += count;
        if lo_value.is_none() && seen > lo {
            lo_value = Some(v);
        }
        if seen > hi {
            let lo_value = lo_value.unwrap_or(v);
            return Some(if n % 2 == 1 { v } else { (lo_value + v) / 2.0 });
        }
        cursor[i] += 1;
        if let Some(r) = samples[i].runs.get(cursor[i]) {
            heap.push(Key(r.0, i));
        }
    }
    unreachable!("the counts add up to n")
}

/// What the Mann–Whitney test and Cliff's delta need from a pair of samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairRanks {
    /// Mid-rank sum of `a` in the pooled sample, accumulated tie group by tie group in ascending order.
    pub rank_sum_a: f64,
    /// Σ(t³ − t) over the pooled tie groups, in the same order.
    pub tie_term: f64,
    /// Pairs with a_i > b_j.
    pub greater: u128,
    /// Pairs with a_i < b_j.
    pub less: u128,
}

/// Rank statistics of `a` against `b`. Tie groups are runs of values that compare equal with `==` in the
/// pooled ascending order (so −0.0 and 0.0 tie), exactly as `stats::rank_sum_first` and
/// `stats::cliffs_delta` group them, and the floating-point sums are accumulated in the same order with
/// the same operations, so the results are bit-identical.
pub fn pair_ranks(a: &SortedCounts, b: &SortedCounts) -> PairRanks {
    let (ra, rb) = (&a.runs, &b.runs);
    let (mut i, mut j) = (0usize, 0usize);
    let mut below = 0u64; // pooled values before the current group
    let mut b_below = 0u64;
    let mut out = PairRanks {
        rank_sum_a: 0.0,
        tie_term: 0.0,
        greater: 0,
        less: 0,
    };
    while i < ra.len() || j < rb.len() {
        // The group's first value: the smaller head in total order.
        let first = match (ra.get(i), rb.get(j)) {
            (Some(x), Some(y)) => {
                if x.0.total_cmp(&y.0) == Ordering::Greater {
                    y.0
                } else {
                    x.0
                }
            }
            (Some(x), None) => x.0,
            (None, Some(y)) => y.0,
            (None, None) => unreachable!(),
        };
        let (mut in_a, mut in_b) = (0u64, 0u64);
        while let Some(x) = ra.get(i).filter(|x| x.0 == first) {
            in_a += x.1;
            i += 1;
        }
        while let Some(y) = rb.get(j).filter(|y| y.0 == first) {
            in_b += y.1;
            j += 1;
        }
        let t = in_a + in_b;
        let end = below + t;
        let mid = (below + 1 + end) as f64 / 2.0;
        out.rank_sum_a += mid * in_a as f64;
        let tf = t as f64;
        out.tie_term += tf * tf * tf - tf;
        out.greater += u128::from(in_a) * u128::from(b_below);
        out.less += u128::from(in_a) * u128::from(b.n - b_below - in_b);
        below = end;
        b_below += in_b;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_merges_chunks() {
        let vals = [3.0, 1.0, 2.0, 3.0, -0.0, 0.0, 1.0, 3.0, 2.5];
        let mut b = SortedCountsBuilder::with_scratch(2);
        vals.iter().for_each(|&v| b.push(v));
        let s = b.finish();
        assert_eq!(s.len(), 9);
        let bits: Vec<(u64, u64)> = s.runs.iter().map(|r| (r.0.to_bits(), r.1)).collect();
        let want: Vec<(u64, u64)> = [(-0.0, 1), (0.0, 1), (1.0, 2), (2.0, 1), (2.5, 1), (3.0, 3)]
            .iter()
            .map(|r: &(f64, u64)| (r.0.to_bits(), r.1))
            .collect();
        assert_eq!(bits, want);
        assert_eq!(s.median(), Some(2.0));
        assert_eq!(SortedCounts::default().median(), None);
        let even = SortedCounts::from_values([1.0, 2.0, 4.0, 10.0]);
        assert_eq!(even.median(), Some(3.0));
        assert_eq!(
            median_of(&[&even, &SortedCounts::from_values([0.0, 0.0])]),
            Some(1.5)
        );
    }
}
