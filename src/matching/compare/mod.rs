//! Compare: for each field of a pair of records, the comparison level they reach.
//!
//! Levels are ordered from strongest agreement to disagreement; `MISSING` (value absent
//! on either side) carries no evidence. The level names here are the ones the model file
//! gives m and u probabilities for.

mod identifiers;
mod names;
mod places;

use serde::Serialize;

use crate::normalize::NormalizedRecord;

/// A compared field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    GivenName,
    MiddleName,
    FamilyName,
    Sex,
    BirthDate,
    Ssn,
    Phone,
    Email,
    AddressLine,
    City,
    State,
    PostalCode,
}

/// Number of compared fields.
pub const FIELD_COUNT: usize = 12;

impl Field {
    /// Every field, in comparison order.
    pub const ALL: [Field; FIELD_COUNT] = [
        Field::GivenName,
        Field::MiddleName,
        Field::FamilyName,
        Field::Sex,
        Field::BirthDate,
        Field::Ssn,
        Field::Phone,
        Field::Email,
        Field::AddressLine,
        Field::City,
        Field::State,
        Field::PostalCode,
    ];

    /// The canonical field name.
    pub fn name(self) -> &'static str {
        match self {
            Field::GivenName => "given_name",
            Field::MiddleName => "middle_name",
            Field::FamilyName => "family_name",
            Field::Sex => "sex",
            Field::BirthDate => "birth_date",
            Field::Ssn => "ssn",
            Field::Phone => "phone",
            Field::Email => "email",
            Field::AddressLine => "address_line",
            Field::City => "city",
            Field::State => "state",
            Field::PostalCode => "postal_code",
        }
    }

    /// The field with this canonical name.
    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Position in `Field::ALL`.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The agreement levels this field's comparison produces, strongest first
    /// (level code `i + 1`); code 0 is "missing".
    pub fn levels(self) -> &'static [&'static str] {
        match self {
            Field::GivenName => names::GIVEN_LEVELS,
            Field::MiddleName => names::MIDDLE_LEVELS,
            Field::FamilyName => names::FAMILY_LEVELS,
            Field::Sex => &["exact", "different"],
            Field::BirthDate => identifiers::DATE_LEVELS,
            Field::Ssn => identifiers::SSN_LEVELS,
            Field::Phone => identifiers::PHONE_LEVELS,
            Field::Email => identifiers::EMAIL_LEVELS,
            Field::AddressLine => places::ADDRESS_LEVELS,
            Field::City => places::CITY_LEVELS,
            Field::State => &["exact", "different"],
            Field::PostalCode => places::POSTAL_LEVELS,
        }
    }

    /// The level code of a level name, if this field has that level.
    pub fn level_code(self, level: &str) -> Option<u8> {
        self.levels()
            .iter()
            .position(|l| *l == level)
            .map(|i| i as u8 + 1)
    }

    /// The name of a level code ("missing" for 0).
    pub fn level_name(self, code: u8) -> &'static str {
        match code {
            0 => MISSING_NAME,
            c => self.levels()[c as usize - 1],
        }
    }
}

/// Level code for "missing on either side".
pub const MISSING: u8 = 0;
/// Name of the missing level.
pub const MISSING_NAME: &str = "missing";

/// The comparison vector of a pair: one level code per field, indexed by `Field::index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Comparison {
    pub levels: [u8; FIELD_COUNT],
}

impl Comparison {
    /// The level code of one field.
    pub fn level(&self, field: Field) -> u8 {
        self.levels[field.index()]
    }

    /// The level name of one field.
    pub fn level_name(&self, field: Field) -> &'static str {
        field.level_name(self.level(field))
    }

    /// True when the field's level is one of the named ones.
    pub fn is(&self, field: Field, names: &[&str]) -> bool {
        names.contains(&self.level_name(field))
    }
}

/// Compares two normalized records field by field.
pub fn compare(a: &NormalizedRecord, b: &NormalizedRecord) -> Comparison {
    let mut levels = [MISSING; FIELD_COUNT];
    let (given, family) = names::compare_given_family(a, b);
    levels[Field::GivenName.index()] = given;
    levels[Field::FamilyName.index()] = family;
    levels[Field::MiddleName.index()] = names::compare_middle(a.middle.as_ref(), b.middle.as_ref());
    levels[Field::Sex.index()] = exact_or_different(a.sex, b.sex);
    levels[Field::BirthDate.index()] = identifiers::compare_dates(a.birth_date, b.birth_date);
    levels[Field::Ssn.index()] = identifiers::compare_ssn(a.ssn, b.ssn);
    levels[Field::Phone.index()] = identifiers::compare_phone(a.phone, b.phone);
    levels[Field::Email.index()] =
        identifiers::compare_email(a.email.as_deref(), b.email.as_deref());
    levels[Field::AddressLine.index()] =
        places::compare_address(a.address.as_ref(), b.address.as_ref());
    levels[Field::City.index()] = places::compare_city(a.city.as_deref(), b.city.as_deref());
    levels[Field::State.index()] = exact_or_different(a.state.as_ref(), b.state.as_ref());
    levels[Field::PostalCode.index()] =
        places::compare_postal(a.postal_code.as_deref(), b.postal_code.as_deref());
    Comparison { levels }
}

fn exact_or_different<T: PartialEq>(a: Option<T>, b: Option<T>) -> u8 {
    match (a, b) {
        (Some(x), Some(y)) if x == y => 1,
        (Some(_), Some(_)) => 2,
        _ => MISSING,
    }
}

/// Jaro–Winkler similarity of two strings. Normalized values are ASCII, so short ones
/// take a byte-wise path without allocating; anything else goes to strsim.
pub(crate) fn jaro_winkler(a: &str, b: &str) -> f64 {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if !a.is_ascii() || !b.is_ascii() || x.len() > 64 || y.len() > 64 {
        return strsim::jaro_winkler(a, b);
    }
    let j = jaro_ascii(x, y);
    if j <= 0.7 {
        return j;
    }
    let prefix = x.iter().zip(y).take(4).take_while(|(p, q)| p == q).count();
    j + 0.1 * prefix as f64 * (1.0 - j)
}

/// Jaro–Winkler similarity when it can reach `floor`; otherwise some value below `floor`.
/// Most compared pairs are different people, and a count of the characters the two
/// strings share bounds the similarity cheaply, so the full calculation is skipped.
pub(crate) fn jaro_winkler_from(a: &str, b: &str, floor: f64) -> f64 {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if x.is_empty() || y.is_empty() || x == y || !a.is_ascii() || !b.is_ascii() {
        return jaro_winkler(a, b);
    }
    let mut counts = [0i16; 64];
    for &c in x {
        counts[(c & 63) as usize] += 1;
    }
    let mut common = 0usize;
    for &c in y {
        let slot = &mut counts[(c & 63) as usize];
        if *slot > 0 {
            *slot -= 1;
            common += 1;
        }
    }
    let m = common as f64;
    let jaro_bound = (m / x.len() as f64 + m / y.len() as f64 + 1.0) / 3.0;
    let prefix = x.iter().zip(y).take(4).take_while(|(p, q)| p == q).count();
    let bound = jaro_bound + 0.1 * prefix as f64 * (1.0 - jaro_bound);
    if bound < floor {
        return bound.min(floor - f64::EPSILON).max(0.0);
    }
    jaro_winkler(a, b)
}

fn jaro_ascii(x: &[u8], y: &[u8]) -> f64 {
    if x.is_empty() && y.is_empty() {
        return 1.0;
    }
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    let window = (x.len().max(y.len()) / 2).saturating_sub(1);
    let mut x_hit = [false; 64];
    let mut y_hit = [false; 64];
    let mut matches = 0usize;
    for (i, &c) in x.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(y.len());
        for j in lo..hi {
            if !y_hit[j] && y[j] == c {
                x_hit[i] = true;
                y_hit[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut k = 0;
    for (i, &c) in x.iter().enumerate() {
        if x_hit[i] {
            while !y_hit[k] {
                k += 1;
            }
            if c != y[k] {
                transpositions += 1;
            }
            k += 1;
        }
    }
    let m = matches as f64;
    (m / x.len() as f64 + m / y.len() as f64 + (m - (transpositions / 2) as f64) / m) / 3.0
}

/// True when two equal-length strings differ in exactly one position, or one adjacent
/// pair of characters is transposed.
pub(crate) fn one_edit_or_transposition(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut first = None;
    let mut second = None;
    for i in 0..a.len() {
        if a[i] != b[i] {
            match (first, second) {
                (None, _) => first = Some(i),
                (Some(_), None) => second = Some(i),
                _ => return false,
            }
        }
    }
    match (first, second) {
        (Some(_), None) => true,
        (Some(i), Some(j)) => j == i + 1 && a[i] == b[j] && a[j] == b[i],
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_named_levels() {
        for f in Field::ALL {
            assert_eq!(Field::from_name(f.name()), Some(f));
            assert!(f.levels().len() >= 2, "{f:?}");
            assert_eq!(f.level_name(0), "missing");
            for (i, l) in f.levels().iter().enumerate() {
                assert_eq!(f.level_code(l), Some(i as u8 + 1));
            }
            assert_eq!(
                *f.levels().last().unwrap(),
                "different",
                "{f:?} ends with different"
            );
        }
    }

    #[test]
    fn jaro_winkler_agrees_with_strsim() {
        let words = [
            "MARTHA",
            "MARHTA",
            "DWAYNE",
            "DUANE",
            "DIXON",
            "DICKSONX",
            "JON",
            "JOHN",
            "A",
            "",
            "SMITH",
            "SMYTHE",
            "CATHERINE",
            "KATHRYN",
            "12 MAIN ST APT 4",
            "12 MIAN ST",
        ];
        for a in words {
            for b in words {
                let (ours, theirs) = (jaro_winkler(a, b), strsim::jaro_winkler(a, b));
                assert!((ours - theirs).abs() < 1e-12, "{a} {b}: {ours} vs {theirs}");
            }
        }
    }

    #[test]
    fn the_bounded_jaro_winkler_decides_every_threshold_like_the_full_one() {
        // random strings over a small alphabet, so that many pairs are close
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let word = |next: &mut dyn FnMut() -> u64| -> String {
            let len = 1 + (next() % 12) as usize;
            (0..len)
                .map(|_| b"AEINRST "[(next() % 8) as usize] as char)
                .collect()
        };
        for _ in 0..20_000 {
            let (a, b) = (word(&mut next), word(&mut next));
            for floor in [0.80, 0.90, 0.92, 0.95] {
                let (full, bounded) = (jaro_winkler(&a, &b), jaro_winkler_from(&a, &b, floor));
                assert_eq!(full >= floor, bounded >= floor, "{a:?} {b:?} {floor}");
                if full >= floor {
                    assert_eq!(full, bounded);
                }
            }
        }
    }

    #[test]
    fn one_edit() {
        assert!(one_edit_or_transposition(b"123456789", b"123456780"));
        assert!(one_edit_or_transposition(b"123456789", b"123456798"));
        assert!(!one_edit_or_transposition(b"123456789", b"123456700"));
        assert!(!one_edit_or_transposition(b"123456789", b"12345678"));
        assert!(!one_edit_or_transposition(b"123", b"123"));
    }
}
