//! Committing a registration transaction together with the audit entries that wait for
//! the same write turn.

use crate::audit::{Pending, Taken};
use crate::store::{Backend, StoreError, Tx};

use super::Service;

impl Service {
    /// Where the audit writers of this service keep their waiting entries, so that
    /// registrations can commit them (`AuditLog::sharing`).
    pub fn audit_pending(&self) -> Pending {
        self.audit_pending.clone()
    }

    /// Commits `tx`, a registration transaction whose caller holds the registration
    /// lock. On SQLite that lock is also the database's write turn, which the audit
    /// writer would otherwise wait for to commit entries of its own: the entries waiting
    /// for it are appended here first and answered once `tx` commits. If they cannot be
    /// appended, or `tx` does not commit, they are given back to the audit writer, and
    /// the registrations' own outcome is unchanged by them.
    pub(super) async fn commit_registrations(&self, mut tx: Tx<'_>) -> Result<(), StoreError> {
        let taken = match self.store.backend {
            Backend::Sqlite => self.audit_pending.take(),
            Backend::Postgres => Taken::default(),
        };
        let appended = if taken.is_empty() {
            None
        } else {
            match taken.append_in(&mut tx, self.store.backend).await {
                Ok(seqs) => Some((taken, seqs)),
                Err(error) => {
                    tracing::warn!(%error, "audit entries not appended with registrations; the audit writer appends them");
                    self.audit_pending.give_back(taken);
                    None
                }
            }
        };
        match tx.commit().await {
            Ok(()) => {
                if let Some((taken, seqs)) = appended {
                    self.audit_pending.committed_with_registrations(taken, seqs);
                }
                Ok(())
            }
            Err(error) => {
                if let Some((taken, _)) = appended {
                    self.audit_pending.give_back(taken);
                }
                Err(error.into())
            }
        }
    }
}
