//! Demographic patient search shared by FHIR PDQm (ITI-78) and the HL7 v2 PDQ query
//! (QBP^Q22): family, given, birth date, gender and identifier with FHIR search rules.
//!
//! Parameters AND together and a parameter's alternatives OR together. A person matches
//! when one of its active records meets every parameter (the record a source sent is
//! the unit that carries one name, one birth date and one identifier together).
//!
//! The search never scans the records: the candidate index holds each record's folded
//! names, birth date, sex and identifiers as terms (`index::search`), so a name prefix
//! or a birth-date range reads only the postings of the terms in range, and the
//! database is then asked only for the records found. A query must name at least one of
//! family, given, birth date, identifier or id (`Selective`); one that still matches
//! more than `MAX_MATCHED_RECORDS` records is refused as too broad (`TooBroad`) rather
//! than read.

use std::collections::HashMap;
use std::ops::Bound;

use crate::domain::RawRecord;
use crate::index::search::{Cond, Filter, Found, SearchField, search_terms};
use crate::normalize::normalize;
use crate::normalize::text::fold;
use crate::store::{StoreError, links, persons, records};

use super::outcome::{PersonView, RecordRef};
use super::{PersonLookup, Service, ServiceError, invalid};

/// The most records one search may match; a broader query must be narrowed.
pub const MAX_MATCHED_RECORDS: usize = 2000;

/// A string parameter's alternatives (FHIR: comma-separated values OR together).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameParam {
    /// Any one of these matches (case- and accent-insensitive).
    pub any_of: Vec<String>,
    /// `:exact`: the whole name equals a value (after folding case and accents);
    /// otherwise the name starts with it (FHIR string search).
    pub exact: bool,
}

/// A birth date comparison prefix (FHIR `date` search).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatePrefix {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    /// Starts after: for a day-precise birth date the same as `Gt`.
    Sa,
    /// Ends before: for a day-precise birth date the same as `Lt`.
    Eb,
}

/// A birth date condition: a prefix and a date that may be partial (`1980`, `1980-04`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateParam {
    pub prefix: DatePrefix,
    /// The first day the (possibly partial) date covers, `YYYY-MM-DD`.
    pub first: String,
    /// The last day it covers, `YYYY-MM-DD`.
    pub last: String,
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

impl DateParam {
    /// Parses a FHIR date search value: an optional prefix (`eq`, `ne`, `lt`, `gt`,
    /// `le`, `ge`, `sa`, `eb`) and `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<DateParam, String> {
        let text = text.trim();
        let prefixes = [
            ("eq", DatePrefix::Eq),
            ("ne", DatePrefix::Ne),
            ("lt", DatePrefix::Lt),
            ("gt", DatePrefix::Gt),
            ("le", DatePrefix::Le),
            ("ge", DatePrefix::Ge),
            ("sa", DatePrefix::Sa),
            ("eb", DatePrefix::Eb),
        ];
        let (prefix, date) = prefixes
            .iter()
            .find_map(|(p, v)| text.strip_prefix(p).map(|rest| (*v, rest)))
            .unwrap_or((DatePrefix::Eq, text));
        let bad = || format!("'{date}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)");
        let number = |s: &str, len: usize| -> Result<u32, String> {
            if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse().map_err(|_| bad())
            } else {
                Err(bad())
            }
        };
        let parts: Vec<&str> = date.split('-').collect();
        let year = number(parts[0], 4)?;
        let (first, last) = match parts.as_slice() {
            [_] => ((year, 1, 1), (year, 12, 31)),
            [_, m] => {
                let m = number(m, 2)?;
                if !(1..=12).contains(&m) {
                    return Err(bad());
                }
                ((year, m, 1), (year, m, days_in_month(year, m)))
            }
            [_, m, d] => {
                let (m, d) = (number(m, 2)?, number(d, 2)?);
                if !(1..=12).contains(&m) || d == 0 || d > days_in_month(year, m) {
                    return Err(bad());
                }
                ((year, m, d), (year, m, d))
            }
            _ => return Err(bad()),
        };
        let show = |(y, m, d): (u32, u32, u32)| format!("{y:04}-{m:02}-{d:02}");
        Ok(DateParam {
            prefix,
            first: show(first),
            last: show(last),
        })
    }

    /// The index conditions, one of which must hold.
    fn conds(&self) -> Vec<Cond> {
        let range = |lo, hi| Cond::Range(SearchField::BirthDate, lo, hi);
        let (first, last) = (self.first.clone(), self.last.clone());
        match self.prefix {
            DatePrefix::Eq => vec![range(Bound::Included(first), Bound::Included(last))],
            DatePrefix::Ne => vec![
                range(Bound::Unbounded, Bound::Excluded(first)),
                range(Bound::Excluded(last), Bound::Unbounded),
            ],
            DatePrefix::Lt | DatePrefix::Eb => {
                vec![range(Bound::Unbounded, Bound::Excluded(first))]
            }
            DatePrefix::Gt | DatePrefix::Sa => {
                vec![range(Bound::Excluded(last), Bound::Unbounded)]
            }
            DatePrefix::Le => vec![range(Bound::Unbounded, Bound::Included(last))],
            DatePrefix::Ge => vec![range(Bound::Included(first), Bound::Unbounded)],
        }
    }
}

/// Administrative gender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
    Other,
    /// No sex recorded.
    Unknown,
}

impl Gender {
    /// Parses a FHIR administrative gender code.
    pub fn parse(code: &str) -> Option<Gender> {
        Some(match code.trim() {
            "male" => Gender::Male,
            "female" => Gender::Female,
            "other" => Gender::Other,
            "unknown" => Gender::Unknown,
            _ => return None,
        })
    }

    fn term(self) -> &'static str {
        match self {
            Gender::Male => "M",
            Gender::Female => "F",
            Gender::Other => "O",
            Gender::Unknown => crate::index::search::NO_SEX,
        }
    }
}

/// An identifier: a source's record number or an SSN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentifierParam {
    /// `None`: a record number in any source, or an SSN.
    pub system: Option<IdentifierSystem>,
    pub value: String,
}

/// Where an identifier belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentifierSystem {
    /// A source's record numbers (FHIR system `urn:mpi:source:<SOURCE>`).
    Source(String),
    /// The Social Security number.
    Ssn,
}

impl IdentifierParam {
    fn conds(&self) -> Vec<Cond> {
        let value = self.value.trim();
        let digits: String = value.chars().filter(char::is_ascii_digit).collect();
        let ssn = || Cond::Exact(SearchField::Ssn, digits.clone());
        match &self.system {
            Some(IdentifierSystem::Source(s)) => vec![Cond::Exact(
                SearchField::SourceId,
                format!("{}|{value}", s.trim()),
            )],
            Some(IdentifierSystem::Ssn) => vec![ssn()],
            None if digits.len() == 9 => {
                vec![Cond::Exact(SearchField::AnySourceId, value.into()), ssn()]
            }
            None => vec![Cond::Exact(SearchField::AnySourceId, value.into())],
        }
    }
}

/// A demographic query. Parameters AND together; alternatives within one OR together.
#[derive(Debug, Clone, Default)]
pub struct PatientQuery {
    pub family: Option<NameParam>,
    pub given: Option<NameParam>,
    /// Family or given (FHIR `name`).
    pub name: Option<NameParam>,
    /// Every inner list holds (`birthdate=ge1980&birthdate=lt1990`); within one, any
    /// condition (`birthdate=1980,1985`).
    pub birth_date: Vec<Vec<DateParam>>,
    /// Any of these genders.
    pub gender: Vec<Gender>,
    /// Any of these identifiers.
    pub identifier: Vec<IdentifierParam>,
    /// Any of these person ids (`_id`).
    pub person_id: Vec<String>,
}

impl PatientQuery {
    /// True when the query names something that narrows the search: family, given,
    /// birth date, identifier or id. Gender alone does not.
    pub fn is_selective(&self) -> bool {
        self.family.is_some()
            || self.given.is_some()
            || self.name.is_some()
            || !self.birth_date.is_empty()
            || !self.identifier.is_empty()
            || !self.person_id.is_empty()
    }

    fn filter(&self) -> Result<Filter, ServiceError> {
        let mut clauses = Vec::new();
        let family = [SearchField::Family].as_slice();
        let given = [SearchField::Given].as_slice();
        let either = [SearchField::Family, SearchField::Given].as_slice();
        for (param, fields, name) in [
            (&self.family, family, "family"),
            (&self.given, given, "given"),
            (&self.name, either, "name"),
        ] {
            let Some(p) = param else { continue };
            let mut clause = Vec::new();
            for v in &p.any_of {
                let folded = fold(v);
                if folded.is_empty() {
                    return Err(invalid(name, "needs a letter or digit"));
                }
                for field in fields {
                    clause.push(if p.exact {
                        Cond::Exact(*field, folded.clone())
                    } else {
                        Cond::Prefix(*field, folded.clone())
                    });
                }
            }
            clauses.push(clause);
        }
        for any in &self.birth_date {
            clauses.push(any.iter().flat_map(DateParam::conds).collect());
        }
        if !self.gender.is_empty() {
            let terms = self.gender.iter().map(|g| g.term().to_string());
            clauses.push(terms.map(|t| Cond::Exact(SearchField::Sex, t)).collect());
        }
        if !self.identifier.is_empty() {
            clauses.push(self.identifier.iter().flat_map(|i| i.conds()).collect());
        }
        if clauses.iter().any(Vec::is_empty) {
            return Err(invalid("query", "has a parameter without a value"));
        }
        Ok(Filter { clauses })
    }

    /// The record the matcher compares candidates with, for ranking: the first value of
    /// each demographic parameter that states one.
    fn as_record(&self) -> Option<RawRecord> {
        let first = |p: &Option<NameParam>| {
            p.as_ref()
                .and_then(|p| p.any_of.first().cloned())
                .unwrap_or_default()
        };
        let birth_date = self
            .birth_date
            .iter()
            .flatten()
            .find(|d| d.prefix == DatePrefix::Eq && d.first == d.last)
            .map(|d| d.first.clone())
            .unwrap_or_default();
        let raw = RawRecord {
            family_name: first(&self.family),
            given_name: first(&self.given),
            birth_date,
            sex: match self.gender.as_slice() {
                [Gender::Male] => "M".into(),
                [Gender::Female] => "F".into(),
                _ => String::new(),
            },
            ..RawRecord::default()
        };
        (raw != RawRecord::default()).then_some(raw)
    }
}

/// A person found by `find_patients`.
#[derive(Debug, Clone)]
pub struct PatientHit {
    pub person_id: String,
    pub golden: RawRecord,
    pub records: Vec<RecordRef>,
    /// How well the person's best record resembles a demographic query (the matcher's
    /// weight, higher is better); `None` when the query named no name, date or sex.
    pub score: Option<f32>,
}

/// One page of a search, with the number of persons found in all.
#[derive(Debug, Clone)]
pub struct PatientPage {
    pub total: usize,
    pub hits: Vec<PatientHit>,
}

impl Service {
    /// Active, unmerged persons matching the query, best first, at most `limit`.
    pub async fn find_patients(
        &self,
        q: &PatientQuery,
        limit: usize,
    ) -> Result<Vec<PatientHit>, ServiceError> {
        Ok(self.search_patients(q, 0, limit).await?.hits)
    }

    /// As `find_patients`, one page: `count` persons from `offset`, and the total.
    pub async fn search_patients(
        &self,
        q: &PatientQuery,
        offset: usize,
        count: usize,
    ) -> Result<PatientPage, ServiceError> {
        if !q.is_selective() {
            return Err(invalid(
                "query",
                "needs family, given, birthdate, identifier or _id: gender alone matches too many patients",
            ));
        }
        let filter = q.filter()?;
        let mut tx = self.store.begin().await?;
        let record_ids = if q.person_id.is_empty() {
            match self.index.search(&filter, MAX_MATCHED_RECORDS)? {
                Found::Records(ids) => ids,
                Found::TooMany(n) => return Err(ServiceError::TooBroad(n)),
            }
        } else {
            let mut ids = Vec::new();
            for id in &q.person_id {
                let active = persons::get(&mut tx, id)
                    .await?
                    .is_some_and(|p| p.status == "active");
                if active {
                    ids.extend(links::records_of(&mut tx, id).await?);
                }
            }
            ids
        };
        let rows = records::current_data(&mut tx, &record_ids).await?;
        let person_of: HashMap<i64, String> = links::persons_of(&mut tx, &record_ids)
            .await?
            .into_iter()
            .map(|(r, p, _)| (r, p))
            .collect();
        tx.commit().await.map_err(StoreError::from)?;
        let query = q.as_record().map(|raw| normalize(&raw).0);
        // person → best score (None: not ranked by resemblance)
        let mut found: HashMap<String, Option<f32>> = HashMap::new();
        {
            let matcher = self.matcher.read().expect("matcher lock");
            for (id, _, _, data) in &rows {
                let Some(person) = person_of.get(id) else {
                    continue;
                };
                let raw: RawRecord = serde_json::from_str(data).unwrap_or_default();
                let n = normalize(&raw).0;
                // an `_id` search still applies the other parameters to the records
                if !q.person_id.is_empty()
                    && !filter.clauses.is_empty()
                    && !filter.holds(&search_terms(data, &n))
                {
                    continue;
                }
                let score = query.as_ref().map(|query| matcher.score(query, &n).weight);
                let best = found.entry(person.clone()).or_insert(score);
                if let (Some(b), Some(s)) = (best.as_mut(), score) {
                    *b = b.max(s);
                }
            }
        }
        let mut ranked: Vec<(String, Option<f32>)> = found.into_iter().collect();
        ranked.sort_by(|a, b| {
            let (sa, sb) = (a.1.unwrap_or(0.0), b.1.unwrap_or(0.0));
            sb.total_cmp(&sa).then(a.0.cmp(&b.0))
        });
        let total = ranked.len();
        let mut hits = Vec::new();
        for (person_id, score) in ranked.into_iter().skip(offset).take(count) {
            if let PersonLookup::Found(view) = self.person(&person_id).await? {
                let PersonView {
                    records, golden, ..
                } = *view;
                hits.push(PatientHit {
                    person_id,
                    golden,
                    records,
                    score,
                });
            }
        }
        Ok(PatientPage { total, hits })
    }

    /// True when some record (active or not) comes from `source`: an identifier domain
    /// this index knows.
    pub async fn knows_source(&self, source: &str) -> Result<bool, ServiceError> {
        let mut tx = self.store.begin().await?;
        let known = records::source_exists(&mut tx, source).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(known)
    }
}

#[cfg(test)]
mod tests {
    use super::{DateParam, DatePrefix};

    fn range(text: &str) -> (DatePrefix, String, String) {
        let d = DateParam::parse(text).unwrap();
        (d.prefix, d.first, d.last)
    }

    #[test]
    fn partial_dates_are_the_ranges_they_cover() {
        let r = |p, a: &str, b: &str| (p, a.to_string(), b.to_string());
        assert_eq!(range("1980"), r(DatePrefix::Eq, "1980-01-01", "1980-12-31"));
        assert_eq!(
            range("ge1980-02"),
            r(DatePrefix::Ge, "1980-02-01", "1980-02-29")
        );
        assert_eq!(
            range("lt1981-02"),
            r(DatePrefix::Lt, "1981-02-01", "1981-02-28")
        );
        assert_eq!(
            range("ne1975-04-12"),
            r(DatePrefix::Ne, "1975-04-12", "1975-04-12")
        );
        assert_eq!(range("sa2000").0, DatePrefix::Sa);
        assert_eq!(range("eb2000").0, DatePrefix::Eb);
        for bad in [
            "",
            "80",
            "1980-1",
            "1980-13",
            "1981-02-29",
            "19800101",
            "xx1980",
            "1980-01-01T00:00",
        ] {
            assert!(DateParam::parse(bad).is_err(), "{bad}");
        }
    }
}
