//! The only sqlx user: the identity graph in SQLite (embedded default) or PostgreSQL.
//! SQL is written once, with `$N` parameters that both drivers accept; the schema lives
//! in `migrations/sqlite` and `migrations/postgres`, which are kept in step.

pub mod access;
pub mod audit;
pub mod backup;
pub mod bulk;
pub mod checkpoint;
pub mod events;
pub mod hl7;
pub mod journal;
pub mod links;
pub mod persons;
pub mod records;
pub mod reviews;
pub mod stewardship;
pub mod values;
pub mod webhooks;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

/// A transaction on either backend.
pub type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The database behind an open connection.
    pub fn of(conn: &sqlx::AnyConnection) -> Backend {
        match conn.backend_name() {
            "SQLite" => Backend::Sqlite,
            _ => Backend::Postgres,
        }
    }
}

/// Errors of the store. Messages never carry record contents.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database URL must start with sqlite: or postgres:// (got scheme '{0}')")]
    UnsupportedUrl(String),
    #[error("cannot create the data folder {path}: {error}")]
    DataDir { path: String, error: std::io::Error },
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
}

/// The database of identities.
#[derive(Debug, Clone)]
pub struct Store {
    pub pool: AnyPool,
    pub backend: Backend,
    /// Writers of this process take turns here, first come first served: identity changes
    /// (the service's registration lock) and, on SQLite, the audit log. SQLite's own busy
    /// wait is not fair, and a long batch of registrations could starve the audit writer.
    pub write_gate: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Checkpoints this process ran (SQLite; see `checkpoint.rs`).
    pub checkpoints: std::sync::Arc<checkpoint::Checkpoints>,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// The embedded default: `DIR/mpi.db`, created on first use.
    pub fn sqlite_url(data_dir: &Path) -> String {
        format!("sqlite://{}?mode=rwc", data_dir.join("mpi.db").display())
    }

    /// Connects to `url` (`sqlite:…` or `postgres://…`). For SQLite the folder of the file
    /// is created and the journal switched to WAL.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        Store::connect_with(url, None).await
    }

    /// As `connect`, with one connection: for a command that is the database's only user
    /// (`mpi load`), so that it may change SQLite's journal (`journal.rs`).
    pub async fn connect_single(url: &str) -> Result<Store, StoreError> {
        Store::connect_with(url, Some(1)).await
    }

    async fn connect_with(url: &str, connections: Option<u32>) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            let scheme = url.split(':').next().unwrap_or("").to_string();
            return Err(StoreError::UnsupportedUrl(scheme));
        };
        if backend == Backend::Sqlite {
            create_sqlite_folder(url)?;
        }
        let options = AnyConnectOptions::from_str(url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(connections.unwrap_or(match backend {
                Backend::Sqlite => 4,
                Backend::Postgres => 16,
            }))
            .acquire_timeout(Duration::from_secs(30))
            // a SQLite connection is a local file and cannot go stale: no ping (a round
            // trip to its worker thread) before every use
            .test_before_acquire(backend == Backend::Postgres)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        // the service checkpoints off the write path (`checkpoint.rs`)
                        conn.execute(
                            format!(
                                "PRAGMA wal_autocheckpoint = {}",
                                checkpoint::AUTOCHECKPOINT_PAGES
                            )
                            .as_str(),
                        )
                        .await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute(journal::BUSY_TIMEOUT).await?;
                        // 64 MiB of page cache per connection (the default is 2 MiB)
                        conn.execute("PRAGMA cache_size = -65536").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Store {
            pool,
            backend,
            write_gate: Default::default(),
            checkpoints: Default::default(),
        })
    }

    /// Applies the migrations not yet applied; returns how many ran.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        let before = self.applied_migrations().await.unwrap_or(0);
        migrator.run(&self.pool).await?;
        Ok(self.applied_migrations().await? - before)
    }

    async fn applied_migrations(&self) -> Result<usize, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
            .fetch_one(&self.pool)
            .await?;
        Ok(n as usize)
    }

    /// Starts a transaction. Identity changes and their events go in one.
    /// A transaction that reads only (or whose first statement writes).
    pub async fn begin(&self) -> Result<Tx<'static>, StoreError> {
        Ok(self.pool.begin().await?)
    }

    /// A transaction that reads and then writes. On SQLite it takes the write lock at
    /// once (`BEGIN IMMEDIATE`, waiting its turn): a deferred one would fail with "database
    /// is locked" when another writer (the audit log, another process) committed between
    /// its read and its write.
    pub async fn begin_write(&self) -> Result<Tx<'static>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// As `begin_write`, on a connection the caller holds.
    pub async fn begin_write_on<'c>(
        &self,
        conn: &'c mut sqlx::AnyConnection,
    ) -> Result<Tx<'c>, StoreError> {
        use sqlx::Connection;
        Ok(match self.backend {
            Backend::Sqlite => conn.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => conn.begin().await?,
        })
    }
}

fn create_sqlite_folder(url: &str) -> Result<(), StoreError> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or("");
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(folder) = Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(folder).map_err(|error| StoreError::DataDir {
            path: folder.display().to_string(),
            error,
        })?;
    }
    Ok(())
}

/// Now as Unix milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
