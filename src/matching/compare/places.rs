//! Comparisons of street addresses, cities and postal codes.

use super::{MISSING, jaro_winkler_from, one_edit_or_transposition};
use crate::normalize::Address;

/// Address levels, strongest first.
pub const ADDRESS_LEVELS: &[&str] = &[
    "exact",
    "same_street_number",
    "fuzzy",
    "same_street",
    "different",
];
/// City levels, strongest first.
pub const CITY_LEVELS: &[&str] = &["exact", "fuzzy", "different"];
/// Postal-code levels, strongest first.
pub const POSTAL_LEVELS: &[&str] = &["exact", "one_edit", "different"];

/// Compares addresses: the whole line, then house number and street, then street alone.
/// Word order is ignored (sources put the building name before or after the street).
pub fn compare_address(a: Option<&Address>, b: Option<&Address>) -> u8 {
    let (Some(a), Some(b)) = (a, b) else {
        return MISSING;
    };
    if a.line == b.line {
        return 1;
    }
    // same words in another order (only possible when the lengths are equal)
    if a.line.len() == b.line.len() && sorted_words(&a.line) == sorted_words(&b.line) {
        return 1;
    }
    let street_jw = jaro_winkler_from(&a.street, &b.street, 0.90);
    let same_number = a.number.is_some() && a.number == b.number;
    let contained = words_contained(&a.street, &b.street);
    if same_number && (a.street == b.street || street_jw >= 0.90 || contained) {
        return 2;
    }
    if jaro_winkler_from(&a.line, &b.line, 0.90) >= 0.90 {
        return 3;
    }
    if !a.street.is_empty() && (a.street == b.street || street_jw >= 0.95 || contained) {
        return 4;
    }
    5
}

fn sorted_words(s: &str) -> String {
    let mut words: Vec<&str> = s.split(' ').filter(|w| !w.is_empty()).collect();
    words.sort_unstable();
    words.join(" ")
}

/// True when every word of the shorter street (at least two words) is in the longer one.
fn words_contained(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let words = || short.split(' ').filter(|w| !w.is_empty());
    words().nth(1).is_some() && words().all(|w| long.split(' ').any(|x| x == w))
}

/// Compares cities: exact, close (Jaro–Winkler ≥ 0.92), different.
pub fn compare_city(a: Option<&str>, b: Option<&str>) -> u8 {
    let (Some(a), Some(b)) = (a, b) else {
        return MISSING;
    };
    if a == b {
        1
    } else if jaro_winkler_from(a, b, 0.92) >= 0.92 {
        2
    } else {
        3
    }
}

/// Compares postal codes: exact, one character wrong or two transposed, different.
pub fn compare_postal(a: Option<&str>, b: Option<&str>) -> u8 {
    let (Some(a), Some(b)) = (a, b) else {
        return MISSING;
    };
    if a == b {
        1
    } else if one_edit_or_transposition(a.as_bytes(), b.as_bytes()) {
        2
    } else {
        3
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::address::parse_address;

    fn level(a: &str, b: &str) -> &'static str {
        let a = parse_address(a).unwrap();
        let b = parse_address(b).unwrap();
        match compare_address(a.as_ref(), b.as_ref()) {
            0 => "missing",
            l => ADDRESS_LEVELS[l as usize - 1],
        }
    }

    #[test]
    fn address_levels() {
        assert_eq!(level("12 Main Street", "12 MAIN ST"), "exact");
        assert_eq!(
            level("12 Main Street Apt 4", "12 Main St"),
            "same_street_number"
        );
        assert_eq!(
            level("12 Main Street", "12 Mian Street"),
            "same_street_number"
        );
        assert_eq!(level("12 Main Street", "14 Main Street"), "fuzzy");
        assert_eq!(level("1200 Main Street", "45 Main Street"), "same_street");
        assert_eq!(level("12 Main Street", "98 Oak Avenue"), "different");
        assert_eq!(
            level("51 Hurley St Lakes Estate", "51 Lakes Estate Hurley Street"),
            "exact"
        );
        assert_eq!(
            level("51 Hurley St Lakes Retirement Estate", "51 Hurley Street"),
            "same_street_number"
        );
        assert_eq!(level("", "98 Oak Avenue"), "missing");
    }

    #[test]
    fn city_and_postal_levels() {
        assert_eq!(compare_city(Some("BOSTON"), Some("BOSTON")), 1);
        assert_eq!(compare_city(Some("BOSTON"), Some("BOSTN")), 2);
        assert_eq!(compare_city(Some("BOSTON"), Some("DALLAS")), 3);
        assert_eq!(compare_postal(Some("02139"), Some("02139")), 1);
        assert_eq!(compare_postal(Some("02139"), Some("02193")), 2);
        assert_eq!(compare_postal(Some("02139"), Some("90210")), 3);
        assert_eq!(compare_postal(None, Some("90210")), 0);
    }
}
