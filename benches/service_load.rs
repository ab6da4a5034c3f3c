//! Load benchmark of the online service (`mpi serve`'s code, in process, on loopback):
//! bulk load (the initial load of `mpi load`, or with `MPI_BENCH_BULK=batch` through
//! `POST /v1/records:batch`), candidate recall, `POST /v1/match`
//! latency at a steady rate and throughput at saturation, and sustained single
//! registrations with read-your-writes. SQLite (the embedded default) in a temporary
//! folder on disk.
//!
//! Run: `cargo bench --bench service_load -- [RECORDS]` (default 1,000,000);
//! `MPI_BENCH_PHASES=pdq,recall,latency,saturation` picks phases (`pdq`: PDQm
//! search latency over `GET /fhir/Patient`) (registrations always run). Records are synthetic (`mpi synth`, seed 7), shuffled
//! as generated; 30,000 more records of the same population are held back as queries and
//! new registrations.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::percentile;
use mpi::domain::RawRecord;
use mpi::normalize::normalize;
use mpi::synth::{SynthConfig, generate, tag};
use rustc_hash::{FxHashMap, FxHashSet};

const HELD_BACK: usize = 30_000;
const BATCH: usize = 2_000;

fn main() {
    let records: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(run(records));
}

async fn run(n: usize) {
    // MPI_BENCH_PHASES=recall,latency,saturation picks the phases after the load (all by
    // default; registrations always run)
    let phases = std::env::var("MPI_BENCH_PHASES").ok();
    let on = |phase: &str| {
        phases
            .as_deref()
            .is_none_or(|p| p.split(',').any(|x| x.trim() == phase))
    };
    println!("{}", common::machine());
    // records per person is about 1.65 with the default configuration
    let people = ((n + HELD_BACK) as f64 / 1.6) as usize;
    let started = Instant::now();
    // each record with its person, and whether it is an unidentified patient's alias
    let (mut all, mut alias): (Vec<(RawRecord, u64)>, Vec<bool>) =
        generate(&SynthConfig::new(people, 7))
            .map(|(r, t)| ((r, t.entity_id), t.has(tag::ALIAS)))
            .take(n + HELD_BACK)
            .unzip();
    assert!(all.len() == n + HELD_BACK, "the population is too small");
    let held: Vec<(RawRecord, u64)> = all.split_off(n);
    alias.truncate(n);
    println!(
        "generated {} + {} records in {:.1} s",
        n,
        held.len(),
        started.elapsed().as_secs_f64()
    );

    // MPI_BENCH_DATA_DIR keeps the loaded state in a folder and, when it already holds
    // this many records, skips the load: for profiling the phases after it, not for
    // figures (the registrations phase has changed the state of a kept folder)
    let temp = tempfile::tempdir().unwrap();
    let kept = std::env::var_os("MPI_BENCH_DATA_DIR").map(std::path::PathBuf::from);
    let dir = kept.clone().unwrap_or_else(|| temp.path().to_path_buf());
    let marker = dir.join(format!("bench-loaded-{n}"));
    let reuse = kept.is_some() && marker.exists();
    std::fs::create_dir_all(&dir).unwrap();
    // 1. bulk load: the initial load by default, as `mpi load` runs it (the database's
    //    only connection, before the service starts), or MPI_BENCH_BULK=batch through
    //    `POST /v1/records:batch` of the running service
    let through_batch = std::env::var("MPI_BENCH_BULK").is_ok_and(|v| v == "batch");
    let load = if reuse { &all[..0] } else { &all[..] };
    let mut load_secs = 0.0;
    if !through_batch && !load.is_empty() {
        let loader = common::open_service_on(&dir, true).await;
        let records = load.iter().map(|(r, _)| r.clone()).collect();
        let started = Instant::now();
        let summary = loader
            .initial_load(records, "bench", "bench")
            .await
            .unwrap();
        load_secs = started.elapsed().as_secs_f64();
        let phases: Vec<String> = summary
            .phases
            .iter()
            .map(|(phase, s)| format!("{phase} {s:.1} s"))
            .collect();
        println!(
            "  initial load: {} persons, {} linked, {} review tasks, {} pairs scored; {} \
             (journal: {:?})",
            summary.persons,
            summary.linked,
            summary.review_tasks,
            summary.pairs,
            phases.join(", "),
            summary.journal
        );
        // the loading process ends; the service opens what it left
        drop(loader);
    }
    let service = common::open_service(&dir).await;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    // the load generator is one credential: lift its rate limit, keep everything else
    // (authentication, audit, request ids) as in production
    let options = mpi::api::ServerOptions {
        rate_limit: mpi::auth::limiter::RateLimit {
            per_second: 1e9,
            burst: 1e9,
        },
        ..Default::default()
    };
    tokio::spawn(mpi::api::server_with(service.clone(), listener, options).unwrap());
    let roles = mpi::auth::Roles::parse_list("integration").unwrap();
    let (_, key) = mpi::auth::keys::create(
        &service.store,
        &format!("bench-{}", std::process::id()),
        roles,
        "bench",
    )
    .await
    .unwrap();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {key}").parse().unwrap(),
    );
    let client = reqwest::Client::builder()
        .default_headers(headers)
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();

    if through_batch {
        let started = Instant::now();
        batch_load(&client, &base, load).await;
        load_secs = started.elapsed().as_secs_f64();
    }
    service.commit_index().await.unwrap();
    if kept.is_some() {
        std::fs::write(&marker, b"").unwrap();
    }
    if reuse {
        println!("bulk load: skipped, {n} records kept in {}", dir.display());
    } else if through_batch {
        println!(
            "bulk load: {n} records in {load_secs:.1} s = {:.0} records/s (records:batch, batches of {BATCH})",
            n as f64 / load_secs
        );
    } else {
        println!(
            "bulk load: {n} records in {load_secs:.1} s = {:.0} records/s (initial load, `mpi load`)",
            n as f64 / load_secs
        );
    }
    if !reuse {
        linkage_quality(&service, load).await;
    }
    // the index merges its segments in the background after a load; the measurements
    // below are of the loaded service, so they wait until the process is idle
    let settled = settle().await;
    service.commit_index().await.unwrap();
    println!(
        "index merges after the load: {settled:.1} s; {} segments",
        service.index.segment_count()
    );

    if on("pdq") {
        pdq(&client, &base, &all).await;
    }

    // 2. candidate recall: of the true pairs among the loaded records, the share whose
    //    other record is among a record's candidates (sampled over 20,000 records)
    if on("recall") {
        let mut by_entity: FxHashMap<u64, Vec<usize>> = FxHashMap::default();
        for (i, (_, e)) in all.iter().enumerate() {
            by_entity.entry(*e).or_default().push(i);
        }
        let mut tx = service.store.begin().await.unwrap();
        let (mut pairs, mut found) = (0usize, 0usize);
        // pairs with an alias record (John Doe, TRAUMA ALPHA: no ids, no address)
        let (mut alias_pairs, mut alias_found) = (0usize, 0usize);
        // synthetic records only: print the missed pairs, to study what blocking misses
        let show_misses = std::env::var_os("MPI_BENCH_SHOW_MISSES").is_some();
        let step = (n / 20_000).max(1);
        for i in (0..n).step_by(step) {
            let (r, e) = &all[i];
            let mates = &by_entity[e];
            if mates.len() < 2 {
                continue;
            }
            let candidates: FxHashSet<i64> = service
                .index
                .candidates(&normalize(r).0)
                .unwrap()
                .into_iter()
                .map(|c| c.record_id)
                .collect();
            for &j in mates.iter().filter(|&&j| j != i) {
                let mate = &all[j].0;
                let row = mpi::store::records::get(&mut tx, &mate.source, &mate.source_id)
                    .await
                    .unwrap()
                    .unwrap();
                pairs += 1;
                let hit = candidates.contains(&row.id);
                found += hit as usize;
                if alias[i] || alias[j] {
                    alias_pairs += 1;
                    alias_found += hit as usize;
                }
                if !hit && show_misses {
                    println!("  missed pair:\n    {r:?}\n    {mate:?}");
                }
            }
        }
        tx.commit().await.unwrap();
        let share = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
        println!(
            "candidate recall: {found} of {pairs} true pairs reach scoring = {:.2}%",
            share(found, pairs)
        );
        println!(
            "  pairs with an alias record: {alias_found} of {alias_pairs}; \
             the other pairs: {} of {} = {:.2}%",
            found - alias_found,
            pairs - alias_pairs,
            share(found - alias_found, pairs - alias_pairs)
        );
    }

    let queries: Arc<Vec<RawRecord>> = Arc::new(
        held.iter()
            .map(|(r, _)| {
                let mut q = r.clone();
                q.source.clear();
                q.source_id.clear();
                q.record_id.clear();
                q
            })
            .collect(),
    );

    // 3. match latency at a steady 200 requests/s for 30 s (open loop: latency counted
    //    from when the request was due, so a stall is not hidden). The requests are paced
    //    by a thread of their own: tokio's timer rounds every wait up to the next
    //    millisecond, which would add up to 1 ms of the generator's own lateness to
    //    every request
    if on("latency") {
        let rate = 200.0;
        let seconds = 30.0;
        let total = (rate * seconds) as usize;
        let runtime = tokio::runtime::Handle::current();
        let (client, base, queries) = (client.clone(), base.clone(), queries.clone());
        let tasks = tokio::task::spawn_blocking(move || {
            let started = Instant::now();
            let mut tasks = Vec::with_capacity(total);
            for k in 0..total {
                let due = started + Duration::from_secs_f64(k as f64 / rate);
                std::thread::sleep(due.saturating_duration_since(Instant::now()));
                let (client, base, queries) = (client.clone(), base.clone(), queries.clone());
                tasks.push(runtime.spawn(async move {
                    let r = client
                        .post(format!("{base}/v1/match"))
                        .json(
                            &serde_json::json!({"record": queries[k % queries.len()], "count": 5}),
                        )
                        .send()
                        .await
                        .unwrap();
                    assert!(r.status().is_success());
                    let _ = r.bytes().await.unwrap();
                    due.elapsed().as_secs_f64() * 1000.0
                }));
            }
            tasks
        })
        .await
        .unwrap();
        let mut latencies = Vec::with_capacity(total);
        for t in tasks {
            latencies.push(t.await.unwrap());
        }
        latencies.sort_by(f64::total_cmp);
        println!(
            "match at {rate:.0}/s for {seconds:.0} s: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            percentile(&latencies, 0.5),
            percentile(&latencies, 0.99),
            latencies.last().unwrap()
        );
    }

    // 4. match throughput at saturation: 16 clients back to back for 20 s
    if on("saturation") {
        let done = Arc::new(AtomicUsize::new(0));
        let until = Instant::now() + Duration::from_secs(20);
        let mut workers = Vec::new();
        for w in 0..16 {
            let (client, base, queries, done) =
                (client.clone(), base.clone(), queries.clone(), done.clone());
            workers.push(tokio::spawn(async move {
                let mut k = w * 997;
                while Instant::now() < until {
                    let r = client
                        .post(format!("{base}/v1/match"))
                        .json(&serde_json::json!({"record": queries[k % queries.len()]}))
                        .send()
                        .await
                        .unwrap();
                    let _ = r.bytes().await.unwrap();
                    done.fetch_add(1, Ordering::Relaxed);
                    k += 1;
                }
            }));
        }
        for w in workers {
            w.await.unwrap();
        }
        println!(
            "match at saturation (16 clients): {:.0} matches/s",
            done.load(Ordering::Relaxed) as f64 / 20.0
        );
    }

    // 5. single registrations, 16 clients for 20 s; then read-your-writes checked on a
    //    sample: a match sent right after the registration answered finds its person
    let held = Arc::new(held);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let until = started + Duration::from_secs(20);
    let checked = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..16 {
        let (client, base, held, next) = (client.clone(), base.clone(), held.clone(), next.clone());
        let (checked, seen) = (checked.clone(), seen.clone());
        workers.push(tokio::spawn(async move {
            while Instant::now() < until {
                let k = next.fetch_add(1, Ordering::Relaxed);
                let Some((record, _)) = held.get(k) else {
                    break;
                };
                let r = client
                    .post(format!("{base}/v1/records"))
                    .json(record)
                    .send()
                    .await
                    .unwrap();
                assert!(r.status().is_success());
                let v: serde_json::Value = r.json().await.unwrap();
                // checked on every 50th record that carries evidence to match on (a name
                // with a birth date, or an SSN or phone): "UNKNOWN UNKNOWN" matches nothing
                let (n, _) = normalize(record);
                let evidence = ((n.given.is_some() || n.family.is_some())
                    && n.birth_date.is_some())
                    || n.ssn.is_some()
                    || n.phone.is_some();
                if k % 50 == 0 && evidence {
                    let m: serde_json::Value = client
                        .post(format!("{base}/v1/match"))
                        .json(&serde_json::json!({"record": record, "count": 100}))
                        .send()
                        .await
                        .unwrap()
                        .json()
                        .await
                        .unwrap();
                    checked.fetch_add(1, Ordering::Relaxed);
                    let hit = m["matches"]
                        .as_array()
                        .is_some_and(|ms| ms.iter().any(|x| x["person_id"] == v["person_id"]));
                    seen.fetch_add(hit as usize, Ordering::Relaxed);
                    if !hit && std::env::var("MPI_BENCH_SHOW_MISSES").is_ok() {
                        println!("  not found at once: {record:?}\n    {v}\n    {m}");
                    }
                }
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    let registered = next.load(Ordering::Relaxed).min(held.len());
    let groups = service.registration_groups();
    println!(
        "registration groups: {} of {} registrations (mean {:.1}); of at most {:?}: {:?}",
        groups.groups,
        groups.registrations,
        groups.registrations as f64 / groups.groups.max(1) as f64,
        &mpi::identity::GROUP_BUCKETS[..6],
        &groups.buckets[..6]
    );
    let (with_registrations, by_writer) = service.audit_pending().committed();
    println!(
        "audit entries committed with registrations: {with_registrations}; by the audit writer: {by_writer}"
    );
    println!(
        "registrations (16 clients): {:.0} registrations/s; read-your-writes: {} of {} found at once",
        registered as f64 / started.elapsed().as_secs_f64(),
        seen.load(Ordering::Relaxed),
        checked.load(Ordering::Relaxed)
    );
}

/// The search parameters a PDQm query shape takes from a record.
type QueryOf = dyn Fn(&RawRecord) -> Vec<(&'static str, String)>;

/// PDQm search latency (`GET /fhir/Patient`), one request at a time, for three query
/// shapes built from 300 loaded records: a family name with a given-name prefix, a
/// family name with the birth year, and a record number.
/// Pairwise precision, recall and F1 of the persons the load made, against the
/// synthetic truth: every pair of records with one person counts.
async fn linkage_quality(service: &mpi::identity::Service, loaded: &[(RawRecord, u64)]) {
    use sqlx::Row;
    let entity: FxHashMap<(&str, &str), u64> = loaded
        .iter()
        .map(|(r, e)| ((r.source.as_str(), r.source_id.as_str()), *e))
        .collect();
    let rows = sqlx::query(
        "SELECT r.source, r.source_id, l.person_id FROM source_records r \
         JOIN links l ON l.record_id = r.id AND l.superseded_at IS NULL",
    )
    .fetch_all(&service.store.pool)
    .await
    .unwrap();
    let (mut by_person, mut by_entity, mut by_both) = (
        FxHashMap::default(),
        FxHashMap::default(),
        FxHashMap::default(),
    );
    for row in &rows {
        let (source, source_id, person): (String, String, String) =
            (row.get(0), row.get(1), row.get(2));
        let e = entity[&(source.as_str(), source_id.as_str())];
        *by_person.entry(person.clone()).or_insert(0u64) += 1;
        *by_entity.entry(e).or_insert(0u64) += 1;
        *by_both.entry((person, e)).or_insert(0u64) += 1;
    }
    let (predicted, truth, both) = (pairs(&by_person), pairs(&by_entity), pairs(&by_both));
    let precision = both as f64 / predicted.max(1) as f64;
    let recall = both as f64 / truth.max(1) as f64;
    println!(
        "linkage quality: pairwise precision {:.2} %, recall {:.2} %, F1 {:.2} % \
         ({} true pairs, {} linked)",
        100.0 * precision,
        100.0 * recall,
        200.0 * precision * recall / (precision + recall),
        truth,
        predicted
    );
}

/// Pairs within the groups counted.
fn pairs<K>(counts: &FxHashMap<K, u64>) -> u64 {
    counts.values().map(|k| k * (k - 1) / 2).sum()
}

/// Loads records through `POST /v1/records:batch`, reporting the rate every 15 s.
async fn batch_load(client: &reqwest::Client, base: &str, load: &[(RawRecord, u64)]) {
    let started = Instant::now();
    let mut last_report = Instant::now();
    for (i, chunk) in load.chunks(BATCH).enumerate() {
        let body: Vec<&RawRecord> = chunk.iter().map(|(r, _)| r).collect();
        let r = client
            .post(format!("{base}/v1/records:batch"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "batch {i}: {}", r.status());
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["summary"]["failed"], 0, "batch {i}: {}", v["summary"]);
        if last_report.elapsed() > Duration::from_secs(15) {
            let done = (i + 1) * BATCH;
            println!(
                "  loaded {done} records, {:.0} records/s",
                done as f64 / started.elapsed().as_secs_f64()
            );
            last_report = Instant::now();
        }
    }
}

async fn pdq(client: &reqwest::Client, base: &str, all: &[(RawRecord, u64)]) {
    let step = (all.len() / 300).max(1);
    let sample: Vec<&RawRecord> = all
        .iter()
        .step_by(step)
        .map(|(r, _)| r)
        .filter(|r| r.family_name.trim().len() > 1 && r.given_name.trim().len() > 2)
        .collect();
    let year = |r: &RawRecord| {
        normalize(r)
            .0
            .birth_date
            .map(|d| d.year().to_string())
            .unwrap_or_default()
    };
    let shapes: [(&str, Box<QueryOf>); 3] = [
        (
            "family + given prefix",
            Box::new(|r| {
                let given: String = r.given_name.trim().chars().take(3).collect();
                vec![("family", r.family_name.clone()), ("given", given)]
            }),
        ),
        (
            "family + birth year",
            Box::new(move |r| vec![("family", r.family_name.clone()), ("birthdate", year(r))]),
        ),
        (
            "identifier",
            Box::new(|r| {
                let id = format!("urn:mpi:source:{}|{}", r.source, r.source_id);
                vec![("identifier", id)]
            }),
        ),
    ];
    for (name, query) in shapes {
        let mut millis = Vec::new();
        let (mut found, mut refused) = (0usize, 0usize);
        for r in &sample {
            let started = Instant::now();
            let response = client
                .get(format!("{base}/fhir/Patient"))
                .query(&query(r))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let v: serde_json::Value = response.json().await.unwrap();
            millis.push(started.elapsed().as_secs_f64() * 1000.0);
            match status {
                200 => found += v["total"].as_u64().unwrap_or(0) as usize,
                400 => refused += 1,
                other => panic!("PDQm answered {other}: {v}"),
            }
        }
        millis.sort_by(f64::total_cmp);
        println!(
            "pdq {name}: {} queries, p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms; {:.1} persons per answer, {refused} refused as too broad",
            millis.len(),
            percentile(&millis, 0.5),
            percentile(&millis, 0.95),
            millis.last().copied().unwrap_or(0.0),
            found as f64 / (millis.len() - refused).max(1) as f64,
        );
    }
}

/// Waits until this process is idle (under 5 % of one core for a second: background
/// index merges done), at most five minutes; returns the seconds waited.
async fn settle() -> f64 {
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
