//! `mpi load FILE`: the initial load of an empty database from a file of records (NDJSON,
//! or one JSON array), the same records `POST /v1/records:batch` takes.

use std::io::Read;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;

use super::StateArgs;
use mpi::domain::RawRecord;

#[derive(Args)]
pub struct LoadArgs {
    /// Records, one JSON object per line (NDJSON) or one JSON array; `-` reads stdin.
    file: PathBuf,
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
    let records = read(&args.file)?;
    let read_secs = started.elapsed().as_secs_f64();
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let store = args.state.open_store().await?;
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
             review tasks; {}",
            summary.records,
            summary.records as f64 / secs,
            summary.persons,
            summary.linked,
            summary.review_tasks,
            phases.join(", ")
        );
        Ok(())
    })
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
