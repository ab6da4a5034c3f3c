//! Messages shaped like real feeds' (synthetic patients), from `testdata/hl7/`.

use mpi::hl7::{Message, merges_of, patient_of};

fn sample(name: &str) -> Message {
    let path = format!("{}/testdata/hl7/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap();
    Message::parse_bytes(&bytes).unwrap()
}

#[test]
fn an_a01_in_2_3_with_a_z_segment() {
    let m = sample("adt_a01_v23.hl7");
    let h = m.header().unwrap();
    assert_eq!(
        (
            h.message_code.as_str(),
            h.trigger_event.as_str(),
            h.structure.as_str(),
            h.version.as_str()
        ),
        ("ADT", "A01", "", "2.3")
    );
    assert_eq!(m.segments.len(), 6);
    assert_eq!(m.segments[5].id, "ZPI");
    let p = patient_of(&m).unwrap();
    let r = &p.record;
    assert_eq!(
        (r.source.as_str(), r.source_id.as_str()),
        ("HOSP_A", "HA0000123")
    );
    assert_eq!(
        (
            r.family_name.as_str(),
            r.given_name.as_str(),
            r.middle_name.as_str()
        ),
        ("GARCIA", "MARIA", "ELENA")
    );
    assert_eq!((r.birth_date.as_str(), r.sex.as_str()), ("1975-06-22", "F"));
    assert_eq!(r.address_line, "742 EVERGREEN TER");
    assert_eq!(
        (r.city.as_str(), r.state.as_str(), r.postal_code.as_str()),
        ("SPRINGFIELD", "OR", "97477")
    );
    // the home phone, not the business one (PID-14)
    assert_eq!(r.phone, "(541)555-0147");
    assert_eq!(r.email, "maria.garcia@example.org");
    assert_eq!(r.ssn, "555-12-3456");
}

#[test]
fn an_a08_in_2_5_1_with_lf_escapes_and_utf8() {
    let m = sample("adt_a08_v251_lf.hl7");
    assert_eq!(m.header().unwrap().control_id, "LAB-884");
    let p = patient_of(&m).unwrap();
    let r = &p.record;
    assert_eq!(
        (r.source.as_str(), r.source_id.as_str()),
        ("LAB_C", "L-55102")
    );
    assert_eq!(
        (
            r.family_name.as_str(),
            r.given_name.as_str(),
            r.suffix.as_str()
        ),
        ("O&BRIEN", "SEÁN", "III")
    );
    assert_eq!(r.birth_date, "1962-01-01");
    // a formatting escape stays as text
    assert_eq!(r.address_line, "12 QUAY ST\\.br\\FLAT 3");
    assert_eq!(r.postal_code, "H91 XK2");
    assert_eq!(r.phone, "915550123");
    // PID-19, PID-7.. not sent: an update keeps them; PID-11 sent: its state empties
    assert!(!p.sends("ssn"));
    assert!(p.sends("state"));
    assert_eq!(r.state, "");
}

#[test]
fn an_a40_with_crlf() {
    let m = sample("adt_a40_v251_crlf.hl7");
    let merges = merges_of(&m).unwrap();
    assert_eq!(merges.len(), 1);
    assert_eq!(merges[0].survivor.key().source_id, "HA0000123");
    assert_eq!(merges[0].prior.source, "HOSP_A");
    assert_eq!(merges[0].prior.source_id, "HA0000999");
}
