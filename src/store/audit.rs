//! The audit log's tables: `audit_log` (hash-chained entries), `audit_head` (the last
//! seq and hash) and `audit_subjects` (a derived subject → seq lookup). The chain itself
//! (hashing, ordering, verification) is `crate::audit`'s; this file only reads and
//! writes rows.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{StoreError, Tx};

/// One `audit_log` row as stored: `subjects` is the JSON text, `outcome` the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub seq: i64,
    pub at: i64,
    pub request_id: String,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub outcome: String,
    pub status: i64,
    pub subjects: String,
    pub reason: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// Which rows a query answers; every condition set must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowFilter {
    /// A subject id in `audit_subjects` (`person:P123`).
    pub subject: Option<String>,
    pub actor: Option<String>,
    pub action: Option<String>,
    /// `at >= from` (Unix ms).
    pub from: Option<i64>,
    /// `at < to` (Unix ms).
    pub to: Option<i64>,
    /// `seq > after_seq`.
    pub after_seq: i64,
    pub limit: i64,
}

const COLUMNS: &str = "l.seq, l.at, l.request_id, l.actor, l.role, l.action, l.outcome, \
                       l.status, l.subjects, l.reason, l.prev_hash, l.hash";

/// Takes the chain's write lock for the rest of the transaction by writing the head row
/// first: on SQLite the write lock is taken before anything is read, on PostgreSQL the
/// row is locked. Two appenders therefore never chain onto the same head.
pub async fn lock_head(tx: &mut Tx<'_>) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1")
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::NotFound("audit head".into()));
    }
    Ok(())
}

/// The head: the last entry's seq and hash (0 and the genesis hash when empty).
pub async fn head(conn: &mut AnyConnection) -> Result<(i64, String), StoreError> {
    let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| StoreError::NotFound("audit head".into()))?;
    Ok((row.get(0), row.get(1)))
}

/// Moves the head to `seq` / `hash`.
pub async fn set_head(tx: &mut Tx<'_>, seq: i64, hash: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Inserts one entry and its subject lookups (`subject_ids`, without duplicates).
pub async fn insert(
    tx: &mut Tx<'_>,
    row: &AuditRow,
    subject_ids: &[&str],
) -> Result<(), StoreError> {
    // no NULL is ever bound (the Any driver mistypes it on PostgreSQL)
    let sql = if row.reason.is_some() {
        "INSERT INTO audit_log (seq, at, request_id, actor, role, action, outcome, status, \
         subjects, prev_hash, hash, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12)"
    } else {
        "INSERT INTO audit_log (seq, at, request_id, actor, role, action, outcome, status, \
         subjects, prev_hash, hash, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, NULL)"
    };
    let mut query = sqlx::query(sql)
        .bind(row.seq)
        .bind(row.at)
        .bind(&row.request_id)
        .bind(&row.actor)
        .bind(&row.role)
        .bind(&row.action)
        .bind(&row.outcome)
        .bind(row.status)
        .bind(&row.subjects)
        .bind(&row.prev_hash)
        .bind(&row.hash);
    if let Some(reason) = &row.reason {
        query = query.bind(reason);
    }
    query.execute(&mut **tx).await?;
    insert_subjects(tx, row.seq, subject_ids).await
}

/// Subjects per statement: two parameters each, well under SQLite's and PostgreSQL's
/// limits on parameters.
const SUBJECTS_PER_STATEMENT: usize = 500;

/// The subjects of entry `seq`, a few statements for all (one round trip each, not one
/// per subject: a match names up to a hundred persons).
async fn insert_subjects(
    tx: &mut Tx<'_>,
    seq: i64,
    subject_ids: &[&str],
) -> Result<(), StoreError> {
    for chunk in subject_ids.chunks(SUBJECTS_PER_STATEMENT) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
            .collect();
        let sql = format!(
            "INSERT INTO audit_subjects (seq, subject) VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for subject in chunk {
            query = query.bind(seq).bind(*subject);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// At most `limit` rows with `after < seq <= through`, in seq order.
pub async fn page(
    conn: &mut AnyConnection,
    after: i64,
    through: i64,
    limit: i64,
) -> Result<Vec<AuditRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_log l WHERE l.seq > $1 AND l.seq <= $2 \
         ORDER BY l.seq LIMIT $3"
    );
    let rows = sqlx::query(&sql)
        .bind(after)
        .bind(through)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    Ok(rows.iter().map(from_row).collect())
}

/// The first seq past the head, if any row lies there (head and rows read in one
/// statement, so an append committing meanwhile is seen whole or not at all).
pub async fn first_past_head(conn: &mut AnyConnection) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT CAST(MIN(seq) AS BIGINT) FROM audit_log \
         WHERE seq > (SELECT seq FROM audit_head WHERE id = 1)",
    )
    .fetch_one(conn)
    .await?)
}

/// Whether some row's own hash is `hash` (a full scan: used only on a broken link).
pub async fn has_hash(conn: &mut AnyConnection, hash: &str) -> Result<bool, StoreError> {
    let found: Option<i64> = sqlx::query_scalar("SELECT seq FROM audit_log WHERE hash = $1")
        .bind(hash)
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}

/// The rows `filter` selects, in seq order.
pub async fn select(
    conn: &mut AnyConnection,
    filter: &RowFilter,
) -> Result<Vec<AuditRow>, StoreError> {
    let mut sql = format!("SELECT {COLUMNS} FROM audit_log l");
    let mut binds: Vec<Bind> = Vec::new();
    if let Some(subject) = &filter.subject {
        let p = param(Bind::Text(subject.clone()), &mut binds);
        sql.push_str(&format!(
            " JOIN audit_subjects s ON s.seq = l.seq AND s.subject = {p}"
        ));
    }
    let p = param(Bind::Int(filter.after_seq), &mut binds);
    sql.push_str(&format!(" WHERE l.seq > {p}"));
    if let Some(actor) = &filter.actor {
        let p = param(Bind::Text(actor.clone()), &mut binds);
        sql.push_str(&format!(" AND l.actor = {p}"));
    }
    if let Some(action) = &filter.action {
        let p = param(Bind::Text(action.clone()), &mut binds);
        sql.push_str(&format!(" AND l.action = {p}"));
    }
    if let Some(from) = filter.from {
        let p = param(Bind::Int(from), &mut binds);
        sql.push_str(&format!(" AND l.at >= {p}"));
    }
    if let Some(to) = filter.to {
        let p = param(Bind::Int(to), &mut binds);
        sql.push_str(&format!(" AND l.at < {p}"));
    }
    let p = param(Bind::Int(filter.limit), &mut binds);
    sql.push_str(&format!(" ORDER BY l.seq LIMIT {p}"));
    let mut query = sqlx::query(&sql);
    for bind in binds {
        query = match bind {
            Bind::Int(n) => query.bind(n),
            Bind::Text(t) => query.bind(t),
        };
    }
    let rows = query.fetch_all(conn).await?;
    Ok(rows.iter().map(from_row).collect())
}

/// A parameter of a query built from a filter.
enum Bind {
    Int(i64),
    Text(String),
}

/// Adds a parameter; answers its placeholder (`$3`).
fn param(value: Bind, binds: &mut Vec<Bind>) -> String {
    binds.push(value);
    format!("${}", binds.len())
}

fn from_row(r: &AnyRow) -> AuditRow {
    AuditRow {
        seq: r.get(0),
        at: r.get(1),
        request_id: r.get(2),
        actor: r.get(3),
        role: r.get(4),
        action: r.get(5),
        outcome: r.get(6),
        status: r.get(7),
        subjects: r.get(8),
        reason: r.get(9),
        prev_hash: r.get(10),
        hash: r.get(11),
    }
}
