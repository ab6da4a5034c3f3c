//! Stewardship over HTTP on SQLite and PostgreSQL: manual link and unlink, split,
//! merge, non-match assertions, their events and history, their errors, and that the
//! matcher never overrides a manual decision.

#[macro_use]
mod common;

use common::app::TestApp;
use common::people::{maria, person_of, register, robert};
use serde_json::{Value, json};

fn why(reason: &str) -> Value {
    json!({ "reason": reason })
}

both!(
    split_link_unlink_and_merge_with_events_and_history,
    |app: TestApp| async move {
        let p = register(&app, &robert("HOSP_A", "A-1")).await;
        assert_eq!(register(&app, &robert("LAB_B", "L-1")).await, p);
        assert_eq!(register(&app, &robert("CLINIC_C", "C-1")).await, p);

        // split: the lab's record out into a new person
        let body =
            json!({"records": [{"source": "LAB_B", "source_id": "L-1"}], "reason": "lab mix-up"});
        let (status, _, v) = app
            .post_as("sam", &format!("/v1/persons/{p}/split"), &body, None)
            .await;
        assert_eq!(status, 200, "{v}");
        let q = v["person_id"].as_str().unwrap().to_string();
        assert_ne!(q, p);
        assert_eq!(v["records"], json!(["LAB_B/L-1"]));
        assert_eq!(person_of(&app, "LAB_B", "L-1").await, q);
        let (_, golden) = app.get(&format!("/v1/persons/{q}")).await;
        assert_eq!(golden["golden"]["given_name"], "Robert");

        // link it back by hand, then unlink the clinic's record
        let (status, _, v) = app
            .post_as(
                "sam",
                "/v1/records/LAB_B/L-1/link",
                &json!({"person_id": p, "reason": "verified by phone"}),
                None,
            )
            .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(person_of(&app, "LAB_B", "L-1").await, p);
        let (status, _, v) = app
            .post_as(
                "sam",
                "/v1/records/CLINIC_C/C-1/unlink",
                &why("wrong chart"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{v}");
        let c = v["person_id"].as_str().unwrap().to_string();
        assert_eq!(person_of(&app, "CLINIC_C", "C-1").await, c);

        // merge the clinic's person back in
        let (status, _, v) = app
            .post_as(
                "sam",
                &format!("/v1/persons/{p}/merge"),
                &json!({"from": c, "reason": "same patient"}),
                None,
            )
            .await;
        assert_eq!(status, 200, "{v}");
        assert!(v["merge_id"].as_i64().is_some());
        assert_eq!(person_of(&app, "CLINIC_C", "C-1").await, p);
        let (_, person) = app.get(&format!("/v1/persons/{p}")).await;
        assert_eq!(person["records"].as_array().unwrap().len(), 3);

        // every change has its events, in order
        let kinds: Vec<String> = app
            .all_events()
            .await
            .iter()
            .map(|e| e["kind"].as_str().unwrap().to_string())
            .collect();
        let from_split: Vec<&str> = kinds.iter().skip(4).map(String::as_str).collect();
        assert_eq!(
            from_split,
            [
                "person.created",
                "record.unlinked",
                "record.linked",
                "person.split",
                "record.unlinked",
                "record.linked",
                "person.created",
                "record.unlinked",
                "record.linked",
                "record.unlinked",
                "record.linked",
                "persons.merged",
            ]
        );

        // the history: each link change with actor, reason and, for the matcher's, score
        let (status, h) = app.get(&format!("/v1/persons/{p}/history")).await;
        assert_eq!(status, 200, "{h}");
        let links: Vec<(String, String, String, String)> = h["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "link")
            .map(|e| {
                (
                    e["change"].as_str().unwrap().to_string(),
                    e["source_id"].as_str().unwrap().to_string(),
                    e["actor"].as_str().unwrap().to_string(),
                    e["reason"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        let expect = |c: &str, r: &str, a: &str, why: &str| {
            (c.to_string(), r.to_string(), a.to_string(), why.to_string())
        };
        assert_eq!(links[0], expect("linked", "A-1", "mpi", ""));
        assert!(
            links.contains(&expect("unlinked", "L-1", "sam", "lab mix-up")),
            "{links:?}"
        );
        assert!(
            links.contains(&expect("linked", "L-1", "sam", "verified by phone")),
            "{links:?}"
        );
        assert!(
            links.contains(&expect("unlinked", "C-1", "sam", "wrong chart")),
            "{links:?}"
        );
        let auto = h["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["source_id"] == "L-1")
            .unwrap();
        assert!(
            auto["weight"].as_f64().unwrap() > 0.0 && auto["model_version"].is_string(),
            "{auto}"
        );
        let (_, h) = app.get(&format!("/v1/persons/{c}/history")).await;
        assert_eq!(
            (h["status"].as_str(), h["merged_into"].as_str()),
            (Some("merged"), Some(p.as_str()))
        );
    }
);

both!(
    the_matcher_never_overrides_a_manual_decision,
    |app: TestApp| async move {
        let p = register(&app, &robert("HOSP_A", "A-1")).await;
        register(&app, &robert("LAB_B", "L-1")).await;
        let (status, _, v) = app
            .post_as("sam", "/v1/records/LAB_B/L-1/unlink", &why("not him"), None)
            .await;
        assert_eq!(status, 200, "{v}");
        let q = v["person_id"].as_str().unwrap().to_string();
        // the source sends the record again, changed: it stays where the steward put it
        let mut again = robert("LAB_B", "L-1");
        again["phone"] = json!("(617) 555-0143");
        let (_, r) = app.post("/v1/records", &again).await;
        assert_eq!(r["person_id"], q.as_str(), "{r}");
        assert_eq!(person_of(&app, "LAB_B", "L-1").await, q);
        let (_, rec) = app.get("/v1/records/LAB_B/L-1").await;
        assert_eq!(rec["link"], "manual");
        assert_ne!(p, q);
    }
);

both!(
    non_match_assertions_are_created_once_refused_within_a_person_and_revoked,
    |app: TestApp| async move {
        let p = register(&app, &robert("HOSP_A", "A-1")).await;
        register(&app, &robert("LAB_B", "L-1")).await;
        let m = register(&app, &maria("HOSP_A", "A-9")).await;
        let pair = |a: &str, b: &str| json!({"a": {"source": "HOSP_A", "source_id": a}, "b": {"source": "HOSP_A", "source_id": b}, "reason": "different mothers"});
        let (status, _, v) = app
            .post_as("sam", "/v1/non-match-assertions", &pair("A-1", "A-9"), None)
            .await;
        assert_eq!(status, 201, "{v}");
        let id = v["id"].as_i64().unwrap();
        assert_eq!(
            (v["actor"].as_str(), v["revoked_at"].as_i64()),
            (Some("sam"), None)
        );
        let (status, _, v) = app
            .post_as("sam", "/v1/non-match-assertions", &pair("A-9", "A-1"), None)
            .await;
        assert_eq!(
            (status, v["id"].as_i64()),
            (200, Some(id)),
            "the same pair again"
        );
        // a merge across it is refused, and nothing changes
        let (status, _, v) = app
            .post_as(
                "sam",
                &format!("/v1/persons/{p}/merge"),
                &json!({"from": m, "reason": "x"}),
                None,
            )
            .await;
        assert_eq!(status, 409, "{v}");
        assert_eq!(person_of(&app, "HOSP_A", "A-9").await, m);
        // two records of one person cannot be asserted apart: split first
        let body = json!({"a": {"source": "HOSP_A", "source_id": "A-1"}, "b": {"source": "LAB_B", "source_id": "L-1"}, "reason": "x"});
        let (status, _, v) = app
            .post_as("sam", "/v1/non-match-assertions", &body, None)
            .await;
        assert_eq!(status, 409, "{v}");
        // revoked: the merge is allowed again; a second revoke is a conflict
        let (status, _, v) = app
            .post_as(
                "sam",
                &format!("/v1/non-match-assertions/{id}/revoke"),
                &why("mistake"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["revoked_by"], "sam");
        let (status, _, _) = app
            .post_as(
                "sam",
                &format!("/v1/non-match-assertions/{id}/revoke"),
                &why("again"),
                None,
            )
            .await;
        assert_eq!(status, 409);
        let (status, _, v) = app
            .post_as(
                "sam",
                &format!("/v1/persons/{p}/merge"),
                &json!({"from": m, "reason": "x"}),
                None,
            )
            .await;
        assert_eq!(status, 200, "{v}");
        let (_, h) = app.get(&format!("/v1/persons/{p}/history")).await;
        let nm: Vec<&Value> = h["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "non_match")
            .collect();
        assert_eq!(nm.len(), 1, "{h}");
        assert_eq!(nm[0]["revoked_by"], "sam");
        let kinds: Vec<String> = app
            .all_events()
            .await
            .iter()
            .map(|e| e["kind"].as_str().unwrap().to_string())
            .collect();
        assert!(
            kinds.contains(&"non_match.asserted".to_string())
                && kinds.contains(&"non_match.revoked".to_string())
        );
    }
);

both!(
    stewardship_errors_are_clear_and_change_nothing,
    |app: TestApp| async move {
        let p = register(&app, &robert("HOSP_A", "A-1")).await;
        register(&app, &robert("LAB_B", "L-1")).await;
        let m = register(&app, &maria("HOSP_A", "A-9")).await;
        let events = app.all_events().await.len();
        let split = format!("/v1/persons/{p}/split");
        let cases: Vec<(&str, String, Value, u16, Option<&str>)> = vec![
            (
                "sam",
                split.clone(),
                json!({"records": [], "reason": "x"}),
                400,
                Some("records"),
            ),
            (
                "sam",
                split.clone(),
                json!({"records": [{"source": "HOSP_A", "source_id": "A-1"}, {"source": "LAB_B", "source_id": "L-1"}], "reason": "x"}),
                400,
                Some("records"),
            ),
            (
                "sam",
                split.clone(),
                json!({"records": [{"source": "HOSP_A", "source_id": "A-9"}], "reason": "x"}),
                400,
                Some("records[0]"),
            ),
            (
                "sam",
                split.clone(),
                json!({"records": [{"source": "HOSP_A", "source_id": "A-1"}]}),
                400,
                Some("reason"),
            ),
            (
                "sam",
                split.clone(),
                json!({"records": [{"source": "HOSP_A", "source_id": "A-1"}], "reason": " "}),
                400,
                Some("reason"),
            ),
            (
                "sam",
                split.clone(),
                json!({"records": [{"source": "HOSP_A"}], "reason": "x"}),
                400,
                Some("records[0].source_id"),
            ),
            (
                "sam",
                "/v1/persons/p-none/split".into(),
                json!({"records": [{"source": "HOSP_A", "source_id": "A-1"}], "reason": "x"}),
                404,
                None,
            ),
            (
                "sam",
                format!("/v1/persons/{p}/merge"),
                json!({"from": p, "reason": "x"}),
                400,
                Some("from"),
            ),
            (
                "sam",
                format!("/v1/persons/{p}/merge"),
                json!({"from": "p-none", "reason": "x"}),
                404,
                None,
            ),
            (
                "sam",
                format!("/v1/persons/{p}/merge"),
                json!({"from": m, "reason": "x", "extra": 1}),
                400,
                Some("extra"),
            ),
            (
                "sam",
                "/v1/records/HOSP_A/none/link".into(),
                json!({"person_id": p, "reason": "x"}),
                404,
                None,
            ),
            (
                "sam",
                "/v1/records/HOSP_A/A-9/link".into(),
                json!({"person_id": "p-none", "reason": "x"}),
                404,
                None,
            ),
            (
                "sam",
                "/v1/records/HOSP_A/A-9/unlink".into(),
                json!({"reason": 7}),
                400,
                Some("reason"),
            ),
            ("sam", "/v1/merges/999/undo".into(), why("x"), 404, None),
            (
                "sam",
                "/v1/merges/abc/undo".into(),
                why("x"),
                400,
                Some("merge_id"),
            ),
            (
                "sam",
                "/v1/non-match-assertions/999/revoke".into(),
                why("x"),
                404,
                None,
            ),
        ];
        for (actor, path, body, status, field) in cases {
            let (got, _, v) = app.post_as(actor, &path, &body, None).await;
            assert_eq!(got, status, "{path} {body}: {v}");
            if field.is_some() {
                assert_eq!(v["field"].as_str(), field, "{path} {body}: {v}");
            }
        }
        assert_eq!(app.all_events().await.len(), events, "nothing was written");
        assert_eq!(person_of(&app, "LAB_B", "L-1").await, p);

        // a merged person cannot take part in a merge or a link
        let (status, _, _) = app
            .post_as(
                "sam",
                &format!("/v1/persons/{p}/merge"),
                &json!({"from": m, "reason": "x"}),
                None,
            )
            .await;
        assert_eq!(status, 200);
        let (status, _, v) = app
            .post_as(
                "sam",
                "/v1/records/LAB_B/L-1/link",
                &json!({"person_id": m, "reason": "x"}),
                None,
            )
            .await;
        assert_eq!(status, 409, "{v}");
        assert!(v["detail"].as_str().unwrap().contains("merged into"), "{v}");
        let (status, h) = app.get("/v1/persons/p-none/history").await;
        assert_eq!(status, 404, "{h}");
    }
);

both!(
    persons_are_found_by_name_and_birth_date_or_by_identifier,
    |app: TestApp| async move {
        let p = register(&app, &robert("HOSP_A", "A-1")).await;
        register(&app, &robert("LAB_B", "L-1")).await;
        let m = register(&app, &maria("HOSP_A", "A-9")).await;
        let search = |q: &str| {
            let app = &app;
            let q = q.to_string();
            async move { app.get(&format!("/v1/persons?{q}")).await }
        };
        let (status, v) = search("name=Johnson,%20Robert&birth_date=1975-04-12").await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["persons"][0]["person_id"], p.as_str(), "{v}");
        assert_eq!(v["persons"][0]["found_by"], "demographics");
        assert_eq!(v["persons"][0]["records"].as_array().unwrap().len(), 2);
        assert!(
            v["persons"]
                .as_array()
                .unwrap()
                .iter()
                .all(|x| x["person_id"] != m.as_str()),
            "Maria does not resemble Robert: {v}"
        );
        // given name first, a nickname: still Robert
        let (_, v) = search("name=Rob%20Johnson&birth_date=04/12/1975").await;
        assert_eq!(v["persons"][0]["person_id"], p.as_str(), "{v}");
        // identifiers: a record number (any source or one), an SSN
        for q in ["identifier=A-9", "identifier=HOSP_A/A-9"] {
            let (_, v) = search(q).await;
            assert_eq!(v["persons"][0]["person_id"], m.as_str(), "{q}: {v}");
            assert_eq!(v["persons"][0]["found_by"], "identifier");
        }
        let (_, v) = search("identifier=219-55-3481").await;
        assert_eq!(v["persons"][0]["person_id"], p.as_str(), "{v}");
        let (_, v) = search("identifier=NOPE-1").await;
        assert_eq!(v["persons"], json!([]));
        // a name alone is too little; unknown parameters and bad limits are named
        for (q, field) in [
            ("name=Johnson", "name"),
            ("", "name"),
            ("name=Johnson&birth_date=1975-13-40", "birth_date"),
            ("identifier=A-9&limit=0", "limit"),
            ("identifier=A-9&mrn=1", "mrn"),
        ] {
            let (status, v) = search(q).await;
            assert_eq!(
                (status, v["field"].as_str()),
                (400, Some(field)),
                "{q}: {v}"
            );
        }
    }
);
