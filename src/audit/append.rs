//! Appending entries: one transaction that takes the chain's write lock, chains the
//! entries onto the head and moves it.

use crate::store::audit::{self as rows, AuditRow};
use crate::store::{Backend, Store, StoreError, Tx};

use super::chain::entry_hash;
use super::entry::Entry;
use super::error::AuditError;

/// Appends `entries` in order, in one transaction; answers their seqs. The chain's write
/// lock is taken before the head is read (SQLite: the database write lock, `BEGIN
/// IMMEDIATE`; PostgreSQL: the head row's lock), so a concurrent appender in another
/// process waits and then chains onto the new head instead of forking the chain.
pub async fn append(store: &Store, entries: &[Entry]) -> Result<Vec<i64>, AuditError> {
    // on SQLite, take turns with this process's identity changes (see `Store::write_gate`)
    let _turn = match store.backend {
        Backend::Sqlite => Some(store.write_gate.lock().await),
        Backend::Postgres => None,
    };
    append_in_turn(store, entries).await
}

/// As [`append`], for a caller that already holds this process's write turn on SQLite.
pub(super) async fn append_in_turn(
    store: &Store,
    entries: &[Entry],
) -> Result<Vec<i64>, AuditError> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    // SQLite: `BEGIN IMMEDIATE` takes the database write lock before the head is read
    let mut tx = store.begin_write().await?;
    let seqs = append_in(&mut tx, store.backend, entries).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(seqs)
}

/// Chains `entries` onto the head inside `tx`, which holds the database write lock on
/// SQLite; on PostgreSQL the head row is locked here first.
pub(super) async fn append_in(
    tx: &mut Tx<'_>,
    backend: Backend,
    entries: &[Entry],
) -> Result<Vec<i64>, AuditError> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    if backend == Backend::Postgres {
        rows::lock_head(tx).await?;
    }
    let (head_seq, head_hash) = rows::head(tx).await?;
    let chained = chain(head_seq, &head_hash, entries);
    let with_subjects: Vec<(&AuditRow, Vec<&str>)> = chained
        .iter()
        .zip(entries)
        .map(|(row, entry)| {
            let mut subjects: Vec<&str> = entry.subjects.iter().map(String::as_str).collect();
            subjects.sort_unstable();
            subjects.dedup();
            (row, subjects)
        })
        .collect();
    rows::append_rows(tx, backend, &with_subjects).await?;
    Ok(chained.iter().map(|r| r.seq).collect())
}

/// The rows of `entries` chained onto the head `head_seq` / `head_hash`.
pub(super) fn chain(head_seq: i64, head_hash: &str, entries: &[Entry]) -> Vec<AuditRow> {
    let mut prev = head_hash.to_string();
    let mut out = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let seq = head_seq + 1 + i as i64;
        let hash = entry_hash(&prev, seq, entry);
        out.push(AuditRow {
            seq,
            at: entry.at,
            request_id: entry.request_id.clone(),
            actor: entry.actor.clone(),
            role: entry.role.clone(),
            action: entry.action.clone(),
            outcome: entry.outcome.as_str().to_string(),
            status: i64::from(entry.status),
            subjects: serde_json::to_string(&entry.subjects).expect("strings serialize"),
            reason: entry.reason.clone(),
            prev_hash: std::mem::replace(&mut prev, hash.clone()),
            hash,
        });
    }
    out
}
