//! Queries: QBP^Q23 (IHE PIX query, ITI-9) answered RSP^K23 with the person's identifiers
//! in the other domains, and QBP^Q22 (IHE PDQ, ITI-21) answered RSP^K22 with the matching
//! persons. Both echo QPD and carry QAK (query tag, status, hit count).

use std::sync::Arc;

use super::dispatch::{Handled, acknowledge, problem};
use crate::domain::RawRecord;
use crate::hl7::{AckCode, AckError, ErrorCode, Field, Header, Message, Repetition, Segment};
use crate::identity::outcome::RecordRef;
use crate::identity::{
    DateParam, DatePrefix, Gender, IdentifierParam, IdentifierSystem, NameParam, PatientQuery,
    PersonLookup, Service, ServiceError,
};
use crate::store::hl7::source_known;

/// Most persons a PDQ answer lists (RCP-2 may ask for fewer).
const PDQ_MAX: usize = 100;

/// A CX's assigning authority: CX-4.1, else CX-4.2.
fn authority(r: &Repetition) -> String {
    let namespace = r.sub(4, 1);
    if namespace.is_empty() {
        r.sub(4, 2).to_string()
    } else {
        namespace.to_string()
    }
}

/// The response: MSH (answering `header`, type RSP^<event>), MSA, ERR, QAK, QPD echoed,
/// then `rest`.
#[allow(clippy::too_many_arguments)]
fn response(
    request: &Message,
    header: &Header,
    event: &str,
    code: AckCode,
    status: &str,
    hits: usize,
    problem: Option<&AckError>,
    qpd: Option<&Segment>,
    rest: Vec<Segment>,
) -> Message {
    let mut message = acknowledge(request, header, code, problem, "");
    if let Some(msh) = message.segments.first_mut() {
        msh.set_components(9, &["RSP", event, &format!("RSP_{event}")]);
    }
    let mut qak = Segment::new("QAK");
    qak.set_text(1, qpd.map_or("", |q| q.text(2, 1)))
        .set_text(2, status);
    if status != "AE" {
        let n = hits.to_string();
        qak.set_text(4, &n).set_text(5, &n).set_text(6, "0");
    }
    message.segments.push(qak);
    if let Some(qpd) = qpd {
        message.segments.push(qpd.clone());
    }
    message.segments.extend(rest);
    message
}

fn answered(message: Message, code: AckCode, problem: Option<AckError>) -> Handled {
    Handled {
        code,
        text: String::new(),
        problem,
        response: Some(message),
        subjects: Vec::new(),
    }
}

/// The AE answer to a query whose content is wrong: QAK status AE, no hits.
fn refused(
    request: &Message,
    header: &Header,
    event: &str,
    qpd: Option<&Segment>,
    p: AckError,
) -> Handled {
    let m = response(
        request,
        header,
        event,
        AckCode::Error,
        "AE",
        0,
        Some(&p),
        qpd,
        Vec::new(),
    );
    answered(m, AckCode::Error, Some(p))
}

fn qpd_missing() -> AckError {
    problem(
        "QPD",
        0,
        None,
        ErrorCode::RequiredFieldMissing,
        "segment QPD is missing",
    )
}

/// A PID-3 listing records as `id^^^SOURCE^MR`.
fn identifier_list(records: &[RecordRef]) -> Field {
    Field {
        repetitions: records
            .iter()
            .map(|r| Repetition::of(&[&r.source_id, "", "", &r.source, "MR"]))
            .collect(),
    }
}

/// QBP^Q23: the queried identifier (QPD-3) → the identifiers of its person in the other
/// domains (QPD-4 restricts which). The SSN is never returned: it is not an identifier
/// domain of the MPI, and a PIX consumer asks for record numbers.
pub(super) async fn pix(
    service: &Arc<Service>,
    header: &Header,
    message: &Message,
) -> Result<Handled, ServiceError> {
    let qpd = message.segment("QPD");
    let error = |p: AckError| Ok(refused(message, header, "K23", qpd, p));
    let Some(q) = qpd else {
        return error(qpd_missing());
    };
    let asked = q
        .field(3)
        .and_then(|f| f.repetitions.first())
        .cloned()
        .unwrap_or_default();
    let (id, domain) = (asked.component(1).to_string(), authority(&asked));
    if id.is_empty() || domain.is_empty() {
        return error(problem(
            "QPD",
            3,
            None,
            ErrorCode::RequiredFieldMissing,
            "the patient identifier and its assigning authority (CX-1, CX-4) are required",
        ));
    }
    let wanted: Vec<String> = q
        .field(4)
        .map(|f| {
            f.repetitions
                .iter()
                .map(authority)
                .filter(|a| !a.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let unknown_id = || {
        problem(
            "QPD",
            3,
            None,
            ErrorCode::UnknownKey,
            "unknown patient identifier in this domain",
        )
    };
    let person = match service.record(&domain, &id).await {
        Ok(view) if view.active => view.person_id,
        Ok(_) | Err(ServiceError::NotFound(_)) => None,
        Err(other) => return Err(other),
    };
    let Some(person) = person else {
        return error(unknown_id());
    };
    for d in &wanted {
        if !source_known(&service.store.pool, d).await? {
            return error(problem(
                "QPD",
                4,
                None,
                ErrorCode::UnknownKey,
                "unknown domain (assigning authority) requested",
            ));
        }
    }
    let records = match service.person(&person).await {
        Ok(PersonLookup::Found(view)) => view.records,
        Ok(PersonLookup::MergedInto(_)) | Err(ServiceError::NotFound(_)) => Vec::new(),
        Err(other) => return Err(other),
    };
    let others: Vec<RecordRef> = records
        .into_iter()
        .filter(|r| !(r.source == domain && r.source_id == id))
        .filter(|r| wanted.is_empty() || wanted.contains(&r.source))
        .collect();
    let mut subjects = vec![format!("record:{domain}/{id}"), format!("person:{person}")];
    let (status, rest) = if others.is_empty() {
        ("NF", Vec::new())
    } else {
        let mut pid = Segment::new("PID");
        pid.set_text(1, "1").set(3, identifier_list(&others));
        subjects.extend(
            others
                .iter()
                .map(|r| format!("record:{}/{}", r.source, r.source_id)),
        );
        ("OK", vec![pid])
    };
    let hits = usize::from(!others.is_empty());
    let m = response(
        message,
        header,
        "K23",
        AckCode::Accept,
        status,
        hits,
        None,
        qpd,
        rest,
    );
    let mut handled = answered(m, AckCode::Accept, None);
    handled.text = status.to_string();
    handled.subjects = subjects;
    Ok(handled)
}

/// `YYYYMMDD`, `YYYYMM` or `YYYY` (a TS may carry a time, ignored) as a date condition.
fn date_param(text: &str) -> Option<DateParam> {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    let (first, last) = match digits.len() {
        n if n >= 8 => {
            let d = format!("{}-{}-{}", &digits[..4], &digits[4..6], &digits[6..8]);
            (d.clone(), d)
        }
        6 => {
            let (y, m) = (&digits[..4], &digits[4..6]);
            let month: u32 = m.parse().ok().filter(|m| (1..=12).contains(m))?;
            let days = match month {
                2 => 29,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            (format!("{y}-{m}-01"), format!("{y}-{m}-{days:02}"))
        }
        4 => (format!("{digits}-01-01"), format!("{digits}-12-31")),
        _ => return None,
    };
    // a real calendar day (a query may name any date, placeholders included)
    let day = |d: &str| -> Option<(u32, u32)> {
        Some((d.get(5..7)?.parse().ok()?, d.get(8..10)?.parse().ok()?))
    };
    let (month, dom) = day(&first)?;
    let leap = |y: u32| (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let year: u32 = first.get(0..4)?.parse().ok()?;
    let days = match month {
        2 if leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    (1..=days).contains(&dom).then_some(())?;
    Some(DateParam {
        prefix: DatePrefix::Eq,
        first,
        last,
    })
}

/// QPD-3 (`@PID.5.1^SMITH~@PID.7^19800101…`) as a demographic query.
fn pdq_query(qpd: &Segment) -> Result<PatientQuery, AckError> {
    let bad = |text: &str| problem("QPD", 3, None, ErrorCode::DataType, text);
    let mut query = PatientQuery::default();
    let mut source = None;
    let mut value = None;
    let mut ssn = None;
    let params = qpd
        .field(3)
        .map(|f| f.repetitions.clone())
        .unwrap_or_default();
    for rep in &params {
        let name = rep
            .component(1)
            .trim_start_matches('@')
            .to_ascii_uppercase();
        let v = rep.component(2).trim().to_string();
        if name.is_empty() && v.is_empty() {
            continue;
        }
        if v.is_empty() {
            continue;
        }
        let name_param = |v: &str| NameParam {
            any_of: vec![v.to_string()],
            exact: false,
        };
        match name.as_str() {
            "PID.5.1" | "PID.5.1.1" => query.family = Some(name_param(&v)),
            "PID.5.2" => query.given = Some(name_param(&v)),
            "PID.7" | "PID.7.1" => match date_param(&v) {
                Some(d) => query.birth_date.push(vec![d]),
                None => return Err(bad("PID.7: not a date (YYYYMMDD, YYYYMM or YYYY)")),
            },
            "PID.8" => query.gender.push(match v.to_ascii_uppercase().as_str() {
                "M" => Gender::Male,
                "F" => Gender::Female,
                "O" | "A" | "N" => Gender::Other,
                "U" => Gender::Unknown,
                _ => return Err(bad("PID.8: administrative sex must be M, F, O, A, N or U")),
            }),
            "PID.3.1" => value = Some(v),
            "PID.3.4" | "PID.3.4.1" | "PID.3.4.2" => source = Some(v),
            "PID.19" => ssn = Some(v),
            _ => {
                return Err(bad(&format!(
                    "{name}: not a supported query parameter (PID.3.1, PID.3.4, PID.5.1, \
                     PID.5.2, PID.7, PID.8, PID.19)"
                )));
            }
        }
    }
    match (value, source) {
        (Some(value), source) => query.identifier.push(IdentifierParam {
            system: source.map(IdentifierSystem::Source),
            value,
        }),
        (None, Some(_)) => {
            return Err(bad("PID.3.4 needs PID.3.1 (the identifier in that domain)"));
        }
        (None, None) => {}
    }
    if let Some(ssn) = ssn {
        query.identifier.push(IdentifierParam {
            system: Some(IdentifierSystem::Ssn),
            value: ssn,
        });
    }
    Ok(query)
}

/// A person found, as a PID: every record as PID-3, the golden record's demographics.
fn person_pid(set_id: usize, records: &[RecordRef], golden: &RawRecord) -> Segment {
    let mut pid = Segment::new("PID");
    pid.set_text(1, &set_id.to_string())
        .set(3, identifier_list(records))
        .set_components(
            5,
            &[
                &golden.family_name,
                &golden.given_name,
                &golden.middle_name,
                &golden.suffix,
                "",
                "",
                "L",
            ],
        )
        .set_text(7, &golden.birth_date.replace('-', ""))
        .set_text(8, &golden.sex);
    if !golden.address_line.is_empty() || !golden.city.is_empty() {
        pid.set_components(
            11,
            &[
                &golden.address_line,
                "",
                &golden.city,
                &golden.state,
                &golden.postal_code,
            ],
        );
    }
    if !golden.phone.is_empty() {
        pid.set_components(13, &[&golden.phone]);
    }
    pid
}

/// QBP^Q22: the persons matching QPD-3, best first, at most RCP-2 (and 100). Each is a
/// PID (every record of the person in PID-3, the golden record's demographics; no SSN)
/// and a QRI with the match score when the query was demographic.
pub(super) async fn pdq(
    service: &Arc<Service>,
    header: &Header,
    message: &Message,
) -> Result<Handled, ServiceError> {
    let qpd = message.segment("QPD");
    let error = |p: AckError| Ok(refused(message, header, "K22", qpd, p));
    let Some(q) = qpd else {
        return error(qpd_missing());
    };
    let query = match pdq_query(q) {
        Ok(query) => query,
        Err(p) => return error(p),
    };
    if query.family.is_none()
        && query.given.is_none()
        && query.birth_date.is_empty()
        && query.identifier.is_empty()
    {
        return error(problem(
            "QPD",
            3,
            None,
            ErrorCode::RequiredFieldMissing,
            "give a name, a birth date or an identifier to search by",
        ));
    }
    let limit = message
        .segment("RCP")
        .and_then(|rcp| rcp.text(2, 1).trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
        .map_or(PDQ_MAX, |n| n.min(PDQ_MAX));
    let hits = match service.find_patients(&query, limit).await {
        Ok(hits) => hits,
        Err(ServiceError::Invalid { problem: why, .. }) => {
            return error(problem("QPD", 3, None, ErrorCode::DataType, &why));
        }
        Err(other) => return Err(other),
    };
    let mut rest = Vec::new();
    for (i, hit) in hits.iter().enumerate() {
        rest.push(person_pid(i + 1, &hit.records, &hit.golden));
        if let Some(score) = hit.score {
            let mut qri = Segment::new("QRI");
            qri.set_text(1, &format!("{score:.2}"));
            rest.push(qri);
        }
    }
    let status = if hits.is_empty() { "NF" } else { "OK" };
    let m = response(
        message,
        header,
        "K22",
        AckCode::Accept,
        status,
        hits.len(),
        None,
        qpd,
        rest,
    );
    let mut handled = answered(m, AckCode::Accept, None);
    handled.text = format!("{status} {}", hits.len());
    handled.subjects = hits
        .iter()
        .map(|h| format!("person:{}", h.person_id))
        .collect();
    Ok(handled)
}
