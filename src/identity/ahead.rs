//! Candidates read ahead for a batch's new records. Before a batch writes anything, the
//! candidates of every new record in it are found, read and normalized on all cores, and
//! their persons read in one statement. The batch then decides its records in order as
//! before, each scored against what was read ahead for it plus the batch's own records
//! before it that share a blocking key: the candidates a search at that moment would
//! return, since nothing else changes the index or the links while the batch holds the
//! registration lock. Once the batch updates a record it already held (a resend with new
//! content, a precondition), what was read ahead may be out of date and the rest of the
//! batch searches as single registrations do.

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::domain::RawRecord;
use crate::index::{Candidate, IndexError};
use crate::matching::keys::Pass;
use crate::normalize::NormalizedRecord;
use crate::store::links;

use super::outcome::PersonMatch;
use super::scoring::Scorable;
use super::{Service, ServiceError};

/// What was read ahead for a batch, and the batch's records decided so far.
#[derive(Default)]
pub(super) struct Ahead {
    /// False when nothing was read ahead, or it was forgotten.
    active: bool,
    /// Per batch item: the ids of its candidates, for the new records read ahead.
    candidates: Vec<Option<Vec<i64>>>,
    /// Every candidate read, and the batch's records decided so far.
    read: FxHashMap<i64, Scorable>,
    /// Their persons.
    persons: FxHashMap<i64, String>,
    /// The batch's records decided so far, by blocking key.
    batch_by_key: FxHashMap<u64, Vec<i64>>,
}

/// The blocking keys of a record (those the index files it under).
fn keys(r: &NormalizedRecord) -> impl Iterator<Item = u64> + '_ {
    Pass::ALL.iter().filter_map(|p| p.key(r))
}

impl Ahead {
    /// The matches of batch item `item` (the record `query`), if it was read ahead and
    /// nothing since has made that out of date.
    pub(super) fn matches(
        &self,
        service: &Service,
        item: usize,
        query: &NormalizedRecord,
    ) -> Option<Vec<PersonMatch>> {
        let ids = self.candidates.get(item)?.as_ref()?;
        let mut all: FxHashSet<i64> = ids.iter().copied().collect();
        for k in keys(query) {
            all.extend(self.batch_by_key.get(&k).into_iter().flatten());
        }
        let mut all: Vec<i64> = all.into_iter().collect();
        // in record-id order, as a search returns them (ties keep the first)
        all.sort_unstable();
        Some(
            service.rank_persons(query, all.iter().filter_map(|id| self.read.get(id)), |id| {
                self.persons.get(&id)
            }),
        )
    }

    /// A record the batch has decided: a candidate for the batch's later records.
    pub(super) fn decided(
        &mut self,
        record_id: i64,
        raw: RawRecord,
        normalized: NormalizedRecord,
        person: &str,
    ) {
        if !self.active {
            return;
        }
        for k in keys(&normalized) {
            self.batch_by_key.entry(k).or_default().push(record_id);
        }
        self.persons.insert(record_id, person.to_string());
        self.read.insert(
            record_id,
            Scorable {
                record_id,
                raw,
                normalized,
            },
        );
    }

    /// The batch changed a record it did not just create: searches from now on.
    pub(super) fn forget(&mut self) {
        *self = Ahead::default();
    }
}

impl Service {
    /// Reads ahead the candidates of `queries` (batch item, new record), of a batch of
    /// `items`.
    pub(super) async fn read_ahead(
        &self,
        conn: &mut sqlx::AnyConnection,
        queries: Vec<(usize, NormalizedRecord)>,
        items: usize,
    ) -> Result<Ahead, ServiceError> {
        if queries.is_empty() {
            return Ok(Ahead::default());
        }
        let index = self.index.clone();
        let (found, read) = tokio::task::spawn_blocking(move || {
            let found = queries
                .par_iter()
                .map(|(item, q)| Ok((*item, index.candidates(q)?)))
                .collect::<Result<Vec<(usize, Vec<Candidate>)>, IndexError>>()?;
            // a record that is a candidate of several is read once
            let mut distinct: FxHashMap<i64, &Candidate> = FxHashMap::default();
            for c in found.iter().flat_map(|(_, cs)| cs) {
                distinct.entry(c.record_id).or_insert(c);
            }
            let read: FxHashMap<i64, Scorable> = distinct
                .into_par_iter()
                .filter_map(|(id, c)| Scorable::read(c).map(|s| (id, s)))
                .collect();
            let found: Vec<(usize, Vec<i64>)> = found
                .into_iter()
                .map(|(item, cs)| (item, cs.into_iter().map(|c| c.record_id).collect()))
                .collect();
            Ok::<_, IndexError>((found, read))
        })
        .await
        .map_err(|e| IndexError::Worker(e.to_string()))??;
        let ids: Vec<i64> = read.keys().copied().collect();
        let persons = links::persons_of(conn, &ids)
            .await?
            .into_iter()
            .map(|(record, person, _)| (record, person))
            .collect();
        let mut candidates = vec![None; items];
        for (item, ids) in found {
            candidates[item] = Some(ids);
        }
        Ok(Ahead {
            active: true,
            candidates,
            read,
            persons,
            batch_by_key: FxHashMap::default(),
        })
    }
}
