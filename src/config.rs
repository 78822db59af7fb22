//! What the run will do: validated options, the rules in force, the audit date and "today".
//!
//! This is where the command line meets the environment (the clock, `SOURCE_DATE_EPOCH`, the
//! rules and mapping files). Everything below it receives plain values.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::rules::ruleset::{DEFAULT_RULES_TOML, RuleSet, RulesError};

/// Why the options cannot be used (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("--as-of {value:?} is not a date: write it as YYYY-MM-DD (e.g. 2026-11-01)")]
    BadAsOf { value: String },
    #[error("cannot read the rules file {path}: {source}")]
    RulesIo {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("rules file {path}: {source}")]
    Rules { path: PathBuf, source: RulesError },
    #[error("SOURCE_DATE_EPOCH={value:?} is not a number of seconds since 1970-01-01")]
    BadSourceDateEpoch { value: String },
    #[error("--threads {0}: give a number from 1 to 1024")]
    BadThreads(usize),
}

/// The rules in force, and the text they came from (printed by `g8audit rules`).
#[derive(Debug, Clone)]
pub struct LoadedRules {
    pub rules: RuleSet,
    pub text: String,
    /// `None` for the embedded rules.
    pub path: Option<PathBuf>,
}

/// Loads `--rules FILE`, or the embedded rules.
///
/// # Errors
/// [`ConfigError::RulesIo`] when the file cannot be read, [`ConfigError::Rules`] when it is not a
/// usable rule set.
pub fn load_rules(path: Option<&Path>) -> Result<LoadedRules, ConfigError> {
    match path {
        None => Ok(LoadedRules {
            rules: RuleSet::embedded(),
            text: DEFAULT_RULES_TOML.to_string(),
            path: None,
        }),
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|source| ConfigError::RulesIo {
                path: p.to_path_buf(),
                source,
            })?;
            let rules = RuleSet::from_toml_str(&text).map_err(|source| ConfigError::Rules {
                path: p.to_path_buf(),
                source,
            })?;
            Ok(LoadedRules {
                rules,
                text,
                path: Some(p.to_path_buf()),
            })
        }
    }
}

/// The day the tool runs: `SOURCE_DATE_EPOCH` when set (the reproducible-builds convention, SPEC
/// §6.26), else the system clock (UTC).
///
/// # Errors
/// [`ConfigError::BadSourceDateEpoch`] when the variable is set but is not a whole number of
/// seconds.
pub fn today() -> Result<NaiveDate, ConfigError> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) if !value.trim().is_empty() => value
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
            .map(|t| t.date_naive())
            .ok_or(ConfigError::BadSourceDateEpoch { value }),
        _ => Ok(chrono::Utc::now().date_naive()),
    }
}

/// Parses `--as-of`.
///
/// # Errors
/// [`ConfigError::BadAsOf`] unless the value is a `YYYY-MM-DD` date.
pub fn parse_as_of(value: &str) -> Result<NaiveDate, ConfigError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| ConfigError::BadAsOf {
        value: value.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_of_is_iso() {
        assert_eq!(
            parse_as_of("2026-11-01").unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
        );
        let err = parse_as_of("01/11/2026").unwrap_err().to_string();
        assert!(err.contains("YYYY-MM-DD"), "{err}");
    }

    #[test]
    fn a_missing_rules_file_names_the_path() {
        let err = load_rules(Some(Path::new("/nonexistent/rules.toml")))
            .unwrap_err()
            .to_string();
        assert!(err.contains("/nonexistent/rules.toml"), "{err}");
    }
}
