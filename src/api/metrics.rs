//! `GET /metrics` in the Prometheus text format: request latency histograms per route,
//! registration and match outcomes, review queue depth and age, index lag and database
//! pool use. Counters are atomics updated on the request path; queue and index figures
//! are read when scraped.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::guard::RouteLabel;
use crate::identity::Service;

/// Upper bounds of the latency buckets, seconds.
const BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Histogram {
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Histogram {
    fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            if seconds <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros
            .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }
}

/// Status classes counted per route: 2xx, 3xx, 4xx, 5xx.
const CLASSES: [&str; 4] = ["2xx", "3xx", "4xx", "5xx"];

#[derive(Default)]
struct RouteStats {
    latency: Histogram,
    by_class: [AtomicU64; 4],
}

/// The service's counters.
pub struct Metrics {
    routes: HashMap<(&'static str, &'static str), RouteStats>,
    unmatched: RouteStats,
    outcomes: HashMap<&'static str, AtomicU64>,
    /// The webhook worker's delivery counts.
    webhooks: std::sync::Arc<crate::webhooks::Counters>,
}

/// Registration outcomes and match grades counted.
const OUTCOMES: [&str; 7] = [
    "linked",
    "created",
    "review",
    "unchanged",
    "certain",
    "probable",
    "possible",
];

impl Metrics {
    pub fn new(routes: impl IntoIterator<Item = (&'static str, &'static str)>) -> Metrics {
        Metrics {
            routes: routes
                .into_iter()
                .map(|r| (r, RouteStats::default()))
                .collect(),
            unmatched: RouteStats::default(),
            outcomes: OUTCOMES.iter().map(|o| (*o, AtomicU64::new(0))).collect(),
            webhooks: Default::default(),
        }
    }

    /// The same, showing the counts of the webhook worker `counters`.
    pub fn with_webhooks(mut self, counters: std::sync::Arc<crate::webhooks::Counters>) -> Metrics {
        self.webhooks = counters;
        self
    }

    /// Counts a finished request.
    pub fn observe(&self, route: Option<RouteLabel>, status: u16, elapsed: Duration) {
        let stats = route
            .and_then(|r| self.routes.get(&(r.method, r.path)))
            .unwrap_or(&self.unmatched);
        stats.latency.observe(elapsed);
        let class = (status / 100).clamp(2, 5) as usize - 2;
        stats.by_class[class].fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a registration outcome (`linked`, `created`, `review`) or the grade of a
    /// match query's best candidate (`certain`, `probable`, `possible`).
    pub fn outcome(&self, name: &str) {
        if let Some(c) = self.outcomes.get(name) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The text exposition, with the figures read from `service` now.
    pub async fn render(&self, service: &Service) -> String {
        let mut out = String::new();
        let _ = self.render_requests(&mut out);
        let _ = self.render_outcomes(&mut out);
        let _ = self.render_webhooks(&mut out);
        let _ = render_audit(&mut out, service);
        let _ = render_checkpoints(&mut out, service);
        let _ = render_groups(&mut out, service);
        out.push_str(&crate::mllp::metrics_text());
        let _ = render_state(&mut out, service).await;
        out
    }

    fn render_requests(&self, out: &mut String) -> std::fmt::Result {
        writeln!(
            out,
            "# HELP mpi_http_request_duration_seconds Request latency by route."
        )?;
        writeln!(out, "# TYPE mpi_http_request_duration_seconds histogram")?;
        let mut routes: Vec<_> = self.routes.iter().collect();
        routes.sort_by_key(|(k, _)| **k);
        let all = routes.iter().map(|((m, p), s)| (*m, *p, *s)).chain([(
            "",
            "(unmatched)",
            &self.unmatched,
        )]);
        let mut classes = String::new();
        for (method, path, stats) in all {
            let count = stats.latency.count.load(Ordering::Relaxed);
            if count == 0 {
                continue;
            }
            let labels = format!("method=\"{method}\",route=\"{path}\"");
            for (bound, bucket) in BUCKETS.iter().zip(&stats.latency.buckets) {
                writeln!(
                    out,
                    "mpi_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {}",
                    bucket.load(Ordering::Relaxed)
                )?;
            }
            writeln!(
                out,
                "mpi_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {count}"
            )?;
            writeln!(
                out,
                "mpi_http_request_duration_seconds_sum{{{labels}}} {}",
                stats.latency.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
            )?;
            writeln!(
                out,
                "mpi_http_request_duration_seconds_count{{{labels}}} {count}"
            )?;
            for (class, n) in CLASSES.iter().zip(&stats.by_class) {
                let n = n.load(Ordering::Relaxed);
                if n > 0 {
                    writeln!(
                        classes,
                        "mpi_http_responses_total{{{labels},status=\"{class}\"}} {n}"
                    )?;
                }
            }
        }
        writeln!(
            out,
            "# HELP mpi_http_responses_total Responses by route and status class."
        )?;
        writeln!(out, "# TYPE mpi_http_responses_total counter")?;
        out.push_str(&classes);
        Ok(())
    }

    fn render_outcomes(&self, out: &mut String) -> std::fmt::Result {
        writeln!(
            out,
            "# HELP mpi_registrations_total Registrations by outcome."
        )?;
        writeln!(out, "# TYPE mpi_registrations_total counter")?;
        for o in ["linked", "created", "review"] {
            writeln!(
                out,
                "mpi_registrations_total{{outcome=\"{o}\"}} {}",
                self.outcomes[o].load(Ordering::Relaxed)
            )?;
        }
        writeln!(
            out,
            "# HELP mpi_match_queries_total Match queries by the best candidate's grade."
        )?;
        writeln!(out, "# TYPE mpi_match_queries_total counter")?;
        for g in ["certain", "probable", "possible"] {
            writeln!(
                out,
                "mpi_match_queries_total{{grade=\"{g}\"}} {}",
                self.outcomes[g].load(Ordering::Relaxed)
            )?;
        }
        Ok(())
    }

    fn render_webhooks(&self, out: &mut String) -> std::fmt::Result {
        let (delivered, failed, dead) = self.webhooks.snapshot();
        writeln!(
            out,
            "# HELP mpi_webhook_deliveries_total Webhook delivery attempts by result: delivered, failed (to be retried or dead), dead (dead-lettered)."
        )?;
        writeln!(out, "# TYPE mpi_webhook_deliveries_total counter")?;
        for (result, n) in [("delivered", delivered), ("failed", failed), ("dead", dead)] {
            writeln!(
                out,
                "mpi_webhook_deliveries_total{{result=\"{result}\"}} {n}"
            )?;
        }
        Ok(())
    }
}

fn render_checkpoints(out: &mut String, service: &Service) -> std::fmt::Result {
    let (runs, pages) = service.store.checkpoints.counts();
    writeln!(
        out,
        "# HELP mpi_sqlite_checkpoints_total SQLite log checkpoints run by the service's own task (SQLite only)."
    )?;
    writeln!(out, "# TYPE mpi_sqlite_checkpoints_total counter")?;
    writeln!(out, "mpi_sqlite_checkpoints_total {runs}")?;
    writeln!(
        out,
        "# HELP mpi_sqlite_checkpointed_pages_total Pages those checkpoints copied from the log into the database file."
    )?;
    writeln!(out, "# TYPE mpi_sqlite_checkpointed_pages_total counter")?;
    writeln!(out, "mpi_sqlite_checkpointed_pages_total {pages}")?;
    Ok(())
}

fn render_groups(out: &mut String, service: &Service) -> std::fmt::Result {
    let counts = service.registration_groups();
    writeln!(
        out,
        "# HELP mpi_registration_group_size Single registrations committed together in one transaction (group commit), per group."
    )?;
    writeln!(out, "# TYPE mpi_registration_group_size histogram")?;
    for (bound, n) in crate::identity::GROUP_BUCKETS.iter().zip(counts.buckets) {
        writeln!(
            out,
            "mpi_registration_group_size_bucket{{le=\"{bound}\"}} {n}"
        )?;
    }
    writeln!(
        out,
        "mpi_registration_group_size_bucket{{le=\"+Inf\"}} {}",
        counts.groups
    )?;
    writeln!(
        out,
        "mpi_registration_group_size_sum {}",
        counts.registrations
    )?;
    writeln!(out, "mpi_registration_group_size_count {}", counts.groups)?;
    Ok(())
}

fn render_audit(out: &mut String, service: &Service) -> std::fmt::Result {
    let (registrations, writer) = service.audit_pending().committed();
    writeln!(
        out,
        "# HELP mpi_audit_entries_committed_total Audit entries committed, by the transaction that committed them: a registration's (its request's own entry and, on SQLite, entries waiting for the write turn) or the audit writer's own."
    )?;
    writeln!(out, "# TYPE mpi_audit_entries_committed_total counter")?;
    for (by, n) in [("registration", registrations), ("audit_writer", writer)] {
        writeln!(
            out,
            "mpi_audit_entries_committed_total{{committed_by=\"{by}\"}} {n}"
        )?;
    }
    Ok(())
}

async fn render_state(out: &mut String, service: &Service) -> std::fmt::Result {
    let now = crate::store::now_ms();
    writeln!(
        out,
        "# HELP mpi_review_queue_depth Open and claimed review tasks."
    )?;
    writeln!(out, "# TYPE mpi_review_queue_depth gauge")?;
    let depth = crate::store::reviews::queue_depth(&service.store.pool)
        .await
        .unwrap_or_default();
    let mut ages = String::new();
    for (status, reason, n, oldest) in &depth {
        writeln!(
            out,
            "mpi_review_queue_depth{{status=\"{status}\",reason=\"{reason}\"}} {n}"
        )?;
        writeln!(
            ages,
            "mpi_review_queue_oldest_age_seconds{{status=\"{status}\",reason=\"{reason}\"}} {}",
            ((now - oldest).max(0) as f64) / 1000.0
        )?;
    }
    writeln!(
        out,
        "# HELP mpi_review_queue_oldest_age_seconds Age of the oldest task."
    )?;
    writeln!(out, "# TYPE mpi_review_queue_oldest_age_seconds gauge")?;
    out.push_str(&ages);
    let last_event = service.last_event_seq().await.unwrap_or(0);
    let mark = service.index.mark().unwrap_or(0);
    writeln!(
        out,
        "# HELP mpi_index_events_behind Identity events not yet in a durable index commit."
    )?;
    writeln!(out, "# TYPE mpi_index_events_behind gauge")?;
    writeln!(
        out,
        "mpi_index_events_behind {}",
        (last_event - mark).max(0)
    )?;
    writeln!(
        out,
        "# HELP mpi_index_uncommitted 1 while registrations wait for the next index commit."
    )?;
    writeln!(out, "# TYPE mpi_index_uncommitted gauge")?;
    writeln!(
        out,
        "mpi_index_uncommitted {}",
        u8::from(service.index.pending())
    )?;
    writeln!(out, "# HELP mpi_index_documents Searchable records.")?;
    writeln!(out, "# TYPE mpi_index_documents gauge")?;
    writeln!(
        out,
        "mpi_index_documents {}",
        service.index.committed_docs()
    )?;
    let pool = &service.store.pool;
    writeln!(
        out,
        "# HELP mpi_db_pool_connections Database connections by state."
    )?;
    writeln!(out, "# TYPE mpi_db_pool_connections gauge")?;
    let idle = pool.num_idle() as u32;
    writeln!(out, "mpi_db_pool_connections{{state=\"idle\"}} {idle}")?;
    writeln!(
        out,
        "mpi_db_pool_connections{{state=\"in_use\"}} {}",
        pool.size().saturating_sub(idle)
    )?;
    writeln!(
        out,
        "mpi_db_pool_connections{{state=\"max\"}} {}",
        pool.options().get_max_connections()
    )?;
    Ok(())
}
