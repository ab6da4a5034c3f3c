//! Scoring a query against its candidates: each candidate record read and normalized,
//! scored with the model, and the candidates grouped by person (each person's best
//! record at or above the review threshold), best first.

use rustc_hash::FxHashMap;

use crate::domain::RawRecord;
use crate::index::Candidate;
use crate::matching::rules::Rule;
use crate::matching::{Decision, Explanation, Score};
use crate::normalize::{NormalizedRecord, normalize};
use crate::store::links;

use super::outcome::{Grade, PersonMatch};
use super::{Service, ServiceError};

/// A candidate record read for scoring.
pub(super) struct Scorable {
    pub(super) record_id: i64,
    pub(super) raw: RawRecord,
    pub(super) normalized: NormalizedRecord,
}

impl Scorable {
    /// Reads a candidate's stored JSON; `None` when it does not parse.
    pub(super) fn read(c: &Candidate) -> Option<Scorable> {
        let raw: RawRecord = serde_json::from_str(&c.data).ok()?;
        let (normalized, _) = normalize(&raw);
        Some(Scorable {
            record_id: c.record_id,
            raw,
            normalized,
        })
    }
}

impl Service {
    /// Candidates scored and grouped by person: each person's best record at or above
    /// the review threshold, best first. `pending` names the persons of records not yet
    /// written (a batch's).
    pub(super) async fn score_candidates(
        &self,
        conn: &mut sqlx::AnyConnection,
        query: &NormalizedRecord,
        exclude: Option<i64>,
        pending: Option<&FxHashMap<i64, String>>,
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
        // persons of records not yet written (a bulk load's) are known without asking
        let mut person_of: FxHashMap<i64, String> = FxHashMap::default();
        let mut ids = Vec::with_capacity(candidates.len());
        for c in &candidates {
            match pending.and_then(|p| p.get(&c.record_id)) {
                Some(person) => {
                    person_of.insert(c.record_id, person.clone());
                }
                None => ids.push(c.record_id),
            }
        }
        if !ids.is_empty() {
            person_of.extend(
                links::persons_of(conn, &ids)
                    .await?
                    .into_iter()
                    .map(|(r, p, _)| (r, p)),
            );
        }
        let read: Vec<Scorable> = candidates
            .iter()
            .filter(|c| person_of.contains_key(&c.record_id))
            .filter_map(Scorable::read)
            .collect();
        Ok(self.rank_persons(query, read.iter(), |id| person_of.get(&id)))
    }

    /// Scores `candidates` (in record-id order) and keeps each person's best record at
    /// or above the review threshold, best first. A candidate whose person `person_of`
    /// does not know is left out.
    pub(super) fn rank_persons<'a>(
        &self,
        query: &NormalizedRecord,
        candidates: impl Iterator<Item = &'a Scorable>,
        person_of: impl Fn(i64) -> Option<&'a String>,
    ) -> Vec<PersonMatch> {
        let matcher = self.matcher.read().expect("matcher lock");
        let scored = candidates.filter_map(|c| {
            let person = person_of(c.record_id)?;
            let score = matcher.score(query, &c.normalized);
            (score.decision != Decision::NoMatch).then_some((person, score, c))
        });
        best_per_person(scored)
            .into_iter()
            .map(|(person_id, score, c)| {
                person_match(
                    person_id,
                    &score,
                    &c.raw,
                    matcher.explain_score(query, &c.normalized, &score),
                )
            })
            .collect()
    }
}

/// Each person's best scored candidate (the first of equals), in the order answers list
/// persons: certain first, then by weight, then by person id.
pub(super) fn best_per_person<'p, C>(
    scored: impl Iterator<Item = (&'p String, Score, C)>,
) -> Vec<(&'p String, Score, C)> {
    let mut best: FxHashMap<&String, (Score, C)> = FxHashMap::default();
    for (person, score, c) in scored {
        let better = best.get(person).is_none_or(|(s, _)| rank(&score) > rank(s));
        if better {
            best.insert(person, (score, c));
        }
    }
    let mut out: Vec<(&String, Score, C)> = best.into_iter().map(|(p, (s, c))| (p, s, c)).collect();
    out.sort_by(|(pa, a, _), (pb, b, _)| {
        (grade(b) == Grade::Certain)
            .cmp(&(grade(a) == Grade::Certain))
            .then(b.weight.total_cmp(&a.weight))
            .then(pa.cmp(pb))
    });
    out
}

/// A person as a candidate answer: its best record's score and comparison.
pub(super) fn person_match(
    person_id: &str,
    score: &Score,
    record: &RawRecord,
    explanation: Explanation,
) -> PersonMatch {
    PersonMatch {
        person_id: person_id.to_string(),
        weight: score.weight,
        probability: score.probability(),
        grade: grade(score),
        source: record.source.clone(),
        source_id: record.source_id.clone(),
        explanation,
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
