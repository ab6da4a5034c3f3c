//! `mpi backup`: a consistent copy of the embedded SQLite database, taken while the
//! service keeps writing.
//!
//! SQLite's `VACUUM INTO` reads the database in one read transaction (a snapshot: in
//! WAL mode writers go on meanwhile) and writes a compact, self-contained database
//! file. PostgreSQL is backed up with its own tools (`pg_dump -Fc`).

use std::path::{Path, PathBuf};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use super::{Backend, Store};

/// Why no backup was written. Messages name files, never record contents.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "mpi backup copies the embedded SQLite database only; back up PostgreSQL with \
         pg_dump -Fc (and restore with pg_restore)"
    )]
    Postgres,
    #[error("{0}: already exists; refusing to overwrite it")]
    Exists(String),
    #[error("{path}: cannot write here: folder {folder} does not exist")]
    NoFolder { path: String, folder: String },
    #[error("{0}: the backup path must be valid UTF-8")]
    NotUtf8(String),
    #[error("{path}: {error}")]
    Io { path: String, error: std::io::Error },
    #[error("backup to {path}: database: {error}")]
    Database { path: String, error: sqlx::Error },
    #[error("backup {path} failed its integrity check: {detail}")]
    Damaged { path: String, detail: String },
}

/// Refuses a PostgreSQL URL before connecting: `mpi backup` copies SQLite only.
pub fn supported(database_url: &str) -> Result<(), BackupError> {
    if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
        return Err(BackupError::Postgres);
    }
    Ok(())
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    pub path: PathBuf,
    /// Size of the backup file.
    pub bytes: u64,
    /// Source records in the backup.
    pub records: i64,
}

impl Store {
    /// Writes a consistent snapshot of the SQLite database to `path`, which must not
    /// exist; then opens the copy read-only, checks it and counts its records.
    pub async fn backup_to(&self, path: &Path) -> Result<BackupReport, BackupError> {
        if self.backend == Backend::Postgres {
            return Err(BackupError::Postgres);
        }
        let shown = path.display().to_string();
        if path.symlink_metadata().is_ok() {
            return Err(BackupError::Exists(shown));
        }
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if !folder.is_dir() {
            return Err(BackupError::NoFolder {
                path: shown,
                folder: folder.display().to_string(),
            });
        }
        let target = path.to_str().ok_or(BackupError::NotUtf8(shown.clone()))?;
        let database = |error| BackupError::Database {
            path: shown.clone(),
            error,
        };
        // SQLite itself also refuses a target that exists and is not empty
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await
            .map_err(database)?;
        let (records, check) = inspect(path).await.map_err(database)?;
        if check != "ok" {
            return Err(BackupError::Damaged {
                path: shown,
                detail: check,
            });
        }
        let bytes = std::fs::metadata(path)
            .map_err(|error| BackupError::Io {
                path: shown.clone(),
                error,
            })?
            .len();
        Ok(BackupReport {
            path: path.to_path_buf(),
            bytes,
            records,
        })
    }
}

/// Source records in a backup file and its `PRAGMA quick_check` answer, read without
/// changing the file (immutable: no journal, no lock files).
async fn inspect(path: &Path) -> Result<(i64, String), sqlx::Error> {
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .immutable(true)
        .connect()
        .await?;
    let check: String = sqlx::query_scalar("PRAGMA quick_check")
        .fetch_one(&mut conn)
        .await?;
    let records: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM source_records")
        .fetch_one(&mut conn)
        .await?;
    conn.close().await?;
    Ok((records, check))
}
