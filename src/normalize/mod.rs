//! Raw source records → `NormalizedRecord`: what the comparisons need, with the problems found.

pub mod address;
pub mod name;
pub mod nickname;
pub mod phonetic;
pub mod text;

use compact_str::CompactString;
use serde::Serialize;

use crate::domain::RawRecord;
use crate::domain::value::{BirthDate, Phone, Sex, Ssn, Suffix, ValueError};
pub use address::Address;
pub use name::Name;
use name::{NamePart, parse_name};

/// A record in the form comparisons use. `None` means missing, placeholder or unparseable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NormalizedRecord {
    pub given: Option<Name>,
    pub middle: Option<Name>,
    pub family: Option<Name>,
    pub suffix: Option<Suffix>,
    pub sex: Option<Sex>,
    pub birth_date: Option<BirthDate>,
    pub ssn: Option<Ssn>,
    pub phone: Option<Phone>,
    pub email: Option<CompactString>,
    pub address: Option<Address>,
    pub city: Option<CompactString>,
    pub state: Option<CompactString>,
    pub postal_code: Option<CompactString>,
}

/// A field value that was present but not used as evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FieldIssue {
    pub field: &'static str,
    pub problem: ValueError,
}

/// Normalizes a raw record; values that cannot be parsed become missing and are reported.
pub fn normalize(raw: &RawRecord) -> (NormalizedRecord, Vec<FieldIssue>) {
    let mut issues = Vec::new();
    let mut note = |field: &'static str, problem: Option<ValueError>| {
        if let Some(problem) = problem {
            issues.push(FieldIssue { field, problem });
        }
    };
    let given = parse_name(&raw.given_name, NamePart::Given);
    note("given_name", given.problem);
    let middle = parse_name(&raw.middle_name, NamePart::Middle);
    note("middle_name", middle.problem);
    let family = parse_name(&raw.family_name, NamePart::Family);
    note("family_name", family.problem);

    let suffix = if raw.suffix.trim().is_empty() {
        family.suffix.or(given.suffix).or(middle.suffix)
    } else {
        let parsed = Suffix::parse(&raw.suffix);
        note("suffix", parsed.err());
        parsed.ok().or(family.suffix)
    };

    let mut record = NormalizedRecord {
        given: given.name,
        middle: middle.name,
        family: family.name,
        suffix,
        sex: parse_optional(&raw.sex, Sex::parse, "sex", &mut note),
        birth_date: parse_optional(&raw.birth_date, BirthDate::parse, "birth_date", &mut note),
        ssn: parse_optional(&raw.ssn, Ssn::parse, "ssn", &mut note),
        phone: parse_optional(&raw.phone, Phone::parse, "phone", &mut note),
        email: None,
        address: None,
        city: address::parse_city(&raw.city),
        state: address::parse_state(&raw.state),
        postal_code: None,
    };
    match parse_email(&raw.email) {
        Ok(email) => record.email = email,
        Err(e) => note("email", Some(e)),
    }
    match address::parse_address(&raw.address_line) {
        Ok(a) => record.address = a,
        Err(e) => note("address_line", Some(e)),
    }
    match address::parse_postal_code(&raw.postal_code) {
        Ok(p) => record.postal_code = p,
        Err(e) => note("postal_code", Some(e)),
    }
    (record, issues)
}

fn parse_optional<T>(
    text: &str,
    parse: impl Fn(&str) -> Result<T, ValueError>,
    field: &'static str,
    note: &mut impl FnMut(&'static str, Option<ValueError>),
) -> Option<T> {
    if text.trim().is_empty() {
        return None;
    }
    match parse(text) {
        Ok(v) => Some(v),
        Err(e) => {
            note(field, Some(e));
            None
        }
    }
}

const EMAIL_PLACEHOLDERS: [&str; 12] = [
    "NONE",
    "NOEMAIL",
    "NO",
    "NA",
    "UNKNOWN",
    "DECLINED",
    "REFUSED",
    "NOREPLY",
    "NOMAIL",
    "TEST",
    "NO.EMAIL",
    "NOTPROVIDED",
];

/// Lower-cases and checks an e-mail address; `none@none.com` and friends are placeholders.
pub fn parse_email(raw: &str) -> Result<Option<CompactString>, ValueError> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let lower = t.to_ascii_lowercase();
    let (local, domain) = lower.split_once('@').ok_or(ValueError::Unparseable)?;
    let valid_part = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._%+-'".contains(&b))
    };
    if !valid_part(local) || !valid_part(domain) || !domain.contains('.') || domain.contains('@') {
        return Err(ValueError::Unparseable);
    }
    let upper_local = local.to_ascii_uppercase();
    let domain_head = domain
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase();
    if EMAIL_PLACEHOLDERS.contains(&upper_local.as_str())
        || EMAIL_PLACEHOLDERS.contains(&domain_head.as_str())
    {
        return Err(ValueError::Placeholder);
    }
    Ok(Some(CompactString::from(lower)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawRecord {
        RawRecord {
            record_id: "1".into(),
            given_name: "José".into(),
            family_name: "LYONS JR".into(),
            sex: "Male".into(),
            birth_date: "03/07/1984".into(),
            ssn: "123-45-6780".into(),
            phone: "(617) 555-0234".into(),
            email: " Jose.Lyons@Example.org ".into(),
            address_line: "12 Main Street".into(),
            city: "Boston".into(),
            state: "Massachusetts".into(),
            postal_code: "02139-4307".into(),
            ..Default::default()
        }
    }

    #[test]
    fn normalizes_every_field() {
        let (n, issues) = normalize(&raw());
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(n.given.unwrap().text, "JOSE");
        assert_eq!(n.family.unwrap().text, "LYONS");
        assert_eq!(n.suffix, Some(Suffix::Jr));
        assert_eq!(n.sex, Some(Sex::Male));
        assert_eq!(n.birth_date.unwrap().to_string(), "1984-03-07");
        assert_eq!(n.ssn, Some(Ssn::Full(123456780)));
        assert_eq!(n.phone.unwrap().digits(), "6175550234");
        assert_eq!(n.email.as_deref(), Some("jose.lyons@example.org"));
        assert_eq!(n.address.unwrap().line, "12 MAIN ST");
        assert_eq!(n.city.as_deref(), Some("BOSTON"));
        assert_eq!(n.state.as_deref(), Some("MA"));
        assert_eq!(n.postal_code.as_deref(), Some("02139"));
    }

    #[test]
    fn bad_values_become_missing_and_are_reported() {
        let mut r = raw();
        r.birth_date = "1984-13-45".into();
        r.ssn = "000-00-0000".into();
        r.email = "none@none.com".into();
        r.sex = "U".into();
        r.given_name = "BABY BOY".into();
        r.phone = "not a phone".into();
        let (n, issues) = normalize(&r);
        assert_eq!(n.birth_date, None);
        assert_eq!(n.ssn, None);
        assert_eq!(n.email, None);
        assert_eq!(n.sex, None);
        assert_eq!(n.given, None);
        assert_eq!(n.phone, None);
        let fields: Vec<_> = issues.iter().map(|i| (i.field, i.problem)).collect();
        assert!(fields.contains(&("birth_date", ValueError::Unparseable)));
        assert!(fields.contains(&("ssn", ValueError::Placeholder)));
        assert!(fields.contains(&("email", ValueError::Placeholder)));
        assert!(fields.contains(&("sex", ValueError::Placeholder)));
        assert!(fields.contains(&("given_name", ValueError::Placeholder)));
        assert!(fields.contains(&("phone", ValueError::Unparseable)));
    }

    #[test]
    fn explicit_suffix_field_wins() {
        let mut r = raw();
        r.suffix = "Sr.".into();
        let (n, _) = normalize(&r);
        assert_eq!(n.suffix, Some(Suffix::Sr));
    }

    #[test]
    fn email_forms() {
        assert_eq!(parse_email("A@B.CO").unwrap().as_deref(), Some("a@b.co"));
        assert_eq!(parse_email("no-at-sign"), Err(ValueError::Unparseable));
        assert_eq!(parse_email("a@b"), Err(ValueError::Unparseable));
        assert_eq!(
            parse_email("declined@hospital.org"),
            Err(ValueError::Placeholder)
        );
        assert_eq!(parse_email(""), Ok(None));
    }
}
