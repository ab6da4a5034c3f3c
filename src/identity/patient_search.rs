//! Demographic patient search shared by FHIR PDQm (ITI-78) and the HL7 v2 PDQ query
//! (QBP^Q22): family, given, birth date, gender and identifier with FHIR search rules.

use crate::domain::RawRecord;

use super::outcome::RecordRef;
use super::{Service, ServiceError};

/// A string parameter's alternatives (FHIR: comma-separated values OR together).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameParam {
    /// Any one of these matches (case- and accent-insensitive).
    pub any_of: Vec<String>,
    /// `:exact`: the whole name equals a value; otherwise the name starts with it.
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
    Sa,
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

/// Administrative gender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
    Other,
    Unknown,
}

/// An identifier: a source's record number (`system` = that source) or an SSN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentifierParam {
    /// `None`: any source, or the SSN; `Some(IdentifierSystem::Source(s))`: source `s`.
    pub system: Option<IdentifierSystem>,
    pub value: String,
}

/// Where an identifier belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentifierSystem {
    /// A source's record numbers (`urn:mpi:source:<SOURCE>`).
    Source(String),
    /// The Social Security number.
    Ssn,
}

/// A demographic query. Parameters AND together; alternatives within one OR together.
#[derive(Debug, Clone, Default)]
pub struct PatientQuery {
    pub family: Option<NameParam>,
    pub given: Option<NameParam>,
    /// Every condition holds (`birthdate=ge1980&birthdate=lt1990`); alternatives OR.
    pub birth_date: Vec<Vec<DateParam>>,
    /// Any of these genders.
    pub gender: Vec<Gender>,
    /// Any of these identifiers.
    pub identifier: Vec<IdentifierParam>,
    /// Any of these person ids (`_id`).
    pub person_id: Vec<String>,
}

/// A person found by `find_patients`.
#[derive(Debug, Clone)]
pub struct PatientHit {
    pub person_id: String,
    pub golden: RawRecord,
    pub records: Vec<RecordRef>,
    /// How well the person matched a demographic query (higher is better); `None` when
    /// found by identifier or id alone.
    pub score: Option<f32>,
}

impl Service {
    /// Active, unmerged persons matching the query, best first, at most `limit`.
    pub async fn find_patients(
        &self,
        q: &PatientQuery,
        limit: usize,
    ) -> Result<Vec<PatientHit>, ServiceError> {
        let _ = (q, limit);
        Ok(Vec::new())
    }
}
