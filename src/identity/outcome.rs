//! What the identity service answers: registration outcomes, matches, persons.

use serde::Serialize;

use crate::domain::RawRecord;
use crate::matching::Explanation;

/// How sure a match is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// A certain rule decided (identifier, birth date and name agree).
    Certain,
    /// At or above the link threshold.
    Probable,
    /// Between the review and link thresholds.
    Possible,
}

/// A candidate person for a record.
#[derive(Debug, Clone, Serialize)]
pub struct PersonMatch {
    pub person_id: String,
    pub weight: f32,
    pub probability: f64,
    pub grade: Grade,
    /// The person's record that scored best.
    pub source: String,
    pub source_id: String,
    pub explanation: Explanation,
}

/// The registration outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Linked to an existing person.
    Linked,
    /// A new person.
    Created,
    /// A new person, and a review task naming the candidate persons.
    Review,
}

/// A value that was present but unusable and is treated as missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Warning {
    pub field: String,
    pub problem: String,
}

/// The answer to a registration.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Registered {
    pub source: String,
    pub source_id: String,
    pub version: i64,
    pub person_id: String,
    pub outcome: Outcome,
    /// The deciding comparison (the best candidate), if there was one, as JSON (written
    /// once: an answer is serialized to be stored and again to be sent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deciding_match: Option<Box<serde_json::value::RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_task: Option<i64>,
    /// Candidate persons named by the review task.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidate_persons: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
    /// The seq of the caller's audit entry, when it was committed in the registration's
    /// own transaction ([`Prepared::audited`](super::register::Prepared::audited)).
    #[serde(skip)]
    pub audit_seq: Option<i64>,
}

impl Grade {
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::Certain => "certain",
            Grade::Probable => "probable",
            Grade::Possible => "possible",
        }
    }
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Linked => "linked",
            Outcome::Created => "created",
            Outcome::Review => "review",
        }
    }
}

impl<'de> serde::Deserialize<'de> for Outcome {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s.as_str() {
            "linked" => Ok(Outcome::Linked),
            "created" => Ok(Outcome::Created),
            "review" => Ok(Outcome::Review),
            other => Err(serde::de::Error::custom(format!("unknown outcome {other}"))),
        }
    }
}

/// A source record as stored.
#[derive(Debug, Clone, Serialize)]
pub struct RecordView {
    pub source: String,
    pub source_id: String,
    pub version: i64,
    pub active: bool,
    pub person_id: Option<String>,
    pub link: Option<String>,
    pub record: RawRecord,
}

/// A person: linked records and the golden view.
#[derive(Debug, Clone, Serialize)]
pub struct PersonView {
    pub person_id: String,
    pub records: Vec<RecordRef>,
    /// Survivorship: per field, the value of the most recently received active record
    /// that has one.
    pub golden: RawRecord,
}

/// A (source, source_id) pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordRef {
    pub source: String,
    pub source_id: String,
}
