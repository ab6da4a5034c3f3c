//! Links: source record → person. A new link supersedes the current one; history stays.

use sqlx::Row;

use super::{Backend, StoreError, Tx};

/// How a link was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    Auto,
    Manual,
}

impl How {
    pub fn as_str(self) -> &'static str {
        match self {
            How::Auto => "auto",
            How::Manual => "manual",
        }
    }
}

/// A new link's content.
#[derive(Debug, Clone)]
pub struct NewLink<'a> {
    pub record_id: i64,
    pub person_id: &'a str,
    pub how: How,
    pub weight: Option<f64>,
    pub probability: Option<f64>,
    pub model_version: Option<&'a str>,
    /// The explanation as JSON.
    pub explanation: Option<&'a str>,
    pub actor: &'a str,
    /// Why (manual links): the steward's words or the review task.
    pub reason: Option<&'a str>,
}

/// A link row.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkRow {
    pub id: i64,
    pub record_id: i64,
    pub person_id: String,
    pub how: String,
    pub weight: Option<f64>,
    pub actor: String,
    pub created_at: i64,
    pub superseded_at: Option<i64>,
}

/// Links a record, superseding its current link if any; returns the new link's id.
pub async fn link(tx: &mut Tx<'_>, new: &NewLink<'_>, now: i64) -> Result<i64, StoreError> {
    let previous: Option<i64> =
        sqlx::query_scalar("SELECT id FROM links WHERE record_id = $1 AND superseded_at IS NULL")
            .bind(new.record_id)
            .fetch_optional(&mut **tx)
            .await?;
    if let Some(prev) = previous {
        sqlx::query("UPDATE links SET superseded_at = $2 WHERE id = $1")
            .bind(prev)
            .bind(now)
            .execute(&mut **tx)
            .await?;
    }
    // A NULL bound through the Any driver fixes the prepared statement's parameter type,
    // and a later number in the same statement then fails on PostgreSQL: links without
    // a score use their own statement.
    let (sql, score) = match (new.weight, new.probability) {
        (Some(w), Some(p)) => (
            "INSERT INTO links (record_id, person_id, how, model_version, explanation, actor, \
             created_at, reason, weight, probability) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, NULLIF($8, ''), $9, $10) RETURNING id",
            Some((w, p)),
        ),
        _ => (
            "INSERT INTO links (record_id, person_id, how, model_version, explanation, actor, \
             created_at, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, NULLIF($8, '')) \
             RETURNING id",
            None,
        ),
    };
    let mut query = sqlx::query_scalar(sql)
        .bind(new.record_id)
        .bind(new.person_id)
        .bind(new.how.as_str())
        .bind(new.model_version)
        .bind(new.explanation)
        .bind(new.actor)
        .bind(now)
        .bind(new.reason.unwrap_or(""));
    if let Some((w, p)) = score {
        query = query.bind(w).bind(p);
    }
    let id: i64 = query.fetch_one(&mut **tx).await?;
    if let Some(prev) = previous {
        sqlx::query("UPDATE links SET superseded_by = $2 WHERE id = $1")
            .bind(prev)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(id)
}

const COLUMNS: &str = "id, record_id, person_id, how, weight, actor, created_at, superseded_at";

fn row(r: sqlx::any::AnyRow) -> LinkRow {
    LinkRow {
        id: r.get(0),
        record_id: r.get(1),
        person_id: r.get(2),
        how: r.get(3),
        weight: r.get(4),
        actor: r.get(5),
        created_at: r.get(6),
        superseded_at: r.get(7),
    }
}

/// The record's current link.
pub async fn current(tx: &mut Tx<'_>, record_id: i64) -> Result<Option<LinkRow>, StoreError> {
    let r = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM links WHERE record_id = $1 AND superseded_at IS NULL"
    ))
    .bind(record_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(r.map(row))
}

/// Every link the record ever had, oldest first.
pub async fn history(tx: &mut Tx<'_>, record_id: i64) -> Result<Vec<LinkRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM links WHERE record_id = $1 ORDER BY id"
    ))
    .bind(record_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(row).collect())
}

/// The records currently linked to a person.
pub async fn records_of(tx: &mut Tx<'_>, person_id: &str) -> Result<Vec<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT record_id FROM links WHERE person_id = $1 AND superseded_at IS NULL ORDER BY record_id",
    )
    .bind(person_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// The current person of each record: `(record_id, person_id, how)`. Takes any
/// connection: a read-only match runs it outside a transaction (one round trip to the
/// database instead of three).
pub async fn persons_of(
    conn: &mut sqlx::AnyConnection,
    record_ids: &[i64],
) -> Result<Vec<(i64, String, String)>, StoreError> {
    // read from the covering index alone (a link row carries its explanation); SQLite's
    // planner would take the unique `links_current` and read every row from the table
    let from = match Backend::of(conn) {
        Backend::Sqlite => "links INDEXED BY links_current_person",
        Backend::Postgres => "links",
    };
    let mut out = Vec::with_capacity(record_ids.len());
    for chunk in record_ids.chunks(500) {
        let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
        let rows = sqlx::query(&format!(
            "SELECT record_id, person_id, how FROM {from} \
             WHERE superseded_at IS NULL AND record_id IN ({})",
            list.join(",")
        ))
        // one-off text: not worth a place in the statement cache
        .persistent(false)
        .fetch_all(&mut *conn)
        .await?;
        out.extend(rows.into_iter().map(|r| (r.get(0), r.get(1), r.get(2))));
    }
    Ok(out)
}

/// One change in a person's links: a record joined it (`linked`) or left it
/// (`unlinked`, when a later link of the record superseded this one).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LinkChange {
    pub at: i64,
    pub change: &'static str,
    pub record_id: i64,
    pub link_id: i64,
    pub how: String,
    pub actor: String,
    pub reason: Option<String>,
    pub weight: Option<f64>,
    pub probability: Option<f64>,
    pub model_version: Option<String>,
    /// For `unlinked`: the person the record went to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_person: Option<String>,
}

/// Every link change of a person, oldest first.
pub async fn changes_of_person(
    tx: &mut Tx<'_>,
    person_id: &str,
) -> Result<Vec<LinkChange>, StoreError> {
    let rows = sqlx::query(
        "SELECT l.id, l.record_id, l.how, l.actor, l.reason, l.weight, l.probability, \
         l.model_version, l.created_at, n.created_at, n.how, n.actor, n.reason, n.person_id, \
         n.weight, n.probability, n.model_version \
         FROM links l LEFT JOIN links n ON n.id = l.superseded_by \
         WHERE l.person_id = $1 ORDER BY l.id",
    )
    .bind(person_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        out.push(LinkChange {
            at: r.get(8),
            change: "linked",
            record_id: r.get(1),
            link_id: r.get(0),
            how: r.get(2),
            actor: r.get(3),
            reason: r.get(4),
            weight: r.get(5),
            probability: r.get(6),
            model_version: r.get(7),
            to_person: None,
        });
        let next_at: Option<i64> = r.get(9);
        if let Some(at) = next_at {
            out.push(LinkChange {
                at,
                change: "unlinked",
                record_id: r.get(1),
                link_id: r.get(0),
                how: r.get(10),
                actor: r.get(11),
                reason: r.get(12),
                weight: r.get(14),
                probability: r.get(15),
                model_version: r.get(16),
                to_person: r.get(13),
            });
        }
    }
    out.sort_by_key(|c| (c.at, c.link_id, c.change == "linked"));
    Ok(out)
}
