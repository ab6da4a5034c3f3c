//! Between PID/MRG and the canonical record: the patient an ADT message registers or
//! updates, the records an A40 merges, and the PID/MRG of the messages mpi sends.
//!
//! The record key is the medical record number in PID-3 (type `MR`, else `PI`, `PT`,
//! else a repetition with no type), scoped by its assigning authority (CX-4), or by the
//! sending facility (MSH-4) when the identifier names none.
//!
//! An update follows HL7's rule for absent and null values, with the field as the unit:
//! a PID field not sent leaves the canonical fields it fills as they are; `""` clears
//! them; a valued field sets all of them (components it leaves out become empty).

use super::ack::{AckError, ErrorCode};
use super::{Field, Message, Repetition, Segment};
use crate::domain::RawRecord;
use crate::domain::value::{BirthDate, Sex};
use crate::identity::outcome::RecordRef;

/// One identifier of a CX list (PID-3, MRG-1): value, assigning authority, type code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identifier {
    /// CX-1.
    pub id: String,
    /// CX-4: namespace id, else universal id.
    pub authority: String,
    /// CX-5 (table 0203), e.g. `MR`, `PI`, `SS`.
    pub type_code: String,
}

impl Identifier {
    /// A source record's key as a medical record number: `source_id^^^source^MR`.
    pub fn mrn(record: &RecordRef) -> Identifier {
        Identifier {
            id: record.source_id.clone(),
            authority: record.source.clone(),
            type_code: "MR".to_string(),
        }
    }

    /// The identifiers of a CX list, in order (repetitions without CX-1 left out).
    pub fn list(field: Option<&Field>) -> Vec<Identifier> {
        field
            .map(|f| f.repetitions.as_slice())
            .unwrap_or_default()
            .iter()
            .filter(|r| !value(r.component(1)).is_empty())
            .map(|r| Identifier {
                id: r.component(1).trim().to_string(),
                authority: match value(r.sub(4, 1)) {
                    "" => value(r.sub(4, 2)).to_string(),
                    namespace => namespace.to_string(),
                },
                type_code: value(r.component(5)).to_string(),
            })
            .collect()
    }

    fn repetition(&self) -> Repetition {
        Repetition::of(&[&self.id, "", "", &self.authority, &self.type_code])
    }
}

/// Why a PID or MRG cannot give what the message needs; names the HL7 position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{segment}-{field}: {problem}")]
pub struct MappingError {
    /// `PID` or `MRG`.
    pub segment: &'static str,
    /// Which occurrence of the segment id, 1-based (ERR-2.2; 0 when the segment is
    /// missing).
    pub sequence: usize,
    /// The field (0 when the segment as a whole is wrong).
    pub field: usize,
    /// What is wrong, in words (never a value).
    pub problem: &'static str,
    /// The table 0357 code the ACK reports.
    pub code: ErrorCode,
}

impl From<&MappingError> for AckError {
    fn from(e: &MappingError) -> Self {
        if e.sequence == 0 {
            AckError::general(e.code, &e.to_string())
        } else {
            AckError::at(e.code, e.segment, e.sequence, e.field, &e.to_string())
        }
    }
}

/// The PID field a canonical field comes from (for ERR locations); `None` for `record_id`.
pub fn pid_field_of(field: &str) -> Option<usize> {
    Some(match field {
        "source" | "source_id" => 3,
        "given_name" | "middle_name" | "family_name" | "suffix" => 5,
        "birth_date" => 7,
        "sex" => 8,
        "address_line" | "city" | "state" | "postal_code" => 11,
        "phone" | "email" => 13,
        "ssn" => 19,
        _ => return None,
    })
}

/// The patient of one PID: the record as sent and which fields the message sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientRecord {
    /// The record as the PID has it; fields not sent are empty.
    pub record: RawRecord,
    /// Which PID of the message this is, 1-based (ERR-2.2).
    pub sequence: usize,
    sent: Vec<&'static str>,
}

impl PatientRecord {
    /// Whether the message sends this canonical field (a value, or `""` to clear it).
    pub fn sends(&self, field: &str) -> bool {
        self.sent.contains(&field)
    }

    /// The record's key.
    pub fn key(&self) -> RecordRef {
        RecordRef {
            source: self.record.source.clone(),
            source_id: self.record.source_id.clone(),
        }
    }

    /// The record after this message updates `previous`: the fields sent replace
    /// (cleared ones become empty), the others keep their previous values.
    pub fn onto(&self, previous: &RawRecord) -> RawRecord {
        let mut next = previous.clone();
        next.source = self.record.source.clone();
        next.source_id = self.record.source_id.clone();
        for field in &self.sent {
            let value = self.record.get(field).unwrap_or_default().to_string();
            *next.get_mut(field).expect("a canonical field") = value;
        }
        next
    }

    /// An error about a canonical field (e.g. registration refused it), located at its
    /// PID field for the ERR segment.
    pub fn error_at(&self, field: &str, code: ErrorCode, problem: &str) -> AckError {
        match pid_field_of(field) {
            Some(n) => AckError::at(code, "PID", self.sequence, n, problem),
            None => AckError::general(code, problem),
        }
    }
}

/// One merge of an ADT^A40: the prior record (MRG-1) into the survivor (its PID).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merge {
    /// The PID: the record that remains, with the demographics the message sends.
    pub survivor: PatientRecord,
    /// MRG-1: the record merged away.
    pub prior: RecordRef,
}

/// The patient of the message's first PID (ADT A01/A04/A08/A28/A31).
pub fn patient_of(message: &Message) -> Result<PatientRecord, MappingError> {
    let pid = message
        .segments
        .iter()
        .find(|s| s.id == "PID")
        .ok_or(MappingError {
            segment: "PID",
            sequence: 0,
            field: 0,
            problem: "the PID segment is missing",
            code: ErrorCode::SegmentSequence,
        })?;
    patient_of_pid(pid, 1, facility(message))
}

/// The merges of an ADT^A40: each PID with the MRG that follows it (before the next PID).
pub fn merges_of(message: &Message) -> Result<Vec<Merge>, MappingError> {
    let facility = facility(message);
    let mut merges = Vec::new();
    let mut current: Option<PatientRecord> = None;
    // ERR-2.2 counts occurrences of the segment id: the second PID is PID^2
    let (mut pids, mut mrgs) = (0, 0);
    for segment in &message.segments {
        match segment.id.as_str() {
            "PID" => {
                pids += 1;
                if let Some(p) = current.take() {
                    return Err(no_mrg(p.sequence));
                }
                current = Some(patient_of_pid(segment, pids, facility)?);
            }
            "MRG" => {
                mrgs += 1;
                let Some(survivor) = current.take() else {
                    return Err(MappingError {
                        segment: "MRG",
                        sequence: mrgs,
                        field: 0,
                        problem: "an MRG segment must follow a PID segment",
                        code: ErrorCode::SegmentSequence,
                    });
                };
                let prior = key_of(segment, mrgs, 1, "MRG", facility)?;
                merges.push(Merge { survivor, prior });
            }
            _ => {}
        }
    }
    if let Some(p) = current {
        return Err(no_mrg(p.sequence));
    }
    if merges.is_empty() {
        return Err(MappingError {
            segment: "PID",
            sequence: 0,
            field: 0,
            problem: "the PID and MRG segments are missing",
            code: ErrorCode::SegmentSequence,
        });
    }
    Ok(merges)
}

fn no_mrg(pid_sequence: usize) -> MappingError {
    MappingError {
        segment: "PID",
        sequence: pid_sequence,
        field: 0,
        problem: "the PID segment has no MRG segment after it",
        code: ErrorCode::SegmentSequence,
    }
}

/// MSH-4: the source of identifiers that name no assigning authority.
fn facility(message: &Message) -> &str {
    message.segment("MSH").map_or("", |msh| msh.text(4, 1))
}

/// HL7's null `""` read as "no value" where a value is taken.
fn value(text: &str) -> &str {
    match text.trim() {
        "\"\"" => "",
        t => t,
    }
}

/// The record key of a CX-list field (PID-3, MRG-1).
fn key_of(
    segment: &Segment,
    sequence: usize,
    field: usize,
    id: &'static str,
    facility: &str,
) -> Result<RecordRef, MappingError> {
    let error = |problem| MappingError {
        segment: id,
        sequence,
        field,
        problem,
        code: ErrorCode::RequiredFieldMissing,
    };
    let identifiers = Identifier::list(segment.field(field));
    let mrn = ["MR", "PI", "PT", ""]
        .iter()
        .find_map(|t| identifiers.iter().find(|i| i.type_code == *t))
        .ok_or_else(|| error("no medical record number (an identifier of type MR, PI or PT)"))?;
    let source = match mrn.authority.as_str() {
        "" => facility,
        a => a,
    };
    if source.is_empty() {
        return Err(error(
            "the medical record number names no assigning authority and MSH-4 is empty",
        ));
    }
    Ok(RecordRef {
        source: source.to_string(),
        source_id: mrn.id.clone(),
    })
}

/// Whether a field was sent: a value, or the null `""` (absent and empty are not).
fn is_sent(field: Option<&Field>) -> bool {
    field.is_some_and(|f| !f.is_empty())
}

fn patient_of_pid(
    pid: &Segment,
    sequence: usize,
    facility: &str,
) -> Result<PatientRecord, MappingError> {
    let key = key_of(pid, sequence, 3, "PID", facility)?;
    let mut r = RawRecord {
        source: key.source,
        source_id: key.source_id,
        ..RawRecord::default()
    };
    let mut sent: Vec<&'static str> = Vec::new();
    let mut send = |fields: &[&'static str], is_sent: bool| {
        if is_sent {
            sent.extend(fields);
        }
    };

    let name = preferred(pid.field(5), |n| n.component(7) == "L", |_| true);
    if let Some(n) = name {
        r.family_name = value(n.sub(1, 1)).to_string();
        r.given_name = value(n.component(2)).to_string();
        r.middle_name = value(n.component(3)).to_string();
        r.suffix = value(n.component(4)).to_string();
    }
    send(
        &["given_name", "middle_name", "family_name", "suffix"],
        is_sent(pid.field(5)),
    );

    r.birth_date = birth_date(value(pid.text(7, 1)));
    send(&["birth_date"], is_sent(pid.field(7)));

    r.sex = match value(pid.text(8, 1)) {
        // ambiguous: FHIR's map of table 0001 reads it as "other"
        "A" => "O".to_string(),
        s => s.to_string(),
    };
    send(&["sex"], is_sent(pid.field(8)));

    // a home address, else the first that is not marked bad (`BA`)
    let address = preferred(
        pid.field(11),
        |a| a.component(7) == "H",
        |a| a.component(7) != "BA",
    );
    if let Some(a) = address {
        let street = [value(a.sub(1, 1)), value(a.component(2))];
        r.address_line = street
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        r.city = value(a.component(3)).to_string();
        r.state = value(a.component(4)).to_string();
        r.postal_code = value(a.component(5)).to_string();
    }
    send(
        &["address_line", "city", "state", "postal_code"],
        is_sent(pid.field(11)),
    );

    let telecoms: Vec<&Repetition> = [pid.field(13), pid.field(40)]
        .into_iter()
        .flatten()
        .flat_map(|f| f.repetitions.iter())
        .collect();
    r.email = telecoms
        .iter()
        .find_map(|t| email(t))
        .unwrap_or_default()
        .to_string();
    r.phone = telecoms
        .iter()
        .filter(|t| t.component(2) == "PRN")
        .chain(telecoms.iter())
        .find_map(|t| phone(t))
        .unwrap_or_default();
    send(
        &["phone", "email"],
        is_sent(pid.field(13)) || is_sent(pid.field(40)),
    );

    let ss = Identifier::list(pid.field(3))
        .into_iter()
        .find(|i| i.type_code == "SS");
    let ssn_in_pid3 = ss.is_some();
    r.ssn = ss.map_or_else(|| value(pid.text(19, 1)).to_string(), |i| i.id);
    send(&["ssn"], ssn_in_pid3 || is_sent(pid.field(19)));

    Ok(PatientRecord {
        record: r,
        sequence,
        sent,
    })
}

/// The first repetition `wanted` picks, else the first `usable` one with a value.
fn preferred(
    field: Option<&Field>,
    wanted: impl Fn(&Repetition) -> bool,
    usable: impl Fn(&Repetition) -> bool,
) -> Option<&Repetition> {
    let reps = field?.repetitions.as_slice();
    let valued = |r: &&Repetition| r.components.iter().flatten().any(|s| !value(s).is_empty());
    reps.iter()
        .filter(valued)
        .find(|r| wanted(r))
        .or_else(|| reps.iter().filter(valued).find(|r| usable(r)))
}

/// A DTM's date as `YYYY-MM-DD` when it has one (`YYYYMMDD[HHMM[SS[.S]]][+ZZZZ]`);
/// anything else is kept as sent, for registration to judge.
fn birth_date(dtm: &str) -> String {
    match dtm.get(..8) {
        Some(date) if date.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{}-{}-{}", &date[..4], &date[4..6], &date[6..8])
        }
        _ => dtm.to_string(),
    }
}

/// An XTN's e-mail address: use code `NET` or equipment `Internet`/`X.400`, in XTN-4
/// (or XTN-1, where versions before 2.3 put it).
fn email(t: &Repetition) -> Option<&str> {
    let is_email = t.component(2) == "NET" || matches!(t.component(3), "Internet" | "X.400");
    if !is_email {
        return None;
    }
    [value(t.component(4)), value(t.component(1))]
        .into_iter()
        .find(|s| !s.is_empty())
}

/// An XTN's telephone number: XTN-1, else area code and local number (XTN-6, XTN-7);
/// e-mail, fax and pager entries are not telephone numbers.
fn phone(t: &Repetition) -> Option<String> {
    if email(t).is_some() || matches!(t.component(3), "FX" | "BP" | "Internet" | "X.400") {
        return None;
    }
    let number = value(t.component(1));
    if !number.is_empty() {
        return Some(number.to_string());
    }
    let local = value(t.component(7));
    (!local.is_empty()).then(|| format!("{}{local}", value(t.component(6))))
}

/// A PID for a message mpi sends: PID-3 the identifiers, then name (legal), birth date,
/// sex, home address and phone and e-mail from the record. The SSN is not sent.
pub fn pid_segment(identifiers: &[Identifier], record: &RawRecord) -> Segment {
    let mut pid = Segment::new("PID");
    pid.set_text(1, "1");
    pid.set(
        3,
        Field {
            repetitions: identifiers.iter().map(Identifier::repetition).collect(),
        },
    );
    let t = |s: &str| s.trim().to_string();
    let name = [
        t(&record.family_name),
        t(&record.given_name),
        t(&record.middle_name),
        t(&record.suffix),
    ];
    if name.iter().any(|n| !n.is_empty()) {
        pid.set_components(5, &[&name[0], &name[1], &name[2], &name[3], "", "", "L"]);
    }
    if let Ok(d) = BirthDate::parse(&record.birth_date) {
        pid.set_text(7, &format!("{:04}{:02}{:02}", d.year(), d.month(), d.day()));
    }
    if let Ok(sex) = Sex::parse(&record.sex) {
        pid.set_text(8, sex.code());
    }
    let address = [
        t(&record.address_line),
        t(&record.city),
        t(&record.state),
        t(&record.postal_code),
    ];
    if address.iter().any(|a| !a.is_empty()) {
        pid.set_components(
            11,
            &[
                &address[0],
                "",
                &address[1],
                &address[2],
                &address[3],
                "",
                "H",
            ],
        );
    }
    let mut telecoms = Vec::new();
    if !record.phone.trim().is_empty() {
        telecoms.push(Repetition::of(&[&t(&record.phone), "PRN", "PH"]));
    }
    if !record.email.trim().is_empty() {
        telecoms.push(Repetition::of(&["", "NET", "Internet", &t(&record.email)]));
    }
    if !telecoms.is_empty() {
        pid.set(
            13,
            Field {
                repetitions: telecoms,
            },
        );
    }
    pid
}

/// An MRG for an ADT^A40 mpi sends: MRG-1 the prior identifiers.
pub fn mrg_segment(prior: &[Identifier]) -> Segment {
    let mut mrg = Segment::new("MRG");
    mrg.set(
        1,
        Field {
            repetitions: prior.iter().map(Identifier::repetition).collect(),
        },
    );
    mrg
}
