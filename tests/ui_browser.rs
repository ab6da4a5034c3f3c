//! The review page in a real browser: the server (in process, SQLite) loaded with
//! `testdata/review_pairs.json`, then `tests/browser/review.test.mjs` drives Debian's
//! Chromium through Playwright (`playwright-core`, installed by `scripts/test` with
//! `npm ci`). The script gets the keys it signs in with in `MPI_TEST_KEYS` (JSON: a
//! steward, a reviewer, an integration-only and an admin key, and the test app's default
//! key for checks through the API). Screenshots of the main screens are kept in
//! `target/ui-screenshots/`.

mod common;

use common::app::{Backend, spawn_app};

#[tokio::test]
async fn reviewers_sign_in_resolve_tasks_and_undo_a_merge_in_the_browser() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let browser_dir = root.join("tests/browser");
    assert!(
        browser_dir.join("node_modules/playwright-core").is_dir(),
        "playwright-core is not installed: run the tests with scripts/test (npm ci in tests/browser)"
    );
    let chromium = std::env::var("MPI_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        std::path::Path::new(&chromium).exists(),
        "Chromium not found at {chromium}: scripts/test installs Debian's chromium"
    );

    let app = spawn_app(Backend::Sqlite).await;
    let fixture = std::fs::read_to_string(root.join("testdata/review_pairs.json")).unwrap();
    let (status, v) = app.post_raw("/v1/records:batch", &fixture).await;
    assert_eq!(status, 200, "{v}");

    let mut keys = serde_json::json!({ "api": app.key });
    for (role, name, roles) in [
        ("steward", "ann", "steward"),
        ("reviewer", "rob", "reviewer"),
        ("integration", "feed", "integration"),
        ("admin", "root", "admin"),
    ] {
        keys[role] = serde_json::json!({ "name": name, "key": app.key_for(name, roles).await });
    }

    let shots = root.join("target/ui-screenshots");
    // screenshots of an earlier run must not pass for this one's
    let _ = std::fs::remove_dir_all(&shots);
    let base = app.base.clone();
    let shots_dir = shots.clone();
    // the server runs on this test's runtime: the browser waits on another thread
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg(browser_dir.join("review.test.mjs"))
            .arg(&base)
            .arg(&shots_dir)
            .env("MPI_CHROMIUM", &chromium)
            .env("MPI_TEST_KEYS", keys.to_string())
            .current_dir(&browser_dir)
            .output()
            .expect("node runs (Node.js 20 from the machine)")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("all browser steps passed"), "{stdout}");
    println!("{stdout}");
    for screen in ["sign-in", "queue", "task", "person", "search"] {
        assert!(
            shots.join(format!("{screen}.png")).is_file(),
            "{screen}.png"
        );
    }
}
