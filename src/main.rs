//! The `mpi` command line: batch deduplication, linkage, training, explanation, evaluation.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use mpi::batch::blocking::BlockingLimits;
use mpi::batch::dedup::{self, BatchConfig};
use mpi::batch::input::{self, InputOptions};
use mpi::batch::mapping::ColumnMap;
use mpi::batch::{eval, link, output};
use mpi::matching::{Matcher, Model, TermFrequencies};

mod cli;
use cli::StateArgs;

#[derive(Parser)]
#[command(
    name = "mpi",
    version,
    about = "Patient identity resolution: deduplicate, link and explain patient records"
)]
struct Cli {
    /// Settings file (TOML: bind, data_dir, database_url, model); default ./mpi.toml if
    /// present. Precedence: file < environment (MPI_*) < command line.
    #[arg(long, global = true, env = "MPI_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Find the records of one file that describe the same person.
    Dedup(DedupArgs),
    /// Link the records of two files that describe the same person.
    Link(LinkArgs),
    /// Estimate a model's m and u from an unlabelled file (EM over blocked pairs).
    Train(TrainArgs),
    /// Explain the score of two records of a file.
    Explain(ExplainArgs),
    /// Pairwise precision, recall and F1 of a clusters or links file against truth.
    Eval(EvalArgs),
    /// Generate synthetic patient records with ground truth (twins, Jr/Sr, households…).
    Synth(mpi::synth::SynthArgs),
    /// Create or upgrade the identity database (also done by `serve` at start).
    Migrate(StateArgs),
    /// Write a consistent copy of the embedded SQLite database to FILE while the service
    /// runs (PostgreSQL: use pg_dump). Restore: stop the service, copy FILE to
    /// DATA_DIR/mpi.db.
    Backup(BackupArgs),
    /// Run the identity service (HTTP API) on the embedded SQLite or PostgreSQL.
    Serve(cli::serve::ServeArgs),
    /// Manage API keys: create (shown once), list, revoke.
    #[command(subcommand)]
    Token(cli::token::TokenCommand),
    /// Rebuild the search index from the database (the service must be stopped).
    Reindex(ReindexArgs),
    /// Initial load: a file of records (NDJSON or a JSON array) into an empty database,
    /// blocked and scored in memory on all cores (the service must be stopped).
    Load(cli::load::LoadArgs),
    /// Re-score every existing link with a model and report the links it would decide
    /// differently (JSON on stdout); `--open-tasks` opens review tasks for them. No link
    /// is changed.
    Rescore(RescoreArgs),
    /// The audit log: `verify` checks its hash chain (exit 1 when broken).
    Audit(AuditArgs),
}

#[derive(Args)]
struct AuditArgs {
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute every entry's hash and check each link and the head; names the first
    /// entry that was altered, removed, reordered or cut off.
    Verify(StateArgs),
}

#[derive(Args)]
struct RescoreArgs {
    /// Model file (default: the shipped models/default.json).
    #[arg(long, env = "MPI_MODEL")]
    model: Option<PathBuf>,
    /// Open a review task (reason `rescore`) for each automatic link in question that has
    /// no open task.
    #[arg(long)]
    open_tasks: bool,
    #[command(flatten)]
    state: StateArgs,
}

#[derive(Args)]
struct BackupArgs {
    /// Where to write the backup (must not exist).
    file: PathBuf,
    #[command(flatten)]
    state: StateArgs,
}

#[derive(Args)]
struct ReindexArgs {
    /// Model file, for the name frequencies (default: the shipped model).
    #[arg(long, env = "MPI_MODEL")]
    model: Option<PathBuf>,
    #[command(flatten)]
    state: StateArgs,
}

#[derive(Args)]
struct InputArgs {
    /// Column mapping `field=column[+column…],…`, or `@FILE` for a mapping file.
    #[arg(long)]
    map: Option<String>,
    /// Skip and count malformed rows instead of stopping at the first one.
    #[arg(long)]
    skip_bad_rows: bool,
    /// Model file (default: the shipped models/default.json).
    #[arg(long)]
    model: Option<PathBuf>,
    /// Turn off the guard rules (twins, Jr/Sr, household, common name): only for data
    /// known to contain no such look-alikes, such as the FEBRL benchmark.
    #[arg(long)]
    no_guards: bool,
}

#[derive(Args)]
struct DedupArgs {
    input: PathBuf,
    /// Where to write `record_id,cluster_id`.
    #[arg(long)]
    out: PathBuf,
    /// Where to write the scored pairs (link, review, or stopped by a rule).
    #[arg(long)]
    pairs: Option<PathBuf>,
    /// With --pairs: write every candidate pair, not only the likely ones.
    #[arg(long)]
    all_pairs: bool,
    /// Ground truth `record_id,entity_id[,tags]`: prints precision, recall, F1.
    #[arg(long)]
    truth: Option<PathBuf>,
    /// Where to write a self-contained HTML report (charts, model, explained examples).
    #[arg(long)]
    report: Option<PathBuf>,
    #[command(flatten)]
    input_args: InputArgs,
}

#[derive(Args)]
struct LinkArgs {
    left: PathBuf,
    right: PathBuf,
    /// Where to write the links.
    #[arg(long)]
    out: PathBuf,
    /// Where to write every scored pair at or near the review threshold.
    #[arg(long)]
    pairs: Option<PathBuf>,
    #[arg(long)]
    truth: Option<PathBuf>,
    /// Where to write a self-contained HTML report (charts, model, explained examples).
    #[arg(long)]
    report: Option<PathBuf>,
    /// Allow a record to link to several records of the other file.
    #[arg(long)]
    many: bool,
    #[command(flatten)]
    input_args: InputArgs,
}

#[derive(Args)]
struct TrainArgs {
    input: PathBuf,
    /// Where to write the trained model.
    #[arg(long)]
    out: PathBuf,
    /// Model to start from (levels, rules, thresholds; default: the shipped model).
    #[arg(long)]
    from: Option<PathBuf>,
    /// Version string of the new model.
    #[arg(long)]
    version: Option<String>,
    /// Random pairs sampled for u.
    #[arg(long, default_value_t = 2_000_000)]
    random_pairs: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Column mapping `field=column[+column…],…`, or `@FILE` for a mapping file.
    #[arg(long)]
    map: Option<String>,
    /// Skip and count malformed rows instead of stopping at the first one.
    #[arg(long)]
    skip_bad_rows: bool,
}

#[derive(Args)]
struct ExplainArgs {
    input: PathBuf,
    id_a: String,
    id_b: String,
    /// Print JSON instead of the waterfall.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    input_args: InputArgs,
}

#[derive(Args)]
struct EvalArgs {
    /// `record_id,cluster_id` or `left_id,right_id,…` predictions.
    predictions: PathBuf,
    #[arg(long)]
    truth: PathBuf,
}

/// Logs go to stderr: JSON lines for the service (info: one line per request), plain text
/// at warnings for the other commands. `MPI_LOG` sets the filter, `MPI_LOG_FORMAT` (`json`
/// or `text`) the format.
fn init_logging(service: bool) {
    let default = if service {
        "info,sqlx=warn,tantivy=warn,actix_server=warn"
    } else {
        "warn"
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("MPI_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let json = match std::env::var("MPI_LOG_FORMAT").as_deref() {
        Ok("json") => true,
        Ok("text") => false,
        _ => service,
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .init();
    } else {
        builder.init();
    }
}

fn main() -> ExitCode {
    if let Err(e) = apply_settings_file() {
        eprintln!("error: {e:#}");
        return ExitCode::FAILURE;
    }
    let cli = Cli::parse();
    init_logging(matches!(cli.command, Command::Serve(_)));
    let result = match cli.command {
        Command::Dedup(args) => run_dedup(args),
        Command::Link(args) => run_link(args),
        Command::Train(args) => run_train(args),
        Command::Explain(args) => run_explain(args),
        Command::Eval(args) => run_eval(args),
        Command::Synth(args) => mpi::synth::run(&args).map(|summary| eprintln!("{summary}")),
        Command::Migrate(args) => run_migrate(args),
        Command::Serve(args) => cli::serve::run(args),
        Command::Token(command) => cli::token::run(command),
        Command::Backup(args) => {
            // PostgreSQL is a usage error (exit code 2): pg_dump is the tool
            if let Err(e) = mpi::store::backup::supported(&args.state.database_url()) {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
            run_backup(args)
        }
        Command::Reindex(args) => run_reindex(args),
        Command::Load(args) => cli::load::run(args),
        Command::Rescore(args) => run_rescore(args),
        Command::Audit(AuditArgs {
            command: AuditCommand::Verify(args),
        }) => run_audit_verify(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Fills the `MPI_*` variables the environment does not set from the settings file, so
/// that clap sees file < environment < command line.
fn apply_settings_file() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let Some((path, _)) = mpi::config::locate(&args) else {
        return Ok(());
    };
    let settings = mpi::config::Settings::load(&path)?;
    for (var, value) in settings.as_env() {
        if std::env::var_os(var).is_none() {
            // SAFETY: main has started no other thread yet
            unsafe { std::env::set_var(var, value) };
        }
    }
    Ok(())
}

pub(crate) fn load_model(path: Option<&Path>) -> anyhow::Result<Model> {
    Ok(match path {
        Some(p) => Model::load(p)?,
        None => Model::default_model(),
    })
}

fn input_model(args: &InputArgs) -> anyhow::Result<Model> {
    let mut model = load_model(args.model.as_deref())?;
    if args.no_guards {
        model.disable_guards();
        eprintln!("guard rules are off (--no-guards)");
    }
    Ok(model)
}

fn batch_config(args: &InputArgs, truth: Option<PathBuf>) -> anyhow::Result<BatchConfig> {
    let map = match &args.map {
        Some(m) => ColumnMap::from_arg(m)?,
        None => ColumnMap::default(),
    };
    Ok(BatchConfig {
        input: InputOptions {
            map,
            skip_bad_rows: args.skip_bad_rows,
            keep_raw: false,
        },
        limits: BlockingLimits::default(),
        truth,
        keep_all_pairs: false,
    })
}

/// Fails before any work when an output could not be written (its folder is missing).
fn check_outputs<'a>(paths: impl IntoIterator<Item = Option<&'a Path>>) -> anyhow::Result<()> {
    for path in paths.into_iter().flatten() {
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if !folder.is_dir() {
            anyhow::bail!(
                "{}: cannot write here: folder {} does not exist",
                path.display(),
                folder.display()
            );
        }
    }
    Ok(())
}

fn run_dedup(args: DedupArgs) -> anyhow::Result<()> {
    check_outputs([
        Some(args.out.as_path()),
        args.pairs.as_deref(),
        args.report.as_deref(),
    ])?;
    let model = input_model(&args.input_args)?;
    let mut config = batch_config(&args.input_args, args.truth.clone())?;
    config.keep_all_pairs = args.all_pairs;
    let run = dedup::dedup(&args.input, model, &config)?;
    output::write_clusters(&args.out, &run)?;
    if let Some(p) = &args.pairs {
        let all = args.all_pairs;
        output::write_pairs(
            p,
            &run.records.ids,
            run.scored
                .kept
                .iter()
                .filter(|p| all || p.decision != mpi::matching::Decision::NoMatch || p.rules != 0),
        )?;
    }
    if let Some(path) = &args.report {
        mpi::batch::report::dedup_report(&run, &args.input).write(path)?;
    }
    eprint!("{}", output::dedup_summary(&run));
    Ok(())
}

fn run_link(args: LinkArgs) -> anyhow::Result<()> {
    check_outputs([
        Some(args.out.as_path()),
        args.pairs.as_deref(),
        args.report.as_deref(),
    ])?;
    let model = input_model(&args.input_args)?;
    let config = batch_config(&args.input_args, args.truth.clone())?;
    let run = link::link(&args.left, &args.right, model, &config, !args.many)?;
    output::write_links(&args.out, &run)?;
    if let Some(p) = &args.pairs {
        output::write_pairs(
            p,
            &run.records.ids,
            run.scored
                .kept
                .iter()
                .filter(|p| p.decision != mpi::matching::Decision::NoMatch || p.rules != 0),
        )?;
    }
    if let Some(path) = &args.report {
        let across = |a: u32, b: u32| (a < run.split) != (b < run.split);
        mpi::batch::report::link_report(&run, &args.left, &args.right, &across).write(path)?;
    }
    eprint!("{}", output::link_summary(&run));
    Ok(())
}

fn run_train(args: TrainArgs) -> anyhow::Result<()> {
    let start = load_model(args.from.as_deref())?;
    let map = match &args.map {
        Some(m) => ColumnMap::from_arg(m)?,
        None => ColumnMap::default(),
    };
    let options = mpi::batch::train::TrainOptions {
        input: InputOptions {
            map,
            skip_bad_rows: args.skip_bad_rows,
            keep_raw: false,
        },
        random_pairs: args.random_pairs,
        seed: args.seed,
        version: args.version,
    };
    let (model, report) = mpi::batch::train::train_file(&args.input, &start, &options)?;
    std::fs::write(&args.out, model.to_json() + "\n")
        .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", args.out.display()))?;
    eprintln!(
        "trained {} on {} blocked pairs ({} patterns) and {} random pairs: {} iterations{}, \
         match share {:.4}, expected matches {:.0}, prior {:.3e}",
        model.version,
        report.blocked_pairs,
        report.distinct_patterns,
        report.random_pairs,
        report.iterations,
        if report.converged {
            ""
        } else {
            " (not converged)"
        },
        report.match_share,
        report.expected_matches,
        report.prior_match_probability
    );
    Ok(())
}

fn run_explain(args: ExplainArgs) -> anyhow::Result<()> {
    let model = input_model(&args.input_args)?;
    let config = batch_config(&args.input_args, None)?;
    let records = input::read_records(&args.input, &config.input)?;
    let find = |id: &str| {
        records.position(id).ok_or_else(|| {
            anyhow::anyhow!("{}: no record with record_id '{id}'", args.input.display())
        })
    };
    let (a, b) = (find(&args.id_a)?, find(&args.id_b)?);
    let matcher = Matcher::new(model, TermFrequencies::from_records(&records.records));
    let explanation = matcher.explain(&records.records[a], &records.records[b]);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&explanation)?);
    } else {
        print!("{}", explanation.waterfall());
    }
    Ok(())
}

fn run_eval(args: EvalArgs) -> anyhow::Result<()> {
    let truth = eval::read_truth(&args.truth)?;
    let evaluation = eval::evaluate_file(&args.predictions, &truth)?;
    print!("{evaluation}");
    Ok(())
}

fn run_reindex(args: ReindexArgs) -> anyhow::Result<()> {
    let model = load_model(args.model.as_deref())?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let store = mpi::store::Store::connect(&args.state.database_url()).await?;
        store.migrate().await?;
        let index_dir = args.state.data_dir.join("index");
        let started = std::time::Instant::now();
        let service =
            mpi::identity::Service::open_with(store, Some(index_dir.as_path()), model, true)
                .await?;
        eprintln!(
            "search index rebuilt: {} records in {:.1} s ({})",
            service.index.committed_docs(),
            started.elapsed().as_secs_f64(),
            index_dir.display()
        );
        Ok(())
    })
}

fn run_rescore(args: RescoreArgs) -> anyhow::Result<()> {
    let model = load_model(args.model.as_deref())?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let store = mpi::store::Store::connect(&args.state.database_url()).await?;
        store.migrate().await?;
        let index_dir = args.state.data_dir.join("index");
        let service = mpi::identity::Service::open(store, Some(index_dir.as_path()), model).await?;
        let started = std::time::Instant::now();
        let report = service.rescore(args.open_tasks).await?;
        println!("{}", serde_json::to_string_pretty(&report)?);
        eprintln!(
            "rescored {} links with {} in {:.1} s: {} unchanged, {} would not link, {} would \
             link elsewhere ({} manual, kept); {} review tasks opened, {} already in review",
            report.checked,
            report.model_version,
            started.elapsed().as_secs_f64(),
            report.unchanged,
            report.would_not_link,
            report.would_link_elsewhere,
            report.manual,
            report.tasks_opened,
            report.already_in_review
        );
        Ok(())
    })
}

fn run_migrate(args: StateArgs) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let store = mpi::store::Store::connect(&args.database_url()).await?;
        let applied = store.migrate().await?;
        eprintln!(
            "database ready ({:?}); {applied} migration{} applied",
            store.backend,
            if applied == 1 { "" } else { "s" }
        );
        Ok(())
    })
}

fn run_audit_verify(args: StateArgs) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let store = mpi::store::Store::connect(&args.database_url()).await?;
        store.migrate().await?;
        let report = mpi::audit::verify(&store).await?;
        anyhow::ensure!(report.broken.is_none(), "{report}");
        eprintln!("{report}");
        Ok(())
    })
}

fn run_backup(args: BackupArgs) -> anyhow::Result<()> {
    let db_file = args.state.data_dir.join("mpi.db");
    if args.state.database_url.is_none() && !db_file.is_file() {
        anyhow::bail!("no database at {}", db_file.display());
    }
    let runtime = tokio::runtime::Runtime::new()?;
    let report = runtime.block_on(async {
        let store = mpi::store::Store::connect(&args.state.database_url()).await?;
        anyhow::Ok(store.backup_to(&args.file).await?)
    })?;
    eprintln!(
        "backup written: {} ({} bytes, {} records)",
        report.path.display(),
        report.bytes,
        report.records
    );
    Ok(())
}
