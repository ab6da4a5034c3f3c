//! Committing a registration transaction together with audit entries: the callers' own
//! (each request's entry, written from its answer) and, on SQLite, those that wait for
//! the same write turn.

use crate::audit::{Entry, Pending, Taken};
use crate::store::{Backend, StoreError, Tx};

use super::Service;

impl Service {
    /// Where the audit writers of this service keep their waiting entries, so that
    /// registrations can commit them (`AuditLog::sharing`).
    pub fn audit_pending(&self) -> Pending {
        self.audit_pending.clone()
    }

    /// Commits `tx`, a registration transaction whose caller holds the registration
    /// lock, with `own`, the audit entries of the registrations in it, and answers their
    /// seqs. On SQLite that lock is also the database's write turn, which the audit
    /// writer would otherwise wait for to commit entries of its own: the entries waiting
    /// for it are appended here too and answered once `tx` commits.
    ///
    /// If the entries cannot be appended, `tx` commits without them: the answer is no
    /// seqs, the callers write their own entries, the waiting ones are given back to the
    /// audit writer, and the registrations' outcome is unchanged by them. If `tx` does
    /// not commit, the waiting entries are given back too.
    pub(super) async fn commit_registrations(
        &self,
        mut tx: Tx<'_>,
        own: Vec<Entry>,
    ) -> Result<Vec<i64>, StoreError> {
        let taken = match self.store.backend {
            Backend::Sqlite => self.audit_pending.take(),
            Backend::Postgres => Taken::default(),
        };
        let appended = if taken.is_empty() && own.is_empty() {
            None
        } else {
            match taken.append_in(&mut tx, self.store.backend, &own).await {
                Ok(mut seqs) => {
                    let theirs = seqs.split_off(own.len());
                    Some((taken, seqs, theirs))
                }
                Err(error) => {
                    tracing::warn!(%error, "audit entries not appended with registrations; their writers append them");
                    self.audit_pending.give_back(taken);
                    None
                }
            }
        };
        match tx.commit().await {
            Ok(()) => Ok(match appended {
                Some((taken, own_seqs, theirs)) => {
                    self.audit_pending
                        .committed_with_registrations(taken, theirs, own_seqs.len());
                    own_seqs
                }
                None => Vec::new(),
            }),
            Err(error) => {
                if let Some((taken, _, _)) = appended {
                    self.audit_pending.give_back(taken);
                }
                Err(error.into())
            }
        }
    }
}
