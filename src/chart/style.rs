//! Drawing primitives shared by all charts: fonts, the colour palettes, text measuring and truncation,
//! a pixel-space canvas over any plotters backend, and "nice" numeric axes.
//!
//! Charts are laid out in pixel coordinates (not with `ChartBuilder`) so that label placement, truncation
//! and spacing are fully under our control and identical for the PNG and SVG backends.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle, RGBColor, ShapeStyle};
use unicode_segmentation::UnicodeSegmentation;

/// Result of a drawing operation on backend `DB`.
pub(crate) type DResult<DB, T = ()> =
    Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Font family name under which the embedded DejaVu Sans faces are registered.
pub(crate) const FAMILY: &str = "sans-serif";

/// Font sizes in pixels: never below 15 (ab_glyph spacing degrades under that) and always even, because
/// plotters' ab_glyph renderer rounds the baseline of odd sizes differently for short and tall glyphs
/// (a "." then floats 1 px above the digits).
pub(crate) const TITLE_PX: u32 = 24;
pub(crate) const SUBTITLE_PX: u32 = 16;
pub(crate) const LABEL_PX: u32 = 16;
pub(crate) const SMALL_PX: u32 = 16;

/// Outer margin of every chart.
pub(crate) const MARGIN: i32 = 24;

// Okabe–Ito colour-blind-safe qualitative palette (Okabe & Ito 2008), in the order used for series.
pub(crate) const OI_BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
pub(crate) const OI_ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
pub(crate) const OI_GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
pub(crate) const OI_VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
pub(crate) const OI_SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
pub(crate) const OI_PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
pub(crate) const OI_YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
pub(crate) const OI_BLACK: RGBColor = RGBColor(0x00, 0x00, 0x00);

/// Series colours, most distinguishable first.
pub(crate) const SERIES: [RGBColor; 8] = [
    OI_BLUE,
    OI_ORANGE,
    OI_GREEN,
    OI_VERMILLION,
    OI_SKY,
    OI_PURPLE,
    OI_YELLOW,
    OI_BLACK,
];

pub(crate) const TEXT: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub(crate) const MUTED: RGBColor = RGBColor(0x5F, 0x5F, 0x5F);
pub(crate) const GRID: RGBColor = RGBColor(0xE3, 0xE3, 0xE3);
pub(crate) const AXIS: RGBColor = RGBColor(0x88, 0x88, 0x88);
pub(crate) const MISSING: RGBColor = RGBColor(0xD9, 0xD9, 0xD9);
pub(crate) const REMAINDER: RGBColor = RGBColor(0xBB, 0xBB, 0xBB);

/// Colour of series `i` (cycles after 8; callers note the reuse).
pub(crate) fn series_color(i: usize) -> RGBColor {
    SERIES[i % SERIES.len()]
}

/// Paul Tol's sequential YlOrBr scheme (colour-blind safe, light = low).
const YLORBR: [(u8, u8, u8); 9] = [
    (0xFF, 0xFF, 0xE5),
    (0xFF, 0xF7, 0xBC),
    (0xFE, 0xE3, 0x91),
    (0xFE, 0xC4, 0x4F),
    (0xFB, 0x9A, 0x29),
    (0xEC, 0x70, 0x14),
    (0xCC, 0x4C, 0x02),
    (0x99, 0x34, 0x04),
    (0x66, 0x25, 0x06),
];

/// Sequential colour for `t` in [0, 1] (clamped; NaN maps to 0).
pub(crate) fn sequential(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let pos = t * (YLORBR.len() - 1) as f64;
    let i = (pos.floor() as usize).min(YLORBR.len() - 2);
    let f = pos - i as f64;
    let (a, b) = (YLORBR[i], YLORBR[i + 1]);
    let mix = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Black or white, whichever reads better on `bg` (relative luminance threshold).
pub(crate) fn text_on(bg: RGBColor) -> RGBColor {
    let lin = |c: u8| {
        let c = c as f64 / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(bg.0) + 0.7152 * lin(bg.1) + 0.0722 * lin(bg.2);
    if l > 0.30 {
        RGBColor(0x11, 0x11, 0x11)
    } else {
        RGBColor(0xFF, 0xFF, 0xFF)
    }
}

pub(crate) fn font(px: u32, bold: bool) -> FontDesc<'static> {
    let style = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    FontDesc::new(FontFamily::Name(FAMILY), px as f64, style)
}

/// Width in pixels of `s` at `px` (0 if the font cannot measure it).
pub(crate) fn text_width(s: &str, px: u32, bold: bool) -> i32 {
    font(px, bold)
        .box_size(s)
        .map(|(w, _)| w as i32)
        .unwrap_or(0)
}

/// `s` shortened to at most `max_px` pixels, ending in "…" when shortened. Cuts at grapheme boundaries,
/// so combining marks and emoji sequences are never split.
pub(crate) fn fit(s: &str, max_px: i32, px: u32, bold: bool) -> String {
    let s = s.trim();
    if text_width(s, px, bold) <= max_px {
        return s.to_string();
    }
    let graphemes: Vec<&str> = s.graphemes(true).collect();
    // Binary search the longest prefix that fits together with the ellipsis.
    let (mut lo, mut hi) = (0usize, graphemes.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let cand = format!("{}…", graphemes[..mid].concat().trim_end());
        if text_width(&cand, px, bold) <= max_px {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    if lo == 0 {
        return "…".to_string();
    }
    format!("{}…", graphemes[..lo].concat().trim_end())
}

/// Greedy word wrap of `s` into lines of at most `max_px` (over-long words are truncated).
pub(crate) fn wrap(s: &str, max_px: i32, px: u32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        let cand = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if text_width(&cand, px, false) <= max_px || cur.is_empty() {
            cur = cand;
        } else {
            lines.push(fit(&cur, max_px, px, false));
            cur = word.to_string();
        }
    }
    if !cur.is_empty() {
        lines.push(fit(&cur, max_px, px, false));
    }
    lines
}

/// A compact number for value labels: 2 decimals below 10, 1 below 100, none above.
pub(crate) fn fmt_value(v: f64) -> String {
    let a = v.abs();
    if a >= 10_000.0 {
        compact(v)
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// Large numbers with a k/M/G suffix ("12.5k", "3M") so that labels stay short.
pub(crate) fn compact(v: f64) -> String {
    let a = v.abs();
    let (d, suffix) = if a >= 1e9 {
        (1e9, "G")
    } else if a >= 1e6 {
        (1e6, "M")
    } else if a >= 1e3 {
        (1e3, "k")
    } else {
        (1.0, "")
    };
    let x = v / d;
    let s = if (x - x.round()).abs() < 0.05 {
        format!("{:.0}", x)
    } else {
        format!("{x:.1}")
    };
    format!("{s}{suffix}")
}

/// A share in [0, 1] as a whole percentage ("<1%" for small non-zero shares).
pub(crate) fn fmt_pct(v: f64) -> String {
    if v > 0.0 && v < 0.005 {
        "<1%".to_string()
    } else {
        format!("{:.0}%", v * 100.0)
    }
}

/// Step of roughly `target` intervals over `span`, from the 1–2–2.5–5 sequence.
pub(crate) fn nice_step(span: f64, target: usize) -> f64 {
    if !(span.is_finite() && span > 0.0) {
        return 1.0;
    }
    let raw = span / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let nf = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 2.5 {
        2.5
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nf * mag
}

/// A linear horizontal axis from `lo` to `hi` mapped to pixels `x0..x1`.
#[derive(Debug, Clone)]
pub(crate) struct XAxis {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
    pub x0: i32,
    pub x1: i32,
    /// Tick labels as percentages of 1.0.
    pub pct: bool,
}

impl XAxis {
    /// Axis from 0 (or `min` if negative) to a nice value ≥ `max`; degenerate or non-finite input gives
    /// 0..1.
    pub fn nice(min: f64, max: f64, x0: i32, x1: i32, pct: bool) -> Self {
        let min = if min.is_finite() { min.min(0.0) } else { 0.0 };
        let mut max = if max.is_finite() { max.max(0.0) } else { 0.0 };
        if max - min <= 0.0 {
            max = min + 1.0;
        }
        let target = (((x1 - x0) / 110).clamp(3, 8)) as usize;
        let step = nice_step(max - min, target);
        let lo = (min / step).floor() * step;
        let hi = (max / step - 1e-9).ceil() * step;
        XAxis {
            lo,
            hi: if hi > lo { hi } else { lo + step },
            step,
            x0,
            x1,
            pct,
        }
    }

    pub fn px(&self, v: f64) -> i32 {
        let t = (v - self.lo) / (self.hi - self.lo);
        let t = if t.is_finite() {
            t.clamp(-0.05, 1.05)
        } else {
            0.0
        };
        self.x0 + ((self.x1 - self.x0) as f64 * t).round() as i32
    }

    pub fn ticks(&self) -> Vec<f64> {
        let n = ((self.hi - self.lo) / self.step).round() as i64;
        (0..=n.clamp(0, 50))
            .map(|i| self.lo + i as f64 * self.step)
            .collect()
    }

    pub fn label(&self, v: f64) -> String {
        let v = if v.abs() < self.step * 1e-6 { 0.0 } else { v };
        if self.pct {
            let step = self.step * 100.0;
            let d = decimals(step);
            format!("{:.*}%", d, v * 100.0)
        } else if self.hi.abs().max(self.lo.abs()) >= 10_000.0 {
            compact(v)
        } else {
            format!("{:.*}", decimals(self.step), v)
        }
    }
}

fn decimals(step: f64) -> usize {
    if step >= 1.0 && (step - step.round()).abs() < 1e-9 {
        0
    } else {
        let mut d = 0usize;
        let mut s = step;
        while d < 6 && (s - s.round()).abs() > 1e-6 {
            s *= 10.0;
            d += 1;
        }
        d
    }
}

/// Deterministic pseudo-random value in [-1, 1] from two integers (SplitMix64 finaliser) — used for
/// jitter so output bytes never depend on an RNG.
pub(crate) fn hash_unit(a: u64, b: u64) -> f64 {
    let mut z = a
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(b)
        .wrapping_add(0x6A09_E667_F3BC_C909);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
}

/// Pixel-space drawing helpers over any backend.
pub(crate) struct Canvas<'a, DB: DrawingBackend> {
    pub area: &'a DrawingArea<DB, Shift>,
    pub w: i32,
    pub h: i32,
    /// Draw text glyph by glyph with bearing correction (bitmap output; see [`super::glyphs`]).
    pub per_glyph: bool,
}

impl<'a, DB: DrawingBackend> Canvas<'a, DB> {
    pub fn new(area: &'a DrawingArea<DB, Shift>, per_glyph: bool) -> Self {
        let (w, h) = area.dim_in_pixel();
        Canvas {
            area,
            w: w as i32,
            h: h as i32,
            per_glyph,
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &self,
        s: &str,
        (x, y): (i32, i32),
        px: u32,
        bold: bool,
        color: RGBColor,
        h: HPos,
        v: VPos,
    ) -> DResult<DB> {
        if s.is_empty() {
            return Ok(());
        }
        if !self.per_glyph {
            let style = font(px, bold).color(&color).pos(Pos::new(h, v));
            return self.area.draw_text(s, &style, (x, y));
        }
        let total = text_width(s, px, bold);
        let x0 = match h {
            HPos::Left => x,
            HPos::Center => x - total / 2,
            HPos::Right => x - total,
        };
        // plotters puts the baseline of ab_glyph text at top + size/2, so "centred" text sits high:
        // move it down by ~0.2 em to centre the cap/x-height band on `y`.
        let y = if matches!(v, VPos::Center) {
            y + (px as i32) / 5
        } else {
            y
        };
        let style = font(px, bold).color(&color).pos(Pos::new(HPos::Left, v));
        let bearings = super::glyphs::bearings(bold);
        let mut prefix = String::with_capacity(s.len());
        let mut buf = [0u8; 4];
        for ch in s.chars() {
            prefix.push(ch);
            if ch.is_whitespace() {
                continue;
            }
            let one: &str = ch.encode_utf8(&mut buf);
            // Pen position of this glyph: the prefix width (with kerning) minus its own advance.
            let pen = text_width(&prefix, px, bold) - text_width(one, px, bold);
            let lsb = bearings.map_or(0, |b| b.lsb_px(ch, px as f64));
            self.area.draw_text(one, &style, (x0 + pen + lsb, y))?;
        }
        Ok(())
    }

    /// Left-aligned text whose top is at `y`.
    pub fn text_l(&self, s: &str, pos: (i32, i32), px: u32, color: RGBColor) -> DResult<DB> {
        self.text(s, pos, px, false, color, HPos::Left, VPos::Top)
    }

    pub fn rect(
        &self,
        (x0, y0): (i32, i32),
        (x1, y1): (i32, i32),
        style: ShapeStyle,
    ) -> DResult<DB> {
        self.area.draw(&Rectangle::new([(x0, y0), (x1, y1)], style))
    }

    pub fn fill(&self, a: (i32, i32), b: (i32, i32), color: RGBColor) -> DResult<DB> {
        self.rect(a, b, color.filled())
    }

    pub fn line(&self, pts: Vec<(i32, i32)>, color: RGBColor, width: u32) -> DResult<DB> {
        self.area
            .draw(&PathElement::new(pts, color.stroke_width(width)))
    }

    pub fn styled_line(&self, pts: Vec<(i32, i32)>, style: ShapeStyle) -> DResult<DB> {
        self.area.draw(&PathElement::new(pts, style))
    }

    pub fn circle(&self, c: (i32, i32), r: i32, style: ShapeStyle) -> DResult<DB> {
        self.area.draw(&Circle::new(c, r, style))
    }

    pub fn polygon(&self, pts: Vec<(i32, i32)>, style: ShapeStyle) -> DResult<DB> {
        self.area.draw(&Polygon::new(pts, style))
    }

    /// Title (bold) and optional subtitle at the top left; returns the y below them.
    pub fn header(&self, title: &str, subtitle: &str) -> DResult<DB, i32> {
        let max = self.w - 2 * MARGIN;
        let t = fit(title, max, TITLE_PX, true);
        self.text(
            &t,
            (MARGIN, 16),
            TITLE_PX,
            true,
            TEXT,
            HPos::Left,
            VPos::Top,
        )?;
        let mut y = 16 + 32;
        if !subtitle.is_empty() {
            for line in wrap(subtitle, max, SUBTITLE_PX) {
                self.text_l(&line, (MARGIN, y), SUBTITLE_PX, MUTED)?;
                y += 22;
            }
        }
        Ok(y + 8)
    }

    /// Footnote lines (pre-wrapped by [`footnote_lines`]) at the bottom left.
    pub fn footnotes(&self, lines: &[String]) -> DResult<DB> {
        let mut y = self.h - 12 - FOOT_LINE_H * lines.len() as i32;
        for line in lines {
            self.text_l(line, (MARGIN, y), SMALL_PX, MUTED)?;
            y += FOOT_LINE_H;
        }
        Ok(())
    }

    /// A grey centred message in the box, for charts with nothing to show.
    pub fn message(&self, msg: &str, (x0, y0): (i32, i32), (x1, y1): (i32, i32)) -> DResult<DB> {
        self.rect((x0, y0), (x1, y1), GRID.stroke_width(1))?;
        let m = fit(msg, (x1 - x0 - 20).max(20), 20, false);
        self.text(
            &m,
            ((x0 + x1) / 2, (y0 + y1) / 2),
            20,
            false,
            MUTED,
            HPos::Center,
            VPos::Center,
        )
    }

    /// Vertical grid lines, tick labels under `y_bottom` and the axis title below them.
    pub fn x_axis(&self, ax: &XAxis, y_top: i32, y_bottom: i32, title: &str) -> DResult<DB> {
        for t in ax.ticks() {
            let x = ax.px(t);
            let color = if t.abs() < ax.step * 1e-6 { AXIS } else { GRID };
            self.line(vec![(x, y_top), (x, y_bottom)], color, 1)?;
            self.line(vec![(x, y_bottom), (x, y_bottom + 5)], AXIS, 1)?;
            self.text(
                &ax.label(t),
                (x, y_bottom + 8),
                SMALL_PX,
                false,
                TEXT,
                HPos::Center,
                VPos::Top,
            )?;
        }
        self.line(vec![(ax.x0, y_bottom), (ax.x1, y_bottom)], AXIS, 1)?;
        let t = fit(title, (ax.x1 - ax.x0).max(60) + 40, LABEL_PX, false);
        self.text(
            &t,
            ((ax.x0 + ax.x1) / 2, y_bottom + 32),
            LABEL_PX,
            false,
            TEXT,
            HPos::Center,
            VPos::Top,
        )
    }

    /// Horizontal legend of colour swatches starting at `y`, wrapping within the chart width. Returns the
    /// y below it.
    pub fn legend(&self, items: &[(String, RGBColor)], y: i32, x0: i32) -> DResult<DB, i32> {
        let rows = legend_rows(items, self.w - MARGIN - x0);
        let mut yy = y;
        for row in rows {
            let mut x = x0;
            for (label, color) in row {
                self.fill((x, yy + 2), (x + 16, yy + 18), color)?;
                self.rect((x, yy + 2), (x + 16, yy + 18), AXIS.stroke_width(1))?;
                self.text(
                    &label,
                    (x + 22, yy + 10),
                    LABEL_PX,
                    false,
                    TEXT,
                    HPos::Left,
                    VPos::Center,
                )?;
                x += 22 + text_width(&label, LABEL_PX, false) + 22;
            }
            yy += LEGEND_ROW_H;
        }
        Ok(yy)
    }
}

pub(crate) const FOOT_LINE_H: i32 = 20;
pub(crate) const LEGEND_ROW_H: i32 = 26;

/// Legend items split into rows that fit `max_w` pixels; labels are truncated to at most 260 px.
pub(crate) fn legend_rows(
    items: &[(String, RGBColor)],
    max_w: i32,
) -> Vec<Vec<(String, RGBColor)>> {
    let mut rows: Vec<Vec<(String, RGBColor)>> = Vec::new();
    let mut cur: Vec<(String, RGBColor)> = Vec::new();
    let mut x = 0;
    for (label, color) in items {
        let label = fit(label, 260, LABEL_PX, false);
        let w = 22 + text_width(&label, LABEL_PX, false) + 22;
        if x + w > max_w && !cur.is_empty() {
            rows.push(std::mem::take(&mut cur));
            x = 0;
        }
        x += w;
        cur.push((label, *color));
    }
    if !cur.is_empty() {
        rows.push(cur);
    }
    rows
}

/// Footnotes wrapped to the chart width.
pub(crate) fn footnote_lines(notes: &[String], width: i32) -> Vec<String> {
    notes
        .iter()
        .flat_map(|n| wrap(n, width - 2 * MARGIN, SMALL_PX))
        .collect()
}

/// Height taken by the header for a given subtitle.
pub(crate) fn header_height(subtitle: &str, width: i32) -> i32 {
    let lines = if subtitle.is_empty() {
        0
    } else {
        wrap(subtitle, width - 2 * MARGIN, SUBTITLE_PX).len() as i32
    };
    16 + 32 + 22 * lines + 8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_axis_basics() {
        let ax = XAxis::nice(0.0, 7.3, 0, 800, false);
        assert_eq!(ax.lo, 0.0);
        assert!(ax.hi >= 7.3 && ax.hi <= 10.0, "{ax:?}");
        let ax = XAxis::nice(0.0, 0.0, 0, 800, false);
        assert_eq!((ax.lo, ax.hi), (0.0, 1.0));
        let ax = XAxis::nice(f64::NAN, f64::INFINITY, 0, 800, true);
        assert!(ax.hi > ax.lo);
        assert_eq!(XAxis::nice(0.0, 1.0, 0, 800, true).label(0.5), "50%");
        assert_eq!(XAxis::nice(0.0, 1.2e9, 0, 800, false).label(1.2e9), "1.2G");
        assert_eq!(fmt_value(25_000.0), "25k");
        assert_eq!(fmt_value(2.345), "2.35");
    }

    #[test]
    fn hash_unit_in_range_and_stable() {
        for i in 0..1000 {
            let v = hash_unit(3, i);
            assert!((-1.0..=1.0).contains(&v));
        }
        assert_eq!(hash_unit(1, 2), hash_unit(1, 2));
        assert_ne!(hash_unit(1, 2), hash_unit(1, 3));
    }

    #[test]
    fn sequential_endpoints() {
        assert_eq!(sequential(0.0), RGBColor(0xFF, 0xFF, 0xE5));
        assert_eq!(sequential(1.0), RGBColor(0x66, 0x25, 0x06));
        assert_eq!(sequential(f64::NAN), sequential(0.0));
    }
}
