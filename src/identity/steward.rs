//! Stewardship: manual link and unlink, merge (and its undo), split, non-match
//! assertions. Each operation is one transaction with its identity events, under the
//! registration lock, and closes the review tasks it answers. Manual links are never
//! changed by the matcher.

use serde::Serialize;

use super::{Service, ServiceError, invalid};
use crate::store::stewardship::{self as st, Assertion, Merge};
use crate::store::{StoreError, Tx, events, links, now_ms, persons, records, reviews};

/// Who does a stewardship operation and why.
#[derive(Debug, Clone, Copy)]
pub struct Act<'a> {
    pub actor: &'a str,
    pub reason: &'a str,
}

/// What a stewardship operation changed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Changed {
    /// The person the operation leaves the records in (the survivor, the new person…).
    pub person_id: String,
    /// Persons whose records changed.
    pub persons: Vec<String>,
    /// Records that changed person: `source/source_id`.
    pub records: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merge_id: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assertions: Vec<i64>,
    /// Review tasks closed as superseded by the change.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub superseded_tasks: Vec<i64>,
}

pub(crate) fn conflict(what: impl Into<String>) -> ServiceError {
    ServiceError::Store(StoreError::Conflict(what.into()))
}

fn require_reason(act: Act<'_>) -> Result<(), ServiceError> {
    if act.actor.trim().is_empty() {
        return Err(invalid("actor", "is required"));
    }
    if act.reason.trim().is_empty() {
        return Err(invalid("reason", "is required"));
    }
    Ok(())
}

/// A record row by source and source id, or 404.
pub(super) async fn record_row(
    tx: &mut Tx<'_>,
    source: &str,
    source_id: &str,
) -> Result<records::RecordRow, ServiceError> {
    records::get(tx, source, source_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("record {source}/{source_id}")))
}

/// An active record, or 404 (unknown) / 409 (deactivated).
async fn active_record_row(
    tx: &mut Tx<'_>,
    source: &str,
    source_id: &str,
) -> Result<records::RecordRow, ServiceError> {
    let row = record_row(tx, source, source_id).await?;
    if !row.active {
        return Err(conflict(format!(
            "record {source}/{source_id} is deactivated"
        )));
    }
    Ok(row)
}

/// An active person, or 404 (unknown) / 409 (merged away).
pub(super) async fn active_person(tx: &mut Tx<'_>, id: &str) -> Result<(), ServiceError> {
    match persons::get(tx, id).await? {
        None => Err(ServiceError::NotFound(format!("person {id}"))),
        Some(p) if p.status != "active" => Err(conflict(format!(
            "person {id} was merged into {}",
            p.merged_into.unwrap_or_default()
        ))),
        Some(_) => Ok(()),
    }
}

impl Service {
    /// Links a record to a person by hand (a manual link the matcher never changes).
    pub async fn link_record(
        &self,
        source: &str,
        source_id: &str,
        person_id: &str,
        act: Act<'_>,
    ) -> Result<Changed, ServiceError> {
        require_reason(act)?;
        let _serial = self.register.lock().await;
        let mut tx = self.store.begin_write().await?;
        let now = now_ms();
        let row = active_record_row(&mut tx, source, source_id).await?;
        active_person(&mut tx, person_id).await?;
        self.refuse_asserted(&mut tx, &[row.id], person_id).await?;
        let mut changed = Changed {
            person_id: person_id.to_string(),
            ..Changed::default()
        };
        self.move_records(&mut tx, &[row.id], person_id, act, None, &mut changed, now)
            .await?;
        self.close_answered(&mut tx, &mut changed, now).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(changed)
    }

    /// Takes a record out of its person into a new person of its own (manual link).
    pub async fn unlink_record(
        &self,
        source: &str,
        source_id: &str,
        act: Act<'_>,
    ) -> Result<Changed, ServiceError> {
        require_reason(act)?;
        let _serial = self.register.lock().await;
        let mut tx = self.store.begin_write().await?;
        let now = now_ms();
        let row = active_record_row(&mut tx, source, source_id).await?;
        let person = self.new_person(&mut tx, now).await?;
        let mut changed = Changed {
            person_id: person.clone(),
            ..Changed::default()
        };
        self.move_records(&mut tx, &[row.id], &person, act, None, &mut changed, now)
            .await?;
        self.close_answered(&mut tx, &mut changed, now).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(changed)
    }

    /// Merges `loser` into `survivor`: the loser's records move, the loser keeps a
    /// tombstone naming the survivor. Undo with `undo_merge`.
    pub async fn merge_persons(
        &self,
        survivor: &str,
        loser: &str,
        act: Act<'_>,
    ) -> Result<Changed, ServiceError> {
        require_reason(act)?;
        let _serial = self.register.lock().await;
        let mut tx = self.store.begin_write().await?;
        let now = now_ms();
        let mut changed = Changed::default();
        self.merge_in(&mut tx, survivor, loser, act, &mut changed, now)
            .await?;
        self.close_answered(&mut tx, &mut changed, now).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(changed)
    }

    /// A merge inside the caller's transaction.
    pub(super) async fn merge_in(
        &self,
        tx: &mut Tx<'_>,
        survivor: &str,
        loser: &str,
        act: Act<'_>,
        changed: &mut Changed,
        now: i64,
    ) -> Result<(), ServiceError> {
        if survivor == loser {
            return Err(invalid("from", "must be another person than the survivor"));
        }
        active_person(tx, survivor).await?;
        active_person(tx, loser).await?;
        let moving = links::records_of(tx, loser).await?;
        self.refuse_asserted(tx, &moving, survivor).await?;
        let merge_id =
            st::record_merge(tx, survivor, loser, &moving, act.actor, act.reason, now).await?;
        let why = format!("merge {merge_id}: {}", act.reason);
        self.move_records(tx, &moving, survivor, act, Some(&why), changed, now)
            .await?;
        persons::mark_merged(tx, loser, survivor, now).await?;
        let payload = serde_json::json!({
            "survivor": survivor, "loser": loser, "merge": merge_id,
            "records": changed.records, "actor": act.actor,
        });
        events::append(
            tx,
            self.store.backend,
            "persons.merged",
            Some(survivor),
            None,
            &payload.to_string(),
            now,
        )
        .await?;
        changed.person_id = survivor.to_string();
        changed.merge_id = Some(merge_id);
        push_person(changed, loser);
        Ok(())
    }

    /// Undoes a merge: the loser is active again and gets back those of its records that
    /// are still with the survivor.
    pub async fn undo_merge(&self, merge_id: i64, act: Act<'_>) -> Result<Changed, ServiceError> {
        require_reason(act)?;
        let _serial = self.register.lock().await;
        let mut tx = self.store.begin_write().await?;
        let now = now_ms();
        let merge: Merge = st::merge_by_id(&mut tx, merge_id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("merge {merge_id}")))?;
        if merge.undone_at.is_some() {
            return Err(conflict(format!("merge {merge_id} was already undone")));
        }
        let loser = persons::get(&mut tx, &merge.loser).await?;
        if loser.is_none_or(|p| p.merged_into.as_deref() != Some(merge.survivor.as_str())) {
            return Err(conflict(format!(
                "person {} is no longer merged into {}",
                merge.loser, merge.survivor
            )));
        }
        // the survivor may have been merged on since: the records are where it went
        let holder = persons::resolve(&mut tx, &merge.survivor)
            .await?
            .unwrap_or_else(|| merge.survivor.clone());
        let still: Vec<i64> = links::persons_of(&mut tx, &merge.record_ids)
            .await?
            .into_iter()
            .filter(|(_, p, _)| *p == holder)
            .map(|(r, _, _)| r)
            .collect();
        persons::reactivate(&mut tx, &merge.loser, now).await?;
        st::mark_undone(&mut tx, merge_id, act.actor, now).await?;
        let mut changed = Changed {
            person_id: merge.loser.clone(),
            merge_id: Some(merge_id),
            ..Changed::default()
        };
        let why = format!("undo merge {merge_id}: {}", act.reason);
        self.move_records(
            &mut tx,
            &still,
            &merge.loser,
            act,
            Some(&why),
            &mut changed,
            now,
        )
        .await?;
        let payload = serde_json::json!({
            "from": holder, "to": merge.loser, "undoes_merge": merge_id,
            "records": changed.records, "actor": act.actor,
        });
        events::append(
            &mut tx,
            self.store.backend,
            "person.split",
            Some(&holder),
            None,
            &payload.to_string(),
            now,
        )
        .await?;
        push_person(&mut changed, &holder);
        self.close_answered(&mut tx, &mut changed, now).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(changed)
    }

    /// Pulls some of a person's records out into a new person.
    pub async fn split_person(
        &self,
        person_id: &str,
        records_out: &[(String, String)],
        act: Act<'_>,
    ) -> Result<Changed, ServiceError> {
        require_reason(act)?;
        if records_out.is_empty() {
            return Err(invalid("records", "must name at least one record"));
        }
        let _serial = self.register.lock().await;
        let mut tx = self.store.begin_write().await?;
        let now = now_ms();
        active_person(&mut tx, person_id).await?;
        let members = links::records_of(&mut tx, person_id).await?;
        let mut ids = Vec::new();
        for (i, (source, source_id)) in records_out.iter().enumerate() {
            let row = record_row(&mut tx, source, source_id).await?;
            if !members.contains(&row.id) {
                return Err(invalid(
                    &format!("records[{i}]"),
                    &format!("is not linked to person {person_id}"),
                ));
            }
            if !ids.contains(&row.id) {
                ids.push(row.id);
            }
        }
        if ids.len() == members.len() {
            return Err(invalid(
                "records",
                "names every record of the person: at least one must stay",
            ));
        }
        let person = self.new_person(&mut tx, now).await?;
        let mut changed = Changed {
            person_id: person.clone(),
            ..Changed::default()
        };
        self.move_records(&mut tx, &ids, &person, act, None, &mut changed, now)
            .await?;
        let payload = serde_json::json!({
            "from": person_id, "to": person, "records": changed.records, "actor": act.actor,
        });
        events::append(
            &mut tx,
            self.store.backend,
            "person.split",
            Some(person_id),
            None,
            &payload.to_string(),
            now,
        )
        .await?;
        self.close_answered(&mut tx, &mut changed, now).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(changed)
    }

    /// Asserts that two records are different people. They must not be one person now
    /// (split first).
    pub async fn assert_non_match(
        &self,
        a: (&str, &str),
        b: (&str, &str),
        act: Act<'_>,
    ) -> Result<(Assertion, bool), ServiceError> {
        require_reason(act)?;
        let _serial = self.register.lock().await;
        let mut tx = self.store.begin_write().await?;
        let now = now_ms();
        let ra = record_row(&mut tx, a.0, a.1).await?;
        let rb = record_row(&mut tx, b.0, b.1).await?;
        if ra.id == rb.id {
            return Err(invalid("b", "must be another record than a"));
        }
        let pa = links::current(&mut tx, ra.id).await?.map(|l| l.person_id);
        let pb = links::current(&mut tx, rb.id).await?.map(|l| l.person_id);
        if pa.is_some() && pa == pb {
            return Err(conflict(
                "the two records are one person now: split them first",
            ));
        }
        let (id, created) =
            st::assert_non_match(&mut tx, ra.id, rb.id, act.actor, act.reason, now).await?;
        if created {
            let payload = serde_json::json!({"assertion": id, "actor": act.actor});
            events::append(
                &mut tx,
                self.store.backend,
                "non_match.asserted",
                pa.as_deref(),
                Some(ra.id),
                &payload.to_string(),
                now,
            )
            .await?;
            let mut changed = Changed::default();
            changed.persons.extend(pa.into_iter().chain(pb));
            self.close_answered(&mut tx, &mut changed, now).await?;
        }
        let assertion = st::assertion_by_id(&mut tx, id)
            .await?
            .expect("just written");
        tx.commit().await.map_err(StoreError::from)?;
        Ok((assertion, created))
    }

    /// Revokes a non-match assertion: the pair may be proposed again.
    pub async fn revoke_non_match(&self, id: i64, act: Act<'_>) -> Result<Assertion, ServiceError> {
        require_reason(act)?;
        let _serial = self.register.lock().await;
        let mut tx = self.store.begin_write().await?;
        let now = now_ms();
        let found = st::assertion_by_id(&mut tx, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("non-match assertion {id}")))?;
        if !st::revoke(&mut tx, id, act.actor, now).await? {
            return Err(conflict(format!(
                "non-match assertion {id} was already revoked"
            )));
        }
        let person = links::current(&mut tx, found.record_a)
            .await?
            .map(|l| l.person_id);
        let payload =
            serde_json::json!({"assertion": id, "actor": act.actor, "reason": act.reason});
        events::append(
            &mut tx,
            self.store.backend,
            "non_match.revoked",
            person.as_deref(),
            Some(found.record_a),
            &payload.to_string(),
            now,
        )
        .await?;
        let assertion = st::assertion_by_id(&mut tx, id).await?.expect("exists");
        tx.commit().await.map_err(StoreError::from)?;
        Ok(assertion)
    }

    /// A new active person, with its event.
    pub(super) async fn new_person(
        &self,
        tx: &mut Tx<'_>,
        now: i64,
    ) -> Result<String, ServiceError> {
        let person = persons::create(tx, now).await?;
        events::append(
            tx,
            self.store.backend,
            "person.created",
            Some(&person),
            None,
            "{}",
            now,
        )
        .await?;
        Ok(person)
    }

    /// Links records to `person` by hand, each with `record.unlinked` (from its old
    /// person) and `record.linked` events. Records already manually linked there stay.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn move_records(
        &self,
        tx: &mut Tx<'_>,
        record_ids: &[i64],
        person: &str,
        act: Act<'_>,
        why: Option<&str>,
        changed: &mut Changed,
        now: i64,
    ) -> Result<(), ServiceError> {
        let reason = why.unwrap_or(act.reason);
        push_person(changed, person);
        for &record_id in record_ids {
            let current = links::current(tx, record_id).await?;
            if current
                .as_ref()
                .is_some_and(|l| l.person_id == person && l.how == "manual")
            {
                continue;
            }
            let row = records::by_id(tx, record_id)
                .await?
                .ok_or_else(|| ServiceError::NotFound(format!("record {record_id}")))?;
            links::link(
                tx,
                &links::NewLink {
                    record_id,
                    person_id: person,
                    how: links::How::Manual,
                    weight: None,
                    probability: None,
                    model_version: None,
                    explanation: None,
                    actor: act.actor,
                    reason: Some(reason),
                },
                now,
            )
            .await?;
            let from = current.map(|l| l.person_id);
            let payload = serde_json::json!({
                "source": row.source, "source_id": row.source_id,
                "from": from, "to": person, "actor": act.actor,
            })
            .to_string();
            if let Some(from) = from.as_deref().filter(|f| *f != person) {
                events::append(
                    tx,
                    self.store.backend,
                    "record.unlinked",
                    Some(from),
                    Some(record_id),
                    &payload,
                    now,
                )
                .await?;
                push_person(changed, from);
            }
            events::append(
                tx,
                self.store.backend,
                "record.linked",
                Some(person),
                Some(record_id),
                &payload,
                now,
            )
            .await?;
            changed
                .records
                .push(format!("{}/{}", row.source, row.source_id));
        }
        Ok(())
    }

    /// Refuses to put `records` with `person` when a non-match assertion keeps any of
    /// them apart from one of the person's records.
    async fn refuse_asserted(
        &self,
        tx: &mut Tx<'_>,
        moving: &[i64],
        person: &str,
    ) -> Result<(), ServiceError> {
        let members = links::records_of(tx, person).await?;
        for &r in moving {
            let apart = st::asserted_apart(tx, r).await?;
            if let Some(other) = apart.iter().find(|a| members.contains(a)) {
                return Err(conflict(format!(
                    "a non-match assertion keeps record {r} apart from record {other} of person \
                     {person}: revoke it first"
                )));
            }
        }
        Ok(())
    }

    /// Persons holding a record asserted to be someone else than `record_id`.
    pub(super) async fn persons_apart(
        &self,
        tx: &mut Tx<'_>,
        record_id: i64,
    ) -> Result<Vec<String>, ServiceError> {
        let apart = st::asserted_apart(tx, record_id).await?;
        if apart.is_empty() {
            return Ok(Vec::new());
        }
        Ok(links::persons_of(tx, &apart)
            .await?
            .into_iter()
            .map(|(_, p, _)| p)
            .collect())
    }

    /// Persons holding a record asserted to be someone else than any record of `person`.
    pub(super) async fn persons_apart_from(
        &self,
        tx: &mut Tx<'_>,
        person: &str,
    ) -> Result<Vec<String>, ServiceError> {
        let mut out = Vec::new();
        for r in links::records_of(tx, person).await? {
            out.extend(self.persons_apart(tx, r).await?);
        }
        Ok(out)
    }

    /// Closes as superseded the open tasks about the changed persons whose question the
    /// change has answered.
    pub(super) async fn close_answered(
        &self,
        tx: &mut Tx<'_>,
        changed: &mut Changed,
        now: i64,
    ) -> Result<(), ServiceError> {
        let mut record_ids = Vec::new();
        for p in &changed.persons {
            record_ids.extend(links::records_of(tx, p).await?);
        }
        let tasks = reviews::unresolved_touching(tx, &record_ids, &changed.persons).await?;
        for task in tasks {
            if self.is_answered(tx, &task).await?
                && reviews::change(
                    tx,
                    task.id,
                    task.version,
                    &crate::review::superseded(now),
                    now,
                )
                .await?
            {
                reviews::log(
                    tx,
                    task.id,
                    "superseded",
                    "mpi",
                    None,
                    &serde_json::json!({"by": changed.records, "persons": changed.persons}),
                    now,
                )
                .await?;
                events::append(
                    tx,
                    self.store.backend,
                    "review.resolved",
                    task.person_id.as_deref(),
                    Some(task.record_id),
                    &serde_json::json!({"task": task.id, "decision": "superseded"}).to_string(),
                    now,
                )
                .await?;
                changed.superseded_tasks.push(task.id);
            }
        }
        Ok(())
    }

    /// True when a task's question has been answered some other way: its record is
    /// deactivated, now one person with a candidate, or its link was decided by hand.
    pub(super) async fn is_answered(
        &self,
        tx: &mut Tx<'_>,
        task: &reviews::TaskRow,
    ) -> Result<bool, ServiceError> {
        let record = records::by_id(tx, task.record_id).await?;
        if record.is_none_or(|r| !r.active) {
            return Ok(true);
        }
        let Some(link) = links::current(tx, task.record_id).await? else {
            return Ok(true);
        };
        let reason = crate::review::Reason::parse(&task.reason);
        if matches!(
            reason,
            Some(crate::review::Reason::PoorFit | crate::review::Reason::Rescore)
        ) {
            let opened_in = match task.person_id.as_deref() {
                Some(p) => persons::resolve(tx, p).await?,
                None => None,
            };
            return Ok(link.how == "manual" || opened_in.as_deref() != Some(&link.person_id));
        }
        let mut open_candidates = 0;
        for c in &task.candidate_persons {
            match persons::resolve(tx, c).await? {
                Some(now) if now == link.person_id => return Ok(true),
                Some(_) => open_candidates += 1,
                None => {}
            }
        }
        Ok(open_candidates == 0)
    }
}

fn push_person(changed: &mut Changed, person: &str) {
    if !changed.persons.iter().any(|p| p == person) {
        changed.persons.push(person.to_string());
    }
}
