//! Person search for people at a desk: by name with birth date, or by an identifier
//! (a source's record number, an SSN or a phone number). Unlike a match it has no
//! threshold: it ranks what resembles the query.

use serde::Serialize;

use super::outcome::{PersonView, RecordRef};
use super::{PersonLookup, Service, ServiceError, invalid};
use crate::domain::RawRecord;
use crate::normalize::normalize;
use crate::store::{StoreError, links, records};

/// What to look for.
#[derive(Debug, Clone, Default)]
pub struct PersonQuery {
    /// "Family, Given" or "Given Family".
    pub name: String,
    pub birth_date: String,
    /// A record number in any source (`MRN` or `SOURCE/MRN`), an SSN or a phone.
    pub identifier: String,
}

/// A person found.
#[derive(Debug, Clone, Serialize)]
pub struct PersonHit {
    pub person_id: String,
    /// `identifier` (a record number matched exactly) or `demographics`.
    pub found_by: &'static str,
    /// The best weight of the person's records against the query (demographics).
    pub weight: Option<f32>,
    pub records: Vec<RecordRef>,
    pub golden: RawRecord,
}

fn split_name(name: &str) -> (String, String) {
    let name = name.trim();
    if let Some((family, given)) = name.split_once(',') {
        return (given.trim().to_string(), family.trim().to_string());
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    match words.as_slice() {
        [] => (String::new(), String::new()),
        [family] => (String::new(), family.to_string()),
        [given, .., family] => (given.to_string(), family.to_string()),
    }
}

impl Service {
    /// Persons resembling the query, best first, at most `limit`.
    pub async fn search_persons(
        &self,
        q: &PersonQuery,
        limit: usize,
    ) -> Result<Vec<PersonHit>, ServiceError> {
        let identifier = q.identifier.trim();
        if identifier.is_empty() && (q.name.trim().is_empty() || q.birth_date.trim().is_empty()) {
            return Err(invalid(
                "name",
                "and birth_date together, or an identifier, are needed to search",
            ));
        }
        let (given, family) = split_name(&q.name);
        let digits: String = identifier.chars().filter(char::is_ascii_digit).collect();
        let query = RawRecord {
            given_name: given,
            family_name: family,
            birth_date: q.birth_date.trim().to_string(),
            ssn: if digits.len() == 9 {
                digits.clone()
            } else {
                String::new()
            },
            phone: if digits.len() == 10 {
                digits
            } else {
                String::new()
            },
            ..RawRecord::default()
        };
        let (normalized, _) = super::check_for_match(&query)?;
        let mut tx = self.store.begin().await?;
        let mut by_identifier: Vec<i64> = Vec::new();
        if !identifier.is_empty() {
            match identifier.split_once('/') {
                Some((source, id)) => {
                    by_identifier.extend(records::get(&mut tx, source, id).await?.map(|r| r.id))
                }
                None => by_identifier.extend(records::by_source_id(&mut tx, identifier).await?),
            }
        }
        let candidates = self.index.candidates(&normalized)?;
        let ids: Vec<i64> = candidates
            .iter()
            .map(|c| c.record_id)
            .chain(by_identifier.iter().copied())
            .collect();
        let person_of: std::collections::HashMap<i64, String> = links::persons_of(&mut tx, &ids)
            .await?
            .into_iter()
            .map(|(r, p, _)| (r, p))
            .collect();
        tx.commit().await.map_err(StoreError::from)?;
        // (person, found by identifier, best weight)
        let mut ranked: Vec<(String, bool, Option<f32>)> = Vec::new();
        for r in &by_identifier {
            if let Some(p) = person_of.get(r)
                && !ranked.iter().any(|(x, _, _)| x == p)
            {
                ranked.push((p.clone(), true, None));
            }
        }
        {
            let matcher = self.matcher.read().expect("matcher lock");
            for c in &candidates {
                let Some(p) = person_of.get(&c.record_id) else {
                    continue;
                };
                let raw: RawRecord = serde_json::from_str(&c.data).unwrap_or_default();
                let weight = matcher.score(&normalized, &normalize(&raw).0).weight;
                if weight <= 0.0 {
                    continue;
                }
                match ranked.iter_mut().find(|(x, _, _)| x == p) {
                    Some(entry) => entry.2 = Some(entry.2.map_or(weight, |w| w.max(weight))),
                    None => ranked.push((p.clone(), false, Some(weight))),
                }
            }
        }
        ranked.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then(b.2.unwrap_or(f32::MIN).total_cmp(&a.2.unwrap_or(f32::MIN)))
        });
        ranked.truncate(limit);
        let mut hits = Vec::with_capacity(ranked.len());
        for (person_id, exact, weight) in ranked {
            if let PersonLookup::Found(view) = self.person(&person_id).await? {
                let PersonView {
                    records, golden, ..
                } = *view;
                hits.push(PersonHit {
                    person_id,
                    found_by: if exact { "identifier" } else { "demographics" },
                    weight,
                    records,
                    golden,
                });
            }
        }
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use super::split_name;

    #[test]
    fn names_are_read_either_way() {
        let pair = |g: &str, f: &str| (g.to_string(), f.to_string());
        assert_eq!(split_name("Johnson, Robert"), pair("Robert", "Johnson"));
        assert_eq!(
            split_name("Robert James Johnson"),
            pair("Robert", "Johnson")
        );
        assert_eq!(split_name("Johnson"), pair("", "Johnson"));
        assert_eq!(split_name("  "), pair("", ""));
    }
}
