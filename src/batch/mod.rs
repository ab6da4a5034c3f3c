//! Batch deduplication and two-file linkage over CSV: blocking, parallel scoring,
//! clustering without chaining, evaluation and the HTML report.

pub mod blocking;
pub mod cluster;
pub mod dedup;
pub mod eval;
pub mod input;
pub mod link;
pub mod mapping;
pub mod output;
pub mod progress;
pub mod report;
pub mod scoring;
pub mod train;
