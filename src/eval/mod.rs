//! Evaluation against annotated corpora (PTC, BABE, PolNeAR) with the scoring definitions of
//! `../shared/datasets/README.md`.
pub mod loaded;
pub mod polnear;
pub mod run;
