//! Parsed demographic values: birth dates, national identifiers, phones, sex, suffixes.
//!
//! Each `parse` returns `Err(ValueError)` for text that cannot be understood and for
//! placeholder values that registration systems use to mean "unknown"; a placeholder
//! is not evidence, so it is never turned into a value.

use std::fmt;

use serde::Serialize;

/// Why a field value was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueError {
    /// The text could not be parsed as a value of this kind.
    Unparseable,
    /// A well-formed value that systems use to mean "unknown" (000-00-0000, 1900-01-01, BABY BOY).
    Placeholder,
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValueError::Unparseable => "unparseable",
            ValueError::Placeholder => "placeholder",
        })
    }
}

/// A calendar date of birth between 1880 and 2100, not a placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BirthDate {
    year: u16,
    month: u8,
    day: u8,
}

impl BirthDate {
    /// Accepts YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD, MM/DD/YYYY and M/D/YYYY (also with dashes).
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let t = text.trim();
        let t = t.split(['T', ' ']).next().unwrap_or(t);
        let parts: Vec<&str> = t.split(['-', '/', '.']).collect();
        let (y, m, d) = match parts.as_slice() {
            [one] if one.len() == 8 && one.bytes().all(|b| b.is_ascii_digit()) => {
                (num(&one[0..4])?, num(&one[4..6])?, num(&one[6..8])?)
            }
            [a, b, c] if a.len() == 4 => (num(a)?, num(b)?, num(c)?),
            [a, b, c] if c.len() == 4 && a.len() <= 2 && b.len() <= 2 => {
                (num(c)?, num(a)?, num(b)?)
            }
            _ => return Err(ValueError::Unparseable),
        };
        let date = Self::from_ymd(y, m, d)?;
        if (date.month, date.day) == (1, 1) && matches!(date.year, 1900 | 1901 | 1800) {
            return Err(ValueError::Placeholder);
        }
        Ok(date)
    }

    /// A date from its parts, checked against the calendar.
    pub fn from_ymd(year: u32, month: u32, day: u32) -> Result<Self, ValueError> {
        if !(1880..=2100).contains(&year) || !(1..=12).contains(&month) || day == 0 {
            return Err(ValueError::Unparseable);
        }
        if day > days_in_month(year, month) {
            return Err(ValueError::Unparseable);
        }
        Ok(Self {
            year: year as u16,
            month: month as u8,
            day: day as u8,
        })
    }

    pub fn year(&self) -> u32 {
        self.year as u32
    }
    pub fn month(&self) -> u32 {
        self.month as u32
    }
    pub fn day(&self) -> u32 {
        self.day as u32
    }

    /// The date as the number YYYYMMDD.
    pub fn as_number(&self) -> u32 {
        self.year as u32 * 10_000 + self.month as u32 * 100 + self.day as u32
    }
}

impl fmt::Display for BirthDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn num(s: &str) -> Result<u32, ValueError> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ValueError::Unparseable);
    }
    s.parse().map_err(|_| ValueError::Unparseable)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A national identifier: a full US SSN, only its last four digits (masked), or another
/// country's numeric identifier kept as opaque digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ssn {
    /// Nine valid digits.
    Full(u32),
    /// Only the last four digits are known (`XXX-XX-1234`).
    LastFour(u16),
    /// A numeric identifier of 5 to 12 digits that is not a nine-digit SSN.
    Other { digits: u64, len: u8 },
}

impl Ssn {
    /// Accepts 123-45-6789, 123456789, 123 45 6789, XXX-XX-6789, ***-**-6789, and other
    /// 5–12 digit identifiers; rejects placeholders and impossible SSNs.
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(ValueError::Unparseable);
        }
        let masked = t.chars().any(|c| matches!(c, 'X' | 'x' | '*' | '#'));
        let mut digits = String::with_capacity(12);
        for c in t.chars() {
            match c {
                '0'..='9' => digits.push(c),
                '-' | ' ' | '.' | 'X' | 'x' | '*' | '#' => {}
                _ => return Err(ValueError::Unparseable),
            }
        }
        if masked || digits.len() == 4 {
            if digits.len() != 4 {
                return Err(ValueError::Unparseable);
            }
            let v: u16 = digits.parse().map_err(|_| ValueError::Unparseable)?;
            if v == 0 || all_same(&digits) {
                return Err(ValueError::Placeholder);
            }
            return Ok(Ssn::LastFour(v));
        }
        if !(5..=12).contains(&digits.len()) {
            return Err(ValueError::Unparseable);
        }
        if all_same(&digits) || is_run(&digits) {
            return Err(ValueError::Placeholder);
        }
        if digits.len() == 9 {
            let area = &digits[0..3];
            let group = &digits[3..5];
            let serial = &digits[5..9];
            if area == "000" || area == "666" || area.starts_with('9') {
                return Err(ValueError::Placeholder);
            }
            if group == "00" || serial == "0000" || digits == "078051120" || digits == "219099999" {
                return Err(ValueError::Placeholder);
            }
            return Ok(Ssn::Full(
                digits.parse().map_err(|_| ValueError::Unparseable)?,
            ));
        }
        Ok(Ssn::Other {
            digits: digits.parse().map_err(|_| ValueError::Unparseable)?,
            len: digits.len() as u8,
        })
    }

    /// The last four digits, which every form knows.
    pub fn last_four(&self) -> u16 {
        match *self {
            Ssn::Full(v) => (v % 10_000) as u16,
            Ssn::LastFour(v) => v,
            Ssn::Other { digits, .. } => (digits % 10_000) as u16,
        }
    }

    /// The full digit string, `None` when only the last four are known.
    pub fn digits(&self) -> Option<String> {
        match *self {
            Ssn::Full(v) => Some(format!("{v:09}")),
            Ssn::LastFour(_) => None,
            Ssn::Other { digits, len } => Some(format!("{digits:0width$}", width = len as usize)),
        }
    }
}

impl fmt::Display for Ssn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Ssn::Full(v) => {
                let s = format!("{v:09}");
                write!(f, "{}-{}-{}", &s[0..3], &s[3..5], &s[5..9])
            }
            Ssn::LastFour(v) => write!(f, "XXX-XX-{v:04}"),
            Ssn::Other { .. } => f.write_str(&self.digits().unwrap_or_default()),
        }
    }
}

fn all_same(digits: &str) -> bool {
    let b = digits.as_bytes();
    b.iter().all(|&c| c == b[0])
}

fn is_run(digits: &str) -> bool {
    let b = digits.as_bytes();
    let up = b
        .windows(2)
        .all(|w| w[1] == w[0] + 1 || (w[0] == b'9' && w[1] == b'0'));
    let down = b
        .windows(2)
        .all(|w| w[0] == w[1] + 1 || (w[0] == b'0' && w[1] == b'9'));
    b.len() >= 5 && (up || down)
}

/// A telephone number: ten NANP digits, or a seven-digit local number without area code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Phone {
    digits: u64,
    len: u8,
}

impl Phone {
    /// Accepts any US formatting: (555) 123-4567, 555.123.4567, +1 555 123 4567, 1234567.
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let t = text.trim();
        let t = match t.to_ascii_lowercase().find(['x', 'e']) {
            Some(i) if t[..i].bytes().filter(u8::is_ascii_digit).count() >= 7 => &t[..i],
            _ => t,
        };
        let mut digits = String::with_capacity(11);
        for c in t.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' | '+' | '/' => {}
                _ => return Err(ValueError::Unparseable),
            }
        }
        if digits.len() == 11 && digits.starts_with('1') {
            digits.remove(0);
        }
        if digits.len() != 10 && digits.len() != 7 {
            return Err(ValueError::Unparseable);
        }
        if all_same(&digits) || is_run(&digits) {
            return Err(ValueError::Placeholder);
        }
        let local = &digits[digits.len() - 7..];
        if local == "0000000" || local == "5555555" {
            return Err(ValueError::Placeholder);
        }
        Ok(Self {
            digits: digits.parse().map_err(|_| ValueError::Unparseable)?,
            len: digits.len() as u8,
        })
    }

    /// The seven-digit local number.
    pub fn local(&self) -> u32 {
        (self.digits % 10_000_000) as u32
    }

    /// The area code, when known.
    pub fn area(&self) -> Option<u16> {
        (self.len == 10).then_some((self.digits / 10_000_000) as u16)
    }

    /// The digits as text.
    pub fn digits(&self) -> String {
        format!("{:0width$}", self.digits, width = self.len as usize)
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.digits();
        if d.len() == 10 {
            write!(f, "({}) {}-{}", &d[0..3], &d[3..6], &d[6..])
        } else {
            write!(f, "{}-{}", &d[0..3], &d[3..])
        }
    }
}

/// Administrative sex as registration systems record it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Sex {
    Female,
    Male,
    Other,
}

impl Sex {
    /// Accepts M/F/Male/Female/O/X (any case); U/Unknown and empty are not a value.
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        match text.trim().to_ascii_uppercase().as_str() {
            "M" | "MALE" | "MAN" | "1" => Ok(Sex::Male),
            "F" | "FEMALE" | "WOMAN" | "2" => Ok(Sex::Female),
            "O" | "X" | "OTHER" | "NONBINARY" | "NON-BINARY" => Ok(Sex::Other),
            "U" | "UNK" | "UNKNOWN" | "N" | "NA" | "0" | "9" => Err(ValueError::Placeholder),
            _ => Err(ValueError::Unparseable),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Sex::Female => "F",
            Sex::Male => "M",
            Sex::Other => "O",
        }
    }
}

/// A generational suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Suffix {
    Jr,
    Sr,
    Second,
    Third,
    Fourth,
    Fifth,
}

impl Suffix {
    /// Accepts JR, Jr., JUNIOR, SR, SENIOR, II, III, IV, V, 2ND, 3RD.
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let t: String = text
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_uppercase();
        Ok(match t.as_str() {
            "JR" | "JUNIOR" | "JNR" => Suffix::Jr,
            "SR" | "SENIOR" | "SNR" => Suffix::Sr,
            "II" | "2ND" => Suffix::Second,
            "III" | "3RD" => Suffix::Third,
            "IV" | "4TH" => Suffix::Fourth,
            "V" | "5TH" => Suffix::Fifth,
            _ => return Err(ValueError::Unparseable),
        })
    }

    pub fn code(&self) -> &'static str {
        match self {
            Suffix::Jr => "JR",
            Suffix::Sr => "SR",
            Suffix::Second => "II",
            Suffix::Third => "III",
            Suffix::Fourth => "IV",
            Suffix::Fifth => "V",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_date_formats() {
        let want = BirthDate::from_ymd(1984, 3, 7).unwrap();
        for s in [
            "1984-03-07",
            "03/07/1984",
            "3/7/1984",
            "19840307",
            "1984/03/07",
            "1984-03-07T00:00:00",
        ] {
            assert_eq!(BirthDate::parse(s), Ok(want), "{s}");
        }
        assert_eq!(want.to_string(), "1984-03-07");
        assert_eq!(want.as_number(), 19840307);
    }

    #[test]
    fn birth_date_rejects_impossible_and_placeholder() {
        assert_eq!(BirthDate::parse("1984-02-30"), Err(ValueError::Unparseable));
        assert_eq!(BirthDate::parse("1983-02-29"), Err(ValueError::Unparseable));
        assert!(BirthDate::parse("2000-02-29").is_ok());
        assert_eq!(BirthDate::parse("1900-02-29"), Err(ValueError::Unparseable));
        assert_eq!(BirthDate::parse("13/01/1984"), Err(ValueError::Unparseable));
        assert_eq!(BirthDate::parse("yesterday"), Err(ValueError::Unparseable));
        assert_eq!(BirthDate::parse(""), Err(ValueError::Unparseable));
        assert_eq!(BirthDate::parse("1900-01-01"), Err(ValueError::Placeholder));
        assert_eq!(BirthDate::parse("01/01/1900"), Err(ValueError::Placeholder));
        assert_eq!(BirthDate::parse("1850-05-05"), Err(ValueError::Unparseable));
    }

    #[test]
    fn ssn_forms() {
        assert_eq!(Ssn::parse("123-45-6780"), Ok(Ssn::Full(123456780)));
        assert_eq!(Ssn::parse("123456780"), Ok(Ssn::Full(123456780)));
        assert_eq!(Ssn::parse(" 123 45 6780 "), Ok(Ssn::Full(123456780)));
        assert_eq!(Ssn::parse("XXX-XX-1234"), Ok(Ssn::LastFour(1234)));
        assert_eq!(Ssn::parse("***-**-1234"), Ok(Ssn::LastFour(1234)));
        assert_eq!(Ssn::parse("1234"), Ok(Ssn::LastFour(1234)));
        assert_eq!(
            Ssn::parse("6988048"),
            Ok(Ssn::Other {
                digits: 6988048,
                len: 7
            })
        );
        assert_eq!(
            Ssn::parse("123-45-6780").unwrap().to_string(),
            "123-45-6780"
        );
        assert_eq!(Ssn::parse("XXX-XX-1234").unwrap().last_four(), 1234);
    }

    #[test]
    fn ssn_placeholders() {
        for s in [
            "000-00-0000",
            "123-45-6789",
            "999-99-9999",
            "111-11-1111",
            "666-12-3456",
            "912-34-5678",
            "123-00-4567",
            "123-45-0000",
            "078-05-1120",
            "987654321",
            "XXX-XX-0000",
        ] {
            assert_eq!(Ssn::parse(s), Err(ValueError::Placeholder), "{s}");
        }
        for s in ["12-3", "abc-de-fghi", "1234567890123", "XXX-XX-12"] {
            assert_eq!(Ssn::parse(s), Err(ValueError::Unparseable), "{s}");
        }
    }

    #[test]
    fn phone_forms() {
        let want = Phone::parse("6175550234").unwrap();
        for s in [
            "(617) 555-0234",
            "617.555.0234",
            "+1 617 555 0234",
            "1-617-555-0234",
            "617-555-0234 x12",
        ] {
            assert_eq!(Phone::parse(s), Ok(want), "{s}");
        }
        assert_eq!(want.to_string(), "(617) 555-0234");
        assert_eq!(want.area(), Some(617));
        assert_eq!(Phone::parse("555-0234").unwrap().area(), None);
        assert_eq!(Phone::parse("000-000-0000"), Err(ValueError::Placeholder));
        assert_eq!(Phone::parse("999-999-9999"), Err(ValueError::Placeholder));
        assert_eq!(Phone::parse("123-456-7890"), Err(ValueError::Placeholder));
        assert_eq!(Phone::parse("617-000-0000"), Err(ValueError::Placeholder));
        assert!(Phone::parse("617-555-0123").is_ok());
        assert_eq!(Phone::parse("12345"), Err(ValueError::Unparseable));
        assert_eq!(Phone::parse("call me"), Err(ValueError::Unparseable));
    }

    #[test]
    fn sex_forms() {
        assert_eq!(Sex::parse("m"), Ok(Sex::Male));
        assert_eq!(Sex::parse("Female"), Ok(Sex::Female));
        assert_eq!(Sex::parse("U"), Err(ValueError::Placeholder));
        assert_eq!(Sex::parse("unknown"), Err(ValueError::Placeholder));
        assert_eq!(Sex::parse("Q"), Err(ValueError::Unparseable));
    }

    #[test]
    fn suffix_forms() {
        assert_eq!(Suffix::parse("Jr."), Ok(Suffix::Jr));
        assert_eq!(Suffix::parse("SENIOR"), Ok(Suffix::Sr));
        assert_eq!(Suffix::parse("iii"), Ok(Suffix::Third));
        assert_eq!(Suffix::parse("esq"), Err(ValueError::Unparseable));
    }
}
