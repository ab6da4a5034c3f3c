//! Batch registration, the fast path for initial loads. Records in a batch are decided
//! in order, each seeing those before it, exactly as single registrations would be;
//! records never seen before (most of a load) are decided here and their rows kept and
//! written many per statement, everything else (updates, resends, preconditions) takes
//! the single-registration path after what is kept is written.
//! The new records' candidates are read ahead on all cores (see `ahead`).

use rustc_hash::FxHashMap;

use crate::domain::RawRecord;
use crate::normalize::NormalizedRecord;
use crate::review::Reason;
use crate::store::bulk::{self, NewEvent, NewLink, NewRecord, NewReview, Rows};
use crate::store::{Backend, Tx, now_ms, persons};

use super::outcome::{Grade, Outcome, PersonMatch, Registered};
use super::register::{
    Applied, AuditEntryFor, Prepared, ReviewToOpen, new_answer, prepare, task_explanation,
};
use super::{Service, ServiceError};

/// New records decided but not yet written, and ids reserved for more.
#[derive(Default)]
pub(super) struct Kept {
    pub(super) rows: Rows,
    /// Person of each kept record, for the candidates of the records after it.
    pub(super) person_of: FxHashMap<i64, String>,
    reserved: std::collections::VecDeque<i64>,
    /// The review task id taken last (see `bulk::next_task_id`).
    last_task: Option<i64>,
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
        let audits: Vec<Option<AuditEntryFor>> = prepared
            .iter()
            .map(|p| p.as_ref().ok().and_then(|p| p.audit.clone()))
            .collect();
        let mut tx = self.store.begin_write().await?;
        let mut applied = Vec::new();
        let done = self
            .batch_in(&mut tx, prepared, provenance, &mut applied)
            .await;
        let mut out = match done {
            Ok(out) => out,
            Err(error) => {
                drop(tx);
                self.uncount_names(&applied);
                self.resync(&applied).await;
                return Err(error);
            }
        };
        // the callers' own audit entries, for the registrations that succeeded
        let mut audited = Vec::new();
        let mut own = Vec::new();
        for (i, (answer, entry)) in out.iter().zip(&audits).enumerate() {
            if let (Ok(answer), Some(entry)) = (answer, entry) {
                audited.push(i);
                own.push(entry(answer));
            }
        }
        let seqs = match self.commit_registrations(tx, own).await {
            Ok(seqs) => seqs,
            Err(error) => {
                self.uncount_names(&applied);
                self.resync(&applied).await;
                return Err(error.into());
            }
        };
        for (i, seq) in audited.into_iter().zip(seqs) {
            if let Ok(answer) = &mut out[i] {
                answer.audit_seq = Some(seq);
            }
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
                let answer = self.keep(tx, &p, &mut kept, new_left, &matches).await?;
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
            // an update: what was read ahead may no longer hold
            ahead.forget();
            // the single-registration path sees the database: write what is kept first
            self.write_kept(tx, &mut kept, provenance, &model_version, now)
                .await?;
            let (answer, done) = match self.register_in(tx, p, provenance, now).await {
                Ok(done) => done,
                // refused before anything was written: the others go on
                Err(e @ ServiceError::VersionConflict { .. }) => {
                    out.push(Err(e));
                    continue;
                }
                Err(e) => return Err(e),
            };
            // on SQLite a record or task inserted another way takes the id reserved next
            if self.store.backend == Backend::Sqlite {
                kept.reserved.clear();
                kept.last_task = None;
            }
            if let Some(a) = done {
                self.index_applied(&a);
                applied.push(a);
            }
            out.push(Ok(answer));
        }
        self.write_kept(tx, &mut kept, provenance, &model_version, now)
            .await?;
        Ok(out)
    }

    /// Decides a record never seen before and keeps its rows to be written with the
    /// others: a link, or a new person, and the review task a single registration would
    /// open (a possible match, or a link to one of several fitting persons).
    pub(super) async fn keep(
        &self,
        tx: &mut Tx<'_>,
        p: &Prepared,
        kept: &mut Kept,
        new_left: usize,
        matches: &[PersonMatch],
    ) -> Result<Registered, ServiceError> {
        let review = self.review_for(tx, matches).await?;
        if kept.reserved.is_empty() {
            kept.reserved = bulk::reserve_record_ids(tx, self.store.backend, new_left + 1)
                .await?
                .into();
        }
        let record_id = kept.reserved.pop_front().expect("reserved");
        let task = match review {
            Some(_) => {
                let task = bulk::next_task_id(tx, self.store.backend, kept.last_task).await?;
                kept.last_task = Some(task);
                Some(task)
            }
            None => None,
        };
        Ok(keep_decided(
            p,
            kept,
            record_id,
            matches,
            review.map(|r| (r, task.expect("taken"))),
        ))
    }

    pub(super) async fn write_kept(
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

/// Keeps the rows of a new record decided on `matches`, with the id reserved for it and
/// the review to open with its task id: a link, or a new person, its events, and the
/// answer a single registration would give.
pub(super) fn keep_decided(
    p: &Prepared,
    kept: &mut Kept,
    record_id: i64,
    matches: &[PersonMatch],
    review: Option<(ReviewToOpen<'_>, i64)>,
) -> Registered {
    let linked = matches.first().filter(|m| m.grade != Grade::Possible);
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
    if let Some(((reason, candidates, best), task)) = review {
        kept.rows.reviews.push(NewReview {
            id: task,
            record_id,
            person_id: person.clone(),
            source: p.raw.source.clone(),
            reason: reason.as_str(),
            candidate_persons: serde_json::to_string(&candidates).expect("serializes"),
            weight: best.map(|m| m.weight as f64).unwrap_or(0.0),
            probability: best.map(|m| m.probability).unwrap_or(0.0),
            explanation: task_explanation(best),
        });
        kept.rows.events.push(NewEvent {
            kind: "review.opened",
            person_id: person.clone(),
            record_id: Some(record_id),
            payload: serde_json::json!({"task": task, "reason": reason.as_str()}).to_string(),
        });
        if reason == Reason::PossibleMatch {
            answer.outcome = Outcome::Review;
        }
        answer.review_task = Some(task);
        answer.candidate_persons = candidates;
    }
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
    answer
}
