//! PID and MRG to canonical records and back.

use mpi::domain::RawRecord;
use mpi::hl7::{
    ErrorCode, Identifier, MappingError, Message, MessageBuilder, PatientRecord, merges_of,
    mrg_segment, patient_of, pid_field_of, pid_segment,
};
use mpi::identity::outcome::RecordRef;

fn message(pid: &str) -> Message {
    Message::parse(&format!(
        "MSH|^~\\&|REG|HOSP_A|MPI|ENT|20260101120000||ADT^A08^ADT_A01|M1|P|2.5.1\r\
         EVN|A08|20260101120000\r{pid}\rPV1|1|O\r"
    ))
    .unwrap()
}

fn patient(pid: &str) -> PatientRecord {
    patient_of(&message(pid)).unwrap()
}

fn mapping_error(pid: &str) -> MappingError {
    patient_of(&message(pid)).unwrap_err()
}

const CANONICAL: [&str; 13] = [
    "given_name",
    "middle_name",
    "family_name",
    "suffix",
    "sex",
    "birth_date",
    "ssn",
    "phone",
    "email",
    "address_line",
    "city",
    "state",
    "postal_code",
];

#[test]
fn a_full_pid() {
    let p = patient(
        "PID|1||12345^^^HOSP_A^MR~123-45-6789^^^SSA^SS||Doe^Jane^Q^Jr^Dr^^L||19800314|F|||\
         1 Main St^Apt 2^Springfield^IL^62701^USA^H||^PRN^PH^^1^217^5550101~^NET^Internet^jane@example.org",
    );
    assert_eq!(
        p.record,
        RawRecord {
            source: "HOSP_A".into(),
            source_id: "12345".into(),
            given_name: "Jane".into(),
            middle_name: "Q".into(),
            family_name: "Doe".into(),
            suffix: "Jr".into(),
            sex: "F".into(),
            birth_date: "1980-03-14".into(),
            ssn: "123-45-6789".into(),
            phone: "2175550101".into(),
            email: "jane@example.org".into(),
            address_line: "1 Main St Apt 2".into(),
            city: "Springfield".into(),
            state: "IL".into(),
            postal_code: "62701".into(),
            ..RawRecord::default()
        }
    );
    assert_eq!(p.sequence, 1);
    assert_eq!(
        p.key(),
        RecordRef {
            source: "HOSP_A".into(),
            source_id: "12345".into()
        }
    );
    for f in CANONICAL {
        assert!(p.sends(f), "{f}");
    }
    assert!(!p.sends("record_id"));
}

#[test]
fn the_medical_record_number_is_chosen_by_type() {
    let key = |pid: &str| patient(pid).key();
    let r = |s: &str, id: &str| RecordRef {
        source: s.into(),
        source_id: id.into(),
    };
    // MR before PI, PT and untyped; SS and DL are never record numbers
    assert_eq!(
        key("PID|1||111^^^SSA^SS~222^^^DMV^DL~333^^^X^PI~444^^^Y^MR"),
        r("Y", "444")
    );
    assert_eq!(key("PID|1||111^^^SSA^SS~333^^^X^PI~555^^^Z"), r("X", "333"));
    assert_eq!(key("PID|1||111^^^SSA^SS~555^^^Z"), r("Z", "555"));
    // no assigning authority: the sending facility (MSH-4) scopes it
    assert_eq!(key("PID|1||777"), r("HOSP_A", "777"));
    // the universal id when the namespace is empty
    assert_eq!(
        key("PID|1||888^^^&2.16.840.1.113883.3.1&ISO^MR"),
        r("2.16.840.1.113883.3.1", "888")
    );
    // whitespace around the number is not part of it
    assert_eq!(key("PID|1|| 999 ^^^H^MR"), r("H", "999"));
}

#[test]
fn no_record_number_is_an_error_at_pid_3() {
    let e = MappingError {
        segment: "PID",
        sequence: 1,
        field: 3,
        problem: "no medical record number (an identifier of type MR, PI or PT)",
        code: ErrorCode::RequiredFieldMissing,
    };
    assert_eq!(mapping_error("PID|1||111^^^SSA^SS"), e);
    assert_eq!(mapping_error("PID|1||||Doe^Jane"), e);
    assert_eq!(mapping_error("PID|1||\"\""), e);
    assert_eq!(
        e.to_string(),
        "PID-3: no medical record number (an identifier of type MR, PI or PT)"
    );
    let no_facility =
        Message::parse("MSH|^~\\&|REG||MPI|ENT|||ADT^A04|1|P|2.5\rPID|1||42\r").unwrap();
    assert_eq!(
        patient_of(&no_facility).unwrap_err().problem,
        "the medical record number names no assigning authority and MSH-4 is empty"
    );
    let no_pid = Message::parse("MSH|^~\\&|REG|H|MPI|ENT|||ADT^A04|1|P|2.5\rEVN|A04\r").unwrap();
    let e = patient_of(&no_pid).unwrap_err();
    assert_eq!((e.sequence, e.code), (0, ErrorCode::SegmentSequence));
    assert_eq!(e.problem, "the PID segment is missing");
}

#[test]
fn names_prefer_the_legal_one() {
    let p = patient("PID|1||1^^^H^MR||Smith^Bob^^^^^A~Smith^Robert^James Lee^III^^^L");
    assert_eq!(
        (
            p.record.given_name.as_str(),
            p.record.middle_name.as_str(),
            p.record.suffix.as_str()
        ),
        ("Robert", "James Lee", "III")
    );
    let p = patient("PID|1||1^^^H^MR||Smith&van&Smith^Bob~Other^Name");
    assert_eq!(
        (p.record.family_name.as_str(), p.record.given_name.as_str()),
        ("Smith", "Bob")
    );
    // an empty first repetition is skipped
    let p = patient("PID|1||1^^^H^MR||~Roe^Ann");
    assert_eq!(p.record.family_name, "Roe");
}

#[test]
fn birth_dates_take_the_date_of_a_dtm() {
    let date = |dtm: &str| {
        patient(&format!("PID|1||1^^^H^MR||||{dtm}"))
            .record
            .birth_date
    };
    assert_eq!(date("19800314"), "1980-03-14");
    assert_eq!(date("198003141230"), "1980-03-14");
    assert_eq!(date("19800314123059.5+0100"), "1980-03-14");
    // less than a day is left for registration to refuse
    assert_eq!(date("198003"), "198003");
    assert_eq!(date("1980"), "1980");
    assert_eq!(date("1980-03-14"), "1980-03-14");
}

#[test]
fn sex_codes() {
    let sex = |code: &str| patient(&format!("PID|1||1^^^H^MR|||||{code}")).record.sex;
    assert_eq!(sex("M"), "M");
    assert_eq!(sex("F"), "F");
    assert_eq!(sex("O"), "O");
    assert_eq!(sex("A"), "O");
    assert_eq!(sex("U"), "U");
    assert_eq!(sex("N"), "N");
}

#[test]
fn addresses_prefer_home_and_skip_bad_ones() {
    let p =
        patient("PID|1||1^^^H^MR||||||||9 Work Rd^^Office^CA^90001^^B~1 Home Ln^^Town^IL^60601^^H");
    assert_eq!(
        (
            p.record.address_line.as_str(),
            p.record.city.as_str(),
            p.record.postal_code.as_str()
        ),
        ("1 Home Ln", "Town", "60601")
    );
    let p = patient(
        "PID|1||1^^^H^MR||||||||Old St^^Gone^IL^1^^BA~2 New St&2 New St&2^^Town^IL^60601^^M",
    );
    assert_eq!(
        (p.record.address_line.as_str(), p.record.state.as_str()),
        ("2 New St", "IL")
    );
}

#[test]
fn telecoms() {
    let t = |pid: &str| {
        let r = patient(pid).record;
        (r.phone, r.email)
    };
    // XTN-1 as sent (2.3 style), e-mail in XTN-4
    assert_eq!(
        t("PID|1||1^^^H^MR||||||||||(217)555-0101X12^WPN^PH~^NET^Internet^a@b.org"),
        ("(217)555-0101X12".to_string(), "a@b.org".to_string())
    );
    // the primary residence number before others; fax and pager are not phones
    assert_eq!(
        t(
            "PID|1||1^^^H^MR||||||||||^ORN^FX^^^217^5550100~^WPN^BP^^^217^5550102~^ORN^CP^^^217^5550103~^PRN^PH^^^217^5550104"
        ),
        ("2175550104".to_string(), String::new())
    );
    assert_eq!(
        t("PID|1||1^^^H^MR||||||||||^ORN^CP^^^217^5550103"),
        ("2175550103".to_string(), String::new())
    );
    // e-mail in XTN-1, where versions before 2.3 put it; PID-40 when PID-13 has none
    let mut pid40 = String::from("PID|1||1^^^H^MR||||||||||a@b.org^NET^X.400");
    pid40.push_str(&"|".repeat(27));
    pid40.push_str("^PRN^PH^^^312^5550199");
    assert_eq!(t(&pid40), ("3125550199".to_string(), "a@b.org".to_string()));
}

#[test]
fn the_ssn_from_pid_3_or_pid_19() {
    let ssn = |pid: &str| patient(pid).record.ssn;
    // PID-19 after 15 empty fields
    let pid19 = "|".repeat(16) + "999-88-7777";
    assert_eq!(
        ssn(&format!("PID|1||1^^^H^MR~111-22-3333^^^SSA^SS{pid19}")),
        "111-22-3333"
    );
    assert_eq!(ssn(&format!("PID|1||1^^^H^MR{pid19}")), "999-88-7777");
    let next = patient(&format!("PID|1||1^^^HOSP_A^MR{pid19}")).onto(&previous());
    assert_eq!(next.ssn, "999-88-7777");
    assert_eq!(ssn("PID|1||1^^^H^MR"), "");
}

#[test]
fn pid_fields_of_canonical_fields() {
    assert_eq!(pid_field_of("birth_date"), Some(7));
    assert_eq!(pid_field_of("family_name"), Some(5));
    assert_eq!(pid_field_of("postal_code"), Some(11));
    assert_eq!(pid_field_of("email"), Some(13));
    assert_eq!(pid_field_of("ssn"), Some(19));
    assert_eq!(pid_field_of("source_id"), Some(3));
    assert_eq!(pid_field_of("record_id"), None);
    let p = patient("PID|1||1^^^H^MR||||1980");
    let e = p.error_at("birth_date", ErrorCode::DataType, "PID-7: not a real date");
    let l = e.location.unwrap();
    assert_eq!((l.segment.as_str(), l.sequence, l.field), ("PID", 1, 7));
    assert_eq!(e.code, ErrorCode::DataType);
    let e = p.error_at("record_id", ErrorCode::InternalError, "x");
    assert_eq!((e.location, e.code), (None, ErrorCode::InternalError));
}

fn previous() -> RawRecord {
    RawRecord {
        record_id: "r1".into(),
        source: "HOSP_A".into(),
        source_id: "1".into(),
        given_name: "Jane".into(),
        middle_name: "Q".into(),
        family_name: "Doe".into(),
        suffix: "Jr".into(),
        sex: "F".into(),
        birth_date: "1980-03-14".into(),
        ssn: "123-45-6789".into(),
        phone: "2175550101".into(),
        email: "jane@example.org".into(),
        address_line: "1 Main St".into(),
        city: "Springfield".into(),
        state: "IL".into(),
        postal_code: "62701".into(),
    }
}

#[test]
fn an_update_keeps_what_it_does_not_send() {
    let p = patient("PID|1||1^^^HOSP_A^MR||||||||||||");
    for f in CANONICAL {
        assert!(!p.sends(f), "{f}");
    }
    assert_eq!(p.onto(&previous()), previous());
}

#[test]
fn an_update_clears_what_it_nulls() {
    let p = patient("PID|1||1^^^HOSP_A^MR||\"\"||\"\"|\"\"|||\"\"||\"\"||||||\"\"");
    let next = p.onto(&previous());
    assert_eq!(
        next,
        RawRecord {
            record_id: "r1".into(),
            source: "HOSP_A".into(),
            source_id: "1".into(),
            ..RawRecord::default()
        }
    );
    for f in CANONICAL {
        assert!(p.sends(f), "{f}");
    }
}

#[test]
fn an_update_replaces_whole_fields() {
    // PID-5 sent without the middle name and suffix: they are cleared; a component null
    // is an empty component; everything else is kept
    let p = patient("PID|1||1^^^HOSP_A^MR||Doe-Smith^Jane^^\"\"|||M");
    let next = p.onto(&previous());
    let mut expected = previous();
    expected.family_name = "Doe-Smith".into();
    expected.middle_name = String::new();
    expected.suffix = String::new();
    expected.sex = "M".into();
    assert_eq!(next, expected);
    // the phone alone clears the e-mail (one field, PID-13, holds both)
    let next = patient("PID|1||1^^^HOSP_A^MR||||||||||^PRN^PH^^^312^5550199").onto(&previous());
    assert_eq!(
        (next.phone.as_str(), next.email.as_str()),
        ("3125550199", "")
    );
    // an SSN in PID-3 is sent even when PID-19 is not
    let next = patient("PID|1||1^^^HOSP_A^MR~987-65-4321^^^SSA^SS").onto(&previous());
    assert_eq!(next.ssn, "987-65-4321");
}

#[test]
fn a40_merges_each_pid_with_its_mrg() {
    let m = Message::parse(
        "MSH|^~\\&|REG|HOSP_A|MPI|ENT|20260101120000||ADT^A40^ADT_A39|M2|P|2.5.1\r\
         EVN|A40|20260101120000\r\
         PID|1||100^^^HOSP_A^MR||Doe^Jane\r\
         MRG|200^^^HOSP_A^MR\r\
         PID|2||101\r\
         MRG|201~999-99-9999^^^SSA^SS\r",
    )
    .unwrap();
    let merges = merges_of(&m).unwrap();
    assert_eq!(merges.len(), 2);
    assert_eq!(merges[0].survivor.key().source_id, "100");
    assert_eq!(merges[0].survivor.record.family_name, "Doe");
    assert_eq!(
        merges[0].prior,
        RecordRef {
            source: "HOSP_A".into(),
            source_id: "200".into()
        }
    );
    assert_eq!(merges[1].survivor.sequence, 2);
    assert_eq!(merges[1].prior.source_id, "201");
}

#[test]
fn a40_errors() {
    let merge_error = |body: &str| {
        let m = Message::parse(&format!(
            "MSH|^~\\&|REG|HOSP_A|MPI|ENT|||ADT^A40^ADT_A39|M2|P|2.5.1\rEVN|A40\r{body}"
        ))
        .unwrap();
        let e = merges_of(&m).unwrap_err();
        (e.segment, e.sequence, e.field, e.code)
    };
    use ErrorCode::{RequiredFieldMissing as Missing, SegmentSequence as Order};
    let cases = [
        ("PID|1||100\r", ("PID", 1, 0, Order)),
        ("PID|1||100\rPID|2||101\rMRG|1\r", ("PID", 1, 0, Order)),
        ("MRG|200\rPID|1||100\r", ("MRG", 1, 0, Order)),
        ("PID|1||100\rMRG|\"\"\r", ("MRG", 1, 1, Missing)),
        ("", ("PID", 0, 0, Order)),
        ("PID|1||^^^H^MR\rMRG|1\r", ("PID", 1, 3, Missing)),
        // ERR-2.2 counts the segment's occurrences, not its place among all segments
        (
            "PID|1||100\rMRG|200\rPID|2||101\rMRG|\"\"\r",
            ("MRG", 2, 1, Missing),
        ),
        (
            "PID|1||100\rMRG|200\rPID|2||^^^H^MR\rMRG|1\r",
            ("PID", 2, 3, Missing),
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(merge_error(body), expected, "{body:?}");
    }
}

#[test]
fn outbound_pid_and_mrg_read_back_as_the_record() {
    let record = RawRecord {
        source: "HOSP_A".into(),
        source_id: "1".into(),
        given_name: "Mary^Ann".into(),
        family_name: "O|Brien".into(),
        middle_name: "B".into(),
        suffix: "Sr".into(),
        sex: "female".into(),
        birth_date: "03/14/1980".into(),
        ssn: "123-45-6789".into(),
        phone: "217-555-0101".into(),
        email: "m@example.org".into(),
        address_line: "1 Main St & Co".into(),
        city: "Springfield".into(),
        state: "IL".into(),
        postal_code: "62701".into(),
        ..RawRecord::default()
    };
    let survivor = RecordRef {
        source: "HOSP_A".into(),
        source_id: "1".into(),
    };
    let prior = RecordRef {
        source: "LAB_C".into(),
        source_id: "L9".into(),
    };
    let mpi_id = Identifier {
        id: "p-42".into(),
        authority: "MPI".into(),
        type_code: "PI".into(),
    };
    let m = MessageBuilder::new(
        ("MPI", "ENT"),
        ("REG", "HOSP_A"),
        ("ADT", "A40", "ADT_A39"),
        "o1",
        "2.5.1",
    )
    .push(pid_segment(&[Identifier::mrn(&survivor), mpi_id], &record))
    .push(mrg_segment(&[Identifier::mrn(&prior)]))
    .build();
    let text = m.encode();
    assert!(text.contains("\rPID|1||1^^^HOSP_A^MR~p-42^^^MPI^PI||O\\F\\Brien^Mary\\S\\Ann^B^Sr^^^L||19800314|F|||1 Main St \\T\\ Co^^Springfield^IL^62701^^H||217-555-0101^PRN^PH~^NET^Internet^m@example.org\r"), "{text}");
    assert!(text.ends_with("\rMRG|L9^^^LAB_C^MR\r"), "{text}");
    let merges = merges_of(&Message::parse(&text).unwrap()).unwrap();
    assert_eq!(merges[0].prior, prior);
    let back = &merges[0].survivor.record;
    let expected = RawRecord {
        sex: "F".into(),
        birth_date: "1980-03-14".into(),
        ssn: String::new(),
        ..record
    };
    assert_eq!(back, &expected);
}

#[test]
fn outbound_pid_leaves_out_what_the_record_lacks() {
    let record = RawRecord {
        family_name: "Doe".into(),
        birth_date: "not a date".into(),
        sex: "U".into(),
        ..RawRecord::default()
    };
    let pid = pid_segment(&[], &record);
    let m = MessageBuilder::new(("A", "B"), ("C", "D"), ("ADT", "A40", ""), "1", "2.5")
        .push(pid)
        .build();
    assert!(
        m.encode().ends_with("\rPID|1||||Doe^^^^^^L\r"),
        "{}",
        m.encode()
    );
}
