//! The rule set: every number and cycle of G8 that a modification could change, as data.
//!
//! The embedded default (`default_rules.toml`) is the Code as it stands; `--rules FILE.toml`
//! replaces it. Loading validates everything the rules rely on, so the rules themselves can index
//! the data without checks. Nothing here reads a file: the caller passes the text.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::AssessmentType;

/// The rules in force when no `--rules` file is given.
pub const DEFAULT_RULES_TOML: &str = include_str!("default_rules.toml");

/// One test of a large category: `domestic_weight × D + non_domestic_weight × N > over`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdTest {
    /// The clause or limb this test is, e.g. `G8.41(c)`.
    pub limb: String,
    pub domestic_weight: u64,
    pub non_domestic_weight: u64,
    pub over: u64,
}

impl ThresholdTest {
    /// The weighted figure this test compares with its threshold (saturating: it never wraps).
    pub fn figure(&self, domestic: u64, non_domestic: u64) -> u64 {
        self.domestic_weight
            .saturating_mul(domestic)
            .saturating_add(self.non_domestic_weight.saturating_mul(non_domestic))
    }

    /// G8.41/G8.44 "exceeds": strictly greater.
    pub fn is_met(&self, domestic: u64, non_domestic: u64) -> bool {
        self.figure(domestic, non_domestic) > self.over
    }
}

/// The cycle each category follows under one version, by cycle name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryCycles {
    #[serde(rename = "supplier-large")]
    pub supplier_large: String,
    #[serde(rename = "supplier-small")]
    pub supplier_small: String,
    #[serde(rename = "network-large")]
    pub network_large: String,
    #[serde(rename = "network-small")]
    pub network_small: String,
    pub other: String,
}

/// One version of the rules, in force from `from` (SPEC §2.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Version {
    pub id: String,
    pub from: NaiveDate,
    #[serde(default)]
    pub description: String,
    /// Tests of G8.41: a Supplier Party meeting any is `supplier-large`.
    pub supplier_large: Vec<ThresholdTest>,
    /// Tests of G8.44: a Network Party meeting any is `network-large`.
    pub network_large: Vec<ThresholdTest>,
    pub cycles: CategoryCycles,
}

/// What audit results keep of one [`Version`]: its id (named by every row note) and its
/// large-category tests (behind every row note's [`crate::rules::counts::Figures`]).
///
/// A large register has hundreds of thousands of determinations; they share these by reference
/// count instead of each copying a version id and writing out its figures (docs/performance.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedVersion {
    pub id: Arc<str>,
    /// [`Version::supplier_large`].
    pub supplier_large: Arc<[ThresholdTest]>,
    /// [`Version::network_large`].
    pub network_large: Arc<[ThresholdTest]>,
}

impl SharedVersion {
    /// One per version of `rules`, in the same order as [`RuleSet::versions`].
    pub fn all(rules: &RuleSet) -> Vec<SharedVersion> {
        rules
            .versions
            .iter()
            .map(|v| SharedVersion {
                id: Arc::from(v.id.as_str()),
                supplier_large: Arc::from(v.supplier_large.as_slice()),
                network_large: Arc::from(v.network_large.as_slice()),
            })
            .collect()
    }
}

/// Which type follows which (SPEC §2.4). Each list is indexed by the run length r (1-based); its
/// last entry serves every longer run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cycle {
    #[serde(default)]
    pub description: String,
    pub after_full: Vec<AssessmentType>,
    pub after_verification: Vec<AssessmentType>,
    pub after_self: Vec<AssessmentType>,
    /// The last types P whose step the Code does not write (SPEC §2.4 *).
    #[serde(default)]
    pub not_in_code: Vec<AssessmentType>,
}

impl Cycle {
    /// The type that follows `last` after a run of `run` (≥ 1) of it, and whether the Code writes
    /// that step.
    pub fn next(&self, last: AssessmentType, run: usize) -> (AssessmentType, bool) {
        let steps = match last {
            AssessmentType::Full | AssessmentType::FollowUp => &self.after_full,
            AssessmentType::Verification => &self.after_verification,
            AssessmentType::SelfAssessment => &self.after_self,
        };
        // Validated non-empty when loaded.
        let index = run.max(1).min(steps.len()) - 1;
        (steps[index], !self.not_in_code.contains(&last))
    }
}

/// The whole rule set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    pub months_between_assessments: u32,
    pub sms_notification_months: u32,
    pub near_threshold_percent: u64,
    pub status_names_changed_on: NaiveDate,
    pub versions: Vec<Version>,
    pub cycles: BTreeMap<String, Cycle>,
}

/// Why a rules file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("the rules are not valid TOML for g8audit: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("the rules are not usable: {0}")]
    Invalid(String),
}

impl RuleSet {
    /// The rules embedded in this build (the Code as it stands).
    pub fn embedded() -> RuleSet {
        // The embedded text is tested to load; failing here is a build defect, not a user error.
        match RuleSet::from_toml_str(DEFAULT_RULES_TOML) {
            Ok(rules) => rules,
            Err(e) => panic!("embedded rules are invalid: {e}"),
        }
    }

    /// Parses and validates a rule set.
    ///
    /// # Errors
    /// [`RulesError::Toml`] when the text is not TOML of this shape (the message names the line),
    /// [`RulesError::Invalid`] when it is but cannot be used (no version, an unknown cycle, an
    /// empty step list, versions out of date order, a zero threshold period).
    pub fn from_toml_str(text: &str) -> Result<RuleSet, RulesError> {
        let mut rules: RuleSet = toml::from_str(text)?;
        rules.validate()?;
        rules.versions.sort_by_key(|v| v.from);
        Ok(rules)
    }

    fn validate(&self) -> Result<(), RulesError> {
        let invalid = |m: String| Err(RulesError::Invalid(m));
        if self.versions.is_empty() {
            return invalid("at least one [[versions]] entry is needed".into());
        }
        if self.months_between_assessments == 0 || self.months_between_assessments > 120 {
            return invalid("months_between_assessments must be between 1 and 120".into());
        }
        if self.sms_notification_months == 0 || self.sms_notification_months > 120 {
            return invalid("sms_notification_months must be between 1 and 120".into());
        }
        if self.near_threshold_percent > 100 {
            return invalid("near_threshold_percent must be at most 100".into());
        }
        let mut seen = std::collections::BTreeSet::new();
        for v in &self.versions {
            if !seen.insert(v.from) {
                return invalid(format!("two versions start on {}", v.from));
            }
            for (category, cycle) in [
                ("supplier-large", &v.cycles.supplier_large),
                ("supplier-small", &v.cycles.supplier_small),
                ("network-large", &v.cycles.network_large),
                ("network-small", &v.cycles.network_small),
                ("other", &v.cycles.other),
            ] {
                if !self.cycles.contains_key(cycle) {
                    let known: Vec<&str> = self.cycles.keys().map(String::as_str).collect();
                    return invalid(format!(
                        "version {}: {category} follows cycle \"{cycle}\", which is not defined \
                         (defined: {})",
                        v.id,
                        known.join(", ")
                    ));
                }
            }
        }
        for (name, cycle) in &self.cycles {
            for (step, list) in [
                ("after_full", &cycle.after_full),
                ("after_verification", &cycle.after_verification),
                ("after_self", &cycle.after_self),
            ] {
                if list.is_empty() {
                    return invalid(format!("cycle {name}: {step} must name at least one type"));
                }
                if list.contains(&AssessmentType::FollowUp) {
                    return invalid(format!(
                        "cycle {name}: {step} names Follow-up, which is not an annual type"
                    ));
                }
            }
        }
        Ok(())
    }

    /// The version in force at determination date `t` (SPEC §2.3). The first version also covers
    /// any earlier date.
    pub fn version_at(&self, t: NaiveDate) -> &Version {
        &self.versions[self.version_index_at(t)]
    }

    /// The position in [`RuleSet::versions`] of [`RuleSet::version_at`]`(t)`.
    pub fn version_index_at(&self, t: NaiveDate) -> usize {
        self.versions.iter().rposition(|v| v.from <= t).unwrap_or(0)
    }

    /// A cycle by name; names are validated on load.
    pub fn cycle(&self, name: &str) -> &Cycle {
        &self.cycles[name]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn embedded_rules_load() {
        let rules = RuleSet::embedded();
        assert_eq!(rules.versions.len(), 2);
        assert_eq!(rules.months_between_assessments, 12);
    }

    #[test]
    fn secmp0059_applies_from_2019_02_28() {
        let rules = RuleSet::embedded();
        assert_eq!(rules.version_at(d(2019, 2, 27)).id, "pre-SECMP0059");
        assert_eq!(rules.version_at(d(2019, 2, 28)).id, "SECMP0059");
        assert_eq!(rules.version_at(d(2001, 1, 1)).id, "pre-SECMP0059");
    }

    #[test]
    fn an_unknown_cycle_is_a_clear_error() {
        let text = DEFAULT_RULES_TOML.replace("other = \"full-self-self\"", "other = \"nope\"");
        let err = RuleSet::from_toml_str(&text).unwrap_err().to_string();
        assert!(
            err.contains("cycle \"nope\", which is not defined"),
            "{err}"
        );
    }

    #[test]
    fn bad_toml_names_the_line() {
        let err = RuleSet::from_toml_str("months_between_assessments = [").unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
    }

    #[test]
    fn an_unknown_key_is_refused() {
        let text = format!("{DEFAULT_RULES_TOML}\nthreshold = 3\n");
        assert!(RuleSet::from_toml_str(&text).is_err());
    }
}
