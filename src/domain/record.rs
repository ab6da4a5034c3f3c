//! The canonical source record: one schema for CSV headers, JSON keys and the API.

use serde::{Deserialize, Serialize};

/// The canonical field names, in their canonical order.
pub const FIELDS: [&str; 16] = [
    "record_id",
    "source",
    "source_id",
    "given_name",
    "middle_name",
    "family_name",
    "suffix",
    "sex",
    "birth_date",
    "ssn",
    "phone",
    "email",
    "address_line",
    "city",
    "state",
    "postal_code",
];

/// A record as a source sent it: every field is free text and may be empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawRecord {
    pub record_id: String,
    pub source: String,
    pub source_id: String,
    pub given_name: String,
    pub middle_name: String,
    pub family_name: String,
    pub suffix: String,
    pub sex: String,
    pub birth_date: String,
    pub ssn: String,
    pub phone: String,
    pub email: String,
    pub address_line: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
}

/// The longest value, in characters, each field may hold (the API refuses longer ones).
pub fn max_chars(field: &str) -> usize {
    match field {
        "source" => 64,
        "record_id" | "source_id" => 128,
        "given_name" | "middle_name" | "family_name" | "city" => 100,
        "email" => 254,
        "address_line" => 200,
        _ => 32,
    }
}

impl RawRecord {
    /// The first field longer than `max_chars` allows, with its limit.
    pub fn too_long(&self) -> Option<(&'static str, usize)> {
        FIELDS.iter().find_map(|f| {
            let limit = max_chars(f);
            let value = self.get(f).unwrap_or("");
            (value.len() > limit && value.chars().count() > limit).then_some((*f, limit))
        })
    }

    /// The value of a canonical field by name, `None` for an unknown name.
    pub fn get(&self, field: &str) -> Option<&str> {
        Some(match field {
            "record_id" => &self.record_id,
            "source" => &self.source,
            "source_id" => &self.source_id,
            "given_name" => &self.given_name,
            "middle_name" => &self.middle_name,
            "family_name" => &self.family_name,
            "suffix" => &self.suffix,
            "sex" => &self.sex,
            "birth_date" => &self.birth_date,
            "ssn" => &self.ssn,
            "phone" => &self.phone,
            "email" => &self.email,
            "address_line" => &self.address_line,
            "city" => &self.city,
            "state" => &self.state,
            "postal_code" => &self.postal_code,
            _ => return None,
        })
    }

    /// A mutable reference to a canonical field by name, `None` for an unknown name.
    pub fn get_mut(&mut self, field: &str) -> Option<&mut String> {
        Some(match field {
            "record_id" => &mut self.record_id,
            "source" => &mut self.source,
            "source_id" => &mut self.source_id,
            "given_name" => &mut self.given_name,
            "middle_name" => &mut self.middle_name,
            "family_name" => &mut self.family_name,
            "suffix" => &mut self.suffix,
            "sex" => &mut self.sex,
            "birth_date" => &mut self.birth_date,
            "ssn" => &mut self.ssn,
            "phone" => &mut self.phone,
            "email" => &mut self.email,
            "address_line" => &mut self.address_line,
            "city" => &mut self.city,
            "state" => &mut self.state,
            "postal_code" => &mut self.postal_code,
            _ => return None,
        })
    }

    /// The fields in canonical order, for writing a CSV row.
    pub fn values(&self) -> [&str; 16] {
        FIELDS.map(|f| self.get(f).unwrap_or_default())
    }
}
