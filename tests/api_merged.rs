//! A merged person's id keeps answering: `/v1/persons/{id}` redirects (308) to the
//! survivor, the FHIR Patient says `active: false` with a `replaced-by` link. The merge
//! itself is made in the database here (the stewardship API that merges comes with the
//! review queue).

#[macro_use]
mod common;

use common::app::TestApp;
use serde_json::json;

both!(
    a_merged_person_points_to_its_survivor,
    |app: TestApp| async move {
        let (_, a) = app
            .post(
                "/v1/records",
                &json!({"source": "HOSP_A", "source_id": "1", "given_name": "Ines",
                        "family_name": "Duarte", "birth_date": "1961-08-19"}),
            )
            .await;
        let (_, b) = app
            .post(
                "/v1/records",
                &json!({"source": "HOSP_B", "source_id": "2", "given_name": "Kwame",
                        "family_name": "Mensah", "birth_date": "1990-01-05"}),
            )
            .await;
        let (survivor, loser) = (
            a["person_id"].as_str().unwrap().to_string(),
            b["person_id"].as_str().unwrap().to_string(),
        );
        assert_ne!(survivor, loser);

        let store = mpi::store::Store::connect(&app.db.url).await.unwrap();
        let mut tx = store.begin().await.unwrap();
        mpi::store::persons::mark_merged(&mut tx, &loser, &survivor, mpi::store::now_ms())
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let client = crate::common::app::client_no_redirect(&app.key);
        let r = client
            .get(format!("{}/v1/persons/{loser}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 308);
        assert_eq!(
            r.headers()["location"].to_str().unwrap(),
            format!("/v1/persons/{survivor}")
        );
        // a client that follows redirects lands on the survivor
        let (status, p) = app.get(&format!("/v1/persons/{loser}")).await;
        assert_eq!(
            (status, p["person_id"].as_str()),
            (200, Some(survivor.as_str()))
        );

        let patient: serde_json::Value = app
            .client
            .get(format!("{}/fhir/Patient/{loser}", app.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(patient["active"], false);
        assert_eq!(patient["link"][0]["type"], "replaced-by");
        assert_eq!(
            patient["link"][0]["other"]["reference"],
            format!("Patient/{survivor}")
        );
    }
);
