//! mpi: patient identity resolution (a Master Patient Index).

/// The HTTP API (actix-web): `/v1` routes, problem+json errors, `mpi serve`.
pub mod api;
/// Batch deduplication and linkage over CSV files.
pub mod batch;
/// Validated demographic values and the canonical record.
pub mod config;
pub mod domain;
/// Register, match and look up identities (the online pipeline).
pub mod fhir;
pub mod identity;
/// The Tantivy candidate index (derived from the store).
pub mod index;
/// Compare, score, rules, explanation and training.
pub mod matching;
/// Raw records to normalized records.
pub mod normalize;
/// The identity graph in SQLite or PostgreSQL (sqlx): records, persons, links, events.
pub mod store;
/// Synthetic patient records with ground truth and hard cases.
pub mod synth;
