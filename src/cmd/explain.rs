//! `g8audit explain REGISTER… --user ID`: one User's timeline, rule by rule.

use std::io::IsTerminal;

use super::{EXIT_OK, RunError, read};
use crate::cli::{ColorArg, ExplainArgs};
use crate::config;
use crate::model::Register;
use crate::report::explain;
use crate::rules::{self, AuditParams};

/// `g8audit explain`: audit the register as `audit` would, then lay out one User's timeline.
pub fn run(args: &ExplainArgs) -> Result<i32, RunError> {
    let today = config::today()?;
    let as_of = match &args.as_of {
        Some(v) => config::parse_as_of(v)?,
        None => today,
    };
    let loaded = config::load_rules(args.read.rules.as_deref())?;
    let outcome = read(&args.read, today, false)?;
    let register = &outcome.register;
    let user_id = find_user(register, &args.user)?;
    let params = AuditParams {
        as_of,
        warn_days: i64::from(args.warn_days),
        stale_days: i64::from(args.stale_days),
        annotate: true,
    };
    let audit = rules::audit(register, &loaded.rules, &params);
    let months = loaded.rules.months_between_assessments;
    let Some(timeline) = explain::timeline(
        &audit,
        register,
        &outcome.issues,
        user_id,
        months,
        params.warn_days,
    ) else {
        return Err(RunError::Usage(format!(
            "{user_id} is in the register but not in the audit as of {as_of}: nothing of it is \
             dated on or before that day, so it had not yet joined (SPEC §2.9); give a later \
             --as-of"
        )));
    };
    let text = if args.json {
        explain::json(&timeline)
    } else {
        explain::text(&timeline, colour(args.color))
    };
    print!("{text}");
    Ok(EXIT_OK)
}

/// Colour on a terminal unless NO_COLOR is set (<https://no-color.org>), or as `--color` says.
fn colour(arg: ColorArg) -> bool {
    match arg {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// The register's id for `wanted`: exact, else the one id equal to it ignoring case and
/// surrounding spaces. An unknown id is an error that names the closest ids.
fn find_user<'r>(register: &'r Register, wanted: &str) -> Result<&'r str, RunError> {
    let ids: Vec<&str> = register.users.iter().map(|u| u.user_id.as_str()).collect();
    if let Some(id) = ids.iter().find(|id| **id == wanted) {
        return Ok(id);
    }
    let folded = wanted.trim().to_lowercase();
    let same: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| id.to_lowercase() == folded)
        .collect();
    if let [one] = same.as_slice() {
        return Ok(one);
    }
    let close = closest_ids(wanted, &ids, 5);
    let hint = if close.is_empty() {
        format!("the register has {} Users", ids.len())
    } else {
        format!("did you mean {}?", close.join(", "))
    };
    Err(RunError::Usage(format!(
        "no User {wanted:?} in the register; {hint}"
    )))
}

/// Up to `n` ids close to `wanted`: by edit distance (ignoring case, and with look-alike letters
/// for digits first), within a third of the length (at least 2), or containing it; nearest
/// first.
fn closest_ids<'r>(wanted: &str, ids: &[&'r str], n: usize) -> Vec<&'r str> {
    let needle = wanted.trim().to_lowercase();
    if needle.is_empty() {
        return Vec::new();
    }
    let limit = (needle.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = ids
        .iter()
        .filter_map(|id| {
            let lower = id.to_lowercase();
            // A letter typed for the digit it looks like (`U0l2`, `UO12`) is the closest of all.
            let d = if fold(&needle) == fold(&lower) {
                0
            } else {
                strsim::damerau_levenshtein(&needle, &lower)
            };
            (d <= limit || lower.contains(&needle)).then_some((d, *id))
        })
        .collect();
    scored.sort();
    scored.dedup();
    scored.into_iter().take(n).map(|(_, id)| id).collect()
}

/// `s` with the letters that look like digits read as those digits (l, i → 1; o → 0).
fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'l' | 'i' => '1',
            'o' => '0',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::closest_ids;

    #[test]
    fn the_closest_ids_come_first() {
        let ids = ["U011", "U012", "U013", "U120", "SRP01"];
        assert_eq!(closest_ids("U0l2", &ids, 3), ["U012", "U011", "U013"]);
        assert_eq!(closest_ids("UO12", &ids, 1), ["U012"]);
        assert_eq!(closest_ids("SRP1", &ids, 3), ["SRP01"]);
        assert!(closest_ids("Northwind", &ids, 3).is_empty());
    }
}
