//! Register, match and look up identities: the one place the online pipeline order is
//! written (normalize → candidates → score → decide → link, events in the same
//! transaction, then the index).

pub mod outcome;

use std::path::Path;
use std::sync::RwLock;

use rustc_hash::FxHashMap;

use crate::domain::RawRecord;
use crate::index::{Candidate, CandidateIndex, Caps, IndexError};
use crate::matching::rules::Rule;
use crate::matching::{Decision, Matcher, Model, Score, TermFrequencies};
use crate::normalize::{NormalizedRecord, normalize};
use crate::store::{Store, StoreError, events, links, now_ms, persons, records, reviews};
use outcome::{
    Grade, Outcome, PersonMatch, PersonView, RecordRef, RecordView, Registered, Warning,
};

/// Errors of the identity service.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{field}: {problem}")]
    Invalid { field: String, problem: String },
    #[error("{0} not found")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Index(#[from] IndexError),
}

fn invalid(field: &str, problem: &str) -> ServiceError {
    ServiceError::Invalid {
        field: field.to_string(),
        problem: problem.to_string(),
    }
}

/// The identity service: store, candidate index and matcher.
pub struct Service {
    pub store: Store,
    pub index: CandidateIndex,
    matcher: RwLock<Matcher>,
    /// Identity changes are serialized, so two registrations of one new patient cannot
    /// both create a person.
    register: tokio::sync::Mutex<()>,
}

/// A person lookup: found, or merged into a survivor.
#[derive(Debug)]
pub enum PersonLookup {
    Found(Box<PersonView>),
    MergedInto(String),
}

impl Service {
    /// Opens the service on a migrated store. The index (in `index_dir`, or in memory)
    /// is rebuilt from the database when it does not hold exactly the active records.
    pub async fn open(
        store: Store,
        index_dir: Option<&Path>,
        model: Model,
    ) -> Result<Service, ServiceError> {
        let index = match CandidateIndex::open(index_dir, Caps::default()) {
            Ok(index) => index,
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
            store,
            index,
            matcher: RwLock::new(Matcher::new(model, TermFrequencies::default())),
            register: tokio::sync::Mutex::new(()),
        };
        service.load().await?;
        Ok(service)
    }

    /// Name frequencies from every active record, and the index if it is behind.
    async fn load(&self) -> Result<(), ServiceError> {
        let mut tf = TermFrequencies::default();
        let mut all = Vec::new();
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
                all.push((id, data, n));
            }
        }
        self.matcher.write().expect("matcher lock").tf = tf;
        if self.index.committed_docs() != all.len() as u64 {
            tracing::info!(
                records = all.len(),
                indexed = self.index.committed_docs(),
                "rebuilding the search index"
            );
            self.index.clear()?;
            for (id, data, n) in &all {
                self.index.upsert(*id, data, n);
            }
            self.index.commit()?;
        }
        Ok(())
    }

    /// Makes recent registrations durable in the index (group commit).
    pub fn commit_index(&self) -> Result<(), ServiceError> {
        Ok(self.index.commit()?)
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

    /// Registers or updates one source record.
    pub async fn register(
        &self,
        raw: RawRecord,
        provenance: &str,
    ) -> Result<Registered, ServiceError> {
        let (normalized, warnings) = check(&raw)?;
        let data = serde_json::to_string(&raw).expect("a record serializes");
        let hash = content_hash(&data);
        let _serial = self.register.lock().await;
        let now = now_ms();
        let mut tx = self.store.begin().await?;
        let (record_id, version, stored) = records::put_version(
            &mut tx,
            &raw.source,
            &raw.source_id,
            &data,
            &hash,
            provenance,
            now,
        )
        .await?;
        if stored == records::Stored::Unchanged
            && let Some(previous) = records::outcome(&mut tx, record_id).await?
            && let Ok(answer) = serde_json::from_str::<Registered>(&previous)
        {
            tx.commit().await.map_err(StoreError::from)?;
            return Ok(answer);
        }
        let matches = self
            .score_candidates(&mut tx, &normalized, Some(record_id))
            .await?;
        let backend = self.store.backend;
        let current = links::current(&mut tx, record_id).await?;
        let mut answer = Registered {
            source: raw.source.clone(),
            source_id: raw.source_id.clone(),
            version,
            person_id: String::new(),
            outcome: Outcome::Created,
            deciding_match: None,
            review_task: None,
            candidate_persons: Vec::new(),
            warnings,
        };
        let best = matches.first();
        answer.deciding_match = best.map(|m| serde_json::to_value(m).expect("serializes"));
        let payload =
            serde_json::json!({"source": raw.source, "source_id": raw.source_id}).to_string();
        if let Some(link) = current {
            // an update never moves a record: a poor fit with its own person opens a review
            answer.person_id = link.person_id.clone();
            answer.outcome = Outcome::Linked;
            let own = matches.iter().find(|m| m.person_id == link.person_id);
            let others = links::records_of(&mut tx, &link.person_id).await?.len() > 1;
            if others && own.is_none() {
                let explanation = best
                    .map(|m| serde_json::to_string(&m.explanation).expect("serializes"))
                    .unwrap_or_else(|| "{}".into());
                let task = reviews::open(
                    &mut tx,
                    record_id,
                    &serde_json::to_string(&[&link.person_id]).expect("serializes"),
                    best.map(|m| m.weight as f64).unwrap_or(0.0),
                    best.map(|m| m.probability).unwrap_or(0.0),
                    &explanation,
                    now,
                )
                .await?;
                events::append(
                    &mut tx,
                    backend,
                    "review.opened",
                    Some(&link.person_id),
                    Some(record_id),
                    &payload,
                    now,
                )
                .await?;
                answer.outcome = Outcome::Review;
                answer.review_task = Some(task);
                answer.candidate_persons = vec![link.person_id.clone()];
            }
        } else {
            let linked = best.filter(|m| m.grade != Grade::Possible);
            let person = match linked {
                Some(m) => {
                    answer.outcome = Outcome::Linked;
                    m.person_id.clone()
                }
                None => {
                    let p = persons::create(&mut tx, now).await?;
                    events::append(
                        &mut tx,
                        backend,
                        "person.created",
                        Some(&p),
                        None,
                        "{}",
                        now,
                    )
                    .await?;
                    p
                }
            };
            let explanation =
                linked.map(|m| serde_json::to_string(&m.explanation).expect("serializes"));
            let model_version = self.model_version();
            links::link(
                &mut tx,
                &links::NewLink {
                    record_id,
                    person_id: &person,
                    how: links::How::Auto,
                    weight: linked.map(|m| m.weight as f64),
                    probability: linked.map(|m| m.probability),
                    model_version: Some(&model_version),
                    explanation: explanation.as_deref(),
                    actor: "mpi",
                },
                now,
            )
            .await?;
            events::append(
                &mut tx,
                backend,
                "record.linked",
                Some(&person),
                Some(record_id),
                &payload,
                now,
            )
            .await?;
            if linked.is_none() && !matches.is_empty() {
                let candidates: Vec<String> = matches.iter().map(|m| m.person_id.clone()).collect();
                let best = &matches[0];
                let task = reviews::open(
                    &mut tx,
                    record_id,
                    &serde_json::to_string(&candidates).expect("serializes"),
                    best.weight as f64,
                    best.probability,
                    &serde_json::to_string(&best.explanation).expect("serializes"),
                    now,
                )
                .await?;
                events::append(
                    &mut tx,
                    backend,
                    "review.opened",
                    Some(&person),
                    Some(record_id),
                    &payload,
                    now,
                )
                .await?;
                answer.outcome = Outcome::Review;
                answer.review_task = Some(task);
                answer.candidate_persons = candidates;
            }
            answer.person_id = person;
        }
        records::set_outcome(
            &mut tx,
            record_id,
            &serde_json::to_string(&answer).expect("serializes"),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.index.upsert(record_id, &data, &normalized);
        if stored == records::Stored::Created {
            self.matcher
                .write()
                .expect("matcher lock")
                .tf
                .add(&normalized);
        }
        tracing::info!(record = record_id, version, outcome = ?answer.outcome, "registered");
        Ok(answer)
    }

    /// The best candidate persons for a record, best first; changes nothing.
    pub async fn match_record(
        &self,
        raw: &RawRecord,
        count: usize,
        only_certain: bool,
    ) -> Result<Vec<PersonMatch>, ServiceError> {
        let (normalized, _) = check_for_match(raw)?;
        let mut tx = self.store.begin().await?;
        let mut matches = self.score_candidates(&mut tx, &normalized, None).await?;
        tx.commit().await.map_err(StoreError::from)?;
        if only_certain {
            matches.retain(|m| m.grade == Grade::Certain);
        }
        matches.truncate(count);
        Ok(matches)
    }

    /// Candidates scored and grouped by person: each person's best record at or above
    /// the review threshold, best first.
    async fn score_candidates(
        &self,
        tx: &mut crate::store::Tx<'_>,
        query: &NormalizedRecord,
        exclude: Option<i64>,
    ) -> Result<Vec<PersonMatch>, ServiceError> {
        let candidates: Vec<Candidate> = self
            .index
            .candidates(query)?
            .into_iter()
            .filter(|c| Some(c.record_id) != exclude)
            .collect();
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = candidates.iter().map(|c| c.record_id).collect();
        let person_of: FxHashMap<i64, String> = links::persons_of(tx, &ids)
            .await?
            .into_iter()
            .map(|(r, p, _)| (r, p))
            .collect();
        let matcher = self.matcher.read().expect("matcher lock");
        let mut best: FxHashMap<String, (Score, RawRecord, NormalizedRecord)> =
            FxHashMap::default();
        for c in candidates {
            let Some(person) = person_of.get(&c.record_id) else {
                continue;
            };
            let Ok(raw) = serde_json::from_str::<RawRecord>(&c.data) else {
                continue;
            };
            let (n, _) = normalize(&raw);
            let score = matcher.score(query, &n);
            if score.decision == Decision::NoMatch {
                continue;
            }
            let better = best
                .get(person)
                .is_none_or(|(s, _, _)| rank(&score) > rank(s));
            if better {
                best.insert(person.clone(), (score, raw, n));
            }
        }
        let mut out: Vec<PersonMatch> = best
            .into_iter()
            .map(|(person_id, (score, raw, n))| PersonMatch {
                person_id,
                weight: score.weight,
                probability: score.probability(),
                grade: grade(&score),
                source: raw.source,
                source_id: raw.source_id,
                explanation: matcher.explain(query, &n),
            })
            .collect();
        out.sort_by(|a, b| {
            (b.grade == Grade::Certain)
                .cmp(&(a.grade == Grade::Certain))
                .then(b.weight.total_cmp(&a.weight))
                .then(a.person_id.cmp(&b.person_id))
        });
        Ok(out)
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
    pub async fn deactivate(&self, source: &str, source_id: &str) -> Result<(), ServiceError> {
        let _serial = self.register.lock().await;
        let mut tx = self.store.begin().await?;
        let row = records::get(&mut tx, source, source_id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("record {source}/{source_id}")))?;
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
        let mut golden = RawRecord::default();
        // newest first: record ids grow with first registration; versions update data
        for (_, source, source_id, data) in rows.iter().rev() {
            let raw: RawRecord = serde_json::from_str(data).unwrap_or_default();
            fill_missing(&mut golden, &raw);
            records.push(RecordRef {
                source: source.clone(),
                source_id: source_id.clone(),
            });
        }
        records.reverse();
        golden.record_id.clear();
        golden.source.clear();
        golden.source_id.clear();
        Ok(PersonLookup::Found(Box::new(PersonView {
            person_id: person_id.to_string(),
            records,
            golden,
        })))
    }

    /// Identity events after `after`.
    pub async fn events(&self, after: i64, limit: i64) -> Result<Vec<events::Event>, ServiceError> {
        let mut tx = self.store.begin().await?;
        let out = events::after(&mut tx, after, limit).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(out)
    }
}

/// Ranks scores: certain first, then by weight.
fn rank(s: &Score) -> (bool, f32) {
    (
        s.rules.iter().any(|h| h.rule == Rule::CertainIdentifier),
        s.weight,
    )
}

fn grade(s: &Score) -> Grade {
    if s.decision == Decision::Link && s.rules.iter().any(|h| h.rule == Rule::CertainIdentifier) {
        Grade::Certain
    } else if s.decision == Decision::Link {
        Grade::Probable
    } else {
        Grade::Possible
    }
}

/// Validates a registration: source and source id are required, a birth date must be a
/// real date. Other unusable values become missing and are reported as warnings.
fn check(raw: &RawRecord) -> Result<(NormalizedRecord, Vec<Warning>), ServiceError> {
    if raw.source.trim().is_empty() {
        return Err(invalid("source", "is required"));
    }
    if raw.source_id.trim().is_empty() {
        return Err(invalid("source_id", "is required"));
    }
    check_for_match(raw)
}

fn check_for_match(raw: &RawRecord) -> Result<(NormalizedRecord, Vec<Warning>), ServiceError> {
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

/// FNV-1a over the canonical JSON: a cheap fingerprint; equality of the data decides.
fn content_hash(data: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in data.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn fill_missing(golden: &mut RawRecord, raw: &RawRecord) {
    for field in crate::domain::record::FIELDS {
        let have = golden.get(field).is_some_and(|v| !v.trim().is_empty());
        if !have
            && let Some(v) = raw.get(field).filter(|v| !v.trim().is_empty())
            && let Some(slot) = golden.get_mut(field)
        {
            *slot = v.to_string();
        }
    }
}
