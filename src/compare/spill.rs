//! An append-only, unnamed temporary file of `f64` values, kept per *series* (one series = one metric of
//! one outlet), so the [`super::Aggregator`] does not hold every article's value of every metric in memory.
//!
//! Values are buffered per series and written as chunks: `[previous chunk offset: u64 LE][count: u32 LE]
//! [count × f64 LE]`. Each series remembers only the offset of its last chunk (the chunks of a series form a
//! backward-linked chain in the file), so the memory held per series is constant and nothing grows with
//! the number of values. A series is read back in the order its values were pushed.
//!
//! Memory: at most [`Spill::CHUNK`] values are buffered per series and, over all series, buffers holding
//! about [`Spill::BUDGET`] values in total (allocated capacity) are flushed and freed together, so with
//! many outlets the buffers stay bounded too. The file is created (unlinked, so it disappears when closed
//! or when the process dies) in the directory given to [`Spill::new`] on the first chunk written; small
//! runs never touch the disk.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

/// Marks "no previous chunk".
const NONE: u64 = u64::MAX;
/// Header bytes of a chunk: previous offset (u64) and count (u32).
const HEADER: usize = 12;

#[derive(Debug, Default)]
struct Series {
    buf: Vec<f64>,
    /// Offset of the last chunk written for this series, or [`NONE`].
    last: u64,
}

/// See the module documentation.
#[derive(Debug)]
pub struct Spill {
    dir: Option<PathBuf>,
    writer: Option<BufWriter<File>>,
    /// Bytes written to the file so far (the offset of the next chunk).
    len: u64,
    series: Vec<Series>,
    /// Σ capacity of the series buffers, in values.
    held: usize,
    chunk: usize,
    budget: usize,
}

impl Default for Spill {
    fn default() -> Self {
        Spill::new(None)
    }
}

impl Spill {
    /// Values per chunk (8 KiB of values).
    pub const CHUNK: usize = 1024;
    /// Values buffered over all series before every buffer is flushed and freed (2 MiB).
    pub const BUDGET: usize = 256 * 1024;

    /// A spill whose file, when needed, is created in `dir` (the system temporary folder if `None`).
    pub fn new(dir: Option<PathBuf>) -> Self {
        Spill::with_sizes(dir, Self::CHUNK, Self::BUDGET)
    }

    /// With other chunk and budget sizes (tests use tiny ones to exercise the chunk chains).
    pub fn with_sizes(dir: Option<PathBuf>, chunk: usize, budget: usize) -> Self {
        Spill {
            dir,
            writer: None,
            len: 0,
            series: Vec::new(),
            held: 0,
            chunk: chunk.max(1),
            budget: budget.max(1),
        }
    }

    /// Where the file is (or would be) created, for error messages.
    pub fn dir(&self) -> PathBuf {
        self.dir.clone().unwrap_or_else(std::env::temp_dir)
    }

    /// A new, empty series; returns its id.
    pub fn new_series(&mut self) -> usize {
        self.series.push(Series {
            buf: Vec::new(),
            last: NONE,
        });
        self.series.len() - 1
    }

    /// Append `v` to series `id`.
    pub fn push(&mut self, id: usize, v: f64) -> io::Result<()> {
        let s = &mut self.series[id];
        let before = s.buf.capacity();
        s.buf.push(v);
        self.held += s.buf.capacity() - before;
        if s.buf.len() >= self.chunk {
            self.flush_series(id)?;
        }
        if self.held >= self.budget {
            for id in 0..self.series.len() {
                self.flush_series(id)?;
                self.series[id].buf = Vec::new();
            }
            self.held = 0;
        }
        Ok(())
    }

    /// The file's writer, creating the file on first use.
    fn writer(&mut self) -> io::Result<&mut BufWriter<File>> {
        match self.writer {
            Some(ref mut w) => Ok(w),
            None => {
                let file = match &self.dir {
                    Some(d) => tempfile::tempfile_in(d)?,
                    None => tempfile::tempfile()?,
                };
                Ok(self.writer.insert(BufWriter::with_capacity(1 << 16, file)))
            }
        }
    }

    /// Write series `id`'s buffered values as one chunk (keeps the buffer's capacity).
    fn flush_series(&mut self, id: usize) -> io::Result<()> {
        if self.series[id].buf.is_empty() {
            return Ok(());
        }
        let offset = self.len;
        let prev = self.series[id].last;
        let buf = std::mem::take(&mut self.series[id].buf);
        let w = self.writer()?;
        w.write_all(&prev.to_le_bytes())?;
        w.write_all(&(buf.len() as u32).to_le_bytes())?;
        for v in &buf {
            w.write_all(&v.to_le_bytes())?;
        }
        self.len += (HEADER + 8 * buf.len()) as u64;
        let s = &mut self.series[id];
        s.buf = buf;
        s.buf.clear();
        s.last = offset;
        Ok(())
    }

    /// Call `f` on every value of series `id`, in the order they were pushed. Reads the file from the first
    /// chunk to the last; holds one chunk and the list of the series' chunk offsets.
    pub fn read(&mut self, id: usize, mut f: impl FnMut(f64)) -> io::Result<()> {
        let mut offsets = Vec::new();
        let mut at = self.series[id].last;
        if at != NONE {
            let Some(w) = self.writer.as_mut() else {
                return Err(io::Error::other("spill: chunk offset without a file"));
            };
            w.flush()?;
            let file = w.get_mut();
            let mut header = [0u8; HEADER];
            while at != NONE {
                offsets.push(at);
                file.seek(SeekFrom::Start(at))?;
                file.read_exact(&mut header)?;
                at = u64_le(&header[..8]);
            }
            let mut bytes = Vec::new();
            for &off in offsets.iter().rev() {
                file.seek(SeekFrom::Start(off))?;
                file.read_exact(&mut header)?;
                let count = u32_le(&header[8..]) as usize;
                bytes.resize(8 * count, 0);
                file.read_exact(&mut bytes)?;
                for b in bytes.chunks_exact(8) {
                    f(f64::from_bits(u64_le(b)));
                }
            }
            // Later chunks are appended at the end.
            file.seek(SeekFrom::Start(self.len))?;
        }
        for &v in &self.series[id].buf {
            f(v);
        }
        Ok(())
    }

    /// Bytes written to the file so far.
    pub fn bytes_on_disk(&self) -> u64 {
        self.len
    }
}

fn u64_le(b: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[..8]);
    u64::from_le_bytes(a)
}

fn u32_le(b: &[u8]) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[..4]);
    u32::from_le_bytes(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_read_back_in_order_across_chunks_and_budget_flushes() {
        let mut s = Spill::with_sizes(None, 3, 7);
        let ids: Vec<usize> = (0..4).map(|_| s.new_series()).collect();
        let mut want: Vec<Vec<f64>> = vec![Vec::new(); 4];
        for i in 0..200u32 {
            let id = ids[(i as usize * 7 + i as usize / 3) % 4];
            let v = f64::from(i) * 0.5 - 3.0;
            s.push(id, v).unwrap();
            want[id].push(v);
            if i == 150 {
                // Reading in the middle must not disturb later writes.
                let mut got = Vec::new();
                s.read(ids[1], |v| got.push(v)).unwrap();
                assert_eq!(got, want[ids[1]]);
            }
        }
        assert!(s.bytes_on_disk() > 0);
        for &id in &ids {
            let mut got = Vec::new();
            s.read(id, |v| got.push(v)).unwrap();
            assert_eq!(got, want[id]);
        }
        // -0.0 and extreme values survive bit for bit.
        let id = s.new_series();
        for v in [-0.0, f64::MIN_POSITIVE, f64::MAX, 1e-300] {
            s.push(id, v).unwrap();
        }
        let mut got = Vec::new();
        s.read(id, |v| got.push(v.to_bits())).unwrap();
        assert_eq!(
            got,
            [-0.0, f64::MIN_POSITIVE, f64::MAX, 1e-300].map(f64::to_bits)
        );
    }

    #[test]
    fn small_runs_stay_in_memory() {
        let mut s = Spill::new(Some(PathBuf::from("/nonexistent/dir")));
        let id = s.new_series();
        s.push(id, 1.0).unwrap();
        let mut got = Vec::new();
        s.read(id, |v| got.push(v)).unwrap();
        assert_eq!(got, [1.0]);
        assert_eq!(s.bytes_on_disk(), 0);
    }
}
