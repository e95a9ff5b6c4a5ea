//! Outlet × category heat map of mean loaded-term rates, with the value printed in every cell.

use super::bars::{empty, finite, name_list, Rows, WIDTH};
use super::style::*;
use super::{full_title, ChartInput, Plot};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

const MIN_COL_W: i32 = 76;
const LEGEND_W: i32 = 130;

pub(crate) struct Categories {
    title: String,
    subtitle: String,
    width: i32,
    height: i32,
    rows: Rows,
    /// Column header lines per category.
    headers: Vec<Vec<String>>,
    col_w: i32,
    cells: Vec<Vec<Option<f64>>>,
    /// Colour-scale maximum (value mapped to the darkest colour) and its tick step.
    scale: XAxis,
    foot: Vec<String>,
    n_outlets: usize,
}

/// `s` in at most two lines of `max_px`, breaking after spaces, '_', '-' or '/'.
fn two_lines(s: &str, max_px: i32) -> Vec<String> {
    if text_width(s, SMALL_PX, true) <= max_px {
        return vec![s.to_string()];
    }
    // Candidate break points: after a separator.
    let mut best: Option<usize> = None;
    for (i, ch) in s.char_indices() {
        if matches!(ch, ' ' | '_' | '-' | '/') {
            let cut = i + ch.len_utf8();
            if text_width(s[..cut].trim_end(), SMALL_PX, true) <= max_px {
                best = Some(cut);
            }
        }
    }
    match best {
        Some(cut) => vec![
            s[..cut].trim_end().to_string(),
            fit(s[cut..].trim_start(), max_px, SMALL_PX, true),
        ],
        None => vec![fit(s, max_px, SMALL_PX, true)],
    }
}

impl Categories {
    pub fn plan(input: &ChartInput) -> Self {
        let title = full_title(&input.title_prefix, "Loaded terms by category");
        let subtitle =
            "Mean loaded-term rate per 1,000 authorial words, by outlet (rows) and category \
                        (columns); darker = more"
                .to_string();
        let ncat = input.categories.len().max(1) as i32;
        let cells: Vec<Vec<Option<f64>>> = input
            .outlets
            .iter()
            .map(|o| {
                (0..input.categories.len())
                    .map(|j| finite(o.category_rates.get(j).copied().flatten()))
                    .collect()
            })
            .collect();
        let max = cells
            .iter()
            .flatten()
            .flatten()
            .fold(0.0f64, |a, &b| a.max(b));
        let mut notes = Vec::new();
        if cells.iter().flatten().any(|v| v.is_none()) {
            let who: Vec<&str> = input
                .outlets
                .iter()
                .zip(&cells)
                .filter(|(_, row)| row.iter().any(|v| v.is_none()))
                .map(|(o, _)| o.outlet.as_str())
                .collect();
            notes.push(format!(
                "Grey n/a cells: rate undefined (no authorial words or category not measured) — {}.",
                name_list(&who)
            ));
        }
        if max <= 0.0 && !cells.is_empty() && !input.categories.is_empty() {
            notes.push("All category rates are 0: no loaded terms were found.".to_string());
        }
        if cells.iter().flatten().flatten().any(|v| *v < 0.0) {
            notes.push("Negative values are shown with the lightest colour.".to_string());
        }
        // Width grows so that columns stay at least MIN_COL_W wide.
        let probe_foot = footnote_lines(&notes, WIDTH);
        let top0 = header_height(&subtitle, WIDTH) + 4;
        // Two header lines reserved; rows start below them.
        let header_h = 2 * 19 + 10;
        let bottom_h = 24 + FOOT_LINE_H * probe_foot.len() as i32 + 12;
        let (probe, _) = Rows::plan(
            &input.outlets,
            WIDTH,
            top0 + header_h,
            bottom_h,
            30,
            64,
            LEGEND_W,
            None,
        );
        let needed = probe.x0 + ncat * MIN_COL_W + LEGEND_W + MARGIN;
        let width = needed.max(WIDTH);
        let foot = footnote_lines(&notes, width);
        let bottom_h = 24 + FOOT_LINE_H * foot.len() as i32 + 12;
        let (rows, height) = Rows::plan(
            &input.outlets,
            width,
            top0 + header_h,
            bottom_h,
            30,
            64,
            LEGEND_W,
            None,
        );
        // Room for the colour legend even with one or two outlets.
        let height = height.max(rows.top + 170 + bottom_h);
        let col_w = ((rows.x1 - rows.x0) / ncat).min(170);
        let headers = input
            .categories
            .iter()
            .map(|c| two_lines(c, col_w - 8))
            .collect();
        // The colour scale uses the axis helper for nice ticks (pixels are unused).
        let scale = XAxis::nice(0.0, max, 0, 300, false);
        Categories {
            title,
            subtitle,
            width,
            height,
            rows,
            headers,
            col_w,
            cells,
            scale,
            foot,
            n_outlets: input.outlets.len(),
        }
    }

    fn color(&self, v: f64) -> RGBColor {
        sequential((v - self.scale.lo) / (self.scale.hi - self.scale.lo))
    }
}

impl Plot for Categories {
    fn size(&self) -> (u32, u32) {
        (self.width as u32, self.height as u32)
    }

    fn draw<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> DResult<DB> {
        if self.n_outlets == 0 {
            return empty(
                c,
                &self.title,
                &self.subtitle,
                "No data: no outlets to show",
            );
        }
        if self.headers.is_empty() {
            return empty(
                c,
                &self.title,
                &self.subtitle,
                "No data: no loaded-term categories",
            );
        }
        c.header(&self.title, &self.subtitle)?;
        let r = &self.rows;
        // Column headers, bottom-aligned just above the grid.
        for (j, lines) in self.headers.iter().enumerate() {
            let xc = r.x0 + j as i32 * self.col_w + self.col_w / 2;
            let n = lines.len() as i32;
            for (k, line) in lines.iter().enumerate() {
                let y = r.top - 8 - (n - k as i32) * 19;
                c.text(line, (xc, y), SMALL_PX, true, TEXT, HPos::Center, VPos::Top)?;
            }
        }
        r.draw_labels(c)?;
        for (i, row) in self.cells.iter().enumerate() {
            let y0 = r.top + (r.row_h * i as f64).round() as i32;
            let y1 = r.top + (r.row_h * (i + 1) as f64).round() as i32;
            for (j, v) in row.iter().enumerate() {
                let x0 = r.x0 + j as i32 * self.col_w;
                let x1 = x0 + self.col_w;
                let (bg, label, fg) = match v {
                    Some(v) => {
                        let bg = self.color(*v);
                        (bg, fmt_value(*v), text_on(bg))
                    }
                    None => (MISSING, "n/a".to_string(), MUTED),
                };
                c.fill((x0, y0), (x1, y1), bg)?;
                c.rect(
                    (x0, y0),
                    (x1, y1),
                    RGBColor(0xFF, 0xFF, 0xFF).stroke_width(2),
                )?;
                c.text(
                    &label,
                    ((x0 + x1) / 2, (y0 + y1) / 2),
                    SMALL_PX,
                    false,
                    fg,
                    HPos::Center,
                    VPos::Center,
                )?;
            }
        }
        // Colour legend: a vertical gradient with ticks.
        let lx = r.x0 + self.col_w * self.headers.len() as i32 + 34;
        let ly0 = r.top + 4;
        let ly1 = (r.top + 300).min(r.bottom.max(r.top + 160));
        c.text_l("per 1,000", (lx, ly0 - 48), SMALL_PX, MUTED)?;
        c.text_l("words", (lx, ly0 - 29), SMALL_PX, MUTED)?;
        let steps = 120;
        for s in 0..steps {
            let t0 = s as f64 / steps as f64;
            let t1 = (s + 1) as f64 / steps as f64;
            // Top = high values.
            let ya = ly1 - ((ly1 - ly0) as f64 * t1).round() as i32;
            let yb = ly1 - ((ly1 - ly0) as f64 * t0).round() as i32;
            c.fill((lx, ya), (lx + 22, yb), sequential((t0 + t1) / 2.0))?;
        }
        c.rect((lx, ly0), (lx + 22, ly1), AXIS.stroke_width(1))?;
        let sc = &self.scale;
        for t in sc.ticks() {
            let frac = (t - sc.lo) / (sc.hi - sc.lo);
            let y = ly1 - ((ly1 - ly0) as f64 * frac).round() as i32;
            c.line(vec![(lx + 22, y), (lx + 28, y)], AXIS, 1)?;
            c.text(
                &sc.label(t),
                (lx + 32, y),
                SMALL_PX,
                false,
                TEXT,
                HPos::Left,
                VPos::Center,
            )?;
        }
        c.footnotes(&self.foot)
    }
}
