//! `g8audit rules [--rules FILE.toml]`: the rules in force, as TOML.

use super::{EXIT_OK, RunError};
use crate::cli::RulesArgs;
use crate::config;

/// `g8audit rules`: print the rules in force as TOML.
pub fn run(args: &RulesArgs) -> Result<i32, RunError> {
    let loaded = config::load_rules(args.rules.as_deref())?;
    print!("{}", loaded.text);
    Ok(EXIT_OK)
}
