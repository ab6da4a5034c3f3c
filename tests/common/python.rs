//! Runs the Python clients in `tests/python/` (real libraries from PyPI) against a test
//! server.

/// The Python that has `tests/python/requirements.txt` installed (`scripts/test` sets it).
pub fn python() -> String {
    std::env::var("MPI_TEST_PYTHON").expect(
        "MPI_TEST_PYTHON must name a Python with tests/python/requirements.txt installed \
         (scripts/test sets it up)",
    )
}

/// Runs `tests/python/<script>` with `args` off the test's runtime (the server runs on
/// it); its stdout. Panics with both outputs when the script fails.
pub async fn run(script: &str, args: Vec<String>) -> String {
    let path = format!("{}/tests/python/{script}", env!("CARGO_MANIFEST_DIR"));
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(python())
            .arg(path)
            .args(args)
            .output()
            .expect("python runs")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{script} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}
