//! The voice map: every byte of every paragraph is in exactly one run. Bytes inside an outermost quotation
//! **including its quotation marks** (`Quote::start..Quote::end`) are quoted; everything else is authorial.
//! Whitespace between paragraphs belongs to no run. Adjacent runs of the same voice within a paragraph are
//! merged; runs never cross paragraph boundaries (a quotation over several paragraphs gives one quoted run
//! per paragraph piece).

use super::{Paragraph, Quote, Voice, VoiceRun};

pub(crate) fn voice_runs(paragraphs: &[Paragraph], quotes: &[Quote]) -> Vec<VoiceRun> {
    let outer: Vec<(usize, usize)> = quotes
        .iter()
        .filter(|q| q.depth == 0)
        .map(|q| (q.start, q.end))
        .collect();
    let mut runs: Vec<VoiceRun> = Vec::with_capacity(paragraphs.len() + 2 * outer.len());
    let mut j = 0usize;
    for p in paragraphs {
        while outer.get(j).is_some_and(|&(_, e)| e <= p.start) {
            j += 1;
        }
        let mut cursor = p.start;
        let mut k = j;
        while let Some(&(qs, qe)) = outer.get(k) {
            if qs >= p.end {
                break;
            }
            let a = qs.max(cursor);
            let b = qe.min(p.end);
            if a > cursor {
                push(&mut runs, cursor, a, Voice::Authorial);
            }
            if b > a {
                push(&mut runs, a, b, Voice::Quoted);
                cursor = b;
            }
            k += 1;
        }
        if cursor < p.end {
            push(&mut runs, cursor, p.end, Voice::Authorial);
        }
    }
    runs
}

fn push(runs: &mut Vec<VoiceRun>, start: usize, end: usize, voice: Voice) {
    if let Some(last) = runs.last_mut() {
        if last.end == start && last.voice == voice {
            last.end = end;
            return;
        }
    }
    runs.push(VoiceRun { start, end, voice });
}
