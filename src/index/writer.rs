//! The index writer on a thread of its own. Additions and removals are queued in order
//! and never wait; a commit (flushing and writing segments, up to hundreds of
//! milliseconds under load) runs on that thread while registrations go on, and holds
//! exactly what was queued before it.

use std::sync::mpsc;
use std::thread::JoinHandle;

use tantivy::{IndexWriter, TantivyDocument, Term};

use super::IndexError;

enum Op {
    Add(TantivyDocument),
    Delete(Term),
    Clear(mpsc::Sender<tantivy::Result<()>>),
    /// Merge segments in the background (the index's policy), or not at all.
    Merging(bool),
    /// Commit with this payload (the mark).
    Commit(String, mpsc::Sender<tantivy::Result<()>>),
}

/// The queue to the writer thread. Dropping it finishes what is queued and releases the
/// index's writer lock before the drop returns.
pub(super) struct Writer {
    queue: Option<mpsc::Sender<Op>>,
    thread: Option<JoinHandle<()>>,
}

/// A commit queued: `wait` for its answer.
pub(super) struct Queued(mpsc::Receiver<tantivy::Result<()>>);

impl Writer {
    pub(super) fn start(writer: IndexWriter) -> Result<Writer, IndexError> {
        let (queue, ops) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("index-writer".into())
            .spawn(move || run(writer, ops))?;
        Ok(Writer {
            queue: Some(queue),
            thread: Some(thread),
        })
    }

    fn send(&self, op: Op) {
        // the thread only stops when this is dropped; a commit reports a dead one
        let _ = self.queue.as_ref().expect("open").send(op);
    }

    pub(super) fn add(&self, document: TantivyDocument) {
        self.send(Op::Add(document));
    }

    pub(super) fn delete(&self, term: Term) {
        self.send(Op::Delete(term));
    }

    /// Deletes every document (from the next commit on); waits until it is queued in
    /// Tantivy.
    pub(super) fn clear(&self) -> Result<(), IndexError> {
        let (done, answer) = mpsc::channel();
        self.send(Op::Clear(done));
        Queued(answer).wait()
    }

    /// Turns background merges off (during a load, whose segments would otherwise be
    /// merged again and again as they come) or back on.
    pub(super) fn merging(&self, on: bool) {
        self.send(Op::Merging(on));
    }

    /// Queues a commit of everything queued so far.
    pub(super) fn commit(&self, payload: String) -> Queued {
        let (done, answer) = mpsc::channel();
        self.send(Op::Commit(payload, done));
        Queued(answer)
    }
}

impl Queued {
    /// Blocks until the writer thread has done it.
    pub(super) fn wait(self) -> Result<(), IndexError> {
        match self.0.recv() {
            Ok(done) => Ok(done?),
            Err(_) => Err(IndexError::Worker("the index writer stopped".into())),
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        drop(self.queue.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(mut writer: IndexWriter, ops: mpsc::Receiver<Op>) {
    for op in ops {
        match op {
            Op::Add(document) => {
                // fails only when Tantivy's worker died; the next commit reports it
                let _ = writer.add_document(document);
            }
            Op::Delete(term) => {
                writer.delete_term(term);
            }
            Op::Merging(true) => writer.set_merge_policy(Box::new(super::merge_policy())),
            Op::Merging(false) => {
                writer.set_merge_policy(Box::new(tantivy::merge_policy::NoMergePolicy))
            }
            Op::Clear(done) => {
                let _ = done.send(writer.delete_all_documents().map(|_| ()));
            }
            Op::Commit(payload, done) => {
                let committed = writer.prepare_commit().and_then(|mut prepared| {
                    prepared.set_payload(&payload);
                    prepared.commit().map(|_| ())
                });
                let _ = done.send(committed);
            }
        }
    }
}
