//! The only Tantivy user: the candidate index. Each active source record is one
//! document holding its blocking keys (see `matching::keys`) and its canonical JSON.
//! The index is derived from the database and can be rebuilt from it at any time.
//!
//! Read-your-writes: a record handed to `upsert` is a candidate at once, through an
//! in-memory overlay, while Tantivy commits are batched (group commit, `commit`).
//! The overlay entry is dropped once a commit that contains it is visible.

mod overlay;
pub mod search;
mod writer;

use std::path::Path;
use std::sync::Mutex;

use rustc_hash::{FxHashMap, FxHashSet};
use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, Value};
use tantivy::{DocAddress, DocSet, TERMINATED};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term, doc};
use writer::Writer;

use crate::matching::keys::Pass;
use crate::normalize::NormalizedRecord;
use overlay::Overlay;
use search::{Filter, Found};

/// Candidates kept per blocking key (per pass), so a common name cannot blow up the
/// candidate set; broad passes keep fewer.
#[derive(Debug, Clone, Copy)]
pub struct Caps {
    pub per_key: usize,
    pub per_broad_key: usize,
}

impl Default for Caps {
    fn default() -> Self {
        Caps {
            per_key: 64,
            per_broad_key: 16,
        }
    }
}

/// Errors of the index; they name no record contents.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index folder {path}: {error}")]
    Folder { path: String, error: std::io::Error },
    #[error("search index read: {0}")]
    Read(#[from] std::io::Error),
    #[error("search index worker: {0}")]
    Worker(String),
    #[error("search index: {0}")]
    OpenDirectory(#[from] tantivy::directory::error::OpenDirectoryError),
    #[error(
        "search index {0} is in use by another process: stop it (a running `mpi serve`, \
         say) first"
    )]
    InUse(String),
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    record: Field,
    keys: Field,
    data: Field,
    /// Demographic search terms (see `search`).
    search: Field,
}

/// A candidate: the record's database id and its canonical JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub record_id: i64,
    pub data: String,
}

/// A commit queued by `CandidateIndex::begin_commit`.
pub struct Commit {
    generation: u64,
    mark: i64,
    queued: writer::Queued,
}

/// The candidate index.
pub struct CandidateIndex {
    index: Index,
    reader: IndexReader,
    writer: Writer,
    fields: Fields,
    overlay: Mutex<Overlay>,
    caps: Caps,
    /// Overlay generation and mark of the last commit.
    committed: Mutex<(u64, i64)>,
}

impl std::fmt::Debug for CandidateIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CandidateIndex").finish_non_exhaustive()
    }
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let record = b.add_i64_field("record", INDEXED | STORED | FAST);
    let keys = b.add_text_field("keys", STRING);
    let data = b.add_text_field("data", STORED);
    let search = b.add_text_field("search", STRING);
    (
        b.build(),
        Fields {
            record,
            keys,
            data,
            search,
        },
    )
}

/// The blocking keys of a record, as index terms.
pub fn key_terms(r: &NormalizedRecord) -> Vec<(Pass, String)> {
    Pass::ALL
        .iter()
        .filter_map(|p| p.key(r).map(|k| (*p, format!("{k:016x}"))))
        .collect()
}

/// Stored records are read one by one, at random, for every candidate: small
/// uncompressed blocks make each read cheap (a compressed 16 KiB block would be
/// decompressed whole for one record).
fn settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_compression: tantivy::store::Compressor::None,
        docstore_blocksize: 2048,
        ..Default::default()
    }
}

/// Every candidate query looks each key up in every segment, so segments are merged
/// early (from 3 of a size, not tantivy's 8): fewer, larger segments for a little more
/// background merging.
fn merge_policy() -> tantivy::merge_policy::LogMergePolicy {
    let mut policy = tantivy::merge_policy::LogMergePolicy::default();
    policy.set_min_num_segments(3);
    policy
}

/// Doc-store blocks kept decompressed in memory (of `settings().docstore_blocksize`).
const DOC_STORE_CACHE_BLOCKS: usize = 4096;

impl CandidateIndex {
    /// Opens the index in `dir` (created if missing), or an in-memory one.
    pub fn open(dir: Option<&Path>, caps: Caps) -> Result<CandidateIndex, IndexError> {
        let (schema, fields) = schema();
        let index = match dir {
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(|error| IndexError::Folder {
                    path: dir.display().to_string(),
                    error,
                })?;
                let directory = tantivy::directory::MmapDirectory::open(dir)?;
                Index::builder()
                    .schema(schema)
                    .settings(settings())
                    .open_or_create(directory)?
            }
            None => Index::builder()
                .schema(schema)
                .settings(settings())
                .create_in_ram()?,
        };
        let writer: IndexWriter = index
            .writer_with_num_threads(1, 64 << 20)
            .map_err(|error| match error {
                tantivy::TantivyError::LockFailure(
                    tantivy::directory::error::LockError::LockBusy,
                    _,
                ) => IndexError::InUse(
                    dir.map_or_else(|| "(in memory)".into(), |d| d.display().to_string()),
                ),
                other => other.into(),
            })?;
        writer.set_merge_policy(Box::new(merge_policy()));
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .doc_store_cache_num_blocks(DOC_STORE_CACHE_BLOCKS)
            .try_into()?;
        Ok(CandidateIndex {
            index,
            reader,
            writer: Writer::start(writer)?,
            fields,
            overlay: Mutex::new(Overlay::default()),
            caps,
            committed: Mutex::new((0, 0)),
        })
    }

    /// Adds or replaces a record. It is a candidate from now on.
    pub fn upsert(&self, record_id: i64, data: &str, r: &NormalizedRecord) {
        self.add(record_id, data, r, true);
    }

    /// Adds a record the index has never held (new in the database, or after `clear`):
    /// as `upsert` without the delete, which every commit would otherwise resolve against
    /// every segment.
    pub fn insert(&self, record_id: i64, data: &str, r: &NormalizedRecord) {
        self.add(record_id, data, r, false);
    }

    /// Turns background merging off for a load, or back on after it.
    pub fn merging(&self, on: bool) {
        self.writer.merging(on);
    }

    /// Adds records the index has never held, for an initial load: not candidates until
    /// the next commit (they are not kept in the overlay, which would hold them all).
    /// Their documents are built on all cores.
    pub fn insert_unseen(&self, records: &[(i64, &str, &NormalizedRecord)]) {
        use rayon::prelude::*;
        let documents: Vec<TantivyDocument> = records
            .par_iter()
            .map(|(record_id, data, r)| self.document(*record_id, data, r).0)
            .collect();
        for document in documents {
            self.writer.add(document);
        }
        self.overlay.lock().expect("overlay lock").touch();
    }

    fn add(&self, record_id: i64, data: &str, r: &NormalizedRecord, replace: bool) {
        if replace {
            self.writer
                .delete(Term::from_field_i64(self.fields.record, record_id));
        }
        let (document, keys, terms) = self.document(record_id, data, r);
        self.writer.add(document);
        self.overlay.lock().expect("overlay lock").put(
            record_id,
            data,
            keys.into_iter().map(|(_, k)| k).collect(),
            terms,
        );
    }

    /// A record's document, with its blocking keys and search terms.
    fn document(
        &self,
        record_id: i64,
        data: &str,
        r: &NormalizedRecord,
    ) -> (TantivyDocument, Vec<(Pass, String)>, Vec<String>) {
        let keys = key_terms(r);
        let mut document = doc!(self.fields.record => record_id, self.fields.data => data);
        for (_, k) in &keys {
            document.add_text(self.fields.keys, k);
        }
        let terms = search::search_terms(data, r);
        for t in &terms {
            document.add_text(self.fields.search, t);
        }
        (document, keys, terms)
    }

    /// Removes a record (deactivated): no longer a candidate from now on.
    pub fn remove(&self, record_id: i64) {
        self.writer
            .delete(Term::from_field_i64(self.fields.record, record_id));
        self.overlay.lock().expect("overlay lock").remove(record_id);
    }

    /// Makes everything added so far durable and searchable without the overlay, and
    /// records `mark` with the commit: the last identity event the index reflects.
    pub fn commit(&self, mark: i64) -> Result<(), IndexError> {
        match self.begin_commit(mark) {
            Some(commit) => self.finish_commit(commit),
            None => Ok(()),
        }
    }

    /// Queues a commit of everything added so far, marked `mark` (see `commit`); none
    /// when nothing changed since the last. Cheap: call it where additions are
    /// serialized, then wait in `finish_commit` while additions go on.
    pub fn begin_commit(&self, mark: i64) -> Option<Commit> {
        let generation = self.overlay.lock().expect("overlay lock").generation();
        if *self.committed.lock().expect("commit lock") == (generation, mark) && generation > 0 {
            return None;
        }
        Some(Commit {
            generation,
            mark,
            queued: self.writer.commit(mark.to_string()),
        })
    }

    /// Waits for a commit from `begin_commit`, then searches it.
    pub fn finish_commit(&self, commit: Commit) -> Result<(), IndexError> {
        commit.queued.wait()?;
        {
            let mut committed = self.committed.lock().expect("commit lock");
            // commits finish in the order they were queued; never step back
            if commit.generation >= committed.0 {
                *committed = (commit.generation, commit.mark);
            }
        }
        self.reader.reload()?;
        self.overlay
            .lock()
            .expect("overlay lock")
            .forget_up_to(commit.generation);
        Ok(())
    }

    /// Picks up segments merged in the background since the last commit or refresh, so
    /// that searches look keys up in fewer segments. Cheap when nothing changed.
    pub fn refresh(&self) -> Result<(), IndexError> {
        let searched: FxHashSet<tantivy::index::SegmentId> = self
            .reader
            .searcher()
            .segment_readers()
            .iter()
            .map(|s| s.segment_id())
            .collect();
        let current = self.index.searchable_segment_ids()?;
        if current.len() != searched.len() || current.iter().any(|id| !searched.contains(id)) {
            self.reader.reload()?;
        }
        Ok(())
    }

    /// True when records were added or removed since the last commit.
    pub fn pending(&self) -> bool {
        let generation = self.overlay.lock().expect("overlay lock").generation();
        self.committed.lock().expect("commit lock").0 != generation
    }

    /// The mark of the last commit (see `commit`); `None` for a new or unmarked index.
    pub fn mark(&self) -> Option<i64> {
        self.index
            .load_metas()
            .ok()?
            .payload
            .and_then(|p| p.parse().ok())
    }

    /// Deletes every document (before a rebuild).
    pub fn clear(&self) -> Result<(), IndexError> {
        self.writer.clear()?;
        self.overlay.lock().expect("overlay lock").clear();
        Ok(())
    }

    /// Number of searchable documents (committed ones).
    pub fn committed_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The candidates for a record: the union over its blocking keys, each key capped.
    pub fn candidates(&self, r: &NormalizedRecord) -> Result<Vec<Candidate>, IndexError> {
        let keys = key_terms(r);
        let mut found: FxHashMap<i64, String> = FxHashMap::default();
        // a true match shares many keys: its stored record is read once, not per key
        let mut read: FxHashSet<DocAddress> = FxHashSet::default();
        let searcher = self.reader.searcher();
        for (pass, key) in &keys {
            let cap = if pass.is_broad() {
                self.caps.per_broad_key
            } else {
                self.caps.per_key
            };
            // postings read directly: no scores are needed, only the first `cap` records
            let term = Term::from_field_text(self.fields.keys, key);
            let mut taken = 0;
            'segments: for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
                let inverted = segment.inverted_index(self.fields.keys)?;
                let Some(mut postings) = inverted.read_postings(&term, IndexRecordOption::Basic)?
                else {
                    continue;
                };
                let alive = segment.alive_bitset();
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    if alive.is_none_or(|a| a.is_alive(doc)) {
                        if taken == cap {
                            break 'segments;
                        }
                        taken += 1;
                        let address = DocAddress::new(ordinal as u32, doc);
                        if read.insert(address) {
                            let stored: TantivyDocument = searcher.doc(address)?;
                            let id = stored
                                .get_first(self.fields.record)
                                .and_then(|v| v.as_i64());
                            let data = stored.get_first(self.fields.data).and_then(|v| v.as_str());
                            if let (Some(id), Some(data)) = (id, data) {
                                found.entry(id).or_insert_with(|| data.to_string());
                            }
                        }
                    }
                    doc = postings.advance();
                }
            }
        }
        // records written since the last commit win over what the index still shows
        let overlay = self.overlay.lock().expect("overlay lock");
        overlay.apply(keys.iter().map(|(_, k)| k.as_str()), &mut found);
        drop(overlay);
        let mut out: Vec<Candidate> = found
            .into_iter()
            .map(|(record_id, data)| Candidate { record_id, data })
            .collect();
        out.sort_unstable_by_key(|c| c.record_id);
        Ok(out)
    }

    /// The active records whose search terms pass `filter`, or `TooMany` when more than
    /// `cap` do. Each condition reads the postings of the terms in its range only.
    pub fn search(&self, filter: &Filter, cap: usize) -> Result<Found, IndexError> {
        use tantivy::collector::{Count, DocSetCollector};
        use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery};
        let field = self.fields.search;
        let term = |b: std::ops::Bound<String>| b.map(|t| Term::from_field_text(field, &t));
        let clauses: Vec<(Occur, Box<dyn Query>)> = filter
            .clauses
            .iter()
            .map(|clause| {
                let any: Vec<(Occur, Box<dyn Query>)> = clause
                    .iter()
                    .map(|c| {
                        let (lo, hi) = c.bounds();
                        let q: Box<dyn Query> = Box::new(RangeQuery::new(term(lo), term(hi)));
                        (Occur::Should, q)
                    })
                    .collect();
                let q: Box<dyn Query> = Box::new(BooleanQuery::new(any));
                (Occur::Must, q)
            })
            .collect();
        if clauses.is_empty() {
            return Ok(Found::Records(Vec::new()));
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let count = searcher.search(&query, &Count)?;
        if count > cap {
            return Ok(Found::TooMany(count));
        }
        let mut ids: FxHashSet<i64> = FxHashSet::default();
        for address in searcher.search(&query, &DocSetCollector)? {
            let column = searcher
                .segment_reader(address.segment_ord)
                .fast_fields()
                .i64("record")?;
            ids.extend(column.first(address.doc_id));
        }
        // records written since the last commit win over what the index still shows
        self.overlay
            .lock()
            .expect("overlay lock")
            .filter(|terms| filter.holds(terms), &mut ids);
        if ids.len() > cap {
            return Ok(Found::TooMany(ids.len()));
        }
        let mut out: Vec<i64> = ids.into_iter().collect();
        out.sort_unstable();
        Ok(Found::Records(out))
    }

    /// The index's own folder state, for diagnostics.
    pub fn segment_count(&self) -> usize {
        self.index
            .searchable_segment_ids()
            .map(|s| s.len())
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commit_holds_what_was_added_before_it_and_nothing_after() {
        let index = CandidateIndex::open(None, Caps::default()).unwrap();
        let r = NormalizedRecord::default();
        for id in 1..=3 {
            index.insert(id, "{}", &r);
        }
        let commit = index.begin_commit(7).expect("something to commit");
        // registrations go on while the commit is written
        for id in 4..=5 {
            index.insert(id, "{}", &r);
        }
        index.finish_commit(commit).unwrap();
        assert_eq!(index.committed_docs(), 3);
        assert_eq!(index.mark(), Some(7));
        assert!(index.pending(), "the later two wait for the next commit");
        index.commit(9).unwrap();
        assert_eq!((index.committed_docs(), index.mark()), (5, Some(9)));
        assert!(!index.pending());
        assert!(index.begin_commit(9).is_none(), "nothing left to commit");
    }
}
