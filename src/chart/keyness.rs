//! Small multiples: each outlet's most over-used terms (largest positive keyness z).

use super::bars::{empty, WIDTH};
use super::style::*;
use super::{full_title, ChartInput, Plot};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Most panels drawn; further outlets are listed in a footnote.
pub(crate) const MAX_PANELS: usize = 6;
/// Terms per panel.
pub(crate) const TOP_TERMS: usize = 10;
const PANEL_TITLE_H: i32 = 34;
const PANEL_AXIS_H: i32 = 34;
const GAP_X: i32 = 36;
const GAP_Y: i32 = 26;

struct Panel {
    title: String,
    /// (truncated term, z), largest z first.
    terms: Vec<(String, f64)>,
}

pub(crate) struct Keyness {
    title: String,
    subtitle: String,
    panels: Vec<Panel>,
    cols: i32,
    grid_rows: i32,
    top: i32,
    panel_w: i32,
    panel_h: i32,
    term_row_h: i32,
    slots: i32,
    label_w: i32,
    z_max: f64,
    foot: Vec<String>,
    height: i32,
}

impl Keyness {
    pub fn plan(input: &ChartInput) -> Self {
        let title = full_title(&input.title_prefix, "Words that set each outlet apart");
        let subtitle = format!(
            "Top {TOP_TERMS} over-used terms per outlet: keyness z-score against the other outlets \
             (higher = used more than elsewhere). All panels share one scale."
        );
        // Panel order: outlets as given, then outlets that only appear in the keyness list (sorted).
        let mut names: Vec<String> = input.outlets.iter().map(|o| o.outlet.clone()).collect();
        let mut extra: Vec<String> = input
            .keyness
            .iter()
            .map(|k| k.outlet.clone())
            .filter(|o| !names.contains(o))
            .collect();
        extra.sort();
        extra.dedup();
        names.extend(extra);
        let mut notes = Vec::new();
        let non_finite = input.keyness.iter().filter(|k| !k.z.is_finite()).count();
        if non_finite > 0 {
            notes.push(format!(
                "{non_finite} terms with an undefined z-score are not shown."
            ));
        }
        if names.len() > MAX_PANELS {
            notes.push(format!(
                "Showing the first {MAX_PANELS} of {} outlets; not shown: {}.",
                names.len(),
                super::bars::name_list(
                    &names[MAX_PANELS..]
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                )
            ));
        }
        let shown: Vec<&String> = names.iter().take(MAX_PANELS).collect();
        let n = shown.len() as i32;
        let cols = match n {
            0 | 1 => 1,
            2 => 2,
            4 => 2,
            _ => 3,
        };
        let grid_rows = ((n + cols - 1) / cols).max(1);
        let panel_w = (WIDTH - 2 * MARGIN - (cols - 1) * GAP_X) / cols;
        let label_w_max = (panel_w as f64 * 0.42) as i32;
        let mut z_max = 0.0f64;
        let panels: Vec<Panel> = shown
            .iter()
            .map(|name| {
                let mut terms: Vec<(&str, f64)> = input
                    .keyness
                    .iter()
                    .filter(|k| &&k.outlet == name && k.z.is_finite() && k.z > 0.0)
                    .map(|k| (k.term.as_str(), k.z))
                    .collect();
                terms.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
                terms.truncate(TOP_TERMS);
                for t in &terms {
                    z_max = z_max.max(t.1);
                }
                let title = if name.trim().is_empty() {
                    "(unnamed)"
                } else {
                    name.as_str()
                };
                Panel {
                    title: fit(title, panel_w, 18, true),
                    terms: terms
                        .into_iter()
                        .map(|(t, z)| (fit(t, label_w_max, SMALL_PX, false), z))
                        .collect(),
                }
            })
            .collect();
        let label_w = panels
            .iter()
            .flat_map(|p| p.terms.iter().map(|(t, _)| text_width(t, SMALL_PX, false)))
            .max()
            .unwrap_or(0);
        let foot = footnote_lines(&notes, WIDTH);
        let top = header_height(&subtitle, WIDTH) + 4;
        let bottom_h = 30 + FOOT_LINE_H * foot.len() as i32 + 12;
        let term_row_h = if grid_rows == 1 { 38 } else { 27 };
        // Panels are as tall as the longest term list (at least 3 rows), not always TOP_TERMS.
        let slots = panels
            .iter()
            .map(|p| p.terms.len())
            .max()
            .unwrap_or(0)
            .clamp(3, TOP_TERMS) as i32;
        let panel_h = PANEL_TITLE_H + slots * term_row_h + PANEL_AXIS_H;
        let height = (top + grid_rows * panel_h + (grid_rows - 1) * GAP_Y + bottom_h).max(320);
        Keyness {
            title,
            subtitle,
            panels,
            cols,
            grid_rows,
            top,
            panel_w,
            panel_h,
            term_row_h,
            slots,
            label_w,
            z_max,
            foot,
            height,
        }
    }
}

impl Plot for Keyness {
    fn size(&self) -> (u32, u32) {
        (WIDTH as u32, self.height as u32)
    }

    fn draw<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> DResult<DB> {
        if self.panels.is_empty() || self.panels.iter().all(|p| p.terms.is_empty()) {
            return empty(
                c,
                &self.title,
                &self.subtitle,
                "No data: no over-used terms to show",
            );
        }
        c.header(&self.title, &self.subtitle)?;
        for (idx, p) in self.panels.iter().enumerate() {
            let (row, col) = (idx as i32 / self.cols, idx as i32 % self.cols);
            let px0 = MARGIN + col * (self.panel_w + GAP_X);
            let py0 = self.top + row * (self.panel_h + GAP_Y);
            c.text(&p.title, (px0, py0), 18, true, TEXT, HPos::Left, VPos::Top)?;
            let bars_x0 = px0 + self.label_w + 10;
            let bars_x1 = px0 + self.panel_w - 10;
            let axis = XAxis::nice(0.0, self.z_max * 1.14, bars_x0, bars_x1, false);
            let y_top = py0 + PANEL_TITLE_H;
            let y_bot = y_top + self.slots * self.term_row_h;
            // Light grid and tick labels.
            let ticks = axis.ticks();
            let every = if ticks.len() > 5 { 2 } else { 1 };
            for (k, t) in ticks.iter().enumerate() {
                let x = axis.px(*t);
                c.line(
                    vec![(x, y_top), (x, y_bot)],
                    if k == 0 { AXIS } else { GRID },
                    1,
                )?;
                if k % every == 0 {
                    c.text(
                        &axis.label(*t),
                        (x, y_bot + 6),
                        SMALL_PX,
                        false,
                        MUTED,
                        HPos::Center,
                        VPos::Top,
                    )?;
                }
            }
            c.line(vec![(bars_x0, y_bot), (bars_x1, y_bot)], AXIS, 1)?;
            if p.terms.is_empty() {
                c.text(
                    "no over-used terms",
                    (bars_x0 + 8, y_top + 20),
                    SMALL_PX,
                    false,
                    MUTED,
                    HPos::Left,
                    VPos::Center,
                )?;
                continue;
            }
            let bar_h = (self.term_row_h as f64 * 0.66).round() as i32;
            for (k, (term, z)) in p.terms.iter().enumerate() {
                let y = y_top + k as i32 * self.term_row_h + self.term_row_h / 2;
                c.text(
                    term,
                    (bars_x0 - 8, y),
                    SMALL_PX,
                    false,
                    TEXT,
                    HPos::Right,
                    VPos::Center,
                )?;
                let xz = axis.px(*z);
                c.fill(
                    (bars_x0, y - bar_h / 2),
                    (xz.max(bars_x0 + 1), y + bar_h / 2),
                    OI_BLUE,
                )?;
                c.text(
                    &format!("{z:.1}"),
                    (xz + 5, y),
                    SMALL_PX,
                    false,
                    TEXT,
                    HPos::Left,
                    VPos::Center,
                )?;
            }
        }
        let y_axis_title =
            self.top + self.grid_rows * self.panel_h + (self.grid_rows - 1) * GAP_Y + 4;
        c.text(
            "Keyness z-score (over-use relative to the other outlets)",
            (c.w / 2, y_axis_title),
            LABEL_PX,
            false,
            TEXT,
            HPos::Center,
            VPos::Top,
        )?;
        c.footnotes(&self.foot)
    }
}
