//! Review tasks and the log of every action taken on them. A task's `version` grows
//! with each change, so a decision made on what a reviewer saw fails if it changed.

use sqlx::Row;

use super::{StoreError, Tx};

/// A task to open.
#[derive(Debug, Clone)]
pub struct NewTask<'a> {
    /// The record the question is about.
    pub record_id: i64,
    /// Its person when the task is opened.
    pub person_id: &'a str,
    pub source: &'a str,
    pub reason: &'a str,
    pub candidate_persons: &'a [String],
    pub weight: f64,
    pub probability: f64,
    /// The explanation of the deciding score (JSON).
    pub explanation: &'a str,
}

/// A task as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRow {
    pub id: i64,
    pub record_id: i64,
    pub person_id: Option<String>,
    pub candidate_persons: Vec<String>,
    pub weight: f64,
    pub probability: f64,
    pub explanation: String,
    pub status: String,
    pub decision: Option<String>,
    pub reason: String,
    pub source: String,
    pub version: i64,
    pub assignee: Option<String>,
    pub claimed_at: Option<i64>,
    pub note: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub resolved_at: Option<i64>,
}

/// A task's new state (see `change`).
#[derive(Debug, Clone)]
pub struct TaskState<'a> {
    pub status: &'a str,
    pub assignee: Option<&'a str>,
    pub claimed_at: Option<i64>,
    pub decision: Option<&'a str>,
    pub note: Option<&'a str>,
    pub resolved_at: Option<i64>,
}

/// Which tasks a listing shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Statuses shown (empty: open and claimed).
    pub statuses: Vec<String>,
    pub source: Option<String>,
    pub reason: Option<String>,
    pub assignee: Option<String>,
    /// Opened at or before this time (ms).
    pub opened_before: Option<i64>,
    /// Opened at or after this time (ms).
    pub opened_after: Option<i64>,
    /// Order by evidence (strongest first) rather than age (oldest first).
    pub by_priority: bool,
}

const COLUMNS: &str = "id, record_id, person_id, candidate_persons, weight, probability, \
     explanation, status, decision, reason, source, version, assignee, claimed_at, note, \
     created_at, updated_at, resolved_at";

fn task_row(r: sqlx::any::AnyRow) -> TaskRow {
    let candidates: String = r.get(3);
    TaskRow {
        id: r.get(0),
        record_id: r.get(1),
        person_id: r.get(2),
        candidate_persons: serde_json::from_str(&candidates).unwrap_or_default(),
        weight: r.get(4),
        probability: r.get(5),
        explanation: r.get(6),
        status: r.get(7),
        decision: r.get(8),
        reason: r.get(9),
        source: r.get(10),
        version: r.get(11),
        assignee: r.get(12),
        claimed_at: r.get(13),
        note: r.get(14),
        created_at: r.get(15),
        updated_at: r.get(16),
        resolved_at: r.get(17),
    }
}

/// Opens a task; returns its id.
pub async fn open(tx: &mut Tx<'_>, t: &NewTask<'_>, now: i64) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO review_tasks (record_id, person_id, candidate_persons, weight, probability, \
         explanation, status, reason, source, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, 1, $9, $9) RETURNING id",
    )
    .bind(t.record_id)
    .bind(t.person_id)
    .bind(serde_json::to_string(t.candidate_persons).expect("serializes"))
    .bind(t.weight)
    .bind(t.probability)
    .bind(t.explanation)
    .bind(t.reason)
    .bind(t.source)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

/// A task by id.
pub async fn get(tx: &mut Tx<'_>, id: i64) -> Result<Option<TaskRow>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM review_tasks WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.map(task_row))
}

/// Moves a task to `state` if it is still at `version`; false when it changed meanwhile.
pub async fn change(
    tx: &mut Tx<'_>,
    id: i64,
    version: i64,
    state: &TaskState<'_>,
    now: i64,
) -> Result<bool, StoreError> {
    // absent values travel as '' and 0 and become NULL in SQL: a NULL bound through the
    // Any driver fixes the parameter's type on PostgreSQL (see `links::link`)
    let done = sqlx::query(
        "UPDATE review_tasks SET status = $3, version = version + 1, updated_at = $4, \
         assignee = NULLIF($5, ''), claimed_at = NULLIF($6, 0), decision = NULLIF($7, ''), \
         note = NULLIF($8, ''), resolved_at = NULLIF($9, 0) \
         WHERE id = $1 AND version = $2",
    )
    .bind(id)
    .bind(version)
    .bind(state.status)
    .bind(now)
    .bind(state.assignee.unwrap_or(""))
    .bind(state.claimed_at.unwrap_or(0))
    .bind(state.decision.unwrap_or(""))
    .bind(state.note.unwrap_or(""))
    .bind(state.resolved_at.unwrap_or(0))
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Tasks matching `filter`, a page of them (`offset`, `limit`), and how many match.
pub async fn list(
    tx: &mut Tx<'_>,
    filter: &Filter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<TaskRow>, i64), StoreError> {
    let (conditions, params) = conditions(filter);
    let total: i64 = {
        let sql = format!("SELECT COUNT(*) FROM review_tasks WHERE {conditions}");
        let mut q = sqlx::query_scalar(&sql).persistent(false);
        for p in &params {
            q = q.bind(p.clone());
        }
        q.fetch_one(&mut **tx).await?
    };
    let order = if filter.by_priority {
        "weight DESC, created_at, id"
    } else {
        "created_at, id"
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM review_tasks WHERE {conditions} ORDER BY {order} \
         LIMIT {limit} OFFSET {offset}"
    );
    let mut q = sqlx::query(&sql).persistent(false);
    for p in &params {
        q = q.bind(p.clone());
    }
    let rows = q.fetch_all(&mut **tx).await?;
    Ok((rows.into_iter().map(task_row).collect(), total))
}

/// The WHERE clause of a filter and its text parameters (times are inlined numbers).
fn conditions(filter: &Filter) -> (String, Vec<String>) {
    let mut params: Vec<String> = Vec::new();
    let mut clauses: Vec<String> = Vec::new();
    fn param(value: &str, params: &mut Vec<String>) -> String {
        params.push(value.to_string());
        format!("${}", params.len())
    }
    let statuses: Vec<String> = if filter.statuses.is_empty() {
        vec!["open".into(), "claimed".into()]
    } else {
        filter.statuses.clone()
    };
    let list: Vec<String> = statuses.iter().map(|s| param(s, &mut params)).collect();
    clauses.push(format!("status IN ({})", list.join(", ")));
    if let Some(v) = &filter.source {
        clauses.push(format!("source = {}", param(v, &mut params)));
    }
    if let Some(v) = &filter.reason {
        clauses.push(format!("reason = {}", param(v, &mut params)));
    }
    if let Some(v) = &filter.assignee {
        clauses.push(format!("assignee = {}", param(v, &mut params)));
    }
    if let Some(t) = filter.opened_before {
        clauses.push(format!("created_at <= {t}"));
    }
    if let Some(t) = filter.opened_after {
        clauses.push(format!("created_at >= {t}"));
    }
    (clauses.join(" AND "), params)
}

/// Open and claimed tasks by reason: `(reason, count, oldest opened_at)`.
pub async fn counts(tx: &mut Tx<'_>) -> Result<Vec<(String, i64, i64)>, StoreError> {
    let rows = sqlx::query(
        "SELECT reason, COUNT(*), CAST(MIN(created_at) AS BIGINT) FROM review_tasks \
         WHERE status IN ('open', 'claimed') GROUP BY reason ORDER BY reason",
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect())
}

/// Open and claimed tasks about any of `record_ids` or naming any of `person_ids`.
pub async fn unresolved_touching(
    tx: &mut Tx<'_>,
    record_ids: &[i64],
    person_ids: &[String],
) -> Result<Vec<TaskRow>, StoreError> {
    let mut clauses: Vec<String> = Vec::new();
    if !record_ids.is_empty() {
        let list: Vec<String> = record_ids.iter().map(i64::to_string).collect();
        clauses.push(format!("record_id IN ({})", list.join(",")));
    }
    let mut params: Vec<String> = Vec::new();
    for p in person_ids {
        params.push(p.clone());
        let n = params.len();
        params.push(format!("%\"{p}\"%"));
        clauses.push(format!(
            "person_id = ${n} OR candidate_persons LIKE ${}",
            n + 1
        ));
    }
    if clauses.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM review_tasks WHERE status IN ('open', 'claimed') AND ({}) \
         ORDER BY id",
        clauses.join(" OR ")
    );
    let mut q = sqlx::query(&sql).persistent(false);
    for p in params {
        q = q.bind(p);
    }
    Ok(q.fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(task_row)
        .collect())
}

/// Number of open tasks of a record.
pub async fn open_count(tx: &mut Tx<'_>, record_id: i64) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM review_tasks WHERE record_id = $1 AND status = 'open'",
    )
    .bind(record_id)
    .fetch_one(&mut **tx)
    .await?)
}

/// An action taken on a task.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ActionRow {
    pub action: String,
    pub actor: String,
    pub note: Option<String>,
    /// What changed (JSON).
    pub changes: serde_json::Value,
    pub at: i64,
}

/// Logs an action on a task: who, when, why (`note`), what changed.
pub async fn log(
    tx: &mut Tx<'_>,
    task_id: i64,
    action: &str,
    actor: &str,
    note: Option<&str>,
    changes: &serde_json::Value,
    now: i64,
) -> Result<(), StoreError> {
    let sql = match note {
        Some(_) => {
            "INSERT INTO review_actions (task_id, action, actor, changes, created_at, note) \
             VALUES ($1, $2, $3, $4, $5, $6)"
        }
        None => {
            "INSERT INTO review_actions (task_id, action, actor, changes, created_at) \
             VALUES ($1, $2, $3, $4, $5)"
        }
    };
    let mut q = sqlx::query(sql)
        .bind(task_id)
        .bind(action)
        .bind(actor)
        .bind(changes.to_string())
        .bind(now);
    if let Some(note) = note {
        q = q.bind(note);
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

/// The actions on a task, oldest first.
pub async fn actions(tx: &mut Tx<'_>, task_id: i64) -> Result<Vec<ActionRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT action, actor, note, changes, created_at FROM review_actions \
         WHERE task_id = $1 ORDER BY id",
    )
    .bind(task_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let changes: String = r.get(3);
            ActionRow {
                action: r.get(0),
                actor: r.get(1),
                note: r.get(2),
                changes: serde_json::from_str(&changes).unwrap_or_default(),
                at: r.get(4),
            }
        })
        .collect())
}

/// Open and claimed tasks by status and reason: how many, and when the oldest was opened.
pub async fn queue_depth(
    pool: &sqlx::AnyPool,
) -> Result<Vec<(String, String, i64, i64)>, StoreError> {
    let rows = sqlx::query(
        "SELECT status, reason, COUNT(*) AS n, MIN(created_at) AS oldest FROM review_tasks \
         WHERE status IN ('open', 'claimed') GROUP BY status, reason ORDER BY status, reason",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("status")?,
                r.try_get("reason")?,
                r.try_get("n")?,
                r.try_get("oldest")?,
            ))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(StoreError::from)
}
