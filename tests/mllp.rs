//! HL7 v2 over MLLP, end to end: `tests/python/hl7_feed.py` builds messages with the
//! independent `hl7apy` library, sends them over a real socket with python-hl7's
//! `MLLPClient` and parses every answer with python-hl7; this test checks each ACK and
//! then the identity state through the REST API, on SQLite and PostgreSQL.

#[macro_use]
mod common;

use std::collections::HashMap;

use common::app::{Backend, TestApp, spawn_app_mllp};
use common::people::person_of;
use common::python::python;
use serde_json::{Value, json};

/// Runs the feed against the app's MLLP port; answers its steps by name.
async fn feed(app: &TestApp) -> HashMap<String, Value> {
    let addr = app.mllp.expect("the MLLP listener");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/hl7_feed.py");
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(python())
            .arg(script)
            .arg(addr.ip().to_string())
            .arg(addr.port().to_string())
            .output()
            .expect("python runs")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    if std::env::var_os("MLLP_DUMP").is_some() {
        eprintln!("{stdout}");
    }
    // the patient values the feed sent, for the PHI-in-logs check
    for line in stdout.lines() {
        if let Ok(v) = serde_json::from_str::<Value>(line)
            && let Some(phi) = v.get("phi")
        {
            common::logs::record_phi(&phi.to_string());
        }
    }
    assert!(
        output.status.success(),
        "feed failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| Some((v.get("step")?.as_str()?.to_string(), v)))
        .collect()
}

fn code(steps: &HashMap<String, Value>, step: &str) -> String {
    steps[step]["msa1"].as_str().unwrap_or("").to_string()
}

/// The step's ERR segments as one text.
fn errors(steps: &HashMap<String, Value>, step: &str) -> String {
    steps[step]["err"].to_string()
}

fn assert_ack(steps: &HashMap<String, Value>, step: &str, expected: &str, err_has: &[&str]) {
    let s = &steps[step];
    assert_eq!(code(steps, step), expected, "{step}: {s}");
    for part in err_has {
        assert!(errors(steps, step).contains(part), "{step}: {part} in {s}");
    }
}

async fn checks(app: TestApp) {
    let steps = feed(&app).await;

    // registration, update semantics, idempotency
    assert_ack(&steps, "a04_new", "AA", &[]);
    assert_eq!(steps["a04_new"]["msa2"], "MSG-0001");
    assert!(
        steps["a04_new"]["msh9"]
            .as_str()
            .unwrap()
            .starts_with("ACK^A04"),
        "{}",
        steps["a04_new"]
    );
    assert_ack(&steps, "a08_update", "AA", &[]);
    assert_eq!(
        steps["a04_resent"]["ack"], steps["a04_new"]["ack"],
        "a resent control id gets the same ACK, byte for byte"
    );
    let (_, robert) = app.get("/v1/records/HOSP_A/HA-40411").await;
    assert_eq!(
        robert["version"], 2,
        "A04 then A08; the resent A04 changed nothing: {robert}"
    );
    let r = &robert["record"];
    assert_eq!(
        r["sex"], "",
        "\"\" cleared the sex, the resent A04 did not restore it"
    );
    assert_eq!(r["family_name"], "JOHNSON");
    assert_eq!(r["middle_name"], "ALAN");
    assert_eq!(r["birth_date"], "1975-04-12");
    assert_eq!(
        r["address_line"], "12 Elm St & Oak Ave",
        "escape decoded, kept when absent"
    );
    assert_eq!(r["city"], "Boston");
    assert!(!r["phone"].as_str().unwrap().is_empty(), "phone kept: {r}");
    assert!(
        !r["ssn"].as_str().unwrap().is_empty(),
        "SSN from PID-3 type SS: {r}"
    );

    for step in ["a01_clinic", "a28_other", "a05_second", "a31_v231"] {
        assert_ack(&steps, step, "AA", &[]);
    }
    let (_, quentin) = app.get("/v1/records/HOSP_A/HA-40412").await;
    assert_eq!(quentin["record"]["middle_name"], "J", "{quentin}");
    assert_eq!(
        quentin["record"]["birth_date"], "1962-09-30",
        "kept by the A31"
    );

    // PIX, taken while CC-7702 was still Robert's and after the A40 merge
    assert_ack(&steps, "q23_found", "AA", &[]);
    assert_eq!(steps["q23_found"]["qak2"], "OK");
    assert!(
        steps["q23_found"]["msh9"]
            .as_str()
            .unwrap()
            .starts_with("RSP^K23")
    );
    let ids = steps["q23_found"]["pid3"][0].as_str().unwrap();
    assert!(ids.contains("CC-7702^^^CLINIC_C^MR"), "{ids}");
    assert!(
        ids.contains("HA-40412^^^HOSP_A^MR"),
        "merged by the A40: {ids}"
    );
    assert!(
        !ids.contains("HA-40411"),
        "not the queried identifier: {ids}"
    );
    assert!(!ids.contains("219"), "no SSN: {ids}");
    assert_eq!(
        steps["q23_domain"]["pid3"],
        json!(["CC-7702^^^CLINIC_C^MR"])
    );
    assert_ack(&steps, "q23_not_found", "AA", &[]);
    assert_eq!(steps["q23_not_found"]["qak2"], "NF");
    assert_eq!(steps["q23_not_found"]["pid3"], json!([]));
    assert_ack(&steps, "q23_unknown_id", "AE", &["QPD", "204"]);
    assert_eq!(steps["q23_unknown_id"]["qak2"], "AE");
    assert_ack(&steps, "q23_unknown_domain", "AE", &["QPD", "^4", "204"]);
    assert_eq!(steps["q23_unknown_domain"]["qak2"], "AE");

    // PDQ
    assert_ack(&steps, "q22_hits", "AA", &[]);
    assert_eq!(steps["q22_hits"]["qak2"], "OK", "{}", steps["q22_hits"]);
    assert!(
        steps["q22_hits"]["msh9"]
            .as_str()
            .unwrap()
            .starts_with("RSP^K22")
    );
    assert!(
        steps["q22_hits"]["pid3"].to_string().contains("HA-40411"),
        "{}",
        steps["q22_hits"]
    );
    // the person's golden name (merged with HA-40412 by then: the newest record's)
    assert!(
        steps["q22_hits"]["pid5"][0]
            .as_str()
            .unwrap()
            .ends_with("^L"),
        "{}",
        steps["q22_hits"]
    );
    assert_eq!(steps["q22_by_id"]["qak2"], "OK", "{}", steps["q22_by_id"]);
    assert!(steps["q22_by_id"]["pid3"].to_string().contains("HB-90009"));
    assert_ack(&steps, "q22_none", "AA", &[]);
    assert_eq!(steps["q22_none"]["qak2"], "NF");
    assert_eq!(steps["q22_none"]["pid3"], json!([]));

    // A40 merge: history, and the merge can be undone; A37 unlink
    assert_ack(&steps, "a40_merge", "AA", &[]);
    assert_ack(&steps, "a40_again", "AA", &[]);
    assert_eq!(steps["a40_again"]["msa3"], "already one person");
    assert_ack(&steps, "a40_unknown_prior", "AE", &["MRG", "204"]);
    assert_ack(&steps, "a37_unlink", "AA", &[]);
    let robert_person = person_of(&app, "HOSP_A", "HA-40411").await;
    assert_eq!(person_of(&app, "HOSP_A", "HA-40412").await, robert_person);
    assert_ne!(person_of(&app, "CLINIC_C", "CC-7702").await, robert_person);
    let (_, history) = app
        .get(&format!("/v1/persons/{robert_person}/history"))
        .await;
    let merge = history["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "merge")
        .unwrap_or_else(|| panic!("a merge in {history}"))
        .clone();
    assert_eq!(merge["actor"], "hl7:ADT_SYS@HOSP_A");
    assert!(
        merge["reason"].as_str().unwrap().contains("MSG-0007"),
        "{merge}"
    );
    assert_eq!(merge["undoable"], true);
    let (status, _, undone) = app
        .post_as(
            "steward-sue",
            &format!("/v1/merges/{}/undo", merge["id"]),
            &json!({ "reason": "the A40 was sent in error" }),
            None,
        )
        .await;
    assert_eq!(status, 200, "{undone}");
    assert_ne!(person_of(&app, "HOSP_A", "HA-40412").await, robert_person);

    // what real feeds send
    for step in ["custom_delimiters", "lf_line_ends", "v23", "v28"] {
        assert_ack(&steps, step, "AA", &[]);
    }
    assert_eq!(steps["custom_delimiters"]["msa2"], "MSG-0019");
    for id in ["HA-40413", "HA-40414", "HA-40415", "HA-40416"] {
        let (status, v) = app.get(&format!("/v1/records/HOSP_A/{id}")).await;
        assert_eq!(status, 200, "{id}");
        assert_eq!(v["record"]["family_name"], "OKONKWO", "{v}");
        assert_eq!(v["record"]["given_name"], "NADIA", "{v}");
    }

    // broken messages
    assert_ack(&steps, "no_msh", "AR", &[]);
    assert_ack(&steps, "bad_segment_id", "AR", &[]);
    assert_eq!(steps["bad_segment_id"]["msa2"], "MSG-0023");
    assert_ack(&steps, "bad_date", "AE", &["PID^1^7", "102"]);
    assert_ack(&steps, "no_authority", "AE", &["PID", "^3", "101"]);
    assert_ack(&steps, "version_22", "AR", &["203"]);
    assert_ack(&steps, "version_30", "AR", &["203"]);
    assert_ack(&steps, "unsupported_type", "AR", &["200"]);
    assert_ack(&steps, "unsupported_trigger", "AR", &["201"]);
    assert_ack(&steps, "processing_id", "AR", &["202"]);
    assert_ack(&steps, "garbage_frame", "AR", &[]);
    assert_ack(&steps, "oversize", "AR", &[]);
    assert_ack(&steps, "after_oversize", "AA", &[]);
    assert_ack(&steps, "after_broken", "AA", &[]);
    for id in ["HA-40418", "HA-40419", "HA-40420", "HA-40421"] {
        let (status, _) = app.get(&format!("/v1/records/HOSP_A/{id}")).await;
        assert_eq!(status, 404, "{id} was refused, nothing stored");
    }

    // several connections at once, and one control id sent on four at the same moment
    let concurrent = &steps["concurrent"];
    for codes in concurrent["codes"].as_array().unwrap() {
        assert_eq!(
            codes,
            &json!(["AA", "AA", "AA", "AA", "AA"]),
            "{concurrent}"
        );
    }
    let duplicates = concurrent["duplicates"].as_array().unwrap();
    assert!(
        duplicates.iter().all(|d| d == &duplicates[0]),
        "{concurrent}"
    );
    assert!(duplicates[0].as_str().unwrap().contains("|AA|MSG-0033"));
    let (_, same) = app.get("/v1/records/HOSP_D/HD-77777").await;
    assert_eq!(same["version"], 1, "{same}");
    for n in 0..6 {
        for i in 0..5 {
            let (status, _) = app.get(&format!("/v1/records/HOSP_D/HD-{n}{i:03}")).await;
            assert_eq!(status, 200, "HD-{n}{i:03}");
        }
    }

    inspection(&app).await;
}

/// Refused messages are kept for inspection (stewards and admins), accepted ones without
/// their text; every message is audited as the feed.
async fn inspection(app: &TestApp) {
    let (status, page) = app.get("/v1/hl7/messages?status=AE&limit=1000").await;
    assert_eq!(status, 200, "{page}");
    let messages = page["messages"].as_array().unwrap();
    let bad_date = messages
        .iter()
        .find(|m| m["control_id"] == "MSG-0024")
        .unwrap_or_else(|| panic!("MSG-0024 in {page}"));
    assert_eq!(bad_date["status"], "AE");
    assert_eq!(bad_date["message_type"], "ADT^A04");
    assert!(
        bad_date["error"].as_str().unwrap().starts_with("PID-7 102"),
        "{bad_date}"
    );
    assert!(
        bad_date.get("raw").is_none(),
        "the list has no message text"
    );
    let (status, full) = app
        .get(&format!("/v1/hl7/messages/{}", bad_date["id"]))
        .await;
    assert_eq!(status, 200);
    assert!(full["raw"].as_str().unwrap().contains("19911345"), "{full}");
    assert!(
        full["ack"].as_str().unwrap().contains("|AE|MSG-0024"),
        "{full}"
    );
    let (_, all) = app.get("/v1/hl7/messages?status=AR&limit=1000").await;
    let broken = all["messages"].as_array().unwrap();
    assert!(
        broken
            .iter()
            .any(|m| m["control_id"].as_str().unwrap().starts_with("unparsed-")),
        "a message without a readable MSH-10 is kept too: {all}"
    );
    let (_, accepted) = app.get("/v1/hl7/messages?status=AA&limit=1000").await;
    let first = accepted["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["control_id"] == "MSG-0001")
        .unwrap()
        .clone();
    let (_, first) = app.get(&format!("/v1/hl7/messages/{}", first["id"])).await;
    assert_eq!(first["raw"], "", "accepted messages are not kept");
    let (status, _) = app.get("/v1/hl7/messages?status=XX").await;
    assert_eq!(status, 400);
    let (status, _) = app.get("/v1/hl7/messages/999999999").await;
    assert_eq!(status, 404);
    let integration = app.client_as("feed-reader", "integration").await;
    let r = integration
        .get(format!("{}/v1/hl7/messages", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    let auditor = app.client_as("auditor-ann", "auditor").await;
    let audit: Value = auditor
        .get(format!(
            "{}/v1/audit?actor=hl7:ADT_SYS@HOSP_A&action=hl7.ADT%5EA40&limit=1000",
            app.base
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entries = audit["entries"].as_array().unwrap();
    assert!(!entries.is_empty(), "{audit}");
    let merged = entries
        .iter()
        .find(|e| e["request_id"] == "hl7:MSG-0007")
        .unwrap_or_else(|| panic!("{audit}"));
    assert_eq!(merged["outcome"], "ok");
    let subjects = merged["subjects"].to_string();
    assert!(subjects.contains("record:HOSP_A/HA-40412"), "{subjects}");
    assert!(subjects.contains("merge:"), "{subjects}");

    let admin = app.client_as("admin-ada", "admin").await;
    let metrics = admin
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("mpi_hl7_messages_total{type=\"ADT^A04\",code=\"AA\"}"),
        "{metrics}"
    );
}

mod sqlite {
    use super::*;

    #[tokio::test]
    async fn an_hl7_feed_over_mllp() {
        checks(spawn_app_mllp(Backend::Sqlite, Default::default()).await).await;
    }
}

mod postgres {
    use super::*;

    #[tokio::test]
    async fn an_hl7_feed_over_mllp() {
        checks(spawn_app_mllp(Backend::Postgres, Default::default()).await).await;
    }
}

/// Sends one message on a fresh connection and reads its answer.
async fn send_raw(addr: std::net::SocketAddr, text: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(&mpi::mllp::frame::encode(text))
        .await
        .unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    while !answer.ends_with(&[0x1C, 0x0D]) {
        let n = stream.read(&mut buffer).await.unwrap();
        assert!(n > 0, "the listener closed the connection");
        answer.extend_from_slice(&buffer[..n]);
    }
    String::from_utf8_lossy(&answer).into_owned()
}

/// A claim left pending by a process that stopped mid-message (never answered) does not
/// block the sender's resend: it is processed.
async fn stale_claims(app: TestApp) {
    common::logs::record_phi(
        &json!({"source_id": "ST-8801", "family_name": "VANTERPOOL", "given_name": "ODILE",
            "birth_date": "19830611"})
        .to_string(),
    );
    let key = mpi::store::hl7::MessageKey {
        sending_application: "ADT_SYS".into(),
        sending_facility: "HOSP_S".into(),
        control_id: "STALE-0001".into(),
    };
    let long_ago = mpi::store::now_ms() - 10 * 60 * 1000;
    let claimed = mpi::store::hl7::claim(&app.service.store.pool, &key, "ADT^A04", long_ago)
        .await
        .unwrap();
    assert!(claimed.is_some());
    let a04 = "MSH|^~\\&|ADT_SYS|HOSP_S|MPI|MPI|20250301101500||ADT^A04^ADT_A01|STALE-0001|P|2.5.1\r\
               PID|1||ST-8801^^^HOSP_S^MR||VANTERPOOL^ODILE||19830611|F\r";
    let answer = send_raw(app.mllp.unwrap(), a04).await;
    assert!(answer.contains("MSA|AA|STALE-0001"), "{answer}");
    let (status, _) = app.get("/v1/records/HOSP_S/ST-8801").await;
    assert_eq!(status, 200);
    // and now it is a normal resend: the same answer
    assert_eq!(send_raw(app.mllp.unwrap(), a04).await, answer);
}

mod stale_sqlite {
    use super::*;

    #[tokio::test]
    async fn a_stale_claim_is_taken_over() {
        stale_claims(spawn_app_mllp(Backend::Sqlite, Default::default()).await).await;
    }
}

mod stale_postgres {
    use super::*;

    #[tokio::test]
    async fn a_stale_claim_is_taken_over() {
        stale_claims(spawn_app_mllp(Backend::Postgres, Default::default()).await).await;
    }
}

/// Updates of one record arriving on several connections at once each keep what the
/// others set (no lost update): every one applies on top of the version before it.
async fn concurrent_updates(app: TestApp) {
    common::logs::record_phi(
        &json!({"source_id": "CU-6601", "family_name": "THORVALDSEN", "given_name": "ASTRID",
            "birth_date": "19770304", "phone": "9785550199", "address_line": "7 Birch Rd",
            "city": "Salem", "postal_code": "01970"})
        .to_string(),
    );
    let addr = app.mllp.unwrap();
    let msh = |event: &str, control: &str| {
        format!(
            "MSH|^~\\&|ADT_SYS|HOSP_U|MPI|MPI|20250301101500||ADT^{event}^ADT_A01|{control}|P|2.5.1\r"
        )
    };
    let a04 = format!(
        "{}PID|1||CU-6601^^^HOSP_U^MR||THORVALDSEN^ASTRID||19770304\r",
        msh("A04", "CU-0001")
    );
    assert!(send_raw(addr, &a04).await.contains("MSA|AA|"));
    let updates = [
        format!(
            "{}PID|1||CU-6601^^^HOSP_U^MR||||||||||^PRN^PH^^^978^5550199\r",
            msh("A08", "CU-0002")
        ),
        format!(
            "{}PID|1||CU-6601^^^HOSP_U^MR||||||||7 Birch Rd^^Salem^MA^01970^^H\r",
            msh("A08", "CU-0003")
        ),
        format!(
            "{}PID|1||CU-6601^^^HOSP_U^MR|||||F\r",
            msh("A08", "CU-0004")
        ),
    ];
    let sends: Vec<_> = updates
        .iter()
        .cloned()
        .map(|m| tokio::spawn(async move { send_raw(addr, &m).await }))
        .collect();
    for s in sends {
        let answer = s.await.unwrap();
        assert!(answer.contains("MSA|AA|"), "{answer}");
    }
    let (_, v) = app.get("/v1/records/HOSP_U/CU-6601").await;
    let r = &v["record"];
    assert_eq!(v["version"], 4, "{v}");
    assert_eq!(r["family_name"], "THORVALDSEN", "{v}");
    assert_eq!(r["birth_date"], "1977-03-04", "{v}");
    assert_eq!(r["city"], "Salem", "{v}");
    assert_eq!(r["sex"], "F", "{v}");
    assert!(!r["phone"].as_str().unwrap().is_empty(), "{v}");
}

mod concurrent_sqlite {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_updates_of_one_record_lose_nothing() {
        concurrent_updates(spawn_app_mllp(Backend::Sqlite, Default::default()).await).await;
    }
}

mod concurrent_postgres {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_updates_of_one_record_lose_nothing() {
        concurrent_updates(spawn_app_mllp(Backend::Postgres, Default::default()).await).await;
    }
}
