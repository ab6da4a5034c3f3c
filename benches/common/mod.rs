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
    open_service_on(dir, false).await
}

/// As `open_service`; `single`: on one connection, as `mpi load` opens it.
pub async fn open_service_on(
    dir: &std::path::Path,
    single: bool,
) -> std::sync::Arc<mpi::identity::Service> {
    let url = mpi::store::Store::sqlite_url(dir);
    let store = if single {
        mpi::store::Store::connect_single(&url).await
    } else {
        mpi::store::Store::connect(&url).await
    }
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
