//! The index's demographic side: each record's search terms (folded names, birth date,
//! sex, identifiers) and the filters a patient search (PDQm, HL7 v2 QBP^Q22) runs on
//! them. Terms share one raw-token field, each with a short prefix naming its kind, so
//! a name prefix or a birth-date range is a range of the term dictionary: the search
//! reads only the postings of the terms in range, never every record.

use std::ops::Bound;

use crate::domain::RawRecord;
use crate::normalize::NormalizedRecord;
use crate::normalize::text::fold;

/// What a search term describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchField {
    /// The family name, folded (upper-case ASCII words).
    Family,
    /// A given or middle name, folded.
    Given,
    /// The birth date, `YYYY-MM-DD` (valid dates only).
    BirthDate,
    /// `M`, `F` or `O`.
    Sex,
    /// `SOURCE|SOURCE_ID`: a record number in its source.
    SourceId,
    /// A record number in any source.
    AnySourceId,
    /// The nine SSN digits.
    Ssn,
}

impl SearchField {
    fn prefix(self) -> &'static str {
        match self {
            SearchField::Family => "f:",
            SearchField::Given => "g:",
            SearchField::BirthDate => "b:",
            SearchField::Sex => "s:",
            SearchField::SourceId => "i:",
            SearchField::AnySourceId => "n:",
            SearchField::Ssn => "ssn:",
        }
    }

    /// The term of `value` in this field.
    pub fn term(self, value: &str) -> String {
        format!("{}{value}", self.prefix())
    }
}

/// One condition on a field's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cond {
    /// A term equals the value.
    Exact(SearchField, String),
    /// A term starts with the value (folded text: `[A-Z0-9 ]`).
    Prefix(SearchField, String),
    /// A term lies between the bounds.
    Range(SearchField, Bound<String>, Bound<String>),
}

/// The sex term of a record that has none (FHIR gender `unknown`).
pub const NO_SEX: &str = "U";

/// Above every character a folded name or a date holds: the end of a prefix's range.
const AFTER_ALL: char = '\u{7f}';

impl Cond {
    /// The condition as a range of whole terms `(lower, upper)`; `Exact` is a point.
    pub(super) fn bounds(&self) -> (Bound<String>, Bound<String>) {
        let with = |f: &SearchField, b: &Bound<String>| match b {
            Bound::Included(v) => Bound::Included(f.term(v)),
            Bound::Excluded(v) => Bound::Excluded(f.term(v)),
            Bound::Unbounded => Bound::Unbounded,
        };
        match self {
            Cond::Exact(f, v) => (Bound::Included(f.term(v)), Bound::Included(f.term(v))),
            Cond::Prefix(f, v) => (
                Bound::Included(f.term(v)),
                Bound::Excluded(format!("{}{AFTER_ALL}", f.term(v))),
            ),
            Cond::Range(f, lo, hi) => {
                // an open end stays within the field's own terms
                let lo = match with(f, lo) {
                    Bound::Unbounded => Bound::Included(f.term("")),
                    b => b,
                };
                let hi = match with(f, hi) {
                    Bound::Unbounded => Bound::Excluded(f.term(&AFTER_ALL.to_string())),
                    b => b,
                };
                (lo, hi)
            }
        }
    }

    /// True when one of `terms` meets the condition (the overlay's records).
    pub fn holds(&self, terms: &[String]) -> bool {
        let (lo, hi) = self.bounds();
        terms.iter().any(|t| {
            let t = t.as_str();
            let above = match &lo {
                Bound::Included(l) => t >= l.as_str(),
                Bound::Excluded(l) => t > l.as_str(),
                Bound::Unbounded => true,
            };
            let below = match &hi {
                Bound::Included(h) => t <= h.as_str(),
                Bound::Excluded(h) => t < h.as_str(),
                Bound::Unbounded => true,
            };
            above && below
        })
    }
}

/// A filter: every clause holds, a clause holds when one of its conditions does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub clauses: Vec<Vec<Cond>>,
}

impl Filter {
    /// True when a record with these search terms passes.
    pub fn holds(&self, terms: &[String]) -> bool {
        self.clauses
            .iter()
            .all(|clause| clause.iter().any(|c| c.holds(terms)))
    }
}

/// What a search found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// The matching active records' ids, in id order.
    Records(Vec<i64>),
    /// More records match than the search may read (the count).
    TooMany(usize),
}

/// The search terms of a record (its canonical JSON and normalized form).
pub fn search_terms(data: &str, n: &NormalizedRecord) -> Vec<String> {
    let raw: RawRecord = serde_json::from_str(data).unwrap_or_default();
    let mut terms = Vec::new();
    let family = fold(&raw.family_name);
    if !family.is_empty() {
        terms.push(SearchField::Family.term(&family));
    }
    for given in [&raw.given_name, &raw.middle_name] {
        let given = fold(given);
        if !given.is_empty() {
            terms.push(SearchField::Given.term(&given));
        }
    }
    if let Some(d) = n.birth_date {
        terms.push(SearchField::BirthDate.term(&d.to_string()));
    }
    terms.push(SearchField::Sex.term(n.sex.map_or(NO_SEX, |s| s.code())));
    let (source, id) = (raw.source.trim(), raw.source_id.trim());
    if !id.is_empty() {
        terms.push(SearchField::SourceId.term(&format!("{source}|{id}")));
        terms.push(SearchField::AnySourceId.term(id));
    }
    if let Some(ssn) = n.ssn.as_ref().and_then(|s| s.digits()) {
        terms.push(SearchField::Ssn.term(&ssn));
    }
    terms
}
