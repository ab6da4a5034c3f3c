//! Register, match and look up identities: the one place the online pipeline order is
//! written (normalize → candidates → score → decide → link, events in the same
//! transaction, then the index).

mod ahead;
mod bulk;
mod commit;
mod group;
mod history;
mod load;
pub mod outcome;
mod patient_search;
mod register;
mod rescore;
mod review;
mod scoring;
mod search;
mod steward;

pub use group::{GROUP_BUCKETS, GroupCounts};
pub use history::{History, HistoryEntry};
pub use load::{LoadError, LoadSummary, Rejected};
pub use patient_search::{
    DateParam, DatePrefix, Gender, IdentifierParam, IdentifierSystem, MAX_MATCHED_RECORDS,
    NameParam, PatientHit, PatientPage, PatientQuery,
};
pub use register::{AuditEntryFor, Prepared, check_for_match, prepare};
pub use rescore::{Finding, RescoreReport, Verdict};
pub use review::{Decided, TaskDetail, TaskPage, TaskSummary};
pub use search::{PersonHit, PersonQuery};
pub use steward::{Act, Changed};

use std::path::Path;
use std::sync::RwLock;

use crate::domain::RawRecord;
use crate::domain::value::Ssn;
use crate::index::{CandidateIndex, Caps, IndexError};
use crate::matching::{Matcher, Model, TermFrequencies};
use crate::normalize::normalize;
use crate::store::{Store, StoreError, events, links, now_ms, persons, records};
use outcome::{Grade, PersonMatch, PersonView, RecordRef, RecordView};

/// Errors of the identity service.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{field}: {problem}")]
    Invalid { field: String, problem: String },
    #[error("{0} not found")]
    NotFound(String),
    /// A search matched more records (the count) than one search may read.
    #[error("the search matches {0} records, more than a search may read")]
    TooBroad(usize),
    /// A precondition (`If-Match`) named a version the record is not at.
    #[error("the record is at version {current:?}, the request expected {expected}")]
    VersionConflict {
        expected: Precondition,
        current: Option<i64>,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// What a write expects of the record's current version (HTTP `If-Match`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precondition {
    /// `*`: the record exists.
    Exists,
    /// The record is at exactly this version.
    Version(i64),
}

impl std::fmt::Display for Precondition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Precondition::Exists => write!(f, "an existing record"),
            Precondition::Version(v) => write!(f, "version {v}"),
        }
    }
}

impl Precondition {
    /// Fails unless a record at `current` (none: no such record) meets the precondition.
    pub fn check(self, current: Option<i64>) -> Result<(), ServiceError> {
        let met = match self {
            Precondition::Exists => current.is_some(),
            Precondition::Version(v) => current == Some(v),
        };
        if met {
            Ok(())
        } else {
            Err(ServiceError::VersionConflict {
                expected: self,
                current,
            })
        }
    }
}

pub(crate) fn invalid(field: &str, problem: &str) -> ServiceError {
    ServiceError::Invalid {
        field: field.to_string(),
        problem: problem.to_string(),
    }
}

/// The identity service: store, candidate index and matcher.
pub struct Service {
    pub store: Store,
    pub index: std::sync::Arc<CandidateIndex>,
    matcher: RwLock<Matcher>,
    /// Identity changes are serialized, so two registrations of one new patient cannot
    /// both create a person.
    register: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Single registrations waiting to be committed together.
    queue: group::Queue,
    /// Audit entries waiting for the write turn: a registration transaction on SQLite
    /// appends them before it commits (see `audit::Pending`).
    audit_pending: crate::audit::Pending,
}

/// A person lookup: found, or merged into a survivor.
#[derive(Debug)]
pub enum PersonLookup {
    Found(Box<PersonView>),
    MergedInto(String),
}

/// How the index is brought in line with the database at start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repair {
    /// Re-index only the records changed since the index's mark.
    CatchUp,
    /// Re-index everything.
    Rebuild,
}

impl Service {
    /// Opens the service on a migrated store. The index (in `index_dir`, or in memory) is
    /// derived data: one that is missing, damaged or behind the database is repaired
    /// before this returns.
    pub async fn open(
        store: Store,
        index_dir: Option<&Path>,
        model: Model,
    ) -> Result<Service, ServiceError> {
        Service::open_with(store, index_dir, model, false).await
    }

    /// As `open`; with `rebuild` the index is rebuilt from the database whatever its state
    /// (`mpi reindex`).
    pub async fn open_with(
        store: Store,
        index_dir: Option<&Path>,
        model: Model,
        rebuild: bool,
    ) -> Result<Service, ServiceError> {
        let index = match CandidateIndex::open(index_dir, Caps::default()) {
            Ok(index) => index,
            // another process's index, not a damaged one: left alone
            Err(error @ IndexError::InUse(_)) => return Err(error.into()),
            Err(error) => {
                // a damaged index is derived data: start it again
                tracing::warn!(%error, "search index unreadable; rebuilding");
                if let Some(dir) = index_dir {
                    let _ = std::fs::remove_dir_all(dir);
                }
                CandidateIndex::open(index_dir, Caps::default())?
            }
        };
        let service = Service {
            register: store.write_gate.clone(),
            store,
            index: std::sync::Arc::new(index),
            matcher: RwLock::new(Matcher::new(model, TermFrequencies::default())),
            queue: group::Queue::default(),
            audit_pending: crate::audit::Pending::default(),
        };
        service.load(rebuild).await?;
        Ok(service)
    }

    /// Name frequencies from every active record, and the index repaired: caught up from
    /// its mark (the last identity event it reflects), or rebuilt when it has no mark, is
    /// ahead of the database (a restored backup), or still disagrees on the count.
    async fn load(&self, rebuild: bool) -> Result<(), ServiceError> {
        let mut tx = self.store.begin().await?;
        let db_mark = events::last_seq(&mut tx).await?;
        let active = records::count_active(&mut tx).await? as u64;
        tx.commit().await.map_err(StoreError::from)?;
        let index_mark = self.index.mark();
        let empty = active == 0 && self.index.committed_docs() == 0;
        let repair = match index_mark {
            _ if rebuild => Repair::Rebuild,
            Some(mark) if mark <= db_mark => Repair::CatchUp,
            None if empty => Repair::CatchUp,
            _ => Repair::Rebuild,
        };
        let started = std::time::Instant::now();
        self.scan(repair == Repair::Rebuild).await?;
        if repair == Repair::CatchUp {
            self.catch_up(index_mark.unwrap_or(0)).await?;
        }
        self.index.commit(db_mark)?;
        if self.index.committed_docs() != active {
            tracing::warn!(
                records = active,
                indexed = self.index.committed_docs(),
                "search index disagrees with the database; rebuilding"
            );
            self.scan(true).await?;
            self.index.commit(db_mark)?;
        }
        tracing::info!(
            records = active,
            ?repair,
            index_mark,
            db_mark,
            ms = started.elapsed().as_millis() as u64,
            "search index ready"
        );
        Ok(())
    }

    /// Reads every active record: name frequencies, and with `reindex` the index anew.
    async fn scan(&self, reindex: bool) -> Result<(), ServiceError> {
        if reindex {
            self.index.clear()?;
        }
        let mut tf = TermFrequencies::default();
        let mut after = 0;
        loop {
            let mut tx = self.store.begin().await?;
            let page = records::active_page(&mut tx, after, 10_000).await?;
            tx.commit().await.map_err(StoreError::from)?;
            let Some(last) = page.last() else { break };
            after = last.0;
            for (id, data) in page {
                let raw: RawRecord = serde_json::from_str(&data).unwrap_or_default();
                let (n, _) = normalize(&raw);
                tf.add(&n);
                if reindex {
                    self.index.insert(id, &data, &n);
                }
            }
        }
        self.matcher
            .write()
            .expect("matcher lock")
            .set_frequencies(tf);
        Ok(())
    }

    /// Re-indexes the records named by identity events after `mark`.
    async fn catch_up(&self, mark: i64) -> Result<(), ServiceError> {
        let mut tx = self.store.begin().await?;
        let changed = events::records_after(&mut tx, mark).await?;
        let rows = records::current_data(&mut tx, &changed).await?;
        tx.commit().await.map_err(StoreError::from)?;
        for id in &changed {
            self.index.remove(*id);
        }
        for (id, _, _, data) in rows {
            let raw: RawRecord = serde_json::from_str(&data).unwrap_or_default();
            self.index.upsert(id, &data, &normalize(&raw).0);
        }
        tracing::info!(changed = changed.len(), "search index caught up");
        Ok(())
    }

    /// Makes recent registrations durable in the index (group commit), marked with the
    /// last identity event: the commit is queued while registrations wait, so it holds
    /// everything the database holds up to the mark, and written while they go on.
    pub async fn commit_index(self: &std::sync::Arc<Self>) -> Result<(), ServiceError> {
        if !self.index.pending() {
            // segments merged since the last commit
            return Ok(self.index.refresh()?);
        }
        let commit = {
            let _serial = self.register.lock().await;
            let mut tx = self.store.begin().await?;
            let mark = events::last_seq(&mut tx).await?;
            tx.commit().await.map_err(StoreError::from)?;
            self.index.begin_commit(mark)
        };
        let Some(commit) = commit else {
            return Ok(());
        };
        // registrations go on while the index writes the commit
        let service = self.clone();
        tokio::task::spawn_blocking(move || service.index.finish_commit(commit))
            .await
            .map_err(|e| ServiceError::Index(crate::index::IndexError::Worker(e.to_string())))??;
        Ok(())
    }

    /// The model version in use.
    pub fn model_version(&self) -> String {
        self.matcher
            .read()
            .expect("matcher lock")
            .model
            .version
            .clone()
    }

    /// The best candidate persons for a record, best first; changes nothing.
    pub async fn match_record(
        &self,
        raw: &RawRecord,
        count: usize,
        only_certain: bool,
    ) -> Result<Vec<PersonMatch>, ServiceError> {
        let (normalized, _) = check_for_match(raw)?;
        // read-only: no transaction, one statement
        let mut conn = self.store.pool.acquire().await.map_err(StoreError::from)?;
        let mut matches = self
            .score_candidates(&mut conn, &normalized, None, None)
            .await?;
        drop(conn);
        if only_certain {
            matches.retain(|m| m.grade == Grade::Certain);
        }
        matches.truncate(count);
        Ok(matches)
    }

    /// A record as stored, with its person.
    pub async fn record(&self, source: &str, source_id: &str) -> Result<RecordView, ServiceError> {
        let mut tx = self.store.begin().await?;
        let row = records::get(&mut tx, source, source_id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("record {source}/{source_id}")))?;
        let link = links::current(&mut tx, row.id).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(RecordView {
            source: row.source,
            source_id: row.source_id,
            version: row.version,
            active: row.active,
            person_id: link.as_ref().map(|l| l.person_id.clone()),
            link: link.map(|l| l.how),
            record: serde_json::from_str(&row.data).unwrap_or_default(),
        })
    }

    /// Deactivates a record: kept with its history, no longer a candidate.
    pub async fn deactivate(
        &self,
        source: &str,
        source_id: &str,
        expected: Option<Precondition>,
    ) -> Result<(), ServiceError> {
        let _serial = self.register.lock().await;
        let mut tx = self.store.begin_write().await?;
        let row = records::get(&mut tx, source, source_id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("record {source}/{source_id}")))?;
        if let Some(expected) = expected {
            expected.check(Some(row.version))?;
        }
        if row.active {
            let now = now_ms();
            records::deactivate(&mut tx, row.id, now).await?;
            let person = links::current(&mut tx, row.id).await?.map(|l| l.person_id);
            let payload = serde_json::json!({"source": source, "source_id": source_id}).to_string();
            events::append(
                &mut tx,
                self.store.backend,
                "record.deactivated",
                person.as_deref(),
                Some(row.id),
                &payload,
                now,
            )
            .await?;
            // tasks about the record are answered
            let mut changed = steward::Changed::default();
            changed.persons.extend(person);
            self.close_answered(&mut tx, &mut changed, now).await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        self.index.remove(row.id);
        Ok(())
    }

    /// A person with its records and golden view.
    pub async fn person(&self, person_id: &str) -> Result<PersonLookup, ServiceError> {
        let mut tx = self.store.begin().await?;
        let person = persons::get(&mut tx, person_id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("person {person_id}")))?;
        if let Some(survivor) = person.merged_into {
            return Ok(PersonLookup::MergedInto(survivor));
        }
        let ids = links::records_of(&mut tx, person_id).await?;
        let rows = records::current_data(&mut tx, &ids).await?;
        tx.commit().await.map_err(StoreError::from)?;
        let mut records = Vec::new();
        // newest first: record ids grow with first registration; versions update data
        let newest_first: Vec<RawRecord> = rows
            .iter()
            .rev()
            .map(|(_, _, _, data)| serde_json::from_str(data).unwrap_or_default())
            .collect();
        let golden = survive(&newest_first);
        for (_, source, source_id, _) in &rows {
            records.push(RecordRef {
                source: source.clone(),
                source_id: source_id.clone(),
            });
        }
        Ok(PersonLookup::Found(Box::new(PersonView {
            person_id: person_id.to_string(),
            records,
            golden,
        })))
    }

    /// Identity events after `after`.
    /// The sequence number of the last identity event (0 when there is none).
    pub async fn last_event_seq(&self) -> Result<i64, ServiceError> {
        let mut tx = self.store.begin().await?;
        let seq = events::last_seq(&mut tx).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(seq)
    }

    pub async fn events(&self, after: i64, limit: i64) -> Result<Vec<events::Event>, ServiceError> {
        let mut tx = self.store.begin().await?;
        let out = events::after(&mut tx, after, limit).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(out)
    }
}

/// Survivorship: per field, the newest record's complete value; a field no record has
/// complete takes the newest value there is. Complete means usable as evidence: not a
/// placeholder, not unparseable, and for an SSN all nine digits (not `XXX-XX-1234`).
fn survive(newest_first: &[RawRecord]) -> RawRecord {
    let mut golden = RawRecord::default();
    for raw in newest_first {
        let (normalized, issues) = normalize(raw);
        let masked_ssn = matches!(normalized.ssn, Some(Ssn::LastFour(_)));
        fill_missing(&mut golden, raw, |field| {
            let unusable = issues.iter().any(|i| i.field == field);
            !(unusable || field == "ssn" && masked_ssn)
        });
    }
    for raw in newest_first {
        fill_missing(&mut golden, raw, |_| true);
    }
    golden.record_id.clear();
    golden.source.clear();
    golden.source_id.clear();
    golden
}

fn fill_missing(golden: &mut RawRecord, raw: &RawRecord, usable: impl Fn(&str) -> bool) {
    for field in crate::domain::record::FIELDS {
        let have = golden.get(field).is_some_and(|v| !v.trim().is_empty());
        if !have
            && usable(field)
            && let Some(v) = raw.get(field).filter(|v| !v.trim().is_empty())
            && let Some(slot) = golden.get_mut(field)
        {
            *slot = v.to_string();
        }
    }
}
