//! Explanations: for every field the level, both normalized values and the weight; the
//! rules that fired; the total, probability, thresholds and model version. As JSON for
//! machines and as a waterfall for a terminal.

use std::fmt::Write as _;

use serde::Serialize;

use super::compare::Field;
use super::model::probability;
use super::rules::RuleHit;
use super::score::{Decision, Matcher, Score};
use crate::normalize::NormalizedRecord;

/// Why a pair scored what it did.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub model_version: String,
    pub prior_weight: f32,
    pub fields: Vec<FieldEvidence>,
    pub groups: Vec<GroupEvidence>,
    pub rules: Vec<RuleHit>,
    pub total_weight: f32,
    pub probability: f64,
    pub thresholds: ThresholdsUsed,
    pub decision: Decision,
    /// "weight" or the rule that decided.
    pub decided_by: String,
}

/// One field's contribution.
#[derive(Debug, Clone, Serialize)]
pub struct FieldEvidence {
    pub field: &'static str,
    pub level: &'static str,
    pub left: Option<String>,
    pub right: Option<String>,
    pub m: f64,
    pub u: f64,
    /// True when u is the value's frequency in the data rather than the level's u.
    pub term_frequency_adjusted: bool,
    pub weight: f32,
}

/// An evidence group whose positive weights were capped.
#[derive(Debug, Clone, Serialize)]
pub struct GroupEvidence {
    pub name: String,
    pub uncapped: f32,
    pub counted: f32,
}

/// The thresholds, as probabilities and as total weights.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ThresholdsUsed {
    pub link: f64,
    pub review: f64,
    pub link_weight: f32,
    pub review_weight: f32,
}

impl Matcher {
    /// Scores a pair and says why.
    pub fn explain(&self, a: &NormalizedRecord, b: &NormalizedRecord) -> Explanation {
        self.explain_score(a, b, &self.score(a, b))
    }

    /// Says why a pair scored `score` (from `score(a, b)`), without scoring it again.
    pub fn explain_score(
        &self,
        a: &NormalizedRecord,
        b: &NormalizedRecord,
        score: &Score,
    ) -> Explanation {
        let c = score.comparison;
        let weights = self.field_weights(a, &c);
        let fields = Field::ALL
            .into_iter()
            .filter(|f| self.model.uses(*f))
            .map(|f| {
                let level = c.level(f);
                let (m, u) = self.model.m_u(f, level);
                let tf_u = self.tf_u(f, level, a);
                FieldEvidence {
                    field: f.name(),
                    level: f.level_name(level),
                    left: field_value(a, f),
                    right: field_value(b, f),
                    m,
                    u: tf_u.unwrap_or(u),
                    term_frequency_adjusted: tf_u.is_some(),
                    weight: weights[f.index()],
                }
            })
            .collect();
        let (_, positive) = self.capped_sum(&weights);
        let groups = self
            .model
            .groups
            .iter()
            .enumerate()
            .map(|(g, group)| GroupEvidence {
                name: group.name.clone(),
                uncapped: positive[g],
                counted: positive[g].min(self.model.group_cap(g)),
            })
            .collect();
        let rules: Vec<RuleHit> = score.rules.iter().collect();
        let by_weight = self.decide(score.weight, &Default::default());
        let decided_by = match rules.iter().find(|h| {
            let d = self.decide(score.weight, &one(h));
            d != by_weight && d == score.decision
        }) {
            Some(h) => format!("rule:{}", h.rule.name()),
            None => "weight".to_string(),
        };
        let (link_weight, review_weight) = self.model.threshold_weights();
        Explanation {
            model_version: self.model.version.clone(),
            prior_weight: self.model.prior_weight(),
            fields,
            groups,
            rules,
            total_weight: score.weight,
            probability: probability(score.weight as f64),
            thresholds: ThresholdsUsed {
                link: self.model.thresholds.link,
                review: self.model.thresholds.review,
                link_weight,
                review_weight,
            },
            decision: score.decision,
            decided_by,
        }
    }
}

fn one(hit: &RuleHit) -> super::rules::RuleHits {
    let mut hits = super::rules::RuleHits::default();
    hits.push(*hit);
    hits
}

/// A field's normalized value as text.
pub fn field_value(r: &NormalizedRecord, f: Field) -> Option<String> {
    match f {
        Field::GivenName => r.given.as_ref().map(|n| n.text.to_string()),
        Field::MiddleName => r.middle.as_ref().map(|n| n.text.to_string()),
        Field::FamilyName => {
            let family = r.family.as_ref().map(|n| n.text.to_string());
            match (family, r.suffix) {
                (Some(f), Some(s)) => Some(format!("{f} ({})", s.code())),
                (f, _) => f,
            }
        }
        Field::Sex => r.sex.map(|s| s.code().to_string()),
        Field::BirthDate => r.birth_date.map(|d| d.to_string()),
        Field::Ssn => r.ssn.map(|s| s.to_string()),
        Field::Phone => r.phone.map(|p| p.digits()),
        Field::Email => r.email.as_ref().map(|e| e.to_string()),
        Field::AddressLine => r.address.as_ref().map(|a| a.line.to_string()),
        Field::City => r.city.as_ref().map(|c| c.to_string()),
        Field::State => r.state.as_ref().map(|s| s.to_string()),
        Field::PostalCode => r.postal_code.as_ref().map(|p| p.to_string()),
    }
}

impl Explanation {
    /// A terminal waterfall: one bar per field from the prior to the total.
    pub fn waterfall(&self) -> String {
        let mut out = String::new();
        let scale = 1.5f32;
        let bar = |w: f32| {
            let n = ((w.abs() / scale).round() as usize).min(30);
            let ch = if w >= 0.0 { '█' } else { '░' };
            std::iter::repeat_n(ch, n).collect::<String>()
        };
        let _ = writeln!(out, "model {}", self.model_version);
        let _ = writeln!(
            out,
            "{:<13} {:<18} {:<24} {:<24} {:>7}",
            "field", "level", "left", "right", "weight"
        );
        let _ = writeln!(
            out,
            "{:<13} {:<18} {:<24} {:<24} {:>7.2} {}",
            "prior",
            "",
            "",
            "",
            self.prior_weight,
            bar(self.prior_weight)
        );
        for f in &self.fields {
            let tf = if f.term_frequency_adjusted { "*" } else { "" };
            let _ = writeln!(
                out,
                "{:<13} {:<18} {:<24} {:<24} {:>7.2} {}",
                f.field,
                format!("{}{tf}", f.level),
                clip(f.left.as_deref()),
                clip(f.right.as_deref()),
                f.weight,
                bar(f.weight)
            );
        }
        for g in &self.groups {
            if g.uncapped > g.counted {
                let _ = writeln!(
                    out,
                    "group {} capped: {:.2} of positive evidence counted as {:.2}",
                    g.name, g.uncapped, g.counted
                );
            }
        }
        let _ = writeln!(
            out,
            "total weight {:.2}  probability {:.6}  (link ≥ {} [{:.2}], review ≥ {} [{:.2}])",
            self.total_weight,
            self.probability,
            self.thresholds.link,
            self.thresholds.link_weight,
            self.thresholds.review,
            self.thresholds.review_weight
        );
        for r in &self.rules {
            let _ = writeln!(out, "rule {} → {:?}: {}", r.rule.name(), r.effect, r.reason);
        }
        let _ = writeln!(
            out,
            "decision {} (by {})",
            self.decision.name(),
            self.decided_by
        );
        if self.fields.iter().any(|f| f.term_frequency_adjusted) {
            let _ = writeln!(out, "* u is the value's frequency in the data");
        }
        out
    }
}

fn clip(v: Option<&str>) -> String {
    match v {
        None => "—".to_string(),
        Some(s) if s.chars().count() > 23 => format!("{}…", s.chars().take(22).collect::<String>()),
        Some(s) => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::RawRecord;
    use crate::matching::{Matcher, Model, TermFrequencies};
    use crate::normalize::normalize;

    #[test]
    fn explaining_a_given_score_says_what_explaining_the_pair_says() {
        let raw = |given: &str, dob: &str| RawRecord {
            given_name: given.into(),
            family_name: "Johnson".into(),
            birth_date: dob.into(),
            phone: "(617) 555-0142".into(),
            ..Default::default()
        };
        let (a, b) = (
            normalize(&raw("Robert", "1975-04-12")).0,
            normalize(&raw("Bob", "1975-12-04")).0,
        );
        let matcher = Matcher::new(Model::default_model(), TermFrequencies::default());
        let given = matcher.explain_score(&a, &b, &matcher.score(&a, &b));
        let whole = matcher.explain(&a, &b);
        assert_eq!(
            serde_json::to_value(&given).unwrap(),
            serde_json::to_value(&whole).unwrap()
        );
        assert_ne!(given.fields.len(), 0);
    }
}
