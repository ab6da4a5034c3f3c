//! Reading the log: entries by person, actor, action and time, in seq order.

use crate::store::Store;
use crate::store::audit::{self as rows, RowFilter};

use super::entry::StoredEntry;
use super::error::AuditError;

/// Which entries to answer; every condition given must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// Entries with the subject `person:ID`.
    pub person: Option<String>,
    pub actor: Option<String>,
    pub action: Option<String>,
    /// At or after (Unix milliseconds).
    pub from: Option<i64>,
    /// Before (Unix milliseconds, exclusive).
    pub to: Option<i64>,
    /// Entries with a greater seq (the previous page's `next_after`).
    pub after_seq: Option<i64>,
    /// At most this many.
    pub limit: i64,
}

impl Default for Filter {
    fn default() -> Filter {
        Filter {
            person: None,
            actor: None,
            action: None,
            from: None,
            to: None,
            after_seq: None,
            limit: 100,
        }
    }
}

/// The entries `filter` selects, in seq order. A row that cannot be read as an entry
/// (it has been altered; `verify` names it) is left out.
pub async fn query(store: &Store, filter: &Filter) -> Result<Vec<StoredEntry>, AuditError> {
    let mut conn = store.pool.acquire().await?;
    let found = rows::select(
        &mut conn,
        &RowFilter {
            subject: filter.person.as_ref().map(|p| format!("person:{p}")),
            actor: filter.actor.clone(),
            action: filter.action.clone(),
            from: filter.from,
            to: filter.to,
            after_seq: filter.after_seq.unwrap_or(0),
            limit: filter.limit,
        },
    )
    .await?;
    Ok(found
        .into_iter()
        .filter_map(|row| {
            let seq = row.seq;
            let entry = StoredEntry::from_row(row);
            if entry.is_none() {
                tracing::warn!(seq, "audit entry unreadable; run mpi audit verify");
            }
            entry
        })
        .collect())
}
