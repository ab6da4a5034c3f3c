//! The matching engine: compare two normalized records, score the comparison with the
//! model, apply the deterministic rules and decide; every step is explainable.

pub mod compare;
pub mod explain;
pub mod keys;
pub mod model;
pub mod rules;
pub mod score;
pub mod tf;
pub mod train;

pub use compare::{Comparison, Field, compare};
pub use explain::Explanation;
pub use model::Model;
pub use score::{Decision, Matcher, Score};
pub use tf::TermFrequencies;
