//! The review queue: listing, a task with both sides in full, claim and release, and
//! decisions applied as stewardship operations in the same transaction.

use serde::Serialize;

use super::steward::{Act, Changed, conflict};
use super::{Service, ServiceError};
use crate::domain::RawRecord;
use crate::matching::Explanation;
use crate::normalize::normalize;
use crate::review::{self, Decision, Reason, Refusal};
use crate::store::reviews::{self, ActionRow, Filter, TaskRow};
use crate::store::stewardship as st;
use crate::store::{StoreError, Tx, events, links, now_ms, persons, records};

/// A task in a listing.
#[derive(Debug, Clone, Serialize)]
pub struct TaskSummary {
    pub id: i64,
    pub status: String,
    pub reason: String,
    /// The reason in plain words.
    pub reason_text: &'static str,
    pub source: String,
    pub source_id: String,
    /// The record's person when the task was opened.
    pub person_id: Option<String>,
    pub candidate_persons: Vec<String>,
    pub weight: f64,
    pub probability: f64,
    /// What held the decision back: `weight`, or a rule (`rule:twins`, …).
    pub decided_by: Option<String>,
    /// Changes with every move; send it back as `If-Match` with a decision.
    pub version: i64,
    pub assignee: Option<String>,
    pub claimed_at: Option<i64>,
    pub decision: Option<String>,
    pub note: Option<String>,
    pub opened_at: i64,
    pub updated_at: i64,
    pub resolved_at: Option<i64>,
}

/// A record shown to a reviewer.
#[derive(Debug, Clone, Serialize)]
pub struct ShownRecord {
    pub source: String,
    pub source_id: String,
    pub version: i64,
    pub active: bool,
    pub record: RawRecord,
}

/// One side of a task: a person and its records.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    /// The person now (a merged candidate shows its survivor).
    pub person_id: Option<String>,
    /// The record compared: the task's record, or the candidate's best-scoring one.
    pub record: Option<ShownRecord>,
    /// The comparison of the task's record with `record`, field by field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Explanation>,
    pub other_records: Vec<ShownRecord>,
}

/// A task with everything a reviewer needs.
#[derive(Debug, Clone, Serialize)]
pub struct TaskDetail {
    pub task: TaskSummary,
    pub subject: Side,
    pub candidates: Vec<Side>,
    /// The explanation stored when the task was opened.
    pub opened_with: serde_json::Value,
    pub actions: Vec<ActionRow>,
}

/// A listing page.
#[derive(Debug, Clone, Serialize)]
pub struct TaskPage {
    pub total: i64,
    pub offset: i64,
    pub limit: i64,
    /// Open and claimed tasks by reason.
    pub counts: Vec<ReasonCount>,
    pub tasks: Vec<TaskSummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReasonCount {
    pub reason: String,
    pub count: i64,
    pub oldest_opened_at: i64,
}

/// The answer to a decision.
#[derive(Debug, Clone, Serialize)]
pub struct Decided {
    pub task: TaskSummary,
    pub changed: Changed,
}

impl From<Refusal> for ServiceError {
    fn from(r: Refusal) -> ServiceError {
        conflict(r.to_string())
    }
}

async fn summary(tx: &mut Tx<'_>, t: TaskRow) -> Result<TaskSummary, ServiceError> {
    let row = records::by_id(tx, t.record_id).await?;
    let (source, source_id) = row.map(|r| (r.source, r.source_id)).unwrap_or_default();
    let decided_by = serde_json::from_str::<serde_json::Value>(&t.explanation)
        .ok()
        .and_then(|e| e["decided_by"].as_str().map(str::to_string));
    Ok(TaskSummary {
        decided_by,
        id: t.id,
        status: t.status,
        reason_text: Reason::parse(&t.reason).map(Reason::plain).unwrap_or(""),
        reason: t.reason,
        source,
        source_id,
        person_id: t.person_id,
        candidate_persons: t.candidate_persons,
        weight: t.weight,
        probability: t.probability,
        version: t.version,
        assignee: t.assignee,
        claimed_at: t.claimed_at,
        decision: t.decision,
        note: t.note,
        opened_at: t.created_at,
        updated_at: t.updated_at,
        resolved_at: t.resolved_at,
    })
}

fn shown(row: records::RecordRow) -> ShownRecord {
    ShownRecord {
        source: row.source,
        source_id: row.source_id,
        version: row.version,
        active: row.active,
        record: serde_json::from_str(&row.data).unwrap_or_default(),
    }
}

impl Service {
    /// A page of the queue.
    pub async fn review_tasks(
        &self,
        filter: &Filter,
        offset: i64,
        limit: i64,
    ) -> Result<TaskPage, ServiceError> {
        let mut tx = self.store.begin().await?;
        let (rows, total) = reviews::list(&mut tx, filter, offset, limit).await?;
        let mut tasks = Vec::with_capacity(rows.len());
        for t in rows {
            tasks.push(summary(&mut tx, t).await?);
        }
        let counts = reviews::counts(&mut tx)
            .await?
            .into_iter()
            .map(|(reason, count, oldest_opened_at)| ReasonCount {
                reason,
                count,
                oldest_opened_at,
            })
            .collect();
        tx.commit().await.map_err(StoreError::from)?;
        Ok(TaskPage {
            total,
            offset,
            limit,
            counts,
            tasks,
        })
    }

    /// A task with both sides in full.
    pub async fn review_task(&self, id: i64) -> Result<TaskDetail, ServiceError> {
        let mut tx = self.store.begin().await?;
        let task = task_row(&mut tx, id).await?;
        let subject_row = records::by_id(&mut tx, task.record_id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("record {}", task.record_id)))?;
        let query = normalize(&serde_json::from_str(&subject_row.data).unwrap_or_default()).0;
        let subject_person = links::current(&mut tx, task.record_id)
            .await?
            .map(|l| l.person_id);
        let subject_others = match &subject_person {
            Some(p) => self.records_shown(&mut tx, p, &[task.record_id]).await?,
            None => Vec::new(),
        };
        let mut candidates = Vec::new();
        for c in &task.candidate_persons {
            let person = persons::resolve(&mut tx, c).await?;
            let mut rows = Vec::new();
            if let Some(p) = &person {
                for r in links::records_of(&mut tx, p).await? {
                    if r != task.record_id
                        && let Some(row) = records::by_id(&mut tx, r).await?
                    {
                        rows.push(row);
                    }
                }
            }
            // the candidate's record that scores best against the task's record
            let matcher = self.matcher.read().expect("matcher lock");
            let scored: Vec<(f32, records::RecordRow)> = rows
                .into_iter()
                .map(|row| {
                    let n = normalize(&serde_json::from_str(&row.data).unwrap_or_default()).0;
                    (matcher.score(&query, &n).weight, row)
                })
                .collect();
            let best = scored
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.0.total_cmp(&b.1.0))
                .map(|(i, _)| i);
            let mut best_record = None;
            let mut comparison = None;
            let mut others = Vec::new();
            for (i, (_, row)) in scored.into_iter().enumerate() {
                if Some(i) == best {
                    let n = normalize(&serde_json::from_str(&row.data).unwrap_or_default()).0;
                    comparison = Some(matcher.explain(&query, &n));
                    best_record = Some(shown(row));
                } else {
                    others.push(shown(row));
                }
            }
            drop(matcher);
            candidates.push(Side {
                person_id: person,
                record: best_record,
                comparison,
                other_records: others,
            });
        }
        let actions = reviews::actions(&mut tx, id).await?;
        let opened_with = serde_json::from_str(&task.explanation).unwrap_or_default();
        let summary = summary(&mut tx, task).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(TaskDetail {
            task: summary,
            subject: Side {
                person_id: subject_person,
                record: Some(shown(subject_row)),
                comparison: None,
                other_records: subject_others,
            },
            candidates,
            opened_with,
            actions,
        })
    }

    async fn records_shown(
        &self,
        tx: &mut Tx<'_>,
        person: &str,
        except: &[i64],
    ) -> Result<Vec<ShownRecord>, ServiceError> {
        let mut out = Vec::new();
        for r in links::records_of(tx, person).await? {
            if !except.contains(&r)
                && let Some(row) = records::by_id(tx, r).await?
            {
                out.push(shown(row));
            }
        }
        Ok(out)
    }

    /// Claims a task for `actor`, so no one else works it.
    pub async fn claim_task(
        &self,
        id: i64,
        actor: &str,
        expected: Option<i64>,
    ) -> Result<TaskSummary, ServiceError> {
        self.move_task(id, actor, expected, "claimed", |t, now| {
            review::claim(t, actor, now)
        })
        .await
    }

    /// Gives a claimed task back to the queue.
    pub async fn release_task(
        &self,
        id: i64,
        actor: &str,
        expected: Option<i64>,
    ) -> Result<TaskSummary, ServiceError> {
        self.move_task(id, actor, expected, "released", |t, _| {
            review::release(t, actor)
        })
        .await
    }

    async fn move_task<'a>(
        &self,
        id: i64,
        actor: &'a str,
        expected: Option<i64>,
        action: &str,
        rule: impl FnOnce(&TaskRow, i64) -> Result<reviews::TaskState<'a>, Refusal>,
    ) -> Result<TaskSummary, ServiceError> {
        if actor.trim().is_empty() {
            return Err(super::invalid("actor", "is required"));
        }
        // serialized with every identity change: on SQLite two writers would collide
        let _serial = self.register.lock().await;
        let mut tx = self.store.begin_write().await?;
        let now = now_ms();
        let task = task_row(&mut tx, id).await?;
        check_version(&task, expected)?;
        let state = rule(&task, now)?;
        if !reviews::change(&mut tx, id, task.version, &state, now).await? {
            return Err(changed_meanwhile(id));
        }
        reviews::log(
            &mut tx,
            id,
            action,
            actor,
            None,
            &serde_json::json!({"status": state.status}),
            now,
        )
        .await?;
        let after = task_row(&mut tx, id).await?;
        let out = summary(&mut tx, after).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(out)
    }

    /// Decides a task. `person` picks the candidate for `same_person` (the first by
    /// default). Answers 409 when the task changed since `expected`, is claimed by
    /// someone else, is closed, or was answered meanwhile (it is then superseded).
    pub async fn decide_task(
        &self,
        id: i64,
        actor: &str,
        expected: Option<i64>,
        decision: Decision,
        person: Option<&str>,
        note: Option<&str>,
    ) -> Result<Decided, ServiceError> {
        if actor.trim().is_empty() {
            return Err(super::invalid("actor", "is required"));
        }
        let _serial = self.register.lock().await;
        let mut tx = self.store.begin_write().await?;
        let now = now_ms();
        let task = task_row(&mut tx, id).await?;
        check_version(&task, expected)?;
        let state = review::decide(&task, actor, decision, note, now)?;
        if decision != Decision::Defer && self.is_answered(&mut tx, &task).await? {
            // answered some other way: close it, and tell the reviewer
            let mut changed = Changed::default();
            changed.persons.extend(task.person_id.clone());
            self.close_answered(&mut tx, &mut changed, now).await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Err(conflict(format!(
                "task {id} was answered meanwhile and is closed as superseded"
            )));
        }
        let reason = match note {
            Some(n) if !n.trim().is_empty() => format!("review task {id}: {n}"),
            _ => format!("review task {id}"),
        };
        let act = Act {
            actor,
            reason: &reason,
        };
        let mut changed = Changed::default();
        match decision {
            Decision::Defer => {}
            Decision::SamePerson => {
                self.same_person(&mut tx, &task, person, act, &mut changed, now)
                    .await?
            }
            Decision::DifferentPeople => {
                self.different_people(&mut tx, &task, act, &mut changed, now)
                    .await?
            }
        }
        if !reviews::change(&mut tx, id, task.version, &state, now).await? {
            return Err(changed_meanwhile(id));
        }
        let changes = serde_json::to_value(&changed).expect("serializes");
        reviews::log(&mut tx, id, decision.as_str(), actor, note, &changes, now).await?;
        if decision != Decision::Defer {
            let payload = serde_json::json!({
                "task": id, "decision": decision.as_str(), "actor": actor,
                "person_id": changed.person_id,
            });
            events::append(
                &mut tx,
                self.store.backend,
                "review.resolved",
                task.person_id.as_deref(),
                Some(task.record_id),
                &payload.to_string(),
                now,
            )
            .await?;
            // other tasks this decision answered
            changed.persons.extend(task.person_id.clone());
            self.close_answered(&mut tx, &mut changed, now).await?;
        }
        let after = task_row(&mut tx, id).await?;
        let out = summary(&mut tx, after).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(Decided { task: out, changed })
    }

    /// `same_person`: the record's person and the candidate become one (a merge), or a
    /// record that fit poorly is confirmed in its person by hand.
    async fn same_person(
        &self,
        tx: &mut Tx<'_>,
        task: &TaskRow,
        chosen: Option<&str>,
        act: Act<'_>,
        changed: &mut Changed,
        now: i64,
    ) -> Result<(), ServiceError> {
        let current = links::current(tx, task.record_id)
            .await?
            .ok_or_else(|| conflict("the task's record has no person"))?
            .person_id;
        let reason = Reason::parse(&task.reason);
        if matches!(reason, Some(Reason::PoorFit | Reason::Rescore)) {
            changed.person_id = current.clone();
            return self
                .move_records(tx, &[task.record_id], &current, act, None, changed, now)
                .await;
        }
        let candidate = match chosen {
            Some(p) if task.candidate_persons.iter().any(|c| c == p) => p.to_string(),
            Some(_) => {
                return Err(super::invalid(
                    "person_id",
                    "is not one of the task's candidate persons",
                ));
            }
            None => task
                .candidate_persons
                .first()
                .cloned()
                .ok_or_else(|| conflict("the task names no candidate person"))?,
        };
        let target = persons::resolve(tx, &candidate)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("person {candidate}")))?;
        if target == current {
            changed.person_id = current;
            return Ok(());
        }
        // a new record joins the existing person; of two existing persons the record's stays
        let (survivor, loser) = if reason == Some(Reason::PossibleDuplicate) {
            (current, target)
        } else {
            (target, current)
        };
        self.merge_in(tx, &survivor, &loser, act, changed, now)
            .await
    }

    /// `different_people`: non-match assertions between the record and the other side's
    /// records; a record that fit poorly also leaves its person for a new one.
    async fn different_people(
        &self,
        tx: &mut Tx<'_>,
        task: &TaskRow,
        act: Act<'_>,
        changed: &mut Changed,
        now: i64,
    ) -> Result<(), ServiceError> {
        let current = links::current(tx, task.record_id)
            .await?
            .ok_or_else(|| conflict("the task's record has no person"))?
            .person_id;
        let mut apart_from = Vec::new();
        if matches!(
            Reason::parse(&task.reason),
            Some(Reason::PoorFit | Reason::Rescore)
        ) {
            apart_from.extend(
                links::records_of(tx, &current)
                    .await?
                    .into_iter()
                    .filter(|r| *r != task.record_id),
            );
            let person = self.new_person(tx, now).await?;
            self.move_records(tx, &[task.record_id], &person, act, None, changed, now)
                .await?;
            changed.person_id = person;
        } else {
            for c in &task.candidate_persons {
                if let Some(p) = persons::resolve(tx, c).await?
                    && p != current
                {
                    apart_from.extend(links::records_of(tx, &p).await?);
                }
            }
            changed.person_id = current;
        }
        for other in apart_from {
            let (id, created) =
                st::assert_non_match(tx, task.record_id, other, act.actor, act.reason, now).await?;
            if created {
                changed.assertions.push(id);
            }
        }
        Ok(())
    }
}

async fn task_row(tx: &mut Tx<'_>, id: i64) -> Result<TaskRow, ServiceError> {
    reviews::get(tx, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("review task {id}")))
}

fn check_version(task: &TaskRow, expected: Option<i64>) -> Result<(), ServiceError> {
    match expected {
        Some(v) if v != task.version => Err(conflict(format!(
            "review task {} is at version {}, the request expected {v}: read it again",
            task.id, task.version
        ))),
        _ => Ok(()),
    }
}

fn changed_meanwhile(id: i64) -> ServiceError {
    conflict(format!("review task {id} changed meanwhile: read it again"))
}
