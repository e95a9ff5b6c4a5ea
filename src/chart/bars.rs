//! Charts with one horizontal row per outlet: loaded rate with CIs, attribution sides (100% stacked),
//! sourcing mix (grouped bars) and article-level distributions (box plot with jittered points).
//!
//! Horizontal rows keep outlet names readable for any number of outlets: names are right-aligned in a
//! left column (truncated with "…"), followed by a grey "n = …" column, and the image grows taller when
//! there are many outlets instead of squeezing rows.

use super::style::*;
use super::{full_title, ChartInput, OutletStats, Plot};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

pub(crate) const WIDTH: i32 = 1200;
pub(crate) const MIN_HEIGHT: i32 = 700;
/// Space under the plot for tick labels and the axis title.
pub(crate) const AXIS_H: i32 = 62;
const MAX_NAME_PX: i32 = 300;

/// Pixel layout of the outlet rows.
#[derive(Debug, Clone)]
pub(crate) struct Rows {
    pub names: Vec<String>,
    pub ns: Vec<String>,
    pub name_right: i32,
    pub n_right: i32,
    pub x0: i32,
    pub x1: i32,
    pub top: i32,
    pub bottom: i32,
    pub row_h: f64,
}

impl Rows {
    /// Lays out `outlets` below `top`, leaving `bottom_h` pixels under the rows (axis + footnotes). Rows
    /// share the space of a 700 px tall image but are at least `min_row_h` tall (the image grows) and at
    /// most `max_row_h` (the image shrinks). Returns the layout and the image height.
    #[allow(clippy::too_many_arguments)]
    pub fn plan(
        outlets: &[OutletStats],
        width: i32,
        top: i32,
        bottom_h: i32,
        min_row_h: i32,
        max_row_h: i32,
        right_reserve: i32,
        counts: Option<&[usize]>,
    ) -> (Rows, i32) {
        let n = outlets.len().max(1) as i32;
        let avail = MIN_HEIGHT - top - bottom_h;
        let row_h = (avail / n).clamp(min_row_h, max_row_h);
        let height = top + row_h * n + bottom_h;
        let names: Vec<String> = outlets
            .iter()
            .map(|o| {
                let name = if o.outlet.trim().is_empty() {
                    "(unnamed)"
                } else {
                    o.outlet.as_str()
                };
                fit(name, MAX_NAME_PX, LABEL_PX, false)
            })
            .collect();
        let ns: Vec<String> = match counts {
            Some(c) => c.iter().map(|n| format!("n = {n}")).collect(),
            None => outlets.iter().map(|o| format!("n = {}", o.n)).collect(),
        };
        let name_w = names
            .iter()
            .map(|s| text_width(s, LABEL_PX, false))
            .max()
            .unwrap_or(0);
        let n_w = ns
            .iter()
            .map(|s| text_width(s, SMALL_PX, false))
            .max()
            .unwrap_or(0);
        let name_right = MARGIN + name_w;
        let n_right = name_right + 14 + n_w;
        let x0 = n_right + 18;
        let x1 = width - MARGIN - right_reserve;
        (
            Rows {
                names,
                ns,
                name_right,
                n_right,
                x0,
                x1,
                top,
                bottom: top + row_h * n,
                row_h: row_h as f64,
            },
            height,
        )
    }

    pub fn center(&self, i: usize) -> i32 {
        self.top + (self.row_h * (i as f64 + 0.5)).round() as i32
    }

    pub fn draw_labels<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> DResult<DB> {
        for (i, (name, n)) in self.names.iter().zip(&self.ns).enumerate() {
            let y = self.center(i);
            c.text(
                name,
                (self.name_right, y),
                LABEL_PX,
                false,
                TEXT,
                HPos::Right,
                VPos::Center,
            )?;
            c.text(
                n,
                (self.n_right, y),
                SMALL_PX,
                false,
                MUTED,
                HPos::Right,
                VPos::Center,
            )?;
        }
        Ok(())
    }

    /// Light separators between rows (helps reading across many rows).
    pub fn draw_separators<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> DResult<DB> {
        for i in 1..self.names.len() {
            let y = self.top + (self.row_h * i as f64).round() as i32;
            c.line(
                vec![(MARGIN, y), (self.x1, y)],
                RGBColor(0xF0, 0xF0, 0xF0),
                1,
            )?;
        }
        Ok(())
    }
}

pub(crate) fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

pub(crate) fn name_list(names: &[&str]) -> String {
    const MAX: usize = 4;
    let mut s = names
        .iter()
        .take(MAX)
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > MAX {
        s.push_str(&format!(" and {} more", names.len() - MAX));
    }
    s
}

/// Common frame of the empty chart.
pub(crate) fn empty<DB: DrawingBackend>(
    c: &Canvas<DB>,
    title: &str,
    subtitle: &str,
    msg: &str,
) -> DResult<DB> {
    let y = c.header(title, subtitle)?;
    c.message(msg, (MARGIN, y + 10), (c.w - MARGIN, c.h - MARGIN))
}

// ---------------------------------------------------------------------------------------------------
// 1. Loaded rate with CI

/// A mean and its (low, high, low-was-cut-at-0) confidence interval, both optional.
type MeanCi = (Option<f64>, Option<(f64, f64, bool)>);

pub(crate) struct LoadedRate {
    title: String,
    subtitle: String,
    rows: Rows,
    axis: XAxis,
    /// mean, (ci low, ci high) per outlet
    values: Vec<MeanCi>,
    foot: Vec<String>,
    height: i32,
}

impl LoadedRate {
    pub fn plan(input: &ChartInput) -> Self {
        let title = full_title(&input.title_prefix, "Loaded language by outlet");
        let subtitle =
            "Mean weighted loaded terms per 1,000 authorial words; whiskers: 95% confidence \
                        interval; n = articles"
                .to_string();
        let mut notes = Vec::new();
        let mut missing = Vec::new();
        let mut no_ci = Vec::new();
        let mut cut = false;
        let values: Vec<_> = input
            .outlets
            .iter()
            .map(|o| {
                let mean = finite(o.loaded_rate.mean);
                let ci = match (
                    finite(o.loaded_rate.ci95_low),
                    finite(o.loaded_rate.ci95_high),
                ) {
                    (Some(l), Some(h)) if mean.is_some() && l <= h => {
                        cut |= l < 0.0;
                        Some((l.max(0.0), h, l < 0.0))
                    }
                    _ => None,
                };
                if mean.is_none() {
                    missing.push(o.outlet.as_str());
                } else if ci.is_none() {
                    no_ci.push(o.outlet.as_str());
                }
                (mean, ci)
            })
            .collect();
        if !missing.is_empty() {
            notes.push(format!(
                "No data (rate undefined, e.g. no authorial words): {}.",
                name_list(&missing)
            ));
        }
        if !no_ci.is_empty() {
            notes.push(format!(
                "No confidence interval (e.g. fewer than 2 articles): {}.",
                name_list(&no_ci)
            ));
        }
        if !values.is_empty()
            && values
                .iter()
                .all(|(m, _)| !matches!(m, Some(v) if *v != 0.0))
        {
            notes.push("All rates are 0: no loaded terms were found.".into());
        }
        if cut {
            notes.push(
                "Confidence intervals below 0 are cut at 0 (a rate cannot be negative).".into(),
            );
        }
        let foot = footnote_lines(&notes, WIDTH);
        let top = header_height(&subtitle, WIDTH) + 8;
        let bottom_h = AXIS_H + 16 + FOOT_LINE_H * foot.len() as i32 + 12;
        let (rows, height) = Rows::plan(&input.outlets, WIDTH, top, bottom_h, 34, 96, 12, None);
        let max = values
            .iter()
            .map(|(m, ci)| ci.map_or(m.unwrap_or(0.0), |c| c.1.max(m.unwrap_or(0.0))))
            .fold(0.0, f64::max);
        // Head-room for the value labels right of the whiskers.
        let axis = XAxis::nice(0.0, max * 1.16, rows.x0, rows.x1, false);
        LoadedRate {
            title,
            subtitle,
            rows,
            axis,
            values,
            foot,
            height,
        }
    }
}

impl Plot for LoadedRate {
    fn size(&self) -> (u32, u32) {
        (WIDTH as u32, self.height as u32)
    }

    fn draw<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> DResult<DB> {
        if self.values.is_empty() {
            return empty(
                c,
                &self.title,
                &self.subtitle,
                "No data: no outlets to show",
            );
        }
        c.header(&self.title, &self.subtitle)?;
        let r = &self.rows;
        c.x_axis(
            &self.axis,
            r.top,
            r.bottom,
            "Loaded terms per 1,000 authorial words (weighted)",
        )?;
        r.draw_labels(c)?;
        let bar_h = ((r.row_h * 0.56).round() as i32).min(30);
        for (i, (mean, ci)) in self.values.iter().enumerate() {
            let y = r.center(i);
            let Some(m) = mean else {
                c.text(
                    "no data",
                    (r.x0 + 8, y),
                    SMALL_PX,
                    false,
                    MUTED,
                    HPos::Left,
                    VPos::Center,
                )?;
                continue;
            };
            let xm = self.axis.px(*m);
            if xm > r.x0 {
                c.fill((r.x0, y - bar_h / 2), (xm, y + bar_h / 2), OI_BLUE)?;
            } else {
                // A zero rate: a thin mark so the row does not look empty.
                c.line(
                    vec![(r.x0, y - bar_h / 2), (r.x0, y + bar_h / 2)],
                    OI_BLUE,
                    3,
                )?;
            }
            let mut label_x = xm;
            if let Some((lo, hi, cut)) = ci {
                let (xl, xh) = (self.axis.px(*lo), self.axis.px(*hi));
                let cap = (bar_h / 2 + 4).min((r.row_h / 2.0) as i32 - 2);
                c.line(vec![(xl, y), (xh, y)], OI_BLACK, 2)?;
                // No cap where the interval was cut at 0: it continues beyond the axis.
                if !cut {
                    c.line(vec![(xl, y - cap), (xl, y + cap)], OI_BLACK, 2)?;
                }
                c.line(vec![(xh, y - cap), (xh, y + cap)], OI_BLACK, 2)?;
                label_x = label_x.max(xh);
            }
            let label = if ci.is_some() {
                fmt_value(*m)
            } else {
                format!("{} (no CI)", fmt_value(*m))
            };
            c.text(
                &label,
                (label_x + 8, y),
                SMALL_PX,
                true,
                TEXT,
                HPos::Left,
                VPos::Center,
            )?;
        }
        c.footnotes(&self.foot)
    }
}

// ---------------------------------------------------------------------------------------------------
// 3. Attribution sides, 100% stacked

enum SideRow {
    /// (start, end, colour, label) in share units.
    Segments(Vec<(f64, f64, RGBColor)>),
    NoData,
}

pub(crate) struct Sides {
    title: String,
    subtitle: String,
    legend: Vec<(String, RGBColor)>,
    legend_y: i32,
    rows: Rows,
    axis: XAxis,
    data: Vec<SideRow>,
    foot: Vec<String>,
    height: i32,
}

impl Sides {
    pub fn plan(input: &ChartInput) -> Self {
        let title = full_title(
            &input.title_prefix,
            "Who is given a voice: attributions by side",
        );
        let subtitle = "Share of attributed statements per side (each bar = 100% of the outlet's \
                        attributions); n = articles"
            .to_string();
        let mut legend: Vec<(String, RGBColor)> = input
            .sides
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), series_color(i)))
            .collect();
        let mut notes = Vec::new();
        let mut any_rest = false;
        let mut rescaled = Vec::new();
        let mut no_data = Vec::new();
        let data: Vec<SideRow> = input
            .outlets
            .iter()
            .map(|o| {
                let shares: Vec<f64> = (0..input.sides.len())
                    .map(|j| {
                        finite(o.side_shares.get(j).copied().flatten())
                            .unwrap_or(0.0)
                            .max(0.0)
                    })
                    .collect();
                let sum: f64 = shares.iter().sum();
                if sum <= 0.0 {
                    no_data.push(o.outlet.as_str());
                    return SideRow::NoData;
                }
                let scale = if sum > 1.005 {
                    rescaled.push(o.outlet.as_str());
                    1.0 / sum
                } else {
                    1.0
                };
                let mut segs = Vec::new();
                let mut x = 0.0;
                for (j, s) in shares.iter().enumerate() {
                    let s = s * scale;
                    if s > 0.0 {
                        segs.push((x, x + s, series_color(j)));
                    }
                    x += s;
                }
                if x < 0.995 {
                    any_rest = true;
                    segs.push((x, 1.0, REMAINDER));
                }
                SideRow::Segments(segs)
            })
            .collect();
        if any_rest {
            legend.push(("unassigned / no data".to_string(), REMAINDER));
            notes.push(
                "Grey: attributions not assigned to any listed side, or side shares that are missing."
                    .to_string(),
            );
        }
        if input.sides.len() > SERIES.len() {
            notes.push(format!(
                "{} sides share {} colours: colours repeat; read segments left to right in legend order.",
                input.sides.len(),
                SERIES.len()
            ));
        }
        if !no_data.is_empty() {
            notes.push(format!("No attributions: {}.", name_list(&no_data)));
        }
        if !rescaled.is_empty() {
            notes.push(format!(
                "Shares summed to more than 100% and were rescaled: {}.",
                name_list(&rescaled)
            ));
        }
        let foot = footnote_lines(&notes, WIDTH);
        let legend_y = header_height(&subtitle, WIDTH);
        let legend_h = LEGEND_ROW_H * legend_rows(&legend, WIDTH - 2 * MARGIN).len() as i32;
        let top = legend_y + legend_h + 10;
        let bottom_h = AXIS_H + 16 + FOOT_LINE_H * foot.len() as i32 + 12;
        let (rows, height) = Rows::plan(&input.outlets, WIDTH, top, bottom_h, 34, 96, 12, None);
        let axis = XAxis {
            lo: 0.0,
            hi: 1.0,
            step: 0.2,
            x0: rows.x0,
            x1: rows.x1,
            pct: true,
        };
        Sides {
            title,
            subtitle,
            legend,
            legend_y,
            rows,
            axis,
            data,
            foot,
            height,
        }
    }
}

impl Plot for Sides {
    fn size(&self) -> (u32, u32) {
        (WIDTH as u32, self.height as u32)
    }

    fn draw<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> DResult<DB> {
        if self.data.is_empty() {
            return empty(
                c,
                &self.title,
                &self.subtitle,
                "No data: no outlets to show",
            );
        }
        if self.legend.is_empty() {
            return empty(
                c,
                &self.title,
                &self.subtitle,
                "No data: no attribution sides defined",
            );
        }
        c.header(&self.title, &self.subtitle)?;
        c.legend(&self.legend, self.legend_y, MARGIN)?;
        let r = &self.rows;
        c.x_axis(&self.axis, r.top, r.bottom, "Share of attributions (%)")?;
        r.draw_labels(c)?;
        let bar_h = ((r.row_h * 0.66).round() as i32).min(40);
        for (i, row) in self.data.iter().enumerate() {
            let y = r.center(i);
            match row {
                SideRow::NoData => {
                    c.text(
                        "no attributions",
                        (r.x0 + 8, y),
                        SMALL_PX,
                        false,
                        MUTED,
                        HPos::Left,
                        VPos::Center,
                    )?;
                }
                SideRow::Segments(segs) => {
                    for &(a, b, color) in segs {
                        let (xa, xb) = (self.axis.px(a), self.axis.px(b));
                        c.fill((xa, y - bar_h / 2), (xb, y + bar_h / 2), color)?;
                        // White hairline between segments.
                        c.line(vec![(xb, y - bar_h / 2), (xb, y + bar_h / 2)], WHITE_RGB, 1)?;
                        let label = fmt_pct(b - a);
                        if xb - xa >= text_width(&label, SMALL_PX, false) + 8 {
                            c.text(
                                &label,
                                ((xa + xb) / 2, y),
                                SMALL_PX,
                                false,
                                text_on(color),
                                HPos::Center,
                                VPos::Center,
                            )?;
                        }
                    }
                }
            }
        }
        c.footnotes(&self.foot)
    }
}

const WHITE_RGB: RGBColor = RGBColor(0xFF, 0xFF, 0xFF);

// ---------------------------------------------------------------------------------------------------
// 4. Sourcing mix, grouped bars

pub(crate) struct Sourcing {
    title: String,
    subtitle: String,
    kinds: Vec<String>,
    legend: Vec<(String, RGBColor)>,
    legend_y: i32,
    rows: Rows,
    axis: XAxis,
    /// per outlet, per kind
    data: Vec<Vec<Option<f64>>>,
    bar_h: i32,
    foot: Vec<String>,
    height: i32,
}

impl Sourcing {
    pub fn plan(input: &ChartInput) -> Self {
        let title = full_title(&input.title_prefix, "How claims are sourced");
        let subtitle =
            "Share of sources of each kind per outlet; kinds can overlap (a source can be \
                        both named and official), so bars need not sum to 100%"
                .to_string();
        let mut kinds: Vec<String> = Vec::new();
        for o in &input.outlets {
            for (k, _) in &o.sourcing {
                if !kinds.contains(k) {
                    kinds.push(k.clone());
                }
            }
        }
        let data: Vec<Vec<Option<f64>>> = input
            .outlets
            .iter()
            .map(|o| {
                kinds
                    .iter()
                    .map(|k| {
                        o.sourcing
                            .iter()
                            .find(|(name, _)| name == k)
                            .and_then(|(_, v)| finite(*v))
                    })
                    .collect()
            })
            .collect();
        let legend: Vec<(String, RGBColor)> = kinds
            .iter()
            .enumerate()
            .map(|(i, k)| (k.clone(), series_color(i)))
            .collect();
        let mut notes = Vec::new();
        if data.iter().flatten().any(|v| v.is_none()) {
            notes.push(
                "n/a: share undefined for that outlet (no sources of any kind, or not measured)."
                    .into(),
            );
        }
        if kinds.len() > SERIES.len() {
            notes.push("More kinds than colours: colours repeat; bars follow legend order.".into());
        }
        let foot = footnote_lines(&notes, WIDTH);
        let legend_y = header_height(&subtitle, WIDTH);
        let legend_h = LEGEND_ROW_H * legend_rows(&legend, WIDTH - 2 * MARGIN).len() as i32;
        let top = legend_y + legend_h + 10;
        let bottom_h = AXIS_H + 16 + FOOT_LINE_H * foot.len() as i32 + 12;
        let k = kinds.len().max(1) as i32;
        // Bars at least 17 px so value labels (15 px) never collide; the gap separates outlets.
        let gap = 16;
        let per_row_min = k * 17 + gap;
        let (rows, height) = Rows::plan(
            &input.outlets,
            WIDTH,
            top,
            bottom_h,
            per_row_min,
            k * 26 + gap,
            50,
            None,
        );
        let bar_h = ((rows.row_h as i32 - gap) / k).max(1);
        let max = data
            .iter()
            .flatten()
            .flatten()
            .fold(0.0f64, |a, &b| a.max(b));
        let axis = XAxis::nice(0.0, max.max(0.1), rows.x0, rows.x1, true);
        Sourcing {
            title,
            subtitle,
            kinds,
            legend,
            legend_y,
            rows,
            axis,
            data,
            bar_h,
            foot,
            height,
        }
    }
}

impl Plot for Sourcing {
    fn size(&self) -> (u32, u32) {
        (WIDTH as u32, self.height as u32)
    }

    fn draw<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> DResult<DB> {
        if self.data.is_empty() {
            return empty(
                c,
                &self.title,
                &self.subtitle,
                "No data: no outlets to show",
            );
        }
        if self.kinds.is_empty() {
            return empty(
                c,
                &self.title,
                &self.subtitle,
                "No data: no sourcing measures",
            );
        }
        c.header(&self.title, &self.subtitle)?;
        c.legend(&self.legend, self.legend_y, MARGIN)?;
        let r = &self.rows;
        c.x_axis(&self.axis, r.top, r.bottom, "Share of sources (%)")?;
        r.draw_separators(c)?;
        r.draw_labels(c)?;
        let k = self.kinds.len() as i32;
        for (i, row) in self.data.iter().enumerate() {
            let yc = r.center(i);
            let y_first = yc - k * self.bar_h / 2;
            if row.iter().all(Option::is_none) {
                let pos = (r.x0 + 8, yc);
                c.text(
                    "no sourcing data",
                    pos,
                    SMALL_PX,
                    false,
                    MUTED,
                    HPos::Left,
                    VPos::Center,
                )?;
                continue;
            }
            for (j, v) in row.iter().enumerate() {
                let y0 = y_first + j as i32 * self.bar_h;
                let (y0, y1) = (y0 + 1, y0 + self.bar_h - 1);
                let ym = (y0 + y1) / 2;
                match v {
                    Some(v) => {
                        let xv = self.axis.px(*v);
                        let color = series_color(j);
                        if xv > r.x0 {
                            c.fill((r.x0, y0), (xv, y1), color)?;
                        } else {
                            c.line(vec![(r.x0, y0), (r.x0, y1)], color, 3)?;
                        }
                        if self.bar_h >= 16 {
                            c.text(
                                &fmt_pct(*v),
                                (xv + 6, ym),
                                SMALL_PX,
                                false,
                                TEXT,
                                HPos::Left,
                                VPos::Center,
                            )?;
                        }
                    }
                    None => {
                        if self.bar_h >= 16 {
                            c.text(
                                "n/a",
                                (r.x0 + 6, ym),
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
        }
        c.footnotes(&self.foot)
    }
}

// ---------------------------------------------------------------------------------------------------
// 5. Distribution: box plot + jittered points

struct Dist {
    /// Points drawn (possibly thinned), in input order.
    points: Vec<f64>,
    /// q1, median, q3, whisker low, whisker high, mean
    stats: Option<[f64; 6]>,
    n: usize,
}

/// Most points drawn per outlet; larger samples are thinned deterministically (every k-th value).
const MAX_POINTS: usize = 2000;

pub(crate) struct Distribution {
    title: String,
    subtitle: String,
    rows: Rows,
    axis: XAxis,
    data: Vec<Dist>,
    foot: Vec<String>,
    height: i32,
}

/// Linear-interpolation quantile (R type 7) of sorted, non-empty `v`.
pub(crate) fn quantile(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let h = (v.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(v.len() - 1);
    v[lo] + (h - lo as f64) * (v[hi] - v[lo])
}

impl Distribution {
    pub fn plan(input: &ChartInput) -> Self {
        let title = full_title(&input.title_prefix, "Loaded language per article");
        let subtitle =
            "Each dot is one article (spread vertically only for visibility). Box: middle 50% \
                        of articles; line: median; whiskers: 1.5 × IQR; diamond: mean"
                .to_string();
        let mut notes = Vec::new();
        let mut skipped = 0usize;
        let mut thinned = false;
        let data: Vec<Dist> = input
            .outlets
            .iter()
            .map(|o| {
                let vals: Vec<f64> = o
                    .article_values
                    .iter()
                    .copied()
                    .filter(|v| v.is_finite())
                    .collect();
                skipped += o.article_values.len() - vals.len();
                let step = vals.len().div_ceil(MAX_POINTS).max(1);
                thinned |= step > 1;
                let points: Vec<f64> = vals.iter().copied().step_by(step).collect();
                let mut sorted = vals.clone();
                sorted.sort_by(f64::total_cmp);
                let stats = (sorted.len() >= 2).then(|| {
                    let q1 = quantile(&sorted, 0.25);
                    let med = quantile(&sorted, 0.5);
                    let q3 = quantile(&sorted, 0.75);
                    let iqr = q3 - q1;
                    let wl = sorted
                        .iter()
                        .copied()
                        .find(|&v| v >= q1 - 1.5 * iqr)
                        .unwrap_or(q1);
                    let wh = sorted
                        .iter()
                        .rev()
                        .copied()
                        .find(|&v| v <= q3 + 1.5 * iqr)
                        .unwrap_or(q3);
                    let mean = sorted.iter().sum::<f64>() / sorted.len() as f64;
                    [q1, med, q3, wl, wh, mean]
                });
                Dist {
                    points,
                    stats,
                    n: vals.len(),
                }
            })
            .collect();
        if data.iter().any(|d| d.n == 1) {
            notes.push("Outlets with a single article show the point only (no box).".into());
        }
        if data.iter().any(|d| d.n == 0) {
            notes.push("no articles: no article-level values for that outlet. n = articles with a defined rate.".into());
        }
        if data.iter().any(|d| d.n > 0) && data.iter().all(|d| d.points.iter().all(|v| *v == 0.0)) {
            notes.push("All article rates are 0: no loaded terms were found.".into());
        }
        if skipped > 0 {
            notes.push(format!(
                "{skipped} undefined article values (no authorial words) are not shown."
            ));
        }
        if thinned {
            notes.push(format!(
                "Outlets with more than {MAX_POINTS} articles show every k-th article as a dot; boxes use all articles."
            ));
        }
        let foot = footnote_lines(&notes, WIDTH);
        let top = header_height(&subtitle, WIDTH) + 8;
        let bottom_h = AXIS_H + 16 + FOOT_LINE_H * foot.len() as i32 + 12;
        let counts: Vec<usize> = data.iter().map(|d| d.n).collect();
        let (rows, height) = Rows::plan(
            &input.outlets,
            WIDTH,
            top,
            bottom_h,
            40,
            130,
            0,
            Some(&counts),
        );
        let max = data
            .iter()
            .flat_map(|d| {
                d.points
                    .iter()
                    .copied()
                    .chain(d.stats.iter().flat_map(|s| s.iter().copied()))
            })
            .fold(0.0f64, f64::max);
        let min = data
            .iter()
            .flat_map(|d| d.points.iter().copied())
            .fold(0.0f64, f64::min);
        let axis = XAxis::nice(min, max, rows.x0, rows.x1, false);
        Distribution {
            title,
            subtitle,
            rows,
            axis,
            data,
            foot,
            height,
        }
    }
}

impl Plot for Distribution {
    fn size(&self) -> (u32, u32) {
        (WIDTH as u32, self.height as u32)
    }

    fn draw<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> DResult<DB> {
        if self.data.is_empty() {
            return empty(
                c,
                &self.title,
                &self.subtitle,
                "No data: no outlets to show",
            );
        }
        c.header(&self.title, &self.subtitle)?;
        let r = &self.rows;
        c.x_axis(
            &self.axis,
            r.top,
            r.bottom,
            "Loaded terms per 1,000 authorial words (weighted), per article",
        )?;
        r.draw_separators(c)?;
        r.draw_labels(c)?;
        let spread = r.row_h * 0.36;
        let box_h = ((r.row_h * 0.5).round() as i32).min(44);
        let dot = OI_BLUE.mix(0.35).filled();
        for (i, d) in self.data.iter().enumerate() {
            let y = r.center(i);
            if d.n == 0 {
                c.text(
                    "no articles",
                    (r.x0 + 8, y),
                    SMALL_PX,
                    false,
                    MUTED,
                    HPos::Left,
                    VPos::Center,
                )?;
                continue;
            }
            for (k, v) in d.points.iter().enumerate() {
                let dy = (hash_unit(i as u64, k as u64) * spread).round() as i32;
                c.circle((self.axis.px(*v), y + dy), 3, dot)?;
            }
            if let Some([q1, med, q3, wl, wh, mean]) = d.stats {
                let px = |v: f64| self.axis.px(v);
                let (t, b) = (y - box_h / 2, y + box_h / 2);
                c.line(vec![(px(wl), y), (px(q1), y)], OI_BLACK, 2)?;
                c.line(vec![(px(q3), y), (px(wh), y)], OI_BLACK, 2)?;
                c.line(
                    vec![(px(wl), y - box_h / 4), (px(wl), y + box_h / 4)],
                    OI_BLACK,
                    2,
                )?;
                c.line(
                    vec![(px(wh), y - box_h / 4), (px(wh), y + box_h / 4)],
                    OI_BLACK,
                    2,
                )?;
                c.rect((px(q1), t), (px(q3), b), OI_BLACK.stroke_width(2))?;
                c.line(vec![(px(med), t), (px(med), b)], OI_BLACK, 4)?;
                let xm = px(mean);
                let s = 7;
                c.polygon(
                    vec![(xm, y - s), (xm + s, y), (xm, y + s), (xm - s, y)],
                    OI_VERMILLION.filled(),
                )?;
                c.styled_line(
                    vec![
                        (xm, y - s),
                        (xm + s, y),
                        (xm, y + s),
                        (xm - s, y),
                        (xm, y - s),
                    ],
                    WHITE_RGB.stroke_width(1),
                )?;
            }
        }
        c.footnotes(&self.foot)
    }
}
