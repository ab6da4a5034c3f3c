//! Parsing and encoding ER7 text, header fields, escapes.

use mpi::hl7::{
    Delimiters, Field, Message, MessageBuilder, ParseError, Repetition, Segment, escape, timestamp,
    unescape,
};

const A04: &str = "MSH|^~\\&|REG|HOSP_A|MPI|ENT|20260101120000||ADT^A04^ADT_A01|MSG0001|P|2.5.1\r\
EVN|A04|20260101120000\r\
PID|1||12345^^^HOSP_A^MR~123-45-6789^^^SSA^SS||Doe^Jane^Q^Jr^Dr||19800314|F|||1 Main St^Apt 2^Springfield^IL^62701^^H||^PRN^PH^^^217^5550101\r\
PV1|1|O\r";

#[test]
fn parses_segments_fields_components_and_repetitions() {
    let m = Message::parse(A04).unwrap();
    assert_eq!(m.delimiters, Delimiters::default());
    let ids: Vec<&str> = m.segments.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["MSH", "EVN", "PID", "PV1"]);
    let pid = m.segment("PID").unwrap();
    assert_eq!(pid.text(5, 1), "Doe");
    assert_eq!(pid.text(5, 2), "Jane");
    assert_eq!(pid.text(5, 5), "Dr");
    let ids = pid.field(3).unwrap();
    assert_eq!(ids.repetitions.len(), 2);
    assert_eq!(ids.repetitions[1].component(1), "123-45-6789");
    assert_eq!(ids.repetitions[1].component(5), "SS");
    assert_eq!(pid.text(11, 3), "Springfield");
    assert!(pid.field(2).unwrap().is_empty());
    assert_eq!(pid.field(99), None);
    assert_eq!(pid.text(99, 1), "");
    assert_eq!(pid.text(5, 99), "");
}

#[test]
fn msh_counts_the_field_separator_as_field_one() {
    let m = Message::parse(A04).unwrap();
    let msh = &m.segments[0];
    assert_eq!(msh.text(1, 1), "|");
    assert_eq!(msh.text(2, 1), "^~\\&");
    assert_eq!(msh.text(3, 1), "REG");
    assert_eq!(msh.text(9, 2), "A04");
    assert_eq!(msh.text(10, 1), "MSG0001");
    assert_eq!(msh.text(12, 1), "2.5.1");
}

#[test]
fn header_reads_the_routing_fields() {
    let h = Message::parse(A04).unwrap().header().unwrap();
    assert_eq!(h.sending_application, "REG");
    assert_eq!(h.sending_facility, "HOSP_A");
    assert_eq!(h.receiving_application, "MPI");
    assert_eq!(h.receiving_facility, "ENT");
    assert_eq!(h.message_code, "ADT");
    assert_eq!(h.trigger_event, "A04");
    assert_eq!(h.structure, "ADT_A01");
    assert_eq!(h.control_id, "MSG0001");
    assert_eq!(h.processing_id, "P");
    assert_eq!(h.version, "2.5.1");
}

fn header_error(text: &str) -> ParseError {
    Message::parse(text).unwrap().header().unwrap_err()
}

fn field_error(field: usize, problem: &str) -> ParseError {
    ParseError::Field {
        segment: "MSH".into(),
        sequence: 1,
        field,
        problem: problem.into(),
    }
}

#[test]
fn header_names_the_missing_field() {
    assert_eq!(
        header_error("MSH|^~\\&|A|B|C|D|||ADT^A04|1|P|\r"),
        field_error(12, "the version is missing")
    );
    assert_eq!(
        header_error("MSH|^~\\&|A|B|C|D||||1|P|2.5\r"),
        field_error(9, "the message type is missing")
    );
    assert_eq!(
        header_error("MSH|^~\\&|A|B|C|D|||ADT|1|P|2.5\r"),
        field_error(9, "the trigger event is missing")
    );
    assert_eq!(
        header_error("MSH|^~\\&|A|B|C|D|||ADT^A04||P|2.5\r"),
        field_error(10, "the message control id is missing")
    );
    assert_eq!(
        header_error("MSH|^~\\&|A|B|C|D|||ADT^A04|1|P|3.0\r"),
        field_error(12, "only HL7 version 2 is supported")
    );
}

#[test]
fn an_ack_may_lack_a_trigger_event() {
    let h = Message::parse("MSH|^~\\&|A|B|C|D|||ACK|1|P|2.3\rMSA|AA|9\r")
        .unwrap()
        .header()
        .unwrap();
    assert_eq!(
        (h.message_code.as_str(), h.trigger_event.as_str()),
        ("ACK", "")
    );
}

#[test]
fn segment_separators_cr_lf_crlf_and_blank_lines() {
    let cr = Message::parse("MSH|^~\\&|A\rPID|1\rPV1|1\r").unwrap();
    for text in [
        "MSH|^~\\&|A\nPID|1\nPV1|1\n",
        "MSH|^~\\&|A\r\nPID|1\r\nPV1|1\r\n",
        "\r\n\nMSH|^~\\&|A\r\r\nPID|1\n\n\rPV1|1",
        "\u{feff}MSH|^~\\&|A\rPID|1\rPV1|1",
    ] {
        assert_eq!(Message::parse(text).unwrap(), cr, "{text:?}");
    }
}

#[test]
fn trailing_separators_are_tolerated() {
    let plain = Message::parse("MSH|^~\\&|A\rPID|1||7^^^H\r").unwrap();
    let trailing = Message::parse("MSH|^~\\&|A|||\rPID|1||7^^^H^^~^&^|||^^\r").unwrap();
    assert_eq!(plain, trailing);
}

#[test]
fn empty_and_null_fields() {
    let m = Message::parse("MSH|^~\\&|A\rPID|1|\"\"||^|x\r").unwrap();
    let pid = m.segment("PID").unwrap();
    assert!(pid.field(2).unwrap().is_null());
    assert!(!pid.field(2).unwrap().is_empty());
    assert!(pid.field(3).unwrap().is_empty());
    assert!(pid.field(3).unwrap().repetitions.is_empty());
    assert!(!pid.field(3).unwrap().is_null());
    // a field of separators only holds nothing
    assert!(pid.field(4).unwrap().is_empty());
    // but a null among components is not the field's null
    let m = Message::parse("MSH|^~\\&|A\rPID|1|\"\"^x\r").unwrap();
    assert!(!m.segment("PID").unwrap().field(2).unwrap().is_null());
}

#[test]
fn custom_delimiters() {
    let text = "MSH#*$!@#A#B\rPID#1##7*x@y*z$8#\\value\\\r";
    let m = Message::parse(text).unwrap();
    assert_eq!(
        m.delimiters,
        Delimiters {
            field: '#',
            component: '*',
            repetition: '$',
            escape: '!',
            subcomponent: '@',
            truncation: None,
        }
    );
    let pid = m.segment("PID").unwrap();
    assert_eq!(pid.field(3).unwrap().repetitions.len(), 2);
    assert_eq!(pid.field(3).unwrap().repetitions[0].sub(2, 2), "y");
    assert_eq!(pid.text(4, 1), "\\value\\");
    assert_eq!(m.encode(), text);
    assert_eq!(m.segments[0].text(2, 1), "*$!@");
}

#[test]
fn truncation_character_of_version_2_7() {
    let m = Message::parse("MSH|^~\\&#|A\rPID|1||abc\\P\\d#\r").unwrap();
    assert_eq!(m.delimiters.truncation, Some('#'));
    assert_eq!(m.segments[0].text(2, 1), "^~\\&#");
    assert_eq!(m.segment("PID").unwrap().text(3, 1), "abc#d#");
    assert_eq!(m.encode(), "MSH|^~\\&#|A\rPID|1||abc\\P\\d\\P\\\r");
}

#[test]
fn unusable_headers_and_delimiters() {
    for text in ["", "\r\n", "PID|1\r", "EVN|A04\rMSH|^~\\&\r", "MS"] {
        assert_eq!(Message::parse(text), Err(ParseError::NoHeader), "{text:?}");
    }
    for (text, problem) in [
        ("MSH", "the field separator (MSH-1) is missing"),
        ("MSH|", "4 or 5 encoding characters expected, found 0"),
        ("MSH|^~\\|A", "4 or 5 encoding characters expected, found 3"),
        (
            "MSH|^~\\&#!|A",
            "4 or 5 encoding characters expected, found 6",
        ),
        ("MSH|^~\\^|A", "'^' is declared twice (position 5)"),
        ("MSH|^~|&|A", "4 or 5 encoding characters expected, found 2"),
        (
            "MSH|^~\\A|B",
            "'A' cannot be a delimiter (a letter, digit, space or control character)",
        ),
        (
            "MSH ^~\\& B",
            "' ' cannot be a delimiter (a letter, digit, space or control character)",
        ),
    ] {
        assert_eq!(
            Message::parse(text),
            Err(ParseError::Delimiters(problem.into())),
            "{text:?}"
        );
    }
}

#[test]
fn bad_segment_ids_are_refused_with_their_position() {
    for (text, id) in [
        ("MSH|^~\\&|A\rPID|1\rpv1|1\r", "pv1"),
        ("MSH|^~\\&|A\rPID|1\rPV|1\r", "PV"),
        ("MSH|^~\\&|A\rPID|1\rSMITH JOHN 1980\r", "SMI"),
    ] {
        assert_eq!(
            Message::parse(text),
            Err(ParseError::SegmentId {
                index: 3,
                id: id.into()
            }),
            "{text:?}"
        );
    }
    // a segment with no fields, and Z-segments, are segments
    let m = Message::parse("MSH|^~\\&|A\rZPI|x\rNTE\r").unwrap();
    assert_eq!(m.segments[1].id, "ZPI");
    assert_eq!(m.segments[2], Segment::new("NTE"));
}

#[test]
fn escapes_decode_to_the_delimiters() {
    let d = Delimiters::default();
    assert_eq!(
        unescape("a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f", &d),
        "a|b^c&d~e\\f"
    );
    assert_eq!(unescape("caf\\XC3A9\\", &d), "café");
    assert_eq!(unescape("\\X0D0A\\", &d), "\r\n");
    // bytes that are not UTF-8 are read as ISO 8859-1
    assert_eq!(unescape("caf\\XE9\\", &d), "café");
    // what does not stand for text is kept as text
    for kept in [
        "line\\.br\\next",
        "\\H\\bold\\N\\",
        "\\C2842\\",
        "\\Zlocal\\",
        "\\X\\",
        "\\XZZ\\",
        "\\X123\\",
        "\\\\",
        "no end \\F",
        "\\P\\ (no truncation character declared)",
    ] {
        assert_eq!(unescape(kept, &d), kept, "{kept:?}");
    }
}

#[test]
fn escape_writes_every_delimiter_and_line_break() {
    let d = Delimiters::default();
    assert_eq!(
        escape("a|b^c&d~e\\f\rg\nh", &d),
        "a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\X0D\\g\\X0A\\h"
    );
    assert_eq!(escape("plain text, é", &d), "plain text, é");
    let with_truncation = Delimiters {
        truncation: Some('#'),
        ..d
    };
    assert_eq!(escape("a#b", &with_truncation), "a\\P\\b");
    assert_eq!(escape("a#b", &d), "a#b");
}

#[test]
fn values_are_unescaped_after_splitting() {
    let m = Message::parse("MSH|^~\\&|A\rNTE|1||O\\T\\Brien \\S\\ Co\\F\\x~y\\R\\z\r").unwrap();
    let nte = m.segment("NTE").unwrap();
    let f = nte.field(3).unwrap();
    assert_eq!(f.repetitions.len(), 2);
    assert_eq!(f.repetitions[0].component(1), "O&Brien ^ Co|x");
    assert_eq!(f.repetitions[1].component(1), "y~z");
}

#[test]
fn encode_writes_cr_separated_segments_and_escapes_values() {
    let mut pid = Segment::new("PID");
    pid.set_text(1, "1")
        .set_components(5, &["O|Brien", "Mary^Ann"])
        .set(
            3,
            Field {
                repetitions: vec![
                    Repetition::of(&["7", "", "", "H&A"]),
                    Repetition {
                        components: vec![vec!["8".into()], vec![], vec!["a".into(), "b".into()]],
                    },
                ],
            },
        );
    let m = MessageBuilder::new(
        ("MPI", "ENT"),
        ("REG", "HOSP_A"),
        ("ADT", "A40", "ADT_A39"),
        "c1",
        "2.5.1",
    )
    .push(pid)
    .build();
    let text = m.encode();
    let lines: Vec<&str> = text.split('\r').collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[2], "");
    assert!(lines[0].starts_with("MSH|^~\\&|MPI|ENT|REG|HOSP_A|2"));
    assert!(
        lines[0].ends_with("||ADT^A40^ADT_A39|c1|P|2.5.1"),
        "{}",
        lines[0]
    );
    assert_eq!(
        lines[1],
        "PID|1||7^^^H\\T\\A~8^^a&b||O\\F\\Brien^Mary\\S\\Ann"
    );
    assert_eq!(
        Message::parse(&text)
            .unwrap()
            .segment("PID")
            .unwrap()
            .text(5, 1),
        "O|Brien"
    );
}

#[test]
fn builder_fills_msh() {
    let m = MessageBuilder::new(
        ("MPI", "ENT"),
        ("REG", "HOSP_A"),
        ("ACK", "", ""),
        "42",
        "2.3",
    )
    .processing_id("T")
    .build();
    let msh = &m.segments[0];
    assert_eq!(msh.text(1, 1), "|");
    assert_eq!(msh.text(2, 1), "^~\\&");
    assert_eq!(msh.text(7, 1).len(), 14);
    assert!(msh.text(7, 1).bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(msh.field(9).unwrap(), &Field::of(&["ACK"]));
    assert_eq!(msh.text(10, 1), "42");
    assert_eq!(msh.text(11, 1), "T");
    let h = Message::parse(&m.encode()).unwrap().header().unwrap();
    assert_eq!(
        (
            h.sending_application.as_str(),
            h.receiving_facility.as_str(),
            h.version.as_str()
        ),
        ("MPI", "HOSP_A", "2.3")
    );
}

#[test]
fn timestamps_are_utc_calendar_dates() {
    assert_eq!(timestamp(0), "19700101000000");
    assert_eq!(timestamp(951_782_400), "20000229000000");
    assert_eq!(timestamp(1_709_251_199), "20240229235959");
    assert_eq!(timestamp(4_102_444_800), "21000101000000");
    assert_eq!(timestamp(1_798_761_599), "20261231235959");
}

#[test]
fn encode_writes_delimiters_from_the_message_not_msh_fields() {
    let mut m = Message::parse("MSH|^~\\&|A|B\rPID|1\r").unwrap();
    m.segments[0].set_text(1, "X").set_text(2, "bogus");
    assert_eq!(m.encode(), "MSH|^~\\&|A|B\rPID|1\r");
}

#[test]
fn mllp_framing_left_in_the_text_is_ignored() {
    let plain = Message::parse("MSH|^~\\&|A\rPID|1\r").unwrap();
    assert_eq!(
        Message::parse("\u{b}MSH|^~\\&|A\rPID|1\r\u{1c}\r").unwrap(),
        plain
    );
}

#[test]
fn bytes_are_read_in_the_declared_character_set() {
    let head = "MSH|^~\\&|A|B|C|D|||ADT^A04|1|P|2.5|||||";
    let family = |m: Message| m.segment("PID").unwrap().text(5, 1).to_string();
    // ISO 8859-1 declared: é is one byte
    let mut latin1 = format!("{head}|8859/1\rPID|1||7||Ren").into_bytes();
    latin1.extend([0xE9, b'\r']);
    assert_eq!(family(Message::parse_bytes(&latin1).unwrap()), "René");
    // UTF-8 declared or undeclared
    let utf8 = format!("{head}|UNICODE UTF-8\rPID|1||7||René\r");
    assert_eq!(
        family(Message::parse_bytes(utf8.as_bytes()).unwrap()),
        "René"
    );
    let undeclared = format!("{head}\rPID|1||7||René\r");
    assert_eq!(
        family(Message::parse_bytes(undeclared.as_bytes()).unwrap()),
        "René"
    );
    // undeclared bytes that are not UTF-8 are ISO 8859-1
    let mut undeclared = format!("{head}\rPID|1||7||Ren").into_bytes();
    undeclared.extend([0xE9, b'\r']);
    assert_eq!(family(Message::parse_bytes(&undeclared).unwrap()), "René");
    // a declaration in a repetition of MSH-18 counts by its first one
    let mut repeated = format!("{head}|8859/1~ISO IR6\rPID|1||7||Ren").into_bytes();
    repeated.extend([0xE9, b'\r']);
    assert_eq!(family(Message::parse_bytes(&repeated).unwrap()), "René");
    assert_eq!(Message::parse_bytes(b"garbage"), Err(ParseError::NoHeader));
    assert_eq!(
        Message::parse_bytes(&[0xff, 0xfe]),
        Err(ParseError::NoHeader)
    );
}

#[test]
fn built_fields_take_the_parsed_form() {
    assert_eq!(Field::of(&[""]), Field::default());
    assert_eq!(Field::of(&["", ""]), Field::default());
    assert_eq!(Repetition::of(&["a", "", ""]), Repetition::of(&["a"]));
    assert_eq!(
        Repetition::of(&["", "b"]).components,
        [vec![String::new()], vec!["b".to_string()]]
    );
    let mut s = Segment::new("PID");
    s.set_text(3, "x");
    assert_eq!(s.fields.len(), 3);
    assert!(s.field(1).unwrap().is_empty());
    assert_eq!(s.text(3, 1), "x");
}
