//! `Message` to ER7 text, and the builder for the messages mpi sends (ACK, RSP, ADT^A40).

use super::{Delimiters, Field, Message, Segment, escape};

pub(super) fn encode(message: &Message) -> String {
    let d = &message.delimiters;
    let mut out = String::new();
    for segment in &message.segments {
        out.push_str(&segment.id);
        let fields = if segment.id == "MSH" {
            // MSH-1 and MSH-2 are the delimiters themselves, written from `delimiters`
            out.push(d.field);
            out.push_str(&encoding_characters(d));
            segment.fields.get(2..).unwrap_or_default()
        } else {
            &segment.fields[..]
        };
        for field in fields {
            out.push(d.field);
            encode_field(&mut out, field, d);
        }
        out.push('\r');
    }
    out
}

/// MSH-2: component, repetition, escape, subcomponent (and truncation) characters.
pub(super) fn encoding_characters(d: &Delimiters) -> String {
    let mut s = String::from_iter([d.component, d.repetition, d.escape, d.subcomponent]);
    s.extend(d.truncation);
    s
}

fn encode_field(out: &mut String, field: &Field, d: &Delimiters) {
    for (r, repetition) in field.repetitions.iter().enumerate() {
        if r > 0 {
            out.push(d.repetition);
        }
        for (c, component) in repetition.components.iter().enumerate() {
            if c > 0 {
                out.push(d.component);
            }
            for (s, sub) in component.iter().enumerate() {
                if s > 0 {
                    out.push(d.subcomponent);
                }
                out.push_str(&escape(sub, d));
            }
        }
    }
}

/// Builds an outgoing message: MSH filled from the arguments, then segments in order.
#[derive(Debug, Clone)]
pub struct MessageBuilder {
    message: Message,
}

impl MessageBuilder {
    /// A message with an MSH segment: delimiters `|^~\&`, MSH-7 now (UTC, `YYYYMMDDHHMMSS`),
    /// MSH-9 `code^trigger^structure`, MSH-10 `control_id`, MSH-11 `P`, MSH-12 `version`.
    /// MSH-3/4 are mpi's application and facility; MSH-5/6 the peer's (from the message being
    /// answered).
    pub fn new(
        sending: (&str, &str),
        receiving: (&str, &str),
        message_type: (&str, &str, &str),
        control_id: &str,
        version: &str,
    ) -> MessageBuilder {
        let delimiters = Delimiters::default();
        let mut msh = Segment::new("MSH");
        msh.set_text(1, &delimiters.field.to_string())
            .set_text(2, &encoding_characters(&delimiters))
            .set_text(3, sending.0)
            .set_text(4, sending.1)
            .set_text(5, receiving.0)
            .set_text(6, receiving.1)
            .set_text(7, &timestamp(now_secs()));
        let (code, trigger, structure) = message_type;
        msh.set_components(9, &[code, trigger, structure])
            .set_text(10, control_id)
            .set_text(11, "P")
            .set_text(12, version);
        MessageBuilder {
            message: Message {
                delimiters,
                segments: vec![msh],
            },
        }
    }

    /// Sets MSH-11 (processing id), e.g. to echo a `T` (training) message's.
    pub fn processing_id(mut self, id: &str) -> MessageBuilder {
        self.message.segments[0].set_text(11, id);
        self
    }

    /// Appends a segment.
    pub fn push(mut self, segment: Segment) -> MessageBuilder {
        self.message.segments.push(segment);
        self
    }

    /// The message built.
    pub fn build(self) -> Message {
        self.message
    }
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Seconds since the Unix epoch as an HL7 DTM in UTC: `YYYYMMDDHHMMSS`.
pub fn timestamp(unix_secs: u64) -> String {
    let days = (unix_secs / 86_400) as i64;
    let secs = unix_secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}
