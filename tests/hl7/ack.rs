//! Acknowledgments: MSH answering the request, MSA, ERR in the version's shape.

use mpi::hl7::{
    AckCode, AckError, ErrorCode, Location, Message, ParseError, Sender, Severity, ack,
};

fn sender() -> Sender {
    Sender {
        application: "MPI".into(),
        facility: "ENT".into(),
    }
}

fn request(version: &str) -> Message {
    Message::parse(&format!(
        "MSH|^~\\&|REG|HOSP_A|MPI|ENT|20260101120000||ADT^A08^ADT_A01|MSG42|T|{version}\r\
         PID|1||7^^^HOSP_A^MR||Doe^Jane\r"
    ))
    .unwrap()
}

/// The answer as sent and parsed back, with MSH-7 (the time) blanked.
fn lines(m: &Message) -> Vec<String> {
    let text = m.encode();
    let parsed = Message::parse(&text).unwrap();
    assert_eq!(&parsed, m, "an ACK survives its own encoding");
    text.split('\r')
        .filter(|l| !l.is_empty())
        .map(|l| {
            if l.starts_with("MSH") {
                let mut f: Vec<&str> = l.split('|').collect();
                f[6] = "";
                f.join("|")
            } else {
                l.to_string()
            }
        })
        .collect()
}

#[test]
fn accept_answers_the_request() {
    let a = ack(&request("2.5.1"), AckCode::Accept, &[], &sender(), "ACK1");
    assert_eq!(
        lines(&a),
        [
            "MSH|^~\\&|MPI|ENT|REG|HOSP_A|||ACK^A08^ACK|ACK1|T|2.5.1",
            "MSA|AA|MSG42",
        ]
    );
    let h = a.header().unwrap();
    assert_eq!(
        (h.message_code.as_str(), h.control_id.as_str()),
        ("ACK", "ACK1")
    );
}

#[test]
fn errors_from_2_5_are_one_err_each_with_location_code_severity_message() {
    let errors = [
        AckError::at(ErrorCode::DataType, "PID", 2, 7, "PID-7: not a date"),
        AckError {
            code: ErrorCode::TableValueNotFound,
            severity: Severity::Warning,
            location: Some(Location {
                segment: "PID".into(),
                sequence: 2,
                field: 8,
                component: 1,
            }),
            message: "sex | not known".into(),
        },
        AckError::general(ErrorCode::InternalError, "try again")
            .with_severity(Severity::Information),
    ];
    let a = ack(&request("2.6"), AckCode::Error, &errors, &sender(), "ACK2");
    assert_eq!(
        lines(&a)[1..],
        [
            "MSA|AE|MSG42|PID-7: not a date",
            "ERR||PID^2^7|102^Data type error^HL70357|E||||PID-7: not a date",
            "ERR||PID^2^8^1^1|103^Table value not found^HL70357|W||||sex \\F\\ not known",
            "ERR|||207^Application internal error^HL70357|I||||try again",
        ]
    );
}

#[test]
fn errors_before_2_5_repeat_in_err_1() {
    let errors = [
        AckError::at(
            ErrorCode::RequiredFieldMissing,
            "PID",
            2,
            3,
            "PID-3: missing",
        ),
        AckError::general(ErrorCode::UnsupportedEvent, "A99 is not supported"),
    ];
    for version in ["2.3", "2.3.1", "2.4"] {
        let a = ack(
            &request(version),
            AckCode::Reject,
            &errors,
            &sender(),
            "ACK3",
        );
        assert_eq!(
            lines(&a)[1..],
            [
                "MSA|AR|MSG42|PID-3: missing",
                "ERR|PID^2^3^101&Required field missing&HL70357~^^^201&Unsupported event code&HL70357",
            ],
            "{version}"
        );
    }
}

#[test]
fn a_message_without_a_usable_header_is_still_answered() {
    let m = Message::parse("MSH|^~\\&|REG|HOSP_A\rPID|1\r").unwrap();
    let e = m.header().unwrap_err();
    let a = ack(
        &m,
        AckCode::Reject,
        &[AckError::from(&e)],
        &sender(),
        "ACK4",
    );
    assert_eq!(
        lines(&a),
        [
            "MSH|^~\\&|MPI|ENT|REG|HOSP_A|||ACK^^ACK|ACK4|P|2.5.1",
            "MSA|AR||MSH-9: the message type is missing",
            "ERR||MSH^1^9|101^Required field missing^HL70357|E||||MSH-9: the message type is missing",
        ]
    );
}

#[test]
fn parse_errors_map_to_table_0357() {
    let cases = [
        (ParseError::NoHeader, ErrorCode::SegmentSequence, None),
        (
            ParseError::Delimiters("x".into()),
            ErrorCode::DataType,
            Some(("MSH", 1, 2)),
        ),
        (
            ParseError::SegmentId {
                index: 3,
                id: "pv1".into(),
            },
            ErrorCode::SegmentSequence,
            None,
        ),
        (
            Message::parse("MSH|^~\\&|A|B|C|D|||ADT^A04|1|P|3.0\r")
                .unwrap()
                .header()
                .unwrap_err(),
            ErrorCode::UnsupportedVersion,
            Some(("MSH", 1, 12)),
        ),
        (
            Message::parse("MSH|^~\\&|A|B|C|D|||ADT^A04||P|2.5\r")
                .unwrap()
                .header()
                .unwrap_err(),
            ErrorCode::RequiredFieldMissing,
            Some(("MSH", 1, 10)),
        ),
    ];
    for (e, code, at) in cases {
        let a = AckError::from(&e);
        assert_eq!(a.code, code, "{e:?}");
        assert_eq!(a.severity, Severity::Error);
        assert_eq!(a.message, e.to_string());
        let at2 = a
            .location
            .as_ref()
            .map(|l| (l.segment.as_str(), l.sequence, l.field));
        assert_eq!(at2, at, "{e:?}");
    }
}

#[test]
fn codes() {
    assert_eq!(
        [AckCode::Accept, AckCode::Error, AckCode::Reject].map(AckCode::code),
        ["AA", "AE", "AR"]
    );
    assert_eq!(ErrorCode::UnknownKey.number(), 204);
    assert_eq!(ErrorCode::DuplicateKey.text(), "Duplicate key identifier");
    assert_eq!(ErrorCode::UnsupportedMessageType.number(), 200);
    assert_eq!(ErrorCode::UnsupportedProcessingId.number(), 202);
    assert_eq!(ErrorCode::RecordLocked.number(), 206);
}
