//! Comparisons of birth dates, national identifiers, phones and e-mail addresses.

use super::{MISSING, jaro_winkler_from, one_edit_or_transposition};
use crate::domain::value::{BirthDate, Phone, Ssn};

/// Birth-date levels, strongest first.
pub const DATE_LEVELS: &[&str] = &[
    "exact",
    "transposed",
    "one_digit",
    "year_off_by_one",
    "different",
];
/// National-identifier levels, strongest first.
pub const SSN_LEVELS: &[&str] = &["exact", "one_edit", "last_four", "different"];
/// Phone levels, strongest first.
pub const PHONE_LEVELS: &[&str] = &["exact", "local", "one_edit", "different"];
/// E-mail levels, strongest first.
pub const EMAIL_LEVELS: &[&str] = &["exact", "local_part", "fuzzy", "different"];

/// Compares birth dates: exact, day↔month or adjacent digits transposed, one digit off,
/// year off by one with the same month and day, or different.
pub fn compare_dates(a: Option<BirthDate>, b: Option<BirthDate>) -> u8 {
    let (Some(a), Some(b)) = (a, b) else {
        return MISSING;
    };
    if a == b {
        return 1;
    }
    let (da, db) = (digits8(a.as_number()), digits8(b.as_number()));
    let day_month_swapped = a.year() == b.year() && a.month() == b.day() && a.day() == b.month();
    let diffs = da.iter().zip(&db).filter(|(x, y)| x != y).count();
    if day_month_swapped || (diffs == 2 && one_edit_or_transposition(&da, &db)) {
        return 2;
    }
    if diffs == 1 {
        return 3;
    }
    if a.month() == b.month() && a.day() == b.day() && a.year().abs_diff(b.year()) == 1 {
        return 4;
    }
    5
}

/// The eight decimal digits of a YYYYMMDD number, without allocating.
fn digits8(mut n: u32) -> [u8; 8] {
    let mut out = [b'0'; 8];
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out
}

/// Compares national identifiers; a masked value agrees only on its last four digits.
pub fn compare_ssn(a: Option<Ssn>, b: Option<Ssn>) -> u8 {
    let (Some(a), Some(b)) = (a, b) else {
        return MISSING;
    };
    match (a, b) {
        (Ssn::LastFour(_), _) | (_, Ssn::LastFour(_)) => {
            if a.last_four() == b.last_four() {
                3
            } else {
                4
            }
        }
        _ if a == b => 1,
        _ => match (digit_array(a), digit_array(b)) {
            (Some((x, n)), Some((y, m)))
                if n == m && one_edit_or_transposition(&x[..n], &y[..m]) =>
            {
                2
            }
            _ => 4,
        },
    }
}

/// The digits of a full identifier without allocating.
fn digit_array(s: Ssn) -> Option<([u8; 12], usize)> {
    let (mut v, len) = match s {
        Ssn::Full(v) => (v as u64, 9),
        Ssn::Other { digits, len } => (digits, len as usize),
        Ssn::LastFour(_) => return None,
    };
    let mut out = [b'0'; 12];
    for slot in out[..len].iter_mut().rev() {
        *slot = b'0' + (v % 10) as u8;
        v /= 10;
    }
    Some((out, len))
}

/// Compares phones; a number without area code agrees with one whose local part matches.
pub fn compare_phone(a: Option<Phone>, b: Option<Phone>) -> u8 {
    let (Some(a), Some(b)) = (a, b) else {
        return MISSING;
    };
    if a == b {
        return 1;
    }
    if (a.area().is_none() || b.area().is_none()) && a.local() == b.local() {
        return 2;
    }
    if one_edit_or_transposition(a.digits().as_bytes(), b.digits().as_bytes()) {
        return 3;
    }
    4
}

/// Compares e-mail addresses: exact, same mailbox name at another domain, close, different.
pub fn compare_email(a: Option<&str>, b: Option<&str>) -> u8 {
    let (Some(a), Some(b)) = (a, b) else {
        return MISSING;
    };
    if a == b {
        return 1;
    }
    fn local(s: &str) -> &str {
        s.split('@').next().unwrap_or_default()
    }
    if local(a) == local(b) && local(a).len() >= 4 {
        return 2;
    }
    if jaro_winkler_from(a, b, 0.92) >= 0.92 {
        return 3;
    }
    4
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Option<BirthDate> {
        BirthDate::parse(s).ok()
    }
    fn level(l: u8) -> &'static str {
        if l == 0 {
            "missing"
        } else {
            DATE_LEVELS[l as usize - 1]
        }
    }

    #[test]
    fn date_levels() {
        let d = |a: &str, b: &str| level(compare_dates(date(a), date(b)));
        assert_eq!(d("1984-03-07", "03/07/1984"), "exact");
        assert_eq!(d("1984-03-07", "1984-07-03"), "transposed");
        assert_eq!(
            d("1984-03-17", "1984-03-71".replace("71", "17").as_str()),
            "exact"
        );
        assert_eq!(d("1984-03-12", "1984-03-21"), "transposed");
        assert_eq!(d("1984-03-07", "1984-03-08"), "one_digit");
        assert_eq!(d("1984-03-07", "1985-03-07"), "one_digit");
        assert_eq!(d("1989-03-07", "1990-03-07"), "year_off_by_one");
        assert_eq!(d("1984-03-07", "1962-11-20"), "different");
        assert_eq!(d("1984-03-07", ""), "missing");
        assert_eq!(d("1900-01-01", "1900-01-01"), "missing");
    }

    fn ssn(s: &str) -> Option<Ssn> {
        Ssn::parse(s).ok()
    }
    fn ssn_level(a: &str, b: &str) -> &'static str {
        match compare_ssn(ssn(a), ssn(b)) {
            0 => "missing",
            l => SSN_LEVELS[l as usize - 1],
        }
    }

    #[test]
    fn ssn_levels() {
        assert_eq!(ssn_level("123-45-6780", "123456780"), "exact");
        assert_eq!(ssn_level("123-45-6780", "123-45-6781"), "one_edit");
        assert_eq!(ssn_level("123-45-6780", "123-45-6708"), "one_edit");
        assert_eq!(ssn_level("123-45-6780", "XXX-XX-6780"), "last_four");
        assert_eq!(ssn_level("XXX-XX-6780", "XXX-XX-6780"), "last_four");
        assert_eq!(ssn_level("123-45-6780", "XXX-XX-1112"), "different");
        assert_eq!(ssn_level("123-45-6780", "321-54-0876"), "different");
        assert_eq!(ssn_level("123-45-6780", "000-00-0000"), "missing");
        assert_eq!(ssn_level("6988048", "6988048"), "exact");
        assert_eq!(ssn_level("6988048", "6988049"), "one_edit");
    }

    fn phone_level(a: &str, b: &str) -> &'static str {
        match compare_phone(Phone::parse(a).ok(), Phone::parse(b).ok()) {
            0 => "missing",
            l => PHONE_LEVELS[l as usize - 1],
        }
    }

    #[test]
    fn phone_levels() {
        assert_eq!(phone_level("(617) 555-0234", "617.555.0234"), "exact");
        assert_eq!(phone_level("555-0234", "617-555-0234"), "local");
        assert_eq!(phone_level("617-555-0234", "617-555-0243"), "one_edit");
        assert_eq!(phone_level("617-555-0234", "508-222-9876"), "different");
        assert_eq!(phone_level("617-555-0234", "000-000-0000"), "missing");
    }

    fn email_level(a: &str, b: &str) -> &'static str {
        match compare_email(Some(a), Some(b)) {
            0 => "missing",
            l => EMAIL_LEVELS[l as usize - 1],
        }
    }

    #[test]
    fn email_levels() {
        assert_eq!(email_level("ann.lee@x.org", "ann.lee@x.org"), "exact");
        assert_eq!(email_level("ann.lee@x.org", "ann.lee@y.com"), "local_part");
        assert_eq!(email_level("ann.lee@x.org", "ann.le@x.org"), "fuzzy");
        assert_eq!(email_level("ann.lee@x.org", "bob@y.com"), "different");
        assert_eq!(compare_email(None, Some("a@b.c")), 0);
    }
}
