//! The audit log's tables: `audit_log` (hash-chained entries), `audit_head` (the last
//! seq and hash) and `audit_subjects` (a derived subject → seq lookup). The chain itself
//! (hashing, ordering, verification) is `crate::audit`'s; this file only reads and
//! writes rows.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::values::Values;
use super::{Backend, StoreError, Tx};

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

/// Takes the chain's write lock on PostgreSQL for the rest of the transaction by writing
/// the head row first (SQLite takes it with `BEGIN IMMEDIATE`). Two appenders therefore
/// never chain onto the same head.
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

/// A parameter of an audit statement.
enum Param<'a> {
    Int(i64),
    Text(&'a str),
}

/// Entries per `audit_log` statement, subject rows per `audit_subjects` statement: far
/// under either database's limit on parameters per statement.
const ENTRIES_PER_STATEMENT: usize = 500;
const SUBJECTS_PER_STATEMENT: usize = 1000;

/// Inserts `rows` (each with its subject lookups, without duplicates) and moves the head
/// to the last. A few statements for the whole group, sent to SQLite as one text (one
/// round trip; the audit write is on every request's path), to PostgreSQL one by one.
/// The caller holds the chain's write lock.
pub async fn append_rows(
    tx: &mut Tx<'_>,
    backend: Backend,
    rows: &[(&AuditRow, Vec<&str>)],
) -> Result<(), StoreError> {
    let Some((last, _)) = rows.last() else {
        return Ok(());
    };
    let mut statements: Vec<(Values, Vec<Param>)> = Vec::new();
    for chunk in rows.chunks(ENTRIES_PER_STATEMENT) {
        let mut sql = Values::new(
            backend,
            "INSERT INTO audit_log (seq, at, request_id, actor, role, action, outcome, \
             status, subjects, prev_hash, hash, reason) VALUES ",
        );
        let mut params = Vec::with_capacity(chunk.len() * 12);
        for (row, _) in chunk {
            // no NULL is ever bound (the Any driver mistypes it on PostgreSQL)
            sql.row(if row.reason.is_some() {
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            } else {
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)"
            });
            params.extend([
                Param::Int(row.seq),
                Param::Int(row.at),
                Param::Text(&row.request_id),
                Param::Text(&row.actor),
                Param::Text(&row.role),
                Param::Text(&row.action),
                Param::Text(&row.outcome),
                Param::Int(row.status),
                Param::Text(&row.subjects),
                Param::Text(&row.prev_hash),
                Param::Text(&row.hash),
            ]);
            if let Some(reason) = &row.reason {
                params.push(Param::Text(reason));
            }
        }
        statements.push((sql, params));
    }
    let subjects: Vec<(i64, &str)> = rows
        .iter()
        .flat_map(|(row, ids)| ids.iter().map(move |id| (row.seq, *id)))
        .collect();
    for chunk in subjects.chunks(SUBJECTS_PER_STATEMENT) {
        let mut sql = Values::new(backend, "INSERT INTO audit_subjects (seq, subject) VALUES ");
        let mut params = Vec::with_capacity(chunk.len() * 2);
        for (seq, subject) in chunk {
            sql.row("(?, ?)");
            params.extend([Param::Int(*seq), Param::Text(subject)]);
        }
        statements.push((sql, params));
    }
    statements.push((
        Values::new(
            backend,
            "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1",
        ),
        vec![Param::Int(last.seq), Param::Text(&last.hash)],
    ));
    match backend {
        Backend::Sqlite => {
            let mut text = String::new();
            let mut all = Vec::new();
            for (sql, params) in statements {
                if !text.is_empty() {
                    text.push_str(";\n");
                }
                text.push_str(sql.text());
                all.extend(params);
            }
            bind(sqlx::query(&text).persistent(false), &all)
                .execute(&mut **tx)
                .await?;
        }
        Backend::Postgres => {
            for (sql, params) in &statements {
                bind(sqlx::query(sql.text()).persistent(false), params)
                    .execute(&mut **tx)
                    .await?;
            }
        }
    }
    Ok(())
}

fn bind<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    params: &'q [Param<'q>],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for p in params {
        query = match p {
            Param::Int(v) => query.bind(*v),
            Param::Text(v) => query.bind(*v),
        };
    }
    query
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
