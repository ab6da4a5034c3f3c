//! What the load benches share: the machine line they print and percentiles.

/// "machine: N cores, CPU model" for the figures' record.
pub fn machine() -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_default();
    format!("machine: {cores} cores, {model}")
}

/// The `p` quantile (0..=1) of sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// A service on a fresh SQLite database and index in `dir` (kept by the caller).
pub async fn open_service(dir: &std::path::Path) -> std::sync::Arc<mpi::identity::Service> {
    let store = mpi::store::Store::connect(&mpi::store::Store::sqlite_url(dir))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    std::sync::Arc::new(
        mpi::identity::Service::open(
            store,
            Some(&dir.join("index")),
            mpi::matching::Model::default_model(),
        )
        .await
        .unwrap(),
    )
}

/// Waits until this process is idle (under 5 % of one core for a second: background
/// index merges done), at most five minutes; returns the seconds waited.
#[allow(dead_code)]
pub async fn settle() -> f64 {
    // utime + stime of this process, in clock ticks (100 per second on Linux)
    let cpu = || -> u64 {
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
        let after_name = stat.rsplit_once(')').map(|(_, s)| s).unwrap_or("");
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        let field = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<u64>().ok())
                .unwrap_or(0)
        };
        field(11) + field(12)
    };
    let started = std::time::Instant::now();
    let mut last = cpu();
    while started.elapsed() < std::time::Duration::from_secs(300) {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        let now = cpu();
        if now - last < 5 {
            break;
        }
        last = now;
    }
    started.elapsed().as_secs_f64()
}
