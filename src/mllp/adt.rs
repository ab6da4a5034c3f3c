//! ADT messages: A01/A04/A05/A08/A28/A31 register or update the source record named by
//! PID-3 (the same path as `POST /v1/records`), A40 merges the prior record's person
//! (MRG-1) into the surviving record's person, A37 unlinks the second patient's record.
//!
//! Update semantics (HL7's own): a field not sent keeps the stored value, `""` clears it.

use std::sync::Arc;

use super::dispatch::{Handled, problem};
use crate::domain::RawRecord;
use crate::hl7::{AckError, ErrorCode, Identifier, Message, PatientRecord, patient_of};
use crate::identity::{self, Act, Precondition, Service, ServiceError};
use crate::store::StoreError;

/// The identifier types that name a source's record, best first.
const RECORD_TYPES: [&str; 3] = ["MR", "PI", "PT"];

/// The PID-3 repetition that keys the source record: type MR, else PI, else PT, else
/// the first with an assigning authority.
pub(super) fn record_key(identifiers: &[Identifier]) -> Option<&Identifier> {
    let usable = |c: &&Identifier| !c.id.is_empty() && !c.authority.is_empty();
    RECORD_TYPES
        .iter()
        .find_map(|t| {
            identifiers
                .iter()
                .filter(usable)
                .find(|c| c.type_code.eq_ignore_ascii_case(t))
        })
        .or_else(|| {
            identifiers
                .iter()
                .filter(usable)
                .find(|c| !c.type_code.eq_ignore_ascii_case("SS"))
        })
}

fn no_authority() -> AckError {
    problem(
        "PID",
        3,
        Some(4),
        ErrorCode::RequiredFieldMissing,
        "no patient identifier with an assigning authority (CX-4) names the source record",
    )
}

/// The identifiers of the `n`-th PID (1-based) and the record key among them.
fn pid_key(message: &Message, n: usize) -> Result<Identifier, AckError> {
    let Some(pid) = message.segments_named("PID").nth(n - 1) else {
        return Err(AckError::general(
            ErrorCode::SegmentSequence,
            "the PID segment is missing",
        ));
    };
    let identifiers = Identifier::list(pid.field(3));
    record_key(&identifiers).cloned().ok_or_else(|| {
        let mut p = no_authority();
        if let Some(l) = p.location.as_mut() {
            l.sequence = n;
        }
        p
    })
}

/// A service refusal as an answer: bad content is AE naming the PID field; a store or
/// index failure is passed on (answered AR 207, not stored, so it can be resent).
fn refused(patient: &PatientRecord, error: ServiceError) -> Result<Handled, ServiceError> {
    match error {
        ServiceError::Invalid {
            field,
            problem: why,
        } => Ok(Handled::error(patient.error_at(
            &field,
            ErrorCode::DataType,
            &format!("{field}: {why}"),
        ))),
        ServiceError::VersionConflict { .. } => Ok(Handled::error(problem(
            "PID",
            3,
            None,
            ErrorCode::RecordLocked,
            "the record changed while this message was applied",
        ))),
        other => Err(other),
    }
}

/// ADT^A01/A04/A05/A08/A28/A31: register or update the record PID-3 names.
pub(super) async fn register(
    service: &Arc<Service>,
    message: &Message,
) -> Result<Handled, ServiceError> {
    let key = match pid_key(message, 1) {
        Ok(key) => key,
        Err(p) => return Ok(Handled::error(p)),
    };
    let patient = match patient_of(message) {
        Ok(patient) => patient,
        Err(e) => return Ok(Handled::error(AckError::from(&e))),
    };
    // read, merge and write under the version read: an update of the same record from
    // another connection in between makes the write fail, and it is done again on top
    let mut attempts = 0;
    let answer = loop {
        attempts += 1;
        let (stored, expected) = match service.record(&key.authority, &key.id).await {
            Ok(view) => (view.record, Some(Precondition::Version(view.version))),
            Err(ServiceError::NotFound(_)) => (RawRecord::default(), None),
            Err(other) => return Err(other),
        };
        let mut record = patient.onto(&stored);
        record.source = key.authority.clone();
        record.source_id = key.id.clone();
        let prepared = match identity::prepare(record) {
            Ok(p) => p.expecting(expected),
            Err(e) => return refused(&patient, e),
        };
        match service.register_prepared(prepared, "hl7").await {
            Ok(answer) => break answer,
            Err(ServiceError::VersionConflict { .. }) if attempts < 3 => continue,
            Err(e) => return refused(&patient, e),
        }
    };
    let mut subjects = vec![
        format!("record:{}/{}", answer.source, answer.source_id),
        format!("person:{}", answer.person_id),
    ];
    subjects.extend(
        answer
            .candidate_persons
            .iter()
            .map(|p| format!("person:{p}")),
    );
    Ok(Handled::accept(
        &format!("{} (version {})", answer.outcome.as_str(), answer.version),
        subjects,
    ))
}

/// The person a record is linked to, or an AE naming `segment`-`field` when the record is
/// unknown.
async fn person_of(
    service: &Service,
    cx: &Identifier,
    segment: &str,
    field: usize,
) -> Result<Result<String, AckError>, ServiceError> {
    let unknown = || {
        problem(
            segment,
            field,
            None,
            ErrorCode::UnknownKey,
            "no active record with this identifier in this domain",
        )
    };
    match service.record(&cx.authority, &cx.id).await {
        Ok(view) if view.active => Ok(view.person_id.ok_or_else(unknown)),
        Ok(_) | Err(ServiceError::NotFound(_)) => Ok(Err(unknown())),
        Err(other) => Err(other),
    }
}

/// ADT^A40: the source says its prior record (MRG-1) is the surviving record's (PID-3)
/// patient: the prior record's person is merged into the survivor's, with history (undo
/// with `POST /v1/merges/{id}/undo`).
pub(super) async fn merge(
    service: &Arc<Service>,
    message: &Message,
    act: Act<'_>,
) -> Result<Handled, ServiceError> {
    if message.segments_named("PID").count() > 1 {
        // several merges in one message could half succeed; one per message is atomic
        return Ok(Handled::error(AckError::general(
            ErrorCode::SegmentSequence,
            "one PID/MRG pair per ADT^A40: send each merge as its own message",
        )));
    }
    let survivor = match pid_key(message, 1) {
        Ok(key) => key,
        Err(p) => return Ok(Handled::error(p)),
    };
    let Some(mrg) = message.segment("MRG") else {
        return Ok(Handled::error(problem(
            "MRG",
            0,
            None,
            ErrorCode::RequiredFieldMissing,
            "segment MRG is missing",
        )));
    };
    let priors = Identifier::list(mrg.field(1));
    // the prior record of the same source; an MRG-1 without authority is in it too
    let prior = priors
        .iter()
        .find(|c| c.authority == survivor.authority && !c.id.is_empty())
        .or_else(|| {
            priors
                .iter()
                .find(|c| c.authority.is_empty() && !c.id.is_empty())
        })
        .map(|c| Identifier {
            id: c.id.clone(),
            authority: survivor.authority.clone(),
            type_code: c.type_code.clone(),
        });
    let Some(prior) = prior else {
        return Ok(Handled::error(problem(
            "MRG",
            1,
            None,
            ErrorCode::RequiredFieldMissing,
            "no prior patient identifier of the surviving record's assigning authority",
        )));
    };
    let survivor_person = match person_of(service, &survivor, "PID", 3).await? {
        Ok(p) => p,
        Err(p) => return Ok(Handled::error(p)),
    };
    let prior_person = match person_of(service, &prior, "MRG", 1).await? {
        Ok(p) => p,
        Err(p) => return Ok(Handled::error(p)),
    };
    let subjects = vec![
        format!("record:{}/{}", survivor.authority, survivor.id),
        format!("record:{}/{}", prior.authority, prior.id),
        format!("person:{survivor_person}"),
    ];
    if survivor_person == prior_person {
        return Ok(Handled::accept("already one person", subjects));
    }
    match service
        .merge_persons(&survivor_person, &prior_person, act)
        .await
    {
        Ok(changed) => {
            let mut subjects = subjects;
            subjects.push(format!("person:{prior_person}"));
            if let Some(id) = changed.merge_id {
                subjects.push(format!("merge:{id}"));
            }
            Ok(Handled::accept(
                &format!("merged (merge {})", changed.merge_id.unwrap_or(0)),
                subjects,
            ))
        }
        Err(ServiceError::Store(StoreError::Conflict(why))) => Ok(Handled::error(problem(
            "MRG",
            1,
            None,
            ErrorCode::RecordLocked,
            &format!("not merged: {why}"),
        ))),
        Err(ServiceError::Invalid { problem: why, .. }) => Ok(Handled::error(problem(
            "MRG",
            1,
            None,
            ErrorCode::RecordLocked,
            &format!("not merged: {why}"),
        ))),
        Err(other) => Err(other),
    }
}

/// ADT^A37: the second PID's record is taken out of the first PID's person (into a
/// person of its own). Records already in different persons: accepted, nothing changes.
pub(super) async fn unlink(
    service: &Arc<Service>,
    message: &Message,
    act: Act<'_>,
) -> Result<Handled, ServiceError> {
    let pids: Vec<_> = message.segments_named("PID").collect();
    if pids.len() < 2 {
        return Ok(Handled::error(problem(
            "PID",
            0,
            None,
            ErrorCode::RequiredFieldMissing,
            "ADT^A37 needs two PID segments",
        )));
    }
    let mut keys = Vec::new();
    for n in 1..=2 {
        match pid_key(message, n) {
            Ok(k) => keys.push(k),
            Err(p) => return Ok(Handled::error(p)),
        }
    }
    let mut persons = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        match person_of(service, key, "PID", 3).await? {
            Ok(p) => persons.push(p),
            Err(mut p) => {
                if let Some(l) = p.location.as_mut() {
                    l.sequence = i + 1;
                }
                return Ok(Handled::error(p));
            }
        }
    }
    let mut subjects: Vec<String> = keys
        .iter()
        .map(|k| format!("record:{}/{}", k.authority, k.id))
        .collect();
    subjects.push(format!("person:{}", persons[0]));
    if persons[0] != persons[1] {
        return Ok(Handled::accept("already different persons", subjects));
    }
    match service
        .unlink_record(&keys[1].authority, &keys[1].id, act)
        .await
    {
        Ok(changed) => {
            subjects.push(format!("person:{}", changed.person_id));
            Ok(Handled::accept("unlinked", subjects))
        }
        Err(ServiceError::Invalid { problem: why, .. })
        | Err(ServiceError::Store(StoreError::Conflict(why))) => Ok(Handled::error(problem(
            "PID",
            3,
            None,
            ErrorCode::RecordLocked,
            &format!("not unlinked: {why}"),
        ))),
        Err(other) => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx(id: &str, authority: &str, type_code: &str) -> Identifier {
        Identifier {
            id: id.into(),
            authority: authority.into(),
            type_code: type_code.into(),
        }
    }

    #[test]
    fn the_record_key_prefers_mr_then_pi_then_pt_then_any_with_an_authority() {
        let ids = vec![
            cx("1", "SSA", "SS"),
            cx("2", "", "MR"),
            cx("3", "A", "PT"),
            cx("4", "B", "PI"),
        ];
        assert_eq!(record_key(&ids).unwrap().id, "4");
        let ids = vec![cx("1", "SSA", "SS"), cx("9", "C", "AN")];
        assert_eq!(record_key(&ids).unwrap().id, "9");
        assert!(record_key(&[cx("1", "", "MR")]).is_none());
        assert!(record_key(&[cx("1", "SSA", "SS")]).is_none());
    }
}
