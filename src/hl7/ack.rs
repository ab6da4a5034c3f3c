//! The acknowledgment (original mode): `ACK` with MSA and, for each problem, ERR.
//!
//! ERR takes the request's version's shape: from 2.5 one ERR per problem with ERR-2
//! (location), ERR-3 (HL7 table 0357 code), ERR-4 (severity) and ERR-8 (message); before
//! 2.5 one ERR whose ERR-1 repeats `segment^sequence^field^code&text&HL70357`. Messages
//! name positions and problems, never patient values.

use super::parse::NOT_VERSION_2;
use super::{Field, Message, MessageBuilder, ParseError, Repetition, Segment};

/// MSA-1: what the receiver did with the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckCode {
    /// `AA`: processed.
    Accept,
    /// `AE`: understood but not processed (bad content); resending will not help.
    Error,
    /// `AR`: rejected (unsupported type, version, or the receiver failed); may be resent.
    Reject,
}

impl AckCode {
    /// `AA`, `AE` or `AR`.
    pub fn code(self) -> &'static str {
        match self {
            AckCode::Accept => "AA",
            AckCode::Error => "AE",
            AckCode::Reject => "AR",
        }
    }
}

/// ERR-3: the HL7 error codes of table 0357.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// 100: a segment missing or out of place.
    SegmentSequence,
    /// 101: a required field is empty.
    RequiredFieldMissing,
    /// 102: a value of the wrong form (a date that is not one, too long).
    DataType,
    /// 103: a code not in its table.
    TableValueNotFound,
    /// 200: a message type the receiver does not handle.
    UnsupportedMessageType,
    /// 201: a trigger event the receiver does not handle.
    UnsupportedEvent,
    /// 202: a processing id the receiver does not accept.
    UnsupportedProcessingId,
    /// 203: a version the receiver does not accept.
    UnsupportedVersion,
    /// 204: the record named is not known.
    UnknownKey,
    /// 205: the record already exists.
    DuplicateKey,
    /// 206: the record is busy; try again.
    RecordLocked,
    /// 207: the receiver failed.
    InternalError,
}

impl ErrorCode {
    /// The table 0357 number.
    pub fn number(self) -> u16 {
        match self {
            ErrorCode::SegmentSequence => 100,
            ErrorCode::RequiredFieldMissing => 101,
            ErrorCode::DataType => 102,
            ErrorCode::TableValueNotFound => 103,
            ErrorCode::UnsupportedMessageType => 200,
            ErrorCode::UnsupportedEvent => 201,
            ErrorCode::UnsupportedProcessingId => 202,
            ErrorCode::UnsupportedVersion => 203,
            ErrorCode::UnknownKey => 204,
            ErrorCode::DuplicateKey => 205,
            ErrorCode::RecordLocked => 206,
            ErrorCode::InternalError => 207,
        }
    }

    /// The table 0357 text.
    pub fn text(self) -> &'static str {
        match self {
            ErrorCode::SegmentSequence => "Segment sequence error",
            ErrorCode::RequiredFieldMissing => "Required field missing",
            ErrorCode::DataType => "Data type error",
            ErrorCode::TableValueNotFound => "Table value not found",
            ErrorCode::UnsupportedMessageType => "Unsupported message type",
            ErrorCode::UnsupportedEvent => "Unsupported event code",
            ErrorCode::UnsupportedProcessingId => "Unsupported processing id",
            ErrorCode::UnsupportedVersion => "Unsupported version id",
            ErrorCode::UnknownKey => "Unknown key identifier",
            ErrorCode::DuplicateKey => "Duplicate key identifier",
            ErrorCode::RecordLocked => "Application record locked",
            ErrorCode::InternalError => "Application internal error",
        }
    }
}

/// ERR-4: how serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// `E`: the message was not (fully) processed.
    Error,
    /// `W`: processed, with a warning (e.g. a value not understood and left out).
    Warning,
    /// `I`: information.
    Information,
}

impl Severity {
    /// `E`, `W` or `I`.
    pub fn code(self) -> &'static str {
        match self {
            Severity::Error => "E",
            Severity::Warning => "W",
            Severity::Information => "I",
        }
    }
}

/// Where a problem is: segment id, its 1-based sequence in the message, field (and
/// component, 0 for the whole field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Segment id, e.g. `PID`.
    pub segment: String,
    /// Which occurrence of the segment id in the message, 1-based (ERL-2: the second PID
    /// is 2, whatever segments come before it).
    pub sequence: usize,
    /// 1-based field number.
    pub field: usize,
    /// 1-based component number; 0 for the whole field.
    pub component: usize,
}

/// One problem to report in an ERR segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckError {
    /// ERR-3.
    pub code: ErrorCode,
    /// ERR-4.
    pub severity: Severity,
    /// ERR-2 (ERR-1 before 2.5); `None` for the message as a whole.
    pub location: Option<Location>,
    /// Plain words for the sender's staff; never a patient value.
    pub message: String,
}

impl AckError {
    /// An error (severity `E`) at a field.
    pub fn at(
        code: ErrorCode,
        segment: &str,
        sequence: usize,
        field: usize,
        message: &str,
    ) -> Self {
        AckError {
            code,
            severity: Severity::Error,
            location: Some(Location {
                segment: segment.to_string(),
                sequence,
                field,
                component: 0,
            }),
            message: message.to_string(),
        }
    }

    /// An error (severity `E`) about the whole message.
    pub fn general(code: ErrorCode, message: &str) -> Self {
        AckError {
            code,
            severity: Severity::Error,
            location: None,
            message: message.to_string(),
        }
    }

    /// The same problem with another severity.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

impl From<&ParseError> for AckError {
    fn from(e: &ParseError) -> Self {
        let message = e.to_string();
        match e {
            ParseError::NoHeader => AckError::general(ErrorCode::SegmentSequence, &message),
            ParseError::Delimiters(_) => AckError::at(ErrorCode::DataType, "MSH", 1, 2, &message),
            ParseError::SegmentId { .. } => AckError::general(ErrorCode::SegmentSequence, &message),
            ParseError::Field {
                segment,
                sequence,
                field,
                problem,
            } => {
                let code = if problem == NOT_VERSION_2 {
                    ErrorCode::UnsupportedVersion
                } else {
                    ErrorCode::RequiredFieldMissing
                };
                AckError::at(code, segment, *sequence, *field, &message)
            }
        }
    }
}

/// Who mpi is in the MSH of what it sends (MSH-3, MSH-4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    /// MSH-3, e.g. `MPI`.
    pub application: String,
    /// MSH-4.
    pub facility: String,
}

/// The acknowledgment of `request`: MSH answering its MSH (peer's application and
/// facility as receiver, `ACK^trigger^ACK`, its version and processing id), MSA with
/// `code` and its control id, then the errors. Reads the request's MSH leniently, so a
/// message whose `header()` failed can still be answered (missing values stay empty;
/// version `2.5.1` when none is given).
pub fn ack(
    request: &Message,
    code: AckCode,
    errors: &[AckError],
    sender: &Sender,
    control_id: &str,
) -> Message {
    let empty = Segment::new("MSH");
    let msh = request.segment("MSH").unwrap_or(&empty);
    let version = match msh.text(12, 1) {
        "" => "2.5.1",
        v => v,
    };
    let processing_id = match msh.text(11, 1) {
        "" => "P",
        p => p,
    };
    let mut msa = Segment::new("MSA");
    msa.set_text(1, code.code()).set_text(2, msh.text(10, 1));
    if let Some(first) = errors.first() {
        msa.set_text(3, &first.message);
    }
    let mut builder = MessageBuilder::new(
        (&sender.application, &sender.facility),
        (msh.text(3, 1), msh.text(4, 1)),
        ("ACK", msh.text(9, 2), "ACK"),
        control_id,
        version,
    )
    .processing_id(processing_id)
    .push(msa);
    for err in err_segments(errors, version) {
        builder = builder.push(err);
    }
    builder.build()
}

/// Whether ERR has its 2.5 shape for this version (unknown versions: yes).
fn err_from_2_5(version: &str) -> bool {
    let mut parts = version.split('.').map(|p| p.parse::<u32>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(major), Some(minor)) => (major, minor) >= (2, 5),
        _ => true,
    }
}

fn err_segments(errors: &[AckError], version: &str) -> Vec<Segment> {
    if errors.is_empty() {
        return Vec::new();
    }
    if err_from_2_5(version) {
        return errors
            .iter()
            .map(|e| {
                let mut err = Segment::new("ERR");
                if let Some(l) = &e.location {
                    let (sequence, field) = (l.sequence.to_string(), l.field.to_string());
                    let component = l.component.to_string();
                    let mut erl = vec![l.segment.as_str(), &sequence, &field];
                    if l.component > 0 {
                        erl.extend(["1", component.as_str()]);
                    }
                    err.set_components(2, &erl);
                }
                err.set_components(3, &[&e.code.number().to_string(), e.code.text(), "HL70357"])
                    .set_text(4, e.severity.code())
                    .set_text(8, &e.message);
                err
            })
            .collect();
    }
    let repetitions = errors
        .iter()
        .map(|e| {
            let (segment, sequence, field) = match &e.location {
                Some(l) => (
                    l.segment.clone(),
                    l.sequence.to_string(),
                    l.field.to_string(),
                ),
                None => Default::default(),
            };
            Repetition {
                components: vec![
                    vec![segment],
                    vec![sequence],
                    vec![field],
                    vec![
                        e.code.number().to_string(),
                        e.code.text().to_string(),
                        "HL70357".to_string(),
                    ],
                ],
            }
        })
        .collect();
    let mut err = Segment::new("ERR");
    err.set(1, Field { repetitions });
    vec![err]
}
