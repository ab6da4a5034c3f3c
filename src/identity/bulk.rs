//! Batch registration, the fast path for initial loads. Records in a batch are decided
//! in order, each seeing those before it, exactly as single registrations would be;
//! records never seen before that link or make a new person (most of a load) are kept
//! and written many rows per statement, everything else (updates, resends, reviews,
//! preconditions) takes the single-registration path after what is kept is written.
//! The new records' candidates are read ahead on all cores (see `ahead`).

use rustc_hash::FxHashMap;

use crate::domain::RawRecord;
use crate::normalize::NormalizedRecord;
use crate::store::bulk::{self, NewEvent, NewLink, NewRecord, Rows};
use crate::store::{Backend, StoreError, Tx, now_ms, persons};

use super::outcome::{Grade, Outcome, PersonMatch, Registered};
use super::register::{Applied, Prepared, new_answer, prepare};
use super::{Service, ServiceError};

/// New records decided but not yet written, and ids reserved for more.
#[derive(Default)]
struct Kept {
    rows: Rows,
    /// Person of each kept record, for the candidates of the records after it.
    person_of: FxHashMap<i64, String>,
    reserved: std::collections::VecDeque<i64>,
}

impl Service {
    /// Registers records in order in one transaction: each sees those before it. An
    /// invalid record fails alone; a database failure fails the batch and writes nothing.
    pub async fn register_batch(
        &self,
        items: Vec<RawRecord>,
        provenance: &str,
    ) -> Result<Vec<Result<Registered, ServiceError>>, ServiceError> {
        let _serial = self.register.lock().await;
        let prepared = items.into_iter().map(prepare).collect();
        let out = self.run_batch(prepared, provenance).await?;
        tracing::info!(records = out.len(), "batch registered");
        Ok(out)
    }

    /// Registers validated records in order in one transaction. The caller holds the
    /// registration lock.
    pub(super) async fn run_batch(
        &self,
        prepared: Vec<Result<Prepared, ServiceError>>,
        provenance: &str,
    ) -> Result<Vec<Result<Registered, ServiceError>>, ServiceError> {
        let mut tx = self.store.begin_write().await?;
        let mut applied = Vec::new();
        let done = self
            .batch_in(&mut tx, prepared, provenance, &mut applied)
            .await;
        let out = match done {
            Ok(out) => out,
            Err(error) => {
                drop(tx);
                self.uncount_names(&applied);
                self.resync(&applied).await;
                return Err(error);
            }
        };
        if let Err(error) = tx.commit().await {
            self.uncount_names(&applied);
            self.resync(&applied).await;
            return Err(StoreError::from(error).into());
        }
        Ok(out)
    }

    async fn batch_in(
        &self,
        tx: &mut Tx<'_>,
        prepared: Vec<Result<Prepared, ServiceError>>,
        provenance: &str,
        applied: &mut Vec<Applied>,
    ) -> Result<Vec<Result<Registered, ServiceError>>, ServiceError> {
        let now = now_ms();
        let keys: Vec<(&str, &str)> = prepared
            .iter()
            .flatten()
            .map(|p| (p.raw.source.as_str(), p.raw.source_id.as_str()))
            .collect();
        let mut known = bulk::existing_keys(tx, self.store.backend, &keys).await?;
        let mut new_left = keys.len() - known.len();
        // the new records: the first of their key in the batch, without a precondition
        let fresh: Vec<bool> = prepared
            .iter()
            .map(|item| {
                item.as_ref().is_ok_and(|p| {
                    let key = (p.raw.source.clone(), p.raw.source_id.clone());
                    known.insert(key) && p.expected.is_none()
                })
            })
            .collect();
        // whose candidates are read ahead
        let queries: Vec<(usize, NormalizedRecord)> = prepared
            .iter()
            .zip(&fresh)
            .enumerate()
            .filter_map(|(i, (item, fresh))| {
                let p = item.as_ref().ok().filter(|_| *fresh)?;
                Some((i, p.normalized.clone()))
            })
            .collect();
        let mut ahead = self.read_ahead(tx, queries, prepared.len()).await?;
        let mut kept = Kept::default();
        let model_version = self.model_version();
        let mut out = Vec::with_capacity(prepared.len());
        for (i, (item, fresh)) in prepared.into_iter().zip(fresh).enumerate() {
            let p = match item {
                Ok(p) => p,
                Err(e) => {
                    out.push(Err(e));
                    continue;
                }
            };
            if fresh {
                new_left = new_left.saturating_sub(1);
                let matches = match ahead.matches(self, i, &p.normalized) {
                    Some(matches) => matches,
                    None => {
                        self.score_candidates(tx, &p.normalized, None, Some(&kept.person_of))
                            .await?
                    }
                };
                if let Some(answer) = self.keep(tx, &p, &mut kept, new_left, &matches).await? {
                    let a = Applied {
                        record_id: kept.rows.records.last().expect("kept").id,
                        data: p.data,
                        normalized: p.normalized,
                        created: true,
                    };
                    ahead.decided(a.record_id, p.raw, a.normalized.clone(), &answer.person_id);
                    // a candidate for the rest of the batch at once, its names counted
                    self.index_applied(&a);
                    applied.push(a);
                    out.push(Ok(answer));
                    continue;
                }
            } else {
                // an update: what was read ahead may no longer hold
                ahead.forget();
            }
            // the single-registration path sees the database: write what is kept first
            self.write_kept(tx, &mut kept, provenance, &model_version, now)
                .await?;
            let raw = fresh.then(|| p.raw.clone());
            let (answer, done) = match self.register_in(tx, p, provenance, now).await {
                Ok(done) => done,
                // refused before anything was written: the others go on
                Err(e @ ServiceError::VersionConflict { .. }) => {
                    out.push(Err(e));
                    continue;
                }
                Err(e) => return Err(e),
            };
            // on SQLite a record inserted another way takes the id reserved next
            if self.store.backend == Backend::Sqlite {
                kept.reserved.clear();
            }
            if let Some(a) = done {
                if let Some(raw) = raw {
                    ahead.decided(a.record_id, raw, a.normalized.clone(), &answer.person_id);
                }
                self.index_applied(&a);
                applied.push(a);
            }
            out.push(Ok(answer));
        }
        self.write_kept(tx, &mut kept, provenance, &model_version, now)
            .await?;
        Ok(out)
    }

    /// Decides a record never seen before. A link or a new person is kept to be written
    /// with the others; none (a review) leaves it to the single-registration path.
    async fn keep(
        &self,
        tx: &mut Tx<'_>,
        p: &Prepared,
        kept: &mut Kept,
        new_left: usize,
        matches: &[PersonMatch],
    ) -> Result<Option<Registered>, ServiceError> {
        let linked = matches.first().filter(|m| m.grade != Grade::Possible);
        // a review, or a link with a possible duplicate, takes the single path
        if linked.is_none() && !matches.is_empty()
            || super::register::duplicates_of(matches).is_some()
        {
            return Ok(None);
        }
        if kept.reserved.is_empty() {
            kept.reserved = bulk::reserve_record_ids(tx, self.store.backend, new_left + 1)
                .await?
                .into();
        }
        let record_id = kept.reserved.pop_front().expect("reserved");
        let mut answer = new_answer(p, 1, matches);
        let payload =
            serde_json::json!({"source": p.raw.source, "source_id": p.raw.source_id}).to_string();
        let person = match linked {
            Some(m) => {
                answer.outcome = Outcome::Linked;
                kept.rows.links.push(NewLink {
                    record_id,
                    person_id: m.person_id.clone(),
                    score: Some((
                        m.weight as f64,
                        m.probability,
                        serde_json::to_string(&m.explanation).expect("serializes"),
                    )),
                });
                m.person_id.clone()
            }
            None => {
                let person = persons::new_person_id();
                kept.rows.persons.push(person.clone());
                kept.rows.events.push(NewEvent {
                    kind: "person.created",
                    person_id: person.clone(),
                    record_id: None,
                    payload: "{}".to_string(),
                });
                kept.rows.links.push(NewLink {
                    record_id,
                    person_id: person.clone(),
                    score: None,
                });
                person
            }
        };
        kept.rows.events.push(NewEvent {
            kind: "record.linked",
            person_id: person.clone(),
            record_id: Some(record_id),
            payload,
        });
        answer.person_id = person.clone();
        kept.person_of.insert(record_id, person);
        kept.rows.records.push(NewRecord {
            id: record_id,
            source: p.raw.source.clone(),
            source_id: p.raw.source_id.clone(),
            data: p.data.clone(),
            content_hash: p.hash.clone(),
            outcome: serde_json::to_string(&answer).expect("serializes"),
        });
        Ok(Some(answer))
    }

    async fn write_kept(
        &self,
        tx: &mut Tx<'_>,
        kept: &mut Kept,
        provenance: &str,
        model_version: &str,
        now: i64,
    ) -> Result<(), ServiceError> {
        if kept.rows.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut kept.rows);
        bulk::write(
            tx,
            self.store.backend,
            &rows,
            provenance,
            model_version,
            now,
        )
        .await?;
        kept.person_of.clear();
        Ok(())
    }
}
