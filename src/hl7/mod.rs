//! HL7 v2 messages in their usual (ER7, "pipe and hat") encoding: parse what real feeds
//! send and build the answers (ACK, RSP). Own code rather than a crate: the crates on
//! crates.io either lack escape handling and custom delimiters or are unmaintained, and
//! the part we need is small and fully tested here.
//!
//! Positions are HL7's own, 1-based: `MSH-9` is `segment.field(9)`; in MSH, field 1 is
//! the field separator and field 2 the encoding characters, as the standard counts them.
//! Values are stored unescaped; `build` escapes them again on the way out.
//!
//! `ack` answers a message (MSA, ERR); `patient` maps PID and MRG to canonical records and
//! back. `docs/hl7.md` describes the mapping for integrators.

mod ack;
mod build;
mod escape;
mod parse;
mod patient;

pub use ack::{AckCode, AckError, ErrorCode, Location, Sender, Severity, ack};
pub use build::{MessageBuilder, timestamp};
pub use escape::{escape, unescape};
pub use patient::{
    Identifier, MappingError, Merge, PatientRecord, merges_of, mrg_segment, patient_of,
    pid_field_of, pid_segment,
};

/// The delimiters a message declares in MSH-1 and MSH-2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delimiters {
    pub field: char,
    pub component: char,
    pub repetition: char,
    pub escape: char,
    pub subcomponent: char,
    /// The truncation character (MSH-2 fifth character, v2.7+), if declared.
    pub truncation: Option<char>,
}

impl Default for Delimiters {
    /// `|^~\&`
    fn default() -> Self {
        Delimiters {
            field: '|',
            component: '^',
            repetition: '~',
            escape: '\\',
            subcomponent: '&',
            truncation: None,
        }
    }
}

/// A parsed message: its delimiters and its segments in order (Z-segments included;
/// the handlers ignore them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub delimiters: Delimiters,
    pub segments: Vec<Segment>,
}

/// One segment: its three-character id and its fields (`fields[0]` is HL7 field 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub id: String,
    pub fields: Vec<Field>,
}

/// One field: its repetitions (an empty field has none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Field {
    pub repetitions: Vec<Repetition>,
}

/// One repetition of a field: components, each a list of subcomponents, unescaped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Repetition {
    pub components: Vec<Vec<String>>,
}

/// Why a message could not be parsed; positions name where (for the ERR segment).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Not a message at all: empty, or the first segment is not MSH.
    #[error("the message does not start with an MSH segment")]
    NoHeader,
    /// MSH-1/MSH-2 declare unusable delimiters (repeated, alphanumeric, missing).
    #[error("MSH-2: {0}")]
    Delimiters(String),
    /// A segment id that is not three upper-case letters or digits.
    #[error("segment {index}: the id {id:?} is not a segment id")]
    SegmentId { index: usize, id: String },
    /// A required header field is missing or malformed (e.g. MSH-9, MSH-10, MSH-12).
    #[error("{segment}-{field}: {problem}")]
    Field {
        segment: String,
        /// 1-based sequence of the segment in the message.
        sequence: usize,
        field: usize,
        problem: String,
    },
}

/// The header fields the listener routes and acknowledges by (MSH).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// MSH-3 (namespace id).
    pub sending_application: String,
    /// MSH-4 (namespace id).
    pub sending_facility: String,
    pub receiving_application: String,
    pub receiving_facility: String,
    /// MSH-9.1, e.g. `ADT`.
    pub message_code: String,
    /// MSH-9.2, e.g. `A04`.
    pub trigger_event: String,
    /// MSH-9.3, e.g. `ADT_A01` (may be empty in older versions).
    pub structure: String,
    /// MSH-10.
    pub control_id: String,
    /// MSH-11.1 (`P`, `T`, `D`).
    pub processing_id: String,
    /// MSH-12.1, e.g. `2.5.1`.
    pub version: String,
}

impl Message {
    /// Parses a message: segments separated by CR, LF or CRLF (blank lines skipped), the
    /// delimiters taken from MSH-1/MSH-2, escape sequences decoded (`\F\ \S\ \T\ \R\ \E\`,
    /// `\Xhh..\` as UTF-8 bytes, or ISO 8859-1 when they are not UTF-8; formatting escapes
    /// such as `\.br\` kept as text), trailing separators tolerated.
    pub fn parse(text: &str) -> Result<Message, ParseError> {
        parse::message(text)
    }

    /// Parses a message as received: bytes in the character set MSH-18 declares (ISO
    /// 8859-1, else UTF-8; undeclared bytes that are not UTF-8 are read as ISO 8859-1).
    pub fn parse_bytes(bytes: &[u8]) -> Result<Message, ParseError> {
        parse::message(&parse::decode(bytes))
    }

    /// The first segment with this id.
    pub fn segment(&self, id: &str) -> Option<&Segment> {
        self.segments.iter().find(|s| s.id == id)
    }

    /// Every segment with this id, in order.
    pub fn segments_named<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Segment> + 'a {
        self.segments.iter().filter(move |s| s.id == id)
    }

    /// The MSH fields the listener needs; an error names the missing field.
    pub fn header(&self) -> Result<Header, ParseError> {
        parse::header(self)
    }

    /// The message in ER7 with CR segment separators, values escaped.
    pub fn encode(&self) -> String {
        build::encode(self)
    }
}

impl Segment {
    /// A segment with no fields yet.
    pub fn new(id: &str) -> Segment {
        Segment {
            id: id.to_string(),
            fields: Vec::new(),
        }
    }

    /// Field `n` (1-based), if present.
    pub fn field(&self, n: usize) -> Option<&Field> {
        n.checked_sub(1).and_then(|i| self.fields.get(i))
    }

    /// Field `n`, component `c`, first repetition, first subcomponent ("" when absent).
    pub fn text(&self, n: usize, c: usize) -> &str {
        self.field(n)
            .and_then(|f| f.repetitions.first())
            .map_or("", |r| r.component(c))
    }

    /// Sets field `n` (1-based) to `field`, adding empty fields before it as needed.
    pub fn set(&mut self, n: usize, field: Field) -> &mut Segment {
        assert!(n >= 1, "HL7 fields are numbered from 1");
        if self.fields.len() < n {
            self.fields.resize(n, Field::default());
        }
        self.fields[n - 1] = field;
        self
    }

    /// Sets field `n` to one repetition of these components (each one subcomponent).
    pub fn set_components(&mut self, n: usize, components: &[&str]) -> &mut Segment {
        self.set(n, Field::of(components))
    }

    /// Sets field `n` to a single text value.
    pub fn set_text(&mut self, n: usize, text: &str) -> &mut Segment {
        self.set(n, Field::of(&[text]))
    }
}

impl Field {
    /// One repetition of these components; no repetition when they are all empty (the
    /// parsed form of an empty field).
    pub fn of(components: &[&str]) -> Field {
        let repetition = Repetition::of(components);
        Field {
            repetitions: if repetition.components.is_empty() {
                Vec::new()
            } else {
                vec![repetition]
            },
        }
    }

    /// The HL7 null `""`: the sender asks for the value to be removed.
    pub fn is_null(&self) -> bool {
        matches!(self.repetitions.as_slice(), [r] if r.components.len() == 1
            && r.components[0].len() == 1 && r.components[0][0] == "\"\"")
    }

    /// Nothing sent (no value at all): the receiver keeps what it has.
    pub fn is_empty(&self) -> bool {
        self.repetitions.iter().all(Repetition::is_empty)
    }
}

impl Repetition {
    /// One subcomponent per component; trailing empty components left out, as parsing
    /// leaves them out.
    pub fn of(components: &[&str]) -> Repetition {
        let used = components
            .iter()
            .rposition(|c| !c.is_empty())
            .map_or(0, |i| i + 1);
        Repetition {
            components: components[..used]
                .iter()
                .map(|c| vec![c.to_string()])
                .collect(),
        }
    }

    /// Component `c` (1-based), first subcomponent ("" when absent).
    pub fn component(&self, c: usize) -> &str {
        self.sub(c, 1)
    }

    /// Component `c`, subcomponent `s` (both 1-based; "" when absent).
    pub fn sub(&self, c: usize, s: usize) -> &str {
        c.checked_sub(1)
            .and_then(|i| self.components.get(i))
            .and_then(|subs| s.checked_sub(1).and_then(|j| subs.get(j)))
            .map_or("", String::as_str)
    }

    /// True when every component is empty.
    pub fn is_empty(&self) -> bool {
        self.components.iter().flatten().all(String::is_empty)
    }
}
