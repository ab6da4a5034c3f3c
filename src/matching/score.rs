//! Fellegi–Sunter scoring: the prior plus each field's log2(m/u), with term-frequency
//! adjustment for names and capped evidence groups, then the rules, then the decision.

use serde::Serialize;

use super::compare::{Comparison, FIELD_COUNT, Field, compare};
use super::model::{MAX_GROUPS, Model, probability};
use super::rules::{self, Effect, RuleHits};
use super::tf::TermFrequencies;
use crate::normalize::NormalizedRecord;

/// What to do with a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    NoMatch,
    Review,
    Link,
}

impl Decision {
    pub fn name(self) -> &'static str {
        match self {
            Decision::Link => "link",
            Decision::Review => "review",
            Decision::NoMatch => "no_match",
        }
    }
}

/// The outcome of scoring one pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    pub comparison: Comparison,
    /// Total log2-odds weight, prior included.
    pub weight: f32,
    pub decision: Decision,
    pub rules: RuleHits,
}

impl Score {
    /// The match probability of the weight.
    pub fn probability(&self) -> f64 {
        probability(self.weight as f64)
    }
}

/// A model together with the name frequencies of the data it scores.
#[derive(Debug, Clone)]
pub struct Matcher {
    pub model: Model,
    pub tf: TermFrequencies,
}

impl Matcher {
    pub fn new(model: Model, tf: TermFrequencies) -> Self {
        let mut matcher = Matcher {
            model,
            tf: TermFrequencies::default(),
        };
        matcher.set_frequencies(tf);
        matcher
    }

    /// Replaces the name frequencies; their priors come from the model.
    pub fn set_frequencies(&mut self, mut tf: TermFrequencies) {
        let prior = |field| {
            self.model
                .term_frequency(field)
                .map(|(level, _)| self.model.m_u(field, level).1)
                .unwrap_or(0.0)
        };
        tf.set_priors(prior(Field::GivenName), prior(Field::FamilyName));
        self.tf = tf;
    }

    /// Compares, scores and decides one pair.
    pub fn score(&self, a: &NormalizedRecord, b: &NormalizedRecord) -> Score {
        let comparison = compare(a, b);
        self.score_comparison(a, b, comparison)
    }

    /// Scores an already computed comparison of `a` and `b`.
    pub fn score_comparison(
        &self,
        a: &NormalizedRecord,
        b: &NormalizedRecord,
        comparison: Comparison,
    ) -> Score {
        let weights = self.field_weights(a, &comparison);
        let weight = self.model.prior_weight() + self.capped_sum(&weights).0;
        // Guards can only lower a decision and the certain rule needs an exact identifier,
        // so below the review threshold without one the rules cannot change anything.
        let (_, review_weight) = self.model.threshold_weights();
        let rules = if weight >= review_weight || comparison.level(Field::Ssn) == 1 {
            rules::evaluate(&self.model.rules, a, b, &comparison, &self.tf)
        } else {
            RuleHits::default()
        };
        let decision = self.decide(weight, &rules);
        Score {
            comparison,
            weight,
            decision,
            rules,
        }
    }

    /// Each field's weight, term-frequency adjusted, before group caps.
    pub fn field_weights(&self, a: &NormalizedRecord, c: &Comparison) -> [f32; FIELD_COUNT] {
        let mut w = [0.0f32; FIELD_COUNT];
        for f in Field::ALL {
            let level = c.level(f);
            w[f.index()] = match self.tf_u(f, level, a) {
                Some(u) => (self.model.m_u(f, level).0 / u).log2() as f32,
                None => self.model.weight(f, level),
            };
        }
        w
    }

    /// The term-frequency u replacing the level's u, when it applies to this level.
    pub fn tf_u(&self, field: Field, level: u8, a: &NormalizedRecord) -> Option<f64> {
        let (tf_level, min_u) = self.model.term_frequency(field)?;
        if level != tf_level {
            return None;
        }
        let name = match field {
            Field::GivenName => a.given.as_ref(),
            Field::FamilyName => a.family.as_ref(),
            _ => None,
        }?;
        let freq = self.tf.frequency(field, &name.text)?;
        Some(freq.max(min_u))
    }

    /// Sum of field weights with each evidence group's positive part capped; also
    /// returns each group's uncapped positive sum.
    pub fn capped_sum(&self, weights: &[f32; FIELD_COUNT]) -> (f32, [f32; MAX_GROUPS]) {
        let groups = self.model.groups.len();
        let mut positive = [0.0f32; MAX_GROUPS];
        let mut total = 0.0;
        for f in Field::ALL {
            let w = weights[f.index()];
            match self.model.group_of(f) {
                Some(g) if w > 0.0 => positive[g] += w,
                _ => total += w,
            }
        }
        for (g, p) in positive.iter().enumerate().take(groups) {
            total += p.min(self.model.group_cap(g));
        }
        (total, positive)
    }

    /// The decision for a total weight and the rules that fired.
    pub fn decide(&self, weight: f32, rules: &RuleHits) -> Decision {
        if rules.has(Effect::Link) {
            return Decision::Link;
        }
        if rules.has(Effect::NoMatch) {
            return Decision::NoMatch;
        }
        let (link, review) = self.model.threshold_weights();
        let by_weight = if weight >= link {
            Decision::Link
        } else if weight >= review {
            Decision::Review
        } else {
            Decision::NoMatch
        };
        if rules.has(Effect::CapReview) {
            by_weight.min(Decision::Review)
        } else {
            by_weight
        }
    }
}
