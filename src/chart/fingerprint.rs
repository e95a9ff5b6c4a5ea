//! One article's "fingerprint": each metric against the corpus/reference mean (left) and the article's
//! loaded-term rate per category (right).
//!
//! Metrics have different units (rates per 1,000 words, shares), so each metric row has its own scale
//! from 0 to a nice maximum; both numbers are printed so no reader has to compare lengths across rows.

use super::bars::{empty, finite};
use super::style::*;
use super::{Fingerprint, Plot};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

const WIDTH: i32 = 1200;
const LEFT_W: i32 = 700;
const GAP: i32 = 40;

struct MetricRow {
    name: String,
    article: Option<f64>,
    reference: Option<f64>,
    lo: f64,
    hi: f64,
}

pub(crate) struct FingerprintPlot {
    title: String,
    subtitle: String,
    metrics: Vec<MetricRow>,
    cats: Vec<(String, Option<f64>)>,
    name_w: i32,
    cat_name_w: i32,
    top: i32,
    bottom: i32,
    row_h: f64,
    cat_row_h: f64,
    cat_axis: XAxis,
    foot: Vec<String>,
    height: i32,
}

impl FingerprintPlot {
    pub fn plan(fp: &Fingerprint) -> Self {
        let title = if fp.title.trim().is_empty() {
            "Article fingerprint".to_string()
        } else {
            format!("Article fingerprint — {}", fp.title.trim())
        };
        let subtitle =
            "Left: each metric for this article (dot) against the corpus mean (diamond), \
                        each row on its own scale starting at 0. Right: loaded terms per category."
                .to_string();
        let name_w_max = 230;
        let metrics: Vec<MetricRow> = fp
            .metrics
            .iter()
            .map(|(name, a, r)| {
                let (a, r) = (finite(*a), finite(*r));
                let lo = a.unwrap_or(0.0).min(r.unwrap_or(0.0)).min(0.0);
                let max = a.unwrap_or(0.0).max(r.unwrap_or(0.0));
                let ax = XAxis::nice(lo, max, 0, 300, false);
                MetricRow {
                    name: fit(name, name_w_max, SMALL_PX, false),
                    article: a,
                    reference: r,
                    lo: ax.lo,
                    hi: ax.hi,
                }
            })
            .collect();
        let cats: Vec<(String, Option<f64>)> = fp
            .categories
            .iter()
            .map(|(n, v)| {
                (
                    fit(n, 170, SMALL_PX, false),
                    Some(*v).filter(|v| v.is_finite()),
                )
            })
            .collect();
        let mut notes = Vec::new();
        if metrics
            .iter()
            .any(|m| m.article.is_none() || m.reference.is_none())
        {
            notes.push("n/a: value undefined for this article (e.g. no attributions) or no reference mean.".into());
        }
        if cats.iter().any(|c| c.1.is_none()) {
            notes.push("Categories with an undefined rate are marked n/a.".into());
        }
        let foot = footnote_lines(&notes, WIDTH);
        let top = header_height(&subtitle, WIDTH) + 60;
        let cat_axis_h = 62;
        let bottom_h = cat_axis_h + 12 + FOOT_LINE_H * foot.len() as i32 + 12;
        let n = metrics.len().max(cats.len()).max(1) as i32;
        let avail = 700 - top - bottom_h;
        let row = (avail / n).clamp(30, 56);
        let height = (top + row * n + bottom_h).max(480);
        let bottom = height - bottom_h;
        let row_h = (bottom - top) as f64 / metrics.len().max(1) as f64;
        let cat_row_h = ((bottom - top) as f64 / cats.len().max(1) as f64).min(56.0);
        let name_w = metrics
            .iter()
            .map(|m| text_width(&m.name, SMALL_PX, false))
            .max()
            .unwrap_or(0);
        let cat_name_w = cats
            .iter()
            .map(|c| text_width(&c.0, SMALL_PX, false))
            .max()
            .unwrap_or(0);
        let cx0 = MARGIN + LEFT_W + GAP + cat_name_w + 10;
        let cmax = cats.iter().filter_map(|c| c.1).fold(0.0f64, f64::max);
        let cat_axis = XAxis::nice(0.0, cmax * 1.2, cx0, WIDTH - MARGIN - 10, false);
        FingerprintPlot {
            title,
            subtitle,
            metrics,
            cats,
            name_w,
            cat_name_w,
            top,
            bottom,
            row_h,
            cat_row_h,
            cat_axis,
            foot,
            height,
        }
    }
}

fn diamond<DB: DrawingBackend>(c: &Canvas<DB>, (x, y): (i32, i32), s: i32) -> DResult<DB> {
    c.polygon(
        vec![(x, y - s), (x + s, y), (x, y + s), (x - s, y)],
        OI_BLACK.filled(),
    )
}

impl Plot for FingerprintPlot {
    fn size(&self) -> (u32, u32) {
        (WIDTH as u32, self.height as u32)
    }

    fn draw<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> DResult<DB> {
        if self.metrics.is_empty() && self.cats.is_empty() {
            return empty(
                c,
                &self.title,
                &self.subtitle,
                "No data: no metrics for this article",
            );
        }
        c.header(&self.title, &self.subtitle)?;
        // Left panel: metrics.
        let lx0 = MARGIN;
        let ptitle_y = self.top - 52;
        c.text(
            "This article vs corpus mean",
            (lx0, ptitle_y),
            18,
            true,
            TEXT,
            HPos::Left,
            VPos::Top,
        )?;
        // Legend for the markers.
        let ly = ptitle_y + 30;
        let lgx = lx0 + self.name_w + 12;
        c.circle((lgx + 6, ly), 7, OI_BLUE.filled())?;
        c.text(
            "this article",
            (lgx + 18, ly),
            SMALL_PX,
            false,
            TEXT,
            HPos::Left,
            VPos::Center,
        )?;
        let lgx2 = lgx + 24 + text_width("this article", SMALL_PX, false) + 20;
        diamond(c, (lgx2 + 6, ly), 7)?;
        c.text(
            "corpus mean",
            (lgx2 + 18, ly),
            SMALL_PX,
            false,
            TEXT,
            HPos::Left,
            VPos::Center,
        )?;
        let tx0 = lx0 + self.name_w + 18;
        let value_w = 200;
        let tx1 = lx0 + LEFT_W - value_w;
        for (i, m) in self.metrics.iter().enumerate() {
            let y = self.top + (self.row_h * (i as f64 + 0.5)).round() as i32;
            c.text(
                &m.name,
                (lx0 + self.name_w, y),
                SMALL_PX,
                false,
                TEXT,
                HPos::Right,
                VPos::Center,
            )?;
            let ax = XAxis {
                lo: m.lo,
                hi: m.hi,
                step: m.hi - m.lo,
                x0: tx0,
                x1: tx1,
                pct: false,
            };
            c.line(vec![(tx0, y), (tx1, y)], GRID, 6)?;
            c.line(vec![(ax.px(0.0), y - 8), (ax.px(0.0), y + 8)], AXIS, 1)?;
            if self.row_h >= 44.0 {
                // The row's own scale, under the ends of the track.
                for v in [m.lo, m.hi] {
                    let pos = (ax.px(v), y + 9);
                    c.text(
                        &ax.label(v),
                        pos,
                        SMALL_PX,
                        false,
                        MUTED,
                        HPos::Center,
                        VPos::Top,
                    )?;
                }
            }
            if let (Some(a), Some(r)) = (m.article, m.reference) {
                c.line(vec![(ax.px(a), y), (ax.px(r), y)], AXIS, 2)?;
            }
            if let Some(r) = m.reference {
                diamond(c, (ax.px(r), y), 7)?;
            }
            if let Some(a) = m.article {
                c.circle((ax.px(a), y), 7, OI_BLUE.filled())?;
            }
            let fmt = |v: Option<f64>| v.map_or("n/a".to_string(), fmt_value);
            let label = format!("{}  (mean {})", fmt(m.article), fmt(m.reference));
            c.text(
                &label,
                (tx1 + 30, y),
                SMALL_PX,
                false,
                TEXT,
                HPos::Left,
                VPos::Center,
            )?;
        }
        // Right panel: categories.
        let rx0 = MARGIN + LEFT_W + GAP;
        c.line(
            vec![(rx0 - GAP / 2, ptitle_y), (rx0 - GAP / 2, self.bottom)],
            GRID,
            1,
        )?;
        c.text(
            "Loaded terms by category",
            (rx0, ptitle_y),
            18,
            true,
            TEXT,
            HPos::Left,
            VPos::Top,
        )?;
        if self.cats.is_empty() {
            c.text(
                "no categories",
                (rx0, self.top + 20),
                SMALL_PX,
                false,
                MUTED,
                HPos::Left,
                VPos::Center,
            )?;
        } else {
            let ax = &self.cat_axis;
            let cat_bottom = self.top + (self.cat_row_h * self.cats.len() as f64).round() as i32;
            c.x_axis(ax, self.top, cat_bottom, "per 1,000 authorial words")?;
            let bar_h = ((self.cat_row_h * 0.6).round() as i32).min(28);
            for (i, (name, v)) in self.cats.iter().enumerate() {
                let y = self.top + (self.cat_row_h * (i as f64 + 0.5)).round() as i32;
                c.text(
                    name,
                    (rx0 + self.cat_name_w, y),
                    SMALL_PX,
                    false,
                    TEXT,
                    HPos::Right,
                    VPos::Center,
                )?;
                match v {
                    Some(v) => {
                        let xv = ax.px(*v);
                        if xv > ax.x0 {
                            c.fill((ax.x0, y - bar_h / 2), (xv, y + bar_h / 2), OI_ORANGE)?;
                        } else {
                            c.line(
                                vec![(ax.x0, y - bar_h / 2), (ax.x0, y + bar_h / 2)],
                                OI_ORANGE,
                                3,
                            )?;
                        }
                        c.text(
                            &fmt_value(*v),
                            (xv + 5, y),
                            SMALL_PX,
                            false,
                            TEXT,
                            HPos::Left,
                            VPos::Center,
                        )?;
                    }
                    None => {
                        c.text(
                            "n/a",
                            (ax.x0 + 6, y),
                            SMALL_PX,
                            false,
                            MUTED,
                            HPos::Left,
                            VPos::Center,
                        )?;
                    }
                }
            }
        }
        c.footnotes(&self.foot)
    }
}
