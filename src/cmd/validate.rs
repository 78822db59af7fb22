//! `g8audit validate REGISTER…`: read and check the register only.

use super::{EXIT_FINDINGS, EXIT_OK, RunError, print_issues, read};
use crate::cli::ValidateArgs;
use crate::config;

/// `g8audit validate`: read and check only; exit 1 when there are input issues.
pub fn run(args: &ValidateArgs) -> Result<i32, RunError> {
    let today = config::today()?;
    config::load_rules(args.read.rules.as_deref())?;
    let outcome = read(&args.read, today, false)?;
    let r = &outcome.register;
    if !args.quiet {
        print_issues(&outcome.issues, &r.inputs);
        println!(
            "g8audit: {} Users, {} Premises snapshots, {} Assessments read; {} input issue{}",
            r.users.len(),
            r.premises.len(),
            r.assessments.len(),
            outcome.issues.len(),
            if outcome.issues.len() == 1 { "" } else { "s" }
        );
    }
    Ok(if outcome.issues.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}
