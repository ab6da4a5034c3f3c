//! `GET /v1/audit`: the audit log, filtered by person, actor, action and time, a page at
//! a time in seq order.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::problem::Problem;
use super::routes::only_known;
use crate::audit::{AuditError, Filter, StoredEntry};
use crate::identity::Service;

type Result<T> = std::result::Result<T, Problem>;

const KNOWN: [&str; 7] = ["person", "actor", "action", "from", "to", "after", "limit"];

/// One page of entries; pass `next_after` as `after` for the next (null on the last).
#[derive(Debug, Serialize)]
struct AuditPage {
    entries: Vec<StoredEntry>,
    next_after: Option<i64>,
}

/// `GET /v1/audit?person=&actor=&action=&from=&to=&after=&limit=`.
pub async fn list_audit(
    service: web::Data<Service>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse> {
    let filter = filter(&query)?;
    let entries = crate::audit::query(&service.store, &filter)
        .await
        .map_err(internal)?;
    let next_after = if entries.len() as i64 == filter.limit {
        entries.last().map(|e| e.seq)
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(AuditPage {
        entries,
        next_after,
    }))
}

/// The filter a query string asks for; a bad value is a 400 naming its parameter.
fn filter(query: &HashMap<String, String>) -> Result<Filter> {
    only_known(query, &KNOWN)?;
    let word = |name: &str| -> Result<Option<String>> {
        match query.get(name).map(|v| v.trim()) {
            None => Ok(None),
            Some(v) if v.is_empty() || v.len() > 200 => Err(invalid(
                name,
                &format!("{name} must be 1 to 200 characters"),
            )),
            Some(v) => Ok(Some(v.to_string())),
        }
    };
    let time = |name: &str| -> Result<Option<i64>> {
        query
            .get(name)
            .map(|v| {
                parse_time(v.trim()).ok_or_else(|| {
                    invalid(
                        name,
                        &format!(
                            "{name} must be Unix milliseconds, a date (2024-05-01) or an \
                             RFC 3339 time (2024-05-01T08:30:00Z)"
                        ),
                    )
                })
            })
            .transpose()
    };
    let number = |name: &str, range: std::ops::RangeInclusive<i64>| -> Result<Option<i64>> {
        query
            .get(name)
            .map(|v| {
                v.trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| range.contains(n))
                    .ok_or_else(|| {
                        invalid(
                            name,
                            &format!(
                                "{name} must be a whole number from {} to {}",
                                range.start(),
                                range.end()
                            ),
                        )
                    })
            })
            .transpose()
    };
    let filter = Filter {
        person: word("person")?,
        actor: word("actor")?,
        action: word("action")?,
        from: time("from")?,
        to: time("to")?,
        after_seq: number("after", 0..=i64::MAX)?,
        limit: number("limit", 1..=1000)?.unwrap_or(100),
    };
    if let (Some(from), Some(to)) = (filter.from, filter.to)
        && to < from
    {
        return Err(invalid("to", "to must not be before from"));
    }
    Ok(filter)
}

fn invalid(name: &str, detail: &str) -> Problem {
    Problem::new(StatusCode::BAD_REQUEST, "invalid_field", detail).with_field(name)
}

fn internal(error: AuditError) -> Problem {
    // store errors name no entry contents
    tracing::error!(%error, "audit query failed");
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "the audit log could not be read",
    )
}

/// Unix milliseconds from `1714552200000`, `2024-05-01` (midnight UTC) or an RFC 3339
/// time (`2024-05-01T08:30:00Z`, `…T08:30:00.250+02:00`).
fn parse_time(text: &str) -> Option<i64> {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok();
    }
    let (date, rest) = text.split_at_checked(10)?;
    let day = parse_date(date)?;
    if rest.is_empty() {
        return Some(day * 86_400_000);
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let clock = rest.get(..8)?.as_bytes();
    let two = |i: usize| -> Option<i64> {
        let s = std::str::from_utf8(clock.get(i..i + 2)?).ok()?;
        s.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    if clock[2] != b':' || clock[5] != b':' {
        return None;
    }
    let (h, m, s) = (two(0)?, two(3)?, two(6)?);
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    let mut rest = &rest[8..];
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let padded = format!("{:0<3}", &fraction[..digits.min(3)]);
        millis = padded.parse::<i64>().ok()?;
        rest = &fraction[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (oh, om) = rest[1..].split_once(':')?;
            let (oh, om): (i64, i64) = (oh.parse().ok()?, om.parse().ok()?);
            if oh > 23 || om > 59 || rest.len() != 6 {
                return None;
            }
            sign * (oh * 60 + om) * 60_000
        }
    };
    Some(day * 86_400_000 + ((h * 60 + m) * 60 + s) * 1000 + millis - offset)
}

/// Days since 1970-01-01 of a valid `YYYY-MM-DD` date.
fn parse_date(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |s: &str| -> Option<i64> {
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let (y, m, d) = (num(&text[..4])?, num(&text[5..7])?, num(&text[8..])?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in_month = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month[(m - 1) as usize] {
        return None;
    }
    // days from the civil date (H. Hinnant's algorithm), years from 0000
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn times_parse_in_every_accepted_form() {
        assert_eq!(parse_time("0"), Some(0));
        assert_eq!(parse_time("1970-01-01"), Some(0));
        assert_eq!(parse_time("2024-05-01"), Some(1_714_521_600_000));
        assert_eq!(parse_time("2024-05-01T08:30:00Z"), Some(1_714_552_200_000));
        assert_eq!(
            parse_time("2024-05-01T08:30:00.25Z"),
            Some(1_714_552_200_250)
        );
        assert_eq!(
            parse_time("2024-05-01T10:30:00+02:00"),
            Some(1_714_552_200_000)
        );
        assert_eq!(parse_time("2000-02-29"), Some(951_782_400_000));
        for bad in [
            "",
            "yesterday",
            "2024-02-30",
            "2023-02-29",
            "2024-13-01",
            "2024-05-01T25:00:00Z",
            "2024-05-01T08:30:00",
            "2024-05-01T08:30Z",
            "-5",
            "2024-05-01T08:30:00+2",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_query_becomes_a_filter() {
        let f = filter(&q(&[
            ("person", "P1"),
            ("actor", "sam"),
            ("action", "person.read"),
            ("from", "2024-05-01"),
            ("to", "2024-05-02"),
            ("after", "40"),
            ("limit", "5"),
        ]))
        .unwrap();
        assert_eq!(f.person.as_deref(), Some("P1"));
        assert_eq!(f.actor.as_deref(), Some("sam"));
        assert_eq!(f.action.as_deref(), Some("person.read"));
        assert_eq!(f.from, Some(1_714_521_600_000));
        assert_eq!(f.to, Some(1_714_608_000_000));
        assert_eq!((f.after_seq, f.limit), (Some(40), 5));
        assert_eq!(filter(&q(&[])).unwrap(), Filter::default());
    }

    #[test]
    fn bad_values_name_their_parameter() {
        for (name, value, code) in [
            ("limit", "0", "invalid_field"),
            ("limit", "1001", "invalid_field"),
            ("after", "-1", "invalid_field"),
            ("after", "x", "invalid_field"),
            ("from", "soon", "invalid_field"),
            ("to", "2024-02-30", "invalid_field"),
            ("actor", "", "invalid_field"),
            ("shoe", "9", "unknown_field"),
        ] {
            let problem = filter(&q(&[(name, value)])).unwrap_err();
            assert_eq!(problem.status, 400);
            assert_eq!(problem.code, code, "{name}={value}");
            assert_eq!(problem.field.as_deref(), Some(name), "{name}={value}");
        }
        let problem = filter(&q(&[("from", "2024-05-02"), ("to", "2024-05-01")])).unwrap_err();
        assert_eq!(problem.field.as_deref(), Some("to"));
    }
}
