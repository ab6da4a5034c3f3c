//! Initial load: a whole file of records into an empty database, at bulk speed.
//!
//! A batch registration reads the index for every record, one after another. A load
//! instead blocks the whole file in memory and scores its candidate pairs on all cores,
//! as `mpi dedup` does; then it decides the records in file order, each against the
//! persons of the records before it, with the rules, rows and events of a batch
//! registration (`bulk::keep_decided`). The file's name frequencies are the matcher's
//! from the start. Everything is written in one transaction: all or nothing. On SQLite
//! the transaction goes through a rollback journal when the load holds the database's
//! only connection (`mpi load`), so its pages are written once (`store::journal`).

use rayon::prelude::*;
use serde::Serialize;

use crate::audit::{Entry, Outcome as AuditOutcome};
use crate::batch::blocking::{self, Scope};
use crate::domain::RawRecord;
use crate::matching::{Decision, Explanation, Score, TermFrequencies};
use crate::store::bulk::{self as rows, Rows};
use crate::store::journal::{self, Journal};
use crate::store::{Backend, StoreError, events, now_ms};

use super::bulk::{Kept, keep_decided};
use super::outcome::Outcome;
use super::register::{Prepared, prepare, review_given};
use super::scoring::{best_per_person, person_match};
use super::{Service, ServiceError};

/// Records decided between two sends of their rows to the writer.
const CHUNK: usize = 4_096;

/// Records decided between two turns of the writer.
const YIELD_EVERY: usize = 64;

/// Invalid records named in a refusal, at most.
const NAMED: usize = 20;

/// SQLite's page cache for a load's connection (KiB), and the pool's again after it.
const LOAD_CACHE: &str = "PRAGMA cache_size = -1048576";
const POOL_CACHE: &str = "PRAGMA cache_size = -65536";

/// What a load did.
#[derive(Debug, Serialize)]
pub struct LoadSummary {
    pub records: usize,
    pub persons: usize,
    pub linked: usize,
    pub review_tasks: usize,
    /// Candidate pairs scored.
    pub pairs: usize,
    /// Seconds per phase, in order.
    pub phases: Vec<(&'static str, f64)>,
    /// The journal the rows were written through.
    pub journal: Journal,
}

/// Why a load was refused; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(
        "the database already holds {0} source records: a load is for an empty database \
         (register further records with POST /v1/records:batch)"
    )]
    NotEmpty(i64),
    #[error("{} invalid record(s), nothing loaded: {}", .0.len(), describe(.0))]
    Invalid(Vec<Rejected>),
    #[error(transparent)]
    Service(#[from] ServiceError),
}

/// An invalid record: its place in the file (from 0), the field and the problem.
#[derive(Debug)]
pub struct Rejected {
    pub item: usize,
    pub field: String,
    pub problem: String,
}

fn describe(rejected: &[Rejected]) -> String {
    let mut out: Vec<String> = rejected
        .iter()
        .take(NAMED)
        .map(|r| format!("record {}: {}: {}", r.item + 1, r.field, r.problem))
        .collect();
    if rejected.len() > NAMED {
        out.push(format!("and {} more", rejected.len() - NAMED));
    }
    out.join("; ")
}

/// A candidate scored against a record: the earlier record, its score and comparison.
type Scored = (u32, Score, Explanation);

impl Service {
    /// Loads `items` into an empty database (see the module doc); `actor` is audited.
    pub async fn initial_load(
        &self,
        items: Vec<RawRecord>,
        provenance: &str,
        actor: &str,
    ) -> Result<LoadSummary, LoadError> {
        let _serial = self.register.lock().await;
        let mut conn = self
            .store
            .pool
            .acquire()
            .await
            .map_err(|e| ServiceError::from(StoreError::from(e)))?;
        let journal = journal::for_load(&mut conn, self.store.backend)
            .await
            .map_err(ServiceError::from)?;
        let loaded = self
            .load_on(&mut conn, items, provenance, actor, journal)
            .await;
        if let Err(error) = journal::after_load(&mut conn, journal).await {
            tracing::warn!(%error, "SQLite journal not set back to WAL after the load; a new connection sets it");
            // not back in the pool as it is
            let _ = conn.close().await;
        } else {
            drop(conn);
        }
        let mut summary = loaded?;
        let mut clock = Clock::start();
        let mut tx = self.store.begin().await.map_err(ServiceError::from)?;
        let mark = events::last_seq(&mut tx)
            .await
            .map_err(ServiceError::from)?;
        tx.commit()
            .await
            .map_err(|e| ServiceError::from(StoreError::from(e)))?;
        // the database holds the load: an index that fails here is rebuilt at start
        if let Err(error) = self.index.commit(mark) {
            tracing::warn!(%error, "search index not committed after the load; it is rebuilt at start");
        }
        clock.lap("index", &mut summary);
        tracing::info!(
            records = summary.records,
            persons = summary.persons,
            pairs = summary.pairs,
            journal = ?summary.journal,
            "records loaded"
        );
        Ok(summary)
    }

    /// The load's transaction on `conn`, up to its commit; after a failure the index and
    /// the frequencies are as before it.
    async fn load_on(
        &self,
        conn: &mut sqlx::AnyConnection,
        items: Vec<RawRecord>,
        provenance: &str,
        actor: &str,
        journal: Journal,
    ) -> Result<LoadSummary, LoadError> {
        let mut tx = self
            .store
            .begin_write_on(conn)
            .await
            .map_err(ServiceError::from)?;
        let stored = rows::record_count(&mut tx)
            .await
            .map_err(ServiceError::from)?;
        if stored > 0 {
            return Err(LoadError::NotEmpty(stored));
        }
        let mut summary = LoadSummary {
            records: 0,
            persons: 0,
            linked: 0,
            review_tasks: 0,
            pairs: 0,
            phases: Vec::new(),
            journal,
        };
        let mut clock = Clock::start();
        let prepared = validate(items)?;
        clock.lap("validate", &mut summary);
        let normalized: Vec<_> = prepared.iter().map(|p| p.normalized.clone()).collect();
        self.matcher
            .write()
            .expect("matcher lock")
            .set_frequencies(TermFrequencies::from_records(&normalized));
        let pairs = blocking::candidate_pairs(&normalized, Scope::Within, Default::default());
        summary.pairs = pairs.len();
        let earlier = Earlier::from_pairs(&pairs, prepared.len());
        drop(pairs);
        clock.lap("block", &mut summary);
        // segments are merged once the load is in, not again and again as they come
        self.index.merging(false);
        let written = match self.cached(&mut tx, LOAD_CACHE).await {
            Ok(()) => {
                self.decide_all(&mut tx, &prepared, &earlier, provenance, &mut summary)
                    .await
            }
            Err(error) => Err(error),
        };
        self.index.merging(true);
        // the connection goes back to the pool with the pool's cache
        let _ = self.cached(&mut tx, POOL_CACHE).await;
        let done = match written {
            Ok(()) => {
                clock.lap("decide and write", &mut summary);
                let mut entry = Entry::new(actor, "admin", "records.load", AuditOutcome::Ok);
                entry.reason = Some(format!(
                    "{} records, {} persons",
                    summary.records, summary.persons
                ));
                self.commit_registrations(tx, vec![entry])
                    .await
                    .map_err(ServiceError::from)
            }
            Err(error) => {
                drop(tx);
                Err(error)
            }
        };
        if let Err(error) = done {
            self.forget_load();
            return Err(error.into());
        }
        clock.lap("commit", &mut summary);
        Ok(summary)
    }

    /// Sets SQLite's page cache for the load's connection (`LOAD_CACHE`: the pages it
    /// writes stay in memory) or back (`POOL_CACHE`).
    async fn cached(
        &self,
        tx: &mut crate::store::Tx<'_>,
        pragma: &str,
    ) -> Result<(), ServiceError> {
        if self.store.backend == Backend::Sqlite {
            sqlx::query(pragma)
                .execute(&mut **tx)
                .await
                .map_err(StoreError::from)?;
        }
        Ok(())
    }

    /// Decides every record in file order and writes their rows: the rows of one chunk
    /// are written while the next is decided (one transaction, so one connection: the
    /// two take turns on this task, the decisions yielding every few records).
    async fn decide_all(
        &self,
        tx: &mut crate::store::Tx<'_>,
        prepared: &[Prepared],
        earlier: &Earlier,
        provenance: &str,
        summary: &mut LoadSummary,
    ) -> Result<(), ServiceError> {
        let backend = self.store.backend;
        let record_ids = rows::reserve_record_ids(tx, backend, prepared.len()).await?;
        // task ids count on from here: nothing else opens a task while the database holds
        // no record (a task is about a record)
        let first_task = rows::next_task_id(tx, backend, None).await?;
        let model_version = self.model_version();
        let now = now_ms();
        let (send, mut receive) = tokio::sync::mpsc::channel::<Rows>(2);
        let writer = async {
            while let Some(chunk) = receive.recv().await {
                rows::write(tx, backend, &chunk, provenance, &model_version, now).await?;
            }
            Ok::<(), ServiceError>(())
        };
        let decider = self.decide(prepared, earlier, &record_ids, first_task, send, summary);
        let (written, next_task) = tokio::join!(writer, decider);
        written?;
        if backend == Backend::Postgres && next_task > first_task + 1 {
            rows::skip_task_ids_to(tx, next_task - 1).await?;
        }
        Ok(())
    }

    /// Decides the records in file order, chunk by chunk, sending each chunk's rows to
    /// be written and adding its documents to the index. The next free task id.
    async fn decide(
        &self,
        prepared: &[Prepared],
        earlier: &Earlier,
        record_ids: &[i64],
        mut next_task: i64,
        send: tokio::sync::mpsc::Sender<Rows>,
        summary: &mut LoadSummary,
    ) -> i64 {
        let mut kept = Kept::default();
        let mut person_of: Vec<String> = Vec::with_capacity(prepared.len());
        let total = prepared.len();
        // on a terminal only
        let bar = crate::batch::progress::items(total as u64, "load");
        for start in (0..total).step_by(CHUNK) {
            let end = (start + CHUNK).min(total);
            let scored = self.score_chunk(prepared, earlier, start..end);
            for (b, candidates) in (start..end).zip(scored) {
                if b % YIELD_EVERY == 0 {
                    // the writer's turn to send its next statement
                    tokio::task::yield_now().await;
                }
                let ranked = best_per_person(
                    candidates
                        .into_iter()
                        .map(|(a, score, why)| (&person_of[a as usize], score, (a, why))),
                );
                let matches: Vec<_> = ranked
                    .into_iter()
                    .map(|(person, score, (a, why))| {
                        person_match(person, &score, &prepared[a as usize].raw, why)
                    })
                    .collect();
                // no steward has said anything yet: no non-match assertions to heed
                let review = review_given(&matches, &[]).map(|r| {
                    next_task += 1;
                    (r, next_task - 1)
                });
                let answer = keep_decided(&prepared[b], &mut kept, record_ids[b], &matches, review);
                match answer.outcome {
                    Outcome::Linked => summary.linked += 1,
                    _ => summary.persons += 1,
                }
                summary.review_tasks += answer.review_task.is_some() as usize;
                person_of.push(answer.person_id);
            }
            // the persons of the chunk's records are in `person_of`
            kept.person_of.clear();
            if send.send(std::mem::take(&mut kept.rows)).await.is_err() {
                // the writer failed; it reports why
                return next_task;
            }
            let documents: Vec<_> = (start..end)
                .map(|i| {
                    (
                        record_ids[i],
                        prepared[i].data.as_str(),
                        &prepared[i].normalized,
                    )
                })
                .collect();
            self.index.insert_unseen(&documents);
            bar.set_position(end as u64);
            tracing::debug!(records = end, "load progress");
        }
        bar.finish_and_clear();
        summary.records = total;
        next_task
    }

    /// Each record of `range` scored against its earlier candidates, on all cores: the
    /// pairs worth a decision, with their comparison.
    fn score_chunk(
        &self,
        prepared: &[Prepared],
        earlier: &Earlier,
        range: std::ops::Range<usize>,
    ) -> Vec<Vec<Scored>> {
        let matcher = self.matcher.read().expect("matcher lock");
        range
            .into_par_iter()
            .map(|b| {
                let query = &prepared[b].normalized;
                earlier
                    .of(b)
                    .iter()
                    .filter_map(|&a| {
                        let candidate = &prepared[a as usize].normalized;
                        let score = matcher.score(query, candidate);
                        (score.decision != Decision::NoMatch).then(|| {
                            let why = matcher.explain_score(query, candidate, &score);
                            (a, score, why)
                        })
                    })
                    .collect()
            })
            .collect()
    }

    /// After a failed load: the index and the frequencies back to an empty database's.
    fn forget_load(&self) {
        if let Err(error) = self.index.clear() {
            tracing::warn!(%error, "search index not cleared after a failed load; it is rebuilt at start");
        }
        self.matcher
            .write()
            .expect("matcher lock")
            .set_frequencies(TermFrequencies::default());
    }
}

/// Validates every record; any invalid one, or a repeated `(source, source_id)`, refuses
/// the load.
fn validate(items: Vec<RawRecord>) -> Result<Vec<Prepared>, LoadError> {
    let checked: Vec<Result<Prepared, ServiceError>> = items.into_par_iter().map(prepare).collect();
    let mut rejected = Vec::new();
    let mut first: rustc_hash::FxHashMap<(&str, &str), usize> = Default::default();
    for (item, result) in checked.iter().enumerate() {
        match result {
            Ok(p) => {
                let key = (p.raw.source.as_str(), p.raw.source_id.as_str());
                if let Some(earlier) = first.insert(key, item) {
                    rejected.push(Rejected {
                        item,
                        field: "source_id".into(),
                        problem: format!("repeats record {} of the same source", earlier + 1),
                    });
                }
            }
            Err(ServiceError::Invalid { field, problem }) => rejected.push(Rejected {
                item,
                field: field.clone(),
                problem: problem.clone(),
            }),
            Err(other) => rejected.push(Rejected {
                item,
                field: String::new(),
                problem: other.to_string(),
            }),
        }
    }
    drop(first);
    if !rejected.is_empty() {
        return Err(LoadError::Invalid(rejected));
    }
    Ok(checked.into_iter().map(|r| r.expect("valid")).collect())
}

/// For each record, the earlier records it was paired with, in file order.
struct Earlier {
    starts: Vec<u32>,
    others: Vec<u32>,
}

impl Earlier {
    fn from_pairs(pairs: &[blocking::PackedPair], n: usize) -> Earlier {
        let mut starts = vec![0u32; n + 1];
        for &p in pairs {
            starts[blocking::unpack(p).1 as usize + 1] += 1;
        }
        for i in 0..n {
            starts[i + 1] += starts[i];
        }
        let mut next = starts.clone();
        let mut others = vec![0u32; pairs.len()];
        // pairs are sorted by their first record: each list comes out in file order
        for &p in pairs {
            let (a, b) = blocking::unpack(p);
            others[next[b as usize] as usize] = a;
            next[b as usize] += 1;
        }
        Earlier { starts, others }
    }

    fn of(&self, b: usize) -> &[u32] {
        &self.others[self.starts[b] as usize..self.starts[b + 1] as usize]
    }
}

/// Seconds per phase.
struct Clock(std::time::Instant);

impl Clock {
    fn start() -> Clock {
        Clock(std::time::Instant::now())
    }

    fn lap(&mut self, phase: &'static str, summary: &mut LoadSummary) {
        summary.phases.push((phase, self.0.elapsed().as_secs_f64()));
        self.0 = std::time::Instant::now();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earlier_lists_each_records_partners_before_it_in_order() {
        let pairs = vec![
            blocking::pack(0, 2),
            blocking::pack(0, 3),
            blocking::pack(1, 3),
            blocking::pack(2, 3),
        ];
        let earlier = Earlier::from_pairs(&pairs, 4);
        assert_eq!(earlier.of(0), &[] as &[u32]);
        assert_eq!(earlier.of(1), &[] as &[u32]);
        assert_eq!(earlier.of(2), &[0]);
        assert_eq!(earlier.of(3), &[0, 1, 2]);
    }

    #[test]
    fn a_refusal_names_the_first_records_and_counts_the_rest() {
        let rejected: Vec<Rejected> = (0..NAMED + 3)
            .map(|item| Rejected {
                item,
                field: "birth_date".into(),
                problem: "is not a date".into(),
            })
            .collect();
        let text = LoadError::Invalid(rejected).to_string();
        assert!(text.starts_with("23 invalid record(s)"), "{text}");
        assert!(text.contains("record 1: birth_date: is not a date"));
        assert!(text.ends_with("and 3 more"), "{text}");
    }
}
