//! A person's history: every link change with actor, time, reason, score and model
//! version, the merges it took part in (each undoable until undone), and the non-match
//! assertions about its records, in order.

use serde::Serialize;

use super::{Service, ServiceError};
use crate::store::links::{self, LinkChange};
use crate::store::stewardship::{self as st, Assertion, Merge};
use crate::store::{StoreError, persons, records};

/// One entry of a person's history.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HistoryEntry {
    /// A record joined or left the person.
    Link {
        #[serde(flatten)]
        change: LinkChange,
        source: String,
        source_id: String,
    },
    /// A merge the person took part in.
    Merge {
        at: i64,
        #[serde(flatten)]
        merge: Merge,
        /// True while the merge can be undone (`POST /v1/merges/{merge_id}/undo`).
        undoable: bool,
    },
    /// A non-match assertion about one of the person's records.
    NonMatch {
        at: i64,
        #[serde(flatten)]
        assertion: Assertion,
    },
}

impl HistoryEntry {
    fn at(&self) -> i64 {
        match self {
            HistoryEntry::Link { change, .. } => change.at,
            HistoryEntry::Merge { at, .. } | HistoryEntry::NonMatch { at, .. } => *at,
        }
    }
}

/// A person's history.
#[derive(Debug, Clone, Serialize)]
pub struct History {
    pub person_id: String,
    pub status: String,
    pub merged_into: Option<String>,
    pub entries: Vec<HistoryEntry>,
}

impl Service {
    /// Everything that happened to a person's links, oldest first.
    pub async fn person_history(&self, person_id: &str) -> Result<History, ServiceError> {
        let mut tx = self.store.begin().await?;
        let person = persons::get(&mut tx, person_id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("person {person_id}")))?;
        let mut entries = Vec::new();
        let changes = links::changes_of_person(&mut tx, person_id).await?;
        let mut record_ids: Vec<i64> = changes.iter().map(|c| c.record_id).collect();
        record_ids.sort_unstable();
        record_ids.dedup();
        let mut names = std::collections::HashMap::new();
        for id in &record_ids {
            if let Some(row) = records::by_id(&mut tx, *id).await? {
                names.insert(*id, (row.source, row.source_id));
            }
        }
        for change in changes {
            let (source, source_id) = names.get(&change.record_id).cloned().unwrap_or_default();
            entries.push(HistoryEntry::Link {
                change,
                source,
                source_id,
            });
        }
        for merge in st::merges_of(&mut tx, person_id).await? {
            let undoable = merge.undone_at.is_none()
                && persons::get(&mut tx, &merge.loser)
                    .await?
                    .is_some_and(|p| p.merged_into.as_deref() == Some(merge.survivor.as_str()));
            entries.push(HistoryEntry::Merge {
                at: merge.created_at,
                merge,
                undoable,
            });
        }
        for assertion in st::assertions_of(&mut tx, &record_ids).await? {
            entries.push(HistoryEntry::NonMatch {
                at: assertion.created_at,
                assertion,
            });
        }
        tx.commit().await.map_err(StoreError::from)?;
        entries.sort_by_key(HistoryEntry::at);
        Ok(History {
            person_id: person.id,
            status: person.status,
            merged_into: person.merged_into,
            entries,
        })
    }
}
