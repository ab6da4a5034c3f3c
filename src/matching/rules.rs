//! Deterministic rules that run alongside the weights. A *certain* rule links on
//! identifier-grade evidence whatever the weight; *guard* rules stop or cap automatic
//! links where look-alike people (twins, Jr/Sr, households, common names) fool a
//! weight-of-evidence model.

use serde::Serialize;

use super::compare::{Comparison, Field};
use super::model::RuleSettings;
use super::tf::TermFrequencies;
use crate::normalize::NormalizedRecord;

/// A deterministic rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    CertainIdentifier,
    Twins,
    Generations,
    Household,
    CommonName,
}

impl Rule {
    pub fn name(self) -> &'static str {
        match self {
            Rule::CertainIdentifier => "certain_identifier",
            Rule::Twins => "twins",
            Rule::Generations => "generations",
            Rule::Household => "household",
            Rule::CommonName => "common_name",
        }
    }
}

/// What a rule does to the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Link whatever the weight.
    Link,
    /// At most review.
    CapReview,
    /// Never link.
    NoMatch,
}

/// A rule that fired, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleHit {
    pub rule: Rule,
    pub effect: Effect,
    pub reason: &'static str,
}

/// The rules that fired on one pair (at most one per rule).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RuleHits {
    hits: [Option<RuleHit>; 5],
    len: u8,
}

impl RuleHits {
    pub(crate) fn push(&mut self, hit: RuleHit) {
        self.hits[self.len as usize] = Some(hit);
        self.len += 1;
    }

    /// The hits in the order the rules ran.
    pub fn iter(&self) -> impl Iterator<Item = RuleHit> + '_ {
        self.hits[..self.len as usize].iter().flatten().copied()
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True when some hit has this effect.
    pub fn has(&self, effect: Effect) -> bool {
        self.iter().any(|h| h.effect == effect)
    }
}

const GIVEN_SIMILAR: &[&str] = &[
    "exact",
    "jw_high",
    "nickname",
    "middle_as_given",
    "phonetic",
    "swapped",
];
const GIVEN_SAME: &[&str] = &["exact", "jw_high", "nickname"];
const FAMILY_SAME: &[&str] = &["exact", "jw_high"];
/// A full identifier equal: far rarer between two people than a mistyped name or date.
/// One keystroke apart is not enough: twins are often issued consecutive numbers.
const IDENTIFIER_AGREES: &[&str] = &["exact"];
const DATE_CLOSE: &[&str] = &["exact", "transposed", "one_digit", "year_off_by_one"];

/// True when the two records share a home, a phone or a mailbox.
fn shares_contact(c: &Comparison) -> bool {
    c.is(Field::AddressLine, &["exact", "same_street_number"])
        || c.is(Field::Phone, &["exact", "local"])
        || c.is(Field::Email, &["exact"])
}

/// Runs every enabled rule on a compared pair.
pub fn evaluate(
    settings: &RuleSettings,
    a: &NormalizedRecord,
    b: &NormalizedRecord,
    c: &Comparison,
    tf: &TermFrequencies,
) -> RuleHits {
    let mut hits = RuleHits::default();
    if settings.certain_identifier
        && c.is(Field::Ssn, &["exact"])
        && c.is(Field::BirthDate, &["exact"])
        && (c.is(Field::GivenName, GIVEN_SIMILAR)
            || (c.level(Field::GivenName) == 0 && c.is(Field::FamilyName, FAMILY_SAME)))
    {
        hits.push(RuleHit {
            rule: Rule::CertainIdentifier,
            effect: Effect::Link,
            reason: "identifier and birth date agree exactly and the given name is similar",
        });
    }
    if settings.twins
        && let Some(hit) = twins(a, b, c)
    {
        hits.push(hit);
    }
    if settings.generations
        && let Some(hit) = generations(settings, a, b, c)
    {
        hits.push(hit);
    }
    if settings.household
        && c.is(Field::GivenName, &["different"])
        && (c.is(Field::BirthDate, &["different"])
            || (c.level(Field::BirthDate) == 0 && !c.is(Field::Ssn, &["exact"])))
        && (shares_contact(c) || c.is(Field::Ssn, &["exact"]))
    {
        hits.push(RuleHit {
            rule: Rule::Household,
            effect: Effect::NoMatch,
            reason: "different given name and birth date at a shared address, phone, e-mail or identifier",
        });
    }
    if settings.common_name && common_name_alone(settings, a, b, c, tf) {
        hits.push(RuleHit {
            rule: Rule::CommonName,
            effect: Effect::CapReview,
            reason: "a common name and birth date agree and nothing identifying does",
        });
    }
    hits
}

/// Same family name and birth date at a shared home, different given names.
fn twins(a: &NormalizedRecord, b: &NormalizedRecord, c: &Comparison) -> Option<RuleHit> {
    let applies = c.is(Field::FamilyName, &["exact", "jw_high", "partial"])
        && c.is(Field::BirthDate, &["exact"])
        && shares_contact(c)
        && !c.is(Field::Ssn, IDENTIFIER_AGREES)
        && c.level(Field::GivenName) != 0
        && !c.is(Field::GivenName, &["exact", "middle_as_given", "swapped"]);
    if !applies {
        return None;
    }
    // CHRIS is CHRISTOPHER unless identifier or middle name say otherwise
    if c.is(Field::GivenName, &["nickname"])
        && !(c.is(Field::Ssn, &["different"]) && c.is(Field::MiddleName, &["different"]))
    {
        return None;
    }
    let distinct = c.is(Field::GivenName, &["different"])
        || c.is(Field::Sex, &["different"])
        || c.is(Field::Ssn, &["different"])
        || c.is(Field::MiddleName, &["different"])
        || suffix_conflict(a, b);
    Some(if distinct {
        RuleHit {
            rule: Rule::Twins,
            effect: Effect::NoMatch,
            reason: "same family name, birth date and home; given name, sex, identifier or middle name differ",
        }
    } else {
        RuleHit {
            rule: Rule::Twins,
            effect: Effect::CapReview,
            reason: "same family name, birth date and home with similar but not equal given names",
        }
    })
}

fn suffix_conflict(a: &NormalizedRecord, b: &NormalizedRecord) -> bool {
    matches!((a.suffix, b.suffix), (Some(x), Some(y)) if x != y)
}

/// Jr/Sr and parent/child: a shared name across a generation.
fn generations(
    settings: &RuleSettings,
    a: &NormalizedRecord,
    b: &NormalizedRecord,
    c: &Comparison,
) -> Option<RuleHit> {
    if suffix_conflict(a, b) {
        return Some(RuleHit {
            rule: Rule::Generations,
            effect: Effect::NoMatch,
            reason: "generational suffixes differ (e.g. Jr and Sr)",
        });
    }
    if !(c.is(Field::GivenName, GIVEN_SAME) && c.is(Field::FamilyName, FAMILY_SAME)) {
        return None;
    }
    // A shared identifier and a birth date a generation away are conflicting strong
    // evidence: a person decides.
    let identifier_agrees =
        c.is(Field::Ssn, IDENTIFIER_AGREES) && a.suffix.is_none() && b.suffix.is_none();
    match (a.birth_date, b.birth_date) {
        (Some(x), Some(y)) if x.year().abs_diff(y.year()) >= settings.generation_min_years => Some(
            if c.is(Field::BirthDate, &["different"]) && !identifier_agrees {
                RuleHit {
                    rule: Rule::Generations,
                    effect: Effect::NoMatch,
                    reason: "same name, birth years a generation apart",
                }
            } else {
                RuleHit {
                    rule: Rule::Generations,
                    effect: Effect::CapReview,
                    reason: "same name, birth years a generation apart, but the dates are one keystroke apart or the identifier agrees",
                }
            },
        ),
        (None, _) | (_, None) if a.suffix.is_some() != b.suffix.is_some() && shares_contact(c) => {
            Some(RuleHit {
                rule: Rule::Generations,
                effect: Effect::CapReview,
                reason: "same name and home, one record has a generational suffix and a birth date is missing",
            })
        }
        _ => None,
    }
}

/// A common name and birth date agree and no identifier, phone, e-mail or address does.
fn common_name_alone(
    settings: &RuleSettings,
    a: &NormalizedRecord,
    b: &NormalizedRecord,
    c: &Comparison,
    tf: &TermFrequencies,
) -> bool {
    if !(c.is(Field::GivenName, GIVEN_SAME)
        && c.is(Field::FamilyName, FAMILY_SAME)
        && c.is(Field::BirthDate, &["exact"]))
    {
        return false;
    }
    let identifying = c.is(Field::Ssn, &["exact", "one_edit", "last_four"])
        || c.is(Field::Phone, &["exact", "local", "one_edit"])
        || c.is(Field::Email, &["exact", "local_part", "fuzzy"])
        || c.is(
            Field::AddressLine,
            &["exact", "same_street_number", "fuzzy"],
        );
    if identifying {
        return false;
    }
    // a share alone misleads in a small database: a common name is also seen often
    let freq = |field, name: Option<&crate::normalize::Name>| {
        name.filter(|n| tf.count(field, &n.text) >= super::tf::MIN_COMMON_COUNT)
            .and_then(|n| tf.frequency(field, &n.text))
            .unwrap_or(0.0)
    };
    // either spelling being common is enough (SMTH is a typo of the common SMITH)
    let given =
        freq(Field::GivenName, a.given.as_ref()).max(freq(Field::GivenName, b.given.as_ref()));
    let family =
        freq(Field::FamilyName, a.family.as_ref()).max(freq(Field::FamilyName, b.family.as_ref()));
    given >= settings.common_given_frequency && family >= settings.common_family_frequency
}

/// Birth dates within a few keystrokes (used by callers that group evidence).
pub fn dates_close(c: &Comparison) -> bool {
    c.is(Field::BirthDate, DATE_CLOSE)
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
