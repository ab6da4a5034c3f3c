//! `mpi load FILE`: the initial load of an empty database from a file of records: NDJSON
//! or one JSON array (the records `POST /v1/records:batch` takes), or CSV with the
//! canonical header (or `--map`), as `mpi dedup` reads it.

use std::io::Read;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;

use super::StateArgs;
use mpi::domain::RawRecord;

#[derive(Args)]
pub struct LoadArgs {
    /// Records: one JSON object per line (NDJSON) or one JSON array (`-` reads stdin),
    /// or a `.csv` file with the canonical header.
    file: PathBuf,
    /// For CSV: column mapping `field=column[+column…],…`, or `@FILE`.
    #[arg(long)]
    map: Option<String>,
    /// The provenance stored with every record version.
    #[arg(long, default_value = "load")]
    provenance: String,
    /// Model file (default: the shipped models/default.json).
    #[arg(long, env = "MPI_MODEL")]
    model: Option<PathBuf>,
    /// Print the summary as JSON on stdout.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    state: StateArgs,
}

pub fn run(args: LoadArgs) -> anyhow::Result<()> {
    let model = crate::load_model(args.model.as_deref())?;
    let started = std::time::Instant::now();
    let records = if args
        .file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        read_csv(&args.file, args.map.as_deref())?
    } else if args.map.is_some() {
        bail!("--map is for CSV files (named .csv); JSON records use the canonical keys");
    } else {
        read(&args.file)?
    };
    let read_secs = started.elapsed().as_secs_f64();
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        // the only connection: on SQLite the load can write through a rollback journal
        let store = args.state.open_store_single().await?;
        let index_dir = args.state.data_dir.join("index");
        let service = mpi::identity::Service::open(store, Some(&index_dir), model).await?;
        let actor = format!(
            "cli:{}",
            std::env::var("USER").unwrap_or_else(|_| "unknown".into())
        );
        let summary = service
            .initial_load(records, &args.provenance, &actor)
            .await?;
        let secs = started.elapsed().as_secs_f64();
        if args.json {
            println!("{}", serde_json::to_string_pretty(&summary)?);
        }
        let phases: Vec<String> = std::iter::once(format!("read {read_secs:.1} s"))
            .chain(
                summary
                    .phases
                    .iter()
                    .map(|(phase, s)| format!("{phase} {s:.1} s")),
            )
            .collect();
        eprintln!(
            "loaded {} records in {secs:.1} s ({:.0} records/s): {} persons, {} linked, {} \
             review tasks; {} (journal: {})",
            summary.records,
            summary.records as f64 / secs,
            summary.persons,
            summary.linked,
            summary.review_tasks,
            phases.join(", "),
            match summary.journal {
                mpi::store::journal::Journal::Rollback => "SQLite rollback",
                mpi::store::journal::Journal::Wal => "SQLite WAL",
                mpi::store::journal::Journal::Postgres => "PostgreSQL",
            }
        );
        Ok(())
    })
}

/// The records of a CSV file, as mapped (not yet normalized); a malformed row stops the
/// load before anything is written, naming its line.
fn read_csv(path: &std::path::Path, map: Option<&str>) -> anyhow::Result<Vec<RawRecord>> {
    let options = mpi::batch::input::InputOptions {
        map: match map {
            Some(m) => mpi::batch::mapping::ColumnMap::from_arg(m)?,
            None => Default::default(),
        },
        skip_bad_rows: false,
        keep_raw: true,
    };
    Ok(mpi::batch::input::read_records(path, &options)?.raw)
}

/// The records of a file: NDJSON, or a JSON array when it starts with `[`. A line that
/// is not a record stops the load before anything is written, naming the line.
fn read(path: &std::path::Path) -> anyhow::Result<Vec<RawRecord>> {
    let mut text = String::new();
    if path.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text)?;
    } else {
        std::fs::File::open(path)
            .and_then(|mut f| f.read_to_string(&mut text))
            .with_context(|| format!("cannot read {}", path.display()))?;
    }
    if text.trim_start().starts_with('[') {
        let mut de = serde_json::Deserializer::from_str(&text);
        return serde_path_to_error::deserialize(&mut de)
            .map_err(|e| anyhow::anyhow!("not an array of records: {}: {}", e.path(), e.inner()));
    }
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut de = serde_json::Deserializer::from_str(line);
        match serde_path_to_error::deserialize::<_, RawRecord>(&mut de) {
            Ok(record) => out.push(record),
            Err(e) => bail!(
                "line {}: not a record ({}: {}); nothing loaded",
                n + 1,
                e.path(),
                e.inner()
            ),
        }
    }
    Ok(out)
}
