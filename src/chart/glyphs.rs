//! Left-side bearings of the embedded DejaVu fonts, read from the TrueType `cmap`, `hhea` and `hmtx`
//! tables.
//!
//! Why: plotters 0.3.7's ab_glyph text renderer places every glyph's *bounding box* at the pen position,
//! dropping the glyph's left-side bearing, so letters crowd or overlap ("Tr" collides, "." hugs the
//! previous digit). For bitmap output the canvas therefore draws text glyph by glyph and shifts each glyph
//! right by its bearing; this module supplies the bearings. SVG output keeps whole strings (the viewer lays
//! them out). If a table cannot be read, bearings are 0 and text is drawn as plotters would draw it.

use std::sync::OnceLock;

pub(crate) struct Bearings {
    /// ascender − descender in font units: ab_glyph's pixel size is relative to this height.
    height: f64,
    cmap4: Option<usize>,
    hmtx: usize,
    num_h: usize,
    data: &'static [u8],
}

fn u16_at(d: &[u8], o: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*d.get(o)?, *d.get(o + 1)?]))
}
fn i16_at(d: &[u8], o: usize) -> Option<i16> {
    u16_at(d, o).map(|v| v as i16)
}
fn u32_at(d: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *d.get(o)?,
        *d.get(o + 1)?,
        *d.get(o + 2)?,
        *d.get(o + 3)?,
    ]))
}

fn table(d: &[u8], tag: &[u8; 4]) -> Option<usize> {
    let n = u16_at(d, 4)? as usize;
    (0..n).find_map(|i| {
        let rec = 12 + 16 * i;
        (d.get(rec..rec + 4)? == tag).then(|| u32_at(d, rec + 8).map(|o| o as usize))?
    })
}

impl Bearings {
    fn parse(data: &'static [u8]) -> Option<Self> {
        let hhea = table(data, b"hhea")?;
        let asc = i16_at(data, hhea + 4)? as f64;
        let desc = i16_at(data, hhea + 6)? as f64;
        let num_h = u16_at(data, hhea + 34)? as usize;
        let hmtx = table(data, b"hmtx")?;
        let cmap = table(data, b"cmap")?;
        let n = u16_at(data, cmap + 2)? as usize;
        let cmap4 = (0..n).find_map(|i| {
            let rec = cmap + 4 + 8 * i;
            let (p, e) = (u16_at(data, rec)?, u16_at(data, rec + 2)?);
            let sub = cmap + u32_at(data, rec + 4)? as usize;
            ((p == 3 && e == 1) || (p == 0 && e == 3))
                .then_some(sub)
                .filter(|&s| u16_at(data, s) == Some(4))
        });
        (asc - desc > 0.0 && num_h > 0).then_some(Bearings {
            height: asc - desc,
            cmap4,
            hmtx,
            num_h,
            data,
        })
    }

    fn glyph(&self, c: char) -> u16 {
        let cp = c as u32;
        if cp > 0xFFFF {
            return 0;
        }
        let cp = cp as u16;
        self.cmap4
            .and_then(|s| {
                let d = self.data;
                let seg_x2 = u16_at(d, s + 6)? as usize;
                let ends = s + 14;
                let starts = ends + seg_x2 + 2;
                let deltas = starts + seg_x2;
                let ranges = deltas + seg_x2;
                for i in 0..seg_x2 / 2 {
                    if u16_at(d, ends + 2 * i)? < cp {
                        continue;
                    }
                    let start = u16_at(d, starts + 2 * i)?;
                    if start > cp {
                        return Some(0);
                    }
                    let delta = u16_at(d, deltas + 2 * i)?;
                    let ro = u16_at(d, ranges + 2 * i)? as usize;
                    if ro == 0 {
                        return Some(cp.wrapping_add(delta));
                    }
                    let addr = ranges + 2 * i + ro + 2 * (cp - start) as usize;
                    let g = u16_at(d, addr)?;
                    return Some(if g == 0 { 0 } else { g.wrapping_add(delta) });
                }
                Some(0)
            })
            .unwrap_or(0)
    }

    /// Left-side bearing of `c` in pixels at font size `px`, floored as ab_glyph floors glyph bounds.
    pub fn lsb_px(&self, c: char, px: f64) -> i32 {
        let g = self.glyph(c) as usize;
        let off = if g < self.num_h {
            self.hmtx + 4 * g + 2
        } else {
            self.hmtx + 4 * self.num_h + 2 * (g - self.num_h)
        };
        let lsb = i16_at(self.data, off).unwrap_or(0) as f64;
        (lsb * px / self.height).floor() as i32
    }
}

static REGULAR: OnceLock<Option<Bearings>> = OnceLock::new();
static BOLD: OnceLock<Option<Bearings>> = OnceLock::new();

pub(crate) fn bearings(bold: bool) -> Option<&'static Bearings> {
    if bold {
        BOLD.get_or_init(|| Bearings::parse(dejavu::sans::bold()))
            .as_ref()
    } else {
        REGULAR
            .get_or_init(|| Bearings::parse(dejavu::sans::regular()))
            .as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dejavu_and_maps_ascii() {
        let b = bearings(false).unwrap();
        assert_ne!(b.glyph('A'), 0);
        assert_ne!(b.glyph('ж'), 0);
        assert_eq!(b.glyph('\u{10FFFF}'), 0);
        // '.' and 'h' have a visible left bearing; 'T' almost none.
        assert!(b.lsb_px('.', 48.0) > b.lsb_px('T', 48.0));
        assert!(bearings(true).is_some());
    }
}
