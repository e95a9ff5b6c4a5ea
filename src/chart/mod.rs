//! PNG/SVG charts comparing outlets, drawn with plotters.
//!
//! The chart code is decoupled from the rest of the pipeline: the report code fills a plain-data
//! [`ChartInput`] (or a [`Fingerprint`] for one article) and calls [`draw_all`] or one chart function.
//! Every chart function takes the output *directory* and returns the path of the file it wrote
//! (`<dir>/<name>.png` or `.svg`). See `docs/charts.md` for what each chart shows and its caveats.
//!
//! Drawing is generic over the plotters backend, so PNG ([`Format::Png`]) and SVG ([`Format::Svg`]) come
//! from the same code. Fonts are the DejaVu Sans faces embedded by the `dejavu` crate (no system fonts),
//! and output bytes are deterministic: the same input always gives the same file.

mod bars;
mod fingerprint;
mod glyphs;
mod heat;
mod keyness;
mod style;
#[cfg(test)]
mod tests;

use crate::{Error, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Once;
use style::{Canvas, DResult};

/// Everything the corpus-level charts need. Filled by the report code; also loadable from JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChartInput {
    /// Prefix for every chart title, e.g. the corpus name. May be empty.
    pub title_prefix: String,
    /// One entry per outlet, in the order they should appear (normally sorted by outlet name).
    pub outlets: Vec<OutletStats>,
    /// Loaded-term category names; `OutletStats::category_rates` follows this order.
    pub categories: Vec<String>,
    /// Attribution side names; `OutletStats::side_shares` follows this order.
    pub sides: Vec<String>,
    /// Keyness of terms per outlet (over-used words have z > 0).
    pub keyness: Vec<KeyTerm>,
}

/// Per-outlet aggregates. `None` means "undefined" (e.g. no articles with attributions) and is drawn as
/// absent, never as zero.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OutletStats {
    pub outlet: String,
    /// Number of articles.
    pub n: usize,
    /// Mean `loaded_rate` (weighted loaded terms per 1,000 authorial words) with its 95% CI.
    pub loaded_rate: Interval,
    /// Mean rate per 1,000 words for each entry of [`ChartInput::categories`].
    pub category_rates: Vec<Option<f64>>,
    /// Share (0–1) of attributions going to each entry of [`ChartInput::sides`].
    pub side_shares: Vec<Option<f64>>,
    /// Sourcing shares (0–1) by kind, e.g. `("named", Some(0.6))`, `("anonymous", Some(0.1))`. Kinds are
    /// matched by name across outlets; the chart shows them in order of first appearance.
    pub sourcing: Vec<(String, Option<f64>)>,
    /// Per-article `loaded_rate` values, for the distribution chart (non-finite values are skipped).
    pub article_values: Vec<f64>,
}

/// A mean with an optional 95% confidence interval.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Interval {
    pub mean: Option<f64>,
    pub ci95_low: Option<f64>,
    pub ci95_high: Option<f64>,
}

impl From<&crate::compare::MetricSummary> for Interval {
    fn from(m: &crate::compare::MetricSummary) -> Self {
        Interval {
            mean: m.mean,
            ci95_low: m.ci95_low,
            ci95_high: m.ci95_high,
        }
    }
}

/// Keyness of one term in one outlet (z-score of its over-use against the other outlets; negative =
/// under-used).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct KeyTerm {
    pub outlet: String,
    pub term: String,
    pub z: f64,
}

/// One article's profile for `score --chart`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Fingerprint {
    /// Chart title, e.g. the article's headline or id.
    pub title: String,
    /// `(metric name, article value, corpus/reference mean)`.
    pub metrics: Vec<(String, Option<f64>, Option<f64>)>,
    /// `(category, article rate per 1,000 words)`.
    pub categories: Vec<(String, f64)>,
}

/// Output file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Png,
    Svg,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "png" => Ok(Format::Png),
            "svg" => Ok(Format::Svg),
            other => Err(Error::Usage(format!(
                "unknown chart format {other:?} (expected png or svg)"
            ))),
        }
    }
}

/// File stems of the corpus charts, in the order [`draw_all`] writes them.
pub const CHART_NAMES: [&str; 6] = [
    "loaded_rate",
    "categories",
    "sides",
    "sourcing",
    "distribution",
    "keyness",
];

/// File stem of the single-article chart.
pub const FINGERPRINT_NAME: &str = "fingerprint";

/// Signature shared by the corpus chart functions.
pub type ChartFn = fn(&ChartInput, &Path, Format) -> Result<PathBuf>;

/// Writes all six corpus charts in every requested format into `dir` (created if missing). Returns the
/// written paths, chart by chart, formats in the given order.
pub fn draw_all(input: &ChartInput, dir: &Path, formats: &[Format]) -> Result<Vec<PathBuf>> {
    let charts: [ChartFn; 6] = [
        loaded_rate,
        categories,
        sides,
        sourcing,
        distribution,
        keyness,
    ];
    let mut out = Vec::with_capacity(charts.len() * formats.len());
    for chart in charts {
        for &f in formats {
            out.push(chart(input, dir, f)?);
        }
    }
    Ok(out)
}

/// `loaded_rate.{png,svg}`: mean loaded-term rate per outlet with 95% CI and article counts.
pub fn loaded_rate(input: &ChartInput, dir: &Path, format: Format) -> Result<PathBuf> {
    ensure_fonts();
    render(&bars::LoadedRate::plan(input), dir, "loaded_rate", format)
}

/// `categories.{png,svg}`: outlet × category heat map of mean rates per 1,000 words.
pub fn categories(input: &ChartInput, dir: &Path, format: Format) -> Result<PathBuf> {
    ensure_fonts();
    render(&heat::Categories::plan(input), dir, "categories", format)
}

/// `sides.{png,svg}`: 100% stacked bars of attribution shares by side.
pub fn sides(input: &ChartInput, dir: &Path, format: Format) -> Result<PathBuf> {
    ensure_fonts();
    render(&bars::Sides::plan(input), dir, "sides", format)
}

/// `sourcing.{png,svg}`: grouped bars of sourcing shares by kind.
pub fn sourcing(input: &ChartInput, dir: &Path, format: Format) -> Result<PathBuf> {
    ensure_fonts();
    render(&bars::Sourcing::plan(input), dir, "sourcing", format)
}

/// `distribution.{png,svg}`: box plots with jittered points of article-level loaded rates.
pub fn distribution(input: &ChartInput, dir: &Path, format: Format) -> Result<PathBuf> {
    ensure_fonts();
    render(
        &bars::Distribution::plan(input),
        dir,
        "distribution",
        format,
    )
}

/// `keyness.{png,svg}`: small multiples of each outlet's most over-used terms.
pub fn keyness(input: &ChartInput, dir: &Path, format: Format) -> Result<PathBuf> {
    ensure_fonts();
    render(&keyness::Keyness::plan(input), dir, "keyness", format)
}

/// `fingerprint.{png,svg}`: one article's metrics against the reference means, and its category rates.
pub fn fingerprint(fp: &Fingerprint, dir: &Path, format: Format) -> Result<PathBuf> {
    ensure_fonts();
    render(
        &fingerprint::FingerprintPlot::plan(fp),
        dir,
        FINGERPRINT_NAME,
        format,
    )
}

static FONTS: Once = Once::new();

/// Registers the embedded DejaVu Sans faces under the family name "sans-serif" (once per process).
fn ensure_fonts() {
    FONTS.call_once(|| {
        // The embedded fonts are valid TrueType; should registration ever fail, measuring and drawing
        // text report `FontUnavailable` as an error instead of panicking.
        let _ = plotters::style::register_font(
            style::FAMILY,
            FontStyle::Normal,
            dejavu::sans::regular(),
        );
        let _ =
            plotters::style::register_font(style::FAMILY, FontStyle::Bold, dejavu::sans::bold());
    });
}

/// A chart whose layout was computed from the data and which can draw itself on any backend.
pub(crate) trait Plot {
    /// Image size in pixels.
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(&self, c: &Canvas<DB>) -> DResult<DB>;
}

fn draw_err<E: std::fmt::Display>(path: &Path, e: E) -> Error {
    Error::Other(format!("{}: cannot draw chart: {e}", path.display()))
}

fn render<P: Plot>(plot: &P, dir: &Path, stem: &str, format: Format) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = dir.join(format!("{stem}.{}", format.extension()));
    let size = plot.size();
    match format {
        Format::Png => {
            let root = BitMapBackend::new(&path, size).into_drawing_area();
            paint(plot, &root, true).map_err(|e| draw_err(&path, e))?;
        }
        Format::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
                paint(plot, &root, false).map_err(|e| draw_err(&path, e))?;
            }
            std::fs::write(&path, svg).map_err(|e| Error::io(&path, e))?;
        }
    }
    Ok(path)
}

fn paint<P: Plot, DB: DrawingBackend>(
    plot: &P,
    root: &DrawingArea<DB, Shift>,
    per_glyph: bool,
) -> DResult<DB> {
    root.fill(&WHITE)?;
    plot.draw(&Canvas::new(root, per_glyph))?;
    root.present()
}

/// "prefix — title", or just the title when the prefix is empty. A long prefix is shortened (with "…")
/// so that the chart's own title always stays visible at the narrowest chart width.
pub(crate) fn full_title(prefix: &str, title: &str) -> String {
    let p = prefix.trim();
    if p.is_empty() {
        return title.to_string();
    }
    let rest = format!(" — {title}");
    let room = 1200 - 2 * style::MARGIN - style::text_width(&rest, style::TITLE_PX, true);
    let p = style::fit(p, room.max(80), style::TITLE_PX, true);
    format!("{p}{rest}")
}
