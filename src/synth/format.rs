//! Formatting-only variation: the same facts written differently (case, accents,
//! punctuation, date/SSN/phone layouts, street-type abbreviations, field placement).
//!
//! Input records are in canonical form: names in title case, birth date `YYYY-MM-DD`,
//! SSN `123-45-6789`, phone `617-555-0234`, USPS-abbreviated address line, sex `M`/`F`.

use rand::Rng;
use rand::rngs::SmallRng;

use super::places::{DIRECTIONS, STATES, STREET_TYPES, UNITS};
use super::tables::{Cdf, pick};
use crate::domain::RawRecord;

/// The kinds of formatting variation, with relative weights.
const KINDS: &[(Kind, f64)] = &[
    (Kind::Upper, 18.0),
    (Kind::Lower, 2.0),
    (Kind::NaiveTitle, 5.0),
    (Kind::StripAccents, 8.0),
    (Kind::Punctuation, 6.0),
    (Kind::SuffixPlacement, 5.0),
    (Kind::Sex, 7.0),
    (Kind::BirthDate, 12.0),
    (Kind::Ssn, 7.0),
    (Kind::Phone, 10.0),
    (Kind::Street, 12.0),
    (Kind::Zip, 4.0),
    (Kind::State, 2.0),
    (Kind::City, 3.0),
    (Kind::MiddleInitial, 10.0),
    (Kind::MiddleInGiven, 3.0),
    (Kind::Whitespace, 2.0),
    (Kind::EmailCase, 2.0),
];

#[derive(Debug, Clone, Copy)]
enum Kind {
    Upper,
    Lower,
    NaiveTitle,
    StripAccents,
    Punctuation,
    SuffixPlacement,
    Sex,
    BirthDate,
    Ssn,
    Phone,
    Street,
    Zip,
    State,
    City,
    MiddleInitial,
    MiddleInGiven,
    Whitespace,
    EmailCase,
}

/// Apply one to three formatting variations; `upper_bias` raises the chance of upper case.
pub(crate) fn apply(rng: &mut SmallRng, rec: &mut RawRecord, upper_bias: f64) {
    let cdf = Cdf::new(KINDS.iter().map(|k| k.1));
    let n = match rng.gen_range(0..100) {
        0..=49 => 1,
        50..=84 => 2,
        _ => 3,
    };
    if rng.gen_bool(upper_bias) {
        one(rng, rec, Kind::Upper);
    }
    for _ in 0..n {
        let kind = KINDS[cdf.sample(rng)].0;
        one(rng, rec, kind);
    }
}

fn names_mut(rec: &mut RawRecord) -> [&mut String; 3] {
    [
        &mut rec.given_name,
        &mut rec.middle_name,
        &mut rec.family_name,
    ]
}

fn one(rng: &mut SmallRng, rec: &mut RawRecord, kind: Kind) {
    match kind {
        Kind::Upper => {
            for f in [
                &mut rec.given_name,
                &mut rec.middle_name,
                &mut rec.family_name,
                &mut rec.suffix,
                &mut rec.address_line,
                &mut rec.city,
            ] {
                *f = f.to_uppercase();
            }
            if rng.gen_bool(0.3) {
                rec.email = rec.email.to_uppercase();
            }
        }
        Kind::Lower => names_mut(rec)
            .into_iter()
            .for_each(|f| *f = f.to_lowercase()),
        Kind::NaiveTitle => names_mut(rec).into_iter().for_each(|f| *f = naive_title(f)),
        Kind::StripAccents => {
            for f in [
                &mut rec.given_name,
                &mut rec.middle_name,
                &mut rec.family_name,
                &mut rec.city,
                &mut rec.address_line,
            ] {
                if !f.is_ascii() {
                    *f = deunicode::deunicode(f);
                }
            }
        }
        Kind::Punctuation => {
            let f = if rng.gen_bool(0.75) {
                &mut rec.family_name
            } else {
                &mut rec.given_name
            };
            *f = punctuation(rng, f);
        }
        Kind::SuffixPlacement => suffix(rng, rec),
        Kind::Sex => {
            let m = rec.sex == "M";
            if rec.sex == "M" || rec.sex == "F" {
                rec.sex = match rng.gen_range(0..100) {
                    0..=44 => {
                        if m {
                            "Male"
                        } else {
                            "Female"
                        }
                    }
                    45..=64 => {
                        if m {
                            "MALE"
                        } else {
                            "FEMALE"
                        }
                    }
                    65..=79 => {
                        if m {
                            "m"
                        } else {
                            "f"
                        }
                    }
                    80..=87 => {
                        if m {
                            "male"
                        } else {
                            "female"
                        }
                    }
                    _ => "U",
                }
                .to_string();
            }
        }
        Kind::BirthDate => rec.birth_date = birth_date(rng, &rec.birth_date),
        Kind::Ssn => rec.ssn = ssn(rng, &rec.ssn),
        Kind::Phone => rec.phone = phone(rng, &rec.phone),
        Kind::Street => rec.address_line = street(rng, &rec.address_line),
        Kind::Zip => {
            if rec.postal_code.len() == 5 {
                let plus4 = rng.gen_range(1..10000);
                rec.postal_code = if rng.gen_bool(0.8) {
                    format!("{}-{plus4:04}", rec.postal_code)
                } else {
                    format!("{}{plus4:04}", rec.postal_code)
                };
            }
        }
        Kind::State => {
            if let Some((_, full)) = STATES.iter().find(|s| s.0 == rec.state) {
                rec.state = if rng.gen_bool(0.7) {
                    full.to_string()
                } else {
                    full.to_uppercase()
                };
            }
        }
        Kind::City => rec.city = city(rng, &rec.city),
        Kind::MiddleInitial => {
            if let Some(c) = rec.middle_name.chars().next() {
                rec.middle_name = if rng.gen_bool(0.3) {
                    format!("{c}.")
                } else {
                    c.to_string()
                };
            }
        }
        Kind::MiddleInGiven => {
            if !rec.middle_name.is_empty() && !rec.given_name.is_empty() {
                rec.given_name = format!("{} {}", rec.given_name, rec.middle_name);
                rec.middle_name.clear();
            }
        }
        Kind::Whitespace => {
            let f = pick(rng, &[0, 1, 2]);
            let f = if f == 0 {
                &mut rec.given_name
            } else if f == 1 {
                &mut rec.family_name
            } else {
                &mut rec.address_line
            };
            if !f.is_empty() {
                match rng.gen_range(0..3) {
                    0 => f.push(' '),
                    1 => f.insert(0, ' '),
                    _ => *f = f.replacen(' ', "  ", 1),
                }
            }
        }
        Kind::EmailCase => {
            if rng.gen_bool(0.5) {
                rec.email = rec.email.to_uppercase();
            } else {
                rec.email = super::tables::capitalize(&rec.email);
            }
        }
    }
}

/// Each space-separated word with its first letter upper-case and the rest lower-case.
fn naive_title(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f
                    .to_uppercase()
                    .chain(c.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Punctuation and spacing dropped or changed (O'Brien → OBrien, Garcia-Lopez → Garcia Lopez).
fn punctuation(rng: &mut SmallRng, s: &str) -> String {
    let space = rng.gen_bool(0.4);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\'' | '-' => {
                if space {
                    out.push(' ')
                }
            }
            '.' => {}
            _ => out.push(c),
        }
    }
    if out == s && s.contains(' ') {
        // compound names: "De La Cruz" → "DeLaCruz", "Garcia Lopez" → "Garcia"
        return if rng.gen_bool(0.5) {
            s.replace(' ', "")
        } else {
            s.split(' ').next().unwrap_or(s).to_string()
        };
    }
    out
}

/// The suffix written differently or moved into the family name ("LYONS JR").
fn suffix(rng: &mut SmallRng, rec: &mut RawRecord) {
    if rec.suffix.is_empty() {
        return;
    }
    let written = match (rec.suffix.as_str(), rng.gen_range(0..4)) {
        ("JR", 0) => "Jr.".to_string(),
        ("JR", 1) => "Jr".to_string(),
        ("SR", 0) => "Sr.".to_string(),
        ("SR", 1) => "Sr".to_string(),
        (s, _) => s.to_string(),
    };
    match rng.gen_range(0..10) {
        0..=5 => {
            let sep = if rng.gen_bool(0.8) { " " } else { ", " };
            rec.family_name = format!("{}{sep}{written}", rec.family_name);
            rec.suffix.clear();
        }
        6 => {
            rec.given_name = format!("{} {written}", rec.given_name);
            rec.suffix.clear();
        }
        _ => rec.suffix = written,
    }
}

fn birth_date(rng: &mut SmallRng, iso: &str) -> String {
    let b = iso.as_bytes();
    if b.len() != 10 || b[4] != b'-' {
        return iso.to_string();
    }
    let (y, m, d) = (&iso[0..4], &iso[5..7], &iso[8..10]);
    match rng.gen_range(0..100) {
        0..=44 => format!("{m}/{d}/{y}"),
        45..=64 => format!(
            "{}/{}/{y}",
            m.trim_start_matches('0'),
            d.trim_start_matches('0')
        ),
        65..=84 => format!("{y}{m}{d}"),
        85..=89 => format!("{y}/{m}/{d}"),
        90..=94 => format!("{m}-{d}-{y}"),
        _ => format!("{iso}T00:00:00"),
    }
}

fn ssn(rng: &mut SmallRng, s: &str) -> String {
    if s.len() != 11 {
        return s.to_string();
    }
    if s.starts_with("XXX") {
        return if rng.gen_bool(0.5) {
            s.replace('-', "")
        } else {
            s.replace('X', "*")
        };
    }
    match rng.gen_range(0..10) {
        0..=6 => s.replace('-', ""),
        7..=8 => s.replace('-', " "),
        _ => s.replace('-', "."),
    }
}

fn phone(rng: &mut SmallRng, s: &str) -> String {
    let d: String = s.chars().filter(char::is_ascii_digit).collect();
    if d.len() != 10 {
        return s.to_string();
    }
    let (a, e, l) = (&d[0..3], &d[3..6], &d[6..10]);
    match rng.gen_range(0..100) {
        0..=29 => format!("({a}) {e}-{l}"),
        30..=54 => d.clone(),
        55..=64 => format!("{a}.{e}.{l}"),
        65..=71 => format!("+1 {a}-{e}-{l}"),
        72..=77 => format!("1-{a}-{e}-{l}"),
        78..=85 => format!("({a}){e}-{l}"),
        86..=91 => format!("{a} {e} {l}"),
        92..=95 => format!("{e}-{l}"),
        _ => format!("{a}-{e}-{l} x{}", rng.gen_range(1..500)),
    }
}

fn street(rng: &mut SmallRng, line: &str) -> String {
    if let Some(rest) = line.strip_prefix("PO Box ") {
        let form = pick(
            rng,
            &[
                "P.O. Box",
                "P O BOX",
                "POB",
                "Post Office Box",
                "PO BOX",
                "P.O.Box",
            ],
        );
        return format!("{form} {rest}");
    }
    let mut words: Vec<String> = line.split(' ').map(str::to_string).collect();
    let unit_pos = words
        .iter()
        .rposition(|w| w.starts_with('#') || UNITS.iter().any(|u| u.1 == w && u.1 != "#"))
        .filter(|&p| p >= 2);
    let end = unit_pos.unwrap_or(words.len());
    let type_pos =
        (end >= 2 && STREET_TYPES.iter().any(|t| t.1 == words[end - 1])).then_some(end - 1);
    let dir_pos = (words.len() > 2 && DIRECTIONS.iter().any(|d| d.1 == words[1])).then_some(1);
    let full_type = |w: &str| {
        STREET_TYPES
            .iter()
            .find(|t| t.1 == w)
            .map(|t| t.0.to_string())
    };
    let full_dir = |w: &str| {
        DIRECTIONS
            .iter()
            .find(|d| d.1 == w)
            .map(|d| d.0.to_string())
    };
    let mode = rng.gen_range(0..100);
    let mut changed = false;
    if mode < 40 {
        for (pos, f) in [(type_pos, 0), (dir_pos, 1)] {
            if let Some(p) = pos {
                let full = if f == 0 {
                    full_type(&words[p])
                } else {
                    full_dir(&words[p])
                };
                if let Some(full) = full {
                    changed |= full != words[p];
                    words[p] = full;
                }
            }
        }
        if let Some(u) = unit_pos
            && let Some(full) = UNITS.iter().find(|x| x.1 == words[u] && x.0 != x.1)
        {
            words[u] = full.0.to_string();
            changed = true;
        }
    } else if mode < 65 {
        if let Some(full) = type_pos.and_then(|p| full_type(&words[p])) {
            let p = type_pos.unwrap_or_default();
            changed |= full != words[p];
            words[p] = full;
        }
    } else if mode < 80 {
        for p in [type_pos, dir_pos, unit_pos].into_iter().flatten() {
            if words[p].chars().all(char::is_alphabetic)
                && words[p].len() <= 4
                && words[p] != "Way"
                && words[p] != "Loop"
            {
                words[p].push('.');
                changed = true;
            }
        }
    } else if let Some(u) = unit_pos
        && words[u] != "#"
        && !words[u].starts_with('#')
        && u + 1 < words.len()
    {
        if rng.gen_bool(0.5) {
            let num = words.remove(u + 1);
            words[u] = format!("#{num}");
        } else {
            words[u - 1].push(',');
        }
        changed = true;
    }
    if !changed {
        // no structure to vary: spell the type out or drop it
        if let Some(p) = type_pos {
            if let Some(full) = full_type(&words[p]).filter(|f| *f != words[p]) {
                words[p] = full;
            } else {
                words.remove(p);
            }
        }
    }
    words.join(" ")
}

fn city(rng: &mut SmallRng, c: &str) -> String {
    let swaps: &[(&str, &[&str])] = &[
        ("St. ", &["Saint ", "St ", "ST "]),
        ("Fort ", &["Ft ", "Ft. "]),
        ("Mount ", &["Mt ", "Mt. "]),
        ("Port St. ", &["Port Saint ", "Port St "]),
    ];
    for (from, tos) in swaps {
        if c.contains(from) {
            return c.replacen(from, pick(rng, tos), 1);
        }
    }
    if !c.is_ascii() {
        return deunicode::deunicode(c);
    }
    if c.contains('-') || c.contains('\'') {
        return c.replace(['-', '\''], if rng.gen_bool(0.5) { " " } else { "" });
    }
    c.to_uppercase()
}
