//! Command-line pieces of the service commands: where state lives, `serve`, `token`.

pub mod load;
pub mod serve;
pub mod token;

use std::path::PathBuf;

use clap::Args;

/// Where the service keeps its state.
#[derive(Args)]
pub struct StateArgs {
    /// Folder for the embedded database and the search index.
    #[arg(long, env = "MPI_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// `postgres://…` to use PostgreSQL instead of the embedded SQLite (`DATA_DIR/mpi.db`).
    #[arg(long, env = "MPI_DATABASE_URL")]
    pub database_url: Option<String>,
}

impl StateArgs {
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| mpi::store::Store::sqlite_url(&self.data_dir))
    }

    /// The store, migrated.
    pub async fn open_store(&self) -> anyhow::Result<mpi::store::Store> {
        let store = mpi::store::Store::connect(&self.database_url()).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// As `open_store`, with one connection (`Store::connect_single`).
    pub async fn open_store_single(&self) -> anyhow::Result<mpi::store::Store> {
        let store = mpi::store::Store::connect_single(&self.database_url()).await?;
        store.migrate().await?;
        Ok(store)
    }
}

/// Audits an action taken at the command line (credential events).
pub async fn audit_cli(
    store: &mpi::store::Store,
    action: &str,
    subjects: &[String],
) -> anyhow::Result<()> {
    let entry = mpi::audit::Entry {
        at: mpi::store::now_ms(),
        request_id: String::new(),
        actor: token::cli_actor(),
        role: "cli".to_string(),
        action: action.to_string(),
        outcome: mpi::audit::Outcome::Ok,
        status: 0,
        subjects: subjects.to_vec(),
        reason: None,
    };
    mpi::audit::append(store, &[entry]).await?;
    Ok(())
}
