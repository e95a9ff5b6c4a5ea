//! slantscope: measure how news is written — loaded terminology, who is given a voice, and how claims are
//! sourced.
//!
//! The pipeline (see README "How it works"): [`input`] reads documents, [`text`] builds a voice-aware text
//! model, [`lexicon`] compiles the data-driven matchers, [`analyze`] runs the analyzers and produces one
//! [`analyze::ArticleRecord`] per article, [`metrics`] turns analyzer output into numbers, and [`report`]
//! writes JSON/JSONL/CSV. The binary (`src/main.rs` + [`cli`]) is a thin layer over this library.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod analyze;
pub mod chart;
pub mod cli;
pub mod compare;
pub mod error;
pub mod eval;
pub mod input;
pub mod lexicon;
pub mod metrics;
pub mod names;
pub mod pipeline;
pub mod report;
mod strlist;
pub mod text;

#[cfg(test)]
mod testdata;

pub use error::{Error, Result};

/// Tool name and version as written into every report.
pub const TOOL_NAME: &str = "slantscope";
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
