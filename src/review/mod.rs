//! Review queue rules: why a task is opened, what a reviewer may decide, and which
//! moves a task may make (open → claimed → resolved; open or claimed → superseded).
//! Pure: the identity service applies them in its transactions.

use crate::store::reviews::{TaskRow, TaskState};

/// Why a task was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// A new record scored between the review and link thresholds.
    PossibleMatch,
    /// An update no longer fits the person its record is linked to.
    PoorFit,
    /// A record linked to one person fits another as well: the two may be one.
    PossibleDuplicate,
    /// Re-scoring with the current model would decide the link differently.
    Rescore,
}

impl Reason {
    pub const ALL: [Reason; 4] = [
        Reason::PossibleMatch,
        Reason::PoorFit,
        Reason::PossibleDuplicate,
        Reason::Rescore,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::PossibleMatch => "possible_match",
            Reason::PoorFit => "poor_fit",
            Reason::PossibleDuplicate => "possible_duplicate",
            Reason::Rescore => "rescore",
        }
    }

    pub fn parse(s: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The reason in plain words, for the reviewer.
    pub fn plain(self) -> &'static str {
        match self {
            Reason::PossibleMatch => {
                "A new record looks like an existing person, but not surely enough to link it."
            }
            Reason::PoorFit => {
                "A record was updated and no longer looks like the person it is linked to."
            }
            Reason::PossibleDuplicate => {
                "A record fits two persons equally well: they may be the same person."
            }
            Reason::Rescore => "The current model would decide this link differently.",
        }
    }
}

/// A reviewer's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The record belongs with the candidate person (link, or merge the persons).
    SamePerson,
    /// They are different people: a non-match assertion keeps them apart.
    DifferentPeople,
    /// Not now: back to the queue with a note.
    Defer,
}

impl Decision {
    pub fn parse(s: &str) -> Option<Decision> {
        match s {
            "same_person" => Some(Decision::SamePerson),
            "different_people" => Some(Decision::DifferentPeople),
            "defer" => Some(Decision::Defer),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::SamePerson => "same_person",
            Decision::DifferentPeople => "different_people",
            Decision::Defer => "defer",
        }
    }
}

/// Why a move is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the task is {0}")]
    Closed(String),
    #[error("the task is claimed by {0}")]
    ClaimedByOther(String),
    #[error("the task is not claimed by {0}")]
    NotClaimant(String),
}

fn is_closed(t: &TaskRow) -> bool {
    t.status == "resolved" || t.status == "superseded"
}

fn claimed_by_other(t: &TaskRow, actor: &str) -> Option<String> {
    t.assignee
        .as_ref()
        .filter(|a| t.status == "claimed" && a.as_str() != actor)
        .cloned()
}

/// Claims a task for `actor`; claiming one's own claim again changes nothing.
pub fn claim<'a>(t: &TaskRow, actor: &'a str, now: i64) -> Result<TaskState<'a>, Refusal> {
    if is_closed(t) {
        return Err(Refusal::Closed(t.status.clone()));
    }
    if let Some(other) = claimed_by_other(t, actor) {
        return Err(Refusal::ClaimedByOther(other));
    }
    Ok(TaskState {
        status: "claimed",
        assignee: Some(actor),
        claimed_at: Some(t.claimed_at.unwrap_or(now)),
        decision: None,
        note: None,
        resolved_at: None,
    })
}

/// Releases `actor`'s claim: the task is open again.
pub fn release<'a>(t: &TaskRow, actor: &str) -> Result<TaskState<'a>, Refusal> {
    if is_closed(t) {
        return Err(Refusal::Closed(t.status.clone()));
    }
    if t.status != "claimed" || t.assignee.as_deref() != Some(actor) {
        return Err(Refusal::NotClaimant(actor.to_string()));
    }
    Ok(TaskState {
        status: "open",
        assignee: None,
        claimed_at: None,
        decision: None,
        note: None,
        resolved_at: None,
    })
}

/// Decides a task. Anyone may decide an open task; a claimed one only its claimant.
/// `defer` leaves it open, unclaimed, with the note.
pub fn decide<'a>(
    t: &TaskRow,
    actor: &'a str,
    decision: Decision,
    note: Option<&'a str>,
    now: i64,
) -> Result<TaskState<'a>, Refusal> {
    if is_closed(t) {
        return Err(Refusal::Closed(t.status.clone()));
    }
    if let Some(other) = claimed_by_other(t, actor) {
        return Err(Refusal::ClaimedByOther(other));
    }
    Ok(match decision {
        Decision::Defer => TaskState {
            status: "open",
            assignee: None,
            claimed_at: None,
            decision: Some("defer"),
            note,
            resolved_at: None,
        },
        _ => TaskState {
            status: "resolved",
            assignee: Some(actor),
            claimed_at: t.claimed_at,
            decision: Some(decision.as_str()),
            note,
            resolved_at: Some(now),
        },
    })
}

/// Closes a task whose question was answered some other way.
pub fn superseded<'a>(now: i64) -> TaskState<'a> {
    TaskState {
        status: "superseded",
        assignee: None,
        claimed_at: None,
        decision: None,
        note: None,
        resolved_at: Some(now),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(status: &str, assignee: Option<&str>) -> TaskRow {
        TaskRow {
            id: 1,
            record_id: 1,
            person_id: Some("p1".into()),
            candidate_persons: vec!["p2".into()],
            weight: 5.0,
            probability: 0.7,
            explanation: "{}".into(),
            status: status.into(),
            decision: None,
            reason: "possible_match".into(),
            source: "A".into(),
            version: 1,
            assignee: assignee.map(str::to_string),
            claimed_at: assignee.map(|_| 5),
            note: None,
            created_at: 1,
            updated_at: 1,
            resolved_at: None,
        }
    }

    #[test]
    fn a_claimed_task_is_only_for_its_claimant() {
        let t = task("claimed", Some("ann"));
        assert_eq!(
            claim(&t, "bob", 9).unwrap_err(),
            Refusal::ClaimedByOther("ann".into())
        );
        assert!(claim(&t, "ann", 9).is_ok());
        assert_eq!(claim(&t, "ann", 9).unwrap().claimed_at, Some(5));
        assert!(decide(&t, "bob", Decision::SamePerson, None, 9).is_err());
        assert_eq!(
            release(&t, "bob").unwrap_err(),
            Refusal::NotClaimant("bob".into())
        );
        assert_eq!(release(&t, "ann").unwrap().status, "open");
    }

    #[test]
    fn closed_tasks_refuse_every_move() {
        for status in ["resolved", "superseded"] {
            let t = task(status, None);
            assert!(claim(&t, "ann", 1).is_err());
            assert!(release(&t, "ann").is_err());
            assert!(decide(&t, "ann", Decision::Defer, None, 1).is_err());
        }
    }

    #[test]
    fn defer_reopens_and_a_decision_resolves() {
        let t = task("claimed", Some("ann"));
        let s = decide(&t, "ann", Decision::Defer, Some("call the clinic"), 9).unwrap();
        assert_eq!(
            (s.status, s.assignee, s.note),
            ("open", None, Some("call the clinic"))
        );
        let s = decide(&t, "ann", Decision::DifferentPeople, None, 9).unwrap();
        assert_eq!((s.status, s.resolved_at), ("resolved", Some(9)));
        let open = task("open", None);
        assert_eq!(
            decide(&open, "bob", Decision::SamePerson, None, 9)
                .unwrap()
                .assignee,
            Some("bob")
        );
    }

    #[test]
    fn reasons_and_decisions_read_back() {
        for r in Reason::ALL {
            assert_eq!(Reason::parse(r.as_str()), Some(r));
        }
        assert_eq!(Decision::parse("merge"), None);
    }
}
