//! Registration: store the version, decide, link and write the events in one
//! transaction (per record, or per batch), then make the record a candidate.

use std::sync::Arc;

use crate::audit::Entry;
use crate::domain::RawRecord;
use crate::normalize::{NormalizedRecord, normalize};
use crate::store::{StoreError, Tx, events, links, now_ms, persons, records, reviews};

use super::outcome::{Grade, Outcome, PersonMatch, Registered, Warning};
use super::{Precondition, Service, ServiceError, invalid};
use crate::review::Reason;

/// A registration that passed validation.
#[derive(Clone)]
pub struct Prepared {
    pub(super) raw: RawRecord,
    pub(super) normalized: NormalizedRecord,
    pub(super) warnings: Vec<Warning>,
    /// Canonical JSON as stored.
    pub(super) data: String,
    pub(super) hash: String,
    /// The version the client expects the record to be at (`If-Match`).
    pub(super) expected: Option<Precondition>,
    /// The caller's audit entry, written from the answer in the registration's own
    /// transaction.
    pub(super) audit: Option<AuditEntryFor>,
}

/// Writes the audit entry of a registration from its answer.
pub type AuditEntryFor = Arc<dyn Fn(&Registered) -> Entry + Send + Sync>;

impl Prepared {
    /// Registers only if the record's current version meets `expected`.
    pub fn expecting(mut self, expected: Option<Precondition>) -> Prepared {
        self.expected = expected;
        self
    }

    /// Commits the caller's audit entry, written by `entry` from the answer, in the same
    /// transaction as the registration; the answer carries its seq
    /// (`Registered::audit_seq`). Without it, or when the entry cannot be appended there
    /// (which leaves the registration as it is; `audit_seq` is then `None`), the caller
    /// writes its entry itself.
    pub fn audited(mut self, entry: Option<AuditEntryFor>) -> Prepared {
        self.audit = entry;
        self
    }
}

/// What a registration leaves for after its transaction: the index and frequencies.
pub(super) struct Applied {
    pub(super) record_id: i64,
    pub(super) data: String,
    pub(super) normalized: NormalizedRecord,
    pub(super) created: bool,
}

/// Validates a registration: source and source id are required, a birth date must be a
/// real date. Other unusable values become missing and are reported as warnings.
pub fn prepare(raw: RawRecord) -> Result<Prepared, ServiceError> {
    if raw.source.trim().is_empty() {
        return Err(invalid("source", "is required"));
    }
    if raw.source_id.trim().is_empty() {
        return Err(invalid("source_id", "is required"));
    }
    let (normalized, warnings) = check_for_match(&raw)?;
    let data = serde_json::to_string(&raw).expect("a record serializes");
    let hash = content_hash(&data);
    Ok(Prepared {
        raw,
        normalized,
        warnings,
        data,
        hash,
        expected: None,
        audit: None,
    })
}

/// Validates a query record: a birth date, if given, must be a real date.
pub fn check_for_match(raw: &RawRecord) -> Result<(NormalizedRecord, Vec<Warning>), ServiceError> {
    if let Some((field, limit)) = raw.too_long() {
        return Err(invalid(
            field,
            &format!("is longer than {limit} characters"),
        ));
    }
    let (normalized, issues) = normalize(raw);
    if let Some(bad) = issues.iter().find(|i| {
        i.field == "birth_date" && i.problem == crate::domain::value::ValueError::Unparseable
    }) {
        return Err(invalid(
            bad.field,
            "is not a real date (YYYY-MM-DD, MM/DD/YYYY or YYYYMMDD)",
        ));
    }
    let warnings = issues
        .into_iter()
        .map(|i| Warning {
            field: i.field.to_string(),
            problem: i.problem.to_string(),
        })
        .collect();
    Ok((normalized, warnings))
}

/// The answer before the decision: a new person, the best match as the deciding one.
pub(super) fn new_answer(p: &Prepared, version: i64, matches: &[PersonMatch]) -> Registered {
    Registered {
        source: p.raw.source.clone(),
        source_id: p.raw.source_id.clone(),
        version,
        person_id: String::new(),
        outcome: Outcome::Created,
        deciding_match: matches
            .first()
            .map(|m| serde_json::value::to_raw_value(m).expect("a match serializes")),
        review_task: None,
        candidate_persons: Vec::new(),
        warnings: p.warnings.clone(),
        audit_seq: None,
    }
}

/// FNV-1a over the canonical JSON: a cheap fingerprint; equality of the data decides.
fn content_hash(data: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in data.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

impl Service {
    /// Registers or updates one source record.
    pub async fn register(
        &self,
        raw: RawRecord,
        provenance: &str,
    ) -> Result<Registered, ServiceError> {
        self.register_prepared(prepare(raw)?, provenance).await
    }

    /// Registers one record in a transaction of its own. The caller holds the
    /// registration lock.
    pub(super) async fn register_alone(
        &self,
        prepared: Prepared,
        provenance: &str,
    ) -> Result<Registered, ServiceError> {
        let audit = prepared.audit.clone();
        let mut tx = self.store.begin_write().await?;
        let (mut answer, applied) = self
            .register_in(&mut tx, prepared, provenance, now_ms())
            .await?;
        let own: Vec<Entry> = audit.iter().map(|entry| entry(&answer)).collect();
        answer.audit_seq = self.commit_registrations(tx, own).await?.first().copied();
        if let Some(applied) = applied {
            self.index_applied(&applied);
        }
        Ok(answer)
    }

    /// Makes a written record a candidate at once (a new one is added, a new version
    /// replaces the old) and counts its names.
    pub(super) fn index_applied(&self, a: &Applied) {
        if a.created {
            self.index.insert(a.record_id, &a.data, &a.normalized);
        } else {
            self.index.upsert(a.record_id, &a.data, &a.normalized);
        }
        self.count_names(a);
    }

    /// Takes the names of records that did not commit out of the counts again.
    pub(super) fn uncount_names(&self, applied: &[Applied]) {
        let mut matcher = self.matcher.write().expect("matcher lock");
        for a in applied.iter().filter(|a| a.created) {
            matcher.tf.remove(&a.normalized);
        }
    }

    fn count_names(&self, applied: &Applied) {
        if applied.created {
            self.matcher
                .write()
                .expect("matcher lock")
                .tf
                .add(&applied.normalized);
        }
    }

    /// After a failed batch, puts the index back to what the database holds.
    pub(super) async fn resync(&self, applied: &[Applied]) {
        let ids: Vec<i64> = applied.iter().map(|a| a.record_id).collect();
        let current = async {
            let mut tx = self.store.begin().await?;
            let rows = records::current_data(&mut tx, &ids).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(rows)
        };
        match current.await {
            Ok(rows) => {
                for id in &ids {
                    self.index.remove(*id);
                }
                for (id, _, _, data) in rows {
                    let raw: RawRecord = serde_json::from_str(&data).unwrap_or_default();
                    self.index.upsert(id, &data, &normalize(&raw).0);
                }
            }
            Err(error) => {
                // the index is derived: the next start rebuilds it if it disagrees
                tracing::error!(%error, "index resync after a failed batch failed");
            }
        }
    }

    /// One registration inside `tx`. Returns the answer and, when something changed,
    /// what the index must learn once the transaction commits.
    pub(super) async fn register_in(
        &self,
        tx: &mut Tx<'_>,
        p: Prepared,
        provenance: &str,
        now: i64,
    ) -> Result<(Registered, Option<Applied>), ServiceError> {
        let raw = &p.raw;
        if let Some(expected) = p.expected {
            // checked under the registration lock, in the transaction that writes
            let current = records::get(tx, &raw.source, &raw.source_id).await?;
            expected.check(current.map(|r| r.version))?;
        }
        let (record_id, version, stored) = records::put_version(
            tx,
            &raw.source,
            &raw.source_id,
            &p.data,
            &p.hash,
            provenance,
            now,
        )
        .await?;
        if stored == records::Stored::Unchanged
            && let Some(previous) = records::outcome(tx, record_id).await?
            && let Ok(answer) = serde_json::from_str::<Registered>(&previous)
        {
            return Ok((answer, None));
        }
        let mut matches = self
            .score_candidates(tx, &p.normalized, Some(record_id), None)
            .await?;
        if stored != records::Stored::Created {
            // persons holding a record asserted to be someone else are never proposed
            let apart = self.persons_apart(tx, record_id).await?;
            matches.retain(|m| !apart.contains(&m.person_id));
        }
        let mut answer = new_answer(&p, version, &matches);
        let event = Event {
            record_id,
            source: raw.source.clone(),
            now,
            payload: serde_json::json!({"source": raw.source, "source_id": raw.source_id})
                .to_string(),
        };
        let current = match stored {
            records::Stored::Created => None,
            _ => links::current(tx, record_id).await?,
        };
        match current {
            Some(link) => {
                // every content change has its event (followers and the index rely on it)
                events::append(
                    tx,
                    self.store.backend,
                    "record.updated",
                    Some(&link.person_id),
                    Some(record_id),
                    &event.payload,
                    now,
                )
                .await?;
                self.update_fit(tx, &event, &link.person_id, &matches, &mut answer)
                    .await?
            }
            None => self.place_new(tx, &event, &matches, &mut answer).await?,
        }
        records::set_outcome(
            tx,
            record_id,
            &serde_json::to_string(&answer).expect("serializes"),
        )
        .await?;
        tracing::debug!(record = record_id, version, outcome = ?answer.outcome, "registered");
        Ok((
            answer,
            Some(Applied {
                record_id,
                data: p.data,
                normalized: p.normalized,
                created: stored == records::Stored::Created,
            }),
        ))
    }

    /// An update never moves a record: a poor fit with its own person opens a review.
    async fn update_fit(
        &self,
        tx: &mut Tx<'_>,
        event: &Event,
        person: &str,
        matches: &[PersonMatch],
        answer: &mut Registered,
    ) -> Result<(), ServiceError> {
        answer.person_id = person.to_string();
        answer.outcome = Outcome::Linked;
        let fits = matches.iter().any(|m| m.person_id == person);
        let alone = links::records_of(tx, person).await?.len() <= 1;
        if fits || alone {
            return Ok(());
        }
        let task = self
            .open_review(
                tx,
                event,
                Reason::PoorFit,
                person,
                &[person.to_string()],
                matches.first(),
            )
            .await?;
        answer.outcome = Outcome::Review;
        answer.review_task = Some(task);
        answer.candidate_persons = vec![person.to_string()];
        Ok(())
    }

    /// A record seen for the first time: linked to the best person at or above the link
    /// threshold, else a new person (with a review task when there were candidates).
    async fn place_new(
        &self,
        tx: &mut Tx<'_>,
        event: &Event,
        matches: &[PersonMatch],
        answer: &mut Registered,
    ) -> Result<(), ServiceError> {
        let backend = self.store.backend;
        let linked = matches.first().filter(|m| m.grade != Grade::Possible);
        let person = match linked {
            Some(m) => {
                answer.outcome = Outcome::Linked;
                m.person_id.clone()
            }
            None => {
                let p = persons::create(tx, event.now).await?;
                events::append(
                    tx,
                    backend,
                    "person.created",
                    Some(&p),
                    None,
                    "{}",
                    event.now,
                )
                .await?;
                p
            }
        };
        let explanation =
            linked.map(|m| serde_json::to_string(&m.explanation).expect("serializes"));
        let model_version = self.model_version();
        links::link(
            tx,
            &links::NewLink {
                record_id: event.record_id,
                person_id: &person,
                how: links::How::Auto,
                weight: linked.map(|m| m.weight as f64),
                probability: linked.map(|m| m.probability),
                model_version: Some(&model_version),
                explanation: explanation.as_deref(),
                actor: "mpi",
                reason: None,
            },
            event.now,
        )
        .await?;
        events::append(
            tx,
            backend,
            "record.linked",
            Some(&person),
            Some(event.record_id),
            &event.payload,
            event.now,
        )
        .await?;
        if let Some((reason, candidates, best)) = self.review_for(tx, matches).await? {
            let task = self
                .open_review(tx, event, reason, &person, &candidates, best)
                .await?;
            if reason == Reason::PossibleMatch {
                answer.outcome = Outcome::Review;
            }
            answer.review_task = Some(task);
            answer.candidate_persons = candidates;
        }
        answer.person_id = person;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) async fn open_review(
        &self,
        tx: &mut Tx<'_>,
        event: &Event,
        reason: Reason,
        person: &str,
        candidates: &[String],
        best: Option<&PersonMatch>,
    ) -> Result<i64, ServiceError> {
        let explanation = task_explanation(best);
        let task = reviews::open(
            tx,
            &reviews::NewTask {
                record_id: event.record_id,
                person_id: person,
                source: &event.source,
                reason: reason.as_str(),
                candidate_persons: candidates,
                weight: best.map(|m| m.weight as f64).unwrap_or(0.0),
                probability: best.map(|m| m.probability).unwrap_or(0.0),
                explanation: &explanation,
            },
            event.now,
        )
        .await?;
        events::append(
            tx,
            self.store.backend,
            "review.opened",
            Some(person),
            Some(event.record_id),
            &serde_json::json!({"task": task, "reason": reason.as_str()}).to_string(),
            event.now,
        )
        .await?;
        Ok(task)
    }
}

/// The review a new record's registration opens: the reason, the candidate persons and
/// the comparison to show.
pub(super) type ReviewToOpen<'m> = (Reason, Vec<String>, Option<&'m PersonMatch>);

impl Service {
    /// The review a new record opens, if any: a possible match (no link, but candidates),
    /// or a possible duplicate (linked, and another person fits as well, unless a
    /// steward already said the two are not one).
    pub(super) async fn review_for<'m>(
        &self,
        tx: &mut Tx<'_>,
        matches: &'m [PersonMatch],
    ) -> Result<Option<ReviewToOpen<'m>>, ServiceError> {
        let apart = match (matches.first(), duplicates_of(matches)) {
            (Some(m), Some(_)) if m.grade != Grade::Possible => {
                self.persons_apart_from(tx, &m.person_id).await?
            }
            _ => Vec::new(),
        };
        Ok(review_given(matches, &apart))
    }
}

/// The review a new record opens (see `Service::review_for`), given the persons a
/// steward said are not one with the person it links to.
pub(super) fn review_given<'m>(
    matches: &'m [PersonMatch],
    apart: &[String],
) -> Option<ReviewToOpen<'m>> {
    let linked = matches.first().filter(|m| m.grade != Grade::Possible);
    match (linked, duplicates_of(matches)) {
        (None, _) if !matches.is_empty() => {
            let candidates = matches.iter().map(|m| m.person_id.clone()).collect();
            Some((Reason::PossibleMatch, candidates, matches.first()))
        }
        (Some(_), Some(others)) => {
            let others: Vec<String> = others.into_iter().filter(|o| !apart.contains(o)).collect();
            (!others.is_empty()).then(|| (Reason::PossibleDuplicate, others, matches.get(1)))
        }
        _ => None,
    }
}

/// A review task's stored explanation: the comparison with its best candidate.
pub(super) fn task_explanation(best: Option<&PersonMatch>) -> String {
    best.map(|m| serde_json::to_string(&m.explanation).expect("serializes"))
        .unwrap_or_else(|| "{}".into())
}

/// The record an identity change is about, for its events.
pub(super) struct Event {
    pub(super) record_id: i64,
    pub(super) source: String,
    pub(super) now: i64,
    pub(super) payload: String,
}

/// Other persons the record would link to as well as to the first: candidates for
/// a merge with it.
pub(super) fn duplicates_of(matches: &[PersonMatch]) -> Option<Vec<String>> {
    let others: Vec<String> = matches
        .iter()
        .skip(1)
        .filter(|m| m.grade != Grade::Possible)
        .map(|m| m.person_id.clone())
        .collect();
    (matches.first().is_some_and(|m| m.grade != Grade::Possible) && !others.is_empty())
        .then_some(others)
}
