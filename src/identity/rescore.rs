//! Re-scoring: the current model over every existing link, reporting the links it would
//! now decide differently. It changes no link (manual decisions win, automatic ones are
//! only questioned); with `open_tasks` it opens a review task for each automatic link
//! in question that has none open.

use serde::Serialize;

use super::outcome::Grade;
use super::register::Event;
use super::{Service, ServiceError};
use crate::domain::RawRecord;
use crate::normalize::normalize;
use crate::review::Reason;
use crate::store::{StoreError, links, now_ms, records, reviews};

/// What the model would now do with a linked record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The record no longer scores at the link threshold with its person's other records.
    WouldNotLink,
    /// Another person scores at the link threshold and its own person does not.
    WouldLinkElsewhere,
}

/// One link the model would decide differently.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub source: String,
    pub source_id: String,
    pub person_id: String,
    /// `auto` or `manual` (manual links are reported, never questioned by a task).
    pub how: String,
    pub verdict: Verdict,
    /// The person the model would link to instead, if any.
    pub instead: Option<String>,
    /// The best weight with the record's own person (none: no candidate from it).
    pub own_weight: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task: Option<i64>,
}

/// The outcome of a re-scoring run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RescoreReport {
    pub model_version: String,
    pub checked: u64,
    pub unchanged: u64,
    pub would_not_link: u64,
    pub would_link_elsewhere: u64,
    /// Differing links that are manual: reported only.
    pub manual: u64,
    pub tasks_opened: u64,
    /// Differing automatic links that already had an open task.
    pub already_in_review: u64,
    /// Every differing link, in record order.
    pub findings: Vec<Finding>,
}

impl Service {
    /// Re-scores every active, linked record with the current model.
    pub async fn rescore(&self, open_tasks: bool) -> Result<RescoreReport, ServiceError> {
        let mut report = RescoreReport {
            model_version: self.model_version(),
            ..RescoreReport::default()
        };
        let mut after = 0;
        loop {
            let mut tx = self.store.begin().await?;
            let page = records::active_page(&mut tx, after, 1000).await?;
            tx.commit().await.map_err(StoreError::from)?;
            let Some(last) = page.last() else { break };
            after = last.0;
            for (record_id, data) in page {
                self.rescore_one(record_id, &data, open_tasks, &mut report)
                    .await?;
            }
        }
        Ok(report)
    }

    async fn rescore_one(
        &self,
        record_id: i64,
        data: &str,
        open_tasks: bool,
        report: &mut RescoreReport,
    ) -> Result<(), ServiceError> {
        let raw: RawRecord = serde_json::from_str(data).unwrap_or_default();
        let normalized = normalize(&raw).0;
        // tasks are opened under the registration lock, like every identity change
        let _serial = if open_tasks {
            Some(self.register.lock().await)
        } else {
            None
        };
        let mut tx = if open_tasks {
            self.store.begin_write().await?
        } else {
            self.store.begin().await?
        };
        let Some(link) = links::current(&mut tx, record_id).await? else {
            return Ok(());
        };
        report.checked += 1;
        let matches = self
            .score_candidates(&mut tx, &normalized, Some(record_id), None)
            .await?;
        let alone = links::records_of(&mut tx, &link.person_id).await?.len() <= 1;
        let own = matches.iter().find(|m| m.person_id == link.person_id);
        let fits = own.is_some_and(|m| m.grade != Grade::Possible);
        let apart = self.persons_apart(&mut tx, record_id).await?;
        let elsewhere = matches
            .iter()
            .find(|m| {
                m.person_id != link.person_id
                    && m.grade != Grade::Possible
                    && !apart.contains(&m.person_id)
            })
            .map(|m| m.person_id.clone());
        let verdict = match (fits, alone, &elsewhere) {
            (false, _, Some(_)) => Verdict::WouldLinkElsewhere,
            (false, false, None) => Verdict::WouldNotLink,
            _ => {
                report.unchanged += 1;
                return Ok(());
            }
        };
        match verdict {
            Verdict::WouldNotLink => report.would_not_link += 1,
            Verdict::WouldLinkElsewhere => report.would_link_elsewhere += 1,
        }
        let mut finding = Finding {
            source: raw.source.clone(),
            source_id: raw.source_id.clone(),
            person_id: link.person_id.clone(),
            how: link.how.clone(),
            verdict,
            instead: elsewhere.clone(),
            own_weight: own.map(|m| m.weight),
            task: None,
        };
        if link.how == "manual" {
            report.manual += 1;
        } else if open_tasks {
            if reviews::open_count(&mut tx, record_id).await? > 0 {
                report.already_in_review += 1;
            } else {
                let event = Event {
                    record_id,
                    source: raw.source.clone(),
                    now: now_ms(),
                    payload: String::new(),
                };
                let candidates = vec![elsewhere.unwrap_or_else(|| link.person_id.clone())];
                let best = matches.iter().find(|m| m.person_id == candidates[0]);
                let task = self
                    .open_review(
                        &mut tx,
                        &event,
                        Reason::Rescore,
                        &link.person_id,
                        &candidates,
                        best,
                    )
                    .await?;
                finding.task = Some(task);
                report.tasks_opened += 1;
            }
        }
        tx.commit().await.map_err(StoreError::from)?;
        report.findings.push(finding);
        Ok(())
    }
}
