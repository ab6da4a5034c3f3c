//! The scoring model as data: per-field level m/u probabilities, term-frequency settings,
//! evidence groups, rule settings, thresholds and a version. Loaded from JSON and validated.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::compare::{FIELD_COUNT, Field};

/// Most levels any field has, plus one for "missing".
pub const MAX_LEVELS: usize = 10;

/// Most evidence groups a model may declare.
pub const MAX_GROUPS: usize = 4;

/// The model shipped with mpi.
pub const DEFAULT_MODEL_JSON: &str = include_str!("../../models/default.json");

/// A Fellegi–Sunter model with the deterministic rules' settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    pub version: String,
    #[serde(default)]
    pub description: String,
    /// Probability that two records drawn at random describe the same person.
    pub prior_match_probability: f64,
    pub thresholds: Thresholds,
    pub fields: Vec<FieldModel>,
    /// Fields whose positive evidence is correlated and capped together.
    #[serde(default)]
    pub groups: Vec<EvidenceGroup>,
    #[serde(default)]
    pub rules: RuleSettings,
    #[serde(skip)]
    derived: Derived,
}

/// Match probabilities at which a pair is linked automatically or sent to review.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub link: f64,
    pub review: f64,
}

/// The levels of one field.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldModel {
    pub field: String,
    pub levels: Vec<LevelModel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term_frequency: Option<TermFrequencySettings>,
}

/// m = P(level | same person), u = P(level | different people).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelModel {
    pub level: String,
    pub m: f64,
    pub u: f64,
}

/// Exact agreement on a common value is weaker evidence than on a rare one: for the
/// listed levels, u becomes the value's frequency in the data (never below `min_u`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermFrequencySettings {
    pub levels: Vec<String>,
    pub min_u: f64,
}

/// Fields whose agreements are not independent (family members share them all): their
/// positive weights are summed and capped at `max_weight`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceGroup {
    pub name: String,
    pub fields: Vec<String>,
    pub max_weight: f64,
}

/// Settings of the deterministic rules (see `rules`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RuleSettings {
    /// Valid identifier + birth date + similar name links regardless of weight.
    pub certain_identifier: bool,
    pub twins: bool,
    pub generations: bool,
    /// Smallest birth-year gap read as parent/child rather than a typing error.
    pub generation_min_years: u32,
    pub household: bool,
    pub common_name: bool,
    /// A given (family) name is common when at least this share of records carry it.
    pub common_given_frequency: f64,
    pub common_family_frequency: f64,
}

impl Default for RuleSettings {
    fn default() -> Self {
        RuleSettings {
            certain_identifier: true,
            twins: true,
            generations: true,
            generation_min_years: 13,
            household: true,
            common_name: true,
            common_given_frequency: 0.005,
            common_family_frequency: 0.003,
        }
    }
}

/// Values computed once from the validated model.
#[derive(Debug, Clone, Default)]
struct Derived {
    /// log2(m/u) per field and level code; 0 for missing and for unused fields.
    weights: [[f32; MAX_LEVELS]; FIELD_COUNT],
    m: [[f64; MAX_LEVELS]; FIELD_COUNT],
    u: [[f64; MAX_LEVELS]; FIELD_COUNT],
    used: [bool; FIELD_COUNT],
    /// Level code adjusted by term frequency, per field (0 = none).
    tf_level: [u8; FIELD_COUNT],
    tf_min_u: [f64; FIELD_COUNT],
    /// Group index per field.
    group: [Option<u8>; FIELD_COUNT],
    group_caps: Vec<f32>,
    prior_weight: f32,
    link_weight: f32,
    review_weight: f32,
}

/// A model file that cannot be used, with where and why.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("{source_name}: cannot read: {error}")]
    Read {
        source_name: String,
        error: std::io::Error,
    },
    #[error("{source_name}: line {line} column {column}: {message}")]
    Syntax {
        source_name: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{source_name}: {path}: {message}")]
    Invalid {
        source_name: String,
        path: String,
        message: String,
    },
}

impl Model {
    /// The model shipped with mpi.
    pub fn default_model() -> Model {
        Model::from_json(DEFAULT_MODEL_JSON, "models/default.json")
            .expect("the shipped model is validated by tests")
    }

    /// Reads and validates a model file.
    pub fn load(path: &Path) -> Result<Model, ModelError> {
        let source_name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| ModelError::Read {
            source_name: source_name.clone(),
            error,
        })?;
        Model::from_json(&text, &source_name)
    }

    /// Parses and validates model JSON; `source_name` names it in errors.
    pub fn from_json(text: &str, source_name: &str) -> Result<Model, ModelError> {
        let mut model: Model = serde_json::from_str(text).map_err(|e| ModelError::Syntax {
            source_name: source_name.to_string(),
            line: e.line(),
            column: e.column(),
            message: e
                .to_string()
                .split(" at line ")
                .next()
                .unwrap_or_default()
                .to_string(),
        })?;
        model
            .validate()
            .map_err(|(path, message)| ModelError::Invalid {
                source_name: source_name.to_string(),
                path,
                message,
            })?;
        Ok(model)
    }

    /// Checks every value and computes the weights; errors name the JSON path.
    pub fn validate(&mut self) -> Result<(), (String, String)> {
        let err = |path: String, message: String| Err((path, message));
        if self.version.trim().is_empty() {
            return err("version".into(), "must not be empty".into());
        }
        let p = self.prior_match_probability;
        if !(p > 0.0 && p < 1.0) {
            return err(
                "prior_match_probability".into(),
                format!("{p} is not in (0, 1)"),
            );
        }
        let t = self.thresholds;
        if !(t.review > 0.0 && t.review <= t.link && t.link < 1.0) {
            return err(
                "thresholds".into(),
                format!(
                    "need 0 < review ≤ link < 1, got review {} and link {}",
                    t.review, t.link
                ),
            );
        }
        let mut d = Derived::default();
        for (i, fm) in self.fields.iter().enumerate() {
            let path = format!("fields[{i}]");
            let Some(field) = Field::from_name(&fm.field) else {
                let known: Vec<_> = Field::ALL.iter().map(|f| f.name()).collect();
                return err(
                    format!("{path}.field"),
                    format!("unknown field '{}' (known: {})", fm.field, known.join(", ")),
                );
            };
            let fi = field.index();
            if d.used[fi] {
                return err(
                    format!("{path}.field"),
                    format!("'{}' appears twice", fm.field),
                );
            }
            d.used[fi] = true;
            let mut seen = [false; MAX_LEVELS];
            for (j, lm) in fm.levels.iter().enumerate() {
                let lpath = format!("{path}.levels[{j}]");
                let Some(code) = field.level_code(&lm.level) else {
                    return err(
                        format!("{lpath}.level"),
                        format!(
                            "'{}' is not a level of {} (levels: {})",
                            lm.level,
                            field.name(),
                            field.levels().join(", ")
                        ),
                    );
                };
                let c = code as usize;
                if seen[c] {
                    return err(
                        format!("{lpath}.level"),
                        format!("'{}' appears twice", lm.level),
                    );
                }
                seen[c] = true;
                for (name, v) in [("m", lm.m), ("u", lm.u)] {
                    if !(v > 0.0 && v <= 1.0) {
                        return err(format!("{lpath}.{name}"), format!("{v} is not in (0, 1]"));
                    }
                }
                d.m[fi][c] = lm.m;
                d.u[fi][c] = lm.u;
                d.weights[fi][c] = (lm.m / lm.u).log2() as f32;
            }
            if let Some(missing) = field
                .levels()
                .iter()
                .enumerate()
                .find(|(c, _)| !seen[c + 1])
            {
                return err(
                    format!("{path}.levels"),
                    format!("{} has no entry for level '{}'", field.name(), missing.1),
                );
            }
            if let Some(tf) = &fm.term_frequency {
                let tpath = format!("{path}.term_frequency");
                if tf.levels.len() != 1 || field.level_code(&tf.levels[0]).is_none() {
                    return err(
                        format!("{tpath}.levels"),
                        "must name exactly one level of the field".into(),
                    );
                }
                if !(tf.min_u > 0.0 && tf.min_u < 1.0) {
                    return err(
                        format!("{tpath}.min_u"),
                        format!("{} is not in (0, 1)", tf.min_u),
                    );
                }
                if !matches!(field, Field::GivenName | Field::FamilyName) {
                    return err(tpath, "term frequencies are kept for names only".into());
                }
                d.tf_level[fi] = field.level_code(&tf.levels[0]).unwrap_or(0);
                d.tf_min_u[fi] = tf.min_u;
            }
        }
        if !d.used.iter().any(|u| *u) {
            return err("fields".into(), "no fields".into());
        }
        if self.groups.len() > MAX_GROUPS {
            return err("groups".into(), format!("at most {MAX_GROUPS} groups"));
        }
        for (g, group) in self.groups.iter().enumerate() {
            let path = format!("groups[{g}]");
            if group.max_weight.is_nan() || group.max_weight <= 0.0 {
                return err(format!("{path}.max_weight"), "must be positive".into());
            }
            for (k, name) in group.fields.iter().enumerate() {
                let Some(field) = Field::from_name(name) else {
                    return err(
                        format!("{path}.fields[{k}]"),
                        format!("unknown field '{name}'"),
                    );
                };
                if d.group[field.index()].is_some() {
                    return err(
                        format!("{path}.fields[{k}]"),
                        format!("'{name}' is in two groups"),
                    );
                }
                d.group[field.index()] = Some(g as u8);
            }
            d.group_caps.push(group.max_weight as f32);
        }
        let r = &self.rules;
        for (name, v) in [
            ("common_given_frequency", r.common_given_frequency),
            ("common_family_frequency", r.common_family_frequency),
        ] {
            if !(v > 0.0 && v < 1.0) {
                return err(format!("rules.{name}"), format!("{v} is not in (0, 1)"));
            }
        }
        d.prior_weight = log2_odds(p) as f32;
        d.link_weight = log2_odds(t.link) as f32;
        d.review_weight = log2_odds(t.review) as f32;
        self.derived = d;
        Ok(())
    }

    /// log2(m/u) of a field's level (0 for missing or unused fields).
    pub fn weight(&self, field: Field, level: u8) -> f32 {
        self.derived.weights[field.index()][level as usize]
    }

    /// m and u of a field's level.
    pub fn m_u(&self, field: Field, level: u8) -> (f64, f64) {
        let fi = field.index();
        (
            self.derived.m[fi][level as usize],
            self.derived.u[fi][level as usize],
        )
    }

    /// Whether the model scores this field.
    pub fn uses(&self, field: Field) -> bool {
        self.derived.used[field.index()]
    }

    /// The level adjusted by term frequency and the smallest u, if the field has one.
    pub fn term_frequency(&self, field: Field) -> Option<(u8, f64)> {
        let fi = field.index();
        (self.derived.tf_level[fi] != 0)
            .then(|| (self.derived.tf_level[fi], self.derived.tf_min_u[fi]))
    }

    /// The evidence group of a field.
    pub fn group_of(&self, field: Field) -> Option<usize> {
        self.derived.group[field.index()].map(usize::from)
    }

    /// The cap of an evidence group.
    pub fn group_cap(&self, group: usize) -> f32 {
        self.derived.group_caps[group]
    }

    /// log2 of the prior odds.
    pub fn prior_weight(&self) -> f32 {
        self.derived.prior_weight
    }

    /// Total weights at which the link and review thresholds are reached.
    pub fn threshold_weights(&self) -> (f32, f32) {
        (self.derived.link_weight, self.derived.review_weight)
    }

    /// Replaces m and u of a level (used by training); call `validate` afterwards.
    pub fn set_m_u(&mut self, field: Field, level: &str, m: Option<f64>, u: Option<f64>) {
        if let Some(fm) = self.fields.iter_mut().find(|f| f.field == field.name())
            && let Some(lm) = fm.levels.iter_mut().find(|l| l.level == level)
        {
            if let Some(m) = m {
                lm.m = m;
            }
            if let Some(u) = u {
                lm.u = u;
            }
        }
    }

    /// Turns off the guard rules (twins, generations, household, common name), for data
    /// known to hold no such look-alikes; the certain rule stays.
    pub fn disable_guards(&mut self) {
        let r = &mut self.rules;
        r.twins = false;
        r.generations = false;
        r.household = false;
        r.common_name = false;
    }

    /// True when every guard rule is on.
    pub fn guards_enabled(&self) -> bool {
        let r = &self.rules;
        r.twins && r.generations && r.household && r.common_name
    }

    /// The model as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("model serializes")
    }
}

/// log2(p / (1 - p)).
pub fn log2_odds(p: f64) -> f64 {
    (p / (1.0 - p)).log2()
}

/// The probability of a log2-odds weight.
pub fn probability(weight: f64) -> f64 {
    let odds = weight.exp2();
    if odds.is_infinite() {
        1.0
    } else {
        odds / (1.0 + odds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_model_is_valid() {
        let m = Model::default_model();
        for f in Field::ALL {
            assert!(m.uses(f), "{f:?}");
        }
        let (link, review) = m.threshold_weights();
        assert!(link > review);
    }

    fn broken(edit: impl Fn(&mut serde_json::Value)) -> String {
        let mut v: serde_json::Value = serde_json::from_str(DEFAULT_MODEL_JSON).unwrap();
        edit(&mut v);
        Model::from_json(&v.to_string(), "m.json")
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn invalid_models_are_rejected_with_a_path() {
        let e = broken(|v| v["fields"][0]["levels"][0]["m"] = 1.5.into());
        assert!(
            e.starts_with("m.json: fields[0].levels[0].m: 1.5 is not in (0, 1]"),
            "{e}"
        );
        let e = broken(|v| v["fields"][0]["levels"][1]["level"] = "close".into());
        assert!(
            e.contains("fields[0].levels[1].level: 'close' is not a level of"),
            "{e}"
        );
        let e = broken(|v| v["fields"][1]["field"] = "shoe_size".into());
        assert!(
            e.contains("fields[1].field: unknown field 'shoe_size'"),
            "{e}"
        );
        let e = broken(|v| v["thresholds"]["review"] = 0.999.into());
        assert!(e.contains("thresholds: need 0 < review ≤ link < 1"), "{e}");
        let e = broken(|v| {
            v["fields"][0]["levels"].as_array_mut().unwrap().pop();
        });
        assert!(e.contains("has no entry for level"), "{e}");
        let e = broken(|v| v["prior_match_probability"] = 0.0.into());
        assert!(e.contains("prior_match_probability"), "{e}");
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let e = Model::from_json("{\n  \"version\": 1,\n}", "bad.json")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("bad.json: line 2 column"), "{e}");
    }

    #[test]
    fn probability_of_weight() {
        assert!((probability(0.0) - 0.5).abs() < 1e-12);
        assert!((probability(log2_odds(0.99)) - 0.99).abs() < 1e-9);
        assert_eq!(probability(5000.0), 1.0);
    }
}
