//! Errors of the audit log. Messages name entries by seq, never their contents.

use std::sync::Arc;

use crate::store::StoreError;

/// An audit log operation that failed. Cloneable: one failed group commit answers every
/// entry that was in it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AuditError {
    #[error("audit log: {0}")]
    Store(Arc<StoreError>),
    #[error("the audit log writer has stopped")]
    Stopped,
}

impl From<StoreError> for AuditError {
    fn from(e: StoreError) -> AuditError {
        AuditError::Store(Arc::new(e))
    }
}

impl From<sqlx::Error> for AuditError {
    fn from(e: sqlx::Error) -> AuditError {
        AuditError::Store(Arc::new(StoreError::Database(e)))
    }
}
