//! Multi-row writes for bulk registration: records never seen before with their first
//! versions, new persons, their links, review tasks and events, hundreds of rows per
//! statement. The rows are the ones single registrations write, in the same order.

use rustc_hash::{FxHashMap, FxHashSet};
use sqlx::Row;

use super::values::Values;
use super::{Backend, StoreError, Tx};

/// Rows per multi-row statement (far below either database's parameter limit).
const ROWS: usize = 400;

/// A record seen for the first time, with the id reserved for it.
pub struct NewRecord {
    pub id: i64,
    pub source: String,
    pub source_id: String,
    pub data: String,
    pub content_hash: String,
    /// The answer given (JSON), replayed on an identical resend.
    pub outcome: String,
}

/// An automatic link of a new record; `score` is `(weight, probability, explanation)`
/// when it joined an existing person.
pub struct NewLink {
    pub record_id: i64,
    pub person_id: String,
    pub score: Option<(f64, f64, String)>,
}

/// An identity event; `record_id` is none for `person.created`.
pub struct NewEvent {
    pub kind: &'static str,
    pub person_id: String,
    pub record_id: Option<i64>,
    pub payload: String,
}

/// A review task opened about a new record, with the id reserved for it.
pub struct NewReview {
    pub id: i64,
    pub record_id: i64,
    pub person_id: String,
    pub source: String,
    pub reason: &'static str,
    /// JSON array of person ids.
    pub candidate_persons: String,
    pub weight: f64,
    pub probability: f64,
    pub explanation: String,
}

/// What a run of new records writes, in order.
#[derive(Default)]
pub struct Rows {
    pub records: Vec<NewRecord>,
    pub persons: Vec<String>,
    pub links: Vec<NewLink>,
    pub reviews: Vec<NewReview>,
    pub events: Vec<NewEvent>,
}

impl Rows {
    pub fn is_empty(&self) -> bool {
        self.records.is_empty() && self.persons.is_empty() && self.events.is_empty()
    }
}

/// How many source records are stored (active or not).
pub async fn record_count(tx: &mut Tx<'_>) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM source_records")
        .fetch_one(&mut **tx)
        .await?)
}

/// Which of `keys` (`(source, source_id)`) are already stored. One query per source
/// and chunk, on the `(source, source_id)` index.
pub async fn existing_keys(
    tx: &mut Tx<'_>,
    backend: Backend,
    keys: &[(&str, &str)],
) -> Result<FxHashSet<(String, String)>, StoreError> {
    let mut by_source: FxHashMap<&str, Vec<&str>> = FxHashMap::default();
    for (source, source_id) in keys {
        by_source.entry(source).or_default().push(source_id);
    }
    let mut found = FxHashSet::default();
    for (source, ids) in by_source {
        for chunk in ids.chunks(ROWS) {
            let mut sql = Values::new(
                backend,
                "SELECT source_id FROM source_records WHERE source = ? AND source_id IN (",
            );
            for _ in chunk {
                sql.row("?");
            }
            sql.push(")");
            let mut query = sqlx::query_scalar::<_, String>(sql.text())
                .persistent(chunk.len() == ROWS)
                .bind(source);
            for source_id in chunk {
                query = query.bind(*source_id);
            }
            for source_id in query.fetch_all(&mut **tx).await? {
                found.insert((source.to_string(), source_id));
            }
        }
    }
    Ok(found)
}

/// Reserves `n` ids for new source records. On SQLite the ids follow the largest in
/// use: they stay free only while this transaction inserts no record by another way,
/// so reserve again after such an insert.
pub async fn reserve_record_ids(
    tx: &mut Tx<'_>,
    backend: Backend,
    n: usize,
) -> Result<Vec<i64>, StoreError> {
    match backend {
        Backend::Postgres => {
            let rows = sqlx::query(
                "SELECT nextval(pg_get_serial_sequence('source_records', 'id')) \
                 FROM generate_series(1, $1)",
            )
            .bind(n as i64)
            .fetch_all(&mut **tx)
            .await?;
            Ok(rows.iter().map(|r| r.get::<i64, _>(0)).collect())
        }
        Backend::Sqlite => {
            let largest: i64 = sqlx::query_scalar(
                "SELECT MAX(COALESCE((SELECT MAX(id) FROM source_records), 0), \
                 COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'source_records'), 0))",
            )
            .fetch_one(&mut **tx)
            .await?;
            Ok((largest + 1..=largest + n as i64).collect())
        }
    }
}

/// An id for a new review task. `last` is the id this transaction took last, if no task
/// was inserted by another way since: on SQLite ids follow the largest in use (as in
/// `reserve_record_ids`), on PostgreSQL they come from the sequence.
pub async fn next_task_id(
    tx: &mut Tx<'_>,
    backend: Backend,
    last: Option<i64>,
) -> Result<i64, StoreError> {
    match (backend, last) {
        (Backend::Postgres, _) => Ok(sqlx::query_scalar(
            "SELECT nextval(pg_get_serial_sequence('review_tasks', 'id'))",
        )
        .fetch_one(&mut **tx)
        .await?),
        (Backend::Sqlite, Some(last)) => Ok(last + 1),
        (Backend::Sqlite, None) => {
            let largest: i64 = sqlx::query_scalar(
                "SELECT MAX(COALESCE((SELECT MAX(id) FROM review_tasks), 0), \
                 COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'review_tasks'), 0))",
            )
            .fetch_one(&mut **tx)
            .await?;
            Ok(largest + 1)
        }
    }
}

/// Moves PostgreSQL's review task sequence on to `last`, after a load took the ids up to
/// it without asking the sequence for each.
pub async fn skip_task_ids_to(tx: &mut Tx<'_>, last: i64) -> Result<(), StoreError> {
    sqlx::query("SELECT setval(pg_get_serial_sequence('review_tasks', 'id'), $1)")
        .bind(last)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Writes `rows` in the caller's transaction.
pub async fn write(
    tx: &mut Tx<'_>,
    backend: Backend,
    rows: &Rows,
    provenance: &str,
    model_version: &str,
    now: i64,
) -> Result<(), StoreError> {
    for chunk in rows.records.chunks(ROWS) {
        let sql = Values::repeated(
            backend,
            "INSERT INTO source_records (id, source, source_id, active, current_version, \
             last_outcome, created_at, updated_at) VALUES ",
            "(?, ?, ?, TRUE, 1, ?, ?, ?)",
            chunk.len(),
        );
        let mut query = sqlx::query(&sql).persistent(chunk.len() == ROWS);
        for r in chunk {
            query = query
                .bind(r.id)
                .bind(&r.source)
                .bind(&r.source_id)
                .bind(&r.outcome)
                .bind(now)
                .bind(now);
        }
        query.execute(&mut **tx).await?;
        let sql = Values::repeated(
            backend,
            "INSERT INTO source_record_versions (record_id, version, content_hash, data, \
             provenance, received_at) VALUES ",
            "(?, 1, ?, ?, ?, ?)",
            chunk.len(),
        );
        let mut query = sqlx::query(&sql).persistent(chunk.len() == ROWS);
        for r in chunk {
            query = query
                .bind(r.id)
                .bind(&r.content_hash)
                .bind(&r.data)
                .bind(provenance)
                .bind(now);
        }
        query.execute(&mut **tx).await?;
    }
    for chunk in rows.persons.chunks(ROWS) {
        let sql = Values::repeated(
            backend,
            "INSERT INTO persons (id, status, merged_into, created_at, updated_at) VALUES ",
            "(?, 'active', NULL, ?, ?)",
            chunk.len(),
        );
        let mut query = sqlx::query(&sql).persistent(chunk.len() == ROWS);
        for id in chunk {
            query = query.bind(id).bind(now).bind(now);
        }
        query.execute(&mut **tx).await?;
    }
    // no NULL is ever bound (the Any driver mistypes them on PostgreSQL): links with and
    // without a score go in statements of their own
    let (scored, unscored): (Vec<&NewLink>, Vec<&NewLink>) =
        rows.links.iter().partition(|l| l.score.is_some());
    for chunk in scored.chunks(ROWS) {
        let sql = Values::repeated(
            backend,
            "INSERT INTO links (record_id, person_id, how, model_version, explanation, actor, \
             created_at, weight, probability) VALUES ",
            "(?, ?, 'auto', ?, ?, 'mpi', ?, ?, ?)",
            chunk.len(),
        );
        let mut query = sqlx::query(&sql).persistent(chunk.len() == ROWS);
        for l in chunk {
            let (weight, probability, explanation) = l.score.as_ref().expect("scored");
            query = query
                .bind(l.record_id)
                .bind(&l.person_id)
                .bind(model_version)
                .bind(explanation)
                .bind(now)
                .bind(*weight)
                .bind(*probability);
        }
        query.execute(&mut **tx).await?;
    }
    for chunk in unscored.chunks(ROWS) {
        let sql = Values::repeated(
            backend,
            "INSERT INTO links (record_id, person_id, how, model_version, actor, created_at) \
             VALUES ",
            "(?, ?, 'auto', ?, 'mpi', ?)",
            chunk.len(),
        );
        let mut query = sqlx::query(&sql).persistent(chunk.len() == ROWS);
        for l in chunk {
            query = query
                .bind(l.record_id)
                .bind(&l.person_id)
                .bind(model_version)
                .bind(now);
        }
        query.execute(&mut **tx).await?;
    }
    for chunk in rows.reviews.chunks(ROWS) {
        let sql = Values::repeated(
            backend,
            "INSERT INTO review_tasks (id, record_id, person_id, candidate_persons, weight, \
             probability, explanation, status, reason, source, version, created_at, \
             updated_at) VALUES ",
            "(?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, 1, ?, ?)",
            chunk.len(),
        );
        let mut query = sqlx::query(&sql).persistent(chunk.len() == ROWS);
        for r in chunk {
            query = query
                .bind(r.id)
                .bind(r.record_id)
                .bind(&r.person_id)
                .bind(&r.candidate_persons)
                .bind(r.weight)
                .bind(r.probability)
                .bind(&r.explanation)
                .bind(r.reason)
                .bind(&r.source)
                .bind(now)
                .bind(now);
        }
        query.execute(&mut **tx).await?;
    }
    if !rows.events.is_empty() && backend == Backend::Postgres {
        super::events::lock(tx).await?;
    }
    for chunk in rows.events.chunks(ROWS) {
        // rows keep their order, so sequence numbers follow it; the rows' shapes vary, so
        // the statement is not kept
        let mut sql = Values::new(
            backend,
            "INSERT INTO identity_events (kind, person_id, record_id, payload, created_at) VALUES ",
        );
        for e in chunk {
            sql.row(if e.record_id.is_some() {
                "(?, ?, ?, ?, ?)"
            } else {
                "(?, ?, NULL, ?, ?)"
            });
        }
        let mut query = sqlx::query(sql.text()).persistent(false);
        for e in chunk {
            query = query.bind(e.kind).bind(&e.person_id);
            if let Some(record) = e.record_id {
                query = query.bind(record);
            }
            query = query.bind(&e.payload).bind(now);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}
