//! Fuzzes CSV register ingestion end to end: the input is cut at `\0` bytes into up to three CSV
//! files (users, premises, assessments); the register is read with small limits, and when it
//! reads, audited and reported as JSON. Nothing may panic; every input issue must name a cell of
//! an input that was given.
#![no_main]

use chrono::NaiveDate;
use g8audit::register::{Limits, ReadOptions, read_register_bytes};
use g8audit::rules::{self, AuditParams};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// The embedded rules, parsed once.
fn rules() -> &'static g8audit::rules::ruleset::RuleSet {
    static RULES: OnceLock<g8audit::config::LoadedRules> = OnceLock::new();
    &RULES
        .get_or_init(|| g8audit::config::load_rules(None).expect("embedded rules"))
        .rules
}

fuzz_target!(|data: &[u8]| {
    let names = ["users.csv", "premises.csv", "assessments.csv"];
    let parts: Vec<&[u8]> = data.splitn(3, |b| *b == 0).collect();
    let inputs: Vec<(&str, &[u8])> = names.iter().copied().zip(parts).collect();
    let today = NaiveDate::from_ymd_opt(2026, 11, 1).expect("date");
    let mut opts = ReadOptions::new(today);
    opts.limits = Limits {
        max_cells: 100_000,
        max_rows: 10_000,
        max_columns: 1_000,
        max_csv_field_bytes: 10_000,
        ..Limits::default()
    };
    let Ok(outcome) = read_register_bytes(&inputs, &opts) else {
        return;
    };
    for issue in &outcome.issues {
        assert!((issue.cell.input as usize) < inputs.len(), "{issue:?}");
    }
    let params = AuditParams {
        as_of: today,
        warn_days: 90,
        stale_days: 45,
        annotate: true,
    };
    let audit = rules::audit(&outcome.register, rules(), &params);
    let report = g8audit::report::json::report(&audit, &outcome.register.inputs, &outcome.issues);
    let _ = g8audit::report::json::to_string(&report);
    let mut csv = Vec::new();
    g8audit::report::csv::write_findings(&audit, &mut csv).expect("findings CSV");
});
