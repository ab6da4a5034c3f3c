//! Optimistic concurrency on SQLite and PostgreSQL: records carry their version as an
//! ETag; a write with `If-Match` naming another version is refused with 409 and
//! changes nothing, also when many such writes race.

#[macro_use]
mod common;

use common::app::TestApp;
use serde_json::{Value, json};

fn maria(phone: &str) -> Value {
    json!({
        "source": "HOSP_A", "source_id": "MRN-5",
        "given_name": "Maria", "family_name": "Garcia", "sex": "F",
        "birth_date": "1982-11-03", "phone": phone, "postal_code": "60614"
    })
}

/// POST /v1/records with an optional `If-Match`.
async fn put(app: &TestApp, body: &Value, if_match: Option<&str>) -> (u16, Option<String>, Value) {
    let mut request = app
        .client
        .post(format!("{}/v1/records", app.base))
        .json(body);
    if let Some(tag) = if_match {
        request = request.header("If-Match", tag);
    }
    let (status, headers, v) = app.send_with_headers(request).await;
    let etag = headers.get("etag").map(|t| t.to_str().unwrap().to_string());
    (status, etag, v)
}

async fn delete(app: &TestApp, if_match: &str) -> (u16, Value) {
    let request = app
        .client
        .delete(format!("{}/v1/records/HOSP_A/MRN-5", app.base))
        .header("If-Match", if_match);
    let (status, _, v) = app.send_with_headers(request).await;
    (status, v)
}

both!(
    stale_versions_are_refused_and_change_nothing,
    |app: TestApp| async move {
        // If-Match on a record that does not exist yet
        let (status, _, v) = put(&app, &maria("312-555-0101"), Some("*")).await;
        assert_eq!((status, v["code"].as_str()), (409, Some("conflict")), "{v}");
        assert_eq!(v["field"], "If-Match");
        assert!(app.events().await.is_empty(), "nothing was written");

        let (status, etag, v) = put(&app, &maria("312-555-0101"), None).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(etag.as_deref(), Some("\"1\""));

        let request = app
            .client
            .get(format!("{}/v1/records/HOSP_A/MRN-5", app.base));
        let (status, headers, record) = app.send_with_headers(request).await;
        assert_eq!(status, 200);
        assert_eq!(headers["etag"], "\"1\"");
        assert_eq!(record["version"], 1);

        // an update that read version 1 goes through, and makes version 2
        let (status, etag, v) = put(&app, &maria("312-555-0202"), Some("\"1\"")).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(etag.as_deref(), Some("\"2\""));
        let events = app.events().await.len();

        // another writer that also read version 1 is refused
        let (status, _, v) = put(&app, &maria("312-555-0303"), Some("\"1\"")).await;
        assert_eq!((status, v["code"].as_str()), (409, Some("conflict")), "{v}");
        assert!(v["detail"].as_str().unwrap().contains("version 2"), "{v}");
        let (_, record) = app.get("/v1/records/HOSP_A/MRN-5").await;
        assert_eq!(record["version"], 2);
        assert_eq!(record["record"]["phone"], "312-555-0202");
        assert_eq!(app.events().await.len(), events, "nothing was written");

        // weak tags and bare numbers are read alike; nonsense is a 400 naming the header
        let (status, _, v) = put(&app, &maria("312-555-0202"), Some("W/\"2\"")).await;
        assert_eq!(status, 200, "{v}");
        let (status, _, v) = put(&app, &maria("312-555-0404"), Some("latest")).await;
        assert_eq!(
            (status, v["field"].as_str()),
            (400, Some("If-Match")),
            "{v}"
        );

        // deactivation honours the precondition too
        let (status, v) = delete(&app, "\"1\"").await;
        assert_eq!(status, 409, "{v}");
        let (_, record) = app.get("/v1/records/HOSP_A/MRN-5").await;
        assert_eq!(record["active"], true);
        let (status, _) = delete(&app, "\"2\"").await;
        assert_eq!(status, 204);
        let (_, record) = app.get("/v1/records/HOSP_A/MRN-5").await;
        assert_eq!(record["active"], false);
    }
);

both!(
    of_racing_updates_from_one_version_exactly_one_wins,
    |app: TestApp| async move {
        let (status, _, _) = put(&app, &maria("312-555-0101"), None).await;
        assert_eq!(status, 200);
        let app = std::sync::Arc::new(app);
        let mut racers = Vec::new();
        for i in 0..24 {
            let app = app.clone();
            racers.push(tokio::spawn(async move {
                let phone = format!("312-555-{:04}", 1000 + i);
                let (status, _, v) = put(&app, &maria(&phone), Some("\"1\"")).await;
                (status, phone, v)
            }));
        }
        let mut winners = Vec::new();
        for racer in racers {
            let (status, phone, v) = racer.await.unwrap();
            match status {
                200 => winners.push(phone),
                409 => assert_eq!(v["code"], "conflict"),
                other => panic!("unexpected {other}: {v}"),
            }
        }
        assert_eq!(winners.len(), 1, "{winners:?}");
        let (_, record) = app.get("/v1/records/HOSP_A/MRN-5").await;
        assert_eq!(record["version"], 2);
        assert_eq!(record["record"]["phone"], winners[0].as_str());
    }
);
