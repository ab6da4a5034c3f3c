//! Times the synthetic-data generator: `cargo run --release --example synth_time -- [PEOPLE] [SEED] [DIR]`.
//!
//! Writes `DIR/synth_records.csv` and `DIR/synth_truth.csv` (DIR defaults to the system
//! temporary directory) and prints the elapsed time and the summary.

use std::time::Instant;

use mpi::synth::{SynthArgs, run};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let people = args.next().map_or(Ok(1_000_000), |s| s.parse())?;
    let seed = args.next().map_or(Ok(42), |s| s.parse())?;
    let dir = args.next().map_or_else(std::env::temp_dir, Into::into);
    let args = SynthArgs {
        people,
        seed,
        out: dir.join("synth_records.csv"),
        truth: Some(dir.join("synth_truth.csv")),
    };
    let start = Instant::now();
    let summary = run(&args)?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{} records in {secs:.2} s ({:.0} records/s) -> {}",
        summary.records,
        summary.records as f64 / secs,
        args.out.display()
    );
    println!("{summary}");
    Ok(())
}
