//! mpi: patient identity resolution (a Master Patient Index).

/// The HTTP API (actix-web): `/v1` routes, problem+json errors, `mpi serve`.
pub mod api;
/// The tamper-evident audit log: hash-chained entries, group-commit writer, verification.
pub mod audit;
/// Who may do what: roles, API keys, sessions, rate limits.
pub mod auth;
/// Batch deduplication and linkage over CSV files.
pub mod batch;
/// Settings: file < environment < command line.
pub mod config;
/// Validated demographic values and the canonical record.
pub mod domain;
/// FHIR R4 views of persons and `$match`.
pub mod fhir;
/// HL7 v2 messages (ER7): parse what feeds send, build ACK and RSP answers.
pub mod hl7;
/// Register, match, look up and steward identities (the online pipeline).
pub mod identity;
/// The Tantivy candidate index (derived from the store).
pub mod index;
/// Compare, score, rules, explanation and training.
pub mod matching;
/// HL7 v2 over MLLP: the listener, message handling, acknowledgements.
pub mod mllp;
/// Raw records to normalized records.
pub mod normalize;
/// Review queue rules: reasons, decisions, task moves.
pub mod review;
/// The identity graph in SQLite or PostgreSQL (sqlx): records, persons, links, events.
pub mod store;
/// Synthetic patient records with ground truth and hard cases.
pub mod synth;
/// Outbound identity events: webhook subscriptions, signed ordered delivery, retries.
pub mod webhooks;
