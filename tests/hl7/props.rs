//! Properties: escape round trips, parse(encode(m)) == m for canonical messages, and
//! parsing never panics on any input.

use mpi::hl7::{Delimiters, Field, Message, Repetition, Segment, escape, patient_of, unescape};
use proptest::prelude::*;

fn delimiters() -> impl Strategy<Value = Delimiters> {
    prop_oneof![
        Just(Delimiters::default()),
        Just(Delimiters {
            truncation: Some('#'),
            ..Delimiters::default()
        }),
        Just(Delimiters {
            field: '!',
            component: '*',
            repetition: '$',
            escape: '?',
            subcomponent: '%',
            truncation: None,
        }),
    ]
}

/// Text drawn to hit delimiters, escape-like sequences, line breaks and non-ASCII.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9 ]{0,6}",
        "[|^~\\\\&#!*$?%FSTREXP.br\r\n a-z]{0,12}",
        any::<String>(),
    ]
}

/// A non-empty value (so nothing trails empty in a canonical message).
fn valued() -> impl Strategy<Value = String> {
    value().prop_filter("non-empty", |s| !s.is_empty())
}

fn component() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        Just(vec![String::new()]),
        (prop::collection::vec(value(), 0..3), valued()).prop_map(|(mut v, last)| {
            v.push(last);
            v
        }),
    ]
}

fn repetition() -> impl Strategy<Value = Repetition> {
    (
        prop::collection::vec(component(), 0..4),
        prop_oneof![
            Just(None),
            (prop::collection::vec(value(), 0..2), valued()).prop_map(Some)
        ],
    )
        .prop_map(|(mut components, last)| {
            match last {
                Some((mut v, l)) => {
                    v.push(l);
                    components.push(v);
                }
                // a repetition ending in an empty component is trimmed to its last value
                None => components.clear(),
            }
            Repetition { components }
        })
}

fn field() -> impl Strategy<Value = Field> {
    prop_oneof![
        Just(Field::default()),
        (prop::collection::vec(repetition(), 0..3), repetition())
            .prop_filter("last repetition valued", |(_, last)| !last
                .components
                .is_empty())
            .prop_map(|(mut reps, last)| {
                reps.push(last);
                Field { repetitions: reps }
            }),
    ]
}

fn segment() -> impl Strategy<Value = Segment> {
    (
        "(PID|PV1|NTE|OBX|Z[A-Z0-9]{2})",
        prop::collection::vec(field(), 0..6),
        field(),
    )
        .prop_map(|(id, mut fields, last)| {
            if !last.repetitions.is_empty() {
                fields.push(last);
            } else {
                while fields.last().is_some_and(|f| f.repetitions.is_empty()) {
                    fields.pop();
                }
            }
            Segment { id, fields }
        })
}

fn message() -> impl Strategy<Value = Message> {
    (
        delimiters(),
        prop::collection::vec(field(), 0..6),
        prop::collection::vec(segment(), 0..5),
    )
        .prop_map(|(d, msh_fields, segments)| {
            let mut encoding =
                String::from_iter([d.component, d.repetition, d.escape, d.subcomponent]);
            encoding.extend(d.truncation);
            let mut msh = Segment::new("MSH");
            msh.set_text(1, &d.field.to_string()).set_text(2, &encoding);
            msh.fields.extend(msh_fields);
            while msh.fields.len() > 2
                && msh.fields.last().is_some_and(|f| f.repetitions.is_empty())
            {
                msh.fields.pop();
            }
            let mut all = vec![msh];
            all.extend(segments);
            Message {
                delimiters: d,
                segments: all,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn unescape_inverts_escape(text in value(), d in delimiters()) {
        let escaped = escape(&text, &d);
        prop_assert!(!escaped.contains(['\r', '\n']));
        for c in [d.field, d.component, d.repetition, d.subcomponent] {
            prop_assert!(!escaped.contains(c));
        }
        prop_assert_eq!(unescape(&escaped, &d), text);
    }

    #[test]
    fn canonical_messages_survive_encoding(m in message()) {
        let text = m.encode();
        let parsed = Message::parse(&text);
        prop_assert_eq!(parsed.as_ref(), Ok(&m), "{:?}", text);
        // and the text is a fixed point
        prop_assert_eq!(parsed.unwrap().encode(), text);
    }

    #[test]
    fn parse_never_panics(text in any::<String>()) {
        if let Ok(m) = Message::parse(&text) {
            let _ = m.header();
            let _ = patient_of(&m);
            let again = Message::parse(&m.encode());
            prop_assert_eq!(again.as_ref(), Ok(&m));
        }
    }

    #[test]
    fn parse_bytes_never_panics(prefix in prop::sample::select(vec!["", "MSH|^~\\&|", "\u{b}MSH|^~\\&#|"]), bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let mut all = prefix.as_bytes().to_vec();
        all.extend(bytes);
        if let Ok(m) = Message::parse_bytes(&all) {
            let again = Message::parse(&m.encode());
            prop_assert_eq!(again.as_ref(), Ok(&m));
        }
    }

    #[test]
    fn parse_never_panics_on_message_like_text(
        body in "[|^~\\\\&#\r\nA-Z0-9\"X.]{0,80}",
        d in delimiters(),
    ) {
        let head = format!("MSH{}{}{}{}{}", d.field, d.component, d.repetition, d.escape, d.subcomponent);
        let text = format!("{head}{body}");
        if let Ok(m) = Message::parse(&text) {
            let _ = m.header();
            let _ = patient_of(&m);
            let _ = mpi::hl7::merges_of(&m);
            let again = Message::parse(&m.encode());
            prop_assert_eq!(again.as_ref(), Ok(&m));
        }
    }
}

/// A value as a feed would hold it: no surrounding spaces, not the null `""`.
fn demographic() -> impl Strategy<Value = String> {
    prop_oneof!["[ -~]{0,12}", "[a-zA-ZÀ-ÿ|^~&\\\\#' -]{0,12}"]
        .prop_map(|s| s.trim().to_string())
        .prop_filter("not the null", |s| s != "\"\"")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn outbound_pid_reads_back_as_the_record(
        (family, given, middle, suffix) in (demographic(), demographic(), demographic(), demographic()),
        (line, city, state, postal) in (demographic(), demographic(), demographic(), demographic()),
        (phone, email) in (demographic(), demographic()),
        id in "[A-Za-z0-9&^|-]{1,10}",
    ) {
        use mpi::domain::RawRecord;
        use mpi::hl7::{Identifier, MessageBuilder, pid_segment};
        use mpi::identity::outcome::RecordRef;
        let record = RawRecord {
            source: "HOSP_A".into(),
            source_id: id.clone(),
            family_name: family,
            given_name: given,
            middle_name: middle,
            suffix,
            address_line: line,
            city,
            state,
            postal_code: postal,
            phone,
            email,
            sex: "M".into(),
            birth_date: "1980-03-14".into(),
            ..RawRecord::default()
        };
        let key = RecordRef { source: "HOSP_A".into(), source_id: id };
        let m = MessageBuilder::new(("MPI", "ENT"), ("R", "F"), ("ADT", "A31", "ADT_A05"), "1", "2.5.1")
            .push(pid_segment(&[Identifier::mrn(&key)], &record))
            .build();
        let back = patient_of(&Message::parse(&m.encode()).unwrap()).unwrap();
        prop_assert_eq!(&back.record, &record);
        // a record without an address sends no PID-11: an update keeps the one held
        let no_address = [&record.address_line, &record.city, &record.state, &record.postal_code]
            .iter()
            .all(|v| v.is_empty());
        prop_assert_eq!(back.sends("city"), !no_address);
    }
}
