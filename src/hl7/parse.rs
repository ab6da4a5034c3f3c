//! ER7 text to `Message`.
//!
//! The parsed form is canonical: trailing empty fields, repetitions, components and
//! subcomponents are dropped (so `PID|1||7^^^` and `PID|1||7` parse alike), an empty
//! field has no repetitions, an empty repetition no components, and every component
//! has at least one subcomponent.

use super::{Delimiters, Field, Header, Message, ParseError, Repetition, Segment, unescape};

/// The problem text of an MSH-12 that is not a version 2 (the ACK answers 203 for it).
pub(super) const NOT_VERSION_2: &str = "only HL7 version 2 is supported";

pub(super) fn message(text: &str) -> Result<Message, ParseError> {
    // a byte-order mark, and MLLP's start block (VT) if the caller left it
    let text = text.trim_start_matches(['\u{feff}', '\u{b}']);
    // blank lines, and a line holding MLLP's end block (FS)
    let mut lines = text.split(['\r', '\n']).filter(|line| {
        !line
            .trim_matches(|c: char| c.is_whitespace() || c == '\u{1c}')
            .is_empty()
    });
    let first = lines.next().ok_or(ParseError::NoHeader)?.trim_start();
    let Some(after_id) = first.strip_prefix("MSH") else {
        return Err(ParseError::NoHeader);
    };
    let (delimiters, rest) = delimiters(after_id)?;
    let mut segments = vec![header_segment(&delimiters, rest)];
    for (i, line) in lines.enumerate() {
        segments.push(segment(line, &delimiters, i + 2)?);
    }
    Ok(Message {
        delimiters,
        segments,
    })
}

/// Reads MSH-1 and MSH-2 from the text after `MSH`; returns them and the text after MSH-2.
fn delimiters(after_id: &str) -> Result<(Delimiters, &str), ParseError> {
    let bad = |problem: &str| ParseError::Delimiters(problem.to_string());
    let field = after_id
        .chars()
        .next()
        .ok_or_else(|| bad("the field separator (MSH-1) is missing"))?;
    let after_field = &after_id[field.len_utf8()..];
    let encoding = after_field.split(field).next().unwrap_or_default();
    let chars: Vec<char> = encoding.chars().collect();
    if chars.len() < 4 || chars.len() > 5 {
        return Err(bad(&format!(
            "4 or 5 encoding characters expected, found {}",
            chars.len()
        )));
    }
    let all: Vec<char> = std::iter::once(field)
        .chain(chars.iter().copied())
        .collect();
    if let Some(c) = all
        .iter()
        .find(|c| c.is_alphanumeric() || c.is_whitespace() || c.is_control())
    {
        return Err(bad(&format!(
            "{c:?} cannot be a delimiter (a letter, digit, space or control character)"
        )));
    }
    if let Some((i, c)) = all.iter().enumerate().find(|(i, c)| all[..*i].contains(c)) {
        return Err(bad(&format!(
            "{c:?} is declared twice (position {})",
            i + 1
        )));
    }
    let delimiters = Delimiters {
        field,
        component: chars[0],
        repetition: chars[1],
        escape: chars[2],
        subcomponent: chars[3],
        truncation: chars.get(4).copied(),
    };
    Ok((delimiters, &after_field[encoding.len()..]))
}

/// The MSH segment: field 1 the separator, field 2 the encoding characters as declared
/// (neither split nor unescaped), then the fields after MSH-2.
fn header_segment(d: &Delimiters, rest: &str) -> Segment {
    let mut encoding = String::from_iter([d.component, d.repetition, d.escape, d.subcomponent]);
    encoding.extend(d.truncation);
    let mut fields = vec![Field::of(&[&d.field.to_string()]), Field::of(&[&encoding])];
    if let Some(rest) = rest.strip_prefix(d.field) {
        fields.extend(rest.split(d.field).map(|f| field(f, d)));
    }
    trim_end(&mut fields, |f| f.repetitions.is_empty());
    Segment {
        id: "MSH".to_string(),
        fields,
    }
}

fn segment(line: &str, d: &Delimiters, index: usize) -> Result<Segment, ParseError> {
    let (id, rest) = match line.split_once(d.field) {
        Some((id, rest)) => (id, Some(rest)),
        None => (line, None),
    };
    let valid = id.len() == 3
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !valid {
        // at most three characters: a malformed line may be patient data
        return Err(ParseError::SegmentId {
            index,
            id: id.chars().take(3).collect(),
        });
    }
    let mut fields: Vec<Field> = rest
        .map(|r| r.split(d.field).map(|f| field(f, d)).collect())
        .unwrap_or_default();
    trim_end(&mut fields, |f| f.repetitions.is_empty());
    Ok(Segment {
        id: id.to_string(),
        fields,
    })
}

fn field(text: &str, d: &Delimiters) -> Field {
    if text.is_empty() {
        return Field::default();
    }
    let mut repetitions: Vec<Repetition> =
        text.split(d.repetition).map(|r| repetition(r, d)).collect();
    trim_end(&mut repetitions, |r| r.components.is_empty());
    Field { repetitions }
}

fn repetition(text: &str, d: &Delimiters) -> Repetition {
    let mut components: Vec<Vec<String>> = text
        .split(d.component)
        .map(|c| {
            let mut subs: Vec<String> = c.split(d.subcomponent).map(|s| unescape(s, d)).collect();
            while subs.len() > 1 && subs.last().is_some_and(String::is_empty) {
                subs.pop();
            }
            subs
        })
        .collect();
    trim_end(&mut components, |c| c.len() == 1 && c[0].is_empty());
    Repetition { components }
}

fn trim_end<T>(items: &mut Vec<T>, empty: impl Fn(&T) -> bool) {
    while items.last().is_some_and(&empty) {
        items.pop();
    }
}

pub(super) fn header(message: &Message) -> Result<Header, ParseError> {
    let msh = message
        .segments
        .first()
        .filter(|s| s.id == "MSH")
        .ok_or(ParseError::NoHeader)?;
    let problem = |field: usize, problem: &str| ParseError::Field {
        segment: "MSH".to_string(),
        sequence: 1,
        field,
        problem: problem.to_string(),
    };
    let message_code = msh.text(9, 1);
    if message_code.is_empty() {
        return Err(problem(9, "the message type is missing"));
    }
    let trigger_event = msh.text(9, 2);
    if trigger_event.is_empty() && message_code != "ACK" {
        return Err(problem(9, "the trigger event is missing"));
    }
    let control_id = msh.text(10, 1);
    if control_id.is_empty() {
        return Err(problem(10, "the message control id is missing"));
    }
    let version = msh.text(12, 1);
    if version.is_empty() {
        return Err(problem(12, "the version is missing"));
    }
    if !version.starts_with("2.") {
        return Err(problem(12, NOT_VERSION_2));
    }
    Ok(Header {
        sending_application: msh.text(3, 1).to_string(),
        sending_facility: msh.text(4, 1).to_string(),
        receiving_application: msh.text(5, 1).to_string(),
        receiving_facility: msh.text(6, 1).to_string(),
        message_code: message_code.to_string(),
        trigger_event: trigger_event.to_string(),
        structure: msh.text(9, 3).to_string(),
        control_id: control_id.to_string(),
        processing_id: msh.text(11, 1).to_string(),
        version: version.to_string(),
    })
}

/// Bytes to text by MSH-18: ISO 8859-1 when it says so (`8859/1`, `ISO-8859-1`,
/// `ISO IR100`), else UTF-8, read as ISO 8859-1 when the bytes are not UTF-8 (an
/// undeclared 8-bit feed). MSH-18 is found in the first segment, which is ASCII.
pub(super) fn decode(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    let latin1 = |b: &[u8]| b.iter().copied().map(char::from).collect::<String>().into();
    if declares_latin1(bytes) {
        return latin1(bytes);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.into(),
        Err(_) => latin1(bytes),
    }
}

fn declares_latin1(bytes: &[u8]) -> bool {
    let first = bytes
        .split(|b| *b == b'\r' || *b == b'\n')
        .find(|l| l.windows(3).any(|w| w == b"MSH"));
    let Some(line) = first else {
        return false;
    };
    let line = String::from_utf8_lossy(line);
    let Some(start) = line.find("MSH") else {
        return false;
    };
    let Some(sep) = line[start + 3..].chars().next() else {
        return false;
    };
    // MSH-18 is the 17th piece after "MSH" (MSH-1 is the separator itself)
    let charset = line[start + 3..].split(sep).nth(17).unwrap_or_default();
    let first_charset = charset.split('~').next().unwrap_or_default().trim();
    matches!(
        first_charset.to_ascii_uppercase().as_str(),
        "8859/1" | "ISO-8859-1" | "ISO_IR 100" | "ISO IR100" | "ISO-IR 100"
    )
}
