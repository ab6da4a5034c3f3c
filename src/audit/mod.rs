//! The tamper-evident audit log: who did what to which data, when and why.
//!
//! Entries are appended in one sequence (`seq` 1, 2, 3, … with no gaps) and each is
//! hash-chained to the one before it. Editing, removing or reordering entries, or
//! cutting the end off the log, is found by [`verify`] (`mpi audit verify`).
//!
//! # The hash
//!
//! `hash = lowercase_hex(SHA-256(message))`, where `message` is the concatenation of
//! these items, in this order:
//!
//! | item | encoding |
//! |---|---|
//! | the tag `mpi.audit.v1` | text |
//! | `prev_hash` (the previous entry's `hash`; 64 `0`s for entry 1) | text |
//! | `seq` | integer |
//! | `at` (Unix milliseconds) | integer |
//! | `request_id` | text |
//! | `actor` | text |
//! | `role` | text |
//! | `action` | text |
//! | `outcome` (`ok`, `denied` or `error`) | text |
//! | `status` (HTTP status, 0 for the command line) | integer |
//! | `subjects` | the count as an integer, then each subject as text, in stored order |
//! | `reason` | absent: the byte `0x00`; present: the byte `0x01`, then the reason as text |
//!
//! *text* is the length of its UTF-8 bytes as an unsigned 64-bit big-endian integer,
//! then those bytes; *integer* is a signed 64-bit big-endian (two's complement) integer.
//! Every item has a fixed position and carries its own length, so no two different
//! entries encode to the same message. `subjects` is stored as a JSON array of strings;
//! the hash covers the strings, not the JSON text's spacing.
//!
//! `audit_head` holds the last entry's `seq` and `hash`; it is updated in the same
//! transaction as the entries, so a log whose end was cut off no longer reaches it.
//! `audit_subjects` is a derived lookup (subject → seq) for queries; it is not covered
//! by the hash.

mod append;
mod chain;
mod entry;
mod error;
mod pending;
mod query;
mod verify;
mod writer;

pub use append::append;
pub use chain::{GENESIS, entry_hash};
pub use entry::{Entry, Outcome, StoredEntry};
pub use error::AuditError;
pub use pending::Pending;
pub(crate) use pending::Taken;
pub use query::{Filter, query};
pub use verify::{Break, BreakKind, VerifyReport, verify};
pub use writer::AuditLog;
