//! Name comparisons: given, middle and family names, including swaps and nicknames.

use super::{MISSING, jaro_winkler_from};
use crate::normalize::{Name, NormalizedRecord, nickname, phonetic};

/// Given-name levels, strongest first.
pub const GIVEN_LEVELS: &[&str] = &[
    "exact",
    "jw_high",
    "nickname",
    "middle_as_given",
    "phonetic",
    "jw_mid",
    "initial",
    "swapped",
    "different",
];
/// Family-name levels, strongest first (a given↔family swap is scored on the given name).
pub const FAMILY_LEVELS: &[&str] = &[
    "exact",
    "jw_high",
    "partial",
    "phonetic",
    "jw_mid",
    "different",
];
/// Middle-name levels, strongest first.
pub const MIDDLE_LEVELS: &[&str] = &["exact", "initial", "similar", "different"];

/// Jaro–Winkler at or above this is "jw_high".
pub const JW_HIGH: f64 = 0.92;
/// Jaro–Winkler at or above this is "jw_mid".
pub const JW_MID: f64 = 0.80;

const G_EXACT: u8 = 1;
const G_JW_HIGH: u8 = 2;
const G_NICKNAME: u8 = 3;
const G_MIDDLE: u8 = 4;
const G_PHONETIC: u8 = 5;
const G_JW_MID: u8 = 6;
const G_INITIAL: u8 = 7;
const G_SWAPPED: u8 = 8;
const G_DIFFERENT: u8 = 9;

const F_EXACT: u8 = 1;
const F_JW_HIGH: u8 = 2;
const F_PARTIAL: u8 = 3;
const F_PHONETIC: u8 = 4;
const F_JW_MID: u8 = 5;
const F_DIFFERENT: u8 = 6;

/// True when two names are the same text, ignoring spaces (DE LA CRUZ ~ DELACRUZ).
fn same(a: &Name, b: &Name) -> bool {
    if a.text == b.text {
        return true;
    }
    if !a.text.contains(' ') && !b.text.contains(' ') {
        return false;
    }
    a.text
        .bytes()
        .filter(|&c| c != b' ')
        .eq(b.text.bytes().filter(|&c| c != b' '))
}

/// True when the two names agree closely enough to count as the same name in a swap check.
fn close(a: &Name, b: &Name) -> bool {
    same(a, b) || jaro_winkler_from(&a.text, &b.text, JW_HIGH) >= JW_HIGH
}

/// True when every word of the shorter multi-word name appears in the longer one.
fn token_subset(a: &Name, b: &Name) -> bool {
    let (short, long) = if a.text.len() <= b.text.len() {
        (a, b)
    } else {
        (b, a)
    };
    if !long.text.contains(' ') {
        return false;
    }
    short.tokens().all(|t| long.tokens().any(|u| u == t))
}

/// Compares given and family names together, so that a given↔family swap is recognised.
pub fn compare_given_family(a: &NormalizedRecord, b: &NormalizedRecord) -> (u8, u8) {
    let mut given = match (&a.given, &b.given) {
        (Some(x), Some(y)) => compare_given(x, y, a.middle.as_ref(), b.middle.as_ref()),
        _ => MISSING,
    };
    let mut family = match (&a.family, &b.family) {
        (Some(x), Some(y)) => compare_family(x, y),
        _ => MISSING,
    };
    let swapped = match (&a.given, &a.family, &b.given, &b.family) {
        (Some(ag), Some(af), Some(bg), Some(bf)) => {
            given >= G_JW_MID && close(ag, bf) && close(af, bg)
        }
        (Some(ag), None, None, Some(bf)) => close(ag, bf),
        (None, Some(af), Some(bg), None) => close(af, bg),
        _ => false,
    };
    if swapped {
        // The swap carries the evidence of both names once, on the given name.
        given = G_SWAPPED;
        family = MISSING;
    }
    (given, family)
}

fn compare_given(x: &Name, y: &Name, x_middle: Option<&Name>, y_middle: Option<&Name>) -> u8 {
    if same(x, y) {
        return G_EXACT;
    }
    let jw = jaro_winkler_from(&x.text, &y.text, JW_MID);
    if jw >= JW_HIGH || (token_subset(x, y) && x.first_token() == y.first_token()) {
        return G_JW_HIGH;
    }
    if nickname::related(x.first_token(), y.first_token()) {
        return G_NICKNAME;
    }
    let uses_middle = |given: &Name, middle: Option<&Name>| {
        middle.is_some_and(|m| !m.is_initial() && close(given, m))
    };
    if uses_middle(x, y_middle) || uses_middle(y, x_middle) {
        return G_MIDDLE;
    }
    if !x.is_initial() && !y.is_initial() && phonetic::codes_agree(x.phonetic, y.phonetic) {
        return G_PHONETIC;
    }
    if jw >= JW_MID && !x.is_initial() && !y.is_initial() {
        return G_JW_MID;
    }
    if (x.is_initial() || y.is_initial()) && x.text.as_bytes()[0] == y.text.as_bytes()[0] {
        return G_INITIAL;
    }
    G_DIFFERENT
}

fn compare_family(x: &Name, y: &Name) -> u8 {
    if same(x, y) {
        return F_EXACT;
    }
    let jw = jaro_winkler_from(&x.text, &y.text, JW_MID);
    if jw >= JW_HIGH {
        return F_JW_HIGH;
    }
    if token_subset(x, y) {
        return F_PARTIAL;
    }
    if phonetic::codes_agree(x.phonetic, y.phonetic) {
        return F_PHONETIC;
    }
    if jw >= JW_MID {
        return F_JW_MID;
    }
    F_DIFFERENT
}

/// Compares middle names; an initial agrees with a name that starts with it.
pub fn compare_middle(x: Option<&Name>, y: Option<&Name>) -> u8 {
    let (Some(x), Some(y)) = (x, y) else {
        return MISSING;
    };
    if same(x, y) {
        return 1;
    }
    if (x.is_initial() || y.is_initial()) && x.text.as_bytes()[0] == y.text.as_bytes()[0] {
        return 2;
    }
    if jaro_winkler_from(&x.text, &y.text, JW_HIGH) >= JW_HIGH {
        return 3;
    }
    4
}

#[cfg(test)]
mod tests {
    use super::super::{Field, compare};
    use crate::domain::RawRecord;
    use crate::normalize::normalize;

    fn pair(a: (&str, &str, &str), b: (&str, &str, &str)) -> (&'static str, &'static str) {
        let rec = |(g, m, f): (&str, &str, &str)| {
            normalize(&RawRecord {
                given_name: g.into(),
                middle_name: m.into(),
                family_name: f.into(),
                ..Default::default()
            })
            .0
        };
        let c = compare(&rec(a), &rec(b));
        (
            c.level_name(Field::GivenName),
            c.level_name(Field::FamilyName),
        )
    }

    #[test]
    fn given_name_levels() {
        let g = |a: &str, b: &str| pair((a, "", "X"), (b, "", "X")).0;
        assert_eq!(g("John", "JOHN"), "exact");
        assert_eq!(g("José", "Jose"), "exact");
        assert_eq!(g("Jonathan", "Jonathon"), "jw_high");
        assert_eq!(g("Mary Ann", "Mary"), "jw_high");
        assert_eq!(g("Robert", "Bob"), "nickname");
        assert_eq!(g("Catherine", "Kathryn"), "phonetic");
        assert_eq!(g("Steven", "Stephen"), "phonetic");
        assert_eq!(g("J", "John"), "initial");
        assert_eq!(g("Mariana", "Marisol"), "jw_mid");
        assert_eq!(g("John", "Mary"), "different");
        assert_eq!(g("", "Mary"), "missing");
        assert_eq!(g("BABY BOY", "Mary"), "missing");
    }

    #[test]
    fn middle_name_used_as_given() {
        assert_eq!(
            pair(("Anne", "", "Lee"), ("Sarah", "Anne", "Lee")).0,
            "middle_as_given"
        );
    }

    #[test]
    fn family_name_levels() {
        let f = |a: &str, b: &str| pair(("X", "", a), ("X", "", b)).1;
        assert_eq!(f("O'Brien", "OBRIEN"), "exact");
        assert_eq!(f("De La Cruz", "Delacruz"), "exact");
        assert_eq!(f("Johnson", "Jonhson"), "jw_high");
        assert_eq!(f("Garcia-Lopez", "Garcia"), "partial");
        assert_eq!(f("Philips", "Fillips"), "phonetic");
        assert_eq!(f("Martinez", "Martell"), "jw_mid");
        assert_eq!(f("Lyons Jr", "Lyons"), "exact");
        assert_eq!(f("Smith", "Jones"), "different");
    }

    #[test]
    fn swapped_names() {
        assert_eq!(
            pair(("Smith", "", "John"), ("John", "", "Smith")),
            ("swapped", "missing")
        );
        assert_eq!(
            pair(("John", "", "Smith"), ("John", "", "Smith")),
            ("exact", "exact")
        );
    }

    #[test]
    fn middle_levels() {
        let m = |a: &str, b: &str| {
            let rec = |m: &str| {
                normalize(&RawRecord {
                    middle_name: m.into(),
                    ..Default::default()
                })
                .0
            };
            compare(&rec(a), &rec(b)).level_name(Field::MiddleName)
        };
        assert_eq!(m("Lee", "LEE"), "exact");
        assert_eq!(m("L", "Lee"), "initial");
        assert_eq!(m("Elizabeth", "Elisabeth"), "similar");
        assert_eq!(m("Lee", "Leigh"), "different");
        assert_eq!(m("", "Lee"), "missing");
    }
}
