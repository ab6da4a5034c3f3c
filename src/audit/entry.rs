//! Audit entries: what the caller records ([`Entry`]) and what the log holds
//! ([`StoredEntry`]: the entry with its seq and hashes).

use serde::Serialize;

use crate::store::audit::AuditRow;

/// How an audited action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Done (2xx, 3xx).
    Ok,
    /// Allowed, but refused as asked (a 4xx from the handler: bad input, unknown id,
    /// conflict).
    Rejected,
    /// Refused before the handler ran: no or wrong credential, wrong role, CSRF, rate.
    Denied,
    /// Failed (5xx).
    Error,
}

impl Outcome {
    /// The stored (and hashed) word.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Rejected => "rejected",
            Outcome::Denied => "denied",
            Outcome::Error => "error",
        }
    }

    /// The outcome a stored word names.
    pub fn parse(text: &str) -> Option<Outcome> {
        match text {
            "ok" => Some(Outcome::Ok),
            "rejected" => Some(Outcome::Rejected),
            "denied" => Some(Outcome::Denied),
            "error" => Some(Outcome::Error),
            _ => None,
        }
    }
}

/// Who did what to which data, when and why. Fields hold ids and words, never patient
/// data: `subjects` are ids such as `person:P123`, `record:HOSP_A/123`, `task:42`,
/// `token:tok_ab12`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// When it happened (Unix milliseconds).
    #[serde(rename = "at_ms")]
    pub at: i64,
    /// The HTTP request's id (empty for the command line).
    pub request_id: String,
    /// The user or client that acted.
    pub actor: String,
    /// The actor's role when it acted.
    pub role: String,
    /// What was done: `record.register`, `person.read`, `auth.denied`, `token.create`, …
    pub action: String,
    pub outcome: Outcome,
    /// The HTTP status answered, 0 for the command line.
    pub status: u16,
    /// The ids the action concerned, as `kind:id`.
    pub subjects: Vec<String>,
    /// Why (a steward's reason, a refusal's cause); ids and words only.
    pub reason: Option<String>,
}

impl Entry {
    /// An entry stamped now, with no request, status 0, no subjects and no reason.
    pub fn new(actor: &str, role: &str, action: &str, outcome: Outcome) -> Entry {
        Entry {
            at: crate::store::now_ms(),
            request_id: String::new(),
            actor: actor.to_string(),
            role: role.to_string(),
            action: action.to_string(),
            outcome,
            status: 0,
            subjects: Vec::new(),
            reason: None,
        }
    }

    /// The same entry for an HTTP request: its id and the status answered.
    pub fn request(mut self, request_id: &str, status: u16) -> Entry {
        self.request_id = request_id.to_string();
        self.status = status;
        self
    }

    /// The same entry with one more subject (`person:P123`).
    pub fn subject(mut self, subject: impl Into<String>) -> Entry {
        self.subjects.push(subject.into());
        self
    }

    /// The same entry with a reason.
    pub fn reason(mut self, reason: impl Into<String>) -> Entry {
        self.reason = Some(reason.into());
        self
    }
}

/// An entry as the log holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredEntry {
    pub seq: i64,
    #[serde(flatten)]
    pub entry: Entry,
    pub prev_hash: String,
    pub hash: String,
}

impl StoredEntry {
    /// Reads a stored row; `None` when a column holds what no writer writes (an
    /// unknown outcome, a status out of range, subjects that are not a JSON array of
    /// strings): such a row has been altered.
    pub fn from_row(row: AuditRow) -> Option<StoredEntry> {
        let outcome = Outcome::parse(&row.outcome)?;
        let status = u16::try_from(row.status).ok()?;
        let subjects: Vec<String> = serde_json::from_str(&row.subjects).ok()?;
        Some(StoredEntry {
            seq: row.seq,
            entry: Entry {
                at: row.at,
                request_id: row.request_id,
                actor: row.actor,
                role: row.role,
                action: row.action,
                outcome,
                status,
                subjects,
                reason: row.reason,
            },
            prev_hash: row.prev_hash,
            hash: row.hash,
        })
    }
}
